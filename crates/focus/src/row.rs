//! The typed FOCUS 1.2 row, the table of its columns (name, kind, nullability) that every
//! writer and the JSON Schema read, and the row's cells in that order.

use cloudcost_types::chrono::{DateTime, Utc};
use cloudcost_types::rust_decimal::Decimal;
use cloudcost_types::CompactString;

/// What a column holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Text (UTF-8).
    Text,
    /// An exact decimal: Parquet `DECIMAL(38, 10)`, CSV its decimal text.
    Decimal,
    /// A UTC instant: Parquet `TIMESTAMP(MICROS, UTC)`, CSV `YYYY-MM-DDTHH:mm:ssZ`.
    DateTime,
}

/// One column of the export.
#[derive(Clone, Copy, Debug)]
pub struct Column {
    /// The FOCUS column id (or an `x_` custom column).
    pub name: &'static str,
    /// What it holds.
    pub kind: Kind,
    /// Whether the export may leave it null (FOCUS's rule, or a gap FOCUS.md lists).
    pub nullable: bool,
}

const fn col(name: &'static str, kind: Kind, nullable: bool) -> Column {
    Column {
        name,
        kind,
        nullable,
    }
}

/// Every column the export writes, in file order: FOCUS 1.2's Mandatory columns, the
/// Recommended and Conditional ones we fill or list as gaps, then our `x_` columns.
/// FOCUS.md gives each one's source, rule and gaps.
pub const COLUMNS: &[Column] = &[
    col("BilledCost", Kind::Decimal, false),
    col("BillingAccountId", Kind::Text, true),
    col("BillingAccountName", Kind::Text, true),
    col("BillingCurrency", Kind::Text, true),
    col("BillingPeriodEnd", Kind::DateTime, true),
    col("BillingPeriodStart", Kind::DateTime, true),
    col("ChargeCategory", Kind::Text, true),
    col("ChargeClass", Kind::Text, true),
    col("ChargeDescription", Kind::Text, true),
    col("ChargeFrequency", Kind::Text, true),
    col("ChargePeriodEnd", Kind::DateTime, true),
    col("ChargePeriodStart", Kind::DateTime, true),
    col("ContractedCost", Kind::Decimal, false),
    col("EffectiveCost", Kind::Decimal, false),
    col("InvoiceId", Kind::Text, true),
    col("InvoiceIssuerName", Kind::Text, false),
    col("ListCost", Kind::Decimal, false),
    col("PricingQuantity", Kind::Decimal, true),
    col("PricingUnit", Kind::Text, true),
    col("ProviderName", Kind::Text, false),
    col("PublisherName", Kind::Text, false),
    col("ResourceId", Kind::Text, true),
    col("ServiceCategory", Kind::Text, false),
    col("ServiceName", Kind::Text, true),
    col("ServiceSubcategory", Kind::Text, true),
    col("SubAccountId", Kind::Text, true),
    col("SubAccountName", Kind::Text, true),
    col("x_RecordType", Kind::Text, true),
    col("x_CostRule", Kind::Text, false),
    col("x_Gap", Kind::Text, true),
];

/// One FOCUS 1.2 row. Amounts are exact [`Decimal`]s, instants UTC; `None` is null.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FocusRow {
    /// BilledCost: AWS UnblendedCost; SCP the amount in the billing currency.
    pub billed_cost: Decimal,
    /// BillingAccountId.
    pub billing_account_id: Option<CompactString>,
    /// BillingAccountName.
    pub billing_account_name: Option<CompactString>,
    /// BillingCurrency (ISO 4217).
    pub billing_currency: Option<CompactString>,
    /// BillingPeriodStart (the charge's month, start inclusive).
    pub billing_period_start: Option<DateTime<Utc>>,
    /// BillingPeriodEnd (exclusive).
    pub billing_period_end: Option<DateTime<Utc>>,
    /// ChargeCategory (Usage, Purchase, Tax, Credit, Adjustment).
    pub charge_category: Option<&'static str>,
    /// ChargeClass (`Correction` or null).
    pub charge_class: Option<&'static str>,
    /// ChargeDescription.
    pub charge_description: Option<CompactString>,
    /// ChargeFrequency (One-Time, Recurring, Usage-Based).
    pub charge_frequency: Option<&'static str>,
    /// ChargePeriodStart (inclusive).
    pub charge_period_start: Option<DateTime<Utc>>,
    /// ChargePeriodEnd (exclusive).
    pub charge_period_end: Option<DateTime<Utc>>,
    /// ContractedCost (by the rule in `x_CostRule`).
    pub contracted_cost: Decimal,
    /// EffectiveCost: AWS AmortizedCost; SCP the billed amount.
    pub effective_cost: Decimal,
    /// InvoiceId (no source: null).
    pub invoice_id: Option<CompactString>,
    /// InvoiceIssuerName.
    pub invoice_issuer_name: &'static str,
    /// ListCost (by the rule in `x_CostRule`).
    pub list_cost: Decimal,
    /// PricingQuantity (no source: null).
    pub pricing_quantity: Option<Decimal>,
    /// PricingUnit (no source: null).
    pub pricing_unit: Option<CompactString>,
    /// ProviderName.
    pub provider_name: &'static str,
    /// PublisherName.
    pub publisher_name: &'static str,
    /// ResourceId (SCP `resource_id`; AWS: not queried).
    pub resource_id: Option<CompactString>,
    /// ServiceCategory, one of FOCUS's 19 values.
    pub service_category: &'static str,
    /// ServiceName.
    pub service_name: Option<CompactString>,
    /// ServiceSubcategory, one of FOCUS's values for the ServiceCategory.
    pub service_subcategory: Option<&'static str>,
    /// SubAccountId (AWS LINKED_ACCOUNT, SCP `account_id`).
    pub sub_account_id: Option<CompactString>,
    /// SubAccountName (AWS the linked account's `description` attribute).
    pub sub_account_name: Option<CompactString>,
    /// x_RecordType: the source's record type (AWS RECORD_TYPE).
    pub x_record_type: Option<CompactString>,
    /// x_CostRule: how ListCost and ContractedCost were filled.
    pub x_cost_rule: &'static str,
    /// x_Gap: in the opt-in mode, why a column of this row is null against FOCUS's rules.
    pub x_gap: Option<String>,
    /// The billing period's label for partitioning (`2024-08`): the month in the source's
    /// own time (UTC for AWS, the response's zone for SCP). Not a column.
    pub billing_period: CompactString,
}

/// One cell, as the writers see it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Cell<'a> {
    /// Text or null.
    Text(Option<&'a str>),
    /// A decimal or null.
    Decimal(Option<Decimal>),
    /// An instant or null.
    DateTime(Option<DateTime<Utc>>),
}

impl FocusRow {
    /// The row's cells, in [`COLUMNS`] order.
    pub fn cells(&self) -> [Cell<'_>; 30] {
        use Cell::{DateTime as T, Decimal as D, Text as S};
        fn s(v: &Option<CompactString>) -> Option<&str> {
            v.as_deref()
        }
        [
            D(Some(self.billed_cost)),
            S(s(&self.billing_account_id)),
            S(s(&self.billing_account_name)),
            S(s(&self.billing_currency)),
            T(self.billing_period_end),
            T(self.billing_period_start),
            S(self.charge_category),
            S(self.charge_class),
            S(s(&self.charge_description)),
            S(self.charge_frequency),
            T(self.charge_period_end),
            T(self.charge_period_start),
            D(Some(self.contracted_cost)),
            D(Some(self.effective_cost)),
            S(s(&self.invoice_id)),
            S(Some(self.invoice_issuer_name)),
            D(Some(self.list_cost)),
            D(self.pricing_quantity),
            S(s(&self.pricing_unit)),
            S(Some(self.provider_name)),
            S(Some(self.publisher_name)),
            S(s(&self.resource_id)),
            S(Some(self.service_category)),
            S(s(&self.service_name)),
            S(self.service_subcategory),
            S(s(&self.sub_account_id)),
            S(s(&self.sub_account_name)),
            S(s(&self.x_record_type)),
            S(Some(self.x_cost_rule)),
            S(self.x_gap.as_deref()),
        ]
    }
}

/// The JSON Schema (draft 7, as the other exports) of one row as the CSV writer writes it (every value a
/// string: decimals as their text, instants as `YYYY-MM-DDTHH:mm:ssZ`), made from
/// [`COLUMNS`], so the schema and the writers cannot differ. `crates/focus/FocusRow.schema.json`
/// is this text; a test keeps it fresh.
pub fn json_schema() -> String {
    let mut props = String::new();
    for (i, c) in COLUMNS.iter().enumerate() {
        let ty = if c.nullable {
            r#"["string", "null"]"#
        } else {
            r#""string""#
        };
        let pattern = match c.kind {
            Kind::Text => String::new(),
            Kind::Decimal => r#", "pattern": "^-?[0-9]+(\\.[0-9]+)?$""#.to_string(),
            Kind::DateTime => {
                r#", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$""#
                    .to_string()
            }
        };
        let comma = if i + 1 < COLUMNS.len() { "," } else { "" };
        props.push_str(&format!(
            "    \"{}\": {{ \"type\": {ty}{pattern} }}{comma}\n",
            c.name
        ));
    }
    let required: Vec<String> = COLUMNS.iter().map(|c| format!("\"{}\"", c.name)).collect();
    format!(
        "{{\n  \"$schema\": \"http://json-schema.org/draft-07/schema#\",\n  \"$id\": \"cloudcost-focus/FocusRow\",\n  \"title\": \"FocusRow\",\n  \"description\": \"One FOCUS 1.2 row as cloudcost focus export writes it to CSV (FOCUS.md). Written by cloudcost_focus::json_schema, not by codegen.\",\n  \"type\": \"object\",\n  \"additionalProperties\": false,\n  \"required\": [{}],\n  \"properties\": {{\n{props}  }}\n}}\n",
        required.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_follow_the_column_table() {
        let row = FocusRow::default();
        let cells = row.cells();
        assert_eq!(cells.len(), COLUMNS.len());
        for (cell, column) in cells.iter().zip(COLUMNS) {
            let kind = match cell {
                Cell::Text(_) => Kind::Text,
                Cell::Decimal(_) => Kind::Decimal,
                Cell::DateTime(_) => Kind::DateTime,
            };
            assert_eq!(kind, column.kind, "{}", column.name);
        }
    }
}
