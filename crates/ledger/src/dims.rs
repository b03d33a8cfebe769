//! Dimensions: the value of each Cost Explorer dimension for a line item, one definition
//! that filters, groups and cost category rules all read.

use std::collections::HashMap;

use crate::items::LineItem;
use crate::org::{region_prefix, Organisation, UsageType};

/// The dimensions the ledger can filter and group by, as Cost Explorer spells them.
///
/// A dimension that does not apply to an item has Cost Explorer's placeholder value
/// (`NoInstanceType`, `NoOperation`, ...), which groups and filters like any other.
pub const DIMENSIONS: &[&str] = &[
    "BILLING_ENTITY",
    "DATABASE_ENGINE",
    "INSTANCE_TYPE",
    "INSTANCE_TYPE_FAMILY",
    "INVOICING_ENTITY",
    "LEGAL_ENTITY_NAME",
    "LINKED_ACCOUNT",
    "LINKED_ACCOUNT_NAME",
    "OPERATION",
    "PAYER_ACCOUNT",
    "PLATFORM",
    "PURCHASE_TYPE",
    "RECORD_TYPE",
    "REGION",
    "RESERVATION_ID",
    "SERVICE",
    "SERVICE_CODE",
    "TENANCY",
    "USAGE_TYPE",
    "USAGE_TYPE_GROUP",
];

/// The legal and invoicing entity of every item.
const ENTITY: &str = "Amazon Web Services, Inc.";

/// Look-ups from the names in a line item to the organisation's definitions.
#[derive(Debug, Clone, Default)]
pub(crate) struct Index {
    payer: String,
    account_names: HashMap<String, String>,
    service_codes: HashMap<String, String>,
    /// (service, usage type as in items, with or without region prefix) → definition.
    usage_types: HashMap<(String, String), UsageType>,
}

impl Index {
    pub(crate) fn new(org: &Organisation) -> Self {
        let mut regions: Vec<&str> = org.regions.iter().map(String::as_str).collect();
        regions.extend(org.reservations.iter().map(|r| r.region.as_str()));
        let mut usage_types = HashMap::new();
        for s in &org.services {
            for u in &s.usage_types {
                usage_types.insert((s.name.clone(), u.name.clone()), u.clone());
                if !s.global {
                    for r in &regions {
                        let full = format!("{}{}", region_prefix(r), u.name);
                        usage_types
                            .entry((s.name.clone(), full))
                            .or_insert_with(|| u.clone());
                    }
                }
            }
        }
        Self {
            payer: org.payer.id.clone(),
            account_names: org
                .all_accounts()
                .map(|a| (a.id.clone(), a.name.clone()))
                .collect(),
            service_codes: org
                .services
                .iter()
                .map(|s| (s.name.clone(), s.code.clone()))
                .collect(),
            usage_types,
        }
    }

    /// The definition of an item's usage type, if the organisation has it.
    pub(crate) fn usage_type(&self, service: &str, usage_type: &str) -> Option<&UsageType> {
        self.usage_types
            .get(&(service.to_string(), usage_type.to_string()))
    }

    /// The name of an account, if known.
    pub(crate) fn account_name(&self, id: &str) -> Option<&str> {
        self.account_names.get(id).map(String::as_str)
    }

    /// The value of `dimension` for `item`; `None` if the ledger does not know the
    /// dimension.
    pub(crate) fn dimension(&self, item: &LineItem, dimension: &str) -> Option<String> {
        let ut = || self.usage_type(&item.service, &item.usage_type);
        let or = |v: Option<&String>, none: &str| v.cloned().unwrap_or_else(|| none.into());
        Some(match dimension {
            "LINKED_ACCOUNT" => item.account.clone(),
            "LINKED_ACCOUNT_NAME" => self
                .account_name(&item.account)
                .unwrap_or("NoLinkedAccountName")
                .into(),
            "PAYER_ACCOUNT" => self.payer.clone(),
            "SERVICE" => item.service.clone(),
            "SERVICE_CODE" => or(self.service_codes.get(&item.service), "NoServiceCode"),
            "REGION" => item.region.clone(),
            "USAGE_TYPE" => item.usage_type.clone(),
            "RECORD_TYPE" => item.record_type.clone(),
            "USAGE_TYPE_GROUP" => or(ut().and_then(|u| u.group.as_ref()), "NoUsageTypeGroup"),
            "OPERATION" => or(ut().and_then(|u| u.operation.as_ref()), "NoOperation"),
            "INSTANCE_TYPE" => or(
                ut().and_then(|u| u.instance_type.as_ref()),
                "NoInstanceType",
            ),
            "INSTANCE_TYPE_FAMILY" => match ut().and_then(|u| u.instance_type.as_ref()) {
                Some(t) => t.rsplit_once('.').map_or(t.as_str(), |(f, _)| f).into(),
                None => "NoInstanceTypeFamily".into(),
            },
            "PLATFORM" => or(ut().and_then(|u| u.platform.as_ref()), "NoPlatform"),
            "TENANCY" => or(ut().and_then(|u| u.tenancy.as_ref()), "NoTenancy"),
            "DATABASE_ENGINE" => or(
                ut().and_then(|u| u.database_engine.as_ref()),
                "NoDatabaseEngine",
            ),
            "RESERVATION_ID" => or(item.reservation.as_ref(), "NoReservationId"),
            "PURCHASE_TYPE" => purchase_type(&item.record_type).into(),
            "LEGAL_ENTITY_NAME" | "INVOICING_ENTITY" => ENTITY.into(),
            "BILLING_ENTITY" => "AWS".into(),
            _ => return None,
        })
    }
}

/// PURCHASE_TYPE from the record type.
fn purchase_type(record_type: &str) -> &'static str {
    match record_type {
        "DiscountedUsage" | "RIFee" | "Recurring reservation fee" => "Standard Reserved Instances",
        r if r.starts_with("SavingsPlan") => "Savings Plans",
        _ => "On Demand Instances",
    }
}
