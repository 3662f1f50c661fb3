//! The whole pipeline: size cap, binary sniffing, decoding, detection, every parser, metadata.
#![no_main]

use engine::ingest::{IngestOptions, read};
use libfuzzer_sys::fuzz_target;

const NAMES: [&str; 6] = ["call.vtt", "2025-03-04 Dana Reyes - no show.srt", "a <> b - won.txt", "x.json", "", "call_2025_13_45_noshow"];

fuzz_target!(|data: &[u8]| {
    let name = NAMES[data.first().map_or(0, |byte| usize::from(*byte) % NAMES.len())];
    let options = IngestOptions { rep_domains: vec!["acme.com".to_owned()], ..IngestOptions::default() };
    if let Ok(file) = read(name, data, &options) {
        assert!(!file.transcript.turns.is_empty());
    }
});
