//! Reads a spec file (OpenAPI 3.0.x YAML with `x-` extensions, see `specs/README.md`) into
//! the IR. Every check that can fail names the file and the JSON pointer of the offending
//! node, so a broken spec is fixed from the message alone.
//!
//! This module holds the entry points, the `Loader` (the document, its file name and where
//! its examples live) and the helpers every section uses to read a typed value at a pointer.
//! Each spec section has its own module, read in this order:
//!
//! | module | spec section | IR |
//! |---|---|---|
//! | `service` | `x-cloudcost-service` (family, cliName, protocol, auth, targetPrefix, reference, errorBody), `servers` | `Service`'s facts, `Endpoint`, `ErrorBody` |
//! | `shapes` | `components/schemas` | `Shape`, `Structure`, `Member`, `Ty`, `Constraints` |
//! | `errors` | `x-cloudcost-error`, `commonErrors`, `errorsFor` | `ErrorInfo`, `ErrorsFor` |
//! | `operations` | `paths`: routing, parameters, request and response bodies, error responses | `Operation` |
//! | `pagination` | `x-cloudcost-pagination` | `Pagination` |
//! | `examples` | `examples` / `x-cloudcost-request-examples` (`externalValue` files) | `Example` |
//!
//! The order matters for which error a spec with several problems reports first, and for
//! what each section may refer to: operations bind shapes, `errorsFor` names error shapes
//! and common errors. Checks run in document order within a section, so the first problem
//! in the file is the one reported.

use std::path::Path;

use serde_json::{Map, Value};

use crate::error::{Error, SpecError};
use crate::ir::*;

mod cycles;
mod errors;
mod examples;
mod operations;
mod pagination;
mod query;
mod rules;
mod service;
mod shapes;
#[cfg(test)]
pub(crate) mod testing;

/// Loads and checks one spec. `root` is the workspace root; `rel` the spec path under it.
pub fn load(root: &Path, rel: &str) -> Result<Service, Error> {
    let path = root.join(rel);
    let text = std::fs::read_to_string(&path).map_err(|source| Error::Io {
        path: rel.to_string(),
        source,
    })?;
    load_str(root, rel, &text)
}

/// Loads a spec from text; `rel` names it in errors and locates its examples.
pub fn load_str(root: &Path, rel: &str, text: &str) -> Result<Service, Error> {
    let doc: Value = serde_yaml::from_str(text).map_err(|e| SpecError {
        file: rel.to_string(),
        pointer: String::new(),
        message: format!("not valid YAML: {e}"),
    })?;
    let loader = Loader {
        file: rel.to_string(),
        root: root.to_path_buf(),
        spec_dir: Path::new(rel)
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default(),
        doc: &doc,
        alias_depth: Default::default(),
    };
    Ok(loader.document()?)
}

/// A node of the document with its JSON pointer.
#[derive(Clone, Copy)]
struct At<'a> {
    v: &'a Value,
    ptr: &'a str,
}

/// One spec being read: the parsed document, and what errors and example paths need.
struct Loader<'a> {
    /// The spec path as given (`specs/aws-ce.yaml`): the file named in every error.
    file: String,
    /// The workspace root, against which example files are read.
    root: std::path::PathBuf,
    /// The spec's directory under the root: `externalValue` paths are relative to it.
    spec_dir: std::path::PathBuf,
    doc: &'a Value,
    /// How many alias `$ref`s are being resolved inside each other (see `shapes::ty`).
    alias_depth: std::cell::Cell<u32>,
}

type R<T> = Result<T, SpecError>;

/// Escapes a key for a JSON pointer (RFC 6901): `/usage/list` -> `~1usage~1list`.
fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

impl<'a> Loader<'a> {
    fn err(&self, ptr: &str, message: impl Into<String>) -> SpecError {
        SpecError {
            file: self.file.clone(),
            pointer: ptr.to_string(),
            message: message.into(),
        }
    }

    fn child(&self, at: At<'a>, key: &str) -> Option<(&'a Value, String)> {
        at.v.get(key)
            .map(|v| (v, format!("{}/{}", at.ptr, escape(key))))
    }

    fn obj(&self, v: &'a Value, ptr: &str) -> R<&'a Map<String, Value>> {
        v.as_object()
            .ok_or_else(|| self.err(ptr, format!("expected an object, found {}", kind(v))))
    }

    /// A required object member. A missing key is reported at the parent, a wrong type
    /// at the key itself.
    fn req_obj(
        &self,
        parent: &'a Value,
        ptr: &str,
        key: &str,
    ) -> R<(&'a Map<String, Value>, String)> {
        let p = format!("{ptr}/{}", escape(key));
        let v = parent
            .get(key)
            .ok_or_else(|| self.err(ptr, format!("missing required `{key}`")))?;
        Ok((self.obj(v, &p)?, p))
    }

    fn req_str(&self, parent: &'a Value, ptr: &str, key: &str) -> R<&'a str> {
        match parent.get(key) {
            Some(Value::String(s)) => Ok(s),
            Some(other) => Err(self.err(
                &format!("{ptr}/{}", escape(key)),
                format!("expected a string, found {}", kind(other)),
            )),
            None => Err(self.err(ptr, format!("missing required `{key}`"))),
        }
    }

    fn opt_str(&self, parent: &'a Value, ptr: &str, key: &str) -> R<Option<&'a str>> {
        match parent.get(key) {
            None => Ok(None),
            Some(_) => self.req_str(parent, ptr, key).map(Some),
        }
    }

    /// An optional flag; absent is `false`.
    fn opt_bool(&self, parent: &'a Value, ptr: &str, key: &str) -> R<bool> {
        match parent.get(key) {
            None => Ok(false),
            Some(Value::Bool(b)) => Ok(*b),
            Some(other) => Err(self.err(
                &format!("{ptr}/{}", escape(key)),
                format!("expected true or false, found {}", kind(other)),
            )),
        }
    }

    fn opt_u64(&self, parent: &'a Value, ptr: &str, key: &str) -> R<Option<u64>> {
        match parent.get(key) {
            None => Ok(None),
            Some(v) => v.as_u64().map(Some).ok_or_else(|| {
                self.err(
                    &format!("{ptr}/{}", escape(key)),
                    format!("expected a non-negative integer, found {}", kind(v)),
                )
            }),
        }
    }

    fn opt_number(&self, parent: &'a Value, ptr: &str, key: &str) -> R<Option<serde_json::Number>> {
        match parent.get(key) {
            None => Ok(None),
            Some(Value::Number(n)) => Ok(Some(n.clone())),
            Some(other) => Err(self.err(
                &format!("{ptr}/{}", escape(key)),
                format!("expected a number, found {}", kind(other)),
            )),
        }
    }

    /// The whole document: the root keys, then each section in the order the module doc
    /// gives.
    fn document(&self) -> R<Service> {
        let doc = self.doc;
        self.obj(doc, "")?;
        let version = self.req_str(doc, "", "openapi")?;
        if !version.starts_with("3.0.") {
            return Err(self.err(
                "/openapi",
                format!("expected OpenAPI 3.0.x (progenitor reads only 3.0), found {version}"),
            ));
        }
        let (_, info_ptr) = self.req_obj(doc, "", "info")?;
        let info = &doc["info"];
        let facts = self.service_facts()?;
        let shapes = self.shapes()?;

        let mut service = Service {
            spec_path: self.file.clone(),
            family: facts.family,
            cli_name: facts.cli_name,
            title: self.req_str(info, &info_ptr, "title")?.to_string(),
            version: self.req_str(info, &info_ptr, "version")?.to_string(),
            docs: self
                .opt_str(info, &info_ptr, "description")?
                .map(clean_docs),
            protocol: facts.protocol,
            auth: facts.auth,
            target_prefix: facts.target_prefix,
            endpoint: facts.endpoint,
            reference: facts.reference,
            billing: facts.billing,
            operations: Vec::new(),
            shapes,
            common_errors: Vec::new(),
            errors_for: ErrorsFor::default(),
            error_body: self.error_body(facts.svc, &facts.svc_ptr)?,
            rules: std::collections::BTreeMap::new(),
            document: doc.clone(),
        };
        self.operations(&mut service)?;
        // After the operations: they add the input structures built from query parameters.
        self.check_supported_members(&service)?;
        cycles::mark_boxed(&mut service);
        self.rules(&mut service)?;
        self.situations(&mut service, facts.svc, &facts.svc_ptr)?;
        Ok(service)
    }
}

/// Names of shapes and operations: they become Rust type names as they are.
fn is_type_name(s: &str) -> bool {
    s.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && s.chars().all(|c| c.is_ascii_alphanumeric())
}

/// What a YAML node is, for "expected X, found Y" messages.
fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// Normalizes description text: trims the end of each line (indentation is kept, for
/// Markdown) and leading and trailing blank lines.
fn clean_docs(s: &str) -> String {
    s.lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_string()
}
