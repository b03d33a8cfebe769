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
                // invariant: `error_shapes` keeps only structures with `x-cloudcost-error`.
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
                // invariant: `error_shapes` keeps only structures with `x-cloudcost-error`.
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

#[cfg(test)]
mod tests {
    use super::super::testing::{error, load};
    use crate::ir::*;

    const ERRORS: &str = r#"
components:
  schemas:
    Field:
      type: object
      required: [name, message]
      properties: {name: {type: string}, message: {type: string}}
    Reason: {type: string, enum: [BAD_FIELD, OTHER]}
    Invalid:
      type: object
      x-cloudcost-error: {code: ValidationException, httpStatus: 400, fault: client}
      properties:
        reason: {$ref: '#/components/schemas/Reason'}
        note: {type: string}
        fields: {type: array, items: {$ref: '#/components/schemas/Field'}}
    Slow:
      type: object
      x-cloudcost-error: {code: ThrottlingException, httpStatus: 429, fault: client, retryable: true, throttling: true}
x-cloudcost-service:
  commonErrors:
    - {code: Oops, httpStatus: 500, fault: server}
    - {code: Unavailable, httpStatus: 503, fault: server, retryable: true}
  errorsFor:
    invalidRequest: {code: ValidationException, members: {reason: BAD_FIELD, note: checked}, fieldList: fields}
    throttled: ThrottlingException
    unavailable: {code: Unavailable}
"#;

    #[test]
    fn error_shapes_common_errors_and_situations() {
        let s = load(ERRORS);
        assert_eq!(
            s.structure("Slow").unwrap().error,
            Some(ErrorInfo {
                code: "ThrottlingException".into(),
                http_status: 429,
                server_fault: false,
                retryable: true,
                throttling: true,
            })
        );
        assert_eq!(
            s.common_errors,
            [
                ErrorInfo {
                    code: "Oops".into(),
                    http_status: 500,
                    server_fault: true,
                    retryable: false,
                    throttling: false,
                },
                ErrorInfo {
                    code: "Unavailable".into(),
                    http_status: 503,
                    server_fault: true,
                    retryable: true,
                    throttling: false,
                },
            ]
        );
        let invalid = &s.errors_for.invalid_request;
        assert_eq!(invalid.code, "ValidationException");
        assert_eq!(invalid.shape.as_deref(), Some("Invalid"));
        assert_eq!(
            invalid.members.iter().collect::<Vec<_>>(),
            [
                (&"note".to_string(), &serde_json::json!("checked")),
                (&"reason".to_string(), &serde_json::json!("BAD_FIELD")),
            ]
        );
        assert_eq!(invalid.field_list.as_deref(), Some("fields"));
        let throttled = &s.errors_for.throttled;
        assert_eq!(
            (throttled.code.as_str(), throttled.shape.as_deref()),
            ("ThrottlingException", Some("Slow"))
        );
        assert!(throttled.members.is_empty() && throttled.field_list.is_none());
        // A common error, in the object form.
        let unavailable = &s.errors_for.unavailable;
        assert_eq!(
            (unavailable.code.as_str(), unavailable.shape.as_deref()),
            ("Unavailable", None)
        );
        assert_eq!(s.errors_for.missing_auth.code, "Oops");
        assert_eq!(s.errors_for.missing_auth.shape, None);
    }

    #[test]
    fn fault_that_is_neither_client_nor_server() {
        assert_eq!(
            error("components: {schemas: {Boom: {type: object, x-cloudcost-error: {code: Boom, httpStatus: 500, fault: service}}}}"),
            "specs/test.yaml#/components/schemas/Boom/x-cloudcost-error/fault: expected client or server"
        );
    }

    #[test]
    fn status_that_is_not_an_error() {
        assert_eq!(
            error("components: {schemas: {Moved: {type: object, x-cloudcost-error: {code: Moved, httpStatus: 301, fault: client}}}}"),
            "specs/test.yaml#/components/schemas/Moved/x-cloudcost-error/httpStatus: expected an HTTP error status 400-599"
        );
    }

    #[test]
    fn error_without_status() {
        assert_eq!(
            error("components: {schemas: {Boom: {type: object, x-cloudcost-error: {code: Boom, fault: server}}}}"),
            "specs/test.yaml#/components/schemas/Boom/x-cloudcost-error: missing required `httpStatus`"
        );
    }

    #[test]
    fn common_errors_that_are_not_a_list() {
        assert_eq!(
            error("x-cloudcost-service: {commonErrors: {Oops: 500}}"),
            "specs/test.yaml#/x-cloudcost-service/commonErrors: expected a list, found an object"
        );
    }

    #[test]
    fn common_error_listed_twice() {
        assert_eq!(
            error("x-cloudcost-service: {commonErrors: [{code: Oops, httpStatus: 500, fault: server}, {code: Oops, httpStatus: 503, fault: server}]}"),
            "specs/test.yaml#/x-cloudcost-service/commonErrors/1/code: `Oops` is already a modeled or common error"
        );
    }

    #[test]
    fn unknown_situation() {
        assert_eq!(
            error("x-cloudcost-service: {errorsFor: {timeout: Oops}}"),
            "specs/test.yaml#/x-cloudcost-service/errorsFor/timeout: unknown situation; expected one of invalidRequest, missingAuth, badSignature, throttled, internal, unavailable, invalidToken, changedRequest"
        );
    }

    #[test]
    fn situation_that_is_a_number() {
        assert_eq!(
            error("x-cloudcost-service: {errorsFor: {internal: 500}}"),
            "specs/test.yaml#/x-cloudcost-service/errorsFor/internal: expected an error code or an object, found a number"
        );
    }

    #[test]
    fn unknown_code_in_the_object_form() {
        assert_eq!(
            error("x-cloudcost-service: {errorsFor: {internal: {code: Boom}}}"),
            "specs/test.yaml#/x-cloudcost-service/errorsFor/internal/code: `Boom` is neither a modeled error (x-cloudcost-error) nor listed in commonErrors"
        );
    }

    #[test]
    fn members_of_a_common_error() {
        assert_eq!(
            error("x-cloudcost-service: {errorsFor: {internal: {code: Oops, members: {a: b}}}}"),
            "specs/test.yaml#/x-cloudcost-service/errorsFor/internal/members: a common error has no modeled members to fill"
        );
    }

    #[test]
    fn field_list_of_a_common_error() {
        assert_eq!(
            error("x-cloudcost-service: {errorsFor: {internal: {code: Oops, fieldList: fields}}}"),
            "specs/test.yaml#/x-cloudcost-service/errorsFor/internal/fieldList: a common error has no modeled members to fill"
        );
    }

    #[test]
    fn member_the_error_does_not_have() {
        let spec = format!(
            "{ERRORS}    throttled: {{code: ThrottlingException, members: {{why: slow}}}}\n"
        )
        .replace("    throttled: ThrottlingException\n", "");
        assert_eq!(
            error(&spec),
            "specs/test.yaml#/x-cloudcost-service/errorsFor/throttled/members/why: `Slow` has no member `why`"
        );
    }

    #[test]
    fn field_list_that_is_not_a_name() {
        let spec = ERRORS.replace("fieldList: fields", "fieldList: [fields]");
        assert_eq!(
            error(&spec),
            "specs/test.yaml#/x-cloudcost-service/errorsFor/invalidRequest/fieldList: expected a member name"
        );
    }
}
