//! Learning statistics: what works, how sure we are, and where to send the next message.
//!
//! - [`beta`]: Beta posteriors and the empirical-Bayes prior ([`fit_prior`]).
//! - [`ab`]: probability to beat control, expected loss, the stopping rule ([`evaluate_ab`]).
//! - [`thompson`]: Thompson-sampling allocation with burn-in, floor, batches, discounting.
//! - [`ranking`]: patterns ranked by shrunk estimates and lower credible bounds.
//! - [`predict`]: the show-rate predictor (EB segment rates, then calibrated logistic regression).
//! - [`simulate`]: Thompson vs an even split vs the oracle on known rates.
//!
//! Everything is deterministic for a given seed and serde-serialisable for the edge worker.
//! Methods: analysis-methods.md §2.9–2.12.

pub mod ab;
pub mod beta;
pub mod predict;
pub mod ranking;
pub mod simulate;
pub mod thompson;

pub use ab::{AbArm, AbConfig, AbDecision, AbResult, evaluate_ab, expected_loss, prob_beats};
pub use beta::{Beta, Counts, DEFAULT_SHOW_RATE, FittedPrior, PriorConfig, PriorMethod, fit_prior};
pub use ranking::{PatternStats, RankBy, RankConfig, RankedPattern, Ranking, rank_patterns};
pub use simulate::{Policy, SimulationConfig, SimulationReport, simulate};
pub use thompson::{
    Allocation, AllocationPhase, ArmEvidence, ThompsonConfig, allocate, choose_arm,
};

/// What is wrong with the input of a learning function.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LearnError {
    #[error("{successes} successes out of {trials} trials: successes cannot exceed trials")]
    InvalidCounts { successes: u64, trials: u64 },
    #[error("Beta({alpha}, {beta}): both parameters must be finite and positive")]
    InvalidBeta { alpha: f64, beta: f64 },
    #[error("{0} is not a rate strictly between 0 and 1")]
    InvalidRate(f64),
    #[error("invalid setting: {0}")]
    InvalidConfig(String),
    #[error("not enough data: {0}")]
    NotEnoughData(String),
}
