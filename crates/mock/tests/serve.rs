//! The mock against the generated clients and against raw HTTP: every operation, the
//! protocols' error shapes, auth, paging and tokens.

use cloudcost_aws_ce_client as ce;
use cloudcost_aws_inspector2_client as inspector2;
use cloudcost_mock::{Dataset, MockConfig, MockServer, TestKeys, ERROR_HEADER};
use cloudcost_runtime::{Config, RetryConfig, StreamExt};
use serde_json::{json, Value};

fn config(server: &MockServer, keys: &TestKeys) -> Config {
    Config::builder()
        .endpoint_url(server.url())
        .region("us-east-1")
        .aws_credentials(keys.aws_credentials())
        .scp_credentials(keys.scp_credentials().expect("test keys"))
        .retry(RetryConfig::disabled())
        .build()
}

fn strict() -> MockConfig {
    MockConfig {
        strict_auth: true,
        ..MockConfig::default()
    }
}

fn example(path: &str) -> Value {
    let text = std::fs::read_to_string(format!("{}/../../{path}", env!("CARGO_MANIFEST_DIR")))
        .expect("example file");
    serde_json::from_str(&text).expect("example JSON")
}

fn cost_request() -> ce::model::GetCostAndUsageRequest {
    serde_json::from_value(json!({
        "TimePeriod": {"Start": "2017-09-01", "End": "2017-10-01"},
        "Granularity": "MONTHLY",
        "Metrics": ["BlendedCost"]
    }))
    .expect("request")
}

#[tokio::test]
async fn every_operation_answers_its_documented_example_under_strict_auth() {
    let server = MockServer::start(strict()).await.expect("start");
    let keys = TestKeys::default();
    let ce = ce::Client::new(config(&server, &keys)).expect("client");

    let got = ce
        .get_cost_and_usage(&cost_request())
        .await
        .expect("GetCostAndUsage");
    let want: ce::model::GetCostAndUsageResponse = serde_json::from_value(example(
        "specs/examples/aws-ce/GetCostAndUsage.response.json",
    ))
    .expect("example decodes");
    assert_eq!(got, want);

    let request: ce::model::GetReservationUtilizationRequest = serde_json::from_value(example(
        "specs/examples/aws-ce/GetReservationUtilization.request.json",
    ))
    .expect("request");
    let got = ce
        .get_reservation_utilization(&request)
        .await
        .expect("GetReservationUtilization");
    assert!(!got.utilizations_by_time.is_empty());

    let insp = inspector2::Client::new(config(&server, &keys)).expect("client");
    let totals: Vec<_> = insp
        .list_usage_totals_items(&Default::default())
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect::<Result<_, _>>()
        .expect("ListUsageTotals");
    assert_eq!(
        totals.len(),
        3,
        "no documented example: one synthetic page of 3"
    );

    let request: inspector2::model::BatchGetFreeTrialInfoRequest =
        serde_json::from_value(json!({"accountIds": ["123456789012"]})).expect("request");
    let got = insp
        .batch_get_free_trial_info(&request)
        .await
        .expect("BatchGetFreeTrialInfo");
    assert!(!got.accounts.is_empty());

    let scp = cloudcost_scp_ce_client::Client::new(config(&server, &keys)).expect("client");
    let request: cloudcost_scp_ce_client::model::ListUsagesRequest =
        serde_json::from_value(example("specs/examples/scp-ce/ListUsages.request.json"))
            .expect("request");
    let got = scp.list_usages(&request).await.expect("ListUsages");
    let want: cloudcost_scp_ce_client::model::UsageListResponse =
        serde_json::from_value(example("specs/examples/scp-ce/ListUsages.response.json"))
            .expect("example decodes");
    assert_eq!(got, want);
    server.shutdown().await;
}

#[tokio::test]
async fn strict_auth_rejects_a_wrong_secret_with_the_services_error() {
    let server = MockServer::start(strict()).await.expect("start");
    let keys = TestKeys {
        aws_secret_access_key: "not-the-secret".into(),
        scp_secret_key: "not-the-secret".into(),
        ..TestKeys::default()
    };
    let ce = ce::Client::new(config(&server, &keys)).expect("client");
    let err = ce.get_cost_and_usage(&cost_request()).await.unwrap_err();
    assert_eq!(err.code(), Some("InvalidSignatureException"), "{err}");
    let scp = cloudcost_scp_ce_client::Client::new(config(&server, &keys)).expect("client");
    let err = scp.list_usages(&Default::default()).await.unwrap_err();
    assert_eq!(err.code(), Some("Forbidden"), "{err}");
}

/// A raw request, to see the wire.
async fn raw(
    server: &MockServer,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, reqwest::header::HeaderMap, Value) {
    let client = reqwest::Client::new();
    let mut request = client.request(
        method.parse().expect("method"),
        format!("{}{path}", server.url()),
    );
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    let response = request.body(body.to_string()).send().await.expect("send");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = response.bytes().await.expect("body");
    let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (status, headers, body)
}

const SIGNED: (&str, &str) = (
    "Authorization",
    "AWS4-HMAC-SHA256 Credential=AKIDCLOUDCOSTMOCK000/20240101/us-east-1/ce/aws4_request, SignedHeaders=host, Signature=00",
);
const DATED: (&str, &str) = ("X-Amz-Date", "20240101T000000Z");
const CE_TARGET: (&str, &str) = ("X-Amz-Target", "AWSInsightsIndexService.GetCostAndUsage");

#[tokio::test]
async fn a_request_without_credentials_gets_each_protocols_access_error() {
    let server = MockServer::start(MockConfig::default())
        .await
        .expect("start");
    let (status, headers, body) = raw(&server, "POST", "/", &[CE_TARGET], "{}").await;
    assert_eq!(status, 403);
    assert_eq!(body["__type"], "MissingAuthenticationToken");
    assert!(headers.contains_key("x-amzn-requestid"));
    assert_eq!(headers["content-type"], "application/x-amz-json-1.1");

    let (status, headers, body) = raw(&server, "POST", "/usage/list", &[], "{}").await;
    assert_eq!(status, 403);
    assert_eq!(headers["x-amzn-errortype"], "AccessDeniedException");
    assert!(body["message"].is_string(), "{body}");

    let (status, headers, body) = raw(&server, "GET", "/v1/usages", &[], "").await;
    assert_eq!(status, 401);
    let request_id = headers["x-request-id"].to_str().expect("request id");
    assert_eq!(
        body,
        serde_json::json!({"errors": [{
            "code": "Unauthorized",
            "detail": "Scp-AccessKey, Scp-Timestamp and Scp-Signature headers are required",
            "request_id": request_id,
        }]})
    );
}

#[tokio::test]
async fn missing_auth_can_be_answered_as_scp_has_been_seen_to_answer_it() {
    let server = MockServer::start(MockConfig {
        missing_auth_as: Some("NotFound".into()),
        ..MockConfig::default()
    })
    .await
    .expect("start");
    let (status, _, body) = raw(&server, "GET", "/v1/usages", &[], "").await;
    assert_eq!(status, 404);
    assert_eq!(body["errors"][0]["code"], "NotFound", "{body}");
    // A service without that code keeps its documented answer.
    let (status, _, body) = raw(&server, "POST", "/", &[CE_TARGET], "{}").await;
    assert_eq!(status, 403);
    assert_eq!(body["__type"], "MissingAuthenticationToken");

    let err = MockServer::start(MockConfig {
        missing_auth_as: Some("NoSuchCode".into()),
        ..MockConfig::default()
    })
    .await
    .err()
    .expect("refused");
    assert_eq!(
        err.to_string(),
        "invalid mock configuration: --missing-auth-as NoSuchCode: no service has that error code"
    );
}

#[tokio::test]
async fn strict_scp_auth_wants_the_keys_account_and_every_sdk_header() {
    let server = MockServer::start(strict()).await.expect("start");
    let other_account = TestKeys {
        scp_account_id: "someone-else".into(),
        ..TestKeys::default()
    };
    let scp =
        cloudcost_scp_ce_client::Client::new(config(&server, &other_account)).expect("client");
    let err = scp.list_usages(&Default::default()).await.unwrap_err();
    assert_eq!(err.code(), Some("Forbidden"), "{err}");
    assert_eq!(
        err.to_string(),
        format!(
            "ListUsages failed: Forbidden (HTTP 403): Scp-AccountId \"someone-else\" is not the \
             account of the mock's test key [request id {}]",
            err.request_id().expect("request id")
        )
    );
}

#[tokio::test]
async fn invalid_requests_get_the_apis_validation_error_naming_every_field() {
    let server = MockServer::start(MockConfig::default())
        .await
        .expect("start");
    let (status, headers, body) = raw(
        &server,
        "POST",
        "/usage/list",
        &[SIGNED, DATED],
        r#"{"maxResults": 0, "accountIds": ["nope"]}"#,
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(headers["x-amzn-errortype"], "ValidationException");
    assert_eq!(body["reason"], "FIELD_VALIDATION_FAILED");
    let fields: Vec<&str> = body["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .map(|f| f["name"].as_str().expect("name"))
        .collect();
    assert!(fields.contains(&"maxResults"), "{body}");
    assert!(fields.iter().any(|f| f.starts_with("accountIds")), "{body}");

    let (status, _, body) = raw(
        &server,
        "POST",
        "/",
        &[SIGNED, DATED, CE_TARGET],
        r#"{"TimePeriod": {"Start": "2017-09-01"}, "Granularity": "WEEKLY"}"#,
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["__type"], "ValidationException");
    assert!(
        body["message"]
            .as_str()
            .expect("message")
            .contains("TimePeriod"),
        "{body}"
    );

    let scp_auth = [
        ("Scp-Accesskey", "k"),
        ("Scp-Signature", "s"),
        ("Scp-Timestamp", "1"),
    ];
    let (status, _, body) = raw(&server, "GET", "/v1/usages?limit=abc", &scp_auth, "").await;
    assert_eq!(status, 400);
    // SCP's error envelope, as live SCP APIs answer.
    assert_eq!(body["errors"][0]["code"], "BadRequest", "{body}");
    assert!(
        body["errors"][0]["detail"]
            .as_str()
            .expect("detail")
            .contains("limit"),
        "{body}"
    );
}

#[tokio::test]
async fn the_error_header_returns_each_modeled_error_in_its_protocols_shape() {
    let server = MockServer::start(MockConfig::default())
        .await
        .expect("start");
    for service in cloudcost_mock::services() {
        for op in service.operations {
            for code in op.errors {
                let (status, headers, body) = match service.protocol {
                    cloudcost_mock::spec::Protocol::AwsJson1_1 => {
                        let target = op.target.expect("target");
                        raw(
                            &server,
                            "POST",
                            "/",
                            &[
                                SIGNED,
                                DATED,
                                ("X-Amz-Target", target),
                                (ERROR_HEADER, code),
                            ],
                            "{}",
                        )
                        .await
                    }
                    cloudcost_mock::spec::Protocol::RestJson1 => {
                        raw(
                            &server,
                            op.method,
                            op.path,
                            &[SIGNED, DATED, (ERROR_HEADER, code)],
                            "{}",
                        )
                        .await
                    }
                    cloudcost_mock::spec::Protocol::ScpRest => {
                        let auth = [
                            ("Scp-Accesskey", "k"),
                            ("Scp-Signature", "s"),
                            ("Scp-Timestamp", "1"),
                            (ERROR_HEADER, code),
                        ];
                        raw(&server, op.method, op.path, &auth, "").await
                    }
                };
                let shape = service
                    .error_shapes
                    .iter()
                    .find(|e| e.code == *code)
                    .expect("shape");
                assert_eq!(status, shape.status, "{} {code}", op.name);
                match service.protocol {
                    cloudcost_mock::spec::Protocol::AwsJson1_1 => assert_eq!(body["__type"], *code),
                    cloudcost_mock::spec::Protocol::RestJson1 => {
                        assert_eq!(headers["x-amzn-errortype"], *code)
                    }
                    cloudcost_mock::spec::Protocol::ScpRest => {}
                }
                for (_, header) in shape.headers {
                    assert!(headers.contains_key(*header), "{code} lacks {header}");
                }
            }
        }
    }
}

fn synthetic(pages: u32, page_size: u32) -> MockConfig {
    MockConfig {
        dataset: Dataset::Synthetic {
            pages,
            page_size,
            seed: 7,
        },
        ..MockConfig::default()
    }
}

#[tokio::test]
async fn synthetic_data_pages_through_every_paged_operation_deterministically() {
    let server = MockServer::start(synthetic(4, 5)).await.expect("start");
    let keys = TestKeys::default();
    let insp = inspector2::Client::new(config(&server, &keys)).expect("client");
    let collect = || async {
        insp.list_usage_totals_items(&Default::default())
            .collect::<Vec<_>>()
            .await
            .into_iter()
            .collect::<Result<Vec<_>, _>>()
            .expect("pages")
    };
    let first = collect().await;
    assert_eq!(first.len(), 20);
    assert_eq!(first, collect().await, "same seed, same data");

    let ce = ce::Client::new(config(&server, &keys)).expect("client");
    let periods = ce
        .get_cost_and_usage_items(&cost_request())
        .collect::<Vec<_>>()
        .await;
    assert_eq!(periods.len(), 20);
    assert!(periods.iter().all(Result::is_ok));

    let scp = cloudcost_scp_ce_client::Client::new(config(&server, &keys)).expect("client");
    let request = cloudcost_scp_ce_client::model::ListUsagesRequest {
        limit: Some(6),
        ..Default::default()
    };
    let usages = scp.list_usages_items(&request).collect::<Vec<_>>().await;
    assert_eq!(usages.len(), 20, "marker paging, a short last page");
    assert!(usages.iter().all(Result::is_ok));
    server.shutdown().await;
}

#[tokio::test]
async fn foreign_and_garbled_tokens_are_refused_as_the_service_refuses_them() {
    let server = MockServer::start(synthetic(3, 2)).await.expect("start");
    let keys = TestKeys::default();
    let ce = ce::Client::new(config(&server, &keys)).expect("client");
    let first = ce
        .get_cost_and_usage(&cost_request())
        .await
        .expect("page 1");
    let token = first.next_page_token.expect("a next page");

    let mut other = cost_request();
    other.granularity = ce::model::Granularity::Daily;
    other.next_page_token = Some(token.clone());
    let err = ce.get_cost_and_usage(&other).await.unwrap_err();
    assert_eq!(err.code(), Some("RequestChangedException"), "{err}");

    let mut garbled = cost_request();
    garbled.next_page_token = Some("not-a-token".into());
    let err = ce.get_cost_and_usage(&garbled).await.unwrap_err();
    assert_eq!(err.code(), Some("InvalidNextTokenException"), "{err}");

    let mut same = cost_request();
    same.next_page_token = Some(token);
    assert!(ce.get_cost_and_usage(&same).await.is_ok());
}

#[tokio::test]
async fn concurrent_clients_are_served_and_shutdown_stops_listening() {
    let server = MockServer::start(synthetic(2, 3)).await.expect("start");
    let keys = TestKeys::default();
    let insp = inspector2::Client::new(config(&server, &keys)).expect("client");
    let calls = (0..16).map(|_| {
        let insp = insp.clone();
        tokio::spawn(async move {
            insp.list_usage_totals_items(&Default::default())
                .collect::<Vec<_>>()
                .await
                .len()
        })
    });
    for call in calls {
        assert_eq!(call.await.expect("task"), 6);
    }
    let addr = server.addr();
    server.shutdown().await;
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

#[tokio::test]
async fn enum_values_the_service_does_not_know_are_rejected_whatever_the_client_accepts() {
    let server = MockServer::start(MockConfig::default())
        .await
        .expect("start");
    let (status, _, body) = raw(
        &server,
        "POST",
        "/",
        &[SIGNED, DATED, CE_TARGET],
        r#"{"TimePeriod": {"Start": "2017-09-01", "End": "2017-10-01"}, "Granularity": "WEEKLY", "Metrics": ["BlendedCost"]}"#,
    )
    .await;
    assert_eq!(status, 400);
    let message = body["message"].as_str().expect("message");
    assert!(
        message.contains("Granularity") && message.contains("WEEKLY"),
        "{body}"
    );
    // Case is ignored, as the documented GetReservationUtilization request needs.
    let (status, _, body) = raw(
        &server,
        "POST",
        "/",
        &[SIGNED, DATED, CE_TARGET],
        r#"{"TimePeriod": {"Start": "2017-09-01", "End": "2017-10-01"}, "Granularity": "monthly", "Metrics": ["BlendedCost"]}"#,
    )
    .await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn malformed_bodies_get_a_validation_error_with_the_byte_offset() {
    let server = MockServer::start(MockConfig::default())
        .await
        .expect("start");
    for body in [
        "{not json",
        "[1, 2]",
        "{\"maxResults\": \"ten\"}",
        "\u{0}\u{1}",
    ] {
        let (status, headers, reply) =
            raw(&server, "POST", "/usage/list", &[SIGNED, DATED], body).await;
        assert_eq!(status, 400, "{body:?}: {reply}");
        assert_eq!(headers["x-amzn-errortype"], "ValidationException");
        let message = reply["message"].as_str().expect("message");
        assert!(message.contains("byte offset"), "{body:?}: {message}");
    }
    let (status, _, reply) = raw(
        &server,
        "POST",
        "/",
        &[
            SIGNED,
            DATED,
            ("X-Amz-Target", "AWSInsightsIndexService.Nope"),
        ],
        "{}",
    )
    .await;
    assert_eq!(
        (status, reply["__type"].as_str()),
        (400, Some("UnknownOperationException"))
    );
    let (status, _, _) = raw(&server, "DELETE", "/usage/list", &[SIGNED, DATED], "").await;
    assert_eq!(status, 404);
}
