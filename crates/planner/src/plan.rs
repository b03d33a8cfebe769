//! A plan: the requests a query will send, how many pages each takes at least and at most
//! (at most is unknown where the service decides its page size and the budget then bounds
//! it), and what that costs at the spec's price.

use std::fmt;

use cloudcost_types::rust_decimal::Decimal;

use crate::budget::{Budget, Price};
use crate::period::Period;

/// How many pages (requests) one planned request takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pages {
    /// At least this many.
    pub at_least: u64,
    /// At most this many, when known (a single call: 1); `None` when the service decides
    /// how many pages the answer takes.
    pub at_most: Option<u64>,
}

impl Pages {
    /// Exactly one request (no paging, or one page asked for).
    pub const ONE: Pages = Pages {
        at_least: 1,
        at_most: Some(1),
    };
    /// Following pages: one at least, and as many as the service hands out tokens for.
    pub const FOLLOWED: Pages = Pages {
        at_least: 1,
        at_most: None,
    };
}

/// One request the plan sends (with its pages).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlannedRequest {
    /// What the request is for, when the plan has several kinds (a split query's
    /// discovery request, its requests per value).
    pub what: Option<String>,
    /// The request member that holds the period, and the period asked for, if the
    /// operation has one (the spec's `x-cloudcost-query` role `period`).
    pub period: Option<(String, Period)>,
    /// Its pages.
    pub pages: Pages,
}

/// What a query will send and cost.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    /// The operation (`GetCostAndUsage`).
    pub operation: String,
    /// The price of a request, if the service bills for requests.
    pub price: Option<Price>,
    /// The budget the run is held to.
    pub budget: Budget,
    /// The requests, in the order they are sent.
    pub requests: Vec<PlannedRequest>,
    /// Periods answered from the cache, free: (their member, each period).
    pub cached: Vec<(String, Period)>,
}

impl Plan {
    /// The plan of one request (following its pages or not).
    pub fn single(
        operation: &str,
        price: Option<Price>,
        budget: Budget,
        period: Option<(String, Period)>,
        follow_pages: bool,
    ) -> Plan {
        Plan {
            operation: operation.to_string(),
            price,
            budget,
            cached: Vec::new(),
            requests: vec![PlannedRequest {
                what: None,
                period,
                pages: if follow_pages {
                    Pages::FOLLOWED
                } else {
                    Pages::ONE
                },
            }],
        }
    }

    /// The plan of a query past two groupings ([`crate::groups`]): a discovery request
    /// grouped by `extra_keys`, then one request per combination of their values, which
    /// only the discovery answer tells (zero or more, each one page or more).
    pub fn split(
        operation: &str,
        price: Option<Price>,
        budget: Budget,
        period: Option<(String, Period)>,
        extra_keys: &[String],
    ) -> Plan {
        let keys = extra_keys.join(" and ");
        Plan {
            operation: operation.to_string(),
            price,
            budget,
            cached: Vec::new(),
            requests: vec![
                PlannedRequest {
                    what: Some(format!("the values of {keys}, grouped by them")),
                    period: period.clone(),
                    pages: Pages::FOLLOWED,
                },
                PlannedRequest {
                    what: Some(format!(
                        "one per value of {keys} found, grouped by the first two keys and filtered to that value"
                    )),
                    period,
                    pages: Pages {
                        at_least: 0,
                        at_most: None,
                    },
                },
            ],
        }
    }

    /// The plan of a query over the cache of closed periods: the months it holds are
    /// read for free, each gap between them is one request (following its pages).
    pub fn over_cache(
        operation: &str,
        price: Option<Price>,
        budget: Budget,
        member: &str,
        gaps: Vec<Period>,
        cached: Vec<Period>,
    ) -> Plan {
        Plan {
            operation: operation.to_string(),
            price,
            budget,
            requests: gaps
                .into_iter()
                .map(|p| PlannedRequest {
                    what: Some("not in the cache".into()),
                    period: Some((member.to_string(), p)),
                    pages: Pages::FOLLOWED,
                })
                .collect(),
            cached: cached
                .into_iter()
                .map(|p| (member.to_string(), p))
                .collect(),
        }
    }

    /// The requests the budget allows, if it sets a limit.
    pub fn allowed(&self) -> Option<u64> {
        self.budget.requests_allowed(self.price.as_ref())
    }

    /// Requests sent at least: every planned request's first page, within the budget.
    pub fn requests_at_least(&self) -> u64 {
        let sum: u64 = self.requests.iter().map(|r| r.pages.at_least).sum();
        self.allowed().map_or(sum, |a| sum.min(a))
    }

    /// Requests sent at most: known when every request's pages are, or when the budget
    /// bounds them; `None` when neither.
    pub fn requests_at_most(&self) -> Option<u64> {
        let known: Option<u64> = self.requests.iter().map(|r| r.pages.at_most).sum();
        match (known, self.allowed()) {
            (Some(k), Some(a)) => Some(k.min(a)),
            (k, a) => k.or(a),
        }
    }

    /// The cost of [`Plan::requests_at_least`] (`None`: free).
    pub fn cost_at_least(&self) -> Option<Decimal> {
        self.price.as_ref().map(|p| p.of(self.requests_at_least()))
    }

    /// The cost of [`Plan::requests_at_most`] (`None`: free, or no bound).
    pub fn cost_at_most(&self) -> Option<Decimal> {
        let at_most = self.requests_at_most()?;
        self.price.as_ref().map(|p| p.of(at_most))
    }
}

impl fmt::Display for Plan {
    /// The plan as the command line prints it, one fact a line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "plan: {}", self.operation)?;
        match &self.price {
            Some(p) => writeln!(f, "price: {p} (the spec's x-cloudcost-service.billing)")?,
            None => writeln!(f, "price: none (the spec states no price per request)")?,
        }
        for (i, r) in self.requests.iter().enumerate() {
            write!(f, "request {}:", i + 1)?;
            if let Some(what) = &r.what {
                write!(f, " {what};")?;
            }
            if let Some((member, period)) = &r.period {
                write!(f, " {member} {period};")?;
            }
            match r.pages.at_most {
                Some(m) if m == r.pages.at_least => writeln!(f, " pages: {m}")?,
                Some(m) => writeln!(f, " pages: at least {}, at most {m}", r.pages.at_least)?,
                None => writeln!(
                    f,
                    " pages: at least {}, at most as many as the service hands out tokens for",
                    r.pages.at_least
                )?,
            }
        }
        if !self.cached.is_empty() {
            let months = self.cached.len();
            let (first, last) = (&self.cached[0], &self.cached[months - 1]);
            writeln!(
                f,
                "cached: {months} closed month{} of {} from {} to {}, read from the cache (free)",
                if months == 1 { "" } else { "s" },
                first.0,
                first.1.start,
                last.1.end
            )?;
        }
        let least = self.requests_at_least();
        match self.requests_at_most() {
            Some(most) if most == least => writeln!(f, "requests: {least}")?,
            Some(most) => writeln!(f, "requests: at least {least}, at most {most}")?,
            None => writeln!(f, "requests: at least {least}, no upper bound")?,
        }
        if let Some(p) = &self.price {
            let least = p.of(self.requests_at_least());
            match self.cost_at_most() {
                Some(most) if most == least => writeln!(f, "cost: {least} {}", p.currency)?,
                Some(most) => writeln!(
                    f,
                    "cost: at least {least} {0}, at most {most} {0}",
                    p.currency
                )?,
                None => writeln!(f, "cost: at least {least} {}, no upper bound", p.currency)?,
            }
        } else {
            writeln!(f, "cost: none")?;
        }
        writeln!(f, "budget: {}", self.budget.describe(self.price.as_ref()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cloudcost_types::chrono::NaiveDate;

    #[test]
    fn a_followed_query_is_bounded_by_the_default_budget() {
        let price = Price::from_spec("0.01", "USD").unwrap();
        let budget = Budget::default_for(Some(&price));
        let period = Period {
            start: NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
            end: NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
        };
        let plan = Plan::single(
            "GetCostAndUsage",
            Some(price),
            budget,
            Some(("TimePeriod".into(), period)),
            true,
        );
        assert_eq!(plan.requests_at_least(), 1);
        assert_eq!(plan.requests_at_most(), Some(100));
        assert_eq!(plan.cost_at_most().unwrap().to_string(), "1.00");
        let text = plan.to_string();
        assert!(
            text.contains(
                "TimePeriod 2024-01-01 to 2025-01-01 (end exclusive: the last day is 2024-12-31)"
            ),
            "{text}"
        );
        assert!(
            text.contains("requests: at least 1, at most 100\n"),
            "{text}"
        );
        assert!(
            text.contains("cost: at least 0.01 USD, at most 1.00 USD\n"),
            "{text}"
        );
    }

    #[test]
    fn a_free_single_call_is_one_request() {
        let plan = Plan::single("ListUsageTotals", None, Budget::unlimited(), None, false);
        assert_eq!(plan.requests_at_most(), Some(1));
        let text = plan.to_string();
        assert!(
            text.contains("requests: 1\ncost: none\nbudget: no limit\n"),
            "{text}"
        );
        let followed = Plan::single("ListUsageTotals", None, Budget::unlimited(), None, true);
        assert_eq!(followed.requests_at_most(), None);
    }

    #[test]
    fn a_plan_over_the_cache_counts_only_its_gaps() {
        let day = |m| NaiveDate::from_ymd_opt(2024, m, 1).unwrap();
        let month = |m| Period {
            start: day(m),
            end: day(m + 1),
        };
        let price = Price::from_spec("0.01", "USD").unwrap();
        let all = Plan::over_cache(
            "Q",
            Some(price.clone()),
            Budget::unlimited(),
            "TimePeriod",
            vec![],
            vec![month(1), month(2)],
        );
        assert_eq!(
            (all.requests_at_least(), all.requests_at_most()),
            (0, Some(0))
        );
        assert!(all
            .to_string()
            .contains("cached: 2 closed months of TimePeriod from 2024-01-01 to 2024-03-01"));
        let gap = Plan::over_cache(
            "Q",
            Some(price),
            Budget::unlimited(),
            "TimePeriod",
            vec![month(3)],
            vec![month(1)],
        );
        assert_eq!((gap.requests_at_least(), gap.requests_at_most()), (1, None));
        assert!(gap
            .to_string()
            .contains("request 1: not in the cache; TimePeriod 2024-03-01 to 2024-04-01"));
    }

    #[test]
    fn a_split_query_plans_its_discovery_and_its_requests_per_value() {
        let price = Price::from_spec("0.01", "USD").unwrap();
        let budget = Budget::default_for(Some(&price));
        let plan = Plan::split(
            "GetCostAndUsage",
            Some(price),
            budget,
            None,
            &["LINKED_ACCOUNT".into()],
        );
        assert_eq!(plan.requests_at_least(), 1);
        assert_eq!(plan.requests_at_most(), Some(100));
        let text = plan.to_string();
        assert!(
            text.contains(
                "request 1: the values of LINKED_ACCOUNT, grouped by them; pages: at least 1"
            ),
            "{text}"
        );
        assert!(
            text.contains("request 2: one per value of LINKED_ACCOUNT found"),
            "{text}"
        );
    }
}
