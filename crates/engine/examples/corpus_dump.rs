//! Writes a generated corpus to a folder, with its manifest: `cargo run -p engine --release
//! --example corpus_dump -- OUT_DIR [COUNT] [SEED]`.

use engine::corpus::{CorpusSpec, generate, manifest_csv};

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let out = std::path::PathBuf::from(args.next().unwrap_or_else(|| "corpus".to_owned()));
    let count = args
        .next()
        .and_then(|value| value.parse().ok())
        .unwrap_or(100);
    let seed = args
        .next()
        .and_then(|value| value.parse().ok())
        .unwrap_or(42);
    let started = std::time::Instant::now();
    let transcripts = generate(&CorpusSpec {
        seed,
        count,
        ..CorpusSpec::default()
    });
    let elapsed = started.elapsed();
    std::fs::create_dir_all(&out)?;
    let mut bytes = 0;
    for transcript in &transcripts {
        bytes += transcript.bytes.len();
        std::fs::write(out.join(&transcript.file_name), &transcript.bytes)?;
    }
    std::fs::write(out.join("manifest.csv"), manifest_csv(&transcripts))?;
    std::fs::write(
        out.join("labels.json"),
        serde_json::to_vec_pretty(
            &transcripts
                .iter()
                .map(|t| (&t.file_name, &t.labels))
                .collect::<Vec<_>>(),
        )?,
    )?;
    eprintln!(
        "{count} transcripts, {:.1} MB, generated in {:.2} s",
        bytes as f64 / 1e6,
        elapsed.as_secs_f64()
    );
    Ok(())
}
