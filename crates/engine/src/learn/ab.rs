//! Bayesian A/B comparison of two versions: probability to beat control, expected loss, and the
//! stopping rule (analysis-methods.md §2.9). Exact by deterministic quadrature; Monte Carlo with
//! a fixed seed for the lift interval and for more than two arms.

use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;
use serde::{Deserialize, Serialize};

use super::LearnError;
use super::beta::{Beta, Counts};

/// Gauss–Legendre nodes and weights on [−1, 1] (Newton iteration on Legendre polynomials).
fn gauss_legendre(n: usize) -> Vec<(f64, f64)> {
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        // Tricomi's initial guess for the i-th root.
        let mut x = (std::f64::consts::PI * (i as f64 + 0.75) / (n as f64 + 0.5)).cos();
        let mut derivative = 0.0;
        for _ in 0..100 {
            let (mut p0, mut p1) = (1.0, x);
            for k in 2..=n {
                let kf = k as f64;
                let p2 = ((2.0 * kf - 1.0) * x * p1 - (kf - 1.0) * p0) / kf;
                p0 = p1;
                p1 = p2;
            }
            derivative = n as f64 * (x * p1 - p0) / (x * x - 1.0);
            let step = p1 / derivative;
            x -= step;
            if step.abs() < 1e-15 {
                break;
            }
        }
        out.push((x, 2.0 / ((1.0 - x * x) * derivative * derivative)));
    }
    out
}

/// Nodes per panel and panels for the integrals over [0, 1].
const NODES: usize = 20;
const PANELS: usize = 10;

/// ∫₀¹ f(u) du by composite Gauss–Legendre (200 evaluations, never at 0 or 1) after the
/// substitution u = t³(10 − 15t + 6t²), whose derivative vanishes to second order at both ends:
/// quantile functions like √u (steep at the ends) become smooth and the rule stays accurate.
fn integrate_unit(f: impl Fn(f64) -> f64) -> f64 {
    static RULE: std::sync::OnceLock<Vec<(f64, f64)>> = std::sync::OnceLock::new();
    let rule = RULE.get_or_init(|| gauss_legendre(NODES));
    let width = 1.0 / PANELS as f64;
    let mut total = 0.0;
    for panel in 0..PANELS {
        let mid = (panel as f64 + 0.5) * width;
        for &(x, w) in rule {
            let t = mid + x * width / 2.0;
            let u = t * t * t * (10.0 - 15.0 * t + 6.0 * t * t);
            let du = 30.0 * t * t * (1.0 - t) * (1.0 - t);
            total += w * du * f(u);
        }
    }
    total * width / 2.0
}

/// P(p_challenger > p_control) for independent Beta posteriors.
///
/// Computed as `∫₀¹ g(Q(u)) du` over the quantile function Q of the narrower posterior, where g is
/// the other posterior's CDF: the integrand is bounded and smooth, so 200 Gauss–Legendre nodes
/// give about 1e-9 accuracy, for integer or fractional parameters alike.
pub fn prob_beats(control: Beta, challenger: Beta) -> f64 {
    let p = if control.sd() <= challenger.sd() {
        integrate_unit(|u| 1.0 - challenger.cdf(control.quantile(u)))
    } else {
        integrate_unit(|u| control.cdf(challenger.quantile(u)))
    };
    p.clamp(0.0, 1.0)
}

/// The closed form of P(p_challenger > p_control) for an integer α of the challenger (Evan Miller
/// 2015), summed in log space: `Σ_{i<α_B} B(α_A+i, β_A+β_B) / ((β_B+i) B(1+i, β_B) B(α_A, β_A))`.
/// `None` when α_B is not an integer or above 100,000.
pub fn prob_beats_closed_form(control: Beta, challenger: Beta) -> Option<f64> {
    use statrs::function::beta::ln_beta;
    let alpha_b = challenger.alpha();
    if alpha_b.fract() != 0.0 || alpha_b > 100_000.0 {
        return None;
    }
    let (alpha_a, beta_a, beta_b) = (control.alpha(), control.beta(), challenger.beta());
    let ln_b_a = ln_beta(alpha_a, beta_a);
    let mut total = 0.0;
    for i in 0..alpha_b as u64 {
        let i = i as f64;
        total += (ln_beta(alpha_a + i, beta_a + beta_b)
            - (beta_b + i).ln()
            - ln_beta(1.0 + i, beta_b)
            - ln_b_a)
            .exp();
    }
    Some(total.clamp(0.0, 1.0))
}

/// E[max(p_control − p_challenger, 0)]: what choosing the challenger costs, on average, in the
/// worlds where the control is better (Stucchio 2015). Deterministic quadrature, as
/// [`prob_beats`]; uses `y f_B(y) = μ_B f_{B⁺}(y)` with `B⁺ = Beta(α_B + 1, β_B)`.
pub fn expected_loss(control: Beta, challenger: Beta) -> f64 {
    let (a, b) = (control, challenger);
    let loss = if a.sd() <= b.sd() {
        // E_A[h(x)], h(x) = E[(x − Y)⁺] for Y ~ B = x·F_B(x) − μ_B·F_{B⁺}(x).
        let b_plus = Beta::new(b.alpha() + 1.0, b.beta()).unwrap_or(b);
        integrate_unit(|u| {
            let x = a.quantile(u);
            x * b.cdf(x) - b.mean() * b_plus.cdf(x)
        })
    } else {
        // E_B[k(y)], k(y) = E[(X − y)⁺] for X ~ A = μ_A·(1 − F_{A⁺}(y)) − y·(1 − F_A(y)).
        let a_plus = Beta::new(a.alpha() + 1.0, a.beta()).unwrap_or(a);
        integrate_unit(|u| {
            let y = b.quantile(u);
            a.mean() * (1.0 - a_plus.cdf(y)) - y * (1.0 - a.cdf(y))
        })
    };
    loss.max(0.0)
}

/// P(arm k is best) for any number of arms, by Monte Carlo with a fixed seed (ties go to the
/// lower index).
pub fn prob_best(posteriors: &[Beta], draws: usize, seed: u64) -> Vec<f64> {
    let mut wins = vec![0u64; posteriors.len()];
    if posteriors.is_empty() || draws == 0 {
        return vec![0.0; posteriors.len()];
    }
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    for _ in 0..draws {
        let mut best = 0;
        let mut best_value = f64::NEG_INFINITY;
        for (k, posterior) in posteriors.iter().enumerate() {
            let value = posterior.sample(&mut rng);
            if value > best_value {
                best = k;
                best_value = value;
            }
        }
        wins[best] += 1;
    }
    wins.into_iter().map(|w| w as f64 / draws as f64).collect()
}

/// Monte Carlo estimates of P(challenger > control) and of E[max(control − challenger, 0)]
/// (for checking the exact versions, and for callers that want the classic method).
pub fn monte_carlo(control: Beta, challenger: Beta, draws: usize, seed: u64) -> (f64, f64) {
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    let (mut wins, mut loss) = (0u64, 0.0);
    for _ in 0..draws {
        let a = control.sample(&mut rng);
        let b = challenger.sample(&mut rng);
        if b > a {
            wins += 1;
        }
        loss += (a - b).max(0.0);
    }
    let n = draws.max(1) as f64;
    (wins as f64 / n, loss / n)
}

/// Settings for [`evaluate_ab`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AbConfig {
    /// The prior both arms start from (e.g. the agency's rate with 20–50 pseudo-trials).
    pub prior: Beta,
    /// Declare a winner when its expected loss is below this (absolute; 0.01 = 1 pp).
    pub epsilon: f64,
    /// …and each arm has at least this many trials (booked calls for show rates).
    pub min_trials_per_arm: u64,
    /// …and the test has run at least this many days (when known), to cover weekdays.
    pub min_days: u32,
    /// Credible level of the lift interval.
    pub level: f64,
    /// Monte Carlo draws for the lift interval.
    pub draws: usize,
    pub seed: u64,
}

impl Default for AbConfig {
    fn default() -> Self {
        AbConfig {
            prior: Beta::uniform(),
            epsilon: 0.01,
            min_trials_per_arm: 30,
            min_days: 7,
            level: 0.9,
            draws: 20_000,
            seed: 0,
        }
    }
}

/// One version's side of a test.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ArmSummary {
    pub counts: Counts,
    pub posterior: Beta,
    pub mean: f64,
    /// Central credible interval at the configured level.
    pub lower: f64,
    pub upper: f64,
}

/// Which arm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AbArm {
    Control,
    Challenger,
}

/// What to do now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "decision", rename_all = "snake_case")]
pub enum AbDecision {
    KeepTesting { reason: String },
    Winner { arm: AbArm, reason: String },
}

/// The state of an A/B test, ready to show an agency.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AbResult {
    pub control: ArmSummary,
    pub challenger: ArmSummary,
    /// P(challenger's rate > control's).
    pub prob_challenger_beats_control: f64,
    /// Expected loss of keeping the control: E[max(p_challenger − p_control, 0)].
    pub expected_loss_control: f64,
    /// Expected loss of switching to the challenger: E[max(p_control − p_challenger, 0)].
    pub expected_loss_challenger: f64,
    /// Relative lift (p_challenger − p_control)/p_control: median and central interval (MC).
    pub lift_median: f64,
    pub lift_lower: f64,
    pub lift_upper: f64,
    pub decision: AbDecision,
}

/// Evaluates a two-arm test and applies the stopping rule: the arm with the smaller expected
/// loss wins once that loss is below ε, every arm has `min_trials_per_arm` trials and the test
/// has run `min_days` (when `days_running` is given).
pub fn evaluate_ab(
    control: Counts,
    challenger: Counts,
    days_running: Option<u32>,
    config: &AbConfig,
) -> Result<AbResult, LearnError> {
    let in_unit = |x: f64| x > 0.0 && x < 1.0;
    if !in_unit(config.epsilon) || !in_unit(config.level) {
        return Err(LearnError::InvalidConfig(
            "epsilon and level must be in (0, 1)".into(),
        ));
    }
    let summary = |counts: Counts| {
        let posterior = config.prior.update(counts);
        let (lower, upper) = posterior.interval(config.level);
        ArmSummary {
            counts,
            posterior,
            mean: posterior.mean(),
            lower,
            upper,
        }
    };
    let (a, b) = (summary(control), summary(challenger));
    let prob = prob_beats(a.posterior, b.posterior);
    let loss_control = expected_loss(b.posterior, a.posterior);
    let loss_challenger = expected_loss(a.posterior, b.posterior);
    let (lift_median, lift_lower, lift_upper) = lift(a.posterior, b.posterior, config);

    let (best, best_loss) = if loss_challenger < loss_control {
        (AbArm::Challenger, loss_challenger)
    } else {
        (AbArm::Control, loss_control)
    };
    let fewest = control.trials().min(challenger.trials());
    let decision = if fewest < config.min_trials_per_arm {
        AbDecision::KeepTesting {
            reason: format!(
                "Each version needs at least {} results before deciding (control has {}, challenger {}).",
                config.min_trials_per_arm,
                control.trials(),
                challenger.trials()
            ),
        }
    } else if let Some(days) = days_running.filter(|&d| d < config.min_days) {
        AbDecision::KeepTesting {
            reason: format!(
                "The test has run {days} of at least {} days (weekdays behave differently).",
                config.min_days
            ),
        }
    } else if best_loss >= config.epsilon {
        AbDecision::KeepTesting {
            reason: format!(
                "Picking a winner now could still cost {:.1} points on average; the threshold is {:.1}.",
                best_loss * 100.0,
                config.epsilon * 100.0
            ),
        }
    } else {
        let name = match best {
            AbArm::Control => "the control",
            AbArm::Challenger => "the challenger",
        };
        AbDecision::Winner {
            arm: best,
            reason: format!(
                "Choose {name}: if it is in fact worse, the expected cost is only {:.2} points (below {:.1}).",
                best_loss * 100.0,
                config.epsilon * 100.0
            ),
        }
    };
    Ok(AbResult {
        control: a,
        challenger: b,
        prob_challenger_beats_control: prob,
        expected_loss_control: loss_control,
        expected_loss_challenger: loss_challenger,
        lift_median,
        lift_lower,
        lift_upper,
        decision,
    })
}

/// Median and central interval of the relative lift, by seeded Monte Carlo.
fn lift(control: Beta, challenger: Beta, config: &AbConfig) -> (f64, f64, f64) {
    let draws = config.draws.clamp(100, 1_000_000);
    let mut rng = Pcg64Mcg::seed_from_u64(config.seed);
    let mut lifts: Vec<f64> = (0..draws)
        .map(|_| {
            let a = control.sample(&mut rng).max(1e-12);
            (challenger.sample(&mut rng) - a) / a
        })
        .collect();
    lifts.sort_by(f64::total_cmp);
    let at = |p: f64| lifts[((p * (draws - 1) as f64).round() as usize).min(draws - 1)];
    let tail = (1.0 - config.level) / 2.0;
    (at(0.5), at(tail), at(1.0 - tail))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn beta(a: f64, b: f64) -> Beta {
        Beta::new(a, b).unwrap()
    }

    #[test]
    fn gauss_legendre_integrates_polynomials_exactly() {
        // The rule and the substitution together integrate smooth functions to near machine
        // precision, and steep ones like √u well.
        assert!((integrate_unit(|u| u.powi(39)) - 1.0 / 40.0).abs() < 1e-13);
        assert!((integrate_unit(f64::sqrt) - 2.0 / 3.0).abs() < 1e-10);
        assert!((integrate_unit(|u| u.powf(0.1)) - 1.0 / 1.1).abs() < 1e-8);
        let weights: f64 = gauss_legendre(20).iter().map(|(_, w)| w).sum();
        assert!((weights - 2.0).abs() < 1e-13);
    }

    #[test]
    fn symmetric_arms_are_a_coin_flip() {
        let a = beta(31.0, 71.0);
        assert!((prob_beats(a, a) - 0.5).abs() < 1e-9);
        assert!((prob_beats_closed_form(a, a).unwrap() - 0.5).abs() < 1e-9);
    }

    #[test]
    fn quadrature_agrees_with_the_closed_form() {
        let cases = [
            (beta(1.0, 1.0), beta(2.0, 1.0), 2.0 / 3.0),
            (beta(11.0, 91.0), beta(16.0, 86.0), f64::NAN),
            (beta(201.0, 801.0), beta(231.0, 771.0), f64::NAN),
            (beta(3.5, 2.5), beta(40.0, 10.0), f64::NAN),
            (beta(300.0, 100.0), beta(3.0, 2.0), f64::NAN),
            (beta(0.5, 0.5), beta(1.0, 3.0), f64::NAN),
        ];
        for (a, b, known) in cases {
            let exact = prob_beats_closed_form(a, b).unwrap();
            let quadrature = prob_beats(a, b);
            assert!(
                (exact - quadrature).abs() < 1e-7,
                "{a:?} {b:?}: {exact} vs {quadrature}"
            );
            if known.is_finite() {
                // Beta(2,1) vs uniform: P = ∫ 2x·x dx = 2/3.
                assert!((exact - known).abs() < 1e-12);
            }
        }
    }

    #[test]
    fn exact_values_agree_with_monte_carlo() {
        let cases = [
            (beta(11.0, 91.0), beta(16.0, 86.0)),
            (beta(75.5, 25.5), beta(80.2, 20.8)),
            (beta(2.0, 3.0), beta(3.0, 2.0)),
            (beta(4000.0, 1000.0), beta(4030.0, 970.0)),
        ];
        for (a, b) in cases {
            let (mc_prob, mc_loss) = monte_carlo(a, b, 200_000, 11);
            // 200k draws: standard error ≤ 0.0012 for the probability.
            assert!((prob_beats(a, b) - mc_prob).abs() < 0.005, "{a:?} {b:?}");
            let loss = expected_loss(a, b);
            assert!(
                (loss - mc_loss).abs() < 0.02 * loss.max(1e-3) + 2e-4,
                "{a:?} {b:?}: {loss} vs {mc_loss}"
            );
        }
    }

    #[test]
    fn expected_loss_has_the_known_value_for_uniforms() {
        // X, Y uniform: E[max(X − Y, 0)] = 1/6.
        assert!((expected_loss(Beta::uniform(), Beta::uniform()) - 1.0 / 6.0).abs() < 1e-9);
        // The two losses differ by the difference in means: E[(A−B)⁺] − E[(B−A)⁺] = μA − μB.
        let (a, b) = (beta(30.0, 12.0), beta(8.0, 9.0));
        assert!((expected_loss(a, b) - expected_loss(b, a) - (a.mean() - b.mean())).abs() < 1e-9);
    }

    #[test]
    fn prob_best_sums_to_one_and_agrees_with_the_pairwise_value() {
        let (a, b) = (beta(40.0, 20.0), beta(45.0, 15.0));
        let p = prob_best(&[a, b], 50_000, 5);
        assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert!((p[1] - prob_beats(a, b)).abs() < 0.01);
    }

    #[test]
    fn the_stopping_rule_waits_for_data_then_picks_the_winner() {
        let config = AbConfig::default();
        let c = |s, n| Counts::new(s, n).unwrap();
        let early = evaluate_ab(c(8, 10), c(10, 10), None, &config).unwrap();
        assert!(
            matches!(early.decision, AbDecision::KeepTesting { ref reason } if reason.contains("at least 30"))
        );
        let short = evaluate_ab(c(600, 1000), c(750, 1000), Some(3), &config).unwrap();
        assert!(
            matches!(short.decision, AbDecision::KeepTesting { ref reason } if reason.contains("3 of at least 7 days"))
        );
        let close = evaluate_ab(c(70, 100), c(72, 100), Some(14), &config).unwrap();
        assert!(
            matches!(close.decision, AbDecision::KeepTesting { ref reason } if reason.contains("points"))
        );
        let clear = evaluate_ab(c(600, 1000), c(750, 1000), Some(14), &config).unwrap();
        assert!(
            matches!(
                clear.decision,
                AbDecision::Winner {
                    arm: AbArm::Challenger,
                    ..
                }
            ),
            "{:?}",
            clear.decision
        );
        assert!(clear.prob_challenger_beats_control > 0.999);
        assert!(
            clear.lift_lower > 0.15 && clear.lift_upper < 0.35,
            "{clear:?}"
        );
        let json = serde_json::to_value(&clear).unwrap();
        assert_eq!(json["decision"]["decision"], "winner");
        assert_eq!(json["decision"]["arm"], "challenger");
    }

    proptest! {
        #[test]
        fn probabilities_and_losses_are_in_range(
            a in 0.2f64..3000.0, b in 0.2f64..3000.0, c in 0.2f64..3000.0, d in 0.2f64..3000.0,
        ) {
            let (x, y) = (beta(a, b), beta(c, d));
            let p = prob_beats(x, y);
            prop_assert!((0.0..=1.0).contains(&p));
            // P(Y > X) + P(X > Y) = 1 for continuous distributions.
            prop_assert!((p + prob_beats(y, x) - 1.0).abs() < 1e-6, "{p} + {}", prob_beats(y, x));
            let loss = expected_loss(x, y);
            prop_assert!((0.0..=1.0).contains(&loss));
            prop_assert!((loss - expected_loss(y, x) - (x.mean() - y.mean())).abs() < 1e-6);
        }
    }
}
