//! Authentication checks. By default a request must carry its scheme's headers; with
//! strict auth the signature is recomputed with the test keys and must match. SigV4 is
//! recomputed by `aws-sigv4`, the AWS SDK's signer, not by the clients' own (reqsign's), so
//! the mock is an independent check of what the clients sign.

use std::fmt;
use std::time::SystemTime;

use cloudcost_runtime::scp::{self, HEADER_ACCESS_KEY, HEADER_SIGNATURE, HEADER_TIMESTAMP};
use cloudcost_runtime::{AwsCredentials, ScpCredentials};
use http::request::Parts;
use http::HeaderMap;

use crate::spec::AuthMeta;

/// The keys strict auth accepts; the CLI's `--mock` signs with [`TestKeys::default`].
#[derive(Clone, PartialEq, Eq)]
pub struct TestKeys {
    pub aws_access_key_id: String,
    pub aws_secret_access_key: String,
    pub scp_access_key: String,
    pub scp_secret_key: String,
    pub scp_account_id: String,
}

impl Default for TestKeys {
    fn default() -> Self {
        TestKeys {
            aws_access_key_id: "AKIDCLOUDCOSTMOCK000".into(),
            aws_secret_access_key: "cloudcost-mock-aws-secret-access-key".into(),
            scp_access_key: "cloudcost-mock-scp-access-key".into(),
            scp_secret_key: "cloudcost-mock-scp-secret-key".into(),
            scp_account_id: "cloudcost-mock-account".into(),
        }
    }
}

impl fmt::Debug for TestKeys {
    // Test keys are still keys: a user may configure real-looking ones.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TestKeys")
            .field("aws_access_key_id", &self.aws_access_key_id)
            .field("aws_secret_access_key", &"** redacted **")
            .field("scp_access_key", &self.scp_access_key)
            .field("scp_secret_key", &"** redacted **")
            .field("scp_account_id", &self.scp_account_id)
            .finish()
    }
}

impl TestKeys {
    /// The AWS credentials clients should sign with.
    pub fn aws_credentials(&self) -> AwsCredentials {
        AwsCredentials::new(&self.aws_access_key_id, &self.aws_secret_access_key, None)
    }

    /// The SCP credentials clients should sign with.
    pub fn scp_credentials(
        &self,
    ) -> Result<ScpCredentials, cloudcost_runtime::ScpCredentialsError> {
        Ok(
            ScpCredentials::new(&self.scp_access_key, &self.scp_secret_key)?
                .with_account_id(&self.scp_account_id),
        )
    }
}

/// Why a request is not authenticated. Messages never contain a signature or key.
#[derive(Debug)]
pub(crate) enum AuthFailure {
    /// No credentials at all.
    Missing(String),
    /// Credentials that do not verify.
    Bad(String),
}

fn header<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// The URL as the client signed it: scheme, `Host` header, path and query as received.
fn signed_url(parts: &Parts) -> String {
    let host = header(&parts.headers, "host").unwrap_or("localhost");
    let path = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    format!("http://{host}{path}")
}

pub(crate) fn check(
    auth: &AuthMeta,
    parts: &Parts,
    body: &[u8],
    strict: bool,
    keys: &TestKeys,
) -> Result<(), AuthFailure> {
    match auth {
        AuthMeta::SigV4 {
            signing_name,
            signing_region,
        } => sigv4(parts, body, strict, keys, signing_name, *signing_region),
        AuthMeta::ScpHmac { .. } => scp_hmac(parts, strict, keys),
    }
}

fn sigv4(
    parts: &Parts,
    body: &[u8],
    strict: bool,
    keys: &TestKeys,
    signing_name: &str,
    signing_region: Option<&str>,
) -> Result<(), AuthFailure> {
    let h = &parts.headers;
    let (Some(authorization), Some(date)) = (header(h, "authorization"), header(h, "x-amz-date"))
    else {
        return Err(AuthFailure::Missing("Missing Authentication Token".into()));
    };
    let Some(fields) = authorization.strip_prefix("AWS4-HMAC-SHA256 ") else {
        return Err(AuthFailure::Missing(
            "Authorization header requires the AWS4-HMAC-SHA256 scheme".into(),
        ));
    };
    if !strict {
        return Ok(());
    }
    let field = |name: &str| {
        fields
            .split(',')
            .map(str::trim)
            .find_map(|f| f.strip_prefix(name)?.strip_prefix('='))
    };
    let (Some(credential), Some(signed_headers)) = (field("Credential"), field("SignedHeaders"))
    else {
        return Err(AuthFailure::Bad(
            "Authorization header lacks Credential or SignedHeaders".into(),
        ));
    };
    let scope: Vec<&str> = credential.split('/').collect();
    let [key_id, _day, region, service, "aws4_request"] = scope[..] else {
        return Err(AuthFailure::Bad(
            "Credential is not <key>/<date>/<region>/<service>/aws4_request".into(),
        ));
    };
    if key_id != keys.aws_access_key_id {
        return Err(AuthFailure::Bad(format!(
            "The access key id {key_id} is not the mock's test key"
        )));
    }
    if service != signing_name || signing_region.is_some_and(|r| r != region) {
        return Err(AuthFailure::Bad(format!(
            "Credential should be scoped to a valid region and service {signing_name}, not {region}/{service}"
        )));
    }
    let time = parse_amz_date(date)
        .ok_or_else(|| AuthFailure::Bad("X-Amz-Date is not in the form YYYYMMDDTHHMMSSZ".into()))?;
    let mut headers = HeaderMap::new();
    for name in signed_headers.split(';') {
        if let Some(v) = h.get(name) {
            headers.insert(
                http::HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                    AuthFailure::Bad(format!("SignedHeaders names an invalid header {name:?}"))
                })?,
                v.clone(),
            );
        }
    }
    let token = header(h, "x-amz-security-token").map(str::to_string);
    let expected = sigv4_authorization(parts, &headers, body, keys, token, (region, service), time)
        .map_err(|e| AuthFailure::Bad(format!("the request cannot be signed: {e}")))?;
    if expected == authorization {
        Ok(())
    } else {
        Err(AuthFailure::Bad(
            "The request signature we calculated does not match the signature you provided".into(),
        ))
    }
}

/// The `Authorization` value `aws-sigv4` computes for the request's signed headers at
/// `time`: payload hashed, no header added, every service's (not S3's) path encoding.
fn sigv4_authorization(
    parts: &Parts,
    signed: &HeaderMap,
    body: &[u8],
    keys: &TestKeys,
    token: Option<String>,
    (region, service): (&str, &str),
    time: SystemTime,
) -> Result<String, String> {
    use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};

    // aws-sigv4 adds these itself, from `time` and the token.
    let pairs = signed
        .iter()
        .filter(|(name, _)| !matches!(name.as_str(), "x-amz-date" | "x-amz-security-token"))
        .map(|(name, value)| {
            value
                .to_str()
                .map(|v| (name.as_str(), v))
                .map_err(|_| format!("header `{name}` is not visible ASCII"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let url = signed_url(parts);
    let signable = SignableRequest::new(
        parts.method.as_str(),
        url.as_str(),
        pairs.into_iter(),
        SignableBody::Bytes(body),
    )
    .map_err(|e| e.to_string())?;
    let identity = aws_credential_types::Credentials::new(
        keys.aws_access_key_id.clone(),
        keys.aws_secret_access_key.clone(),
        token,
        None,
        "cloudcost-mock",
    )
    .into();
    let params = aws_sigv4::sign::v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name(service)
        .time(time)
        .settings(SigningSettings::default())
        .build()
        .map_err(|e| e.to_string())?
        .into();
    let (instructions, _) = sign(signable, &params)
        .map_err(|e| e.to_string())?
        .into_parts();
    let (headers, _) = instructions.into_parts();
    headers
        .into_iter()
        .find(|h| h.name().eq_ignore_ascii_case("authorization"))
        .map(|h| h.value().to_owned())
        .ok_or_else(|| "aws-sigv4 produced no Authorization header".to_owned())
}

fn parse_amz_date(date: &str) -> Option<SystemTime> {
    use cloudcost_types::chrono::NaiveDateTime;
    let t = NaiveDateTime::parse_from_str(date, "%Y%m%dT%H%M%SZ").ok()?;
    let secs = u64::try_from(t.and_utc().timestamp()).ok()?;
    Some(SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(secs))
}

/// How far an SCP `Scp-Timestamp` may be from the mock's clock in strict mode. SCP does
/// not publish its window; five minutes is the common choice for signed-timestamp APIs
/// and rejects a replayed request an hour later.
const SCP_MAX_SKEW_MS: u64 = 5 * 60 * 1000;

fn scp_hmac(parts: &Parts, strict: bool, keys: &TestKeys) -> Result<(), AuthFailure> {
    let h = &parts.headers;
    let (Some(access_key), Some(signature), Some(timestamp)) = (
        header(h, HEADER_ACCESS_KEY),
        header(h, HEADER_SIGNATURE),
        header(h, HEADER_TIMESTAMP),
    ) else {
        return Err(AuthFailure::Missing(format!(
            "{HEADER_ACCESS_KEY}, {HEADER_TIMESTAMP} and {HEADER_SIGNATURE} headers are required"
        )));
    };
    if !strict {
        return Ok(());
    }
    // Strict mode wants every header SCP's Go SDK sends (`SetupRequestHeader` in its
    // client/configuration.go): the server rebuilds the signed message from them.
    let required = |name: &str| {
        header(h, name).ok_or_else(|| {
            AuthFailure::Bad(format!(
                "the {name} header is required (SCP's SDK sends it)"
            ))
        })
    };
    let client_type = required(scp::HEADER_CLIENT_TYPE)?;
    let account_id = required(scp::HEADER_ACCOUNT_ID)?;
    required(scp::HEADER_ACCEPT_LANGUAGE)?;
    if access_key != keys.scp_access_key {
        return Err(AuthFailure::Bad(format!(
            "the access key {access_key} is not the mock's test key"
        )));
    }
    if account_id != keys.scp_account_id {
        return Err(AuthFailure::Bad(format!(
            "{} {account_id:?} is not the account of the mock's test key",
            scp::HEADER_ACCOUNT_ID
        )));
    }
    let timestamp: u64 = timestamp
        .parse()
        .map_err(|_| AuthFailure::Bad(format!("{HEADER_TIMESTAMP} is not Unix milliseconds")))?;
    let skew = scp::now_millis().abs_diff(timestamp);
    if skew > SCP_MAX_SKEW_MS {
        return Err(AuthFailure::Bad(format!(
            "{HEADER_TIMESTAMP} is {} s away from the server's clock (at most {} s allowed)",
            skew / 1000,
            SCP_MAX_SKEW_MS / 1000
        )));
    }
    // The account id the server uses is the one the request names in Scp-AccountId: if
    // the client signed another one, the signatures differ.
    let creds = ScpCredentials::new(&keys.scp_access_key, &keys.scp_secret_key)
        .map(|c| c.with_account_id(account_id))
        .map_err(|e| AuthFailure::Bad(format!("the mock's SCP test keys are unusable: {e}")))?;
    let expected = scp::sign(
        parts.method.as_str(),
        &signed_url(parts),
        timestamp,
        &creds,
        client_type,
        header(h, scp::HEADER_API_VERSION).unwrap_or_default(),
        header(h, scp::HEADER_ACCEPT_LANGUAGE).unwrap_or_default(),
    );
    let ok = expected
        .iter()
        .any(|(name, value)| *name == HEADER_SIGNATURE && value == signature);
    if ok {
        Ok(())
    } else {
        Err(AuthFailure::Bad(
            "the signature does not match the request".into(),
        ))
    }
}
