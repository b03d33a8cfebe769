//! Runtime support for the generated `cloudcost-*-client` crates.
//!
//! Generated clients carry the spec's facts (error codes and their retryability, paging
//! members, header names); the behaviour those facts drive lives here, once:
//!
//! - [`retry`]: attempts with exponential backoff and full jitter, server wait hints, and a
//!   client-wide retry budget; [`retry::classify_http`] turns a status and an error code
//!   into an [`ErrorKind`] from the spec's code lists;
//! - [`paginate`]: streams of pages and of items that stop on an absent or empty token,
//!   refuse to loop on a repeated one, and end on a failing page; SCP's marker rule;
//! - [`scp`]: Samsung Cloud Platform credentials and request signing (HMAC-SHA256
//!   headers);
//! - [`error_body`]: an error body's code, message and request id, wherever the spec's
//!   `errorBody` says the service puts them, and the body kept for diagnosis;
//! - [`error_code`](mod@error_code): the error code of an AWS JSON error, from `X-Amzn-ErrorType` or the
//!   body, with namespace and suffix stripped.
//!
//! - [`client`]: the call path of every operation over reqwest (validate, encode, sign,
//!   send with retries and timeouts, decode the output or the typed error).
//!
//! ```
//! use std::time::Duration;
//! use cloudcost_runtime::{Config, RetryConfig};
//!
//! // One builder for every generated client; every setting has a default.
//! let config = Config::builder()
//!     .endpoint_url("http://127.0.0.1:4566")
//!     .retry(RetryConfig::default().with_base(Duration::from_millis(200)))
//!     .total_timeout(Some(Duration::from_secs(30)))
//!     .max_pages(500)
//!     .build();
//! assert!(format!("{config:?}").contains("max_pages: 500"));
//! ```
//!
//! # Cargo features
//!
//! - `aws` (default): SigV4 signing and the AWS credential chain ([`aws_auth`]).
//! - `scp` (default): Samsung Cloud Platform signing and credentials ([`scp`]).
//!
//! Each generated client crate turns on its own family only, so a binary that uses only the
//! SCP client compiles no AWS signing or credential code, and the other way round.
//!
//! Everything but [`client`] is pure logic plus tokio's timer, so it is tested offline
//! and, thanks to tokio's paused clock, without real sleeps. Secrets and signatures never
//! appear in `Debug` output, errors or `tracing` events.

#![forbid(unsafe_code)]
#![warn(missing_docs)]
// A client needs at least one family's signing; see the `aws` and `scp` features.
#[cfg(not(any(feature = "aws", feature = "scp")))]
compile_error!("cloudcost-runtime needs the `aws` or the `scp` feature (or both)");

#[cfg(feature = "aws")]
pub mod aws_auth;
mod body;
pub mod client;
pub mod config;
mod endpoint;
pub mod error;
pub mod error_body;
pub mod error_code;
pub mod meta;
pub mod paginate;
pub mod query;
pub mod retry;
#[cfg(feature = "scp")]
pub mod scp;
mod signer;

#[cfg(feature = "aws")]
pub use aws_auth::{
    default_credentials_chain, default_region, sign_request, AwsAuthError, AwsCredentials,
    DefaultCredentialsChain, ProvideAwsCredentials, StaticCredentials,
};
pub use error_code::{error_code, error_code_from_value, sanitize_error_code};
pub use paginate::{items, marker_from_last_item, pages, Items, PageLimits, PaginationError};
pub use retry::{
    classify_http, classify_io, parse_retry_after, retry_after_from_seconds, run_with_retries,
    run_with_retries_using, ErrorKind, RandomSource, RetryBudget, RetryBudgetConfig, RetryConfig,
    Sleep, SplitMix64, TokioSleep,
};
#[cfg(feature = "scp")]
pub use scp::{ScpCredentials, ScpCredentialsError, ScpSigner};

pub use client::{BuildError, ClientCore};
pub use config::{Config, ConfigBuilder, DateRules};
pub use error::{header_value, report, BoxError, Error, ErrorMeta, OperationError, TimeoutKind};
pub use meta::{
    AuthMeta, EndpointVariable, ErrorBodyMeta, ErrorCodeSource, ModeledError, OperationMeta,
    ServiceMeta,
};

/// The page stream of a paged operation: boxed, so it is `Unpin` (`.next().await` works
/// without pinning) and generated code does not monomorphise a stream type per operation.
pub type PageStream<Page, E> =
    std::pin::Pin<Box<dyn Stream<Item = Result<Page, PaginationError<E>>> + Send + 'static>>;

/// A page stream that yields `error` and ends: what a fluent call's `.pages()` returns
/// when its request cannot be built, so that the error comes where the pages would.
pub fn failed_pages<Page, E>(error: E) -> PageStream<Page, E>
where
    Page: Send + 'static,
    E: Send + 'static,
{
    Box::pin(futures_util::stream::once(std::future::ready(Err(
        PaginationError::Page(error),
    ))))
}

/// The item stream of a paged operation (see [`Items::max_items`]).
pub type ItemStream<Page, Item, E> = Items<PageStream<Page, E>, fn(Page) -> Vec<Item>, Item>;

/// Re-exported so that generated clients and their users agree on one version.
pub use cloudcost_types;
/// Re-exported for generated code (header maps in error decoding).
pub use http;

/// Re-exported so that clients and their users name one `Stream` trait.
pub use futures_core::Stream;
/// Re-exported so that users can `.next().await` a page or item stream without another dependency.
pub use futures_util::StreamExt;
