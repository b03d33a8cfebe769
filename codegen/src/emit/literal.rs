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

#[cfg(test)]
mod tests {
    use crate::emit::testing::expr;
    use crate::ir::*;

    #[test]
    fn marker_pagination() {
        let p = Pagination {
            input_token: "marker".into(),
            output_token: OutputToken::FromLastItem("id".into()),
            page_size: Some("limit".into()),
            items: "usages".into(),
        };
        assert_eq!(
            expr(super::pagination(Some(&p))),
            r#"const X: () = Some(Pagination {
    input_token: "marker",
    output_token: OutputToken::FromLastItem("id"),
    page_size: Some("limit"),
    items: "usages",
});
"#
        );
        assert_eq!(expr(super::pagination(None)), "const X: () = None;\n");
    }

    #[test]
    fn sigv4_with_a_fixed_region() {
        let auth = Auth::SigV4 {
            signing_name: "ce".into(),
            signing_region: Some("us-east-1".into()),
        };
        assert_eq!(
            expr(super::auth_meta(&auth)),
            r#"const X: () = ::cloudcost_runtime::AuthMeta::SigV4 {
    signing_name: "ce",
    signing_region: Some("us-east-1"),
};
"#
        );
    }

    #[test]
    fn error_body_pointers() {
        let body = ErrorBody {
            code: vec!["/errors/0/code".into()],
            message: vec!["/errors/0/detail".into(), "/message".into()],
            request_id: Vec::new(),
        };
        assert_eq!(
            expr(super::error_body(&body)),
            r#"const X: () = ::cloudcost_runtime::ErrorBodyMeta {
    code: &["/errors/0/code"],
    message: &["/errors/0/detail", "/message"],
    request_id: &[],
};
"#
        );
    }

    #[test]
    fn modeled_error() {
        let info = ErrorInfo {
            code: "ThrottlingException".into(),
            http_status: 429,
            server_fault: false,
            retryable: true,
            throttling: true,
        };
        assert_eq!(
            expr(super::modeled_error(&info)),
            r#"const X: () = ::cloudcost_runtime::ModeledError {
    code: "ThrottlingException",
    status: 429u16,
    retryable: true,
    throttling: true,
};
"#
        );
    }
}
