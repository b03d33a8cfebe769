//! The mock's ledger dataset: how fast it builds GetCostAndUsage pages against how fast our
//! client decodes them, and its peak memory as the ledger's calendar grows.
//!
//! ```sh
//! cargo run --release --manifest-path bench/Cargo.toml --bin ledger_mock          # 11 rounds
//! cargo run --release --manifest-path bench/Cargo.toml --bin ledger_mock -- 5     # fewer
//! bench/target/release/ledger_mock speed 20     # speed alone (for perf record)
//! bench/target/release/ledger_mock memory       # memory alone
//! ```
//!
//! **Speed.** The default organisation, `Ledger::generate(7, Size::default())` (calendar
//! 2024-01-01..2025-01-01), behind a `cloudcost_mock::DirectHandler` (the server's handler
//! without a socket) with the CLI's default page size of 500 rows. The query: 2024-01-01 to
//! 2025-01-01, DAILY, `UnblendedCost`, grouped by DIMENSION `SERVICE` and DIMENSION
//! `LINKED_ACCOUNT`. A first, untimed walk follows `NextPageToken` from the first page to
//! the last and keeps each page's request body and response bytes. Then each round times,
//! one after the other (the order alternating from round to round):
//!
//! - **mock**: every page's request through `DirectHandler::handle` (route, auth presence,
//!   request check, the ledger query, the JSON page, encoding through the model type), the
//!   bodies checked against the first walk's after the clock stops; a fresh handler each
//!   round, so each round asks the ledger once (the mock keeps the last answer for the
//!   pages after the first);
//! - **decode**: `FromJson::from_json` into `GetCostAndUsageResponse` of every page's bytes,
//!   decode and drop, as the client does.
//!
//! One warm-up round, then N rounds (default 11); the figures are the **medians** over the
//! rounds and the ratio is median(mock) / median(decode) (the goal: at most 1, so the mock
//! never limits an end-to-end benchmark); the median of the per-round ratios is printed too.
//! In the same rounds, two parts of the mock's work are timed alone, to say where its time
//! goes: `Ledger::cost_and_usage` of the whole query (the mock asks it once per walk), and
//! the page bodies, parsed back to a `serde_json::Value`, encoded through the model type as
//! the mock does (`serde_json::from_value` then `to_vec`); the rest (request handling and
//! the JSON tree of the page) is the difference.
//!
//! **Memory.** One fresh child process per case (this binary, `memory <months> <query>`):
//! it builds `Ledger::generate(7, Size { start: 2024-01-01, end: start + months, close: the
//! first day of the last month, ..Size::default() })`, answers every page of the query
//! through a `DirectHandler` (page size 500), and reads `VmHWM` (peak resident set) from
//! `/proc/self/status` at start, after the ledger is built and after the last page. The
//! cases: calendars of 1, 12 and 36 months answering one month (2024-01, DAILY, the same
//! two groups: the goal is a flat peak), and, for context, the 12-month calendar answering
//! the 12-month query above and the 36-month calendar answering all its 36 months.
//!
//! A full run ends with its rows for `bench/history.csv`: the start (UTC), the commit
//! (`git rev-parse --short HEAD`) and the machine's label from `MACHINE` (else `?`).

use std::time::Instant;

use bytes::Bytes;
use cloudcost_aws_ce_model::GetCostAndUsageResponse;
use cloudcost_bench::server::rss_kib;
use cloudcost_mock::cloudcost_ledger::{CostQuery, Granularity, GroupKey, Ledger, Size};
use cloudcost_mock::{Dataset, DirectHandler, LedgerData, MockConfig};
use cloudcost_types::chrono::{Months, NaiveDate};
use cloudcost_types::FromJson;
use futures_util::FutureExt;
use serde_json::{json, Value};
use std::hint::black_box;
use std::sync::Arc;

const SEED: u64 = 7;
/// The CLI's default page size for the ledger dataset (`cloudcost mock --dataset ledger`).
const PAGE_SIZE: u32 = 500;
const TARGET: &str = "AWSInsightsIndexService.GetCostAndUsage";

fn day(s: &str) -> NaiveDate {
    s.parse().expect("a date")
}

/// The ledger of `months` months from 2024-01-01, closed up to its last month.
fn ledger(months: u32) -> Ledger {
    let start = day("2024-01-01");
    let end = start + Months::new(months);
    Ledger::generate(
        SEED,
        Size {
            start,
            end,
            close: end - Months::new(1),
            ..Size::default()
        },
    )
}

fn handler(ledger: Arc<Ledger>) -> DirectHandler {
    DirectHandler::new(MockConfig {
        dataset: Dataset::Ledger(LedgerData {
            ledger,
            page_size: PAGE_SIZE,
        }),
        ..MockConfig::default()
    })
    .expect("a valid mock configuration")
}

/// The request body of the query over `[start, end)`, with a page token if given.
fn request_body(start: &str, end: &str, token: Option<&str>) -> Bytes {
    let mut body = json!({
        "TimePeriod": {"Start": start, "End": end},
        "Granularity": "DAILY",
        "Metrics": ["UnblendedCost"],
        "GroupBy": [
            {"Type": "DIMENSION", "Key": "SERVICE"},
            {"Type": "DIMENSION", "Key": "LINKED_ACCOUNT"},
        ],
    });
    if let Some(t) = token {
        body["NextPageToken"] = Value::String(t.to_string());
    }
    Bytes::from(serde_json::to_vec(&body).expect("JSON"))
}

/// One request through the handler: the page's bytes (status 200 checked).
fn call(handler: &DirectHandler, body: &Bytes) -> Vec<u8> {
    let request = http::Request::builder()
        .method("POST")
        .uri("/")
        .header("host", "localhost")
        .header("content-type", "application/x-amz-json-1.1")
        .header("x-amz-target", TARGET)
        .header("x-amz-date", "20240101T000000Z")
        .header(
            "authorization",
            "AWS4-HMAC-SHA256 Credential=AKIDCLOUDCOSTMOCK000/20240101/us-east-1/ce/aws4_request, \
             SignedHeaders=host;x-amz-date;x-amz-target, Signature=0",
        )
        .body(body.clone())
        .expect("a request");
    let (status, _, page) = handler
        .handle(request)
        .now_or_never()
        .expect("no fault is configured, so the handler never waits")
        .expect("no fault is configured, so the handler answers");
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&page));
    page
}

/// The page's `NextPageToken`, found in its bytes (the mock's tokens are base64url, never
/// escaped), so a memory child holds no decoded page.
fn next_page_token(page: &[u8]) -> Option<String> {
    const KEY: &[u8] = b"\"NextPageToken\":\"";
    let at = page.windows(KEY.len()).position(|w| w == KEY)? + KEY.len();
    let len = page[at..].iter().position(|&b| b == b'"')?;
    Some(String::from_utf8_lossy(&page[at..at + len]).into_owned())
}

/// Follows the tokens from the first page: each page's request body, and its response if
/// `keep` (else each page is dropped once its token is read).
fn walk(handler: &DirectHandler, start: &str, end: &str, keep: bool) -> (Vec<Bytes>, Vec<Vec<u8>>) {
    let mut requests = vec![request_body(start, end, None)];
    let mut pages = Vec::new();
    loop {
        let page = call(handler, requests.last().expect("a request"));
        let next = next_page_token(&page);
        if keep {
            pages.push(page);
        }
        match next {
            Some(t) => requests.push(request_body(start, end, Some(&t))),
            None => return (requests, pages),
        }
    }
}

/// The (period, group) rows of a decoded page.
fn rows(page: &GetCostAndUsageResponse) -> usize {
    page.results_by_time
        .iter()
        .flatten()
        .map(|p| p.groups.as_ref().map_or(0, Vec::len))
        .sum()
}

fn median(v: &[f64]) -> f64 {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let n = s.len();
    if n % 2 == 1 {
        s[n / 2]
    } else {
        (s[n / 2 - 1] + s[n / 2]) / 2.0
    }
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1e3
}

/// The figures of [`speed`], for the history rows.
struct Speed {
    rounds: usize,
    mock: f64,
    decode: f64,
    ratio_median: f64,
    query: f64,
    encode: f64,
    pages: usize,
}

struct Round {
    mock: f64,
    decode: f64,
    query: f64,
    encode: f64,
}

fn speed(rounds: usize) -> Speed {
    let t = Instant::now();
    let ledger = Arc::new(Ledger::generate(SEED, Size::default()));
    let build_ms = ms(t);
    let handler = handler(ledger.clone());
    let (start, end) = ("2024-01-01", "2025-01-01");
    let (requests, reference) = walk(&handler, start, end, true);
    let bytes: usize = reference.iter().map(Vec::len).sum();
    let total_rows: usize = reference
        .iter()
        .map(|p| {
            let page = GetCostAndUsageResponse::from_json(p).expect("decodes");
            let token = page.next_page_token.as_ref().map(|t| t.to_string());
            assert_eq!(token, next_page_token(p), "the token found in the bytes");
            rows(&page)
        })
        .sum();
    let query = CostQuery {
        start: day(start),
        end: day(end),
        granularity: Granularity::Daily,
        metrics: vec!["UnblendedCost".into()],
        group_by: vec![
            GroupKey::Dimension("SERVICE".into()),
            GroupKey::Dimension("LINKED_ACCOUNT".into()),
        ],
        filter: None,
    };
    let answer = ledger.cost_and_usage(&query).expect("the query");
    let answer_rows: usize = answer.periods.iter().map(|p| p.groups.len()).sum();
    assert_eq!(
        answer_rows, total_rows,
        "every row of the answer is served once"
    );
    // The line items the query sums (every stream's value on every day it has one).
    let item_days: usize = answer
        .periods
        .iter()
        .map(|p| ledger.items_on(p.start.date()).len())
        .sum();
    // The page bodies as trees, for timing the encoding alone.
    let trees: Vec<Value> = reference
        .iter()
        .map(|p| serde_json::from_slice(p).expect("JSON"))
        .collect();

    let mock = || {
        // A fresh handler per round (built before the clock starts): the mock keeps the
        // last answer for the pages after the first, and a round must pay for one query.
        let handler = self::handler(ledger.clone());
        let t = Instant::now();
        let pages: Vec<Vec<u8>> = requests.iter().map(|r| call(&handler, r)).collect();
        let elapsed = ms(t);
        assert!(
            pages == reference,
            "the mock answers the same bytes every time"
        );
        elapsed
    };
    let decode = || {
        let t = Instant::now();
        let mut n = 0;
        for page in &reference {
            let decoded = GetCostAndUsageResponse::from_json(black_box(page)).expect("decodes");
            n += rows(&decoded);
            drop(black_box(decoded));
        }
        let elapsed = ms(t);
        assert_eq!(n, total_rows);
        elapsed
    };
    let query_alone = || {
        let t = Instant::now();
        drop(black_box(
            ledger.cost_and_usage(black_box(&query)).expect("the query"),
        ));
        ms(t)
    };
    let encode_alone = || {
        let t = Instant::now();
        for tree in &trees {
            let typed: GetCostAndUsageResponse =
                serde_json::from_value(black_box(tree.clone())).expect("the model reads it");
            drop(black_box(serde_json::to_vec(&typed).expect("encodes")));
        }
        ms(t)
    };

    // Warm-up.
    mock();
    decode();
    let mut results = Vec::new();
    for r in 0..rounds {
        let (m, d) = if r % 2 == 0 {
            let m = mock();
            (m, decode())
        } else {
            let d = decode();
            (mock(), d)
        };
        let round = Round {
            mock: m,
            decode: d,
            query: query_alone(),
            encode: encode_alone(),
        };
        eprintln!(
            "round {}: mock {:.1} ms, decode {:.2} ms, ratio {:.2}; query {:.2} ms, encode {:.1} ms",
            r + 1,
            round.mock,
            round.decode,
            round.mock / round.decode,
            round.query,
            round.encode
        );
        results.push(round);
    }
    let col = |f: fn(&Round) -> f64| median(&results.iter().map(f).collect::<Vec<_>>());
    let (m, d) = (col(|r| r.mock), col(|r| r.decode));
    let (q, e) = (col(|r| r.query), col(|r| r.encode));
    let ratio_per_round = col(|r| r.mock / r.decode);
    let pages = reference.len();
    println!(
        "GetCostAndUsage {start}..{end} DAILY UnblendedCost by SERVICE x LINKED_ACCOUNT over \
         Ledger::generate({SEED}, Size::default()) (built in {build_ms:.1} ms): {item_days} line \
         items summed into {total_rows} rows, {pages} pages of up to {PAGE_SIZE}, {bytes} bytes; \
         median of {rounds} rounds after a warm-up"
    );
    println!();
    println!("| what | median ms (all pages) | per page ms |");
    println!("|---|---:|---:|");
    println!(
        "| mock: build every page (DirectHandler) | {m:.1} | {:.2} |",
        m / pages as f64
    );
    println!(
        "| client: decode every page (FromJson) | {d:.2} | {:.3} |",
        d / pages as f64
    );
    println!(
        "| of the mock: the ledger query, once per walk (the pages after the first reuse it) | {q:.1} | {:.2} |",
        q / pages as f64
    );
    println!(
        "| of the mock: encoding through the model type | {e:.1} | {:.2} |",
        e / pages as f64
    );
    println!(
        "| of the mock: the rest (request, the page's JSON tree) | {:.1} | {:.2} |",
        m - q - e,
        (m - q - e) / pages as f64
    );
    println!();
    println!(
        "ratio mock / decode: {:.2} (of the medians); {ratio_per_round:.2} (median of the rounds' ratios); goal <= 1",
        m / d
    );
    println!(
        "the ledger query alone: {:.0} ns per line item; {:.0} ns per row",
        q * 1e6 / item_days as f64,
        q * 1e6 / total_rows as f64
    );
    Speed {
        rounds,
        mock: m,
        decode: d,
        ratio_median: ratio_per_round,
        query: q,
        encode: e,
        pages,
    }
}

/// A child: the peak RSS (KiB) at start, after building the ledger, after the last page.
fn memory_child(months: u32, query_months: u32) {
    let (_, at_start) = rss_kib();
    let ledger = Arc::new(ledger(months));
    let (_, built) = rss_kib();
    let handler = handler(ledger);
    let start = day("2024-01-01");
    let end = start + Months::new(query_months);
    let (requests, _) = walk(&handler, &start.to_string(), &end.to_string(), false);
    let (_, answered) = rss_kib();
    println!("{at_start} {built} {answered} {}", requests.len());
}

/// One memory case: calendar months, query months, pages, and the peak RSS (KiB) at
/// start, once the ledger is built, once every page is answered.
type Case = (u32, u32, u64, u64, u64, u64);

fn memory() -> Vec<Case> {
    let mut cases = Vec::new();
    println!("peak RSS (VmHWM) of a fresh process per case; MiB");
    println!();
    println!("| ledger calendar | query | pages | at start | ledger built | every page answered |");
    println!("|---|---|---:|---:|---:|---:|");
    let mib = |kib: u64| kib as f64 / 1024.0;
    for (months, query) in [(1, 1), (12, 1), (36, 1), (12, 12), (36, 36)] {
        let out = std::process::Command::new(std::env::current_exe().expect("own path"))
            .args(["memory", &months.to_string(), &query.to_string()])
            .output()
            .expect("child run");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).expect("UTF-8");
        let v: Vec<u64> = text
            .split_whitespace()
            .map(|x| x.parse().expect("a number"))
            .collect();
        let [at_start, built, answered, pages] = v[..] else {
            panic!("child printed {text:?}");
        };
        println!(
            "| {months} month(s) | {query} month(s) DAILY by SERVICE x LINKED_ACCOUNT | {pages} | {:.1} | {:.1} | {:.1} |",
            mib(at_start),
            mib(built),
            mib(answered)
        );
        cases.push((months, query, pages, at_start, built, answered));
    }
    cases
}

/// The rows to append to `bench/history.csv`: the run's start (UTC), the commit measured
/// (`git rev-parse --short HEAD`) and the machine's label (`MACHINE`, else `?`).
fn history_rows(started: std::time::SystemTime, speed: Option<&Speed>, cases: &[Case]) {
    let secs = started
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let date = cloudcost_types::chrono::DateTime::from_timestamp(secs as i64, 0)
        .map(|t| t.format("%Y-%m-%dT%H:%MZ").to_string())
        .unwrap_or_default();
    let commit = std::process::Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    let machine = std::env::var("MACHINE").unwrap_or_else(|_| "?".into());
    let row =
        |bench: &str, metric: &str, figure: String, anchor: String, ratio: String, note: &str| {
            println!("{date},{commit},{machine},{bench},{metric},{figure},{anchor},{ratio},{note}");
        };
    println!();
    println!("rows for bench/history.csv:");
    if let Some(s) = speed {
        let b = "ledger-mock/GetCostAndUsage-12mo";
        let n = s.rounds;
        row(b, "median_ms", format!("{:.1}", s.mock), format!("{:.2}", s.decode), format!("{:.1}", s.mock / s.decode),
            &format!("ledger_mock; median of {n} rounds; mock: {} pages through DirectHandler; anchor: FromJson of the same pages", s.pages));
        row(
            b,
            "ratio_median",
            String::new(),
            String::new(),
            format!("{:.1}", s.ratio_median),
            &format!("median of the {n} rounds' mock/decode ratios"),
        );
        row(b, "query_once_ms", format!("{:.2}", s.query), format!("{:.2}", s.decode), format!("{:.1}", s.query / s.decode),
            &format!("Ledger::cost_and_usage of the whole query once (the mock runs it once per walk of {} pages)", s.pages));
        row(
            b,
            "encode_ms",
            format!("{:.1}", s.encode),
            format!("{:.2}", s.decode),
            format!("{:.1}", s.encode / s.decode),
            "every page's Value through the model type (from_value + to_vec) as the mock encodes",
        );
    }
    let mib = |kib: u64| format!("{:.1}", kib as f64 / 1024.0);
    let one_month = cases.iter().find(|c| c.0 == 1 && c.1 == 1).map(|c| c.5);
    for &(months, query, pages, _, _, answered) in cases {
        let note = format!("ledger_mock memory; VmHWM of a fresh process; {pages} pages");
        if query == 1 {
            let (anchor, ratio) = match one_month {
                Some(base) if months != 1 => {
                    (mib(base), format!("{:.2}", answered as f64 / base as f64))
                }
                _ => (String::new(), String::new()),
            };
            row(
                "ledger-mock/GetCostAndUsage-1mo",
                &format!("peak_mib_ledger{months}mo"),
                mib(answered),
                anchor,
                ratio,
                &note,
            );
        } else {
            row(
                &format!("ledger-mock/GetCostAndUsage-{query}mo"),
                &format!("peak_mib_ledger{months}mo"),
                mib(answered),
                String::new(),
                String::new(),
                &note,
            );
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let started = std::time::SystemTime::now();
    match args.as_slice() {
        [mode, months, query] if mode == "memory" => {
            memory_child(
                months.parse().expect("months"),
                query.parse().expect("query months"),
            );
        }
        [mode] if mode == "memory" => {
            let cases = memory();
            history_rows(started, None, &cases);
        }
        [mode, rounds] if mode == "speed" => {
            speed(rounds.parse().expect("rounds"));
        }
        [] | [_] => {
            let rounds = args.first().map_or(11, |r| r.parse().expect("rounds"));
            let s = speed(rounds);
            println!();
            let cases = memory();
            history_rows(started, Some(&s), &cases);
        }
        _ => panic!(
            "usage: ledger_mock [rounds] | ledger_mock speed <rounds> | ledger_mock memory [<months> <query months>]"
        ),
    }
}
