//! Builders for every generated structure: `GetCostAndUsageRequest::builder()
//! .time_period(..).granularity(..).metrics(["UnblendedCost"]).build()?`.
//!
//! A struct literal must name every member, so each optional member a spec adds would
//! break every user's literal; a builder names only what it sets. `build()` refuses a
//! missing required member with a `cloudcost_types::MissingMember` error that names it (its
//! wire name), as typify's builders and aws-sdk-rust's do. A builder's `Debug` redacts the
//! spec's sensitive members, as the structure's own `Debug` does.
//!
//! The builders are written from the finished `types.rs` items (after typify and the
//! post-pass), not from the IR: the field types there (`Box` for recursion, `Option` for
//! optional members, the decimal and time types) are exactly what the setters must take.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::error::{Error, Result};
use crate::ir::*;

use super::common::FieldNames;

/// The builders of every structure in `types` (the model emitter's output).
pub fn emit(service: &Service, types: &TokenStream, names: &FieldNames) -> Result<TokenStream> {
    let file: syn::File = syn::parse2(types.clone()).map_err(|e| Error::Emit {
        context: format!("{} (builders)", service.spec_path),
        message: e.to_string(),
    })?;
    let mut out = TokenStream::new();
    for item in &file.items {
        let syn::Item::Struct(s) = item else { continue };
        let syn::Fields::Named(fields) = &s.fields else {
            continue;
        };
        let shape = s.ident.to_string();
        let wire_names = names.get(&shape);
        let structure = service.structure(&shape);
        let wire_name = |ident: &syn::Ident| -> String {
            wire_names
                .and_then(|m| m.iter().find(|(_, i)| *i == ident))
                .map(|(w, _)| w.clone())
                .unwrap_or_else(|| ident.to_string())
        };
        let sensitive = |wire: &str| {
            structure.is_some_and(|s| s.members.iter().any(|m| m.name == wire && m.sensitive))
        };
        out.extend(builder(
            &s.ident,
            fields.named.iter().filter_map(|f| {
                let ident = f.ident.as_ref()?;
                let wire = wire_name(ident);
                Some(Field {
                    ident,
                    ty: &f.ty,
                    sensitive: sensitive(&wire),
                    wire,
                })
            }),
        ));
    }
    Ok(out)
}

/// `T` of `Option<T>` (any path spelling of `Option`), or `None` when `ty` is not one.
fn option_inner(ty: &syn::Type) -> Option<&syn::Type> {
    generic_arg(ty, "Option")
}

/// The single generic argument of the path type whose last segment is `name`.
fn generic_arg<'a>(ty: &'a syn::Type, name: &str) -> Option<&'a syn::Type> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let last = path.path.segments.last()?;
    if last.ident != name {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(inner) => Some(inner),
        _ => None,
    }
}

/// One member of a structure, as the builder sees it.
struct Field<'a> {
    ident: &'a syn::Ident,
    ty: &'a syn::Type,
    wire: String,
    sensitive: bool,
}

/// The builder type of the structure `shape`: `DateInterval` -> `DateIntervalBuilder`.
pub fn builder_ident(shape: &str) -> syn::Ident {
    format_ident!("{shape}Builder")
}

fn builder<'a>(target: &syn::Ident, fields: impl Iterator<Item = Field<'a>>) -> TokenStream {
    let name = builder_ident(&target.to_string());
    let builder_name = name.to_string();
    let shape = target.to_string();
    let mut slots = Vec::new();
    let mut setters = Vec::new();
    let mut builds = Vec::new();
    let mut debug = Vec::new();
    for Field {
        ident,
        ty,
        wire,
        sensitive,
    } in fields
    {
        let label = ident.to_string();
        debug.push(if sensitive {
            quote!(.field(#label, &self.#ident.as_ref().map(|_| "** redacted **")))
        } else {
            quote!(.field(#label, &self.#ident))
        });
        let (value_ty, required) = match option_inner(ty) {
            Some(inner) => (inner, false),
            None => (ty, true),
        };
        slots.push(quote!(#ident: ::std::option::Option<#value_ty>));
        let doc = format!(
            " Sets `{wire}`{}.",
            if required { " (required)" } else { "" }
        );
        // Lists take any iterable of anything convertible to the element (`["a", "b"]`
        // for strings); boxed (recursive) members take the value itself.
        let setter = if let Some(element) = generic_arg(value_ty, "Vec") {
            quote! {
                #[doc = #doc]
                pub fn #ident<I, V>(mut self, values: I) -> Self
                where
                    I: ::std::iter::IntoIterator<Item = V>,
                    V: ::std::convert::Into<#element>,
                {
                    self.#ident = Some(values.into_iter().map(::std::convert::Into::into).collect());
                    self
                }
            }
        } else if let Some(boxed) = generic_arg(value_ty, "Box") {
            quote! {
                #[doc = #doc]
                pub fn #ident(mut self, value: impl ::std::convert::Into<#boxed>) -> Self {
                    self.#ident = Some(::std::boxed::Box::new(value.into()));
                    self
                }
            }
        } else {
            quote! {
                #[doc = #doc]
                pub fn #ident(mut self, value: impl ::std::convert::Into<#value_ty>) -> Self {
                    self.#ident = Some(value.into());
                    self
                }
            }
        };
        setters.push(setter);
        if !required {
            // The whole `Option`, for a value that may or may not be there (the AWS SDKs'
            // `set_` setters).
            let set = format_ident!("set_{ident}");
            let set_doc = format!(" Sets or clears `{wire}`.");
            setters.push(quote! {
                #[doc = #set_doc]
                pub fn #set(mut self, value: ::std::option::Option<#value_ty>) -> Self {
                    self.#ident = value;
                    self
                }
            });
        }
        builds.push(if required {
            quote! {
                #ident: self.#ident.ok_or(::cloudcost_types::MissingMember {
                    shape: #shape,
                    member: #wire,
                })?
            }
        } else {
            quote!(#ident: self.#ident)
        });
    }
    let doc =
        format!(" Builds a [`{shape}`]: set the members you need, then [`build`](Self::build).");
    let builder_doc = format!(" A builder of `{shape}`, with every member unset.");
    quote! {
        #[doc = #doc]
        #[derive(Clone, Default)]
        #[must_use]
        pub struct #name {
            #(#slots,)*
        }

        impl ::std::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(#builder_name)#(#debug)*.finish()
            }
        }

        impl #name {
            #(#setters)*

            /// The value, or the first required member left unset.
            pub fn build(self) -> ::std::result::Result<#target, ::cloudcost_types::MissingMember> {
                Ok(#target {
                    #(#builds,)*
                })
            }
        }

        impl #target {
            #[doc = #builder_doc]
            pub fn builder() -> #name {
                #name::default()
            }
        }
    }
}
