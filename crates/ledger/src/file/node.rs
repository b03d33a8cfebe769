//! Reading a YAML tree with paths: every value is read through a [`Node`] that knows where
//! it is (`reservations[1].hours`), so every refusal names the place and the reason.

use std::collections::HashSet;

use cloudcost_types::chrono::NaiveDate;
use cloudcost_types::rust_decimal::Decimal;
use serde_yaml::{Mapping, Value};

use crate::error::LedgerError;

/// A value of the file and its path.
#[derive(Clone, Copy)]
pub(crate) struct Node<'a> {
    pub v: &'a Value,
    pub path: &'a str,
}

/// How a found value reads in a message.
pub(crate) fn describe(v: &Value) -> String {
    match v {
        Value::Null => "nothing".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => format!("\"{s}\""),
        Value::Sequence(_) => "a list".into(),
        Value::Mapping(_) => "a mapping".into(),
        Value::Tagged(t) => format!("a value tagged {}", t.tag),
    }
}

pub(crate) fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

impl<'a> Node<'a> {
    pub(crate) fn fail<T>(&self, reason: impl Into<String>) -> Result<T, LedgerError> {
        Err(LedgerError::new(self.path, reason))
    }

    fn expected<T>(&self, what: &str) -> Result<T, LedgerError> {
        self.fail(format!("expected {what}, found {}", describe(self.v)))
    }

    /// A mapping, whose keys are then taken one by one.
    pub(crate) fn map(&self) -> Result<Fields<'a>, LedgerError> {
        match self.v {
            Value::Mapping(m) => Ok(Fields {
                m,
                path: self.path.to_string(),
                taken: HashSet::new(),
            }),
            _ => self.expected("a mapping"),
        }
    }

    /// A list: its items with their paths.
    pub(crate) fn seq(&self) -> Result<Vec<(String, &'a Value)>, LedgerError> {
        match self.v {
            Value::Sequence(s) => Ok(s
                .iter()
                .enumerate()
                .map(|(i, v)| (format!("{}[{i}]", self.path), v))
                .collect()),
            _ => self.expected("a list"),
        }
    }

    /// A text (an integer is taken as its digits, so unquoted ids read).
    pub(crate) fn str(&self) -> Result<String, LedgerError> {
        match self.v {
            Value::String(s) => Ok(s.clone()),
            Value::Number(n) if n.is_u64() || n.is_i64() => Ok(n.to_string()),
            _ => self.expected("a text"),
        }
    }

    /// A list of texts.
    pub(crate) fn strs(&self) -> Result<Vec<String>, LedgerError> {
        self.seq()?
            .iter()
            .map(|(p, v)| Node { v, path: p }.str())
            .collect()
    }

    /// A non-negative whole number.
    pub(crate) fn u64(&self) -> Result<u64, LedgerError> {
        match self.v {
            Value::Number(n) => match n.as_u64() {
                Some(x) => Ok(x),
                None => self.expected("a non-negative number"),
            },
            _ => self.expected("a non-negative number"),
        }
    }

    /// A non-negative whole number that fits 32 bits.
    pub(crate) fn u32(&self) -> Result<u32, LedgerError> {
        let n = self.u64()?;
        u32::try_from(n)
            .or_else(|_| self.fail(format!("expected a number up to {}, found {n}", u32::MAX)))
    }

    /// An exact decimal: a quoted decimal text (which keeps its written digits), an
    /// integer, or an unquoted number of at most 15 significant digits.
    pub(crate) fn decimal(&self) -> Result<Decimal, LedgerError> {
        let text = match self.v {
            Value::String(s) => s.trim().to_string(),
            Value::Number(n) if n.is_f64() => {
                let t = n.to_string();
                let digits = t.chars().filter(char::is_ascii_digit).count();
                let leading = t
                    .trim_start_matches('-')
                    .chars()
                    .take_while(|c| *c == '0' || *c == '.')
                    .filter(char::is_ascii_digit)
                    .count();
                if digits - leading > 15 {
                    return self.fail(format!(
                        "expected a decimal number, found {t}, which an unquoted YAML number cannot hold exactly: quote it (\"{t}\")"
                    ));
                }
                t
            }
            Value::Number(n) => n.to_string(),
            _ => return self.expected("a decimal number"),
        };
        Decimal::from_str_exact(&text)
            .or_else(|_| Decimal::from_scientific(&text))
            .or_else(|_| self.expected("a decimal number"))
    }

    /// A date `YYYY-MM-DD`.
    pub(crate) fn date(&self) -> Result<NaiveDate, LedgerError> {
        match self.v {
            Value::String(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .or_else(|_| self.expected("a date (YYYY-MM-DD)")),
            _ => self.expected("a date (YYYY-MM-DD)"),
        }
    }

    /// A boolean.
    pub(crate) fn bool(&self) -> Result<bool, LedgerError> {
        match self.v {
            Value::Bool(b) => Ok(*b),
            _ => self.expected("true or false"),
        }
    }
}

/// The fields of a mapping, taken by name; [`Fields::done`] refuses the others.
pub(crate) struct Fields<'a> {
    m: &'a Mapping,
    pub path: String,
    taken: HashSet<String>,
}

impl<'a> Fields<'a> {
    /// The path of a field.
    pub(crate) fn at(&self, key: &str) -> String {
        join(&self.path, key)
    }

    /// An optional field (`null` counts as absent).
    pub(crate) fn opt(&mut self, key: &str) -> Option<&'a Value> {
        self.taken.insert(key.to_string());
        self.m.get(key).filter(|v| !v.is_null())
    }

    /// A required field.
    pub(crate) fn req(&mut self, key: &str) -> Result<&'a Value, LedgerError> {
        match self.opt(key) {
            Some(v) => Ok(v),
            None => Err(LedgerError::new(self.at(key), "missing")),
        }
    }

    /// Refuses a field that was not taken, naming what was expected.
    pub(crate) fn done(self) -> Result<(), LedgerError> {
        for k in self.m.keys() {
            let Some(k) = k.as_str() else {
                return Err(LedgerError::new(
                    self.path.clone(),
                    format!("expected text keys, found {}", describe(k)),
                ));
            };
            if !self.taken.contains(k) {
                let mut known: Vec<&str> = self.taken.iter().map(String::as_str).collect();
                known.sort_unstable();
                return Err(LedgerError::new(
                    join(&self.path, k),
                    format!("unknown field (expected one of: {})", known.join(", ")),
                ));
            }
        }
        Ok(())
    }

    /// The mapping's entries in order, for maps keyed by names (tags, metrics).
    pub(crate) fn entries(&self) -> Result<Vec<(String, &'a Value)>, LedgerError> {
        self.m
            .iter()
            .map(|(k, v)| match k {
                Value::String(s) => Ok((s.clone(), v)),
                Value::Number(n) => Ok((n.to_string(), v)),
                _ => Err(LedgerError::new(
                    self.path.clone(),
                    format!("expected text keys, found {}", describe(k)),
                )),
            })
            .collect()
    }
}

/// Reads a required field with `read`.
pub(crate) fn req<'a, T>(
    f: &mut Fields<'a>,
    key: &str,
    read: impl FnOnce(Node<'_>) -> Result<T, LedgerError>,
) -> Result<T, LedgerError> {
    let v = f.req(key)?;
    let path = f.at(key);
    read(Node { v, path: &path })
}

/// Reads an optional field with `read`.
pub(crate) fn opt<'a, T>(
    f: &mut Fields<'a>,
    key: &str,
    read: impl FnOnce(Node<'_>) -> Result<T, LedgerError>,
) -> Result<Option<T>, LedgerError> {
    match f.opt(key) {
        Some(v) => {
            let path = f.at(key);
            read(Node { v, path: &path }).map(Some)
        }
        None => Ok(None),
    }
}

/// Reads every item of a list with `read`.
pub(crate) fn list<T>(
    n: Node<'_>,
    mut read: impl FnMut(Node<'_>) -> Result<T, LedgerError>,
) -> Result<Vec<T>, LedgerError> {
    n.seq()?
        .iter()
        .map(|(p, v)| read(Node { v, path: p }))
        .collect()
}
