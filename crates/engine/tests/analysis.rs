//! The analysis pipeline end to end on real files: ingest → roles → insights → batch, on
//! hand-written fixtures and on the corpus generator's labelled calls.
//!
//! The stage scorer's θ and temperature were fitted on corpus seed 1; the accuracy test below
//! uses seed 2, which the fit never saw.

use engine::batch::{self, BatchConfig, BatchPartial};
use engine::corpus::{self, CorpusSpec};
use engine::ingest::{self, IngestOptions};
use engine::insights::{AnalysisConfig, Analyzer, ObjectionClass, TranscriptInsights};
use engine::roles::RoleHints;
use engine::transcript::{AwarenessLevel, Role, Transcript};
use std::collections::BTreeMap;
use std::sync::LazyLock;

static ANALYZER: LazyLock<Analyzer> =
    LazyLock::new(|| Analyzer::new(AnalysisConfig::default()).unwrap());

fn analyse_file(name: &str, bytes: &[u8], analyzer: &Analyzer) -> (Transcript, TranscriptInsights) {
    let mut transcript = ingest::parse(name, bytes, &IngestOptions::default()).unwrap();
    let insights = analyzer.analyze(name, &mut transcript, &RoleHints::default());
    (transcript, insights)
}

fn class_named(name: &str) -> Option<ObjectionClass> {
    ObjectionClass::ALL.into_iter().find(|c| c.as_str() == name)
}

#[test]
fn objection_fixtures_with_negation_and_context() {
    let fixtures = include_str!("../testdata/analysis/objections.tsv");
    let mut failures = Vec::new();
    for line in fixtures
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let (expected, said) = line.split_once('\t').unwrap();
        let text = format!(
            "Dana Reyes: Hi Mark, thanks for jumping on today.\nMark Chen: hi yeah no problem\nDana Reyes: So tell me about your business and what made you book this call?\nMark Chen: {said}\n"
        );
        let (_, insights) = analyse_file("objection.txt", text.as_bytes(), &ANALYZER);
        let found: Vec<ObjectionClass> = insights.objections.iter().map(|o| o.class).collect();
        let wanted: Vec<ObjectionClass> = class_named(expected).into_iter().collect();
        if found != wanted {
            failures.push(format!("{said:?}: expected {expected}, found {found:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn messy_zoom_call_roles_stage_and_findings() {
    let (transcript, insights) = analyse_file(
        "2025-03-04 Priya Shah - no show.vtt",
        include_bytes!("../testdata/analysis/messy-zoom.vtt"),
        &ANALYZER,
    );
    let roles: BTreeMap<&str, Role> = transcript
        .speakers
        .iter()
        .map(|s| (s.name.as_str(), s.role))
        .collect();
    assert_eq!(roles["Marcus Bell"], Role::Rep);
    assert_eq!(
        roles["Priya Shah"],
        Role::Prospect,
        "the prospect speaking first does not make her the rep"
    );
    assert_eq!(insights.stage.level, AwarenessLevel::Problem);
    let evidence = &insights.stage.evidence[0];
    assert_eq!(evidence.quote.start_ms, Some(10_400));
    assert!(
        transcript.turns[evidence.quote.turn_index]
            .text
            .contains(&evidence.quote.text)
    );
    let classes: Vec<ObjectionClass> = insights.objections.iter().map(|o| o.class).collect();
    assert!(classes.contains(&ObjectionClass::Authority), "{classes:?}");
    assert!(
        insights.pains.iter().any(|p| p.phrase.contains("no shows")),
        "{:?}",
        insights.pains
    );
    assert!(
        insights
            .questions
            .iter()
            .any(|q| q.text.starts_with("what should I do")),
        "{:?}",
        insights.questions
    );
    assert!(
        insights
            .desires
            .iter()
            .any(|d| d.phrase.contains("evenings")),
        "{:?}",
        insights.desires
    );
}

/// Accuracy, confusion matrix, macro-F1 and mean absolute stage error on labelled calls.
#[test]
fn stage_accuracy_on_held_out_corpus() {
    let spec = CorpusSpec {
        seed: 2,
        count: 80,
        ..CorpusSpec::default()
    };
    let mut confusion = [[0u32; 3]; 3];
    let mut roles_right = 0;
    let mut roles_total = 0;
    let mut insights = Vec::new();
    for file in corpus::generate(&spec) {
        let (transcript, found) = analyse_file(&file.file_name, &file.bytes, &ANALYZER);
        let truth = AwarenessLevel::ALL
            .iter()
            .position(|l| *l == file.labels.stage)
            .unwrap();
        let got = AwarenessLevel::ALL
            .iter()
            .position(|l| *l == found.stage.level)
            .unwrap();
        confusion[truth][got] += 1;
        if let (Some(rep), Some(prospect)) =
            (&file.labels.rep_speaker, &file.labels.prospect_speaker)
        {
            roles_total += 1;
            let role = |name: &str| {
                transcript
                    .speakers
                    .iter()
                    .find(|s| s.name == name)
                    .map(|s| s.role)
            };
            roles_right +=
                u32::from(role(rep) == Some(Role::Rep) && role(prospect) == Some(Role::Prospect));
        }
        insights.push(found);
    }
    let total: u32 = confusion.iter().flatten().sum();
    let right: u32 = (0..3).map(|k| confusion[k][k]).sum();
    let accuracy = f64::from(right) / f64::from(total);
    let f1: f64 = (0..3)
        .map(|k| {
            let predicted: u32 = (0..3).map(|t| confusion[t][k]).sum();
            let actual: u32 = confusion[k].iter().sum();
            let precision = f64::from(confusion[k][k]) / f64::from(predicted.max(1));
            let recall = f64::from(confusion[k][k]) / f64::from(actual.max(1));
            if precision + recall == 0.0 {
                0.0
            } else {
                2.0 * precision * recall / (precision + recall)
            }
        })
        .sum::<f64>()
        / 3.0;
    let error: u32 = (0..3)
        .flat_map(|t| (0..3).map(move |g| (t, g)))
        .map(|(t, g)| confusion[t][g] * t.abs_diff(g) as u32)
        .sum();
    println!(
        "stage accuracy {accuracy:.3}, macro-F1 {f1:.3}, mean absolute stage error {:.3}",
        f64::from(error) / f64::from(total)
    );
    println!(
        "confusion (rows truth, columns predicted: problem, solution, product): {confusion:?}"
    );
    println!("roles right in {roles_right} of {roles_total} labelled calls");
    assert!(
        accuracy >= 0.85,
        "stage accuracy {accuracy:.3}: {confusion:?}"
    );
    assert!(f1 >= 0.8, "macro-F1 {f1:.3}");
    assert!(
        roles_right * 10 >= roles_total * 9,
        "roles {roles_right}/{roles_total}"
    );

    // The batch over these calls: a distribution that adds up, profiles with quotes.
    let report = batch::finish(
        &BatchPartial::from_insights(&insights),
        &BatchConfig::default(),
    );
    assert_eq!(
        report
            .awareness_distribution
            .iter()
            .map(|s| s.prospects)
            .sum::<u32>(),
        total
    );
    for segment in report.segments.iter().filter(|s| s.prospects > 0) {
        assert!(
            !segment.pains.is_empty() && !segment.phrases.is_empty(),
            "{:?} profile is empty",
            segment.level
        );
        assert!(segment.phrases.iter().all(|p| !p.quotes.is_empty()));
    }
    assert!(report.outcome_phrases.iter().any(|p| p.a == "showed"));
    assert!(!report.recommendations.is_empty());
}

#[test]
fn planted_objections_are_found_with_the_clients_competitors() {
    let spec = CorpusSpec {
        seed: 3,
        count: 40,
        ..CorpusSpec::default()
    };
    let mut found_per_class: BTreeMap<ObjectionClass, (u32, u32)> = BTreeMap::new();
    let mut competitors = (0u32, 0u32);
    for file in corpus::generate(&spec) {
        let config = AnalysisConfig {
            competitors: file
                .labels
                .industry
                .competitors()
                .into_iter()
                .map(str::to_owned)
                .collect(),
            ..AnalysisConfig::default()
        };
        let analyzer = Analyzer::new(config).unwrap();
        let (_, insights) = analyse_file(&file.file_name, &file.bytes, &analyzer);
        for planted in &file.labels.objections {
            let class = match planted {
                corpus::ObjectionClass::Price => ObjectionClass::Price,
                corpus::ObjectionClass::Timing => ObjectionClass::Timing,
                corpus::ObjectionClass::Trust => ObjectionClass::Trust,
                corpus::ObjectionClass::Authority => ObjectionClass::Authority,
                corpus::ObjectionClass::Need => ObjectionClass::NeedFit,
                corpus::ObjectionClass::Competitor => ObjectionClass::Competitor,
            };
            let entry = found_per_class.entry(class).or_default();
            entry.1 += 1;
            entry.0 += u32::from(insights.objections.iter().any(|o| o.class == class));
        }
        for name in &file.labels.competitors {
            competitors.1 += 1;
            competitors.0 += u32::from(insights.competitors.iter().any(|c| &c.name == name));
        }
    }
    println!(
        "planted objections found (found, planted): {found_per_class:?}; competitors {competitors:?}"
    );
    let found: u32 = found_per_class.values().map(|v| v.0).sum();
    let planted: u32 = found_per_class.values().map(|v| v.1).sum();
    assert!(
        found * 10 >= planted * 8,
        "objection recall {found}/{planted}"
    );
    assert!(
        competitors.0 * 10 >= competitors.1 * 8,
        "competitor recall {competitors:?}"
    );
}
