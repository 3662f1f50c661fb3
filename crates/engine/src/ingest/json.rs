//! JSON exports: Gong (`callTranscripts[].transcript[].sentences[]`, with `parties` for names
//! and affiliation when present) and Fireflies (`sentences[]` with `speaker_name`, and
//! `meeting_attendees` e-mails).

use super::metadata::{date_from_epoch_days, find_date};
use super::speaker_text::UNKNOWN_SPEAKER;
use super::turns::TurnBuilder;
use super::{ErrorKind, IngestOptions};
use crate::transcript::{Role, SourceFormat, Speaker, TranscriptMetadata, Turn};
use serde_json::Value;

pub(crate) struct Parsed {
    pub(crate) format: SourceFormat,
    pub(crate) turns: Vec<Turn>,
    pub(crate) speakers: Vec<Speaker>,
    pub(crate) metadata: TranscriptMetadata,
}

pub(crate) fn parse(text: &str, options: &IngestOptions) -> Result<Parsed, ErrorKind> {
    let root: Value = serde_json::from_str(text).map_err(|error| {
        let detail = match error.classify() {
            serde_json::error::Category::Eof => {
                "the file ends in the middle of the data; it may be cut off".to_owned()
            }
            _ => {
                let message = error.to_string();
                // serde_json appends " at line L column C"; we report those separately.
                message
                    .split(" at line ")
                    .next()
                    .unwrap_or(&message)
                    .to_owned()
            }
        };
        ErrorKind::MalformedJson {
            line: error.line() as u64,
            column: error.column() as u64,
            detail,
        }
    })?;
    if let Some(calls) = root.get("callTranscripts") {
        return gong(&root, calls, options);
    }
    if let Some((transcript, sentences)) = fireflies_sentences(&root) {
        return fireflies(transcript, sentences, options);
    }
    Err(ErrorKind::UnknownJson)
}

/// A number, or a string holding one.
fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(number) => number.as_f64(),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
    .filter(|value: &f64| value.is_finite() && *value >= 0.0)
}

fn string(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(text) if !text.trim().is_empty() => Some(text.trim().to_owned()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// A sentence's start and end, in the file's unit.
type Times = (Option<f64>, Option<f64>);

/// Times are milliseconds or seconds depending on the exporter: `default_seconds` says which
/// the format documents. Milliseconds are whole numbers, and average well over 100 per
/// sentence (no one says a sentence in a tenth of a second); anything else is seconds.
fn scale_to_ms(values: &[Times], default_seconds: bool) -> f64 {
    let all = || {
        values
            .iter()
            .flat_map(|(start, end)| [*start, *end])
            .flatten()
    };
    if all().next().is_none() || values.len() < 2 {
        return if default_seconds { 1000.0 } else { 1.0 };
    }
    let fractional = all().any(|value| value.fract() != 0.0);
    let largest = all().fold(0.0f64, f64::max);
    if fractional || largest / (values.len() as f64) < 100.0 {
        1000.0
    } else {
        1.0
    }
}

fn to_ms(value: Option<f64>, scale: f64) -> Option<u64> {
    let millis = (value? * scale).round();
    (millis < 1e15).then_some(millis as u64)
}

/// A role from an e-mail address: the agency's rep domains mark reps.
fn role_from_email(email: Option<&str>, options: &IngestOptions) -> Option<Role> {
    let domain = email?.rsplit_once('@')?.1.trim().to_ascii_lowercase();
    if options.rep_domains.is_empty() || domain.is_empty() {
        return None;
    }
    let is_rep = options.rep_domains.iter().any(|rep| {
        let rep = rep.trim().trim_start_matches('@').to_ascii_lowercase();
        !rep.is_empty() && (domain == rep || domain.ends_with(&format!(".{rep}")))
    });
    Some(if is_rep { Role::Rep } else { Role::Prospect })
}

fn date_of(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(text) => find_date(text.get(..40).unwrap_or(text)),
        Value::Number(number) => {
            // Epoch milliseconds (Fireflies) or seconds.
            let raw = number.as_f64()?;
            let seconds = if raw > 1e11 { raw / 1000.0 } else { raw };
            (seconds.is_finite() && seconds > 0.0 && seconds < 1e10)
                .then(|| date_from_epoch_days((seconds / 86_400.0) as i64))
                .flatten()
        }
        _ => None,
    }
}

struct Party {
    id: String,
    name: Option<String>,
    role: Option<Role>,
}

/// The `/v2/calls/extensive` entry for this call, when the export includes one (`calls[]`,
/// matched on `metaData.id`): it holds the parties and the call's metadata.
fn extensive_entry<'a>(root: &'a Value, call: &Value) -> Option<&'a Value> {
    let call_id = string(call.get("callId"));
    let calls = root.get("calls").and_then(Value::as_array)?;
    if calls.len() == 1 && call_id.is_none() {
        return calls.first();
    }
    calls.iter().find(|entry| {
        let id = string(entry.get("metaData").and_then(|meta| meta.get("id")))
            .or_else(|| string(entry.get("id")));
        id.is_some() && id == call_id
    })
}

fn gong_parties(root: &Value, call: &Value, options: &IngestOptions) -> Vec<Party> {
    let from_calls = extensive_entry(root, call);
    let parties = call
        .get("parties")
        .or_else(|| root.get("parties"))
        .or_else(|| from_calls.and_then(|entry| entry.get("parties")))
        .and_then(Value::as_array);
    parties
        .into_iter()
        .flatten()
        .filter_map(|party| {
            let id = string(party.get("speakerId"))?;
            let affiliation = party
                .get("affiliation")
                .and_then(Value::as_str)
                .unwrap_or("");
            let role = match affiliation.to_ascii_lowercase().as_str() {
                "internal" => Some(Role::Rep),
                "external" => Some(Role::Prospect),
                _ => role_from_email(party.get("emailAddress").and_then(Value::as_str), options),
            };
            Some(Party {
                id,
                name: string(party.get("name")),
                role,
            })
        })
        .collect()
}

fn gong(root: &Value, calls: &Value, options: &IngestOptions) -> Result<Parsed, ErrorKind> {
    let no_speech = || ErrorKind::NoSpeech {
        detail: "the Gong file has no transcript sentences".to_owned(),
    };
    // One file, one call: the first call with a transcript.
    let call = calls
        .as_array()
        .and_then(|calls| {
            calls.iter().find(|call| {
                call.get("transcript")
                    .and_then(Value::as_array)
                    .is_some_and(|t| !t.is_empty())
            })
        })
        .ok_or_else(no_speech)?;
    let parties = gong_parties(root, call, options);
    let mut pieces: Vec<(String, Times, &str)> = Vec::new();
    for monologue in call
        .get("transcript")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let speaker_id = string(monologue.get("speakerId")).unwrap_or_default();
        for sentence in monologue
            .get("sentences")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let Some(text) = sentence.get("text").and_then(Value::as_str) else {
                continue;
            };
            let times = (
                sentence.get("start").and_then(number),
                sentence.get("end").and_then(number),
            );
            pieces.push((speaker_id.clone(), times, text));
        }
    }
    let scale = scale_to_ms(
        &pieces
            .iter()
            .map(|(_, times, _)| *times)
            .collect::<Vec<_>>(),
        false,
    );
    // Display names: the party's name, else "Speaker N" in order of first words.
    let mut names: Vec<(String, String)> = Vec::new();
    let mut builder = TurnBuilder::new();
    for (speaker_id, (start, end), text) in &pieces {
        let name = match names.iter().find(|(id, _)| id == speaker_id) {
            Some((_, name)) => name.clone(),
            None => {
                let party = parties.iter().find(|party| &party.id == speaker_id);
                let name = party
                    .and_then(|party| party.name.clone())
                    .filter(|name| !names.iter().any(|(_, taken)| taken == name))
                    .unwrap_or_else(|| {
                        if speaker_id.is_empty() {
                            UNKNOWN_SPEAKER.to_owned()
                        } else {
                            format!("Speaker {}", names.len() + 1)
                        }
                    });
                if let Some(role) = party.and_then(|party| party.role) {
                    builder.set_role(&name, role, 1.0);
                }
                names.push((speaker_id.clone(), name.clone()));
                name
            }
        };
        builder.push(&name, to_ms(*start, scale), to_ms(*end, scale), text);
    }
    let (turns, speakers) = builder.finish("the Gong file has no transcript sentences")?;
    let meta = call
        .get("metaData")
        .or_else(|| extensive_entry(root, call).and_then(|entry| entry.get("metaData")))
        .or_else(|| root.get("metaData"));
    let mut metadata = TranscriptMetadata {
        date: date_of(meta.and_then(|meta| meta.get("started").or_else(|| meta.get("scheduled")))),
        duration_ms: meta
            .and_then(|meta| meta.get("duration"))
            .and_then(number)
            .map(|seconds| (seconds * 1000.0) as u64)
            .or_else(|| {
                turns
                    .iter()
                    .filter_map(|turn| turn.end_ms.or(turn.start_ms))
                    .max()
            }),
        ..TranscriptMetadata::default()
    };
    metadata.rep = speakers
        .iter()
        .find(|speaker| speaker.role == Role::Rep)
        .map(|speaker| speaker.name.clone());
    metadata.prospect = speakers
        .iter()
        .find(|speaker| speaker.role == Role::Prospect)
        .map(|speaker| speaker.name.clone());
    Ok(Parsed {
        format: SourceFormat::GongJson,
        turns,
        speakers,
        metadata,
    })
}

/// Finds the Fireflies transcript object and its sentences, wherever the export put them.
fn fireflies_sentences(root: &Value) -> Option<(Option<&Value>, &Vec<Value>)> {
    let is_sentence =
        |value: &Value| value.get("speaker_name").is_some() || value.get("text").is_some();
    if let Some(array) = root.as_array() {
        if array.first().is_some_and(is_sentence) {
            return Some((None, array));
        }
        let transcript = array
            .iter()
            .find(|entry| entry.get("sentences").is_some())?;
        return Some((Some(transcript), transcript.get("sentences")?.as_array()?));
    }
    let candidates = [
        Some(root),
        root.get("data").and_then(|data| data.get("transcript")),
        root.get("transcript"),
        root.get("data")
            .and_then(|data| data.get("transcripts"))
            .and_then(|list| list.get(0)),
        root.get("transcripts").and_then(|list| list.get(0)),
        root.get("meeting_transcripts").and_then(|list| list.get(0)),
    ];
    candidates.into_iter().flatten().find_map(|transcript| {
        let sentences = transcript.get("sentences")?.as_array()?;
        Some((Some(transcript), sentences))
    })
}

fn fireflies(
    transcript: Option<&Value>,
    sentences: &[Value],
    options: &IngestOptions,
) -> Result<Parsed, ErrorKind> {
    let times: Vec<Times> = sentences
        .iter()
        .map(|sentence| {
            (
                sentence.get("start_time").and_then(number),
                sentence.get("end_time").and_then(number),
            )
        })
        .collect();
    let scale = scale_to_ms(&times, true);
    let mut builder = TurnBuilder::new();
    for (sentence, (start, end)) in sentences.iter().zip(&times) {
        let text = sentence
            .get("text")
            .and_then(Value::as_str)
            .or_else(|| sentence.get("raw_text").and_then(Value::as_str));
        let Some(text) = text else { continue };
        let name = string(sentence.get("speaker_name"))
            .or_else(|| string(sentence.get("speaker_id")).map(|id| format!("Speaker {id}")))
            .unwrap_or_else(|| UNKNOWN_SPEAKER.to_owned());
        builder.push(&name, to_ms(*start, scale), to_ms(*end, scale), text);
    }
    let attendees = transcript
        .and_then(|transcript| transcript.get("meeting_attendees"))
        .and_then(Value::as_array);
    for attendee in attendees.into_iter().flatten() {
        let email = attendee.get("email").and_then(Value::as_str);
        let Some(role) = role_from_email(email, options) else {
            continue;
        };
        for key in ["displayName", "name"] {
            if let Some(name) = string(attendee.get(key)) {
                // A rep's domain is a hard hint; "not the rep's domain" is a softer one.
                builder.set_role(&name, role, if role == Role::Rep { 1.0 } else { 0.9 });
            }
        }
    }
    let (turns, speakers) = builder.finish("the Fireflies file has no sentences with text")?;
    let metadata = TranscriptMetadata {
        date: transcript.and_then(|transcript| {
            date_of(transcript.get("date")).or_else(|| date_of(transcript.get("dateString")))
        }),
        duration_ms: turns
            .iter()
            .filter_map(|turn| turn.end_ms.or(turn.start_ms))
            .max(),
        rep: speakers
            .iter()
            .find(|speaker| speaker.role == Role::Rep)
            .map(|speaker| speaker.name.clone()),
        prospect: speakers
            .iter()
            .find(|speaker| speaker.role == Role::Prospect)
            .map(|speaker| speaker.name.clone()),
        ..TranscriptMetadata::default()
    };
    Ok(Parsed {
        format: SourceFormat::FirefliesJson,
        turns,
        speakers,
        metadata,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> IngestOptions {
        IngestOptions {
            rep_domains: vec!["leadflow.com".to_owned()],
            ..IngestOptions::default()
        }
    }

    #[test]
    fn gong_with_parties_in_milliseconds() {
        let text = r#"{"requestId":"x","records":{},"callTranscripts":[{"callId":"77","transcript":[
            {"speakerId":"1","topic":null,"sentences":[{"start":460230,"end":462343,"text":"Hi Marcus."},{"start":462500,"end":463000,"text":"Ready?"}]},
            {"speakerId":"2","sentences":[{"start":463500,"end":465000,"text":"Yes."}]}]}],
            "parties":[{"speakerId":"1","name":"Dana Reyes","affiliation":"Internal"},{"speakerId":"2","name":"Marcus","affiliation":"External"}]}"#;
        let parsed = parse(text, &options()).expect("parses");
        assert_eq!(parsed.format, SourceFormat::GongJson);
        assert_eq!(parsed.turns.len(), 2);
        assert_eq!(
            (parsed.turns[0].start_ms, parsed.turns[0].end_ms),
            (Some(460_230), Some(463_000))
        );
        assert_eq!(parsed.turns[0].text, "Hi Marcus. Ready?");
        assert_eq!(parsed.turns[0].role, Role::Rep);
        assert_eq!(
            parsed.speakers[1],
            Speaker {
                name: "Marcus".into(),
                role: Role::Prospect,
                confidence: 1.0
            }
        );
        assert_eq!(parsed.metadata.rep.as_deref(), Some("Dana Reyes"));
    }

    #[test]
    fn gong_in_seconds_without_parties() {
        let text = r#"{"callTranscripts":[{"transcript":[{"speakerId":9,"sentences":[{"start":1.5,"end":3,"text":"a"}]},{"speakerId":8,"sentences":[{"start":4,"end":5,"text":"b"}]}]}]}"#;
        let parsed = parse(text, &IngestOptions::default()).expect("parses");
        let summary: Vec<(&str, Option<u64>, Role)> = parsed
            .turns
            .iter()
            .map(|turn| (turn.speaker.as_str(), turn.start_ms, turn.role))
            .collect();
        assert_eq!(
            summary,
            [
                ("Speaker 1", Some(1_500), Role::Unknown),
                ("Speaker 2", Some(4_000), Role::Unknown)
            ]
        );
    }

    #[test]
    fn fireflies_with_string_times_and_attendees() {
        let text = r#"{"data":{"transcript":{"title":"Call","date":1741100400000,"meeting_attendees":[
            {"displayName":"Dana Reyes","email":"dana@leadflow.com"},{"displayName":"Marcus Chen","email":"marcus@acme.io"}],
            "sentences":[{"index":0,"speaker_name":"Dana Reyes","text":"Hi.","start_time":"0.5","end_time":"1.25"},
                         {"index":1,"speaker_name":"Marcus Chen","raw_text":"Hello.","start_time":2,"end_time":3}]}}}"#;
        let parsed = parse(text, &options()).expect("parses");
        assert_eq!(parsed.format, SourceFormat::FirefliesJson);
        assert_eq!(
            (parsed.turns[0].start_ms, parsed.turns[0].end_ms),
            (Some(500), Some(1_250))
        );
        assert_eq!(parsed.turns[1].text, "Hello.");
        assert_eq!(parsed.turns[0].role, Role::Rep);
        assert_eq!(parsed.turns[1].role, Role::Prospect);
        assert_eq!(parsed.metadata.date.as_deref(), Some("2025-03-04"));
    }

    #[test]
    fn malformed_and_unknown_json() {
        let error = parse("{\n  \"callTranscripts\": [,\n}", &IngestOptions::default()).err();
        assert!(
            matches!(error, Some(ErrorKind::MalformedJson { line: 2, .. })),
            "{error:?}"
        );
        let error = parse("{\"a\": [1, 2", &IngestOptions::default()).err();
        assert!(
            matches!(error, Some(ErrorKind::MalformedJson { ref detail, .. }) if detail.contains("cut off"))
        );
        assert_eq!(
            parse("{\"hello\": 1}", &IngestOptions::default()).err(),
            Some(ErrorKind::UnknownJson)
        );
        assert!(matches!(
            parse(r#"{"callTranscripts": []}"#, &IngestOptions::default()),
            Err(ErrorKind::NoSpeech { .. })
        ));
    }
}
