//! Fuzz target `shorthand`: the check is `cloudcost_tests::fuzz_checks::shorthand`, which the stable
//! test `tests/tests/fuzz_regressions.rs` also runs on every input saved in
//! `fuzz/regressions/shorthand/`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    cloudcost_tests::fuzz_checks::shorthand(data);
});
