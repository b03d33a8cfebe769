//! Deterministic generators of large, realistic response bodies.
//!
//! Every generator takes a seed and writes compact JSON (as the services send it) directly
//! into a `String`, so the bytes are the same on every machine and in every run. No network,
//! no clock, no global randomness.

use std::fmt::Write as _;

/// SplitMix64: small, fast, fully deterministic.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    /// A decimal with `whole_max` bounding the integer part and exactly `scale` decimals,
    /// as text (`"39.1603300457"`).
    pub fn decimal(&mut self, whole_max: u64, scale: u32) -> String {
        let whole = self.below(whole_max);
        let frac = self.below(10u64.pow(scale));
        format!("{whole}.{frac:0width$}", width = scale as usize)
    }
}

const SERVICES: [&str; 40] = [
    "Amazon Simple Storage Service",
    "Amazon Elastic Compute Cloud - Compute",
    "EC2 - Other",
    "Amazon Relational Database Service",
    "Amazon DynamoDB",
    "AWS Lambda",
    "Amazon CloudFront",
    "Amazon Virtual Private Cloud",
    "Amazon Elastic Container Service",
    "Amazon Elastic Kubernetes Service",
    "Amazon ElastiCache",
    "Amazon Redshift",
    "Amazon OpenSearch Service",
    "Amazon Simple Queue Service",
    "Amazon Simple Notification Service",
    "AmazonCloudWatch",
    "AWS CloudTrail",
    "AWS Key Management Service",
    "AWS Secrets Manager",
    "Amazon Route 53",
    "Amazon API Gateway",
    "AWS Glue",
    "Amazon Athena",
    "Amazon Kinesis",
    "Amazon EC2 Container Registry (ECR)",
    "Amazon Elastic File System",
    "Amazon Elastic Load Balancing",
    "AWS Backup",
    "AWS Config",
    "Amazon GuardDuty",
    "Amazon Inspector",
    "AWS Security Hub",
    "AWS WAF",
    "AWS Step Functions",
    "Amazon SageMaker",
    "Amazon Bedrock",
    "AWS Data Transfer",
    "Amazon Managed Streaming for Apache Kafka",
    "AWS Directory Service",
    "Tax",
];

const ENVIRONMENTS: [&str; 5] = [
    "Environment$Prod",
    "Environment$Test",
    "Environment$Dev",
    "Environment$Staging",
    "Environment$",
];

/// Adds `days` days to 2024-01-01 and formats `YYYY-MM-DD` (no leap-year subtlety needed
/// beyond 2024's February).
pub fn date(days: u32) -> String {
    const MONTH_DAYS: [u32; 12] = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let (mut month, mut day) = (0usize, days);
    while day >= MONTH_DAYS[month % 12] {
        day -= MONTH_DAYS[month % 12];
        month += 1;
    }
    format!("{}-{:02}-{:02}", 2024 + month / 12, month % 12 + 1, day + 1)
}

/// A GetCostAndUsage page: `periods` daily periods × `groups` groups (SERVICE × the
/// `Environment` tag) × 3 metrics, amounts as strings with 10 decimals, like the
/// documented example. 90 × 200 gives about 4 MB.
pub fn cost_and_usage(
    seed: u64,
    periods: u32,
    groups: usize,
    next_page_token: Option<&str>,
) -> String {
    let mut rng = Rng::new(seed);
    let mut s = String::with_capacity(periods as usize * groups * 260 + 512);
    s.push_str(
        r#"{"GroupDefinitions":[{"Type":"DIMENSION","Key":"SERVICE"},{"Type":"TAG","Key":"Environment"}],"ResultsByTime":["#,
    );
    for p in 0..periods {
        if p > 0 {
            s.push(',');
        }
        write!(
            s,
            r#"{{"TimePeriod":{{"Start":"{}","End":"{}"}},"Total":{{}},"Groups":["#,
            date(p),
            date(p + 1)
        )
        .unwrap();
        for g in 0..groups {
            if g > 0 {
                s.push(',');
            }
            let service = SERVICES[g / ENVIRONMENTS.len() % SERVICES.len()];
            let env = ENVIRONMENTS[g % ENVIRONMENTS.len()];
            let cost = rng.decimal(1000, 10);
            let usage = rng.decimal(200_000, 10);
            write!(
                s,
                r#"{{"Keys":["{service}","{env}"],"Metrics":{{"BlendedCost":{{"Amount":"{cost}","Unit":"USD"}},"UnblendedCost":{{"Amount":"{cost}","Unit":"USD"}},"UsageQuantity":{{"Amount":"{usage}","Unit":"N/A"}}}}}}"#
            )
            .unwrap();
        }
        s.push_str(r#"],"Estimated":false}"#);
    }
    s.push_str(r#"],"DimensionValueAttributes":[]"#);
    if let Some(token) = next_page_token {
        write!(s, r#","NextPageToken":"{token}""#).unwrap();
    }
    s.push('}');
    s
}

/// The 4 MB GetCostAndUsage page of the benchmarks: 90 × 200 × 3.
pub fn cost_and_usage_page() -> String {
    cost_and_usage(1, 90, 200, None)
}

/// A tiny GetCostAndUsage page (one period, one group): the fixed overhead per call.
pub fn cost_and_usage_tiny() -> String {
    cost_and_usage(2, 1, 1, None)
}

const USAGE_TYPES: [&str; 5] = [
    "EC2_INSTANCE_HOURS",
    "ECR_INITIAL_SCAN",
    "ECR_RESCAN",
    "LAMBDA_FUNCTION_HOURS",
    "LAMBDA_FUNCTION_CODE_HOURS",
];

/// A ListUsageTotals page: `totals` accounts × 5 usages, `total` and
/// `estimatedMonthlyCost` as JSON numbers (restJson1).
pub fn usage_totals(seed: u64, totals: usize, next_token: Option<&str>) -> String {
    let mut rng = Rng::new(seed);
    let mut s = String::with_capacity(totals * 700 + 64);
    s.push_str(r#"{"totals":["#);
    for t in 0..totals {
        if t > 0 {
            s.push(',');
        }
        write!(
            s,
            r#"{{"accountId":"{:012}","usage":["#,
            100_000_000_000 + t as u64 * 7919
        )
        .unwrap();
        for (u, usage_type) in USAGE_TYPES.iter().enumerate() {
            if u > 0 {
                s.push(',');
            }
            let total = rng.decimal(10_000, 4);
            let cost = rng.decimal(5_000, 6);
            write!(
                s,
                r#"{{"type":"{usage_type}","total":{total},"estimatedMonthlyCost":{cost},"currency":"USD"}}"#
            )
            .unwrap();
        }
        s.push_str("]}");
    }
    s.push(']');
    if let Some(token) = next_token {
        write!(s, r#","nextToken":"{token}""#).unwrap();
    }
    s.push('}');
    s
}

/// The ListUsageTotals body of the benchmarks: 500 totals × 5 usages.
pub fn usage_totals_page() -> String {
    usage_totals(3, 500, None)
}

const INSTANCE_TYPES: [&str; 8] = [
    "t3.micro",
    "t3.large",
    "m5.xlarge",
    "m6i.2xlarge",
    "c5.4xlarge",
    "r5.large",
    "db.r6g.large",
    "t2.nano",
];
const REGIONS: [&str; 6] = [
    "us-east-1",
    "us-east-2",
    "us-west-2",
    "eu-west-1",
    "eu-central-1",
    "ap-northeast-2",
];

fn aggregates(rng: &mut Rng, s: &mut String) {
    let purchased = 24 * (1 + rng.below(4));
    let used = purchased - rng.below(purchased / 2 + 1);
    let unused = purchased - used;
    let pct = used as f64 * 100.0 / purchased as f64;
    write!(
        s,
        r#"{{"UtilizationPercentage":"{pct}","UtilizationPercentageInUnits":"{pct}","PurchasedHours":"{purchased}","PurchasedUnits":"{pu}","TotalActualHours":"{used}","TotalActualUnits":"{uu}","UnusedHours":"{unused}","UnusedUnits":"{nu}","OnDemandCostOfRIHoursUsed":"{od}","NetRISavings":"{net}","TotalPotentialRISavings":"{pot}","AmortizedUpfrontFee":"{up}","AmortizedRecurringFee":"{rec}","TotalAmortizedFee":"{tot}","RICostForUnusedHours":"{ricu}","RealizedSavings":"{real}","UnrealizedSavings":"{unreal}"}}"#,
        pu = purchased * 4,
        uu = used * 4,
        nu = unused * 4,
        od = rng.decimal(500, 10),
        net = rng.decimal(300, 10),
        pot = rng.decimal(300, 10),
        up = rng.decimal(50, 10),
        rec = rng.decimal(50, 10),
        tot = rng.decimal(100, 10),
        ricu = rng.decimal(20, 10),
        real = rng.decimal(300, 10),
        unreal = rng.decimal(20, 10),
    )
    .unwrap();
}

/// A GetReservationUtilization page: `periods` daily periods × `groups` subscription groups
/// with the `Attributes` map of the documented example (nulls included), aggregates as
/// strings as the service sends them.
///
/// With `nulls` false, the two null attributes are left out instead: aws-sdk-rust 1.138
/// rejects the documented form ("dense map cannot contain null values"), so the end-to-end
/// comparison uses this one.
pub fn reservation_utilization(seed: u64, periods: u32, groups: usize, nulls: bool) -> String {
    let mut rng = Rng::new(seed);
    let mut s = String::with_capacity(periods as usize * groups * 1100 + 1024);
    s.push_str(r#"{"UtilizationsByTime":["#);
    for p in 0..periods {
        if p > 0 {
            s.push(',');
        }
        write!(
            s,
            r#"{{"TimePeriod":{{"Start":"{}","End":"{}"}},"Groups":["#,
            date(p),
            date(p + 1)
        )
        .unwrap();
        for g in 0..groups {
            if g > 0 {
                s.push(',');
            }
            let subscription = 359_809_062 + g as u64 * 8;
            let region = REGIONS[g % REGIONS.len()];
            write!(
                s,
                r#"{{"Key":"SUBSCRIPTION_ID","Value":"{subscription}","Attributes":{{"AccountId":"{account:012}",{account_name}"AvailabilityZone":"{az}","CancellationDateTime":"2025-09-28T15:22:31.000Z","EndDateTime":"2025-09-28T15:22:31.000Z","InstanceType":"{it}",{lease_id}"NumberOfInstances":"{n}","OfferingType":"{ot}","Platform":"Linux/UNIX","Region":"{region}","Scope":"{scope}","StartDateTime":"2023-09-28T15:22:32.000Z","SubscriptionId":"{subscription}","SubscriptionStatus":"Active","SubscriptionType":"{st}","Tenancy":"Shared"}},"Utilization":"#,
                account = 123_456_789_012u64 + (g as u64 % 17),
                account_name = if nulls { r#""AccountName":null,"# } else { "" },
                lease_id = if nulls { r#""LeaseId":null,"# } else { "" },
                az = if g % 3 == 0 { String::new() } else { format!("{region}a") },
                it = INSTANCE_TYPES[g % INSTANCE_TYPES.len()],
                n = 1 + g % 4,
                ot = if g % 2 == 0 { "Standard" } else { "convertible" },
                scope = if g % 3 == 0 { "Region" } else { "Availability Zone" },
                st = ["All Upfront", "Partial Upfront", "No Upfront"][g % 3],
            )
            .unwrap();
            aggregates(&mut rng, &mut s);
            s.push('}');
        }
        s.push_str(r#"],"Total":"#);
        aggregates(&mut rng, &mut s);
        s.push('}');
    }
    s.push_str(r#"],"Total":"#);
    aggregates(&mut rng, &mut s);
    s.push('}');
    s
}

/// The GetReservationUtilization body of the benchmarks: 90 periods × 200 groups.
pub fn reservation_utilization_page() -> String {
    reservation_utilization(4, 90, 200, true)
}

/// The same page without the null attributes, which aws-sdk-rust cannot decode.
pub fn reservation_utilization_page_without_nulls() -> String {
    reservation_utilization(4, 90, 200, false)
}

const CATEGORIES: [(&str, &str); 5] = [
    ("COMPUTE", "VIRTUAL_SERVER"),
    ("STORAGE", "BLOCK_STORAGE"),
    ("NETWORKING", "LOAD_BALANCER"),
    ("DATABASE", "POSTGRESQL"),
    ("CONTAINER", "KUBERNETES_ENGINE"),
];

fn hex32(rng: &mut Rng) -> String {
    format!("{:016x}{:016x}", rng.next_u64(), rng.next_u64())
}

/// An SCP `UsageListResponse` with `usages` rows like the documented example.
pub fn scp_usages(seed: u64, usages: usize) -> String {
    let mut rng = Rng::new(seed);
    let mut s = String::with_capacity(usages * 420 + 256);
    write!(
        s,
        r#"{{"timezone":"Asia/Seoul","count":{usages},"links":[{{"href":"http://scp.samsungsdscloud.com/v1/usages","rel":"self"}}],"usages":["#
    )
    .unwrap();
    let account = hex32(&mut rng);
    for u in 0..usages {
        if u > 0 {
            s.push(',');
        }
        let (category, item) = CATEGORIES[u % CATEGORIES.len()];
        let id = hex32(&mut rng);
        let r = rng.next_u64();
        let krw = rng.decimal(1_000_000, 10);
        let usd = rng.decimal(800, 10);
        write!(
            s,
            r#"{{"id":"{id}","account_id":"{account}","service_category":"{category}","billing_item_id":"{item}","ccbs_product_code":"PD{:08}","resource_id":"{:08x}-{:04x}-{:04x}-{:04x}-{:012x}","contract_id":"C{:09}","order_status":"04","usage_date":"{}T00:00:00","amounts":{{"krw":"{krw}","usd":"{usd}"}},"status_code":"0"}}"#,
            r % 100_000_000,
            r >> 32,
            (r >> 16) & 0xffff,
            r & 0xffff,
            (r >> 48) & 0xffff,
            r & 0xffff_ffff_ffff,
            2_612_775 + (u % 50) as u64,
            date((u % 31) as u32 + 213),
        )
        .unwrap();
    }
    s.push_str("]}");
    s
}

/// The SCP body of the benchmarks: 10,000 usages.
pub fn scp_usages_page() -> String {
    scp_usages(5, 10_000)
}
