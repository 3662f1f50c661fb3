//! The real `scalestream` binary on real files.

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

fn scalestream(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_scalestream"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A small corpus plus two files that cannot be read.
fn corpus(dir: &Path) {
    let out = dir.join("calls");
    let output = scalestream(&[
        "corpus",
        "--count",
        "12",
        "--seed",
        "5",
        "--min-minutes",
        "10",
        "--max-minutes",
        "15",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    std::fs::write(out.join("broken.json"), b"{\"callTranscripts\": [").unwrap();
    std::fs::write(out.join("empty.txt"), b"").unwrap();
}

#[test]
fn analyze_json_has_the_promised_shape_and_lists_unreadable_files() {
    let dir = tempfile::tempdir().unwrap();
    corpus(dir.path());
    let calls = dir.path().join("calls");
    let manifest = calls.join("manifest.csv");
    let output = scalestream(&[
        "analyze",
        "--format",
        "json",
        "--manifest",
        manifest.to_str().unwrap(),
        "--competitors",
        "Acme Leads,GoHighLevel",
        calls.to_str().unwrap(),
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json: Value = serde_json::from_str(&stdout(&output)).unwrap();
    let transcripts = json["transcripts"].as_array().unwrap();
    assert_eq!(transcripts.len(), 12);
    for t in transcripts {
        for key in [
            "file",
            "format",
            "speakers",
            "turns",
            "outcome",
            "stage",
            "objections",
        ] {
            assert!(t.get(key).is_some(), "transcript without {key}");
        }
        for speaker in t["speakers"].as_array().unwrap() {
            assert!(["rep", "prospect", "unknown"].contains(&speaker["role"].as_str().unwrap()));
            assert!(speaker["confidence"].as_f64().unwrap() >= 0.0);
        }
        let turn = &t["turns"][0];
        assert!(
            turn["speaker"].is_string() && turn["role"].is_string() && turn["text"].is_string()
        );
        assert!(turn.get("start_ms").is_some());
        assert!(
            ["problem", "solution", "product"].contains(&t["stage"]["level"].as_str().unwrap())
        );
        assert!(t["stage"]["confidence"].is_number());
        assert!(!t["stage"]["evidence"].as_array().unwrap().is_empty());
        for objection in t["objections"].as_array().unwrap() {
            assert!(objection["class"].is_string() && objection["quote"]["text"].is_string());
        }
    }
    let outcomes: Vec<&str> = transcripts
        .iter()
        .map(|t| t["outcome"].as_str().unwrap())
        .collect();
    assert!(
        outcomes.iter().all(|o| *o != "unknown"),
        "the manifest gives every outcome: {outcomes:?}"
    );
    let batch = &json["batch"];
    assert_eq!(batch["awareness_distribution"].as_array().unwrap().len(), 3);
    assert_eq!(batch["segments"].as_array().unwrap().len(), 3);
    for phrase in batch["outcome_phrases"].as_array().unwrap() {
        assert!(
            phrase["a"].is_string()
                && phrase["b"].is_string()
                && phrase["phrase"].is_string()
                && phrase["z"].is_number()
        );
    }
    let errors = json["errors"].as_array().unwrap();
    let failed: Vec<&str> = errors.iter().map(|e| e["file"].as_str().unwrap()).collect();
    assert_eq!(failed.len(), 2, "{errors:?}");
    assert!(
        failed.iter().any(|f| f.ends_with("broken.json"))
            && failed.iter().any(|f| f.ends_with("empty.txt"))
    );
    assert!(
        errors
            .iter()
            .all(|e| !e["error"].as_str().unwrap().is_empty())
    );
}

#[test]
fn analyze_markdown_is_a_report_with_quotes() {
    let dir = tempfile::tempdir().unwrap();
    corpus(dir.path());
    let calls = dir.path().join("calls");
    let output = scalestream(&[
        "analyze",
        "--manifest",
        calls.join("manifest.csv").to_str().unwrap(),
        calls.to_str().unwrap(),
    ]);
    assert!(output.status.success());
    let report = stdout(&output);
    for heading in [
        "# Sales-call analysis: 12 calls",
        "## Where your prospects are",
        "## Calls",
        "## Files that could not be read",
    ] {
        assert!(report.contains(heading), "missing {heading:?} in\n{report}");
    }
    assert!(report.contains("> \""), "quotes back the claims");
    assert!(report.contains("empty.txt: the file is empty"), "{report}");
}

#[test]
fn analyze_is_the_same_on_one_thread_and_many() {
    let dir = tempfile::tempdir().unwrap();
    corpus(dir.path());
    let calls = dir.path().join("calls");
    let run = |threads: &str| {
        let output = scalestream(&[
            "analyze",
            "--format",
            "json",
            "--threads",
            threads,
            calls.to_str().unwrap(),
        ]);
        let json: Value = serde_json::from_str(&stdout(&output)).unwrap();
        json["batch"].clone()
    };
    assert_eq!(run("1"), run("3"), "merged partials equal one pass");
}

#[test]
fn missing_inputs_and_bad_manifests_are_clear_errors() {
    let output = scalestream(&["analyze", "/no/such/folder"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).contains("no such file or folder"));

    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("m.csv");
    std::fs::write(&manifest, "name,result\nx,y\n").unwrap();
    let output = scalestream(&[
        "analyze",
        "--manifest",
        manifest.to_str().unwrap(),
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("manifest"));
}

#[test]
fn generate_writes_content_per_stage_with_hooks_linked_to_quotes() {
    let dir = tempfile::tempdir().unwrap();
    corpus(dir.path());
    let calls = dir.path().join("calls");
    let output = scalestream(&[
        "generate",
        "--name",
        "Brightside Dental",
        "--industry",
        "dental clinics",
        "--offer",
        "patient reactivation program",
        "--format",
        "json",
        calls.to_str().unwrap(),
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json: Value =
        serde_json::from_str(&stdout(&output)).expect("generate --format json prints JSON");
    let stages = json["stages"].as_array().expect("stages[]");
    assert!(!stages.is_empty());
    for stage in stages {
        let content = &stage["content"];
        let emails = content["emails"].as_array().unwrap();
        assert!(emails.len() >= 4, "an e-mail sequence: {emails:?}");
        for email in emails {
            assert_eq!(
                email["subjects"].as_array().unwrap().len(),
                3,
                "three subject variants"
            );
        }
        for sms in content["sms"].as_array().unwrap() {
            assert!(
                sms["text"].as_str().unwrap().contains("STOP"),
                "opt-out line in {sms}"
            );
        }
        assert!(
            content["deck"]["markdown"]
                .as_str()
                .unwrap()
                .starts_with('#')
        );
        for hook in content["hooks"].as_array().unwrap() {
            let quote = hook["quote"]["text"].as_str().unwrap();
            assert!(!quote.is_empty() && hook["quote"]["transcript"].is_string());
        }
    }
    // The broken files are reported, not fatal.
    assert_eq!(json["errors"].as_array().unwrap().len(), 2);
}

#[test]
fn generate_needs_a_client_profile() {
    let dir = tempfile::tempdir().unwrap();
    corpus(dir.path());
    let output = scalestream(&[
        "generate",
        "--name",
        "Acme",
        dir.path().join("calls").to_str().unwrap(),
    ]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("--industry") && stderr.contains("--offer"),
        "{stderr}"
    );
}

#[test]
fn generate_markdown_reads_like_a_content_pack_and_honours_stage() {
    let dir = tempfile::tempdir().unwrap();
    corpus(dir.path());
    let calls = dir.path().join("calls");
    let profile = [
        "--name",
        "Brightside Dental",
        "--industry",
        "dental clinics",
        "--offer",
        "patient reactivation program",
    ];
    let mut json_args = vec!["generate", "--format", "json"];
    json_args.extend(profile);
    json_args.push(calls.to_str().unwrap());
    let json: Value = serde_json::from_str(&stdout(&scalestream(&json_args))).unwrap();
    let first = json["stages"][0]["stage"]
        .as_str()
        .expect("a stage")
        .to_owned();

    let mut md_args = vec!["generate", "--stage", first.as_str()];
    md_args.extend(profile);
    md_args.push(calls.to_str().unwrap());
    let output = scalestream(&md_args);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = stdout(&output);
    assert!(text.contains("# Nurture content for Brightside Dental"));
    assert_eq!(
        text.matches("-aware prospects (").count(),
        1,
        "only the requested stage:\n{text}"
    );
    let mut title = first.clone();
    title[..1].make_ascii_uppercase();
    assert!(text.contains(&format!("## {title}-aware prospects")));
    assert!(text.contains("Subject (control)") && text.contains("### SMS reminders"));
    assert!(text.contains("### Deck outline"));
}
