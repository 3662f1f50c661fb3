//! `scalestream corpus`: write the seeded generator's files and their manifest.

use anyhow::{Context, Result};
use engine::corpus::{self, CorpusSpec};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub(crate) struct CorpusArgs {
    /// How many transcripts.
    #[arg(long, default_value_t = 100)]
    count: usize,
    /// The seed: the same seed gives the same files.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// The folder to write into (created if missing).
    #[arg(long)]
    out: PathBuf,
    /// Shortest and longest call, in minutes.
    #[arg(long, default_value_t = 30)]
    min_minutes: u32,
    #[arg(long, default_value_t = 60)]
    max_minutes: u32,
    /// Also write labels.json (the truth about each call) next to the folder, as
    /// `<out>.labels.json`, for accuracy checks.
    #[arg(long)]
    labels: bool,
}

pub(crate) fn run(args: CorpusArgs) -> Result<()> {
    anyhow::ensure!(
        args.min_minutes >= 1 && args.min_minutes <= args.max_minutes,
        "--min-minutes must be ≥ 1 and ≤ --max-minutes"
    );
    let spec = CorpusSpec {
        seed: args.seed,
        count: args.count,
        min_minutes: args.min_minutes,
        max_minutes: args.max_minutes,
        ..CorpusSpec::default()
    };
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    let transcripts = corpus::generate(&spec);
    for transcript in &transcripts {
        let path = args.out.join(&transcript.file_name);
        std::fs::write(&path, &transcript.bytes)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    let manifest = args.out.join("manifest.csv");
    std::fs::write(&manifest, corpus::manifest_csv(&transcripts))
        .with_context(|| format!("writing {}", manifest.display()))?;
    if args.labels {
        let labels: Vec<(&str, &corpus::Labels)> = transcripts
            .iter()
            .map(|t| (t.file_name.as_str(), &t.labels))
            .collect();
        let mut path = args.out.clone().into_os_string();
        path.push(".labels.json");
        std::fs::write(&path, serde_json::to_string_pretty(&labels)?)
            .context("writing the labels")?;
    }
    eprintln!(
        "wrote {} transcripts and manifest.csv to {}",
        transcripts.len(),
        args.out.display()
    );
    Ok(())
}
