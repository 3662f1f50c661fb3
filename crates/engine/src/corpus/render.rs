//! Renders a scripted call into the file formats agencies upload, each with the quirks real
//! exporters have (see analysis-methods.md §6).

use super::script::{Party, Utterance};
use super::template::Dice;
use crate::transcript::SourceFormat;
use serde_json::{Value, json};
use std::fmt::Write as _;

/// Who is on the call, as the file names them.
pub(crate) struct Cast<'a> {
    pub(crate) rep: &'a str,
    pub(crate) prospect: &'a str,
    pub(crate) rep_email: &'a str,
    pub(crate) prospect_email: &'a str,
    pub(crate) title: &'a str,
    /// `YYYY-MM-DD`.
    pub(crate) date: &'a str,
    /// Milliseconds since the Unix epoch at the call's start.
    pub(crate) epoch_ms: u64,
}

impl Cast<'_> {
    fn name(&self, party: Party) -> &str {
        match party {
            Party::Rep => self.rep,
            Party::Prospect => self.prospect,
        }
    }
}

pub(crate) fn render(
    format: SourceFormat,
    utterances: &[Utterance],
    cast: &Cast<'_>,
    dice: &mut Dice,
) -> String {
    match format {
        SourceFormat::SpeakerText => speaker_text(utterances, cast, dice),
        SourceFormat::Webvtt if dice.chance(0.5) => teams_vtt(utterances, cast, dice),
        SourceFormat::Webvtt => zoom_vtt(utterances, cast, dice),
        SourceFormat::Srt => srt(utterances, cast, dice),
        SourceFormat::Otter => otter(utterances, cast, dice),
        SourceFormat::GongJson => gong(utterances, cast, dice),
        SourceFormat::FirefliesJson => fireflies(utterances, cast, dice),
        SourceFormat::Unlabeled => unlabeled(utterances, dice),
    }
}

/// `HH:MM:SS<separator>mmm`.
pub(crate) fn clock(ms: u64, separator: char) -> String {
    format!(
        "{:02}:{:02}:{:02}{separator}{:03}",
        ms / 3_600_000,
        ms / 60_000 % 60,
        ms / 1000 % 60,
        ms % 1000
    )
}

/// `M:SS`, or `H:MM:SS` past the hour.
fn short_clock(ms: u64) -> String {
    let seconds = ms / 1000;
    if seconds >= 3600 {
        format!(
            "{}:{:02}:{:02}",
            seconds / 3600,
            seconds / 60 % 60,
            seconds % 60
        )
    } else {
        format!("{}:{:02}", seconds / 60, seconds % 60)
    }
}

/// Splits an utterance into pieces of at most `max_words` words, preferring sentence ends,
/// each with its share of the utterance's time.
fn pieces(utterance: &Utterance, max_words: usize) -> Vec<(String, u64, u64)> {
    let words: Vec<&str> = utterance
        .text
        .split(' ')
        .filter(|word| !word.is_empty())
        .collect();
    let total = words.len().max(1) as u64;
    let span = utterance.end_ms.saturating_sub(utterance.start_ms);
    let mut out = Vec::new();
    let mut begin = 0;
    while begin < words.len() {
        let mut end = (begin + max_words).min(words.len());
        if let Some(offset) = words[begin..end]
            .iter()
            .position(|word| word.ends_with(['.', '?', '!']))
            && offset + 1 >= max_words / 3
        {
            end = begin + offset + 1;
        }
        let start_ms = utterance.start_ms + span * begin as u64 / total;
        let end_ms = utterance.start_ms + span * end as u64 / total;
        out.push((words[begin..end].join(" "), start_ms, end_ms));
        begin = end;
    }
    out
}

fn speaker_text(utterances: &[Utterance], cast: &Cast<'_>, dice: &mut Dice) -> String {
    let style = dice.below(4);
    let blank_lines = dice.chance(0.5);
    let wrap = dice.chance(0.3);
    let mut out = String::new();
    if dice.chance(0.5) {
        let _ = writeln!(
            out,
            "{}\nDate: {}\nParticipants: {}, {}\n",
            cast.title, cast.date, cast.rep, cast.prospect
        );
    }
    for utterance in utterances {
        let name = cast.name(utterance.party);
        match style {
            0 => {
                let _ = write!(out, "{name}: ");
            }
            1 => {
                let _ = write!(out, "[{}] {name}: ", &clock(utterance.start_ms, '.')[..8]);
            }
            2 => {
                let _ = write!(out, "{name} ({}): ", short_clock(utterance.start_ms));
            }
            _ => {
                let _ = write!(out, "**{name}:** ");
            }
        }
        if wrap && utterance.text.len() > 90 {
            // Pasted from a document: long turns wrap onto unlabeled continuation lines.
            let mut width = 0;
            for word in utterance.text.split(' ') {
                if width > 80 {
                    out.push('\n');
                    width = 0;
                } else if width > 0 {
                    out.push(' ');
                }
                out.push_str(word);
                width += word.len() + 1;
            }
        } else {
            out.push_str(&utterance.text);
        }
        if dice.chance(0.05) {
            out.push(' '); // trailing spaces happen
        }
        out.push('\n');
        if blank_lines {
            out.push('\n');
        }
    }
    out
}

fn zoom_vtt(utterances: &[Utterance], cast: &Cast<'_>, dice: &mut Dice) -> String {
    let mut out = String::from("WEBVTT\n\n");
    let mut index = 1;
    for utterance in utterances {
        let name = cast.name(utterance.party);
        for (piece, (text, start, end)) in pieces(utterance, 14).into_iter().enumerate() {
            let _ = writeln!(
                out,
                "{index}\n{} --> {}",
                clock(start, '.'),
                clock(end, '.')
            );
            // Zoom prefixes most cues; continuation cues sometimes come without a name.
            if piece == 0 || dice.chance(0.6) {
                let _ = write!(out, "{name}: ");
            }
            out.push_str(&text);
            out.push_str("\n\n");
            index += 1;
        }
    }
    out
}

fn guid(dice: &mut Dice) -> String {
    let mut hex = String::with_capacity(36);
    for index in 0..32 {
        if matches!(index, 8 | 12 | 16 | 20) {
            hex.push('-');
        }
        hex.push(char::from(b"0123456789abcdef"[dice.below(16)]));
    }
    hex
}

fn teams_vtt(utterances: &[Utterance], cast: &Cast<'_>, dice: &mut Dice) -> String {
    let mut out = String::from("WEBVTT\n\n");
    if dice.chance(0.5) {
        out.push_str("NOTE\nThis transcript was generated automatically.\nSpeaker names may be incorrect.\n\n");
    }
    if dice.chance(0.2) {
        out.push_str("STYLE\n::cue {\n  color: white;\n}\n\n");
    }
    let closing_tags = dice.chance(0.7);
    for utterance in utterances {
        let id = guid(dice);
        let name = cast.name(utterance.party);
        for (piece, (text, start, end)) in pieces(utterance, 18).into_iter().enumerate() {
            let _ = writeln!(
                out,
                "{id}/{}-{piece}\n{} --> {}",
                dice.between(10, 99),
                clock(start, '.'),
                clock(end, '.')
            );
            // One cue can hold several lines.
            let text = match text.char_indices().filter(|(_, c)| *c == ' ').nth(8) {
                Some((cut, _)) if dice.chance(0.4) => {
                    format!("{}\n{}", &text[..cut], &text[cut + 1..])
                }
                _ => text,
            };
            let _ = write!(out, "<v {name}>{text}");
            if closing_tags {
                out.push_str("</v>");
            }
            out.push_str("\n\n");
        }
    }
    out
}

fn srt(utterances: &[Utterance], cast: &Cast<'_>, dice: &mut Dice) -> String {
    let bracketed = dice.chance(0.4);
    let every_cue = dice.chance(0.7);
    let mut out = String::new();
    let mut index = 1;
    for utterance in utterances {
        let name = cast.name(utterance.party);
        for (piece, (text, start, end)) in pieces(utterance, 12).into_iter().enumerate() {
            let _ = writeln!(
                out,
                "{index}\n{} --> {}",
                clock(start, ','),
                clock(end, ',')
            );
            if piece == 0 || every_cue {
                if bracketed {
                    let _ = write!(out, "[{name}] ");
                } else {
                    let _ = write!(out, "{name}: ");
                }
            }
            out.push_str(&text);
            out.push_str("\n\n");
            index += 1;
        }
    }
    out
}

fn otter(utterances: &[Utterance], cast: &Cast<'_>, dice: &mut Dice) -> String {
    let mut out = String::new();
    for utterance in utterances {
        let trailing = if dice.chance(0.5) { "  " } else { "" };
        let _ = write!(
            out,
            "{}  {}{trailing}\n{}\n\n",
            cast.name(utterance.party),
            short_clock(utterance.start_ms),
            utterance.text
        );
    }
    out.push_str("\n\nTranscribed by https://otter.ai\n");
    out
}

fn sentences_of(utterance: &Utterance, dice: &mut Dice) -> Vec<(String, u64, u64)> {
    let max_words = 10 + dice.below(10);
    pieces(utterance, max_words)
}

fn gong(utterances: &[Utterance], cast: &Cast<'_>, dice: &mut Dice) -> String {
    let rep_id = format!(
        "{}",
        6_000_000_000_000_000_000u64 + dice.between(0, 999_999_999_999_999)
    );
    let prospect_id = format!(
        "{}",
        7_000_000_000_000_000_000u64 + dice.between(0, 999_999_999_999_999)
    );
    // Most exports are in milliseconds; some tools convert to seconds.
    let seconds = dice.chance(0.2);
    let time = |ms: u64| -> Value {
        if seconds {
            json!(ms as f64 / 1000.0)
        } else {
            json!(ms)
        }
    };
    let topics = [
        "Introduction",
        "Discovery",
        "Pricing",
        "Next Steps",
        "Objections",
        "Demo",
    ];
    let mut transcript = Vec::new();
    for utterance in utterances {
        let speaker = if utterance.party == Party::Rep {
            &rep_id
        } else {
            &prospect_id
        };
        let sentences: Vec<Value> = sentences_of(utterance, dice)
            .into_iter()
            .map(|(text, start, end)| json!({"start": time(start), "end": time(end), "text": text}))
            .collect();
        let topic = if dice.chance(0.3) {
            json!(dice.pick(&topics))
        } else {
            Value::Null
        };
        transcript.push(json!({"speakerId": speaker, "topic": topic, "sentences": sentences}));
    }
    let call_id = format!(
        "{}",
        dice.between(1_000_000_000_000_000_000, 9_000_000_000_000_000_000)
    );
    let parties = json!([
        {"speakerId": rep_id, "name": cast.rep, "emailAddress": cast.rep_email, "title": "Account Executive", "affiliation": "Internal"},
        {"speakerId": prospect_id, "name": cast.prospect, "emailAddress": cast.prospect_email, "affiliation": "External"},
    ]);
    let mut call = json!({"callId": call_id, "transcript": transcript});
    let mut root = json!({
        "requestId": format!("{:x}", dice.between(1 << 40, 1 << 48)),
        "records": {"totalRecords": 1, "currentPageSize": 1, "currentPageNumber": 0},
    });
    match dice.below(3) {
        0 => root["parties"] = parties,
        1 => call["parties"] = parties,
        _ => {}
    }
    if dice.chance(0.5) {
        call["metaData"] =
            json!({"title": cast.title, "started": format!("{}T15:00:00Z", cast.date)});
    }
    root["callTranscripts"] = json!([call]);
    if dice.chance(0.5) {
        serde_json::to_string_pretty(&root)
    } else {
        serde_json::to_string(&root)
    }
    .unwrap_or_default()
}

fn fireflies(utterances: &[Utterance], cast: &Cast<'_>, dice: &mut Dice) -> String {
    let as_strings = dice.chance(0.3);
    let time = |ms: u64| -> Value {
        let seconds = (ms / 10) as f64 / 100.0;
        if as_strings {
            json!(format!("{seconds:.2}"))
        } else {
            json!(seconds)
        }
    };
    let mut sentences = Vec::new();
    for utterance in utterances {
        let (name, id) = if utterance.party == Party::Rep {
            (cast.rep, 0)
        } else {
            (cast.prospect, 1)
        };
        for (text, start, end) in sentences_of(utterance, dice) {
            sentences.push(json!({
                "index": sentences.len(), "speaker_name": name, "speaker_id": id,
                "text": text, "raw_text": text, "start_time": time(start), "end_time": time(end),
            }));
        }
    }
    let duration_minutes = utterances.last().map_or(0, |last| last.end_ms / 60_000);
    let transcript = json!({
        "id": format!("{:X}", dice.between(1 << 40, 1 << 48)),
        "title": cast.title,
        "date": cast.epoch_ms,
        "duration": duration_minutes,
        "meeting_attendees": [
            {"displayName": cast.rep, "email": cast.rep_email, "name": cast.rep},
            {"displayName": cast.prospect, "email": cast.prospect_email, "name": cast.prospect},
        ],
        "sentences": sentences,
    });
    let root = if dice.chance(0.5) {
        json!({"data": {"transcript": transcript}})
    } else {
        transcript
    };
    if dice.chance(0.5) {
        serde_json::to_string_pretty(&root)
    } else {
        serde_json::to_string(&root)
    }
    .unwrap_or_default()
}

fn unlabeled(utterances: &[Utterance], dice: &mut Dice) -> String {
    let mut out = String::new();
    for utterance in utterances {
        out.push_str(&utterance.text);
        out.push_str(if dice.chance(0.6) { "\n\n" } else { "\n" });
    }
    out
}
