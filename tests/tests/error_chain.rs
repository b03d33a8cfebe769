//! A service's modelled error is part of the error chain, as in smithy-rs: `Error::Service`'s
//! `source()` is the operation's error enum, whose `source()` is the exception structure.
//! A caller holding only `&dyn Error` (anyhow, `Box<dyn Error>`) reaches it by walking
//! `source()` and `downcast_ref`. The errors here are real answers of `cloudcost mock`
//! (asked for with its `x-cloudcost-mock-error` header), not values built in the test.

use std::error::Error as _;

use cloudcost_aws_ce_client as ce;
use cloudcost_mock::{MockConfig, MockServer, TestKeys, ERROR_HEADER};
use cloudcost_runtime::{Config, RetryConfig};
use cloudcost_scp_ce_client as scp;

/// A client configuration that asks the mock for `code` on every request.
fn config(server: &MockServer, code: &str) -> Config {
    let keys = TestKeys::default();
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        ERROR_HEADER,
        reqwest::header::HeaderValue::from_str(code).expect("an error code is a header value"),
    );
    let http = reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .expect("a plain reqwest client builds");
    Config::builder()
        .endpoint_url(server.url())
        .region("us-east-1")
        .aws_credentials(keys.aws_credentials())
        .scp_credentials(
            keys.scp_credentials()
                .expect("the mock's test keys are valid"),
        )
        .retry(RetryConfig::disabled())
        .http_client(http)
        .build()
}

/// Every `source()` below `error`, outermost first.
fn chain<'a>(
    error: &'a (dyn std::error::Error + 'static),
) -> Vec<&'a (dyn std::error::Error + 'static)> {
    let mut out = Vec::new();
    let mut next = error.source();
    while let Some(cause) = next {
        out.push(cause);
        next = cause.source();
    }
    out
}

#[tokio::test]
async fn a_cost_explorer_exception_is_reached_through_source_and_downcast() {
    let server = MockServer::start(MockConfig::default())
        .await
        .expect("the mock starts");
    let client = ce::Client::new(config(&server, "BillExpirationException")).expect("client");
    let request: ce::model::GetCostAndUsageRequest = ce::model::from_str(
        r#"{"TimePeriod": {"Start": "2024-01-01", "End": "2024-02-01"},
            "Granularity": "MONTHLY", "Metrics": ["UnblendedCost"]}"#,
    )
    .expect("a valid request");
    let err = client
        .get_cost_and_usage_with(&request)
        .await
        .expect_err("the mock was asked for an error");
    // As a `Box<dyn Error>` holder sees it: no knowledge of the concrete type.
    let boxed: Box<dyn std::error::Error + 'static> = Box::new(err);
    let causes = chain(boxed.as_ref());
    let operation_error = causes
        .iter()
        .find_map(|c| c.downcast_ref::<ce::GetCostAndUsageError>())
        .expect("the operation's error enum is in the chain");
    assert_eq!(operation_error.code(), "BillExpirationException");
    let exception = causes
        .iter()
        .find_map(|c| c.downcast_ref::<ce::model::BillExpirationException>())
        .expect("the modelled exception is in the chain");
    // The exception's own Display names it; the enum's is the exception's.
    assert!(
        exception.to_string().starts_with("BillExpirationException"),
        "{exception}"
    );
    assert_eq!(operation_error.to_string(), exception.to_string());
    // The exception is the end of the chain.
    assert!(exception.source().is_none());
    // The whole chain on one line names the code once per level that adds something.
    let line = cloudcost_runtime::report(boxed.as_ref());
    assert!(
        line.starts_with("GetCostAndUsage failed: BillExpirationException (HTTP 400)"),
        "{line}"
    );
}

#[tokio::test]
async fn an_scp_error_envelope_displays_the_message_its_pointers_name() {
    let server = MockServer::start(MockConfig::default())
        .await
        .expect("the mock starts");
    let client = scp::Client::new(config(&server, "Forbidden")).expect("client");
    let err = client
        .list_usages_with(&scp::model::ListUsagesRequest::default())
        .await
        .expect_err("the mock was asked for an error");
    let cloudcost_runtime::Error::Service { meta, .. } = &err else {
        panic!("expected a modelled service error, got {err:?}");
    };
    let message = meta
        .message
        .clone()
        .expect("the mock's envelope carries a message");
    let causes = chain(&err);
    let forbidden = causes
        .iter()
        .find_map(|c| c.downcast_ref::<scp::model::ForbiddenError>())
        .expect("the modelled error is in the chain");
    // `errorBody.message` points into the envelope (`/errors/0/detail`); the typed error
    // finds the same text the runtime read from the raw body.
    assert_eq!(forbidden.to_string(), format!("Forbidden: {message}"));
    assert_eq!(forbidden.message(), Some(message.as_str()));
}
