//! Serde adapters that give generated fields plain Rust types (`Decimal`, `DateTime<Utc>`,
//! `NaiveDate`, `NaiveDateTime`) while keeping each API's wire form.
//!
//! Generated code uses them as `#[serde(with = "::cloudcost_types::wire::decimal_string")]`,
//! or the `::option` submodule for an optional field.
//!
//! Numbers are read from the raw JSON text (through `serde_json::value::RawValue`) rather
//! than through `f64`, so that a 34-digit number keeps every digit `Decimal` can hold. A
//! value with more digits than `Decimal`'s 28-29 significant digits is rounded (half to
//! even on the last kept digit), never rejected.

use std::borrow::Cow;
use std::fmt::Display;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use rust_decimal::Decimal;
use serde::de::Error as _;
use serde::ser::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;

/// One wire representation of one Rust type.
pub trait Codec {
    /// The Rust type users see.
    type Value;
    /// Writes `value` in the wire form.
    fn encode<S: Serializer>(value: &Self::Value, serializer: S) -> Result<S::Ok, S::Error>;
    /// Reads the wire form (and, where documented, the lenient alternatives).
    fn decode<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self::Value, D::Error>;
}

/// Lets `Option<T>` reuse a [`Codec`] through serde's own `Option` handling (`null` is `None`).
struct Decoded<C: Codec>(C::Value);

impl<'de, C: Codec> Deserialize<'de> for Decoded<C> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        C::decode(deserializer).map(Decoded)
    }
}

#[doc(hidden)]
pub fn encode_option<C: Codec, S: Serializer>(
    value: &Option<C::Value>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match value {
        Some(value) => C::encode(value, serializer),
        None => serializer.serialize_none(),
    }
}

#[doc(hidden)]
pub fn decode_option<'de, C: Codec, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<C::Value>, D::Error> {
    Ok(Option::<Decoded<C>>::deserialize(deserializer)?.map(|d| d.0))
}

/// Declares the `serde(with = ...)` module for a codec, plus its `option` submodule.
macro_rules! with_module {
    ($(#[$doc:meta])* $module:ident => $codec:ident) => {
        $(#[$doc])*
        pub mod $module {
            use super::Codec;
            use super::$codec;
            type Value = <$codec as Codec>::Value;

            /// Serializes in the wire form.
            pub fn serialize<S: serde::Serializer>(value: &Value, serializer: S) -> Result<S::Ok, S::Error> {
                <$codec>::encode(value, serializer)
            }

            /// Deserializes from the wire form.
            pub fn deserialize<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Value, D::Error> {
                <$codec>::decode(deserializer)
            }

            /// The same codec for an optional field; `null` and absence are `None`.
            pub mod option {
                use super::{$codec, Value};

                /// Serializes `Some` in the wire form.
                pub fn serialize<S: serde::Serializer>(value: &Option<Value>, serializer: S) -> Result<S::Ok, S::Error> {
                    super::super::encode_option::<$codec, S>(value, serializer)
                }

                /// Deserializes `null` as `None`, anything else in the wire form.
                pub fn deserialize<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<Value>, D::Error> {
                    super::super::decode_option::<$codec, D>(deserializer)
                }
            }
        }
    };
}

with_module!(
    /// `Decimal` sent as a JSON string (Cost Explorer amounts, SCP `amounts`); a JSON number
    /// is accepted on decode.
    decimal_string => DecimalString
);
with_module!(
    /// `Decimal` sent as a JSON number (Inspector2 `total`, `estimatedMonthlyCost`); a JSON
    /// string is accepted on decode.
    decimal_number => DecimalNumber
);
with_module!(
    /// `DateTime<Utc>` sent as a JSON number of seconds since the Unix epoch, fractions
    /// allowed (restJson1's default timestamp format).
    epoch_seconds => EpochSeconds
);
with_module!(
    /// `NaiveDateTime` sent as `YYYY-MM-DDThh:mm:ss[.fff]` with no offset (SCP `usage_date`).
    local_date_time => LocalDateTime
);
with_module!(
    /// `NaiveDate` sent as `YYYY-MM-DD`.
    date => Date
);

/// Decimal with string wire form.
pub enum DecimalString {}
/// Decimal with number wire form.
pub enum DecimalNumber {}
/// Timestamp as epoch seconds.
pub enum EpochSeconds {}
/// Date-time without offset.
pub enum LocalDateTime {}
/// Calendar date.
pub enum Date {}

impl Codec for DecimalString {
    type Value = Decimal;
    fn encode<S: Serializer>(value: &Decimal, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(value)
    }
    fn decode<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Decimal, D::Error> {
        decode_decimal(deserializer)
    }
}

impl Codec for DecimalNumber {
    type Value = Decimal;
    fn encode<S: Serializer>(value: &Decimal, serializer: S) -> Result<S::Ok, S::Error> {
        encode_raw_number(value, serializer)
    }
    fn decode<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Decimal, D::Error> {
        decode_decimal(deserializer)
    }
}

impl Codec for EpochSeconds {
    type Value = DateTime<Utc>;
    fn encode<S: Serializer>(value: &DateTime<Utc>, serializer: S) -> Result<S::Ok, S::Error> {
        let seconds = Decimal::from(value.timestamp())
            + Decimal::new(i64::from(value.timestamp_subsec_nanos()), 9);
        encode_raw_number(&seconds.normalize(), serializer)
    }
    fn decode<'de, D: Deserializer<'de>>(deserializer: D) -> Result<DateTime<Utc>, D::Error> {
        let seconds = decode_decimal(deserializer)?;
        epoch_seconds_to_datetime(seconds).ok_or_else(|| {
            D::Error::custom(format!(
                "expected epoch seconds within chrono's range, found {seconds}"
            ))
        })
    }
}

impl Codec for LocalDateTime {
    type Value = NaiveDateTime;
    fn encode<S: Serializer>(value: &NaiveDateTime, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&value.format("%Y-%m-%dT%H:%M:%S%.f"))
    }
    fn decode<'de, D: Deserializer<'de>>(deserializer: D) -> Result<NaiveDateTime, D::Error> {
        decode_parsed(deserializer, "a local date-time YYYY-MM-DDThh:mm:ss")
    }
}

impl Codec for Date {
    type Value = NaiveDate;
    fn encode<S: Serializer>(value: &NaiveDate, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&value.format("%Y-%m-%d"))
    }
    fn decode<'de, D: Deserializer<'de>>(deserializer: D) -> Result<NaiveDate, D::Error> {
        decode_parsed(deserializer, "a date YYYY-MM-DD")
    }
}

/// Converts seconds since the epoch (with a fraction) into a UTC time.
pub fn epoch_seconds_to_datetime(seconds: Decimal) -> Option<DateTime<Utc>> {
    let whole = seconds.floor();
    let nanos = ((seconds - whole) * Decimal::from(1_000_000_000u32)).trunc();
    let whole: i64 = whole.try_into().ok()?;
    let nanos: u32 = nanos.try_into().ok()?;
    DateTime::from_timestamp(whole, nanos)
}

/// Parses decimal text as JSON or a person writes it: `12`, `-0.5`, `1.5E+3`. More digits
/// than `Decimal` holds are rounded rather than rejected.
pub fn parse_decimal(text: &str) -> Result<Decimal, String> {
    let text = text.trim();
    let parsed = if text.contains(['e', 'E']) {
        Decimal::from_scientific(text)
    } else {
        Decimal::from_str(text)
    };
    parsed.map_err(|e| format!("expected a decimal number, found {}: {e}", preview(text)))
}

fn encode_raw_number<S: Serializer>(value: &Decimal, serializer: S) -> Result<S::Ok, S::Error> {
    // RawValue writes the digits verbatim: no f64 round trip on the way out either.
    let raw = RawValue::from_string(value.to_string()).map_err(S::Error::custom)?;
    raw.serialize(serializer)
}

fn decode_decimal<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Decimal, D::Error> {
    let raw = Box::<RawValue>::deserialize(deserializer)?;
    let text = raw.get();
    if text.starts_with('"') {
        let inner: Cow<'_, str> = serde_json::from_str(text).map_err(D::Error::custom)?;
        parse_decimal(&inner).map_err(D::Error::custom)
    } else if text.starts_with(|c: char| c == '-' || c.is_ascii_digit()) {
        parse_decimal(text).map_err(D::Error::custom)
    } else {
        Err(D::Error::custom(format!(
            "expected a decimal number or a string holding one, found {}",
            preview(text)
        )))
    }
}

fn decode_parsed<'de, D, T>(deserializer: D, expected: &str) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: FromStr,
    T::Err: Display,
{
    let text = Cow::<str>::deserialize(deserializer)?;
    text.parse::<T>().map_err(|e| {
        D::Error::custom(format!(
            "expected {expected}, found {}: {e}",
            preview(&text)
        ))
    })
}

/// Shortens a value quoted in an error message, so that a huge or hostile input cannot
/// flood logs.
pub(crate) fn preview(text: &str) -> String {
    const MAX: usize = 40;
    match text.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{:?}…", &text[..cut]),
        None => format!("{text:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::{Deserialize, Serialize};

    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    struct S {
        #[serde(with = "decimal_string")]
        s: Decimal,
        #[serde(with = "decimal_number")]
        n: Decimal,
        #[serde(
            with = "decimal_string::option",
            default,
            skip_serializing_if = "Option::is_none"
        )]
        o: Option<Decimal>,
        #[serde(with = "epoch_seconds")]
        t: DateTime<Utc>,
    }

    #[test]
    fn decimals_accept_both_wire_forms_and_keep_their_own() {
        let s: S = serde_json::from_str(r#"{"s":2208,"n":"0.5","t":1700000000.25}"#).unwrap();
        assert_eq!(s.s, Decimal::from(2208));
        assert_eq!(s.n, Decimal::new(5, 1));
        assert_eq!(s.o, None);
        assert_eq!(s.t.timestamp_subsec_millis(), 250);
        assert_eq!(
            serde_json::to_string(&s).unwrap(),
            r#"{"s":"2208","n":0.5,"t":1700000000.25}"#
        );
    }

    #[test]
    fn long_numbers_round_instead_of_failing() {
        let s: S = serde_json::from_str(
            r#"{"s":69.11368320913270968764864436340574,"n":1e2,"o":null,"t":0}"#,
        )
        .unwrap();
        assert_eq!(s.s.to_string(), "69.113683209132709687648644363");
        assert_eq!(s.n, Decimal::from(100));
    }

    #[test]
    fn scale_is_kept_on_round_trip() {
        let s: S = serde_json::from_str(r#"{"s":"500.0000000000","n":0.0,"t":1}"#).unwrap();
        assert_eq!(
            serde_json::to_string(&s).unwrap(),
            r#"{"s":"500.0000000000","n":0.0,"t":1}"#
        );
    }

    #[test]
    fn wrong_types_are_errors_not_panics() {
        for bad in [
            r#"{"s":true,"n":1,"t":1}"#,
            r#"{"s":"abc","n":1,"t":1}"#,
            r#"{"s":"1","n":[],"t":1}"#,
            r#"{"s":"1","n":1,"t":1e300}"#,
        ] {
            let err = serde_json::from_str::<S>(bad).unwrap_err().to_string();
            assert!(err.contains("expected"), "{bad}: {err}");
        }
    }
}
