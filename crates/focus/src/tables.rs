//! The lookup tables of the mapping (FOCUS.md): RECORD_TYPE to ChargeCategory and
//! ChargeFrequency, service names and SCP service categories to FOCUS's ServiceCategory,
//! and the ISO 4217 currency codes.

/// FOCUS 1.2's ServiceCategory values (19).
pub const SERVICE_CATEGORIES: &[&str] = &[
    "AI and Machine Learning",
    "Analytics",
    "Business Applications",
    "Compute",
    "Databases",
    "Developer Tools",
    "Multicloud",
    "Identity",
    "Integration",
    "Internet of Things",
    "Management and Governance",
    "Media",
    "Migration",
    "Mobile",
    "Networking",
    "Security",
    "Storage",
    "Web",
    "Other",
];

/// How one Cost Explorer RECORD_TYPE maps: (RECORD_TYPE, ChargeCategory, ChargeFrequency,
/// ChargeClass).
pub const RECORD_TYPES: &[(&str, &str, &str, Option<&str>)] = &[
    ("Usage", "Usage", "Usage-Based", None),
    ("DiscountedUsage", "Usage", "Usage-Based", None),
    ("SavingsPlanCoveredUsage", "Usage", "Usage-Based", None),
    ("SavingsPlanNegation", "Adjustment", "Usage-Based", None),
    ("Credit", "Credit", "One-Time", None),
    ("Refund", "Adjustment", "One-Time", Some("Correction")),
    ("Tax", "Tax", "One-Time", None),
    ("RIFee", "Purchase", "Recurring", None),
    ("Recurring reservation fee", "Purchase", "Recurring", None),
    ("SavingsPlanRecurringFee", "Purchase", "Recurring", None),
    ("SavingsPlanUpfrontFee", "Purchase", "One-Time", None),
    ("Support fee", "Purchase", "Recurring", None),
    (
        "Enterprise Discount Program Discount",
        "Credit",
        "Usage-Based",
        None,
    ),
];

/// The ChargeCategory, ChargeFrequency and ChargeClass of a RECORD_TYPE, or `None` if the
/// table does not know it.
pub fn record_type(rt: &str) -> Option<(&'static str, &'static str, Option<&'static str>)> {
    RECORD_TYPES
        .iter()
        .find(|(name, ..)| *name == rt)
        .map(|(_, cat, freq, class)| (*cat, *freq, *class))
}

/// Cost Explorer's SERVICE display names (and the short codes some records carry) to
/// (ServiceCategory, ServiceSubcategory); a name not here is `Other` / `Other (Other)`
/// (FOCUS.md).
pub const AWS_SERVICES: &[(&str, &str, &str)] = &[
    (
        "AWS Key Management Service",
        "Security",
        "Secret Management",
    ),
    ("AWS Lambda", "Compute", "Serverless Compute"),
    ("AWSLambda", "Compute", "Serverless Compute"),
    ("AWSELB", "Networking", "Application Networking"),
    ("AWSQueueService", "Integration", "Messaging"),
    ("Amazon CloudFront", "Networking", "Content Delivery"),
    ("AmazonCloudFront", "Networking", "Content Delivery"),
    (
        "AmazonCloudWatch",
        "Management and Governance",
        "Observability",
    ),
    ("Amazon DynamoDB", "Databases", "NoSQL Databases"),
    ("Amazon ElastiCache", "Databases", "Caching"),
    (
        "Amazon Elastic Compute Cloud - Compute",
        "Compute",
        "Virtual Machines",
    ),
    ("EC2 - Other", "Compute", "Other (Compute)"),
    (
        "Amazon Elastic Load Balancing",
        "Networking",
        "Application Networking",
    ),
    ("Amazon OpenSearch Service", "Analytics", "Search"),
    ("Amazon Redshift", "Databases", "Data Warehouses"),
    (
        "Amazon Relational Database Service",
        "Databases",
        "Relational Databases",
    ),
    ("Amazon Route 53", "Networking", "Network Routing"),
    ("Amazon Simple Queue Service", "Integration", "Messaging"),
    ("Amazon Simple Storage Service", "Storage", "Object Storage"),
    (
        "Amazon Virtual Private Cloud",
        "Networking",
        "Network Infrastructure",
    ),
    (
        "Savings Plans for AWS Compute usage",
        "Compute",
        "Other (Compute)",
    ),
    ("Tax", "Other", "Other (Other)"),
];

/// SCP's `service_category` values to ServiceCategory; a value not here is `Other`.
pub const SCP_CATEGORIES: &[(&str, &str)] = &[
    ("COMPUTE", "Compute"),
    ("STORAGE", "Storage"),
    ("NETWORKING", "Networking"),
    ("DATABASE", "Databases"),
    ("CONTAINER", "Compute"),
    ("SECURITY", "Security"),
    ("MANAGEMENT", "Management and Governance"),
    ("ANALYTICS", "Analytics"),
    ("AI_ML", "AI and Machine Learning"),
    ("APPLICATION_SERVICE", "Integration"),
];

/// SCP's `billing_item_id` values to ServiceSubcategory, with the ServiceCategory each
/// belongs to; one not here (or under another category) is `Other (<ServiceCategory>)`.
pub const SCP_BILLING_ITEMS: &[(&str, &str, &str)] = &[
    ("VIRTUAL_SERVER", "Compute", "Virtual Machines"),
    ("BLOCK_STORAGE", "Storage", "Block Storage"),
    ("OBJECT_STORAGE", "Storage", "Object Storage"),
    ("FILE_STORAGE", "Storage", "File Storage"),
    ("LOAD_BALANCER", "Networking", "Application Networking"),
    ("PUBLIC_IP", "Networking", "Network Infrastructure"),
    ("POSTGRESQL", "Databases", "Relational Databases"),
];

/// The `Other (<category>)` subcategory of each ServiceCategory.
const OTHER_SUBCATEGORIES: &[(&str, &str)] = &[
    ("AI and Machine Learning", "Other (AI and Machine Learning)"),
    ("Analytics", "Other (Analytics)"),
    ("Business Applications", "Other (Business Applications)"),
    ("Compute", "Other (Compute)"),
    ("Databases", "Other (Databases)"),
    ("Developer Tools", "Other (Developer Tools)"),
    ("Multicloud", "Other (Multicloud)"),
    ("Identity", "Other (Identity)"),
    ("Integration", "Other (Integration)"),
    ("Internet of Things", "Other (Internet of Things)"),
    (
        "Management and Governance",
        "Other (Management and Governance)",
    ),
    ("Media", "Other (Media)"),
    ("Migration", "Other (Migration)"),
    ("Mobile", "Other (Mobile)"),
    ("Networking", "Other (Networking)"),
    ("Security", "Other (Security)"),
    ("Storage", "Other (Storage)"),
    ("Web", "Other (Web)"),
    ("Other", "Other (Other)"),
];

fn other_of(category: &str) -> &'static str {
    OTHER_SUBCATEGORIES
        .iter()
        .find(|(c, _)| *c == category)
        .map_or("Other (Other)", |(_, s)| *s)
}

/// The (ServiceCategory, ServiceSubcategory) of a Cost Explorer SERVICE value.
pub fn aws_service(name: &str) -> (&'static str, &'static str) {
    AWS_SERVICES
        .iter()
        .find(|(n, ..)| *n == name)
        .map_or(("Other", "Other (Other)"), |(_, c, s)| (*c, *s))
}

/// The (ServiceCategory, ServiceSubcategory) of an SCP usage's `service_category` and
/// `billing_item_id`.
pub fn scp_service(category: &str, billing_item: &str) -> (&'static str, &'static str) {
    let cat = SCP_CATEGORIES
        .iter()
        .find(|(n, _)| *n == category)
        .map_or("Other", |(_, c)| *c);
    let sub = SCP_BILLING_ITEMS
        .iter()
        .find(|(n, c, _)| *n == billing_item && *c == cat)
        .map_or_else(|| other_of(cat), |(.., s)| *s);
    (cat, sub)
}

/// ISO 4217 alphabetic codes (active, funds and precious metals; not XTS or XXX).
pub const ISO_4217: &[&str] = &[
    "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT",
    "BGN", "BHD", "BIF", "BMD", "BND", "BOB", "BOV", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD",
    "CAD", "CDF", "CHE", "CHF", "CHW", "CLF", "CLP", "CNY", "COP", "COU", "CRC", "CUC", "CUP",
    "CVE", "CZK", "DJF", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP",
    "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ", "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS",
    "INR", "IQD", "IRR", "ISK", "JMD", "JOD", "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW",
    "KWD", "KYD", "KZT", "LAK", "LBP", "LKR", "LRD", "LSL", "LYD", "MAD", "MDL", "MGA", "MKD",
    "MMK", "MNT", "MOP", "MRU", "MUR", "MVR", "MWK", "MXN", "MXV", "MYR", "MZN", "NAD", "NGN",
    "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "PYG", "QAR",
    "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE", "SLL",
    "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB", "TJS", "TMT", "TND", "TOP", "TRY",
    "TTD", "TWD", "TZS", "UAH", "UGX", "USD", "USN", "UYI", "UYU", "UYW", "UZS", "VED", "VES",
    "VND", "VUV", "WST", "XAF", "XAG", "XAU", "XBA", "XBB", "XBC", "XBD", "XCD", "XDR", "XOF",
    "XPD", "XPF", "XPT", "XSU", "XUA", "YER", "ZAR", "ZMW", "ZWL",
];

/// Whether `code` is an ISO 4217 currency code.
pub fn is_currency(code: &str) -> bool {
    ISO_4217.binary_search(&code).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_use_focus_values_only() {
        assert_eq!(SERVICE_CATEGORIES.len(), 19);
        let all = AWS_SERVICES.iter().chain(SCP_BILLING_ITEMS);
        for (_, c, s) in all {
            assert!(SERVICE_CATEGORIES.contains(c), "{c}");
            assert!(s.starts_with("Other (") || !s.starts_with("Other"), "{s}");
        }
        for (_, c) in SCP_CATEGORIES {
            assert!(SERVICE_CATEGORIES.contains(c), "{c}");
        }
        for c in SERVICE_CATEGORIES {
            assert_eq!(other_of(c), format!("Other ({c})"));
        }
        assert_eq!(
            scp_service("COMPUTE", "VIRTUAL_SERVER"),
            ("Compute", "Virtual Machines")
        );
        assert_eq!(
            scp_service("COMPUTE", "BLOCK_STORAGE"),
            ("Compute", "Other (Compute)")
        );
        assert_eq!(aws_service("Amazon Nowhere"), ("Other", "Other (Other)"));
        let categories = ["Usage", "Purchase", "Tax", "Credit", "Adjustment"];
        for (_, c, f, _) in RECORD_TYPES {
            assert!(categories.contains(c), "{c}");
            assert!(["One-Time", "Recurring", "Usage-Based"].contains(f), "{f}");
        }
        assert!(ISO_4217.windows(2).all(|w| w[0] < w[1]));
        assert!(is_currency("KRW") && is_currency("USD") && !is_currency("usd"));
        assert!(!is_currency("N/A"));
    }
}
