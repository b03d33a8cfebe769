//! What `cloudcost mock --dataset synthetic` builds decodes with our decoders: for every
//! response and error shape of every family of `specs/` (found through the generated
//! `cloudcost_families::FAMILIES`, so a new family is covered with no edit here), the
//! mock's synthetic value for random seeds and items decodes, round-trips and never holds a
//! `null` where the schema has none. A recursive response shape used to end in `null`s
//! past a fixed depth, which the decoders refuse.

use proptest::prelude::*;

use cloudcost_tests::{decoder, root};

/// Every (family, type) a client decodes: each operation's response and modelled errors.
fn decoded_types() -> Vec<(&'static str, &'static str)> {
    let mut out = Vec::new();
    for family in cloudcost_families::FAMILIES {
        for op in family.operations {
            for ty in std::iter::once(&op.output).chain(op.errors) {
                if !out.contains(&(family.name, *ty)) {
                    out.push((family.name, *ty));
                }
            }
        }
    }
    out
}

/// The exported schema of a type, as the mock reads it.
fn schema(family: &str, ty: &str) -> serde_json::Value {
    let path = root().join(format!("schemas/{family}/{ty}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn has_null(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::Null => true,
        serde_json::Value::Array(items) => items.iter().any(has_null),
        serde_json::Value::Object(members) => members.values().any(has_null),
        _ => false,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn synthetic_values_of_every_decoded_shape_decode(seed in any::<u64>(), index in 0u64..10_000) {
        let types = decoded_types();
        prop_assert!(!types.is_empty());
        for (family, ty) in types {
            let schema = schema(family, ty);
            let value = cloudcost_mock::synthetic_value(&schema, seed, index);
            let text = value.to_string();
            prop_assert!(!has_null(&value), "{family}::{ty}: a null in {text}");
            let round_trip = decoder(family, ty)
                .unwrap_or_else(|| panic!("{family}::{ty} is not in the registry"));
            let rt = round_trip(text.as_bytes())
                .map_err(|e| TestCaseError::fail(format!("{family}::{ty}: {e}\n{text}")))?;
            prop_assert!(rt.stable, "{family}::{ty}: decode(encode(x)) != x for {text}");
        }
    }
}
