//! `cargo xtask bench-web`: the browser app's figures (issue 6 item 5).
//!
//! 1. The initial download: every file the built index.html references (the app's JS and wasm,
//!    the style sheets), raw, gzip -9 and brotli 11 (as a CDN would serve them).
//! 2. Time from navigation to an interactive dashboard, in Debian's headless Chromium driven by
//!    playwright-core (e2e/browser/bench/dashboard.mjs), against a private stack with the demo
//!    data: the demo owner's session is in localStorage, the page is loaded fresh each round,
//!    and the clock (the page's `performance.now()`, zero at navigation start) is read once the
//!    client list and the "New client" button are on screen.
//! 3. The forensic report of 1,000 transcripts (e2e/browser/bench/report.mjs), on the same
//!    stack: a client of the demo agency seeded with the transcripts and a finished analysis;
//!    per load, the time to the report on screen, main-thread long tasks (the longest, total
//!    blocking time) while loading and while scrolling the per-transcript list to its end, and
//!    the DOM nodes of that list (virtualized: a few dozen rows, not a thousand).
//! 4. The issue's "done" path (e2e/browser/bench/first-report.mjs): the demo owner picks a folder
//!    of 100 generated calls (`scalestream corpus`, every upload format, with manifest.csv) for
//!    a new client, every call is parsed and saved, "Start analysis", the report arrives live:
//!    the seconds of each step and in all.
//!
//! Never part of `cargo xtask test`: timings depend on the machine.

use crate::cmd::Cmd;
use crate::paths;
use crate::stack::{Stack, StackOptions};
use anyhow::{Context, Result};
use std::path::PathBuf;

#[derive(clap::Args)]
pub(crate) struct BenchWebArgs {
    /// Page loads to time (the median and the slowest are printed).
    #[arg(long, default_value_t = 15)]
    rounds: u32,
    /// Only measure the download (no stack, no browser).
    #[arg(long)]
    size_only: bool,
    /// Report page loads to measure (0 skips the report).
    #[arg(long, default_value_t = 3)]
    report_rounds: u32,
    /// Transcripts in the seeded report.
    #[arg(long, default_value_t = 1000)]
    report_transcripts: u32,
    /// Only measure the report (not the dashboard).
    #[arg(long)]
    report_only: bool,
    /// Skip the folder-to-report run.
    #[arg(long)]
    no_first_report: bool,
}

/// The initial download target (issue 6 item 5), compressed: 500 kB.
const TARGET_DOWNLOAD_BYTES: usize = 500_000;

pub(crate) fn run(args: BenchWebArgs) -> Result<()> {
    let dist = crate::web::build()?;
    let index = std::fs::read_to_string(dist.join("index.html")).context("reading index.html")?;
    let files = referenced_files(&index)
        .into_iter()
        .map(|name| dist.join(name))
        .collect::<Vec<_>>();
    print_download(&files)?;
    println!(
        "Content-Security-Policy to serve with index.html:\n  {}\n",
        crate::web::content_security_policy(&index, "https://<project>.supabase.co")
    );
    if args.size_only {
        return Ok(());
    }
    let cluster = crate::test::fresh_cluster("bench-web")?;
    let stack = Stack::start(&cluster, &StackOptions::default())?;
    let port = crate::web::serve(
        &dist,
        0,
        crate::web::config_json(&stack.status.api_url, &stack.status.anon_key),
    )?;
    let script = |name: &str| {
        Cmd::new("node")
            .arg(paths::root().join("e2e/browser/bench").join(name))
            .current_dir(paths::root())
            .env("WEB_URL", format!("http://127.0.0.1:{port}"))
            .env("SUPABASE_URL", &stack.status.api_url)
            .env("SUPABASE_SERVICE_ROLE_KEY", &stack.status.service_role_key)
    };
    let mut result = Ok(());
    if !args.report_only {
        result = script("dashboard.mjs")
            .env("ROUNDS", args.rounds.to_string())
            .run();
    }
    // After the dashboard: the report's client is added to the demo agency.
    if result.is_ok() && args.report_rounds > 0 {
        result = script("report.mjs")
            .env("REPORT_ROUNDS", args.report_rounds.to_string())
            .env("TRANSCRIPTS", args.report_transcripts.to_string())
            .run();
    }
    if result.is_ok() && !args.report_only && !args.no_first_report {
        result = crate::edge::corpus()
            .and_then(|folder| script("first-report.mjs").env("FOLDER", folder).run());
    }
    drop(stack);
    cluster.destroy().ok();
    result
}

/// The local files a page loads at start: `href` and `src` attribute values (quoted or not:
/// trunk minifies the page) ending in .js, .wasm or .css, without their leading `/`.
fn referenced_files(html: &str) -> Vec<String> {
    let mut files: Vec<String> = Vec::new();
    for attribute in [" href=", " src="] {
        for (start, _) in html.match_indices(attribute) {
            let rest = &html[start + attribute.len()..];
            let value = match rest.chars().next() {
                Some(quote @ ('"' | '\'')) => rest[1..].split(quote).next(),
                _ => rest.split([' ', '>', '\t', '\n']).next(),
            };
            let Some(value) = value.map(|value| value.trim_start_matches('/')) else {
                continue;
            };
            let is_asset = [".js", ".wasm", ".css"]
                .iter()
                .any(|extension| value.ends_with(extension));
            if is_asset && !value.contains("://") && !files.iter().any(|file| file == value) {
                files.push(value.to_owned());
            }
        }
    }
    files
}

/// Print raw, gzip and brotli sizes per file and in total (Node's zlib does the compressing:
/// the same encoders browsers negotiate with servers).
fn print_download(files: &[PathBuf]) -> Result<()> {
    let script = r#"
const fs = require('fs'), zlib = require('zlib');
let total = [0, 0, 0];
for (const file of process.argv.slice(1)) {
  const bytes = fs.readFileSync(file);
  const sizes = [bytes.length, zlib.gzipSync(bytes, { level: 9 }).length,
    zlib.brotliCompressSync(bytes, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length];
  sizes.forEach((size, index) => { total[index] += size; });
  console.log(`  ${require('path').basename(file).padEnd(40)} ${sizes.map((s) => String(s).padStart(9)).join(' ')}`);
}
console.log(`  ${'total'.padEnd(40)} ${total.map((s) => String(s).padStart(9)).join(' ')}`);
console.log(JSON.stringify(total));
"#;
    println!("Initial download (bytes):");
    println!(
        "  {:<40} {:>9} {:>9} {:>9}",
        "file", "raw", "gzip", "brotli"
    );
    let output = Cmd::new("node").args(["-e", script]).args(files).read()?;
    let (table, totals) = output
        .trim_end()
        .rsplit_once('\n')
        .context("no totals from node")?;
    println!("{table}");
    let totals: [usize; 3] = serde_json::from_str(totals).context("reading the totals")?;
    let verdict = |bytes: usize| {
        if bytes <= TARGET_DOWNLOAD_BYTES {
            "within"
        } else {
            "OVER"
        }
    };
    println!(
        "  gzip {:.1} kB ({} the 500 kB target), brotli {:.1} kB ({} it)\n",
        totals[1] as f64 / 1000.0,
        verdict(totals[1]),
        totals[2] as f64 / 1000.0,
        verdict(totals[2]),
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_assets_trunk_links_from_index_html() {
        let html = r#"<link rel="stylesheet" href="/tokens-1.css" integrity="x"/>
            <link href=/base-1.css integrity=sha384-x rel=stylesheet>
            <link rel="modulepreload" href="/web-2.js" crossorigin="anonymous">
            <link rel="preload" href="/web-2_bg.wasm" as="fetch" type="application/wasm">
            <script type="module">import init from '/web-2.js';</script>
            <link rel="icon" href="https://example.com/favicon.ico">"#;
        assert_eq!(
            referenced_files(html),
            vec!["tokens-1.css", "base-1.css", "web-2.js", "web-2_bg.wasm"]
        );
    }
}
