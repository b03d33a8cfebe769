//! README.md's cost job, checked: a year of daily cost by service summed against
//! `cloudcost mock --dataset ledger --seed 7` gives the total and the request count the
//! README prints, so the example users copy cannot drift from what it does.

use std::collections::BTreeMap;
use std::sync::Arc;

use cloudcost_aws_ce_client as ce;
use cloudcost_mock::cloudcost_ledger::{Ledger, Size};
use cloudcost_mock::{Dataset, LedgerData, MockConfig, MockServer, TestKeys};
use cloudcost_runtime::{Config, RetryConfig};
use cloudcost_types::rust_decimal::Decimal;
use futures_util::StreamExt;

/// The line of README.md that states the job's total: `<amount> USD  total (<n> requests)`.
fn readme_total() -> (Decimal, usize) {
    let readme = std::fs::read_to_string(cloudcost_tests::root().join("README.md"))
        .expect("README.md is readable");
    let line = readme
        .lines()
        .find(|l| l.contains(" USD  total ("))
        .expect("README.md states the cost job's total");
    let (amount, rest) = line
        .trim()
        .split_once(" USD  total (")
        .expect("`<amount> USD  total (<n> requests)`");
    let requests = rest
        .trim_end_matches(" requests)")
        .parse()
        .expect("a request count");
    (amount.trim().parse().expect("a decimal amount"), requests)
}

#[tokio::test]
async fn the_readme_cost_job_gives_the_total_it_prints() {
    // As `cloudcost mock --dataset ledger --seed 7` serves it (500 rows a page).
    let server = MockServer::start(MockConfig {
        dataset: Dataset::Ledger(LedgerData {
            ledger: Arc::new(Ledger::generate(7, Size::default())),
            page_size: 500,
        }),
        ..MockConfig::default()
    })
    .await
    .expect("the mock starts");
    let keys = TestKeys::default();
    let client = ce::Client::new(
        Config::builder()
            .endpoint_url(server.url())
            .region("us-east-1")
            .aws_credentials(keys.aws_credentials())
            .retry(RetryConfig::disabled())
            .build(),
    )
    .expect("client");
    let request: ce::model::GetCostAndUsageRequest = ce::model::from_str(
        r#"{"TimePeriod": {"Start": "2024-01-01", "End": "2025-01-01"}, "Granularity": "DAILY",
            "Metrics": ["UnblendedCost"], "GroupBy": [{"Type": "DIMENSION", "Key": "SERVICE"}]}"#,
    )
    .expect("the job's request");
    let mut by_service: BTreeMap<String, Decimal> = BTreeMap::new();
    let mut pages = client.get_cost_and_usage_pages(&request);
    let mut requests = 0;
    while let Some(page) = pages.next().await {
        requests += 1;
        for period in page.expect("a page").results_by_time.into_iter().flatten() {
            for group in period.groups.into_iter().flatten() {
                let amount = group
                    .metrics
                    .as_ref()
                    .and_then(|m| m.get("UnblendedCost"))
                    .and_then(|v| v.amount)
                    .unwrap_or_default();
                *by_service
                    .entry(group.keys.unwrap_or_default().join("/"))
                    .or_default() += amount;
            }
        }
    }
    let total: Decimal = by_service.values().sum();
    assert_eq!((total, requests), readme_total());
    // The mock counted them, billable at Cost Explorer's price.
    let counts = server.request_counts();
    assert_eq!(counts.billable_requests(), requests as u64);
    server.shutdown().await;
}
