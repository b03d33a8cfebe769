//! Rust names for wire names, in one place so every emitter agrees.

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Enum variant for a wire value: `EC2_INSTANCE_HOURS` -> `Ec2InstanceHours`.
pub fn variant_ident(value: &str) -> String {
    let cleaned: String = value
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let ident = cleaned.to_upper_camel_case();
    if ident.starts_with(|c: char| c.is_ascii_digit()) {
        format!("V{ident}")
    } else {
        ident
    }
}

/// Module or file name for a type: `GetCostAndUsageRequest` -> `get_cost_and_usage_request`.
pub fn snake(name: &str) -> String {
    name.to_snake_case()
}

/// Crate name of a family's model crate.
pub fn model_crate(family: &str) -> String {
    format!("cloudcost-{family}-model")
}

/// Crate name of a family's client crate.
pub fn client_crate(family: &str) -> String {
    format!("cloudcost-{family}-client")
}

/// The crate that re-exports every family's crates (`emit::families`).
pub const FAMILIES_CRATE: &str = "cloudcost-families";

/// The name under which `cloudcost-families` re-exports a family's `kind` crate (`model` or
/// `client`): `aws-ce` → `aws_ce_model`.
pub fn family_module(family: &str, kind: &str) -> String {
    format!("{}_{kind}", snake(family))
}
