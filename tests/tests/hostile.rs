//! The clients against hostile local servers: every case ends in a typed error within its
//! limit, never a hang, a panic or unbounded memory.
//!
//! The servers are raw TCP on 127.0.0.1 (a framework would refuse to send a false
//! `Content-Length` or to drip bytes); each writes at most what its case names and stops
//! when the client hangs up. The 1 GiB cases and the peak-memory check are in one test, run
//! alone in this binary's process, so the resident-set high-water mark measures them.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use cloudcost_aws_ce_client as ce;
use cloudcost_aws_inspector2_client as inspector;
use cloudcost_runtime::aws_auth::AwsCredentials;
use cloudcost_runtime::{Config, ConfigBuilder, Error, PaginationError, RetryConfig};
use futures_util::StreamExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What a raw server sends after reading a request.
#[derive(Clone)]
enum Answer {
    /// Status line and headers, then this body.
    Whole { head: String, body: Vec<u8> },
    /// Status line and headers, then `total` bytes of `fill`, in 64 KiB writes.
    Endless { head: String, total: u64 },
    /// Status line and headers, then the body one byte per `every`.
    Drip {
        head: String,
        body: Vec<u8>,
        every: Duration,
    },
}

/// Reads one request (headers, then `Content-Length` bytes of body).
async fn read_request(stream: &mut TcpStream) -> bool {
    let mut data = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        let Ok(n) = stream.read(&mut buf).await else {
            return false;
        };
        if n == 0 {
            return false;
        }
        data.extend_from_slice(&buf[..n]);
        if let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&data[..end]).to_ascii_lowercase();
            let length: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0);
            while data.len() < end + 4 + length {
                let Ok(n) = stream.read(&mut buf).await else {
                    return false;
                };
                if n == 0 {
                    return false;
                }
                data.extend_from_slice(&buf[..n]);
            }
            return true;
        }
    }
}

async fn serve(answer: Answer) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let answer = answer.clone();
            tokio::spawn(async move {
                if !read_request(&mut stream).await {
                    return;
                }
                match answer {
                    Answer::Whole { head, body } => {
                        let _ = stream.write_all(head.as_bytes()).await;
                        let _ = stream.write_all(&body).await;
                    }
                    Answer::Endless { head, total } => {
                        let _ = stream.write_all(head.as_bytes()).await;
                        let chunk = vec![b' '; 64 << 10];
                        let mut sent = 0u64;
                        while sent < total {
                            if stream.write_all(&chunk).await.is_err() {
                                return; // the client hung up: it stopped reading
                            }
                            sent += chunk.len() as u64;
                        }
                    }
                    Answer::Drip { head, body, every } => {
                        let _ = stream.write_all(head.as_bytes()).await;
                        for byte in body {
                            tokio::time::sleep(every).await;
                            if stream.write_all(&[byte]).await.is_err() {
                                return;
                            }
                        }
                    }
                }
                let _ = stream.shutdown().await;
            });
        }
    });
    format!("http://{addr}")
}

fn head(status: &str, content_type: &str, length: Option<u64>) -> String {
    let length = length.map_or(String::new(), |n| format!("content-length: {n}\r\n"));
    format!(
        "HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\nx-amzn-RequestId: hostile-1\r\n\
         connection: close\r\n{length}\r\n"
    )
}

fn config(url: &str) -> ConfigBuilder {
    Config::builder()
        .endpoint_url(url)
        .region("us-east-1")
        .aws_credentials(AwsCredentials::new("AKIDEXAMPLE", "secret", None))
        .retry(RetryConfig::disabled())
}

fn cost_request() -> ce::model::GetCostAndUsageRequest {
    ce::model::from_str(
        r#"{"TimePeriod":{"Start":"2024-01-01","End":"2024-02-01"},"Granularity":"MONTHLY","Metrics":["UnblendedCost"]}"#,
    )
    .unwrap()
}

async fn cost_and_usage(url: &str) -> Error<ce::GetCostAndUsageError> {
    let client = ce::Client::new(config(url).build()).unwrap();
    client
        .get_cost_and_usage_with(&cost_request())
        .await
        .unwrap_err()
}

/// A JSON page answered as `body` with `Content-Length`.
async fn page_answer(body: &[u8], content_type: &str) -> String {
    serve(Answer::Whole {
        head: head("200 OK", content_type, Some(body.len() as u64)),
        body: body.to_vec(),
    })
    .await
}

fn decode_message<E: std::fmt::Debug>(err: &Error<E>) -> String {
    match err {
        Error::Decode { error, .. } => error.to_string(),
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_server_handing_out_fresh_tokens_forever_stops_at_max_pages() {
    let calls = Arc::new(AtomicU64::new(0));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let counter = calls.clone();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let counter = counter.clone();
            tokio::spawn(async move {
                while read_request(&mut stream).await {
                    let n = counter.fetch_add(1, Ordering::SeqCst);
                    let body = format!(r#"{{"totals":[],"nextToken":"fresh-{n}"}}"#);
                    let reply = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
                        body.len()
                    );
                    if stream.write_all(reply.as_bytes()).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    let client = inspector::Client::new(config(&url).max_pages(50).build()).unwrap();
    let pages: Vec<_> = client
        .list_usage_totals_pages(&inspector::model::ListUsageTotalsRequest::default())
        .collect()
        .await;
    assert_eq!(pages.len(), 51);
    assert!(pages[..50].iter().all(Result::is_ok));
    assert!(matches!(
        pages[50],
        Err(PaginationError::TooManyPages { max_pages: 50 })
    ));
    assert_eq!(calls.load(Ordering::SeqCst), 50);

    // The same server under a stream deadline.
    let client = inspector::Client::new(
        config(&url)
            .max_pages(usize::MAX)
            .page_stream_deadline(Some(Duration::from_millis(300)))
            .build(),
    )
    .unwrap();
    let started = Instant::now();
    let pages: Vec<_> = client
        .list_usage_totals_pages(&inspector::model::ListUsageTotalsRequest::default())
        .collect()
        .await;
    let last = pages.into_iter().last().and_then(Result::err);
    assert!(matches!(
        last,
        Some(PaginationError::Deadline { after }) if after == Duration::from_millis(300)
    ));
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn a_server_dripping_one_byte_a_second_hits_the_attempt_timeout() {
    let url = serve(Answer::Drip {
        head: head("200 OK", "application/x-amz-json-1.1", Some(64)),
        body: vec![b' '; 64],
        every: Duration::from_secs(1),
    })
    .await;
    let client = ce::Client::new(
        config(&url)
            .attempt_timeout(Some(Duration::from_millis(1500)))
            .build(),
    )
    .unwrap();
    let started = Instant::now();
    let err = client
        .get_cost_and_usage_with(&cost_request())
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Timeout { after, .. } if after == Duration::from_millis(1500)),
        "{err:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(4));
}

#[tokio::test]
async fn hostile_json_bodies_are_decode_errors_that_say_where() {
    // 100,000 levels of nesting. In a member the model does not know, skipped without
    // recursion (a newer service's member must not break decoding): the page decodes.
    let nest = |member: &str| {
        format!(
            r#"{{"{member}":{}{}}}"#,
            "[".repeat(100_000),
            "]".repeat(100_000)
        )
    };
    let client = ce::Client::new(
        config(
            &page_answer(
                nest("SomethingNew").as_bytes(),
                "application/x-amz-json-1.1",
            )
            .await,
        )
        .build(),
    )
    .unwrap();
    let page = client
        .get_cost_and_usage_with(&cost_request())
        .await
        .unwrap();
    assert_eq!(page.results_by_time, None);
    // In a modeled member: refused at the first level that is not the model's shape.
    let err = cost_and_usage(
        &page_answer(
            nest("ResultsByTime").as_bytes(),
            "application/x-amz-json-1.1",
        )
        .await,
    )
    .await;
    assert_eq!(
        decode_message(&err),
        "at `ResultsByTime[0][0]`: invalid type: sequence, expected a boolean (line 1, column 19, \
         byte offset 18)"
    );

    // Invalid UTF-8 inside a string.
    let mut bad = br#"{"ResultsByTime":[],"NextPageToken":""#.to_vec();
    bad.extend_from_slice(b"\xff\xfe\"}");
    let err = cost_and_usage(&page_answer(&bad, "application/x-amz-json-1.1").await).await;
    assert_eq!(
        decode_message(&err),
        "at `NextPageToken`: invalid unicode code point (line 1, column 38, byte offset 37)"
    );

    // Duplicate keys in a structure.
    let dup = br#"{"NextPageToken":"a","NextPageToken":"b"}"#;
    let err = cost_and_usage(&page_answer(dup, "application/x-amz-json-1.1").await).await;
    assert_eq!(
        decode_message(&err),
        "duplicate field `NextPageToken` (line 1, column 36, byte offset 35)"
    );

    // "NaN" and a 400-digit number as amounts.
    let nan = br#"{"ResultsByTime":[{"Total":{"UnblendedCost":{"Amount":"NaN","Unit":"USD"}}}]}"#;
    let err = cost_and_usage(&page_answer(nan, "application/x-amz-json-1.1").await).await;
    let message = decode_message(&err);
    assert!(
        message.starts_with("at `ResultsByTime[0].Total.UnblendedCost.Amount`: "),
        "{message}"
    );
    let huge = format!(
        r#"{{"ResultsByTime":[{{"Total":{{"UnblendedCost":{{"Amount":"{}","Unit":"USD"}}}}}}]}}"#,
        "9".repeat(400)
    );
    let err =
        cost_and_usage(&page_answer(huge.as_bytes(), "application/x-amz-json-1.1").await).await;
    let message = decode_message(&err);
    assert!(
        message.starts_with("at `ResultsByTime[0].Total.UnblendedCost.Amount`: "),
        "{message}"
    );

    // A body cut short of its Content-Length: a transport error, not a half page.
    let url = serve(Answer::Whole {
        head: head("200 OK", "application/x-amz-json-1.1", Some(100)),
        body: br#"{"ResultsByTime":["#.to_vec(),
    })
    .await;
    let err = cost_and_usage(&url).await;
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");

    // A truncated body without Content-Length: a decode error at the end of the input.
    let url = serve(Answer::Whole {
        head: head("200 OK", "application/x-amz-json-1.1", None),
        body: br#"{"ResultsByTime":["#.to_vec(),
    })
    .await;
    let err = cost_and_usage(&url).await;
    assert_eq!(
        decode_message(&err),
        "at `ResultsByTime`: EOF while parsing a list (line 1, column 18, byte offset 18)"
    );

    // A garbage content type does not matter: the body is what is decoded.
    let ok = br#"{"ResultsByTime":[],"NextPageToken":"t"}"#;
    let client =
        ce::Client::new(config(&page_answer(ok, "text/html; charset=bogus").await).build())
            .unwrap();
    let page = client
        .get_cost_and_usage_with(&cost_request())
        .await
        .unwrap();
    assert_eq!(page.next_page_token.as_deref(), Some("t"));
    // A content type with a control character is not HTTP: a transport error.
    let err = cost_and_usage(&page_answer(ok, "x/\x01garbage").await).await;
    assert!(
        matches!(&err, Error::Transport { .. })
            && cloudcost_runtime::report(&err).contains("invalid HTTP header parsed"),
        "{err:?}"
    );
}

/// Peak resident memory of this process, from `/proc/self/status` (Linux).
fn peak_rss_mib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kb / 1024)
}

#[tokio::test]
async fn one_gib_bodies_are_refused_at_the_limit_in_bounded_memory() {
    const GIB: u64 = 1 << 30;
    let limit = 8 << 20;
    // Declared: refused from the header, nothing read.
    let url = serve(Answer::Endless {
        head: head("200 OK", "application/x-amz-json-1.1", Some(GIB)),
        total: GIB,
    })
    .await;
    let client = ce::Client::new(config(&url).max_response_bytes(limit).build()).unwrap();
    let err = client
        .get_cost_and_usage_with(&cost_request())
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::BodyTooLarge { limit: l, content_length: Some(GIB), .. } if l == limit),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "GetCostAndUsage: the response body (HTTP 200) is larger than max_response_bytes \
         (8388608 bytes); Content-Length 1073741824"
    );

    // Undeclared (read until the connection closes): cut off at the limit.
    let url = serve(Answer::Endless {
        head: head("200 OK", "application/x-amz-json-1.1", None),
        total: GIB,
    })
    .await;
    let client = ce::Client::new(config(&url).max_response_bytes(limit).build()).unwrap();
    let err = client
        .get_cost_and_usage_with(&cost_request())
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::BodyTooLarge { limit: l, content_length: None, .. } if l == limit),
        "{err:?}"
    );

    // An endless error body meets the smaller error-body limit.
    let url = serve(Answer::Endless {
        head: head("500 Internal Server Error", "application/json", None),
        total: GIB,
    })
    .await;
    let client = ce::Client::new(config(&url).build()).unwrap();
    let err = client
        .get_cost_and_usage_with(&cost_request())
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::BodyTooLarge {
                status: 500,
                limit: 1_048_576,
                setting: "max_error_body_bytes",
                ..
            }
        ),
        "{err:?}"
    );

    // The whole test, 2 GiB offered, stayed far below it in memory.
    if let Some(peak) = peak_rss_mib() {
        assert!(peak < 256, "peak RSS {peak} MiB");
    }
}
