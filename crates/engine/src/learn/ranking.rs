//! Ranking patterns (subject lines, hooks, objection handles) by shrunk estimates with
//! uncertainty, never by raw rates (analysis-methods.md §2.11).

use serde::{Deserialize, Serialize};

use super::LearnError;
use super::beta::{Counts, FittedPrior, PriorConfig, fit_prior};

/// One pattern's results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatternStats {
    pub id: String,
    #[serde(flatten)]
    pub counts: Counts,
}

/// What to sort by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RankBy {
    /// The expected rate (posterior mean).
    #[default]
    PosteriorMean,
    /// The 5% posterior quantile: "safe bets" that are good with high probability.
    LowerBound,
}

/// Settings for [`rank_patterns`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RankConfig {
    pub prior: PriorConfig,
    pub by: RankBy,
    /// A pattern is a low performer when P(its rate < the population mean) is at least this…
    pub low_performer_probability: f64,
    /// …and it has at least this many trials.
    pub low_performer_min_trials: u64,
}

impl Default for RankConfig {
    fn default() -> Self {
        RankConfig {
            prior: PriorConfig::default(),
            by: RankBy::PosteriorMean,
            low_performer_probability: 0.9,
            low_performer_min_trials: 30,
        }
    }
}

/// A ranked pattern.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RankedPattern {
    pub id: String,
    pub counts: Counts,
    /// 1 = best.
    pub rank: usize,
    /// The shrunk estimate: (s + a)/(n + a + b).
    pub posterior_mean: f64,
    /// The 5% and 95% posterior quantiles.
    pub lower_bound: f64,
    pub upper_bound: f64,
    /// P(rate < the population mean): how sure we are it is below average.
    pub prob_below_average: f64,
    pub low_performer: bool,
}

/// The ranking and the prior it was shrunk toward.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ranking {
    pub prior: FittedPrior,
    pub patterns: Vec<RankedPattern>,
}

/// Ranks patterns by an empirical-Bayes posterior: the prior is fitted to all the patterns' rates
/// ([`fit_prior`]), each pattern's posterior is `Beta(a + s, b + n − s)`. Ties keep input order.
pub fn rank_patterns(
    patterns: &[PatternStats],
    config: &RankConfig,
) -> Result<Ranking, LearnError> {
    let counts: Vec<Counts> = patterns.iter().map(|p| p.counts).collect();
    let prior = fit_prior(&counts, &config.prior)?;
    let average = prior.prior.mean();
    let mut ranked: Vec<RankedPattern> = patterns
        .iter()
        .map(|pattern| {
            let posterior = prior.prior.update(pattern.counts);
            let (lower_bound, upper_bound) = posterior.interval(0.9);
            let prob_below_average = posterior.cdf(average);
            RankedPattern {
                id: pattern.id.clone(),
                counts: pattern.counts,
                rank: 0,
                posterior_mean: posterior.mean(),
                lower_bound,
                upper_bound,
                prob_below_average,
                low_performer: prob_below_average >= config.low_performer_probability
                    && pattern.counts.trials() >= config.low_performer_min_trials,
            }
        })
        .collect();
    let key = |p: &RankedPattern| match config.by {
        RankBy::PosteriorMean => p.posterior_mean,
        RankBy::LowerBound => p.lower_bound,
    };
    ranked.sort_by(|x, y| key(y).total_cmp(&key(x)));
    for (i, pattern) in ranked.iter_mut().enumerate() {
        pattern.rank = i + 1;
    }
    Ok(Ranking {
        prior,
        patterns: ranked,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::learn::beta::{Beta, PriorMethod};

    fn pattern(id: &str, s: u64, n: u64) -> PatternStats {
        PatternStats {
            id: id.into(),
            counts: Counts::new(s, n).unwrap(),
        }
    }

    #[test]
    fn three_of_three_does_not_beat_forty_of_sixty() {
        // analysis-methods.md §2.11: with a Beta(8, 12) prior, A = 3/3 → 0.48 and B = 40/60 →
        // 0.60, so B ranks first. The prior here is fixed by giving too few patterns to fit one.
        let config = RankConfig {
            prior: PriorConfig {
                baseline: 0.4,
                baseline_strength: 20.0,
                min_groups: 100,
                ..PriorConfig::default()
            },
            ..RankConfig::default()
        };
        let prior = Beta::new(8.0, 12.0).unwrap();
        let a = prior.update(Counts::new(3, 3).unwrap()).mean();
        let b = prior.update(Counts::new(40, 60).unwrap()).mean();
        assert!((a - 11.0 / 23.0).abs() < 1e-12 && (b - 48.0 / 80.0).abs() < 1e-12);
        let ranking = rank_patterns(&[pattern("A", 3, 3), pattern("B", 40, 60)], &config).unwrap();
        assert_eq!(ranking.prior.method, PriorMethod::Baseline);
        assert_eq!(
            ranking
                .patterns
                .iter()
                .map(|p| p.id.as_str())
                .collect::<Vec<_>>(),
            vec!["B", "A"]
        );
    }

    #[test]
    fn ranking_by_lower_bound_prefers_proven_patterns() {
        let patterns = [
            pattern("proven", 700, 1000),
            pattern("lucky", 15, 18),
            pattern("p3", 60, 100),
            pattern("p4", 65, 100),
            pattern("p5", 70, 100),
            pattern("p6", 55, 100),
        ];
        let by_mean = rank_patterns(&patterns, &RankConfig::default()).unwrap();
        let by_lower = rank_patterns(
            &patterns,
            &RankConfig {
                by: RankBy::LowerBound,
                ..RankConfig::default()
            },
        )
        .unwrap();
        assert_eq!(by_lower.patterns[0].id, "proven");
        let lucky_mean_rank = by_mean
            .patterns
            .iter()
            .find(|p| p.id == "lucky")
            .unwrap()
            .rank;
        let lucky_lower_rank = by_lower
            .patterns
            .iter()
            .find(|p| p.id == "lucky")
            .unwrap()
            .rank;
        assert!(
            lucky_lower_rank > lucky_mean_rank,
            "uncertainty costs the lucky pattern"
        );
        for p in &by_mean.patterns {
            assert!(p.lower_bound <= p.posterior_mean && p.posterior_mean <= p.upper_bound);
        }
    }

    #[test]
    fn clear_low_performers_are_flagged_only_with_enough_data() {
        let patterns = [
            pattern("good", 80, 100),
            pattern("average", 70, 100),
            pattern("bad", 45, 100),
            pattern("bad_but_new", 2, 5),
            pattern("ok", 72, 100),
            pattern("fine", 75, 100),
        ];
        let ranking = rank_patterns(&patterns, &RankConfig::default()).unwrap();
        let low: Vec<&str> = ranking
            .patterns
            .iter()
            .filter(|p| p.low_performer)
            .map(|p| p.id.as_str())
            .collect();
        assert_eq!(low, vec!["bad"]);
    }

    #[test]
    fn no_patterns_is_an_empty_ranking() {
        let ranking = rank_patterns(&[], &RankConfig::default()).unwrap();
        assert!(ranking.patterns.is_empty());
    }
}
