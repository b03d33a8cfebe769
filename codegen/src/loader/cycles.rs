//! Where a recursive type gets its indirection, decided from the shapes' graph, not their
//! names. A structure is recursive when it can reach itself through its members (directly,
//! or through lists and maps). A member that holds a recursive structure directly is boxed;
//! a list's items and a map's values are not (their container is already on the heap).
//!
//! typify breaks cycles in the order it meets the types, which is alphabetical: with a
//! structure named before the recursive one, it had made an optional member
//! `Box<Option<T>>`, which the builder took for required and serde wrote as `null`. The
//! model emitter now writes these members as this pass says, whatever typify chose.

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::*;

/// Sets `Member::boxed` on every structure of `service`.
pub(super) fn mark_boxed(service: &mut Service) {
    let recursive = recursive_structures(service);
    for shape in service.shapes.values_mut() {
        if let ShapeKind::Structure(s) = &mut shape.kind {
            for m in &mut s.members {
                m.boxed = matches!(&m.ty.kind, TyKind::Struct(n) if recursive.contains(n));
            }
        }
    }
}

/// The structures that reach themselves through their members.
fn recursive_structures(service: &Service) -> BTreeSet<String> {
    let edges: BTreeMap<&str, BTreeSet<String>> = service
        .shapes
        .iter()
        .filter_map(|(name, shape)| match &shape.kind {
            ShapeKind::Structure(s) => {
                let mut to = BTreeSet::new();
                for m in &s.members {
                    m.ty.visit_named(&mut |n| {
                        if service.structure(n).is_some() {
                            to.insert(n.to_string());
                        }
                    });
                }
                Some((name.as_str(), to))
            }
            _ => None,
        })
        .collect();
    edges
        .keys()
        .filter(|start| {
            // Depth-first from `start`'s members; recursive if it comes back.
            let mut seen = BTreeSet::new();
            let mut stack: Vec<&str> = edges[*start].iter().map(String::as_str).collect();
            while let Some(at) = stack.pop() {
                if at == **start {
                    return true;
                }
                if seen.insert(at) {
                    stack.extend(edges.get(at).into_iter().flatten().map(String::as_str));
                }
            }
            false
        })
        .map(|s| s.to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::testing::load;
    use crate::ir::*;

    fn boxed(s: &Service, shape: &str) -> Vec<(String, bool)> {
        s.structure(shape)
            .unwrap()
            .members
            .iter()
            .map(|m| (m.name.clone(), m.boxed))
            .collect()
    }

    #[test]
    fn direct_members_of_a_recursive_structure_are_boxed_whatever_the_names() {
        // `Aardvark` sorts before the recursive `Node` and holds it optionally; `Zebra` sorts
        // after it and holds it as required; `Node` holds itself directly and in a list,
        // and `Leaf`, which is not recursive, directly.
        let s = load(
            r#"
components:
  schemas:
    Aardvark:
      type: object
      properties:
        node: {$ref: '#/components/schemas/Node'}
        leaf: {$ref: '#/components/schemas/Leaf'}
    Node:
      type: object
      properties:
        not: {$ref: '#/components/schemas/Node'}
        all: {type: array, items: {$ref: '#/components/schemas/Node'}}
        byName: {type: object, additionalProperties: {$ref: '#/components/schemas/Node'}}
        leaf: {$ref: '#/components/schemas/Leaf'}
    Zebra:
      type: object
      required: [node]
      properties:
        node: {$ref: '#/components/schemas/Node'}
    Leaf:
      type: object
      properties:
        value: {type: string}
"#,
        );
        assert_eq!(
            boxed(&s, "Aardvark"),
            [("node".into(), true), ("leaf".into(), false)]
        );
        assert_eq!(
            boxed(&s, "Node"),
            [
                ("not".into(), true),
                ("all".into(), false),
                ("byName".into(), false),
                ("leaf".into(), false)
            ]
        );
        assert_eq!(boxed(&s, "Zebra"), [("node".into(), true)]);
        assert_eq!(boxed(&s, "Leaf"), [("value".into(), false)]);
    }

    #[test]
    fn a_cycle_through_two_structures_boxes_both_directions() {
        let s = load(
            r#"
components:
  schemas:
    Ping:
      type: object
      properties:
        pong: {$ref: '#/components/schemas/Pong'}
    Pong:
      type: object
      properties:
        ping: {$ref: '#/components/schemas/Ping'}
"#,
        );
        assert_eq!(boxed(&s, "Ping"), [("pong".into(), true)]);
        assert_eq!(boxed(&s, "Pong"), [("ping".into(), true)]);
    }
}
