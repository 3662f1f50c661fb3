//! Every generated corpus file parses back to what the generator planted: format, speakers,
//! a plausible number of turns, metadata from file names and manifests, roles from hard hints.

use engine::corpus::{CorpusSpec, FileEncoding, GeneratedTranscript, generate, manifest_csv};
use engine::ingest::{IngestOptions, parse, parse_manifest, read};
use engine::transcript::{Outcome, Role, SourceFormat};

fn corpus() -> Vec<GeneratedTranscript> {
    generate(&CorpusSpec {
        seed: 7,
        count: 140,
        min_minutes: 8,
        max_minutes: 15,
        odd_encoding_share: 0.3,
        ..CorpusSpec::default()
    })
}

#[test]
fn corpus_files_parse_back_to_their_labels() {
    let corpus = corpus();
    let formats: std::collections::BTreeSet<SourceFormat> =
        corpus.iter().map(|file| file.labels.format).collect();
    assert_eq!(formats.len(), 7, "the corpus covers every format");
    for file in &corpus {
        let labels = &file.labels;
        let options = IngestOptions {
            rep_domains: vec![labels.industry.rep_domain().to_owned()],
            ..IngestOptions::default()
        };
        let transcript =
            parse(&file.file_name, &file.bytes, &options).unwrap_or_else(|error| panic!("{error}"));
        let name = &file.file_name;
        assert_eq!(transcript.format, labels.format, "{name}");
        let names: Vec<&str> = transcript
            .speakers
            .iter()
            .map(|speaker| speaker.name.as_str())
            .collect();
        let gong_without_parties = labels.format == SourceFormat::GongJson
            && transcript
                .speakers
                .iter()
                .all(|speaker| speaker.role == Role::Unknown);
        if gong_without_parties {
            // Gong transcripts name no one; the parties list (when exported) does.
            assert_eq!(names, ["Speaker 1", "Speaker 2"], "{name}");
        } else if let (Some(rep), Some(prospect)) = (&labels.rep_speaker, &labels.prospect_speaker)
        {
            assert!(
                names.contains(&rep.as_str()) && names.contains(&prospect.as_str()),
                "{name}: {names:?}"
            );
            assert!(names.len() <= 3, "{name}: {names:?}");
            // Merging never crosses speakers, and most utterances alternate.
            assert!(
                transcript.turns.len() * 2 >= labels.utterances,
                "{name}: {} turns of {}",
                transcript.turns.len(),
                labels.utterances
            );
        }
        assert!(transcript.turns.len() <= labels.utterances, "{name}");
        assert!(
            transcript
                .turns
                .iter()
                .all(|turn| !turn.text.is_empty() && !turn.text.contains('\u{feff}')),
            "{name}"
        );
        if labels.outcome_in_file_name {
            assert_eq!(transcript.metadata.outcome, labels.outcome, "{name}");
        }
        if name.contains(&labels.date) || name.contains(&labels.date.replace('-', "_")) {
            assert_eq!(
                transcript.metadata.date.as_deref(),
                Some(labels.date.as_str()),
                "{name}"
            );
        }
        let timed = !matches!(
            labels.format,
            SourceFormat::SpeakerText | SourceFormat::Unlabeled
        );
        if timed {
            let duration = transcript.metadata.duration_ms.unwrap_or(0);
            assert!(
                duration.abs_diff(labels.duration_ms) < 120_000,
                "{name}: {duration} vs {}",
                labels.duration_ms
            );
        }
        match labels.format {
            SourceFormat::FirefliesJson => {
                let rep = transcript
                    .speakers
                    .iter()
                    .find(|speaker| Some(&speaker.name) == labels.rep_speaker.as_ref());
                assert_eq!(
                    rep.map(|speaker| (speaker.role, speaker.confidence)),
                    Some((Role::Rep, 1.0)),
                    "{name}"
                );
            }
            SourceFormat::GongJson if !gong_without_parties => {
                let prospect = transcript
                    .speakers
                    .iter()
                    .find(|speaker| Some(&speaker.name) == labels.prospect_speaker.as_ref());
                assert_eq!(
                    prospect.map(|speaker| speaker.role),
                    Some(Role::Prospect),
                    "{name}"
                );
            }
            _ => assert!(
                transcript
                    .speakers
                    .iter()
                    .all(|speaker| speaker.role == Role::Unknown),
                "{name}"
            ),
        }
    }
}

#[test]
fn a_manifest_supplies_every_outcome() {
    let corpus = corpus();
    let manifest =
        parse_manifest(manifest_csv(&corpus).as_bytes()).expect("the generated manifest parses");
    let options = IngestOptions {
        manifest: Some(manifest),
        ..IngestOptions::default()
    };
    for file in &corpus {
        let transcript =
            parse(&file.file_name, &file.bytes, &options).unwrap_or_else(|error| panic!("{error}"));
        assert_eq!(
            transcript.metadata.outcome, file.labels.outcome,
            "{}",
            file.file_name
        );
        assert_eq!(
            transcript.metadata.date.as_deref(),
            Some(file.labels.date.as_str())
        );
        assert_eq!(
            transcript.metadata.rep.as_deref(),
            Some(file.labels.rep.as_str())
        );
        assert_ne!(transcript.metadata.outcome, Outcome::Unknown);
    }
}

#[test]
fn re_encoded_files_hash_alike() {
    let corpus = corpus();
    let odd = corpus
        .iter()
        .find(|file| file.labels.encoding == FileEncoding::Utf16LeBom)
        .expect("a UTF-16 file");
    let options = IngestOptions::default();
    let original = read(&odd.file_name, &odd.bytes, &options).expect("reads");
    let text = String::from_utf16_lossy(
        &odd.bytes[2..]
            .chunks_exact(2)
            .map(|pair| u16::from_le_bytes([pair[0], pair[1]]))
            .collect::<Vec<_>>(),
    );
    let utf8 = read("copy.txt", text.replace('\n', "\r\n").as_bytes(), &options).expect("reads");
    assert_eq!(original.content_hash, utf8.content_hash);
    assert_eq!(original.transcript.turns, utf8.transcript.turns);
}
