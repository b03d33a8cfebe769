//! `--group-by` more than twice, against the ledger mock: the three-key query's rows sum
//! exactly to the two-key query's groups, every row carries three keys, the plan shows the
//! discovery request and the requests per value, and its bounds hold for the run.

use cloudcost_mock::cloudcost_ledger::Size;
use cloudcost_types::rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::process::Output;

mod support;

/// `cloudcost --endpoint-url <url> <args>`, run to its end.
fn run(url: &str, args: &[&str]) -> Output {
    support::cloudcost(&[&["--endpoint-url", url], args].concat())
        .output()
        .expect("run cloudcost")
}

/// Amounts by (period start, first key, second key).
type Sums = BTreeMap<(String, String, String), Decimal>;

/// Amounts by (period start, first two keys), and the number of keys each group had.
fn sums(out: &Output) -> (Sums, Vec<usize>) {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let mut sums = BTreeMap::new();
    let mut widths = Vec::new();
    for period in doc["ResultsByTime"].as_array().expect("periods") {
        let start = period["TimePeriod"]["Start"]
            .as_str()
            .expect("start")
            .to_string();
        for group in period["Groups"].as_array().expect("groups") {
            let keys = group["Keys"].as_array().expect("keys");
            widths.push(keys.len());
            let amount: Decimal = group["Metrics"]["UnblendedCost"]["Amount"]
                .as_str()
                .expect("amount")
                .parse()
                .expect("a decimal");
            let key = |i: usize| keys[i].as_str().expect("key").to_string();
            *sums.entry((start.clone(), key(0), key(1))).or_default() += amount;
        }
    }
    (sums, widths)
}

#[test]
fn three_groupings_sum_exactly_to_two() {
    let mock = support::Mock::start(Size::default(), 500);
    let url = mock.url();
    let base = [
        "ce",
        "get-cost-and-usage",
        "--time-period",
        "Start=2024-01-01,End=2024-04-01",
        "--granularity",
        "MONTHLY",
        "--metrics",
        "UnblendedCost",
        "--all-pages",
        "--group-by",
        "Type=DIMENSION,Key=SERVICE",
        "Type=DIMENSION,Key=REGION",
    ];
    let mut three: Vec<&str> = base.to_vec();
    three.push("Type=DIMENSION,Key=LINKED_ACCOUNT");

    let plan = run(&url, &[three.as_slice(), &["--plan"]].concat());
    let plan_text = String::from_utf8_lossy(&plan.stdout).into_owned();
    assert_eq!(
        plan.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&plan.stderr)
    );
    assert!(
        plan_text.contains("request 1: the values of LINKED_ACCOUNT, grouped by them;"),
        "{plan_text}"
    );
    assert!(
        plan_text.contains("request 2: one per value of LINKED_ACCOUNT found"),
        "{plan_text}"
    );
    assert!(
        plan_text.contains("requests: at least 1, at most 100\n"),
        "{plan_text}"
    );
    assert_eq!(
        mock.server().request_counts().requests(),
        0,
        "--plan sent a request"
    );

    let (two_sums, two_widths) = sums(&run(&url, &base));
    let two_requests = mock.server().request_counts().billable_requests();
    let (three_sums, three_widths) = sums(&run(&url, &three));
    let three_requests = mock.server().request_counts().billable_requests() - two_requests;
    assert!(two_widths.iter().all(|w| *w == 2));
    assert!(!three_widths.is_empty() && three_widths.iter().all(|w| *w == 3));
    assert!(
        three_widths.len() > two_widths.len(),
        "accounts split no group"
    );
    assert_eq!(
        three_sums, two_sums,
        "the three-key rows do not add up to the two-key groups"
    );
    // One discovery request and one per account (each a single page here), within the plan.
    assert!((2..=100).contains(&three_requests), "{three_requests}");

    // Extra keys that are not dimensions are refused, naming the flag.
    let mut tag = base.to_vec();
    tag.push("Type=TAG,Key=team");
    let out = run(&url, &tag);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--group-by: groups past the second"));
}
