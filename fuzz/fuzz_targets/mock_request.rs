//! Fuzz target `mock_request`: the check is `cloudcost_tests::fuzz_checks::mock_request`, which the stable
//! test `tests/tests/fuzz_regressions.rs` also runs on every input saved in
//! `fuzz/regressions/mock_request/`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    cloudcost_tests::fuzz_checks::mock_request(data);
});
