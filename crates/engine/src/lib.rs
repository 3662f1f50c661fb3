//! ScaleStream's analysis and generation engine.
//!
//! Architecture invariants:
//! - no I/O: every function takes bytes or values and returns values; callers (the CLI, the edge
//!   worker, the browser) do the reading and writing;
//! - no panics on input: malformed files give a typed [`error`] that says what is wrong and where;
//! - deterministic: the same inputs (and seed, where randomness is involved) give the same output,
//!   natively and as wasm.

pub mod transcript;
