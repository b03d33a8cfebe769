//! Every generated body decodes into its model type, with the expected counts, and the
//! generators are deterministic.

use cloudcost_aws_ce_model::{GetCostAndUsageResponse, GetReservationUtilizationResponse};
use cloudcost_aws_inspector2_model::ListUsageTotalsResponse;
use cloudcost_bench::gen;
use cloudcost_scp_ce_model::UsageListResponse;
use cloudcost_types::fast::{self, FastJson};

#[test]
fn cost_and_usage_page_decodes() {
    let body = gen::cost_and_usage_page();
    assert!(
        (3_500_000..5_000_000).contains(&body.len()),
        "{} bytes",
        body.len()
    );
    let page: GetCostAndUsageResponse = cloudcost_types::from_slice(body.as_bytes()).unwrap();
    let periods = page.results_by_time.unwrap();
    assert_eq!(periods.len(), 90);
    let groups = periods[0].groups.as_ref().unwrap();
    assert_eq!(groups.len(), 200);
    assert_eq!(
        groups[0].keys.as_deref().unwrap(),
        ["Amazon Simple Storage Service", "Environment$Prod"]
    );
    let metrics = groups[0].metrics.as_ref().unwrap();
    assert_eq!(metrics.len(), 3);
    let amount = metrics["BlendedCost"].amount.unwrap();
    assert_eq!(amount.scale(), 10);
    assert_eq!(gen::cost_and_usage_page(), body, "deterministic");
    let tiny: GetCostAndUsageResponse =
        cloudcost_types::from_slice(gen::cost_and_usage_tiny().as_bytes()).unwrap();
    assert_eq!(tiny.results_by_time.unwrap().len(), 1);
}

#[test]
fn usage_totals_page_decodes() {
    let body = gen::usage_totals_page();
    let page: ListUsageTotalsResponse = cloudcost_types::from_slice(body.as_bytes()).unwrap();
    let totals = page.totals.unwrap();
    assert_eq!(totals.len(), 500);
    assert!(totals.iter().all(|t| t.usage.as_ref().unwrap().len() == 5));
    assert_eq!(
        totals[0].usage.as_ref().unwrap()[0]
            .total
            .unwrap()
            .to_string(),
        "9053.1561"
    );
    let paged: ListUsageTotalsResponse =
        cloudcost_types::from_slice(gen::usage_totals(9, 3, Some("p1")).as_bytes()).unwrap();
    assert_eq!(paged.next_token.as_deref(), Some("p1"));
}

#[test]
fn reservation_utilization_page_decodes() {
    let body = gen::reservation_utilization_page();
    let page: GetReservationUtilizationResponse =
        cloudcost_types::from_slice(body.as_bytes()).unwrap();
    assert_eq!(page.utilizations_by_time.len(), 90);
    let group = &page.utilizations_by_time[0].groups.as_ref().unwrap()[0];
    assert_eq!(group.attributes.as_ref().unwrap().len(), 17);
    assert_eq!(group.attributes.as_ref().unwrap()["AccountName"], None);
    assert_eq!(
        group
            .utilization
            .as_ref()
            .unwrap()
            .purchased_hours
            .unwrap()
            .to_string(),
        "72"
    );
    // The variant the SDK can decode: the same page without the null attributes.
    let without = gen::reservation_utilization_page_without_nulls();
    assert!(!without.contains("null"));
    let page: GetReservationUtilizationResponse =
        cloudcost_types::from_slice(without.as_bytes()).unwrap();
    let group = &page.utilizations_by_time[0].groups.as_ref().unwrap()[0];
    assert_eq!(group.attributes.as_ref().unwrap().len(), 15);
}

#[test]
fn scp_usages_page_decodes() {
    let body = gen::scp_usages_page();
    let page: UsageListResponse = cloudcost_types::from_slice(body.as_bytes()).unwrap();
    let usages = page.usages.unwrap();
    assert_eq!(usages.len(), 10_000);
    assert_eq!(usages[0].amounts.as_ref().unwrap().krw.unwrap().scale(), 10);
    assert_eq!(
        usages[0].usage_date.unwrap().to_string(),
        "2024-08-01 00:00:00"
    );
}

#[test]
fn body_sizes() {
    // The generators are deterministic: a change of size here changes every figure
    // BENCHMARKS.md measured on these bodies (it quotes the first as 4.2 MB).
    let sizes: Vec<(&str, usize)> = cloudcost_bench::bodies()
        .iter()
        .map(|(name, body)| {
            eprintln!("{name}: {} bytes", body.len());
            (*name, body.len())
        })
        .collect();
    assert_eq!(
        sizes,
        [
            ("GetCostAndUsage 90x200x3", 4_255_534),
            ("ListUsageTotals 500x5", 269_186),
            ("GetReservationUtilization 90x200", 20_270_032),
            ("SCP ListUsages 10000", 4_013_628),
        ]
    );
}

/// The benchmarks time the generated decoders, not serde behind them: each body is taken by
/// the fast path (`read_all` would be `None` if it declined), with the value serde builds.
#[test]
fn the_generated_decoders_take_every_benchmark_body() {
    fn check<T: FastJson + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug>(body: &str) {
        let serde = cloudcost_types::from_slice::<T>(body.as_bytes()).expect("decodes");
        assert_eq!(fast::read_all::<T>(body.as_bytes()), Some(serde));
    }
    check::<GetCostAndUsageResponse>(&gen::cost_and_usage_page());
    check::<GetCostAndUsageResponse>(&gen::cost_and_usage_tiny());
    check::<GetCostAndUsageResponse>(&gen::cost_and_usage(7, 3, 5, Some("next-token")));
    check::<ListUsageTotalsResponse>(&gen::usage_totals_page());
    check::<GetReservationUtilizationResponse>(&gen::reservation_utilization_page());
    check::<UsageListResponse>(&gen::scp_usages_page());
}
