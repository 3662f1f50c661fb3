//! Beta distributions as posteriors of a rate, and the empirical-Bayes prior fitted from a
//! population of rates (analysis-methods.md §2.9, §2.11).

use rand::Rng;
use serde::{Deserialize, Serialize};
use statrs::distribution::{Continuous, ContinuousCDF};

use super::LearnError;

/// Successes out of trials (shows out of booked calls, clicks out of sends, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(try_from = "RawCounts")]
pub struct Counts {
    successes: u64,
    trials: u64,
}

#[derive(Deserialize)]
struct RawCounts {
    successes: u64,
    trials: u64,
}

impl TryFrom<RawCounts> for Counts {
    type Error = LearnError;
    fn try_from(raw: RawCounts) -> Result<Self, LearnError> {
        Counts::new(raw.successes, raw.trials)
    }
}

impl Counts {
    /// `successes` of `trials`; an error when there are more successes than trials.
    pub fn new(successes: u64, trials: u64) -> Result<Counts, LearnError> {
        if successes > trials {
            return Err(LearnError::InvalidCounts { successes, trials });
        }
        Ok(Counts { successes, trials })
    }

    pub fn successes(self) -> u64 {
        self.successes
    }

    pub fn trials(self) -> u64 {
        self.trials
    }

    pub fn failures(self) -> u64 {
        self.trials - self.successes
    }

    /// The raw rate, `None` without trials. For display next to shrunk estimates only.
    pub fn rate(self) -> Option<f64> {
        (self.trials > 0).then(|| self.successes as f64 / self.trials as f64)
    }
}

/// A Beta(α, β) distribution; α and β are finite and positive (checked on construction and
/// on deserialisation).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawBeta")]
pub struct Beta {
    alpha: f64,
    beta: f64,
}

#[derive(Deserialize)]
struct RawBeta {
    alpha: f64,
    beta: f64,
}

impl TryFrom<RawBeta> for Beta {
    type Error = LearnError;
    fn try_from(raw: RawBeta) -> Result<Self, LearnError> {
        Beta::new(raw.alpha, raw.beta)
    }
}

/// Largest shape parameter accepted: beyond it the distribution is a point for every purpose
/// here and the special functions lose precision.
const MAX_SHAPE: f64 = 1e9;

impl Beta {
    pub fn new(alpha: f64, beta: f64) -> Result<Beta, LearnError> {
        let valid = |x: f64| x.is_finite() && x > 0.0 && x <= MAX_SHAPE;
        if !valid(alpha) || !valid(beta) {
            return Err(LearnError::InvalidBeta { alpha, beta });
        }
        Ok(Beta { alpha, beta })
    }

    /// Beta(1, 1): every rate equally likely.
    pub fn uniform() -> Beta {
        Beta {
            alpha: 1.0,
            beta: 1.0,
        }
    }

    /// The prior "about `mean`, worth `strength` pseudo-trials" (α = κm, β = κ(1−m)).
    pub fn from_mean_strength(mean: f64, strength: f64) -> Result<Beta, LearnError> {
        if !(mean > 0.0 && mean < 1.0) {
            return Err(LearnError::InvalidRate(mean));
        }
        Beta::new(strength * mean, strength * (1.0 - mean))
    }

    pub fn alpha(self) -> f64 {
        self.alpha
    }

    pub fn beta(self) -> f64 {
        self.beta
    }

    /// The posterior after observing `counts`.
    pub fn update(self, counts: Counts) -> Beta {
        // Saturates at MAX_SHAPE rather than failing: more data than that changes nothing.
        Beta {
            alpha: (self.alpha + counts.successes as f64).min(MAX_SHAPE),
            beta: (self.beta + counts.failures() as f64).min(MAX_SHAPE),
        }
    }

    /// α + β: how many trials' worth of evidence the distribution holds.
    pub fn strength(self) -> f64 {
        self.alpha + self.beta
    }

    pub fn mean(self) -> f64 {
        self.alpha / (self.alpha + self.beta)
    }

    pub fn variance(self) -> f64 {
        let s = self.alpha + self.beta;
        self.alpha * self.beta / (s * s * (s + 1.0))
    }

    pub fn sd(self) -> f64 {
        self.variance().sqrt()
    }

    fn statrs(self) -> Option<statrs::distribution::Beta> {
        statrs::distribution::Beta::new(self.alpha, self.beta).ok()
    }

    /// P(X ≤ x).
    pub fn cdf(self, x: f64) -> f64 {
        if x.is_nan() {
            return f64::NAN;
        }
        if x <= 0.0 {
            return 0.0;
        }
        if x >= 1.0 {
            return 1.0;
        }
        self.statrs().map_or(f64::NAN, |d| d.cdf(x))
    }

    /// The density at x (0 outside (0, 1)).
    pub fn pdf(self, x: f64) -> f64 {
        if !(x > 0.0 && x < 1.0) {
            return 0.0;
        }
        self.statrs().map_or(f64::NAN, |d| d.pdf(x))
    }

    /// The p-quantile (inverse CDF); p is clamped to [0, 1].
    pub fn quantile(self, p: f64) -> f64 {
        let p = if p.is_nan() { 0.5 } else { p.clamp(0.0, 1.0) };
        if p == 0.0 {
            return 0.0;
        }
        if p == 1.0 {
            return 1.0;
        }
        self.statrs()
            .map_or(f64::NAN, |d| d.inverse_cdf(p))
            .clamp(0.0, 1.0)
    }

    /// The central credible interval holding `level` of the mass (e.g. 0.9 → 5% and 95%).
    pub fn interval(self, level: f64) -> (f64, f64) {
        let tail = (1.0 - level.clamp(0.0, 1.0)) / 2.0;
        (self.quantile(tail), self.quantile(1.0 - tail))
    }

    /// One draw.
    pub(crate) fn sample<R: Rng + ?Sized>(self, rng: &mut R) -> f64 {
        use rand::distr::Distribution;
        match rand_distr::Beta::new(self.alpha, self.beta) {
            Ok(distribution) => distribution.sample(rng),
            Err(_) => self.mean(),
        }
    }
}

/// How a prior was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PriorMethod {
    /// Method of moments across the groups (enough groups with data).
    MethodOfMoments,
    /// Too few groups: the baseline at the fallback strength.
    Baseline,
}

/// A fitted prior and how it was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FittedPrior {
    pub prior: Beta,
    pub method: PriorMethod,
    /// Groups with at least one trial.
    pub groups: usize,
}

/// Settings for fitting an empirical-Bayes prior.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PriorConfig {
    /// The rate to assume with little data (e.g. the industry's show rate).
    pub baseline: f64,
    /// The fallback prior's strength in pseudo-trials ("a small prior strength").
    pub baseline_strength: f64,
    /// Fewer groups with data than this: use the baseline.
    pub min_groups: usize,
    /// The fitted strength (α + β) is clipped to this range.
    pub min_strength: f64,
    pub max_strength: f64,
}

/// Show rate of booked sales calls when nothing else is known: about a quarter of booked calls
/// are no-shows in practitioner reports (analysis-methods.md §4).
pub const DEFAULT_SHOW_RATE: f64 = 0.75;

impl Default for PriorConfig {
    fn default() -> Self {
        PriorConfig {
            baseline: DEFAULT_SHOW_RATE,
            baseline_strength: 10.0,
            min_groups: 5,
            min_strength: 2.0,
            max_strength: 200.0,
        }
    }
}

impl PriorConfig {
    /// The default settings around another baseline rate (a click or reply rate, say).
    pub fn with_baseline(baseline: f64) -> PriorConfig {
        PriorConfig {
            baseline,
            ..PriorConfig::default()
        }
    }
}

/// Fits a Beta prior to the rates of a population of groups (patterns, variants, segments) by
/// the method of moments, subtracting the binomial noise from the observed variance
/// (analysis-methods.md §2.11):
///
/// `μ = mean(p_i)`, `σ²_between = var(p_i) − mean(p_i(1−p_i)/n_i)`,
/// `α + β = μ(1−μ)/σ²_between − 1` clipped to `[min_strength, max_strength]`, and
/// `max_strength` when σ²_between ≤ 0 ("the groups are alike").
///
/// With fewer than `min_groups` groups with data the prior is the baseline with strength κ =
/// `baseline_strength`: `Beta(κm, κ(1−m))`.
pub fn fit_prior(groups: &[Counts], config: &PriorConfig) -> Result<FittedPrior, LearnError> {
    if !(config.baseline > 0.0 && config.baseline < 1.0) {
        return Err(LearnError::InvalidRate(config.baseline));
    }
    let valid_strength = |s: f64| s.is_finite() && s > 0.0;
    if !valid_strength(config.baseline_strength)
        || !valid_strength(config.min_strength)
        || !valid_strength(config.max_strength)
        || config.min_strength > config.max_strength
    {
        return Err(LearnError::InvalidConfig(
            "prior strengths must be positive and min ≤ max".into(),
        ));
    }
    let with_data: Vec<Counts> = groups.iter().copied().filter(|c| c.trials > 0).collect();
    let k = with_data.len();
    if k < config.min_groups.max(2) {
        // The data enter through the likelihood only; pooling them into the prior as well would
        // count them twice.
        let prior = Beta::from_mean_strength(config.baseline, config.baseline_strength)?;
        return Ok(FittedPrior {
            prior,
            method: PriorMethod::Baseline,
            groups: k,
        });
    }
    let rates: Vec<f64> = with_data
        .iter()
        .map(|c| c.successes as f64 / c.trials as f64)
        .collect();
    let kf = k as f64;
    let mean = rates.iter().sum::<f64>() / kf;
    let observed_variance = rates.iter().map(|p| (p - mean).powi(2)).sum::<f64>() / kf;
    let noise = with_data
        .iter()
        .zip(&rates)
        .map(|(c, p)| p * (1.0 - p) / c.trials as f64)
        .sum::<f64>()
        / kf;
    let between = observed_variance - noise;
    let mean = mean.clamp(1e-3, 1.0 - 1e-3);
    let strength = if between <= 0.0 {
        config.max_strength
    } else {
        (mean * (1.0 - mean) / between - 1.0).clamp(config.min_strength, config.max_strength)
    };
    Ok(FittedPrior {
        prior: Beta::from_mean_strength(mean, strength)?,
        method: PriorMethod::MethodOfMoments,
        groups: k,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn counts(s: u64, n: u64) -> Counts {
        Counts::new(s, n).unwrap()
    }

    #[test]
    fn quantiles_match_published_values() {
        // Beta(2, 5), reference values from mpmath at 30 digits (betainc inverted by findroot),
        // the same as R's qbeta(c(.05, .5, .95), 2, 5).
        let b = Beta::new(2.0, 5.0).unwrap();
        assert!(
            (b.quantile(0.05) - 0.062_849_891_708_354).abs() < 1e-9,
            "{}",
            b.quantile(0.05)
        );
        assert!(
            (b.quantile(0.5) - 0.264_449_983_295_660).abs() < 1e-9,
            "{}",
            b.quantile(0.5)
        );
        assert!(
            (b.quantile(0.95) - 0.581_803_409_252_026).abs() < 1e-9,
            "{}",
            b.quantile(0.95)
        );
        // Beta(0.5, 0.5) is the arcsine law: quantile(p) = sin²(πp/2).
        let arcsine = Beta::new(0.5, 0.5).unwrap();
        for p in [0.01, 0.1, 0.3, 0.5, 0.9] {
            let exact = (std::f64::consts::PI * p / 2.0).sin().powi(2);
            assert!((arcsine.quantile(p) - exact).abs() < 1e-9, "p={p}");
        }
        // Beta(1, 1) is uniform.
        assert!((Beta::uniform().quantile(0.37) - 0.37).abs() < 1e-12);
    }

    #[test]
    fn cdf_and_quantile_are_inverse() {
        let b = Beta::new(40.0, 21.0).unwrap();
        for p in [0.001, 0.05, 0.5, 0.95, 0.999] {
            assert!((b.cdf(b.quantile(p)) - p).abs() < 1e-9);
        }
        assert_eq!((b.cdf(-1.0), b.cdf(2.0)), (0.0, 1.0));
    }

    #[test]
    fn moments() {
        let b = Beta::new(8.0, 12.0).unwrap();
        assert!((b.mean() - 0.4).abs() < 1e-15);
        assert!((b.variance() - 8.0 * 12.0 / (400.0 * 21.0)).abs() < 1e-15);
    }

    #[test]
    fn invalid_parameters_are_errors_not_panics() {
        assert!(Beta::new(0.0, 1.0).is_err());
        assert!(Beta::new(f64::NAN, 1.0).is_err());
        assert!(Beta::new(1.0, f64::INFINITY).is_err());
        assert!(Counts::new(3, 2).is_err());
        assert!(serde_json::from_str::<Beta>(r#"{"alpha": -1, "beta": 2}"#).is_err());
        assert!(serde_json::from_str::<Counts>(r#"{"successes": 5, "trials": 4}"#).is_err());
        assert!(Beta::from_mean_strength(1.0, 10.0).is_err());
    }

    #[test]
    fn the_method_of_moments_recovers_a_known_prior() {
        // 400 groups of 50 trials with rates spread as Beta(8, 12): the mean is 0.4 and the
        // strength 20 comes back within sampling error.
        use rand::SeedableRng;
        let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(3);
        let truth = Beta::new(8.0, 12.0).unwrap();
        let groups: Vec<Counts> = (0..400)
            .map(|_| {
                let p = truth.sample(&mut rng);
                let s = (0..50).filter(|_| rng.random::<f64>() < p).count() as u64;
                counts(s, 50)
            })
            .collect();
        let fitted = fit_prior(&groups, &PriorConfig::default()).unwrap();
        assert_eq!(fitted.method, PriorMethod::MethodOfMoments);
        assert!(
            (fitted.prior.mean() - 0.4).abs() < 0.02,
            "{:?}",
            fitted.prior
        );
        assert!(
            (fitted.prior.strength() - 20.0).abs() < 5.0,
            "{:?}",
            fitted.prior
        );
    }

    #[test]
    fn identical_groups_give_the_strongest_prior_and_few_groups_the_baseline() {
        let alike = vec![counts(30, 40); 8];
        let fitted = fit_prior(&alike, &PriorConfig::default()).unwrap();
        assert_eq!(fitted.prior.strength(), 200.0);
        let few = [counts(9, 10), counts(0, 0)];
        let fitted = fit_prior(&few, &PriorConfig::default()).unwrap();
        assert_eq!((fitted.method, fitted.groups), (PriorMethod::Baseline, 1));
        assert!((fitted.prior.mean() - DEFAULT_SHOW_RATE).abs() < 1e-12);
        assert!((fitted.prior.strength() - 10.0).abs() < 1e-12);
        let none = fit_prior(&[], &PriorConfig::default()).unwrap();
        assert!((none.prior.mean() - DEFAULT_SHOW_RATE).abs() < 1e-12);
    }

    proptest! {
        #[test]
        fn quantiles_are_monotone_and_in_range(a in 0.05f64..500.0, b in 0.05f64..500.0, p in 0.0f64..1.0, q in 0.0f64..1.0) {
            let beta = Beta::new(a, b).unwrap();
            let (lo, hi) = if p <= q { (p, q) } else { (q, p) };
            let (x, y) = (beta.quantile(lo), beta.quantile(hi));
            prop_assert!((0.0..=1.0).contains(&x) && (0.0..=1.0).contains(&y));
            prop_assert!(x <= y + 1e-12, "{x} > {y}");
            let c = beta.cdf(x);
            prop_assert!((0.0..=1.0).contains(&c));
        }

        #[test]
        fn fitted_priors_are_valid(groups in proptest::collection::vec((0u64..200, 0u64..200), 0..30)) {
            let groups: Vec<Counts> = groups.into_iter().map(|(s, f)| counts(s, s + f)).collect();
            let fitted = fit_prior(&groups, &PriorConfig::default()).unwrap();
            let m = fitted.prior.mean();
            prop_assert!(m > 0.0 && m < 1.0);
            prop_assert!(fitted.prior.strength() >= 2.0 - 1e-9 && fitted.prior.strength() <= 200.0 + 1e-9);
        }
    }
}
