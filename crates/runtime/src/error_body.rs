//! Reading an error response's body: parsed once, then its code, message and request id
//! looked up where the spec's `errorBody` says (a [`ErrorBodyMeta`]), and the raw text kept,
//! shortened, for diagnosis.
//!
//! Real services answer errors in more shapes than their models say. Seen from SCP alone:
//! its envelope `{"errors":[{"code","title","detail","request_id",..}]}`, its gateway's
//! `{"status":"UNAUTHORIZED","name":..,"message":..}`, a Spring-style 404
//! `{"timestamp","path","status","error","requestId"}`, a FastAPI-style array
//! `[{"loc","msg","type"}]`, empty bodies and HTML from proxies. None of these may turn an
//! error into a decoding failure: whatever the body, the caller gets the status, the code
//! and whatever details could be found.

use serde_json::Value;

use crate::meta::ErrorBodyMeta;

/// How much of an error body [`ErrorMeta::body`](crate::ErrorMeta::body) keeps.
pub const KEPT_BODY_BYTES: usize = 4096;

/// The details an error body states.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ErrorBodyDetails {
    /// The service's own code (SCP's `errors[0].code`, the gateway's `name`, ...).
    pub code: Option<String>,
    /// The message.
    pub message: Option<String>,
    /// The request id.
    pub request_id: Option<String>,
}

/// The body as JSON, or `None` when it is empty or not JSON (an HTML page, a truncated
/// body): such a body has no details, and is kept only as text.
pub fn parse(body: &[u8]) -> Option<Value> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return None;
    }
    serde_json::from_slice(body).ok()
}

/// The details of a parsed body, looked up where `meta` says.
pub fn details(body: Option<&Value>, meta: &ErrorBodyMeta) -> ErrorBodyDetails {
    let Some(body) = body else {
        return ErrorBodyDetails::default();
    };
    ErrorBodyDetails {
        code: first_string(body, meta.code),
        message: first_string(body, meta.message),
        request_id: first_string(body, meta.request_id),
    }
}

/// The first of `pointers` that names a non-empty string (a number is taken as its text,
/// as some services send numeric codes).
pub fn first_string(value: &Value, pointers: &[&str]) -> Option<String> {
    pointers.iter().find_map(|p| match lookup(value, p)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    })
}

/// RFC 6901 lookup where an object key matches exactly or, failing that, ignoring ASCII
/// case; array steps are decimal indices. `None` for anything that is not there.
pub fn lookup<'v>(value: &'v Value, pointer: &str) -> Option<&'v Value> {
    let rest = pointer.strip_prefix('/')?;
    let mut current = value;
    for raw in rest.split('/') {
        let token = raw.replace("~1", "/").replace("~0", "~");
        current = match current {
            Value::Object(map) => match map.get(&token) {
                Some(v) => v,
                None => map
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(&token))
                    .map(|(_, v)| v)?,
            },
            Value::Array(items) => items.get(token.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(current)
}

/// The start of the body as text (invalid UTF-8 replaced), at most [`KEPT_BODY_BYTES`]
/// bytes, cut at a character boundary and marked with `…` when cut.
pub fn keep(body: &[u8]) -> String {
    let cut = body.len().min(KEPT_BODY_BYTES);
    let text = String::from_utf8_lossy(&body[..cut]);
    let mut text = text.into_owned();
    if cut < body.len() {
        // A multi-byte character cut in two became U+FFFD at the end: drop it.
        if text.ends_with('\u{FFFD}') {
            text.pop();
        }
        text.push('…');
    }
    text
}

/// `text` on one line: every control character (newlines, tabs) becomes a space, so an
/// error's `Display` stays one line whatever the server sent.
pub fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCP: ErrorBodyMeta = ErrorBodyMeta {
        code: &["/errors/0/code", "/name", "/error", "/0/type"],
        message: &["/errors/0/detail", "/errors/0/title", "/message", "/0/msg"],
        request_id: &[
            "/errors/0/request_id",
            "/errors/0/global_request_id",
            "/requestId",
            "/request_id",
        ],
    };

    fn read(body: &str) -> ErrorBodyDetails {
        details(parse(body.as_bytes()).as_ref(), &SCP)
    }

    fn d(code: Option<&str>, message: Option<&str>, request_id: Option<&str>) -> ErrorBodyDetails {
        ErrorBodyDetails {
            code: code.map(str::to_owned),
            message: message.map(str::to_owned),
            request_id: request_id.map(str::to_owned),
        }
    }

    #[test]
    fn scp_envelope() {
        let body = r#"{"errors":[{"code":"IAM.AUTH.0001","title":"Forbidden","detail":"no permission for costexplorer:ListUsages","status":"403","request_id":"req-1","global_request_id":"g-1"}]}"#;
        assert_eq!(
            read(body),
            d(
                Some("IAM.AUTH.0001"),
                Some("no permission for costexplorer:ListUsages"),
                Some("req-1")
            )
        );
        // Without a detail the title is the message; without request_id, the global one.
        let body = r#"{"errors":[{"code":"E1","title":"Bad Request","global_request_id":"g-2"}]}"#;
        assert_eq!(read(body), d(Some("E1"), Some("Bad Request"), Some("g-2")));
    }

    #[test]
    fn scp_gateway_401_and_spring_404_and_fastapi_array() {
        assert_eq!(
            read(
                r#"{"status":"UNAUTHORIZED","name":"InvalidSignature","message":"signature mismatch"}"#
            ),
            d(Some("InvalidSignature"), Some("signature mismatch"), None)
        );
        assert_eq!(
            read(
                r#"{"timestamp":"2024-08-01T00:00:00.000+00:00","path":"/v1/usages","status":404,"error":"Not Found","requestId":"8f2a"}"#
            ),
            d(Some("Not Found"), None, Some("8f2a"))
        );
        assert_eq!(
            read(
                r#"[{"loc":["query","limit"],"msg":"value is not a valid integer","type":"type_error.integer","ctx":{}}]"#
            ),
            d(
                Some("type_error.integer"),
                Some("value is not a valid integer"),
                None
            )
        );
    }

    #[test]
    fn bodies_without_details() {
        assert_eq!(read(""), d(None, None, None));
        assert_eq!(read("  \n"), d(None, None, None));
        assert_eq!(read("<html>502 Bad Gateway</html>"), d(None, None, None));
        assert_eq!(read(r#"{"errors":[]}"#), d(None, None, None));
        assert_eq!(
            read(r#"{"errors":"x","message":7}"#),
            d(None, Some("7"), None)
        );
        assert_eq!(read(r#"{"message":"  "}"#), d(None, None, None));
    }

    #[test]
    fn keys_match_in_any_case_exact_first() {
        let value: Value =
            serde_json::from_str(r#"{"MESSAGE":"upper","Message":"model"}"#).unwrap();
        assert_eq!(
            first_string(&value, &["/Message"]).as_deref(),
            Some("model")
        );
        assert_eq!(
            first_string(&value, &["/message"]).as_deref(),
            Some("upper")
        );
        let value: Value = serde_json::from_str(r#"{"a/b":{"c~d":"x"}}"#).unwrap();
        assert_eq!(first_string(&value, &["/a~1b/c~0d"]).as_deref(), Some("x"));
        assert_eq!(lookup(&value, "no-slash"), None);
        assert_eq!(lookup(&value, "/a~1b/c~0d/deeper"), None);
    }

    #[test]
    fn kept_text_is_bounded_and_valid() {
        assert_eq!(keep(b"short"), "short");
        let long = "가".repeat(KEPT_BODY_BYTES); // 3 bytes each
        let kept = keep(long.as_bytes());
        assert!(kept.ends_with('…'));
        assert_eq!(kept.trim_end_matches('…'), "가".repeat(KEPT_BODY_BYTES / 3));
        assert_eq!(keep(b"\xff\xfeok"), "\u{FFFD}\u{FFFD}ok");
        assert_eq!(one_line("a\nb\r\tc"), "a b  c");
    }
}
