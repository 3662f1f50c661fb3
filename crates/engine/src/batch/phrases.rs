//! Recurring phrases per segment (methods §2.3) and phrases that separate outcomes (§2.4), each
//! with verbatim quotes found in the partial's stored sentences.

use super::finish::{BatchConfig, OutcomePhrase, RecurringPhrase, most_common, round4};
use super::{BatchPartial, TermStats, TranscriptDigest, best_quotes, outcome_index};
use crate::evidence::Quote;
use crate::text::{Vocabulary, stem_line};
use crate::transcript::{AwarenessLevel, Outcome};
use aho_corasick::AhoCorasick;
use std::collections::{BTreeMap, BTreeSet};

/// Candidate groups examined per segment, as a multiple of the phrases reported (some have no
/// quote in the stored sentences and are dropped: every claim needs a quote).
const CANDIDATE_FACTOR: usize = 3;
/// Character-trigram Jaccard similarity above which two phrases are variants.
const VARIANT_JACCARD: f64 = 0.6;

/// Finds stored sentences that contain a term (matched on stems, never across a clause).
pub(super) struct QuoteFinder<'a> {
    sentences: &'a [Quote],
    lines: Vec<String>,
    digests: Vec<Option<&'a TranscriptDigest>>,
}

impl<'a> QuoteFinder<'a> {
    pub(super) fn new(partial: &'a BatchPartial) -> QuoteFinder<'a> {
        QuoteFinder {
            sentences: &partial.sentences,
            lines: {
                let mut vocabulary = Vocabulary::default();
                partial
                    .sentences
                    .iter()
                    .map(|q| stem_line(&mut vocabulary, &q.text))
                    .collect()
            },
            digests: partial
                .sentences
                .iter()
                .map(|q| partial.transcripts.get(&q.transcript))
                .collect(),
        }
    }

    /// For each key, the best `k` quotes from transcripts that pass `keep`.
    pub(super) fn find(
        &self,
        keys: &[&str],
        keep: impl Fn(&TranscriptDigest) -> bool,
        k: usize,
    ) -> Vec<Vec<Quote>> {
        let mut found: Vec<Vec<Quote>> = vec![Vec::new(); keys.len()];
        if keys.is_empty() {
            return found;
        }
        let patterns: Vec<String> = keys.iter().map(|key| format!(" {key} ")).collect();
        let Ok(matcher) = AhoCorasick::new(&patterns) else {
            return found;
        };
        for (index, line) in self.lines.iter().enumerate() {
            if !self.digests[index].is_some_and(&keep) {
                continue;
            }
            for hit in matcher.find_overlapping_iter(line) {
                let quotes = &mut found[hit.pattern().as_usize()];
                if quotes.last() != Some(&self.sentences[index]) {
                    quotes.push(self.sentences[index].clone());
                }
            }
        }
        found
            .into_iter()
            .map(|quotes| best_quotes(quotes, k))
            .collect()
    }
}

/// Cohesion of a phrase: generalised NPMI over its content words,
/// `ln(p(g) / Π p(c_i)) / ((m − 1) · −ln p(g))` with token-level probabilities; for a phrase with
/// one content word ("too expensive", "out of budget"), the share of that word's uses that are
/// in the phrase.
fn cohesion(
    key: &str,
    stats: &TermStats,
    terms: &BTreeMap<String, TermStats>,
    words: u64,
) -> Option<f64> {
    let words = words.max(1) as f64;
    let content: Vec<u64> = key
        .split(' ')
        .filter_map(|stem| terms.get(stem).map(|t| t.occurrences))
        .collect();
    let occurrences = stats.occurrences as f64;
    match content.len() {
        0 => None,
        1 => Some(occurrences / content[0].max(1) as f64),
        m => {
            let p = occurrences / words;
            if p <= 0.0 || p >= 1.0 {
                return None;
            }
            let independent: f64 = content
                .iter()
                .map(|&c| (c.max(1) as f64 / words).ln())
                .sum();
            Some((p.ln() - independent) / ((m as f64 - 1.0) * -p.ln()))
        }
    }
}

/// Stems that mean the same for grouping ("pricey" ≈ "expensive").
fn synonym(stem: &str) -> &str {
    match stem {
        "pricey" | "costli" | "steep" => "expens",
        "lost" => "lose",
        "custom" | "client" | "patient" => "client",
        _ => stem,
    }
}

/// Distinct character trigrams, sorted.
fn trigrams(text: &str) -> Vec<[char; 3]> {
    let chars: Vec<char> = format!("  {text} ").chars().collect();
    let mut grams: Vec<[char; 3]> = chars.windows(3).map(|w| [w[0], w[1], w[2]]).collect();
    grams.sort_unstable();
    grams.dedup();
    grams
}

/// Jaccard similarity of two sorted, distinct lists.
fn jaccard(a: &[[char; 3]], b: &[[char; 3]]) -> f64 {
    let (mut i, mut j, mut common) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    let union = a.len() + b.len() - common;
    if union == 0 {
        0.0
    } else {
        common as f64 / union as f64
    }
}

/// Whether a phrase stops before the words its last verb needs: "people deal" (with what?),
/// "keep wasting" (wasting what?). Such fragments never head a recurring phrase; their complete
/// forms ("keep wasting money") still can.
fn ends_incomplete(phrase: &str) -> bool {
    matches!(
        phrase.rsplit(' ').next().unwrap_or(""),
        "deal"
            | "dealing"
            | "waste"
            | "wasting"
            | "lose"
            | "losing"
            | "keep"
            | "keeps"
            | "spend"
            | "spending"
            | "bring"
            | "bringing"
            | "make"
            | "making"
            | "get"
            | "getting"
            | "need"
            | "needs"
            | "want"
            | "wants"
            | "understand"
            | "figure"
            | "handle"
            | "handling"
            | "find"
            | "finding"
            | "take"
            | "taking"
            | "give"
            | "giving"
            | "pay"
            | "paying"
            | "use"
            | "using"
    )
}

struct Group {
    key: String,
    surface: String,
    prospects: u32,
    cohesion: f64,
    signature: BTreeSet<String>,
    grams: Vec<[char; 3]>,
    variants: Vec<String>,
}

/// Whether a candidate is a variant of a group: the same content stems (after synonyms), one
/// contained in the other, or similar spelling.
fn is_variant(group: &Group, key: &str, signature: &BTreeSet<String>, grams: &[[char; 3]]) -> bool {
    let contained = format!(" {} ", group.key).contains(&format!(" {key} "))
        || format!(" {key} ").contains(&format!(" {} ", group.key));
    group.signature == *signature || contained || jaccard(&group.grams, grams) >= VARIANT_JACCARD
}

fn signature(key: &str, terms: &BTreeMap<String, TermStats>) -> BTreeSet<String> {
    key.split(' ')
        .filter(|s| terms.contains_key(*s))
        .map(|s| synonym(s).to_owned())
        .collect()
}

/// Recurring phrases per stage, in [`AwarenessLevel::ALL`] order.
pub(super) fn recurring(
    partial: &BatchPartial,
    config: &BatchConfig,
    finder: &QuoteFinder<'_>,
) -> Vec<Vec<RecurringPhrase>> {
    AwarenessLevel::ALL
        .iter()
        .map(|&level| {
            let stage = super::stage_index(level) as u8;
            let prospects = partial
                .transcripts
                .values()
                .filter(|d| d.stage == level)
                .count() as u32;
            let minimum = config.min_prospects_for(prospects);
            let mut candidates: Vec<(&String, &TermStats, u32, f64)> = partial
                .terms
                .iter()
                .filter(|(key, _)| key.contains(' '))
                .filter_map(|(key, stats)| {
                    let df: u32 = stats
                        .cells
                        .iter()
                        .filter(|c| c.0 == stage)
                        .map(|c| c.2)
                        .sum();
                    if df < minimum.max(1) {
                        return None;
                    }
                    let cohesion = cohesion(key, stats, &partial.terms, partial.words)?;
                    (cohesion >= config.min_cohesion).then_some((key, stats, df, cohesion))
                })
                .collect();
            candidates.sort_by(|a, b| b.2.cmp(&a.2).then(b.3.total_cmp(&a.3)).then(a.0.cmp(b.0)));

            let mut groups: Vec<Group> = Vec::new();
            for (key, stats, df, cohesion) in candidates {
                let surface = most_common(&stats.surfaces);
                if ends_incomplete(&surface) {
                    continue;
                }
                let signature = signature(key, &partial.terms);
                let grams = trigrams(&surface);
                if let Some(group) = groups
                    .iter_mut()
                    .find(|g| is_variant(g, key, &signature, &grams))
                {
                    if group.variants.len() < 5 && !group.variants.contains(&surface) {
                        group.variants.push(surface);
                    }
                    continue;
                }
                if groups.len() >= config.top_phrases * CANDIDATE_FACTOR {
                    // Enough groups; less frequent candidates would only add variants.
                    break;
                }
                groups.push(Group {
                    key: key.clone(),
                    surface,
                    prospects: df,
                    cohesion,
                    signature,
                    grams,
                    variants: Vec::new(),
                });
            }
            let keys: Vec<&str> = groups.iter().map(|g| g.key.as_str()).collect();
            let quotes = finder.find(&keys, |d| d.stage == level, config.quotes_per_item);
            groups
                .into_iter()
                .zip(quotes)
                .filter(|(_, quotes)| !quotes.is_empty())
                .take(config.top_phrases)
                .map(|(group, quotes)| RecurringPhrase {
                    mentions: partial
                        .terms
                        .get(&group.key)
                        .map(|t| t.occurrences)
                        .unwrap_or(0),
                    phrase: group.surface,
                    prospects: group.prospects,
                    cohesion: round4(group.cohesion),
                    variants: group.variants,
                    quotes,
                })
                .collect()
        })
        .collect()
}

/// One comparison of outcome groups.
struct Comparison {
    a: &'static str,
    b: &'static str,
    in_a: &'static [Outcome],
    in_b: &'static [Outcome],
}

const COMPARISONS: [Comparison; 2] = [
    Comparison {
        a: "showed",
        b: "no_show",
        in_a: &[Outcome::Showed, Outcome::Closed, Outcome::Lost],
        in_b: &[Outcome::NoShow],
    },
    Comparison {
        a: "closed",
        b: "lost",
        in_a: &[Outcome::Closed],
        in_b: &[Outcome::Lost],
    },
];

fn group_df(stats: &TermStats, outcomes: &[Outcome]) -> u32 {
    let mut wanted = [false; 5];
    for &outcome in outcomes {
        wanted[usize::from(outcome_index(outcome))] = true;
    }
    stats
        .cells
        .iter()
        .filter(|c| wanted[usize::from(c.1)])
        .map(|c| c.2)
        .sum()
}

/// Fightin' Words (Monroe, Colaresi & Quinn 2008) on per-document binary counts with an
/// informative Dirichlet prior α_w = α₀·π_w, π_w the term's share of all document frequencies.
pub(super) fn outcome_phrases(
    partial: &BatchPartial,
    config: &BatchConfig,
    finder: &QuoteFinder<'_>,
) -> Vec<OutcomePhrase> {
    let mut result = Vec::new();
    let total_df: f64 = partial
        .terms
        .values()
        .flat_map(|t| t.cells.iter().map(|c| f64::from(c.2)))
        .sum();
    if total_df <= 0.0 || config.alpha0.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) {
        return result;
    }
    for comparison in &COMPARISONS {
        let docs_a = partial
            .transcripts
            .values()
            .filter(|d| comparison.in_a.contains(&d.outcome))
            .count();
        let docs_b = partial
            .transcripts
            .values()
            .filter(|d| comparison.in_b.contains(&d.outcome))
            .count();
        if docs_a == 0 || docs_b == 0 {
            continue;
        }
        let counts: Vec<(&String, &TermStats, f64, f64)> = partial
            .terms
            .iter()
            .map(|(key, stats)| {
                (
                    key,
                    stats,
                    f64::from(group_df(stats, comparison.in_a)),
                    f64::from(group_df(stats, comparison.in_b)),
                )
            })
            .collect();
        let n_a: f64 = counts.iter().map(|c| c.2).sum();
        let n_b: f64 = counts.iter().map(|c| c.3).sum();
        let alpha0 = config.alpha0;
        let mut scored: Vec<(f64, &String, &TermStats, u32, u32)> = counts
            .iter()
            .filter(|(key, _, y_a, y_b)| {
                let minimum = if key.split(' ').count() >= 3 {
                    config.min_prospects_long
                } else {
                    config.min_outcome_prospects
                };
                y_a + y_b >= f64::from(minimum.max(1))
            })
            .map(|&(key, stats, y_a, y_b)| {
                let prior: f64 = stats.cells.iter().map(|c| f64::from(c.2)).sum::<f64>() / total_df;
                let alpha = alpha0 * prior;
                let delta = ((y_a + alpha) / (n_a + alpha0 - y_a - alpha)).ln()
                    - ((y_b + alpha) / (n_b + alpha0 - y_b - alpha)).ln();
                let variance = 1.0 / (y_a + alpha) + 1.0 / (y_b + alpha);
                (
                    round4(delta / variance.sqrt()),
                    key,
                    stats,
                    y_a as u32,
                    y_b as u32,
                )
            })
            .filter(|s| s.0.is_finite() && s.0.abs() >= config.min_outcome_z.max(f64::MIN_POSITIVE))
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
        for favours_a in [true, false] {
            let ordered: Vec<&(f64, &String, &TermStats, u32, u32)> = if favours_a {
                scored.iter().filter(|s| s.0 > 0.0).collect()
            } else {
                scored.iter().rev().filter(|s| s.0 < 0.0).collect()
            };
            // Drop a phrase contained in (or containing) a stronger one already kept.
            let mut kept: Vec<&(f64, &String, &TermStats, u32, u32)> = Vec::new();
            for candidate in ordered {
                if kept.len() >= config.top_outcome_phrases * CANDIDATE_FACTOR {
                    break;
                }
                let padded = format!(" {} ", candidate.1);
                if kept.iter().any(|k| {
                    format!(" {} ", k.1).contains(&padded) || padded.contains(&format!(" {} ", k.1))
                }) {
                    continue;
                }
                kept.push(candidate);
            }
            let keys: Vec<&str> = kept.iter().map(|k| k.1.as_str()).collect();
            let group = if favours_a {
                comparison.in_a
            } else {
                comparison.in_b
            };
            let quotes = finder.find(&keys, |d| group.contains(&d.outcome), 2);
            result.extend(
                kept.into_iter()
                    .zip(quotes)
                    .filter(|(_, quotes)| !quotes.is_empty())
                    .take(config.top_outcome_phrases)
                    .map(|(&(z, _, stats, y_a, y_b), quotes)| OutcomePhrase {
                        a: comparison.a.to_owned(),
                        b: comparison.b.to_owned(),
                        phrase: most_common(&stats.surfaces),
                        z,
                        prospects_a: y_a,
                        prospects_b: y_b,
                        quotes,
                    }),
            );
        }
    }
    result
}
