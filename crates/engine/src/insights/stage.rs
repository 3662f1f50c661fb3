//! Stage of awareness by ordinal scoring of cue families (methods §3.3).
//!
//! 1. Each prospect sentence's cue hits are weighted by specificity (brand 3, category 2,
//!    generic 1, from the lexicon sections) and by position (× `late_factor` in the second half
//!    of the prospect's talk: by then the rep has educated them), giving `S_k` per stage.
//! 2. A 45-minute call has cues of every family, so absolute thresholds do not scale with call
//!    length: the decision uses each family's share `q_k = S_k / ΣS` of the weighted hits.
//!    The stages are ordered, so shares are cumulative (product awareness implies solution
//!    awareness): product if `q_product ≥ θ_product`, else solution if
//!    `q_solution + q_product ≥ θ_solution`, else problem. Below `min_evidence` weighted hits
//!    in total, the prospect is problem-level (unaware).
//! 3. Confidence comes from the matching cumulative-logit model, more certain with more
//!    evidence: `P(≥ product) = σ((q_product − θ_product)·√ΣS / T)`,
//!    `P(≥ solution) = max(P(≥ product), σ((q_solution + q_product − θ_solution)·√ΣS / T))`,
//!    so the decided stage is always the one the probabilities put past 0.5 cumulatively.
//!    θ and the temperature T were fitted on labelled calls (methods §3.3 step 4, §2.12).
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
    let total: f32 = scores.iter().sum();
    if total <= 0.0 || total < params.min_evidence {
        return AwarenessLevel::Problem;
    }
    let [_, solution, product] = scores.map(|s| s / total);
    if product >= params.product_share {
        AwarenessLevel::Product
    } else if solution + product >= params.solution_share {
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
    let total: f32 = scores.iter().sum();
    if total <= 0.0 || total < params.min_evidence {
        // Too little to go on: no stage is more likely than another.
        return [1.0 / 3.0; 3];
    }
    let [_, solution, product] = scores.map(|s| s / total);
    let slope = total.sqrt() / params.temperature;
    let at_least_product = sigmoid((product - params.product_share) * slope);
    let at_least_solution =
        sigmoid((solution + product - params.solution_share) * slope).max(at_least_product);
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
    let most_aware = level == AwarenessLevel::Product && most_aware_score >= params.min_evidence;

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
        scores: stage_scores(scores),
        entry_scores: stage_scores(entry_scores),
        evidence,
    }
}

fn stage_scores(scores: [f32; 3]) -> StageScores {
    StageScores {
        problem: round3(scores[0]),
        solution: round3(scores[1]),
        product: round3(scores[2]),
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
    fn decisions_are_ordinal_shares_and_agree_with_probabilities() {
        let params = StageParameters::default();
        for scores in [
            [50.0, 0.0, 0.0],
            [30.0, 25.0, 0.0],
            [10.0, 40.0, 5.0],
            [10.0, 10.0, 40.0],
            [0.5, 0.0, 0.5],
        ] {
            let level = decide(&params, scores);
            let p = probabilities(&params, scores);
            assert!((p.iter().sum::<f32>() - 1.0).abs() < 1e-5);
            match level {
                AwarenessLevel::Product => assert!(p[2] >= 0.5),
                AwarenessLevel::Solution => assert!(p[1] + p[2] >= 0.5 && p[2] < 0.5),
                AwarenessLevel::Problem => {
                    assert!(p[1] + p[2] < 0.5 || scores.iter().sum::<f32>() < 2.0)
                }
            }
        }
        assert_eq!(decide(&params, [10.0, 40.0, 5.0]), AwarenessLevel::Solution);
        assert_eq!(
            decide(&params, [60.0, 20.0, 35.0]),
            AwarenessLevel::Product,
            "35/115 ≥ 0.3"
        );
        assert_eq!(decide(&params, [60.0, 20.0, 5.0]), AwarenessLevel::Problem);
        assert_eq!(
            decide(&params, [0.0, 0.0, 1.5]),
            AwarenessLevel::Problem,
            "too little evidence"
        );
        // The same shares with more evidence are more certain.
        let few = probabilities(&params, [1.0, 1.0, 2.0])[2];
        let many = probabilities(&params, [10.0, 10.0, 20.0])[2];
        assert!(many > few, "{few} {many}");
    }

    #[test]
    fn late_cues_count_less_and_unaware_is_flagged() {
        let params = StageParameters::default();
        let early = StageSentence {
            position: 0.1,
            weights: [5.0, 0.0, 0.0],
            cues: vec![(0, AwarenessLevel::Problem)],
            ..Default::default()
        };
        let late = StageSentence {
            sentence: 1,
            position: 0.8,
            weights: [0.0, 0.0, 3.0],
            cues: vec![(1, AwarenessLevel::Product)],
            ..Default::default()
        };
        let assessment = assess(&params, &[early, late], |_| quote(), |_| "cue".into());
        assert_eq!(
            assessment.level,
            AwarenessLevel::Problem,
            "late product cues 3 × 0.7 = 2.1 of 7.1 < 0.3; unweighted 3 of 8 would be product"
        );
        assert_eq!(assessment.exit_level, AwarenessLevel::Product);
        assert_eq!(assessment.entry_level, AwarenessLevel::Problem);
        assert_eq!(
            assessment.evidence.len(),
            2,
            "decided stage, then the runner-up"
        );

        let vague = StageSentence {
            position: 0.1,
            unaware: 1.0,
            weights: [0.5, 0.0, 0.0],
            cues: vec![(0, AwarenessLevel::Problem)],
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
