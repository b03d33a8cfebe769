//! `--plan`, budgets and `--period` end to end, against the mock's request counter: the
//! plan's counts equal (or bound) the requests made and `--plan` sends nothing; a budget
//! stops a run cleanly with the continuation printed, which resumes exactly; a server
//! handing out fresh tokens forever is stopped by the default budget; bad values exit 2.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use cloudcost_mock::cloudcost_ledger::Size;

mod support;

use support::{cloudcost, Mock};

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A year of daily cost by service: many pages at a small page size.
const YEAR_BY_SERVICE: [&str; 10] = [
    "ce",
    "get-cost-and-usage",
    "--time-period",
    "Start=2024-01-01,End=2025-01-01",
    "--granularity",
    "DAILY",
    "--metrics",
    "UnblendedCost",
    "--group-by",
    "Type=DIMENSION,Key=SERVICE",
];

fn with<'a>(base: &[&'a str], more: &[&'a str]) -> Vec<&'a str> {
    base.iter().chain(more).copied().collect()
}

/// The number `requests: ...` states as at least and at most.
fn plan_bounds(plan: &str) -> (u64, Option<u64>) {
    let line = plan
        .lines()
        .find_map(|l| l.strip_prefix("requests: "))
        .unwrap_or_else(|| panic!("no requests line in {plan}"));
    if let Ok(n) = line.parse() {
        return (n, Some(n));
    }
    let least = line
        .trim_start_matches("at least ")
        .split(',')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{line}"));
    let most = line.split("at most ").nth(1).and_then(|n| n.parse().ok());
    (least, most)
}

#[test]
fn the_plan_sends_nothing_and_its_counts_hold_for_the_run() {
    let mock = Mock::start(Size::default(), 100);
    // One page, no following: the plan is exact.
    let monthly = [
        "ce",
        "get-cost-and-usage",
        "--time-period",
        "Start=2024-01-01,End=2024-04-01",
        "--granularity",
        "MONTHLY",
        "--metrics",
        "UnblendedCost",
    ];
    let plan = mock.run(&with(&monthly, &["--plan"]));
    assert_eq!(plan.status.code(), Some(0), "{}", text(&plan.stderr));
    let plan = text(&plan.stdout);
    assert_eq!(mock.requests(), 0, "--plan sent a request:\n{plan}");
    assert!(
        plan.contains("price: 0.01 USD per request (the spec's x-cloudcost-service.billing)\n"),
        "{plan}"
    );
    assert!(
        plan.contains(
            "TimePeriod 2024-01-01 to 2024-04-01 (end exclusive: the last day is 2024-03-31)"
        ),
        "{plan}"
    );
    assert!(plan.contains("requests: 1\ncost: 0.01 USD\n"), "{plan}");
    assert!(plan.ends_with("nothing was sent (--plan)\n"), "{plan}");
    assert_eq!(plan_bounds(&plan), (1, Some(1)));
    let run = mock.run(&monthly);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    assert_eq!(mock.requests(), 1);

    // Following pages: at least one, at most the default budget's 100; the run is within.
    let followed = with(&YEAR_BY_SERVICE, &["--all-pages"]);
    let plan = mock.run(&with(&followed, &["--plan"]));
    let plan = text(&plan.stdout);
    assert_eq!(mock.requests(), 1, "--plan sent a request:\n{plan}");
    assert_eq!(plan_bounds(&plan), (1, Some(100)), "{plan}");
    assert!(
        plan.contains("cost: at least 0.01 USD, at most 1.00 USD\n"),
        "{plan}"
    );
    assert!(
        plan.contains(
            "budget: --max-cost 1.00 USD (100 requests), the default for billable operations\n"
        ),
        "{plan}"
    );
    let run = mock.run(&followed);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    let made = mock.requests() - 1;
    assert!(
        (1..=100).contains(&made),
        "{made} requests for a plan of 1 to 100"
    );

    // A free operation: no price, no default budget.
    let plan = mock.run(&["inspector2", "list-usage-totals", "--plan"]);
    let plan = text(&plan.stdout);
    assert!(plan.contains("price: none"), "{plan}");
    assert!(
        plan.contains("requests: 1\ncost: none\nbudget: no limit\n"),
        "{plan}"
    );
    assert_eq!(mock.server().request_counts().requests(), 1 + made);
}

#[test]
fn a_budget_stops_cleanly_and_its_continuation_resumes_exactly() {
    let mock = Mock::start(Size::default(), 50);
    let followed = with(&YEAR_BY_SERVICE, &["--all-pages"]);
    let whole = mock.run(&followed);
    assert_eq!(whole.status.code(), Some(0), "{}", text(&whole.stderr));
    let pages = mock.requests();
    assert!(pages > 3, "the test needs several pages, got {pages}");
    let whole: serde_json::Value = serde_json::from_slice(&whole.stdout).expect("JSON");

    let cut = mock.run(&with(&followed, &["--max-requests", "2"]));
    assert_eq!(
        mock.requests(),
        pages + 2,
        "the budget let more requests through"
    );
    assert_eq!(cut.status.code(), Some(4), "{}", text(&cut.stderr));
    let stderr = text(&cut.stderr);
    assert!(
        stderr.starts_with("cloudcost: stopped by the budget after 2 requests (0.02 USD): --max-requests 2 (2 requests)."),
        "{stderr}"
    );
    let token = stderr
        .split("--starting-token ")
        .nth(1)
        .and_then(|t| t.split(';').next())
        .expect("the continuation")
        .to_string();
    let first: serde_json::Value = serde_json::from_slice(&cut.stdout).expect("JSON");
    assert_eq!(first["NextToken"], serde_json::Value::String(token.clone()));

    let rest = mock.run(&with(&followed, &["--starting-token", &token]));
    assert_eq!(rest.status.code(), Some(0), "{}", text(&rest.stderr));
    assert_eq!(
        mock.requests(),
        pages + pages,
        "the continuation re-fetched a page"
    );
    let rest: serde_json::Value = serde_json::from_slice(&rest.stdout).expect("JSON");
    let mut joined = first["ResultsByTime"].as_array().expect("results").clone();
    joined.extend(
        rest["ResultsByTime"]
            .as_array()
            .expect("results")
            .iter()
            .cloned(),
    );
    assert_eq!(&joined, whole["ResultsByTime"].as_array().expect("results"));

    // Table rows already fetched are written; the continuation goes to stderr.
    let table = mock.run(&with(&followed, &["--max-cost", "0.01", "--output", "csv"]));
    assert_eq!(table.status.code(), Some(4), "{}", text(&table.stderr));
    assert!(
        text(&table.stdout).lines().count() > 10,
        "no rows were written"
    );
    assert!(
        text(&table.stderr).contains("--starting-token "),
        "{}",
        text(&table.stderr)
    );
}

/// A server that answers every GetCostAndUsage with an empty page and a fresh token.
fn fresh_token_server() -> (String, Arc<AtomicU64>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let count = Arc::new(AtomicU64::new(0));
    let counted = count.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let counted = counted.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().expect("clone"));
                let mut writer = stream;
                loop {
                    let mut length = 0usize;
                    let mut line = String::new();
                    loop {
                        line.clear();
                        if reader.read_line(&mut line).unwrap_or(0) == 0 {
                            return;
                        }
                        let lower = line.to_ascii_lowercase();
                        if let Some(v) = lower.strip_prefix("content-length:") {
                            length = v.trim().parse().unwrap_or(0);
                        }
                        if line == "\r\n" {
                            break;
                        }
                    }
                    let mut body = vec![0; length];
                    if reader.read_exact(&mut body).is_err() {
                        return;
                    }
                    let n = counted.fetch_add(1, Ordering::SeqCst);
                    let page = format!(r#"{{"ResultsByTime":[],"NextPageToken":"fresh-{n}"}}"#);
                    let answer = format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: {}\r\n\r\n{page}",
                        page.len()
                    );
                    if writer.write_all(answer.as_bytes()).is_err() {
                        return;
                    }
                }
            });
        }
    });
    (url, count)
}

#[test]
fn a_fresh_token_server_is_stopped_by_the_default_budget() {
    let (url, count) = fresh_token_server();
    let out = cloudcost(&[
        "--endpoint-url",
        &url,
        "ce",
        "get-cost-and-usage",
        "--time-period",
        "Start=2024-01-01,End=2024-02-01",
        "--granularity",
        "DAILY",
        "--metrics",
        "UnblendedCost",
        "--all-pages",
    ])
    .output()
    .expect("run");
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{stderr}");
    assert_eq!(count.load(Ordering::SeqCst), 100, "{stderr}");
    assert!(
        stderr.contains("stopped by the budget after 100 requests (1.00 USD): --max-cost 1.00 USD (100 requests), the default for billable operations."),
        "{stderr}"
    );
    assert!(
        stderr.contains("raise the budget with --max-cost AMOUNT or --max-requests N"),
        "{stderr}"
    );
    let token = stderr
        .split("--starting-token ")
        .nth(1)
        .and_then(|t| t.split(';').next())
        .expect("the continuation");
    // It continues at the page the budget did not pay for.
    let resume = cloudcost_cli::resume::Resume::decode(token).expect("a cloudcost token");
    assert_eq!(resume.token.as_deref(), Some("fresh-99"));
    let out: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(out["NextToken"].as_str(), Some(token));
}

#[test]
fn periods_from_presets_are_printed_with_an_exclusive_end() {
    let mut cmd = cloudcost(&[
        "--endpoint-url",
        "http://127.0.0.1:9",
        "ce",
        "get-cost-and-usage",
        "--period",
        "last-month",
        "--granularity",
        "MONTHLY",
        "--metrics",
        "UnblendedCost",
        "--plan",
    ]);
    let out = cmd
        .env("CLOUDCOST_TODAY", "2024-03-15")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains(
            "request 1: TimePeriod 2024-02-01 to 2024-03-01 (end exclusive: the last day is 2024-02-29); pages: 1\n"
        ),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn bad_budget_and_period_values_exit_2_naming_the_flag() {
    let base = [
        "--endpoint-url",
        "http://127.0.0.1:9",
        "ce",
        "get-cost-and-usage",
        "--time-period",
        "Start=2024-01-01,End=2024-02-01",
        "--granularity",
        "MONTHLY",
        "--metrics",
        "UnblendedCost",
    ];
    for (extra, expected) in [
        (&["--max-cost", "abc"][..], "--max-cost: expected an amount"),
        (
            &["--max-cost", "-1"][..],
            "--max-cost: expected an amount of zero or more",
        ),
        (&["--max-requests", "0"][..], "--max-requests"),
        (&["--max-requests", "many"][..], "--max-requests"),
        (
            &["--period", "last-month"][..],
            "--period: the request already sets `TimePeriod`",
        ),
    ] {
        let out = cloudcost(&with(&base, extra)).output().expect("run");
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{extra:?}: {stderr}");
        assert!(stderr.contains(expected), "{extra:?}: {stderr}");
        assert!(out.stdout.is_empty(), "{extra:?}");
    }
    let out = cloudcost(&[
        "ce",
        "get-cost-and-usage",
        "--period",
        "yesterday",
        "--granularity",
        "MONTHLY",
        "--metrics",
        "UnblendedCost",
    ])
    .output()
    .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--period: expected one of last-month"));
    // A budget below one request's price sends nothing and says why.
    let out = cloudcost(&with(&base, &["--max-cost", "0.001"]))
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(4));
    assert!(text(&out.stderr).contains("the budget allows no request"));
}

#[test]
fn a_preset_s_dates_are_said_on_stderr_with_the_exclusive_end() {
    let mock = Mock::start(Size::default(), 500);
    let url = mock.server().url();
    let out = cloudcost(&[
        "--endpoint-url",
        &url,
        "--output",
        "table",
        "ce",
        "get-cost-and-usage",
        "--period",
        "last-7-days",
        "--granularity",
        "DAILY",
        "--metrics",
        "UnblendedCost",
    ])
    .env("CLOUDCOST_TODAY", "2024-06-10")
    .output()
    .expect("run");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stderr),
        "cloudcost: --period: TimePeriod 2024-06-03 to 2024-06-10 (end exclusive: the last day is 2024-06-09)\n"
    );
    assert!(
        text(&out.stdout).contains("2024-06-09"),
        "{}",
        text(&out.stdout)
    );
    assert_eq!(mock.requests(), 1);
}

/// The spec's rules about today, against `CLOUDCOST_TODAY`: refused before anything is
/// sent (nothing listens at the endpoint: a request sent would fail with status 1), in a
/// plan too; without the variable, a custom endpoint is not held to them.
#[test]
fn a_period_beyond_the_granularity_s_reach_is_refused_before_it_is_sent() {
    let hourly = [
        "--endpoint-url",
        "http://127.0.0.1:9",
        "ce",
        "get-cost-and-usage",
        "--time-period",
        "Start=2024-05-01T00:00:00Z,End=2024-05-02T00:00:00Z",
        "--granularity",
        "HOURLY",
        "--metrics",
        "UnblendedCost",
    ];
    for extra in [&[][..], &["--plan"][..]] {
        let out = cloudcost(&with(&hourly, extra))
            .env("CLOUDCOST_TODAY", "2024-06-10")
            .output()
            .expect("run");
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{extra:?}: {stderr}");
        assert!(
            stderr.contains("TimePeriod.Start: HOURLY data reaches back 14 days only"),
            "{stderr}"
        );
    }
    let plan = cloudcost(&with(&hourly, &["--plan"]))
        .output()
        .expect("run");
    assert_eq!(plan.status.code(), Some(0), "{}", text(&plan.stderr));
    let bad_clock = cloudcost(&with(&hourly, &["--plan"]))
        .env("CLOUDCOST_TODAY", "June")
        .output()
        .expect("run");
    assert_eq!(bad_clock.status.code(), Some(1));
    assert!(text(&bad_clock.stderr).contains("CLOUDCOST_TODAY: expected a date YYYY-MM-DD"));
}
