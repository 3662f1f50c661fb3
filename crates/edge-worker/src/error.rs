//! The one error type of the worker. It crosses the Wasm boundary as JSON
//! (`{"kind": …, "message": …}` plus optional details), so the Edge Functions can map it to an
//! HTTP status or a batch failure without parsing prose.

use serde::Serialize;

/// What went wrong, as a stable snake_case word the TypeScript glue switches on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The input JSON is malformed or does not have the documented shape.
    InvalidInput,
    /// A stored canonical transcript cannot be analyzed (not a transcript, or inconsistent).
    /// Retrying gives the same result.
    InvalidTranscript,
    /// A file could not be read as a transcript (see `code` for which ingest error).
    Ingest,
    /// Partial results that cannot be merged (overlapping transcripts, other format version).
    Merge,
    /// The client's analysis settings cannot be used (e.g. a broken extra phrase).
    Config,
    /// Content could not be generated (broken template override, unusable brief).
    Generate,
    /// The learning statistics refused their input (e.g. more successes than trials).
    Learn,
    /// A bug: the engine panicked. The message is the panic message.
    Panic,
}

/// An error with a message a person can act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{message}")]
pub struct Error {
    pub kind: ErrorKind,
    pub message: String,
    /// For `ingest`: the engine's error code (`too_large`, `not_text`, `malformed_json`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// For `invalid_transcript`: the ids of the transcripts that could not be analyzed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub transcript_ids: Vec<String>,
}

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error {
            kind,
            message: message.into(),
            code: None,
            transcript_ids: Vec::new(),
        }
    }

    /// Input that is not the JSON an operation takes; `what` names the operation's input.
    pub fn invalid_input(what: &str, error: &serde_json::Error) -> Error {
        Error::new(
            ErrorKind::InvalidInput,
            format!("the {what} is not valid: {error}"),
        )
    }
}

/// The result every operation returns across the boundary.
pub type Result<T> = std::result::Result<T, Error>;
