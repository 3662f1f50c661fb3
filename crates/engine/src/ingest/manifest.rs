//! The outcome manifest: a CSV an agency exports from its CRM, `file,outcome,date,rep,prospect`
//! (any column but `file` may be empty, columns in any order, extra columns ignored).

use super::metadata::{base_name, exact_date, exact_outcome, overlay};
use super::{ErrorKind, IngestError, IngestOptions, decode};
use crate::transcript::{Outcome, TranscriptMetadata};
use serde::{Deserialize, Serialize};

/// One manifest row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManifestEntry {
    pub file: String,
    pub outcome: Outcome,
    pub date: Option<String>,
    pub rep: Option<String>,
    pub prospect: Option<String>,
    /// The CSV line the row came from (1 is the header).
    pub line: u64,
}

impl ManifestEntry {
    /// The metadata this row asserts.
    pub fn metadata(&self) -> TranscriptMetadata {
        TranscriptMetadata {
            date: self.date.clone(),
            rep: self.rep.clone(),
            prospect: self.prospect.clone(),
            outcome: self.outcome,
            duration_ms: None,
        }
    }
}

/// A parsed manifest.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Manifest {
    pub entries: Vec<ManifestEntry>,
}

impl Manifest {
    /// The row for `file_name`: an exact match, else the same name without folders, else the
    /// same name ignoring case.
    pub fn entry(&self, file_name: &str) -> Option<&ManifestEntry> {
        let leaf = |name: &str| name.rsplit(['/', '\\']).next().unwrap_or(name).to_owned();
        let wanted = leaf(file_name);
        self.entries
            .iter()
            .find(|entry| entry.file == file_name)
            .or_else(|| {
                self.entries
                    .iter()
                    .find(|entry| leaf(&entry.file) == wanted)
            })
            .or_else(|| {
                self.entries
                    .iter()
                    .find(|entry| leaf(&entry.file).eq_ignore_ascii_case(&wanted))
            })
            .or_else(|| {
                // "call.vtt" listed as "call": match without the extension.
                let stem = base_name(&wanted);
                self.entries
                    .iter()
                    .find(|entry| base_name(&leaf(&entry.file)).eq_ignore_ascii_case(stem))
            })
    }

    /// Overlays this manifest's row for `file_name` (if any) on `metadata`.
    pub fn apply(&self, file_name: &str, metadata: &mut TranscriptMetadata) {
        if let Some(entry) = self.entry(file_name) {
            overlay(metadata, entry.metadata());
        }
    }
}

const MANIFEST: &str = "manifest";

fn error(line: Option<u64>, detail: String) -> IngestError {
    IngestError {
        file: MANIFEST.to_owned(),
        kind: ErrorKind::Manifest { line, detail },
    }
}

/// Parses a manifest CSV (UTF-8, UTF-16 or Windows-1252, as exported by spreadsheets).
/// Errors name the line and what is wrong with it.
pub fn parse_manifest(bytes: &[u8]) -> Result<Manifest, IngestError> {
    let (text, _) =
        decode::decode(bytes, &IngestOptions::default()).map_err(|kind| IngestError {
            file: MANIFEST.to_owned(),
            kind,
        })?;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|error| {
            error_from_csv(
                &error,
                &mut LineCounter {
                    text: &text,
                    byte: 0,
                    line: 1,
                },
            )
        })?
        .clone();
    let column = |names: &[&str]| {
        headers.iter().position(|header| {
            names
                .iter()
                .any(|name| header.trim().eq_ignore_ascii_case(name))
        })
    };
    let Some(file_column) = column(&["file", "filename", "file_name", "file name", "transcript"])
    else {
        return Err(error(
            Some(1),
            format!(
                "the first line must name the columns, starting with file (file,outcome,date,rep,prospect); it reads \"{}\"",
                headers.iter().collect::<Vec<_>>().join(",")
            ),
        ));
    };
    let outcome_column = column(&["outcome", "result", "status"]);
    let date_column = column(&["date", "call date", "call_date"]);
    let rep_column = column(&["rep", "closer", "sales rep", "sales_rep"]);
    let prospect_column = column(&["prospect", "lead", "contact"]);
    let mut entries: Vec<ManifestEntry> = Vec::new();
    let mut lines = LineCounter {
        text: &text,
        byte: 0,
        line: 1,
    };
    for record in reader.records() {
        let record = record.map_err(|error| error_from_csv(&error, &mut lines))?;
        let line = lines.line_at(record.position().map_or(0, csv::Position::byte));
        let cell = |index: Option<usize>| {
            index
                .and_then(|index| record.get(index))
                .map(str::trim)
                .filter(|value| !value.is_empty())
        };
        if record.iter().all(|value| value.trim().is_empty()) {
            continue;
        }
        let Some(file) = cell(Some(file_column)) else {
            return Err(error(Some(line), "the file column is empty".to_owned()));
        };
        if let Some(previous) = entries.iter().find(|entry| entry.file == file) {
            return Err(error(
                Some(line),
                format!(
                    "\"{file}\" is listed twice (also on line {})",
                    previous.line
                ),
            ));
        }
        let outcome = match cell(outcome_column) {
            None => Outcome::Unknown,
            Some(value) => exact_outcome(value).ok_or_else(|| {
                error(Some(line), format!("\"{value}\" is not an outcome; use showed, no_show, closed, lost or leave it empty"))
            })?,
        };
        let date = match cell(date_column) {
            None => None,
            Some(value) => Some(exact_date(value).ok_or_else(|| {
                error(
                    Some(line),
                    format!("\"{value}\" is not a date; write it as YYYY-MM-DD, e.g. 2025-03-04"),
                )
            })?),
        };
        entries.push(ManifestEntry {
            file: file.to_owned(),
            outcome,
            date,
            rep: cell(rep_column).map(str::to_owned),
            prospect: cell(prospect_column).map(str::to_owned),
            line,
        });
    }
    Ok(Manifest { entries })
}

/// Line numbers from byte offsets, counted incrementally (the csv crate does not count blank
/// lines, and people read line numbers in their editor).
struct LineCounter<'a> {
    text: &'a str,
    byte: usize,
    line: u64,
}

impl LineCounter<'_> {
    fn line_at(&mut self, byte: u64) -> u64 {
        let mut byte = usize::try_from(byte)
            .unwrap_or(usize::MAX)
            .min(self.text.len());
        // A record's position can be the blank lines skipped before it.
        while self.text.as_bytes().get(byte) == Some(&b'\n') {
            byte += 1;
        }
        if byte < self.byte {
            self.byte = 0;
            self.line = 1;
        }
        self.line +=
            memchr::memchr_iter(b'\n', &self.text.as_bytes()[self.byte..byte]).count() as u64;
        self.byte = byte;
        self.line
    }
}

fn error_from_csv(csv_error: &csv::Error, lines: &mut LineCounter<'_>) -> IngestError {
    let line = csv_error
        .position()
        .map(|position| lines.line_at(position.byte()));
    let detail = match csv_error.kind() {
        csv::ErrorKind::Utf8 { .. } => "the line is not valid text".to_owned(),
        csv::ErrorKind::UnequalLengths { .. } => {
            "the line has a different number of columns".to_owned()
        }
        _ => "the line could not be read as CSV (check its quotes)".to_owned(),
    };
    error(line, detail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_manifest_with_gaps_and_any_column_order() {
        let manifest = parse_manifest(
            b"\xEF\xBB\xBFFile,Outcome,Date,Rep,Prospect,notes\r\na.vtt,no-show,2025-03-04,Dana Reyes,,x\r\n\"b, final.srt\",,,,Marcus\r\n\r\nc.txt,Closed Won,3/5/2025,,\r\n",
        )
        .expect("parses");
        assert_eq!(manifest.entries.len(), 3);
        assert_eq!(manifest.entries[0].outcome, Outcome::NoShow);
        assert_eq!(manifest.entries[0].rep.as_deref(), Some("Dana Reyes"));
        assert_eq!(manifest.entries[0].prospect, None);
        assert_eq!(manifest.entries[1].file, "b, final.srt");
        assert_eq!(manifest.entries[1].outcome, Outcome::Unknown);
        assert_eq!(manifest.entries[2].date.as_deref(), Some("2025-03-05"));
        assert_eq!(manifest.entries[2].line, 5);
        assert_eq!(
            manifest.entry("uploads/A.VTT").map(|entry| entry.line),
            Some(2)
        );
        assert_eq!(manifest.entry("c").map(|entry| entry.line), Some(5));
        let reordered = parse_manifest(b"outcome,file\nlost,x.vtt\n").expect("parses");
        assert_eq!(reordered.entries[0].outcome, Outcome::Lost);
    }

    #[test]
    fn errors_name_the_line() {
        let message = |bytes: &[u8]| {
            parse_manifest(bytes)
                .map(|_| String::new())
                .unwrap_or_else(|error| error.to_string())
        };
        assert_eq!(
            message(b"file,outcome\na.vtt,maybe\n"),
            "manifest: line 2: \"maybe\" is not an outcome; use showed, no_show, closed, lost or leave it empty"
        );
        assert_eq!(
            message(b"file,outcome,date\na.vtt,,\nb.vtt,,yesterday\n"),
            "manifest: line 3: \"yesterday\" is not a date; write it as YYYY-MM-DD, e.g. 2025-03-04"
        );
        assert!(
            message(b"name,outcome\na,lost\n")
                .starts_with("manifest: line 1: the first line must name the columns")
        );
        assert_eq!(
            message(b"file,outcome\na,lost\na,won\n"),
            "manifest: line 3: \"a\" is listed twice (also on line 2)"
        );
        assert_eq!(
            message(b"file,outcome\n,lost\n"),
            "manifest: line 2: the file column is empty"
        );
        assert_eq!(message(b""), "manifest: the file is empty");
    }
}
