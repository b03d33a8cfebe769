//! Paging that every dataset shares: opaque tokens that carry the query's fingerprint and
//! the next row's offset, SCP-style markers, the window of rows a request's token selects,
//! and why a valid request gets no page.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::Value;

use crate::spec::{OperationSpec, OutputToken, Pagination};
use crate::synth::{hash_str, mix};

/// Why a valid request gets no page.
#[derive(Debug)]
pub(crate) enum Refusal {
    /// A request the data cannot answer as asked (a period the ledger does not cover, an
    /// unknown metric): the service's invalid-request error.
    InvalidRequest(String),
    /// A token or marker the mock did not issue.
    InvalidToken(String),
    /// A token issued for a different request.
    ChangedRequest(String),
    /// The response could not be built (a generator bug, reported as a 500).
    Internal(String),
}

/// The rows of a page of `total` rows, and the token of the next page: the window the
/// request's token (`op`'s paging members) and page `size` select. An operation without
/// token paging gets every row.
pub(crate) fn page_window(
    op: &OperationSpec,
    request: &Value,
    total: u64,
    size: u64,
) -> Result<(std::ops::Range<usize>, Option<String>), Refusal> {
    let whole = || 0..usize::try_from(total).unwrap_or(usize::MAX);
    let Some(p) = op
        .pagination
        .as_ref()
        .filter(|p| matches!(p.output_token, OutputToken::Member(_)))
    else {
        return Ok((whole(), None));
    };
    let fingerprint = fingerprint(request, p);
    let offset = match token_of(request, p) {
        None => 0,
        Some(t) => {
            let offset = decode_token(t, fingerprint, p)?;
            // Tokens are issued only for a row after the first page and inside the data.
            if offset == 0 || offset >= total {
                return Err(Refusal::InvalidToken(format!(
                    "{} points past the end of the data",
                    p.input_token
                )));
            }
            offset
        }
    };
    let end = offset.saturating_add(size.max(1)).min(total);
    let next = (end < total).then(|| token(fingerprint, end));
    let (a, b) = (
        usize::try_from(offset).unwrap_or(usize::MAX),
        usize::try_from(end).unwrap_or(usize::MAX),
    );
    Ok((a..b, next))
}

pub(crate) fn token_of<'v>(request: &'v Value, p: &Pagination) -> Option<&'v str> {
    request
        .get(p.input_token)
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty())
}

/// What identifies "the same query": the request without its token and page size, whose
/// JSON keys serde_json keeps sorted.
pub(crate) fn fingerprint(request: &Value, p: &Pagination) -> u64 {
    let mut query = request.clone();
    if let Some(obj) = query.as_object_mut() {
        obj.remove(p.input_token);
        if let Some(size) = p.page_size {
            obj.remove(size);
        }
    }
    mix(hash_str(&query.to_string()))
}

/// An opaque token: the query's fingerprint and the next item's offset.
pub(crate) fn token(fingerprint: u64, offset: u64) -> String {
    URL_SAFE_NO_PAD.encode(format!("cc1.{fingerprint:016x}.{offset}"))
}

pub(crate) fn decode_token(token: &str, fingerprint: u64, p: &Pagination) -> Result<u64, Refusal> {
    let invalid = || {
        Refusal::InvalidToken(format!(
            "{} is not a token this server issued",
            p.input_token
        ))
    };
    let text = URL_SAFE_NO_PAD
        .decode(token)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(invalid)?;
    let mut parts = text.splitn(3, '.');
    let (Some("cc1"), Some(fp), Some(offset)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(invalid());
    };
    let fp = u64::from_str_radix(fp, 16).map_err(|_| invalid())?;
    // Digits only, as `token` writes them; a number beyond `u64` fails to parse.
    if offset.is_empty() || !offset.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid());
    }
    let offset: u64 = offset.parse().map_err(|_| invalid())?;
    if fp != fingerprint {
        return Err(Refusal::ChangedRequest(format!(
            "{} was issued for a different request; start again without it",
            p.input_token
        )));
    }
    Ok(offset)
}

/// The marker (an item's id) of item `index`.
pub(crate) fn marker(member: &str, index: u64) -> String {
    format!("{member}-{index:08}")
}

/// The item number a marker names. Only digits, as [`marker`] writes them: `parse` alone
/// would also take `+7`. A number beyond `u64` fails to parse and is refused.
pub(crate) fn decode_marker(marker: &str, member: &str, p: &Pagination) -> Result<u64, Refusal> {
    marker
        .strip_prefix(member)
        .and_then(|rest| rest.strip_prefix('-'))
        .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| {
            Refusal::InvalidToken(format!(
                "{} {marker:?} is not the {member} of an item this server served",
                p.input_token
            ))
        })
}
