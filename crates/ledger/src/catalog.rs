//! The catalog the generator draws from: Cost Explorer's service display names with usage
//! types, units and on-demand prices, regions, account names, tag keys, and SCP billing
//! items. One row per entry, so the tables read as tables.

/// One usage type of the catalog: name, unit, price, daily quantity, group, operation,
/// instance type, normalization factor, database engine.
pub(crate) type UsageRow = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
    Option<&'static str>,
);

/// The service catalog: display name, code, global, usage types.
#[rustfmt::skip]
pub(crate) const SERVICES: &[(&str, &str, bool, &[UsageRow])] = &[
    ("Amazon Elastic Compute Cloud - Compute", "AmazonEC2", false, &[
        ("BoxUsage:t3.medium", "Hrs", "0.0416", "48", "EC2: Running Hours", "RunInstances", Some("t3.medium"), Some("2"), None),
        ("BoxUsage:m5.large", "Hrs", "0.096", "72", "EC2: Running Hours", "RunInstances", Some("m5.large"), Some("4"), None),
    ]),
    ("Amazon Simple Storage Service", "AmazonS3", false, &[
        ("TimedStorage-ByteHrs", "GB-Mo", "0.023", "40", "S3: Storage - Standard", "StandardStorage", None, None, None),
        ("Requests-Tier1", "Requests", "0.000005", "250000", "S3: API Requests - Standard", "PutObject", None, None, None),
    ]),
    ("AWS Lambda", "AWSLambda", false, &[
        ("Lambda-GB-Second", "Lambda-GB-Second", "0.0000166667", "400000", "Lambda: GB-Second", "Invoke", None, None, None),
        ("Request", "Requests", "0.0000002", "1500000", "Lambda: Requests", "Invoke", None, None, None),
    ]),
    ("Amazon Relational Database Service", "AmazonRDS", false, &[
        ("InstanceUsage:db.t3.medium", "Hrs", "0.068", "24", "RDS: Running Hours", "CreateDBInstance:0014", Some("db.t3.medium"), Some("2"), Some("PostgreSQL")),
        ("RDS:GP2-Storage", "GB-Mo", "0.115", "3.3", "RDS: Storage", "CreateDBInstance:0014", None, None, Some("PostgreSQL")),
    ]),
    ("Amazon DynamoDB", "AmazonDynamoDB", false, &[
        ("TimedStorage-ByteHrs", "GB-Mo", "0.25", "2", "DDB: Storage", "StandardStorage", None, None, None),
        ("ReadRequestUnits", "ReadRequestUnits", "0.00000025", "3000000", "DDB: Read Request Units", "PayPerRequestThroughput", None, None, None),
    ]),
    ("Amazon Virtual Private Cloud", "AmazonVPC", false, &[
        ("NatGateway-Hours", "Hrs", "0.045", "48", "VPC: NAT Gateway Hours", "NatGateway", None, None, None),
        ("NatGateway-Bytes", "GB", "0.045", "60", "VPC: NAT Gateway Data Processed", "NatGateway", None, None, None),
    ]),
    ("AmazonCloudWatch", "AmazonCloudWatch", false, &[
        ("CW:MetricMonitorUsage", "Metrics", "0.3", "6", "CloudWatch: Metrics", "MetricStorage", None, None, None),
        ("DataProcessing-Bytes", "GB", "0.5", "4", "CloudWatch: Logs Ingestion", "PutLogEvents", None, None, None),
    ]),
    ("Amazon CloudFront", "AmazonCloudFront", true, &[
        ("US-DataTransfer-Out-Bytes", "GB", "0.085", "80", "CloudFront: Data Transfer Out", "GET", None, None, None),
        ("US-Requests-Tier1", "Requests", "0.0000075", "900000", "CloudFront: Requests", "GET", None, None, None),
    ]),
    ("Amazon ElastiCache", "AmazonElastiCache", false, &[
        ("NodeUsage:cache.t3.medium", "Hrs", "0.068", "48", "ElastiCache: Running Hours", "CreateCacheCluster:0002", Some("cache.t3.medium"), Some("2"), None),
    ]),
    ("Amazon Elastic Load Balancing", "AWSELB", false, &[
        ("LoadBalancerUsage", "Hrs", "0.0225", "48", "ELB: Running Hours", "LoadBalancing:Application", None, None, None),
        ("LCUUsage", "LCU-Hrs", "0.008", "100", "ELB: LCU Hours", "LoadBalancing:Application", None, None, None),
    ]),
    ("EC2 - Other", "AmazonEC2", false, &[
        ("EBS:VolumeUsage.gp3", "GB-Mo", "0.08", "16", "EC2: EBS - SSD(gp3)", "CreateVolume-Gp3", None, None, None),
    ]),
    ("Amazon Simple Queue Service", "AWSQueueService", false, &[
        ("Requests-RBP", "Requests", "0.0000004", "2000000", "SQS: Requests", "GetQueueAttributes", None, None, None),
    ]),
    ("AWS Key Management Service", "awskms", false, &[
        ("KMS-Keys", "Keys", "0.0333", "8", "KMS: Keys", "CreateKey", None, None, None),
    ]),
    ("Amazon Route 53", "AmazonRoute53", true, &[
        ("HostedZone", "HostedZone", "0.0166", "5", "Route 53: Hosted Zones", "CreateHostedZone", None, None, None),
        ("DNS-Queries", "Queries", "0.0000004", "500000", "Route 53: Queries", "Query", None, None, None),
    ]),
    ("Amazon Redshift", "AmazonRedshift", false, &[
        ("Node:dc2.large", "Hrs", "0.25", "48", "Redshift: Running Hours", "RunComputeNode:0001", Some("dc2.large"), Some("4"), None),
    ]),
    ("Amazon OpenSearch Service", "AmazonES", false, &[
        ("ESInstance:t3.medium.search", "Hrs", "0.073", "48", "OpenSearch: Running Hours", "ESDomain", Some("t3.medium.search"), Some("2"), None),
    ]),
];

/// The service of Savings Plans fees: in the organisation whenever it has a plan.
pub(crate) const SAVINGS_PLANS_SERVICE: &str = "Savings Plans for AWS Compute usage";
/// The usage type of a Savings Plan's recurring fee.
pub(crate) const SAVINGS_PLANS_USAGE_TYPE: &str = "ComputeSP:1yrNoUpfront";

pub(crate) const REGIONS: &[&str] = &[
    "us-east-1",
    "us-west-2",
    "eu-west-1",
    "ap-northeast-2",
    "eu-central-1",
    "ap-southeast-1",
    "us-east-2",
    "ap-northeast-1",
];

pub(crate) const ACCOUNT_NAMES: &[&str] = &[
    "Production",
    "Staging",
    "Development",
    "Data Platform",
    "Security",
    "Sandbox",
    "Shared Services",
    "Analytics",
];

pub(crate) const TAGS: &[(&str, &[&str])] = &[
    ("Environment", &["Prod", "Staging", "Dev"]),
    ("Team", &["platform", "data", "web", "ml"]),
    ("Project", &["atlas", "borealis", "cirrus"]),
    ("CostCenter", &["CC-1001", "CC-2002", "CC-3003"]),
    ("Application", &["checkout", "search", "reporting"]),
    ("Owner", &["alice", "bob", "carol"]),
];

pub(crate) const BUSINESS_UNITS: &[&str] = &["Retail", "Platform", "Research"];

/// SCP billing items: id, service category, product code, typical won per day.
pub(crate) const SCP_ITEMS: &[(&str, &str, &str, &str)] = &[
    ("VIRTUAL_SERVER", "COMPUTE", "PD00013862", "12000"),
    ("BLOCK_STORAGE", "STORAGE", "PD00013870", "1500"),
    ("OBJECT_STORAGE", "STORAGE", "PD00013881", "800"),
    ("LOAD_BALANCER", "NETWORKING", "PD00013893", "2500"),
    ("PUBLIC_IP", "NETWORKING", "PD00013905", "500"),
    ("POSTGRESQL", "DATABASE", "PD00013917", "18000"),
];

pub(crate) const SCP_REGIONS: &[&str] = &["kr-west1", "kr-east1", "kr-south1"];

pub(crate) const SCP_NAMES: &[&str] = &["web", "api", "batch", "db", "test-vm", "cache"];
