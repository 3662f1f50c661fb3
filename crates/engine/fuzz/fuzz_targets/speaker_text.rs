//! The speaker_text parser, forced (no format detection in the way).
#![no_main]

use engine::ingest::{IngestOptions, parse_as};
use engine::transcript::SourceFormat;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(transcript) = parse_as(SourceFormat::SpeakerText, "fuzz", data, &IngestOptions::default()) {
        assert!(!transcript.turns.is_empty());
    }
});
