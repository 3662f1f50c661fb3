//! Edge Functions suites (issue 5): the Deno glue of supabase/functions over the real Wasm
//! worker (`edge-deno`), and the functions end to end through a private stand-in with the
//! official supabase-js (`edge-e2e`: e2e/edge/*.test.mjs).

use super::compat::count_node_summary;
use crate::cmd::Cmd;
use crate::edge;
use crate::paths;
use crate::stack::{Stack, StackOptions, deno};
use crate::test::{Context, Suite, Tally, count_tap, fresh_cluster};
use anyhow::Result;
use std::path::PathBuf;

pub(super) fn suites() -> Vec<Suite> {
    vec![
        Suite {
            name: "edge-deno",
            run: edge_deno,
        },
        Suite {
            name: "edge-e2e",
            run: edge_e2e,
        },
    ]
}

/// Deno with the flags the stand-in runs functions with: npm packages from node_modules only.
pub(crate) fn deno_cmd(subcommand: &str) -> Cmd {
    Cmd::new(deno())
        .arg(subcommand)
        .args(["--cached-only", "--node-modules-dir=manual"])
        .env("DENO_DIR", paths::local().join("deno-cache"))
        .env("NO_COLOR", "1")
        .current_dir(paths::root())
}

/// The functions' entry points (`supabase/functions/<name>/index.ts`).
fn entry_points() -> Result<Vec<PathBuf>> {
    let mut entries = Vec::new();
    for dir in std::fs::read_dir(paths::supabase().join("functions"))? {
        let entry = dir?.path().join("index.ts");
        if entry.exists() {
            entries.push(entry);
        }
    }
    entries.sort();
    Ok(entries)
}

/// Builds the worker, type-checks every function, and runs the Deno tests of
/// supabase/functions/tests (the test files themselves run unchecked: they use node:assert,
/// whose types are not installed).
fn edge_deno(_: &mut Context) -> Result<Tally> {
    edge::build()?;
    let mut tally = Tally::check(deno_cmd("check").args(entry_points()?).succeeds()?);
    let (ok, output) = deno_cmd("test")
        .args([
            "--no-check",
            "--allow-read",
            "--allow-env",
            "--reporter=tap",
        ])
        .arg(paths::supabase().join("functions/tests"))
        .tee()?;
    let tests = count_tap(&output);
    tally.add(tests);
    if !ok && tests.failed == 0 {
        tally.failed += 1;
    }
    Ok(tally)
}

/// A stand-in on a cluster of its own serving supabase/functions, with the worker built.
pub(crate) fn edge_stack(name: &str) -> Result<(Stack, PathBuf)> {
    edge::build()?;
    let cluster = fresh_cluster(name)?;
    let data_dir = paths::local().join(format!("{name}-{}", std::process::id()));
    if data_dir.exists() {
        std::fs::remove_dir_all(&data_dir)?;
    }
    let stack = Stack::start(
        &cluster,
        &StackOptions {
            data_dir: Some(data_dir.clone()),
            ..StackOptions::default()
        },
    )?;
    Ok((stack, data_dir))
}

/// Runs `node --test` on `files` against `stack`; counts the results and returns the output.
pub(crate) fn node_tests(
    stack: &Stack,
    data_dir: &std::path::Path,
    files: &[PathBuf],
) -> Result<(Tally, String)> {
    let mut cmd = Cmd::new("node")
        .args([
            "--experimental-websocket",
            "--test",
            "--test-reporter=tap",
            "--test-concurrency=1",
            // A test that hangs (e.g. an open socket) fails instead of stalling the run.
            "--test-timeout=300000",
        ])
        .args(files)
        .env("EDGE_CORPUS_DIR", edge::corpus()?)
        .env("EDGE_FUNCTIONS_DIR", data_dir.join("functions"))
        .current_dir(paths::root());
    for (key, value) in stack.env() {
        cmd = cmd.env(key, value);
    }
    let (ok, output) = cmd.tee()?;
    let mut tally = count_node_summary(&output);
    if !ok && tally.failed == 0 {
        tally.failed += 1;
    }
    if tally.failed > 0 {
        eprintln!("supabase-local log:\n{}", crate::stack::tail(&stack.log));
    }
    Ok((tally, output))
}

/// e2e/edge/*.test.mjs through a private stand-in.
fn edge_e2e(_: &mut Context) -> Result<Tally> {
    let files: Vec<PathBuf> = crate::pg::sorted_files(&paths::root().join("e2e/edge"), "mjs")?
        .into_iter()
        .filter(|file| file.to_string_lossy().ends_with(".test.mjs"))
        .collect();
    let (stack, data_dir) = edge_stack("edge-e2e")?;
    Ok(node_tests(&stack, &data_dir, &files)?.0)
}
