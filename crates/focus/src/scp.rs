//! SCP ListUsages pages to FOCUS rows.
//!
//! `usage_date` is a local date-time with no zone; the response names the zone
//! (`"timezone": "Asia/Seoul"`), so each usage's day is converted to UTC through the IANA
//! database (`chrono-tz`): `2024-08-01T00:00:00` in Seoul is `2024-07-31T15:00:00Z`. A
//! usage covers one local day: ChargePeriodEnd is the next local midnight, converted the
//! same way (so a day across a DST change is 23 or 25 hours long). The billing period is
//! the usage's local month.

use std::str::FromStr;

use chrono_tz::Tz;
use cloudcost_scp_ce_model::{ListUsagesRequest, Usage, UsageListResponse};
use cloudcost_types::chrono::{
    DateTime, Datelike, Days, LocalResult, Months, NaiveDate, NaiveDateTime, TimeZone, Utc,
};
use cloudcost_types::CompactString;

use crate::error::{ConvertError, Converted, OnGap, RowProblems};
use crate::row::FocusRow;
use crate::tables;

/// The family whose pages this module reads (`cloudcost_families::FAMILIES`' name).
pub const FAMILY: &str = "scp-ce";

/// The export's request: every usage of `[start, end)` (SCP's `end_date` is inclusive,
/// so it is the day before `end`), sorted by `usage_date` so that each billing period's
/// rows arrive together, `limit` a page, followed by `marker`.
pub fn request(start: NaiveDate, end: NaiveDate, limit: i32) -> Result<ListUsagesRequest, String> {
    let last = end
        .pred_opt()
        .filter(|last| *last >= start)
        .ok_or_else(|| format!("the period [{start}, {end}) is empty"))?;
    ListUsagesRequest::builder()
        .start_date(start)
        .end_date(last)
        .limit(limit)
        .sort("usage_date:asc")
        .build()
        .map_err(|e| e.to_string())
}

/// Who bills, publishes and provides.
pub const PROVIDER: &str = "Samsung Cloud Platform";

/// The `x_CostRule` of every SCP row.
pub const COST_RULE: &str = "ListCost, ContractedCost and EffectiveCost = BilledCost: ListUsages has one amount per currency and no list, contracted or amortized price";

/// Which of a usage's two amounts is the billed one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ScpCurrency {
    /// `amounts.krw`, BillingCurrency `KRW` (the default).
    #[default]
    Krw,
    /// `amounts.usd`, BillingCurrency `USD`.
    Usd,
}

impl ScpCurrency {
    /// The ISO 4217 code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Krw => "KRW",
            Self::Usd => "USD",
        }
    }
}

/// Maps one ListUsages page (the `page_no`-th of the export) to FOCUS rows.
pub fn convert_page(
    page_no: usize,
    page: &UsageListResponse,
    currency: ScpCurrency,
    on_gap: OnGap,
) -> Result<Converted, ConvertError> {
    let zone = match page.timezone.as_deref() {
        None => Err("absent; `usage_date` has no zone and is never read as UTC".to_string()),
        Some(z) => Tz::from_str(z).map_err(|_| format!("`{z}` is not in the zone database")),
    };
    let mut out = Converted::default();
    for (i, usage) in page.usages.iter().flatten().enumerate() {
        let at = format!("usages[{i}]");
        let mut problems = RowProblems::new(on_gap, page_no, &at);
        let row = convert_usage(usage, &zone, currency, &mut problems)?;
        let mut row = row;
        row.x_gap = problems.into_gap();
        out.gaps += usize::from(row.x_gap.is_some());
        out.rows.push(row);
    }
    Ok(out)
}

fn convert_usage(
    usage: &Usage,
    zone: &Result<Tz, String>,
    currency: ScpCurrency,
    problems: &mut RowProblems<'_>,
) -> Result<FocusRow, ConvertError> {
    let mut row = FocusRow {
        invoice_issuer_name: PROVIDER,
        provider_name: PROVIDER,
        publisher_name: PROVIDER,
        x_cost_rule: COST_RULE,
        charge_category: Some("Usage"),
        charge_frequency: Some("Usage-Based"),
        billing_account_id: usage.contract_id.clone(),
        sub_account_id: usage.account_id.clone(),
        resource_id: usage.resource_id.clone(),
        service_name: usage.billing_item_id.clone(),
        ..FocusRow::default()
    };
    let category = usage.service_category.as_deref().unwrap_or_default();
    let item = usage.billing_item_id.as_deref().unwrap_or_default();
    let (category, subcategory) = tables::scp_service(category, item);
    row.service_category = category;
    row.service_subcategory = Some(subcategory);
    row.charge_description = Some(CompactString::from(format!(
        "SCP usage of {}",
        usage
            .billing_item_id
            .as_deref()
            .unwrap_or("an unnamed billing item")
    )));
    let amounts = usage.amounts.as_ref();
    let amount = match currency {
        ScpCurrency::Krw => amounts.and_then(|a| a.krw),
        ScpCurrency::Usd => amounts.and_then(|a| a.usd),
    };
    let field = match currency {
        ScpCurrency::Krw => "amounts.krw",
        ScpCurrency::Usd => "amounts.usd",
    };
    match amount {
        Some(a) => {
            row.billed_cost = a;
            row.billing_currency = Some(currency.code().into());
        }
        None => problems.report(field, "absent; expected a decimal amount".into())?,
    }
    row.effective_cost = row.billed_cost;
    row.list_cost = row.billed_cost;
    row.contracted_cost = row.billed_cost;
    match (usage.usage_date, zone) {
        (None, _) => problems.report("usage_date", "absent".into())?,
        (Some(_), Err(reason)) => problems.report("timezone", reason.clone())?,
        (Some(local), Ok(tz)) => match day_in_utc(local, *tz) {
            Ok((start, end, (bp_start, bp_end))) => {
                row.charge_period_start = Some(start);
                row.charge_period_end = Some(end);
                row.billing_period_start = Some(bp_start);
                row.billing_period_end = Some(bp_end);
                row.billing_period =
                    CompactString::from(format!("{:04}-{:02}", local.year(), local.month()));
            }
            Err(reason) => problems.report("usage_date", reason)?,
        },
    }
    Ok(row)
}

type Period = (DateTime<Utc>, DateTime<Utc>);

/// The local day starting at `local` and its local month, as UTC instants.
fn day_in_utc(
    local: NaiveDateTime,
    tz: Tz,
) -> Result<(DateTime<Utc>, DateTime<Utc>, Period), String> {
    let utc = |t: NaiveDateTime| match tz.from_local_datetime(&t) {
        LocalResult::Single(t) => Ok(t.with_timezone(&Utc)),
        // The earlier of the two instants a repeated local time names.
        LocalResult::Ambiguous(t, _) => Ok(t.with_timezone(&Utc)),
        LocalResult::None => Err(format!("`{t}` does not exist in {tz} (a DST gap)")),
    };
    let day = local.date();
    let next = day
        .checked_add_days(Days::new(1))
        .ok_or_else(|| format!("`{local}`: no next day"))?;
    let midnight = |d: NaiveDate| d.and_time(Default::default());
    let first = day.with_day(1).unwrap_or(day);
    let next_month = first
        .checked_add_months(Months::new(1))
        .ok_or_else(|| format!("`{local}`: no next month"))?;
    Ok((
        utc(local)?,
        utc(midnight(next))?,
        (utc(midnight(first))?, utc(midnight(next_month))?),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seoul_midnight_is_the_day_before_in_utc() {
        let local: NaiveDateTime = "2024-08-01T00:00:00".parse().unwrap();
        let (start, end, (bp_start, bp_end)) = day_in_utc(local, chrono_tz::Asia::Seoul).unwrap();
        assert_eq!(start.to_rfc3339(), "2024-07-31T15:00:00+00:00");
        assert_eq!(end.to_rfc3339(), "2024-08-01T15:00:00+00:00");
        assert_eq!(bp_start.to_rfc3339(), "2024-07-31T15:00:00+00:00");
        assert_eq!(bp_end.to_rfc3339(), "2024-08-31T15:00:00+00:00");
    }

    #[test]
    fn a_dst_day_is_23_hours() {
        let local: NaiveDateTime = "2024-03-31T00:00:00".parse().unwrap();
        let (start, end, _) = day_in_utc(local, chrono_tz::Europe::Berlin).unwrap();
        assert_eq!((end - start).num_hours(), 23);
    }
}
