//! Runtime support for the generated `cloudcost-*-model` crates.
//!
//! Generated code never carries logic of its own beyond what the spec says; every wire
//! rule it relies on lives here, once:
//!
//! - [`wire`]: serde adapters for exact decimals and time types, in each API's wire form;
//! - [`YearMonthDay`]: Cost Explorer's date-or-date-time strings;
//! - [`SortedMap`]: the maps of the generated structures, one allocation each;
//! - [`enums`]: the serde glue of forward-compatible enums;
//! - [`validate`]: the constraint checks behind every generated `validate()`;
//! - [`json`]: decoding that reports the JSON path and byte offset of a failure;
//! - `fast`: the reader behind the generated response decoders, checked against serde.
//!   It is hidden from the docs and outside semver: only generated code calls it, and it
//!   changes with the generator.
//!
//! This crate has no HTTP dependency: model crates stay cheap to compile.
//!
//! ```
//! use cloudcost_types::{from_str, rust_decimal::Decimal, YearMonthDay};
//!
//! #[derive(serde::Deserialize)]
//! struct Amount {
//!     #[serde(rename = "Amount", with = "cloudcost_types::wire::decimal_string")]
//!     amount: Decimal,
//! }
//!
//! // Money is read from its exact text, never through f64.
//! let a: Amount = from_str(r#"{"Amount": "0.1000000000000000055511"}"#).unwrap();
//! assert_eq!(a.amount.to_string(), "0.1000000000000000055511");
//! // A failure names the JSON path and the byte offset.
//! let e = from_str::<Amount>(r#"{"Amount": "ten"}"#).err().unwrap();
//! assert_eq!(e.path, "Amount");
//! assert!("2024-01-01".parse::<YearMonthDay>().is_ok());
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod builder;
pub mod enums;
// Hidden and outside semver: the generated decoders call it from other crates, so it has
// to be `pub`, but its signatures follow the generator, not users.
#[doc(hidden)]
pub mod fast;
pub mod json;
pub mod service_error;
pub mod validate;
pub mod wire;

mod sorted_map;
mod swar;
mod year_month_day;

pub use builder::MissingMember;
pub use json::{from_slice, from_str, DecodeError, DecodeErrorKind, FromJson};
pub use sorted_map::SortedMap;
pub use validate::{Validate, ValidationError, ValidationErrors, Validator};
pub use year_month_day::{ParseYearMonthDayError, YearMonthDay};

/// Re-exported so that generated crates and their users agree on one version.
pub use chrono;
/// Re-exported so that generated crates and their users agree on one version.
pub use compact_str;
/// The string type of every generated structure's members: a `String` that keeps up to 24
/// bytes inline. It derefs to `&str`, compares with `&str` and `String`, and converts from
/// both (`.into()`); `.to_string()` or `String::from` gives a `String`.
pub use compact_str::CompactString;
/// Re-exported: [`SortedMap`] derefs to its `LiteMap`.
pub use litemap;
/// Re-exported so that generated crates and their users agree on one version.
pub use rust_decimal;
