//! Every documented example in every spec decodes into its generated type, round-trips, and
//! is pinned by a snapshot of the decoded value.
//!
//! The examples and their types are found by reading the specs here, with plain
//! `serde_yaml`, not through the generator: this crate must not depend on
//! `cloudcost-codegen`, whose serde_json `preserve_order` feature would otherwise be unified
//! into the runtime, mock and CLI under test (see `feature_leak.rs`). It is also a second,
//! independent reading of where a spec puts its examples.

use cloudcost_tests::{decoder, json_differences, root};
use serde_yaml::Value;

/// One documented example: its file, its family and the type it documents.
struct Example {
    path: String,
    family: String,
    shape: String,
    direction: &'static str,
}

/// An operation's input, output and error type names, and its examples.
struct Operation {
    family: String,
    types: Vec<String>,
    examples: Vec<Example>,
}

fn ref_name(schema: &Value) -> Option<String> {
    let reference = schema.get("$ref")?.as_str()?;
    Some(reference.rsplit('/').next()?.to_owned())
}

/// `externalValue`s under an `examples` map.
fn external_values(examples: Option<&Value>) -> Vec<String> {
    let Some(Value::Mapping(map)) = examples else {
        return Vec::new();
    };
    map.values()
        .filter_map(|e| e.get("externalValue")?.as_str())
        .map(|p| format!("specs/{p}"))
        .collect()
}

/// Every content entry of a request body or response: (schema name, example paths).
fn contents(node: &Value) -> Vec<(Option<String>, Vec<String>)> {
    let Some(Value::Mapping(content)) = node.get("content") else {
        return Vec::new();
    };
    content
        .values()
        .map(|media| {
            let schema = media.get("schema");
            let name = schema.and_then(ref_name).or_else(|| {
                // `oneOf: [$ref]` (error responses).
                schema?
                    .get("oneOf")?
                    .as_sequence()?
                    .first()
                    .and_then(ref_name)
            });
            (name, external_values(media.get("examples")))
        })
        .collect()
}

fn operations() -> Vec<Operation> {
    let root = root();
    let mut out = Vec::new();
    let mut specs: Vec<_> = std::fs::read_dir(root.join("specs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    specs.sort();
    for path in specs {
        let spec: Value = serde_yaml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let family = spec["x-cloudcost-service"]["family"]
            .as_str()
            .unwrap()
            .to_owned();
        let Value::Mapping(paths) = &spec["paths"] else {
            panic!("{} has no paths", path.display())
        };
        for item in paths.values() {
            let Value::Mapping(methods) = item else {
                continue;
            };
            for op in methods.values() {
                let mut types = Vec::new();
                let mut examples = Vec::new();
                let mut add = |shape: Option<String>, paths: Vec<String>, direction| {
                    if let Some(shape) = shape {
                        for path in paths {
                            examples.push(Example {
                                path,
                                family: family.clone(),
                                shape: shape.clone(),
                                direction,
                            });
                        }
                        types.push(shape);
                    }
                };
                // Input: a JSON body's schema, or `x-cloudcost-input` for query operations.
                for (shape, paths) in contents(&op["requestBody"]) {
                    add(shape, paths, "request");
                }
                if let Some(input) = op.get("x-cloudcost-input").and_then(Value::as_str) {
                    add(
                        Some(input.to_owned()),
                        external_values(op.get("x-cloudcost-request-examples")),
                        "request",
                    );
                }
                let Value::Mapping(responses) = &op["responses"] else {
                    continue;
                };
                for (status, response) in responses {
                    let success = status.as_str() == Some("200");
                    for (shape, paths) in contents(response) {
                        add(shape, paths, if success { "response" } else { "error" });
                    }
                }
                out.push(Operation {
                    family: family.clone(),
                    types,
                    examples,
                });
            }
        }
    }
    out
}

#[test]
fn every_documented_example_decodes_round_trips_and_is_snapshotted() {
    let root = root();
    let mut seen = 0;
    let mut failures = Vec::new();
    for example in operations().into_iter().flat_map(|op| op.examples) {
        seen += 1;
        let bytes = std::fs::read(root.join(&example.path)).expect("example exists");
        let Some(round_trip) = decoder(&example.family, &example.shape) else {
            failures.push(format!(
                "{}: no decoder registered for {}::{}",
                example.path, example.family, example.shape
            ));
            continue;
        };
        let rt = match round_trip(&bytes) {
            Ok(rt) => rt,
            Err(e) => {
                failures.push(format!("{}: {e}", example.path));
                continue;
            }
        };
        if !rt.stable {
            failures.push(format!("{}: decode(encode(x)) != x", example.path));
        }
        let documented: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        let encoded: serde_json::Value = serde_json::from_slice(&rt.encoded).unwrap();
        for d in json_differences(&documented, &encoded) {
            failures.push(format!("{}: {d}", example.path));
        }
        let stem = example
            .path
            .rsplit('/')
            .next()
            .unwrap()
            .trim_end_matches(".json");
        let direction = example.direction;
        insta::with_settings!({ description => format!("{} decoded as {} ({direction})", example.path, example.shape), omit_expression => true }, {
            insta::assert_snapshot!(format!("{}__{stem}", example.family), rt.debug);
        });
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Every file of specs/examples/ is an example some spec names, so none is left unchecked.
    let mut files = Vec::new();
    let mut dirs = vec![root.join("specs/examples")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("specs/examples/ is readable") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                files.push(path);
            }
        }
    }
    assert!(seen > 0, "no documented example found");
    assert_eq!(
        seen,
        files.len(),
        "examples named by the specs vs files in specs/examples/"
    );
}

#[test]
fn every_operation_type_is_registered() {
    let operations = operations();
    // This reading of the specs and the generator's agree on how many operations there are.
    let generated: usize = cloudcost_families::FAMILIES
        .iter()
        .map(|f| f.operations.len())
        .sum();
    assert!(!operations.is_empty());
    assert_eq!(
        operations.len(),
        generated,
        "operations read here vs generated"
    );
    for op in operations {
        assert!(op.types.len() >= 2, "{}: {:?}", op.family, op.types);
        for name in &op.types {
            assert!(
                decoder(&op.family, name).is_some(),
                "{}::{name} missing from the registry",
                op.family
            );
        }
    }
}
