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

#[test]
fn the_table_has_every_service_and_operation_of_the_specs() {
    let names: Vec<String> = SERVICES
        .iter()
        .flat_map(|s| {
            s.operations
                .iter()
                .map(move |o| format!("{} {}", s.cli_name, o.cli_name))
        })
        .collect();
    assert_eq!(
        names,
        [
            "ce get-cost-and-usage",
            "ce get-reservation-utilization",
            "inspector2 list-usage-totals",
            "inspector2 batch-get-free-trial-info",
            "scp list-usages",
        ]
    );
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
    assert!(parse_list("a,").is_err());
}

#[test]
fn never_panics_on_odd_input() {
    let schema = schema("ce", "get-cost-and-usage");
    let node = member(&schema, "Filter");
    for text in [
        "",
        "=",
        ",",
        "{",
        "}",
        "[",
        "]",
        "a=",
        "a=[",
        "a={",
        "'",
        "\"",
        "a=b,,c=d",
        "a=b,=c",
        "{}",
        "[]",
        "And=[{Not={}}]",
        "Not={Not={Not={}}}",
        "Or=[",
        "\u{0}=\u{1}",
        "한=글",
    ] {
        let _ = flag_value(&[text.to_string()], node);
        let _ = parse_struct(text);
        let _ = parse_list(text);
    }
    // Deep nesting through JSON is bounded by serde_json's recursion limit.
    let deep = "[".repeat(10_000);
    assert!(Json::parse(&deep).is_err());
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
