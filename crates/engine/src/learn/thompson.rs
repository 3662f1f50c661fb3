//! Thompson-sampling allocation of sends across live versions, with a burn-in, an allocation
//! floor, batched updates and discounting (analysis-methods.md §2.10).

use rand::{Rng, RngExt, SeedableRng};
use rand_pcg::Pcg64Mcg;
use serde::{Deserialize, Serialize};

use super::LearnError;
use super::ab::{prob_beats, prob_best};
use super::beta::{Beta, Counts};

/// What is known about one arm: successes and failures, possibly discounted (so fractional).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(try_from = "RawEvidence")]
pub struct ArmEvidence {
    successes: f64,
    failures: f64,
}

#[derive(Deserialize)]
struct RawEvidence {
    successes: f64,
    failures: f64,
}

impl TryFrom<RawEvidence> for ArmEvidence {
    type Error = LearnError;
    fn try_from(raw: RawEvidence) -> Result<Self, LearnError> {
        ArmEvidence::new(raw.successes, raw.failures)
    }
}

impl From<Counts> for ArmEvidence {
    fn from(counts: Counts) -> Self {
        ArmEvidence {
            successes: counts.successes() as f64,
            failures: counts.failures() as f64,
        }
    }
}

impl ArmEvidence {
    pub fn new(successes: f64, failures: f64) -> Result<ArmEvidence, LearnError> {
        let valid = |x: f64| x.is_finite() && x >= 0.0;
        if !valid(successes) || !valid(failures) {
            return Err(LearnError::InvalidConfig(format!(
                "arm evidence must be finite and ≥ 0, got {successes}/{failures}"
            )));
        }
        Ok(ArmEvidence {
            successes,
            failures,
        })
    }

    pub fn successes(self) -> f64 {
        self.successes
    }

    pub fn failures(self) -> f64 {
        self.failures
    }

    pub fn trials(self) -> f64 {
        self.successes + self.failures
    }

    /// Adds a batch of results.
    pub fn with_results(self, counts: Counts) -> ArmEvidence {
        ArmEvidence {
            successes: self.successes + counts.successes() as f64,
            failures: self.failures + counts.failures() as f64,
        }
    }

    /// Evidence after `days` of discounting at `gamma` per day: the posterior moves back toward
    /// the prior, `α ← α₀ + γᵈ(α − α₀)` (γ = 0.98/day is a half-life of about 35 days), so a
    /// change in what works (season, list fatigue) shows up.
    pub fn discounted(self, gamma: f64, days: f64) -> ArmEvidence {
        let factor = if gamma.is_finite() && days.is_finite() {
            gamma.clamp(0.0, 1.0).powf(days.max(0.0))
        } else {
            1.0
        };
        ArmEvidence {
            successes: self.successes * factor,
            failures: self.failures * factor,
        }
    }

    fn posterior(self, prior: Beta) -> Beta {
        Beta::new(prior.alpha() + self.successes, prior.beta() + self.failures).unwrap_or(prior)
    }
}

/// Settings for Thompson sampling.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ThompsonConfig {
    /// Every arm's prior (e.g. the agency's show rate with 20–50 pseudo-trials).
    pub prior: Beta,
    /// Until every arm has this many trials, traffic is split evenly.
    pub burn_in_trials: f64,
    /// Every live arm gets at least this share (capped at 1/k).
    pub floor: f64,
    /// Monte Carlo draws for P(best) with three or more arms.
    pub draws: usize,
    /// Suggest retiring an arm whose P(best) is below this…
    pub retire_below: f64,
    /// …once it has at least this many trials.
    pub retire_after_trials: f64,
}

impl Default for ThompsonConfig {
    fn default() -> Self {
        ThompsonConfig {
            prior: Beta::uniform(),
            burn_in_trials: 30.0,
            floor: 0.10,
            draws: 10_000,
            retire_below: 0.02,
            retire_after_trials: 200.0,
        }
    }
}

/// Why the shares are what they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AllocationPhase {
    /// Some arm is still in its burn-in: even split.
    BurnIn,
    /// Shares follow P(best), above the floor.
    Thompson,
}

/// How to split the next batch of sends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Allocation {
    /// One per arm, summing to 1, each at least the floor.
    pub shares: Vec<f64>,
    /// P(arm is best) under the current posteriors.
    pub prob_best: Vec<f64>,
    pub phase: AllocationPhase,
    /// Arms that may be retired (P(best) below the threshold after enough trials).
    pub retire: Vec<bool>,
}

fn validate(arms: &[ArmEvidence], config: &ThompsonConfig) -> Result<(), LearnError> {
    if arms.is_empty() {
        return Err(LearnError::InvalidConfig(
            "at least one arm is needed".into(),
        ));
    }
    if !(0.0..=1.0).contains(&config.floor) || !config.burn_in_trials.is_finite() {
        return Err(LearnError::InvalidConfig(
            "floor must be in [0, 1] and burn-in finite".into(),
        ));
    }
    Ok(())
}

/// Shares for the next batch: an even split during burn-in, then
/// `share_k = f + (1 − k·f)·P(arm k is best)` with the floor `f = min(floor, 1/k)`, so every arm
/// keeps at least `f` and the shares sum to 1. P(best) is exact for two arms and seeded Monte
/// Carlo otherwise (Chapelle & Li 2011: Thompson sampling copes well with batched, delayed
/// feedback).
pub fn allocate(
    arms: &[ArmEvidence],
    config: &ThompsonConfig,
    seed: u64,
) -> Result<Allocation, LearnError> {
    validate(arms, config)?;
    let k = arms.len();
    let posteriors: Vec<Beta> = arms.iter().map(|a| a.posterior(config.prior)).collect();
    let prob_best = match k {
        1 => vec![1.0],
        2 => {
            let p = prob_beats(posteriors[0], posteriors[1]);
            vec![1.0 - p, p]
        }
        _ => prob_best(&posteriors, config.draws.max(100), seed),
    };
    let retire: Vec<bool> = arms
        .iter()
        .zip(&prob_best)
        .map(|(arm, &p)| {
            k > 1 && p < config.retire_below && arm.trials() >= config.retire_after_trials
        })
        .collect();
    let floor = config.floor.min(1.0 / k as f64);
    let in_burn_in = arms.iter().any(|a| a.trials() < config.burn_in_trials);
    let (shares, phase) = if in_burn_in {
        (vec![1.0 / k as f64; k], AllocationPhase::BurnIn)
    } else {
        let free = 1.0 - k as f64 * floor;
        (
            prob_best.iter().map(|p| floor + free * p).collect(),
            AllocationPhase::Thompson,
        )
    };
    Ok(Allocation {
        shares,
        prob_best,
        phase,
        retire,
    })
}

/// Picks the arm for a single send: during burn-in the arm with the fewest trials; afterwards,
/// with probability k·f a uniformly random arm (the floor), otherwise the arm with the highest
/// draw from its posterior.
pub fn choose_arm<R: Rng + ?Sized>(
    arms: &[ArmEvidence],
    config: &ThompsonConfig,
    rng: &mut R,
) -> Result<usize, LearnError> {
    validate(arms, config)?;
    let k = arms.len();
    if arms.iter().any(|a| a.trials() < config.burn_in_trials) {
        let fewest = (0..k)
            .min_by(|&i, &j| arms[i].trials().total_cmp(&arms[j].trials()))
            .unwrap_or(0);
        return Ok(fewest);
    }
    let floor = config.floor.min(1.0 / k as f64);
    if rng.random::<f64>() < floor * k as f64 {
        return Ok(rng.random_range(0..k));
    }
    let mut best = 0;
    let mut best_value = f64::NEG_INFINITY;
    for (i, arm) in arms.iter().enumerate() {
        let value = arm.posterior(config.prior).sample(rng);
        if value > best_value {
            best = i;
            best_value = value;
        }
    }
    Ok(best)
}

/// Splits a batch of `total` sends by shares (largest remainder: the counts sum to `total` and
/// each is within one of its exact share).
pub fn split_batch(shares: &[f64], total: u64) -> Vec<u64> {
    let sum: f64 = shares.iter().filter(|s| s.is_finite() && **s > 0.0).sum();
    if shares.is_empty() || sum <= 0.0 {
        return vec![0; shares.len()];
    }
    let exact: Vec<f64> = shares
        .iter()
        .map(|s| {
            if s.is_finite() && *s > 0.0 {
                s / sum * total as f64
            } else {
                0.0
            }
        })
        .collect();
    let mut counts: Vec<u64> = exact.iter().map(|e| e.floor() as u64).collect();
    let mut left = total.saturating_sub(counts.iter().sum());
    let mut order: Vec<usize> = (0..shares.len()).collect();
    order.sort_by(|&i, &j| {
        (exact[j] - exact[j].floor())
            .total_cmp(&(exact[i] - exact[i].floor()))
            .then(i.cmp(&j))
    });
    for &i in order.iter().cycle().take(shares.len() * 2) {
        if left == 0 {
            break;
        }
        counts[i] += 1;
        left -= 1;
    }
    counts
}

/// A seeded generator for callers that pick sends one at a time.
pub fn rng_from_seed(seed: u64) -> Pcg64Mcg {
    Pcg64Mcg::seed_from_u64(seed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn evidence(s: f64, f: f64) -> ArmEvidence {
        ArmEvidence::new(s, f).unwrap()
    }

    #[test]
    fn burn_in_splits_evenly() {
        let arms = [evidence(20.0, 5.0), evidence(100.0, 100.0)];
        let allocation = allocate(&arms, &ThompsonConfig::default(), 1).unwrap();
        assert_eq!(allocation.phase, AllocationPhase::BurnIn);
        assert_eq!(allocation.shares, vec![0.5, 0.5]);
        let mut rng = rng_from_seed(1);
        assert_eq!(
            choose_arm(&arms, &ThompsonConfig::default(), &mut rng).unwrap(),
            0,
            "the arm short of data"
        );
    }

    #[test]
    fn a_clear_winner_gets_all_but_the_floor() {
        let arms = [
            evidence(300.0, 200.0),
            evidence(400.0, 100.0),
            evidence(310.0, 190.0),
        ];
        let allocation = allocate(&arms, &ThompsonConfig::default(), 1).unwrap();
        assert_eq!(allocation.phase, AllocationPhase::Thompson);
        assert!(
            (allocation.shares[1] - 0.8).abs() < 1e-3,
            "{:?}",
            allocation.shares
        );
        assert!((allocation.shares[0] - 0.1).abs() < 1e-3);
        assert_eq!(allocation.retire, vec![true, false, true]);
    }

    #[test]
    fn two_arms_use_the_exact_probability() {
        let arms = [evidence(40.0, 20.0), evidence(45.0, 15.0)];
        let config = ThompsonConfig::default();
        let allocation = allocate(&arms, &config, 1).unwrap();
        let p = prob_beats(
            Beta::new(41.0, 21.0).unwrap(),
            Beta::new(46.0, 16.0).unwrap(),
        );
        assert!((allocation.prob_best[1] - p).abs() < 1e-12);
        assert!((allocation.shares[1] - (0.1 + 0.8 * p)).abs() < 1e-12);
        assert_eq!(
            allocation,
            allocate(&arms, &config, 99).unwrap(),
            "no randomness with two arms"
        );
    }

    #[test]
    fn single_sends_respect_the_floor() {
        // A hopeless arm still gets about floor of the sends (10%, here 2 arms → 5% uniform picks
        // each plus nothing from the draws).
        let arms = [evidence(10.0, 490.0), evidence(490.0, 10.0)];
        let config = ThompsonConfig::default();
        let mut rng = rng_from_seed(3);
        let picks = (0..20_000)
            .filter(|_| choose_arm(&arms, &config, &mut rng).unwrap() == 0)
            .count();
        let share = picks as f64 / 20_000.0;
        assert!((share - 0.10).abs() < 0.01, "{share}");
    }

    #[test]
    fn discounting_moves_back_to_the_prior() {
        let arm = evidence(80.0, 20.0);
        let later = arm.discounted(0.98, 35.0);
        // 0.98^35 ≈ 0.493: about half the evidence is left after 35 days.
        assert!((later.trials() - 49.3).abs() < 0.1, "{later:?}");
        assert!(
            (later.successes() / later.trials() - 0.8).abs() < 1e-12,
            "the rate is kept, the weight shrinks"
        );
        assert_eq!(arm.discounted(0.98, 0.0), arm);
        assert_eq!(arm.discounted(f64::NAN, 3.0), arm);
    }

    #[test]
    fn batches_split_exactly() {
        assert_eq!(split_batch(&[0.5, 0.3, 0.2], 10), vec![5, 3, 2]);
        assert_eq!(split_batch(&[1.0 / 3.0; 3], 100), vec![34, 33, 33]);
        assert_eq!(split_batch(&[0.0, f64::NAN], 10), vec![0, 0]);
        assert_eq!(split_batch(&[], 10), Vec::<u64>::new());
    }

    #[test]
    fn bad_inputs_are_errors() {
        assert!(allocate(&[], &ThompsonConfig::default(), 0).is_err());
        assert!(ArmEvidence::new(-1.0, 2.0).is_err());
        let config = ThompsonConfig {
            floor: 1.5,
            ..ThompsonConfig::default()
        };
        assert!(allocate(&[evidence(1.0, 1.0)], &config, 0).is_err());
    }

    proptest! {
        #[test]
        fn shares_sum_to_one_and_respect_the_floor(
            arms in proptest::collection::vec((0.0f64..2000.0, 0.0f64..2000.0), 1..7),
            floor in 0.0f64..0.4,
            seed in any::<u64>(),
        ) {
            let arms: Vec<ArmEvidence> = arms.into_iter().map(|(s, f)| evidence(s, f)).collect();
            let config = ThompsonConfig { floor, draws: 500, ..ThompsonConfig::default() };
            let allocation = allocate(&arms, &config, seed).unwrap();
            let sum: f64 = allocation.shares.iter().sum();
            prop_assert!((sum - 1.0).abs() < 1e-9, "{sum}");
            let effective_floor = floor.min(1.0 / arms.len() as f64);
            for share in &allocation.shares {
                prop_assert!(*share >= effective_floor - 1e-12 && *share <= 1.0 + 1e-12);
            }
            for p in &allocation.prob_best {
                prop_assert!((0.0..=1.0).contains(p));
            }
            let batch = split_batch(&allocation.shares, 257);
            prop_assert_eq!(batch.iter().sum::<u64>(), 257);
        }
    }
}
