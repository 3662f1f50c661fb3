//! Ingest: any uploaded transcript file → a canonical [`Transcript`].
//!
//! `bytes → decode (size cap, binary sniffing, encodings, newlines) → detect the format →
//! parse → metadata (content, then file name, then manifest: later sources win)`.
//!
//! Formats, detected in this order (analysis-methods.md §6): JSON (Gong `callTranscripts`,
//! Fireflies `sentences`) → WebVTT (`WEBVTT` header, or `-->` cue times with a `.`) → SRT
//! (`-->` cue times with a `,`) → Otter (`Name  0:08` headers on two or more lines) →
//! "Speaker: text" (labels on ≥ 30% of the lines) → unlabeled text (one unknown speaker).
//!
//! Guarantees: no panics on any input; linear time; every failure is an [`IngestError`] whose
//! message a non-technical user can act on. Roles are left `Unknown` unless the file gives a
//! hard hint (Gong affiliation, attendee e-mails against [`IngestOptions::rep_domains`]);
//! scoring the rest is [`crate::roles`]' job.

mod decode;
mod json;
mod manifest;
mod metadata;
mod otter;
mod speaker_text;
mod subtitles;
mod turns;

pub use decode::TextEncoding;
pub use manifest::{Manifest, ManifestEntry, parse_manifest};
pub(crate) use metadata::date_from_epoch_days;

use crate::transcript::{SourceFormat, Transcript, TranscriptMetadata};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use turns::lines;

/// Limits and hints for reading files.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IngestOptions {
    /// Files larger than this are refused before any parsing (default 5 MB).
    pub max_bytes: u64,
    /// Text formats with a longer line than this are refused (default 256 KiB): a transcript
    /// line is a sentence or a paragraph, not a megabyte. JSON is exempt (it may be one line).
    pub max_line_bytes: usize,
    /// The agency's client's e-mail domains (e.g. `acme.com`): attendees with these domains
    /// are reps, others prospects.
    pub rep_domains: Vec<String>,
    /// Outcome/date/rep/prospect per file name; overrides what the file and its name say.
    pub manifest: Option<Manifest>,
}

/// The default size cap per file: 5 MB.
pub const DEFAULT_MAX_BYTES: u64 = 5 * 1024 * 1024;

impl Default for IngestOptions {
    fn default() -> Self {
        IngestOptions {
            max_bytes: DEFAULT_MAX_BYTES,
            max_line_bytes: 256 * 1024,
            rep_domains: Vec::new(),
            manifest: None,
        }
    }
}

/// A file that could not be read, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[error("{file}: {kind}")]
pub struct IngestError {
    /// The file name as given.
    pub file: String,
    pub kind: ErrorKind,
}

fn megabytes(bytes: &u64) -> String {
    format!("{:.1}", *bytes as f64 / (1024.0 * 1024.0))
}

/// What is wrong with a file. The messages are shown to agency users as they are.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ErrorKind {
    #[error("the file is {} MB, over the {} MB limit per transcript; split it or export a shorter call", megabytes(.bytes), megabytes(.limit))]
    TooLarge { bytes: u64, limit: u64 },
    #[error("the file is empty")]
    Empty,
    #[error(
        "this is not a text transcript (it looks like {what}); export the transcript as text, VTT, SRT or JSON"
    )]
    NotText { what: String },
    #[error("the text could not be decoded ({detail}); save the file as UTF-8 and upload it again")]
    BadEncoding { detail: String },
    #[error("line {line} is {} KB long, which no transcript has; is this the right file?", .bytes / 1024)]
    LineTooLong { line: u64, bytes: u64 },
    #[error("line {line}, column {column}: the JSON is malformed: {detail}")]
    MalformedJson {
        line: u64,
        column: u64,
        detail: String,
    },
    #[error(
        "this JSON file is not a transcript we know: expected a Gong export (callTranscripts) or a Fireflies export (sentences)"
    )]
    UnknownJson,
    #[error("no speech found: {detail}")]
    NoSpeech { detail: String },
    #[error("{}{detail}", .line.map(|line| format!("line {line}: ")).unwrap_or_default())]
    Manifest { line: Option<u64>, detail: String },
}

/// Everything ingest learns about a file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IngestedFile {
    pub transcript: Transcript,
    /// SHA-256 (hex) of the decoded, normalised text: the same transcript re-uploaded, even
    /// re-encoded or with other line ends, has the same hash.
    pub content_hash: String,
    pub encoding: TextEncoding,
}

/// Reads one file: the canonical transcript, or why it cannot be read.
pub fn parse(
    file_name: &str,
    bytes: &[u8],
    options: &IngestOptions,
) -> Result<Transcript, IngestError> {
    read(file_name, bytes, options).map(|file| file.transcript)
}

/// Like [`parse`], with the content hash and the encoding found.
pub fn read(
    file_name: &str,
    bytes: &[u8],
    options: &IngestOptions,
) -> Result<IngestedFile, IngestError> {
    read_inner(file_name, bytes, options).map_err(|kind| IngestError {
        file: file_name.to_owned(),
        kind,
    })
}

/// The duplicate-detection hash of a file's text (see [`IngestedFile::content_hash`]).
pub fn content_hash(bytes: &[u8], options: &IngestOptions) -> Result<String, ErrorKind> {
    let (text, _) = decode::decode(bytes, options)?;
    Ok(hash_text(&text))
}

fn hash_text(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    let mut hex = String::with_capacity(64);
    for byte in digest.iter() {
        hex.push(char::from(b"0123456789abcdef"[usize::from(byte >> 4)]));
        hex.push(char::from(b"0123456789abcdef"[usize::from(byte & 15)]));
    }
    hex
}

/// The format of already decoded text, without parsing JSON bodies (JSON is reported as
/// Gong when it mentions `callTranscripts`, else Fireflies).
pub fn detect_format(text: &str) -> SourceFormat {
    let start = text.trim_start();
    if looks_like_json(start) {
        return if start
            .get(..4096)
            .unwrap_or(start)
            .contains("callTranscripts")
            || text.contains("\"callTranscripts\"")
        {
            SourceFormat::GongJson
        } else {
            SourceFormat::FirefliesJson
        };
    }
    if start.starts_with("WEBVTT") {
        return SourceFormat::Webvtt;
    }
    if let Some(timing) = lines(start)
        .take(64)
        .find(|line| subtitles::timing_line(line).is_some_and(|(start, _)| start.is_some()))
    {
        let left = timing.split("-->").next().unwrap_or("");
        return if left.contains(',') {
            SourceFormat::Srt
        } else {
            SourceFormat::Webvtt
        };
    }
    if otter::looks_like_otter(text) {
        return SourceFormat::Otter;
    }
    if speaker_text::looks_like_speaker_text(text) {
        return SourceFormat::SpeakerText;
    }
    SourceFormat::Unlabeled
}

/// `{`, or `[` opening an array of objects, arrays or strings (not `[00:01] Dana: hi`).
fn looks_like_json(start: &str) -> bool {
    match start.as_bytes().first() {
        Some(b'{') => true,
        Some(b'[') => start[1..].trim_start().starts_with(['{', '[', ']', '"']),
        _ => false,
    }
}

/// The first line longer than `limit` bytes, as (line number, length).
fn long_line(text: &str, limit: usize) -> Option<(u64, u64)> {
    let ends = memchr::memchr_iter(b'\n', text.as_bytes()).chain(std::iter::once(text.len()));
    let mut start = 0usize;
    for (line, end) in (1u64..).zip(ends) {
        if end - start > limit {
            return Some((line, (end - start) as u64));
        }
        start = end + 1;
    }
    None
}

fn read_inner(
    file_name: &str,
    bytes: &[u8],
    options: &IngestOptions,
) -> Result<IngestedFile, ErrorKind> {
    let (text, encoding) = decode::decode(bytes, options)?;
    let transcript = parse_detected(detect_format(&text), file_name, &text, options)?;
    Ok(IngestedFile {
        transcript,
        content_hash: hash_text(&text),
        encoding,
    })
}

/// Reads a file as `format`, skipping detection: for a user who says "this is an SRT file"
/// when detection guessed wrong. `GongJson` and `FirefliesJson` both accept either layout.
pub fn parse_as(
    format: SourceFormat,
    file_name: &str,
    bytes: &[u8],
    options: &IngestOptions,
) -> Result<Transcript, IngestError> {
    let parsed = decode::decode(bytes, options)
        .and_then(|(text, _)| parse_detected(format, file_name, &text, options));
    parsed.map_err(|kind| IngestError {
        file: file_name.to_owned(),
        kind,
    })
}

fn parse_detected(
    format: SourceFormat,
    file_name: &str,
    text: &str,
    options: &IngestOptions,
) -> Result<Transcript, ErrorKind> {
    let is_json = matches!(format, SourceFormat::GongJson | SourceFormat::FirefliesJson);
    if !is_json && let Some((line, length)) = long_line(text, options.max_line_bytes) {
        return Err(ErrorKind::LineTooLong {
            line,
            bytes: length,
        });
    }
    let (format, turns, speakers, mut metadata) = match format {
        SourceFormat::GongJson | SourceFormat::FirefliesJson => {
            let parsed = json::parse(text, options)?;
            (
                parsed.format,
                parsed.turns,
                parsed.speakers,
                parsed.metadata,
            )
        }
        SourceFormat::Webvtt => {
            let (turns, speakers) = subtitles::parse_webvtt(text)?;
            (format, turns, speakers, TranscriptMetadata::default())
        }
        SourceFormat::Srt => {
            let (turns, speakers) = subtitles::parse_srt(text)?;
            (format, turns, speakers, TranscriptMetadata::default())
        }
        SourceFormat::Otter => {
            let (turns, speakers) = otter::parse(text)?;
            (format, turns, speakers, TranscriptMetadata::default())
        }
        SourceFormat::SpeakerText => {
            let parsed = speaker_text::parse(text)?;
            (
                format,
                parsed.turns,
                parsed.speakers,
                parsed.header.into_metadata(),
            )
        }
        SourceFormat::Unlabeled => {
            let (turns, speakers) = speaker_text::parse_unlabeled(text)?;
            (format, turns, speakers, TranscriptMetadata::default())
        }
    };
    if metadata.duration_ms.is_none() {
        metadata.duration_ms = turns
            .iter()
            .filter_map(|turn| turn.end_ms.or(turn.start_ms))
            .max();
    }
    metadata::overlay(&mut metadata, metadata::from_file_name(file_name));
    if let Some(manifest) = &options.manifest {
        manifest.apply(file_name, &mut metadata);
    }
    Ok(Transcript {
        format,
        speakers,
        turns,
        metadata,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transcript::Outcome;

    #[test]
    fn detects_formats_in_order() {
        let cases = [
            ("{\"callTranscripts\": []}", SourceFormat::GongJson),
            ("[{\"speaker_name\": \"a\"}]", SourceFormat::FirefliesJson),
            (
                "[00:00:01] Dana: hi\n[00:00:03] Marcus: hello\n",
                SourceFormat::SpeakerText,
            ),
            (
                "WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\nhi\n",
                SourceFormat::Webvtt,
            ),
            ("1\n00:00:01,000 --> 00:00:02,000\nhi\n", SourceFormat::Srt),
            (
                "1\n00:00:01.000 --> 00:00:02.000\nhi\n",
                SourceFormat::Webvtt,
            ),
            (
                "Speaker 1  0:01\nhi\n\nSpeaker 2  0:03\nhello\n",
                SourceFormat::Otter,
            ),
            ("Dana: hi\nMarcus: hello\n", SourceFormat::SpeakerText),
            ("just some words\nmore words\n", SourceFormat::Unlabeled),
        ];
        for (text, expected) in cases {
            assert_eq!(detect_format(text), expected, "{text}");
        }
    }

    #[test]
    fn metadata_sources_rise_in_priority() {
        let text = b"Date: 2025-01-01\nOutcome: showed\n\nDana: hi\nMarcus: hello\n";
        let transcript = parse(
            "2025-03-04 Marcus Chen - no show.txt",
            text,
            &IngestOptions::default(),
        )
        .expect("parses");
        assert_eq!(transcript.metadata.date.as_deref(), Some("2025-03-04"));
        assert_eq!(transcript.metadata.outcome, Outcome::NoShow);
        assert_eq!(transcript.metadata.prospect.as_deref(), Some("Marcus Chen"));
        let manifest = parse_manifest(
            b"file,outcome,rep\n2025-03-04 Marcus Chen - no show.txt,closed,Dana Reyes\n",
        )
        .expect("manifest");
        let options = IngestOptions {
            manifest: Some(manifest),
            ..IngestOptions::default()
        };
        let transcript =
            parse("2025-03-04 Marcus Chen - no show.txt", text, &options).expect("parses");
        assert_eq!(transcript.metadata.outcome, Outcome::Closed);
        assert_eq!(transcript.metadata.rep.as_deref(), Some("Dana Reyes"));
        assert_eq!(transcript.metadata.date.as_deref(), Some("2025-03-04"));
    }

    #[test]
    fn the_hash_ignores_encoding_and_line_ends() {
        let text = "Dana: caf\u{e9}\nMarcus: hi\n";
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let crlf = text.replace('\n', "\r\n");
        let options = IngestOptions::default();
        let first = read("a.txt", text.as_bytes(), &options)
            .expect("reads")
            .content_hash;
        assert_eq!(first.len(), 64);
        assert_eq!(
            read("b.txt", &utf16, &options).expect("reads").content_hash,
            first
        );
        assert_eq!(content_hash(crlf.as_bytes(), &options), Ok(first.clone()));
        assert_ne!(
            content_hash(b"Dana: cafe\nMarcus: hi\n", &options),
            Ok(first)
        );
    }

    #[test]
    fn errors_read_well() {
        let options = IngestOptions {
            max_bytes: 1024 * 1024,
            ..IngestOptions::default()
        };
        let error =
            parse("big.vtt", &vec![b'a'; 2 * 1024 * 1024], &options).expect_err("too large");
        assert_eq!(
            error.to_string(),
            "big.vtt: the file is 2.0 MB, over the 1.0 MB limit per transcript; split it or export a shorter call"
        );
        let error = parse(
            "one-line.txt",
            &vec![b'a'; 300 * 1024],
            &IngestOptions::default(),
        )
        .expect_err("long line");
        assert_eq!(
            error.to_string(),
            "one-line.txt: line 1 is 300 KB long, which no transcript has; is this the right file?"
        );
        let error =
            parse("x.json", b"{\"a\":\n  tru}", &IngestOptions::default()).expect_err("malformed");
        assert_eq!(
            error.to_string(),
            "x.json: line 2, column 6: the JSON is malformed: expected ident"
        );
    }
}
