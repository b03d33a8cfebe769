//! Bad input never panics and always says where: every kind of constraint violation, a
//! missing required field, a wrong JSON type, truncated JSON.

use cloudcost_aws_ce_model as ce;
use cloudcost_aws_inspector2_model as inspector;
use cloudcost_scp_ce_model as scp;
use cloudcost_types::rust_decimal::Decimal;
use cloudcost_types::{DecodeErrorKind, ValidationErrors};

fn messages(e: ValidationErrors) -> Vec<String> {
    e.errors.iter().map(ToString::to_string).collect()
}

fn cost_request() -> ce::GetCostAndUsageRequest {
    ce::from_str(r#"{"TimePeriod":{"Start":"2017-09-01","End":"2017-10-01"},"Granularity":"MONTHLY","Metrics":["BlendedCost"]}"#)
        .unwrap()
}

#[test]
fn a_valid_request_passes() {
    cost_request().validate().unwrap();
}

#[test]
fn list_items_patterns_ranges_and_lengths_are_all_reported_with_paths() {
    let request = inspector::ListUsageTotalsRequest::builder()
        .account_ids(["123456789012", "12345", "x123456789012y", "abc"])
        .max_results(501)
        .next_token("")
        .build()
        .unwrap();
    assert_eq!(
        messages(request.validate().unwrap_err()),
        // In the spec's member order.
        [
            "maxResults: must be at most 500, got 501",
            "nextToken: length must be at least 1, got 0",
            "accountIds[1]: must match .*[0-9]{12}.*",
            "accountIds[3]: must match .*[0-9]{12}.*",
        ]
    );
}

#[test]
fn list_length_bounds() {
    let empty = inspector::BatchGetFreeTrialInfoRequest::builder()
        .account_ids(Vec::<String>::new())
        .build()
        .unwrap();
    assert_eq!(
        messages(empty.validate().unwrap_err()),
        ["accountIds: number of items must be at least 1, got 0"]
    );
    let many = inspector::BatchGetFreeTrialInfoRequest::builder()
        .account_ids(vec!["123456789012"; 101])
        .build()
        .unwrap();
    assert_eq!(
        messages(many.validate().unwrap_err()),
        ["accountIds: number of items must be at most 100, got 101"]
    );
}

#[test]
fn nested_members_and_string_length_in_characters() {
    let mut request = cost_request();
    request.metrics.push("é".repeat(1025).into());
    request.billing_view_arn = Some("arn:aws:billing::123:billingview/x".into());
    request.filter = Some(Box::new(
        ce::Expression::builder()
            .cost_categories(
                ce::CostCategoryValues::builder()
                    .key(" leading space")
                    .build()
                    .unwrap(),
            )
            .product_attributes(
                ce::ProductAttributeValues::builder()
                    .key("1bad")
                    .values(Vec::<String>::new())
                    .build()
                    .unwrap(),
            )
            .build()
            .unwrap(),
    ));
    let errors = messages(request.validate().unwrap_err());
    assert!(
        errors.contains(&"Metrics[1]: length must be at most 1024, got 1025".to_string()),
        "{errors:#?}"
    );
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with("BillingViewArn: must match ^arn:aws")),
        "{errors:#?}"
    );
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with("Filter.CostCategories.Key: must match ")),
        "{errors:#?}"
    );
    assert!(
        errors.contains(
            &"Filter.ProductAttributes.Key: must match ^([a-zA-Z][a-zA-Z0-9]*)?$".to_string()
        ),
        "{errors:#?}"
    );
    assert!(
        errors.contains(
            &"Filter.ProductAttributes.Values: number of items must be at least 1, got 0"
                .to_string()
        ),
        "{errors:#?}"
    );
}

#[test]
fn cost_category_names_follow_the_official_rule_without_look_around() {
    // The official pattern forbids a leading or trailing U+0020 but allows other spaces.
    let check = |name: &str| {
        let mut request = cost_request();
        request.filter = Some(Box::new(
            ce::Expression::builder()
                .cost_categories(ce::CostCategoryValues::builder().key(name).build().unwrap())
                .build()
                .unwrap(),
        ));
        request.validate().is_ok()
    };
    assert!(check("Team"));
    assert!(check("Team A-b_c"));
    assert!(check("Équipe 42"));
    assert!(check("\u{00A0}nbsp-edge\u{3000}"));
    assert!(!check(" Team"));
    assert!(!check("Team "));
    assert!(!check("Team/A"));
}

#[test]
fn integer_minimum_and_decimal_minimum() {
    let request: ce::GetReservationUtilizationRequest =
        ce::from_str(r#"{"TimePeriod":{"Start":"2017-07-01","End":"2017-10-01"},"MaxResults":0}"#)
            .unwrap();
    assert_eq!(
        messages(request.validate().unwrap_err()),
        ["MaxResults: must be at least 1, got 0"]
    );

    use cloudcost_types::Validate;
    let usage = inspector::Usage::builder()
        .total(Decimal::new(-5, 1))
        .build()
        .unwrap();
    assert_eq!(
        messages(usage.validate().unwrap_err()),
        ["total: must be at least 0, got -0.5"]
    );
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let mut expr = ce::Expression::default();
    for _ in 0..10_000 {
        expr = ce::Expression::builder().not(expr).build().unwrap();
    }
    let mut request = cost_request();
    request.filter = Some(Box::new(expr));
    let errors = request.validate().unwrap_err();
    assert_eq!(errors.errors.len(), 1);
    assert!(
        errors.errors[0].message.contains("nested deeper than"),
        "{errors}"
    );
    // Dropping 10,000 nested boxes recursively is serde's and std's business; keep the test
    // about validation by leaking the value instead of risking the drop's recursion.
    std::mem::forget(request);
}

#[test]
fn missing_required_fields_name_their_path() {
    let e = ce::from_str::<ce::GetCostAndUsageRequest>(
        r#"{"TimePeriod":{"Start":"2017-09-01"},"Granularity":"DAILY","Metrics":[]}"#,
    )
    .unwrap_err();
    assert_eq!(
        (e.path.as_str(), e.message.as_str(), e.kind),
        ("TimePeriod", "missing field `End`", DecodeErrorKind::Data)
    );
    assert_eq!(
        e.to_string(),
        "at `TimePeriod`: missing field `End` (line 1, column 36, byte offset 35)"
    );

    let e = ce::from_str::<ce::GetReservationUtilizationResponse>("{}").unwrap_err();
    assert_eq!(e.message, "missing field `UtilizationsByTime`");

    let e = inspector::from_str::<inspector::BatchGetFreeTrialInfoResponse>(
        r#"{"accounts":[{"accountId":"123456789012","freeTrialInfo":[{"type":"EC2","start":1,"status":"ACTIVE"}]}],"failedAccounts":[]}"#,
    )
    .unwrap_err();
    assert_eq!(e.path, "accounts[0].freeTrialInfo[0]");
    assert_eq!(e.message, "missing field `end`");
}

#[test]
fn wrong_json_types_name_the_field_and_offset() {
    let text =
        r#"{"TimePeriod":{"Start":"2017-09-01","End":"2017-10-01"},"Granularity":5,"Metrics":[]}"#;
    let e = ce::from_str::<ce::GetCostAndUsageRequest>(text).unwrap_err();
    assert_eq!(e.path, "Granularity");
    assert!(e.message.contains("expected a string"), "{e}");
    assert_eq!(&text[e.offset..e.offset + 1], "5");

    let e = ce::from_str::<ce::GetCostAndUsageResponse>(
        r#"{"ResultsByTime":[{"Total":{"BlendedCost":{"Amount":"12.x","Unit":"USD"}}}]}"#,
    )
    .unwrap_err();
    assert_eq!(e.path, "ResultsByTime[0].Total.BlendedCost.Amount");
    assert!(e.message.contains("expected a decimal number"), "{e}");

    let e = ce::from_str::<ce::DateInterval>(r#"{"Start":"2017-02-30","End":"2017-10-01"}"#)
        .unwrap_err();
    assert_eq!(e.path, "Start");

    let e = scp::from_str::<scp::UsageListResponse>(
        r#"{"usages":[{"usage_date":"2024-08-01 00:00"}]}"#,
    )
    .unwrap_err();
    assert_eq!(e.path, "usages[0].usage_date");
}

#[test]
fn truncated_json_reports_the_end_offset() {
    let full = std::fs::read_to_string(
        cloudcost_tests::root().join("specs/examples/aws-ce/GetCostAndUsage.response.json"),
    )
    .unwrap();
    for cut in [1, full.len() / 3, full.len() / 2, full.len() - 2] {
        let e = ce::from_str::<ce::GetCostAndUsageResponse>(&full[..cut]).unwrap_err();
        assert_eq!(e.kind, DecodeErrorKind::Eof, "cut at {cut}: {e}");
        assert_eq!(e.offset, cut);
    }
}

#[test]
fn unknown_fields_are_ignored_and_unknown_enum_values_kept() {
    let r: ce::GetCostAndUsageRequest = ce::from_str(
        r#"{"TimePeriod":{"Start":"2017-09-01","End":"2017-10-01"},"Granularity":"FORTNIGHTLY","Metrics":[],"NewField":{"x":1}}"#,
    )
    .unwrap();
    assert_eq!(
        r.granularity,
        ce::Granularity::Unknown("FORTNIGHTLY".into())
    );
    assert!(r.granularity.is_unknown());
    let back = serde_json::to_value(&r).unwrap();
    assert_eq!(back["Granularity"], "FORTNIGHTLY");
    assert!(back.get("NewField").is_none());
    assert_eq!(ce::Granularity::from("DAILY"), ce::Granularity::Daily);
    assert_eq!(ce::Granularity::Daily.to_string(), "DAILY");
}

#[test]
fn documented_quirks_decode() {
    let root = cloudcost_tests::root();
    let bytes =
        std::fs::read(root.join("specs/examples/aws-ce/GetReservationUtilization.response.json"))
            .unwrap();
    let r: ce::GetReservationUtilizationResponse = ce::from_slice(&bytes).unwrap();
    let total = r.utilizations_by_time[0].total.as_ref().unwrap();
    // 34 significant digits, rounded to Decimal's 28-29.
    assert_eq!(
        total.utilization_percentage.unwrap().to_string(),
        "69.113683209132709687648644363"
    );
    assert_eq!(total.purchased_hours, Some(Decimal::from(6307)));
    let group = &r.utilizations_by_time[0].groups.as_ref().unwrap()[1];
    let attributes = group.attributes.as_ref().unwrap();
    assert_eq!(attributes[""], Some("0123456789".into()));
    assert_eq!(attributes["AccountName"], None);

    let bytes =
        std::fs::read(root.join("specs/examples/aws-ce/GetReservationUtilization.request.json"))
            .unwrap();
    let r: ce::GetReservationUtilizationRequest = ce::from_slice(&bytes).unwrap();
    assert_eq!(
        r.group_by.unwrap()[0].type_,
        Some(ce::GroupDefinitionType::Unknown("Dimension".into()))
    );
}
