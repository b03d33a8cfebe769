//! Line items and their metrics: every Cost Explorer metric of an item as an exact decimal
//! with its unit, and the split of a day's item into its 24 hours.

use cloudcost_types::chrono::NaiveDate;
use cloudcost_types::rust_decimal::{Decimal, RoundingStrategy};

/// A Cost Explorer metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Metric {
    /// AmortizedCost (USD): upfront and recurring reservation fees spread over the usage
    /// they cover.
    AmortizedCost,
    /// BlendedCost (USD).
    BlendedCost,
    /// NetAmortizedCost (USD): AmortizedCost after the enterprise discount.
    NetAmortizedCost,
    /// NetUnblendedCost (USD): UnblendedCost after the enterprise discount.
    NetUnblendedCost,
    /// NormalizedUsageAmount (the usage type's unit): UsageQuantity × normalization factor.
    NormalizedUsageAmount,
    /// UnblendedCost (USD): what was billed.
    UnblendedCost,
    /// UsageQuantity (the usage type's unit).
    UsageQuantity,
}

impl Metric {
    /// Every metric, in the order of their names.
    pub const ALL: [Metric; 7] = [
        Metric::AmortizedCost,
        Metric::BlendedCost,
        Metric::NetAmortizedCost,
        Metric::NetUnblendedCost,
        Metric::NormalizedUsageAmount,
        Metric::UnblendedCost,
        Metric::UsageQuantity,
    ];

    /// The name as Cost Explorer spells it.
    pub fn name(self) -> &'static str {
        match self {
            Metric::AmortizedCost => "AmortizedCost",
            Metric::BlendedCost => "BlendedCost",
            Metric::NetAmortizedCost => "NetAmortizedCost",
            Metric::NetUnblendedCost => "NetUnblendedCost",
            Metric::NormalizedUsageAmount => "NormalizedUsageAmount",
            Metric::UnblendedCost => "UnblendedCost",
            Metric::UsageQuantity => "UsageQuantity",
        }
    }

    /// The metric of a name, spelled exactly as Cost Explorer does.
    pub fn from_name(name: &str) -> Option<Metric> {
        Metric::ALL.into_iter().find(|m| m.name() == name)
    }

    /// The metric of a name as a request may spell it: the name itself, or the same in
    /// upper snake case (`UNBLENDED_COST`), which the service accepts too.
    pub fn from_request_name(name: &str) -> Option<Metric> {
        Metric::from_name(name).or_else(|| {
            Metric::ALL.into_iter().find(|m| {
                let mut snake = String::new();
                for (i, c) in m.name().chars().enumerate() {
                    if c.is_ascii_uppercase() && i > 0 {
                        snake.push('_');
                    }
                    snake.push(c.to_ascii_uppercase());
                }
                snake == name
            })
        })
    }

    /// Whether the metric is a quantity (in the usage type's unit) rather than money.
    pub fn is_usage(self) -> bool {
        matches!(self, Metric::UsageQuantity | Metric::NormalizedUsageAmount)
    }

    /// The fixed number of fraction digits of generated amounts: 10 for money, 6 for
    /// quantities. Sums keep it, so every amount of an answer has it.
    pub fn scale(self) -> u32 {
        if self.is_usage() {
            6
        } else {
            10
        }
    }

    /// The position in [`Metric::ALL`] and in [`Metrics::amounts`].
    pub fn index(self) -> usize {
        self as usize
    }
}

/// The unit of money metrics.
pub const USD: &str = "USD";
/// The unit of a quantity that adds up different units (or none).
pub const NO_UNIT: &str = "N/A";

/// Every metric of a line item.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Metrics {
    /// The amounts, indexed by [`Metric::index`].
    pub amounts: [Decimal; 7],
    /// The unit of UsageQuantity and NormalizedUsageAmount (money is in `USD`).
    pub usage_unit: String,
}

impl Metrics {
    /// All amounts zero (at their scale).
    pub fn zero(usage_unit: impl Into<String>) -> Self {
        Self {
            amounts: zero_amounts(),
            usage_unit: usage_unit.into(),
        }
    }

    /// A metric's amount and unit.
    pub fn get(&self, metric: Metric) -> (Decimal, &str) {
        (self.amounts[metric.index()], self.unit(metric))
    }

    /// A metric's amount.
    pub fn amount(&self, metric: Metric) -> Decimal {
        self.amounts[metric.index()]
    }

    /// A metric's unit.
    pub fn unit(&self, metric: Metric) -> &str {
        if metric.is_usage() {
            &self.usage_unit
        } else {
            USD
        }
    }
}

/// Zero for every metric, each at its scale, in [`Metric::ALL`]'s order (money at 10
/// digits, the two quantities at 6). A constant: it is taken for every stream on every day,
/// and building it from `Metric::ALL` each time was a quarter of a query's time.
const ZERO_AMOUNTS: [Decimal; 7] = {
    let money = Decimal::from_parts(0, 0, 0, false, 10);
    let quantity = Decimal::from_parts(0, 0, 0, false, 6);
    [money, money, money, money, quantity, money, quantity]
};

/// Zero for every metric, each at its scale.
pub(crate) fn zero_amounts() -> [Decimal; 7] {
    ZERO_AMOUNTS
}

/// One line of the bill: a day (or an hour of it), what was used, and every metric.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LineItem {
    /// The day (UTC).
    pub day: NaiveDate,
    /// The hour of the day (0 to 23) of an hourly item; `None` for a daily one.
    pub hour: Option<u8>,
    /// The account id (LINKED_ACCOUNT).
    pub account: String,
    /// The service's display name (SERVICE).
    pub service: String,
    /// The region (REGION): `global` for global services, `NoRegion` for tax.
    pub region: String,
    /// The usage type with its region prefix (USAGE_TYPE).
    pub usage_type: String,
    /// The record type (RECORD_TYPE): Usage, Credit, Tax, Refund, DiscountedUsage, RIFee,
    /// SavingsPlanRecurringFee, ...
    pub record_type: String,
    /// Cost allocation tags (key, value); a key not listed is absent.
    pub tags: Vec<(String, String)>,
    /// Cost categories (name, value), from the organisation's rules.
    pub cost_categories: Vec<(String, String)>,
    /// The reservation (subscription id) of a DiscountedUsage or RIFee item.
    pub reservation: Option<String>,
    /// Every metric.
    pub metrics: Metrics,
}

impl LineItem {
    /// The value of a tag, if the item has it.
    pub fn tag(&self, key: &str) -> Option<&str> {
        self.tags
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The value of a cost category, if the item has one.
    pub fn cost_category(&self, name: &str) -> Option<&str> {
        self.cost_categories
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// How a day's item spreads over its hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Profile {
    /// Evenly (instance hours, fees).
    Flat,
    /// More by day than by night (requests, data).
    Diurnal,
    /// All in hour 0 (tax, refunds).
    OneShot,
}

/// Weights of the diurnal profile, hour 0 to 23 (UTC).
const DIURNAL: [u32; 24] = [
    3, 2, 2, 2, 2, 3, 4, 6, 8, 9, 10, 10, 10, 10, 10, 9, 9, 8, 7, 6, 5, 4, 4, 3,
];

impl Profile {
    /// The profile of a record type and unit: tax and refunds land in hour 0, hourly
    /// metered usage and fees spread evenly, other usage follows the day.
    pub(crate) fn of(record_type: &str, unit: &str) -> Profile {
        match record_type {
            "Tax" | "Refund" => Profile::OneShot,
            "Usage" if unit != "Hrs" => Profile::Diurnal,
            _ => Profile::Flat,
        }
    }

    /// The hours that have an item.
    pub(crate) fn hours(self) -> std::ops::Range<u8> {
        match self {
            Profile::OneShot => 0..1,
            _ => 0..24,
        }
    }

    fn weight(self, hour: u8) -> u32 {
        match self {
            Profile::Flat => 1,
            Profile::Diurnal => DIURNAL[usize::from(hour)],
            Profile::OneShot => u32::from(hour == 0),
        }
    }

    fn total(self) -> u32 {
        match self {
            Profile::Flat => 24,
            Profile::Diurnal => DIURNAL.iter().sum(),
            Profile::OneShot => 1,
        }
    }

    /// The share of a day's amount that falls in `hour`: the weight's share rounded
    /// toward zero at the amount's scale (at least the metric's), the remainder in the
    /// last hour, so the hours add up to the day exactly.
    pub(crate) fn split(self, amount: Decimal, metric: Metric, hour: u8) -> Decimal {
        let scale = amount.scale().max(metric.scale());
        let last = self.hours().end - 1;
        if hour == last {
            let before: Decimal = (0..last).map(|h| self.split(amount, metric, h)).sum();
            let mut rest = amount - before;
            rest.rescale(scale);
            return rest;
        }
        let mut part = (amount * Decimal::from(self.weight(hour)) / Decimal::from(self.total()))
            .round_dp_with_strategy(scale, RoundingStrategy::ToZero);
        part.rescale(scale);
        part
    }

    /// Every hour's share of a day's amounts.
    pub(crate) fn split_all(self, amounts: &[Decimal; 7], metric: Metric) -> Vec<Decimal> {
        let amount = amounts[metric.index()];
        let scale = amount.scale().max(metric.scale());
        let hours = self.hours();
        let mut out = Vec::with_capacity(hours.len());
        let mut sum = Decimal::ZERO;
        for h in hours.clone() {
            let part = if h + 1 == hours.end {
                let mut rest = amount - sum;
                rest.rescale(scale);
                rest
            } else {
                let mut part = (amount * Decimal::from(self.weight(h))
                    / Decimal::from(self.total()))
                .round_dp_with_strategy(scale, RoundingStrategy::ToZero);
                part.rescale(scale);
                part
            };
            sum += part;
            out.push(part);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_zero_amounts_are_each_metric_at_its_scale() {
        let built = super::Metric::ALL.map(|m| super::Decimal::new(0, m.scale()));
        assert_eq!(
            super::ZERO_AMOUNTS.map(|d| d.scale()),
            built.map(|d| d.scale())
        );
        assert_eq!(super::ZERO_AMOUNTS, built);
    }

    use super::*;

    #[test]
    fn hours_add_up_to_the_day() {
        for profile in [Profile::Flat, Profile::Diurnal, Profile::OneShot] {
            for text in ["1.0000000001", "-3.3333333333", "0", "123456.789"] {
                let amount = Decimal::from_str_exact(text).unwrap();
                let mut amounts = zero_amounts();
                amounts[Metric::UnblendedCost.index()] = amount;
                let parts = profile.split_all(&amounts, Metric::UnblendedCost);
                assert_eq!(parts.iter().sum::<Decimal>(), amount);
                for (h, p) in parts.iter().enumerate() {
                    assert_eq!(*p, profile.split(amount, Metric::UnblendedCost, h as u8));
                }
            }
        }
    }

    #[test]
    fn metric_names_round_trip() {
        for m in Metric::ALL {
            assert_eq!(Metric::from_name(m.name()), Some(m));
            assert_eq!(m.index(), Metric::ALL.iter().position(|x| *x == m).unwrap());
        }
        assert_eq!(Metric::from_name("blendedcost"), None);
        assert_eq!(
            Metric::from_request_name("NET_AMORTIZED_COST"),
            Some(Metric::NetAmortizedCost)
        );
        assert_eq!(
            Metric::from_request_name("UsageQuantity"),
            Some(Metric::UsageQuantity)
        );
        assert_eq!(Metric::from_request_name("USAGEQUANTITY"), None);
    }
}
