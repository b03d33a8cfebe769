//! The cache of closed periods (`cloudcost_planner::cache`) for the command line: which
//! calls use it (a Cost Explorer cost query over whole dates at DAILY or MONTHLY
//! granularity, following every page), where it lives, who the caller is (never their
//! credentials), the run that reads closed months from it and fetches the rest in as few
//! requests as the gaps allow, `--no-cache`, `--refresh` and `cloudcost cache show|clear`.

use std::path::PathBuf;

use clap::{Arg, ArgAction, ArgMatches, Command};
use cloudcost_planner::cache::{closed, coalesce, fnv64, piece_of, pieces, Lookup, Store};
use cloudcost_planner::{Meter, Period};
use cloudcost_types::chrono::NaiveDate;
use serde_json::{json, Value};

use crate::budget;
use crate::call::{OperationDef, ServiceDef};
use crate::exit::{fail, EXIT_FAILURE, EXIT_OK};
use crate::groups::Stop;
use crate::json::Json;

/// The variable that names the cache directory (and turns the cache on for
/// `--endpoint-url`).
pub const DIR_VAR: &str = "CLOUDCOST_CACHE_DIR";

/// The query kind whose periods are cached.
const KIND: &str = "costAndUsage";

/// The flags of this room on an operation.
pub fn args(service: &ServiceDef, op: &OperationDef) -> Vec<Arg> {
    if budget::query_kind(service, op) != Some(KIND) {
        return Vec::new();
    }
    vec![
        Arg::new("no-cache")
            .long("no-cache")
            .action(ArgAction::SetTrue)
            .help("Neither read nor write the cache of closed periods."),
        Arg::new("refresh")
            .long("refresh")
            .action(ArgAction::SetTrue)
            .conflicts_with("no-cache")
            .help("Fetch every period again and rewrite the cache with the closed ones."),
    ]
}

/// The cache directory: `CLOUDCOST_CACHE_DIR`, else `$XDG_CACHE_HOME/cloudcost`, else
/// `~/.cache/cloudcost`.
pub fn dir() -> Option<PathBuf> {
    let var = |name| std::env::var_os(name).filter(|v| !v.is_empty());
    if let Some(d) = var(DIR_VAR) {
        return Some(PathBuf::from(d));
    }
    if let Some(d) = var("XDG_CACHE_HOME") {
        return Some(PathBuf::from(d).join("cloudcost"));
    }
    var("HOME").map(|h| PathBuf::from(h).join(".cache").join("cloudcost"))
}

/// A call that uses the cache.
pub struct Use {
    store: Store,
    /// The query without its period, and who asks: the prefix of every key.
    prefix: String,
    refresh: bool,
    member: &'static str,
    bounds: (String, String),
    period: Period,
    items: &'static str,
}

/// Whether and how this call uses the cache. `endpoint`: `--endpoint-url`, when given
/// (then only with `CLOUDCOST_CACHE_DIR`: a mock or a proxy may answer anything).
#[allow(clippy::too_many_arguments)]
pub fn setup(
    service: &ServiceDef,
    op: &OperationDef,
    m: &ArgMatches,
    request: &Json,
    follows_every_page: bool,
    endpoint: Option<&str>,
    region: Option<&str>,
    profile: Option<&str>,
) -> Option<Use> {
    let flag = |id: &str| m.try_get_one::<bool>(id).ok().flatten() == Some(&true);
    if flag("no-cache") || !follows_every_page || budget::query_kind(service, op) != Some(KIND) {
        return None;
    }
    if endpoint.is_some() && std::env::var_os(DIR_VAR).is_none_or(|v| v.is_empty()) {
        return None;
    }
    let member = budget::query_member(service, op, "period")?;
    let granularity = budget::query_member(service, op, "granularity")?;
    let items = op.pagination.as_ref()?.items;
    let req: Value = serde_json::from_str(&request.to_compact()).ok()?;
    if !matches!(
        req.get(granularity).and_then(Value::as_str),
        Some("DAILY" | "MONTHLY")
    ) {
        return None;
    }
    let Value::Object(period) = req.get(member)? else {
        return None;
    };
    let mut names = period.keys();
    let (a, b) = (names.next()?.clone(), names.next()?.clone());
    let day = |name: &str| {
        let text = period.get(name)?.as_str()?;
        NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
    };
    // Object keys come sorted here: the start is the earlier date.
    let (start, end) = match (day(&a), day(&b)) {
        (Some(x), Some(y)) if x < y => ((a, x), (b, y)),
        (Some(x), Some(y)) if y < x => ((b, y), (a, x)),
        _ => return None,
    };
    let mut rest = req.clone();
    if let Value::Object(o) = &mut rest {
        o.remove(member);
        o.remove(op.pagination.as_ref()?.input_token);
    }
    // Who asks, never with what: the endpoint, region, profile and a one-way hash of
    // what names the account (the access key id or SCP account id), not a secret.
    let env = |name: &str| std::env::var(name).unwrap_or_default();
    let account = format!("{}|{}", env("AWS_ACCESS_KEY_ID"), env("SCP_ACCOUNT_ID"));
    let identity = format!(
        "endpoint={}|region={}|profile={}|account={:016x}",
        endpoint.unwrap_or("default"),
        region.map_or_else(|| env("AWS_REGION"), str::to_owned),
        profile.map_or_else(|| env("AWS_PROFILE"), str::to_owned),
        fnv64(account.as_bytes())
    );
    Some(Use {
        store: Store::new(dir()?),
        prefix: format!("{}|{}|{identity}|{rest}", service.family, op.name),
        refresh: flag("refresh"),
        member,
        bounds: (start.0, end.0),
        period: Period {
            start: start.1,
            end: end.1,
        },
        items,
    })
}

/// Runs the call over the cache: closed whole months read from it, every gap fetched as
/// one request (all its pages, counted on `meter`), closed months written back; the
/// answer assembled the same way whatever came from where, so a rerun prints the same bytes.
pub async fn run(
    op: &OperationDef,
    u: &Use,
    request: &Json,
    config: &cloudcost_runtime::Config,
    meter: &mut Meter,
) -> Result<Json, Stop> {
    let other = |e: String| Stop::Call(crate::call::CallError::Other(e));
    let req: Value =
        serde_json::from_str(&request.to_compact()).map_err(|e| other(e.to_string()))?;
    let pieces = pieces(u.period);
    let key = |i: usize| format!("{}|{}|{}", u.prefix, pieces[i].start, pieces[i].end);
    let mut results: Vec<Option<Vec<Value>>> = vec![None; pieces.len()];
    let mut definitions: Option<Value> = None;
    for (i, piece) in pieces.iter().enumerate() {
        if !piece.whole || u.refresh {
            continue;
        }
        match u.store.get(&key(i)) {
            Lookup::Hit(v) => {
                results[i] = v.get("results").and_then(Value::as_array).cloned();
                definitions = definitions.or_else(|| v.get("definitions").cloned());
            }
            Lookup::Miss => {}
            Lookup::Corrupt(why) => warn(&format!("{why}; discarded, fetching it again")),
        }
    }
    let mut attributes = Vec::new();
    let mut i = 0;
    while i < pieces.len() {
        if results[i].is_some() {
            i += 1;
            continue;
        }
        let mut j = i;
        while j + 1 < pieces.len() && results[j + 1].is_none() {
            j += 1;
        }
        let mut gap = req.clone();
        gap[u.member] = json!({u.bounds.0.as_str(): pieces[i].start.to_string(), u.bounds.1.as_str(): pieces[j].end.to_string()});
        let pages = crate::groups::pages(op, &gap, config, meter).await?;
        let mut got: Vec<Vec<Value>> = vec![Vec::new(); j + 1 - i];
        let mut described = false;
        for page in &pages {
            definitions = definitions.or_else(|| page.get("GroupDefinitions").cloned());
            if let Some(Value::Array(a)) = page.get("DimensionValueAttributes") {
                described |= !a.is_empty();
                attributes.extend(a.iter().cloned());
            }
            for r in page
                .get(u.items)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(k) = piece_of(&pieces[i..=j], r) {
                    got[k].push(r.clone());
                }
            }
        }
        for (k, list) in got.into_iter().enumerate() {
            let at = i + k;
            let list = coalesce(list);
            // Attributes describe a page, not a month: such answers are not cached.
            if pieces[at].whole && !described && !list.is_empty() && closed(&list) {
                let entry = json!({"definitions": definitions, "results": list});
                if let Err(e) = u.store.put(&key(at), &entry) {
                    warn(&format!("could not write ({e}); the answer is not cached"));
                }
            }
            results[at] = Some(list);
        }
        i = j + 1;
    }
    let mut doc = serde_json::Map::new();
    if let Some(d) = definitions.filter(|d| !d.is_null()) {
        doc.insert("GroupDefinitions".into(), d);
    }
    doc.insert(
        u.items.into(),
        Value::Array(results.into_iter().flatten().flatten().collect()),
    );
    doc.insert("DimensionValueAttributes".into(), Value::Array(attributes));
    Json::parse(&Value::Object(doc).to_string()).map_err(|e| other(e.to_string()))
}

fn warn(message: &str) {
    eprintln!("cloudcost: cache: {message}");
}

/// `cloudcost cache`'s command.
pub fn command() -> Command {
    Command::new("cache")
        .about("Show or clear the cache of closed cost periods.")
        .long_about(format!(
            "Show or clear the cache of closed cost periods: whole months whose cost results are all closed (not Estimated), one file each, readable by you only. It lives in {DIR_VAR}, else $XDG_CACHE_HOME/cloudcost, else ~/.cache/cloudcost."
        ))
        .subcommand_required(true)
        .subcommand(Command::new("show").about("Where the cache is, its entries and their size."))
        .subcommand(Command::new("clear").about("Remove every entry."))
}

/// Runs `cloudcost cache show|clear`.
pub fn serve(m: &ArgMatches) -> i32 {
    let Some(dir) = dir() else {
        return fail(
            EXIT_FAILURE,
            "cache: no cache directory (set CLOUDCOST_CACHE_DIR or HOME)",
        );
    };
    let store = Store::new(&dir);
    match m.subcommand_name() {
        Some("clear") => match store.clear() {
            Ok(n) => {
                println!(
                    "removed {n} file{} from {}",
                    if n == 1 { "" } else { "s" },
                    dir.display()
                );
                EXIT_OK
            }
            Err(e) => fail(EXIT_FAILURE, &format!("cache clear: {e}")),
        },
        _ => {
            let s = store.summary();
            println!(
                "{}: {} entr{}, {} bytes{}",
                dir.display(),
                s.entries,
                if s.entries == 1 { "y" } else { "ies" },
                s.bytes,
                if s.unfinished > 0 {
                    format!(
                        ", {} unfinished write(s) (cleared by `cloudcost cache clear`)",
                        s.unfinished
                    )
                } else {
                    String::new()
                }
            );
            EXIT_OK
        }
    }
}

/// The message of a cached run the budget stopped.
pub fn stopped(s: &budget::Spending) -> String {
    let n = s.meter.sent();
    format!(
        "stopped by the budget after {n} request{}: {}; nothing is printed, but the closed \
         months fetched so far are cached, so running it again pays only for the rest; raise \
         the budget with --max-cost AMOUNT or --max-requests N",
        if n == 1 { "" } else { "s" },
        s.plan.budget.describe(s.plan.price.as_ref()),
    )
}

/// The plan of a call over the cache: the closed months it holds (read, not fetched) and
/// one request per gap between them, at the price and budget of `plain`.
pub fn plan(u: &Use, plain: &cloudcost_planner::Plan) -> cloudcost_planner::Plan {
    let pieces = pieces(u.period);
    let held: Vec<bool> = pieces
        .iter()
        .map(|p| {
            let key = format!("{}|{}|{}", u.prefix, p.start, p.end);
            if !p.whole || u.refresh {
                return false;
            }
            match u.store.get(&key) {
                Lookup::Hit(_) => true,
                Lookup::Miss => false,
                Lookup::Corrupt(why) => {
                    warn(&format!("{why}; discarded, fetching it again"));
                    false
                }
            }
        })
        .collect();
    let mut gaps = Vec::new();
    let mut cached = Vec::new();
    let mut i = 0;
    while i < pieces.len() {
        let span = |a: usize, b: usize| Period {
            start: pieces[a].start,
            end: pieces[b].end,
        };
        if held[i] {
            cached.push(span(i, i));
            i += 1;
            continue;
        }
        let mut j = i;
        while j + 1 < pieces.len() && !held[j + 1] {
            j += 1;
        }
        gaps.push(span(i, j));
        i = j + 1;
    }
    cloudcost_planner::Plan::over_cache(
        &plain.operation,
        plain.price.clone(),
        plain.budget.clone(),
        u.member,
        gaps,
        cached,
    )
}
