//! Database rows as PostgREST returns them (`public.clients`, `public.transcripts`) and how they
//! become engine inputs. The Edge Functions pass rows through untouched, so the mapping (which
//! column wins over what the file said, which roles a user corrected) lives here, tested.

use crate::error::{Error, ErrorKind, Result};
use engine::generate::{ClientProfile, LearnedPattern, LearnedPatterns};
use engine::insights::AnalysisConfig;
use engine::roles::RoleHints;
use engine::transcript::{AwarenessLevel, Outcome, Role, Transcript};
use serde::Deserialize;
use std::collections::BTreeMap;

/// The columns of `public.clients` the analysis and generation use. Unknown columns are
/// ignored, missing ones default, so `select=*` and narrower selects both work.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct ClientRow {
    pub name: String,
    pub industry: Option<String>,
    pub offer: Option<String>,
    pub price_min_cents: Option<i64>,
    pub price_max_cents: Option<i64>,
    pub currency: Option<String>,
    pub competitors: Vec<String>,
    pub banned_words: Vec<String>,
    /// Extra analysis settings (category nouns, rep roster, extra phrases, stage parameters):
    /// not a column today; callers may send them alongside the row.
    pub analysis: AnalysisConfig,
}

impl ClientRow {
    /// The analysis config: the extra settings plus the client's competitors and its name as
    /// a brand (a prospect naming the business is a product-aware cue).
    pub fn analysis_config(&self) -> AnalysisConfig {
        let mut config = self.analysis.clone();
        config.competitors.extend(non_empty(&self.competitors));
        let name = self.name.trim();
        if !name.is_empty() && !config.brand_names.iter().any(|b| b == name) {
            config.brand_names.push(name.to_owned());
        }
        config
    }

    /// The profile generation writes for. A client whose offer is not filled in yet gets
    /// [`FALLBACK_OFFER`] (see [`ClientRow::missing_offer`]).
    pub fn profile(&self) -> ClientProfile {
        ClientProfile {
            name: self.name.trim().to_owned(),
            industry: self.industry.clone().unwrap_or_default(),
            offer: match self.offer.as_deref().map(str::trim) {
                Some(offer) if !offer.is_empty() => offer.to_owned(),
                _ => FALLBACK_OFFER.to_owned(),
            },
            price_range: price_range(
                self.price_min_cents,
                self.price_max_cents,
                self.currency.as_deref().unwrap_or("usd"),
            ),
            banned_words: non_empty(&self.banned_words),
            ..ClientProfile::default()
        }
    }
}

/// What copy calls the offer ("our services") while the client's offer is not filled in.
pub const FALLBACK_OFFER: &str = "services";

impl ClientRow {
    /// A note for drafts written without the client's offer, or `None`.
    pub fn missing_offer(&self) -> Option<String> {
        self.offer
            .as_deref()
            .is_none_or(|offer| offer.trim().is_empty())
            .then(|| {
                format!(
                    "The client's offer is not filled in, so the copy says \"our {FALLBACK_OFFER}\": add the offer to the client profile and generate again."
                )
            })
    }
}

fn non_empty(list: &[String]) -> Vec<String> {
    list.iter()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

/// "$2,000–$4,000" (or "from $2,000", "up to $4,000", "2,000–4,000 EUR"); `None` without a price.
fn price_range(min_cents: Option<i64>, max_cents: Option<i64>, currency: &str) -> Option<String> {
    let amount = |cents: i64| {
        let units = cents.max(0) / 100;
        let digits = units.to_string();
        let mut grouped = String::new();
        for (i, digit) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(digit);
        }
        if currency.eq_ignore_ascii_case("usd") {
            format!("${grouped}")
        } else {
            grouped
        }
    };
    let suffix = if currency.eq_ignore_ascii_case("usd") {
        String::new()
    } else {
        format!(" {}", currency.to_ascii_uppercase())
    };
    let text = match (min_cents, max_cents) {
        (Some(min), Some(max)) if min == max => amount(min),
        (Some(min), Some(max)) => format!("{}–{}", amount(min), amount(max)),
        (Some(min), None) => format!("from {}", amount(min)),
        (None, Some(max)) => format!("up to {}", amount(max)),
        (None, None) => return None,
    };
    Some(format!("{text}{suffix}"))
}

/// One entry of `transcripts.speakers`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SpeakerRow {
    pub name: String,
    #[serde(default)]
    pub role: Role,
    #[serde(default)]
    pub corrected_by_user: bool,
}

/// The columns of `public.transcripts` the analysis uses.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct TranscriptRow {
    pub id: String,
    #[serde(default)]
    pub file_name: Option<String>,
    /// The canonical transcript (engine `Transcript` as JSON), kept as a value so one bad row
    /// is reported by id instead of failing the whole input.
    #[serde(default)]
    pub canonical: serde_json::Value,
    #[serde(default)]
    pub speakers: Vec<SpeakerRow>,
    #[serde(default)]
    pub outcome: Option<Outcome>,
    #[serde(default)]
    pub call_date: Option<String>,
    #[serde(default)]
    pub rep_name: Option<String>,
    #[serde(default)]
    pub prospect_name: Option<String>,
}

impl TranscriptRow {
    /// The transcript to analyze and the role hints: the canonical transcript with the row's
    /// columns (which users edit) over what the file said, and the roles users corrected.
    pub fn to_engine(&self) -> Result<(Transcript, RoleHints)> {
        let mut transcript = Transcript::deserialize(&self.canonical).map_err(|e| {
            let name = self
                .file_name
                .as_deref()
                .map(|name| format!(" ({name})"))
                .unwrap_or_default();
            let mut error = Error::new(
                ErrorKind::InvalidTranscript,
                format!(
                    "transcript {}{name} has no usable canonical transcript: {e}; parse the file again",
                    self.id
                ),
            );
            error.transcript_ids.push(self.id.clone());
            error
        })?;
        let metadata = &mut transcript.metadata;
        if let Some(outcome) = self.outcome.filter(|o| *o != Outcome::Unknown) {
            metadata.outcome = outcome;
        }
        for (column, field) in [
            (&self.call_date, &mut metadata.date),
            (&self.rep_name, &mut metadata.rep),
            (&self.prospect_name, &mut metadata.prospect),
        ] {
            if let Some(value) = column.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
                *field = Some(value.to_owned());
            }
        }
        let hints = RoleHints {
            user_roles: self
                .speakers
                .iter()
                .filter(|speaker| speaker.corrected_by_user && speaker.role != Role::Unknown)
                .map(|speaker| (speaker.name.clone(), speaker.role))
                .collect(),
            ..RoleHints::default()
        };
        Ok((transcript, hints))
    }
}

/// A row of `public.successful_patterns` (the anonymised cross-agency library).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct PatternRow {
    pub id: String,
    pub awareness_level: AwarenessLevel,
    pub pattern_type: String,
    pub template: String,
    pub show_rate_estimate: f64,
    pub show_rate_low: f64,
}

/// Library patterns used per kind and stage: the best few, so generation stays bounded.
pub const PATTERNS_PER_KIND: usize = 5;

/// Learned patterns per stage from library rows, best estimate first: subject lines and hooks
/// (what generation takes from the library; the other types are for other channels).
pub fn learned_from_rows(rows: &[PatternRow]) -> BTreeMap<AwarenessLevel, LearnedPatterns> {
    let mut sorted: Vec<&PatternRow> = rows.iter().collect();
    sorted.sort_by(|a, b| b.show_rate_estimate.total_cmp(&a.show_rate_estimate));
    let mut learned: BTreeMap<AwarenessLevel, LearnedPatterns> = BTreeMap::new();
    for row in sorted {
        // The type first: a stage whose rows are all of other types gets no (empty) entry.
        let list: fn(&mut LearnedPatterns) -> &mut Vec<LearnedPattern> =
            match row.pattern_type.as_str() {
                "subject_line" => |stage| &mut stage.subject_lines,
                "hook" => |stage| &mut stage.hooks,
                _ => continue,
            };
        let kind = list(learned.entry(row.awareness_level).or_default());
        if kind.len() < PATTERNS_PER_KIND {
            kind.push(LearnedPattern {
                id: row.id.clone(),
                text: row.template.clone(),
                step: None,
                objection_class: None,
                posterior_mean: Some(row.show_rate_estimate),
                lower_bound: Some(row.show_rate_low),
            });
        }
    }
    learned
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn formats_price_ranges_for_copy() {
        assert_eq!(
            price_range(Some(200_000), Some(400_000), "usd").as_deref(),
            Some("$2,000–$4,000")
        );
        assert_eq!(
            price_range(Some(99_900), None, "usd").as_deref(),
            Some("from $999")
        );
        assert_eq!(
            price_range(None, Some(150_000_000), "eur").as_deref(),
            Some("up to 1,500,000 EUR")
        );
        assert_eq!(
            price_range(Some(5_000), Some(5_000), "usd").as_deref(),
            Some("$50")
        );
        assert_eq!(price_range(None, None, "usd"), None);
    }

    #[test]
    fn client_row_gives_config_and_profile() {
        let row: ClientRow = serde_json::from_value(json!({
            "id": "c1", "name": " Brightside Dental ", "industry": "dental clinics",
            "competitors": ["SmileCo", " "], "banned_words": ["cheap"],
            "price_min_cents": 200000, "price_max_cents": 400000, "currency": "usd",
            "analysis": {"category_nouns": ["aligners"]}
        }))
        .unwrap();
        let config = row.analysis_config();
        assert_eq!(config.competitors, ["SmileCo"]);
        assert_eq!(config.brand_names, ["Brightside Dental"]);
        assert_eq!(config.category_nouns, ["aligners"]);
        let profile = row.profile();
        assert_eq!(profile.name, "Brightside Dental");
        assert_eq!(profile.banned_words, ["cheap"]);
        assert_eq!(profile.price_range.as_deref(), Some("$2,000–$4,000"));
    }

    #[test]
    fn columns_users_edit_win_over_the_file() {
        let row: TranscriptRow = serde_json::from_value(json!({
            "id": "t1",
            "canonical": {
                "format": "speaker_text",
                "speakers": [{"name": "Dana", "role": "unknown", "confidence": 0.0}],
                "turns": [{"speaker": "Dana", "role": "unknown", "start_ms": null, "end_ms": null, "text": "hi"}],
                "metadata": {"date": "2025-01-01", "rep": null, "prospect": null, "outcome": "showed", "duration_ms": null}
            },
            "speakers": [
                {"name": "Dana", "role": "rep", "confidence": 1, "corrected_by_user": true},
                {"name": "Sam", "role": "prospect", "confidence": 0.7, "corrected_by_user": false}
            ],
            "outcome": "no_show", "call_date": "2025-02-03", "rep_name": "Dana", "prospect_name": " "
        }))
        .unwrap();
        let (transcript, hints) = row.to_engine().unwrap();
        assert_eq!(transcript.metadata.outcome, Outcome::NoShow);
        assert_eq!(transcript.metadata.date.as_deref(), Some("2025-02-03"));
        assert_eq!(transcript.metadata.rep.as_deref(), Some("Dana"));
        assert_eq!(transcript.metadata.prospect, None);
        assert_eq!(hints.user_roles.len(), 1);
        assert_eq!(hints.user_roles["Dana"], Role::Rep);
    }

    #[test]
    fn unknown_outcome_column_keeps_the_files_outcome() {
        let row: TranscriptRow = serde_json::from_value(json!({
            "id": "t1", "outcome": "unknown",
            "canonical": {"format": "unlabeled", "speakers": [], "turns": [],
                          "metadata": {"outcome": "closed"}}
        }))
        .unwrap();
        assert_eq!(row.to_engine().unwrap().0.metadata.outcome, Outcome::Closed);
    }

    #[test]
    fn a_bad_canonical_transcript_is_named_in_the_error() {
        let row: TranscriptRow = serde_json::from_value(json!({
            "id": "t9", "file_name": "call.vtt", "canonical": {"format": "speaker_text", "turns": "nope"}
        }))
        .unwrap();
        let error = row.to_engine().unwrap_err();
        assert_eq!(error.kind, ErrorKind::InvalidTranscript);
        assert_eq!(error.transcript_ids, ["t9"]);
        assert!(
            error
                .message
                .starts_with("transcript t9 (call.vtt) has no usable canonical transcript"),
            "{}",
            error.message
        );
    }

    #[test]
    fn library_rows_become_the_best_few_patterns_per_stage() {
        let rows: Vec<PatternRow> = (0..8)
            .map(|i| {
                serde_json::from_value(json!({
                    "id": format!("p{i}"), "industry": "dental clinics",
                    "awareness_level": if i % 2 == 0 { "problem" } else { "product" },
                    "pattern_type": if i < 7 { "subject_line" } else { "sms" },
                    "template": format!("Pattern {i} for {{{{first_name}}}}"),
                    "agency_count": 3, "trials": 40, "successes": 20 + i,
                    "show_rate_estimate": 0.5 + f64::from(i) / 100.0, "show_rate_low": 0.4
                }))
                .unwrap()
            })
            .collect();
        let learned = learned_from_rows(&rows);
        let problem = &learned[&AwarenessLevel::Problem];
        let ids: Vec<&str> = problem
            .subject_lines
            .iter()
            .map(|p| p.id.as_str())
            .collect();
        assert_eq!(ids, ["p6", "p4", "p2", "p0"], "best first");
        assert_eq!(problem.subject_lines[0].posterior_mean, Some(0.56));
        assert!(problem.hooks.is_empty());
        let product = &learned[&AwarenessLevel::Product];
        assert_eq!(
            product.subject_lines.len(),
            3,
            "the sms pattern is not a subject line"
        );
        assert!(!learned.contains_key(&AwarenessLevel::Solution));
    }
}
