//! The worker's operations, as plain Rust: each takes its documented JSON input and returns a
//! serializable value or an [`Error`]. `lib.rs` exports them to JavaScript; tests and the native
//! benchmark call them directly, so native and Wasm run exactly the same code.

use crate::error::{Error, ErrorKind, Result};
use crate::rows::{ClientRow, PatternRow, TranscriptRow, learned_from_rows};
use engine::batch::{self, BatchConfig, BatchPartial, BatchReport, SegmentProfile, StageShare};
use engine::generate::{
    self, Channel, ContentSet, LearnedPatterns, LintFinding, LintOptions, StageEvidence,
    TemplateSet,
};
use engine::ingest::{self, IngestOptions};
use engine::insights::Analyzer;
use engine::learn::{self, PatternStats, RankConfig, Ranking};
use engine::transcript::{AwarenessLevel, Transcript};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

fn from_json<T: DeserializeOwned>(input: &str, what: &str) -> Result<T> {
    serde_json::from_str(input).map_err(|e| Error::invalid_input(what, &e))
}

// ---------------------------------------------------------------------------------------------
// parse

/// Options of [`parse`]: the ingest limits and hints, and an optional manifest CSV.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ParseOptions {
    /// Size cap in bytes (default: the engine's 5 MB).
    pub max_bytes: Option<u64>,
    /// E-mail domains of the client's team: attendees with them are reps.
    pub rep_domains: Vec<String>,
    /// A manifest (`file,outcome,date,rep,prospect`) whose row for this file wins.
    pub manifest_csv: Option<String>,
}

/// A file read into a canonical transcript, with what the `transcripts` row needs.
#[derive(Debug, Clone, Serialize)]
pub struct ParsedFile {
    pub transcript: Transcript,
    /// `transcripts.source_format`.
    pub source_format: engine::transcript::SourceFormat,
    /// SHA-256 (hex) of the bytes as uploaded: `transcripts.content_sha256`.
    pub sha256: String,
    /// SHA-256 of the decoded, normalised text: the same call re-encoded has the same hash.
    pub content_hash: String,
    pub encoding: ingest::TextEncoding,
    pub size_bytes: u64,
}

/// Reads one uploaded file. `options` is [`ParseOptions`] as JSON (`{}` for the defaults).
pub fn parse(file_name: &str, bytes: &[u8], options: &str) -> Result<ParsedFile> {
    let options: ParseOptions = if options.trim().is_empty() {
        ParseOptions::default()
    } else {
        from_json(options, "parse options")?
    };
    let manifest = match &options.manifest_csv {
        Some(csv) => Some(ingest::parse_manifest(csv.as_bytes()).map_err(ingest_error)?),
        None => None,
    };
    let ingest_options = IngestOptions {
        max_bytes: options.max_bytes.unwrap_or(ingest::DEFAULT_MAX_BYTES),
        rep_domains: options.rep_domains,
        manifest,
        ..IngestOptions::default()
    };
    let file = ingest::read(file_name, bytes, &ingest_options).map_err(ingest_error)?;
    Ok(ParsedFile {
        source_format: file.transcript.format,
        transcript: file.transcript,
        sha256: hex(&Sha256::digest(bytes)),
        content_hash: file.content_hash,
        encoding: file.encoding,
        size_bytes: bytes.len() as u64,
    })
}

/// Parses a manifest CSV into its rows (for the ingest of a CSV of links).
pub fn parse_manifest(csv: &[u8]) -> Result<ingest::Manifest> {
    ingest::parse_manifest(csv).map_err(ingest_error)
}

fn ingest_error(error: ingest::IngestError) -> Error {
    let code = serde_json::to_value(&error.kind)
        .ok()
        .and_then(|value| value.get("kind").and_then(Value::as_str).map(str::to_owned));
    Error {
        code,
        ..Error::new(ErrorKind::Ingest, error.kind.to_string())
    }
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        out.push(char::from(DIGITS[usize::from(byte >> 4)]));
        out.push(char::from(DIGITS[usize::from(byte & 15)]));
    }
    out
}

// ---------------------------------------------------------------------------------------------
// analyze_batch

/// Input of [`analyze_batch`]: the client row and the batch's transcript rows.
#[derive(Debug, Deserialize)]
pub struct BatchInput {
    #[serde(default)]
    pub client: ClientRow,
    pub transcripts: Vec<TranscriptRow>,
}

/// One row for `complete_analysis_batch(insights => …)`.
#[derive(Debug, Clone, Serialize)]
pub struct InsightRow {
    pub transcript_id: String,
    pub awareness_level: AwarenessLevel,
    pub confidence: f32,
    /// Everything found in the transcript (engine `TranscriptInsights` without the raw
    /// language statistics, which only the partial needs), plus the speakers with their roles.
    pub insights: Value,
}

/// What one batch produces.
#[derive(Debug, Clone, Serialize)]
pub struct AnalyzedBatch {
    pub insights: Vec<InsightRow>,
    /// The mergeable summary of the batch (`analysis_batches.result.partial`).
    pub partial: BatchPartial,
    /// Bytes of transcript text analyzed.
    pub text_bytes: u64,
}

/// Analyzes a batch of stored transcripts. Any transcript that cannot be analyzed fails the
/// whole batch with an [`ErrorKind::InvalidTranscript`] error naming every such transcript,
/// so nothing is half-written and the failure is visible on the job.
pub fn analyze_batch(input: &str) -> Result<AnalyzedBatch> {
    let input: BatchInput = from_json(input, "batch")?;
    let analyzer = analyzer(&input.client)?;
    let mut prepared = Vec::with_capacity(input.transcripts.len());
    let mut bad: Vec<Error> = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for row in &input.transcripts {
        if !seen.insert(row.id.as_str()) {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                format!("transcript {} is in the batch twice", row.id),
            ));
        }
        match row.to_engine() {
            Ok(engine_input) => prepared.push((row, engine_input)),
            Err(error) => bad.push(error),
        }
    }
    if !bad.is_empty() {
        let mut error = Error::new(
            ErrorKind::InvalidTranscript,
            bad.iter()
                .map(|e| e.message.as_str())
                .collect::<Vec<_>>()
                .join("; "),
        );
        error.transcript_ids = bad.into_iter().flat_map(|e| e.transcript_ids).collect();
        return Err(error);
    }
    let mut insights = Vec::with_capacity(prepared.len());
    let mut all = Vec::with_capacity(prepared.len());
    let mut text_bytes = 0u64;
    for (row, (mut transcript, hints)) in prepared {
        text_bytes += transcript
            .turns
            .iter()
            .map(|turn| turn.text.len() as u64)
            .sum::<u64>();
        let found = analyzer.analyze(&row.id, &mut transcript, &hints);
        insights.push(insight_row(&row.id, &found, &transcript));
        all.push(found);
    }
    Ok(AnalyzedBatch {
        insights,
        partial: BatchPartial::from_insights(&all),
        text_bytes,
    })
}

fn analyzer(client: &ClientRow) -> Result<Analyzer> {
    Analyzer::new(client.analysis_config()).map_err(|e| {
        Error::new(
            ErrorKind::Config,
            format!("the client's analysis settings cannot be used: {e}"),
        )
    })
}

fn insight_row(
    id: &str,
    found: &engine::insights::TranscriptInsights,
    transcript: &Transcript,
) -> InsightRow {
    let mut value = serde_json::to_value(found).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut value {
        map.remove("language");
        map.remove("transcript");
        map.insert(
            "speakers".to_owned(),
            serde_json::to_value(&transcript.speakers).unwrap_or(Value::Null),
        );
    }
    InsightRow {
        transcript_id: id.to_owned(),
        awareness_level: found.stage.level,
        confidence: found.stage.confidence.clamp(0.0, 1.0),
        insights: value,
    }
}

// ---------------------------------------------------------------------------------------------
// merge_partials, finish

/// Merges partials (a JSON array of `BatchPartial`) into one.
pub fn merge_partials(input: &str) -> Result<BatchPartial> {
    let partials: Vec<BatchPartial> = from_json(input, "list of partial results")?;
    merge_all(partials)
}

fn merge_all(partials: Vec<BatchPartial>) -> Result<BatchPartial> {
    partials
        .into_iter()
        .try_fold(BatchPartial::empty(), batch::merge)
        .map_err(|e| Error::new(ErrorKind::Merge, e.to_string()))
}

/// Input of [`finish`].
#[derive(Debug, Deserialize)]
pub struct FinishInput {
    pub partial: BatchPartial,
    #[serde(default)]
    pub config: BatchConfig,
}

/// The report in the shape of `public.analysis_results` (plus the totals).
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// `{"problem": {"prospects", "share", "mean_confidence", "unaware", "most_aware"}, …}`.
    pub awareness_distribution: Map<String, Value>,
    pub segment_profiles: Vec<SegmentProfile>,
    pub outcome_phrases: Vec<batch::OutcomePhrase>,
    pub recommendations: Vec<batch::Recommendation>,
    pub transcripts: u32,
    pub outcome_counts: BTreeMap<engine::transcript::Outcome, u32>,
}

impl Report {
    fn new(report: BatchReport) -> Report {
        let awareness_distribution = report
            .awareness_distribution
            .iter()
            .map(|share: &StageShare| {
                let mut value = serde_json::to_value(share).unwrap_or(Value::Null);
                if let Value::Object(map) = &mut value {
                    map.remove("level");
                }
                (share.level.as_str().to_owned(), value)
            })
            .collect();
        Report {
            awareness_distribution,
            segment_profiles: report.segments,
            outcome_phrases: report.outcome_phrases,
            recommendations: report.recommendations,
            transcripts: report.transcripts,
            outcome_counts: report.outcome_counts,
        }
    }
}

/// Turns a (merged) partial into the report.
pub fn finish(input: &str) -> Result<Report> {
    let input: FinishInput = from_json(input, "finish input")?;
    Ok(Report::new(batch::finish(&input.partial, &input.config)))
}

// ---------------------------------------------------------------------------------------------
// finish_job: the last step of an analysis

/// Input of [`finish_job`].
#[derive(Debug, Deserialize)]
pub struct FinishJobInput {
    #[serde(default)]
    pub client: ClientRow,
    /// The partials of every completed batch.
    pub partials: Vec<BatchPartial>,
    /// Learned patterns per stage (`{"problem": {...}, …}`); missing stages learn nothing.
    #[serde(default)]
    pub learned: BTreeMap<AwarenessLevel, LearnedPatterns>,
    /// Rows of `successful_patterns` for the client's industry: used for the stages that
    /// `learned` does not cover.
    #[serde(default)]
    pub patterns: Vec<PatternRow>,
    /// The seed of generation; by default derived from `job_id` so a retry writes the same copy.
    #[serde(default)]
    pub seed: Option<u64>,
    #[serde(default)]
    pub job_id: Option<String>,
    #[serde(default)]
    pub config: BatchConfig,
    /// An agency's template override (a JSON merge patch over the built-in templates).
    #[serde(default)]
    pub templates: Option<Value>,
}

/// One row for `finish_analysis_job(drafts => …)`.
#[derive(Debug, Clone, Serialize)]
pub struct Draft {
    pub awareness_level: AwarenessLevel,
    /// `email_sequence`, `sms` or `deck_outline`.
    pub content_type: &'static str,
    pub body: Value,
    pub lint_findings: Vec<LintFinding>,
}

/// The report and the drafts of a finished analysis.
#[derive(Debug, Clone, Serialize)]
pub struct FinishedJob {
    pub report: Report,
    pub drafts: Vec<Draft>,
}

/// Merges the batches' partials, writes the report, and generates one draft per stage and
/// content type (9 drafts: every stage gets content, thin evidence is noted in the body).
pub fn finish_job(input: &str) -> Result<FinishedJob> {
    let input: FinishJobInput = from_json(input, "finish-job input")?;
    let partial = merge_all(input.partials)?;
    let report = batch::finish(&partial, &input.config);
    let seed = input
        .seed
        .unwrap_or_else(|| input.job_id.as_deref().map(seed_of).unwrap_or(0));
    let templates = template_set(input.templates.as_ref())?;
    let profile = input.client.profile();
    let lint_options = LintOptions::for_client(&profile);
    let mut learned = learned_from_rows(&input.patterns);
    learned.extend(input.learned);
    let mut drafts = Vec::with_capacity(9);
    for stage in AwarenessLevel::ALL {
        let evidence = report
            .segments
            .iter()
            .find(|segment| segment.level == stage)
            .map(SegmentProfile::stage_evidence)
            .unwrap_or_default();
        let brief = generate::ContentBrief {
            client: profile.clone(),
            stage,
            evidence,
            learned: learned.get(&stage).cloned().unwrap_or_default(),
        };
        let mut set = generate::generate_with(&brief, &templates, seed).map_err(generate_error)?;
        set.notes.extend(input.client.missing_offer());
        let findings = generate::lint(&set, &lint_options);
        drafts.extend(split_by_channel(&set, &findings));
    }
    Ok(FinishedJob {
        report: Report::new(report),
        drafts,
    })
}

/// FNV-1a 64 of a string, folded to 53 bits so the seed survives a round trip through
/// JavaScript numbers.
fn seed_of(text: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash & ((1 << 53) - 1)
}

fn template_set(patch: Option<&Value>) -> Result<TemplateSet> {
    let builtin = TemplateSet::builtin()
        .map_err(|e| generate_error(generate::GenerateError::Templates(e)))?;
    match patch {
        Some(patch) => builtin
            .with_override(patch)
            .map_err(|e| generate_error(generate::GenerateError::Templates(e))),
        None => Ok(builtin.clone()),
    }
}

fn generate_error(error: generate::GenerateError) -> Error {
    Error::new(ErrorKind::Generate, error.to_string())
}

/// The three drafts of one stage's content set: the e-mail sequence, the SMS reminders and
/// the deck outline, each with the hooks, patterns and lint findings of its channel.
fn split_by_channel(set: &ContentSet, findings: &[LintFinding]) -> Vec<Draft> {
    let channel_body = |channel: Channel, key: &str, content: Value| {
        let hooks: Vec<Value> = set
            .hooks
            .iter()
            .filter(|hook| hook.used_in.iter().any(|at| at.channel == channel))
            .map(|hook| {
                let mut hook = hook.clone();
                hook.used_in.retain(|at| at.channel == channel);
                serde_json::to_value(hook).unwrap_or(Value::Null)
            })
            .collect();
        let patterns: Vec<Value> = set
            .patterns_used
            .iter()
            .filter(|used| used.location.channel == channel)
            .map(|used| serde_json::to_value(used).unwrap_or(Value::Null))
            .collect();
        let mut body = Map::new();
        body.insert("stage".to_owned(), Value::from(set.stage.as_str()));
        body.insert("seed".to_owned(), Value::from(set.seed));
        body.insert(key.to_owned(), content);
        body.insert("hooks".to_owned(), Value::Array(hooks));
        body.insert("patterns_used".to_owned(), Value::Array(patterns));
        body.insert(
            "notes".to_owned(),
            serde_json::to_value(&set.notes).unwrap_or(Value::Null),
        );
        Draft {
            awareness_level: set.stage,
            content_type: match channel {
                Channel::Email => "email_sequence",
                Channel::Sms => "sms",
                Channel::Deck => "deck_outline",
            },
            body: Value::Object(body),
            lint_findings: findings
                .iter()
                .filter(|finding| finding.location.channel == channel)
                .cloned()
                .collect(),
        }
    };
    vec![
        channel_body(
            Channel::Email,
            "emails",
            serde_json::to_value(&set.emails).unwrap_or(Value::Null),
        ),
        channel_body(
            Channel::Sms,
            "sms",
            serde_json::to_value(&set.sms).unwrap_or(Value::Null),
        ),
        channel_body(
            Channel::Deck,
            "deck",
            serde_json::to_value(&set.deck).unwrap_or(Value::Null),
        ),
    ]
}

// ---------------------------------------------------------------------------------------------
// generate, lint, score_patterns

/// Input of [`generate`]: a client, a stage and its evidence (or the stage's segment profile
/// from a report), learned patterns, a seed and an optional template override.
#[derive(Debug, Deserialize)]
pub struct GenerateInput {
    #[serde(default)]
    pub client: ClientRow,
    pub stage: AwarenessLevel,
    #[serde(default)]
    pub evidence: Option<StageEvidence>,
    #[serde(default)]
    pub segment: Option<SegmentProfile>,
    #[serde(default)]
    pub learned: LearnedPatterns,
    #[serde(default)]
    pub seed: u64,
    #[serde(default)]
    pub templates: Option<Value>,
}

/// A generated content set and its lint findings.
#[derive(Debug, Clone, Serialize)]
pub struct Generated {
    pub content: ContentSet,
    pub lint_findings: Vec<LintFinding>,
}

/// Generates one stage's content (e-mail sequence with subject variants, SMS, deck outline).
pub fn generate(input: &str) -> Result<Generated> {
    let input: GenerateInput = from_json(input, "generate input")?;
    let evidence = match (input.evidence, &input.segment) {
        (Some(evidence), _) => evidence,
        (None, Some(segment)) => segment.stage_evidence(),
        (None, None) => StageEvidence::default(),
    };
    let profile = input.client.profile();
    let brief = generate::ContentBrief {
        client: profile.clone(),
        stage: input.stage,
        evidence,
        learned: input.learned,
    };
    let templates = template_set(input.templates.as_ref())?;
    let mut content =
        generate::generate_with(&brief, &templates, input.seed).map_err(generate_error)?;
    content.notes.extend(input.client.missing_offer());
    let lint_findings = generate::lint(&content, &LintOptions::for_client(&profile));
    Ok(Generated {
        content,
        lint_findings,
    })
}

/// Input of [`lint`]: a whole content set, or one text at a location (a user's edit).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum LintInput {
    Set {
        content: ContentSet,
        #[serde(default)]
        options: LintOptions,
    },
    Text {
        text: String,
        at: generate::Location,
        #[serde(default)]
        options: LintOptions,
    },
}

/// Lints generated or edited content.
pub fn lint(input: &str) -> Result<Vec<LintFinding>> {
    let input: LintInput = from_json(input, "lint input")?;
    Ok(match input {
        LintInput::Set { content, options } => generate::lint(&content, &options),
        LintInput::Text { text, at, options } => generate::lint_text(&text, at, &options),
    })
}

/// Input of [`score_patterns`].
#[derive(Debug, Deserialize)]
pub struct ScoreInput {
    pub patterns: Vec<PatternStats>,
    #[serde(default)]
    pub config: RankConfig,
}

/// Ranks patterns by shrunk show rates (empirical-Bayes posterior), flagging low performers.
pub fn score_patterns(input: &str) -> Result<Ranking> {
    let input: ScoreInput = from_json(input, "pattern scores input")?;
    learn::rank_patterns(&input.patterns, &input.config)
        .map_err(|e| Error::new(ErrorKind::Learn, e.to_string()))
}
