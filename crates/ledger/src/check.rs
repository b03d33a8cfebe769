//! Checks of an organisation and of explicit items, whichever way they were made (a
//! ledger file, or code): each failure names its path as the ledger file spells it
//! (`reservations[1].account`), so the file and the API refuse the same things alike.

use std::collections::HashSet;

use cloudcost_types::rust_decimal::Decimal;

use crate::dims::DIMENSIONS;
use crate::error::LedgerError;
use crate::items::LineItem;
use crate::org::{Calendar, Organisation, RuleOn, RECORD_TYPES};

/// The largest amount a ledger takes (a trillion): sums over centuries of items stay far
/// inside what a decimal holds, so no arithmetic can overflow.
fn too_large(d: Decimal) -> bool {
    d.abs() > Decimal::from(1_000_000_000_000_i64)
}

/// Refuses an amount beyond [`too_large`].
fn bounded(path: impl Into<String>, d: Decimal) -> Result<(), LedgerError> {
    if too_large(d) {
        return fail(path, format!("{d} is too large (at most 1000000000000)"));
    }
    Ok(())
}

fn fail<T>(path: impl Into<String>, reason: impl Into<String>) -> Result<T, LedgerError> {
    Err(LedgerError::new(path, reason))
}

/// Whether `id` is an AWS account id: 12 digits.
fn account_id_ok(id: &str) -> bool {
    id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit())
}

/// Checks the calendar.
pub(crate) fn calendar(cal: &Calendar) -> Result<(), LedgerError> {
    if cal.end <= cal.start {
        return fail(
            "calendar.end",
            format!(
                "must be after calendar.start ({}), found {}",
                cal.start, cal.end
            ),
        );
    }
    Ok(())
}

/// Checks an organisation: ids, unique names, and that every reference resolves.
pub(crate) fn organisation(org: &Organisation) -> Result<(), LedgerError> {
    let mut ids = HashSet::new();
    for (path, a) in std::iter::once(("payer".to_string(), &org.payer)).chain(
        org.accounts
            .iter()
            .enumerate()
            .map(|(i, a)| (format!("accounts[{i}]"), a)),
    ) {
        if !account_id_ok(&a.id) {
            return fail(
                format!("{path}.id"),
                format!("expected a 12-digit account id, found `{}`", a.id),
            );
        }
        if !ids.insert(a.id.as_str()) {
            return fail(
                format!("{path}.id"),
                format!("duplicate account id `{}`", a.id),
            );
        }
    }
    let known_account = |path: String, id: &str| {
        if ids.contains(id) {
            Ok(())
        } else {
            fail(
                path,
                format!("unknown account `{id}` (not the payer nor a linked account)"),
            )
        }
    };
    if org.discount_rate < Decimal::ZERO || org.discount_rate >= Decimal::ONE {
        return fail(
            "discount_rate",
            format!(
                "expected a rate from 0 up to (not including) 1, found {}",
                org.discount_rate
            ),
        );
    }
    if org.regions.is_empty() {
        return fail("regions", "expected at least one region");
    }
    let mut names = HashSet::new();
    for (i, s) in org.services.iter().enumerate() {
        if !names.insert(s.name.as_str()) {
            return fail(
                format!("services[{i}].name"),
                format!("duplicate service `{}`", s.name),
            );
        }
        let mut uts = HashSet::new();
        for (j, u) in s.usage_types.iter().enumerate() {
            if !uts.insert(u.name.as_str()) {
                return fail(
                    format!("services[{i}].usage_types[{j}].name"),
                    format!("duplicate usage type `{}`", u.name),
                );
            }
            if u.price < Decimal::ZERO {
                return fail(
                    format!("services[{i}].usage_types[{j}].price"),
                    format!("expected a non-negative price, found {}", u.price),
                );
            }
            let at = |f: &str| format!("services[{i}].usage_types[{j}].{f}");
            bounded(at("price"), u.price)?;
            bounded(at("daily_quantity"), u.daily_quantity.unwrap_or_default())?;
            bounded(
                at("normalization_factor"),
                u.normalization_factor.unwrap_or_default(),
            )?;
            if u.daily_quantity.is_some_and(|q| q < Decimal::ZERO) {
                return fail(
                    format!("services[{i}].usage_types[{j}].daily_quantity"),
                    "expected a non-negative quantity",
                );
            }
        }
    }
    for (i, t) in org.tags.iter().enumerate() {
        if t.key.is_empty() {
            return fail(format!("tags[{i}].key"), "expected a non-empty tag key");
        }
    }
    for (i, c) in org.cost_categories.iter().enumerate() {
        for (j, r) in c.rules.iter().enumerate() {
            if let RuleOn::Dimension(d) = &r.on {
                if !DIMENSIONS.contains(&d.as_str()) {
                    return fail(
                        format!("cost_categories[{i}].rules[{j}].dimension"),
                        format!("unknown dimension `{d}` (known: {})", DIMENSIONS.join(", ")),
                    );
                }
            }
        }
    }
    let mut res_ids = HashSet::new();
    for (i, r) in org.reservations.iter().enumerate() {
        let path = |f: &str| format!("reservations[{i}].{f}");
        if !res_ids.insert(r.id.as_str()) {
            return fail(path("id"), format!("duplicate reservation id `{}`", r.id));
        }
        known_account(path("account"), &r.account)?;
        let Some(service) = org.service(&r.service) else {
            return fail(path("service"), format!("unknown service `{}`", r.service));
        };
        if !service.usage_types.iter().any(|u| u.name == r.usage_type) {
            return fail(
                path("usage_type"),
                format!(
                    "unknown usage type `{}` of service `{}`",
                    r.usage_type, r.service
                ),
            );
        }
        if r.end <= r.start {
            return fail(
                path("end"),
                format!("must be after start ({}), found {}", r.start, r.end),
            );
        }
        if r.utilization < Decimal::ZERO || r.utilization > Decimal::ONE {
            return fail(
                path("utilization"),
                format!("expected a share from 0 to 1, found {}", r.utilization),
            );
        }
        bounded(path("upfront_hourly"), r.upfront_hourly)?;
        bounded(path("recurring_hourly"), r.recurring_hourly)?;
        if r.upfront_hourly < Decimal::ZERO || r.recurring_hourly < Decimal::ZERO {
            return fail(path("upfront_hourly"), "expected non-negative fees");
        }
    }
    for (i, p) in org.savings_plans.iter().enumerate() {
        known_account(format!("savings_plans[{i}].account"), &p.account)?;
        bounded(
            format!("savings_plans[{i}].commitment_hourly"),
            p.commitment_hourly,
        )?;
        if p.end <= p.start {
            return fail(format!("savings_plans[{i}].end"), "must be after start");
        }
    }
    for (i, a) in org.inspector.iter().enumerate() {
        known_account(format!("inspector[{i}].account"), &a.account)?;
    }
    scp(org)
}

fn scp(org: &Organisation) -> Result<(), LedgerError> {
    let scp = &org.scp;
    let accounts: HashSet<&str> = scp.accounts.iter().map(|a| a.id.as_str()).collect();
    bounded("scp.usd_per_krw", scp.usd_per_krw)?;
    if accounts.len() != scp.accounts.len() {
        return fail("scp.accounts", "duplicate SCP account id");
    }
    let contracts: HashSet<&str> = scp.contracts.iter().map(|c| c.id.as_str()).collect();
    for (i, c) in scp.contracts.iter().enumerate() {
        if !accounts.contains(c.account.as_str()) {
            return fail(
                format!("scp.contracts[{i}].account"),
                format!("unknown SCP account `{}`", c.account),
            );
        }
    }
    let items: HashSet<&str> = scp.billing_items.iter().map(|b| b.id.as_str()).collect();
    if items.len() != scp.billing_items.len() {
        return fail("scp.billing_items", "duplicate billing item id");
    }
    let mut ids = HashSet::new();
    for (i, r) in scp.resources.iter().enumerate() {
        let path = |f: &str| format!("scp.resources[{i}].{f}");
        if !ids.insert(r.id.as_str()) {
            return fail(path("id"), format!("duplicate resource id `{}`", r.id));
        }
        if !accounts.contains(r.account.as_str()) {
            return fail(
                path("account"),
                format!("unknown SCP account `{}`", r.account),
            );
        }
        if !items.contains(r.billing_item.as_str()) {
            return fail(
                path("billing_item"),
                format!("unknown billing item `{}`", r.billing_item),
            );
        }
        if !contracts.contains(r.contract.as_str()) {
            return fail(
                path("contract"),
                format!("unknown contract `{}`", r.contract),
            );
        }
        if !scp.regions.contains(&r.region) {
            return fail(path("region"), format!("unknown SCP region `{}`", r.region));
        }
        bounded(path("daily_krw"), r.daily_krw)?;
        if r.daily_krw < Decimal::ZERO {
            return fail(
                path("daily_krw"),
                format!("expected a non-negative amount, found {}", r.daily_krw),
            );
        }
    }
    Ok(())
}

/// Checks explicit items against the organisation and calendar.
pub(crate) fn items(
    org: &Organisation,
    cal: &Calendar,
    items: &[LineItem],
) -> Result<(), LedgerError> {
    for (i, item) in items.iter().enumerate() {
        let path = |f: &str| format!("items[{i}].{f}");
        if !cal.contains(item.day) {
            return fail(
                path("day"),
                format!(
                    "{} is outside the calendar ({} to {}, exclusive)",
                    item.day, cal.start, cal.end
                ),
            );
        }
        if item.hour.is_some() {
            return fail(
                path("hour"),
                "explicit items are daily; hourly items are split from them",
            );
        }
        if org.account(&item.account).is_none() {
            return fail(
                path("account"),
                format!("unknown account `{}`", item.account),
            );
        }
        if !RECORD_TYPES.contains(&item.record_type.as_str()) {
            return fail(
                path("record_type"),
                format!(
                    "unknown record type `{}` (known: {})",
                    item.record_type,
                    RECORD_TYPES.join(", ")
                ),
            );
        }
        for m in crate::items::Metric::ALL {
            bounded(
                format!("items[{i}].metrics.{}", m.name()),
                item.metrics.amount(m),
            )?;
        }
        if let Some(r) = &item.reservation {
            if !org.reservations.iter().any(|x| &x.id == r) {
                return fail(path("reservation"), format!("unknown reservation `{r}`"));
            }
        }
    }
    Ok(())
}
