//! `x-cloudcost-service` and `servers`: the facts about the service as a whole that
//! OpenAPI has no words for (family, command name, protocol, auth, awsJson1.1 target prefix,
//! reference model, where error bodies state their details) and the default endpoint with
//! its template variables.
//!
//! The names are checked here, not where they are used, because they become crate names
//! (`family`) and a command name (`cliName`): a bad one would surface as a Cargo or clap
//! error far from the spec. Whether a name is unique across specs is checked by
//! `crate::load_all`, which sees them all.

use serde_json::Value;

use super::{escape, Loader, R};
use crate::ir::*;

/// The service-wide facts read before the shapes, and where `x-cloudcost-service` is, for
/// the sections read after them (`errorBody`, `commonErrors`, `errorsFor`).
pub(super) struct ServiceFacts<'a> {
    pub(super) svc: &'a Value,
    pub(super) svc_ptr: String,
    pub(super) family: String,
    pub(super) cli_name: String,
    pub(super) protocol: Protocol,
    pub(super) auth: Auth,
    pub(super) target_prefix: Option<String>,
    pub(super) reference: Option<Reference>,
    pub(super) billing: Option<Billing>,
    pub(super) endpoint: Endpoint,
}

impl<'a> Loader<'a> {
    /// `x-cloudcost-service` up to `reference`, then `servers`.
    pub(super) fn service_facts(&self) -> R<ServiceFacts<'a>> {
        let doc = self.doc;
        let (_, svc_ptr) = self.req_obj(doc, "", "x-cloudcost-service")?;
        let svc = &doc["x-cloudcost-service"];
        let family = self.req_str(svc, &svc_ptr, "family")?;
        // Part of crate names (`cloudcost-<family>-model`) and of `schemas/<family>/`.
        if family.is_empty()
            || !family
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            return Err(self.err(
                &format!("{svc_ptr}/family"),
                "expected lower-case letters, digits and `-`",
            ));
        }
        let cli_name = self.req_str(svc, &svc_ptr, "cliName")?;
        if cli_name.is_empty()
            || !cli_name.starts_with(|c: char| c.is_ascii_lowercase())
            || !cli_name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            return Err(self.err(
                &format!("{svc_ptr}/cliName"),
                format!("expected a command name: a lower-case letter, then lower-case letters, digits and `-`, found {cli_name:?}"),
            ));
        }
        let protocol_name = self.req_str(svc, &svc_ptr, "protocol")?;
        let protocol = Protocol::parse(protocol_name).ok_or_else(|| {
            self.err(
                &format!("{svc_ptr}/protocol"),
                format!("expected awsJson1_1, restJson1 or scpRest, found {protocol_name:?}"),
            )
        })?;
        let (_, auth_ptr) = self.req_obj(svc, &svc_ptr, "auth")?;
        let auth_v = &svc["auth"];
        let auth = match self.req_str(auth_v, &auth_ptr, "scheme")? {
            "sigv4" => Auth::SigV4 {
                signing_name: self.req_str(auth_v, &auth_ptr, "signingName")?.to_string(),
                signing_region: self
                    .opt_str(auth_v, &auth_ptr, "signingRegion")?
                    .map(str::to_string),
            },
            "scp-hmac" => Auth::ScpHmac {
                api_version: self.req_str(auth_v, &auth_ptr, "apiVersion")?.to_string(),
            },
            other => {
                return Err(self.err(
                    &format!("{auth_ptr}/scheme"),
                    format!("expected sigv4 or scp-hmac, found {other:?}"),
                ))
            }
        };
        // awsJson1.1 routes by `X-Amz-Target: <targetPrefix>.<operationId>`.
        let target_prefix = self
            .opt_str(svc, &svc_ptr, "targetPrefix")?
            .map(str::to_string);
        if protocol == Protocol::AwsJson1_1 && target_prefix.is_none() {
            return Err(self.err(&svc_ptr, "awsJson1_1 needs `targetPrefix`"));
        }
        let reference = match svc.get("reference") {
            None => None,
            Some(r) => {
                let p = format!("{svc_ptr}/reference");
                self.obj(r, &p)?;
                Some(Reference {
                    source: self.req_str(r, &p, "source")?.to_string(),
                    service: self.req_str(r, &p, "service")?.to_string(),
                })
            }
        };
        let billing = match svc.get("billing") {
            None => None,
            Some(b) => {
                let p = format!("{svc_ptr}/billing");
                self.obj(b, &p)?;
                let per_request = self.req_str(b, &p, "perRequest")?;
                if !is_price(per_request) {
                    return Err(self.err(
                        &format!("{p}/perRequest"),
                        format!("expected a price as decimal text such as \"0.01\", found {per_request:?}"),
                    ));
                }
                let currency = self.req_str(b, &p, "currency")?;
                if currency.len() != 3 || !currency.bytes().all(|c| c.is_ascii_uppercase()) {
                    return Err(self.err(
                        &format!("{p}/currency"),
                        format!("expected an ISO 4217 code such as USD, found {currency:?}"),
                    ));
                }
                Some(Billing {
                    per_request: per_request.to_string(),
                    currency: currency.to_string(),
                    source: self.req_str(b, &p, "source")?.to_string(),
                })
            }
        };
        let endpoint = self.endpoint()?;
        Ok(ServiceFacts {
            svc,
            svc_ptr,
            family: family.to_string(),
            cli_name: cli_name.to_string(),
            protocol,
            auth,
            target_prefix,
            reference,
            billing,
            endpoint,
        })
    }

    /// `errorBody`: three optional lists of JSON pointers. A pointer must start with `/`
    /// (RFC 6901); the lists say where, not what, so any pointer is accepted.
    pub(super) fn error_body(&self, svc: &Value, svc_ptr: &str) -> R<ErrorBody> {
        let Some(body) = svc.get("errorBody") else {
            return Ok(ErrorBody::default());
        };
        let ptr = format!("{svc_ptr}/errorBody");
        let fields = self.obj(body, &ptr)?;
        for key in fields.keys() {
            if !["code", "message", "requestId"].contains(&key.as_str()) {
                return Err(self.err(
                    &format!("{ptr}/{}", escape(key)),
                    "unknown key (expected code, message, requestId)",
                ));
            }
        }
        let list = |key: &str| -> R<Vec<String>> {
            let Some(v) = body.get(key) else {
                return Ok(Vec::new());
            };
            let p = format!("{ptr}/{key}");
            let items = v
                .as_array()
                .ok_or_else(|| self.err(&p, "expected a list of JSON pointers"))?;
            items
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    item.as_str()
                        .filter(|s| s.starts_with('/'))
                        .map(str::to_owned)
                        .ok_or_else(|| {
                            self.err(
                                &format!("{p}/{i}"),
                                "expected a JSON pointer starting with `/`",
                            )
                        })
                })
                .collect()
        };
        Ok(ErrorBody {
            code: list("code")?,
            message: list("message")?,
            request_id: list("requestId")?,
        })
    }

    /// `servers[0]`: the default endpoint. Only the first server is read; the others
    /// document alternatives for people. Every `{name}` in the URL needs a `variables`
    /// entry, whose `enum` (if any) must contain its default, and whose `x-cloudcost-env`
    /// names the environment variable that overrides it (SCP's `SCP_ENVIRONMENT`), so that
    /// fact lives in the spec rather than in the runtime.
    fn endpoint(&self) -> R<Endpoint> {
        let servers = self
            .doc
            .get("servers")
            .and_then(Value::as_array)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| {
                self.err(
                    "",
                    "missing `servers` (servers[0].url is the default endpoint)",
                )
            })?;
        let url = self.req_str(&servers[0], "/servers/0", "url")?.to_string();
        let mut variables = Vec::new();
        if let Some(vars) = servers[0].get("variables") {
            for (name, var) in self.obj(vars, "/servers/0/variables")? {
                let p = format!("/servers/0/variables/{}", escape(name));
                let default = self.req_str(var, &p, "default")?.to_string();
                let allowed = match var.get("enum") {
                    None => Vec::new(),
                    Some(values) => values
                        .as_array()
                        .and_then(|a| a.iter().map(|v| v.as_str().map(str::to_owned)).collect())
                        .ok_or_else(|| {
                            self.err(&format!("{p}/enum"), "expected a list of strings")
                        })?,
                };
                if !allowed.is_empty() && !allowed.contains(&default) {
                    return Err(self.err(
                        &format!("{p}/default"),
                        format!("default `{default}` is not one of its `enum` values"),
                    ));
                }
                let env = match var.get("x-cloudcost-env") {
                    None => None,
                    Some(v) => Some(
                        v.as_str()
                            .filter(|s| !s.is_empty())
                            .ok_or_else(|| {
                                self.err(
                                    &format!("{p}/x-cloudcost-env"),
                                    "expected an environment variable name",
                                )
                            })?
                            .to_owned(),
                    ),
                };
                variables.push(EndpointVariable {
                    name: name.clone(),
                    default,
                    allowed,
                    env,
                });
            }
        }
        for cap in url.split('{').skip(1) {
            let name = cap.split('}').next().unwrap_or_default();
            if !variables.iter().any(|v| v.name == name) {
                return Err(self.err(
                    "/servers/0/url",
                    format!("variable `{name}` has no entry in `variables`"),
                ));
            }
        }
        Ok(Endpoint { url, variables })
    }
}

/// Decimal text of a price: digits, optionally a point and more digits (`0.01`, `1`).
fn is_price(text: &str) -> bool {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, "0"));
    !whole.is_empty()
        && !fraction.is_empty()
        && whole
            .bytes()
            .chain(fraction.bytes())
            .all(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::super::testing::{error, load};
    use crate::ir::*;

    #[test]
    fn service_facts_endpoint_and_error_body() {
        let s = load(
            r#"
info: {title: SCP, version: '1.0', description: "  Line one.  \n  Line two.\n\n"}
servers:
  - url: 'https://cost.{environment}.example.com'
    variables:
      environment: {default: s, enum: [s, g], x-cloudcost-env: SCP_ENVIRONMENT}
x-cloudcost-service:
  family: scp-2
  cliName: scp-2
  protocol: scpRest
  auth: {scheme: scp-hmac, apiVersion: costexplorer 1.0}
  reference: {source: none, service: ce}
  errorBody: {code: [/errors/0/code], message: [/errors/0/detail, /message]}
"#,
        );
        assert_eq!(s.family, "scp-2");
        assert_eq!(s.cli_name, "scp-2");
        assert_eq!(s.title, "SCP");
        assert_eq!(s.version, "1.0");
        assert_eq!(s.docs.as_deref(), Some("Line one.\n  Line two."));
        assert_eq!(s.protocol, Protocol::ScpRest);
        assert_eq!(
            s.auth,
            Auth::ScpHmac {
                api_version: "costexplorer 1.0".into()
            }
        );
        assert_eq!(s.target_prefix, None);
        let r = s.reference.as_ref().unwrap();
        assert_eq!((r.source.as_str(), r.service.as_str()), ("none", "ce"));
        assert_eq!(s.endpoint.url, "https://cost.{environment}.example.com");
        let [v] = s.endpoint.variables.as_slice() else {
            panic!("one variable")
        };
        assert_eq!(v.name, "environment");
        assert_eq!(v.default, "s");
        assert_eq!(v.allowed, ["s", "g"]);
        assert_eq!(v.env.as_deref(), Some("SCP_ENVIRONMENT"));
        assert_eq!(s.error_body.code, ["/errors/0/code"]);
        assert_eq!(s.error_body.message, ["/errors/0/detail", "/message"]);
        assert!(s.error_body.request_id.is_empty());
    }

    #[test]
    fn sigv4_with_a_fixed_region_and_a_target_prefix() {
        let s = load(
            r#"
x-cloudcost-service:
  protocol: awsJson1_1
  targetPrefix: Svc
  auth: {scheme: sigv4, signingName: ce, signingRegion: us-east-1}
paths:
  /ping: null
  '/#X-Amz-Target=Svc.Ping':
    post:
      operationId: Ping
      x-amz-target: Svc.Ping
      requestBody: {content: {application/x-amz-json-1.1: {schema: {$ref: '#/components/schemas/Empty'}}}}
      responses:
        '200': {content: {application/x-amz-json-1.1: {schema: {$ref: '#/components/schemas/Empty'}}}}
"#,
        );
        assert_eq!(s.protocol, Protocol::AwsJson1_1);
        assert_eq!(s.target_prefix.as_deref(), Some("Svc"));
        assert_eq!(
            s.auth,
            Auth::SigV4 {
                signing_name: "ce".into(),
                signing_region: Some("us-east-1".into())
            }
        );
        assert!(s.endpoint.variables.is_empty());
        assert!(s.error_body.code.is_empty() && s.error_body.message.is_empty());
    }

    #[test]
    fn family_with_upper_case() {
        assert_eq!(
            error("x-cloudcost-service: {family: Test}"),
            "specs/test.yaml#/x-cloudcost-service/family: expected lower-case letters, digits and `-`"
        );
    }

    #[test]
    fn unknown_protocol() {
        assert_eq!(
            error("x-cloudcost-service: {protocol: awsJson1_0}"),
            "specs/test.yaml#/x-cloudcost-service/protocol: expected awsJson1_1, restJson1 or scpRest, found \"awsJson1_0\""
        );
    }

    #[test]
    fn unknown_auth_scheme() {
        assert_eq!(
            error("x-cloudcost-service: {auth: {scheme: basic}}"),
            "specs/test.yaml#/x-cloudcost-service/auth/scheme: expected sigv4 or scp-hmac, found \"basic\""
        );
    }

    #[test]
    fn sigv4_without_signing_name() {
        assert_eq!(
            error("x-cloudcost-service: {auth: {signingName: null}}"),
            "specs/test.yaml#/x-cloudcost-service/auth: missing required `signingName`"
        );
    }

    #[test]
    fn aws_json_without_target_prefix() {
        assert_eq!(
            error("x-cloudcost-service: {protocol: awsJson1_1}"),
            "specs/test.yaml#/x-cloudcost-service: awsJson1_1 needs `targetPrefix`"
        );
    }

    #[test]
    fn billing_is_a_price_a_currency_and_its_source() {
        let s = load("x-cloudcost-service: {billing: {perRequest: '0.01', currency: USD, source: pricing page}}");
        assert_eq!(
            s.billing,
            Some(Billing {
                per_request: "0.01".into(),
                currency: "USD".into(),
                source: "pricing page".into()
            })
        );
        assert_eq!(load("{}").billing, None);
        assert_eq!(
            error("x-cloudcost-service: {billing: {perRequest: '$0.01', currency: USD, source: x}}"),
            "specs/test.yaml#/x-cloudcost-service/billing/perRequest: expected a price as decimal text such as \"0.01\", found \"$0.01\""
        );
        assert_eq!(
            error("x-cloudcost-service: {billing: {perRequest: '0.01', currency: dollars, source: x}}"),
            "specs/test.yaml#/x-cloudcost-service/billing/currency: expected an ISO 4217 code such as USD, found \"dollars\""
        );
    }

    #[test]
    fn reference_that_is_not_an_object() {
        assert_eq!(
            error("x-cloudcost-service: {reference: botocore}"),
            "specs/test.yaml#/x-cloudcost-service/reference: expected an object, found a string"
        );
    }

    #[test]
    fn no_servers() {
        assert_eq!(
            error("servers: []"),
            "specs/test.yaml#/: missing `servers` (servers[0].url is the default endpoint)"
        );
    }

    #[test]
    fn url_variable_without_an_entry() {
        assert_eq!(
            error("servers: [{url: 'https://x.{region}.example.com'}]"),
            "specs/test.yaml#/servers/0/url: variable `region` has no entry in `variables`"
        );
    }

    #[test]
    fn variable_default_outside_its_enum() {
        assert_eq!(
            error("servers: [{url: 'https://{env}.example.com', variables: {env: {default: x, enum: [s, g]}}}]"),
            "specs/test.yaml#/servers/0/variables/env/default: default `x` is not one of its `enum` values"
        );
    }

    #[test]
    fn variable_enum_of_numbers() {
        assert_eq!(
            error("servers: [{url: 'https://{env}.example.com', variables: {env: {default: s, enum: [1]}}}]"),
            "specs/test.yaml#/servers/0/variables/env/enum: expected a list of strings"
        );
    }

    #[test]
    fn empty_env_name() {
        assert_eq!(
            error("servers: [{url: 'https://{env}.example.com', variables: {env: {default: s, x-cloudcost-env: ''}}}]"),
            "specs/test.yaml#/servers/0/variables/env/x-cloudcost-env: expected an environment variable name"
        );
    }

    #[test]
    fn error_body_unknown_key() {
        assert_eq!(
            error("x-cloudcost-service: {errorBody: {requestID: [/id]}}"),
            "specs/test.yaml#/x-cloudcost-service/errorBody/requestID: unknown key (expected code, message, requestId)"
        );
    }

    #[test]
    fn error_body_pointer_without_slash() {
        assert_eq!(
            error("x-cloudcost-service: {errorBody: {message: [/message, message]}}"),
            "specs/test.yaml#/x-cloudcost-service/errorBody/message/1: expected a JSON pointer starting with `/`"
        );
    }

    #[test]
    fn error_body_not_a_list() {
        assert_eq!(
            error("x-cloudcost-service: {errorBody: {code: /code}}"),
            "specs/test.yaml#/x-cloudcost-service/errorBody/code: expected a list of JSON pointers"
        );
    }
}
