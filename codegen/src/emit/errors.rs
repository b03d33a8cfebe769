//! The model crate's `src/errors.rs`: `Display` and `std::error::Error` for every modelled
//! error structure, so that a client's `Error::Service` leads through `source()` to the
//! service's own exception, as smithy-rs's errors do (`anyhow`'s `{:#}` and `downcast_ref`
//! reach it), and a `message()` that reads the message where the spec's `errorBody.message`
//! pointers say, the same pointers the runtime reads from the raw body. How an exception
//! reads is `cloudcost_types::service_error::fmt`, once for every type.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::common::{is_optional, FieldNames};
use crate::ir::*;

/// The `errors.rs` module of `service`'s model crate.
pub fn emit(service: &Service, names: &FieldNames) -> TokenStream {
    let mut out = TokenStream::new();
    for (name, shape) in &service.shapes {
        let ShapeKind::Structure(Structure {
            error: Some(info), ..
        }) = &shape.kind
        else {
            continue;
        };
        let ident = format_ident!("{name}");
        let code = &info.code;
        let messages: Vec<TokenStream> = service
            .error_body
            .message
            .iter()
            .filter_map(|pointer| message_expr(service, names, name, pointer))
            .collect();
        let message = if messages.is_empty() {
            quote!(::std::option::Option::None)
        } else {
            quote!(::std::option::Option::None #( .or_else(|| #messages) )*)
        };
        let doc = format!(" `{code}`, then the message the service sent, if any.");
        let message_doc = format!(
            " The message the service sent with `{code}`, where the spec's `errorBody` says \
             error bodies carry it; `None` when the body has none."
        );
        out.extend(quote! {
            impl #ident {
                #[doc = #message_doc]
                pub fn message(&self) -> ::std::option::Option<&str> {
                    #message
                }
            }

            impl ::std::fmt::Display for #ident {
                #[doc = #doc]
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    ::cloudcost_types::service_error::fmt(f, #code, self.message())
                }
            }

            impl ::std::error::Error for #ident {}
        });
    }
    out
}

/// An expression of type `Option<&str>` that reads `pointer` (a JSON pointer of the spec's
/// `errorBody.message`) from `self`, a value of structure `shape`; `None` when the pointer
/// does not lead through the structure's members to a string (it then names a body form
/// this shape does not model). Keys match exactly or ignoring ASCII case, as the runtime's
/// lookup of the raw body does; a key that matches two members is left out.
fn message_expr(
    service: &Service,
    names: &FieldNames,
    shape: &str,
    pointer: &str,
) -> Option<TokenStream> {
    let steps: Vec<&str> = pointer.strip_prefix('/')?.split('/').collect();
    let mut expr = quote!(::std::option::Option::Some(self));
    let mut at = Ty::plain(TyKind::Struct(shape.to_string()));
    for raw in steps {
        let token = raw.replace("~1", "/").replace("~0", "~");
        at = match &at.kind {
            TyKind::Struct(name) => {
                let structure = service.structure(name)?;
                let body = |m: &&Member| m.location == Location::Body;
                let member = structure
                    .members
                    .iter()
                    .filter(body)
                    .find(|m| m.name == token)
                    .or_else(|| {
                        let mut loose = structure
                            .members
                            .iter()
                            .filter(body)
                            .filter(|m| m.name.eq_ignore_ascii_case(&token));
                        let first = loose.next();
                        first.filter(|_| loose.next().is_none())
                    })?;
                let field = names.get(name)?.get(&member.name)?;
                expr = if is_optional(member) {
                    quote!(#expr.and_then(|v| v.#field.as_ref()))
                } else {
                    quote!(#expr.map(|v| &v.#field))
                };
                member.ty.clone()
            }
            TyKind::List(item) => {
                let index: usize = token.parse().ok()?;
                expr = quote!(#expr.and_then(|v| v.get(#index)));
                (**item).clone()
            }
            _ => return None,
        };
    }
    (at.kind == TyKind::String)
        .then(|| quote!(#expr.map(|s| s.as_str()).filter(|s| !s.trim().is_empty())))
}

#[cfg(test)]
mod tests {
    use crate::emit::testing::items;
    use crate::loader::testing::load;

    #[test]
    fn an_error_displays_its_code_and_the_message_found_through_the_pointers() {
        let s = load(
            r#"
x-cloudcost-service:
  errorBody: {message: [/errors/0/detail, /message]}
components:
  schemas:
    Detail:
      type: object
      properties:
        detail: {type: string}
    Bad:
      type: object
      x-cloudcost-error: {code: BadRequest, httpStatus: 400, fault: client}
      properties:
        errors: {type: array, items: {$ref: '#/components/schemas/Detail'}}
        Message: {type: string}
    Plain:
      type: object
      x-cloudcost-error: {code: Plain, httpStatus: 500, fault: server}
      properties:
        count: {type: integer}
"#,
        );
        let (_, names) = crate::emit::model::structures(&s).unwrap();
        let tokens = super::emit(&s, &names);
        let bad = items(tokens.clone(), |t| t.contains("impl Bad {"));
        let flat: String = bad.split_whitespace().collect();
        let nested = flat
            .find(".and_then(|v|v.errors.as_ref()).and_then(|v|v.get(0usize)).and_then(|v|v.detail.as_ref()).map(|s|s.as_str())")
            .expect("the envelope's pointer is followed through the list");
        let top = flat
            .find(".and_then(|v|v.message.as_ref())")
            .expect("`/message` finds `Message`, ignoring case as the runtime does");
        // The pointers are tried in the spec's order.
        assert!(nested < top, "{bad}");
        let plain = items(tokens.clone(), |t| t.contains("Plain"));
        let flat_plain: String = plain.split_whitespace().collect();
        assert!(
            flat_plain.contains(
                "pubfnmessage(&self)->::std::option::Option<&str>{::std::option::Option::None}"
            ),
            "{plain}"
        );
        assert!(
            flat_plain
                .contains("::cloudcost_types::service_error::fmt(f,\"Plain\",self.message())"),
            "{plain}"
        );
        assert_eq!(
            items(tokens, |t| t.contains("std::error::Error for"))
                .matches("impl")
                .count(),
            2
        );
    }
}
