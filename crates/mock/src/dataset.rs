//! What a valid request gets back: the documented example, or a page of a deterministic
//! synthetic dataset linked by opaque tokens (or SCP-style markers).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::Value;

use crate::ledger::LedgerData;
use crate::spec::{OperationSpec, OutputToken, Pagination};
use crate::synth::{hash_str, mix, Caches, Synth};

/// The data the mock serves.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Dataset {
    /// Each operation's documented response example, verbatim. Operations whose pages
    /// document none (Inspector2's) get seed-0 synthetic data: one page of three items.
    #[default]
    Examples,
    /// `pages` pages of `page_size` items (a request's own page-size member wins), the
    /// same for the same `seed`.
    Synthetic {
        pages: u32,
        page_size: u32,
        seed: u64,
    },
    /// A billing ledger: every operation with an `x-cloudcost-query` is answered as a query
    /// over it (its documented request still gets its documented response); the others
    /// get what [`Dataset::Examples`] gives.
    Ledger(LedgerData),
}

/// The most items a synthetic dataset may hold (2^40, about 10^12). Item numbers are
/// multiplied in the synthetic values (a day per item for dates, a few slots per item for
/// nested lists), and below this bound none of those products can overflow a `u64`.
pub(crate) const MAX_ITEMS: u64 = 1 << 40;

impl Dataset {
    /// Why this dataset cannot be served, if it cannot.
    pub(crate) fn check(&self) -> Result<(), String> {
        if let Dataset::Synthetic {
            pages, page_size, ..
        } = self
        {
            // Cannot overflow: (2^32 - 1)^2 < 2^64.
            let total = u64::from(*pages) * u64::from(*page_size);
            if total > MAX_ITEMS {
                return Err(format!(
                    "a synthetic dataset of {pages} pages of {page_size} items has {total} \
                     items; at most {MAX_ITEMS} are supported"
                ));
            }
        }
        Ok(())
    }
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

/// The response body for a valid `request` (its JSON form) to `op`.
pub(crate) fn respond(
    op: &OperationSpec,
    dataset: &Dataset,
    request: &Value,
    caches: &Caches,
) -> Result<Vec<u8>, Refusal> {
    if let Dataset::Ledger(data) = dataset {
        return match crate::ledger::respond(op, data, request) {
            Some(answer) => answer,
            None => respond(op, &Dataset::Examples, request, caches),
        };
    }
    let (pages, page_size, seed) = match dataset {
        Dataset::Examples => match op.examples.first() {
            Some(example) => {
                // A documented example is one page: a token is one we never issued. A marker
                // is only an item id (the documented SCP request carries one), so it gets the
                // example too.
                if let Some(p) = &op.pagination {
                    if let (Some(token), OutputToken::Member(_)) =
                        (token_of(request, p), &p.output_token)
                    {
                        return Err(Refusal::InvalidToken(format!(
                            "{} {token:?} was not issued by this server",
                            p.input_token
                        )));
                    }
                }
                return Ok(example.as_bytes().to_vec());
            }
            None => (1, 3, 0),
        },
        Dataset::Synthetic {
            pages,
            page_size,
            seed,
        } => (*pages, *page_size, *seed),
        // Answered above.
        Dataset::Ledger(_) => (1, 3, 0),
    };
    let root = caches.schemas.get(op.response_schema);
    let synth = Synth::new(&root, seed, &caches.patterns);
    let Some(p) = &op.pagination else {
        return (op.encode_response)(synth.value(&root, "", 0)).map_err(Refusal::Internal);
    };
    // Cannot overflow: (2^32 - 1)^2 < 2^64.
    let total = u64::from(pages) * u64::from(page_size);
    let size = p
        .page_size
        .and_then(|m| request.get(m))
        .and_then(Value::as_u64)
        .filter(|n| *n > 0)
        .unwrap_or(u64::from(page_size).max(1));
    let fingerprint = fingerprint(request, p);
    let past_the_end =
        || Refusal::InvalidToken(format!("{} points past the end of the data", p.input_token));
    // Every offset below is checked against `total` before use, so a token or marker
    // crafted to overflow is refused like any other token this server did not issue.
    let offset = match token_of(request, p) {
        None => 0,
        Some(token) => match p.output_token {
            OutputToken::Member(_) => {
                // Tokens are issued only for an item after the first page and inside the data.
                let offset = decode_token(token, fingerprint, p)?;
                if offset == 0 || offset >= total {
                    return Err(past_the_end());
                }
                offset
            }
            OutputToken::FromLastItem(member) => {
                // The marker names the last item served; the page starts after it. A
                // marker past the last item is not the id of an item this server served.
                let index = decode_marker(token, member, p)?;
                if index >= total {
                    return Err(past_the_end());
                }
                index.checked_add(1).ok_or_else(past_the_end)?
            }
        },
    };
    if offset > total {
        return Err(past_the_end());
    }
    // A page size of up to u64::MAX is the request's to ask: the page runs to the end.
    let end = offset.saturating_add(size).min(total);
    let item_schema = root
        .get("properties")
        .and_then(|props| props.get(p.items))
        .and_then(|list| list.get("items"))
        .cloned()
        .ok_or_else(|| {
            Refusal::Internal(format!("{}: no item schema for `{}`", op.name, p.items))
        })?;
    let items: Vec<Value> = (offset..end)
        .map(|i| {
            let mut item = synth.value(&item_schema, p.items, i);
            if let (OutputToken::FromLastItem(member), Some(obj)) =
                (&p.output_token, item.as_object_mut())
            {
                obj.insert(member.to_string(), Value::String(marker(member, i)));
            }
            item
        })
        .collect();
    let mut page = synth.value(&root, "", offset / size);
    let obj = page
        .as_object_mut()
        .ok_or_else(|| Refusal::Internal(format!("{}: the response is not an object", op.name)))?;
    obj.insert(p.items.to_string(), Value::Array(items));
    if let OutputToken::Member(member) = p.output_token {
        obj.remove(member);
        if end < total {
            obj.insert(member.to_string(), Value::String(token(fingerprint, end)));
        }
    }
    (op.encode_response)(page).map_err(Refusal::Internal)
}

fn token_of<'v>(request: &'v Value, p: &Pagination) -> Option<&'v str> {
    request
        .get(p.input_token)
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty())
}

/// What identifies "the same query": the request without its token and page size, whose
/// JSON keys serde_json keeps sorted.
fn fingerprint(request: &Value, p: &Pagination) -> u64 {
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
fn token(fingerprint: u64, offset: u64) -> String {
    URL_SAFE_NO_PAD.encode(format!("cc1.{fingerprint:016x}.{offset}"))
}

fn decode_token(token: &str, fingerprint: u64, p: &Pagination) -> Result<u64, Refusal> {
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
fn marker(member: &str, index: u64) -> String {
    format!("{member}-{index:08}")
}

/// The item number a marker names. Only digits, as [`marker`] writes them: `parse` alone
/// would also take `+7`. A number beyond `u64` fails to parse and is refused.
fn decode_marker(marker: &str, member: &str, p: &Pagination) -> Result<u64, Refusal> {
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
