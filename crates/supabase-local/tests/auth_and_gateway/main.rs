//! Integration tests of the auth service and the gateway: the stand-in in-process against a
//! real PostgreSQL (the cluster `cargo xtask test` provides), one test binary.

mod auth;
mod gateway;
mod harness;
mod proxy;
