//! Parse throughput per format on the generated corpus, in wall-clock and CPU time (CPU time
//! from /proc/self/schedstat, so a busy machine does not distort it):
//! `cargo run -p engine --release --example ingest_profile -- [ITERATIONS]`.
//! The criterion bench (`cargo bench -p engine --bench ingest`) measures wall-clock time only.

use engine::corpus::{CorpusSpec, generate};
use engine::ingest::{IngestOptions, read};
use engine::transcript::SourceFormat;
use std::time::Instant;

/// Nanoseconds this thread has spent on a CPU (Linux); 0 elsewhere.
fn cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|stat| {
            stat.split_whitespace()
                .next()
                .and_then(|value| value.parse().ok())
        })
        .unwrap_or(0)
}

fn main() {
    let iterations: usize = std::env::args()
        .nth(1)
        .and_then(|value| value.parse().ok())
        .unwrap_or(50);
    let corpus = generate(&CorpusSpec {
        seed: 42,
        count: 140,
        ..CorpusSpec::default()
    });
    let options = IngestOptions::default();
    println!(
        "{:<16} {:>6} {:>9} {:>12} {:>12}",
        "format", "files", "MB", "wall MB/s", "CPU MB/s"
    );
    let mut total = (0usize, 0f64, 0u64);
    for format in SourceFormat::ALL {
        let files: Vec<_> = corpus
            .iter()
            .filter(|file| file.labels.format == format)
            .collect();
        let bytes: usize = files.iter().map(|file| file.bytes.len()).sum();
        let (wall, cpu) = (Instant::now(), cpu_ns());
        let mut turns = 0;
        for _ in 0..iterations {
            for file in &files {
                turns += read(&file.file_name, &file.bytes, &options)
                    .map_or(0, |parsed| parsed.transcript.turns.len());
            }
        }
        let (wall, cpu) = (wall.elapsed().as_secs_f64(), (cpu_ns() - cpu) as f64 / 1e9);
        let megabytes = (bytes * iterations) as f64 / 1e6;
        total = (
            total.0 + files.len(),
            total.1 + megabytes,
            total.2 + (cpu * 1e9) as u64,
        );
        let format_name = serde_json::to_string(&format).unwrap_or_default();
        println!(
            "{:<16} {:>6} {:>9.1} {:>12.0} {:>12.0}   ({turns} turns)",
            format_name.trim_matches('"'),
            files.len(),
            bytes as f64 / 1e6,
            megabytes / wall,
            if cpu > 0.0 { megabytes / cpu } else { f64::NAN },
        );
    }
    println!(
        "{:<16} {:>6} {:>9} {:>12} {:>12.0}",
        "all",
        total.0,
        "",
        "",
        total.1 / (total.2 as f64 / 1e9)
    );
}
