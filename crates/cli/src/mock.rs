//! `cloudcost mock` and `--mock`: the `cloudcost-mock` library behind the command line.

use std::io::Write;

use clap::ArgMatches;
use cloudcost_mock::{Dataset, FaultKind, Faults, MockConfig, MockServer};

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
        Err(e) => {
            eprintln!("cloudcost mock: {e}");
            EXIT_FAILURE
        }
    }
}
