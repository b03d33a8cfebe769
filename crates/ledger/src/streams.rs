//! Streams: the ledger's line items as series. A stream is one line item's key (account,
//! service, region, usage type, record type, tags, reservation) and how its metrics follow
//! from the day: generated from the seed and the organisation, or read from explicit
//! items. A day's items are the streams' values that day, so any day is computed alone,
//! and a query evaluates its filter and grouping once per stream, not per item.

use std::collections::BTreeMap;

use cloudcost_types::chrono::{Datelike, Duration, NaiveDate, Weekday};
use cloudcost_types::rust_decimal::Decimal;

use crate::catalog::{SAVINGS_PLANS_SERVICE, SAVINGS_PLANS_USAGE_TYPE};
use crate::hash::{self, hash, range, text};
use crate::items::{zero_amounts, LineItem, Metric, Metrics, Profile, NO_UNIT};
use crate::org::{region_prefix, Calendar, Organisation};

/// One series of line items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Stream {
    /// The item's key; its day, hour and metrics are placeholders.
    pub proto: LineItem,
    /// How a day's item spreads over its hours.
    pub profile: Profile,
    /// How the metrics follow from the day.
    pub gen: Gen,
}

/// How a stream's metrics follow from the day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Gen {
    /// Metered usage: a typical quantity, varied by trend, weekday and noise.
    Usage {
        h: u64,
        q0: Decimal,
        price: Decimal,
        factor: Option<Decimal>,
        whole_hours: bool,
        from: NaiveDate,
        growth_permille: i64,
        weekly: bool,
    },
    /// A promotional credit: the same negative amount every day in `[from, to)`.
    Credit {
        daily: Decimal,
        from: NaiveDate,
        to: NaiveDate,
    },
    /// A refund on about one day in forty.
    Refund { h: u64, amount: Decimal },
    /// Tax on the first day of each month.
    Tax { monthly: Decimal },
    /// The hours a reservation covered (index into the model's reservations).
    Discounted { res: usize },
    /// A reservation's fees.
    RiFee { res: usize },
    /// A Savings Plan's daily fee (index into the organisation's plans).
    SpFee { plan: usize },
    /// Explicit items: every metric per day.
    Explicit(BTreeMap<NaiveDate, [Decimal; 7]>),
}

/// A reservation as the generator needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ResModel {
    h: u64,
    hours: u32,
    start: NaiveDate,
    end: NaiveDate,
    upfront: Decimal,
    recurring: Decimal,
    effective: Decimal,
    factor: Option<Decimal>,
    utilization_permille: u64,
    term_hours: Decimal,
}

/// A Savings Plan as the generator needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PlanModel {
    daily: Decimal,
    start: NaiveDate,
    end: NaiveDate,
}

/// What the metrics of every stream depend on besides the day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Model {
    pub seed: u64,
    pub calendar: Calendar,
    /// 1 − the discount rate.
    keep: Decimal,
    res: Vec<ResModel>,
    plans: Vec<PlanModel>,
}

fn round(d: Decimal, scale: u32) -> Decimal {
    let mut r = d.round_dp(scale);
    r.rescale(scale);
    r
}

fn money(d: Decimal) -> Decimal {
    round(d, 10)
}

fn quantity(d: Decimal) -> Decimal {
    round(d, 6)
}

impl Model {
    pub(crate) fn new(seed: u64, org: &Organisation, calendar: &Calendar) -> Self {
        let res = org
            .reservations
            .iter()
            .map(|r| {
                let factor = org
                    .service(&r.service)
                    .and_then(|s| s.usage_types.iter().find(|u| u.name == r.usage_type))
                    .and_then(|u| u.normalization_factor);
                let days = (r.end - r.start).num_days().max(0);
                ResModel {
                    h: hash(&[seed, text("reservation-usage"), text(&r.id)]),
                    hours: r.hours,
                    start: r.start,
                    end: r.end,
                    upfront: r.upfront_hourly,
                    recurring: r.recurring_hourly,
                    effective: r.upfront_hourly + r.recurring_hourly,
                    factor,
                    utilization_permille: (r.utilization * Decimal::from(1000))
                        .round()
                        .mantissa()
                        .clamp(0, 1000) as u64,
                    term_hours: Decimal::from(days) * Decimal::from(r.hours),
                }
            })
            .collect();
        let plans = org
            .savings_plans
            .iter()
            .map(|p| PlanModel {
                daily: p.commitment_hourly * Decimal::from(24),
                start: p.start,
                end: p.end,
            })
            .collect();
        Self {
            seed,
            calendar: calendar.clone(),
            keep: Decimal::ONE - org.discount_rate,
            res,
            plans,
        }
    }

    /// The hours a generated reservation used on `day` (`None` outside its term).
    pub(crate) fn used_hours(&self, res: usize, day: NaiveDate) -> Option<u32> {
        let r = &self.res[res];
        if day < r.start || day >= r.end {
            return None;
        }
        let noise = range(hash(&[r.h, hash::day(day)]), 900, 1100);
        let used = (u64::from(r.hours) * r.utilization_permille * noise + 500_000) / 1_000_000;
        Some((used as u32).min(r.hours))
    }

    /// The metrics of `stream` on `day`, or `None` if it has no item that day.
    pub(crate) fn amounts(&self, stream: &Stream, day: NaiveDate) -> Option<[Decimal; 7]> {
        if !self.calendar.contains(day) {
            return None;
        }
        let mut a = zero_amounts();
        let costs = |a: &mut [Decimal; 7], c: Decimal, discounted: bool| {
            let net = if discounted { money(c * self.keep) } else { c };
            a[Metric::UnblendedCost.index()] = c;
            a[Metric::BlendedCost.index()] = c;
            a[Metric::AmortizedCost.index()] = c;
            a[Metric::NetUnblendedCost.index()] = net;
            a[Metric::NetAmortizedCost.index()] = net;
        };
        match &stream.gen {
            Gen::Explicit(days) => return days.get(&day).copied(),
            Gen::Usage {
                h,
                q0,
                price,
                factor,
                whole_hours,
                from,
                growth_permille,
                weekly,
            } => {
                if day < *from {
                    return None;
                }
                let t = (day - self.calendar.start).num_days();
                let trend = 1000 + growth_permille * t / 365;
                let week = if *weekly && matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
                    850
                } else {
                    1000
                };
                let noise = range(hash(&[*h, hash::day(day)]), 900, 1100) as i64;
                let mut qty = *q0 * Decimal::new(trend.max(100) * week * noise, 9);
                if *whole_hours {
                    qty = qty.round();
                }
                let qty = quantity(qty);
                costs(&mut a, money(qty * price), true);
                a[Metric::UsageQuantity.index()] = qty;
                if let Some(f) = factor {
                    a[Metric::NormalizedUsageAmount.index()] = quantity(qty * f);
                }
            }
            Gen::Credit { daily, from, to } => {
                if day < *from || day >= *to {
                    return None;
                }
                costs(&mut a, *daily, false);
            }
            Gen::Refund { h, amount } => {
                if !hash(&[*h, hash::day(day)]).is_multiple_of(40) {
                    return None;
                }
                costs(&mut a, *amount, false);
            }
            Gen::Tax { monthly } => {
                if day.day() != 1 {
                    return None;
                }
                costs(&mut a, *monthly, false);
            }
            Gen::Discounted { res } => {
                let used = Decimal::from(self.used_hours(*res, day)?);
                let r = &self.res[*res];
                let amortized = money(used * r.effective);
                a[Metric::AmortizedCost.index()] = amortized;
                a[Metric::NetAmortizedCost.index()] = money(amortized * self.keep);
                a[Metric::UsageQuantity.index()] = quantity(used);
                if let Some(f) = r.factor {
                    a[Metric::NormalizedUsageAmount.index()] = quantity(used * f);
                }
            }
            Gen::RiFee { res } => {
                let used = Decimal::from(self.used_hours(*res, day)?);
                let r = &self.res[*res];
                let purchased = Decimal::from(r.hours);
                let mut fee = purchased * r.recurring;
                if day == r.start {
                    fee += r.upfront * r.term_hours;
                }
                let fee = money(fee);
                let amortized = money((purchased - used) * r.effective);
                costs(&mut a, fee, true);
                a[Metric::AmortizedCost.index()] = amortized;
                a[Metric::NetAmortizedCost.index()] = money(amortized * self.keep);
                a[Metric::UsageQuantity.index()] = quantity(purchased);
                if let Some(f) = r.factor {
                    a[Metric::NormalizedUsageAmount.index()] = quantity(purchased * f);
                }
            }
            Gen::SpFee { plan } => {
                let p = &self.plans[*plan];
                if day < p.start || day >= p.end {
                    return None;
                }
                costs(&mut a, money(p.daily), true);
                a[Metric::UsageQuantity.index()] = quantity(Decimal::from(24));
            }
        }
        Some(a)
    }
}

fn proto(
    account: &str,
    service: &str,
    region: &str,
    usage_type: String,
    record_type: &str,
    unit: &str,
) -> LineItem {
    LineItem {
        day: NaiveDate::MIN,
        hour: None,
        account: account.into(),
        service: service.into(),
        region: region.into(),
        usage_type,
        record_type: record_type.into(),
        tags: Vec::new(),
        cost_categories: Vec::new(),
        reservation: None,
        metrics: Metrics::zero(unit),
    }
}

fn stream(proto: LineItem, gen: Gen) -> Stream {
    Stream {
        profile: Profile::of(&proto.record_type, &proto.metrics.usage_unit),
        proto,
        gen,
    }
}

/// The streams of a generated ledger: usage per account, service, region, usage type and
/// tag slice; tax, a credit and refunds; reservation and Savings Plans fees.
pub(crate) fn generated(seed: u64, org: &Organisation, cal: &Calendar) -> Vec<Stream> {
    let mut out = Vec::new();
    let span = (cal.end - cal.start).num_days().max(1) as u64;
    let usable = org
        .services
        .iter()
        .filter(|s| s.usage_types.iter().any(|u| u.daily_quantity.is_some()));
    let usable: Vec<_> = usable.collect();
    for (ai, account) in org.all_accounts().enumerate() {
        let a = text(&account.id);
        let home = &org.regions[hash(&[seed, text("home"), a]) as usize % org.regions.len()];
        let mut first_service: Option<(&str, Decimal)> = None;
        for (si, service) in usable.iter().enumerate() {
            let s = text(&service.name);
            let uses = if ai == 0 {
                si < 2
            } else {
                si == 0 || hash(&[seed, text("uses"), a, s]) % 100 < 70
            };
            if !uses {
                continue;
            }
            let regions: Vec<&str> = if service.global {
                vec!["global"]
            } else {
                org.regions
                    .iter()
                    .filter(|r| {
                        *r == home || hash(&[seed, text("region"), a, s, text(r)]) % 100 < 35
                    })
                    .map(String::as_str)
                    .collect()
            };
            let mut expected = Decimal::ZERO;
            for region in &regions {
                for ut in &service.usage_types {
                    let Some(daily) = ut.daily_quantity else {
                        continue;
                    };
                    let base = hash(&[seed, a, s, text(region), text(&ut.name)]);
                    let slices = 1 + base % 2;
                    // Slices differ by their tags; one that draws the tags of an earlier
                    // one is left out, so no two streams share a key.
                    let mut seen: Vec<Vec<(String, String)>> = Vec::new();
                    for k in 0..slices {
                        let h = hash(&[base, k]);
                        let mut factor = Decimal::new(range(hash(&[h, 1]), 300, 1700) as i64, 3);
                        if ai == 0 {
                            factor /= Decimal::from(4);
                        }
                        let tags: Vec<(String, String)> = org
                            .tags
                            .iter()
                            .filter_map(|t| {
                                let th = hash(&[h, text(&t.key)]);
                                (th % 100 >= 20 && !t.values.is_empty()).then(|| {
                                    let v = &t.values[(th / 100) as usize % t.values.len()];
                                    (t.key.clone(), v.clone())
                                })
                            })
                            .collect();
                        let mut tags = tags;
                        tags.sort();
                        if seen.contains(&tags) {
                            continue;
                        }
                        seen.push(tags.clone());
                        let q0 = quantity(daily * factor / Decimal::from(slices));
                        expected += q0 * ut.price;
                        let from = if hash(&[h, 2]) % 100 < 20 {
                            cal.start + Duration::days((hash(&[h, 3]) % span) as i64)
                        } else {
                            cal.start
                        };
                        let mut p = proto(
                            &account.id,
                            &service.name,
                            region,
                            format!("{}{}", region_prefix(region), ut.name),
                            "Usage",
                            &ut.unit,
                        );
                        p.tags = tags;
                        out.push(stream(
                            p,
                            Gen::Usage {
                                h,
                                q0,
                                price: ut.price,
                                factor: ut.normalization_factor,
                                whole_hours: ut.unit == "Hrs",
                                from,
                                growth_permille: range(hash(&[h, 4]), 0, 500) as i64 - 100,
                                weekly: ut.unit != "Hrs",
                            },
                        ));
                    }
                }
            }
            let tax = Decimal::new(8, 2);
            let monthly = round(round(expected * Decimal::from(30) * tax, 2), 10);
            out.push(stream(
                proto(
                    &account.id,
                    &service.name,
                    "NoRegion",
                    "Tax".into(),
                    "Tax",
                    NO_UNIT,
                ),
                Gen::Tax { monthly },
            ));
            first_service.get_or_insert((&service.name, expected));
        }
        let Some((service, expected)) = first_service else {
            continue;
        };
        if ai == 1 {
            out.push(stream(
                proto(
                    &account.id,
                    service,
                    "NoRegion",
                    "Credit".into(),
                    "Credit",
                    NO_UNIT,
                ),
                Gen::Credit {
                    daily: -money(expected * Decimal::new(5, 2)),
                    from: cal.start,
                    to: cal.start + Duration::days(90),
                },
            ));
        }
        if ai > 0 {
            out.push(stream(
                proto(
                    &account.id,
                    service,
                    "NoRegion",
                    "Refund".into(),
                    "Refund",
                    NO_UNIT,
                ),
                Gen::Refund {
                    h: hash(&[seed, text("refund"), a]),
                    amount: -money(expected * Decimal::new(3, 1)),
                },
            ));
        }
    }
    for (ri, r) in org.reservations.iter().enumerate() {
        let Some(ut) = org
            .service(&r.service)
            .and_then(|s| s.usage_types.iter().find(|u| u.name == r.usage_type))
        else {
            continue;
        };
        let prefix = region_prefix(&r.region);
        let mut used = proto(
            &r.account,
            &r.service,
            &r.region,
            format!("{prefix}{}", ut.name),
            "DiscountedUsage",
            &ut.unit,
        );
        used.reservation = Some(r.id.clone());
        out.push(stream(used, Gen::Discounted { res: ri }));
        let fee_type = match &ut.instance_type {
            Some(t) => format!("{prefix}HeavyUsage:{t}"),
            None => format!("{prefix}HeavyUsage:{}", ut.name),
        };
        let mut fee = proto(&r.account, &r.service, &r.region, fee_type, "RIFee", "Hrs");
        fee.reservation = Some(r.id.clone());
        out.push(stream(fee, Gen::RiFee { res: ri }));
    }
    for (pi, p) in org.savings_plans.iter().enumerate() {
        out.push(stream(
            proto(
                &p.account,
                SAVINGS_PLANS_SERVICE,
                "global",
                SAVINGS_PLANS_USAGE_TYPE.into(),
                "SavingsPlanRecurringFee",
                "Hrs",
            ),
            Gen::SpFee { plan: pi },
        ));
    }
    out
}

/// The streams of explicit items: one per distinct key (tags sorted by key), in the order
/// keys first appear; items of the same key and day add up.
pub(crate) fn explicit(items: &[LineItem]) -> Vec<Stream> {
    let mut out: Vec<Stream> = Vec::new();
    let mut by_key: std::collections::HashMap<LineItem, usize> = std::collections::HashMap::new();
    for item in items {
        let mut key = item.clone();
        key.day = NaiveDate::MIN;
        key.hour = None;
        key.cost_categories = Vec::new();
        key.tags.sort();
        key.metrics = Metrics::zero(item.metrics.usage_unit.clone());
        let idx = *by_key.entry(key.clone()).or_insert_with(|| {
            out.push(stream(key, Gen::Explicit(BTreeMap::new())));
            out.len() - 1
        });
        if let Gen::Explicit(days) = &mut out[idx].gen {
            let entry = days.entry(item.day).or_insert_with(zero_amounts);
            for m in Metric::ALL {
                let mut v = entry[m.index()] + item.metrics.amount(m);
                if v.scale() < m.scale() {
                    v.rescale(m.scale());
                }
                entry[m.index()] = v;
            }
        }
    }
    out
}
