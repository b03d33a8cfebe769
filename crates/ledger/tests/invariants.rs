//! The invariants of the ledger's answers, as properties over random seeds, sizes and
//! queries: daily sums to monthly, groups sum to the total, a filter and its Not partition
//! the total, hours sum to days, the fast evaluation agrees with adding up `items_on`,
//! and generation is deterministic and survives the ledger file.

use std::collections::BTreeMap;

use cloudcost_ledger::{
    CostAnswer, CostQuery, Expr, Granularity, GroupKey, Ledger, MatchOption, Metric, Size,
};
use cloudcost_types::chrono::{Duration, NaiveDate};
use cloudcost_types::rust_decimal::Decimal;
use proptest::prelude::*;
use proptest::sample::select;

fn base() -> NaiveDate {
    NaiveDate::from_ymd_opt(2023, 1, 1).unwrap()
}

/// A small random organisation and calendar.
fn size() -> impl Strategy<Value = Size> {
    (
        1u32..=4,
        1u32..=9,
        1u32..=3,
        0u32..=3,
        0i64..400,
        20i64..80,
        0i64..90,
        0u32..=14,
    )
        .prop_map(
            |(linked, services, regions, tags, start, len, close, hourly)| {
                let start = base() + Duration::days(start);
                Size {
                    linked_accounts: linked,
                    services,
                    regions,
                    tags,
                    start,
                    end: start + Duration::days(len),
                    close: start + Duration::days(close),
                    hourly_days: hourly,
                }
            },
        )
}

fn metrics() -> impl Strategy<Value = Vec<String>> {
    (1u8..128).prop_map(|mask| {
        Metric::ALL
            .iter()
            .enumerate()
            .filter(|(i, _)| mask & (1 << i) != 0)
            .map(|(_, m)| m.name().to_string())
            .collect()
    })
}

fn group_key() -> impl Strategy<Value = GroupKey> {
    select(vec![
        GroupKey::Dimension("LINKED_ACCOUNT".into()),
        GroupKey::Dimension("LINKED_ACCOUNT_NAME".into()),
        GroupKey::Dimension("SERVICE".into()),
        GroupKey::Dimension("REGION".into()),
        GroupKey::Dimension("USAGE_TYPE".into()),
        GroupKey::Dimension("RECORD_TYPE".into()),
        GroupKey::Dimension("INSTANCE_TYPE".into()),
        GroupKey::Dimension("PURCHASE_TYPE".into()),
        GroupKey::Dimension("USAGE_TYPE_GROUP".into()),
        GroupKey::Tag("Environment".into()),
        GroupKey::Tag("Team".into()),
        GroupKey::Tag("Project".into()),
        GroupKey::CostCategory("Workload".into()),
        GroupKey::CostCategory("BusinessUnit".into()),
    ])
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// A filter leaf: values that some items have and some do not.
fn leaf() -> impl Strategy<Value = Expr> {
    use MatchOption::*;
    let dim = |key: &'static str, values: Vec<&'static str>, options: Vec<Vec<MatchOption>>| {
        (
            proptest::sample::subsequence(values.clone(), 1..=values.len().min(2)),
            select(options),
        )
            .prop_map(move |(values, match_options)| Expr::Dimension {
                key: key.into(),
                values: strings(&values),
                match_options,
            })
    };
    let tag_options = vec![
        vec![],
        vec![Absent],
        vec![Equals, CaseInsensitive],
        vec![Absent, Equals],
        vec![StartsWith],
    ];
    prop_oneof![
        dim(
            "SERVICE",
            vec![
                "Amazon Elastic Compute Cloud - Compute",
                "Amazon Simple Storage Service",
                "AWS Lambda",
                "Amazon CloudFront"
            ],
            vec![vec![], vec![Equals, CaseSensitive]],
        ),
        dim(
            "SERVICE",
            vec!["Amazon", "AWS"],
            vec![vec![StartsWith], vec![Contains, CaseInsensitive]]
        ),
        dim(
            "REGION",
            vec!["us-east-1", "us-west-2", "eu-west-1", "global", "NoRegion"],
            vec![vec![]]
        ),
        dim(
            "RECORD_TYPE",
            vec![
                "Usage",
                "Tax",
                "Credit",
                "Refund",
                "RIFee",
                "DiscountedUsage"
            ],
            vec![vec![]]
        ),
        dim(
            "LINKED_ACCOUNT",
            vec!["1", "3", "5", "7", "9"],
            vec![vec![StartsWith]]
        ),
        dim(
            "USAGE_TYPE",
            vec!["BoxUsage", "Requests", "Storage", "USW2-", "Tax"],
            vec![vec![Contains], vec![EndsWith]]
        ),
        dim(
            "INSTANCE_TYPE",
            vec!["NoInstanceType", "t3.medium"],
            vec![vec![]]
        ),
        (
            select(vec!["Environment", "Team"]),
            proptest::sample::subsequence(
                vec!["Prod", "Dev", "Staging", "prod", "web", "data"],
                1..=2
            ),
            select(tag_options.clone())
        )
            .prop_map(|(key, values, match_options)| Expr::Tag {
                key: key.into(),
                values: strings(&values),
                match_options
            }),
        (
            select(vec!["Workload", "BusinessUnit"]),
            proptest::sample::subsequence(
                vec!["Compute", "Storage", "Other", "Retail", "Platform"],
                1..=2
            ),
            select(tag_options)
        )
            .prop_map(|(key, values, match_options)| Expr::CostCategory {
                key: key.into(),
                values: strings(&values),
                match_options
            }),
    ]
}

fn filter() -> impl Strategy<Value = Expr> {
    leaf().prop_recursive(2, 8, 3, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 1..3).prop_map(Expr::And),
            proptest::collection::vec(inner.clone(), 1..3).prop_map(Expr::Or),
            inner.prop_map(|e| Expr::Not(Box::new(e))),
        ]
    })
}

/// A query over (mostly) the calendar: starts up to 5 days before it, ends up to 10
/// days after.
fn query(size: &Size, start: i64, len: i64) -> (NaiveDate, NaiveDate) {
    let days = (size.end - size.start).num_days();
    let s = size.start + Duration::days(start.rem_euclid(days + 5) - 5);
    (s, s + Duration::days(1 + len.rem_euclid(days + 10)))
}

/// Per period start and group keys (none for the total), the amounts.
type Sums = BTreeMap<(String, Vec<String>), Vec<Decimal>>;

fn sums(a: &CostAnswer) -> Sums {
    let mut out = Sums::new();
    for p in &a.periods {
        if !p.total.is_empty() {
            out.insert(
                (p.start_text(), Vec::new()),
                p.total.iter().map(|m| m.1).collect(),
            );
        }
        for g in &p.groups {
            out.insert(
                (p.start_text(), g.keys.clone()),
                g.metrics.iter().map(|m| m.1).collect(),
            );
        }
    }
    out
}

fn add(into: &mut Vec<Decimal>, v: &[Decimal]) {
    if into.is_empty() {
        *into = vec![Decimal::ZERO; v.len()];
    }
    for (a, b) in into.iter_mut().zip(v) {
        *a += *b;
    }
}

/// The ungrouped total of every period, summed over groups if grouped.
fn totals(a: &CostAnswer) -> Vec<Vec<Decimal>> {
    a.periods
        .iter()
        .map(|p| {
            if p.groups.is_empty() {
                p.total.iter().map(|m| m.1).collect()
            } else {
                let mut t = Vec::new();
                for g in &p.groups {
                    add(&mut t, &g.metrics.iter().map(|m| m.1).collect::<Vec<_>>());
                }
                t
            }
        })
        .collect()
}

/// Amounts compared as numbers (an empty sum is zero).
fn same(a: &[Decimal], b: &[Decimal]) -> bool {
    let n = a.len().max(b.len());
    (0..n).all(|i| a.get(i).copied().unwrap_or_default() == b.get(i).copied().unwrap_or_default())
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 64,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn daily_amounts_sum_to_monthly(
        seed in any::<u64>(), size in size(), start in any::<i64>(), len in any::<i64>(),
        metrics in metrics(), group_by in proptest::collection::vec(group_key(), 0..=2),
        filter in proptest::option::of(filter()),
    ) {
        let ledger = Ledger::generate(seed, size.clone());
        let (start, end) = query(&size, start, len);
        let q = CostQuery { start, end, granularity: Granularity::Monthly, metrics, group_by, filter };
        let monthly = ledger.cost_and_usage(&q).unwrap();
        let daily = ledger.cost_and_usage(&CostQuery { granularity: Granularity::Daily, ..q.clone() }).unwrap();
        // The periods exactly cover [start, end).
        prop_assert_eq!(monthly.periods.first().unwrap().start.date(), start);
        prop_assert_eq!(monthly.periods.last().unwrap().end.date(), end);
        for w in monthly.periods.windows(2) {
            prop_assert_eq!(w[0].end, w[1].start);
        }
        prop_assert_eq!(daily.periods.len() as i64, (end - start).num_days());
        // Each month is the sum of its days, group by group.
        let mut from_days: BTreeMap<(String, Vec<String>), Vec<Decimal>> = BTreeMap::new();
        for p in &daily.periods {
            let month = monthly.periods.iter().find(|m| m.start <= p.start && p.end <= m.end).unwrap();
            prop_assert_eq!(month.estimated, monthly.periods.iter().any(|m| m.start == month.start && m.estimated));
            for ((_, keys), v) in sums(&CostAnswer { periods: vec![p.clone()] }) {
                add(from_days.entry((month.start_text(), keys)).or_default(), &v);
            }
        }
        let months = sums(&monthly);
        prop_assert_eq!(months.len(), from_days.len());
        for (k, v) in &months {
            prop_assert!(same(v, &from_days[k]), "{:?}: {:?} != {:?}", k, v, from_days[k]);
        }
    }

    #[test]
    fn groups_sum_to_the_total(
        seed in any::<u64>(), size in size(), start in any::<i64>(), len in any::<i64>(),
        metrics in metrics(), group_by in proptest::collection::vec(group_key(), 1..=2),
        filter in proptest::option::of(filter()), monthly in any::<bool>(),
    ) {
        let ledger = Ledger::generate(seed, size.clone());
        let (start, end) = query(&size, start, len);
        let granularity = if monthly { Granularity::Monthly } else { Granularity::Daily };
        let q = CostQuery { start, end, granularity, metrics, group_by: Vec::new(), filter };
        let total = ledger.cost_and_usage(&q).unwrap();
        // One key, then both.
        for n in 1..=group_by.len() {
            let grouped = ledger.cost_and_usage(&CostQuery { group_by: group_by[..n].to_vec(), ..q.clone() }).unwrap();
            for (p, t) in grouped.periods.iter().zip(&total.periods) {
                prop_assert!(p.total.is_empty());
                prop_assert!(t.groups.is_empty());
                prop_assert_eq!(p.estimated, t.estimated);
                for g in &p.groups {
                    prop_assert_eq!(g.keys.len(), n);
                }
                let keys: Vec<_> = p.groups.iter().map(|g| g.keys.clone()).collect();
                let mut sorted = keys.clone();
                sorted.sort();
                sorted.dedup();
                prop_assert_eq!(&keys, &sorted);
            }
            let (a, b) = (totals(&grouped), totals(&total));
            for (x, y) in a.iter().zip(&b) {
                prop_assert!(same(x, y), "{:?} != {:?}", x, y);
            }
        }
    }

    #[test]
    fn a_filter_and_its_not_partition_the_total(
        seed in any::<u64>(), size in size(), start in any::<i64>(), len in any::<i64>(),
        metrics in metrics(), group_by in proptest::collection::vec(group_key(), 0..=1),
        filter in filter(),
    ) {
        let ledger = Ledger::generate(seed, size.clone());
        let (start, end) = query(&size, start, len);
        let q = CostQuery { start, end, granularity: Granularity::Daily, metrics, group_by, filter: None };
        let all = sums(&ledger.cost_and_usage(&q).unwrap());
        let yes = sums(&ledger.cost_and_usage(&CostQuery { filter: Some(filter.clone()), ..q.clone() }).unwrap());
        let no = sums(&ledger.cost_and_usage(&CostQuery { filter: Some(Expr::Not(Box::new(filter))), ..q.clone() }).unwrap());
        let mut both: Sums = Sums::new();
        for (k, v) in yes.iter().chain(&no) {
            add(both.entry(k.clone()).or_default(), v);
        }
        for (k, v) in &all {
            prop_assert!(same(v, both.get(k).map_or(&[][..], |x| &x[..])), "{:?}", k);
        }
        for k in both.keys() {
            prop_assert!(all.contains_key(k));
        }
    }

    #[test]
    fn hours_sum_to_days(
        seed in any::<u64>(), size in size(), metrics in metrics(),
        group_by in proptest::collection::vec(group_key(), 0..=2),
        filter in proptest::option::of(filter()), a in any::<u32>(), b in any::<u32>(),
    ) {
        prop_assume!(size.hourly_days > 0);
        let ledger = Ledger::generate(seed, size.clone());
        let from = ledger.calendar().hourly_start();
        let days = (size.end - from).num_days() as u32;
        let start = from + Duration::days(i64::from(a % days));
        let end = start + Duration::days(1 + i64::from(b % (days - (a % days))));
        let q = CostQuery { start, end, granularity: Granularity::Hourly, metrics, group_by, filter };
        let hourly = ledger.cost_and_usage(&q).unwrap();
        prop_assert_eq!(hourly.periods.len() as i64, 24 * (end - start).num_days());
        let daily = sums(&ledger.cost_and_usage(&CostQuery { granularity: Granularity::Daily, ..q.clone() }).unwrap());
        let mut from_hours: Sums = Sums::new();
        for p in &hourly.periods {
            prop_assert!(p.start_text().ends_with(":00:00Z"));
            let day = p.start.date().format("%Y-%m-%d").to_string();
            for ((_, keys), v) in sums(&CostAnswer { periods: vec![p.clone()] }) {
                add(from_hours.entry((day.clone(), keys)).or_default(), &v);
            }
        }
        for (k, v) in &daily {
            prop_assert!(same(v, from_hours.get(k).map_or(&[][..], |x| &x[..])), "{:?}", k);
        }
        // And the hourly items add up to the daily ones, key by key.
        let day = start;
        let mut by_key: BTreeMap<String, Vec<Decimal>> = BTreeMap::new();
        for h in 0..24 {
            for item in ledger.items_in_hour(day.and_hms_opt(h, 0, 0).unwrap()) {
                let key = format!("{:?}", cloudcost_ledger::LineItem { day, hour: None, metrics: cloudcost_ledger::Metrics::zero(""), ..item.clone() });
                add(by_key.entry(key).or_default(), &item.metrics.amounts);
            }
        }
        let items = ledger.items_on(day);
        prop_assert_eq!(items.len(), by_key.len());
        for item in items {
            let key = format!("{:?}", cloudcost_ledger::LineItem { metrics: cloudcost_ledger::Metrics::zero(""), ..item.clone() });
            prop_assert!(same(&item.metrics.amounts, &by_key[&key]));
        }
    }

    #[test]
    fn the_evaluation_agrees_with_adding_up_the_items(
        seed in any::<u64>(), size in size(), start in any::<i64>(), len in any::<i64>(),
        group_key in group_key(), filter in proptest::option::of(filter()),
    ) {
        let ledger = Ledger::generate(seed, size.clone());
        let (start, end) = query(&size, start, len);
        let end = end.min(start + Duration::days(10));
        let metrics: Vec<String> = Metric::ALL.iter().map(|m| m.name().to_string()).collect();
        let q = CostQuery { start, end, granularity: Granularity::Daily, metrics, group_by: vec![group_key.clone()], filter: filter.clone() };
        let fast = sums(&ledger.cost_and_usage(&q).unwrap());
        let mut slow = Sums::new();
        let mut day = start;
        while day < end {
            for item in ledger.items_on(day) {
                if filter.as_ref().is_some_and(|f| !ledger.matches(&item, f)) {
                    continue;
                }
                let key = match &group_key {
                    GroupKey::Dimension(d) => ledger.dimension_value(&item, d).unwrap(),
                    GroupKey::Tag(t) => format!("{t}${}", item.tag(t).unwrap_or("")),
                    GroupKey::CostCategory(c) => format!("{c}${}", item.cost_category(c).unwrap_or("")),
                };
                add(slow.entry((day.format("%Y-%m-%d").to_string(), vec![key])).or_default(), &item.metrics.amounts);
            }
            day += Duration::days(1);
        }
        prop_assert_eq!(fast.len(), slow.len());
        for (k, v) in &fast {
            prop_assert!(same(v, &slow[k]), "{:?}", k);
        }
    }

    #[test]
    fn generation_is_deterministic_and_survives_the_file(seed in any::<u64>(), size in size(), day in 0i64..80) {
        let a = Ledger::generate(seed, size.clone());
        let b = Ledger::generate(seed, size.clone());
        prop_assert!(a == b);
        let day = size.start + Duration::days(day);
        prop_assert_eq!(a.items_on(day), b.items_on(day));
        let back = Ledger::from_yaml(&a.to_yaml()).unwrap();
        prop_assert!(back == a);
        prop_assert_eq!(back.items_on(day), a.items_on(day));
        prop_assert_eq!(back.to_yaml(), a.to_yaml());
    }
}
