//! The per-client analysis configuration: what an agency tells us about a client (competitors,
//! brand and offer names, category nouns, rep roster) and the tunable parameters.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Everything the analysis of one client's calls can be told. Every field has a default, so
/// `{}` is a valid config (JSON from the edge worker or the CLI's flags).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct AnalysisConfig {
    /// Competitor names ("GoHighLevel", "Acme Leads"). Matched exactly and fuzzily: near-miss
    /// spellings of the whole name (speech-to-text typos and splits), never an ordinary word
    /// (`insights::names`).
    pub competitors: Vec<String>,
    /// The client's brand, offer and program names: the strongest product-aware cue, and a rep
    /// cue when said with "our".
    pub brand_names: Vec<String>,
    /// Solution categories for this client's market ("SEO", "bookkeeper", "med spa"): added to
    /// the built-in ones as solution-aware cues and alternative mentions.
    pub category_nouns: Vec<String>,
    /// The client's reps: a speaker with one of these names (full or first name) is a rep.
    pub rep_names: Vec<String>,
    /// E-mail domains of the client's team ("acme.com"): speakers with such an address are reps.
    pub rep_email_domains: Vec<String>,
    /// Extra phrases per lexicon section (`"objection.price": ["too rich for us"]`). Same
    /// syntax as the built-in lexicon, `(a|b)` alternatives included.
    pub extra_phrases: BTreeMap<String, Vec<String>>,
    pub stage: StageParameters,
}

/// Parameters of the stage-of-awareness scorer (methods §3.3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct StageParameters {
    /// θ: share of the weighted cues that must be solution or product cues for a prospect to be
    /// solution-aware (cumulative: product awareness implies solution awareness).
    pub solution_share: f32,
    /// θ: share of the weighted cues that must be product cues for a prospect to be product-aware.
    pub product_share: f32,
    /// τ: weighted cue hits needed before any stage above problem is called (below it: problem,
    /// flagged unaware, low confidence).
    pub min_evidence: f32,
    /// Weighted problem cues below which a problem-level prospect is flagged "unaware".
    pub problem_threshold: f32,
    /// Weight of cues in the second half of the prospect's talk (the rep has educated them by then).
    pub late_factor: f32,
    /// Share of the prospect's talk that counts as the "entry" (the state they arrived in).
    pub entry_share: f32,
    /// λ: how much higher-stage cues count against lower stages (counter-cues).
    pub counter_weight: f32,
    /// Temperature of the logistic confidence: larger means less confident.
    pub temperature: f32,
}

impl Default for StageParameters {
    fn default() -> Self {
        StageParameters {
            // θ and the temperature were fitted on 200 labelled generated calls (seed 1: macro-F1
            // and log loss) and checked on 200 others (seed 2): see crates/engine/tests/analysis.rs.
            solution_share: 0.65,
            product_share: 0.3,
            min_evidence: 2.0,
            problem_threshold: 1.0,
            late_factor: 0.7,
            entry_share: 0.4,
            counter_weight: 0.5,
            temperature: 0.23,
        }
    }
}

/// A config that cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ConfigError {
    #[error(transparent)]
    Lexicon(#[from] crate::text::LexiconError),
    #[error("unknown lexicon section {0:?} in extra_phrases")]
    UnknownSection(String),
    #[error("stage parameter {name} must be a finite number {expected}, got {value}")]
    BadParameter {
        name: &'static str,
        expected: &'static str,
        value: f32,
    },
    #[error("too many entries in {field}: {count} (limit {limit})")]
    TooMany {
        field: &'static str,
        count: usize,
        limit: usize,
    },
}

/// Limits on config lists: a hostile config must not make compilation slow.
pub(crate) const MAX_NAMES: usize = 1_000;

impl StageParameters {
    pub(crate) fn validate(&self) -> Result<(), ConfigError> {
        type Check = (&'static str, f32, &'static str, fn(f32) -> bool);
        let checks: [Check; 8] = [
            ("solution_share", self.solution_share, "in 0..=1", |v| {
                (0.0..=1.0).contains(&v)
            }),
            ("product_share", self.product_share, "in 0..=1", |v| {
                (0.0..=1.0).contains(&v)
            }),
            ("min_evidence", self.min_evidence, "≥ 0", |v| v >= 0.0),
            ("problem_threshold", self.problem_threshold, "≥ 0", |v| {
                v >= 0.0
            }),
            ("late_factor", self.late_factor, "in 0..=1", |v| {
                (0.0..=1.0).contains(&v)
            }),
            ("entry_share", self.entry_share, "in 0..=1", |v| {
                (0.0..=1.0).contains(&v)
            }),
            ("counter_weight", self.counter_weight, "≥ 0", |v| v >= 0.0),
            ("temperature", self.temperature, "> 0", |v| v > 0.0),
        ];
        for (name, value, expected, ok) in checks {
            if !value.is_finite() || !ok(value) {
                return Err(ConfigError::BadParameter {
                    name,
                    expected,
                    value,
                });
            }
        }
        Ok(())
    }
}
