//! Behaviour of the per-transcript analysis on small realistic calls.

use super::*;
use crate::transcript::{SourceFormat, TranscriptMetadata, Turn};

/// "Name: text" lines to a transcript (a test helper, not a parser: ingest owns parsing).
pub(crate) fn transcript(lines: &str) -> Transcript {
    let turns = lines
        .lines()
        .filter_map(|line| line.split_once(": "))
        .map(|(speaker, text)| Turn {
            speaker: speaker.trim().to_owned(),
            role: Role::Unknown,
            start_ms: None,
            end_ms: None,
            text: text.trim().to_owned(),
        })
        .collect();
    Transcript {
        format: SourceFormat::SpeakerText,
        speakers: Vec::new(),
        turns,
        metadata: TranscriptMetadata::default(),
    }
}

/// The default analyzer, compiled once for all tests.
pub(crate) fn default_analyzer() -> &'static Analyzer {
    static ANALYZER: std::sync::LazyLock<Analyzer> =
        std::sync::LazyLock::new(|| Analyzer::new(AnalysisConfig::default()).unwrap());
    &ANALYZER
}

fn analyze(lines: &str) -> (Transcript, TranscriptInsights) {
    let analyzer = default_analyzer();
    let mut t = transcript(lines);
    let insights = analyzer.analyze("call", &mut t, &RoleHints::default());
    (t, insights)
}

fn analyze_with(config: AnalysisConfig, lines: &str) -> TranscriptInsights {
    let owned;
    let analyzer = if config == AnalysisConfig::default() {
        default_analyzer()
    } else {
        owned = Analyzer::new(config).unwrap();
        &owned
    };
    let mut t = transcript(lines);
    analyzer.analyze("call", &mut t, &RoleHints::default())
}

fn classes(insights: &TranscriptInsights) -> Vec<ObjectionClass> {
    insights.objections.iter().map(|o| o.class).collect()
}

/// A rep turn that reads like a rep, so the other speaker is the prospect.
const REP: &str = "Rep: Thanks for your time today, tell me a bit about your business and what made you book this call? What would it mean for you if you fixed it?";

fn with_rep(prospect: &str) -> String {
    format!("{REP}\nProspect: {prospect}\n")
}

#[test]
fn product_aware_call_with_objections_signals_and_evidence() {
    let (t, insights) = analyze(include_str!(
        "../../testdata/analysis/discovery-product.txt"
    ));
    assert_eq!(
        t.speakers
            .iter()
            .map(|s| (s.name.as_str(), s.role))
            .collect::<Vec<_>>(),
        [("Dana Reyes", Role::Rep), ("Mark Chen", Role::Prospect)]
    );
    assert!(t.turns.iter().all(|turn| turn.role != Role::Unknown));
    assert_eq!(insights.stage.level, AwarenessLevel::Product);
    assert!(insights.stage.most_aware);
    assert!(insights.stage.confidence > 0.9);
    let evidence = &insights.stage.evidence[0];
    assert_eq!(evidence.level, AwarenessLevel::Product);
    assert_eq!(evidence.quote.turn_index, 4);
    assert_eq!(
        evidence.quote.text,
        "I saw your ad on facebook and I watched your case study video with the guy from Denver"
    );
    assert_eq!(
        insights.stage.evidence.last().unwrap().level,
        AwarenessLevel::Solution,
        "runner-up evidence"
    );

    let found = classes(&insights);
    for class in [
        ObjectionClass::Price,
        ObjectionClass::Authority,
        ObjectionClass::Timing,
        ObjectionClass::Trust,
    ] {
        assert!(found.contains(&class), "{class:?} missing from {found:?}");
    }
    let price = insights
        .objections
        .iter()
        .find(|o| o.class == ObjectionClass::Price)
        .unwrap();
    assert_eq!(price.after, Some(RepAct::PriceReveal));
    assert_eq!(price.quote.text, "wow that's a lot.");
    assert!(
        !insights
            .objections
            .iter()
            .any(|o| o.quote.text.contains("I watched your case study")),
        "a watched case study is not a trust objection"
    );

    let commitment = insights
        .buying_signals
        .iter()
        .find(|s| s.kind == SignalKind::Commitment)
        .unwrap();
    assert_eq!(commitment.cue, "send me the agreement");
    assert!(
        commitment.weight
            > insights
                .buying_signals
                .iter()
                .find(|s| s.kind == SignalKind::Desire)
                .unwrap()
                .weight
    );
    assert_eq!(insights.pains[0].phrase, "keep losing leads");
    assert_eq!(
        insights.desires[0].phrase,
        "get to the point where i'm not doing sales"
    );
    assert_eq!(insights.questions.len(), 2);
    assert!(insights.talk.prospect_share > 0.5 && insights.talk.prospect_share < 0.7);
    for quote in insights.objections.iter().map(|o| &o.quote) {
        assert!(
            t.turns[quote.turn_index].text.contains(&quote.text),
            "quotes are exact text"
        );
    }
}

#[test]
fn negation_scope_and_post_negation() {
    let cases: &[(&str, Option<ObjectionClass>)] = &[
        ("honestly the price isn't an issue for us", None),
        (
            "it's not the right time for us",
            Some(ObjectionClass::Timing),
        ),
        ("it's not too expensive at all", None),
        ("it's too expensive for us", Some(ObjectionClass::Price)),
        (
            "we talked to another outfit and they seemed a bit pricey",
            None,
        ),
        (
            "they were great but honestly it's too expensive for us",
            Some(ObjectionClass::Price),
        ),
        ("we can afford it no problem", None),
        ("we can't afford it right now", Some(ObjectionClass::Price)),
        ("I don't need to talk to my wife about it", None),
        (
            "I need to talk to my wife about it",
            Some(ObjectionClass::Authority),
        ),
        ("the cost is not really a concern", None),
        (
            "money is tight, but it's not too expensive",
            Some(ObjectionClass::Price),
        ),
        (
            "we already have an agency doing this",
            Some(ObjectionClass::NeedFit),
        ),
        ("is there a guarantee", Some(ObjectionClass::Trust)),
        ("we watched your testimonials last night", None),
    ];
    for (prospect, expected) in cases {
        let insights = analyze_with(AnalysisConfig::default(), &with_rep(prospect));
        let found = classes(&insights);
        match expected {
            Some(class) => assert_eq!(found, [*class], "{prospect:?}"),
            None => assert!(found.is_empty(), "{prospect:?} gave {found:?}"),
        }
    }
}

#[test]
fn a_no_is_an_objection_only_after_a_commitment_ask() {
    let asked = "Rep: So we covered your goals and our program. Are you ready to get started today?\nProspect: no I'm good for now\n";
    let insights = analyze_with(AnalysisConfig::default(), &format!("{REP}\n{asked}"));
    assert_eq!(classes(&insights), [ObjectionClass::NeedFit]);
    assert_eq!(insights.objections[0].after, Some(RepAct::CommitmentAsk));

    let questions = "Rep: That covers it from my side. Any other questions for me?\nProspect: no I think that covers it\n";
    let insights = analyze_with(AnalysisConfig::default(), &format!("{REP}\n{questions}"));
    assert!(insights.objections.is_empty(), "{:?}", insights.objections);
}

#[test]
fn stages_follow_the_cue_families() {
    let problem = with_rep(
        "um yeah so we're just struggling honestly we keep losing leads and I don't know how to fix it we lost like 4 clients last month and it's frustrating",
    );
    let insights = analyze_with(AnalysisConfig::default(), &problem);
    assert_eq!(insights.stage.level, AwarenessLevel::Problem);
    assert!(!insights.stage.unaware);
    assert!(
        insights
            .stage
            .evidence
            .iter()
            .all(|e| e.level == AwarenessLevel::Problem)
    );

    let solution = with_rep(
        "so we tried a couple of agencies and we looked at hiring an SDR versus doing it in-house and I'm trying to figure out what's the difference between those options",
    );
    assert_eq!(
        analyze_with(AnalysisConfig::default(), &solution)
            .stage
            .level,
        AwarenessLevel::Solution
    );

    let config = AnalysisConfig {
        brand_names: vec!["ShowUp Pro".into()],
        ..AnalysisConfig::default()
    };
    let product = with_rep(
        "I've been following you for a while and ShowUp Pro is what I want so how much is it and what's included",
    );
    let insights = analyze_with(config, &product);
    assert_eq!(insights.stage.level, AwarenessLevel::Product);
    assert!(
        insights.stage.evidence[0]
            .cues
            .iter()
            .any(|c| c == "ShowUp Pro")
    );

    let vague =
        with_rep("I'm not sure why I'm here my partner told me to book it we're doing fine");
    let insights = analyze_with(AnalysisConfig::default(), &vague);
    assert_eq!(insights.stage.level, AwarenessLevel::Problem);
    assert!(insights.stage.unaware);
    assert!(insights.stage.confidence <= 0.5);
}

#[test]
fn competitors_exact_and_fuzzy_and_alternatives() {
    let config = AnalysisConfig {
        competitors: vec!["HubSpot".into(), "Leadsly".into(), "Go High Level".into()],
        ..AnalysisConfig::default()
    };
    let insights = analyze_with(
        config,
        &with_rep("we use hubspot and we tried leadsley and go high level and also an agency"),
    );
    let mentions: Vec<(&str, &str, MentionKind)> = insights
        .competitors
        .iter()
        .map(|c| (c.name.as_str(), c.said.as_str(), c.kind))
        .collect();
    assert!(
        mentions.contains(&("HubSpot", "hubspot", MentionKind::Listed)),
        "{mentions:?}"
    );
    assert!(
        mentions.contains(&("Leadsly", "leadsley", MentionKind::Fuzzy)),
        "{mentions:?}"
    );
    assert!(
        mentions.contains(&("Go High Level", "go high level", MentionKind::Listed)),
        "{mentions:?}"
    );
    assert!(
        mentions.contains(&("agency", "agency", MentionKind::Alternative)),
        "{mentions:?}"
    );
    assert!(
        !mentions.iter().any(|m| m.1 == "tried"),
        "short words are never fuzzy-matched"
    );
}

#[test]
fn unlabeled_single_speaker_text_is_still_analysed() {
    let analyzer = default_analyzer();
    let mut t = transcript("Unknown: we keep losing leads and it's too expensive to hire an SDR");
    let insights = analyzer.analyze("solo", &mut t, &RoleHints::default());
    assert_eq!(t.speakers[0].role, Role::Unknown);
    assert_eq!(classes(&insights), [ObjectionClass::Price]);
    assert_eq!(insights.talk.unknown_words, 12);
}

#[test]
fn bad_configs_are_typed_errors() {
    let mut config = AnalysisConfig::default();
    config
        .extra_phrases
        .insert("objection.nonsense".into(), vec!["x".into()]);
    assert_eq!(
        Analyzer::new(config).unwrap_err(),
        ConfigError::UnknownSection("objection.nonsense".into())
    );
    let mut config = AnalysisConfig::default();
    config.stage.temperature = 0.0;
    assert!(matches!(
        Analyzer::new(config),
        Err(ConfigError::BadParameter {
            name: "temperature",
            ..
        })
    ));
    let mut config = AnalysisConfig::default();
    config
        .extra_phrases
        .insert("objection.price".into(), vec!["too rich (for|".into()]);
    assert!(matches!(
        Analyzer::new(config),
        Err(ConfigError::Lexicon(_))
    ));
}

#[test]
fn client_phrases_extend_the_lexicon() {
    let mut config = AnalysisConfig::default();
    config.extra_phrases.insert(
        "objection.price".into(),
        vec!["too rich for (our|my) blood".into()],
    );
    let insights = analyze_with(config, &with_rep("honestly that's too rich for my blood"));
    assert_eq!(classes(&insights), [ObjectionClass::Price]);
}
