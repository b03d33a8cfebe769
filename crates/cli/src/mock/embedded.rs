//! The server `--mock` starts for one call, and how the call is pointed at it: its URL, its
//! test keys, and two variables for tests of error handling that work only against it.

use std::time::Duration;

use cloudcost_mock::{MockConfig, MockServer};

/// The request header that selects the mock's modeled error.
pub use cloudcost_mock::ERROR_HEADER;

/// `CLOUDCOST_MOCK_ERROR=<Code>` makes the embedded mock answer every call with that
/// modeled error (through the request header [`ERROR_HEADER`]); read only with `--mock`.
pub const MOCK_ERROR_ENV: &str = "CLOUDCOST_MOCK_ERROR";

/// `CLOUDCOST_MOCK_NO_BACKOFF=1` keeps the retries of a call to the embedded mock but makes
/// every wait between them zero; read only with `--mock`.
pub const MOCK_NO_BACKOFF_ENV: &str = "CLOUDCOST_MOCK_NO_BACKOFF";

/// Starts the embedded mock (`--mock`) on a free loopback port.
pub async fn start() -> Result<MockServer, String> {
    MockServer::start(MockConfig::default())
        .await
        .map_err(|e| format!("--mock: {e}"))
}

/// Stops the embedded mock, if one runs, after letting requests in flight finish.
pub async fn stop(server: Option<MockServer>) {
    if let Some(server) = server {
        server.shutdown().await;
    }
}

/// A client configuration for the mock at `url`: its test keys, `region` or any, and the
/// error and retry settings of [`MOCK_ERROR_ENV`] and [`MOCK_NO_BACKOFF_ENV`].
pub fn client_config(
    url: String,
    region: Option<String>,
) -> Result<cloudcost_runtime::Config, String> {
    let keys = cloudcost_mock::TestKeys::default();
    let mut b = cloudcost_runtime::Config::builder()
        .endpoint_url(url)
        // The mock signs nothing regional: any region will do, and the user's environment
        // must not make --mock fail.
        .region(region.unwrap_or_else(|| "us-east-1".into()))
        .aws_credentials(keys.aws_credentials())
        .scp_credentials(
            keys.scp_credentials()
                .map_err(|e| format!("mock test keys: {e}"))?,
        );
    if let Some(code) = mock_error_code()? {
        b = b.http_client(mock_error_client(&code)?);
    }
    if let Some(retry) = mock_retry()? {
        b = b.retry(retry);
    }
    Ok(b.build())
}

/// `CLOUDCOST_MOCK_ERROR=<Code>` makes the embedded mock answer with that modeled error
/// (it reads the request header `x-cloudcost-mock-error`). It is honoured only with
/// `--mock`, so that it can never leak into calls to a real service.
fn mock_error_code() -> Result<Option<String>, String> {
    match std::env::var(MOCK_ERROR_ENV) {
        Ok(code) if code.trim().is_empty() => Ok(None),
        Ok(code) => Ok(Some(code.trim().to_string())),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => Err(format!("{MOCK_ERROR_ENV} is not UTF-8")),
    }
}

/// `CLOUDCOST_MOCK_NO_BACKOFF=1` keeps the retries of a call to the embedded mock (the
/// attempts and the retry budget) but makes every wait between them zero: a zero backoff
/// base and cap, so neither the jitter nor the mock's `Retry-After` hint sleeps. It is for
/// tests of retried errors (`CLOUDCOST_MOCK_ERROR=ThrottlingException`), is not in
/// `--help`, and like [`MOCK_ERROR_ENV`] is read only with `--mock`: a call to a real
/// service always backs off. `0` or an empty value is the same as unset.
fn mock_retry() -> Result<Option<cloudcost_runtime::RetryConfig>, String> {
    let value = match std::env::var(MOCK_NO_BACKOFF_ENV) {
        Ok(value) => value,
        Err(std::env::VarError::NotPresent) => return Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => {
            return Err(format!("{MOCK_NO_BACKOFF_ENV} is not UTF-8"))
        }
    };
    match value.trim() {
        "" | "0" => Ok(None),
        "1" => Ok(Some(
            cloudcost_runtime::RetryConfig::default()
                .with_base(Duration::ZERO)
                .with_cap(Duration::ZERO),
        )),
        other => Err(format!(
            "{MOCK_NO_BACKOFF_ENV}: expected 1 or 0, found `{other}`"
        )),
    }
}

fn mock_error_client(code: &str) -> Result<reqwest::Client, String> {
    let mut headers = reqwest::header::HeaderMap::new();
    let value = reqwest::header::HeaderValue::from_str(code)
        .map_err(|_| format!("{MOCK_ERROR_ENV}: `{code}` is not a valid header value"))?;
    headers.insert(ERROR_HEADER, value);
    reqwest::Client::builder()
        .default_headers(headers)
        .connect_timeout(Duration::from_secs(10))
        .build()
        .map_err(|e| format!("HTTP client: {e}"))
}
