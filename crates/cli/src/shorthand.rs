//! Flag values to request JSON, typed by the member's schema, with the AWS CLI's habits:
//!
//! - a value starting with `{` or `[` is JSON;
//! - structures and maps take shorthand: `Start=2017-09-01,End=2017-10-01`, with nested
//!   structures in braces (`SortBy={Key=X,SortOrder=ASCENDING}`), lists in brackets or as
//!   comma-separated values (`Values=a,b,c`), and `'...'` or `"..."` quoting for values with
//!   `,` `=` `[` `]` `{` `}` or spaces at either end;
//! - a list member takes one item per argument (`--metrics BlendedCost UnblendedCost`);
//!   an argument of a list of scalars may also hold several comma-separated items;
//! - integers and booleans are typed per schema; everything else stays the text given.

use crate::json::Json;
use crate::schema::{Kind, Node};

/// How many `{}` / `[]` may nest in one shorthand value. The parser and [`typed`] recurse
/// once per level, and a value comes straight from argv, so without a limit
/// `--filter 'Not={Not={...'` a few thousand levels deep overflows the stack. The deepest
/// request of the specs (a Cost Explorer filter expression) needs a handful of levels.
pub const MAX_NESTING: usize = 64;

/// How much of the remaining text an error quotes: enough to find the place, without
/// echoing a value of many kilobytes.
const EXCERPT_CHARS: usize = 40;

/// A parsed shorthand value, before the schema gives it types.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Shorthand {
    /// Bare or quoted text.
    Scalar(String),
    /// `a,b` after a key, or `[a,b]`.
    List(Vec<Shorthand>),
    /// `K=V,K2=V2`, or `{K=V}` nested.
    Struct(Vec<(String, Shorthand)>),
}

/// Parses `K=V,K2=V2` shorthand.
pub fn parse_struct(text: &str) -> Result<Vec<(String, Shorthand)>, String> {
    let mut p = Parser {
        chars: text.chars().collect(),
        pos: 0,
        depth: 0,
    };
    let members = p.members(None)?;
    if p.pos < p.chars.len() {
        return Err(p.error("unexpected text"));
    }
    Ok(members)
}

/// Parses a list-of-scalars argument: `a,b,c` or `[a,b,c]`, with quoting.
pub fn parse_list(text: &str) -> Result<Vec<Shorthand>, String> {
    let mut p = Parser {
        chars: text.chars().collect(),
        pos: 0,
        depth: 0,
    };
    let values = if p.peek() == Some('[') {
        match p.value()? {
            Shorthand::List(items) => items,
            other => vec![other],
        }
    } else {
        p.values(None)?
    };
    if p.pos < p.chars.len() {
        return Err(p.error("unexpected text"));
    }
    Ok(values)
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
    /// How many `{` / `[` enclose the current position.
    depth: usize,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn error(&self, what: &str) -> String {
        let rest = &self.chars[self.pos.min(self.chars.len())..];
        let mut at: String = rest.iter().take(EXCERPT_CHARS).collect();
        if rest.len() > EXCERPT_CHARS {
            at.push('…');
        }
        if at.is_empty() {
            format!("{what} at the end of the value")
        } else {
            format!("{what} at character {}: `{at}`", self.pos + 1)
        }
    }

    fn skip_spaces(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
    }

    /// `key=values(,key=values)*`, up to `close` (or the end).
    fn members(&mut self, close: Option<char>) -> Result<Vec<(String, Shorthand)>, String> {
        let mut out = Vec::new();
        loop {
            self.skip_spaces();
            if self.peek() == close {
                return Ok(out);
            }
            let key = self.key()?;
            self.skip_spaces();
            if self.peek() != Some('=') {
                return Err(self.error(&format!("expected `=` after `{key}`")));
            }
            self.pos += 1;
            let mut values = self.values(close)?;
            let value = if values.len() == 1 {
                values.remove(0)
            } else {
                Shorthand::List(values)
            };
            out.push((key, value));
            self.skip_spaces();
            match self.peek() {
                Some(',') => self.pos += 1,
                c if c == close => return Ok(out),
                None => {
                    let close = close.map(|c| c.to_string()).unwrap_or_default();
                    return Err(self.error(&format!("expected `{close}`")));
                }
                Some(_) => return Err(self.error("expected `,`")),
            }
        }
    }

    fn key(&mut self) -> Result<String, String> {
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '-' || c == '.' || c == ':')
        {
            self.pos += 1;
        }
        if start == self.pos {
            return Err(self.error("expected a member name"));
        }
        Ok(self.chars[start..self.pos].iter().collect())
    }

    /// Whether a `key=` starts at the current position (so a `,` before it ends a list).
    fn at_key(&self) -> bool {
        let mut i = self.pos;
        while self.chars.get(i).is_some_and(|c| c.is_whitespace()) {
            i += 1;
        }
        let start = i;
        while self
            .chars
            .get(i)
            .is_some_and(|&c| c.is_alphanumeric() || c == '_' || c == '-' || c == '.' || c == ':')
        {
            i += 1;
        }
        i > start && self.chars.get(i) == Some(&'=')
    }

    /// `value(,value)*`, stopping before `,key=`, `close` or the end.
    fn values(&mut self, close: Option<char>) -> Result<Vec<Shorthand>, String> {
        let mut out = vec![self.value()?];
        loop {
            self.skip_spaces();
            if self.peek() != Some(',') {
                return Ok(out);
            }
            self.pos += 1;
            if self.at_key() {
                self.pos -= 1;
                return Ok(out);
            }
            self.skip_spaces();
            if self.peek() == close || self.peek().is_none() {
                return Err(self.error("expected a value after `,`"));
            }
            out.push(self.value()?);
        }
    }

    /// Enters a `{` or `[` at the current position, refusing to go deeper than
    /// [`MAX_NESTING`] (each level is a recursive call).
    fn open(&mut self) -> Result<(), String> {
        if self.depth >= MAX_NESTING {
            return Err(self.error(&format!(
                "nested too deeply: more than {MAX_NESTING} levels of `{{}}` or `[]`"
            )));
        }
        self.depth += 1;
        self.pos += 1;
        Ok(())
    }

    fn value(&mut self) -> Result<Shorthand, String> {
        self.skip_spaces();
        match self.peek() {
            Some('{') => {
                self.open()?;
                let members = self.members(Some('}'))?;
                self.expect('}')?;
                self.depth -= 1;
                Ok(Shorthand::Struct(members))
            }
            Some('[') => {
                self.open()?;
                self.skip_spaces();
                let mut items = Vec::new();
                if self.peek() != Some(']') {
                    loop {
                        items.push(self.value()?);
                        self.skip_spaces();
                        if self.peek() == Some(',') {
                            self.pos += 1;
                        } else {
                            break;
                        }
                    }
                }
                self.expect(']')?;
                self.depth -= 1;
                Ok(Shorthand::List(items))
            }
            Some(q @ ('\'' | '"')) => {
                self.pos += 1;
                let start = self.pos;
                while self.peek().is_some_and(|c| c != q) {
                    self.pos += 1;
                }
                if self.peek().is_none() {
                    return Err(format!("unterminated {q}quote{q}"));
                }
                let text: String = self.chars[start..self.pos].iter().collect();
                self.pos += 1;
                Ok(Shorthand::Scalar(text))
            }
            _ => {
                let start = self.pos;
                while self
                    .peek()
                    .is_some_and(|c| !matches!(c, ',' | '[' | ']' | '{' | '}'))
                {
                    self.pos += 1;
                }
                let text: String = self.chars[start..self.pos].iter().collect();
                Ok(Shorthand::Scalar(text.trim().to_string()))
            }
        }
    }

    fn expect(&mut self, c: char) -> Result<(), String> {
        self.skip_spaces();
        if self.peek() == Some(c) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.error(&format!("expected `{c}`")))
        }
    }
}

/// The JSON value of one flag: `args` are the flag's arguments (several only for lists).
/// Errors name the member path within the flag's value.
pub fn flag_value(args: &[String], node: Node<'_>) -> Result<Json, String> {
    match node.kind() {
        Kind::List(items) => {
            if let [one] = args {
                if one.trim_start().starts_with('[') {
                    return json_arg(one);
                }
            }
            let mut out = Vec::new();
            for (i, arg) in args.iter().enumerate() {
                let at = |e: String| {
                    if args.len() > 1 {
                        format!("value {} (`{arg}`): {e}", i + 1)
                    } else {
                        e
                    }
                };
                match items.kind() {
                    Kind::Struct { .. } | Kind::Map(_) | Kind::List(_) | Kind::Any => {
                        out.push(single(arg, items).map_err(at)?)
                    }
                    _ => {
                        for item in parse_list(arg).map_err(at)? {
                            out.push(typed(&item, items, "").map_err(at)?);
                        }
                    }
                }
            }
            Ok(Json::Array(out))
        }
        _ => match args {
            [one] => single(one, node),
            _ => Err(format!("takes one value, got {}", args.len())),
        },
    }
}

fn json_arg(text: &str) -> Result<Json, String> {
    Json::parse(text).map_err(|e| format!("invalid JSON: {e}"))
}

/// One argument for a non-list schema node.
fn single(arg: &str, node: Node<'_>) -> Result<Json, String> {
    match node.kind() {
        Kind::Struct { .. } | Kind::Map(_) => {
            if arg.trim_start().starts_with('{') {
                return json_arg(arg);
            }
            typed(&Shorthand::Struct(parse_struct(arg)?), node, "")
        }
        Kind::Any => {
            if arg.trim_start().starts_with(['{', '[']) {
                json_arg(arg)
            } else {
                Ok(Json::String(arg.to_string()))
            }
        }
        _ => typed(&Shorthand::Scalar(arg.to_string()), node, ""),
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn at(path: &str, message: String) -> String {
    if path.is_empty() {
        message
    } else {
        format!("{path}: {message}")
    }
}

/// Gives a shorthand value the types of `node`.
pub fn typed(value: &Shorthand, node: Node<'_>, path: &str) -> Result<Json, String> {
    match (node.kind(), value) {
        (Kind::String { .. } | Kind::Any, Shorthand::Scalar(s)) => Ok(Json::String(s.clone())),
        (Kind::Integer, Shorthand::Scalar(s)) => match s.parse::<i64>() {
            Ok(n) => Ok(Json::Number(n.to_string())),
            Err(_) => Err(at(path, format!("expected an integer, found `{s}`"))),
        },
        (Kind::Boolean, Shorthand::Scalar(s)) => match s.to_ascii_lowercase().as_str() {
            "true" => Ok(Json::Bool(true)),
            "false" => Ok(Json::Bool(false)),
            _ => Err(at(path, format!("expected true or false, found `{s}`"))),
        },
        (Kind::Decimal | Kind::Number, Shorthand::Scalar(s)) => {
            // Checked as JSON, but kept as the exact text given.
            match serde_json::from_str::<serde_json::Number>(s) {
                Ok(_) => Ok(Json::Number(s.clone())),
                Err(_) => Err(at(path, format!("expected a number, found `{s}`"))),
            }
        }
        (Kind::List(items), Shorthand::List(values)) => values
            .iter()
            .enumerate()
            .map(|(i, v)| typed(v, items, &format!("{path}[{i}]")))
            .collect::<Result<_, _>>()
            .map(Json::Array),
        // `Values=a` is a list of one.
        (Kind::List(items), one @ Shorthand::Scalar(_)) => {
            Ok(Json::Array(vec![typed(one, items, &format!("{path}[0]"))?]))
        }
        (Kind::List(items), one @ Shorthand::Struct(_)) => {
            Ok(Json::Array(vec![typed(one, items, &format!("{path}[0]"))?]))
        }
        (Kind::Struct { members, .. }, Shorthand::Struct(given)) => {
            let mut out = Vec::new();
            for (k, v) in given {
                let Some((name, member)) = members.iter().find(|(n, _)| n == k) else {
                    let names: Vec<&str> = members.iter().map(|(n, _)| *n).collect();
                    return Err(at(
                        &join(path, k),
                        format!("unknown member; expected one of: {}", names.join(", ")),
                    ));
                };
                if out.iter().any(|(n, _)| n == name) {
                    return Err(at(&join(path, k), "given twice".into()));
                }
                out.push((name.to_string(), typed(v, *member, &join(path, k))?));
            }
            Ok(Json::Object(out))
        }
        (Kind::Map(values), Shorthand::Struct(given)) => {
            let mut out = Vec::new();
            for (k, v) in given {
                out.push((k.clone(), typed(v, values, &join(path, k))?));
            }
            Ok(Json::Object(out))
        }
        (Kind::Any, other) => Ok(untyped(other)),
        (kind, other) => {
            let found = match other {
                Shorthand::Scalar(s) => format!("`{s}`"),
                Shorthand::List(_) => {
                    "a list (`,` separates values: quote a value that contains one, or write `K=V` after it)".into()
                }
                Shorthand::Struct(_) => "a structure".into(),
            };
            let expected = match kind {
                Kind::Struct { .. } => "a structure `K=V,...`".to_string(),
                Kind::Map(_) => "a map `K=V,...`".to_string(),
                Kind::List(_) => "a list".to_string(),
                _ => format!("a single {}", node.type_hint()),
            };
            Err(at(path, format!("expected {expected}, found {found}")))
        }
    }
}

fn untyped(value: &Shorthand) -> Json {
    match value {
        Shorthand::Scalar(s) => Json::String(s.clone()),
        Shorthand::List(items) => Json::Array(items.iter().map(untyped).collect()),
        Shorthand::Struct(members) => Json::Object(
            members
                .iter()
                .map(|(k, v)| (k.clone(), untyped(v)))
                .collect(),
        ),
    }
}
