//! The bulk uploader's rules: a queue of dropped files, each going
//! `Queued → Parsing → Ready → Uploading → Saving → Saved`, or stopping at `Unreadable`
//! (the engine's reason), `Duplicate` (the same transcript is already stored for this client,
//! or earlier in this drop) or `Failed` (upload or save refused; retryable).
//!
//! The order of writes never leaves a transcript row without its file: the original file is
//! uploaded first, then the row is inserted; when the insert is refused the uploaded file is
//! removed again. A file whose removal failed, or whose page closed between the two steps, is
//! remembered in the [`Ledger`] (localStorage) and removed the next time the page opens.
//!
//! Pure state: the page performs the effects (reading files, the parse worker, Storage, REST)
//! and reports back; every method ignores transitions its item is not ready for, so late or
//! repeated callbacks cannot corrupt the queue.

use super::transcripts::SpeakerEntry;
use engine::ingest::IngestedFile;
use engine::transcript::{Outcome, Role, SourceFormat, Transcript};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// Files larger than this are refused before they are read: the engine's limit per
/// transcript (a one-hour call is about 60 KB of text).
pub(crate) const MAX_FILE_BYTES: u64 = engine::ingest::DEFAULT_MAX_BYTES;
/// Files read and parsed at once (bounds memory when hundreds of files are dropped).
pub(crate) const PARSE_CONCURRENCY: usize = 4;
/// Uploads in flight at once.
pub(crate) const UPLOAD_CONCURRENCY: usize = 4;

/// A queue item's id, local to the page.
pub(crate) type ItemId = u32;

/// Where one file is.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Stage {
    /// Waiting for the parser.
    Queued,
    /// Being read and parsed in the background.
    Parsing,
    /// Parsed; waiting for an upload slot.
    Ready,
    /// The original file is being uploaded (bytes sent of total).
    Uploading { sent: u64, total: u64 },
    /// The file is stored; the transcript row is being saved.
    Saving,
    /// Stored: the file and its row.
    Saved { transcript_id: String },
    /// The file cannot be read; the engine's reason, in words a person can act on.
    Unreadable { reason: String },
    /// The same transcript is already stored for this client (or earlier in this drop).
    Duplicate { of: String },
    /// The upload or the save failed. `leftover` is set when the uploaded copy could not be
    /// removed yet (it is removed the next time the page opens).
    Failed { reason: String, leftover: bool },
}

impl Stage {
    /// Nothing more will happen to the item without the user.
    pub(crate) fn is_settled(&self) -> bool {
        matches!(
            self,
            Stage::Saved { .. }
                | Stage::Unreadable { .. }
                | Stage::Duplicate { .. }
                | Stage::Failed { .. }
        )
    }

    fn in_flight(&self) -> bool {
        matches!(self, Stage::Uploading { .. } | Stage::Saving)
    }
}

/// What the parser made of a file, with the user's corrections before it is saved.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ParsedFile {
    pub(crate) transcript: Transcript,
    /// The engine's duplicate-detection hash (SHA-256 of the decoded, normalised text).
    pub(crate) content_hash: String,
    /// Speakers with roles; the source of truth for roles (the `speakers` column).
    pub(crate) speakers: Vec<SpeakerEntry>,
    pub(crate) outcome: Outcome,
}

impl ParsedFile {
    pub(crate) fn new(file: IngestedFile) -> ParsedFile {
        let speakers = file
            .transcript
            .speakers
            .iter()
            .map(SpeakerEntry::from_speaker)
            .collect();
        ParsedFile {
            outcome: file.transcript.metadata.outcome,
            speakers,
            content_hash: file.content_hash,
            transcript: file.transcript,
        }
    }

    /// The call's length: the metadata's, else the last timestamp.
    pub(crate) fn duration_ms(&self) -> Option<u64> {
        self.transcript.metadata.duration_ms.or_else(|| {
            self.transcript
                .turns
                .iter()
                .filter_map(|turn| turn.end_ms.or(turn.start_ms))
                .max()
        })
    }

    /// The canonical transcript with the corrected roles written into speakers and turns.
    pub(crate) fn canonical(&self) -> Transcript {
        let mut transcript = self.transcript.clone();
        let role_of = |name: &str| {
            self.speakers
                .iter()
                .find(|speaker| speaker.name == name)
                .map(|speaker| speaker.role)
        };
        for speaker in &mut transcript.speakers {
            if let Some(role) = role_of(&speaker.name) {
                speaker.role = role;
            }
        }
        for turn in &mut transcript.turns {
            if let Some(role) = role_of(&turn.speaker) {
                turn.role = role;
            }
        }
        transcript.metadata.outcome = self.outcome;
        transcript
    }

    /// The name of the first speaker with `role`.
    fn speaker_with(&self, role: Role) -> Option<&str> {
        self.speakers
            .iter()
            .find(|speaker| speaker.role == role)
            .map(|speaker| speaker.name.as_str())
    }
}

/// One dropped file.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Item {
    pub(crate) id: ItemId,
    /// The name as the browser gave it (shown as text, never as markup).
    pub(crate) file_name: String,
    pub(crate) size_bytes: u64,
    pub(crate) stage: Stage,
    /// Present from `Ready` on; the canonical transcript is dropped once saved.
    pub(crate) parsed: Option<ParsedFile>,
    /// The transcript id (and Storage key) chosen for this file's upload.
    pub(crate) upload: Option<PlannedUpload>,
}

/// Where a file goes: the row id and the Storage key, chosen before the upload starts.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PlannedUpload {
    pub(crate) transcript_id: String,
    pub(crate) storage_path: String,
    pub(crate) content_type: &'static str,
}

/// Counts for the uploader's headline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Summary {
    pub(crate) total: usize,
    /// Waiting for or being parsed.
    pub(crate) parsing: usize,
    /// Parsed successfully (whatever happened next).
    pub(crate) parsed: usize,
    pub(crate) unreadable: usize,
    pub(crate) duplicates: usize,
    /// Waiting for, or in, upload and save.
    pub(crate) uploading: usize,
    pub(crate) saved: usize,
    pub(crate) failed: usize,
}

impl Summary {
    /// One sentence for the page (and screen readers).
    pub(crate) fn sentence(&self) -> String {
        if self.total == 0 {
            return String::new();
        }
        let mut parts = vec![format!(
            "{} of {} read",
            self.parsed,
            super::format::count(self.total as i64, "file", "files")
        )];
        if self.parsing > 0 {
            parts.push(format!("{} still reading", self.parsing));
        }
        if self.unreadable > 0 {
            parts.push(format!("{} could not be read", self.unreadable));
        }
        if self.duplicates > 0 {
            parts.push(format!("{} already uploaded", self.duplicates));
        }
        parts.push(format!("{} saved", self.saved));
        if self.uploading > 0 {
            parts.push(format!("{} uploading", self.uploading));
        }
        if self.failed > 0 {
            parts.push(format!("{} failed", self.failed));
        }
        parts.join(", ") + "."
    }
}

/// Why saving a transcript row failed.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum SaveError {
    /// The database already has this transcript for the client (HTTP 409, unique hash).
    Duplicate,
    /// Anything else, in words for the user.
    Other(String),
}

/// The queue of one uploader.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct UploadQueue {
    items: Vec<Item>,
    next_id: ItemId,
    /// Content hashes already stored for the client → the stored file's name.
    stored: BTreeMap<String, String>,
}

impl UploadQueue {
    pub(crate) fn new() -> UploadQueue {
        UploadQueue::default()
    }

    /// The client's stored transcripts (content hash, file name), for duplicate detection
    /// before anything is uploaded. Call again whenever the list is reloaded.
    pub(crate) fn set_stored<'a>(&mut self, stored: impl IntoIterator<Item = (&'a str, &'a str)>) {
        self.stored = stored
            .into_iter()
            .map(|(hash, name)| (hash.to_owned(), name.to_owned()))
            .collect();
    }

    pub(crate) fn items(&self) -> &[Item] {
        &self.items
    }

    pub(crate) fn item(&self, id: ItemId) -> Option<&Item> {
        self.items.iter().find(|item| item.id == id)
    }

    fn item_mut(&mut self, id: ItemId) -> Option<&mut Item> {
        self.items.iter_mut().find(|item| item.id == id)
    }

    /// Add dropped files (name, size). Empty files and files over [`MAX_FILE_BYTES`] are
    /// refused at once, before they are read.
    pub(crate) fn add(&mut self, files: &[(String, u64)]) -> Vec<ItemId> {
        let mut ids = Vec::with_capacity(files.len());
        for (file_name, size_bytes) in files {
            let id = self.next_id;
            self.next_id += 1;
            let stage = if *size_bytes == 0 {
                Stage::Unreadable {
                    reason: engine::ingest::ErrorKind::Empty.to_string(),
                }
            } else if *size_bytes > MAX_FILE_BYTES {
                Stage::Unreadable {
                    reason: engine::ingest::ErrorKind::TooLarge {
                        bytes: *size_bytes,
                        limit: MAX_FILE_BYTES,
                    }
                    .to_string(),
                }
            } else {
                Stage::Queued
            };
            self.items.push(Item {
                id,
                file_name: file_name.clone(),
                size_bytes: *size_bytes,
                stage,
                parsed: None,
                upload: None,
            });
            ids.push(id);
        }
        ids
    }

    /// Queued items to read and parse now, keeping at most [`PARSE_CONCURRENCY`] in flight.
    pub(crate) fn start_parsing(&mut self) -> Vec<ItemId> {
        let busy = self
            .items
            .iter()
            .filter(|item| item.stage == Stage::Parsing)
            .count();
        let mut started = Vec::new();
        for item in &mut self.items {
            if busy + started.len() >= PARSE_CONCURRENCY {
                break;
            }
            if item.stage == Stage::Queued {
                item.stage = Stage::Parsing;
                started.push(item.id);
            }
        }
        started
    }

    /// The parser's answer: the file, or the engine's reason it cannot be read.
    pub(crate) fn parsed(&mut self, id: ItemId, result: Result<IngestedFile, String>) {
        let duplicate_of = match &result {
            Ok(file) => self.duplicate_of(id, &file.content_hash),
            Err(_) => None,
        };
        let Some(item) = self.item_mut(id) else {
            return;
        };
        if item.stage != Stage::Parsing {
            return;
        }
        match result {
            Err(reason) => item.stage = Stage::Unreadable { reason },
            Ok(file) => {
                item.parsed = Some(ParsedFile::new(file));
                item.stage = match duplicate_of {
                    Some(of) => Stage::Duplicate { of },
                    None => Stage::Ready,
                };
            }
        }
    }

    /// The stored file, or the earlier item of this drop, with the same content.
    fn duplicate_of(&self, id: ItemId, hash: &str) -> Option<String> {
        if let Some(name) = self.stored.get(hash) {
            return Some(name.clone());
        }
        self.items
            .iter()
            .filter(|other| other.id != id && !matches!(other.stage, Stage::Duplicate { .. }))
            .find(|other| {
                other
                    .parsed
                    .as_ref()
                    .is_some_and(|parsed| parsed.content_hash == hash)
            })
            .map(|other| other.file_name.clone())
    }

    /// Ready items to upload now, keeping at most [`UPLOAD_CONCURRENCY`] in flight. `plan`
    /// chooses each one's row id and Storage key.
    pub(crate) fn start_uploads(
        &mut self,
        mut plan: impl FnMut(&Item) -> PlannedUpload,
    ) -> Vec<ItemId> {
        let busy = self
            .items
            .iter()
            .filter(|item| item.stage.in_flight())
            .count();
        let mut started = Vec::new();
        for index in 0..self.items.len() {
            if busy + started.len() >= UPLOAD_CONCURRENCY {
                break;
            }
            if self.items[index].stage != Stage::Ready {
                continue;
            }
            let planned = plan(&self.items[index]);
            let item = &mut self.items[index];
            item.upload = Some(planned);
            item.stage = Stage::Uploading {
                sent: 0,
                total: item.size_bytes,
            };
            started.push(item.id);
        }
        started
    }

    pub(crate) fn progress(&mut self, id: ItemId, sent: u64, total: u64) {
        if let Some(item) = self.item_mut(id)
            && matches!(item.stage, Stage::Uploading { .. })
        {
            item.stage = Stage::Uploading {
                sent: sent.min(total),
                total,
            };
        }
    }

    /// The original file is stored; the row is saved next.
    pub(crate) fn uploaded(&mut self, id: ItemId) {
        if let Some(item) = self.item_mut(id)
            && matches!(item.stage, Stage::Uploading { .. })
        {
            item.stage = Stage::Saving;
        }
    }

    /// The upload itself was refused or interrupted (nothing was stored).
    pub(crate) fn upload_failed(&mut self, id: ItemId, reason: String) {
        if let Some(item) = self.item_mut(id)
            && matches!(item.stage, Stage::Uploading { .. })
        {
            item.stage = Stage::Failed {
                reason,
                leftover: false,
            };
        }
    }

    /// The row is saved: done. The canonical transcript is dropped (it is in the database).
    pub(crate) fn saved(&mut self, id: ItemId, transcript_id: String) {
        if let Some(item) = self.item_mut(id)
            && item.stage == Stage::Saving
        {
            item.stage = Stage::Saved { transcript_id };
            if let Some(parsed) = &mut item.parsed {
                parsed.transcript.turns = Vec::new();
            }
        }
    }

    /// Saving the row failed after the file was uploaded; `leftover` tells whether the
    /// uploaded copy is still to be removed.
    pub(crate) fn save_failed(&mut self, id: ItemId, error: SaveError, leftover: bool) {
        let Some(item) = self.item_mut(id) else {
            return;
        };
        if item.stage != Stage::Saving {
            return;
        }
        item.stage = match error {
            SaveError::Duplicate => Stage::Duplicate {
                of: "an earlier upload".to_owned(),
            },
            SaveError::Other(reason) => Stage::Failed { reason, leftover },
        };
    }

    /// Try a failed item again (with a fresh row id and Storage key).
    pub(crate) fn retry(&mut self, id: ItemId) -> bool {
        match self.item_mut(id) {
            Some(item) if matches!(item.stage, Stage::Failed { .. }) && item.parsed.is_some() => {
                item.stage = Stage::Ready;
                item.upload = None;
                true
            }
            _ => false,
        }
    }

    /// Correct a speaker's role before the transcript is saved.
    pub(crate) fn set_role(&mut self, id: ItemId, speaker: &str, role: Role) -> bool {
        match self.item_mut(id) {
            Some(item) if !item.stage.in_flight() && !matches!(item.stage, Stage::Saved { .. }) => {
                item.parsed.as_mut().is_some_and(|parsed| {
                    super::transcripts::set_role(&mut parsed.speakers, speaker, role)
                })
            }
            _ => false,
        }
    }

    /// Correct the outcome before the transcript is saved.
    pub(crate) fn set_outcome(&mut self, id: ItemId, outcome: Outcome) -> bool {
        match self.item_mut(id) {
            Some(item) if !item.stage.in_flight() && !matches!(item.stage, Stage::Saved { .. }) => {
                match &mut item.parsed {
                    Some(parsed) => {
                        parsed.outcome = outcome;
                        true
                    }
                    None => false,
                }
            }
            _ => false,
        }
    }

    /// A saved transcript was corrected in the database: its preview shows what was saved.
    pub(crate) fn apply_saved(&mut self, id: ItemId, speakers: &[SpeakerEntry], outcome: Outcome) {
        if let Some(item) = self.item_mut(id)
            && matches!(item.stage, Stage::Saved { .. })
            && let Some(parsed) = &mut item.parsed
        {
            parsed.speakers = speakers.to_vec();
            parsed.outcome = outcome;
        }
    }

    /// Forget settled items (the list of stored transcripts shows the saved ones).
    pub(crate) fn clear_settled(&mut self) {
        self.items.retain(|item| !item.stage.is_settled());
    }

    /// Something is still being read, uploaded or saved.
    pub(crate) fn is_busy(&self) -> bool {
        self.items.iter().any(|item| {
            matches!(
                item.stage,
                Stage::Queued
                    | Stage::Parsing
                    | Stage::Ready
                    | Stage::Uploading { .. }
                    | Stage::Saving
            )
        })
    }

    pub(crate) fn summary(&self) -> Summary {
        let mut summary = Summary {
            total: self.items.len(),
            ..Summary::default()
        };
        for item in &self.items {
            match item.stage {
                Stage::Queued | Stage::Parsing => summary.parsing += 1,
                Stage::Ready | Stage::Uploading { .. } | Stage::Saving => summary.uploading += 1,
                Stage::Saved { .. } => summary.saved += 1,
                Stage::Unreadable { .. } => summary.unreadable += 1,
                Stage::Duplicate { .. } => summary.duplicates += 1,
                Stage::Failed { .. } => summary.failed += 1,
            }
            if item.parsed.is_some() {
                summary.parsed += 1;
            }
        }
        summary
    }
}

/// Characters the database refuses in single-line text (`private.is_single_line_text`):
/// control characters, zero-width and bidirectional controls, the BOM.
fn is_refused_char(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{200b}'..='\u{200f}'
        | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2069}' | '\u{feff}')
}

/// Text fit for a single-line column: refused characters removed, trimmed, at most
/// `max_chars` characters.
pub(crate) fn single_line(text: &str, max_chars: usize) -> String {
    let cleaned: String = text.chars().filter(|c| !is_refused_char(*c)).collect();
    cleaned
        .trim()
        .chars()
        .take(max_chars)
        .collect::<String>()
        .trim_end()
        .to_owned()
}

/// The file name as stored (`transcripts.file_name`: 1–255 characters, one line).
pub(crate) fn stored_file_name(name: &str) -> String {
    let cleaned = single_line(name, 255);
    if cleaned.is_empty() {
        "transcript".to_owned()
    } else {
        cleaned
    }
}

/// The Storage file extension and MIME type for a format (the bucket accepts text/plain,
/// text/vtt, application/x-subrip, application/json among others). The original name never
/// reaches the key: keys are `<agency>/<client>/<uuid>.<ext>`.
pub(crate) fn storage_kind(format: SourceFormat) -> (&'static str, &'static str) {
    match format {
        SourceFormat::Webvtt => ("vtt", "text/vtt"),
        SourceFormat::Srt => ("srt", "application/x-subrip"),
        SourceFormat::GongJson | SourceFormat::FirefliesJson => ("json", "application/json"),
        SourceFormat::SpeakerText | SourceFormat::Otter | SourceFormat::Unlabeled => {
            ("txt", "text/plain")
        }
    }
}

/// Plan one upload: the row id (a fresh lower-case uuid) and the Storage key.
pub(crate) fn plan_upload(
    agency_id: &str,
    client_id: &str,
    transcript_id: &str,
    format: SourceFormat,
) -> PlannedUpload {
    let (extension, content_type) = storage_kind(format);
    PlannedUpload {
        transcript_id: transcript_id.to_ascii_lowercase(),
        storage_path: format!(
            "{}/{}/{}.{extension}",
            agency_id.to_ascii_lowercase(),
            client_id.to_ascii_lowercase(),
            transcript_id.to_ascii_lowercase()
        ),
        content_type,
    }
}

/// A call date the database accepts (`YYYY-MM-DD` between 2000 and 2100), else none.
fn plausible_date(date: Option<&str>) -> Option<&str> {
    let date = date?;
    let bytes = date.as_bytes();
    let shape = bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
    (shape && ("2000-01-01"..="2100-01-01").contains(&date)).then_some(date)
}

/// The `transcripts` row for a parsed, uploaded file.
pub(crate) fn transcript_row(
    agency_id: &str,
    client_id: &str,
    item: &Item,
    parsed: &ParsedFile,
    upload: &PlannedUpload,
) -> Value {
    let metadata = &parsed.transcript.metadata;
    let name = |given: Option<&str>, role: Role| {
        given
            .or_else(|| parsed.speaker_with(role))
            .map(|name| single_line(name, 200))
            .filter(|name| !name.is_empty())
    };
    json!({
        "id": upload.transcript_id,
        "agency_id": agency_id,
        "client_id": client_id,
        "file_name": stored_file_name(&item.file_name),
        "storage_path": upload.storage_path,
        "content_sha256": parsed.content_hash,
        "size_bytes": item.size_bytes,
        "source_format": parsed.transcript.format,
        "parse_status": "parsed",
        "canonical": parsed.canonical(),
        "speakers": parsed.speakers,
        "call_date": plausible_date(metadata.date.as_deref()),
        "rep_name": name(metadata.rep.as_deref(), Role::Rep),
        "prospect_name": name(metadata.prospect.as_deref(), Role::Prospect),
        "outcome": parsed.outcome,
        "duration_ms": parsed.duration_ms(),
    })
}

/// Uploads whose row may not exist: written before an upload starts, removed once the row is
/// saved or the uploaded copy removed. What is left when the page opens again is cleaned up.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct Ledger {
    pub(crate) entries: Vec<LedgerEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct LedgerEntry {
    pub(crate) transcript_id: String,
    pub(crate) storage_path: String,
}

impl Ledger {
    /// The localStorage key of the ledger of one client.
    pub(crate) fn storage_key(client_id: &str) -> String {
        format!("scalestream.pending-uploads.{client_id}")
    }

    /// Read a stored ledger; anything unreadable is an empty ledger.
    pub(crate) fn parse(stored: Option<&str>) -> Ledger {
        stored
            .and_then(|text| serde_json::from_str(text).ok())
            .unwrap_or_default()
    }

    pub(crate) fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub(crate) fn add(&mut self, upload: &PlannedUpload) {
        self.remove(&upload.transcript_id);
        self.entries.push(LedgerEntry {
            transcript_id: upload.transcript_id.clone(),
            storage_path: upload.storage_path.clone(),
        });
    }

    pub(crate) fn remove(&mut self, transcript_id: &str) {
        self.entries
            .retain(|entry| entry.transcript_id != transcript_id);
    }
}

#[cfg(test)]
mod tests;
