//! Samsung Cloud Platform (SCP) Open API request signing and credentials.
//!
//! Every SCP request carries these headers:
//!
//! | header | value |
//! |---|---|
//! | `Scp-AccessKey` | the access key |
//! | `Scp-Timestamp` | Unix time in milliseconds, decimal |
//! | `Scp-Signature` | `base64_standard(HMAC-SHA256(secret_key, METHOD + URL + TIMESTAMP + ACCESS_KEY + ACCOUNT_ID + CLIENT_TYPE))` |
//! | `Scp-AccountId` | the account id that was signed; sent **always**, empty when none |
//! | `Scp-ClientType` | `Openapi` by default |
//! | `Scp-Api-Version` | `<service> <version>`, e.g. `costexplorer 1.0` |
//! | `Accept-Language` | `en-US` by default |
//!
//! The message is a plain concatenation without separators: the upper-case method, the
//! full URL exactly as sent (scheme, host, path and `?query` when there is one), the same
//! timestamp string as in `Scp-Timestamp`, the access key, the account id (empty when none
//! is configured) and the client type.
//!
//! This follows SCP's own Go SDK (`SamsungSDSCloud/terraform-sdk-samsungcloudplatformv2`):
//! `client/signature_generator.go` (`MakeHmacSignature`: the message and the HMAC),
//! `client/configuration.go` (`SetupRequestHeader`: the headers, `Scp-AccountId` set to
//! `Configuration.AccountId` even when it is empty, the URL signed with `?` + `RawQuery`)
//! and `client/common.go` (the header names and the `Openapi` client type). The server
//! rebuilds the message from these headers, so the account id it reads from
//! `Scp-AccountId` must be the one that was signed. How the query string itself is
//! written is [`crate::query::encode`]'s job.
//!
//! # Credentials
//!
//! [`ScpCredentials::load`] looks in this order:
//!
//! 1. environment: `SCP_ACCESS_KEY`, `SCP_SECRET_KEY`, optional `SCP_ACCOUNT_ID` — used as
//!    soon as either key variable is set (a half-set environment is an error, not a reason
//!    to read some other file);
//! 2. the credentials file: `SCP_CREDENTIALS_FILE` if set, else `~/.scp/credentials`
//!    (`$HOME`, or `%USERPROFILE%` on Windows), profile `SCP_PROFILE` if set, else
//!    `default`. See [`ScpCredentials::from_config_file`] for its format.
//!
//! The secret key is turned into an HMAC key when the credentials are built and is not kept
//! as text; it never appears in `Debug` output or in errors, nor do signatures.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// `Scp-AccessKey` (the Go SDK's spelling; HTTP header names are case-insensitive).
pub const HEADER_ACCESS_KEY: &str = "Scp-AccessKey";
/// `Scp-AccountId`: the signed account id, empty when none.
pub const HEADER_ACCOUNT_ID: &str = "Scp-AccountId";
/// `Scp-Timestamp`.
pub const HEADER_TIMESTAMP: &str = "Scp-Timestamp";
/// `Scp-Signature`.
pub const HEADER_SIGNATURE: &str = "Scp-Signature";
/// `Scp-ClientType`.
pub const HEADER_CLIENT_TYPE: &str = "Scp-ClientType";
/// `Scp-Api-Version`.
pub const HEADER_API_VERSION: &str = "Scp-Api-Version";
/// `Accept-Language`.
pub const HEADER_ACCEPT_LANGUAGE: &str = "Accept-Language";

/// The client type SCP's documentation shows.
pub const DEFAULT_CLIENT_TYPE: &str = "Openapi";
/// The default `Accept-Language`.
pub const DEFAULT_ACCEPT_LANGUAGE: &str = "en-US";

/// Environment variable holding the access key.
pub const ENV_ACCESS_KEY: &str = "SCP_ACCESS_KEY";
/// Environment variable holding the secret key.
pub const ENV_SECRET_KEY: &str = "SCP_SECRET_KEY";
/// Environment variable holding the (optional) account id.
pub const ENV_ACCOUNT_ID: &str = "SCP_ACCOUNT_ID";
/// Environment variable overriding the credentials file path.
pub const ENV_CREDENTIALS_FILE: &str = "SCP_CREDENTIALS_FILE";
/// Environment variable choosing the profile of the credentials file.
pub const ENV_PROFILE: &str = "SCP_PROFILE";
/// The profile used when `SCP_PROFILE` is not set.
pub const DEFAULT_PROFILE: &str = "default";

const REDACTED: &str = "** redacted **";

/// Why SCP credentials could not be loaded. Messages name the variable, file, profile or
/// key at fault, never a secret value or a line of the file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScpCredentialsError {
    /// A required environment variable is unset or empty.
    #[error("SCP credentials: environment variable {var} is not set or is empty")]
    MissingEnv {
        /// The variable's name.
        var: &'static str,
    },
    /// An environment variable is not valid Unicode.
    #[error("SCP credentials: environment variable {var} is not valid Unicode")]
    InvalidEnv {
        /// The variable's name.
        var: &'static str,
    },
    /// The access key given is empty.
    #[error("SCP credentials: the access key is empty")]
    EmptyAccessKey,
    /// The secret key given is empty.
    #[error("SCP credentials: the secret key is empty")]
    EmptySecretKey,
    /// The HMAC implementation rejected the key (HMAC accepts keys of any length, so this
    /// is not expected; it exists so that no code path panics).
    #[error("SCP credentials: the secret key cannot be used as an HMAC key")]
    InvalidSecretKey,
    /// The credentials file could not be read.
    #[error("SCP credentials: cannot read {}: {source}", path.display())]
    ReadFile {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A line of the credentials file is malformed.
    #[error("SCP credentials: {} line {line}: {reason}", path.display())]
    Parse {
        /// The file.
        path: PathBuf,
        /// The line number, from 1.
        line: usize,
        /// What is wrong (the line itself is not shown: it may hold a secret).
        reason: &'static str,
    },
    /// The credentials file has no section for the profile.
    #[error("SCP credentials: {} has no profile `{profile}` (expected a [default] or [profile NAME] section)", path.display())]
    ProfileNotFound {
        /// The file.
        path: PathBuf,
        /// The profile asked for.
        profile: String,
    },
    /// The profile lacks a required key, or has it empty.
    #[error("SCP credentials: profile `{profile}` in {} has no `{key}`", path.display())]
    MissingKey {
        /// The file.
        path: PathBuf,
        /// The profile.
        profile: String,
        /// The key: `access_key` or `secret_key`.
        key: &'static str,
    },
    /// Neither `SCP_CREDENTIALS_FILE` nor a home directory is known.
    #[error("SCP credentials: no home directory (HOME is not set); set SCP_CREDENTIALS_FILE")]
    NoHomeDirectory,
    /// No source had credentials.
    #[error("no SCP credentials: set SCP_ACCESS_KEY and SCP_SECRET_KEY, or write {}", path.display())]
    NotFound {
        /// The credentials file that was looked for.
        path: PathBuf,
    },
}

/// An SCP access key, its secret (kept only as an HMAC key) and an optional account id.
#[derive(Clone)]
pub struct ScpCredentials {
    access_key: String,
    /// The HMAC-SHA256 state keyed with the secret; cloned for every signature.
    mac: HmacSha256,
    account_id: Option<String>,
}

impl fmt::Debug for ScpCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScpCredentials")
            .field("access_key", &self.access_key)
            .field("secret_key", &format_args!("{REDACTED}"))
            .field("account_id", &self.account_id)
            .finish()
    }
}

impl ScpCredentials {
    /// Credentials from an access key and a secret key; both must be non-empty.
    pub fn new(
        access_key: impl Into<String>,
        secret_key: impl AsRef<[u8]>,
    ) -> Result<Self, ScpCredentialsError> {
        let access_key = access_key.into();
        let secret_key = secret_key.as_ref();
        if access_key.is_empty() {
            return Err(ScpCredentialsError::EmptyAccessKey);
        }
        if secret_key.is_empty() {
            return Err(ScpCredentialsError::EmptySecretKey);
        }
        let mac = HmacSha256::new_from_slice(secret_key)
            .map_err(|_| ScpCredentialsError::InvalidSecretKey)?;
        Ok(ScpCredentials {
            access_key,
            mac,
            account_id: None,
        })
    }

    /// Sets the account id signed into every request (an empty one counts as none).
    pub fn with_account_id(mut self, account_id: impl Into<String>) -> Self {
        let account_id = account_id.into();
        self.account_id = (!account_id.is_empty()).then_some(account_id);
        self
    }

    /// The access key.
    pub fn access_key(&self) -> &str {
        &self.access_key
    }

    /// The account id, if one is configured.
    pub fn account_id(&self) -> Option<&str> {
        self.account_id.as_deref()
    }

    /// Reads `SCP_ACCESS_KEY`, `SCP_SECRET_KEY` and the optional `SCP_ACCOUNT_ID`.
    pub fn from_env() -> Result<Self, ScpCredentialsError> {
        Self::from_lookup(&process_env)
    }

    /// Reads a profile from a credentials file.
    ///
    /// The format is INI-like:
    ///
    /// ```text
    /// # whole-line comments start with '#' or ';'
    /// [default]
    /// access_key = AK...
    /// secret_key = ...
    /// account_id = ...        (optional)
    ///
    /// [profile nightly]       ("[nightly]" is accepted too)
    /// access_key = ...
    /// secret_key = ...
    /// ```
    ///
    /// Keys and values are trimmed; everything after the first `=` is the value (secrets
    /// may contain `=` and `#`, so there are no inline comments). Unknown keys are ignored;
    /// a repeated key or section overrides the earlier one.
    pub fn from_config_file(path: &Path, profile: &str) -> Result<Self, ScpCredentialsError> {
        let text =
            std::fs::read_to_string(path).map_err(|source| ScpCredentialsError::ReadFile {
                path: path.to_owned(),
                source,
            })?;
        Self::from_config_text(&text, path, profile)
    }

    /// Reads the credentials file at its default place: `SCP_CREDENTIALS_FILE`, else
    /// `~/.scp/credentials`; profile `SCP_PROFILE`, else `default`.
    pub fn from_default_config_file() -> Result<Self, ScpCredentialsError> {
        let path = default_config_path(&process_env)?;
        let profile = profile_name(&process_env)?;
        Self::from_config_file(&path, &profile)
    }

    /// The environment if it has SCP keys, else the credentials file (see the module docs).
    pub fn load() -> Result<Self, ScpCredentialsError> {
        Self::load_with(&process_env)
    }

    fn load_with(env: &EnvLookup<'_>) -> Result<Self, ScpCredentialsError> {
        if env(ENV_ACCESS_KEY)?.is_some() || env(ENV_SECRET_KEY)?.is_some() {
            return Self::from_lookup(env);
        }
        let path = default_config_path(env)?;
        let profile = profile_name(env)?;
        match std::fs::read_to_string(&path) {
            Ok(text) => Self::from_config_text(&text, &path, &profile),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                Err(ScpCredentialsError::NotFound { path })
            }
            Err(source) => Err(ScpCredentialsError::ReadFile { path, source }),
        }
    }

    fn from_lookup(env: &EnvLookup<'_>) -> Result<Self, ScpCredentialsError> {
        let required = |var: &'static str| env(var)?.ok_or(ScpCredentialsError::MissingEnv { var });
        let access_key = required(ENV_ACCESS_KEY)?;
        let secret_key = required(ENV_SECRET_KEY)?;
        let credentials = ScpCredentials::new(access_key, secret_key)?;
        Ok(match env(ENV_ACCOUNT_ID)? {
            Some(account_id) => credentials.with_account_id(account_id),
            None => credentials,
        })
    }

    fn from_config_text(
        text: &str,
        path: &Path,
        profile: &str,
    ) -> Result<Self, ScpCredentialsError> {
        let profiles = parse_config(text, path)?;
        let Some(keys) = profiles.get(profile) else {
            return Err(ScpCredentialsError::ProfileNotFound {
                path: path.to_owned(),
                profile: profile.to_owned(),
            });
        };
        let required = |key: &'static str| {
            keys.get(key)
                .filter(|value| !value.is_empty())
                .ok_or_else(|| ScpCredentialsError::MissingKey {
                    path: path.to_owned(),
                    profile: profile.to_owned(),
                    key,
                })
        };
        let credentials =
            ScpCredentials::new(required("access_key")?.as_str(), required("secret_key")?)?;
        Ok(match keys.get("account_id") {
            Some(account_id) => credentials.with_account_id(account_id.as_str()),
            None => credentials,
        })
    }

    /// base64(HMAC-SHA256(secret, message)).
    fn signature(&self, message: &str) -> String {
        let mut mac = self.mac.clone();
        mac.update(message.as_bytes());
        base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
    }
}

/// Looks an environment variable up: `Ok(None)` when unset or empty.
type EnvLookup<'a> = dyn Fn(&'static str) -> Result<Option<String>, ScpCredentialsError> + 'a;

fn process_env(var: &'static str) -> Result<Option<String>, ScpCredentialsError> {
    match std::env::var(var) {
        Ok(value) if value.is_empty() => Ok(None),
        Ok(value) => Ok(Some(value)),
        Err(std::env::VarError::NotPresent) => Ok(None),
        // The value itself is not carried: it may be a secret.
        Err(std::env::VarError::NotUnicode(_)) => Err(ScpCredentialsError::InvalidEnv { var }),
    }
}

fn default_config_path(env: &EnvLookup<'_>) -> Result<PathBuf, ScpCredentialsError> {
    if let Some(path) = env(ENV_CREDENTIALS_FILE)? {
        return Ok(PathBuf::from(path));
    }
    let home = match env("HOME")? {
        Some(home) => home,
        None => env("USERPROFILE")?.ok_or(ScpCredentialsError::NoHomeDirectory)?,
    };
    Ok(Path::new(&home).join(".scp").join("credentials"))
}

fn profile_name(env: &EnvLookup<'_>) -> Result<String, ScpCredentialsError> {
    Ok(env(ENV_PROFILE)?.unwrap_or_else(|| DEFAULT_PROFILE.to_owned()))
}

/// Profile name -> key -> value.
fn parse_config(
    text: &str,
    path: &Path,
) -> Result<HashMap<String, HashMap<String, String>>, ScpCredentialsError> {
    let parse_error = |line: usize, reason: &'static str| ScpCredentialsError::Parse {
        path: path.to_owned(),
        line,
        reason,
    };
    let mut profiles: HashMap<String, HashMap<String, String>> = HashMap::new();
    let mut current: Option<String> = None;
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(header) = line.strip_prefix('[') {
            let name = header
                .strip_suffix(']')
                .ok_or_else(|| parse_error(number, "a section header must end with `]`"))?
                .trim();
            let name = match name.strip_prefix("profile ") {
                Some(rest) => rest.trim(),
                None => name,
            };
            if name.is_empty() {
                return Err(parse_error(number, "empty section name"));
            }
            profiles.entry(name.to_owned()).or_default();
            current = Some(name.to_owned());
            continue;
        }
        let (key, value) = line
            .split_once('=')
            .ok_or_else(|| parse_error(number, "expected `key = value`"))?;
        let key = key.trim();
        if key.is_empty() {
            return Err(parse_error(number, "empty key before `=`"));
        }
        let profile = current
            .as_ref()
            .and_then(|name| profiles.get_mut(name))
            .ok_or_else(|| parse_error(number, "`key = value` before any [section]"))?;
        profile.insert(key.to_owned(), value.trim().to_owned());
    }
    Ok(profiles)
}

/// The current time in Unix milliseconds, for `Scp-Timestamp` (0 if the clock is before
/// 1970).
pub fn now_millis() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

/// The SCP headers of one request, signature included. Pure: the time is passed in.
///
/// `full_url` must be the URL exactly as it will be sent (query string encoded, in the
/// order sent). `method` is upper-cased before signing.
pub fn sign(
    method: &str,
    full_url: &str,
    timestamp_ms: u64,
    creds: &ScpCredentials,
    client_type: &str,
    api_version: &str,
    accept_language: &str,
) -> Vec<(&'static str, String)> {
    let timestamp = timestamp_ms.to_string();
    let message = format!(
        "{method}{full_url}{timestamp}{access_key}{account_id}{client_type}",
        method = method.to_ascii_uppercase(),
        access_key = creds.access_key,
        account_id = creds.account_id.as_deref().unwrap_or(""),
    );
    let signature = creds.signature(&message);
    vec![
        (HEADER_ACCESS_KEY, creds.access_key.clone()),
        (
            HEADER_ACCOUNT_ID,
            creds.account_id.clone().unwrap_or_default(),
        ),
        (HEADER_TIMESTAMP, timestamp),
        (HEADER_SIGNATURE, signature),
        (HEADER_CLIENT_TYPE, client_type.to_owned()),
        (HEADER_API_VERSION, api_version.to_owned()),
        (HEADER_ACCEPT_LANGUAGE, accept_language.to_owned()),
    ]
}

/// Credentials plus the per-service header values: what an SCP client keeps to sign.
#[derive(Clone)]
pub struct ScpSigner {
    credentials: ScpCredentials,
    api_version: String,
    client_type: String,
    accept_language: String,
}

impl ScpSigner {
    /// A signer for one API version (e.g. `costexplorer 1.0`), with client type `Openapi`
    /// and `Accept-Language: en-US`.
    pub fn new(credentials: ScpCredentials, api_version: impl Into<String>) -> Self {
        ScpSigner {
            credentials,
            api_version: api_version.into(),
            client_type: DEFAULT_CLIENT_TYPE.to_owned(),
            accept_language: DEFAULT_ACCEPT_LANGUAGE.to_owned(),
        }
    }

    /// Sets `Scp-ClientType` (signed too).
    pub fn with_client_type(mut self, client_type: impl Into<String>) -> Self {
        self.client_type = client_type.into();
        self
    }

    /// Sets `Accept-Language`.
    pub fn with_accept_language(mut self, accept_language: impl Into<String>) -> Self {
        self.accept_language = accept_language.into();
        self
    }

    /// The credentials.
    pub fn credentials(&self) -> &ScpCredentials {
        &self.credentials
    }

    /// The headers for a request at `timestamp_ms`; see [`sign`].
    pub fn sign(
        &self,
        method: &str,
        full_url: &str,
        timestamp_ms: u64,
    ) -> Vec<(&'static str, String)> {
        sign(
            method,
            full_url,
            timestamp_ms,
            &self.credentials,
            &self.client_type,
            &self.api_version,
            &self.accept_language,
        )
    }

    /// The headers for a request sent now.
    pub fn sign_now(&self, method: &str, full_url: &str) -> Vec<(&'static str, String)> {
        self.sign(method, full_url, now_millis())
    }
}

impl fmt::Debug for ScpSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScpSigner")
            .field("credentials", &self.credentials)
            .field("api_version", &self.api_version)
            .field("client_type", &self.client_type)
            .field("accept_language", &self.accept_language)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "scp-example-secret/+=0123456789";
    const ACCESS: &str = "SCPEXAMPLEACCESSKEY";
    const URL: &str = "https://costexplorer.s.samsungsdscloud.com/v1/usages?start_date=2024-01-01&end_date=2024-01-31&limit=3&account_id=a1&account_id=a2";
    const TIMESTAMP: u64 = 1_700_000_000_123;

    fn creds() -> ScpCredentials {
        ScpCredentials::new(ACCESS, SECRET)
            .unwrap()
            .with_account_id("acct-0123")
    }

    fn header<'a>(headers: &'a [(&'static str, String)], name: &str) -> &'a str {
        let found: Vec<_> = headers.iter().filter(|(n, _)| *n == name).collect();
        assert_eq!(
            found.len(),
            1,
            "{name} in {:?}",
            headers.iter().map(|h| h.0).collect::<Vec<_>>()
        );
        &found[0].1
    }

    /// The documented formula, computed here with hmac/sha2/base64 directly.
    fn expected_signature(secret: &str, message: &str) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(message.as_bytes());
        base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
    }

    #[test]
    fn headers_match_the_documented_formula() {
        let headers = sign(
            "get",
            URL,
            TIMESTAMP,
            &creds(),
            "Openapi",
            "costexplorer 1.0",
            "ko-KR",
        );
        let names: Vec<_> = headers.iter().map(|(n, _)| *n).collect();
        assert_eq!(
            names,
            [
                "Scp-AccessKey",
                "Scp-AccountId",
                "Scp-Timestamp",
                "Scp-Signature",
                "Scp-ClientType",
                "Scp-Api-Version",
                "Accept-Language"
            ]
        );
        assert_eq!(header(&headers, "Scp-AccessKey"), ACCESS);
        assert_eq!(header(&headers, "Scp-AccountId"), "acct-0123");
        assert_eq!(header(&headers, "Scp-Timestamp"), "1700000000123");
        assert_eq!(header(&headers, "Scp-ClientType"), "Openapi");
        assert_eq!(header(&headers, "Scp-Api-Version"), "costexplorer 1.0");
        assert_eq!(header(&headers, "Accept-Language"), "ko-KR");
        let message = ["GET", URL, "1700000000123", ACCESS, "acct-0123", "Openapi"].concat();
        assert_eq!(
            header(&headers, "Scp-Signature"),
            expected_signature(SECRET, &message)
        );
    }

    #[test]
    fn known_answer_vectors() {
        // Computed once, independently, with Python 3's standard library:
        //   msg = "GET" + URL + "1700000000123" + "SCPEXAMPLEACCESSKEY" + "acct-0123" + "Openapi"
        //   base64.b64encode(hmac.new(b"scp-example-secret/+=0123456789", msg.encode(),
        //                             hashlib.sha256).digest()).decode()
        let headers = sign(
            "GET",
            URL,
            TIMESTAMP,
            &creds(),
            "Openapi",
            "costexplorer 1.0",
            "en-US",
        );
        assert_eq!(
            header(&headers, "Scp-Signature"),
            "2FBxpcjVfS71MGeND3JtU3rcgk1brx1oioar8EqqY8A="
        );
        // Same, without an account id (the empty string is signed) and without a query:
        //   msg = "GET" + "https://costexplorer.s.samsungsdscloud.com/v1/usages"
        //         + "1700000000123" + "SCPEXAMPLEACCESSKEY" + "" + "Openapi"
        let no_account = ScpCredentials::new(ACCESS, SECRET).unwrap();
        let signer = ScpSigner::new(no_account, "costexplorer 1.0");
        let headers = signer.sign(
            "GET",
            "https://costexplorer.s.samsungsdscloud.com/v1/usages",
            TIMESTAMP,
        );
        assert_eq!(
            header(&headers, "Scp-Signature"),
            "R3jN6n3a5xahsvd3OoJAgj5oUCX9JZp86OuYRBXaAq0="
        );
        assert_eq!(header(&headers, "Accept-Language"), "en-US");
        assert_eq!(header(&headers, "Scp-ClientType"), "Openapi");
        // The Go SDK sends `Scp-AccountId` even when it is empty.
        assert_eq!(header(&headers, "Scp-AccountId"), "");
    }

    #[test]
    fn every_signed_part_changes_the_signature() {
        let base = sign(
            "GET",
            URL,
            TIMESTAMP,
            &creds(),
            "Openapi",
            "costexplorer 1.0",
            "en-US",
        );
        let sig = |h: &[(&'static str, String)]| header(h, "Scp-Signature").to_owned();
        let variants = [
            sign(
                "POST",
                URL,
                TIMESTAMP,
                &creds(),
                "Openapi",
                "costexplorer 1.0",
                "en-US",
            ),
            sign(
                "GET",
                &URL.replace("limit=3", "limit=4"),
                TIMESTAMP,
                &creds(),
                "Openapi",
                "costexplorer 1.0",
                "en-US",
            ),
            sign(
                "GET",
                URL,
                TIMESTAMP + 1,
                &creds(),
                "Openapi",
                "costexplorer 1.0",
                "en-US",
            ),
            sign(
                "GET",
                URL,
                TIMESTAMP,
                &creds().with_account_id("other"),
                "Openapi",
                "costexplorer 1.0",
                "en-US",
            ),
            sign(
                "GET",
                URL,
                TIMESTAMP,
                &creds(),
                "Other",
                "costexplorer 1.0",
                "en-US",
            ),
        ];
        for variant in &variants {
            assert_ne!(sig(variant), sig(&base));
        }
        // Headers that are not part of the message do not change it.
        let unsigned = sign(
            "GET",
            URL,
            TIMESTAMP,
            &creds(),
            "Openapi",
            "other 2.0",
            "ko-KR",
        );
        assert_eq!(sig(&unsigned), sig(&base));
    }

    #[test]
    fn debug_never_shows_the_secret_or_the_signature() {
        let credentials = creds();
        let signer = ScpSigner::new(credentials.clone(), "costexplorer 1.0");
        let signature = header(&signer.sign("GET", URL, TIMESTAMP), "Scp-Signature").to_owned();
        for text in [
            format!("{credentials:?}"),
            format!("{credentials:#?}"),
            format!("{signer:?}"),
            format!("{signer:#?}"),
        ] {
            assert!(!text.contains(SECRET), "{text}");
            assert!(!text.contains("scp-example-secret"), "{text}");
            assert!(!text.contains(&signature), "{text}");
            assert!(text.contains("** redacted **"), "{text}");
            assert!(text.contains(ACCESS), "{text}");
        }
    }

    fn lookup(
        vars: &[(&'static str, &str)],
    ) -> impl Fn(&'static str) -> Result<Option<String>, ScpCredentialsError> {
        let vars: HashMap<&'static str, String> =
            vars.iter().map(|(k, v)| (*k, (*v).to_owned())).collect();
        move |var| Ok(vars.get(var).filter(|v| !v.is_empty()).cloned())
    }

    #[test]
    fn from_environment() {
        let env = lookup(&[
            ("SCP_ACCESS_KEY", ACCESS),
            ("SCP_SECRET_KEY", SECRET),
            ("SCP_ACCOUNT_ID", "acct-0123"),
        ]);
        let credentials = ScpCredentials::from_lookup(&env).unwrap();
        assert_eq!(credentials.access_key(), ACCESS);
        assert_eq!(credentials.account_id(), Some("acct-0123"));
        let expected = sign("GET", URL, TIMESTAMP, &creds(), "Openapi", "v", "l");
        assert_eq!(
            sign("GET", URL, TIMESTAMP, &credentials, "Openapi", "v", "l"),
            expected
        );

        let env = lookup(&[("SCP_ACCESS_KEY", ACCESS), ("SCP_SECRET_KEY", SECRET)]);
        assert_eq!(
            ScpCredentials::from_lookup(&env).unwrap().account_id(),
            None
        );
    }

    #[test]
    fn missing_environment_variables_are_named() {
        let error =
            ScpCredentials::from_lookup(&lookup(&[("SCP_SECRET_KEY", SECRET)])).unwrap_err();
        assert!(matches!(
            error,
            ScpCredentialsError::MissingEnv {
                var: "SCP_ACCESS_KEY"
            }
        ));
        let message = error.to_string();
        assert!(
            message.contains("SCP_ACCESS_KEY") && !message.contains(SECRET),
            "{message}"
        );

        let env = lookup(&[("SCP_ACCESS_KEY", ACCESS), ("SCP_SECRET_KEY", "")]);
        let message = ScpCredentials::from_lookup(&env).unwrap_err().to_string();
        assert!(message.contains("SCP_SECRET_KEY"), "{message}");
    }

    #[test]
    fn credentials_file_profiles() {
        let text = "\
# SCP credentials
[default]
access_key = DEFAULTKEY
secret_key = default=secret#not-a-comment

; another comment
[profile nightly]
access_key=NIGHTLYKEY
secret_key=nightly-secret
account_id = acct-9

[bare]
access_key = BAREKEY
secret_key = bare-secret
unknown = ignored
";
        let path = Path::new("/tmp/credentials");
        let default = ScpCredentials::from_config_text(text, path, "default").unwrap();
        assert_eq!(default.access_key(), "DEFAULTKEY");
        assert_eq!(default.account_id(), None);
        // Everything after the first '=' is the secret, '#' included.
        let expected = ScpCredentials::new("DEFAULTKEY", "default=secret#not-a-comment").unwrap();
        assert_eq!(
            sign("GET", URL, 1, &default, "Openapi", "v", "l"),
            sign("GET", URL, 1, &expected, "Openapi", "v", "l")
        );

        let nightly = ScpCredentials::from_config_text(text, path, "nightly").unwrap();
        assert_eq!(nightly.access_key(), "NIGHTLYKEY");
        assert_eq!(nightly.account_id(), Some("acct-9"));

        let bare = ScpCredentials::from_config_text(text, path, "bare").unwrap();
        assert_eq!(bare.access_key(), "BAREKEY");
    }

    #[test]
    fn credentials_file_errors_name_the_problem_but_not_the_secret() {
        let path = Path::new("/etc/scp/credentials");
        let text = "[default]\naccess_key = AK\n[profile p]\nsecret_key = hush-hush\n";

        let error = ScpCredentials::from_config_text(text, path, "default").unwrap_err();
        let message = error.to_string();
        assert!(matches!(
            error,
            ScpCredentialsError::MissingKey {
                key: "secret_key",
                ..
            }
        ));
        assert!(
            message.contains("`secret_key`") && message.contains("`default`"),
            "{message}"
        );

        let message = ScpCredentials::from_config_text(text, path, "p")
            .unwrap_err()
            .to_string();
        assert!(
            message.contains("`access_key`") && !message.contains("hush-hush"),
            "{message}"
        );

        let error = ScpCredentials::from_config_text(text, path, "prod").unwrap_err();
        assert!(
            matches!(error, ScpCredentialsError::ProfileNotFound { .. }),
            "{error}"
        );
        assert!(error.to_string().contains("`prod`"));

        let error = ScpCredentials::from_config_text("[default]\nhush-hush\n", path, "default")
            .unwrap_err();
        let message = error.to_string();
        assert!(
            matches!(error, ScpCredentialsError::Parse { line: 2, .. }),
            "{message}"
        );
        assert!(!message.contains("hush-hush"), "{message}");

        let error = ScpCredentials::from_config_text("secret_key = hush-hush\n", path, "default")
            .unwrap_err();
        assert!(
            matches!(error, ScpCredentialsError::Parse { line: 1, .. }),
            "{error}"
        );
        assert!(!error.to_string().contains("hush-hush"));

        let error = ScpCredentials::from_config_text("[default\n", path, "default").unwrap_err();
        assert!(
            matches!(error, ScpCredentialsError::Parse { line: 1, .. }),
            "{error}"
        );
    }

    #[test]
    fn credentials_file_on_disk_and_the_load_order() {
        let dir =
            std::env::temp_dir().join(format!("cloudcost-runtime-scp-{}", std::process::id()));
        std::fs::create_dir_all(dir.join(".scp")).unwrap();
        let file = dir.join(".scp").join("credentials");
        std::fs::write(&file, "[default]\naccess_key = FILEKEY\nsecret_key = file-secret\n[profile p]\naccess_key = PKEY\nsecret_key = p-secret\n").unwrap();
        let home = dir.to_str().unwrap().to_owned();

        let from_file = ScpCredentials::from_config_file(&file, "default").unwrap();
        assert_eq!(from_file.access_key(), "FILEKEY");

        // No keys in the environment: ~/.scp/credentials, profile from SCP_PROFILE.
        let loaded = ScpCredentials::load_with(&lookup(&[("HOME", &home)])).unwrap();
        assert_eq!(loaded.access_key(), "FILEKEY");
        let loaded =
            ScpCredentials::load_with(&lookup(&[("HOME", &home), ("SCP_PROFILE", "p")])).unwrap();
        assert_eq!(loaded.access_key(), "PKEY");

        // SCP_CREDENTIALS_FILE wins over HOME.
        let elsewhere = dir.join("elsewhere");
        std::fs::write(
            &elsewhere,
            "[default]\naccess_key = ELSEKEY\nsecret_key = s\n",
        )
        .unwrap();
        let env = lookup(&[
            ("HOME", &home),
            ("SCP_CREDENTIALS_FILE", elsewhere.to_str().unwrap()),
        ]);
        assert_eq!(
            ScpCredentials::load_with(&env).unwrap().access_key(),
            "ELSEKEY"
        );

        // Keys in the environment win over the file; half-set keys are an error.
        let env = lookup(&[
            ("HOME", &home),
            ("SCP_ACCESS_KEY", "ENVKEY"),
            ("SCP_SECRET_KEY", "e"),
        ]);
        assert_eq!(
            ScpCredentials::load_with(&env).unwrap().access_key(),
            "ENVKEY"
        );
        let env = lookup(&[("HOME", &home), ("SCP_ACCESS_KEY", "ENVKEY")]);
        let error = ScpCredentials::load_with(&env).unwrap_err();
        assert!(
            matches!(
                error,
                ScpCredentialsError::MissingEnv {
                    var: "SCP_SECRET_KEY"
                }
            ),
            "{error}"
        );

        // Nothing anywhere.
        let nowhere = dir.join("nowhere");
        let error =
            ScpCredentials::load_with(&lookup(&[("HOME", nowhere.to_str().unwrap())])).unwrap_err();
        assert!(
            matches!(error, ScpCredentialsError::NotFound { .. }),
            "{error}"
        );
        assert!(error.to_string().contains("SCP_ACCESS_KEY"), "{error}");
        let error = ScpCredentials::load_with(&lookup(&[])).unwrap_err();
        assert!(
            matches!(error, ScpCredentialsError::NoHomeDirectory),
            "{error}"
        );

        let error = ScpCredentials::from_config_file(&nowhere, "default").unwrap_err();
        assert!(
            matches!(error, ScpCredentialsError::ReadFile { .. }),
            "{error}"
        );

        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn empty_keys_are_rejected() {
        assert!(matches!(
            ScpCredentials::new("", "s"),
            Err(ScpCredentialsError::EmptyAccessKey)
        ));
        assert!(matches!(
            ScpCredentials::new("a", ""),
            Err(ScpCredentialsError::EmptySecretKey)
        ));
        assert_eq!(
            ScpCredentials::new("a", "s")
                .unwrap()
                .with_account_id("")
                .account_id(),
            None
        );
    }

    #[test]
    fn now_is_after_2023() {
        assert!(now_millis() > 1_672_531_200_000);
    }
}
