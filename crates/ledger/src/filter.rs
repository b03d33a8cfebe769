//! Filter expressions: Cost Explorer's `Expression` (And, Or, Not, Dimensions, Tags,
//! CostCategories with their MatchOptions), checked once and evaluated the same way for
//! every user.
//!
//! Meaning of the match options, applied to the item's value `v` of the key and the
//! expression's `values`:
//! - none given: `EQUALS` and `CASE_SENSITIVE`, as documented;
//! - `EQUALS`, `STARTS_WITH`, `ENDS_WITH`, `CONTAINS`: `v` equals, starts with, ends with
//!   or contains one of `values`; several of these match if any does;
//! - `ABSENT` (tags and cost categories only): the item lacks the key; with other options
//!   too, an item matches if it lacks the key or matches them;
//! - `CASE_INSENSITIVE` compares in lower case; `CASE_SENSITIVE` is the default, and both
//!   together are refused.
//!
//! An item without the tag (or cost category) matches no value, only `ABSENT`. Every
//! dimension has a value for every item (see [`crate::DIMENSIONS`]).

use crate::error::QueryError;

/// How an expression's values are matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MatchOption {
    /// The value equals one of the values.
    Equals,
    /// The item lacks the tag or cost category.
    Absent,
    /// The value starts with one of the values.
    StartsWith,
    /// The value ends with one of the values.
    EndsWith,
    /// The value contains one of the values.
    Contains,
    /// Compare exactly (the default).
    CaseSensitive,
    /// Compare in lower case.
    CaseInsensitive,
}

impl MatchOption {
    /// The option as Cost Explorer spells it (`EQUALS`, `STARTS_WITH`, ...).
    pub fn name(self) -> &'static str {
        match self {
            MatchOption::Equals => "EQUALS",
            MatchOption::Absent => "ABSENT",
            MatchOption::StartsWith => "STARTS_WITH",
            MatchOption::EndsWith => "ENDS_WITH",
            MatchOption::Contains => "CONTAINS",
            MatchOption::CaseSensitive => "CASE_SENSITIVE",
            MatchOption::CaseInsensitive => "CASE_INSENSITIVE",
        }
    }

    /// The option of a name as Cost Explorer spells it.
    pub fn from_name(name: &str) -> Option<MatchOption> {
        [
            MatchOption::Equals,
            MatchOption::Absent,
            MatchOption::StartsWith,
            MatchOption::EndsWith,
            MatchOption::Contains,
            MatchOption::CaseSensitive,
            MatchOption::CaseInsensitive,
        ]
        .into_iter()
        .find(|o| o.name() == name)
    }
}

/// A filter expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    /// Every nested expression matches.
    And(Vec<Expr>),
    /// At least one nested expression matches.
    Or(Vec<Expr>),
    /// The nested expression does not match.
    Not(Box<Expr>),
    /// A dimension (`LINKED_ACCOUNT`, `SERVICE`, ...) has one of the values.
    Dimension {
        /// The dimension name.
        key: String,
        /// The values.
        values: Vec<String>,
        /// How to match (empty: EQUALS, CASE_SENSITIVE).
        match_options: Vec<MatchOption>,
    },
    /// A cost allocation tag has one of the values (or is absent, with ABSENT).
    Tag {
        /// The tag key.
        key: String,
        /// The values.
        values: Vec<String>,
        /// How to match.
        match_options: Vec<MatchOption>,
    },
    /// A cost category has one of the values (or is absent, with ABSENT).
    CostCategory {
        /// The cost category name.
        key: String,
        /// The values.
        values: Vec<String>,
        /// How to match.
        match_options: Vec<MatchOption>,
    },
}

/// What an expression is evaluated on: a line item, a reservation.
pub(crate) trait Subject {
    /// The value of a dimension (`None`: the subject does not have it).
    fn dimension(&self, key: &str) -> Option<String>;
    /// The value of a tag.
    fn tag(&self, key: &str) -> Option<&str>;
    /// The value of a cost category.
    fn cost_category(&self, name: &str) -> Option<&str>;
}

/// Whether `subject` matches `e`.
pub(crate) fn eval<S: Subject + ?Sized>(subject: &S, e: &Expr) -> bool {
    match e {
        Expr::And(es) => es.iter().all(|e| eval(subject, e)),
        Expr::Or(es) => es.iter().any(|e| eval(subject, e)),
        Expr::Not(e) => !eval(subject, e),
        Expr::Dimension {
            key,
            values,
            match_options,
        } => value_matches(subject.dimension(key).as_deref(), values, match_options),
        Expr::Tag {
            key,
            values,
            match_options,
        } => value_matches(subject.tag(key), values, match_options),
        Expr::CostCategory {
            key,
            values,
            match_options,
        } => value_matches(subject.cost_category(key), values, match_options),
    }
}

/// Whether a value (or its absence) matches `values` under `options`.
pub(crate) fn value_matches(
    value: Option<&str>,
    values: &[String],
    options: &[MatchOption],
) -> bool {
    let absent = options.contains(&MatchOption::Absent);
    let Some(v) = value else {
        return absent;
    };
    let insensitive = options.contains(&MatchOption::CaseInsensitive);
    let mut modes = options.iter().copied().filter(|o| {
        matches!(
            o,
            MatchOption::Equals
                | MatchOption::StartsWith
                | MatchOption::EndsWith
                | MatchOption::Contains
        )
    });
    let compare = |mode: MatchOption| {
        values.iter().any(|x| {
            let (v, x) = if insensitive {
                (v.to_lowercase(), x.to_lowercase())
            } else {
                (v.to_string(), x.clone())
            };
            match mode {
                MatchOption::StartsWith => v.starts_with(&x),
                MatchOption::EndsWith => v.ends_with(&x),
                MatchOption::Contains => v.contains(&x),
                _ => v == x,
            }
        })
    };
    let mut any_mode = false;
    let matched = modes.any(|m| {
        any_mode = true;
        compare(m)
    });
    if matched {
        return true;
    }
    // Without a comparing option (only ABSENT or case options), ABSENT alone compares
    // nothing; case options alone mean EQUALS.
    !any_mode && !absent && compare(MatchOption::Equals)
}

/// Checks an expression before it is evaluated: known dimensions, sensible options, no
/// empty And/Or. `path` is the member path of `e` (`Filter`, `Filter.And[1]`, ...).
pub(crate) fn check(
    e: &Expr,
    path: &str,
    known_dimension: &dyn Fn(&str) -> bool,
) -> Result<(), QueryError> {
    let options = |kind: &str, key_ok: bool, key: &str, opts: &[MatchOption], absent_ok: bool| {
        if !key_ok {
            return Err(QueryError::new(
                format!("{path}.{kind}.Key"),
                format!(
                    "unknown dimension `{key}` (known: {})",
                    crate::DIMENSIONS.join(", ")
                ),
            ));
        }
        if !absent_ok && opts.contains(&MatchOption::Absent) {
            return Err(QueryError::new(
                format!("{path}.{kind}.MatchOptions"),
                "ABSENT applies to tags and cost categories, not to dimensions",
            ));
        }
        if opts.contains(&MatchOption::CaseSensitive)
            && opts.contains(&MatchOption::CaseInsensitive)
        {
            return Err(QueryError::new(
                format!("{path}.{kind}.MatchOptions"),
                "CASE_SENSITIVE and CASE_INSENSITIVE cannot be given together",
            ));
        }
        Ok(())
    };
    match e {
        Expr::And(es) | Expr::Or(es) => {
            let kind = if matches!(e, Expr::And(_)) {
                "And"
            } else {
                "Or"
            };
            if es.is_empty() {
                return Err(QueryError::new(
                    format!("{path}.{kind}"),
                    "must hold at least one expression",
                ));
            }
            es.iter()
                .enumerate()
                .try_for_each(|(i, e)| check(e, &format!("{path}.{kind}[{i}]"), known_dimension))
        }
        Expr::Not(e) => check(e, &format!("{path}.Not"), known_dimension),
        Expr::Dimension {
            key, match_options, ..
        } => options(
            "Dimensions",
            known_dimension(key),
            key,
            match_options,
            false,
        ),
        Expr::Tag {
            key, match_options, ..
        } => options("Tags", true, key, match_options, true),
        Expr::CostCategory {
            key, match_options, ..
        } => options("CostCategories", true, key, match_options, true),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use MatchOption::*;

    fn m(v: Option<&str>, values: &[&str], opts: &[MatchOption]) -> bool {
        let values: Vec<String> = values.iter().map(|s| s.to_string()).collect();
        value_matches(v, &values, opts)
    }

    #[test]
    fn match_options_mean_what_the_docs_say() {
        assert!(m(Some("Prod"), &["Prod"], &[]));
        assert!(!m(Some("prod"), &["Prod"], &[]));
        assert!(m(Some("prod"), &["Prod"], &[CaseInsensitive]));
        assert!(m(Some("prod"), &["Prod"], &[Equals, CaseInsensitive]));
        assert!(!m(None, &["Prod"], &[]));
        assert!(m(None, &[], &[Absent]));
        assert!(!m(Some("Prod"), &[], &[Absent]));
        assert!(m(None, &["Prod"], &[Absent, Equals]));
        assert!(m(Some("Prod"), &["Prod"], &[Absent, Equals]));
        assert!(m(Some("Production"), &["Prod"], &[StartsWith]));
        assert!(!m(Some("Production"), &["Prod"], &[EndsWith]));
        assert!(m(Some("Production"), &["tion"], &[EndsWith]));
        assert!(m(
            Some("Production"),
            &["DUC"],
            &[Contains, CaseInsensitive]
        ));
        assert!(!m(Some("Production"), &["DUC"], &[Contains]));
        assert!(m(Some("x"), &["y", "x"], &[Equals]));
    }
}
