//! `scalestream generate`: analyse a client's calls, then write nurture content per awareness
//! stage from each stage's evidence (e-mails with subject variants, SMS, a deck outline), with
//! every hook linked to its quote and the content lint's findings.

use crate::analyze::{self, AnalyzeArgs, Format};
use anyhow::{Context, Result, bail};
use engine::generate::{
    self, ClientProfile, ContentBrief, ContentSet, LearnedPatterns, LintFinding, LintOptions,
    TemplateSet, Timing, TimingAnchor,
};
use engine::transcript::AwarenessLevel;
use serde::Serialize;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub(crate) struct GenerateArgs {
    /// The client profile as JSON (engine::generate::ClientProfile: name, industry, offer,
    /// price_range, banned_words, rep_name, call_name, call_length_minutes, proof_points,
    /// guarantee). The flags below fill or override its fields.
    #[arg(long, value_name = "FILE.json")]
    client: Option<PathBuf>,
    /// The business name as prospects know it.
    #[arg(long)]
    name: Option<String>,
    /// The client's industry, e.g. "dental clinics".
    #[arg(long)]
    industry: Option<String>,
    /// What is sold, as a noun phrase that fits "our …".
    #[arg(long)]
    offer: Option<String>,
    /// Only this stage (default: every stage the calls show).
    #[arg(long, value_enum)]
    stage: Option<Stage>,
    /// Same calls, profile, templates and seed give the same content.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// A JSON merge patch over the built-in templates (an agency's own wording).
    #[arg(long, value_name = "FILE.json")]
    templates: Option<PathBuf>,
    /// Learned patterns (engine::generate::LearnedPatterns) to use and to avoid.
    #[arg(long, value_name = "FILE.json")]
    learned: Option<PathBuf>,
    #[command(flatten)]
    analysis: AnalyzeArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Stage {
    Problem,
    Solution,
    Product,
}

impl From<Stage> for AwarenessLevel {
    fn from(stage: Stage) -> AwarenessLevel {
        match stage {
            Stage::Problem => AwarenessLevel::Problem,
            Stage::Solution => AwarenessLevel::Solution,
            Stage::Product => AwarenessLevel::Product,
        }
    }
}

fn read_json<T: serde::de::DeserializeOwned>(path: &PathBuf, what: &str) -> Result<T> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{} is not a valid {what}", path.display()))
}

fn client_profile(args: &GenerateArgs) -> Result<ClientProfile> {
    let mut client: ClientProfile = match &args.client {
        Some(path) => read_json(path, "client profile")?,
        None => ClientProfile::default(),
    };
    if let Some(name) = &args.name {
        client.name = name.clone();
    }
    if let Some(industry) = &args.industry {
        client.industry = industry.clone();
    }
    if let Some(offer) = &args.offer {
        client.offer = offer.clone();
    }
    let missing: Vec<&str> = [
        ("--name", &client.name),
        ("--industry", &client.industry),
        ("--offer", &client.offer),
    ]
    .into_iter()
    .filter(|(_, value)| value.trim().is_empty())
    .map(|(flag, _)| flag)
    .collect();
    if !missing.is_empty() {
        bail!(
            "the client profile needs {} (or a --client FILE.json that has them)",
            missing.join(", ")
        );
    }
    Ok(client)
}

/// One stage's generated content with its lint findings.
#[derive(Serialize)]
struct StageContent {
    stage: AwarenessLevel,
    prospects: u32,
    content: ContentSet,
    lint: Vec<LintFinding>,
}

#[derive(Serialize)]
struct Output<'a> {
    client: &'a ClientProfile,
    stages: &'a [StageContent],
    errors: &'a [analyze::FileError],
}

pub(crate) fn run(args: GenerateArgs) -> Result<ExitCode> {
    let client = client_profile(&args)?;
    let templates = match &args.templates {
        Some(path) => {
            let patch: serde_json::Value = read_json(path, "template override")?;
            TemplateSet::builtin()?
                .with_override(&patch)
                .context("the template override is not usable")?
        }
        None => TemplateSet::builtin()?.clone(),
    };
    let learned: LearnedPatterns = match &args.learned {
        Some(path) => read_json(path, "learned-patterns file")?,
        None => LearnedPatterns::default(),
    };
    let run = analyze::execute(&args.analysis)?;
    let wanted: Option<AwarenessLevel> = args.stage.map(Into::into);
    let lint_options = LintOptions::for_client(&client);
    let mut stages = Vec::new();
    for segment in &run.report.segments {
        if segment.prospects == 0 || wanted.is_some_and(|level| level != segment.level) {
            continue;
        }
        let brief = ContentBrief {
            client: client.clone(),
            stage: segment.level,
            evidence: segment.stage_evidence(),
            learned: learned.clone(),
        };
        let content = generate::generate_with(&brief, &templates, args.seed)
            .with_context(|| format!("generating {} content", segment.level.as_str()))?;
        let lint = generate::lint(&content, &lint_options);
        stages.push(StageContent {
            stage: segment.level,
            prospects: segment.prospects,
            content,
            lint,
        });
    }
    if stages.is_empty() {
        bail!(
            "no transcript could be analysed for the requested stage, so there is nothing to write from"
        );
    }
    let text = match args.analysis.format() {
        Format::Json => serde_json::to_string_pretty(&Output {
            client: &client,
            stages: &stages,
            errors: &run.errors,
        })?,
        Format::Md => markdown(&client, &stages, &run.errors),
    };
    println!("{text}");
    for error in &run.errors {
        eprintln!("scalestream: skipped {}: {}", error.file, error.error);
    }
    Ok(ExitCode::SUCCESS)
}

/// "right after booking", "24 h before the call", "5 min after a no-show".
fn describe(timing: &Timing) -> String {
    let minutes = timing.offset_minutes;
    let amount = |minutes: i64| {
        let minutes = minutes.abs();
        if minutes >= 60 && minutes % 60 == 0 {
            format!("{} h", minutes / 60)
        } else {
            format!("{minutes} min")
        }
    };
    let when = match (timing.anchor, minutes) {
        (TimingAnchor::Booking, 0) => "right after booking".to_owned(),
        (TimingAnchor::Booking, m) => format!("{} after booking", amount(m)),
        (TimingAnchor::Call, m) if m < 0 => format!("{} before the call", amount(m)),
        (TimingAnchor::Call, m) => format!("{} after the call starts", amount(m)),
        (TimingAnchor::NoShow, m) => format!("{} after a no-show", amount(m)),
    };
    match timing.min_lead_time_hours {
        Some(hours) => format!("{when} (only when booked at least {hours} h ahead)"),
        None => when,
    }
}

fn markdown(
    client: &ClientProfile,
    stages: &[StageContent],
    errors: &[analyze::FileError],
) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Nurture content for {}\n", client.name);
    for stage in stages {
        let set = &stage.content;
        let _ = writeln!(
            out,
            "## {}-aware prospects ({} calls)\n",
            title(stage.stage),
            stage.prospects
        );
        let _ = writeln!(out, "### E-mail sequence\n");
        for email in &set.emails {
            let _ = writeln!(out, "#### Sent {}\n", describe(&email.timing));
            for (index, subject) in email.subjects.iter().enumerate() {
                let label = if index == 0 {
                    "Subject (control)".to_owned()
                } else {
                    format!("Subject variant {}", index + 1)
                };
                let _ = writeln!(out, "- {label}: {}", subject.text);
            }
            let _ = writeln!(out, "- Preview text: {}\n", email.preheader);
            for line in email.body.lines() {
                let _ = writeln!(out, "> {line}");
            }
            out.push('\n');
        }
        let _ = writeln!(out, "### SMS reminders\n");
        for sms in &set.sms {
            let _ = writeln!(
                out,
                "- Sent {} ({} segment{}, {:?}): {}",
                describe(&sms.timing),
                sms.length.segments,
                if sms.length.segments == 1 { "" } else { "s" },
                sms.length.encoding,
                sms.text
            );
        }
        let _ = writeln!(
            out,
            "\n### Deck outline (paste into Gamma)\n\n```markdown\n{}\n```\n",
            set.deck.markdown.trim_end()
        );
        if !set.hooks.is_empty() {
            let _ = writeln!(out, "### Where the words come from\n");
            for hook in &set.hooks {
                let at = hook.quote.start_ms.map(timestamp).unwrap_or_default();
                let _ = writeln!(
                    out,
                    "- \"{}\" ← {}{}: \"{}\"",
                    hook.text,
                    hook.quote.transcript,
                    at,
                    hook.quote.text.trim()
                );
            }
            out.push('\n');
        }
        if !stage.lint.is_empty() {
            let _ = writeln!(out, "### Lint\n");
            for finding in &stage.lint {
                let _ = writeln!(out, "- {:?}: {}", finding.severity, finding.message);
            }
            out.push('\n');
        }
        for note in &set.notes {
            let _ = writeln!(out, "_Note: {note}_\n");
        }
    }
    if !errors.is_empty() {
        let _ = writeln!(out, "## Files that could not be read\n");
        for error in errors {
            let _ = writeln!(out, "- {}: {}", error.file, error.error);
        }
    }
    out
}

fn title(level: AwarenessLevel) -> &'static str {
    match level {
        AwarenessLevel::Problem => "Problem",
        AwarenessLevel::Solution => "Solution",
        AwarenessLevel::Product => "Product",
    }
}

fn timestamp(ms: u64) -> String {
    let seconds = ms / 1000;
    format!(" at {}:{:02}", seconds / 60, seconds % 60)
}
