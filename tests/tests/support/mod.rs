//! Helpers shared by the client test files: clients configured for a local wiremock
//! server, a recording sleeper, AWS error responses, a server that throttles once.
#![allow(dead_code)] // each test file uses a subset

use std::sync::{Arc, Mutex};
use std::time::Duration;

use cloudcost_aws_ce_client as ce;
use cloudcost_aws_inspector2_client as inspector;
use cloudcost_runtime::aws_auth::AwsCredentials;
use cloudcost_runtime::{Config, ConfigBuilder, RetryConfig, ScpCredentials, Sleep};
use cloudcost_scp_ce_client as scp;
use serde_json::{json, Value};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

pub const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
pub const SCP_SECRET: &str = "scp-secret-key-do-not-print";

/// A mock clock: records every wait the retry loop asks for and returns at once.
#[derive(Debug, Default)]
pub struct RecordingSleep(Mutex<Vec<Duration>>);

impl Sleep for RecordingSleep {
    fn sleep(
        &self,
        duration: Duration,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>> {
        self.0.lock().unwrap().push(duration);
        Box::pin(std::future::ready(()))
    }
}

impl RecordingSleep {
    pub fn waits(&self) -> Vec<Duration> {
        self.0.lock().unwrap().clone()
    }
}

pub fn example(path: &str) -> Value {
    let text =
        std::fs::read_to_string(cloudcost_tests::root().join("specs/examples").join(path)).unwrap();
    serde_json::from_str(&text).unwrap()
}

pub fn example_bytes(path: &str) -> Vec<u8> {
    std::fs::read(cloudcost_tests::root().join("specs/examples").join(path)).unwrap()
}

pub fn aws_config(server: &MockServer, sleep: Arc<RecordingSleep>) -> ConfigBuilder {
    Config::builder()
        .endpoint_url(server.uri())
        .region("us-west-2")
        .aws_credentials(AwsCredentials::new(
            "AKIDEXAMPLE",
            SECRET,
            Some("session-token-secret".into()),
        ))
        .retry(RetryConfig::default().with_base(Duration::from_millis(100)))
        .sleep(sleep)
}

pub fn ce_client(server: &MockServer, sleep: Arc<RecordingSleep>) -> ce::Client {
    ce::Client::new(aws_config(server, sleep).build()).unwrap()
}

pub fn inspector_client(server: &MockServer, sleep: Arc<RecordingSleep>) -> inspector::Client {
    inspector::Client::new(aws_config(server, sleep).build()).unwrap()
}

pub fn scp_client(server: &MockServer) -> scp::Client {
    let creds = ScpCredentials::new("scp-access", SCP_SECRET)
        .unwrap()
        .with_account_id("228cb9e4a7934f84853594c7f26f7a21");
    scp::Client::new(
        Config::builder()
            .endpoint_url(server.uri())
            .scp_credentials(creds)
            .accept_language("ko-KR")
            .sleep(Arc::new(RecordingSleep::default()))
            .build(),
    )
    .unwrap()
}

pub fn header_str<'a>(request: &'a Request, name: &str) -> &'a str {
    request
        .headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("no {name} header"))
}

pub fn amz_json(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .insert_header("content-type", "application/x-amz-json-1.1")
        .insert_header("x-amzn-RequestId", "req-123")
        .set_body_json(body)
}

pub fn aws_error(status: u16, code: &str, body: Value) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .insert_header(
            "x-amzn-ErrorType",
            format!("{code}:http://internal.amazon.com/coral/com.amazonaws.x/"),
        )
        .insert_header("x-amzn-RequestId", "req-err")
        .set_body_json(body)
}

/// A server that throttles the first request and then answers an empty ListUsageTotals page.
pub async fn throttled_once() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(aws_error(
            429,
            "ThrottlingException",
            json!({"message": "slow"}),
        ))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"totals": []})))
        .mount(&server)
        .await;
    server
}
