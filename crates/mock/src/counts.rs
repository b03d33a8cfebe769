//! The requests the mock answered, per operation, and what they would have cost: read with
//! [`crate::MockServer::request_counts`], over HTTP at [`REQUEST_COUNTS_PATH`], and in the
//! line `cloudcost mock` prints when it stops.
//!
//! The rule: a request counts once it is routed to an operation and answered, whatever the
//! answer (a page, the service's validation, auth or token error, an injected `throttle`,
//! `500` or `503`, an answer cut short by `truncate`), because a service bills requests, not
//! successes. It does not count when nothing was sent (the `reset` fault), when it reached
//! no operation (404, unknown `X-Amz-Target`), when the server refused it before reading it
//! whole (413, 408, 400 for an unreadable body), or when it asked for these counts. It is
//! billable when its service states a price per request (the spec's
//! `x-cloudcost-service.billing`, in the generated tables as
//! [`crate::spec::ServiceSpec::billing`]); its cost is that price times the billable count,
//! in the service's currency, exact.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};

use cloudcost_types::rust_decimal::Decimal;
use serde_json::{json, Value};

use crate::spec::{OperationSpec, ServiceSpec};

/// Where the mock answers `GET` with its [`RequestCounts`] as JSON. No spec routes a path
/// under `/__cloudcost/` (a unit test checks the generated tables), and requests there are
/// neither counted nor numbered, so reading the counts changes neither them nor which
/// requests get faults.
pub const REQUEST_COUNTS_PATH: &str = "/__cloudcost/requests";

/// The prefix of the paths the mock answers itself.
pub(crate) const RESERVED_PREFIX: &str = "/__cloudcost/";

/// An amount of money: exact decimal, ISO 4217 currency.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cost {
    pub amount: Decimal,
    pub currency: &'static str,
}

impl fmt::Display for Cost {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.amount, self.currency)
    }
}

/// One operation's answered requests.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OperationCount {
    /// The service's family (`ServiceSpec::family`).
    pub service: &'static str,
    pub operation: &'static str,
    /// Requests answered.
    pub requests: u64,
    /// Of those, the ones billed: all of them when the service has a price per request,
    /// else none.
    pub billable: u64,
    /// `billable` times the price, when the service has one.
    pub cost: Option<Cost>,
}

/// What a mock has answered so far, by operation (the module documentation says which
/// requests count).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestCounts {
    /// The operations with at least one answered request, in the order of the specs.
    pub operations: Vec<OperationCount>,
    /// The total cost in each currency some served service bills in, zero included,
    /// by currency code.
    pub costs: Vec<Cost>,
}

impl RequestCounts {
    /// Requests answered, all operations together.
    pub fn requests(&self) -> u64 {
        self.operations.iter().map(|o| o.requests).sum()
    }

    /// Billable requests, all operations together.
    pub fn billable_requests(&self) -> u64 {
        self.operations.iter().map(|o| o.billable).sum()
    }

    /// The count of one operation (`None` if it answered no request).
    pub fn operation(&self, service: &str, operation: &str) -> Option<&OperationCount> {
        self.operations
            .iter()
            .find(|o| o.service == service && o.operation == operation)
    }

    /// The JSON that [`REQUEST_COUNTS_PATH`] serves: amounts as decimal strings.
    ///
    /// ```json
    /// {"requests": 4, "billableRequests": 3,
    ///  "costs": [{"amount": "0.03", "currency": "USD"}],
    ///  "operations": [{"service": "…", "operation": "…", "requests": 3, "billable": 3,
    ///                  "cost": {"amount": "0.03", "currency": "USD"}}, …]}
    /// ```
    pub fn to_json(&self) -> Value {
        let cost = |c: &Cost| json!({"amount": c.amount.to_string(), "currency": c.currency});
        let operations: Vec<Value> = self
            .operations
            .iter()
            .map(|o| {
                let mut entry = json!({
                    "service": o.service,
                    "operation": o.operation,
                    "requests": o.requests,
                    "billable": o.billable,
                });
                if let (Some(c), Value::Object(map)) = (&o.cost, &mut entry) {
                    map.insert("cost".into(), cost(c));
                }
                entry
            })
            .collect();
        json!({
            "requests": self.requests(),
            "billableRequests": self.billable_requests(),
            "costs": self.costs.iter().map(cost).collect::<Vec<_>>(),
            "operations": operations,
        })
    }
}

/// One line: `answered 4 requests (3 billable, 0.03 USD): <service> <operation> 3, …`.
impl fmt::Display for RequestCounts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let requests = self.requests();
        write!(
            f,
            "answered {requests} request{} ({} billable",
            if requests == 1 { "" } else { "s" },
            self.billable_requests()
        )?;
        for cost in &self.costs {
            write!(f, ", {cost}")?;
        }
        f.write_str(")")?;
        for (i, o) in self.operations.iter().enumerate() {
            let sep = if i == 0 { ": " } else { ", " };
            write!(f, "{sep}{} {} {}", o.service, o.operation, o.requests)?;
        }
        Ok(())
    }
}

/// The live counters: one per operation of every service, in the tables' order.
pub(crate) struct Counter {
    services: &'static [&'static ServiceSpec],
    answered: Vec<AtomicU64>,
}

impl Counter {
    pub fn new(services: &'static [&'static ServiceSpec]) -> Self {
        let slots = services.iter().map(|s| s.operations.len()).sum();
        Counter {
            services,
            answered: (0..slots).map(|_| AtomicU64::new(0)).collect(),
        }
    }

    /// Counts one answered request to `op` of `service`.
    pub fn record(&self, service: &'static ServiceSpec, op: &'static OperationSpec) {
        let mut base = 0;
        for s in self.services {
            if std::ptr::eq(*s, service) {
                if let Some(i) = s.operations.iter().position(|o| std::ptr::eq(o, op)) {
                    if let Some(slot) = self.answered.get(base + i) {
                        slot.fetch_add(1, Ordering::Relaxed);
                    }
                }
                return;
            }
            base += s.operations.len();
        }
    }

    pub fn snapshot(&self) -> RequestCounts {
        let mut operations = Vec::new();
        let mut totals: BTreeMap<&'static str, Decimal> = BTreeMap::new();
        let mut slots = self.answered.iter();
        for service in self.services {
            // The loader checks that the price is a decimal; one that is not is left
            // unpriced rather than guessed.
            let price = service.billing.as_ref().and_then(|b| {
                Decimal::from_str(b.per_request)
                    .ok()
                    .map(|p| (p, b.currency))
            });
            if let Some((p, currency)) = price {
                // Zero at the price's scale (`0.00`), so amounts keep one form.
                totals.entry(currency).or_insert(Decimal::new(0, p.scale()));
            }
            for op in service.operations {
                let requests = slots.next().map_or(0, |n| n.load(Ordering::Relaxed));
                if requests == 0 {
                    continue;
                }
                let billable = if service.billing.is_some() {
                    requests
                } else {
                    0
                };
                // Overflows only past 2^64 requests at a price of billions: left out then.
                let cost = price.and_then(|(p, currency)| {
                    let amount = p.checked_mul(Decimal::from(billable))?;
                    Some(Cost { amount, currency })
                });
                if let Some(c) = &cost {
                    if let Some(total) = totals.get_mut(c.currency) {
                        *total = total.checked_add(c.amount).unwrap_or(*total);
                    }
                }
                operations.push(OperationCount {
                    service: service.family,
                    operation: op.name,
                    requests,
                    billable,
                    cost,
                });
            }
        }
        RequestCounts {
            operations,
            costs: totals
                .into_iter()
                .map(|(currency, amount)| Cost { amount, currency })
                .collect(),
        }
    }
}

/// The answer to a request under [`RESERVED_PREFIX`]: the counts as JSON for `GET` (and
/// `HEAD`) of [`REQUEST_COUNTS_PATH`], 405 for another method there, 404 elsewhere.
pub(crate) fn own_answer(method: &str, path: &str, counts: &Counter) -> crate::protocol::Reply {
    if path != REQUEST_COUNTS_PATH {
        return crate::protocol::not_found(
            404,
            "NotFound",
            &format!("nothing at {path}; the mock's own paths: {REQUEST_COUNTS_PATH}"),
            "-",
        );
    }
    if method != "GET" && method != "HEAD" {
        let mut reply = crate::protocol::not_found(
            405,
            "MethodNotAllowed",
            &format!("{REQUEST_COUNTS_PATH} answers GET"),
            "-",
        );
        reply.headers.push(("Allow".into(), "GET, HEAD".into()));
        return reply;
    }
    crate::protocol::Reply {
        status: 200,
        headers: vec![("Content-Type".into(), "application/json".into())],
        body: serde_json::to_vec(&counts.snapshot().to_json()).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_operation_of_any_spec_is_routed_under_the_reserved_prefix() {
        for service in crate::generated::SERVICES {
            for op in service.operations {
                assert!(
                    !op.path.starts_with(RESERVED_PREFIX) && op.path != "/__cloudcost",
                    "{} {} {} collides with the mock's own paths",
                    service.family,
                    op.name,
                    op.path
                );
            }
        }
        assert!(REQUEST_COUNTS_PATH.starts_with(RESERVED_PREFIX));
    }

    #[test]
    fn counts_cost_the_price_times_the_billable_requests_exactly() {
        let counter = Counter::new(crate::generated::SERVICES);
        let empty = counter.snapshot();
        assert_eq!(empty.requests(), 0);
        assert!(empty.operations.is_empty());
        let priced: Vec<_> = crate::generated::SERVICES
            .iter()
            .filter_map(|s| s.billing.as_ref())
            .collect();
        assert!(!priced.is_empty(), "a service with a price per request");
        for cost in &empty.costs {
            assert!(cost.amount.is_zero(), "{cost}");
        }
        let mut expected = BTreeMap::new();
        for service in crate::generated::SERVICES {
            for (k, op) in service.operations.iter().enumerate() {
                for _ in 0..=k + 2 {
                    counter.record(service, op);
                }
                let n = (k + 3) as u64;
                let billable = if service.billing.is_some() { n } else { 0 };
                expected.insert((service.family, op.name), (n, billable));
            }
        }
        let counts = counter.snapshot();
        let mut totals: BTreeMap<&str, Decimal> = BTreeMap::new();
        for o in &counts.operations {
            assert_eq!(
                expected[&(o.service, o.operation)],
                (o.requests, o.billable),
                "{o:?}"
            );
            if let Some(c) = &o.cost {
                let price: Decimal = crate::generated::SERVICES
                    .iter()
                    .find(|s| s.family == o.service)
                    .and_then(|s| s.billing.as_ref())
                    .map(|b| b.per_request.parse().expect("a decimal price"))
                    .expect("a priced service");
                assert_eq!(c.amount, price * Decimal::from(o.billable));
                *totals.entry(c.currency).or_default() += c.amount;
            } else {
                assert_eq!(o.billable, 0);
            }
        }
        assert_eq!(counts.operations.len(), expected.len());
        for cost in &counts.costs {
            assert_eq!(Some(&cost.amount), totals.get(cost.currency), "{cost}");
        }
        assert_eq!(
            counts.requests(),
            expected.values().map(|(n, _)| n).sum::<u64>()
        );
    }

    #[test]
    fn the_summary_line_names_each_operation_and_the_cost() {
        let counts = RequestCounts {
            operations: vec![
                OperationCount {
                    service: "a",
                    operation: "Get",
                    requests: 3,
                    billable: 3,
                    cost: Some(Cost {
                        amount: Decimal::new(3, 2),
                        currency: "USD",
                    }),
                },
                OperationCount {
                    service: "b",
                    operation: "List",
                    requests: 1,
                    billable: 0,
                    cost: None,
                },
            ],
            costs: vec![Cost {
                amount: Decimal::new(3, 2),
                currency: "USD",
            }],
        };
        assert_eq!(
            counts.to_string(),
            "answered 4 requests (3 billable, 0.03 USD): a Get 3, b List 1"
        );
        assert_eq!(
            counts.to_json(),
            json!({
                "requests": 4,
                "billableRequests": 3,
                "costs": [{"amount": "0.03", "currency": "USD"}],
                "operations": [
                    {"service": "a", "operation": "Get", "requests": 3, "billable": 3,
                     "cost": {"amount": "0.03", "currency": "USD"}},
                    {"service": "b", "operation": "List", "requests": 1, "billable": 0},
                ],
            })
        );
    }
}
