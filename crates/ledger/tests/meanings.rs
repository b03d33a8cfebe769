//! The documented meanings, one example each: periods of a mid-month range, the estimated
//! flag, only the requested metrics, tag and cost category keys, match options, the
//! refusals and the members they name; reservation utilization, Inspector and SCP.

use cloudcost_ledger::*;
use cloudcost_types::chrono::{Duration, NaiveDate};
use cloudcost_types::rust_decimal::Decimal;

const ORG: &str = include_str!("../examples/org.yaml");
const ITEMS: &str = include_str!("../examples/items.yaml");

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str_exact(s).unwrap()
}

fn q(start: &str, end: &str, g: Granularity, metrics: &[&str]) -> CostQuery {
    CostQuery {
        start: d(start),
        end: d(end),
        granularity: g,
        metrics: metrics.iter().map(|m| m.to_string()).collect(),
        group_by: Vec::new(),
        filter: None,
    }
}

fn dim(key: &str, values: &[&str], match_options: Vec<MatchOption>) -> Expr {
    Expr::Dimension {
        key: key.into(),
        values: values.iter().map(|v| v.to_string()).collect(),
        match_options,
    }
}

fn unblended(l: &Ledger, q: &CostQuery) -> Decimal {
    l.cost_and_usage(q)
        .unwrap()
        .periods
        .iter()
        .map(|p| p.total[0].1)
        .sum()
}

#[test]
fn monthly_periods_of_a_mid_month_range() {
    let l = Ledger::generate(1, Size::default());
    let a = l
        .cost_and_usage(&q(
            "2024-01-15",
            "2024-03-10",
            Granularity::Monthly,
            &["UnblendedCost"],
        ))
        .unwrap();
    let bounds: Vec<(String, String)> = a
        .periods
        .iter()
        .map(|p| (p.start_text(), p.end_text()))
        .collect();
    assert_eq!(
        bounds,
        [
            ("2024-01-15", "2024-02-01"),
            ("2024-02-01", "2024-03-01"),
            ("2024-03-01", "2024-03-10")
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
}

#[test]
fn hourly_periods_are_written_with_a_time() {
    let l = Ledger::generate(1, Size::default());
    let a = l
        .cost_and_usage(&q(
            "2024-12-30",
            "2024-12-31",
            Granularity::Hourly,
            &["UnblendedCost"],
        ))
        .unwrap();
    assert_eq!(a.periods.len(), 24);
    assert_eq!(a.periods[0].start_text(), "2024-12-30T00:00:00Z");
    assert_eq!(a.periods[23].end_text(), "2024-12-31T00:00:00Z");
    // Outside the last 14 days: refused, naming the rule.
    let e = l
        .cost_and_usage(&q(
            "2024-12-01",
            "2024-12-02",
            Granularity::Hourly,
            &["UnblendedCost"],
        ))
        .unwrap_err();
    assert_eq!(e.member, "TimePeriod");
    assert!(e.message.contains("last 14 days"), "{e}");
}

#[test]
fn periods_on_or_after_the_close_are_estimated() {
    let l = Ledger::generate(1, Size::default());
    let a = l
        .cost_and_usage(&q(
            "2024-11-29",
            "2024-12-03",
            Granularity::Daily,
            &["UnblendedCost"],
        ))
        .unwrap();
    let flags: Vec<bool> = a.periods.iter().map(|p| p.estimated).collect();
    assert_eq!(flags, [false, false, true, true]);
    let a = l
        .cost_and_usage(&q(
            "2024-11-01",
            "2025-01-01",
            Granularity::Monthly,
            &["UnblendedCost"],
        ))
        .unwrap();
    assert_eq!(
        a.periods.iter().map(|p| p.estimated).collect::<Vec<_>>(),
        [false, true]
    );
}

#[test]
fn only_the_requested_metrics_in_the_requested_order() {
    let l = Ledger::generate(1, Size::default());
    let a = l
        .cost_and_usage(&q(
            "2024-03-01",
            "2024-03-02",
            Granularity::Daily,
            &["UsageQuantity", "BlendedCost", "UsageQuantity"],
        ))
        .unwrap();
    let total = &a.periods[0].total;
    assert_eq!(total.len(), 2);
    assert_eq!(
        (total[0].0.as_str(), total[0].2.as_str()),
        ("UsageQuantity", "N/A")
    );
    assert_eq!(
        (total[1].0.as_str(), total[1].2.as_str()),
        ("BlendedCost", "USD")
    );
    // Money has 10 fraction digits, quantities 6.
    assert_eq!(total[1].1.scale(), 10);
    assert_eq!(total[0].1.scale(), 6);
    // A period without items still has every metric, zero.
    let a = l
        .cost_and_usage(&q(
            "2030-01-01",
            "2030-01-02",
            Granularity::Daily,
            &["UnblendedCost"],
        ))
        .unwrap();
    assert_eq!(
        a.periods[0].total,
        vec![("UnblendedCost".into(), dec("0.0000000000"), "USD".into())]
    );
}

#[test]
fn grouped_answers_have_keys_and_no_total() {
    let l = Ledger::from_yaml(ITEMS).unwrap();
    let mut query = q(
        "2024-03-01",
        "2024-03-04",
        Granularity::Monthly,
        &["UnblendedCost", "UsageQuantity"],
    );
    query.group_by = vec![
        GroupKey::Dimension("SERVICE".into()),
        GroupKey::Tag("Environment".into()),
    ];
    let a = l.cost_and_usage(&query).unwrap();
    let p = &a.periods[0];
    assert!(p.total.is_empty());
    let rows: Vec<(Vec<String>, Decimal, String)> = p
        .groups
        .iter()
        .map(|g| (g.keys.clone(), g.metrics[0].1, g.metrics[1].2.clone()))
        .collect();
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    assert_eq!(
        rows,
        vec![
            // The credit (-0.5) has no usage, so its group's quantities have no unit.
            (
                s(&["Amazon Elastic Compute Cloud - Compute", "Environment$"]),
                dec("-0.5"),
                "N/A".into()
            ),
            (
                s(&["Amazon Elastic Compute Cloud - Compute", "Environment$Prod"]),
                dec("2.9952"),
                "Hrs".into()
            ),
            (
                s(&["Amazon Simple Storage Service", "Environment$"]),
                dec("0.115"),
                "GB-Mo".into()
            ),
        ]
    );
    query.group_by = vec![GroupKey::CostCategory("BusinessUnit".into())];
    let a = l.cost_and_usage(&query).unwrap();
    let keys: Vec<&str> = a.periods[0]
        .groups
        .iter()
        .map(|g| g.keys[0].as_str())
        .collect();
    assert_eq!(keys, ["BusinessUnit$", "BusinessUnit$Retail"]);
}

#[test]
fn match_options() {
    let l = Ledger::from_yaml(ITEMS).unwrap();
    let base = q(
        "2024-03-01",
        "2024-03-04",
        Granularity::Monthly,
        &["UnblendedCost"],
    );
    let with = |f: Expr| {
        unblended(
            &l,
            &CostQuery {
                filter: Some(f),
                ..base.clone()
            },
        )
    };
    use MatchOption::*;
    let ec2 = "Amazon Elastic Compute Cloud - Compute";
    assert_eq!(with(dim("SERVICE", &[ec2], vec![])), dec("2.4952"));
    assert_eq!(
        with(dim("SERVICE", &["amazon simple storage service"], vec![])),
        dec("0")
    );
    assert_eq!(
        with(dim(
            "SERVICE",
            &["amazon simple storage service"],
            vec![Equals, CaseInsensitive]
        )),
        dec("0.115")
    );
    assert_eq!(
        with(dim("SERVICE", &["Amazon"], vec![StartsWith])),
        dec("2.6102")
    );
    assert_eq!(
        with(dim("SERVICE", &["Service"], vec![EndsWith])),
        dec("0.115")
    );
    assert_eq!(
        with(dim(
            "SERVICE",
            &["COMPUTE"],
            vec![Contains, CaseInsensitive]
        )),
        dec("2.4952")
    );
    let tag = |values: &[&str], match_options| Expr::Tag {
        key: "Environment".into(),
        values: values.iter().map(|v| v.to_string()).collect(),
        match_options,
    };
    assert_eq!(with(tag(&["Prod"], vec![])), dec("2.9952"));
    assert_eq!(with(tag(&[], vec![Absent])), dec("-0.385"));
    assert_eq!(with(tag(&["Prod"], vec![Absent, Equals])), dec("2.6102"));
    assert_eq!(
        with(Expr::Not(Box::new(tag(&["Prod"], vec![])))),
        dec("-0.385")
    );
    assert_eq!(
        with(Expr::And(vec![
            dim("RECORD_TYPE", &["Usage"], vec![]),
            tag(&[], vec![Absent])
        ])),
        dec("0.115")
    );
    assert_eq!(
        with(Expr::Or(vec![
            dim("RECORD_TYPE", &["Credit"], vec![]),
            dim("LINKED_ACCOUNT", &["111122223333"], vec![])
        ])),
        dec("-0.385")
    );
    // A dimension that does not apply has Cost Explorer's placeholder value.
    assert_eq!(
        with(dim("INSTANCE_TYPE", &["NoInstanceType"], vec![])),
        dec("0.115")
    );
}

#[test]
fn refusals_name_the_member() {
    let l = Ledger::generate(1, Size::default());
    let base = q(
        "2024-03-01",
        "2024-03-04",
        Granularity::Daily,
        &["UnblendedCost"],
    );
    let refused = |query: CostQuery| l.cost_and_usage(&query).unwrap_err();
    let e = refused(CostQuery {
        metrics: vec!["UnblendedCost".into(), "Blended".into()],
        ..base.clone()
    });
    assert_eq!(e.member, "Metrics[1]");
    assert!(e.message.contains("unknown metric `Blended`"));
    assert_eq!(
        refused(CostQuery {
            metrics: vec![],
            ..base.clone()
        })
        .member,
        "Metrics"
    );
    let e = refused(CostQuery {
        end: base.start,
        ..base.clone()
    });
    assert_eq!(e.member, "TimePeriod.End");
    let three = vec![GroupKey::Dimension("SERVICE".into()); 3];
    let e = refused(CostQuery {
        group_by: three,
        ..base.clone()
    });
    assert_eq!(e.member, "GroupBy");
    assert!(e.message.contains("at most two groups"));
    let e = refused(CostQuery {
        group_by: vec![
            GroupKey::Tag("Team".into()),
            GroupKey::Dimension("SERVIC".into()),
        ],
        ..base.clone()
    });
    assert_eq!(e.member, "GroupBy[1].Key");
    assert!(e.message.contains("unknown dimension `SERVIC`"));
    let f = Expr::And(vec![
        dim("SERVICE", &["x"], vec![]),
        Expr::Not(Box::new(dim("AZ", &["x"], vec![]))),
    ]);
    let e = refused(CostQuery {
        filter: Some(f),
        ..base.clone()
    });
    assert_eq!(e.member, "Filter.And[1].Not.Dimensions.Key");
    let e = refused(CostQuery {
        filter: Some(dim("SERVICE", &[], vec![MatchOption::Absent])),
        ..base.clone()
    });
    assert_eq!(e.member, "Filter.Dimensions.MatchOptions");
    let both = vec![MatchOption::CaseSensitive, MatchOption::CaseInsensitive];
    let e = refused(CostQuery {
        filter: Some(Expr::Tag {
            key: "Team".into(),
            values: vec![],
            match_options: both,
        }),
        ..base.clone()
    });
    assert_eq!(e.member, "Filter.Tags.MatchOptions");
    assert_eq!(
        refused(CostQuery {
            filter: Some(Expr::Or(vec![])),
            ..base
        })
        .member,
        "Filter.Or"
    );
}

#[test]
fn dimensions_and_account_attributes() {
    let l = Ledger::from_yaml(ORG).unwrap();
    let items = l.items_on(d("2024-03-04"));
    let item = items
        .iter()
        .find(|i| i.usage_type.starts_with("EU-BoxUsage") && i.record_type == "Usage")
        .expect("EC2 usage in eu-west-1");
    let v = |dim: &str| l.dimension_value(item, dim).unwrap();
    assert_eq!(v("REGION"), "eu-west-1");
    assert_eq!(v("INSTANCE_TYPE"), "t3.medium");
    assert_eq!(v("SERVICE_CODE"), "AmazonEC2");
    assert_eq!(v("PAYER_ACCOUNT"), "111122223333");
    assert_eq!(v("PURCHASE_TYPE"), "On Demand Instances");
    assert_eq!(v("USAGE_TYPE_GROUP"), "EC2: Running Hours");
    assert_eq!(l.dimension_value(item, "AZ"), None);
    assert_eq!(
        l.account_attributes("222233334444"),
        vec![("description".to_string(), "Production".to_string())]
    );
    assert!(l.account_attributes("999999999999").is_empty());
    for dim in DIMENSIONS {
        assert!(l.dimension_value(item, dim).is_some(), "{dim}");
    }
}

#[test]
fn hourly_items_add_up_to_the_day() {
    let l = Ledger::from_yaml(ITEMS).unwrap();
    let day = d("2024-03-02");
    let mut sum = Decimal::ZERO;
    for h in 0..24 {
        for item in l.items_in_hour(day.and_hms_opt(h, 0, 0).unwrap()) {
            assert_eq!(item.hour, Some(h as u8));
            sum += item.metrics.amount(Metric::UsageQuantity);
        }
    }
    assert_eq!(sum, dec("53"));
    // Before the hourly window: none.
    assert!(l
        .items_in_hour(d("2024-03-01").and_hms_opt(5, 0, 0).unwrap())
        .is_empty());
}

#[test]
fn reservation_utilization_follows_from_the_items() {
    let l = Ledger::from_yaml(ORG).unwrap();
    let uq = UtilizationQuery {
        start: d("2024-01-01"),
        end: d("2024-04-01"),
        granularity: Some(Granularity::Monthly),
        group_by: Vec::new(),
        filter: None,
    };
    let a = l.reservation_utilization(&uq).unwrap();
    assert_eq!(a.periods.len(), 3);
    let jan = &a.periods[0].total;
    assert_eq!(jan.purchased_hours, dec("1488")); // 31 days × 48 hours
                                                  // The used hours are the reservation's DiscountedUsage items.
    let mut used = Decimal::ZERO;
    let mut day = d("2024-01-01");
    while day < d("2024-02-01") {
        used += l
            .items_on(day)
            .iter()
            .filter(|i| i.record_type == "DiscountedUsage")
            .map(|i| i.metrics.amount(Metric::UsageQuantity))
            .sum::<Decimal>();
        day += Duration::days(1);
    }
    assert_eq!(jan.total_actual_hours, used);
    assert_eq!(
        jan.unused_hours,
        jan.purchased_hours - jan.total_actual_hours
    );
    let pct = (used * Decimal::from(100) / dec("1488")).round_dp(2);
    assert_eq!(jan.utilization_percentage, pct);
    assert_eq!(
        jan.total_amortized_fee,
        jan.amortized_upfront_fee + jan.amortized_recurring_fee
    );
    assert_eq!(jan.total_amortized_fee, dec("1488") * dec("0.025"));
    assert_eq!(
        jan.net_ri_savings,
        jan.realized_savings - jan.ri_cost_for_unused_hours
    );
    assert_eq!(
        jan.total_potential_ri_savings,
        jan.realized_savings + jan.unrealized_savings
    );
    assert_eq!(jan.purchased_units, dec("2976"));
    // The answer's total is the sum of the periods.
    let hours: Decimal = a.periods.iter().map(|p| p.total.purchased_hours).sum();
    assert_eq!(a.total.purchased_hours, hours);

    // Grouped by subscription without a granularity: one period over the range.
    let grouped = UtilizationQuery {
        granularity: None,
        group_by: vec![GroupKey::Dimension("SUBSCRIPTION_ID".into())],
        ..uq.clone()
    };
    let g = l.reservation_utilization(&grouped).unwrap();
    assert_eq!(g.periods.len(), 1);
    let group = &g.periods[0].groups[0];
    assert_eq!(
        (group.key.as_str(), group.value.as_str()),
        ("SUBSCRIPTION_ID", "359809062")
    );
    assert_eq!(group.utilization, g.periods[0].total);
    assert_eq!(g.total.total_actual_hours, a.total.total_actual_hours);
    assert!(group
        .attributes
        .contains(&("InstanceType".into(), Some("t3.medium".into()))));
    // Without either: DAILY.
    let daily = UtilizationQuery {
        granularity: None,
        ..uq.clone()
    };
    assert_eq!(l.reservation_utilization(&daily).unwrap().periods.len(), 91);

    // The default SERVICE filter is EC2; another service has no reservation here.
    let rds = UtilizationQuery {
        filter: Some(dim(
            "SERVICE",
            &["Amazon Relational Database Service"],
            vec![],
        )),
        ..uq.clone()
    };
    assert!(l
        .reservation_utilization(&rds)
        .unwrap()
        .total
        .purchased_hours
        .is_zero());

    // Refusals.
    let refused = |q: UtilizationQuery| l.reservation_utilization(&q).unwrap_err().member;
    assert_eq!(
        refused(UtilizationQuery {
            granularity: Some(Granularity::Hourly),
            ..uq.clone()
        }),
        "Granularity"
    );
    assert_eq!(
        refused(UtilizationQuery {
            granularity: Some(Granularity::Daily),
            ..grouped.clone()
        }),
        "Granularity"
    );
    assert_eq!(
        refused(UtilizationQuery {
            group_by: vec![GroupKey::Dimension("REGION".into())],
            ..uq.clone()
        }),
        "GroupBy[0]"
    );
    let nested = Expr::And(vec![Expr::Or(vec![dim("REGION", &["us-east-1"], vec![])])]);
    assert_eq!(
        refused(UtilizationQuery {
            filter: Some(nested),
            ..uq.clone()
        }),
        "Filter.And[0]"
    );
    assert_eq!(
        refused(UtilizationQuery {
            filter: Some(dim("USAGE_TYPE", &["x"], vec![])),
            ..uq
        }),
        "Filter.Dimensions.Key"
    );
}

#[test]
fn utilization_percentages_round_half_away_from_zero() {
    let mut l = Ledger::from_yaml(ORG).unwrap().organisation().clone();
    // 1 of 3 hours used: 33.333... → 33.33; 2 of 3: 66.666... → 66.67.
    l.reservations[0].hours = 3;
    let cal = Calendar {
        start: d("2024-01-01"),
        end: d("2024-01-02"),
        close: d("2024-01-02"),
        hourly_days: 0,
    };
    for (used, pct) in [("1", "33.33"), ("2", "66.67"), ("3", "100")] {
        let item = LineItem {
            day: d("2024-01-01"),
            hour: None,
            account: "222233334444".into(),
            service: "Amazon Elastic Compute Cloud - Compute".into(),
            region: "us-east-1".into(),
            usage_type: "BoxUsage:t3.medium".into(),
            record_type: "DiscountedUsage".into(),
            tags: Vec::new(),
            cost_categories: Vec::new(),
            reservation: Some("359809062".into()),
            metrics: Metrics {
                amounts: Metric::ALL.map(|m| {
                    if m == Metric::UsageQuantity {
                        dec(used)
                    } else {
                        Decimal::ZERO
                    }
                }),
                usage_unit: "Hrs".into(),
            },
        };
        let ledger = Ledger::with_items(l.clone(), cal.clone(), &[item]).unwrap();
        let a = ledger
            .reservation_utilization(&UtilizationQuery {
                start: cal.start,
                end: cal.end,
                granularity: Some(Granularity::Daily),
                group_by: Vec::new(),
                filter: None,
            })
            .unwrap();
        assert_eq!(a.total.utilization_percentage.to_string(), pct);
    }
}

#[test]
fn inspector_usage_and_trials() {
    let l = Ledger::from_yaml(ORG).unwrap();
    let ids = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let (usage, unknown) = l.usage_totals(&ids(&["222233334444", "123412341234", "222233334444"]));
    assert_eq!(unknown, ids(&["123412341234"]));
    assert_eq!(usage.len(), 1);
    let u = &usage[0].usage;
    let get = |t: &str| u.iter().find(|x| x.usage_type == t).unwrap();
    assert_eq!(get("LAMBDA_FUNCTION_HOURS").total, dec("8640"));
    assert_eq!(
        get("LAMBDA_FUNCTION_HOURS").estimated_monthly_cost,
        dec("3.6")
    );
    assert_eq!(get("ECR_INITIAL_SCAN").estimated_monthly_cost, dec("0.27"));
    assert_eq!(get("ECR_RESCAN").estimated_monthly_cost, dec("0.4"));
    assert!(get("EC2_INSTANCE_HOURS").total > Decimal::ZERO);
    assert!(u.iter().all(|x| x.currency == "USD" && !x.total.is_zero()));
    // Every account when none is named; an account without Inspector has no usage.
    let (all, _) = l.usage_totals(&[]);
    assert_eq!(all.len(), 3);
    assert!(all[0].usage.is_empty());

    let (trials, unknown) = l.free_trials(&ids(&["222233334444", "333344445555", "000000000000"]));
    assert_eq!(unknown, ids(&["000000000000"]));
    assert_eq!(trials[0].trials.len(), 4);
    let t = &trials[0].trials[0];
    assert_eq!(
        (t.trial_type.as_str(), t.status.as_str()),
        ("EC2", "ACTIVE")
    );
    assert_eq!(t.start, d("2024-06-20").and_hms_opt(0, 0, 0).unwrap());
    assert_eq!(t.end, d("2024-07-05").and_hms_opt(0, 0, 0).unwrap());
    assert!(trials[1].trials.is_empty());
}

#[test]
fn scp_usages() {
    let l = Ledger::from_yaml(ORG).unwrap();
    let all = l.scp_usages(&ScpQuery::default()).unwrap();
    // test-vm every day of the calendar, its disk from 2024-03-15.
    assert_eq!(all.len(), 182 + 108);
    let mut ids: Vec<&str> = all.iter().map(|u| u.id.as_str()).collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "sorted by id, unique");
    ids.dedup();
    assert_eq!(ids.len(), all.len());
    assert!(all.iter().all(|u| u.id.len() == 32));
    let aug = ScpQuery {
        start: Some(d("2024-03-14")),
        end: Some(d("2024-03-15")),
        ..ScpQuery::default()
    };
    let a = l.scp_usages(&aug).unwrap();
    assert_eq!(a.len(), 3, "the end date is inclusive");
    let u = &a
        .iter()
        .find(|u| u.billing_item_id == "VIRTUAL_SERVER")
        .unwrap();
    assert_eq!(
        u.usage_date.format("%Y-%m-%dT%H:%M:%S").to_string()[..11],
        *"2024-03-14T"
    );
    assert_eq!(u.service_category, "COMPUTE");
    assert_eq!(u.usd, (u.krw * dec("0.00072")).round_dp(10));
    assert_eq!(u.krw.scale(), 10);
    assert!(u.krw >= dec("9600") && u.krw <= dec("14400"));
    // Filters.
    let only = |q: ScpQuery| l.scp_usages(&q).unwrap().len();
    assert_eq!(
        only(ScpQuery {
            service_categories: vec!["STORAGE".into()],
            ..aug.clone()
        }),
        1
    );
    assert_eq!(
        only(ScpQuery {
            resource_name: Some("disk".into()),
            ..aug.clone()
        }),
        1
    );
    assert_eq!(
        only(ScpQuery {
            regions: vec!["kr-east1".into()],
            ..aug.clone()
        }),
        0
    );
    assert_eq!(
        only(ScpQuery {
            contract_id: Some("C002612775".into()),
            ..aug.clone()
        }),
        3
    );
    assert_eq!(
        only(ScpQuery {
            order_statuses: vec!["01".into()],
            ..aug.clone()
        }),
        0
    );
    assert_eq!(
        only(ScpQuery {
            billing_item_ids: vec!["VIRTUAL_SERVER".into()],
            ..aug.clone()
        }),
        2
    );
    assert_eq!(
        only(ScpQuery {
            account_ids: vec!["nobody".into()],
            ..aug.clone()
        }),
        0
    );
    // Sort: newest first, ties by id.
    let sorted = l
        .scp_usages(&ScpQuery {
            sort: Some(("created_at".into(), true)),
            ..aug.clone()
        })
        .unwrap();
    assert_eq!(sorted[0].usage_date.date(), d("2024-03-15"));
    assert!(sorted[1].usage_date.date() == d("2024-03-15") && sorted[0].id < sorted[1].id);
    // Refusals.
    let e = l
        .scp_usages(&ScpQuery {
            sort: Some(("colour".into(), false)),
            ..aug.clone()
        })
        .unwrap_err();
    assert_eq!(e.member, "sort");
    let e = l
        .scp_usages(&ScpQuery {
            start: aug.end,
            end: aug.start,
            ..aug
        })
        .unwrap_err();
    assert_eq!(e.member, "end_date");
    assert_eq!(l.organisation().scp.timezone, "Asia/Seoul");
}

#[test]
fn metrics_may_be_asked_in_upper_snake_case() {
    let l = Ledger::generate(1, Size::default());
    let a = l
        .cost_and_usage(&q(
            "2024-03-01",
            "2024-03-02",
            Granularity::Daily,
            &["UNBLENDED_COST", "UnblendedCost"],
        ))
        .unwrap();
    let names: Vec<&str> = a.periods[0].total.iter().map(|m| m.0.as_str()).collect();
    assert_eq!(names, ["UNBLENDED_COST"]);
}
