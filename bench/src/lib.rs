//! Benchmark support: deterministic body generators and a loopback HTTP server.
//!
//! The benchmarks themselves are `benches/decode.rs` (criterion), `src/bin/e2e.rs` (our
//! clients against the AWS SDK over loopback), `src/bin/paging_memory.rs` (peak memory of
//! the item stream), `src/bin/ledger_mock.rs` (the mock's ledger dataset: page building
//! against our decoding, and its memory) and `src/bin/decode_profile.rs` (one decoder in a
//! loop, for callgrind: `callgrind.sh`); `compile-time.sh` compares clean release builds.
//! See `../BENCHMARKS.md`.

pub mod gen;
pub mod server;

/// The bodies of the decode benchmarks, by name, with the model type each decodes into.
pub fn bodies() -> Vec<(&'static str, String)> {
    vec![
        ("GetCostAndUsage 90x200x3", gen::cost_and_usage_page()),
        ("ListUsageTotals 500x5", gen::usage_totals_page()),
        (
            "GetReservationUtilization 90x200",
            gen::reservation_utilization_page(),
        ),
        ("SCP ListUsages 10000", gen::scp_usages_page()),
    ]
}
