//! Batch analysis: exact mergeability (proptest) and what the report says.

use super::*;
use crate::insights::tests::{default_analyzer, transcript};
use crate::roles::RoleHints;
use proptest::prelude::*;
use std::sync::LazyLock;

const REP: &str = "Rep: Thanks for your time, tell me a bit about your business and what made you book this call? What would it mean for you to fix it?";

/// Prospect lines by stage; each call mixes a few of them.
const PROBLEM: &[&str] = &[
    "we keep losing leads and honestly it's frustrating, I don't know how to fix it",
    "the no shows are killing us, we lost like 4 clients last month",
    "I'm struggling with follow up, leads just fall through the cracks",
    "it's too expensive to keep wasting money on leads that never book",
    "we keep losing leads every week and nobody calls them back",
];
const SOLUTION: &[&str] = &[
    "we tried a couple of agencies and we looked at hiring an SDR instead",
    "what's the difference between an agency and doing it in-house",
    "we compared a few CRM options but nothing stuck, we keep losing leads",
    "I need to run it by my partner before we pick an agency",
    "it's not the right time for us with the busy season coming up",
];
const PRODUCT: &[&str] = &[
    "I saw your ad and I watched your videos, how much is your program and what's included",
    "is there a guarantee and what does onboarding look like",
    "send me the agreement and let's get started",
    "how soon can we start, do you have a payment plan",
    "honestly price isn't an issue, we want to move forward",
];

fn call(index: usize) -> (String, Outcome) {
    let lines = [PROBLEM, SOLUTION, PRODUCT][index % 3];
    let mut text = String::new();
    for k in 0..3 {
        text.push_str(REP);
        text.push_str("\nProspect: ");
        text.push_str(lines[(index + k * 2) % lines.len()]);
        text.push('\n');
    }
    let outcome = [
        Outcome::Showed,
        Outcome::NoShow,
        Outcome::Closed,
        Outcome::Lost,
        Outcome::Unknown,
    ][(index / 3 + index) % 5];
    (text, outcome)
}

static POOL: LazyLock<Vec<TranscriptInsights>> = LazyLock::new(|| {
    (0..15)
        .map(|i| {
            let (text, outcome) = call(i);
            let mut t = transcript(&text);
            t.metadata.outcome = outcome;
            default_analyzer().analyze(&format!("call-{i:02}"), &mut t, &RoleHints::default())
        })
        .collect()
});

fn partial_of(items: &[&TranscriptInsights]) -> BatchPartial {
    let owned: Vec<TranscriptInsights> = items.iter().map(|i| (*i).clone()).collect();
    BatchPartial::from_insights(&owned)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn batches_merged_in_any_order_equal_one_pass(
        order in Just((0..15usize).collect::<Vec<_>>()).prop_shuffle(),
        keep in 1usize..=15,
        cuts in proptest::collection::vec(0usize..=15, 0..4),
    ) {
        let chosen: Vec<&TranscriptInsights> = order.iter().take(keep).map(|&i| &POOL[i]).collect();
        let single = partial_of(&chosen);
        let mut bounds: Vec<usize> = cuts.into_iter().map(|c| c.min(chosen.len())).collect();
        bounds.push(0);
        bounds.push(chosen.len());
        bounds.sort_unstable();
        let chunks: Vec<BatchPartial> = bounds.windows(2).map(|w| partial_of(&chosen[w[0]..w[1]])).collect();
        // Merge right-to-left as well as left-to-right: associativity and commutativity.
        let left = chunks.iter().cloned().try_fold(BatchPartial::empty(), merge).unwrap();
        let right = chunks.iter().rev().cloned().try_fold(BatchPartial::empty(), |acc, p| merge(p, acc)).unwrap();
        let reversed = chunks.iter().rev().cloned().try_fold(BatchPartial::empty(), merge).unwrap();
        prop_assert_eq!(&left, &single);
        prop_assert_eq!(&right, &single);
        prop_assert_eq!(&reversed, &single);
        let config = BatchConfig::default();
        prop_assert_eq!(finish(&left, &config), finish(&single, &config));
    }

    #[test]
    fn merge_is_associative(a in 0usize..15, b in 0usize..15, c in 0usize..15) {
        prop_assume!(a != b && b != c && a != c);
        let [pa, pb, pc] = [a, b, c].map(|i| partial_of(&[&POOL[i]]));
        let one = merge(merge(pa.clone(), pb.clone()).unwrap(), pc.clone()).unwrap();
        let two = merge(pa, merge(pb, pc).unwrap()).unwrap();
        prop_assert_eq!(one, two);
    }
}

#[test]
fn partials_serialise_deterministically_and_round_trip() {
    let all: Vec<&TranscriptInsights> = POOL.iter().collect();
    let partial = partial_of(&all);
    let json = serde_json::to_string(&partial).unwrap();
    let again = serde_json::to_string(&partial_of(&all)).unwrap();
    assert_eq!(json, again);
    let back: BatchPartial = serde_json::from_str(&json).unwrap();
    assert_eq!(back, partial);
    assert_eq!(
        finish(&back, &BatchConfig::default()),
        finish(&partial, &BatchConfig::default())
    );
}

#[test]
fn overlapping_or_foreign_partials_do_not_merge() {
    let a = partial_of(&[&POOL[0], &POOL[1]]);
    let b = partial_of(&[&POOL[1]]);
    assert_eq!(
        merge(a.clone(), b),
        Err(MergeError::Overlap("call-01".into()))
    );
    let future = BatchPartial {
        version: 99,
        ..partial_of(&[&POOL[2]])
    };
    assert_eq!(
        merge(a.clone(), future),
        Err(MergeError::Version {
            expected: PARTIAL_VERSION,
            found: 99
        })
    );
    assert_eq!(merge(a.clone(), BatchPartial::default()).unwrap(), a);
}

#[test]
fn report_profiles_each_stage_with_quotes() {
    let all: Vec<&TranscriptInsights> = POOL.iter().collect();
    let report = finish(&partial_of(&all), &BatchConfig::default());
    assert_eq!(report.transcripts, 15);
    let counts: Vec<u32> = report
        .awareness_distribution
        .iter()
        .map(|s| s.prospects)
        .collect();
    assert_eq!(counts.iter().sum::<u32>(), 15);
    assert_eq!(counts, [5, 5, 5], "{:#?}", report.awareness_distribution);

    let problem = &report.segments[0];
    assert_eq!(problem.level, AwarenessLevel::Problem);
    let pain = problem
        .pains
        .iter()
        .find(|p| p.phrase == "keep losing leads")
        .unwrap_or_else(|| panic!("{:#?}", problem.pains));
    assert!(pain.prospects >= 2);
    assert!(!pain.quotes.is_empty() && pain.quotes.iter().all(|q| q.text.contains("losing leads")));
    assert!(
        problem
            .phrases
            .iter()
            .any(|p| p.phrase == "losing leads" || p.variants.iter().any(|v| v == "losing leads")),
        "{:#?}",
        problem.phrases
    );
    // Fragments that stop before their object ("keep losing" what?) are not phrases.
    assert!(
        problem
            .phrases
            .iter()
            .all(|p| !matches!(p.phrase.as_str(), "keep losing" | "keep wasting")),
        "{:#?}",
        problem.phrases
    );
    for phrase in report.segments.iter().flat_map(|s| &s.phrases) {
        assert!(!phrase.quotes.is_empty(), "every phrase has a quote");
        assert!(phrase.prospects >= 2);
    }

    let product = &report.segments[2];
    assert!(
        product
            .buying_signals
            .iter()
            .any(|s| s.kind == SignalKind::Commitment)
    );
    assert!(
        !product
            .objections
            .iter()
            .any(|o| o.class == ObjectionClass::Price),
        "price isn't an issue is no price objection"
    );

    let solution = &report.segments[1];
    let classes: Vec<ObjectionClass> = solution.objections.iter().map(|o| o.class).collect();
    assert!(
        classes.contains(&ObjectionClass::Authority) && classes.contains(&ObjectionClass::Timing),
        "{classes:?}"
    );
    assert!(!report.recommendations.is_empty());
    assert!(report.recommendations.iter().all(|r| !r.quotes.is_empty()));
}

#[test]
fn fightin_words_separates_outcome_groups() {
    // Half the calls say "just looking" and no-show; the others ask about onboarding and show.
    let mut insights = Vec::new();
    for i in 0..40 {
        let no_show = i % 2 == 0;
        let line = if no_show {
            "honestly I'm just looking around, my partner told me to book this and I'm not sure about any of it"
        } else {
            "what does onboarding look like and how soon can we start the onboarding with your team"
        };
        let mut t = transcript(&format!(
            "{REP}\nProspect: {line}\n{REP}\nProspect: we keep losing leads every single week\n"
        ));
        t.metadata.outcome = if no_show {
            Outcome::NoShow
        } else {
            Outcome::Showed
        };
        insights.push(default_analyzer().analyze(&format!("c{i}"), &mut t, &RoleHints::default()));
    }
    let report = finish(
        &BatchPartial::from_insights(&insights),
        &BatchConfig::default(),
    );
    let showed: Vec<&OutcomePhrase> = report
        .outcome_phrases
        .iter()
        .filter(|p| p.a == "showed" && p.z > 0.0)
        .collect();
    let no_show: Vec<&OutcomePhrase> = report
        .outcome_phrases
        .iter()
        .filter(|p| p.a == "showed" && p.z < 0.0)
        .collect();
    assert!(
        showed.iter().any(|p| p.phrase.contains("onboarding")),
        "{showed:#?}"
    );
    assert!(
        no_show.iter().any(|p| p.phrase.contains("told me to book")),
        "{no_show:#?}"
    );
    assert!(
        !report.outcome_phrases.iter().any(|p| p.phrase == "week"),
        "said by everyone: separates nothing"
    );
    assert!(
        !report
            .outcome_phrases
            .iter()
            .any(|p| p.phrase.contains("losing leads")),
        "said by everyone: separates nothing"
    );
    for phrase in &report.outcome_phrases {
        assert!(!phrase.quotes.is_empty());
        let favoured = if phrase.z > 0.0 {
            Outcome::Showed
        } else {
            Outcome::NoShow
        };
        for quote in &phrase.quotes {
            let source = insights
                .iter()
                .find(|i| i.transcript == quote.transcript)
                .unwrap();
            assert_eq!(
                source.outcome, favoured,
                "quotes come from the favoured group"
            );
        }
    }
    assert!(
        report
            .recommendations
            .iter()
            .any(|r| r.text.contains("did not show up"))
    );
}

#[test]
fn segment_profiles_feed_content_generation() {
    let all: Vec<&TranscriptInsights> = POOL.iter().collect();
    let report = finish(&partial_of(&all), &BatchConfig::default());
    let evidence = report.segments[1].stage_evidence();
    assert!(!evidence.is_empty());
    let authority = evidence
        .objections
        .iter()
        .find(|o| o.class == crate::generate::ObjectionClass::Authority)
        .unwrap();
    assert!(authority.item.count >= 1 && !authority.item.quotes.is_empty());
    let product = report.segments[2].stage_evidence();
    assert_eq!(
        product.buying_signals.first().map(|s| s.phrase.as_str()),
        Some("send me the agreement"),
        "commitment first"
    );
}

/// The competitor recommendation of calls where prospects say `lines` (one call each).
fn competitor_recommendation(lines: &[&str]) -> Option<String> {
    let analyzer = crate::insights::Analyzer::new(crate::insights::AnalysisConfig {
        competitors: vec!["BetterUp".into()],
        ..Default::default()
    })
    .unwrap();
    let insights: Vec<TranscriptInsights> = lines
        .iter()
        .enumerate()
        .map(|(i, line)| {
            let mut t = transcript(&format!("{REP}\nProspect: {line}\n"));
            analyzer.analyze(&format!("call-{i}"), &mut t, &RoleHints::default())
        })
        .collect();
    let all: Vec<&TranscriptInsights> = insights.iter().collect();
    finish(&partial_of(&all), &BatchConfig::default())
        .recommendations
        .into_iter()
        .map(|r| r.text)
        .find(|t| t.contains("prepare a one-page comparison"))
}

#[test]
fn comparison_recommendation_prefers_named_competitors_and_skips_own_business() {
    // Own business only: no comparison to prepare.
    let own = [
        "So I've been running the agency for almost twelve years now.",
        "We're a pretty small agency, just me and five people.",
        "I've been at the agency I work for since twenty nineteen.",
    ];
    assert_eq!(competitor_recommendation(&own), None);
    // A named competitor wins over a more frequent generic category.
    let text = competitor_recommendation(&[
        "we tried an agency last year and it didn't work",
        "we hired an agency and they burned our domain",
        "we used an agency before, honestly",
        "we looked at BetterUp but it felt generic",
        "a friend uses BetterUp and likes it",
    ])
    .unwrap();
    assert!(
        text.starts_with("\"BetterUp\" came up in 2 calls"),
        "{text}"
    );
    // Generic only: said as an alternative, counted once per prospect across singular/plural.
    let text = competitor_recommendation(&[
        "we hired two SDRs and then one more SDR",
        "we tried an SDR last year",
    ])
    .unwrap();
    assert!(
        text.starts_with("Prospects weighed \"sdr\" as an alternative in 2 calls"),
        "{text}"
    );
}
