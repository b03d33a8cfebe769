//! Emitters: each reads the IR and returns files; none reads the specs.

pub mod builder;
pub mod cargo;
pub mod cli;
pub mod client;
pub mod common;
pub mod decode;
pub mod enums;
pub mod errors;
pub mod families;
pub mod fluent;
pub mod literal;
pub mod mock;
pub mod model;
pub mod openapi;
pub mod schema;
pub mod validate;

/// A file the generator produces, relative to the workspace root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GeneratedFile {
    pub path: String,
    pub contents: String,
}

/// Rendering of emitted tokens for the emitters' unit tests: each test builds a small IR
/// (`crate::loader::testing`) and compares one construct's output, formatted as the
/// generator writes it, with the expected text.
#[cfg(test)]
pub(crate) mod testing {
    use proc_macro2::TokenStream;

    /// The top-level items of `tokens` whose formatted text satisfies `keep`, formatted and
    /// concatenated.
    pub(crate) fn items(tokens: TokenStream, keep: impl Fn(&str) -> bool) -> String {
        let file: syn::File = syn::parse2(tokens).expect("emitted tokens parse");
        file.items
            .into_iter()
            .map(|item| {
                prettyplease::unparse(&syn::File {
                    shebang: None,
                    attrs: Vec::new(),
                    items: vec![item],
                })
            })
            .filter(|text| keep(text))
            .collect()
    }

    /// The method `name` of any `impl` block in `tokens`, formatted as a free function.
    pub(crate) fn method(tokens: TokenStream, name: &str) -> String {
        let file: syn::File = syn::parse2(tokens).expect("emitted tokens parse");
        for item in file.items {
            let syn::Item::Impl(imp) = item else { continue };
            for it in imp.items {
                if let syn::ImplItem::Fn(f) = it {
                    if f.sig.ident == name {
                        let item = syn::Item::Fn(syn::ItemFn {
                            attrs: f.attrs,
                            vis: f.vis,
                            sig: f.sig,
                            block: Box::new(f.block),
                        });
                        return prettyplease::unparse(&syn::File {
                            shebang: None,
                            attrs: Vec::new(),
                            items: vec![item],
                        });
                    }
                }
            }
        }
        panic!("no method `{name}`")
    }

    /// An emitted expression, formatted as the value of `const X`.
    pub(crate) fn expr(tokens: TokenStream) -> String {
        prettyplease::unparse(&syn::parse_quote!(const X: () = #tokens;))
    }
}
