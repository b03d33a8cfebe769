//! The ledger dataset: an operation with an `x-cloudcost-query` is answered as a query over
//! a billing ledger (`cloudcost-ledger`), so its numbers add up: the days sum to the month,
//! the groups to the total, a filter and its `Not` partition it.
//!
//! The spec says which request member plays each role of the query (`QuerySpec`); this
//! module reads those members, asks the ledger, and writes the answer in the kind's response
//! form, paged with the same opaque tokens (or SCP-style markers) as the synthetic dataset.
//! The response member names here are the vocabulary of each query kind, shared by every
//! operation of that kind; what a service calls its request members is the spec's.

use std::sync::{Arc, Mutex};

use cloudcost_ledger::{
    Aggregates, CostAnswer, CostQuery, Expr, Granularity, GroupKey, Ledger, MatchOption,
    QueryError, ScpQuery, UtilizationQuery,
};
use cloudcost_types::chrono::NaiveDate;
use cloudcost_types::rust_decimal::Decimal;
use serde_json::{json, Map, Value};

use crate::paging::{page_window, Refusal};
use crate::spec::{OperationSpec, OutputToken, QuerySpec};
use crate::synth::SchemaCache;

/// A ledger and the page size of its lists (a request's own page-size member wins).
#[derive(Clone)]
pub struct LedgerData {
    pub ledger: Arc<Ledger>,
    pub page_size: u32,
}

/// The last cost answer, by the query it answers: a client paging through an answer asks
/// the same query once per page, and answering it again for each page was most of the
/// mock's time (BENCHMARKS.md, the mock's ledger dataset). One per server.
#[derive(Default)]
pub(crate) struct AnswerCache(Mutex<Option<(CostQuery, Arc<CostAnswer>)>>);

impl AnswerCache {
    /// The answer to `q` from `ledger`, from the last one when it answered the same query.
    fn cost_and_usage(
        &self,
        ledger: &Ledger,
        q: &CostQuery,
    ) -> Result<Arc<CostAnswer>, QueryError> {
        let mut last = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((query, answer)) = last.as_ref() {
            if query == q {
                return Ok(answer.clone());
            }
        }
        let answer = Arc::new(ledger.cost_and_usage(q)?);
        *last = Some((q.clone(), answer.clone()));
        Ok(answer)
    }
}

impl std::fmt::Debug for LedgerData {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LedgerData")
            .field("page_size", &self.page_size)
            .finish_non_exhaustive()
    }
}

/// Two configurations serve the same data when they hold the same ledger.
impl PartialEq for LedgerData {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.ledger, &other.ledger) && self.page_size == other.page_size
    }
}
impl Eq for LedgerData {}

/// The answer to a valid `request` of `op`, or `None` when the ledger cannot answer the
/// operation (no `x-cloudcost-query`), which then gets schema-driven data.
pub(crate) fn respond(
    op: &OperationSpec,
    data: &LedgerData,
    request: &Value,
    answers: &AnswerCache,
    schemas: &SchemaCache,
) -> Option<Result<Vec<u8>, Refusal>> {
    let query = op.query.as_ref()?;
    // A documented request gets its documented response.
    for (i, example) in op.request_examples.iter().enumerate() {
        // Parsed once per server (the schema cache keeps any table text), not per request.
        if *schemas.get(example) == *request {
            if let Some(response) = op.examples.get(i) {
                return Some(Ok(response.as_bytes().to_vec()));
            }
        }
    }
    let page = match query.kind {
        "costAndUsage" => cost_and_usage(op, query, data, request, answers),
        "reservationUtilization" => reservation_utilization(op, query, data, request),
        "usageTotals" => usage_totals(op, query, data, request),
        "freeTrials" => free_trials(query, data, request),
        "usages" => usages(op, query, data, request),
        // A kind newer than this mock: the schema's data, as for an operation without one.
        _ => return None,
    };
    Some(page.and_then(|page| (op.encode_response)(page).map_err(Refusal::Internal)))
}

/// The request member that plays `role`, if the spec names one and the request sets it.
fn member<'v>(query: &QuerySpec, request: &'v Value, role: &str) -> Option<&'v Value> {
    query
        .member(role)
        .and_then(|m| request.get(m))
        .filter(|v| !v.is_null())
}

fn invalid(role: &str, query: &QuerySpec, why: impl std::fmt::Display) -> Refusal {
    let name = query.member(role).unwrap_or(role);
    Refusal::InvalidRequest(format!("{name}: {why}"))
}

fn text<'v>(query: &QuerySpec, request: &'v Value, role: &str) -> Option<&'v str> {
    member(query, request, role).and_then(Value::as_str)
}

fn texts(query: &QuerySpec, request: &Value, role: &str) -> Vec<String> {
    member(query, request, role)
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// A date of the wire (`2024-01-01`, or Cost Explorer's `2024-01-01T00:00:00Z`).
fn date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.get(..10)?, "%Y-%m-%d").ok()
}

/// The longest period the mock answers: ten years of daily periods is already far more
/// than any service keeps; a longer one would only make the mock build empty periods.
const MAX_PERIOD_DAYS: i64 = 3660;

fn period(query: &QuerySpec, request: &Value) -> Result<(NaiveDate, NaiveDate), Refusal> {
    let p = member(query, request, "period").ok_or_else(|| invalid("period", query, "missing"))?;
    let bound = |name: &str| {
        p.get(name)
            .and_then(Value::as_str)
            .and_then(date)
            .ok_or_else(|| invalid("period", query, format!("`{name}` is not a date")))
    };
    let (start, end) = (bound("Start")?, bound("End")?);
    if (end - start).num_days() > MAX_PERIOD_DAYS {
        return Err(invalid(
            "period",
            query,
            format!("the mock answers periods of at most {MAX_PERIOD_DAYS} days"),
        ));
    }
    Ok((start, end))
}

fn granularity(query: &QuerySpec, request: &Value) -> Result<Option<Granularity>, Refusal> {
    Ok(match text(query, request, "granularity") {
        None => None,
        Some("DAILY") => Some(Granularity::Daily),
        Some("MONTHLY") => Some(Granularity::Monthly),
        Some("HOURLY") => Some(Granularity::Hourly),
        Some(other) => {
            return Err(invalid(
                "granularity",
                query,
                format!("{other:?} is not DAILY, MONTHLY or HOURLY"),
            ))
        }
    })
}

fn group_by(query: &QuerySpec, request: &Value) -> Result<Vec<GroupKey>, Refusal> {
    let Some(list) = member(query, request, "groupBy").and_then(Value::as_array) else {
        return Ok(Vec::new());
    };
    list.iter()
        .map(|g| {
            let key = g.get("Key").and_then(Value::as_str).unwrap_or_default();
            match g.get("Type").and_then(Value::as_str) {
                Some("DIMENSION") => Ok(GroupKey::Dimension(key.to_string())),
                Some("TAG") => Ok(GroupKey::Tag(key.to_string())),
                Some("COST_CATEGORY") => Ok(GroupKey::CostCategory(key.to_string())),
                other => Err(invalid(
                    "groupBy",
                    query,
                    format!("group type {other:?} is not DIMENSION, TAG or COST_CATEGORY"),
                )),
            }
        })
        .collect()
}

/// A filter expression in Cost Explorer's form (`And`, `Or`, `Not`, `Dimensions`, `Tags`,
/// `CostCategories`, each leaf `{Key, Values, MatchOptions}`).
fn expression(v: &Value, at: &str) -> Result<Expr, String> {
    let obj = v
        .as_object()
        .ok_or_else(|| format!("{at}: expected an expression object"))?;
    let list = |name: &str, items: &Value| -> Result<Vec<Expr>, String> {
        items
            .as_array()
            .ok_or_else(|| format!("{at}.{name}: expected a list"))?
            .iter()
            .enumerate()
            .map(|(i, e)| expression(e, &format!("{at}.{name}[{i}]")))
            .collect()
    };
    let leaf =
        |name: &str, body: &Value| -> Result<(String, Vec<String>, Vec<MatchOption>), String> {
            let key = body
                .get("Key")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            let values = body
                .get("Values")
                .and_then(Value::as_array)
                .map(|vs| {
                    vs.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default();
            let options = body
                .get("MatchOptions")
                .and_then(Value::as_array)
                .map(|os| os.iter().filter_map(Value::as_str).collect::<Vec<_>>())
                .unwrap_or_default()
                .into_iter()
                .map(|o| {
                    match_option(o)
                        .ok_or_else(|| format!("{at}.{name}.MatchOptions: {o:?} is not supported"))
                })
                .collect::<Result<Vec<_>, _>>()?;
            Ok((key, values, options))
        };
    let mut parts = Vec::new();
    for (name, body) in obj {
        parts.push(match name.as_str() {
            "And" => Expr::And(list(name, body)?),
            "Or" => Expr::Or(list(name, body)?),
            "Not" => Expr::Not(Box::new(expression(body, &format!("{at}.Not"))?)),
            "Dimensions" => {
                let (key, values, match_options) = leaf(name, body)?;
                Expr::Dimension {
                    key,
                    values,
                    match_options,
                }
            }
            "Tags" => {
                let (key, values, match_options) = leaf(name, body)?;
                Expr::Tag {
                    key,
                    values,
                    match_options,
                }
            }
            "CostCategories" => {
                let (key, values, match_options) = leaf(name, body)?;
                Expr::CostCategory {
                    key,
                    values,
                    match_options,
                }
            }
            other => return Err(format!("{at}.{other}: not supported by the ledger")),
        });
    }
    match parts.len() {
        1 => Ok(parts.remove(0)),
        0 => Err(format!("{at}: an empty expression")),
        _ => Err(format!("{at}: an expression takes one operator or leaf")),
    }
}

fn match_option(o: &str) -> Option<MatchOption> {
    MatchOption::from_name(o)
}

fn filter(query: &QuerySpec, request: &Value) -> Result<Option<Expr>, Refusal> {
    let Some(v) = member(query, request, "filter") else {
        return Ok(None);
    };
    let name = query.member("filter").unwrap_or("Filter");
    expression(v, name)
        .map(Some)
        .map_err(Refusal::InvalidRequest)
}

/// The page size: the request's own page-size member, else the dataset's.
fn page_size(op: &OperationSpec, data: &LedgerData, request: &Value) -> u64 {
    op.pagination
        .as_ref()
        .and_then(|p| p.page_size)
        .and_then(|m| request.get(m))
        .and_then(Value::as_u64)
        .filter(|n| *n > 0)
        .unwrap_or(u64::from(data.page_size.max(1)))
}

fn amount(value: Decimal, unit: &str) -> Value {
    json!({"Amount": value.to_string(), "Unit": unit})
}

fn metrics(list: &[(String, Decimal, String)]) -> Value {
    Value::Object(
        list.iter()
            .map(|(name, value, unit)| (name.clone(), amount(*value, unit)))
            .collect::<Map<_, _>>(),
    )
}

/// GetCostAndUsage and its kind: periods over `[Start, End)`, only the asked metrics,
/// groups by up to two keys, paged over the (period, group) rows.
fn cost_and_usage(
    op: &OperationSpec,
    query: &QuerySpec,
    data: &LedgerData,
    request: &Value,
    answers: &AnswerCache,
) -> Result<Value, Refusal> {
    let (start, end) = period(query, request)?;
    let q = CostQuery {
        start,
        end,
        granularity: granularity(query, request)?
            .ok_or_else(|| invalid("granularity", query, "missing"))?,
        metrics: texts(query, request, "metrics"),
        group_by: group_by(query, request)?,
        filter: filter(query, request)?,
    };
    let answer = answers
        .cost_and_usage(&data.ledger, &q)
        .map_err(|e| Refusal::InvalidRequest(e.to_string()))?;
    // One row per group, or one per period when the query is not grouped.
    let rows: Vec<(usize, Option<usize>)> = answer
        .periods
        .iter()
        .enumerate()
        .flat_map(|(i, p)| {
            // A period with no group still appears, with its empty `Groups`.
            if q.group_by.is_empty() || p.groups.is_empty() {
                vec![(i, None)]
            } else {
                (0..p.groups.len()).map(|g| (i, Some(g))).collect()
            }
        })
        .collect();
    let (window, next) = page_window(op, request, rows.len() as u64, page_size(op, data, request))?;
    let mut results: Vec<Value> = Vec::new();
    let mut current: Option<usize> = None;
    for &(pi, gi) in &rows[window.clone()] {
        let p = &answer.periods[pi];
        if current != Some(pi) {
            current = Some(pi);
            results.push(json!({
                "TimePeriod": {"Start": p.start_text(), "End": p.end_text()},
                "Total": metrics(&p.total),
                "Groups": [],
                "Estimated": p.estimated,
            }));
        }
        if let (Some(gi), Some(last)) = (gi, results.last_mut()) {
            let g = &p.groups[gi];
            if let Some(Value::Array(groups)) = last.get_mut("Groups") {
                groups.push(json!({"Keys": g.keys, "Metrics": metrics(&g.metrics)}));
            }
        }
    }
    let mut page = Map::new();
    if let Some(g) = member(query, request, "groupBy") {
        page.insert("GroupDefinitions".into(), g.clone());
    }
    page.insert("ResultsByTime".into(), Value::Array(results));
    let accounts = q
        .group_by
        .iter()
        .any(|g| matches!(g, GroupKey::Dimension(d) if d == "LINKED_ACCOUNT"));
    if accounts {
        // The accounts of this page's groups, as the service lists them page by page.
        let seen: std::collections::BTreeSet<&str> = rows[window]
            .iter()
            .filter_map(|(pi, gi)| gi.map(|g| (pi, g)))
            .filter_map(|(pi, g)| {
                let keys = &answer.periods[*pi].groups[g].keys;
                q.group_by
                    .iter()
                    .position(|k| matches!(k, GroupKey::Dimension(d) if d == "LINKED_ACCOUNT"))
                    .and_then(|i| keys.get(i))
                    .map(String::as_str)
            })
            .collect();
        let attributes: Vec<Value> = seen
            .into_iter()
            .map(|account| {
                let attrs: Map<String, Value> = data
                    .ledger
                    .account_attributes(account)
                    .into_iter()
                    .map(|(k, v)| (k, Value::String(v)))
                    .collect();
                json!({"Value": account, "Attributes": attrs})
            })
            .collect();
        page.insert("DimensionValueAttributes".into(), Value::Array(attributes));
    }
    set_token(op, &mut page, next);
    Ok(Value::Object(page))
}

/// Writes the next page's token, if there is one, into the response's token member.
fn set_token(op: &OperationSpec, page: &mut Map<String, Value>, next: Option<String>) {
    if let (Some(p), Some(next)) = (&op.pagination, next) {
        if let OutputToken::Member(name) = p.output_token {
            page.insert(name.to_string(), Value::String(next));
        }
    }
}

fn aggregates(a: &Aggregates) -> Value {
    Value::Object(
        a.fields()
            .into_iter()
            .map(|(name, value)| (name.to_string(), Value::String(value.to_string())))
            .collect(),
    )
}

/// GetReservationUtilization and its kind: per period (and per subscription) the hours and
/// utilisation that follow from the reservations, and their total; paged over periods.
fn reservation_utilization(
    op: &OperationSpec,
    query: &QuerySpec,
    data: &LedgerData,
    request: &Value,
) -> Result<Value, Refusal> {
    let (start, end) = period(query, request)?;
    let q = UtilizationQuery {
        start,
        end,
        granularity: granularity(query, request)?,
        group_by: group_by(query, request)?,
        filter: filter(query, request)?,
    };
    let answer = data
        .ledger
        .reservation_utilization(&q)
        .map_err(|e| Refusal::InvalidRequest(e.to_string()))?;
    let (window, next) = page_window(
        op,
        request,
        answer.periods.len() as u64,
        page_size(op, data, request),
    )?;
    let periods: Vec<Value> = answer.periods[window]
        .iter()
        .map(|p| {
            let groups: Vec<Value> = p
                .groups
                .iter()
                .map(|g| {
                    let attributes: Map<String, Value> = g
                        .attributes
                        .iter()
                        .map(|(k, v)| {
                            (
                                k.clone(),
                                v.clone().map(Value::String).unwrap_or(Value::Null),
                            )
                        })
                        .collect();
                    json!({
                        "Key": g.key,
                        "Value": g.value,
                        "Attributes": attributes,
                        "Utilization": aggregates(&g.utilization),
                    })
                })
                .collect();
            json!({
                "TimePeriod": {
                    "Start": p.start.format("%Y-%m-%d").to_string(),
                    "End": p.end.format("%Y-%m-%d").to_string(),
                },
                "Groups": groups,
                "Total": aggregates(&p.total),
            })
        })
        .collect();
    let mut page = Map::new();
    page.insert("UtilizationsByTime".into(), Value::Array(periods));
    page.insert("Total".into(), aggregates(&answer.total));
    set_token(op, &mut page, next);
    Ok(Value::Object(page))
}

/// ListUsageTotals and its kind: per requested account (every account when none is asked
/// for), the usage totals; paged over accounts.
fn usage_totals(
    op: &OperationSpec,
    query: &QuerySpec,
    data: &LedgerData,
    request: &Value,
) -> Result<Value, Refusal> {
    let (accounts, _unknown) = data.ledger.usage_totals(&texts(query, request, "accounts"));
    let (window, next) = page_window(
        op,
        request,
        accounts.len() as u64,
        page_size(op, data, request),
    )?;
    let totals: Vec<Value> = accounts[window]
        .iter()
        .map(|a| {
            let usage: Vec<Value> = a
                .usage
                .iter()
                .map(|u| {
                    json!({
                        "type": u.usage_type,
                        "total": number(u.total),
                        "estimatedMonthlyCost": number(u.estimated_monthly_cost),
                        "currency": u.currency,
                    })
                })
                .collect();
            json!({"accountId": a.account_id, "usage": usage})
        })
        .collect();
    let mut page = Map::new();
    page.insert("totals".into(), Value::Array(totals));
    set_token(op, &mut page, next);
    Ok(Value::Object(page))
}

/// A decimal as a JSON number with its exact digits (the model types read numbers from
/// their text, so nothing passes through `f64`).
fn number(d: Decimal) -> Value {
    serde_json::from_str(&d.to_string()).unwrap_or_else(|_| Value::String(d.to_string()))
}

/// BatchGetFreeTrialInfo and its kind: the free trials of each requested account; an
/// account the ledger does not know goes to `failedAccounts`, as the service answers it.
fn free_trials(query: &QuerySpec, data: &LedgerData, request: &Value) -> Result<Value, Refusal> {
    let (accounts, unknown) = data.ledger.free_trials(&texts(query, request, "accounts"));
    let accounts: Vec<Value> = accounts
        .iter()
        .map(|a| {
            let trials: Vec<Value> = a
                .trials
                .iter()
                .map(|t| {
                    json!({
                        "type": t.trial_type,
                        "start": t.start.and_utc().timestamp(),
                        "end": t.end.and_utc().timestamp(),
                        "status": t.status,
                    })
                })
                .collect();
            json!({"accountId": a.account_id, "freeTrialInfo": trials})
        })
        .collect();
    let failed: Vec<Value> = unknown
        .iter()
        .map(|id| {
            json!({
                "accountId": id,
                "code": "ACCESS_DENIED",
                "message": format!("{id} is not an account of this organisation"),
            })
        })
        .collect();
    Ok(json!({"accounts": accounts, "failedAccounts": failed}))
}

/// ListUsages and its kind: the usages in the date range matching every filter member,
/// sorted, paged by `limit` and the last item's id as the marker.
fn usages(
    op: &OperationSpec,
    query: &QuerySpec,
    data: &LedgerData,
    request: &Value,
) -> Result<Value, Refusal> {
    let day = |role: &str| -> Result<Option<NaiveDate>, Refusal> {
        text(query, request, role)
            .map(|t| date(t).ok_or_else(|| invalid(role, query, format!("{t:?} is not a date"))))
            .transpose()
    };
    let sort = text(query, request, "sort")
        .map(|s| {
            let (key, dir) = s.split_once(':').unwrap_or((s, "asc"));
            match dir {
                "asc" => Ok((key.to_string(), false)),
                "desc" => Ok((key.to_string(), true)),
                other => Err(invalid(
                    "sort",
                    query,
                    format!("direction {other:?} is not asc or desc"),
                )),
            }
        })
        .transpose()?;
    let q = ScpQuery {
        start: day("start")?,
        end: day("end")?,
        account_ids: texts(query, request, "accounts"),
        service_categories: texts(query, request, "serviceCategories"),
        billing_item_ids: texts(query, request, "billingItems"),
        regions: texts(query, request, "regions"),
        contract_id: text(query, request, "contract").map(str::to_string),
        order_statuses: texts(query, request, "orderStatuses"),
        resource_name: text(query, request, "resourceName").map(str::to_string),
        sort,
    };
    let all = data
        .ledger
        .scp_usages(&q)
        .map_err(|e| Refusal::InvalidRequest(e.to_string()))?;
    let size = page_size(op, data, request);
    // The marker is the id of the last usage of the previous page.
    let from = match op
        .pagination
        .as_ref()
        .and_then(|p| request.get(p.input_token))
        .and_then(Value::as_str)
    {
        None | Some("") => 0,
        Some(marker) => match all.iter().position(|u| u.id == marker) {
            Some(i) => i + 1,
            None => {
                return Err(Refusal::InvalidToken(format!(
                    "marker {marker:?} is not the id of a usage of this query"
                )))
            }
        },
    };
    let to = from
        .saturating_add(usize::try_from(size).unwrap_or(usize::MAX))
        .min(all.len());
    let items: Vec<Value> = all[from..to]
        .iter()
        .map(|u| {
            json!({
                "id": u.id,
                "account_id": u.account_id,
                "service_category": u.service_category,
                "billing_item_id": u.billing_item_id,
                "ccbs_product_code": u.ccbs_product_code,
                "resource_id": u.resource_id,
                "contract_id": u.contract_id,
                "order_status": u.order_status,
                "usage_date": u.usage_date.format("%Y-%m-%dT%H:%M:%S").to_string(),
                "amounts": {"krw": u.krw.to_string(), "usd": u.usd.to_string()},
                "status_code": u.status_code,
            })
        })
        .collect();
    let mut page = Map::new();
    page.insert(
        "timezone".into(),
        Value::String(data.ledger.organisation().scp.timezone.clone()),
    );
    let with_count = member(query, request, "withCount").and_then(Value::as_bool) == Some(true);
    if with_count {
        page.insert("count".into(), json!(all.len()));
    }
    page.insert("usages".into(), Value::Array(items));
    Ok(Value::Object(page))
}
