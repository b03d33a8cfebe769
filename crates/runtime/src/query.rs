//! Query-string encoding of request members (SCP): how a scalar, an optional member and a
//! list become `name=value` pairs. Generated code calls one of these per member; the URL
//! encoding itself is `url`'s (form-urlencoded), applied once when the URL is built, so
//! the signed URL and the sent URL are the same string.

use std::fmt::Display;

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
