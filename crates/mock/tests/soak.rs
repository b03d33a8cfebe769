//! Fault-injection soak: paging through 200+ pages while a quarter of all requests fail in
//! every way the mock can fail must yield exactly the items of a fault-free run, in order:
//! nothing lost, nothing twice. The clients back off through a recording sleeper that
//! returns at once, so the test never sleeps and can count every wait.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cloudcost_mock::{Dataset, FaultKind, Faults, MockConfig, MockServer, Stats, TestKeys};
use cloudcost_runtime::{Config, RetryBudgetConfig, RetryConfig, Sleep, StreamExt};

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

/// The jitter fraction: waits are 0.3 of the ceilings 1 s, 2 s, 4 s... (300 ms, 600 ms,
/// 1.2 s...), never exactly 1 s, which only a `Retry-After: 1` hint gives.
const JITTER: f64 = 0.3;

fn client_config(server: &MockServer, sleep: Arc<RecordingSleep>) -> Config {
    let keys = TestKeys::default();
    Config::builder()
        .endpoint_url(server.url())
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

/// Every injected fault but `slow` (a late but normal answer) fails its attempt, and each
/// failed attempt is retried after exactly one wait; every request is a page or a retry.
#[track_caller]
fn assert_one_wait_per_failed_attempt(stats: &Stats, waits: &[Duration], pages: u64) {
    let failed: u64 = stats
        .faults
        .iter()
        .filter(|(kind, _)| **kind != FaultKind::Slow)
        .map(|(_, n)| n)
        .sum();
    assert_eq!(waits.len() as u64, failed, "{stats:?}");
    assert_eq!(stats.requests, pages + failed, "{stats:?}");
}

async fn usage_totals(rate: f64) -> (Vec<String>, Stats, Vec<Duration>) {
    let server = MockServer::start(mock(rate)).await.expect("start");
    let sleep = Arc::new(RecordingSleep::default());
    let client =
        cloudcost_aws_inspector2_client::Client::new(client_config(&server, sleep.clone()))
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
    server.shutdown().await;
    (ids, stats, sleep.waits())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inspector2_paging_survives_a_quarter_of_requests_failing() {
    let (clean, clean_stats, clean_waits) = usage_totals(0.0).await;
    assert_eq!(clean.len(), (PAGES * PAGE_SIZE) as usize);
    assert_eq!(
        clean_stats,
        Stats {
            requests: u64::from(PAGES),
            faults: Default::default(),
        }
    );
    assert_eq!(clean_waits, Vec::<Duration>::new());
    let (faulty, stats, waits) = usage_totals(0.25).await;
    assert_eq!(faulty.len(), clean.len(), "nothing lost, nothing twice");
    assert!(faulty == clean, "the same items in the same order");
    assert_one_wait_per_failed_attempt(&stats, &waits, u64::from(PAGES));
    // Inspector2's ThrottlingException and InternalServerException (the `throttle` and
    // `500` faults) bind `retryAfterSeconds` to `Retry-After`, which the mock sets to 1:
    // the hint replaces the jitter, one wait of exactly 1 s each. Every other wait is a
    // jittered one.
    let hinted = waits
        .iter()
        .filter(|w| **w == Duration::from_secs(1))
        .count() as u64;
    assert_eq!(
        hinted,
        stats.faults[&FaultKind::Throttle] + stats.faults[&FaultKind::Http500],
        "{stats:?} {waits:?}"
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
        let sleep = Arc::new(RecordingSleep::default());
        let ce = cloudcost_aws_ce_client::Client::new(client_config(&server, sleep.clone()))
            .expect("client");
        let periods: Vec<_> = ce
            .get_cost_and_usage_items(&request)
            .collect::<Vec<_>>()
            .await
            .into_iter()
            .collect::<Result<_, _>>()
            .expect("CE pages");
        let scp = cloudcost_scp_ce_client::Client::new(client_config(&server, sleep.clone()))
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
        let waits = sleep.waits();
        assert_one_wait_per_failed_attempt(&stats, &waits, u64::from(PAGES) * 2 + 1);
        if rate == 0.0 {
            assert_eq!(waits, Vec::<Duration>::new());
        } else {
            assert_ne!(waits, Vec::<Duration>::new(), "{stats:?}");
        }
        runs.push((periods, usages));
        server.shutdown().await;
    }
    assert!(runs[0] == runs[1], "faults changed the data");
}
