//! Each of the mock's limits, hit on purpose: the header-read timeout (a slowloris head), the
//! keep-alive idle timeout, the connection cap, the body size and body time limits, page
//! tokens and markers crafted to overflow, and limits outside their range. Raw TCP where
//! the wire matters, the generated clients where the API's error does. Loopback only;
//! every wait is bounded.

use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use cloudcost_aws_ce_client as ce;
use cloudcost_aws_inspector2_client as inspector2;
use cloudcost_mock::{Dataset, Limits, MockConfig, MockError, MockServer, TestKeys};
use cloudcost_runtime::{Config, RetryConfig};
use cloudcost_scp_ce_client as scp;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::{timeout, Instant};

/// A request that needs no credentials to be answered: there is no operation there.
const NOWHERE: &[u8] = b"GET /nowhere HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

/// How long any single step of these tests may take before it counts as hung.
const STEP: Duration = Duration::from_secs(5);

fn with_limits(limits: Limits) -> MockConfig {
    MockConfig {
        limits,
        ..MockConfig::default()
    }
}

/// One response read off a raw connection.
#[derive(Debug)]
struct Raw {
    status: u16,
    /// Header lines, lower-cased names: `name: value`.
    headers: Vec<String>,
    body: serde_json::Value,
}

impl Raw {
    fn header(&self, name: &str) -> Option<&str> {
        let prefix = format!("{name}: ");
        self.headers
            .iter()
            .find_map(|h| h.strip_prefix(prefix.as_str()))
    }
}

/// Reads one response (head and `Content-Length` body); `None` if the server closed the
/// connection before a whole head arrived.
async fn read_response(stream: &mut TcpStream) -> Option<Raw> {
    let mut buf = Vec::new();
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let mut chunk = [0u8; 4096];
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    };
    let head = String::from_utf8(buf[..head_end].to_vec()).expect("ASCII head");
    let mut lines = head.split("\r\n");
    let status: u16 = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .expect("status line");
    let headers: Vec<String> = lines
        .filter(|l| !l.is_empty())
        .map(|l| match l.split_once(": ") {
            Some((k, v)) => format!("{}: {v}", k.to_ascii_lowercase()),
            None => l.to_string(),
        })
        .collect();
    let length: usize = headers
        .iter()
        .find_map(|h| h.strip_prefix("content-length: "))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = buf[head_end..].to_vec();
    while body.len() < length {
        let mut chunk = [0u8; 4096];
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => break,
            Ok(n) => body.extend_from_slice(&chunk[..n]),
        }
    }
    let body = serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null);
    Some(Raw {
        status,
        headers,
        body,
    })
}

/// Waits for the server to close `stream`; the bytes it sent first, if any.
async fn until_closed(stream: &mut TcpStream) -> Vec<u8> {
    let mut got = Vec::new();
    let mut chunk = [0u8; 1024];
    loop {
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return got,
            Ok(n) => got.extend_from_slice(&chunk[..n]),
        }
    }
}

async fn connect(server: &MockServer) -> TcpStream {
    timeout(STEP, TcpStream::connect(server.addr()))
        .await
        .expect("connect in time")
        .expect("connect")
}

async fn ask_nowhere(stream: &mut TcpStream) -> Raw {
    stream.write_all(NOWHERE).await.expect("write");
    timeout(STEP, read_response(stream))
        .await
        .expect("answer in time")
        .expect("an answer")
}

#[tokio::test]
async fn a_head_sent_a_byte_at_a_time_is_cut_off_at_the_header_read_timeout() {
    let server = MockServer::start(with_limits(Limits {
        header_read_timeout: Duration::from_millis(400),
        ..Limits::default()
    }))
    .await
    .expect("start");
    let mut stream = connect(&server).await;
    let start = Instant::now();
    // Long enough that the client would still be sending after 3 s at 20 bytes a second.
    let head = format!(
        "GET /v1/usages HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: {}\r\n\r\n",
        "a".repeat(64)
    );
    let (mut reader, mut writer) = stream.split();
    let mut sent = 0;
    let mut answer = Vec::new();
    let mut tick = tokio::time::interval(Duration::from_millis(50));
    let closed = timeout(STEP, async {
        loop {
            let mut chunk = [0u8; 256];
            tokio::select! {
                read = reader.read(&mut chunk) => match read {
                    Ok(0) | Err(_) => return,
                    Ok(n) => answer.extend_from_slice(&chunk[..n]),
                },
                _ = tick.tick() => {
                    if sent < head.len() {
                        if writer.write_all(&head.as_bytes()[sent..=sent]).await.is_err() {
                            return;
                        }
                        sent += 1;
                    }
                }
            }
        }
    })
    .await;
    let elapsed = start.elapsed();
    assert!(closed.is_ok(), "the server never closed the connection");
    assert!(answer.is_empty(), "no answer, just a close: {answer:?}");
    assert!(
        sent < head.len(),
        "cut before the head was complete ({sent} bytes)"
    );
    assert!(
        elapsed >= Duration::from_millis(390) && elapsed < Duration::from_millis(1500),
        "cut after {elapsed:?}, expected about 400 ms"
    );
    assert_eq!(server.stats().requests, 0, "the handler never saw it");
    server.shutdown().await;
}

#[tokio::test]
async fn a_keep_alive_connection_idle_longer_than_the_idle_timeout_is_closed() {
    let server = MockServer::start(with_limits(Limits {
        idle_timeout: Duration::from_millis(300),
        ..Limits::default()
    }))
    .await
    .expect("start");

    // A pause shorter than the timeout keeps the connection.
    let mut stream = connect(&server).await;
    assert_eq!(ask_nowhere(&mut stream).await.status, 404);
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert_eq!(ask_nowhere(&mut stream).await.status, 404);

    // A longer one does not: closed with nothing sent, about 300 ms after the answer.
    let answered = Instant::now();
    let sent = timeout(STEP, until_closed(&mut stream))
        .await
        .expect("closed in time");
    let idle = answered.elapsed();
    assert!(sent.is_empty(), "{sent:?}");
    assert!(
        idle >= Duration::from_millis(280) && idle < Duration::from_millis(1500),
        "closed after {idle:?} idle, expected about 300 ms"
    );

    // A connection that never sends a request is idle from the start.
    let mut silent = connect(&server).await;
    let connected = Instant::now();
    let sent = timeout(STEP, until_closed(&mut silent))
        .await
        .expect("closed in time");
    let idle = connected.elapsed();
    assert!(sent.is_empty(), "{sent:?}");
    assert!(
        idle >= Duration::from_millis(280) && idle < Duration::from_millis(1500),
        "closed after {idle:?}, expected about 300 ms"
    );
    assert_eq!(server.stats().requests, 2);
    server.shutdown().await;
}

#[tokio::test]
async fn at_the_connection_cap_a_new_connection_waits_until_a_slot_frees() {
    let server = MockServer::start(with_limits(Limits {
        max_connections: 2,
        ..Limits::default()
    }))
    .await
    .expect("start");
    // Two keep-alive connections, each answered once, hold both slots.
    let mut first = connect(&server).await;
    let mut second = connect(&server).await;
    assert_eq!(ask_nowhere(&mut first).await.status, 404);
    assert_eq!(ask_nowhere(&mut second).await.status, 404);

    // The third connects (the kernel's backlog) but is not answered...
    let mut third = connect(&server).await;
    third.write_all(NOWHERE).await.expect("write");
    let early = timeout(Duration::from_millis(500), read_response(&mut third)).await;
    assert!(early.is_err(), "answered over the cap: {early:?}");

    // ...until a slot frees; then its request, already sent, is answered.
    drop(first);
    let answer = timeout(STEP, read_response(&mut third))
        .await
        .expect("answered once a slot freed")
        .expect("an answer");
    assert_eq!(answer.status, 404);
    assert_eq!(ask_nowhere(&mut second).await.status, 404);
    assert_eq!(server.stats().requests, 4);
    server.shutdown().await;
}

/// A POST head to Inspector2's ListUsageTotals with this `Content-Length`.
fn post_head(length: usize) -> Vec<u8> {
    format!(
        "POST /usage/list HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
         Content-Length: {length}\r\n\r\n"
    )
    .into_bytes()
}

#[tokio::test]
async fn a_body_over_the_limit_gets_413_and_one_at_the_limit_is_read() {
    let server = MockServer::start(with_limits(Limits {
        max_body_bytes: 1000,
        ..Limits::default()
    }))
    .await
    .expect("start");
    // Exactly at the limit: read, then refused for what it lacks (credentials).
    let mut stream = connect(&server).await;
    stream.write_all(&post_head(1000)).await.expect("head");
    stream.write_all(&[b' '; 1000]).await.expect("body");
    let answer = timeout(STEP, read_response(&mut stream))
        .await
        .expect("in time")
        .expect("answer");
    assert_eq!(answer.status, 403);
    assert_eq!(
        answer.header("x-amzn-errortype"),
        Some("AccessDeniedException")
    );

    let mut stream = connect(&server).await;
    stream.write_all(&post_head(1001)).await.expect("head");
    stream.write_all(&[b' '; 1001]).await.expect("body");
    let answer = timeout(STEP, read_response(&mut stream))
        .await
        .expect("in time")
        .expect("answer");
    assert_eq!(answer.status, 413);
    assert_eq!(answer.body["__type"], "RequestEntityTooLarge");
    assert_eq!(
        answer.body["message"],
        "the request body is larger than 1000 bytes"
    );
    assert_eq!(answer.header("connection"), Some("close"));
    assert!(until_closed(&mut stream).await.is_empty());
    assert_eq!(
        server.stats().requests,
        1,
        "only the first reached the handler"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn the_default_body_limit_is_one_mebibyte() {
    let server = MockServer::start(MockConfig::default())
        .await
        .expect("start");
    let mut stream = connect(&server).await;
    let length = (1 << 20) + 1;
    stream.write_all(&post_head(length)).await.expect("head");
    stream.write_all(&vec![b' '; length]).await.expect("body");
    let answer = timeout(STEP, read_response(&mut stream))
        .await
        .expect("in time")
        .expect("answer");
    assert_eq!(answer.status, 413);
    assert_eq!(
        answer.body["message"],
        "the request body is larger than 1048576 bytes"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_client_that_stops_sending_mid_body_gets_400_not_413() {
    let server = MockServer::start(MockConfig::default())
        .await
        .expect("start");
    let mut stream = connect(&server).await;
    stream.write_all(&post_head(100)).await.expect("head");
    stream.write_all(b"{\"maxResults\":").await.expect("part");
    // Half-close: the body ends 86 bytes short, and the client can still read.
    stream.shutdown().await.expect("shutdown");
    let answer = timeout(STEP, read_response(&mut stream))
        .await
        .expect("in time")
        .expect("answer");
    assert_eq!(answer.status, 400, "{answer:?}");
    assert_eq!(answer.body["__type"], "BadRequest");
    assert_eq!(
        answer.body["message"],
        "the request body could not be read: error reading a body from connection: \
         end of file before message length reached"
    );
    assert_eq!(answer.header("connection"), Some("close"));
    assert_eq!(server.stats().requests, 0);
    server.shutdown().await;
}

#[tokio::test]
async fn a_body_slower_than_the_body_read_timeout_gets_408() {
    let server = MockServer::start(with_limits(Limits {
        body_read_timeout: Duration::from_millis(300),
        // Shorter than the body timeout: a request in progress is not idle.
        idle_timeout: Duration::from_millis(100),
        ..Limits::default()
    }))
    .await
    .expect("start");
    let mut stream = connect(&server).await;
    stream.write_all(&post_head(100)).await.expect("head");
    stream.write_all(b"{").await.expect("part");
    let start = Instant::now();
    let answer = timeout(STEP, read_response(&mut stream))
        .await
        .expect("in time")
        .expect("answer");
    let waited = start.elapsed();
    assert_eq!(answer.status, 408);
    assert_eq!(answer.body["__type"], "RequestTimeout");
    assert_eq!(
        answer.body["message"],
        "the request body did not arrive within 300ms"
    );
    assert_eq!(answer.header("connection"), Some("close"));
    assert!(
        waited >= Duration::from_millis(290) && waited < Duration::from_millis(1500),
        "answered after {waited:?}, expected about 300 ms"
    );
    assert!(until_closed(&mut stream).await.is_empty());
    server.shutdown().await;
}

fn synthetic(pages: u32, page_size: u32) -> MockConfig {
    MockConfig {
        dataset: Dataset::Synthetic {
            pages,
            page_size,
            seed: 3,
        },
        ..MockConfig::default()
    }
}

fn client_config(server: &MockServer) -> Config {
    let keys = TestKeys::default();
    Config::builder()
        .endpoint_url(server.url())
        .region("us-east-1")
        .aws_credentials(keys.aws_credentials())
        .scp_credentials(keys.scp_credentials().expect("test keys"))
        .retry(RetryConfig::disabled())
        .build()
}

/// Status, code and message of a service's error answer.
fn refusal<E: std::fmt::Debug>(err: cloudcost_runtime::Error<E>) -> (u16, String, String) {
    match err {
        cloudcost_runtime::Error::Service { meta, .. }
        | cloudcost_runtime::Error::UnknownService { meta }
        | cloudcost_runtime::Error::Http { meta, .. } => (
            meta.status,
            meta.code.unwrap_or_default(),
            meta.message.unwrap_or_default(),
        ),
        other => panic!("not a service's answer: {other:?}"),
    }
}

#[tokio::test]
async fn scp_markers_that_overflow_or_point_past_the_data_are_invalid_tokens() {
    // 6 items, ids id-00000000 to id-00000005.
    let server = MockServer::start(synthetic(3, 2)).await.expect("start");
    let client = scp::Client::new(client_config(&server)).expect("client");
    let after = |marker: &str| {
        scp::model::ListUsagesRequest::builder()
            .marker(marker)
            .build()
            .expect("no required members")
    };
    for marker in [
        // u64::MAX: its successor overflowed (a panic in debug builds, page 1 in release).
        "id-18446744073709551615",
        // One past the last item.
        "id-00000006",
    ] {
        let err = client.list_usages_with(&after(marker)).await.unwrap_err();
        assert_eq!(
            refusal(err),
            (
                400,
                "BadRequest".to_string(),
                "marker points past the end of the data".to_string()
            ),
            "{marker}"
        );
    }
    // u64::MAX + 1 does not fit a u64; the rest are not ids as the mock writes them.
    for marker in [
        "id-18446744073709551616",
        "id-",
        "id-+5",
        "id--1",
        "id-5x",
        "name-00000001",
    ] {
        let err = client.list_usages_with(&after(marker)).await.unwrap_err();
        assert_eq!(
            refusal(err),
            (
                400,
                "BadRequest".to_string(),
                format!("marker {marker:?} is not the id of an item this server served")
            ),
            "{marker}"
        );
    }
    // The last item's marker is valid: an empty page. The one before it: the last item.
    let last = client
        .list_usages_with(&after("id-00000005"))
        .await
        .expect("ok");
    assert_eq!(last.usages.unwrap_or_default().len(), 0);
    let page = client
        .list_usages_with(&after("id-00000004"))
        .await
        .expect("ok");
    let ids: Vec<_> = page
        .usages
        .unwrap_or_default()
        .into_iter()
        .map(|u| u.id.unwrap_or_default())
        .collect();
    assert_eq!(ids, ["id-00000005"]);
    server.shutdown().await;
}

/// `token` (as the mock issued it) with its offset replaced by `offset`.
fn forge(token: &str, offset: &str) -> String {
    let text = String::from_utf8(URL_SAFE_NO_PAD.decode(token).expect("base64")).expect("UTF-8");
    let (prefix, _) = text.rsplit_once('.').expect("cc1.<fingerprint>.<offset>");
    URL_SAFE_NO_PAD.encode(format!("{prefix}.{offset}"))
}

#[tokio::test]
async fn aws_tokens_that_overflow_or_point_outside_the_data_are_invalid_tokens() {
    let server = MockServer::start(synthetic(3, 2)).await.expect("start");
    let ce_client = ce::Client::new(client_config(&server)).expect("client");
    let request: ce::model::GetCostAndUsageRequest = serde_json::from_value(serde_json::json!({
        "TimePeriod": {"Start": "2024-01-01", "End": "2024-02-01"},
        "Granularity": "DAILY",
        "Metrics": ["UnblendedCost"]
    }))
    .expect("request");
    let first = ce_client
        .get_cost_and_usage_with(&request)
        .await
        .expect("page 1");
    let token = first.next_page_token.expect("a second page");
    assert_eq!(
        String::from_utf8(URL_SAFE_NO_PAD.decode(&token).expect("base64"))
            .expect("UTF-8")
            .rsplit_once('.')
            .map(|(_, offset)| offset.to_string()),
        Some("2".to_string()),
        "the second page starts at item 2"
    );
    let with_token = |token: String| {
        let mut r = request.clone();
        r.next_page_token = Some(token.into());
        r
    };
    for offset in ["18446744073709551615", "6", "0"] {
        let err = ce_client
            .get_cost_and_usage_with(&with_token(forge(&token, offset)))
            .await
            .unwrap_err();
        assert_eq!(
            refusal(err),
            (
                400,
                "InvalidNextTokenException".to_string(),
                "NextPageToken points past the end of the data".to_string()
            ),
            "offset {offset}"
        );
    }
    for offset in ["18446744073709551616", "+2", "-1", ""] {
        let err = ce_client
            .get_cost_and_usage_with(&with_token(forge(&token, offset)))
            .await
            .unwrap_err();
        assert_eq!(
            refusal(err),
            (
                400,
                "InvalidNextTokenException".to_string(),
                "NextPageToken is not a token this server issued".to_string()
            ),
            "offset {offset:?}"
        );
    }
    // The forged token with the issued offset is the issued token: page 2.
    let second = ce_client
        .get_cost_and_usage_with(&with_token(forge(&token, "2")))
        .await
        .expect("page 2");
    assert_eq!(second.results_by_time.unwrap_or_default().len(), 2);

    // Inspector2's restJson1 token, the same way.
    let insp = inspector2::Client::new(client_config(&server)).expect("client");
    let first = insp
        .list_usage_totals_with(&Default::default())
        .await
        .expect("page 1");
    let token = first.next_token.expect("a second page");
    let err = insp
        .list_usage_totals_with(
            &inspector2::model::ListUsageTotalsRequest::builder()
                .next_token(forge(&token, "18446744073709551615"))
                .build()
                .expect("no required members"),
        )
        .await
        .unwrap_err();
    assert_eq!(
        refusal(err),
        (
            400,
            "ValidationException".to_string(),
            "nextToken points past the end of the data".to_string()
        )
    );
    server.shutdown().await;
}

#[tokio::test]
async fn limits_and_datasets_outside_their_range_are_refused_at_start() {
    let refused = |config: MockConfig| async move {
        match MockServer::start(config).await {
            Err(MockError::Config(message)) => message,
            other => panic!("started: {other:?}"),
        }
    };
    assert_eq!(
        refused(with_limits(Limits {
            header_read_timeout: Duration::ZERO,
            ..Limits::default()
        }))
        .await,
        "header_read_timeout must be above 0 and at most 86400s, not 0ns"
    );
    assert_eq!(
        refused(with_limits(Limits {
            idle_timeout: Duration::from_secs(86_401),
            ..Limits::default()
        }))
        .await,
        "idle_timeout must be above 0 and at most 86400s, not 86401s"
    );
    assert_eq!(
        refused(with_limits(Limits {
            body_read_timeout: Duration::MAX,
            ..Limits::default()
        }))
        .await,
        "body_read_timeout must be above 0 and at most 86400s, not 18446744073709551615.999999999s"
    );
    assert_eq!(
        refused(with_limits(Limits {
            max_connections: 0,
            ..Limits::default()
        }))
        .await,
        "max_connections must be from 1 to 1000000, not 0"
    );
    assert_eq!(
        refused(with_limits(Limits {
            max_body_bytes: 0,
            ..Limits::default()
        }))
        .await,
        "max_body_bytes must be from 1 to 1073741824, not 0"
    );
    assert_eq!(
        refused(synthetic(u32::MAX, u32::MAX)).await,
        "a synthetic dataset of 4294967295 pages of 4294967295 items has \
         18446744065119617025 items; at most 1099511627776 are supported"
    );
    assert_eq!(
        Limits::default(),
        Limits {
            header_read_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(5),
            body_read_timeout: Duration::from_secs(10),
            max_connections: 4096,
            max_body_bytes: 1 << 20,
        }
    );
}
