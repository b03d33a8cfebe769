//! End to end over loopback: our generated clients against the official AWS SDK for Rust,
//! the same local server, the same bodies, in the same run, interleaved.
//!
//! ```sh
//! cd bench && cargo run --release --features aws-sdk --bin e2e            # 40 rounds
//! cd bench && cargo run --release --features aws-sdk --bin e2e -- 10      # quicker
//! ```
//!
//! Every case has its own server (one thread, its own runtime) that answers every request
//! with one prepared response. The contenders of a case take turns: in each round each one
//! makes `calls` calls, and the order of the contenders rotates from round to round, so a
//! burst of load from elsewhere on the machine lands on all of them alike. Each call is
//! timed from the client call to the typed response in hand (decoded, checked for the
//! expected item count), not including dropping it. The table gives the median and the
//! fastest call, in milliseconds, and the SDK's median over ours.
//!
//! `transport floor` is the same reqwest client our runtime uses, posting the same kind of
//! request and reading the whole body without decoding it: what any client pays before
//! decoding.

use std::future::Future;
use std::hint::black_box;
use std::pin::Pin;
use std::time::{Duration, Instant};

use cloudcost_aws_ce_client as ce;
use cloudcost_aws_inspector2_client as inspector2;
use cloudcost_bench::gen;
use cloudcost_bench::server::Server;
use cloudcost_runtime::AwsCredentials;

type Call = Box<dyn Fn() -> Pin<Box<dyn Future<Output = usize>>>>;

struct Contender {
    name: &'static str,
    call: Call,
    times: Vec<Duration>,
}

struct Case {
    title: String,
    bytes: usize,
    calls: usize,
    /// What every contender's response must hold (periods, totals, ...), checked on each call.
    expected: usize,
    contenders: Vec<Contender>,
}

fn contender(name: &'static str, call: Call) -> Contender {
    Contender {
        name,
        call,
        times: Vec::new(),
    }
}

/// An error's message for a panic, without the multi-megabyte body some errors carry.
fn short(e: &dyn std::fmt::Debug) -> String {
    let text = format!("{e:?}");
    text.chars().take(600).collect()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort_unstable();
    times[times.len() / 2]
}

// ---------------------------------------------------------------------------------------
// Our clients.

fn our_config(url: &str) -> cloudcost_runtime::Config {
    cloudcost_runtime::Config::builder()
        .endpoint_url(url)
        .region("us-east-1")
        .aws_credentials(AwsCredentials::new("AKIDEXAMPLE", "bench-secret", None))
        .build()
}

/// The first quarter of 2024, the period every benchmarked request asks for.
fn period() -> ce::model::DateInterval {
    ce::model::DateInterval::builder()
        .start(
            "2024-01-01"
                .parse::<ce::model::YearMonthDay>()
                .expect("a date"),
        )
        .end(
            "2024-04-01"
                .parse::<ce::model::YearMonthDay>()
                .expect("a date"),
        )
        .build()
        .expect("both set")
}

fn ours_cost_and_usage(url: &str) -> Call {
    let client = ce::Client::new(our_config(url)).expect("client");
    let request = ce::model::GetCostAndUsageRequest::builder()
        .time_period(period())
        .granularity(ce::model::Granularity::Daily)
        .metrics(["BlendedCost", "UnblendedCost", "UsageQuantity"])
        .build()
        .expect("required members set");
    Box::new(move || {
        let (client, request) = (client.clone(), request.clone());
        Box::pin(async move {
            let page = client
                .get_cost_and_usage_with(&request)
                .await
                .unwrap_or_else(|e| panic!("cloudcost: {}", short(&e)));
            let periods = page.results_by_time.as_deref().unwrap_or_default();
            black_box(&page);
            periods.len()
                * periods
                    .first()
                    .and_then(|p| p.groups.as_ref())
                    .map_or(0, Vec::len)
        })
    })
}

fn ours_reservation_utilization(url: &str) -> Call {
    let client = ce::Client::new(our_config(url)).expect("client");
    let request = ce::model::GetReservationUtilizationRequest::builder()
        .time_period(period())
        .granularity(ce::model::Granularity::Daily)
        .build()
        .expect("required members set");
    Box::new(move || {
        let (client, request) = (client.clone(), request.clone());
        Box::pin(async move {
            let page = client
                .get_reservation_utilization_with(&request)
                .await
                .unwrap_or_else(|e| panic!("cloudcost: {}", short(&e)));
            let periods = &page.utilizations_by_time;
            black_box(&page);
            periods.len()
                * periods
                    .first()
                    .and_then(|p| p.groups.as_ref())
                    .map_or(0, Vec::len)
        })
    })
}

fn ours_usage_totals(url: &str) -> Call {
    let client = inspector2::Client::new(our_config(url)).expect("client");
    Box::new(move || {
        let client = client.clone();
        Box::pin(async move {
            let request = inspector2::model::ListUsageTotalsRequest::default();
            let page = client
                .list_usage_totals_with(&request)
                .await
                .unwrap_or_else(|e| panic!("cloudcost: {}", short(&e)));
            let totals = page.totals.as_deref().unwrap_or_default();
            black_box(&page);
            totals.len()
                * totals
                    .first()
                    .and_then(|t| t.usage.as_ref())
                    .map_or(0, Vec::len)
        })
    })
}

// ---------------------------------------------------------------------------------------
// The official SDK: default features (rustls on aws-lc-rs, hyper 1), static credentials,
// the endpoint override; everything else as `BehaviorVersion::latest()` sets it.

#[cfg(feature = "aws-sdk")]
mod sdk {
    use super::*;
    use aws_sdk_costexplorer::config::{BehaviorVersion, Credentials, Region};

    fn credentials() -> Credentials {
        Credentials::new("AKIDEXAMPLE", "bench-secret", None, None, "bench")
    }

    /// A Cost Explorer client of the SDK against the local server, static credentials.
    fn ce_client(url: &str) -> aws_sdk_costexplorer::Client {
        let config = aws_sdk_costexplorer::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .credentials_provider(credentials())
            .endpoint_url(url)
            .build();
        aws_sdk_costexplorer::Client::from_conf(config)
    }

    pub fn cost_and_usage(url: &str) -> Option<Call> {
        use aws_sdk_costexplorer::types::{DateInterval, Granularity};
        let client = ce_client(url);
        Some(Box::new(move || {
            let client = client.clone();
            Box::pin(async move {
                let page = client
                    .get_cost_and_usage()
                    .time_period(
                        DateInterval::builder()
                            .start("2024-01-01")
                            .end("2024-04-01")
                            .build()
                            .unwrap(),
                    )
                    .granularity(Granularity::Daily)
                    .metrics("BlendedCost")
                    .metrics("UnblendedCost")
                    .metrics("UsageQuantity")
                    .send()
                    .await
                    .unwrap_or_else(|e| panic!("sdk: {}", short(&e)));
                let periods = page.results_by_time();
                black_box(&page);
                periods.len() * periods.first().map_or(0, |p| p.groups().len())
            })
        }))
    }

    pub fn reservation_utilization(url: &str) -> Option<Call> {
        use aws_sdk_costexplorer::types::{DateInterval, Granularity};
        let client = ce_client(url);
        Some(Box::new(move || {
            let client = client.clone();
            Box::pin(async move {
                let page = client
                    .get_reservation_utilization()
                    .time_period(
                        DateInterval::builder()
                            .start("2024-01-01")
                            .end("2024-04-01")
                            .build()
                            .unwrap(),
                    )
                    .granularity(Granularity::Daily)
                    .send()
                    .await
                    .unwrap_or_else(|e| panic!("sdk: {}", short(&e)));
                let periods = page.utilizations_by_time();
                black_box(&page);
                periods.len() * periods.first().map_or(0, |p| p.groups().len())
            })
        }))
    }

    pub fn usage_totals(url: &str) -> Option<Call> {
        let config = aws_sdk_inspector2::Config::builder()
            .behavior_version(aws_sdk_inspector2::config::BehaviorVersion::latest())
            .region(aws_sdk_inspector2::config::Region::new("us-east-1"))
            .credentials_provider(credentials())
            .endpoint_url(url)
            .build();
        let client = aws_sdk_inspector2::Client::from_conf(config);
        Some(Box::new(move || {
            let client = client.clone();
            Box::pin(async move {
                let page = client
                    .list_usage_totals()
                    .send()
                    .await
                    .unwrap_or_else(|e| panic!("sdk: {}", short(&e)));
                let totals = page.totals();
                black_box(&page);
                totals.len() * totals.first().map_or(0, |t| t.usage().len())
            })
        }))
    }
}

/// What the SDK makes of the documented GetReservationUtilization form, whose attribute
/// map holds nulls.
#[cfg(feature = "aws-sdk")]
async fn sdk_on_documented_nulls(url: &str) -> String {
    use aws_sdk_costexplorer::types::DateInterval;
    let config = aws_sdk_costexplorer::Config::builder()
        .behavior_version(aws_sdk_costexplorer::config::BehaviorVersion::latest())
        .region(aws_sdk_costexplorer::config::Region::new("us-east-1"))
        .credentials_provider(aws_sdk_costexplorer::config::Credentials::new(
            "AKIDEXAMPLE",
            "bench-secret",
            None,
            None,
            "bench",
        ))
        .endpoint_url(url)
        .build();
    let result = aws_sdk_costexplorer::Client::from_conf(config)
        .get_reservation_utilization()
        .time_period(
            DateInterval::builder()
                .start("2024-01-01")
                .end("2024-04-01")
                .build()
                .unwrap(),
        )
        .send()
        .await;
    match result {
        Ok(page) => format!("ok, {} periods", page.utilizations_by_time().len()),
        Err(e) => format!(
            "error: {}",
            aws_sdk_costexplorer::error::DisplayErrorContext(&e)
        )
        .chars()
        .take(200)
        .collect(),
    }
}

#[cfg(not(feature = "aws-sdk"))]
async fn sdk_on_documented_nulls(_: &str) -> String {
    "not built (--features aws-sdk)".into()
}

/// Without `--features aws-sdk` there is no SDK contender.
#[cfg(not(feature = "aws-sdk"))]
mod sdk {
    use super::Call;

    pub fn cost_and_usage(_: &str) -> Option<Call> {
        None
    }

    pub fn reservation_utilization(_: &str) -> Option<Call> {
        None
    }

    pub fn usage_totals(_: &str) -> Option<Call> {
        None
    }
}

// ---------------------------------------------------------------------------------------
// The floor: the HTTP exchange alone.

fn transport_floor(url: &str, content_type: &'static str) -> Call {
    let client = reqwest::Client::builder().build().expect("reqwest");
    let url = url.to_string();
    Box::new(move || {
        let (client, url) = (client.clone(), url.clone());
        Box::pin(async move {
            let response = client
                .post(&url)
                .header("content-type", content_type)
                .body(&b"{}"[..])
                .send()
                .await
                .expect("floor");
            let body = response.bytes().await.expect("floor body");
            black_box(&body);
            usize::MAX // no count: the floor does not decode
        })
    })
}

fn case(
    title: &str,
    content_type: &'static str,
    body: String,
    expected: usize,
    calls: usize,
    ours: fn(&str) -> Call,
    sdk: fn(&str) -> Option<Call>,
) -> Case {
    let server = Server::fixed(content_type, body.as_bytes());
    let url = server.url();
    let mut contenders = vec![contender("cloudcost", ours(&url))];
    if let Some(sdk) = sdk(&url) {
        contenders.push(contender("aws-sdk-rust", sdk));
    }
    contenders.push(contender(
        "transport floor",
        transport_floor(&url, content_type),
    ));
    Case {
        title: title.to_string(),
        bytes: body.len(),
        calls,
        expected,
        contenders,
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .map(|a| a.parse().expect("rounds: a number"))
        .unwrap_or(40);
    const CE: &str = "application/x-amz-json-1.1";
    const REST: &str = "application/json";
    let mut cases = vec![
        case(
            "GetCostAndUsage 90x200x3",
            CE,
            gen::cost_and_usage_page(),
            90 * 200,
            1,
            ours_cost_and_usage,
            sdk::cost_and_usage,
        ),
        case(
            "GetReservationUtilization 90x200 (no nulls)",
            CE,
            // Without the documented nulls: the SDK rejects those (see BENCHMARKS.md).
            gen::reservation_utilization_page_without_nulls(),
            90 * 200,
            1,
            ours_reservation_utilization,
            sdk::reservation_utilization,
        ),
        case(
            "ListUsageTotals 500x5",
            REST,
            gen::usage_totals_page(),
            500 * 5,
            4,
            ours_usage_totals,
            sdk::usage_totals,
        ),
        case(
            "GetCostAndUsage tiny (1x1x3)",
            CE,
            gen::cost_and_usage_tiny(),
            1,
            25,
            ours_cost_and_usage,
            sdk::cost_and_usage,
        ),
        case(
            "ListUsageTotals tiny (1x5)",
            REST,
            gen::usage_totals(6, 1, None),
            5,
            25,
            ours_usage_totals,
            sdk::usage_totals,
        ),
    ];
    if cfg!(not(feature = "aws-sdk")) {
        eprintln!("built without `--features aws-sdk`: no SDK column");
    }

    {
        let server = Server::fixed(CE, gen::reservation_utilization_page().as_bytes());
        let ours = ours_reservation_utilization(&server.url())().await;
        println!(
            "GetReservationUtilization 90x200 as documented (null attributes): cloudcost ok, {ours} groups; aws-sdk-rust {}",
            sdk_on_documented_nulls(&server.url()).await
        );
        println!();
    }

    for case in &mut cases {
        // Warm-up: connections open, credentials cached, allocator and caches warm; and a
        // check that every contender got the same response.
        for c in &case.contenders {
            for _ in 0..3 {
                let got = (c.call)().await;
                assert!(
                    got == case.expected || got == usize::MAX,
                    "{}: {} decoded {got} items, expected {}",
                    case.title,
                    c.name,
                    case.expected
                );
            }
        }
        let n = case.contenders.len();
        for round in 0..rounds {
            for k in 0..n {
                let c = &mut case.contenders[(round + k) % n];
                for _ in 0..case.calls {
                    let started = Instant::now();
                    let got = (c.call)().await;
                    c.times.push(started.elapsed());
                    assert!(got == case.expected || got == usize::MAX);
                }
            }
        }
    }

    println!(
        "e2e over loopback, {rounds} rounds, contenders interleaved (order rotating per round)"
    );
    println!();
    println!("| case | body | contender | calls | median ms/call | fastest ms | MB/s (median) | vs cloudcost |");
    println!("|---|---:|---|---:|---:|---:|---:|---:|");
    for case in &mut cases {
        let ours = median(&mut case.contenders[0].times.clone());
        for c in &mut case.contenders {
            let calls = c.times.len();
            let med = median(&mut c.times);
            let fastest = c.times[0];
            let mbps = case.bytes as f64 / 1e6 / med.as_secs_f64();
            println!(
                "| {} | {:.2} MB | {} | {} | {:.3} | {:.3} | {:.0} | {:.2}x |",
                case.title,
                case.bytes as f64 / 1e6,
                c.name,
                calls,
                ms(med),
                ms(fastest),
                mbps,
                med.as_secs_f64() / ours.as_secs_f64(),
            );
        }
    }
}
