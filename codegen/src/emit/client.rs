//! Client crates: a `Client` with one async method per operation, page and item streams
//! for paged operations, and one typed error enum per operation.
//!
//! progenitor is not used for this layer: the three protocols need what its generated
//! code cannot express — awsJson1.1 routes every operation through `POST /` by header,
//! errors are told apart by code rather than by status, each retry must be signed anew
//! over the final bytes, and pagination is by token rather than Dropshot's convention. The
//! generated layer is therefore thin and declarative (operation metadata and calls into
//! `cloudcost-runtime`), and everything behavioural lives in the runtime.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::error::{Error, Result};
use crate::ir::*;
use crate::naming::{model_crate, snake};

use super::common::{doc_attrs, FieldNames};

pub fn manifest(service: &Service, header: &str) -> String {
    let family = &service.family;
    let description = format!(
        "Async client for {} ({}), generated from {}.",
        service.title, service.version, service.spec_path
    );
    format!(
        r#"{package}
[dependencies]
{model} = {{ path = "../{family}-model", version = "0.1.0" }}
cloudcost-runtime = {{ workspace = true, features = ["{feature}"] }}
# The fluent builders' setters name the decimal and date types by this crate's paths.
cloudcost-types.workspace = true

[dev-dependencies]
# The examples/ programs need a runtime to run in.
tokio = {{ workspace = true, features = ["macros", "rt-multi-thread"] }}
"#,
        package =
            super::cargo::package(header, &format!("cloudcost-{family}-client"), &description),
        model = model_crate(family),
        // Only this family's signing is compiled into a user's build.
        feature = service.auth.runtime_feature(),
    )
}

/// The client crate's `src/lib.rs`, after the header: docs listing the operations, a doctest
/// (the spec's Rust code sample, else a request-value call of the first operation), the
/// module and its re-exports.
pub fn lib_rs(service: &Service) -> String {
    let ops: String = service
        .operations
        .iter()
        .map(|op| {
            let method = snake(&op.name);
            let paged = if op.pagination.is_some() {
                format!(", [`Client::{method}_pages`], [`Client::{method}_items`]")
            } else {
                String::new()
            };
            // The operation name first: a line starting `[..]:` would be a link definition.
            format!(
                "//! - {}: [`Client::{method}`] (fluent), [`Client::{method}_with`]{paged}\n",
                op.name
            )
        })
        .collect();
    let krate = format!("cloudcost_{}_client", service.family.replace('-', "_"));
    let sample = service
        .operations
        .iter()
        .find_map(|op| op.rust_sample.as_deref());
    let body = match (sample, service.operations.first()) {
        (Some(sample), _) => sample.to_string(),
        (None, Some(op)) => format!(
            "// A request as JSON with its wire names, or built with `model::{input}::builder()`.\nlet request: model::{input} = model::from_slice(&std::fs::read(\"request.json\")?)?;\nlet output = client.{method}_with(&request).await?;\nprintln!(\"{{output:?}}\");",
            input = op.input,
            method = snake(&op.name),
        ),
        (None, None) => String::new(),
    };
    let example = if body.is_empty() {
        String::new()
    } else {
        let body: String = body
            .lines()
            .map(|l| format!("//! {l}").trim_end().to_string() + "\n")
            .collect();
        format!(
            "//!\n//! ```no_run\n//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {{\n//! use {krate}::{{model, Client}};\n//!\n//! let client = Client::from_env()?;\n{body}//! # Ok(())\n//! # }}\n//! ```\n"
        )
    };
    format!(
        "//! Async client for **{title}** (API version {version}, protocol {protocol}), generated from `{spec}`.\n//!\n//! Every call validates its request first, signs each attempt, retries throttling and\n//! transient failures with backoff, and returns the operation's typed error. Behaviour\n//! lives in `cloudcost-runtime`; this crate only describes the operations.\n//!\n{ops}{example}\n#![forbid(unsafe_code)]\n#![warn(missing_docs)]\n#![allow(clippy::all)]\n\n#[rustfmt::skip]\nmod client;\n\npub use client::*;\n",
        title = service.title,
        version = service.version,
        protocol = service.protocol.name(),
        spec = service.spec_path,
    )
}

/// The client crate's `src/lib.rs` body.
///
/// `builders` are the model crate's builders (`emit::builder`), whose setters the fluent
/// calls forward to.
pub fn emit(service: &Service, names: &FieldNames, builders: &TokenStream) -> Result<TokenStream> {
    let model = format_ident!("{}", model_crate(&service.family).replace('-', "_"));
    let builders: syn::File = syn::parse2(builders.clone()).map_err(|e| Error::Emit {
        context: format!("{} (builders)", service.spec_path),
        message: e.to_string(),
    })?;
    let service_meta = service_meta(service);
    let mut metas = TokenStream::new();
    let mut methods = TokenStream::new();
    let mut errors = TokenStream::new();
    let mut fluent_builders = Vec::new();
    for op in &service.operations {
        metas.extend(operation_meta(service, op));
        let (op_methods, item) = operation_methods(service, op, names)?;
        let call = super::fluent::call(op, &builders, item.as_ref())?;
        methods.extend(call.method);
        methods.extend(op_methods);
        fluent_builders.push(call.builder);
        errors.extend(error_enum(service, op, names)?);
    }
    let fluent = super::fluent::module(fluent_builders);
    let title = &service.title;
    let client_doc = format!(
        " A client of {title}. Cheap to clone: clones share one connection pool and retry budget."
    );
    Ok(quote! {
        pub use #model as model;
        pub use ::cloudcost_runtime::{
            BuildError, Config, ConfigBuilder, Error, ErrorMeta, ItemStream, PageStream, PageLimits, PaginationError, RetryConfig, Stream, StreamExt, TimeoutKind, report,
        };

        #service_meta
        #metas

        #[doc = #client_doc]
        #[derive(Clone, Debug)]
        pub struct Client {
            core: ::std::sync::Arc<::cloudcost_runtime::ClientCore>,
        }

        impl Client {
            /// A client with `config`.
            pub fn new(config: Config) -> ::std::result::Result<Self, BuildError> {
                Ok(Self { core: ::std::sync::Arc::new(::cloudcost_runtime::ClientCore::new(&SERVICE, config)?) })
            }

            /// A client with the default configuration: default endpoint, region and
            /// credentials from the environment and profile files.
            pub fn from_env() -> ::std::result::Result<Self, BuildError> {
                Self::new(Config::default())
            }

            /// The endpoint requests go to.
            pub fn endpoint(&self) -> &str {
                self.core.endpoint()
            }

            #methods
        }

        #errors

        #fluent
    })
}

fn service_meta(service: &Service) -> TokenStream {
    let title = &service.title;
    let endpoint = &service.endpoint.url;
    // `region` is resolved from the client's region; the other variables are described
    // for the runtime to fill in from config, environment or default.
    let variables = service
        .endpoint
        .variables
        .iter()
        .filter(|v| v.name != "region")
        .map(|v| {
            let (name, default, allowed) = (&v.name, &v.default, &v.allowed);
            let env = match &v.env {
                Some(env) => quote!(Some(#env)),
                None => quote!(None),
            };
            quote! {
                ::cloudcost_runtime::EndpointVariable {
                    name: #name,
                    default: #default,
                    allowed: &[#(#allowed),*],
                    env: #env,
                }
            }
        });
    let auth = super::literal::auth_meta(&service.auth);
    let source = format_ident!("{}", service.protocol.error_code_source());
    let common = service
        .common_errors
        .iter()
        .map(super::literal::modeled_error);
    let error_body = super::literal::error_body(&service.error_body);
    quote! {
        static SERVICE: ::cloudcost_runtime::ServiceMeta = ::cloudcost_runtime::ServiceMeta {
            title: #title,
            endpoint: #endpoint,
            endpoint_variables: &[#(#variables),*],
            auth: #auth,
            error_codes: ::cloudcost_runtime::ErrorCodeSource::#source,
            common_errors: &[#(#common),*],
            error_body: #error_body,
        };
    }
}

fn meta_ident(op: &Operation) -> syn::Ident {
    format_ident!("{}", snake(&op.name).to_uppercase())
}

fn operation_meta(service: &Service, op: &Operation) -> TokenStream {
    let ident = meta_ident(op);
    let (name, method, path) = (&op.name, &op.method, &op.path);
    let headers = service
        .protocol
        .request_headers(op)
        .into_iter()
        .map(|(n, v)| quote!((#n, #v)));
    let errors = op.errors.iter().map(|e| {
        let info = service
            .structure(e)
            .and_then(|s| s.error.as_ref())
            // invariant: the loader refuses an operation error that is not an error structure (loader::operations::error_responses).
            .expect("loader checked errors");
        super::literal::modeled_error(info)
    });
    quote! {
        static #ident: ::cloudcost_runtime::OperationMeta = ::cloudcost_runtime::OperationMeta {
            name: #name,
            method: #method,
            path: #path,
            headers: &[#(#headers),*],
            errors: &[#(#errors),*],
        };
    }
}

fn field<'a>(names: &'a FieldNames, shape: &str, member: &str) -> Result<&'a syn::Ident> {
    names
        .get(shape)
        .and_then(|m| m.get(member))
        .ok_or_else(|| Error::Emit {
            context: shape.to_string(),
            message: format!("no field for member `{member}`"),
        })
}

fn member<'a>(service: &'a Service, shape: &str, name: &str) -> Result<&'a Member> {
    service
        .structure(shape)
        .and_then(|s| s.members.iter().find(|m| m.name == name))
        .ok_or_else(|| Error::Emit {
            context: shape.to_string(),
            message: format!("no member `{name}`"),
        })
}

/// The methods of `op` that take a request value, and for a paged operation the item type
/// of its item stream.
fn operation_methods(
    service: &Service,
    op: &Operation,
    names: &FieldNames,
) -> Result<(TokenStream, Option<TokenStream>)> {
    let method = super::fluent::with_method(op);
    let meta = meta_ident(op);
    let input = format_ident!("{}", op.input);
    let output = format_ident!("{}", op.output);
    let error = format_ident!("{}Error", op.name);
    let docs = doc_attrs(op.docs.as_deref().unwrap_or(&op.name));
    let wire = format!(
        " `{} {}`{}, with a request value (the fluent form is [`{}`](Self::{})). Validates `input` first: an invalid request is never sent.",
        op.method,
        op.path,
        op.target
            .as_deref()
            .map(|t| format!(" with `X-Amz-Target: {t}`"))
            .unwrap_or_default(),
        snake(&op.name),
        snake(&op.name),
    );
    let call = if service.protocol.uses_query() {
        let pushes = query_pushes(service, op, names)?;
        quote! {
            let mut query = ::std::vec::Vec::new();
            #pushes
            self.core.invoke_query(&#meta, input, query).await
        }
    } else {
        quote!(self.core.invoke_json(&#meta, input).await)
    };
    let mut out = quote! {
        #docs
        ///
        #[doc = #wire]
        pub async fn #method(&self, input: &model::#input) -> ::std::result::Result<model::#output, Error<#error>> {
            #call
        }
    };
    let mut item = None;
    if let Some(p) = &op.pagination {
        let (streams, item_ty) = paginators(service, op, p, names)?;
        out.extend(streams);
        item = Some(item_ty);
    }
    Ok((out, item))
}

fn query_pushes(service: &Service, op: &Operation, names: &FieldNames) -> Result<TokenStream> {
    // invariant: the loader refuses an input that is not a structure (loader::operations::input).
    let structure = service.structure(&op.input).expect("input is a structure");
    let mut out = TokenStream::new();
    for m in &structure.members {
        let Location::Query { explode } = m.location else {
            continue;
        };
        let f = field(names, &op.input, &m.name)?;
        let name = &m.name;
        let optional = !m.required || m.ty.nullable;
        let scalar_ok = |ty: &Ty| {
            !matches!(
                ty.kind,
                TyKind::Struct(_)
                    | TyKind::Map { .. }
                    | TyKind::List(_)
                    | TyKind::EpochSeconds
                    | TyKind::LocalDateTime
            )
        };
        let push = match &m.ty.kind {
            TyKind::List(item) if scalar_ok(item) => {
                if optional {
                    quote!(if let Some(values) = &input.#f { ::cloudcost_runtime::query::list(&mut query, #name, values, #explode); })
                } else {
                    quote!(::cloudcost_runtime::query::list(&mut query, #name, &input.#f, #explode);)
                }
            }
            _ if scalar_ok(&m.ty) => {
                if optional {
                    quote!(::cloudcost_runtime::query::optional(&mut query, #name, input.#f.as_ref());)
                } else {
                    quote!(::cloudcost_runtime::query::scalar(&mut query, #name, &input.#f);)
                }
            }
            _ => {
                return Err(Error::Emit {
                    context: format!("{}.{}", op.input, m.name),
                    message: "this type cannot be a query parameter".into(),
                })
            }
        };
        out.extend(push);
    }
    Ok(out)
}

fn paginators(
    service: &Service,
    op: &Operation,
    p: &Pagination,
    names: &FieldNames,
) -> Result<(TokenStream, TokenStream)> {
    let method = super::fluent::with_method(op);
    let pages = format_ident!("{}_pages", snake(&op.name));
    let items_fn = format_ident!("{}_items", snake(&op.name));
    let items_from = format_ident!("{}_items_from", snake(&op.name));
    let input = format_ident!("{}", op.input);
    let output = format_ident!("{}", op.output);
    let error = format_ident!("{}Error", op.name);

    let in_token = member(service, &op.input, &p.input_token)?;
    let in_token_f = field(names, &op.input, &p.input_token)?;
    let set_token = if !in_token.required || in_token.ty.nullable {
        quote!(request.#in_token_f = Some(token.into()))
    } else {
        quote!(request.#in_token_f = token.into())
    };

    let items_m = member(service, &op.output, &p.items)?;
    let items_f = field(names, &op.output, &p.items)?;
    let items_optional = !items_m.required || items_m.ty.nullable;
    let TyKind::List(item_ty) = &items_m.ty.kind else {
        return Err(Error::Emit {
            context: op.name.clone(),
            message: "items member is not a list".into(),
        });
    };
    let item = match &item_ty.kind {
        TyKind::Struct(n) => {
            let n = format_ident!("{n}");
            quote!(model::#n)
        }
        _ => {
            return Err(Error::Emit {
                context: op.name.clone(),
                message: "items must be structures".into(),
            })
        }
    };
    let take_items = if items_optional {
        quote!(page.#items_f.unwrap_or_default())
    } else {
        quote!(page.#items_f)
    };

    let (prelude, next_token) = match &p.output_token {
        OutputToken::Member(name) => {
            let m = member(service, &op.output, name)?;
            let f = field(names, &op.output, name)?;
            // The runtime keeps tokens as `String`s, whatever string type the model uses.
            let next = if !m.required || m.ty.nullable {
                quote!(page.#f.as_deref().map(::std::borrow::ToOwned::to_owned))
            } else {
                quote!(Some(::std::borrow::ToOwned::to_owned(&*page.#f)))
            };
            (quote!(), quote!(move |page: &model::#output| #next))
        }
        OutputToken::FromLastItem(id) => {
            let TyKind::Struct(item_shape) = &item_ty.kind else {
                unreachable!("checked above")
            };
            let id_m = member(service, item_shape, id)?;
            let id_f = field(names, item_shape, id)?;
            let id_expr = if !id_m.required || id_m.ty.nullable {
                quote!(item.#id_f.as_deref())
            } else {
                quote!(Some(item.#id_f.as_str()))
            };
            let limit = match &p.page_size {
                Some(ps) => {
                    let f = field(names, &op.input, ps)?;
                    quote!(input.#f.and_then(|limit| u32::try_from(limit).ok()))
                }
                None => quote!(None),
            };
            let items_ref = if items_optional {
                quote!(page.#items_f.as_deref().unwrap_or(&[]))
            } else {
                quote!(&page.#items_f)
            };
            (
                quote!(let limit: ::std::option::Option<u32> = #limit;),
                quote!(move |page: &model::#output| ::cloudcost_runtime::marker_from_last_item(#items_ref, limit, |item: &#item| #id_expr)),
            )
        }
    };
    let token_doc = match &p.output_token {
        OutputToken::Member(m) => format!(" Follows `{m}` until it is absent or empty; a repeated token ends the stream with an error."),
        OutputToken::FromLastItem(id) => format!(
            " Marker paging: the next `{}` is the `{id}` of the page's last item; paging ends on a page shorter than `{}` or empty.",
            p.input_token,
            p.page_size.as_deref().unwrap_or("the page size")
        ),
    };
    let pages_doc = format!(
        " Every page of `{}`, in order, starting from `input`.",
        op.name
    );
    let items_doc = format!(" Every item of `{}` across pages, holding one page at a time. `.max_items(n)` stops early.", p.items);
    let streams = quote! {
        #[doc = #pages_doc]
        ///
        #[doc = #token_doc]
        /// A page that fails after its retries ends the stream with that error.
        pub fn #pages(&self, input: &model::#input) -> ::cloudcost_runtime::PageStream<model::#output, Error<#error>> {
            let client = self.clone();
            #prelude
            ::std::boxed::Box::pin(::cloudcost_runtime::pages(
                self.core.page_limits(),
                input.clone(),
                move |request: model::#input| {
                    let client = client.clone();
                    async move { client.#method(&request).await }
                },
                #next_token,
                |request: &mut model::#input, token: ::std::string::String| #set_token,
            ))
        }

        #[doc = #items_doc]
        pub fn #items_fn(&self, input: &model::#input) -> ::cloudcost_runtime::ItemStream<model::#output, #item, Error<#error>> {
            Self::#items_from(self.#pages(input))
        }

        // The one flattening of this operation's pages, for the fluent call's `items()` too.
        pub(crate) fn #items_from(pages: ::cloudcost_runtime::PageStream<model::#output, Error<#error>>) -> ::cloudcost_runtime::ItemStream<model::#output, #item, Error<#error>> {
            fn take(page: model::#output) -> ::std::vec::Vec<#item> { #take_items }
            ::cloudcost_runtime::items(pages, take as fn(model::#output) -> ::std::vec::Vec<#item>)
        }
    };
    Ok((streams, item))
}

fn error_enum(service: &Service, op: &Operation, names: &FieldNames) -> Result<TokenStream> {
    let ident = format_ident!("{}Error", op.name);
    let doc = format!(" The modeled errors of {}.", op.name);
    let mut variants = TokenStream::new();
    let mut arms = TokenStream::new();
    let mut codes = TokenStream::new();
    let mut uses_headers = false;
    for e in &op.errors {
        // invariant: the loader refuses an operation error that is not an error structure (loader::operations::error_responses).
        let s = service.structure(e).expect("loader checked errors");
        // invariant: an operation lists only shapes with `x-cloudcost-error` (loader::operations::error_responses).
        let info = s.error.as_ref().expect("loader checked errors");
        let v = format_ident!("{e}");
        let code = &info.code;
        let vdoc = format!(
            " `{code}` (HTTP {}{}).",
            info.http_status,
            if info.throttling {
                ", throttling: retried"
            } else if info.retryable {
                ", retried"
            } else {
                ""
            }
        );
        variants.extend(quote!(#[doc = #vdoc] #v(model::#v),));
        codes.extend(quote!(Self::#v(_) => #code,));
        let mut fill = TokenStream::new();
        for m in &s.members {
            if let Location::Header(h) = &m.location {
                let f = field(names, e, &m.name)?;
                fill.extend(quote!(error.#f = ::cloudcost_runtime::header_value(headers, #h);));
            }
        }
        uses_headers |= !fill.is_empty();
        let bind = if fill.is_empty() {
            quote!(error)
        } else {
            quote!(mut error)
        };
        arms.extend(quote! {
            #code => <model::#v as ::cloudcost_runtime::cloudcost_types::FromJson>::from_json(body).map(|#bind| { #fill Self::#v(error) }),
        });
    }
    let headers_arg = if uses_headers {
        quote!(headers)
    } else {
        quote!(_headers)
    };
    let body_arg = if arms.is_empty() {
        quote!(_body)
    } else {
        quote!(body)
    };
    let code_fn = if op.errors.is_empty() {
        quote!(match *self {})
    } else {
        quote!(match self { #codes })
    };
    let (display, source) = if op.errors.is_empty() {
        (quote!(match *self {}), quote!(match *self {}))
    } else {
        let vs: Vec<syn::Ident> = op.errors.iter().map(|e| format_ident!("{e}")).collect();
        (
            quote!(match self { #( Self::#vs(e) => ::std::fmt::Display::fmt(e, f), )* }),
            quote!(match self { #( Self::#vs(e) => ::std::option::Option::Some(e), )* }),
        )
    };
    Ok(quote! {
        #[doc = #doc]
        #[derive(Clone, Debug, PartialEq)]
        #[non_exhaustive]
        pub enum #ident { #variants }

        impl #ident {
            /// The wire error code.
            pub fn code(&self) -> &'static str { #code_fn }
        }

        impl ::std::fmt::Display for #ident {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result { #display }
        }

        /// The `source()` is the modelled exception, for `downcast_ref`.
        impl ::std::error::Error for #ident {
            fn source(&self) -> ::std::option::Option<&(dyn ::std::error::Error + 'static)> { #source }
        }

        impl ::cloudcost_runtime::OperationError for #ident {
            fn from_code(
                code: &str,
                #body_arg: &[u8],
                #headers_arg: &::cloudcost_runtime::http::HeaderMap,
            ) -> ::std::option::Option<::std::result::Result<Self, ::cloudcost_runtime::cloudcost_types::DecodeError>> {
                Some(match code {
                    #arms
                    _ => return None,
                })
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use crate::emit::testing::{items, method};
    use crate::loader::testing::load;

    /// An SCP-style query operation with lists (exploded and not) and scalars.
    const QUERY: &str = r#"
x-cloudcost-service: {protocol: scpRest, auth: {scheme: scp-hmac, apiVersion: x 1.0}}
components:
  schemas:
    Usages: {type: object}
    Bad:
      type: object
      x-cloudcost-error: {code: BadRequest, httpStatus: 400, fault: client}
paths:
  /ping: null
  /v1/usages:
    get:
      operationId: ListUsages
      summary: List usages.
      parameters:
        - {name: ids, in: query, required: true, schema: {type: array, items: {type: string}}}
        - {name: tag, in: query, explode: false, schema: {type: array, items: {type: string}}}
        - {name: limit, in: query, schema: {type: integer}}
      responses:
        '200': {content: {application/json: {schema: {$ref: '#/components/schemas/Usages'}}}}
        '400': {content: {application/json: {schema: {oneOf: [{$ref: '#/components/schemas/Bad'}]}}}}
"#;

    fn client(fragment: &str) -> proc_macro2::TokenStream {
        let s = load(fragment);
        let (types, names) = crate::emit::model::structures(&s).unwrap();
        let builders = crate::emit::builder::emit(&s, &types, &names).unwrap();
        super::emit(&s, &names, &builders).unwrap()
    }

    #[test]
    fn query_operation_method() {
        assert_eq!(
            method(client(QUERY), "list_usages_with"),
            r#"/// List usages.
///
/// `GET /v1/usages`, with a request value (the fluent form is [`list_usages`](Self::list_usages)). Validates `input` first: an invalid request is never sent.
pub async fn list_usages_with(
    &self,
    input: &model::ListUsagesRequest,
) -> ::std::result::Result<model::Usages, Error<ListUsagesError>> {
    let mut query = ::std::vec::Vec::new();
    ::cloudcost_runtime::query::list(&mut query, "ids", &input.ids, true);
    if let Some(values) = &input.tag {
        ::cloudcost_runtime::query::list(&mut query, "tag", values, false);
    }
    ::cloudcost_runtime::query::optional(&mut query, "limit", input.limit.as_ref());
    self.core.invoke_query(&LIST_USAGES, input, query).await
}
"#
        );
    }

    #[test]
    fn fluent_call_forwards_the_builder_setters_and_sends_with_the_request_value_method() {
        let tokens = client(QUERY);
        assert_eq!(
            method(tokens.clone(), "list_usages"),
            r#"/// List usages.
///
/// Starts a `ListUsages` call: set the request's members on the returned builder, then `.send().await`. The same call as [`list_usages_with`](Self::list_usages_with) with a request built here.
pub fn list_usages(&self) -> fluent::ListUsagesFluentBuilder {
    fluent::ListUsagesFluentBuilder::new(self.clone())
}
"#
        );
        let file: syn::File = syn::parse2(tokens).unwrap();
        let fluent = file
            .items
            .iter()
            .find_map(|item| match item {
                syn::Item::Mod(m) if m.ident == "fluent" => Some(m.content.clone().unwrap().1),
                _ => None,
            })
            .expect("a `fluent` module");
        let fluent: proc_macro2::TokenStream = fluent
            .iter()
            .map(quote::ToTokens::to_token_stream)
            .collect();
        // The list setter keeps the builder's signature; the body forwards.
        assert_eq!(
            method(fluent.clone(), "ids"),
            r#"/// Sets `ids` (required).
pub fn ids<I, V>(mut self, values: I) -> Self
where
    I: ::std::iter::IntoIterator<Item = V>,
    V: ::std::convert::Into<::cloudcost_types::CompactString>,
{
    self.inner = self.inner.ids(values);
    self
}
"#
        );
        assert_eq!(
            method(fluent, "send"),
            r#"/// Builds the request and sends it as [`Client::list_usages_with`](super::Client::list_usages_with) does. A required member left unset is an `Error::Validation` naming it, and nothing is sent.
pub async fn send(
    self,
) -> ::std::result::Result<model::Usages, super::Error<super::ListUsagesError>> {
    let input = self
        .inner
        .build()
        .map_err(|missing| super::Error::missing_member("ListUsages", missing))?;
    self.client.list_usages_with(&input).await
}
"#
        );
    }

    #[test]
    fn operation_meta_with_its_modeled_errors() {
        assert_eq!(
            items(client(QUERY), |t| t.contains("static LIST_USAGES")),
            r#"static LIST_USAGES: ::cloudcost_runtime::OperationMeta = ::cloudcost_runtime::OperationMeta {
    name: "ListUsages",
    method: "GET",
    path: "/v1/usages",
    headers: &[],
    errors: &[
        ::cloudcost_runtime::ModeledError {
            code: "BadRequest",
            status: 400u16,
            retryable: false,
            throttling: false,
        },
    ],
};
"#
        );
    }

    #[test]
    fn json_operation_sends_its_media_type() {
        let out = items(client("{}"), |t| t.contains("static PING"));
        assert_eq!(
            out,
            r#"static PING: ::cloudcost_runtime::OperationMeta = ::cloudcost_runtime::OperationMeta {
    name: "Ping",
    method: "POST",
    path: "/ping",
    headers: &[("Content-Type", "application/json")],
    errors: &[],
};
"#
        );
    }

    #[test]
    fn error_enum_names_each_code() {
        assert_eq!(
            items(client(QUERY), |t| t.contains("pub enum ListUsagesError")),
            r#"/// The modeled errors of ListUsages.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum ListUsagesError {
    /// `BadRequest` (HTTP 400).
    Bad(model::Bad),
}
"#
        );
    }
}
