//! Each protocol's wire rules on the server side: how a request finds its operation, and
//! what a success or an error looks like (content type, request id, error code placement).

use serde_json::{Map, Value};

use crate::dataset::Caches;
use crate::spec::{Answer, OperationSpec, Protocol, ServiceSpec, Violation};
use crate::synth::Synth;

/// A response before it becomes HTTP.
#[derive(Debug)]
pub(crate) struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// What a request is addressed to.
pub(crate) enum Route {
    Found(&'static ServiceSpec, &'static OperationSpec),
    /// awsJson1.1: an `X-Amz-Target` no service has.
    UnknownTarget(String),
    /// No operation has this method and path.
    Nowhere,
}

/// Routes as the real services do: awsJson1.1 by `X-Amz-Target` on `POST /`, the REST
/// protocols by method and path.
pub(crate) fn route(
    services: &'static [&'static ServiceSpec],
    method: &str,
    path: &str,
    target: Option<&str>,
) -> Route {
    if let Some(target) = target {
        for service in services
            .iter()
            .filter(|s| s.protocol == Protocol::AwsJson1_1)
        {
            if let Some(op) = service.operations.iter().find(|o| o.target == Some(target)) {
                if method == op.method && path == op.path {
                    return Route::Found(service, op);
                }
            }
        }
        return Route::UnknownTarget(target.to_string());
    }
    for service in services
        .iter()
        .filter(|s| s.protocol != Protocol::AwsJson1_1)
    {
        if let Some(op) = service
            .operations
            .iter()
            .find(|o| o.method == method && o.path == path)
        {
            return Route::Found(service, op);
        }
    }
    Route::Nowhere
}

fn media_type(protocol: Protocol) -> &'static str {
    match protocol {
        Protocol::AwsJson1_1 => "application/x-amz-json-1.1",
        Protocol::RestJson1 | Protocol::ScpRest => "application/json",
    }
}

fn base_headers(protocol: Protocol, request_id: &str) -> Vec<(String, String)> {
    let mut h = vec![("Content-Type".to_string(), media_type(protocol).to_string())];
    match protocol {
        Protocol::AwsJson1_1 | Protocol::RestJson1 => {
            h.push(("x-amzn-RequestId".to_string(), request_id.to_string()));
        }
        Protocol::ScpRest => h.push(("X-Request-Id".to_string(), request_id.to_string())),
    }
    h
}

/// A 200 with `body`.
pub(crate) fn success(service: &ServiceSpec, request_id: &str, body: Vec<u8>) -> Reply {
    Reply {
        status: 200,
        headers: base_headers(service.protocol, request_id),
        body,
    }
}

/// An error answer in the service's own shape.
///
/// A modeled error's body is generated from its schema, the answer's fixed members and
/// field list filled in, and header-bound members (Inspector2's `retryAfterSeconds`) moved
/// to their headers; it is then encoded through the model type. The message, the
/// service's own code and the request id go where the spec's `errorBody` points first
/// (AWS: `message`; SCP: its envelope, `errors[0].detail`, `errors[0].code`,
/// `errors[0].request_id`). A service whose bodies state their own code (SCP) gets a body
/// of those alone: its error shapes are lenient unions of every form seen in the wild,
/// and a synthesized member of each would be a body no server sends.
pub(crate) fn error(
    service: &ServiceSpec,
    answer: &Answer,
    message: &str,
    violations: &[Violation],
    request_id: &str,
    caches: &Caches,
) -> Reply {
    let mut headers = base_headers(service.protocol, request_id);
    let (status, mut body) = match service.error_shapes.iter().find(|e| e.code == answer.code) {
        Some(shape) => {
            let mut obj = if service.error_body.code.is_empty() {
                let root = caches.schemas.get(shape.schema);
                let mut value = Synth::new(&root, 0, &caches.patterns).value(&root, answer.code, 0);
                value
                    .as_object_mut()
                    .map(std::mem::take)
                    .unwrap_or_default()
            } else {
                Map::new()
            };
            write_details(&mut obj, service, answer.code, message, request_id);
            for (member, json) in answer.members {
                if let Ok(v) = serde_json::from_str(json) {
                    obj.insert((*member).to_string(), v);
                }
            }
            if let Some(list) = answer.field_list {
                let fields = violations
                    .iter()
                    .map(|v| serde_json::json!({"name": v.field, "message": v.message}))
                    .collect();
                obj.insert(list.to_string(), Value::Array(fields));
            }
            for (member, header) in shape.headers {
                // Header-bound members travel only as headers. A short, fixed hint: clients
                // cap it anyway, and tests must stay fast.
                obj.remove(*member);
                headers.push(((*header).to_string(), "1".to_string()));
            }
            let body = (shape.encode)(Value::Object(obj.clone()))
                .ok()
                .and_then(|b| serde_json::from_slice::<Map<String, Value>>(&b).ok())
                .unwrap_or(obj);
            (shape.status, body)
        }
        None => {
            let status = service
                .common_errors
                .iter()
                .find(|c| c.code == answer.code)
                .map_or(500, |c| c.status);
            let mut body = Map::new();
            write_details(&mut body, service, answer.code, message, request_id);
            (status, body)
        }
    };
    match service.protocol {
        Protocol::AwsJson1_1 => {
            body.insert("__type".into(), Value::String(answer.code.to_string()));
        }
        Protocol::RestJson1 => headers.push(("X-Amzn-ErrorType".into(), answer.code.to_string())),
        // SCP errors are told apart by status alone.
        Protocol::ScpRest => {}
    }
    Reply {
        status,
        headers,
        body: serde_json::to_vec(&Value::Object(body)).unwrap_or_default(),
    }
}

/// Writes the message, the service's own code and the request id at the first pointer
/// of each of the spec's `errorBody` lists: where clients look first.
fn write_details(
    obj: &mut Map<String, Value>,
    service: &ServiceSpec,
    code: &str,
    message: &str,
    request_id: &str,
) {
    let points = &service.error_body;
    let mut body = Value::Object(std::mem::take(obj));
    for (pointers, value) in [
        (points.code, code),
        (points.message, message),
        (points.request_id, request_id),
    ] {
        if let Some(pointer) = pointers.first() {
            set_at(&mut body, pointer, value);
        }
    }
    if let Value::Object(map) = body {
        *obj = map;
    }
}

/// Sets `value` at the JSON pointer, making the objects and arrays on the way. An object
/// key already there in another case (`Message` for `/message`) is reused, so the body
/// keeps the model's spelling.
fn set_at(root: &mut Value, pointer: &str, value: &str) {
    let tokens: Vec<&str> = pointer.trim_start_matches('/').split('/').collect();
    let mut current = root;
    for (i, token) in tokens.iter().enumerate() {
        let last = i + 1 == tokens.len();
        let next_is_index = tokens
            .get(i + 1)
            .is_some_and(|t| t.parse::<usize>().is_ok());
        let fresh = || {
            if last {
                Value::String(value.to_string())
            } else if next_is_index {
                Value::Array(Vec::new())
            } else {
                Value::Object(Map::new())
            }
        };
        current = match current {
            Value::Object(map) => {
                let key = map
                    .keys()
                    .find(|k| k.eq_ignore_ascii_case(token))
                    .cloned()
                    .unwrap_or_else(|| (*token).to_string());
                let slot = map.entry(key).or_insert_with(fresh);
                if last {
                    *slot = Value::String(value.to_string());
                }
                slot
            }
            Value::Array(items) => {
                let Ok(index) = token.parse::<usize>() else {
                    return;
                };
                while items.len() <= index {
                    items.push(fresh());
                }
                if last {
                    items[index] = Value::String(value.to_string());
                }
                &mut items[index]
            }
            _ => return,
        };
    }
}

/// A plain JSON error for requests that reach no operation.
pub(crate) fn not_found(status: u16, code: &str, message: &str, request_id: &str) -> Reply {
    let body = serde_json::json!({"__type": code, "message": message});
    Reply {
        status,
        headers: vec![
            ("Content-Type".into(), "application/json".into()),
            ("x-amzn-RequestId".into(), request_id.to_string()),
            ("X-Amzn-ErrorType".into(), code.to_string()),
        ],
        body: serde_json::to_vec(&body).unwrap_or_default(),
    }
}
