//! The generated clients against a local HTTP server: the exact wire request of each of
//! the five operations, signing, typed errors, retries (with a recording sleeper, never a
//! real backoff sleep), pagination, validation before sending, and no secrets in output.

use std::sync::Arc;
use std::time::Duration;

use cloudcost_aws_ce_client as ce;
use cloudcost_aws_inspector2_client as inspector;
use cloudcost_runtime::aws_auth::AwsCredentials;
use cloudcost_runtime::{Config, ConfigBuilder, Error, PaginationError, RetryConfig, SplitMix64};
use cloudcost_scp_ce_client as scp;
use futures_util::StreamExt;
use serde_json::{json, Value};
use wiremock::matchers::{body_partial_json, header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

mod support;
use support::*;

fn assert_sigv4(request: &Request, region: &str, service: &str) {
    let auth = header_str(request, "authorization");
    let prefix = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/";
    assert!(auth.starts_with(prefix), "{auth}");
    assert!(
        auth.contains(&format!("/{region}/{service}/aws4_request")),
        "{auth}"
    );
    let signed = auth
        .split("SignedHeaders=")
        .nth(1)
        .unwrap()
        .split(',')
        .next()
        .unwrap();
    for h in ["host", "x-amz-date", "content-type", "x-amz-security-token"] {
        assert!(
            signed.split(';').any(|s| s == h),
            "{h} not signed: {signed}"
        );
    }
    assert!(request.headers.contains_key("x-amz-date"));
    assert_eq!(
        header_str(request, "x-amz-security-token"),
        "session-token-secret"
    );
}

#[tokio::test]
async fn get_cost_and_usage_sends_the_documented_request_and_decodes_the_documented_response() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/"))
        .and(header(
            "x-amz-target",
            "AWSInsightsIndexService.GetCostAndUsage",
        ))
        .respond_with(amz_json(example("aws-ce/GetCostAndUsage.response.json")))
        .mount(&server)
        .await;
    let client = ce_client(&server, Arc::default());
    let input: ce::model::GetCostAndUsageRequest =
        ce::model::from_slice(&example_bytes("aws-ce/GetCostAndUsage.request.json")).unwrap();
    let output = client.get_cost_and_usage_with(&input).await.unwrap();
    let expected: ce::model::GetCostAndUsageResponse =
        ce::model::from_slice(&example_bytes("aws-ce/GetCostAndUsage.response.json")).unwrap();
    assert_eq!(output, expected);

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    let r = &requests[0];
    assert_eq!(r.method.as_str(), "POST");
    assert_eq!(r.url.path(), "/");
    assert_eq!(r.url.query(), None);
    assert_eq!(header_str(r, "content-type"), "application/x-amz-json-1.1");
    assert_eq!(
        header_str(r, "x-amz-target"),
        "AWSInsightsIndexService.GetCostAndUsage"
    );
    // Cost Explorer signs for us-east-1 whatever the client's region.
    assert_sigv4(r, "us-east-1", "ce");
    let sent: Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(sent, example("aws-ce/GetCostAndUsage.request.json"));
}

#[tokio::test]
async fn get_reservation_utilization_wire_and_decode() {
    let server = MockServer::start().await;
    // Raw bytes: the 34-digit number must reach the client as written.
    Mock::given(method("POST"))
        .and(header(
            "x-amz-target",
            "AWSInsightsIndexService.GetReservationUtilization",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            example_bytes("aws-ce/GetReservationUtilization.response.json"),
            "application/x-amz-json-1.1",
        ))
        .mount(&server)
        .await;
    let client = ce_client(&server, Arc::default());
    let input: ce::model::GetReservationUtilizationRequest = ce::model::from_slice(&example_bytes(
        "aws-ce/GetReservationUtilization.request.json",
    ))
    .unwrap();
    let output = client
        .get_reservation_utilization_with(&input)
        .await
        .unwrap();
    let total = output.utilizations_by_time[0].total.as_ref().unwrap();
    assert_eq!(
        total.utilization_percentage.unwrap().to_string(),
        "69.113683209132709687648644363"
    );

    let r = &server.received_requests().await.unwrap()[0];
    assert_eq!(header_str(r, "content-type"), "application/x-amz-json-1.1");
    assert_sigv4(r, "us-east-1", "ce");
    let sent: Value = serde_json::from_slice(&r.body).unwrap();
    // "Dimension" is an unknown enum value and goes back exactly as documented.
    assert_eq!(
        sent,
        example("aws-ce/GetReservationUtilization.request.json")
    );
}

#[tokio::test]
async fn inspector2_operations_use_their_paths_and_the_regional_signature() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/usage/list"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "totals": [{"accountId": "123456789012", "usage": [
                {"type": "EC2_INSTANCE_HOURS", "total": 12.5, "estimatedMonthlyCost": 3.75, "currency": "USD", "cloudProvider": "AWS"}
            ]}]
        })))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/freetrialinfo/batchget"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "accounts": [{"accountId": "123456789012", "freeTrialInfo": [
                {"type": "EC2", "start": 1700000000, "end": 1702592000.5, "status": "ACTIVE"}
            ]}],
            "failedAccounts": [{"accountId": "210987654321", "code": "ACCESS_DENIED", "message": "no"}]
        })))
        .mount(&server)
        .await;
    let client = inspector_client(&server, Arc::default());

    let totals = client
        .list_usage_totals_with(
            &inspector::model::ListUsageTotalsRequest::builder()
                .account_ids(["123456789012"])
                .max_results(50)
                .build()
                .unwrap(),
        )
        .await
        .unwrap();
    let usage = &totals.totals.unwrap()[0].usage.clone().unwrap()[0];
    assert_eq!(usage.total.unwrap().to_string(), "12.5");
    assert_eq!(usage.estimated_monthly_cost.unwrap().to_string(), "3.75");

    let trials = client
        .batch_get_free_trial_info_with(
            &inspector::model::BatchGetFreeTrialInfoRequest::builder()
                .account_ids(["123456789012"])
                .build()
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(
        trials.accounts[0].free_trial_info[0]
            .end
            .timestamp_subsec_millis(),
        500
    );
    assert_eq!(
        trials.failed_accounts[0].code,
        inspector::model::FreeTrialInfoErrorCode::AccessDenied
    );

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    for r in &requests {
        assert_eq!(r.method.as_str(), "POST");
        assert_eq!(header_str(r, "content-type"), "application/json");
        assert!(!r.headers.contains_key("x-amz-target"));
        assert_sigv4(r, "us-west-2", "inspector2");
    }
    assert_eq!(
        serde_json::from_slice::<Value>(&requests[0].body).unwrap(),
        json!({"accountIds": ["123456789012"], "maxResults": 50})
    );
    assert_eq!(
        serde_json::from_slice::<Value>(&requests[1].body).unwrap(),
        json!({"accountIds": ["123456789012"]})
    );
}

fn hmac_base64(secret: &str, message: &str) -> String {
    use base64::Engine;
    use hmac::{KeyInit, Mac};
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(message.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

#[tokio::test]
async fn scp_list_usages_sends_repeated_query_parameters_and_a_verifiable_signature() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/usages"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(example("scp-ce/ListUsages.response.json")),
        )
        .mount(&server)
        .await;
    let client = scp_client(&server);
    let mut input: scp::model::ListUsagesRequest =
        scp::model::from_slice(&example_bytes("scp-ce/ListUsages.request.json")).unwrap();
    input.region = Some(vec!["kr-west1".into(), "kr-east1".into()]);
    let output = client.list_usages_with(&input).await.unwrap();
    let usage = &output.usages.unwrap()[0];
    assert_eq!(
        usage.amounts.as_ref().unwrap().krw.unwrap().to_string(),
        "500.0000000000"
    );

    let r = &server.received_requests().await.unwrap()[0];
    assert_eq!(r.method.as_str(), "GET");
    assert_eq!(r.url.path(), "/v1/usages");
    assert!(r.body.is_empty());
    let pairs: Vec<(String, String)> = r
        .url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let get = |k: &str| {
        pairs
            .iter()
            .filter(|(n, _)| n == k)
            .map(|(_, v)| v.as_str())
            .collect::<Vec<_>>()
    };
    assert_eq!(get("start_date"), ["2024-08-01"]);
    assert_eq!(get("with_count"), ["true"]);
    assert_eq!(get("limit"), ["20"]);
    assert_eq!(get("sort"), ["created_at:desc"]);
    assert_eq!(get("region"), ["kr-west1", "kr-east1"]);
    assert_eq!(get("account_id"), ["228cb9e4a7934f84853594c7f26f7a21"]);
    assert_eq!(get("order_status"), ["04"]);
    // The whole query, as SCP's Go SDK writes it (`url.Values.Encode()`): keys sorted
    // bytewise, repeated values in order, `:` escaped.
    assert_eq!(
        r.url.query().unwrap(),
        "account_id=228cb9e4a7934f84853594c7f26f7a21&billing_item_id=VIRTUAL_SERVER\
         &contract_id=C002612775&end_date=2024-08-01&limit=20&marker=607e0938521643b5b4b266f343fae693\
         &order_status=04&region=kr-west1&region=kr-east1&resource_name=test-vm\
         &service_category=COMPUTE&sort=created_at%3Adesc&start_date=2024-08-01&with_count=true"
    );

    assert_eq!(header_str(r, "scp-accesskey"), "scp-access");
    assert_eq!(
        header_str(r, "scp-accountid"),
        "228cb9e4a7934f84853594c7f26f7a21"
    );
    assert_eq!(header_str(r, "accept"), "application/json");
    assert_eq!(
        header_str(r, "user-agent"),
        concat!("cloudcost/", env!("CARGO_PKG_VERSION"))
    );
    assert_eq!(header_str(r, "scp-clienttype"), "Openapi");
    assert_eq!(header_str(r, "scp-api-version"), "costexplorer 1.0");
    assert_eq!(header_str(r, "accept-language"), "ko-KR");
    let timestamp = header_str(r, "scp-timestamp");
    assert!(
        timestamp.len() >= 13 && timestamp.chars().all(|c| c.is_ascii_digit()),
        "{timestamp}"
    );
    // The documented formula, computed here independently of the runtime, over the URL as
    // sent (wiremock rebuilds `r.url` with its own host, so take the host from the server).
    let sent_url = format!(
        "{}{}?{}",
        server.uri(),
        r.url.path(),
        r.url.query().unwrap()
    );
    let message =
        format!("GET{sent_url}{timestamp}scp-access228cb9e4a7934f84853594c7f26f7a21Openapi");
    assert_eq!(
        header_str(r, "scp-signature"),
        hmac_base64(SCP_SECRET, &message)
    );
}

#[tokio::test]
async fn every_documented_error_decodes_into_its_variant() {
    let server = MockServer::start().await;
    let sleep = Arc::new(RecordingSleep::default());
    let no_retries = |b: ConfigBuilder| b.retry(RetryConfig::disabled()).build();
    let ce = ce::Client::new(no_retries(aws_config(&server, sleep.clone()))).unwrap();
    let insp = inspector::Client::new(no_retries(aws_config(&server, sleep.clone()))).unwrap();
    let cost_input: ce::model::GetCostAndUsageRequest =
        ce::model::from_slice(&example_bytes("aws-ce/GetCostAndUsage.request.json")).unwrap();
    let totals_input = inspector::model::ListUsageTotalsRequest::default();

    for code in [
        "LimitExceededException",
        "BillExpirationException",
        "DataUnavailableException",
        "InvalidNextTokenException",
        "RequestChangedException",
        "ResourceNotFoundException",
        "BillingViewHealthStatusException",
    ] {
        server.reset().await;
        let body = json!({"__type": format!("com.amazonaws.ce#{code}"), "Message": format!("{code} happened"), "ResourceName": "arn:aws:ce::123456789012:anomalymonitor/abc"});
        Mock::given(method("POST"))
            .respond_with(
                ResponseTemplate::new(400)
                    .insert_header("x-amzn-RequestId", "rid-1")
                    .set_body_json(body),
            )
            .mount(&server)
            .await;
        let err = ce.get_cost_and_usage_with(&cost_input).await.unwrap_err();
        let Error::Service { error, meta } = &err else {
            panic!("{code}: {err:?}")
        };
        assert_eq!(error.code(), code);
        assert_eq!(meta.code.as_deref(), Some(code));
        assert_eq!(meta.request_id.as_deref(), Some("rid-1"));
        assert_eq!(
            err.to_string(),
            format!(
                "GetCostAndUsage failed: {code} (HTTP 400): {code} happened [request id rid-1]"
            )
        );
        if let ce::GetCostAndUsageError::ResourceNotFoundException(e) = error {
            assert_eq!(
                e.resource_name.as_deref(),
                Some("arn:aws:ce::123456789012:anomalymonitor/abc")
            );
        }
    }

    server.reset().await;
    Mock::given(method("POST"))
        .respond_with(
            aws_error(429, "ThrottlingException", json!({"message": "slow down"}))
                .insert_header("Retry-After", "7"),
        )
        .mount(&server)
        .await;
    match insp
        .list_usage_totals_with(&totals_input)
        .await
        .unwrap_err()
    {
        Error::Service {
            error: inspector::ListUsageTotalsError::ThrottlingException(e),
            ..
        } => {
            assert_eq!(e.retry_after_seconds, Some(7));
            assert_eq!(e.message, "slow down");
        }
        other => panic!("{other:?}"),
    }

    server.reset().await;
    Mock::given(method("POST"))
        .respond_with(
            aws_error(500, "InternalServerException", json!({"message": "oops"}))
                .insert_header("Retry-After", "2"),
        )
        .mount(&server)
        .await;
    match insp
        .list_usage_totals_with(&totals_input)
        .await
        .unwrap_err()
    {
        Error::Service {
            error: inspector::ListUsageTotalsError::InternalServerException(e),
            ..
        } => {
            assert_eq!(e.retry_after_seconds, Some(2))
        }
        other => panic!("{other:?}"),
    }

    server.reset().await;
    Mock::given(method("POST"))
        .respond_with(aws_error(
            400,
            "ValidationException",
            json!({
                "message": "bad", "reason": "FIELD_VALIDATION_FAILED",
                "fields": [{"name": "accountIds[0]", "message": "must be 12 digits"}]
            }),
        ))
        .mount(&server)
        .await;
    match insp
        .list_usage_totals_with(&totals_input)
        .await
        .unwrap_err()
    {
        Error::Service {
            error: inspector::ListUsageTotalsError::ValidationException(e),
            ..
        } => {
            assert_eq!(
                e.reason,
                inspector::model::ValidationExceptionReason::FieldValidationFailed
            );
            assert_eq!(e.fields.unwrap()[0].name, "accountIds[0]");
        }
        other => panic!("{other:?}"),
    }

    server.reset().await;
    Mock::given(method("POST"))
        .respond_with(aws_error(
            403,
            "AccessDeniedException",
            json!({"message": "denied"}),
        ))
        .mount(&server)
        .await;
    assert!(matches!(
        insp.batch_get_free_trial_info_with(
            &inspector::model::BatchGetFreeTrialInfoRequest::builder()
                .account_ids(["123456789012"])
                .build()
                .unwrap()
        )
        .await
        .unwrap_err(),
        Error::Service {
            error: inspector::BatchGetFreeTrialInfoError::AccessDeniedException(_),
            ..
        }
    ));
}

#[tokio::test]
async fn unknown_codes_non_json_bodies_and_bad_responses_are_distinct() {
    let server = MockServer::start().await;
    let client = inspector::Client::new(
        aws_config(&server, Arc::default())
            .retry(RetryConfig::disabled())
            .build(),
    )
    .unwrap();
    let input = inspector::model::ListUsageTotalsRequest::default();

    Mock::given(method("POST"))
        .respond_with(aws_error(
            400,
            "BrandNewException",
            json!({"message": "new"}),
        ))
        .mount(&server)
        .await;
    let err = client.list_usage_totals_with(&input).await.unwrap_err();
    assert!(
        matches!(&err, Error::UnknownService { meta } if meta.code.as_deref() == Some("BrandNewException")),
        "{err:?}"
    );

    server.reset().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(502).set_body_string("<html>Bad Gateway</html>"))
        .mount(&server)
        .await;
    let err = client.list_usage_totals_with(&input).await.unwrap_err();
    let Error::Http { meta } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(
        (meta.status, meta.code.as_deref(), meta.body.as_str()),
        (502, None, "<html>Bad Gateway</html>")
    );
    assert_eq!(
        err.to_string(),
        "ListUsageTotals failed: HTTP 502; body: <html>Bad Gateway</html>"
    );

    server.reset().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_string(
            r#"{"totals":[{"accountId":"123456789012","usage":[{"total":"lots"}]}]}"#,
        ))
        .mount(&server)
        .await;
    let err = client.list_usage_totals_with(&input).await.unwrap_err();
    match &err {
        Error::Decode { error, .. } => {
            assert_eq!(error.path, "totals[0].usage[0].total");
            // Display is this level; the source (the decode error) says where.
            assert_eq!(
                err.to_string(),
                "ListUsageTotals: could not decode the response"
            );
            assert_eq!(
                cloudcost_runtime::report(&err),
                "ListUsageTotals: could not decode the response: at `totals[0].usage[0].total`: \
                 expected a decimal number, found \"lots\": Invalid decimal: unknown character \
                 (line 1, column 64, byte offset 63)"
            );
        }
        other => panic!("{other:?}"),
    }
}

/// The retry settings of [`aws_config`] (100 ms base) with the jitter source replaced by a
/// fixed fraction `u`: the full-jitter wait before retry `n` is then exactly
/// `u * min(cap, 100 ms * 2^(n-1))`.
fn fixed_jitter(u: f64) -> RetryConfig {
    RetryConfig::default()
        .with_base(Duration::from_millis(100))
        .with_random_source(move || u)
}

#[tokio::test]
async fn throttling_then_success_is_retried_with_backoff() {
    // A fixed fraction: uniform(0, 100 ms) drawn as 0.25 is exactly 25 ms, so a client that
    // did not jitter (100 ms) or did not wait (0) fails.
    let server = throttled_once().await;
    let sleep = Arc::new(RecordingSleep::default());
    let client = inspector::Client::new(
        aws_config(&server, sleep.clone())
            .retry(fixed_jitter(0.25))
            .build(),
    )
    .unwrap();
    let page = client
        .list_usage_totals_with(&Default::default())
        .await
        .unwrap();
    assert_eq!(page.totals, Some(vec![]));
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
    assert_eq!(sleep.waits(), [Duration::from_millis(25)]);

    // The default generator, seeded: the wait is the seed's first draw scaled to the
    // 100 ms ceiling. SplitMix64's first output for seed 7 is 0x63cb_e1e4_5932_0dd7; its
    // top 53 bits times 2^-53 are 0.389829748391..., times 0.1 s 38,982,975 ns (rounded
    // to the nanosecond, as `Duration::try_from_secs_f64` rounds).
    let server = throttled_once().await;
    let sleep = Arc::new(RecordingSleep::default());
    let client = inspector::Client::new(
        aws_config(&server, sleep.clone())
            .retry(
                RetryConfig::default()
                    .with_base(Duration::from_millis(100))
                    .with_random_source(SplitMix64::with_seed(7)),
            )
            .build(),
    )
    .unwrap();
    client
        .list_usage_totals_with(&Default::default())
        .await
        .unwrap();
    assert_eq!(sleep.waits(), [Duration::from_nanos(38_982_975)]);
}

#[tokio::test]
async fn retry_after_is_honoured_exactly() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            aws_error(429, "ThrottlingException", json!({"message": "slow"}))
                .insert_header("Retry-After", "7"),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"totals": []})))
        .mount(&server)
        .await;
    let sleep = Arc::new(RecordingSleep::default());
    let client = inspector_client(&server, sleep.clone());
    client
        .list_usage_totals_with(&Default::default())
        .await
        .unwrap();
    assert_eq!(sleep.waits(), [Duration::from_secs(7)]);
}

#[tokio::test]
async fn the_attempt_limit_stops_retries() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503).set_body_string("unavailable"))
        .mount(&server)
        .await;
    let sleep = Arc::new(RecordingSleep::default());
    let client = inspector::Client::new(
        aws_config(&server, sleep.clone())
            .retry(fixed_jitter(0.5))
            .build(),
    )
    .unwrap();
    let err = client
        .list_usage_totals_with(&Default::default())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Http { meta, .. } if meta.status == 503),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "ListUsageTotals failed: HTTP 503; body: unavailable"
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
    // Half of the ceilings 100 ms and 200 ms: the exponential growth is checked too.
    assert_eq!(
        sleep.waits(),
        [Duration::from_millis(50), Duration::from_millis(100)]
    );
}

#[tokio::test]
async fn validation_errors_are_not_retried_but_cost_explorer_limit_exceeded_is() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(aws_error(
            400,
            "ValidationException",
            json!({"message": "bad", "reason": "OTHER"}),
        ))
        .mount(&server)
        .await;
    let sleep = Arc::new(RecordingSleep::default());
    let client = inspector_client(&server, sleep.clone());
    let err = client
        .list_usage_totals_with(&Default::default())
        .await
        .unwrap_err();
    match &err {
        Error::Service {
            error: inspector::ListUsageTotalsError::ValidationException(e),
            meta,
        } => {
            assert_eq!(e.message, "bad");
            assert_eq!(e.reason, inspector::model::ValidationExceptionReason::Other);
            assert_eq!(
                (meta.status, meta.code.as_deref()),
                (400, Some("ValidationException"))
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        err.to_string(),
        "ListUsageTotals failed: ValidationException (HTTP 400): bad [request id req-err]"
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
    assert_eq!(sleep.waits(), Vec::<Duration>::new());

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(400).set_body_json(
                json!({"__type": "LimitExceededException", "Message": "Rate exceeded"}),
            ),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(amz_json(json!({"ResultsByTime": []})))
        .mount(&server)
        .await;
    let sleep = Arc::new(RecordingSleep::default());
    let client = ce::Client::new(
        aws_config(&server, sleep.clone())
            .retry(fixed_jitter(0.5))
            .build(),
    )
    .unwrap();
    let input: ce::model::GetCostAndUsageRequest =
        ce::model::from_slice(&example_bytes("aws-ce/GetCostAndUsage.request.json")).unwrap();
    let page = client.get_cost_and_usage_with(&input).await.unwrap();
    assert_eq!(page.results_by_time, Some(vec![]));
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
    // No Retry-After: the jittered wait, half of the first 100 ms ceiling.
    assert_eq!(sleep.waits(), [Duration::from_millis(50)]);
}

#[tokio::test]
async fn an_invalid_request_never_reaches_the_network() {
    let server = MockServer::start().await;
    let client = inspector_client(&server, Arc::default());
    let err = client
        .list_usage_totals_with(
            &inspector::model::ListUsageTotalsRequest::builder()
                .account_ids(["nope"])
                .max_results(0)
                .build()
                .unwrap(),
        )
        .await
        .unwrap_err();
    let Error::Validation { errors, .. } = &err else {
        panic!("{err:?}")
    };
    let found: Vec<(&str, &str)> = errors
        .errors
        .iter()
        .map(|e| (e.path.as_str(), e.message.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            ("maxResults", "must be at least 1, got 0"),
            ("accountIds[0]", "must match .*[0-9]{12}.*")
        ]
    );
    assert_eq!(
        err.to_string(),
        "ListUsageTotals: invalid request, not sent: 2 invalid field(s): maxResults: must be at \
         least 1, got 0; accountIds[0]: must match .*[0-9]{12}.*"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_fluent_call_sends_the_documented_request() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(amz_json(example("aws-ce/GetCostAndUsage.response.json")))
        .mount(&server)
        .await;
    let client = ce_client(&server, Arc::default());
    // The documented request's values, set one member at a time as aws-sdk-rust users do.
    let documented: ce::model::GetCostAndUsageRequest =
        ce::model::from_slice(&example_bytes("aws-ce/GetCostAndUsage.request.json")).unwrap();
    let output = client
        .get_cost_and_usage()
        .time_period(documented.time_period.clone())
        .granularity(documented.granularity.clone())
        .metrics(documented.metrics.clone())
        .set_group_by(documented.group_by.clone())
        .set_filter(documented.filter.clone())
        .send()
        .await
        .unwrap();
    let expected: ce::model::GetCostAndUsageResponse =
        ce::model::from_slice(&example_bytes("aws-ce/GetCostAndUsage.response.json")).unwrap();
    assert_eq!(output, expected);
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    assert_eq!(
        header_str(&requests[0], "x-amz-target"),
        "AWSInsightsIndexService.GetCostAndUsage"
    );
    // The bytes on the wire are the documented request's.
    let sent: Value = serde_json::from_slice(&requests[0].body).unwrap();
    assert_eq!(sent, example("aws-ce/GetCostAndUsage.request.json"));
}

#[tokio::test]
async fn a_fluent_call_missing_a_required_member_names_it_and_sends_nothing() {
    let server = MockServer::start().await;
    let client = ce_client(&server, Arc::default());
    let err = client
        .get_cost_and_usage()
        .granularity(ce::model::Granularity::Monthly)
        .metrics(["UnblendedCost"])
        .send()
        .await
        .unwrap_err();
    let Error::Validation { operation, errors } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(*operation, "GetCostAndUsage");
    let found: Vec<(&str, &str)> = errors
        .errors
        .iter()
        .map(|e| (e.path.as_str(), e.message.as_str()))
        .collect();
    assert_eq!(found, [("TimePeriod", "is required and was not set")]);
    assert_eq!(
        err.to_string(),
        "GetCostAndUsage: invalid request, not sent: 1 invalid field(s): TimePeriod: is required \
         and was not set"
    );

    // The page stream of the same call yields that error once, then ends.
    let mut pages = client
        .get_cost_and_usage()
        .granularity(ce::model::Granularity::Monthly)
        .metrics(["UnblendedCost"])
        .pages();
    match pages.next().await {
        Some(Err(PaginationError::Page(Error::Validation { errors, .. }))) => {
            assert_eq!(errors.errors[0].path, "TimePeriod")
        }
        other => panic!("{other:?}"),
    }
    assert!(pages.next().await.is_none());

    // A request that builds but breaks a documented rule is refused as the request-value
    // call refuses it.
    let insp = inspector_client(&server, Arc::default());
    let err = insp
        .list_usage_totals()
        .max_results(0)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "ListUsageTotals: invalid request, not sent: 1 invalid field(s): maxResults: must be at \
         least 1, got 0"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}

fn page(token: Option<&str>, ids: &[&str]) -> ResponseTemplate {
    let totals: Vec<Value> = ids.iter().map(|id| json!({"accountId": id})).collect();
    let mut body = json!({"totals": totals});
    if let Some(t) = token {
        body["nextToken"] = json!(t);
    }
    ResponseTemplate::new(200).set_body_json(body)
}

#[tokio::test]
async fn pages_follow_tokens_in_order() {
    let server = MockServer::start().await;
    Mock::given(body_partial_json(json!({"nextToken": "t1"})))
        .respond_with(page(Some("t2"), &["b"]))
        .mount(&server)
        .await;
    Mock::given(body_partial_json(json!({"nextToken": "t2"})))
        .respond_with(page(None, &["c"]))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(page(Some("t1"), &["a"]))
        .with_priority(10)
        .mount(&server)
        .await;
    let client = inspector_client(&server, Arc::default());
    let items: Vec<String> = client
        .list_usage_totals_items(&Default::default())
        .map(|r| String::from(r.unwrap().account_id.unwrap()))
        .collect()
        .await;
    assert_eq!(items, ["a", "b", "c"]);
    assert_eq!(server.received_requests().await.unwrap().len(), 3);

    let first_two: Vec<String> = client
        .list_usage_totals_items(&Default::default())
        .max_items(2)
        .map(|r| String::from(r.unwrap().account_id.unwrap()))
        .collect()
        .await;
    assert_eq!(first_two, ["a", "b"]);
    // Two more pages were needed for two items, and the third was never asked for.
    assert_eq!(server.received_requests().await.unwrap().len(), 5);

    // The fluent call pages the same way, and every page's request keeps its members.
    let fluent: Vec<String> = client
        .list_usage_totals()
        .account_ids(["123456789012"])
        .items()
        .map(|r| String::from(r.unwrap().account_id.unwrap()))
        .collect()
        .await;
    assert_eq!(fluent, ["a", "b", "c"]);
    let requests = server.received_requests().await.unwrap();
    let sent: Vec<Value> = requests[5..]
        .iter()
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect();
    assert_eq!(
        sent,
        [
            json!({"accountIds": ["123456789012"]}),
            json!({"accountIds": ["123456789012"], "nextToken": "t1"}),
            json!({"accountIds": ["123456789012"], "nextToken": "t2"}),
        ]
    );
}

#[tokio::test]
async fn a_repeated_token_is_an_error_not_a_loop() {
    let server = MockServer::start().await;
    Mock::given(body_partial_json(json!({"nextToken": "same"})))
        .respond_with(page(Some("same"), &["b"]))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(page(Some("same"), &["a"]))
        .with_priority(10)
        .mount(&server)
        .await;
    let client = inspector_client(&server, Arc::default());
    let results: Vec<_> = client
        .list_usage_totals_pages(&Default::default())
        .collect()
        .await;
    assert_eq!(results.len(), 3);
    let page = |i: usize| {
        let page = results[i].as_ref().unwrap();
        (
            page.totals.as_ref().unwrap()[0].account_id.as_deref(),
            page.next_token.as_deref(),
        )
    };
    assert_eq!(page(0), (Some("a"), Some("same")));
    assert_eq!(page(1), (Some("b"), Some("same")));
    assert!(
        matches!(results[2], Err(PaginationError::RepeatedToken { .. })),
        "{:?}",
        results[2]
    );
    assert_eq!(
        results[2].as_ref().unwrap_err().to_string(),
        "the service repeated the page token `same`; stopping instead of looping"
    );
    // The repeated token is not sent a second time.
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_page_failing_mid_stream_keeps_the_items_already_yielded() {
    let server = MockServer::start().await;
    Mock::given(body_partial_json(json!({"nextToken": "t1"})))
        .respond_with(aws_error(
            403,
            "AccessDeniedException",
            json!({"message": "denied"}),
        ))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(page(Some("t1"), &["a", "b"]))
        .with_priority(10)
        .mount(&server)
        .await;
    let client = inspector_client(&server, Arc::default());
    let results: Vec<_> = client
        .list_usage_totals_items(&Default::default())
        .collect()
        .await;
    assert_eq!(results.len(), 3);
    assert_eq!(
        results[0].as_ref().unwrap().account_id.as_deref(),
        Some("a")
    );
    assert_eq!(
        results[1].as_ref().unwrap().account_id.as_deref(),
        Some("b")
    );
    assert!(matches!(
        &results[2],
        Err(PaginationError::Page(Error::Service {
            error: inspector::ListUsageTotalsError::AccessDeniedException(_),
            ..
        }))
    ));
}

#[tokio::test]
async fn cost_explorer_and_scp_page_too() {
    let server = MockServer::start().await;
    Mock::given(body_partial_json(json!({"NextPageToken": "p2"})))
        .respond_with(amz_json(json!({"ResultsByTime": [{"Estimated": true}]})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(amz_json(
            json!({"ResultsByTime": [{"Estimated": false}], "NextPageToken": "p2"}),
        ))
        .with_priority(10)
        .mount(&server)
        .await;
    let client = ce_client(&server, Arc::default());
    let input: ce::model::GetCostAndUsageRequest =
        ce::model::from_slice(&example_bytes("aws-ce/GetCostAndUsage.request.json")).unwrap();
    let estimated: Vec<bool> = client
        .get_cost_and_usage_items(&input)
        .map(|r| r.unwrap().estimated.unwrap())
        .collect()
        .await;
    assert_eq!(estimated, [false, true]);

    // SCP: the marker of the next page is the id of the last item; a short page ends it.
    let server = MockServer::start().await;
    let usages = |ids: &[&str]| {
        ResponseTemplate::new(200).set_body_json(
            json!({"usages": ids.iter().map(|id| json!({"id": id})).collect::<Vec<_>>()}),
        )
    };
    Mock::given(wiremock::matchers::query_param("marker", "u2"))
        .respond_with(usages(&["u3"]))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(usages(&["u1", "u2"]))
        .with_priority(10)
        .mount(&server)
        .await;
    let client = scp_client(&server);
    let ids: Vec<String> = client
        .list_usages_items(
            &scp::model::ListUsagesRequest::builder()
                .limit(2)
                .build()
                .unwrap(),
        )
        .map(|r| String::from(r.unwrap().id.unwrap()))
        .collect()
        .await;
    assert_eq!(ids, ["u1", "u2", "u3"]);
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn attempt_timeouts_are_distinct_and_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"totals": []}))
                .set_delay(Duration::from_secs(5)),
        )
        .mount(&server)
        .await;
    let sleep = Arc::new(RecordingSleep::default());
    let client = inspector::Client::new(
        aws_config(&server, sleep.clone())
            .retry(fixed_jitter(0.5))
            .attempt_timeout(Some(Duration::from_millis(50)))
            .build(),
    )
    .unwrap();
    let err = client
        .list_usage_totals_with(&Default::default())
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Timeout {
                kind: cloudcost_runtime::TimeoutKind::Attempt,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "ListUsageTotals: attempt timeout after 50ms"
    );
    assert_eq!(
        sleep.waits(),
        [Duration::from_millis(50), Duration::from_millis(100)],
        "timeouts are retried"
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn secrets_never_appear_in_debug_or_errors() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(aws_error(
            400,
            "ValidationException",
            json!({"message": "bad", "reason": "OTHER"}),
        ))
        .mount(&server)
        .await;
    let client = inspector_client(&server, Arc::default());
    let err = client
        .list_usage_totals_with(&Default::default())
        .await
        .unwrap_err();
    let scp = scp_client(&server);
    let request = &server.received_requests().await.unwrap()[0];
    let signature = header_str(request, "authorization")
        .rsplit("Signature=")
        .next()
        .unwrap()
        .to_string();
    for text in [
        format!("{client:?}"),
        format!("{err:?}"),
        err.to_string(),
        format!("{scp:?}"),
        // A fluent call being built prints its client and request, never a credential.
        format!("{:?}", client.list_usage_totals().max_results(10)),
        format!("{:?}", scp.list_usages().limit(10)),
    ] {
        for secret in [
            SECRET,
            "session-token-secret",
            SCP_SECRET,
            signature.as_str(),
        ] {
            assert!(!text.contains(secret), "secret leaked into: {text}");
        }
    }
}

#[tokio::test]
async fn connection_failures_are_transport_errors_and_retried() {
    // A port nobody listens on: bind, note it, close.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let sleep = Arc::new(RecordingSleep::default());
    let client = inspector::Client::new(
        Config::builder()
            .endpoint_url(format!("http://127.0.0.1:{port}"))
            .region("us-west-2")
            .aws_credentials(AwsCredentials::new("AKIDEXAMPLE", SECRET, None))
            .retry(fixed_jitter(0.5))
            .sleep(sleep.clone())
            .build(),
    )
    .unwrap();
    let err = client
        .list_usage_totals_with(&Default::default())
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Transport {
                operation: "ListUsageTotals",
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        sleep.waits(),
        [Duration::from_millis(50), Duration::from_millis(100)],
        "connection failures are retried"
    );
    assert!(!err.to_string().contains(SECRET));
    assert_eq!(err.to_string(), "ListUsageTotals: transport error");

    // The cause chain goes all the way down to the refused connection.
    let mut chain = Vec::new();
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(&err);
    let mut io_kind = None;
    while let Some(e) = cause {
        chain.push(e.to_string());
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            io_kind = Some(io.kind());
        }
        cause = e.source();
    }
    assert_eq!(
        io_kind,
        Some(std::io::ErrorKind::ConnectionRefused),
        "{chain:?}"
    );
    // Every level but the operating system's own words for the refusal (the io::Error
    // found above), which differ between systems.
    assert_eq!(
        chain[..chain.len() - 1],
        [
            "ListUsageTotals: transport error".to_string(),
            format!("error sending request for url (http://127.0.0.1:{port}/usage/list)"),
            "client error (Connect)".to_string(),
            "tcp connect error".to_string(),
        ],
        "{chain:?}"
    );
    assert!(!cloudcost_runtime::report(&err).contains(SECRET));
}

#[tokio::test]
async fn the_total_timeout_bounds_the_whole_call() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"totals": []}))
                .set_delay(Duration::from_secs(5)),
        )
        .mount(&server)
        .await;
    let client = inspector::Client::new(
        aws_config(&server, Arc::default())
            .attempt_timeout(None)
            .total_timeout(Some(Duration::from_millis(80)))
            .build(),
    )
    .unwrap();
    let err = client
        .list_usage_totals_with(&Default::default())
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Timeout {
                kind: cloudcost_runtime::TimeoutKind::Total,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(err.to_string(), "ListUsageTotals: total timeout after 80ms");
}
