//! The faults that cut a connection, as a raw socket sees them (no HTTP client between):
//! `truncate` delivers a status line, its headers and part of the body, then closes, for a
//! body of a few hundred bytes as for one of megabytes; `reset` closes without a byte.
//! Each fault is forced with a fault rate of 1 and that kind alone.

use std::time::Duration;

use cloudcost_mock::{Dataset, FaultKind, Faults, MockConfig, MockServer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::timeout;

/// How long the mock may take to answer and close.
const STEP: Duration = Duration::from_secs(10);

/// A page request with the headers the mock's default auth check wants (their presence,
/// not a valid signature): the documented request of Inspector2's ListUsageTotals.
const PAGE_REQUEST: &[u8] = b"POST /usage/list HTTP/1.1\r\n\
    Host: 127.0.0.1\r\n\
    Content-Type: application/json\r\n\
    X-Amz-Date: 20240101T000000Z\r\n\
    Authorization: AWS4-HMAC-SHA256 Credential=AKIDCLOUDCOSTMOCK000/20240101/us-east-1/inspector2/aws4_request, SignedHeaders=host;x-amz-date, Signature=00\r\n\
    Content-Length: 2\r\n\
    \r\n\
    {}";

/// Everything the mock sent on one connection until it closed it, and whether it closed
/// with a reset rather than an orderly end.
struct Received {
    bytes: Vec<u8>,
    reset: bool,
}

/// Sends `request` on a new connection and reads until the mock closes it.
async fn exchange(server: &MockServer, request: &[u8]) -> Received {
    let mut stream = TcpStream::connect(server.addr()).await.expect("connect");
    stream.write_all(request).await.expect("send the request");
    let mut bytes = Vec::new();
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        match timeout(STEP, stream.read(&mut chunk)).await {
            Ok(Ok(0)) => {
                return Received {
                    bytes,
                    reset: false,
                }
            }
            Ok(Ok(n)) => bytes.extend_from_slice(&chunk[..n]),
            Ok(Err(e)) if e.kind() == std::io::ErrorKind::ConnectionReset => {
                return Received { bytes, reset: true }
            }
            Ok(Err(e)) => panic!("read failed after {} bytes: {e}", bytes.len()),
            Err(_) => panic!(
                "the mock neither finished nor closed within {STEP:?} ({} bytes so far: {:?})",
                bytes.len(),
                String::from_utf8_lossy(&bytes[..bytes.len().min(300)])
            ),
        }
    }
}

/// A response split at the end of its head.
struct Parsed {
    status_line: String,
    content_length: usize,
    body: Vec<u8>,
}

fn parse(bytes: &[u8]) -> Parsed {
    let end = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| {
            panic!(
                "no complete head in {} bytes: {:?}",
                bytes.len(),
                String::from_utf8_lossy(bytes)
            )
        });
    let head = std::str::from_utf8(&bytes[..end]).expect("an ASCII head");
    let mut lines = head.split("\r\n");
    let status_line = lines.next().expect("a status line").to_string();
    let lengths: Vec<usize> = lines
        .filter_map(|l| l.split_once(':'))
        .filter(|(name, _)| name.eq_ignore_ascii_case("content-length"))
        .map(|(_, v)| v.trim().parse().expect("a numeric Content-Length"))
        .collect();
    assert_eq!(lengths.len(), 1, "one Content-Length in {head:?}");
    Parsed {
        status_line,
        content_length: lengths[0],
        body: bytes[end + 4..].to_vec(),
    }
}

fn config(dataset: Dataset, fault: Option<FaultKind>) -> MockConfig {
    MockConfig {
        dataset,
        faults: match fault {
            Some(kind) => Faults {
                rate: 1.0,
                kinds: vec![kind],
                seed: 3,
            },
            None => Faults::default(),
        },
        ..MockConfig::default()
    }
}

/// The whole answer without faults, then the truncated one: the same status line and
/// length, and a body that is a proper, non-empty prefix of the whole one.
async fn truncate_delivers_part_of(dataset: Dataset) -> usize {
    let server = MockServer::start(config(dataset.clone(), None))
        .await
        .expect("start");
    let whole = exchange_whole(&server).await;
    server.shutdown().await;

    let server = MockServer::start(config(dataset, Some(FaultKind::Truncate)))
        .await
        .expect("start");
    let received = exchange(&server, PAGE_REQUEST).await;
    let stats = server.stats();
    server.shutdown().await;
    assert_eq!(
        stats.faults.get(&FaultKind::Truncate),
        Some(&1),
        "{stats:?}"
    );
    assert!(
        !received.bytes.is_empty(),
        "truncate sent nothing at all (the connection was dropped unflushed)"
    );
    let cut = parse(&received.bytes);
    assert!(
        cut.status_line.starts_with("HTTP/1.1 200"),
        "{:?}",
        cut.status_line
    );
    assert_eq!(cut.content_length, whole.content_length);
    assert!(
        !cut.body.is_empty() && cut.body.len() < cut.content_length,
        "0 < {} < {} does not hold",
        cut.body.len(),
        cut.content_length
    );
    assert_eq!(
        cut.body[..],
        whole.body[..cut.body.len()],
        "the truncated body is a prefix of the whole one"
    );
    cut.content_length
}

/// One whole answer on a connection the client closes after reading it.
async fn exchange_whole(server: &MockServer) -> Parsed {
    let mut stream = TcpStream::connect(server.addr()).await.expect("connect");
    stream.write_all(PAGE_REQUEST).await.expect("send");
    let mut bytes = Vec::new();
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        let n = timeout(STEP, stream.read(&mut chunk))
            .await
            .expect("the whole answer in time")
            .expect("read");
        assert!(n > 0, "the mock closed before the whole answer");
        bytes.extend_from_slice(&chunk[..n]);
        if let Some(end) = bytes.windows(4).position(|w| w == b"\r\n\r\n") {
            let parsed = parse(&bytes);
            if parsed.body.len() >= parsed.content_length {
                assert_eq!(parsed.body.len(), parsed.content_length, "{end}");
                assert!(parsed.status_line.starts_with("HTTP/1.1 200"));
                return parsed;
            }
        }
    }
}

#[tokio::test]
async fn truncate_sends_the_head_and_part_of_a_small_body() {
    // The documented example page: a few hundred bytes, far below hyper's write buffer,
    // which hyper used to drop unflushed.
    let length = truncate_delivers_part_of(Dataset::Examples).await;
    assert!(length < 16 * 1024, "a small body: {length} bytes");
}

#[tokio::test]
async fn truncate_sends_the_head_and_part_of_a_large_body() {
    let length = truncate_delivers_part_of(Dataset::Synthetic {
        pages: 1,
        page_size: 6_000,
        seed: 9,
    })
    .await;
    assert!(length > 400 * 1024, "a large body: {length} bytes");
}

#[tokio::test]
async fn reset_closes_the_connection_without_a_byte() {
    let server = MockServer::start(config(Dataset::Examples, Some(FaultKind::Reset)))
        .await
        .expect("start");
    let received = exchange(&server, PAGE_REQUEST).await;
    let stats = server.stats();
    server.shutdown().await;
    assert_eq!(stats.faults.get(&FaultKind::Reset), Some(&1), "{stats:?}");
    assert!(
        received.bytes.is_empty(),
        "reset sent {} bytes: {:?}",
        received.bytes.len(),
        String::from_utf8_lossy(&received.bytes)
    );
    // An orderly close (FIN) after the whole request was read: a client sees the
    // connection end with no answer ("Empty reply from server"), as after a crash.
    assert!(!received.reset, "closed with FIN, not RST");
}
