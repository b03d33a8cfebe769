//! Amazon Inspector over the ledger: ListUsageTotals (usage over the last 30 days before
//! the calendar's end, per account and usage type, with its estimated monthly cost) and
//! BatchGetFreeTrialInfo (each account's free trials).
//!
//! The usage model, per account of the organisation's `inspector` list:
//! - EC2_INSTANCE_HOURS: the account's EC2 instance hours in the line items (Usage and
//!   DiscountedUsage items of service code `AmazonEC2` whose usage type has an instance
//!   type), at $1.25 per instance-month (720 hours);
//! - EC2_AGENTLESS_INSTANCE_HOURS: agentless instances × 720 hours, at $1.75 a month;
//! - LAMBDA_FUNCTION_HOURS: functions × 720 hours, at $0.30 a month;
//! - LAMBDA_FUNCTION_CODE_HOURS: code-scanned functions × 720 hours, at $0.60 a month;
//! - ECR_INITIAL_SCAN: images, at $0.09 each; ECR_RESCAN: rescans, at $0.01 each.
//!
//! Costs are rounded to 10 decimals; usage types with no usage are left out. Free trials
//! (EC2, ECR, LAMBDA, LAMBDA_CODE) start at midnight UTC of the day Inspector was enabled
//! and last 15 days; a trial is ACTIVE if it ends after the calendar's end (the ledger's
//! "now"), else INACTIVE.

use cloudcost_types::chrono::{Duration, NaiveDateTime, NaiveTime};
use cloudcost_types::rust_decimal::Decimal;

use crate::items::Metric;
use crate::ledger::Ledger;

/// One usage type's total of an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageTotal {
    /// The usage type (EC2_INSTANCE_HOURS, ...).
    pub usage_type: String,
    /// The total over the last 30 days.
    pub total: Decimal,
    /// The estimated monthly cost.
    pub estimated_monthly_cost: Decimal,
    /// `USD`.
    pub currency: String,
}

/// An account's usage totals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountUsage {
    /// The account id.
    pub account_id: String,
    /// Its usage, one per usage type with usage.
    pub usage: Vec<UsageTotal>,
}

/// One free trial.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FreeTrial {
    /// EC2, ECR, LAMBDA or LAMBDA_CODE.
    pub trial_type: String,
    /// When it started (UTC).
    pub start: NaiveDateTime,
    /// When it ends (UTC).
    pub end: NaiveDateTime,
    /// ACTIVE or INACTIVE.
    pub status: String,
}

/// An account's free trials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountTrials {
    /// The account id.
    pub account_id: String,
    /// Its trials (none if Inspector was never enabled).
    pub trials: Vec<FreeTrial>,
}

impl Ledger {
    /// The accounts asked for (every account, payer first, when `ids` is empty), each
    /// once; and the ids the organisation does not know.
    fn known_accounts(&self, ids: &[String]) -> (Vec<String>, Vec<String>) {
        if ids.is_empty() {
            return (
                self.org.all_accounts().map(|a| a.id.clone()).collect(),
                Vec::new(),
            );
        }
        let mut known = Vec::new();
        let mut unknown = Vec::new();
        for id in ids {
            let list = if self.org.account(id).is_some() {
                &mut known
            } else {
                &mut unknown
            };
            if !list.contains(id) {
                list.push(id.clone());
            }
        }
        (known, unknown)
    }

    /// The EC2 instance hours of an account over `[end − 30 days, end)`.
    fn ec2_instance_hours(&self, account: &str) -> Decimal {
        let streams: Vec<_> = self
            .streams
            .iter()
            .filter(|s| {
                let p = &s.proto;
                p.account == account
                    && matches!(p.record_type.as_str(), "Usage" | "DiscountedUsage")
                    && self.index.dimension(p, "SERVICE_CODE").as_deref() == Some("AmazonEC2")
                    && self
                        .index
                        .usage_type(&p.service, &p.usage_type)
                        .is_some_and(|u| u.instance_type.is_some())
            })
            .collect();
        let mut total = Decimal::ZERO;
        for back in 1..=30 {
            let day = self.calendar.end - Duration::days(back);
            for s in &streams {
                if let Some(a) = self.model.amounts(s, day) {
                    total += a[Metric::UsageQuantity.index()];
                }
            }
        }
        total.normalize()
    }

    /// Inspector's usage totals over the last 30 days before the calendar's end, per
    /// known account (all of them when `account_ids` is empty), and the unknown ids.
    pub fn usage_totals(&self, account_ids: &[String]) -> (Vec<AccountUsage>, Vec<String>) {
        let (known, unknown) = self.known_accounts(account_ids);
        let month = Decimal::from(720);
        let usage = known
            .into_iter()
            .map(|id| {
                let mut usage = Vec::new();
                if let Some(i) = self.org.inspector.iter().find(|i| i.account == id) {
                    let hours = |n: u32| Decimal::from(n) * month;
                    let rows: [(&str, Decimal, Decimal); 6] = [
                        (
                            "EC2_INSTANCE_HOURS",
                            self.ec2_instance_hours(&id),
                            Decimal::new(125, 2) / month,
                        ),
                        (
                            "EC2_AGENTLESS_INSTANCE_HOURS",
                            hours(i.agentless_instances),
                            Decimal::new(175, 2) / month,
                        ),
                        (
                            "LAMBDA_FUNCTION_HOURS",
                            hours(i.lambda_functions),
                            Decimal::new(30, 2) / month,
                        ),
                        (
                            "LAMBDA_FUNCTION_CODE_HOURS",
                            hours(i.lambda_code_functions),
                            Decimal::new(60, 2) / month,
                        ),
                        (
                            "ECR_INITIAL_SCAN",
                            Decimal::from(i.ecr_images),
                            Decimal::new(9, 2),
                        ),
                        (
                            "ECR_RESCAN",
                            Decimal::from(i.ecr_rescans),
                            Decimal::new(1, 2),
                        ),
                    ];
                    for (kind, total, rate) in rows {
                        if total.is_zero() {
                            continue;
                        }
                        usage.push(UsageTotal {
                            usage_type: kind.into(),
                            total,
                            estimated_monthly_cost: (total * rate).round_dp(10).normalize(),
                            currency: "USD".into(),
                        });
                    }
                }
                AccountUsage {
                    account_id: id,
                    usage,
                }
            })
            .collect();
        (usage, unknown)
    }

    /// Inspector's free trials per known account (all when `account_ids` is empty), and
    /// the unknown ids.
    pub fn free_trials(&self, account_ids: &[String]) -> (Vec<AccountTrials>, Vec<String>) {
        let (known, unknown) = self.known_accounts(account_ids);
        let now = self.calendar.end.and_time(NaiveTime::MIN);
        let trials = known
            .into_iter()
            .map(|id| {
                let trials = match self.org.inspector.iter().find(|i| i.account == id) {
                    Some(i) => ["EC2", "ECR", "LAMBDA", "LAMBDA_CODE"]
                        .into_iter()
                        .map(|kind| {
                            let start = i.enabled.and_time(NaiveTime::MIN);
                            let end = start + Duration::days(15);
                            FreeTrial {
                                trial_type: kind.into(),
                                start,
                                end,
                                status: if end > now { "ACTIVE" } else { "INACTIVE" }.into(),
                            }
                        })
                        .collect(),
                    None => Vec::new(),
                };
                AccountTrials {
                    account_id: id,
                    trials,
                }
            })
            .collect();
        (trials, unknown)
    }
}
