//! `validate()` for every structure, from the constraints in the IR. The checks themselves
//! live in `cloudcost_types::validate`; this file only decides which to call, with which
//! bounds, at which path.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::error::{Error, Result};
use crate::ir::*;

use super::model::FieldNames;

pub fn emit(service: &Service, names: &FieldNames) -> Result<TokenStream> {
    let mut cx = Cx {
        patterns: Vec::new(),
    };
    let mut impls = TokenStream::new();
    for (name, shape) in &service.shapes {
        let ShapeKind::Structure(s) = &shape.kind else {
            continue;
        };
        let ident = format_ident!("{name}");
        let fields = &names[name];
        let mut body = TokenStream::new();
        for m in &s.members {
            if let Location::Header(_) = m.location {
                continue; // set by the client from a response header; nothing to check
            }
            let f = &fields[&m.name];
            let wire = &m.name;
            let optional = !m.required || m.ty.nullable;
            let check = cx.check(&m.ty, &quote!(value))?;
            if check.is_empty() {
                continue;
            }
            body.extend(if optional {
                quote! { if let Some(value) = &self.#f { v.field(#wire, |v| { #check }); } }
            } else {
                quote! { { let value = &self.#f; v.field(#wire, |v| { #check }); } }
            });
        }
        let v = if body.is_empty() {
            quote!(_v)
        } else {
            quote!(v)
        };
        impls.extend(quote! {
            impl ::cloudcost_types::Validate for #ident {
                fn validate_into(&self, #v: &mut ::cloudcost_types::Validator) { #body }
            }
        });
    }
    for op in &service.operations {
        let ident = format_ident!("{}", op.input);
        let doc = format!(
            " Checks every constraint of the {} request in the spec and returns all violations, each with its path.",
            op.name
        );
        impls.extend(quote! {
            impl #ident {
                #[doc = #doc]
                ///
                /// Enum members accept values the spec does not list (they may be newer than this
                /// crate), as the AWS SDKs do.
                pub fn validate(&self) -> ::std::result::Result<(), ::cloudcost_types::ValidationErrors> {
                    ::cloudcost_types::Validate::validate(self)
                }
            }
        });
    }
    let statics = cx.patterns.iter().enumerate().map(|(i, p)| {
        let id = format_ident!("PATTERN_{i}");
        quote!(static #id: ::cloudcost_types::validate::Pattern = ::cloudcost_types::validate::Pattern::new(#p);)
    });
    Ok(quote! { #(#statics)* #impls })
}

struct Cx {
    patterns: Vec<String>,
}

impl Cx {
    fn pattern(&mut self, p: &str) -> syn::Ident {
        let i = match self.patterns.iter().position(|x| x == p) {
            Some(i) => i,
            None => {
                self.patterns.push(p.to_string());
                self.patterns.len() - 1
            }
        };
        format_ident!("PATTERN_{i}")
    }

    /// Statements checking `value` (a reference to a value of type `ty`), empty if none.
    fn check(&mut self, ty: &Ty, value: &TokenStream) -> Result<TokenStream> {
        let c = &ty.constraints;
        let mut out = TokenStream::new();
        let u = |n: Option<u64>| match n {
            Some(n) => quote!(Some(#n)),
            None => quote!(None),
        };
        match &ty.kind {
            TyKind::String => {
                if c.min_length.is_some() || c.max_length.is_some() {
                    let (min, max) = (u(c.min_length), u(c.max_length));
                    out.extend(quote!(v.length(#value, #min, #max);));
                }
                if let Some(p) = c.pattern.as_deref().filter(|p| !matches_everything(p)) {
                    let id = self.pattern(p);
                    out.extend(quote!(v.pattern(#value, &#id);));
                }
            }
            TyKind::Integer { .. } => {
                let bound = |n: &Option<serde_json::Number>| match n
                    .as_ref()
                    .and_then(serde_json::Number::as_i64)
                {
                    Some(n) => quote!(Some(#n)),
                    None => quote!(None),
                };
                if c.minimum.is_some() || c.maximum.is_some() {
                    let (min, max) = (bound(&c.minimum), bound(&c.maximum));
                    out.extend(quote!(v.range(i64::from(*#value), #min, #max);));
                }
            }
            TyKind::Decimal { .. } => {
                if c.minimum.is_some() || c.maximum.is_some() {
                    let (min, max) = (decimal_bound(&c.minimum)?, decimal_bound(&c.maximum)?);
                    out.extend(quote!(v.decimal_range(#value, #min, #max);));
                }
            }
            // Typed values: their parser already enforces the documented format (the
            // YearMonthDay pattern, dates), so a constructed value cannot violate it.
            TyKind::YearMonthDay | TyKind::Date | TyKind::EpochSeconds | TyKind::LocalDateTime => {}
            TyKind::Boolean | TyKind::Enum(_) => {}
            TyKind::Struct(_) => {
                out.extend(quote!(::cloudcost_types::Validate::validate_into(#value, v);))
            }
            TyKind::List(item) => {
                if c.min_items.is_some() || c.max_items.is_some() {
                    let (min, max) = (u(c.min_items), u(c.max_items));
                    out.extend(quote!(v.count(#value.len(), #min, #max);));
                }
                let inner = self.check_nullable(item, &quote!(item))?;
                if !inner.is_empty() {
                    out.extend(quote! {
                        for (i, item) in #value.iter().enumerate() { v.index(i, |v| { #inner }); }
                    });
                }
            }
            TyKind::Map { key, value: val } => {
                if c.min_items.is_some() || c.max_items.is_some() {
                    let (min, max) = (u(c.min_items), u(c.max_items));
                    out.extend(quote!(v.count(#value.len(), #min, #max);));
                }
                let key_check = self.check(key, &quote!(key.as_str()))?;
                let val_check = self.check_nullable(val, &quote!(item))?;
                if !key_check.is_empty() || !val_check.is_empty() {
                    out.extend(quote! {
                        for (key, item) in #value.iter() {
                            let _ = item;
                            v.key(key, |v| { #key_check #val_check });
                        }
                    });
                }
            }
        }
        Ok(out)
    }

    fn check_nullable(&mut self, ty: &Ty, value: &TokenStream) -> Result<TokenStream> {
        let inner = self.check(ty, value)?;
        Ok(if ty.nullable && !inner.is_empty() {
            quote!(if let Some(#value) = #value { #inner })
        } else {
            inner
        })
    }
}

/// An unanchored pattern that matches the empty string matches every string (the search
/// can succeed at offset 0), so checking it would only cost time: `[\S\s]*` is the common
/// case in the AWS models.
fn matches_everything(p: &str) -> bool {
    let anchored = ["^", "$", "\\b", "\\B", "\\A", "\\z"]
        .iter()
        .any(|a| p.contains(a));
    !anchored && regex::Regex::new(p).is_ok_and(|r| r.is_match(""))
}

fn decimal_bound(n: &Option<serde_json::Number>) -> Result<TokenStream> {
    let Some(n) = n else { return Ok(quote!(None)) };
    let text = n.to_string();
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let mantissa: i128 = format!("{int}{frac}").parse().map_err(|_| Error::Emit {
        context: "decimal bound".into(),
        message: format!("{text} cannot be written as a Decimal constant"),
    })?;
    let scale = frac.len() as u32;
    // Decimal holds 96-bit mantissas with scale <= 28; a bigger constant would panic at
    // run time, so refuse it here.
    if scale > 28 || mantissa.unsigned_abs() >= 1u128 << 96 {
        return Err(Error::Emit {
            context: "decimal bound".into(),
            message: format!("{text} does not fit in a Decimal"),
        });
    }
    Ok(
        quote!(Some(::cloudcost_types::rust_decimal::Decimal::from_i128_with_scale(#mantissa, #scale))),
    )
}

#[cfg(test)]
mod tests {
    use crate::emit::testing::items;
    use crate::loader::testing::load;

    fn validate(fragment: &str, keep: impl Fn(&str) -> bool) -> String {
        let s = load(fragment);
        let (_, names) = crate::emit::model::structures(&s).unwrap();
        items(super::emit(&s, &names).unwrap(), keep)
    }

    #[test]
    fn length_and_pattern_of_a_required_string() {
        let out = validate(
            r#"
components:
  schemas:
    Name:
      type: object
      required: [id]
      properties:
        id: {type: string, minLength: 1, maxLength: 8, pattern: '^[a-z]+$'}
        any: {type: string, pattern: '[\S\s]*'}
"#,
            |t| t.contains("PATTERN_") || t.contains("for Name"),
        );
        // `any`'s pattern matches every string (unanchored, matches ""): no check.
        assert_eq!(
            out,
            r#"static PATTERN_0: ::cloudcost_types::validate::Pattern = ::cloudcost_types::validate::Pattern::new(
    "^[a-z]+$",
);
impl ::cloudcost_types::Validate for Name {
    fn validate_into(&self, v: &mut ::cloudcost_types::Validator) {
        {
            let value = &self.id;
            v.field(
                "id",
                |v| {
                    v.length(value, Some(1u64), Some(8u64));
                    v.pattern(value, &PATTERN_0);
                },
            );
        }
    }
}
"#
        );
    }

    #[test]
    fn optional_list_of_structures_with_a_count() {
        let out = validate(
            r#"
components:
  schemas:
    Item: {type: object, properties: {n: {type: integer, minimum: 1}}}
    Bag:
      type: object
      properties:
        items: {type: array, maxItems: 2, items: {$ref: '#/components/schemas/Item'}}
"#,
            |t| t.contains("for Bag"),
        );
        assert_eq!(
            out,
            r#"impl ::cloudcost_types::Validate for Bag {
    fn validate_into(&self, v: &mut ::cloudcost_types::Validator) {
        if let Some(value) = &self.items {
            v.field(
                "items",
                |v| {
                    v.count(value.len(), None, Some(2u64));
                    for (i, item) in value.iter().enumerate() {
                        v.index(
                            i,
                            |v| {
                                ::cloudcost_types::Validate::validate_into(item, v);
                            },
                        );
                    }
                },
            );
        }
    }
}
"#
        );
    }

    #[test]
    fn decimal_bound_beyond_decimal() {
        // Spec numbers reach the IR through f64 (no `arbitrary_precision`), so a bound this
        // large (or this precise) arrives in exponent form and is refused as such.
        let s = load("components: {schemas: {Amount: {type: object, properties: {a: {type: number, format: decimal, maximum: 100000000000000000000000000000.5}}}}}");
        let (_, names) = crate::emit::model::structures(&s).unwrap();
        assert_eq!(
            super::emit(&s, &names).unwrap_err().to_string(),
            "decimal bound: 1e+29 cannot be written as a Decimal constant"
        );
    }
}
