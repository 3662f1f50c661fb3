//! `scalestream`: ScaleStream's engine on the command line, for power users, benchmarks and
//! end-to-end tests. A thin layer: it reads files, calls the engine and prints.
//!
//! - `scalestream analyze FILES_OR_DIRS...`: ingest → roles → insights → batch, as a markdown
//!   report or JSON; files that cannot be read are listed, the others are still analysed.
//! - `scalestream generate --name N --industry I --offer O FILES_OR_DIRS...`: analysis, then
//!   nurture content per stage (e-mails, subject variants, SMS, deck outline) with lint.
//! - `scalestream corpus --count N --seed S --out DIR`: a seeded corpus of realistic calls in
//!   every upload format, plus `manifest.csv`.
//! - `scalestream bench`: analysis throughput on a generated corpus.

mod analyze;
mod bench;
mod corpus;
mod generate;
mod markdown;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "scalestream",
    version,
    about = "ScaleStream's analysis engine on the command line"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Analyse sales-call transcripts: awareness stages, objections, the prospects' language,
    /// phrases that separate outcomes, and recommendations, each backed by quotes.
    Analyze(analyze::AnalyzeArgs),
    /// Analyse calls, then write nurture content per awareness stage from each stage's
    /// evidence: e-mails with subject variants, SMS reminders, a deck outline, and lint.
    Generate(generate::GenerateArgs),
    /// Write a seeded corpus of realistic transcripts in every upload format, with manifest.csv.
    Corpus(corpus::CorpusArgs),
    /// Measure analysis throughput (ingest + roles + insights + batch) on a generated corpus.
    Bench(bench::BenchArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Analyze(args) => analyze::run(args),
        Command::Generate(args) => generate::run(args),
        Command::Corpus(args) => corpus::run(args).map(|()| ExitCode::SUCCESS),
        Command::Bench(args) => bench::run(args).map(|()| ExitCode::SUCCESS),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("scalestream: {error:#}");
            ExitCode::from(2)
        }
    }
}
