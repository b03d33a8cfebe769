//! Query strings (SCP): how a scalar, an optional member and a list become `name=value`
//! pairs (generated code calls one of these per member), and how the pairs become the
//! query string ([`encode`]), written once when the URL is built so that the signed URL
//! and the sent URL are the same string.
//!
//! The SCP server verifies a signature over the URL it receives, so the query must be
//! written exactly as SCP's own Go SDK writes it: `url.Values.Encode()` in
//! `library/*/client.go` (`prepareRequest`), then `%5B`/`%5D` in keys turned back into
//! `[`/`]`. Keys are sorted bytewise, the values of a repeated key keep their order, and
//! every key and value is escaped with Go's `url.QueryEscape`.

use std::fmt::Display;

/// The query string of `pairs` as the SCP Go SDK writes it (no leading `?`; empty when
/// there are no pairs).
pub fn encode<K: AsRef<str>, V: AsRef<str>>(pairs: &[(K, V)]) -> String {
    let mut sorted: Vec<&(K, V)> = pairs.iter().collect();
    // Stable: the values of one key keep the order they were given in, as Go's
    // `url.Values` (a map of key -> list of values) keeps them.
    sorted.sort_by(|a, b| a.0.as_ref().as_bytes().cmp(b.0.as_ref().as_bytes()));
    let mut out = String::new();
    for (key, value) in sorted {
        if !out.is_empty() {
            out.push('&');
        }
        let key = query_escape(key.as_ref());
        // The SDK un-escapes brackets in keys (deepObject names such as `filter[name]`).
        out.push_str(&key.replace("%5B", "[").replace("%5D", "]"));
        out.push('=');
        out.push_str(&query_escape(value.as_ref()));
    }
    out
}

/// Go's `url.QueryEscape`: ASCII letters, digits and `-_.~` stay, a space becomes `+`,
/// every other byte of the UTF-8 text becomes `%XX` in upper-case hex.
pub fn query_escape(text: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(text.len());
    for &byte in text.as_bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(byte));
            }
            b' ' => out.push('+'),
            _ => {
                out.push('%');
                out.push(char::from(HEX[usize::from(byte >> 4)]));
                out.push(char::from(HEX[usize::from(byte & 0x0f)]));
            }
        }
    }
    out
}

/// Appends a required scalar member.
pub fn scalar(out: &mut Vec<(&'static str, String)>, name: &'static str, value: &impl Display) {
    out.push((name, value.to_string()));
}

/// Appends an optional scalar member when it is set.
pub fn optional<T: Display>(
    out: &mut Vec<(&'static str, String)>,
    name: &'static str,
    value: Option<&T>,
) {
    if let Some(value) = value {
        scalar(out, name, value);
    }
}

/// Appends a list member: repeated `name=a&name=b` when `explode` (OpenAPI's form style
/// default), else one comma-separated `name=a,b`. An empty list sends nothing.
pub fn list<T: Display>(
    out: &mut Vec<(&'static str, String)>,
    name: &'static str,
    values: &[T],
    explode: bool,
) {
    if values.is_empty() {
        return;
    }
    if explode {
        for value in values {
            scalar(out, name, value);
        }
    } else {
        let joined = values
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(",");
        out.push((name, joined));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_is_go_query_escape() {
        // Expected strings are Go's `url.QueryEscape` output, written out by hand from its
        // rules (unreserved kept, space to `+`, upper-case `%XX` for every other byte).
        assert_eq!(query_escape("created_at:desc"), "created_at%3Adesc");
        assert_eq!(query_escape("a b~c*d"), "a+b~c%2Ad");
        assert_eq!(query_escape("테스트"), "%ED%85%8C%EC%8A%A4%ED%8A%B8");
        assert_eq!(query_escape("+&=/?#%"), "%2B%26%3D%2F%3F%23%25");
        assert_eq!(query_escape("AZaz09-_.~"), "AZaz09-_.~");
        assert_eq!(query_escape(""), "");
    }

    #[test]
    fn keys_are_sorted_and_repeated_values_keep_their_order() {
        let pairs = [
            ("start_date", "2024-08-01"),
            ("region", "kr-west1"),
            ("account_id", "b"),
            ("region", "kr-east1"),
            ("account_id", "a"),
            ("limit", "20"),
        ];
        assert_eq!(
            encode(&pairs),
            "account_id=b&account_id=a&limit=20&region=kr-west1&region=kr-east1&start_date=2024-08-01"
        );
        // Bytewise: `_` (0x5F) sorts after upper case and before lower case.
        assert_eq!(
            encode(&[("a_b", "1"), ("aB", "2"), ("ab", "3")]),
            "aB=2&a_b=1&ab=3"
        );
        assert_eq!(encode::<&str, &str>(&[]), "");
        assert_eq!(encode(&[("filter[name]", "x y")]), "filter[name]=x+y");
    }

    #[test]
    fn members_become_pairs() {
        let mut q = Vec::new();
        scalar(&mut q, "limit", &20);
        optional::<String>(&mut q, "marker", None);
        optional(&mut q, "sort", Some(&"created_at:desc".to_string()));
        list(&mut q, "region", &["kr-west1", "kr-east1"], true);
        list(&mut q, "ids", &["a", "b"], false);
        list::<&str>(&mut q, "empty", &[], true);
        assert_eq!(
            q,
            [
                ("limit", "20".to_string()),
                ("sort", "created_at:desc".to_string()),
                ("region", "kr-west1".to_string()),
                ("region", "kr-east1".to_string()),
                ("ids", "a,b".to_string()),
            ]
        );
    }
}
