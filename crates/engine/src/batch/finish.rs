//! From a partial to the report an agency owner reads.

use super::phrases::{self, QuoteFinder};
use super::recommend;
use super::{BatchPartial, ItemPartial, OUTCOMES, best_quotes, stage_index};
use crate::evidence::Quote;
use crate::insights::{ObjectionClass, SignalKind, is_generic_alternative};
use crate::transcript::{AwarenessLevel, Outcome};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Parameters of the batch report. `{}` is a valid config.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct BatchConfig {
    /// α₀ of the informative Dirichlet prior in Fightin' Words (methods §2.4: 500–1000).
    pub alpha0: f64,
    /// Minimum prospects using a phrase for it to recur; `None`: 3, or 2 below 20 transcripts.
    pub min_prospects: Option<u32>,
    /// Minimum prospects (both outcome groups together) for an outcome phrase of 1–2 words;
    /// phrases of 3 or more words need [`Self::min_prospects_long`].
    pub min_outcome_prospects: u32,
    pub min_prospects_long: u32,
    /// Cohesion (NPMI) a recurring phrase needs (methods §2.3: 0.3).
    pub min_cohesion: f64,
    /// Items per list in a segment profile.
    pub top_items: usize,
    /// Recurring phrases per segment.
    pub top_phrases: usize,
    /// Outcome phrases per direction and comparison.
    pub top_outcome_phrases: usize,
    /// Outcome phrases with a smaller |z| are noise, not worth showing.
    pub min_outcome_z: f64,
    /// Quotes per item.
    pub quotes_per_item: usize,
}

impl Default for BatchConfig {
    fn default() -> Self {
        BatchConfig {
            alpha0: 500.0,
            min_prospects: None,
            min_outcome_prospects: 3,
            min_prospects_long: 5,
            min_cohesion: 0.3,
            top_items: 8,
            top_phrases: 15,
            top_outcome_phrases: 15,
            min_outcome_z: 1.0,
            quotes_per_item: 3,
        }
    }
}

impl BatchConfig {
    /// The recurring-phrase threshold for a set of `transcripts`.
    pub fn min_prospects_for(&self, transcripts: u32) -> u32 {
        self.min_prospects
            .unwrap_or(if transcripts < 20 { 2 } else { 3 })
    }
}

/// One stage in the awareness distribution.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StageShare {
    pub level: AwarenessLevel,
    pub prospects: u32,
    /// Share of all transcripts (0..=1).
    pub share: f64,
    pub mean_confidence: f64,
    /// Of which flagged unaware (problem) or most aware (product).
    pub unaware: u32,
    pub most_aware: u32,
}

/// A finding in a segment profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProfileItem {
    /// The most common surface form.
    pub phrase: String,
    /// Prospects who said it.
    pub prospects: u32,
    pub mentions: u32,
    pub quotes: Vec<Quote>,
}

/// An objection class in a segment profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObjectionItem {
    pub class: ObjectionClass,
    /// Share of the segment's prospects who raised it.
    pub share: f64,
    #[serde(flatten)]
    pub item: ProfileItem,
}

/// A buying-signal kind in a segment profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignalItem {
    pub kind: SignalKind,
    #[serde(flatten)]
    pub item: ProfileItem,
}

/// A phrase the segment's prospects keep using.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecurringPhrase {
    pub phrase: String,
    /// Prospects of the segment who used it (its most common variant).
    pub prospects: u32,
    /// Uses by all prospects.
    pub mentions: u64,
    /// NPMI cohesion (or, for one-content-word phrases, the share of that word's uses).
    pub cohesion: f64,
    /// Merged variants ("lost leads" for "losing leads").
    pub variants: Vec<String>,
    pub quotes: Vec<Quote>,
}

/// Everything about one awareness stage's prospects.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SegmentProfile {
    pub level: AwarenessLevel,
    pub prospects: u32,
    pub share: f64,
    /// Outcomes of the segment's calls.
    pub outcomes: BTreeMap<Outcome, u32>,
    /// Showed (showed, closed or lost) / (that + no-shows), when any outcome is known.
    pub show_rate: Option<f64>,
    pub pains: Vec<ProfileItem>,
    pub desires: Vec<ProfileItem>,
    pub objections: Vec<ObjectionItem>,
    pub buying_signals: Vec<SignalItem>,
    pub competitors: Vec<ProfileItem>,
    /// The prospects' own recurring language.
    pub phrases: Vec<RecurringPhrase>,
}

/// A phrase that separates two outcome groups (Fightin' Words, methods §2.4).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutcomePhrase {
    /// Group a ("showed" or "closed") and group b ("no_show" or "lost").
    pub a: String,
    pub b: String,
    pub phrase: String,
    /// z-score of the log-odds difference: positive favours `a`. A ranking, not a test.
    pub z: f64,
    pub prospects_a: u32,
    pub prospects_b: u32,
    /// Quotes from the favoured group.
    pub quotes: Vec<Quote>,
}

/// A plain-language recommendation with the quotes it rests on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recommendation {
    pub text: String,
    pub quotes: Vec<Quote>,
}

/// The batch report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchReport {
    pub transcripts: u32,
    pub awareness_distribution: Vec<StageShare>,
    pub outcome_counts: BTreeMap<Outcome, u32>,
    pub segments: Vec<SegmentProfile>,
    pub outcome_phrases: Vec<OutcomePhrase>,
    pub recommendations: Vec<Recommendation>,
}

/// The most used surface form (ties: the alphabetically first).
pub(super) fn most_common(surfaces: &BTreeMap<String, u32>) -> String {
    surfaces
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
        .map(|(s, _)| s.clone())
        .unwrap_or_default()
}

fn profile_item(item: &ItemPartial, config: &BatchConfig) -> ProfileItem {
    ProfileItem {
        phrase: most_common(&item.surfaces),
        prospects: item.prospects,
        mentions: item.mentions,
        quotes: best_quotes(item.quotes.clone(), config.quotes_per_item),
    }
}

/// Top items by prospects, then mentions, then key.
fn top<'a, K: Ord + 'a>(
    items: &'a BTreeMap<K, ItemPartial>,
    n: usize,
) -> Vec<(&'a K, &'a ItemPartial)> {
    let mut ranked: Vec<(&K, &ItemPartial)> = items.iter().collect();
    ranked.sort_by(|a, b| {
        b.1.prospects
            .cmp(&a.1.prospects)
            .then(b.1.mentions.cmp(&a.1.mentions))
            .then(a.0.cmp(b.0))
    });
    ranked.truncate(n);
    ranked
}

/// The top `n` competitors and alternatives, named competitors before generic categories
/// ("agency"), so a named one is never crowded out.
fn named_first(items: &BTreeMap<String, ItemPartial>, n: usize) -> Vec<(&String, &ItemPartial)> {
    let mut ranked = top(items, items.len());
    // Stable: the ranking holds within each group.
    ranked.sort_by_key(|(name, _)| is_generic_alternative(name));
    ranked.truncate(n);
    ranked
}

/// Turns a partial into the report.
pub fn finish(partial: &BatchPartial, config: &BatchConfig) -> BatchReport {
    let total = partial.transcripts.len() as u32;
    let share = |n: u32| {
        if total == 0 {
            0.0
        } else {
            round4(n as f64 / total as f64)
        }
    };
    let mut outcome_counts: BTreeMap<Outcome, u32> = BTreeMap::new();
    let mut per_stage = [(0u32, 0u64, 0u32, 0u32); 3];
    let mut stage_outcomes: [BTreeMap<Outcome, u32>; 3] = Default::default();
    for digest in partial.transcripts.values() {
        let s = stage_index(digest.stage);
        per_stage[s].0 += 1;
        per_stage[s].1 += u64::from(digest.confidence_milli);
        per_stage[s].2 += u32::from(digest.unaware);
        per_stage[s].3 += u32::from(digest.most_aware);
        *outcome_counts.entry(digest.outcome).or_default() += 1;
        *stage_outcomes[s].entry(digest.outcome).or_default() += 1;
    }
    let awareness_distribution = AwarenessLevel::ALL
        .iter()
        .map(|&level| {
            let (prospects, confidence, unaware, most_aware) = per_stage[stage_index(level)];
            StageShare {
                level,
                prospects,
                share: share(prospects),
                mean_confidence: if prospects == 0 {
                    0.0
                } else {
                    round4(confidence as f64 / 1000.0 / prospects as f64)
                },
                unaware,
                most_aware,
            }
        })
        .collect();

    let finder = QuoteFinder::new(partial);
    let recurring = phrases::recurring(partial, config, &finder);
    let segments: Vec<SegmentProfile> = AwarenessLevel::ALL
        .iter()
        .zip(recurring)
        .map(|(&level, phrases)| {
            let s = stage_index(level);
            let segment = &partial.segments[s];
            let prospects = per_stage[s].0;
            let outcomes = stage_outcomes[s].clone();
            let showed: u32 = [Outcome::Showed, Outcome::Closed, Outcome::Lost]
                .iter()
                .map(|o| outcomes.get(o).copied().unwrap_or(0))
                .sum();
            let no_show = outcomes.get(&Outcome::NoShow).copied().unwrap_or(0);
            SegmentProfile {
                level,
                prospects,
                share: share(prospects),
                show_rate: (showed + no_show > 0)
                    .then(|| round4(showed as f64 / (showed + no_show) as f64)),
                outcomes,
                pains: top(&segment.pains, config.top_items)
                    .into_iter()
                    .map(|(_, i)| profile_item(i, config))
                    .collect(),
                desires: top(&segment.desires, config.top_items)
                    .into_iter()
                    .map(|(_, i)| profile_item(i, config))
                    .collect(),
                objections: top(&segment.objections, ObjectionClass::ALL.len())
                    .into_iter()
                    .map(|(&class, item)| ObjectionItem {
                        class,
                        share: if prospects == 0 {
                            0.0
                        } else {
                            round4(item.prospects as f64 / prospects as f64)
                        },
                        item: profile_item(item, config),
                    })
                    .collect(),
                buying_signals: top(&segment.buying_signals, 4)
                    .into_iter()
                    .map(|(&kind, item)| SignalItem {
                        kind,
                        item: profile_item(item, config),
                    })
                    .collect(),
                competitors: named_first(&segment.competitors, config.top_items)
                    .into_iter()
                    .map(|(name, item)| ProfileItem {
                        phrase: name.clone(),
                        ..profile_item(item, config)
                    })
                    .collect(),
                phrases,
            }
        })
        .collect();
    let outcome_phrases = phrases::outcome_phrases(partial, config, &finder);
    let mut report = BatchReport {
        transcripts: total,
        awareness_distribution,
        outcome_counts: OUTCOMES
            .iter()
            .filter_map(|o| outcome_counts.get(o).map(|&n| (*o, n)))
            .collect(),
        segments,
        outcome_phrases,
        recommendations: Vec::new(),
    };
    report.recommendations = recommend::recommendations(&report);
    report
}

/// Rounds shares and rates to 4 decimals (what people see; keeps JSON short).
pub(crate) fn round4(value: f64) -> f64 {
    (value * 10_000.0).round() / 10_000.0
}
