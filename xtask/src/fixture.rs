//! `cargo xtask fixture`: a family is a spec file, its examples and nothing else. The
//! fixture family in `tests/fixture-family/` (laid out as the workspace is: `specs/`, and the
//! snapshots of its examples under `tests/`) is added to a temporary copy of the workspace,
//! which is then regenerated, built and tested with no other edit: the generated crates,
//! the crate of every family, the mock's and the CLI's tables, the cross-family tests, and
//! a paged call of the CLI against `cloudcost mock --dataset synthetic`.
//!
//! The copy builds into this workspace's target directory, so the dependencies compiled
//! for the main run are reused and only the workspace's own crates build again.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Where the fixture lives, relative to the workspace root.
const FIXTURE: &str = "tests/fixture-family";

/// The fixture's family, CLI name, paged operation and item list (tests/fixture-family/specs).
const CLI_NAME: &str = "fixture";
const OPERATION: &str = "list-budgets";
const ITEMS: &str = "Budgets";

/// A temporary copy of the workspace, removed when dropped.
pub struct Copy {
    pub dir: PathBuf,
}

impl Drop for Copy {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Copies the workspace's files (tracked and untracked, not ignored: what a clone plus the
/// work in progress holds) to a fresh temporary directory, then lays the fixture over it.
pub fn prepare(root: &Path) -> Result<Copy, String> {
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let dir =
        std::env::temp_dir().join(format!("cloudcost-fixture-{}-{stamp}", std::process::id()));
    let copy = Copy { dir };
    let listed = Command::new("git")
        .args([
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ])
        .current_dir(root)
        .output()
        .map_err(|e| format!("git ls-files: {e}"))?;
    if !listed.status.success() {
        return Err(format!(
            "git ls-files failed: {}",
            String::from_utf8_lossy(&listed.stderr)
        ));
    }
    for rel in listed.stdout.split(|b| *b == 0).filter(|p| !p.is_empty()) {
        let rel = String::from_utf8_lossy(rel);
        // The fixture is laid over the copy below, not copied as itself.
        if rel.starts_with(FIXTURE) {
            continue;
        }
        let from = root.join(rel.as_ref());
        if !from.is_file() {
            // Deleted in the work tree but still in the index.
            continue;
        }
        copy_file(&from, &copy.dir.join(rel.as_ref()))?;
    }
    overlay(&root.join(FIXTURE), &copy.dir)?;
    Ok(copy)
}

fn copy_file(from: &Path, to: &Path) -> Result<(), String> {
    if let Some(parent) = to.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    std::fs::copy(from, to).map_err(|e| format!("{} -> {}: {e}", from.display(), to.display()))?;
    Ok(())
}

/// Every file under `from` except its README, copied to the same place under `to`.
fn overlay(from: &Path, to: &Path) -> Result<(), String> {
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        let dir = from.join(&rel);
        let entries = std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        for entry in entries {
            let entry = entry.map_err(|e| format!("{}: {e}", dir.display()))?;
            let rel = rel.join(entry.file_name());
            if entry.path().is_dir() {
                stack.push(rel);
            } else if rel != Path::new("README.md") {
                copy_file(&entry.path(), &to.join(&rel))?;
            }
        }
    }
    Ok(())
}

/// Regenerates the copy from its specs, the fixture's included, as `cargo xtask regenerate
/// --root <copy>` does.
pub fn regenerate(copy: &Copy) -> Result<usize, String> {
    let files = cloudcost_codegen::generate(&copy.dir).map_err(|e| e.to_string())?;
    cloudcost_codegen::write(&copy.dir, &files).map_err(|e| e.to_string())?;
    let stale = cloudcost_codegen::check(&copy.dir, &files);
    if !stale.is_empty() {
        return Err(format!("still stale after writing: {}", stale.join(", ")));
    }
    Ok(files.len())
}

/// The target directory of the workspace at `root` (`CARGO_TARGET_DIR`, else `target/`).
pub fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
}

/// The cargo runs in the copy, each a step whose test counts add up: the crates that serve
/// every family and the tests that read every family, built and run with the fixture in.
pub fn steps(copy: &Copy, target: &Path) -> Vec<(String, Command)> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let runs: [(&str, &[&str]); 5] = [
        (
            "the CLI and the mock build with the fixture family",
            &["build", "-p", "cloudcost-cli", "-p", "cloudcost-mock"],
        ),
        (
            "the fixture's examples decode, round-trip and match their snapshots; synthetic pages of every family decode",
            &["test", "-p", "cloudcost-tests", "--test", "examples", "--test", "synthetic"],
        ),
        (
            "the mock's tables of every family",
            &["test", "-p", "cloudcost-mock", "--lib"],
        ),
        (
            "the CLI's table has the fixture's commands",
            &["test", "-p", "cloudcost-cli", "--lib", "--test", "shorthand"],
        ),
        (
            "the generator's tests over the specs with the fixture in",
            &["test", "-p", "cloudcost-codegen"],
        ),
    ];
    runs.into_iter()
        .map(|(name, args)| {
            let mut command = Command::new(&cargo);
            command
                .args(args)
                .current_dir(&copy.dir)
                .env("CARGO_TARGET_DIR", target)
                // A new snapshot is a failure here, as in CI: the fixture carries its own.
                .env("INSTA_UPDATE", "no");
            (format!("fixture: {name}"), command)
        })
        .collect()
}

/// Runs the copy's `cloudcost mock --dataset synthetic` and pages through the fixture's
/// operation with the copy's `cloudcost`, as a user would: every item of every page must
/// arrive, once.
pub fn paged_call(target: &Path) -> Result<(), String> {
    let binary = target.join("debug").join("cloudcost");
    let (pages, page_size) = (3u32, 2u32);
    let mut mock = Command::new(&binary)
        .args(["mock", "--dataset", "synthetic", "--pages"])
        .arg(pages.to_string())
        .arg("--page-size")
        .arg(page_size.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("{}: {e}", binary.display()))?;
    let result = (|| {
        let out = mock.stdout.take().ok_or("the mock has no stdout")?;
        let mut line = String::new();
        BufReader::new(out)
            .read_line(&mut line)
            .map_err(|e| format!("reading the mock's address: {e}"))?;
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .ok_or_else(|| format!("the mock printed {line:?}, not its address"))?
            .to_string();
        let started = Instant::now();
        let output = Command::new(&binary)
            .args([
                "--endpoint-url",
                &url,
                "--region",
                "us-east-1",
                CLI_NAME,
                OPERATION,
            ])
            .args(["--all-pages", "--output", "json"])
            // The mock checks that a signature is present; these are its test keys' kind.
            .env("AWS_ACCESS_KEY_ID", "AKIDFIXTURE")
            .env("AWS_SECRET_ACCESS_KEY", "fixture-secret")
            .env_remove("AWS_PROFILE")
            .output()
            .map_err(|e| format!("{}: {e}", binary.display()))?;
        if !output.status.success() {
            return Err(format!(
                "`cloudcost {CLI_NAME} {OPERATION} --all-pages` failed ({}): {}",
                output.status,
                String::from_utf8_lossy(&output.stderr)
            ));
        }
        let text = String::from_utf8_lossy(&output.stdout);
        let items = count_items(&text, ITEMS)?;
        let expected = (pages * page_size) as usize;
        if items != expected {
            return Err(format!(
                "{items} {ITEMS} over every page, expected {expected} ({pages} pages of {page_size})"
            ));
        }
        println!(
            "fixture: `cloudcost {CLI_NAME} {OPERATION} --all-pages` got {items} {ITEMS} from {pages} pages in {:?}",
            started.elapsed().max(Duration::from_millis(1))
        );
        Ok(())
    })();
    let _ = mock.kill();
    let _ = mock.wait();
    result
}

/// The number of items in the top-level list `member` of a JSON document, without a JSON
/// library: the CLI pretty-prints, so each item of that list is an object opening on its
/// own line, at the indent of the list's first line.
fn count_items(text: &str, member: &str) -> Result<usize, String> {
    let key = format!("\"{member}\": [");
    let mut lines = text
        .lines()
        .skip_while(|l| !l.trim_start().starts_with(&key));
    let opening = lines
        .next()
        .ok_or_else(|| format!("no `{member}` list in the output:\n{text}"))?;
    if opening.trim_end().ends_with("[]") || opening.trim_end().ends_with("[],") {
        return Ok(0);
    }
    let indent = |l: &str| l.len() - l.trim_start().len();
    let outer = indent(opening);
    let mut n = 0;
    let mut item_indent = None;
    for line in lines {
        if indent(line) == outer && line.trim_start().starts_with(']') {
            return Ok(n);
        }
        let at = *item_indent.get_or_insert(indent(line));
        if indent(line) == at && line.trim() == "{" {
            n += 1;
        }
    }
    Err(format!("the `{member}` list does not close:\n{text}"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn items_of_the_top_level_list_are_counted_not_nested_ones() {
        let text = "{\n  \"Budgets\": [\n    {\n      \"Zone\": {\n        \"Children\": [\n          {\n            \"Name\": \"a\"\n          }\n        ]\n      }\n    },\n    {\n      \"Name\": \"b\"\n    }\n  ],\n  \"NextToken\": \"x\"\n}\n";
        assert_eq!(super::count_items(text, "Budgets"), Ok(2));
        assert!(super::count_items("{}", "Budgets").is_err());
    }
}
