//! AWS credentials from the standard chain, and SigV4 request signing.
//!
//! Apache reqsign does the work; nothing cryptographic is written here. It was chosen by
//! measuring compile cost (`scripts/measure-aws-signing.md`): over the reqwest build the
//! clients need anyway, `aws-config` + `aws-sigv4` cost +232 s of clean release build on
//! the 2-core machine, reqsign +30 s. (The signer had been `aws-sigv4`'s, for its
//! explicit signing time; it brought 18 crates for one function, and is now the mock's
//! independent verifier instead.)
//!
//! - **Credentials**: [`default_credentials_chain`] is Apache reqsign's
//!   `DefaultCredentialProvider` (`reqsign-aws-v4`), tried in this order: environment
//!   variables (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`); the
//!   shared credentials and config files (`AWS_SHARED_CREDENTIALS_FILE`, `AWS_CONFIG_FILE`,
//!   `~/.aws/...`) with the profile given here, else `AWS_PROFILE`, else `default`; SSO
//!   (a token cached by `aws sso login`, `sso_session` supported); web identity
//!   (`AWS_WEB_IDENTITY_TOKEN_FILE` + `AWS_ROLE_ARN`, through STS);
//!   `credential_process`; the ECS/EKS container endpoint
//!   (`AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` / `_FULL_URI`, with the authorization
//!   token or token file); and EC2 instance metadata (IMDSv2, off when
//!   `AWS_EC2_METADATA_DISABLED=true`). reqsign reads files with tokio and runs
//!   `credential_process` with tokio, so credentials are loaded inside a tokio runtime; its
//!   HTTP calls (STS, SSO, ECS, IMDS) go through a reqwest 0.12 client of ours (3 s connect
//!   timeout, 10 s per request). reqsign's chain moves on past a source that fails and
//!   reports the failure through the `log` crate only, so an empty chain surfaces as
//!   [`AwsAuthError::NoCredentials`]. Not in reqsign's chain: assuming a role named by a
//!   profile's `role_arn` with `source_profile`/`credential_source` (use SSO, web identity,
//!   or give [`StaticCredentials`] from your own STS call), and a quoted
//!   `credential_process` command line (it is split on whitespace).
//! - **Caching**: reqsign caches inside its own `Signer`, which always signs at the current
//!   time, so the chain is used without it and [`DefaultCredentialsChain`] keeps the last
//!   credentials itself, under reqsign's freshness rule (`SigningCredential::is_valid`:
//!   no expiry, or more than two minutes left). Refreshes are serialized by an async lock;
//!   a failed refresh is not cached. Credentials without an expiry (environment, files)
//!   are read once per chain.
//! - **Signing**: [`sign_request`] is reqsign's `RequestSigner`, at the current time (it
//!   takes none from its caller). The payload is hashed and signed, through the
//!   `X-Amz-Content-Sha256` header every request carries (S3 needs it, the others accept
//!   it). What it signs is checked three ways: unit tests against a SigV4 reference that
//!   reproduces AWS's published vectors, at the time the request carries; the mock's strict
//!   auth, which recomputes every signature with `aws-sigv4`, the AWS SDK's signer; and
//!   botocore against the mock.
//! - **Region**: [`default_region`]: `AWS_REGION`, `AWS_DEFAULT_REGION`, then the
//!   profile's `region` in the config file.
//!
//! Secret access keys, session tokens and signatures never appear in `Debug` output or
//! error messages: [`AwsCredentials`]'s `Debug` redacts them, the header values
//! `sign_request` adds for them are marked sensitive (so `http`'s `Debug` hides them),
//! and error texts are scrubbed of them.

use std::fmt;
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Method};
use reqsign_aws_v4::{Credential as ReqsignCredential, DefaultCredentialProvider};
use reqsign_core::{Context, Env, OsEnv, ProvideCredential, SignRequest, SigningCredential};

const REDACTED: &str = "** redacted **";

/// An AWS access key pair, with the session token and expiry of temporary credentials.
///
/// `Debug` shows the access key id and the expiry, never the secret or the session token.
#[derive(Clone, PartialEq, Eq)]
pub struct AwsCredentials {
    access_key_id: String,
    secret_access_key: String,
    session_token: Option<String>,
    expiry: Option<SystemTime>,
}

impl AwsCredentials {
    /// Credentials from an access key id, a secret access key and, for temporary
    /// credentials, a session token.
    pub fn new(
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
        session_token: Option<String>,
    ) -> Self {
        Self {
            access_key_id: access_key_id.into(),
            secret_access_key: secret_access_key.into(),
            session_token,
            expiry: None,
        }
    }

    /// The same credentials, expiring at `expiry`.
    pub fn with_expiry(mut self, expiry: SystemTime) -> Self {
        self.expiry = Some(expiry);
        self
    }

    /// The access key id (`AKIA...`, `ASIA...`); not a secret.
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The secret access key. Never log it.
    pub fn secret_access_key(&self) -> &str {
        &self.secret_access_key
    }

    /// The session token of temporary credentials. Never log it.
    pub fn session_token(&self) -> Option<&str> {
        self.session_token.as_deref()
    }

    /// When temporary credentials expire.
    pub fn expiry(&self) -> Option<SystemTime> {
        self.expiry
    }

    /// Replaces every occurrence of the secret and the session token in `text`.
    fn scrub(&self, text: &str) -> String {
        let mut text = text.to_owned();
        for secret in [Some(self.secret_access_key.as_str()), self.session_token()]
            .into_iter()
            .flatten()
            .filter(|s| !s.is_empty())
        {
            text = text.replace(secret, REDACTED);
        }
        text
    }
}

impl fmt::Debug for AwsCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AwsCredentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &REDACTED)
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| REDACTED),
            )
            .field("expiry", &self.expiry)
            .finish()
    }
}

impl From<ReqsignCredential> for AwsCredentials {
    fn from(c: ReqsignCredential) -> Self {
        Self {
            access_key_id: c.access_key_id,
            secret_access_key: c.secret_access_key,
            session_token: c.session_token,
            expiry: c.expires_in.map(|t| t.as_system_time()),
        }
    }
}

/// Why credentials could not be loaded or a request could not be signed. No variant
/// carries a secret access key, a session token or a signature.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AwsAuthError {
    /// No source of the standard chain produced credentials.
    #[error(
        "no AWS credentials found{}: tried the environment (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY), \
         the shared credentials and config files, SSO, web identity, credential_process, the container \
         endpoint and EC2 instance metadata",
        .profile.as_deref().map(|p| format!(" for profile `{p}`")).unwrap_or_default()
    )]
    NoCredentials {
        /// The profile that was asked for, if any (else `AWS_PROFILE` or `default`).
        profile: Option<String>,
    },
    /// A credential source failed.
    #[error("loading AWS credentials failed: {message}")]
    Provider {
        /// What failed.
        message: String,
        /// Whether trying again may succeed.
        retryable: bool,
    },
    /// The request cannot be signed as given (URL without a host, a header value that is
    /// not visible ASCII, an empty region or service).
    #[error("cannot sign the request: {message}")]
    InvalidRequest {
        /// What is wrong.
        message: String,
    },
    /// The signing library failed.
    #[error("SigV4 signing failed: {message}")]
    Signing {
        /// Its error, scrubbed of secrets.
        message: String,
    },
}

impl AwsAuthError {
    /// Whether trying again may succeed (a failed credential endpoint, a throttled STS call).
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            Self::Provider {
                retryable: true,
                ..
            }
        )
    }

    fn invalid(message: impl Into<String>) -> Self {
        Self::InvalidRequest {
            message: message.into(),
        }
    }
}

/// A source of AWS credentials: the standard chain, fixed credentials, or your own.
pub trait ProvideAwsCredentials: Send + Sync + fmt::Debug {
    /// Current credentials; implementations cache and refresh as they see fit.
    fn credentials(
        &self,
    ) -> Pin<Box<dyn Future<Output = Result<AwsCredentials, AwsAuthError>> + Send + '_>>;
}

/// Fixed credentials, given in code or by a `--access-key`-style option. They always work,
/// whatever the environment.
#[derive(Clone, Debug)]
pub struct StaticCredentials(pub AwsCredentials);

impl StaticCredentials {
    /// Wraps `credentials`.
    pub fn new(credentials: AwsCredentials) -> Self {
        Self(credentials)
    }
}

impl From<AwsCredentials> for StaticCredentials {
    fn from(credentials: AwsCredentials) -> Self {
        Self(credentials)
    }
}

impl ProvideAwsCredentials for StaticCredentials {
    fn credentials(
        &self,
    ) -> Pin<Box<dyn Future<Output = Result<AwsCredentials, AwsAuthError>> + Send + '_>> {
        Box::pin(std::future::ready(Ok(self.0.clone())))
    }
}

/// The standard AWS credential chain (see the [module docs](self)), with a cache.
pub struct DefaultCredentialsChain {
    profile: Option<String>,
    ctx: Context,
    provider: DefaultCredentialProvider,
    cache: tokio::sync::Mutex<Option<ReqsignCredential>>,
}

impl DefaultCredentialsChain {
    /// The chain for `profile` (`--profile`), else `AWS_PROFILE`, else `default`, reading
    /// the process environment and files and calling the metadata, STS and SSO endpoints.
    pub fn new(profile: Option<&str>) -> Self {
        Self::with_context(profile, os_context())
    }

    /// The chain over a reqsign context (tests swap the environment, the HTTP sender and
    /// the command runner).
    fn with_context(profile: Option<&str>, ctx: Context) -> Self {
        let provider = match profile {
            Some(p) => DefaultCredentialProvider::builder().with_profile(p).build(),
            None => DefaultCredentialProvider::new(),
        };
        Self {
            profile: profile.map(str::to_owned),
            ctx,
            provider,
            cache: tokio::sync::Mutex::new(None),
        }
    }

    async fn load(&self) -> Result<AwsCredentials, AwsAuthError> {
        let mut cached = self.cache.lock().await;
        if let Some(credential) = cached.as_ref().filter(|c| c.is_valid()) {
            return Ok(credential.clone().into());
        }
        match self.provider.provide_credential(&self.ctx).await {
            Ok(Some(credential)) => {
                *cached = Some(credential.clone());
                Ok(credential.into())
            }
            Ok(None) => Err(AwsAuthError::NoCredentials {
                profile: self.profile.clone(),
            }),
            Err(e) => Err(AwsAuthError::Provider {
                message: describe_reqsign_error(&e),
                retryable: e.is_retryable(),
            }),
        }
    }
}

impl fmt::Debug for DefaultCredentialsChain {
    // The context is left out: a test environment may hold secrets.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DefaultCredentialsChain")
            .field("profile", &self.profile)
            .finish_non_exhaustive()
    }
}

impl ProvideAwsCredentials for DefaultCredentialsChain {
    fn credentials(
        &self,
    ) -> Pin<Box<dyn Future<Output = Result<AwsCredentials, AwsAuthError>> + Send + '_>> {
        Box::pin(self.load())
    }
}

/// The standard AWS credential chain for `profile` (`--profile`; `None`: `AWS_PROFILE`,
/// else `default`), cached. Nothing is read until the first call to
/// [`ProvideAwsCredentials::credentials`].
pub fn default_credentials_chain(profile: Option<&str>) -> Arc<dyn ProvideAwsCredentials> {
    Arc::new(DefaultCredentialsChain::new(profile))
}

/// The region to use when none is configured: `AWS_REGION`, `AWS_DEFAULT_REGION`, then
/// `region` in the profile's section of the config file (`AWS_CONFIG_FILE`, else
/// `~/.aws/config`; `[default]` or `[profile NAME]`) for `profile`, else `AWS_PROFILE`,
/// else `default`. Empty values are skipped; an unreadable file gives `None`.
pub fn default_region(profile: Option<&str>) -> Option<String> {
    region_from(&OsEnv, profile)
}

fn region_from(env: &dyn Env, profile: Option<&str>) -> Option<String> {
    let var = |key: &str| {
        env.var(key)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    if let Some(region) = var("AWS_REGION").or_else(|| var("AWS_DEFAULT_REGION")) {
        return Some(region);
    }
    let profile = profile
        .map(str::to_owned)
        .or_else(|| var("AWS_PROFILE"))
        .unwrap_or_else(|| "default".to_owned());
    let path = match var("AWS_CONFIG_FILE") {
        Some(path) => match path.strip_prefix("~/") {
            Some(rest) => env.home_dir()?.join(rest),
            None => PathBuf::from(path),
        },
        None => env.home_dir()?.join(".aws").join("config"),
    };
    let text = std::fs::read_to_string(path).ok()?;
    let config = ini::Ini::load_from_str(&text).ok()?;
    let mut sections = vec![format!("profile {profile}")];
    if profile == "default" {
        sections.insert(0, "default".to_owned());
    }
    sections.iter().find_map(|name| {
        config
            .section(Some(name.as_str()))
            .and_then(|s| s.get("region"))
            .map(|r| r.trim().to_owned())
            .filter(|r| !r.is_empty())
    })
}

/// Headers the AWS SDKs leave unsigned because proxies and HTTP stacks change them; they
/// are sent, not signed.
const UNSIGNED_HEADERS: [&str; 3] = ["user-agent", "x-amzn-trace-id", "transfer-encoding"];

/// The headers a signing adds. A re-signing (a retry) replaces them.
const SIGNING_HEADERS: [&str; 4] = [
    "authorization",
    "x-amz-date",
    "x-amz-security-token",
    "x-amz-content-sha256",
];

/// Signs a request with SigV4 at the current time (reqsign's `RequestSigner`), in place.
///
/// Adds `Authorization`, `X-Amz-Date`, `X-Amz-Content-Sha256` (the hex SHA-256 of `body`,
/// so the payload is signed), and `X-Amz-Security-Token` when the credentials have a
/// session token. Every header already in `headers` is signed (`Content-Type`,
/// `X-Amz-Target`, ...) except those the AWS SDKs leave out because proxies change them
/// (`User-Agent`, `X-Amzn-Trace-Id`, `Transfer-Encoding`). The host is signed as the HTTP
/// client will send it: a `Host` in `headers` if there is one, else the URL's host, with
/// the port when it is not the scheme's default. Values a previous signing added are
/// replaced, so a retry re-signs the same map. `url` must be in its final, percent-encoded
/// form; each path segment is encoded again in the canonical request, as every service but
/// S3 expects.
///
/// The signing time is always now: reqsign takes no time from its caller. The tests check
/// what it signs against a SigV4 reference that reproduces AWS's published vectors, at the
/// time the request carries in `X-Amz-Date`, and the mock checks it with `aws-sigv4`.
pub async fn sign_request(
    method: &Method,
    url: &str,
    headers: &mut HeaderMap,
    body: &[u8],
    credentials: &AwsCredentials,
    region: &str,
    service: &str,
) -> Result<(), AwsAuthError> {
    let uri: http::Uri = url
        .parse()
        .map_err(|e| AwsAuthError::invalid(format!("the URL does not parse: {e}")))?;
    let Some(host) = uri.host().filter(|h| !h.is_empty()) else {
        return Err(AwsAuthError::invalid("the URL has no host"));
    };
    if region.is_empty() || service.is_empty() {
        return Err(AwsAuthError::invalid(
            "the signing region and service must not be empty",
        ));
    }
    for stale in SIGNING_HEADERS {
        headers.remove(stale);
    }
    let mut signed = HeaderMap::with_capacity(headers.len() + SIGNING_HEADERS.len() + 1);
    for (name, value) in headers.iter() {
        if value.to_str().is_err() {
            return Err(AwsAuthError::invalid(format!(
                "header `{name}` is not visible ASCII"
            )));
        }
        if !UNSIGNED_HEADERS.contains(&name.as_str()) {
            signed.append(name, value.clone());
        }
    }
    if !signed.contains_key(http::header::HOST) {
        let default_port = match uri.scheme_str() {
            Some("http") => Some(80),
            Some("https") => Some(443),
            _ => None,
        };
        let authority = match uri.port_u16() {
            Some(port) if Some(port) != default_port => format!("{host}:{port}"),
            _ => host.to_owned(),
        };
        let value = HeaderValue::from_str(&authority)
            .map_err(|_| AwsAuthError::invalid("the URL's host is not a valid header value"))?;
        signed.insert(http::header::HOST, value);
    }
    // Signs the payload: without the header reqsign signs `UNSIGNED-PAYLOAD`.
    signed.insert(
        "x-amz-content-sha256",
        HeaderValue::from_maybe_shared(Bytes::from(reqsign_core::hash::hex_sha256(body))).map_err(
            |e| AwsAuthError::Signing {
                message: format!("the payload digest: {e}"),
            },
        )?,
    );

    // reqsign percent-decodes each path segment and encodes it once, S3's rule; every other
    // service signs the wire path encoded once more. Escaping each `%` first makes its
    // decoding give back the wire path, which it then encodes: the double encoding.
    let uri = if uri.path().contains('%') {
        let mut escaped = uri.path().replace('%', "%25");
        if let Some(query) = uri.query() {
            escaped = format!("{escaped}?{query}");
        }
        let mut uri_parts = uri.into_parts();
        uri_parts.path_and_query = Some(
            escaped
                .parse()
                .map_err(|e| AwsAuthError::invalid(format!("the URL's path: {e}")))?,
        );
        http::Uri::from_parts(uri_parts)
            .map_err(|e| AwsAuthError::invalid(format!("the URL's path: {e}")))?
    } else {
        uri
    };
    let (mut parts, ()) = http::Request::new(()).into_parts();
    parts.method = method.clone();
    parts.uri = uri;
    parts.headers = signed;
    let credential = ReqsignCredential {
        access_key_id: credentials.access_key_id.clone(),
        secret_access_key: credentials.secret_access_key.clone(),
        session_token: credentials.session_token.clone(),
        expires_in: credentials
            .expiry
            .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
            .and_then(|d| i64::try_from(d.as_secs()).ok())
            .and_then(|s| reqsign_core::time::Timestamp::from_second(s).ok()),
    };
    reqsign_aws_v4::RequestSigner::new(service, region)
        .sign_request(signing_context(), &mut parts, Some(&credential), None)
        .await
        .map_err(|e| AwsAuthError::Signing {
            message: credentials.scrub(&describe_reqsign_error(&e)),
        })?;

    for name in SIGNING_HEADERS {
        if let Some(mut value) = parts.headers.remove(name) {
            if name != "x-amz-date" && name != "x-amz-content-sha256" {
                value.set_sensitive(true);
            }
            headers.insert(name, value);
        }
    }
    Ok(())
}

/// The context reqsign's signer is called with. Signing reads no file, environment or
/// network, so it has only reqsign's no-op parts; built once, not four `Arc`s per request.
fn signing_context() -> &'static Context {
    static CONTEXT: std::sync::OnceLock<Context> = std::sync::OnceLock::new();
    CONTEXT.get_or_init(Context::new)
}

/// The reqsign context of the real process: OS environment, tokio file reads and
/// commands, and our reqwest sender.
fn os_context() -> Context {
    let client = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(3))
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap_or_default();
    Context::new()
        .with_env(OsEnv)
        .with_file_read(reqsign_file_read_tokio::TokioFileRead)
        .with_command_execute(reqsign_command_execute_tokio::TokioCommandExecute)
        .with_http_send(ReqwestSend(client))
}

/// The largest body a credentials endpoint (STS, SSO, ECS, IMDS) may answer: their
/// answers are a few KB, and a client must not buffer whatever a hijacked metadata
/// address sends.
const MAX_CREDENTIALS_BODY_BYTES: u64 = 1 << 20;

/// reqsign's HTTP sender over reqwest 0.12 (the official `reqsign-http-send-reqwest` needs
/// reqwest 0.13). Errors carry reqwest's message (method and URL), never a body.
#[derive(Debug, Clone)]
struct ReqwestSend(reqwest::Client);

impl reqsign_core::HttpSend for ReqwestSend {
    async fn http_send(
        &self,
        req: http::Request<Bytes>,
    ) -> reqsign_core::Result<http::Response<Bytes>> {
        let failed = |what: &str, e: reqwest::Error| {
            reqsign_core::Error::unexpected(format!("{what}: {e}"))
                .set_retryable(e.is_timeout() || e.is_connect())
        };
        let req = reqwest::Request::try_from(req).map_err(|e| failed("invalid request", e))?;
        let response = self
            .0
            .execute(req)
            .await
            .map_err(|e| failed("request failed", e))?;
        let (status, headers) = (response.status(), response.headers().clone());
        let body = crate::body::read_capped(response, MAX_CREDENTIALS_BODY_BYTES)
            .await
            .map_err(|e| match e {
                crate::body::ReadError::Transport(e) => failed("reading the response failed", e),
                crate::body::ReadError::TooLarge { limit, .. } => reqsign_core::Error::unexpected(
                    format!("the credentials endpoint answered more than {limit} bytes"),
                ),
            })?;
        let mut out = http::Response::new(body);
        *out.status_mut() = status;
        *out.headers_mut() = headers;
        Ok(out)
    }
}

/// reqsign's message, its context lines and its sources' messages.
fn describe_reqsign_error(e: &reqsign_core::Error) -> String {
    let mut text = format!("{}: {}", e.kind(), e);
    for context in e.context() {
        text.push_str("; ");
        text.push_str(context);
    }
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    use std::collections::HashMap;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::UNIX_EPOCH;

    use hmac::{Hmac, KeyInit, Mac};
    use http::HeaderName;
    use reqsign_core::{CommandExecute, CommandOutput, HttpSend, StaticEnv};
    use sha2::{Digest, Sha256};

    // The AWS SigV4 test suite's credentials and time (`context.json` of every vector).
    const AKID: &str = "AKIDEXAMPLE";
    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    const SUITE_TOKEN: &str = "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267";
    const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    fn suite_credentials(token: Option<&str>) -> AwsCredentials {
        AwsCredentials::new(AKID, SECRET, token.map(str::to_owned))
    }

    fn header_map(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(
                HeaderName::from_bytes(name.as_bytes()).unwrap(),
                HeaderValue::from_str(value).unwrap(),
            );
        }
        map
    }

    fn header<'a>(map: &'a HeaderMap, name: &str) -> &'a str {
        map.get(name)
            .unwrap_or_else(|| panic!("no {name} header"))
            .to_str()
            .unwrap()
    }

    // ---- A SigV4 reference written from the specification, independent of aws-sigv4. ----

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    fn sha256_hex(data: &[u8]) -> String {
        hex(&Sha256::digest(data))
    }

    fn hmac(key: &[u8], data: &str) -> Vec<u8> {
        let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
        mac.update(data.as_bytes());
        mac.finalize().into_bytes().to_vec()
    }

    struct Reference<'a> {
        method: &'a str,
        /// Canonical URI (already encoded).
        path: &'a str,
        /// Canonical query string (already sorted and encoded).
        query: &'a str,
        /// Lower-case names, trimmed values: exactly the signed headers.
        headers: Vec<(&'a str, &'a str)>,
        payload: &'a [u8],
        /// `YYYYMMDDTHHMMSSZ`
        amz_date: &'a str,
        region: &'a str,
        service: &'a str,
        access_key_id: &'a str,
        secret: &'a str,
    }

    impl Reference<'_> {
        fn signed_headers(&self) -> String {
            let mut names: Vec<&str> = self.headers.iter().map(|(n, _)| *n).collect();
            names.sort_unstable();
            names.join(";")
        }

        fn canonical_request(&self) -> String {
            let mut headers = self.headers.clone();
            headers.sort_unstable();
            let canonical_headers: String =
                headers.iter().map(|(n, v)| format!("{n}:{v}\n")).collect();
            format!(
                "{}\n{}\n{}\n{}\n{}\n{}",
                self.method,
                self.path,
                self.query,
                canonical_headers,
                self.signed_headers(),
                sha256_hex(self.payload)
            )
        }

        fn scope(&self) -> String {
            format!(
                "{}/{}/{}/aws4_request",
                &self.amz_date[..8],
                self.region,
                self.service
            )
        }

        fn string_to_sign(&self) -> String {
            format!(
                "AWS4-HMAC-SHA256\n{}\n{}\n{}",
                self.amz_date,
                self.scope(),
                sha256_hex(self.canonical_request().as_bytes())
            )
        }

        fn signature(&self) -> String {
            let k_date = hmac(
                format!("AWS4{}", self.secret).as_bytes(),
                &self.amz_date[..8],
            );
            let k_region = hmac(&k_date, self.region);
            let k_service = hmac(&k_region, self.service);
            let k_signing = hmac(&k_service, "aws4_request");
            hex(&hmac(&k_signing, &self.string_to_sign()))
        }

        fn authorization(&self) -> String {
            format!(
                "AWS4-HMAC-SHA256 Credential={}/{}, SignedHeaders={}, Signature={}",
                self.access_key_id,
                self.scope(),
                self.signed_headers(),
                self.signature()
            )
        }
    }

    fn suite_reference<'a>(query: &'a str, headers: Vec<(&'a str, &'a str)>) -> Reference<'a> {
        Reference {
            method: "GET",
            path: "/",
            query,
            headers,
            payload: b"",
            amz_date: "20150830T123600Z",
            region: "us-east-1",
            service: "service",
            access_key_id: AKID,
            secret: SECRET,
        }
    }

    // Published expectations, from the AWS SigV4 test suite (the `aws-signing-test-suite/v4`
    // directory shipped in the aws-sigv4 crate; the same values appear in the test suites
    // of awscrt and other independent SigV4 implementations).
    const GET_VANILLA_CREQ: &str = "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    const GET_VANILLA_STS: &str = "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\nbb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63";
    const GET_VANILLA_AUTHZ: &str = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";
    const GET_VANILLA_TOKEN_AUTHZ: &str = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=07ec1639c89043aa0e3e2de82b96708f198cceab042d4a97044c66dd9f74e7f8";
    const GET_VANILLA_QUERY_ORDER_SIGNATURE: &str =
        "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500";

    #[test]
    fn the_hand_rolled_reference_reproduces_the_published_vectors() {
        let vanilla = suite_reference(
            "",
            vec![
                ("host", "example.amazonaws.com"),
                ("x-amz-date", "20150830T123600Z"),
            ],
        );
        assert_eq!(sha256_hex(b""), EMPTY_SHA256);
        assert_eq!(vanilla.canonical_request(), GET_VANILLA_CREQ);
        assert_eq!(vanilla.string_to_sign(), GET_VANILLA_STS);
        assert_eq!(vanilla.authorization(), GET_VANILLA_AUTHZ);

        let with_token = suite_reference(
            "",
            vec![
                ("host", "example.amazonaws.com"),
                ("x-amz-date", "20150830T123600Z"),
                ("x-amz-security-token", SUITE_TOKEN),
            ],
        );
        assert_eq!(with_token.authorization(), GET_VANILLA_TOKEN_AUTHZ);

        let query = suite_reference(
            "Param1=value1&Param2=value2",
            vec![
                ("host", "example.amazonaws.com"),
                ("x-amz-date", "20150830T123600Z"),
            ],
        );
        assert_eq!(query.signature(), GET_VANILLA_QUERY_ORDER_SIGNATURE);
    }

    /// Signs now; reqsign's signer never waits, so it completes on the first poll.
    fn sign_now(
        method: &Method,
        url: &str,
        headers: &mut HeaderMap,
        body: &[u8],
        credentials: &AwsCredentials,
        region: &str,
        service: &str,
    ) -> Result<(), AwsAuthError> {
        use futures_util::FutureExt;
        sign_request(method, url, headers, body, credentials, region, service)
            .now_or_never()
            .expect("signing completes without waiting")
    }

    /// The `X-Amz-Date` the signer chose, checked to be the current time.
    fn amz_date_now(headers: &HeaderMap) -> String {
        let date = header(headers, "x-amz-date").to_owned();
        let now = reqsign_core::time::Timestamp::now().as_second();
        let [earlier, later] = [now - 2, now + 2].map(|s| {
            reqsign_core::time::Timestamp::from_second(s)
                .unwrap()
                .format_iso8601()
        });
        assert!(
            date.len() == 16 && date >= earlier && date <= later,
            "X-Amz-Date {date} is not now"
        );
        date
    }

    /// Signs a GET of the test suite's host now, with the suite's keys, and checks it
    /// against the reference (`canonical_query` is the query as the reference wants it).
    fn check_suite_get(
        url: &str,
        mut headers: HeaderMap,
        token: Option<&str>,
        canonical_query: &str,
    ) -> HeaderMap {
        sign_now(
            &Method::GET,
            url,
            &mut headers,
            b"",
            &suite_credentials(token),
            "us-east-1",
            "service",
        )
        .unwrap();
        let date = amz_date_now(&headers);
        let mut signed = vec![
            ("host", "example.amazonaws.com"),
            ("x-amz-content-sha256", EMPTY_SHA256),
            ("x-amz-date", date.as_str()),
        ];
        signed.extend(token.map(|t| ("x-amz-security-token", t)));
        let mut reference = suite_reference(canonical_query, signed);
        reference.amz_date = &date;
        assert_eq!(header(&headers, "authorization"), reference.authorization());
        assert_eq!(header(&headers, "x-amz-content-sha256"), EMPTY_SHA256);
        assert!(headers["authorization"].is_sensitive());
        headers
    }

    #[test]
    fn get_vanilla_is_signed_as_the_published_reference_signs_it() {
        let url = "https://example.amazonaws.com/";
        let headers = check_suite_get(
            url,
            header_map(&[("host", "example.amazonaws.com")]),
            None,
            "",
        );
        assert!(headers.get("x-amz-security-token").is_none());
        // The Host comes from the URL when the map has none: same signature.
        check_suite_get(url, HeaderMap::new(), None, "");
    }

    #[test]
    fn a_session_token_and_the_query_order_are_signed_as_the_reference_signs_them() {
        let headers = check_suite_get(
            "https://example.amazonaws.com/?Param2=value2&Param1=value1",
            HeaderMap::new(),
            Some(SUITE_TOKEN),
            "Param1=value1&Param2=value2",
        );
        assert_eq!(header(&headers, "x-amz-security-token"), SUITE_TOKEN);
        assert!(headers["x-amz-security-token"].is_sensitive());
    }

    const CE_BODY: &str = r#"{"TimePeriod":{"Start":"2024-02-01","End":"2024-03-01"},"Granularity":"MONTHLY","Metrics":["UnblendedCost"],"GroupBy":[{"Type":"DIMENSION","Key":"SERVICE"}]}"#;
    const CE_TOKEN: &str = "IQoJb3JpZ2luX2VjEXAMPLE//session+token/with=odd&chars";
    /// 2024-03-05T10:20:30Z
    const CE_SECS: u64 = 1_709_634_030;

    fn ce_headers() -> HeaderMap {
        header_map(&[
            ("content-type", "application/x-amz-json-1.1"),
            ("x-amz-target", "AWSInsightsIndexService.GetCostAndUsage"),
            // Sent, never signed: proxies rewrite it.
            ("user-agent", "cloudcost-test"),
        ])
    }

    /// The reference for a Cost Explorer POST of `body` to `host` (and `path`, as the
    /// canonical request has it), at `amz_date`.
    fn ce_reference<'a>(
        host: &'a str,
        path: &'a str,
        body: &'a [u8],
        body_sha256: &'a str,
        amz_date: &'a str,
    ) -> Reference<'a> {
        Reference {
            method: "POST",
            path,
            query: "",
            headers: vec![
                ("content-type", "application/x-amz-json-1.1"),
                ("host", host),
                ("x-amz-content-sha256", body_sha256),
                ("x-amz-date", amz_date),
                ("x-amz-security-token", CE_TOKEN),
                ("x-amz-target", "AWSInsightsIndexService.GetCostAndUsage"),
            ],
            payload: body,
            amz_date,
            region: "us-east-1",
            service: "ce",
            access_key_id: "ASIAEXAMPLEKEYID1234",
            secret: "ce/secret+key/EXAMPLE0123456789abcdefgh",
        }
    }

    fn ce_credentials() -> AwsCredentials {
        AwsCredentials::new(
            "ASIAEXAMPLEKEYID1234",
            "ce/secret+key/EXAMPLE0123456789abcdefgh",
            Some(CE_TOKEN.to_owned()),
        )
    }

    /// Signs a Cost Explorer POST of `body` to `url` now and checks it against the reference.
    fn check_ce_post(url: &str, host: &str, path: &str, body: &[u8]) -> HeaderMap {
        let mut headers = ce_headers();
        sign_now(
            &Method::POST,
            url,
            &mut headers,
            body,
            &ce_credentials(),
            "us-east-1",
            "ce",
        )
        .unwrap();
        let date = amz_date_now(&headers);
        let body_sha256 = sha256_hex(body);
        let reference = ce_reference(host, path, body, &body_sha256, &date);
        assert_eq!(header(&headers, "authorization"), reference.authorization());
        assert_eq!(header(&headers, "x-amz-content-sha256"), body_sha256);
        headers
    }

    #[test]
    fn a_cost_explorer_post_signs_every_header_and_the_body() {
        let headers = check_ce_post(
            "https://ce.us-east-1.amazonaws.com/",
            "ce.us-east-1.amazonaws.com",
            "/",
            CE_BODY.as_bytes(),
        );
        let authorization = header(&headers, "authorization");
        assert!(
            authorization.contains(
                "SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token;x-amz-target,"
            ),
            "{authorization}"
        );
        assert!(authorization.starts_with("AWS4-HMAC-SHA256 Credential=ASIAEXAMPLEKEYID1234/"));
        assert_eq!(header(&headers, "x-amz-security-token"), CE_TOKEN);
        assert_eq!(header(&headers, "user-agent"), "cloudcost-test");
        assert_eq!(
            header(&headers, "content-type"),
            "application/x-amz-json-1.1"
        );
        // The body is signed: another body, another signature.
        let other = check_ce_post(
            "https://ce.us-east-1.amazonaws.com/",
            "ce.us-east-1.amazonaws.com",
            "/",
            b"{}",
        );
        assert_ne!(header(&other, "authorization"), authorization);

        // Neither the signature nor the token shows in the header map's Debug.
        let signature = authorization.rsplit("Signature=").next().unwrap();
        let debug = format!("{headers:?}");
        assert!(!debug.contains(signature), "{debug}");
        assert!(!debug.contains(CE_TOKEN), "{debug}");
    }

    #[test]
    fn re_signing_the_same_map_replaces_the_previous_signature() {
        let credentials = ce_credentials();
        let mut headers = ce_headers();
        headers.insert("x-amz-date", HeaderValue::from_static("20000101T000000Z"));
        headers.insert(
            "authorization",
            HeaderValue::from_static("AWS4-HMAC-SHA256 stale"),
        );
        for _ in 0..2 {
            sign_now(
                &Method::POST,
                "https://ce.us-east-1.amazonaws.com/",
                &mut headers,
                CE_BODY.as_bytes(),
                &credentials,
                "us-east-1",
                "ce",
            )
            .unwrap();
        }
        for name in SIGNING_HEADERS {
            assert_eq!(headers.get_all(name).iter().count(), 1, "{name}");
        }
        let date = amz_date_now(&headers);
        let body_sha256 = sha256_hex(CE_BODY.as_bytes());
        assert_eq!(
            header(&headers, "authorization"),
            ce_reference(
                "ce.us-east-1.amazonaws.com",
                "/",
                CE_BODY.as_bytes(),
                &body_sha256,
                &date
            )
            .authorization()
        );
    }

    #[test]
    fn a_non_default_port_is_part_of_the_signed_host() {
        check_ce_post(
            "http://127.0.0.1:8443/",
            "127.0.0.1:8443",
            "/",
            CE_BODY.as_bytes(),
        );
        // The scheme's default port is not.
        check_ce_post(
            "https://ce.us-east-1.amazonaws.com:443/",
            "ce.us-east-1.amazonaws.com",
            "/",
            CE_BODY.as_bytes(),
        );
    }

    #[test]
    fn the_path_is_encoded_twice_as_every_service_but_s3_expects() {
        // The wire path is already encoded once; the canonical request encodes it again.
        check_ce_post(
            "https://ce.us-east-1.amazonaws.com/tags/arn%3Aaws%3Ace%3A%3A1/a%20b/c:d",
            "ce.us-east-1.amazonaws.com",
            "/tags/arn%253Aaws%253Ace%253A%253A1/a%2520b/c%3Ad",
            CE_BODY.as_bytes(),
        );
    }

    #[test]
    fn requests_that_cannot_be_signed_are_errors_without_secrets() {
        let credentials = ce_credentials();
        let attempt = |url: &str, headers: &mut HeaderMap, region: &str| {
            sign_now(
                &Method::POST,
                url,
                headers,
                b"{}",
                &credentials,
                region,
                "ce",
            )
            .unwrap_err()
        };
        let mut bad_value = HeaderMap::new();
        bad_value.insert("x-note", HeaderValue::from_bytes(b"caf\xc3\xa9").unwrap());
        let errors = [
            attempt("/relative", &mut HeaderMap::new(), "us-east-1"),
            attempt("not a url", &mut HeaderMap::new(), "us-east-1"),
            attempt(
                "https://ce.us-east-1.amazonaws.com/",
                &mut bad_value,
                "us-east-1",
            ),
            attempt(
                "https://ce.us-east-1.amazonaws.com/",
                &mut HeaderMap::new(),
                "",
            ),
        ];
        for error in &errors {
            assert!(
                matches!(error, AwsAuthError::InvalidRequest { .. }),
                "{error:?}"
            );
            for text in [error.to_string(), format!("{error:?}")] {
                assert!(!text.contains(credentials.secret_access_key()), "{text}");
                assert!(!text.contains(CE_TOKEN), "{text}");
            }
        }
        assert!(errors[2].to_string().contains("x-note"));
    }

    #[test]
    fn credentials_that_expire_before_the_request_is_sent_are_refused_without_secrets() {
        let credentials = ce_credentials().with_expiry(SystemTime::now() + Duration::from_secs(3));
        let error = sign_now(
            &Method::POST,
            "https://ce.us-east-1.amazonaws.com/",
            &mut ce_headers(),
            b"{}",
            &credentials,
            "us-east-1",
            "ce",
        )
        .unwrap_err();
        assert!(matches!(error, AwsAuthError::Signing { .. }), "{error:?}");
        let text = format!("{error} {error:?}");
        assert!(text.contains("expires"), "{text}");
        assert!(!text.contains(credentials.secret_access_key()), "{text}");
        assert!(!text.contains(CE_TOKEN), "{text}");
    }

    #[test]
    fn scrub_removes_the_secret_and_the_token() {
        let credentials = ce_credentials();
        let text = format!(
            "failed with {} and {CE_TOKEN}",
            credentials.secret_access_key()
        );
        assert_eq!(
            credentials.scrub(&text),
            "failed with ** redacted ** and ** redacted **"
        );
    }

    #[test]
    fn debug_of_credentials_shows_the_key_id_only() {
        let credentials = ce_credentials().with_expiry(at(CE_SECS));
        for text in [
            format!("{credentials:?}"),
            format!("{:?}", StaticCredentials::new(credentials.clone())),
            format!("{credentials:#?}"),
        ] {
            assert!(text.contains("ASIAEXAMPLEKEYID1234"), "{text}");
            assert!(text.contains(REDACTED), "{text}");
            assert!(!text.contains(credentials.secret_access_key()), "{text}");
            assert!(!text.contains(CE_TOKEN), "{text}");
        }
        let no_token = AwsCredentials::new("AKID", "sekrit", None);
        assert!(format!("{no_token:?}").contains("session_token: None"));
    }

    #[tokio::test]
    async fn static_credentials_always_work() {
        let provider: Arc<dyn ProvideAwsCredentials> =
            Arc::new(StaticCredentials::new(ce_credentials()));
        let credentials = provider.credentials().await.unwrap();
        assert_eq!(credentials, ce_credentials());
        assert_eq!(credentials.access_key_id(), "ASIAEXAMPLEKEYID1234");
    }

    // ---- The chain, over a fixed environment: no process-wide state, no network. ----

    /// Records every HTTP call the chain attempts, and fails it.
    #[derive(Debug, Default, Clone)]
    struct NoNetwork(Arc<AtomicUsize>);

    impl HttpSend for NoNetwork {
        async fn http_send(
            &self,
            req: http::Request<Bytes>,
        ) -> reqsign_core::Result<http::Response<Bytes>> {
            self.0.fetch_add(1, Ordering::SeqCst);
            Err(reqsign_core::Error::unexpected(format!(
                "test: no network ({})",
                req.uri()
            )))
        }
    }

    /// A `credential_process` stand-in that counts its runs.
    #[derive(Debug, Clone)]
    struct FakeProcess {
        runs: Arc<AtomicUsize>,
        valid_for: Duration,
    }

    impl CommandExecute for FakeProcess {
        async fn command_execute(
            &self,
            program: &str,
            _args: &[&str],
        ) -> reqsign_core::Result<CommandOutput> {
            assert_eq!(program, "fake-credential-process");
            let run = self.runs.fetch_add(1, Ordering::SeqCst) + 1;
            let expiration =
                (reqsign_core::time::Timestamp::now() + self.valid_for).format_rfc3339_zulu();
            let stdout = format!(
                r#"{{"Version":1,"AccessKeyId":"ASIAPROCESS{run}","SecretAccessKey":"process-secret","SessionToken":"process-token","Expiration":"{expiration}"}}"#
            );
            Ok(CommandOutput {
                status: 0,
                stdout: stdout.into_bytes(),
                stderr: Vec::new(),
            })
        }
    }

    struct Fixture {
        dir: tempfile::TempDir,
        http_calls: Arc<AtomicUsize>,
    }

    impl Fixture {
        fn new() -> Self {
            Self {
                dir: tempfile::tempdir().unwrap(),
                http_calls: Arc::default(),
            }
        }

        fn file(&self, name: &str, text: &str) -> String {
            let path = self.dir.path().join(name);
            std::fs::write(&path, text).unwrap();
            path.to_str().unwrap().to_owned()
        }

        /// An environment with `vars`, IMDS disabled and `HOME` in the temporary directory.
        fn env(&self, vars: &[(&str, &str)]) -> StaticEnv {
            let mut envs: HashMap<String, String> = vars
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect();
            envs.insert("AWS_EC2_METADATA_DISABLED".into(), "true".into());
            StaticEnv {
                home_dir: Some(self.dir.path().to_owned()),
                envs,
            }
        }

        fn context(&self, env: StaticEnv) -> Context {
            Context::new()
                .with_env(env)
                .with_file_read(reqsign_file_read_tokio::TokioFileRead)
                .with_http_send(NoNetwork(self.http_calls.clone()))
        }

        fn chain(&self, profile: Option<&str>, vars: &[(&str, &str)]) -> DefaultCredentialsChain {
            DefaultCredentialsChain::with_context(profile, self.context(self.env(vars)))
        }

        fn assert_no_network(&self) {
            assert_eq!(
                self.http_calls.load(Ordering::SeqCst),
                0,
                "the chain made HTTP calls"
            );
        }
    }

    const CREDENTIALS_FILE: &str = "\
[default]
aws_access_key_id = AKIDDEFAULT
aws_secret_access_key = default-secret

[finops]
aws_access_key_id = AKIDFINOPS
aws_secret_access_key = finops-secret
aws_session_token = finops-token
";

    const CONFIG_FILE: &str = "\
[default]
region = us-west-2

[profile finops]
region = eu-central-1

[profile configured]
aws_access_key_id = AKIDCONFIGURED
aws_secret_access_key = configured-secret
region = ap-northeast-2

[profile proc]
credential_process = fake-credential-process --json
";

    /// A one-shot local server that answers any request with `head` and then `body`.
    async fn hostile_server(head: &'static str, body: Vec<u8>) -> String {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            if let Ok((mut stream, _)) = listener.accept().await {
                let mut request = [0u8; 4096];
                let _ = stream.read(&mut request).await;
                let _ = stream.write_all(head.as_bytes()).await;
                let _ = stream.write_all(&body).await;
                let _ = stream.shutdown().await;
            }
        });
        format!("http://{addr}/credentials")
    }

    #[tokio::test]
    async fn credentials_endpoints_are_read_with_a_size_cap() {
        // Declared too large: refused before reading.
        let url = hostile_server(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2147483648\r\n\r\n",
            Vec::new(),
        )
        .await;
        let send = ReqwestSend(reqwest::Client::new());
        let request = http::Request::get(url).body(Bytes::new()).unwrap();
        let err = send.http_send(request).await.unwrap_err();
        assert!(
            err.to_string()
                .contains("the credentials endpoint answered more than 1048576 bytes"),
            "{err}"
        );
        // Undeclared (read to end of stream) and too long: cut off at the cap.
        let url = hostile_server(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n",
            vec![b' '; (MAX_CREDENTIALS_BODY_BYTES as usize) + 1],
        )
        .await;
        let request = http::Request::get(url).body(Bytes::new()).unwrap();
        let err = send.http_send(request).await.unwrap_err();
        assert!(
            err.to_string()
                .contains("the credentials endpoint answered more than 1048576 bytes"),
            "{err}"
        );
        // Within the cap: read as it is.
        let url = hostile_server(
            "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n",
            b"{}".to_vec(),
        )
        .await;
        let request = http::Request::get(url).body(Bytes::new()).unwrap();
        let response = send.http_send(request).await.unwrap();
        assert_eq!(response.body().as_ref(), b"{}");
    }

    #[tokio::test]
    async fn the_chain_reads_environment_variables_first() {
        let fx = Fixture::new();
        let credentials_file = fx.file("credentials", CREDENTIALS_FILE);
        let chain = fx.chain(
            None,
            &[
                ("AWS_ACCESS_KEY_ID", "AKIDENV"),
                ("AWS_SECRET_ACCESS_KEY", "env-secret"),
                ("AWS_SESSION_TOKEN", "env-token"),
                ("AWS_SHARED_CREDENTIALS_FILE", &credentials_file),
            ],
        );
        let credentials = chain.credentials().await.unwrap();
        assert_eq!(credentials.access_key_id(), "AKIDENV");
        assert_eq!(credentials.secret_access_key(), "env-secret");
        assert_eq!(credentials.session_token(), Some("env-token"));
        assert_eq!(credentials.expiry(), None);
        fx.assert_no_network();
    }

    #[tokio::test]
    async fn the_chain_reads_named_profiles_from_the_shared_files() {
        let fx = Fixture::new();
        let credentials_file = fx.file("credentials", CREDENTIALS_FILE);
        let config_file = fx.file("config", CONFIG_FILE);
        let files = [
            ("AWS_SHARED_CREDENTIALS_FILE", credentials_file.as_str()),
            ("AWS_CONFIG_FILE", config_file.as_str()),
        ];

        // `--profile finops`
        let credentials = fx
            .chain(Some("finops"), &files)
            .credentials()
            .await
            .unwrap();
        assert_eq!(credentials.access_key_id(), "AKIDFINOPS");
        assert_eq!(credentials.secret_access_key(), "finops-secret");
        assert_eq!(credentials.session_token(), Some("finops-token"));

        // AWS_PROFILE, and the argument winning over it.
        let mut with_env_profile = files.to_vec();
        with_env_profile.push(("AWS_PROFILE", "finops"));
        let from_env = fx
            .chain(None, &with_env_profile)
            .credentials()
            .await
            .unwrap();
        assert_eq!(from_env.access_key_id(), "AKIDFINOPS");
        let overridden = fx
            .chain(Some("default"), &with_env_profile)
            .credentials()
            .await
            .unwrap();
        assert_eq!(overridden.access_key_id(), "AKIDDEFAULT");

        // Keys in the config file's `[profile NAME]` section.
        let configured = fx
            .chain(Some("configured"), &files)
            .credentials()
            .await
            .unwrap();
        assert_eq!(configured.access_key_id(), "AKIDCONFIGURED");

        // The default files under HOME, when no variable names them.
        std::fs::create_dir(fx.dir.path().join(".aws")).unwrap();
        fx.file(".aws/credentials", CREDENTIALS_FILE);
        let from_home = fx.chain(None, &[]).credentials().await.unwrap();
        assert_eq!(from_home.access_key_id(), "AKIDDEFAULT");
        fx.assert_no_network();
    }

    #[tokio::test]
    async fn an_empty_chain_is_a_no_credentials_error_without_network() {
        let fx = Fixture::new();
        let missing = fx.dir.path().join("missing").to_str().unwrap().to_owned();
        let chain = fx.chain(
            Some("nobody"),
            &[
                ("AWS_SHARED_CREDENTIALS_FILE", &missing),
                ("AWS_CONFIG_FILE", &missing),
            ],
        );
        let error = chain.credentials().await.unwrap_err();
        assert!(
            matches!(&error, AwsAuthError::NoCredentials { profile: Some(p) } if p == "nobody")
        );
        assert!(error.to_string().contains("profile `nobody`"), "{error}");
        assert!(!error.is_retryable());
        fx.assert_no_network();
    }

    #[tokio::test]
    async fn the_chain_caches_until_reqsign_deems_credentials_stale() {
        let fx = Fixture::new();
        let config_file = fx.file("config", CONFIG_FILE);
        let vars = [("AWS_CONFIG_FILE", config_file.as_str())];
        let chain_with = |valid_for| {
            let runs = Arc::new(AtomicUsize::new(0));
            let ctx = fx.context(fx.env(&vars)).with_command_execute(FakeProcess {
                runs: runs.clone(),
                valid_for,
            });
            (
                DefaultCredentialsChain::with_context(Some("proc"), ctx),
                runs,
            )
        };

        // An hour left: loaded once, then served from the cache.
        let (chain, runs) = chain_with(Duration::from_secs(3600));
        let first = chain.credentials().await.unwrap();
        let second = chain.credentials().await.unwrap();
        assert_eq!(runs.load(Ordering::SeqCst), 1);
        assert_eq!(first, second);
        assert_eq!(first.access_key_id(), "ASIAPROCESS1");
        assert_eq!(first.session_token(), Some("process-token"));
        let expiry = first.expiry().expect("process credentials expire");
        assert!(expiry > SystemTime::now() + Duration::from_secs(3000));

        // One minute left (under reqsign's two-minute margin): refreshed on every call.
        let (chain, runs) = chain_with(Duration::from_secs(60));
        assert_eq!(
            chain.credentials().await.unwrap().access_key_id(),
            "ASIAPROCESS1"
        );
        assert_eq!(
            chain.credentials().await.unwrap().access_key_id(),
            "ASIAPROCESS2"
        );
        assert_eq!(runs.load(Ordering::SeqCst), 2);
        fx.assert_no_network();
    }

    #[tokio::test]
    async fn debug_of_the_chain_and_its_errors_hides_secrets() {
        let fx = Fixture::new();
        let chain = fx.chain(
            Some("finops"),
            &[
                ("AWS_ACCESS_KEY_ID", "AKIDENV"),
                ("AWS_SECRET_ACCESS_KEY", "env-secret"),
                ("AWS_SESSION_TOKEN", "env-token"),
            ],
        );
        let credentials = chain.credentials().await.unwrap();
        for text in [format!("{chain:?}"), format!("{credentials:?}")] {
            assert!(!text.contains("env-secret"), "{text}");
            assert!(!text.contains("env-token"), "{text}");
        }
        let error = AwsAuthError::Provider {
            message: "sts: 403".into(),
            retryable: false,
        };
        assert_eq!(
            error.to_string(),
            "loading AWS credentials failed: sts: 403"
        );
    }

    #[test]
    fn region_comes_from_the_environment_then_the_profile() {
        let fx = Fixture::new();
        let config_file = fx.file("config", CONFIG_FILE);
        let config = ("AWS_CONFIG_FILE", config_file.as_str());
        let region = |profile: Option<&str>, vars: &[(&str, &str)]| {
            let mut all = vars.to_vec();
            all.push(config);
            region_from(&fx.env(&all), profile)
        };

        assert_eq!(
            region(None, &[("AWS_REGION", "sa-east-1")]).as_deref(),
            Some("sa-east-1")
        );
        assert_eq!(
            region(
                Some("finops"),
                &[("AWS_REGION", " "), ("AWS_DEFAULT_REGION", "ca-central-1")]
            )
            .as_deref(),
            Some("ca-central-1")
        );
        assert_eq!(region(None, &[]).as_deref(), Some("us-west-2"));
        assert_eq!(region(Some("finops"), &[]).as_deref(), Some("eu-central-1"));
        assert_eq!(
            region(None, &[("AWS_PROFILE", "configured")]).as_deref(),
            Some("ap-northeast-2")
        );
        assert_eq!(region(Some("proc"), &[]), None);
        assert_eq!(region(Some("absent"), &[]), None);

        // `~/` in AWS_CONFIG_FILE, and the default ~/.aws/config.
        std::fs::create_dir(fx.dir.path().join(".aws")).unwrap();
        fx.file(".aws/config", "[profile home]\nregion = eu-north-1\n");
        assert_eq!(
            region_from(&fx.env(&[]), Some("home")).as_deref(),
            Some("eu-north-1")
        );
        assert_eq!(
            region_from(
                &fx.env(&[("AWS_CONFIG_FILE", "~/.aws/config")]),
                Some("home")
            )
            .as_deref(),
            Some("eu-north-1")
        );
    }

    // ---- The public functions over the real process environment, in a child process. ----
    //
    // `default_credentials_chain` and `default_region` read the process environment. Rather
    // than change this process's environment while other tests run, the test re-runs this
    // test binary with a prepared environment (`env_clear`, IMDS disabled, HOME in a
    // temporary directory) and only the ignored `child_process_entry` test selected.

    const CHILD_CASE: &str = "CLOUDCOST_AWS_AUTH_TEST_CHILD";

    fn run_child(case: &str, home: &std::path::Path, vars: &[(&str, &str)]) {
        let output = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "aws_auth::tests::child_process_entry",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env_clear()
            .env("HOME", home)
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env(CHILD_CASE, case)
            .envs(vars.iter().copied())
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.success(),
            "child {case} failed:\n{stdout}\n{stderr}"
        );
        assert!(
            stdout.contains(&format!("child-ok {case}")),
            "child {case} did not run:\n{stdout}\n{stderr}"
        );
    }

    #[test]
    fn the_public_chain_reads_the_process_environment_and_files() {
        let fx = Fixture::new();
        let credentials_file = fx.file("credentials", CREDENTIALS_FILE);
        let config_file = fx.file("config", CONFIG_FILE);
        run_child(
            "env",
            fx.dir.path(),
            &[
                ("AWS_ACCESS_KEY_ID", "AKIDENV"),
                ("AWS_SECRET_ACCESS_KEY", "env-secret"),
                ("AWS_SESSION_TOKEN", "env-token"),
                ("AWS_REGION", "ap-southeast-2"),
            ],
        );
        run_child(
            "files",
            fx.dir.path(),
            &[
                ("AWS_SHARED_CREDENTIALS_FILE", &credentials_file),
                ("AWS_CONFIG_FILE", &config_file),
            ],
        );
    }

    #[test]
    #[ignore = "run in a prepared child process by the_public_chain_reads_the_process_environment_and_files"]
    fn child_process_entry() {
        let Ok(case) = std::env::var(CHILD_CASE) else {
            return;
        };
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        match case.as_str() {
            "env" => {
                let credentials = runtime
                    .block_on(default_credentials_chain(None).credentials())
                    .unwrap();
                assert_eq!(credentials.access_key_id(), "AKIDENV");
                assert_eq!(credentials.secret_access_key(), "env-secret");
                assert_eq!(credentials.session_token(), Some("env-token"));
                assert_eq!(default_region(None).as_deref(), Some("ap-southeast-2"));
            }
            "files" => {
                let credentials = runtime
                    .block_on(default_credentials_chain(Some("finops")).credentials())
                    .unwrap();
                assert_eq!(credentials.access_key_id(), "AKIDFINOPS");
                assert_eq!(credentials.session_token(), Some("finops-token"));
                assert_eq!(
                    default_region(Some("finops")).as_deref(),
                    Some("eu-central-1")
                );
                assert_eq!(default_region(None).as_deref(), Some("us-west-2"));
                let error = runtime
                    .block_on(default_credentials_chain(Some("nobody")).credentials())
                    .unwrap_err();
                assert!(
                    matches!(error, AwsAuthError::NoCredentials { .. }),
                    "{error:?}"
                );
            }
            other => panic!("unknown case {other}"),
        }
        println!("child-ok {case}");
    }
}
