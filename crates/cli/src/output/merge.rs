//! Merging pages the way the AWS CLI does, or, page by page, cutting each to the items that
//! belong to the output (`--starting-token`, `--max-items`) and keeping where to resume.

use crate::call::{OutputToken, Pagination};
use crate::json::Json;
use crate::resume::{next_page_token, Resume, NEXT_TOKEN};

/// The number of items in a page (0 when it has no item list).
pub fn item_count(page: &Json, pagination: Option<&Pagination>) -> usize {
    match pagination.and_then(|p| page.get(p.items)) {
        Some(Json::Array(items)) => items.len(),
        _ => 0,
    }
}

/// How to merge pages: the AWS CLI's rules, and where the listing started.
#[derive(Clone, Debug, Default)]
pub struct MergeOptions {
    /// Stop after this many items (`--max-items`).
    pub max_items: Option<usize>,
    /// Remove the output token member (the result is complete, or was cut on purpose).
    pub drop_token: bool,
    /// Where the first page starts (`--starting-token`): items of it already printed.
    pub start: Resume,
}

/// Merges pages the way the AWS CLI does: the first page's members, with the item lists
/// of all pages concatenated (minus the items `--starting-token` says were printed),
/// cut to `max_items`. When the cut leaves items behind, a `NextToken` member says where
/// to continue. `request` is the request as sent (its page size decides when SCP marker
/// paging has ended). Other top-level lists follow [`Merger::finish`]'s rule.
pub fn merge(
    pages: Vec<Json>,
    pagination: Option<&Pagination>,
    request: &Json,
    options: &MergeOptions,
) -> Json {
    let mut merger = Merger::new(pagination, request, options.clone(), true);
    for page in pages {
        if merger.done() {
            break;
        }
        merger.push(page);
    }
    merger.finish()
}

/// Pages taken one at a time, as they arrive: which items of each belong to the output
/// (`--starting-token`, `--max-items`), where a cut listing resumes, and, when the merged
/// document is wanted (`--output json`), that document. Without the document it keeps
/// only counters and the resume token, so table and CSV output can be written page by page
/// in flat memory.
#[derive(Debug)]
pub struct Merger<'a> {
    pagination: Option<&'a Pagination>,
    request: &'a Json,
    options: MergeOptions,
    /// Whether to build the merged document ([`Merger::finish`]).
    keep: bool,
    /// The first page (its items moved to `items`), when keeping the document.
    first: Option<Json>,
    /// Every page's items that belong to the output, when keeping the document.
    items: Vec<Json>,
    /// Whether any page had the item list member at all.
    had_items: bool,
    /// Top-level lists other than the items: per name, the value of each page that has
    /// it, in page order (when keeping the document).
    lists: Vec<(String, Vec<Vec<Json>>)>,
    pages: usize,
    /// Items taken so far (after `--starting-token`'s skip).
    taken: usize,
    /// The token that fetched the page being read, to resume from inside it.
    fetched_with: Option<String>,
    resume: Option<Resume>,
    done: bool,
}

impl<'a> Merger<'a> {
    /// `keep`: build the merged document; otherwise [`Merger::push`] hands each page back
    /// cut to its items to print, and nothing of it is kept.
    pub fn new(
        pagination: Option<&'a Pagination>,
        request: &'a Json,
        options: MergeOptions,
        keep: bool,
    ) -> Merger<'a> {
        let fetched_with = options.start.token.clone();
        Merger {
            pagination,
            request,
            options,
            keep,
            first: None,
            items: Vec::new(),
            had_items: false,
            lists: Vec::new(),
            pages: 0,
            taken: 0,
            fetched_with,
            resume: None,
            done: false,
        }
    }

    /// Whether `--max-items` is reached: no further page is needed.
    pub fn done(&self) -> bool {
        self.done
    }

    /// The `NextToken` to print when the listing was cut with items left.
    pub fn next_token(&self) -> Option<String> {
        self.resume.as_ref().map(Resume::encode)
    }

    /// Takes the next page. Without the document, returns the page with its item list cut
    /// to the items that belong to the output (the whole page when the operation does not
    /// page); with it, keeps what the document needs and returns `None`.
    pub fn push(&mut self, mut page: Json) -> Option<Json> {
        let k = self.pages;
        self.pages += 1;
        let Some(p) = self.pagination else {
            if !self.keep {
                return Some(page);
            }
            if self.first.is_none() {
                self.first = Some(page);
            }
            return None;
        };
        // Before the items are cut: marker paging (SCP) reads the last item.
        let next = next_page_token(&page, p, self.request);
        self.had_items |= page.get(p.items).is_some();
        let mut list = take_list(&mut page, p.items);
        let skip = if k == 0 { self.options.start.skip } else { 0 };
        let start = skip.min(list.len());
        let mut end = list.len();
        if self.done {
            end = start;
        } else if let Some(max) = self.options.max_items {
            let room = max.saturating_sub(self.taken);
            if end - start > room {
                // Cut inside this page: resume inside it, with the token that fetched it.
                end = start + room;
                self.resume = Some(Resume {
                    token: self.fetched_with.clone(),
                    skip: end,
                });
                self.done = true;
            }
        }
        list.truncate(end);
        list.drain(..start);
        self.taken += list.len();
        if !self.done {
            self.fetched_with = next;
            if self.options.max_items.is_some_and(|max| self.taken >= max) {
                // Cut exactly at a page's end: continue with the next page, if there is one.
                self.resume = self.fetched_with.clone().map(|token| Resume {
                    token: Some(token),
                    skip: 0,
                });
                self.done = true;
            }
        }
        if !self.keep {
            page.set(p.items, Json::Array(list));
            return Some(page);
        }
        self.items.extend(list);
        if let Json::Object(members) = &page {
            for (name, _) in members {
                if name == p.items {
                    continue;
                }
                let Some(Json::Array(value)) = page.get(name) else {
                    continue;
                };
                match self.lists.iter_mut().find(|(n, _)| n == name) {
                    Some((_, values)) if values.len() < self.pages => values.push(value.clone()),
                    // A repeated member name: `get` already gave its last value.
                    Some(_) => {}
                    None => self.lists.push((name.clone(), vec![value.clone()])),
                }
            }
        }
        if self.first.is_none() {
            self.first = Some(page);
        }
        None
    }

    /// The merged document (an empty object when no page came, or when it was not kept).
    ///
    /// Top-level lists other than the item list are merged by this rule: such a list is
    /// concatenated across pages, in page order (Cost Explorer's `DimensionValueAttributes`
    /// describes the dimension values of its own page's results), unless every page that
    /// carries it carries the same list: then it is kept once, because it echoes the
    /// request or does not depend on the page (`GroupDefinitions`, the request's
    /// `GroupBy`). It is a rule about values, not about named members, because nothing
    /// else says which member is which: the spec's pagination table names only the tokens
    /// and the item list, and the response schemas describe the echoed members in prose
    /// only. A page where the member is absent or not a list adds nothing; a list absent
    /// from the first page is appended after the first page's members. Members that are
    /// not lists (scalars, structures) stay the first page's, as the AWS CLI keeps them.
    pub fn finish(self) -> Json {
        let Some(mut merged) = self.first else {
            return Json::Object(Vec::new());
        };
        let Some(p) = self.pagination else {
            return merged;
        };
        if self.had_items {
            merged.set(p.items, Json::Array(self.items));
        }
        if self.pages > 1 {
            for (name, lists) in self.lists {
                let Some(first) = lists.first() else {
                    continue;
                };
                let value = if lists.iter().all(|list| list == first) {
                    first.clone()
                } else {
                    lists.into_iter().flatten().collect()
                };
                merged.set(&name, Json::Array(value));
            }
        }
        if self.options.drop_token {
            if let OutputToken::Member(token) = p.output_token {
                merged.remove(token);
            }
        }
        if let Some(resume) = self.resume {
            merged.set(NEXT_TOKEN, Json::String(resume.encode()));
        }
        merged
    }
}

/// Moves the list out of an object's member (the last one of that name, which is the one
/// [`Json::get`] reads); empty when there is none.
fn take_list(page: &mut Json, name: &str) -> Vec<Json> {
    if let Json::Object(members) = page {
        if let Some((_, Json::Array(list))) = members.iter_mut().rev().find(|(k, _)| k == name) {
            return std::mem::take(list);
        }
    }
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_concatenates_items_and_drops_the_token() {
        let p = Pagination {
            input_token: "nextToken",
            output_token: OutputToken::Member("nextToken"),
            page_size: Some("maxResults"),
            items: "totals",
        };
        let pages = vec![
            Json::parse(r#"{"totals":[1,2],"nextToken":"a"}"#).unwrap(),
            Json::parse(r#"{"totals":[3],"nextToken":"b"}"#).unwrap(),
            Json::parse(r#"{"totals":[4]}"#).unwrap(),
        ];
        let request = Json::Object(Vec::new());
        let all = MergeOptions {
            drop_token: true,
            ..MergeOptions::default()
        };
        assert_eq!(
            merge(pages.clone(), Some(&p), &request, &all).to_compact(),
            r#"{"totals":[1,2,3,4]}"#
        );
        // A cut inside the second page resumes inside it, fetched with token "a".
        let cut = MergeOptions {
            max_items: Some(2),
            ..all.clone()
        };
        let first = merge(pages.clone(), Some(&p), &request, &cut);
        assert_eq!(first.get("totals").unwrap().to_compact(), "[1,2]");
        let Some(Json::String(next)) = first.get(NEXT_TOKEN) else {
            panic!("no NextToken in {}", first.to_compact());
        };
        let resume = Resume::decode(next).unwrap();
        assert_eq!(
            resume,
            Resume {
                token: Some("a".into()),
                skip: 0
            }
        );
        let one = MergeOptions {
            max_items: Some(3),
            ..all.clone()
        };
        let cut3 = merge(pages.clone(), Some(&p), &request, &one);
        let Some(Json::String(next)) = cut3.get(NEXT_TOKEN) else {
            panic!("no NextToken");
        };
        assert_eq!(
            Resume::decode(next).unwrap(),
            Resume {
                token: Some("b".into()),
                skip: 0
            }
        );
        // Resuming from the middle of a page skips what was printed.
        let mid = MergeOptions {
            max_items: Some(1),
            ..all.clone()
        };
        let cut1 = merge(pages.clone(), Some(&p), &request, &mid);
        let Some(Json::String(next)) = cut1.get(NEXT_TOKEN) else {
            panic!("no NextToken");
        };
        let start = Resume::decode(next).unwrap();
        assert_eq!(
            start,
            Resume {
                token: None,
                skip: 1
            }
        );
        let rest = MergeOptions {
            start,
            ..all.clone()
        };
        assert_eq!(
            merge(pages.clone(), Some(&p), &request, &rest).to_compact(),
            r#"{"totals":[2,3,4]}"#
        );
        // The last item printed exactly: no token.
        let exact = MergeOptions {
            max_items: Some(4),
            ..all
        };
        assert_eq!(
            merge(pages, Some(&p), &request, &exact).get(NEXT_TOKEN),
            None
        );
    }

    #[test]
    fn merge_concatenates_other_lists_and_keeps_echoed_ones_once() {
        let p = Pagination {
            input_token: "NextPageToken",
            output_token: OutputToken::Member("NextPageToken"),
            page_size: None,
            items: "ResultsByTime",
        };
        let page = |day: &str, value: &str, token: Option<&str>| {
            let token = token.map_or(String::new(), |t| format!(r#","NextPageToken":"{t}""#));
            Json::parse(&format!(
                r#"{{"GroupDefinitions":[{{"Type":"DIMENSION","Key":"LINKED_ACCOUNT"}}],"ResultsByTime":[{{"TimePeriod":{{"Start":"2024-01-{day}","End":"2024-01-{day}"}}}}],"DimensionValueAttributes":[{{"Value":"{value}","Attributes":{{"description":"account {value}"}}}}]{token}}}"#
            ))
            .unwrap()
        };
        let pages = vec![
            page("01", "111111111111", Some("t1")),
            page("02", "222222222222", Some("t2")),
            page("03", "333333333333", None),
        ];
        let all = MergeOptions {
            drop_token: true,
            ..MergeOptions::default()
        };
        let request = Json::Object(Vec::new());
        assert_eq!(
            merge(pages.clone(), Some(&p), &request, &all).to_compact(),
            concat!(
                r#"{"GroupDefinitions":[{"Type":"DIMENSION","Key":"LINKED_ACCOUNT"}],"#,
                r#""ResultsByTime":[{"TimePeriod":{"Start":"2024-01-01","End":"2024-01-01"}},"#,
                r#"{"TimePeriod":{"Start":"2024-01-02","End":"2024-01-02"}},"#,
                r#"{"TimePeriod":{"Start":"2024-01-03","End":"2024-01-03"}}],"#,
                r#""DimensionValueAttributes":[{"Value":"111111111111","Attributes":{"description":"account 111111111111"}},"#,
                r#"{"Value":"222222222222","Attributes":{"description":"account 222222222222"}},"#,
                r#"{"Value":"333333333333","Attributes":{"description":"account 333333333333"}}]}"#
            )
        );
        // The rule is by value: a list equal on every page is kept once, whatever its
        // name; one absent from some pages (and from the first) is concatenated from the
        // pages that have it, after the first page's members.
        let pages = vec![
            Json::parse(r#"{"ResultsByTime":[1],"Same":["x"],"NextPageToken":"t1"}"#).unwrap(),
            Json::parse(r#"{"ResultsByTime":[2],"Same":["x"],"Late":["a"],"NextPageToken":"t2"}"#)
                .unwrap(),
            Json::parse(r#"{"ResultsByTime":[3],"Same":["x"],"Late":["b"]}"#).unwrap(),
        ];
        assert_eq!(
            merge(pages, Some(&p), &request, &all).to_compact(),
            r#"{"ResultsByTime":[1,2,3],"Same":["x"],"Late":["a","b"]}"#
        );
    }

    #[test]
    fn streaming_takes_the_same_items_and_token_as_the_merged_document() {
        let p = Pagination {
            input_token: "nextToken",
            output_token: OutputToken::Member("nextToken"),
            page_size: Some("maxResults"),
            items: "totals",
        };
        let pages = vec![
            Json::parse(r#"{"totals":[1,2],"nextToken":"a"}"#).unwrap(),
            Json::parse(r#"{"totals":[3],"nextToken":"b"}"#).unwrap(),
            Json::parse(r#"{"totals":[4]}"#).unwrap(),
        ];
        let request = Json::Object(Vec::new());
        for (max_items, skip, items, pushed, token) in [
            (None, 0, "[1,2,3,4]", 3, None),
            (
                Some(2),
                0,
                "[1,2]",
                1,
                Some(Resume {
                    token: Some("a".into()),
                    skip: 0,
                }),
            ),
            (
                Some(2),
                1,
                "[2,3]",
                2,
                Some(Resume {
                    token: Some("b".into()),
                    skip: 0,
                }),
            ),
            (
                Some(1),
                0,
                "[1]",
                1,
                Some(Resume {
                    token: None,
                    skip: 1,
                }),
            ),
            (Some(4), 0, "[1,2,3,4]", 3, None),
        ] {
            let options = MergeOptions {
                max_items,
                drop_token: true,
                start: Resume { token: None, skip },
            };
            let mut merger = Merger::new(Some(&p), &request, options.clone(), false);
            let mut streamed = Vec::new();
            let mut count = 0;
            for page in pages.clone() {
                if merger.done() {
                    break;
                }
                count += 1;
                if let Some(Json::Array(list)) = merger.push(page).unwrap().get("totals") {
                    streamed.extend(list.iter().cloned());
                }
            }
            let case = format!("max {max_items:?} skip {skip}");
            assert_eq!(Json::Array(streamed).to_compact(), items, "{case}");
            assert_eq!(count, pushed, "{case}: pages needed");
            assert_eq!(
                merger.next_token(),
                token.as_ref().map(Resume::encode),
                "{case}"
            );
            let merged = merge(pages.clone(), Some(&p), &request, &options);
            assert_eq!(merged.get("totals").unwrap().to_compact(), items, "{case}");
            assert_eq!(
                merged.get(NEXT_TOKEN),
                token.map(|t| Json::String(t.encode())).as_ref(),
                "{case}"
            );
        }
    }
}
