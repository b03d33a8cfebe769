//! Documented examples: `examples.<name>.externalValue` under a request body or the `200`
//! response, and `x-cloudcost-request-examples` for operations whose input is built from
//! query parameters (which have no request body to hang examples on).
//!
//! Examples must be JSON files, never inline `value`s: a YAML parser reads numbers as
//! `f64`, and the documented amounts (a 34-digit number in GetReservationUtilization) must
//! reach the tests byte for byte. The file is checked here to exist and be JSON (never
//! parsed into numbers); the IR keeps its path, relative to the workspace root, and its
//! exact text (which `emit::openapi` inlines into the bundled document).

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
            let text = std::fs::read_to_string(self.root.join(&rel)).map_err(|err| {
                self.err(
                    &format!("{p}/externalValue"),
                    format!("cannot read {rel_str}: {err}"),
                )
            })?;
            serde_json::from_str::<serde::de::IgnoredAny>(&text).map_err(|err| {
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
                pointer: p,
                json: text,
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{error_in, load_in};
    use crate::ir::*;

    /// A temporary workspace root with `specs/examples/<name>` files.
    fn root(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("specs/examples")).unwrap();
        for (name, text) in files {
            std::fs::write(dir.path().join("specs/examples").join(name), text).unwrap();
        }
        dir
    }

    #[test]
    fn request_and_response_examples_by_path() {
        let dir = root(&[("in.json", "{}"), ("out.json", "{\"n\": 1.10}")]);
        let s = load_in(
            dir.path(),
            r#"
paths:
  /ping:
    post:
      requestBody: {content: {application/json: {examples: {asked: {externalValue: examples/in.json}}}}}
      responses:
        '200': {content: {application/json: {examples: {documented: {summary: One., externalValue: examples/out.json}}}}}
"#,
        )
        .unwrap();
        let [req, resp] = s.operations[0].examples.as_slice() else {
            panic!("two examples")
        };
        assert_eq!(req.name, "asked");
        assert_eq!(req.summary, None);
        assert_eq!(req.shape, "Empty");
        assert_eq!(req.direction, Direction::Request);
        // Relative to the workspace root, for `include_str!` and the tests.
        assert_eq!(req.path, "specs/examples/in.json");
        assert_eq!(resp.name, "documented");
        assert_eq!(resp.summary.as_deref(), Some("One."));
        assert_eq!(resp.shape, "Empty");
        assert_eq!(resp.direction, Direction::Response);
        assert_eq!(resp.path, "specs/examples/out.json");
    }

    #[test]
    fn request_examples_of_a_query_operation() {
        let dir = root(&[("q.json", "{}")]);
        let s = load_in(
            dir.path(),
            "paths: {/ping: {post: {requestBody: null, x-cloudcost-request-examples: {q: {externalValue: examples/q.json}}}}}",
        )
        .unwrap();
        let [ex] = s.operations[0].examples.as_slice() else {
            panic!("one example")
        };
        assert_eq!(
            (
                ex.name.as_str(),
                ex.shape.as_str(),
                ex.direction,
                ex.path.as_str()
            ),
            (
                "q",
                "PingRequest",
                Direction::Request,
                "specs/examples/q.json"
            )
        );
    }

    #[test]
    fn inline_value() {
        let dir = root(&[]);
        assert_eq!(
            error_in(dir.path(), "paths: {/ping: {post: {responses: {'200': {content: {application/json: {examples: {a: {value: {n: 1}}}}}}}}}}"),
            "specs/test.yaml#/paths/~1ping/post/responses/200/content/application~1json/examples/a: examples must be `externalValue` JSON files: YAML would read numbers as f64"
        );
    }

    #[test]
    fn example_file_that_is_not_json() {
        let dir = root(&[("bad.json", "{n: 1}")]);
        assert_eq!(
            error_in(dir.path(), "paths: {/ping: {post: {responses: {'200': {content: {application/json: {examples: {a: {externalValue: examples/bad.json}}}}}}}}}"),
            "specs/test.yaml#/paths/~1ping/post/responses/200/content/application~1json/examples/a/externalValue: specs/examples/bad.json is not JSON: key must be a string at line 1 column 2"
        );
    }

    #[test]
    fn example_without_external_value() {
        let dir = root(&[]);
        assert_eq!(
            error_in(dir.path(), "paths: {/ping: {post: {requestBody: null, x-cloudcost-request-examples: {a: {summary: A.}}}}}"),
            "specs/test.yaml#/paths/~1ping/post/x-cloudcost-request-examples/a: missing required `externalValue`"
        );
    }

    #[test]
    fn examples_that_are_a_list() {
        let dir = root(&[]);
        assert_eq!(
            error_in(dir.path(), "paths: {/ping: {post: {requestBody: {content: {application/json: {examples: [examples/in.json]}}}}}}"),
            "specs/test.yaml#/paths/~1ping/post/requestBody/content/application~1json/examples: expected an object, found a list"
        );
    }
}
