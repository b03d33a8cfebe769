//! Streams of pages and of items for paged operations.
//!
//! The rules, the same for every API family:
//!
//! - a stream ends when the next token is **absent or empty** (a service may send `""`
//!   instead of omitting the member; following it would refetch the first page);
//! - a token **already seen in this stream** is an error, [`PaginationError::RepeatedToken`],
//!   and ends the stream: a service bug must not become an endless loop in a nightly job;
//! - a **failing page** (after the client's retries) is yielded as
//!   [`PaginationError::Page`] and ends the stream; pages and items already yielded stay
//!   with the caller;
//! - a stream fetches at most [`PageLimits::max_pages`] pages
//!   ([`PaginationError::TooManyPages`]) and, when set, ends at its
//!   [`PageLimits::deadline`] ([`PaginationError::Deadline`]): a server handing out a
//!   fresh token forever cannot keep a job paging forever.
//!
//! Repeated tokens are found by 64-bit hashes (keyed per stream, so a server cannot aim
//! collisions), not by keeping the tokens: memory per page is 8 bytes whatever the
//! tokens' length, and the page limit bounds the count.
//!
//! Nothing here knows an API: the generated client passes how to read the next token from
//! a page and how to put it into the request (the spec's `x-cloudcost-pagination`).

use std::collections::HashSet;
use std::fmt;
use std::future::Future;
use std::hash::BuildHasher;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_core::Stream;

/// Longest token prefix shown in errors: tokens are opaque, can be kilobytes long and may
/// encode query details, so errors carry only a prefix.
const TOKEN_PREVIEW_CHARS: usize = 16;

/// Bounds of one page stream; the client's [`Config`](crate::Config) sets them
/// (`max_pages`, `page_stream_deadline`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageLimits {
    /// The most pages fetched.
    pub max_pages: usize,
    /// How long the whole stream may take, from its creation.
    pub deadline: Option<Duration>,
}

impl Default for PageLimits {
    fn default() -> Self {
        PageLimits {
            max_pages: crate::config::DEFAULT_MAX_PAGES,
            deadline: None,
        }
    }
}

/// Why a page stream stopped early.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PaginationError<E> {
    /// Fetching a page failed (after the client's retries). The call's error is the
    /// `source()`, so the chain goes on to the service's modelled error.
    #[error("fetching a page failed")]
    Page(#[source] E),
    /// The service returned a next-page token this stream had already followed.
    #[error("the service repeated the page token `{token_preview}`; stopping instead of looping")]
    RepeatedToken {
        /// The start of the token (at most 16 characters, then `…`).
        token_preview: String,
    },
    /// The stream fetched `max_pages` pages and the service still had a next token.
    #[error(
        "stopped after max_pages = {max_pages} pages; the service still had a next page token"
    )]
    TooManyPages {
        /// The limit.
        max_pages: usize,
    },
    /// The stream's deadline passed.
    #[error("the page stream's deadline of {after:?} passed")]
    Deadline {
        /// The deadline, from the stream's creation.
        after: Duration,
    },
}

fn preview(token: &str) -> String {
    let mut chars = token.chars();
    let mut out: String = chars.by_ref().take(TOKEN_PREVIEW_CHARS).collect();
    if chars.next().is_some() {
        out.push('…');
    }
    out
}

enum PagerState<Req, E> {
    Fetch(Req),
    Fail(PaginationError<E>),
    Done,
}

/// A stream of pages.
///
/// - `initial`: the first request (any token it carries is where the stream starts);
/// - `fetch`: sends one request (with the client's retries) and decodes the page;
/// - `next_token`: the page's next-page token, if any;
/// - `set_token`: puts a token into the request for the next page.
///
/// Only the tokens seen and the next request are kept between pages.
pub fn pages<Req, Page, E, F, Fut, N, S>(
    limits: PageLimits,
    initial: Req,
    fetch: F,
    next_token: N,
    set_token: S,
) -> impl Stream<Item = Result<Page, PaginationError<E>>>
where
    Req: Clone,
    F: FnMut(Req) -> Fut,
    Fut: Future<Output = Result<Page, E>>,
    N: Fn(&Page) -> Option<String>,
    S: Fn(&mut Req, String),
{
    struct Pager<F, N, S> {
        fetch: F,
        next_token: N,
        set_token: S,
        seen: HashSet<u64>,
        hasher: std::collections::hash_map::RandomState,
        fetched: usize,
        limits: PageLimits,
        deadline: Option<tokio::time::Instant>,
    }
    let pager = Pager {
        fetch,
        next_token,
        set_token,
        seen: HashSet::new(),
        hasher: std::collections::hash_map::RandomState::new(),
        fetched: 0,
        limits,
        deadline: limits.deadline.map(|d| tokio::time::Instant::now() + d),
    };
    futures_util::stream::unfold(
        (PagerState::Fetch(initial), pager),
        |(state, mut pager)| async move {
            let request = match state {
                PagerState::Done => return None,
                PagerState::Fail(error) => return Some((Err(error), (PagerState::Done, pager))),
                PagerState::Fetch(request) => request,
            };
            let fetched = match (pager.deadline, pager.limits.deadline) {
                (Some(at), Some(after)) => {
                    match tokio::time::timeout_at(at, (pager.fetch)(request.clone())).await {
                        Ok(result) => result,
                        Err(_) => {
                            let error = PaginationError::Deadline { after };
                            return Some((Err(error), (PagerState::Done, pager)));
                        }
                    }
                }
                _ => (pager.fetch)(request.clone()).await,
            };
            let page = match fetched {
                Ok(page) => page,
                Err(error) => {
                    return Some((Err(PaginationError::Page(error)), (PagerState::Done, pager)))
                }
            };
            pager.fetched += 1;
            let next = match (pager.next_token)(&page) {
                None => PagerState::Done,
                Some(token) if token.is_empty() => PagerState::Done,
                Some(_) if pager.fetched >= pager.limits.max_pages => {
                    PagerState::Fail(PaginationError::TooManyPages {
                        max_pages: pager.limits.max_pages,
                    })
                }
                Some(token) if !pager.seen.insert(pager.hasher.hash_one(&token)) => {
                    tracing::warn!(
                        token_preview = %preview(&token),
                        "service repeated a page token; ending the stream"
                    );
                    PagerState::Fail(PaginationError::RepeatedToken {
                        token_preview: preview(&token),
                    })
                }
                Some(token) => {
                    let mut request = request;
                    (pager.set_token)(&mut request, token);
                    PagerState::Fetch(request)
                }
            };
            Some((Ok(page), (next, pager)))
        },
    )
}

/// The next marker of marker-style paging (SCP `ListUsages`: `limit` / `marker`).
///
/// SCP's next marker is the `id` of the **last item** of the page. There is no explicit
/// "more" flag, so the rule is:
///
/// - an **empty** page ends the stream;
/// - a page with **fewer than `limit`** items is the last one (the service had no more to
///   fill it with);
/// - a full page continues with `marker = id(last item)`; if that item has no id (SCP
///   documents every field as optional), paging cannot continue and ends there;
/// - with no `limit` in the request the service's page size is unknown, so only an empty
///   page (or a missing id) ends the stream — set a `limit` to save that last request.
///
/// A page of exactly `limit` items that happens to be the last costs one more request,
/// which returns an empty page.
pub fn marker_from_last_item<Item>(
    items: &[Item],
    limit: Option<u32>,
    id: impl Fn(&Item) -> Option<&str>,
) -> Option<String> {
    let last = items.last()?;
    if let Some(limit) = limit {
        if u32::try_from(items.len()).is_ok_and(|len| len < limit) {
            return None;
        }
    }
    id(last).filter(|id| !id.is_empty()).map(str::to_owned)
}

pin_project_lite::pin_project! {
    /// A stream of items over a stream of pages; see [`items`].
    #[must_use = "streams do nothing unless polled"]
    pub struct Items<P, F, Item> {
        #[pin]
        pages: P,
        extract: F,
        current: std::vec::IntoIter<Item>,
        remaining: Option<usize>,
        done: bool,
    }
}

/// Flattens a page stream into its items.
///
/// Only the current page's items are held; a page is dropped as soon as `extract` has
/// taken its items. An error from the page stream is yielded after every item of the
/// pages before it, and ends the stream.
pub fn items<P, F, Page, Item, E>(pages: P, extract: F) -> Items<P, F, Item>
where
    P: Stream<Item = Result<Page, PaginationError<E>>>,
    F: FnMut(Page) -> Vec<Item>,
{
    Items {
        pages,
        extract,
        current: Vec::new().into_iter(),
        remaining: None,
        done: false,
    }
}

impl<P, F, Item> Items<P, F, Item> {
    /// Stops after `max_items` items, without fetching pages beyond the one that
    /// holds the last of them.
    pub fn max_items(mut self, max_items: usize) -> Self {
        self.remaining = Some(max_items);
        self
    }
}

impl<P, F, Page, Item, E> Stream for Items<P, F, Item>
where
    P: Stream<Item = Result<Page, PaginationError<E>>>,
    F: FnMut(Page) -> Vec<Item>,
{
    type Item = Result<Item, PaginationError<E>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let mut this = self.project();
        loop {
            if *this.done || *this.remaining == Some(0) {
                *this.done = true;
                return Poll::Ready(None);
            }
            if let Some(item) = this.current.next() {
                if let Some(remaining) = this.remaining.as_mut() {
                    *remaining = remaining.saturating_sub(1);
                }
                return Poll::Ready(Some(Ok(item)));
            }
            match this.pages.as_mut().poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Ok(page))) => {
                    *this.current = (this.extract)(page).into_iter();
                }
                Poll::Ready(Some(Err(error))) => {
                    *this.done = true;
                    return Poll::Ready(Some(Err(error)));
                }
                Poll::Ready(None) => {
                    *this.done = true;
                    return Poll::Ready(None);
                }
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        if self.done {
            return (0, Some(0));
        }
        let buffered = self.current.len();
        let low = self.remaining.map_or(buffered, |r| buffered.min(r));
        (low, self.remaining)
    }
}

impl<P, F, Item> fmt::Debug for Items<P, F, Item> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Items")
            .field("buffered", &self.current.len())
            .field("remaining", &self.remaining)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::StreamExt;
    use std::cell::RefCell;
    use std::collections::HashMap;

    #[derive(Debug, Clone, Default, PartialEq)]
    struct Request {
        token: Option<String>,
    }

    #[derive(Debug, Clone, PartialEq)]
    struct Page {
        items: Vec<u32>,
        next: Option<String>,
    }

    fn page(items: &[u32], next: Option<&str>) -> Page {
        Page {
            items: items.to_vec(),
            next: next.map(str::to_owned),
        }
    }

    /// A fake service: answers by the request's token (None = first page), and records
    /// every token it was asked for.
    struct Service {
        pages: HashMap<Option<String>, Result<Page, String>>,
        calls: RefCell<Vec<Option<String>>>,
    }

    impl Service {
        fn new(pages: Vec<(Option<&str>, Result<Page, &str>)>) -> Self {
            Service {
                pages: pages
                    .into_iter()
                    .map(|(k, v)| (k.map(str::to_owned), v.map_err(str::to_owned)))
                    .collect(),
                calls: RefCell::new(Vec::new()),
            }
        }

        fn pages(&self) -> impl Stream<Item = Result<Page, PaginationError<String>>> + '_ {
            pages(
                PageLimits::default(),
                Request::default(),
                move |req: Request| {
                    self.calls.borrow_mut().push(req.token.clone());
                    let answer = self
                        .pages
                        .get(&req.token)
                        .cloned()
                        .unwrap_or_else(|| Err(format!("no page for {:?}", req.token)));
                    async move { answer }
                },
                |p: &Page| p.next.clone(),
                |r: &mut Request, t| r.token = Some(t),
            )
        }

        fn calls(&self) -> Vec<Option<String>> {
            self.calls.borrow().clone()
        }
    }

    fn extract(p: Page) -> Vec<u32> {
        p.items
    }

    #[tokio::test]
    async fn three_pages_in_order() {
        let service = Service::new(vec![
            (None, Ok(page(&[1, 2], Some("a")))),
            (Some("a"), Ok(page(&[3, 4], Some("b")))),
            (Some("b"), Ok(page(&[5], None))),
        ]);
        let got: Vec<_> = service.pages().collect().await;
        assert_eq!(
            got,
            vec![
                Ok(page(&[1, 2], Some("a"))),
                Ok(page(&[3, 4], Some("b"))),
                Ok(page(&[5], None)),
            ]
        );
        assert_eq!(
            service.calls(),
            vec![None, Some("a".into()), Some("b".into())]
        );

        let items: Vec<_> = items(service.pages(), extract).collect().await;
        assert_eq!(items, vec![Ok(1), Ok(2), Ok(3), Ok(4), Ok(5)]);
    }

    #[tokio::test]
    async fn repeated_token_is_an_error_after_the_pages_before_it() {
        let long = "b".repeat(40);
        let service = Service::new(vec![
            (None, Ok(page(&[1], Some("a")))),
            (Some("a"), Ok(page(&[2], Some(&long)))),
            (Some(long.as_str()), Ok(page(&[3], Some("a")))),
        ]);
        let got: Vec<_> = service.pages().collect().await;
        assert_eq!(got.len(), 4);
        assert_eq!(got[0], Ok(page(&[1], Some("a"))));
        assert_eq!(got[1], Ok(page(&[2], Some(&long))));
        assert_eq!(got[2], Ok(page(&[3], Some("a"))));
        assert_eq!(
            got[3],
            Err(PaginationError::RepeatedToken {
                token_preview: "a".into()
            })
        );
        // The repeated token was never requested again.
        assert_eq!(service.calls().len(), 3);

        // Long tokens are shown only by a prefix.
        let service = Service::new(vec![
            (None, Ok(page(&[1], Some(&long)))),
            (Some(long.as_str()), Ok(page(&[2], Some(&long)))),
        ]);
        let items: Vec<_> = items(service.pages(), extract).collect().await;
        let preview = format!("{}…", "b".repeat(16));
        assert_eq!(
            items,
            vec![
                Ok(1),
                Ok(2),
                Err(PaginationError::RepeatedToken {
                    token_preview: preview.clone()
                })
            ]
        );
        let message = items[2].as_ref().unwrap_err().to_string();
        assert!(
            message.contains(&preview) && !message.contains(&long),
            "{message}"
        );
    }

    #[tokio::test]
    async fn failing_page_ends_the_stream_after_earlier_items() {
        let service = Service::new(vec![
            (None, Ok(page(&[1, 2], Some("a")))),
            (Some("a"), Err("throttled for good")),
            (Some("b"), Ok(page(&[5], None))),
        ]);
        let got: Vec<_> = items(service.pages(), extract).collect().await;
        assert_eq!(
            got,
            vec![
                Ok(1),
                Ok(2),
                Err(PaginationError::Page("throttled for good".to_string()))
            ]
        );
        assert_eq!(service.calls(), vec![None, Some("a".into())]);
    }

    /// A server that hands out a fresh token forever, each page after `delay`.
    fn endless(
        limits: PageLimits,
        delay: Duration,
    ) -> impl Stream<Item = Result<Page, PaginationError<String>>> {
        pages(
            limits,
            Request::default(),
            move |req: Request| async move {
                tokio::time::sleep(delay).await;
                let n: u64 = req
                    .token
                    .as_deref()
                    .and_then(|t| t.split('-').next()?.parse().ok())
                    .unwrap_or(0);
                // Long tokens: only their hashes are kept.
                let next = format!("{}-{}", n + 1, "x".repeat(4096));
                Ok::<_, String>(page(&[], Some(&next)))
            },
            |p: &Page| p.next.clone(),
            |r: &mut Request, t| r.token = Some(t),
        )
    }

    #[tokio::test]
    async fn fresh_tokens_forever_stop_at_max_pages() {
        let limits = PageLimits {
            max_pages: 25,
            deadline: None,
        };
        let got: Vec<_> = endless(limits, Duration::ZERO).collect().await;
        assert_eq!(got.len(), 26);
        assert!(got[..25].iter().all(Result::is_ok));
        assert_eq!(
            got[25],
            Err(PaginationError::TooManyPages { max_pages: 25 })
        );
        assert_eq!(
            got[25].as_ref().unwrap_err().to_string(),
            "stopped after max_pages = 25 pages; the service still had a next page token"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_stream_deadline_ends_a_slow_endless_stream() {
        let limits = PageLimits {
            max_pages: usize::MAX,
            deadline: Some(Duration::from_secs(10)),
        };
        // A page every 3 s: pages at 3, 6 and 9 s, the fourth is cut at 10 s.
        let got: Vec<_> = endless(limits, Duration::from_secs(3)).collect().await;
        assert_eq!(got.len(), 4);
        assert!(got[..3].iter().all(Result::is_ok));
        assert_eq!(
            got[3],
            Err(PaginationError::Deadline {
                after: Duration::from_secs(10)
            })
        );
    }

    #[tokio::test]
    async fn a_token_at_the_page_limit_is_not_fetched_but_a_last_page_is_fine() {
        let service = Service::new(vec![
            (None, Ok(page(&[1], Some("a")))),
            (Some("a"), Ok(page(&[2], None))),
        ]);
        let limited = |max_pages| {
            pages(
                PageLimits {
                    max_pages,
                    deadline: None,
                },
                Request::default(),
                |req: Request| {
                    service.calls.borrow_mut().push(req.token.clone());
                    let answer = service.pages.get(&req.token).cloned().unwrap();
                    async move { answer }
                },
                |p: &Page| p.next.clone(),
                |r: &mut Request, t| r.token = Some(t),
            )
        };
        let got: Vec<_> = items(limited(2), extract).collect().await;
        assert_eq!(got, vec![Ok(1), Ok(2)]);
        let got: Vec<_> = items(limited(1), extract).collect().await;
        assert_eq!(
            got,
            vec![Ok(1), Err(PaginationError::TooManyPages { max_pages: 1 })]
        );
    }

    #[tokio::test]
    async fn failing_first_page_yields_only_the_error() {
        let service = Service::new(vec![(None, Err("denied"))]);
        let got: Vec<_> = service.pages().collect().await;
        assert_eq!(got, vec![Err(PaginationError::Page("denied".to_string()))]);
        assert_eq!(service.calls().len(), 1);
    }

    #[test]
    fn streams_are_send_when_their_parts_are() {
        fn assert_send<T: Send>(_: &T) {}
        let stream = pages(
            PageLimits::default(),
            Request::default(),
            |_req: Request| async { Ok::<_, String>(page(&[1], None)) },
            |p: &Page| p.next.clone(),
            |r: &mut Request, t| r.token = Some(t),
        );
        let stream = items(stream, extract).max_items(1);
        assert_send(&stream);
    }

    #[tokio::test]
    async fn empty_token_ends_the_stream() {
        let service = Service::new(vec![
            (None, Ok(page(&[1], Some("a")))),
            (Some("a"), Ok(page(&[2], Some("")))),
            (Some(""), Ok(page(&[99], None))),
        ]);
        let got: Vec<_> = items(service.pages(), extract).collect().await;
        assert_eq!(got, vec![Ok(1), Ok(2)]);
        assert_eq!(service.calls().len(), 2);
    }

    #[tokio::test]
    async fn max_items_stops_without_fetching_further_pages() {
        let service = Service::new(vec![
            (None, Ok(page(&[1, 2], Some("a")))),
            (Some("a"), Ok(page(&[3, 4], Some("b")))),
            (Some("b"), Ok(page(&[5], None))),
        ]);
        let got: Vec<_> = items(service.pages(), extract).max_items(3).collect().await;
        assert_eq!(got, vec![Ok(1), Ok(2), Ok(3)]);
        assert_eq!(service.calls().len(), 2);

        let got: Vec<_> = items(service.pages(), extract).max_items(0).collect().await;
        assert!(got.is_empty());

        let got: Vec<_> = items(service.pages(), extract)
            .max_items(100)
            .collect()
            .await;
        assert_eq!(got.len(), 5);
    }

    #[derive(Debug, Clone)]
    struct Usage {
        id: Option<String>,
    }

    fn usages(ids: &[&str]) -> Vec<Usage> {
        ids.iter()
            .map(|id| Usage {
                id: Some((*id).to_owned()),
            })
            .collect()
    }

    fn usage_id(u: &Usage) -> Option<&str> {
        u.id.as_deref()
    }

    #[test]
    fn marker_is_the_last_id_of_a_full_page() {
        assert_eq!(
            marker_from_last_item(&usages(&["u1", "u2"]), Some(2), usage_id),
            Some("u2".to_owned())
        );
        // Short page: the last one.
        assert_eq!(
            marker_from_last_item(&usages(&["u1"]), Some(2), usage_id),
            None
        );
        // Empty page: the last one, with or without a limit.
        assert_eq!(marker_from_last_item(&usages(&[]), Some(2), usage_id), None);
        assert_eq!(marker_from_last_item(&usages(&[]), None, usage_id), None);
        // No limit: any non-empty page continues.
        assert_eq!(
            marker_from_last_item(&usages(&["u1"]), None, usage_id),
            Some("u1".to_owned())
        );
        // A last item without an id cannot give a marker.
        let no_id = vec![Usage { id: None }];
        assert_eq!(marker_from_last_item(&no_id, Some(1), usage_id), None);
    }

    #[tokio::test]
    async fn marker_paging_stops_on_a_short_page() {
        #[derive(Debug, Clone, Default)]
        struct ListUsages {
            limit: Option<u32>,
            marker: Option<String>,
        }
        let all: Vec<String> = (1..=7).map(|i| format!("u{i}")).collect();
        let calls = RefCell::new(Vec::new());
        let request = ListUsages {
            limit: Some(3),
            marker: None,
        };
        let stream = pages(
            PageLimits::default(),
            request.clone(),
            |req: ListUsages| {
                calls.borrow_mut().push(req.marker.clone());
                let start = req
                    .marker
                    .as_ref()
                    .and_then(|m| all.iter().position(|id| id == m))
                    .map_or(0, |i| i + 1);
                let limit = req.limit.unwrap_or(1000) as usize;
                let page: Vec<Usage> = all
                    .iter()
                    .skip(start)
                    .take(limit)
                    .map(|id| Usage {
                        id: Some(id.clone()),
                    })
                    .collect();
                async move { Ok::<_, String>(page) }
            },
            |page: &Vec<Usage>| marker_from_last_item(page, request.limit, usage_id),
            |req: &mut ListUsages, marker| req.marker = Some(marker),
        );
        let got: Vec<String> = items(stream, |page: Vec<Usage>| page)
            .map(|item| item.unwrap().id.unwrap())
            .collect()
            .await;
        assert_eq!(got, all);
        // Pages of 3, 3 and 1: the short third page ends paging.
        assert_eq!(
            calls.into_inner(),
            vec![None, Some("u3".to_owned()), Some("u6".to_owned())]
        );
    }

    #[test]
    fn items_debug_and_size_hint() {
        let stream = items(
            futures_util::stream::empty::<Result<Page, PaginationError<String>>>(),
            extract,
        )
        .max_items(4);
        assert_eq!(stream.size_hint(), (0, Some(4)));
        assert!(format!("{stream:?}").contains("remaining: Some(4)"));
    }
}
