//! ScaleStream's analysis and generation engine.
//!
//! Architecture invariants:
//! - no I/O: every function takes bytes or values and returns values; callers (the CLI, the edge
//!   worker, the browser) do the reading and writing;
//! - no panics on input: malformed files give a typed error that says what is wrong and where;
//! - deterministic: the same inputs (and seed, where randomness is involved) give the same output,
//!   natively and as wasm.
//!
//! Data flow: bytes → [`ingest`] (format detection, parsing, metadata) → [`transcript::Transcript`]
//! → [`roles`] (rep vs prospect) → [`insights`] (one transcript: stage, objections, …) →
//! [`batch`] (one client's calls: distribution, segment profiles, outcome phrases; mergeable
//! partial results) → [`generate`] (nurture content per stage, with lint) and [`learn`]
//! (show-rate statistics, A/B, Thompson sampling, pattern ranking). [`corpus`] generates
//! realistic synthetic transcripts with known labels for tests and benchmarks.

pub mod batch;
pub mod corpus;
pub mod evidence;
pub mod generate;
pub mod ingest;
pub mod insights;
pub mod learn;
pub mod roles;
pub mod text;
pub mod transcript;
