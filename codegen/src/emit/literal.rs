//! Rust literals of IR facts that more than one emitter writes into generated tables, so
//! each is spelled in one place.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::*;

/// `Some("text")` or `None`.
pub fn option_str(value: Option<&str>) -> TokenStream {
    match value {
        Some(v) => quote!(Some(#v)),
        None => quote!(None),
    }
}

/// A `cloudcost_runtime::ErrorBodyMeta` value: where error bodies state their details.
pub fn error_body(body: &ErrorBody) -> TokenStream {
    let (code, message, request_id) = (&body.code, &body.message, &body.request_id);
    quote!(::cloudcost_runtime::ErrorBodyMeta {
        code: &[#(#code),*],
        message: &[#(#message),*],
        request_id: &[#(#request_id),*],
    })
}

/// A `cloudcost_runtime::ModeledError` value.
pub fn modeled_error(info: &ErrorInfo) -> TokenStream {
    let (code, status, retryable, throttling) = (
        &info.code,
        info.http_status,
        info.retryable,
        info.throttling,
    );
    quote!(::cloudcost_runtime::ModeledError { code: #code, status: #status, retryable: #retryable, throttling: #throttling })
}

/// A `cloudcost_runtime::AuthMeta` value.
pub fn auth_meta(auth: &Auth) -> TokenStream {
    match auth {
        Auth::SigV4 {
            signing_name,
            signing_region,
        } => {
            let region = option_str(signing_region.as_deref());
            quote!(::cloudcost_runtime::AuthMeta::SigV4 { signing_name: #signing_name, signing_region: #region })
        }
        Auth::ScpHmac { api_version } => {
            quote!(::cloudcost_runtime::AuthMeta::ScpHmac { api_version: #api_version })
        }
    }
}

/// `Some(Pagination { .. })` or `None`: a `cloudcost_runtime::meta::Pagination`, which
/// the mock's and the CLI's tables bring into scope.
pub fn pagination(pagination: Option<&Pagination>) -> TokenStream {
    let Some(p) = pagination else {
        return quote!(None);
    };
    let input_token = &p.input_token;
    let items = &p.items;
    let output_token = match &p.output_token {
        OutputToken::Member(m) => quote!(OutputToken::Member(#m)),
        OutputToken::FromLastItem(m) => quote!(OutputToken::FromLastItem(#m)),
    };
    let page_size = option_str(p.page_size.as_deref());
    quote!(Some(Pagination {
        input_token: #input_token,
        output_token: #output_token,
        page_size: #page_size,
        items: #items,
    }))
}
