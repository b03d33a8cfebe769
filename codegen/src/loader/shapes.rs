//! `components/schemas`: the named shapes — structures (`properties`, `required`), maps
//! (`additionalProperties` only), lists, named enums and aliases of primitives — and every
//! member's type with its constraints.
//!
//! The rules that are not plain OpenAPI, and why:
//! - Enums must be named components (`$ref`ed, never inline): each becomes one named,
//!   forward-compatible Rust enum, and its values must give distinct Rust variant names.
//! - A plain `number` is refused: it would be an `f64`. Money is `format: decimal`.
//! - An unknown `format` is an error, so a typo cannot silently become a `String`.
//! - A constraint must fit its type (`maxLength` on an integer is a mistake, not a no-op),
//!   and a `pattern` must compile with Rust's regex-lite, which `validate()` uses (with
//!   Unicode classes written out: `crate::pattern`).
//! - A `$ref` to a structure or enum is not followed, so recursive structures
//!   (`Expression.Not`) terminate; a `$ref` to an alias is resolved to the alias's type
//!   (with its constraints), with a depth bound against loops.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::{clean_docs, escape, is_type_name, At, Loader, R};
use crate::ir::*;

impl<'a> Loader<'a> {
    /// Every entry of `components/schemas`, by name.
    pub(super) fn shapes(&self) -> R<BTreeMap<String, Shape>> {
        let doc = self.doc;
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
        Ok(shapes)
    }

    /// One named shape: an enum (`enum` present), a structure (see `is_structure`), or an
    /// alias of a primitive, list or map.
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

    /// Members in `properties` order (typify sorts the Rust fields; the redacted `Debug`,
    /// the schemas and the CLI follow this order), each `required`
    /// name checked to be a property; an error shape also carries `x-cloudcost-error`.
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

    /// A property: its type, and where it travels (`x-cloudcost-location`: the body, or a
    /// response header such as restJson1's `Retry-After`) and whether it is sensitive.
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
            // Decided once every shape is known (`cycles::mark_boxed`).
            boxed: false,
        })
    }

    /// The type of a schema node: a `$ref`, or an inline primitive, list or map.
    pub(super) fn ty(&self, at: At<'_>, allow_ref: bool) -> R<Ty> {
        let nullable = self.opt_bool(at.v, at.ptr, "nullable")?;
        if let Some((r, p)) = self.child(at, "$ref") {
            if !allow_ref {
                return Err(self.err(&p, "a named shape cannot be only a `$ref`"));
            }
            let name = self.ref_name(r, &p)?;
            let target = self.doc["components"]["schemas"]
                .get(name)
                // invariant: ref_name returned this name only after finding it in components/schemas.
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
        let constraints = self.constraints(at, &kind, ty_name)?;
        Ok(Ty {
            codec: Codec::of(&kind),
            kind,
            constraints,
            nullable,
            shape: None,
        })
    }

    /// The constraints of an inline type of `kind`. Each must fit the kind (`maxLength` on
    /// an integer is a mistake, not a no-op), a pattern must compile with the regex-lite
    /// the generated `validate()` uses, and integer bounds must be integers.
    fn constraints(&self, at: At<'_>, kind: &TyKind, ty_name: &str) -> R<Constraints> {
        let constraints = Constraints {
            min_length: self.opt_u64(at.v, at.ptr, "minLength")?,
            max_length: self.opt_u64(at.v, at.ptr, "maxLength")?,
            pattern: self
                .pattern(at)?
                .map(|p| self.runnable(at, p))
                .transpose()?,
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
        // A decimal sent as a string has text to constrain (AWS models give amounts a
        // pattern such as `([0-9]*\.)?[0-9]+`); `validate()` checks the text it will send.
        let string_like = matches!(
            kind,
            TyKind::String
                | TyKind::YearMonthDay
                | TyKind::Date
                | TyKind::LocalDateTime
                | TyKind::Decimal {
                    wire: DecimalWire::String
                }
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
            ("x-unicode-pattern", string_like),
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
        Ok(constraints)
    }

    /// The pattern a string must match: `pattern`, or `x-unicode-pattern` for one that needs
    /// Unicode property classes (`\p{L}`). OpenAPI's `pattern` is an ECMA-262 regex, run
    /// without the `u` flag (where `\p{L}` means `p{L}`) and by validators such as
    /// openapi-spec-validator with Python's `re` (which rejects it), so such a pattern would
    /// make the spec invalid and mean something else to other tools; the extension keeps it
    /// for the Rust `validate()` alone, as the exported schemas do.
    fn pattern(&self, at: At<'a>) -> R<Option<String>> {
        let plain = self.opt_str(at.v, at.ptr, "pattern")?;
        let unicode = self.opt_str(at.v, at.ptr, "x-unicode-pattern")?;
        match (plain, unicode) {
            (Some(_), Some(_)) => Err(self.err(
                &format!("{}/x-unicode-pattern", at.ptr),
                "a type has one pattern: `pattern` or `x-unicode-pattern`, not both",
            )),
            (Some(p), None) if p.contains("\\p{") || p.contains("\\P{") => Err(self.err(
                &format!("{}/pattern", at.ptr),
                "Unicode property classes (`\\p{..}`) are not portable in OpenAPI's `pattern` (ECMA-262 without the `u` flag, Python's `re`): move the pattern to `x-unicode-pattern`",
            )),
            (p, u) => Ok(p.or(u).map(str::to_string)),
        }
    }

    /// The pattern with the form the generated `validate()` runs, which must compile with
    /// regex-lite.
    fn runnable(&self, at: At<'_>, source: String) -> R<Pattern> {
        let regex_lite = crate::pattern::expand_unicode_classes(&source).and_then(|p| {
            regex_lite::Regex::new(&p)
                .map(|_| p)
                .map_err(|e| e.to_string())
        });
        match regex_lite {
            Ok(regex_lite) => Ok(Pattern { source, regex_lite }),
            Err(e) => {
                let key = pattern_key(at.v);
                Err(self.err(&format!("{}/{key}", at.ptr), format!("the generated validate() cannot run this pattern with Rust's regex-lite ({e}); rewrite it and keep the original in `x-aws-pattern`")))
            }
        }
    }

    /// The shape name of a `$ref`, which must be a local `#/components/schemas/<Name>`
    /// that exists.
    pub(super) fn ref_name(&self, r: &'a Value, ptr: &str) -> R<&'a str> {
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

    /// Wire adapters the emitters cannot attach yet, reported at the member. Runs over
    /// every structure, including the inputs the operations build from query parameters.
    pub(super) fn check_supported_members(&self, service: &Service) -> R<()> {
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
}

impl Ty {
    pub(crate) fn plain(kind: TyKind) -> Self {
        Ty {
            codec: Codec::of(&kind),
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
            TyKind::List(item) => item.codec.is_some() || nested_adapter(item),
            TyKind::Map { value, .. } => value.codec.is_some() || nested_adapter(value),
            _ => false,
        }
    }
    if nested_adapter(&m.ty) {
        return Err("decimals and times inside lists or maps are not supported yet".into());
    }
    if m.required && m.ty.nullable && m.ty.codec.is_some() {
        return Err("a required nullable decimal or time is not supported".into());
    }
    Ok(())
}

/// Objects with properties, or with neither properties nor `additionalProperties`, are
/// structures; objects with only `additionalProperties` are maps.
fn is_structure(v: &Value) -> bool {
    v.get("properties").is_some()
        || (v.get("type").and_then(Value::as_str) == Some("object")
            && v.get("additionalProperties").is_none())
}

/// The key a type's pattern is written under (see `Loader::pattern`).
fn pattern_key(v: &Value) -> &'static str {
    if v.get("x-unicode-pattern").is_some() {
        "x-unicode-pattern"
    } else {
        "pattern"
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{error, load};
    use crate::ir::*;

    fn structure<'s>(s: &'s Service, name: &str) -> &'s Structure {
        s.structure(name)
            .unwrap_or_else(|| panic!("{name} is a structure"))
    }

    fn member<'s>(s: &'s Structure, name: &str) -> &'s Member {
        s.members.iter().find(|m| m.name == name).unwrap()
    }

    #[test]
    fn structure_members_in_order_with_types_and_constraints() {
        let s = load(
            r#"
components:
  schemas:
    Usage:
      type: object
      description: A usage.
      required: [id, count]
      properties:
        id: {type: string, minLength: 1, maxLength: 8, pattern: '^[a-z]+$', description: The id.}
        count: {type: integer, format: int64, minimum: 0, maximum: 10, default: 5}
        amount: {type: string, format: decimal, x-cloudcost-sensitive: true}
        tags: {type: array, items: {type: string}, minItems: 1, maxItems: 3}
        retryAfter: {type: integer, x-cloudcost-location: header, x-cloudcost-location-name: Retry-After}
"#,
        );
        let shape = &s.shapes["Usage"];
        assert_eq!(shape.name, "Usage");
        assert_eq!(shape.docs.as_deref(), Some("A usage."));
        let u = structure(&s, "Usage");
        assert!(u.error.is_none());
        let names: Vec<_> = u.members.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["id", "count", "amount", "tags", "retryAfter"]);

        let id = member(u, "id");
        assert_eq!(id.docs.as_deref(), Some("The id."));
        assert!(id.required && !id.sensitive);
        assert_eq!(id.location, Location::Body);
        assert_eq!(id.ty.kind, TyKind::String);
        assert_eq!(id.ty.shape, None);
        assert!(!id.ty.nullable);
        assert_eq!(
            id.ty.constraints,
            Constraints {
                min_length: Some(1),
                max_length: Some(8),
                // No Unicode class: regex-lite runs the spec's text as it is.
                pattern: Some(Pattern {
                    source: "^[a-z]+$".into(),
                    regex_lite: "^[a-z]+$".into(),
                }),
                ..Default::default()
            }
        );

        let count = member(u, "count");
        assert!(count.required);
        assert_eq!(count.ty.kind, TyKind::Integer { bits: 64 });
        assert_eq!(
            count.ty.constraints,
            Constraints {
                minimum: Some(0.into()),
                maximum: Some(10.into()),
                default: Some(serde_json::json!(5)),
                ..Default::default()
            }
        );

        let amount = member(u, "amount");
        assert!(!amount.required && amount.sensitive);
        assert_eq!(
            amount.ty.kind,
            TyKind::Decimal {
                wire: DecimalWire::String
            }
        );

        let tags = member(u, "tags");
        assert_eq!(
            tags.ty.kind,
            TyKind::List(Box::new(Ty::plain(TyKind::String)))
        );
        assert_eq!(
            (tags.ty.constraints.min_items, tags.ty.constraints.max_items),
            (Some(1), Some(3))
        );

        let retry = member(u, "retryAfter");
        assert_eq!(retry.location, Location::Header("Retry-After".into()));
        assert_eq!(retry.ty.kind, TyKind::Integer { bits: 32 });
    }

    #[test]
    fn refs_to_aliases_enums_structures_and_nullable_maps() {
        let s = load(
            r#"
components:
  schemas:
    Token: {type: string, maxLength: 64}
    Color: {type: string, enum: [RED, dark-blue], description: A color.}
    Key: {type: string, minLength: 1}
    Node:
      type: object
      properties:
        next: {$ref: '#/components/schemas/Node'}
        token: {$ref: '#/components/schemas/Token', nullable: true}
        color: {$ref: '#/components/schemas/Color'}
        attributes:
          type: object
          nullable: true
          x-cloudcost-map-key: {$ref: '#/components/schemas/Key'}
          additionalProperties: {type: string, nullable: true}
"#,
        );
        assert!(
            matches!(&s.shapes["Color"].kind, ShapeKind::Enum(v) if v == &["RED", "dark-blue"])
        );
        assert!(matches!(&s.shapes["Token"].kind, ShapeKind::Alias(t) if t.kind == TyKind::String));
        let n = structure(&s, "Node");

        // A recursive structure refers to itself without being expanded.
        let next = &member(n, "next").ty;
        assert_eq!(next.kind, TyKind::Struct("Node".into()));
        assert_eq!(next.shape.as_deref(), Some("Node"));

        // An alias is resolved to its type and constraints; the ref adds `nullable`.
        let token = &member(n, "token").ty;
        assert_eq!(token.kind, TyKind::String);
        assert_eq!(token.shape.as_deref(), Some("Token"));
        assert!(token.nullable);
        assert_eq!(token.constraints.max_length, Some(64));

        let color = &member(n, "color").ty;
        assert_eq!(color.kind, TyKind::Enum("Color".into()));
        assert_eq!(color.shape.as_deref(), Some("Color"));

        let attributes = &member(n, "attributes").ty;
        assert!(attributes.nullable);
        let TyKind::Map { key, value } = &attributes.kind else {
            panic!("a map")
        };
        assert_eq!(key.kind, TyKind::String);
        assert_eq!(key.shape.as_deref(), Some("Key"));
        assert_eq!(key.constraints.min_length, Some(1));
        assert_eq!(value.kind, TyKind::String);
        assert!(value.nullable);
    }

    #[test]
    fn formats_give_their_kinds() {
        let s = load(
            r#"
components:
  schemas:
    Times:
      type: object
      properties:
        a: {type: number, format: decimal}
        b: {type: string, format: date}
        c: {type: string, format: aws-year-month-day}
        d: {type: number, format: epoch-seconds}
        e: {type: string, format: local-date-time}
        f: {type: integer, format: int32}
        g: {type: boolean}
"#,
        );
        let kinds: Vec<_> = structure(&s, "Times")
            .members
            .iter()
            .map(|m| m.ty.kind.clone())
            .collect();
        assert_eq!(
            kinds,
            [
                TyKind::Decimal {
                    wire: DecimalWire::Number
                },
                TyKind::Date,
                TyKind::YearMonthDay,
                TyKind::EpochSeconds,
                TyKind::LocalDateTime,
                TyKind::Integer { bits: 32 },
                TyKind::Boolean,
            ]
        );
    }

    #[test]
    fn shape_name_not_upper_camel_case() {
        assert_eq!(
            error("components: {schemas: {usage_total: {type: string}}}"),
            "specs/test.yaml#/components/schemas/usage_total: shape names must be UpperCamelCase identifiers"
        );
    }

    #[test]
    fn no_components() {
        assert_eq!(
            error("components: null"),
            "specs/test.yaml#/components: missing `schemas`"
        );
    }

    #[test]
    fn enum_of_integers() {
        assert_eq!(
            error("components: {schemas: {Level: {type: integer, enum: [1, 2]}}}"),
            "specs/test.yaml#/components/schemas/Level: enums must be `type: string`"
        );
    }

    #[test]
    fn enum_values_with_the_same_variant_name() {
        assert_eq!(
            error("components: {schemas: {Color: {type: string, enum: [dark-blue, DARK_BLUE]}}}"),
            "specs/test.yaml#/components/schemas/Color/enum/1: value \"DARK_BLUE\" gives the Rust variant name \"DarkBlue\", which is empty, reserved or taken"
        );
    }

    #[test]
    fn enum_value_that_would_be_the_unknown_variant() {
        assert_eq!(
            error("components: {schemas: {Color: {type: string, enum: [RED, unknown]}}}"),
            "specs/test.yaml#/components/schemas/Color/enum/1: value \"unknown\" gives the Rust variant name \"Unknown\", which is empty, reserved or taken"
        );
    }

    #[test]
    fn empty_enum() {
        assert_eq!(
            error("components: {schemas: {Color: {type: string, enum: []}}}"),
            "specs/test.yaml#/components/schemas/Color/enum: expected a non-empty list of strings"
        );
    }

    #[test]
    fn required_name_that_is_not_a_property() {
        assert_eq!(
            error("components: {schemas: {Empty: {properties: {a: {type: string}}, required: [a, b]}}}"),
            "specs/test.yaml#/components/schemas/Empty/required/1: `b` is not a property"
        );
    }

    #[test]
    fn unknown_member_location() {
        assert_eq!(
            error("components: {schemas: {Empty: {properties: {a: {type: string, x-cloudcost-location: query}}}}}"),
            "specs/test.yaml#/components/schemas/Empty/properties/a/x-cloudcost-location: expected body or header, found \"query\""
        );
    }

    #[test]
    fn header_member_without_header_name() {
        assert_eq!(
            error("components: {schemas: {Empty: {properties: {a: {type: string, x-cloudcost-location: header}}}}}"),
            "specs/test.yaml#/components/schemas/Empty/properties/a: missing required `x-cloudcost-location-name`"
        );
    }

    #[test]
    fn inline_object_with_properties_is_not_a_map() {
        assert_eq!(
            error("components: {schemas: {Empty: {properties: {a: {type: object}}}}}"),
            "specs/test.yaml#/components/schemas/Empty/properties/a: an inline object must be a map (`additionalProperties`); name structures as components"
        );
    }

    #[test]
    fn map_key_that_is_not_a_string() {
        assert_eq!(
            error("components: {schemas: {Empty: {properties: {a: {type: object, additionalProperties: {type: string}, x-cloudcost-map-key: {type: integer}}}}}}"),
            "specs/test.yaml#/components/schemas/Empty/properties/a: map keys must be strings"
        );
    }

    #[test]
    fn list_without_items() {
        assert_eq!(
            error("components: {schemas: {Empty: {properties: {a: {type: array}}}}}"),
            "specs/test.yaml#/components/schemas/Empty/properties/a: missing required `items`"
        );
    }

    #[test]
    fn unknown_type() {
        assert_eq!(
            error("components: {schemas: {Empty: {properties: {a: {type: text}}}}}"),
            "specs/test.yaml#/components/schemas/Empty/properties/a/type: unknown type \"text\""
        );
    }

    #[test]
    fn named_shape_that_is_only_a_ref() {
        assert_eq!(
            error("components: {schemas: {Other: {$ref: '#/components/schemas/Empty'}}}"),
            "specs/test.yaml#/components/schemas/Other/$ref: a named shape cannot be only a `$ref`"
        );
    }

    #[test]
    fn ref_outside_components() {
        assert_eq!(
            error("components: {schemas: {Empty: {properties: {a: {$ref: 'other.yaml#/Empty'}}}}}"),
            "specs/test.yaml#/components/schemas/Empty/properties/a/$ref: expected #/components/schemas/<Name>, found \"other.yaml#/Empty\""
        );
    }

    #[test]
    fn alias_that_contains_itself() {
        assert_eq!(
            error("components: {schemas: {Loop: {type: array, items: {$ref: '#/components/schemas/Loop'}}}}"),
            "specs/test.yaml#/components/schemas/Loop/items/$ref: aliases refer to each other in a loop"
        );
    }

    #[test]
    fn integer_bound_with_a_fraction() {
        assert_eq!(
            error("components: {schemas: {Size: {type: integer, minimum: 0.5}}}"),
            "specs/test.yaml#/components/schemas/Size: integer bounds must be integers"
        );
    }

    #[test]
    fn negative_length() {
        assert_eq!(
            error("components: {schemas: {Name: {type: string, maxLength: -1}}}"),
            "specs/test.yaml#/components/schemas/Name/maxLength: expected a non-negative integer, found a number"
        );
    }

    #[test]
    fn nullable_that_is_not_a_boolean() {
        assert_eq!(
            error("components: {schemas: {Name: {type: string, nullable: 'yes'}}}"),
            "specs/test.yaml#/components/schemas/Name/nullable: expected true or false, found a string"
        );
    }

    #[test]
    fn a_decimal_string_takes_length_and_pattern_but_a_decimal_number_does_not() {
        let s = load(
            r#"
components:
  schemas:
    Empty:
      properties:
        a: {type: string, format: decimal, maxLength: 20, pattern: '^([0-9]*\.)?[0-9]+$'}
"#,
        );
        let a = &member(structure(&s, "Empty"), "a").ty.constraints;
        assert_eq!(a.max_length, Some(20));
        assert_eq!(
            a.pattern.as_ref().map(|p| p.source.as_str()),
            Some("^([0-9]*\\.)?[0-9]+$")
        );
        assert_eq!(
            error("components: {schemas: {Empty: {properties: {a: {type: number, format: decimal, pattern: '^[0-9]+$'}}}}}"),
            "specs/test.yaml#/components/schemas/Empty/properties/a/pattern: `pattern` does not apply to type number"
        );
    }

    #[test]
    fn decimal_inside_a_list() {
        assert_eq!(
            error("components: {schemas: {Empty: {properties: {a: {type: array, items: {type: string, format: decimal}}}}}}"),
            "specs/test.yaml#/components/schemas/Empty/properties/a: decimals and times inside lists or maps are not supported yet"
        );
    }

    #[test]
    fn required_nullable_time() {
        assert_eq!(
            error("components: {schemas: {Empty: {required: [a], properties: {a: {type: string, format: date, nullable: true}}}}}"),
            "specs/test.yaml#/components/schemas/Empty/properties/a: a required nullable decimal or time is not supported"
        );
    }
}
