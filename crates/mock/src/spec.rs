//! The shape of the generated tables (`generated/`): what the mock knows of each service,
//! all of it written by `cargo xtask regenerate` from the specs.

use serde::de::DeserializeOwned;
use serde::Serialize;

use cloudcost_types::Validate;

/// One API family.
#[derive(Debug)]
pub struct ServiceSpec {
    /// `aws-ce`, `aws-inspector2`, `scp-ce`.
    pub family: &'static str,
    /// Human name, for messages.
    pub title: &'static str,
    pub protocol: Protocol,
    pub auth: AuthMeta,
    /// Errors any operation may answer that no operation models.
    pub common_errors: &'static [CommonError],
    /// Where error bodies state their code, message and request id: the mock writes them
    /// at the first pointer of each list, which is where clients look first.
    pub error_body: cloudcost_runtime::ErrorBodyMeta,
    /// Every modeled error shape of the service.
    pub error_shapes: &'static [ErrorShape],
    /// The answer to each situation no operation models.
    pub errors_for: ErrorsFor,
    pub operations: &'static [OperationSpec],
    /// What each request costs, if the service bills for API calls (the spec's
    /// `x-cloudcost-service.billing`): the mock counts billable requests by it.
    pub billing: Option<Billing>,
}

/// The price of one request.
#[derive(Debug)]
pub struct Billing {
    /// Decimal text (`0.01`).
    pub per_request: &'static str,
    /// ISO 4217 (`USD`).
    pub currency: &'static str,
}

/// The wire protocol, which decides routing and the shape of errors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    AwsJson1_1,
    RestJson1,
    ScpRest,
}

/// How requests are authenticated: the clients' own description.
pub use cloudcost_runtime::AuthMeta;

/// An error no operation models (AWS "Common Errors").
#[derive(Debug)]
pub struct CommonError {
    pub code: &'static str,
    pub status: u16,
}

/// A modeled error shape.
pub struct ErrorShape {
    pub code: &'static str,
    pub status: u16,
    /// Its JSON Schema (`schemas/<family>/<Shape>.json`).
    pub schema: &'static str,
    /// Decodes a generated body into the model type and encodes it back: the wire form.
    pub encode: Encode,
    /// Members bound to response headers: (member, header).
    pub headers: &'static [(&'static str, &'static str)],
}

impl std::fmt::Debug for ErrorShape {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ErrorShape")
            .field("code", &self.code)
            .field("status", &self.status)
            .finish_non_exhaustive()
    }
}

/// Which error answers each situation.
#[derive(Debug)]
pub struct ErrorsFor {
    pub invalid_request: Answer,
    pub missing_auth: Answer,
    pub bad_signature: Answer,
    pub throttled: Answer,
    pub internal: Answer,
    pub unavailable: Answer,
    pub invalid_token: Answer,
    pub changed_request: Answer,
}

/// An error answer: its code, fixed member values (JSON text) and the member listing
/// invalid fields.
#[derive(Clone, Copy, Debug)]
pub struct Answer {
    pub code: &'static str,
    pub members: &'static [(&'static str, &'static str)],
    pub field_list: Option<&'static str>,
}

/// Checks a request body: decodes it into the model type and validates it.
pub type Check = fn(&[u8]) -> Result<(), Vec<Violation>>;
/// Turns a JSON value into the wire bytes of a model type.
pub type Encode = fn(serde_json::Value) -> Result<Vec<u8>, String>;

/// One operation.
pub struct OperationSpec {
    pub name: &'static str,
    pub method: &'static str,
    pub path: &'static str,
    /// awsJson1.1 `X-Amz-Target`.
    pub target: Option<&'static str>,
    pub request_schema: &'static str,
    pub response_schema: &'static str,
    pub check_request: Check,
    pub encode_response: Encode,
    /// The documented response examples, verbatim.
    pub examples: &'static [&'static str],
    /// The documented request examples, verbatim, in the order of `examples`: the ledger
    /// dataset serves a documented response for its documented request.
    pub request_examples: &'static [&'static str],
    pub pagination: Option<Pagination>,
    /// Codes of the operation's modeled errors.
    pub errors: &'static [&'static str],
    /// What the operation asks of a ledger (the spec's `x-cloudcost-query`), if anything.
    pub query: Option<QuerySpec>,
}

/// An operation's query: its kind and which request member plays each role.
#[derive(Debug)]
pub struct QuerySpec {
    /// `costAndUsage`, `reservationUtilization`, `usageTotals`, `freeTrials`, `usages`.
    pub kind: &'static str,
    /// (role, request member), e.g. `("period", "TimePeriod")`.
    pub members: &'static [(&'static str, &'static str)],
}

impl QuerySpec {
    /// The request member that plays `role`, if the spec names one.
    pub fn member(&self, role: &str) -> Option<&'static str> {
        self.members
            .iter()
            .find(|(r, _)| *r == role)
            .map(|(_, m)| *m)
    }
}

impl std::fmt::Debug for OperationSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OperationSpec")
            .field("name", &self.name)
            .field("method", &self.method)
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// An operation's paging members, as the runtime describes them.
pub use cloudcost_runtime::meta::{OutputToken, Pagination};

/// One invalid field of a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// Wire path (`TimePeriod.Start`); empty for the whole body.
    pub field: String,
    pub message: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.field.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.field, self.message)
        }
    }
}

/// [`Check`] for a model type: every decoding error names its path and byte offset, and
/// every violated constraint is listed.
pub fn check<T: DeserializeOwned + Validate>(body: &[u8]) -> Result<(), Vec<Violation>> {
    let value: T = cloudcost_types::json::from_slice(body).map_err(|e| {
        vec![Violation {
            field: e.path.clone(),
            message: format!("{} (byte offset {})", e.message, e.offset),
        }]
    })?;
    value.validate().map_err(|errors| {
        errors
            .errors
            .into_iter()
            .map(|e| Violation {
                field: e.path,
                message: e.message,
            })
            .collect()
    })
}

/// [`Encode`] for a model type. Going through the type is what puts each value in its
/// API's wire form (decimals as strings or numbers, epoch seconds) and proves that what
/// the mock serves is something the model decodes.
pub fn encode<T: DeserializeOwned + Serialize>(
    value: serde_json::Value,
) -> Result<Vec<u8>, String> {
    let typed: T = serde_json::from_value(value).map_err(|e| e.to_string())?;
    serde_json::to_vec(&typed).map_err(|e| e.to_string())
}
