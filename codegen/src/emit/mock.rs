//! The mock server's tables (`crates/mock/src/generated/`): for each family, its routes,
//! request checks, response encoders, JSON Schemas, documented examples, pagination and
//! error answers, all from the IR. The server in `crates/mock/src` is hand-written and
//! generic: it never names a service or an operation, it reads these tables.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{literal, GeneratedFile};
use crate::error::{Error, Result};
use crate::ir::*;
use crate::naming::{family_module, FAMILIES_CRATE};

/// Where the tables go; the folder is generator-owned (see `owned_dirs`).
const DIR: &str = "crates/mock/src/generated";

/// From a file in `DIR` to the workspace root, for `include_str!`.
const TO_ROOT: &str = "../../../../";

/// The module name of a family (`aws-ce` → `aws_ce`).
fn module(service: &Service) -> syn::Ident {
    format_ident!("{}", service.family.replace('-', "_"))
}

/// Every table file: one per family and a `mod.rs` listing them.
pub fn files(services: &[Service], header: &str) -> Result<Vec<GeneratedFile>> {
    let mut files = Vec::new();
    let mut mods = TokenStream::new();
    let mut list = TokenStream::new();
    for service in services {
        let m = module(service);
        mods.extend(quote!(pub mod #m;));
        list.extend(quote!(&#m::SERVICE,));
        let path = format!("{DIR}/{m}.rs");
        files.push(GeneratedFile {
            contents: render(&path, header, service_table(service)?)?,
            path,
        });
    }
    let path = format!("{DIR}/mod.rs");
    let root = quote! {
        //! The services the mock serves, one table per spec.
        #mods
        /// Every service, in spec order.
        pub static SERVICES: &[&crate::spec::ServiceSpec] = &[#list];
    };
    files.push(GeneratedFile {
        contents: render(&path, header, root)?,
        path,
    });
    Ok(files)
}

fn render(path: &str, header: &str, tokens: TokenStream) -> Result<String> {
    let ast: syn::File = syn::parse2(tokens).map_err(|e| Error::Emit {
        context: path.to_string(),
        message: e.to_string(),
    })?;
    Ok(format!("// {header}\n\n{}", prettyplease::unparse(&ast)))
}

fn include(path: &str) -> TokenStream {
    let path = format!("{TO_ROOT}{path}");
    quote!(include_str!(#path))
}

fn schema(service: &Service, shape: &str) -> TokenStream {
    include(&format!("schemas/{}/{shape}.json", service.family))
}

fn service_table(service: &Service) -> Result<TokenStream> {
    // Through the crate of every family, so the mock's manifest never names a family.
    let families = format_ident!("{}", FAMILIES_CRATE.replace('-', "_"));
    let module = format_ident!("{}", family_module(&service.family, "model"));
    let model = quote!(#families::#module);
    let family = &service.family;
    let title = &service.title;
    let protocol = format_ident!(
        "{}",
        match service.protocol {
            Protocol::AwsJson1_1 => "AwsJson1_1",
            Protocol::RestJson1 => "RestJson1",
            Protocol::ScpRest => "ScpRest",
        }
    );
    let auth = literal::auth_meta(&service.auth);
    let error_body = literal::error_body(&service.error_body);
    let common: Vec<TokenStream> = service
        .common_errors
        .iter()
        .map(|e| {
            let (code, status) = (&e.code, e.http_status);
            quote!(CommonError { code: #code, status: #status })
        })
        .collect();
    let mut error_shapes = Vec::new();
    for (name, shape) in &service.shapes {
        let ShapeKind::Structure(Structure {
            error: Some(info),
            members,
        }) = &shape.kind
        else {
            continue;
        };
        let ty = format_ident!("{name}");
        let (code, status) = (&info.code, info.http_status);
        let headers: Vec<TokenStream> = members
            .iter()
            .filter_map(|m| match &m.location {
                Location::Header(h) => {
                    let member = &m.name;
                    Some(quote!((#member, #h)))
                }
                _ => None,
            })
            .collect();
        let schema = schema(service, name);
        error_shapes.push(quote! {
            ErrorShape {
                code: #code,
                status: #status,
                schema: #schema,
                encode: encode::<#model::#ty>,
                headers: &[#(#headers),*],
            }
        });
    }
    let answers = service.errors_for.all().map(|(_, a)| answer(a));
    let [invalid_request, missing_auth, bad_signature, throttled, internal, unavailable, invalid_token, changed_request] =
        answers;
    let operations = service
        .operations
        .iter()
        .map(|op| operation(service, op, &model))
        .collect::<Vec<_>>();
    let billing = match &service.billing {
        Some(b) => {
            let (price, currency) = (&b.per_request, &b.currency);
            quote!(Some(Billing { per_request: #price, currency: #currency }))
        }
        None => quote!(None),
    };
    let doc = format!(" {title} (`{}`).", service.spec_path);
    Ok(quote! {
        use crate::spec::*;

        #[doc = #doc]
        pub static SERVICE: ServiceSpec = ServiceSpec {
            family: #family,
            title: #title,
            protocol: Protocol::#protocol,
            auth: #auth,
            common_errors: &[#(#common),*],
            error_body: #error_body,
            error_shapes: &[#(#error_shapes),*],
            errors_for: ErrorsFor {
                invalid_request: #invalid_request,
                missing_auth: #missing_auth,
                bad_signature: #bad_signature,
                throttled: #throttled,
                internal: #internal,
                unavailable: #unavailable,
                invalid_token: #invalid_token,
                changed_request: #changed_request,
            },
            operations: &[#(#operations),*],
            billing: #billing,
        };
    })
}

fn answer(a: &SituationError) -> TokenStream {
    let code = &a.code;
    let members: Vec<TokenStream> = a
        .members
        .iter()
        .map(|(k, v)| {
            let json = v.to_string();
            quote!((#k, #json))
        })
        .collect();
    let field_list = literal::option_str(a.field_list.as_deref());
    quote!(Answer { code: #code, members: &[#(#members),*], field_list: #field_list })
}

fn operation(service: &Service, op: &Operation, model: &TokenStream) -> TokenStream {
    let name = &op.name;
    let method = &op.method;
    let path = &op.path;
    let target = literal::option_str(op.target.as_deref());
    let input = format_ident!("{}", op.input);
    let output = format_ident!("{}", op.output);
    let request_schema = schema(service, &op.input);
    let response_schema = schema(service, &op.output);
    let examples: Vec<TokenStream> = op
        .examples
        .iter()
        .filter(|e| e.direction == Direction::Response)
        .map(|e| include(&e.path))
        .collect();
    let request_examples: Vec<TokenStream> = op
        .examples
        .iter()
        .filter(|e| e.direction == Direction::Request)
        .map(|e| include(&e.path))
        .collect();
    let query = match &op.query {
        Some(q) => {
            let kind = q.kind.name();
            let members = q.members.iter().map(|(r, m)| quote!((#r, #m)));
            quote!(Some(QuerySpec { kind: #kind, members: &[#(#members),*] }))
        }
        None => quote!(None),
    };
    let pagination = literal::pagination(op.pagination.as_ref());
    let errors: Vec<&str> = op
        .errors
        .iter()
        .filter_map(|e| service.structure(e).and_then(|s| s.error.as_ref()))
        .map(|info| info.code.as_str())
        .collect();
    quote! {
        OperationSpec {
            name: #name,
            method: #method,
            path: #path,
            target: #target,
            request_schema: #request_schema,
            response_schema: #response_schema,
            check_request: check::<#model::#input>,
            encode_response: encode::<#model::#output>,
            examples: &[#(#examples),*],
            request_examples: &[#(#request_examples),*],
            pagination: #pagination,
            errors: &[#(#errors),*],
            query: #query,
        }
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use crate::emit::testing::expr;
    use crate::loader::testing::load;

    #[test]
    fn situation_answer_with_members_and_field_list() {
        let s = load(
            r#"
components:
  schemas:
    Field: {type: object, properties: {name: {type: string}, message: {type: string}}}
    Invalid:
      type: object
      x-cloudcost-error: {code: ValidationException, httpStatus: 400, fault: client}
      properties:
        reason: {type: string}
        fields: {type: array, items: {$ref: '#/components/schemas/Field'}}
x-cloudcost-service:
  errorsFor:
    invalidRequest: {code: ValidationException, members: {reason: BAD}, fieldList: fields}
"#,
        );
        assert_eq!(
            expr(super::answer(&s.errors_for.invalid_request)),
            r#"const X: () = Answer {
    code: "ValidationException",
    members: &[("reason", "\"BAD\"")],
    field_list: Some("fields"),
};
"#
        );
    }

    #[test]
    fn operation_table_entry() {
        let s = load("{}");
        assert_eq!(
            expr(super::operation(
                &s,
                &s.operations[0],
                &quote!(cloudcost_families::test_model)
            )),
            r#"const X: () = OperationSpec {
    name: "Ping",
    method: "POST",
    path: "/ping",
    target: None,
    request_schema: include_str!("../../../../schemas/test/Empty.json"),
    response_schema: include_str!("../../../../schemas/test/Empty.json"),
    check_request: check::<cloudcost_families::test_model::Empty>,
    encode_response: encode::<cloudcost_families::test_model::Empty>,
    examples: &[],
    request_examples: &[],
    pagination: None,
    errors: &[],
    query: None,
};
"#
        );
    }
}
