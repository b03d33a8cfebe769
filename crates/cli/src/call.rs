//! What the generated table (`generated/mod.rs`) is made of, and the generic helpers its
//! per-operation functions call: decode and validate a request, start a single call or a
//! page stream, and turn each typed page back into its wire JSON.

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use cloudcost_runtime::{Error, PageStream, PaginationError};
use cloudcost_types::{Validate, ValidationErrors};
use futures_util::{stream, Stream, StreamExt};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::json::Json;

/// One service of the specs.
#[derive(Debug)]
pub struct ServiceDef {
    /// The command name (`x-cloudcost-service/cliName`): `ce`.
    pub cli_name: &'static str,
    /// The API family: `aws-ce`.
    pub family: &'static str,
    /// The spec's title: `AWS Cost Explorer`.
    pub title: &'static str,
    /// How requests are signed, which decides where `--profile` reads credentials.
    pub auth: AuthMeta,
    /// Its operations, in spec order.
    pub operations: &'static [OperationDef],
}

/// The spec's `x-cloudcost-service/auth`, as the runtime describes it: SigV4 takes
/// credentials from the AWS chain, SCP HMAC from `SCP_*` or `~/.scp/credentials`.
pub use cloudcost_runtime::AuthMeta;

/// One operation.
pub struct OperationDef {
    /// The command name: `get-cost-and-usage`.
    pub cli_name: &'static str,
    /// The `operationId`: `GetCostAndUsage`.
    pub name: &'static str,
    /// One line for help.
    pub summary: &'static str,
    /// The exported JSON Schema of the request.
    pub request_schema: &'static str,
    /// The exported JSON Schema of the response.
    pub response_schema: &'static str,
    /// The spec's pagination members, if the operation pages.
    pub pagination: Option<Pagination>,
    /// Decodes the request, builds the client and starts the call.
    pub run: fn(Call) -> Result<WirePages, CallError>,
}

impl fmt::Debug for OperationDef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OperationDef")
            .field("cli_name", &self.cli_name)
            .field("name", &self.name)
            .field("pagination", &self.pagination)
            .finish_non_exhaustive()
    }
}

/// The spec's `x-cloudcost-pagination`, as the runtime describes it.
pub use cloudcost_runtime::meta::{OutputToken, Pagination};

/// The inputs of one operation call.
pub struct Call {
    /// The client configuration (endpoint, credentials, region).
    pub config: cloudcost_runtime::Config,
    /// The request in wire JSON, already structurally checked against its schema.
    pub request: Json,
    /// Follow pagination (`--all-pages`).
    pub all_pages: bool,
}

/// Each page of the response as wire JSON, in order.
pub type WirePages = Pin<Box<dyn Stream<Item = Result<Json, CallError>> + Send>>;

/// Why a call failed, sorted by what the user should do about it.
#[derive(Debug)]
pub enum CallError {
    /// The request is invalid; nothing was sent. One entry per problem, `path: message`.
    InvalidRequest(Vec<String>),
    /// The service answered with an error: the runtime's text names operation, code,
    /// message and request id.
    Api {
        /// The error code, if the service sent one.
        code: Option<String>,
        /// The full description.
        message: String,
    },
    /// Anything else: configuration, credentials, transport, timeouts, decoding.
    Other(String),
}

impl fmt::Display for CallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CallError::InvalidRequest(problems) => {
                write!(
                    f,
                    "invalid request, not sent ({} problem{}):",
                    problems.len(),
                    if problems.len() == 1 { "" } else { "s" }
                )?;
                for p in problems {
                    write!(f, "\n  {p}")?;
                }
                Ok(())
            }
            CallError::Api { message, .. } => f.write_str(message),
            CallError::Other(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for CallError {}

impl From<ValidationErrors> for CallError {
    fn from(errors: ValidationErrors) -> Self {
        CallError::InvalidRequest(errors.errors.iter().map(|e| e.to_string()).collect())
    }
}

/// The day [`request`] checks the spec's rules about today against (how far back each
/// granularity reaches), if any: set once per command by [`check_dates_at`].
static DATES_AT: std::sync::Mutex<Option<cloudcost_types::chrono::NaiveDate>> =
    std::sync::Mutex::new(None);

/// Makes [`request`] check the spec's rules about today against `day` (`None`: not at
/// all), as the client then does before sending; so `--plan` refuses what the call would.
pub fn check_dates_at(day: Option<cloudcost_types::chrono::NaiveDate>) {
    if let Ok(mut at) = DATES_AT.lock() {
        *at = day;
    }
}

/// How many values that do not decode are set aside to look for more problems.
const MAX_DECODE_PROBLEMS: usize = 16;

/// Decodes the typed request from its wire JSON (errors name the JSON path) and checks
/// every constraint, so that an invalid request fails before a client is even built.
///
/// The decoder stops at its first failure (a date that does not parse, say). To still
/// report every bad field, a failing member is removed and decoding tried again, until it
/// succeeds (then `validate()` adds the constraint violations of the rest) or a required
/// member or a list item is at fault (removing those would only add noise).
pub fn request<T: DeserializeOwned + Validate>(request: &Json) -> Result<T, CallError> {
    let mut attempt = request.clone();
    let mut problems = Vec::new();
    loop {
        match cloudcost_types::from_str::<T>(&attempt.to_compact()) {
            Ok(typed) => {
                let today = DATES_AT.lock().ok().and_then(|at| *at);
                let checked = match today {
                    Some(today) => typed.validate_at(today),
                    None => typed.validate(),
                };
                if let Err(errors) = checked {
                    problems.extend(errors.errors.iter().map(|e| e.to_string()));
                }
                if problems.is_empty() {
                    return Ok(typed);
                }
                return Err(CallError::InvalidRequest(problems));
            }
            Err(e) => {
                // The structural check already reported absent required members, so a
                // missing field now is one this loop removed.
                let missing_again = !problems.is_empty() && e.message.starts_with("missing field");
                if !missing_again {
                    problems.push(decode_problem(&e));
                }
                if missing_again
                    || problems.len() >= MAX_DECODE_PROBLEMS
                    || !remove_member(&mut attempt, &e.path)
                {
                    return Err(CallError::InvalidRequest(problems));
                }
            }
        }
    }
}

/// Removes the object member at a decode path (`a.b[2].c`); false when the path does not
/// end in an object member or does not lead anywhere.
fn remove_member(json: &mut Json, path: &str) -> bool {
    let mut segments: Vec<(&str, Vec<usize>)> = Vec::new();
    for part in path.split('.') {
        let (name, rest) = part.split_once('[').unwrap_or((part, ""));
        let indexes = rest
            .split('[')
            .filter(|s| !s.is_empty())
            .filter_map(|s| s.trim_end_matches(']').parse().ok())
            .collect();
        segments.push((name, indexes));
    }
    let Some((last, last_indexes)) = segments.pop() else {
        return false;
    };
    if last.is_empty() || !last_indexes.is_empty() {
        return false;
    }
    let mut node = json;
    for (name, indexes) in segments {
        let next = match node {
            Json::Object(members) => members.iter_mut().rev().find(|(k, _)| k == name),
            _ => None,
        };
        let Some((_, value)) = next else {
            return false;
        };
        node = value;
        for i in indexes {
            match node {
                Json::Array(items) if i < items.len() => node = &mut items[i],
                _ => return false,
            }
        }
    }
    let before = match node {
        Json::Object(members) => members.len(),
        _ => return false,
    };
    node.remove(last);
    matches!(node, Json::Object(members) if members.len() < before)
}

fn decode_problem(e: &cloudcost_types::DecodeError) -> String {
    // The byte offset is into text the CLI assembled, not anything the user typed: the
    // path is what helps.
    if e.path.is_empty() {
        e.message.clone()
    } else {
        format!("{}: {}", e.path, e.message)
    }
}

/// Maps a client that could not be built (no region, no credentials, bad endpoint).
pub fn build_error(e: cloudcost_runtime::BuildError) -> CallError {
    // One line with every cause: the top level alone ("could not load credentials")
    // would not say which variable or file is missing.
    CallError::Other(cloudcost_runtime::report(&e))
}

fn call_error<E: std::error::Error + 'static>(e: Error<E>) -> CallError {
    match &e {
        Error::Validation { errors, .. } => CallError::from(errors.clone()),
        Error::Service { meta, .. } | Error::UnknownService { meta } | Error::Http { meta, .. } => {
            CallError::Api {
                code: meta.code.clone(),
                message: e.to_string(),
            }
        }
        _ => CallError::Other(cloudcost_runtime::report(&e)),
    }
}

/// The wire JSON of a typed page. Serializing writes exact decimals; [`Json`] keeps them
/// exact and in wire order.
fn wire<P: Serialize>(page: &P) -> Result<Json, CallError> {
    let text = serde_json::to_string(page)
        .map_err(|e| CallError::Other(format!("could not encode the response: {e}")))?;
    Json::parse(&text).map_err(|e| CallError::Other(format!("could not re-read the response: {e}")))
}

/// One call's response as a stream of one page.
pub fn single<P, E, F>(call: F) -> WirePages
where
    F: Future<Output = Result<P, Error<E>>> + Send + 'static,
    P: Serialize,
    E: std::error::Error + 'static,
{
    Box::pin(stream::once(async move {
        let page = call.await.map_err(call_error)?;
        wire(&page)
    }))
}

/// Every page of a paged call, ending with the first failure.
pub fn pages<P, E>(pages: PageStream<P, Error<E>>) -> WirePages
where
    P: Serialize + 'static,
    E: std::error::Error + 'static,
{
    Box::pin(pages.map(|page| match page {
        Ok(page) => wire(&page),
        Err(PaginationError::Page(e)) => Err(call_error(e)),
        // A repeated token, the page limit, the stream deadline: the stream's own error
        // (the enum is non-exhaustive, new stops will come).
        Err(e) => Err(CallError::Other(e.to_string())),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use cloudcost_families::aws_ce_client::model::GetCostAndUsageRequest;
    use cloudcost_families::scp_ce_client::model::ListUsagesRequest;

    fn problems<T: DeserializeOwned + Validate + fmt::Debug>(json: &str) -> Vec<String> {
        match request::<T>(&Json::parse(json).unwrap()) {
            Err(CallError::InvalidRequest(p)) => p,
            other => panic!("expected an invalid request, got {other:?}"),
        }
    }

    #[test]
    fn every_bad_optional_value_and_every_constraint_is_reported() {
        let p = problems::<ListUsagesRequest>(
            r#"{"start_date": "2024-13-01", "end_date": "soon", "limit": 0}"#,
        );
        assert_eq!(p.len(), 3, "{p:?}");
        assert!(p[0].starts_with("start_date: "), "{p:?}");
        assert!(p[1].starts_with("end_date: "), "{p:?}");
        assert!(p[2].starts_with("limit: "), "{p:?}");
    }

    #[test]
    fn a_bad_required_value_is_reported_once() {
        let p = problems::<GetCostAndUsageRequest>(
            r#"{"TimePeriod": {"Start": "2017-09-01", "End": "x"}, "Granularity": "DAILY", "Metrics": []}"#,
        );
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].starts_with("TimePeriod.End: "), "{p:?}");
    }

    #[test]
    fn remove_member_follows_paths() {
        let mut j = Json::parse(r#"{"a":[{"b":1,"c":2}],"d":3}"#).unwrap();
        assert!(remove_member(&mut j, "a[0].b"));
        assert_eq!(j.to_compact(), r#"{"a":[{"c":2}],"d":3}"#);
        assert!(!remove_member(&mut j, "a[0]"));
        assert!(!remove_member(&mut j, "a[5].c"));
        assert!(!remove_member(&mut j, "x.y"));
        assert!(remove_member(&mut j, "d"));
        assert_eq!(j.to_compact(), r#"{"a":[{"c":2}]}"#);
    }
}
