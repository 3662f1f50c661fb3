//! `scalestream bench`: single-core analysis throughput on a generated corpus.
//!
//! Measures, on one thread, what an Edge Function call does: ingest → roles → insights for
//! every file, then one batch partial and its report. Throughput is transcript bytes (as
//! uploaded) per second of wall time. The corpus is generated before timing starts.

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
    let spec = CorpusSpec {
        seed: args.seed,
        count: args.count,
        ..CorpusSpec::default()
    };
    let files = corpus::generate(&spec);
    let bytes: usize = files.iter().map(|f| f.bytes.len()).sum();
    let analyzer = Analyzer::new(AnalysisConfig::default()).context("default config")?;
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
    Ok(())
}
