//! A spec that gains an optional member breaks no code that builds requests with builders.
//! Struct literals, which such a member would break, do not compile outside the model
//! crate at all: the generated structures are `#[non_exhaustive]`, as aws-sdk-rust's are,
//! so that adding a member is not a breaking change (what `cargo xtask semver` checks).
//!
//! The test regenerates into a temporary workspace (the model crate and its runtime only),
//! adds an optional member to `GetCostAndUsageRequest`, and runs `cargo check` on two small
//! programs there: one with the builder, one with a struct literal. It uses its own target
//! directory under `target/`, so it never waits for the build lock of the run that started it.

use std::path::{Path, PathBuf};
use std::process::Command;

use cloudcost_codegen::{generate, write};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

const BUILDER: &str = r#"
use cloudcost_aws_ce_model::*;
fn main() {
    let request = GetCostAndUsageRequest::builder()
        .time_period(DateInterval::builder().start("2024-01-01".parse::<YearMonthDay>().unwrap()).end("2024-02-01".parse::<YearMonthDay>().unwrap()).build().unwrap())
        .granularity(Granularity::Monthly)
        .metrics(["UnblendedCost"])
        .build()
        .unwrap();
    println!("{request:?}");
}
"#;

const LITERAL: &str = r#"
use cloudcost_aws_ce_model::*;
fn main() {
    let request = GetCostAndUsageRequest {
        time_period: DateInterval { start: "2024-01-01".parse().unwrap(), end: "2024-02-01".parse().unwrap() },
        granularity: Granularity::Monthly,
        metrics: vec!["UnblendedCost".into()],
        group_by: None, filter: None, billing_view_arn: None, next_page_token: None,
    };
    println!("{request:?}");
}
"#;

#[test]
fn an_added_optional_member_breaks_no_builder_and_literals_never_compile() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path();
    copy_dir(&root().join("specs"), &ws.join("specs"));
    copy_dir(&root().join("crates/types"), &ws.join("crates/types"));
    std::fs::copy(root().join("Cargo.lock"), ws.join("Cargo.lock")).unwrap();
    // The real workspace manifest, with only the two crates this test builds as members.
    let manifest = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
    let manifest: String = manifest
        .lines()
        .map(|line| {
            if line.starts_with("members = ") {
                r#"members = ["crates/types", "crates/aws-ce-model"]"#
            } else if line.starts_with("default-members = ") {
                ""
            } else {
                line
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(ws.join("Cargo.toml"), manifest).unwrap();

    let spec_path = ws.join("specs/aws-ce.yaml");
    let mut spec: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(&spec_path).unwrap()).unwrap();
    spec["components"]["schemas"]["GetCostAndUsageRequest"]["properties"]
        .as_mapping_mut()
        .unwrap()
        .insert(
            "CostAllocationHint".into(),
            serde_yaml::from_str("{type: string, description: A member added later.}").unwrap(),
        );
    std::fs::write(&spec_path, serde_yaml::to_string(&spec).unwrap()).unwrap();
    let files = generate(ws).unwrap();
    write(ws, &files).unwrap();

    let examples = ws.join("crates/aws-ce-model/examples");
    std::fs::create_dir_all(&examples).unwrap();
    std::fs::write(examples.join("builder.rs"), BUILDER).unwrap();
    std::fs::write(examples.join("literal.rs"), LITERAL).unwrap();

    let check = |example: &str| {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        Command::new(cargo)
            .args([
                "check",
                "--quiet",
                "--offline",
                "-p",
                "cloudcost-aws-ce-model",
                "--example",
                example,
            ])
            .current_dir(ws)
            .env("CARGO_TARGET_DIR", root().join("target/builder-compat"))
            .output()
            .unwrap()
    };
    let built = check("builder");
    assert!(
        built.status.success(),
        "the builder no longer compiles:\n{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let literal = check("literal");
    let stderr = String::from_utf8_lossy(&literal.stderr);
    assert!(!literal.status.success(), "the literal still compiles");
    assert!(
        stderr.contains("cannot create non-exhaustive struct using struct expression"),
        "{stderr}"
    );
}
