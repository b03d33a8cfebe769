//! JSON Schemas for other languages: one self-contained draft-07 file per request, response
//! and error type, with every constraint of the spec. They describe what the Rust types
//! accept, which is a little wider than the official model where the documented examples
//! are: decimals as strings or numbers, enums open to new values.

use serde_json::{json, Map, Value};

use crate::ir::*;

/// `(type name, schema)` for every operation's input, output and errors, sorted by name.
pub fn emit(service: &Service, header: &str) -> Vec<(String, Value)> {
    let mut roots = std::collections::BTreeSet::new();
    for op in &service.operations {
        roots.insert(op.input.clone());
        roots.insert(op.output.clone());
        roots.extend(op.errors.iter().cloned());
    }
    roots
        .into_iter()
        .map(|root| {
            let mut defs = Map::new();
            for name in service.closure(&root) {
                if name != root {
                    defs.insert(name.clone(), shape_schema(service, &name));
                }
            }
            // A recursive root refers to itself through `definitions`.
            if defs.values().any(|d| refers_to(d, &root)) {
                defs.insert(root.clone(), shape_schema(service, &root));
            }
            let mut schema = Map::new();
            schema.insert(
                "$schema".into(),
                json!("http://json-schema.org/draft-07/schema#"),
            );
            schema.insert("$comment".into(), json!(header));
            schema.insert("title".into(), json!(root));
            if let Value::Object(mut body) = shape_schema(service, &root) {
                // The root's own `$comment` (rules JSON Schema cannot state) follows the header.
                if let Some(Value::String(rules)) = body.remove("$comment") {
                    schema.insert("$comment".into(), json!(format!("{header} {rules}")));
                }
                schema.extend(body);
            }
            if !defs.is_empty() {
                schema.insert("definitions".into(), Value::Object(defs));
            }
            (root, Value::Object(schema))
        })
        .collect()
}

fn refers_to(v: &Value, name: &str) -> bool {
    match v {
        Value::Object(m) => {
            m.get("$ref").and_then(Value::as_str) == Some(&format!("#/definitions/{name}"))
                || m.values().any(|x| refers_to(x, name))
        }
        Value::Array(a) => a.iter().any(|x| refers_to(x, name)),
        _ => false,
    }
}

fn shape_schema(service: &Service, name: &str) -> Value {
    let shape = &service.shapes[name];
    let mut out = match &shape.kind {
        ShapeKind::Structure(s) => {
            let mut props = Map::new();
            let mut required = Vec::new();
            for m in &s.members {
                if let Location::Header(_) = m.location {
                    continue; // travels in a header, not in the JSON body
                }
                let mut p = ty_schema(&m.ty);
                // Next to a `$ref`, draft-07 ignores keywords, and json-schema-to-typescript
                // would emit a renamed copy of the referenced type; the definition carries
                // its own description.
                if let (Some(d), Value::Object(o)) = (&m.docs, &mut p) {
                    if !o.contains_key("$ref") {
                        o.insert("description".into(), json!(d));
                    }
                }
                if m.required {
                    required.push(json!(m.name));
                }
                props.insert(m.name.clone(), p);
            }
            let mut o = json!({"type": "object", "properties": props});
            if !required.is_empty() {
                o["required"] = Value::Array(required);
            }
            apply_rules(
                service.rules.get(name).map_or(&[][..], Vec::as_slice),
                &mut o,
            );
            o
        }
        ShapeKind::Enum(values) => json!({
            "anyOf": [
                {"type": "string", "enum": values},
                {"type": "string", "description": "A value newer than this schema; accepted and kept verbatim."}
            ]
        }),
        ShapeKind::Alias(ty) => ty_schema(ty),
    };
    if let (Some(d), Value::Object(o)) = (&shape.docs, &mut out) {
        o.insert("description".into(), json!(d));
    }
    out
}

/// What JSON Schema can say of the structure's `x-cloudcost-rules`: `maxItems`, an inline
/// `enum` for the allowed values, `not`/`required` for exclusive members; the others
/// (ordered times, expression nesting) go into `$comment`, quoting the rule.
fn apply_rules(rules: &[Rule], o: &mut Value) {
    let mut comments = Vec::new();
    for rule in rules {
        match &rule.kind {
            RuleKind::MaxItems { member, max } => {
                if let Some(p) = o["properties"].get_mut(member) {
                    let max = p
                        .get("maxItems")
                        .and_then(Value::as_u64)
                        .map_or(*max, |m| m.min(*max));
                    p["maxItems"] = json!(max);
                }
            }
            RuleKind::AllowedValues { member, values } => {
                // Inline, so the referenced enum's definition keeps every value for the
                // responses that use it.
                if let Some(p) = o["properties"].get_mut(member) {
                    *p = json!({"type": "string", "enum": values, "description": rule.message});
                }
            }
            RuleKind::Exclusive { members } => {
                let pairs: Vec<Value> = members
                    .iter()
                    .enumerate()
                    .flat_map(|(i, a)| {
                        members[i + 1..]
                            .iter()
                            .map(move |b| json!({"required": [a, b]}))
                    })
                    .collect();
                let not = match &pairs[..] {
                    [one] => one.clone(),
                    _ => json!({"anyOf": pairs}),
                };
                o["not"] = not;
            }
            RuleKind::Ordered { .. } | RuleKind::Expression { .. } => {
                comments.push(format!("Rule: {} (\"{}\")", rule.message, rule.source));
            }
            // A rule about today says nothing of a value by itself: a schema has no clock.
            RuleKind::DateWindow { .. } => {}
        }
    }
    if !comments.is_empty() {
        o["$comment"] = json!(comments.join(" "));
    }
}

fn ty_schema(ty: &Ty) -> Value {
    let c = &ty.constraints;
    let mut o = Map::new();
    let mut put = |k: &str, v: Option<Value>| {
        if let Some(v) = v {
            o.insert(k.into(), v);
        }
    };
    let mut types: Vec<&str> = Vec::new();
    match &ty.kind {
        TyKind::String => types.push("string"),
        TyKind::Integer { bits } => {
            types.push("integer");
            put("format", Some(json!(format!("int{bits}"))));
        }
        TyKind::Boolean => types.push("boolean"),
        TyKind::Decimal { wire } => {
            // The Rust decoder accepts both; the documented GetReservationUtilization example
            // sends numbers where the model says string.
            types.extend(match wire {
                DecimalWire::String => ["string", "number"],
                DecimalWire::Number => ["number", "string"],
            });
            put("format", Some(json!("decimal")));
        }
        TyKind::Date => {
            types.push("string");
            put("format", Some(json!("date")));
        }
        TyKind::YearMonthDay => types.push("string"),
        TyKind::EpochSeconds => {
            types.push("number");
            put("format", Some(json!("epoch-seconds")));
        }
        TyKind::LocalDateTime => {
            types.push("string");
            put(
                "pattern",
                Some(json!(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$")),
            );
        }
        TyKind::Enum(n) | TyKind::Struct(n) => {
            let r = json!({"$ref": format!("#/definitions/{n}")});
            return if ty.nullable {
                json!({"anyOf": [r, {"type": "null"}]})
            } else {
                r
            };
        }
        TyKind::List(item) => {
            types.push("array");
            put("items", Some(ty_schema(item)));
        }
        TyKind::Map { key, value } => {
            types.push("object");
            put("additionalProperties", Some(ty_schema(value)));
            if !key.constraints.is_empty() {
                put("propertyNames", Some(ty_schema(key)));
            }
        }
    }
    put("minLength", c.min_length.map(|n| json!(n)));
    put("maxLength", c.max_length.map(|n| json!(n)));
    match &c.pattern {
        // Unicode property escapes (`\p{L}`) are not portable: Python's `re` rejects them and
        // ECMA-262 reads them literally without the `u` flag, so such a pattern would make
        // validators fail or silently reject valid values. It is carried under an extension
        // keyword instead (validators ignore unknown keywords); the Rust `validate()` still
        // enforces it.
        Some(p) if p.source.contains("\\p{") || p.source.contains("\\P{") => {
            put("x-unicode-pattern", Some(json!(p.source)))
        }
        Some(p) => put("pattern", Some(json!(p.source))),
        None => {}
    }
    put("minItems", c.min_items.map(|n| json!(n)));
    put("maxItems", c.max_items.map(|n| json!(n)));
    put("minimum", c.minimum.clone().map(Value::Number));
    put("maximum", c.maximum.clone().map(Value::Number));
    put("default", c.default.clone());
    if ty.nullable {
        types.push("null");
    }
    o.insert(
        "type".into(),
        if types.len() == 1 {
            json!(types[0])
        } else {
            json!(types)
        },
    );
    Value::Object(o)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::loader::testing::load;

    /// The exported schema of `Empty` (the base operation's input and output) after
    /// `properties` are added to it.
    fn empty_schema(properties: &str) -> serde_json::Value {
        let s = load(&format!(
            "components: {{schemas: {{Empty: {{properties: {properties}}}}}}}"
        ));
        let mut out = super::emit(&s, "H");
        assert_eq!(out.len(), 1);
        out.remove(0).1
    }

    #[test]
    fn nullable_map_of_nullable_strings() {
        let schema = empty_schema(
            "{a: {type: object, nullable: true, additionalProperties: {type: string, nullable: true}}}",
        );
        assert_eq!(
            schema,
            json!({
                "$schema": "http://json-schema.org/draft-07/schema#",
                "$comment": "H",
                "title": "Empty",
                "type": "object",
                "properties": {
                    "a": {
                        "additionalProperties": {"type": ["string", "null"]},
                        "type": ["object", "null"]
                    }
                }
            })
        );
    }

    #[test]
    fn open_enum_by_reference() {
        let s = load(
            "components: {schemas: {Color: {type: string, enum: [RED]}, Empty: {properties: {c: {$ref: '#/components/schemas/Color', description: Ignored next to a ref.}}}}}",
        );
        let schema = &super::emit(&s, "H")[0].1;
        assert_eq!(
            schema["properties"],
            json!({"c": {"$ref": "#/definitions/Color"}})
        );
        assert_eq!(
            schema["definitions"],
            json!({"Color": {"anyOf": [
                {"type": "string", "enum": ["RED"]},
                {"type": "string", "description": "A value newer than this schema; accepted and kept verbatim."}
            ]}})
        );
    }

    #[test]
    fn decimal_accepts_both_wire_forms_string_first() {
        let schema = empty_schema("{d: {type: string, format: decimal, minimum: 0}}");
        assert_eq!(
            schema["properties"]["d"],
            json!({"format": "decimal", "minimum": 0, "type": ["string", "number"]})
        );
    }
}
