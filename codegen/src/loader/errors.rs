//! Errors: `x-cloudcost-error` on an error shape (its wire code, HTTP status, fault,
//! retryability), and `x-cloudcost-service.commonErrors` and `errorsFor`: what the service
//! answers when no single operation's error list applies (bad input, missing credentials,
//! overload, a foreign pagination token).
//!
//! `x-cloudcost-error` is read with its shape (`shapes`); `commonErrors` and `errorsFor`
//! are read last, after the shapes and operations, because each answer refers to a
//! modeled error shape by its code or to a common error. A common error may not reuse a
//! modeled code: the mock and the clients pick an error by its code, so one code must
//! mean one thing.

use serde_json::Value;

use super::{escape, kind, Loader, R};
use crate::ir::*;

/// The keys of `errorsFor`, all required.
const SITUATIONS: [&str; 8] = [
    "invalidRequest",
    "missingAuth",
    "badSignature",
    "throttled",
    "internal",
    "unavailable",
    "invalidToken",
    "changedRequest",
];

impl<'a> Loader<'a> {
    /// An `x-cloudcost-error` object, or an entry of `commonErrors`. Errors are 4xx/5xx by
    /// definition: a 2xx or 3xx status here would be a success the client treats as a
    /// failure.
    pub(super) fn error_info(&self, e: &'a Value, p: &str) -> R<ErrorInfo> {
        self.obj(e, p)?;
        let status = self
            .opt_u64(e, p, "httpStatus")?
            .ok_or_else(|| self.err(p, "missing required `httpStatus`"))?;
        let fault = self.req_str(e, p, "fault")?;
        if fault != "client" && fault != "server" {
            return Err(self.err(&format!("{p}/fault"), "expected client or server"));
        }
        Ok(ErrorInfo {
            code: self.req_str(e, p, "code")?.to_string(),
            http_status: u16::try_from(status)
                .ok()
                .filter(|s| (400..600).contains(s))
                .ok_or_else(|| {
                    self.err(
                        &format!("{p}/httpStatus"),
                        "expected an HTTP error status 400-599",
                    )
                })?,
            server_fault: fault == "server",
            retryable: self.opt_bool(e, p, "retryable")?,
            throttling: self.opt_bool(e, p, "throttling")?,
        })
    }

    /// `commonErrors`, then `errorsFor` (every situation required, no unknown keys).
    pub(super) fn situations(&self, service: &mut Service, svc: &'a Value, svc_ptr: &str) -> R<()> {
        if let Some(list) = svc.get("commonErrors") {
            let p = format!("{svc_ptr}/commonErrors");
            let items = list
                .as_array()
                .ok_or_else(|| self.err(&p, format!("expected a list, found {}", kind(list))))?;
            for (i, e) in items.iter().enumerate() {
                let ep = format!("{p}/{i}");
                let info = self.error_info(e, &ep)?;
                if modeled_shape(service, &info.code).is_some()
                    || service.common_errors.iter().any(|c| c.code == info.code)
                {
                    return Err(self.err(
                        &format!("{ep}/code"),
                        format!("`{}` is already a modeled or common error", info.code),
                    ));
                }
                service.common_errors.push(info);
            }
        }
        let (map, p) = self.req_obj(svc, svc_ptr, "errorsFor")?;
        for key in map.keys() {
            if !SITUATIONS.contains(&key.as_str()) {
                return Err(self.err(
                    &format!("{p}/{}", escape(key)),
                    format!(
                        "unknown situation; expected one of {}",
                        SITUATIONS.join(", ")
                    ),
                ));
            }
        }
        let read = |key: &str| -> R<SituationError> {
            let v = map
                .get(key)
                .ok_or_else(|| self.err(&p, format!("missing required `{key}`")))?;
            self.situation(service, v, &format!("{p}/{key}"))
        };
        service.errors_for = ErrorsFor {
            invalid_request: read("invalidRequest")?,
            missing_auth: read("missingAuth")?,
            bad_signature: read("badSignature")?,
            throttled: read("throttled")?,
            internal: read("internal")?,
            unavailable: read("unavailable")?,
            invalid_token: read("invalidToken")?,
            changed_request: read("changedRequest")?,
        };
        Ok(())
    }

    /// One answer: a code, or `{code, members, fieldList}`.
    fn situation(&self, service: &Service, v: &'a Value, p: &str) -> R<SituationError> {
        let (code, code_ptr) = match v {
            Value::String(code) => (code.as_str(), p.to_string()),
            Value::Object(_) => (self.req_str(v, p, "code")?, format!("{p}/code")),
            other => {
                return Err(self.err(
                    p,
                    format!("expected an error code or an object, found {}", kind(other)),
                ))
            }
        };
        let shape = modeled_shape(service, code);
        if shape.is_none() && !service.common_errors.iter().any(|c| c.code == code) {
            return Err(self.err(
                &code_ptr,
                format!("`{code}` is neither a modeled error (x-cloudcost-error) nor listed in commonErrors"),
            ));
        }
        let mut out = SituationError {
            code: code.to_string(),
            shape: shape.clone(),
            ..Default::default()
        };
        if let Some(members) = v.get("members") {
            let mp = format!("{p}/members");
            let Some(name) = &shape else {
                return Err(self.err(&mp, "a common error has no modeled members to fill"));
            };
            let s = service
                .structure(name)
                .expect("modeled errors are structures");
            for (member, value) in self.obj(members, &mp)? {
                let vp = format!("{mp}/{}", escape(member));
                let m = s
                    .members
                    .iter()
                    .find(|m| &m.name == member)
                    .ok_or_else(|| self.err(&vp, format!("`{name}` has no member `{member}`")))?;
                if let TyKind::Enum(e) = &m.ty.kind {
                    let values = match service.shapes.get(e).map(|s| &s.kind) {
                        Some(ShapeKind::Enum(values)) => values.as_slice(),
                        _ => &[],
                    };
                    if !value
                        .as_str()
                        .is_some_and(|s| values.iter().any(|v| v == s))
                    {
                        return Err(
                            self.err(&vp, format!("expected one of {} ({e})", values.join(", ")))
                        );
                    }
                }
                out.members.insert(member.clone(), value.clone());
            }
        }
        if let Some(list) = v.get("fieldList") {
            let lp = format!("{p}/fieldList");
            let Some(name) = &shape else {
                return Err(self.err(&lp, "a common error has no modeled members to fill"));
            };
            let member = list
                .as_str()
                .ok_or_else(|| self.err(&lp, "expected a member name"))?;
            let s = service
                .structure(name)
                .expect("modeled errors are structures");
            let item = s
                .members
                .iter()
                .find(|m| m.name == member)
                .and_then(|m| match &m.ty.kind {
                    TyKind::List(item) => match &item.kind {
                        TyKind::Struct(item) => service.structure(item),
                        _ => None,
                    },
                    _ => None,
                });
            let fits = item.is_some_and(|item| {
                ["name", "message"].iter().all(|f| {
                    item.members
                        .iter()
                        .any(|m| m.name == *f && m.ty.kind == TyKind::String)
                })
            });
            if !fits {
                return Err(self.err(
                    &lp,
                    format!("expected a list member of `{name}` whose items have string members `name` and `message`"),
                ));
            }
            out.field_list = Some(member.to_string());
        }
        Ok(out)
    }
}

/// The name of the error shape whose wire code is `code`.
fn modeled_shape(service: &Service, code: &str) -> Option<String> {
    service
        .shapes
        .iter()
        .find_map(|(name, shape)| match &shape.kind {
            ShapeKind::Structure(Structure {
                error: Some(info), ..
            }) if info.code == code => Some(name.clone()),
            _ => None,
        })
}
