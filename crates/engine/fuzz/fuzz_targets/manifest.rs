//! The outcome manifest CSV reader.
#![no_main]

use engine::ingest::parse_manifest;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = parse_manifest(data);
});
