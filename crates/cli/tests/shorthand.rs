//! Flag values to request JSON, typed by the real request schemas of the generated table.

use cloudcost_cli::json::Json;
use cloudcost_cli::schema::{Kind, Node, Schema};
use cloudcost_cli::shorthand::{flag_value, parse_list, parse_struct, Shorthand};
use cloudcost_cli::SERVICES;

fn schema(service: &str, op: &str) -> Schema {
    let s = SERVICES.iter().find(|s| s.cli_name == service).unwrap();
    let o = s.operations.iter().find(|o| o.cli_name == op).unwrap();
    Schema::parse(o.request_schema).unwrap()
}

fn member<'a>(schema: &'a Schema, name: &str) -> Node<'a> {
    let Kind::Struct { members, .. } = schema.root().kind() else {
        panic!("a request is a structure")
    };
    members.iter().find(|(n, _)| *n == name).unwrap().1
}

fn value(service: &str, op: &str, name: &str, args: &[&str]) -> Result<String, String> {
    let schema = schema(service, op);
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    flag_value(&args, member(&schema, name)).map(|j| j.to_compact())
}

fn scalar(s: &str) -> Shorthand {
    Shorthand::Scalar(s.into())
}

/// Every `<cliName> <operation>` command the specs define, read from `specs/*.yaml` with
/// plain serde_yaml (not through the generator), in spec-file and path order.
fn commands_in_the_specs() -> Vec<String> {
    use heck::ToKebabCase;
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../specs");
    let mut specs: Vec<_> = std::fs::read_dir(dir)
        .expect("specs/ is readable")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    specs.sort();
    let mut out = Vec::new();
    for path in specs {
        let text = std::fs::read_to_string(&path).expect("a spec is readable");
        let spec: serde_yaml::Value = serde_yaml::from_str(&text).expect("a spec is YAML");
        let cli = spec["x-cloudcost-service"]["cliName"]
            .as_str()
            .expect("every spec has a cliName");
        let Some(paths) = spec["paths"].as_mapping() else {
            continue;
        };
        for item in paths.values() {
            for op in item.as_mapping().into_iter().flat_map(|m| m.values()) {
                if let Some(id) = op.get("operationId").and_then(serde_yaml::Value::as_str) {
                    out.push(format!("{cli} {}", id.to_kebab_case()));
                }
            }
        }
    }
    out
}

#[test]
fn the_table_has_every_service_and_operation_of_the_specs() {
    let mut names: Vec<String> = SERVICES
        .iter()
        .flat_map(|s| {
            s.operations
                .iter()
                .map(move |o| format!("{} {}", s.cli_name, o.cli_name))
        })
        .collect();
    let mut expected = commands_in_the_specs();
    names.sort();
    expected.sort();
    assert!(!expected.is_empty());
    assert_eq!(names, expected);
    for s in SERVICES {
        for o in s.operations {
            Schema::parse(o.request_schema).unwrap();
            Schema::parse(o.response_schema).unwrap();
        }
    }
}

#[test]
fn structure_shorthand() {
    assert_eq!(
        parse_struct("Start=2017-09-01,End=2017-10-01").unwrap(),
        [
            ("Start".to_string(), scalar("2017-09-01")),
            ("End".to_string(), scalar("2017-10-01"))
        ]
    );
    assert_eq!(
        value(
            "ce",
            "get-cost-and-usage",
            "TimePeriod",
            &["Start=2017-09-01,End=2017-10-01"]
        ),
        Ok(r#"{"Start":"2017-09-01","End":"2017-10-01"}"#.into())
    );
}

#[test]
fn nested_structures_lists_and_quotes() {
    assert_eq!(
        parse_struct("Dimensions={Key=SERVICE,Values=[a,'b,c'],MatchOptions=EQUALS}").unwrap(),
        [(
            "Dimensions".to_string(),
            Shorthand::Struct(vec![
                ("Key".into(), scalar("SERVICE")),
                (
                    "Values".into(),
                    Shorthand::List(vec![scalar("a"), scalar("b,c")])
                ),
                ("MatchOptions".into(), scalar("EQUALS")),
            ])
        )]
    );
    // Comma-separated values after a key are a list until the next `key=`.
    assert_eq!(
        value(
            "ce",
            "get-cost-and-usage",
            "Filter",
            &["Dimensions={Key=SERVICE,Values=Amazon S3,AWS Lambda}"]
        ),
        Ok(r#"{"Dimensions":{"Key":"SERVICE","Values":["Amazon S3","AWS Lambda"]}}"#.into())
    );
    // A single value for a list member is a list of one.
    assert_eq!(
        value(
            "ce",
            "get-cost-and-usage",
            "Filter",
            &["Tags={Key=Env,Values=prod}"]
        ),
        Ok(r#"{"Tags":{"Key":"Env","Values":["prod"]}}"#.into())
    );
}

#[test]
fn lists_take_one_item_per_argument_or_json() {
    assert_eq!(
        value(
            "ce",
            "get-cost-and-usage",
            "Metrics",
            &["BlendedCost", "UnblendedCost"]
        ),
        Ok(r#"["BlendedCost","UnblendedCost"]"#.into())
    );
    assert_eq!(
        value(
            "ce",
            "get-cost-and-usage",
            "Metrics",
            &["BlendedCost,UnblendedCost"]
        ),
        Ok(r#"["BlendedCost","UnblendedCost"]"#.into())
    );
    assert_eq!(
        value(
            "ce",
            "get-cost-and-usage",
            "GroupBy",
            &["Type=DIMENSION,Key=SERVICE", "Type=TAG,Key=Environment"]
        ),
        Ok(r#"[{"Type":"DIMENSION","Key":"SERVICE"},{"Type":"TAG","Key":"Environment"}]"#.into())
    );
    assert_eq!(
        value(
            "ce",
            "get-cost-and-usage",
            "GroupBy",
            &[r#"[{"Type":"TAG","Key":"a"}]"#]
        ),
        Ok(r#"[{"Type":"TAG","Key":"a"}]"#.into())
    );
    assert_eq!(
        value(
            "ce",
            "get-cost-and-usage",
            "GroupBy",
            &[r#"{"Type":"TAG","Key":"a"}"#]
        ),
        Ok(r#"[{"Type":"TAG","Key":"a"}]"#.into())
    );
}

#[test]
fn json_values_for_structures() {
    assert_eq!(
        value(
            "ce",
            "get-cost-and-usage",
            "TimePeriod",
            &[r#"{"Start": "2017-09-01", "End": "2017-10-01"}"#]
        ),
        Ok(r#"{"Start":"2017-09-01","End":"2017-10-01"}"#.into())
    );
    let e = value(
        "ce",
        "get-cost-and-usage",
        "TimePeriod",
        &[r#"{"Start": }"#],
    )
    .unwrap_err();
    assert!(e.starts_with("invalid JSON: "), "{e}");
}

#[test]
fn integers_and_booleans_are_typed_per_schema() {
    assert_eq!(
        value("inspector2", "list-usage-totals", "maxResults", &["5"]),
        Ok("5".into())
    );
    assert_eq!(
        value("inspector2", "list-usage-totals", "maxResults", &["five"]),
        Err("expected an integer, found `five`".into())
    );
    assert_eq!(
        value("scp", "list-usages", "with_count", &["true"]),
        Ok("true".into())
    );
    assert_eq!(
        value("scp", "list-usages", "limit", &["100"]),
        Ok("100".into())
    );
    assert_eq!(
        value(
            "ce",
            "get-reservation-utilization",
            "SortBy",
            &["Key=UtilizationPercentage,SortOrder=DESCENDING"]
        ),
        Ok(r#"{"Key":"UtilizationPercentage","SortOrder":"DESCENDING"}"#.into())
    );
}

#[test]
fn errors_name_the_member_and_what_was_expected() {
    assert_eq!(
        value(
            "ce",
            "get-cost-and-usage",
            "TimePeriod",
            &["Start=2017-09-01,Ende=2017-10-01"]
        ),
        Err("Ende: unknown member; expected one of: Start, End".into())
    );
    assert_eq!(
        value("ce", "get-cost-and-usage", "TimePeriod", &["Start=2017-09-01,End"]),
        Err("Start: expected a single string, found a list (`,` separates values: quote a value that contains one, or write `K=V` after it)".into())
    );
    assert_eq!(
        value("ce", "get-cost-and-usage", "TimePeriod", &["Start"]),
        Err("expected `=` after `Start` at the end of the value".into())
    );
    assert_eq!(
        value(
            "ce",
            "get-cost-and-usage",
            "TimePeriod",
            &["Start=a,Start=b"]
        ),
        Err("Start: given twice".into())
    );
    assert_eq!(
        value(
            "ce",
            "get-cost-and-usage",
            "Granularity",
            &["MONTHLY", "DAILY"]
        ),
        Err("takes one value, got 2".into())
    );
    assert_eq!(
        value(
            "ce",
            "get-cost-and-usage",
            "GroupBy",
            &["Type=TAG", "Type=TAG,Kee=x"]
        ),
        Err("value 2 (`Type=TAG,Kee=x`): Kee: unknown member; expected one of: Type, Key".into())
    );
    assert_eq!(
        value("ce", "get-cost-and-usage", "TimePeriod", &["Start='2017"]),
        Err("unterminated 'quote'".into())
    );
    assert_eq!(
        value(
            "ce",
            "get-cost-and-usage",
            "Filter",
            &["Dimensions={Key=SERVICE"]
        ),
        Err("expected `}` at the end of the value".into())
    );
}

#[test]
fn list_parsing() {
    assert_eq!(parse_list("a, b").unwrap(), [scalar("a"), scalar("b")]);
    assert_eq!(
        parse_list("[a,\"b c\"]").unwrap(),
        [scalar("a"), scalar("b c")]
    );
    assert_eq!(
        parse_list("a,"),
        Err("expected a value after `,` at the end of the value".into())
    );
}

fn list(items: Vec<Shorthand>) -> Shorthand {
    Shorthand::List(items)
}

fn members(members: Vec<(&str, Shorthand)>) -> Vec<(String, Shorthand)> {
    members
        .into_iter()
        .map(|(name, value)| (name.to_string(), value))
        .collect()
}

#[test]
fn odd_input_gets_an_exact_answer_never_a_panic() {
    let schema = schema("ce", "get-cost-and-usage");
    let node = member(&schema, "Filter");
    let no_name = |text: &str| format!("expected a member name at character 1: `{text}`");
    let unknown = |name: &str| {
        Err::<String, String>(format!(
            "{name}: unknown member; expected one of: Or, And, Not, Dimensions, Tags, \
             CostCategories, ProductAttributes"
        ))
    };
    type Row<'a> = (
        &'a str,
        // --filter's value (the Filter expression), as compact JSON
        Result<String, String>,
        // parse_struct
        Result<Vec<(String, Shorthand)>, String>,
        // parse_list
        Result<Vec<Shorthand>, String>,
    );
    let rows: Vec<Row> = vec![
        ("", Ok("{}".into()), Ok(vec![]), Ok(vec![scalar("")])),
        (
            "=",
            Err(no_name("=")),
            Err(no_name("=")),
            Ok(vec![scalar("=")]),
        ),
        (
            ",",
            Err(no_name(",")),
            Err(no_name(",")),
            Err("expected a value after `,` at the end of the value".into()),
        ),
        (
            "{",
            Err("invalid JSON: EOF while parsing an object at line 1 column 1".into()),
            Err(no_name("{")),
            Err("expected a member name at the end of the value".into()),
        ),
        (
            "}",
            Err(no_name("}")),
            Err(no_name("}")),
            Err("unexpected text at character 1: `}`".into()),
        ),
        (
            "[",
            Err(no_name("[")),
            Err(no_name("[")),
            Err("expected `]` at the end of the value".into()),
        ),
        (
            "]",
            Err(no_name("]")),
            Err(no_name("]")),
            Err("unexpected text at character 1: `]`".into()),
        ),
        (
            "a=",
            unknown("a"),
            Ok(members(vec![("a", scalar(""))])),
            Ok(vec![scalar("a=")]),
        ),
        (
            "a=[",
            Err("expected `]` at the end of the value".into()),
            Err("expected `]` at the end of the value".into()),
            Err("unexpected text at character 3: `[`".into()),
        ),
        (
            "a={",
            Err("expected a member name at the end of the value".into()),
            Err("expected a member name at the end of the value".into()),
            Err("unexpected text at character 3: `{`".into()),
        ),
        (
            "'",
            Err(no_name("'")),
            Err(no_name("'")),
            Err("unterminated 'quote'".into()),
        ),
        (
            "\"",
            Err(no_name("\"")),
            Err(no_name("\"")),
            Err("unterminated \"quote\"".into()),
        ),
        (
            "a=b,,c=d",
            unknown("a"),
            Ok(members(vec![
                ("a", list(vec![scalar("b"), scalar("")])),
                ("c", scalar("d")),
            ])),
            Err("unexpected text at character 5: `,c=d`".into()),
        ),
        (
            "a=b,=c",
            unknown("a"),
            Ok(members(vec![("a", list(vec![scalar("b"), scalar("=c")]))])),
            Ok(vec![scalar("a=b"), scalar("=c")]),
        ),
        (
            "{}",
            Ok("{}".into()),
            Err(no_name("{}")),
            Ok(vec![Shorthand::Struct(vec![])]),
        ),
        ("[]", Err(no_name("[]")), Err(no_name("[]")), Ok(vec![])),
        (
            "And=[{Not={}}]",
            Ok(r#"{"And":[{"Not":{}}]}"#.into()),
            Ok(members(vec![(
                "And",
                list(vec![Shorthand::Struct(members(vec![(
                    "Not",
                    Shorthand::Struct(vec![]),
                )]))]),
            )])),
            Err("unexpected text at character 5: `[{Not={}}]`".into()),
        ),
        (
            "Not={Not={Not={}}}",
            Ok(r#"{"Not":{"Not":{"Not":{}}}}"#.into()),
            Ok(members(vec![(
                "Not",
                Shorthand::Struct(members(vec![(
                    "Not",
                    Shorthand::Struct(members(vec![("Not", Shorthand::Struct(vec![]))])),
                )])),
            )])),
            Err("unexpected text at character 5: `{Not={Not={}}}`".into()),
        ),
        (
            "Or=[",
            Err("expected `]` at the end of the value".into()),
            Err("expected `]` at the end of the value".into()),
            Err("unexpected text at character 4: `[`".into()),
        ),
        (
            "\u{0}=\u{1}",
            Err(no_name("\u{0}=\u{1}")),
            Err(no_name("\u{0}=\u{1}")),
            Ok(vec![scalar("\u{0}=\u{1}")]),
        ),
        (
            "한=글",
            unknown("한"),
            Ok(members(vec![("한", scalar("글"))])),
            Ok(vec![scalar("한=글")]),
        ),
    ];
    for (text, filter, structure, items) in rows {
        assert_eq!(
            flag_value(&[text.to_string()], node).map(|j| j.to_compact()),
            filter,
            "--filter {text:?}"
        );
        assert_eq!(parse_struct(text), structure, "parse_struct({text:?})");
        assert_eq!(parse_list(text), items, "parse_list({text:?})");
    }
    // Deep JSON: serde_json checks raw values without recursing, so the unclosed text is
    // read to its end, and closed it stops at the CLI's own depth limit.
    let deep = "[".repeat(10_000);
    assert_eq!(
        Json::parse(&deep).map_err(|e| e.to_string()),
        Err("EOF while parsing a list at line 1 column 10000".into())
    );
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    assert_eq!(
        Json::parse(&deep).map_err(|e| e.to_string()),
        Err("nested too deeply: more than 128 levels of arrays and objects".into())
    );
}

#[test]
fn nesting_deeper_than_the_limit_is_an_error_not_a_stack_overflow() {
    // 100,000 levels of `Not={...}`, as a shell could pass in one argument.
    let deep = format!("{}{}", "Not={".repeat(100_000), "}".repeat(100_000));
    let expected = format!(
        "nested too deeply: more than 64 levels of `{{}}` or `[]` at character {}: `{}…`",
        64 * 5 + 5,
        &"Not={".repeat(9)[4..44]
    );
    assert_eq!(
        value("ce", "get-cost-and-usage", "Filter", &[&deep]),
        Err(expected)
    );
    // The same through lists.
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let e = parse_list(&deep).unwrap_err();
    assert_eq!(
        e,
        format!(
            "nested too deeply: more than 64 levels of `{{}}` or `[]` at character 65: `{}…`",
            "[".repeat(40)
        )
    );
    // 64 levels are accepted.
    let ok = format!(
        "{}Dimensions={{Key=SERVICE,Values=EC2}}{}",
        "Not={".repeat(63),
        "}".repeat(63)
    );
    let json = value("ce", "get-cost-and-usage", "Filter", &[&ok]).unwrap();
    assert_eq!(
        json,
        format!(
            "{}{{\"Dimensions\":{{\"Key\":\"SERVICE\",\"Values\":[\"EC2\"]}}}}{}",
            "{\"Not\":".repeat(63),
            "}".repeat(63)
        )
    );
}
