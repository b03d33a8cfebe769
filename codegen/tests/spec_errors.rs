//! A broken spec gets an error naming its file and the JSON pointer of the problem.

use std::path::{Path, PathBuf};

use cloudcost_codegen::{loader, Error};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

const SPEC: &str = "specs/aws-inspector2.yaml";

/// Loads the real spec after `edit` changed its YAML, and returns the error text.
fn error_after(edit: impl FnOnce(&mut serde_yaml::Value)) -> String {
    let text = std::fs::read_to_string(root().join(SPEC)).unwrap();
    let mut doc: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    edit(&mut doc);
    match loader::load_str(&root(), SPEC, &serde_yaml::to_string(&doc).unwrap()) {
        Ok(_) => panic!("the edited spec loaded without error"),
        Err(Error::Spec(e)) => {
            assert_eq!(e.file, SPEC);
            e.to_string()
        }
        Err(other) => panic!("expected a spec error, got {other}"),
    }
}

fn yaml(s: &str) -> serde_yaml::Value {
    serde_yaml::from_str(s).unwrap()
}

#[test]
fn the_real_specs_load() {
    let services = cloudcost_codegen::load_all(&root()).unwrap();
    // What the rest of the generator relies on, per spec: names, protocol, and each
    // operation's route, types, modeled errors and paging.
    // The three families the project was built on are pinned here on purpose: what the rest
    // of the generator relies on must not drift. Any other spec only has to load.
    let pinned = [
        "specs/aws-ce.yaml",
        "specs/aws-inspector2.yaml",
        "specs/scp-ce.yaml",
    ];
    for p in pinned {
        assert!(services.iter().any(|s| s.spec_path == p), "{p} is missing");
    }
    let summary: Vec<String> = services
        .iter()
        .filter(|s| pinned.contains(&s.spec_path.as_str()))
        .flat_map(|s| {
            let head = format!(
                "{} {} {} {:?} {:?}",
                s.spec_path, s.family, s.cli_name, s.protocol, s.target_prefix
            );
            std::iter::once(head).chain(s.operations.iter().map(|o| {
                format!(
                    "  {} {} {} {:?} {} -> {} errors {:?} paging {:?}",
                    o.name,
                    o.method,
                    o.path,
                    o.target,
                    o.input,
                    o.output,
                    o.errors,
                    o.pagination.as_ref().map(|p| (
                        &p.input_token,
                        &p.output_token,
                        &p.page_size,
                        &p.items
                    )),
                )
            }))
        })
        .collect();
    assert_eq!(
        summary,
        [
            r#"specs/aws-ce.yaml aws-ce ce AwsJson1_1 Some("AWSInsightsIndexService")"#,
            r#"  GetCostAndUsage POST / Some("AWSInsightsIndexService.GetCostAndUsage") GetCostAndUsageRequest -> GetCostAndUsageResponse errors ["LimitExceededException", "BillExpirationException", "DataUnavailableException", "InvalidNextTokenException", "RequestChangedException", "ResourceNotFoundException", "BillingViewHealthStatusException"] paging Some(("NextPageToken", Member("NextPageToken"), None, "ResultsByTime"))"#,
            r#"  GetReservationUtilization POST / Some("AWSInsightsIndexService.GetReservationUtilization") GetReservationUtilizationRequest -> GetReservationUtilizationResponse errors ["LimitExceededException", "DataUnavailableException", "InvalidNextTokenException"] paging Some(("NextPageToken", Member("NextPageToken"), Some("MaxResults"), "UtilizationsByTime"))"#,
            r#"specs/aws-inspector2.yaml aws-inspector2 inspector2 RestJson1 None"#,
            r#"  ListUsageTotals POST /usage/list None ListUsageTotalsRequest -> ListUsageTotalsResponse errors ["ValidationException", "AccessDeniedException", "ThrottlingException", "InternalServerException"] paging Some(("nextToken", Member("nextToken"), Some("maxResults"), "totals"))"#,
            r#"  BatchGetFreeTrialInfo POST /freetrialinfo/batchget None BatchGetFreeTrialInfoRequest -> BatchGetFreeTrialInfoResponse errors ["ValidationException", "AccessDeniedException", "ThrottlingException", "InternalServerException"] paging None"#,
            r#"specs/scp-ce.yaml scp-ce scp ScpRest None"#,
            r#"  ListUsages GET /v1/usages None ListUsagesRequest -> UsageListResponse errors ["BadRequestError", "ForbiddenError", "NotFoundError"] paging Some(("marker", FromLastItem("id"), Some("limit"), "usages"))"#,
        ]
    );
}

#[test]
fn dangling_ref() {
    let e = error_after(|d| {
        d["components"]["schemas"]["UsageTotal"]["properties"]["usage"] =
            yaml("{$ref: '#/components/schemas/Nope'}")
    });
    assert_eq!(e, "specs/aws-inspector2.yaml#/components/schemas/UsageTotal/properties/usage/$ref: no shape named `Nope` in components/schemas");
}

#[test]
fn unknown_format() {
    let e = error_after(|d| d["components"]["schemas"]["UsageValue"]["format"] = yaml("money"));
    assert_eq!(e, "specs/aws-inspector2.yaml#/components/schemas/UsageValue/format: format \"money\" is not known for type number (see specs/README.md)");
}

#[test]
fn plain_number_would_be_f64() {
    let e = error_after(|d| {
        d["components"]["schemas"]["UsageValue"]
            .as_mapping_mut()
            .unwrap()
            .remove("format");
    });
    assert_eq!(
        e,
        "specs/aws-inspector2.yaml#/components/schemas/UsageValue: plain `number` would be f64: \
         say `format: decimal` (or epoch-seconds)"
    );
}

#[test]
fn inline_enum() {
    let e = error_after(|d| {
        d["components"]["schemas"]["Usage"]["properties"]["currency"] =
            yaml("{type: string, enum: [USD]}")
    });
    assert_eq!(
        e,
        "specs/aws-inspector2.yaml#/components/schemas/Usage/properties/currency: inline enums \
         are not allowed: make the enum a named component and `$ref` it"
    );
}

#[test]
fn pattern_the_generated_validate_cannot_run() {
    let e = error_after(|d| {
        d["components"]["schemas"]["UsageAccountId"]["pattern"] = yaml("'^(?! )x$'")
    });
    assert_eq!(
        e,
        "specs/aws-inspector2.yaml#/components/schemas/UsageAccountId/pattern: the generated \
         validate() cannot run this pattern with Rust's regex-lite (regex parse error:\n    \
         ^(?! )x$\n     ^^^\nerror: look-around, including look-ahead and look-behind, is not \
         supported); rewrite it and keep the original in `x-aws-pattern`"
    );
    // Unicode classes are written out as ranges, which carry no case folding.
    let e = error_after(|d| {
        let shape = d["components"]["schemas"]["UsageAccountId"]
            .as_mapping_mut()
            .expect("UsageAccountId is a schema object");
        shape.remove("pattern");
        shape.insert("x-unicode-pattern".into(), yaml("'(?i)\\p{Lu}'"));
    });
    assert!(
        e.starts_with(
            "specs/aws-inspector2.yaml#/components/schemas/UsageAccountId/x-unicode-pattern: the \
             generated validate() cannot run this pattern with Rust's regex-lite \
             (case-insensitive flags cannot be combined with Unicode property classes)"
        ),
        "{e}"
    );
}

#[test]
fn constraint_on_the_wrong_type() {
    let e = error_after(|d| {
        d["components"]["schemas"]["ListUsageTotalsNextToken"]["maximum"] = yaml("3")
    });
    assert_eq!(e, "specs/aws-inspector2.yaml#/components/schemas/ListUsageTotalsNextToken/maximum: `maximum` does not apply to type string");
}

#[test]
fn error_under_the_wrong_status() {
    let e = error_after(|d| {
        d["components"]["schemas"]["ThrottlingException"]["x-cloudcost-error"]["httpStatus"] =
            yaml("503")
    });
    assert_eq!(
        e,
        "specs/aws-inspector2.yaml#/paths/~1usage~1list/post/responses/429/content/\
         application~1json/schema/oneOf/0/$ref: `ThrottlingException` has httpStatus 503 but \
         is listed under 429"
    );
}

#[test]
fn pagination_names_a_missing_member() {
    let e = error_after(|d| {
        d["paths"]["/usage/list"]["post"]["x-cloudcost-pagination"]["items"] = yaml("rows")
    });
    assert_eq!(e, "specs/aws-inspector2.yaml#/paths/~1usage~1list/post/x-cloudcost-pagination/items: `ListUsageTotalsResponse` has no list member `rows`");
}

#[test]
fn missing_example_file() {
    let e = error_after(|d| {
        d["paths"]["/usage/list"]["post"]["responses"]["200"]["content"]["application/json"]
            ["examples"] = yaml("{documented: {externalValue: examples/nope.json}}");
    });
    assert_eq!(
        e,
        format!(
            "specs/aws-inspector2.yaml#/paths/~1usage~1list/post/responses/200/content/\
             application~1json/examples/documented/externalValue: cannot read \
             specs/examples/nope.json: {}",
            // The operating system's words, as std reports them here.
            std::fs::read(root().join("specs/examples/nope.json")).unwrap_err()
        )
    );
}

#[test]
fn openapi_3_1_is_refused() {
    let e = error_after(|d| d["openapi"] = yaml("'3.1.0'"));
    assert_eq!(e, "specs/aws-inspector2.yaml#/openapi: expected OpenAPI 3.0.x (progenitor reads only 3.0), found 3.1.0");
}

#[test]
fn not_yaml_at_all() {
    let err = loader::load_str(&root(), SPEC, "openapi: [unclosed")
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "specs/aws-inspector2.yaml#/: not valid YAML: did not find expected ',' or ']' at line 2 \
         column 1, while parsing a flow sequence at line 1 column 10"
    );
}

#[test]
fn missing_cli_name() {
    let e = error_after(|d| {
        d["x-cloudcost-service"]
            .as_mapping_mut()
            .unwrap()
            .remove("cliName");
    });
    assert_eq!(
        e,
        "specs/aws-inspector2.yaml#/x-cloudcost-service: missing required `cliName`"
    );
}

#[test]
fn invalid_cli_name() {
    let e = error_after(|d| d["x-cloudcost-service"]["cliName"] = yaml("Inspector 2"));
    assert_eq!(
        e,
        "specs/aws-inspector2.yaml#/x-cloudcost-service/cliName: expected a command name: a lower-case letter, then lower-case letters, digits and `-`, found \"Inspector 2\""
    );
}

#[test]
fn situation_names_an_unknown_error() {
    let e = error_after(|d| d["x-cloudcost-service"]["errorsFor"]["throttled"] = yaml("SlowDown"));
    assert_eq!(e, "specs/aws-inspector2.yaml#/x-cloudcost-service/errorsFor/throttled: `SlowDown` is neither a modeled error (x-cloudcost-error) nor listed in commonErrors");
}

#[test]
fn situation_missing() {
    let e = error_after(|d| {
        d["x-cloudcost-service"]["errorsFor"]
            .as_mapping_mut()
            .unwrap()
            .remove("missingAuth");
    });
    assert_eq!(
        e,
        "specs/aws-inspector2.yaml#/x-cloudcost-service/errorsFor: missing required `missingAuth`"
    );
}

#[test]
fn situation_member_value_outside_its_enum() {
    let e = error_after(|d| {
        d["x-cloudcost-service"]["errorsFor"]["invalidRequest"]["members"]["reason"] =
            yaml("BECAUSE")
    });
    assert_eq!(e, "specs/aws-inspector2.yaml#/x-cloudcost-service/errorsFor/invalidRequest/members/reason: expected one of CANNOT_PARSE, FIELD_VALIDATION_FAILED, OTHER (ValidationExceptionReason)");
}

#[test]
fn situation_field_list_that_is_not_a_list_of_fields() {
    let e = error_after(|d| {
        d["x-cloudcost-service"]["errorsFor"]["invalidRequest"]["fieldList"] = yaml("message")
    });
    assert_eq!(e, "specs/aws-inspector2.yaml#/x-cloudcost-service/errorsFor/invalidRequest/fieldList: expected a list member of `ValidationException` whose items have string members `name` and `message`");
}

#[test]
fn common_error_that_shadows_a_modeled_one() {
    let e = error_after(|d| {
        d["x-cloudcost-service"]["commonErrors"][0]["code"] = yaml("ThrottlingException")
    });
    assert_eq!(e, "specs/aws-inspector2.yaml#/x-cloudcost-service/commonErrors/0/code: `ThrottlingException` is already a modeled or common error");
}
