//! Batch analysis of one client's calls: the awareness distribution, one profile per stage,
//! phrases that separate outcomes, and plain-language recommendations (methods §2.3, §2.4).
//!
//! Work is split so Edge Functions can analyse ~100 transcripts per call:
//! [`BatchPartial::from_insights`] summarises a slice of transcripts, [`merge`] combines two
//! partials, [`finish`] turns a partial into a [`BatchReport`]. Partials hold only integer counts,
//! sets and deterministically chosen quotes in ordered maps, so merging is associative and
//! commutative and `finish(merge(a, b)) == finish(from_insights(all))` exactly. Partials
//! serialise to compact, deterministic JSON.

mod brief;
mod finish;
mod phrases;
mod recommend;

pub use finish::{
    BatchConfig, BatchReport, ObjectionItem, OutcomePhrase, ProfileItem, Recommendation,
    RecurringPhrase, SegmentProfile, SignalItem, StageShare, finish,
};

use crate::evidence::Quote;
use crate::insights::{ObjectionClass, SignalKind, TranscriptInsights};
use crate::transcript::{AwarenessLevel, Outcome};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The partial format version; partials of different versions do not merge.
pub const PARTIAL_VERSION: u32 = 1;
/// Quotes kept per item (pain, objection class, phrase cell …) in a partial.
pub const QUOTES_PER_ITEM: usize = 5;

/// Why two partials cannot be merged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MergeError {
    #[error("transcript {0:?} is in both partials (each transcript must be counted once)")]
    Overlap(String),
    #[error("partial format version {found} cannot be merged with version {expected}")]
    Version { expected: u32, found: u32 },
}

/// What the batch keeps of one transcript.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TranscriptDigest {
    pub stage: AwarenessLevel,
    /// Confidence in thousandths (integers keep merging exact).
    pub confidence_milli: u16,
    pub outcome: Outcome,
    #[serde(default, skip_serializing_if = "is_false")]
    pub unaware: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub most_aware: bool,
}

fn is_false(value: &bool) -> bool {
    !value
}

/// Counts and quotes for one finding (a pain key, an objection class, …) within a stage.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ItemPartial {
    /// Transcripts (prospects) with the finding.
    pub prospects: u32,
    /// Total mentions.
    pub mentions: u32,
    /// Surface forms and how many prospects used each.
    pub surfaces: BTreeMap<String, u32>,
    /// The best [`QUOTES_PER_ITEM`] quotes by [`quote_rank`], one per transcript.
    pub quotes: Vec<Quote>,
}

/// Findings of one stage's transcripts.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SegmentPartial {
    pub pains: BTreeMap<String, ItemPartial>,
    pub desires: BTreeMap<String, ItemPartial>,
    pub objections: BTreeMap<ObjectionClass, ItemPartial>,
    pub buying_signals: BTreeMap<SignalKind, ItemPartial>,
    pub competitors: BTreeMap<String, ItemPartial>,
}

/// Counts of one term (a content word or a phrase) over the batch.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TermStats {
    /// Occurrences in prospect speech (token level, for cohesion).
    #[serde(rename = "n")]
    pub occurrences: u64,
    /// Document frequency per (stage, outcome) cell: `[stage, outcome, transcripts]`.
    #[serde(rename = "df")]
    pub cells: Vec<(u8, u8, u32)>,
    /// Surface forms and how many transcripts used each.
    #[serde(rename = "s")]
    pub surfaces: BTreeMap<String, u32>,
}

/// A mergeable summary of a slice of one client's analysed transcripts.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct BatchPartial {
    pub version: u32,
    /// Every transcript summarised, by id.
    pub transcripts: BTreeMap<String, TranscriptDigest>,
    /// One segment per stage, in [`AwarenessLevel::ALL`] order.
    pub segments: [SegmentPartial; 3],
    /// Prospect words over all transcripts.
    pub words: u64,
    /// Terms by stem key ("lose lead").
    pub terms: BTreeMap<String, TermStats>,
    /// Stored informative prospect sentences (quote material for phrases), sorted.
    pub sentences: Vec<Quote>,
}

pub(crate) fn stage_index(level: AwarenessLevel) -> usize {
    match level {
        AwarenessLevel::Problem => 0,
        AwarenessLevel::Solution => 1,
        AwarenessLevel::Product => 2,
    }
}

pub(crate) fn outcome_index(outcome: Outcome) -> u8 {
    match outcome {
        Outcome::Showed => 0,
        Outcome::NoShow => 1,
        Outcome::Closed => 2,
        Outcome::Lost => 3,
        Outcome::Unknown => 4,
    }
}

pub(crate) const OUTCOMES: [Outcome; 5] = [
    Outcome::Showed,
    Outcome::NoShow,
    Outcome::Closed,
    Outcome::Lost,
    Outcome::Unknown,
];

/// FNV-1a 64: a fixed hash (identical on every platform and run) for quote ranking.
fn fnv1a(parts: &[&[u8]]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for &byte in *part {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        hash ^= 0xff;
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// The order in which quotes are preferred: quotable length first (6..=40 words), then a fixed
/// pseudo-random order (so quotes spread over transcripts instead of favouring the
/// alphabetically first), then the quote itself as a tie-break. A total order, so "the best k"
/// of a union does not depend on how the union was formed.
pub fn quote_rank(quote: &Quote) -> (u8, u64, &Quote) {
    let words = quote.text.split_whitespace().count();
    let quotable = u8::from(!(6..=40).contains(&words));
    let turn = (quote.turn_index as u64).to_le_bytes();
    (
        quotable,
        fnv1a(&[quote.transcript.as_bytes(), &turn, quote.text.as_bytes()]),
        quote,
    )
}

/// Keeps the best `k` quotes with at most one per transcript.
pub(crate) fn best_quotes(mut quotes: Vec<Quote>, k: usize) -> Vec<Quote> {
    if quotes.len() > 1 {
        let mut ranked: Vec<(u8, u64, Quote)> = quotes
            .into_iter()
            .map(|q| {
                let (quotable, hash, _) = quote_rank(&q);
                (quotable, hash, q)
            })
            .collect();
        ranked.sort_unstable();
        quotes = ranked.into_iter().map(|(_, _, q)| q).collect();
    }
    quotes.dedup();
    let mut kept: Vec<Quote> = Vec::with_capacity(k);
    for quote in quotes {
        if kept.len() == k {
            break;
        }
        if !kept.iter().any(|q| q.transcript == quote.transcript) {
            kept.push(quote);
        }
    }
    kept
}

impl ItemPartial {
    fn merge(&mut self, other: ItemPartial) {
        self.prospects += other.prospects;
        self.mentions += other.mentions;
        for (surface, count) in other.surfaces {
            *self.surfaces.entry(surface).or_default() += count;
        }
        let mut quotes = std::mem::take(&mut self.quotes);
        quotes.extend(other.quotes);
        self.quotes = best_quotes(quotes, QUOTES_PER_ITEM);
    }
}

fn merge_items<K: Ord>(into: &mut BTreeMap<K, ItemPartial>, from: BTreeMap<K, ItemPartial>) {
    for (key, item) in from {
        into.entry(key).or_default().merge(item);
    }
}

impl SegmentPartial {
    fn merge(&mut self, other: SegmentPartial) {
        merge_items(&mut self.pains, other.pains);
        merge_items(&mut self.desires, other.desires);
        merge_items(&mut self.objections, other.objections);
        merge_items(&mut self.buying_signals, other.buying_signals);
        merge_items(&mut self.competitors, other.competitors);
    }
}

/// Adds one transcript's findings of one kind, grouped by key: one prospect per key, every
/// mention counted, the transcript's best quote per key.
fn add_findings<K: Ord + Clone>(
    into: &mut BTreeMap<K, ItemPartial>,
    findings: impl Iterator<Item = (K, String, Quote)>,
) {
    let mut grouped: BTreeMap<K, (u32, BTreeSet<String>, Vec<Quote>)> = BTreeMap::new();
    for (key, surface, quote) in findings {
        let entry = grouped.entry(key).or_default();
        entry.0 += 1;
        entry.1.insert(surface);
        entry.2.push(quote);
    }
    for (key, (mentions, surfaces, quotes)) in grouped {
        let item = into.entry(key).or_default();
        item.merge(ItemPartial {
            prospects: 1,
            mentions,
            // Each surface form counts once per transcript.
            surfaces: surfaces.into_iter().map(|s| (s, 1)).collect(),
            quotes: best_quotes(quotes, 1),
        });
    }
}

impl BatchPartial {
    /// An empty partial (the identity of [`merge`]).
    pub fn empty() -> BatchPartial {
        BatchPartial {
            version: PARTIAL_VERSION,
            ..BatchPartial::default()
        }
    }

    /// Summarises analysed transcripts. Transcript ids must be unique; a repeated id is
    /// counted once (its first occurrence).
    pub fn from_insights(insights: &[TranscriptInsights]) -> BatchPartial {
        let mut partial = BatchPartial::empty();
        for transcript in insights {
            if partial.transcripts.contains_key(&transcript.transcript) {
                continue;
            }
            partial.add(transcript);
        }
        partial.sentences.sort();
        partial.sentences.dedup();
        partial
    }

    fn add(&mut self, insights: &TranscriptInsights) {
        let stage = insights.stage.level;
        let outcome = insights.outcome;
        self.transcripts.insert(
            insights.transcript.clone(),
            TranscriptDigest {
                stage,
                confidence_milli: (insights.stage.confidence.clamp(0.0, 1.0) * 1000.0).round()
                    as u16,
                outcome,
                unaware: insights.stage.unaware,
                most_aware: insights.stage.most_aware,
            },
        );
        let segment = &mut self.segments[stage_index(stage)];
        add_findings(
            &mut segment.pains,
            insights
                .pains
                .iter()
                .map(|m| (m.key.clone(), m.phrase.clone(), m.quote.clone())),
        );
        add_findings(
            &mut segment.desires,
            insights
                .desires
                .iter()
                .map(|m| (m.key.clone(), m.phrase.clone(), m.quote.clone())),
        );
        add_findings(
            &mut segment.objections,
            insights
                .objections
                .iter()
                .map(|o| (o.class, o.cue.clone(), o.quote.clone())),
        );
        add_findings(
            &mut segment.buying_signals,
            insights
                .buying_signals
                .iter()
                .map(|s| (s.kind, s.cue.clone(), s.quote.clone())),
        );
        add_findings(
            &mut segment.competitors,
            insights
                .competitors
                .iter()
                .map(|c| (c.name.clone(), c.said.to_lowercase(), c.quote.clone())),
        );
        let cell = (stage_index(stage) as u8, outcome_index(outcome));
        self.words += u64::from(insights.language.words);
        for term in &insights.language.terms {
            // Look up before inserting: most terms already exist, and keys are strings.
            let stats = match self.terms.get_mut(&term.key) {
                Some(stats) => stats,
                None => self.terms.entry(term.key.clone()).or_default(),
            };
            stats.occurrences += u64::from(term.count);
            add_cell(&mut stats.cells, cell, 1);
            match stats.surfaces.get_mut(&term.surface) {
                Some(count) => *count += 1,
                None => {
                    stats.surfaces.insert(term.surface.clone(), 1);
                }
            }
        }
        self.sentences
            .extend(insights.language.sentences.iter().cloned());
    }
}

fn add_cell(cells: &mut Vec<(u8, u8, u32)>, (stage, outcome): (u8, u8), count: u32) {
    match cells.binary_search_by(|c| (c.0, c.1).cmp(&(stage, outcome))) {
        Ok(i) => cells[i].2 += count,
        Err(i) => cells.insert(i, (stage, outcome, count)),
    }
}

/// Combines two partials over disjoint sets of transcripts. Associative and commutative, with
/// [`BatchPartial::empty`] as identity.
pub fn merge(mut a: BatchPartial, b: BatchPartial) -> Result<BatchPartial, MergeError> {
    for partial in [&a, &b] {
        // An empty default partial (version 0) is accepted as the identity.
        if partial.version != PARTIAL_VERSION
            && !(partial.version == 0 && partial.transcripts.is_empty())
        {
            return Err(MergeError::Version {
                expected: PARTIAL_VERSION,
                found: partial.version,
            });
        }
    }
    if let Some(id) = b
        .transcripts
        .keys()
        .find(|id| a.transcripts.contains_key(*id))
    {
        return Err(MergeError::Overlap(id.clone()));
    }
    a.version = PARTIAL_VERSION;
    a.transcripts.extend(b.transcripts);
    for (segment, other) in a.segments.iter_mut().zip(b.segments) {
        segment.merge(other);
    }
    a.words += b.words;
    for (key, stats) in b.terms {
        let into = a.terms.entry(key).or_default();
        into.occurrences += stats.occurrences;
        for (stage, outcome, count) in stats.cells {
            add_cell(&mut into.cells, (stage, outcome), count);
        }
        for (surface, count) in stats.surfaces {
            *into.surfaces.entry(surface).or_default() += count;
        }
    }
    a.sentences.extend(b.sentences);
    a.sentences.sort();
    a.sentences.dedup();
    Ok(a)
}

#[cfg(test)]
mod tests;
