//! The spec as one self-contained OpenAPI 3.0.3 document per family, `openapi/<family>.json`,
//! for other languages' generators (openapi-generator, datamodel-code-generator, ...).
//!
//! The document is the spec itself (in spec order, every `x-` extension kept), with two
//! changes:
//!
//! - each documented example's `externalValue` becomes a `value` holding the file's JSON,
//!   so nothing refers outside the document. The example text is spliced in as written,
//!   never parsed into numbers: the 34-digit amount of the GetReservationUtilization
//!   example keeps every digit (a JSON value in memory would make it an `f64`);
//! - the `@generated` header is the root's `x-cloudcost-generated`, as the schemas carry
//!   it in `$comment`.
//!
//! Only local `$ref`s (`#/...`) that resolve are allowed; anything else is an error here,
//! so the output is self-contained by construction.

use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::ir::*;

/// Where the bundled document of `service` is written.
pub fn path(service: &Service) -> String {
    format!("openapi/{}.json", service.family)
}

/// The bundled document as pretty-printed JSON text, ending in a newline.
pub fn emit(service: &Service, header: &str) -> Result<String> {
    let context = path(service);
    let fail = |message: String| Error::Emit {
        context: context.clone(),
        message,
    };
    let mut doc = service.document.clone();
    let examples: Vec<&Example> = service
        .operations
        .iter()
        .flat_map(|op| &op.examples)
        .collect();
    // Each example's `value` is first a placeholder string, replaced by the file's text
    // once the document is serialized.
    let placeholders: Vec<String> = (0..examples.len())
        .map(|i| format!("\u{0}cloudcost-example-{i}\u{0}"))
        .collect();
    for (ex, placeholder) in examples.iter().zip(&placeholders) {
        let Some(Value::Object(node)) = doc.pointer_mut(&ex.pointer) else {
            return Err(fail(format!("no example object at {}", ex.pointer)));
        };
        *node = std::mem::take(node)
            .into_iter()
            .map(|(k, v)| match k.as_str() {
                "externalValue" => ("value".to_string(), Value::String(placeholder.clone())),
                _ => (k, v),
            })
            .collect();
    }
    let Value::Object(root) = doc else {
        return Err(fail("the spec is not an object".into()));
    };
    let mut marked = Map::new();
    for (k, v) in root {
        let after = k == "openapi";
        marked.insert(k, v);
        if after {
            marked.insert("x-cloudcost-generated".into(), Value::String(header.into()));
        }
    }
    let doc = Value::Object(marked);
    check_self_contained(&doc, &doc, "").map_err(fail)?;

    // invariant: a serde_json::Value always serializes (string keys, finite numbers).
    let mut text = serde_json::to_string(&doc).expect("JSON values serialize");
    for (ex, placeholder) in examples.iter().zip(&placeholders) {
        // invariant: a &str always serializes.
        let quoted = serde_json::to_string(placeholder).expect("strings serialize");
        if text.matches(&quoted).count() != 1 {
            return Err(fail(format!("example {} placed more than once", ex.path)));
        }
        text = text.replacen(&quoted, ex.json.trim(), 1);
    }
    let mut out = pretty(&text);
    out.push('\n');
    Ok(out)
}

/// Fails on a `$ref` that is not a local pointer into `doc`, and on an `externalValue`.
fn check_self_contained(doc: &Value, v: &Value, at: &str) -> std::result::Result<(), String> {
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                let here = format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
                match (k.as_str(), child) {
                    ("$ref", Value::String(r)) => {
                        let target = r.strip_prefix('#').filter(|p| p.starts_with('/'));
                        if target.and_then(|p| doc.pointer(p)).is_none() {
                            return Err(format!("{here}: `{r}` is not a local reference"));
                        }
                    }
                    ("externalValue", _) => {
                        return Err(format!("{here}: an external example was not inlined"))
                    }
                    _ => check_self_contained(doc, child, &here)?,
                }
            }
            Ok(())
        }
        Value::Array(a) => a
            .iter()
            .enumerate()
            .try_for_each(|(i, x)| check_self_contained(doc, x, &format!("{at}/{i}"))),
        _ => Ok(()),
    }
}

/// Pretty-prints JSON text as `serde_json::to_string_pretty` lays out a value (two-space
/// indent, `"key": value`, `{}` and `[]` when empty), but token by token, so numbers and
/// strings keep their exact spelling.
fn pretty(json: &str) -> String {
    fn newline(out: &mut String, depth: usize) {
        out.push('\n');
        out.extend(std::iter::repeat_n("  ", depth));
    }
    let bytes = json.as_bytes();
    let mut out = String::with_capacity(json.len() * 2);
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b'"' => {
                // A string, copied through its closing quote (escapes included).
                let start = i;
                i += 1;
                while bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                out.push_str(&json[start..=i]);
            }
            b'{' | b'[' => {
                let close = if c == b'{' { b'}' } else { b']' };
                let mut j = i + 1;
                while bytes[j].is_ascii_whitespace() {
                    j += 1;
                }
                if bytes[j] == close {
                    out.push(c as char);
                    out.push(close as char);
                    i = j;
                } else {
                    depth += 1;
                    out.push(c as char);
                    newline(&mut out, depth);
                }
            }
            b'}' | b']' => {
                depth -= 1;
                newline(&mut out, depth);
                out.push(c as char);
            }
            b',' => {
                out.push(',');
                newline(&mut out, depth);
            }
            b':' => out.push_str(": "),
            c if c.is_ascii_whitespace() => {}
            _ => {
                // A number or a literal: everything up to the next structural character.
                let start = i;
                while i + 1 < bytes.len()
                    && !matches!(bytes[i + 1], b',' | b'}' | b']' | b':')
                    && !bytes[i + 1].is_ascii_whitespace()
                {
                    i += 1;
                }
                out.push_str(&json[start..=i]);
            }
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::pretty;

    #[test]
    fn pretty_prints_as_serde_json_does_and_keeps_numbers() {
        let text = r#"{"a":[1,{"b":"x\"y,{"},[],{}],"c":{ },"n":69.11368320913270968764864436340574,"t":true}"#;
        let value: serde_json::Value =
            serde_json::from_str(&text.replace("69.11368320913270968764864436340574", "1.5"))
                .unwrap();
        let expected = serde_json::to_string_pretty(&value)
            .unwrap()
            .replace("1.5", "69.11368320913270968764864436340574");
        assert_eq!(pretty(text), expected);
        assert_eq!(pretty(" [ 1 , 2 ]\n"), "[\n  1,\n  2\n]");
    }
}
