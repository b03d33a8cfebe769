//! What a real service rejects that a client's model accepts: enum values it does not
//! know. The model types are forward-compatible (an unknown value decodes as `Unknown`),
//! which is right for a client and wrong for a server, so the mock checks request values
//! against the enums of the request's JSON Schema, ignoring case (see below).

use serde_json::Value;

use crate::spec::Violation;

/// Past this depth the walk stops (request schemas nest a few levels; `Expression` is
/// recursive).
const MAX_DEPTH: usize = 64;

/// Every value in `request` that its schema's enum does not list.
pub(crate) fn unknown_enum_values(schema_root: &Value, request: &Value) -> Vec<Violation> {
    let mut out = Vec::new();
    walk(schema_root, schema_root, request, "", 0, &mut out);
    out
}

fn lookup<'a>(root: &'a Value, reference: &str) -> &'a Value {
    let mut node = root;
    for part in reference.trim_start_matches("#/").split('/') {
        node = node.get(part).unwrap_or(&Value::Null);
    }
    node
}

fn walk(
    root: &Value,
    schema: &Value,
    value: &Value,
    path: &str,
    depth: usize,
    out: &mut Vec<Violation>,
) {
    if depth > MAX_DEPTH {
        return;
    }
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        return walk(root, lookup(root, r), value, path, depth + 1, out);
    }
    let listed = schema.get("enum").and_then(Value::as_array).or_else(|| {
        schema
            .get("anyOf")
            .and_then(Value::as_array)?
            .iter()
            .find_map(|b| b.get("enum").and_then(Value::as_array))
    });
    if let (Some(listed), Some(s)) = (listed, value.as_str()) {
        // Case is ignored: the documented GetReservationUtilization request sends
        // `"Type": "Dimension"` for DIMENSION, and the service evidently accepts it.
        if !listed
            .iter()
            .any(|v| v.as_str().is_some_and(|v| v.eq_ignore_ascii_case(s)))
        {
            let names: Vec<&str> = listed.iter().filter_map(Value::as_str).collect();
            out.push(Violation {
                field: path.to_string(),
                message: format!("value {s:?} is not one of {}", names.join(", ")),
            });
        }
        return;
    }
    let join = |key: &str| {
        if path.is_empty() {
            key.to_string()
        } else {
            format!("{path}.{key}")
        }
    };
    match value {
        Value::Object(map) => {
            let props = schema.get("properties").and_then(Value::as_object);
            let extra = schema.get("additionalProperties").filter(|v| v.is_object());
            for (key, v) in map {
                let sub = props.and_then(|p| p.get(key)).or(extra);
                if let Some(sub) = sub {
                    walk(root, sub, v, &join(key), depth + 1, out);
                }
                if let Some(names) = schema.get("propertyNames").filter(|_| extra.is_some()) {
                    walk(
                        root,
                        names,
                        &Value::String(key.clone()),
                        &join(key),
                        depth + 1,
                        out,
                    );
                }
            }
        }
        Value::Array(items) => {
            if let Some(item) = schema.get("items") {
                for (i, v) in items.iter().enumerate() {
                    walk(root, item, v, &format!("{path}[{i}]"), depth + 1, out);
                }
            }
        }
        _ => {}
    }
}
