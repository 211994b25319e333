//! The NDJSON and CSV readers under libFuzzer: any bytes, read as NDJSON, as CSV and as CSV
//! after a header, must never panic and must be read as whole lines that partition the input
//! (the check of `tests/fuzz/partition.rs`, which `cargo test` runs under proptest).
#![no_main]

#[path = "../../tests/fuzz/partition.rs"]
mod partition;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(e) = partition::check_all(data) {
        panic!("{e}");
    }
});
