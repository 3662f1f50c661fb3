//! A simulator with known true rates per variant: how much Thompson sampling, an even A/B split
//! and an oracle (always the best variant) lose against the best variant, in sends that did not
//! go to it (regret). Used as a test (Thompson must lose far less than the even split) and by
//! `examples/bandit_simulation.rs`.

use rand::SeedableRng;
use rand::distr::Distribution;
use rand_pcg::Pcg64Mcg;
use serde::{Deserialize, Serialize};

use super::LearnError;
use super::beta::Counts;
use super::thompson::{ArmEvidence, ThompsonConfig, allocate, split_batch};

/// A simulated experiment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimulationConfig {
    /// Each variant's true rate (e.g. show rate), known to the simulator only.
    pub true_rates: Vec<f64>,
    /// Sends per replication.
    pub sends: u64,
    /// Sends per batch: allocations are updated between batches.
    pub batch_size: u64,
    pub replications: u32,
    pub seed: u64,
    pub thompson: ThompsonConfig,
    /// Retire arms Thompson flags as hopeless (P(best) < 2% after 200 sends), as the product does.
    pub retire: bool,
}

impl Default for SimulationConfig {
    fn default() -> Self {
        SimulationConfig {
            true_rates: vec![0.62, 0.68, 0.72, 0.76],
            sends: 10_000,
            batch_size: 100,
            replications: 20,
            seed: 2024,
            thompson: ThompsonConfig::default(),
            retire: true,
        }
    }
}

/// Which policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Policy {
    Thompson,
    Uniform,
    Oracle,
}

impl Policy {
    pub fn as_str(self) -> &'static str {
        match self {
            Policy::Thompson => "thompson",
            Policy::Uniform => "uniform",
            Policy::Oracle => "oracle",
        }
    }
}

/// One policy's results, averaged over replications.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PolicyResult {
    pub policy: Policy,
    /// Expected successes lost against always sending the best variant: Σ sends × (p* − p).
    pub mean_regret: f64,
    /// Standard deviation of the regret across replications.
    pub regret_sd: f64,
    /// Successes actually simulated.
    pub mean_successes: f64,
    /// Share of sends that went to the best variant.
    pub best_share: f64,
    /// Mean cumulative regret after each tenth of the sends.
    pub regret_curve: Vec<f64>,
}

/// All policies on the same experiment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimulationReport {
    pub best_rate: f64,
    pub results: Vec<PolicyResult>,
}

impl SimulationReport {
    /// The result of one policy.
    pub fn result(&self, policy: Policy) -> Option<&PolicyResult> {
        self.results.iter().find(|r| r.policy == policy)
    }
}

/// Runs Thompson sampling, an even split and the oracle on the configured experiment.
pub fn simulate(config: &SimulationConfig) -> Result<SimulationReport, LearnError> {
    if config.true_rates.is_empty() || config.true_rates.iter().any(|p| !(0.0..=1.0).contains(p)) {
        return Err(LearnError::InvalidConfig(
            "true rates must be in [0, 1], at least one".into(),
        ));
    }
    if config.batch_size == 0 || config.replications == 0 {
        return Err(LearnError::InvalidConfig(
            "batch size and replications must be positive".into(),
        ));
    }
    let best_rate = config
        .true_rates
        .iter()
        .copied()
        .fold(f64::NEG_INFINITY, f64::max);
    let results = [Policy::Thompson, Policy::Uniform, Policy::Oracle]
        .into_iter()
        .map(|policy| run_policy(policy, config, best_rate))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(SimulationReport { best_rate, results })
}

struct Replication {
    regret: f64,
    successes: u64,
    best_sends: u64,
    curve: Vec<f64>,
}

fn run_policy(
    policy: Policy,
    config: &SimulationConfig,
    best_rate: f64,
) -> Result<PolicyResult, LearnError> {
    let runs: Vec<Replication> = (0..config.replications)
        .map(|r| replicate(policy, config, best_rate, r))
        .collect::<Result<_, _>>()?;
    let n = runs.len() as f64;
    let mean_regret = runs.iter().map(|r| r.regret).sum::<f64>() / n;
    let regret_sd = (runs
        .iter()
        .map(|r| (r.regret - mean_regret).powi(2))
        .sum::<f64>()
        / (n - 1.0).max(1.0))
    .sqrt();
    let curve_len = runs.iter().map(|r| r.curve.len()).min().unwrap_or(0);
    let regret_curve = (0..curve_len)
        .map(|i| runs.iter().map(|r| r.curve[i]).sum::<f64>() / n)
        .collect();
    Ok(PolicyResult {
        policy,
        mean_regret,
        regret_sd,
        mean_successes: runs.iter().map(|r| r.successes as f64).sum::<f64>() / n,
        best_share: runs.iter().map(|r| r.best_sends as f64).sum::<f64>()
            / (n * config.sends.max(1) as f64),
        regret_curve,
    })
}

fn replicate(
    policy: Policy,
    config: &SimulationConfig,
    best_rate: f64,
    replication: u32,
) -> Result<Replication, LearnError> {
    let rates = &config.true_rates;
    let k = rates.len();
    let best_arm = (0..k)
        .max_by(|&i, &j| rates[i].total_cmp(&rates[j]).then(j.cmp(&i)))
        .unwrap_or(0);
    let seed = config.seed ^ (u64::from(replication) << 32) ^ (policy as u64 + 1);
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    let mut evidence = vec![ArmEvidence::default(); k];
    let mut live: Vec<usize> = (0..k).collect();
    let mut run = Replication {
        regret: 0.0,
        successes: 0,
        best_sends: 0,
        curve: Vec::new(),
    };
    let checkpoint = (config.sends / 10).max(1);
    let mut sent = 0u64;
    let mut batch_index = 0u64;
    while sent < config.sends {
        let batch = config.batch_size.min(config.sends - sent);
        let mut next_live = live.clone();
        let sends: Vec<u64> = match policy {
            Policy::Oracle => live
                .iter()
                .map(|&i| if i == best_arm { batch } else { 0 })
                .collect(),
            Policy::Uniform => split_batch(&vec![1.0; live.len()], batch),
            Policy::Thompson => {
                let arms: Vec<ArmEvidence> = live.iter().map(|&i| evidence[i]).collect();
                let allocation = allocate(&arms, &config.thompson, seed.wrapping_add(batch_index))?;
                if config.retire {
                    // A retired arm leaves after this batch; at least one arm always stays.
                    let keep: Vec<usize> = live
                        .iter()
                        .zip(&allocation.retire)
                        .filter(|(_, retire)| !**retire)
                        .map(|(&i, _)| i)
                        .collect();
                    if !keep.is_empty() {
                        next_live = keep;
                    }
                }
                split_batch(&allocation.shares, batch)
            }
        };
        for (&arm, &n) in live.iter().zip(&sends) {
            if n == 0 {
                continue;
            }
            let successes = rand_distr::Binomial::new(n, rates[arm])
                .map(|b| b.sample(&mut rng))
                .unwrap_or(0);
            run.successes += successes;
            run.regret += n as f64 * (best_rate - rates[arm]);
            if arm == best_arm {
                run.best_sends += n;
            }
            if let Ok(counts) = Counts::new(successes, n) {
                evidence[arm] = evidence[arm].with_results(counts);
            }
        }
        live = next_live;
        sent += batch;
        batch_index += 1;
        while (run.curve.len() as u64 + 1) * checkpoint <= sent && run.curve.len() < 10 {
            run.curve.push(run.regret);
        }
    }
    Ok(run)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_even_split_loses_the_average_gap_and_the_oracle_nothing() {
        let config = SimulationConfig {
            replications: 2,
            sends: 2_000,
            ..SimulationConfig::default()
        };
        let report = simulate(&config).unwrap();
        let uniform = report.result(Policy::Uniform).unwrap();
        // 2,000 × (0.76 − mean(0.62, 0.68, 0.72, 0.76)) = 2,000 × 0.065 = 130.
        assert!(
            (uniform.mean_regret - 130.0).abs() < 1e-9,
            "{}",
            uniform.mean_regret
        );
        assert_eq!(report.result(Policy::Oracle).unwrap().mean_regret, 0.0);
        assert_eq!(uniform.regret_curve.len(), 10);
    }

    #[test]
    fn simulations_are_deterministic_for_a_seed() {
        let config = SimulationConfig {
            replications: 2,
            sends: 1_000,
            ..SimulationConfig::default()
        };
        assert_eq!(simulate(&config).unwrap(), simulate(&config).unwrap());
    }

    #[test]
    fn bad_configs_are_errors() {
        let bad = SimulationConfig {
            true_rates: vec![1.5],
            ..SimulationConfig::default()
        };
        assert!(simulate(&bad).is_err());
        let bad = SimulationConfig {
            batch_size: 0,
            ..SimulationConfig::default()
        };
        assert!(simulate(&bad).is_err());
    }
}
