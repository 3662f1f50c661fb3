//! `cargo xtask bench-edge`: the edge worker's figures for issue 5.
//! - the .wasm size, raw and gzip (`gzip -9`);
//! - engine throughput natively (crates/edge-worker/examples/native_bench.rs, release) and as Wasm
//!   under Deno (e2e/edge/bench.ts), on the same 100 generated transcripts, in CPU time;
//! - CPU time per batch call (engine side: rows JSON → Wasm → rows JSON) at the batch size the
//!   `analyze` function chooses for these files;
//! - unless `--no-stack`: the wall time from invoking `analyze` on the 100 transcripts to the
//!   last content_versions row, through a private local stand-in (e2e/edge/analyze.test.mjs).

use crate::cmd::Cmd;
use crate::edge;
use crate::paths;
use crate::suites::edge::{deno_cmd, edge_stack, node_tests};
use anyhow::{Context, Result};
use serde_json::Value;

#[derive(clap::Args)]
pub(crate) struct BenchEdgeArgs {
    /// Skip the end-to-end wall time through the local stand-in.
    #[arg(long)]
    no_stack: bool,
    /// Passes per runtime (the best is kept).
    #[arg(long, default_value_t = 3)]
    passes: usize,
}

/// The batch size `analyze` chooses (supabase/functions/analyze/request.ts, chooseBatchSize):
/// about 1 MB of transcript per batch, at most 100 transcripts.
const BATCH_TARGET_BYTES: u64 = 1_000_000;
const MAX_BATCH_SIZE: u64 = 100;

fn batch_size(dir: &std::path::Path) -> Result<u64> {
    let mut sizes = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if !entry.file_name().to_string_lossy().ends_with(".csv") {
            sizes.push(entry.metadata()?.len());
        }
    }
    let mean = sizes.iter().sum::<u64>() / (sizes.len() as u64).max(1);
    Ok((BATCH_TARGET_BYTES / mean.max(1)).clamp(1, MAX_BATCH_SIZE))
}

fn figure(value: &Value, key: &str) -> f64 {
    value[key].as_f64().unwrap_or(f64::NAN)
}

fn max_of(value: &Value, key: &str) -> f64 {
    value[key]
        .as_array()
        .map(|list| list.iter().filter_map(Value::as_f64).fold(0.0, f64::max))
        .unwrap_or(f64::NAN)
}

pub(crate) fn run(args: BenchEdgeArgs) -> Result<()> {
    let out = edge::build()?;
    let wasm = std::fs::read(edge::wasm_file())?;
    let gzip: u64 = Cmd::new("sh")
        .args(["-c", "gzip -9 -c \"$0\" | wc -c"])
        .arg(edge::wasm_file())
        .read()
        .context("gzip -9")?
        .trim()
        .parse()
        .context("reading the gzip size")?;

    let corpus = edge::corpus()?;
    let batch = batch_size(&corpus)?.to_string();
    let passes = args.passes.max(1).to_string();
    let native: Value = serde_json::from_str(
        &Cmd::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
            .args(["run", "--quiet", "--release", "--package", "edge-worker"])
            .args(["--example", "native_bench", "--", "--corpus"])
            .arg(&corpus)
            .args(["--batch-size", &batch, "--passes", &passes])
            .current_dir(paths::root())
            .read()
            .context("the native benchmark")?,
    )?;
    let wasm_run: Value = serde_json::from_str(
        &deno_cmd("run")
            .args(["--allow-read", "--allow-env"])
            .arg(paths::root().join("e2e/edge/bench.ts"))
            .arg(&corpus)
            .args([&batch, &passes])
            .read()
            .context("the Wasm benchmark under Deno")?,
    )?;

    let megabytes = figure(&native, "bytes") / 1e6;
    println!(
        "\nbench-edge: {} ({:.1} MB, {} transcripts), batch size {batch}",
        corpus.display(),
        megabytes,
        native["transcripts"]
    );
    println!(
        "  .wasm ({}): {} KB raw, {} KB gzip",
        out.display(),
        wasm.len() / 1024,
        gzip / 1024
    );
    for key in ["parse", "analyze"] {
        let native_rate = figure(&native, &format!("{key}_mb_per_s"));
        let wasm_rate = figure(&wasm_run, &format!("{key}_mb_per_s"));
        println!(
            "  {key:<8} native {native_rate:6.1} MB/s   wasm/deno {wasm_rate:6.1} MB/s   ratio {:.2}",
            wasm_rate / native_rate
        );
    }
    println!(
        "  CPU per batch call (wasm/deno, {batch} transcripts): max {:.0} ms (engine alone max {:.0} ms; native max {:.0} ms)",
        max_of(&wasm_run, "batch_call_ms"),
        max_of(&wasm_run, "batch_ms"),
        max_of(&native, "batch_ms"),
    );
    println!(
        "  finish_job (merge + report + 9 drafts): wasm/deno {:.0} ms, native {:.0} ms",
        figure(&wasm_run, "finish_job_ms"),
        figure(&native, "finish_job_ms"),
    );

    if !args.no_stack {
        let (stack, data_dir) = edge_stack("bench-edge")?;
        let (tally, output) = node_tests(
            &stack,
            &data_dir,
            &[paths::root().join("e2e/edge/analyze.test.mjs")],
        )?;
        anyhow::ensure!(tally.failed == 0, "the end-to-end run failed");
        let line = output
            .lines()
            .find_map(|line| line.split_once("# edge: ").map(|(_, rest)| rest.to_owned()))
            .unwrap_or_else(|| "no figure printed".to_owned());
        println!("  end to end on the local stand-in: {line}");
    }
    Ok(())
}
