//! Serde glue for the generated forward-compatible enums.
//!
//! Every generated enum has one variant per documented value and an `Unknown(String)`
//! variant. A value this version has never seen decodes into `Unknown` and encodes back
//! byte for byte, so a new value from the cloud never breaks a caller. Matching is exact
//! (`"Dimension"` is not `DIMENSION`): guessing would change what is sent back.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{Deserializer, Visitor};

/// Deserializes a string into an enum through its `From<&str>` / `From<String>` impls,
/// borrowing where the input allows so that known values never allocate.
pub fn deserialize<'de, D, E>(deserializer: D) -> Result<E, D::Error>
where
    D: Deserializer<'de>,
    E: for<'a> From<&'a str> + From<String>,
{
    struct EnumVisitor<E>(PhantomData<E>);

    impl<E> Visitor<'_> for EnumVisitor<E>
    where
        E: for<'a> From<&'a str> + From<String>,
    {
        type Value = E;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }

        fn visit_str<Err: serde::de::Error>(self, v: &str) -> Result<E, Err> {
            Ok(E::from(v))
        }

        fn visit_string<Err: serde::de::Error>(self, v: String) -> Result<E, Err> {
            Ok(E::from(v))
        }
    }

    deserializer.deserialize_str(EnumVisitor(PhantomData))
}
