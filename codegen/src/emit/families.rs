//! The `cloudcost-families` crate (`crates/families`): every family of `specs/` in one
//! generated crate, so that the hand-written crates that serve every family (the mock, the
//! CLI, the cross-family tests) depend on it alone and a family added as a spec needs no
//! edit of their manifests. It re-exports each model crate (and, with the `clients`
//! feature, each client crate) under the family's snake-case name, lists every family and
//! operation in `FAMILIES`, and hands the model types
//! of every family to a caller's macro (`model_types!`), for registries that need a type,
//! not a name.

use crate::ir::*;
use crate::naming::{client_crate, family_module, model_crate, FAMILIES_CRATE};

/// Where the crate lives.
pub const DIR: &str = "crates/families";

/// The crate's manifest.
pub fn manifest(services: &[Service], header: &str) -> String {
    let mut deps = String::new();
    let mut clients = Vec::new();
    for s in services {
        let (model, client) = (model_crate(&s.family), client_crate(&s.family));
        deps.push_str(&format!(
            "{model} = {{ path = \"../{}-model\", version = \"0.1.0\" }}\n",
            s.family
        ));
        deps.push_str(&format!(
            "{client} = {{ path = \"../{}-client\", version = \"0.1.0\", optional = true }}\n",
            s.family
        ));
        clients.push(format!("\"dep:{client}\""));
    }
    format!(
        "{package}publish = false\n\n[features]\n# The client crates too (the CLI and the tests want them; the mock does not).\nclients = [{clients}]\n\n[dependencies]\n{deps}",
        package = super::cargo::package(
            header,
            FAMILIES_CRATE,
            "Every API family of the specs in one crate: the model (and client) crates, the list of families and operations, and their model types for registries. For the crates that serve every family.",
        ),
        clients = clients.join(", "),
    )
}

/// The crate root, after the header line: the same for every set of specs.
pub fn lib_rs() -> String {
    String::from(
        "//! Every API family of `specs/`, generated: the crates that serve every family (the mock,\n\
         //! the CLI, the cross-family tests) depend on this crate alone, so a family added as a\n\
         //! spec reaches them without an edit of their manifests.\n\
         //!\n\
         //! - each family's model crate, re-exported as `<family>_model` (and, with the `clients`\n\
         //!   feature, its client crate as `<family>_client`);\n\
         //! - [`FAMILIES`]: every family and operation, with the names of their types;\n\
         //! - [`model_types!`]: every family's model types, handed to a caller's macro.\n\n\
         #![forbid(unsafe_code)]\n\n\
         // The table is written as the generator lays it out, not as rustfmt would.\n\
         #[rustfmt::skip]\n\
         mod table;\n\n\
         pub use table::*;\n",
    )
}

/// The `table` module (`src/table.rs`, after the header line): the re-exports, `FAMILIES`
/// and `model_types!`.
pub fn table_rs(services: &[Service]) -> String {
    let mut out = String::from("//! The generated table of every family (see the crate root).\n\n");
    for s in services {
        let (model, client) = (
            model_crate(&s.family).replace('-', "_"),
            client_crate(&s.family).replace('-', "_"),
        );
        let (m, c) = (
            family_module(&s.family, "model"),
            family_module(&s.family, "client"),
        );
        out.push_str(&format!(
            "/// {title}: the model crate (`{spec}`).\npub use {model} as {m};\n\
             /// {title}: the client crate (`{spec}`).\n#[cfg(feature = \"clients\")]\npub use {client} as {c};\n",
            title = s.title,
            spec = s.spec_path,
        ));
    }
    out.push_str(
        "\n/// One API family: one spec.\n#[derive(Debug)]\npub struct Family {\n    \
         /// The family name (`x-cloudcost-service/family`), as in crate names.\n    pub name: &'static str,\n    \
         /// The spec file.\n    pub spec: &'static str,\n    \
         /// The wire protocol (`awsJson1_1`, `restJson1`, `scpRest`).\n    pub protocol: &'static str,\n    \
         /// The family's operations, in spec order.\n    pub operations: &'static [Operation],\n    \
         /// Every modelled error: its wire code and its type's name.\n    pub errors: &'static [ErrorType],\n    \
         /// The price of one request and its currency (`(\"0.01\", \"USD\")`), if the service\n    \
         /// bills for API calls.\n    pub billing: Option<(&'static str, &'static str)>,\n}\n\n\
         /// A modelled error of a family.\n#[derive(Debug)]\npub struct ErrorType {\n    \
         /// The code the service sends (`__type`, `X-Amzn-ErrorType`, SCP's `code`).\n    pub code: &'static str,\n    \
         /// The name of its type in the family's model crate.\n    pub name: &'static str,\n}\n\n\
         /// One operation, by the names of its types in the family's model crate.\n#[derive(Debug)]\npub struct Operation {\n    \
         /// The operation name (`operationId`).\n    pub name: &'static str,\n    \
         /// The request type.\n    pub input: &'static str,\n    \
         /// The response type.\n    pub output: &'static str,\n    \
         /// The modelled error types.\n    pub errors: &'static [&'static str],\n    \
         /// Whether the operation pages.\n    pub paginated: bool,\n}\n\n\
         /// Every family of `specs/`, sorted by spec file.\npub static FAMILIES: &[Family] = &[\n",
    );
    for s in services {
        out.push_str(&format!(
            "    Family {{\n        name: {:?},\n        spec: {:?},\n        protocol: {:?},\n        operations: &[\n",
            s.family,
            s.spec_path,
            s.protocol.name()
        ));
        for op in &s.operations {
            out.push_str(&format!(
                "            Operation {{\n                name: {:?},\n                input: {:?},\n                output: {:?},\n                errors: &[{}],\n                paginated: {},\n            }},\n",
                op.name,
                op.input,
                op.output,
                op.errors
                    .iter()
                    .map(|e| format!("{e:?}"))
                    .collect::<Vec<_>>()
                    .join(", "),
                op.pagination.is_some(),
            ));
        }
        out.push_str("        ],\n        errors: &[\n");
        for (name, shape) in &s.shapes {
            if let ShapeKind::Structure(Structure {
                error: Some(info), ..
            }) = &shape.kind
            {
                out.push_str(&format!(
                    "            ErrorType {{ code: {:?}, name: {name:?} }},\n",
                    info.code
                ));
            }
        }
        out.push_str("        ],\n");
        out.push_str(&match &s.billing {
            Some(b) => format!(
                "        billing: Some(({:?}, {:?})),\n",
                b.per_request, b.currency
            ),
            None => "        billing: None,\n".to_string(),
        });
        out.push_str("    },\n");
    }
    out.push_str(
        "];\n\n/// Calls `$callback!` with every family's model types (each operation's request and\n\
         /// response, and every modelled error), as `\"family\" => [Name: path::to::Name, ...]`,\n\
         /// so that a registry of typed functions (`round_trip::<Type>`) needs no hand-kept list.\n\
         #[macro_export]\nmacro_rules! model_types {\n    ($callback:ident) => {\n        $callback! {\n",
    );
    for s in services {
        let mut types: Vec<&str> = Vec::new();
        for op in &s.operations {
            for t in [&op.input, &op.output].into_iter().chain(&op.errors) {
                if !types.contains(&t.as_str()) {
                    types.push(t);
                }
            }
        }
        let module = family_module(&s.family, "model");
        let entries: Vec<String> = types
            .iter()
            .map(|t| format!("{t}: $crate::{module}::{t}"))
            .collect();
        out.push_str(&format!(
            "            {:?} => [{}],\n",
            s.family,
            entries.join(", ")
        ));
    }
    out.push_str("        }\n    };\n}\n");
    out.push_str(
        "\n/// Calls `$callback!` with every request type and every response type (each operation's\n\
         /// output, then its modelled errors) of every family, as\n\
         /// `requests: [\"family::Name\" => path::to::Name, ...], responses: [...]`, in a fixed\n\
         /// order: families by spec file, operations in spec order, each type once.\n\
         #[macro_export]\nmacro_rules! wire_types {\n    ($callback:ident) => {\n        $callback! {\n",
    );
    let mut requests = Vec::new();
    let mut responses = Vec::new();
    for s in services {
        let module = family_module(&s.family, "model");
        let entry = |t: &str| {
            format!(
                "{:?} => $crate::{module}::{t}",
                format!("{}::{t}", s.family)
            )
        };
        let mut outputs: Vec<&str> = Vec::new();
        let mut errors: Vec<&str> = Vec::new();
        for op in &s.operations {
            requests.push(entry(&op.input));
            if !outputs.contains(&op.output.as_str()) {
                outputs.push(&op.output);
            }
            for e in &op.errors {
                if !errors.contains(&e.as_str()) {
                    errors.push(e);
                }
            }
        }
        responses.extend(outputs.iter().chain(&errors).map(|t| entry(t)));
    }
    out.push_str(&format!(
        "            requests: [\n{}            ],\n            responses: [\n{}            ],\n",
        requests
            .iter()
            .map(|r| format!("                {r},\n"))
            .collect::<String>(),
        responses
            .iter()
            .map(|r| format!("                {r},\n"))
            .collect::<String>(),
    ));
    out.push_str("        }\n    };\n}\n");
    out
}

#[cfg(test)]
mod tests {
    use crate::loader::testing::load;

    #[test]
    fn every_operation_and_its_types_are_listed_once() {
        let s = load(
            r#"
components:
  schemas:
    In: {type: object}
    Out: {type: object}
    Bad:
      type: object
      x-cloudcost-error: {code: Bad, httpStatus: 400, fault: client}
paths:
  /a:
    post:
      operationId: A
      requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/In'}}}}
      responses:
        '200': {content: {application/json: {schema: {$ref: '#/components/schemas/Out'}}}}
        '400': {content: {application/json: {schema: {oneOf: [{$ref: '#/components/schemas/Bad'}]}}}}
  /b:
    post:
      operationId: B
      requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/In'}}}}
      responses:
        '200': {content: {application/json: {schema: {$ref: '#/components/schemas/Out'}}}}
        '400': {content: {application/json: {schema: {oneOf: [{$ref: '#/components/schemas/Bad'}]}}}}
"#,
        );
        let lib = super::table_rs(std::slice::from_ref(&s));
        assert!(
            lib.contains("pub use cloudcost_test_model as test_model;"),
            "{lib}"
        );
        assert!(
            lib.contains(
                "#[cfg(feature = \"clients\")]\npub use cloudcost_test_client as test_client;"
            ),
            "{lib}"
        );
        // Each type once, though two operations share them (the base spec's `Ping` adds `Empty`).
        assert!(
            lib.contains("In: $crate::test_model::In, Out: $crate::test_model::Out, Bad: $crate::test_model::Bad"),
            "{lib}"
        );
        assert_eq!(lib.matches("In: ").count(), 1, "{lib}");
        assert!(
            lib.contains(
                "responses: [\n                \"test::Empty\" => $crate::test_model::Empty,\n"
            ),
            "{lib}"
        );
        assert!(
            lib.contains("ErrorType { code: \"Bad\", name: \"Bad\" },"),
            "{lib}"
        );
        assert_eq!(lib.matches("            Operation {\n").count(), 3, "{lib}");
        let manifest = super::manifest(std::slice::from_ref(&s), "@generated");
        assert!(
            manifest.contains("clients = [\"dep:cloudcost-test-client\"]"),
            "{manifest}"
        );
    }
}
