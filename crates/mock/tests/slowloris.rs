//! Slowloris: 1,000 connections that sit idle or send a request head a byte at a time must
//! not keep the mock from answering a normal client within a second, and the header-read
//! timeout must cut every one of them. Loopback only; every client stops by itself after a
//! few seconds.
//!
//! The test holds both ends of each connection, about 2,200 file descriptors with spares.
//! It first raises the process's soft open-file limit (`ulimit -n`) toward the hard one
//! (`setrlimit`), and fails, naming both limits, when even the hard limit is too low to
//! hold all 1,000: it never runs on fewer connections than it claims.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use cloudcost_aws_inspector2_client as inspector2;
use cloudcost_mock::{Limits, MockConfig, MockServer, TestKeys};
use cloudcost_runtime::{Config, RetryConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::watch;
use tokio::time::{sleep, timeout, Instant};

/// Slow connections wanted.
const SLOW: usize = 1_000;

/// How long a normal client may wait for its answer.
const PROMPT: Duration = Duration::from_secs(1);

/// File descriptors kept free for the runtime, the probes and the test harness.
const SPARE_FDS: usize = 200;

/// The open-file limit the test needs: both ends of every slow connection, and spares.
const NEEDED_FDS: usize = 2 * SLOW + SPARE_FDS;

/// The process's open-file limits, `(soft, hard)`.
fn open_file_limits() -> (libc::rlim_t, libc::rlim_t) {
    let mut limits = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `getrlimit` only writes the `rlimit` it is given, which outlives the call.
    let rc = unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limits) };
    assert_eq!(
        rc,
        0,
        "getrlimit(RLIMIT_NOFILE): {}",
        std::io::Error::last_os_error()
    );
    (limits.rlim_cur, limits.rlim_max)
}

/// Raises the soft open-file limit to [`NEEDED_FDS`] (no further than the hard limit), and
/// fails the test when the soft limit is still below it: the test opens all [`SLOW`]
/// connections or none.
fn ensure_open_file_limit() {
    let needed = libc::rlim_t::try_from(NEEDED_FDS).unwrap_or(libc::rlim_t::MAX);
    let (soft, hard) = open_file_limits();
    if soft != libc::RLIM_INFINITY && soft < needed {
        let raised = libc::rlimit {
            rlim_cur: if hard == libc::RLIM_INFINITY {
                needed
            } else {
                needed.min(hard)
            },
            rlim_max: hard,
        };
        // SAFETY: `setrlimit` only reads the `rlimit` it is given, which outlives the call.
        let rc = unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) };
        if rc != 0 {
            eprintln!(
                "slowloris: setrlimit(RLIMIT_NOFILE, {}) failed: {}",
                raised.rlim_cur,
                std::io::Error::last_os_error()
            );
        }
    }
    let (soft_now, hard) = open_file_limits();
    assert!(
        soft_now == libc::RLIM_INFINITY || soft_now >= needed,
        "slowloris: the open-file limit is {soft_now} (soft, was {soft}; hard {hard}), below \
         the {needed} this test needs for {SLOW} slow connections; raise the hard limit \
         (e.g. `ulimit -Hn 4096`) and run it again"
    );
    if soft_now != soft {
        println!("slowloris: raised the soft open-file limit from {soft} to {soft_now}");
    }
}

/// A request line and headers that never end within the test.
const HEAD: &[u8] = b"GET /v1/usages HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slowloris\r\n\
X-Padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n";

/// No slow client lives longer than this, whatever happens to the test.
const LIFETIME: Duration = Duration::from_secs(30);

/// One slow client: connects, then sends nothing (`trickle` false) or one byte of [`HEAD`]
/// every 100 ms, until `stop` turns true (or [`LIFETIME`] passes). `Ok(Some(t))`: the
/// server closed it after `t` (with nothing sent first); `Ok(None)`: still open when told
/// to stop.
async fn slow_client(
    addr: std::net::SocketAddr,
    trickle: bool,
    mut stop: watch::Receiver<bool>,
    connected: Arc<AtomicUsize>,
) -> std::io::Result<Option<Duration>> {
    let until = Instant::now() + LIFETIME;
    let mut stream = TcpStream::connect(addr).await?;
    connected.fetch_add(1, Ordering::SeqCst);
    let start = Instant::now();
    let (mut reader, mut writer) = stream.split();
    let mut tick = tokio::time::interval(Duration::from_millis(100));
    let mut sent = 0;
    loop {
        let mut buf = [0u8; 64];
        tokio::select! {
            read = reader.read(&mut buf) => match read {
                Ok(0) | Err(_) => return Ok(Some(start.elapsed())),
                Ok(n) => {
                    return Err(std::io::Error::other(format!(
                        "the server answered an unfinished head: {:?}",
                        String::from_utf8_lossy(&buf[..n])
                    )))
                }
            },
            _ = tick.tick(), if trickle && sent < HEAD.len() => {
                if writer.write_all(&HEAD[sent..=sent]).await.is_err() {
                    return Ok(Some(start.elapsed()));
                }
                sent += 1;
            }
            _ = stop.changed() => return Ok(None),
            _ = tokio::time::sleep_until(until) => return Ok(None),
        }
    }
}

/// Connections opened at once. A burst of 1,000 `connect`s from one process overflows the
/// listen queue (tokio listens with a backlog of 1,024, and the SYN queue follows it): the
/// kernel then drops SYNs (the client retries after 1 s) or completes handshakes with SYN
/// cookies whose final ACK it drops, leaving idle clients "connected" to nothing. Batches
/// measure the mock, not the kernel's queue.
const BATCH: usize = 50;

/// Starts `n` slow clients (half idle, half trickling), [`BATCH`] at a time, and waits until
/// all are connected.
async fn swarm(
    server: &MockServer,
    n: usize,
    stop: &watch::Receiver<bool>,
) -> Vec<tokio::task::JoinHandle<std::io::Result<Option<Duration>>>> {
    let start = Instant::now();
    let connected = Arc::new(AtomicUsize::new(0));
    let mut clients = Vec::with_capacity(n);
    for i in 0..n {
        clients.push(tokio::spawn(slow_client(
            server.addr(),
            i % 2 == 1,
            stop.clone(),
            connected.clone(),
        )));
        if (i + 1) % BATCH == 0 || i + 1 == n {
            timeout(Duration::from_secs(10), async {
                while connected.load(Ordering::SeqCst) <= i {
                    sleep(Duration::from_millis(1)).await;
                }
            })
            .await
            .expect("every slow client connected");
        }
    }
    println!(
        "slowloris: {n} connections open after {:?}",
        start.elapsed()
    );
    clients
}

/// A normal client's two ways in: a new connection with a raw request, and the generated
/// client's pooled connection. Each must be answered within [`PROMPT`]; the slower time.
async fn probe(server: &MockServer, client: &inspector2::Client) -> Duration {
    let start = Instant::now();
    let raw = timeout(PROMPT, async {
        let mut stream = TcpStream::connect(server.addr()).await.expect("connect");
        stream
            .write_all(b"GET /nowhere HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            .await
            .expect("write");
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).await.expect("read");
        answer
    })
    .await
    .expect("a new connection answered within 1 s");
    assert!(
        raw.starts_with(b"HTTP/1.1 404 "),
        "{:?}",
        String::from_utf8_lossy(&raw)
    );
    let raw_time = start.elapsed();
    let start = Instant::now();
    let page = timeout(PROMPT, client.list_usage_totals_with(&Default::default()))
        .await
        .expect("the client answered within 1 s")
        .expect("a page");
    // The documented example (specs/examples/aws-inspector2): one account's totals.
    assert_eq!(page.totals.unwrap_or_default().len(), 1);
    raw_time.max(start.elapsed())
}

fn client(server: &MockServer) -> inspector2::Client {
    let keys = TestKeys::default();
    let config = Config::builder()
        .endpoint_url(server.url())
        .region("us-east-1")
        .aws_credentials(keys.aws_credentials())
        .retry(RetryConfig::disabled())
        .build();
    inspector2::Client::new(config).expect("client")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_slow_connections_do_not_delay_a_normal_client_and_are_cut_off() {
    ensure_open_file_limit();
    let n = SLOW;

    // Default limits: the slow connections stay for the whole 3 s of probing (the header
    // timeout is 10 s, the idle timeout 5 s), well within the 4,096-connection cap.
    let server = MockServer::start(MockConfig::default())
        .await
        .expect("start");
    let normal = client(&server);
    let (stop, stopped) = watch::channel(false);
    let clients = swarm(&server, n, &stopped).await;
    let until = Instant::now() + Duration::from_secs(3);
    let mut slowest = Duration::ZERO;
    let mut probes: u64 = 0;
    while Instant::now() < until {
        slowest = slowest.max(probe(&server, &normal).await);
        probes += 1;
        sleep(Duration::from_millis(100)).await;
    }
    let _ = stop.send(true);
    let mut still_open = 0;
    for c in clients {
        match c.await.expect("slow client task").expect("slow client") {
            None => still_open += 1,
            Some(after) => panic!("a slow connection was cut after {after:?}, before its timeouts"),
        }
    }
    assert_eq!(still_open, n);
    assert!(probes >= 10, "{probes} probes");
    // Two requests a probe; the slow connections never got a request through.
    assert_eq!(server.stats().requests, 2 * probes);
    println!("slowloris: {n} slow connections held; {probes} probes, slowest answer {slowest:?}");
    server.shutdown().await;

    // A 1 s header-read timeout: every slow connection, idle or trickling, is cut after
    // about 1 s, unanswered, and the normal client is still served meanwhile.
    let server = MockServer::start(MockConfig {
        limits: Limits {
            header_read_timeout: Duration::from_secs(1),
            ..Limits::default()
        },
        ..MockConfig::default()
    })
    .await
    .expect("start");
    let normal = client(&server);
    let (stop, stopped) = watch::channel(false);
    let clients = swarm(&server, n, &stopped).await;
    // Told to stop 4 s from now, any connection still open then is a failure.
    let stopper = tokio::spawn(async move {
        sleep(Duration::from_secs(4)).await;
        let _ = stop.send(true);
    });
    let during = probe(&server, &normal).await;
    let mut cut = Vec::with_capacity(n);
    for c in clients {
        match c.await.expect("slow client task").expect("slow client") {
            Some(after) => cut.push(after),
            None => panic!("a slow connection outlived a 1 s header timeout by 3 s"),
        }
    }
    stopper.abort();
    cut.sort_unstable();
    let (first, last) = (cut[0], cut[cut.len() - 1]);
    assert_eq!(cut.len(), n);
    assert!(
        first >= Duration::from_millis(900) && last < Duration::from_secs(3),
        "cut between {first:?} and {last:?}, expected about 1 s"
    );
    println!(
        "slowloris: {n} slow connections cut by a 1 s header timeout between {first:?} and \
         {last:?}; a probe meanwhile took {during:?}"
    );
    server.shutdown().await;
}
