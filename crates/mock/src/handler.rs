//! One request, start to finish: route, fault, authentication, injected error, validation,
//! data. Generic over the generated tables: nothing here names a service.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http::request::Parts;
use serde_json::{Map, Value};

use crate::auth::{self, AuthFailure};
use crate::counts::{self, Counter};
use crate::dataset;
use crate::dataset::Caches;
use crate::faults::{FaultKind, SLOW_DELAY};
use crate::paging::Refusal;
use crate::protocol::{self, Reply, Route};
use crate::spec::{Answer, OperationSpec, Protocol, ServiceSpec, Violation};
use crate::synth::mix;
use crate::MockConfig;

/// The request header that asks for one of the operation's errors (or a common error) by
/// its code, so client tests can see every error without contriving the situation.
pub const ERROR_HEADER: &str = "x-cloudcost-mock-error";

/// What the connection does with a request.
pub(crate) enum Outcome {
    Reply(Reply),
    /// Close the connection without answering.
    Reset,
    /// Send the reply's headers and half its body, then close.
    Truncate(Reply),
}

pub(crate) struct State {
    pub config: MockConfig,
    pub services: &'static [&'static ServiceSpec],
    counter: AtomicU64,
    /// This instance's prefix of every request id ([`request_id`]).
    instance: u64,
    /// Injected faults so far, by kind (in `FaultKind::ALL` order).
    faults: [AtomicU64; 6],
    /// Answered requests per operation.
    pub counts: Counter,
    caches: Caches,
}

impl State {
    pub fn new(config: MockConfig) -> Self {
        State {
            config,
            services: crate::generated::SERVICES,
            counter: AtomicU64::new(0),
            instance: instance_key(),
            faults: Default::default(),
            counts: Counter::new(crate::generated::SERVICES),
            caches: Caches::default(),
        }
    }

    /// Requests received and faults injected so far.
    pub fn stats(&self) -> crate::Stats {
        crate::Stats {
            requests: self.counter.load(Ordering::Relaxed),
            faults: FaultKind::ALL
                .into_iter()
                .zip(&self.faults)
                .map(|(k, n)| (k, n.load(Ordering::Relaxed)))
                .filter(|(_, n)| *n > 0)
                .collect(),
        }
    }
}

/// A number that tells this mock instance from every other, in this process or another
/// (with overwhelming probability): the per-process random keys of the standard library's
/// hasher (fresh keys for each instance), the process id and the time. It only prefixes
/// request ids; data and faults never depend on it.
fn instance_key() -> u64 {
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u32(std::process::id());
    if let Ok(now) = SystemTime::now().duration_since(UNIX_EPOCH) {
        hasher.write_u128(now.as_nanos());
    }
    mix(hasher.finish())
}

/// A request id in the UUID (version 4) form AWS uses:
/// `IIIIIIII-IIII-4IIR-8RRR-RRRRRRRRRRRR`. The first 56 bits (`I`) are the mock instance's
/// own ([`instance_key`]), so ids never repeat from one mock process to the next; the last
/// 64 (`R`) are a function of the seed and the request number alone, different for every
/// request number, so a replay by seed gives the same ids after the instance's prefix.
fn request_id(instance: u64, seed: u64, n: u64) -> String {
    // The golden-ratio offset keeps request 0 of seed 0 from being all zeros; `mix` is a
    // bijection, so two request numbers never share `r`.
    let r = mix(seed ^ mix(n.wrapping_add(0x9E37_79B9_7F4A_7C15)));
    format!(
        "{:08x}-{:04x}-4{:02x}{:01x}-8{:03x}-{:012x}",
        instance >> 32,
        (instance >> 16) & 0xffff,
        (instance >> 8) & 0xff,
        r >> 60,
        (r >> 48) & 0xfff,
        r & 0xffff_ffff_ffff
    )
}

pub(crate) async fn handle(state: &State, parts: Parts, body: Bytes) -> Outcome {
    // The mock's own paths come before numbering: reading the counts must not shift which
    // request gets which fault, nor count itself.
    if parts.uri.path().starts_with(counts::RESERVED_PREFIX) {
        return Outcome::Reply(counts::own_answer(
            parts.method.as_str(),
            parts.uri.path(),
            &state.counts,
        ));
    }
    let n = state.counter.fetch_add(1, Ordering::Relaxed);
    let id = request_id(state.instance, state.config.faults.seed, n);
    let target = parts
        .headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok());
    let (service, op) = match protocol::route(
        state.services,
        parts.method.as_str(),
        parts.uri.path(),
        target,
    ) {
        Route::Found(service, op) => (service, op),
        Route::UnknownTarget(t) => {
            return Outcome::Reply(protocol::not_found(
                400,
                "UnknownOperationException",
                &format!("no operation has X-Amz-Target {t:?}"),
                &id,
            ))
        }
        Route::Nowhere => {
            return Outcome::Reply(protocol::not_found(
                404,
                "NotFound",
                &format!("no operation at {} {}", parts.method, parts.uri.path()),
                &id,
            ))
        }
    };
    let outcome = routed(state, service, op, n, &id, &parts, &body).await;
    if !matches!(outcome, Outcome::Reset) {
        state.counts.record(service, op);
    }
    outcome
}

/// [`handle`] once the request has found its operation: fault, checks, data.
async fn routed(
    state: &State,
    service: &'static ServiceSpec,
    op: &'static OperationSpec,
    n: u64,
    id: &str,
    parts: &Parts,
    body: &[u8],
) -> Outcome {
    let answer = |a: &Answer, message: &str, violations: &[Violation]| {
        protocol::error(service, a, message, violations, id, &state.caches)
    };
    let errors = &service.errors_for;
    let mut truncate = false;
    let fault = state.config.faults.pick(n);
    if let Some(kind) = fault {
        let slot = FaultKind::ALL.iter().position(|k| *k == kind).unwrap_or(0);
        state.faults[slot].fetch_add(1, Ordering::Relaxed);
    }
    match fault {
        None => {}
        Some(FaultKind::Throttle) => {
            return Outcome::Reply(answer(&errors.throttled, "Rate exceeded", &[]))
        }
        Some(FaultKind::Http500) => {
            return Outcome::Reply(answer(&errors.internal, "Internal failure (injected)", &[]))
        }
        Some(FaultKind::Http503) => {
            return Outcome::Reply(answer(
                &errors.unavailable,
                "Service unavailable (injected)",
                &[],
            ))
        }
        Some(FaultKind::Reset) => return Outcome::Reset,
        Some(FaultKind::Slow) => tokio::time::sleep(SLOW_DELAY).await,
        Some(FaultKind::Truncate) => truncate = true,
    }
    let reply = respond(state, service, op, parts, body, id);
    let reply = match reply {
        Ok(reply) => reply,
        Err((a, message, violations)) => answer(&a, &message, &violations),
    };
    if truncate {
        Outcome::Truncate(reply)
    } else {
        Outcome::Reply(reply)
    }
}

type Failure = (Answer, String, Vec<Violation>);

fn respond(
    state: &State,
    service: &'static ServiceSpec,
    op: &'static OperationSpec,
    parts: &Parts,
    body: &[u8],
    id: &str,
) -> Result<Reply, Failure> {
    let errors = &service.errors_for;
    match auth::check(
        &service.auth,
        parts,
        body,
        state.config.strict_auth,
        &state.config.keys,
    ) {
        Ok(()) => {}
        Err(AuthFailure::Missing(m)) => {
            let answer = state
                .config
                .missing_auth_as
                .as_deref()
                .and_then(|wanted| service_codes(service).find(|c| *c == wanted))
                .map_or(errors.missing_auth, |code| Answer {
                    code,
                    members: &[],
                    field_list: None,
                });
            return Err((answer, m, Vec::new()));
        }
        Err(AuthFailure::Bad(m)) => return Err((errors.bad_signature, m, Vec::new())),
    }
    if let Some(code) = parts.headers.get(ERROR_HEADER) {
        return Err(injected(service, op, code.to_str().unwrap_or_default()));
    }
    let request = match service.protocol {
        Protocol::ScpRest => query_to_json(
            &state.caches.schemas.get(op.request_schema),
            parts.uri.query().unwrap_or_default(),
        ),
        Protocol::AwsJson1_1 | Protocol::RestJson1 if body.iter().all(u8::is_ascii_whitespace) => {
            // An empty body is an empty input, as the AWS services take it.
            b"{}".to_vec()
        }
        Protocol::AwsJson1_1 | Protocol::RestJson1 => body.to_vec(),
    };
    let request_schema = state.caches.schemas.get(op.request_schema);
    let checked = (op.check_request)(&request).and_then(|()| {
        // Decoded by the model already, so it is JSON; parsed once more as a tree for the
        // enum check and the dataset.
        let value: Value = serde_json::from_slice(&request).unwrap_or(Value::Null);
        let unknown = crate::strict::unknown_enum_values(&request_schema, &value);
        if unknown.is_empty() {
            Ok(value)
        } else {
            Err(unknown)
        }
    });
    let value = match checked {
        Ok(value) => value,
        Err(violations) => {
            let list: Vec<String> = violations.iter().map(ToString::to_string).collect();
            let message = format!(
                "{} validation error{} detected: {}",
                violations.len(),
                if violations.len() == 1 { "" } else { "s" },
                list.join("; ")
            );
            return Err((errors.invalid_request, message, violations));
        }
    };
    match dataset::respond(op, &state.config.dataset, &value, &state.caches) {
        Ok(bytes) => Ok(protocol::success(service, id, bytes)),
        Err(Refusal::InvalidRequest(m)) => Err((errors.invalid_request, m, Vec::new())),
        Err(Refusal::InvalidToken(m)) => Err((errors.invalid_token, m, Vec::new())),
        Err(Refusal::ChangedRequest(m)) => Err((errors.changed_request, m, Vec::new())),
        Err(Refusal::Internal(m)) => {
            tracing::error!(operation = op.name, "mock response failed: {m}");
            Err((errors.internal, m, Vec::new()))
        }
    }
}

/// The answer to `x-cloudcost-mock-error: <code>`: one of the operation's modeled errors
/// or a common error; anything else is a bad request that lists what is allowed.
/// Every error code `service` can answer: its modeled shapes' and its common ones.
pub(crate) fn service_codes(service: &'static ServiceSpec) -> impl Iterator<Item = &'static str> {
    service
        .error_shapes
        .iter()
        .map(|e| e.code)
        .chain(service.common_errors.iter().map(|c| c.code))
}

fn injected(service: &'static ServiceSpec, op: &'static OperationSpec, code: &str) -> Failure {
    static EMPTY: &[(&str, &str)] = &[];
    let known = op
        .errors
        .iter()
        .copied()
        .chain(service.common_errors.iter().map(|c| c.code))
        .find(|c| *c == code);
    match known {
        Some(code) => {
            let answer = Answer {
                code,
                members: EMPTY,
                field_list: None,
            };
            (
                answer,
                format!("{code} (requested by {ERROR_HEADER})"),
                Vec::new(),
            )
        }
        None => {
            let allowed: Vec<&str> = op
                .errors
                .iter()
                .copied()
                .chain(service.common_errors.iter().map(|c| c.code))
                .collect();
            let v = Violation {
                field: ERROR_HEADER.to_string(),
                message: format!(
                    "unknown error code {code:?}; expected one of {}",
                    allowed.join(", ")
                ),
            };
            (service.errors_for.invalid_request, v.to_string(), vec![v])
        }
    }
}

/// An SCP query string as the JSON object the model decodes: repeated keys of list-valued
/// parameters collected, integers and booleans typed by the request schema. A value that
/// does not parse stays a string, so the model's decoder names the parameter.
fn query_to_json(schema: &Value, query: &str) -> Vec<u8> {
    let props = schema.get("properties");
    let mut out = Map::new();
    for (key, raw) in url::form_urlencoded::parse(query.as_bytes()) {
        let prop = props.and_then(|p| p.get(key.as_ref()));
        let ty = |s: Option<&Value>| {
            s.and_then(|s| s.get("type"))
                .and_then(Value::as_str)
                .unwrap_or("string")
                .to_string()
        };
        let scalar = |t: &str, raw: &str| match t {
            "integer" => raw
                .parse::<i64>()
                .map(Value::from)
                .unwrap_or_else(|_| Value::String(raw.to_string())),
            "boolean" => raw
                .parse::<bool>()
                .map(Value::Bool)
                .unwrap_or_else(|_| Value::String(raw.to_string())),
            _ => Value::String(raw.to_string()),
        };
        if ty(prop) == "array" {
            let item_ty = ty(prop.and_then(|p| p.get("items")));
            let entry = out
                .entry(key.into_owned())
                .or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(items) = entry {
                items.push(scalar(&item_ty, &raw));
            }
        } else {
            out.insert(key.into_owned(), scalar(&ty(prop), &raw));
        }
    }
    serde_json::to_vec(&Value::Object(out)).unwrap_or_default()
}
