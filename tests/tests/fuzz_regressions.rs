//! Replays, on stable, every input the fuzzers found worth keeping (`fuzz/regressions/<target>/`)
//! and every committed seed (`fuzz/corpus/<target>/seed-*`) through the same checks the fuzz
//! targets run (`cloudcost_tests::fuzz_checks`). A crash the fuzzer found stays fixed: its
//! input is saved under `fuzz/regressions/<target>/` and fails this test if it comes back.
//!
//! `cargo test -p cloudcost-tests --test fuzz_regressions -- --ignored write_seed_corpus`
//! rewrites the seed corpora from the examples and the mock (see RELIABILITY.md, Fuzzing).

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use cloudcost_tests::fuzz_checks::{seeds, target, TARGETS};
use cloudcost_tests::root;

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .map(|e| e.expect("readable directory").path())
            .filter(|p| p.is_file())
            .filter(|p| p.file_name().is_some_and(|n| n != "README.md"))
            .collect(),
        Err(_) => Vec::new(),
    };
    out.sort();
    out
}

/// Runs `check` on every file, and fails naming every file whose check failed.
fn replay(check: fn(&[u8]), inputs: &[PathBuf]) -> Vec<String> {
    let mut failures = Vec::new();
    for path in inputs {
        let bytes = std::fs::read(path).expect("readable input");
        if let Err(panic) = catch_unwind(AssertUnwindSafe(|| check(&bytes))) {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            failures.push(format!("{}: {message}", path.display()));
        }
    }
    failures
}

#[test]
fn saved_fuzz_inputs_pass_the_checks() {
    let mut failures = Vec::new();
    let mut replayed = 0;
    for (name, check) in TARGETS {
        let inputs = files(&root().join("fuzz/regressions").join(name));
        replayed += inputs.len();
        failures.extend(replay(*check, &inputs));
    }
    assert!(
        replayed > 0,
        "no saved inputs found under fuzz/regressions/"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn committed_seeds_pass_the_checks() {
    let mut failures = Vec::new();
    for (name, check) in TARGETS {
        let inputs: Vec<PathBuf> = files(&root().join("fuzz/corpus").join(name))
            .into_iter()
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("seed-"))
            })
            .collect();
        assert!(!inputs.is_empty(), "no committed seeds for {name}");
        failures.extend(replay(*check, &inputs));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn generated_seeds_pass_the_checks() {
    let seeds = seeds();
    for (name, _) in TARGETS {
        assert!(
            seeds.iter().filter(|s| s.target == *name).count() >= 3,
            "too few seeds for {name}"
        );
    }
    for seed in &seeds {
        let check = target(seed.target).expect("a known target");
        if let Err(panic) = catch_unwind(AssertUnwindSafe(|| check(&seed.bytes))) {
            panic!("seed {} of {}: {panic:?}", seed.name, seed.target);
        }
    }
}

/// A check that fails must fail the replay (the test above would otherwise prove nothing).
#[test]
fn a_failing_check_fails_the_replay() {
    let dir = std::env::temp_dir().join(format!("cloudcost-fuzz-replay-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("input");
    std::fs::write(&input, b"x").unwrap();
    fn fails(_: &[u8]) {
        panic!("invariant broken");
    }
    let failures = replay(fails, std::slice::from_ref(&input));
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(failures.len(), 1);
    assert!(failures[0].contains("invariant broken"), "{failures:?}");
}

/// Writes the seed corpora into `fuzz/corpus/<target>/seed-<name>` (run by hand).
#[test]
#[ignore = "writes fuzz/corpus; run by hand after a spec or example changes"]
fn write_seed_corpus() {
    for seed in seeds() {
        let dir = root().join("fuzz/corpus").join(seed.target);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(format!("seed-{}", seed.name)), &seed.bytes).unwrap();
    }
}
