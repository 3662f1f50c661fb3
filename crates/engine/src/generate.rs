//! Nurture content per awareness stage: an e-mail sequence timed relative to the call, SMS
//! reminders and a pre-call deck outline, written from the stage's own evidence (every hook links
//! to its quote), from templates an agency can override, and checked by a content lint.
//!
//! Input: [`ContentBrief`]. Output: [`ContentSet`].

mod brief;
mod content;
pub mod sms;

pub use brief::{
    ClientProfile, ContentBrief, EvidenceItem, LearnedPattern, LearnedPatterns, ObjectionClass,
    ObjectionEvidence, StageEvidence,
};
pub use content::{
    Channel, ContentSet, Deck, Email, Field, Hook, HookKind, Location, PatternKind, PatternUse,
    Slide, Sms, Step, SubjectLine, Timing, TimingAnchor,
};
