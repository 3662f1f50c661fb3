//! Browser suite: the built web app (trunk, release) served as `cargo xtask dev` serves it, in
//! Debian's headless Chromium driven by playwright-core (e2e/browser/*.test.mjs, Node's test
//! runner), against a private local stack — the real stand-in, database and functions. A
//! second stand-in on the same database requires e-mail confirmation, for the sign-up flow
//! hosted projects have by default. Step screenshots go to e2e/screenshots/ (git-ignored).

use super::compat::count_node_summary;
use crate::cmd::Cmd;
use crate::paths;
use crate::stack::{Stack, StackOptions};
use crate::test::{Context, Suite, Tally, fresh_cluster};
use anyhow::{Context as _, Result, bail};

pub(super) fn suites() -> Vec<Suite> {
    vec![Suite {
        name: "e2e-browser",
        run: e2e_browser,
    }]
}

/// Debian's Chromium (installed by `cargo xtask setup`); playwright-core never downloads one.
const CHROMIUM: &str = "/usr/bin/chromium";

fn e2e_browser(_: &mut Context) -> Result<Tally> {
    // E2E_BROWSER_ONLY=<part of a file name> runs only the matching files (while working on them).
    let only = std::env::var("E2E_BROWSER_ONLY").ok();
    let files = crate::pg::sorted_files(&paths::root().join("e2e/browser"), "mjs")?
        .into_iter()
        .filter(|file| file.to_string_lossy().ends_with(".test.mjs"))
        .filter(|file| {
            let name = file.file_name().unwrap_or_default().to_string_lossy();
            only.as_deref().is_none_or(|only| name.contains(only))
        })
        .collect::<Vec<_>>();
    if files.is_empty() {
        return Ok(Tally::default());
    }
    if !std::path::Path::new(CHROMIUM).exists() {
        bail!("{CHROMIUM} is missing: run `cargo xtask setup`");
    }
    let dist = crate::web::build()?;
    // The Edge Functions the app calls (analyze) import the engine built for Deno.
    crate::edge::build()?;
    // A cluster of its own: these tests sign users up and commit data.
    let cluster = fresh_cluster("browser")?;
    let stack = Stack::start(&cluster, &StackOptions::default())?;
    let confirming = Stack::start(
        &cluster,
        &StackOptions {
            enable_confirmations: true,
            ..StackOptions::default()
        },
    )?;
    let web_port = crate::web::serve(
        &dist,
        0,
        crate::web::config_json(&stack.status.api_url, &stack.status.anon_key),
    )
    .context("serving the web app")?;
    let confirm_port = crate::web::serve(
        &dist,
        0,
        crate::web::config_json(&confirming.status.api_url, &confirming.status.anon_key),
    )
    .context("serving the web app for the confirming stand-in")?;
    let mut cmd = Cmd::new("node")
        .args(["--test", "--test-reporter=tap", "--test-concurrency=1"])
        .args(&files)
        .current_dir(paths::root())
        .env("WEB_URL", format!("http://127.0.0.1:{web_port}"))
        .env(
            "WEB_CONFIRM_URL",
            format!("http://127.0.0.1:{confirm_port}"),
        )
        .env("CHROMIUM", CHROMIUM)
        .env("SCREENSHOTS_DIR", paths::root().join("e2e/screenshots"));
    for (key, value) in stack.env() {
        cmd = cmd.env(key, value);
    }
    let (ok, output) = cmd.tee()?;
    let mut tally = count_node_summary(&output);
    if !ok && tally.failed == 0 {
        eprintln!("supabase-local log:\n{}", crate::stack::tail(&stack.log));
        tally.failed += 1;
    }
    Ok(tally)
}
