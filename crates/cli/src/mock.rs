//! `cloudcost mock` and `--mock`: the `cloudcost-mock` library behind the command line.

use std::io::Write;

use std::time::Duration;

use clap::{Arg, ArgMatches};
use cloudcost_mock::{Dataset, FaultKind, Faults, Limits, MockConfig, MockServer};

use crate::app::{EXIT_FAILURE, EXIT_OK, EXIT_USAGE};

/// The request header that selects the mock's modeled error.
pub use cloudcost_mock::ERROR_HEADER;

/// Synthetic dataset defaults when only `--dataset synthetic` is given.
const DEFAULT_PAGES: u32 = 5;
const DEFAULT_PAGE_SIZE: u32 = 10;

/// Starts the embedded mock (`--mock`) on a free loopback port.
pub async fn start_embedded() -> Result<MockServer, String> {
    MockServer::start(MockConfig::default())
        .await
        .map_err(|e| format!("--mock: {e}"))
}

/// Stops the embedded mock, if one runs, after letting requests in flight finish.
pub async fn stop(server: Option<MockServer>) {
    if let Some(server) = server {
        server.shutdown().await;
    }
}

/// The longest timeout the limit flags take, as `Limits` checks it: a day.
const MAX_TIMEOUT_SECS: f64 = 86_400.0;

/// The most connections `--max-connections` takes, as `Limits` checks it.
const MAX_CONNECTIONS: u64 = 1_000_000;

/// `cloudcost mock`'s limit flags: `--header-read-timeout`, `--idle-timeout`,
/// `--body-read-timeout` (seconds, fractions allowed) and `--max-connections`. They have
/// no clap default: a flag not given keeps `Limits::default()`'s value, which the help
/// shows. `mock_command()` in app.rs is to add them with `.args(crate::mock::limit_args())`;
/// until it does, `cloudcost mock` rejects them and serves with the default limits.
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
    let dataset = match m.get_one::<String>("dataset").map(String::as_str) {
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
/// can read it.
pub async fn serve(m: &ArgMatches) -> i32 {
    let config = match config(m) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("cloudcost mock: {e}");
            return EXIT_USAGE;
        }
    };
    let result = cloudcost_mock::serve_until_ctrl_c_with(config, |server| {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "listening on {}", server.url());
        let _ = out.flush();
    })
    .await;
    match result {
        Ok(()) => EXIT_OK,
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
