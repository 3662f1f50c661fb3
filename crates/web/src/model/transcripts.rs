//! A client's stored transcripts: the rows the list shows (without the canonical transcript,
//! which only the viewer loads), role and outcome corrections, and the batch organizer's
//! filters and selection.

use engine::transcript::{Outcome, Role, SourceFormat, Speaker};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};
use supabase_client::Query;

/// One speaker of the `speakers` column, the source of truth for roles. A role with
/// `corrected_by_user` wins over any later automatic guess (enforced by the database).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct SpeakerEntry {
    pub(crate) name: String,
    #[serde(default)]
    pub(crate) role: Role,
    #[serde(default)]
    pub(crate) confidence: f32,
    #[serde(default)]
    pub(crate) corrected_by_user: bool,
}

impl SpeakerEntry {
    pub(crate) fn from_speaker(speaker: &Speaker) -> SpeakerEntry {
        SpeakerEntry {
            name: speaker.name.clone(),
            role: speaker.role,
            confidence: speaker.confidence,
            corrected_by_user: false,
        }
    }
}

/// Set `speaker`'s role as the user's correction. False when there is no such speaker.
pub(crate) fn set_role(speakers: &mut [SpeakerEntry], speaker: &str, role: Role) -> bool {
    match speakers.iter_mut().find(|entry| entry.name == speaker) {
        Some(entry) => {
            entry.role = role;
            entry.confidence = 1.0;
            entry.corrected_by_user = true;
            true
        }
        None => false,
    }
}

/// How a role reads in the UI.
pub(crate) fn role_label(role: Role) -> &'static str {
    match role {
        Role::Rep => "Rep",
        Role::Prospect => "Prospect",
        Role::Unknown => "Not sure",
    }
}

pub(crate) const OUTCOMES: [Outcome; 5] = [
    Outcome::Unknown,
    Outcome::Showed,
    Outcome::NoShow,
    Outcome::Closed,
    Outcome::Lost,
];

pub(crate) fn outcome_label(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Showed => "Showed",
        Outcome::NoShow => "No-show",
        Outcome::Closed => "Closed",
        Outcome::Lost => "Lost",
        Outcome::Unknown => "Unknown",
    }
}

/// The value used in SQL, JSON and form controls.
pub(crate) fn outcome_value(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Showed => "showed",
        Outcome::NoShow => "no_show",
        Outcome::Closed => "closed",
        Outcome::Lost => "lost",
        Outcome::Unknown => "unknown",
    }
}

pub(crate) fn parse_outcome(value: &str) -> Option<Outcome> {
    OUTCOMES
        .into_iter()
        .find(|outcome| outcome_value(*outcome) == value)
}

pub(crate) fn role_value(role: Role) -> &'static str {
    match role {
        Role::Rep => "rep",
        Role::Prospect => "prospect",
        Role::Unknown => "unknown",
    }
}

pub(crate) fn parse_role(value: &str) -> Option<Role> {
    [Role::Rep, Role::Prospect, Role::Unknown]
        .into_iter()
        .find(|role| role_value(*role) == value)
}

pub(crate) fn format_label(format: SourceFormat) -> &'static str {
    match format {
        SourceFormat::SpeakerText => "Speaker: text",
        SourceFormat::Webvtt => "WebVTT (Zoom, Teams)",
        SourceFormat::Srt => "SRT subtitles",
        SourceFormat::Otter => "Otter export",
        SourceFormat::GongJson => "Gong JSON",
        SourceFormat::FirefliesJson => "Fireflies JSON",
        SourceFormat::Unlabeled => "Plain text (no speaker names)",
    }
}

/// A call's length as people say it: "42 min", "1 h 05 min", "40 s".
pub(crate) fn duration_label(ms: u64) -> String {
    let seconds = ms / 1000;
    match seconds {
        0..60 => format!("{seconds} s"),
        60..3600 => format!("{} min", (seconds + 30) / 60),
        _ => {
            let minutes = (seconds + 30) / 60;
            format!("{} h {:02} min", minutes / 60, minutes % 60)
        }
    }
}

/// A stored transcript as the list shows it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub(crate) struct TranscriptRow {
    pub(crate) id: String,
    pub(crate) file_name: String,
    #[serde(default)]
    pub(crate) source_format: Option<SourceFormat>,
    pub(crate) parse_status: String,
    #[serde(default)]
    pub(crate) parse_error: Option<String>,
    #[serde(default)]
    pub(crate) speakers: Vec<SpeakerEntry>,
    #[serde(default)]
    pub(crate) call_date: Option<String>,
    #[serde(default)]
    pub(crate) rep_name: Option<String>,
    #[serde(default)]
    pub(crate) prospect_name: Option<String>,
    #[serde(default)]
    pub(crate) outcome: Outcome,
    #[serde(default)]
    pub(crate) duration_ms: Option<u64>,
    pub(crate) content_sha256: String,
    #[serde(default)]
    pub(crate) created_at: String,
}

/// The columns the list reads (never `canonical`: it can be megabytes per row).
pub(crate) const LIST_COLUMNS: &str = "id,file_name,source_format,parse_status,parse_error,speakers,call_date,rep_name,prospect_name,outcome,duration_ms,content_sha256,created_at";

/// Rows per page when loading a long list.
pub(crate) const PAGE_ROWS: u64 = 1000;

/// Page `page` (from 0) of a client's transcripts, newest first.
pub(crate) fn list_page(client_id: &str, page: u64) -> Query {
    Query::from("transcripts")
        .select(LIST_COLUMNS)
        .eq("client_id", client_id)
        .order("created_at", false)
        .order("id", true)
        .range(page * PAGE_ROWS, (page + 1) * PAGE_ROWS - 1)
}

/// Page `page` (from 0) of a client's transcripts' names and outcomes only (for the report).
pub(crate) fn names_page(client_id: &str, page: u64) -> Query {
    Query::from("transcripts")
        .select("id,file_name,outcome")
        .eq("client_id", client_id)
        .order("id", true)
        .range(page * PAGE_ROWS, (page + 1) * PAGE_ROWS - 1)
}

/// A transcript's name and outcome, as [`names_page`] reads them.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub(crate) struct TranscriptName {
    pub(crate) id: String,
    pub(crate) file_name: String,
    #[serde(default)]
    pub(crate) outcome: Outcome,
}

/// One transcript with its canonical form, for the viewer.
pub(crate) fn with_canonical(transcript_id: &str) -> Query {
    Query::from("transcripts")
        .select(&format!("{LIST_COLUMNS},client_id,storage_path,canonical"))
        .eq("id", transcript_id)
}

/// Save corrected speaker roles.
pub(crate) fn update_speakers(transcript_id: &str, speakers: &[SpeakerEntry]) -> Query {
    Query::from("transcripts")
        .update(json!({ "speakers": speakers }))
        .eq("id", transcript_id)
        .select(LIST_COLUMNS)
}

/// Save a corrected outcome.
pub(crate) fn update_outcome(transcript_id: &str, outcome: Outcome) -> Query {
    Query::from("transcripts")
        .update(json!({ "outcome": outcome }))
        .eq("id", transcript_id)
        .select(LIST_COLUMNS)
}

/// Insert one transcript row, returning it as the list shows it.
pub(crate) fn insert(row: serde_json::Value) -> Query {
    Query::from("transcripts").insert(row).select(LIST_COLUMNS)
}

/// Does a row with this id exist (ledger clean-up)?
pub(crate) fn exists(transcript_id: &str) -> Query {
    Query::from("transcripts")
        .select("id")
        .eq("id", transcript_id)
}

/// The client's completed jobs, whose insights mark transcripts as analyzed.
pub(crate) fn completed_jobs(client_id: &str) -> Query {
    Query::from("analysis_jobs")
        .select("id")
        .eq("client_id", client_id)
        .eq("status", "completed")
}

/// Transcripts with an insight in any of `job_ids` (page `page`).
pub(crate) fn analyzed_in(job_ids: &[String], page: u64) -> Query {
    Query::from("transcript_insights")
        .select("transcript_id")
        .in_list("job_id", job_ids)
        .order("id", true)
        .range(page * PAGE_ROWS, (page + 1) * PAGE_ROWS - 1)
}

/// Where a stored transcript stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Status {
    /// Parsed and not in any completed analysis yet.
    New,
    /// In a completed analysis.
    Analyzed,
    /// The file could not be parsed (uploaded through the API) or is not parsed yet.
    NotReadable,
}

impl Status {
    pub(crate) const ALL: [Status; 3] = [Status::New, Status::Analyzed, Status::NotReadable];

    pub(crate) fn label(self) -> &'static str {
        match self {
            Status::New => "Not analyzed yet",
            Status::Analyzed => "Analyzed",
            Status::NotReadable => "Could not be read",
        }
    }

    pub(crate) fn value(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::Analyzed => "analyzed",
            Status::NotReadable => "not_readable",
        }
    }

    pub(crate) fn parse(value: &str) -> Option<Status> {
        Status::ALL
            .into_iter()
            .find(|status| status.value() == value)
    }
}

pub(crate) fn status_of(row: &TranscriptRow, analyzed: &BTreeSet<String>) -> Status {
    if row.parse_status != "parsed" {
        Status::NotReadable
    } else if analyzed.contains(&row.id) {
        Status::Analyzed
    } else {
        Status::New
    }
}

/// The organizer's filters; an empty filter shows everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Filter {
    pub(crate) outcome: Option<Outcome>,
    pub(crate) status: Option<Status>,
    /// Inclusive `YYYY-MM-DD` bounds on the call date; rows without a date are left out
    /// when either is set.
    pub(crate) from: Option<String>,
    pub(crate) to: Option<String>,
    /// Case-insensitive text in the file, rep or prospect name.
    pub(crate) search: String,
}

impl Filter {
    pub(crate) fn is_empty(&self) -> bool {
        *self == Filter::default()
    }

    pub(crate) fn matches(&self, row: &TranscriptRow, analyzed: &BTreeSet<String>) -> bool {
        if self.outcome.is_some_and(|outcome| outcome != row.outcome) {
            return false;
        }
        if self
            .status
            .is_some_and(|status| status != status_of(row, analyzed))
        {
            return false;
        }
        if self.from.is_some() || self.to.is_some() {
            let Some(date) = row.call_date.as_deref() else {
                return false;
            };
            if self.from.as_deref().is_some_and(|from| date < from)
                || self.to.as_deref().is_some_and(|to| date > to)
            {
                return false;
            }
        }
        let needle = self.search.trim().to_lowercase();
        if !needle.is_empty() {
            let found = [
                Some(row.file_name.as_str()),
                row.rep_name.as_deref(),
                row.prospect_name.as_deref(),
            ]
            .into_iter()
            .flatten()
            .any(|text| text.to_lowercase().contains(&needle));
            if !found {
                return false;
            }
        }
        true
    }
}

/// The positions of the rows a filter keeps, in list order.
pub(crate) fn filtered(
    rows: &[TranscriptRow],
    filter: &Filter,
    analyzed: &BTreeSet<String>,
) -> Vec<usize> {
    (0..rows.len())
        .filter(|&index| filter.matches(&rows[index], analyzed))
        .collect()
}

/// Transcripts picked for an analysis. Only parsed transcripts can be picked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Selection {
    ids: BTreeSet<String>,
}

impl Selection {
    pub(crate) fn contains(&self, id: &str) -> bool {
        self.ids.contains(id)
    }

    pub(crate) fn len(&self) -> usize {
        self.ids.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    pub(crate) fn ids(&self) -> Vec<String> {
        self.ids.iter().cloned().collect()
    }

    pub(crate) fn toggle(&mut self, row: &TranscriptRow) {
        if !self.ids.remove(&row.id) && row.parse_status == "parsed" {
            self.ids.insert(row.id.clone());
        }
    }

    /// Select every shown row that can be analyzed (adding to the selection).
    pub(crate) fn select_all<'a>(&mut self, rows: impl IntoIterator<Item = &'a TranscriptRow>) {
        self.ids.extend(
            rows.into_iter()
                .filter(|row| row.parse_status == "parsed")
                .map(|row| row.id.clone()),
        );
    }

    /// Are all selectable shown rows selected (and at least one)?
    pub(crate) fn covers<'a>(&self, rows: impl IntoIterator<Item = &'a TranscriptRow>) -> bool {
        let mut any = false;
        for row in rows.into_iter().filter(|row| row.parse_status == "parsed") {
            any = true;
            if !self.ids.contains(&row.id) {
                return false;
            }
        }
        any
    }

    pub(crate) fn clear(&mut self) {
        self.ids.clear();
    }

    /// Drop ids that are no longer in the list (deleted meanwhile).
    pub(crate) fn retain_existing(&mut self, rows: &[TranscriptRow]) {
        let existing: BTreeSet<&str> = rows.iter().map(|row| row.id.as_str()).collect();
        self.ids.retain(|id| existing.contains(id.as_str()));
    }
}

/// Counts per outcome of the shown rows ("12 showed, 3 no-show").
pub(crate) fn outcome_counts<'a>(
    rows: impl IntoIterator<Item = &'a TranscriptRow>,
) -> BTreeMap<Outcome, usize> {
    let mut counts = BTreeMap::new();
    for row in rows {
        *counts.entry(row.outcome).or_default() += 1;
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str, outcome: Outcome, date: Option<&str>, parsed: bool) -> TranscriptRow {
        TranscriptRow {
            id: id.to_owned(),
            file_name: format!("{id}.vtt"),
            source_format: Some(SourceFormat::Webvtt),
            parse_status: if parsed { "parsed" } else { "failed" }.to_owned(),
            parse_error: (!parsed).then(|| "the file is empty".to_owned()),
            speakers: vec![],
            call_date: date.map(str::to_owned),
            rep_name: Some("Dana Reyes".to_owned()),
            prospect_name: None,
            outcome,
            duration_ms: None,
            content_sha256: "0".repeat(64),
            created_at: String::new(),
        }
    }

    #[test]
    fn role_correction_is_marked_as_the_users() {
        let mut speakers = vec![
            SpeakerEntry {
                name: "Dana".into(),
                role: Role::Prospect,
                confidence: 0.6,
                corrected_by_user: false,
            },
            SpeakerEntry {
                name: "Sam".into(),
                role: Role::Rep,
                confidence: 0.6,
                corrected_by_user: false,
            },
        ];
        assert!(set_role(&mut speakers, "Dana", Role::Rep));
        assert_eq!(
            speakers[0],
            SpeakerEntry {
                name: "Dana".into(),
                role: Role::Rep,
                confidence: 1.0,
                corrected_by_user: true
            }
        );
        assert!(!speakers[1].corrected_by_user);
        assert!(!set_role(&mut speakers, "Nobody", Role::Rep));
    }

    #[test]
    fn speakers_column_reads_leniently() {
        let speakers: Vec<SpeakerEntry> = serde_json::from_str(
            r#"[{"name":"A"},{"name":"B","role":"rep","confidence":1,"corrected_by_user":true}]"#,
        )
        .unwrap();
        assert_eq!(speakers[0].role, Role::Unknown);
        assert!(speakers[1].corrected_by_user);
    }

    #[test]
    fn filters_by_outcome_status_date_and_text() {
        let analyzed: BTreeSet<String> = ["b".to_owned()].into();
        let rows = vec![
            row("a", Outcome::Showed, Some("2025-03-01"), true),
            row("b", Outcome::NoShow, Some("2025-04-15"), true),
            row("c", Outcome::Showed, None, true),
            row("d", Outcome::Unknown, Some("2025-05-01"), false),
        ];
        let ids = |filter: &Filter| -> Vec<&str> {
            filtered(&rows, filter, &analyzed)
                .into_iter()
                .map(|index| rows[index].id.as_str())
                .collect()
        };
        assert_eq!(ids(&Filter::default()), ["a", "b", "c", "d"]);
        let showed = Filter {
            outcome: Some(Outcome::Showed),
            ..Filter::default()
        };
        assert_eq!(ids(&showed), ["a", "c"]);
        let new = Filter {
            status: Some(Status::New),
            ..Filter::default()
        };
        assert_eq!(ids(&new), ["a", "c"]);
        let unreadable = Filter {
            status: Some(Status::NotReadable),
            ..Filter::default()
        };
        assert_eq!(ids(&unreadable), ["d"]);
        let april_on = Filter {
            from: Some("2025-04-01".into()),
            ..Filter::default()
        };
        assert_eq!(ids(&april_on), ["b", "d"], "undated rows are left out");
        let march_april = Filter {
            from: Some("2025-03-01".into()),
            to: Some("2025-04-15".into()),
            ..Filter::default()
        };
        assert_eq!(ids(&march_april), ["a", "b"], "bounds are inclusive");
        let text = Filter {
            search: "  DANA ".into(),
            ..Filter::default()
        };
        assert_eq!(ids(&text).len(), 4);
        let miss = Filter {
            search: "zed".into(),
            ..Filter::default()
        };
        assert!(ids(&miss).is_empty());
    }

    #[test]
    fn selection_takes_only_parsed_rows() {
        let rows = vec![
            row("a", Outcome::Showed, None, true),
            row("b", Outcome::Showed, None, true),
            row("d", Outcome::Unknown, None, false),
        ];
        let mut selection = Selection::default();
        assert!(!selection.covers(&rows));
        selection.select_all(&rows);
        assert_eq!(selection.ids(), ["a", "b"]);
        assert!(selection.covers(&rows));
        selection.toggle(&rows[2]);
        assert!(
            !selection.contains("d"),
            "an unreadable transcript cannot be analyzed"
        );
        selection.toggle(&rows[0]);
        assert_eq!(selection.ids(), ["b"]);
        assert!(!selection.covers(&rows));
        selection.retain_existing(&rows[..1]);
        assert!(selection.is_empty());
        assert!(
            !selection.covers(&rows[2..]),
            "nothing selectable is not 'all selected'"
        );
    }

    #[test]
    fn values_round_trip_and_match_the_database() {
        for outcome in OUTCOMES {
            assert_eq!(parse_outcome(outcome_value(outcome)), Some(outcome));
            assert_eq!(
                serde_json::to_value(outcome).unwrap(),
                json!(outcome_value(outcome))
            );
        }
        for role in [Role::Rep, Role::Prospect, Role::Unknown] {
            assert_eq!(parse_role(role_value(role)), Some(role));
            assert_eq!(serde_json::to_value(role).unwrap(), json!(role_value(role)));
        }
        for status in Status::ALL {
            assert_eq!(Status::parse(status.value()), Some(status));
        }
    }

    #[test]
    fn durations_read_like_people_say_them() {
        assert_eq!(duration_label(40_000), "40 s");
        assert_eq!(duration_label(42 * 60_000 + 10_000), "42 min");
        assert_eq!(duration_label(65 * 60_000), "1 h 05 min");
    }

    #[test]
    fn queries_never_read_the_canonical_transcript_in_lists() {
        let config = supabase_client::ClientConfig::new("http://x", "k");
        let url = list_page("c1", 1).build(&config, None).url;
        assert!(!url.contains("canonical"), "{url}");
        assert!(url.contains("client_id=eq.c1"), "{url}");
        assert!(
            url.contains("offset=1000") && url.contains("limit=1000"),
            "{url}"
        );
        let viewer = with_canonical("t1").build(&config, None).url;
        assert!(viewer.contains("canonical"), "{viewer}");
    }
}
