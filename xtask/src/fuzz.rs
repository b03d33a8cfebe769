//! `cargo xtask fuzz [--seconds N] [--target NAME]`: every fuzz target of `fuzz/` in turn,
//! one libFuzzer process at a time, with a summary of run time, executions and crashes.
//!
//! The fuzz crate needs nightly and cargo-fuzz, so it is not part of the workspace and no
//! other task builds it. What a crash leaves is libFuzzer's artifact in
//! `fuzz/artifacts/<target>/`; fix the bug, then save the input under
//! `fuzz/regressions/<target>/`, where the stable test `tests/tests/fuzz_regressions.rs`
//! replays it (RELIABILITY.md, Fuzzing).

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

struct Outcome {
    target: String,
    elapsed: Duration,
    executions: Option<u64>,
    crashes: Vec<PathBuf>,
    success: bool,
}

pub fn run(root: &Path, seconds: u64, only: Option<String>) -> ExitCode {
    let fuzz_dir = root.join("fuzz");
    let mut targets = match list_targets(&fuzz_dir) {
        Ok(t) => t,
        Err(e) => {
            eprintln!(
                "error: cannot list {}: {e}",
                fuzz_dir.join("fuzz_targets").display()
            );
            return ExitCode::FAILURE;
        }
    };
    if let Some(name) = only {
        if !targets.contains(&name) {
            eprintln!(
                "error: no fuzz target {name:?}; targets: {}",
                targets.join(", ")
            );
            return ExitCode::FAILURE;
        }
        targets = vec![name];
    }
    if let Err(e) = ensure_cargo_fuzz(root) {
        eprintln!("error: {e}");
        return ExitCode::FAILURE;
    }
    let logs = fuzz_dir.join("logs");
    if let Err(e) = fs::create_dir_all(&logs) {
        eprintln!("error: cannot create {}: {e}", logs.display());
        return ExitCode::FAILURE;
    }
    let mut outcomes = Vec::new();
    for target in &targets {
        eprintln!("==> fuzzing {target} for {seconds} s");
        match run_target(&fuzz_dir, &logs, target, seconds) {
            Ok(o) => outcomes.push(o),
            Err(e) => {
                eprintln!("error: cannot run {target}: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    println!();
    println!(
        "{:<26} {:>10} {:>14} {:>8}",
        "target", "run time", "executions", "crashes"
    );
    for o in &outcomes {
        println!(
            "{:<26} {:>9}s {:>14} {:>8}",
            o.target,
            o.elapsed.as_secs(),
            o.executions
                .map_or_else(|| "?".to_string(), |n| n.to_string()),
            o.crashes.len()
        );
    }
    let mut failed = false;
    for o in &outcomes {
        for c in &o.crashes {
            println!("crash: {} {}", o.target, c.display());
        }
        if !o.success {
            failed = true;
            if o.crashes.is_empty() {
                println!("failed: {} (see fuzz/logs/{}.log)", o.target, o.target);
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn list_targets(fuzz_dir: &Path) -> std::io::Result<Vec<String>> {
    let mut out = Vec::new();
    for entry in fs::read_dir(fuzz_dir.join("fuzz_targets"))? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "rs") {
            if let Some(stem) = path.file_stem().and_then(|s| s.to_str()) {
                out.push(stem.to_string());
            }
        }
    }
    out.sort();
    Ok(out)
}

fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// `cargo +nightly fuzz` must work; installs cargo-fuzz when it does not.
fn ensure_cargo_fuzz(root: &Path) -> Result<(), String> {
    // `+nightly` is read by rustup's cargo proxy, so go through `cargo` on PATH, not the
    // stable cargo that runs xtask (its `CARGO` would ignore the toolchain argument).
    let works = |root: &Path| {
        Command::new("cargo")
            .args(["+nightly", "fuzz", "--version"])
            .current_dir(root)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if works(root) {
        return Ok(());
    }
    eprintln!("==> cargo-fuzz is missing: cargo install cargo-fuzz");
    let status = cargo()
        .args(["install", "cargo-fuzz"])
        .status()
        .map_err(|e| format!("cannot run cargo install: {e}"))?;
    if !status.success() || !works(root) {
        return Err(
            "`cargo +nightly fuzz` does not work: is the nightly toolchain installed \
                    (`rustup toolchain install nightly`)?"
                .into(),
        );
    }
    Ok(())
}

fn artifacts(dir: &Path) -> BTreeSet<PathBuf> {
    fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                        ["crash-", "leak-", "timeout-", "oom-"]
                            .iter()
                            .any(|k| n.starts_with(k))
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

fn run_target(
    fuzz_dir: &Path,
    logs: &Path,
    target: &str,
    seconds: u64,
) -> std::io::Result<Outcome> {
    let artifact_dir = fuzz_dir.join("artifacts").join(target);
    let before = artifacts(&artifact_dir);
    let log_path = logs.join(format!("{target}.log"));
    let log = fs::File::create(&log_path)?;
    // With -jobs, libFuzzer's worker writes its own log, fuzz-0.log, in the working
    // directory: run in fuzz/logs/<target>/ so each target keeps its own.
    let work = logs.join(target);
    fs::create_dir_all(&work)?;
    let worker_log = work.join("fuzz-0.log");
    let _ = fs::remove_file(&worker_log);
    // Build first, so the run time below is fuzzing time only.
    let built = Command::new("cargo")
        .args(["+nightly", "fuzz", "build", "--fuzz-dir"])
        .arg(fuzz_dir)
        .arg(target)
        .current_dir(&work)
        .env("CARGO_TARGET_DIR", fuzz_dir.join("target"))
        .stdout(log.try_clone()?)
        .stderr(log.try_clone()?)
        .status()?;
    if !built.success() {
        eprintln!("    {target}: build failed (see {})", log_path.display());
        return Ok(Outcome {
            target: target.to_string(),
            elapsed: Duration::ZERO,
            executions: None,
            crashes: Vec::new(),
            success: false,
        });
    }
    let start = Instant::now();
    let status = Command::new("cargo")
        .args(["+nightly", "fuzz", "run", "--fuzz-dir"])
        .arg(fuzz_dir)
        .arg(target)
        .arg("--")
        .arg(format!("-max_total_time={seconds}"))
        .args(["-jobs=1", "-workers=1", "-print_final_stats=1"])
        .current_dir(&work)
        .env("CARGO_TARGET_DIR", fuzz_dir.join("target"))
        .stdout(log.try_clone()?)
        .stderr(log)
        .status()?;
    let elapsed = start.elapsed();
    let mut text = fs::read_to_string(&log_path).unwrap_or_default();
    if let Ok(worker) = fs::read_to_string(&worker_log) {
        text.push_str(&worker);
        // Keep both in the target's log.
        let _ = fs::write(&log_path, &text);
    }
    let crashes = artifacts(&artifact_dir)
        .difference(&before)
        .cloned()
        .collect::<Vec<_>>();
    let executions = executions(&text);
    eprintln!(
        "    {target}: {} s, {} executions, {} crash(es), exit {status}",
        elapsed.as_secs(),
        executions.map_or_else(|| "?".into(), |n| n.to_string()),
        crashes.len()
    );
    Ok(Outcome {
        target: target.to_string(),
        elapsed,
        executions,
        crashes,
        success: status.success(),
    })
}

/// The executions libFuzzer reports last: `stat::number_of_executed_units: N`, else the
/// last status line `#N ...` (`#N\tDONE` at a normal end).
fn executions(log: &str) -> Option<u64> {
    let stat = log.lines().rev().find_map(|l| {
        l.trim()
            .strip_prefix("stat::number_of_executed_units:")
            .and_then(|n| n.trim().parse().ok())
    });
    stat.or_else(|| {
        log.lines().rev().find_map(|l| {
            let rest = l.strip_prefix('#')?;
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            let after = &rest[digits.len()..];
            if digits.is_empty() || !after.starts_with(['\t', ' ']) {
                return None;
            }
            digits.parse().ok()
        })
    })
}

#[cfg(test)]
mod tests {
    use super::executions;

    #[test]
    fn executions_from_final_stats_or_status_lines() {
        let log = "#2\tINITED cov: 10 ft: 10 corp: 1/1b exec/s: 0 rss: 30Mb\n\
                   #1048576\tpulse  cov: 10\n\
                   #1234567\tDONE   cov: 10 ft: 10 corp: 1/1b exec/s: 2057 rss: 40Mb\n\
                   Done 1234567 runs in 601 second(s)\n\
                   stat::number_of_executed_units: 1234568\n\
                   stat::average_exec_per_sec:     2054\n";
        assert_eq!(executions(log), Some(1234568));
        let no_stats = "#2\tINITED cov: 10\n#4096\tpulse  cov: 10\nINFO: fuzzing\n";
        assert_eq!(executions(no_stats), Some(4096));
        assert_eq!(executions("nothing here"), None);
    }
}
