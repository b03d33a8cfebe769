//! A mock of every cloudcost operation, generated from the specs.
//!
//! Routes, request checks, error shapes, pagination and documented examples all come from
//! the generated tables in `generated/` (`cargo xtask regenerate`); the server itself is
//! generic. It answers as the real services do: Cost Explorer by `X-Amz-Target` on
//! `POST /`, Inspector2 by path, SCP by `GET /v1/usages`, each error in its protocol's
//! shape with the documented status.
//!
//! ```no_run
//! # async fn demo() -> Result<(), cloudcost_mock::MockError> {
//! use cloudcost_mock::{Dataset, MockConfig, MockServer};
//!
//! let server = MockServer::start(MockConfig {
//!     dataset: Dataset::Synthetic { pages: 5, page_size: 10, seed: 7 },
//!     ..MockConfig::default()
//! })
//! .await?;
//! let endpoint = server.url(); // point a client's endpoint_url here
//! # drop(endpoint);
//! server.shutdown().await;
//! # Ok(())
//! # }
//! ```

#![forbid(unsafe_code)]

mod auth;
mod counts;
mod dataset;
mod faults;
mod handler;
mod ledger;
mod paging;
mod protocol;
mod server;
pub mod spec;
mod strict;
mod synth;

#[rustfmt::skip]
#[allow(clippy::all)]
mod generated;

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use auth::TestKeys;
/// The billing ledger the `Ledger` dataset answers from.
pub use cloudcost_ledger;
pub use counts::{Cost, OperationCount, RequestCounts, REQUEST_COUNTS_PATH};
pub use dataset::Dataset;
pub use faults::{FaultKind, Faults, ParseFaultError, SLOW_DELAY};
pub use handler::ERROR_HEADER;
pub use ledger::LedgerData;
pub use server::Limits;

/// The services the mock serves.
pub fn services() -> &'static [&'static spec::ServiceSpec] {
    generated::SERVICES
}

/// The synthetic value the mock builds for a JSON Schema document (one of `schemas/`), for
/// item `index` of dataset `seed`: what `--dataset synthetic` answers, for tests that check
/// such values decode. Recursive shapes stop at their first repeat (optional members left
/// out, lists empty), so the value is finite and valid.
pub fn synthetic_value(schema: &serde_json::Value, seed: u64, index: u64) -> serde_json::Value {
    let patterns = synth::PatternCache::default();
    synth::Synth::new(schema, seed, &patterns).value(schema, "", index)
}

/// How the mock behaves.
#[derive(Clone, Debug, PartialEq)]
pub struct MockConfig {
    /// Where to listen; port 0 picks a free one. Loopback by default.
    pub addr: SocketAddr,
    pub dataset: Dataset,
    pub faults: Faults,
    /// Verify SigV4 and SCP signatures against `keys` (else only their presence).
    pub strict_auth: bool,
    pub keys: TestKeys,
    /// Answer requests without credentials with this error code instead of the spec's
    /// `errorsFor.missingAuth`, in every service that has the code (others keep theirs).
    /// SCP has been seen to answer an unauthenticated `GET /v1/usages` with 404: set
    /// `Some("NotFound")` to test a client against that.
    pub missing_auth_as: Option<String>,
    /// Timeouts, the connection cap and the body size limit ([`Limits`]).
    pub limits: Limits,
}

impl Default for MockConfig {
    fn default() -> Self {
        MockConfig {
            addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            dataset: Dataset::default(),
            faults: Faults::default(),
            strict_auth: false,
            keys: TestKeys::default(),
            missing_auth_as: None,
            limits: Limits::default(),
        }
    }
}

/// Why the mock cannot start.
#[derive(Debug, thiserror::Error)]
pub enum MockError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("invalid mock configuration: {0}")]
    Config(String),
    #[error("cannot wait for Ctrl-C: {0}")]
    Signal(std::io::Error),
}

impl MockConfig {
    fn check(&self) -> Result<(), MockError> {
        if !(0.0..=1.0).contains(&self.faults.rate) {
            return Err(MockError::Config(format!(
                "fault rate {} is not between 0 and 1",
                self.faults.rate
            )));
        }
        if self.faults.rate > 0.0 && self.faults.kinds.is_empty() {
            return Err(MockError::Config(
                "a fault rate needs at least one fault kind".into(),
            ));
        }
        if let Dataset::Synthetic {
            pages, page_size, ..
        } = self.dataset
        {
            if pages == 0 || page_size == 0 {
                return Err(MockError::Config(
                    "a synthetic dataset needs at least 1 page of at least 1 item".into(),
                ));
            }
        }
        self.dataset.check().map_err(MockError::Config)?;
        if let Some(code) = &self.missing_auth_as {
            let known = services()
                .iter()
                .any(|s| handler::service_codes(s).any(|c| c == code));
            if !known {
                return Err(MockError::Config(format!(
                    "--missing-auth-as {code}: no service has that error code"
                )));
            }
        }
        self.limits.check().map_err(MockError::Config)?;
        Ok(())
    }
}

/// A running mock. Dropping it without [`MockServer::shutdown`] stops it too.
pub struct MockServer {
    addr: SocketAddr,
    state: Arc<handler::State>,
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl std::fmt::Debug for MockServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockServer")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

/// What a mock has seen: for tests that must know faults really happened.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Requests received (faulted ones included).
    pub requests: u64,
    /// Faults injected, by kind; kinds never injected are absent.
    pub faults: std::collections::BTreeMap<FaultKind, u64>,
}

impl MockServer {
    /// Binds and starts serving in the background of the current tokio runtime.
    pub async fn start(config: MockConfig) -> Result<MockServer, MockError> {
        config.check()?;
        let listener = TcpListener::bind(config.addr)
            .await
            .map_err(|source| MockError::Bind {
                addr: config.addr,
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| MockError::Bind {
            addr: config.addr,
            source,
        })?;
        let (stop, stopped) = watch::channel(false);
        let state = Arc::new(handler::State::new(config));
        let task = tokio::spawn(server::serve(listener, state.clone(), stopped));
        Ok(MockServer {
            addr,
            state,
            stop,
            task,
        })
    }

    /// The base URL, e.g. `http://127.0.0.1:41234`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Requests and injected faults so far.
    pub fn stats(&self) -> Stats {
        self.state.stats()
    }

    /// Stops accepting, lets requests in flight finish, and returns when it is done.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        let _ = (&mut self.task).await;
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

/// The request handler without a socket, for fuzzing (`fuzz/`) and the tests that replay
/// its inputs: the same routing, checks and answers as a [`MockServer`], minus the
/// connection limits (body size, timeouts), which belong to the accept loop.
/// Not a stable API.
#[doc(hidden)]
pub struct DirectHandler(handler::State);

#[doc(hidden)]
impl DirectHandler {
    /// A handler for `config` (checked as [`MockServer::start`] checks it).
    pub fn new(config: MockConfig) -> Result<DirectHandler, MockError> {
        config.check()?;
        Ok(DirectHandler(handler::State::new(config)))
    }

    /// Answers one request: status, headers and body, or `None` when the mock would drop
    /// the connection unanswered. A truncated answer is returned whole.
    pub async fn handle(
        &self,
        request: http::Request<bytes::Bytes>,
    ) -> Option<(u16, Vec<(String, String)>, Vec<u8>)> {
        let (parts, body) = request.into_parts();
        match handler::handle(&self.0, parts, body).await {
            handler::Outcome::Reply(r) | handler::Outcome::Truncate(r) => {
                Some((r.status, r.headers, r.body))
            }
            handler::Outcome::Reset => None,
        }
    }
}

/// Serves until Ctrl-C, then shuts down cleanly. `on_start` gets the server first (the
/// CLI prints its URL).
pub async fn serve_until_ctrl_c(config: MockConfig) -> Result<(), MockError> {
    serve_until_ctrl_c_with(config, |_| {}).await
}

/// [`serve_until_ctrl_c`], calling `on_start` once the server listens.
pub async fn serve_until_ctrl_c_with(
    config: MockConfig,
    on_start: impl FnOnce(&MockServer),
) -> Result<(), MockError> {
    let server = MockServer::start(config).await?;
    on_start(&server);
    tokio::signal::ctrl_c().await.map_err(MockError::Signal)?;
    server.shutdown().await;
    Ok(())
}

impl MockServer {
    /// The requests answered so far, per operation, with the billable ones and their cost
    /// (which requests count: [`RequestCounts`]). The same as `GET` [`REQUEST_COUNTS_PATH`]
    /// answers.
    pub fn request_counts(&self) -> RequestCounts {
        self.state.counts.snapshot()
    }
}

/// [`serve_until_ctrl_c_with`], returning the requests the mock answered, counted once
/// requests in flight have finished (`cloudcost mock` prints them as it stops).
pub async fn serve_until_ctrl_c_counting(
    config: MockConfig,
    on_start: impl FnOnce(&MockServer),
) -> Result<RequestCounts, MockError> {
    let server = MockServer::start(config).await?;
    on_start(&server);
    tokio::signal::ctrl_c().await.map_err(MockError::Signal)?;
    let state = server.state.clone();
    server.shutdown().await;
    Ok(state.counts.snapshot())
}
