//! A probe, not a decoder to ship: what a decoder generated per type (a pull tokenizer and
//! one function per shape, instead of serde's derived visitors) would gain on a
//! GetCostAndUsage page. Written by hand for the shapes of that response, in the form a
//! generator would emit, to measure before building the generator (issue 12).
//!
//! It returns `Err(())` for anything it does not take (an escape in a string, a member or
//! value it does not know, a duplicate key, malformed JSON); a shipped decoder would then
//! hand the body to the serde path, which has the exact error, so only the fast path's
//! successes need to agree with serde. `decode_profile` checks that they do (the decoded
//! values are equal) before it times anything.

use std::collections::BTreeMap;
use std::str::FromStr;

use cloudcost_aws_ce_model::{
    DateInterval, GetCostAndUsageResponse, Group, GroupDefinition, GroupDefinitionType,
    MetricValue, ResultByTime,
};
use cloudcost_types::{CompactString, YearMonthDay};

type Res<T> = Result<T, ()>;

/// The index of the first `"`, `\\` or control byte, eight bytes at a time (the SWAR test
/// serde_json's own scanner uses), then byte by byte for the tail.
#[inline]
fn special_byte(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let mut i = 0;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let x = u64::from_le_bytes(chunk.try_into().ok()?);
        let quote = x ^ (ONES * u64::from(b'"'));
        let backslash = x ^ (ONES * u64::from(b'\\'));
        let found = ((quote.wrapping_sub(ONES) & !quote)
            | (backslash.wrapping_sub(ONES) & !backslash)
            | (x.wrapping_sub(ONES * 0x20) & !x))
            & HIGHS;
        if found != 0 {
            return Some(i + (found.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    bytes[i..]
        .iter()
        .position(|&c| c == b'"' || c == b'\\' || c < 0x20)
        .map(|p| i + p)
}

struct Reader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    #[inline]
    fn peek(&mut self) -> Option<u8> {
        while let Some(&c) = self.bytes.get(self.at) {
            if matches!(c, b' ' | b'\n' | b'\r' | b'\t') {
                self.at += 1;
            } else {
                return Some(c);
            }
        }
        None
    }

    #[inline]
    fn eat(&mut self, c: u8) -> Res<()> {
        if self.peek() == Some(c) {
            self.at += 1;
            Ok(())
        } else {
            Err(())
        }
    }

    /// A string without escapes, borrowed from the input (UTF-8 already checked).
    #[inline]
    fn str(&mut self) -> Res<&'a str> {
        self.eat(b'"')?;
        let start = self.at;
        let rest = &self.bytes[start..];
        // The closing quote, or the first byte that needs more than copying.
        let end = special_byte(rest).ok_or(())?;
        if rest[end] != b'"' {
            return Err(());
        }
        self.at = start + end + 1;
        Ok(&self.text[start..start + end])
    }

    fn null(&mut self) -> bool {
        if self.peek() == Some(b'n') && self.bytes[self.at..].starts_with(b"null") {
            self.at += 4;
            true
        } else {
            false
        }
    }

    fn bool(&mut self) -> Res<bool> {
        match self.peek() {
            Some(b't') if self.bytes[self.at..].starts_with(b"true") => {
                self.at += 4;
                Ok(true)
            }
            Some(b'f') if self.bytes[self.at..].starts_with(b"false") => {
                self.at += 5;
                Ok(false)
            }
            _ => Err(()),
        }
    }

    /// `{ "key": value, ... }`, `f` reading each value.
    #[inline]
    fn object(&mut self, mut f: impl FnMut(&mut Self, &'a str) -> Res<()>) -> Res<()> {
        self.eat(b'{')?;
        if self.peek() == Some(b'}') {
            self.at += 1;
            return Ok(());
        }
        loop {
            let key = self.str()?;
            self.eat(b':')?;
            f(self, key)?;
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b'}') => {
                    self.at += 1;
                    return Ok(());
                }
                _ => return Err(()),
            }
        }
    }

    /// `[ item, ... ]`.
    #[inline]
    fn array<T>(&mut self, mut f: impl FnMut(&mut Self) -> Res<T>) -> Res<Vec<T>> {
        self.eat(b'[')?;
        let mut items = Vec::new();
        if self.peek() == Some(b']') {
            self.at += 1;
            return Ok(items);
        }
        loop {
            items.push(f(self)?);
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b']') => {
                    self.at += 1;
                    return Ok(items);
                }
                _ => return Err(()),
            }
        }
    }

    /// `null` or a value; a second occurrence of the member is refused.
    #[inline]
    fn member<T>(&mut self, slot: &mut Option<T>, f: impl FnOnce(&mut Self) -> Res<T>) -> Res<()> {
        if slot.is_some() {
            return Err(());
        }
        if !self.null() {
            *slot = Some(f(self)?);
        }
        Ok(())
    }
}

fn text(r: &mut Reader<'_>) -> Res<CompactString> {
    r.str().map(CompactString::from)
}

fn metric_value(r: &mut Reader<'_>) -> Res<MetricValue> {
    let mut value = MetricValue::default();
    r.object(|r, key| match key {
        "Amount" => r.member(&mut value.amount, |r| {
            cloudcost_types::wire::parse_decimal(r.str()?).map_err(drop)
        }),
        "Unit" => r.member(&mut value.unit, text),
        _ => Err(()),
    })?;
    Ok(value)
}

fn metrics(r: &mut Reader<'_>) -> Res<BTreeMap<CompactString, MetricValue>> {
    let mut map = BTreeMap::new();
    r.object(|r, key| {
        let value = metric_value(r)?;
        match map.insert(CompactString::from(key), value) {
            None => Ok(()),
            Some(_) => Err(()),
        }
    })?;
    Ok(map)
}

fn group(r: &mut Reader<'_>) -> Res<Group> {
    let mut group = Group::default();
    r.object(|r, key| match key {
        "Keys" => r.member(&mut group.keys, |r| r.array(text)),
        "Metrics" => r.member(&mut group.metrics, metrics),
        _ => Err(()),
    })?;
    Ok(group)
}

fn date_interval(r: &mut Reader<'_>) -> Res<DateInterval> {
    let (mut start, mut end) = (None, None);
    r.object(|r, key| {
        let slot = match key {
            "Start" => &mut start,
            "End" => &mut end,
            _ => return Err(()),
        };
        if slot.is_some() {
            return Err(());
        }
        *slot = Some(YearMonthDay::from_str(r.str()?).map_err(drop)?);
        Ok(())
    })?;
    DateInterval::builder()
        .start(start.ok_or(())?)
        .end(end.ok_or(())?)
        .build()
        .map_err(drop)
}

fn result_by_time(r: &mut Reader<'_>) -> Res<ResultByTime> {
    let mut result = ResultByTime::default();
    r.object(|r, key| match key {
        "TimePeriod" => r.member(&mut result.time_period, date_interval),
        "Total" => r.member(&mut result.total, metrics),
        "Groups" => r.member(&mut result.groups, |r| r.array(group)),
        "Estimated" => r.member(&mut result.estimated, Reader::bool),
        _ => Err(()),
    })?;
    Ok(result)
}

fn group_definition(r: &mut Reader<'_>) -> Res<GroupDefinition> {
    let mut definition = GroupDefinition::default();
    r.object(|r, key| match key {
        "Key" => r.member(&mut definition.key, text),
        "Type" => r.member(&mut definition.type_, |r| {
            r.str().map(GroupDefinitionType::from)
        }),
        _ => Err(()),
    })?;
    Ok(definition)
}

/// Decodes a GetCostAndUsage response, or `Err(())` for anything outside the probe.
pub fn decode(body: &[u8]) -> Res<GetCostAndUsageResponse> {
    let mut r = Reader {
        text: std::str::from_utf8(body).map_err(drop)?,
        bytes: body,
        at: 0,
    };
    let mut response = GetCostAndUsageResponse::default();
    r.object(|r, key| match key {
        "GroupDefinitions" => r.member(&mut response.group_definitions, |r| {
            r.array(group_definition)
        }),
        "ResultsByTime" => r.member(&mut response.results_by_time, |r| r.array(result_by_time)),
        // The probe's pages carry it empty.
        "DimensionValueAttributes" => r.member(&mut response.dimension_value_attributes, |r| {
            r.array(|_| Err(()))
        }),
        "NextPageToken" => r.member(&mut response.next_page_token, text),
        _ => Err(()),
    })?;
    if r.peek().is_some() {
        return Err(());
    }
    Ok(response)
}
