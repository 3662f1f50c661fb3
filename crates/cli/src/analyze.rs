//! `scalestream analyze`: files in, report out.

use anyhow::{Context, Result, bail};
use engine::batch::{self, BatchConfig, BatchPartial, BatchReport};
use engine::ingest::{self, IngestOptions};
use engine::insights::{AnalysisConfig, Analyzer, TranscriptInsights};
use engine::roles::RoleHints;
use engine::transcript::Transcript;
use serde::Serialize;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    /// A readable report.
    Md,
    /// Everything, machine-readable.
    Json,
}

#[derive(Debug, clap::Args)]
pub(crate) struct AnalyzeArgs {
    /// Transcript files, or folders to read recursively (CSV files in folders are skipped).
    #[arg(required = true, value_name = "FILES_OR_DIRS")]
    paths: Vec<PathBuf>,
    /// CSV with the header `file,outcome,date,rep,prospect`: metadata per file name.
    #[arg(long, value_name = "FILE.csv")]
    manifest: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "md")]
    format: Format,
    /// The client's competitors, comma-separated (matched exactly and fuzzily).
    #[arg(long, value_delimiter = ',', value_name = "NAMES")]
    competitors: Vec<String>,
    /// The client's brand and offer names, comma-separated.
    #[arg(long, value_delimiter = ',', value_name = "NAMES")]
    brands: Vec<String>,
    /// Solution categories of the client's market, comma-separated ("SEO,bookkeeper").
    #[arg(long, value_delimiter = ',', value_name = "NOUNS")]
    categories: Vec<String>,
    /// The client's reps, comma-separated: speakers with these names are reps.
    #[arg(long, value_delimiter = ',', value_name = "NAMES")]
    reps: Vec<String>,
    /// The client's e-mail domains, comma-separated: attendees with them are reps.
    #[arg(long, value_delimiter = ',', value_name = "DOMAINS")]
    rep_domains: Vec<String>,
    /// A JSON analysis config (engine::insights::AnalysisConfig); the flags above add to it.
    #[arg(long, value_name = "FILE.json")]
    config: Option<PathBuf>,
    /// Worker threads (default: the number of cores).
    #[arg(long)]
    threads: Option<usize>,
}

impl AnalyzeArgs {
    /// The output format asked for.
    pub(crate) fn format(&self) -> Format {
        self.format
    }
}

/// A file that could not be read or parsed.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct FileError {
    pub(crate) file: String,
    pub(crate) error: String,
}

/// One analysed file.
pub(crate) struct Analysed {
    pub(crate) file: String,
    pub(crate) transcript: Transcript,
    pub(crate) insights: TranscriptInsights,
}

/// Files under `paths`, in a stable order: explicit files as given, folders walked recursively
/// (sorted; hidden entries and CSV files skipped). Missing paths become errors.
fn collect(paths: &[PathBuf], skip: Option<&Path>, errors: &mut Vec<FileError>) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>, errors: &mut Vec<FileError>) {
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) => {
                errors.push(FileError {
                    file: dir.display().to_string(),
                    error: format!("cannot read folder: {e}"),
                });
                return;
            }
        };
        let mut children: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        children.sort();
        for child in children {
            let name = child
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            if name.starts_with('.') {
                continue;
            }
            if child.is_dir() {
                walk(&child, out, errors);
            } else if !name.to_ascii_lowercase().ends_with(".csv") {
                out.push(child);
            }
        }
    }
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            walk(path, &mut files, errors);
        } else if path.exists() {
            files.push(path.clone());
        } else {
            errors.push(FileError {
                file: path.display().to_string(),
                error: "no such file or folder".into(),
            });
        }
    }
    let skip = skip.and_then(|s| s.canonicalize().ok());
    files.retain(|f| skip.is_none() || f.canonicalize().ok() != skip);
    files.dedup();
    files
}

fn config(args: &AnalyzeArgs) -> Result<AnalysisConfig> {
    let mut config = match &args.config {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?;
            serde_json::from_str(&text)
                .with_context(|| format!("{} is not a valid analysis config", path.display()))?
        }
        None => AnalysisConfig::default(),
    };
    let clean = |list: &[String]| {
        list.iter()
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
    };
    config.competitors.extend(clean(&args.competitors));
    config.brand_names.extend(clean(&args.brands));
    config.category_nouns.extend(clean(&args.categories));
    config.rep_names.extend(clean(&args.reps));
    config.rep_email_domains.extend(clean(&args.rep_domains));
    Ok(config)
}

/// Reads, parses and analyses one file.
fn analyse_file(
    path: &Path,
    options: &IngestOptions,
    analyzer: &Analyzer,
) -> Result<Analysed, FileError> {
    let file = path.display().to_string();
    let fail = |error: String| FileError {
        file: file.clone(),
        error,
    };
    let size = std::fs::metadata(path)
        .map_err(|e| fail(format!("cannot read the file: {e}")))?
        .len();
    if size > options.max_bytes {
        // Refuse before reading a huge file into memory, with ingest's wording.
        return Err(fail(
            ingest::ErrorKind::TooLarge {
                bytes: size,
                limit: options.max_bytes,
            }
            .to_string(),
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| fail(format!("cannot read the file: {e}")))?;
    let mut transcript =
        ingest::parse(&file_name(path), &bytes, options).map_err(|e| fail(e.kind.to_string()))?;
    let insights = analyzer.analyze(&file, &mut transcript, &RoleHints::default());
    Ok(Analysed {
        file,
        transcript,
        insights,
    })
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// The result of an analysis run.
pub(crate) struct Run {
    pub(crate) analysed: Vec<Analysed>,
    pub(crate) report: BatchReport,
    pub(crate) errors: Vec<FileError>,
}

/// Analyses files on `threads` workers. Each worker summarises its share into a
/// [`BatchPartial`]; the partials are merged, which gives exactly the single-pass result.
fn analyse_all(
    files: &[PathBuf],
    options: &IngestOptions,
    analyzer: &Analyzer,
    threads: usize,
    show_progress: bool,
) -> Result<(Vec<Analysed>, BatchPartial, Vec<FileError>)> {
    let progress = if show_progress {
        let bar = indicatif::ProgressBar::new(files.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:40} {pos}/{len} transcripts  {elapsed_precise} (eta {eta})",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        Some(bar)
    } else {
        None
    };
    let threads = threads.clamp(1, files.len().max(1));
    let chunk = files.len().div_ceil(threads).max(1);
    let results: Vec<(Vec<Result<Analysed, FileError>>, BatchPartial)> =
        std::thread::scope(|scope| {
            let workers: Vec<_> = files
                .chunks(chunk)
                .map(|share| {
                    let progress = progress.clone();
                    scope.spawn(move || {
                        let mut results = Vec::with_capacity(share.len());
                        let mut partial = BatchPartial::empty();
                        for path in share {
                            let result = analyse_file(path, options, analyzer);
                            if let Ok(analysed) = &result {
                                let one = BatchPartial::from_insights(std::slice::from_ref(
                                    &analysed.insights,
                                ));
                                // Ids are file paths, unique by construction, so merging cannot overlap.
                                partial = batch::merge(partial, one)
                                    .unwrap_or_else(|_| BatchPartial::empty());
                            }
                            results.push(result);
                            if let Some(bar) = &progress {
                                bar.inc(1);
                            }
                        }
                        (results, partial)
                    })
                })
                .collect();
            workers
                .into_iter()
                .map(|w| w.join())
                .collect::<Result<Vec<_>, _>>()
        })
        .map_err(|_| anyhow::anyhow!("an analysis worker crashed"))?;
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    let mut analysed = Vec::new();
    let mut errors = Vec::new();
    let mut partial = BatchPartial::empty();
    for (results, share) in results {
        partial = batch::merge(partial, share).context("merging partial results")?;
        for result in results {
            match result {
                Ok(a) => analysed.push(a),
                Err(e) => errors.push(e),
            }
        }
    }
    Ok((analysed, partial, errors))
}

/// Runs the whole analysis for `args` (shared by `analyze` and the tests).
pub(crate) fn execute(args: &AnalyzeArgs) -> Result<Run> {
    let analyzer = Analyzer::new(config(args)?).context("the analysis config is not usable")?;
    let mut errors = Vec::new();
    let files = collect(&args.paths, args.manifest.as_deref(), &mut errors);
    let manifest = match &args.manifest {
        Some(path) => {
            let bytes = std::fs::read(path)
                .with_context(|| format!("reading the manifest {}", path.display()))?;
            Some(
                ingest::parse_manifest(&bytes)
                    .map_err(|e| anyhow::anyhow!("the manifest {}: {}", path.display(), e.kind))?,
            )
        }
        None => None,
    };
    let options = IngestOptions {
        manifest,
        rep_domains: analyzer.config().rep_email_domains.clone(),
        ..IngestOptions::default()
    };
    let threads = args.threads.unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    });
    let show_progress = std::io::stderr().is_terminal() && files.len() >= 20;
    let (analysed, partial, file_errors) =
        analyse_all(&files, &options, &analyzer, threads, show_progress)?;
    errors.extend(file_errors);
    let report = batch::finish(&partial, &BatchConfig::default());
    Ok(Run {
        analysed,
        report,
        errors,
    })
}

#[derive(Serialize)]
struct TranscriptOutput<'a> {
    file: &'a str,
    format: engine::transcript::SourceFormat,
    speakers: &'a [engine::transcript::Speaker],
    turns: &'a [engine::transcript::Turn],
    outcome: engine::transcript::Outcome,
    metadata: &'a engine::transcript::TranscriptMetadata,
    stage: &'a engine::insights::StageAssessment,
    objections: &'a [engine::insights::Objection],
    pains: &'a [engine::insights::Mention],
    desires: &'a [engine::insights::Mention],
    buying_signals: &'a [engine::insights::BuyingSignal],
    buying_signal_score: f32,
    competitors: &'a [engine::insights::CompetitorMention],
    questions: &'a [engine::evidence::Quote],
    key_phrases: &'a [engine::insights::KeyPhrase],
    talk: engine::insights::TalkRatio,
}

#[derive(Serialize)]
struct Output<'a> {
    transcripts: Vec<TranscriptOutput<'a>>,
    batch: &'a BatchReport,
    errors: &'a [FileError],
}

fn json(run: &Run) -> Result<String> {
    let output = Output {
        transcripts: run
            .analysed
            .iter()
            .map(|a| TranscriptOutput {
                file: &a.file,
                format: a.transcript.format,
                speakers: &a.transcript.speakers,
                turns: &a.transcript.turns,
                outcome: a.transcript.metadata.outcome,
                metadata: &a.transcript.metadata,
                stage: &a.insights.stage,
                objections: &a.insights.objections,
                pains: &a.insights.pains,
                desires: &a.insights.desires,
                buying_signals: &a.insights.buying_signals,
                buying_signal_score: a.insights.buying_signal_score,
                competitors: &a.insights.competitors,
                questions: &a.insights.questions,
                key_phrases: &a.insights.key_phrases,
                talk: a.insights.talk,
            })
            .collect(),
        batch: &run.report,
        errors: &run.errors,
    };
    Ok(serde_json::to_string_pretty(&output)?)
}

pub(crate) fn run(args: AnalyzeArgs) -> Result<ExitCode> {
    let run = execute(&args)?;
    let text = match args.format {
        Format::Json => json(&run)?,
        Format::Md => crate::markdown::report(&run),
    };
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    stdout.write_all(b"\n")?;
    if run.analysed.is_empty() {
        if run.errors.is_empty() {
            bail!("no transcript files found");
        }
        eprintln!(
            "scalestream: none of the {} files could be analysed",
            run.errors.len()
        );
        return Ok(ExitCode::from(1));
    }
    for error in &run.errors {
        eprintln!("scalestream: skipped {}: {}", error.file, error.error);
    }
    Ok(ExitCode::SUCCESS)
}
