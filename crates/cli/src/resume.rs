//! Resuming a listing that `--max-items` cut short, as the AWS CLI does: the output gains
//! a `NextToken`, and `--starting-token <it>` continues from the next item. The token
//! names the page that holds that item (the service token or marker that fetched it) and
//! how many of its items were already printed, so a cut in the middle of a page loses
//! nothing and repeats nothing.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

use crate::call::{OutputToken, Pagination};
use crate::json::Json;

/// The output member that carries the resume token (the AWS CLI's name).
pub const NEXT_TOKEN: &str = "NextToken";

/// Where a listing continues.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Resume {
    /// The service token (or SCP marker) that fetches the page holding the next item;
    /// `None` for the first page.
    pub token: Option<String>,
    /// How many items of that page were already printed.
    pub skip: usize,
}

impl Resume {
    /// The opaque text printed as `NextToken`.
    pub fn encode(&self) -> String {
        let mut doc = Json::Object(Vec::new());
        doc.set("token", self.token.clone().map_or(Json::Null, Json::String));
        doc.set("skip", Json::Number(self.skip.to_string()));
        URL_SAFE_NO_PAD.encode(doc.to_compact())
    }

    /// Reads a `--starting-token` value.
    pub fn decode(text: &str) -> Result<Resume, String> {
        let invalid = |why: &str| {
            format!("--starting-token: not a token printed by cloudcost as {NEXT_TOKEN} ({why})")
        };
        let bytes = URL_SAFE_NO_PAD
            .decode(text.trim())
            .map_err(|_| invalid("not base64url"))?;
        let doc = std::str::from_utf8(&bytes)
            .ok()
            .and_then(|t| Json::parse(t).ok())
            .ok_or_else(|| invalid("not JSON inside"))?;
        let token = match doc.get("token") {
            Some(Json::String(s)) => Some(s.clone()),
            Some(Json::Null) | None => None,
            Some(_) => return Err(invalid("`token` is not a string")),
        };
        let skip = match doc.get("skip") {
            Some(Json::Number(n)) => n.parse().map_err(|_| invalid("`skip` is not a count"))?,
            _ => return Err(invalid("no `skip`")),
        };
        Ok(Resume { token, skip })
    }
}

/// The token that fetches the page after `page`, if the service signals one. For marker
/// paging (SCP) that is the last item's id, unless the page came back short of the
/// requested size, which is how such a listing ends.
pub fn next_page_token(page: &Json, p: &Pagination, request: &Json) -> Option<String> {
    match p.output_token {
        OutputToken::Member(member) => match page.get(member) {
            Some(Json::String(t)) if !t.is_empty() => Some(t.clone()),
            _ => None,
        },
        OutputToken::FromLastItem(member) => {
            let Some(Json::Array(items)) = page.get(p.items) else {
                return None;
            };
            let limit = p.page_size.and_then(|s| match request.get(s) {
                Some(Json::Number(n)) => n.parse::<usize>().ok(),
                _ => None,
            });
            if items.is_empty() || limit.is_some_and(|l| items.len() < l) {
                return None;
            }
            match items.last().and_then(|i| i.get(member)) {
                Some(Json::String(s)) => Some(s.clone()),
                Some(Json::Number(n)) => Some(n.clone()),
                _ => None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_garbage_is_refused() {
        for r in [
            Resume::default(),
            Resume {
                token: Some("abc/\"def\"".into()),
                skip: 7,
            },
        ] {
            assert_eq!(Resume::decode(&r.encode()), Ok(r));
        }
        let e = Resume::decode("%%%").unwrap_err();
        assert!(e.contains("--starting-token"), "{e}");
        let e = Resume::decode(&URL_SAFE_NO_PAD.encode("{\"token\": 1, \"skip\": 0}")).unwrap_err();
        assert!(e.contains("`token`"), "{e}");
    }
}
