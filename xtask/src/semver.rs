//! `cargo xtask semver [--baseline REV]`: the public-API changes of the generated crates
//! between a git revision and the working tree, checked with `cargo-semver-checks` (as
//! smithy-rs checks its generated crates), failing on a breaking change unless the crate's
//! version was bumped accordingly.
//!
//! A spec edit changes the generated crates, so this is how a spec edit is judged: renaming
//! or removing a member, changing its type or making it required is breaking; adding an
//! optional member is not (the structures are `#[non_exhaustive]` and have builders).
//! cargo-semver-checks is installed on first use (`cargo install --locked`).
//!
//! Items marked `#[doc(hidden)]` are not public API and cargo-semver-checks skips them:
//! the generated crates' `FastJson` impls, which call `cloudcost_types::fast`, the reader
//! that changes with the generator.

use std::path::Path;
use std::process::{Command, ExitCode};

/// The crates whose API the specs decide: every generated model and client crate.
fn generated_crates(root: &Path) -> Vec<String> {
    let mut crates: Vec<String> = std::fs::read_dir(root.join("crates"))
        .map(|dir| {
            dir.filter_map(Result::ok)
                .filter_map(|e| e.file_name().into_string().ok())
                .filter(|name| name.ends_with("-model") || name.ends_with("-client"))
                .map(|name| format!("cloudcost-{name}"))
                .collect()
        })
        .unwrap_or_default();
    crates.sort();
    crates
}

fn installed(cargo: &std::ffi::OsStr) -> bool {
    Command::new(cargo)
        .args(["semver-checks", "--version"])
        .output()
        .is_ok_and(|o| o.status.success())
}

pub fn run(root: &Path, baseline: &str) -> ExitCode {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    if !installed(&cargo) {
        eprintln!("==> installing cargo-semver-checks (first use; several minutes)");
        let status = Command::new(&cargo)
            .args(["install", "--locked", "cargo-semver-checks"])
            .status();
        if !status.is_ok_and(|s| s.success()) || !installed(&cargo) {
            eprintln!("error: could not install cargo-semver-checks");
            return ExitCode::FAILURE;
        }
    }
    let crates = generated_crates(root);
    if crates.is_empty() {
        eprintln!(
            "error: no generated crates under {}",
            root.join("crates").display()
        );
        return ExitCode::FAILURE;
    }
    let mut command = Command::new(&cargo);
    command
        .args(["semver-checks", "check-release", "--baseline-rev", baseline])
        .current_dir(root);
    for krate in &crates {
        command.args(["--package", krate]);
    }
    eprintln!(
        "==> cargo semver-checks against {baseline}: {}",
        crates.join(", ")
    );
    match command.status() {
        Ok(status) if status.success() => {
            println!("no breaking change in the generated crates since {baseline} (or the versions were bumped)");
            ExitCode::SUCCESS
        }
        Ok(_) => {
            eprintln!(
                "error: breaking changes since {baseline} (listed above): revert them, or bump the \
                 workspace version (0.x: the minor) and say so in the changelog"
            );
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("error: could not run cargo semver-checks: {e}");
            ExitCode::FAILURE
        }
    }
}
