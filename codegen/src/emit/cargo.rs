//! The model crate's manifest and crate root.

use crate::ir::{Direction, Location, Service, TyKind};
use crate::naming::model_crate;

/// The `[package]` table every generated crate shares, after the `@generated` header.
pub fn package(header: &str, name: &str, description: &str) -> String {
    format!(
        r#"# {header}
[package]
name = "{name}"
description = "{description}"
version.workspace = true
edition.workspace = true
rust-version.workspace = true
license.workspace = true
repository.workspace = true
"#
    )
}

pub fn manifest(service: &Service, header: &str) -> String {
    let description = format!(
        "Typed models of {} ({}), generated from {}.",
        service.title, service.version, service.spec_path
    );
    format!(
        "{}\n[dependencies]\ncloudcost-types.workspace = true\nserde.workspace = true\n",
        package(header, &model_crate(&service.family), &description)
    )
}

/// Whether the family has enums (and so an `enums.rs`).
pub fn has_enums(service: &Service) -> bool {
    service
        .shapes
        .values()
        .any(|s| matches!(s.kind, crate::ir::ShapeKind::Enum(_)))
}

/// The request type and member the crate root's doctest decodes wrongly on purpose: the
/// first operation's input and its first member that is not a boolean (`true` is then of
/// the wrong type whatever the member is).
fn doc_example_input(service: &Service) -> (String, String) {
    service
        .operations
        .iter()
        .find_map(|op| {
            let member = service.structure(&op.input)?.members.iter().find(|m| {
                m.ty.kind != TyKind::Boolean && !matches!(m.location, Location::Header(_))
            })?;
            Some((op.input.clone(), member.name.clone()))
        })
        .unwrap_or_default()
}

/// The crate root: docs, module declarations, re-exports.
pub fn lib_rs(service: &Service) -> String {
    let mut ops = String::new();
    for op in &service.operations {
        let examples = op
            .examples
            .iter()
            .filter(|e| e.direction == Direction::Response)
            .count();
        ops.push_str(&format!(
            "//! | {} | `{} {}`{} | [`{}`] | [`{}`] | {} |\n",
            op.name,
            op.method,
            op.path,
            op.target
                .as_deref()
                .map(|t| format!(" `X-Amz-Target: {t}`"))
                .unwrap_or_default(),
            op.input,
            op.output,
            if op.errors.is_empty() {
                "-".to_string()
            } else {
                op.errors
                    .iter()
                    .map(|e| format!("[`{e}`]"))
                    .collect::<Vec<_>>()
                    .join(", ")
            },
        ));
        let _ = examples;
    }
    let example_input = doc_example_input(service);
    format!(
        r#"//! Typed models of **{title}** (API version {version}, protocol {protocol}).
//!
//! Generated from `{spec}`. Every structure has a builder (`Type::builder()...build()?`);
//! every request type has a `validate()` that reports every violated constraint with its
//! path; money and quantities are [`Decimal`]; text is [`CompactString`] (a `String` that
//! keeps up to 24 bytes inline, derefs to `&str` and converts from `&str` and `String`);
//! enums are open to values newer than this crate; [`from_slice`] decodes with the JSON
//! path and byte offset of any failure. Outputs and error shapes also implement
//! [`FromJson`], the decoder the clients call: generated per type (`decode.rs`) and
//! faster on large pages, with the same values and the same errors.
//!
//! | operation | HTTP | request | response | errors |
//! |---|---|---|---|---|
{ops}//!
//! ```
//! use {krate}::{{from_str, {input}}};
//!
//! // A decoding error names the member (its JSON path) and the byte offset.
//! let err = from_str::<{input}>("{{\"{member}\": true}}").unwrap_err();
//! assert_eq!(err.path, "{member}");
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![allow(clippy::all)]

{enums_mod}#[rustfmt::skip]
mod builder;
#[rustfmt::skip]
mod decode;
#[rustfmt::skip]
mod errors;
#[rustfmt::skip]
mod types;
#[rustfmt::skip]
mod validate;

pub use builder::*;
{enums_use}pub use types::*;

/// The date and time types of the models (`NaiveDate`, `NaiveDateTime`, `DateTime<Utc>`).
pub use cloudcost_types::chrono;
pub use cloudcost_types::rust_decimal::Decimal;
pub use cloudcost_types::{{
    from_slice, from_str, CompactString, DecodeError, FromJson, MissingMember, Validate,
    ValidationError, ValidationErrors, YearMonthDay,
}};
"#,
        title = service.title,
        version = service.version,
        protocol = service.protocol.name(),
        spec = service.spec_path,
        krate = model_crate(&service.family).replace('-', "_"),
        input = example_input.0,
        member = example_input.1,
        enums_mod = if has_enums(service) {
            "#[rustfmt::skip]\nmod enums;\n"
        } else {
            ""
        },
        enums_use = if has_enums(service) {
            "pub use enums::*;\n"
        } else {
            ""
        },
    )
}

#[cfg(test)]
mod tests {
    use crate::loader::testing::load;

    #[test]
    fn crate_root_lists_each_operation() {
        let s = load(
            r#"
x-cloudcost-service: {protocol: awsJson1_1, targetPrefix: Svc}
components:
  schemas:
    Slow:
      type: object
      x-cloudcost-error: {code: Slow, httpStatus: 429, fault: client}
paths:
  /ping: null
  '/#X-Amz-Target=Svc.Ping':
    post:
      operationId: Ping
      x-amz-target: Svc.Ping
      requestBody: {content: {application/x-amz-json-1.1: {schema: {$ref: '#/components/schemas/Empty'}}}}
      responses:
        '200': {content: {application/x-amz-json-1.1: {schema: {$ref: '#/components/schemas/Empty'}}}}
        '429': {content: {application/x-amz-json-1.1: {schema: {oneOf: [{$ref: '#/components/schemas/Slow'}]}}}}
"#,
        );
        let lib = super::lib_rs(&s);
        let row = lib.lines().find(|l| l.starts_with("//! | Ping")).unwrap();
        assert_eq!(
            row,
            "//! | Ping | `POST /` `X-Amz-Target: Svc.Ping` | [`Empty`] | [`Empty`] | [`Slow`] |"
        );
        // No enums: no `enums` module.
        assert!(!super::has_enums(&s));
        assert!(!lib.contains("mod enums"));
    }

    #[test]
    fn model_manifest() {
        let s = load("{}");
        assert_eq!(
            super::manifest(&s, "H"),
            r#"# H
[package]
name = "cloudcost-test-model"
description = "Typed models of Test (1), generated from specs/test.yaml."
version.workspace = true
edition.workspace = true
rust-version.workspace = true
license.workspace = true
repository.workspace = true

[dependencies]
cloudcost-types.workspace = true
serde.workspace = true
"#
        );
    }
}
