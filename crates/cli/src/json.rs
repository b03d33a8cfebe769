//! A JSON tree that keeps what `serde_json::Value` would lose here: member order (the
//! wire order of the typed responses, without turning on `preserve_order` for the whole
//! workspace) and the exact text of numbers (Inspector2 sends money as JSON numbers; a
//! `Value` would carry them as `f64`).
//!
//! Parsing goes through `serde_json`'s `RawValue`, one level at a time, so there is no
//! hand-written tokenizer: strings are unescaped and numbers validated by serde_json.

use std::fmt::{self, Write as _};

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

/// How many arrays and objects may nest. Reading a raw value is iterative in serde_json
/// and does not count levels, but [`Json::from_raw`] recurses once per level, so a text
/// such as `--input-json` with 100,000 `[` would overflow the stack. 128 is serde_json's
/// own limit for typed decoding: a request deeper than that could not be decoded anyway.
pub const MAX_DEPTH: usize = 128;

/// A JSON value with ordered members and numbers as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Json {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, exactly as it was written (`12.50`, `1E+3`).
    Number(String),
    /// A string, unescaped.
    String(String),
    /// An array.
    Array(Vec<Json>),
    /// An object, members in document order. A repeated name is kept twice, so that the
    /// typed decoder reports it instead of one value silently winning.
    Object(Vec<(String, Json)>),
}

/// Why a JSON text does not parse: serde_json's message with line and column.
#[derive(Debug)]
pub struct ParseError(serde_json::Error);

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for ParseError {}

/// An object's members as raw text, in order.
struct RawMembers(Vec<(String, Box<RawValue>)>);

impl<'de> Deserialize<'de> for RawMembers {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawMembers;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawMembers, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, Box<RawValue>>()? {
                    out.push((k, v));
                }
                Ok(RawMembers(out))
            }
        }
        deserializer.deserialize_map(V)
    }
}

impl Json {
    /// Parses a complete JSON text (trailing garbage is an error).
    pub fn parse(text: &str) -> Result<Json, ParseError> {
        let raw: Box<RawValue> = serde_json::from_str(text).map_err(ParseError)?;
        Self::from_raw(&raw).map_err(ParseError)
    }

    /// Converts a raw JSON value, which serde_json has already checked. Fails on more
    /// than [`MAX_DEPTH`] levels of nesting.
    pub fn from_raw(raw: &RawValue) -> Result<Json, serde_json::Error> {
        Self::from_raw_at(raw, 0)
    }

    /// `depth`: how many arrays and objects enclose `raw`.
    fn from_raw_at(raw: &RawValue, depth: usize) -> Result<Json, serde_json::Error> {
        let text = raw.get().trim();
        let container = matches!(text.as_bytes().first(), Some(b'{' | b'['));
        if container && depth >= MAX_DEPTH {
            return Err(de::Error::custom(format!(
                "nested too deeply: more than {MAX_DEPTH} levels of arrays and objects"
            )));
        }
        Ok(match text.as_bytes().first() {
            Some(b'{') => {
                let RawMembers(members) = serde_json::from_str(text)?;
                let mut out = Vec::with_capacity(members.len());
                for (k, v) in members {
                    out.push((k, Self::from_raw_at(&v, depth + 1)?));
                }
                Json::Object(out)
            }
            Some(b'[') => {
                let items: Vec<Box<RawValue>> = serde_json::from_str(text)?;
                Json::Array(
                    items
                        .iter()
                        .map(|v| Self::from_raw_at(v, depth + 1))
                        .collect::<Result<_, _>>()?,
                )
            }
            Some(b'"') => Json::String(serde_json::from_str(text)?),
            Some(b't') | Some(b'f') => Json::Bool(serde_json::from_str(text)?),
            Some(b'n') => Json::Null,
            _ => Json::Number(text.to_string()),
        })
    }

    /// A member of an object (the last one, if repeated).
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(members) => members.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// Sets a member of an object, replacing every earlier value of that name; appends it
    /// if absent. Does nothing to a non-object.
    pub fn set(&mut self, key: &str, value: Json) {
        if let Json::Object(members) = self {
            if let Some(i) = members.iter().position(|(k, _)| k == key) {
                members.retain(|(k, _)| k != key);
                members.insert(i.min(members.len()), (key.to_string(), value));
            } else {
                members.push((key.to_string(), value));
            }
        }
    }

    /// Removes every member named `key` from an object.
    pub fn remove(&mut self, key: &str) {
        if let Json::Object(members) = self {
            members.retain(|(k, _)| k != key);
        }
    }

    /// What kind of value this is, for error messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "a boolean",
            Json::Number(_) => "a number",
            Json::String(_) => "a string",
            Json::Array(_) => "a list",
            Json::Object(_) => "an object",
        }
    }

    /// Compact JSON text.
    pub fn to_compact(&self) -> String {
        let mut out = String::new();
        self.write(&mut out, None, 0);
        out
    }

    /// Indented JSON text (4 spaces, as the AWS CLI prints), with a final newline.
    pub fn to_pretty(&self) -> String {
        let mut out = String::new();
        self.write(&mut out, Some(4), 0);
        out.push('\n');
        out
    }

    fn write(&self, out: &mut String, indent: Option<usize>, depth: usize) {
        let newline = |out: &mut String, depth: usize| {
            if let Some(n) = indent {
                out.push('\n');
                out.extend(std::iter::repeat_n(' ', n * depth));
            }
        };
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Number(n) => out.push_str(n),
            Json::String(s) => write_string(out, s),
            Json::Array(items) if items.is_empty() => out.push_str("[]"),
            Json::Object(members) if members.is_empty() => out.push_str("{}"),
            Json::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    newline(out, depth + 1);
                    item.write(out, indent, depth + 1);
                }
                newline(out, depth);
                out.push(']');
            }
            Json::Object(members) => {
                out.push('{');
                for (i, (k, v)) in members.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    newline(out, depth + 1);
                    write_string(out, k);
                    out.push(':');
                    if indent.is_some() {
                        out.push(' ');
                    }
                    v.write(out, indent, depth + 1);
                }
                newline(out, depth);
                out.push('}');
            }
        }
    }
}

fn write_string(out: &mut String, s: &str) {
    // serde_json's escaping, so the output is exactly what any JSON tool expects.
    let _ = write!(
        out,
        "{}",
        serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
    );
}

impl<'de> Deserialize<'de> for Json {
    /// Only from serde_json input: parses through `RawValue`.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = Box::<RawValue>::deserialize(deserializer)?;
        Json::from_raw(&raw).map_err(de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_order_and_number_text() {
        let text = r#"{"b": 1, "a": [69.11368320913270968764864436340574, 1E+3, -0], "c": {"z": null, "y": "\u00e9\n"}}"#;
        let j = Json::parse(text).unwrap();
        assert_eq!(
            j.to_compact(),
            r#"{"b":1,"a":[69.11368320913270968764864436340574,1E+3,-0],"c":{"z":null,"y":"é\n"}}"#
        );
    }

    #[test]
    fn pretty_matches_aws_cli_style() {
        let j = Json::parse(r#"{"a":[1,{"b":[]}],"c":{}}"#).unwrap();
        assert_eq!(
            j.to_pretty(),
            "{\n    \"a\": [\n        1,\n        {\n            \"b\": []\n        }\n    ],\n    \"c\": {}\n}\n"
        );
    }

    #[test]
    fn rejects_trailing_text_and_bad_json() {
        let error = |text: &str| Json::parse(text).unwrap_err().to_string();
        assert_eq!(error("{} x"), "trailing characters at line 1 column 4");
        assert_eq!(error("{\"a\":}"), "expected value at line 1 column 6");
        assert_eq!(error(""), "EOF while parsing a value at line 1 column 0");
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert_eq!(
            Json::parse(&deep).unwrap_err().to_string(),
            "nested too deeply: more than 128 levels of arrays and objects"
        );
        let objects = format!("{}1{}", r#"{"a":"#.repeat(100_000), "}".repeat(100_000));
        assert_eq!(
            Json::parse(&objects).unwrap_err().to_string(),
            "nested too deeply: more than 128 levels of arrays and objects"
        );
        // The limit itself is accepted.
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert_eq!(Json::parse(&ok).unwrap().to_compact(), ok);
    }

    #[test]
    fn set_replaces_in_place() {
        let mut j = Json::parse(r#"{"a":1,"b":2,"a":3}"#).unwrap();
        j.set("a", Json::Number("9".into()));
        assert_eq!(j.to_compact(), r#"{"a":9,"b":2}"#);
        j.set("c", Json::Null);
        assert_eq!(j.to_compact(), r#"{"a":9,"b":2,"c":null}"#);
    }
}
