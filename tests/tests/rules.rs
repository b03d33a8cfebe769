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
