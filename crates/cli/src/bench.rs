//! `scalestream bench`: single-core analysis throughput on a generated corpus, and peak memory
//! at two corpus sizes.
//!
//! Measures, on one thread, what an Edge Function call does: ingest → roles → insights for
//! every file, then one batch partial and its report. Throughput is transcript bytes (as
//! uploaded) per second of CPU time. The corpus is generated before timing starts.
//!
//! Memory: the same pipeline runs once in a fresh child process at N and at 2N transcripts;
//! each child reports its resident set before the analysis (the corpus is in memory by then)
//! and its peak (Linux `VmHWM`, the high-water mark `getrusage` reports as `ru_maxrss`). The
//! analysis's own share is peak − before; it should grow linearly (about ×2 at 2N) and stay
//! well under the Edge Functions' 256 MB.

use anyhow::{Context, Result};
use engine::batch::{self, BatchConfig, BatchPartial};
use engine::corpus::{self, CorpusSpec};
use engine::ingest::{self, IngestOptions};
use engine::insights::{AnalysisConfig, Analyzer};
use engine::roles::RoleHints;
use std::time::{Duration, Instant};

#[derive(Debug, clap::Args)]
pub(crate) struct BenchArgs {
    /// Transcripts in the corpus.
    #[arg(long, default_value_t = 200)]
    count: usize,
    #[arg(long, default_value_t = 7)]
    seed: u64,
    /// Passes over the corpus; the best pass is reported.
    #[arg(long, default_value_t = 3)]
    passes: usize,
    /// Skip the peak-memory measurement (two child processes, at N and 2N transcripts).
    #[arg(long)]
    no_memory: bool,
    /// Internal: run the pipeline once and print this process's memory figures.
    #[arg(long, hide = true)]
    memory_probe: bool,
}

/// Kibibytes of a `/proc/self/status` field ("VmRSS", "VmHWM"); `None` off Linux.
fn status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

/// The analyzer as a client configures it: the corpus industries' competitors, so the fuzzy
/// competitor scan (the costliest per-sentence step when names are set) is measured too.
fn bench_analyzer() -> Result<Analyzer> {
    let competitors = corpus::Industry::ALL
        .iter()
        .flat_map(|industry| industry.competitors())
        .map(str::to_owned)
        .collect();
    Analyzer::new(AnalysisConfig {
        competitors,
        ..AnalysisConfig::default()
    })
    .context("the benchmark's analysis config")
}

/// Ingest → roles → insights for every file, then the batch partial and report: one pass.
fn analyze_corpus(
    files: &[corpus::GeneratedTranscript],
    analyzer: &Analyzer,
    options: &IngestOptions,
) -> (Vec<engine::insights::TranscriptInsights>, BatchPartial) {
    let mut insights = Vec::with_capacity(files.len());
    for file in files {
        let Ok(mut transcript) = ingest::parse(&file.file_name, &file.bytes, options) else {
            continue;
        };
        insights.push(analyzer.analyze(&file.file_name, &mut transcript, &RoleHints::default()));
    }
    let partial = BatchPartial::from_insights(&insights);
    std::hint::black_box(batch::finish(&partial, &BatchConfig::default()));
    (insights, partial)
}

/// The child side of the memory measurement: prints `transcripts bytes rss_before_kib peak_kib`.
fn memory_probe(args: &BenchArgs) -> Result<()> {
    let files = corpus::generate(&CorpusSpec {
        seed: args.seed,
        count: args.count,
        ..CorpusSpec::default()
    });
    let bytes: usize = files.iter().map(|f| f.bytes.len()).sum();
    let analyzer = bench_analyzer()?;
    // Reset the high-water mark (Linux ≥ 4.0), so corpus generation's transient peak is not
    // counted; if that is refused, the peak can only be overstated.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let before =
        status_kib("VmRSS").context("no /proc/self/status: memory is measured on Linux")?;
    let result = analyze_corpus(&files, &analyzer, &IngestOptions::default());
    let peak = status_kib("VmHWM").context("no VmHWM in /proc/self/status")?;
    std::hint::black_box(&result);
    println!("{} {bytes} {before} {peak}", files.len());
    Ok(())
}

/// One child process's figures: (transcripts, bytes, RSS before the analysis, peak), KiB.
fn measure_memory(args: &BenchArgs, count: usize) -> Result<(usize, usize, u64, u64)> {
    let exe = std::env::current_exe().context("finding this executable")?;
    let output = std::process::Command::new(exe)
        .args(["bench", "--memory-probe", "--count"])
        .arg(count.to_string())
        .arg("--seed")
        .arg(args.seed.to_string())
        .output()
        .context("running the memory probe")?;
    anyhow::ensure!(
        output.status.success(),
        "memory probe failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8_lossy(&output.stdout);
    let fields: Vec<u64> = text
        .split_whitespace()
        .map(str::parse)
        .collect::<Result<_, _>>()
        .with_context(|| format!("memory probe printed {text:?}"))?;
    let [transcripts, bytes, before, peak] = fields[..] else {
        anyhow::bail!("memory probe printed {text:?}");
    };
    Ok((transcripts as usize, bytes as usize, before, peak))
}

fn report_memory(args: &BenchArgs) -> Result<()> {
    let mut growth = Vec::new();
    for count in [args.count, args.count * 2] {
        let (transcripts, bytes, before, peak) = measure_memory(args, count)?;
        let analysis = peak.saturating_sub(before);
        growth.push(analysis);
        println!(
            "memory at {transcripts} transcripts ({:.1} MB): peak RSS {:.1} MB, of which analysis {:.1} MB ({:.2}× the input; before analysis {:.1} MB)",
            bytes as f64 / 1e6,
            peak as f64 / 1024.0,
            analysis as f64 / 1024.0,
            analysis as f64 * 1024.0 / bytes.max(1) as f64,
            before as f64 / 1024.0,
        );
    }
    if let [small, large] = growth[..] {
        println!(
            "analysis memory growth at 2N: ×{:.2} (linear is ×2)",
            large as f64 / small.max(1) as f64
        );
    }
    Ok(())
}

/// CPU time of the calling thread (Linux: /proc/thread-self/schedstat, in ns), so the figure
/// holds on a busy machine; wall time where that is not available.
struct Clock {
    wall: Instant,
    cpu: Option<u64>,
}

fn thread_cpu_ns() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    text.split_whitespace().next()?.parse().ok()
}

impl Clock {
    fn start() -> Clock {
        Clock {
            wall: Instant::now(),
            cpu: thread_cpu_ns(),
        }
    }

    fn elapsed(&self) -> Duration {
        match (self.cpu, thread_cpu_ns()) {
            (Some(start), Some(now)) => Duration::from_nanos(now.saturating_sub(start)),
            _ => self.wall.elapsed(),
        }
    }
}

fn mb_per_s(bytes: usize, time: Duration) -> f64 {
    bytes as f64 / 1e6 / time.as_secs_f64().max(1e-9)
}

pub(crate) fn run(args: BenchArgs) -> Result<()> {
    if args.memory_probe {
        return memory_probe(&args);
    }
    let spec = CorpusSpec {
        seed: args.seed,
        count: args.count,
        ..CorpusSpec::default()
    };
    let files = corpus::generate(&spec);
    let bytes: usize = files.iter().map(|f| f.bytes.len()).sum();
    let analyzer = bench_analyzer()?;
    let options = IngestOptions::default();
    let mut best: Option<(Duration, Duration, Duration, Duration, usize)> = None;
    for _ in 0..args.passes.max(1) {
        let mut ingest_time = Duration::ZERO;
        let mut analysis_time = Duration::ZERO;
        let mut insights = Vec::with_capacity(files.len());
        let start = Clock::start();
        for file in &files {
            let clock = Clock::start();
            let Ok(mut transcript) = ingest::parse(&file.file_name, &file.bytes, &options) else {
                continue;
            };
            ingest_time += clock.elapsed();
            let clock = Clock::start();
            insights.push(analyzer.analyze(
                &file.file_name,
                &mut transcript,
                &RoleHints::default(),
            ));
            analysis_time += clock.elapsed();
        }
        let t2 = Clock::start();
        let partial = BatchPartial::from_insights(&insights);
        let report = batch::finish(&partial, &BatchConfig::default());
        let batch_time = t2.elapsed();
        let total = start.elapsed();
        std::hint::black_box(&report);
        let partial_bytes = serde_json::to_vec(&partial)?.len();
        let terms: usize = insights.iter().map(|i| i.language.terms.len()).sum();
        eprintln!(
            "terms per transcript: {}, distinct in the batch: {}",
            terms / insights.len().max(1),
            partial.terms.len()
        );
        if best.is_none_or(|b| total < b.0) {
            best = Some((total, ingest_time, analysis_time, batch_time, partial_bytes));
        }
    }
    let Some((total, ingest_time, analysis_time, batch_time, partial_bytes)) = best else {
        return Ok(());
    };
    println!(
        "corpus: {} transcripts, {:.1} MB (seed {})",
        files.len(),
        bytes as f64 / 1e6,
        args.seed
    );
    println!(
        "total (1 thread, CPU time): {:.3} s, {:.1} MB/s",
        total.as_secs_f64(),
        mb_per_s(bytes, total)
    );
    println!(
        "  ingest:            {:.3} s ({:.1} MB/s)",
        ingest_time.as_secs_f64(),
        mb_per_s(bytes, ingest_time)
    );
    println!(
        "  roles + insights:  {:.3} s ({:.1} MB/s)",
        analysis_time.as_secs_f64(),
        mb_per_s(bytes, analysis_time)
    );
    println!("  batch + report:    {:.3} s", batch_time.as_secs_f64());
    println!(
        "batch partial JSON: {:.2} MB ({:.0}% of the input)",
        partial_bytes as f64 / 1e6,
        100.0 * partial_bytes as f64 / bytes.max(1) as f64
    );
    if !args.no_memory {
        report_memory(&args)?;
    }
    Ok(())
}
