//! The intermediate representation: what the specs mean, with every `$ref` resolved and
//! every fact checked. Emitters read only this, never the YAML.

use std::collections::BTreeMap;

/// One API family, from one spec file.
#[derive(Clone, Debug)]
pub struct Service {
    /// Spec path relative to the workspace root, e.g. `specs/aws-ce.yaml`.
    pub spec_path: String,
    /// Family name used for crate and schema directory names, e.g. `aws-ce`.
    pub family: String,
    /// The service's name on the `cloudcost` command line, e.g. `ce` (`x-cloudcost-service/cliName`).
    pub cli_name: String,
    pub title: String,
    pub version: String,
    pub docs: Option<String>,
    pub protocol: Protocol,
    pub auth: Auth,
    /// awsJson1.1 `X-Amz-Target` prefix.
    pub target_prefix: Option<String>,
    pub endpoint: Endpoint,
    /// The official model this spec is checked against, if any.
    pub reference: Option<Reference>,
    /// What each request costs, when the service bills for its API calls
    /// (`x-cloudcost-service.billing`; Cost Explorer: $0.01 a request).
    pub billing: Option<Billing>,
    pub operations: Vec<Operation>,
    /// Named shapes, by name (sorted: output must not depend on YAML order).
    pub shapes: BTreeMap<String, Shape>,
    /// Errors any operation may answer that no operation models (AWS "Common Errors").
    pub common_errors: Vec<ErrorInfo>,
    /// Which error the service answers in each situation no operation's list covers.
    pub errors_for: ErrorsFor,
    /// Where an error body states its code, message and request id.
    pub error_body: ErrorBody,
    /// The documented rules no JSON Schema keyword of the spec states
    /// (`x-cloudcost-rules`), by structure name.
    pub rules: BTreeMap<String, Vec<Rule>>,
    /// The spec document itself, as read (YAML into JSON, in spec order), for the one
    /// emitter that re-exports the spec rather than what it means (`emit::openapi`).
    pub document: serde_json::Value,
}

/// Where an error response's body states its details (`x-cloudcost-service/errorBody`):
/// JSON pointers tried in order, the first that names a string wins. Services disagree
/// (AWS: `/message`; SCP: `/errors/0/detail` in its envelope, `/message` from its gateway,
/// `/0/msg` from FastAPI-style services), so this is spec data, not runtime code.
#[derive(Clone, Debug, Default)]
pub struct ErrorBody {
    /// The service's own error code, where the body states one apart from the code that
    /// picks the typed error (SCP: `/errors/0/code`). Empty for AWS, whose code comes from
    /// `X-Amzn-ErrorType` / `__type`.
    pub code: Vec<String>,
    pub message: Vec<String>,
    pub request_id: Vec<String>,
}

/// The situations a server meets outside any one operation's model, and the error the
/// service answers in each. The mock server answers exactly these.
#[derive(Clone, Debug, Default)]
pub struct ErrorsFor {
    /// The request does not decode or violates a constraint.
    pub invalid_request: SituationError,
    /// The request carries no credentials.
    pub missing_auth: SituationError,
    /// The credentials or signature do not verify.
    pub bad_signature: SituationError,
    /// Too many requests.
    pub throttled: SituationError,
    /// An internal failure.
    pub internal: SituationError,
    /// The service is unavailable.
    pub unavailable: SituationError,
    /// A pagination token the service did not issue.
    pub invalid_token: SituationError,
    /// A pagination token issued for a different request.
    pub changed_request: SituationError,
}

impl ErrorsFor {
    /// Every situation with its spec key, in spec order.
    pub fn all(&self) -> [(&'static str, &SituationError); 8] {
        [
            ("invalidRequest", &self.invalid_request),
            ("missingAuth", &self.missing_auth),
            ("badSignature", &self.bad_signature),
            ("throttled", &self.throttled),
            ("internal", &self.internal),
            ("unavailable", &self.unavailable),
            ("invalidToken", &self.invalid_token),
            ("changedRequest", &self.changed_request),
        ]
    }
}

/// The error answered in one situation.
#[derive(Clone, Debug, Default)]
pub struct SituationError {
    /// The wire error code.
    pub code: String,
    /// The modeled error shape with that code, or `None` for a common error.
    pub shape: Option<String>,
    /// Members with fixed values (e.g. Inspector2's `reason: FIELD_VALIDATION_FAILED`).
    pub members: BTreeMap<String, serde_json::Value>,
    /// A list member of `{name, message}` structures that lists each invalid field.
    pub field_list: Option<String>,
}

impl Service {
    /// Names of the structures and enums reachable from `root`, `root` included, sorted.
    pub fn closure(&self, root: &str) -> Vec<String> {
        let mut seen = std::collections::BTreeSet::new();
        let mut stack = vec![root.to_string()];
        while let Some(name) = stack.pop() {
            if !seen.insert(name.clone()) {
                continue;
            }
            if let Some(Shape {
                kind: ShapeKind::Structure(s),
                ..
            }) = self.shapes.get(&name)
            {
                for m in &s.members {
                    m.ty.visit_named(&mut |n| stack.push(n.to_string()));
                }
            }
        }
        seen.into_iter().collect()
    }

    /// The structure named `name`, if it is one.
    pub fn structure(&self, name: &str) -> Option<&Structure> {
        match self.shapes.get(name).map(|s| &s.kind) {
            Some(ShapeKind::Structure(s)) => Some(s),
            _ => None,
        }
    }
}

/// The wire protocol. Each protocol's rules (media type, routing) live here and nowhere else.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    /// `POST /`, `X-Amz-Target`, `application/x-amz-json-1.1`.
    AwsJson1_1,
    /// HTTP bindings per operation, `application/json`.
    RestJson1,
    /// Samsung Cloud Platform Open API: REST with query parameters, HMAC headers.
    ScpRest,
}

impl Protocol {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "awsJson1_1" => Some(Self::AwsJson1_1),
            "restJson1" => Some(Self::RestJson1),
            "scpRest" => Some(Self::ScpRest),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::AwsJson1_1 => "awsJson1_1",
            Self::RestJson1 => "restJson1",
            Self::ScpRest => "scpRest",
        }
    }

    /// Whether the input travels as query parameters (else as a JSON body).
    pub fn uses_query(self) -> bool {
        matches!(self, Self::ScpRest)
    }

    /// Whether an error's code is read from the response (`X-Amzn-ErrorType`, `__type`) or
    /// only its HTTP status identifies it; names a `cloudcost_runtime::ErrorCodeSource`.
    pub fn error_code_source(self) -> &'static str {
        match self {
            Self::AwsJson1_1 | Self::RestJson1 => "AwsJson",
            Self::ScpRest => "HttpStatus",
        }
    }

    /// Fixed headers of every request of an operation: the body's media type and, for
    /// awsJson1.1, the `X-Amz-Target`.
    pub fn request_headers(self, op: &Operation) -> Vec<(&'static str, String)> {
        let mut headers = Vec::new();
        if !self.uses_query() {
            headers.push(("Content-Type", self.media_type().to_string()));
        }
        if let Some(target) = &op.target {
            headers.push(("X-Amz-Target", target.clone()));
        }
        headers
    }

    /// The media type of request and response bodies.
    pub fn media_type(self) -> &'static str {
        match self {
            Self::AwsJson1_1 => "application/x-amz-json-1.1",
            Self::RestJson1 | Self::ScpRest => "application/json",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Auth {
    SigV4 {
        signing_name: String,
        /// Set when the service signs for one fixed region (Cost Explorer: us-east-1).
        signing_region: Option<String>,
    },
    ScpHmac {
        /// `Scp-Api-Version` value, e.g. `costexplorer 1.0`.
        api_version: String,
    },
}

impl Auth {
    /// The `cloudcost-runtime` cargo feature that holds this scheme's signing.
    pub fn runtime_feature(&self) -> &'static str {
        match self {
            Auth::SigV4 { .. } => "aws",
            Auth::ScpHmac { .. } => "scp",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Endpoint {
    /// URL template, e.g. `https://inspector2.{region}.amazonaws.com`.
    pub url: String,
    /// Template variables (OpenAPI server variables).
    pub variables: Vec<EndpointVariable>,
}

/// One variable of the endpoint template.
#[derive(Clone, Debug)]
pub struct EndpointVariable {
    pub name: String,
    pub default: String,
    /// The values the spec allows (`enum`); empty when any value goes.
    pub allowed: Vec<String>,
    /// The environment variable that overrides the default (`x-cloudcost-env`), so the
    /// fact of which variable a user sets lives in the spec, not in the runtime.
    pub env: Option<String>,
}

/// The price of one request (`x-cloudcost-service.billing`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Billing {
    /// The price of one request, as decimal text (`0.01`).
    pub per_request: String,
    /// Its ISO 4217 currency (`USD`).
    pub currency: String,
    /// The sentence of the pricing page the price comes from.
    pub source: String,
}

#[derive(Clone, Debug)]
pub struct Reference {
    pub source: String,
    pub service: String,
}

#[derive(Clone, Debug)]
pub struct Operation {
    pub name: String,
    /// The one-line `summary`, for command-line help.
    pub summary: Option<String>,
    pub docs: Option<String>,
    pub method: String,
    pub path: String,
    /// awsJson1.1 `X-Amz-Target`.
    pub target: Option<String>,
    pub input: String,
    pub output: String,
    /// Error shape names, in spec order.
    pub errors: Vec<String>,
    pub pagination: Option<Pagination>,
    /// What the operation asks of a billing ledger (`x-cloudcost-query`), so the mock can
    /// answer it from one.
    pub query: Option<Query>,
    pub examples: Vec<Example>,
    /// The operation's Rust code sample (`x-codeSamples`, Redoc's convention, entry with
    /// `lang: Rust`): the client crate's doctest, so the sample users read is compiled.
    pub rust_sample: Option<String>,
}

/// The meaning of a cost query (`x-cloudcost-query`): which kind of question the operation
/// asks and which request member plays each role in it. The roles are the vocabulary that
/// the mock (answering from a ledger), a cost planner and an exporter share.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Query {
    pub kind: QueryKind,
    /// Role (`period`, `granularity`, ...) to request member.
    pub members: BTreeMap<String, String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueryKind {
    /// Cost and usage amounts per period, grouped and filtered (Cost Explorer).
    CostAndUsage,
    /// Reservation hours and utilisation per period.
    ReservationUtilization,
    /// Usage totals per account.
    UsageTotals,
    /// Free-trial status per account.
    FreeTrials,
    /// Usage line items in a date range, filtered by their attributes (SCP).
    Usages,
}

/// A role a request member plays in a query: its name and the kind of member it must be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RoleType {
    /// A structure of two dates (`Start`, `End`).
    Interval,
    /// A string or an enum.
    Text,
    /// A date.
    Date,
    /// A list of strings or enums.
    TextList,
    /// A list of structures.
    StructList,
    /// A structure.
    Struct,
    /// A boolean.
    Flag,
}

impl QueryKind {
    /// Every kind, with its spec name.
    pub const ALL: [(QueryKind, &'static str); 5] = [
        (QueryKind::CostAndUsage, "costAndUsage"),
        (QueryKind::ReservationUtilization, "reservationUtilization"),
        (QueryKind::UsageTotals, "usageTotals"),
        (QueryKind::FreeTrials, "freeTrials"),
        (QueryKind::Usages, "usages"),
    ];

    pub fn name(self) -> &'static str {
        QueryKind::ALL
            .iter()
            .find(|(k, _)| *k == self)
            .map(|(_, n)| *n)
            .unwrap_or_default()
    }

    /// The roles of the kind: (role, required, what the member must be).
    pub fn roles(self) -> &'static [(&'static str, bool, RoleType)] {
        use RoleType::*;
        match self {
            QueryKind::CostAndUsage => &[
                ("period", true, Interval),
                ("granularity", true, Text),
                ("metrics", true, TextList),
                ("groupBy", false, StructList),
                ("filter", false, Struct),
            ],
            QueryKind::ReservationUtilization => &[
                ("period", true, Interval),
                ("granularity", false, Text),
                ("groupBy", false, StructList),
                ("filter", false, Struct),
            ],
            QueryKind::UsageTotals | QueryKind::FreeTrials => &[("accounts", false, TextList)],
            QueryKind::Usages => &[
                ("start", false, Date),
                ("end", false, Date),
                ("accounts", false, TextList),
                ("serviceCategories", false, TextList),
                ("billingItems", false, TextList),
                ("regions", false, TextList),
                ("contract", false, Text),
                ("orderStatuses", false, TextList),
                ("resourceName", false, Text),
                ("sort", false, Text),
                ("withCount", false, Flag),
            ],
        }
    }
}

#[derive(Clone, Debug)]
pub struct Pagination {
    pub input_token: String,
    pub output_token: OutputToken,
    pub page_size: Option<String>,
    pub items: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OutputToken {
    /// The response member holding the next token.
    Member(String),
    /// Marker paging: the next marker is this member of the page's last item.
    FromLastItem(String),
}

#[derive(Clone, Debug)]
pub struct Example {
    pub name: String,
    pub summary: Option<String>,
    /// The type the example is an instance of.
    pub shape: String,
    pub direction: Direction,
    /// Path relative to the workspace root.
    pub path: String,
    /// JSON pointer of the example object (the one holding `externalValue`) in the spec.
    pub pointer: String,
    /// The file's text, exactly as written (numbers with all their digits).
    pub json: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Request,
    Response,
}

#[derive(Clone, Debug)]
pub struct Shape {
    pub name: String,
    pub docs: Option<String>,
    pub kind: ShapeKind,
}

#[derive(Clone, Debug)]
#[allow(clippy::large_enum_variant)] // a few dozen shapes per spec: size is irrelevant
pub enum ShapeKind {
    Structure(Structure),
    Enum(Vec<String>),
    /// A named primitive, list or map (e.g. `NextPageToken`); members that refer to it get
    /// its type and constraints.
    Alias(Ty),
}

#[derive(Clone, Debug, Default)]
pub struct Structure {
    pub members: Vec<Member>,
    pub error: Option<ErrorInfo>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ErrorInfo {
    pub code: String,
    pub http_status: u16,
    pub server_fault: bool,
    pub retryable: bool,
    pub throttling: bool,
}

#[derive(Clone, Debug)]
pub struct Member {
    /// The name on the wire.
    pub name: String,
    pub docs: Option<String>,
    pub ty: Ty,
    pub required: bool,
    pub location: Location,
    pub sensitive: bool,
    /// Whether the member's Rust field holds its structure behind a `Box`: set by the
    /// loader for a direct member (not a list's item or a map's value, which a `Vec` or a
    /// map already holds on the heap) whose structure is recursive, so that the type has a
    /// size. Optional members are then `Option<Box<T>>`, required ones `Box<T>`, whatever
    /// the shapes are called (see `loader::cycles`).
    pub boxed: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    Body,
    Header(String),
    Query { explode: bool },
}

/// A member's type with its constraints.
#[derive(Clone, Debug)]
pub struct Ty {
    pub kind: TyKind,
    pub constraints: Constraints,
    pub nullable: bool,
    /// The named shape this type came from, if it was a `$ref`.
    pub shape: Option<String>,
    /// The wire codec the loader chose for this type, when its Rust type (a `Decimal`, a
    /// date or time) is not the JSON value serde would read directly. Decided once, here,
    /// so that the model's serde attributes and the fast decoders agree.
    pub codec: Option<Codec>,
}

/// How a member whose Rust type differs from its JSON form is read and written: each names
/// a module of `cloudcost_types::wire` (serde's `with`) and of the fast reader.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Codec {
    /// A `Decimal` sent as a JSON string (`"39.16"`).
    DecimalString,
    /// A `Decimal` sent as a JSON number, read from its text, never through `f64`.
    DecimalNumber,
    /// A `NaiveDate` (`2024-08-01`).
    Date,
    /// A `DateTime<Utc>` sent as epoch seconds.
    EpochSeconds,
    /// A `NaiveDateTime` without a zone (`2024-08-01T00:00:00`).
    LocalDateTime,
}

impl Codec {
    /// The codec for a kind, if it needs one.
    pub fn of(kind: &TyKind) -> Option<Codec> {
        Some(match kind {
            TyKind::Decimal {
                wire: DecimalWire::String,
            } => Codec::DecimalString,
            TyKind::Decimal {
                wire: DecimalWire::Number,
            } => Codec::DecimalNumber,
            TyKind::Date => Codec::Date,
            TyKind::EpochSeconds => Codec::EpochSeconds,
            TyKind::LocalDateTime => Codec::LocalDateTime,
            _ => return None,
        })
    }

    /// The module of `cloudcost_types::wire` (and of the fast reader) that reads it.
    pub fn module(self) -> &'static str {
        match self {
            Codec::DecimalString => "decimal_string",
            Codec::DecimalNumber => "decimal_number",
            Codec::Date => "date",
            Codec::EpochSeconds => "epoch_seconds",
            Codec::LocalDateTime => "local_date_time",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TyKind {
    String,
    Integer { bits: u8 },
    Boolean,
    Decimal { wire: DecimalWire },
    Date,
    YearMonthDay,
    EpochSeconds,
    LocalDateTime,
    Enum(String),
    Struct(String),
    List(Box<Ty>),
    Map { key: Box<Ty>, value: Box<Ty> },
}

impl PartialEq for Ty {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind && self.nullable == other.nullable
    }
}
impl Eq for Ty {}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecimalWire {
    String,
    Number,
}

/// A string's pattern: as the spec writes it (for schemas and messages), and as the
/// generated `validate()` runs it with regex-lite (Unicode classes written out as ranges by
/// `crate::pattern`), derived once, by the loader, which also checks that it compiles.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pattern {
    pub source: String,
    pub regex_lite: String,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Constraints {
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub pattern: Option<Pattern>,
    /// The official pattern, where `pattern` had to be rewritten for Rust's regex.
    pub aws_pattern: Option<String>,
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
    pub minimum: Option<serde_json::Number>,
    pub maximum: Option<serde_json::Number>,
    pub default: Option<serde_json::Value>,
    pub example: Option<serde_json::Value>,
}

impl Constraints {
    pub fn is_empty(&self) -> bool {
        self.min_length.is_none()
            && self.max_length.is_none()
            && self.pattern.is_none()
            && self.min_items.is_none()
            && self.max_items.is_none()
            && self.minimum.is_none()
            && self.maximum.is_none()
    }
}

impl Ty {
    /// Calls `f` with every named structure or enum this type refers to.
    pub fn visit_named(&self, f: &mut impl FnMut(&str)) {
        match &self.kind {
            TyKind::Enum(n) | TyKind::Struct(n) => f(n),
            TyKind::List(item) => item.visit_named(f),
            TyKind::Map { key, value } => {
                key.visit_named(f);
                value.visit_named(f);
            }
            _ => {}
        }
    }
}

/// A rule the service documents about a structure beyond its members' own constraints
/// (`x-cloudcost-rules`): `validate()` enforces it, the mock answers it as the service does,
/// and the schema carries what JSON Schema can say.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    pub kind: RuleKind,
    /// What `validate()` reports, at the member the rule names.
    pub message: String,
    /// The sentence of the documentation the rule comes from.
    pub source: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RuleKind {
    /// A list member holds at most `max` items.
    MaxItems { member: String, max: u64 },
    /// At most one of these optional members is set.
    Exclusive { members: Vec<String> },
    /// An enum member takes only these of its values.
    AllowedValues { member: String, values: Vec<String> },
    /// The time in `first` comes strictly before the time in `second`.
    Ordered { first: String, second: String },
    /// A recursive expression member (a structure whose combinator members hold more of
    /// itself) uses only the `allowed` combinators, nested at most `max_depth` deep.
    Expression {
        member: String,
        /// The expression structure.
        shape: String,
        /// Every combinator member of `shape` (lists of it, or it).
        combinators: Vec<String>,
        allowed: Vec<String>,
        max_depth: u32,
    },
    /// The date `start` inside the structure member `member` lies in a window around
    /// today (the validator's clock; without one the rule is not checked), when the enum
    /// member `when.0` is `when.1` (always, without `when`).
    DateWindow {
        member: String,
        start: String,
        when: Option<(String, String)>,
        reach: Reach,
    },
}

/// How far from today a [`RuleKind::DateWindow`] date may lie.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reach {
    /// No earlier than today minus this many days (`lookback` with `days`).
    Days(u32),
    /// No earlier than the first day of the month this many months before the current
    /// one (`lookback` with `months`: "the current month and up to the previous N").
    Months(u32),
    /// No later than today (`notFuture`).
    NotFuture,
}
