//! Each protocol's wire rules on the server side: how a request finds its operation, and
//! what a success or an error looks like (content type, request id, error code placement).

use serde_json::{Map, Value};

use crate::spec::{Answer, OperationSpec, Protocol, ServiceSpec, Violation};
use crate::synth::{Caches, Synth};

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
/// A modeled error's body is generated from its schema, its message member set, the
/// answer's fixed members and field list filled in, and header-bound members (Inspector2's
/// `retryAfterSeconds`) moved to their headers; it is then encoded through the model type.
/// A common error carries only a message.
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
            let root = caches.schemas.get(shape.schema);
            let mut value = Synth::new(&root, 0, &caches.patterns).value(&root, answer.code, 0);
            let obj = value.as_object_mut();
            let mut obj = obj.map(std::mem::take).unwrap_or_default();
            set_message(&mut obj, &root, message);
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
            body.insert("message".into(), Value::String(message.to_string()));
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

/// Sets the shape's message member (`message` or `Message`, as the model spells it).
fn set_message(obj: &mut Map<String, Value>, schema: &Value, message: &str) {
    let name = schema
        .get("properties")
        .and_then(Value::as_object)
        .and_then(|p| {
            p.keys()
                .find(|k| k.eq_ignore_ascii_case("message"))
                .cloned()
        })
        .unwrap_or_else(|| "message".to_string());
    obj.insert(name, Value::String(message.to_string()));
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
