//! Stage of awareness by ordinal scoring of cue families (methods §3.3).
//!
//! 1. Each prospect sentence's cue hits are weighted by specificity (brand 3, category 2,
//!    generic 1, from the lexicon sections) and by position (× `late_factor` in the second half
//!    of the prospect's talk: by then the rep has educated them).
//! 2. The stages are ordered, so scores are cumulative: product-aware implies solution-aware.
//!    The decision is the highest stage whose cumulative score passes its threshold τ:
//!    product if `S_product ≥ τ_product`, else solution if `S_solution + S_product ≥ τ_solution`,
//!    else problem.
//! 3. Confidence comes from the matching cumulative-logit model,
//!    `P(≥ product) = σ((S_product − τ_product)/T)`,
//!    `P(≥ solution) = max(P(≥ product), σ((S_solution + S_product − τ_solution)/T))`,
//!    so the decided stage is always the one the probabilities put past 0.5 cumulatively.
//! 4. A problem-level prospect whose problem score, less λ × the higher-stage counter-cues, is
//!    below `problem_threshold` (or who says "just looking") is flagged unaware, with its
//!    confidence halved.
//! 5. Evidence: the top three sentences for the decided stage, then the best for the runner-up.

use super::config::StageParameters;
use super::extract::level_index;
use super::{StageAssessment, StageEvidence, StageScores};
use crate::evidence::Quote;
use crate::transcript::AwarenessLevel;

/// The stage cues of one prospect sentence.
#[derive(Debug, Clone, Default)]
pub(super) struct StageSentence {
    pub(super) sentence: u32,
    /// Share of the prospect's words before this sentence (0..1).
    pub(super) position: f32,
    pub(super) words: u32,
    /// Unweighted-by-position cue weights per level (problem, solution, product).
    pub(super) weights: [f32; 3],
    pub(super) unaware: f32,
    pub(super) most_aware: f32,
    /// Patterns that matched and the level each counts for (for the evidence's cue list).
    pub(super) cues: Vec<(u32, AwarenessLevel)>,
}

/// Sum of position-weighted scores over the sentences that pass `keep`.
fn sums(
    params: &StageParameters,
    records: &[StageSentence],
    weighted: bool,
    keep: impl Fn(&StageSentence) -> bool,
) -> ([f32; 3], f32, f32) {
    let mut scores = [0.0f32; 3];
    let mut unaware = 0.0;
    let mut most_aware = 0.0;
    for record in records.iter().filter(|r| keep(r)) {
        let factor = if weighted {
            position_factor(params, record)
        } else {
            1.0
        };
        for (score, weight) in scores.iter_mut().zip(record.weights) {
            *score += weight * factor;
        }
        unaware += record.unaware * factor;
        most_aware += record.most_aware * factor;
    }
    (scores, unaware, most_aware)
}

fn position_factor(params: &StageParameters, record: &StageSentence) -> f32 {
    if record.position >= 0.5 {
        params.late_factor
    } else {
        1.0
    }
}

/// The highest stage whose cumulative score passes its threshold.
pub(super) fn decide(params: &StageParameters, scores: [f32; 3]) -> AwarenessLevel {
    let [_, solution, product] = scores;
    if product > 0.0 && product >= params.product_threshold {
        AwarenessLevel::Product
    } else if solution + product > 0.0 && solution + product >= params.solution_threshold {
        AwarenessLevel::Solution
    } else {
        AwarenessLevel::Problem
    }
}

fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

/// Probabilities of (problem, solution, product) under the cumulative-logit model.
pub(super) fn probabilities(params: &StageParameters, scores: [f32; 3]) -> [f32; 3] {
    let [_, solution, product] = scores;
    let at_least_product = sigmoid((product - params.product_threshold) / params.temperature);
    let at_least_solution =
        sigmoid((solution + product - params.solution_threshold) / params.temperature)
            .max(at_least_product);
    [
        1.0 - at_least_solution,
        at_least_solution - at_least_product,
        at_least_product,
    ]
}

pub(super) fn assess(
    params: &StageParameters,
    records: &[StageSentence],
    quote: impl Fn(&StageSentence) -> Quote,
    cue_text: impl Fn(u32) -> String,
) -> StageAssessment {
    let (scores, unaware_score, most_aware_score) = sums(params, records, true, |_| true);
    let level = decide(params, scores);
    let probability = probabilities(params, scores);
    let mut confidence = probability[level_index(level)];

    let (entry_scores, _, _) = sums(params, records, false, |r| r.position < params.entry_share);
    let (exit_scores, _, _) = sums(params, records, false, |r| {
        r.position >= 1.0 - params.entry_share
    });

    let counter = params.counter_weight * (scores[1] + scores[2]);
    let unaware = level == AwarenessLevel::Problem
        && (scores[0] - counter < params.problem_threshold || unaware_score > scores[0]);
    if unaware {
        confidence *= 0.5;
    }
    if records.is_empty() {
        confidence = 0.0;
    }
    let most_aware =
        level == AwarenessLevel::Product && most_aware_score >= params.product_threshold;

    let mut evidence = top_sentences(params, records, level, 3, &quote, &cue_text);
    let runner_up = AwarenessLevel::ALL
        .into_iter()
        .filter(|&l| l != level && scores[level_index(l)] > 0.0)
        .max_by(|&a, &b| {
            scores[level_index(a)]
                .total_cmp(&scores[level_index(b)])
                .then(b.cmp(&a))
        });
    if let Some(runner_up) = runner_up {
        evidence.extend(top_sentences(
            params, records, runner_up, 1, &quote, &cue_text,
        ));
    }
    StageAssessment {
        level,
        confidence: round3(confidence),
        entry_level: decide(params, entry_scores),
        exit_level: decide(params, exit_scores),
        unaware,
        most_aware,
        scores: StageScores {
            problem: round3(scores[0]),
            solution: round3(scores[1]),
            product: round3(scores[2]),
        },
        evidence,
    }
}

/// Rounds to 3 decimals: scores are shown to people and compared in tests, and f32 sums must
/// not differ in the last bit between platforms in a way anyone sees.
pub(super) fn round3(value: f32) -> f32 {
    (value * 1000.0).round() / 1000.0
}

fn top_sentences(
    params: &StageParameters,
    records: &[StageSentence],
    level: AwarenessLevel,
    count: usize,
    quote: &impl Fn(&StageSentence) -> Quote,
    cue_text: &impl Fn(u32) -> String,
) -> Vec<StageEvidence> {
    let k = level_index(level);
    let mut ranked: Vec<(f32, &StageSentence)> = records
        .iter()
        .map(|r| (r.weights[k] * position_factor(params, r), r))
        .filter(|(w, _)| *w > 0.0)
        .collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.sentence.cmp(&b.1.sentence)));
    ranked
        .into_iter()
        .take(count)
        .map(|(weight, record)| StageEvidence {
            level,
            weight: round3(weight),
            cues: record
                .cues
                .iter()
                .filter(|c| c.1 == level)
                .map(|&(p, _)| cue_text(p))
                .collect(),
            quote: quote(record),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decisions_are_ordinal_and_agree_with_probabilities() {
        let params = StageParameters::default();
        for scores in [
            [5.0, 0.0, 0.0],
            [3.0, 2.5, 0.0],
            [1.0, 1.0, 1.5],
            [0.0, 0.0, 4.0],
            [0.0, 0.0, 0.0],
        ] {
            let level = decide(&params, scores);
            let p = probabilities(&params, scores);
            assert!((p.iter().sum::<f32>() - 1.0).abs() < 1e-5);
            let cumulative_product = p[2];
            let cumulative_solution = p[1] + p[2];
            match level {
                AwarenessLevel::Product => assert!(cumulative_product >= 0.5),
                AwarenessLevel::Solution => {
                    assert!(cumulative_solution >= 0.5 && cumulative_product < 0.5)
                }
                AwarenessLevel::Problem => assert!(cumulative_solution < 0.5),
            }
        }
        assert_eq!(decide(&params, [1.0, 1.0, 1.5]), AwarenessLevel::Solution);
        assert_eq!(decide(&params, [9.0, 0.0, 2.0]), AwarenessLevel::Product);
    }

    #[test]
    fn late_cues_count_less_and_unaware_is_flagged() {
        let params = StageParameters::default();
        let late = StageSentence {
            position: 0.8,
            weights: [0.0, 1.0, 2.5],
            cues: vec![(0, AwarenessLevel::Product)],
            ..Default::default()
        };
        let assessment = assess(&params, &[late], |_| quote(), |_| "cue".into());
        assert_eq!(
            assessment.level,
            AwarenessLevel::Solution,
            "product 2.5 × 0.7 = 1.75 is below τ; with solution cues the cumulative 2.45 passes"
        );
        assert_eq!(assessment.exit_level, AwarenessLevel::Product);
        assert_eq!(assessment.entry_level, AwarenessLevel::Problem);

        let vague = StageSentence {
            position: 0.1,
            unaware: 1.0,
            weights: [0.5, 0.0, 0.0],
            cues: vec![(0, AwarenessLevel::Product)],
            ..Default::default()
        };
        let assessment = assess(&params, &[vague], |_| quote(), |_| "cue".into());
        assert_eq!(assessment.level, AwarenessLevel::Problem);
        assert!(assessment.unaware);
        assert!(assessment.confidence <= 0.5);
    }

    fn quote() -> Quote {
        Quote {
            transcript: "t".into(),
            turn_index: 0,
            start_ms: None,
            text: "x".into(),
        }
    }
}
