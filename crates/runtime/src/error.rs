//! What a call can fail with. Every variant names the operation; service errors carry the
//! code, message and request id; none carries a credential or a signature.
//!
//! As smithy-rs's error RFC asks, `Display` says what failed at this level only and
//! [`std::error::Error::source`] leads to the cause, all the way down (reqwest's error,
//! then hyper's, then the `std::io::Error` of a refused connection; a decoding error with
//! its path and byte offset; a credentials error). [`report`] prints the whole chain on
//! one line, as `anyhow`'s `{:#}` does.

use std::fmt;
use std::time::Duration;

use cloudcost_types::{DecodeError, ValidationErrors};

/// The failure of one operation call; `E` is the operation's typed error enum.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<E> {
    /// The request failed `validate()`; nothing was sent.
    Validation {
        /// Operation name.
        operation: &'static str,
        /// Every violated constraint.
        errors: ValidationErrors,
    },
    /// The service answered with a modeled error.
    Service {
        /// The typed error, with its members.
        error: E,
        /// Everything else known about the response.
        meta: ErrorMeta,
    },
    /// The service answered with an error code the spec does not list.
    UnknownService {
        /// What is known about the response.
        meta: ErrorMeta,
    },
    /// An HTTP error whose code could not be told: no error-type header, no code in the
    /// body, and a status the spec does not map (a proxy's 502 page, for instance).
    Http {
        /// What is known about the response, the start of its body included.
        meta: ErrorMeta,
    },
    /// The response (or a modeled error body) did not decode.
    Decode {
        /// Operation name.
        operation: &'static str,
        /// `x-amzn-RequestId`, if sent.
        request_id: Option<String>,
        /// Where and why decoding failed.
        error: DecodeError,
    },
    /// Connecting, sending or receiving failed; the cause is the `source()`.
    Transport {
        /// Operation name.
        operation: &'static str,
        /// The cause: a `reqwest::Error` (whose own chain reaches the I/O error), or why
        /// the request could not be built.
        source: BoxError,
    },
    /// The response body was larger than the client accepts
    /// ([`ConfigBuilder::max_response_bytes`](crate::ConfigBuilder::max_response_bytes), or
    /// `max_error_body_bytes` for an error response). Not retried.
    BodyTooLarge {
        /// Operation name.
        operation: &'static str,
        /// The response's HTTP status.
        status: u16,
        /// The limit that was exceeded, in bytes.
        limit: u64,
        /// Which setting holds the limit: `max_response_bytes` or `max_error_body_bytes`.
        setting: &'static str,
        /// The `Content-Length` the server declared, if any.
        content_length: Option<u64>,
    },
    /// A timeout elapsed.
    Timeout {
        /// Operation name.
        operation: &'static str,
        /// Which timeout.
        kind: TimeoutKind,
        /// Its length.
        after: Duration,
    },
    /// Credentials could not be found or refreshed, or the request could not be signed;
    /// the cause is the `source()` (never a secret).
    Auth {
        /// Operation name.
        operation: &'static str,
        /// The cause, e.g. an [`AwsAuthError`](crate::AwsAuthError).
        source: BoxError,
    },
}

/// A boxed cause, as the `source` of an [`Error`].
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// An error with a plain message and no cause of its own (a request that cannot be built).
#[derive(Debug)]
pub struct Message(pub String);

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Message {}

/// `error` and every cause below it on one line, `: `-separated (what `anyhow` prints for
/// `{:#}`): for logs and command lines that show one line per failure.
pub fn report(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        // Some libraries repeat their cause in their own message; print it once.
        if !text.ends_with(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

/// Which timeout elapsed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimeoutKind {
    /// One attempt (send and read the whole response).
    Attempt,
    /// The whole call, retries included.
    Total,
}

/// What is known about an error response.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ErrorMeta {
    /// Operation name.
    pub operation: &'static str,
    /// HTTP status.
    pub status: u16,
    /// The code that picks the typed error: AWS's error type (`X-Amzn-ErrorType` or
    /// `__type`, namespace and suffix stripped), or for services told apart by status
    /// (SCP) the spec's code for the status.
    pub code: Option<String>,
    /// The service's own code, where the body states one beside `code` (SCP's
    /// `errors[0].code`, its gateway's `name`); see the spec's `errorBody`.
    pub service_code: Option<String>,
    /// The error's message, if the body had one (SCP: `detail`, else `title`, `message`
    /// or `msg`).
    pub message: Option<String>,
    /// The request id: `x-amzn-RequestId` / `x-amz-request-id` / `X-Request-Id`, else the
    /// body's (`request_id`, `requestId`).
    pub request_id: Option<String>,
    /// The start of the raw body (at most [`KEPT_BODY_BYTES`](crate::error_body::KEPT_BODY_BYTES),
    /// invalid UTF-8 replaced), for what no field above holds.
    pub body: String,
}

impl<E> Error<E> {
    /// A fluent call whose request builder left a required member unset: nothing was
    /// sent, and the error names the member as `validate()` names a broken rule.
    pub fn missing_member(
        operation: &'static str,
        missing: cloudcost_types::MissingMember,
    ) -> Self {
        Self::Validation {
            operation,
            errors: missing.into(),
        }
    }

    /// The operation that failed.
    pub fn operation(&self) -> &'static str {
        match self {
            Self::Validation { operation, .. }
            | Self::Decode { operation, .. }
            | Self::Transport { operation, .. }
            | Self::Timeout { operation, .. }
            | Self::BodyTooLarge { operation, .. }
            | Self::Auth { operation, .. } => operation,
            Self::Service { meta, .. } | Self::UnknownService { meta } | Self::Http { meta } => {
                meta.operation
            }
        }
    }

    /// The error code, for service errors.
    pub fn code(&self) -> Option<&str> {
        match self {
            Self::Service { meta, .. } | Self::UnknownService { meta } | Self::Http { meta } => {
                meta.code.as_deref()
            }
            Self::Validation { .. }
            | Self::Decode { .. }
            | Self::Transport { .. }
            | Self::BodyTooLarge { .. }
            | Self::Timeout { .. }
            | Self::Auth { .. } => None,
        }
    }

    /// The modeled error, if this is one.
    pub fn service_error(&self) -> Option<&E> {
        match self {
            Self::Service { error, .. } => Some(error),
            Self::Validation { .. }
            | Self::UnknownService { .. }
            | Self::Http { .. }
            | Self::Decode { .. }
            | Self::Transport { .. }
            | Self::BodyTooLarge { .. }
            | Self::Timeout { .. }
            | Self::Auth { .. } => None,
        }
    }

    /// The request id, if the service sent one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Self::Service { meta, .. } | Self::UnknownService { meta } | Self::Http { meta } => {
                meta.request_id.as_deref()
            }
            Self::Decode { request_id, .. } => request_id.as_deref(),
            Self::Validation { .. }
            | Self::Transport { .. }
            | Self::BodyTooLarge { .. }
            | Self::Timeout { .. }
            | Self::Auth { .. } => None,
        }
    }
}

/// One line, whatever the server sent: `ListUsages failed: Forbidden (HTTP 403,
/// IAM.AUTH.0001): no permission [request id req-1]`.
fn write_meta(f: &mut fmt::Formatter<'_>, meta: &ErrorMeta) -> fmt::Result {
    use crate::error_body::one_line;
    write!(f, "{} failed: ", meta.operation)?;
    match &meta.code {
        Some(code) => write!(f, "{} (HTTP {}", one_line(code), meta.status)?,
        None => write!(f, "HTTP {}", meta.status)?,
    }
    match (&meta.service_code, &meta.code) {
        (Some(own), Some(code)) if own != code => write!(f, ", {})", one_line(own))?,
        (Some(own), None) => write!(f, " {}", one_line(own))?,
        (_, Some(_)) => f.write_str(")")?,
        (None, None) => {}
    }
    if let Some(message) = &meta.message {
        write!(f, ": {}", one_line(message))?;
    }
    if let Some(id) = &meta.request_id {
        write!(f, " [request id {}]", one_line(id))?;
    }
    Ok(())
}

impl<E> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Validation { operation, errors } => {
                write!(f, "{operation}: invalid request, not sent: {errors}")
            }
            Self::Service { meta, .. } | Self::UnknownService { meta } => write_meta(f, meta),
            Self::Http { meta } => {
                write_meta(f, meta)?;
                // No code and no message: the body is all there is to go on.
                if meta.message.is_none() && !meta.body.is_empty() {
                    let preview: String = meta.body.chars().take(200).collect();
                    let cut = if preview.len() < meta.body.len() {
                        "…"
                    } else {
                        ""
                    };
                    write!(f, "; body: {}{cut}", crate::error_body::one_line(&preview))?;
                }
                Ok(())
            }
            Self::Decode {
                operation,
                request_id,
                error: _,
            } => {
                write!(f, "{operation}: could not decode the response")?;
                if let Some(id) = request_id {
                    write!(f, " [request id {id}]")?;
                }
                Ok(())
            }
            Self::Transport { operation, .. } => write!(f, "{operation}: transport error"),
            Self::Timeout {
                operation,
                kind,
                after,
            } => {
                let which = match kind {
                    TimeoutKind::Attempt => "attempt",
                    TimeoutKind::Total => "total",
                };
                write!(f, "{operation}: {which} timeout after {after:?}")
            }
            Self::Auth { operation, .. } => {
                write!(f, "{operation}: could not authenticate the request")
            }
            Self::BodyTooLarge {
                operation,
                status,
                limit,
                setting,
                content_length,
            } => {
                write!(
                    f,
                    "{operation}: the response body (HTTP {status}) is larger than {setting} \
                     ({limit} bytes)"
                )?;
                if let Some(length) = content_length {
                    write!(f, "; Content-Length {length}")?;
                }
                Ok(())
            }
        }
    }
}

/// `source()` of a service error is the operation's modelled error enum, whose own
/// `source()` is the exception structure (`LimitExceededException`, with its members), so a
/// caller holding only a `dyn Error` (`anyhow`, `Box<dyn Error>`) can `downcast_ref` to it.
impl<E: std::error::Error + 'static> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Decode { error, .. } => Some(error),
            Self::Transport { source, .. } | Self::Auth { source, .. } => Some(source.as_ref()),
            Self::Service { error, .. } => Some(error),
            Self::Validation { .. }
            | Self::UnknownService { .. }
            | Self::Http { .. }
            | Self::BodyTooLarge { .. }
            | Self::Timeout { .. } => None,
        }
    }
}

/// Implemented by each generated per-operation error enum; its `Display` is the
/// exception's, and its `source()` the exception structure itself.
pub trait OperationError: Sized + std::error::Error + 'static {
    /// Decodes the modeled error `code` from an error response body and headers; `None`
    /// when the operation does not model `code`.
    fn from_code(
        code: &str,
        body: &[u8],
        headers: &http::HeaderMap,
    ) -> Option<Result<Self, DecodeError>>;
}

/// Reads a header as a value of `T` (`Retry-After` into `retryAfterSeconds`).
pub fn header_value<T: std::str::FromStr>(headers: &http::HeaderMap, name: &str) -> Option<T> {
    headers.get(name)?.to_str().ok()?.trim().parse().ok()
}
