//! What a request costs ([`Price`], from the spec), what a run may spend ([`Budget`]), and
//! the count of a run's requests against it ([`Meter`]).

use std::fmt;
use std::str::FromStr;

use cloudcost_types::rust_decimal::prelude::ToPrimitive;
use cloudcost_types::rust_decimal::Decimal;

/// The command line's default budget for a billable operation, in the service's currency:
/// against Cost Explorer's `0.01` USD a request, 100 requests. Low enough that a server
/// handing out a fresh page token forever costs about a dollar before the run stops.
pub const DEFAULT_MAX_COST: &str = "1.00";

/// A value that is not a budget or a price.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BudgetError(pub String);

impl fmt::Display for BudgetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BudgetError {}

/// The price of one request, as the spec's `x-cloudcost-service.billing` states it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Price {
    /// The amount per request (`0.01`), exact.
    pub per_request: Decimal,
    /// The ISO 4217 currency (`USD`).
    pub currency: String,
}

impl Price {
    /// Reads the spec's strings (`perRequest`, `currency`), e.g. from
    /// `cloudcost_families::FAMILIES[i].billing`.
    pub fn from_spec(per_request: &str, currency: &str) -> Result<Price, BudgetError> {
        let amount = Decimal::from_str(per_request).map_err(|_| {
            BudgetError(format!(
                "the spec's perRequest `{per_request}` is not a decimal"
            ))
        })?;
        if amount.is_sign_negative() {
            return Err(BudgetError(format!(
                "the spec's perRequest `{per_request}` is negative"
            )));
        }
        Ok(Price {
            per_request: amount,
            currency: currency.to_string(),
        })
    }

    /// The cost of `requests` requests, exact.
    pub fn of(&self, requests: u64) -> Decimal {
        self.per_request * Decimal::from(requests)
    }
}

impl fmt::Display for Price {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} per request", self.per_request, self.currency)
    }
}

/// How much a run may spend: a number of requests, an amount, or both (the stricter wins).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Budget {
    /// At most this many requests.
    pub max_requests: Option<u64>,
    /// At most this amount, in the service's currency.
    pub max_cost: Option<Decimal>,
    /// Whether this is the command line's default (its message then says how to raise it).
    pub is_default: bool,
}

impl Budget {
    /// No limit.
    pub fn unlimited() -> Budget {
        Budget::default()
    }

    /// The command line's default: [`DEFAULT_MAX_COST`] for a billable operation (a
    /// price above zero), no limit for a free one.
    pub fn default_for(price: Option<&Price>) -> Budget {
        match price {
            Some(p) if p.per_request > Decimal::ZERO => Budget {
                max_requests: None,
                // invariant: DEFAULT_MAX_COST is a decimal literal (a unit test reads it).
                max_cost: Some(Decimal::from_str(DEFAULT_MAX_COST).expect("a decimal")),
                is_default: true,
            },
            _ => Budget::unlimited(),
        }
    }

    /// Reads a `--max-cost` value: a decimal amount, zero or more (`1`, `0.25`).
    pub fn parse_cost(text: &str) -> Result<Decimal, BudgetError> {
        let amount = Decimal::from_str(text.trim()).map_err(|_| {
            BudgetError(format!(
                "expected an amount in the service's currency, like 0.50 or 2, found `{text}`"
            ))
        })?;
        if amount.is_sign_negative() {
            return Err(BudgetError(format!(
                "expected an amount of zero or more, found `{text}`"
            )));
        }
        Ok(amount.normalize())
    }

    /// How many requests the budget allows at `price`; `None` when it sets no limit. A
    /// cost limit counts only where requests have a price above zero.
    pub fn requests_allowed(&self, price: Option<&Price>) -> Option<u64> {
        let by_cost = match (self.max_cost, price) {
            (Some(max), Some(p)) if p.per_request > Decimal::ZERO => {
                Some((max / p.per_request).floor().to_u64().unwrap_or(u64::MAX))
            }
            _ => None,
        };
        match (self.max_requests, by_cost) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// The budget in words, for messages: `--max-cost 1.00 USD (100 requests)`.
    pub fn describe(&self, price: Option<&Price>) -> String {
        let mut parts = Vec::new();
        if let Some(n) = self.max_requests {
            parts.push(format!("--max-requests {n}"));
        }
        if let Some(c) = self.max_cost {
            let currency = price.map_or("", |p| p.currency.as_str());
            parts.push(format!("--max-cost {c} {currency}").trim_end().to_string());
        }
        if parts.is_empty() {
            return "no limit".into();
        }
        let mut text = parts.join(" and ");
        if let Some(n) = self.requests_allowed(price) {
            text.push_str(&format!(" ({n} request{})", if n == 1 { "" } else { "s" }));
        }
        if self.is_default {
            text.push_str(", the default for billable operations");
        }
        text
    }
}

/// The requests of one run, counted against a budget. Ask [`Meter::may_send`] before each
/// request and call [`Meter::record`] once it was sent.
#[derive(Clone, Debug)]
pub struct Meter {
    allowed: Option<u64>,
    sent: u64,
    price: Option<Price>,
}

impl Meter {
    /// A meter for `budget` at `price` (`None`: free).
    pub fn new(budget: &Budget, price: Option<Price>) -> Meter {
        Meter {
            allowed: budget.requests_allowed(price.as_ref()),
            sent: 0,
            price,
        }
    }

    /// Whether one more request stays within the budget.
    pub fn may_send(&self) -> bool {
        self.allowed.is_none_or(|a| self.sent < a)
    }

    /// Counts one request sent.
    pub fn record(&mut self) {
        self.sent += 1;
    }

    /// Requests sent so far.
    pub fn sent(&self) -> u64 {
        self.sent
    }

    /// The requests the budget allows, if it sets a limit.
    pub fn allowed(&self) -> Option<u64> {
        self.allowed
    }

    /// What the requests sent so far cost (`None` when the operation is free).
    pub fn spent(&self) -> Option<(Decimal, &str)> {
        self.price
            .as_ref()
            .map(|p| (p.of(self.sent), p.currency.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usd(amount: &str) -> Price {
        Price::from_spec(amount, "USD").unwrap()
    }

    #[test]
    fn the_default_allows_a_dollar_of_requests_and_free_operations_are_unlimited() {
        let price = usd("0.01");
        let budget = Budget::default_for(Some(&price));
        assert_eq!(budget.requests_allowed(Some(&price)), Some(100));
        assert_eq!(Budget::default_for(None).requests_allowed(None), None);
        assert_eq!(
            Budget::default_for(Some(&usd("0"))).requests_allowed(Some(&usd("0"))),
            None
        );
    }

    #[test]
    fn the_stricter_limit_wins_and_a_cost_below_one_request_allows_none() {
        let price = usd("0.01");
        let both = Budget {
            max_requests: Some(7),
            max_cost: Some(Decimal::from_str("0.05").unwrap()),
            is_default: false,
        };
        assert_eq!(both.requests_allowed(Some(&price)), Some(5));
        let tiny = Budget {
            max_cost: Some(Decimal::from_str("0.009").unwrap()),
            ..Budget::default()
        };
        assert_eq!(tiny.requests_allowed(Some(&price)), Some(0));
        // A cost limit means nothing for a free operation; a request limit still counts.
        assert_eq!(tiny.requests_allowed(None), None);
        let requests = Budget {
            max_requests: Some(3),
            ..Budget::default()
        };
        assert_eq!(requests.requests_allowed(None), Some(3));
    }

    #[test]
    fn bad_amounts_are_refused_with_what_was_expected() {
        assert!(Budget::parse_cost("abc")
            .unwrap_err()
            .0
            .contains("like 0.50"));
        assert!(Budget::parse_cost("-1")
            .unwrap_err()
            .0
            .contains("zero or more"));
        assert_eq!(Budget::parse_cost(" 2.50 ").unwrap().to_string(), "2.5");
        assert!(Price::from_spec("x", "USD").is_err());
    }

    #[test]
    fn a_meter_stops_at_the_limit() {
        let budget = Budget {
            max_requests: Some(2),
            ..Budget::default()
        };
        let mut meter = Meter::new(&budget, Some(usd("0.01")));
        assert!(meter.may_send());
        meter.record();
        meter.record();
        assert!(!meter.may_send());
        assert_eq!(meter.spent().unwrap().0.to_string(), "0.02");
        assert_eq!(
            budget.describe(Some(&usd("0.01"))),
            "--max-requests 2 (2 requests)"
        );
    }
}
