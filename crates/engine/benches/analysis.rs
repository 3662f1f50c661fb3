//! Analysis throughput on the generated corpus: ingest → roles → insights → batch, one thread.
//! Run with `cargo bench -p engine --bench analysis`; the goal is ≥ 20 MB/s per core.
//! (`scalestream bench` prints the same figure split by stage, plus the partial's size.)

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use engine::batch::{self, BatchConfig, BatchPartial};
use engine::corpus::{self, CorpusSpec};
use engine::ingest::{self, IngestOptions};
use engine::insights::{AnalysisConfig, Analyzer};
use engine::roles::RoleHints;
use std::hint::black_box;

fn analysis(c: &mut Criterion) {
    let files = corpus::generate(&CorpusSpec {
        seed: 7,
        count: 60,
        ..CorpusSpec::default()
    });
    let bytes: usize = files.iter().map(|f| f.bytes.len()).sum();
    let analyzer = Analyzer::new(AnalysisConfig::default()).expect("the default config compiles");
    let options = IngestOptions::default();

    let mut group = c.benchmark_group("analysis");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("ingest+roles+insights+batch", |b| {
        b.iter(|| {
            let insights: Vec<_> = files
                .iter()
                .filter_map(|file| {
                    let mut transcript =
                        ingest::parse(&file.file_name, &file.bytes, &options).ok()?;
                    Some(analyzer.analyze(&file.file_name, &mut transcript, &RoleHints::default()))
                })
                .collect();
            let partial = BatchPartial::from_insights(&insights);
            black_box(batch::finish(&partial, &BatchConfig::default()))
        })
    });
    let transcripts: Vec<_> = files
        .iter()
        .filter_map(|f| ingest::parse(&f.file_name, &f.bytes, &options).ok())
        .collect();
    group.bench_function("roles+insights", |b| {
        b.iter(|| {
            for transcript in &transcripts {
                let mut transcript = transcript.clone();
                black_box(analyzer.analyze("bench", &mut transcript, &RoleHints::default()));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, analysis);
criterion_main!(benches);
