//! Runtime support for the generated `cloudcost-*-model` crates.
//!
//! Generated code never carries logic of its own beyond what the spec says; every wire
//! rule it relies on lives here, once:
//!
//! - [`wire`]: serde adapters for exact decimals and time types, in each API's wire form;
//! - [`YearMonthDay`]: Cost Explorer's date-or-date-time strings;
//! - [`enums`]: the serde glue of forward-compatible enums;
//! - [`validate`]: the constraint checks behind every generated `validate()`;
//! - [`json`]: decoding that reports the JSON path and byte offset of a failure.
//!
//! This crate has no HTTP dependency: model crates stay cheap to compile.

mod builder;
pub mod enums;
pub mod json;
pub mod validate;
pub mod wire;

mod year_month_day;

pub use builder::MissingMember;
pub use json::{from_slice, from_str, DecodeError, DecodeErrorKind};
pub use validate::{Validate, ValidationError, ValidationErrors, Validator};
pub use year_month_day::{ParseYearMonthDayError, YearMonthDay};

/// Re-exported so that generated crates and their users agree on one version.
pub use chrono;
/// Re-exported so that generated crates and their users agree on one version.
pub use rust_decimal;
