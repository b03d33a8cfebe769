//! Forward-compatible enums. typify has no option for an open enum, so every enum shape is
//! handed to typify as a replacement (it only refers to it) and is written here instead.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ir::{Service, ShapeKind};
use crate::naming::variant_ident;

use super::common::doc_attrs;

pub fn emit(service: &Service) -> TokenStream {
    let mut out = TokenStream::new();
    for shape in service.shapes.values() {
        let ShapeKind::Enum(values) = &shape.kind else {
            continue;
        };
        let name = format_ident!("{}", shape.name);
        let docs = doc_attrs(
            shape
                .docs
                .as_deref()
                .unwrap_or(&format!("`{}`", shape.name)),
        );
        let variants: Vec<_> = values
            .iter()
            .map(|v| format_ident!("{}", variant_ident(v)))
            .collect();
        let variant_docs: Vec<_> = values.iter().map(|v| format!("`{v}`")).collect();
        let values_lit = values.iter();
        let values_lit2 = values.iter();
        let values_lit3 = values.iter();
        out.extend(quote! {
            #docs
            ///
            /// Forward-compatible: a value this crate does not know decodes into
            /// [`Self::Unknown`] and encodes back unchanged. Matching is exact, so
            /// `"Dimension"` is `Unknown("Dimension")`, not `DIMENSION`.
            #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
            #[non_exhaustive]
            pub enum #name {
                #( #[doc = #variant_docs] #variants, )*
                /// A value not in the spec, kept verbatim.
                Unknown(::std::string::String),
            }

            impl #name {
                /// Every documented value, in spec order.
                pub const VALUES: &'static [&'static str] = &[ #( #values_lit ),* ];

                /// The wire value.
                pub fn as_str(&self) -> &str {
                    match self {
                        #( Self::#variants => #values_lit2, )*
                        Self::Unknown(value) => value,
                    }
                }

                /// Whether this value is not in the spec.
                pub fn is_unknown(&self) -> bool {
                    matches!(self, Self::Unknown(_))
                }
            }

            impl ::std::convert::From<&str> for #name {
                fn from(value: &str) -> Self {
                    match value {
                        #( #values_lit3 => Self::#variants, )*
                        other => Self::Unknown(other.to_owned()),
                    }
                }
            }

            impl ::std::convert::From<::std::string::String> for #name {
                fn from(value: ::std::string::String) -> Self {
                    match Self::from(value.as_str()) {
                        Self::Unknown(_) => Self::Unknown(value),
                        known => known,
                    }
                }
            }

            impl ::std::str::FromStr for #name {
                type Err = ::std::convert::Infallible;
                fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                    Ok(Self::from(value))
                }
            }

            impl ::std::fmt::Display for #name {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.write_str(self.as_str())
                }
            }

            impl ::serde::Serialize for #name {
                fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                    serializer.serialize_str(self.as_str())
                }
            }

            impl<'de> ::serde::Deserialize<'de> for #name {
                fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                    ::cloudcost_types::enums::deserialize(deserializer)
                }
            }
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::emit::testing::items;
    use crate::loader::testing::load;

    const COLOR: &str =
        "components: {schemas: {Color: {type: string, enum: [RED, dark-blue], description: A color.}}}";

    #[test]
    fn enum_with_its_unknown_variant() {
        let out = items(super::emit(&load(COLOR)), |t| t.contains("pub enum Color"));
        assert_eq!(
            out,
            r#"/// A color.
///
/// Forward-compatible: a value this crate does not know decodes into
/// [`Self::Unknown`] and encodes back unchanged. Matching is exact, so
/// `"Dimension"` is `Unknown("Dimension")`, not `DIMENSION`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Color {
    ///`RED`
    Red,
    ///`dark-blue`
    DarkBlue,
    /// A value not in the spec, kept verbatim.
    Unknown(::std::string::String),
}
"#
        );
    }

    #[test]
    fn decoding_is_exact_and_keeps_unknown_values() {
        let out = items(super::emit(&load(COLOR)), |t| {
            t.contains("From<&str> for Color")
        });
        assert_eq!(
            out,
            r#"impl ::std::convert::From<&str> for Color {
    fn from(value: &str) -> Self {
        match value {
            "RED" => Self::Red,
            "dark-blue" => Self::DarkBlue,
            other => Self::Unknown(other.to_owned()),
        }
    }
}
"#
        );
    }

    #[test]
    fn no_enums_no_output() {
        assert!(super::emit(&load("{}")).is_empty());
    }
}
