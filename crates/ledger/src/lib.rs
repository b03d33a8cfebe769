//! A billing ledger for the cloudcost mock and its users.
//!
//! (Crate documentation: written below, once the API settles.)

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod check;
mod dims;
mod error;
mod file;
pub mod filter;
mod generate;
mod hash;
mod inspector;
mod items;
mod ledger;
mod org;
mod query;
pub mod reservations;
mod scp;
mod streams;

pub use dims::DIMENSIONS;
pub use error::{LedgerError, QueryError};
pub use filter::{Expr, MatchOption};
pub use generate::Size;
pub use inspector::{AccountTrials, AccountUsage, FreeTrial, UsageTotal};
pub use items::{LineItem, Metric, Metrics, NO_UNIT, USD};
pub use ledger::Ledger;
pub use org::*;
pub use query::{CostAnswer, CostQuery, Granularity, GroupKey, GroupRow, MetricValue, Period};
pub use reservations::{
    Aggregates, UtilizationAnswer, UtilizationGroup, UtilizationPeriod, UtilizationQuery,
};
pub use scp::{ScpQuery, ScpUsage, SCP_SORT_KEYS};
