//! The model crate's types: the IR becomes a JSON Schema for typify, typify writes the
//! structures, and a syn pass applies the rules typify has no settings for (wire adapters
//! for decimals and times, header-bound members, redacted `Debug`, field docs).

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::{json, Map, Value};
use syn::parse_quote;

use super::common::{codec_type, doc_lines, is_option, is_optional, FieldNames};
use crate::error::{Error, Result};
use crate::ir::*;

/// Runs typify over every structure of `service` and post-processes its output.
pub fn structures(service: &Service) -> Result<(TokenStream, FieldNames)> {
    let root = typify_input(service);
    let root: schemars::schema::RootSchema =
        serde_json::from_value(root).map_err(|e| emit_err(service, e))?;
    let mut settings = typify::TypeSpaceSettings::default();
    settings
        .with_map_type("::cloudcost_types::SortedMap")
        .with_derive("PartialEq".to_string())
        .with_struct_builder(false);
    for (name, shape) in &service.shapes {
        if let ShapeKind::Enum(_) = shape.kind {
            // Written by `emit::enums`; typify only refers to it.
            settings.with_replacement(name, name, std::iter::empty());
        }
    }
    // A plain type with its own serde impls: no adapter needed.
    settings.with_replacement(
        "CloudcostYearMonthDay",
        "::cloudcost_types::YearMonthDay",
        std::iter::empty(),
    );
    for (marker, _) in ADAPTER_MARKERS {
        // Placeholder field types, replaced below from the IR with the real type and codec.
        settings.with_replacement(*marker, "::std::string::String", std::iter::empty());
    }
    let mut space = typify::TypeSpace::new(&settings);
    space
        .add_root_schema(root)
        .map_err(|e| emit_err(service, e))?;
    let mut file: syn::File = syn::parse2(space.to_stream()).map_err(|e| emit_err(service, e))?;

    // typify's ConversionError serves constrained newtypes, which we never let it make.
    file.items
        .retain(|item| !matches!(item, syn::Item::Mod(m) if m.ident == "error"));

    let mut names = FieldNames::new();
    for item in &mut file.items {
        if let syn::Item::Struct(s) = item {
            let shape_name = s.ident.to_string();
            let structure = service.structure(&shape_name).ok_or_else(|| Error::Emit {
                context: service.spec_path.clone(),
                message: format!(
                    "typify produced `{shape_name}`, which is not a structure of the spec"
                ),
            })?;
            let docs = service.shapes[&shape_name].docs.clone();
            names.insert(shape_name, rewrite_struct(s, structure, docs.as_deref())?);
            // A member a later spec adds must not break users: outside this crate a struct
            // is built with its builder (or `Default` and assignment), never a literal that
            // names every field.
            s.attrs.push(syn::parse_quote!(#[non_exhaustive]));
        }
    }
    for name in service
        .shapes
        .keys()
        .filter(|n| service.structure(n).is_some())
    {
        if !names.contains_key(name) {
            return Err(Error::Emit {
                context: service.spec_path.clone(),
                message: format!("typify produced no struct for `{name}`"),
            });
        }
    }
    let mut debug_impls = TokenStream::new();
    for item in &mut file.items {
        if let syn::Item::Struct(s) = item {
            let structure = service
                .structure(&s.ident.to_string())
                // invariant: the loop above returned an error for any struct that is not a spec structure.
                .expect("checked above");
            if structure.members.iter().any(|m| m.sensitive) {
                debug_impls.extend(redacted_debug(s, structure, &names[&s.ident.to_string()]));
            }
        }
    }
    let mut tokens = quote!(#file);
    tokens.extend(debug_impls);
    Ok((tokens, names))
}

const ADAPTER_MARKERS: &[(&str, &str)] = &[
    ("CloudcostWireDecimalString", "decimal_string"),
    ("CloudcostWireDecimalNumber", "decimal_number"),
    ("CloudcostWireDate", "date"),
    ("CloudcostWireEpochSeconds", "epoch_seconds"),
    ("CloudcostWireLocalDateTime", "local_date_time"),
];

/// The schema typify reads. It differs from the exported schemas on purpose: constraints
/// are left out (typify would turn a constrained string into a newtype with a fallible
/// constructor; we keep `String` and generate `validate()` instead), and optional lists and
/// maps are nullable so typify makes them `Option` (it would otherwise drop an empty `{}`
/// on encode and lose the difference between absent and empty).
fn typify_input(service: &Service) -> Value {
    let mut defs = Map::new();
    for (name, shape) in &service.shapes {
        if let ShapeKind::Structure(s) = &shape.kind {
            let mut props = Map::new();
            let mut required = Vec::new();
            for m in &s.members {
                let optional = is_optional(m);
                let mut schema = typify_ty(&m.ty);
                if optional && matches!(m.ty.kind, TyKind::List(_) | TyKind::Map { .. }) {
                    let t = schema["type"].as_str().unwrap_or_default().to_string();
                    schema["type"] = json!([t, "null"]);
                }
                if !optional {
                    required.push(json!(m.name));
                }
                props.insert(m.name.clone(), schema);
            }
            defs.insert(
                name.clone(),
                json!({"type": "object", "properties": props, "required": required}),
            );
        } else if let ShapeKind::Enum(_) = shape.kind {
            // Replaced (see `structures`), but typify still wants the definition to exist.
            defs.insert(name.clone(), json!({"type": "string"}));
        }
    }
    defs.insert(
        "CloudcostYearMonthDay".to_string(),
        json!({"type": "string"}),
    );
    for (marker, _) in ADAPTER_MARKERS {
        defs.insert(marker.to_string(), json!({"type": "string"}));
    }
    json!({ "definitions": defs })
}

fn typify_ty(ty: &Ty) -> Value {
    let r = |n: &str| json!({"$ref": format!("#/definitions/{n}")});
    let base = match &ty.kind {
        TyKind::String => json!({"type": "string"}),
        TyKind::Integer { bits } => json!({"type": "integer", "format": format!("int{bits}")}),
        TyKind::Boolean => json!({"type": "boolean"}),
        TyKind::Decimal {
            wire: DecimalWire::String,
        } => r("CloudcostWireDecimalString"),
        TyKind::Decimal {
            wire: DecimalWire::Number,
        } => r("CloudcostWireDecimalNumber"),
        TyKind::Date => r("CloudcostWireDate"),
        TyKind::EpochSeconds => r("CloudcostWireEpochSeconds"),
        TyKind::LocalDateTime => r("CloudcostWireLocalDateTime"),
        // A plain type with its own serde impls: no adapter needed.
        TyKind::YearMonthDay => r("CloudcostYearMonthDay"),
        TyKind::Enum(n) | TyKind::Struct(n) => r(n),
        TyKind::List(item) => json!({"type": "array", "items": typify_ty(item)}),
        TyKind::Map { value, .. } => {
            json!({"type": "object", "additionalProperties": typify_ty(value)})
        }
    };
    if ty.nullable && !matches!(ty.kind, TyKind::List(_) | TyKind::Map { .. }) {
        json!({"anyOf": [base, {"type": "null"}]})
    } else {
        base
    }
}

fn rewrite_struct(
    s: &mut syn::ItemStruct,
    structure: &Structure,
    docs: Option<&str>,
) -> Result<BTreeMap<String, syn::Ident>> {
    let struct_name = s.ident.to_string();
    replace_docs(&mut s.attrs, docs.unwrap_or(&format!("`{struct_name}`")));
    let mut names = BTreeMap::new();
    let syn::Fields::Named(fields) = &mut s.fields else {
        return Ok(names);
    };
    for field in fields.named.iter_mut() {
        // invariant: the fields are `Fields::Named` (matched just above), and named fields have idents.
        let ident = field.ident.clone().expect("named field");
        let wire = serde_rename(&field.attrs)
            .unwrap_or_else(|| ident.to_string().trim_start_matches("r#").to_string());
        let member = structure
            .members
            .iter()
            .find(|m| m.name == wire)
            .ok_or_else(|| Error::Emit {
                context: struct_name.clone(),
                message: format!(
                    "typify produced a field for `{wire}`, which the spec does not have"
                ),
            })?;
        let optional = is_optional(member);
        if let TyKind::Struct(target) = &member.ty.kind {
            // The IR says where a recursive type is boxed (`Member::boxed`); typify's own
            // choice depends on the order it meets the types in, so it is replaced.
            let target = quote::format_ident!("{target}");
            let inner: syn::Type = if member.boxed {
                parse_quote!(::std::boxed::Box<#target>)
            } else {
                parse_quote!(#target)
            };
            field.ty = if optional {
                parse_quote!(::std::option::Option<#inner>)
            } else {
                inner
            };
        } else if optional != is_option(&field.ty) {
            return Err(Error::Emit {
                context: struct_name.clone(),
                message: format!(
                    "typify made `{wire}` {}optional, the spec does not",
                    if optional { "not " } else { "" }
                ),
            });
        }
        let mut member_docs = member.docs.clone().unwrap_or_default();
        if let Location::Header(header) = &member.location {
            if !member_docs.is_empty() {
                member_docs.push_str("\n\n");
            }
            member_docs.push_str(&format!(
                "Bound to the `{header}` response header, not the body."
            ));
        }
        replace_docs(&mut field.attrs, &member_docs);
        if let Location::Header(_) = &member.location {
            field.attrs.retain(|a| !a.path().is_ident("serde"));
            field.attrs.push(parse_quote!(#[serde(skip)]));
        } else if let Some(codec) = member.ty.codec {
            let real = codec_type(codec);
            let codec = codec.module();
            field.attrs.retain(|a| !a.path().is_ident("serde"));
            let module = if optional {
                format!("::cloudcost_types::wire::{codec}::option")
            } else {
                format!("::cloudcost_types::wire::{codec}")
            };
            if optional {
                field.ty = parse_quote!(::std::option::Option<#real>);
                field.attrs.push(parse_quote!(#[serde(rename = #wire, with = #module, default, skip_serializing_if = "::std::option::Option::is_none")]));
            } else {
                field.ty = real;
                field
                    .attrs
                    .push(parse_quote!(#[serde(rename = #wire, with = #module)]));
            }
        } else if optional {
            // Absent and `null` both decode to `None`; `None` is never sent.
            field.attrs.retain(|a| !a.path().is_ident("serde"));
            field.attrs.push(parse_quote!(#[serde(rename = #wire, default, skip_serializing_if = "::std::option::Option::is_none")]));
        }
        syn::visit_mut::VisitMut::visit_type_mut(&mut InlineStrings, &mut field.ty);
        names.insert(wire, ident);
    }
    Ok(names)
}

/// Turns every `String` of a member's type (a string member, a list's items, a map's keys
/// and values) into `CompactString`, which keeps up to 24 bytes inline. A cost page is
/// mostly short strings repeated (units, metric names, dimension keys); as `String`s each
/// was an allocation, and allocating and freeing them was over half of decoding
/// (BENCHMARKS.md). `CompactString` derefs to `&str` and converts from `&str` and
/// `String`, so user code reads as it did.
struct InlineStrings;

impl syn::visit_mut::VisitMut for InlineStrings {
    fn visit_type_path_mut(&mut self, path: &mut syn::TypePath) {
        let is_string = path.qself.is_none()
            && path.path.leading_colon.is_some()
            && path
                .path
                .segments
                .iter()
                .map(|s| s.ident.to_string())
                .eq(["std", "string", "String"]);
        if is_string {
            *path = parse_quote!(::cloudcost_types::CompactString);
        } else {
            syn::visit_mut::visit_type_path_mut(self, path);
        }
    }
}

fn redacted_debug(
    s: &mut syn::ItemStruct,
    structure: &Structure,
    names: &BTreeMap<String, syn::Ident>,
) -> TokenStream {
    // Drop the derived Debug; print sensitive members as a fixed placeholder.
    for attr in &mut s.attrs {
        if attr.path().is_ident("derive") {
            if let Ok(list) = attr.parse_args_with(
                syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
            ) {
                let kept: Vec<_> = list.into_iter().filter(|p| !p.is_ident("Debug")).collect();
                *attr = parse_quote!(#[derive(#(#kept),*)]);
            }
        }
    }
    let ident = &s.ident;
    let name = ident.to_string();
    let fields = structure.members.iter().map(|m| {
        let f = &names[&m.name];
        let label = f.to_string();
        if m.sensitive {
            quote!(.field(#label, &"** redacted **"))
        } else {
            quote!(.field(#label, &self.#f))
        }
    });
    quote! {
        impl ::std::fmt::Debug for #ident {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(#name) #(#fields)* .finish()
            }
        }
    }
}

fn serde_rename(attrs: &[syn::Attribute]) -> Option<String> {
    let mut found = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                let lit: syn::LitStr = meta.value()?.parse()?;
                found = Some(lit.value());
            } else if meta.input.peek(syn::Token![=]) {
                let _: syn::Expr = meta.value()?.parse()?;
            }
            Ok(())
        });
    }
    found
}

fn replace_docs(attrs: &mut Vec<syn::Attribute>, docs: &str) {
    attrs.retain(|a| !a.path().is_ident("doc"));
    let mut out: Vec<syn::Attribute> = doc_lines(docs)
        .into_iter()
        .map(|l| parse_quote!(#[doc = #l]))
        .collect();
    out.append(attrs);
    *attrs = out;
}

fn emit_err(service: &Service, e: impl std::fmt::Display) -> Error {
    Error::Emit {
        context: format!("{} (typify)", service.spec_path),
        message: e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use crate::emit::testing::items;
    use crate::loader::testing::load;

    #[test]
    fn every_string_of_a_member_is_a_compact_string_but_free_form_objects_keep_string_keys() {
        let s = load(
            r#"
components:
  schemas:
    Group:
      type: object
      required: [name]
      properties:
        name: {type: string}
        keys: {type: array, items: {type: string}}
        metrics: {type: object, additionalProperties: {type: string}}
"#,
        );
        let (tokens, _) = super::structures(&s).unwrap();
        let group = items(tokens.clone(), |t| t.contains("pub struct Group"));
        assert!(
            group.contains("pub name: ::cloudcost_types::CompactString,"),
            "{group}"
        );
        assert!(
            group.contains(
                "::std::option::Option<::std::vec::Vec<::cloudcost_types::CompactString>>"
            ),
            "{group}"
        );
        // The map's line breaks are the formatter's; compare without whitespace.
        let flat: String = group.split_whitespace().collect();
        assert!(
            flat.contains(
                "::cloudcost_types::SortedMap<::cloudcost_types::CompactString,::cloudcost_types::CompactString,>"
            ),
            "{group}"
        );
        assert!(!group.contains("::std::string::String"), "{group}");
        // `Empty` (an object without properties) is a free-form JSON map, as serde_json has it.
        let empty = items(tokens, |t| t.contains("pub struct Empty"));
        assert!(
            empty.contains("::serde_json::Map<::std::string::String, ::serde_json::Value>"),
            "{empty}"
        );
    }

    #[test]
    fn decimal_gets_its_wire_adapter_and_sensitive_members_are_redacted() {
        let s = load(
            r#"
components:
  schemas:
    Money:
      type: object
      description: An amount.
      required: [amount]
      properties:
        amount: {type: string, format: decimal, description: The amount.}
        key: {type: string, x-cloudcost-sensitive: true}
"#,
        );
        let (tokens, names) = super::structures(&s).unwrap();
        assert_eq!(
            items(tokens, |t| t.contains("Money")),
            r#"/// An amount.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, PartialEq)]
#[non_exhaustive]
pub struct Money {
    /// The amount.
    #[serde(rename = "amount", with = "::cloudcost_types::wire::decimal_string")]
    pub amount: ::cloudcost_types::rust_decimal::Decimal,
    #[serde(
        rename = "key",
        default,
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub key: ::std::option::Option<::cloudcost_types::CompactString>,
}
impl ::std::fmt::Debug for Money {
    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        f.debug_struct("Money")
            .field("amount", &self.amount)
            .field("key", &"** redacted **")
            .finish()
    }
}
"#
        );
        assert_eq!(names["Money"]["amount"].to_string(), "amount");
    }

    #[test]
    fn recursive_members_are_boxed_as_the_ir_says_whatever_the_shapes_are_called() {
        // typify meets `Aardvark` first and, left alone, made its member
        // `Box<Option<Node>>`: required to the builder, `null` on the wire.
        let s = load(
            r#"
components:
  schemas:
    Aardvark:
      type: object
      properties:
        node: {$ref: '#/components/schemas/Node'}
    Node:
      type: object
      properties:
        not: {$ref: '#/components/schemas/Node'}
        all: {type: array, items: {$ref: '#/components/schemas/Node'}}
    Zebra:
      type: object
      required: [node]
      properties:
        node: {$ref: '#/components/schemas/Node'}
"#,
        );
        let (tokens, _) = super::structures(&s).unwrap();
        let flat = |name: &str| -> String {
            items(tokens.clone(), |t| {
                t.contains(&format!("pub struct {name} "))
            })
            .split_whitespace()
            .collect()
        };
        assert!(
            flat("Aardvark").contains("pubnode:::std::option::Option<::std::boxed::Box<Node>>,"),
            "{}",
            flat("Aardvark")
        );
        assert!(
            flat("Aardvark").contains("skip_serializing_if=\"::std::option::Option::is_none\""),
            "{}",
            flat("Aardvark")
        );
        assert!(
            flat("Node").contains("pubnot:::std::option::Option<::std::boxed::Box<Node>>,"),
            "{}",
            flat("Node")
        );
        assert!(
            flat("Node").contains("::std::vec::Vec<Node>"),
            "{}",
            flat("Node")
        );
        assert!(
            flat("Zebra").contains("pubnode:::std::boxed::Box<Node>,"),
            "{}",
            flat("Zebra")
        );
    }

    #[test]
    fn header_member_is_skipped_by_serde() {
        let s = load(
            r#"
components:
  schemas:
    Slow:
      type: object
      x-cloudcost-error: {code: Slow, httpStatus: 429, fault: client}
      properties:
        retryAfterSeconds: {type: integer, x-cloudcost-location: header, x-cloudcost-location-name: Retry-After}
"#,
        );
        let (tokens, names) = super::structures(&s).unwrap();
        assert_eq!(
            items(tokens, |t| t.contains("pub struct Slow")),
            r#"/// `Slow`
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct Slow {
    /// Bound to the `Retry-After` response header, not the body.
    #[serde(skip)]
    pub retry_after_seconds: ::std::option::Option<i32>,
}
"#
        );
        assert_eq!(
            names["Slow"]["retryAfterSeconds"].to_string(),
            "retry_after_seconds"
        );
    }
}
