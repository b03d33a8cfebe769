//! The mock's request counts: per operation, answered and billable, with their exact
//! cost, read from the library (`MockServer::request_counts`) and over HTTP at the reserved
//! path (`GET /__cloudcost/requests`, with a plain client). Which requests count: every
//! request routed to an operation and answered (errors and cut-short answers included),
//! never one dropped unanswered, one that reached no operation, or a read of the counts.

use cloudcost_mock::{
    Cost, Dataset, FaultKind, Faults, MockConfig, MockServer, RequestCounts, ERROR_HEADER,
    REQUEST_COUNTS_PATH,
};
use cloudcost_types::rust_decimal::Decimal;
use serde_json::{json, Value};

/// A plain HTTP client (no retries, no connection reuse: every request is one exchange).
fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .expect("client")
}

/// The headers the mock's default auth check wants: present, not verified.
fn sigv4(request: reqwest::RequestBuilder, service: &str) -> reqwest::RequestBuilder {
    request
        .header("X-Amz-Date", "20240101T000000Z")
        .header(
            "Authorization",
            format!(
                "AWS4-HMAC-SHA256 Credential=AKIDCLOUDCOSTMOCK000/20240101/us-east-1/{service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=00"
            ),
        )
}

/// A Cost Explorer GetCostAndUsage request (awsJson1.1: `POST /` with its target).
fn cost_and_usage(client: &reqwest::Client, server: &MockServer) -> reqwest::RequestBuilder {
    sigv4(client.post(format!("{}/", server.url())), "ce")
        .header("Content-Type", "application/x-amz-json-1.1")
        .header("X-Amz-Target", "AWSInsightsIndexService.GetCostAndUsage")
        .body(
            json!({
                "TimePeriod": {"Start": "2024-01-01", "End": "2024-02-01"},
                "Granularity": "MONTHLY",
                "Metrics": ["BlendedCost"]
            })
            .to_string(),
        )
}

/// An Inspector2 ListUsageTotals request (restJson1: `POST /usage/list`).
fn usage_totals(client: &reqwest::Client, server: &MockServer) -> reqwest::RequestBuilder {
    sigv4(
        client.post(format!("{}/usage/list", server.url())),
        "inspector2",
    )
    .header("Content-Type", "application/json")
    .body("{}")
}

async fn counts_over_http(client: &reqwest::Client, server: &MockServer) -> Value {
    let response = client
        .get(format!("{}{REQUEST_COUNTS_PATH}", server.url()))
        .send()
        .await
        .expect("GET the counts");
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "application/json",
        "{response:?}"
    );
    let body = response.bytes().await.expect("the counts");
    serde_json::from_slice(&body).expect("JSON counts")
}

fn usd(text: &str) -> Cost {
    Cost {
        amount: text.parse::<Decimal>().expect("a decimal"),
        currency: "USD",
    }
}

#[tokio::test]
async fn answered_requests_are_counted_per_operation_with_their_cost() {
    let server = MockServer::start(MockConfig::default())
        .await
        .expect("start");
    let client = http();
    // Nothing yet: no operation, and the priced service's currency at zero.
    let empty = server.request_counts();
    assert_eq!(empty.operations, vec![]);
    assert_eq!(empty.costs, vec![usd("0.00")]);
    assert_eq!(
        counts_over_http(&client, &server).await,
        json!({"requests": 0, "billableRequests": 0,
               "costs": [{"amount": "0.00", "currency": "USD"}], "operations": []})
    );

    for _ in 0..2 {
        let page = cost_and_usage(&client, &server).send().await.expect("send");
        assert_eq!(page.status(), 200);
    }
    // An error is an answer too: the service's own, requested by header.
    let error = cost_and_usage(&client, &server)
        .header(ERROR_HEADER, "DataUnavailableException")
        .send()
        .await
        .expect("send");
    assert_eq!(error.status(), 400);
    // So is a refusal for missing credentials.
    let unsigned = client
        .post(format!("{}/usage/list", server.url()))
        .body("{}")
        .send()
        .await
        .expect("send");
    assert_eq!(unsigned.status(), 403);
    let page = usage_totals(&client, &server).send().await.expect("send");
    assert_eq!(page.status(), 200);
    // Requests that reach no operation are not counted.
    let nowhere = client
        .get(format!("{}/nowhere", server.url()))
        .send()
        .await
        .expect("send");
    assert_eq!(nowhere.status(), 404);
    let unknown = sigv4(client.post(format!("{}/", server.url())), "ce")
        .header("X-Amz-Target", "AWSInsightsIndexService.NoSuchOperation")
        .body("{}")
        .send()
        .await
        .expect("send");
    assert_eq!(unknown.status(), 400);

    let counts = server.request_counts();
    let ce = counts
        .operation("aws-ce", "GetCostAndUsage")
        .expect("GetCostAndUsage counted");
    assert_eq!((ce.requests, ce.billable), (3, 3));
    assert_eq!(ce.cost, Some(usd("0.03")));
    let inspector = counts
        .operation("aws-inspector2", "ListUsageTotals")
        .expect("ListUsageTotals counted");
    assert_eq!((inspector.requests, inspector.billable), (2, 0));
    assert_eq!(inspector.cost, None);
    assert_eq!(counts.operations.len(), 2, "{counts:?}");
    assert_eq!(counts.requests(), 5);
    assert_eq!(counts.billable_requests(), 3);
    assert_eq!(counts.costs, vec![usd("0.03")]);
    assert_eq!(
        counts.to_string(),
        "answered 5 requests (3 billable, 0.03 USD): aws-ce GetCostAndUsage 3, \
         aws-inspector2 ListUsageTotals 2"
    );

    // Over HTTP: the same, and reading them counts nothing.
    let expected = json!({
        "requests": 5,
        "billableRequests": 3,
        "costs": [{"amount": "0.03", "currency": "USD"}],
        "operations": [
            {"service": "aws-ce", "operation": "GetCostAndUsage", "requests": 3,
             "billable": 3, "cost": {"amount": "0.03", "currency": "USD"}},
            {"service": "aws-inspector2", "operation": "ListUsageTotals", "requests": 2,
             "billable": 0},
        ],
    });
    assert_eq!(counts_over_http(&client, &server).await, expected);
    assert_eq!(counts_over_http(&client, &server).await, expected);
    assert_eq!(server.request_counts(), counts);
    // The mock's own paths are not numbered: 7 requests to the API, none of the reads.
    assert_eq!(server.stats().requests, 7);

    // Only GET (and HEAD) there; nothing else under the reserved prefix.
    let post = client
        .post(format!("{}{REQUEST_COUNTS_PATH}", server.url()))
        .send()
        .await
        .expect("send");
    assert_eq!(post.status(), 405);
    assert_eq!(post.headers()["allow"], "GET, HEAD");
    let other = client
        .get(format!("{}/__cloudcost/other", server.url()))
        .send()
        .await
        .expect("send");
    assert_eq!(other.status(), 404);
    assert_eq!(server.stats().requests, 7);
    assert_eq!(server.request_counts(), counts);
    server.shutdown().await;
}

/// A mock whose every request gets `kind`.
async fn faulty(kind: FaultKind) -> MockServer {
    MockServer::start(MockConfig {
        faults: Faults {
            rate: 1.0,
            kinds: vec![kind],
            seed: 1,
        },
        ..MockConfig::default()
    })
    .await
    .expect("start")
}

#[tokio::test]
async fn a_reset_is_not_an_answer_but_a_throttle_and_a_truncated_answer_are() {
    let client = http();
    let server = faulty(FaultKind::Reset).await;
    for _ in 0..3 {
        let sent = cost_and_usage(&client, &server).send().await;
        assert!(sent.is_err(), "reset: {sent:?}");
    }
    assert_eq!(server.stats().requests, 3);
    assert_eq!(server.request_counts().requests(), 0);
    // The counts themselves are never faulted.
    assert_eq!(
        counts_over_http(&client, &server).await["requests"],
        json!(0)
    );
    server.shutdown().await;

    for kind in [FaultKind::Throttle, FaultKind::Truncate] {
        let server = faulty(kind).await;
        for _ in 0..2 {
            let sent = match cost_and_usage(&client, &server).send().await {
                Ok(response) => response.bytes().await.map(|_| ()),
                Err(e) => Err(e),
            };
            if kind == FaultKind::Truncate {
                assert!(sent.is_err(), "a truncated body is an error to read");
            }
        }
        let counts = server.request_counts();
        let ce = counts
            .operation("aws-ce", "GetCostAndUsage")
            .expect("counted");
        assert_eq!((ce.requests, ce.billable), (2, 2), "{kind}");
        assert_eq!(counts.costs, vec![usd("0.02")], "{kind}");
        server.shutdown().await;
    }
}

/// Reading the counts takes no request number, so it changes no fault: a run that reads
/// them between requests gets the faults of a run that does not.
#[tokio::test]
async fn reading_the_counts_does_not_shift_the_faults() {
    let config = MockConfig {
        dataset: Dataset::Examples,
        faults: Faults {
            rate: 0.5,
            kinds: vec![FaultKind::Throttle, FaultKind::Http500],
            seed: 42,
        },
        ..MockConfig::default()
    };
    let client = http();
    let mut runs: Vec<(Vec<u16>, RequestCounts)> = Vec::new();
    for read_between in [false, true] {
        let server = MockServer::start(config.clone()).await.expect("start");
        let mut statuses = Vec::new();
        for _ in 0..16 {
            if read_between {
                counts_over_http(&client, &server).await;
            }
            let response = usage_totals(&client, &server).send().await.expect("send");
            statuses.push(response.status().as_u16());
        }
        runs.push((statuses, server.request_counts()));
        server.shutdown().await;
    }
    assert!(runs[0].0.iter().any(|s| *s != 200), "{:?}", runs[0].0);
    assert!(runs[0].0.contains(&200), "{:?}", runs[0].0);
    assert_eq!(runs[0], runs[1]);
}
