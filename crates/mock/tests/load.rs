//! Load test of the mock on loopback: many concurrent clients page through the three paged
//! operations (Inspector2 and Cost Explorer tokens, SCP markers) while 10% of requests fail
//! in every way the mock can fail. Every client must get its own pages complete, in order,
//! each exactly once (compared page by page with a fault-free run at the same page size),
//! and no client may see an error its retries do not absorb.
//!
//! `cargo test` runs a short configuration. The full one (256 clients, 50,000 pages) is
//!
//! ```sh
//! CLOUDCOST_LOAD_FULL=1 cargo test --release -p cloudcost-mock --test load -- --nocapture
//! ```
//!
//! Both print p50/p99 page latency, as the client sees it: from asking for a page to having
//! it decoded, retries included (their backoff sleeps are a no-op here). Traffic goes only
//! to 127.0.0.1; the run is bounded in pages and, by the clients' timeouts, in time.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use cloudcost_aws_ce_client as ce;
use cloudcost_aws_inspector2_client as inspector2;
use cloudcost_mock::{Dataset, FaultKind, Faults, MockConfig, MockServer, TestKeys};
use cloudcost_runtime::{Config, RetryBudgetConfig, RetryConfig, Sleep, StreamExt};
use cloudcost_scp_ce_client as scp;
use futures_util::stream::BoxStream;

/// Set to run the full configuration.
const FULL_ENV: &str = "CLOUDCOST_LOAD_FULL";

/// The synthetic dataset: 200 items, 20 pages of 10 unless a request sets its page size.
const PAGES: u32 = 20;
const PAGE_SIZE: u32 = 10;
const FAULT_RATE: f64 = 0.10;

/// Page sizes the clients use (client `k` uses `SIZES[k % 7]`), so that their page
/// boundaries differ and a page meant for another client could not pass as theirs.
const SIZES: [u32; 7] = [3, 4, 5, 6, 7, 8, 9];

struct Plan {
    clients: usize,
    /// Pages fetched in all, split evenly between the clients.
    pages: usize,
}

fn plan() -> Plan {
    if std::env::var_os(FULL_ENV).is_some() {
        Plan {
            clients: 256,
            pages: 50_000,
        }
    } else {
        // A debug build on 2 cores does this in about 6 s.
        Plan {
            clients: 64,
            pages: 4_000,
        }
    }
}

/// The three paged operations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Op {
    /// restJson1, opaque `nextToken`, page size `maxResults`.
    Inspector2,
    /// SCP, `marker` = the id of the last item, page size `limit`.
    Scp,
    /// awsJson1.1, opaque `NextPageToken`, no page size member (the dataset's 10).
    CostExplorer,
}

const OPS: [Op; 3] = [Op::Inspector2, Op::Scp, Op::CostExplorer];

impl Op {
    /// The page size a client asking for `size` gets.
    fn page_size(self, size: u32) -> u32 {
        match self {
            Op::CostExplorer => PAGE_SIZE,
            Op::Inspector2 | Op::Scp => size,
        }
    }
}

/// Retries wait for nothing: the test is about the server, not about backoff.
#[derive(Debug)]
struct NoSleep;

impl Sleep for NoSleep {
    fn sleep(&self, _: Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        Box::pin(std::future::ready(()))
    }
}

/// One simulated client: a connection pool shared by its three service clients.
struct Clients {
    inspector2: inspector2::Client,
    scp: scp::Client,
    ce: ce::Client,
}

impl Clients {
    fn new(server: &MockServer) -> Clients {
        let keys = TestKeys::default();
        let http = reqwest::Client::builder()
            // Shorter than the mock's 5 s idle timeout, so the pool drops a connection
            // before the server does instead of racing it.
            .pool_idle_timeout(Duration::from_secs(2))
            .build()
            .expect("HTTP client");
        let config = Config::builder()
            .endpoint_url(server.url())
            .region("us-east-1")
            .aws_credentials(keys.aws_credentials())
            .scp_credentials(keys.scp_credentials().expect("test keys"))
            // 0.1^12: no page should exhaust its attempts, and no budget should run dry.
            .retry(
                RetryConfig::default()
                    .with_max_attempts(12)
                    .with_budget(RetryBudgetConfig::default().with_capacity(1_000_000)),
            )
            .sleep(Arc::new(NoSleep))
            .attempt_timeout(Some(Duration::from_secs(10)))
            .total_timeout(Some(Duration::from_secs(60)))
            .http_client(http)
            .build();
        Clients {
            inspector2: inspector2::Client::new(config.clone()).expect("client"),
            scp: scp::Client::new(config.clone()).expect("client"),
            ce: ce::Client::new(config).expect("client"),
        }
    }

    /// Every page of `op` at page size `size`, each as its JSON text.
    fn pages(&self, op: Op, size: u32) -> BoxStream<'static, Result<String, String>> {
        fn text<T: serde::Serialize, E: std::fmt::Display>(
            page: Result<T, E>,
        ) -> Result<String, String> {
            match page {
                Ok(page) => serde_json::to_string(&page).map_err(|e| e.to_string()),
                Err(e) => Err(e.to_string()),
            }
        }
        match op {
            Op::Inspector2 => self
                .inspector2
                .list_usage_totals_pages(
                    &inspector2::model::ListUsageTotalsRequest::builder()
                        .max_results(i32::try_from(size).expect("small"))
                        .build()
                        .expect("no required members"),
                )
                .map(text)
                .boxed(),
            Op::Scp => self
                .scp
                .list_usages_pages(
                    &scp::model::ListUsagesRequest::builder()
                        .limit(i32::try_from(size).expect("small"))
                        .build()
                        .expect("no required members"),
                )
                .map(text)
                .boxed(),
            Op::CostExplorer => self
                .ce
                .get_cost_and_usage_pages(&cost_request())
                .map(text)
                .boxed(),
        }
    }
}

fn cost_request() -> ce::model::GetCostAndUsageRequest {
    serde_json::from_value(serde_json::json!({
        "TimePeriod": {"Start": "2024-01-01", "End": "2024-12-31"},
        "Granularity": "DAILY",
        "Metrics": ["UnblendedCost"]
    }))
    .expect("request")
}

fn mock(rate: f64) -> MockConfig {
    MockConfig {
        dataset: Dataset::Synthetic {
            pages: PAGES,
            page_size: PAGE_SIZE,
            seed: 21,
        },
        faults: Faults {
            rate,
            kinds: FaultKind::ALL.to_vec(),
            seed: 9,
        },
        ..MockConfig::default()
    }
}

/// The pages of every (operation, page size), from a fault-free mock.
async fn reference() -> HashMap<(Op, u32), Vec<String>> {
    let server = MockServer::start(mock(0.0)).await.expect("start");
    let clients = Clients::new(&server);
    let mut out = HashMap::new();
    for op in OPS {
        for size in SIZES {
            let size = op.page_size(size);
            if out.contains_key(&(op, size)) {
                continue;
            }
            let pages: Vec<String> = clients
                .pages(op, size)
                .collect::<Vec<_>>()
                .await
                .into_iter()
                .collect::<Result<_, _>>()
                .expect("fault-free pages");
            // 200 items: full pages, then a short one, or for SCP markers an empty page
            // after an exactly full last one.
            let full = (PAGES * PAGE_SIZE).div_ceil(size) as usize;
            let scp_extra = usize::from(op == Op::Scp && (PAGES * PAGE_SIZE).is_multiple_of(size));
            assert_eq!(pages.len(), full + scp_extra, "{op:?} at {size}");
            out.insert((op, size), pages);
        }
    }
    server.shutdown().await;
    out
}

/// What one client saw.
#[derive(Default)]
struct Outcome {
    pages: usize,
    latencies: Vec<Duration>,
    /// Errors that survived the retries.
    errors: Vec<String>,
    /// Pages that were not the next expected page (wrong, repeated, or out of order), and
    /// walks that ended before their last page.
    wrong: Vec<String>,
}

/// Client `k`: walks whole page sequences, rotating through the operations, until it has
/// fetched `quota` pages (the last walk may stop partway; what it got must be a prefix).
async fn run_client(
    k: usize,
    quota: usize,
    clients: Clients,
    expected: Arc<HashMap<(Op, u32), Vec<String>>>,
) -> Outcome {
    let mut out = Outcome::default();
    let size = SIZES[k % SIZES.len()];
    let mut walk = 0;
    while out.pages < quota {
        let op = OPS[(k + walk) % OPS.len()];
        let size = op.page_size(size);
        let want = &expected[&(op, size)];
        let mut stream = clients.pages(op, size);
        let mut got = 0;
        loop {
            if out.pages == quota {
                break;
            }
            let start = Instant::now();
            let Some(page) = stream.next().await else {
                if got != want.len() {
                    out.wrong.push(format!(
                        "client {k} {op:?}/{size} walk {walk}: ended after {got} of {} pages",
                        want.len()
                    ));
                }
                break;
            };
            match page {
                Ok(text) => {
                    out.latencies.push(start.elapsed());
                    out.pages += 1;
                    if want.get(got) != Some(&text) {
                        out.wrong.push(format!(
                            "client {k} {op:?}/{size} walk {walk}: page {got} is not the expected one"
                        ));
                    }
                    got += 1;
                }
                Err(e) => {
                    out.errors.push(format!(
                        "client {k} {op:?}/{size} walk {walk} page {got}: {e}"
                    ));
                    break;
                }
            }
        }
        walk += 1;
        if !out.errors.is_empty() {
            break;
        }
    }
    out
}

fn percentile(sorted: &[Duration], p: usize) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[(sorted.len() * p / 100).min(sorted.len() - 1)]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_clients_get_every_page_once_in_order_despite_ten_percent_faults() {
    let plan = plan();
    let expected = Arc::new(reference().await);
    let server = MockServer::start(mock(FAULT_RATE)).await.expect("start");
    let start = Instant::now();
    let tasks: Vec<_> = (0..plan.clients)
        .map(|k| {
            // An even split; the first `pages % clients` clients take one more.
            let quota = plan.pages / plan.clients + usize::from(k < plan.pages % plan.clients);
            let clients = Clients::new(&server);
            tokio::spawn(run_client(k, quota, clients, expected.clone()))
        })
        .collect();
    let mut pages = 0;
    let mut latencies = Vec::with_capacity(plan.pages);
    let mut errors = Vec::new();
    let mut wrong = Vec::new();
    for task in tasks {
        let outcome = task.await.expect("client task");
        pages += outcome.pages;
        latencies.extend(outcome.latencies);
        errors.extend(outcome.errors);
        wrong.extend(outcome.wrong);
    }
    let wall = start.elapsed();
    let stats = server.stats();
    server.shutdown().await;

    latencies.sort_unstable();
    let injected: u64 = stats.faults.values().sum();
    let failed: u64 = stats
        .faults
        .iter()
        .filter(|(kind, _)| **kind != FaultKind::Slow)
        .map(|(_, n)| n)
        .sum();
    println!(
        "load: {} clients, {pages} pages, {} requests ({injected} faults injected: {:?}), \
         {:.1} s wall, {:.0} requests/s; page latency p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        plan.clients,
        stats.requests,
        stats.faults,
        wall.as_secs_f64(),
        stats.requests as f64 / wall.as_secs_f64(),
        percentile(&latencies, 50).as_secs_f64() * 1e3,
        percentile(&latencies, 99).as_secs_f64() * 1e3,
        latencies.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
    );
    assert_eq!(
        errors,
        Vec::<String>::new(),
        "errors the retries did not absorb"
    );
    assert_eq!(
        wrong,
        Vec::<String>::new(),
        "pages missing, repeated or misplaced"
    );
    assert_eq!(pages, plan.pages);
    // Each request the mock saw either delivered a page (slow ones too) or failed by an
    // injected fault and was retried: nothing was served twice, nothing was lost.
    assert_eq!(stats.requests, plan.pages as u64 + failed, "{stats:?}");
    for kind in FaultKind::ALL {
        assert!(stats.faults.contains_key(&kind), "{kind} never injected");
    }
    let share = injected as f64 / stats.requests as f64;
    assert!(
        (0.08..0.12).contains(&share),
        "{:.3} of requests faulted, expected about {FAULT_RATE}",
        share
    );
}
