//! `validate()` for every structure, from the constraints in the IR. The checks themselves
//! live in `cloudcost_types::validate`; this file only decides which to call, with which
//! bounds, at which path.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::error::{Error, Result};
use crate::ir::*;

use super::common::FieldNames;

pub fn emit(service: &Service, names: &FieldNames) -> Result<TokenStream> {
    let mut cx = Cx {
        patterns: Vec::new(),
        helpers: TokenStream::new(),
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
        for (i, rule) in service.rules.get(name).into_iter().flatten().enumerate() {
            body.extend(cx.rule(service, names, name, s, rule, i)?);
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
                /// As `validate()`, and the spec's rules about today (how far back a period
                /// may start, that it does not start in the future) against `today`, the
                /// caller's clock (a UTC date).
                pub fn validate_at(&self, today: ::cloudcost_types::chrono::NaiveDate) -> ::std::result::Result<(), ::cloudcost_types::ValidationErrors> {
                    ::cloudcost_types::Validate::validate_at(self, today)
                }
            }
        });
    }
    let helpers = std::mem::take(&mut cx.helpers);
    impls.extend(helpers);
    let statics = cx.patterns.iter().enumerate().map(|(i, p)| {
        let id = format_ident!("PATTERN_{i}");
        let (source, regex_lite) = (&p.source, &p.regex_lite);
        let pattern = if regex_lite == source {
            quote!(::cloudcost_types::validate::Pattern::new(#source))
        } else {
            quote!(::cloudcost_types::validate::Pattern::with_expansion(#source, #regex_lite))
        };
        quote!(static #id: ::cloudcost_types::validate::Pattern = #pattern;)
    });
    Ok(quote! { #(#statics)* #impls })
}

struct Cx {
    patterns: Vec<Pattern>,
    /// Functions the rule checks call (one per `expression` rule).
    helpers: TokenStream,
}

impl Cx {
    /// The statements of one `x-cloudcost-rules` rule of structure `shape`.
    fn rule(
        &mut self,
        service: &Service,
        names: &FieldNames,
        shape: &str,
        s: &Structure,
        rule: &Rule,
        index: usize,
    ) -> Result<TokenStream> {
        let missing = |m: &str| Error::Emit {
            context: format!("{} rule {index} of {shape}", service.spec_path),
            message: format!("no member `{m}`"),
        };
        let member = |m: &str| {
            s.members
                .iter()
                .find(|x| x.name == m)
                .ok_or_else(|| missing(m))
        };
        let field_of = |shape: &str, m: &str| {
            names
                .get(shape)
                .and_then(|fields| fields.get(m))
                .ok_or_else(|| missing(m))
        };
        let field = |m: &str| field_of(shape, m);
        let optional = |m: &Member| !m.required || m.ty.nullable;
        let message = &rule.message;
        Ok(match &rule.kind {
            RuleKind::MaxItems { member: wire, max } => {
                let f = field(wire)?;
                let max = usize::try_from(*max).unwrap_or(usize::MAX);
                let check = quote! {
                    if value.len() > #max { v.field(#wire, |v| v.fail(#message)); }
                };
                if optional(member(wire)?) {
                    quote! { if let Some(value) = &self.#f { #check } }
                } else {
                    quote! { { let value = &self.#f; #check } }
                }
            }
            RuleKind::Exclusive { members } => {
                // Reported at every member after the first that is set with it.
                let set: Vec<TokenStream> = members
                    .iter()
                    .map(|m| {
                        let f = field(m)?;
                        Ok(quote!(self.#f.is_some()))
                    })
                    .collect::<Result<_>>()?;
                let last = members.last().map(String::as_str).unwrap_or_default();
                quote! {
                    if [#(#set),*].iter().filter(|set| **set).count() > 1 {
                        v.field(#last, |v| v.fail(#message));
                    }
                }
            }
            RuleKind::AllowedValues {
                member: wire,
                values,
            } => {
                let f = field(wire)?;
                let check = quote! {
                    if ![#(#values),*].contains(&value.as_str()) { v.field(#wire, |v| v.fail(#message)); }
                };
                if optional(member(wire)?) {
                    quote! { if let Some(value) = &self.#f { #check } }
                } else {
                    quote! { { let value = &self.#f; #check } }
                }
            }
            RuleKind::Ordered { first, second } => {
                let (fa, fb) = (field(first)?, field(second)?);
                let (ma, mb) = (member(first)?, member(second)?);
                // `YearMonthDay` is a date or a date-time: compare the instants they start.
                let instant = |m: &Member, value: TokenStream| match m.ty.kind {
                    TyKind::YearMonthDay => quote!(#value.start()),
                    _ => quote!(*#value),
                };
                let (a, b) = (instant(ma, quote!(a)), instant(mb, quote!(b)));
                let bind = |m: &Member, f: &syn::Ident, name: TokenStream| {
                    if optional(m) {
                        quote!(let Some(#name) = &self.#f else { return; };)
                    } else {
                        quote!(let #name = &self.#f;)
                    }
                };
                let (bind_a, bind_b) = (bind(ma, fa, quote!(a)), bind(mb, fb, quote!(b)));
                quote! {
                    (|| {
                        #bind_a
                        #bind_b
                        if !(#a < #b) { v.field(#second, |v| v.fail(#message)); }
                    })();
                }
            }
            RuleKind::Expression {
                member: wire,
                shape: expr_shape,
                combinators,
                allowed,
                max_depth,
            } => {
                let f = field(wire)?;
                let helper =
                    format_ident!("rule_{}_{}", heck::ToSnakeCase::to_snake_case(shape), index);
                let expr_ty = format_ident!("{expr_shape}");
                let expr = service
                    .structure(expr_shape)
                    .ok_or_else(|| missing(expr_shape))?;
                let mut arms = TokenStream::new();
                for c in combinators {
                    let cf = field_of(expr_shape, c)?;
                    let is_list = expr
                        .members
                        .iter()
                        .any(|m| &m.name == c && matches!(m.ty.kind, TyKind::List(_)));
                    let descend = if is_list {
                        quote! {
                            for (i, item) in value.iter().enumerate() {
                                v.field(#c, |v| v.index(i, |v| #helper(item, depth + 1, v)));
                            }
                        }
                    } else {
                        quote!(v.field(#c, |v| #helper(value, depth + 1, v));)
                    };
                    arms.extend(if allowed.contains(c) {
                        quote! {
                            if let Some(value) = &e.#cf {
                                if depth >= #max_depth { v.field(#c, |v| v.fail(#message)); } else { #descend }
                            }
                        }
                    } else {
                        quote! {
                            if e.#cf.is_some() { v.field(#c, |v| v.fail(#message)); }
                        }
                    });
                }
                self.helpers.extend(quote! {
                    /// An `expression` rule: combinators allowed and how deep they nest.
                    fn #helper(e: &#expr_ty, depth: u32, v: &mut ::cloudcost_types::Validator) { #arms }
                });
                if optional(member(wire)?) {
                    quote! { if let Some(value) = &self.#f { v.field(#wire, |v| #helper(value, 0, v)); } }
                } else {
                    quote! { v.field(#wire, |v| #helper(&self.#f, 0, v)); }
                }
            }
            RuleKind::DateWindow {
                member: wire,
                start,
                when,
                reach,
            } => {
                let f = field(wire)?;
                let m = member(wire)?;
                let TyKind::Struct(period) = &m.ty.kind else {
                    return Err(missing(wire));
                };
                let sf = field_of(period, start)?;
                let inner = service
                    .structure(period)
                    .and_then(|p| p.members.iter().find(|x| &x.name == start))
                    .ok_or_else(|| missing(start))?;
                let date = match inner.ty.kind {
                    TyKind::YearMonthDay => quote!(period.#sf.date()),
                    _ => quote!(period.#sf),
                };
                let gate = match when {
                    None => TokenStream::new(),
                    Some((g, value)) => {
                        let gf = field(g)?;
                        if optional(member(g)?) {
                            quote! { match &self.#gf { Some(g) if g.as_str() == #value => {} _ => return, } }
                        } else {
                            quote! { if self.#gf.as_str() != #value { return; } }
                        }
                    }
                };
                let bind = if optional(m) {
                    quote!(let Some(period) = &self.#f else { return; };)
                } else {
                    quote!(let period = &self.#f;)
                };
                let reach = match reach {
                    Reach::Days(d) => quote!(::cloudcost_types::validate::Reach::Days(#d)),
                    Reach::Months(n) => quote!(::cloudcost_types::validate::Reach::Months(#n)),
                    Reach::NotFuture => quote!(::cloudcost_types::validate::Reach::NotFuture),
                };
                quote! {
                    (|| {
                        #gate
                        #bind
                        v.reach(#reach, #date, #wire, #start, #message);
                    })();
                }
            }
        })
    }

    fn pattern(&mut self, p: &Pattern) -> syn::Ident {
        let i = match self.patterns.iter().position(|x| x == p) {
            Some(i) => i,
            None => {
                self.patterns.push(p.clone());
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
                if let Some(p) = c.pattern.as_ref().filter(|p| !matches_everything(p)) {
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
                // Length and pattern (string wire form only, as the loader allows): checked
                // on the text the request will carry, which `wire::DecimalString` writes
                // with `Display`, as the service checks what it receives.
                let mut text_checks = TokenStream::new();
                if c.min_length.is_some() || c.max_length.is_some() {
                    let (min, max) = (u(c.min_length), u(c.max_length));
                    text_checks.extend(quote!(v.length(&text, #min, #max);));
                }
                if let Some(p) = c.pattern.as_ref().filter(|p| !matches_everything(p)) {
                    let id = self.pattern(p);
                    text_checks.extend(quote!(v.pattern(&text, &#id);));
                }
                if !text_checks.is_empty() {
                    out.extend(quote! {
                        let text = ::std::string::ToString::to_string(#value);
                        #text_checks
                    });
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
fn matches_everything(p: &Pattern) -> bool {
    let anchored = ["^", "$", "\\b", "\\B", "\\A", "\\z"]
        .iter()
        .any(|a| p.source.contains(a));
    !anchored && regex_lite::Regex::new(&p.regex_lite).is_ok_and(|r| r.is_match(""))
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
    fn a_decimal_strings_length_and_pattern_are_checked_on_the_text_it_sends() {
        let out = validate(
            r#"
components:
  schemas:
    Money:
      type: object
      required: [amount]
      properties:
        amount: {type: string, format: decimal, maxLength: 20, pattern: '^([0-9]*\.)?[0-9]+$'}
"#,
            |t| t.contains("for Money"),
        );
        let flat: String = out.split_whitespace().collect();
        assert!(
            flat.contains("lettext=::std::string::ToString::to_string(value);v.length(&text,None,Some(20u64));v.pattern(&text,&PATTERN_0);"),
            "{out}"
        );
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
