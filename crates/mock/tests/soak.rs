//! Fault-injection soak: paging through 200+ pages while a quarter of all requests fail in
//! every way the mock can fail must yield exactly the items of a fault-free run, in order:
//! nothing lost, nothing twice. The clients back off through a recording sleeper that
//! returns at once, so the test never sleeps and can count every wait.
//!
//! The faults are counted where the client receives them, not where the mock injects
//! them: the clients talk to the mock through a tap ([`WireTap`]), a TCP relay that reads
//! each answer as it passes (complete, with its status; cut short of its
//! `Content-Length`; or no byte before the connection closed). Each kind the mock says it
//! injected must arrive as that kind, and the client must retry each failed answer once,
//! so a fault that never reaches the wire, or reaches it as another fault, fails the test.

use std::collections::BTreeMap;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cloudcost_mock::{
    Dataset, FaultKind, Faults, MockConfig, MockServer, Stats, TestKeys, SLOW_DELAY,
};
use cloudcost_runtime::{Config, RetryBudgetConfig, RetryConfig, Sleep, StreamExt};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::Instant;

const PAGES: u32 = 210;
const PAGE_SIZE: u32 = 3;

fn mock(rate: f64) -> MockConfig {
    MockConfig {
        dataset: Dataset::Synthetic {
            pages: PAGES,
            page_size: PAGE_SIZE,
            seed: 11,
        },
        faults: Faults {
            rate,
            kinds: FaultKind::ALL.to_vec(),
            seed: 5,
        },
        ..MockConfig::default()
    }
}

/// A mock clock: records every wait the retry loop asks for and returns at once.
#[derive(Debug, Default)]
struct RecordingSleep(Mutex<Vec<Duration>>);

impl Sleep for RecordingSleep {
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(duration);
        Box::pin(std::future::ready(()))
    }
}

impl RecordingSleep {
    fn waits(&self) -> Vec<Duration> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

/// What reached the client through a [`WireTap`]: one count per answer (or missing
/// answer), by what arrived.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Seen {
    /// Complete 2xx answers.
    ok: u64,
    /// Complete answers that took [`SLOW_DELAY`] or more from the request's first byte.
    late: u64,
    /// Complete answers with status 429, or with a service's throttling error code.
    throttled: u64,
    /// Complete answers with status 500 / 503 (and no throttling code).
    status_500: u64,
    status_503: u64,
    /// Complete answers of any other status.
    other: BTreeMap<u16, u64>,
    /// Complete error answers with a `Retry-After` header.
    retry_after: u64,
    /// A status line, headers and 0 < n < `Content-Length` body bytes, then the end.
    truncated: u64,
    /// A request sent and the connection closed without a byte of an answer.
    unanswered: u64,
    /// Anything else before the end: part of a head, or a head with no body byte.
    garbled: u64,
}

impl Seen {
    /// The faults as they arrived, named by the fault that promises each: kinds seen
    /// zero times are absent, as in [`Stats::faults`]. `slow` is not among them: a late
    /// answer is a normal one, and any answer may be late on a loaded machine.
    fn faults(&self) -> BTreeMap<FaultKind, u64> {
        [
            (FaultKind::Throttle, self.throttled),
            (FaultKind::Http500, self.status_500),
            (FaultKind::Http503, self.status_503),
            (FaultKind::Reset, self.unanswered),
            (FaultKind::Truncate, self.truncated),
        ]
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .collect()
    }

    /// Answers the client could not use: each must cost it one retry.
    fn failed(&self) -> u64 {
        self.faults().values().sum::<u64>() + self.other.values().sum::<u64>() + self.garbled
    }

    /// Every request that got an answer, a part of one, or none.
    fn exchanges(&self) -> u64 {
        self.ok + self.failed()
    }
}

/// A TCP relay between the clients and the mock that reads the mock's answers as they
/// pass to the client, into [`Seen`]. It forwards bytes unchanged and closes each side as
/// the other closes; it never adds or holds back a byte.
struct WireTap {
    addr: SocketAddr,
    seen: Arc<Mutex<Seen>>,
    task: tokio::task::JoinHandle<()>,
}

impl WireTap {
    async fn start(mock: SocketAddr) -> WireTap {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the tap");
        let addr = listener.local_addr().expect("the tap's address");
        let seen = Arc::new(Mutex::new(Seen::default()));
        let task = {
            let seen = seen.clone();
            tokio::spawn(async move {
                while let Ok((client, _)) = listener.accept().await {
                    tokio::spawn(relay(client, mock, seen.clone()));
                }
            })
        };
        WireTap { addr, seen, task }
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn seen(&self) -> Seen {
        self.seen.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

impl Drop for WireTap {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The throttling error codes of every service the mock serves.
fn throttling_codes() -> Vec<&'static str> {
    cloudcost_mock::services()
        .iter()
        .map(|s| s.errors_for.throttled.code)
        .collect()
}

async fn relay(client: TcpStream, mock: SocketAddr, seen: Arc<Mutex<Seen>>) {
    let Ok(upstream) = TcpStream::connect(mock).await else {
        return;
    };
    let _ = (client.set_nodelay(true), upstream.set_nodelay(true));
    let (mut client_in, mut client_out) = client.into_split();
    let (mut mock_in, mut mock_out) = upstream.into_split();
    // When the first byte of the request not yet answered went to the mock.
    let asked: Arc<Mutex<Option<Instant>>> = Arc::default();
    let requests = async {
        let mut chunk = vec![0u8; 16 * 1024];
        loop {
            match client_in.read(&mut chunk).await {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    asked
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .get_or_insert_with(Instant::now);
                    if mock_out.write_all(&chunk[..n]).await.is_err() {
                        break;
                    }
                }
            }
        }
        let _ = mock_out.shutdown().await;
    };
    let answers = async {
        let codes = throttling_codes();
        let mut pending: Vec<u8> = Vec::new();
        let mut chunk = vec![0u8; 64 * 1024];
        loop {
            let n = match mock_in.read(&mut chunk).await {
                Ok(0) | Err(_) => 0,
                Ok(n) => n,
            };
            if n == 0 {
                // The mock closed: whatever is pending is all the client will get.
                let asked = asked.lock().unwrap_or_else(|e| e.into_inner()).take();
                let mut seen = seen.lock().unwrap_or_else(|e| e.into_inner());
                match ending(&pending) {
                    Ending::Nothing if asked.is_some() => seen.unanswered += 1,
                    Ending::Nothing => {}
                    Ending::Truncated => seen.truncated += 1,
                    Ending::Garbled => seen.garbled += 1,
                }
                break;
            }
            pending.extend_from_slice(&chunk[..n]);
            while let Some(answer) = complete(&mut pending) {
                let took = asked
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .take()
                    .map(|t| t.elapsed());
                count(
                    &mut seen.lock().unwrap_or_else(|e| e.into_inner()),
                    &answer,
                    took,
                    &codes,
                );
            }
            // Counted before it is passed on: by the time the client has an answer, it is
            // in `Seen`.
            if client_out.write_all(&chunk[..n]).await.is_err() {
                break;
            }
        }
        let _ = client_out.shutdown().await;
    };
    tokio::join!(requests, answers);
}

/// One whole answer: its head (status line and headers) and body.
struct Answer {
    status: u16,
    head: String,
    body: Vec<u8>,
}

/// The head's end and its `Content-Length` (0 without one: the mock always sends it).
fn head_of(bytes: &[u8]) -> Option<(usize, u16, usize, String)> {
    let end = bytes.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&bytes[..end]).into_owned();
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let length = head
        .lines()
        .filter_map(|l| l.split_once(':'))
        .find(|(name, _)| name.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.trim().parse().ok())
        .unwrap_or(0);
    Some((end + 4, status, length, head))
}

/// Takes the first whole answer off `pending`, if one is there.
fn complete(pending: &mut Vec<u8>) -> Option<Answer> {
    let (start, status, length, head) = head_of(pending)?;
    if pending.len() < start + length {
        return None;
    }
    let body = pending[start..start + length].to_vec();
    pending.drain(..start + length);
    Some(Answer { status, head, body })
}

enum Ending {
    Nothing,
    Truncated,
    Garbled,
}

/// What the bytes left when the connection closed amount to.
fn ending(pending: &[u8]) -> Ending {
    match head_of(pending) {
        _ if pending.is_empty() => Ending::Nothing,
        Some((start, _, length, _)) if pending.len() > start && pending.len() < start + length => {
            Ending::Truncated
        }
        _ => Ending::Garbled,
    }
}

fn count(seen: &mut Seen, answer: &Answer, took: Option<Duration>, codes: &[&str]) {
    if took.is_some_and(|t| t >= SLOW_DELAY) {
        seen.late += 1;
    }
    if (200..300).contains(&answer.status) {
        seen.ok += 1;
        return;
    }
    let head = answer.head.to_ascii_lowercase();
    if head.contains("\r\nretry-after:") {
        seen.retry_after += 1;
    }
    let body = String::from_utf8_lossy(&answer.body);
    let throttling = codes
        .iter()
        .any(|c| body.contains(c) || answer.head.contains(c));
    match answer.status {
        429 => seen.throttled += 1,
        _ if throttling => seen.throttled += 1,
        500 => seen.status_500 += 1,
        503 => seen.status_503 += 1,
        other => *seen.other.entry(other).or_default() += 1,
    }
}

/// The jitter fraction: waits are 0.3 of the ceilings 1 s, 2 s, 4 s... (300 ms, 600 ms,
/// 1.2 s...), never exactly 1 s, which only a `Retry-After: 1` hint gives.
const JITTER: f64 = 0.3;

fn client_config(endpoint: &str, sleep: Arc<RecordingSleep>) -> Config {
    let keys = TestKeys::default();
    Config::builder()
        .endpoint_url(endpoint)
        .region("us-east-1")
        .aws_credentials(keys.aws_credentials())
        .scp_credentials(keys.scp_credentials().expect("keys"))
        // Enough attempts that 0.25^attempts is negligible over ~250 requests, a budget
        // that a quarter of failures cannot drain, and the default backoff, which the
        // recording sleeper notes instead of sleeping.
        .retry(
            RetryConfig::default()
                .with_max_attempts(12)
                .with_budget(RetryBudgetConfig::default().with_capacity(100_000))
                .with_random_source(|| JITTER),
        )
        .sleep(sleep)
        .attempt_timeout(Some(Duration::from_secs(5)))
        .build()
}

/// Every fault the mock injected reached the client as that fault, and nothing else
/// failed: a `throttle` as a complete throttling error, `500` and `503` as complete
/// answers of that status, `reset` as a request left without a byte of an answer,
/// `truncate` as an answer cut short of its `Content-Length`, `slow` as an answer at least
/// [`SLOW_DELAY`] late. The client retried each failed answer after exactly one wait, and
/// every request was a page or a retry.
#[track_caller]
fn assert_every_fault_reached_the_client(
    stats: &Stats,
    seen: &Seen,
    waits: &[Duration],
    pages: u64,
) {
    let injected: BTreeMap<FaultKind, u64> = stats
        .faults
        .iter()
        .filter(|(kind, _)| **kind != FaultKind::Slow)
        .map(|(kind, n)| (*kind, *n))
        .collect();
    assert_eq!(
        seen.faults(),
        injected,
        "what reached the client (left) is not what the mock injected (right): {seen:?}"
    );
    assert_eq!(seen.other, BTreeMap::new(), "unexpected answers: {seen:?}");
    assert_eq!(seen.garbled, 0, "answers cut in their head: {seen:?}");
    let slow = stats.faults.get(&FaultKind::Slow).copied().unwrap_or(0);
    assert!(seen.late >= slow, "{slow} slow answers injected: {seen:?}");
    assert_eq!(seen.ok, pages, "{seen:?}");
    assert_eq!(
        waits.len() as u64,
        seen.failed(),
        "one wait per failed answer: {seen:?}"
    );
    assert_eq!(stats.requests, seen.exchanges(), "{stats:?} {seen:?}");
}

async fn usage_totals(rate: f64) -> (Vec<String>, Stats, Seen, Vec<Duration>) {
    let server = MockServer::start(mock(rate)).await.expect("start");
    let tap = WireTap::start(server.addr()).await;
    let sleep = Arc::new(RecordingSleep::default());
    let client =
        cloudcost_aws_inspector2_client::Client::new(client_config(&tap.url(), sleep.clone()))
            .expect("client");
    let items: Vec<_> = client
        .list_usage_totals_items(&Default::default())
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect::<Result<_, _>>()
        .expect("every page, despite the faults");
    let ids = items
        .iter()
        .map(|t| serde_json::to_string(t).expect("encode"))
        .collect();
    let stats = server.stats();
    let seen = tap.seen();
    server.shutdown().await;
    (ids, stats, seen, sleep.waits())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inspector2_paging_survives_a_quarter_of_requests_failing() {
    let (clean, clean_stats, clean_seen, clean_waits) = usage_totals(0.0).await;
    assert_eq!(clean.len(), (PAGES * PAGE_SIZE) as usize);
    assert_eq!(
        clean_stats,
        Stats {
            requests: u64::from(PAGES),
            faults: Default::default(),
        }
    );
    assert_eq!(clean_seen.ok, u64::from(PAGES), "{clean_seen:?}");
    assert_eq!(clean_seen.failed(), 0, "{clean_seen:?}");
    assert_eq!(clean_waits, Vec::<Duration>::new());
    let (faulty, stats, seen, waits) = usage_totals(0.25).await;
    assert_eq!(faulty.len(), clean.len(), "nothing lost, nothing twice");
    assert!(faulty == clean, "the same items in the same order");
    assert_every_fault_reached_the_client(&stats, &seen, &waits, u64::from(PAGES));
    // Inspector2's ThrottlingException and InternalServerException (the `throttle` and
    // `500` faults) bind `retryAfterSeconds` to `Retry-After`, which the mock sets to 1:
    // the hint replaces the jitter, one wait of exactly 1 s for each such answer received.
    // Every other wait is a jittered one.
    let hinted = waits
        .iter()
        .filter(|w| **w == Duration::from_secs(1))
        .count() as u64;
    assert_eq!(hinted, seen.retry_after, "{seen:?} {waits:?}");
    assert_eq!(
        seen.retry_after,
        seen.throttled + seen.status_500,
        "{seen:?}"
    );
    assert!(
        waits.iter().all(|w| *w == Duration::from_secs(1)
            || [300, 600, 1_200, 2_400, 4_800, 9_600]
                .map(Duration::from_millis)
                .contains(w)),
        "{waits:?}"
    );
    for kind in FaultKind::ALL {
        assert!(
            stats.faults.contains_key(&kind),
            "{kind} never injected: {stats:?}"
        );
    }
    let injected: u64 = stats.faults.values().sum();
    assert!(
        injected * 5 >= u64::from(PAGES),
        "at least 20% of pages faulted: {stats:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cost_explorer_and_scp_paging_survive_faults_too() {
    let request: cloudcost_aws_ce_client::model::GetCostAndUsageRequest =
        serde_json::from_value(serde_json::json!({
            "TimePeriod": {"Start": "2024-01-01", "End": "2024-12-31"},
            "Granularity": "DAILY",
            "Metrics": ["UnblendedCost"]
        }))
        .expect("request");
    let mut runs = Vec::new();
    for rate in [0.0, 0.25] {
        let server = MockServer::start(mock(rate)).await.expect("start");
        let tap = WireTap::start(server.addr()).await;
        let sleep = Arc::new(RecordingSleep::default());
        let ce = cloudcost_aws_ce_client::Client::new(client_config(&tap.url(), sleep.clone()))
            .expect("client");
        let periods: Vec<_> = ce
            .get_cost_and_usage_items(&request)
            .collect::<Vec<_>>()
            .await
            .into_iter()
            .collect::<Result<_, _>>()
            .expect("CE pages");
        let scp = cloudcost_scp_ce_client::Client::new(client_config(&tap.url(), sleep.clone()))
            .expect("client");
        let usages: Vec<_> = scp
            .list_usages_items(
                &cloudcost_scp_ce_client::model::ListUsagesRequest::builder()
                    .limit(PAGE_SIZE as i32)
                    .build()
                    .expect("no required members"),
            )
            .collect::<Vec<_>>()
            .await
            .into_iter()
            .collect::<Result<_, _>>()
            .expect("SCP pages");
        assert_eq!(periods.len(), (PAGES * PAGE_SIZE) as usize);
        assert_eq!(usages.len(), (PAGES * PAGE_SIZE) as usize);
        // Marker paging asks once more after the last full page, to learn it was the last.
        let stats = server.stats();
        let seen = tap.seen();
        let waits = sleep.waits();
        assert_every_fault_reached_the_client(&stats, &seen, &waits, u64::from(PAGES) * 2 + 1);
        if rate == 0.0 {
            assert_eq!(waits, Vec::<Duration>::new());
        } else {
            assert_ne!(waits, Vec::<Duration>::new(), "{stats:?}");
            // Cost Explorer's throttling error is a 400 (`LimitExceededException`), SCP's a
            // 429: both must be seen as throttling, so each must have arrived.
            assert!(seen.throttled > 0, "{seen:?}");
            assert!(seen.truncated > 0 && seen.unanswered > 0, "{seen:?}");
        }
        runs.push((periods, usages));
        server.shutdown().await;
    }
    assert!(runs[0] == runs[1], "faults changed the data");
}
