//! The HTTP/1.1 server: an accept loop on tokio, one task per connection, hyper for the
//! protocol, and a watch channel for graceful shutdown. Faults that cut a connection are
//! done here, where the connection is.

use std::convert::Infallible;
use std::io;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full, Limited, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::handler::{self, Outcome, State};
use crate::protocol::Reply;

/// Request bodies larger than this are refused (the largest real request is a few KB).
const MAX_BODY: usize = 1 << 20;

/// How long shutdown waits for requests in flight.
const DRAIN: Duration = Duration::from_secs(5);

type Body = BoxBody<Bytes, io::Error>;

/// Serves connections from `listener` until `shutdown` turns true, then lets requests in
/// flight finish (up to [`DRAIN`]).
pub(crate) async fn serve(
    listener: TcpListener,
    state: Arc<State>,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut connections = JoinSet::new();
    loop {
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
                let state = state.clone();
                let mut stop = shutdown.clone();
                connections.spawn(async move {
                    let service = service_fn(move |request| {
                        let state = state.clone();
                        async move { answer(&state, request).await }
                    });
                    let conn = http1::Builder::new().serve_connection(TokioIo::new(stream), service);
                    tokio::pin!(conn);
                    tokio::select! {
                        _ = conn.as_mut() => {}
                        _ = stop.changed() => {
                            conn.as_mut().graceful_shutdown();
                            let _ = conn.await;
                        }
                    }
                });
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

/// The error a service returns to make hyper drop the connection without an answer.
#[derive(Debug)]
struct ResetConnection;

impl std::fmt::Display for ResetConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection reset (injected fault)")
    }
}

impl std::error::Error for ResetConnection {}

async fn answer(
    state: &State,
    request: http::Request<Incoming>,
) -> Result<http::Response<Body>, ResetConnection> {
    let (parts, body) = request.into_parts();
    let body = match Limited::new(body, MAX_BODY).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(e) => {
            let reply = crate::protocol::not_found(
                413,
                "RequestEntityTooLarge",
                &format!("the request body could not be read: {e} (limit {MAX_BODY} bytes)"),
                "-",
            );
            return Ok(response(reply, false));
        }
    };
    match handler::handle(state, parts, body).await {
        Outcome::Reply(reply) => Ok(response(reply, false)),
        Outcome::Truncate(reply) => Ok(response(reply, true)),
        Outcome::Reset => Err(ResetConnection),
    }
}

fn response(reply: Reply, truncate: bool) -> http::Response<Body> {
    let length = reply.body.len();
    let body: Body = if truncate {
        // Half the body, then an error: hyper aborts the connection mid-body, so the client
        // sees fewer bytes than Content-Length promised.
        let half = Bytes::from(reply.body).slice(..length / 2);
        let frames: Vec<Result<Frame<Bytes>, io::Error>> = vec![
            Ok(Frame::data(half)),
            Err(io::Error::new(
                io::ErrorKind::ConnectionAborted,
                "truncated (injected fault)",
            )),
        ];
        BodyExt::boxed(StreamBody::new(futures_util::stream::iter(frames)))
    } else {
        Full::new(Bytes::from(reply.body))
            .map_err(|never: Infallible| match never {})
            .boxed()
    };
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
