//! Plain data and rules behind the pages: rows as the database returns them, the queries that
//! read and write them, and the state machines the pages drive. No Leptos and no browser here,
//! so all of it is tested natively with `cargo test -p web`.

pub(crate) mod analysis_job;
pub(crate) mod report;
pub(crate) mod transcript_view;
pub(crate) mod transcripts;
pub(crate) mod upload;
pub(crate) mod window;
