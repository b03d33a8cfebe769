//! Deterministic values from a JSON Schema (the generated `schemas/<family>/*.json`).
//!
//! The same schema, seed and index give the same value on every run and machine: a value
//! is a pure function of (seed, path in the document, index), hashed with SplitMix64's
//! finaliser. No `rand`: its generators are allowed to change between releases, and a
//! dataset must stay byte-identical for a seed.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use regex::Regex;
use serde_json::{json, Map, Value};

/// Past this many nested `$ref`s a value is built minimal: only its required members, and
/// lists and maps at their fewest items. A recursive shape (Cost Explorer's `Expression`)
/// stops at its first repeat already; this bounds deep chains of distinct shapes too.
const MAX_DEPTH: usize = 12;

/// A schema whose required members recurse without end has no finite value; past this
/// depth the value is `null` (such a spec is a mistake the mock cannot answer).
const MAX_REQUIRED_DEPTH: usize = 64;

/// SplitMix64's output function: a bijective mix of 64 bits.
pub fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A stable hash of a string (FNV-1a), for mixing member paths into the seed.
pub fn hash_str(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Values for the types of one schema document.
pub struct Synth<'a> {
    root: &'a Value,
    seed: u64,
    patterns: &'a PatternCache,
}

/// Compiled `pattern`s, shared by every request.
#[derive(Default)]
pub struct PatternCache(Mutex<HashMap<String, Option<Regex>>>);

/// The tables' JSON texts (schemas, documented requests), each parsed once on first use. Keyed by the address and
/// length of the `&'static str` the table holds, so a lookup never hashes the text.
#[derive(Default)]
pub struct SchemaCache(Mutex<HashMap<(usize, usize), Arc<Value>>>);

impl SchemaCache {
    /// The parsed `text` (`Null` if it is not JSON, which the tables' tests rule out).
    pub fn get(&self, text: &'static str) -> Arc<Value> {
        let mut cache = self.0.lock().unwrap_or_else(|e| e.into_inner());
        cache
            .entry((text.as_ptr() as usize, text.len()))
            .or_insert_with(|| Arc::new(serde_json::from_str(text).unwrap_or(Value::Null)))
            .clone()
    }
}

impl PatternCache {
    /// Whether the whole of `value` matches `pattern` (unknown syntax: never).
    fn full_match(&self, pattern: &str, value: &str) -> bool {
        let mut cache = self.0.lock().unwrap_or_else(|e| e.into_inner());
        cache
            .entry(pattern.to_string())
            .or_insert_with(|| Regex::new(&format!("^(?:{pattern})$")).ok())
            .as_ref()
            .is_some_and(|re| re.is_match(value))
    }
}

impl<'a> Synth<'a> {
    pub fn new(root: &'a Value, seed: u64, patterns: &'a PatternCache) -> Self {
        Synth {
            root,
            seed,
            patterns,
        }
    }

    /// The value of `schema` for item `index`; `path` names where it sits (`totals.usage`)
    /// and keeps sibling values apart.
    pub fn value(&self, schema: &Value, path: &str, index: u64) -> Value {
        self.at(schema, path, index, &mut Vec::new())
    }

    /// The node a local `$ref` names (`Null` when it names nothing).
    fn lookup(&self, reference: &str) -> &'a Value {
        let mut node = self.root;
        for part in reference.trim_start_matches("#/").split('/') {
            node = node.get(part).unwrap_or(&Value::Null);
        }
        node
    }

    fn roll(&self, path: &str, index: u64) -> u64 {
        mix(self.seed ^ mix(hash_str(path) ^ mix(index)))
    }

    /// The value at `path`; `refs` holds the `$ref`s being expanded around it, outermost
    /// first. A recursive shape stops at its first repeat: an optional member that would
    /// repeat a shape on `refs` is left out and a list of it is empty, so the value is
    /// valid (never a `null` the schema forbids) and finite.
    fn at(&self, schema: &Value, path: &str, index: u64, refs: &mut Vec<String>) -> Value {
        if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
            if refs.len() > MAX_REQUIRED_DEPTH {
                return Value::Null;
            }
            refs.push(r.to_string());
            let v = self.at(self.lookup(r), path, index, refs);
            refs.pop();
            return v;
        }
        // Minimal: past MAX_DEPTH, only what the schema requires.
        let minimal = refs.len() > MAX_DEPTH;
        let roll = self.roll(path, index);
        if let Some(values) = enum_values(schema) {
            return values
                .get((roll % values.len().max(1) as u64) as usize)
                .cloned()
                .unwrap_or(Value::Null);
        }
        let types = types(schema);
        let has = |t: &str| types.contains(&t);
        let format = schema.get("format").and_then(Value::as_str);
        if format == Some("decimal") {
            // Exact decimal text: whole part and 10 fraction digits, as the APIs send; the
            // whole part alone where that breaks the spec's length or pattern.
            let full = format!("{}.{:010}", roll % 100_000, mix(roll) % 10_000_000_000);
            let fits = |text: &str| {
                let long = schema
                    .get("maxLength")
                    .and_then(Value::as_u64)
                    .is_some_and(|max| text.len() as u64 > max);
                let unmatched = schema
                    .get("pattern")
                    .and_then(Value::as_str)
                    .is_some_and(|p| !self.patterns.full_match(p, text));
                !long && !unmatched
            };
            let text = if fits(&full) {
                full
            } else {
                (roll % 10).to_string()
            };
            return json!(text);
        }
        if format == Some("epoch-seconds") {
            // 2024-01-01T00:00:00Z plus a day per index.
            return json!(1_704_067_200u64 + index * 86_400);
        }
        if has("object") {
            if let Some(props) = schema.get("properties").and_then(Value::as_object) {
                let required = |name: &str| {
                    schema
                        .get("required")
                        .and_then(Value::as_array)
                        .is_some_and(|r| r.iter().any(|n| n.as_str() == Some(name)))
                };
                let mut out = Map::new();
                for (name, prop) in props {
                    if !required(name) && (minimal || repeats(prop, refs)) {
                        continue;
                    }
                    let v = self.at(prop, &format!("{path}.{name}"), index, refs);
                    if !v.is_null() {
                        out.insert(name.clone(), v);
                    }
                }
                return Value::Object(out);
            }
            if let Some(values) = schema.get("additionalProperties").filter(|v| v.is_object()) {
                if minimal || repeats(values, refs) {
                    return json!({});
                }
                let keys = schema.get("propertyNames").cloned().unwrap_or(json!({}));
                let mut out = Map::new();
                for k in 0..2u64 {
                    let key = match self.at(&keys, &format!("{path}{{}}"), index * 2 + k, refs) {
                        Value::String(s) => s,
                        _ => format!("key{}", k + 1),
                    };
                    let v = self.at(values, &format!("{path}.{key}"), index, refs);
                    out.insert(key, v);
                }
                return Value::Object(out);
            }
            return json!({});
        }
        if has("array") {
            let items = schema.get("items").cloned().unwrap_or(json!({}));
            let min = schema.get("minItems").and_then(Value::as_u64).unwrap_or(0);
            let max = schema
                .get("maxItems")
                .and_then(Value::as_u64)
                .unwrap_or(u64::MAX);
            let n = if minimal || repeats(&items, refs) {
                min.min(max)
            } else {
                2u64.clamp(min.min(max), max)
            };
            return Value::Array(
                (0..n)
                    .map(|i| self.at(&items, &format!("{path}[]"), index * n + i, refs))
                    .collect(),
            );
        }
        if has("integer") {
            let min = schema.get("minimum").and_then(Value::as_i64).unwrap_or(0);
            let max = schema
                .get("maximum")
                .and_then(Value::as_i64)
                .unwrap_or(min.saturating_add(1_000));
            let span = u64::try_from(max.saturating_sub(min))
                .unwrap_or(0)
                .saturating_add(1);
            return json!(min.saturating_add(i64::try_from(roll % span.max(1)).unwrap_or(0)));
        }
        if has("number") {
            return json!((roll % 100_000) as f64 / 100.0);
        }
        if has("boolean") {
            return json!(roll.is_multiple_of(2));
        }
        if has("string") {
            return json!(self.string(schema, path, index));
        }
        Value::Null
    }

    /// A string: the first of a few realistic candidates that the whole `pattern` matches,
    /// else one built from the pattern itself ([`from_pattern`]); cut to `maxLength`.
    fn string(&self, schema: &Value, path: &str, index: u64) -> String {
        let name = path.rsplit(['.', '[', '{']).next().unwrap_or("value");
        let name = if name.is_empty() || name.starts_with(']') {
            "value"
        } else {
            name
        };
        let day = chrono_day(index);
        let candidates = [
            format!("{name}-{index}"),
            day.clone(),
            format!("{day}T00:00:00"),
            format!("{day}T00:00:00Z"),
            format!("{:012}", 100_000_000_000 + index),
        ];
        let pattern = schema.get("pattern").and_then(Value::as_str);
        let mut s = match pattern {
            None => candidates[0].clone(),
            Some(p) => candidates
                .iter()
                .find(|c| self.patterns.full_match(p, c))
                .cloned()
                .or_else(|| from_pattern(p).filter(|s| self.patterns.full_match(p, s)))
                .unwrap_or_else(|| candidates[0].clone()),
        };
        if let Some(max) = schema.get("maxLength").and_then(Value::as_u64) {
            s = s
                .chars()
                .take(usize::try_from(max).unwrap_or(usize::MAX))
                .collect();
        }
        let min = schema.get("minLength").and_then(Value::as_u64).unwrap_or(0);
        while (s.chars().count() as u64) < min {
            s.push('x');
        }
        s
    }
}

/// A string that the regular expression `pattern` matches, built by reading it: literals
/// as written, a class as one of its characters (a lower-case letter or a digit where it
/// has one), `\d` as `0`, `.` as `x`, each item repeated the least its quantifier allows
/// (`*` and `?` none, `+` once, `{n,m}` n times), an alternation as its first branch.
/// `None` for what this reading does not know (look-around, negated classes); the caller
/// checks the result against the pattern in any case. This is what gives a schema's
/// `pattern` such as an ARN's a value without the mock knowing any service.
pub(crate) fn from_pattern(pattern: &str) -> Option<String> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut pos = 0;
    let out = pattern_alternation(&chars, &mut pos)?;
    (pos == chars.len()).then_some(out)
}

/// An alternation up to an unmatched `)` or the end: its first branch.
fn pattern_alternation(chars: &[char], pos: &mut usize) -> Option<String> {
    let first = pattern_sequence(chars, pos)?;
    while chars.get(*pos) == Some(&'|') {
        *pos += 1;
        pattern_sequence(chars, pos)?;
    }
    Some(first)
}

/// A sequence of quantified items up to `|`, `)` or the end.
fn pattern_sequence(chars: &[char], pos: &mut usize) -> Option<String> {
    let mut out = String::new();
    while let Some(&c) = chars.get(*pos) {
        if c == '|' || c == ')' {
            break;
        }
        *pos += 1;
        let item = match c {
            '^' | '$' => continue,
            '(' => {
                if chars.get(*pos) == Some(&'?') {
                    // Only non-capturing groups: `(?:`. Look-around and flags are unknown.
                    if chars.get(*pos + 1) != Some(&':') {
                        return None;
                    }
                    *pos += 2;
                }
                let inner = pattern_alternation(chars, pos)?;
                if chars.get(*pos) != Some(&')') {
                    return None;
                }
                *pos += 1;
                inner
            }
            '[' => pattern_class(chars, pos)?.to_string(),
            '\\' => pattern_escape(chars, pos)?.to_string(),
            '.' => "x".to_string(),
            '*' | '+' | '?' | '{' => return None,
            other => other.to_string(),
        };
        let times = pattern_quantifier(chars, pos)?;
        for _ in 0..times {
            out.push_str(&item);
        }
    }
    Some(out)
}

/// How many times the item before `pos` is to be repeated: the least its quantifier
/// allows, but once at least for `+`.
fn pattern_quantifier(chars: &[char], pos: &mut usize) -> Option<usize> {
    let times = match chars.get(*pos) {
        Some('*' | '?') => {
            *pos += 1;
            0
        }
        Some('+') => {
            *pos += 1;
            1
        }
        Some('{') => {
            let close = chars[*pos..].iter().position(|c| *c == '}')? + *pos;
            let inside: String = chars[*pos + 1..close].iter().collect();
            let least = inside.split(',').next()?.trim().parse().ok()?;
            *pos = close + 1;
            least
        }
        _ => return Some(1),
    };
    // A lazy suffix (`*?`) does not change the least count.
    if chars.get(*pos) == Some(&'?') {
        *pos += 1;
    }
    Some(times)
}

/// The character for a class `[...]` whose `[` is just before `pos`.
fn pattern_class(chars: &[char], pos: &mut usize) -> Option<char> {
    if chars.get(*pos) == Some(&'^') {
        return None;
    }
    let mut members: Vec<(char, char)> = Vec::new();
    let mut first = true;
    loop {
        let c = *chars.get(*pos)?;
        *pos += 1;
        if c == ']' && !first {
            break;
        }
        first = false;
        let low = if c == '\\' {
            pattern_escape(chars, pos)?
        } else {
            c
        };
        // A range `a-z`, unless the `-` ends the class.
        if chars.get(*pos) == Some(&'-') && chars.get(*pos + 1).is_some_and(|n| *n != ']') {
            let high = *chars.get(*pos + 1)?;
            *pos += 2;
            members.push((low, high));
        } else {
            members.push((low, low));
        }
    }
    ['a', '0', 'A', 'x', '-', '_']
        .into_iter()
        .find(|c| members.iter().any(|(lo, hi)| lo <= c && c <= hi))
        .or_else(|| members.first().map(|(lo, _)| *lo))
}

/// The character for an escape whose `\` is just before `pos`.
fn pattern_escape(chars: &[char], pos: &mut usize) -> Option<char> {
    let c = *chars.get(*pos)?;
    *pos += 1;
    Some(match c {
        'd' => '0',
        'w' | 'D' | 'S' => 'a',
        's' => ' ',
        'W' => '-',
        'n' => '\n',
        't' => '\t',
        'p' | 'P' | 'b' | 'B' | 'A' | 'z' => return None,
        other => other,
    })
}

/// The enum values of a schema: `enum`, or the first `anyOf` branch with one (the
/// forward-compatible enums are `anyOf: [{enum}, {type: string}]`).
fn enum_values(schema: &Value) -> Option<&Vec<Value>> {
    if let Some(v) = schema.get("enum").and_then(Value::as_array) {
        return Some(v);
    }
    schema
        .get("anyOf")
        .and_then(Value::as_array)?
        .iter()
        .find_map(|b| b.get("enum").and_then(Value::as_array))
}

/// Whether `schema` stands for a shape already being expanded (a recursion).
fn repeats(schema: &Value, refs: &[String]) -> bool {
    refers(schema).is_some_and(|r| refs.iter().any(|x| x == r))
}

/// The `$ref` a schema stands for: its own, or that of a nullable wrapper's branch
/// (`anyOf: [{$ref}, {type: null}]`).
fn refers(schema: &Value) -> Option<&str> {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        return Some(r);
    }
    ["anyOf", "oneOf", "allOf"].iter().find_map(|k| {
        schema
            .get(*k)?
            .as_array()?
            .iter()
            .find_map(|b| b.get("$ref").and_then(Value::as_str))
    })
}

fn types(schema: &Value) -> Vec<&str> {
    match schema.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// `YYYY-MM-DD`, `index` days after 2024-01-01.
fn chrono_day(index: u64) -> String {
    // invariant: 2024-01-01 is a valid date, so `from_ymd_opt` returns `Some`.
    let base = cloudcost_types::chrono::NaiveDate::from_ymd_opt(2024, 1, 1).expect("valid date");
    let day = base
        .checked_add_days(cloudcost_types::chrono::Days::new(index % 36_500))
        .unwrap_or(base);
    day.format("%Y-%m-%d").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `null` in `v`, by path.
    fn nulls(v: &Value, path: &str, out: &mut Vec<String>) {
        match v {
            Value::Null => out.push(path.to_string()),
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    nulls(item, &format!("{path}[{i}]"), out);
                }
            }
            Value::Object(members) => {
                for (k, item) in members {
                    nulls(item, &format!("{path}.{k}"), out);
                }
            }
            _ => {}
        }
    }

    #[test]
    fn a_recursive_shape_stops_at_its_first_repeat_without_nulls() {
        // A filter expression: optional `Not` of itself, a list of itself, a required name;
        // and a chain of required members one level deeper than the recursion.
        let root = json!({
            "type": "object",
            "properties": {"filter": {"$ref": "#/definitions/Expr"}},
            "definitions": {
                "Expr": {
                    "type": "object",
                    "required": ["name"],
                    "properties": {
                        "name": {"type": "string"},
                        "not": {"$ref": "#/definitions/Expr"},
                        "and": {"type": "array", "items": {"$ref": "#/definitions/Expr"}},
                        "byKey": {"type": "object", "additionalProperties": {"$ref": "#/definitions/Expr"}},
                        "leaf": {"$ref": "#/definitions/Leaf"}
                    }
                },
                "Leaf": {"type": "object", "required": ["v"], "properties": {"v": {"type": "integer"}}}
            }
        });
        let patterns = PatternCache::default();
        let v = Synth::new(&root, 3, &patterns).value(&root, "", 0);
        let mut found = Vec::new();
        nulls(&v, "", &mut found);
        assert!(found.is_empty(), "nulls at {found:?} in {v}");
        let filter = &v["filter"];
        assert!(filter["name"].is_string(), "{v}");
        assert!(filter.get("not").is_none(), "{v}");
        assert_eq!(filter["and"], json!([]), "{v}");
        assert_eq!(filter["byKey"], json!({}), "{v}");
        assert!(filter["leaf"]["v"].is_i64(), "{v}");
    }

    #[test]
    fn past_the_depth_limit_only_required_members_are_built() {
        // A chain of 20 distinct shapes, each optionally holding the next and requiring `id`.
        let mut definitions = Map::new();
        for i in 0..20 {
            definitions.insert(
                format!("S{i}"),
                json!({
                    "type": "object",
                    "required": ["id"],
                    "properties": {
                        "id": {"type": "integer"},
                        "next": {"$ref": format!("#/definitions/S{}", i + 1)},
                        "list": {"type": "array", "items": {"type": "integer"}}
                    }
                }),
            );
        }
        definitions.insert("S20".into(), json!({"type": "object", "properties": {}}));
        let root = json!({"$ref": "#/definitions/S0", "definitions": definitions});
        let patterns = PatternCache::default();
        let v = Synth::new(&root, 0, &patterns).value(&root, "", 0);
        let mut depth = 0;
        let mut at = &v;
        while let Some(next) = at.get("next") {
            assert!(at["id"].is_i64(), "{v}");
            depth += 1;
            at = next;
        }
        assert_eq!(depth, MAX_DEPTH, "the chain stops at the limit: {v}");
        assert!(at["id"].is_i64() && at.get("list").is_none(), "{v}");
    }

    #[test]
    fn a_string_is_built_from_a_pattern_no_candidate_matches() {
        // An ARN pattern (Cost Explorer's ResourceName): no service is named here.
        let arn = "arn:aws[-a-z0-9]*:[a-z0-9]+:[-a-z0-9]*:[0-9]{12}:[-a-zA-Z0-9/:_]+";
        assert_eq!(
            from_pattern(arn).as_deref(),
            Some("arn:aws:a::000000000000:a")
        );
        assert_eq!(
            from_pattern(r"^(\d{4}-\d{2})(T\d{2}|Z)?x{2,5}?[.]\.$").as_deref(),
            Some("0000-00xx..")
        );
        // `]` first in a class is a member; `a` is preferred.
        assert_eq!(from_pattern("(?:ab|c)+[]a]").as_deref(), Some("aba"));
        // What the reading does not know gives no value, never a wrong one.
        assert_eq!(from_pattern("^(?! )x$"), None);
        assert_eq!(from_pattern("[^a]"), None);
        assert_eq!(from_pattern("a)"), None);
        assert_eq!(from_pattern("*"), None);

        let root = json!({});
        let patterns = PatternCache::default();
        let synth = Synth::new(&root, 0, &patterns);
        let schema = json!({"type": "string", "pattern": arn, "minLength": 20});
        assert_eq!(
            synth.value(&schema, "Err.ResourceName", 0),
            json!("arn:aws:a::000000000000:a")
        );
        // A candidate that matches still comes first.
        let schema = json!({"type": "string", "pattern": ".*[0-9]{12}.*"});
        assert_eq!(synth.value(&schema, "accountId", 3), json!("100000000003"));
    }
}
