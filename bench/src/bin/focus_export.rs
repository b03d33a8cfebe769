//! The FOCUS export (`cloudcost-focus`): what converting and writing Parquet add to fetching
//! and decoding the same pages from the mock, and the export's peak memory as the period
//! grows from one month to three years.
//!
//! ```sh
//! cargo run --release --manifest-path bench/Cargo.toml --bin focus_export          # 11 rounds
//! cargo run --release --manifest-path bench/Cargo.toml --bin focus_export -- 5     # fewer
//! ```
//!
//! **Speed.** `cloudcost mock`'s ledger dataset in process (`MockServer` on a loopback
//! socket, `Ledger::generate(7, Size::default())`, calendar 2024, 500 rows a page) and the
//! generated client. A first, untimed walk sends the export's queries
//! (`cloudcost_focus::aws`: the discovery, then one DAILY query per record type grouped by
//! LINKED_ACCOUNT and SERVICE) over 2024, following every page, and keeps the decoded pages.
//! Then each round times, in turns (the order alternating):
//!
//! - **fetch+decode**: the same requests again, every page fetched and decoded by the
//!   client, then dropped;
//! - **convert+write**: every kept page through `aws::convert_page` and the rows through
//!   `Dataset` into Parquet (a fresh directory each round, renamed when done, as the
//!   command does).
//!
//! One warm-up round, then N rounds (default 11); medians; the ratio is
//! median(convert+write) / median(fetch+decode), the goal at most 0.25. The decode alone
//! (`FromJson` of the pages' bytes) is timed too, for context.
//!
//! **Memory.** A child process per case: this binary `serve <months>` runs the mock over a
//! ledger of that many months from 2024-01-01 (500 rows a page); this binary
//! `export <url> <months>` exports the whole calendar as the command does (every query and
//! page, converted and written as Parquet in row groups of 10,000 rows) and reads its own
//! `VmHWM`. The cases: 1, 12 and 36 months; the goal: a flat peak (the 36-month export's
//! against the 12-month one's; one month has fewer rows than a row group).
//!
//! A full run ends with its rows for `bench/history.csv` (`MACHINE` names the machine).

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Instant;

use cloudcost_aws_ce_client::{model::GetCostAndUsageResponse, Client};
use cloudcost_bench::server::rss_kib;
use cloudcost_focus::{aws, Dataset, Format, OnGap};
use cloudcost_mock::cloudcost_ledger::{Ledger, Size};
use cloudcost_mock::{Dataset as MockDataset, LedgerData, MockConfig, MockServer, TestKeys};
use cloudcost_runtime::{Config, RetryConfig};
use cloudcost_types::chrono::{Months, NaiveDate};
use cloudcost_types::{CompactString, YearMonthDay};
use futures_util::StreamExt;

const SEED: u64 = 7;
const PAGE_SIZE: u32 = 500;

fn start() -> NaiveDate {
    "2024-01-01".parse().expect("a date")
}

fn ledger(months: u32) -> Ledger {
    let end = start() + Months::new(months);
    Ledger::generate(
        SEED,
        Size {
            start: start(),
            end,
            close: end - Months::new(1),
            ..Size::default()
        },
    )
}

async fn serve(ledger: Ledger) -> MockServer {
    MockServer::start(MockConfig {
        dataset: MockDataset::Ledger(LedgerData {
            ledger: Arc::new(ledger),
            page_size: PAGE_SIZE,
        }),
        ..MockConfig::default()
    })
    .await
    .expect("the mock starts")
}

fn client(url: String) -> Client {
    Client::new(
        Config::builder()
            .endpoint_url(url)
            .region("us-east-1")
            .aws_credentials(TestKeys::default().aws_credentials())
            .retry(RetryConfig::disabled())
            .build(),
    )
    .expect("a client")
}

/// Every page of the export's queries over `[from, to)`: (record type, page), discovery
/// pages with no record type.
async fn fetch(
    c: &Client,
    from: YearMonthDay,
    to: YearMonthDay,
) -> Vec<(Option<CompactString>, GetCostAndUsageResponse)> {
    let mut out = Vec::new();
    let mut found = Vec::new();
    let mut pages = c.get_cost_and_usage_pages(&aws::discovery_request(from, to).expect("q"));
    while let Some(page) = pages.next().await {
        let page = page.expect("a page");
        aws::record_types_of(out.len(), &page, &mut found).expect("known record types");
        out.push((None, page));
    }
    for rt in found {
        let q = aws::record_type_request(from, to, &rt).expect("q");
        let mut pages = c.get_cost_and_usage_pages(&q);
        while let Some(page) = pages.next().await {
            out.push((Some(rt.clone()), page.expect("a page")));
        }
    }
    out
}

/// Converts and writes the pages to `dir` as Parquet; returns the rows written.
fn write(pages: &[(Option<CompactString>, GetCostAndUsageResponse)], dir: &std::path::Path) -> u64 {
    let mut ds = Dataset::create(dir, Format::Parquet, 10_000).expect("a directory");
    for (n, (rt, page)) in pages.iter().enumerate() {
        let Some(rt) = rt else { continue };
        let ctx = aws::AwsContext {
            record_type: Some(rt.clone()),
            billing_account_id: None,
        };
        let rows = aws::convert_page(n, page, &ctx, OnGap::Stop)
            .expect("converts")
            .rows;
        for row in rows {
            ds.write(row).expect("writes");
        }
    }
    ds.finish().expect("finishes").0
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

async fn speed(rounds: usize) -> (f64, f64, f64, usize, u64) {
    let server = serve(ledger(12)).await;
    let c = client(server.url());
    let (from, to) = (start().into(), (start() + Months::new(12)).into());
    let pages = fetch(&c, from, to).await;
    let bytes: Vec<Vec<u8>> = pages
        .iter()
        .map(|(_, p)| serde_json::to_vec(p).expect("encodes"))
        .collect();
    let tmp = std::env::temp_dir().join(format!("focus-bench-{}", std::process::id()));
    let (mut fetched, mut written, mut decoded) = (Vec::new(), Vec::new(), Vec::new());
    let mut converted = Vec::new();
    let mut rows = 0;
    for round in 0..=rounds {
        let dir = tmp.join(format!("round-{round}"));
        let mut times = [0.0; 2];
        for turn in 0..2 {
            let which = (turn + round) % 2;
            let t = Instant::now();
            if which == 0 {
                std::hint::black_box(fetch(&c, from, to).await);
            } else {
                rows = write(&pages, &dir);
            }
            times[which] = ms(t);
        }
        let t = Instant::now();
        for (n, (rt, page)) in pages.iter().enumerate() {
            if let Some(rt) = rt {
                let ctx = aws::AwsContext {
                    record_type: Some(rt.clone()),
                    billing_account_id: None,
                };
                std::hint::black_box(
                    aws::convert_page(n, page, &ctx, OnGap::Stop).expect("converts"),
                );
            }
        }
        let converting = ms(t);
        let t = Instant::now();
        for b in &bytes {
            let page: GetCostAndUsageResponse = cloudcost_types::from_slice(b).expect("decodes");
            std::hint::black_box(page);
        }
        if round > 0 {
            fetched.push(times[0]);
            written.push(times[1]);
            decoded.push(ms(t));
            converted.push(converting);
        }
    }
    let _ = std::fs::remove_dir_all(&tmp);
    server.shutdown().await;
    println!("convert alone {:.1} ms", median(converted));
    (
        median(fetched),
        median(written),
        median(decoded),
        pages.len(),
        rows,
    )
}

fn memory_case(months: u32) -> (u64, u64) {
    let me = std::env::current_exe().expect("this binary");
    let mut mock = Command::new(&me)
        .args(["serve", &months.to_string()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn the mock");
    let mut line = String::new();
    BufReader::new(mock.stdout.take().expect("piped"))
        .read_line(&mut line)
        .expect("the url");
    let out = Command::new(&me)
        .args(["export", line.trim(), &months.to_string()])
        .output()
        .expect("run the export");
    drop(mock.stdin.take());
    let _ = mock.wait();
    let text = String::from_utf8_lossy(&out.stdout);
    let mut it = text
        .split_whitespace()
        .map(|n| n.parse::<u64>().unwrap_or(0));
    (it.next().unwrap_or(0), it.next().unwrap_or(0))
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("write") => {
            // Convert and write alone, N times (for perf record).
            let n: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(50);
            let server = serve(ledger(12)).await;
            let c = client(server.url());
            let (from, to) = (start().into(), (start() + Months::new(12)).into());
            let pages = fetch(&c, from, to).await;
            let tmp = std::env::temp_dir().join(format!("focus-write-{}", std::process::id()));
            let t = Instant::now();
            for i in 0..n {
                write(&pages, &tmp.join(i.to_string()));
            }
            println!("{:.1} ms a write", ms(t) / n as f64);
            let _ = std::fs::remove_dir_all(&tmp);
        }
        Some("serve") => {
            let months = args[1].parse().expect("months");
            let server = serve(ledger(months)).await;
            println!("{}", server.url());
            std::io::stdout().flush().expect("flush");
            // Serve until the parent closes stdin.
            tokio::task::spawn_blocking(|| {
                let mut s = String::new();
                let _ = std::io::stdin().read_line(&mut s);
            })
            .await
            .expect("stdin");
            server.shutdown().await;
        }
        Some("export") => {
            let months: u32 = args[2].parse().expect("months");
            let c = client(args[1].clone());
            let (from, to) = (start().into(), (start() + Months::new(months)).into());
            let dir = std::env::temp_dir().join(format!("focus-mem-{}", std::process::id()));
            // As the command: every page converted and written as it arrives.
            let group = std::env::var("ROW_GROUP_ROWS")
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(10_000);
            let mut ds = Dataset::create(&dir, Format::Parquet, group).expect("a directory");
            let mut found = Vec::new();
            let mut pages =
                c.get_cost_and_usage_pages(&aws::discovery_request(from, to).expect("q"));
            let mut n = 0;
            while let Some(page) = pages.next().await {
                aws::record_types_of(n, &page.expect("a page"), &mut found).expect("known");
                n += 1;
            }
            for rt in found {
                let ctx = aws::AwsContext {
                    record_type: Some(rt.clone()),
                    billing_account_id: None,
                };
                let q = aws::record_type_request(from, to, &rt).expect("q");
                let mut pages = c.get_cost_and_usage_pages(&q);
                while let Some(page) = pages.next().await {
                    let rows = aws::convert_page(n, &page.expect("a page"), &ctx, OnGap::Stop)
                        .expect("converts")
                        .rows;
                    n += 1;
                    for row in rows {
                        ds.write(row).expect("writes");
                    }
                }
            }
            let (rows, _) = ds.finish().expect("finishes");
            let _ = std::fs::remove_dir_all(&dir);
            println!("{} {rows}", rss_kib().1);
        }
        _ => {
            let rounds = args.first().and_then(|a| a.parse().ok()).unwrap_or(11);
            let started = now();
            let (fetched, written, decoded, pages, rows) = speed(rounds).await;
            println!(
                "speed: {pages} pages, {rows} rows; fetch+decode {fetched:.1} ms, convert+write {written:.1} ms \
                 (ratio {:.3}), decode alone {decoded:.1} ms",
                written / fetched
            );
            let mut mem = Vec::new();
            for months in [1, 12, 36] {
                let (kib, rows) = memory_case(months);
                println!(
                    "memory: {months} months, {rows} rows: peak {:.1} MiB",
                    kib as f64 / 1024.0
                );
                mem.push(kib as f64 / 1024.0);
            }
            let commit = Command::new("git")
                .args(["rev-parse", "--short", "HEAD"])
                .output()
                .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
                .unwrap_or_default();
            let machine = std::env::var("MACHINE").unwrap_or_else(|_| "?".into());
            let row = |b: &str, m: &str, f: String, a: String, r: String, note: &str| {
                println!("{started},{commit},{machine},{b},{m},{f},{a},{r},{note}")
            };
            println!("rows for bench/history.csv:");
            row(
                "focus/aws-12mo",
                "median_ms",
                format!("{written:.1}"),
                format!("{fetched:.1}"),
                format!("{:.3}", written / fetched),
                &format!("focus_export; convert+write against fetch+decode; {rounds} rounds; {pages} pages; decode alone {decoded:.1} ms"),
            );
            row(
                "focus/aws-36mo",
                "peak_mib",
                format!("{:.1}", mem[2]),
                format!("{:.1}", mem[1]),
                format!("{:.2}", mem[2] / mem[1]),
                &format!(
                    "focus_export memory; VmHWM of the export process; anchor the 12-month export; 1 month {:.1} (below one row group)",
                    mem[0]
                ),
            );
        }
    }
}

fn now() -> String {
    Command::new("date")
        .args(["-u", "+%Y-%m-%dT%H:%MZ"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default()
}
