//! The `cloudcost` binary end to end: help, every operation in every output format
//! against the embedded mock (`--mock`) and a separately started `cloudcost mock`, invalid
//! requests, API errors, pagination and `--input-json` from a file and from stdin.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_cloudcost");

/// The mock's fixed secrets, which must never be printed.
const SECRETS: [&str; 2] = [
    "cloudcost-mock-aws-secret-access-key",
    "cloudcost-mock-scp-secret-key",
];

/// A command with a clean environment: no credentials, region or profile of the machine
/// running the tests, and no mock error selection. Retries against `--mock` wait nothing
/// (`CLOUDCOST_MOCK_NO_BACKOFF`, read only with `--mock`), so no test sleeps for real.
fn cloudcost(args: &[&str]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.args(args);
    for var in [
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_ROLE_ARN",
        "SCP_ACCESS_KEY",
        "SCP_SECRET_KEY",
        "SCP_ACCOUNT_ID",
        "SCP_PROFILE",
        "CLOUDCOST_MOCK_ERROR",
    ] {
        cmd.env_remove(var);
    }
    // No shared config or credential files of the user either.
    cmd.env("AWS_CONFIG_FILE", "/nonexistent/cloudcost-test/config")
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/cloudcost-test/credentials",
        )
        .env("SCP_CREDENTIALS_FILE", "/nonexistent/cloudcost-test/scp")
        // Instance metadata must not be probed by a test.
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("CLOUDCOST_MOCK_NO_BACKOFF", "1");
    cmd
}

/// The part of a mock request id that is a function of the default fault seed and the
/// request number `n` (from 0). An id opens with 17 characters of the mock instance's own
/// (`IIIIIIII-IIII-4II`), different in every mock process, and ends with these 19, so a run
/// replays exactly after the instance's prefix.
fn mock_request_id_suffix(n: usize) -> &'static str {
    [
        "4-8821-8226ff3cd4bf",
        "d-8ce4-23fc82c0d5b8",
        "e-860b-bbf6ca094f3c",
    ][n]
}

/// `text` with its `[request id …]` replaced by `[request id <id>]`, after checking that
/// the id is the mock's request `n`.
fn masking_request_id(text: &str, n: usize) -> String {
    let start = text
        .find("[request id ")
        .unwrap_or_else(|| panic!("no request id in {text:?}"))
        + "[request id ".len();
    let end = start + text[start..].find(']').expect("the id's end");
    let id = &text[start..end];
    assert_eq!(id.len(), 36, "{id}");
    assert_eq!(
        &id[17..],
        mock_request_id_suffix(n),
        "{id} is not the mock's request {n}"
    );
    format!("{}<id>{}", &text[..start], &text[end..])
}

/// The documented example at `specs/examples/<path>`, as JSON.
fn example(path: &str) -> serde_json::Value {
    let file = format!("{}/../../specs/examples/{path}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&file).expect("example file");
    serde_json::from_str(&text).expect("example JSON")
}

/// stdout as JSON.
fn json_out(o: &Output) -> serde_json::Value {
    serde_json::from_str(&stdout(o)).expect("JSON output")
}

fn run(args: &[&str]) -> Output {
    cloudcost(args)
        .stdin(Stdio::null())
        .output()
        .expect("run cloudcost")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("stderr is UTF-8")
}

#[track_caller]
fn assert_success(o: &Output) {
    assert!(
        o.status.success(),
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        stdout(o),
        stderr(o)
    );
}

#[track_caller]
fn assert_no_secrets(o: &Output) {
    for s in SECRETS {
        assert!(
            !stdout(o).contains(s) && !stderr(o).contains(s),
            "a secret was printed"
        );
    }
}

/// The five operations with a valid request each (flags only).
const OPERATIONS: [(&str, &[&str]); 5] = [
    (
        "ce-get-cost-and-usage",
        &[
            "ce",
            "get-cost-and-usage",
            "--time-period",
            "Start=2017-09-01,End=2017-10-01",
            "--granularity",
            "MONTHLY",
            "--metrics",
            "BlendedCost",
            "UnblendedCost",
            "UsageQuantity",
            "--group-by",
            "Type=DIMENSION,Key=SERVICE",
            "Type=TAG,Key=Environment",
        ],
    ),
    (
        "ce-get-reservation-utilization",
        &[
            "ce",
            "get-reservation-utilization",
            "--time-period",
            "Start=2017-07-01,End=2017-10-01",
            "--group-by",
            "Type=DIMENSION,Key=SUBSCRIPTION_ID",
        ],
    ),
    (
        "inspector2-list-usage-totals",
        &["inspector2", "list-usage-totals"],
    ),
    (
        "inspector2-batch-get-free-trial-info",
        &[
            "inspector2",
            "batch-get-free-trial-info",
            "--account-ids",
            "123456789012",
            "210987654321",
        ],
    ),
    (
        "scp-list-usages",
        &[
            "scp",
            "list-usages",
            "--start-date",
            "2024-08-01",
            "--limit",
            "10",
        ],
    ),
];

#[test]
fn every_operation_in_every_format_against_the_embedded_mock() {
    for (name, args) in OPERATIONS {
        for format in ["json", "table", "csv"] {
            let mut all = vec!["--mock", "--output", format];
            all.extend_from_slice(args);
            let o = run(&all);
            assert_success(&o);
            assert_no_secrets(&o);
            assert_eq!(stderr(&o), "", "{name} {format}: stderr must stay empty");
            let out = stdout(&o);
            assert!(!out.trim().is_empty(), "{name} {format}: empty output");
            match format {
                "json" => {
                    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON output");
                    assert!(v.is_object(), "{name}: {out}");
                }
                "csv" => {
                    let mut lines = out.lines();
                    let header = lines.next().unwrap();
                    let columns = header.split(',').count();
                    assert!(columns > 1, "{name}: {header}");
                    assert!(lines.next().is_some(), "{name}: CSV has no rows:\n{out}");
                }
                _ => {
                    let lines: Vec<&str> = out.lines().collect();
                    assert!(lines.len() >= 3, "{name}: table without rows:\n{out}");
                    assert!(
                        lines[1].starts_with('-'),
                        "{name}: no rule under the header"
                    );
                }
            }
            insta::assert_snapshot!(format!("{name}.{format}"), out);
        }
    }
}

#[test]
fn ce_rows_are_period_by_group_by_metric_with_exact_amounts() {
    let (_, args) = OPERATIONS[0];
    let mut all = vec!["--mock", "--output", "csv"];
    all.extend_from_slice(args);
    let o = run(&all);
    assert_success(&o);
    let out = stdout(&o);
    let mut lines = out.lines();
    assert_eq!(
        lines.next().unwrap(),
        "TimePeriod.Start,TimePeriod.End,Estimated,Groups.Keys,Groups.Metrics,Groups.Metrics.Amount,Groups.Metrics.Unit"
    );
    // The documented example: 2 groups x 3 metrics in one period, amounts as sent.
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 6, "{out}");
    assert!(rows.contains(
        &"2017-09-01,2017-10-01,false,\"Amazon Simple Storage Service, Environment$Prod\",UsageQuantity,173842.5440074444,N/A"
    ));
}

#[test]
fn the_quickstart_line_works() {
    // README: cargo run -p cloudcost-cli -- --mock ce get-cost-and-usage ...
    let o = run(&[
        "--mock",
        "ce",
        "get-cost-and-usage",
        "--time-period",
        "Start=2017-09-01,End=2017-10-01",
        "--granularity",
        "MONTHLY",
        "--metrics",
        "BlendedCost",
    ]);
    assert_success(&o);
    // The embedded mock answers the documented example, printed in its wire form.
    assert_eq!(
        json_out(&o),
        example("aws-ce/GetCostAndUsage.response.json")
    );
    assert_eq!(stderr(&o), "");
}

#[test]
fn help_describes_every_flag() {
    let o = run(&["--help"]);
    assert_success(&o);
    let top = stdout(&o);
    for needle in [
        "ce",
        "inspector2",
        "scp",
        "mock",
        "--output",
        "--endpoint-url",
        "--region",
        "--profile",
        "--mock",
        "Exit status",
    ] {
        assert!(
            top.contains(needle),
            "`{needle}` missing from --help:\n{top}"
        );
    }
    let o = run(&["ce", "get-cost-and-usage", "--help"]);
    assert_success(&o);
    let help = stdout(&o);
    for needle in [
        "--input-json <JSON | @file | ->",
        "--time-period <Start=string,End=string>",
        "--granularity <string>",
        "Values: DAILY, MONTHLY, HOURLY.",
        "--metrics <string>...",
        "--group-by <Type=string,Key=string>...",
        "--filter <Expression>",
        "--billing-view-arn",
        "--next-page-token",
        "--all-pages",
        "--max-items <N>",
        "--output",
        "--mock",
    ] {
        assert!(help.contains(needle), "`{needle}` missing:\n{help}");
    }
    // SCP's `region` member does not shadow the global --region.
    let o = run(&["scp", "list-usages", "--help"]);
    let help = stdout(&o);
    assert!(help.contains("--scp-region <string>..."), "{help}");
    assert!(
        help.contains("--with-count") && help.contains("--no-with-count"),
        "{help}"
    );
    // A non-paged operation has no paging flags.
    let o = run(&["inspector2", "batch-get-free-trial-info", "--help"]);
    let help = stdout(&o);
    assert!(
        help.contains("--account-ids") && !help.contains("--all-pages"),
        "{help}"
    );
    let o = run(&["mock", "--help"]);
    let help = stdout(&o);
    for needle in [
        "--addr",
        "--dataset",
        "--pages",
        "--page-size",
        "--seed",
        "--fault-rate",
        "--faults",
        "--strict-auth",
        "--max-connections",
    ] {
        assert!(help.contains(needle), "`{needle}` missing:\n{help}");
    }
    // The server's options only: the client's mean nothing to it.
    for absent in [
        "--output",
        "--endpoint-url",
        "--region",
        "--profile",
        "--mock ",
    ] {
        assert!(!help.contains(absent), "`{absent}` in mock --help:\n{help}");
    }
}

#[test]
fn client_options_go_before_the_service_or_after_the_operation_but_not_on_mock() {
    // After the operation, as the AWS CLI takes them.
    let o = run(&[
        "inspector2",
        "batch-get-free-trial-info",
        "--account-ids",
        "111122223333",
        "--mock",
        "--output",
        "csv",
    ]);
    assert_success(&o);
    assert!(
        stdout(&o)
            .lines()
            .next()
            .is_some_and(|header| header.contains(',')),
        "{}",
        stdout(&o)
    );
    // Before the service.
    let o = run(&[
        "--mock",
        "--output",
        "csv",
        "inspector2",
        "batch-get-free-trial-info",
        "--account-ids",
        "111122223333",
    ]);
    assert_success(&o);
    assert!(!stdout(&o).trim_start().starts_with('{'), "{}", stdout(&o));
    // One at each level still conflicts.
    let o = run(&[
        "--mock",
        "inspector2",
        "batch-get-free-trial-info",
        "--account-ids",
        "111122223333",
        "--endpoint-url",
        "http://127.0.0.1:9",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("--mock and --endpoint-url"),
        "{}",
        stderr(&o)
    );
    // A client option before `mock` is refused, not silently ignored.
    let o = run(&["--region", "eu-west-1", "mock", "--addr", "127.0.0.1:0"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("--region is an option of the client calls"),
        "{}",
        stderr(&o)
    );
    assert!(stdout(&o).is_empty());
}

#[test]
fn usage_errors_exit_2_with_clean_stdout() {
    let usage = |line: &str, error: &str| {
        format!("error: {error}\n\nUsage: {line}\n\nFor more information, try '--help'.\n")
    };
    let invalid = |error: &str| format!("error: {error}\n\nFor more information, try '--help'.\n");
    for (args, expected) in [
        (
            // Not `nosuch`: clap would suggest `focus` for it.
            &["xyzzy"][..],
            usage(
                "cloudcost [OPTIONS] <COMMAND>",
                "unrecognized subcommand 'xyzzy'",
            ),
        ),
        (
            &["ce", "no-such-operation"],
            usage(
                "cloudcost ce [OPTIONS] <COMMAND>",
                "unrecognized subcommand 'no-such-operation'",
            ),
        ),
        (
            &["ce", "get-cost-and-usage", "--no-such-flag"],
            usage(
                "cloudcost ce get-cost-and-usage [OPTIONS]",
                "unexpected argument '--no-such-flag' found",
            ),
        ),
        (
            &["ce", "get-cost-and-usage", "--output", "xml"],
            invalid(
                "invalid value 'xml' for '--output <FORMAT>'\n  \
                 [possible values: json, table, csv]",
            ),
        ),
        (
            &[
                "--mock",
                "--endpoint-url",
                "http://127.0.0.1:1",
                "inspector2",
                "list-usage-totals",
            ],
            usage(
                "cloudcost --mock <COMMAND>",
                "the argument '--mock' cannot be used with '--endpoint-url <URL>'",
            ),
        ),
        (
            &["mock", "--fault-rate", "2"],
            invalid(
                "invalid value '2' for '--fault-rate <R>': expected a number from 0 to 1, \
                 found `2`",
            ),
        ),
        (
            &["inspector2", "list-usage-totals", "--max-items", "0"],
            invalid(
                "invalid value '0' for '--max-items <N>': 0 is not in \
                 1..18446744073709551615",
            ),
        ),
        (
            &["mock", "--missing-auth-as", "NoSuchCode"],
            "cloudcost mock: invalid mock configuration: --missing-auth-as NoSuchCode: no \
             service has that error code\n"
                .to_string(),
        ),
    ] {
        let o = run(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert_eq!(stdout(&o), "", "{args:?}");
        assert_eq!(stderr(&o), expected, "{args:?}");
    }
}

#[test]
fn an_invalid_request_lists_every_bad_field_and_sends_nothing() {
    // Structural problems: every one at once, each with its flag.
    let o = run(&[
        "ce",
        "get-cost-and-usage",
        "--time-period",
        "Start=2017-09-01",
        "--input-json",
        r#"{"Granularity": 3, "Metricz": ["x"], "GroupBy": [{"Type": "TAG", "Key": 1}]}"#,
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(stdout(&o), "");
    assert_eq!(
        stderr(&o),
        "cloudcost: invalid request, not sent (5 problems):\n  \
         Granularity: expected a string such as DAILY, MONTHLY, HOURLY, found a number (--granularity)\n  \
         Metricz: unknown member; expected one of: TimePeriod, Granularity, Filter, Metrics, GroupBy, BillingViewArn, NextPageToken\n  \
         GroupBy[0].Key: expected a string, found a number (--group-by)\n  \
         TimePeriod.End: missing required member (--time-period)\n  \
         Metrics: missing required member (--metrics)\n"
    );
    // Constraint violations from the model's validate(): every one at once. No endpoint
    // or credentials are configured, so reaching the network would fail differently.
    let o = run(&[
        "--region",
        "us-east-1",
        "inspector2",
        "batch-get-free-trial-info",
        "--account-ids",
        "123456789012",
        "12",
        "x",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(stdout(&o), "");
    assert_eq!(
        stderr(&o),
        "cloudcost: invalid request, not sent (2 problems):\n  \
         accountIds[1]: must match .*[0-9]{12}.*\n  \
         accountIds[2]: must match .*[0-9]{12}.*\n"
    );
    // Bad flag values are all reported too, before anything else.
    let o = run(&[
        "--mock",
        "scp",
        "list-usages",
        "--limit",
        "ten",
        "--start-date",
        "2024-08-01",
        "--account-id",
        "a",
        "--input-json",
        r#"{"limit": 1}"#,
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(stdout(&o), "");
    assert_eq!(
        stderr(&o),
        "cloudcost: invalid request, not sent (1 problem):\n  \
         --limit: expected an integer, found `ten`\n"
    );
    // A value the typed decoder rejects names its path.
    let o = run(&[
        "--mock",
        "ce",
        "get-cost-and-usage",
        "--time-period",
        "Start=2017-09-01,End=yesterday",
        "--granularity",
        "MONTHLY",
        "--metrics",
        "BlendedCost",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stdout(&o), "");
    assert_eq!(
        stderr(&o),
        "cloudcost: invalid request, not sent (1 problem):\n  \
         TimePeriod.End: expected YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ, found \"yesterday\"\n"
    );
}

#[test]
fn an_api_error_shows_code_and_message_and_exits_3() {
    let o = cloudcost(&[
        "--mock",
        "ce",
        "get-cost-and-usage",
        "--time-period",
        "Start=2017-09-01,End=2017-10-01",
        "--granularity",
        "MONTHLY",
        "--metrics",
        "BlendedCost",
    ])
    // Not a throttling error: those are retried with real backoff first.
    .env("CLOUDCOST_MOCK_ERROR", "DataUnavailableException")
    .output()
    .unwrap();
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert_eq!(stdout(&o), "");
    assert_eq!(
        masking_request_id(&stderr(&o), 0),
        // Not retried: the mock's first request.
        "cloudcost: GetCostAndUsage failed: DataUnavailableException (HTTP 400): \
         DataUnavailableException (requested by x-cloudcost-mock-error) [request id <id>]\n",
    );
    assert_no_secrets(&o);

    let o = cloudcost(&["--mock", "scp", "list-usages"])
        .env("CLOUDCOST_MOCK_ERROR", "Forbidden")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert_eq!(stdout(&o), "");
    assert_eq!(
        masking_request_id(&stderr(&o), 0),
        "cloudcost: ListUsages failed: Forbidden (HTTP 403): Forbidden (requested by \
         x-cloudcost-mock-error) [request id <id>]\n",
    );
}

#[test]
fn a_throttled_call_to_the_embedded_mock_is_retried_without_sleeping() {
    // Throttling is retried: 3 attempts, each answered with `Retry-After: 1`. Honoured,
    // those hints would take 2 s (measured: 2.02 s without the variable);
    // `CLOUDCOST_MOCK_NO_BACKOFF=1` (set by `cloudcost()`) makes every wait zero, so the
    // call ends well within that (measured: 0.02 s).
    let started = std::time::Instant::now();
    let o = cloudcost(&["--mock", "inspector2", "list-usage-totals"])
        .env("CLOUDCOST_MOCK_ERROR", "ThrottlingException")
        .output()
        .unwrap();
    let elapsed = started.elapsed();
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert_eq!(stdout(&o), "");
    assert_eq!(
        masking_request_id(&stderr(&o), 2),
        // The third attempt's answer: retried twice, as the default 3 attempts allow.
        "cloudcost: ListUsageTotals failed: ThrottlingException (HTTP 429): \
         ThrottlingException (requested by x-cloudcost-mock-error) [request id <id>]\n",
    );
    assert!(
        elapsed < std::time::Duration::from_secs(2),
        "the Retry-After waits were slept: {elapsed:?}"
    );
    // Any other value than 1 or 0 is refused, not guessed at.
    let o = cloudcost(&["--mock", "inspector2", "list-usage-totals"])
        .env("CLOUDCOST_MOCK_NO_BACKOFF", "yes")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        "cloudcost: CLOUDCOST_MOCK_NO_BACKOFF: expected 1 or 0, found `yes`\n"
    );
}

#[test]
fn the_mock_error_variable_is_ignored_without_mock() {
    // Against a real endpoint the variable must change nothing: here the call fails for
    // lack of credentials, not with the requested error.
    let o = cloudcost(&[
        "--endpoint-url",
        "http://127.0.0.1:9",
        "--region",
        "us-east-1",
        "inspector2",
        "list-usage-totals",
    ])
    .env("CLOUDCOST_MOCK_ERROR", "AccessDeniedException")
    .output()
    .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        !stderr(&o).contains("AccessDeniedException"),
        "{}",
        stderr(&o)
    );
}

/// `cloudcost mock` in the background; killed when dropped.
struct MockProcess {
    child: Child,
    url: String,
}

impl MockProcess {
    fn start(args: &[&str]) -> MockProcess {
        let mut all = vec!["mock"];
        all.extend_from_slice(args);
        let mut child = cloudcost(&all)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn cloudcost mock");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .expect("read the mock's first line");
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .to_string();
        assert!(url.starts_with("http://127.0.0.1:"), "{url}");
        MockProcess { child, url }
    }

    /// A command against this mock, with the mock's test keys in the environment: the
    /// credential chains and signing of a real call, which `--strict-auth` verifies.
    fn cloudcost(&self, args: &[&str]) -> Command {
        let mut all = vec!["--endpoint-url", self.url.as_str(), "--region", "eu-west-1"];
        all.extend_from_slice(args);
        let mut cmd = cloudcost(&all);
        let keys = cloudcost_mock::TestKeys::default();
        cmd.env("AWS_ACCESS_KEY_ID", &keys.aws_access_key_id)
            .env("AWS_SECRET_ACCESS_KEY", &keys.aws_secret_access_key)
            .env("SCP_ACCESS_KEY", &keys.scp_access_key)
            .env("SCP_SECRET_KEY", &keys.scp_secret_key)
            .env("SCP_ACCOUNT_ID", &keys.scp_account_id);
        cmd
    }
}

impl Drop for MockProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// On Ctrl-C, `cloudcost mock` says on stderr what it answered: per operation, the
/// billable requests and their cost (Cost Explorer's $0.01 a request).
#[cfg(unix)]
#[test]
fn cloudcost_mock_prints_the_requests_it_answered_when_it_stops() {
    use std::io::Read;
    let mut child = cloudcost(&["mock"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn cloudcost mock");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("read the mock's first line");
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_string();
    let mut errors = child.stderr.take().expect("stderr");
    let mut mock = MockProcess { child, url };
    let cost_and_usage = [
        "ce",
        "get-cost-and-usage",
        "--time-period",
        "Start=2017-09-01,End=2017-10-01",
        "--granularity",
        "MONTHLY",
        "--metrics",
        "BlendedCost",
    ];
    for args in [
        &cost_and_usage[..],
        &cost_and_usage[..],
        &["inspector2", "list-usage-totals"],
    ] {
        assert_success(&mock.cloudcost(args).output().unwrap());
    }
    let interrupted = Command::new("kill")
        .args(["-INT", &mock.child.id().to_string()])
        .status()
        .expect("run kill");
    assert!(interrupted.success());
    let status = mock.child.wait().expect("the mock stops");
    let mut text = String::new();
    errors.read_to_string(&mut text).expect("read stderr");
    assert_eq!(status.code(), Some(0), "{text}");
    assert_eq!(
        text,
        "cloudcost mock: answered 3 requests (2 billable, 0.02 USD): \
         aws-ce GetCostAndUsage 2, aws-inspector2 ListUsageTotals 1\n"
    );
}

fn items(json: &str, member: &str) -> Vec<serde_json::Value> {
    let v: serde_json::Value = serde_json::from_str(json).expect("JSON output");
    v[member].as_array().cloned().unwrap_or_default()
}

#[test]
fn all_pages_over_a_synthetic_dataset() {
    let mock = MockProcess::start(&[
        "--dataset",
        "synthetic",
        "--pages",
        "7",
        "--page-size",
        "3",
        "--seed",
        "11",
    ]);
    // One page: the token is kept, so a user can page by hand.
    let o = mock
        .cloudcost(&["inspector2", "list-usage-totals"])
        .output()
        .unwrap();
    assert_success(&o);
    let first = stdout(&o);
    assert_eq!(items(&first, "totals").len(), 3);
    assert!(first.contains("\"nextToken\""), "{first}");

    // All pages: 7 x 3 items, merged, the token dropped, stderr quiet (not a terminal).
    let o = mock
        .cloudcost(&["inspector2", "list-usage-totals", "--all-pages"])
        .output()
        .unwrap();
    assert_success(&o);
    assert_eq!(stderr(&o), "");
    let all = stdout(&o);
    let totals = items(&all, "totals");
    assert_eq!(totals.len(), 21);
    assert!(!all.contains("nextToken"), "{all}");
    assert_eq!(
        totals[..3],
        items(&first, "totals")[..],
        "the first page comes first"
    );
    // The same, as CSV: one row per usage of each total.
    let o = mock
        .cloudcost(&[
            "--output",
            "csv",
            "inspector2",
            "list-usage-totals",
            "--all-pages",
        ])
        .output()
        .unwrap();
    assert_success(&o);
    let usages: usize = totals
        .iter()
        .map(|t| t["usage"].as_array().map_or(1, |u| u.len().max(1)))
        .sum();
    assert_eq!(stdout(&o).lines().count(), 1 + usages);

    // --max-items stops early and cuts exactly.
    let o = mock
        .cloudcost(&["inspector2", "list-usage-totals", "--max-items", "8"])
        .output()
        .unwrap();
    assert_success(&o);
    assert_eq!(items(&stdout(&o), "totals")[..], totals[..8]);

    // Marker paging (SCP) and token paging (CE) through the same generic code.
    let o = mock
        .cloudcost(&["scp", "list-usages", "--all-pages"])
        .output()
        .unwrap();
    assert_success(&o);
    assert_eq!(items(&stdout(&o), "usages").len(), 21);
    let o = mock
        .cloudcost(&[
            "ce",
            "get-cost-and-usage",
            "--time-period",
            "Start=2024-01-01,End=2024-02-01",
            "--granularity",
            "DAILY",
            "--metrics",
            "BlendedCost",
            "--all-pages",
        ])
        .output()
        .unwrap();
    assert_success(&o);
    let out = stdout(&o);
    assert_eq!(items(&out, "ResultsByTime").len(), 21);
    assert!(!out.contains("NextPageToken"));
}

#[test]
fn all_pages_concatenates_every_page_s_dimension_value_attributes() {
    let mock = MockProcess::start(&["--dataset", "synthetic", "--pages", "3", "--page-size", "2"]);
    let request = [
        "ce",
        "get-cost-and-usage",
        "--time-period",
        "Start=2024-01-01,End=2024-02-01",
        "--granularity",
        "DAILY",
        "--metrics",
        "BlendedCost",
    ];
    let json = |extra: &[&str]| -> serde_json::Value {
        let mut args = request.to_vec();
        args.extend_from_slice(extra);
        let o = mock.cloudcost(&args).output().unwrap();
        assert_success(&o);
        serde_json::from_str(&stdout(&o)).expect("JSON output")
    };
    // The three pages by hand, following NextPageToken.
    let mut by_hand = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = match &token {
            Some(t) => json(&["--next-page-token", t]),
            None => json(&[]),
        };
        token = page["NextPageToken"].as_str().map(str::to_string);
        by_hand.push(page);
        if token.is_none() {
            break;
        }
    }
    let concatenated = |member: &str| -> Vec<serde_json::Value> {
        by_hand
            .iter()
            .flat_map(|p| p[member].as_array().cloned().unwrap_or_default())
            .collect()
    };
    let values: Vec<&str> = by_hand
        .iter()
        .flat_map(|p| p["DimensionValueAttributes"].as_array().unwrap())
        .map(|a| a["Value"].as_str().unwrap())
        .collect();
    // Each page describes its own dimension values.
    assert_eq!(
        values,
        ["Value-0", "Value-1", "Value-2", "Value-3", "Value-4", "Value-5"]
    );
    let merged = json(&["--all-pages"]);
    assert_eq!(
        merged["DimensionValueAttributes"],
        serde_json::Value::Array(concatenated("DimensionValueAttributes"))
    );
    assert_eq!(
        merged["ResultsByTime"],
        serde_json::Value::Array(concatenated("ResultsByTime"))
    );
    // The synthetic GroupDefinitions differ from page to page (a real service echoes the
    // request's GroupBy on each), so by the rule they are concatenated too.
    assert_ne!(
        by_hand[0]["GroupDefinitions"],
        by_hand[1]["GroupDefinitions"]
    );
    assert_eq!(
        merged["GroupDefinitions"],
        serde_json::Value::Array(concatenated("GroupDefinitions"))
    );
    assert_eq!(merged.get("NextPageToken"), None);
}

#[test]
fn every_operation_against_a_separately_started_mock_verifying_signatures() {
    let mock = MockProcess::start(&["--strict-auth"]);
    for (name, args) in OPERATIONS {
        for format in ["json", "table", "csv"] {
            let mut all = vec!["--output", format];
            all.extend_from_slice(args);
            let o = mock.cloudcost(&all).output().unwrap();
            assert_success(&o);
            assert_eq!(stderr(&o), "", "{name} {format}");
            // Byte for byte what the embedded mock gives (the same snapshots): the signed
            // calls reach the same data and print the same way.
            insta::assert_snapshot!(format!("{name}.{format}"), stdout(&o));
        }
    }
}

const CE_REQUEST: &str = r#"{
    "TimePeriod": {"Start": "2017-09-01", "End": "2017-10-01"},
    "Granularity": "DAILY",
    "Metrics": ["BlendedCost"]
}"#;

#[test]
fn input_json_from_a_file_and_from_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("request.json");
    std::fs::write(&path, CE_REQUEST).unwrap();
    let at_file = format!("@{}", path.display());
    let o = run(&[
        "--mock",
        "ce",
        "get-cost-and-usage",
        "--input-json",
        &at_file,
    ]);
    assert_success(&o);
    assert_eq!(
        json_out(&o),
        example("aws-ce/GetCostAndUsage.response.json")
    );

    let mut child = cloudcost(&[
        "--mock",
        "ce",
        "get-cost-and-usage",
        "--input-json",
        "-",
        "--granularity",
        "MONTHLY",
    ])
    .stdin(Stdio::piped())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(CE_REQUEST.as_bytes())
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert_success(&o);
    assert_eq!(
        json_out(&o),
        example("aws-ce/GetCostAndUsage.response.json")
    );

    // A file that is not there, and stdin that is not JSON, are request errors.
    let o = run(&[
        "--mock",
        "ce",
        "get-cost-and-usage",
        "--input-json",
        "@/nonexistent/request.json",
    ]);
    assert_eq!(o.status.code(), Some(2));
    // The operating system's words for the missing file, as std reports them here.
    let missing = std::fs::read("/nonexistent/request.json").unwrap_err();
    assert_eq!(
        stderr(&o),
        format!(
            "cloudcost: invalid request, not sent (1 problem):\n  \
             --input-json: could not read /nonexistent/request.json: {missing}\n"
        )
    );
    let o = run(&["--mock", "ce", "get-cost-and-usage", "--input-json", "[1]"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "cloudcost: invalid request, not sent (1 problem):\n  \
         --input-json: expected a JSON object (the request), found a list\n"
    );
}

#[test]
fn deeply_nested_flags_and_input_json_are_refused_not_a_stack_overflow() {
    // 20,000 levels: as deep as one argument may be (Linux takes 128 KiB per argument).
    let deep = format!("{}{}", "Not={".repeat(20_000), "}".repeat(20_000));
    let o = run(&["ce", "get-cost-and-usage", "--filter", &deep]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(stdout(&o), "");
    assert_eq!(
        stderr(&o),
        format!(
            "cloudcost: invalid request, not sent (1 problem):\n  \
             --filter: nested too deeply: more than 64 levels of `{{}}` or `[]` at character 325: `{}…`\n",
            &"Not={".repeat(9)[4..44]
        )
    );
    // 100,000 levels of JSON from a file.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("deep.json");
    std::fs::write(
        &path,
        format!(
            r#"{{"Filter": {}{{}}{}}}"#,
            r#"{"Not": "#.repeat(100_000),
            "}".repeat(100_000)
        ),
    )
    .unwrap();
    let at_file = format!("@{}", path.display());
    let o = run(&["ce", "get-cost-and-usage", "--input-json", &at_file]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(stdout(&o), "");
    assert_eq!(
        stderr(&o),
        format!(
            "cloudcost: invalid request, not sent (1 problem):\n  \
             --input-json: {} is not JSON: nested too deeply: more than 128 levels of arrays and objects\n",
            path.display()
        )
    );
}

#[test]
fn flags_override_input_json() {
    let input = r#"{"TimePeriod": {"Start": "2017-09-01", "End": "2017-10-01"}, "Granularity": "DAILY",
                    "Metrics": ["BlendedCost"], "BillingViewArn": "not-an-arn"}"#;
    // The member from --input-json alone is invalid...
    let o = run(&["--mock", "ce", "get-cost-and-usage", "--input-json", input]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        "cloudcost: invalid request, not sent (2 problems):\n  \
         BillingViewArn: length must be at least 20, got 10\n  \
         BillingViewArn: must match \
         ^arn:aws[a-z-]*:(billing)::[0-9]{12}:billingview/[-a-zA-Z0-9/:_+=.-@]{1,43}$\n"
    );
    // ...and the flag replaces it.
    let o = run(&[
        "--mock",
        "ce",
        "get-cost-and-usage",
        "--input-json",
        input,
        "--billing-view-arn",
        "arn:aws:billing::123456789012:billingview/primary",
    ]);
    assert_success(&o);
    assert_eq!(
        json_out(&o),
        example("aws-ce/GetCostAndUsage.response.json")
    );
    assert_eq!(stderr(&o), "");
}

#[test]
fn max_items_prints_a_next_token_that_starting_token_resumes_exactly() {
    let mock = MockProcess::start(&[
        "--dataset",
        "synthetic",
        "--pages",
        "5",
        "--page-size",
        "4",
        "--seed",
        "2",
    ]);
    let list = |extra: &[&str]| {
        let mut args = vec!["inspector2", "list-usage-totals"];
        args.extend_from_slice(extra);
        let o = mock.cloudcost(&args).output().unwrap();
        assert_success(&o);
        let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("JSON output");
        (
            v["totals"].as_array().cloned().unwrap_or_default(),
            v["NextToken"].as_str().map(str::to_string),
        )
    };
    let (all, none) = list(&["--all-pages"]);
    assert_eq!((all.len(), none), (20, None));
    // Cuts in the middle of pages (6 = 4 + 2) and at a page's end (8), resumed until done.
    for step in ["6", "8", "7"] {
        let mut got = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut extra = vec!["--max-items", step];
            if let Some(t) = &token {
                extra.extend(["--starting-token", t.as_str()]);
            }
            let (items, next) = list(&extra);
            assert!(items.len() <= step.parse().unwrap());
            got.extend(items);
            match next {
                Some(t) => token = Some(t),
                None => break,
            }
        }
        assert_eq!(got, all, "step {step}: every item once, in order");
    }
    // A token that is not ours is a usage error: exit 2, nothing sent.
    let o = mock
        .cloudcost(&[
            "inspector2",
            "list-usage-totals",
            "--starting-token",
            "bogus!",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(stdout(&o), "");
    assert_eq!(
        stderr(&o),
        "cloudcost: --starting-token: not a token printed by cloudcost as NextToken (not \
         base64url)\n"
    );
    // Table output keeps rows on stdout and says where to continue on stderr.
    let o = mock
        .cloudcost(&[
            "--output",
            "table",
            "inspector2",
            "list-usage-totals",
            "--max-items",
            "2",
        ])
        .output()
        .unwrap();
    assert_success(&o);
    // The token is base64url of `{"token":null,"skip":2}`: the first page again, less the
    // two items already printed.
    assert_eq!(
        stderr(&o),
        "more items remain: --starting-token eyJ0b2tlbiI6bnVsbCwic2tpcCI6Mn0\n"
    );
    // Two items (accounts), one row per usage of each, and no NextToken among them.
    assert_eq!(
        stdout(&o),
        "accountId     usage.type             usage.total       usage.estimatedMonthlyCost  usage.currency  usage.cloudProvider\n\
         ------------  ---------------------  ----------------  --------------------------  --------------  -------------------\n\
         100000000000  CODE_REPOSITORY_SCA    16259.4393398034  60360.6753181323            USD             AZURE\n\
         100000000000  GCP_CLOUD_RUN_HOURS    63777.1578101787  71750.7085102190            USD             NOT_APPLICABLE\n\
         100000000001  LAMBDA_FUNCTION_HOURS  35582.9142975403  43656.4737708037            USD             AZURE\n\
         100000000001  CODE_REPOSITORY_SCA    40950.4139839975  34734.8609395358            USD             AWS\n"
    );
}

/// Runs `command` with its stderr on a pseudo-terminal (util-linux `script`) and its stdout
/// discarded, and returns what the terminal showed.
fn on_a_terminal(command: &Command) -> String {
    let quote = |s: &std::ffi::OsStr| format!("'{}'", s.to_string_lossy().replace('\'', r"'\''"));
    let mut line = quote(command.get_program());
    for arg in command.get_args() {
        line.push(' ');
        line.push_str(&quote(arg));
    }
    line.push_str(" > /dev/null");
    let mut script = Command::new("script");
    script
        .args(["-qec", &line, "/dev/null"])
        .stdin(Stdio::null());
    for (key, value) in command.get_envs() {
        match value {
            Some(v) => script.env(key, v),
            None => script.env_remove(key),
        };
    }
    let out = script
        .output()
        .expect("util-linux `script` runs the command on a pseudo-terminal");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn all_pages_shows_progress_on_a_terminal_and_nothing_in_a_pipe() {
    let mock = MockProcess::start(&[
        "--dataset",
        "synthetic",
        "--pages",
        "40",
        "--page-size",
        "2",
    ]);
    let command = mock.cloudcost(&["inspector2", "list-usage-totals", "--all-pages"]);
    let screen = on_a_terminal(&command);
    assert!(
        screen.contains("ListUsageTotals: pages") && screen.contains("items"),
        "no progress bar on the terminal: {screen:?}"
    );
    // The same command in a pipe: stderr stays empty.
    let o = mock
        .cloudcost(&["inspector2", "list-usage-totals", "--all-pages"])
        .output()
        .unwrap();
    assert_success(&o);
    assert_eq!(stderr(&o), "");
}

/// Reads one HTTP/1.1 request (head and `Content-Length` body) from `reader`; false at the
/// end of the connection.
fn read_request(reader: &mut impl BufRead) -> bool {
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => return false,
            Ok(_) => {}
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().expect("a Content-Length");
            }
        }
    }
    let mut body = vec![0; length];
    std::io::Read::read_exact(reader, &mut body).is_ok()
}

#[test]
fn all_pages_table_and_csv_rows_of_a_page_are_written_before_the_last_page_arrives() {
    use std::net::TcpListener;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{mpsc, Arc};
    use std::time::Duration;

    const FIRST: &str = r#"{"totals":[{"accountId":"111111111111","usage":[{"type":"EC2_INSTANCE_HOURS","total":1.5,"estimatedMonthlyCost":2.25,"currency":"USD"}]}],"nextToken":"page-2"}"#;
    const LAST: &str = r#"{"totals":[{"accountId":"222222222222","usage":[{"type":"LAMBDA_FUNCTION_HOURS","total":3,"estimatedMonthlyCost":4.125,"currency":"USD"}]}]}"#;
    for (format, first_lines, expected) in [
        (
            "csv",
            2,
            "accountId,usage.type,usage.total,usage.estimatedMonthlyCost,usage.currency\n\
             111111111111,EC2_INSTANCE_HOURS,1.5,2.25,USD\n\
             222222222222,LAMBDA_FUNCTION_HOURS,3,4.125,USD\n",
        ),
        (
            "table",
            3,
            // The widths are the first page's: the longer usage type pushes its line right.
            "accountId     usage.type          usage.total  usage.estimatedMonthlyCost  usage.currency\n\
             ------------  ------------------  -----------  --------------------------  --------------\n\
             111111111111  EC2_INSTANCE_HOURS  1.5          2.25                        USD\n\
             222222222222  LAMBDA_FUNCTION_HOURS  3            4.125                       USD\n",
        ),
    ] {
        // A server of two pages that holds the last one until the test releases it: the
        // first page's rows can only be read while it is held if they were written as
        // soon as that page arrived. Rows written only at the end would arrive after the
        // hold times out, with `answered_last` already set.
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let (release, released) = mpsc::channel::<()>();
        let answered_last = Arc::new(AtomicBool::new(false));
        let answered = Arc::clone(&answered_last);
        let server = std::thread::spawn(move || {
            let mut served = 0;
            for connection in listener.incoming() {
                let Ok(mut connection) = connection else {
                    continue;
                };
                let mut reader = BufReader::new(connection.try_clone().unwrap());
                // One request per connection (`Connection: close`).
                if !read_request(&mut reader) {
                    continue;
                }
                served += 1;
                let body = if served == 1 {
                    FIRST
                } else {
                    let _ = released.recv_timeout(Duration::from_secs(10));
                    answered.store(true, Ordering::SeqCst);
                    LAST
                };
                let response = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nx-amzn-RequestId: test-{served}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                connection.write_all(response.as_bytes()).unwrap();
                if served == 2 {
                    break;
                }
            }
        });
        let keys = cloudcost_mock::TestKeys::default();
        let mut child = cloudcost(&[
            "--endpoint-url",
            &url,
            "--region",
            "eu-west-1",
            "--output",
            format,
            "inspector2",
            "list-usage-totals",
            "--all-pages",
        ])
        .env("AWS_ACCESS_KEY_ID", &keys.aws_access_key_id)
        .env("AWS_SECRET_ACCESS_KEY", &keys.aws_secret_access_key)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut seen = String::new();
        for _ in 0..first_lines {
            out.read_line(&mut seen).unwrap();
        }
        assert!(
            !answered_last.load(Ordering::SeqCst),
            "{format}: the first page's rows came only after the last page:\n{seen}"
        );
        release.send(()).unwrap();
        std::io::Read::read_to_string(&mut out, &mut seen).unwrap();
        let o = child.wait_with_output().unwrap();
        server.join().unwrap();
        assert_success(&o);
        assert_eq!(seen, expected, "{format}");
        assert_eq!(stderr(&o), "", "{format}");
    }
}

#[test]
fn a_bad_ledger_file_is_refused_at_start_naming_the_file_the_path_and_the_reason() {
    let example = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../ledger/examples/org.yaml"
    ))
    .expect("the example ledger");
    let dir = tempfile::tempdir().expect("a temporary directory");
    for (from, to, path, reason) in [
        (
            "    hours: 48",
            "    hours: -3",
            "reservations[0].hours",
            "expected a non-negative number, found -3",
        ),
        (
            "dimension: LINKED_ACCOUNT",
            "dimension: LINKED_ACOUNT",
            "cost_categories[0].rules[0].dimension",
            "unknown dimension `LINKED_ACOUNT`",
        ),
        (
            "price: \"0.0416\"",
            "price: \"ten cents\"",
            "services[0].usage_types[0].price",
            "expected a decimal number",
        ),
    ] {
        assert!(example.contains(from), "the example has `{from}`");
        let file = dir.path().join("org.yaml");
        std::fs::write(&file, example.replacen(from, to, 1)).expect("write the ledger");
        let file = file.to_str().expect("a UTF-8 path");
        let o = run(&["mock", "--ledger", file]);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(stdout(&o).is_empty(), "serves nothing: {}", stdout(&o));
        let err = stderr(&o);
        for part in [file, path, reason] {
            assert!(err.contains(part), "`{part}` missing from: {err}");
        }
    }
}
