//! The generator's errors: a spec that breaks a rule (with its file and JSON pointer), an
//! emitter that cannot write its output, an I/O failure while reading or writing.

use std::fmt;

/// A problem in a spec file: which file, where in it (a JSON pointer), and what was expected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpecError {
    pub file: String,
    pub pointer: String,
    pub message: String,
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pointer = if self.pointer.is_empty() {
            "/"
        } else {
            &self.pointer
        };
        write!(f, "{}#{}: {}", self.file, pointer, self.message)
    }
}

impl std::error::Error for SpecError {}

/// Anything that stops generation.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Spec(#[from] SpecError),
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{context}: {message}")]
    Emit { context: String, message: String },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
