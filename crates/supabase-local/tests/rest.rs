//! /rest/v1 against real PostgreSQL: every operator, embeds, Prefer combinations, writes under
//! RLS, RPC, status codes and error shapes. One test binary; the scratch schema is in
//! tests/rest/testdata/schema.sql.

#[path = "rest/support.rs"]
mod support;

#[path = "rest/reads.rs"]
mod reads;

#[path = "rest/embeds.rs"]
mod embeds;

#[path = "rest/writes.rs"]
mod writes;

#[path = "rest/rpc.rs"]
mod rpc;

#[path = "rest/safety.rs"]
mod safety;
