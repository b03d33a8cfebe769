//! Would sonic-rs, a SIMD JSON parser with a serde front end, decode the generated types
//! faster than serde_json? Issue 12 asked; this measures it on the same bodies and types.
//!
//! ```sh
//! cd bench && cargo run --release --features sonic --bin sonic_probe
//! RUSTFLAGS="-C target-cpu=native" cargo run --release --features sonic --bin sonic_probe
//! ```
//!
//! Method: each body is decoded into its model type by `cloudcost_types::from_slice` (the
//! clients' decoder: serde_json) and by `sonic_rs::from_str`, interleaved, 15 decodes per
//! turn, three turns; the median of each turn is printed. First it checks that both
//! decoders produce equal values, so the two do the same work. The amounts of these bodies
//! are JSON strings, which both read exactly; a JSON-number decimal would reach sonic-rs's
//! serde front end only as `f64` (serde_json's raw-value protocol, which keeps the digits,
//! is serde_json's own), so adopting it would also need a second exact-number path.

use std::hint::black_box;
use std::time::Instant;

use cloudcost_aws_ce_model::{GetCostAndUsageResponse, GetReservationUtilizationResponse};
use cloudcost_bench::gen;
use cloudcost_scp_ce_model::UsageListResponse;
use serde::de::DeserializeOwned;

fn median_ms(mut decode: impl FnMut()) -> f64 {
    let mut times: Vec<f64> = (0..15)
        .map(|_| {
            let started = Instant::now();
            decode();
            started.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

fn compare<T: DeserializeOwned + PartialEq + std::fmt::Debug>(name: &str, body: &str) {
    let ours: T = cloudcost_types::from_slice(body.as_bytes()).expect("serde_json decodes");
    let sonic: T = sonic_rs::from_str(body).expect("sonic-rs decodes");
    assert!(ours == sonic, "{name}: the two decoders disagree");
    for turn in 1..=3 {
        let serde_json = median_ms(|| {
            drop(black_box(
                cloudcost_types::from_slice::<T>(black_box(body.as_bytes())).expect("decodes"),
            ))
        });
        let sonic = median_ms(|| {
            drop(black_box(
                sonic_rs::from_str::<T>(black_box(body)).expect("decodes"),
            ))
        });
        println!(
            "{name} turn {turn}: serde_json {serde_json:.2} ms, sonic-rs {sonic:.2} ms ({:.2}x)",
            serde_json / sonic
        );
    }
}

fn main() {
    compare::<GetCostAndUsageResponse>("GetCostAndUsage", &gen::cost_and_usage_page());
    compare::<GetReservationUtilizationResponse>(
        "GetReservationUtilization",
        &gen::reservation_utilization_page(),
    );
    compare::<UsageListResponse>("SCP ListUsages", &gen::scp_usages_page());
}
