//! The command line: `cloudcost <service> <operation> [options]` and `cloudcost mock`.
//!
//! Services and operations come from the generated table; each operation's member flags
//! from its request schema. This module only wires them to clap, builds the request and
//! the client configuration, and prints.

use std::ffi::OsString;
use std::io::{IsTerminal, Read, Write};
use std::time::Duration;

use clap::{Arg, ArgAction, ArgMatches, Command};
use futures_util::StreamExt;
use heck::ToKebabCase;

use crate::call::{AuthMeta, Call, CallError, OperationDef, ServiceDef};
use crate::json::Json;
use crate::output::{self, Format};
use crate::resume::Resume;
use crate::schema::{self, Kind, Node, Schema};
use crate::shorthand;
use crate::SERVICES;

/// Exit status: the call succeeded.
pub const EXIT_OK: i32 = 0;
/// Exit status: anything else failed (credentials, network, timeouts, output).
pub const EXIT_FAILURE: i32 = 1;
/// Exit status: the command line or the request is invalid; nothing was sent.
pub const EXIT_USAGE: i32 = 2;
/// Exit status: the service answered with an error.
pub const EXIT_API_ERROR: i32 = 3;

/// Options every operation takes, which member flags must not shadow.
const GLOBAL_FLAGS: &[&str] = &[
    "output",
    "endpoint-url",
    "region",
    "profile",
    "mock",
    "input-json",
    "all-pages",
    "max-items",
    "starting-token",
    "help",
    "version",
];

/// The variable that makes `--mock` answer with a modeled error (see [`mock_error_code`]).
pub const MOCK_ERROR_ENV: &str = "CLOUDCOST_MOCK_ERROR";

/// The variable that makes retries against `--mock` wait nothing (see [`mock_retry`]).
pub const MOCK_NO_BACKOFF_ENV: &str = "CLOUDCOST_MOCK_NO_BACKOFF";

const AFTER_HELP: &str = "\
Exit status: 0 success; 1 failure (credentials, network, timeout); 2 invalid command line or \
request (nothing sent); 3 the service answered with an error.

Only the result goes to stdout; errors and the progress bar go to stderr.";

/// One operation's flags: the member each stands for and how it is spelled.
struct MemberFlag<'a> {
    /// The request member's wire name.
    member: &'a str,
    /// The flag without dashes.
    flag: String,
    node: Node<'a>,
    required: bool,
}

/// A `&'static str` for clap, whose ids and names are static unless its `string` feature
/// is on. That feature would change clap's build for the xtask too (features unify across
/// the workspace), rebuilding clap whenever the two are built apart; the command tree is
/// built once per process, so leaking its few dozen names costs nothing.
fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

/// The clap id of a member flag (ids must not clash with the global options).
fn member_id(member: &str) -> &'static str {
    leak(format!("member:{member}"))
}

fn negated_id(member: &str) -> &'static str {
    leak(format!("member-no:{member}"))
}

/// The member flags of an operation, from its request schema: `--` + the kebab-case wire
/// name; a name that a global option already takes gets the service name in front
/// (`scp list-usages --scp-region`), so neither shadows the other.
fn member_flags<'a>(service: &ServiceDef, schema: &'a Schema) -> Vec<MemberFlag<'a>> {
    let Kind::Struct { members, required } = schema.root().kind() else {
        return Vec::new();
    };
    members
        .iter()
        .map(|(member, node)| {
            let kebab = member.to_kebab_case();
            let flag = if GLOBAL_FLAGS.contains(&kebab.as_str()) {
                format!("{}-{kebab}", service.cli_name)
            } else {
                kebab
            };
            MemberFlag {
                member,
                flag,
                node: *node,
                required: required.contains(member),
            }
        })
        .collect()
}

/// The first sentence of a description, for one-line help.
fn first_sentence(text: &str) -> &str {
    let mut from = 0;
    while let Some(i) = text[from..].find(". ").map(|i| from + i) {
        // "e.g. " and "i.e. " do not end a sentence.
        if !(text[..i].ends_with("e.g") || text[..i].ends_with("i.e")) {
            return &text[..=i];
        }
        from = i + 2;
    }
    text
}

fn member_help(f: &MemberFlag<'_>) -> (String, String) {
    let description = f.node.description().unwrap_or("");
    let mut notes = Vec::new();
    if f.required {
        notes.push("Required (here or in --input-json).".to_string());
    }
    if f.flag != f.member.to_kebab_case() {
        notes.push(format!(
            "Request member `{}`; named --{} because --{} is the global option.",
            f.member,
            f.flag,
            f.member.to_kebab_case()
        ));
    } else {
        notes.push(format!("Request member `{}`.", f.member));
    }
    let element = match f.node.kind() {
        Kind::List(items) => {
            notes.push("One value per item; several may follow the flag.".into());
            items
        }
        _ => f.node,
    };
    match element.kind() {
        Kind::String { values, .. } if !values.is_empty() => {
            notes.push(format!("Values: {}.", values.join(", ")))
        }
        Kind::Struct { .. } | Kind::Map(_) => notes.push("Shorthand `K=V,K2=V2` or JSON.".into()),
        Kind::Boolean => notes.push(format!("--no-{} sets false.", f.flag)),
        _ => {}
    }
    let short = format!("{} {}", first_sentence(description), notes.join(" "));
    let long = format!("{description}\n\n{}", notes.join("\n"));
    (short.trim().to_string(), long.trim().to_string())
}

fn operation_command(service: &ServiceDef, op: &OperationDef) -> Command {
    let mut cmd = Command::new(op.cli_name)
        .about(op.summary)
        .after_help(AFTER_HELP)
        .arg(
            Arg::new("input-json")
                .long("input-json")
                .value_name("JSON | @file | -")
                .help("The request as JSON with its wire member names: inline, @file, or - for stdin. Flags override its members."),
        );
    let long_about = match &op.pagination {
        Some(p) => format!(
            "{}\n\n{} ({}). Pages with `{}`; items are `{}`.",
            op.summary, op.name, service.title, p.input_token, p.items
        ),
        None => format!("{}\n\n{} ({}).", op.summary, op.name, service.title),
    };
    cmd = cmd.long_about(long_about);
    // The table embeds the schemas the generator wrote; one that does not parse leaves the
    // operation with --input-json only rather than failing every command.
    if let Ok(schema) = Schema::parse(op.request_schema) {
        for f in member_flags(service, &schema) {
            let (short, long) = member_help(&f);
            let arg = Arg::new(member_id(f.member))
                .long(leak(f.flag.clone()))
                .help(short)
                .long_help(long)
                .help_heading("Request members");
            let arg = match f.node.kind() {
                Kind::Boolean => arg.action(ArgAction::SetTrue),
                Kind::List(_) => arg
                    .num_args(1..)
                    .action(ArgAction::Append)
                    .value_name(leak(f.node.type_hint())),
                _ => arg.num_args(1).value_name(leak(f.node.type_hint())),
            };
            cmd = cmd.arg(arg);
            if matches!(f.node.kind(), Kind::Boolean) {
                cmd = cmd.arg(
                    Arg::new(negated_id(f.member))
                        .long(leak(format!("no-{}", f.flag)))
                        .action(ArgAction::SetTrue)
                        .conflicts_with(member_id(f.member))
                        .help(format!("Sets `{}` to false.", f.member))
                        .help_heading("Request members"),
                );
            }
        }
    }
    if op.pagination.is_some() {
        cmd = cmd
            .arg(
                Arg::new("all-pages")
                    .long("all-pages")
                    .action(ArgAction::SetTrue)
                    .help("Follow pagination to the last page; the token is dropped. table and csv write each page's rows as it arrives (flat memory); json merges every page in memory (item lists concatenated, other lists concatenated unless equal on every page) and prints at the end. Shows progress on stderr when it is a terminal."),
            )
            .arg(
                Arg::new("max-items")
                    .long("max-items")
                    .value_name("N")
                    .value_parser(clap::value_parser!(u64).range(1..))
                    .help("Stop after N items, following pages as needed (implies --all-pages). When items remain, the output has a NextToken (on stderr for table and csv) to pass to --starting-token."),
            )
            .arg(
                Arg::new("starting-token")
                    .long("starting-token")
                    .value_name("TOKEN")
                    .help("Continue a listing where --max-items stopped: the NextToken it printed (implies --all-pages)."),
            );
    }
    cmd
}

fn mock_command() -> Command {
    Command::new("mock")
        .about("Run the mock server of every operation until Ctrl-C.")
        .long_about(
            "Run the mock server of every operation until Ctrl-C. Prints `listening on <url>` \
             on stdout once it accepts connections; point a client's endpoint URL at it. \
             Requests need their scheme's auth headers (any keys); --strict-auth also \
             verifies the signatures with the fixed test keys.",
        )
        .arg(
            Arg::new("addr")
                .long("addr")
                .value_name("IP:PORT")
                .value_parser(clap::value_parser!(std::net::SocketAddr))
                .default_value("127.0.0.1:0")
                .help("Address to listen on; port 0 picks a free port."),
        )
        .arg(
            Arg::new("dataset")
                .long("dataset")
                .value_parser(["examples", "synthetic"])
                .default_value("examples")
                .help("The documented examples, or a deterministic synthetic dataset for paging."),
        )
        .arg(
            Arg::new("pages")
                .long("pages")
                .value_name("N")
                .value_parser(clap::value_parser!(u32).range(1..))
                .help("Synthetic dataset: number of pages [default: 5]."),
        )
        .arg(
            Arg::new("page-size")
                .long("page-size")
                .value_name("M")
                .value_parser(clap::value_parser!(u32).range(1..))
                .help("Synthetic dataset: items per page, unless the request sets its page size [default: 10]."),
        )
        .arg(
            Arg::new("seed")
                .long("seed")
                .value_name("S")
                .value_parser(clap::value_parser!(u64))
                .default_value("0")
                .help("Seed of the synthetic dataset and of fault injection."),
        )
        .arg(
            Arg::new("fault-rate")
                .long("fault-rate")
                .value_name("R")
                .value_parser(parse_rate)
                .default_value("0")
                .help("Fraction of requests, 0 to 1, that fail with one of --faults."),
        )
        .arg(
            Arg::new("faults")
                .long("faults")
                .value_name("KINDS")
                .value_delimiter(',')
                .value_parser(clap::value_parser!(String))
                .help("Comma-separated faults to inject: throttle, 500, 503, reset, truncate, slow."),
        )
        .arg(
            Arg::new("strict-auth")
                .long("strict-auth")
                .action(ArgAction::SetTrue)
                .help("Verify SigV4 and SCP signatures against the fixed test keys."),
        )
        .arg(
            Arg::new("missing-auth-as")
                .long("missing-auth-as")
                .value_name("CODE")
                .help("Answer requests without credentials with this error code (in the services that have it) instead of the documented one; `NotFound` answers SCP's unauthenticated requests with 404, as SCP has been seen to."),
        )
        .args(crate::mock::limit_args())
}

fn parse_rate(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(r) if (0.0..=1.0).contains(&r) => Ok(r),
        _ => Err(format!("expected a number from 0 to 1, found `{text}`")),
    }
}

/// The whole command tree.
pub fn command() -> Command {
    let mut cmd = Command::new("cloudcost")
        .version(env!("CARGO_PKG_VERSION"))
        .about("Call cloud cost and usage APIs from the shell, like the AWS CLI, against the real services or an embedded mock.")
        .long_about(
            "Call cloud cost and usage APIs from the shell, like the AWS CLI, against the real \
             services or an embedded mock.\n\nForm: cloudcost <service> <operation> [options]. \
             Requests are validated before anything is sent. Credentials come from the standard \
             AWS chain, or SCP_ACCESS_KEY / SCP_SECRET_KEY / ~/.scp/credentials.",
        )
        .subcommand_required(true)
        .arg_required_else_help(true)
        .after_help(AFTER_HELP)
        .arg(
            Arg::new("output")
                .long("output")
                .global(true)
                .value_name("FORMAT")
                .value_parser(Format::NAMES)
                .default_value("json")
                .help("json: the response's wire JSON (pages merged in memory, printed at the end); table or csv: one row per item, nested lists exploded, written as each page arrives.")
                .long_help("json: the response's wire JSON. When a paged operation follows its pages, they are merged in memory and printed once the last has arrived.\n\ntable or csv: one row per item, nested lists exploded, written page by page as pages arrive, so following every page runs in flat memory. The first page with rows fixes the columns: CSV's header is that page's columns, and a later page with a column it lacks stops with an error (use json or table); the table's column widths are that page's, a wider value later pushes the rest of its line right, and a page with new columns starts a new header. If a later page fails, the rows already written stay and the exit status is not 0."),
        )
        .arg(
            Arg::new("endpoint-url")
                .long("endpoint-url")
                .global(true)
                .value_name("URL")
                .help("Send requests here instead of the service's default endpoint."),
        )
        .arg(
            Arg::new("region")
                .long("region")
                .global(true)
                .value_name("REGION")
                .help("AWS region (default: AWS_REGION or the profile's)."),
        )
        .arg(
            Arg::new("profile")
                .long("profile")
                .global(true)
                .value_name("NAME")
                .help("Profile of ~/.aws/config (AWS) or ~/.scp/credentials (SCP)."),
        )
        .arg(
            Arg::new("mock")
                .long("mock")
                .global(true)
                .action(ArgAction::SetTrue)
                .conflicts_with("endpoint-url")
                .help("Start the embedded mock server on a free loopback port and call it, with its test credentials."),
        );
    for service in SERVICES {
        let mut sub = Command::new(service.cli_name)
            .about(service.title)
            .subcommand_required(true)
            .arg_required_else_help(true);
        for op in service.operations {
            sub = sub.subcommand(operation_command(service, op));
        }
        cmd = cmd.subcommand(sub);
    }
    cmd.subcommand(mock_command())
}

/// Runs the command line `args` (with the program name first) and returns the exit status.
pub fn run<I, T>(args: I) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let matches = match command().try_get_matches_from(args) {
        Ok(m) => m,
        Err(e) => {
            // Help and version go to stdout with status 0; usage errors to stderr with 2.
            let _ = e.print();
            return e.exit_code();
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            return fail(
                EXIT_FAILURE,
                &format!("could not start the async runtime: {e}"),
            )
        }
    };
    let Some((name, sub)) = matches.subcommand() else {
        return fail(EXIT_USAGE, "no command given; see `cloudcost --help`");
    };
    if name == "mock" {
        return runtime.block_on(crate::mock::serve(sub));
    }
    let Some(service) = SERVICES.iter().find(|s| s.cli_name == name) else {
        return fail(EXIT_USAGE, &format!("unknown service `{name}`"));
    };
    let Some((op_name, op_matches)) = sub.subcommand() else {
        return fail(
            EXIT_USAGE,
            &format!("no operation given; see `cloudcost {name} --help`"),
        );
    };
    let Some(op) = service.operations.iter().find(|o| o.cli_name == op_name) else {
        return fail(EXIT_USAGE, &format!("unknown operation `{name} {op_name}`"));
    };
    runtime.block_on(run_operation(service, op, op_matches))
}

fn fail(code: i32, message: &str) -> i32 {
    eprintln!("cloudcost: {message}");
    code
}

/// The global options, which clap propagates to the operation's matches.
struct Globals {
    format: Format,
    endpoint_url: Option<String>,
    region: Option<String>,
    profile: Option<String>,
    mock: bool,
}

impl Globals {
    fn from(m: &ArgMatches) -> Globals {
        Globals {
            format: m
                .get_one::<String>("output")
                .and_then(|s| Format::parse(s))
                .unwrap_or(Format::Json),
            endpoint_url: m.get_one::<String>("endpoint-url").cloned(),
            region: m.get_one::<String>("region").cloned(),
            profile: m.get_one::<String>("profile").cloned(),
            mock: m.get_flag("mock"),
        }
    }
}

async fn run_operation(service: &ServiceDef, op: &OperationDef, m: &ArgMatches) -> i32 {
    let globals = Globals::from(m);
    let schema = match Schema::parse(op.request_schema) {
        Ok(s) => s,
        Err(e) => return fail(EXIT_FAILURE, &format!("{}: {e}", op.name)),
    };
    let request = match build_request(service, &schema, m) {
        Ok(r) => r,
        Err(e) => return report(&e),
    };
    let pagination = op.pagination.as_ref();
    let max_items = m
        .try_get_one::<u64>("max-items")
        .ok()
        .flatten()
        .map(|n| usize::try_from(*n).unwrap_or(usize::MAX));
    let start = match m.try_get_one::<String>("starting-token").ok().flatten() {
        None => Resume::default(),
        Some(text) => match Resume::decode(text) {
            Ok(start) => start,
            Err(e) => return fail(EXIT_USAGE, &e),
        },
    };
    let mut request = request;
    if let (Some(p), Some(token)) = (pagination, &start.token) {
        request.set(p.input_token, Json::String(token.clone()));
    }
    let all_pages = pagination.is_some()
        && (max_items.is_some()
            || start != Resume::default()
            || m.try_get_one::<bool>("all-pages").ok().flatten() == Some(&true));

    let mock = if globals.mock {
        match crate::mock::start_embedded().await {
            Ok(server) => Some(server),
            Err(e) => return fail(EXIT_FAILURE, &e),
        }
    } else {
        None
    };
    let config = match client_config(service, &globals, mock.as_ref().map(|s| s.url())) {
        Ok(c) => c,
        Err(e) => {
            crate::mock::stop(mock).await;
            return fail(EXIT_FAILURE, &e);
        }
    };
    // Table and CSV rows need the response schema; read it before anything is sent.
    let response_schema = match globals.format {
        Format::Json => None,
        Format::Table | Format::Csv => match Schema::parse(op.response_schema) {
            Ok(s) => Some(s),
            Err(e) => {
                crate::mock::stop(mock).await;
                return fail(EXIT_FAILURE, &format!("{}: {e}", op.name));
            }
        },
    };
    // JSON keeps the merged document (one JSON value cannot be printed before its end);
    // table and CSV rows are written page by page, keeping nothing of the pages.
    let mut merger = output::Merger::new(
        pagination,
        &request,
        output::MergeOptions {
            max_items,
            drop_token: all_pages,
            start,
        },
        globals.format == Format::Json,
    );
    let mut rows = response_schema.as_ref().map(|schema| Rows {
        schema,
        writer: output::RowWriter::new(std::io::BufWriter::new(std::io::stdout()), globals.format),
    });
    let result = follow_pages(
        op,
        Call {
            config,
            request: request.clone(),
            all_pages,
        },
        &mut merger,
        rows.as_mut(),
    )
    .await;
    crate::mock::stop(mock).await;
    match result {
        Ok(()) => {}
        // A reader that stopped early (`| head`) is not a failure of the call.
        Err(Stop::PipeClosed) => return EXIT_OK,
        Err(Stop::Call(e)) => return report(&e),
        Err(Stop::Output(e)) => {
            return fail(
                EXIT_FAILURE,
                &format!("--output {}: {e}", globals.format.name()),
            )
        }
    }
    if globals.format != Format::Json {
        // Rows have no place for it; say it where a person reads and a pipe does not.
        if let Some(next) = merger.next_token() {
            eprintln!("more items remain: --starting-token {next}");
        }
        return EXIT_OK;
    }
    let text = merger.finish().to_pretty();
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush())
    {
        Ok(()) => EXIT_OK,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => EXIT_OK,
        Err(e) => fail(EXIT_FAILURE, &format!("could not write the output: {e}")),
    }
}

/// Where table and CSV rows go as pages arrive.
struct Rows<'a> {
    schema: &'a Schema,
    writer: output::RowWriter<std::io::BufWriter<std::io::Stdout>>,
}

/// Why [`follow_pages`] stopped before the last page.
enum Stop {
    /// The call failed.
    Call(CallError),
    /// Rows could not be made or written (other than a closed pipe).
    Output(String),
    /// stdout was closed by its reader.
    PipeClosed,
}

fn report(e: &CallError) -> i32 {
    let code = match e {
        CallError::InvalidRequest(_) => EXIT_USAGE,
        CallError::Api { .. } => EXIT_API_ERROR,
        CallError::Other(_) => EXIT_FAILURE,
    };
    fail(code, &e.to_string())
}

/// Runs the call and hands each page to `merger` as it arrives, stopping once it has
/// `--max-items` items. With `rows`, each page's rows are written before the next page
/// is requested, so only one page is in memory at a time; rows already written stay
/// written if a later page fails (the exit status says so).
async fn follow_pages(
    op: &OperationDef,
    call: Call,
    merger: &mut output::Merger<'_>,
    mut rows: Option<&mut Rows<'_>>,
) -> Result<(), Stop> {
    let show_progress = call.all_pages && std::io::stderr().is_terminal();
    let mut stream = (op.run)(call).map_err(Stop::Call)?;
    let progress = show_progress.then(|| {
        let bar =
            indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {msg} [{elapsed}]")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        bar.set_message(format!("{}: pages 0, items 0", op.name));
        bar.enable_steady_tick(Duration::from_millis(120));
        bar
    });
    let mut pages = 0usize;
    let mut items = 0usize;
    let result = loop {
        if merger.done() {
            break Ok(());
        }
        let page = match stream.next().await {
            None => break Ok(()),
            Some(Err(e)) => break Err(Stop::Call(e)),
            Some(Ok(page)) => page,
        };
        pages += 1;
        items += output::item_count(&page, op.pagination.as_ref());
        if let Some(bar) = &progress {
            bar.set_message(format!("{}: pages {pages}, items {items}", op.name));
        }
        let Some(page) = merger.push(page) else {
            continue;
        };
        let Some(rows) = rows.as_deref_mut() else {
            continue;
        };
        let table = match output::flatten(&page, rows.schema.root(), op.pagination.as_ref()) {
            Ok(t) => t,
            Err(e) => break Err(Stop::Output(e)),
        };
        drop(page);
        // The bar shares the terminal with stdout: hide it while the rows are written.
        let written = match &progress {
            Some(bar) => bar.suspend(|| rows.writer.page(&table)),
            None => rows.writer.page(&table),
        };
        match written {
            Ok(()) => {}
            Err(output::RowError::Io(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                break Err(Stop::PipeClosed)
            }
            Err(e) => break Err(Stop::Output(e.to_string())),
        }
    };
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    result
}

/// Reads `--input-json`: inline JSON, `@file`, or `-` for stdin.
fn read_input_json(spec: &str) -> Result<Json, String> {
    let (text, origin) = if spec == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| format!("--input-json: could not read stdin: {e}"))?;
        (text, "stdin".to_string())
    } else if let Some(path) = spec.strip_prefix('@') {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("--input-json: could not read {path}: {e}"))?;
        (text, path.to_string())
    } else {
        (spec.to_string(), "the value".to_string())
    };
    let json =
        Json::parse(&text).map_err(|e| format!("--input-json: {origin} is not JSON: {e}"))?;
    match json {
        Json::Object(_) => Ok(json),
        other => Err(format!(
            "--input-json: expected a JSON object (the request), found {}",
            other.kind()
        )),
    }
}

/// The request: `--input-json`, then each member flag given, then a structural check of
/// the result. Every problem is reported at once, with the flag it came from.
fn build_request(service: &ServiceDef, schema: &Schema, m: &ArgMatches) -> Result<Json, CallError> {
    let mut problems = Vec::new();
    let mut request = match m.get_one::<String>("input-json") {
        Some(spec) => match read_input_json(spec) {
            Ok(json) => json,
            Err(e) => return Err(CallError::InvalidRequest(vec![e])),
        },
        None => Json::Object(Vec::new()),
    };
    let flags = member_flags(service, schema);
    for f in &flags {
        if let Kind::Boolean = f.node.kind() {
            if m.get_flag(member_id(f.member)) {
                request.set(f.member, Json::Bool(true));
            } else if m.get_flag(negated_id(f.member)) {
                request.set(f.member, Json::Bool(false));
            }
            continue;
        }
        let Some(values) = m.get_many::<String>(member_id(f.member)) else {
            continue;
        };
        let values: Vec<String> = values.cloned().collect();
        match shorthand::flag_value(&values, f.node) {
            Ok(v) => request.set(f.member, v),
            Err(e) => problems.push(format!("--{}: {e}", f.flag)),
        }
    }
    if !problems.is_empty() {
        return Err(CallError::InvalidRequest(problems));
    }
    let found = schema::check(&request, schema.root());
    if found.is_empty() {
        return Ok(request);
    }
    Err(CallError::InvalidRequest(
        found
            .into_iter()
            .map(|p| {
                let top = p.path.split(['.', '[']).next().unwrap_or("");
                match flags.iter().find(|f| f.member == top) {
                    Some(f) => format!("{}: {} (--{})", p.path, p.message, f.flag),
                    None => format!("{}: {}", p.path, p.message),
                }
            })
            .collect(),
    ))
}

/// The client configuration from the global options, or the embedded mock's.
fn client_config(
    service: &ServiceDef,
    g: &Globals,
    mock_url: Option<String>,
) -> Result<cloudcost_runtime::Config, String> {
    let mut b = cloudcost_runtime::Config::builder();
    if let Some(url) = mock_url {
        let keys = cloudcost_mock::TestKeys::default();
        b = b
            .endpoint_url(url)
            // The mock signs nothing regional: any region will do, and the user's
            // environment must not make --mock fail.
            .region(g.region.clone().unwrap_or_else(|| "us-east-1".into()))
            .aws_credentials(keys.aws_credentials())
            .scp_credentials(
                keys.scp_credentials()
                    .map_err(|e| format!("mock test keys: {e}"))?,
            );
        if let Some(code) = mock_error_code()? {
            b = b.http_client(mock_error_client(&code)?);
        }
        if let Some(retry) = mock_retry()? {
            b = b.retry(retry);
        }
        return Ok(b.build());
    }
    if let Some(url) = &g.endpoint_url {
        b = b.endpoint_url(url.clone());
    }
    if let Some(region) = &g.region {
        b = b.region(region.clone());
    }
    if let Some(profile) = &g.profile {
        b = b.profile(profile.clone());
        if matches!(service.auth, AuthMeta::ScpHmac { .. }) {
            b = b.scp_credentials(scp_profile_credentials(profile)?);
        }
    }
    Ok(b.build())
}

/// SCP credentials of a named profile: the runtime reads `SCP_PROFILE`, so an explicit
/// `--profile` is read here from the same file (`SCP_CREDENTIALS_FILE` or
/// `~/.scp/credentials`).
fn scp_profile_credentials(profile: &str) -> Result<cloudcost_runtime::ScpCredentials, String> {
    let path = match std::env::var_os("SCP_CREDENTIALS_FILE") {
        Some(p) if !p.is_empty() => std::path::PathBuf::from(p),
        _ => {
            let home = std::env::var_os("HOME")
                .or_else(|| std::env::var_os("USERPROFILE"))
                .ok_or("--profile: no home directory to find ~/.scp/credentials in")?;
            std::path::PathBuf::from(home)
                .join(".scp")
                .join("credentials")
        }
    };
    cloudcost_runtime::ScpCredentials::from_config_file(&path, profile)
        .map_err(|e| format!("--profile {profile}: {e}"))
}

/// `CLOUDCOST_MOCK_ERROR=<Code>` makes the embedded mock answer with that modeled error
/// (it reads the request header `x-cloudcost-mock-error`). It is honoured only with
/// `--mock`, so that it can never leak into calls to a real service.
fn mock_error_code() -> Result<Option<String>, String> {
    match std::env::var(MOCK_ERROR_ENV) {
        Ok(code) if code.trim().is_empty() => Ok(None),
        Ok(code) => Ok(Some(code.trim().to_string())),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => Err(format!("{MOCK_ERROR_ENV} is not UTF-8")),
    }
}

/// `CLOUDCOST_MOCK_NO_BACKOFF=1` keeps the retries of a call to the embedded mock (the
/// attempts and the retry budget) but makes every wait between them zero: a zero backoff
/// base and cap, so neither the jitter nor the mock's `Retry-After` hint sleeps. It is for
/// tests of retried errors (`CLOUDCOST_MOCK_ERROR=ThrottlingException`), is not in
/// `--help`, and like [`MOCK_ERROR_ENV`] is read only with `--mock`: a call to a real
/// service always backs off. `0` or an empty value is the same as unset.
fn mock_retry() -> Result<Option<cloudcost_runtime::RetryConfig>, String> {
    let value = match std::env::var(MOCK_NO_BACKOFF_ENV) {
        Ok(value) => value,
        Err(std::env::VarError::NotPresent) => return Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => {
            return Err(format!("{MOCK_NO_BACKOFF_ENV} is not UTF-8"))
        }
    };
    match value.trim() {
        "" | "0" => Ok(None),
        "1" => Ok(Some(
            cloudcost_runtime::RetryConfig::default()
                .with_base(Duration::ZERO)
                .with_cap(Duration::ZERO),
        )),
        other => Err(format!(
            "{MOCK_NO_BACKOFF_ENV}: expected 1 or 0, found `{other}`"
        )),
    }
}

fn mock_error_client(code: &str) -> Result<reqwest::Client, String> {
    let mut headers = reqwest::header::HeaderMap::new();
    let value = reqwest::header::HeaderValue::from_str(code)
        .map_err(|_| format!("{MOCK_ERROR_ENV}: `{code}` is not a valid header value"))?;
    headers.insert(crate::mock::ERROR_HEADER, value);
    reqwest::Client::builder()
        .default_headers(headers)
        .connect_timeout(Duration::from_secs(10))
        .build()
        .map_err(|e| format!("HTTP client: {e}"))
}
