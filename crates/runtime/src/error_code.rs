//! The error code of an AWS JSON error response (awsJson1.1 and restJson1).
//!
//! Where the code is found, first match wins (as the Smithy protocol specs say):
//!
//! 1. the `X-Amzn-ErrorType` header;
//! 2. the body's `__type` field;
//! 3. the body's `code`, then `Code` field.
//!
//! The raw value may carry a namespace and a suffix, both stripped (Smithy's rule):
//! `aws.protocols#ThrottlingException`, `com.amazonaws.ce#LimitExceededException`,
//! `ThrottlingException:http://internal.amazon.com/coral/com.amazon.coral.availability/`
//! all name the bare code. Take the part before the first `:`, then the part after the
//! first `#`. The suffix goes first, as URLs in it may contain `#`.

use serde_json::Value;

/// Reduces a raw error type to the bare code: `None` when nothing is left.
pub fn sanitize_error_code(raw: &str) -> Option<&str> {
    let before_colon = raw.split(':').next().unwrap_or(raw);
    let code = match before_colon.split_once('#') {
        Some((_namespace, code)) => code,
        None => before_colon,
    };
    let code = code.trim();
    (!code.is_empty()).then_some(code)
}

/// The code from the header value and an already-parsed JSON body.
///
/// The header wins; an empty (or namespace-only) header falls back to the body.
pub fn error_code_from_value<'a>(
    header: Option<&'a str>,
    body: Option<&'a Value>,
) -> Option<&'a str> {
    if let Some(code) = header.and_then(sanitize_error_code) {
        return Some(code);
    }
    let object = body?.as_object()?;
    ["__type", "code", "Code"]
        .iter()
        .filter_map(|field| object.get(*field)?.as_str())
        .find_map(sanitize_error_code)
}

/// The code from the header value and the raw body bytes.
///
/// A body that is not JSON (an HTML page from a proxy, an empty body) simply has no code;
/// the caller reports such responses by HTTP status.
pub fn error_code(header: Option<&str>, body: &[u8]) -> Option<String> {
    if let Some(code) = header.and_then(sanitize_error_code) {
        return Some(code.to_owned());
    }
    let value: Value = serde_json::from_slice(body).ok()?;
    error_code_from_value(None, Some(&value)).map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_codes_are_kept() {
        assert_eq!(
            sanitize_error_code("ThrottlingException"),
            Some("ThrottlingException")
        );
    }

    #[test]
    fn namespace_prefixes_are_stripped() {
        assert_eq!(
            sanitize_error_code("aws.protocols#ThrottlingException"),
            Some("ThrottlingException")
        );
        assert_eq!(
            sanitize_error_code("com.amazonaws.ce#LimitExceededException"),
            Some("LimitExceededException")
        );
    }

    #[test]
    fn colon_suffixes_are_stripped() {
        assert_eq!(
            sanitize_error_code(
                "ThrottlingException:http://internal.amazon.com/coral/com.amazon.coral.availability/"
            ),
            Some("ThrottlingException")
        );
        assert_eq!(
            sanitize_error_code("aws.protocols#ValidationException:http://example.com/x#frag"),
            Some("ValidationException")
        );
    }

    #[test]
    fn empty_values_give_no_code() {
        assert_eq!(sanitize_error_code(""), None);
        assert_eq!(sanitize_error_code("  "), None);
        assert_eq!(sanitize_error_code("aws.protocols#"), None);
        assert_eq!(sanitize_error_code(":http://x"), None);
    }

    #[test]
    fn header_wins_over_body() {
        let body = br#"{"__type":"com.amazonaws.ce#DataUnavailableException","message":"m"}"#;
        assert_eq!(
            error_code(Some("LimitExceededException:http://internal"), body).as_deref(),
            Some("LimitExceededException")
        );
        // An empty header falls back to the body.
        assert_eq!(
            error_code(Some(""), body).as_deref(),
            Some("DataUnavailableException")
        );
    }

    #[test]
    fn body_type_field() {
        let body = br#"{"__type":"com.amazonaws.ce#BillExpirationException","Message":"m"}"#;
        assert_eq!(
            error_code(None, body).as_deref(),
            Some("BillExpirationException")
        );
    }

    #[test]
    fn body_code_fields() {
        assert_eq!(
            error_code(None, br#"{"code":"AccessDeniedException","message":"no"}"#).as_deref(),
            Some("AccessDeniedException")
        );
        assert_eq!(
            error_code(None, br#"{"Code":"InternalServerException"}"#).as_deref(),
            Some("InternalServerException")
        );
        // `__type` comes before `code`.
        assert_eq!(
            error_code(None, br#"{"code":"Second","__type":"aws#First"}"#).as_deref(),
            Some("First")
        );
    }

    #[test]
    fn bodies_without_a_code() {
        assert_eq!(error_code(None, b""), None);
        assert_eq!(error_code(None, b"<html>502 Bad Gateway</html>"), None);
        assert_eq!(error_code(None, br#"{"message":"m"}"#), None);
        assert_eq!(error_code(None, br#"{"__type":7}"#), None);
        assert_eq!(error_code(None, br#"["__type"]"#), None);
    }

    #[test]
    fn parsed_values() {
        let value: Value = serde_json::json!({"__type": "aws.protocols#ThrottlingException"});
        assert_eq!(
            error_code_from_value(None, Some(&value)),
            Some("ThrottlingException")
        );
        assert_eq!(
            error_code_from_value(Some("ServiceQuotaExceededException"), Some(&value)),
            Some("ServiceQuotaExceededException")
        );
        assert_eq!(error_code_from_value(None, None), None);
    }
}
