//! Spec coverage: every spec whose `x-cloudcost-service.reference` names a botocore service
//! is compared with the official AWS model in `reference/aws-botocore-closure.json`
//! (see `reference/README.md`). The test prints a coverage table and fails on any difference
//! not listed in `reference/coverage-exceptions.yaml`, and on any listed exception that no
//! longer matches a difference.
//!
//! ```sh
//! cargo test -p cloudcost-codegen --test coverage -- --nocapture
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use cloudcost_codegen::ir::*;
use cloudcost_codegen::loader;
use serde_json::Value;

const REFERENCE: &str = "reference/aws-botocore-closure.json";
const EXCEPTIONS: &str = "reference/coverage-exceptions.yaml";

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("codegen/ is inside the workspace")
        .to_path_buf()
}

fn load_reference(root: &Path) -> Value {
    let text = std::fs::read_to_string(root.join(REFERENCE))
        .unwrap_or_else(|e| panic!("cannot read {REFERENCE}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{REFERENCE} is not JSON: {e}"))
}

// ------------------------------------------------------------------------------ report

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Category {
    Operations,
    Members,
    EnumValues,
    Constraints,
    Errors,
}

impl Category {
    const ALL: [Category; 5] = [
        Self::Operations,
        Self::Members,
        Self::EnumValues,
        Self::Constraints,
        Self::Errors,
    ];

    /// The middle part of item ids: `ce/member/GetCostAndUsageRequest.Metrics`.
    fn slug(self) -> &'static str {
        match self {
            Self::Operations => "operation",
            Self::Members => "member",
            Self::EnumValues => "enum",
            Self::Constraints => "constraint",
            Self::Errors => "error",
        }
    }

    fn title(self) -> &'static str {
        match self {
            Self::Operations => "operations",
            Self::Members => "members",
            Self::EnumValues => "enum values",
            Self::Constraints => "constraints",
            Self::Errors => "errors",
        }
    }
}

#[derive(Clone, Debug)]
struct Item {
    category: Category,
    /// Empty when the spec matches the reference.
    problems: Vec<String>,
}

/// What one spec was checked for, by item id.
#[derive(Clone, Debug)]
struct Report {
    /// The reference service name (`ce`, `inspector2`): the first part of item ids.
    service: String,
    items: BTreeMap<String, Item>,
}

impl Report {
    /// Records one checked item. An item checked more than once (a shape reachable from
    /// several members) is counted once, and fails if any check of it failed.
    fn record(&mut self, category: Category, key: &str, problems: Vec<String>) {
        self.record_as(category, category.slug(), key, problems)
    }

    fn record_as(&mut self, category: Category, slug: &str, key: &str, problems: Vec<String>) {
        let id = format!("{}/{slug}/{key}", self.service);
        let item = self.items.entry(id).or_insert(Item {
            category,
            problems: Vec::new(),
        });
        for p in problems {
            if !item.problems.contains(&p) {
                item.problems.push(p);
            }
        }
    }

    /// (matched, total) in `category`.
    fn tally(&self, category: Category) -> (usize, usize) {
        let of = self.items.values().filter(|i| i.category == category);
        (
            of.clone().filter(|i| i.problems.is_empty()).count(),
            of.count(),
        )
    }

    fn failures(&self) -> impl Iterator<Item = (&String, &Item)> {
        self.items.iter().filter(|(_, i)| !i.problems.is_empty())
    }

    fn is_failing(&self, id: &str) -> bool {
        self.items.get(id).is_some_and(|i| !i.problems.is_empty())
    }
}

// ----------------------------------------------------------------------------- checker

/// Compares one spec with its service in the reference document (the whole
/// `aws-botocore-closure.json`).
fn check(service: &Service, reference: &Value) -> Report {
    let name = &service
        .reference
        .as_ref()
        .expect("the spec names a reference")
        .service;
    let model = &reference["services"][name.as_str()];
    assert!(
        model.is_object(),
        "{REFERENCE} has no service `{name}` (named by {})",
        service.spec_path
    );
    let cx = Checker {
        service,
        model,
        shapes: &model["shapes"],
    };
    let mut rep = Report {
        service: name.clone(),
        items: BTreeMap::new(),
    };

    cx.service_facts(&mut rep);
    let ops = model["operations"]
        .as_object()
        .expect("operations is an object");
    let mut errors = BTreeSet::new();
    let mut roots = Vec::new();
    for (op_name, op) in ops {
        cx.operation(op_name, op, &mut rep);
        roots.extend(
            [str_at(op, "input"), str_at(op, "output")]
                .into_iter()
                .flatten()
                .map(str::to_string),
        );
        for e in op["errors"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            errors.insert(e.to_string());
            roots.push(e.to_string());
        }
    }
    for op in &service.operations {
        if !ops.contains_key(&op.name) {
            rep.record(
                Category::Operations,
                &op.name,
                vec!["operation is not in the official model".into()],
            );
        }
    }

    let closure = cx.closure(roots);
    // The extraction lists each operation's closures too: they must agree with the shapes.
    let listed: BTreeSet<String> = ops
        .values()
        .flat_map(|op| ["input_closure", "output_closure", "error_closure"].map(|k| &op[k]))
        .flat_map(|c| {
            c.as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_string)
        })
        .collect();
    assert!(
        listed.is_empty() || listed == closure,
        "{REFERENCE}: `{name}` closures disagree with its shapes"
    );
    for shape in &closure {
        let s = &cx.shapes[shape.as_str()];
        match str_at(s, "type") {
            Some("structure") => {
                cx.members(shape, &mut rep);
                if s.get("exception").is_none()
                    && service
                        .structure(shape)
                        .is_some_and(|st| st.error.is_some())
                {
                    rep.record(
                        Category::Errors,
                        shape,
                        vec!["spec marks it an error; the official model does not".into()],
                    );
                }
            }
            Some("string") if s.get("enum").is_some() => cx.enum_values(shape, &mut rep),
            _ => {}
        }
    }
    for e in &errors {
        cx.error(e, &mut rep);
    }
    rep
}

struct Checker<'a> {
    service: &'a Service,
    model: &'a Value,
    shapes: &'a Value,
}

fn str_at<'v>(v: &'v Value, key: &str) -> Option<&'v str> {
    v.get(key).and_then(Value::as_str)
}

fn problem(ok: bool, msg: impl FnOnce() -> String) -> Vec<String> {
    if ok {
        Vec::new()
    } else {
        vec![msg()]
    }
}

impl Checker<'_> {
    fn shape(&self, name: &str) -> &Value {
        self.shapes
            .get(name)
            .unwrap_or_else(|| panic!("{REFERENCE}: shape `{name}` is referred to but not defined"))
    }

    /// Every shape reachable from `roots`, roots included.
    fn closure(&self, roots: Vec<String>) -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut stack = roots;
        while let Some(name) = stack.pop() {
            if !seen.insert(name.clone()) {
                continue;
            }
            let s = self.shape(&name);
            let members = s
                .get("members")
                .and_then(Value::as_object)
                .into_iter()
                .flat_map(|m| m.values());
            for target in members.chain(["member", "key", "value"].iter().filter_map(|k| s.get(*k)))
            {
                if let Some(t) = str_at(target, "shape") {
                    stack.push(t.to_string());
                }
            }
        }
        seen
    }

    /// Protocol, X-Amz-Target prefix and signing name (counted with the operations).
    fn service_facts(&self, rep: &mut Report) {
        let meta = &self.model["metadata"];
        let expected = match (str_at(meta, "protocol"), str_at(meta, "jsonVersion")) {
            (Some("json"), Some("1.1")) => Some(Protocol::AwsJson1_1),
            (Some("rest-json"), _) => Some(Protocol::RestJson1),
            _ => None,
        };
        rep.record_as(
            Category::Operations,
            "service",
            "protocol",
            problem(expected == Some(self.service.protocol), || {
                format!(
                    "spec says {}, the official model {:?}",
                    self.service.protocol.name(),
                    meta.get("protocol")
                )
            }),
        );
        let prefix = str_at(meta, "targetPrefix");
        rep.record_as(
            Category::Operations,
            "service",
            "targetPrefix",
            problem(self.service.target_prefix.as_deref() == prefix, || {
                format!(
                    "spec says {:?}, the official model {prefix:?}",
                    self.service.target_prefix
                )
            }),
        );
        let signing = str_at(meta, "signingName").or(str_at(meta, "endpointPrefix"));
        let ours = match &self.service.auth {
            Auth::SigV4 { signing_name, .. } => Some(signing_name.as_str()),
            Auth::ScpHmac { .. } => None,
        };
        rep.record_as(
            Category::Operations,
            "service",
            "signingName",
            problem(ours == signing, || {
                format!("spec signs as {ours:?}, the official model as {signing:?}")
            }),
        );
    }

    fn operation(&self, name: &str, op: &Value, rep: &mut Report) {
        let Some(ir) = self.service.operations.iter().find(|o| o.name == name) else {
            rep.record(
                Category::Operations,
                name,
                vec!["operation is missing from the spec".into()],
            );
            for part in ["http", "input", "output", "errors", "pagination"] {
                rep.record(
                    Category::Operations,
                    &format!("{name}.{part}"),
                    vec!["operation is missing".into()],
                );
            }
            return;
        };
        rep.record(Category::Operations, name, Vec::new());

        let http = &op["http"];
        let mut p = Vec::new();
        let method = str_at(http, "method").unwrap_or_default();
        if ir.method != method {
            p.push(format!(
                "method {} in the spec, {method} in the official model",
                ir.method
            ));
        }
        // awsJson1.1: the IR path is "/" (the model's requestUri) and the operation is told
        // apart by X-Amz-Target = targetPrefix.Name. restJson1: the path is the requestUri.
        let uri = str_at(http, "requestUri").unwrap_or_default();
        if ir.path != uri {
            p.push(format!(
                "path {} in the spec, {uri} in the official model",
                ir.path
            ));
        }
        let target = str_at(&self.model["metadata"], "targetPrefix").map(|t| format!("{t}.{name}"));
        if ir.target != target {
            p.push(format!(
                "X-Amz-Target {:?} in the spec, {target:?} in the official model",
                ir.target
            ));
        }
        if let Some(code) = http.get("responseCode").and_then(Value::as_u64) {
            if code != 200 {
                p.push(format!(
                    "the official model answers {code}; specs always describe 200"
                ));
            }
        }
        rep.record(Category::Operations, &format!("{name}.http"), p);

        for (part, ours) in [("input", &ir.input), ("output", &ir.output)] {
            let theirs = str_at(op, part).unwrap_or_default();
            rep.record(
                Category::Operations,
                &format!("{name}.{part}"),
                problem(ours == theirs, || {
                    format!("{ours} in the spec, {theirs} in the official model")
                }),
            );
        }

        let theirs: BTreeSet<&str> = op["errors"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let ours: BTreeSet<&str> = ir.errors.iter().map(String::as_str).collect();
        let mut p = Vec::new();
        let missing: Vec<_> = theirs.difference(&ours).collect();
        if !missing.is_empty() {
            p.push(format!("missing errors {missing:?}"));
        }
        let extra: Vec<_> = ours.difference(&theirs).collect();
        if !extra.is_empty() {
            p.push(format!("errors not in the official model {extra:?}"));
        }
        rep.record(Category::Operations, &format!("{name}.errors"), p);

        rep.record(
            Category::Operations,
            &format!("{name}.pagination"),
            pagination(op.get("paginator"), ir.pagination.as_ref()),
        );
    }

    fn members(&self, shape: &str, rep: &mut Report) {
        let s = self.shape(shape);
        let required: BTreeSet<&str> = s["required"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let theirs = s["members"].as_object().cloned().unwrap_or_default();
        let ir = self.service.structure(shape);
        let mut matched = BTreeSet::new();
        for (m_name, m) in &theirs {
            let key = format!("{shape}.{m_name}");
            let Some(ir) = ir else {
                rep.record(
                    Category::Members,
                    &key,
                    vec![format!("structure `{shape}` is not in the spec")],
                );
                continue;
            };
            let location = str_at(m, "location");
            // The JSON field name: `jsonName`, else a body member's `locationName`, else the name.
            let wire = str_at(m, "jsonName")
                .or(if location.is_none() {
                    str_at(m, "locationName")
                } else {
                    None
                })
                .unwrap_or(m_name);
            let Some(ours) = ir.members.iter().find(|x| x.name == wire) else {
                rep.record(
                    Category::Members,
                    &key,
                    vec![format!("member `{wire}` is missing from the spec")],
                );
                continue;
            };
            matched.insert(ours.name.clone());
            let target = str_at(m, "shape").unwrap_or_default();
            let mut p = Vec::new();
            let req = required.contains(m_name.as_str());
            if ours.required != req {
                p.push(format!(
                    "required is {} in the spec, {req} in the official model",
                    ours.required
                ));
            }
            if let Err(e) = self.compatible(target, &ours.ty) {
                p.push(e);
            }
            // HTTP binding: body, a header (`location: header` + `locationName`), or a
            // query parameter of the member's name.
            let loc_name = str_at(m, "locationName").unwrap_or(m_name);
            let bound = match (location, &ours.location) {
                (None, Location::Body) => true,
                (Some("header"), Location::Header(h)) => h == loc_name,
                (Some("querystring"), Location::Query { .. }) => ours.name == loc_name,
                _ => false,
            };
            if !bound {
                let ours_loc = match &ours.location {
                    Location::Body => "the body".to_string(),
                    Location::Header(h) => format!("header {h}"),
                    Location::Query { .. } => format!("query parameter {}", ours.name),
                };
                let theirs_loc = match location {
                    None => "the body".to_string(),
                    Some(l) => format!("{l} {loc_name}"),
                };
                p.push(format!(
                    "in {ours_loc} in the spec, in {theirs_loc} in the official model"
                ));
            }
            rep.record(Category::Members, &key, p);
            self.constraints(target, &ours.ty, rep);
        }
        for extra in ir
            .into_iter()
            .flat_map(|s| &s.members)
            .filter(|m| !matched.contains(&m.name))
        {
            rep.record(
                Category::Members,
                &format!("{shape}.{}", extra.name),
                vec!["member is in the spec but not in the official model".into()],
            );
        }
    }

    /// Whether the spec type `ty` can carry the official shape `shape`.
    fn compatible(&self, shape: &str, ty: &Ty) -> Result<(), String> {
        let s = self.shape(shape);
        let t = str_at(s, "type").unwrap_or_default();
        let ok = match (t, &ty.kind) {
            ("string", TyKind::Enum(n)) if s.get("enum").is_some() => n == shape,
            ("string", _) if s.get("enum").is_some() => false,
            (
                "string",
                TyKind::String
                | TyKind::Enum(_)
                | TyKind::YearMonthDay
                | TyKind::Decimal {
                    wire: DecimalWire::String,
                }
                | TyKind::Date
                | TyKind::LocalDateTime,
            ) => true,
            ("integer", TyKind::Integer { .. }) | ("long", TyKind::Integer { bits: 64 }) => true,
            (
                "double" | "float",
                TyKind::Decimal {
                    wire: DecimalWire::Number,
                },
            ) => true,
            ("boolean", TyKind::Boolean) => true,
            // JSON protocols send timestamps as epoch seconds unless the shape says otherwise.
            ("timestamp", TyKind::EpochSeconds) => {
                matches!(str_at(s, "timestampFormat"), None | Some("unixTimestamp"))
            }
            ("structure", TyKind::Struct(n)) => n == shape,
            ("list", TyKind::List(item)) => {
                let member = str_at(&s["member"], "shape").unwrap_or_default();
                return self
                    .compatible(member, item)
                    .map_err(|e| format!("list member: {e}"));
            }
            ("map", TyKind::Map { key, value }) => {
                self.compatible(str_at(&s["key"], "shape").unwrap_or_default(), key)
                    .map_err(|e| format!("map key: {e}"))?;
                return self
                    .compatible(str_at(&s["value"], "shape").unwrap_or_default(), value)
                    .map_err(|e| format!("map value: {e}"));
            }
            _ => false,
        };
        let kind = if s.get("enum").is_some() { "enum" } else { t };
        if ok {
            Ok(())
        } else {
            Err(format!(
                "type {} in the spec, {kind} `{shape}` in the official model",
                describe(ty)
            ))
        }
    }

    /// min/max/pattern of the official shape `shape` against the spec type `ty` that carries
    /// it (a member's type, or a list member, map key or map value inside it). Items are
    /// named by the official shape, so a shape reachable from several members is one item.
    fn constraints(&self, shape: &str, ty: &Ty, rep: &mut Report) {
        let s = self.shape(shape);
        let t = str_at(s, "type").unwrap_or_default();
        if t == "structure" || s.get("enum").is_some() {
            return;
        }
        let c = &ty.constraints;
        let num = |n: Option<u64>| n.map(serde_json::Number::from);
        // Which spec constraint carries the official min/max for this type.
        let (min, max, min_name, max_name) = match t {
            "string" => (
                num(c.min_length),
                num(c.max_length),
                "minLength",
                "maxLength",
            ),
            "list" | "map" => (num(c.min_items), num(c.max_items), "minItems", "maxItems"),
            _ => (c.minimum.clone(), c.maximum.clone(), "minimum", "maximum"),
        };
        for (bound, ours, spec_name) in [("min", min, min_name), ("max", max, max_name)] {
            let theirs = s.get(bound).and_then(Value::as_f64);
            let ours_f = ours.as_ref().and_then(serde_json::Number::as_f64);
            if theirs.is_some() || ours_f.is_some() {
                rep.record(
                    Category::Constraints,
                    &format!("{shape}.{bound}"),
                    problem(theirs == ours_f, || {
                        let show = |n: Option<f64>| n.map_or("none".to_string(), |n| n.to_string());
                        format!(
                            "{spec_name} {} in the spec, {bound} {} in the official model",
                            show(ours_f),
                            show(theirs)
                        )
                    }),
                );
            }
        }
        // Constraints the spec carries that this official type has no room for.
        let used: &[&str] = match t {
            "string" => &["minLength", "maxLength", "pattern"],
            "list" | "map" => &["minItems", "maxItems"],
            _ => &["minimum", "maximum"],
        };
        let set = [
            ("minLength", c.min_length.is_some()),
            ("maxLength", c.max_length.is_some()),
            ("pattern", c.pattern.is_some() || c.aws_pattern.is_some()),
            ("minItems", c.min_items.is_some()),
            ("maxItems", c.max_items.is_some()),
            ("minimum", c.minimum.is_some()),
            ("maximum", c.maximum.is_some()),
        ];
        for (name, present) in set {
            if present && !used.contains(&name) {
                rep.record(
                    Category::Constraints,
                    &format!("{shape}.{name}"),
                    vec![format!("spec has {name}; the official {t} shape cannot")],
                );
            }
        }
        if t == "string" {
            self.pattern(shape, str_at(s, "pattern"), c, rep);
        }

        match (t, &ty.kind) {
            ("list", TyKind::List(item)) => {
                self.constraints(str_at(&s["member"], "shape").unwrap_or_default(), item, rep)
            }
            ("map", TyKind::Map { key, value }) => {
                self.constraints(str_at(&s["key"], "shape").unwrap_or_default(), key, rep);
                self.constraints(str_at(&s["value"], "shape").unwrap_or_default(), value, rep);
            }
            _ => {}
        }
    }

    fn pattern(&self, shape: &str, theirs: Option<&str>, c: &Constraints, rep: &mut Report) {
        let key = format!("{shape}.pattern");
        match (theirs, &c.aws_pattern) {
            (None, _) => {
                if c.pattern.is_some() || c.aws_pattern.is_some() {
                    rep.record(
                        Category::Constraints,
                        &key,
                        vec!["spec has a pattern; the official model has none".into()],
                    );
                }
            }
            (Some(p), None) => rep.record(
                Category::Constraints,
                &key,
                problem(
                    c.pattern.as_ref().map(|p| p.source.as_str()) == Some(p),
                    || {
                        format!(
                            "pattern {:?} in the spec, {p:?} in the official model",
                            c.pattern
                        )
                    },
                ),
            ),
            // The spec rewrote the pattern for Rust's regex and kept the official one in
            // x-aws-pattern: that must be verbatim, and the rewrite must mean the same.
            (Some(p), Some(aws)) => {
                rep.record(
                    Category::Constraints,
                    &key,
                    problem(aws == p, || {
                        format!("x-aws-pattern {aws:?} in the spec, {p:?} in the official model")
                    }),
                );
                let rewritten = c.pattern.as_ref().map_or("", |p| p.source.as_str());
                rep.record(
                    Category::Constraints,
                    &format!("{shape}.pattern-rewrite"),
                    rewrite_agrees(p, rewritten),
                );
            }
        }
    }

    fn enum_values(&self, shape: &str, rep: &mut Report) {
        let theirs: Vec<&str> = self.shape(shape)["enum"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let p = match self.service.shapes.get(shape).map(|s| &s.kind) {
            Some(ShapeKind::Enum(ours)) => {
                let ours: Vec<&str> = ours.iter().map(String::as_str).collect();
                let mut p = Vec::new();
                let missing: Vec<_> = theirs.iter().filter(|v| !ours.contains(v)).collect();
                let extra: Vec<_> = ours.iter().filter(|v| !theirs.contains(v)).collect();
                if !missing.is_empty() {
                    p.push(format!("missing values {missing:?}"));
                }
                if !extra.is_empty() {
                    p.push(format!("values not in the official model {extra:?}"));
                }
                if p.is_empty() && ours != theirs {
                    p.push(format!(
                        "order differs: {ours:?} in the spec, {theirs:?} in the official model"
                    ));
                }
                p
            }
            Some(_) => vec!["not an enum in the spec".into()],
            None => vec!["enum is missing from the spec".into()],
        };
        rep.record(Category::EnumValues, shape, p);
    }

    fn error(&self, shape: &str, rep: &mut Report) {
        let s = self.shape(shape);
        let Some(ours) = self
            .service
            .structure(shape)
            .and_then(|st| st.error.as_ref())
        else {
            rep.record(
                Category::Errors,
                shape,
                vec!["spec has no error structure (x-cloudcost-error) of this name".into()],
            );
            return;
        };
        let fault = s.get("fault").and_then(Value::as_bool).unwrap_or(false);
        // Without `error.httpStatusCode` (all of Cost Explorer) a JSON-protocol error is a
        // 400 (500 for a server fault).
        let status = s["error"]
            .get("httpStatusCode")
            .and_then(Value::as_u64)
            .unwrap_or(if fault { 500 } else { 400 });
        let code = str_at(&s["error"], "code").unwrap_or(shape);
        let (retryable, throttling) = match s.get("retryable") {
            Some(r) => (
                true,
                r.get("throttling")
                    .and_then(Value::as_bool)
                    .unwrap_or(false),
            ),
            // A model that flags no error retryable (Cost Explorer's) still names its
            // throttling error in prose; the spec says which it is (`errorsFor.throttled`)
            // and marks it retryable + throttling, which is what a client must do.
            None if self.service.errors_for.throttled.code == ours.code => (true, true),
            None => (false, false),
        };
        let mut p = Vec::new();
        let mut cmp = |what: &str, ours: String, theirs: String| {
            if ours != theirs {
                p.push(format!(
                    "{what} {ours} in the spec, {theirs} in the official model"
                ));
            }
        };
        cmp("code", ours.code.clone(), code.to_string());
        cmp(
            "httpStatus",
            ours.http_status.to_string(),
            status.to_string(),
        );
        cmp(
            "server fault",
            ours.server_fault.to_string(),
            fault.to_string(),
        );
        cmp(
            "retryable",
            ours.retryable.to_string(),
            retryable.to_string(),
        );
        cmp(
            "throttling",
            ours.throttling.to_string(),
            throttling.to_string(),
        );
        rep.record(Category::Errors, shape, p);
    }
}

/// The botocore paginator against the spec's pagination. For operations botocore gives no
/// paginator (GetCostAndUsage, GetReservationUtilization) the spec may still describe how
/// the operation pages (reference/README.md): that counts as matching.
fn pagination(theirs: Option<&Value>, ours: Option<&Pagination>) -> Vec<String> {
    let Some(theirs) = theirs.filter(|v| !v.is_null()) else {
        return Vec::new();
    };
    let Some(ours) = ours else {
        return vec!["the official model pages; the spec has no x-cloudcost-pagination".into()];
    };
    // botocore tokens are a name, or a list of one name.
    let token = |k: &str| match theirs.get(k) {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Array(a)) if a.len() == 1 => a[0].as_str().map(str::to_string),
        _ => None,
    };
    let mut p = Vec::new();
    let out = match &ours.output_token {
        OutputToken::Member(m) => Some(m.clone()),
        OutputToken::FromLastItem(_) => None,
    };
    for (what, ours, theirs) in [
        (
            "inputToken",
            Some(ours.input_token.clone()),
            token("input_token"),
        ),
        ("outputToken", out, token("output_token")),
        ("pageSize", ours.page_size.clone(), token("limit_key")),
        ("items", Some(ours.items.clone()), token("result_key")),
    ] {
        if ours != theirs {
            p.push(format!(
                "{what} {ours:?} in the spec, {theirs:?} in the official model"
            ));
        }
    }
    p
}

fn describe(ty: &Ty) -> String {
    match &ty.kind {
        TyKind::String => "string".into(),
        TyKind::Integer { bits } => format!("i{bits}"),
        TyKind::Boolean => "boolean".into(),
        TyKind::Decimal {
            wire: DecimalWire::String,
        } => "decimal (JSON string)".into(),
        TyKind::Decimal {
            wire: DecimalWire::Number,
        } => "decimal (JSON number)".into(),
        TyKind::Date => "date".into(),
        TyKind::YearMonthDay => "aws-year-month-day".into(),
        TyKind::EpochSeconds => "epoch-seconds".into(),
        TyKind::LocalDateTime => "local-date-time".into(),
        TyKind::Enum(n) => format!("enum `{n}`"),
        TyKind::Struct(n) => format!("structure `{n}`"),
        TyKind::List(item) => format!("list of {}", describe(item)),
        TyKind::Map { key, value } => format!("map of {} to {}", describe(key), describe(value)),
    }
}

// ------------------------------------------------------------------ rewritten patterns

/// Whether `rewritten` (the spec's `pattern`, for Rust's regex) accepts the same strings as
/// the official pattern on a battery of samples. Returns the problems found.
fn rewrite_agrees(official: &str, rewritten: &str) -> Vec<String> {
    let oracle = match official_matcher(official) {
        Ok(m) => m,
        Err(e) => return vec![format!("the oracle cannot read the official pattern: {e}")],
    };
    let ours = match regex::Regex::new(rewritten) {
        Ok(r) => r,
        Err(e) => return vec![format!("rewritten pattern does not compile: {e}")],
    };
    let disagree: Vec<String> = samples()
        .into_iter()
        .filter(|s| ours.is_match(s) != oracle(s))
        .map(|s| {
            format!(
                "{s:?} (official {}, spec {})",
                oracle(&s),
                ours.is_match(&s)
            )
        })
        .collect();
    if disagree.is_empty() {
        Vec::new()
    } else {
        vec![format!(
            "rewritten pattern disagrees on {} samples, e.g. {}",
            disagree.len(),
            disagree[..disagree.len().min(4)].join(", ")
        )]
    }
}

/// A matcher with the official pattern's meaning, built independently of the spec's
/// rewrite: fancy-regex, a backtracking engine that reads look-around (the models'
/// `^(?!L)BODY(?<!L)$`) and backreferences. A `-` right after a class escape inside `[...]`
/// (`[\p{Z}-_]`) is a literal `-`, as in the Java-style regexes of the official models, so
/// it is escaped first.
type Matcher = Box<dyn Fn(&str) -> bool>;

fn official_matcher(p: &str) -> Result<Matcher, String> {
    let re = fancy_regex::Regex::new(&escape_class_dashes(p)).map_err(|e| e.to_string())?;
    // A match that runs out of backtracking budget counts as no match, and the disagreement
    // it causes is reported like any other.
    Ok(Box::new(move |s: &str| re.is_match(s).unwrap_or(false)))
}

/// Escapes a `-` that follows a class escape (`\p{..}`, `\d`, ...) inside `[...]`.
fn escape_class_dashes(p: &str) -> String {
    let mut out = String::new();
    let mut chars = p.chars().peekable();
    let mut in_class = false;
    let mut after_class_escape = false;
    while let Some(c) = chars.next() {
        let mut class_escape = false;
        match c {
            '\\' => {
                out.push(c);
                let Some(e) = chars.next() else { break };
                out.push(e);
                if matches!(e, 'p' | 'P') {
                    class_escape = true;
                    if chars.peek() == Some(&'{') {
                        for n in chars.by_ref() {
                            out.push(n);
                            if n == '}' {
                                break;
                            }
                        }
                    } else if let Some(n) = chars.next() {
                        out.push(n);
                    }
                } else {
                    class_escape = "dDwWsS".contains(e);
                }
            }
            '[' if !in_class => {
                in_class = true;
                out.push(c);
            }
            ']' if in_class => {
                in_class = false;
                out.push(c);
            }
            '-' if in_class && after_class_escape => out.push_str("\\-"),
            _ => out.push(c),
        }
        after_class_escape = in_class && class_escape;
    }
    out
}

/// Strings that tell patterns apart: each interesting character alone, leading, trailing,
/// inside and doubled, plus a few whole names.
fn samples() -> Vec<String> {
    let mut chars: Vec<char> = (' '..='~').collect();
    chars.extend([
        '\t', '\n', '\r', '\u{0}', '\u{7f}', '\u{85}', '\u{a0}', '\u{ad}', 'é', 'ß', 'Ж', '名',
        'ㄱ', '٣', '²', 'Ⅳ', '½', '\u{1680}', '\u{180e}', '\u{2000}', '\u{2005}', '\u{200a}',
        '\u{200b}', '\u{2028}', '\u{2029}', '\u{202f}', '\u{205f}', '\u{3000}', '\u{feff}', '€',
        '😀', '\u{301}',
    ]);
    let mut out = vec![
        String::new(),
        "Team Alpha".into(),
        " Team".into(),
        "Team ".into(),
        "a  b".into(),
        "x".repeat(60),
    ];
    for c in chars {
        for s in [
            format!("{c}"),
            format!("{c}a"),
            format!("a{c}"),
            format!("a{c}b"),
            format!("{c}{c}"),
        ] {
            out.push(s);
        }
    }
    out
}

// -------------------------------------------------------------------------- exceptions

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Exception {
    item: String,
    reason: String,
}

fn load_exceptions(root: &Path) -> Vec<Exception> {
    let text = std::fs::read_to_string(root.join(EXCEPTIONS))
        .unwrap_or_else(|e| panic!("cannot read {EXCEPTIONS}: {e}"));
    let list: Option<Vec<Exception>> = serde_yaml::from_str(&text)
        .unwrap_or_else(|e| panic!("{EXCEPTIONS}: expected a list of {{item, reason}}: {e}"));
    let list = list.unwrap_or_default();
    let mut seen = BTreeSet::new();
    for e in &list {
        assert!(
            !e.reason.trim().is_empty(),
            "{EXCEPTIONS}: `{}` needs a reason",
            e.item
        );
        assert!(
            seen.insert(e.item.as_str()),
            "{EXCEPTIONS}: `{}` is listed twice",
            e.item
        );
    }
    list
}

/// (differences no exception lists, exceptions that match no difference).
fn reconcile(reports: &[Report], exceptions: &[Exception]) -> (Vec<String>, Vec<String>) {
    let listed: BTreeSet<&str> = exceptions.iter().map(|e| e.item.as_str()).collect();
    let unlisted = reports
        .iter()
        .flat_map(Report::failures)
        .filter(|(id, _)| !listed.contains(id.as_str()))
        .map(|(id, item)| format!("{id}: {}", item.problems.join("; ")))
        .collect();
    let stale = exceptions
        .iter()
        .filter(|e| !reports.iter().any(|r| r.is_failing(&e.item)))
        .map(|e| e.item.clone())
        .collect();
    (unlisted, stale)
}

// ------------------------------------------------------------------------------- tests

/// Every spec whose `x-cloudcost-service.reference.source` is `botocore`, loaded. Other
/// specs are not loaded at all, so a problem in them does not show up here.
fn botocore_specs(root: &Path) -> Vec<Service> {
    let mut out = Vec::new();
    for rel in cloudcost_codegen::spec_paths(root).expect("specs/ is readable") {
        let text =
            std::fs::read_to_string(root.join(&rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
        let doc: Value =
            serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{rel} is not YAML: {e}"));
        if doc["x-cloudcost-service"]["reference"]["source"].as_str() != Some("botocore") {
            continue;
        }
        let service = loader::load(root, &rel).unwrap_or_else(|e| panic!("{e}"));
        out.push(service);
    }
    out
}

fn table(reports: &[Report]) -> String {
    let mut s = format!("{:<12}", "service");
    for c in Category::ALL {
        s += &format!("{:>18}", c.title());
    }
    s.push('\n');
    for r in reports {
        s += &format!("{:<12}", r.service);
        for c in Category::ALL {
            let (m, t) = r.tally(c);
            let pct = if t == 0 {
                "-".to_string()
            } else {
                format!("{:.0}%", 100.0 * m as f64 / t as f64)
            };
            s += &format!("{:>18}", format!("{m}/{t} {pct:>4}"));
        }
        s.push('\n');
    }
    s
}

#[test]
fn specs_cover_the_official_model() {
    let root = workspace_root();
    let reference = load_reference(&root);
    let specs = botocore_specs(&root);
    let reports: Vec<Report> = specs.iter().map(|s| check(s, &reference)).collect();
    let exceptions = load_exceptions(&root);

    println!(
        "\nspec coverage against {REFERENCE} (botocore {}):",
        reference["versions"]["botocore"].as_str().unwrap_or("?")
    );
    print!("{}", table(&reports));
    if std::env::var_os("COVERAGE_VERBOSE").is_some() {
        for (id, item) in reports.iter().flat_map(|r| &r.items) {
            println!(
                "  {} {id} {}",
                if item.problems.is_empty() { "ok" } else { "!!" },
                item.problems.join("; ")
            );
        }
    }
    for e in &exceptions {
        println!("  excepted {}: {}", e.item, e.reason);
    }
    let (unlisted, stale) = reconcile(&reports, &exceptions);
    for u in &unlisted {
        println!("  DIFFERS  {u}");
    }

    let covered: BTreeSet<&str> = reports.iter().map(|r| r.service.as_str()).collect();
    let uncovered: Vec<&String> = reference["services"]
        .as_object()
        .expect("services")
        .keys()
        .filter(|k| !covered.contains(k.as_str()))
        .collect();
    assert!(
        uncovered.is_empty(),
        "no spec has `reference: {{source: botocore, service: ...}}` for {uncovered:?}"
    );
    assert!(
        unlisted.is_empty(),
        "the specs differ from the official model (fix the spec, or list the item with a reason in {EXCEPTIONS}):\n  {}",
        unlisted.join("\n  ")
    );
    assert!(
        stale.is_empty(),
        "{EXCEPTIONS} lists items that no longer differ (remove them): {stale:?}"
    );
}

fn with_structure(service: &mut Service, name: &str, f: impl FnOnce(&mut Structure)) {
    match service.shapes.get_mut(name).map(|s| &mut s.kind) {
        Some(ShapeKind::Structure(s)) => f(s),
        _ => panic!("no structure {name}"),
    }
}

/// A broken copy of the Cost Explorer spec loses coverage, and the checker names what broke.
#[test]
fn checker_reports_a_broken_copy() {
    let root = workspace_root();
    let reference = load_reference(&root);
    let good = loader::load(&root, "specs/aws-ce.yaml").unwrap_or_else(|e| panic!("{e}"));
    let mut bad = good.clone();
    with_structure(&mut bad, "GetCostAndUsageRequest", |s| {
        s.members.retain(|m| m.name != "Metrics")
    });
    match &mut bad.shapes.get_mut("Granularity").expect("Granularity").kind {
        ShapeKind::Enum(values) => values.retain(|v| v != "HOURLY"),
        other => panic!("Granularity is {other:?}"),
    }
    with_structure(&mut bad, "GetCostAndUsageRequest", |s| {
        let m = s
            .members
            .iter_mut()
            .find(|m| m.name == "BillingViewArn")
            .expect("BillingViewArn");
        m.ty.constraints.max_length = Some(1000);
    });
    // A rewrite that forgets the "no leading or trailing space" rule of the official pattern.
    with_structure(&mut bad, "CostCategoryValues", |s| {
        let m = s.members.iter_mut().find(|m| m.name == "Key").expect("Key");
        let source = r"^[\p{L}\p{N}\p{Z}_-]*$";
        m.ty.constraints.pattern = Some(Pattern {
            source: source.into(),
            regex_lite: cloudcost_codegen::pattern::expand_unicode_classes(source)
                .expect("the rewrite expands"),
        });
    });

    let before = check(&good, &reference);
    let after = check(&bad, &reference);
    for (category, id) in [
        (
            Category::Members,
            "ce/member/GetCostAndUsageRequest.Metrics",
        ),
        (Category::EnumValues, "ce/enum/Granularity"),
        (Category::Constraints, "ce/constraint/BillingViewArn.max"),
        (
            Category::Constraints,
            "ce/constraint/CostCategoryName.pattern-rewrite",
        ),
    ] {
        assert!(
            !before.is_failing(id),
            "{id} fails on the real spec: {:?}",
            before.items[id]
        );
        assert!(
            after.is_failing(id),
            "{id} is not reported on the broken copy"
        );
        let (m0, t0) = before.tally(category);
        let (m1, t1) = after.tally(category);
        assert_eq!(t0, t1, "{category:?}: the reference decides the total");
        assert!(
            m1 < m0,
            "{category:?}: coverage did not drop ({m0}/{t0} -> {m1}/{t1})"
        );
    }
    // MetricName's constraints are still checked through the Metrics map keys.
    assert!(after.items.contains_key("ce/constraint/MetricName.max"));
}

/// Operations, errors and header bindings are checked too, and exceptions must match
/// a difference: one that matches none is reported as stale.
#[test]
fn checker_reports_operations_errors_headers_and_stale_exceptions() {
    let root = workspace_root();
    let reference = load_reference(&root);
    let mut ce = loader::load(&root, "specs/aws-ce.yaml").unwrap_or_else(|e| panic!("{e}"));
    let op = ce
        .operations
        .iter_mut()
        .find(|o| o.name == "GetReservationUtilization")
        .expect("operation");
    op.method = "GET".into();
    op.errors.retain(|e| e != "InvalidNextTokenException");
    with_structure(&mut ce, "LimitExceededException", |s| {
        s.error.as_mut().expect("error").throttling = false
    });
    with_structure(&mut ce, "DateInterval", |s| {
        let mut extra = s.members[0].clone();
        extra.name = "Bogus".into();
        s.members.push(extra);
    });
    let mut inspector =
        loader::load(&root, "specs/aws-inspector2.yaml").unwrap_or_else(|e| panic!("{e}"));
    with_structure(&mut inspector, "ThrottlingException", |s| {
        s.members
            .iter_mut()
            .find(|m| m.name == "retryAfterSeconds")
            .expect("retryAfterSeconds")
            .location = Location::Body;
    });
    let reports = [check(&ce, &reference), check(&inspector, &reference)];

    let exceptions = vec![
        Exception {
            item: "ce/error/LimitExceededException".into(),
            reason: "listed on purpose".into(),
        },
        Exception {
            item: "ce/member/DateInterval.Start".into(),
            reason: "matches nothing".into(),
        },
    ];
    let (unlisted, stale) = reconcile(&reports, &exceptions);
    let unlisted_ids: Vec<&str> = unlisted
        .iter()
        .map(|u| u.split(':').next().unwrap_or_default())
        .collect();
    for id in [
        "ce/operation/GetReservationUtilization.http",
        "ce/operation/GetReservationUtilization.errors",
        "ce/member/DateInterval.Bogus",
        "inspector2/member/ThrottlingException.retryAfterSeconds",
    ] {
        assert!(
            unlisted_ids.contains(&id),
            "{id} not reported: {unlisted:#?}"
        );
    }
    assert!(reports[0].is_failing("ce/error/LimitExceededException"));
    assert!(
        !unlisted_ids.contains(&"ce/error/LimitExceededException"),
        "an excepted item is still reported"
    );
    assert_eq!(stale, ["ce/member/DateInterval.Start"]);
    let (m, t) = reports[0].tally(Category::Errors);
    assert!(m < t, "errors coverage did not drop: {m}/{t}");
}

#[test]
fn the_pattern_oracle_reads_look_around_anywhere() {
    let edges = official_matcher("^(?!aws:)[a-z:]+(?<!:)$").expect("the models' form");
    assert!(edges("abc:def"));
    assert!(!edges("aws:def"));
    assert!(!edges("abc:"));
    // A look-ahead inside the body, which the models do not use yet.
    let digit = official_matcher("^(?=.*[0-9])[a-z0-9]+$").expect("a look-ahead");
    assert!(digit("ab1"));
    assert!(!digit("abc"));
    // The models' Java-style class with a literal dash after a class escape.
    let dash = official_matcher("^[\\p{L}-_]+$").expect("a class escape then a dash");
    assert!(dash("a-_b"));
}
