//! The canonical transcript: what every parser produces and every analysis consumes.
//!
//! These types are serialised as JSON for the edge worker, the browser and the database
//! (`transcripts.canonical`), so field names are part of the public contract: rename with care.

use serde::{Deserialize, Serialize};

/// Who a speaker is on a sales call.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The agency's client's salesperson (closer, setter, account executive).
    Rep,
    /// The booked prospect.
    Prospect,
    /// Not yet known (no hint and no clear cue).
    #[default]
    Unknown,
}

/// What happened with the booked call, when known.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Showed,
    NoShow,
    Closed,
    Lost,
    #[default]
    Unknown,
}

/// The file format a transcript was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceFormat {
    /// "Speaker: text" lines (Google Docs, Meet, pasted notes), with optional timestamps.
    SpeakerText,
    /// WebVTT (Zoom, Teams).
    Webvtt,
    /// SubRip.
    Srt,
    /// Otter.ai plain-text export.
    Otter,
    /// Gong `callTranscripts` JSON.
    GongJson,
    /// Fireflies `sentences` JSON.
    FirefliesJson,
    /// Text without speaker labels.
    Unlabeled,
}

impl SourceFormat {
    /// Every format, in declaration order.
    pub const ALL: [SourceFormat; 7] = [
        SourceFormat::SpeakerText,
        SourceFormat::Webvtt,
        SourceFormat::Srt,
        SourceFormat::Otter,
        SourceFormat::GongJson,
        SourceFormat::FirefliesJson,
        SourceFormat::Unlabeled,
    ];
}

/// Schwartz's stages of awareness, reduced to the three that matter for a booked call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AwarenessLevel {
    /// Knows the pain, not the solution categories.
    Problem,
    /// Knows and compares solution categories.
    Solution,
    /// Knows this offer and asks about price, terms, proof, logistics.
    Product,
}

impl AwarenessLevel {
    /// All levels, in ascending order of awareness.
    pub const ALL: [AwarenessLevel; 3] = [
        AwarenessLevel::Problem,
        AwarenessLevel::Solution,
        AwarenessLevel::Product,
    ];

    /// The name used in SQL, JSON and the UI.
    pub fn as_str(self) -> &'static str {
        match self {
            AwarenessLevel::Problem => "problem",
            AwarenessLevel::Solution => "solution",
            AwarenessLevel::Product => "product",
        }
    }
}

/// One person on the call, with the role we believe they had.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Speaker {
    pub name: String,
    pub role: Role,
    /// 0..=1; 1.0 when the role came from the user or a hard hint (e.g. Gong affiliation).
    pub confidence: f32,
}

/// One turn: consecutive speech by one speaker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Turn {
    /// The speaker's display name, as in [`Speaker::name`].
    pub speaker: String,
    pub role: Role,
    /// Milliseconds from the start of the call, when the source has timestamps.
    pub start_ms: Option<u64>,
    pub end_ms: Option<u64>,
    pub text: String,
}

/// Facts about the call, from the content, the file name or a manifest (in rising priority).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct TranscriptMetadata {
    /// Call date as `YYYY-MM-DD`.
    pub date: Option<String>,
    pub rep: Option<String>,
    pub prospect: Option<String>,
    pub outcome: Outcome,
    pub duration_ms: Option<u64>,
}

/// A parsed transcript in canonical form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Transcript {
    pub format: SourceFormat,
    pub speakers: Vec<Speaker>,
    pub turns: Vec<Turn>,
    pub metadata: TranscriptMetadata,
}
