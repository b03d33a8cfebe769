//! The model crate's response decoders (`src/decode.rs`): `FromJson` for what a client
//! decodes (each operation's output and each error shape) and, for every structure and enum
//! those reach, a `FastJson` reader (`cloudcost_types::fast`): a `match` on the member's
//! index among the wire names (`Reader::members`) over a pull reader, with serde's derived
//! `Deserialize` kept as the path that answers whatever the fast path declines, errors
//! included.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::common::{is_option, FieldNames};
use crate::error::{Error, Result};
use crate::ir::*;

/// The `decode.rs` module of `service`'s model crate; `types` is `emit::model`'s output,
/// whose field types the readers' slots take.
pub fn emit(service: &Service, types: &TokenStream, names: &FieldNames) -> Result<TokenStream> {
    let roots = decoded(service);
    let (structs, enums) = reachable(service, &roots);
    let file: syn::File = syn::parse2(types.clone()).map_err(|e| Error::Emit {
        context: format!("{} (decoders)", service.spec_path),
        message: e.to_string(),
    })?;
    let mut out = TokenStream::new();
    for name in &roots {
        let ident = format_ident!("{name}");
        out.extend(quote! {
            impl ::cloudcost_types::FromJson for #ident {
                // Compiled here, in the model crate, not again in the client that calls it
                // (see `cloudcost_types::FromJson`).
                #[inline(never)]
                fn from_json(bytes: &[u8]) -> ::std::result::Result<Self, ::cloudcost_types::DecodeError> {
                    ::cloudcost_types::fast::decode(bytes)
                }
            }
        });
    }
    for item in &file.items {
        let syn::Item::Struct(s) = item else { continue };
        let name = s.ident.to_string();
        if !structs.contains(&name) {
            continue;
        }
        // invariant: `emit::model` made a struct for each structure of the spec and no other.
        let structure = service.structure(&name).expect("a spec structure");
        // `Reader::members` compares a name with the body's bytes as they are, which is the
        // JSON string only for a name with nothing to escape.
        if let Some(member) = structure
            .members
            .iter()
            .find(|m| m.name.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20))
        {
            return Err(Error::Emit {
                context: format!("{} (decoders)", service.spec_path),
                message: format!(
                    "member {:?} of {name}: a wire name with a quote, a backslash or a control \
                     character is not supported",
                    member.name
                ),
            });
        }
        out.extend(struct_reader(s, structure, names.get(&name)));
    }
    for name in enums {
        let ident = format_ident!("{name}");
        out.extend(quote! {
            impl ::cloudcost_types::fast::FastJson for #ident {
                fn read(r: &mut ::cloudcost_types::fast::Reader<'_>) -> ::std::option::Option<Self> {
                    ::cloudcost_types::fast::string_into(r)
                }
            }
        });
    }
    Ok(out)
}

/// What a client decodes from a body: each operation's output and each error shape.
fn decoded(service: &Service) -> BTreeSet<&str> {
    service
        .operations
        .iter()
        .map(|op| op.output.as_str())
        .chain(
            service
                .shapes
                .keys()
                .filter(|n| service.structure(n).is_some_and(|s| s.error.is_some()))
                .map(String::as_str),
        )
        .filter(|n| service.structure(n).is_some())
        .collect()
}

/// The structures and enums reachable from `roots` (`Service::closure`), apart: only these
/// get a reader (a request-only shape is never decoded by a client).
fn reachable(service: &Service, roots: &BTreeSet<&str>) -> (BTreeSet<String>, BTreeSet<String>) {
    roots
        .iter()
        .flat_map(|root| service.closure(root))
        .collect::<BTreeSet<String>>()
        .into_iter()
        .partition(|name| service.structure(name).is_some())
}

/// The `FastJson` impl of one structure.
fn struct_reader(
    s: &syn::ItemStruct,
    structure: &Structure,
    names: Option<&std::collections::BTreeMap<String, syn::Ident>>,
) -> TokenStream {
    let ident = &s.ident;
    let (fields, names) = match (&s.fields, names) {
        (syn::Fields::Named(fields), Some(names)) if !structure.members.is_empty() => {
            (fields, names)
        }
        // A free-form object (no members): serde_json reads it from its source text.
        _ => {
            return quote! {
                impl ::cloudcost_types::fast::FastJson for #ident {
                    fn read(r: &mut ::cloudcost_types::fast::Reader<'_>) -> ::std::option::Option<Self> {
                        r.via_serde()
                    }
                }
            }
        }
    };
    // The body members in spec order, the order services write them in: `Reader::members`
    // expects them so, and gives each arm its index here.
    let wire_names: Vec<&str> = structure
        .members
        .iter()
        .filter(|m| !matches!(m.location, Location::Header(_)))
        .map(|m| m.name.as_str())
        .collect();
    let (mut slots, mut arms, mut inits) = (Vec::new(), Vec::new(), Vec::new());
    for (i, field) in fields.named.iter().enumerate() {
        // invariant: named fields have idents.
        let field_ident = field.ident.as_ref().expect("named field");
        let Some(member) = structure
            .members
            .iter()
            .find(|m| names.get(&m.name) == Some(field_ident))
        else {
            continue;
        };
        let optional = is_option(&field.ty);
        if let Location::Header(_) = member.location {
            // Not in the body (serde skips it too): the client fills it from the header.
            inits.push(quote!(#field_ident: ::std::default::Default::default()));
            continue;
        }
        let slot = format_ident!("m{i}");
        let ty = &field.ty;
        slots
            .push(quote!(let mut #slot: ::std::option::Option<#ty> = ::std::option::Option::None;));
        let read = match codec(&member.ty) {
            Some(codec) if optional => quote!(|r| r.optional(::cloudcost_types::fast::#codec)),
            Some(codec) => quote!(::cloudcost_types::fast::#codec),
            None => quote!(::cloudcost_types::fast::FastJson::read),
        };
        let index = wire_names.iter().position(|name| *name == member.name);
        // invariant: `wire_names` holds every body member of `structure`.
        let index = index.expect("a body member is in wire_names");
        let index = proc_macro2::Literal::usize_unsuffixed(index);
        arms.push(quote!(#index => r.member(&mut #slot, #read),));
        inits.push(if optional {
            // Absent and `null` are both `None`, as serde's `default` makes them.
            quote!(#field_ident: #slot.flatten())
        } else {
            // A missing required member: serde's error, from the serde path.
            quote!(#field_ident: #slot?)
        });
    }
    quote! {
        impl ::cloudcost_types::fast::FastJson for #ident {
            fn read(r: &mut ::cloudcost_types::fast::Reader<'_>) -> ::std::option::Option<Self> {
                #(#slots)*
                r.members(&[#(#wire_names),*], |r, member| match member {
                    #(#arms)*
                    _ => r.skip(),
                })?;
                ::std::option::Option::Some(Self { #(#inits),* })
            }
        }
    }
}

/// The `cloudcost_types::fast` reader of a member with a wire codec: named after the same
/// IR codec whose `cloudcost_types::wire` module `emit::model` gives the member, so the two
/// decoders cannot disagree on which wire form a member has.
fn codec(ty: &Ty) -> Option<syn::Ident> {
    ty.codec.map(|c| format_ident!("{}", c.module()))
}

#[cfg(test)]
mod tests {
    use crate::emit::testing::items;
    use crate::loader::testing::load;

    #[test]
    fn readers_cover_what_responses_reach_and_leave_headers_to_the_client() {
        let s = load(
            r#"
paths:
  /cost:
    get:
      operationId: GetCost
      responses:
        '200':
          content: {application/json: {schema: {$ref: '#/components/schemas/Cost'}}}
components:
  schemas:
    Unit: {type: string, enum: [USD, KRW]}
    Cost:
      type: object
      required: [amount]
      properties:
        amount: {type: string, format: decimal}
        unit: {$ref: '#/components/schemas/Unit'}
        requestId: {type: string, x-cloudcost-location: header, x-cloudcost-location-name: x-request-id}
    Unrelated:
      type: object
      properties:
        name: {type: string}
"#,
        );
        let (types, names) = crate::emit::model::structures(&s).unwrap();
        let tokens = super::emit(&s, &types, &names).unwrap();
        assert_eq!(
            items(tokens.clone(), |t| t.contains("FastJson for Cost")),
            r#"impl ::cloudcost_types::fast::FastJson for Cost {
    fn read(r: &mut ::cloudcost_types::fast::Reader<'_>) -> ::std::option::Option<Self> {
        let mut m0: ::std::option::Option<::cloudcost_types::rust_decimal::Decimal> = ::std::option::Option::None;
        let mut m2: ::std::option::Option<::std::option::Option<Unit>> = ::std::option::Option::None;
        r.members(
            &["amount", "unit"],
            |r, member| match member {
                0 => r.member(&mut m0, ::cloudcost_types::fast::decimal_string),
                1 => r.member(&mut m2, ::cloudcost_types::fast::FastJson::read),
                _ => r.skip(),
            },
        )?;
        ::std::option::Option::Some(Self {
            amount: m0?,
            request_id: ::std::default::Default::default(),
            unit: m2.flatten(),
        })
    }
}
"#
        );
        let all = items(tokens, |_| true);
        assert!(
            all.contains("impl ::cloudcost_types::FromJson for Cost {"),
            "{all}"
        );
        assert!(
            all.contains("::cloudcost_types::fast::decode(bytes)"),
            "{all}"
        );
        assert!(all.contains("FastJson for Unit {"), "{all}");
        // A shape no response reaches gets no reader: it would only cost build time.
        assert!(!all.contains("Unrelated"), "{all}");
    }
}
