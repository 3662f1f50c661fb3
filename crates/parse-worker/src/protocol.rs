//! What the worker answers, as plain Rust (tested natively).

use engine::ingest::{IngestOptions, IngestedFile, parse_manifest, read};
use engine::insights::{AnalysisConfig, Analyzer};
use engine::roles::{self, RoleHints};
use serde_json::{Value, json};

/// Posted once the worker can take files.
pub(crate) const READY: &str = r#"{"ready":true}"#;

/// The worker's state: the options every file is read with, including the outcome manifest
/// (a CSV dropped with the transcripts: `file,outcome,date,rep,prospect`), and the analyzer
/// whose cues guess who is the rep and who the prospect.
#[derive(Default)]
pub(crate) struct Parser {
    options: IngestOptions,
    /// Built on first use (it compiles the cue lexicons once).
    analyzer: Option<Analyzer>,
}

impl Parser {
    /// Parse one file and guess its speakers' roles. The answer is `{"id", "file":
    /// IngestedFile}` (the canonical transcript, its content hash and encoding, as the engine
    /// serialises them) or `{"id", "error", "kind"}` with the engine's reason in words a
    /// person can act on and its kind.
    pub(crate) fn transcript(&mut self, id: f64, file_name: &str, bytes: &[u8]) -> String {
        let answer = match read(file_name, bytes, &self.options) {
            Ok(mut file) => {
                self.guess_roles(&mut file);
                json!({ "id": id, "file": file })
            }
            Err(error) => failure(id, &error.kind),
        };
        answer.to_string()
    }

    /// Rep or prospect per speaker, from the transcript's own cues (roles a file states, such
    /// as Gong's affiliations, are kept: the engine ranks them first).
    fn guess_roles(&mut self, file: &mut IngestedFile) {
        if self.analyzer.is_none() {
            self.analyzer = Analyzer::new(AnalysisConfig::default()).ok();
        }
        let Some(analyzer) = &self.analyzer else {
            return;
        };
        let annotated = analyzer.annotate(&file.transcript);
        roles::infer(
            &file.transcript,
            &annotated,
            analyzer,
            &RoleHints::default(),
        )
        .apply(&mut file.transcript);
    }

    /// Read an outcome manifest; later files take their outcome, date, rep and prospect from
    /// it. The answer is `{"id", "manifest": <rows>}` or a failure as for a transcript. A
    /// second manifest adds to the first (later rows win).
    pub(crate) fn manifest(&mut self, id: f64, bytes: &[u8]) -> String {
        let answer = match parse_manifest(bytes) {
            Ok(manifest) => {
                let rows = manifest.entries.len();
                let mut entries = self
                    .options
                    .manifest
                    .take()
                    .map(|existing| existing.entries)
                    .unwrap_or_default();
                // Later rows win: put them first, where Manifest::entry looks first.
                entries.splice(0..0, manifest.entries);
                self.options.manifest = Some(engine::ingest::Manifest { entries });
                json!({ "id": id, "manifest": rows })
            }
            Err(error) => failure(id, &error.kind),
        };
        answer.to_string()
    }
}

fn failure(id: f64, kind: &engine::ingest::ErrorKind) -> Value {
    json!({
        "id": id,
        "error": kind.to_string(),
        "kind": serde_json::to_value(kind)
            .ok()
            .and_then(|kind| kind.get("kind").cloned()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use engine::ingest::IngestedFile;
    use engine::transcript::{Outcome, Role};

    const VTT: &str = "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Dana Reyes>Thanks for booking the call.\n\n00:00:05.000 --> 00:00:09.000\n<v Sam>We keep losing leads.\n";

    fn file(answer: &str) -> IngestedFile {
        let answer: Value = serde_json::from_str(answer).unwrap();
        serde_json::from_value(answer["file"].clone()).unwrap()
    }

    #[test]
    fn a_transcript_comes_back_whole() {
        let mut parser = Parser::default();
        let answer = parser.transcript(7.0, "call.vtt", VTT.as_bytes());
        assert_eq!(serde_json::from_str::<Value>(&answer).unwrap()["id"], 7.0);
        let file = file(&answer);
        assert_eq!(file.transcript.turns.len(), 2);
        assert_eq!(file.content_hash.len(), 64);
    }

    #[test]
    fn speakers_get_a_role_guess() {
        let call = "Dana Reyes: Hi Sam, thanks for booking. What made you reach out to us? Tell me about your business and what is going on with your leads right now.\nSam: We keep losing leads after the first call, my business depends on referrals and my team is stretched thin every single week.\nDana Reyes: How many leads do you get a month, and what does your follow up look like today? Our program handles the follow up for you.\nSam: Maybe twenty a month. Honestly my follow up is just me when I have time, which is never, and my calendar is a mess.\n";
        let mut parser = Parser::default();
        let file = file(&parser.transcript(1.0, "call.txt", call.as_bytes()));
        let role = |name: &str| {
            file.transcript
                .speakers
                .iter()
                .find(|s| s.name == name)
                .unwrap()
                .role
        };
        assert_eq!(role("Dana Reyes"), Role::Rep);
        assert_eq!(role("Sam"), Role::Prospect);
        assert!(
            file.transcript
                .turns
                .iter()
                .all(|turn| turn.role != Role::Unknown)
        );
    }

    #[test]
    fn unreadable_files_say_why_in_words() {
        let mut parser = Parser::default();
        for (name, bytes, kind, words) in [
            ("empty.vtt", &b""[..], "empty", "the file is empty"),
            (
                "photo.vtt",
                &b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"[..],
                "not_text",
                "not a text transcript",
            ),
            (
                "broken.json",
                &b"{\"callTranscripts\": [ {"[..],
                "malformed_json",
                "JSON is malformed",
            ),
        ] {
            let answer: Value = serde_json::from_str(&parser.transcript(1.0, name, bytes)).unwrap();
            assert_eq!(answer["kind"], kind, "{name}");
            let message = answer["error"].as_str().unwrap();
            assert!(message.contains(words), "{name}: {message}");
            assert!(
                !message.contains(name),
                "the page shows the name itself: {message}"
            );
        }
    }

    #[test]
    fn a_manifest_sets_the_outcome_of_later_files() {
        let mut parser = Parser::default();
        assert_eq!(
            file(&parser.transcript(1.0, "call.vtt", VTT.as_bytes()))
                .transcript
                .metadata
                .outcome,
            Outcome::Unknown
        );
        let answer: Value = serde_json::from_str(&parser.manifest(
            2.0,
            b"file,outcome,date,rep,prospect\ncall.vtt,no_show,2025-03-04,Dana Reyes,Sam\n",
        ))
        .unwrap();
        assert_eq!(answer["manifest"], 1);
        let metadata = file(&parser.transcript(3.0, "call.vtt", VTT.as_bytes()))
            .transcript
            .metadata;
        assert_eq!(metadata.outcome, Outcome::NoShow);
        assert_eq!(metadata.date.as_deref(), Some("2025-03-04"));

        parser.manifest(4.0, b"file,outcome\ncall.vtt,closed\n");
        assert_eq!(
            file(&parser.transcript(5.0, "call.vtt", VTT.as_bytes()))
                .transcript
                .metadata
                .outcome,
            Outcome::Closed,
            "a later manifest wins"
        );
        let broken: Value = serde_json::from_str(&parser.manifest(6.0, b"")).unwrap();
        assert_eq!(broken["error"], "the file is empty");
    }

    #[test]
    fn ready_is_json() {
        let ready: Value = serde_json::from_str(READY).unwrap();
        assert_eq!(ready["ready"], true);
    }
}
