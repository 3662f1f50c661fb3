use super::*;
use engine::ingest::{IngestOptions, read};

const AGENCY: &str = "11111111-1111-4111-8111-111111111111";
const CLIENT: &str = "22222222-2222-4222-8222-222222222222";

fn ingest(name: &str, text: &str) -> Result<IngestedFile, String> {
    read(name, text.as_bytes(), &IngestOptions::default()).map_err(|error| error.kind.to_string())
}

fn call(n: usize) -> String {
    format!(
        "Dana Reyes: Thanks for booking, what made you reach out? ({n})\nSam Patel: We keep losing leads after the first call.\nDana Reyes: How many a month?\nSam Patel: Maybe twenty.\n"
    )
}

fn plan(item: &Item) -> PlannedUpload {
    let format = item
        .parsed
        .as_ref()
        .map_or(SourceFormat::Unlabeled, |parsed| parsed.transcript.format);
    plan_upload(
        AGENCY,
        CLIENT,
        &format!("{:08x}-0000-4000-8000-000000000000", item.id),
        format,
    )
}

/// Drop `count` good files and parse them all.
fn parsed_queue(count: usize) -> UploadQueue {
    let mut queue = UploadQueue::new();
    let files: Vec<(String, u64)> = (0..count).map(|n| (format!("call-{n}.txt"), 100)).collect();
    queue.add(&files);
    loop {
        let started = queue.start_parsing();
        if started.is_empty() {
            break;
        }
        for id in started {
            queue.parsed(id, ingest(&format!("call-{id}.txt"), &call(id as usize)));
        }
    }
    queue
}

#[test]
fn empty_and_oversized_files_are_refused_before_reading() {
    let mut queue = UploadQueue::new();
    let ids = queue.add(&[
        ("empty.vtt".into(), 0),
        ("huge.txt".into(), MAX_FILE_BYTES + 1),
        ("fine.txt".into(), 10),
    ]);
    let reason = |id| match &queue.item(id).unwrap().stage {
        Stage::Unreadable { reason } => reason.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(reason(ids[0]), "the file is empty");
    assert!(
        reason(ids[1]).contains("over the 5.0 MB limit"),
        "{}",
        reason(ids[1])
    );
    assert_eq!(
        queue.start_parsing(),
        vec![ids[2]],
        "only the readable file is parsed"
    );
}

#[test]
fn parsing_is_bounded_and_a_broken_file_does_not_stop_the_rest() {
    let mut queue = UploadQueue::new();
    let files: Vec<(String, u64)> = (0..10).map(|n| (format!("f{n}.txt"), 100)).collect();
    let ids = queue.add(&files);
    let first = queue.start_parsing();
    assert_eq!(first.len(), PARSE_CONCURRENCY);
    assert!(
        queue.start_parsing().is_empty(),
        "no more until one finishes"
    );
    // The first file is a PNG renamed .txt: its own error, the others go on.
    queue.parsed(
        first[0],
        read(
            "f0.txt",
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
            &IngestOptions::default(),
        )
        .map_err(|error| error.kind.to_string()),
    );
    assert!(matches!(&queue.item(first[0]).unwrap().stage,
        Stage::Unreadable { reason } if reason.contains("not a text transcript")));
    assert_eq!(queue.start_parsing(), vec![ids[4]]);
    for id in &ids[1..5] {
        queue.parsed(*id, ingest("f.txt", &call(*id as usize)));
    }
    let summary = queue.summary();
    assert_eq!(
        (summary.parsed, summary.unreadable, summary.parsing),
        (4, 1, 5)
    );
}

#[test]
fn late_or_repeated_answers_are_ignored() {
    let mut queue = parsed_queue(1);
    let id = queue.items()[0].id;
    let before = queue.clone();
    queue.parsed(id, Err("late".into()));
    queue.uploaded(id);
    queue.saved(id, "x".into());
    queue.save_failed(id, SaveError::Other("x".into()), false);
    queue.progress(id, 5, 10);
    assert_eq!(
        queue, before,
        "a Ready item ignores answers meant for other stages"
    );
    queue.parsed(999, Err("unknown item".into()));
    assert_eq!(queue, before);
}

#[test]
fn uploads_run_four_at_a_time_in_order_file_then_row() {
    let mut queue = parsed_queue(6);
    let started = queue.start_uploads(plan);
    assert_eq!(started.len(), UPLOAD_CONCURRENCY);
    assert!(queue.start_uploads(plan).is_empty());
    let id = started[0];
    let upload = queue.item(id).unwrap().upload.clone().unwrap();
    assert_eq!(
        upload.storage_path,
        format!("{AGENCY}/{CLIENT}/{}.txt", upload.transcript_id)
    );
    queue.progress(id, 50, 100);
    assert_eq!(
        queue.item(id).unwrap().stage,
        Stage::Uploading {
            sent: 50,
            total: 100
        }
    );
    queue.saved(id, "too early".into());
    assert!(
        matches!(queue.item(id).unwrap().stage, Stage::Uploading { .. }),
        "no row is saved before its file is uploaded"
    );
    queue.uploaded(id);
    assert_eq!(queue.item(id).unwrap().stage, Stage::Saving);
    assert_eq!(
        queue.start_uploads(plan).len(),
        0,
        "saving still holds its slot"
    );
    queue.saved(id, upload.transcript_id.clone());
    assert_eq!(
        queue.item(id).unwrap().stage,
        Stage::Saved {
            transcript_id: upload.transcript_id
        }
    );
    assert!(
        queue
            .item(id)
            .unwrap()
            .parsed
            .as_ref()
            .unwrap()
            .transcript
            .turns
            .is_empty(),
        "the canonical transcript is let go once it is in the database"
    );
    assert_eq!(queue.start_uploads(plan).len(), 1, "a slot was freed");
}

#[test]
fn failures_are_per_file_and_retryable() {
    let mut queue = parsed_queue(2);
    let ids = queue.start_uploads(plan);
    queue.upload_failed(ids[0], "We couldn't reach the server.".into());
    assert_eq!(
        queue.item(ids[0]).unwrap().stage,
        Stage::Failed {
            reason: "We couldn't reach the server.".into(),
            leftover: false
        }
    );
    queue.uploaded(ids[1]);
    queue.save_failed(ids[1], SaveError::Other("refused".into()), true);
    assert!(matches!(
        queue.item(ids[1]).unwrap().stage,
        Stage::Failed { leftover: true, .. }
    ));
    assert_eq!(queue.summary().failed, 2);
    assert!(!queue.is_busy());

    let first_key = queue.item(ids[0]).unwrap().upload.clone();
    assert!(queue.retry(ids[0]));
    assert_eq!(queue.item(ids[0]).unwrap().stage, Stage::Ready);
    assert_eq!(
        queue.item(ids[0]).unwrap().upload,
        None,
        "a retry gets a fresh key"
    );
    assert!(first_key.is_some());
    assert!(!queue.retry(ids[0]), "only failed items are retried");
}

#[test]
fn duplicates_are_found_before_upload_and_from_the_database() {
    let mut queue = UploadQueue::new();
    let stored_hash = ingest("old.txt", &call(1)).unwrap().content_hash;
    queue.set_stored([(stored_hash.as_str(), "old call.txt")]);
    let ids = queue.add(&[
        ("again.txt".into(), 100),
        ("new.txt".into(), 100),
        ("new copy.txt".into(), 100),
    ]);
    queue.start_parsing();
    queue.parsed(ids[0], ingest("again.txt", &call(1)));
    queue.parsed(ids[1], ingest("new.txt", &call(2)));
    // Same text with other line ends and a BOM: the same transcript.
    let copy = format!("\u{feff}{}", call(2).replace('\n', "\r\n"));
    queue.parsed(ids[2], ingest("new copy.txt", &copy));
    assert_eq!(
        queue.item(ids[0]).unwrap().stage,
        Stage::Duplicate {
            of: "old call.txt".into()
        }
    );
    assert_eq!(queue.item(ids[1]).unwrap().stage, Stage::Ready);
    assert_eq!(
        queue.item(ids[2]).unwrap().stage,
        Stage::Duplicate {
            of: "new.txt".into()
        }
    );
    assert_eq!(
        queue.start_uploads(plan),
        vec![ids[1]],
        "duplicates are never uploaded"
    );

    // Another tab saved the same transcript meanwhile: the database's 409.
    queue.uploaded(ids[1]);
    queue.save_failed(ids[1], SaveError::Duplicate, false);
    assert!(matches!(
        queue.item(ids[1]).unwrap().stage,
        Stage::Duplicate { .. }
    ));
    assert_eq!(queue.summary().duplicates, 3);
}

#[test]
fn corrections_apply_until_the_transcript_is_sent() {
    let mut queue = parsed_queue(1);
    let id = queue.items()[0].id;
    assert!(queue.set_role(id, "Dana Reyes", Role::Rep));
    assert!(queue.set_role(id, "Sam Patel", Role::Prospect));
    assert!(!queue.set_role(id, "Nobody", Role::Rep));
    assert!(queue.set_outcome(id, Outcome::NoShow));
    let item = queue.item(id).unwrap().clone();
    let parsed = item.parsed.clone().unwrap();
    let canonical = parsed.canonical();
    assert!(canonical.turns.iter().all(|turn| turn.role
        == if turn.speaker == "Dana Reyes" {
            Role::Rep
        } else {
            Role::Prospect
        }));
    assert_eq!(canonical.metadata.outcome, Outcome::NoShow);

    let started = queue.start_uploads(plan);
    assert!(
        !queue.set_outcome(started[0], Outcome::Closed),
        "in flight: too late"
    );
    let upload = queue.item(id).unwrap().upload.clone().unwrap();
    let row = transcript_row(AGENCY, CLIENT, &item, &parsed, &upload);
    assert_eq!(row["outcome"], "no_show");
    assert_eq!(row["speakers"][0]["corrected_by_user"], true);
    assert_eq!(row["rep_name"], "Dana Reyes");
    assert_eq!(row["prospect_name"], "Sam Patel");
    assert_eq!(row["parse_status"], "parsed");
    assert_eq!(row["id"], upload.transcript_id);
    assert_eq!(row["canonical"]["turns"][1]["role"], "prospect");

    queue.uploaded(id);
    queue.saved(id, upload.transcript_id.clone());
    assert!(
        !queue.set_outcome(id, Outcome::Closed),
        "saved: corrections go to the database"
    );
    let saved_speakers = vec![SpeakerEntry {
        name: "Dana Reyes".into(),
        role: Role::Prospect,
        confidence: 1.0,
        corrected_by_user: true,
    }];
    queue.apply_saved(id, &saved_speakers, Outcome::Closed);
    let parsed = queue.item(id).unwrap().parsed.clone().unwrap();
    assert_eq!(
        (parsed.speakers, parsed.outcome),
        (saved_speakers, Outcome::Closed)
    );
}

#[test]
fn rows_fit_the_database_constraints() {
    let mut queue = UploadQueue::new();
    let hostile = format!("\u{202e}gpj.{}\u{200b}\n.vtt", "x".repeat(400));
    let id = queue.add(&[(hostile, 100)])[0];
    queue.start_parsing();
    let text = "Dr. \u{202e}Evil\u{0007}: hello there, can we talk about price?\nSam: sure.\n";
    queue.parsed(id, ingest("x.txt", text));
    queue.start_uploads(plan);
    let item = queue.item(id).unwrap();
    let row = transcript_row(
        AGENCY,
        CLIENT,
        item,
        item.parsed.as_ref().unwrap(),
        item.upload.as_ref().unwrap(),
    );
    let file_name = row["file_name"].as_str().unwrap();
    assert_eq!(file_name.chars().count(), 255);
    assert!(
        !file_name.chars().any(super::is_refused_char),
        "{file_name:?}"
    );
    for key in ["rep_name", "prospect_name"] {
        if let Some(name) = row[key].as_str() {
            assert!(!name.chars().any(super::is_refused_char), "{key}: {name:?}");
            assert!(name.chars().count() <= 200);
        }
    }
}

#[test]
fn names_and_dates_are_cleaned_for_the_database() {
    assert_eq!(stored_file_name("\u{feff}  call.vtt \u{200b}"), "call.vtt");
    assert_eq!(stored_file_name("\u{202e}\u{200b}"), "transcript");
    assert_eq!(single_line("a\tb\nc", 10), "abc");
    assert_eq!(plausible_date(Some("2025-03-04")), Some("2025-03-04"));
    for bad in [
        "1999-12-31",
        "2101-01-01",
        "2025-3-4",
        "03/04/2025",
        "2025-03-04T10:00",
    ] {
        assert_eq!(plausible_date(Some(bad)), None, "{bad}");
    }
}

#[test]
fn storage_keys_never_carry_the_original_name() {
    let planned = plan_upload(
        AGENCY,
        CLIENT,
        "ABCDEF01-2345-4789-8abc-def012345678",
        SourceFormat::Srt,
    );
    assert_eq!(
        planned.storage_path,
        format!("{AGENCY}/{CLIENT}/abcdef01-2345-4789-8abc-def012345678.srt")
    );
    assert_eq!(planned.content_type, "application/x-subrip");
    for format in SourceFormat::ALL {
        let (extension, content_type) = storage_kind(format);
        assert!(extension.chars().all(|c| c.is_ascii_lowercase()));
        assert!(
            [
                "text/plain",
                "text/vtt",
                "application/x-subrip",
                "application/json"
            ]
            .contains(&content_type),
            "the bucket accepts {content_type}"
        );
    }
}

#[test]
fn the_ledger_survives_garbage_and_forgets_saved_uploads() {
    assert_eq!(Ledger::parse(None), Ledger::default());
    assert_eq!(Ledger::parse(Some("{not json")), Ledger::default());
    let mut ledger = Ledger::default();
    let a = plan_upload(
        AGENCY,
        CLIENT,
        "aaaaaaaa-0000-4000-8000-000000000000",
        SourceFormat::Webvtt,
    );
    let b = plan_upload(
        AGENCY,
        CLIENT,
        "bbbbbbbb-0000-4000-8000-000000000000",
        SourceFormat::Webvtt,
    );
    ledger.add(&a);
    ledger.add(&b);
    ledger.add(&a);
    assert_eq!(ledger.entries.len(), 2);
    let stored = Ledger::parse(Some(&ledger.to_json()));
    assert_eq!(stored, ledger);
    ledger.remove(&a.transcript_id);
    assert_eq!(
        ledger.entries,
        vec![LedgerEntry {
            transcript_id: b.transcript_id.clone(),
            storage_path: b.storage_path.clone()
        }]
    );
}

#[test]
fn the_headline_counts_every_file_once() {
    let mut queue = parsed_queue(3);
    queue.add(&[("empty.txt".into(), 0)]);
    let ids = queue.start_uploads(plan);
    queue.uploaded(ids[0]);
    queue.saved(ids[0], "t".into());
    let summary = queue.summary();
    assert_eq!(
        summary,
        Summary {
            total: 4,
            parsing: 0,
            parsed: 3,
            unreadable: 1,
            duplicates: 0,
            uploading: 2,
            saved: 1,
            failed: 0
        }
    );
    assert_eq!(
        summary.sentence(),
        "3 of 4 files read, 1 could not be read, 1 saved, 2 uploading."
    );
    assert!(queue.is_busy());
    queue.clear_settled();
    assert_eq!(queue.items().len(), 2);
}
