//! The HTTP/1.1 server: an accept loop on tokio, one task per connection, hyper for the
//! protocol, and a watch channel for graceful shutdown. Faults that cut a connection are
//! done here, where the connection is, and so are the [`Limits`] that keep a slow, idle or
//! oversized client from holding the mock.

use std::convert::Infallible;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, OwnedSemaphorePermit, Semaphore};
use tokio::task::JoinSet;
use tokio::time::Instant;

use crate::handler::{self, Outcome, State};
use crate::protocol::Reply;

/// The default largest request body (the largest real request is a few KB).
const MAX_BODY: usize = 1 << 20;

/// How long shutdown waits for requests in flight.
const DRAIN: Duration = Duration::from_secs(5);

/// The longest timeout [`Limits`] accepts. Longer ones would be pointless for a mock, and
/// hyper adds the header timeout to `Instant::now()` unchecked, which panics on overflow.
const MAX_TIMEOUT: Duration = Duration::from_secs(24 * 60 * 60);

/// The most connections [`Limits::max_connections`] accepts: far above any file-descriptor
/// limit, and far below tokio's `Semaphore::MAX_PERMITS`, whose excess panics.
const MAX_CONNECTIONS: usize = 1_000_000;

/// The largest body [`Limits::max_body_bytes`] accepts: a body is held in memory whole.
const MAX_BODY_LIMIT: usize = 1 << 30;

/// What one client may take of the mock. Every limit has a default ([`Limits::default`]);
/// `cloudcost mock`'s limit flags (`--header-read-timeout` and friends, defined in the CLI's
/// mock room, `crates/cli/src/mock/`) set them. RELIABILITY.md lists them with what happens
/// at each.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// How long a request head (request line and headers) may take, counted from the
    /// moment the connection is ready for a request: just accepted, or its previous
    /// response sent. A slower client (slowloris) is disconnected without an answer.
    /// Because hyper runs this timer while a connection waits for its next request, it also
    /// bounds how long an idle connection lives. Default 10 s; at most 24 h.
    pub header_read_timeout: Duration,
    /// A connection with no request in progress and nothing read or written for this long
    /// is closed (keep-alive idle timeout). The effective idle limit is the smaller of this
    /// and `header_read_timeout`. Default 5 s; at most 24 h.
    pub idle_timeout: Duration,
    /// How long a request body may take once its head has arrived; a slower body gets a
    /// 408 `RequestTimeout` and the connection is closed. Default 10 s; at most 24 h.
    pub body_read_timeout: Duration,
    /// Connections served at once. At the limit the mock stops accepting: a further
    /// connection completes its TCP handshake in the kernel's listen backlog and waits there,
    /// unanswered, until a served connection closes (or the backlog overflows and the
    /// kernel drops it). Waiting rather than refusing keeps every client's request intact,
    /// and a client holding a slot idle or slowly is cut by the timeouts above.
    /// Default 4096; from 1 to 1,000,000. The process's open-file limit (`ulimit -n`) may
    /// bind first: then `accept` fails and the mock retries every 20 ms.
    pub max_connections: usize,
    /// The largest request body in bytes; a larger one gets 413 `RequestEntityTooLarge` and
    /// the connection is closed. Default 1 MiB; from 1 to 1 GiB.
    pub max_body_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            header_read_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(5),
            body_read_timeout: Duration::from_secs(10),
            max_connections: 4096,
            max_body_bytes: MAX_BODY,
        }
    }
}

impl Limits {
    /// Why these limits cannot be used, if they cannot.
    pub(crate) fn check(&self) -> Result<(), String> {
        for (name, value) in [
            ("header_read_timeout", self.header_read_timeout),
            ("idle_timeout", self.idle_timeout),
            ("body_read_timeout", self.body_read_timeout),
        ] {
            if value.is_zero() || value > MAX_TIMEOUT {
                return Err(format!(
                    "{name} must be above 0 and at most {MAX_TIMEOUT:?}, not {value:?}"
                ));
            }
        }
        if !(1..=MAX_CONNECTIONS).contains(&self.max_connections) {
            return Err(format!(
                "max_connections must be from 1 to {MAX_CONNECTIONS}, not {}",
                self.max_connections
            ));
        }
        if !(1..=MAX_BODY_LIMIT).contains(&self.max_body_bytes) {
            return Err(format!(
                "max_body_bytes must be from 1 to {MAX_BODY_LIMIT}, not {}",
                self.max_body_bytes
            ));
        }
        Ok(())
    }
}

type Body = BoxBody<Bytes, io::Error>;

/// Serves connections from `listener` until `shutdown` turns true, then lets requests in
/// flight finish (up to [`DRAIN`]).
pub(crate) async fn serve(
    listener: TcpListener,
    state: Arc<State>,
    mut shutdown: watch::Receiver<bool>,
) {
    let limits = state.config.limits.clone();
    // Clamped although `MockConfig::check` refuses larger values: `Semaphore::new` panics
    // above its maximum, and a library entry point must not.
    let slots = Arc::new(Semaphore::new(
        limits.max_connections.clamp(1, MAX_CONNECTIONS),
    ));
    let mut builder = http1::Builder::new();
    // hyper has no clock of its own: without a timer the header timeout does nothing.
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout.min(MAX_TIMEOUT));
    let builder = Arc::new(builder);
    let mut connections = JoinSet::new();
    loop {
        // A slot first, then accept: at the cap, new connections wait in the listen backlog.
        let permit = tokio::select! {
            permit = slots.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                // Only a closed semaphore fails, and nothing closes this one.
                Err(_) => break,
            },
            _ = shutdown.changed() => break,
        };
        tokio::select! {
            accepted = listener.accept() => {
                let stream = match accepted {
                    Ok((stream, _)) => stream,
                    Err(e) => {
                        // Out of file descriptors and the like: back off, keep serving.
                        tracing::warn!("accept failed: {e}");
                        tokio::time::sleep(Duration::from_millis(20)).await;
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                connections.spawn(connection(
                    stream,
                    state.clone(),
                    builder.clone(),
                    shutdown.clone(),
                    permit,
                ));
                // Reap finished connections so the set does not grow without bound.
                while connections.try_join_next().is_some() {}
            }
            _ = shutdown.changed() => break,
        }
    }
    drop(listener);
    let _ = tokio::time::timeout(DRAIN, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
}

/// Serves one connection until the client closes it, hyper gives up on it (header timeout,
/// protocol error, injected reset), it has been idle for `idle_timeout`, or the server
/// shuts down. `_permit` is its connection slot, given back when this returns.
///
/// A truncated answer (the `truncate` fault) bypasses hyper: the service leaves its bytes
/// in `cut` and fails, hyper stops, and the bytes are written here on the socket hyper
/// gives back. Through hyper, a body that failed midway was dropped with hyper's write
/// buffer unflushed, so below a few hundred KiB the client received nothing at all.
async fn connection(
    stream: TcpStream,
    state: Arc<State>,
    builder: Arc<http1::Builder>,
    mut stop: watch::Receiver<bool>,
    _permit: OwnedSemaphorePermit,
) {
    let idle = state.config.limits.idle_timeout;
    let activity = Arc::new(Activity::new());
    let cut: Arc<Mutex<Option<Vec<u8>>>> = Arc::default();
    let io = TokioIo::new(Tracked {
        inner: stream,
        activity: activity.clone(),
    });
    let service = {
        let activity = activity.clone();
        let cut = cut.clone();
        service_fn(move |request| {
            let state = state.clone();
            let busy = Busy::start(activity.clone());
            let cut = cut.clone();
            async move {
                let _busy = busy;
                match answer(&state, request).await {
                    Ok(response) => Ok(response),
                    Err(Unanswered::Reset) => Err(Unanswered::Reset),
                    Err(Unanswered::Truncated(bytes)) => {
                        *cut.lock().unwrap_or_else(PoisonError::into_inner) = Some(bytes);
                        Err(Unanswered::Truncated(Vec::new()))
                    }
                }
            }
        })
    };
    let mut conn = builder.serve_connection(io, service);
    loop {
        let wake = activity.next_check(idle);
        tokio::select! {
            _ = &mut conn => break,
            _ = stop.changed() => {
                Pin::new(&mut conn).graceful_shutdown();
                let _ = (&mut conn).await;
                break;
            }
            _ = tokio::time::sleep_until(wake) => {
                if activity.idle_for(idle) {
                    // Nothing is in progress, so dropping the connection only closes the
                    // socket; hyper has no keep-alive timeout of its own.
                    tracing::debug!("closing a connection idle for {idle:?}");
                    return;
                }
            }
        }
    }
    let truncated = cut.lock().unwrap_or_else(PoisonError::into_inner).take();
    if let Some(bytes) = truncated {
        // hyper stopped at the service's error with nothing of this answer in its write
        // buffer. Earlier answers were flushed before a client that waits for each answer
        // sent this request; a pipelining client may lose one still buffered, as with
        // `reset`.
        let stream = conn.into_parts().io.into_inner().inner;
        send_truncated(stream, &bytes, idle).await;
    }
}

/// Writes a truncated answer and closes the connection: an orderly close (FIN), so the
/// client reads every byte sent and then the end, short of the promised length. A client
/// that reads nothing for `linger` (the idle timeout) is dropped as an idle one would be.
/// Until the client closes too (at most `linger`), what it still sends is read and
/// dropped: closing a socket with unread input sends a reset, which may discard the answer
/// at the client.
async fn send_truncated(mut stream: TcpStream, bytes: &[u8], linger: Duration) {
    let mut rest = bytes;
    while !rest.is_empty() {
        match tokio::time::timeout(linger, stream.write(rest)).await {
            Ok(Ok(n)) if n > 0 => rest = &rest[n..],
            // The client is gone, or stopped reading: there is no one to tell.
            _ => return,
        }
    }
    if stream.shutdown().await.is_err() {
        return;
    }
    let _ = tokio::time::timeout(linger, async {
        let mut sink = [0u8; 4096];
        while let Ok(1..) = stream.read(&mut sink).await {}
    })
    .await;
}

/// When a connection last moved a byte, and whether a request is being answered: what the
/// idle timeout needs and hyper does not expose.
struct Activity {
    epoch: Instant,
    /// Milliseconds after `epoch` of the last read or write.
    last_ms: AtomicU64,
    /// Requests between their head arriving and their response being handed to hyper.
    busy: AtomicUsize,
}

impl Activity {
    fn new() -> Self {
        Activity {
            epoch: Instant::now(),
            last_ms: AtomicU64::new(0),
            busy: AtomicUsize::new(0),
        }
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    fn touch(&self) {
        self.last_ms.store(self.now_ms(), Ordering::Relaxed);
    }

    fn idle_for(&self, idle: Duration) -> bool {
        let quiet = self
            .now_ms()
            .saturating_sub(self.last_ms.load(Ordering::Relaxed));
        self.busy.load(Ordering::Relaxed) == 0 && u128::from(quiet) >= idle.as_millis()
    }

    /// When to look again: `idle` after the last byte, or, while a request is being
    /// answered (however long that takes), `idle` from now.
    fn next_check(&self, idle: Duration) -> Instant {
        let from = if self.busy.load(Ordering::Relaxed) > 0 {
            Instant::now()
        } else {
            let last = Duration::from_millis(self.last_ms.load(Ordering::Relaxed));
            self.epoch.checked_add(last).unwrap_or_else(Instant::now)
        };
        // `idle` is at most a day (`Limits::check`), so this cannot overflow in practice;
        // the fallback only keeps a misconfiguration from panicking.
        from.checked_add(idle).unwrap_or_else(Instant::now)
    }
}

/// Marks a request in progress for as long as it lives, even if hyper drops the future.
struct Busy(Arc<Activity>);

impl Busy {
    fn start(activity: Arc<Activity>) -> Self {
        activity.busy.fetch_add(1, Ordering::Relaxed);
        Busy(activity)
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        // The idle time starts when the answer is done, not when its last byte was read.
        self.0.touch();
        self.0.busy.fetch_sub(1, Ordering::Relaxed);
    }
}

/// A TCP stream that records when it last read or wrote a byte.
struct Tracked {
    inner: TcpStream,
    activity: Arc<Activity>,
}

impl AsyncRead for Tracked {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let poll = Pin::new(&mut self.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.activity.touch();
        }
        poll
    }
}

impl AsyncWrite for Tracked {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let poll = Pin::new(&mut self.inner).poll_write(cx, buf);
        if matches!(poll, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch();
        }
        poll
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let poll = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if matches!(poll, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch();
        }
        poll
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// The error a service returns to make hyper stop serving a connection without an
/// answer: a `reset` closes it, a truncated answer is written on it afterwards
/// ([`send_truncated`]).
#[derive(Debug)]
enum Unanswered {
    Reset,
    /// The status line, the headers and the part of the body to send.
    Truncated(Vec<u8>),
}

impl std::fmt::Display for Unanswered {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Unanswered::Reset => "connection reset (injected fault)",
            Unanswered::Truncated(_) => "answer truncated (injected fault)",
        })
    }
}

impl std::error::Error for Unanswered {}

async fn answer(
    state: &State,
    request: http::Request<Incoming>,
) -> Result<http::Response<Body>, Unanswered> {
    let limits = &state.config.limits;
    let (parts, body) = request.into_parts();
    let read = tokio::time::timeout(
        limits.body_read_timeout,
        Limited::new(body, limits.max_body_bytes).collect(),
    )
    .await;
    let body = match read {
        Ok(Ok(collected)) => collected.to_bytes(),
        Ok(Err(e)) if e.downcast_ref::<LengthLimitError>().is_some() => {
            return Ok(unread(
                413,
                "RequestEntityTooLarge",
                &format!(
                    "the request body is larger than {} bytes",
                    limits.max_body_bytes
                ),
            ));
        }
        Ok(Err(e)) => {
            // The client closed the connection mid-body, or sent a malformed chunked body.
            // If it is gone this answer goes nowhere, which is harmless.
            return Ok(unread(
                400,
                "BadRequest",
                &format!("the request body could not be read: {}", chain(&*e)),
            ));
        }
        Err(_elapsed) => {
            return Ok(unread(
                408,
                "RequestTimeout",
                &format!(
                    "the request body did not arrive within {:?}",
                    limits.body_read_timeout
                ),
            ));
        }
    };
    match handler::handle(state, parts, body).await {
        Outcome::Reply(reply) => Ok(response(reply)),
        Outcome::Truncate(reply) => Err(Unanswered::Truncated(truncated(&reply))),
        Outcome::Reset => Err(Unanswered::Reset),
    }
}

/// The answer to a request whose body was not read whole. It closes the connection: the
/// rest of the body may still be on its way and would be taken for the next request.
fn unread(status: u16, code: &str, message: &str) -> http::Response<Body> {
    let mut reply = crate::protocol::not_found(status, code, message, "-");
    reply.headers.push(("Connection".into(), "close".into()));
    response(reply)
}

/// An error and its sources, `outer: inner: innermost`: hyper's own message only names
/// the stage ("error reading a body from connection"), its source says what happened.
fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// The bytes of `reply` cut short: its status line, its headers with the `Content-Length`
/// of the whole body, and the first half of the body (at least one byte of a body of two
/// or more, never all of it).
fn truncated(reply: &Reply) -> Vec<u8> {
    let length = reply.body.len();
    let status =
        http::StatusCode::from_u16(reply.status).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
    let mut out = format!(
        "HTTP/1.1 {} {}\r\n",
        status.as_str(),
        status.canonical_reason().unwrap_or("")
    );
    for (name, value) in &reply.headers {
        // What `response` would refuse is left out here too.
        if http::HeaderName::from_bytes(name.as_bytes()).is_ok()
            && http::HeaderValue::from_str(value).is_ok()
        {
            out.push_str(&format!("{name}: {value}\r\n"));
        }
    }
    out.push_str(&format!("content-length: {length}\r\n\r\n"));
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(&reply.body[..length / 2]);
    bytes
}

fn response(reply: Reply) -> http::Response<Body> {
    let length = reply.body.len();
    let body: Body = Full::new(Bytes::from(reply.body))
        .map_err(|never: Infallible| match never {})
        .boxed();
    let mut builder = http::Response::builder().status(reply.status);
    for (name, value) in &reply.headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    builder = builder.header(http::header::CONTENT_LENGTH, length);
    builder.body(body).unwrap_or_else(|e| {
        let mut r = http::Response::new(
            Full::new(Bytes::from(format!("mock response failed: {e}")))
                .map_err(|never: Infallible| match never {})
                .boxed(),
        );
        *r.status_mut() = http::StatusCode::INTERNAL_SERVER_ERROR;
        r
    })
}
