//! Deterministic fault injection: whether request number `n` fails, and how, is a pure
//! function of the seed and `n`, so a run with one client replays exactly.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use crate::synth::mix;

/// How long a `slow` answer waits before answering normally.
pub const SLOW_DELAY: Duration = Duration::from_millis(200);

/// One kind of injected fault.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FaultKind {
    /// The service's throttling error (CE `LimitExceededException`, Inspector2
    /// `ThrottlingException` with `Retry-After`, SCP 429).
    Throttle,
    /// The service's internal error (HTTP 500).
    Http500,
    /// The service's unavailable error (HTTP 503).
    Http503,
    /// The request is read and the connection closed without a byte of answer (an
    /// orderly close, not an RST).
    Reset,
    /// The answer's status line (a 200 for a valid request) and headers, with the whole
    /// body's `Content-Length`, and the first half of its body; then the connection is
    /// closed.
    Truncate,
    /// The normal answer, after [`SLOW_DELAY`].
    Slow,
}

impl FaultKind {
    /// Every kind, in the order `--faults` lists them.
    pub const ALL: [FaultKind; 6] = [
        FaultKind::Throttle,
        FaultKind::Http500,
        FaultKind::Http503,
        FaultKind::Reset,
        FaultKind::Truncate,
        FaultKind::Slow,
    ];

    fn name(self) -> &'static str {
        match self {
            FaultKind::Throttle => "throttle",
            FaultKind::Http500 => "500",
            FaultKind::Http503 => "503",
            FaultKind::Reset => "reset",
            FaultKind::Truncate => "truncate",
            FaultKind::Slow => "slow",
        }
    }
}

impl fmt::Display for FaultKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A fault name that is not one of `throttle, 500, 503, reset, truncate, slow`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown fault {0:?}; expected one of throttle, 500, 503, reset, truncate, slow")]
pub struct ParseFaultError(pub String);

impl FromStr for FaultKind {
    type Err = ParseFaultError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        FaultKind::ALL
            .into_iter()
            .find(|k| k.name() == s.trim())
            .ok_or_else(|| ParseFaultError(s.to_string()))
    }
}

/// Which requests fail: each with probability `rate`, the kind drawn from `kinds`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Faults {
    /// In `[0, 1]`.
    pub rate: f64,
    pub kinds: Vec<FaultKind>,
    pub seed: u64,
}

impl Faults {
    /// The fault of request number `n`, if any.
    pub(crate) fn pick(&self, n: u64) -> Option<FaultKind> {
        if self.kinds.is_empty() || self.rate <= 0.0 {
            return None;
        }
        let r = mix(self.seed ^ mix(n.wrapping_add(0x5EED)));
        // The top 53 bits give a uniform double in [0, 1).
        let u = (r >> 11) as f64 / (1u64 << 53) as f64;
        (u < self.rate).then(|| self.kinds[(mix(r) % self.kinds.len() as u64) as usize])
    }
}
