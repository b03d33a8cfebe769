//! Reading a response body with a size cap, so that a broken or hostile server cannot make
//! a client hold an unbounded body in memory.
//!
//! The declared `Content-Length` is checked before anything is read (a server announcing
//! 1 GiB is refused at once); then chunks are read until the cap, because a body without
//! `Content-Length` (chunked) or with a false one may be longer than declared. The
//! connection is dropped with the response, so an endless body is not drained.

use bytes::{Bytes, BytesMut};

/// Why a capped read failed.
#[derive(Debug)]
pub(crate) enum ReadError {
    /// The body is longer than `limit` (declared or read).
    TooLarge {
        /// The cap, in bytes.
        limit: u64,
        /// The `Content-Length` the server declared, if any.
        declared: Option<u64>,
    },
    /// The transport failed while reading.
    Transport(reqwest::Error),
}

/// Reads the whole body of `response`, failing as soon as it is known to exceed `limit`.
pub(crate) async fn read_capped(
    mut response: reqwest::Response,
    limit: u64,
) -> Result<Bytes, ReadError> {
    let declared = response.content_length();
    if declared.is_some_and(|length| length > limit) {
        return Err(ReadError::TooLarge { limit, declared });
    }
    // Pre-size from the declared length (already known to be within the cap), so a
    // well-behaved large body is not copied while growing.
    let capacity = declared
        .and_then(|length| usize::try_from(length).ok())
        .unwrap_or(0);
    let mut body = BytesMut::with_capacity(capacity);
    while let Some(chunk) = response.chunk().await.map_err(ReadError::Transport)? {
        let total = u64::try_from(body.len() + chunk.len()).unwrap_or(u64::MAX);
        if total > limit {
            return Err(ReadError::TooLarge { limit, declared });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}
