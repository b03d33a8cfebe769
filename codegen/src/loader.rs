//! Reads a spec file (OpenAPI 3.0.x YAML with `x-` extensions, see `specs/README.md`) into
//! the IR. Every check that can fail names the file and the JSON pointer of the offending
//! node, so a broken spec is fixed from the message alone.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::{Map, Value};

use crate::error::{Error, SpecError};
use crate::ir::*;

mod situations;

/// Loads and checks one spec. `root` is the workspace root; `rel` the spec path under it.
pub fn load(root: &Path, rel: &str) -> Result<Service, Error> {
    let path = root.join(rel);
    let text = std::fs::read_to_string(&path).map_err(|source| Error::Io {
        path: rel.to_string(),
        source,
    })?;
    load_str(root, rel, &text)
}

/// Loads a spec from text; `rel` names it in errors and locates its examples.
pub fn load_str(root: &Path, rel: &str, text: &str) -> Result<Service, Error> {
    let doc: Value = serde_yaml::from_str(text).map_err(|e| SpecError {
        file: rel.to_string(),
        pointer: String::new(),
        message: format!("not valid YAML: {e}"),
    })?;
    let cx = Cx {
        file: rel.to_string(),
        root: root.to_path_buf(),
        spec_dir: Path::new(rel)
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default(),
        doc: &doc,
        alias_depth: Default::default(),
    };
    Ok(cx.service()?)
}

/// A node of the document with its JSON pointer.
#[derive(Clone, Copy)]
struct At<'a> {
    v: &'a Value,
    ptr: &'a str,
}

struct Cx<'a> {
    file: String,
    root: std::path::PathBuf,
    spec_dir: std::path::PathBuf,
    doc: &'a Value,
    alias_depth: std::cell::Cell<u32>,
}

type R<T> = Result<T, SpecError>;

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

impl<'a> Cx<'a> {
    fn err(&self, ptr: &str, message: impl Into<String>) -> SpecError {
        SpecError {
            file: self.file.clone(),
            pointer: ptr.to_string(),
            message: message.into(),
        }
    }

    fn child(&self, at: At<'a>, key: &str) -> Option<(&'a Value, String)> {
        at.v.get(key)
            .map(|v| (v, format!("{}/{}", at.ptr, escape(key))))
    }

    fn obj(&self, v: &'a Value, ptr: &str) -> R<&'a Map<String, Value>> {
        v.as_object()
            .ok_or_else(|| self.err(ptr, format!("expected an object, found {}", kind(v))))
    }

    fn req_obj(
        &self,
        parent: &'a Value,
        ptr: &str,
        key: &str,
    ) -> R<(&'a Map<String, Value>, String)> {
        let p = format!("{ptr}/{}", escape(key));
        let v = parent
            .get(key)
            .ok_or_else(|| self.err(ptr, format!("missing required `{key}`")))?;
        Ok((self.obj(v, &p)?, p))
    }

    fn req_str(&self, parent: &'a Value, ptr: &str, key: &str) -> R<&'a str> {
        match parent.get(key) {
            Some(Value::String(s)) => Ok(s),
            Some(other) => Err(self.err(
                &format!("{ptr}/{}", escape(key)),
                format!("expected a string, found {}", kind(other)),
            )),
            None => Err(self.err(ptr, format!("missing required `{key}`"))),
        }
    }

    fn opt_str(&self, parent: &'a Value, ptr: &str, key: &str) -> R<Option<&'a str>> {
        match parent.get(key) {
            None => Ok(None),
            Some(_) => self.req_str(parent, ptr, key).map(Some),
        }
    }

    fn opt_bool(&self, parent: &'a Value, ptr: &str, key: &str) -> R<bool> {
        match parent.get(key) {
            None => Ok(false),
            Some(Value::Bool(b)) => Ok(*b),
            Some(other) => Err(self.err(
                &format!("{ptr}/{}", escape(key)),
                format!("expected true or false, found {}", kind(other)),
            )),
        }
    }

    fn opt_u64(&self, parent: &'a Value, ptr: &str, key: &str) -> R<Option<u64>> {
        match parent.get(key) {
            None => Ok(None),
            Some(v) => v.as_u64().map(Some).ok_or_else(|| {
                self.err(
                    &format!("{ptr}/{}", escape(key)),
                    format!("expected a non-negative integer, found {}", kind(v)),
                )
            }),
        }
    }

    fn opt_number(&self, parent: &'a Value, ptr: &str, key: &str) -> R<Option<serde_json::Number>> {
        match parent.get(key) {
            None => Ok(None),
            Some(Value::Number(n)) => Ok(Some(n.clone())),
            Some(other) => Err(self.err(
                &format!("{ptr}/{}", escape(key)),
                format!("expected a number, found {}", kind(other)),
            )),
        }
    }

    fn service(&self) -> R<Service> {
        let doc = self.doc;
        self.obj(doc, "")?;
        let version = self.req_str(doc, "", "openapi")?;
        if !version.starts_with("3.0.") {
            return Err(self.err(
                "/openapi",
                format!("expected OpenAPI 3.0.x (progenitor reads only 3.0), found {version}"),
            ));
        }
        let (_, info_ptr) = self.req_obj(doc, "", "info")?;
        let info = &doc["info"];
        let (_, svc_ptr) = self.req_obj(doc, "", "x-cloudcost-service")?;
        let svc = &doc["x-cloudcost-service"];
        let family = self.req_str(svc, &svc_ptr, "family")?;
        if family.is_empty()
            || !family
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            return Err(self.err(
                &format!("{svc_ptr}/family"),
                "expected lower-case letters, digits and `-`",
            ));
        }
        let cli_name = self.req_str(svc, &svc_ptr, "cliName")?;
        if cli_name.is_empty()
            || !cli_name.starts_with(|c: char| c.is_ascii_lowercase())
            || !cli_name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            return Err(self.err(
                &format!("{svc_ptr}/cliName"),
                format!("expected a command name: a lower-case letter, then lower-case letters, digits and `-`, found {cli_name:?}"),
            ));
        }
        let protocol_name = self.req_str(svc, &svc_ptr, "protocol")?;
        let protocol = Protocol::parse(protocol_name).ok_or_else(|| {
            self.err(
                &format!("{svc_ptr}/protocol"),
                format!("expected awsJson1_1, restJson1 or scpRest, found {protocol_name:?}"),
            )
        })?;
        let (_, auth_ptr) = self.req_obj(svc, &svc_ptr, "auth")?;
        let auth_v = &svc["auth"];
        let auth = match self.req_str(auth_v, &auth_ptr, "scheme")? {
            "sigv4" => Auth::SigV4 {
                signing_name: self.req_str(auth_v, &auth_ptr, "signingName")?.to_string(),
                signing_region: self
                    .opt_str(auth_v, &auth_ptr, "signingRegion")?
                    .map(str::to_string),
            },
            "scp-hmac" => Auth::ScpHmac {
                api_version: self.req_str(auth_v, &auth_ptr, "apiVersion")?.to_string(),
            },
            other => {
                return Err(self.err(
                    &format!("{auth_ptr}/scheme"),
                    format!("expected sigv4 or scp-hmac, found {other:?}"),
                ))
            }
        };
        let target_prefix = self
            .opt_str(svc, &svc_ptr, "targetPrefix")?
            .map(str::to_string);
        if protocol == Protocol::AwsJson1_1 && target_prefix.is_none() {
            return Err(self.err(&svc_ptr, "awsJson1_1 needs `targetPrefix`"));
        }
        let reference = match svc.get("reference") {
            None => None,
            Some(r) => {
                let p = format!("{svc_ptr}/reference");
                self.obj(r, &p)?;
                Some(Reference {
                    source: self.req_str(r, &p, "source")?.to_string(),
                    service: self.req_str(r, &p, "service")?.to_string(),
                })
            }
        };
        let endpoint = self.endpoint()?;

        let mut shapes = BTreeMap::new();
        let (schemas, schemas_ptr) = match doc.get("components").and_then(|c| c.get("schemas")) {
            Some(s) => (
                self.obj(s, "/components/schemas")?,
                "/components/schemas".to_string(),
            ),
            None => return Err(self.err("/components", "missing `schemas`")),
        };
        for (name, schema) in schemas {
            let ptr = format!("{schemas_ptr}/{}", escape(name));
            if !is_type_name(name) {
                return Err(self.err(&ptr, "shape names must be UpperCamelCase identifiers"));
            }
            shapes.insert(
                name.clone(),
                self.shape(
                    name,
                    At {
                        v: schema,
                        ptr: &ptr,
                    },
                )?,
            );
        }

        let mut service = Service {
            spec_path: self.file.clone(),
            family: family.to_string(),
            cli_name: cli_name.to_string(),
            title: self.req_str(info, &info_ptr, "title")?.to_string(),
            version: self.req_str(info, &info_ptr, "version")?.to_string(),
            docs: self
                .opt_str(info, &info_ptr, "description")?
                .map(clean_docs),
            protocol,
            auth,
            target_prefix,
            endpoint,
            reference,
            operations: Vec::new(),
            shapes,
            common_errors: Vec::new(),
            errors_for: ErrorsFor::default(),
            error_body: self.error_body(svc, &svc_ptr)?,
        };
        self.operations(&mut service)?;
        self.situations(&mut service, svc, &svc_ptr)?;
        Ok(service)
    }

    /// `errorBody`: three optional lists of JSON pointers. A pointer must start with `/`
    /// (RFC 6901); the lists say where, not what, so any pointer is accepted.
    fn error_body(&self, svc: &Value, svc_ptr: &str) -> R<ErrorBody> {
        let Some(body) = svc.get("errorBody") else {
            return Ok(ErrorBody::default());
        };
        let ptr = format!("{svc_ptr}/errorBody");
        let fields = self.obj(body, &ptr)?;
        for key in fields.keys() {
            if !["code", "message", "requestId"].contains(&key.as_str()) {
                return Err(self.err(
                    &format!("{ptr}/{}", escape(key)),
                    "unknown key (expected code, message, requestId)",
                ));
            }
        }
        let list = |key: &str| -> R<Vec<String>> {
            let Some(v) = body.get(key) else {
                return Ok(Vec::new());
            };
            let p = format!("{ptr}/{key}");
            let items = v
                .as_array()
                .ok_or_else(|| self.err(&p, "expected a list of JSON pointers"))?;
            items
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    item.as_str()
                        .filter(|s| s.starts_with('/'))
                        .map(str::to_owned)
                        .ok_or_else(|| {
                            self.err(
                                &format!("{p}/{i}"),
                                "expected a JSON pointer starting with `/`",
                            )
                        })
                })
                .collect()
        };
        Ok(ErrorBody {
            code: list("code")?,
            message: list("message")?,
            request_id: list("requestId")?,
        })
    }

    fn endpoint(&self) -> R<Endpoint> {
        let servers = self
            .doc
            .get("servers")
            .and_then(Value::as_array)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| {
                self.err(
                    "",
                    "missing `servers` (servers[0].url is the default endpoint)",
                )
            })?;
        let url = self.req_str(&servers[0], "/servers/0", "url")?.to_string();
        let mut variables = Vec::new();
        if let Some(vars) = servers[0].get("variables") {
            for (name, var) in self.obj(vars, "/servers/0/variables")? {
                let p = format!("/servers/0/variables/{}", escape(name));
                let default = self.req_str(var, &p, "default")?.to_string();
                let allowed = match var.get("enum") {
                    None => Vec::new(),
                    Some(values) => values
                        .as_array()
                        .and_then(|a| a.iter().map(|v| v.as_str().map(str::to_owned)).collect())
                        .ok_or_else(|| {
                            self.err(&format!("{p}/enum"), "expected a list of strings")
                        })?,
                };
                if !allowed.is_empty() && !allowed.contains(&default) {
                    return Err(self.err(
                        &format!("{p}/default"),
                        format!("default `{default}` is not one of its `enum` values"),
                    ));
                }
                let env = match var.get("x-cloudcost-env") {
                    None => None,
                    Some(v) => Some(
                        v.as_str()
                            .filter(|s| !s.is_empty())
                            .ok_or_else(|| {
                                self.err(
                                    &format!("{p}/x-cloudcost-env"),
                                    "expected an environment variable name",
                                )
                            })?
                            .to_owned(),
                    ),
                };
                variables.push(EndpointVariable {
                    name: name.clone(),
                    default,
                    allowed,
                    env,
                });
            }
        }
        for cap in url.split('{').skip(1) {
            let name = cap.split('}').next().unwrap_or_default();
            if !variables.iter().any(|v| v.name == name) {
                return Err(self.err(
                    "/servers/0/url",
                    format!("variable `{name}` has no entry in `variables`"),
                ));
            }
        }
        Ok(Endpoint { url, variables })
    }

    fn shape(&self, name: &str, at: At<'_>) -> R<Shape> {
        self.obj(at.v, at.ptr)?;
        let docs = self.opt_str(at.v, at.ptr, "description")?.map(clean_docs);
        let ty_name = self.opt_str(at.v, at.ptr, "type")?;
        let kind = if at.v.get("enum").is_some() {
            if ty_name != Some("string") {
                return Err(self.err(at.ptr, "enums must be `type: string`"));
            }
            let values = at.v["enum"]
                .as_array()
                .filter(|a| !a.is_empty())
                .ok_or_else(|| {
                    self.err(
                        &format!("{}/enum", at.ptr),
                        "expected a non-empty list of strings",
                    )
                })?;
            let mut out = Vec::new();
            let mut idents = BTreeSet::new();
            for (i, v) in values.iter().enumerate() {
                let p = format!("{}/enum/{i}", at.ptr);
                let s = v
                    .as_str()
                    .ok_or_else(|| self.err(&p, "expected a string"))?;
                let ident = crate::naming::variant_ident(s);
                if ident.is_empty() || ident == "Unknown" || !idents.insert(ident.clone()) {
                    return Err(self.err(&p, format!("value {s:?} gives the Rust variant name {ident:?}, which is empty, reserved or taken")));
                }
                out.push(s.to_string());
            }
            ShapeKind::Enum(out)
        } else if is_structure(at.v) {
            ShapeKind::Structure(self.structure(at)?)
        } else {
            ShapeKind::Alias(self.ty(at, false)?)
        };
        Ok(Shape {
            name: name.to_string(),
            docs,
            kind,
        })
    }

    fn structure(&self, at: At<'_>) -> R<Structure> {
        let mut required = BTreeSet::new();
        if let Some((req, p)) = self.child(at, "required") {
            let arr = req
                .as_array()
                .ok_or_else(|| self.err(&p, "expected a list of member names"))?;
            for (i, r) in arr.iter().enumerate() {
                let name = r
                    .as_str()
                    .ok_or_else(|| self.err(&format!("{p}/{i}"), "expected a string"))?;
                if at.v.get("properties").and_then(|ps| ps.get(name)).is_none() {
                    return Err(
                        self.err(&format!("{p}/{i}"), format!("`{name}` is not a property"))
                    );
                }
                required.insert(name.to_string());
            }
        }
        let mut members = Vec::new();
        if let Some((props, pp)) = self.child(at, "properties") {
            for (name, prop) in self.obj(props, &pp)? {
                let p = format!("{pp}/{}", escape(name));
                members.push(self.member(
                    name,
                    At { v: prop, ptr: &p },
                    required.contains(name),
                )?);
            }
        }
        let error = match self.child(at, "x-cloudcost-error") {
            None => None,
            Some((e, p)) => Some(self.error_info(e, &p)?),
        };
        Ok(Structure { members, error })
    }

    /// An `x-cloudcost-error` object, or an entry of `commonErrors`.
    fn error_info(&self, e: &'a Value, p: &str) -> R<ErrorInfo> {
        self.obj(e, p)?;
        let status = self
            .opt_u64(e, p, "httpStatus")?
            .ok_or_else(|| self.err(p, "missing required `httpStatus`"))?;
        let fault = self.req_str(e, p, "fault")?;
        if fault != "client" && fault != "server" {
            return Err(self.err(&format!("{p}/fault"), "expected client or server"));
        }
        Ok(ErrorInfo {
            code: self.req_str(e, p, "code")?.to_string(),
            http_status: u16::try_from(status)
                .ok()
                .filter(|s| (400..600).contains(s))
                .ok_or_else(|| {
                    self.err(
                        &format!("{p}/httpStatus"),
                        "expected an HTTP error status 400-599",
                    )
                })?,
            server_fault: fault == "server",
            retryable: self.opt_bool(e, p, "retryable")?,
            throttling: self.opt_bool(e, p, "throttling")?,
        })
    }

    fn member(&self, name: &str, at: At<'_>, required: bool) -> R<Member> {
        self.obj(at.v, at.ptr)?;
        let location = match self.opt_str(at.v, at.ptr, "x-cloudcost-location")? {
            None | Some("body") => Location::Body,
            Some("header") => Location::Header(
                self.req_str(at.v, at.ptr, "x-cloudcost-location-name")?
                    .to_string(),
            ),
            Some(other) => {
                return Err(self.err(
                    &format!("{}/x-cloudcost-location", at.ptr),
                    format!("expected body or header, found {other:?}"),
                ))
            }
        };
        Ok(Member {
            name: name.to_string(),
            docs: self.opt_str(at.v, at.ptr, "description")?.map(clean_docs),
            ty: self.ty(at, true)?,
            required,
            location,
            sensitive: self.opt_bool(at.v, at.ptr, "x-cloudcost-sensitive")?,
        })
    }

    /// The type of a schema node: a `$ref`, or an inline primitive, list or map.
    fn ty(&self, at: At<'_>, allow_ref: bool) -> R<Ty> {
        let nullable = self.opt_bool(at.v, at.ptr, "nullable")?;
        if let Some((r, p)) = self.child(at, "$ref") {
            if !allow_ref {
                return Err(self.err(&p, "a named shape cannot be only a `$ref`"));
            }
            let name = self.ref_name(r, &p)?;
            let target = self.doc["components"]["schemas"]
                .get(name)
                .expect("checked by ref_name");
            let tp = format!("/components/schemas/{}", escape(name));
            let target_at = At {
                v: target,
                ptr: &tp,
            };
            // Classify without descending into structures, so recursive shapes
            // (`Expression.Not`) terminate; aliases are resolved with a depth bound.
            let mut ty = if target.get("enum").is_some() {
                Ty::plain(TyKind::Enum(name.to_string()))
            } else if is_structure(target) {
                Ty::plain(TyKind::Struct(name.to_string()))
            } else {
                if self.alias_depth.get() > 16 {
                    return Err(self.err(&p, "aliases refer to each other in a loop"));
                }
                self.alias_depth.set(self.alias_depth.get() + 1);
                let ty = self.ty(target_at, false);
                self.alias_depth.set(self.alias_depth.get() - 1);
                ty?
            };
            ty.shape = Some(name.to_string());
            ty.nullable |= nullable;
            return Ok(ty);
        }
        if at.v.get("enum").is_some() {
            return Err(self.err(
                at.ptr,
                "inline enums are not allowed: make the enum a named component and `$ref` it",
            ));
        }
        let ty_name = self.req_str(at.v, at.ptr, "type")?;
        let format = self.opt_str(at.v, at.ptr, "format")?;
        let bad_format = || {
            self.err(
                &format!("{}/format", at.ptr),
                format!(
                    "format {:?} is not known for type {ty_name} (see specs/README.md)",
                    format.unwrap_or_default()
                ),
            )
        };
        let kind = match (ty_name, format) {
            ("string", None) => TyKind::String,
            ("string", Some("decimal")) => TyKind::Decimal {
                wire: DecimalWire::String,
            },
            ("string", Some("date")) => TyKind::Date,
            ("string", Some("aws-year-month-day")) => TyKind::YearMonthDay,
            ("string", Some("local-date-time")) => TyKind::LocalDateTime,
            ("number", Some("decimal")) => TyKind::Decimal {
                wire: DecimalWire::Number,
            },
            ("number", Some("epoch-seconds")) => TyKind::EpochSeconds,
            ("integer", None | Some("int32")) => TyKind::Integer { bits: 32 },
            ("integer", Some("int64")) => TyKind::Integer { bits: 64 },
            ("boolean", None) => TyKind::Boolean,
            ("string" | "number" | "integer" | "boolean", Some(_)) => return Err(bad_format()),
            ("number", None) => {
                return Err(self.err(
                    at.ptr,
                    "plain `number` would be f64: say `format: decimal` (or epoch-seconds)",
                ))
            }
            ("array", _) => {
                let (items, p) = self
                    .child(at, "items")
                    .ok_or_else(|| self.err(at.ptr, "missing required `items`"))?;
                TyKind::List(Box::new(self.ty(At { v: items, ptr: &p }, true)?))
            }
            ("object", _) => {
                let (value, p) = self
                    .child(at, "additionalProperties")
                    .ok_or_else(|| self.err(at.ptr, "an inline object must be a map (`additionalProperties`); name structures as components"))?;
                let value = self.ty(At { v: value, ptr: &p }, true)?;
                let key = match self.child(at, "x-cloudcost-map-key") {
                    Some((k, p)) => self.ty(At { v: k, ptr: &p }, true)?,
                    None => Ty::plain(TyKind::String),
                };
                if key.kind != TyKind::String {
                    return Err(self.err(at.ptr, "map keys must be strings"));
                }
                TyKind::Map {
                    key: Box::new(key),
                    value: Box::new(value),
                }
            }
            (other, _) => {
                return Err(self.err(
                    &format!("{}/type", at.ptr),
                    format!("unknown type {other:?}"),
                ))
            }
        };
        let constraints = Constraints {
            min_length: self.opt_u64(at.v, at.ptr, "minLength")?,
            max_length: self.opt_u64(at.v, at.ptr, "maxLength")?,
            pattern: self.opt_str(at.v, at.ptr, "pattern")?.map(str::to_string),
            aws_pattern: self
                .opt_str(at.v, at.ptr, "x-aws-pattern")?
                .map(str::to_string),
            min_items: self.opt_u64(at.v, at.ptr, "minItems")?,
            max_items: self.opt_u64(at.v, at.ptr, "maxItems")?,
            minimum: self.opt_number(at.v, at.ptr, "minimum")?,
            maximum: self.opt_number(at.v, at.ptr, "maximum")?,
            default: at.v.get("default").cloned(),
            example: at.v.get("example").cloned(),
        };
        if let Some(p) = &constraints.pattern {
            if let Err(e) = regex::Regex::new(p) {
                return Err(self.err(&format!("{}/pattern", at.ptr), format!("Rust's regex crate rejects this pattern ({e}); rewrite it and keep the original in `x-aws-pattern`")));
            }
        }
        let string_like = matches!(
            kind,
            TyKind::String | TyKind::YearMonthDay | TyKind::Date | TyKind::LocalDateTime
        );
        let list_like = matches!(kind, TyKind::List(_) | TyKind::Map { .. });
        let number_like = matches!(
            kind,
            TyKind::Integer { .. } | TyKind::Decimal { .. } | TyKind::EpochSeconds
        );
        for (key, ok) in [
            ("minLength", string_like),
            ("maxLength", string_like),
            ("pattern", string_like),
            ("minItems", list_like),
            ("maxItems", list_like),
            ("minimum", number_like),
            ("maximum", number_like),
        ] {
            if at.v.get(key).is_some() && !ok {
                return Err(self.err(
                    &format!("{}/{key}", at.ptr),
                    format!("`{key}` does not apply to type {ty_name}"),
                ));
            }
        }
        if matches!(kind, TyKind::Integer { .. }) {
            for n in [&constraints.minimum, &constraints.maximum]
                .into_iter()
                .flatten()
            {
                if n.as_i64().is_none() {
                    return Err(self.err(at.ptr, "integer bounds must be integers"));
                }
            }
        }
        Ok(Ty {
            kind,
            constraints,
            nullable,
            shape: None,
        })
    }

    fn ref_name(&self, r: &'a Value, ptr: &str) -> R<&'a str> {
        let s = r
            .as_str()
            .ok_or_else(|| self.err(ptr, "expected a string"))?;
        let name = s.strip_prefix("#/components/schemas/").ok_or_else(|| {
            self.err(
                ptr,
                format!("expected #/components/schemas/<Name>, found {s:?}"),
            )
        })?;
        if self.doc["components"]["schemas"].get(name).is_none() {
            return Err(self.err(
                ptr,
                format!("no shape named `{name}` in components/schemas"),
            ));
        }
        Ok(name)
    }

    fn operations(&self, service: &mut Service) -> R<()> {
        let (paths, _) = self.req_obj(self.doc, "", "paths")?;
        let media = service.protocol.media_type();
        let mut names = BTreeSet::new();
        for (path, item) in paths {
            let item_ptr = format!("/paths/{}", escape(path));
            for (method, op) in self.obj(item, &item_ptr)? {
                let ptr = format!("{item_ptr}/{}", escape(method));
                self.obj(op, &ptr)?;
                let name = self.req_str(op, &ptr, "operationId")?.to_string();
                if !is_type_name(&name) || !names.insert(name.clone()) {
                    return Err(self.err(
                        &format!("{ptr}/operationId"),
                        "expected a unique UpperCamelCase operation name",
                    ));
                }
                let method_uc = method.to_ascii_uppercase();
                let target = self.opt_str(op, &ptr, "x-amz-target")?.map(str::to_string);
                let wire_path = match service.protocol {
                    Protocol::AwsJson1_1 => {
                        let target = target.as_deref().ok_or_else(|| {
                            self.err(&ptr, "awsJson1_1 operations need `x-amz-target`")
                        })?;
                        let prefix = service.target_prefix.as_deref().unwrap_or_default();
                        if target != format!("{prefix}.{name}") {
                            return Err(self.err(
                                &format!("{ptr}/x-amz-target"),
                                format!("expected {prefix}.{name}"),
                            ));
                        }
                        if path != &format!("/#X-Amz-Target={target}") || method_uc != "POST" {
                            return Err(self.err(&item_ptr, format!("awsJson1_1 operations are `post` under the path `/#X-Amz-Target={target}`")));
                        }
                        "/".to_string()
                    }
                    _ => {
                        if target.is_some() {
                            return Err(self.err(
                                &format!("{ptr}/x-amz-target"),
                                "only awsJson1_1 uses X-Amz-Target",
                            ));
                        }
                        if !path.starts_with('/') || path.contains('#') {
                            return Err(self.err(&item_ptr, "expected an HTTP path"));
                        }
                        path.clone()
                    }
                };
                let mut examples = Vec::new();
                let input = if let Some((body, bp)) =
                    self.child(At { v: op, ptr: &ptr }, "requestBody")
                {
                    let (shape, content) = self.content_ref(body, &bp, media)?;
                    self.examples(
                        content,
                        &format!("{bp}/content/{}", escape(media)),
                        &shape,
                        Direction::Request,
                        &mut examples,
                    )?;
                    if op.get("parameters").is_some() {
                        return Err(self.err(
                            &ptr,
                            "an operation takes a request body or query parameters, not both",
                        ));
                    }
                    shape
                } else {
                    let input = self
                        .opt_str(op, &ptr, "x-cloudcost-input")?
                        .map(str::to_string)
                        .unwrap_or_else(|| format!("{name}Request"));
                    let members = self.parameters(op, &ptr)?;
                    if service.shapes.contains_key(&input) {
                        return Err(self.err(&ptr, format!("the input `{input}` built from parameters clashes with a component")));
                    }
                    service.shapes.insert(
                        input.clone(),
                        Shape {
                            name: input.clone(),
                            docs: Some(format!("The query parameters of {name}.")),
                            kind: ShapeKind::Structure(Structure {
                                members,
                                error: None,
                            }),
                        },
                    );
                    if let Some((ex, ep)) =
                        self.child(At { v: op, ptr: &ptr }, "x-cloudcost-request-examples")
                    {
                        self.example_map(ex, &ep, &input, Direction::Request, &mut examples)?;
                    }
                    input
                };
                let (responses, rp) = self.req_obj(op, &ptr, "responses")?;
                let ok = responses
                    .get("200")
                    .ok_or_else(|| self.err(&rp, "missing the `200` response"))?;
                let okp = format!("{rp}/200");
                let (output, content) = self.content_ref(ok, &okp, media)?;
                self.examples(
                    content,
                    &format!("{okp}/content/{}", escape(media)),
                    &output,
                    Direction::Response,
                    &mut examples,
                )?;
                let mut errors = Vec::new();
                for (status, resp) in responses {
                    if status == "200" {
                        continue;
                    }
                    let sp = format!("{rp}/{}", escape(status));
                    let code: u16 = status
                        .parse()
                        .map_err(|_| self.err(&sp, "expected an HTTP status code"))?;
                    let one_of = resp
                        .get("content")
                        .and_then(|c| c.get(media))
                        .and_then(|m| m.get("schema"))
                        .and_then(|s| s.get("oneOf"))
                        .and_then(Value::as_array)
                        .ok_or_else(|| self.err(&sp, format!("expected content.{media}.schema.oneOf listing the error shapes")))?;
                    for (i, r) in one_of.iter().enumerate() {
                        let p = format!("{sp}/content/{}/schema/oneOf/{i}/$ref", escape(media));
                        let r = r
                            .get("$ref")
                            .ok_or_else(|| self.err(&p, "expected a `$ref`"))?;
                        let err_name = self.ref_name(r, &p)?;
                        match service.structure(err_name).and_then(|s| s.error.as_ref()) {
                            Some(info) if info.http_status == code => {
                                errors.push(err_name.to_string())
                            }
                            Some(info) => {
                                return Err(self.err(
                                    &p,
                                    format!(
                                        "`{err_name}` has httpStatus {} but is listed under {code}",
                                        info.http_status
                                    ),
                                ))
                            }
                            None => {
                                return Err(self
                                    .err(&p, format!("`{err_name}` has no `x-cloudcost-error`")))
                            }
                        }
                    }
                }
                let pagination = match self.child(At { v: op, ptr: &ptr }, "x-cloudcost-pagination")
                {
                    None => None,
                    Some((pg, pp)) => Some(self.pagination(service, pg, &pp, &input, &output)?),
                };
                service.operations.push(Operation {
                    name,
                    summary: self.opt_str(op, &ptr, "summary")?.map(clean_docs),
                    docs: self
                        .opt_str(op, &ptr, "description")?
                        .or(self.opt_str(op, &ptr, "summary")?)
                        .map(clean_docs),
                    method: method_uc,
                    path: wire_path,
                    target,
                    input,
                    output,
                    errors,
                    pagination,
                    examples,
                });
            }
        }
        for (name, shape) in &service.shapes {
            if let ShapeKind::Structure(s) = &shape.kind {
                for m in &s.members {
                    check_supported(m).map_err(|msg| {
                        self.err(
                            &format!(
                                "/components/schemas/{}/properties/{}",
                                escape(name),
                                escape(&m.name)
                            ),
                            msg,
                        )
                    })?;
                }
            }
        }
        Ok(())
    }

    /// `content.<media>.schema.$ref` of a request body or response.
    fn content_ref(&self, v: &'a Value, ptr: &str, media: &str) -> R<(String, &'a Value)> {
        let content = v.get("content").and_then(|c| c.get(media)).ok_or_else(|| {
            self.err(
                ptr,
                format!("expected content under the protocol's media type {media}"),
            )
        })?;
        let p = format!("{ptr}/content/{}/schema/$ref", escape(media));
        let r = content
            .get("schema")
            .and_then(|s| s.get("$ref"))
            .ok_or_else(|| self.err(&p, "expected a `$ref` to a structure"))?;
        let name = self.ref_name(r, &p)?;
        Ok((name.to_string(), content))
    }

    fn examples(
        &self,
        content: &'a Value,
        ptr: &str,
        shape: &str,
        direction: Direction,
        out: &mut Vec<Example>,
    ) -> R<()> {
        match content.get("examples") {
            None => Ok(()),
            Some(ex) => self.example_map(ex, &format!("{ptr}/examples"), shape, direction, out),
        }
    }

    fn example_map(
        &self,
        ex: &'a Value,
        ptr: &str,
        shape: &str,
        direction: Direction,
        out: &mut Vec<Example>,
    ) -> R<()> {
        for (name, e) in self.obj(ex, ptr)? {
            let p = format!("{ptr}/{}", escape(name));
            if e.get("value").is_some() {
                return Err(self.err(
                    &p,
                    "examples must be `externalValue` JSON files: YAML would read numbers as f64",
                ));
            }
            let file = self.req_str(e, &p, "externalValue")?;
            let rel = self.spec_dir.join(file);
            let rel_str = rel.to_string_lossy().replace('\\', "/");
            let text = std::fs::read(self.root.join(&rel)).map_err(|err| {
                self.err(
                    &format!("{p}/externalValue"),
                    format!("cannot read {rel_str}: {err}"),
                )
            })?;
            serde_json::from_slice::<serde::de::IgnoredAny>(&text).map_err(|err| {
                self.err(
                    &format!("{p}/externalValue"),
                    format!("{rel_str} is not JSON: {err}"),
                )
            })?;
            out.push(Example {
                name: name.clone(),
                summary: self.opt_str(e, &p, "summary")?.map(str::to_string),
                shape: shape.to_string(),
                direction,
                path: rel_str,
            });
        }
        Ok(())
    }

    fn parameters(&self, op: &'a Value, ptr: &str) -> R<Vec<Member>> {
        let mut members = Vec::new();
        let Some(params) = op.get("parameters") else {
            return Ok(members);
        };
        let pp = format!("{ptr}/parameters");
        let arr = params
            .as_array()
            .ok_or_else(|| self.err(&pp, "expected a list"))?;
        for (i, p) in arr.iter().enumerate() {
            let p_ptr = format!("{pp}/{i}");
            self.obj(p, &p_ptr)?;
            if self.req_str(p, &p_ptr, "in")? != "query" {
                return Err(self.err(
                    &format!("{p_ptr}/in"),
                    "only query parameters are supported",
                ));
            }
            let name = self.req_str(p, &p_ptr, "name")?;
            let (schema, sp) = self
                .child(At { v: p, ptr: &p_ptr }, "schema")
                .ok_or_else(|| self.err(&p_ptr, "missing required `schema`"))?;
            let mut ty = self.ty(
                At {
                    v: schema,
                    ptr: &sp,
                },
                true,
            )?;
            if ty.constraints.example.is_none() {
                ty.constraints.example = p.get("example").cloned();
            }
            let explode = match (p.get("style").and_then(Value::as_str), p.get("explode")) {
                (None | Some("form"), None | Some(Value::Bool(true))) => true,
                (None | Some("form"), Some(Value::Bool(false))) => false,
                _ => {
                    return Err(self.err(
                        &p_ptr,
                        "expected `style: form` with `explode` true or false",
                    ))
                }
            };
            members.push(Member {
                name: name.to_string(),
                docs: self.opt_str(p, &p_ptr, "description")?.map(clean_docs),
                ty,
                required: self.opt_bool(p, &p_ptr, "required")?,
                location: Location::Query { explode },
                sensitive: false,
            });
        }
        Ok(members)
    }

    fn pagination(
        &self,
        service: &Service,
        pg: &'a Value,
        ptr: &str,
        input: &str,
        output: &str,
    ) -> R<Pagination> {
        self.obj(pg, ptr)?;
        let input_s = service.structure(input).expect("input is a structure");
        let output_s = service
            .structure(output)
            .ok_or_else(|| self.err(ptr, format!("`{output}` is not a structure")))?;
        let has =
            |s: &Structure, m: &str| s.members.iter().find(|x| x.name == m).map(|x| x.ty.clone());
        let input_token = self.req_str(pg, ptr, "inputToken")?.to_string();
        if has(input_s, &input_token).is_none() {
            return Err(self.err(
                &format!("{ptr}/inputToken"),
                format!("`{input}` has no member `{input_token}`"),
            ));
        }
        let page_size = self.opt_str(pg, ptr, "pageSize")?.map(str::to_string);
        if let Some(ps) = &page_size {
            if !matches!(
                has(input_s, ps).map(|t| t.kind),
                Some(TyKind::Integer { .. })
            ) {
                return Err(self.err(
                    &format!("{ptr}/pageSize"),
                    format!("`{input}` has no integer member `{ps}`"),
                ));
            }
        }
        let items = self.req_str(pg, ptr, "items")?.to_string();
        let item_ty = match has(output_s, &items).map(|t| t.kind) {
            Some(TyKind::List(item)) => *item,
            _ => {
                return Err(self.err(
                    &format!("{ptr}/items"),
                    format!("`{output}` has no list member `{items}`"),
                ))
            }
        };
        let output_token = match pg.get("outputToken") {
            Some(Value::String(s)) => {
                if has(output_s, s).is_none() {
                    return Err(self.err(
                        &format!("{ptr}/outputToken"),
                        format!("`{output}` has no member `{s}`"),
                    ));
                }
                OutputToken::Member(s.clone())
            }
            Some(v @ Value::Object(_)) => {
                let p = format!("{ptr}/outputToken");
                let field = self.req_str(v, &p, "fromLastItem")?;
                let ok = match &item_ty.kind {
                    TyKind::Struct(n) => service
                        .structure(n)
                        .is_some_and(|s| has(s, field).is_some()),
                    _ => false,
                };
                if !ok {
                    return Err(self.err(
                        &p,
                        format!("the items of `{items}` have no member `{field}`"),
                    ));
                }
                OutputToken::FromLastItem(field.to_string())
            }
            _ => {
                return Err(self.err(
                    ptr,
                    "expected `outputToken`: a member name or {fromLastItem: member}",
                ))
            }
        };
        Ok(Pagination {
            input_token,
            output_token,
            page_size,
            items,
        })
    }
}

impl Ty {
    pub(crate) fn plain(kind: TyKind) -> Self {
        Ty {
            kind,
            constraints: Constraints::default(),
            nullable: false,
            shape: None,
        }
    }
}

/// Wire adapters (decimals, times) are attached per field; inside lists or maps they would
/// need adapters for collections, which no spec needs yet: say so instead of emitting
/// something that silently uses the wrong wire form.
fn check_supported(m: &Member) -> Result<(), String> {
    fn nested_adapter(ty: &Ty) -> bool {
        match &ty.kind {
            TyKind::List(item) => needs_adapter(item) || nested_adapter(item),
            TyKind::Map { value, .. } => needs_adapter(value) || nested_adapter(value),
            _ => false,
        }
    }
    if nested_adapter(&m.ty) {
        return Err("decimals and times inside lists or maps are not supported yet".into());
    }
    if m.required && m.ty.nullable && needs_adapter(&m.ty) {
        return Err("a required nullable decimal or time is not supported".into());
    }
    Ok(())
}

pub(crate) fn needs_adapter(ty: &Ty) -> bool {
    matches!(
        ty.kind,
        TyKind::Decimal { .. } | TyKind::Date | TyKind::EpochSeconds | TyKind::LocalDateTime
    )
}

/// Objects with properties, or with neither properties nor `additionalProperties`, are
/// structures; objects with only `additionalProperties` are maps.
fn is_structure(v: &Value) -> bool {
    v.get("properties").is_some()
        || (v.get("type").and_then(Value::as_str) == Some("object")
            && v.get("additionalProperties").is_none())
}

fn is_type_name(s: &str) -> bool {
    s.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && s.chars().all(|c| c.is_ascii_alphanumeric())
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// Normalizes description text: trims each line and drops trailing blank lines.
fn clean_docs(s: &str) -> String {
    s.lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_string()
}
