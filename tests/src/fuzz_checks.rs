//! The checks of the fuzz targets in `fuzz/fuzz_targets/`, one function per target, shared
//! with the stable replay test `tests/tests/fuzz_regressions.rs`: the fuzzer and the replay
//! run the same code on the same bytes.
//!
//! Each function takes a raw fuzz input, never fails on input it cannot use, and panics
//! when an invariant does not hold. Beyond "no panic" they check:
//!
//! - `decode_responses`: what the clients call (`FromJson::from_json`, the generated fast
//!   decoder with serde behind it) gives exactly what `from_slice` (serde's derived
//!   decoders) gives, value or error; a response or error body that decodes re-encodes,
//!   decodes again to an equal value and encodes to the same bytes; `from_slice` agrees
//!   with plain `serde_json` (its path tracking changes only the error); a decode error's
//!   offset is inside the input.
//! - `decode_validate_requests`: the same for requests, and `validate()` gives the same
//!   answer before and after the round trip, naming every violation.
//! - `shorthand`: what the CLI builds from a flag value is JSON that parses back to itself.
//! - `error_bodies`: error codes are bare (no namespace, no suffix, trimmed, not empty) and
//!   found where the spec says; the envelope details are where the SCP pointers point; the
//!   kept body is a bounded prefix of the body.
//! - `mock_request`: the mock answers every request with a valid status, headers a real
//!   HTTP response can carry and, when it says JSON, a JSON body.

use std::fmt::Debug;
use std::sync::OnceLock;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use cloudcost_types::fast::FastJson;
use cloudcost_types::{FromJson, Validate};

/// A target's check: panics when an invariant fails.
pub type TargetCheck = fn(&[u8]);

/// Every target, by name, with its check.
pub const TARGETS: &[(&str, TargetCheck)] = &[
    ("decode_responses", decode_responses),
    ("decode_validate_requests", decode_validate_requests),
    ("shorthand", shorthand),
    ("error_bodies", error_bodies),
    ("mock_request", mock_request),
];

/// The check of the target `name`.
pub fn target(name: &str) -> Option<TargetCheck> {
    TARGETS.iter().find(|(n, _)| *n == name).map(|(_, f)| *f)
}

// ---------------------------------------------------------------------------------------
// decode_responses, decode_validate_requests

/// Decodes `bytes` as `T`; when it decodes, checks the round trip and returns both values.
fn round_trip<T>(name: &str, bytes: &[u8]) -> Option<(T, T)>
where
    T: DeserializeOwned + Serialize + Debug + PartialEq,
{
    let ours = cloudcost_types::from_slice::<T>(bytes);
    let plain = serde_json::from_slice::<T>(bytes);
    let first = match (ours, plain) {
        (Ok(ours), Ok(plain)) => {
            assert_eq!(ours, plain, "{name}: from_slice and serde_json disagree");
            ours
        }
        (Err(e), Err(_)) => {
            assert!(
                e.offset <= bytes.len(),
                "{name}: error offset {} past the end ({} bytes): {e}",
                e.offset,
                bytes.len()
            );
            assert!(!e.to_string().is_empty());
            return None;
        }
        (Ok(v), Err(e)) => panic!("{name}: only from_slice decodes ({v:?}); serde_json: {e}"),
        (Err(e), Ok(v)) => panic!("{name}: only serde_json decodes ({v:?}); from_slice: {e}"),
    };
    let encoded = serde_json::to_vec(&first)
        .unwrap_or_else(|e| panic!("{name}: {first:?} does not encode: {e}"));
    let second: T = cloudcost_types::from_slice(&encoded).unwrap_or_else(|e| {
        panic!(
            "{name}: the encoding {} of {first:?} does not decode: {e}",
            String::from_utf8_lossy(&encoded)
        )
    });
    assert_eq!(
        first,
        second,
        "{name}: changed by a round trip through {}",
        String::from_utf8_lossy(&encoded)
    );
    let again = serde_json::to_vec(&second).expect("encodes once, encodes twice");
    assert_eq!(
        String::from_utf8_lossy(&encoded),
        String::from_utf8_lossy(&again),
        "{name}: equal values, different encodings"
    );
    Some((first, second))
}

fn response<T>(name: &str, bytes: &[u8])
where
    T: DeserializeOwned + Serialize + Debug + PartialEq + FromJson + FastJson,
{
    let generated = T::from_json(bytes);
    let serde = cloudcost_types::from_slice::<T>(bytes);
    assert_eq!(
        generated, serde,
        "{name}: the generated decoder and serde's disagree"
    );
    FAST_PATH.with(|c| {
        let (taken, seen) = c.get();
        let took = cloudcost_types::fast::read_all::<T>(bytes).is_some();
        c.set((taken + usize::from(took), seen + 1));
    });
    round_trip::<T>(name, bytes);
}

thread_local! {
    static FAST_PATH: std::cell::Cell<(usize, usize)> = const { std::cell::Cell::new((0, 0)) };
}

/// How many response bodies this thread's `decode_responses` checks saw, and how many of
/// them the fast path took without handing them to serde: a test of the two decoders'
/// agreement says little if the fast path declined everything.
pub fn fast_path_counts() -> (usize, usize) {
    FAST_PATH.with(|c| c.get())
}

fn request<T>(name: &str, bytes: &[u8])
where
    T: DeserializeOwned + Serialize + Debug + PartialEq + Validate,
{
    let Some((first, second)) = round_trip::<T>(name, bytes) else {
        return;
    };
    let verdict = first.validate();
    assert_eq!(
        verdict,
        second.validate(),
        "{name}: validate() changed by a round trip of {first:?}"
    );
    if let Err(errors) = verdict {
        assert!(!errors.errors.is_empty(), "{name}: Err without a violation");
        for e in &errors.errors {
            assert!(
                !e.message.is_empty(),
                "{name}: a violation without a message"
            );
        }
        assert!(!errors.to_string().is_empty());
    }
}

type Check = (&'static str, fn(&str, &[u8]));

macro_rules! checks {
    ($check:ident: $($krate:ident :: $ty:ident),* $(,)?) => {
        &[$((concat!(stringify!($krate), "::", stringify!($ty)), $check::<$krate::$ty>)),*]
    };
}

/// Every response and error type of every family.
pub const RESPONSE_TYPES: &[Check] = checks![response:
    cloudcost_aws_ce_model::GetCostAndUsageResponse,
    cloudcost_aws_ce_model::GetReservationUtilizationResponse,
    cloudcost_aws_ce_model::LimitExceededException,
    cloudcost_aws_ce_model::BillExpirationException,
    cloudcost_aws_ce_model::DataUnavailableException,
    cloudcost_aws_ce_model::InvalidNextTokenException,
    cloudcost_aws_ce_model::RequestChangedException,
    cloudcost_aws_ce_model::ResourceNotFoundException,
    cloudcost_aws_ce_model::BillingViewHealthStatusException,
    cloudcost_aws_inspector2_model::ListUsageTotalsResponse,
    cloudcost_aws_inspector2_model::BatchGetFreeTrialInfoResponse,
    cloudcost_aws_inspector2_model::ValidationException,
    cloudcost_aws_inspector2_model::AccessDeniedException,
    cloudcost_aws_inspector2_model::ThrottlingException,
    cloudcost_aws_inspector2_model::InternalServerException,
    cloudcost_scp_ce_model::UsageListResponse,
    cloudcost_scp_ce_model::BadRequestError,
    cloudcost_scp_ce_model::ForbiddenError,
    cloudcost_scp_ce_model::NotFoundError,
];

/// Every request type of every family.
pub const REQUEST_TYPES: &[Check] = checks![request:
    cloudcost_aws_ce_model::GetCostAndUsageRequest,
    cloudcost_aws_ce_model::GetReservationUtilizationRequest,
    cloudcost_aws_inspector2_model::ListUsageTotalsRequest,
    cloudcost_aws_inspector2_model::BatchGetFreeTrialInfoRequest,
    cloudcost_scp_ce_model::ListUsagesRequest,
];

/// The first byte picks the type (modulo the number of types), the rest is the body.
fn by_first_byte(types: &[Check], data: &[u8]) {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    let (name, check) = types[usize::from(selector) % types.len()];
    check(name, body);
}

/// Target `decode_responses`: first byte = index into [`RESPONSE_TYPES`], rest = body.
pub fn decode_responses(data: &[u8]) {
    by_first_byte(RESPONSE_TYPES, data)
}

/// Target `decode_validate_requests`: first byte = index into [`REQUEST_TYPES`].
pub fn decode_validate_requests(data: &[u8]) {
    by_first_byte(REQUEST_TYPES, data)
}

// ---------------------------------------------------------------------------------------
// shorthand

struct Flag {
    operation: &'static str,
    /// Empty for the whole request.
    member: String,
    /// Index into the parsed request schemas.
    schema: usize,
}

struct Flags {
    schemas: Vec<cloudcost_cli::schema::Schema>,
    flags: Vec<Flag>,
}

fn flags() -> &'static Flags {
    use cloudcost_cli::schema::{Kind, Schema};
    static FLAGS: OnceLock<Flags> = OnceLock::new();
    FLAGS.get_or_init(|| {
        let mut schemas = Vec::new();
        let mut flags = Vec::new();
        for service in cloudcost_cli::SERVICES {
            for op in service.operations {
                let schema = Schema::parse(op.request_schema).expect("generated schema parses");
                let names: Vec<String> = match schema.root().kind() {
                    Kind::Struct { members, .. } => {
                        members.iter().map(|(n, _)| n.to_string()).collect()
                    }
                    _ => Vec::new(),
                };
                // The whole request as one shorthand value, then one flag per member.
                flags.push(Flag {
                    operation: op.name,
                    member: String::new(),
                    schema: schemas.len(),
                });
                for member in names {
                    flags.push(Flag {
                        operation: op.name,
                        member,
                        schema: schemas.len(),
                    });
                }
                schemas.push(schema);
            }
        }
        Flags { schemas, flags }
    })
}

/// Target `shorthand`: first byte picks the flag (an operation's request member, or the
/// whole request), the rest (lossy UTF-8) is its arguments, separated by NUL.
pub fn shorthand(data: &[u8]) {
    use cloudcost_cli::json::Json;
    use cloudcost_cli::schema::Kind;
    use cloudcost_cli::shorthand::{flag_value, parse_list, parse_struct, typed, Shorthand};

    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let flags = flags();
    let flag = &flags.flags[usize::from(selector) % flags.flags.len()];
    let schema = &flags.schemas[flag.schema];
    let root = schema.root();
    let node = if flag.member.is_empty() {
        root
    } else {
        match root.kind() {
            Kind::Struct { members, .. } => {
                members
                    .iter()
                    .find(|(n, _)| *n == flag.member.as_str())
                    .expect("member of its schema")
                    .1
            }
            _ => unreachable!("members come from a structure"),
        }
    };
    let text = String::from_utf8_lossy(rest);
    let args: Vec<String> = text.split('\0').map(str::to_string).collect();
    let what = format!("{}.{} {args:?}", flag.operation, flag.member);

    let same_json = |json: &Json| {
        let compact = json.to_compact();
        let back = Json::parse(&compact)
            .unwrap_or_else(|e| panic!("{what}: built JSON {compact} does not parse: {e}"));
        assert_eq!(&back, json, "{what}: {compact} parses to another value");
        // Valid JSON syntax to serde_json too. Not as a `Value`: JSON numbers have no
        // range, and `1E400` (which `Value` refuses as out of range for an f64) is valid
        // JSON that the CLI rightly passes on to the typed decoder (fuzz/regressions/
        // shorthand/crash-c011f6aa...: the fuzzer's one finding was this check's mistake).
        serde_json::from_str::<serde::de::IgnoredAny>(&compact)
            .unwrap_or_else(|e| panic!("{what}: serde_json refuses {compact}: {e}"));
        // The CLI's structural check of the value must not fail on it either.
        let _ = cloudcost_cli::schema::check(json, node);
    };

    match flag_value(&args, node) {
        Ok(json) => same_json(&json),
        Err(e) => assert!(!e.is_empty(), "{what}: an empty error"),
    }
    // The two parsers directly, on the whole text, and the result typed by the schema.
    if let Ok(members) = parse_struct(&text) {
        if let Ok(json) = typed(&Shorthand::Struct(members), node, "") {
            same_json(&json);
        }
    }
    if let Ok(items) = parse_list(&text) {
        if let Ok(json) = typed(&Shorthand::List(items), node, "") {
            same_json(&json);
        }
    }
}

// ---------------------------------------------------------------------------------------
// error_bodies

/// The SCP pointers of `specs/scp-ce.yaml` (`errorBody`), as the generated mock table holds
/// them: read from there rather than copied, so a spec edit reaches the check.
fn scp_error_body() -> &'static cloudcost_runtime::ErrorBodyMeta {
    &cloudcost_mock::services()
        .iter()
        .find(|s| s.family == "scp-ce")
        // invariant: specs/scp-ce.yaml is one of the specs the mock table is generated from.
        .expect("the scp-ce family is in the mock's table")
        .error_body
}

/// Target `error_bodies`: the first byte `n` says how the input splits: with `n < 128`,
/// no header; otherwise the next `n - 128` bytes (lossy UTF-8) are the `X-Amzn-ErrorType`
/// header. The rest is the body. The header text is also used as a JSON pointer.
pub fn error_bodies(data: &[u8]) {
    use cloudcost_runtime::error_body::{self, KEPT_BODY_BYTES};
    use cloudcost_runtime::error_code::{error_code, error_code_from_value, sanitize_error_code};

    let Some((&n, rest)) = data.split_first() else {
        return;
    };
    let (header, body) = if n < 128 {
        (None, rest)
    } else {
        let cut = usize::from(n - 128).min(rest.len());
        let (h, b) = rest.split_at(cut);
        (Some(String::from_utf8_lossy(h).into_owned()), b)
    };
    let header = header.as_deref();

    // A bare code: no namespace, no suffix, trimmed, not empty.
    let bare = |code: &str, from: &str| {
        assert!(!code.is_empty(), "empty code from {from:?}");
        assert!(
            !code.contains(':'),
            "code {code:?} keeps a suffix ({from:?})"
        );
        assert_eq!(code.trim(), code, "code {code:?} not trimmed ({from:?})");
    };
    if let Some(h) = header {
        if let Some(code) = sanitize_error_code(h) {
            bare(code, h);
            assert!(h.contains(code), "code {code:?} is not part of {h:?}");
        }
    }

    let value = error_body::parse(body);
    let plain = serde_json::from_slice::<Value>(body).ok();
    assert_eq!(value, plain, "error_body::parse differs from serde_json");

    let code = error_code(header, body);
    let code_from_value = error_code_from_value(header, value.as_ref()).map(str::to_owned);
    assert_eq!(
        code, code_from_value,
        "error_code and error_code_from_value disagree"
    );
    if let Some(code) = &code {
        bare(code, "header or body");
        match header.and_then(sanitize_error_code) {
            Some(from_header) => assert_eq!(code, from_header, "the header does not win"),
            None => {
                let object = value.as_ref().and_then(Value::as_object);
                let found = ["__type", "code", "Code"].iter().any(|f| {
                    object
                        .and_then(|o| o.get(*f))
                        .and_then(Value::as_str)
                        .is_some_and(|raw| raw.contains(code.as_str()))
                });
                assert!(found, "code {code:?} is in none of the body's code fields");
            }
        }
    }

    let pointers = scp_error_body();
    let details = error_body::details(value.as_ref(), pointers);
    let stated = |found: &Option<String>, pointers: &[&str]| {
        let Some(found) = found else {
            return;
        };
        let v = value.as_ref().expect("details only from a parsed body");
        let at_pointer = pointers.iter().any(|p| match error_body::lookup(v, p) {
            Some(Value::String(s)) => s == found,
            Some(Value::Number(n)) => n.to_string() == *found,
            _ => false,
        });
        assert!(at_pointer, "{found:?} is at none of {pointers:?}");
        assert!(!found.trim().is_empty(), "a blank detail {found:?}");
    };
    stated(&details.code, pointers.code);
    stated(&details.message, pointers.message);
    stated(&details.request_id, pointers.request_id);

    // Lookups: an exact key is found; any pointer, however odd, only looks.
    if let Some(v) = &value {
        if let Some(pointer) = header {
            let _ = error_body::lookup(v, pointer);
        }
        assert_eq!(
            error_body::lookup(v, ""),
            None,
            "a pointer must start with `/`"
        );
        if let Some(object) = v.as_object() {
            for (key, member) in object.iter().take(8) {
                let escaped = key.replace('~', "~0").replace('/', "~1");
                assert_eq!(
                    error_body::lookup(v, &format!("/{escaped}")),
                    Some(member),
                    "/{escaped} does not find member {key:?}"
                );
            }
        }
    }

    // The kept body: a prefix of the body's text, at most KEPT_BODY_BYTES of the body.
    let kept = error_body::keep(body);
    let whole = String::from_utf8_lossy(body);
    let cut = body.len() > KEPT_BODY_BYTES;
    let shown = if cut {
        kept.strip_suffix('…')
            .unwrap_or_else(|| panic!("a cut body is not marked: {kept:?}"))
    } else {
        assert_eq!(kept, whole, "a short body is kept whole");
        &kept
    };
    assert!(
        whole.starts_with(shown),
        "the kept text is not a prefix of the body"
    );
    assert!(shown.chars().count() <= KEPT_BODY_BYTES);
    let line = error_body::one_line(&kept);
    assert!(
        !line.chars().any(char::is_control),
        "one_line left a control"
    );
    assert_eq!(line.chars().count(), kept.chars().count());
}

// ---------------------------------------------------------------------------------------
// mock_request

/// The mock configurations a request may be sent to.
fn handlers() -> &'static [cloudcost_mock::DirectHandler] {
    use cloudcost_mock::{Dataset, DirectHandler, MockConfig};
    static HANDLERS: OnceLock<Vec<DirectHandler>> = OnceLock::new();
    HANDLERS.get_or_init(|| {
        let configs = [
            MockConfig::default(),
            MockConfig {
                dataset: Dataset::Synthetic {
                    pages: 3,
                    page_size: 4,
                    seed: 7,
                },
                ..MockConfig::default()
            },
            MockConfig {
                strict_auth: true,
                ..MockConfig::default()
            },
            MockConfig {
                missing_auth_as: Some("NotFound".into()),
                ..MockConfig::default()
            },
        ];
        configs
            .into_iter()
            .map(|c| DirectHandler::new(c).expect("a valid mock configuration"))
            .collect()
    })
}

/// Target `mock_request`: the first byte picks the mock configuration; the rest is an
/// HTTP/1.1 request head and body as text: `METHOD TARGET`, header lines `Name: value`, an
/// empty line, the body (lines end in `\n` or `\r\n`). Requests that hyper would refuse
/// before the handler (an invalid method, target or header) are skipped.
pub fn mock_request(data: &[u8]) {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let handlers = handlers();
    let handler = &handlers[usize::from(selector) % handlers.len()];
    let Some(request) = http_request(rest) else {
        return;
    };
    let what = format!("{} {}", request.method(), request.uri());
    let answer = futures_util::FutureExt::now_or_never(handler.handle(request))
        .unwrap_or_else(|| panic!("{what}: the handler waited (no fault is configured)"));
    let (status, headers, body) =
        answer.unwrap_or_else(|| panic!("{what}: connection dropped without a fault"));
    assert!(
        (200..=599).contains(&status),
        "{what}: status {status} out of range"
    );
    let mut json = false;
    for (name, value) in &headers {
        assert!(
            http::HeaderName::from_bytes(name.as_bytes()).is_ok(),
            "{what}: invalid header name {name:?}"
        );
        assert!(
            http::HeaderValue::from_str(value).is_ok(),
            "{what}: invalid value of {name}: {value:?}"
        );
        if name.eq_ignore_ascii_case("content-type") && value.contains("json") {
            json = true;
        }
    }
    if json && !body.is_empty() {
        if let Err(e) = serde_json::from_slice::<Value>(&body) {
            panic!(
                "{what}: a {status} JSON answer is not JSON ({e}): {}",
                String::from_utf8_lossy(&body)
            );
        }
    }
}

fn http_request(bytes: &[u8]) -> Option<http::Request<bytes::Bytes>> {
    // The head ends at the first empty line.
    let (head, body) = match find(bytes, b"\r\n\r\n") {
        Some(i) => (&bytes[..i], &bytes[i + 4..]),
        None => match find(bytes, b"\n\n") {
            Some(i) => (&bytes[..i], &bytes[i + 2..]),
            None => (bytes, &[][..]),
        },
    };
    let head = std::str::from_utf8(head).ok()?;
    let mut lines = head.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
    let (method, target) = lines.next()?.split_once(' ')?;
    let target = target.strip_suffix(" HTTP/1.1").unwrap_or(target);
    let mut builder = http::Request::builder()
        .method(http::Method::from_bytes(method.as_bytes()).ok()?)
        .uri(target.parse::<http::Uri>().ok()?);
    for line in lines {
        let (name, value) = line.split_once(':')?;
        let name = http::HeaderName::from_bytes(name.trim().as_bytes()).ok()?;
        let value = http::HeaderValue::from_str(value.trim()).ok()?;
        builder = builder.header(name, value);
    }
    builder.body(bytes::Bytes::copy_from_slice(body)).ok()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

// ---------------------------------------------------------------------------------------
// seed corpora

/// One seed input of a target.
pub struct Seed {
    pub target: &'static str,
    /// A file-name-safe description, e.g. `aws-ce-GetCostAndUsage-example`.
    pub name: String,
    pub bytes: Vec<u8>,
}

fn index_of(types: &[Check], name: &str) -> u8 {
    let i = types
        .iter()
        .position(|(n, _)| n.ends_with(&format!("::{name}")))
        .unwrap_or_else(|| panic!("no type {name}"));
    u8::try_from(i).expect("fewer than 256 types")
}

fn with_selector(selector: u8, body: &[u8]) -> Vec<u8> {
    let mut out = vec![selector];
    out.extend_from_slice(body);
    out
}

/// The response type of an operation.
fn response_type(operation: &str) -> &'static str {
    match operation {
        "GetCostAndUsage" => "GetCostAndUsageResponse",
        "GetReservationUtilization" => "GetReservationUtilizationResponse",
        "ListUsageTotals" => "ListUsageTotalsResponse",
        "BatchGetFreeTrialInfo" => "BatchGetFreeTrialInfoResponse",
        "ListUsages" => "UsageListResponse",
        other => panic!("no response type known for {other}"),
    }
}

/// The request type of an operation.
fn request_type(operation: &str) -> &'static str {
    match operation {
        "GetCostAndUsage" => "GetCostAndUsageRequest",
        "GetReservationUtilization" => "GetReservationUtilizationRequest",
        "ListUsageTotals" => "ListUsageTotalsRequest",
        "BatchGetFreeTrialInfo" => "BatchGetFreeTrialInfoRequest",
        "ListUsages" => "ListUsagesRequest",
        other => panic!("no request type known for {other}"),
    }
}

/// A request of every operation: the documented example where there is one.
fn example_requests() -> Vec<(&'static str, &'static str, Value)> {
    let mut out = Vec::new();
    for service in cloudcost_mock::services() {
        for op in service.operations {
            let path = crate::root()
                .join("specs/examples")
                .join(service.family)
                .join(format!("{}.request.json", op.name));
            let request = match std::fs::read(&path) {
                Ok(bytes) => serde_json::from_slice(&bytes).expect("example is JSON"),
                Err(_) => match op.name {
                    "BatchGetFreeTrialInfo" => {
                        serde_json::json!({"accountIds": ["123456789012", "210987654321"]})
                    }
                    "ListUsageTotals" => serde_json::json!({"maxResults": 2}),
                    _ => serde_json::json!({}),
                },
            };
            out.push((service.family, op.name, request));
        }
    }
    out
}

/// The HTTP request text (the `mock_request` format, without the selector) that calls
/// `op` with `request`, signed with the mock's test keys where that is repeatable (SigV4;
/// SCP's signature carries a timestamp the strict mock checks against its clock).
fn http_text(
    service: &cloudcost_mock::spec::ServiceSpec,
    op: &cloudcost_mock::spec::OperationSpec,
    request: &Value,
    extra: &[(&str, &str)],
) -> Vec<u8> {
    use cloudcost_mock::spec::AuthMeta;
    let (target, body) = if op.method == "GET" {
        let mut pairs: Vec<(String, String)> = Vec::new();
        if let Some(object) = request.as_object() {
            for (k, v) in object {
                match v {
                    Value::Array(items) => {
                        for item in items {
                            pairs.push((k.clone(), scalar_text(item)));
                        }
                    }
                    other => pairs.push((k.clone(), scalar_text(other))),
                }
            }
        }
        let query = cloudcost_runtime::query::encode(&pairs);
        let target = if query.is_empty() {
            op.path.to_string()
        } else {
            format!("{}?{query}", op.path)
        };
        (target, Vec::new())
    } else {
        (
            op.path.to_string(),
            serde_json::to_vec(request).expect("JSON"),
        )
    };
    let mut headers = http::HeaderMap::new();
    let mut add = |name: &str, value: &str| {
        headers.append(
            http::HeaderName::from_bytes(name.as_bytes()).expect("header name"),
            http::HeaderValue::from_str(value).expect("header value"),
        );
    };
    add("host", "127.0.0.1");
    if let Some(t) = op.target {
        add("x-amz-target", t);
        add("content-type", "application/x-amz-json-1.1");
    } else if op.method != "GET" {
        add("content-type", "application/json");
    }
    for (name, value) in extra {
        add(name, value);
    }
    let keys = cloudcost_mock::TestKeys::default();
    match &service.auth {
        AuthMeta::SigV4 {
            signing_name,
            signing_region,
        } => {
            let credentials = cloudcost_runtime::AwsCredentials::new(
                &keys.aws_access_key_id,
                &keys.aws_secret_access_key,
                None,
            );
            use futures_util::FutureExt;
            cloudcost_runtime::sign_request(
                &http::Method::from_bytes(op.method.as_bytes()).expect("method"),
                &format!("http://127.0.0.1{target}"),
                &mut headers,
                &body,
                &credentials,
                signing_region.unwrap_or("eu-west-1"),
                signing_name,
            )
            .now_or_never()
            .expect("reqsign's signer completes without waiting")
            .expect("signs");
        }
        AuthMeta::ScpHmac { api_version } => {
            let mut add = |name: &str, value: &str| {
                headers.append(
                    http::HeaderName::from_bytes(name.as_bytes()).expect("header name"),
                    http::HeaderValue::from_str(value).expect("header value"),
                );
            };
            add("scp-accesskey", &keys.scp_access_key);
            add("scp-timestamp", "1722470400000");
            add("scp-signature", "c2lnbmF0dXJl");
            add("scp-clienttype", "Openapi");
            add("scp-accountid", &keys.scp_account_id);
            add("accept-language", "ko-KR");
            add("scp-api-version", api_version);
        }
    }
    let mut text = format!("{} {target}\r\n", op.method).into_bytes();
    for (name, value) in &headers {
        text.extend_from_slice(name.as_str().as_bytes());
        text.extend_from_slice(b": ");
        text.extend_from_slice(value.as_bytes());
        text.extend_from_slice(b"\r\n");
    }
    text.extend_from_slice(b"\r\n");
    text.extend_from_slice(&body);
    text
}

fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Sends `text` (the `mock_request` format) to handler `i` of [`handlers`].
fn send(i: usize, text: &[u8]) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let request = http_request(text).expect("a well-formed request");
    futures_util::FutureExt::now_or_never(handlers()[i].handle(request))
        .expect("no fault configured")
        .expect("answered")
}

/// The seed corpora of every target: the documented examples (`specs/examples/`), the
/// mock's documented and synthetic pages and every error it answers, the requests that
/// fetched them, and shorthand values of each request member.
pub fn seeds() -> Vec<Seed> {
    let mut out = Vec::new();
    let mut seed = |target: &'static str, name: String, bytes: Vec<u8>| {
        out.push(Seed {
            target,
            name: name.replace(|c: char| !c.is_ascii_alphanumeric() && c != '-', "_"),
            bytes,
        })
    };

    // Documented responses, straight from the examples.
    for service in cloudcost_mock::services() {
        for op in service.operations {
            let path = crate::root()
                .join("specs/examples")
                .join(service.family)
                .join(format!("{}.response.json", op.name));
            if let Ok(bytes) = std::fs::read(&path) {
                let selector = index_of(RESPONSE_TYPES, response_type(op.name));
                seed(
                    "decode_responses",
                    format!("{}-{}-example", service.family, op.name),
                    with_selector(selector, &bytes),
                );
            }
        }
    }

    for (family, operation, request) in example_requests() {
        let service = cloudcost_mock::services()
            .iter()
            .find(|s| s.family == family)
            .expect("family");
        let op = service
            .operations
            .iter()
            .find(|o| o.name == operation)
            .expect("operation");
        let request_bytes = serde_json::to_vec_pretty(&request).expect("JSON");
        seed(
            "decode_validate_requests",
            format!("{family}-{operation}-example"),
            with_selector(
                index_of(REQUEST_TYPES, request_type(operation)),
                &request_bytes,
            ),
        );

        // The request through the mock: documented (0), synthetic (1) and strict (2).
        for (i, config) in ["examples", "synthetic", "strict"].iter().enumerate() {
            let mut request = request.clone();
            if let (1, Some(p), Some(object)) = (i, &op.pagination, request.as_object_mut()) {
                // The example's page token points into the documented data only.
                object.remove(p.input_token);
            }
            let text = http_text(service, op, &request, &[]);
            let (status, _, body) = send(i, &text);
            seed(
                "mock_request",
                format!("{family}-{operation}-{config}-{status}"),
                with_selector(i as u8, &text),
            );
            if status == 200 && i < 2 {
                seed(
                    "decode_responses",
                    format!("{family}-{operation}-mock-{config}"),
                    with_selector(index_of(RESPONSE_TYPES, response_type(operation)), &body),
                );
            }
        }
        // Unsigned: the missing-auth answer (and SCP's 404 form).
        let mut unsigned = format!("{} {}\r\n", op.method, op.path).into_bytes();
        if let Some(t) = op.target {
            unsigned.extend_from_slice(format!("x-amz-target: {t}\r\n").as_bytes());
        }
        unsigned.extend_from_slice(b"\r\n{}");
        seed(
            "mock_request",
            format!("{family}-{operation}-unsigned"),
            with_selector(3, &unsigned),
        );

        // Every error the mock answers for this operation, by code.
        let mut codes: Vec<&str> = op.errors.to_vec();
        codes.extend(service.common_errors.iter().map(|e| e.code));
        codes.sort_unstable();
        codes.dedup();
        for code in codes {
            let text = http_text(
                service,
                op,
                &request,
                &[(cloudcost_mock::ERROR_HEADER, code)],
            );
            let (status, headers, body) = send(0, &text);
            if code == codes_first(op) {
                seed(
                    "mock_request",
                    format!("{family}-{operation}-error-{code}"),
                    with_selector(0, &text),
                );
            }
            let error_type = headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case("x-amzn-errortype"))
                .map(|(_, v)| v.clone());
            let mut input = match &error_type {
                Some(h) if h.len() < 128 => vec![128 + h.len() as u8],
                _ => vec![0],
            };
            if let Some(h) = error_type.as_ref().filter(|h| h.len() < 128) {
                input.extend_from_slice(h.as_bytes());
            }
            input.extend_from_slice(&body);
            seed("error_bodies", format!("{family}-{code}-{status}"), input);
            // The error's type: AWS names it by its code, SCP as `<Code>Error`.
            let typed = RESPONSE_TYPES.iter().position(|(n, _)| {
                n.contains(family_crate(family))
                    && (n.ends_with(&format!("::{code}")) || n.ends_with(&format!("::{code}Error")))
            });
            if let Some(i) = typed {
                seed(
                    "decode_responses",
                    format!("{family}-{code}"),
                    with_selector(i as u8, &body),
                );
            }
        }

        // Shorthand: each member of the example as JSON, then as shorthand where simple.
        let flags = flags();
        for (i, flag) in flags.flags.iter().enumerate() {
            if flag.operation != operation {
                continue;
            }
            let value = if flag.member.is_empty() {
                Some(&request)
            } else {
                request.get(&flag.member)
            };
            let Some(value) = value else { continue };
            seed(
                "shorthand",
                format!("{operation}-{}-json", flag.member),
                with_selector(i as u8, value.to_string().as_bytes()),
            );
            let mut args: Vec<String> = Vec::new();
            match value {
                Value::Array(items) => args.extend(items.iter().map(shorthand_text)),
                other => args.push(shorthand_text(other)),
            }
            seed(
                "shorthand",
                format!("{operation}-{}-shorthand", flag.member),
                with_selector(i as u8, args.join("\0").as_bytes()),
            );
        }
    }

    // Error bodies in the shapes services really send (specs/scp-ce.yaml, errorBody).
    for (name, header, body) in [
        (
            "scp-envelope",
            None,
            r#"{"errors":[{"code":"COMMON-0001","title":"Bad Request","detail":"invalid marker","request_id":"r-1"}]}"#,
        ),
        (
            "scp-gateway",
            None,
            r#"{"status":"UNAUTHORIZED","name":"Unauthorized","message":"missing key"}"#,
        ),
        (
            "scp-spring",
            None,
            r#"{"timestamp":"2024-08-01T00:00:00Z","path":"/v1/usages","status":404,"error":"Not Found","requestId":"abc"}"#,
        ),
        (
            "scp-fastapi",
            None,
            r#"[{"loc":["query","limit"],"msg":"value is not a valid integer","type":"type_error.integer"}]"#,
        ),
        (
            "aws-namespaced",
            Some("aws.protocols#ThrottlingException:http://internal.amazon.com/coral/"),
            r#"{"message":"Rate exceeded"}"#,
        ),
        (
            "aws-body-type",
            None,
            r#"{"__type":"com.amazonaws.ce#LimitExceededException","Message":"slow down"}"#,
        ),
        (
            "aws-code",
            None,
            r#"{"code":"ValidationException","Message":"bad"}"#,
        ),
        ("html", None, "<html><body>502 Bad Gateway</body></html>"),
    ] {
        let mut input = match header {
            Some(h) => {
                let mut v = vec![128 + h.len() as u8];
                v.extend_from_slice(h.as_bytes());
                v
            }
            None => vec![0],
        };
        input.extend_from_slice(body.as_bytes());
        seed("error_bodies", name.to_string(), input);
    }

    // Shorthand values as people type them (README, the AWS CLI's documentation).
    let flag = |operation: &str, member: &str| {
        let i = flags()
            .flags
            .iter()
            .position(|f| f.operation == operation && f.member == member)
            .unwrap_or_else(|| panic!("no flag {operation}.{member}"));
        i as u8
    };
    for (operation, member, text) in [
        (
            "GetCostAndUsage",
            "TimePeriod",
            "Start=2017-09-01,End=2017-10-01",
        ),
        (
            "GetCostAndUsage",
            "Metrics",
            "BlendedCost\0UnblendedCost,UsageQuantity",
        ),
        (
            "GetCostAndUsage",
            "GroupBy",
            "Type=DIMENSION,Key=SERVICE\0Type=TAG,Key=Project",
        ),
        (
            "GetCostAndUsage",
            "Filter",
            "Dimensions={Key=SERVICE,Values=[Amazon EC2,'a,b']}",
        ),
        (
            "GetCostAndUsage",
            "Filter",
            "Not={And=[{Tags={Key=k,Values=v}},{CostCategories={Key=\"c\",MatchOptions=EQUALS}}]}",
        ),
        (
            "GetReservationUtilization",
            "SortBy",
            "Key=UtilizationPercentage,SortOrder=DESCENDING",
        ),
        ("GetReservationUtilization", "MaxResults", "20"),
        (
            "ListUsageTotals",
            "accountIds",
            "[123456789012,'210987654321']",
        ),
        ("ListUsages", "with_count", "TRUE"),
        ("ListUsages", "limit", "-1"),
    ] {
        seed(
            "shorthand",
            format!("{operation}-{member}-typed"),
            with_selector(flag(operation, member), text.as_bytes()),
        );
    }
    out
}

fn family_crate(family: &str) -> &'static str {
    match family {
        "aws-ce" => "cloudcost_aws_ce_model::",
        "aws-inspector2" => "cloudcost_aws_inspector2_model::",
        "scp-ce" => "cloudcost_scp_ce_model::",
        other => panic!("unknown family {other}"),
    }
}

fn codes_first(op: &cloudcost_mock::spec::OperationSpec) -> &'static str {
    op.errors.first().copied().unwrap_or("")
}

/// A JSON value as shorthand: scalars bare, structures `K=V,...` with `{}` nesting.
fn shorthand_text(value: &Value) -> String {
    fn inner(value: &Value, nested: bool) -> String {
        match value {
            Value::String(s) => s.clone(),
            Value::Array(items) => format!(
                "[{}]",
                items
                    .iter()
                    .map(|v| inner(v, true))
                    .collect::<Vec<_>>()
                    .join(",")
            ),
            Value::Object(members) => {
                let body = members
                    .iter()
                    .map(|(k, v)| format!("{k}={}", inner(v, true)))
                    .collect::<Vec<_>>()
                    .join(",");
                if nested {
                    format!("{{{body}}}")
                } else {
                    body
                }
            }
            other => other.to_string(),
        }
    }
    inner(value, false)
}
