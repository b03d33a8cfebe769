//! Every documented example in every spec decodes into its generated type, round-trips, and
//! is pinned by a snapshot of the decoded value.

use cloudcost_codegen::ir::Direction;
use cloudcost_tests::{decoder, json_differences, root};

#[test]
fn every_documented_example_decodes_round_trips_and_is_snapshotted() {
    let root = root();
    let services = cloudcost_codegen::load_all(&root).expect("specs load");
    let mut seen = 0;
    let mut failures = Vec::new();
    for service in &services {
        for op in &service.operations {
            for example in &op.examples {
                seen += 1;
                let bytes = std::fs::read(root.join(&example.path)).expect("example exists");
                let Some(round_trip) = decoder(&service.family, &example.shape) else {
                    failures.push(format!(
                        "{}: no decoder registered for {}::{}",
                        example.path, service.family, example.shape
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
                let direction = match example.direction {
                    Direction::Request => "request",
                    Direction::Response => "response",
                };
                insta::with_settings!({ description => format!("{} decoded as {} ({direction})", example.path, example.shape), omit_expression => true }, {
                    insta::assert_snapshot!(format!("{}__{stem}", service.family), rt.debug);
                });
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Four AWS examples (two operations x request/response) and two SCP ones.
    assert!(seen >= 6, "only {seen} examples found");
}

#[test]
fn every_operation_type_is_registered() {
    let root = root();
    for service in cloudcost_codegen::load_all(&root).unwrap() {
        for op in &service.operations {
            for name in [&op.input, &op.output].into_iter().chain(&op.errors) {
                assert!(
                    decoder(&service.family, name).is_some(),
                    "{}::{name} missing from the registry",
                    service.family
                );
            }
        }
    }
}
