//! Parse throughput on the generated corpus, per format and overall (MB/s of file bytes):
//! `cargo bench -p engine --bench ingest`. Part of the ≥ 20 MB/s per-core analysis budget.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use engine::corpus::{CorpusSpec, GeneratedTranscript, generate};
use engine::ingest::{IngestOptions, read};
use engine::transcript::SourceFormat;
use std::hint::black_box;

fn parse_all(files: &[&GeneratedTranscript], options: &IngestOptions) -> usize {
    files
        .iter()
        .map(|file| {
            read(&file.file_name, &file.bytes, options)
                .map_or(0, |parsed| parsed.transcript.turns.len())
        })
        .sum()
}

fn ingest(criterion: &mut Criterion) {
    let corpus = generate(&CorpusSpec {
        seed: 42,
        count: 140,
        ..CorpusSpec::default()
    });
    let options = IngestOptions::default();
    let mut group = criterion.benchmark_group("ingest");
    group.sample_size(10);
    let formats = [
        ("speaker_text", SourceFormat::SpeakerText),
        ("webvtt", SourceFormat::Webvtt),
        ("srt", SourceFormat::Srt),
        ("otter", SourceFormat::Otter),
        ("gong_json", SourceFormat::GongJson),
        ("fireflies_json", SourceFormat::FirefliesJson),
        ("unlabeled", SourceFormat::Unlabeled),
    ];
    for (name, format) in formats {
        let files: Vec<&GeneratedTranscript> = corpus
            .iter()
            .filter(|file| file.labels.format == format)
            .collect();
        let bytes: usize = files.iter().map(|file| file.bytes.len()).sum();
        group.throughput(Throughput::Bytes(bytes as u64));
        group.bench_function(name, |bencher| {
            bencher.iter(|| black_box(parse_all(black_box(&files), &options)))
        });
    }
    let all: Vec<&GeneratedTranscript> = corpus.iter().collect();
    group.throughput(Throughput::Bytes(
        all.iter().map(|file| file.bytes.len() as u64).sum(),
    ));
    group.bench_function("mixed_corpus", |bencher| {
        bencher.iter(|| black_box(parse_all(black_box(&all), &options)))
    });
    group.finish();
}

criterion_group!(benches, ingest);
criterion_main!(benches);
