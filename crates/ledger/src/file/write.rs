//! Writing a ledger as its file: the organisation and calendar, then the seed of a
//! generated ledger or every explicit item, in the format [`crate::file::read`] reads.

use cloudcost_types::chrono::NaiveDate;
use cloudcost_types::rust_decimal::Decimal;
use serde_yaml::{Mapping, Value};

use crate::items::Metric;
use crate::ledger::Ledger;
use crate::org::{Account, Organisation, RuleOn};
use crate::streams::Gen;

fn s(v: &str) -> Value {
    Value::String(v.to_string())
}

fn d(v: Decimal) -> Value {
    Value::String(v.to_string())
}

fn day(v: NaiveDate) -> Value {
    Value::String(v.format("%Y-%m-%d").to_string())
}

fn n(v: u64) -> Value {
    Value::Number(v.into())
}

fn strs(v: &[String]) -> Value {
    Value::Sequence(v.iter().map(|x| s(x)).collect())
}

/// A mapping of the present fields, in order.
fn map(fields: Vec<(&str, Option<Value>)>) -> Value {
    let mut m = Mapping::new();
    for (k, v) in fields {
        if let Some(v) = v {
            m.insert(s(k), v);
        }
    }
    Value::Mapping(m)
}

fn account(a: &Account) -> Value {
    map(vec![("id", Some(s(&a.id))), ("name", Some(s(&a.name)))])
}

fn organisation(org: &Organisation, out: &mut Vec<(&'static str, Option<Value>)>) {
    out.push(("payer", Some(account(&org.payer))));
    out.push((
        "accounts",
        Some(Value::Sequence(org.accounts.iter().map(account).collect())),
    ));
    out.push(("discount_rate", Some(d(org.discount_rate))));
    out.push(("regions", Some(strs(&org.regions))));
    let services = org.services.iter().map(|sv| {
        let uts = sv.usage_types.iter().map(|u| {
            let o = |v: &Option<String>| v.as_deref().map(s);
            map(vec![
                ("name", Some(s(&u.name))),
                ("unit", Some(s(&u.unit))),
                ("price", Some(d(u.price))),
                ("daily_quantity", u.daily_quantity.map(d)),
                ("group", o(&u.group)),
                ("operation", o(&u.operation)),
                ("instance_type", o(&u.instance_type)),
                ("platform", o(&u.platform)),
                ("tenancy", o(&u.tenancy)),
                ("database_engine", o(&u.database_engine)),
                ("normalization_factor", u.normalization_factor.map(d)),
            ])
        });
        map(vec![
            ("name", Some(s(&sv.name))),
            ("code", Some(s(&sv.code))),
            ("global", sv.global.then_some(Value::Bool(true))),
            ("usage_types", Some(Value::Sequence(uts.collect()))),
        ])
    });
    out.push(("services", Some(Value::Sequence(services.collect()))));
    let tags = org.tags.iter().map(|t| {
        map(vec![
            ("key", Some(s(&t.key))),
            ("values", Some(strs(&t.values))),
        ])
    });
    out.push(("tags", Some(Value::Sequence(tags.collect()))));
    let categories = org.cost_categories.iter().map(|c| {
        let rules = c.rules.iter().map(|r| {
            let (kind, on) = match &r.on {
                RuleOn::Dimension(x) => ("dimension", x),
                RuleOn::Tag(x) => ("tag", x),
            };
            map(vec![
                ("value", Some(s(&r.value))),
                (kind, Some(s(on))),
                ("values", Some(strs(&r.values))),
            ])
        });
        map(vec![
            ("name", Some(s(&c.name))),
            ("rules", Some(Value::Sequence(rules.collect()))),
            ("default", c.default.as_deref().map(s)),
        ])
    });
    out.push((
        "cost_categories",
        Some(Value::Sequence(categories.collect())),
    ));
    let reservations = org.reservations.iter().map(|r| {
        map(vec![
            ("id", Some(s(&r.id))),
            ("account", Some(s(&r.account))),
            ("service", Some(s(&r.service))),
            ("usage_type", Some(s(&r.usage_type))),
            ("region", Some(s(&r.region))),
            ("instances", Some(n(r.instances.into()))),
            ("hours", Some(n(r.hours.into()))),
            ("start", Some(day(r.start))),
            ("end", Some(day(r.end))),
            ("offering", Some(s(&r.offering))),
            ("payment", Some(s(&r.payment))),
            ("upfront_hourly", Some(d(r.upfront_hourly))),
            ("recurring_hourly", Some(d(r.recurring_hourly))),
            ("utilization", Some(d(r.utilization))),
        ])
    });
    out.push((
        "reservations",
        Some(Value::Sequence(reservations.collect())),
    ));
    let plans = org.savings_plans.iter().map(|p| {
        map(vec![
            ("id", Some(s(&p.id))),
            ("account", Some(s(&p.account))),
            ("commitment_hourly", Some(d(p.commitment_hourly))),
            ("start", Some(day(p.start))),
            ("end", Some(day(p.end))),
        ])
    });
    out.push(("savings_plans", Some(Value::Sequence(plans.collect()))));
    let inspector = org.inspector.iter().map(|i| {
        map(vec![
            ("account", Some(s(&i.account))),
            ("enabled", Some(day(i.enabled))),
            ("agentless_instances", Some(n(i.agentless_instances.into()))),
            ("lambda_functions", Some(n(i.lambda_functions.into()))),
            (
                "lambda_code_functions",
                Some(n(i.lambda_code_functions.into())),
            ),
            ("ecr_images", Some(n(i.ecr_images.into()))),
            ("ecr_rescans", Some(n(i.ecr_rescans.into()))),
        ])
    });
    out.push(("inspector", Some(Value::Sequence(inspector.collect()))));
    let scp = &org.scp;
    let resources = scp.resources.iter().map(|r| {
        map(vec![
            ("id", Some(s(&r.id))),
            ("name", Some(s(&r.name))),
            ("account", Some(s(&r.account))),
            ("billing_item", Some(s(&r.billing_item))),
            ("region", Some(s(&r.region))),
            ("contract", Some(s(&r.contract))),
            ("order_status", Some(s(&r.order_status))),
            ("daily_krw", Some(d(r.daily_krw))),
            ("start", r.start.map(day)),
            ("end", r.end.map(day)),
        ])
    });
    let scp = map(vec![
        ("timezone", Some(s(&scp.timezone))),
        ("usd_per_krw", Some(d(scp.usd_per_krw))),
        (
            "accounts",
            Some(Value::Sequence(scp.accounts.iter().map(account).collect())),
        ),
        ("regions", Some(strs(&scp.regions))),
        (
            "contracts",
            Some(Value::Sequence(
                scp.contracts
                    .iter()
                    .map(|c| {
                        map(vec![
                            ("id", Some(s(&c.id))),
                            ("account", Some(s(&c.account))),
                        ])
                    })
                    .collect(),
            )),
        ),
        (
            "billing_items",
            Some(Value::Sequence(
                scp.billing_items
                    .iter()
                    .map(|b| {
                        map(vec![
                            ("id", Some(s(&b.id))),
                            ("service_category", Some(s(&b.service_category))),
                            ("product_code", Some(s(&b.product_code))),
                        ])
                    })
                    .collect(),
            )),
        ),
        ("resources", Some(Value::Sequence(resources.collect()))),
    ]);
    out.push(("scp", Some(scp)));
}

/// The explicit items of a ledger, stream by stream and day by day (zero metrics left
/// out).
fn items(ledger: &Ledger) -> Value {
    let mut out = Vec::new();
    for st in &ledger.streams {
        let Gen::Explicit(days) = &st.gen else {
            continue;
        };
        let p = &st.proto;
        for (date, amounts) in days {
            let mut metrics = Mapping::new();
            for m in Metric::ALL {
                let v = amounts[m.index()];
                if !v.is_zero() {
                    metrics.insert(s(m.name()), d(v));
                }
            }
            let mut tags = Mapping::new();
            for (k, v) in &p.tags {
                tags.insert(s(k), s(v));
            }
            out.push(map(vec![
                ("day", Some(day(*date))),
                ("account", Some(s(&p.account))),
                ("service", Some(s(&p.service))),
                ("region", Some(s(&p.region))),
                ("usage_type", Some(s(&p.usage_type))),
                ("record_type", Some(s(&p.record_type))),
                ("tags", (!tags.is_empty()).then_some(Value::Mapping(tags))),
                ("reservation", p.reservation.as_deref().map(s)),
                ("unit", Some(s(&p.metrics.usage_unit))),
                ("metrics", Some(Value::Mapping(metrics))),
            ]));
        }
    }
    Value::Sequence(out)
}

/// The ledger as its file.
pub(crate) fn file(ledger: &Ledger) -> String {
    let cal = &ledger.calendar;
    let mut fields: Vec<(&'static str, Option<Value>)> = vec![
        ("format", Some(n(1))),
        (
            "calendar",
            Some(map(vec![
                ("start", Some(day(cal.start))),
                ("end", Some(day(cal.end))),
                ("close", Some(day(cal.close))),
                ("hourly_days", Some(n(cal.hourly_days.into()))),
            ])),
        ),
    ];
    if let Some(seed) = ledger.seed {
        fields.push(("generate", Some(map(vec![("seed", Some(n(seed)))]))));
    }
    organisation(&ledger.org, &mut fields);
    if ledger.seed.is_none() {
        fields.push(("items", Some(items(ledger))));
    }
    let text = serde_yaml::to_string(&map(fields)).unwrap_or_default();
    format!(
        "# A cloudcost ledger (format 1): see the cloudcost-ledger crate's documentation.\n{text}"
    )
}
