use super::*;
use serde_json::json;

fn fixture() -> Report {
    let row: Value =
        serde_json::from_str(include_str!("../../../testdata/analysis_result.json")).unwrap();
    Report::from_row(&row)
}

#[test]
fn the_distribution_reads_in_stage_order_and_adds_up_to_100() {
    let report = fixture();
    let summary: Vec<String> = report.distribution.iter().map(StageBar::sentence).collect();
    assert_eq!(
        summary,
        [
            "Problem aware: 13 prospects (43%)",
            "Solution aware: 9 prospects (30%)",
            "Product aware: 8 prospects (27%)"
        ]
    );
    assert_eq!(report.prospects(), 30);
}

#[test]
fn every_stored_shape_of_the_distribution_is_understood() {
    let counts = json!({"problem": 1, "solution": 1, "product": 1});
    let nested = json!({"problem": {"prospects": 1}, "solution": {"prospects": 1}, "product": {"prospects": 1, "share": 0.33}});
    for value in [counts, nested] {
        let bars = distribution(&value);
        assert_eq!(
            bars.iter().map(|b| b.percent).collect::<Vec<_>>(),
            [34, 33, 33]
        );
    }
    let empty = distribution(&json!({}));
    assert_eq!(empty.len(), 3, "three stages even with nobody");
    assert!(
        empty
            .iter()
            .all(|bar| bar.prospects == 0 && bar.percent == 0)
    );
    assert_eq!(distribution(&json!("garbage")).len(), 3);
    assert_eq!(
        distribution(&json!({"problem": -4}))
            .first()
            .unwrap()
            .prospects,
        0
    );
}

#[test]
fn percents_use_the_largest_remainder() {
    assert_eq!(percents(&[1, 1, 1]), [34, 33, 33]);
    assert_eq!(percents(&[2, 1, 0]), [67, 33, 0]);
    assert_eq!(percents(&[0, 0, 0]), [0, 0, 0]);
    assert_eq!(percents(&[998, 1, 1]), [100, 0, 0]);
    for counts in [[7u32, 13, 19], [1, 2, 997], [333, 333, 334]] {
        assert_eq!(percents(&counts).iter().sum::<u32>(), 100, "{counts:?}");
    }
}

#[test]
fn segments_are_sorted_and_broken_entries_cost_only_themselves() {
    let report = fixture();
    let levels: Vec<_> = report.segments.iter().map(|s| s.level).collect();
    assert_eq!(
        levels,
        [AwarenessLevel::Problem, AwarenessLevel::Solution],
        "unknown levels are skipped"
    );
    let problem = &report.segments[0];
    assert_eq!(problem.show_rate, Some(0.4615));
    assert_eq!(problem.pains.len(), 2, "a pain without a phrase is skipped");
    assert_eq!(problem.pains[0].label, "losing leads");
    assert_eq!(
        (problem.pains[0].prospects, problem.pains[0].mentions),
        (9, 14)
    );
    assert_eq!(problem.objections[0].label, "Price / budget");
    assert_eq!(problem.objections[0].said.as_deref(), Some("too expensive"));
    assert_eq!(problem.objections[0].share, Some(0.3));
    assert!(
        problem.objections[1].quotes.is_empty(),
        "a quote without a turn is skipped"
    );
    let solution = &report.segments[1];
    assert_eq!(
        solution.buying_signals[0].label,
        "Questions about logistics"
    );
    assert_eq!(solution.objections[0].label, "Competitor or status quo");
}

#[test]
fn quotes_keep_their_text_verbatim_and_their_place() {
    let report = fixture();
    let quote = &report.segments[0].pains[0].quotes[1];
    assert_eq!(
        quote.text, "Half our leads <script>window.__xss=1</script> vanish.",
        "the model never alters text; the page renders it as text"
    );
    assert_eq!(
        (
            quote.transcript_id.as_str(),
            quote.turn_index,
            quote.start_ms
        ),
        ("t-2", 9, Some(30000))
    );
}

#[test]
fn evidence_takes_one_quote_per_transcript() {
    let report = fixture();
    let evidence = report.segments[0].evidence(5);
    let transcripts: Vec<&str> = evidence.iter().map(|q| q.transcript_id.as_str()).collect();
    assert_eq!(transcripts, ["t-1", "t-3", "t-7", "t-2"]);
    assert_eq!(report.segments[0].evidence(2).len(), 2);
}

#[test]
fn outcome_phrases_are_grouped_showed_first_and_strongest_first() {
    let report = fixture();
    let titles: Vec<String> = report
        .comparisons
        .iter()
        .map(OutcomeComparison::title)
        .collect();
    assert_eq!(titles, ["Showed vs. no-show", "Closed vs. lost"]);
    let showed = &report.comparisons[0];
    let phrases =
        |list: &[OutcomePhrase]| list.iter().map(|p| p.phrase.clone()).collect::<Vec<_>>();
    assert_eq!(phrases(&showed.favour_a), ["this week"]);
    assert_eq!(
        phrases(&showed.favour_b),
        ["my business partner", "next quarter"]
    );
    assert_eq!((showed.a_label(), showed.b_label()), ("showed", "no-show"));
}

#[test]
fn recommendations_accept_text_or_objects() {
    let report = fixture();
    assert_eq!(report.recommendations.len(), 2);
    assert_eq!(report.recommendations[0].quotes.len(), 1);
    assert!(report.recommendations[1].text.starts_with("Invite"));
}

#[test]
fn an_empty_row_is_an_empty_report() {
    let report = Report::from_row(&json!({}));
    assert!(report.segments.is_empty() && report.comparisons.is_empty());
    assert_eq!(report.prospects(), 0);
}

fn results() -> Vec<TranscriptResult> {
    let insights: Vec<Value> = (0..1000)
        .map(|i| {
            let level = ["problem", "solution", "product"][i % 3];
            json!({
                "transcript_id": format!("t{i:04}"),
                "awareness_level": level,
                "confidence": if i % 2 == 0 { json!(0.5 + (i % 50) as f64 / 100.0) } else { json!(format!("{:.3}", 0.4)) },
            })
        })
        .chain([json!({"transcript_id": "bad", "awareness_level": "unaware", "confidence": 1})])
        .collect();
    let names: BTreeMap<String, (String, Outcome)> = (1..1000)
        .map(|i| {
            (
                format!("t{i:04}"),
                (format!("call {i:04}.vtt"), Outcome::Showed),
            )
        })
        .collect();
    transcript_results(&insights, &names)
}

#[test]
fn a_thousand_results_join_their_transcripts() {
    let results = results();
    assert_eq!(results.len(), 1000, "an unknown stage is skipped");
    assert_eq!(results[0].file_name, "(deleted transcript)");
    assert_eq!(results[1].file_name, "call 0001.vtt");
    assert!(
        (results[1].confidence - 0.4).abs() < 1e-9,
        "numeric strings are read"
    );
    assert_eq!(confidence_label(0.82), "High (82%)");
    assert_eq!(confidence_label(0.5), "Medium (50%)");
    assert_eq!(confidence_label(0.1), "Low (10%)");
}

#[test]
fn results_are_filtered_and_ordered_without_copying() {
    let results = results();
    let product = arrange(&results, Some(AwarenessLevel::Product), ResultOrder::Name);
    assert_eq!(product.len(), 333);
    assert!(
        product
            .iter()
            .all(|&i| results[i].level == AwarenessLevel::Product)
    );
    let by_confidence = arrange(&results, None, ResultOrder::Confidence);
    assert!(
        by_confidence
            .windows(2)
            .all(|w| results[w[0]].confidence <= results[w[1]].confidence)
    );
    let by_stage = arrange(&results, None, ResultOrder::Stage);
    assert_eq!(results[by_stage[0]].level, AwarenessLevel::Problem);
    assert_eq!(results[by_stage[999]].level, AwarenessLevel::Product);
    assert_eq!(ResultOrder::parse("confidence"), ResultOrder::Confidence);
    assert_eq!(ResultOrder::parse("junk"), ResultOrder::Name);
}
