//! Learning statistics, end to end: the show-rate predictor on synthetic booking histories with a
//! known truth, the bandit simulator (Thompson must lose far less than an even split), and the
//! JSON shapes the edge worker sends and receives.

use engine::learn::predict::{
    BookingFeatures, LabelledBooking, ModelKind, PredictorConfig, fit_show_rate_model,
};
use engine::learn::{
    AbConfig, AbDecision, Counts, Policy, RankConfig, SimulationConfig, ThompsonConfig, allocate,
    evaluate_ab, rank_patterns, simulate,
};
use engine::transcript::AwarenessLevel;
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64Mcg;

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// Bookings whose show probability follows a known logistic model: lead time and prior
/// no-shows hurt, confirmation and referrals help (the directions the no-show literature finds).
fn synthetic_history(n: usize, seed: u64) -> (Vec<LabelledBooking>, Vec<f64>) {
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    let channels = [
        ("referral", 0.8),
        ("inbound", 0.3),
        ("ads", -0.2),
        ("outbound", -0.5),
    ];
    let mut bookings = Vec::with_capacity(n);
    let mut truth = Vec::with_capacity(n);
    for _ in 0..n {
        let lead_time_days = rng.random::<f64>() * 14.0;
        let (channel, channel_effect) = channels[rng.random_range(0..channels.len())];
        let confirmed = rng.random::<f64>() < 0.5;
        let prior_no_shows = [0, 0, 0, 0, 0, 0, 0, 1, 1, 2][rng.random_range(0..10)];
        let self_booked = rng.random::<f64>() < 0.6;
        let bucket = match lead_time_days {
            d if d < 2.0 => 0.0,
            d if d < 4.0 => 1.0,
            d if d < 8.0 => 2.0,
            _ => 3.0,
        };
        let p = sigmoid(
            1.4 - 0.35 * bucket + 0.9 * f64::from(u8::from(confirmed))
                - 0.7 * f64::from(prior_no_shows)
                + channel_effect
                + 0.3 * f64::from(u8::from(self_booked)),
        );
        truth.push(p);
        bookings.push(LabelledBooking {
            features: BookingFeatures {
                lead_time_days: Some(lead_time_days),
                channel: Some(channel.to_owned()),
                self_booked: Some(self_booked),
                confirmed: Some(confirmed),
                prior_no_shows: Some(prior_no_shows),
                prior_reschedules: Some(0),
                awareness: Some(AwarenessLevel::ALL[rng.random_range(0..3)]),
                local_hour: Some(rng.random_range(8..20)),
                weekday: Some(rng.random_range(0..7)),
                touches_before_booking: Some(rng.random_range(0..6)),
            },
            showed: rng.random::<f64>() < p,
        });
    }
    (bookings, truth)
}

#[test]
fn with_enough_history_the_calibrated_logistic_regression_takes_over() {
    let (history, _) = synthetic_history(3_000, 1);
    let model = fit_show_rate_model(&history, &PredictorConfig::default()).unwrap();
    let report = &model.report;
    assert_eq!(report.chosen, ModelKind::Logistic, "{}", report.reason);
    assert!(report.events_per_feature >= 10.0);
    let logistic = report.logistic.as_ref().unwrap();
    let segments = report.segment_rates.as_ref().unwrap();
    assert!(
        logistic.brier < segments.brier && logistic.brier < logistic.brier_base_rate,
        "{logistic:?}"
    );
    assert!(logistic.auc.unwrap() > 0.7, "{logistic:?}");
    assert!(logistic.ece < 0.04, "{logistic:?}");

    // On fresh bookings from the same world the predictions track the truth.
    let (fresh, truth) = synthetic_history(2_000, 2);
    let mut squared = 0.0;
    for (booking, p) in fresh.iter().zip(&truth) {
        let prediction = model.predict(&booking.features);
        assert!(
            prediction.lower <= prediction.probability
                && prediction.probability <= prediction.upper
        );
        squared += (prediction.probability - p).powi(2);
    }
    let rmse = (squared / fresh.len() as f64).sqrt();
    assert!(rmse < 0.05, "rmse {rmse}");

    // The directions are right: a confirmed referral booked for tomorrow beats an unconfirmed
    // cold booking two weeks out from a prospect with two no-shows.
    let good = BookingFeatures {
        lead_time_days: Some(1.0),
        channel: Some("referral".into()),
        confirmed: Some(true),
        prior_no_shows: Some(0),
        ..BookingFeatures::default()
    };
    let bad = BookingFeatures {
        lead_time_days: Some(13.0),
        channel: Some("outbound".into()),
        confirmed: Some(false),
        prior_no_shows: Some(2),
        ..BookingFeatures::default()
    };
    assert!(model.predict(&good).probability > model.predict(&bad).probability + 0.3);

    // The model is data: it survives JSON and predicts the same afterwards.
    let json = serde_json::to_string(&model).unwrap();
    let again: engine::learn::predict::ShowRateModel = serde_json::from_str(&json).unwrap();
    assert_eq!(again.predict(&good), model.predict(&good));
}

#[test]
fn with_little_history_segment_rates_are_used_and_shrunk() {
    let (history, _) = synthetic_history(150, 3);
    let model = fit_show_rate_model(&history, &PredictorConfig::default()).unwrap();
    assert_eq!(model.report.chosen, ModelKind::SegmentRates);
    assert!(
        model.report.reason.contains("events per feature"),
        "{}",
        model.report.reason
    );
    let prediction = model.predict(&history[0].features);
    assert_eq!(prediction.method, ModelKind::SegmentRates);
    assert!(prediction.segment.is_some());
    assert!(
        prediction.upper - prediction.lower > 0.1,
        "little data, wide interval: {prediction:?}"
    );
    // An unseen segment falls back to the agency's rate.
    let unseen = BookingFeatures {
        channel: Some("carrier pigeon".into()),
        ..BookingFeatures::default()
    };
    let fallback = model.predict(&unseen);
    assert_eq!(fallback.segment, None);
    let agency_rate = history.iter().filter(|b| b.showed).count() as f64 / history.len() as f64;
    assert!(
        (fallback.probability - agency_rate).abs() < 0.05,
        "{fallback:?} vs {agency_rate}"
    );
    // No history at all still predicts (the baseline), never fails.
    let empty = fit_show_rate_model(&[], &PredictorConfig::default()).unwrap();
    assert!((empty.predict(&unseen).probability - engine::learn::DEFAULT_SHOW_RATE).abs() < 1e-9);
    assert!(empty.predict_average(&[]).is_none());
}

#[test]
fn fitting_is_deterministic_for_a_seed() {
    let (history, _) = synthetic_history(1_500, 4);
    let config = PredictorConfig {
        seed: 7,
        ..PredictorConfig::default()
    };
    let a = serde_json::to_string(&fit_show_rate_model(&history, &config).unwrap()).unwrap();
    let b = serde_json::to_string(&fit_show_rate_model(&history, &config).unwrap()).unwrap();
    assert_eq!(a, b);
}

#[test]
fn thompson_sampling_loses_far_less_than_an_even_split() {
    // A fixed-seed run on four variants with known show rates. Retiring hopeless variants (as the
    // product does) should leave Thompson with a small fraction of the even split's regret; with
    // the floor alone it still loses clearly less.
    let base = SimulationConfig {
        sends: 5_000,
        replications: 6,
        thompson: ThompsonConfig {
            draws: 2_000,
            ..ThompsonConfig::default()
        },
        ..SimulationConfig::default()
    };
    let report = simulate(&base).unwrap();
    let thompson = report.result(Policy::Thompson).unwrap().mean_regret;
    let uniform = report.result(Policy::Uniform).unwrap().mean_regret;
    let oracle = report.result(Policy::Oracle).unwrap().mean_regret;
    assert!((uniform - 5_000.0 * 0.065).abs() < 1e-9);
    assert_eq!(oracle, 0.0);
    assert!(
        thompson > 0.0 && thompson < 0.25 * uniform,
        "thompson {thompson} vs uniform {uniform}"
    );

    let floor_only = simulate(&SimulationConfig {
        retire: false,
        ..base
    })
    .unwrap();
    let thompson = floor_only.result(Policy::Thompson).unwrap().mean_regret;
    assert!(
        thompson < 0.6 * uniform,
        "floor only: thompson {thompson} vs uniform {uniform}"
    );
}

#[test]
fn the_edge_worker_json_shapes() {
    // A/B: counts and config in, a decision out.
    let control: Counts = serde_json::from_str(r#"{"successes": 540, "trials": 800}"#).unwrap();
    let challenger: Counts = serde_json::from_str(r#"{"successes": 610, "trials": 800}"#).unwrap();
    let config: AbConfig =
        serde_json::from_str(r#"{"prior": {"alpha": 15, "beta": 5}, "epsilon": 0.01}"#).unwrap();
    let result = evaluate_ab(control, challenger, Some(10), &config).unwrap();
    assert!(matches!(result.decision, AbDecision::Winner { .. }));
    let json = serde_json::to_value(&result).unwrap();
    for key in [
        "prob_challenger_beats_control",
        "expected_loss_control",
        "expected_loss_challenger",
        "lift_lower",
    ] {
        assert!(json[key].is_number(), "{key}");
    }
    // Allocation: evidence in, shares out.
    let arms: Vec<engine::learn::ArmEvidence> = serde_json::from_str(
        r#"[{"successes": 70, "failures": 30}, {"successes": 60, "failures": 40}]"#,
    )
    .unwrap();
    let allocation = allocate(&arms, &ThompsonConfig::default(), 0).unwrap();
    assert_eq!(
        serde_json::to_value(&allocation).unwrap()["phase"],
        "thompson"
    );
    // Ranking: pattern stats in (flattened counts), ranked patterns out.
    let patterns: Vec<engine::learn::PatternStats> = serde_json::from_str(
        r#"[{"id": "a", "successes": 3, "trials": 3}, {"id": "b", "successes": 40, "trials": 60}]"#,
    )
    .unwrap();
    // With the §2.11 example's prior (mean 0.4, strength 20), 40/60 outranks 3/3.
    let config: RankConfig =
        serde_json::from_str(r#"{"prior": {"baseline": 0.4, "baseline_strength": 20}}"#).unwrap();
    let ranking = rank_patterns(&patterns, &config).unwrap();
    assert_eq!(ranking.patterns[0].id, "b");
    // Hostile numbers are typed errors, not panics.
    assert!(serde_json::from_str::<Counts>(r#"{"successes": 9, "trials": 3}"#).is_err());
    assert!(
        serde_json::from_str::<engine::learn::ArmEvidence>(r#"{"successes": -1, "failures": 3}"#)
            .is_err()
    );
}
