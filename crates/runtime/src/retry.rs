//! Retries in the style of the AWS SDKs' "standard" mode.
//!
//! - A fixed number of **attempts in total** (3 by default, the first one included).
//! - **Exponential backoff with full jitter**: before retry `n` (1 for the first retry)
//!   the client waits `uniform(0, min(cap, base * 2^(n-1)))`. Full jitter spreads clients
//!   that were throttled at the same moment over the whole window instead of making them
//!   come back together.
//! - A **server hint** (`Retry-After`, `retryAfterSeconds`) replaces the jittered delay.
//! - A client-wide **retry budget** (a token bucket) stops retry storms: when a service is
//!   down, every request would otherwise multiply its load by the attempt count.
//!
//! What is retryable is decided from the spec's facts (the generated client passes each
//! service's retryable and throttling error codes to [`classify_http`]); this module holds
//! no per-service knowledge. Sleeping uses [`tokio::time::sleep`], so tests run on a paused
//! clock and never wait for real.

use std::collections::hash_map::RandomState;
use std::fmt;
use std::future::Future;
use std::hash::BuildHasher;
use std::pin::Pin;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Why an attempt failed, as far as retrying is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The service asked us to slow down: HTTP 429 or a throttling error code
    /// (Cost Explorer's `LimitExceededException`, which arrives as HTTP 400).
    Throttling,
    /// A server-side failure that may pass: HTTP 500, 502, 503, 504, or an error code the
    /// spec marks retryable.
    TransientServer,
    /// The request may not have reached the service: connection reset or refused, timeout.
    Transport,
    /// Retrying cannot help (validation, authorization, not found, ...).
    NotRetryable,
}

impl ErrorKind {
    /// Whether an error of this kind is worth another attempt.
    pub fn is_retryable(self) -> bool {
        !matches!(self, ErrorKind::NotRetryable)
    }

    /// A short stable name, used in tracing events.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Throttling => "throttling",
            ErrorKind::TransientServer => "transient_server",
            ErrorKind::Transport => "transport",
            ErrorKind::NotRetryable => "not_retryable",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Classifies an HTTP error response.
///
/// `error_code` is the already-sanitized code (see [`crate::error_code()`]);
/// `retryable_codes` and `throttling_codes` come from the spec (`x-cloudcost-error`'s
/// `retryable` / `throttling` facts), so service knowledge stays in the specs.
///
/// Order of the rules, first match wins:
/// 1. a code in `throttling_codes`, or HTTP 429 → [`ErrorKind::Throttling`]
///    (Cost Explorer's `LimitExceededException` is throttling although it is a 400);
/// 2. a code in `retryable_codes` → [`ErrorKind::TransientServer`];
/// 3. HTTP 500, 502, 503, 504 → [`ErrorKind::TransientServer`];
/// 4. anything else (`ValidationException`, `AccessDeniedException`, other 4xx) →
///    [`ErrorKind::NotRetryable`].
pub fn classify_http(
    status: u16,
    error_code: Option<&str>,
    retryable_codes: &[&str],
    throttling_codes: &[&str],
) -> ErrorKind {
    let listed = |codes: &[&str]| error_code.is_some_and(|code| codes.contains(&code));
    if listed(throttling_codes) || status == 429 {
        ErrorKind::Throttling
    } else if listed(retryable_codes) || matches!(status, 500 | 502 | 503 | 504) {
        ErrorKind::TransientServer
    } else {
        ErrorKind::NotRetryable
    }
}

/// Classifies an I/O error from the transport: resets, refusals, broken pipes and
/// timeouts are [`ErrorKind::Transport`]; anything else is not retried.
pub fn classify_io(kind: std::io::ErrorKind) -> ErrorKind {
    use std::io::ErrorKind as Io;
    match kind {
        Io::ConnectionReset
        | Io::ConnectionAborted
        | Io::ConnectionRefused
        | Io::BrokenPipe
        | Io::TimedOut
        | Io::UnexpectedEof => ErrorKind::Transport,
        _ => ErrorKind::NotRetryable,
    }
}

/// Parses a `Retry-After` header given in seconds (`"7"`, `" 7 "`, `"1.5"`).
///
/// A negative value means "now" (zero). An HTTP date, or anything else that is not a
/// number, gives `None`, and the jittered delay is used instead.
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<i64>() {
        return Some(retry_after_from_seconds(secs));
    }
    let secs = value.parse::<f64>().ok()?;
    if !secs.is_finite() {
        return None;
    }
    Some(Duration::try_from_secs_f64(secs.max(0.0)).unwrap_or(Duration::MAX))
}

/// The wait for a `retryAfterSeconds` member: `max(seconds, 0)`.
pub fn retry_after_from_seconds(seconds: i64) -> Duration {
    Duration::from_secs(u64::try_from(seconds).unwrap_or(0))
}

/// A source of uniform random numbers in `[0, 1)` for jitter.
///
/// Injectable so tests are deterministic. Any `Fn() -> f64 + Send + Sync` is one.
/// Values outside `[0, 1]` (or NaN) are clamped, never trusted.
pub trait RandomSource: Send + Sync {
    /// The next number, uniform in `[0, 1)`.
    fn uniform(&self) -> f64;
}

impl<F> RandomSource for F
where
    F: Fn() -> f64 + Send + Sync,
{
    fn uniform(&self) -> f64 {
        self()
    }
}

/// The default jitter source: SplitMix64 over an atomic counter.
///
/// Jitter needs spread, not secrecy, so a small non-cryptographic generator is enough and
/// avoids a `rand` dependency. It is seeded from `std`'s per-process random hasher keys
/// mixed with the wall clock, so two processes started together still differ.
pub struct SplitMix64 {
    state: AtomicU64,
}

impl SplitMix64 {
    /// A generator with a fixed seed (reproducible sequences).
    pub fn with_seed(seed: u64) -> Self {
        SplitMix64 {
            state: AtomicU64::new(seed),
        }
    }

    /// A generator seeded from process entropy and the clock.
    pub fn from_entropy() -> Self {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        Self::with_seed(RandomState::new().hash_one(nanos))
    }

    fn next_u64(&self) -> u64 {
        const GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;
        // fetch_add makes concurrent callers get distinct states without a lock.
        let mut z = self
            .state
            .fetch_add(GAMMA, Ordering::Relaxed)
            .wrapping_add(GAMMA);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

impl RandomSource for SplitMix64 {
    fn uniform(&self) -> f64 {
        // The top 53 bits give every representable multiple of 2^-53 in [0, 1).
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }
}

impl fmt::Debug for SplitMix64 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SplitMix64")
    }
}

/// Settings of a [`RetryBudget`]. The defaults are the AWS SDKs' standard-mode values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryBudgetConfig {
    /// Tokens in a full bucket (500).
    pub capacity: u32,
    /// Cost of retrying after a throttling or server error (5).
    pub retry_cost: u32,
    /// Cost of retrying after a transport error or timeout (10): these are the most
    /// likely to mean the service or the network is down.
    pub transport_retry_cost: u32,
    /// Tokens given back by a successful attempt, up to `capacity` (1).
    pub success_refund: u32,
}

impl Default for RetryBudgetConfig {
    fn default() -> Self {
        RetryBudgetConfig {
            capacity: 500,
            retry_cost: 5,
            transport_retry_cost: 10,
            success_refund: 1,
        }
    }
}

impl RetryBudgetConfig {
    /// Sets [`capacity`](Self::capacity).
    pub fn with_capacity(mut self, capacity: u32) -> Self {
        self.capacity = capacity;
        self
    }

    /// Sets [`retry_cost`](Self::retry_cost).
    pub fn with_retry_cost(mut self, cost: u32) -> Self {
        self.retry_cost = cost;
        self
    }

    /// Sets [`transport_retry_cost`](Self::transport_retry_cost).
    pub fn with_transport_retry_cost(mut self, cost: u32) -> Self {
        self.transport_retry_cost = cost;
        self
    }

    /// Sets [`success_refund`](Self::success_refund).
    pub fn with_success_refund(mut self, refund: u32) -> Self {
        self.success_refund = refund;
        self
    }
}

/// A token bucket shared by all requests of one client (clones share the bucket).
///
/// Every retry must be paid for; a success refunds a little. When a service fails for
/// everyone, the bucket drains and requests fail after their first attempt instead of
/// tripling the load. Lock-free: one atomic counter.
#[derive(Clone)]
pub struct RetryBudget {
    inner: Arc<BudgetInner>,
}

struct BudgetInner {
    config: RetryBudgetConfig,
    tokens: AtomicU32,
}

impl RetryBudget {
    /// A full bucket with these settings.
    pub fn new(config: RetryBudgetConfig) -> Self {
        RetryBudget {
            inner: Arc::new(BudgetInner {
                config,
                tokens: AtomicU32::new(config.capacity),
            }),
        }
    }

    /// Tokens left.
    pub fn available(&self) -> u32 {
        self.inner.tokens.load(Ordering::Acquire)
    }

    /// The settings of this bucket.
    pub fn config(&self) -> RetryBudgetConfig {
        self.inner.config
    }

    /// What a retry after an error of this kind costs.
    pub fn cost_of(&self, kind: ErrorKind) -> u32 {
        match kind {
            ErrorKind::Transport => self.inner.config.transport_retry_cost,
            _ => self.inner.config.retry_cost,
        }
    }

    /// Takes the cost of one retry; `false` (and nothing taken) when the bucket cannot pay.
    pub fn try_acquire(&self, kind: ErrorKind) -> bool {
        let cost = self.cost_of(kind);
        self.inner
            .tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |tokens| {
                tokens.checked_sub(cost)
            })
            .is_ok()
    }

    /// Gives back the success refund, never above capacity.
    pub fn record_success(&self) {
        let BudgetInner { config, tokens } = &*self.inner;
        // The closure always returns Some, so this cannot fail.
        let _ = tokens.fetch_update(Ordering::AcqRel, Ordering::Acquire, |t| {
            Some(t.saturating_add(config.success_refund).min(config.capacity))
        });
    }
}

impl Default for RetryBudget {
    fn default() -> Self {
        RetryBudget::new(RetryBudgetConfig::default())
    }
}

impl fmt::Debug for RetryBudget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RetryBudget")
            .field("available", &self.available())
            .field("config", &self.inner.config)
            .finish()
    }
}

/// Retry settings of a client. Defaults are AWS-like: 3 attempts, 1 s base, 20 s cap.
#[derive(Clone)]
#[non_exhaustive]
pub struct RetryConfig {
    /// Attempts in total, the first one included (3). `0` is treated as `1`.
    pub max_attempts: u32,
    /// Backoff base (1 s): the first retry waits up to `base`, the second up to `2*base`...
    pub base: Duration,
    /// Longest wait between two attempts (20 s), server hints included.
    pub cap: Duration,
    /// Settings for the client's [`RetryBudget`].
    pub budget: RetryBudgetConfig,
    random: Arc<dyn RandomSource>,
}

impl Default for RetryConfig {
    fn default() -> Self {
        RetryConfig {
            max_attempts: 3,
            base: Duration::from_secs(1),
            cap: Duration::from_secs(20),
            budget: RetryBudgetConfig::default(),
            random: Arc::new(SplitMix64::from_entropy()),
        }
    }
}

impl fmt::Debug for RetryConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RetryConfig")
            .field("max_attempts", &self.max_attempts)
            .field("base", &self.base)
            .field("cap", &self.cap)
            .field("budget", &self.budget)
            .finish_non_exhaustive()
    }
}

impl RetryConfig {
    /// No retries at all: one attempt.
    pub fn disabled() -> Self {
        RetryConfig::default().with_max_attempts(1)
    }

    /// Sets [`max_attempts`](Self::max_attempts).
    pub fn with_max_attempts(mut self, max_attempts: u32) -> Self {
        self.max_attempts = max_attempts;
        self
    }

    /// Sets [`base`](Self::base).
    pub fn with_base(mut self, base: Duration) -> Self {
        self.base = base;
        self
    }

    /// Sets [`cap`](Self::cap).
    pub fn with_cap(mut self, cap: Duration) -> Self {
        self.cap = cap;
        self
    }

    /// Sets the [`budget`](Self::budget) settings.
    pub fn with_budget(mut self, budget: RetryBudgetConfig) -> Self {
        self.budget = budget;
        self
    }

    /// Replaces the jitter source (tests use a fixed value or sequence).
    pub fn with_random_source(mut self, random: impl RandomSource + 'static) -> Self {
        self.random = Arc::new(random);
        self
    }

    /// A fresh budget with this config's settings, to be shared by one client.
    pub fn new_budget(&self) -> RetryBudget {
        RetryBudget::new(self.budget)
    }

    /// The upper bound of the jittered delay before retry `retry` (1 for the first retry):
    /// `min(cap, base * 2^(retry-1))`, without overflow.
    pub fn backoff_ceiling(&self, retry: u32) -> Duration {
        let exponent = retry.saturating_sub(1);
        let ceiling = 1u32
            .checked_shl(exponent)
            .and_then(|factor| self.base.checked_mul(factor))
            .unwrap_or(Duration::MAX);
        ceiling.min(self.cap)
    }

    /// The full-jitter delay before retry `retry`: uniform in `[0, backoff_ceiling(retry)]`.
    pub fn jittered_delay(&self, retry: u32) -> Duration {
        let ceiling = self.backoff_ceiling(retry);
        let u = self.random.uniform();
        // Never trust the source: NaN and out-of-range values are clamped.
        let u = if u.is_nan() { 0.0 } else { u.clamp(0.0, 1.0) };
        Duration::try_from_secs_f64(ceiling.as_secs_f64() * u)
            .unwrap_or(ceiling)
            .min(ceiling)
    }

    /// The wait before retry `retry`.
    ///
    /// With a server hint the client waits `min(hint, cap)` instead of the jittered delay.
    /// The hint is capped on purpose: a buggy or hostile `Retry-After: 86400` must not stall
    /// a nightly job for a day; raise `cap` to honour longer hints. Waiting less than asked
    /// may earn another throttle, which the attempt limit and the budget then bound.
    pub fn delay_for(&self, retry: u32, hint: Option<Duration>) -> Duration {
        match hint {
            Some(hint) => hint.min(self.cap),
            None => self.jittered_delay(retry),
        }
    }
}

/// Runs `attempt` until it succeeds, fails with an error that is not retryable, runs out
/// of attempts, or the budget cannot pay for another retry; returns the last result.
///
/// `attempt` receives the attempt number, from 1. `classify` tells the kind of an error
/// and the server's wait hint, if any (see [`parse_retry_after`],
/// [`retry_after_from_seconds`]). Each failed attempt and each wait is a `tracing` event
/// carrying the attempt number, the kind and the delay — never request or error contents.
pub async fn run_with_retries<T, E, F, Fut, C>(
    config: &RetryConfig,
    budget: &RetryBudget,
    attempt: F,
    classify: C,
) -> Result<T, E>
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = Result<T, E>>,
    C: Fn(&E) -> (ErrorKind, Option<Duration>),
{
    run_with_retries_using(config, budget, &TokioSleep, attempt, classify).await
}

/// Waits between attempts. A client holds one, so tests can substitute a recording sleeper
/// (a mock clock) for tokio's timer when a real socket makes a paused clock unsuitable.
pub trait Sleep: Send + Sync + fmt::Debug {
    /// A future that completes after `duration`.
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send>>;
}

/// The default [`Sleep`]: `tokio::time::sleep`.
#[derive(Clone, Copy, Debug, Default)]
pub struct TokioSleep;

impl Sleep for TokioSleep {
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        Box::pin(tokio::time::sleep(duration))
    }
}

/// [`run_with_retries`] with the waits done by `sleep`.
pub async fn run_with_retries_using<T, E, F, Fut, C>(
    config: &RetryConfig,
    budget: &RetryBudget,
    sleep: &dyn Sleep,
    mut attempt: F,
    classify: C,
) -> Result<T, E>
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = Result<T, E>>,
    C: Fn(&E) -> (ErrorKind, Option<Duration>),
{
    let max_attempts = config.max_attempts.max(1);
    let mut number: u32 = 1;
    loop {
        let error = match attempt(number).await {
            Ok(value) => {
                budget.record_success();
                tracing::debug!(attempt = number, "attempt succeeded");
                return Ok(value);
            }
            Err(error) => error,
        };
        let (kind, hint) = classify(&error);
        if !kind.is_retryable() {
            tracing::debug!(
                attempt = number,
                kind = kind.as_str(),
                "attempt failed, not retryable"
            );
            return Err(error);
        }
        if number >= max_attempts {
            tracing::debug!(
                attempt = number,
                kind = kind.as_str(),
                max_attempts,
                "attempt failed, no attempts left"
            );
            return Err(error);
        }
        if !budget.try_acquire(kind) {
            tracing::warn!(
                attempt = number,
                kind = kind.as_str(),
                available = budget.available(),
                "attempt failed, retry budget exhausted: not retrying"
            );
            return Err(error);
        }
        let delay = config.delay_for(number, hint);
        tracing::debug!(
            attempt = number,
            kind = kind.as_str(),
            delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
            server_hint = hint.is_some(),
            "attempt failed, retrying"
        );
        sleep.sleep(delay).await;
        number = number.saturating_add(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;
    use tokio::time::Instant;

    #[derive(Debug, Clone, PartialEq)]
    enum TestError {
        Throttled(Option<Duration>),
        Server,
        Transport,
        Validation,
    }

    fn classify(e: &TestError) -> (ErrorKind, Option<Duration>) {
        match e {
            TestError::Throttled(hint) => (ErrorKind::Throttling, *hint),
            TestError::Server => (ErrorKind::TransientServer, None),
            TestError::Transport => (ErrorKind::Transport, None),
            TestError::Validation => (ErrorKind::NotRetryable, None),
        }
    }

    fn half() -> f64 {
        0.5
    }

    /// Runs `run_with_retries` over a scripted list of outcomes; returns the result, the
    /// attempt numbers seen and the virtual time elapsed.
    async fn scripted(
        config: &RetryConfig,
        budget: &RetryBudget,
        script: Vec<Result<&'static str, TestError>>,
    ) -> (Result<&'static str, TestError>, Vec<u32>, Duration) {
        let script = Mutex::new(script.into_iter());
        let seen = Mutex::new(Vec::new());
        let start = Instant::now();
        let result = run_with_retries(
            config,
            budget,
            |n| {
                seen.lock().unwrap().push(n);
                let next = script.lock().unwrap().next();
                async move { next.unwrap_or(Err(TestError::Validation)) }
            },
            classify,
        )
        .await;
        (result, seen.into_inner().unwrap(), start.elapsed())
    }

    #[tokio::test(start_paused = true)]
    async fn throttle_then_success_takes_two_attempts_and_the_jittered_delay() {
        let config = RetryConfig::default().with_random_source(half);
        let budget = config.new_budget();
        let (result, attempts, elapsed) = scripted(
            &config,
            &budget,
            vec![Err(TestError::Throttled(None)), Ok("page")],
        )
        .await;
        assert_eq!(result, Ok("page"));
        assert_eq!(attempts, vec![1, 2]);
        // First retry: uniform(0, min(20 s, 1 s * 2^0)) with u = 0.5.
        assert_eq!(elapsed, Duration::from_millis(500));
        // One retry paid (5), one success refunded (1).
        assert_eq!(budget.available(), 500 - 5 + 1);
    }

    #[tokio::test(start_paused = true)]
    async fn retry_after_hint_is_honoured_exactly() {
        let config = RetryConfig::default().with_random_source(half);
        let budget = config.new_budget();
        let hint = parse_retry_after("7");
        assert_eq!(hint, Some(Duration::from_secs(7)));
        let (result, attempts, elapsed) = scripted(
            &config,
            &budget,
            vec![Err(TestError::Throttled(hint)), Ok("ok")],
        )
        .await;
        assert_eq!(result, Ok("ok"));
        assert_eq!(attempts, vec![1, 2]);
        assert_eq!(elapsed, Duration::from_secs(7));
    }

    #[tokio::test(start_paused = true)]
    async fn server_hint_is_capped() {
        let config = RetryConfig::default().with_cap(Duration::from_secs(20));
        let budget = config.new_budget();
        let hint = Some(retry_after_from_seconds(3600));
        let (result, _, elapsed) = scripted(
            &config,
            &budget,
            vec![Err(TestError::Throttled(hint)), Ok("ok")],
        )
        .await;
        assert_eq!(result, Ok("ok"));
        assert_eq!(elapsed, Duration::from_secs(20));
    }

    #[tokio::test(start_paused = true)]
    async fn attempt_limit_stops_at_three_and_returns_the_last_error() {
        let config = RetryConfig::default().with_random_source(|| 1.0);
        let budget = config.new_budget();
        let (result, attempts, elapsed) = scripted(
            &config,
            &budget,
            vec![
                Err(TestError::Server),
                Err(TestError::Throttled(None)),
                Err(TestError::Transport),
                Ok("never reached"),
            ],
        )
        .await;
        assert_eq!(result, Err(TestError::Transport));
        assert_eq!(attempts, vec![1, 2, 3]);
        // Ceilings 1 s and 2 s, u = 1.0: the full ceiling each time.
        assert_eq!(elapsed, Duration::from_secs(3));
    }

    #[tokio::test(start_paused = true)]
    async fn not_retryable_errors_are_not_retried() {
        let config = RetryConfig::default().with_random_source(half);
        let budget = config.new_budget();
        let (result, attempts, elapsed) = scripted(
            &config,
            &budget,
            vec![Err(TestError::Validation), Ok("never reached")],
        )
        .await;
        assert_eq!(result, Err(TestError::Validation));
        assert_eq!(attempts, vec![1]);
        assert_eq!(elapsed, Duration::ZERO);
        assert_eq!(budget.available(), 500);
    }

    #[tokio::test(start_paused = true)]
    async fn budget_exhaustion_stops_retries() {
        let config = RetryConfig::default()
            .with_max_attempts(10)
            .with_random_source(half)
            .with_budget(RetryBudgetConfig::default().with_capacity(12));
        let budget = config.new_budget();
        let (result, attempts, _) = scripted(
            &config,
            &budget,
            (0..10).map(|_| Err(TestError::Server)).collect(),
        )
        .await;
        // 12 tokens pay for two retries of cost 5; the third retry is refused.
        assert_eq!(result, Err(TestError::Server));
        assert_eq!(attempts, vec![1, 2, 3]);
        assert_eq!(budget.available(), 2);

        // The budget is shared: the next request gets no retry at all...
        let (result, attempts, _) = scripted(
            &config,
            &budget,
            vec![Err(TestError::Server), Ok("never reached")],
        )
        .await;
        assert_eq!(result, Err(TestError::Server));
        assert_eq!(attempts, vec![1]);

        // ...and successes refill it, one token each, up to capacity.
        for _ in 0..20 {
            budget.record_success();
        }
        assert_eq!(budget.available(), 12);
    }

    #[test]
    fn transport_retries_cost_more() {
        let budget = RetryBudget::new(RetryBudgetConfig::default().with_capacity(15));
        assert!(budget.try_acquire(ErrorKind::Transport));
        assert_eq!(budget.available(), 5);
        assert!(!budget.try_acquire(ErrorKind::Transport));
        assert_eq!(budget.available(), 5, "a refused retry takes nothing");
        assert!(budget.try_acquire(ErrorKind::Throttling));
        assert_eq!(budget.available(), 0);
    }

    #[test]
    fn classify_http_follows_the_spec_codes() {
        let retryable = ["LimitExceededException", "InternalServerException"];
        let throttling = ["LimitExceededException", "ThrottlingException"];
        let c = |status, code| classify_http(status, code, &retryable, &throttling);
        // Cost Explorer's throttling error arrives as HTTP 400.
        assert_eq!(
            c(400, Some("LimitExceededException")),
            ErrorKind::Throttling
        );
        assert_eq!(c(429, Some("ThrottlingException")), ErrorKind::Throttling);
        assert_eq!(c(429, None), ErrorKind::Throttling);
        assert_eq!(
            c(500, Some("InternalServerException")),
            ErrorKind::TransientServer
        );
        for status in [500, 502, 503, 504] {
            assert_eq!(c(status, None), ErrorKind::TransientServer, "{status}");
        }
        assert_eq!(c(400, Some("ValidationException")), ErrorKind::NotRetryable);
        assert_eq!(
            c(403, Some("AccessDeniedException")),
            ErrorKind::NotRetryable
        );
        assert_eq!(c(400, None), ErrorKind::NotRetryable);
        assert_eq!(c(501, None), ErrorKind::NotRetryable);
        // Without the spec's list, a 400 LimitExceededException is not guessed at.
        assert_eq!(
            classify_http(400, Some("LimitExceededException"), &[], &[]),
            ErrorKind::NotRetryable
        );
    }

    #[test]
    fn classify_io_errors() {
        use std::io::ErrorKind as Io;
        assert_eq!(classify_io(Io::ConnectionReset), ErrorKind::Transport);
        assert_eq!(classify_io(Io::TimedOut), ErrorKind::Transport);
        assert_eq!(classify_io(Io::PermissionDenied), ErrorKind::NotRetryable);
    }

    #[test]
    fn retry_after_parsing() {
        assert_eq!(parse_retry_after(" 7 "), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after("0"), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("-3"), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("1.5"), Some(Duration::from_millis(1500)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
        assert_eq!(parse_retry_after("NaN"), None);
        assert_eq!(parse_retry_after(""), None);
        assert_eq!(retry_after_from_seconds(-1), Duration::ZERO);
        assert_eq!(retry_after_from_seconds(12), Duration::from_secs(12));
    }

    #[test]
    fn full_jitter_delays_stay_within_bounds() {
        let config = RetryConfig::default().with_random_source(SplitMix64::with_seed(42));
        for retry in 1..=10u32 {
            let ceiling = Duration::from_secs(1u64 << (retry - 1)).min(Duration::from_secs(20));
            assert_eq!(config.backoff_ceiling(retry), ceiling);
            let (mut low, mut high) = (Duration::MAX, Duration::ZERO);
            for _ in 0..2_000 {
                let d = config.jittered_delay(retry);
                assert!(d <= ceiling, "retry {retry}: {d:?} > {ceiling:?}");
                low = low.min(d);
                high = high.max(d);
            }
            // Full jitter uses the whole window, not just its top.
            assert!(low < ceiling / 10, "retry {retry}: lowest {low:?}");
            assert!(high > ceiling * 9 / 10, "retry {retry}: highest {high:?}");
        }
    }

    #[test]
    fn backoff_never_overflows_and_bad_random_values_are_clamped() {
        let config = RetryConfig::default()
            .with_cap(Duration::MAX)
            .with_random_source(|| f64::NAN);
        assert_eq!(config.backoff_ceiling(0), Duration::from_secs(1));
        assert_eq!(config.backoff_ceiling(200), Duration::MAX);
        assert_eq!(config.jittered_delay(200), Duration::ZERO);
        let config = config.with_random_source(|| 7.0);
        assert_eq!(config.jittered_delay(200), Duration::MAX);
        let config = config.with_random_source(|| -1.0);
        assert_eq!(config.jittered_delay(3), Duration::ZERO);
    }

    #[test]
    fn default_generator_is_uniform_in_unit_interval() {
        let rng = SplitMix64::from_entropy();
        let samples: Vec<f64> = (0..10_000).map(|_| rng.uniform()).collect();
        assert!(samples.iter().all(|u| (0.0..1.0).contains(u)));
        let mean = samples.iter().sum::<f64>() / samples.len() as f64;
        assert!((mean - 0.5).abs() < 0.02, "mean {mean}");
    }

    #[test]
    fn retry_futures_are_send() {
        fn assert_send<T: Send>(_: &T) {}
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<RetryConfig>();
        assert_send_sync::<RetryBudget>();
        let config = RetryConfig::default();
        let budget = config.new_budget();
        let future = run_with_retries(
            &config,
            &budget,
            |_| async { Err::<(), _>(TestError::Server) },
            classify,
        );
        assert_send(&future);
    }

    #[test]
    fn debug_output_is_plain() {
        let text = format!("{:?}", RetryConfig::default());
        assert!(text.contains("max_attempts: 3"), "{text}");
        let text = format!("{:?}", RetryBudget::default());
        assert!(text.contains("available: 500"), "{text}");
    }
}
