//! The two errors of the crate: a ledger that cannot be loaded ([`LedgerError`], with the
//! path inside the file) and a query the ledger refuses ([`QueryError`], with the request
//! member at fault, which a server turns into its service's validation error).

use thiserror::Error;

/// A ledger file (or organisation) that cannot be loaded: where, and why.
///
/// `path` is the place inside the file, as `reservations[1].hours` (empty for the file as
/// a whole, such as a YAML syntax error); the message reads `path: reason`.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{}{reason}", if path.is_empty() { String::new() } else { format!("{path}: ") })]
pub struct LedgerError {
    /// The path inside the file: keys joined by `.`, list positions as `[n]`.
    pub path: String,
    /// What is wrong there.
    pub reason: String,
}

impl LedgerError {
    pub(crate) fn new(path: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            reason: reason.into(),
        }
    }
}

/// A query the ledger cannot answer: the request member at fault (`Metrics[1]`,
/// `GroupBy[0].Key`, `TimePeriod.End`, `Filter.And[1].Dimensions.Key`, `sort`, ...) and
/// why. The message reads `member: reason`.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{member}: {message}")]
pub struct QueryError {
    /// The request member, spelled as the service's request spells it.
    pub member: String,
    /// What is wrong with it.
    pub message: String,
}

impl QueryError {
    pub(crate) fn new(member: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            member: member.into(),
            message: message.into(),
        }
    }
}
