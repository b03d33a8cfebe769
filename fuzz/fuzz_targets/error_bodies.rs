//! Fuzz target `error_bodies`: the check is `cloudcost_tests::fuzz_checks::error_bodies`, which the stable
//! test `tests/tests/fuzz_regressions.rs` also runs on every input saved in
//! `fuzz/regressions/error_bodies/`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    cloudcost_tests::fuzz_checks::error_bodies(data);
});
