//! A tiny HTTP/1.1 server over loopback for the end-to-end benchmarks.
//!
//! It reads each request (headers up to the blank line, then `Content-Length` bytes of
//! body), hands the body to a handler and writes `200 OK` with the handler's bytes and a
//! `Content-Length`. Connections are kept alive. It runs on its own thread with its own
//! single-threaded tokio runtime, so that it does not share the client's runtime.

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Builds the full response (status line, headers and body) for one request body.
pub type Handler = dyn Fn(&[u8]) -> Arc<[u8]> + Send + Sync;

/// A running server; it lives until the process ends.
#[derive(Debug, Clone)]
pub struct Server {
    addr: SocketAddr,
}

impl Server {
    /// Answers every request with the same prepared response.
    pub fn fixed(content_type: &str, body: &[u8]) -> Server {
        let response = response(content_type, body);
        Server::start(Arc::new(move |_: &[u8]| response.clone()))
    }

    /// Answers each request with `handler(request body)`.
    pub fn start(handler: Arc<Handler>) -> Server {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::Builder::new()
            .name("bench-server".into())
            .spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("server runtime");
                rt.block_on(async move {
                    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
                    tx.send(listener.local_addr().unwrap()).unwrap();
                    loop {
                        let (stream, _) = listener.accept().await.expect("accept");
                        stream.set_nodelay(true).ok();
                        tokio::spawn(serve(stream, handler.clone()));
                    }
                });
            })
            .expect("server thread");
        Server {
            addr: rx.recv().expect("server address"),
        }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

/// A complete `200 OK` response with `Content-Length`.
pub fn response(content_type: &str, body: &[u8]) -> Arc<[u8]> {
    let mut out = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nx-amzn-RequestId: 00000000-0000-0000-0000-000000000000\r\n\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(body);
    out.into()
}

async fn serve(mut stream: TcpStream, handler: Arc<Handler>) {
    let mut buf: Vec<u8> = Vec::with_capacity(16 * 1024);
    loop {
        // Headers.
        let header_end = loop {
            if let Some(end) = find(&buf, b"\r\n\r\n") {
                break end + 4;
            }
            let mut chunk = [0u8; 8192];
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        };
        let head = String::from_utf8_lossy(&buf[..header_end]).to_ascii_lowercase();
        let length: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0);
        // Body.
        while buf.len() < header_end + length {
            let mut chunk = [0u8; 8192];
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
        let reply = handler(&buf[header_end..header_end + length]);
        buf.drain(..header_end + length);
        if stream.write_all(&reply).await.is_err() {
            return;
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Reads the current process's `VmRSS` and `VmHWM` from `/proc/self/status`, in KiB.
pub fn rss_kib() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}
