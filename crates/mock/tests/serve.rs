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

/// The bytes of a file of the repository: for the example with a 34-digit number, which a
/// `serde_json::Value` would round through `f64`.
fn example_bytes(path: &str) -> Vec<u8> {
    std::fs::read(format!("{}/../../{path}", env!("CARGO_MANIFEST_DIR"))).expect("example file")
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
        .get_cost_and_usage_with(&cost_request())
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
        .get_reservation_utilization_with(&request)
        .await
        .expect("GetReservationUtilization");
    let want: ce::model::GetReservationUtilizationResponse = ce::model::from_slice(&example_bytes(
        "specs/examples/aws-ce/GetReservationUtilization.response.json",
    ))
    .expect("example decodes");
    assert_eq!(got, want);

    let insp = inspector2::Client::new(config(&server, &keys)).expect("client");
    let request: inspector2::model::ListUsageTotalsRequest = inspector2::model::from_slice(
        &example_bytes("specs/examples/aws-inspector2/ListUsageTotals.request.json"),
    )
    .expect("request");
    let got = insp
        .list_usage_totals_with(&request)
        .await
        .expect("ListUsageTotals");
    let want: inspector2::model::ListUsageTotalsResponse = inspector2::model::from_slice(
        &example_bytes("specs/examples/aws-inspector2/ListUsageTotals.response.json"),
    )
    .expect("example decodes");
    assert_eq!(got, want);

    let request: inspector2::model::BatchGetFreeTrialInfoRequest =
        serde_json::from_value(json!({"accountIds": ["123456789012"]})).expect("request");
    let got = insp
        .batch_get_free_trial_info_with(&request)
        .await
        .expect("BatchGetFreeTrialInfo");
    // No documented example either: the seed-0 synthetic answer, in the wire form.
    assert_eq!(
        serde_json::to_string(&got).expect("encode"),
        concat!(
            r#"{"accounts":["#,
            r#"{"accountId":"100000000000","freeTrialInfo":["#,
            r#"{"cloudProvider":"GCP","end":1704067200,"start":1704067200,"status":"INACTIVE","type":"CONTAINER_IMAGE"},"#,
            r#"{"cloudProvider":"NOT_APPLICABLE","end":1704153600,"start":1704153600,"status":"INACTIVE","type":"LAMBDA"}]},"#,
            r#"{"accountId":"100000000001","freeTrialInfo":["#,
            r#"{"cloudProvider":"GCP","end":1704240000,"start":1704240000,"status":"INACTIVE","type":"EC2"},"#,
            r#"{"cloudProvider":"AWS","end":1704326400,"start":1704326400,"status":"ACTIVE","type":"LAMBDA"}]}],"#,
            r#""failedAccounts":["#,
            r#"{"accountId":"100000000000","code":"ACCESS_DENIED","message":"message-0"},"#,
            r#"{"accountId":"100000000001","code":"ACCESS_DENIED","message":"message-1"}]}"#
        )
    );

    let scp = cloudcost_scp_ce_client::Client::new(config(&server, &keys)).expect("client");
    let request: cloudcost_scp_ce_client::model::ListUsagesRequest =
        serde_json::from_value(example("specs/examples/scp-ce/ListUsages.request.json"))
            .expect("request");
    let got = scp.list_usages_with(&request).await.expect("ListUsages");
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
    let err = ce
        .get_cost_and_usage_with(&cost_request())
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("InvalidSignatureException"), "{err}");
    let scp = cloudcost_scp_ce_client::Client::new(config(&server, &keys)).expect("client");
    let err = scp.list_usages_with(&Default::default()).await.unwrap_err();
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
    assert_eq!(
        body,
        json!({"__type": "MissingAuthenticationToken", "message": "Missing Authentication Token"})
    );
    assert!(headers.contains_key("x-amzn-requestid"));
    assert_eq!(headers["content-type"], "application/x-amz-json-1.1");

    let (status, headers, body) = raw(&server, "POST", "/usage/list", &[], "{}").await;
    assert_eq!(status, 403);
    assert_eq!(headers["x-amzn-errortype"], "AccessDeniedException");
    assert_eq!(body, json!({"message": "Missing Authentication Token"}));

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
    .expect_err("refused");
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
    let err = scp.list_usages_with(&Default::default()).await.unwrap_err();
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
    assert_eq!(fields, ["maxResults", "accountIds[0]"], "{body}");
    assert_eq!(
        body,
        json!({
            "fields": [
                {"message": "must be at least 1, got 0", "name": "maxResults"},
                {"message": "must match .*[0-9]{12}.*", "name": "accountIds[0]"}
            ],
            "message": "2 validation errors detected: maxResults: must be at least 1, got 0; \
                        accountIds[0]: must match .*[0-9]{12}.*",
            "reason": "FIELD_VALIDATION_FAILED"
        })
    );

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
    assert_eq!(
        body["message"],
        "1 validation error detected: TimePeriod: missing field `End` (byte offset 37)",
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
    assert_eq!(
        body["errors"][0]["detail"],
        "1 validation error detected: limit: invalid type: string \"abc\", expected i32 \
         (byte offset 13)",
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

#[tokio::test]
async fn a_member_with_a_pattern_gets_a_value_built_from_it() {
    // Cost Explorer's ResourceNotFoundException has a ResourceName with an ARN pattern
    // and at least 20 characters; the mock knows no ARN and builds one from the pattern.
    let server = MockServer::start(MockConfig::default())
        .await
        .expect("start");
    let keys = TestKeys::default();
    let ce = ce::Client::new(
        Config::builder()
            .endpoint_url(server.url())
            .aws_credentials(keys.aws_credentials())
            .retry(RetryConfig::disabled())
            .http_client(
                reqwest::Client::builder()
                    .default_headers(
                        [(
                            reqwest::header::HeaderName::from_static(ERROR_HEADER),
                            reqwest::header::HeaderValue::from_static("ResourceNotFoundException"),
                        )]
                        .into_iter()
                        .collect(),
                    )
                    .build()
                    .expect("HTTP client"),
            )
            .build(),
    )
    .expect("client");
    let err = ce
        .get_cost_and_usage_with(&cost_request())
        .await
        .unwrap_err();
    match &err {
        cloudcost_runtime::Error::Service {
            error: ce::GetCostAndUsageError::ResourceNotFoundException(e),
            ..
        } => assert_eq!(
            e.resource_name.as_deref(),
            Some("arn:aws:a::000000000000:a")
        ),
        other => panic!("{other:?}"),
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

/// What an opaque page token of the mock says: `cc1.<query fingerprint>.<next offset>`.
fn token_text(token: &str) -> String {
    use base64::Engine as _;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(token)
        .expect("a base64url token");
    String::from_utf8(bytes).expect("UTF-8 token")
}

#[tokio::test]
async fn synthetic_data_pages_through_every_paged_operation_deterministically() {
    let server = MockServer::start(synthetic(4, 5)).await.expect("start");
    let keys = TestKeys::default();

    // Inspector2: 4 pages of 5, linked by tokens naming the next item's offset; item `i`
    // is account `100000000000 + i` (the first candidate its pattern accepts).
    let insp = inspector2::Client::new(config(&server, &keys)).expect("client");
    let pages = || async {
        insp.list_usage_totals_pages(&Default::default())
            .collect::<Vec<_>>()
            .await
            .into_iter()
            .collect::<Result<Vec<_>, _>>()
            .expect("pages")
    };
    let first = pages().await;
    let shape: Vec<(Vec<String>, Option<String>)> = first
        .iter()
        .map(|p| {
            let ids = p
                .totals
                .iter()
                .flatten()
                .map(|t| String::from(t.account_id.clone().expect("accountId")))
                .collect();
            (ids, p.next_token.as_deref().map(token_text))
        })
        .collect();
    let ids = |range: std::ops::Range<u64>| -> Vec<String> {
        range.map(|i| format!("{}", 100_000_000_000 + i)).collect()
    };
    // The fingerprint of the query `{}` (a hash of its JSON text).
    let fingerprint = "fe0c740aae1f6f24";
    assert_eq!(
        shape,
        [
            (ids(0..5), Some(format!("cc1.{fingerprint}.5"))),
            (ids(5..10), Some(format!("cc1.{fingerprint}.10"))),
            (ids(10..15), Some(format!("cc1.{fingerprint}.15"))),
            (ids(15..20), None),
        ]
    );
    assert_eq!(first, pages().await, "same seed, same data");

    // Cost Explorer: 4 pages of 5 periods, item `i` the day 2024-01-01 + i.
    let ce = ce::Client::new(config(&server, &keys)).expect("client");
    let pages = ce
        .get_cost_and_usage_pages(&cost_request())
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect::<Result<Vec<_>, _>>()
        .expect("CE pages");
    let shape: Vec<(Vec<String>, Option<String>)> = pages
        .iter()
        .map(|p| {
            let starts = p
                .results_by_time
                .iter()
                .flatten()
                .map(|r| {
                    r.time_period
                        .as_ref()
                        .expect("TimePeriod")
                        .start
                        .to_string()
                })
                .collect();
            (starts, p.next_page_token.as_deref().map(token_text))
        })
        .collect();
    let days = |range: std::ops::RangeInclusive<u32>| -> Vec<String> {
        range.map(|d| format!("2024-01-{d:02}")).collect()
    };
    // Another query, another fingerprint: a token is bound to the query it came from.
    let fingerprint = "a6b87414067c49cd";
    assert_eq!(
        shape,
        [
            (days(1..=5), Some(format!("cc1.{fingerprint}.5"))),
            (days(6..=10), Some(format!("cc1.{fingerprint}.10"))),
            (days(11..=15), Some(format!("cc1.{fingerprint}.15"))),
            (days(16..=20), None),
        ]
    );

    // SCP: the request's own page size (6) wins; the marker of the next page is the last
    // item's id, and a short page (2) ends the listing.
    let scp = cloudcost_scp_ce_client::Client::new(config(&server, &keys)).expect("client");
    let request = cloudcost_scp_ce_client::model::ListUsagesRequest::builder()
        .limit(6)
        .build()
        .expect("no required members");
    let pages = scp
        .list_usages_pages(&request)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect::<Result<Vec<_>, _>>()
        .expect("SCP pages");
    let pages: Vec<Vec<String>> = pages
        .iter()
        .map(|p| {
            p.usages
                .iter()
                .flatten()
                .map(|u| String::from(u.id.clone().expect("id")))
                .collect()
        })
        .collect();
    let ids = |range: std::ops::Range<u32>| -> Vec<String> {
        range.map(|i| format!("id-{i:08}")).collect()
    };
    assert_eq!(pages, [ids(0..6), ids(6..12), ids(12..18), ids(18..20)]);
    server.shutdown().await;
}

#[tokio::test]
async fn foreign_and_garbled_tokens_are_refused_as_the_service_refuses_them() {
    let server = MockServer::start(synthetic(3, 2)).await.expect("start");
    let keys = TestKeys::default();
    let ce = ce::Client::new(config(&server, &keys)).expect("client");
    let first = ce
        .get_cost_and_usage_with(&cost_request())
        .await
        .expect("page 1");
    let token = first.next_page_token.expect("a next page");

    let mut other = cost_request();
    other.granularity = ce::model::Granularity::Daily;
    other.next_page_token = Some(token.clone());
    let err = ce.get_cost_and_usage_with(&other).await.unwrap_err();
    assert_eq!(err.code(), Some("RequestChangedException"), "{err}");

    let mut garbled = cost_request();
    garbled.next_page_token = Some("not-a-token".into());
    let err = ce.get_cost_and_usage_with(&garbled).await.unwrap_err();
    assert_eq!(err.code(), Some("InvalidNextTokenException"), "{err}");

    let mut same = cost_request();
    same.next_page_token = Some(token);
    let second = ce.get_cost_and_usage_with(&same).await.expect("page 2");
    let starts: Vec<String> = second
        .results_by_time
        .iter()
        .flatten()
        .map(|r| {
            r.time_period
                .as_ref()
                .expect("TimePeriod")
                .start
                .to_string()
        })
        .collect();
    assert_eq!(starts, ["2024-01-03", "2024-01-04"]);
    assert_eq!(
        second.next_page_token.as_deref().map(token_text).as_deref(),
        Some("cc1.a6b87414067c49cd.4")
    );
}

#[tokio::test]
async fn concurrent_clients_are_served_and_shutdown_stops_listening() {
    let server = MockServer::start(synthetic(2, 3)).await.expect("start");
    let keys = TestKeys::default();
    let insp = inspector2::Client::new(config(&server, &keys)).expect("client");
    let accounts = |insp: inspector2::Client| async move {
        insp.list_usage_totals_items(&Default::default())
            .map(|t| t.expect("item").account_id.expect("accountId"))
            .collect::<Vec<_>>()
            .await
    };
    let calls: Vec<_> = (0..16)
        .map(|_| tokio::spawn(accounts(insp.clone())))
        .collect();
    for call in calls {
        assert_eq!(
            call.await.expect("task"),
            [
                "100000000000",
                "100000000001",
                "100000000002",
                "100000000003",
                "100000000004",
                "100000000005"
            ]
        );
    }
    let addr = server.addr();
    server.shutdown().await;
    let refused = tokio::net::TcpStream::connect(addr)
        .await
        .expect_err("nothing listens after shutdown");
    assert_eq!(refused.kind(), std::io::ErrorKind::ConnectionRefused);
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
    assert_eq!(
        body["message"],
        "1 validation error detected: Granularity: value \"WEEKLY\" is not one of DAILY, \
         MONTHLY, HOURLY",
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
    for (body, message) in [
        (
            "{not json",
            "1 validation error detected: ?: key must be a string (byte offset 1)",
        ),
        (
            "[1, 2]",
            // serde reads a list as a structure's members in order: the first,
            // `accountIds`, is a list.
            "1 validation error detected: [0]: invalid type: integer `1`, expected a sequence \
             (byte offset 1)",
        ),
        (
            "{\"maxResults\": \"ten\"}",
            "1 validation error detected: maxResults: invalid type: string \"ten\", expected \
             i32 (byte offset 19)",
        ),
        (
            "\u{0}\u{1}",
            "1 validation error detected: expected value (byte offset 0)",
        ),
    ] {
        let (status, headers, reply) =
            raw(&server, "POST", "/usage/list", &[SIGNED, DATED], body).await;
        assert_eq!(status, 400, "{body:?}: {reply}");
        assert_eq!(headers["x-amzn-errortype"], "ValidationException");
        assert_eq!(reply["message"], message, "{body:?}");
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
