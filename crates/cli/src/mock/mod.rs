//! The mock room: `cloudcost mock` (its command, options and server) and, in [`embedded`],
//! the server `--mock` starts for one call. It uses the exit statuses and nothing else of
//! the CLI; the client's rooms use it, never the other way.

use std::io::Write;

use std::time::Duration;

use clap::{Arg, ArgAction, ArgMatches, Command};
use cloudcost_mock::cloudcost_ledger::{Ledger, Size};
use cloudcost_mock::{Dataset, FaultKind, Faults, LedgerData, Limits, MockConfig};

use crate::exit::{EXIT_FAILURE, EXIT_OK, EXIT_USAGE};

pub mod embedded;

/// Synthetic dataset defaults when only `--dataset synthetic` is given.
const DEFAULT_PAGES: u32 = 5;
const DEFAULT_PAGE_SIZE: u32 = 10;
/// Rows per page of the ledger dataset when `--page-size` is not given: large enough that a
/// year of daily costs by service takes a handful of requests, small enough that paging is
/// exercised.
const DEFAULT_LEDGER_PAGE_SIZE: u32 = 500;

/// `cloudcost mock` and its options: the server's only, none of the client's.
pub fn command() -> Command {
    Command::new("mock")
        .about("Run the mock server of every operation until Ctrl-C.")
        .long_about(
            "Run the mock server of every operation until Ctrl-C. Prints `listening on <url>` \
             on stdout once it accepts connections; point a client's endpoint URL at it. \
             Requests need their scheme's auth headers (any keys); --strict-auth also \
             verifies the signatures with the fixed test keys.",
        )
        .arg(
            Arg::new("addr")
                .long("addr")
                .value_name("IP:PORT")
                .value_parser(clap::value_parser!(std::net::SocketAddr))
                .default_value("127.0.0.1:0")
                .help("Address to listen on; port 0 picks a free port."),
        )
        .arg(
            Arg::new("dataset")
                .long("dataset")
                .value_parser(["examples", "synthetic", "ledger"])
                .default_value("examples")
                .help("The documented examples; a deterministic synthetic dataset for paging; or a billing ledger (generated from --seed, or --ledger FILE) that every cost query is answered from, so the numbers add up."),
        )
        .arg(
            Arg::new("ledger")
                .long("ledger")
                .value_name("FILE")
                .help("Answer from this ledger file (YAML; see the cloudcost-ledger crate's docs); implies --dataset ledger."),
        )
        .arg(
            Arg::new("pages")
                .long("pages")
                .value_name("N")
                .value_parser(clap::value_parser!(u32).range(1..))
                .help("Synthetic dataset: number of pages [default: 5]."),
        )
        .arg(
            Arg::new("page-size")
                .long("page-size")
                .value_name("M")
                .value_parser(clap::value_parser!(u32).range(1..))
                .help("Synthetic and ledger datasets: items (ledger: rows) per page, unless the request sets its page size [default: 10; ledger: 500]."),
        )
        .arg(
            Arg::new("seed")
                .long("seed")
                .value_name("S")
                .value_parser(clap::value_parser!(u64))
                .default_value("0")
                .help("Seed of the synthetic dataset, of the generated ledger and of fault injection."),
        )
        .arg(
            Arg::new("fault-rate")
                .long("fault-rate")
                .value_name("R")
                .value_parser(parse_rate)
                .default_value("0")
                .help("Fraction of requests, 0 to 1, that fail with one of --faults."),
        )
        .arg(
            Arg::new("faults")
                .long("faults")
                .value_name("KINDS")
                .value_delimiter(',')
                .value_parser(clap::value_parser!(String))
                .help("Comma-separated faults to inject: throttle, 500, 503, reset, truncate, slow."),
        )
        .arg(
            Arg::new("strict-auth")
                .long("strict-auth")
                .action(ArgAction::SetTrue)
                .help("Verify SigV4 and SCP signatures against the fixed test keys."),
        )
        .arg(
            Arg::new("missing-auth-as")
                .long("missing-auth-as")
                .value_name("CODE")
                .help("Answer requests without credentials with this error code (in the services that have it) instead of the documented one; `NotFound` answers SCP's unauthenticated requests with 404, as SCP has been seen to."),
        )
        .args(limit_args())
}

fn parse_rate(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(r) if (0.0..=1.0).contains(&r) => Ok(r),
        _ => Err(format!("expected a number from 0 to 1, found `{text}`")),
    }
}

/// The longest timeout the limit flags take, as `Limits` checks it: a day.
const MAX_TIMEOUT_SECS: f64 = 86_400.0;

/// The most connections `--max-connections` takes, as `Limits` checks it.
const MAX_CONNECTIONS: u64 = 1_000_000;

/// `cloudcost mock`'s limit flags: `--header-read-timeout`, `--idle-timeout`,
/// `--body-read-timeout` (seconds, fractions allowed) and `--max-connections`. They have
/// no clap default: a flag not given keeps `Limits::default()`'s value, which the help
/// shows.
pub fn limit_args() -> Vec<Arg> {
    let defaults = Limits::default();
    let seconds = |name: &'static str, default: Duration, help: &str| {
        Arg::new(name)
            .long(name)
            .value_name("SECONDS")
            .value_parser(parse_seconds)
            .help(format!("{help} [default: {}]", default.as_secs_f64()))
    };
    vec![
        seconds(
            "header-read-timeout",
            defaults.header_read_timeout,
            "Disconnect a client whose request line and headers take longer than this, \
             counted from when the connection is ready for a request (also bounds idle time).",
        ),
        seconds(
            "idle-timeout",
            defaults.idle_timeout,
            "Close a keep-alive connection idle between requests for this long.",
        ),
        seconds(
            "body-read-timeout",
            defaults.body_read_timeout,
            "Answer 408 and close when a request body takes longer than this.",
        ),
        Arg::new("max-connections")
            .long("max-connections")
            .value_name("N")
            .value_parser(clap::value_parser!(u64).range(1..=MAX_CONNECTIONS))
            .help(format!(
                "Connections served at once; further ones wait to be accepted until one \
                 closes [default: {}]",
                defaults.max_connections
            )),
    ]
}

/// Seconds above 0 and at most a day, fractions allowed (`0.5`).
fn parse_seconds(text: &str) -> Result<Duration, String> {
    match text.trim().parse::<f64>() {
        Ok(s) if s > 0.0 && s <= MAX_TIMEOUT_SECS => {
            Duration::try_from_secs_f64(s).map_err(|e| format!("`{text}`: {e}"))
        }
        _ => Err(format!(
            "expected seconds above 0 and at most {MAX_TIMEOUT_SECS}, found `{text}`"
        )),
    }
}

/// The limits of `cloudcost mock`'s flags; a flag not given (or not defined, for a command
/// built without [`limit_args`]) keeps its default.
fn limits(m: &ArgMatches) -> Result<Limits, String> {
    // `try_get_one`, not `get_one`: the latter panics on an id the command does not define.
    let duration = |name: &str| m.try_get_one::<Duration>(name).ok().flatten().copied();
    let defaults = Limits::default();
    let max_connections = match m.try_get_one::<u64>("max-connections").ok().flatten() {
        Some(&n) => usize::try_from(n)
            .map_err(|_| format!("--max-connections {n} does not fit this platform"))?,
        None => defaults.max_connections,
    };
    Ok(Limits {
        header_read_timeout: duration("header-read-timeout")
            .unwrap_or(defaults.header_read_timeout),
        idle_timeout: duration("idle-timeout").unwrap_or(defaults.idle_timeout),
        body_read_timeout: duration("body-read-timeout").unwrap_or(defaults.body_read_timeout),
        max_connections,
        ..defaults
    })
}

/// The mock configuration of `cloudcost mock`'s options.
fn config(m: &ArgMatches) -> Result<MockConfig, String> {
    let seed = m.get_one::<u64>("seed").copied().unwrap_or(0);
    let pages = m.get_one::<u32>("pages").copied();
    let page_size = m.get_one::<u32>("page-size").copied();
    let ledger_file = m.get_one::<String>("ledger");
    let dataset = match m.get_one::<String>("dataset").map(String::as_str) {
        _ if ledger_file.is_some()
            || m.get_one::<String>("dataset").map(String::as_str) == Some("ledger") =>
        {
            if pages.is_some() {
                return Err(
                    "--pages is for --dataset synthetic; a ledger's data decides its pages".into(),
                );
            }
            let ledger = match ledger_file {
                Some(path) => {
                    let text = std::fs::read_to_string(path)
                        .map_err(|e| format!("--ledger {path}: {e}"))?;
                    Ledger::from_yaml(&text).map_err(|e| format!("--ledger {path}: {e}"))?
                }
                None => Ledger::generate(seed, Size::default()),
            };
            Dataset::Ledger(LedgerData {
                ledger: std::sync::Arc::new(ledger),
                page_size: page_size.unwrap_or(DEFAULT_LEDGER_PAGE_SIZE),
            })
        }
        Some("synthetic") => Dataset::Synthetic {
            pages: pages.unwrap_or(DEFAULT_PAGES),
            page_size: page_size.unwrap_or(DEFAULT_PAGE_SIZE),
            seed,
        },
        _ => {
            if pages.is_some() || page_size.is_some() {
                return Err("--pages and --page-size need --dataset synthetic".into());
            }
            Dataset::Examples
        }
    };
    let kinds = match m.get_many::<String>("faults") {
        Some(names) => names
            .map(|n| n.parse::<FaultKind>().map_err(|e| format!("--faults: {e}")))
            .collect::<Result<Vec<_>, _>>()?,
        None => Vec::new(),
    };
    let rate = m.get_one::<f64>("fault-rate").copied().unwrap_or(0.0);
    if rate > 0.0 && kinds.is_empty() {
        return Err("--fault-rate needs --faults (e.g. --faults throttle,500)".into());
    }
    if !kinds.is_empty() && rate == 0.0 {
        return Err("--faults needs a --fault-rate above 0".into());
    }
    Ok(MockConfig {
        addr: m
            .get_one::<std::net::SocketAddr>("addr")
            .copied()
            .unwrap_or(MockConfig::default().addr),
        dataset,
        faults: Faults { rate, kinds, seed },
        strict_auth: m.get_flag("strict-auth"),
        limits: limits(m)?,
        missing_auth_as: m.get_one::<String>("missing-auth-as").cloned(),
        ..MockConfig::default()
    })
}

/// `cloudcost mock`: serve until Ctrl-C. The URL is the only line on stdout, so scripts
/// can read it; on Ctrl-C, once requests in flight are done, one line on stderr says what
/// was answered (`cloudcost mock: answered N requests (B billable, <cost>): …`, the
/// mock's `RequestCounts`).
pub async fn serve(m: &ArgMatches) -> i32 {
    let config = match config(m) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("cloudcost mock: {e}");
            return EXIT_USAGE;
        }
    };
    let result = cloudcost_mock::serve_until_ctrl_c_counting(config, |server| {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "listening on {}", server.url());
        let _ = out.flush();
    })
    .await;
    match result {
        Ok(counts) => {
            eprintln!("cloudcost mock: {counts}");
            EXIT_OK
        }
        // Every configuration comes from this command line: a refused one is a usage error.
        Err(e @ cloudcost_mock::MockError::Config(_)) => {
            eprintln!("cloudcost mock: {e}");
            EXIT_USAGE
        }
        Err(e) => {
            eprintln!("cloudcost mock: {e}");
            EXIT_FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(args: &[&str]) -> Result<ArgMatches, clap::Error> {
        clap::Command::new("mock")
            .args(limit_args())
            .try_get_matches_from(std::iter::once("mock").chain(args.iter().copied()))
    }

    #[test]
    fn limit_flags_set_the_limits_and_default_to_limits_default() {
        let m = matches(&[]).expect("no flags");
        assert_eq!(limits(&m), Ok(Limits::default()));
        let m = matches(&[
            "--header-read-timeout",
            "2.5",
            "--idle-timeout",
            "1",
            "--body-read-timeout",
            "0.25",
            "--max-connections",
            "64",
        ])
        .expect("flags");
        assert_eq!(
            limits(&m),
            Ok(Limits {
                header_read_timeout: Duration::from_millis(2500),
                idle_timeout: Duration::from_secs(1),
                body_read_timeout: Duration::from_millis(250),
                max_connections: 64,
                ..Limits::default()
            })
        );
    }

    #[test]
    fn limit_flags_out_of_range_are_usage_errors() {
        for arg in [
            "--idle-timeout=0",
            "--idle-timeout=-1",
            "--idle-timeout=86401",
            "--idle-timeout=NaN",
            "--header-read-timeout=soon",
            "--body-read-timeout=inf",
            "--max-connections=0",
            "--max-connections=1000001",
        ] {
            let err = matches(&[arg]).expect_err(arg);
            assert_eq!(err.kind(), clap::error::ErrorKind::ValueValidation, "{arg}");
        }
        assert_eq!(
            parse_seconds("0"),
            Err("expected seconds above 0 and at most 86400, found `0`".to_string())
        );
    }

    #[test]
    fn a_command_without_the_limit_flags_gets_the_default_limits() {
        let m = clap::Command::new("mock")
            .try_get_matches_from(["mock"])
            .expect("matches");
        assert_eq!(limits(&m), Ok(Limits::default()));
    }
}
