//! The `cloudcost` CLI's per-operation glue (`crates/cli/src/generated/mod.rs`).
//!
//! One table for every spec: each service's command name (`x-cloudcost-service/cliName`),
//! each operation's command name (the kebab-case `operationId`), summary, request and
//! response JSON Schemas (by `include_str!` of the exported `schemas/`, so the CLI derives
//! its flags and table columns from the same documents users see) and pagination members;
//! and per operation one small function that decodes the request, builds the generated
//! client and starts the single call or the page stream. Everything that behaves — flags,
//! shorthand, merging pages, output formats, errors — is hand-written in `crates/cli`.

use heck::ToKebabCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ir::*;
use crate::naming::{family_module, snake, FAMILIES_CRATE};

/// The CLI's own subcommands, which no service may take as its `cliName`.
pub const RESERVED_COMMANDS: &[&str] = &["mock", "focus", "help"];

/// Where the generated table lives.
pub const PATH: &str = "crates/cli/src/generated/mod.rs";

/// The command name of an operation: `GetCostAndUsage` -> `get-cost-and-usage`.
pub fn operation_command(op: &Operation) -> String {
    op.name.to_kebab_case()
}

/// The module body (without the header line).
pub fn emit(services: &[Service]) -> TokenStream {
    let mut entries = Vec::new();
    let mut modules = Vec::new();
    for service in services {
        let module = format_ident!("{}", snake(&service.family));
        // Through the crate of every family, so the CLI's manifest never names a family.
        let families = format_ident!("{}", FAMILIES_CRATE.replace('-', "_"));
        let client = format_ident!("{}", family_module(&service.family, "client"));
        let client = quote!(#families::#client);
        let (cli_name, family, title) = (&service.cli_name, &service.family, &service.title);
        let mut ops = Vec::new();
        let mut fns = Vec::new();
        for op in &service.operations {
            ops.push(operation_entry(service, op, &module));
            fns.push(operation_fn(op));
        }
        let auth = super::literal::auth_meta(&service.auth);
        entries.push(quote! {
            ServiceDef {
                cli_name: #cli_name,
                family: #family,
                title: #title,
                auth: #auth,
                operations: &[#(#ops),*],
            }
        });
        let module_doc = format!(" Calls of {title} (`{}`).", service.spec_path);
        modules.push(quote! {
            #[doc = #module_doc]
            mod #module {
                use #client::{model, Client};
                use crate::call::{self, Call, CallError, WirePages};

                #(#fns)*
            }
        });
    }
    quote! {
        use crate::call::{OperationDef, OutputToken, Pagination, ServiceDef};

        /// Every service of the specs, in spec-file order, with its operations in spec order.
        pub static SERVICES: &[ServiceDef] = &[#(#entries),*];

        #(#modules)*
    }
}

fn operation_entry(service: &Service, op: &Operation, module: &syn::Ident) -> TokenStream {
    let command = operation_command(op);
    let name = &op.name;
    let summary = op
        .summary
        .clone()
        .or_else(|| op.docs.clone())
        .unwrap_or_else(|| op.name.clone());
    // The generated file is crates/cli/src/generated/mod.rs: four levels below the root.
    let request = format!("../../../../schemas/{}/{}.json", service.family, op.input);
    let response = format!("../../../../schemas/{}/{}.json", service.family, op.output);
    let pagination = super::literal::pagination(op.pagination.as_ref());
    let run = format_ident!("{}", snake(&op.name));
    quote! {
        OperationDef {
            cli_name: #command,
            name: #name,
            summary: #summary,
            request_schema: include_str!(#request),
            response_schema: include_str!(#response),
            pagination: #pagination,
            run: #module::#run,
        }
    }
}

fn operation_fn(op: &Operation) -> TokenStream {
    let run = format_ident!("{}", snake(&op.name));
    let method = super::fluent::with_method(op);
    let input = format_ident!("{}", op.input);
    let doc = format!(
        " `{}`: decodes and validates the request, then calls it (or pages through it).",
        op.name
    );
    let start = if op.pagination.is_some() {
        let pages = format_ident!("{}_pages", snake(&op.name));
        quote! {
            Ok(if call.all_pages {
                call::pages(client.#pages(&request))
            } else {
                call::single(async move { client.#method(&request).await })
            })
        }
    } else {
        quote!(Ok(call::single(async move { client.#method(&request).await })))
    };
    quote! {
        #[doc = #doc]
        pub(super) fn #run(call: Call) -> Result<WirePages, CallError> {
            let request: model::#input = call::request(&call.request)?;
            let client = Client::new(call.config).map_err(call::build_error)?;
            #start
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::emit::testing::items;
    use crate::loader::testing::load;

    #[test]
    fn the_clis_own_commands_are_reserved() {
        // `cloudcost mock` and `cloudcost focus` (crates/cli/src/focus.rs) are hand-written.
        for own in ["mock", "focus", "help"] {
            assert!(super::RESERVED_COMMANDS.contains(&own), "{own}");
        }
    }

    const PAGED: &str = r#"
components:
  schemas:
    In: {type: object, properties: {token: {type: string}}}
    Out:
      type: object
      properties:
        token: {type: string}
        items: {type: array, items: {$ref: '#/components/schemas/Empty'}}
paths:
  /ping: null
  /usage/list:
    post:
      operationId: ListUsageTotals
      requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/In'}}}}
      responses:
        '200': {content: {application/json: {schema: {$ref: '#/components/schemas/Out'}}}}
      x-cloudcost-pagination: {inputToken: token, outputToken: token, items: items}
"#;

    #[test]
    fn service_table_entry() {
        let s = load(PAGED);
        assert_eq!(
            super::operation_command(&s.operations[0]),
            "list-usage-totals"
        );
        assert_eq!(
            items(super::emit(&[s]), |t| t.contains("static SERVICES")),
            r#"/// Every service of the specs, in spec-file order, with its operations in spec order.
pub static SERVICES: &[ServiceDef] = &[
    ServiceDef {
        cli_name: "test",
        family: "test",
        title: "Test",
        auth: ::cloudcost_runtime::AuthMeta::SigV4 {
            signing_name: "test",
            signing_region: None,
        },
        operations: &[
            OperationDef {
                cli_name: "list-usage-totals",
                name: "ListUsageTotals",
                summary: "ListUsageTotals",
                request_schema: include_str!("../../../../schemas/test/In.json"),
                response_schema: include_str!("../../../../schemas/test/Out.json"),
                pagination: Some(Pagination {
                    input_token: "token",
                    output_token: OutputToken::Member("token"),
                    page_size: None,
                    items: "items",
                }),
                run: test::list_usage_totals,
            },
        ],
    },
];
"#
        );
    }

    #[test]
    fn paged_operation_function() {
        assert_eq!(
            super::operation_fn(&load(PAGED).operations[0]).to_string(),
            quote::quote! {
                #[doc = " `ListUsageTotals`: decodes and validates the request, then calls it (or pages through it)."]
                pub(super) fn list_usage_totals(call: Call) -> Result<WirePages, CallError> {
                    let request: model::In = call::request(&call.request)?;
                    let client = Client::new(call.config).map_err(call::build_error)?;
                    Ok(if call.all_pages {
                        call::pages(client.list_usage_totals_pages(&request))
                    } else {
                        call::single(async move { client.list_usage_totals_with(&request).await })
                    })
                }
            }
            .to_string()
        );
    }
}
