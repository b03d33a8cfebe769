//! The organisation a ledger bills: accounts, services and their usage types, regions, cost
//! allocation tags, cost categories, reservations, savings plans, the Inspector model and
//! the SCP side. Plain data: [`crate::Ledger::generate`] makes one from a seed, a ledger
//! file spells one out, and the line items follow from it.

use cloudcost_types::chrono::NaiveDate;
use cloudcost_types::rust_decimal::Decimal;

/// The dates of a ledger: which days have items, which are estimated, which are hourly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    /// The first day with items.
    pub start: NaiveDate,
    /// The day after the last day with items (exclusive). Also the ledger's "now": the
    /// Inspector's last 30 days end here, and free trials are active if they end after it.
    pub end: NaiveDate,
    /// Days on or after this one are not closed yet: their periods are `estimated`.
    pub close: NaiveDate,
    /// The last this many days before `end` also have hourly items.
    pub hourly_days: u32,
}

impl Calendar {
    /// The first day with hourly items (never before `start`).
    pub fn hourly_start(&self) -> NaiveDate {
        let back = self
            .end
            .checked_sub_signed(cloudcost_types::chrono::Duration::days(i64::from(
                self.hourly_days,
            )))
            .unwrap_or(self.start);
        back.max(self.start)
    }

    /// Whether `day` has items.
    pub fn contains(&self, day: NaiveDate) -> bool {
        self.start <= day && day < self.end
    }
}

/// An AWS account: a 12-digit id and a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// The 12-digit account id.
    pub id: String,
    /// The account name (LINKED_ACCOUNT_NAME, and the `description` attribute).
    pub name: String,
}

/// A service as Cost Explorer names it, with its usage types.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    /// The display name (SERVICE), e.g. `Amazon Simple Storage Service`.
    pub name: String,
    /// The service code (SERVICE_CODE), e.g. `AmazonS3`.
    pub code: String,
    /// A global service has its items in region `global`, and its usage types no region
    /// prefix.
    pub global: bool,
    /// The usage types the service meters.
    pub usage_types: Vec<UsageType>,
}

/// A usage type: what is metered, in which unit, at what on-demand price.
///
/// In line items a regional usage type carries its region's prefix
/// (`USW2-BoxUsage:m5.large`; none in us-east-1, as Cost Explorer writes them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageType {
    /// The usage type without region prefix, e.g. `BoxUsage:t3.medium`.
    pub name: String,
    /// The unit of UsageQuantity, e.g. `Hrs`, `GB-Mo`, `Requests`.
    pub unit: String,
    /// The on-demand price in USD per unit.
    pub price: Decimal,
    /// For generated ledgers: the typical quantity per day and stream. Usage types without
    /// one are not generated as usage (a fee's usage type, for instance).
    pub daily_quantity: Option<Decimal>,
    /// USAGE_TYPE_GROUP, e.g. `EC2: Running Hours`.
    pub group: Option<String>,
    /// OPERATION, e.g. `RunInstances`.
    pub operation: Option<String>,
    /// INSTANCE_TYPE, e.g. `t3.medium`.
    pub instance_type: Option<String>,
    /// PLATFORM, e.g. `Linux/UNIX`.
    pub platform: Option<String>,
    /// TENANCY, e.g. `Shared`.
    pub tenancy: Option<String>,
    /// DATABASE_ENGINE, e.g. `PostgreSQL`.
    pub database_engine: Option<String>,
    /// Normalized units per unit (NormalizedUsageAmount = UsageQuantity × factor; 0
    /// without a factor; reservation units = hours × factor, or hours without one).
    pub normalization_factor: Option<Decimal>,
}

/// A cost allocation tag key and the values the generator draws from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagKey {
    /// The tag key, e.g. `Environment`.
    pub key: String,
    /// Its values, e.g. `Prod`, `Staging`.
    pub values: Vec<String>,
}

/// A cost category: a value per line item from the first rule that matches, else the
/// default, else none (the category is absent from the item).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CostCategory {
    /// The cost category name.
    pub name: String,
    /// The rules, in order: the first that matches gives the value.
    pub rules: Vec<CostCategoryRule>,
    /// The value of items no rule matches; `None` leaves them without the category.
    pub default: Option<String>,
}

/// One rule of a cost category: items whose dimension (or tag) has one of `values`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CostCategoryRule {
    /// The value the rule gives.
    pub value: String,
    /// What the rule looks at.
    pub on: RuleOn,
    /// The values that match (exactly).
    pub values: Vec<String>,
}

/// What a cost category rule looks at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuleOn {
    /// A dimension, spelled as Cost Explorer does (`LINKED_ACCOUNT`, `SERVICE`, ...).
    Dimension(String),
    /// A cost allocation tag key.
    Tag(String),
}

/// A reserved instance subscription.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reservation {
    /// The subscription id (SUBSCRIPTION_ID, RESERVATION_ID), e.g. `359809062`.
    pub id: String,
    /// The account that bought it.
    pub account: String,
    /// The service's display name.
    pub service: String,
    /// The usage type it covers (without region prefix), e.g. `BoxUsage:t3.medium`.
    pub usage_type: String,
    /// The region it covers.
    pub region: String,
    /// The number of instances.
    pub instances: u32,
    /// Hours purchased per day (normally instances × 24).
    pub hours: u32,
    /// The first day of the term.
    pub start: NaiveDate,
    /// The day after the last day of the term (exclusive).
    pub end: NaiveDate,
    /// `Standard` or `Convertible`.
    pub offering: String,
    /// `All Upfront`, `Partial Upfront` or `No Upfront`.
    pub payment: String,
    /// The upfront fee per purchased hour (the upfront fee is charged on `start`:
    /// this × hours × days of the term).
    pub upfront_hourly: Decimal,
    /// The recurring fee per purchased hour.
    pub recurring_hourly: Decimal,
    /// For generated ledgers: the typical share of purchased hours used (0 to 1).
    pub utilization: Decimal,
}

/// A Savings Plan, billed as a daily SavingsPlanRecurringFee item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavingsPlan {
    /// The plan's id.
    pub id: String,
    /// The account that bought it.
    pub account: String,
    /// The hourly commitment in USD.
    pub commitment_hourly: Decimal,
    /// The first day of the term.
    pub start: NaiveDate,
    /// The day after the last day of the term (exclusive).
    pub end: NaiveDate,
}

/// An account's Amazon Inspector: what it scans, and when its free trial began.
///
/// Usage over the last 30 days: EC2_INSTANCE_HOURS is the account's EC2 instance hours in
/// the line items; the others are counts × 720 hours (agentless instances, Lambda
/// functions, Lambda functions with code scanning) or scan counts (ECR).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InspectorAccount {
    /// The account id.
    pub account: String,
    /// The day Inspector was enabled: the free trials start then and last 15 days.
    pub enabled: NaiveDate,
    /// Instances scanned without an agent.
    pub agentless_instances: u32,
    /// Lambda functions scanned (standard scanning).
    pub lambda_functions: u32,
    /// Lambda functions with code scanning.
    pub lambda_code_functions: u32,
    /// Container images scanned on push in the last 30 days.
    pub ecr_images: u32,
    /// Container image rescans in the last 30 days.
    pub ecr_rescans: u32,
}

/// The Samsung Cloud Platform side of the organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScpOrganisation {
    /// The timezone of `usage_date` (`Asia/Seoul`).
    pub timezone: String,
    /// US dollars per won: `usd = krw × usd_per_krw`, exactly.
    pub usd_per_krw: Decimal,
    /// SCP accounts.
    pub accounts: Vec<Account>,
    /// SCP regions, e.g. `kr-west1`.
    pub regions: Vec<String>,
    /// Contracts.
    pub contracts: Vec<ScpContract>,
    /// Billing items.
    pub billing_items: Vec<ScpBillingItem>,
    /// Resources, each with one usage a day while it exists.
    pub resources: Vec<ScpResource>,
}

/// An SCP contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScpContract {
    /// The contract id, e.g. `C002612775`.
    pub id: String,
    /// The SCP account it belongs to.
    pub account: String,
}

/// An SCP billing item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScpBillingItem {
    /// The billing item id, e.g. `VIRTUAL_SERVER`.
    pub id: String,
    /// Its service category, e.g. `COMPUTE`.
    pub service_category: String,
    /// The CCBS product code, e.g. `PD00013862`.
    pub product_code: String,
}

/// An SCP resource: one usage per day from `start` to `end`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScpResource {
    /// The resource id.
    pub id: String,
    /// The resource name, e.g. `test-vm`.
    pub name: String,
    /// The SCP account.
    pub account: String,
    /// The billing item id.
    pub billing_item: String,
    /// The region.
    pub region: String,
    /// The contract id.
    pub contract: String,
    /// The CCBS order status, e.g. `04`.
    pub order_status: String,
    /// The amount of a day in won: exactly this in a ledger of explicit items, varied by
    /// the seed (80 % to 120 %, whole won) in a generated one.
    pub daily_krw: Decimal,
    /// The first day it is billed (default: the calendar's start).
    pub start: Option<NaiveDate>,
    /// The day after the last day it is billed (default: the calendar's end).
    pub end: Option<NaiveDate>,
}

/// Everything a ledger bills.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organisation {
    /// The management (payer) account; it has items of its own too.
    pub payer: Account,
    /// The linked (member) accounts.
    pub accounts: Vec<Account>,
    /// The enterprise discount rate applied to NetUnblendedCost and NetAmortizedCost
    /// (0.03 = 3 %).
    pub discount_rate: Decimal,
    /// The AWS regions used (a global service's items are in `global`).
    pub regions: Vec<String>,
    /// The services.
    pub services: Vec<Service>,
    /// The cost allocation tag keys.
    pub tags: Vec<TagKey>,
    /// The cost categories.
    pub cost_categories: Vec<CostCategory>,
    /// Reserved instance subscriptions.
    pub reservations: Vec<Reservation>,
    /// Savings Plans.
    pub savings_plans: Vec<SavingsPlan>,
    /// Accounts with Amazon Inspector.
    pub inspector: Vec<InspectorAccount>,
    /// The SCP side.
    pub scp: ScpOrganisation,
}

impl Organisation {
    /// The payer, then the linked accounts.
    pub fn all_accounts(&self) -> impl Iterator<Item = &Account> {
        std::iter::once(&self.payer).chain(&self.accounts)
    }

    /// The account with this id.
    pub fn account(&self, id: &str) -> Option<&Account> {
        self.all_accounts().find(|a| a.id == id)
    }

    /// The service with this display name.
    pub fn service(&self, name: &str) -> Option<&Service> {
        self.services.iter().find(|s| s.name == name)
    }
}

/// Cost Explorer's usage type prefix of a region (`USW2-` for us-west-2, none for
/// us-east-1 and `global`); a region it does not know gets its name in capitals without
/// dashes.
pub fn region_prefix(region: &str) -> String {
    let known = match region {
        "us-east-1" | "global" | "NoRegion" => "",
        "us-east-2" => "USE2-",
        "us-west-1" => "USW1-",
        "us-west-2" => "USW2-",
        "ca-central-1" => "CAN1-",
        "eu-west-1" => "EU-",
        "eu-west-2" => "EUW2-",
        "eu-west-3" => "EUW3-",
        "eu-central-1" => "EUC1-",
        "eu-north-1" => "EUN1-",
        "ap-northeast-1" => "APN1-",
        "ap-northeast-2" => "APN2-",
        "ap-northeast-3" => "APN3-",
        "ap-southeast-1" => "APS1-",
        "ap-southeast-2" => "APS2-",
        "ap-south-1" => "APS3-",
        "sa-east-1" => "SAE1-",
        _ => {
            return format!("{}-", region.replace('-', "").to_uppercase());
        }
    };
    known.to_string()
}

/// The record types a line item may have (RECORD_TYPE values).
pub const RECORD_TYPES: &[&str] = &[
    "Usage",
    "Credit",
    "Tax",
    "Refund",
    "DiscountedUsage",
    "RIFee",
    "SavingsPlanCoveredUsage",
    "SavingsPlanNegation",
    "SavingsPlanRecurringFee",
    "SavingsPlanUpfrontFee",
    "Recurring reservation fee",
    "Enterprise Discount Program Discount",
    "Support fee",
];
