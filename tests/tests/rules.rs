//! The rules the API reference states beyond each member's constraints
//! (`x-cloudcost-rules` in the specs): `validate()` refuses each with the member's path
//! and the spec's message, so the paid request is never sent.

use cloudcost_aws_ce_model as ce;

fn errors<T: ce::Validate>(request: &T) -> Vec<String> {
    match request.validate() {
        Ok(()) => Vec::new(),
        Err(e) => e.errors.iter().map(ToString::to_string).collect(),
    }
}

fn cost_request(json: &str) -> ce::GetCostAndUsageRequest {
    ce::from_str(json).unwrap()
}

fn utilization_request(json: &str) -> ce::GetReservationUtilizationRequest {
    ce::from_str(json).unwrap()
}

#[test]
fn get_cost_and_usage_groups_by_at_most_two() {
    let two = r#"{"TimePeriod":{"Start":"2024-01-01","End":"2024-02-01"},"Granularity":"MONTHLY","Metrics":["UnblendedCost"],
        "GroupBy":[{"Type":"DIMENSION","Key":"SERVICE"},{"Type":"TAG","Key":"team"}]}"#;
    assert_eq!(errors(&cost_request(two)), Vec::<String>::new());
    let three = two.replace(
        r#"{"Type":"TAG","Key":"team"}"#,
        r#"{"Type":"TAG","Key":"team"},{"Type":"DIMENSION","Key":"REGION"}"#,
    );
    assert_eq!(
        errors(&cost_request(&three)),
        ["GroupBy: at most two groups (dimensions, tag keys or cost categories)"]
    );
}

#[test]
fn a_time_period_ends_after_it_starts() {
    for (start, end, ok) in [
        ("2024-01-01", "2024-02-01", true),
        ("2024-01-01", "2024-01-01", false),
        ("2024-02-01", "2024-01-01", false),
        ("2024-01-01T00:00:00Z", "2024-01-01T01:00:00Z", true),
        ("2024-01-01", "2024-01-01T00:00:00Z", false),
    ] {
        let request = cost_request(&format!(
            r#"{{"TimePeriod":{{"Start":"{start}","End":"{end}"}},"Granularity":"DAILY","Metrics":["UnblendedCost"]}}"#
        ));
        let expected: Vec<String> = if ok {
            Vec::new()
        } else {
            vec!["TimePeriod.End: must be after Start (the start is inclusive and the end exclusive, so the period would be empty)".into()]
        };
        assert_eq!(errors(&request), expected, "{start} .. {end}");
    }
}

#[test]
fn reservation_utilization_granularity_rules() {
    let base = r#"{"TimePeriod":{"Start":"2024-01-01","End":"2024-02-01"}"#;
    assert_eq!(
        errors(&utilization_request(&format!(
            r#"{base},"Granularity":"MONTHLY"}}"#
        ))),
        Vec::<String>::new()
    );
    assert_eq!(
        errors(&utilization_request(&format!(r#"{base},"Granularity":"HOURLY"}}"#))),
        ["Granularity: must be DAILY or MONTHLY (GetReservationUtilization supports no other granularity)"]
    );
    assert_eq!(
        errors(&utilization_request(&format!(
            r#"{base},"Granularity":"DAILY","GroupBy":[{{"Type":"DIMENSION","Key":"SUBSCRIPTION_ID"}}]}}"#
        ))),
        ["Granularity: cannot be set together with GroupBy"]
    );
}

#[test]
fn reservation_utilization_filters_use_only_and_one_level_deep() {
    let request = |filter: &str| {
        utilization_request(&format!(
            r#"{{"TimePeriod":{{"Start":"2024-01-01","End":"2024-02-01"}},"Filter":{filter}}}"#
        ))
    };
    let leaf = r#"{"Dimensions":{"Key":"REGION","Values":["us-east-1"]}}"#;
    assert_eq!(errors(&request(leaf)), Vec::<String>::new());
    assert_eq!(
        errors(&request(&format!(r#"{{"And":[{leaf},{leaf}]}}"#))),
        Vec::<String>::new()
    );
    let message = "only And is supported, nested at most one level deep";
    assert_eq!(
        errors(&request(&format!(r#"{{"Or":[{leaf},{leaf}]}}"#))),
        [format!("Filter.Or: {message}")]
    );
    assert_eq!(
        errors(&request(&format!(r#"{{"Not":{leaf}}}"#))),
        [format!("Filter.Not: {message}")]
    );
    assert_eq!(
        errors(&request(&format!(
            r#"{{"And":[{leaf},{{"And":[{leaf},{leaf}]}}]}}"#
        ))),
        [format!("Filter.And[1].And: {message}")]
    );
    // GetCostAndUsage has no such rule: the same nesting is fine there.
    let cost = cost_request(&format!(
        r#"{{"TimePeriod":{{"Start":"2024-01-01","End":"2024-02-01"}},"Granularity":"DAILY","Metrics":["UnblendedCost"],"Filter":{{"Or":[{leaf},{{"Not":{leaf}}}]}}}}"#
    ));
    assert_eq!(errors(&cost), Vec::<String>::new());
}

/// The rules about today (`lookback`, `notFuture`): checked by `validate_at(today)`, the
/// caller's clock, each with the sentence of the documentation it quotes; `validate()`
/// (no clock) leaves them alone.
#[test]
fn how_far_back_each_granularity_reaches_is_checked_against_a_clock() {
    let day = |t: &str| cloudcost_types::chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d").unwrap();
    let at = |today: &str, granularity: &str, start: &str, end: &str| -> Vec<String> {
        let request = cost_request(&format!(
            r#"{{"TimePeriod":{{"Start":"{start}","End":"{end}"}},"Granularity":"{granularity}","Metrics":["UnblendedCost"]}}"#
        ));
        assert_eq!(
            errors(&request),
            Vec::<String>::new(),
            "validate() has no clock"
        );
        match request.validate_at(day(today)) {
            Ok(()) => Vec::new(),
            Err(e) => e.errors.iter().map(ToString::to_string).collect(),
        }
    };
    let hourly = "TimePeriod.Start: HOURLY data reaches back 14 days only; start on or after today minus 14 days";
    let daily = "TimePeriod.Start: DAILY data reaches back to the first of the month 13 months before this one";
    let monthly = "TimePeriod.Start: MONTHLY data reaches back 38 months at most (with multi-year data enabled; 13 without)";
    let future = "TimePeriod.Start: must not be after today (UTC)";
    let cases: [(&str, &str, &str, &str, &[&str]); 9] = [
        (
            "2024-06-15",
            "HOURLY",
            "2024-06-01T00:00:00Z",
            "2024-06-02T00:00:00Z",
            &[],
        ),
        (
            "2024-06-15",
            "HOURLY",
            "2024-05-31T23:00:00Z",
            "2024-06-02T00:00:00Z",
            &[hourly],
        ),
        ("2024-06-15", "DAILY", "2023-05-01", "2023-06-01", &[]),
        ("2024-06-15", "DAILY", "2023-04-30", "2023-06-01", &[daily]),
        ("2024-06-15", "MONTHLY", "2021-04-01", "2021-05-01", &[]),
        (
            "2024-06-15",
            "MONTHLY",
            "2021-03-31",
            "2021-05-01",
            &[monthly],
        ),
        ("2024-06-15", "DAILY", "2024-06-15", "2024-06-16", &[]),
        ("2024-06-15", "DAILY", "2024-06-16", "2024-06-17", &[future]),
        // The README's and the mock's documented example, on the day it was written.
        ("2017-10-25", "MONTHLY", "2017-09-01", "2017-10-01", &[]),
    ];
    for (today, granularity, start, end, expected) in cases {
        assert_eq!(
            at(today, granularity, start, end),
            expected,
            "{today} {granularity} {start}"
        );
    }
}
