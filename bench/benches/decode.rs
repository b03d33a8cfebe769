//! Decode throughput of each operation's typed response on a large generated body.
//!
//! For each body: `FromJson::from_json` (what the clients call: the generated decoder,
//! serde behind it for what it declines), `cloudcost_types::from_slice::<T>` (the serde
//! path: serde_json plus serde_path_to_error for error paths),
//! `serde_json::from_slice::<T>` (the same derive without the path tracking), `serde_json::Value` (a generic tree) and
//! `serde_json::de::IgnoredAny` (syntax scan only: the limit of a serde_json decoder).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use serde::de::DeserializeOwned;
use serde::de::IgnoredAny;
use std::hint::black_box;

use cloudcost_types::fast::{self, FastJson};
use cloudcost_types::FromJson;

use cloudcost_aws_ce_model::{GetCostAndUsageResponse, GetReservationUtilizationResponse};
use cloudcost_aws_inspector2_model::ListUsageTotalsResponse;
use cloudcost_bench::gen;
use cloudcost_scp_ce_model::UsageListResponse;

fn group<T: DeserializeOwned + FromJson + FastJson>(c: &mut Criterion, name: &str, body: &[u8]) {
    // Fail loudly rather than measure an error path or serde behind the generated decoder.
    cloudcost_types::from_slice::<T>(body).expect("body decodes");
    fast::read_all::<T>(body).expect("the generated decoder takes the body");
    let mut g = c.benchmark_group(name);
    g.throughput(Throughput::Bytes(body.len() as u64));
    g.sample_size(20);
    g.bench_function("FromJson::from_json", |b| {
        b.iter(|| T::from_json(black_box(body)).unwrap())
    });
    g.bench_function("cloudcost_types::from_slice", |b| {
        b.iter(|| cloudcost_types::from_slice::<T>(black_box(body)).unwrap())
    });
    g.bench_function("serde_json::from_slice typed", |b| {
        b.iter(|| serde_json::from_slice::<T>(black_box(body)).unwrap())
    });
    g.bench_function("serde_json::Value", |b| {
        b.iter(|| serde_json::from_slice::<serde_json::Value>(black_box(body)).unwrap())
    });
    g.bench_function("IgnoredAny (scan limit)", |b| {
        b.iter(|| serde_json::from_slice::<IgnoredAny>(black_box(body)).unwrap())
    });
    g.finish();
}

fn decode(c: &mut Criterion) {
    let cau = gen::cost_and_usage_page();
    group::<GetCostAndUsageResponse>(c, "GetCostAndUsage 90x200x3", cau.as_bytes());
    let totals = gen::usage_totals_page();
    group::<ListUsageTotalsResponse>(c, "ListUsageTotals 500x5", totals.as_bytes());
    let ru = gen::reservation_utilization_page();
    group::<GetReservationUtilizationResponse>(
        c,
        "GetReservationUtilization 90x200",
        ru.as_bytes(),
    );
    let scp = gen::scp_usages_page();
    group::<UsageListResponse>(c, "SCP ListUsages 10000", scp.as_bytes());
}

criterion_group!(benches, decode);
criterion_main!(benches);
