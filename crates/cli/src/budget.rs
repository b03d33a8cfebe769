//! What a call will cost, before and while it runs: `--plan` (the requests it would send,
//! their pages and cost, printed and nothing sent), the budget (`--max-requests`,
//! `--max-cost`, and the default for billable operations) counted between pages, and
//! `--period` presets. The facts come from the generated tables (the price from the spec's
//! `x-cloudcost-service.billing`, the period member from `x-cloudcost-query`); the
//! arithmetic is the library's (`cloudcost_planner`).

use clap::{Arg, ArgAction, ArgMatches};
use cloudcost_planner::period::PRESETS;
use cloudcost_planner::{
    Budget, Clock, FixedClock, Meter, Period, Plan, Preset, Price, SystemClock,
};
use cloudcost_types::chrono::NaiveDate;

use crate::call::{OperationDef, ServiceDef};
use crate::json::Json;
use crate::resume::Resume;
use crate::schema::{Kind, Schema};

/// The flags of this room, which member flags must not shadow.
pub const FLAGS: [&str; 4] = ["plan", "max-requests", "max-cost", "period"];

/// The environment variable that fixes today's date for `--period` (tests, reruns of a
/// report as of a day): `YYYY-MM-DD`, UTC.
pub const TODAY_VAR: &str = "CLOUDCOST_TODAY";

/// The spec's price of a request of `service`, if it bills requests.
pub fn price(service: &ServiceDef) -> Result<Option<Price>, String> {
    let spec = cloudcost_mock::services()
        .iter()
        .find(|s| s.family == service.family);
    match spec.and_then(|s| s.billing.as_ref()) {
        None => Ok(None),
        Some(b) => Price::from_spec(b.per_request, b.currency)
            .map(Some)
            .map_err(|e| format!("{}: {e}", service.family)),
    }
}

/// The request member that holds the operation's time period (the spec's
/// `x-cloudcost-query` role `period`), if it has one.
pub fn period_member(service: &ServiceDef, op: &OperationDef) -> Option<&'static str> {
    query_member(service, op, "period")
}

/// The request member of a role of the spec's `x-cloudcost-query`, if it names one.
pub fn query_member(service: &ServiceDef, op: &OperationDef, role: &str) -> Option<&'static str> {
    query(service, op)?.member(role)
}

/// The spec's `x-cloudcost-query` kind of the operation (`costAndUsage`), if any.
pub fn query_kind(service: &ServiceDef, op: &OperationDef) -> Option<&'static str> {
    Some(query(service, op)?.kind)
}

fn query(
    service: &ServiceDef,
    op: &OperationDef,
) -> Option<&'static cloudcost_mock::spec::QuerySpec> {
    cloudcost_mock::services()
        .iter()
        .find(|s| s.family == service.family)?
        .operations
        .iter()
        .find(|o| o.name == op.name)?
        .query
        .as_ref()
}

/// The flags of this room for an operation: `--plan` and the budget on every operation,
/// `--period` where the operation has a period member.
pub fn args(service: &ServiceDef, op: &OperationDef) -> Vec<Arg> {
    let mut args = vec![
        Arg::new("plan")
            .long("plan")
            .action(ArgAction::SetTrue)
            .help("Print the requests this command would send, their pages (at least, at most) and their cost at the spec's price, and the budget; send nothing."),
        Arg::new("max-requests")
            .long("max-requests")
            .value_name("N")
            .value_parser(clap::value_parser!(u64).range(1..))
            .help("Send at most N requests (pages). At the limit the run stops: the rows already fetched are written, the continuation is printed (--starting-token), and the exit status is 4."),
        Arg::new("max-cost")
            .long("max-cost")
            .value_name("AMOUNT")
            .allow_negative_numbers(true)
            .help(format!("Spend at most AMOUNT (in the service's currency) on requests, at the spec's price per request; as --max-requests otherwise. Billable operations default to --max-cost {}.", cloudcost_planner::DEFAULT_MAX_COST)),
    ];
    if let Some(member) = period_member(service, op) {
        args.push(
            Arg::new("period")
                .long("period")
                .value_name("PRESET")
                .help(format!("Set `{member}` to a named period, resolved in UTC and printed by --plan: {PRESETS}. Ends are exclusive (last-month ends on the 1st of this month).")),
        );
    }
    args
}

/// The plan of one call and the meter that holds it to its budget.
pub struct Spending {
    /// What the call will send and cost.
    pub plan: Plan,
    /// The count of its requests.
    pub meter: Meter,
}

/// Sets the period member from `--period`, if given: before the request is checked, so
/// that the preset satisfies a required period.
pub fn apply_period(
    service: &ServiceDef,
    op: &OperationDef,
    m: &ArgMatches,
    request: &mut Json,
) -> Result<(), String> {
    if let (Some(member), Some(preset)) = (period_member(service, op), text(m, "period")) {
        let preset = Preset::parse(&preset).map_err(|e| format!("--period: {e}"))?;
        if request.get(member).is_some() {
            return Err(format!(
                "--period: the request already sets `{member}` (a member flag or --input-json); give one of them"
            ));
        }
        let (start, end) = period_bounds(op, member)
            .ok_or_else(|| format!("--period: `{member}` is not a structure of two dates"))?;
        let period = preset.resolve(clock()?.as_ref());
        let mut value = Json::Object(Vec::new());
        value.set(start, Json::String(period.start.to_string()));
        value.set(end, Json::String(period.end.to_string()));
        request.set(member, value);
    }
    Ok(())
}

/// Plans the call: the price, the budget from the flags (or the default), the period the
/// request asks for, and whether pages are followed.
pub fn prepare(
    service: &ServiceDef,
    op: &OperationDef,
    m: &ArgMatches,
    request: &Json,
    follow_pages: bool,
) -> Result<Spending, String> {
    let price = price(service)?;
    let member = period_member(service, op);
    let period = member.and_then(|member| {
        let (start, end) = period_bounds(op, member)?;
        let value = request.get(member)?;
        let day = |name| match value.get(name) {
            Some(Json::String(s)) => NaiveDate::parse_from_str(s, "%Y-%m-%d").ok(),
            _ => None,
        };
        Some((
            member.to_string(),
            Period {
                start: day(start)?,
                end: day(end)?,
            },
        ))
    });
    let max_requests = m.try_get_one::<u64>("max-requests").ok().flatten().copied();
    let max_cost = match text(m, "max-cost") {
        None => None,
        Some(t) => Some(Budget::parse_cost(&t).map_err(|e| format!("--max-cost: {e}"))?),
    };
    let budget = if max_requests.is_none() && max_cost.is_none() {
        Budget::default_for(price.as_ref())
    } else {
        Budget {
            max_requests,
            max_cost,
            is_default: false,
        }
    };
    let meter = Meter::new(&budget, price.clone());
    Ok(Spending {
        plan: Plan::single(op.name, price, budget, period, follow_pages),
        meter,
    })
}

/// The period member's start and end members: its schema's first two members, both
/// strings (a `DateInterval`'s `Start` and `End`).
fn period_bounds(op: &OperationDef, member: &str) -> Option<(&'static str, &'static str)> {
    let schema = Schema::parse(op.request_schema).ok()?;
    let Kind::Struct { members, .. } = schema.root().kind() else {
        return None;
    };
    let (_, node) = members.iter().find(|(name, _)| *name == member)?;
    let Kind::Struct { members, .. } = node.kind() else {
        return None;
    };
    match members.as_slice() {
        [(start, a), (end, b), ..]
            if matches!(a.kind(), Kind::String { .. })
                && matches!(b.kind(), Kind::String { .. }) =>
        {
            // The schema text lives as long as the table; the names are copied once.
            Some((leak(start), leak(end)))
        }
        _ => None,
    }
}

fn leak(s: &str) -> &'static str {
    Box::leak(s.to_string().into_boxed_str())
}

/// Whether `--period` was given.
pub fn preset_given(m: &ArgMatches) -> bool {
    text(m, "period").is_some()
}

fn text(m: &ArgMatches, id: &str) -> Option<String> {
    m.try_get_one::<String>(id).ok().flatten().cloned()
}

/// `CLOUDCOST_TODAY`, if set.
fn today_override() -> Result<Option<NaiveDate>, String> {
    match std::env::var(TODAY_VAR) {
        Ok(day) if !day.is_empty() => NaiveDate::parse_from_str(&day, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| format!("{TODAY_VAR}: expected a date YYYY-MM-DD, found `{day}`")),
        _ => Ok(None),
    }
}

/// Today: `CLOUDCOST_TODAY` when set, else the system clock (UTC).
fn clock() -> Result<Box<dyn Clock>, String> {
    Ok(match today_override()? {
        Some(d) => Box::new(FixedClock(d)),
        None => Box::new(SystemClock),
    })
}

/// The day [`date_rules`] stands for, if any.
pub fn date_rules_day(custom_endpoint: bool) -> Result<Option<NaiveDate>, String> {
    use cloudcost_runtime::DateRules;
    Ok(match date_rules(custom_endpoint)? {
        DateRules::At(day) => Some(day),
        DateRules::SystemClock => Some(SystemClock.today()),
        _ => None,
    })
}

/// Which day requests are checked against for the spec's rules about today (how far back
/// each granularity reaches): `CLOUDCOST_TODAY` when set, whatever the endpoint; else the
/// system clock against the service's own endpoint, and none against `--endpoint-url` or
/// `--mock` (their data may have any dates).
pub fn date_rules(custom_endpoint: bool) -> Result<cloudcost_runtime::DateRules, String> {
    use cloudcost_runtime::DateRules;
    Ok(match today_override()? {
        Some(day) => DateRules::At(day),
        None if custom_endpoint => DateRules::Off,
        None => DateRules::SystemClock,
    })
}

/// What `--plan` prints: the plan, and that nothing was sent.
pub fn plan_text(s: &Spending) -> String {
    format!("{}nothing was sent (--plan)\n", s.plan)
}

/// The message of a run the budget stopped, with the continuation.
pub fn stopped(s: &Spending, resume: &Resume) -> String {
    let spent = match s.meter.spent() {
        Some((amount, currency)) => format!(" ({amount} {currency})"),
        None => String::new(),
    };
    let n = s.meter.sent();
    format!(
        "stopped by the budget after {n} request{}{spent}: {}. What was fetched is written; \
         continue with --starting-token {}; raise the budget with --max-cost AMOUNT or --max-requests N",
        if n == 1 { "" } else { "s" },
        s.plan.budget.describe(s.plan.price.as_ref()),
        resume.encode()
    )
}
