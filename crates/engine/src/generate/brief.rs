//! The input of generation: who the client is, which awareness stage the content is for, what
//! the analysis found for that stage (each item with its verbatim quotes), and what the learning
//! loop knows about which subject lines, hooks and objection handles work.
//!
//! A plain serde contract: the batch analysis converts its per-stage segment profile into
//! [`StageEvidence`], the database supplies [`ClientProfile`] and [`LearnedPatterns`], and the
//! edge worker and the browser send the whole [`ContentBrief`] as JSON.

use serde::{Deserialize, Serialize};

use crate::evidence::Quote;
/// The objection classes are the analysis's own: generation answers what it found.
pub use crate::insights::ObjectionClass;
use crate::transcript::AwarenessLevel;

/// Everything generation needs for one client and one awareness stage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContentBrief {
    pub client: ClientProfile,
    /// The awareness stage the content is written for.
    pub stage: AwarenessLevel,
    /// What the stage's prospects said, from the batch analysis.
    #[serde(default)]
    pub evidence: StageEvidence,
    /// What the learning loop knows for this client's industry and this stage; empty when new.
    #[serde(default)]
    pub learned: LearnedPatterns,
}

/// The client business the content is written for (from onboarding; editable later).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ClientProfile {
    /// The business name as prospects know it, e.g. "Brightside Dental".
    pub name: String,
    /// E.g. "dental clinics", "B2B lead generation", "home services".
    pub industry: String,
    /// What is sold, as a noun phrase that fits "our …", e.g. "done-for-you patient reactivation".
    pub offer: String,
    /// As the client wants it shown, e.g. "$2,000–$4,000"; copy mentions price only when set.
    #[serde(default)]
    pub price_range: Option<String>,
    /// Words and phrases the client never wants used (matched case-insensitively, whole words).
    #[serde(default)]
    pub banned_words: Vec<String>,
    /// The default rep's name, used in previews; the copy itself uses `{{rep_name}}`.
    #[serde(default)]
    pub rep_name: Option<String>,
    /// What the booked call is called, e.g. "strategy call"; "call" when unset.
    #[serde(default)]
    pub call_name: Option<String>,
    /// Length of the booked call in minutes (for "we've set aside 45 minutes").
    #[serde(default)]
    pub call_length_minutes: Option<u32>,
    /// Real results the client can stand behind, one sentence each ("Helped 40 clinics …").
    /// Product-stage copy uses them as proof; none are ever invented.
    #[serde(default)]
    pub proof_points: Vec<String>,
    /// The client's risk reversal in one sentence, if they offer one.
    #[serde(default)]
    pub guarantee: Option<String>,
}

/// What one awareness stage's prospects said, ranked by how many prospects said it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct StageEvidence {
    /// Problems in the prospects' words ("losing leads", "no-shows eating my week").
    #[serde(default)]
    pub pains: Vec<EvidenceItem>,
    /// Outcomes they want ("a full calendar", "getting my evenings back").
    #[serde(default)]
    pub desires: Vec<EvidenceItem>,
    /// Objections, each with its class.
    #[serde(default)]
    pub objections: Vec<ObjectionEvidence>,
    /// Buying signals: logistics and terms questions, commitment language.
    #[serde(default)]
    pub buying_signals: Vec<EvidenceItem>,
    /// Recurring phrases: the prospects' own language, by document frequency.
    #[serde(default)]
    pub phrases: Vec<EvidenceItem>,
}

impl StageEvidence {
    /// True when there is nothing to build copy from (generation then uses generic fallbacks).
    pub fn is_empty(&self) -> bool {
        self.pains.is_empty()
            && self.desires.is_empty()
            && self.objections.is_empty()
            && self.buying_signals.is_empty()
            && self.phrases.is_empty()
    }
}

/// One finding with the quotes it rests on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvidenceItem {
    /// The phrase as the analysis shows it (the most common surface form), e.g. "losing leads".
    pub phrase: String,
    /// How many prospects (documents) said it; the ranking key.
    #[serde(default)]
    pub count: u32,
    /// Verbatim quotes, best first.
    #[serde(default)]
    pub quotes: Vec<Quote>,
}

/// An objection finding: an [`EvidenceItem`] with its class.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObjectionEvidence {
    pub class: ObjectionClass,
    #[serde(flatten)]
    pub item: EvidenceItem,
}

/// What the learning loop knows for one industry × stage: the best patterns (ranked by shrunk
/// estimates, see [`crate::learn`]) and the ones to avoid.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct LearnedPatterns {
    /// Best first.
    #[serde(default)]
    pub subject_lines: Vec<LearnedPattern>,
    /// Opening lines of e-mails, best first.
    #[serde(default)]
    pub hooks: Vec<LearnedPattern>,
    /// Paragraphs that answer an objection, best first; each names its class.
    #[serde(default)]
    pub objection_handles: Vec<LearnedPattern>,
    /// Patterns that performed badly: never used, matched by id or by text.
    #[serde(default)]
    pub low_performers: Vec<LearnedPattern>,
}

/// One pattern (a subject line, hook or objection handle) with its learned performance.
///
/// The text may use merge fields (`{{first_name}}`) and evidence slots (`[[pain]]`), exactly
/// like a template; patterns that fail validation are skipped, never half-used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LearnedPattern {
    /// Stable id; template pieces have ids too (see [`super::ContentSet`]), so the loop can
    /// learn about built-in copy and avoid it.
    pub id: String,
    pub text: String,
    /// Restricts a subject line or hook to one e-mail of the sequence; `None` fits any.
    #[serde(default)]
    pub step: Option<super::Step>,
    /// For objection handles: which objection it answers.
    #[serde(default)]
    pub objection_class: Option<ObjectionClass>,
    /// Posterior mean of the pattern's show rate (or whichever metric ranked it).
    #[serde(default)]
    pub posterior_mean: Option<f64>,
    /// The 5% posterior quantile.
    #[serde(default)]
    pub lower_bound: Option<f64>,
}
