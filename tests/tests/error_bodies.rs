//! Every error body the services are known to send, through the real clients against a
//! local server: each gives a typed error (`Error::Service` or `Error::UnknownService`)
//! with its status, code, message and request id and a one-line `Display`, never
//! `Error::Decode`.
//!
//! The SCP bodies are the forms live SCP APIs answer (its envelope, its gateway's 401, a
//! Spring-style 404, a FastAPI-style array); the AWS ones vary the message's case and the
//! code's namespace and suffix, as reported against other AWS SDKs.

use std::sync::Arc;

use cloudcost_aws_ce_client as ce;
use cloudcost_runtime::aws_auth::AwsCredentials;
use cloudcost_runtime::{Config, Error, ErrorMeta, RetryConfig, ScpCredentials, Sleep};
use cloudcost_scp_ce_client as scp;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Retries off (statuses like 500 would otherwise be retried) and no real sleeps.
#[derive(Debug)]
struct NoSleep;

impl Sleep for NoSleep {
    fn sleep(
        &self,
        _: std::time::Duration,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>> {
        Box::pin(std::future::ready(()))
    }
}

fn scp_client(server: &MockServer) -> scp::Client {
    let creds = ScpCredentials::new("scp-access", "scp-secret").unwrap();
    scp::Client::new(
        Config::builder()
            .endpoint_url(server.uri())
            .scp_credentials(creds)
            .retry(RetryConfig::disabled())
            .sleep(Arc::new(NoSleep))
            .build(),
    )
    .unwrap()
}

fn ce_client(server: &MockServer) -> ce::Client {
    ce::Client::new(
        Config::builder()
            .endpoint_url(server.uri())
            .aws_credentials(AwsCredentials::new("AKIDEXAMPLE", "secret", None))
            .retry(RetryConfig::disabled())
            .sleep(Arc::new(NoSleep))
            .build(),
    )
    .unwrap()
}

/// What a test expects of the error's metadata.
struct Expect {
    status: u16,
    code: Option<&'static str>,
    service_code: Option<&'static str>,
    message: Option<&'static str>,
    request_id: Option<&'static str>,
    display: &'static str,
}

fn check<E: std::fmt::Debug>(err: &Error<E>, meta: &ErrorMeta, body: &str, expect: &Expect) {
    assert_eq!(meta.status, expect.status, "{err:?}");
    assert_eq!(meta.code.as_deref(), expect.code, "{err:?}");
    assert_eq!(meta.service_code.as_deref(), expect.service_code, "{err:?}");
    assert_eq!(meta.message.as_deref(), expect.message, "{err:?}");
    assert_eq!(meta.request_id.as_deref(), expect.request_id, "{err:?}");
    assert_eq!(meta.body, body);
    assert_eq!(err.to_string(), expect.display);
    assert!(!err.to_string().contains('\n'));
}

async fn scp_error(
    status: u16,
    headers: &[(&str, &str)],
    body: &str,
) -> Error<scp::ListUsagesError> {
    let server = MockServer::start().await;
    let mut response =
        ResponseTemplate::new(status).set_body_raw(body.to_owned(), "application/json");
    for (name, value) in headers {
        response = response.insert_header(*name, *value);
    }
    Mock::given(wiremock::matchers::any())
        .respond_with(response)
        .mount(&server)
        .await;
    scp_client(&server)
        .list_usages_with(&scp::model::ListUsagesRequest::default())
        .await
        .unwrap_err()
}

#[tokio::test]
async fn scp_envelope_403() {
    let body = r#"{"errors":[{"code":"IAM.AUTH.0003","title":"Forbidden","detail":"The signature does not match.\nCheck the secret key.","status":"403","request_id":"2c9a-01","global_request_id":"g-77"}]}"#;
    let err = scp_error(403, &[], body).await;
    let Error::Service {
        error: scp::ListUsagesError::ForbiddenError(typed),
        meta,
    } = &err
    else {
        panic!("{err:?}")
    };
    // The typed error holds the envelope itself.
    let entry = &typed.errors.as_ref().unwrap()[0];
    assert_eq!(entry.code.as_deref(), Some("IAM.AUTH.0003"));
    assert_eq!(entry.global_request_id.as_deref(), Some("g-77"));
    check(
        &err,
        meta,
        body,
        &Expect {
            status: 403,
            code: Some("Forbidden"),
            service_code: Some("IAM.AUTH.0003"),
            message: Some("The signature does not match.\nCheck the secret key."),
            request_id: Some("2c9a-01"),
            display: "ListUsages failed: Forbidden (HTTP 403, IAM.AUTH.0003): The signature does \
                      not match. Check the secret key. [request id 2c9a-01]",
        },
    );
}

#[tokio::test]
async fn scp_envelope_400_and_500_and_header_request_ids() {
    let body = r#"{"errors":[{"code":"COMMON.VALIDATION","title":"Bad Request","detail":"limit must be at most 1000"}]}"#;
    let err = scp_error(400, &[("X-Request-Id", "hdr-1")], body).await;
    let Error::Service {
        error: scp::ListUsagesError::BadRequestError(_),
        meta,
    } = &err
    else {
        panic!("{err:?}")
    };
    check(
        &err,
        meta,
        body,
        &Expect {
            status: 400,
            code: Some("BadRequest"),
            service_code: Some("COMMON.VALIDATION"),
            message: Some("limit must be at most 1000"),
            request_id: Some("hdr-1"),
            display: "ListUsages failed: BadRequest (HTTP 400, COMMON.VALIDATION): limit must be \
                      at most 1000 [request id hdr-1]",
        },
    );

    // 500 is a common error (no operation models it): typed as unmodeled, with its code.
    let body =
        r#"{"errors":[{"code":"SYS.500","title":"Internal Server Error","request_id":"r-500"}]}"#;
    let err = scp_error(500, &[], body).await;
    let Error::UnknownService { meta } = &err else {
        panic!("{err:?}")
    };
    check(
        &err,
        meta,
        body,
        &Expect {
            status: 500,
            code: Some("InternalServerError"),
            service_code: Some("SYS.500"),
            message: Some("Internal Server Error"),
            request_id: Some("r-500"),
            display: "ListUsages failed: InternalServerError (HTTP 500, SYS.500): Internal Server \
                      Error [request id r-500]",
        },
    );
}

#[tokio::test]
async fn scp_gateway_401() {
    let body =
        r#"{"status":"UNAUTHORIZED","name":"AuthenticationFailed","message":"Invalid access key"}"#;
    let err = scp_error(401, &[], body).await;
    let Error::UnknownService { meta } = &err else {
        panic!("{err:?}")
    };
    check(
        &err,
        meta,
        body,
        &Expect {
            status: 401,
            code: Some("Unauthorized"),
            service_code: Some("AuthenticationFailed"),
            message: Some("Invalid access key"),
            request_id: None,
            display: "ListUsages failed: Unauthorized (HTTP 401, AuthenticationFailed): Invalid \
                      access key",
        },
    );
}

#[tokio::test]
async fn scp_spring_404_for_an_unauthenticated_request() {
    let body = r#"{"timestamp":"2024-08-01T01:02:03.456+00:00","path":"/v1/usages","status":404,"error":"Not Found","requestId":"5e1f-9"}"#;
    let err = scp_error(404, &[], body).await;
    let Error::Service {
        error: scp::ListUsagesError::NotFoundError(typed),
        meta,
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(typed.path.as_deref(), Some("/v1/usages"));
    check(
        &err,
        meta,
        body,
        &Expect {
            status: 404,
            code: Some("NotFound"),
            service_code: Some("Not Found"),
            message: None,
            request_id: Some("5e1f-9"),
            display: "ListUsages failed: NotFound (HTTP 404, Not Found) [request id 5e1f-9]",
        },
    );
}

#[tokio::test]
async fn scp_fastapi_array_400() {
    let body = r#"[{"loc":["query","limit"],"msg":"value is not a valid integer","type":"type_error.integer","ctx":{}}]"#;
    let err = scp_error(400, &[], body).await;
    let Error::Service {
        error: scp::ListUsagesError::BadRequestError(typed),
        meta,
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(typed, &scp::model::BadRequestError::default());
    check(
        &err,
        meta,
        body,
        &Expect {
            status: 400,
            code: Some("BadRequest"),
            service_code: Some("type_error.integer"),
            message: Some("value is not a valid integer"),
            request_id: None,
            display: "ListUsages failed: BadRequest (HTTP 400, type_error.integer): value is not \
                      a valid integer",
        },
    );
}

#[tokio::test]
async fn scp_empty_and_non_json_bodies() {
    let err = scp_error(403, &[], "").await;
    let Error::Service {
        error: scp::ListUsagesError::ForbiddenError(_),
        meta,
    } = &err
    else {
        panic!("{err:?}")
    };
    check(
        &err,
        meta,
        "",
        &Expect {
            status: 403,
            code: Some("Forbidden"),
            service_code: None,
            message: None,
            request_id: None,
            display: "ListUsages failed: Forbidden (HTTP 403)",
        },
    );

    let body = "<html><body>404 page</body></html>";
    let err = scp_error(404, &[], body).await;
    let Error::Service {
        error: scp::ListUsagesError::NotFoundError(_),
        meta,
    } = &err
    else {
        panic!("{err:?}")
    };
    check(
        &err,
        meta,
        body,
        &Expect {
            status: 404,
            code: Some("NotFound"),
            service_code: None,
            message: None,
            request_id: None,
            display: "ListUsages failed: NotFound (HTTP 404)",
        },
    );
}

#[tokio::test]
async fn a_huge_error_body_is_kept_shortened() {
    let detail = "x".repeat(10_000);
    let body = format!(r#"{{"errors":[{{"code":"E","detail":"{detail}"}}]}}"#);
    let err = scp_error(400, &[], &body).await;
    let Error::Service { meta, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(
        meta.body,
        format!(
            "{}…",
            &body[..cloudcost_runtime::error_body::KEPT_BODY_BYTES]
        )
    );
    assert_eq!(meta.message.as_deref(), Some(detail.as_str()));
}

async fn ce_error(headers: &[(&str, &str)], body: &str) -> Error<ce::GetCostAndUsageError> {
    let server = MockServer::start().await;
    let mut response =
        ResponseTemplate::new(400).set_body_raw(body.to_owned(), "application/x-amz-json-1.1");
    for (name, value) in headers {
        response = response.insert_header(*name, *value);
    }
    Mock::given(wiremock::matchers::any())
        .respond_with(response)
        .mount(&server)
        .await;
    let request: ce::model::GetCostAndUsageRequest = ce::model::from_str(
        r#"{"TimePeriod":{"Start":"2024-01-01","End":"2024-02-01"},"Granularity":"MONTHLY","Metrics":["UnblendedCost"]}"#,
    )
    .unwrap();
    ce_client(&server)
        .get_cost_and_usage_with(&request)
        .await
        .unwrap_err()
}

#[tokio::test]
async fn aws_message_in_any_case_and_codes_with_namespace_or_suffix() {
    for (headers, body, message) in [
        (
            vec![("x-amzn-RequestId", "rid-9")],
            r#"{"__type":"com.amazonaws.ce#DataUnavailableException","message":"lower case"}"#,
            "lower case",
        ),
        (
            vec![("x-amzn-RequestId", "rid-9")],
            r#"{"__type":"DataUnavailableException:http://internal.amazon.com/coral/com.amazon.coral.availability/","Message":"model case"}"#,
            "model case",
        ),
        (
            vec![
                ("x-amzn-RequestId", "rid-9"),
                (
                    "X-Amzn-ErrorType",
                    "aws.protocols#DataUnavailableException:http://x/#y",
                ),
            ],
            r#"{"MESSAGE":"upper case"}"#,
            "upper case",
        ),
    ] {
        let err = ce_error(&headers, body).await;
        let Error::Service {
            error: ce::GetCostAndUsageError::DataUnavailableException(typed),
            meta,
        } = &err
        else {
            panic!("{body}: {err:?}")
        };
        assert_eq!(
            typed.message.as_deref(),
            if body.contains("\"Message\"") {
                Some(message)
            } else {
                None
            }
        );
        assert_eq!(meta.code.as_deref(), Some("DataUnavailableException"));
        assert_eq!(meta.message.as_deref(), Some(message));
        assert_eq!(meta.service_code, None);
        assert_eq!(
            err.to_string(),
            format!("GetCostAndUsage failed: DataUnavailableException (HTTP 400): {message} [request id rid-9]")
        );
    }
}
