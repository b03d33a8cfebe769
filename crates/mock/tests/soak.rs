//! Fault-injection soak: paging through 200+ pages while a quarter of all requests fail in
//! every way the mock can fail must yield exactly the items of a fault-free run, in order:
//! nothing lost, nothing twice. Backoffs are a few milliseconds so the test takes seconds.

use std::time::Duration;

use cloudcost_mock::{Dataset, FaultKind, Faults, MockConfig, MockServer, TestKeys};
use cloudcost_runtime::{Config, RetryBudgetConfig, RetryConfig, StreamExt};

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

fn client_config(server: &MockServer) -> Config {
    let keys = TestKeys::default();
    Config::builder()
        .endpoint_url(server.url())
        .region("us-east-1")
        .aws_credentials(keys.aws_credentials())
        .scp_credentials(keys.scp_credentials().expect("keys"))
        // Enough attempts that 0.25^attempts is negligible over ~250 requests, a budget
        // that a quarter of failures cannot drain, and millisecond backoffs.
        .retry(
            RetryConfig::default()
                .with_max_attempts(12)
                .with_base(Duration::from_millis(1))
                .with_cap(Duration::from_millis(5))
                .with_budget(RetryBudgetConfig::default().with_capacity(100_000)),
        )
        .attempt_timeout(Some(Duration::from_secs(5)))
        .build()
}

async fn usage_totals(rate: f64) -> (Vec<String>, cloudcost_mock::Stats) {
    let server = MockServer::start(mock(rate)).await.expect("start");
    let client =
        cloudcost_aws_inspector2_client::Client::new(client_config(&server)).expect("client");
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
    (ids, stats)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inspector2_paging_survives_a_quarter_of_requests_failing() {
    let (clean, clean_stats) = usage_totals(0.0).await;
    assert_eq!(clean.len(), (PAGES * PAGE_SIZE) as usize);
    assert!(clean_stats.faults.is_empty());
    let (faulty, stats) = usage_totals(0.25).await;
    assert_eq!(faulty.len(), clean.len(), "nothing lost, nothing twice");
    assert!(faulty == clean, "the same items in the same order");
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
        let ce = cloudcost_aws_ce_client::Client::new(client_config(&server)).expect("client");
        let periods: Vec<_> = ce
            .get_cost_and_usage_items(&request)
            .collect::<Vec<_>>()
            .await
            .into_iter()
            .collect::<Result<_, _>>()
            .expect("CE pages");
        let scp = cloudcost_scp_ce_client::Client::new(client_config(&server)).expect("client");
        let usages: Vec<_> = scp
            .list_usages_items(&cloudcost_scp_ce_client::model::ListUsagesRequest {
                limit: Some(PAGE_SIZE as i32),
                ..Default::default()
            })
            .collect::<Vec<_>>()
            .await
            .into_iter()
            .collect::<Result<_, _>>()
            .expect("SCP pages");
        assert_eq!(periods.len(), (PAGES * PAGE_SIZE) as usize);
        assert_eq!(usages.len(), (PAGES * PAGE_SIZE) as usize);
        runs.push((periods, usages));
        server.shutdown().await;
    }
    assert!(runs[0] == runs[1], "faults changed the data");
}
