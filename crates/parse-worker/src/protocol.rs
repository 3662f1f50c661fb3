//! What the worker answers, as plain Rust (tested natively).

use engine::ingest::{IngestOptions, parse_manifest, read};
use serde_json::{Value, json};

/// Posted once the worker can take files.
pub(crate) const READY: &str = r#"{"ready":true}"#;

/// The worker's state: the options every file is read with, including the outcome manifest
/// (a CSV dropped with the transcripts: `file,outcome,date,rep,prospect`).
#[derive(Debug, Default)]
pub(crate) struct Parser {
    options: IngestOptions,
}

impl Parser {
    /// Parse one file. The answer is `{"id", "file": IngestedFile}` (the canonical transcript,
    /// its content hash and encoding, as the engine serialises them) or `{"id", "error",
    /// "kind"}` with the engine's reason in words a person can act on and its kind.
    pub(crate) fn transcript(&self, id: f64, file_name: &str, bytes: &[u8]) -> String {
        let answer = match read(file_name, bytes, &self.options) {
            Ok(file) => json!({ "id": id, "file": file }),
            Err(error) => failure(id, &error.kind),
        };
        answer.to_string()
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
    use engine::transcript::Outcome;

    const VTT: &str = "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Dana Reyes>Thanks for booking the call.\n\n00:00:05.000 --> 00:00:09.000\n<v Sam>We keep losing leads.\n";

    fn file(answer: &str) -> IngestedFile {
        let answer: Value = serde_json::from_str(answer).unwrap();
        serde_json::from_value(answer["file"].clone()).unwrap()
    }

    #[test]
    fn a_transcript_comes_back_whole() {
        let parser = Parser::default();
        let answer = parser.transcript(7.0, "call.vtt", VTT.as_bytes());
        assert_eq!(serde_json::from_str::<Value>(&answer).unwrap()["id"], 7.0);
        let file = file(&answer);
        assert_eq!(file.transcript.turns.len(), 2);
        assert_eq!(file.content_hash.len(), 64);
    }

    #[test]
    fn unreadable_files_say_why_in_words() {
        let parser = Parser::default();
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
