//! Speed of the learning statistics, which run inside a 2 s-CPU edge function:
//! `cargo bench -p engine --bench learn`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use engine::generate::{ContentBrief, generate};
use engine::learn::ab::{monte_carlo, prob_beats_closed_form};
use engine::learn::predict::{
    BookingFeatures, LabelledBooking, PredictorConfig, fit_show_rate_model,
};
use engine::learn::{
    AbConfig, ArmEvidence, Beta, Counts, PatternStats, RankConfig, SimulationConfig,
    ThompsonConfig, allocate, evaluate_ab, expected_loss, prob_beats, rank_patterns, simulate,
};

fn ab(c: &mut Criterion) {
    let (a, b) = (
        Beta::new(541.3, 260.7).unwrap(),
        Beta::new(611.3, 190.7).unwrap(),
    );
    c.bench_function("prob_beats (quadrature)", |bench| {
        bench.iter(|| prob_beats(black_box(a), black_box(b)))
    });
    c.bench_function("expected_loss (quadrature)", |bench| {
        bench.iter(|| expected_loss(black_box(a), black_box(b)))
    });
    let (ai, bi) = (
        Beta::new(541.0, 261.0).unwrap(),
        Beta::new(611.0, 191.0).unwrap(),
    );
    c.bench_function("prob_beats (closed form, α=611)", |bench| {
        bench.iter(|| prob_beats_closed_form(black_box(ai), black_box(bi)))
    });
    c.bench_function("monte carlo 20k draws", |bench| {
        bench.iter(|| monte_carlo(black_box(a), black_box(b), 20_000, 1))
    });
    let config = AbConfig::default();
    let (control, challenger) = (
        Counts::new(540, 800).unwrap(),
        Counts::new(610, 800).unwrap(),
    );
    c.bench_function("evaluate_ab (with 20k-draw lift)", |bench| {
        bench.iter(|| evaluate_ab(black_box(control), black_box(challenger), Some(10), &config))
    });
}

fn thompson(c: &mut Criterion) {
    let arms: Vec<ArmEvidence> = [(300.0, 100.0), (320.0, 90.0), (280.0, 120.0), (310.0, 95.0)]
        .iter()
        .map(|&(s, f)| ArmEvidence::new(s, f).unwrap())
        .collect();
    let config = ThompsonConfig::default();
    c.bench_function("allocate 4 arms (10k draws)", |bench| {
        bench.iter(|| allocate(black_box(&arms), &config, 1))
    });
    let patterns: Vec<PatternStats> = (0..500u64)
        .map(|i| PatternStats {
            id: format!("p{i}"),
            counts: Counts::new((i * 13) % (41 + i % 53), 40 + i % 53).unwrap(),
        })
        .collect();
    c.bench_function("rank 500 patterns", |bench| {
        bench.iter(|| rank_patterns(black_box(&patterns), &RankConfig::default()))
    });
    let sim = SimulationConfig {
        replications: 1,
        ..SimulationConfig::default()
    };
    c.bench_function("simulate 10k sends, 1 replication", |bench| {
        bench.iter(|| simulate(black_box(&sim)))
    });
}

fn predictor(c: &mut Criterion) {
    let history: Vec<LabelledBooking> = (0..2_000u32)
        .map(|i| LabelledBooking {
            features: BookingFeatures {
                lead_time_days: Some(f64::from(i % 15)),
                channel: Some(["referral", "ads", "outbound", "inbound"][(i % 4) as usize].into()),
                confirmed: Some(i % 3 != 0),
                prior_no_shows: Some(i % 5 / 4),
                self_booked: Some(i % 2 == 0),
                ..BookingFeatures::default()
            },
            showed: (i * 7919) % 100 < 75 - (i % 15) * 2,
        })
        .collect();
    let config = PredictorConfig::default();
    let mut group = c.benchmark_group("predictor");
    group.sample_size(10);
    group.bench_function("fit 2,000 bookings (5-fold CV, 3 λ, Platt)", |bench| {
        bench.iter(|| fit_show_rate_model(black_box(&history), &config))
    });
    group.finish();
    let model = fit_show_rate_model(&history, &config).unwrap();
    c.bench_function("predict one booking", |bench| {
        bench.iter(|| model.predict(black_box(&history[3].features)))
    });
}

fn generation(c: &mut Criterion) {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/testdata/generate/brief_product.json"
    );
    let brief: ContentBrief =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    c.bench_function("generate a content set (product brief)", |bench| {
        bench.iter(|| generate(black_box(&brief), 7))
    });
}

criterion_group!(benches, ab, thompson, predictor, generation);
criterion_main!(benches);
