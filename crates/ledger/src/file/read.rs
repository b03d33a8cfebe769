//! Reading a ledger file into an organisation, a calendar, and a seed or explicit items.

use serde_yaml::Value;

use crate::dims::Index;
use crate::error::LedgerError;
use crate::file::node::{list, opt, req, Fields, Node};
use crate::items::{zero_amounts, LineItem, Metric, Metrics, NO_UNIT};
use crate::org::{
    Account, Calendar, CostCategory, CostCategoryRule, InspectorAccount, Organisation, Reservation,
    RuleOn, SavingsPlan, ScpBillingItem, ScpContract, ScpOrganisation, ScpResource, Service,
    TagKey, UsageType,
};

/// What a ledger file holds.
pub(crate) struct File {
    pub org: Organisation,
    pub calendar: Calendar,
    pub seed: Option<u64>,
    pub items: Vec<LineItem>,
}

fn account(n: Node<'_>) -> Result<Account, LedgerError> {
    let mut f = n.map()?;
    let a = Account {
        id: req(&mut f, "id", |n| n.str())?,
        name: req(&mut f, "name", |n| n.str())?,
    };
    f.done()?;
    Ok(a)
}

fn usage_type(n: Node<'_>) -> Result<UsageType, LedgerError> {
    let mut f = n.map()?;
    let text = |f: &mut Fields<'_>, k: &str| opt(f, k, |n| n.str());
    let u = UsageType {
        name: req(&mut f, "name", |n| n.str())?,
        unit: req(&mut f, "unit", |n| n.str())?,
        price: req(&mut f, "price", |n| n.decimal())?,
        daily_quantity: opt(&mut f, "daily_quantity", |n| n.decimal())?,
        group: text(&mut f, "group")?,
        operation: text(&mut f, "operation")?,
        instance_type: text(&mut f, "instance_type")?,
        platform: text(&mut f, "platform")?,
        tenancy: text(&mut f, "tenancy")?,
        database_engine: text(&mut f, "database_engine")?,
        normalization_factor: opt(&mut f, "normalization_factor", |n| n.decimal())?,
    };
    f.done()?;
    Ok(u)
}

fn service(n: Node<'_>) -> Result<Service, LedgerError> {
    let mut f = n.map()?;
    let s = Service {
        name: req(&mut f, "name", |n| n.str())?,
        code: req(&mut f, "code", |n| n.str())?,
        global: opt(&mut f, "global", |n| n.bool())?.unwrap_or(false),
        usage_types: req(&mut f, "usage_types", |n| list(n, usage_type))?,
    };
    f.done()?;
    Ok(s)
}

fn tag(n: Node<'_>) -> Result<TagKey, LedgerError> {
    let mut f = n.map()?;
    let t = TagKey {
        key: req(&mut f, "key", |n| n.str())?,
        values: opt(&mut f, "values", |n| n.strs())?.unwrap_or_default(),
    };
    f.done()?;
    Ok(t)
}

fn rule(n: Node<'_>) -> Result<CostCategoryRule, LedgerError> {
    let mut f = n.map()?;
    let value = req(&mut f, "value", |n| n.str())?;
    let dimension = opt(&mut f, "dimension", |n| n.str())?;
    let tag = opt(&mut f, "tag", |n| n.str())?;
    let on = match (dimension, tag) {
        (Some(d), None) => RuleOn::Dimension(d),
        (None, Some(t)) => RuleOn::Tag(t),
        _ => return n.fail("expected exactly one of `dimension` and `tag`"),
    };
    let values = req(&mut f, "values", |n| n.strs())?;
    f.done()?;
    Ok(CostCategoryRule { value, on, values })
}

fn cost_category(n: Node<'_>) -> Result<CostCategory, LedgerError> {
    let mut f = n.map()?;
    let c = CostCategory {
        name: req(&mut f, "name", |n| n.str())?,
        rules: opt(&mut f, "rules", |n| list(n, rule))?.unwrap_or_default(),
        default: opt(&mut f, "default", |n| n.str())?,
    };
    f.done()?;
    Ok(c)
}

fn reservation(n: Node<'_>) -> Result<Reservation, LedgerError> {
    let mut f = n.map()?;
    let instances = req(&mut f, "instances", |n| n.u32())?;
    let r = Reservation {
        id: req(&mut f, "id", |n| n.str())?,
        account: req(&mut f, "account", |n| n.str())?,
        service: req(&mut f, "service", |n| n.str())?,
        usage_type: req(&mut f, "usage_type", |n| n.str())?,
        region: req(&mut f, "region", |n| n.str())?,
        instances,
        hours: opt(&mut f, "hours", |n| n.u32())?.unwrap_or(instances.saturating_mul(24)),
        start: req(&mut f, "start", |n| n.date())?,
        end: req(&mut f, "end", |n| n.date())?,
        offering: opt(&mut f, "offering", |n| n.str())?.unwrap_or_else(|| "Standard".into()),
        payment: opt(&mut f, "payment", |n| n.str())?.unwrap_or_else(|| "No Upfront".into()),
        upfront_hourly: opt(&mut f, "upfront_hourly", |n| n.decimal())?.unwrap_or_default(),
        recurring_hourly: req(&mut f, "recurring_hourly", |n| n.decimal())?,
        utilization: opt(&mut f, "utilization", |n| n.decimal())?
            .unwrap_or(cloudcost_types::rust_decimal::Decimal::ONE),
    };
    f.done()?;
    Ok(r)
}

fn savings_plan(n: Node<'_>) -> Result<SavingsPlan, LedgerError> {
    let mut f = n.map()?;
    let p = SavingsPlan {
        id: req(&mut f, "id", |n| n.str())?,
        account: req(&mut f, "account", |n| n.str())?,
        commitment_hourly: req(&mut f, "commitment_hourly", |n| n.decimal())?,
        start: req(&mut f, "start", |n| n.date())?,
        end: req(&mut f, "end", |n| n.date())?,
    };
    f.done()?;
    Ok(p)
}

fn inspector(n: Node<'_>) -> Result<InspectorAccount, LedgerError> {
    let mut f = n.map()?;
    let count = |f: &mut Fields<'_>, k: &str| opt(f, k, |n| n.u32()).map(Option::unwrap_or_default);
    let i = InspectorAccount {
        account: req(&mut f, "account", |n| n.str())?,
        enabled: req(&mut f, "enabled", |n| n.date())?,
        agentless_instances: count(&mut f, "agentless_instances")?,
        lambda_functions: count(&mut f, "lambda_functions")?,
        lambda_code_functions: count(&mut f, "lambda_code_functions")?,
        ecr_images: count(&mut f, "ecr_images")?,
        ecr_rescans: count(&mut f, "ecr_rescans")?,
    };
    f.done()?;
    Ok(i)
}

fn scp(n: Node<'_>) -> Result<ScpOrganisation, LedgerError> {
    let mut f = n.map()?;
    let contract = |n: Node<'_>| {
        let mut f = n.map()?;
        let c = ScpContract {
            id: req(&mut f, "id", |n| n.str())?,
            account: req(&mut f, "account", |n| n.str())?,
        };
        f.done()?;
        Ok(c)
    };
    let item = |n: Node<'_>| {
        let mut f = n.map()?;
        let b = ScpBillingItem {
            id: req(&mut f, "id", |n| n.str())?,
            service_category: req(&mut f, "service_category", |n| n.str())?,
            product_code: req(&mut f, "product_code", |n| n.str())?,
        };
        f.done()?;
        Ok(b)
    };
    let resource = |n: Node<'_>| {
        let mut f = n.map()?;
        let r = ScpResource {
            id: req(&mut f, "id", |n| n.str())?,
            name: req(&mut f, "name", |n| n.str())?,
            account: req(&mut f, "account", |n| n.str())?,
            billing_item: req(&mut f, "billing_item", |n| n.str())?,
            region: req(&mut f, "region", |n| n.str())?,
            contract: req(&mut f, "contract", |n| n.str())?,
            order_status: opt(&mut f, "order_status", |n| n.str())?.unwrap_or_else(|| "04".into()),
            daily_krw: req(&mut f, "daily_krw", |n| n.decimal())?,
            start: opt(&mut f, "start", |n| n.date())?,
            end: opt(&mut f, "end", |n| n.date())?,
        };
        f.done()?;
        Ok(r)
    };
    let s = ScpOrganisation {
        timezone: opt(&mut f, "timezone", |n| n.str())?.unwrap_or_else(|| "Asia/Seoul".into()),
        usd_per_krw: req(&mut f, "usd_per_krw", |n| n.decimal())?,
        accounts: opt(&mut f, "accounts", |n| list(n, account))?.unwrap_or_default(),
        regions: opt(&mut f, "regions", |n| n.strs())?.unwrap_or_default(),
        contracts: opt(&mut f, "contracts", |n| list(n, contract))?.unwrap_or_default(),
        billing_items: opt(&mut f, "billing_items", |n| list(n, item))?.unwrap_or_default(),
        resources: opt(&mut f, "resources", |n| list(n, resource))?.unwrap_or_default(),
    };
    f.done()?;
    Ok(s)
}

fn calendar(n: Node<'_>) -> Result<Calendar, LedgerError> {
    let mut f = n.map()?;
    let start = req(&mut f, "start", |n| n.date())?;
    let end = req(&mut f, "end", |n| n.date())?;
    let c = Calendar {
        start,
        end,
        close: opt(&mut f, "close", |n| n.date())?.unwrap_or(end),
        hourly_days: opt(&mut f, "hourly_days", |n| n.u32())?.unwrap_or(14),
    };
    f.done()?;
    Ok(c)
}

/// An explicit item; its unit defaults to its usage type's, else `N/A`.
fn item(n: Node<'_>, index: &Index) -> Result<LineItem, LedgerError> {
    let mut f = n.map()?;
    let day = req(&mut f, "day", |n| n.date())?;
    let account = req(&mut f, "account", |n| n.str())?;
    let service = req(&mut f, "service", |n| n.str())?;
    let region = req(&mut f, "region", |n| n.str())?;
    let usage_type = req(&mut f, "usage_type", |n| n.str())?;
    let record_type = req(&mut f, "record_type", |n| n.str())?;
    let tags = opt(&mut f, "tags", |n| {
        let m = n.map()?;
        m.entries()?
            .into_iter()
            .map(|(k, v)| {
                let path = crate::file::node::join(n.path, &k);
                Ok((k, Node { v, path: &path }.str()?))
            })
            .collect::<Result<Vec<_>, LedgerError>>()
    })?
    .unwrap_or_default();
    let reservation = opt(&mut f, "reservation", |n| n.str())?;
    let unit = opt(&mut f, "unit", |n| n.str())?.unwrap_or_else(|| {
        index
            .usage_type(&service, &usage_type)
            .map_or_else(|| NO_UNIT.to_string(), |u| u.unit.clone())
    });
    let mut amounts = zero_amounts();
    if let Some(v) = f.opt("metrics") {
        let path = f.at("metrics");
        let m = Node { v, path: &path }.map()?;
        for (name, v) in m.entries()? {
            let p = crate::file::node::join(&path, &name);
            let Some(metric) = Metric::from_name(&name) else {
                let valid: Vec<&str> = Metric::ALL.iter().map(|m| m.name()).collect();
                return Err(LedgerError::new(
                    p,
                    format!("unknown metric (valid: {})", valid.join(", ")),
                ));
            };
            let mut d = Node { v, path: &p }.decimal()?;
            if d.scale() < metric.scale() {
                d.rescale(metric.scale());
            }
            amounts[metric.index()] = d;
        }
    }
    f.done()?;
    Ok(LineItem {
        day,
        hour: None,
        account,
        service,
        region,
        usage_type,
        record_type,
        tags,
        cost_categories: Vec::new(),
        reservation,
        metrics: Metrics {
            amounts,
            usage_unit: unit,
        },
    })
}

/// Reads a whole ledger file.
pub(crate) fn file(text: &str) -> Result<File, LedgerError> {
    let root: Value =
        serde_yaml::from_str(text).map_err(|e| LedgerError::new("", format!("not YAML: {e}")))?;
    let n = Node { v: &root, path: "" };
    let mut f = n.map()?;
    if let Some(v) = opt(&mut f, "format", |n| n.u64())? {
        if v != 1 {
            return Err(LedgerError::new(
                "format",
                format!("expected format 1, found {v}"),
            ));
        }
    }
    let calendar = req(&mut f, "calendar", calendar)?;
    let seed = opt(&mut f, "generate", |n| {
        let mut g = n.map()?;
        let seed = req(&mut g, "seed", |n| n.u64())?;
        g.done()?;
        Ok(seed)
    })?;
    let org = Organisation {
        payer: req(&mut f, "payer", account)?,
        accounts: opt(&mut f, "accounts", |n| list(n, account))?.unwrap_or_default(),
        discount_rate: opt(&mut f, "discount_rate", |n| n.decimal())?.unwrap_or_default(),
        regions: req(&mut f, "regions", |n| n.strs())?,
        services: req(&mut f, "services", |n| list(n, service))?,
        tags: opt(&mut f, "tags", |n| list(n, tag))?.unwrap_or_default(),
        cost_categories: opt(&mut f, "cost_categories", |n| list(n, cost_category))?
            .unwrap_or_default(),
        reservations: opt(&mut f, "reservations", |n| list(n, reservation))?.unwrap_or_default(),
        savings_plans: opt(&mut f, "savings_plans", |n| list(n, savings_plan))?.unwrap_or_default(),
        inspector: opt(&mut f, "inspector", |n| list(n, inspector))?.unwrap_or_default(),
        scp: opt(&mut f, "scp", scp)?.unwrap_or_else(|| ScpOrganisation {
            timezone: "Asia/Seoul".into(),
            usd_per_krw: cloudcost_types::rust_decimal::Decimal::ZERO,
            accounts: Vec::new(),
            regions: Vec::new(),
            contracts: Vec::new(),
            billing_items: Vec::new(),
            resources: Vec::new(),
        }),
    };
    let index = Index::new(&org);
    let items = opt(&mut f, "items", |n| list(n, |n| item(n, &index)))?;
    f.done()?;
    let items = match (seed, items) {
        (Some(_), Some(_)) => {
            return Err(LedgerError::new(
                "items",
                "a ledger has either `generate` (items from a seed) or `items`, not both",
            ))
        }
        (None, None) => {
            return Err(LedgerError::new(
                "",
                "expected `generate` (items from a seed) or `items` (explicit items)",
            ))
        }
        (_, items) => items.unwrap_or_default(),
    };
    Ok(File {
        org,
        calendar,
        seed,
        items,
    })
}
