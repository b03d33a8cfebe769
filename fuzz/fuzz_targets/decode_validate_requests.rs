//! Fuzz target `decode_validate_requests`: the check is `cloudcost_tests::fuzz_checks::decode_validate_requests`, which the stable
//! test `tests/tests/fuzz_regressions.rs` also runs on every input saved in
//! `fuzz/regressions/decode_validate_requests/`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    cloudcost_tests::fuzz_checks::decode_validate_requests(data);
});
