//! Property tests: no input panics the decoder, the detector, any parser or the manifest
//! reader, and whatever parses satisfies the canonical transcript's invariants.

use engine::corpus::{CorpusSpec, GeneratedTranscript, generate};
use engine::ingest::{IngestOptions, detect_format, parse_as, parse_manifest, read};
use engine::transcript::{SourceFormat, Transcript};
use proptest::prelude::*;
use proptest::sample::{Index, select};
use std::sync::LazyLock;

/// Pieces of every format's syntax, so random text is near-valid rather than noise.
const FRAGMENTS: &[&str] = &[
    "WEBVTT",
    "\n",
    "\n\n",
    "\r\n",
    "\r",
    " --> ",
    "-->",
    "00:00:01.000",
    "00:01:02,500",
    "99:99:99.999",
    "1:02",
    "0:08",
    "1\n",
    "42\n",
    "<v ",
    "<v.loud ",
    ">",
    "</v>",
    "<i>",
    "&amp;",
    "&",
    "Dana Reyes",
    "Speaker 1",
    ": ",
    ":",
    "**",
    "**:",
    ":**",
    "[",
    "]",
    "(",
    ")",
    "{",
    "}",
    "\"callTranscripts\"",
    "\"sentences\"",
    "\"speaker_name\"",
    "\"text\"",
    "\"start\"",
    "[{",
    "}]",
    ",",
    "\"",
    "1e308",
    "-1",
    "\0",
    "\u{FEFF}",
    "  ",
    "\t",
    "é",
    "\u{2019}",
    "NOTE",
    "STYLE",
    "Date: ",
    "Outcome: no show",
    "Transcribed by https://otter.ai",
    "hello there",
    "so um like",
    "\u{1F600}",
    "\u{202E}",
];

fn near_valid_text() -> impl Strategy<Value = String> {
    prop::collection::vec(select(FRAGMENTS), 0..300).prop_map(|pieces| pieces.concat())
}

static CORPUS: LazyLock<Vec<GeneratedTranscript>> = LazyLock::new(|| {
    generate(&CorpusSpec {
        seed: 11,
        count: 28,
        min_minutes: 2,
        max_minutes: 3,
        odd_encoding_share: 0.3,
        ..CorpusSpec::default()
    })
});

#[derive(Debug, Clone)]
enum Edit {
    Delete(Index, usize),
    Insert(Index, &'static str),
    Duplicate(Index, usize),
    Flip(Index, u8),
    Truncate(Index),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<Index>(), 1usize..200).prop_map(|(at, length)| Edit::Delete(at, length)),
        (any::<Index>(), select(FRAGMENTS)).prop_map(|(at, fragment)| Edit::Insert(at, fragment)),
        (any::<Index>(), 1usize..400).prop_map(|(at, length)| Edit::Duplicate(at, length)),
        (any::<Index>(), any::<u8>()).prop_map(|(at, byte)| Edit::Flip(at, byte)),
        any::<Index>().prop_map(Edit::Truncate),
    ]
}

fn apply(bytes: &mut Vec<u8>, edit: &Edit) {
    if bytes.is_empty() {
        return;
    }
    match edit {
        Edit::Delete(at, length) => {
            let start = at.index(bytes.len());
            bytes.drain(start..(start + length).min(bytes.len()));
        }
        Edit::Insert(at, fragment) => {
            let start = at.index(bytes.len());
            bytes.splice(start..start, fragment.bytes());
        }
        Edit::Duplicate(at, length) => {
            let start = at.index(bytes.len());
            let copy = bytes[start..(start + length).min(bytes.len())].to_vec();
            bytes.splice(start..start, copy);
        }
        Edit::Flip(at, byte) => {
            let index = at.index(bytes.len());
            bytes[index] = *byte;
        }
        Edit::Truncate(at) => bytes.truncate(at.index(bytes.len())),
    }
}

/// What every successfully parsed transcript guarantees.
fn check_invariants(transcript: &Transcript) -> Result<(), TestCaseError> {
    prop_assert!(!transcript.turns.is_empty());
    for speaker in &transcript.speakers {
        prop_assert!(
            !speaker.name.contains(['\0', '\u{FEFF}']),
            "speaker {:?}",
            speaker.name
        );
        prop_assert!(
            transcript
                .turns
                .iter()
                .any(|turn| turn.speaker == speaker.name),
            "silent speaker {:?}",
            speaker.name
        );
    }
    for turn in &transcript.turns {
        prop_assert!(
            !turn.text.is_empty() && turn.text.trim() == turn.text,
            "turn text {:?}",
            turn.text
        );
        prop_assert!(
            !turn.text.contains(['\0', '\u{FEFF}', '\r']),
            "turn text {:?}",
            turn.text
        );
        prop_assert!(
            transcript
                .speakers
                .iter()
                .any(|speaker| speaker.name == turn.speaker),
            "unknown speaker {:?}",
            turn.speaker
        );
    }
    if transcript.format != SourceFormat::Unlabeled {
        // Consecutive turns of one speaker exist only across a silence of 2 s or more.
        for pair in transcript.turns.windows(2) {
            if pair[0].speaker == pair[1].speaker {
                let gap = pair[0]
                    .end_ms
                    .or(pair[0].start_ms)
                    .zip(pair[1].start_ms)
                    .map(|(end, start)| start.saturating_sub(end));
                prop_assert!(
                    gap.is_some_and(|gap| gap >= 2_000),
                    "unmerged turns {:?} / {:?}",
                    pair[0],
                    pair[1]
                );
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..3000), name in "[ -~]{0,40}") {
        if let Ok(file) = read(&name, &bytes, &IngestOptions::default()) {
            check_invariants(&file.transcript)?;
        }
        let _ = parse_manifest(&bytes);
    }

    #[test]
    fn near_valid_text_in_every_format(text in near_valid_text(), format in select(&SourceFormat::ALL[..])) {
        let _ = detect_format(&text);
        if let Ok(transcript) = parse_as(format, "fuzz.txt", text.as_bytes(), &IngestOptions::default()) {
            let json = matches!(format, SourceFormat::GongJson | SourceFormat::FirefliesJson);
            prop_assert!(json || transcript.format == format);
            check_invariants(&transcript)?;
        }
        if let Ok(file) = read("fuzz.vtt", text.as_bytes(), &IngestOptions::default()) {
            check_invariants(&file.transcript)?;
        }
        let _ = parse_manifest(text.as_bytes());
    }

    #[test]
    fn damaged_real_files_parse_or_fail_cleanly(which in any::<Index>(), edits in prop::collection::vec(edit(), 0..12)) {
        let file = &CORPUS[which.index(CORPUS.len())];
        let mut bytes = file.bytes.clone();
        for edit in &edits {
            apply(&mut bytes, edit);
        }
        let first = read(&file.file_name, &bytes, &IngestOptions::default());
        if let Ok(parsed) = &first {
            check_invariants(&parsed.transcript)?;
        }
        // Deterministic: the same bytes give the same result.
        prop_assert_eq!(first, read(&file.file_name, &bytes, &IngestOptions::default()));
    }

    #[test]
    fn manifests_with_random_cells_never_panic(rows in prop::collection::vec(prop::collection::vec("[ -~éé\"\n,]{0,12}", 0..6), 0..12)) {
        let mut csv = String::from("file,outcome,date,rep,prospect\n");
        for row in rows {
            csv.push_str(&row.join(","));
            csv.push('\n');
        }
        if let Ok(manifest) = parse_manifest(csv.as_bytes()) {
            prop_assert!(manifest.entries.iter().all(|entry| !entry.file.is_empty() && entry.line >= 2));
        }
    }
}
