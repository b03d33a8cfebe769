//! What a valid request gets back: the documented example, or a page of a deterministic
//! synthetic dataset linked by opaque tokens (or SCP-style markers).

use serde_json::Value;

use crate::ledger::{AnswerCache, LedgerData};
use crate::paging::{decode_marker, decode_token, fingerprint, marker, token, token_of, Refusal};
use crate::spec::{OperationSpec, OutputToken};
use crate::synth::{PatternCache, SchemaCache, Synth};

/// What every request would otherwise redo: compiled `pattern`s, parsed schemas, and the
/// last ledger answer (which the pages of one answer share).
#[derive(Default)]
pub struct Caches {
    pub patterns: PatternCache,
    pub schemas: SchemaCache,
    pub answers: AnswerCache,
}

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

/// The response body for a valid `request` (its JSON form) to `op`.
pub(crate) fn respond(
    op: &OperationSpec,
    dataset: &Dataset,
    request: &Value,
    caches: &Caches,
) -> Result<Vec<u8>, Refusal> {
    if let Dataset::Ledger(data) = dataset {
        return match crate::ledger::respond(op, data, request, &caches.answers, &caches.schemas) {
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
