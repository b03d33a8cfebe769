//! Static descriptions of a service and its operations, written by the generator from the
//! spec. The runtime reads them; it never matches on a service's name.

/// How a service authenticates requests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthMeta {
    /// AWS Signature Version 4.
    SigV4 {
        /// The signing name (`ce`, `inspector2`).
        signing_name: &'static str,
        /// A region the service always signs for (Cost Explorer: `us-east-1`), whatever the
        /// client's region.
        signing_region: Option<&'static str>,
    },
    /// Samsung Cloud Platform HMAC headers.
    ScpHmac {
        /// The `Scp-Api-Version` value, e.g. `costexplorer 1.0`.
        api_version: &'static str,
    },
}

/// Where a failed response's error code comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorCodeSource {
    /// AWS JSON protocols: `X-Amzn-ErrorType`, else the body's `__type` / `code`.
    AwsJson,
    /// The HTTP status alone, looked up in the operation's error list (SCP).
    HttpStatus,
}

/// A service, as the generated client describes it.
#[derive(Debug)]
pub struct ServiceMeta {
    /// Human name, for messages (`AWS Cost Explorer`).
    pub title: &'static str,
    /// Default endpoint template, e.g. `https://inspector2.{region}.amazonaws.com`.
    pub endpoint: &'static str,
    /// The template's variables other than `region` (filled from the client's region).
    pub endpoint_variables: &'static [EndpointVariable],
    /// Authentication scheme.
    pub auth: AuthMeta,
    /// Error code source.
    pub error_codes: ErrorCodeSource,
    /// Errors any operation may answer that none models (AWS "Common Errors", SCP's 401,
    /// 429, 5xx): for status-coded services, how a status becomes a code.
    pub common_errors: &'static [ModeledError],
    /// Where an error body states its details.
    pub error_body: ErrorBodyMeta,
}

/// Where a service's error bodies state their details, as lists of JSON pointers
/// (RFC 6901) tried in order; the first that names a non-empty string wins. Object keys
/// match exactly first, then ignoring ASCII case (a Cost Explorer error has been seen with
/// `message` where the model says `Message`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ErrorBodyMeta {
    /// The service's own code for the error, where the body states one apart from the
    /// code that picks the typed error (SCP: `/errors/0/code`).
    pub code: &'static [&'static str],
    /// The human-readable message.
    pub message: &'static [&'static str],
    /// The request id, when the body carries one (headers are read too).
    pub request_id: &'static [&'static str],
}

/// A variable of the endpoint template (an OpenAPI server variable), e.g. SCP's
/// `environment` in `https://costexplorer.{environment}.samsungsdscloud.com`.
///
/// Its value is, first match wins: the client's [`ConfigBuilder::endpoint_variable`]
/// setting, the environment variable [`env`](Self::env) names, the default.
///
/// [`ConfigBuilder::endpoint_variable`]: crate::ConfigBuilder::endpoint_variable
#[derive(Debug)]
pub struct EndpointVariable {
    /// The name inside `{}` in the template.
    pub name: &'static str,
    /// The spec's default.
    pub default: &'static str,
    /// The values the spec allows; empty when any value goes.
    pub allowed: &'static [&'static str],
    /// The environment variable that sets it (`SCP_ENVIRONMENT`), if any.
    pub env: Option<&'static str>,
}

/// One modeled error of an operation.
#[derive(Debug)]
pub struct ModeledError {
    /// The wire error code.
    pub code: &'static str,
    /// Its HTTP status.
    pub status: u16,
    /// Retried by the client.
    pub retryable: bool,
    /// A throttling error (retried, and counted as throttling).
    pub throttling: bool,
}

/// One operation, as the generated client describes it.
#[derive(Debug)]
pub struct OperationMeta {
    /// Operation name (`GetCostAndUsage`).
    pub name: &'static str,
    /// HTTP method.
    pub method: &'static str,
    /// Request path.
    pub path: &'static str,
    /// Fixed request headers (`Content-Type`, `X-Amz-Target`).
    pub headers: &'static [(&'static str, &'static str)],
    /// The modeled errors.
    pub errors: &'static [ModeledError],
}

impl OperationMeta {
    /// Codes of the modeled errors that are retried (throttling ones included).
    pub(crate) fn retryable_codes(&self) -> Vec<&'static str> {
        self.errors
            .iter()
            .filter(|e| e.retryable || e.throttling)
            .map(|e| e.code)
            .collect()
    }

    /// Codes of the modeled throttling errors.
    pub(crate) fn throttling_codes(&self) -> Vec<&'static str> {
        self.errors
            .iter()
            .filter(|e| e.throttling)
            .map(|e| e.code)
            .collect()
    }
}

/// An operation's paging members, as the spec's `x-cloudcost-pagination` names them; the
/// mock server's and the CLI's generated tables carry one per paged operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pagination {
    /// The request member that carries the token.
    pub input_token: &'static str,
    /// Where the next token comes from.
    pub output_token: OutputToken,
    /// The request member that bounds a page, if any.
    pub page_size: Option<&'static str>,
    /// The response member holding the page's items.
    pub items: &'static str,
}

/// Where a page's next token comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputToken {
    /// This response member.
    Member(&'static str),
    /// This member of the page's last item (SCP markers).
    FromLastItem(&'static str),
}
