//! Evidence: the exact words a claim rests on, and where they were said.

use serde::{Deserialize, Serialize};

/// A verbatim quote from a transcript. Every claim the engine makes (a stage, an objection, a
/// recurring phrase, a hook in generated copy) carries at least one of these.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Quote {
    /// The caller's identifier of the transcript: a database id, or a file name in the CLI.
    pub transcript: String,
    /// Index into [`crate::transcript::Transcript::turns`].
    pub turn_index: usize,
    /// Milliseconds from the start of the call, when the source has timestamps.
    pub start_ms: Option<u64>,
    /// The exact text as it appears in the turn (a sentence or a span of it).
    pub text: String,
}
