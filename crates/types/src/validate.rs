//! The constraint checks behind every generated `validate()`.
//!
//! Generated code walks a request and calls one [`Validator`] method per constraint in the
//! spec; the validator keeps the path in wire names and collects every violation instead
//! of stopping at the first, so a user sees all that is wrong at once.

use std::fmt;
use std::sync::OnceLock;

use chrono::{Datelike, Days, Months, NaiveDate};
use regex_lite::Regex;
use rust_decimal::Decimal;

/// How deep a request may nest (e.g. `Expression.Not.Not...`) before validation stops
/// descending. Far beyond any real filter; it exists so that a hostile or runaway value
/// cannot overflow the stack.
pub const MAX_DEPTH: usize = 64;

/// One violated constraint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidationError {
    /// Path of the offending value in wire names, e.g. `accountIds[3]`.
    pub path: String,
    /// What the spec requires, e.g. `must match [0-9]{12}`.
    pub message: String,
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// Every constraint a value violates (never empty).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidationErrors {
    /// The violations, in the order the fields were visited.
    pub errors: Vec<ValidationError>,
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} invalid field(s): ", self.errors.len())?;
        for (i, e) in self.errors.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationErrors {}

/// Implemented by every generated structure.
pub trait Validate {
    /// Checks this value's constraints, reporting into `v` at its current path.
    fn validate_into(&self, v: &mut Validator);

    /// Checks every constraint and returns all violations. Rules about today (how far
    /// back a period may start) need a clock and are checked by [`Validate::validate_at`].
    fn validate(&self) -> Result<(), ValidationErrors> {
        let mut v = Validator::default();
        self.validate_into(&mut v);
        v.finish()
    }

    /// As [`Validate::validate`], and the rules about today (the spec's `lookback` and
    /// `notFuture` rules) against `today`, the caller's clock (a UTC date).
    fn validate_at(&self, today: NaiveDate) -> Result<(), ValidationErrors> {
        let mut v = Validator::at(today);
        self.validate_into(&mut v);
        v.finish()
    }
}

/// How far from today a date may lie (the spec's `lookback` and `notFuture` rules).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reach {
    /// No earlier than today minus this many days.
    Days(u32),
    /// No earlier than the first day of the month this many months before the current
    /// one ("the current month and up to the previous N months").
    Months(u32),
    /// No later than today.
    NotFuture,
}

impl Reach {
    /// Whether `date` lies within reach of `today`.
    pub fn admits(self, today: NaiveDate, date: NaiveDate) -> bool {
        match self {
            Reach::Days(days) => today
                .checked_sub_days(Days::new(u64::from(days)))
                .is_none_or(|earliest| date >= earliest),
            Reach::Months(months) => today
                .with_day(1)
                .and_then(|first| first.checked_sub_months(Months::new(months)))
                .is_none_or(|earliest| date >= earliest),
            Reach::NotFuture => date <= today,
        }
    }
}

impl<T: Validate + ?Sized> Validate for Box<T> {
    fn validate_into(&self, v: &mut Validator) {
        (**self).validate_into(v)
    }
}

/// A regex pattern from the spec, compiled on first use.
///
/// Patterns run with regex-lite, which has no Unicode tables: the generator writes a
/// pattern's Unicode property classes (`\p{L}`) out as code-point ranges
/// ([`Pattern::with_expansion`]), which regex-lite matches exactly. Perl classes (`\d`,
/// `\w`, `\s`) are ASCII, as `\d` and `\w` are in ECMA-262, the dialect of OpenAPI and
/// JSON Schema patterns.
pub struct Pattern {
    source: &'static str,
    compiled_from: &'static str,
    compiled: OnceLock<Result<Regex, String>>,
}

impl Pattern {
    /// A pattern; `source` is the spec's pattern (unanchored, like Smithy and JSON Schema).
    pub const fn new(source: &'static str) -> Self {
        Self::with_expansion(source, source)
    }

    /// The spec's pattern `source`, matched as `expanded`: the same pattern with its
    /// Unicode property classes written out as ranges. Messages show `source`.
    pub const fn with_expansion(source: &'static str, expanded: &'static str) -> Self {
        Self {
            source,
            compiled_from: expanded,
            compiled: OnceLock::new(),
        }
    }

    /// The pattern as written in the spec.
    pub fn source(&self) -> &'static str {
        self.source
    }

    fn regex(&self) -> Result<&Regex, &str> {
        self.compiled
            .get_or_init(|| Regex::new(self.compiled_from).map_err(|e| e.to_string()))
            .as_ref()
            .map_err(String::as_str)
    }
}

/// Collects violations while generated code walks a value.
#[derive(Debug, Default)]
pub struct Validator {
    path: String,
    depth: usize,
    errors: Vec<ValidationError>,
    today: Option<NaiveDate>,
}

impl Validator {
    /// A validator that also checks the rules about today, against `today`.
    pub fn at(today: NaiveDate) -> Validator {
        Validator {
            today: Some(today),
            ..Validator::default()
        }
    }

    /// The clock's date, when this validator checks the rules about today.
    pub fn today(&self) -> Option<NaiveDate> {
        self.today
    }

    /// The date rule of a request member (`x-cloudcost-rules` `lookback`, `notFuture`):
    /// with a date to check against, fails `member.inner` with `message` when `date` is out
    /// of `reach`; without one (plain `validate()`), checks nothing.
    pub fn reach(
        &mut self,
        reach: Reach,
        date: NaiveDate,
        member: &str,
        inner: &str,
        message: &str,
    ) {
        let Some(today) = self.today else {
            return;
        };
        if !reach.admits(today, date) {
            self.field(member, |v| v.field(inner, |v| v.fail(message)));
        }
    }

    /// Runs `f` with `.name` appended to the path.
    pub fn field(&mut self, name: &str, f: impl FnOnce(&mut Self)) {
        let len = self.path.len();
        if !self.path.is_empty() {
            self.path.push('.');
        }
        self.path.push_str(name);
        self.descend(f);
        self.path.truncate(len);
    }

    /// Runs `f` with `[index]` appended to the path.
    pub fn index(&mut self, index: usize, f: impl FnOnce(&mut Self)) {
        use fmt::Write;
        let len = self.path.len();
        let _ = write!(self.path, "[{index}]");
        self.descend(f);
        self.path.truncate(len);
    }

    /// Runs `f` with `["key"]` appended to the path (a map entry).
    pub fn key(&mut self, key: &str, f: impl FnOnce(&mut Self)) {
        use fmt::Write;
        let len = self.path.len();
        let _ = write!(self.path, "[{key:?}]");
        self.descend(f);
        self.path.truncate(len);
    }

    fn descend(&mut self, f: impl FnOnce(&mut Self)) {
        if self.depth >= MAX_DEPTH {
            self.fail(format!("nested deeper than {MAX_DEPTH} levels"));
            return;
        }
        self.depth += 1;
        f(self);
        self.depth -= 1;
    }

    /// Records a violation at the current path.
    pub fn fail(&mut self, message: impl Into<String>) {
        self.errors.push(ValidationError {
            path: self.path.clone(),
            message: message.into(),
        });
    }

    /// String length in characters (Unicode scalar values, as Smithy counts).
    pub fn length(&mut self, value: &str, min: Option<u64>, max: Option<u64>) {
        let len = value.chars().count() as u64;
        self.bounds("length", len, min, max);
    }

    /// Number of items in a list or entries in a map.
    pub fn count(&mut self, len: usize, min: Option<u64>, max: Option<u64>) {
        self.bounds("number of items", len as u64, min, max);
    }

    fn bounds(&mut self, what: &str, n: u64, min: Option<u64>, max: Option<u64>) {
        if let Some(min) = min.filter(|m| n < *m) {
            self.fail(format!("{what} must be at least {min}, got {n}"));
        }
        if let Some(max) = max.filter(|m| n > *m) {
            self.fail(format!("{what} must be at most {max}, got {n}"));
        }
    }

    /// Integer range, inclusive.
    pub fn range(&mut self, value: i64, min: Option<i64>, max: Option<i64>) {
        if let Some(min) = min.filter(|m| value < *m) {
            self.fail(format!("must be at least {min}, got {value}"));
        }
        if let Some(max) = max.filter(|m| value > *m) {
            self.fail(format!("must be at most {max}, got {value}"));
        }
    }

    /// Decimal range, inclusive.
    pub fn decimal_range(&mut self, value: &Decimal, min: Option<Decimal>, max: Option<Decimal>) {
        if let Some(min) = min.filter(|m| value < m) {
            self.fail(format!("must be at least {min}, got {value}"));
        }
        if let Some(max) = max.filter(|m| value > m) {
            self.fail(format!("must be at most {max}, got {value}"));
        }
    }

    /// The value must contain a match of `pattern` (anchors in the pattern make it whole).
    pub fn pattern(&mut self, value: &str, pattern: &Pattern) {
        match pattern.regex() {
            Ok(re) if re.is_match(value) => {}
            Ok(_) => self.fail(format!("must match {}", pattern.source)),
            Err(e) => self.fail(format!("pattern {} does not compile: {e}", pattern.source)),
        }
    }

    /// Ok if nothing was recorded, else every violation.
    pub fn finish(self) -> Result<(), ValidationErrors> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(ValidationErrors {
                errors: self.errors,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reaches_count_days_months_and_today() {
        let day = |t: &str| NaiveDate::parse_from_str(t, "%Y-%m-%d").unwrap();
        let today = day("2024-03-15");
        assert!(Reach::Days(14).admits(today, day("2024-03-01")));
        assert!(!Reach::Days(14).admits(today, day("2024-02-29")));
        // The current month and the previous 13: from the first of February a year before.
        assert!(Reach::Months(13).admits(today, day("2023-02-01")));
        assert!(!Reach::Months(13).admits(today, day("2023-01-31")));
        assert!(Reach::NotFuture.admits(today, today));
        assert!(!Reach::NotFuture.admits(today, day("2024-03-16")));
        let mut v = Validator::at(today);
        assert_eq!(v.today(), Some(today));
        v.fail("x");
        assert!(Validator::default().today().is_none());
    }

    static DIGITS: Pattern = Pattern::new("[0-9]{12}");

    #[test]
    fn collects_every_violation_with_paths() {
        let mut v = Validator::default();
        v.field("accountIds", |v| {
            v.count(2, Some(1), Some(1));
            for (i, id) in ["123456789012", "nope"].iter().enumerate() {
                v.index(i, |v| v.pattern(id, &DIGITS));
            }
        });
        v.field("maxResults", |v| v.range(0, Some(1), Some(500)));
        let errs = v.finish().unwrap_err();
        let lines: Vec<String> = errs.errors.iter().map(ToString::to_string).collect();
        assert_eq!(
            lines,
            [
                "accountIds: number of items must be at most 1, got 2",
                "accountIds[1]: must match [0-9]{12}",
                "maxResults: must be at least 1, got 0",
            ]
        );
    }

    #[test]
    fn depth_is_bounded() {
        fn nest(v: &mut Validator, n: usize) {
            if n > 0 {
                v.field("Not", |v| nest(v, n - 1));
            }
        }
        let mut v = Validator::default();
        nest(&mut v, 10_000);
        let errs = v.finish().unwrap_err();
        assert_eq!(errs.errors.len(), 1);
        assert!(errs.errors[0].message.contains("nested deeper"));
    }
}
