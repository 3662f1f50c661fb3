//! The show-rate predictor (analysis-methods.md §2.12): empirical-Bayes segment rates while data
//! is scarce, an L2 logistic regression with Platt calibration once there are at least ten
//! events per feature and it beats the segment rates out of sample. Every prediction comes with
//! an interval; every model with out-of-fold Brier score, log loss, ECE and AUC.

use std::collections::BTreeMap;

use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_pcg::Pcg64Mcg;
use serde::{Deserialize, Serialize};

use super::LearnError;
use super::beta::{Beta, Counts, PriorConfig, fit_prior};
use crate::transcript::AwarenessLevel;

/// What is known about a booking before the call. Every field is optional.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct BookingFeatures {
    /// Days from booking to the call: the most consistent predictor in the no-show literature.
    pub lead_time_days: Option<f64>,
    /// Lead source or booking channel ("referral", "facebook_ads", "outbound", …).
    pub channel: Option<String>,
    /// Booked by the prospect (true) or by a rep (false).
    pub self_booked: Option<bool>,
    /// Replied YES, clicked confirm or accepted the invitation.
    pub confirmed: Option<bool>,
    /// Earlier no-shows and reschedules by the same prospect.
    pub prior_no_shows: Option<u32>,
    pub prior_reschedules: Option<u32>,
    pub awareness: Option<AwarenessLevel>,
    /// Hour of the call in the prospect's time zone (0–23).
    pub local_hour: Option<u8>,
    /// Day of the call: 0 = Monday … 6 = Sunday.
    pub weekday: Option<u8>,
    /// Messages or calls before the booking.
    pub touches_before_booking: Option<u32>,
}

/// A past booking and whether the prospect showed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LabelledBooking {
    #[serde(flatten)]
    pub features: BookingFeatures,
    pub showed: bool,
}

/// Settings for [`fit_show_rate_model`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PredictorConfig {
    /// The baseline show rate and its strength, used when there are too few segments.
    pub prior: PriorConfig,
    /// Logistic regression is considered from this many events (of the rarer outcome) per feature.
    pub min_events_per_feature: f64,
    /// Cross-validation folds (for λ, for Platt scaling and for the reported metrics).
    pub folds: usize,
    /// L2 strengths tried by cross-validation (on the summed log loss).
    pub l2_grid: Vec<f64>,
    /// Credible level of the prediction intervals.
    pub level: f64,
    /// Channels with their own coefficient (the most frequent; the rest share "other").
    pub max_channels: usize,
    pub seed: u64,
}

impl Default for PredictorConfig {
    fn default() -> Self {
        PredictorConfig {
            prior: PriorConfig::default(),
            min_events_per_feature: 10.0,
            folds: 5,
            l2_grid: vec![0.3, 3.0, 30.0],
            level: 0.9,
            max_channels: 8,
            seed: 0,
        }
    }
}

/// Which model made a prediction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ModelKind {
    SegmentRates,
    Logistic,
}

/// A predicted show probability with its uncertainty.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Prediction {
    pub probability: f64,
    /// Central interval at the configured level.
    pub lower: f64,
    pub upper: f64,
    pub method: ModelKind,
    /// The segment used by the segment model (`None` when it fell back to the agency rate).
    pub segment: Option<String>,
}

/// How good a set of probabilities was on outcomes it had not seen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalibrationReport {
    pub n: usize,
    /// Mean squared error of the probabilities.
    pub brier: f64,
    /// The Brier score of always predicting the base rate: a useful model is below it.
    pub brier_base_rate: f64,
    pub log_loss: f64,
    /// Expected calibration error over 10 equal-mass bins.
    pub ece: f64,
    /// Area under the ROC curve; `None` when only one outcome occurs.
    pub auc: Option<f64>,
    pub reliability: Vec<ReliabilityBin>,
}

/// One bin of the reliability table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReliabilityBin {
    pub count: usize,
    pub mean_predicted: f64,
    pub observed_rate: f64,
}

/// What was fitted and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelReport {
    pub bookings: usize,
    pub shows: usize,
    /// Columns of the logistic regression (without the intercept).
    pub features: usize,
    /// min(shows, no-shows) / features.
    pub events_per_feature: f64,
    pub chosen: ModelKind,
    pub reason: String,
    /// Out-of-fold metrics of each model (`None` when it was not evaluated).
    pub segment_rates: Option<CalibrationReport>,
    pub logistic: Option<CalibrationReport>,
}

/// A fitted show-rate model (serialisable: fit once, store, predict many times).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShowRateModel {
    segments: SegmentModel,
    logistic: Option<LogisticModel>,
    level: f64,
    pub report: ModelReport,
}

impl ShowRateModel {
    /// The predicted show probability of one booking.
    pub fn predict(&self, features: &BookingFeatures) -> Prediction {
        match &self.logistic {
            Some(model) => model.predict(features, self.level),
            None => self.segments.predict(features, self.level),
        }
    }

    /// The expected show rate over a set of bookings (e.g. the recent mix for a draft's stage):
    /// the mean probability, with the mean of the bounds as a conservative interval.
    pub fn predict_average(&self, bookings: &[BookingFeatures]) -> Option<Prediction> {
        let predictions: Vec<Prediction> = bookings.iter().map(|b| self.predict(b)).collect();
        let n = predictions.len() as f64;
        let first = predictions.first()?;
        Some(Prediction {
            probability: predictions.iter().map(|p| p.probability).sum::<f64>() / n,
            lower: predictions.iter().map(|p| p.lower).sum::<f64>() / n,
            upper: predictions.iter().map(|p| p.upper).sum::<f64>() / n,
            method: first.method,
            segment: None,
        })
    }
}

/// Fits the show-rate model to an agency's (or client's) booking history.
pub fn fit_show_rate_model(
    history: &[LabelledBooking],
    config: &PredictorConfig,
) -> Result<ShowRateModel, LearnError> {
    if config.folds < 2
        || config.l2_grid.is_empty()
        || config.l2_grid.iter().any(|l| !(l.is_finite() && *l > 0.0))
    {
        return Err(LearnError::InvalidConfig(
            "folds ≥ 2 and positive L2 strengths are needed".into(),
        ));
    }
    if !(config.level > 0.0 && config.level < 1.0) {
        return Err(LearnError::InvalidConfig("level must be in (0, 1)".into()));
    }
    let shows = history.iter().filter(|b| b.showed).count();
    let rarer = shows.min(history.len() - shows);
    let segments = SegmentModel::fit(history, &config.prior)?;
    let encoder = Encoder::fit(history, config.max_channels);
    let features = encoder.width() - 1;
    let events_per_feature = rarer as f64 / features as f64;
    let mut report = ModelReport {
        bookings: history.len(),
        shows,
        features,
        events_per_feature,
        chosen: ModelKind::SegmentRates,
        reason: String::new(),
        segment_rates: None,
        logistic: None,
    };
    let outcomes: Vec<bool> = history.iter().map(|b| b.showed).collect();
    let folds = fold_assignment(history.len(), config.folds, config.seed);
    if history.len() >= config.folds * 2 {
        let mut oof = vec![0.0; history.len()];
        for fold in 0..config.folds {
            let train: Vec<LabelledBooking> = select(history, &folds, |f| f != fold);
            let model = SegmentModel::fit(&train, &config.prior)?;
            for (i, booking) in history
                .iter()
                .enumerate()
                .filter(|(i, _)| folds[*i] == fold)
            {
                oof[i] = model.predict(&booking.features, config.level).probability;
            }
        }
        report.segment_rates = Some(calibration_report(&oof, &outcomes));
    }

    if events_per_feature < config.min_events_per_feature {
        report.reason = format!(
            "{rarer} of the rarer outcome for {features} features is {events_per_feature:.1} events per feature; \
             logistic regression needs {:.0}, so segment rates are used.",
            config.min_events_per_feature
        );
        return Ok(ShowRateModel {
            segments,
            logistic: None,
            level: config.level,
            report,
        });
    }

    let rows: Vec<Vec<f64>> = history
        .iter()
        .map(|b| encoder.encode(&b.features))
        .collect();
    let targets: Vec<f64> = outcomes.iter().map(|&y| f64::from(u8::from(y))).collect();
    // λ by cross-validated log loss; the winner's out-of-fold logits feed Platt scaling.
    let mut best: Option<(f64, f64, Vec<f64>)> = None;
    for &lambda in &config.l2_grid {
        let mut logits = vec![0.0; rows.len()];
        for fold in 0..config.folds {
            let train: Vec<usize> = (0..rows.len()).filter(|&i| folds[i] != fold).collect();
            let fit = fit_logistic(&pick(&rows, &train), &pick(&targets, &train), lambda, true);
            for i in (0..rows.len()).filter(|&i| folds[i] == fold) {
                logits[i] = dot(&fit.weights, &rows[i]);
            }
        }
        let loss = log_loss(
            &logits.iter().map(|&z| sigmoid(z)).collect::<Vec<_>>(),
            &outcomes,
        );
        if best.as_ref().is_none_or(|(_, l, _)| loss < *l) {
            best = Some((lambda, loss, logits));
        }
    }
    let Some((lambda, _, oof_logits)) = best else {
        return Err(LearnError::InvalidConfig("no L2 strength to try".into()));
    };
    let platt = fit_platt(&oof_logits, &outcomes);
    let calibrated: Vec<f64> = oof_logits.iter().map(|&z| platt.apply(z)).collect();
    let logistic_report = calibration_report(&calibrated, &outcomes);
    let fit = fit_logistic(&rows, &targets, lambda, true);
    let covariance = invert_spd(&fit.hessian);
    let logistic = LogisticModel {
        encoder,
        weights: fit.weights,
        covariance,
        platt,
        lambda,
    };

    let segment_brier = report
        .segment_rates
        .as_ref()
        .map_or(f64::INFINITY, |r| r.brier);
    let better = logistic_report.brier < segment_brier;
    report.reason = if better {
        format!(
            "{events_per_feature:.1} events per feature and an out-of-fold Brier score of {:.4} against {:.4} \
             for segment rates: the calibrated logistic regression (λ = {lambda}) is used.",
            logistic_report.brier, segment_brier
        )
    } else {
        format!(
            "The logistic regression did not beat segment rates out of fold (Brier {:.4} vs {:.4}), so segment \
             rates are used.",
            logistic_report.brier, segment_brier
        )
    };
    report.logistic = Some(logistic_report);
    if better {
        report.chosen = ModelKind::Logistic;
        return Ok(ShowRateModel {
            segments,
            logistic: Some(logistic),
            level: config.level,
            report,
        });
    }
    Ok(ShowRateModel {
        segments,
        logistic: None,
        level: config.level,
        report,
    })
}

// ---- segment rates -------------------------------------------------------------------------

/// Lead-time buckets: same-day or next day, 2–3, 4–7, 8+ days.
fn lead_bucket(days: Option<f64>) -> &'static str {
    match days {
        Some(d) if d.is_finite() && d < 2.0 => "0-1d",
        Some(d) if d.is_finite() && d < 4.0 => "2-3d",
        Some(d) if d.is_finite() && d < 8.0 => "4-7d",
        Some(d) if d.is_finite() => "8+d",
        _ => "unknown",
    }
}

fn segment_key(features: &BookingFeatures) -> String {
    let channel = features
        .channel
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .unwrap_or("unknown");
    format!(
        "{} × {}",
        channel.to_lowercase(),
        lead_bucket(features.lead_time_days)
    )
}

/// EB-shrunk show rate per channel × lead-time bucket, shrunk toward the agency's rate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct SegmentModel {
    prior: Beta,
    segments: BTreeMap<String, Counts>,
}

impl SegmentModel {
    fn fit(history: &[LabelledBooking], prior: &PriorConfig) -> Result<SegmentModel, LearnError> {
        let mut segments: BTreeMap<String, (u64, u64)> = BTreeMap::new();
        for booking in history {
            let entry = segments.entry(segment_key(&booking.features)).or_default();
            entry.0 += u64::from(booking.showed);
            entry.1 += 1;
        }
        let segments: BTreeMap<String, Counts> = segments
            .into_iter()
            .map(|(key, (s, n))| Counts::new(s, n).map(|c| (key, c)))
            .collect::<Result<_, _>>()?;
        // Few segments: shrink toward the agency's own rate (the baseline moved by its data).
        let shows: u64 = segments.values().map(|c| c.successes()).sum();
        let total: u64 = segments.values().map(|c| c.trials()).sum();
        let agency = Beta::from_mean_strength(prior.baseline, prior.baseline_strength)?
            .update(Counts::new(shows, total)?)
            .mean()
            .clamp(1e-3, 1.0 - 1e-3);
        let config = PriorConfig {
            baseline: agency,
            ..*prior
        };
        let fitted = fit_prior(&segments.values().copied().collect::<Vec<_>>(), &config)?;
        Ok(SegmentModel {
            prior: fitted.prior,
            segments,
        })
    }

    fn predict(&self, features: &BookingFeatures, level: f64) -> Prediction {
        let key = segment_key(features);
        let (posterior, segment) = match self.segments.get(&key) {
            Some(counts) => (self.prior.update(*counts), Some(key)),
            None => (self.prior, None),
        };
        let (lower, upper) = posterior.interval(level);
        Prediction {
            probability: posterior.mean(),
            lower,
            upper,
            method: ModelKind::SegmentRates,
            segment,
        }
    }
}

// ---- logistic regression -------------------------------------------------------------------

/// Turns features into a row: intercept, then indicator and bounded numeric columns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Encoder {
    channels: Vec<String>,
}

impl Encoder {
    fn fit(history: &[LabelledBooking], max_channels: usize) -> Encoder {
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for booking in history {
            if let Some(channel) = booking
                .features
                .channel
                .as_deref()
                .map(|c| c.trim().to_lowercase())
                .filter(|c| !c.is_empty())
            {
                *counts.entry(channel).or_default() += 1;
            }
        }
        let mut channels: Vec<(String, usize)> =
            counts.into_iter().filter(|(_, n)| *n >= 5).collect();
        channels.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        channels.truncate(max_channels);
        Encoder {
            channels: channels.into_iter().map(|(c, _)| c).collect(),
        }
    }

    /// Intercept + 4 lead + channels + other + 4 booleans + 3 history + 3 awareness + 3 hour +
    /// 4 weekday + 1 touches.
    fn width(&self) -> usize {
        1 + 4 + self.channels.len() + 1 + 4 + 3 + 3 + 3 + 4 + 1
    }

    fn encode(&self, f: &BookingFeatures) -> Vec<f64> {
        let flag = |b: bool| f64::from(u8::from(b));
        let mut row = Vec::with_capacity(self.width());
        row.push(1.0);
        let bucket = lead_bucket(f.lead_time_days);
        for name in ["2-3d", "4-7d", "8+d", "unknown"] {
            row.push(flag(bucket == name));
        }
        let channel = f
            .channel
            .as_deref()
            .map(|c| c.trim().to_lowercase())
            .filter(|c| !c.is_empty());
        for known in &self.channels {
            row.push(flag(channel.as_deref() == Some(known.as_str())));
        }
        row.push(flag(
            channel.as_ref().is_some_and(|c| !self.channels.contains(c)),
        ));
        for value in [f.self_booked, f.confirmed] {
            row.push(flag(value == Some(true)));
            row.push(flag(value.is_none()));
        }
        row.push(f64::from(f.prior_no_shows.unwrap_or(0).min(3)));
        row.push(f64::from(f.prior_reschedules.unwrap_or(0).min(3)));
        row.push(flag(
            f.prior_no_shows.is_none() && f.prior_reschedules.is_none(),
        ));
        row.push(flag(f.awareness == Some(AwarenessLevel::Solution)));
        row.push(flag(f.awareness == Some(AwarenessLevel::Product)));
        row.push(flag(f.awareness.is_none()));
        let hour = f.local_hour.filter(|h| *h < 24);
        row.push(flag(hour.is_some_and(|h| h < 12)));
        row.push(flag(hour.is_some_and(|h| h >= 17)));
        row.push(flag(hour.is_none()));
        let weekday = f.weekday.filter(|d| *d < 7);
        row.push(flag(weekday == Some(0)));
        row.push(flag(weekday == Some(4)));
        row.push(flag(weekday.is_some_and(|d| d >= 5)));
        row.push(flag(weekday.is_none()));
        row.push((1.0 + f64::from(f.touches_before_booking.unwrap_or(0).min(20))).ln());
        row
    }
}

/// Platt scaling: p = σ(A·z + B) on the model's logit z.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
struct Platt {
    a: f64,
    b: f64,
}

impl Platt {
    fn apply(self, z: f64) -> f64 {
        sigmoid(self.a * z + self.b)
    }
}

/// Fits Platt's A and B with his smoothed targets, (N₊ + 1)/(N₊ + 2) and 1/(N₋ + 2), which keep
/// a small calibration set from producing 0 or 1.
fn fit_platt(logits: &[f64], outcomes: &[bool]) -> Platt {
    let positives = outcomes.iter().filter(|&&y| y).count() as f64;
    let negatives = outcomes.len() as f64 - positives;
    let high = (positives + 1.0) / (positives + 2.0);
    let low = 1.0 / (negatives + 2.0);
    let rows: Vec<Vec<f64>> = logits.iter().map(|&z| vec![1.0, z]).collect();
    let targets: Vec<f64> = outcomes
        .iter()
        .map(|&y| if y { high } else { low })
        .collect();
    let fit = fit_logistic(&rows, &targets, 1e-6, false);
    Platt {
        a: fit.weights[1],
        b: fit.weights[0],
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct LogisticModel {
    encoder: Encoder,
    weights: Vec<f64>,
    /// Laplace approximation of the posterior covariance of the weights: (XᵀWX + λI)⁻¹.
    covariance: Vec<Vec<f64>>,
    platt: Platt,
    lambda: f64,
}

impl LogisticModel {
    fn predict(&self, features: &BookingFeatures, level: f64) -> Prediction {
        let row = self.encoder.encode(features);
        let z = dot(&self.weights, &row);
        let variance: f64 = self
            .covariance
            .iter()
            .zip(&row)
            .map(|(column, x)| x * dot(column, &row))
            .sum::<f64>()
            .max(0.0);
        let q = normal_quantile(0.5 + level / 2.0);
        let (a, b) = (
            self.platt.apply(z - q * variance.sqrt()),
            self.platt.apply(z + q * variance.sqrt()),
        );
        Prediction {
            probability: self.platt.apply(z),
            lower: a.min(b),
            upper: a.max(b),
            method: ModelKind::Logistic,
            segment: None,
        }
    }
}

struct LogisticFit {
    weights: Vec<f64>,
    hessian: Vec<Vec<f64>>,
}

/// L2-penalised logistic regression by Newton's method (IRLS): minimises
/// `Σ log loss + λ/2·‖w‖²` (the intercept, column 0, is not penalised when `skip_intercept`).
/// Targets may be fractional (Platt's smoothed targets).
fn fit_logistic(
    rows: &[Vec<f64>],
    targets: &[f64],
    lambda: f64,
    skip_intercept: bool,
) -> LogisticFit {
    let p = rows.first().map_or(1, Vec::len);
    let penalty = |j: usize| {
        if skip_intercept && j == 0 {
            1e-9
        } else {
            lambda
        }
    };
    let mut weights = vec![0.0; p];
    let objective = |w: &[f64]| -> f64 {
        let data: f64 = rows
            .iter()
            .zip(targets)
            .map(|(x, &y)| {
                let z = dot(w, x);
                // log(1 + e^z) − y·z, computed stably.
                z.max(0.0) + (-z.abs()).exp().ln_1p() - y * z
            })
            .sum();
        data + (0..p).map(|j| 0.5 * penalty(j) * w[j] * w[j]).sum::<f64>()
    };
    let mut hessian = vec![vec![0.0; p]; p];
    let mut current = objective(&weights);
    for _ in 0..50 {
        let mut gradient: Vec<f64> = (0..p).map(|j| penalty(j) * weights[j]).collect();
        hessian = vec![vec![0.0; p]; p];
        for (j, row) in hessian.iter_mut().enumerate() {
            row[j] = penalty(j);
        }
        for (x, &y) in rows.iter().zip(targets) {
            let mu = sigmoid(dot(&weights, x));
            let w = (mu * (1.0 - mu)).max(1e-12);
            for j in 0..p {
                if x[j] == 0.0 {
                    continue;
                }
                gradient[j] += (mu - y) * x[j];
                for k in 0..=j {
                    hessian[j][k] += w * x[j] * x[k];
                }
            }
        }
        // Mirror the lower triangle into the upper one.
        for j in 1..p {
            let (upper, lower) = hessian.split_at_mut(j);
            for (k, row) in upper.iter_mut().enumerate() {
                row[j] = lower[0][k];
            }
        }
        let Some(step) = solve_spd(&hessian, &gradient) else {
            break;
        };
        // Step halving keeps every iteration downhill.
        let mut scale = 1.0;
        let mut accepted = false;
        for _ in 0..30 {
            let candidate: Vec<f64> = weights
                .iter()
                .zip(&step)
                .map(|(w, s)| w - scale * s)
                .collect();
            let value = objective(&candidate);
            if value <= current + 1e-12 {
                weights = candidate;
                current = value;
                accepted = true;
                break;
            }
            scale /= 2.0;
        }
        let size = step.iter().fold(0.0f64, |m, s| m.max((s * scale).abs()));
        if !accepted || size < 1e-9 {
            break;
        }
    }
    LogisticFit { weights, hessian }
}

/// Cholesky factor of a symmetric positive-definite matrix (lower triangle), with a little
/// jitter added if rounding made it indefinite.
fn cholesky(matrix: &[Vec<f64>]) -> Option<Vec<Vec<f64>>> {
    let n = matrix.len();
    for jitter in [0.0, 1e-10, 1e-8, 1e-6] {
        let mut l = vec![vec![0.0; n]; n];
        let mut ok = true;
        'outer: for i in 0..n {
            for j in 0..=i {
                let sum: f64 = (0..j).map(|k| l[i][k] * l[j][k]).sum();
                if i == j {
                    let value = matrix[i][i] + jitter - sum;
                    if !(value > 0.0 && value.is_finite()) {
                        ok = false;
                        break 'outer;
                    }
                    l[i][j] = value.sqrt();
                } else {
                    l[i][j] = (matrix[i][j] - sum) / l[j][j];
                }
            }
        }
        if ok {
            return Some(l);
        }
    }
    None
}

fn solve_with(l: &[Vec<f64>], b: &[f64]) -> Vec<f64> {
    let n = l.len();
    let mut y = vec![0.0; n];
    for i in 0..n {
        y[i] = (b[i] - (0..i).map(|k| l[i][k] * y[k]).sum::<f64>()) / l[i][i];
    }
    let mut x = vec![0.0; n];
    for i in (0..n).rev() {
        x[i] = (y[i] - (i + 1..n).map(|k| l[k][i] * x[k]).sum::<f64>()) / l[i][i];
    }
    x
}

fn solve_spd(matrix: &[Vec<f64>], b: &[f64]) -> Option<Vec<f64>> {
    cholesky(matrix).map(|l| solve_with(&l, b))
}

/// The inverse of a symmetric positive-definite matrix (zero matrix if it is not one).
fn invert_spd(matrix: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let n = matrix.len();
    let Some(l) = cholesky(matrix) else {
        return vec![vec![0.0; n]; n];
    };
    let columns: Vec<Vec<f64>> = (0..n)
        .map(|j| {
            let unit: Vec<f64> = (0..n).map(|i| f64::from(u8::from(i == j))).collect();
            solve_with(&l, &unit)
        })
        .collect();
    // Symmetric, so columns are rows.
    columns
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        z.exp() / (1.0 + z.exp())
    }
}

fn normal_quantile(p: f64) -> f64 {
    use statrs::distribution::{ContinuousCDF, Normal};
    Normal::new(0.0, 1.0).map_or(1.645, |n| n.inverse_cdf(p.clamp(1e-12, 1.0 - 1e-12)))
}

fn fold_assignment(n: usize, folds: usize, seed: u64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    order.shuffle(&mut Pcg64Mcg::seed_from_u64(seed));
    let mut assignment = vec![0; n];
    for (position, &i) in order.iter().enumerate() {
        assignment[i] = position % folds.max(1);
    }
    assignment
}

fn select(
    history: &[LabelledBooking],
    folds: &[usize],
    keep: impl Fn(usize) -> bool,
) -> Vec<LabelledBooking> {
    history
        .iter()
        .zip(folds)
        .filter(|(_, f)| keep(**f))
        .map(|(b, _)| b.clone())
        .collect()
}

fn pick<T: Clone>(items: &[T], indices: &[usize]) -> Vec<T> {
    indices.iter().map(|&i| items[i].clone()).collect()
}

// ---- calibration metrics -------------------------------------------------------------------

fn log_loss(predicted: &[f64], outcomes: &[bool]) -> f64 {
    let n = predicted.len().max(1) as f64;
    predicted
        .iter()
        .zip(outcomes)
        .map(|(&p, &y)| {
            let p = p.clamp(1e-12, 1.0 - 1e-12);
            if y { -p.ln() } else { -(1.0 - p).ln() }
        })
        .sum::<f64>()
        / n
}

/// Brier score, log loss, ECE (10 equal-mass bins), AUC and a reliability table for predicted
/// probabilities against outcomes (pairs beyond the shorter list are ignored; probabilities are
/// clamped to [0, 1]).
pub fn calibration_report(predicted: &[f64], outcomes: &[bool]) -> CalibrationReport {
    let n = predicted.len().min(outcomes.len());
    let predicted: Vec<f64> = predicted[..n]
        .iter()
        .map(|p| if p.is_nan() { 0.5 } else { p.clamp(0.0, 1.0) })
        .collect();
    let outcomes = &outcomes[..n];
    let y = |i: usize| f64::from(u8::from(outcomes[i]));
    let nf = n.max(1) as f64;
    let base_rate = (0..n).map(y).sum::<f64>() / nf;
    let brier = (0..n).map(|i| (predicted[i] - y(i)).powi(2)).sum::<f64>() / nf;
    let brier_base_rate = (0..n).map(|i| (base_rate - y(i)).powi(2)).sum::<f64>() / nf;

    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| predicted[a].total_cmp(&predicted[b]));
    let bins = 10.min(n);
    let mut reliability = Vec::with_capacity(bins);
    let mut ece = 0.0;
    for bin in 0..bins {
        let members = &order[bin * n / bins..(bin + 1) * n / bins];
        if members.is_empty() {
            continue;
        }
        let count = members.len();
        let mean_predicted = members.iter().map(|&i| predicted[i]).sum::<f64>() / count as f64;
        let observed_rate = members.iter().map(|&i| y(i)).sum::<f64>() / count as f64;
        ece += count as f64 / nf * (observed_rate - mean_predicted).abs();
        reliability.push(ReliabilityBin {
            count,
            mean_predicted,
            observed_rate,
        });
    }

    // AUC as the Mann–Whitney statistic with average ranks for ties.
    let positives = outcomes.iter().filter(|&&o| o).count();
    let negatives = n - positives;
    let auc = (positives > 0 && negatives > 0).then(|| {
        let mut rank_sum = 0.0;
        let mut i = 0;
        while i < n {
            let mut j = i;
            while j + 1 < n && predicted[order[j + 1]] == predicted[order[i]] {
                j += 1;
            }
            let average_rank = (i + j) as f64 / 2.0 + 1.0;
            rank_sum += order[i..=j].iter().filter(|&&k| outcomes[k]).count() as f64 * average_rank;
            i = j + 1;
        }
        let p = positives as f64;
        (rank_sum - p * (p + 1.0) / 2.0) / (p * negatives as f64)
    });
    CalibrationReport {
        n,
        brier,
        brier_base_rate,
        log_loss: log_loss(&predicted, outcomes),
        ece,
        auc,
        reliability,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rand::RngExt;

    #[test]
    fn calibration_metrics_have_their_textbook_values() {
        let report = calibration_report(&[0.9, 0.1, 0.8, 0.3], &[true, false, true, false]);
        assert!((report.brier - (0.01 + 0.01 + 0.04 + 0.09) / 4.0).abs() < 1e-12);
        assert!((report.brier_base_rate - 0.25).abs() < 1e-12);
        assert_eq!(report.auc, Some(1.0));
        let expected_log_loss = -(0.9f64.ln() + 0.9f64.ln() + 0.8f64.ln() + 0.7f64.ln()) / 4.0;
        assert!((report.log_loss - expected_log_loss).abs() < 1e-12);
        // Each prediction is its own bin: ECE = mean |y − p| = (0.1 + 0.1 + 0.2 + 0.3) / 4.
        assert!((report.ece - 0.175).abs() < 1e-12);
        let ties = calibration_report(&[0.5, 0.5], &[true, false]);
        assert_eq!(ties.auc, Some(0.5));
        assert_eq!(calibration_report(&[0.2, 0.4], &[true, true]).auc, None);
    }

    #[test]
    fn logistic_regression_recovers_known_coefficients() {
        // y ~ Bernoulli(σ(0.5 + 1.2·x)), 20,000 rows: the fit is within a few standard errors.
        let mut rng = Pcg64Mcg::seed_from_u64(9);
        let rows: Vec<Vec<f64>> = (0..20_000)
            .map(|_| vec![1.0, rng.random::<f64>() * 2.0 - 1.0])
            .collect();
        let targets: Vec<f64> = rows
            .iter()
            .map(|x| f64::from(u8::from(rng.random::<f64>() < sigmoid(0.5 + 1.2 * x[1]))))
            .collect();
        let fit = fit_logistic(&rows, &targets, 1e-6, true);
        assert!((fit.weights[0] - 0.5).abs() < 0.06, "{:?}", fit.weights);
        assert!((fit.weights[1] - 1.2).abs() < 0.1, "{:?}", fit.weights);
        // The Laplace covariance gives the standard error: about 0.03 for the slope here.
        let covariance = invert_spd(&fit.hessian);
        assert!(
            covariance[1][1].sqrt() > 0.02 && covariance[1][1].sqrt() < 0.04,
            "{covariance:?}"
        );
    }

    #[test]
    fn platt_scaling_undoes_overconfidence() {
        // Scores three times too confident: Platt's A comes back near 1/3.
        let mut rng = Pcg64Mcg::seed_from_u64(4);
        let mut logits = Vec::new();
        let mut outcomes = Vec::new();
        for _ in 0..20_000 {
            let z: f64 = rng.random::<f64>() * 6.0 - 3.0;
            outcomes.push(rng.random::<f64>() < sigmoid(z));
            logits.push(3.0 * z);
        }
        let platt = fit_platt(&logits, &outcomes);
        assert!((platt.a - 1.0 / 3.0).abs() < 0.03, "{platt:?}");
        assert!(platt.b.abs() < 0.05, "{platt:?}");
    }

    #[test]
    fn cholesky_solves_and_inverts() {
        let m = vec![vec![4.0, 2.0], vec![2.0, 3.0]];
        let x = solve_spd(&m, &[2.0, 1.0]).unwrap();
        assert!((x[0] - 0.5).abs() < 1e-12 && x[1].abs() < 1e-12);
        let inverse = invert_spd(&m);
        assert!(
            (inverse[0][0] - 3.0 / 8.0).abs() < 1e-12 && (inverse[0][1] + 2.0 / 8.0).abs() < 1e-12
        );
        assert!(cholesky(&[vec![-1.0]]).is_none());
    }

    #[test]
    fn lead_time_buckets() {
        assert_eq!(lead_bucket(Some(0.5)), "0-1d");
        assert_eq!(lead_bucket(Some(3.0)), "2-3d");
        assert_eq!(lead_bucket(Some(7.9)), "4-7d");
        assert_eq!(lead_bucket(Some(30.0)), "8+d");
        assert_eq!(lead_bucket(Some(f64::NAN)), "unknown");
        assert_eq!(lead_bucket(None), "unknown");
    }

    proptest! {
        #[test]
        fn calibration_metrics_are_in_range(pairs in proptest::collection::vec((0.0f64..=1.0, any::<bool>()), 0..200)) {
            let (p, y): (Vec<f64>, Vec<bool>) = pairs.into_iter().unzip();
            let report = calibration_report(&p, &y);
            prop_assert!((0.0..=1.0).contains(&report.brier));
            prop_assert!((0.0..=1.0).contains(&report.ece));
            prop_assert!(report.log_loss >= 0.0);
            if let Some(auc) = report.auc {
                prop_assert!((0.0..=1.0).contains(&auc));
            }
            prop_assert_eq!(report.reliability.iter().map(|b| b.count).sum::<usize>(), p.len());
        }
    }
}
