//! Samsung Cloud Platform usages over the ledger: one usage per resource and day, every
//! filter of ListUsages, and its sort.
//!
//! A usage's `usage_date` is the day at midnight in the organisation's SCP timezone
//! (`Asia/Seoul`), written without offset; its record was created the next day at 03:00
//! (`created_at`). Its amount in won is the resource's `daily_krw` (varied 80 % to 120 %
//! by the seed in a generated ledger, whole won), in dollars `krw × usd_per_krw` rounded
//! to 10 decimals. Ids are 32 hex digits, stable (a function of the seed, the resource
//! and the day) and unique.

use std::cmp::Ordering;

use cloudcost_types::chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use cloudcost_types::rust_decimal::Decimal;

use crate::error::QueryError;
use crate::hash::{self, hash, mix, range, text};
use crate::ledger::Ledger;

/// The keys ListUsages can sort by.
pub const SCP_SORT_KEYS: &[&str] = &[
    "id",
    "usage_date",
    "created_at",
    "account_id",
    "service_category",
    "billing_item_id",
    "region",
    "contract_id",
    "resource_name",
    "krw",
    "usd",
];

/// A ListUsages query. Empty lists and `None` filter nothing; a list matches any of its
/// values exactly.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScpQuery {
    /// The first usage date (inclusive; default the calendar's start).
    pub start: Option<NaiveDate>,
    /// The last usage date (inclusive, as SCP's `end_date`; default the calendar's last
    /// day).
    pub end: Option<NaiveDate>,
    /// Account ids.
    pub account_ids: Vec<String>,
    /// Service categories (`COMPUTE`, ...).
    pub service_categories: Vec<String>,
    /// Billing item ids (`VIRTUAL_SERVER`, ...).
    pub billing_item_ids: Vec<String>,
    /// Regions.
    pub regions: Vec<String>,
    /// A contract id.
    pub contract_id: Option<String>,
    /// CCBS order statuses (`04`, ...).
    pub order_statuses: Vec<String>,
    /// Usages whose resource name contains this text.
    pub resource_name: Option<String>,
    /// The sort key (one of [`SCP_SORT_KEYS`]) and whether descending; default id
    /// ascending. Ties are broken by id, ascending.
    pub sort: Option<(String, bool)>,
}

/// One SCP usage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScpUsage {
    /// The usage id (32 hex digits).
    pub id: String,
    /// The account id.
    pub account_id: String,
    /// The service category.
    pub service_category: String,
    /// The billing item id.
    pub billing_item_id: String,
    /// The CCBS product code.
    pub ccbs_product_code: String,
    /// The resource id.
    pub resource_id: String,
    /// The resource name (not in the response; the `resource_name` filter reads it).
    pub resource_name: String,
    /// The region (not in the response; the `region` filter reads it).
    pub region: String,
    /// The contract id.
    pub contract_id: String,
    /// The CCBS order status.
    pub order_status: String,
    /// The usage date: local midnight in the SCP timezone.
    pub usage_date: NaiveDateTime,
    /// When the record was created (local time).
    pub created_at: NaiveDateTime,
    /// The amount in won.
    pub krw: Decimal,
    /// The amount in dollars.
    pub usd: Decimal,
    /// The status code (`0`).
    pub status_code: String,
}

fn compare(key: &str, a: &ScpUsage, b: &ScpUsage) -> Ordering {
    match key {
        "usage_date" => a.usage_date.cmp(&b.usage_date),
        "created_at" => a.created_at.cmp(&b.created_at),
        "account_id" => a.account_id.cmp(&b.account_id),
        "service_category" => a.service_category.cmp(&b.service_category),
        "billing_item_id" => a.billing_item_id.cmp(&b.billing_item_id),
        "region" => a.region.cmp(&b.region),
        "contract_id" => a.contract_id.cmp(&b.contract_id),
        "resource_name" => a.resource_name.cmp(&b.resource_name),
        "krw" => a.krw.cmp(&b.krw),
        "usd" => a.usd.cmp(&b.usd),
        _ => Ordering::Equal,
    }
}

impl Ledger {
    /// Every SCP usage that matches `q`, sorted. Refused: a start after the end, an
    /// unknown sort key.
    pub fn scp_usages(&self, q: &ScpQuery) -> Result<Vec<ScpUsage>, QueryError> {
        let cal = &self.calendar;
        let first = q.start.unwrap_or(cal.start).max(cal.start);
        let last = q.end.unwrap_or(cal.end - Duration::days(1));
        if let (Some(s), Some(e)) = (q.start, q.end) {
            if e < s {
                return Err(QueryError::new(
                    "end_date",
                    format!("must not be before start_date: {s} to {e}"),
                ));
            }
        }
        let (key, desc) = match &q.sort {
            Some((k, d)) if SCP_SORT_KEYS.contains(&k.as_str()) => (k.as_str(), *d),
            Some((k, _)) => {
                return Err(QueryError::new(
                    "sort",
                    format!(
                        "unknown sort key `{k}` (valid: {})",
                        SCP_SORT_KEYS.join(", ")
                    ),
                ))
            }
            None => ("id", false),
        };
        let scp = &self.org.scp;
        let any = |list: &[String], v: &str| list.is_empty() || list.iter().any(|x| x == v);
        let seed = self.seed.unwrap_or(0);
        let mut out = Vec::new();
        for (ri, r) in scp.resources.iter().enumerate() {
            let Some(item) = scp.billing_items.iter().find(|b| b.id == r.billing_item) else {
                continue;
            };
            if !any(&q.account_ids, &r.account)
                || !any(&q.service_categories, &item.service_category)
                || !any(&q.billing_item_ids, &r.billing_item)
                || !any(&q.regions, &r.region)
                || !any(&q.order_statuses, &r.order_status)
                || q.contract_id.as_ref().is_some_and(|c| *c != r.contract)
                || q.resource_name
                    .as_ref()
                    .is_some_and(|n| !r.name.contains(n.as_str()))
            {
                continue;
            }
            let rh = hash(&[seed, text("scp-usage"), text(&r.id)]);
            let mut day = first.max(r.start.unwrap_or(cal.start));
            let stop = r.end.unwrap_or(cal.end).min(cal.end);
            while day <= last && day < stop {
                let mut krw = if self.seed.is_some() {
                    let f = range(hash(&[rh, hash::day(day)]), 800, 1200);
                    (r.daily_krw * Decimal::from(f) / Decimal::from(1000)).round()
                } else {
                    r.daily_krw
                };
                krw.rescale(10);
                let mut usd = (krw * scp.usd_per_krw).round_dp(10);
                usd.rescale(10);
                let at = day.and_time(NaiveTime::MIN);
                out.push(ScpUsage {
                    id: format!(
                        "{:016x}{:016x}",
                        mix(rh),
                        mix((hash::day(day) << 24) | ri as u64)
                    ),
                    account_id: r.account.clone(),
                    service_category: item.service_category.clone(),
                    billing_item_id: r.billing_item.clone(),
                    ccbs_product_code: item.product_code.clone(),
                    resource_id: r.id.clone(),
                    resource_name: r.name.clone(),
                    region: r.region.clone(),
                    contract_id: r.contract.clone(),
                    order_status: r.order_status.clone(),
                    usage_date: at,
                    created_at: at + Duration::hours(27),
                    krw,
                    usd,
                    status_code: "0".into(),
                });
                day += Duration::days(1);
            }
        }
        out.sort_by(|a, b| {
            let o = compare(key, a, b);
            let o = if desc { o.reverse() } else { o };
            o.then_with(|| a.id.cmp(&b.id))
        });
        Ok(out)
    }
}
