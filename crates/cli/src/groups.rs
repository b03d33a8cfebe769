//! `--group-by` more than twice: the query is split by the library
//! (`cloudcost_planner::groups`) into a discovery request and one request per value of the
//! extra keys, each page counted against the budget, and the answers joined into one
//! response whose groups carry every key, printed as a single call's would be.

use cloudcost_planner::groups::{GroupSplit, Roles};
use cloudcost_planner::Meter;
use futures_util::StreamExt;

use crate::budget;
use crate::call::{Call, CallError, OperationDef, ServiceDef};
use crate::json::Json;
use crate::resume::next_page_token;

/// The query kind whose answers a split joins (periods holding `Groups` with `Keys`).
const KIND: &str = "costAndUsage";

/// The members a split of this operation reads, if it can be split.
pub fn roles(service: &ServiceDef, op: &OperationDef) -> Option<Roles<'static>> {
    if budget::query_kind(service, op) != Some(KIND) {
        return None;
    }
    Some(Roles {
        group_by: budget::query_member(service, op, "groupBy")?,
        filter: budget::query_member(service, op, "filter")?,
        periods: op.pagination.as_ref()?.items,
    })
}

/// The split of the request, when it groups by more than two keys.
pub fn split(
    service: &ServiceDef,
    op: &OperationDef,
    request: &Json,
) -> Result<Option<(GroupSplit, Roles<'static>)>, String> {
    let Some(roles) = roles(service, op) else {
        return Ok(None);
    };
    let value = to_value(request)?;
    Ok(GroupSplit::of(&value, roles)
        .map_err(|e| format!("--group-by: {e}"))?
        .map(|s| (s, roles)))
}

/// Takes the groupings past the second out of the request (so that it passes the
/// structural check of one request) and returns the whole list, to put back once checked.
pub fn set_aside(service: &ServiceDef, op: &OperationDef, request: &mut Json) -> Option<Json> {
    let member = roles(service, op)?.group_by;
    let Some(Json::Array(groups)) = request.get(member) else {
        return None;
    };
    if groups.len() <= cloudcost_planner::groups::MAX_GROUPS {
        return None;
    }
    let all = Json::Array(groups.clone());
    let kept = groups[..cloudcost_planner::groups::MAX_GROUPS].to_vec();
    request.set(member, Json::Array(kept));
    Some(all)
}

/// Why a split query stopped.
pub enum Stop {
    /// A request failed.
    Call(CallError),
    /// The budget allows no further request.
    Budget,
}

/// Runs the split query: the discovery request, then one per combination of values, every
/// page counted on `meter`; returns the joined response.
pub async fn run(
    op: &OperationDef,
    split: &GroupSplit,
    roles: Roles<'static>,
    request: &Json,
    config: &cloudcost_runtime::Config,
    meter: &mut Meter,
) -> Result<Json, Stop> {
    let request = to_value(request).map_err(|e| Stop::Call(CallError::Other(e)))?;
    let discovery = pages(op, &split.discovery(&request, roles), config, meter).await?;
    let combinations = split.combinations(&discovery, roles);
    // Each needs a request at least: stop now rather than pay for a part of them.
    let needed = meter.sent() + u64::try_from(combinations.len()).unwrap_or(u64::MAX);
    if meter.allowed().is_some_and(|allowed| needed > allowed) {
        return Err(Stop::Budget);
    }
    let mut answers = Vec::new();
    for combination in combinations {
        let filtered = split.filtered(&request, &combination, roles);
        answers.push((combination, pages(op, &filtered, config, meter).await?));
    }
    let joined = split.join(&discovery, &answers, roles);
    Json::parse(&joined.to_string())
        .map_err(|e| Stop::Call(CallError::Other(format!("joining the answers: {e}"))))
}

/// Every page of one request, within the budget.
pub(crate) async fn pages(
    op: &OperationDef,
    request: &serde_json::Value,
    config: &cloudcost_runtime::Config,
    meter: &mut Meter,
) -> Result<Vec<serde_json::Value>, Stop> {
    if !meter.may_send() {
        return Err(Stop::Budget);
    }
    let request = Json::parse(&request.to_string())
        .map_err(|e| Stop::Call(CallError::Other(e.to_string())))?;
    let mut stream = (op.run)(Call {
        config: config.clone(),
        request: request.clone(),
        all_pages: true,
    })
    .map_err(Stop::Call)?;
    let mut out = Vec::new();
    loop {
        let page = match stream.next().await {
            None => return Ok(out),
            Some(page) => {
                meter.record();
                page.map_err(Stop::Call)?
            }
        };
        let next = op
            .pagination
            .as_ref()
            .and_then(|p| next_page_token(&page, p, &request));
        out.push(to_value(&page).map_err(|e| Stop::Call(CallError::Other(e)))?);
        if next.is_some() && !meter.may_send() {
            return Err(Stop::Budget);
        }
    }
}

fn to_value(json: &Json) -> Result<serde_json::Value, String> {
    serde_json::from_str(&json.to_compact()).map_err(|e| format!("re-reading JSON: {e}"))
}

/// Prints a joined response as a single call's: its wire JSON, or its rows.
pub fn print(
    joined: &Json,
    format: crate::output::Format,
    schema: Option<&crate::schema::Schema>,
    pagination: Option<&crate::call::Pagination>,
) -> Result<(), String> {
    use std::io::Write;
    let written = match (format, schema) {
        (crate::output::Format::Json, _) | (_, None) => {
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(joined.to_pretty().as_bytes())
                .and_then(|()| stdout.flush())
        }
        (format, Some(schema)) => {
            let table = crate::output::flatten(joined, schema.root(), pagination)
                .map_err(|e| format!("--output {}: {e}", format.name()))?;
            let mut writer =
                crate::output::RowWriter::new(std::io::BufWriter::new(std::io::stdout()), format);
            match writer.page(&table) {
                Ok(()) => Ok(()),
                Err(crate::output::RowError::Io(e)) => Err(e),
                Err(e) => return Err(format!("--output {}: {e}", format.name())),
            }
        }
    };
    match written {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(format!("could not write the output: {e}")),
    }
}

/// The message of a split query the budget stopped: nothing is printed, since a joined
/// answer with values missing would mislead.
pub fn stopped(s: &budget::Spending) -> String {
    let n = s.meter.sent();
    let spent = match s.meter.spent() {
        Some((amount, currency)) => format!(" ({amount} {currency})"),
        None => String::new(),
    };
    format!(
        "stopped by the budget after {n} request{}{spent}: {}; a query past two groupings is \
         joined only once every value is fetched, so nothing is printed. See the requests it \
         needs with --plan; raise the budget with --max-cost AMOUNT or --max-requests N",
        if n == 1 { "" } else { "s" },
        s.plan.budget.describe(s.plan.price.as_ref()),
    )
}
