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
//! - `error_bodies`: the error code is the one the protocol's rule (written out here, not
//!   taken from the runtime) finds in the header or body; every family's details are the
//!   first ones at the pointers its spec's `errorBody` lists (read from the spec's text);
//!   the kept body is a bounded prefix of the body. The tests at the end of this file pin
//!   the runtime and these rules to a hand-written table of bodies and expected codes.
//! - `mock_request`: the mock answers every request with a valid status, headers a real
//!   HTTP response can carry and, when it says JSON, a JSON body.
//!
//! One file on purpose, though long: the targets share their helpers and the seed
//! corpora (`seeds`) must see every target, and the file is test code, not part of a
//! crate users build.

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

macro_rules! check_tables {
    (
        requests: [$($request_name:literal => $request:ty),* $(,)?],
        responses: [$($response_name:literal => $response:ty),* $(,)?] $(,)?
    ) => {
        /// Every response and error type of every family (`family::Type`), in the generated
        /// order of `cloudcost_families::wire_types!`.
        pub const RESPONSE_TYPES: &[Check] = &[$(($response_name, response::<$response>)),*];

        /// Every request type of every family (`family::Type`).
        pub const REQUEST_TYPES: &[Check] = &[$(($request_name, request::<$request>)),*];
    };
}

// From the generated crate of every family: a family added as a spec is fuzzed with no edit
// here. The order (families by spec file, then the operations') picks the type of an input's
// first byte, so the committed corpora keep their meaning while no family is added before
// theirs.
cloudcost_families::wire_types!(check_tables);

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
//
// The expectations here do not come from the runtime: the code rule is written out below
// from the protocol documentation (`reference_code`), every family's pointers are read from
// its spec's text (`specs`), and the tests at the end of this file pin both, and
// the runtime, to a hand-written table of bodies with their codes and details spelled out.

/// Every spec of `specs/*.yaml`, by family, with its `errorBody` pointers, read from the
/// spec's text with `serde_yaml` (not through the generator or the tables it writes).
fn specs() -> &'static [(String, SpecErrorBody)] {
    static SPECS: OnceLock<Vec<(String, SpecErrorBody)>> = OnceLock::new();
    SPECS.get_or_init(|| {
        let dir = crate::root().join("specs");
        let mut paths: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
            .map(|entry| {
                entry
                    .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
                    .path()
            })
            .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
            .collect();
        paths.sort();
        assert!(!paths.is_empty(), "no specs/*.yaml under {}", dir.display());
        paths
            .iter()
            .map(|path| {
                let text = std::fs::read_to_string(path)
                    .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
                SpecErrorBody::read(&path.display().to_string(), &text)
            })
            .collect()
    })
}

/// The `errorBody` pointers of the spec of `family`.
#[cfg(test)]
fn spec_error_body(family: &str) -> &'static SpecErrorBody {
    specs()
        .iter()
        .find(|(f, _)| f == family)
        .map(|(_, body)| body)
        .unwrap_or_else(|| panic!("no specs/*.yaml declares the family {family:?}"))
}

/// A spec's `x-cloudcost-service.errorBody`: JSON pointers, tried in order.
#[derive(Debug, Default, PartialEq, Eq)]
struct SpecErrorBody {
    code: Vec<String>,
    message: Vec<String>,
    request_id: Vec<String>,
}

impl SpecErrorBody {
    /// The family and the `errorBody` of the spec at `path` (for messages) with `text`.
    fn read(path: &str, text: &str) -> (String, Self) {
        let spec: serde_yaml::Value =
            serde_yaml::from_str(text).unwrap_or_else(|e| panic!("{path} does not parse: {e}"));
        let family = spec["x-cloudcost-service"]["family"]
            .as_str()
            .unwrap_or_else(|| panic!("{path} has no x-cloudcost-service.family"))
            .to_owned();
        let body = &spec["x-cloudcost-service"]["errorBody"];
        assert!(
            body.is_mapping(),
            "{path} has no x-cloudcost-service.errorBody"
        );
        let list = |key: &str| -> Vec<String> {
            match &body[key] {
                serde_yaml::Value::Null => Vec::new(),
                serde_yaml::Value::Sequence(items) => items
                    .iter()
                    .map(|p| {
                        p.as_str()
                            .unwrap_or_else(|| panic!("{path}: errorBody.{key}: {p:?}"))
                            .to_owned()
                    })
                    .collect(),
                other => panic!("{path}: errorBody.{key} is not a list: {other:?}"),
            }
        };
        let body = SpecErrorBody {
            code: list("code"),
            message: list("message"),
            request_id: list("requestId"),
        };
        (family, body)
    }

    /// What the runtime was generated with equals what the spec says.
    fn assert_matches(&self, family: &str, generated: &cloudcost_runtime::ErrorBodyMeta) {
        let same = |spec: &[String], generated: &[&str]| {
            spec.iter()
                .map(String::as_str)
                .eq(generated.iter().copied())
        };
        assert!(
            same(&self.code, generated.code)
                && same(&self.message, generated.message)
                && same(&self.request_id, generated.request_id),
            "{family}: the generated errorBody {generated:?} is not the spec's {self:?}"
        );
    }
}

/// The mock's (generated) error body meta of `family`: the one the runtime reads with.
fn generated_error_body(family: &str) -> &'static cloudcost_runtime::ErrorBodyMeta {
    &cloudcost_mock::services()
        .iter()
        .find(|s| s.family == family)
        .unwrap_or_else(|| panic!("the family {family:?} is not in the mock's table"))
        .error_body
}

/// The bare code of a raw error type, as the Smithy protocol documentation states the
/// rule (awsJson1_1 and restJson1, "Operation error serialization"): take the contents
/// before the first `:`, then the contents after the first `#`; blanks around it are not
/// part of it, and nothing left means no code. Written out here by position, apart from
/// the runtime's `sanitize_error_code`.
fn reference_bare_code(raw: &str) -> Option<String> {
    let end = raw.find(':').unwrap_or(raw.len());
    let before_colon = &raw[..end];
    let start = before_colon.find('#').map_or(0, |hash| hash + 1);
    let code = before_colon[start..].trim();
    if code.is_empty() {
        None
    } else {
        Some(code.to_owned())
    }
}

/// The code of an AWS JSON error response, by the order `crates/runtime/src/error_code.rs`
/// documents (and the Smithy documentation lists the places): the `X-Amzn-ErrorType`
/// header; else the body's `"__type"`, `"code"`, `"Code"` members, exact key, the first
/// that is a string naming a code.
fn reference_code(header: Option<&str>, body: Option<&Value>) -> Option<String> {
    if let Some(code) = header.and_then(reference_bare_code) {
        return Some(code);
    }
    let Some(Value::Object(members)) = body else {
        return None;
    };
    for key in ["__type", "code", "Code"] {
        if let Some(Value::String(raw)) = members.get(key) {
            if let Some(code) = reference_bare_code(raw) {
                return Some(code);
            }
        }
    }
    None
}

/// An RFC 6901 lookup as `ErrorBodyMeta`'s documentation describes it: an object key
/// matches exactly or, when no key does, the first (in the map's order) that matches
/// ignoring ASCII case; an array step is an index (`0` or digits without a leading zero).
fn reference_lookup<'v>(value: &'v Value, pointer: &str) -> Option<&'v Value> {
    let rest = pointer.strip_prefix('/')?;
    let (raw, more) = match rest.find('/') {
        Some(slash) => (&rest[..slash], Some(&rest[slash..])),
        None => (rest, None),
    };
    let token = raw.replace("~1", "/").replace("~0", "~");
    let next = match value {
        Value::Object(members) => members.get(&token).or_else(|| {
            members
                .iter()
                .find(|(key, _)| key.eq_ignore_ascii_case(&token))
                .map(|(_, v)| v)
        })?,
        Value::Array(items) => {
            let digits = !token.is_empty() && token.bytes().all(|b| b.is_ascii_digit());
            if !digits || (token.len() > 1 && token.starts_with('0')) {
                return None;
            }
            items.get(token.parse::<usize>().ok()?)?
        }
        _ => return None,
    };
    match more {
        Some(more) => reference_lookup(next, more),
        None => Some(next),
    }
}

/// The first of `pointers` at which `body` holds a non-blank string or a number (as its
/// text): what the spec's `errorBody` says a detail is.
fn reference_detail(body: Option<&Value>, pointers: &[String]) -> Option<String> {
    let body = body?;
    pointers
        .iter()
        .find_map(|p| match reference_lookup(body, p)? {
            Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        })
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

    // The header alone: the code the documented rule gives, no more, no less.
    if let Some(h) = header {
        assert_eq!(
            sanitize_error_code(h).map(str::to_owned),
            reference_bare_code(h),
            "the bare code of the header {h:?}"
        );
    }

    let value = error_body::parse(body);
    let plain = serde_json::from_slice::<Value>(body).ok();
    assert_eq!(value, plain, "error_body::parse differs from serde_json");

    // The code: the header, else `__type`, `code`, `Code`, each reduced to the bare code.
    let expected = reference_code(header, plain.as_ref());
    let code = error_code(header, body);
    assert_eq!(
        code,
        expected,
        "error_code({header:?}, {:?})",
        String::from_utf8_lossy(body)
    );
    let code_from_value = error_code_from_value(header, value.as_ref()).map(str::to_owned);
    assert_eq!(
        code_from_value, expected,
        "error_code_from_value({header:?}, {value:?})"
    );

    // The details, for every family: the first of the spec's pointers that holds one.
    for (family, spec) in specs() {
        let generated = generated_error_body(family);
        spec.assert_matches(family, generated);
        let found = error_body::details(value.as_ref(), generated);
        let expected = error_body::ErrorBodyDetails {
            code: reference_detail(plain.as_ref(), &spec.code),
            message: reference_detail(plain.as_ref(), &spec.message),
            request_id: reference_detail(plain.as_ref(), &spec.request_id),
        };
        assert_eq!(found, expected, "{family}: the details of {plain:?}");
    }

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
        .position(|(n, _)| *n == name)
        .unwrap_or_else(|| panic!("no type {name}"));
    u8::try_from(i).expect("fewer than 256 types")
}

fn with_selector(selector: u8, body: &[u8]) -> Vec<u8> {
    let mut out = vec![selector];
    out.extend_from_slice(body);
    out
}

/// The generated description of an operation of a family.
fn operation_info(family: &str, operation: &str) -> &'static cloudcost_families::Operation {
    cloudcost_families::FAMILIES
        .iter()
        .find(|f| f.name == family)
        .and_then(|f| f.operations.iter().find(|o| o.name == operation))
        // invariant: the mock's tables and FAMILIES are generated from the same specs.
        .unwrap_or_else(|| panic!("{family} {operation} is not in cloudcost_families::FAMILIES"))
}

/// The index in `types` of `family`'s type `name`.
fn type_index(types: &[Check], family: &str, name: &str) -> u8 {
    index_of(types, &format!("{family}::{name}"))
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
                // An operation without a documented request: a valid one written here where
                // `{}` is not (its spec states the gap, x-cloudcost-no-examples).
                Err(_) => match op.name {
                    "BatchGetFreeTrialInfo" => {
                        serde_json::json!({"accountIds": ["123456789012", "210987654321"]})
                    }
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
                let output = operation_info(service.family, op.name).output;
                let selector = type_index(RESPONSE_TYPES, service.family, output);
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
                type_index(
                    REQUEST_TYPES,
                    family,
                    operation_info(family, operation).input,
                ),
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
                    with_selector(
                        type_index(
                            RESPONSE_TYPES,
                            family,
                            operation_info(family, operation).output,
                        ),
                        &body,
                    ),
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
            // The error's type, by its code, as the spec names it (a common error has none).
            let typed = cloudcost_families::FAMILIES
                .iter()
                .filter(|f| f.name == family)
                .flat_map(|f| f.errors)
                .find(|e| e.code == code)
                .and_then(|e| {
                    let name = format!("{family}::{}", e.name);
                    RESPONSE_TYPES.iter().position(|(n, _)| *n == name)
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

// ---------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    //! The error-body expectations, written out: every form of error body the specs and
    //! the runtime's documentation name, with the code and details a reader would expect,
    //! checked against the runtime and against the references the fuzz check uses.

    use super::*;
    use cloudcost_runtime::error_body::{self, ErrorBodyDetails};
    use cloudcost_runtime::error_code::{error_code, error_code_from_value};

    /// `(X-Amzn-ErrorType header, body, code)`: the code of an AWS JSON error response.
    const CODES: &[(Option<&str>, &str, Option<&str>)] = &[
        // awsJson1.1 (Cost Explorer): `__type` with a namespace, with a suffix, with both,
        // bare.
        (
            None,
            r#"{"__type":"com.amazonaws.ce#LimitExceededException","message":"Rate exceeded"}"#,
            Some("LimitExceededException"),
        ),
        (
            None,
            r#"{"__type":"LimitExceededException:http://internal.amazon.com/coral/com.amazon.coral.availability/","Message":"m"}"#,
            Some("LimitExceededException"),
        ),
        (
            None,
            r#"{"__type":"aws.protocols#ValidationException:http://example.com/x#frag"}"#,
            Some("ValidationException"),
        ),
        (
            None,
            r#"{"__type":"DataUnavailableException"}"#,
            Some("DataUnavailableException"),
        ),
        (
            None,
            r#"{"__type":" BillExpirationException "}"#,
            Some("BillExpirationException"),
        ),
        // Only the first `#` separates the namespace; the first `:` starts the suffix.
        (None, r#"{"__type":"ns#Code#More"}"#, Some("Code#More")),
        (None, r#"{"__type":"Code:x#y"}"#, Some("Code")),
        // restJson1 (Inspector2): the header, with the same namespace and suffix forms.
        (
            Some("ValidationException"),
            r#"{"message":"bad","reason":"FIELD_VALIDATION_FAILED"}"#,
            Some("ValidationException"),
        ),
        (
            Some(
                "AccessDeniedException:http://internal.amazon.com/coral/com.amazon.coral.service/",
            ),
            "{}",
            Some("AccessDeniedException"),
        ),
        (
            Some("com.amazonaws.inspector2#ThrottlingException"),
            "",
            Some("ThrottlingException"),
        ),
        // restJson1 bodies without the header: `code`, `Code`.
        (
            None,
            r#"{"code":"ResourceNotFoundException","message":"m"}"#,
            Some("ResourceNotFoundException"),
        ),
        (
            None,
            r#"{"Code":"InternalServerException"}"#,
            Some("InternalServerException"),
        ),
        // The order: the header, then `__type`, then `code`, then `Code`.
        (
            Some("ServiceQuotaExceededException"),
            r#"{"__type":"com.amazonaws.ce#LimitExceededException"}"#,
            Some("ServiceQuotaExceededException"),
        ),
        (
            None,
            r#"{"code":"Second","__type":"aws#First"}"#,
            Some("First"),
        ),
        (None, r#"{"Code":"Third","code":"Second"}"#, Some("Second")),
        // A header or member without a code gives way to the next place.
        (
            Some(""),
            r#"{"__type":"com.amazonaws.ce#BillExpirationException"}"#,
            Some("BillExpirationException"),
        ),
        (
            Some("aws.protocols#"),
            r#"{"code":"ConflictException"}"#,
            Some("ConflictException"),
        ),
        (
            None,
            r#"{"__type":"aws.protocols#","code":"ConflictException"}"#,
            Some("ConflictException"),
        ),
        (None, r#"{"__type":7,"code":"X"}"#, Some("X")),
        // No code: not JSON, not an object, no such member, a blank one, another case.
        (None, "", None),
        (None, "<html>502 Bad Gateway</html>", None),
        (None, r#"["__type"]"#, None),
        (None, r#"{"message":"m"}"#, None),
        (None, r#"{"__type":"  "}"#, None),
        (None, r#"{"CODE":"x","TYPE":"y"}"#, None),
        (Some(":http://x"), r#"{"__type":{"a":1}}"#, None),
        // SCP's envelope names its code in `errors[0].code`, which is not an AWS code.
        (
            None,
            r#"{"errors":[{"code":"IAM.AUTH.0001","title":"Forbidden","detail":"d"}]}"#,
            None,
        ),
    ];

    #[test]
    fn codes_are_the_written_ones() {
        for &(header, body, code) in CODES {
            let what = format!("header {header:?}, body {body}");
            let parsed = serde_json::from_str::<Value>(body).ok();
            assert_eq!(
                error_code(header, body.as_bytes()).as_deref(),
                code,
                "{what}"
            );
            assert_eq!(
                error_code_from_value(header, parsed.as_ref()),
                code,
                "{what}"
            );
            assert_eq!(
                reference_code(header, parsed.as_ref()).as_deref(),
                code,
                "the reference: {what}"
            );
            // And the fuzz check passes on it.
            let mut input = Vec::new();
            if let Some(header) = header {
                let len = u8::try_from(header.len())
                    .ok()
                    .filter(|&l| l < 128)
                    .unwrap_or_else(|| panic!("the header is too long for an input: {what}"));
                input.push(128 + len);
                input.extend_from_slice(header.as_bytes());
            } else {
                input.push(0);
            }
            input.extend_from_slice(body.as_bytes());
            error_bodies(&input);
        }
    }

    /// `(family, body, (code, message, request id))`: the details of an error body.
    #[allow(clippy::type_complexity)]
    const DETAILS: &[(&str, &str, (Option<&str>, Option<&str>, Option<&str>))] = &[
        // SCP's envelope; without a detail the title is the message, without a request id
        // the global one.
        (
            "scp-ce",
            r#"{"errors":[{"code":"IAM.AUTH.0001","title":"Forbidden","detail":"no permission for costexplorer:ListUsages","status":"403","request_id":"req-1","global_request_id":"g-1"}]}"#,
            (
                Some("IAM.AUTH.0001"),
                Some("no permission for costexplorer:ListUsages"),
                Some("req-1"),
            ),
        ),
        (
            "scp-ce",
            r#"{"errors":[{"code":"E1","title":"Bad Request","global_request_id":"g-2"}]}"#,
            (Some("E1"), Some("Bad Request"), Some("g-2")),
        ),
        // Only the first entry counts.
        (
            "scp-ce",
            r#"{"errors":[{"title":"first"},{"code":"E2","detail":"second"}]}"#,
            (None, Some("first"), None),
        ),
        // SCP's gateway, a Spring-style 404, a FastAPI-style array.
        (
            "scp-ce",
            r#"{"status":"UNAUTHORIZED","name":"InvalidSignature","message":"signature mismatch"}"#,
            (Some("InvalidSignature"), Some("signature mismatch"), None),
        ),
        (
            "scp-ce",
            r#"{"timestamp":"2024-08-01T00:00:00.000+00:00","path":"/v1/usages","status":404,"error":"Not Found","requestId":"8f2a"}"#,
            (Some("Not Found"), None, Some("8f2a")),
        ),
        (
            "scp-ce",
            r#"[{"loc":["query","limit"],"msg":"value is not a valid integer","type":"type_error.integer","ctx":{}}]"#,
            (
                Some("type_error.integer"),
                Some("value is not a valid integer"),
                None,
            ),
        ),
        // Keys in another case; a numeric code; blanks skipped; nothing found.
        (
            "scp-ce",
            r#"{"ERRORS":[{"Code":"E3","Detail":"upper"}],"REQUEST_ID":"r-3"}"#,
            (Some("E3"), Some("upper"), Some("r-3")),
        ),
        (
            "scp-ce",
            r#"{"errors":[{"code":1234,"detail":"numeric"}]}"#,
            (Some("1234"), Some("numeric"), None),
        ),
        (
            "scp-ce",
            r#"{"errors":[{"code":"  ","detail":" "}],"name":"N","message":"m"}"#,
            (Some("N"), Some("m"), None),
        ),
        ("scp-ce", r#"{"errors":[]}"#, (None, None, None)),
        ("scp-ce", "<html>502 Bad Gateway</html>", (None, None, None)),
        ("scp-ce", "", (None, None, None)),
        // AWS: the message at `message` in any case, else `errorMessage`; no service code
        // or request id in the body.
        (
            "aws-ce",
            r#"{"__type":"com.amazonaws.ce#LimitExceededException","Message":"Rate exceeded","requestId":"x"}"#,
            (None, Some("Rate exceeded"), None),
        ),
        (
            "aws-ce",
            r#"{"__type":"DataUnavailableException","errorMessage":"no data"}"#,
            (None, Some("no data"), None),
        ),
        (
            "aws-inspector2",
            r#"{"message":"bad","reason":"FIELD_VALIDATION_FAILED","code":"X"}"#,
            (None, Some("bad"), None),
        ),
        ("aws-inspector2", r#"{"Message":"  "}"#, (None, None, None)),
    ];

    #[test]
    fn details_are_the_written_ones() {
        for &(family, body, (code, message, request_id)) in DETAILS {
            let parsed = error_body::parse(body.as_bytes());
            let expected = ErrorBodyDetails {
                code: code.map(str::to_owned),
                message: message.map(str::to_owned),
                request_id: request_id.map(str::to_owned),
            };
            let found = error_body::details(parsed.as_ref(), generated_error_body(family));
            assert_eq!(found, expected, "{family}: {body}");
            let spec = spec_error_body(family);
            let reference = ErrorBodyDetails {
                code: reference_detail(parsed.as_ref(), &spec.code),
                message: reference_detail(parsed.as_ref(), &spec.message),
                request_id: reference_detail(parsed.as_ref(), &spec.request_id),
            };
            assert_eq!(reference, expected, "the reference, {family}: {body}");
            let mut input = vec![0];
            input.extend_from_slice(body.as_bytes());
            error_bodies(&input);
        }
    }

    #[test]
    fn every_spec_is_read_and_generated_as_written() {
        let families: Vec<&str> = specs().iter().map(|(family, _)| family.as_str()).collect();
        // The families the tables above use, at least.
        for family in ["aws-ce", "aws-inspector2", "scp-ce"] {
            assert!(families.contains(&family), "{family} not in {families:?}");
        }
        for (family, spec) in specs() {
            spec.assert_matches(family, generated_error_body(family));
        }
    }

    #[test]
    fn a_wrong_expectation_fails() {
        // The table check would see a wrong code: the references are not the runtime.
        let body = br#"{"__type":"com.amazonaws.ce#LimitExceededException"}"#;
        assert_ne!(
            error_code(None, body).as_deref(),
            Some("com.amazonaws.ce#LimitExceededException")
        );
        assert_eq!(
            reference_bare_code("a#b:c#d").as_deref(),
            Some("b"),
            "the reference strips the suffix first"
        );
    }
}
