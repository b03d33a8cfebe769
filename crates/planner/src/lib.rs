//! Know the bill before you pay it: what a cost query will send and cost, and a budget
//! that stops a billable run at its limit. No HTTP, and no I/O outside [`cache`]: the CLI
//! (and any program) hands it the facts of the spec and the request, and asks it before
//! each request.
//!
//! - [`Price`]: what one request costs, read from the spec's
//!   `x-cloudcost-service.billing` (Cost Explorer: `0.01` USD; free services have none).
//!   Never a constant in code: the caller passes the spec's strings.
//! - [`Budget`]: `max_requests` and `max_cost`, and how many requests they allow at a
//!   price; [`Budget::default_for`] is the command line's default for billable operations
//!   ([`DEFAULT_MAX_COST`] in the service's currency).
//! - [`Meter`]: counts the requests of a run and says when the next would exceed the
//!   budget.
//! - [`Plan`]: the requests a query will send, each with its [`Pages`] (at least, at most
//!   when known) and [`Period`], and their cost bounds.
//! - [`cache`]: a store of closed periods on disk (the one module here that does I/O);
//! - [`groups`]: queries with more than two groupings, split into requests of two and
//!   joined back into rows carrying every key;
//! - [`period`]: date presets (`last-month`, `month-to-date`, `last-7-days`,
//!   `last-N-days`, `this-year`) resolved against a [`Clock`], to periods whose end is
//!   exclusive, as every cost API's is.
//!
//! The client libraries' own limits are unchanged by this crate: a page stream stops at
//! `cloudcost_runtime::Config`'s `max_pages` (10,000 by default); a budget is a stricter
//! bound that the caller applies between pages.

#![forbid(unsafe_code)]

mod budget;
pub mod cache;
pub mod groups;
pub mod period;
mod plan;

pub use budget::{Budget, BudgetError, Meter, Price, DEFAULT_MAX_COST};
pub use period::{Clock, FixedClock, Period, Preset, SystemClock};
pub use plan::{Pages, Plan, PlannedRequest};
