//! Data-driven: every file in testdata/ingest is read, and a canonical summary of what came
//! out (format, encoding, speakers and roles, metadata, every turn) is compared with
//! testdata/ingest/expected/<file>.txt. Run with `UPDATE_EXPECT=1` to rewrite the snapshots
//! after an intended change, then review the diff.

use engine::ingest::{IngestOptions, read};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn clock(ms: Option<u64>) -> String {
    ms.map_or_else(
        || "-".to_owned(),
        |ms| format!("{}:{:02}.{:03}", ms / 60_000, ms / 1000 % 60, ms % 1000),
    )
}

fn summary(file_name: &str, bytes: &[u8]) -> String {
    let options = IngestOptions {
        rep_domains: vec!["brightsmilegrowth.com".to_owned()],
        ..IngestOptions::default()
    };
    let file = match read(file_name, bytes, &options) {
        Ok(file) => file,
        Err(error) => return format!("error: {}\n", error.kind),
    };
    let transcript = &file.transcript;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "format: {}",
        serde_json::to_string(&transcript.format)
            .unwrap_or_default()
            .trim_matches('"')
    );
    let _ = writeln!(out, "encoding: {:?}", file.encoding);
    let _ = writeln!(out, "content hash: {}…", &file.content_hash[..16]);
    for speaker in &transcript.speakers {
        let _ = writeln!(
            out,
            "speaker: {} ({:?}, {:.1})",
            speaker.name, speaker.role, speaker.confidence
        );
    }
    let metadata = &transcript.metadata;
    let _ = writeln!(
        out,
        "metadata: date {}, outcome {:?}, rep {}, prospect {}, duration {}",
        metadata.date.as_deref().unwrap_or("-"),
        metadata.outcome,
        metadata.rep.as_deref().unwrap_or("-"),
        metadata.prospect.as_deref().unwrap_or("-"),
        clock(metadata.duration_ms)
    );
    let _ = writeln!(out, "turns: {}", transcript.turns.len());
    for turn in &transcript.turns {
        let _ = writeln!(
            out,
            "[{} → {}] {}: {}",
            clock(turn.start_ms),
            clock(turn.end_ms),
            turn.speaker,
            turn.text
        );
    }
    out
}

fn fixtures() -> Vec<PathBuf> {
    let directory = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/ingest");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&directory)
        .expect("testdata/ingest exists")
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    files
}

#[test]
fn fixtures_match_their_snapshots() {
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let mut mismatches = Vec::new();
    let files = fixtures();
    assert!(files.len() >= 20, "the fixtures are there");
    for path in files {
        let name = path
            .file_name()
            .and_then(|name| name.to_str())
            .unwrap_or_default()
            .to_owned();
        let bytes = std::fs::read(&path).expect("readable fixture");
        let actual = summary(&name, &bytes);
        let expected_path = path
            .parent()
            .unwrap_or(Path::new("."))
            .join("expected")
            .join(format!("{name}.txt"));
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if actual != expected {
            if update {
                std::fs::create_dir_all(expected_path.parent().unwrap_or(Path::new(".")))
                    .expect("writable testdata");
                std::fs::write(&expected_path, &actual).expect("writable snapshot");
            } else {
                mismatches.push(format!(
                    "--- {name}\nexpected:\n{expected}\nactual:\n{actual}"
                ));
            }
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} snapshot(s) differ (UPDATE_EXPECT=1 rewrites them):\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}
