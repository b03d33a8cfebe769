//! Property tests: random *valid* values of a few model types encode with serde_json,
//! decode with the model crates' `from_slice` to an equal value, encode to the same bytes
//! again, and pass `validate()`. The fuzz targets (fuzz/, RELIABILITY.md) start from
//! bytes; these start from values, so every field takes values the bytes rarely reach
//! (dates across the whole calendar, decimals of every scale, unknown enum values).

use std::fmt::Debug;

use proptest::prelude::*;
use serde::de::DeserializeOwned;
use serde::Serialize;

use cloudcost_aws_ce_model as ce;
use cloudcost_scp_ce_model as scp;
use cloudcost_types::chrono::NaiveDate;
use cloudcost_types::rust_decimal::Decimal;
use cloudcost_types::{CompactString, SortedMap, Validate, YearMonthDay};

fn round_trips<T>(value: &T) -> Result<(), TestCaseError>
where
    T: Serialize + DeserializeOwned + PartialEq + Debug,
{
    let encoded = serde_json::to_vec(value).expect("encodes");
    let decoded: T = cloudcost_types::from_slice(&encoded).map_err(|e| {
        TestCaseError::fail(format!(
            "{} does not decode: {e}",
            String::from_utf8_lossy(&encoded)
        ))
    })?;
    prop_assert_eq!(&decoded, value);
    let again = serde_json::to_vec(&decoded).expect("encodes");
    prop_assert_eq!(
        String::from_utf8_lossy(&again),
        String::from_utf8_lossy(&encoded)
    );
    Ok(())
}

fn date() -> impl Strategy<Value = NaiveDate> {
    // Years 1..=9999: what four-digit wire dates can say.
    (1i32..=9999, 1u32..=12, 1u32..=31)
        .prop_filter_map("a real day", |(y, m, d)| NaiveDate::from_ymd_opt(y, m, d))
}

fn year_month_day() -> impl Strategy<Value = YearMonthDay> {
    date().prop_map(|d| {
        d.format("%Y-%m-%d")
            .to_string()
            .parse()
            .expect("a date parses")
    })
}

/// A non-empty period: the start strictly before the end (`validate()` requires it).
fn date_interval() -> impl Strategy<Value = ce::DateInterval> {
    (year_month_day(), year_month_day())
        .prop_filter("distinct days", |(a, b)| a != b)
        .prop_map(|(a, b)| {
            let (start, end) = if a.to_string() < b.to_string() {
                (a, b)
            } else {
                (b, a)
            };
            ce::DateInterval::builder()
                .start(start)
                .end(end)
                .build()
                .expect("both set")
        })
}

fn decimal() -> impl Strategy<Value = Decimal> {
    (any::<i64>(), 0u32..=28).prop_map(|(mantissa, scale)| Decimal::new(mantissa, scale))
}

fn text(max: usize) -> impl Strategy<Value = CompactString> {
    proptest::collection::vec(any::<char>(), 0..=max).prop_map(|c| c.into_iter().collect())
}

/// A known value, or one the spec does not know (never spelled like a known one).
fn granularity() -> impl Strategy<Value = ce::Granularity> {
    prop_oneof![
        Just(ce::Granularity::Daily),
        Just(ce::Granularity::Monthly),
        Just(ce::Granularity::Hourly),
        "[A-Z_]{1,12}"
            .prop_filter("not a known value", |s| !["DAILY", "MONTHLY", "HOURLY"]
                .contains(&s.as_str()))
            .prop_map(ce::Granularity::Unknown),
    ]
}

fn group_definition() -> impl Strategy<Value = ce::GroupDefinition> {
    (
        proptest::option::of(prop_oneof![
            Just(ce::GroupDefinitionType::Dimension),
            Just(ce::GroupDefinitionType::Tag),
            Just(ce::GroupDefinitionType::CostCategory),
        ]),
        proptest::option::of(text(40)),
    )
        .prop_map(|(type_, key)| {
            ce::GroupDefinition::builder()
                .set_type_(type_)
                .set_key(key)
                .build()
                .expect("all optional")
        })
}

prop_compose! {
    fn get_cost_and_usage_request()(
        time_period in date_interval(),
        granularity in granularity(),
        metrics in proptest::collection::vec(text(30), 0..4),
        group_by in proptest::option::of(proptest::collection::vec(group_definition(), 0..3)),
        next_page_token in proptest::option::of(text(64)),
    ) -> ce::GetCostAndUsageRequest {
        ce::GetCostAndUsageRequest::builder()
            .time_period(time_period)
            .granularity(granularity)
            .metrics(metrics)
            .set_group_by(group_by)
            .set_next_page_token(next_page_token)
            .build()
            .expect("required members set")
    }
}

fn metric_value() -> impl Strategy<Value = ce::MetricValue> {
    (
        proptest::option::of(decimal()),
        proptest::option::of(text(8)),
    )
        .prop_map(|(amount, unit)| {
            ce::MetricValue::builder()
                .set_amount(amount)
                .set_unit(unit)
                .build()
                .expect("all optional")
        })
}

fn metrics() -> impl Strategy<Value = SortedMap<CompactString, ce::MetricValue>> {
    proptest::collection::btree_map(text(20), metric_value(), 0..3).prop_map(SortedMap::from)
}

prop_compose! {
    fn result_by_time()(
        time_period in date_interval(),
        estimated in proptest::option::of(any::<bool>()),
        total in proptest::option::of(metrics()),
        groups in proptest::option::of(proptest::collection::vec(
            (proptest::option::of(proptest::collection::vec(text(10), 0..3)),
             proptest::option::of(metrics()))
                .prop_map(|(keys, metrics)| {
                    ce::Group::builder()
                        .set_keys(keys)
                        .set_metrics(metrics)
                        .build()
                        .expect("all optional")
                }),
            0..3,
        )),
    ) -> ce::ResultByTime {
        ce::ResultByTime::builder()
            .time_period(time_period)
            .set_estimated(estimated)
            .set_total(total)
            .set_groups(groups)
            .build()
            .expect("all optional")
    }
}

prop_compose! {
    fn list_usages_request()(
        start_date in proptest::option::of(date()),
        end_date in proptest::option::of(date()),
        limit in proptest::option::of(1i32..=i32::MAX),
        with_count in proptest::option::of(any::<bool>()),
        marker in proptest::option::of(text(32)),
        account_id in proptest::option::of(proptest::collection::vec(text(32), 0..3)),
        region in proptest::option::of(proptest::collection::vec(text(12), 0..3)),
        resource_name in proptest::option::of(text(20)),
    ) -> scp::ListUsagesRequest {
        scp::ListUsagesRequest::builder()
            .set_start_date(start_date)
            .set_end_date(end_date)
            .set_limit(limit)
            .set_with_count(with_count)
            .set_marker(marker)
            .set_account_id(account_id)
            .set_region(region)
            .set_resource_name(resource_name)
            .build()
            .expect("all optional")
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn cost_and_usage_requests_round_trip_and_validate(request in get_cost_and_usage_request()) {
        round_trips(&request)?;
        prop_assert!(request.validate().is_ok(), "{:?}", request.validate());
    }

    #[test]
    fn cost_and_usage_pages_round_trip(results in proptest::collection::vec(result_by_time(), 0..3),
                                       token in proptest::option::of(text(16))) {
        let page = ce::GetCostAndUsageResponse::builder()
            .results_by_time(results)
            .set_next_page_token(token)
            .build()
            .expect("all optional");
        round_trips(&page)?;
        prop_assert!(page.validate().is_ok(), "{:?}", page.validate());
    }

    #[test]
    fn scp_list_usages_requests_round_trip_and_validate(request in list_usages_request()) {
        round_trips(&request)?;
        prop_assert!(request.validate().is_ok(), "{:?}", request.validate());
    }

    #[test]
    fn scp_amounts_round_trip_exactly(krw in proptest::option::of(decimal()),
                                      usd in proptest::option::of(decimal())) {
        round_trips(&scp::UsageAmounts::builder().set_krw(krw).set_usd(usd).build().expect("all optional"))?;
    }
}
