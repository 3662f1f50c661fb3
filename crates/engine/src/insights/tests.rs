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

fn desires(insights: &TranscriptInsights) -> Vec<&str> {
    insights.desires.iter().map(|d| d.phrase.as_str()).collect()
}

#[test]
fn desires_stop_at_clause_boundaries_and_need_a_goal() {
    // Speech-to-text without punctuation, then the same with it.
    for text in [
        "every week it's the same thing we're trying to sell and the inspector flagged it",
        "Every week it's the same thing: we're trying to sell and the inspector flagged it.",
        "um i'll try to make it but things are crazy this week",
        "I hope something like this can help. I hope this could work for us.",
        "i'd like to see case studies before anything i want to think about it",
    ] {
        let (_, insights) = analyze(&with_rep(text));
        assert_eq!(desires(&insights), Vec::<&str>::new(), "{text}");
    }
    let (_, insights) = analyze(&with_rep(
        "we're trying to get more implant patients because the chairs sit empty",
    ));
    assert_eq!(desires(&insights), ["trying to get more implant patients"]);
    let (_, insights) = analyze(&with_rep(
        "honestly i want to fill the hygiene schedule and we lost two hygienists last year",
    ));
    assert_eq!(desires(&insights), ["want to fill the hygiene schedule"]);
    let (_, insights) = analyze(&with_rep(
        "i'd love to have thirty new patients a month so i can finally take a holiday",
    ));
    assert_eq!(
        desires(&insights),
        ["i'd love to have thirty new patients a month"]
    );
    // A list inside the object is kept: "time and money".
    let (_, insights) = analyze(&with_rep("we want to save time and money on admin"));
    assert_eq!(desires(&insights), ["want to save time and money on admin"]);
}

fn said(insights: &TranscriptInsights) -> Vec<&str> {
    insights
        .competitors
        .iter()
        .map(|c| c.said.as_str())
        .collect()
}

#[test]
fn own_business_and_the_offer_are_not_alternatives() {
    let config = AnalysisConfig {
        competitors: vec!["Consultly".into(), "Coachable".into()],
        brand_names: vec!["Momentum Coaching".into()],
        ..AnalysisConfig::default()
    };
    for text in [
        "oh sorry i know it's a pretty small consulting business just me and a dozen",
        "We serve mainly mid market coaching clients, nothing fancy.",
        "how long until people see results with the one to one coaching program",
        "what's included in the sdr as a service plan exactly",
        "So how much is the front desk training plus ads package?",
        "whatever we go with has to work with our software",
        "i've been following momentum coaching for a while",
    ] {
        let insights = analyze_with(config.clone(), &with_rep(text));
        assert!(
            said(&insights).is_empty(),
            "{text}: {:?}",
            insights.competitors
        );
        assert!(
            !classes(&insights).contains(&ObjectionClass::Competitor),
            "{text}"
        );
    }
    // Real alternatives still count, named or not, with or without punctuation.
    for (text, expected) in [
        (
            "we tried a coaching program last year and it didn't stick",
            "coaching",
        ),
        ("we hired a consultant last year", "consultant"),
        (
            "we had an agency for two years and they burned our domain",
            "agency",
        ),
        (
            "we looked at consultli but the reviews were bad",
            "consultli",
        ),
    ] {
        let insights = analyze_with(config.clone(), &with_rep(text));
        assert!(
            said(&insights).contains(&expected),
            "{text}: {:?}",
            said(&insights)
        );
    }
}

/// Unlabeled text (no speaker names): both sides' lines are in one speaker's turns.
fn unlabeled(paragraphs: &[&str]) -> TranscriptInsights {
    let mut t = Transcript {
        format: SourceFormat::Unlabeled,
        speakers: Vec::new(),
        turns: paragraphs
            .iter()
            .map(|p| Turn {
                speaker: "Unknown speaker".into(),
                role: Role::Unknown,
                start_ms: None,
                end_ms: None,
                text: (*p).into(),
            })
            .collect(),
        metadata: TranscriptMetadata::default(),
    };
    default_analyzer().analyze("unlabeled", &mut t, &RoleHints::default())
}

#[test]
fn buying_signals_are_the_prospects_words() {
    let insights = unlabeled(&[
        "ok so the next step would be booking a strategy session so you can meet sofia and she'll walk you through onboarding",
        "Okay so the price for the new patient program is six thousand, and covers onboarding and the ads.",
        "so you can focus on your startup we really stay with you until you get results",
        "we keep losing leads and it's killing us",
    ]);
    assert!(
        insights.buying_signals.is_empty(),
        "{:?}",
        insights.buying_signals
    );
    assert_eq!(insights.pains.len(), 1, "{:?}", insights.pains);
    // The prospect's own questions about the same things are signals.
    let insights = unlabeled(&[
        "what does onboarding look like how soon could we start",
        "What are the next steps?",
    ]);
    let cues: Vec<&str> = insights
        .buying_signals
        .iter()
        .map(|s| s.cue.as_str())
        .collect();
    assert!(cues.contains(&"onboarding"), "{cues:?}");
    // A statement about onboarding is not a buying signal, even from the prospect.
    let (_, insights) = analyze(&with_rep("onboarding was a mess with our last agency"));
    assert!(
        insights.buying_signals.is_empty(),
        "{:?}",
        insights.buying_signals
    );
}

#[test]
fn im_in_is_a_commitment_only_at_the_end_of_a_clause() {
    for text in ["I'm in Nashville.", "i'm in the middle of a move right now"] {
        let (_, insights) = analyze(&with_rep(text));
        assert!(insights.buying_signals.is_empty(), "{text}");
        assert!(!insights.stage.most_aware, "{text}");
    }
    for text in [
        "alright i'm in send me the link",
        "Okay, I'm in.",
        "yeah we're in let's do it",
    ] {
        let (_, insights) = analyze(&with_rep(text));
        assert!(
            insights
                .buying_signals
                .iter()
                .any(|s| s.kind == SignalKind::Commitment),
            "{text}"
        );
    }
}

#[test]
fn checking_a_calendar_is_a_stall_not_someone_elses_decision() {
    let (_, insights) = analyze(&with_rep("Possibly, I'd have to check my calendar."));
    assert_eq!(classes(&insights), [ObjectionClass::Timing]);
    let (_, insights) = analyze(&with_rep("i'd have to check with my partner first"));
    assert_eq!(classes(&insights), [ObjectionClass::Authority]);
}

fn competitor_names(insights: &TranscriptInsights) -> Vec<(&str, &str)> {
    insights
        .competitors
        .iter()
        .filter(|c| c.kind != MentionKind::Alternative)
        .map(|c| (c.name.as_str(), c.said.as_str()))
        .collect()
}

/// The seeded clients' competitors (supabase/seed.sql) and the corpus generator's.
fn seeded_competitors() -> AnalysisConfig {
    AnalysisConfig {
        competitors: [
            "BetterUp",
            "Vistage",
            "Online leadership courses",
            "Aspen Dental",
            "SmileDirectClub",
            "Dataprise",
            "Mindvalley",
            "Apollo",
            "SalesRoots",
            "Belkins",
            "PatientPop",
            "HomeAdvisor",
            "Summit Roofing",
            "Coach Accelerator Pro",
            "Dental Growth Partners",
        ]
        .map(String::from)
        .to_vec(),
        ..AnalysisConfig::default()
    }
}

#[test]
fn a_competitor_name_never_matches_an_ordinary_word() {
    for text in [
        "I mean it depends, most weeks are better than others.",
        "would it be better to go done for you or bring someone in house",
        "we bought some vintage chairs for the waiting room",
        "the summit was great and the roofing guy was late",
        "we keep missing the bigger picture with our patients",
        "it was a vantage point thing, mostly about the bellows",
    ] {
        let insights = analyze_with(seeded_competitors(), &with_rep(text));
        assert_eq!(competitor_names(&insights), [], "{text}");
        assert!(
            !classes(&insights).contains(&ObjectionClass::Competitor),
            "{text}: {:?}",
            insights.objections
        );
    }
}

#[test]
fn misspelt_and_split_competitor_names_still_match() {
    for (text, name, said) in [
        (
            "a friend went with better up and said it's fine",
            "BetterUp",
            "better up",
        ),
        ("we looked at betterupp last year", "BetterUp", "betterupp"),
        (
            "someone uses mind valley and likes it",
            "Mindvalley",
            "mind valley",
        ),
        ("we talked to mindvally", "Mindvalley", "mindvally"),
        (
            "i spoke with sales roots last week",
            "SalesRoots",
            "sales roots",
        ),
        ("we tried appollo for a while", "Apollo", "appollo"),
        (
            "we use patient pop for reviews",
            "PatientPop",
            "patient pop",
        ),
        (
            "we had a call with coach excelerator pro",
            "Coach Accelerator Pro",
            "coach excelerator pro",
        ),
        (
            "we met dental grow partners",
            "Dental Growth Partners",
            "dental grow partners",
        ),
    ] {
        let insights = analyze_with(seeded_competitors(), &with_rep(text));
        assert_eq!(competitor_names(&insights), [(name, said)], "{text}");
    }
}

#[test]
fn a_bare_comparative_is_not_a_competitor_objection() {
    for text in [
        "I mean it depends, most weeks are better than others.",
        "Is it better to do it DIY or bring someone in house?",
        "things got better after we hired a second hygienist",
        "compared to last year revenue is down a lot",
    ] {
        let (_, insights) = analyze(&with_rep(text));
        assert!(
            !classes(&insights).contains(&ObjectionClass::Competitor),
            "{text}: {:?}",
            insights.objections
        );
    }
    for text in [
        "why would this be better than what we have now",
        "honestly we're happy with what we have",
        "compared to an agency, why would your approach work better?",
        "they do it better and for less",
        "how is this better than hiring an SDR",
    ] {
        let (_, insights) = analyze(&with_rep(text));
        assert!(
            classes(&insights).contains(&ObjectionClass::Competitor),
            "{text}: {:?}",
            insights.objections
        );
    }
}

#[test]
fn desires_that_differ_only_in_wrapper_or_time_share_a_key() {
    let mut keys = Vec::new();
    for text in [
        "I'd like to figure this out soon.",
        "i would like to figure this out eventually",
        "I want to figure this out this year.",
        "we'd like to figure this out by the end of the quarter",
        "I'd like to figure this out.",
    ] {
        let (_, insights) = analyze(&with_rep(text));
        assert_eq!(insights.desires.len(), 1, "{text}: {:?}", insights.desires);
        let desire = &insights.desires[0];
        assert!(
            desire.phrase.ends_with("figure this out"),
            "{text}: {}",
            desire.phrase
        );
        keys.push(desire.key.clone());
    }
    keys.dedup();
    assert_eq!(keys.len(), 1, "{keys:?}");
    // A time that is the object itself stays: "get to twenty k months".
    let (_, insights) = analyze(&with_rep("we want to free up my weekends"));
    assert_eq!(desires(&insights), ["want to free up my weekends"]);
}

#[test]
fn category_words_count_only_where_weighed_as_alternatives() {
    // The prospect's own business: never an alternative.
    for text in [
        "So I've been running the agency for almost twelve years now.",
        "We're a pretty small agency, just me and five people.",
        "I'm not sure this is the right fit for an agency like ours.",
        "Our agency's clients are mostly dentists.",
        "I've been at the agency I work for since twenty nineteen.",
        "my agency does mostly social media",
        "I run an agency in Austin",
    ] {
        let insights = analyze_with(AnalysisConfig::default(), &with_rep(text));
        assert!(said(&insights).is_empty(), "{text}: {:?}", said(&insights));
    }
    // An alternative the prospect weighs, used or left.
    for (text, expected) in [
        ("we went with an agency last year", "agency"),
        ("we tried another agency and it burned our domain", "agency"),
        (
            "Compared to an agency, why would your approach work better?",
            "agency",
        ),
        ("our last agency never sent a single report", "agency"),
        ("the agency we hired booked junk meetings", "agency"),
        ("we used an agency for that before", "agency"),
        ("we burned a hundred thousand on ads last year", "ads"),
        (
            "We tried cold calling a while back and it fizzled out.",
            "cold calling",
        ),
    ] {
        let insights = analyze_with(AnalysisConfig::default(), &with_rep(text));
        assert!(
            said(&insights).contains(&expected),
            "{text}: {:?}",
            said(&insights)
        );
    }
    // A weighed list: the later, bare items count too.
    let insights = analyze_with(
        AnalysisConfig::default(),
        &with_rep("Our options are basically an agency, paid ads, or doing nothing."),
    );
    assert_eq!(said(&insights), ["agency", "paid ads"]);
}

#[test]
fn singular_and_plural_alternatives_share_one_name() {
    let insights = analyze_with(
        AnalysisConfig::default(),
        &with_rep("we hired two SDRs last year and then we tried an SDR agency and other agencies"),
    );
    let names: Vec<&str> = insights
        .competitors
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(
        names,
        ["sdr", "sdr", "agency", "agency"],
        "{:?}",
        said(&insights)
    );
}
