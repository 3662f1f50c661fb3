//! The native half of `cargo xtask bench-edge`: the edge worker's operations on a generated
//! corpus, exactly as the `analyze` Edge Function calls them (JSON in, JSON out), timed in CPU
//! time of this thread, so the figures compare with the Wasm half (e2e/edge/bench.ts).
//!
//! `native_bench --corpus DIR [--count N] [--seed S] [--min-minutes M] [--max-minutes M]
//! [--batch-size B] [--passes P]`: writes the corpus to DIR (when DIR has no manifest.csv yet),
//! then prints one JSON object with the best pass's figures.

use engine::corpus::{self, CorpusSpec};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// CPU time of this thread so far (Linux: /proc/thread-self/schedstat, nanoseconds on CPU).
fn cpu() -> Duration {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|text| text.split_whitespace().next()?.parse().ok())
        .map(Duration::from_nanos)
        .unwrap_or_default()
}

struct Args {
    corpus: PathBuf,
    spec: CorpusSpec,
    batch_size: usize,
    passes: usize,
}

fn args() -> Result<Args, String> {
    let mut corpus = None;
    let mut spec = CorpusSpec::default();
    let mut batch_size = 25;
    let mut passes = 3;
    let mut argv = std::env::args().skip(1);
    while let Some(flag) = argv.next() {
        let value = argv.next().ok_or(format!("{flag} needs a value"))?;
        let number = || value.parse::<u64>().map_err(|e| format!("{flag}: {e}"));
        match flag.as_str() {
            "--corpus" => corpus = Some(PathBuf::from(&value)),
            "--count" => spec.count = number()? as usize,
            "--seed" => spec.seed = number()?,
            "--min-minutes" => spec.min_minutes = number()? as u32,
            "--max-minutes" => spec.max_minutes = number()? as u32,
            "--batch-size" => batch_size = number()?.max(1) as usize,
            "--passes" => passes = number()?.max(1) as usize,
            _ => return Err(format!("unknown flag {flag}")),
        }
    }
    Ok(Args {
        corpus: corpus.ok_or("--corpus DIR is required")?,
        spec,
        batch_size,
        passes,
    })
}

/// The corpus files in name order (written first if the folder has none).
fn corpus_files(dir: &Path, spec: &CorpusSpec) -> std::io::Result<Vec<(String, Vec<u8>)>> {
    if !dir.join("manifest.csv").exists() {
        std::fs::create_dir_all(dir)?;
        let files = corpus::generate(spec);
        for file in &files {
            std::fs::write(dir.join(&file.file_name), &file.bytes)?;
        }
        std::fs::write(dir.join("manifest.csv"), corpus::manifest_csv(&files))?;
    }
    let mut names: Vec<String> = std::fs::read_dir(dir)?
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| !name.ends_with(".csv"))
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|name| Ok((name.clone(), std::fs::read(dir.join(&name))?)))
        .collect()
}

fn main() {
    let args = match args() {
        Ok(args) => args,
        Err(message) => {
            eprintln!("native_bench: {message}");
            std::process::exit(2);
        }
    };
    let files = match corpus_files(&args.corpus, &args.spec) {
        Ok(files) => files,
        Err(error) => {
            eprintln!("native_bench: {}: {error}", args.corpus.display());
            std::process::exit(1);
        }
    };
    let bytes: usize = files.iter().map(|(_, data)| data.len()).sum();
    let client = json!({"name": "Brightside Dental", "offer": "clear aligners"});
    let mut best: Option<Value> = None;
    for _ in 0..args.passes {
        let start = cpu();
        let rows: Vec<Value> = files
            .iter()
            .enumerate()
            .filter_map(|(i, (name, data))| {
                // The exported function and its JSON envelope, as the Wasm side pays for them.
                let mut parsed: Value =
                    serde_json::from_str(&edge_worker::parse(name, data, "{}")).ok()?;
                Some(json!({
                    "id": format!("00000000-0000-4000-8000-{i:012}"),
                    "file_name": name,
                    "canonical": parsed["value"]["transcript"].take(),
                }))
            })
            .collect();
        let parse_time = cpu() - start;
        let mut batch_times = Vec::new();
        let mut partials = Vec::new();
        for batch in rows.chunks(args.batch_size) {
            let input = json!({"client": client, "transcripts": batch}).to_string();
            let started = cpu();
            let output = edge_worker::analyze_batch(&input);
            batch_times.push(cpu() - started);
            let value: Value = serde_json::from_str(&output).unwrap_or_default();
            partials.push(value["value"]["partial"].clone());
        }
        let input = json!({"client": client, "partials": partials, "job_id": "bench"}).to_string();
        let started = cpu();
        let finished = edge_worker::finish_job(&input);
        let finish_time = cpu() - started;
        let ok = finished.starts_with(r#"{"ok":true"#);
        let analyze_time: Duration = batch_times.iter().sum();
        let result = json!({
            "runtime": "native",
            "transcripts": files.len(),
            "bytes": bytes,
            "batch_size": args.batch_size,
            "parse_ms": parse_time.as_secs_f64() * 1e3,
            "parse_mb_per_s": bytes as f64 / 1e6 / parse_time.as_secs_f64().max(1e-9),
            "analyze_ms": analyze_time.as_secs_f64() * 1e3,
            "analyze_mb_per_s": bytes as f64 / 1e6 / analyze_time.as_secs_f64().max(1e-9),
            "batch_ms": batch_times.iter().map(|t| t.as_secs_f64() * 1e3).collect::<Vec<_>>(),
            "finish_job_ms": finish_time.as_secs_f64() * 1e3,
            "finish_ok": ok,
        });
        let total = |v: &Value| {
            v["parse_ms"].as_f64().unwrap_or(0.0) + v["analyze_ms"].as_f64().unwrap_or(0.0)
        };
        if best.as_ref().is_none_or(|b| total(&result) < total(b)) {
            best = Some(result);
        }
    }
    println!("{}", best.unwrap_or_default());
}
