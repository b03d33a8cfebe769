//! Serde adapters that give generated fields plain Rust types (`Decimal`, `DateTime<Utc>`,
//! `NaiveDate`, `NaiveDateTime`) while keeping each API's wire form.
//!
//! Generated code uses them as `#[serde(with = "::cloudcost_types::wire::decimal_string")]`,
//! or the `::option` submodule for an optional field.
//!
//! Numbers are read from the raw JSON text (through serde_json's raw-value protocol, borrowed
//! from the input, see `decode_decimal`) rather than through `f64`, so that a 34-digit
//! number keeps every digit `Decimal` can hold. A value with more digits than `Decimal`'s
//! 28-29 significant digits is rounded (half to even on the last kept digit), never
//! rejected.

use std::fmt::{self, Display};
use std::str::FromStr;
use std::sync::OnceLock;

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use rust_decimal::Decimal;
use serde::de::{DeserializeSeed, Error as _, IgnoredAny, MapAccess, Unexpected, Visitor};
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
        decode_with_str(deserializer, parse_local_date_time)
    }
}

impl Codec for Date {
    type Value = NaiveDate;
    fn encode<S: Serializer>(value: &NaiveDate, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&value.format("%Y-%m-%d"))
    }
    fn decode<'de, D: Deserializer<'de>>(deserializer: D) -> Result<NaiveDate, D::Error> {
        decode_with_str(deserializer, parse_date)
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
#[inline]
pub fn parse_decimal(text: &str) -> Result<Decimal, String> {
    match parse_plain_decimal(text) {
        Some(value) => Ok(value),
        None => parse_general_decimal(text),
    }
}

/// What [`parse_plain_decimal`] leaves: exponents, spaces, long numbers, and errors.
#[cold]
#[inline(never)]
fn parse_general_decimal(text: &str) -> Result<Decimal, String> {
    let text = text.trim();
    let parsed = if text.contains(['e', 'E']) {
        Decimal::from_scientific(text)
    } else {
        Decimal::from_str(text)
    };
    parsed.map_err(|e| format!("expected a decimal number, found {}: {e}", preview(text)))
}

/// The common form of an amount, `-?[0-9]+(\.[0-9]+)?` with at most 19 digits, read in one
/// pass; `None` for anything else (exponents, spaces, `+`, `_`, `-0`, long numbers), which
/// `parse_decimal` hands to `rust_decimal`. The results agree: the tests compare the two.
///
/// Profiling the decode of a Cost Explorer page showed the general path (trim, a scan for
/// an exponent, `rust_decimal`'s parser) at several times the cost of this loop, for the
/// 10-decimal amounts every page is made of.
#[inline]
fn parse_plain_decimal(text: &str) -> Option<Decimal> {
    let bytes = text.as_bytes();
    let (negative, digits) = match bytes {
        [b'-', rest @ ..] => (true, rest),
        _ => (false, bytes),
    };
    // At most 19 digits (plus a point): 10^19 - 1 fits in a u64, so no overflow checks.
    if digits.is_empty() || digits.len() > 20 {
        return None;
    }
    // Both parts are read by `digits_value`, which refuses any byte that is not a digit: a
    // second point, a sign, a space or an exponent all fall to the general parser.
    let (mantissa, scale) = match point_at(digits) {
        None if digits.len() <= 19 => (digits_value(digits)?, 0),
        None => return None,
        // One point, with a digit on both sides.
        Some(point) if point > 0 && point + 1 < digits.len() => {
            let fraction = &digits[point + 1..];
            let whole = digits_value(&digits[..point])?;
            (
                whole * POWERS_OF_TEN[fraction.len()] + digits_value(fraction)?,
                fraction.len() as u32,
            )
        }
        Some(_) => return None,
    };
    if negative && mantissa == 0 {
        return None;
    }
    // lo and mid words of the 96-bit mantissa; scale <= 18, within Decimal's 28.
    Some(Decimal::from_parts(
        mantissa as u32,
        (mantissa >> 32) as u32,
        0,
        negative,
        scale,
    ))
}

/// The index of the first `.`, eight bytes at a time (an amount's point is usually within
/// its first eight bytes; a byte-by-byte search was a quarter of the cost of reading it).
#[inline]
fn point_at(bytes: &[u8]) -> Option<usize> {
    use crate::swar::{below, splat};
    crate::swar::position(bytes, |x| below(x ^ splat(b'.'), 1), |b| b == b'.')
}

/// 10^0 ..= 10^19, the scales a plain decimal can have (a table: `u64::pow` was a fifth of
/// the cost of reading an amount).
const POWERS_OF_TEN: [u64; 20] = {
    let mut table = [1u64; 20];
    let mut i = 1;
    while i < 20 {
        table[i] = table[i - 1] * 10;
        i += 1;
    }
    table
};

/// The value of a run of at most 19 ASCII digits, `None` if any byte is not one. Eight
/// digits at a time: the fraction of an amount is usually ten digits, and byte by byte it
/// was most of the cost of reading one.
fn digits_value(run: &[u8]) -> Option<u64> {
    let mut value: u64 = 0;
    let mut rest = run;
    while let Some((chunk, tail)) = rest.split_first_chunk::<8>() {
        value = value * 100_000_000 + eight_digits(chunk)?;
        rest = tail;
    }
    for b in rest {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        value = value * 10 + u64::from(d);
    }
    Some(value)
}

/// Eight ASCII digits, the first the most significant, read as one `u64` (the SWAR method
/// of simdjson and of Lemire's "fast numeric parsing"), or `None` if one is not a digit.
fn eight_digits(chunk: &[u8; 8]) -> Option<u64> {
    const HIGH_NIBBLES: u64 = 0xF0F0_F0F0_F0F0_F0F0;
    const ZEROS: u64 = 0x3030_3030_3030_3030;
    let v = u64::from_le_bytes(*chunk);
    // Every byte 0x30..=0x3F, and none past 0x39 (adding 6 would carry into its high
    // nibble; with every byte at most 0x3F, no carry crosses into the next byte).
    if v & HIGH_NIBBLES != ZEROS || v.wrapping_add(0x0606_0606_0606_0606) & HIGH_NIBBLES != ZEROS {
        return None;
    }
    let v = v - ZEROS;
    // Pairs of digits, then fours, then all eight: each step merges neighbouring lanes.
    let v = (v.wrapping_mul(10) + (v >> 8)) & 0x00FF_00FF_00FF_00FF;
    let v = (v.wrapping_mul(100) + (v >> 16)) & 0x0000_FFFF_0000_FFFF;
    Some((v.wrapping_mul(10_000) + (v >> 32)) & 0xFFFF_FFFF)
}

fn encode_raw_number<S: Serializer>(value: &Decimal, serializer: S) -> Result<S::Ok, S::Error> {
    // RawValue writes the digits verbatim: no f64 round trip on the way out either.
    let raw = RawValue::from_string(value.to_string()).map_err(S::Error::custom)?;
    raw.serialize(serializer)
}

/// Decodes a decimal from its raw JSON text, with no allocation and no `f64`.
///
/// serde_json hands a number to a visitor only as `u64`/`i64`/`f64` (unless its
/// `arbitrary_precision` feature is on, which would change every user's serde_json), so the
/// exact digits are reached through serde_json's raw-value protocol instead: asked for the
/// newtype struct named by [`raw_value_token`], serde_json calls `visit_map` with one entry
/// whose value is the value's source text. From a slice or `str` that text is borrowed from
/// the input; `Box<RawValue>`, which this replaced, copied it into a new allocation for every
/// amount. From a reader or a `serde_json::Value` serde_json builds the text as a `String`
/// (no way around that), which is accepted as well.
///
/// Other deserializers ignore the newtype-struct hint and call the plain visitor methods;
/// strings and integers are then exact, and a float (all such a format has) is read from its
/// shortest round-trip text.
fn decode_decimal<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Decimal, D::Error> {
    match raw_value_token() {
        Some(token) => deserializer.deserialize_newtype_struct(token, DecimalVisitor),
        // serde_json no longer asks for raw values this way: take the public, allocating
        // path rather than ever letting a number reach `f64`.
        None => {
            let raw = Box::<RawValue>::deserialize(deserializer)?;
            decimal_from_json_text(raw.get()).map_err(D::Error::custom)
        }
    }
}

struct DecimalVisitor;

impl<'de> Visitor<'de> for DecimalVisitor {
    type Value = Decimal;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a decimal number or a string holding one")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Decimal, A::Error> {
        // The raw-value protocol: one key (the token), then the raw text. A bad number is
        // reported here, after the entry, not from inside it: a path-tracking deserializer
        // (serde_path_to_error) would otherwise name the token as a path segment.
        if map.next_key::<IgnoredAny>()?.is_none() {
            return Err(A::Error::invalid_type(Unexpected::Map, &self));
        }
        map.next_value_seed(RawDecimal)?.map_err(A::Error::custom)
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Decimal, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Decimal, E> {
        parse_decimal(v).map_err(E::custom)
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Decimal, E> {
        Ok(Decimal::from(v))
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Decimal, E> {
        Ok(Decimal::from(v))
    }

    fn visit_u128<E: serde::de::Error>(self, v: u128) -> Result<Decimal, E> {
        let v = i128::try_from(v).map_err(E::custom)?;
        self.visit_i128(v)
    }

    fn visit_i128<E: serde::de::Error>(self, v: i128) -> Result<Decimal, E> {
        // `Decimal::from(i128)` panics past 96 bits; this reports instead.
        Decimal::try_from_i128_with_scale(v, 0).map_err(E::custom)
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Decimal, E> {
        // Only reached from non-JSON deserializers, which hold nothing more exact than this.
        parse_decimal(&v.to_string()).map_err(E::custom)
    }
}

/// The value half of the raw-value protocol: the JSON text of one value.
struct RawDecimal;

impl<'de> DeserializeSeed<'de> for RawDecimal {
    /// The parse result, for `DecimalVisitor::visit_map` to report.
    type Value = Result<Decimal, String>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl Visitor<'_> for RawDecimal {
    type Value = Result<Decimal, String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the raw JSON text of a decimal")
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Self::Value, E> {
        Ok(decimal_from_json_text(text))
    }
}

/// A decimal from the JSON text of a value: a number, or a string holding one.
fn decimal_from_json_text(text: &str) -> Result<Decimal, String> {
    if let Some(quoted) = text.strip_prefix('"') {
        let inner = quoted.strip_suffix('"').unwrap_or(quoted);
        if let Some(value) = parse_plain_decimal(inner) {
            return Ok(value);
        }
        if !inner.contains('\\') {
            // The usual case: nothing to unescape, parse the input bytes in place.
            return parse_decimal(inner);
        }
        let unescaped: String = serde_json::from_str(text).map_err(|e| e.to_string())?;
        parse_decimal(&unescaped)
    } else if text.starts_with(|c: char| c == '-' || c.is_ascii_digit()) {
        parse_decimal(text)
    } else {
        Err(format!(
            "expected a decimal number or a string holding one, found {}",
            preview(text)
        ))
    }
}

/// The newtype-struct name that makes serde_json hand over a value's raw text.
///
/// serde_json keeps the name private, so it is read once, at run time, from what
/// `<&RawValue>::deserialize` asks of a deserializer that only records the question.
/// `None` if serde_json ever stopped asking that way; `decode_decimal` then falls back to
/// `Box<RawValue>` (exact, one allocation per amount), never to `f64`.
fn raw_value_token() -> Option<&'static str> {
    static TOKEN: OnceLock<Option<&'static str>> = OnceLock::new();
    *TOKEN.get_or_init(|| match <&RawValue>::deserialize(NameProbe) {
        Err(Probed(Some(name))) => Some(name),
        _ => None,
    })
}

/// The error of [`NameProbe`]: the newtype-struct name it was asked for, if any.
#[derive(Debug)]
struct Probed(Option<&'static str>);

impl fmt::Display for Probed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "probed {:?}", self.0)
    }
}

impl std::error::Error for Probed {}

impl serde::de::Error for Probed {
    fn custom<T: Display>(_: T) -> Self {
        Probed(None)
    }
}

/// A deserializer that holds no data and only records a newtype-struct name.
struct NameProbe;

impl<'de> Deserializer<'de> for NameProbe {
    type Error = Probed;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Probed> {
        Err(Probed(None))
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        _: V,
    ) -> Result<V::Value, Probed> {
        Err(Probed(Some(name)))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct seq tuple tuple_struct map struct enum identifier ignored_any
    }
}

/// Parses a string value with `parse`, borrowing the input where serde allows: serde's
/// `Cow<str>` always allocates, this never does.
fn decode_with_str<'de, D, T, F>(deserializer: D, parse: F) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    F: FnOnce(&str) -> Result<T, String>,
{
    struct StrVisitor<F>(F);

    impl<T, F: FnOnce(&str) -> Result<T, String>> Visitor<'_> for StrVisitor<F> {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }

        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<T, E> {
            (self.0)(v).map_err(E::custom)
        }
    }

    deserializer.deserialize_str(StrVisitor(parse))
}

/// Decodes a string value into `T` through `T::from_str`, without allocating.
pub(crate) fn decode_str<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: FromStr,
    T::Err: Display,
{
    decode_with_str(deserializer, |text| {
        text.parse::<T>().map_err(|e| e.to_string())
    })
}

/// `YYYY-MM-DD` as the [`date`] codec reads it (the serde and the fast path alike).
pub(crate) fn parse_date(text: &str) -> Result<NaiveDate, String> {
    parse_plain_or_else(text, "a date YYYY-MM-DD", plain_date)
}

/// `YYYY-MM-DDThh:mm:ss[.fff]` as the [`local_date_time`] codec reads it.
pub(crate) fn parse_local_date_time(text: &str) -> Result<NaiveDateTime, String> {
    parse_plain_or_else(
        text,
        "a local date-time YYYY-MM-DDThh:mm:ss",
        plain_local_date_time,
    )
}

/// Parses `text` with `plain` (a fast reader of the common shape) or else `T`'s `FromStr`,
/// whose error is reported.
fn parse_plain_or_else<T>(
    text: &str,
    expected: &str,
    plain: fn(&[u8]) -> Option<T>,
) -> Result<T, String>
where
    T: FromStr,
    T::Err: Display,
{
    match plain(text.as_bytes()) {
        Some(value) => Ok(value),
        None => text
            .parse::<T>()
            .map_err(|e| format!("expected {expected}, found {}: {e}", preview(text))),
    }
}

/// `YYYY-MM-DD` read digit by digit; `None` for any other shape and for impossible dates,
/// which callers hand to chrono (the same value where both parse, and chrono's error).
/// chrono's format-driven parser costs over a thousand instructions a value: a tenth of
/// decoding an SCP usage row, which carries a date-time.
pub(crate) fn plain_date(b: &[u8]) -> Option<NaiveDate> {
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    NaiveDate::from_ymd_opt(
        digits(&b[0..4])? as i32,
        digits(&b[5..7])?,
        digits(&b[8..10])?,
    )
}

/// `YYYY-MM-DDThh:mm:ss` (no fraction, no leap second) like [`plain_date`].
fn plain_local_date_time(b: &[u8]) -> Option<NaiveDateTime> {
    if b.len() != 19 || b[10] != b'T' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let time = NaiveTime::from_hms_opt(
        digits(&b[11..13])?,
        digits(&b[14..16])?,
        digits(&b[17..19])?,
    )?;
    Some(plain_date(&b[..10])?.and_time(time))
}

/// The value of a run of ASCII digits (at most 4 here), `None` if any byte is not one.
fn digits(b: &[u8]) -> Option<u32> {
    b.iter().try_fold(0u32, |value, &c| {
        let d = c.wrapping_sub(b'0');
        (d <= 9).then(|| value * 10 + u32::from(d))
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
    fn every_serde_json_entry_point_keeps_the_digits() {
        let text = r#"{"s":"12.3400","n":69.11368320913270968764864436340574,"t":1.5}"#;
        let expected: S = serde_json::from_str(text).unwrap();
        assert_eq!(expected.n.to_string(), "69.113683209132709687648644363");
        assert_eq!(expected.s.to_string(), "12.3400");
        // From a reader serde_json hands over the raw text as an owned `String`.
        let from_reader: S = serde_json::from_reader(text.as_bytes()).unwrap();
        assert_eq!(from_reader, expected);
        // Through the tracked-path decoder of `crate::json` as well; a bad value is
        // reported at the field, with no trace of the raw-value protocol in the path.
        let tracked: S = crate::json::from_str(text).unwrap();
        assert_eq!(tracked, expected);
        let e = crate::json::from_str::<S>(r#"{"s":"lots","n":1,"t":1}"#).unwrap_err();
        assert_eq!(e.path, "s");
        assert!(e.message.starts_with("expected a decimal number"), "{e}");
    }

    #[test]
    fn escaped_strings_and_values_decode() {
        // `\u0030` is `0`: the escaped form takes the unescaping path.
        let s: S = serde_json::from_str(r#"{"s":"1\u0030.5","n":-3,"t":0}"#).unwrap();
        assert_eq!(s.s, Decimal::new(105, 1));
        assert_eq!(s.n, Decimal::from(-3));
        // From a `Value`, integers and strings stay exact.
        let value = serde_json::json!({"s": "0.1000", "n": 7, "t": 2});
        let s: S = serde_json::from_value(value).unwrap();
        assert_eq!(s.s.to_string(), "0.1000");
        assert_eq!(s.n, Decimal::from(7));
    }

    #[test]
    fn the_point_is_found_where_a_byte_search_finds_it() {
        let text = "0123456789.0123456789.01234.....x\u{e9}.";
        for start in 0..text.len() {
            for end in start..=text.len() {
                let Some(bytes) = text.as_bytes().get(start..end) else {
                    continue;
                };
                let expected = bytes.iter().position(|&b| b == b'.');
                assert_eq!(point_at(bytes), expected, "{bytes:?}");
            }
        }
        // Bytes whose borrow could fake a match in a naive zero-byte test.
        for byte in 0..=255u8 {
            let mut chunk = [byte; 9];
            chunk[4] = b'.';
            assert_eq!(point_at(&chunk), Some(usize::from(byte != b'.') * 4));
            assert_eq!(point_at(&[byte; 9]), (byte == b'.').then_some(0));
        }
    }

    #[test]
    fn eight_digits_at_a_time_reads_what_one_at_a_time_reads() {
        let slow = |b: &[u8]| {
            b.iter().try_fold(0u64, |v, &c| {
                c.is_ascii_digit().then(|| v * 10 + u64::from(c - b'0'))
            })
        };
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let mut chunk: [u8; 8] = std::array::from_fn(|i| b'0' + ((x >> (i * 4)) % 10) as u8);
            assert_eq!(eight_digits(&chunk), slow(&chunk), "{chunk:?}");
            // One byte that is not a digit, anywhere, of every kind near the digits.
            let bad = [
                0u8, b' ', b'.', b'/', b':', b'?', b'@', b'p', 0x7F, 0x80, 0xB9, 0xFF,
            ];
            chunk[(x >> 40) as usize % 8] = bad[(x >> 50) as usize % bad.len()];
            assert_eq!(eight_digits(&chunk), None, "{chunk:?}");
        }
        assert_eq!(eight_digits(b"00000000"), Some(0));
        assert_eq!(eight_digits(b"99999999"), Some(99_999_999));
        assert_eq!(eight_digits(b"12345678"), Some(12_345_678));
        assert_eq!(
            digits_value(b"1234567890123456789"),
            Some(1_234_567_890_123_456_789)
        );
        assert_eq!(digits_value(b"12345678x"), None);
    }

    #[test]
    fn the_plain_parser_agrees_with_rust_decimal() {
        let mut cases: Vec<String> = [
            "0",
            "7",
            "-7",
            "0.0",
            "00.50",
            "-0.5",
            "-0",
            "-0.000",
            "1.",
            ".5",
            "1..2",
            "-",
            "",
            "+1",
            "1_000",
            " 1",
            "1 ",
            "1e3",
            "999999999999999999",
            "1000000000000000000",
            "-999999999.999999999",
            "0.000000000000000001",
            "12345678901234567.8",
            "39.1603300457",
            "9999999999999999999",
            "99999999999999999999",
            "999999999999999999.9",
            "9999999999999999999.9",
            "-18446744073709551615",
            "1.2.3",
            "--1",
            "0x10",
            "1.1234567:",
            "1.12345678:",
            "1.:2345678",
            "1.1234 678",
            "1.123456789012345.",
            "1.12345678.0",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        // And a deterministic spread of lengths, scales and signs.
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let digits = (x % 20) as usize + 1;
            let text: String = (0..digits)
                .map(|i| char::from(b'0' + ((x >> (i * 3)) % 10) as u8))
                .collect();
            let point = (x >> 60) as usize % (digits + 1);
            let mut text = if point > 0 && point < digits {
                format!("{}.{}", &text[..point], &text[point..])
            } else {
                text
            };
            if x & 1 == 1 {
                text.insert(0, '-');
            }
            cases.push(text);
        }
        for text in &cases {
            let general = if text.contains(['e', 'E']) {
                Decimal::from_scientific(text.trim()).ok()
            } else {
                Decimal::from_str(text.trim()).ok()
            };
            if let Some(fast) = parse_plain_decimal(text) {
                let general =
                    general.unwrap_or_else(|| panic!("{text:?}: only the fast path parses"));
                assert_eq!(fast, general, "{text:?}");
                assert_eq!(fast.to_string(), general.to_string(), "{text:?}");
                assert_eq!(fast.scale(), general.scale(), "{text:?}");
            }
            assert_eq!(parse_decimal(text).ok(), general, "{text:?}");
        }
    }

    #[test]
    fn the_plain_date_readers_agree_with_chrono() {
        let mut cases: Vec<String> = [
            "2024-02-29",
            "2023-02-29",
            "2024-13-01",
            "2024-00-10",
            "0000-01-01",
            "9999-12-31",
            "2024-1-01",
            "2024/01/01",
            "+2024-01-01",
            "2024-01-01 ",
            "",
            "2024-08-01T00:00:00",
            "2024-08-01T23:59:59",
            "2024-08-01T23:59:60",
            "2024-08-01T24:00:00",
            "2024-08-01T00:00:00.5",
            "2024-08-01 00:00:00",
            "2024-08-01t00:00:00",
            "2024-08-01T0a:00:00",
            "2024-08-01T00:60:00",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let start = NaiveDate::from_ymd_opt(1999, 12, 25).unwrap();
        for day in (0..12_000).step_by(7) {
            let date = start + chrono::Days::new(day);
            cases.push(date.format("%Y-%m-%d").to_string());
            let h = day % 24;
            let m = (day * 7) % 60;
            let s = (day * 13) % 61;
            cases.push(format!("{}T{h:02}:{m:02}:{s:02}", date.format("%Y-%m-%d")));
        }
        for text in &cases {
            if let Some(fast) = plain_date(text.as_bytes()) {
                assert_eq!(
                    Ok(fast),
                    NaiveDate::parse_from_str(text, "%Y-%m-%d"),
                    "{text:?}"
                );
                assert_eq!(Ok(fast), text.parse::<NaiveDate>(), "{text:?}");
            }
            if let Some(fast) = plain_local_date_time(text.as_bytes()) {
                assert_eq!(Ok(fast), text.parse::<NaiveDateTime>(), "{text:?}");
            }
        }
        // The shapes the fast readers leave to chrono are still read by it.
        let leap: NaiveDateTime = serde_json::from_str::<W>(r#"{"t":"2024-06-30T23:59:60"}"#)
            .unwrap()
            .t;
        assert_eq!(leap.and_utc().timestamp_subsec_nanos(), 1_000_000_000);
        let fraction = serde_json::from_str::<W>(r#"{"t":"2024-06-30T01:02:03.25"}"#).unwrap();
        assert_eq!(fraction.t.and_utc().timestamp_subsec_millis(), 250);
    }

    #[derive(Deserialize)]
    struct W {
        #[serde(with = "local_date_time")]
        t: NaiveDateTime,
    }

    #[test]
    fn the_raw_value_name_is_serde_jsons() {
        // If this changes, serde_json changed its raw-value protocol: see `raw_value_token`.
        assert_eq!(raw_value_token(), Some("$serde_json::private::RawValue"));
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
