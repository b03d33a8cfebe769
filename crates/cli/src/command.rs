//! The command line: the clap tree of `cloudcost <service> <operation> [options]`, each
//! operation's member flags from its request schema, and `cloudcost mock`'s (from the mock
//! room). Nothing here runs a call.

use clap::{Arg, ArgAction, Command};
use heck::ToKebabCase;

use crate::call::{OperationDef, ServiceDef};
use crate::exit::EXIT_HELP;
use crate::output::Format;
use crate::schema::{Kind, Node, Schema};
use crate::SERVICES;

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
    // The budget room's (`crate::budget::FLAGS`).
    "plan",
    "max-requests",
    "max-cost",
    "period",
    // The cache room's.
    "no-cache",
    "refresh",
    "help",
    "version",
];

/// One operation's flags: the member each stands for and how it is spelled.
pub(crate) struct MemberFlag<'a> {
    /// The request member's wire name.
    pub(crate) member: &'a str,
    /// The flag without dashes.
    pub(crate) flag: String,
    pub(crate) node: Node<'a>,
    pub(crate) required: bool,
}

/// A `&'static str` for clap, whose ids and names are static unless its `string` feature
/// is on. That feature would change clap's build for the xtask too (features unify across
/// the workspace), rebuilding clap whenever the two are built apart; the command tree is
/// built once per process, so leaking its few dozen names costs nothing.
fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

/// The clap id of a member flag (ids must not clash with the global options).
pub(crate) fn member_id(member: &str) -> &'static str {
    leak(format!("member:{member}"))
}

pub(crate) fn negated_id(member: &str) -> &'static str {
    leak(format!("member-no:{member}"))
}

/// The member flags of an operation, from its request schema: `--` + the kebab-case wire
/// name; a name that a global option already takes gets the service name in front
/// (`scp list-usages --scp-region`), so neither shadows the other.
pub(crate) fn member_flags<'a>(service: &ServiceDef, schema: &'a Schema) -> Vec<MemberFlag<'a>> {
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
        .after_help(EXIT_HELP)
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
    cmd = cmd
        .long_about(long_about)
        .args(crate::budget::args(service, op))
        .args(crate::cache::args(service, op));
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

/// The whole command tree.
///
/// The client's options (`--output`, `--endpoint-url`, `--region`, `--profile`, `--mock`)
/// are taken before the service and, through each service command, after the operation,
/// as the AWS CLI takes them; they are not on `cloudcost mock`, which has no use for them.
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
        .after_help(EXIT_HELP)
        .args(client_args());
    for service in SERVICES {
        let mut sub = Command::new(service.cli_name)
            .about(service.title)
            .subcommand_required(true)
            .arg_required_else_help(true)
            .args(client_args().into_iter().map(|a| a.global(true)));
        for op in service.operations {
            sub = sub.subcommand(operation_command(service, op));
        }
        cmd = cmd.subcommand(sub);
    }
    cmd.subcommand(crate::mock::command())
        .subcommand(crate::cache::command())
        .subcommand(crate::focus::command())
}

/// The ids of the client call options, for reading them and for refusing them where they
/// mean nothing.
pub const CLIENT_ARGS: [&str; 5] = ["output", "endpoint-url", "region", "profile", "mock"];

/// The options of a client call.
fn client_args() -> Vec<Arg> {
    vec![
        Arg::new("output")
            .long("output")
            .value_name("FORMAT")
            .value_parser(Format::NAMES)
            .default_value("json")
            .help("json: the response's wire JSON (pages merged in memory, printed at the end); table or csv: one row per item, nested lists exploded, written as each page arrives.")
            .long_help("json: the response's wire JSON. When a paged operation follows its pages, they are merged in memory and printed once the last has arrived.\n\ntable or csv: one row per item, nested lists exploded, written page by page as pages arrive, so following every page runs in flat memory. The first page with rows fixes the columns: CSV's header is that page's columns, and a later page with a column it lacks stops with an error (use json or table); the table's column widths are that page's, a wider value later pushes the rest of its line right, and a page with new columns starts a new header. If a later page fails, the rows already written stay and the exit status is not 0."),
        Arg::new("endpoint-url")
            .long("endpoint-url")
            .value_name("URL")
            .help("Send requests here instead of the service's default endpoint."),
        Arg::new("region")
            .long("region")
            .value_name("REGION")
            .help("AWS region (default: AWS_REGION or the profile's)."),
        Arg::new("profile")
            .long("profile")
            .value_name("NAME")
            .help("Profile of ~/.aws/config (AWS) or ~/.scp/credentials (SCP)."),
        Arg::new("mock")
            .long("mock")
            .action(ArgAction::SetTrue)
            .conflicts_with("endpoint-url")
            .help("Start the embedded mock server on a free loopback port and call it, with its test credentials."),
    ]
}
