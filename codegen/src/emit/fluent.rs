//! Fluent calls, as aws-sdk-rust users write them:
//! `client.get_cost_and_usage().time_period(..).metrics(["UnblendedCost"]).send().await`.
//!
//! Each operation's fluent builder wraps the model crate's request builder. Its setters
//! are that builder's setters, copied signature for signature from the emitted builder
//! tokens with a body that forwards, so the setter rules (what a list or a boxed member
//! takes) live in `emit::builder` alone. `send()` builds the request and calls the method
//! that takes a request value, so validation, signing, retries and errors are the same
//! either way; a required member left unset is the validation error that names it, and
//! nothing is sent.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::error::{Error, Result};
use crate::ir::*;
use crate::naming::snake;

/// The fluent builder type of `op`, e.g. `GetCostAndUsageFluentBuilder`.
pub fn builder_ident(op: &Operation) -> syn::Ident {
    format_ident!("{}FluentBuilder", op.name)
}

/// The method of the request-value call of `op`, e.g. `get_cost_and_usage_with`.
pub fn with_method(op: &Operation) -> syn::Ident {
    format_ident!("{}_with", snake(&op.name))
}

/// The builder methods of `input` (a structure's name) in the model's builder tokens, or
/// `None` when it has no builder (an object without properties is a free-form map).
fn setters(builders: &syn::File, input: &str) -> Option<Vec<syn::ImplItemFn>> {
    let target = super::builder::builder_ident(input);
    let imp = builders.items.iter().find_map(|item| match item {
        syn::Item::Impl(imp) if imp.trait_.is_none() => match &*imp.self_ty {
            syn::Type::Path(p) if p.path.is_ident(&target) => Some(imp),
            _ => None,
        },
        _ => None,
    })?;
    Some(
        imp.items
            .iter()
            .filter_map(|item| match item {
                syn::ImplItem::Fn(f) if f.sig.ident != "build" => Some(f.clone()),
                _ => None,
            })
            .collect(),
    )
}

/// `setter` with its body replaced by a call of the same setter on `self.inner`.
fn forward(mut setter: syn::ImplItemFn) -> Result<syn::ImplItemFn> {
    let ident = setter.sig.ident.clone();
    let mut args = Vec::new();
    for input in &setter.sig.inputs {
        match input {
            syn::FnArg::Receiver(_) => {}
            syn::FnArg::Typed(pat) => match &*pat.pat {
                syn::Pat::Ident(p) => args.push(p.ident.clone()),
                _ => {
                    return Err(Error::Emit {
                        context: ident.to_string(),
                        message: "a builder setter's parameter is not a plain name".into(),
                    })
                }
            },
        }
    }
    setter.block = syn::parse_quote!({
        self.inner = self.inner.#ident(#(#args),*);
        self
    });
    Ok(setter)
}

/// The fluent builder of one operation (an item of the `fluent` module) and the `Client`
/// method that starts it.
pub struct Call {
    /// `pub fn get_cost_and_usage(&self) -> fluent::GetCostAndUsageFluentBuilder`.
    pub method: TokenStream,
    /// The builder struct and its `impl`.
    pub builder: TokenStream,
}

/// The fluent call of `op`. `item` is the item type of a paged operation's `_items`
/// stream (as `model::X`); with it the builder also has `pages()` and `items()`.
pub fn call(op: &Operation, builders: &syn::File, item: Option<&TokenStream>) -> Result<Call> {
    let method = format_ident!("{}", snake(&op.name));
    let with = with_method(op);
    let ident = builder_ident(op);
    let input_builder = super::builder::builder_ident(&op.input);
    let output = format_ident!("{}", op.output);
    let error = format_ident!("{}Error", op.name);
    let name = &op.name;
    let input = format_ident!("{}", op.input);
    let input_name = &op.input;
    // A request with a builder gets its setters; one without (a free-form map) is set
    // whole with `input(..)`.
    let (inner_ty, inner_new, setters, build) = match setters(builders, &op.input) {
        Some(setters) => (
            quote!(model::#input_builder),
            quote!(model::#input_builder::default()),
            setters
                .into_iter()
                .map(forward)
                .collect::<Result<Vec<_>>>()?,
            quote!(self.inner.build()),
        ),
        None => (
            quote!(::std::option::Option<model::#input>),
            quote!(None),
            vec![syn::parse_quote! {
                /// Sets the whole request.
                pub fn input(mut self, value: impl ::std::convert::Into<model::#input>) -> Self {
                    self.inner = Some(value.into());
                    self
                }
            }],
            quote!(self.inner.ok_or(::cloudcost_runtime::cloudcost_types::MissingMember { shape: #input_name, member: "(the request)" })),
        ),
    };

    let streams = match item {
        None => TokenStream::new(),
        Some(item) => {
            let pages = format_ident!("{}_pages", snake(&op.name));
            let items_from = format_ident!("{}_items_from", snake(&op.name));
            let pages_doc = format!(
                " Every page, in order, as [`Client::{pages}`](super::Client::{pages}) streams them. A required member left unset is the stream's only item."
            );
            quote! {
                #[doc = #pages_doc]
                pub fn pages(self) -> ::cloudcost_runtime::PageStream<model::#output, super::Error<super::#error>> {
                    match #build {
                        Ok(input) => self.client.#pages(&input),
                        Err(missing) => ::cloudcost_runtime::failed_pages(super::Error::missing_member(#name, missing)),
                    }
                }

                /// Every item across pages, holding one page at a time.
                pub fn items(self) -> ::cloudcost_runtime::ItemStream<model::#output, #item, super::Error<super::#error>> {
                    super::Client::#items_from(self.pages())
                }
            }
        }
    };

    let struct_doc = format!(
        " A `{name}` call being built: set the request's members, then `send()`. Started by [`Client::{method}`](super::Client::{method})."
    );
    let method_doc = format!(
        " Starts a `{name}` call: set the request's members on the returned builder, then `.send().await`. The same call as [`{with}`](Self::{with}) with a request built here."
    );
    let send_doc = format!(
        " Builds the request and sends it as [`Client::{with}`](super::Client::{with}) does. A required member left unset is an `Error::Validation` naming it, and nothing is sent."
    );
    let docs = super::common::doc_attrs(op.docs.as_deref().unwrap_or(&op.name));
    Ok(Call {
        method: quote! {
            #docs
            ///
            #[doc = #method_doc]
            pub fn #method(&self) -> fluent::#ident {
                fluent::#ident::new(self.clone())
            }
        },
        builder: quote! {
            #[doc = #struct_doc]
            #[derive(Clone, Debug)]
            #[must_use = "a fluent call does nothing until `send()`"]
            pub struct #ident {
                client: super::Client,
                inner: #inner_ty,
            }

            impl #ident {
                pub(crate) fn new(client: super::Client) -> Self {
                    Self { client, inner: #inner_new }
                }

                #(#setters)*

                #[doc = #send_doc]
                pub async fn send(self) -> ::std::result::Result<model::#output, super::Error<super::#error>> {
                    let input = #build.map_err(|missing| super::Error::missing_member(#name, missing))?;
                    self.client.#with(&input).await
                }

                #streams
            }
        },
    })
}

/// The `fluent` module around the builders of every operation.
pub fn module(builders: Vec<TokenStream>) -> TokenStream {
    quote! {
        /// The fluent builders of [`Client`](super::Client)'s calls, one per operation.
        pub mod fluent {
            // The setters' signatures name the model's types as the model crate does,
            // unqualified; everything else here is named by its full path.
            #[allow(unused_imports)]
            use super::model::{self, *};

            #(#builders)*
        }
    }
}
