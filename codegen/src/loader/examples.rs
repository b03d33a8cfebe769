//! Documented examples: `examples.<name>.externalValue` under a request body or the `200`
//! response, and `x-cloudcost-request-examples` for operations whose input is built from
//! query parameters (which have no request body to hang examples on).
//!
//! Examples must be JSON files, never inline `value`s: a YAML parser reads numbers as
//! `f64`, and the documented amounts (a 34-digit number in GetReservationUtilization) must
//! reach the tests byte for byte. The file is read here only to check that it exists and
//! is JSON; its path, relative to the workspace root, is what the IR keeps.

use serde_json::Value;

use super::{escape, Loader, R};
use crate::ir::*;

impl<'a> Loader<'a> {
    /// The `examples` of a request or response `content.<media>` node, if any.
    pub(super) fn examples(
        &self,
        content: &'a Value,
        ptr: &str,
        shape: &str,
        direction: Direction,
        out: &mut Vec<Example>,
    ) -> R<()> {
        match content.get("examples") {
            None => Ok(()),
            Some(ex) => self.example_map(ex, &format!("{ptr}/examples"), shape, direction, out),
        }
    }

    /// A map of named examples at `ptr`, each an `externalValue` relative to the spec.
    pub(super) fn example_map(
        &self,
        ex: &'a Value,
        ptr: &str,
        shape: &str,
        direction: Direction,
        out: &mut Vec<Example>,
    ) -> R<()> {
        for (name, e) in self.obj(ex, ptr)? {
            let p = format!("{ptr}/{}", escape(name));
            if e.get("value").is_some() {
                return Err(self.err(
                    &p,
                    "examples must be `externalValue` JSON files: YAML would read numbers as f64",
                ));
            }
            let file = self.req_str(e, &p, "externalValue")?;
            let rel = self.spec_dir.join(file);
            let rel_str = rel.to_string_lossy().replace('\\', "/");
            let text = std::fs::read(self.root.join(&rel)).map_err(|err| {
                self.err(
                    &format!("{p}/externalValue"),
                    format!("cannot read {rel_str}: {err}"),
                )
            })?;
            serde_json::from_slice::<serde::de::IgnoredAny>(&text).map_err(|err| {
                self.err(
                    &format!("{p}/externalValue"),
                    format!("{rel_str} is not JSON: {err}"),
                )
            })?;
            out.push(Example {
                name: name.clone(),
                summary: self.opt_str(e, &p, "summary")?.map(str::to_string),
                shape: shape.to_string(),
                direction,
                path: rel_str,
            });
        }
        Ok(())
    }
}
