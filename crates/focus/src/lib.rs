//! FOCUS 1.2 rows from the cost APIs' pages, and the files they are written to.
//!
//! FOCUS (the FinOps Foundation's FinOps Open Cost and Usage Specification) is one table
//! shape for every cloud's cost. This crate makes a typed [`FocusRow`] from:
//! - AWS Cost Explorer GetCostAndUsage pages ([`aws::convert_page`]), of the queries
//!   [`aws::discovery_request`] and [`aws::record_type_request`] (two group keys are all
//!   Cost Explorer allows, so the record type is a filter, one query per record type);
//! - SCP ListUsages pages ([`scp::convert_page`]), whose `usage_date` is converted from the
//!   response's `timezone` through the IANA zone database.
//!
//! It writes them as CSV ([`CsvWriter`]) or, with the feature `parquet`, Parquet
//! (`ParquetWriter`), into a directory partitioned by billing period ([`Dataset`]).
//! Amounts stay exact [`Decimal`](cloudcost_types::rust_decimal::Decimal)s from the API's
//! text to the file: Parquet `DECIMAL(38, 10)`, CSV the decimal text.
//!
//! A page the converters cannot map is a [`ConvertError`] naming the page, the row, the
//! field and what was expected; [`OnGap::Mark`] writes such rows with the reason in
//! `x_Gap` instead. The mapping, column by column, is in FOCUS.md. No HTTP: the model
//! crates only.

pub mod aws;
mod csv_out;
mod dataset;
mod error;
#[cfg(feature = "parquet")]
mod parquet_out;
mod row;
pub mod scp;
pub mod tables;

pub use csv_out::{cell_text, CsvWriter};
pub use dataset::{Dataset, DatasetError, Format, MAX_OPEN};
pub use error::{ConvertError, Converted, OnGap};
#[cfg(feature = "parquet")]
pub use parquet_out::{unscaled, DecimalError, ParquetWriteError, ParquetWriter, PRECISION, SCALE};
pub use row::{json_schema, Cell, Column, FocusRow, Kind, COLUMNS};
