//! Edge Functions suites (issue 5): the Deno glue of supabase/functions over the real Wasm
//! worker (`edge-deno`).

use crate::cmd::Cmd;
use crate::edge;
use crate::paths;
use crate::stack::deno;
use crate::test::{Context, Suite, Tally, count_tap};
use anyhow::Result;

pub(super) fn suites() -> Vec<Suite> {
    vec![Suite {
        name: "edge-deno",
        run: edge_deno,
    }]
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
fn entry_points() -> Result<Vec<std::path::PathBuf>> {
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
