//! Client configuration: one builder for every generated client.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

#[cfg(feature = "aws")]
use crate::aws_auth::{AwsCredentials, ProvideAwsCredentials, StaticCredentials};
use crate::retry::{RetryConfig, Sleep, TokioSleep};
#[cfg(feature = "scp")]
use crate::scp::ScpCredentials;

/// Settings of a client. Build with [`Config::builder`]; every setting has a default.
#[derive(Clone)]
pub struct Config {
    pub(crate) endpoint_url: Option<String>,
    pub(crate) endpoint_variables: Vec<(String, String)>,
    pub(crate) region: Option<String>,
    pub(crate) profile: Option<String>,
    pub(crate) retry: RetryConfig,
    pub(crate) connect_timeout: Duration,
    pub(crate) attempt_timeout: Option<Duration>,
    pub(crate) total_timeout: Option<Duration>,
    pub(crate) accept_language: String,
    #[cfg(feature = "aws")]
    pub(crate) aws_credentials: Option<Arc<dyn ProvideAwsCredentials>>,
    #[cfg(feature = "scp")]
    pub(crate) scp_credentials: Option<ScpCredentials>,
    pub(crate) sleep: Arc<dyn Sleep>,
    pub(crate) http: Option<reqwest::Client>,
    pub(crate) max_response_bytes: u64,
    pub(crate) max_error_body_bytes: u64,
    pub(crate) max_pages: usize,
    pub(crate) page_stream_deadline: Option<Duration>,
    pub(crate) date_rules: DateRules,
}

/// Whether requests are checked against the spec's rules about today (how far back a
/// period may start for each granularity, that it does not start in the future: the
/// `lookback` and `notFuture` rules), and on which day.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum DateRules {
    /// The default: against the system clock (UTC) when calling the service's own
    /// endpoint; not with an [`ConfigBuilder::endpoint_url`] (a mock or a proxy may hold
    /// any dates).
    #[default]
    Auto,
    /// Against this day (a clock for tests and reruns), whatever the endpoint.
    At(cloudcost_types::chrono::NaiveDate),
    /// Against the system clock, whatever the endpoint.
    SystemClock,
    /// Not checked.
    Off,
}

impl Config {
    /// A builder holding these settings, to change some of them.
    pub fn into_builder(self) -> ConfigBuilder {
        ConfigBuilder(self)
    }

    /// The day requests are checked against, if they are ([`DateRules`]).
    pub fn date_rules_day(&self) -> Option<cloudcost_types::chrono::NaiveDate> {
        match self.date_rules {
            DateRules::Off => None,
            DateRules::At(day) => Some(day),
            DateRules::Auto if self.endpoint_url.is_some() => None,
            DateRules::Auto | DateRules::SystemClock => Some(system_today()),
        }
    }
}

/// Today in UTC from the system clock (chrono's own clock is not compiled in).
fn system_today() -> cloudcost_types::chrono::NaiveDate {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    cloudcost_types::chrono::DateTime::from_timestamp(secs, 0)
        .map(|t| t.date_naive())
        .unwrap_or_default()
}

/// Default [`ConfigBuilder::max_response_bytes`]: 128 MiB. The largest real pages are tens
/// of MB (a GetReservationUtilization page of 19.7 MB is in the benchmarks).
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 128 << 20;
/// Default [`ConfigBuilder::max_error_body_bytes`]: 1 MiB. Real error bodies are a few
/// hundred bytes.
pub const DEFAULT_MAX_ERROR_BODY_BYTES: u64 = 1 << 20;
/// Default [`ConfigBuilder::max_pages`]: 10,000 pages per stream.
pub const DEFAULT_MAX_PAGES: usize = 10_000;

impl fmt::Debug for Config {
    // Credentials print through their own redacting Debug impls.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Config");
        #[cfg(feature = "aws")]
        d.field("aws_credentials", &self.aws_credentials);
        #[cfg(feature = "scp")]
        d.field("scp_credentials", &self.scp_credentials);
        d.field("endpoint_url", &self.endpoint_url)
            .field("endpoint_variables", &self.endpoint_variables)
            .field("region", &self.region)
            .field("profile", &self.profile)
            .field("retry", &self.retry)
            .field("connect_timeout", &self.connect_timeout)
            .field("attempt_timeout", &self.attempt_timeout)
            .field("total_timeout", &self.total_timeout)
            .field("accept_language", &self.accept_language)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("max_error_body_bytes", &self.max_error_body_bytes)
            .field("max_pages", &self.max_pages)
            .field("page_stream_deadline", &self.page_stream_deadline)
            .field("date_rules", &self.date_rules)
            .finish_non_exhaustive()
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            endpoint_url: None,
            endpoint_variables: Vec::new(),
            region: None,
            profile: None,
            retry: RetryConfig::default(),
            connect_timeout: Duration::from_secs(10),
            attempt_timeout: Some(Duration::from_secs(60)),
            total_timeout: Some(Duration::from_secs(300)),
            accept_language: "en-US".to_string(),
            #[cfg(feature = "aws")]
            aws_credentials: None,
            #[cfg(feature = "scp")]
            scp_credentials: None,
            sleep: Arc::new(TokioSleep),
            http: None,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            max_error_body_bytes: DEFAULT_MAX_ERROR_BODY_BYTES,
            max_pages: DEFAULT_MAX_PAGES,
            page_stream_deadline: None,
            date_rules: DateRules::Auto,
        }
    }
}

impl Config {
    /// A builder with the defaults: the service's default endpoint, the region from
    /// `AWS_REGION` / the profile, credentials from the standard chain (AWS) or
    /// `SCP_ACCESS_KEY` / `~/.scp/credentials` (SCP), 3 attempts with 1 s base and 20 s cap,
    /// 10 s connect, 60 s per attempt and 300 s total timeouts, response bodies up to
    /// 128 MiB (error bodies 1 MiB), page streams up to 10,000 pages with no deadline.
    pub fn builder() -> ConfigBuilder {
        ConfigBuilder(Config::default())
    }
}

/// Builds a [`Config`].
#[derive(Debug, Default)]
#[must_use]
pub struct ConfigBuilder(Config);

impl ConfigBuilder {
    /// Sends requests here instead of the service's default endpoint (a mock, a proxy).
    pub fn endpoint_url(mut self, url: impl Into<String>) -> Self {
        self.0.endpoint_url = Some(url.into());
        self
    }

    /// Sets a variable of the service's endpoint template, e.g. SCP's environment:
    /// `.endpoint_variable("environment", "g")` for
    /// `https://costexplorer.g.samsungsdscloud.com`. It wins over the variable's
    /// environment variable (`SCP_ENVIRONMENT`) and the spec's default; a value the spec
    /// does not allow is refused when the client is built. Ignored when
    /// [`endpoint_url`](Self::endpoint_url) is set.
    pub fn endpoint_variable(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        let name = name.into();
        self.0.endpoint_variables.retain(|(n, _)| *n != name);
        self.0.endpoint_variables.push((name, value.into()));
        self
    }

    /// The region (for services whose endpoint or signature depends on it).
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.0.region = Some(region.into());
        self
    }

    /// The AWS (or SCP) profile to read credentials and region from.
    pub fn profile(mut self, profile: impl Into<String>) -> Self {
        self.0.profile = Some(profile.into());
        self
    }

    /// Retry settings.
    pub fn retry(mut self, retry: RetryConfig) -> Self {
        self.0.retry = retry;
        self
    }

    /// Time allowed to establish a connection.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.0.connect_timeout = timeout;
        self
    }

    /// Time allowed for one attempt, or `None` for no limit.
    pub fn attempt_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.0.attempt_timeout = timeout;
        self
    }

    /// Time allowed for the whole call including retries, or `None` for no limit.
    pub fn total_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.0.total_timeout = timeout;
        self
    }

    /// `Accept-Language` sent to SCP (default `en-US`).
    pub fn accept_language(mut self, language: impl Into<String>) -> Self {
        self.0.accept_language = language.into();
        self
    }

    /// Fixed AWS credentials instead of the standard chain.
    #[cfg(feature = "aws")]
    pub fn aws_credentials(mut self, credentials: AwsCredentials) -> Self {
        self.0.aws_credentials = Some(Arc::new(StaticCredentials::new(credentials)));
        self
    }

    /// A custom AWS credentials provider.
    #[cfg(feature = "aws")]
    pub fn aws_credentials_provider(mut self, provider: Arc<dyn ProvideAwsCredentials>) -> Self {
        self.0.aws_credentials = Some(provider);
        self
    }

    /// SCP credentials instead of the environment or config file.
    #[cfg(feature = "scp")]
    pub fn scp_credentials(mut self, credentials: ScpCredentials) -> Self {
        self.0.scp_credentials = Some(credentials);
        self
    }

    /// How to wait between attempts (tests substitute a recording sleeper).
    pub fn sleep(mut self, sleep: Arc<dyn Sleep>) -> Self {
        self.0.sleep = sleep;
        self
    }

    /// A preconfigured HTTP client (proxies, custom TLS roots).
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.0.http = Some(client);
        self
    }

    /// The largest response body accepted (default [`DEFAULT_MAX_RESPONSE_BYTES`]). A
    /// larger `Content-Length` is refused before reading; a longer body is cut off when
    /// it passes the limit. Either way the call fails with
    /// [`Error::BodyTooLarge`](crate::Error::BodyTooLarge).
    pub fn max_response_bytes(mut self, bytes: u64) -> Self {
        self.0.max_response_bytes = bytes;
        self
    }

    /// The largest error response body accepted (default
    /// [`DEFAULT_MAX_ERROR_BODY_BYTES`]); see [`max_response_bytes`](Self::max_response_bytes).
    pub fn max_error_body_bytes(mut self, bytes: u64) -> Self {
        self.0.max_error_body_bytes = bytes;
        self
    }

    /// The most pages one `*_pages` / `*_items` stream fetches (default
    /// [`DEFAULT_MAX_PAGES`]); the stream then ends with
    /// [`PaginationError::TooManyPages`](crate::PaginationError::TooManyPages). It bounds a
    /// server that hands out a fresh token forever.
    pub fn max_pages(mut self, pages: usize) -> Self {
        self.0.max_pages = pages;
        self
    }

    /// A deadline for a whole page stream, from its first poll (default none: each call
    /// still has its own timeouts). Past it the stream ends with
    /// [`PaginationError::Deadline`](crate::PaginationError::Deadline).
    pub fn page_stream_deadline(mut self, deadline: Option<Duration>) -> Self {
        self.0.page_stream_deadline = deadline;
        self
    }

    /// Whether and against which day requests are checked for the spec's rules about
    /// today (default [`DateRules::Auto`]: the system clock, unless an endpoint URL is set).
    pub fn date_rules(mut self, rules: DateRules) -> Self {
        self.0.date_rules = rules;
        self
    }

    /// The configuration.
    pub fn build(self) -> Config {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cloudcost_types::chrono::NaiveDate;

    #[test]
    fn date_rules_follow_the_endpoint_unless_told() {
        let day = NaiveDate::from_ymd_opt(2024, 6, 10).unwrap();
        assert!(Config::builder().build().date_rules_day().is_some());
        let custom = || Config::builder().endpoint_url("http://127.0.0.1:1");
        assert_eq!(custom().build().date_rules_day(), None);
        let at = custom().date_rules(DateRules::At(day)).build();
        assert_eq!(at.date_rules_day(), Some(day));
        assert!(custom()
            .date_rules(DateRules::SystemClock)
            .build()
            .date_rules_day()
            .is_some());
        assert_eq!(
            Config::builder()
                .date_rules(DateRules::Off)
                .build()
                .date_rules_day(),
            None
        );
        let rebuilt = at.into_builder().region("eu-west-1").build();
        assert_eq!(rebuilt.date_rules_day(), Some(day));
    }
}
