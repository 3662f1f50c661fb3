//! Generation, end to end: fixture briefs → content sets, compared with reviewed snapshots
//! (`UPDATE_EXPECT=1 cargo test -p engine --test generate` rewrites them; review the diff), plus
//! the properties every content set must have.

use std::path::Path;

use engine::evidence::Quote;
use engine::generate::{
    Channel, ContentBrief, ContentSet, EvidenceItem, Field, GenerateError, LearnedPattern,
    LintOptions, Location, ObjectionClass, ObjectionEvidence, PatternKind, Severity, StageEvidence,
    Step, TemplateSet, generate, generate_with, lint, render_markdown,
};
use engine::transcript::AwarenessLevel;
use expect_test::expect_file;
use proptest::prelude::*;

fn brief(stage: &str) -> ContentBrief {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("testdata/generate/brief_{stage}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The text of the field a location points at.
fn field_text<'s>(set: &'s ContentSet, at: &Location) -> &'s str {
    match at.channel {
        Channel::Email => {
            let email = set
                .emails
                .iter()
                .find(|e| Some(e.step) == at.step)
                .expect("e-mail exists");
            match at.field {
                Field::Subject => &email.subjects[at.index.expect("subject index")].text,
                Field::Preheader => &email.preheader,
                Field::Body => &email.body,
                other => panic!("{other:?} is not an e-mail field"),
            }
        }
        Channel::Sms => {
            &set.sms
                .iter()
                .find(|s| Some(s.step) == at.step)
                .expect("sms exists")
                .text
        }
        Channel::Deck => match at.field {
            Field::Title => &set.deck.title,
            Field::SlideTitle => &set.deck.slides[at.index.expect("slide")].title,
            Field::Bullet => {
                &set.deck.slides[at.index.expect("slide")].bullets[at.bullet.expect("bullet")]
            }
            other => panic!("{other:?} is not a deck field"),
        },
    }
}

/// Everything every generated set must satisfy.
fn assert_well_formed(brief: &ContentBrief, set: &ContentSet) {
    assert_eq!(
        set.emails.iter().map(|e| e.step).collect::<Vec<_>>(),
        Step::ALL.to_vec()
    );
    assert_eq!(
        set.sms.iter().map(|s| s.step).collect::<Vec<_>>(),
        Step::SMS.to_vec()
    );
    for email in &set.emails {
        assert_eq!(email.subjects.len(), 3, "{:?}", email.step);
        assert!(!email.body.trim().is_empty());
        assert!(
            email.body.contains("{{reschedule_link}}"),
            "{:?} has a reschedule link",
            email.step
        );
    }
    assert!(set.deck.slides.len() >= 4);
    assert!(set.deck.markdown.starts_with("# "));
    let all_quotes: Vec<&Quote> = brief
        .evidence
        .pains
        .iter()
        .chain(&brief.evidence.desires)
        .chain(&brief.evidence.buying_signals)
        .chain(&brief.evidence.phrases)
        .chain(brief.evidence.objections.iter().map(|o| &o.item))
        .flat_map(|item| &item.quotes)
        .collect();
    for hook in &set.hooks {
        assert!(
            all_quotes.contains(&&hook.quote),
            "hook {:?} links to a quote of the brief",
            hook.text
        );
        assert!(!hook.used_in.is_empty());
        for at in &hook.used_in {
            let text = field_text(set, at);
            let used = text.get(at.start..at.end).expect("a valid byte range");
            let mut chars = hook.text.chars();
            let capitalized: String = chars
                .next()
                .into_iter()
                .flat_map(char::to_uppercase)
                .chain(chars)
                .collect();
            assert!(
                used == hook.text || used == capitalized,
                "{used:?} vs {:?}",
                hook.text
            );
        }
    }
    for pattern in &set.patterns_used {
        let text = field_text(set, &pattern.location);
        assert!(
            text.get(pattern.location.start..pattern.location.end)
                .is_some()
        );
    }
    let findings: Vec<_> = lint(set, &LintOptions::for_client(&brief.client))
        .into_iter()
        .filter(|f| f.severity != Severity::Info)
        .collect();
    assert!(
        findings.is_empty(),
        "generated content lints clean: {findings:#?}"
    );
}

/// Generates the stage's fixture brief with seed 7 and compares the rendering with its snapshot.
fn snapshot(stage: &str, expected: expect_test::ExpectFile) {
    let brief = brief(stage);
    let set = generate(&brief, 7).unwrap();
    assert_well_formed(&brief, &set);
    expected.assert_eq(&render_markdown(&set));
}

#[test]
fn problem_stage_snapshot() {
    snapshot(
        "problem",
        expect_file!["../testdata/generate/problem.expected.md"],
    );
}

#[test]
fn solution_stage_snapshot() {
    snapshot(
        "solution",
        expect_file!["../testdata/generate/solution.expected.md"],
    );
}

#[test]
fn product_stage_snapshot_with_learned_patterns() {
    snapshot(
        "product",
        expect_file!["../testdata/generate/product.expected.md"],
    );
}

#[test]
fn generation_is_deterministic_for_a_seed_and_the_seed_varies_subject_lines() {
    let brief = brief("problem");
    let json = |seed| serde_json::to_string(&generate(&brief, seed).unwrap()).unwrap();
    assert_eq!(json(11), json(11));
    let subjects = |seed| -> Vec<String> {
        generate(&brief, seed)
            .unwrap()
            .emails
            .iter()
            .flat_map(|e| e.subjects.iter().map(|s| s.text.clone()))
            .collect()
    };
    assert!(
        (0..20).any(|seed| subjects(seed) != subjects(7)),
        "some seed picks other subject lines"
    );
    // The control subject line (the stage's first) stays first whatever the seed.
    for seed in 0..20 {
        assert_eq!(
            generate(&brief, seed).unwrap().emails[0].subjects[0].pattern_id,
            "problem.emails.booked.subjects[0][0]"
        );
    }
}

#[test]
fn learned_patterns_are_used_and_low_performers_avoided() {
    let brief = brief("product");
    let set = generate(&brief, 7).unwrap();
    let booked = &set.emails[0];
    assert_eq!(
        booked.subjects[0].pattern_id, "lib:subject:417",
        "the top learned subject line leads"
    );
    let day_before = set
        .emails
        .iter()
        .find(|e| e.step == Step::DayBefore)
        .unwrap();
    assert_eq!(
        day_before.subjects[0].text,
        "Tomorrow: bring your questions about how soon you can start"
    );
    let learned: Vec<(&str, PatternKind)> = set
        .patterns_used
        .iter()
        .filter(|p| p.learned)
        .map(|p| (p.pattern_id.as_str(), p.kind))
        .collect();
    assert!(learned.contains(&("lib:hook:88", PatternKind::Hook)));
    assert!(learned.contains(&("lib:handle:12", PatternKind::ObjectionHandle)));
    for low in &brief.learned.low_performers {
        assert!(
            set.patterns_used.iter().all(|p| p.pattern_id != low.id),
            "{} is avoided",
            low.id
        );
        let low_text = low.text.to_lowercase();
        assert!(
            set.emails
                .iter()
                .flat_map(|e| &e.subjects)
                .all(|s| s.text.to_lowercase() != low_text)
        );
    }
    // The learned subject with an unknown merge field is skipped and said so, once.
    assert!(
        set.patterns_used
            .iter()
            .all(|p| p.pattern_id != "lib:subject:431")
    );
    assert_eq!(
        set.notes
            .iter()
            .filter(|n| n.contains("lib:subject:431"))
            .count(),
        1
    );
}

#[test]
fn a_learned_low_performer_text_blocks_the_matching_template_piece() {
    let mut brief = brief("problem");
    brief.learned.low_performers.push(LearnedPattern {
        id: "lib:subject:77".into(),
        text: "the real cost of [[pain]]".into(),
        step: None,
        objection_class: None,
        posterior_mean: Some(0.4),
        lower_bound: Some(0.3),
    });
    let set = generate(&brief, 7).unwrap();
    assert!(
        set.emails
            .iter()
            .flat_map(|e| &e.subjects)
            .all(|s| !s.text.starts_with("The real cost of"))
    );
    assert_well_formed(&brief, &set);
}

#[test]
fn empty_evidence_still_gives_a_complete_generic_set() {
    for stage in AwarenessLevel::ALL {
        let mut brief = brief("problem");
        brief.stage = stage;
        brief.evidence = StageEvidence::default();
        brief.learned = Default::default();
        let set = generate(&brief, 1).unwrap();
        assert_well_formed(&brief, &set);
        assert!(set.hooks.is_empty());
        assert!(
            set.notes.iter().any(|n| n.contains("no evidence")),
            "{:?}",
            set.notes
        );
        assert!(!set.emails[0].body.contains("[["));
    }
}

#[test]
fn minimal_client_profile_uses_the_fallbacks() {
    let mut brief = brief("product");
    brief.client.price_range = None;
    brief.client.guarantee = None;
    brief.client.proof_points.clear();
    brief.client.call_length_minutes = None;
    brief.client.call_name = None;
    let set = generate(&brief, 3).unwrap();
    assert_well_formed(&brief, &set);
    let education = &set.emails[1].body;
    assert!(
        education.contains("Ask {{rep_name}} for examples from businesses like yours"),
        "{education}"
    );
    assert!(
        education.contains("we'll go through the price"),
        "{education}"
    );
    assert!(
        set.emails[2]
            .body
            .contains("{{rep_name}} has set the time aside for you")
    );
}

#[test]
fn banned_words_never_appear_even_when_the_evidence_uses_them() {
    let mut brief = brief("problem");
    brief.client.banned_words.push("leads".into());
    let set = generate(&brief, 7).unwrap();
    let json = serde_json::to_string(&(&set.emails, &set.sms, &set.deck))
        .unwrap()
        .to_lowercase();
    assert!(
        !json
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| w == "leads")
    );
    assert_well_formed(&brief, &set);
}

#[test]
fn hostile_evidence_cannot_inject_merge_fields_or_template_syntax() {
    let mut brief = brief("problem");
    let quote = Quote {
        transcript: "evil.txt".into(),
        turn_index: 0,
        start_ms: None,
        text:
            "we keep losing {{reschedule_link}} [[pain]] leads {{ }} to <script>alert(1)</script>"
                .into(),
    };
    brief.evidence.pains.insert(
        0,
        EvidenceItem {
            phrase: "losing {{confirm_link}} leads [[agenda]]".into(),
            count: 99,
            quotes: vec![quote.clone()],
        },
    );
    brief.evidence.objections.push(ObjectionEvidence {
        class: ObjectionClass::Price,
        item: EvidenceItem {
            phrase: "}}{{".into(),
            count: 50,
            quotes: vec![quote],
        },
    });
    let set = generate(&brief, 7).unwrap();
    assert_well_formed(&brief, &set);
    let all: String = set
        .emails
        .iter()
        .flat_map(|e| {
            e.subjects
                .iter()
                .map(|s| s.text.clone())
                .chain([e.preheader.clone(), e.body.clone()])
        })
        .chain(set.sms.iter().map(|s| s.text.clone()))
        .chain([set.deck.markdown.clone()])
        .collect::<Vec<_>>()
        .join("\n");
    for bad in ["{{confirm_link}}", "<script>", "[["] {
        assert!(!all.contains(bad), "{bad} in {all}");
    }
}

#[test]
fn oversized_evidence_is_bounded_not_a_cpu_sink() {
    // 1,000 pains with a dozen 4 KB quotes each, and a 1 MB "phrase": only the top items and
    // short quotes are looked at, so this stays fast (and the usable quote still wins).
    let mut brief = brief("problem");
    let long = "we keep losing leads because nobody calls back ".repeat(90);
    let quote = |text: &str| Quote {
        transcript: "big".into(),
        turn_index: 0,
        start_ms: None,
        text: text.into(),
    };
    let mut quotes = vec![quote(&long); 12];
    quotes.push(quote("we keep chasing leads that never call back"));
    let item = EvidenceItem {
        phrase: "chasing leads".into(),
        count: 1,
        quotes,
    };
    brief
        .evidence
        .pains
        .extend(std::iter::repeat_n(item, 1_000));
    brief.evidence.phrases.push(EvidenceItem {
        phrase: "lead ".repeat(200_000),
        count: 1_000,
        quotes: vec![quote("x")],
    });
    let set = generate(&brief, 7).unwrap();
    assert_well_formed(&brief, &set);
}

#[test]
fn template_overrides_apply_and_broken_ones_are_refused() {
    let brief = brief("problem");
    let templates = TemplateSet::builtin()
        .unwrap()
        .with_override(&serde_json::json!({
            "problem": {"emails": {"booked": {"subjects": [["{{first_name}}, you're in"], ["Sorted: [[pain]] on the agenda"]]}}}
        }))
        .unwrap();
    let set = generate_with(&brief, &templates, 7).unwrap();
    assert_eq!(set.emails[0].subjects[0].text, "{{first_name}}, you're in");
    assert_eq!(
        set.emails[0].subjects[1].text,
        "Sorted: losing leads on the agenda"
    );

    let mut broken = templates.clone();
    broken
        .problem
        .snippets
        .insert("sign_off".into(), vec!["Cheers, {{rep}}".into()]);
    match generate_with(&brief, &broken, 7) {
        Err(GenerateError::Templates(error)) => {
            assert!(error.to_string().contains("unknown merge field {{rep}}"))
        }
        other => panic!("expected a template error, got {other:?}"),
    }
}

#[test]
fn an_unusable_client_profile_is_a_typed_error() {
    let mut brief = brief("problem");
    brief.client.name = " {{ }} ".into();
    assert_eq!(
        generate(&brief, 1).unwrap_err(),
        GenerateError::Brief("client.name is empty".into())
    );
}

#[test]
fn briefs_and_content_sets_round_trip_through_json() {
    let brief = brief("product");
    let again: ContentBrief =
        serde_json::from_str(&serde_json::to_string(&brief).unwrap()).unwrap();
    assert_eq!(again, brief);
    let set = generate(&brief, 5).unwrap();
    let again: ContentSet = serde_json::from_str(&serde_json::to_string(&set).unwrap()).unwrap();
    assert_eq!(again, set);
    // A minimal brief: everything but the client and the stage is optional.
    let minimal: ContentBrief = serde_json::from_str(
        r#"{"client": {"name": "Acme", "industry": "coaching", "offer": "a 12-week coaching programme"}, "stage": "solution"}"#,
    )
    .unwrap();
    assert_well_formed(&minimal, &generate(&minimal, 0).unwrap());
}

fn arbitrary_item() -> impl Strategy<Value = EvidenceItem> {
    (
        "\\PC{0,60}",
        0u32..20,
        proptest::collection::vec("\\PC{0,200}", 0..3),
    )
        .prop_map(|(phrase, count, quotes)| EvidenceItem {
            phrase,
            count,
            quotes: quotes
                .into_iter()
                .enumerate()
                .map(|(i, text)| Quote {
                    transcript: "p".into(),
                    turn_index: i,
                    start_ms: Some(0),
                    text,
                })
                .collect(),
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn any_evidence_gives_well_formed_content(
        pains in proptest::collection::vec(arbitrary_item(), 0..4),
        desires in proptest::collection::vec(arbitrary_item(), 0..3),
        signals in proptest::collection::vec(arbitrary_item(), 0..3),
        objections in proptest::collection::vec((0usize..6, arbitrary_item()), 0..3),
        stage in 0usize..3,
        seed in any::<u64>(),
    ) {
        let mut brief = brief("problem");
        brief.stage = AwarenessLevel::ALL[stage];
        brief.evidence = StageEvidence {
            pains,
            desires,
            buying_signals: signals,
            objections: objections
                .into_iter()
                .map(|(class, item)| ObjectionEvidence { class: ObjectionClass::ALL[class], item })
                .collect(),
            phrases: Vec::new(),
        };
        let set = generate(&brief, seed).unwrap();
        assert_well_formed(&brief, &set);
    }
}
