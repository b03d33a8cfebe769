//! Requests built as Rust users build them: every structure has a builder whose `build()`
//! names a missing required member, and a builder-built request is exactly the documented
//! request (compared with the example decoded from its JSON).

use cloudcost_aws_ce_model as ce;
use cloudcost_aws_inspector2_model as inspector;
use cloudcost_scp_ce_model as scp;
use cloudcost_tests::root;

fn example<T: serde::de::DeserializeOwned>(path: &str) -> T {
    let bytes = std::fs::read(root().join("specs/examples").join(path)).unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

#[test]
fn the_documented_cost_and_usage_request_built_with_builders() {
    let built = ce::GetCostAndUsageRequest::builder()
        .time_period(
            ce::DateInterval::builder()
                .start("2017-09-01".parse::<ce::YearMonthDay>().unwrap())
                .end("2017-10-01".parse::<ce::YearMonthDay>().unwrap())
                .build()
                .unwrap(),
        )
        .granularity(ce::Granularity::Monthly)
        .filter(
            ce::Expression::builder()
                .dimensions(
                    ce::DimensionValues::builder()
                        .key(ce::Dimension::Service)
                        .values(["Amazon Simple Storage Service"])
                        .build()
                        .unwrap(),
                )
                .build()
                .unwrap(),
        )
        .group_by([
            ce::GroupDefinition::builder()
                .type_(ce::GroupDefinitionType::Dimension)
                .key("SERVICE")
                .build()
                .unwrap(),
            ce::GroupDefinition::builder()
                .type_(ce::GroupDefinitionType::Tag)
                .key("Environment")
                .build()
                .unwrap(),
        ])
        .metrics(["BlendedCost", "UnblendedCost", "UsageQuantity"])
        .build()
        .unwrap();
    let documented: ce::GetCostAndUsageRequest = example("aws-ce/GetCostAndUsage.request.json");
    assert_eq!(built, documented);
    assert_eq!(
        serde_json::to_value(&built).unwrap(),
        serde_json::to_value(&documented).unwrap()
    );
}

#[test]
fn a_missing_required_member_is_named() {
    let err = ce::GetCostAndUsageRequest::builder()
        .granularity(ce::Granularity::Daily)
        .metrics(["UnblendedCost"])
        .build()
        .unwrap_err();
    assert_eq!(
        err,
        ce::MissingMember {
            shape: "GetCostAndUsageRequest",
            member: "TimePeriod"
        }
    );
    assert_eq!(
        err.to_string(),
        "GetCostAndUsageRequest: the required member `TimePeriod` was not set"
    );
    let err = inspector::BatchGetFreeTrialInfoRequest::builder()
        .build()
        .unwrap_err();
    assert_eq!(err.member, "accountIds");
}

#[test]
fn optional_members_may_stay_unset_in_every_family() {
    assert_eq!(
        inspector::ListUsageTotalsRequest::builder()
            .max_results(50)
            .build()
            .unwrap(),
        {
            // `Default` and assignment: the other way to build a structure outside its crate.
            let mut request = inspector::ListUsageTotalsRequest::default();
            request.max_results = Some(50);
            request
        }
    );
    let built = scp::ListUsagesRequest::builder()
        .start_date("2024-08-01".parse::<chrono_date::NaiveDate>().unwrap())
        .end_date("2024-08-01".parse::<chrono_date::NaiveDate>().unwrap())
        .with_count(true)
        .limit(20)
        .marker("607e0938521643b5b4b266f343fae693")
        .sort("created_at:desc")
        .account_id(["228cb9e4a7934f84853594c7f26f7a21"])
        .service_category(["COMPUTE"])
        .billing_item_id(["VIRTUAL_SERVER"])
        .resource_name("test-vm")
        .region(["kr-west1"])
        .contract_id("C002612775")
        .order_status(["04"])
        .build()
        .unwrap();
    let documented: scp::ListUsagesRequest = example("scp-ce/ListUsages.request.json");
    assert_eq!(built, documented);
}

/// The date type the SCP model uses, through the model runtime's re-export.
mod chrono_date {
    pub use cloudcost_types::chrono::NaiveDate;
}

/// The maps of a response (`SortedMap`) read the way the `BTreeMap`s they replaced did: the
/// code docs/models.md says is unchanged, run against the documented response.
#[test]
fn response_maps_read_as_btreemaps_did() {
    use cloudcost_types::rust_decimal::Decimal;
    use std::collections::BTreeMap;

    let response: ce::GetCostAndUsageResponse = example("aws-ce/GetCostAndUsage.response.json");
    let group = &response.results_by_time.as_ref().unwrap()[0]
        .groups
        .as_ref()
        .unwrap()[0];
    let metrics = group.metrics.as_ref().unwrap();

    let cost = group.metrics.as_ref().and_then(|m| m.get("UnblendedCost"));
    assert_eq!(cost.unwrap().amount, Some("39.1603300457".parse().unwrap()));
    assert_eq!(metrics["UsageQuantity"].unit.as_deref(), Some("N/A"));
    let names: Vec<&str> = metrics.keys().map(|k| k.as_str()).collect();
    assert_eq!(names, ["BlendedCost", "UnblendedCost", "UsageQuantity"]);
    let mut by_unit: BTreeMap<&str, Decimal> = BTreeMap::new();
    for (_, value) in group.metrics.iter().flatten() {
        *by_unit.entry(value.unit.as_deref().unwrap()).or_default() += value.amount.unwrap();
    }
    assert_eq!(by_unit["USD"].to_string(), "78.3206600914");

    // Debug prints a map, as BTreeMap's did (the insta snapshots rely on it).
    let as_btree: BTreeMap<_, _> = metrics.clone().into_iter().collect();
    assert_eq!(format!("{metrics:?}"), format!("{as_btree:?}"));
    // A builder takes the BTreeMap a user already had, and the result is the same group.
    let rebuilt = ce::Group::builder()
        .keys(["Amazon Simple Storage Service", "Environment$Prod"])
        .metrics(as_btree)
        .build()
        .unwrap();
    assert_eq!(&rebuilt, group);
    // The `entry` API is there (LiteMap's).
    let mut metrics = metrics.clone();
    metrics
        .entry("NetUnblendedCost".into())
        .or_insert_with(|| metrics_value("0", "USD"));
    assert_eq!(metrics.len(), 4);
    assert_eq!(metrics.first().unwrap().0, "BlendedCost");
    assert_eq!(metrics.get_indexed(1).unwrap().0, "NetUnblendedCost");
}

fn metrics_value(amount: &str, unit: &str) -> ce::MetricValue {
    ce::MetricValue::builder()
        .amount(
            amount
                .parse::<cloudcost_types::rust_decimal::Decimal>()
                .unwrap(),
        )
        .unit(unit)
        .build()
        .unwrap()
}
