//! Running one operation from the command line: the client's options, the request (from
//! `--input-json` and the member flags), the client configuration, and what is printed.

use std::io::{Read, Write};

use clap::parser::ValueSource;
use clap::ArgMatches;

use crate::budget;
use crate::cache;
use crate::call::{AuthMeta, Call, CallError, OperationDef, ServiceDef};
use crate::command::{member_flags, member_id, negated_id};
use crate::exit::{fail, EXIT_API_ERROR, EXIT_BUDGET, EXIT_FAILURE, EXIT_OK, EXIT_USAGE};
use crate::groups;
use crate::json::Json;
use crate::mock::embedded;
use crate::output::{self, Format};
use crate::pages::{follow_pages, Rows, Stop};
use crate::resume::Resume;
use crate::schema::{self, Kind, Schema};
use crate::shorthand;

/// The client's options. Each may come before the service (`root`) or after the operation
/// (`op`, where clap propagates the service command's copies); the later one wins, as in
/// the AWS CLI.
struct Globals {
    format: Format,
    endpoint_url: Option<String>,
    region: Option<String>,
    profile: Option<String>,
    mock: bool,
}

impl Globals {
    fn from(root: &ArgMatches, op: &ArgMatches) -> Result<Globals, String> {
        // The matches that hold `id` as the user gave it: the operation's, then the root's.
        let given = |id: &str| {
            [op, root].into_iter().find(|m| {
                matches!(
                    m.value_source(id),
                    Some(ValueSource::CommandLine | ValueSource::EnvVariable)
                )
            })
        };
        let text = |id: &str| given(id).and_then(|m| m.get_one::<String>(id).cloned());
        let globals = Globals {
            format: text("output")
                .and_then(|s| Format::parse(&s))
                .unwrap_or(Format::Json),
            endpoint_url: text("endpoint-url"),
            region: text("region"),
            profile: text("profile"),
            mock: given("mock").is_some_and(|m| m.get_flag("mock")),
        };
        // clap checks the conflict within one level; across levels it is checked here.
        if globals.mock && globals.endpoint_url.is_some() {
            return Err("--mock and --endpoint-url cannot be used together".into());
        }
        Ok(globals)
    }
}

/// Runs one operation of the command line and returns the exit status; `root` holds the
/// options given before the service, `m` the operation's.
pub async fn operation(
    service: &ServiceDef,
    op: &OperationDef,
    root: &ArgMatches,
    m: &ArgMatches,
) -> i32 {
    let globals = match Globals::from(root, m) {
        Ok(g) => g,
        Err(e) => return fail(EXIT_USAGE, &e),
    };
    let schema = match Schema::parse(op.request_schema) {
        Ok(s) => s,
        Err(e) => return fail(EXIT_FAILURE, &format!("{}: {e}", op.name)),
    };
    let request = match build_request(service, op, &schema, m) {
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
    // Every page, from the first: what a cached answer stands for.
    let every_page = all_pages && max_items.is_none() && start == Resume::default();
    match budget::date_rules_day(globals.mock || globals.endpoint_url.is_some()) {
        Ok(day) => crate::call::check_dates_at(day),
        Err(e) => return fail(EXIT_FAILURE, &e),
    }
    let mut spending = match budget::prepare(service, op, m, &request, all_pages) {
        Ok(s) => s,
        Err(e) => return fail(EXIT_USAGE, &e),
    };
    // More than two groupings: a discovery request and one per value of the extra keys.
    let split = match groups::split(service, op, &request) {
        Ok(split) => split,
        Err(e) => return fail(EXIT_USAGE, &e),
    };
    if let Some((s, _)) = &split {
        let p = &spending.plan;
        spending.plan = cloudcost_planner::Plan::split(
            &p.operation,
            p.price.clone(),
            p.budget.clone(),
            p.requests[0].period.clone(),
            &s.extra_keys(),
        );
    }
    let endpoint = match (&globals.endpoint_url, globals.mock) {
        (Some(url), _) => Some(url.as_str()),
        (None, true) => Some("mock"),
        (None, false) => None,
    };
    let cached = cache::setup(
        service,
        op,
        m,
        &request,
        every_page && split.is_none(),
        endpoint,
        globals.region.as_deref(),
        globals.profile.as_deref(),
    );
    if let Some(u) = &cached {
        // What the cache holds is free: the plan counts only the gaps.
        spending.plan = cache::plan(u, &spending.plan);
    }
    if m.try_get_one::<bool>("plan").ok().flatten() == Some(&true) {
        // Decoded and validated as the call would be (every constraint, through the
        // operation's own function), with a client that has nowhere to go and no one's
        // credentials; its stream is dropped unpolled, so nothing is sent.
        let custom = globals.mock || globals.endpoint_url.is_some();
        // A split query's requests group by the first two keys: check one of those.
        let mut request = request.clone();
        groups::set_aside(service, op, &mut request);
        let unsent = budget::date_rules(custom).and_then(|rules| {
            embedded::client_config("http://127.0.0.1:9".into(), None).map(|config| {
                (op.run)(Call {
                    config: config.into_builder().date_rules(rules).build(),
                    request: request.clone(),
                    all_pages,
                })
            })
        });
        match unsent {
            Ok(Ok(_unpolled)) => {}
            Ok(Err(e)) => return report(&e),
            Err(e) => return fail(EXIT_FAILURE, &e),
        }
        print!("{}", budget::plan_text(&spending));
        return EXIT_OK;
    }
    if spending.meter.allowed() == Some(0) {
        return fail(
            EXIT_BUDGET,
            &format!(
                "the budget allows no request: {}; nothing was sent",
                spending.plan.budget.describe(spending.plan.price.as_ref())
            ),
        );
    }
    if budget::preset_given(m) {
        // The dates a preset stands for, and that the end is exclusive, where a person
        // reads them and a pipe does not.
        if let Some((member, period)) = &spending.plan.requests[0].period {
            eprintln!("cloudcost: --period: {member} {period}");
        }
    }

    let mock = if globals.mock {
        match embedded::start().await {
            Ok(server) => Some(server),
            Err(e) => return fail(EXIT_FAILURE, &e),
        }
    } else {
        None
    };
    let config = match client_config(service, &globals, mock.as_ref().map(|s| s.url())) {
        Ok(c) => c,
        Err(e) => {
            embedded::stop(mock).await;
            return fail(EXIT_FAILURE, &e);
        }
    };
    // Table and CSV rows need the response schema; read it before anything is sent.
    let response_schema = match globals.format {
        Format::Json => None,
        Format::Table | Format::Csv => match Schema::parse(op.response_schema) {
            Ok(s) => Some(s),
            Err(e) => {
                embedded::stop(mock).await;
                return fail(EXIT_FAILURE, &format!("{}: {e}", op.name));
            }
        },
    };
    if let Some((s, roles)) = &split {
        let result = groups::run(op, s, *roles, &request, &config, &mut spending.meter).await;
        embedded::stop(mock).await;
        return match result {
            Ok(joined) => match groups::print(
                &joined,
                globals.format,
                response_schema.as_ref(),
                pagination,
            ) {
                Ok(()) => EXIT_OK,
                Err(e) => fail(EXIT_FAILURE, &e),
            },
            Err(groups::Stop::Call(e)) => report(&e),
            Err(groups::Stop::Budget) => fail(EXIT_BUDGET, &groups::stopped(&spending)),
        };
    }
    if let Some(u) = &cached {
        let result = cache::run(op, u, &request, &config, &mut spending.meter).await;
        embedded::stop(mock).await;
        return match result {
            Ok(doc) => {
                match groups::print(&doc, globals.format, response_schema.as_ref(), pagination) {
                    Ok(()) => EXIT_OK,
                    Err(e) => fail(EXIT_FAILURE, &e),
                }
            }
            Err(groups::Stop::Call(e)) => report(&e),
            Err(groups::Stop::Budget) => fail(EXIT_BUDGET, &cache::stopped(&spending)),
        };
    }
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
        &mut spending.meter,
    )
    .await;
    embedded::stop(mock).await;
    drop(rows);
    let mut budget_stop = None;
    match result {
        Ok(()) => {}
        Err(Stop::Budget(resume)) => budget_stop = Some(resume),
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
    let status = match &budget_stop {
        Some(resume) => fail(EXIT_BUDGET, &budget::stopped(&spending, resume)),
        None => EXIT_OK,
    };
    if globals.format != Format::Json {
        // Rows have no place for it; say it where a person reads and a pipe does not.
        if let (Some(next), None) = (merger.next_token(), &budget_stop) {
            eprintln!("more items remain: --starting-token {next}");
        }
        return status;
    }
    let mut document = merger.finish();
    if let Some(resume) = &budget_stop {
        document.set(crate::resume::NEXT_TOKEN, Json::String(resume.encode()));
    }
    let text = document.to_pretty();
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush())
    {
        Ok(()) => status,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => status,
        Err(e) => fail(EXIT_FAILURE, &format!("could not write the output: {e}")),
    }
}

fn report(e: &CallError) -> i32 {
    let code = match e {
        CallError::InvalidRequest(_) => EXIT_USAGE,
        CallError::Api { .. } => EXIT_API_ERROR,
        CallError::Other(_) => EXIT_FAILURE,
    };
    fail(code, &e.to_string())
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
fn build_request(
    service: &ServiceDef,
    op: &OperationDef,
    schema: &Schema,
    m: &ArgMatches,
) -> Result<Json, CallError> {
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
    if let Err(e) = budget::apply_period(service, op, m, &mut request) {
        problems.push(e);
    }
    if !problems.is_empty() {
        return Err(CallError::InvalidRequest(problems));
    }
    // Groupings past the second are split into requests of two (`groups`): check one.
    let all_groups = groups::set_aside(service, op, &mut request);
    let found = schema::check(&request, schema.root());
    if found.is_empty() {
        if let (Some(all), Some(roles)) = (all_groups, groups::roles(service, op)) {
            request.set(roles.group_by, all);
        }
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
    let rules = budget::date_rules(mock_url.is_some() || g.endpoint_url.is_some())?;
    if let Some(url) = mock_url {
        return embedded::client_config(url, g.region.clone())
            .map(|c| c.into_builder().date_rules(rules).build());
    }
    let mut b = cloudcost_runtime::Config::builder().date_rules(rules);
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
