//! Cost Explorer GetCostAndUsage pages to FOCUS rows, and the queries the export sends.
//!
//! Cost Explorer groups by at most two keys, and a FOCUS row needs the account, the
//! service and the record type. The export therefore sends two kinds of query
//! (FOCUS.md, "The AWS queries"):
//!
//! 1. [`discovery_request`]: MONTHLY, grouped by `RECORD_TYPE`, `UnblendedCost` only: the
//!    record types present in the period (a record type the ChargeCategory table does not
//!    know stops the export here, before any row is written);
//! 2. [`record_type_request`], once per record type found: DAILY, filtered to that
//!    `RECORD_TYPE`, grouped by `LINKED_ACCOUNT` and `SERVICE`, metrics `UnblendedCost`
//!    and `AmortizedCost`. Every line item has exactly one record type, so the rows of
//!    the passes never overlap and together are the whole bill.
//!
//! [`convert_page`] maps one page of such a query; the record type comes from the group
//! keys if `RECORD_TYPE` is one, else from [`AwsContext::record_type`] (the query's filter).

use cloudcost_aws_ce_model::{
    DateInterval, Dimension, DimensionValues, Expression, GetCostAndUsageRequest,
    GetCostAndUsageResponse, Granularity, GroupDefinition, GroupDefinitionType, MetricValue,
};
use cloudcost_types::chrono::{DateTime, Datelike, NaiveDate, Utc};
use cloudcost_types::rust_decimal::Decimal;
use cloudcost_types::{CompactString, YearMonthDay};

use crate::error::{ConvertError, Converted, OnGap, RowProblems};
use crate::row::FocusRow;
use crate::tables;

/// The family whose pages this module reads (`cloudcost_families::FAMILIES`' name), for
/// the price of its requests.
pub const FAMILY: &str = "aws-ce";

/// The metrics of the per-record-type query: BilledCost and EffectiveCost.
pub const METRICS: [&str; 2] = ["UnblendedCost", "AmortizedCost"];

/// The `x_CostRule` of every AWS row.
pub const COST_RULE: &str = "ListCost and ContractedCost = BilledCost (UnblendedCost): Cost Explorer has no list or contracted prices";

/// Who bills, publishes and provides: AWS, billed directly (FOCUS.md: a reseller's
/// invoices are not this export's).
pub const PROVIDER: &str = "AWS";

/// The most requests of the second kind: one per record type the table knows, each one page
/// or more.
pub const MAX_RECORD_TYPES: usize = tables::RECORD_TYPES.len();

fn interval(start: YearMonthDay, end: YearMonthDay) -> Result<DateInterval, String> {
    DateInterval::builder()
        .start(start)
        .end(end)
        .build()
        .map_err(|e| e.to_string())
}

fn group(key: Dimension) -> Result<GroupDefinition, String> {
    GroupDefinition::builder()
        .type_(GroupDefinitionType::Dimension)
        .key(key.as_str())
        .build()
        .map_err(|e| e.to_string())
}

/// The discovery query: which record types the period has.
pub fn discovery_request(
    start: YearMonthDay,
    end: YearMonthDay,
) -> Result<GetCostAndUsageRequest, String> {
    GetCostAndUsageRequest::builder()
        .time_period(interval(start, end)?)
        .granularity(Granularity::Monthly)
        .metrics(["UnblendedCost"])
        .group_by([group(Dimension::RecordType)?])
        .build()
        .map_err(|e| e.to_string())
}

/// The record types in a discovery page, in order of appearance, without repeats; an
/// unknown one is an error naming the page and the group.
pub fn record_types_of(
    page_no: usize,
    page: &GetCostAndUsageResponse,
    found: &mut Vec<CompactString>,
) -> Result<(), ConvertError> {
    for (i, result) in page.results_by_time.iter().flatten().enumerate() {
        for (j, g) in result.groups.iter().flatten().enumerate() {
            let row = format!("ResultsByTime[{i}].Groups[{j}]");
            let Some(rt) = g.keys.as_ref().and_then(|k| k.first()) else {
                return Err(ConvertError {
                    page: page_no,
                    row,
                    field: "Keys[0]".into(),
                    reason: "absent; expected the RECORD_TYPE".into(),
                });
            };
            if tables::record_type(rt).is_none() {
                return Err(unknown_record_type(page_no, row, rt));
            }
            if !found.contains(rt) {
                found.push(rt.clone());
            }
        }
    }
    Ok(())
}

fn unknown_record_type(page: usize, row: String, rt: &str) -> ConvertError {
    ConvertError {
        page,
        row,
        field: "RECORD_TYPE".into(),
        reason: format!("`{rt}` is not in the ChargeCategory table (FOCUS.md)"),
    }
}

/// The per-record-type query: daily, filtered to `record_type`, by account and service.
pub fn record_type_request(
    start: YearMonthDay,
    end: YearMonthDay,
    record_type: &str,
) -> Result<GetCostAndUsageRequest, String> {
    let values = DimensionValues::builder()
        .key(Dimension::RecordType)
        .values([record_type])
        .build()
        .map_err(|e| e.to_string())?;
    let filter = Expression::builder()
        .dimensions(values)
        .build()
        .map_err(|e| e.to_string())?;
    GetCostAndUsageRequest::builder()
        .time_period(interval(start, end)?)
        .granularity(Granularity::Daily)
        .metrics(METRICS)
        .group_by([group(Dimension::LinkedAccount)?, group(Dimension::Service)?])
        .filter(filter)
        .build()
        .map_err(|e| e.to_string())
}

/// What a page does not say itself.
#[derive(Clone, Debug, Default)]
pub struct AwsContext {
    /// The RECORD_TYPE the query was filtered to, when it is not a group key.
    pub record_type: Option<CompactString>,
    /// The payer (management) account, if the caller knows it: Cost Explorer has no
    /// BillingAccountId dimension, so without it the column is null (a listed gap).
    pub billing_account_id: Option<CompactString>,
}

/// Maps one GetCostAndUsage page (the `page_no`-th of the export) to FOCUS rows.
pub fn convert_page(
    page_no: usize,
    page: &GetCostAndUsageResponse,
    ctx: &AwsContext,
    on_gap: OnGap,
) -> Result<Converted, ConvertError> {
    let page_err = |field: &str, reason: String| ConvertError {
        page: page_no,
        row: "the page".into(),
        field: field.into(),
        reason,
    };
    let defs = page.group_definitions.as_deref().unwrap_or_default();
    let position = |key: &str| {
        defs.iter().position(|d| {
            d.key.as_deref() == Some(key) && d.type_ == Some(GroupDefinitionType::Dimension)
        })
    };
    let account_at = position("LINKED_ACCOUNT");
    let service_at = position("SERVICE");
    let record_at = position("RECORD_TYPE");
    let Some(account_at) = account_at else {
        return Err(page_err(
            "GroupDefinitions",
            "no LINKED_ACCOUNT dimension; the export's queries group by it".into(),
        ));
    };
    let Some(service_at) = service_at else {
        return Err(page_err(
            "GroupDefinitions",
            "no SERVICE dimension; the export's queries group by it".into(),
        ));
    };
    if record_at.is_none() && ctx.record_type.is_none() {
        return Err(page_err(
            "GroupDefinitions",
            "no RECORD_TYPE group and no record type from the query's filter".into(),
        ));
    }
    let names = account_names(page);
    let mut out = Converted::default();
    for (i, result) in page.results_by_time.iter().flatten().enumerate() {
        let Some(period) = &result.time_period else {
            return Err(page_err(
                &format!("ResultsByTime[{i}].TimePeriod"),
                "absent".into(),
            ));
        };
        for (j, g) in result.groups.iter().flatten().enumerate() {
            let at = format!("ResultsByTime[{i}].Groups[{j}]");
            let keys = g.keys.as_deref().unwrap_or_default();
            let key = |n: usize| keys.get(n).cloned();
            let record_type = match record_at {
                Some(n) => key(n),
                None => ctx.record_type.clone(),
            };
            let mut problems = RowProblems::new(on_gap, page_no, &at);
            let mut row = FocusRow {
                billing_account_id: ctx.billing_account_id.clone(),
                invoice_issuer_name: PROVIDER,
                provider_name: PROVIDER,
                publisher_name: PROVIDER,
                x_cost_rule: COST_RULE,
                ..FocusRow::default()
            };
            let charge_start = period.start.start();
            let charge_end = period.end.start();
            row.charge_period_start = Some(charge_start);
            row.charge_period_end = Some(charge_end);
            let (bp_start, bp_end) = month_of(period.start.date());
            row.billing_period_start = Some(bp_start);
            row.billing_period_end = Some(bp_end);
            row.billing_period =
                CompactString::from(format!("{:04}-{:02}", bp_start.year(), bp_start.month()));
            match record_type
                .as_deref()
                .map(|rt| (rt, tables::record_type(rt)))
            {
                Some((rt, Some((category, frequency, class)))) => {
                    row.charge_category = Some(category);
                    row.charge_frequency = Some(frequency);
                    row.charge_class = class;
                    row.x_record_type = Some(rt.into());
                }
                Some((rt, None)) => {
                    problems.report(
                        "RECORD_TYPE",
                        format!("`{rt}` is not in the ChargeCategory table (FOCUS.md)"),
                    )?;
                    row.x_record_type = Some(rt.into());
                }
                None => problems.report("Keys", "no RECORD_TYPE key".into())?,
            }
            row.sub_account_id = key(account_at);
            row.sub_account_name = row
                .sub_account_id
                .as_ref()
                .and_then(|id| names.iter().find(|(v, _)| v == id))
                .map(|(_, n)| n.clone());
            row.service_name = key(service_at);
            let service = row.service_name.as_deref().unwrap_or_default();
            let (category, subcategory) = tables::aws_service(service);
            row.service_category = category;
            row.service_subcategory = Some(subcategory);
            row.charge_description = Some(CompactString::from(format!(
                "{} charge for {service}",
                record_type.as_deref().unwrap_or("unknown")
            )));
            let metrics = g.metrics.as_ref();
            let metric = |name: &str| metrics.and_then(|m| m.get(name));
            let billed = money(metric("UnblendedCost"), "UnblendedCost", &mut problems)?;
            let effective = money(metric("AmortizedCost"), "AmortizedCost", &mut problems)?;
            row.billed_cost = billed.0;
            row.effective_cost = effective.0;
            row.list_cost = billed.0;
            row.contracted_cost = billed.0;
            if let (Some(a), Some(b)) = (&billed.1, &effective.1) {
                if a != b {
                    problems.report(
                        "Metrics.AmortizedCost.Unit",
                        format!("`{b}` differs from UnblendedCost's `{a}`"),
                    )?;
                }
            }
            row.billing_currency = billed.1;
            row.x_gap = problems.into_gap();
            let unused = split_purchase(&mut row);
            for r in std::iter::once(row).chain(unused) {
                out.gaps += usize::from(r.x_gap.is_some());
                out.rows.push(r);
            }
        }
    }
    Ok(out)
}

/// FOCUS puts no EffectiveCost on a Purchase (EffectiveCost-C-005-C): the commitment's
/// cost belongs to the usage it covers. Cost Explorer's AmortizedCost of a fee line (RIFee,
/// SavingsPlanRecurringFee) is the commitment's unused part, so a Purchase row with an
/// amortized cost is split: the Purchase keeps BilledCost with EffectiveCost 0, and a
/// second row, ChargeCategory Usage, carries that AmortizedCost with BilledCost 0. Both
/// amounts stay whole: the sums of either column are the API's.
fn split_purchase(row: &mut FocusRow) -> Option<FocusRow> {
    if row.charge_category != Some("Purchase") || row.effective_cost.is_zero() {
        return None;
    }
    let mut unused = row.clone();
    unused.charge_category = Some("Usage");
    unused.charge_frequency = Some("Usage-Based");
    unused.billed_cost = Decimal::ZERO;
    unused.list_cost = Decimal::ZERO;
    unused.contracted_cost = Decimal::ZERO;
    unused.charge_description = Some(CompactString::from(format!(
        "Unused commitment (AmortizedCost) of {} for {}",
        row.x_record_type.as_deref().unwrap_or("a purchase"),
        row.service_name.as_deref().unwrap_or_default()
    )));
    row.effective_cost = Decimal::ZERO;
    Some(unused)
}

/// An amount and its currency; a missing metric, amount or unit, or a unit that is not an
/// ISO 4217 code, is reported (and, marked, read as zero with no currency).
fn money(
    m: Option<&MetricValue>,
    name: &str,
    problems: &mut RowProblems<'_>,
) -> Result<(Decimal, Option<CompactString>), ConvertError> {
    let Some(m) = m else {
        problems.report(&format!("Metrics.{name}"), "absent".into())?;
        return Ok((Decimal::ZERO, None));
    };
    let amount = match m.amount {
        Some(a) => a,
        None => {
            problems.report(&format!("Metrics.{name}.Amount"), "absent".into())?;
            Decimal::ZERO
        }
    };
    let unit = match m.unit.as_deref() {
        None | Some("") => {
            problems.report(
                &format!("Metrics.{name}.Unit"),
                "absent; expected an ISO 4217 currency code".into(),
            )?;
            None
        }
        Some(u) if !tables::is_currency(u) => {
            problems.report(
                &format!("Metrics.{name}.Unit"),
                format!("`{u}` is not an ISO 4217 currency code"),
            )?;
            None
        }
        Some(u) => Some(CompactString::from(u)),
    };
    Ok((amount, unit))
}

/// The linked accounts' names: each `DimensionValueAttributes` entry's `description`.
fn account_names(page: &GetCostAndUsageResponse) -> Vec<(CompactString, CompactString)> {
    page.dimension_value_attributes
        .iter()
        .flatten()
        .filter_map(|d| {
            let name = d.attributes.as_ref()?.get("description")?.clone()?;
            Some((d.value.clone()?, name))
        })
        .collect()
}

/// The UTC month holding `day`: `[first of month, first of next month)`.
pub(crate) fn month_of(day: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
    let first = day.with_day(1).unwrap_or(day);
    let next = first
        .checked_add_months(cloudcost_types::chrono::Months::new(1))
        .unwrap_or(first);
    let at = |d: NaiveDate| d.and_time(Default::default()).and_utc();
    (at(first), at(next))
}
