//! The runtime, mock and CLI are tested as users build them: without serde_json's
//! `preserve_order`, which only the generator (cloudcost-codegen) enables.
//!
//! Cargo unifies features across every package of one build, so a test run that builds
//! the generator beside them (`cargo test --workspace`, or this crate depending on
//! codegen) would test an insertion-ordered `serde_json::Map` that a `cargo install`ed
//! `cloudcost` does not have. `cargo test` (the default members) and `cargo xtask test`
//! keep them apart; this test fails if the feature leaks in.

#[test]
fn serde_json_maps_are_sorted_as_in_a_shipped_binary() {
    let mut map = serde_json::Map::new();
    map.insert("zeta".into(), serde_json::Value::Null);
    map.insert("alpha".into(), serde_json::Value::Null);
    let keys: Vec<&str> = map.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        ["alpha", "zeta"],
        "serde_json's preserve_order is on in this build: the generator's feature leaked \
         into the crates under test. Run `cargo xtask test` or `cargo test` (default \
         members), not `cargo test --workspace`."
    );
}
