//! Small inline specs for unit tests of the loader and the emitters.
//!
//! [`BASE`] is the smallest spec the loader accepts (one restJson1 operation on an empty
//! structure, one common error answering every situation). A test writes only the part it
//! is about as a YAML fragment, which is merged into the base: mappings merge key by key,
//! anything else replaces, and `null` removes the key (`/ping: null` drops the base's
//! operation). Errors name the file [`FILE`].

use std::path::{Path, PathBuf};

use serde_yaml::Value;

use crate::error::Error;
use crate::ir::Service;

/// The file name errors carry.
pub(crate) const FILE: &str = "specs/test.yaml";

/// The smallest valid spec.
pub(crate) const BASE: &str = r##"
openapi: 3.0.3
info: {title: Test, version: '1'}
servers: [{url: 'https://test.example.com'}]
x-cloudcost-service:
  family: test
  cliName: test
  protocol: restJson1
  auth: {scheme: sigv4, signingName: test}
  commonErrors:
    - {code: Oops, httpStatus: 500, fault: server}
  errorsFor:
    invalidRequest: Oops
    missingAuth: Oops
    badSignature: Oops
    throttled: Oops
    internal: Oops
    unavailable: Oops
    invalidToken: Oops
    changedRequest: Oops
components:
  schemas:
    Empty: {type: object}
paths:
  /ping:
    post:
      operationId: Ping
      requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/Empty'}}}}
      responses:
        '200': {content: {application/json: {schema: {$ref: '#/components/schemas/Empty'}}}}
"##;

/// [`BASE`] with `fragment` merged in, as YAML text.
pub(crate) fn spec(fragment: &str) -> String {
    let mut doc: Value = serde_yaml::from_str(BASE).expect("BASE is YAML");
    let patch: Value = serde_yaml::from_str(fragment).expect("the fragment is YAML");
    merge(&mut doc, patch);
    serde_yaml::to_string(&doc).expect("YAML serializes")
}

fn merge(doc: &mut Value, patch: Value) {
    match (doc, patch) {
        (Value::Mapping(doc), Value::Mapping(patch)) => {
            for (k, v) in patch {
                if v.is_null() {
                    doc.remove(&k);
                } else if let Some(existing) = doc.get_mut(&k) {
                    merge(existing, v);
                } else {
                    doc.insert(k, v);
                }
            }
        }
        (doc, patch) => *doc = patch,
    }
}

/// The workspace root (the fragments' examples, if any, are read from `root` instead).
fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("codegen is in the workspace")
        .to_path_buf()
}

/// Loads [`BASE`] + `fragment` with example files read under `root`.
pub(crate) fn load_in(root: &Path, fragment: &str) -> Result<Service, Error> {
    super::load_str(root, FILE, &spec(fragment))
}

/// Loads [`BASE`] + `fragment`; panics with the error if it does not load.
pub(crate) fn load(fragment: &str) -> Service {
    load_in(&workspace_root(), fragment).unwrap_or_else(|e| panic!("{e}"))
}

/// The error [`BASE`] + `fragment` gets, as printed (`file#pointer: message`).
pub(crate) fn error(fragment: &str) -> String {
    error_in(&workspace_root(), fragment)
}

/// Like [`error`], with example files read under `root`.
pub(crate) fn error_in(root: &Path, fragment: &str) -> String {
    match load_in(root, fragment) {
        Ok(_) => panic!("the spec loaded without error"),
        Err(Error::Spec(e)) => {
            assert_eq!(e.file, FILE);
            e.to_string()
        }
        Err(other) => panic!("expected a spec error, got {other}"),
    }
}

#[test]
fn the_base_spec_loads() {
    let s = load("{}");
    assert_eq!(s.spec_path, FILE);
    assert_eq!(s.operations.len(), 1);
    assert_eq!(s.shapes.keys().collect::<Vec<_>>(), ["Empty"]);
}

#[test]
fn a_fragment_merges_and_null_removes() {
    let s = load("{info: {title: Other}, paths: {/ping: null, /pong: {post: {operationId: Pong, requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/Empty'}}}}, responses: {'200': {content: {application/json: {schema: {$ref: '#/components/schemas/Empty'}}}}}}}}}");
    assert_eq!(s.title, "Other");
    assert_eq!(s.version, "1");
    let names: Vec<_> = s.operations.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(names, ["Pong"]);
}
