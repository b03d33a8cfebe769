//! The fast path of response decoding: a pull reader over the body and, in the generated
//! model crates, one [`FastJson`] implementation per response structure (a `match` on the
//! member names, instead of serde's derived visitors).
//!
//! Why: after the allocations were gone (`CompactString`), most of a Cost Explorer page's
//! decode was serde's machinery, field-name visitors and the `MapAccess` protocol, around
//! serde_json's string scan. The generated readers take fewer instructions and less time on
//! every response page; BENCHMARKS.md has the current figures and how to measure them.
//!
//! **Not a public API.** The module is `#[doc(hidden)]` and outside semver: it is `pub`
//! only because the generated model crates call it, and it changes with the generator.
//!
//! The rule that keeps it exact: **the fast path only ever answers with a value serde
//! would give.** Anything it does not take the way serde does (malformed JSON, a missing
//! required member, a duplicate member, a number that does not fit, a decimal or date
//! that does not parse, a struct written as an array, nesting past [`MAX_DEPTH`]) makes it
//! return `None`, and [`decode`] hands the body to the serde path with the JSON path
//! tracked, which gives serde's value or its exact error. Escaped strings are unescaped by
//! serde_json itself. The fuzz target `decode_responses` and `tests/tests/fast_decode.rs`
//! check the two decoders against each other (serde's derived `Deserialize` is the oracle).

use std::borrow::Cow;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use compact_str::CompactString;
use rust_decimal::Decimal;
use serde::de::DeserializeOwned;

use crate::json::DecodeError;
use crate::wire;
use crate::YearMonthDay;

/// How deep arrays and objects may nest before the fast path declines. The reader recurses
/// (one frame per level), so a hostile body of a million `[` would overflow the stack
/// without a bound; past it, serde judges the body (serde_json passes over unknown
/// members without recursing, and refuses typed values nested past 128 levels).
pub const MAX_DEPTH: u32 = 100;

/// A type the fast path reads. Implemented here for the leaves and containers, and by the
/// generated model crates for each structure and enum a response can hold.
pub trait FastJson: Sized {
    /// Reads one value, or `None` when the serde path must decide (see the module docs).
    fn read(r: &mut Reader<'_>) -> Option<Self>;
}

/// Decodes `T` by the fast path, or, if it declines, by serde with the JSON path tracked
/// (`json::tracked`), which gives serde's value or its error with path and offset.
///
/// Unlike [`crate::from_slice`] there is no untracked serde pass in between: the fast path
/// declines only malformed or unusual bodies, where the tracked pass is the one needed.
pub fn decode<T: FastJson + DeserializeOwned>(bytes: &[u8]) -> Result<T, DecodeError> {
    match read_all(bytes) {
        Some(value) => Ok(value),
        None => crate::json::tracked(bytes),
    }
}

/// The fast path alone: `None` when it declines. Public for the differential tests.
pub fn read_all<T: FastJson>(bytes: &[u8]) -> Option<T> {
    let text = std::str::from_utf8(bytes).ok()?;
    let mut r = Reader {
        text,
        at: 0,
        depth: 0,
    };
    let value = T::read(&mut r)?;
    // Only whitespace may follow the value, as serde_json's `end()` requires.
    match r.peek() {
        None => Some(value),
        Some(_) => None,
    }
}

/// A pull reader over a UTF-8-checked JSON body.
pub struct Reader<'a> {
    text: &'a str,
    at: usize,
    depth: u32,
}

impl<'a> Reader<'a> {
    /// The body's bytes (the same memory as `text`: no copy, no check).
    #[inline(always)]
    fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }

    /// The next byte that is not JSON whitespace, not consumed.
    #[inline]
    fn peek(&mut self) -> Option<u8> {
        // Every JSON whitespace byte is at most b' ': one comparison settles the usual case
        // (API bodies are compact), the loop handles the rest.
        match self.bytes().get(self.at) {
            Some(&c) if c > b' ' => Some(c),
            _ => self.skip_whitespace(),
        }
    }

    /// `peek`'s slower half: past any whitespace.
    #[inline(never)]
    fn skip_whitespace(&mut self) -> Option<u8> {
        while let Some(&c) = self.bytes().get(self.at) {
            if matches!(c, b' ' | b'\n' | b'\r' | b'\t') {
                self.at += 1;
            } else {
                return Some(c);
            }
        }
        None
    }

    #[inline]
    fn eat(&mut self, c: u8) -> Option<()> {
        (self.peek()? == c).then(|| self.at += 1)
    }

    /// A literal (`null`, `true`, `false`) at the current byte.
    #[inline]
    fn literal(&mut self, word: &[u8]) -> bool {
        let found = self.bytes()[self.at..].starts_with(word);
        if found {
            self.at += word.len();
        }
        found
    }

    /// A JSON string: borrowed from the body when it has no escape, else unescaped by
    /// serde_json (rare in these APIs; serde_json's rules for escapes and surrogates).
    #[inline(always)]
    pub fn string(&mut self) -> Option<Cow<'a, str>> {
        self.eat(b'"')?;
        let start = self.at;
        let end = start + special_byte(&self.bytes()[start..])?;
        if self.bytes()[end] == b'"' {
            self.at = end + 1;
            return Some(Cow::Borrowed(&self.text[start..end]));
        }
        self.escaped_string(start)
    }

    /// The rest of a string that has an escape: find its end, then let serde_json unescape
    /// (and validate) the whole literal.
    #[cold]
    fn escaped_string(&mut self, start: usize) -> Option<Cow<'a, str>> {
        let mut i = start;
        loop {
            // `get`: a backslash may be the body's last byte, leaving `i` past its end.
            i += special_byte(self.bytes().get(i..)?)?;
            match self.bytes()[i] {
                b'"' => break,
                // Whatever follows a backslash is part of the escape; serde_json checks it.
                b'\\' => i += 2,
                // A raw control character: serde_json refuses it.
                _ => return None,
            }
        }
        let literal = self.text.get(start - 1..=i)?;
        let unescaped: String = serde_json::from_str(literal).ok()?;
        self.at = i + 1;
        Some(Cow::Owned(unescaped))
    }

    /// The text of a JSON number (`-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`).
    fn number(&mut self) -> Option<&'a str> {
        self.peek()?;
        let start = self.at;
        let b = self.bytes();
        let mut i = start;
        if b.get(i) == Some(&b'-') {
            i += 1;
        }
        let digits = |i: usize| b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        match b.get(i) {
            Some(b'0') => i += 1,
            Some(b'1'..=b'9') => i += digits(i),
            _ => return None,
        }
        if b.get(i) == Some(&b'.') {
            let n = digits(i + 1);
            if n == 0 {
                return None;
            }
            i += 1 + n;
        }
        if matches!(b.get(i), Some(b'e' | b'E')) {
            i += 1;
            if matches!(b.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            let n = digits(i);
            if n == 0 {
                return None;
            }
            i += n;
        }
        self.at = i;
        Some(&self.text[start..i])
    }

    /// A JSON integer (no fraction, no exponent: serde refuses those for integer fields;
    /// nor `-0`, which serde_json reads as the float `-0.0`).
    fn integer<T: TryFrom<i64>>(&mut self) -> Option<T> {
        let text = self.number()?;
        if text.contains(['.', 'e', 'E']) || text == "-0" {
            return None;
        }
        T::try_from(text.parse::<i64>().ok()?).ok()
    }

    /// Enters an array or object, declining past [`MAX_DEPTH`].
    #[inline]
    fn enter(&mut self, open: u8) -> Option<()> {
        self.eat(open)?;
        self.depth += 1;
        (self.depth <= MAX_DEPTH).then_some(())
    }

    /// `{ "member": value, ... }`, with `f` reading each value after its name.
    #[inline]
    pub fn object(&mut self, mut f: impl FnMut(&mut Self, &str) -> Option<()>) -> Option<()> {
        self.items(b'{', b'}', |r| {
            let key = r.string()?;
            r.eat(b':')?;
            f(r, &key)
        })
    }

    /// A structure's `{ "member": value, ... }`: `f` gets the index in `names` of each
    /// member, or `names.len()` for a member the structure does not have.
    ///
    /// Services write members in their model's order, which is the spec's and so the order
    /// of `names`: the member expected next is tried first, by comparing its quoted name and
    /// the colon with the bytes at hand. Anything else (another order, whitespace, an escape
    /// in the key) takes the general path, which reads the key as a string and looks it up,
    /// so both paths give the same index for the same key. `names` hold no byte a JSON
    /// string would escape (the generator refuses such a wire name).
    #[inline]
    pub fn members(
        &mut self,
        names: &[&str],
        mut f: impl FnMut(&mut Self, usize) -> Option<()>,
    ) -> Option<()> {
        let mut next = 0;
        self.items(b'{', b'}', |r| {
            let index = match names.get(next) {
                Some(name) if r.eat_name(name) => next,
                _ => r.name_index(names)?,
            };
            // An unknown member leaves the expectation where it was.
            if index < names.len() {
                next = index + 1;
            }
            f(r, index)
        })
    }

    /// `"name":` exactly, at the current byte: consumed if there.
    #[inline(always)]
    fn eat_name(&mut self, name: &str) -> bool {
        let n = name.len();
        let Some(window) = self.bytes().get(self.at..self.at + n + 3) else {
            return false;
        };
        let matched = window[0] == b'"'
            && window[n + 1] == b'"'
            && window[n + 2] == b':'
            && same_bytes(&window[1..=n], name.as_bytes());
        if matched {
            self.at += n + 3;
        }
        matched
    }

    /// The general path of `members`: the key read as any JSON string, then its index.
    #[inline(never)]
    fn name_index(&mut self, names: &[&str]) -> Option<usize> {
        let key = self.string()?;
        self.eat(b':')?;
        Some(
            names
                .iter()
                .position(|name| **name == *key)
                .unwrap_or(names.len()),
        )
    }

    /// `[ item, ... ]`, with `f` reading each item.
    #[inline]
    pub fn array(&mut self, f: impl FnMut(&mut Self) -> Option<()>) -> Option<()> {
        self.items(b'[', b']', f)
    }

    /// The one reading of a container's syntax, for arrays and objects alike: `open`,
    /// then items (each read by `item`) separated by commas, then `close`; the depth
    /// limit is applied on the way in and released on the way out.
    #[inline(always)]
    fn items(
        &mut self,
        open: u8,
        close: u8,
        mut item: impl FnMut(&mut Self) -> Option<()>,
    ) -> Option<()> {
        self.enter(open)?;
        if self.peek()? != close {
            loop {
                item(self)?;
                match self.peek()? {
                    b',' => self.at += 1,
                    c if c == close => break,
                    _ => return None,
                }
            }
        }
        self.at += 1;
        self.depth -= 1;
        Some(())
    }

    /// One member of a structure: a second occurrence declines, as serde's derived
    /// visitors refuse a duplicate field (a `null` counts as an occurrence there too).
    #[inline]
    pub fn member<T>(
        &mut self,
        slot: &mut Option<T>,
        read: impl FnOnce(&mut Self) -> Option<T>,
    ) -> Option<()> {
        if slot.is_some() {
            return None;
        }
        *slot = Some(read(self)?);
        Some(())
    }

    /// `null` as `None`, else what `read` reads: an optional member's value.
    #[inline]
    pub fn optional<T>(&mut self, read: impl FnOnce(&mut Self) -> Option<T>) -> Option<Option<T>> {
        if self.peek()? == b'n' {
            return self.literal(b"null").then_some(None);
        }
        read(self).map(Some)
    }

    /// Passes over a value of a member the structure does not have, checking its syntax as
    /// serde_json's `IgnoredAny` does.
    pub fn skip(&mut self) -> Option<()> {
        match self.peek()? {
            b'"' => self.string().map(drop),
            b'{' => self.object(|r, _| r.skip()),
            b'[' => self.array(Reader::skip),
            b'n' => self.literal(b"null").then_some(()),
            b't' => self.literal(b"true").then_some(()),
            b'f' => self.literal(b"false").then_some(()),
            _ => self.number().map(drop),
        }
    }

    /// A value the fast path has no reader of its own for, decoded by serde_json from its
    /// source text (a free-form JSON object, for example).
    pub fn via_serde<T: DeserializeOwned>(&mut self) -> Option<T> {
        self.peek()?;
        let start = self.at;
        self.skip()?;
        serde_json::from_str(&self.text[start..self.at]).ok()
    }
}

/// `a == b`, inline: member names are short, and a call to `memcmp` for each cost more
/// than the comparison. Up to 16 bytes, two words that overlap cover the slice (the first
/// and the last four or eight bytes), as memcmp itself does for short lengths.
#[inline(always)]
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    fn ends<const N: usize>(a: &[u8], b: &[u8]) -> bool {
        a.first_chunk::<N>() == b.first_chunk::<N>() && a.last_chunk::<N>() == b.last_chunk::<N>()
    }
    if a.len() != b.len() {
        return false;
    }
    match a.len() {
        0 => true,
        1 => a[0] == b[0],
        2..=3 => ends::<2>(a, b),
        4..=7 => ends::<4>(a, b),
        8..=16 => ends::<8>(a, b),
        _ => a == b,
    }
}

/// The index of the first `"`, `\` or control byte, eight bytes at a time, then byte by
/// byte for the tail.
#[inline(always)]
fn special_byte(bytes: &[u8]) -> Option<usize> {
    use crate::swar::{below, splat};
    crate::swar::position(
        bytes,
        |x| below(x ^ splat(b'"'), 1) | below(x ^ splat(b'\\'), 1) | below(x, 0x20),
        |c| c == b'"' || c == b'\\' || c < 0x20,
    )
}

// ---------------------------------------------------------------------------------------
// Leaves and containers, each read as serde reads the same Rust type from serde_json.

impl FastJson for CompactString {
    #[inline]
    fn read(r: &mut Reader<'_>) -> Option<Self> {
        string_into(r)
    }
}

impl FastJson for bool {
    fn read(r: &mut Reader<'_>) -> Option<Self> {
        match r.peek()? {
            b't' => r.literal(b"true").then_some(true),
            b'f' => r.literal(b"false").then_some(false),
            _ => None,
        }
    }
}

impl FastJson for i32 {
    fn read(r: &mut Reader<'_>) -> Option<Self> {
        r.integer()
    }
}

impl FastJson for i64 {
    fn read(r: &mut Reader<'_>) -> Option<Self> {
        r.integer()
    }
}

impl FastJson for YearMonthDay {
    fn read(r: &mut Reader<'_>) -> Option<Self> {
        YearMonthDay::from_str(&r.string()?).ok()
    }
}

impl<T: FastJson> FastJson for Option<T> {
    #[inline]
    fn read(r: &mut Reader<'_>) -> Option<Self> {
        r.optional(T::read)
    }
}

/// A recursive member (`Expression.Not` is one, on the request side), as serde boxes it.
impl<T: FastJson> FastJson for Box<T> {
    fn read(r: &mut Reader<'_>) -> Option<Self> {
        T::read(r).map(Box::new)
    }
}

impl<T: FastJson> FastJson for Vec<T> {
    #[inline]
    fn read(r: &mut Reader<'_>) -> Option<Self> {
        let mut items = Vec::new();
        r.array(|r| {
            items.push(T::read(r)?);
            Some(())
        })?;
        Some(items)
    }
}

/// Through the same `sorted_map::Entries` as serde's impl, so the same map.
impl<K, V> FastJson for crate::SortedMap<K, V>
where
    K: Ord + for<'k> From<&'k str>,
    V: FastJson,
{
    #[inline]
    fn read(r: &mut Reader<'_>) -> Option<Self> {
        let mut entries = crate::sorted_map::Entries::new();
        r.object(|r, key| {
            let value = V::read(r)?;
            entries.push(K::from(key), value);
            Some(())
        })?;
        Some(entries.finish())
    }
}

impl FastJson for serde_json::Map<String, serde_json::Value> {
    fn read(r: &mut Reader<'_>) -> Option<Self> {
        r.via_serde()
    }
}

// ---------------------------------------------------------------------------------------
// The wire forms of `wire`'s codecs: the same parsers, so the same values.

/// A decimal from a JSON number or a string holding one.
fn decimal(r: &mut Reader<'_>) -> Option<Decimal> {
    let parsed = if r.peek()? == b'"' {
        wire::parse_decimal(&r.string()?)
    } else {
        wire::parse_decimal(r.number()?)
    };
    parsed.ok()
}

/// [`wire::decimal_string`]'s form (a JSON number is accepted too, as there).
pub fn decimal_string(r: &mut Reader<'_>) -> Option<Decimal> {
    decimal(r)
}

/// [`wire::decimal_number`]'s form (a string holding a number is accepted too, as there).
pub fn decimal_number(r: &mut Reader<'_>) -> Option<Decimal> {
    decimal(r)
}

/// [`wire::epoch_seconds`]'s form.
pub fn epoch_seconds(r: &mut Reader<'_>) -> Option<DateTime<Utc>> {
    wire::epoch_seconds_to_datetime(decimal(r)?)
}

/// [`wire::date`]'s form.
pub fn date(r: &mut Reader<'_>) -> Option<NaiveDate> {
    wire::parse_date(&r.string()?).ok()
}

/// [`wire::local_date_time`]'s form.
pub fn local_date_time(r: &mut Reader<'_>) -> Option<NaiveDateTime> {
    wire::parse_local_date_time(&r.string()?).ok()
}

/// A string into `E` without a copy when it was borrowed: a `CompactString`, or a
/// generated forward-compatible enum, whose `From` impls map every string, known or not
/// (as `crate::enums`, the serde side, does).
#[inline]
pub fn string_into<E>(r: &mut Reader<'_>) -> Option<E>
where
    E: for<'s> From<&'s str> + From<String>,
{
    Some(match r.string()? {
        Cow::Borrowed(s) => E::from(s),
        Cow::Owned(s) => E::from(s),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use std::fmt::Debug;

    /// What a generated reader looks like, for the leaves with a wire adapter.
    #[derive(Deserialize, PartialEq, Debug)]
    struct Leaves {
        #[serde(rename = "a", with = "crate::wire::decimal_string::option", default)]
        amount: Option<Decimal>,
        #[serde(rename = "n", with = "crate::wire::decimal_number::option", default)]
        number: Option<Decimal>,
        #[serde(rename = "t", with = "crate::wire::epoch_seconds::option", default)]
        at: Option<DateTime<Utc>>,
        #[serde(rename = "d", with = "crate::wire::date::option", default)]
        day: Option<NaiveDate>,
        #[serde(rename = "l", with = "crate::wire::local_date_time::option", default)]
        local: Option<NaiveDateTime>,
        #[serde(rename = "y", default)]
        ymd: Option<YearMonthDay>,
    }

    impl FastJson for Leaves {
        fn read(r: &mut Reader<'_>) -> Option<Self> {
            let (mut a, mut n, mut t, mut d, mut l, mut y) = (None, None, None, None, None, None);
            r.object(|r, key| match key {
                "a" => r.member(&mut a, |r| r.optional(decimal_string)),
                "n" => r.member(&mut n, |r| r.optional(decimal_number)),
                "t" => r.member(&mut t, |r| r.optional(epoch_seconds)),
                "d" => r.member(&mut d, |r| r.optional(date)),
                "l" => r.member(&mut l, |r| r.optional(local_date_time)),
                "y" => r.member(&mut y, FastJson::read),
                _ => r.skip(),
            })?;
            Some(Self {
                amount: a.flatten(),
                number: n.flatten(),
                at: t.flatten(),
                day: d.flatten(),
                local: l.flatten(),
                ymd: y.flatten(),
            })
        }
    }

    /// The fast path's answer on `text`, checked against serde_json's: a value only when
    /// serde gives the same one. Returns whether the fast path took it.
    fn agrees<T: FastJson + DeserializeOwned + PartialEq + Debug>(text: &str) -> bool {
        let serde = serde_json::from_str::<T>(text);
        match read_all::<T>(text.as_bytes()) {
            Some(fast) => {
                assert_eq!(Some(&fast), serde.as_ref().ok(), "{text}");
                true
            }
            None => false,
        }
    }

    #[test]
    fn strings_are_read_as_serde_json_reads_them() {
        let taken = [
            r#""plain""#,
            r#""""#,
            r#"  "spaced"  "#,
            r#""été, 東京""#,
            r#""a\"b\\c\/d\n\u00e9\ud83d\ude00""#,
            r#""exactly eight""#,
            r#""\u0000""#,
        ];
        for text in taken {
            assert!(agrees::<CompactString>(text), "declined {text}");
        }
        let declined = [
            "\"raw\ttab\"",
            r#""\ud800""#,
            r#""\x""#,
            r#""unterminated"#,
            r#""ends in a backslash\"#,
            "\"a\" x",
            "'single'",
            "null",
            "1",
        ];
        for text in declined {
            assert!(!agrees::<CompactString>(text), "took {text}");
        }
    }

    #[test]
    fn integers_take_only_what_serde_takes() {
        for text in ["0", "-1", "2147483647", "-2147483648", " 7 "] {
            assert!(agrees::<i32>(text), "declined {text}");
        }
        for text in [
            "2147483648",
            "-0",
            "1.0",
            "1e2",
            "01",
            "+1",
            "-",
            "1.",
            ".5",
            "\"1\"",
            "true",
        ] {
            assert!(!agrees::<i32>(text), "took {text}");
        }
        assert!(agrees::<i64>("9223372036854775807"));
        assert!(!agrees::<i64>("9223372036854775808"));
    }

    #[test]
    fn containers_and_literals() {
        assert!(agrees::<Vec<Option<bool>>>("[true, null ,false]"));
        assert!(agrees::<Option<Box<Vec<i64>>>>("[1,2]"));
        assert!(agrees::<Vec<bool>>("[]"));
        assert!(!agrees::<Vec<bool>>("[true,]"));
        assert!(!agrees::<Vec<bool>>("[nul]"));
        assert!(!agrees::<Vec<bool>>("[tru]"));
        assert!(!agrees::<Option<bool>>("nulll"));
        type Map = crate::SortedMap<CompactString, i64>;
        assert!(agrees::<Map>(r#"{"a":1,"b":2,"a":3}"#));
        assert!(agrees::<Map>(r#"{"\u0061":1}"#));
        assert!(!agrees::<Map>(r#"{"a":1,}"#));
        assert!(!agrees::<Map>(r#"{"a" 1}"#));
        assert!(!agrees::<Map>("{} {}"));
        assert!(agrees::<serde_json::Map<String, serde_json::Value>>(
            r#"{"x":[1,{"y":null}],"z":"\u00e9"}"#
        ));
    }

    /// A structure read as the generator writes one, against serde's derived decoder.
    #[derive(Deserialize, PartialEq, Debug)]
    struct Pair {
        #[serde(rename = "A")]
        a: i64,
        #[serde(rename = "AB", default)]
        ab: Option<CompactString>,
    }

    impl FastJson for Pair {
        fn read(r: &mut Reader<'_>) -> Option<Self> {
            let (mut m0, mut m1) = (None, None);
            r.members(&["A", "AB"], |r, member| match member {
                0 => r.member(&mut m0, FastJson::read),
                1 => r.member(&mut m1, FastJson::read),
                _ => r.skip(),
            })?;
            Some(Self {
                a: m0?,
                ab: m1.flatten(),
            })
        }
    }

    #[test]
    fn members_in_any_order_and_spelling_are_the_members_serde_finds() {
        let taken = [
            r#"{"A":1,"AB":"x"}"#,
            r#"{"AB":"x","A":1}"#,
            r#"{"A":1}"#,
            r#"{"AB":null,"A":1}"#,
            r#"{ "A" : 1 , "AB" : "x" }"#,
            r#"{"\u0041":1,"A\u0042":"x"}"#,
            r#"{"Z":[1,{"A":2}],"A":1,"ABC":0,"AB":"x","A B":1}"#,
            r#"{"A":1,"AB":"x","Z":{}}"#,
        ];
        for text in taken {
            assert!(agrees::<Pair>(text), "{text}");
        }
        let declined = [
            r#"{"A":1,"A":2}"#,
            r#"{"A":1,"AB":"x","AB":"y"}"#,
            r#"{"AB":"x"}"#,
            r#"{"A":1,"AB":"x""#,
            r#"{"A""#,
            r#"{"A":"#,
            r#"{"A":1,}"#,
            r#"{"A" 1}"#,
        ];
        for text in declined {
            assert!(!agrees::<Pair>(text), "{text}");
        }
    }

    #[test]
    fn same_bytes_is_equality() {
        let text = b"AmountUnitKeysMetricsTimePeriodAmounu";
        for start in 0..text.len() {
            for len in 0..=text.len() - start {
                let a = &text[start..start + len];
                for other in 0..=text.len() - len {
                    let b = &text[other..other + len];
                    assert_eq!(same_bytes(a, b), a == b, "{a:?} {b:?}");
                }
                assert!(!same_bytes(a, &text[..len.saturating_sub(1)]) || len == 0);
            }
        }
    }

    /// The maps against serde's own `BTreeMap` (not our serde impl, which shares `Entries`
    /// with the fast path): same entries, same order, later duplicates winning.
    #[test]
    fn maps_hold_what_a_btreemap_would() {
        for text in [
            r#"{"b":1,"a":2}"#,
            r#"{"a":1,"b":2,"a":3}"#,
            r#"{"c":1,"a":2,"b":3,"a":4,"c":5,"d":6}"#,
            r#"{"z":1,"y":2,"x":3,"w":4,"v":5,"u":6,"t":7,"s":8,"r":9,"q":10}"#,
            r#"{"\u0062":1,"b":2,"a":3}"#,
        ] {
            let fast = read_all::<crate::SortedMap<CompactString, i64>>(text.as_bytes()).unwrap();
            let btree: std::collections::BTreeMap<CompactString, i64> =
                serde_json::from_str(text).unwrap();
            assert!(fast.into_iter().eq(btree), "{text}");
        }
    }

    #[test]
    fn wire_forms_match_the_serde_codecs() {
        let taken = [
            r#"{"a":"12.50","n":3,"t":1700000000.5,"d":"2024-02-29","l":"2024-01-02T03:04:05","y":"2024-01-01"}"#,
            r#"{"a":12.5,"n":"0.1000000000000000055511","t":"1700000000"}"#,
            r#"{"a":"1.5E+3","n":-1e-2,"l":"2024-01-02T03:04:05.250","y":"2024-01-01T00:00:00Z"}"#,
            r#"{"a":"7922816251426433759354395033.55","n":0}"#,
            r#"{"a":" 7 ","unknown":{"deep":[1,2,{"x":"\n"}]},"d":null}"#,
            r#"{"a":"\u0031\u0032"}"#,
        ];
        for text in taken {
            assert!(agrees::<Leaves>(text), "declined {text}");
        }
        let declined = [
            r#"{"a":"ten"}"#,
            r#"{"a":"99999999999999999999999999999.5"}"#,
            r#"{"a":true}"#,
            r#"{"a":"1","a":"2"}"#,
            r#"{"a":null,"a":"2"}"#,
            r#"{"d":"2023-02-29"}"#,
            r#"{"t":1e30}"#,
            r#"{"n":01}"#,
            r#"{"y":"yesterday"}"#,
            r#"["1"]"#,
        ];
        for text in declined {
            assert!(!agrees::<Leaves>(text), "took {text}");
        }
    }

    #[test]
    fn decode_gives_serdes_error_with_its_path_when_the_fast_path_declines() {
        let e = decode::<Leaves>(br#"{"a":"1", "d":"2023-02-29"}"#).unwrap_err();
        assert_eq!(e.path, "d");
        assert!(e.message.contains("2023-02-29"), "{e}");
        let e = decode::<Leaves>(b"{\"a\":\"1\xff\"}").unwrap_err();
        assert_eq!(e.path, "a");
    }
}
