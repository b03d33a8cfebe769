//! The synthetic organisation: [`Size`] and the organisation a seed makes of it, drawn
//! from a fixed catalog of services (Cost Explorer's display names, usage types, units and
//! on-demand prices), account names, tag keys and SCP billing items.

use cloudcost_types::chrono::{Duration, NaiveDate};
use cloudcost_types::rust_decimal::Decimal;

use crate::catalog::{
    UsageRow, ACCOUNT_NAMES, BUSINESS_UNITS, REGIONS, SAVINGS_PLANS_SERVICE,
    SAVINGS_PLANS_USAGE_TYPE, SCP_ITEMS, SCP_NAMES, SCP_REGIONS, SERVICES, TAGS,
};
use crate::hash::{hash, range, text};
use crate::org::{
    Account, Calendar, CostCategory, CostCategoryRule, InspectorAccount, Organisation, Reservation,
    RuleOn, SavingsPlan, ScpBillingItem, ScpContract, ScpOrganisation, ScpResource, Service,
    TagKey, UsageType,
};

/// How big a generated organisation is, and its dates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Size {
    /// Linked accounts (besides the payer).
    pub linked_accounts: u32,
    /// Services, taken in order from the catalog (at most 16).
    pub services: u32,
    /// AWS regions, in order from the catalog (at most 8).
    pub regions: u32,
    /// Cost allocation tag keys, in order from the catalog (at most 6).
    pub tags: u32,
    /// The first day with items.
    pub start: NaiveDate,
    /// The day after the last day with items (exclusive).
    pub end: NaiveDate,
    /// Days on or after this one are estimated.
    pub close: NaiveDate,
    /// The last this many days before `end` also have hourly items.
    pub hourly_days: u32,
}

impl Default for Size {
    /// Four linked accounts and the payer, 8 services, 3 regions, 2 tag keys, the year
    /// 2024 (closed up to 2024-12-01), 14 hourly days.
    fn default() -> Self {
        Self {
            linked_accounts: 4,
            services: 8,
            regions: 3,
            tags: 2,
            start: date(2024, 1, 1),
            end: date(2025, 1, 1),
            close: date(2024, 12, 1),
            hourly_days: 14,
        }
    }
}

impl Size {
    /// The calendar of this size.
    pub fn calendar(&self) -> Calendar {
        Calendar {
            start: self.start,
            end: self.end,
            close: self.close,
            hourly_days: self.hourly_days,
        }
    }
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    // invariant: only called with literal valid dates.
    NaiveDate::from_ymd_opt(y, m, d).expect("a valid literal date")
}

fn dec(s: &str) -> Decimal {
    // invariant: only called with literal decimals of the catalog.
    Decimal::from_str_exact(s).expect("a valid literal decimal")
}

/// A 12-digit account id from a hash, not starting with 0.
fn account_id(h: u64) -> String {
    format!("{}", 100_000_000_000 + h % 900_000_000_000)
}

/// 32 lower-case hex digits from two hashes (SCP ids).
fn hex32(a: u64, b: u64) -> String {
    format!("{a:016x}{b:016x}")
}

/// The organisation of a seed and a size.
pub(crate) fn organisation(seed: u64, size: &Size) -> Organisation {
    let cal = size.calendar();
    let mut used = std::collections::BTreeSet::new();
    let mut next_id = |salt: u64| {
        let mut h = hash(&[seed, text("account"), salt]);
        loop {
            let id = account_id(h);
            if used.insert(id.clone()) {
                return id;
            }
            h = hash(&[h]);
        }
    };
    let payer = Account {
        id: next_id(0),
        name: "Management".into(),
    };
    let accounts: Vec<Account> = (0..size.linked_accounts)
        .map(|i| {
            let i = i as usize;
            let name = match ACCOUNT_NAMES.get(i) {
                Some(n) => (*n).to_string(),
                None => format!("Workload {}", i + 1),
            };
            Account {
                id: next_id(i as u64 + 1),
                name,
            }
        })
        .collect();
    let n_services = (size.services as usize).clamp(1, SERVICES.len());
    let mut services: Vec<Service> = SERVICES[..n_services]
        .iter()
        .map(|(name, code, global, uts)| Service {
            name: (*name).into(),
            code: (*code).into(),
            global: *global,
            usage_types: uts.iter().map(usage_type).collect(),
        })
        .collect();
    let regions: Vec<String> = REGIONS[..(size.regions as usize).clamp(1, REGIONS.len())]
        .iter()
        .map(|r| (*r).to_string())
        .collect();
    let tags = TAGS[..(size.tags as usize).min(TAGS.len())]
        .iter()
        .map(|(k, vs)| TagKey {
            key: (*k).into(),
            values: vs.iter().map(|v| (*v).to_string()).collect(),
        })
        .collect();
    let cost_categories = cost_categories(&accounts, &services);
    let reservations = reservations(seed, &cal, &accounts, &services, &regions);
    let savings_plans = match accounts.first() {
        Some(a) => vec![SavingsPlan {
            id: format!(
                "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
                hash(&[seed, 1]) as u32,
                hash(&[seed, 2]) as u16,
                hash(&[seed, 3]) % 0x1000,
                hash(&[seed, 4]) % 0x1000,
                hash(&[seed, 5]) % 0x1_0000_0000_0000
            ),
            account: a.id.clone(),
            commitment_hourly: dec("0.50"),
            start: cal.start - Duration::days(100),
            end: cal.start + Duration::days(3 * 365 - 100),
        }],
        None => Vec::new(),
    };
    if !savings_plans.is_empty() {
        services.push(Service {
            name: SAVINGS_PLANS_SERVICE.into(),
            code: "ComputeSavingsPlans".into(),
            global: true,
            usage_types: vec![UsageType {
                name: SAVINGS_PLANS_USAGE_TYPE.into(),
                unit: "Hrs".into(),
                price: dec("0.50"),
                daily_quantity: None,
                group: None,
                operation: None,
                instance_type: None,
                platform: None,
                tenancy: None,
                database_engine: None,
                normalization_factor: None,
            }],
        });
    }
    let inspector = std::iter::once(&payer)
        .chain(&accounts)
        .map(|a| {
            let h = |k: &str| hash(&[seed, text("inspector"), text(&a.id), text(k)]);
            let span = (cal.end - cal.start).num_days().max(1) as u64;
            InspectorAccount {
                account: a.id.clone(),
                enabled: cal.start + Duration::days(range(h("enabled"), 0, span - 1) as i64),
                agentless_instances: range(h("agentless"), 0, 3) as u32,
                lambda_functions: range(h("lambda"), 0, 30) as u32,
                lambda_code_functions: range(h("code"), 0, 10) as u32,
                ecr_images: range(h("images"), 0, 12) as u32,
                ecr_rescans: range(h("rescans"), 0, 60) as u32,
            }
        })
        .collect();
    Organisation {
        payer,
        accounts,
        discount_rate: dec("0.03"),
        regions,
        services,
        tags,
        cost_categories,
        reservations,
        savings_plans,
        inspector,
        scp: scp(seed, size),
    }
}

fn usage_type(row: &UsageRow) -> UsageType {
    let (name, unit, price, daily, group, operation, instance_type, factor, engine) = *row;
    UsageType {
        name: name.into(),
        unit: unit.into(),
        price: dec(price),
        daily_quantity: Some(dec(daily)),
        group: Some(group.into()),
        operation: Some(operation.into()),
        instance_type: instance_type.map(Into::into),
        platform: instance_type.map(|_| "Linux/UNIX".into()),
        tenancy: instance_type.map(|_| "Shared".into()),
        database_engine: engine.map(Into::into),
        normalization_factor: factor.map(dec),
    }
}

/// BusinessUnit by linked account (the payer has none), Workload by service.
fn cost_categories(accounts: &[Account], services: &[Service]) -> Vec<CostCategory> {
    let business_units = BUSINESS_UNITS
        .iter()
        .enumerate()
        .map(|(k, unit)| CostCategoryRule {
            value: (*unit).into(),
            on: RuleOn::Dimension("LINKED_ACCOUNT".into()),
            values: accounts
                .iter()
                .enumerate()
                .filter(|(i, _)| i % BUSINESS_UNITS.len() == k)
                .map(|(_, a)| a.id.clone())
                .collect(),
        })
        .filter(|r| !r.values.is_empty())
        .collect();
    let kinds: [(&str, &[&str]); 3] = [
        ("Compute", &["AmazonEC2", "AWSLambda", "AmazonElastiCache"]),
        ("Storage", &["AmazonS3"]),
        (
            "Data",
            &["AmazonRDS", "AmazonDynamoDB", "AmazonRedshift", "AmazonES"],
        ),
    ];
    let workload = kinds
        .iter()
        .map(|(value, codes)| CostCategoryRule {
            value: (*value).into(),
            on: RuleOn::Dimension("SERVICE".into()),
            values: services
                .iter()
                .filter(|s| codes.contains(&s.code.as_str()) && s.name != "EC2 - Other")
                .map(|s| s.name.clone())
                .collect(),
        })
        .filter(|r| !r.values.is_empty())
        .collect();
    vec![
        CostCategory {
            name: "BusinessUnit".into(),
            rules: business_units,
            default: None,
        },
        CostCategory {
            name: "Workload".into(),
            rules: workload,
            default: Some("Other".into()),
        },
    ]
}

/// Reservations over the instance usage types of the organisation: one per linked
/// account, up to three, each a one-year term that began before the calendar or in it.
fn reservations(
    seed: u64,
    cal: &Calendar,
    accounts: &[Account],
    services: &[Service],
    regions: &[String],
) -> Vec<Reservation> {
    let covered: Vec<(&Service, &UsageType)> = services
        .iter()
        .filter(|s| !s.global)
        .flat_map(|s| s.usage_types.iter().map(move |u| (s, u)))
        .filter(|(_, u)| u.instance_type.is_some() && u.daily_quantity.is_some())
        .collect();
    if covered.is_empty() {
        return Vec::new();
    }
    let payments = [
        ("All Upfront", 100u32),
        ("Partial Upfront", 50),
        ("No Upfront", 0),
    ];
    accounts
        .iter()
        .take(3)
        .enumerate()
        .map(|(i, a)| {
            let h = |k: &str| hash(&[seed, text("reservation"), text(&a.id), text(k)]);
            let (service, ut) = covered[i % covered.len()];
            let instances = range(h("instances"), 1, 3) as u32;
            let start = cal.start - Duration::days(range(h("start"), 0, 300) as i64);
            let (payment, upfront_pct) = payments[i % payments.len()];
            // The effective rate is 60 % of on demand, split between upfront and recurring.
            let effective = (ut.price * dec("0.6")).round_dp(6);
            let upfront = (effective * Decimal::from(upfront_pct) / Decimal::from(100)).round_dp(6);
            Reservation {
                id: format!("{}", 300_000_000 + h("id") % 600_000_000),
                account: a.id.clone(),
                service: service.name.clone(),
                usage_type: ut.name.clone(),
                region: regions[h("region") as usize % regions.len()].clone(),
                instances,
                hours: instances * 24,
                start,
                end: start + Duration::days(365),
                offering: if i % 2 == 0 {
                    "Standard"
                } else {
                    "Convertible"
                }
                .into(),
                payment: payment.into(),
                upfront_hourly: upfront,
                recurring_hourly: effective - upfront,
                utilization: Decimal::new(range(h("utilization"), 55, 100) as i64, 2),
            }
        })
        .collect()
}

/// The SCP side: about half as many accounts as linked AWS accounts, a contract each,
/// three resources per account and billing item drawn by the seed.
fn scp(seed: u64, size: &Size) -> ScpOrganisation {
    let n_accounts = (size.linked_accounts / 2).max(1);
    let accounts: Vec<Account> = (0..n_accounts)
        .map(|i| Account {
            id: hex32(
                hash(&[seed, text("scp-account"), u64::from(i)]),
                hash(&[seed, text("scp-account-2"), u64::from(i)]),
            ),
            name: format!(
                "scp-{}",
                ACCOUNT_NAMES[i as usize % ACCOUNT_NAMES.len()]
                    .to_lowercase()
                    .replace(' ', "-")
            ),
        })
        .collect();
    let contracts: Vec<ScpContract> = accounts
        .iter()
        .enumerate()
        .map(|(i, a)| ScpContract {
            id: format!(
                "C{:09}",
                2_000_000 + hash(&[seed, text("contract"), i as u64]) % 900_000_000
            ),
            account: a.id.clone(),
        })
        .collect();
    let billing_items: Vec<ScpBillingItem> = SCP_ITEMS
        .iter()
        .map(|(id, cat, code, _)| ScpBillingItem {
            id: (*id).into(),
            service_category: (*cat).into(),
            product_code: (*code).into(),
        })
        .collect();
    let regions: Vec<String> = SCP_REGIONS.iter().map(|r| (*r).to_string()).collect();
    let span = (size.end - size.start).num_days().max(1) as u64;
    let mut resources = Vec::new();
    for (ai, account) in accounts.iter().enumerate() {
        for k in 0..3u64 {
            let h =
                |key: &str| hash(&[seed, text("scp-resource"), text(&account.id), k, text(key)]);
            let (item, _, _, krw) = SCP_ITEMS[h("item") as usize % SCP_ITEMS.len()];
            let late = h("late") % 4 == 0;
            resources.push(ScpResource {
                id: format!(
                    "{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}",
                    h("id1") as u32,
                    h("id2") as u16,
                    h("id3") % 0x1000,
                    h("id4") % 0x1000,
                    h("id5") % 0x1_0000_0000_0000
                ),
                name: format!(
                    "{}-{:02}",
                    SCP_NAMES[h("name") as usize % SCP_NAMES.len()],
                    k + 1
                ),
                account: account.id.clone(),
                billing_item: item.into(),
                region: regions[h("region") as usize % regions.len()].clone(),
                contract: contracts[ai].id.clone(),
                order_status: "04".into(),
                daily_krw: dec(krw),
                start: late
                    .then(|| size.start + Duration::days(range(h("start"), 0, span - 1) as i64)),
                end: None,
            });
        }
    }
    ScpOrganisation {
        timezone: "Asia/Seoul".into(),
        usd_per_krw: dec("0.00072"),
        accounts,
        regions,
        contracts,
        billing_items,
        resources,
    }
}
