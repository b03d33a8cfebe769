//! The converters on the documented examples and on pages with credits, refunds and zero
//! rows; bad input reported with its page, row and field, or marked; the CSV and Parquet
//! writers keep every decimal exact; the partitioned directory appears only when complete;
//! the committed JSON Schema is the row's.

use cloudcost_aws_ce_model::GetCostAndUsageResponse;
use cloudcost_focus::{aws, scp, Cell, ConvertError, CsvWriter, Dataset, Format, OnGap, COLUMNS};
use cloudcost_scp_ce_model::UsageListResponse;
use cloudcost_types::rust_decimal::Decimal;

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");

fn read(path: &str) -> String {
    std::fs::read_to_string(format!("{ROOT}/{path}")).unwrap()
}

fn aws_page(path: &str) -> GetCostAndUsageResponse {
    cloudcost_types::from_str(&read(path)).unwrap()
}

fn scp_page(text: &str) -> UsageListResponse {
    cloudcost_types::from_str(text).unwrap()
}

fn ctx(rt: &str) -> aws::AwsContext {
    aws::AwsContext {
        record_type: Some(rt.into()),
        billing_account_id: None,
    }
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

#[test]
fn the_documented_scp_example_is_one_row_in_utc() {
    let page = scp_page(&read("specs/examples/scp-ce/ListUsages.response.json"));
    let out = scp::convert_page(0, &page, scp::ScpCurrency::Krw, OnGap::Stop).unwrap();
    assert_eq!(out.rows.len(), 1);
    let row = &out.rows[0];
    assert_eq!(row.billed_cost.to_string(), "500.0000000000");
    assert_eq!(row.billing_currency.as_deref(), Some("KRW"));
    let csv = cloudcost_focus::cell_text(Cell::DateTime(row.charge_period_start));
    assert_eq!(csv, "2024-07-31T15:00:00Z");
    assert_eq!(row.service_category, "Compute");
    assert_eq!(row.billing_period, "2024-08");
    assert_eq!(row.pricing_quantity, None, "SCP has no usage quantity");
}

#[test]
fn the_documented_aws_example_lacks_the_account_key_and_says_so() {
    let page = aws_page("specs/examples/aws-ce/GetCostAndUsage.response.json");
    let err = aws::convert_page(3, &page, &ctx("Usage"), OnGap::Stop).unwrap_err();
    assert_eq!(
        err.to_string(),
        "page 3, the page: GroupDefinitions: no LINKED_ACCOUNT dimension; the export's queries group by it"
    );
}

#[test]
fn usage_credit_and_refund_pages_keep_every_amount() {
    let dir = "crates/focus/tests/data";
    let mut rows = Vec::new();
    for (file, rt, category) in [
        ("aws-usage.json", "Usage", "Usage"),
        ("aws-credit.json", "Credit", "Credit"),
        ("aws-refund.json", "Refund", "Adjustment"),
    ] {
        let page = aws_page(&format!("{dir}/{file}"));
        let out = aws::convert_page(0, &page, &ctx(rt), OnGap::Stop).unwrap();
        assert!(out.rows.iter().all(|r| r.charge_category == Some(category)));
        rows.extend(out.rows);
    }
    assert_eq!(
        rows.len(),
        5,
        "the empty day has no row, the zero group has one"
    );
    let billed: Decimal = rows.iter().map(|r| r.billed_cost).sum();
    let effective: Decimal = rows.iter().map(|r| r.effective_cost).sum();
    assert_eq!(billed, dec("7.2119324206"));
    assert_eq!(effective, dec("4.8662535195"));
    let first = &rows[0];
    assert_eq!(first.sub_account_name.as_deref(), Some("production"));
    assert_eq!(first.service_category, "Compute");
    assert_eq!(first.billing_period, "2024-08");
    assert_eq!(first.x_cost_rule, aws::COST_RULE);
    assert_eq!(first.list_cost, first.billed_cost);
    assert_eq!(
        first.billing_account_id, None,
        "not a Cost Explorer dimension"
    );
    let refund = rows.last().unwrap();
    assert_eq!(refund.charge_class, Some("Correction"));
}

fn usage_with(edit: impl Fn(&str) -> String) -> GetCostAndUsageResponse {
    let text = read("crates/focus/tests/data/aws-usage.json");
    cloudcost_types::from_str(&edit(&text)).unwrap()
}

#[test]
fn a_fee_with_an_amortized_cost_is_a_purchase_and_an_unused_usage() {
    let page = aws_page("crates/focus/tests/data/aws-usage.json");
    let out = aws::convert_page(0, &page, &ctx("RIFee"), OnGap::Stop).unwrap();
    // Two groups with an amortized cost are split, the zero one is not.
    assert_eq!(out.rows.len(), 5);
    let (purchase, unused) = (&out.rows[0], &out.rows[1]);
    assert_eq!(purchase.charge_category, Some("Purchase"));
    assert_eq!(
        (purchase.billed_cost, purchase.effective_cost),
        (dec("12.3456789012"), Decimal::ZERO)
    );
    assert_eq!(unused.charge_category, Some("Usage"));
    assert_eq!(
        (unused.billed_cost, unused.effective_cost),
        (Decimal::ZERO, dec("10.0000000001"))
    );
    assert_eq!(unused.x_record_type.as_deref(), Some("RIFee"));
    let billed: Decimal = out.rows.iter().map(|r| r.billed_cost).sum();
    let effective: Decimal = out.rows.iter().map(|r| r.effective_cost).sum();
    assert_eq!(
        (billed, effective),
        (dec("12.3456789013"), dec("10.0000000002"))
    );
}

#[test]
fn bad_aws_input_names_page_row_and_field() {
    let no_unit =
        usage_with(|t| t.replacen(r#""Amount": "0", "Unit": "USD""#, r#""Amount": "0""#, 1));
    let err = aws::convert_page(2, &no_unit, &ctx("Usage"), OnGap::Stop).unwrap_err();
    assert_eq!(
        err,
        ConvertError {
            page: 2,
            row: "ResultsByTime[0].Groups[1]".into(),
            field: "Metrics.UnblendedCost.Unit".into(),
            reason: "absent; expected an ISO 4217 currency code".into(),
        }
    );
    let bad_currency = usage_with(|t| t.replacen(r#""Unit": "USD""#, r#""Unit": "Dollars""#, 1));
    let err = aws::convert_page(0, &bad_currency, &ctx("Usage"), OnGap::Stop).unwrap_err();
    assert_eq!(
        err.to_string(),
        "page 0, ResultsByTime[0].Groups[0]: Metrics.UnblendedCost.Unit: `Dollars` is not an ISO 4217 currency code"
    );
    let page = usage_with(|t| t.to_string());
    let err = aws::convert_page(1, &page, &ctx("Bonus"), OnGap::Stop).unwrap_err();
    assert_eq!(err.field, "RECORD_TYPE");
    assert!(
        err.reason
            .contains("`Bonus` is not in the ChargeCategory table"),
        "{err}"
    );

    // Marked: every row is written, the bad ones say why and leave the column null.
    let out = aws::convert_page(0, &bad_currency, &ctx("Usage"), OnGap::Mark).unwrap();
    assert_eq!((out.rows.len(), out.gaps), (3, 1));
    assert_eq!(out.rows[0].billing_currency, None);
    assert!(out.rows[0].x_gap.as_deref().unwrap().contains("Dollars"));
    let out = aws::convert_page(0, &page, &ctx("Bonus"), OnGap::Mark).unwrap();
    assert_eq!(out.gaps, 3);
    assert!(out.rows.iter().all(|r| r.charge_category.is_none()));
}

#[test]
fn discovery_finds_record_types_and_refuses_unknown_ones() {
    let text = r#"{"GroupDefinitions": [{"Type": "DIMENSION", "Key": "RECORD_TYPE"}],
      "ResultsByTime": [{"TimePeriod": {"Start": "2024-08-01", "End": "2024-09-01"}, "Total": {},
        "Groups": [{"Keys": ["Usage"], "Metrics": {}}, {"Keys": ["Tax"], "Metrics": {}},
                   {"Keys": ["Usage"], "Metrics": {}}]}]}"#;
    let page: GetCostAndUsageResponse = cloudcost_types::from_str(text).unwrap();
    let mut found = Vec::new();
    aws::record_types_of(0, &page, &mut found).unwrap();
    assert_eq!(found, ["Usage", "Tax"]);
    let page: GetCostAndUsageResponse =
        cloudcost_types::from_str(&text.replace("\"Tax\"", "\"Bonus\"")).unwrap();
    let err = aws::record_types_of(4, &page, &mut found).unwrap_err();
    assert_eq!(err.row, "ResultsByTime[0].Groups[1]");
    assert_eq!(err.page, 4);
}

#[test]
fn the_requests_group_by_two_keys_and_filter_the_record_type() {
    let req = aws::record_type_request(
        "2024-01-01".parse().unwrap(),
        "2025-01-01".parse().unwrap(),
        "Credit",
    )
    .unwrap();
    let json = serde_json_text(&req);
    assert!(json.contains(r#""GroupBy":[{"Key":"LINKED_ACCOUNT","Type":"DIMENSION"},{"Key":"SERVICE","Type":"DIMENSION"}]"#), "{json}");
    assert!(
        json.contains(r#""Filter":{"Dimensions":{"Key":"RECORD_TYPE","Values":["Credit"]}}"#),
        "{json}"
    );
    assert!(
        json.contains(r#""Metrics":["UnblendedCost","AmortizedCost"]"#),
        "{json}"
    );
}

fn serde_json_text(req: &cloudcost_aws_ce_model::GetCostAndUsageRequest) -> String {
    serde_json::to_string(req).unwrap()
}

#[test]
fn bad_scp_input_names_page_row_and_field() {
    let text = read("crates/focus/tests/data/scp-usages.json");
    let page = scp_page(&text.replace("Asia/Seoul", "Asia/Atlantis"));
    let err = scp::convert_page(5, &page, scp::ScpCurrency::Krw, OnGap::Stop).unwrap_err();
    assert_eq!(
        err.to_string(),
        "page 5, usages[0]: timezone: `Asia/Atlantis` is not in the zone database"
    );
    let out = scp::convert_page(5, &page, scp::ScpCurrency::Krw, OnGap::Mark).unwrap();
    assert_eq!(out.gaps, 3);
    assert!(out.rows.iter().all(|r| r.charge_period_start.is_none()));
    let page = scp_page(&text.replace(r#""timezone": "Asia/Seoul","#, ""));
    let err = scp::convert_page(0, &page, scp::ScpCurrency::Krw, OnGap::Stop).unwrap_err();
    assert!(err.reason.contains("never read as UTC"), "{err}");
}

#[test]
fn csv_is_the_decimal_text() {
    let page = scp_page(&read("crates/focus/tests/data/scp-usages.json"));
    let out = scp::convert_page(0, &page, scp::ScpCurrency::Krw, OnGap::Stop).unwrap();
    let mut w = CsvWriter::new(Vec::new()).unwrap();
    for r in &out.rows {
        w.write(r).unwrap();
    }
    let text = String::from_utf8(w.finish().unwrap()).unwrap();
    let header = text.lines().next().unwrap();
    let names: Vec<&str> = COLUMNS.iter().map(|c| c.name).collect();
    assert_eq!(header, names.join(","));
    assert!(
        text.contains("1234.5678901234,C1,,KRW,2024-08-31T15:00:00Z,2024-07-31T15:00:00Z"),
        "{text}"
    );
    assert!(text.contains("\n-100.5,"), "{text}");
}

#[test]
fn the_dataset_is_partitioned_and_appears_only_when_complete() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("costs");
    let page = scp_page(&read("crates/focus/tests/data/scp-usages.json"));
    let rows = scp::convert_page(0, &page, scp::ScpCurrency::Krw, OnGap::Stop)
        .unwrap()
        .rows;
    let mut ds = Dataset::create(&out, Format::Csv, 100).unwrap();
    for r in rows.iter().cloned().chain(rows.iter().take(1).cloned()) {
        ds.write(r).unwrap();
    }
    assert!(!out.exists(), "nothing at the final name while writing");
    assert!(ds
        .staging()
        .join("billing_period=2024-08/part-0.csv")
        .exists());
    assert_eq!(ds.finish().unwrap(), (4, 2), "one file per period");
    for f in [
        "billing_period=2024-08/part-0.csv",
        "billing_period=2024-09/part-0.csv",
    ] {
        assert!(out.join(f).exists(), "{f}");
    }
    let august = std::fs::read_to_string(out.join("billing_period=2024-08/part-0.csv")).unwrap();
    assert_eq!(
        august.lines().count(),
        3,
        "a header and the period's two rows: {august}"
    );
    let err = Dataset::create(&out, Format::Csv, 100).err().unwrap();
    assert!(err.to_string().contains("exists and is not empty"), "{err}");
}

#[test]
fn the_committed_schema_is_the_rows() {
    let path = format!("{ROOT}/crates/focus/FocusRow.schema.json");
    let want = cloudcost_focus::json_schema();
    if std::env::var_os("FOCUS_SCHEMA_WRITE").is_some() {
        std::fs::write(&path, &want).unwrap();
    }
    assert_eq!(
        std::fs::read_to_string(&path).unwrap_or_default(),
        want,
        "crates/focus/FocusRow.schema.json is stale: FOCUS_SCHEMA_WRITE=1 cargo test -p cloudcost-focus"
    );
}

#[test]
fn at_most_max_open_files_are_open_and_a_closed_period_gets_its_next_part() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("costs");
    let page = scp_page(&read("crates/focus/tests/data/scp-usages.json"));
    let row = scp::convert_page(0, &page, scp::ScpCurrency::Krw, OnGap::Stop)
        .unwrap()
        .rows
        .remove(0);
    let mut ds = Dataset::create(&out, Format::Csv, 100).unwrap();
    let periods: Vec<String> = (0..=cloudcost_focus::MAX_OPEN)
        .map(|i| format!("20{:02}-01", i + 10))
        .collect();
    // Every period once (the 13th closes the first), then the first again.
    for p in periods.iter().chain(&periods[..1]) {
        let mut r = row.clone();
        r.billing_period = p.as_str().into();
        ds.write(r).unwrap();
    }
    assert_eq!(ds.finish().unwrap(), (14, 14));
    assert!(out.join("billing_period=2010-01/part-1.csv").exists());
    assert!(out.join("billing_period=2022-01/part-0.csv").exists());
}

#[test]
fn scp_in_usd_and_an_empty_page() {
    let page = scp_page(&read("crates/focus/tests/data/scp-usages.json"));
    let out = scp::convert_page(0, &page, scp::ScpCurrency::Usd, OnGap::Stop).unwrap();
    let billed: Vec<String> = out.rows.iter().map(|r| r.billed_cost.to_string()).collect();
    assert_eq!(billed, ["0.9", "0", "-0.07"]);
    assert!(out
        .rows
        .iter()
        .all(|r| r.billing_currency.as_deref() == Some("USD")));
    let empty = scp_page(r#"{"timezone": "Asia/Seoul", "count": 0, "usages": []}"#);
    let out = scp::convert_page(1, &empty, scp::ScpCurrency::Krw, OnGap::Stop).unwrap();
    assert_eq!((out.rows.len(), out.gaps), (0, 0));
}
