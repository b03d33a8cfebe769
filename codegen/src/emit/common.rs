//! What several emitters share: the field names typify chose, doc attributes, and the Rust
//! type of a wire codec. Kept apart from `model` so that an emitter depends on these
//! helpers, not on another emitter.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;
use syn::parse_quote;

use crate::ir::{Codec, Location, Member};

/// A generated structure's Rust field name for each wire name, as typify chose them.
pub type FieldNames = BTreeMap<String, BTreeMap<String, syn::Ident>>;

/// The Rust type users see for a member read through `codec`.
pub fn codec_type(codec: Codec) -> syn::Type {
    match codec {
        Codec::DecimalString | Codec::DecimalNumber => {
            parse_quote!(::cloudcost_types::rust_decimal::Decimal)
        }
        Codec::Date => parse_quote!(::cloudcost_types::chrono::NaiveDate),
        Codec::EpochSeconds => {
            parse_quote!(::cloudcost_types::chrono::DateTime<::cloudcost_types::chrono::Utc>)
        }
        Codec::LocalDateTime => parse_quote!(::cloudcost_types::chrono::NaiveDateTime),
    }
}

/// Whether a member's field is an `Option`: an optional or nullable member, or one bound
/// to a header (a response may leave any header out), though a query parameter follows its
/// `required`.
pub fn is_optional(m: &Member) -> bool {
    !m.required
        || m.ty.nullable
        || m.location != Location::Body && !matches!(m.location, Location::Query { .. })
}

/// Whether a field's type is an `Option<_>` (typify's optional members).
pub fn is_option(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "Option"))
}

/// The `///` lines of a description, each with the leading space rustdoc expects.
pub fn doc_lines(docs: &str) -> Vec<String> {
    if docs.trim().is_empty() {
        return Vec::new();
    }
    docs.lines()
        .map(|l| {
            if l.is_empty() {
                String::new()
            } else {
                format!(" {l}")
            }
        })
        .collect()
}

/// `#[doc]` attributes for a description.
pub fn doc_attrs(docs: &str) -> TokenStream {
    let lines = doc_lines(docs);
    quote!(#( #[doc = #lines] )*)
}
