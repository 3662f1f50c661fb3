//! Rust suites: formatting, clippy, the workspace's unit and integration tests, and the
//! engine's wasm32 build.

use crate::cmd::Cmd;
use crate::paths;
use crate::test::{Context, Suite, Tally, count_libtest, fresh_cluster};
use anyhow::Result;

pub(super) fn suites() -> Vec<Suite> {
    vec![
        Suite {
            name: "fmt",
            run: fmt,
        },
        Suite {
            name: "clippy",
            run: clippy,
        },
        Suite {
            name: "cargo-test",
            run: cargo_test,
        },
        Suite {
            name: "engine-wasm-build",
            run: engine_wasm_build,
        },
        Suite {
            name: "web-clippy",
            run: web_clippy,
        },
    ]
}

fn cargo() -> Cmd {
    Cmd::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .current_dir(paths::root())
}

fn fmt(_: &mut Context) -> Result<Tally> {
    Ok(Tally::check(
        cargo().args(["fmt", "--all", "--", "--check"]).succeeds()?,
    ))
}

fn clippy(_: &mut Context) -> Result<Tally> {
    Ok(Tally::check(
        cargo()
            .args([
                "clippy",
                "--workspace",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ])
            .succeeds()?,
    ))
}

/// `cargo test --workspace`. Integration tests that need PostgreSQL (e.g. the stand-in's) find
/// a throwaway cluster with the schema loaded through SCALESTREAM_TEST_DB_HOST / _PORT /
/// _PASSWORD. The cluster is their own: they commit test policies and buckets, which the
/// SQL suites (schema checks such as "one permissive policy per command") must not see.
fn cargo_test(_: &mut Context) -> Result<Tally> {
    let cluster = fresh_cluster("cargo-test-db")?;
    let (ok, output) = cargo()
        .args(["test", "--workspace"])
        .env("SCALESTREAM_TEST_DB_HOST", "127.0.0.1")
        .env("SCALESTREAM_TEST_DB_PORT", cluster.port.to_string())
        .env("SCALESTREAM_TEST_DB_PASSWORD", crate::pg::LOCAL_PASSWORD)
        .tee()?;
    let mut tally = count_libtest(&output);
    if !ok && tally.failed == 0 {
        // A build failure or a crashed test binary: count it, never report a silent pass.
        tally.failed += 1;
    }
    Ok(tally)
}

/// The engine must build for wasm32-unknown-unknown: the edge worker and the browser use it.
fn engine_wasm_build(_: &mut Context) -> Result<Tally> {
    Ok(Tally::check(
        cargo()
            .args([
                "build",
                "--package",
                "engine",
                "--target",
                "wasm32-unknown-unknown",
            ])
            .succeeds()?,
    ))
}

/// The browser crates only exist for wasm32: lint them there.
fn web_clippy(_: &mut Context) -> Result<Tally> {
    Ok(Tally::check(
        cargo()
            .args(["clippy", "--package", "web", "--package", "supabase-client"])
            .args(["--package", "parse-worker"])
            .args(["--target", "wasm32-unknown-unknown", "--", "-D", "warnings"])
            .succeeds()?,
    ))
}
