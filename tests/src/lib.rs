//! Shared helpers for the cross-crate tests: a registry that decodes any operation type by
//! family and name, and a semantic JSON comparison for round trips.

pub mod fuzz_checks;

use std::fmt::Debug;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is in the workspace")
        .to_path_buf()
}

/// What a documented example became.
pub struct RoundTrip {
    /// `{:#?}` of the decoded value.
    pub debug: String,
    /// The value encoded again.
    pub encoded: Vec<u8>,
    /// Whether decoding `encoded` gave a value equal to the first decode.
    pub stable: bool,
}

/// Decodes, encodes and decodes again.
pub fn round_trip<T: DeserializeOwned + Serialize + Debug + PartialEq>(
    bytes: &[u8],
) -> Result<RoundTrip, String> {
    let first: T = cloudcost_types::from_slice(bytes).map_err(|e| e.to_string())?;
    let encoded = serde_json::to_vec(&first).map_err(|e| e.to_string())?;
    let second: T =
        cloudcost_types::from_slice(&encoded).map_err(|e| format!("re-decoding: {e}"))?;
    Ok(RoundTrip {
        debug: format!("{first:#?}"),
        stable: first == second,
        encoded,
    })
}

type Decoder = fn(&[u8]) -> Result<RoundTrip, String>;

macro_rules! registry {
    ($($family:literal => [$($name:ident: $ty:ty),* $(,)?]),* $(,)?) => {
        /// The round-trip function for a type of a family, if the registry knows it.
        pub fn decoder(family: &str, name: &str) -> Option<Decoder> {
            match (family, name) {
                $($( ($family, stringify!($name)) => Some(round_trip::<$ty>), )*)*
                _ => None,
            }
        }
    };
}

// Every family's request, response and error types, from the generated crate of every
// family: a family added as a spec is registered with no edit here.
cloudcost_families::model_types!(registry);

/// Differences between a documented JSON value and our encoding of it, as paths.
///
/// Equal JSON is equal. One difference is allowed, because the Rust type encodes each
/// decimal in its API's wire form: where the document has a number and we send a string
/// (the GetReservationUtilization example sends numbers where the model says string), the
/// two must denote the same number (compared as `f64`, which is how JSON tools compare).
pub fn json_differences(documented: &Value, encoded: &Value) -> Vec<String> {
    let mut out = Vec::new();
    diff(documented, encoded, String::new(), &mut out);
    out
}

fn diff(a: &Value, b: &Value, path: String, out: &mut Vec<String>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, v) in x {
                match y.get(k) {
                    Some(w) => diff(v, w, format!("{path}.{k}"), out),
                    None => out.push(format!("{path}.{k}: missing from the encoding")),
                }
            }
            for k in y.keys().filter(|k| !x.contains_key(*k)) {
                out.push(format!("{path}.{k}: added by the encoding"));
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            if x.len() != y.len() {
                out.push(format!("{path}: {} items became {}", x.len(), y.len()));
            }
            for (i, (v, w)) in x.iter().zip(y).enumerate() {
                diff(v, w, format!("{path}[{i}]"), out);
            }
        }
        (Value::Number(n), Value::String(s)) => {
            // serde_json's default float parser may be an ulp off for long numbers, so
            // "the same number" is equal up to a relative 1e-15.
            let same = s
                .parse::<f64>()
                .ok()
                .zip(n.as_f64())
                .is_some_and(|(x, y)| (x - y).abs() <= 1e-15 * x.abs().max(y.abs()));
            if !same {
                out.push(format!("{path}: number {n} became string {s:?}"));
            }
        }
        (Value::Number(x), Value::Number(y)) => {
            if x.as_f64() != y.as_f64() {
                out.push(format!("{path}: {x} became {y}"));
            }
        }
        _ => {
            if a != b {
                out.push(format!("{path}: {a} became {b}"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn comparison_finds_real_differences() {
        let doc = json!({"a": 1.5, "b": [1, 2], "c": {"": null}, "d": "x"});
        assert!(json_differences(
            &doc,
            &json!({"a": "1.5", "b": [1, 2], "c": {"": null}, "d": "x"})
        )
        .is_empty());
        let diffs = json_differences(
            &doc,
            &json!({"a": "1.6", "b": [1], "c": {}, "e": 1, "d": "y"}),
        );
        assert_eq!(diffs.len(), 5, "{diffs:#?}");
        assert!(diffs.contains(&".c.: missing from the encoding".to_string()));
    }
}
