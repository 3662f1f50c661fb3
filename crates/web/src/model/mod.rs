//! Plain data and rules behind the pages: rows as the database returns them, the queries that
//! read and write them, form validation mirroring the database's CHECK constraints, the
//! formatting of numbers and dates, and the state machines the pages drive. No Leptos and no
//! browser here, so all of it is tested natively with `cargo test -p web`.

pub(crate) mod agency;
pub(crate) mod analysis_job;
pub(crate) mod client;
pub(crate) mod dashboard;
pub(crate) mod format;
pub(crate) mod queries;
pub(crate) mod report;
pub(crate) mod role;
pub(crate) mod routes;
pub(crate) mod slug;
pub(crate) mod text;
pub(crate) mod transcript_view;
pub(crate) mod transcripts;
pub(crate) mod upload;
pub(crate) mod window;
