//! GetCostAndUsage's meaning over the ledger: periods that exactly cover `[start, end)` at
//! the granularity, only the requested metrics, groups by up to two keys, the filter, and
//! the estimated flag.
//!
//! The evaluation never holds more than one day of items: the filter and the group keys
//! are worked out once per stream, then the days are walked in order and each stream's
//! amounts added into the current period's groups, which are written out when the period
//! ends.

use std::collections::HashMap;

use cloudcost_types::chrono::{Datelike, Duration, Months, NaiveDate, NaiveDateTime, NaiveTime};
use cloudcost_types::rust_decimal::Decimal;

use crate::dims::DIMENSIONS;
use crate::error::QueryError;
use crate::filter::{check, eval, Expr};
use crate::items::{Metric, NO_UNIT, USD};
use crate::ledger::{ItemSubject, Ledger};

/// The granularity of a query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Granularity {
    /// One period per day.
    Daily,
    /// One period per calendar month (cut at the query's start and end).
    Monthly,
    /// One period per hour (the last `hourly_days` of the calendar only).
    Hourly,
}

impl Granularity {
    /// The name as Cost Explorer spells it (`DAILY`, `MONTHLY`, `HOURLY`).
    pub fn name(self) -> &'static str {
        match self {
            Granularity::Daily => "DAILY",
            Granularity::Monthly => "MONTHLY",
            Granularity::Hourly => "HOURLY",
        }
    }

    /// The granularity of a name as Cost Explorer spells it.
    pub fn from_name(name: &str) -> Option<Granularity> {
        [
            Granularity::Daily,
            Granularity::Monthly,
            Granularity::Hourly,
        ]
        .into_iter()
        .find(|g| g.name() == name)
    }
}

/// What to group by.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum GroupKey {
    /// A dimension, as Cost Explorer spells it (`LINKED_ACCOUNT`, `SERVICE`, ...).
    Dimension(String),
    /// A cost allocation tag key: group keys read `key$value`, `key$` without the tag.
    Tag(String),
    /// A cost category name: group keys read `name$value`, `name$` without a value.
    CostCategory(String),
}

/// A cost and usage query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CostQuery {
    /// The first day (inclusive).
    pub start: NaiveDate,
    /// The day after the last (exclusive).
    pub end: NaiveDate,
    /// The granularity.
    pub granularity: Granularity,
    /// The metrics, by name (`UnblendedCost`, or `UNBLENDED_COST`, which the service
    /// accepts too; answers use the spelling asked): at least one.
    pub metrics: Vec<String>,
    /// Up to two group keys.
    pub group_by: Vec<GroupKey>,
    /// The filter.
    pub filter: Option<Expr>,
}

/// A metric in an answer: name, amount, unit.
pub type MetricValue = (String, Decimal, String);

/// The answer to a [`CostQuery`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CostAnswer {
    /// One per period, in time order, exactly covering `[start, end)`.
    pub periods: Vec<Period>,
}

/// One period of an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    /// The start (midnight UTC for daily and monthly periods).
    pub start: NaiveDateTime,
    /// The end (exclusive).
    pub end: NaiveDateTime,
    /// The query's granularity, which decides how the bounds are written.
    pub granularity: Granularity,
    /// Whether any day of the period is on or after the calendar's close.
    pub estimated: bool,
    /// Without group keys: every requested metric, in the requested order (zero if no
    /// item falls in the period). With group keys: empty, as Cost Explorer sends `{}`.
    pub total: Vec<MetricValue>,
    /// With group keys: the groups that have items in the period, sorted by their keys;
    /// without: empty.
    pub groups: Vec<GroupRow>,
}

impl Period {
    /// The start as Cost Explorer writes it: `2024-01-01` (daily, monthly) or
    /// `2024-01-01T00:00:00Z` (hourly).
    pub fn start_text(&self) -> String {
        self.text(self.start)
    }

    /// The end as Cost Explorer writes it.
    pub fn end_text(&self) -> String {
        self.text(self.end)
    }

    fn text(&self, t: NaiveDateTime) -> String {
        match self.granularity {
            Granularity::Hourly => t.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            _ => t.date().format("%Y-%m-%d").to_string(),
        }
    }
}

/// One group of a period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupRow {
    /// One key per group key: a dimension value, `key$value` for tags and cost categories
    /// (`key$` when the item has none).
    pub keys: Vec<String>,
    /// Every requested metric, in the requested order.
    pub metrics: Vec<MetricValue>,
}

/// The unit seen so far for a group's quantities.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum UnitState {
    None,
    One(usize),
    Mixed,
}

impl UnitState {
    fn add(&mut self, unit: usize) {
        *self = match *self {
            UnitState::None => UnitState::One(unit),
            UnitState::One(u) if u == unit => UnitState::One(u),
            _ => UnitState::Mixed,
        }
    }
}

/// The sums of one group in one period.
#[derive(Debug, Clone)]
struct Acc {
    sums: Vec<Decimal>,
    unit: UnitState,
    touched: bool,
}

/// The groups of the period being summed.
struct PeriodSums {
    accs: Vec<Acc>,
    touched: Vec<usize>,
}

impl PeriodSums {
    fn new(groups: usize, metrics: &[Metric]) -> Self {
        let zero: Vec<Decimal> = metrics.iter().map(|m| Decimal::new(0, m.scale())).collect();
        Self {
            accs: vec![
                Acc {
                    sums: zero,
                    unit: UnitState::None,
                    touched: false
                };
                groups
            ],
            touched: Vec::new(),
        }
    }

    fn acc(&mut self, group: usize) -> &mut Acc {
        let acc = &mut self.accs[group];
        if !acc.touched {
            acc.touched = true;
            self.touched.push(group);
        }
        acc
    }
}

/// The metrics of a query, checked: known names, at least one, duplicates dropped; each
/// with the spelling the request used (answers are keyed by it).
pub(crate) fn metrics(names: &[String]) -> Result<Vec<(Metric, String)>, QueryError> {
    if names.is_empty() {
        return Err(QueryError::new(
            "Metrics",
            "at least one metric is required",
        ));
    }
    let mut out = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let Some(m) = Metric::from_request_name(name) else {
            let valid: Vec<&str> = Metric::ALL.iter().map(|m| m.name()).collect();
            return Err(QueryError::new(
                format!("Metrics[{i}]"),
                format!("unknown metric `{name}` (valid: {})", valid.join(", ")),
            ));
        };
        if !out.iter().any(|(x, _)| *x == m) {
            out.push((m, name.clone()));
        }
    }
    Ok(out)
}

fn midnight(d: NaiveDate) -> NaiveDateTime {
    d.and_time(NaiveTime::MIN)
}

/// The periods of `[start, end)` at a daily or monthly granularity.
pub(crate) fn day_periods(
    start: NaiveDate,
    end: NaiveDate,
    g: Granularity,
) -> Vec<(NaiveDate, NaiveDate)> {
    let mut out = Vec::new();
    let mut s = start;
    while s < end {
        let next = match g {
            Granularity::Monthly => {
                let first = s.with_day(1).unwrap_or(s);
                first.checked_add_months(Months::new(1)).unwrap_or(end)
            }
            _ => s + Duration::days(1),
        };
        let e = next.min(end);
        out.push((s, e));
        s = e;
    }
    out
}

impl Ledger {
    /// Checks a query's time period, group keys and filter (shared by every user).
    fn check_query(&self, q: &CostQuery) -> Result<Vec<(Metric, String)>, QueryError> {
        let metrics = metrics(&q.metrics)?;
        if q.end <= q.start {
            return Err(QueryError::new(
                "TimePeriod.End",
                format!(
                    "must be after TimePeriod.Start (the start is inclusive and the end exclusive): {} to {}",
                    q.start, q.end
                ),
            ));
        }
        if q.group_by.len() > 2 {
            return Err(QueryError::new(
                "GroupBy",
                format!(
                    "at most two groups (dimensions, tag keys or cost categories), found {}",
                    q.group_by.len()
                ),
            ));
        }
        for (i, g) in q.group_by.iter().enumerate() {
            if let GroupKey::Dimension(d) = g {
                if !DIMENSIONS.contains(&d.as_str()) {
                    return Err(QueryError::new(
                        format!("GroupBy[{i}].Key"),
                        format!("unknown dimension `{d}` (known: {})", DIMENSIONS.join(", ")),
                    ));
                }
            }
        }
        if let Some(f) = &q.filter {
            check(f, "Filter", &|d| DIMENSIONS.contains(&d))?;
        }
        if q.granularity == Granularity::Hourly {
            let from = self.calendar.hourly_start();
            if q.start < from || q.end > self.calendar.end || self.calendar.hourly_days == 0 {
                return Err(QueryError::new(
                    "TimePeriod",
                    format!(
                        "HOURLY data covers only the last {} days, from {from} to {} (exclusive); asked {} to {}",
                        self.calendar.hourly_days, self.calendar.end, q.start, q.end
                    ),
                ));
            }
        }
        Ok(metrics)
    }

    /// The group keys of an item.
    fn group_keys(&self, item: &crate::items::LineItem, by: &[GroupKey]) -> Vec<String> {
        by.iter()
            .map(|g| match g {
                GroupKey::Dimension(d) => self.index.dimension(item, d).unwrap_or_default(),
                GroupKey::Tag(k) => format!("{k}${}", item.tag(k).unwrap_or("")),
                GroupKey::CostCategory(c) => format!("{c}${}", item.cost_category(c).unwrap_or("")),
            })
            .collect()
    }

    /// Answers a cost and usage query as Cost Explorer documents it (see [`CostQuery`],
    /// [`Period`]). Refused, naming the member: no or unknown metrics, `end` not after
    /// `start`, more than two group keys, an unknown dimension, conflicting match
    /// options, HOURLY outside the last `hourly_days`.
    ///
    /// Amounts are exact sums of the items' amounts. A group's quantities
    /// (UsageQuantity, NormalizedUsageAmount) carry the unit of its items with non-zero
    /// usage if they share one, else `N/A`; money is in `USD`.
    pub fn cost_and_usage(&self, q: &CostQuery) -> Result<CostAnswer, QueryError> {
        let named = self.check_query(q)?;
        let metrics: Vec<Metric> = named.iter().map(|(m, _)| *m).collect();
        // The streams that pass the filter, with their group and unit.
        let mut group_ids: HashMap<Vec<String>, usize> = HashMap::new();
        let mut units: Vec<&str> = Vec::new();
        let mut selected: Vec<(usize, usize, usize)> = Vec::new();
        for (si, s) in self.streams.iter().enumerate() {
            if let Some(f) = &q.filter {
                let subject = ItemSubject {
                    index: &self.index,
                    item: &s.proto,
                };
                if !eval(&subject, f) {
                    continue;
                }
            }
            let keys = self.group_keys(&s.proto, &q.group_by);
            let n = group_ids.len();
            let g = *group_ids.entry(keys).or_insert(n);
            let unit = &s.proto.metrics.usage_unit;
            let u = match units.iter().position(|x| x == unit) {
                Some(u) => u,
                None => {
                    units.push(unit);
                    units.len() - 1
                }
            };
            selected.push((si, g, u));
        }
        // Group ids in the order of their keys, so a period's groups sort by id.
        let mut keys: Vec<(Vec<String>, usize)> = group_ids.into_iter().collect();
        keys.sort();
        let mut rank = vec![0; keys.len()];
        for (r, (_, g)) in keys.iter().enumerate() {
            rank[*g] = r;
        }
        for s in &mut selected {
            s.1 = rank[s.1];
        }
        let keys: Vec<Vec<String>> = keys.into_iter().map(|(k, _)| k).collect();
        let grouped = !q.group_by.is_empty();
        let wants_unit = metrics.iter().any(|m| m.is_usage());
        let finish = |sums: &mut PeriodSums,
                      start: NaiveDateTime,
                      end: NaiveDateTime,
                      last_day: NaiveDate| {
            let unit_of = |m: Metric, u: UnitState| -> String {
                match (m.is_usage(), u) {
                    (false, _) => USD.into(),
                    (true, UnitState::One(u)) => units[u].into(),
                    (true, _) => NO_UNIT.into(),
                }
            };
            sums.touched.sort_unstable();
            let mut rows = Vec::with_capacity(sums.touched.len());
            for &g in &sums.touched {
                let acc = &mut sums.accs[g];
                rows.push(GroupRow {
                    keys: keys[g].clone(),
                    metrics: metrics
                        .iter()
                        .zip(&acc.sums)
                        .zip(&named)
                        .map(|((m, v), (_, name))| (name.clone(), *v, unit_of(*m, acc.unit)))
                        .collect(),
                });
                acc.touched = false;
                acc.unit = UnitState::None;
                for (v, m) in acc.sums.iter_mut().zip(&metrics) {
                    *v = Decimal::new(0, m.scale());
                }
            }
            sums.touched.clear();
            let (total, groups) = if grouped {
                (Vec::new(), rows)
            } else {
                let total = match rows.pop() {
                    Some(r) => r.metrics,
                    None => named
                        .iter()
                        .map(|(m, name)| {
                            (
                                name.clone(),
                                Decimal::new(0, m.scale()),
                                unit_of(*m, UnitState::None),
                            )
                        })
                        .collect(),
                };
                (total, Vec::new())
            };
            Period {
                start,
                end,
                granularity: q.granularity,
                estimated: last_day >= self.calendar.close,
                total,
                groups,
            }
        };
        let add = |acc: &mut Acc, amounts: &dyn Fn(Metric) -> Decimal, unit: usize| {
            for (v, m) in acc.sums.iter_mut().zip(&metrics) {
                *v += amounts(*m);
            }
            if wants_unit && !amounts(Metric::UsageQuantity).is_zero() {
                acc.unit.add(unit);
            }
        };
        let mut periods = Vec::new();
        if q.granularity == Granularity::Hourly {
            let mut hours: Vec<PeriodSums> = (0..24)
                .map(|_| PeriodSums::new(keys.len(), &metrics))
                .collect();
            let mut day = q.start;
            while day < q.end {
                for &(si, g, u) in &selected {
                    let s = &self.streams[si];
                    let Some(a) = self.model.amounts(s, day) else {
                        continue;
                    };
                    let mut parts: [Vec<Decimal>; 7] = Default::default();
                    for m in Metric::ALL {
                        if metrics.contains(&m) || (wants_unit && m == Metric::UsageQuantity) {
                            parts[m.index()] = s.profile.split_all(&a, m);
                        }
                    }
                    for h in s.profile.hours() {
                        let h = usize::from(h);
                        let at = |m: Metric| parts[m.index()].get(h).copied().unwrap_or_default();
                        add(hours[h].acc(g), &at, u);
                    }
                }
                for (h, sums) in hours.iter_mut().enumerate() {
                    let start = midnight(day) + Duration::hours(h as i64);
                    periods.push(finish(sums, start, start + Duration::hours(1), day));
                }
                day += Duration::days(1);
            }
        } else {
            let mut sums = PeriodSums::new(keys.len(), &metrics);
            for (ps, pe) in day_periods(q.start, q.end, q.granularity) {
                let mut day = ps.max(self.calendar.start);
                let stop = pe.min(self.calendar.end);
                while day < stop {
                    for &(si, g, u) in &selected {
                        if let Some(a) = self.model.amounts(&self.streams[si], day) {
                            add(sums.acc(g), &|m: Metric| a[m.index()], u);
                        }
                    }
                    day += Duration::days(1);
                }
                periods.push(finish(
                    &mut sums,
                    midnight(ps),
                    midnight(pe),
                    pe - Duration::days(1),
                ));
            }
        }
        Ok(CostAnswer { periods })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn monthly_periods_cut_at_start_and_end() {
        let p = day_periods(d("2024-01-15"), d("2024-03-10"), Granularity::Monthly);
        assert_eq!(
            p,
            vec![
                (d("2024-01-15"), d("2024-02-01")),
                (d("2024-02-01"), d("2024-03-01")),
                (d("2024-03-01"), d("2024-03-10")),
            ]
        );
        assert_eq!(
            day_periods(d("2024-01-30"), d("2024-02-02"), Granularity::Daily).len(),
            3
        );
    }
}
