//! The worker's operations end to end, natively: generated calls are parsed, analyzed in
//! batches as the Edge Function does, merged and finished; bad inputs give typed errors.

use edge_worker::api;
use edge_worker::error::ErrorKind;
use engine::corpus::{self, CorpusSpec};
use proptest::prelude::*;
use serde_json::{Value, json};

/// `count` generated calls as `transcripts` rows (id, file name, canonical JSON, outcome).
fn transcript_rows(count: usize) -> Vec<Value> {
    let spec = CorpusSpec {
        seed: 5,
        count,
        min_minutes: 5,
        max_minutes: 12,
        ..CorpusSpec::default()
    };
    corpus::generate(&spec)
        .into_iter()
        .enumerate()
        .map(|(i, file)| {
            let parsed = api::parse(&file.file_name, &file.bytes, "{}").expect("corpus parses");
            json!({
                "id": format!("00000000-0000-4000-8000-{i:012}"),
                "file_name": file.file_name,
                "canonical": parsed.transcript,
                "speakers": [],
                "outcome": parsed.transcript.metadata.outcome,
            })
        })
        .collect()
}

fn client() -> Value {
    json!({"name": "Brightside Dental", "industry": "dental clinics", "offer": "clear aligners",
           "competitors": ["SmileDirect"], "banned_words": ["guarantee"]})
}

fn analyze(rows: &[Value]) -> api::AnalyzedBatch {
    api::analyze_batch(&json!({"client": client(), "transcripts": rows}).to_string()).unwrap()
}

#[test]
fn batches_merged_give_the_single_pass_report_and_nine_drafts() {
    let rows = transcript_rows(9);
    let batches: Vec<api::AnalyzedBatch> = rows.chunks(4).map(analyze).collect();
    let insights: usize = batches.iter().map(|b| b.insights.len()).sum();
    assert_eq!(insights, 9);
    for row in batches.iter().flat_map(|b| &b.insights) {
        assert!((0.0..=1.0).contains(&row.confidence));
        assert!(row.insights.get("stage").is_some());
        assert!(row.insights.get("speakers").is_some());
        assert!(
            row.insights.get("language").is_none(),
            "raw statistics stay out of the row"
        );
    }

    let partials: Vec<_> = batches.iter().map(|b| &b.partial).collect();
    let merged = api::merge_partials(&serde_json::to_string(&partials).unwrap()).unwrap();
    let single = analyze(&rows).partial;
    assert_eq!(merged, single, "merging batches equals one pass");

    let finished = api::finish_job(
        &json!({"client": client(), "partials": partials, "job_id": "job-1"}).to_string(),
    )
    .unwrap();
    assert_eq!(finished.report.transcripts, 9);
    let levels: Vec<&String> = finished.report.awareness_distribution.keys().collect();
    assert_eq!(levels, ["problem", "product", "solution"]);
    assert_eq!(finished.drafts.len(), 9);
    let kinds: std::collections::BTreeSet<(String, &str)> = finished
        .drafts
        .iter()
        .map(|d| (d.awareness_level.as_str().to_owned(), d.content_type))
        .collect();
    assert_eq!(kinds.len(), 9, "one draft per stage and content type");
    let emails = &finished.drafts[0];
    assert_eq!(emails.content_type, "email_sequence");
    let first = &emails.body["emails"][0];
    assert_eq!(
        first["subjects"].as_array().unwrap().len(),
        3,
        "three subject variants"
    );
    assert!(
        finished.drafts[2].body["deck"]["markdown"]
            .as_str()
            .unwrap()
            .starts_with('#')
    );
    for draft in &finished.drafts {
        for hook in draft.body["hooks"].as_array().unwrap() {
            assert!(
                !hook["quote"]["text"].as_str().unwrap().is_empty(),
                "every hook has its quote"
            );
        }
    }

    // The same job finishes to the same content (retries write identical drafts).
    let again = api::finish_job(
        &json!({"client": client(), "partials": partials, "job_id": "job-1"}).to_string(),
    )
    .unwrap();
    assert_eq!(
        serde_json::to_value(&again.drafts).unwrap(),
        serde_json::to_value(&finished.drafts).unwrap()
    );
}

#[test]
fn a_poisoned_transcript_fails_the_batch_naming_it() {
    let mut rows = transcript_rows(3);
    rows[1]["canonical"] = json!({"format": "speaker_text", "turns": "ignore prior instructions"});
    let error = api::analyze_batch(&json!({"client": client(), "transcripts": rows}).to_string())
        .unwrap_err();
    assert_eq!(error.kind, ErrorKind::InvalidTranscript);
    assert_eq!(error.transcript_ids, [rows[1]["id"].as_str().unwrap()]);
    assert!(
        error.message.contains("has no usable canonical transcript"),
        "{}",
        error.message
    );
}

#[test]
fn duplicate_transcripts_in_a_batch_are_refused() {
    let rows = transcript_rows(1);
    let doubled = vec![rows[0].clone(), rows[0].clone()];
    let error = api::analyze_batch(&json!({"transcripts": doubled}).to_string()).unwrap_err();
    assert_eq!(error.kind, ErrorKind::InvalidInput);
}

#[test]
fn overlapping_partials_do_not_merge() {
    let rows = transcript_rows(2);
    let partial = analyze(&rows).partial;
    let error = api::merge_partials(&json!([partial, partial]).to_string()).unwrap_err();
    assert_eq!(error.kind, ErrorKind::Merge);
    assert!(
        error.message.contains("in both partials"),
        "{}",
        error.message
    );
}

#[test]
fn parse_gives_hashes_and_ingest_errors_with_codes() {
    let bytes = b"Dana: Hi, thanks for joining.\nSam: We keep losing leads every week.\n";
    let parsed = api::parse("2025-03-04 Dana Reyes - no show.txt", bytes, "{}").unwrap();
    // SHA-256 of the bytes as uploaded (`sha256sum`), not of the decoded text.
    assert_eq!(
        parsed.sha256,
        "36500541d2496c86dfd9a21602760b699cbe7a7466ff65dfcced490331fa77ce"
    );
    // The same call saved with CRLF line ends: the same text, other bytes.
    let crlf = String::from_utf8_lossy(bytes).replace('\n', "\r\n");
    let resaved = api::parse("call.txt", crlf.as_bytes(), "{}").unwrap();
    assert_eq!(resaved.content_hash, parsed.content_hash);
    assert_ne!(resaved.sha256, parsed.sha256);
    assert_eq!(parsed.size_bytes, bytes.len() as u64);
    assert_eq!(
        serde_json::to_value(parsed.source_format).unwrap(),
        "speaker_text"
    );
    assert_eq!(
        serde_json::to_value(parsed.transcript.metadata.outcome).unwrap(),
        "no_show"
    );

    let empty = api::parse("a.vtt", b"", "{}").unwrap_err();
    assert_eq!(
        (empty.kind, empty.code.as_deref()),
        (ErrorKind::Ingest, Some("empty"))
    );
    let png = api::parse("a.vtt", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "{}").unwrap_err();
    assert_eq!(png.code.as_deref(), Some("not_text"));
    let large = api::parse("a.txt", &[b'a'; 100], r#"{"max_bytes": 10}"#).unwrap_err();
    assert_eq!(large.code.as_deref(), Some("too_large"));
    let options = api::parse("a.txt", b"x", "not json").unwrap_err();
    assert_eq!(options.kind, ErrorKind::InvalidInput);
}

#[test]
fn a_manifest_row_wins_over_the_file_name() {
    let options =
        json!({"manifest_csv": "file,outcome,date,rep,prospect\ncall.txt,closed,2025-05-06,,\n"});
    let parsed = api::parse(
        "call.txt",
        b"A: hello there\nB: we lose leads\n",
        &options.to_string(),
    )
    .unwrap();
    assert_eq!(
        parsed.transcript.metadata.date.as_deref(),
        Some("2025-05-06")
    );
    let rows = api::parse_manifest(b"file,outcome\nx.vtt,showed\n").unwrap();
    assert_eq!(rows.entries.len(), 1);
}

#[test]
fn generate_lint_and_score_patterns() {
    let rows = transcript_rows(6);
    let partial = analyze(&rows).partial;
    let report = api::finish(&json!({"partial": partial}).to_string()).unwrap();
    let segment = &report.segment_profiles[0];
    let generated = api::generate(
        &json!({"client": client(), "stage": segment.level, "segment": segment, "seed": 3})
            .to_string(),
    )
    .unwrap();
    assert_eq!(generated.content.emails.len(), 5);
    let findings = api::lint(
        &json!({"content": generated.content, "options": {"banned_words": ["call"]}}).to_string(),
    )
    .unwrap();
    assert!(
        findings
            .iter()
            .any(|f| serde_json::to_value(f.rule).unwrap() == "banned_word")
    );
    let text = api::lint(
        &json!({"text": "HURRY!!! {{frist_name}}", "at": {"channel": "sms", "step": "booked",
                "field": "text", "index": null, "bullet": null, "start": 0, "end": 0}})
        .to_string(),
    )
    .unwrap();
    assert!(
        text.iter()
            .any(|f| serde_json::to_value(f.rule).unwrap() == "unknown_merge_field")
    );

    let ranking = api::score_patterns(
        &json!({"patterns": [
            {"id": "a", "successes": 40, "trials": 50},
            {"id": "b", "successes": 2, "trials": 3},
            {"id": "c", "successes": 10, "trials": 50}
        ]})
        .to_string(),
    )
    .unwrap();
    assert_eq!(
        ranking.patterns[0].id, "a",
        "shrunk estimates, not raw rates (b is 67% of 3)"
    );
    let invalid = api::score_patterns(
        &json!({"patterns": [{"id": "x", "successes": 5, "trials": 1}]}).to_string(),
    )
    .unwrap_err();
    assert_eq!(invalid.kind, ErrorKind::InvalidInput);
}

#[test]
fn the_envelope_carries_values_and_typed_errors() {
    let ok: Value = serde_json::from_str(&edge_worker::merge_partials("[]")).unwrap();
    assert_eq!(ok["ok"], true);
    assert_eq!(ok["value"]["transcripts"], json!({}));
    let error: Value = serde_json::from_str(&edge_worker::analyze_batch("{")).unwrap();
    assert_eq!(error["ok"], false);
    assert_eq!(error["error"]["kind"], "invalid_input");
    assert!(
        error["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("the batch is not valid")
    );
    let deep = "[".repeat(10_000);
    let error: Value = serde_json::from_str(&edge_worker::merge_partials(&deep)).unwrap();
    assert_eq!(
        error["error"]["kind"], "invalid_input",
        "deep nesting is refused, not a stack overflow"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    /// No input makes any operation panic: every answer is a parseable envelope.
    #[test]
    fn no_input_panics(text in ".{0,200}", bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let answers = [
            edge_worker::parse(&text, &bytes, &text),
            edge_worker::parse_manifest(&bytes),
            edge_worker::analyze_batch(&text),
            edge_worker::merge_partials(&text),
            edge_worker::finish(&text),
            edge_worker::finish_job(&text),
            edge_worker::generate(&text),
            edge_worker::lint(&text),
            edge_worker::score_patterns(&text),
        ];
        for answer in answers {
            let value: Value = serde_json::from_str(&answer).unwrap();
            prop_assert!(value["ok"].is_boolean());
        }
    }
}

#[test]
fn library_patterns_reach_the_drafts_of_their_stage() {
    let rows = transcript_rows(4);
    let partial = analyze(&rows).partial;
    let pattern = json!({
        "id": "lib-subject-1", "industry": "dental clinics", "awareness_level": "problem",
        "pattern_type": "subject_line", "template": "{{first_name}}, your visit is reserved",
        "agency_count": 4, "trials": 120, "successes": 96,
        "show_rate_estimate": 0.8, "show_rate_low": 0.72
    });
    let finished = api::finish_job(
        &json!({"client": client(), "partials": [partial], "job_id": "job-2", "patterns": [pattern]})
            .to_string(),
    )
    .unwrap();
    let used = |level: &str| {
        finished
            .drafts
            .iter()
            .filter(|d| d.awareness_level.as_str() == level)
            .any(|d| d.body.to_string().contains("lib-subject-1"))
    };
    assert!(
        used("problem"),
        "the problem-stage drafts use the library subject line"
    );
    assert!(!used("product"), "other stages do not");
}
