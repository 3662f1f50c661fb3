//! Rust suites: formatting, clippy, the workspace's unit and integration tests, and the
//! engine's wasm32 build.

use crate::cmd::Cmd;
use crate::paths;
use crate::test::{Context, Suite, Tally, count_libtest};
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

fn cargo_test(_: &mut Context) -> Result<Tally> {
    let (ok, output) = cargo().args(["test", "--workspace"]).tee()?;
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
