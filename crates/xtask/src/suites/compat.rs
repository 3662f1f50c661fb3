//! Compatibility suite: the official, exactly pinned `@supabase/supabase-js` (package.json)
//! run by Node's built-in test runner against our stand-in (e2e/compat/*.test.mjs). The same
//! files run against a real Supabase project when SUPABASE_URL and keys are set (README).

use crate::cmd::Cmd;
use crate::paths;
use crate::stack::{Stack, StackOptions};
use crate::test::{Context, Suite, Tally, fresh_cluster};
use anyhow::Result;

pub(super) fn suites() -> Vec<Suite> {
    vec![Suite {
        name: "compat-supabase-js",
        run: compat,
    }]
}

fn compat(_: &mut Context) -> Result<Tally> {
    let files: Vec<_> = crate::pg::sorted_files(&paths::root().join("e2e/compat"), "mjs")?
        .into_iter()
        .filter(|file| file.to_string_lossy().ends_with(".test.mjs"))
        .collect();
    if files.is_empty() {
        return Ok(Tally::default());
    }
    // A cluster of its own: these tests commit data and sign users up.
    let cluster = fresh_cluster("compat")?;
    // The stand-in as config.toml sets it up, plus two with the hosted settings tests need
    // side by side on the same database: e-mail confirmations on, and the auth rate limits on.
    // The first also serves the test-only Edge Functions (never deployed with the app).
    let stack = Stack::start(
        &cluster,
        &StackOptions {
            extra_functions_dirs: vec![paths::root().join("e2e/functions")],
            ..StackOptions::default()
        },
    )?;
    let confirming = Stack::start(
        &cluster,
        &StackOptions {
            enable_confirmations: true,
            ..StackOptions::default()
        },
    )?;
    let rate_limited = Stack::start(
        &cluster,
        &StackOptions {
            rate_limits: true,
            ..StackOptions::default()
        },
    )?;
    // Node 20 has WebSocket (which realtime-js needs) behind a flag; Node 22 has it always.
    let mut cmd = Cmd::new("node")
        .args([
            "--experimental-websocket",
            "--test",
            "--test-reporter=tap",
            "--test-concurrency=1",
        ])
        .args(&files)
        .current_dir(paths::root());
    for (key, value) in stack.env() {
        cmd = cmd.env(key, value);
    }
    cmd = cmd
        .env("SUPABASE_CONFIRM_URL", &confirming.status.api_url)
        .env("SUPABASE_RATE_LIMITED_URL", &rate_limited.status.api_url);
    let (ok, output) = cmd.tee()?;
    let mut tally = count_node_summary(&output);
    if !ok && tally.failed == 0 {
        tally.failed += 1;
    }
    if tally.failed > 0 {
        for (name, stack) in [
            ("", &stack),
            (" (confirmations on)", &confirming),
            (" (rate limits on)", &rate_limited),
        ] {
            eprintln!(
                "supabase-local{name} log:\n{}",
                crate::stack::tail(&stack.log)
            );
        }
    }
    Ok(tally)
}

/// Totals from the summary lines `# pass N` / `# fail N` of node's TAP reporter.
pub(crate) fn count_node_summary(output: &str) -> Tally {
    let mut tally = Tally::default();
    for line in output.lines().map(str::trim) {
        if let Some(number) = line.strip_prefix("# pass ") {
            tally.passed += number.trim().parse().unwrap_or(0);
        } else if let Some(number) = line.strip_prefix("# fail ") {
            tally.failed += number.trim().parse().unwrap_or(0);
        }
    }
    tally
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_node_tap_summaries() {
        let tally = count_node_summary("ok 1 - x\n# tests 5\n# pass 4\n# fail 1\n");
        assert_eq!((tally.passed, tally.failed), (4, 1));
    }
}
