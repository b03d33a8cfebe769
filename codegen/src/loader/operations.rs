//! `paths`: one operation per path and method, with its routing (method and path, or
//! awsJson1.1's `X-Amz-Target`), its input (a request body `$ref`, or a structure built
//! from query parameters), its output (the `200` response), its modeled errors (the other
//! responses, keyed by status) and, through the sibling modules, its pagination and
//! documented examples.
//!
//! awsJson1.1 sends every operation to `POST /`, but OpenAPI needs one path per
//! operation, so such a spec writes the path as `/#X-Amz-Target=<target>`; the loader
//! checks that path, `x-amz-target` and `targetPrefix.operationId` all agree and gives the
//! IR the real path, `/`.

use std::collections::BTreeSet;

use serde_json::Value;

use super::{clean_docs, escape, is_type_name, kind, At, Loader, R};
use crate::ir::*;

impl<'a> Loader<'a> {
    /// Every operation under `paths`, in document order.
    pub(super) fn operations(&self, service: &mut Service) -> R<()> {
        let (paths, _) = self.req_obj(self.doc, "", "paths")?;
        let mut names = BTreeSet::new();
        for (path, item) in paths {
            let item_ptr = format!("/paths/{}", escape(path));
            for (method, op) in self.obj(item, &item_ptr)? {
                let ptr = format!("{item_ptr}/{}", escape(method));
                self.obj(op, &ptr)?;
                let name = self.req_str(op, &ptr, "operationId")?.to_string();
                // The name becomes a method, an error enum (`<Name>Error`) and a command.
                if !is_type_name(&name) || !names.insert(name.clone()) {
                    return Err(self.err(
                        &format!("{ptr}/operationId"),
                        "expected a unique UpperCamelCase operation name",
                    ));
                }
                let op = self.operation(service, name, path, &item_ptr, method, op, &ptr)?;
                service.operations.push(op);
            }
        }
        Ok(())
    }

    /// One operation. Inputs built from query parameters are added to `service.shapes`.
    #[allow(clippy::too_many_arguments)]
    fn operation(
        &self,
        service: &mut Service,
        name: String,
        path: &str,
        item_ptr: &str,
        method: &str,
        op: &'a Value,
        ptr: &str,
    ) -> R<Operation> {
        let media = service.protocol.media_type();
        let method_uc = method.to_ascii_uppercase();
        let target = self.opt_str(op, ptr, "x-amz-target")?.map(str::to_string);
        let wire_path = self.route(
            service,
            &name,
            path,
            item_ptr,
            &method_uc,
            target.as_deref(),
            ptr,
        )?;
        let mut examples = Vec::new();
        let input = self.input(service, &name, op, ptr, &mut examples)?;
        let (responses, rp) = self.req_obj(op, ptr, "responses")?;
        let ok = responses
            .get("200")
            .ok_or_else(|| self.err(&rp, "missing the `200` response"))?;
        let okp = format!("{rp}/200");
        let (output, content) = self.content_ref(ok, &okp, media)?;
        self.examples(
            content,
            &format!("{okp}/content/{}", escape(media)),
            &output,
            Direction::Response,
            &mut examples,
        )?;
        let errors = self.error_responses(service, responses, &rp)?;
        let pagination = match self.child(At { v: op, ptr }, "x-cloudcost-pagination") {
            None => None,
            Some((pg, pp)) => Some(self.pagination(service, pg, &pp, &input, &output)?),
        };
        let query = match self.child(At { v: op, ptr }, "x-cloudcost-query") {
            None => None,
            Some((q, qp)) => Some(self.query(service, q, &qp, &input)?),
        };
        Ok(Operation {
            name,
            summary: self.opt_str(op, ptr, "summary")?.map(clean_docs),
            // The summary doubles as the docs when there is no description.
            docs: self
                .opt_str(op, ptr, "description")?
                .or(self.opt_str(op, ptr, "summary")?)
                .map(clean_docs),
            method: method_uc,
            path: wire_path,
            target,
            input,
            output,
            errors,
            pagination,
            query,
            examples,
            rust_sample: self.rust_sample(op, ptr)?,
        })
    }

    /// The `source` of the `lang: Rust` entry of `x-codeSamples`, if any. Each entry is
    /// checked, not only the Rust one: the list is also what documentation renderers read.
    fn rust_sample(&self, op: &'a Value, ptr: &str) -> R<Option<String>> {
        let Some((samples, sp)) = self.child(At { v: op, ptr }, "x-codeSamples") else {
            return Ok(None);
        };
        let list = samples
            .as_array()
            .ok_or_else(|| self.err(&sp, format!("expected a list, found {}", kind(samples))))?;
        let mut rust = None;
        for (i, sample) in list.iter().enumerate() {
            let p = format!("{sp}/{i}");
            self.obj(sample, &p)?;
            let lang = self.req_str(sample, &p, "lang")?;
            let source = self.req_str(sample, &p, "source")?;
            self.opt_str(sample, &p, "label")?;
            if lang == "Rust" {
                if rust.is_some() {
                    return Err(self.err(&p, "a second `lang: Rust` sample; keep one"));
                }
                rust = Some(source.trim_end().to_string());
            }
        }
        Ok(rust)
    }

    /// The path requests are sent to. awsJson1.1: `/`, after checking that the spec's
    /// path, method, `x-amz-target` and `targetPrefix` agree; other protocols: the path as
    /// written.
    #[allow(clippy::too_many_arguments)]
    fn route(
        &self,
        service: &Service,
        name: &str,
        path: &str,
        item_ptr: &str,
        method_uc: &str,
        target: Option<&str>,
        ptr: &str,
    ) -> R<String> {
        Ok(match service.protocol {
            Protocol::AwsJson1_1 => {
                let target = target
                    .ok_or_else(|| self.err(ptr, "awsJson1_1 operations need `x-amz-target`"))?;
                let prefix = service.target_prefix.as_deref().unwrap_or_default();
                if target != format!("{prefix}.{name}") {
                    return Err(self.err(
                        &format!("{ptr}/x-amz-target"),
                        format!("expected {prefix}.{name}"),
                    ));
                }
                if path != format!("/#X-Amz-Target={target}") || method_uc != "POST" {
                    return Err(self.err(item_ptr, format!("awsJson1_1 operations are `post` under the path `/#X-Amz-Target={target}`")));
                }
                "/".to_string()
            }
            _ => {
                if target.is_some() {
                    return Err(self.err(
                        &format!("{ptr}/x-amz-target"),
                        "only awsJson1_1 uses X-Amz-Target",
                    ));
                }
                // `#` is how awsJson1.1 specs tell operations apart; elsewhere it is a slip.
                if !path.starts_with('/') || path.contains('#') {
                    return Err(self.err(item_ptr, "expected an HTTP path"));
                }
                path.to_string()
            }
        })
    }

    /// The input shape's name: the request body's `$ref`, or a structure built from the
    /// query parameters and added to the shapes (named by `x-cloudcost-input`, by default
    /// `<Operation>Request`), so that every operation has one input type. Request examples
    /// go to `examples`.
    fn input(
        &self,
        service: &mut Service,
        name: &str,
        op: &'a Value,
        ptr: &str,
        examples: &mut Vec<Example>,
    ) -> R<String> {
        let media = service.protocol.media_type();
        if let Some((body, bp)) = self.child(At { v: op, ptr }, "requestBody") {
            let (shape, content) = self.content_ref(body, &bp, media)?;
            // The input becomes the request type and its fields: an alias or an enum can't.
            if service.structure(&shape).is_none() {
                return Err(self.err(
                    &format!("{bp}/content/{}/schema/$ref", escape(media)),
                    format!("`{shape}` is not a structure: a request body must be one"),
                ));
            }
            self.examples(
                content,
                &format!("{bp}/content/{}", escape(media)),
                &shape,
                Direction::Request,
                examples,
            )?;
            if op.get("parameters").is_some() {
                return Err(self.err(
                    ptr,
                    "an operation takes a request body or query parameters, not both",
                ));
            }
            return Ok(shape);
        }
        let input = self
            .opt_str(op, ptr, "x-cloudcost-input")?
            .map(str::to_string)
            .unwrap_or_else(|| format!("{name}Request"));
        let members = self.parameters(op, ptr)?;
        if service.shapes.contains_key(&input) {
            return Err(self.err(
                ptr,
                format!("the input `{input}` built from parameters clashes with a component"),
            ));
        }
        service.shapes.insert(
            input.clone(),
            Shape {
                name: input.clone(),
                docs: Some(format!("The query parameters of {name}.")),
                kind: ShapeKind::Structure(Structure {
                    members,
                    error: None,
                }),
            },
        );
        // With no request body there is no `content` to hang examples on.
        if let Some((ex, ep)) = self.child(At { v: op, ptr }, "x-cloudcost-request-examples") {
            self.example_map(ex, &ep, &input, Direction::Request, examples)?;
        }
        Ok(input)
    }

    /// The modeled errors: every response but `200`, keyed by HTTP status, listing error
    /// shapes with `oneOf`. Each shape's own `httpStatus` must match the key it is under,
    /// so the spec cannot say two different things about one error.
    fn error_responses(
        &self,
        service: &Service,
        responses: &'a serde_json::Map<String, Value>,
        rp: &str,
    ) -> R<Vec<String>> {
        let media = service.protocol.media_type();
        let mut errors = Vec::new();
        for (status, resp) in responses {
            if status == "200" {
                continue;
            }
            let sp = format!("{rp}/{}", escape(status));
            let code: u16 = status
                .parse()
                .map_err(|_| self.err(&sp, "expected an HTTP status code"))?;
            let one_of = resp
                .get("content")
                .and_then(|c| c.get(media))
                .and_then(|m| m.get("schema"))
                .and_then(|s| s.get("oneOf"))
                .and_then(Value::as_array)
                .ok_or_else(|| {
                    self.err(
                        &sp,
                        format!("expected content.{media}.schema.oneOf listing the error shapes"),
                    )
                })?;
            for (i, r) in one_of.iter().enumerate() {
                let p = format!("{sp}/content/{}/schema/oneOf/{i}/$ref", escape(media));
                let r = r
                    .get("$ref")
                    .ok_or_else(|| self.err(&p, "expected a `$ref`"))?;
                let err_name = self.ref_name(r, &p)?;
                match service.structure(err_name).and_then(|s| s.error.as_ref()) {
                    Some(info) if info.http_status == code => errors.push(err_name.to_string()),
                    Some(info) => {
                        return Err(self.err(
                            &p,
                            format!(
                                "`{err_name}` has httpStatus {} but is listed under {code}",
                                info.http_status
                            ),
                        ))
                    }
                    None => {
                        return Err(self.err(&p, format!("`{err_name}` has no `x-cloudcost-error`")))
                    }
                }
            }
        }
        Ok(errors)
    }

    /// `content.<media>.schema.$ref` of a request body or response.
    fn content_ref(&self, v: &'a Value, ptr: &str, media: &str) -> R<(String, &'a Value)> {
        let content = v.get("content").and_then(|c| c.get(media)).ok_or_else(|| {
            self.err(
                ptr,
                format!("expected content under the protocol's media type {media}"),
            )
        })?;
        let p = format!("{ptr}/content/{}/schema/$ref", escape(media));
        let r = content
            .get("schema")
            .and_then(|s| s.get("$ref"))
            .ok_or_else(|| self.err(&p, "expected a `$ref` to a structure"))?;
        let name = self.ref_name(r, &p)?;
        Ok((name.to_string(), content))
    }

    /// Query parameters, as the members of the input structure. Lists are sent as
    /// `style: form` (the OpenAPI default): `explode: true` repeats the key (`?k=a&k=b`),
    /// `false` joins the values with commas.
    fn parameters(&self, op: &'a Value, ptr: &str) -> R<Vec<Member>> {
        let mut members = Vec::new();
        let Some(params) = op.get("parameters") else {
            return Ok(members);
        };
        let pp = format!("{ptr}/parameters");
        let arr = params
            .as_array()
            .ok_or_else(|| self.err(&pp, "expected a list"))?;
        for (i, p) in arr.iter().enumerate() {
            let p_ptr = format!("{pp}/{i}");
            self.obj(p, &p_ptr)?;
            if self.req_str(p, &p_ptr, "in")? != "query" {
                return Err(self.err(
                    &format!("{p_ptr}/in"),
                    "only query parameters are supported",
                ));
            }
            let name = self.req_str(p, &p_ptr, "name")?;
            let (schema, sp) = self
                .child(At { v: p, ptr: &p_ptr }, "schema")
                .ok_or_else(|| self.err(&p_ptr, "missing required `schema`"))?;
            let mut ty = self.ty(
                At {
                    v: schema,
                    ptr: &sp,
                },
                true,
            )?;
            if ty.constraints.example.is_none() {
                ty.constraints.example = p.get("example").cloned();
            }
            let explode = match (p.get("style").and_then(Value::as_str), p.get("explode")) {
                (None | Some("form"), None | Some(Value::Bool(true))) => true,
                (None | Some("form"), Some(Value::Bool(false))) => false,
                _ => {
                    return Err(self.err(
                        &p_ptr,
                        "expected `style: form` with `explode` true or false",
                    ))
                }
            };
            members.push(Member {
                name: name.to_string(),
                docs: self.opt_str(p, &p_ptr, "description")?.map(clean_docs),
                ty,
                required: self.opt_bool(p, &p_ptr, "required")?,
                location: Location::Query { explode },
                sensitive: false,
                boxed: false,
            });
        }
        Ok(members)
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{error, load};
    use crate::ir::*;

    const AWS_JSON: &str = r#"
x-cloudcost-service: {protocol: awsJson1_1, targetPrefix: Svc}
components:
  schemas:
    In: {type: object}
    Out: {type: object}
    Throttled:
      type: object
      x-cloudcost-error: {code: ThrottlingException, httpStatus: 400, fault: client, throttling: true}
    Invalid:
      type: object
      x-cloudcost-error: {code: ValidationException, httpStatus: 400, fault: client}
paths:
  /ping: null
  '/#X-Amz-Target=Svc.GetThing':
    post:
      operationId: GetThing
      x-amz-target: Svc.GetThing
      summary: Gets a thing.
      requestBody: {content: {application/x-amz-json-1.1: {schema: {$ref: '#/components/schemas/In'}}}}
      responses:
        '200': {content: {application/x-amz-json-1.1: {schema: {$ref: '#/components/schemas/Out'}}}}
        '400':
          content:
            application/x-amz-json-1.1:
              schema: {oneOf: [{$ref: '#/components/schemas/Throttled'}, {$ref: '#/components/schemas/Invalid'}]}
"#;

    #[test]
    fn aws_json_operation_goes_to_post_slash_with_its_target() {
        let s = load(AWS_JSON);
        let [op] = s.operations.as_slice() else {
            panic!("one operation")
        };
        assert_eq!(op.name, "GetThing");
        assert_eq!(op.summary.as_deref(), Some("Gets a thing."));
        // Without a description the summary is the docs.
        assert_eq!(op.docs.as_deref(), Some("Gets a thing."));
        assert_eq!(op.method, "POST");
        assert_eq!(op.path, "/");
        assert_eq!(op.target.as_deref(), Some("Svc.GetThing"));
        assert_eq!(op.input, "In");
        assert_eq!(op.output, "Out");
        assert_eq!(op.errors, ["Throttled", "Invalid"]);
        assert!(op.pagination.is_none());
        assert!(op.examples.is_empty());
        assert_eq!(op.rust_sample, None);
    }

    #[test]
    fn the_rust_code_sample_is_kept() {
        let spec = AWS_JSON.replace(
            "      summary: Gets a thing.\n",
            "      summary: Gets a thing.\n      x-codeSamples:\n        - {lang: Python, source: 'client.get_thing()'}\n        - {lang: Rust, label: cloudcost, source: \"client.get_thing().send().await?;\\n\"}\n",
        );
        let s = load(&spec);
        assert_eq!(
            s.operations[0].rust_sample.as_deref(),
            Some("client.get_thing().send().await?;")
        );
    }

    #[test]
    fn a_code_sample_without_source_is_refused_where_it_is() {
        let spec = AWS_JSON.replace(
            "      summary: Gets a thing.\n",
            "      summary: Gets a thing.\n      x-codeSamples: [{lang: Rust}]\n",
        );
        assert_eq!(
            error(&spec),
            "specs/test.yaml#/paths/~1#X-Amz-Target=Svc.GetThing/post/x-codeSamples/0: missing required `source`"
        );
    }

    #[test]
    fn query_parameters_become_the_input_structure() {
        let s = load(
            r#"
x-cloudcost-service: {protocol: scpRest}
paths:
  /ping: null
  /v1/things:
    get:
      operationId: ListThings
      description: Lists things.
      parameters:
        - {name: ids, in: query, required: true, description: Ids., schema: {type: array, items: {type: string}}}
        - {name: tag, in: query, style: form, explode: false, example: a, schema: {type: array, items: {type: string}}}
        - {name: limit, in: query, schema: {type: integer, minimum: 1}}
      responses:
        '200': {content: {application/json: {schema: {$ref: '#/components/schemas/Empty'}}}}
"#,
        );
        let op = &s.operations[0];
        assert_eq!(
            (op.method.as_str(), op.path.as_str()),
            ("GET", "/v1/things")
        );
        assert_eq!(op.target, None);
        assert_eq!(op.summary, None);
        assert_eq!(op.docs.as_deref(), Some("Lists things."));
        assert_eq!(op.input, "ListThingsRequest");
        let shape = &s.shapes["ListThingsRequest"];
        assert_eq!(
            shape.docs.as_deref(),
            Some("The query parameters of ListThings.")
        );
        let input = s.structure("ListThingsRequest").unwrap();
        assert!(input.error.is_none());
        let [ids, tag, limit] = input.members.as_slice() else {
            panic!("three members")
        };
        assert_eq!(ids.name, "ids");
        assert_eq!(ids.docs.as_deref(), Some("Ids."));
        assert!(ids.required && !ids.sensitive);
        assert_eq!(ids.location, Location::Query { explode: true });
        assert_eq!(
            ids.ty.kind,
            TyKind::List(Box::new(Ty::plain(TyKind::String)))
        );
        assert_eq!(tag.location, Location::Query { explode: false });
        assert!(!tag.required);
        // The parameter's example is the member's, for the CLI and the mock.
        assert_eq!(tag.ty.constraints.example, Some(serde_json::json!("a")));
        assert_eq!(limit.ty.kind, TyKind::Integer { bits: 32 });
        assert_eq!(limit.ty.constraints.minimum, Some(1.into()));
    }

    #[test]
    fn input_named_by_x_cloudcost_input() {
        let s = load("paths: {/ping: {post: {requestBody: null, x-cloudcost-input: PingInput}}}");
        assert_eq!(s.operations[0].input, "PingInput");
        assert!(s.structure("PingInput").unwrap().members.is_empty());
    }

    #[test]
    fn aws_json_without_x_amz_target() {
        let e = error(&AWS_JSON.replace("      x-amz-target: Svc.GetThing\n", ""));
        assert_eq!(e, "specs/test.yaml#/paths/~1#X-Amz-Target=Svc.GetThing/post: awsJson1_1 operations need `x-amz-target`");
    }

    #[test]
    fn aws_json_target_that_is_not_prefix_dot_name() {
        let e = error(&AWS_JSON.replace("x-amz-target: Svc.GetThing", "x-amz-target: Svc.Get"));
        assert_eq!(e, "specs/test.yaml#/paths/~1#X-Amz-Target=Svc.GetThing/post/x-amz-target: expected Svc.GetThing");
    }

    #[test]
    fn aws_json_path_that_disagrees_with_the_target() {
        let e = error(&AWS_JSON.replace(
            "'/#X-Amz-Target=Svc.GetThing':",
            "'/#X-Amz-Target=Svc.Other':",
        ));
        assert_eq!(e, "specs/test.yaml#/paths/~1#X-Amz-Target=Svc.Other: awsJson1_1 operations are `post` under the path `/#X-Amz-Target=Svc.GetThing`");
    }

    #[test]
    fn aws_json_get() {
        let e = error(&AWS_JSON.replace(
            "    post:\n      operationId: GetThing",
            "    get:\n      operationId: GetThing",
        ));
        assert_eq!(e, "specs/test.yaml#/paths/~1#X-Amz-Target=Svc.GetThing: awsJson1_1 operations are `post` under the path `/#X-Amz-Target=Svc.GetThing`");
    }

    #[test]
    fn x_amz_target_outside_aws_json() {
        assert_eq!(
            error("paths: {/ping: {post: {x-amz-target: Svc.Ping}}}"),
            "specs/test.yaml#/paths/~1ping/post/x-amz-target: only awsJson1_1 uses X-Amz-Target"
        );
    }

    #[test]
    fn path_with_a_fragment_outside_aws_json() {
        let e = error(&format!(
            "paths: {{/ping: null, '/#X-Amz-Target=Svc.Ping': {}}}",
            "{post: {operationId: Ping, requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/Empty'}}}}, responses: {'200': {content: {application/json: {schema: {$ref: '#/components/schemas/Empty'}}}}}}}"
        ));
        assert_eq!(
            e,
            "specs/test.yaml#/paths/~1#X-Amz-Target=Svc.Ping: expected an HTTP path"
        );
    }

    #[test]
    fn operation_name_not_upper_camel_case() {
        assert_eq!(
            error("paths: {/ping: {post: {operationId: ping}}}"),
            "specs/test.yaml#/paths/~1ping/post/operationId: expected a unique UpperCamelCase operation name"
        );
    }

    #[test]
    fn request_body_and_parameters() {
        assert_eq!(
            error("paths: {/ping: {post: {parameters: []}}}"),
            "specs/test.yaml#/paths/~1ping/post: an operation takes a request body or query parameters, not both"
        );
    }

    #[test]
    fn request_body_under_another_media_type() {
        assert_eq!(
            error("paths: {/ping: {post: {requestBody: {content: {application/json: null, text/plain: {schema: {type: string}}}}}}}"),
            "specs/test.yaml#/paths/~1ping/post/requestBody: expected content under the protocol's media type application/json"
        );
    }

    #[test]
    fn request_body_with_an_inline_schema() {
        assert_eq!(
            error("paths: {/ping: {post: {requestBody: {content: {application/json: {schema: {$ref: null, type: object}}}}}}}"),
            "specs/test.yaml#/paths/~1ping/post/requestBody/content/application~1json/schema/$ref: expected a `$ref` to a structure"
        );
    }

    #[test]
    fn header_parameter() {
        assert_eq!(
            error("paths: {/ping: {post: {requestBody: null, parameters: [{name: X-Id, in: header, schema: {type: string}}]}}}"),
            "specs/test.yaml#/paths/~1ping/post/parameters/0/in: only query parameters are supported"
        );
    }

    #[test]
    fn parameter_without_schema() {
        assert_eq!(
            error(
                "paths: {/ping: {post: {requestBody: null, parameters: [{name: id, in: query}]}}}"
            ),
            "specs/test.yaml#/paths/~1ping/post/parameters/0: missing required `schema`"
        );
    }

    #[test]
    fn parameter_in_deep_object_style() {
        assert_eq!(
            error("paths: {/ping: {post: {requestBody: null, parameters: [{name: f, in: query, style: deepObject, schema: {type: string}}]}}}"),
            "specs/test.yaml#/paths/~1ping/post/parameters/0: expected `style: form` with `explode` true or false"
        );
    }

    #[test]
    fn parameters_that_are_not_a_list() {
        assert_eq!(
            error("paths: {/ping: {post: {requestBody: null, parameters: {id: {in: query}}}}}"),
            "specs/test.yaml#/paths/~1ping/post/parameters: expected a list"
        );
    }

    #[test]
    fn input_built_from_parameters_clashes_with_a_component() {
        assert_eq!(
            error("paths: {/ping: {post: {requestBody: null, x-cloudcost-input: Empty}}}"),
            "specs/test.yaml#/paths/~1ping/post: the input `Empty` built from parameters clashes with a component"
        );
    }

    #[test]
    fn no_200_response() {
        assert_eq!(
            error("paths: {/ping: {post: {responses: {'200': null, '201': {}}}}}"),
            "specs/test.yaml#/paths/~1ping/post/responses: missing the `200` response"
        );
    }

    #[test]
    fn default_response() {
        assert_eq!(
            error("paths: {/ping: {post: {responses: {default: {}}}}}"),
            "specs/test.yaml#/paths/~1ping/post/responses/default: expected an HTTP status code"
        );
    }

    #[test]
    fn error_response_without_one_of() {
        assert_eq!(
            error("paths: {/ping: {post: {responses: {'500': {content: {application/json: {schema: {$ref: '#/components/schemas/Empty'}}}}}}}}"),
            "specs/test.yaml#/paths/~1ping/post/responses/500: expected content.application/json.schema.oneOf listing the error shapes"
        );
    }

    #[test]
    fn error_response_listing_a_shape_that_is_not_an_error() {
        assert_eq!(
            error("paths: {/ping: {post: {responses: {'500': {content: {application/json: {schema: {oneOf: [{$ref: '#/components/schemas/Empty'}]}}}}}}}}"),
            "specs/test.yaml#/paths/~1ping/post/responses/500/content/application~1json/schema/oneOf/0/$ref: `Empty` has no `x-cloudcost-error`"
        );
    }

    #[test]
    fn error_response_entry_without_ref() {
        assert_eq!(
            error("paths: {/ping: {post: {responses: {'500': {content: {application/json: {schema: {oneOf: [{type: object}]}}}}}}}}"),
            "specs/test.yaml#/paths/~1ping/post/responses/500/content/application~1json/schema/oneOf/0/$ref: expected a `$ref`"
        );
    }

    #[test]
    fn request_body_that_is_not_a_structure() {
        // An enum as the body of a paged operation used to panic in the pagination reader.
        assert_eq!(
            error("components: {schemas: {Color: {type: string, enum: [RED]}}}\npaths: {/ping: {post: {requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/Color'}}}}, x-cloudcost-pagination: {inputToken: t, items: i, outputToken: t}}}}"),
            "specs/test.yaml#/paths/~1ping/post/requestBody/content/application~1json/schema/$ref: `Color` is not a structure: a request body must be one"
        );
    }

    #[test]
    fn no_paths() {
        assert_eq!(
            error("paths: null"),
            "specs/test.yaml#/: missing required `paths`"
        );
    }
}
