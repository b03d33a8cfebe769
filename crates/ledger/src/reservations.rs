//! GetReservationUtilization's meaning over the ledger: per period (and per subscription),
//! the hours purchased, the hours used (the DiscountedUsage items of the reservation), and
//! what follows from them and the reservation's rates.
//!
//! For a reservation with on-demand rate `od` (its usage type's price), effective rate
//! `eff` = upfront + recurring fee per hour, `P` purchased hours, `A` used hours and
//! `U = P − A` unused hours:
//! - OnDemandCostOfRIHoursUsed = A × od; AmortizedUpfrontFee = P × upfront;
//!   AmortizedRecurringFee = P × recurring; TotalAmortizedFee = P × eff;
//! - RICostForUnusedHours = U × eff; NetRISavings = A × od − P × eff;
//!   TotalPotentialRISavings = P × od − P × eff; RealizedSavings = A × (od − eff);
//!   UnrealizedSavings = U × (od − eff);
//! - units are hours × the usage type's normalization factor (× 1 without one);
//! - UtilizationPercentage = A / P × 100, rounded to 2 decimals half away from zero (0
//!   when nothing was purchased); UtilizationPercentageInUnits likewise in units.
//!
//! Every other field adds up exactly: a period's total is the sum of its groups, the
//! answer's total the sum of its periods, and the percentages are recomputed from the sums
//! (never averaged). Money has 10 fraction digits; hours and units are written without
//! trailing zeros.

use cloudcost_types::chrono::{Duration, NaiveDate};
use cloudcost_types::rust_decimal::{Decimal, RoundingStrategy};

use crate::error::QueryError;
use crate::filter::{check, eval, Expr, Subject};
use crate::items::Metric;
use crate::ledger::Ledger;
use crate::org::Reservation;
use crate::query::{day_periods, Granularity, GroupKey};

/// The dimensions a utilization filter may use.
pub const UTILIZATION_DIMENSIONS: &[&str] = &[
    "AZ",
    "CACHE_ENGINE",
    "DEPLOYMENT_OPTION",
    "INSTANCE_TYPE",
    "LINKED_ACCOUNT",
    "OPERATING_SYSTEM",
    "PLATFORM",
    "REGION",
    "SERVICE",
    "SCOPE",
    "TENANCY",
];

/// The service a utilization query covers when its filter names none.
pub const DEFAULT_RESERVATION_SERVICE: &str = "Amazon Elastic Compute Cloud - Compute";

/// A reservation utilization query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UtilizationQuery {
    /// The first day (inclusive).
    pub start: NaiveDate,
    /// The day after the last (exclusive).
    pub end: NaiveDate,
    /// DAILY or MONTHLY. `None` does what the service does without one: a single period
    /// over the whole range when grouped, DAILY when not.
    pub granularity: Option<Granularity>,
    /// Nothing, or `Dimension("SUBSCRIPTION_ID")`.
    pub group_by: Vec<GroupKey>,
    /// Dimensions only, combined with And at most one level deep. Without a SERVICE
    /// condition, only Amazon EC2 reservations count, as documented.
    pub filter: Option<Expr>,
}

/// The aggregates of a reservation, a group or a period.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Aggregates {
    /// UtilizationPercentage.
    pub utilization_percentage: Decimal,
    /// UtilizationPercentageInUnits.
    pub utilization_percentage_in_units: Decimal,
    /// PurchasedHours.
    pub purchased_hours: Decimal,
    /// PurchasedUnits.
    pub purchased_units: Decimal,
    /// TotalActualHours.
    pub total_actual_hours: Decimal,
    /// TotalActualUnits.
    pub total_actual_units: Decimal,
    /// UnusedHours.
    pub unused_hours: Decimal,
    /// UnusedUnits.
    pub unused_units: Decimal,
    /// OnDemandCostOfRIHoursUsed.
    pub on_demand_cost_of_ri_hours_used: Decimal,
    /// NetRISavings.
    pub net_ri_savings: Decimal,
    /// TotalPotentialRISavings.
    pub total_potential_ri_savings: Decimal,
    /// AmortizedUpfrontFee.
    pub amortized_upfront_fee: Decimal,
    /// AmortizedRecurringFee.
    pub amortized_recurring_fee: Decimal,
    /// TotalAmortizedFee.
    pub total_amortized_fee: Decimal,
    /// RICostForUnusedHours.
    pub ri_cost_for_unused_hours: Decimal,
    /// RealizedSavings.
    pub realized_savings: Decimal,
    /// UnrealizedSavings.
    pub unrealized_savings: Decimal,
}

impl Aggregates {
    /// Every field with its name as Cost Explorer spells it (the keys `SortBy` accepts).
    pub fn fields(&self) -> [(&'static str, Decimal); 17] {
        [
            ("UtilizationPercentage", self.utilization_percentage),
            (
                "UtilizationPercentageInUnits",
                self.utilization_percentage_in_units,
            ),
            ("PurchasedHours", self.purchased_hours),
            ("PurchasedUnits", self.purchased_units),
            ("TotalActualHours", self.total_actual_hours),
            ("TotalActualUnits", self.total_actual_units),
            ("UnusedHours", self.unused_hours),
            ("UnusedUnits", self.unused_units),
            (
                "OnDemandCostOfRIHoursUsed",
                self.on_demand_cost_of_ri_hours_used,
            ),
            ("NetRISavings", self.net_ri_savings),
            ("TotalPotentialRISavings", self.total_potential_ri_savings),
            ("AmortizedUpfrontFee", self.amortized_upfront_fee),
            ("AmortizedRecurringFee", self.amortized_recurring_fee),
            ("TotalAmortizedFee", self.total_amortized_fee),
            ("RICostForUnusedHours", self.ri_cost_for_unused_hours),
            ("RealizedSavings", self.realized_savings),
            ("UnrealizedSavings", self.unrealized_savings),
        ]
    }

    /// A field by its Cost Explorer name.
    pub fn get(&self, name: &str) -> Option<Decimal> {
        self.fields()
            .into_iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v)
    }

    fn of(r: &Rates, purchased: Decimal, actual: Decimal) -> Aggregates {
        let unused = purchased - actual;
        let m = |d: Decimal| {
            let mut d = d.round_dp(10);
            d.rescale(10);
            d
        };
        let total_fee = purchased * r.effective;
        let mut a = Aggregates {
            purchased_hours: purchased,
            total_actual_hours: actual,
            unused_hours: unused,
            purchased_units: purchased * r.factor,
            total_actual_units: actual * r.factor,
            unused_units: unused * r.factor,
            on_demand_cost_of_ri_hours_used: m(actual * r.on_demand),
            net_ri_savings: m(actual * r.on_demand - total_fee),
            total_potential_ri_savings: m(purchased * r.on_demand - total_fee),
            amortized_upfront_fee: m(purchased * r.upfront),
            amortized_recurring_fee: m(purchased * r.recurring),
            total_amortized_fee: m(total_fee),
            ri_cost_for_unused_hours: m(unused * r.effective),
            realized_savings: m(actual * (r.on_demand - r.effective)),
            unrealized_savings: m(unused * (r.on_demand - r.effective)),
            ..Aggregates::default()
        };
        a.finish();
        a
    }

    fn add(&mut self, o: &Aggregates) {
        self.purchased_hours += o.purchased_hours;
        self.purchased_units += o.purchased_units;
        self.total_actual_hours += o.total_actual_hours;
        self.total_actual_units += o.total_actual_units;
        self.unused_hours += o.unused_hours;
        self.unused_units += o.unused_units;
        self.on_demand_cost_of_ri_hours_used += o.on_demand_cost_of_ri_hours_used;
        self.net_ri_savings += o.net_ri_savings;
        self.total_potential_ri_savings += o.total_potential_ri_savings;
        self.amortized_upfront_fee += o.amortized_upfront_fee;
        self.amortized_recurring_fee += o.amortized_recurring_fee;
        self.total_amortized_fee += o.total_amortized_fee;
        self.ri_cost_for_unused_hours += o.ri_cost_for_unused_hours;
        self.realized_savings += o.realized_savings;
        self.unrealized_savings += o.unrealized_savings;
        self.finish();
    }

    /// Recomputes the percentages and writes hours and units without trailing zeros.
    fn finish(&mut self) {
        let pct = |a: Decimal, p: Decimal| {
            if p.is_zero() {
                Decimal::ZERO
            } else {
                (a * Decimal::from(100) / p)
                    .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
                    .normalize()
            }
        };
        for v in [
            &mut self.purchased_hours,
            &mut self.purchased_units,
            &mut self.total_actual_hours,
            &mut self.total_actual_units,
            &mut self.unused_hours,
            &mut self.unused_units,
        ] {
            *v = v.normalize();
        }
        self.utilization_percentage = pct(self.total_actual_hours, self.purchased_hours);
        self.utilization_percentage_in_units = pct(self.total_actual_units, self.purchased_units);
    }
}

/// The rates of one reservation.
struct Rates {
    on_demand: Decimal,
    upfront: Decimal,
    recurring: Decimal,
    effective: Decimal,
    factor: Decimal,
}

/// A period of a utilization answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UtilizationPeriod {
    /// The first day.
    pub start: NaiveDate,
    /// The day after the last (exclusive).
    pub end: NaiveDate,
    /// With SUBSCRIPTION_ID grouping: one group per reservation active in the period,
    /// sorted by subscription id; else empty.
    pub groups: Vec<UtilizationGroup>,
    /// The period's total: the sum of the reservations.
    pub total: Aggregates,
}

/// One reservation's utilization in a period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UtilizationGroup {
    /// `SUBSCRIPTION_ID`.
    pub key: String,
    /// The subscription id.
    pub value: String,
    /// Its attributes, as Cost Explorer sends them (AccountId, InstanceType, ...; a value
    /// may be null).
    pub attributes: Vec<(String, Option<String>)>,
    /// Its aggregates.
    pub utilization: Aggregates,
}

/// The answer to a [`UtilizationQuery`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UtilizationAnswer {
    /// One per period, exactly covering the range.
    pub periods: Vec<UtilizationPeriod>,
    /// The total over the whole range.
    pub total: Aggregates,
}

/// A reservation seen by the filter.
struct ResSubject<'a> {
    r: &'a Reservation,
    ledger: &'a Ledger,
}

impl Subject for ResSubject<'_> {
    fn dimension(&self, key: &str) -> Option<String> {
        let ut = self
            .ledger
            .index
            .usage_type(&self.r.service, &self.r.usage_type);
        Some(match key {
            "LINKED_ACCOUNT" => self.r.account.clone(),
            "REGION" => self.r.region.clone(),
            "SERVICE" => self.r.service.clone(),
            "SUBSCRIPTION_ID" => self.r.id.clone(),
            "INSTANCE_TYPE" => ut.and_then(|u| u.instance_type.clone()).unwrap_or_default(),
            "PLATFORM" | "OPERATING_SYSTEM" => {
                ut.and_then(|u| u.platform.clone()).unwrap_or_default()
            }
            "TENANCY" => ut
                .and_then(|u| u.tenancy.clone())
                .unwrap_or_else(|| "Shared".into()),
            "CACHE_ENGINE" | "DATABASE_ENGINE" => ut
                .and_then(|u| u.database_engine.clone())
                .unwrap_or_default(),
            "SCOPE" => "Region".into(),
            "AZ" => String::new(),
            "DEPLOYMENT_OPTION" => "Single-AZ".into(),
            _ => return None,
        })
    }
    fn tag(&self, _: &str) -> Option<&str> {
        None
    }
    fn cost_category(&self, _: &str) -> Option<&str> {
        None
    }
}

fn mentions_service(e: &Expr) -> bool {
    match e {
        Expr::And(es) | Expr::Or(es) => es.iter().any(mentions_service),
        Expr::Not(e) => mentions_service(e),
        Expr::Dimension { key, .. } => key == "SERVICE",
        _ => false,
    }
}

/// Checks the shape the operation allows: dimensions only, And at most one level deep.
fn check_filter(e: &Expr) -> Result<(), QueryError> {
    let leaf = |e: &Expr, path: &str| match e {
        Expr::Dimension { key, .. } if !UTILIZATION_DIMENSIONS.contains(&key.as_str()) => {
            Err(QueryError::new(
                format!("{path}.Dimensions.Key"),
                format!(
                    "cannot filter reservation utilization by `{key}` (valid: {})",
                    UTILIZATION_DIMENSIONS.join(", ")
                ),
            ))
        }
        Expr::Dimension { .. } => Ok(()),
        Expr::Tag { .. } | Expr::CostCategory { .. } => Err(QueryError::new(
            path,
            "reservation utilization filters by dimensions only",
        )),
        _ => Err(QueryError::new(
            path,
            "only And is supported, nested at most one level deep",
        )),
    };
    match e {
        Expr::And(es) => es
            .iter()
            .enumerate()
            .try_for_each(|(i, e)| leaf(e, &format!("Filter.And[{i}]"))),
        e => leaf(e, "Filter"),
    }?;
    check(e, "Filter", &|d| UTILIZATION_DIMENSIONS.contains(&d))
}

impl Ledger {
    /// The hours a reservation used on `day`: its DiscountedUsage items' UsageQuantity.
    fn used_on(&self, streams: &[usize], day: NaiveDate) -> Decimal {
        streams
            .iter()
            .filter_map(|&s| self.model.amounts(&self.streams[s], day))
            .map(|a| a[Metric::UsageQuantity.index()])
            .sum()
    }

    /// Answers a reservation utilization query (see the module documentation of
    /// [`crate::reservations`] for every field). Refused: `end` not after `start`, an
    /// HOURLY granularity, a granularity together with GroupBy, a group key other than
    /// SUBSCRIPTION_ID, a filter other than dimensions under at most one And.
    pub fn reservation_utilization(
        &self,
        q: &UtilizationQuery,
    ) -> Result<UtilizationAnswer, QueryError> {
        if q.end <= q.start {
            return Err(QueryError::new(
                "TimePeriod.End",
                format!("must be after TimePeriod.Start: {} to {}", q.start, q.end),
            ));
        }
        for (i, g) in q.group_by.iter().enumerate() {
            if *g != GroupKey::Dimension("SUBSCRIPTION_ID".into()) || i > 0 {
                return Err(QueryError::new(
                    format!("GroupBy[{i}]"),
                    "reservation utilization groups only by the SUBSCRIPTION_ID dimension",
                ));
            }
        }
        let grouped = !q.group_by.is_empty();
        let periods = match q.granularity {
            Some(Granularity::Hourly) => return Err(QueryError::new(
                "Granularity",
                "must be DAILY or MONTHLY (reservation utilization supports no other granularity)",
            )),
            Some(_) if grouped => {
                return Err(QueryError::new(
                    "Granularity",
                    "cannot be set together with GroupBy",
                ))
            }
            Some(g) => day_periods(q.start, q.end, g),
            None if grouped => vec![(q.start, q.end)],
            None => day_periods(q.start, q.end, Granularity::Daily),
        };
        if let Some(f) = &q.filter {
            check_filter(f)?;
        }
        let default_service = Expr::Dimension {
            key: "SERVICE".into(),
            values: vec![DEFAULT_RESERVATION_SERVICE.into()],
            match_options: Vec::new(),
        };
        let filter = match &q.filter {
            Some(f) if mentions_service(f) => f.clone(),
            Some(f) => Expr::And(vec![f.clone(), default_service]),
            None => default_service,
        };
        let mut chosen: Vec<(&Reservation, Rates, Vec<usize>)> = self
            .org
            .reservations
            .iter()
            .filter(|r| eval(&ResSubject { r, ledger: self }, &filter))
            .map(|r| {
                let ut = self.index.usage_type(&r.service, &r.usage_type);
                let rates = Rates {
                    on_demand: ut.map(|u| u.price).unwrap_or_default(),
                    upfront: r.upfront_hourly,
                    recurring: r.recurring_hourly,
                    effective: r.upfront_hourly + r.recurring_hourly,
                    factor: ut
                        .and_then(|u| u.normalization_factor)
                        .unwrap_or(Decimal::ONE),
                };
                let streams = self
                    .streams
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| {
                        s.proto.record_type == "DiscountedUsage"
                            && s.proto.reservation.as_deref() == Some(r.id.as_str())
                    })
                    .map(|(i, _)| i)
                    .collect();
                (r, rates, streams)
            })
            .collect();
        chosen.sort_by(|a, b| a.0.id.cmp(&b.0.id));
        let mut total = Aggregates::default();
        let mut out = Vec::with_capacity(periods.len());
        for (ps, pe) in periods {
            let mut period_total = Aggregates::default();
            let mut groups = Vec::new();
            for (r, rates, streams) in &chosen {
                let mut purchased = Decimal::ZERO;
                let mut actual = Decimal::ZERO;
                let mut day = ps.max(r.start).max(self.calendar.start);
                let stop = pe.min(r.end).min(self.calendar.end);
                while day < stop {
                    purchased += Decimal::from(r.hours);
                    actual += self.used_on(streams, day);
                    day += Duration::days(1);
                }
                if purchased.is_zero() && actual.is_zero() {
                    continue;
                }
                let agg = Aggregates::of(rates, purchased, actual);
                period_total.add(&agg);
                if grouped {
                    groups.push(UtilizationGroup {
                        key: "SUBSCRIPTION_ID".into(),
                        value: r.id.clone(),
                        attributes: self.reservation_attributes(r),
                        utilization: agg,
                    });
                }
            }
            total.add(&period_total);
            out.push(UtilizationPeriod {
                start: ps,
                end: pe,
                groups,
                total: period_total,
            });
        }
        Ok(UtilizationAnswer {
            periods: out,
            total,
        })
    }

    /// A reservation's attributes, as the service's groups carry them.
    fn reservation_attributes(&self, r: &Reservation) -> Vec<(String, Option<String>)> {
        let ut = self.index.usage_type(&r.service, &r.usage_type);
        let time = |d: NaiveDate| format!("{}T00:00:00.000Z", d.format("%Y-%m-%d"));
        let status = if r.end > self.calendar.end {
            "Active"
        } else {
            "Retired"
        };
        let pairs: [(&str, Option<String>); 16] = [
            ("AccountId", Some(r.account.clone())),
            (
                "AccountName",
                self.index.account_name(&r.account).map(str::to_string),
            ),
            ("AvailabilityZone", Some(String::new())),
            ("EndDateTime", Some(time(r.end))),
            ("InstanceType", ut.and_then(|u| u.instance_type.clone())),
            ("LeaseId", None),
            ("NumberOfInstances", Some(r.instances.to_string())),
            ("OfferingType", Some(r.offering.clone())),
            ("Platform", ut.and_then(|u| u.platform.clone())),
            ("Region", Some(r.region.clone())),
            ("Scope", Some("Region".into())),
            ("StartDateTime", Some(time(r.start))),
            ("SubscriptionId", Some(r.id.clone())),
            ("SubscriptionStatus", Some(status.into())),
            ("SubscriptionType", Some(r.payment.clone())),
            ("Tenancy", ut.and_then(|u| u.tenancy.clone())),
        ];
        pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
    }
}
