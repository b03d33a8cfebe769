//! A billing ledger: one organisation and its line items, and the meaning of the cost
//! queries over it. The mock answers every cost operation from a ledger; a cost planner
//! and exporters read the same answers. No HTTP, no I/O: a pure library.
//!
//! # The ledger
//!
//! A [`Ledger`] bills an [`Organisation`] (a payer and linked accounts, services with
//! usage types, units and prices, regions, cost allocation tags, cost categories,
//! reservations, Savings Plans, an Inspector model and the SCP side) over a [`Calendar`].
//! It is made either
//! - from a seed: [`Ledger::generate`] (an organisation drawn from a catalog, of a
//!   [`Size`]) or [`Ledger::from_organisation`] (a given one); the items are a pure
//!   function of the seed, the organisation and the day, never stored, so
//!   [`Ledger::items_on`] computes any day alone and memory stays flat however long the
//!   calendar;
//! - from explicit daily items: [`Ledger::with_items`];
//! - from a ledger file: [`Ledger::from_yaml`] (either of the above, see below), and
//!   written back with [`Ledger::to_yaml`].
//!
//! Every [`LineItem`] carries every Cost Explorer metric ([`Metric`]) as an exact
//! [`Decimal`](cloudcost_types::rust_decimal::Decimal) with its unit: money in `USD` with
//! 10 fraction digits, quantities in the usage type's unit with 6, so every sum is exact.
//! What the generator makes, per record type:
//! - `Usage`: a quantity per day (the usage type's typical quantity, varied by a trend,
//!   the weekend and noise; whole hours for `Hrs`), priced on demand; Blended, Unblended
//!   and AmortizedCost are that price, the Net costs are after the organisation's
//!   `discount_rate`; NormalizedUsageAmount is the quantity × the normalization factor;
//! - `DiscountedUsage`: the hours a reservation covered; no unblended cost, amortized at
//!   the reservation's effective rate (upfront + recurring per hour);
//! - `RIFee`: the purchased hours; the recurring fee (and the whole upfront fee on the
//!   reservation's first day) as unblended cost, the unused hours at the effective rate
//!   as amortized cost, so a reservation's amortized cost is its fee spread over its hours;
//! - `SavingsPlanRecurringFee`: a plan's daily commitment;
//! - `Tax` (the first of each month, region `NoRegion`), `Credit` (a promotional credit
//!   over the first 90 days) and `Refund` (about one day in forty): money only, credits
//!   and refunds negative, no usage, not discounted.
//!
//! [`Ledger::items_in_hour`] gives hourly items for the last `hourly_days` of the calendar,
//! split from the daily ones so the hours of a day add up exactly to the day, key by key.
//!
//! # Queries
//!
//! One meaning per operation, which every user shares:
//! - [`Ledger::cost_and_usage`] (GetCostAndUsage): a [`CostQuery`] gives periods exactly
//!   covering `[start, end)` at the granularity, the requested metrics only, groups by up
//!   to two [`GroupKey`]s (`key$value` for tags and cost categories, `key$` when absent),
//!   the [`Expr`] filter (see [`filter`] for the match options), and `estimated` from the
//!   calendar's close. [`Ledger::matches`], [`Ledger::dimension_value`] (see
//!   [`DIMENSIONS`]) and [`Ledger::account_attributes`] are the same rules, public.
//! - [`Ledger::reservation_utilization`] (GetReservationUtilization): see
//!   [`reservations`] for how every aggregate follows from the subscriptions.
//! - [`Ledger::usage_totals`] and [`Ledger::free_trials`] (Inspector2 ListUsageTotals and
//!   BatchGetFreeTrialInfo): the Inspector model is described on [`InspectorAccount`].
//! - [`Ledger::scp_usages`] (SCP ListUsages): see [`ScpQuery`] and [`ScpUsage`].
//!
//! A query the ledger refuses gets a [`QueryError`] naming the request member
//! (`Metrics[1]`, `GroupBy[0].Key`, `TimePeriod.End`, ...), for the service's own
//! validation error. Answers are whole: paging is the caller's.
//!
//! ```
//! use cloudcost_ledger::{CostQuery, Granularity, GroupKey, Ledger, Size};
//!
//! let ledger = Ledger::generate(42, Size::default());
//! let answer = ledger
//!     .cost_and_usage(&CostQuery {
//!         start: "2024-01-15".parse()?,
//!         end: "2024-03-10".parse()?,
//!         granularity: Granularity::Monthly,
//!         metrics: vec!["UnblendedCost".into()],
//!         group_by: vec![GroupKey::Dimension("SERVICE".into())],
//!         filter: None,
//!     })?;
//! assert_eq!(answer.periods.len(), 3);
//! assert_eq!(answer.periods[0].start_text(), "2024-01-15");
//! assert_eq!(answer.periods[0].end_text(), "2024-02-01");
//! // Groups sum exactly; `total` is empty when grouped, as Cost Explorer sends it.
//! assert!(answer.periods[0].total.is_empty());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # The ledger file
//!
//! YAML, read by [`Ledger::from_yaml`] (`cloudcost mock --ledger org.yaml`) and written by
//! [`Ledger::to_yaml`]; `crates/ledger/examples/org.yaml` (items from a seed) and
//! `examples/items.yaml` (explicit items) are complete examples. Decimals are best quoted
//! (`"0.0416"`): a quoted decimal keeps exactly the digits written; an unquoted number is
//! accepted with at most 15 significant digits. Dates are `YYYY-MM-DD`; ids are best
//! quoted too (`"012345678901"`). Unknown fields are refused. The top-level fields:
//!
//! | field | meaning |
//! |---|---|
//! | `format` | `1` (optional) |
//! | `calendar` | `start`, `end` (exclusive), `close` (default `end`: nothing estimated), `hourly_days` (default 14) |
//! | `generate` | `seed`: the items are generated from it and the organisation; or else |
//! | `items` | explicit daily items (exactly one of `generate` and `items`) |
//! | `payer`, `accounts` | `{id, name}`: 12-digit ids, unique |
//! | `discount_rate` | the enterprise discount of the Net costs, from 0 to 1 (default 0) |
//! | `regions` | AWS regions (at least one) |
//! | `services` | `name` (Cost Explorer's display name), `code`, `global` (default false), `usage_types` |
//! | `tags` | `{key, values}`: cost allocation tag keys (the generator draws values; an item may lack a tag) |
//! | `cost_categories` | `name`, `rules` (`value`, one of `dimension` (see [`DIMENSIONS`]) or `tag`, `values`: the first rule that matches), `default` (none: the category is absent) |
//! | `reservations` | `id`, `account`, `service`, `usage_type` (without region prefix), `region`, `instances`, `hours` (purchased per day, default instances × 24), `start`, `end` (exclusive), `offering`, `payment`, `upfront_hourly`, `recurring_hourly`, `utilization` (the generator's typical share used, default 1) |
//! | `savings_plans` | `id`, `account`, `commitment_hourly`, `start`, `end` |
//! | `inspector` | `account`, `enabled` (date), `agentless_instances`, `lambda_functions`, `lambda_code_functions`, `ecr_images`, `ecr_rescans` |
//! | `scp` | `timezone` (default `Asia/Seoul`), `usd_per_krw`, `accounts`, `regions`, `contracts` (`id`, `account`), `billing_items` (`id`, `service_category`, `product_code`), `resources` (`id`, `name`, `account`, `billing_item`, `region`, `contract`, `order_status` (default `04`), `daily_krw`, optional `start`, `end`) |
//!
//! A usage type: `name`, `unit`, `price` (USD per unit), and optionally `daily_quantity`
//! (the generator's typical quantity a day; without one it generates no usage of it),
//! `group`, `operation`, `instance_type`, `platform`, `tenancy`, `database_engine`,
//! `normalization_factor`. In items a regional usage type carries its region's prefix
//! (`USW2-BoxUsage:m5.large`, none in us-east-1; see [`region_prefix`]).
//!
//! An explicit item: `day`, `account` (known), `service`, `region`, `usage_type`,
//! `record_type` (one of [`RECORD_TYPES`]), optional `tags` (a mapping), `reservation`
//! (the subscription a DiscountedUsage item used: reservation utilization counts these),
//! `unit` (default the usage type's, else `N/A`) and `metrics` (metric name → amount;
//! absent metrics are zero). Items of the same key and day add up; cost categories come
//! from the rules.
//!
//! A refusal names the path inside the file and the reason, as
//! `reservations[1].hours: expected a non-negative number, found -3` ([`LedgerError`]).

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod catalog;
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
