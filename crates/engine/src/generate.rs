//! Nurture content per awareness stage: an e-mail sequence timed relative to the call, SMS
//! reminders and a pre-call deck outline, written from the stage's own evidence (every hook links
//! to its quote), from templates an agency can override, and checked by a content lint.
//!
//! - Input: [`ContentBrief`] (client profile, stage, the stage's evidence, learned patterns).
//! - Output: [`ContentSet`]: see [`generate`] and [`generate_with`].
//! - Templates: [`TemplateSet::builtin`] and [`TemplateSet::with_override`] (a JSON merge patch).
//! - Lint: [`lint()`], [`lint_piece`], [`lint_text`] (the web editor lints user edits with these).
//!
//! Same brief, templates and seed → same content, natively and as wasm.

mod brief;
mod compose;
mod content;
mod evidence;
mod lint;
mod phrase;
pub mod sms;
pub mod syntax;
mod templates;

use std::collections::BTreeMap;

pub use brief::{
    ClientProfile, ContentBrief, EvidenceItem, LearnedPattern, LearnedPatterns, ObjectionClass,
    ObjectionEvidence, StageEvidence,
};
pub use content::{
    Channel, ContentSet, Deck, Email, Field, Hook, HookKind, Location, PatternKind, PatternUse,
    Slide, Sms, Step, SubjectLine, Timing, TimingAnchor,
};
pub use lint::{
    ContentPiece, LintFinding, LintOptions, LintRule, OPT_OUT_LINE, Severity, has_opt_out, lint,
    lint_piece, lint_text,
};
pub use templates::{
    Alternatives, DeckTemplate, EmailTemplate, SlideTemplate, StageTemplates, TemplateError,
    TemplateProblem, TemplateSet,
};

/// Why content could not be generated.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GenerateError {
    #[error(transparent)]
    Templates(#[from] TemplateError),
    #[error("the brief cannot be used: {0}")]
    Brief(String),
}

/// Generates the content set for a brief with the built-in templates.
pub fn generate(brief: &ContentBrief, seed: u64) -> Result<ContentSet, GenerateError> {
    generate_with(brief, TemplateSet::builtin()?, seed)
}

/// Generates the content set for a brief with the given templates (validated first: nothing is
/// generated from a broken template set).
pub fn generate_with(
    brief: &ContentBrief,
    templates: &TemplateSet,
    seed: u64,
) -> Result<ContentSet, GenerateError> {
    let problems = templates.validate();
    if !problems.is_empty() {
        return Err(TemplateError::Invalid(problems).into());
    }
    Ok(compose::Composer::new(brief, templates, seed)?.compose(seed))
}

/// The text with its merge fields filled: from `values`, else from the examples in
/// [`syntax::MERGE_FIELDS`]; unknown fields and malformed syntax are left as written.
pub fn preview(text: &str, values: &BTreeMap<String, String>) -> String {
    let (tokens, _) = syntax::tokenize(text);
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for token in tokens {
        let (start, end, name) = match token {
            syntax::Token::Merge { name, start, end } => (start, end, name),
            _ => continue,
        };
        let value = values
            .get(name)
            .map(String::as_str)
            .or_else(|| syntax::merge_field(name).map(|f| f.example));
        if let Some(value) = value {
            out.push_str(&text[at..start]);
            out.push_str(value);
            at = end;
        }
    }
    out.push_str(&text[at..]);
    out
}

/// A readable markdown rendering of a content set, for review (the CLI prints it, the snapshot
/// tests compare it).
pub fn render_markdown(set: &ContentSet) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Nurture content: {} aware (seed {})\n",
        set.stage.as_str(),
        set.seed
    );
    for note in &set.notes {
        let _ = writeln!(out, "> Note: {note}\n");
    }
    for email in &set.emails {
        let _ = writeln!(
            out,
            "## E-mail: {} ({})\n",
            email.step.as_str(),
            describe_timing(email.timing)
        );
        for (i, subject) in email.subjects.iter().enumerate() {
            let _ = writeln!(
                out,
                "Subject {}: {}  `{}`",
                i + 1,
                subject.text,
                subject.pattern_id
            );
        }
        let _ = writeln!(out, "Preheader: {}\n", email.preheader);
        let _ = writeln!(out, "{}\n", email.body);
    }
    for message in &set.sms {
        let _ = writeln!(
            out,
            "## SMS: {} ({}; {} segment(s), {:?})\n\n{}\n",
            message.step.as_str(),
            describe_timing(message.timing),
            message.length.segments,
            message.length.encoding,
            message.text
        );
    }
    let _ = writeln!(out, "## Deck outline\n\n{}", set.deck.markdown);
    let _ = writeln!(out, "## Hooks (evidence used, with its quote)\n");
    for hook in &set.hooks {
        let places: Vec<String> = hook.used_in.iter().map(describe_location).collect();
        let _ = writeln!(
            out,
            "- {:?} \"{}\" ← \"{}\" ({} turn {}) in {}",
            hook.kind,
            hook.text,
            hook.quote.text,
            hook.quote.transcript,
            hook.quote.turn_index,
            places.join(", ")
        );
    }
    let learned: Vec<&PatternUse> = set.patterns_used.iter().filter(|p| p.learned).collect();
    if !learned.is_empty() {
        let _ = writeln!(out, "\n## Learned patterns used\n");
        for pattern in learned {
            let _ = writeln!(
                out,
                "- {:?} `{}` in {}",
                pattern.kind,
                pattern.pattern_id,
                describe_location(&pattern.location)
            );
        }
    }
    out
}

fn describe_timing(timing: Timing) -> String {
    let minutes = timing.offset_minutes;
    let amount = if minutes.abs() >= 60 && minutes % 60 == 0 {
        format!("{} h", minutes.abs() / 60)
    } else {
        format!("{} min", minutes.abs())
    };
    let relation = match (timing.anchor, minutes.signum()) {
        (TimingAnchor::Booking, 0) => "at booking".to_owned(),
        (TimingAnchor::Booking, _) => format!("{amount} after booking"),
        (TimingAnchor::Call, -1) => format!("{amount} before the call"),
        (TimingAnchor::Call, _) => format!("{amount} after the call starts"),
        (TimingAnchor::NoShow, _) => format!("{amount} after a no-show"),
    };
    match timing.min_lead_time_hours {
        Some(hours) => format!("{relation}, if the call is at least {hours} h out"),
        None => relation,
    }
}

fn describe_location(location: &Location) -> String {
    let step = location
        .step
        .map(|s| format!(" {}", s.as_str()))
        .unwrap_or_default();
    let index = match (location.index, location.bullet) {
        (Some(i), Some(b)) => format!(" {}.{}", i + 1, b + 1),
        (Some(i), None) => format!(" {}", i + 1),
        _ => String::new(),
    };
    format!("{:?}{step} {:?}{index}", location.channel, location.field).to_lowercase()
}
