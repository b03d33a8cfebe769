//! `cargo xtask regenerate [--check]`: the only way generated files change.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use clap::{Parser, Subcommand};

mod fixture;
mod fuzz;
mod semver;

#[derive(Parser)]
#[command(about = "Project tasks for the cloudcost workspace")]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Regenerate everything made from specs/: the model, client and family crates, the mock's
    /// and the CLI's tables, the JSON Schemas and OpenAPI bundles, then the Python models
    /// (python/cloudcost_models, by tests/schema-check/gen_python.sh, which installs its
    /// pinned generator into .venv on first use).
    Regenerate {
        /// Change nothing; exit non-zero and name every Rust, schema or OpenAPI file that
        /// differs from what the specs generate (CI runs this; the Python models are
        /// checked by `cargo xtask test`'s schema checks).
        #[arg(long)]
        check: bool,
        /// Leave the Python models alone (no Python needed).
        #[arg(long)]
        no_python: bool,
        /// Workspace to read specs from and write into (default: this workspace).
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
    },
    /// Run every test: the Rust workspace's and the benchmark workspace's (bench/tests),
    /// then the exported schemas checked by Python's jsonschema and by TypeScript, then
    /// boto3 against `cloudcost mock` and the independent SCP signing oracle, then the FOCUS
    /// export through DuckDB and focus-validator (Python and npm packages are installed
    /// locally into .venv and node_modules on first use).
    Test {
        /// Skip the Python and TypeScript checks and the boto3 interop test (the Rust
        /// steps, the benchmark workspace's tests among them, still run).
        #[arg(long)]
        rust_only: bool,
    },
    /// Run the fuzz targets of fuzz/ one after another with `cargo +nightly fuzz run`
    /// (one process each, `-jobs=1 -workers=1`), installing cargo-fuzz first if it is
    /// missing, and print each target's run time, executions and crashes.
    /// Add the fixture family (tests/fixture-family) to a temporary copy of the workspace,
    /// regenerate, build, and run the mock, the CLI and the cross-family tests there: a
    /// family is a spec, its examples and nothing else (`test` runs this too).
    Fixture,
    Fuzz {
        /// How long each target runs, in seconds.
        #[arg(long, default_value_t = 600)]
        seconds: u64,
        /// Run only this target (default: every target in fuzz/fuzz_targets/).
        #[arg(long, value_name = "NAME")]
        target: Option<String>,
    },
    /// Report the public-API changes of the generated model and client crates since a git
    /// revision (cargo-semver-checks, installed on first use), failing on a breaking change
    /// unless the version was bumped. Run it after a spec edit.
    Semver {
        /// The git revision to compare with.
        #[arg(long, value_name = "REV", default_value = "HEAD")]
        baseline: String,
        /// Workspace (a git checkout) to check (default: this workspace).
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.task {
        Task::Test { rust_only } => test(&workspace_root(), rust_only),
        Task::Fixture => {
            let root = workspace_root();
            let mut steps = Vec::new();
            let copy = match fixture_steps(&root, &mut steps) {
                Ok(copy) => copy,
                Err(e) => {
                    eprintln!("error: the fixture family: {e}");
                    return ExitCode::FAILURE;
                }
            };
            let code = run_steps(steps);
            drop(copy);
            code
        }
        Task::Fuzz { seconds, target } => fuzz::run(&workspace_root(), seconds, target),
        Task::Semver { baseline, root } => {
            semver::run(&root.unwrap_or_else(workspace_root), &baseline)
        }
        Task::Regenerate {
            check,
            no_python,
            root,
        } => {
            let root = root.unwrap_or_else(workspace_root);
            let files = match cloudcost_codegen::generate(&root) {
                Ok(files) => files,
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::FAILURE;
                }
            };
            if check {
                let stale = cloudcost_codegen::check(&root, &files);
                if stale.is_empty() {
                    println!("{} generated files are up to date", files.len());
                    return ExitCode::SUCCESS;
                }
                for s in &stale {
                    eprintln!("stale: {s}");
                }
                eprintln!(
                    "{} stale file(s): run `cargo xtask regenerate` and commit the result",
                    stale.len()
                );
                return ExitCode::FAILURE;
            }
            match cloudcost_codegen::write(&root, &files) {
                Ok(changed) => {
                    for c in &changed {
                        println!("wrote {c}");
                    }
                    println!("{} generated files, {} changed", files.len(), changed.len());
                    if no_python {
                        return ExitCode::SUCCESS;
                    }
                    // The Python models are made from the schemas just written.
                    eprintln!("==> the Python models (tests/schema-check/gen_python.sh)");
                    match Command::new("bash")
                        .arg(root.join("tests/schema-check/gen_python.sh"))
                        .arg(&root)
                        .status()
                    {
                        Ok(status) if status.success() => ExitCode::SUCCESS,
                        Ok(status) => {
                            eprintln!(
                                "error: gen_python.sh failed ({status}); `--no-python` skips it"
                            );
                            ExitCode::FAILURE
                        }
                        Err(e) => {
                            eprintln!("error: could not run gen_python.sh: {e}");
                            ExitCode::FAILURE
                        }
                    }
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}

fn test(root: &Path, rust_only: bool) -> ExitCode {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut steps: Vec<(String, Step)> = Vec::new();
    // The clients of each runtime feature alone, as a user of one family builds them: the
    // runtime then has only that feature, which the workspace-wide runs below (every
    // feature on) never compile. The families and their features come from the specs.
    let services = match cloudcost_codegen::load_all(root) {
        Ok(services) => services,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut by_feature: std::collections::BTreeMap<&str, Vec<String>> = Default::default();
    for s in &services {
        by_feature
            .entry(s.auth.runtime_feature())
            .or_default()
            .push(cloudcost_codegen::naming::client_crate(&s.family));
    }
    for (feature, packages) in by_feature {
        let mut check = Command::new(&cargo);
        check.arg("check").current_dir(root);
        for p in &packages {
            check.args(["-p", p]);
        }
        steps.push((
            format!(
                "cargo check: {} alone (runtime feature `{feature}` only)",
                packages.join(", ")
            ),
            Step::Run(check),
        ));
    }
    // Two runs, so that the generator's serde_json `preserve_order` is not unified into
    // the crates users build (tests/tests/feature_leak.rs checks it).
    let mut rust = Command::new(&cargo);
    rust.args([
        "test",
        "--workspace",
        "--exclude",
        "cloudcost-codegen",
        "--exclude",
        "xtask",
    ])
    .current_dir(root);
    steps.push(("cargo test: the crates users build".into(), Step::Run(rust)));
    let mut generator = Command::new(&cargo);
    generator
        .args(["test", "-p", "cloudcost-codegen", "-p", "xtask"])
        .current_dir(root);
    steps.push(("cargo test: the generator".into(), Step::Run(generator)));
    // The benchmark workspace's tests (bench/tests/): the bodies BENCHMARKS.md measures
    // decode into their types with the counts and sizes it quotes, through the generated
    // decoders. A separate workspace (its own Cargo.lock and target/), so the runs above
    // never build it; its default features leave the AWS SDK out. The bodies are the
    // measured ones (about 30 MB in all): a few seconds in a debug build.
    let mut bench = Command::new(&cargo);
    bench
        .args(["test", "--manifest-path", "bench/Cargo.toml", "--tests"])
        .current_dir(root);
    steps.push((
        "cargo test: the benchmark bodies (bench/tests)".into(),
        Step::Run(bench),
    ));
    // A family added as a spec alone, in a temporary copy (removed when `_copy` drops).
    let _copy = match fixture_steps(root, &mut steps) {
        Ok(copy) => copy,
        Err(e) => {
            eprintln!("error: the fixture family: {e}");
            println!("total: 0 passed, 1 failed");
            return ExitCode::FAILURE;
        }
    };
    if !rust_only {
        let mut schemas = Command::new("bash");
        schemas
            .arg("tests/schema-check/run.sh")
            .arg(root)
            .current_dir(root);
        steps.push((
            "schema checks (Python jsonschema, TypeScript)".into(),
            Step::Run(schemas),
        ));
        let mut interop = Command::new("bash");
        interop
            .arg("tests/interop/run.sh")
            .arg(root)
            .current_dir(root);
        steps.push((
            "interop: boto3 against `cloudcost mock`, the SCP signing oracle, the ledger check"
                .into(),
            Step::Run(interop),
        ));
        // FOCUS exports read back by DuckDB and checked by the FinOps Foundation's
        // focus-validator (tests/focus/run.sh; FOCUS.md, "The gaps, checked").
        let mut focus = Command::new("bash");
        focus.arg("tests/focus/run.sh").arg(root).current_dir(root);
        steps.push((
            "focus: the FOCUS export through DuckDB and focus-validator".into(),
            Step::Run(focus),
        ));
    }
    run_steps(steps)
}

/// One step of a test run: a command whose test counts add up, or a check made here.
enum Step {
    Run(Command),
    Check(Box<dyn FnOnce() -> Result<(), String>>),
}

/// Prepares the fixture family's copy of the workspace and adds its steps; the copy lives
/// (and is removed) with the returned value.
fn fixture_steps(root: &Path, steps: &mut Vec<(String, Step)>) -> Result<fixture::Copy, String> {
    let copy = fixture::prepare(root)?;
    let files = fixture::regenerate(&copy)?;
    eprintln!(
        "==> fixture: {files} generated files in {} with tests/fixture-family added",
        copy.dir.display()
    );
    let target = fixture::target_dir(root);
    for (name, command) in fixture::steps(&copy, &target) {
        steps.push((name, Step::Run(command)));
    }
    steps.push((
        "fixture: the CLI pages through the mock's synthetic data".into(),
        Step::Check(Box::new(move || fixture::paged_call(&target))),
    ));
    Ok(copy)
}

/// Runs `steps` in order, stopping at the first failure, and prints one closing line with
/// the counts of every step, in the form test-report readers look for.
fn run_steps(steps: Vec<(String, Step)>) -> ExitCode {
    let mut total = Counts::default();
    for (name, step) in steps {
        eprintln!("==> {name}");
        let failed = match step {
            Step::Run(mut command) => match run_counting(&mut command) {
                Ok((status, counts)) => {
                    total.passed += counts.passed;
                    total.failed += counts.failed;
                    (!status.success()).then(|| status.to_string())
                }
                Err(e) => Some(format!("could not start it: {e}")),
            },
            Step::Check(check) => match check() {
                Ok(()) => {
                    println!("ok: {name}");
                    total.passed += 1;
                    None
                }
                Err(e) => {
                    total.failed += 1;
                    Some(e)
                }
            },
        };
        if let Some(why) = failed {
            eprintln!("error: {name} failed: {why}");
            println!(
                "total: {} passed, {} failed",
                total.passed,
                total.failed.max(1)
            );
            return ExitCode::FAILURE;
        }
    }
    println!("total: {} passed, {} failed", total.passed, total.failed);
    ExitCode::SUCCESS
}

#[derive(Default)]
struct Counts {
    passed: u64,
    failed: u64,
}

/// Runs `command`, echoing its stdout, and adds up the pass/fail counts it reports
/// (libtest's `test result:` lines and the checkers' `N passed, M failed` lines).
fn run_counting(command: &mut Command) -> std::io::Result<(std::process::ExitStatus, Counts)> {
    use std::io::{BufRead, BufReader};
    let mut child = command.stdout(std::process::Stdio::piped()).spawn()?;
    let mut counts = Counts::default();
    // A checker prints sub-totals before its grand total: only its last plain line counts.
    let mut last_plain: Option<(u64, u64)> = None;
    if let Some(out) = child.stdout.take() {
        for line in BufReader::new(out).lines() {
            let line = line?;
            println!("{line}");
            let number_before = |word: &str| {
                line.split(word).next().and_then(|head| {
                    head.trim_end()
                        .rsplit(|c: char| !c.is_ascii_digit())
                        .next()
                        .and_then(|n| n.parse::<u64>().ok())
                })
            };
            if line.starts_with("test result:") {
                counts.passed += number_before(" passed").unwrap_or(0);
                let failed_part = line.split("passed;").nth(1).unwrap_or("");
                counts.failed += failed_part
                    .split(" failed")
                    .next()
                    .and_then(|n| n.trim().parse::<u64>().ok())
                    .unwrap_or(0);
            } else if let Some((p, f)) = line.trim().split_once(" passed, ") {
                let (p, f) = (
                    p.parse::<u64>(),
                    f.trim_end_matches(" failed").parse::<u64>(),
                );
                if let (Ok(p), Ok(f)) = (p, f) {
                    last_plain = Some((p, f));
                }
            }
        }
    }
    if let Some((p, f)) = last_plain {
        counts.passed += p;
        counts.failed += f;
    }
    Ok((child.wait()?, counts))
}

fn workspace_root() -> PathBuf {
    // xtask lives one level below the workspace root.
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."))
}
