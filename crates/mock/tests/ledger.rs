//! The ledger dataset through the wire, as a user's cost job sees it: the generated clients
//! against `MockServer` answering from a `cloudcost-ledger` ledger. Every row of a paged
//! answer arrives exactly once, the days add up to the month and a filter and its `Not` to
//! the total after the JSON round trip, SCP's markers walk every usage once, documented
//! requests still get their documented responses, and what the ledger cannot answer is the
//! service's own validation error.

use std::collections::BTreeSet;
use std::sync::Arc;

use cloudcost_aws_ce_client as ce;
use cloudcost_mock::cloudcost_ledger::{CostQuery, Granularity, GroupKey, Ledger, Size};
use cloudcost_mock::{Dataset, LedgerData, MockConfig, MockServer, TestKeys};
use cloudcost_runtime::{Config, RetryConfig};
use cloudcost_scp_ce_client as scp;
use cloudcost_types::rust_decimal::Decimal;
use futures_util::StreamExt;
use serde_json::json;

fn ledger(seed: u64) -> Arc<Ledger> {
    Arc::new(Ledger::generate(seed, Size::default()))
}

async fn start(ledger: Arc<Ledger>, page_size: u32) -> MockServer {
    MockServer::start(MockConfig {
        dataset: Dataset::Ledger(LedgerData { ledger, page_size }),
        ..MockConfig::default()
    })
    .await
    .expect("the mock starts")
}

fn config(server: &MockServer) -> Config {
    let keys = TestKeys::default();
    Config::builder()
        .endpoint_url(server.url())
        .region("us-east-1")
        .aws_credentials(keys.aws_credentials())
        .scp_credentials(keys.scp_credentials().expect("the test keys are valid"))
        .retry(RetryConfig::disabled())
        .build()
}

fn cost_request(value: serde_json::Value) -> ce::model::GetCostAndUsageRequest {
    ce::model::from_str(&value.to_string()).expect("a valid GetCostAndUsage request")
}

/// Every page of a GetCostAndUsage query, as (period start, group keys, UnblendedCost).
async fn rows(
    client: &ce::Client,
    request: &ce::model::GetCostAndUsageRequest,
) -> (usize, Vec<(String, Vec<String>, Decimal)>) {
    let mut pages = client.get_cost_and_usage_pages(request);
    let mut out = Vec::new();
    let mut count = 0;
    while let Some(page) = pages.next().await {
        let page = page.expect("a page");
        count += 1;
        for period in page.results_by_time.unwrap_or_default() {
            let start = period
                .time_period
                .as_ref()
                .map(|t| t.start.to_string())
                .unwrap_or_default();
            let groups = period.groups.unwrap_or_default();
            if groups.is_empty() {
                let total = period.total.unwrap_or_default();
                let amount = total
                    .get("UnblendedCost")
                    .and_then(|m| m.amount)
                    .unwrap_or_default();
                out.push((start.clone(), Vec::new(), amount));
            }
            for g in groups {
                let keys = g
                    .keys
                    .unwrap_or_default()
                    .iter()
                    .map(|k| k.to_string())
                    .collect();
                let metrics = g.metrics.unwrap_or_default();
                let amount = metrics
                    .get("UnblendedCost")
                    .and_then(|m| m.amount)
                    .unwrap_or_default();
                out.push((start.clone(), keys, amount));
            }
        }
    }
    (count, out)
}

#[tokio::test]
async fn every_row_of_a_paged_answer_arrives_once_and_as_the_ledger_has_it() {
    let ledger = ledger(11);
    let server = start(ledger.clone(), 7).await;
    let client = ce::Client::new(config(&server)).expect("client");
    let request = cost_request(json!({
        "TimePeriod": {"Start": "2024-03-01", "End": "2024-03-09"},
        "Granularity": "DAILY",
        "Metrics": ["UnblendedCost"],
        "GroupBy": [{"Type": "DIMENSION", "Key": "SERVICE"}, {"Type": "DIMENSION", "Key": "LINKED_ACCOUNT"}],
    }));
    let (pages, got) = rows(&client, &request).await;
    let answer = ledger
        .cost_and_usage(&CostQuery {
            start: "2024-03-01".parse().expect("a date"),
            end: "2024-03-09".parse().expect("a date"),
            granularity: Granularity::Daily,
            metrics: vec!["UnblendedCost".into()],
            group_by: vec![
                GroupKey::Dimension("SERVICE".into()),
                GroupKey::Dimension("LINKED_ACCOUNT".into()),
            ],
            filter: None,
        })
        .expect("the ledger answers");
    let want: Vec<(String, Vec<String>, Decimal)> = answer
        .periods
        .iter()
        .flat_map(|p| {
            p.groups
                .iter()
                .map(move |g| (p.start_text(), g.keys.clone(), g.metrics[0].1))
        })
        .collect();
    assert!(
        want.len() > 7 * 3,
        "a query of several pages: {} rows",
        want.len()
    );
    assert_eq!(pages, want.len().div_ceil(7), "pages of 7 rows");
    assert_eq!(got, want);
    server.shutdown().await;
}

#[tokio::test]
async fn days_add_up_to_the_month_and_a_filter_and_its_not_to_the_total() {
    let server = start(ledger(3), 1000).await;
    let client = ce::Client::new(config(&server)).expect("client");
    let period = json!({"Start": "2024-02-01", "End": "2024-03-01"});
    let sum = |rows: Vec<(String, Vec<String>, Decimal)>| -> Decimal {
        rows.into_iter().map(|(_, _, a)| a).sum()
    };
    let (_, daily) = rows(
        &client,
        &cost_request(
            json!({"TimePeriod": period, "Granularity": "DAILY", "Metrics": ["UnblendedCost"]}),
        ),
    )
    .await;
    assert_eq!(daily.len(), 29, "every day of February 2024");
    let (_, monthly) = rows(
        &client,
        &cost_request(
            json!({"TimePeriod": period, "Granularity": "MONTHLY", "Metrics": ["UnblendedCost"]}),
        ),
    )
    .await;
    assert_eq!(monthly.len(), 1);
    let month = sum(monthly);
    assert!(month > Decimal::ZERO);
    assert_eq!(sum(daily), month, "the days add up to the month, exactly");
    let leaf = json!({"Dimensions": {"Key": "SERVICE", "Values": ["AWS Lambda", "Amazon Simple Storage Service"]}});
    let (_, inside) = rows(
        &client,
        &cost_request(json!({"TimePeriod": period, "Granularity": "MONTHLY", "Metrics": ["UnblendedCost"], "Filter": leaf})),
    )
    .await;
    let (_, outside) = rows(
        &client,
        &cost_request(json!({"TimePeriod": period, "Granularity": "MONTHLY", "Metrics": ["UnblendedCost"], "Filter": {"Not": leaf}})),
    )
    .await;
    let (inside, outside) = (sum(inside), sum(outside));
    assert!(inside > Decimal::ZERO && outside > Decimal::ZERO);
    assert_eq!(
        inside + outside,
        month,
        "a filter and its Not partition the total"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn scp_markers_walk_every_usage_once() {
    let server = start(ledger(5), 4).await;
    let client = scp::Client::new(config(&server)).expect("client");
    let request: scp::model::ListUsagesRequest = serde_json::from_value(json!({
        "start_date": "2024-08-01",
        "end_date": "2024-08-02",
        "with_count": true,
        "limit": 3,
    }))
    .expect("a valid ListUsages request");
    let mut pages = client.list_usages_pages(&request);
    let (mut ids, mut seen, mut count) = (Vec::new(), 0usize, None);
    while let Some(page) = pages.next().await {
        let page = page.expect("a page");
        count = count.or(page.count);
        for usage in page.usages.unwrap_or_default() {
            ids.push(usage.id.map(|i| i.to_string()).unwrap_or_default());
        }
        seen += 1;
    }
    let count = usize::try_from(count.expect("with_count gives the count")).expect("a count");
    assert!(count > 3, "several pages: {count} usages");
    assert_eq!(ids.len(), count, "every usage once, {seen} pages");
    assert_eq!(
        ids.iter().collect::<BTreeSet<_>>().len(),
        count,
        "no usage twice"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_documented_request_still_gets_its_documented_response() {
    let server = start(ledger(0), 10).await;
    let client = ce::Client::new(config(&server)).expect("client");
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../specs/examples/aws-ce/");
    let request: ce::model::GetCostAndUsageRequest = ce::model::from_slice(
        &std::fs::read(format!("{root}GetCostAndUsage.request.json")).expect("the example"),
    )
    .expect("the documented request");
    let want: ce::model::GetCostAndUsageResponse = ce::model::from_slice(
        &std::fs::read(format!("{root}GetCostAndUsage.response.json")).expect("the example"),
    )
    .expect("the documented response");
    let got = client
        .get_cost_and_usage_with(&request)
        .await
        .expect("an answer");
    assert_eq!(got, want);
    server.shutdown().await;
}

#[tokio::test]
async fn what_the_ledger_cannot_answer_is_the_services_validation_error() {
    let server = start(ledger(0), 10).await;
    let client = ce::Client::new(config(&server)).expect("client");
    // Hourly data covers only the last 14 days of the ledger.
    let request = cost_request(json!({
        "TimePeriod": {"Start": "2024-01-01T00:00:00Z", "End": "2024-01-02T00:00:00Z"},
        "Granularity": "HOURLY",
        "Metrics": ["UnblendedCost"],
    }));
    let err = client
        .get_cost_and_usage_with(&request)
        .await
        .expect_err("refused");
    match &err {
        cloudcost_runtime::Error::UnknownService { meta }
        | cloudcost_runtime::Error::Service { meta, .. } => {
            assert_eq!(meta.status, 400, "{err}");
            assert_eq!(meta.code.as_deref(), Some("ValidationException"), "{err}");
            assert!(
                meta.message.as_deref().is_some_and(|m| !m.is_empty()),
                "{err}"
            );
        }
        other => panic!("expected the service's error, got {other:?}"),
    }
    server.shutdown().await;
}
