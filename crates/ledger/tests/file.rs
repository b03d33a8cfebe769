//! The ledger file: the examples load, generated and explicit ledgers round-trip exactly
//! through `to_yaml`/`from_yaml`, and bad input is refused with its path and reason.

use cloudcost_ledger::{Ledger, LedgerError, Size};
use cloudcost_types::chrono::{Duration, NaiveDate};
use cloudcost_types::rust_decimal::Decimal;

const ORG: &str = include_str!("../examples/org.yaml");
const ITEMS: &str = include_str!("../examples/items.yaml");

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn refused(text: &str) -> LedgerError {
    match Ledger::from_yaml(text) {
        Ok(_) => panic!("accepted:\n{text}"),
        Err(e) => e,
    }
}

#[test]
fn the_examples_load() {
    let l = Ledger::from_yaml(ORG).unwrap();
    assert_eq!(l.seed(), Some(7));
    assert_eq!(l.organisation().accounts.len(), 2);
    assert!(!l.items_on(d("2024-03-01")).is_empty());
    assert!(l.items_on(d("2024-07-01")).is_empty());
    let reservation = &l.organisation().reservations[0];
    assert_eq!(reservation.hours, 48);

    let l = Ledger::from_yaml(ITEMS).unwrap();
    assert_eq!(l.seed(), None);
    let day2 = l.items_on(d("2024-03-02"));
    assert_eq!(day2.len(), 2);
    assert_eq!(day2[0].metrics.usage_unit, "Hrs");
    assert_eq!(
        day2[0].cost_categories,
        vec![("BusinessUnit".to_string(), "Retail".to_string())]
    );
    // Written "1.9968": kept exactly, at the fixed scale of money.
    assert_eq!(
        day2[0].metrics.amounts[cloudcost_ledger::Metric::UnblendedCost.index()].to_string(),
        "1.9968000000"
    );
    assert!(day2[1].cost_categories.is_empty());
}

#[test]
fn generated_ledgers_round_trip() {
    for seed in [0, 1, 42, u64::MAX] {
        let l = Ledger::generate(seed, Size::default());
        let text = l.to_yaml();
        let back = Ledger::from_yaml(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(back, l);
        assert_eq!(back.to_yaml(), text);
        for day in ["2024-01-01", "2024-06-15", "2024-12-31"] {
            assert_eq!(back.items_on(d(day)), l.items_on(d(day)));
        }
    }
}

#[test]
fn explicit_ledgers_round_trip() {
    let l = Ledger::from_yaml(ITEMS).unwrap();
    let text = l.to_yaml();
    let back = Ledger::from_yaml(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert_eq!(back, l);
    assert_eq!(back.to_yaml(), text);

    // A generated month written out as explicit items answers the same.
    let generated = Ledger::generate(9, Size::default());
    let mut items = Vec::new();
    let mut day = d("2024-02-01");
    while day < d("2024-02-08") {
        items.extend(generated.items_on(day));
        day += Duration::days(1);
    }
    let mut cal = generated.calendar().clone();
    cal.start = d("2024-02-01");
    cal.end = d("2024-02-08");
    let explicit = Ledger::with_items(generated.organisation().clone(), cal, &items).unwrap();
    let back = Ledger::from_yaml(&explicit.to_yaml()).unwrap();
    assert_eq!(back, explicit);
    // The same items, in the order keys first appear.
    let sorted = |mut v: Vec<cloudcost_ledger::LineItem>| {
        v.sort_by_key(|i| format!("{i:?}"));
        v
    };
    for day in ["2024-02-01", "2024-02-07"] {
        let (a, b) = (
            sorted(back.items_on(d(day))),
            sorted(generated.items_on(d(day))),
        );
        assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(&b) {
            assert_eq!(x, y);
        }
    }
}

/// The example with one line replaced.
fn edit(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "no `{from}` in the example");
    text.replacen(from, to, 1)
}

#[test]
fn bad_input_names_the_path_and_the_reason() {
    let cases: &[(&str, &str, &str, &str)] = &[
        (
            "    hours: 48                    # purchased per day (default instances × 24)",
            "    hours: -3",
            "reservations[0].hours",
            "expected a non-negative number, found -3",
        ),
        (
            "      - {value: Retail, dimension: LINKED_ACCOUNT, values: [\"222233334444\"]}",
            "      - {value: Retail, dimension: LINKED_ACOUNT, values: [\"222233334444\"]}",
            "cost_categories[0].rules[0].dimension",
            "unknown dimension `LINKED_ACOUNT`",
        ),
        (
            "    price: \"0.0416\"",
            "    price: \"ten cents\"",
            "services[0].usage_types[0].price",
            "expected a decimal number, found \"ten cents\"",
        ),
        (
            "payer: {id: \"111122223333\", name: Management}",
            "payer: {id: \"11112222333\", name: Management}",
            "payer.id",
            "expected a 12-digit account id",
        ),
        (
            "  - {id: \"333344445555\", name: Development}",
            "  - {id: \"333344445555\", nmae: Development}",
            "accounts[1].name",
            "missing",
        ),
        (
            "    account: \"222233334444\"\n    service: Amazon Elastic",
            "    account: \"999999999999\"\n    service: Amazon Elastic",
            "reservations[0].account",
            "unknown account `999999999999`",
        ),
        (
            "    usage_type: BoxUsage:t3.medium\n    region: us-east-1\n    instances: 2",
            "    usage_type: BoxUsage:t9.huge\n    region: us-east-1\n    instances: 2",
            "reservations[0].usage_type",
            "unknown usage type `BoxUsage:t9.huge`",
        ),
        (
            "  end: 2024-07-01          # exclusive: the ledger's \"now\"",
            "  end: 2024-13-01",
            "calendar.end",
            "expected a date (YYYY-MM-DD), found \"2024-13-01\"",
        ),
        (
            "  end: 2024-07-01          # exclusive: the ledger's \"now\"",
            "  end: 2023-07-01",
            "calendar.end",
            "must be after calendar.start",
        ),
        (
            "generate:\n  seed: 7",
            "generate:\n  seed: seven",
            "generate.seed",
            "expected a non-negative number, found \"seven\"",
        ),
        (
            "      daily_krw: \"12000\"",
            "      daily_krw: \"12000\"\n      colour: blue",
            "scp.resources[0].colour",
            "unknown field",
        ),
        (
            "      billing_item: BLOCK_STORAGE",
            "      billing_item: GPU_SERVER",
            "scp.resources[1].billing_item",
            "unknown billing item `GPU_SERVER`",
        ),
        (
            "  hourly_days: 14          # the last 14 days also have hourly items",
            "  hourly_days: 4000000000",
            "",
            "",
        ),
        (
            "discount_rate: \"0.03\"",
            "discount_rate: \"1.5\"",
            "discount_rate",
            "expected a rate from 0 up to (not including) 1",
        ),
    ];
    for (from, to, path, reason) in cases {
        if path.is_empty() {
            // Accepted, and harmless: every day is hourly.
            let l = Ledger::from_yaml(&edit(ORG, from, to)).unwrap();
            assert_eq!(l.calendar().hourly_start(), l.calendar().start);
            continue;
        }
        let e = refused(&edit(ORG, from, to));
        assert_eq!(e.path, *path, "{e}");
        assert!(e.reason.contains(reason), "{e}");
        assert!(e.to_string().starts_with(&format!("{path}: ")), "{e}");
    }
}

#[test]
fn bad_items_name_the_path_and_the_reason() {
    let cases: &[(&str, &str, &str, &str)] = &[
        (
            "    record_type: Credit",
            "    record_type: Credits",
            "items[3].record_type",
            "unknown record type `Credits`",
        ),
        (
            "metrics: {UnblendedCost: \"0.115\", UsageQuantity: \"5\"}",
            "metrics: {UnblendedCost: \"0.115\", UsageQuantity: \"five\"}",
            "items[2].metrics.UsageQuantity",
            "expected a decimal number, found \"five\"",
        ),
        (
            "metrics: {UnblendedCost: \"0.115\", UsageQuantity: \"5\"}",
            "metrics: {UnblendedCosts: \"0.115\"}",
            "items[2].metrics.UnblendedCosts",
            "unknown metric",
        ),
        (
            "  - day: 2024-03-03",
            "  - day: 2024-03-09",
            "items[3].day",
            "outside the calendar",
        ),
        (
            "    account: \"111122223333\"",
            "    account: \"111122223334\"",
            "items[2].account",
            "unknown account `111122223334`",
        ),
        (
            "metrics: {UnblendedCost: \"0.115\", UsageQuantity: \"5\"}",
            "metrics: {UnblendedCost: 0.12345678901234567, UsageQuantity: \"5\"}",
            "items[2].metrics.UnblendedCost",
            "quote it",
        ),
        (
            "metrics: {UnblendedCost: \"0.115\", UsageQuantity: \"5\"}",
            "metrics: {UnblendedCost: \"79228162514264337593543950335\"}",
            "items[2].metrics.UnblendedCost",
            "too large",
        ),
    ];
    for (from, to, path, reason) in cases {
        let e = refused(&edit(ITEMS, from, to));
        assert_eq!(e.path, *path, "{e}");
        assert!(e.reason.contains(reason), "{e}");
    }
    // Both or neither of `generate` and `items`.
    let both = format!("{ITEMS}generate: {{seed: 1}}\n");
    assert_eq!(refused(&both).path, "items");
    let neither = ITEMS.split("\nitems:").next().unwrap();
    assert!(refused(neither).reason.contains("expected `generate`"));
    assert!(refused("calendar: [").reason.starts_with("not YAML"));
}

#[test]
fn unquoted_short_numbers_are_exact() {
    let text = edit(
        ITEMS,
        "{UnblendedCost: \"0.115\", UsageQuantity: \"5\"}",
        "{UnblendedCost: 0.115, UsageQuantity: 5}",
    );
    let l = Ledger::from_yaml(&text).unwrap();
    let item = &l.items_on(d("2024-03-02"))[1];
    assert_eq!(
        item.metrics.amount(cloudcost_ledger::Metric::UnblendedCost),
        Decimal::new(115, 3)
    );
}
