//! The output of generation: a [`ContentSet`] for one stage (e-mails, SMS, a deck outline), with
//! the link from every evidence-based phrase back to its quote and the id of every pattern used.

use serde::{Deserialize, Serialize};

use super::brief::ObjectionClass;
use crate::evidence::Quote;
use crate::transcript::AwarenessLevel;

/// One message slot of the nurture sequence (analysis-methods.md §4, recommended cadence).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// Right after booking: confirmation, agenda in the prospect's words, "reply YES".
    Booked,
    /// A day after booking, when the call is at least 3 days out: stage-matched education.
    Education,
    /// 24 hours before the call: reminder with the reserved-resource phrasing.
    DayBefore,
    /// 2 hours before the call.
    TwoHoursBefore,
    /// 5 minutes after a no-show: a blame-free rebook.
    NoShow,
}

impl Step {
    /// In send order.
    pub const ALL: [Step; 5] = [
        Step::Booked,
        Step::Education,
        Step::DayBefore,
        Step::TwoHoursBefore,
        Step::NoShow,
    ];

    /// The steps that have an SMS (education is e-mail only).
    pub const SMS: [Step; 4] = [
        Step::Booked,
        Step::DayBefore,
        Step::TwoHoursBefore,
        Step::NoShow,
    ];

    /// The name used in JSON, template keys and pattern ids.
    pub fn as_str(self) -> &'static str {
        match self {
            Step::Booked => "booked",
            Step::Education => "education",
            Step::DayBefore => "day_before",
            Step::TwoHoursBefore => "two_hours_before",
            Step::NoShow => "no_show",
        }
    }

    /// When the step is sent.
    pub fn timing(self) -> Timing {
        let (anchor, offset_minutes, min_lead_time_hours) = match self {
            Step::Booked => (TimingAnchor::Booking, 0, None),
            Step::Education => (TimingAnchor::Booking, 24 * 60, Some(72)),
            Step::DayBefore => (TimingAnchor::Call, -24 * 60, None),
            Step::TwoHoursBefore => (TimingAnchor::Call, -2 * 60, None),
            Step::NoShow => (TimingAnchor::NoShow, 5, None),
        };
        Timing {
            anchor,
            offset_minutes,
            min_lead_time_hours,
        }
    }
}

/// What a send time is relative to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimingAnchor {
    /// The moment the call was booked.
    Booking,
    /// The call's start time (negative offsets are before it).
    Call,
    /// The moment the prospect was marked as a no-show.
    NoShow,
}

/// A send time relative to an anchor, in the prospect's time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Timing {
    pub anchor: TimingAnchor,
    /// Minutes after the anchor (negative: before).
    pub offset_minutes: i64,
    /// Send only when the call was booked at least this many hours ahead.
    pub min_lead_time_hours: Option<u32>,
}

/// Generated nurture content for one client and one awareness stage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContentSet {
    pub stage: AwarenessLevel,
    /// The seed it was generated with: the same brief, templates and seed give the same set.
    pub seed: u64,
    /// In send order.
    pub emails: Vec<Email>,
    /// In send order.
    pub sms: Vec<Sms>,
    pub deck: Deck,
    /// Every phrase or quote from the evidence used in the copy, with its quote and places.
    pub hooks: Vec<Hook>,
    /// Every pattern (template piece or learned pattern) used, for the learning loop.
    pub patterns_used: Vec<PatternUse>,
    /// What generation had to work around, in plain words (thin evidence, skipped patterns).
    pub notes: Vec<String>,
}

/// One e-mail of the sequence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Email {
    pub step: Step,
    pub timing: Timing,
    /// Three variants for an A/B/C test, the first being the recommended control.
    pub subjects: Vec<SubjectLine>,
    /// The preview text shown after the subject in most inboxes.
    pub preheader: String,
    /// Plain text; paragraphs separated by a blank line, bullets start with "- ".
    pub body: String,
}

/// One subject-line variant and the pattern it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubjectLine {
    pub text: String,
    pub pattern_id: String,
}

/// One SMS reminder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sms {
    pub step: Step,
    pub timing: Timing,
    pub text: String,
    pub pattern_id: String,
    /// Length with merge fields at their typical filled length.
    pub length: super::sms::SmsLength,
}

/// A pre-call education deck outline, ready to paste into Gamma.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Deck {
    pub title: String,
    pub slides: Vec<Slide>,
    /// The outline as markdown: one `#` heading per slide, bullets, slides separated by `---`.
    pub markdown: String,
}

/// One slide of the deck outline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Slide {
    pub title: String,
    pub bullets: Vec<String>,
}

/// What kind of evidence a hook came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HookKind {
    Pain,
    Desire,
    Objection,
    BuyingSignal,
    Phrase,
}

/// A piece of the prospects' own language used in the copy, linked to the quote it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hook {
    pub kind: HookKind,
    /// Set for objection hooks.
    pub objection_class: Option<ObjectionClass>,
    /// The finding's phrase as the analysis gave it.
    pub evidence_phrase: String,
    /// The words as they appear in the copy (a reshaped phrase, or a tidied excerpt of the quote).
    pub text: String,
    /// The verbatim quote it came from.
    pub quote: Quote,
    /// Every place in the content set where `text` was used.
    pub used_in: Vec<Location>,
}

/// A channel of the content set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Email,
    Sms,
    Deck,
}

/// A field of a piece of content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// An e-mail subject line; `index` says which variant.
    Subject,
    Preheader,
    /// An e-mail body.
    Body,
    /// An SMS text.
    Text,
    /// The deck's title.
    Title,
    /// A slide title; `index` says which slide.
    SlideTitle,
    /// A slide bullet; `index` is the slide, `bullet` the bullet.
    Bullet,
}

/// A place in a content set: which piece, which field, and the byte range in that field's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Location {
    pub channel: Channel,
    /// The e-mail or SMS step; `None` for the deck.
    pub step: Option<Step>,
    pub field: Field,
    /// The subject variant or the slide, when the field has several.
    pub index: Option<usize>,
    /// The bullet within a slide.
    pub bullet: Option<usize>,
    /// Byte offsets into the field's text (`start..end`).
    pub start: usize,
    pub end: usize,
}

/// What kind of pattern a piece of copy is, for the learning loop's pattern library.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PatternKind {
    SubjectLine,
    Hook,
    ObjectionHandle,
    Sms,
}

/// A pattern used in the content set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PatternUse {
    pub pattern_id: String,
    pub kind: PatternKind,
    /// True when it came from [`super::LearnedPatterns`], false for a template piece.
    pub learned: bool,
    pub location: Location,
}
