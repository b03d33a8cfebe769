//! The call path every generated operation goes through: validate, encode, sign, send with
//! retries and timeouts, decode the output or the typed error.
//!
//! ```text
//! validate ─▶ encode (JSON body | query) ─▶ ┌ sign ─▶ send ─▶ read body ┐ ×attempts ─▶ decode
//!                                            └──── classify, back off ◀─┘
//! ```

use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, Instant};

use bytes::Bytes;
use cloudcost_types::FromJson;
use cloudcost_types::Validate;
use http::{HeaderMap, HeaderName, HeaderValue, Method};
use serde::Serialize;
use tracing::Instrument;

#[cfg(feature = "aws")]
use crate::aws_auth;
use crate::config::Config;
use crate::endpoint::resolve_endpoint;
use crate::error::{Error, ErrorMeta, OperationError, TimeoutKind};
use crate::meta::{ErrorCodeSource, OperationMeta, ServiceMeta};
use crate::retry::{classify_http, classify_io, parse_retry_after, ErrorKind, RetryBudget};
#[cfg(feature = "scp")]
use crate::scp::ScpCredentialsError;
use crate::signer::{signer_for, Signer};

/// The `User-Agent` of every request: `cloudcost/<version of this crate>`.
pub const USER_AGENT: &str = concat!("cloudcost/", env!("CARGO_PKG_VERSION"));

/// Why a client could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// The endpoint needs a region and none was configured or found.
    #[error(
        "{service}: no region: set one on the client, or AWS_REGION, or `region` in the profile"
    )]
    MissingRegion {
        /// Service title.
        service: &'static str,
    },
    /// The endpoint URL does not parse.
    #[error("{service}: invalid endpoint URL {url:?}")]
    InvalidEndpoint {
        /// Service title.
        service: &'static str,
        /// The URL.
        url: String,
        /// Why.
        #[source]
        source: url::ParseError,
    },
    /// An endpoint template variable is unknown or has a value the spec does not allow.
    #[error("{service}: endpoint variable `{name}`: {reason}")]
    InvalidEndpointVariable {
        /// Service title.
        service: &'static str,
        /// The variable.
        name: String,
        /// Why.
        reason: String,
    },
    /// The client's family is not compiled in: `cloudcost-runtime` was built without the
    /// cargo feature its auth scheme needs (`aws` or `scp`). A generated client crate turns
    /// on its own family's feature, so this only happens with hand-made `ServiceMeta`s.
    #[error("{service}: cloudcost-runtime was built without its `{feature}` feature")]
    FeatureDisabled {
        /// Service title.
        service: &'static str,
        /// The cargo feature.
        feature: &'static str,
    },
    /// SCP credentials could not be loaded (the source names what is missing, never a
    /// secret).
    #[error("{service}: could not load credentials")]
    #[cfg(feature = "scp")]
    Credentials {
        /// Service title.
        service: &'static str,
        /// What is missing.
        #[source]
        source: ScpCredentialsError,
    },
    /// The HTTP client could not be built.
    #[error("{service}: could not build the HTTP client")]
    Http {
        /// Service title.
        service: &'static str,
        /// Why.
        #[source]
        source: reqwest::Error,
    },
}

/// A client of one service: what a generated `Client` wraps.
#[derive(Debug)]
pub struct ClientCore {
    service: &'static ServiceMeta,
    config: Config,
    http: reqwest::Client,
    budget: RetryBudget,
    endpoint: url::Url,
    signer: Signer,
}

/// The request a generated operation hands over.
#[derive(Debug)]
pub enum RequestBody {
    /// A JSON body (awsJson1.1, restJson1).
    Json(Vec<u8>),
    /// Query parameters in order, repeated names for list members (SCP).
    Query(Vec<(&'static str, String)>),
}

/// Why an exchange produced no response: the last attempt's failure, or the total timeout.
enum Failure {
    Attempt(AttemptError),
    TotalTimeout(Duration),
}

/// A response as received.
#[derive(Debug)]
struct RawResponse {
    status: u16,
    headers: HeaderMap,
    body: Bytes,
}

impl RawResponse {
    fn request_id(&self) -> Option<String> {
        ["x-amzn-requestid", "x-amz-request-id", "x-request-id"]
            .iter()
            .find_map(|h| self.headers.get(*h))
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    }
}

/// Why one attempt failed.
#[derive(Debug)]
enum AttemptError {
    Response {
        response: Box<RawResponse>,
        /// The body parsed once, for the code here and the details in `to_error`.
        json: Option<serde_json::Value>,
        code: Option<String>,
    },
    Transport {
        source: reqwest::Error,
        kind: ErrorKind,
    },
    Timeout(Duration),
    TooLarge {
        status: u16,
        limit: u64,
        setting: &'static str,
        declared: Option<u64>,
    },
    // Only the AWS credential chain and signer fail this way; SCP signing cannot.
    #[cfg_attr(not(feature = "aws"), allow(dead_code))]
    Auth(crate::error::BoxError),
    Build(String),
}

impl ClientCore {
    /// Builds a client of `service`.
    pub fn new(service: &'static ServiceMeta, config: Config) -> Result<Self, BuildError> {
        let title = service.title;
        let (signer, region) = signer_for(service, &config)?;
        let endpoint = resolve_endpoint(
            service,
            config.endpoint_url.as_deref(),
            region.as_deref(),
            &config.endpoint_variables,
            &|name| std::env::var(name).ok().filter(|v| !v.is_empty()),
        )?;
        let http = match &config.http {
            Some(client) => client.clone(),
            None => reqwest::Client::builder()
                .connect_timeout(config.connect_timeout)
                .build()
                .map_err(|source| BuildError::Http {
                    service: title,
                    source,
                })?,
        };
        let budget = config.retry.new_budget();
        Ok(Self {
            service,
            config,
            http,
            budget,
            endpoint,
            signer,
        })
    }

    /// The endpoint requests go to.
    pub fn endpoint(&self) -> &str {
        self.endpoint.as_str()
    }

    /// The bounds of this client's page streams (`max_pages`, `page_stream_deadline`).
    pub fn page_limits(&self) -> crate::paginate::PageLimits {
        crate::paginate::PageLimits {
            max_pages: self.config.max_pages,
            deadline: self.config.page_stream_deadline,
        }
    }

    /// Calls a JSON-bodied operation.
    pub async fn invoke_json<I, O, E>(
        &self,
        op: &'static OperationMeta,
        input: &I,
    ) -> Result<O, Error<E>>
    where
        I: Serialize + Validate,
        O: FromJson,
        E: OperationError,
    {
        self.validate(op, input)?;
        let body = serde_json::to_vec(input).map_err(|e| Error::Transport {
            operation: op.name,
            source: Box::new(crate::error::Message(format!("encoding the request: {e}"))),
        })?;
        self.invoke(op, RequestBody::Json(body)).await
    }

    /// Calls a query-parameter operation; `query` is the input's parameters in order.
    pub async fn invoke_query<I, O, E>(
        &self,
        op: &'static OperationMeta,
        input: &I,
        query: Vec<(&'static str, String)>,
    ) -> Result<O, Error<E>>
    where
        I: Validate,
        O: FromJson,
        E: OperationError,
    {
        self.validate(op, input)?;
        self.invoke(op, RequestBody::Query(query)).await
    }

    // The large error is the public calls' own `Error<E>`, built only when a request fails
    // validation; boxing it here would only add an allocation before it is returned.
    #[allow(clippy::result_large_err)]
    fn validate<I: Validate, E>(
        &self,
        op: &'static OperationMeta,
        input: &I,
    ) -> Result<(), Error<E>> {
        let checked = match self.config.date_rules_day() {
            Some(today) => input.validate_at(today),
            None => input.validate(),
        };
        checked.map_err(|errors| Error::Validation {
            operation: op.name,
            errors,
        })
    }

    async fn invoke<O, E>(
        &self,
        op: &'static OperationMeta,
        body: RequestBody,
    ) -> Result<O, Error<E>>
    where
        O: FromJson,
        E: OperationError,
    {
        let span = tracing::info_span!(
            "cloudcost.call",
            service = self.service.title,
            operation = op.name
        );
        async {
            match self.exchange(op, &body).await {
                Ok(response) => O::from_json(&response.body).map_err(|error| Error::Decode {
                    operation: op.name,
                    request_id: response.request_id(),
                    error,
                }),
                Err(Failure::Attempt(e)) => Err(self.to_error(op, e)),
                Err(Failure::TotalTimeout(total)) => Err(Error::Timeout {
                    operation: op.name,
                    kind: TimeoutKind::Total,
                    after: total,
                }),
            }
        }
        .instrument(span)
        .await
    }

    /// Everything between the encoded request and the raw response: retries, the total
    /// timeout, signing, sending, reading. Boxed, so that all of it is compiled once, here:
    /// an async fn's body is compiled where its future is polled, and polled only from the
    /// generic `invoke`, it was compiled again in every client crate that instantiates
    /// `invoke` (the retry loop, both signers and the body reader were the largest items of
    /// each client crate's code; BENCHMARKS.md, compile time). One allocation per call.
    fn exchange<'a>(
        &'a self,
        op: &'static OperationMeta,
        body: &'a RequestBody,
    ) -> Pin<Box<dyn Future<Output = Result<RawResponse, Failure>> + Send + 'a>> {
        Box::pin(async move {
            let started = Instant::now();
            let result = match self.config.total_timeout {
                Some(total) => tokio::time::timeout(total, self.with_retries(op, body))
                    .await
                    .map_err(|_| Failure::TotalTimeout(total))?,
                None => self.with_retries(op, body).await,
            };
            let elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
            match &result {
                Ok(response) => {
                    tracing::debug!(status = response.status, elapsed_ms, "call succeeded")
                }
                Err(_) => tracing::debug!(elapsed_ms, "call failed"),
            }
            result.map_err(Failure::Attempt)
        })
    }

    async fn with_retries(
        &self,
        op: &'static OperationMeta,
        body: &RequestBody,
    ) -> Result<RawResponse, AttemptError> {
        let retryable = op.retryable_codes();
        let throttling = op.throttling_codes();
        crate::retry::run_with_retries_using(
            &self.config.retry,
            &self.budget,
            self.config.sleep.as_ref(),
            |attempt| {
                let span = tracing::debug_span!("cloudcost.attempt", attempt);
                self.attempt(op, body).instrument(span)
            },
            |e| match e {
                AttemptError::Response { response, code, .. } => {
                    let hint = response
                        .headers
                        .get(http::header::RETRY_AFTER)
                        .and_then(|v| v.to_str().ok())
                        .and_then(parse_retry_after);
                    (
                        classify_http(response.status, code.as_deref(), &retryable, &throttling),
                        hint,
                    )
                }
                AttemptError::Transport { kind, .. } => (*kind, None),
                AttemptError::Timeout(_) => (ErrorKind::Transport, None),
                // The same server would send the same body again.
                AttemptError::Auth(_) | AttemptError::Build(_) | AttemptError::TooLarge { .. } => {
                    (ErrorKind::NotRetryable, None)
                }
            },
        )
        .await
    }

    async fn attempt(
        &self,
        op: &'static OperationMeta,
        body: &RequestBody,
    ) -> Result<RawResponse, AttemptError> {
        let started = Instant::now();
        let request = self.build_request(op, body).await?;
        let send = async {
            let response = self.http.execute(request).await.map_err(transport_error)?;
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            // Error bodies are small when they are real: a smaller cap for them.
            let (limit, setting) = if (200..300).contains(&status) {
                (self.config.max_response_bytes, "max_response_bytes")
            } else {
                (self.config.max_error_body_bytes, "max_error_body_bytes")
            };
            let body = crate::body::read_capped(response, limit)
                .await
                .map_err(|e| match e {
                    crate::body::ReadError::Transport(e) => transport_error(e),
                    crate::body::ReadError::TooLarge { limit, declared } => {
                        AttemptError::TooLarge {
                            status,
                            limit,
                            setting,
                            declared,
                        }
                    }
                })?;
            Ok::<_, AttemptError>(RawResponse {
                status,
                headers,
                body,
            })
        };
        let response = match self.config.attempt_timeout {
            Some(limit) => tokio::time::timeout(limit, send)
                .await
                .map_err(|_| AttemptError::Timeout(limit))??,
            None => send.await?,
        };
        let latency_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        tracing::debug!(status = response.status, latency_ms, "attempt answered");
        if (200..300).contains(&response.status) {
            return Ok(response);
        }
        let json = crate::error_body::parse(&response.body);
        let code = self.error_code(op, &response, json.as_ref());
        Err(AttemptError::Response {
            response: Box::new(response),
            json,
            code,
        })
    }

    /// Builds and signs one attempt's request (signed anew each attempt: fresh time,
    /// refreshed credentials).
    async fn build_request(
        &self,
        op: &'static OperationMeta,
        body: &RequestBody,
    ) -> Result<reqwest::Request, AttemptError> {
        let method = Method::from_bytes(op.method.as_bytes())
            .map_err(|_| AttemptError::Build(format!("invalid HTTP method {:?}", op.method)))?;
        let mut url = self
            .endpoint
            .join(op.path.trim_start_matches('/'))
            .map_err(|e| AttemptError::Build(format!("invalid path {:?}: {e}", op.path)))?;
        let payload: &[u8] = match body {
            RequestBody::Json(bytes) => bytes,
            RequestBody::Query(pairs) => {
                // Written once, SCP's way; `url` leaves an already-escaped query as it is,
                // so `url.as_str()` below is both the signed and the sent URL.
                let query = crate::query::encode(pairs);
                url.set_query((!query.is_empty()).then_some(query.as_str()));
                &[]
            }
        };
        let mut headers = HeaderMap::new();
        // What every family's requests carry, as SCP's Go SDK and the AWS SDKs send them.
        headers.insert(
            http::header::ACCEPT,
            HeaderValue::from_static("application/json"),
        );
        headers.insert(
            http::header::USER_AGENT,
            HeaderValue::from_static(USER_AGENT),
        );
        for (name, value) in op.headers {
            headers.insert(header_name(name)?, header_value(name, value)?);
        }
        match &self.signer {
            #[cfg(feature = "aws")]
            Signer::Aws {
                credentials,
                region,
                signing_name,
            } => {
                let creds = credentials
                    .credentials()
                    .await
                    .map_err(|e| AttemptError::Auth(Box::new(e)))?;
                aws_auth::sign_request(
                    &method,
                    url.as_str(),
                    &mut headers,
                    payload,
                    &creds,
                    region,
                    signing_name,
                )
                .await
                .map_err(|e| AttemptError::Auth(Box::new(e)))?;
            }
            #[cfg(feature = "scp")]
            Signer::Scp(signer) => {
                for (name, value) in signer.sign_now(method.as_str(), url.as_str()) {
                    headers.insert(header_name(name)?, header_value(name, &value)?);
                }
            }
        }
        let mut request = reqwest::Request::new(method, url);
        *request.headers_mut() = headers;
        if !payload.is_empty() || matches!(body, RequestBody::Json(_)) {
            *request.body_mut() = Some(reqwest::Body::from(payload.to_vec()));
        }
        Ok(request)
    }

    fn error_code(
        &self,
        op: &OperationMeta,
        response: &RawResponse,
        json: Option<&serde_json::Value>,
    ) -> Option<String> {
        match self.service.error_codes {
            ErrorCodeSource::AwsJson => {
                let header = response
                    .headers
                    .get("x-amzn-errortype")
                    .and_then(|v| v.to_str().ok());
                crate::error_code::error_code_from_value(header, json).map(str::to_owned)
            }
            // The operation's own errors first, then the ones any operation may answer.
            ErrorCodeSource::HttpStatus => op
                .errors
                .iter()
                .chain(self.service.common_errors)
                .find(|e| e.status == response.status)
                .map(|e| e.code.to_owned()),
        }
    }

    fn to_error<E: OperationError>(&self, op: &'static OperationMeta, e: AttemptError) -> Error<E> {
        match e {
            AttemptError::Transport { source, .. } => Error::Transport {
                operation: op.name,
                source: Box::new(source),
            },
            AttemptError::Timeout(after) => Error::Timeout {
                operation: op.name,
                kind: TimeoutKind::Attempt,
                after,
            },
            AttemptError::TooLarge {
                status,
                limit,
                setting,
                declared,
            } => Error::BodyTooLarge {
                operation: op.name,
                status,
                limit,
                setting,
                content_length: declared,
            },
            AttemptError::Auth(source) => Error::Auth {
                operation: op.name,
                source,
            },
            AttemptError::Build(message) => Error::Transport {
                operation: op.name,
                source: Box::new(crate::error::Message(format!(
                    "building the request: {message}"
                ))),
            },
            AttemptError::Response {
                response,
                json,
                code,
            } => {
                let details = crate::error_body::details(json.as_ref(), &self.service.error_body);
                let meta = ErrorMeta {
                    operation: op.name,
                    status: response.status,
                    code: code.clone(),
                    service_code: details.code,
                    message: details.message,
                    request_id: response.request_id().or(details.request_id),
                    body: crate::error_body::keep(&response.body),
                };
                let Some(code) = code else {
                    return Error::Http { meta };
                };
                // Modeled members are read from a JSON object. Any other body (empty, not
                // JSON, a FastAPI-style array) reads as `{}`: the error stays typed, and
                // what the body had is in `meta`.
                let body: &[u8] = match json {
                    Some(serde_json::Value::Object(_)) => &response.body,
                    _ => b"{}",
                };
                match E::from_code(&code, body, &response.headers) {
                    Some(Ok(error)) => Error::Service { error, meta },
                    Some(Err(error)) => Error::Decode {
                        operation: op.name,
                        request_id: meta.request_id,
                        error,
                    },
                    None => Error::UnknownService { meta },
                }
            }
        }
    }
}

fn transport_error(e: reqwest::Error) -> AttemptError {
    // Connection resets, refused connections and timeouts are retried; find the io error.
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&e);
    let mut kind = ErrorKind::Transport;
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            kind = classify_io(io.kind());
            break;
        }
        source = s.source();
    }
    if e.is_timeout() || e.is_connect() {
        kind = ErrorKind::Transport;
    }
    // Kept whole: the caller's `source()` chain walks down to the I/O error.
    AttemptError::Transport { source: e, kind }
}

fn header_name(name: &str) -> Result<HeaderName, AttemptError> {
    HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| AttemptError::Build(format!("invalid header name {name:?}")))
}

/// Never echoes the value: it may be a signature.
fn header_value(name: &str, value: &str) -> Result<HeaderValue, AttemptError> {
    HeaderValue::from_str(value)
        .map_err(|_| AttemptError::Build(format!("header {name} has an invalid value")))
}
