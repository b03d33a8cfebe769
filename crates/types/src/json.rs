//! JSON decoding that says where it failed: the JSON path (`ResultsByTime[0].TimePeriod`)
//! and the byte offset, besides serde's message.

use std::fmt;

use serde::de::DeserializeOwned;

/// What kind of failure a [`DecodeError`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecodeErrorKind {
    /// Not JSON at all (a stray byte, an unterminated string, ...).
    Syntax,
    /// Valid JSON of the wrong shape: a missing required field, a wrong type, a bad value.
    Data,
    /// The input ended early (a truncated body).
    Eof,
}

/// A JSON document that did not decode into the expected type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError {
    /// Path to the failing value, in wire names (`.` for fields, `[i]` for items); empty at
    /// the top level.
    pub path: String,
    /// What went wrong, as serde reports it (without its own position suffix).
    pub message: String,
    /// 1-based line of the failure.
    pub line: usize,
    /// 1-based column of the failure.
    pub column: usize,
    /// 0-based byte offset of the failure in the input.
    pub offset: usize,
    /// The kind of failure.
    pub kind: DecodeErrorKind,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.path.is_empty() {
            write!(f, "at `{}`: ", self.path)?;
        }
        write!(
            f,
            "{} (line {}, column {}, byte offset {})",
            self.message, self.line, self.column, self.offset
        )
    }
}

impl std::error::Error for DecodeError {}

/// A type the clients decode from a response body: each operation's output and each error
/// shape, implemented by the generated model crates as a call of [`from_slice`].
///
/// Why a trait and not `from_slice::<T>` at the call site: a generic function is compiled
/// in the crate that names its type arguments. Called from the client, every response
/// type's decoder (serde's visitors for two deserializers) was compiled in the client crate,
/// which builds last, after reqwest and rustls, where its time adds to the whole build. The
/// model crates depend on no HTTP crate and build early, beside the TLS stack; the
/// implementations there are `#[inline(never)]`, so the decoder is compiled once, there.
pub trait FromJson: Sized {
    /// Decodes `Self` from JSON bytes, as [`from_slice`] does.
    fn from_json(bytes: &[u8]) -> Result<Self, DecodeError>;
}

/// Decodes `T` from JSON bytes.
///
/// For the response types of the generated model crates, `FromJson::from_json` gives the
/// same values and errors faster (a generated decoder, `crate::fast`, with this function's
/// tracked pass behind it).
///
/// The body is decoded by plain serde_json first. Path tracking costs a `String` per object
/// key (serde_path_to_error records every key it passes), which on a multi-megabyte page
/// is most of the decoding time, and only a failure needs the path. So when the fast pass
/// fails, the same bytes are decoded again with the path tracked (`tracked`); decoding is
/// deterministic, so the second pass stops at the same place with the same message.
///
/// The fast pass checks the body is UTF-8 once, up front, and then reads it as a `str`:
/// from bytes serde_json validates every string and every raw number on its own, which
/// costs more than one pass over the whole body. A body that is not UTF-8 goes straight to
/// the tracked pass over the bytes, so its error is serde_json's, with its position.
///
/// Each response type's `Deserialize` is compiled for exactly two deserializers (the fast
/// `str` one and the tracked one), which is what a client binary pays for the fast pass.
pub fn from_slice<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, DecodeError> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return tracked(bytes);
    };
    let mut de = serde_json::Deserializer::from_str(text);
    match T::deserialize(&mut de).and_then(|value| de.end().map(|()| value)) {
        Ok(value) => Ok(value),
        // The tracked pass fails too, with the path; should it not, its value is as good.
        Err(_) => tracked(bytes),
    }
}

/// Decodes `bytes` with the JSON path of a failure tracked.
pub(crate) fn tracked<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, DecodeError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| convert(e, bytes))?;
    de.end()
        .map_err(|e| convert_plain(e, String::new(), bytes))?;
    Ok(value)
}

/// Decodes `T` from a JSON string.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, DecodeError> {
    from_slice(text.as_bytes())
}

fn convert(e: serde_path_to_error::Error<serde_json::Error>, bytes: &[u8]) -> DecodeError {
    let path = e.path().to_string();
    let path = if path == "." { String::new() } else { path };
    convert_plain(e.into_inner(), path, bytes)
}

fn convert_plain(e: serde_json::Error, path: String, bytes: &[u8]) -> DecodeError {
    let kind = match e.classify() {
        serde_json::error::Category::Eof => DecodeErrorKind::Eof,
        serde_json::error::Category::Syntax | serde_json::error::Category::Io => {
            DecodeErrorKind::Syntax
        }
        serde_json::error::Category::Data => DecodeErrorKind::Data,
    };
    let (line, column) = (e.line(), e.column());
    // serde_json appends " at line L column C"; we report the position in fields instead.
    let full = e.to_string();
    let suffix = format!(" at line {line} column {column}");
    let message = full.strip_suffix(&suffix).unwrap_or(&full).to_string();
    DecodeError {
        path,
        message,
        line,
        column,
        // At end of input serde_json points at the last byte read; the failure is after it.
        offset: if kind == DecodeErrorKind::Eof {
            bytes.len()
        } else {
            offset_of(bytes, line, column)
        },
        kind,
    }
}

/// Byte offset of a 1-based (line, column) position, clamped to the input.
fn offset_of(bytes: &[u8], line: usize, column: usize) -> usize {
    let line_start = if line <= 1 {
        0
    } else {
        bytes
            .iter()
            .enumerate()
            .filter(|(_, b)| **b == b'\n')
            .nth(line - 2)
            .map_or(bytes.len(), |(i, _)| i + 1)
    };
    (line_start + column.saturating_sub(1)).min(bytes.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize, Debug)]
    #[allow(dead_code)]
    struct Outer {
        #[serde(rename = "Items")]
        items: Vec<Inner>,
    }
    #[derive(Deserialize, Debug)]
    #[allow(dead_code)]
    struct Inner {
        #[serde(rename = "Start")]
        start: String,
    }

    #[test]
    fn missing_field_names_its_path() {
        let e = from_str::<Outer>("{\"Items\":[{\"Start\":\"a\"},\n {}]}").unwrap_err();
        assert_eq!(e.path, "Items[1]");
        assert_eq!(e.message, "missing field `Start`");
        assert_eq!(e.kind, DecodeErrorKind::Data);
        // Line 2 starts at byte 25; the `}` that ends the item is its third byte.
        assert_eq!((e.line, e.column, e.offset), (2, 3, 27));
    }

    #[test]
    fn truncated_input_gives_offset() {
        let text = "{\"Items\":[{\"Start\":\"a\"";
        let e = from_str::<Outer>(text).unwrap_err();
        assert_eq!(e.kind, DecodeErrorKind::Eof);
        assert_eq!(e.offset, text.len());
        assert!(e.to_string().contains("byte offset"), "{e}");
    }

    #[test]
    fn bodies_that_are_not_utf8_fail_with_their_position() {
        let e = from_slice::<Inner>(b"{\"Start\":\"a\xff\"}").unwrap_err();
        assert_eq!(e.kind, DecodeErrorKind::Syntax);
        assert_eq!(e.path, "Start");
        assert!(e.message.contains("unicode"), "{e}");
    }

    #[test]
    fn the_fast_and_the_tracked_pass_agree() {
        let text = "{\"Items\":[{\"Start\":\"a\"},{\"Start\":\"b\"}]}";
        let fast: Outer = from_str(text).unwrap();
        let tracked: Outer = tracked(text.as_bytes()).unwrap();
        assert_eq!(format!("{fast:?}"), format!("{tracked:?}"));
    }

    #[test]
    fn trailing_garbage_is_an_error() {
        let e = from_str::<Inner>("{\"Start\":\"a\"} x").unwrap_err();
        assert_eq!(e.kind, DecodeErrorKind::Syntax);
        assert_eq!(e.offset, 14);
    }
}
