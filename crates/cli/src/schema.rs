//! A read-only view of the exported JSON Schemas (`schemas/<family>/*.json`), which the
//! generated table embeds. The CLI derives its flags, the shorthand's types, the structural
//! check of a request and the table columns of a response from them, so nothing here knows
//! an operation.
//!
//! Only the constructs the generator writes are understood (`$ref` into `definitions`,
//! `type` as a name or a list with `null`, `properties`/`required`, `additionalProperties`,
//! `items`, `enum`, and `anyOf` of strings for open enums); anything else is treated as
//! "any JSON", which the typed decoder then checks.

use crate::json::Json;

/// A parsed schema document.
#[derive(Debug)]
pub struct Schema {
    root: Json,
}

/// One schema node within its document (for `$ref` resolution).
#[derive(Clone, Copy, Debug)]
pub struct Node<'a> {
    doc: &'a Schema,
    value: &'a Json,
}

/// What a node accepts.
#[derive(Clone, Debug)]
pub enum Kind<'a> {
    /// A string; `values` lists the documented enum values (open: others are accepted).
    String {
        values: Vec<&'a str>,
        format: Option<&'a str>,
    },
    /// An integer.
    Integer,
    /// `true` or `false`.
    Boolean,
    /// An exact decimal, written as a string or a number.
    Decimal,
    /// Any other number (epoch seconds).
    Number,
    /// A structure with named members, in schema order.
    Struct {
        members: Vec<(&'a str, Node<'a>)>,
        required: Vec<&'a str>,
    },
    /// A map from string keys to values of one schema.
    Map(Node<'a>),
    /// A list of values of one schema.
    List(Node<'a>),
    /// Anything (a construct this view does not model).
    Any,
}

/// How many `$ref`s in a row are followed before giving up (a cycle of pure references
/// would otherwise never end; the generator writes none).
const MAX_REFS: usize = 32;

impl Schema {
    /// Parses a schema document.
    pub fn parse(text: &str) -> Result<Schema, String> {
        let root = Json::parse(text).map_err(|e| format!("invalid JSON Schema: {e}"))?;
        Ok(Schema { root })
    }

    /// The document's root node.
    pub fn root(&self) -> Node<'_> {
        Node {
            doc: self,
            value: &self.root,
        }
    }

    fn definition(&self, reference: &str) -> Option<&Json> {
        let name = reference.strip_prefix("#/definitions/")?;
        self.root.get("definitions")?.get(name)
    }
}

impl<'a> Node<'a> {
    /// The node with `$ref`s followed.
    fn resolved(self) -> Node<'a> {
        let mut value = self.value;
        for _ in 0..MAX_REFS {
            match value.get("$ref") {
                Some(Json::String(r)) => match self.doc.definition(r) {
                    Some(target) => value = target,
                    None => break,
                },
                _ => break,
            }
        }
        Node {
            doc: self.doc,
            value,
        }
    }

    fn str_field(&self, key: &str) -> Option<&'a str> {
        match self.value.get(key) {
            Some(Json::String(s)) => Some(s),
            _ => None,
        }
    }

    /// The node's `description`, or the description of the definition it refers to.
    pub fn description(self) -> Option<&'a str> {
        self.str_field("description")
            .or_else(|| self.resolved().str_field("description"))
    }

    /// The name of the definition this node refers to, if it is a `$ref`.
    pub fn ref_name(self) -> Option<&'a str> {
        self.str_field("$ref")?.strip_prefix("#/definitions/")
    }

    /// Whether `null` is an accepted value.
    pub fn nullable(self) -> bool {
        let node = self.resolved();
        match node.value.get("type") {
            Some(Json::Array(types)) => types.iter().any(|t| t == &Json::String("null".into())),
            _ => false,
        }
    }

    /// What this node accepts.
    pub fn kind(self) -> Kind<'a> {
        let node = self.resolved();
        let v = node.value;
        if let Some(Json::Array(branches)) = v.get("anyOf") {
            // Open enums: `anyOf: [{type: string, enum: [...]}, {type: string}]`.
            let mut values = Vec::new();
            for branch in branches {
                let b = Node {
                    doc: node.doc,
                    value: branch,
                };
                match b.kind() {
                    Kind::String { values: v, .. } => values.extend(v),
                    _ => return Kind::Any,
                }
            }
            return Kind::String {
                values,
                format: None,
            };
        }
        let types: Vec<&str> = match v.get("type") {
            Some(Json::String(t)) => vec![t.as_str()],
            Some(Json::Array(ts)) => ts
                .iter()
                .filter_map(|t| match t {
                    Json::String(s) if s != "null" => Some(s.as_str()),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        let format = node.str_field("format");
        match types.as_slice() {
            ["string"] => Kind::String {
                values: match v.get("enum") {
                    Some(Json::Array(values)) => values
                        .iter()
                        .filter_map(|x| match x {
                            Json::String(s) => Some(s.as_str()),
                            _ => None,
                        })
                        .collect(),
                    _ => Vec::new(),
                },
                format,
            },
            ["string", "number"] | ["number", "string"] => Kind::Decimal,
            ["number"] if format == Some("decimal") => Kind::Decimal,
            ["number"] => Kind::Number,
            ["integer"] => Kind::Integer,
            ["boolean"] => Kind::Boolean,
            ["array"] => match v.get("items") {
                Some(items) => Kind::List(Node {
                    doc: node.doc,
                    value: items,
                }),
                None => Kind::Any,
            },
            ["object"] | [] if v.get("properties").is_some() || types == ["object"] => {
                match (v.get("properties"), v.get("additionalProperties")) {
                    (None, Some(values @ Json::Object(_))) => Kind::Map(Node {
                        doc: node.doc,
                        value: values,
                    }),
                    (props, _) => {
                        let members = match props {
                            Some(Json::Object(members)) => members
                                .iter()
                                .map(|(name, value)| {
                                    (
                                        name.as_str(),
                                        Node {
                                            doc: node.doc,
                                            value,
                                        },
                                    )
                                })
                                .collect(),
                            _ => Vec::new(),
                        };
                        let required = match v.get("required") {
                            Some(Json::Array(names)) => names
                                .iter()
                                .filter_map(|n| match n {
                                    Json::String(s) => Some(s.as_str()),
                                    _ => None,
                                })
                                .collect(),
                            _ => Vec::new(),
                        };
                        Kind::Struct { members, required }
                    }
                }
            }
            _ => Kind::Any,
        }
    }

    /// A short description of what the node accepts, for help and errors: `string`,
    /// `integer`, `Start=string,End=string`, `list of string`.
    pub fn type_hint(self) -> String {
        self.hint(2)
    }

    fn hint(self, depth: usize) -> String {
        match self.kind() {
            Kind::String { values, format } => match (values.is_empty(), format) {
                (false, _) => "string".into(),
                (true, Some(f)) => format!("string ({f})"),
                (true, None) => "string".into(),
            },
            Kind::Integer => "integer".into(),
            Kind::Boolean => "boolean".into(),
            Kind::Decimal | Kind::Number => "number".into(),
            // `Start=string,End=string` when every member is a scalar; a structure of
            // structures (a filter expression) is named instead, as its syntax would not
            // fit on a line.
            Kind::Struct { members, .. }
                if depth > 0
                    && !members.is_empty()
                    && members.iter().all(|(_, n)| {
                        !matches!(n.kind(), Kind::Struct { .. } | Kind::Map(_) | Kind::List(_))
                    }) =>
            {
                members
                    .iter()
                    .map(|(name, node)| format!("{name}={}", node.hint(0)))
                    .collect::<Vec<_>>()
                    .join(",")
            }
            Kind::Struct { .. } => self
                .ref_name()
                .or_else(|| self.resolved().ref_name())
                .unwrap_or("structure")
                .to_string(),
            Kind::Map(values) => format!("KeyName1={}", values.hint(0)),
            Kind::List(items) => items.hint(depth),
            Kind::Any => "JSON".into(),
        }
    }
}

/// One problem found by [`check`]: the wire path and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// Path in wire names: `TimePeriod.Start`, `GroupBy[1].Key`, `Metrics["x"]`.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

/// Checks the structure of `value` against `node`: JSON types, required members and
/// unknown members, all of them at once (constraints such as lengths and patterns are the
/// typed request's `validate()`). Unknown members are errors here although the decoder
/// would ignore them, because on a command line they are typos that would silently be
/// dropped.
pub fn check(value: &Json, node: Node<'_>) -> Vec<Problem> {
    let mut out = Vec::new();
    check_into(value, node, &mut String::new(), 0, &mut out);
    out
}

fn problem(out: &mut Vec<Problem>, path: &str, message: String) {
    out.push(Problem {
        path: path.to_string(),
        message,
    });
}

fn check_into(
    value: &Json,
    node: Node<'_>,
    path: &mut String,
    depth: usize,
    out: &mut Vec<Problem>,
) {
    // `Json::parse` refuses more than `MAX_DEPTH` levels and shorthand more than 64, so
    // this is a second bound, for a value built some other way. The schemas themselves
    // are the generator's, embedded at build time: walking them (`kind`, `hint`) needs
    // no bound of its own beyond `MAX_REFS`.
    if depth > crate::json::MAX_DEPTH {
        problem(out, path, "nested too deeply".into());
        return;
    }
    if *value == Json::Null && node.nullable() {
        return;
    }
    let kind = node.kind();
    let expected = |what: &str| format!("expected {what}, found {}", value.kind());
    match (&kind, value) {
        (Kind::Any, _) => {}
        (Kind::String { .. }, Json::String(_)) => {}
        (Kind::String { values, .. }, _) => {
            let what = if values.is_empty() {
                "a string".to_string()
            } else {
                format!("a string such as {}", values.join(", "))
            };
            problem(out, path, expected(&what));
        }
        (Kind::Integer, Json::Number(n)) if !n.contains(['.', 'e', 'E']) => {}
        (Kind::Integer, _) => problem(out, path, expected("an integer")),
        (Kind::Boolean, Json::Bool(_)) => {}
        (Kind::Boolean, _) => problem(out, path, expected("true or false")),
        (Kind::Decimal, Json::Number(_) | Json::String(_)) => {}
        (Kind::Decimal, _) => problem(out, path, expected("a decimal number")),
        (Kind::Number, Json::Number(_)) => {}
        (Kind::Number, _) => problem(out, path, expected("a number")),
        (Kind::List(items), Json::Array(values)) => {
            for (i, v) in values.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                check_into(v, *items, path, depth + 1, out);
                path.truncate(len);
            }
        }
        (Kind::List(_), _) => problem(out, path, expected("a list")),
        (Kind::Map(values), Json::Object(members)) => {
            for (k, v) in members {
                let len = path.len();
                path.push_str(&format!("[{k:?}]"));
                check_into(v, *values, path, depth + 1, out);
                path.truncate(len);
            }
        }
        (Kind::Map(_), _) => problem(out, path, expected("an object")),
        (Kind::Struct { members, required }, Json::Object(given)) => {
            for (k, v) in given {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(k);
                match members.iter().find(|(name, _)| name == k) {
                    // An absent optional member may be written as null.
                    Some(_) if *v == Json::Null && !required.contains(&k.as_str()) => {}
                    Some((_, member)) => check_into(v, *member, path, depth + 1, out),
                    None => {
                        let names: Vec<&str> = members.iter().map(|(n, _)| *n).collect();
                        problem(
                            out,
                            path,
                            format!("unknown member; expected one of: {}", names.join(", ")),
                        );
                    }
                }
                path.truncate(len);
            }
            for name in required {
                if !given.iter().any(|(k, _)| k == name) {
                    let full = if path.is_empty() {
                        name.to_string()
                    } else {
                        format!("{path}.{name}")
                    };
                    problem(out, &full, "missing required member".into());
                }
            }
        }
        (Kind::Struct { .. }, _) => problem(out, path, expected("an object")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCHEMA: &str = r##"{
      "type": "object",
      "properties": {
        "Period": {"$ref": "#/definitions/Interval"},
        "Level": {"$ref": "#/definitions/Level"},
        "Names": {"type": "array", "items": {"type": "string"}},
        "Max": {"type": "integer"},
        "Tags": {"type": "object", "additionalProperties": {"type": ["string", "null"]}}
      },
      "required": ["Period", "Level"],
      "definitions": {
        "Interval": {"type": "object", "properties": {"Start": {"type": "string"}, "End": {"type": "string"}}, "required": ["Start", "End"]},
        "Level": {"anyOf": [{"type": "string", "enum": ["LOW", "HIGH"]}, {"type": "string"}]}
      }
    }"##;

    #[test]
    fn kinds_and_hints() {
        let s = Schema::parse(SCHEMA).unwrap();
        let Kind::Struct { members, required } = s.root().kind() else {
            panic!("root is a structure")
        };
        assert_eq!(required, ["Period", "Level"]);
        let hints: Vec<String> = members.iter().map(|(_, n)| n.type_hint()).collect();
        assert_eq!(
            hints,
            [
                "Start=string,End=string",
                "string",
                "string",
                "integer",
                "KeyName1=string"
            ]
        );
        assert!(
            matches!(members[1].1.kind(), Kind::String { values, .. } if values == ["LOW", "HIGH"])
        );
    }

    #[test]
    fn check_reports_every_problem() {
        let s = Schema::parse(SCHEMA).unwrap();
        let v = Json::parse(r#"{"Period": {"Start": 1}, "Names": ["a", 2], "Max": 1.5, "Typo": true, "Tags": {"k": null}}"#).unwrap();
        let problems: Vec<String> = check(&v, s.root())
            .into_iter()
            .map(|p| format!("{}: {}", p.path, p.message))
            .collect();
        assert_eq!(
            problems,
            [
                "Period.Start: expected a string, found a number",
                "Period.End: missing required member",
                "Names[1]: expected a string, found a number",
                "Max: expected an integer, found a number",
                "Typo: unknown member; expected one of: Period, Level, Names, Max, Tags",
                "Level: missing required member",
            ]
        );
    }
}
