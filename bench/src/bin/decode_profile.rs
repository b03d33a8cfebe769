//! One body, one decoder, N decodes: the program to profile decoding with.
//!
//! ```sh
//! cd bench && cargo build --release --bin decode_profile
//! target/release/decode_profile cau typed 50          # median ms per decode
//! valgrind --tool=callgrind target/release/decode_profile cau typed 1
//! ```
//!
//! `body`: `cau` (GetCostAndUsage 90x200x3), `totals` (ListUsageTotals 500x5), `ru`
//! (GetReservationUtilization 90x200), `scp` (SCP ListUsages 10,000).
//! `decoder`: `typed` (`FromJson::from_json`, what the clients call: the generated fast
//! decoder, serde for what it declines), `from_slice` (`cloudcost_types::from_slice`, the
//! serde path, which was `typed` before the generated decoders), `serde`
//! (`serde_json::from_slice` into the same type), `value` (`serde_json::Value`), `ignored`
//! (`serde::de::IgnoredAny`).
//! Before timing `typed`, the fast path is checked to take the body (no fallback is timed)
//! and to build the value the serde path builds.
//!
//! Instruction counts under callgrind are repeatable on a busy machine where wall time is
//! not: the cost of one decode is the count of a run with N = 2 minus that of N = 1, which
//! cancels the body generation and process start (`bench/callgrind.sh` does that).

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::Instant;

use cloudcost_aws_ce_model::{GetCostAndUsageResponse, GetReservationUtilizationResponse};
use cloudcost_aws_inspector2_model::ListUsageTotalsResponse;
use cloudcost_bench::gen;
use cloudcost_scp_ce_model::UsageListResponse;
use cloudcost_types::fast::{self, FastJson};
use cloudcost_types::FromJson;
use serde::de::{DeserializeOwned, IgnoredAny};

/// The system allocator, counting allocations: how many a decode makes is the number that
/// explains most of its cost beyond the JSON scan (see BENCHMARKS.md). A relaxed atomic
/// add per allocation is noise next to the allocation itself.
struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);
static ALLOCATED_BYTES: AtomicU64 = AtomicU64::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Relaxed);
        ALLOCATED_BYTES.fetch_add(layout.size() as u64, Relaxed);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Relaxed);
        ALLOCATED_BYTES.fetch_add(new_size as u64, Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// What a decoded response type offers: both decoders, and equality to compare them.
trait Response: DeserializeOwned + FromJson + FastJson + PartialEq + std::fmt::Debug {}
impl<T: DeserializeOwned + FromJson + FastJson + PartialEq + std::fmt::Debug> Response for T {}

fn decode<T: Response>(decoder: &str, body: &[u8]) {
    match decoder {
        "typed" => drop(black_box(T::from_json(body).unwrap())),
        "from_slice" => drop(black_box(cloudcost_types::from_slice::<T>(body).unwrap())),
        "serde" => drop(black_box(serde_json::from_slice::<T>(body).unwrap())),
        "value" => drop(black_box(
            serde_json::from_slice::<serde_json::Value>(body).unwrap(),
        )),
        "ignored" => drop(black_box(
            serde_json::from_slice::<IgnoredAny>(body).unwrap(),
        )),
        other => panic!("unknown decoder {other:?}: typed, from_slice, serde, value or ignored"),
    }
}

fn run<T: Response>(decoder: &str, body: &[u8], iterations: usize) {
    if decoder == "typed" {
        let fast = fast::read_all::<T>(body).expect("the generated decoder takes the body");
        let serde = cloudcost_types::from_slice::<T>(body).expect("the body decodes");
        assert_eq!(fast, serde, "the generated decoder and serde differ");
    }
    let mut times = Vec::with_capacity(iterations);
    let (allocations, bytes) = (ALLOCATIONS.load(Relaxed), ALLOCATED_BYTES.load(Relaxed));
    for _ in 0..iterations {
        let started = Instant::now();
        decode::<T>(decoder, black_box(body));
        times.push(started.elapsed());
    }
    if times.is_empty() {
        return;
    }
    let n = iterations as u64;
    let allocations = (ALLOCATIONS.load(Relaxed) - allocations) / n; // `times` has its capacity
    let bytes = (ALLOCATED_BYTES.load(Relaxed) - bytes) / n;
    times.sort_unstable();
    let median = times[times.len() / 2];
    println!(
        "{decoder}: {} bytes, {iterations} decodes, median {:.3} ms, fastest {:.3} ms, {:.0} MB/s, {allocations} allocations ({:.1} MB) per decode",
        body.len(),
        median.as_secs_f64() * 1e3,
        times[0].as_secs_f64() * 1e3,
        body.len() as f64 / 1e6 / median.as_secs_f64(),
        bytes as f64 / 1e6,
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [body, decoder, iterations] = args.as_slice() else {
        panic!("usage: decode_profile cau|totals|ru|scp typed|from_slice|serde|value|ignored N");
    };
    let iterations: usize = iterations.parse().expect("N: a number");
    match body.as_str() {
        "cau" => run::<GetCostAndUsageResponse>(
            decoder,
            gen::cost_and_usage_page().as_bytes(),
            iterations,
        ),
        "totals" => {
            run::<ListUsageTotalsResponse>(decoder, gen::usage_totals_page().as_bytes(), iterations)
        }
        "ru" => run::<GetReservationUtilizationResponse>(
            decoder,
            gen::reservation_utilization_page().as_bytes(),
            iterations,
        ),
        "scp" => run::<UsageListResponse>(decoder, gen::scp_usages_page().as_bytes(), iterations),
        other => panic!("unknown body {other:?}: cau, totals, ru or scp"),
    }
}
