//! WebVTT (Zoom, Teams) and SRT: cues with times, speakers from `<v Name>` voice spans,
//! `Name: ` prefixes or `[Name]` prefixes. Cues without a speaker continue the previous one.
//!
//! Tolerant of real exports: missing blank lines between cues, cue settings after the end
//! time, NOTE/STYLE/REGION blocks, a cue with unreadable times (kept, without times), missing
//! `</v>` closing tags, several voices in one cue.

use super::ErrorKind;
use super::speaker_text::UNKNOWN_SPEAKER;
use super::turns::{TurnBuilder, lines, parse_clock, plausible_name};
use crate::transcript::{Speaker, Turn};

/// One cue: its times (when readable) and its text lines.
struct Cue<'a> {
    start_ms: Option<u64>,
    end_ms: Option<u64>,
    lines: Vec<&'a str>,
}

/// Whether `line` is a cue timing line (`00:00:01.000 --> 00:00:04.000 [settings]`).
pub(crate) fn timing_line(line: &str) -> Option<(Option<u64>, Option<u64>)> {
    let (left, right) = line.split_once("-->")?;
    let start = parse_clock(left);
    let end = right.split_whitespace().next().and_then(parse_clock);
    Some((start, end))
}

/// Cue identifiers: integers (Zoom, SRT) or GUID-like ids (Teams `<guid>/<n>-<m>`).
fn looks_like_cue_id(line: &str) -> bool {
    let line = line.trim();
    !line.is_empty()
        && !line.contains(char::is_whitespace)
        && (line.bytes().all(|byte| byte.is_ascii_digit())
            || (line.len() >= 16
                && line
                    .bytes()
                    .all(|byte| byte.is_ascii_hexdigit() || matches!(byte, b'-' | b'/'))))
}

fn is_block_keyword(line: &str, keyword: &str) -> bool {
    line.strip_prefix(keyword)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(char::is_whitespace))
}

fn cues(text: &str) -> Vec<Cue<'_>> {
    let mut cues: Vec<Cue<'_>> = Vec::new();
    let mut current: Option<Cue<'_>> = None;
    let mut skipping_block = false;
    for (index, line) in lines(text).enumerate() {
        if let Some((start_ms, end_ms)) = timing_line(line) {
            if let Some(mut cue) = current.take() {
                // No blank line before this cue: its id ended up in the previous cue's text.
                if cue.lines.last().is_some_and(|last| looks_like_cue_id(last)) {
                    cue.lines.pop();
                }
                cues.push(cue);
            }
            skipping_block = false;
            current = Some(Cue {
                start_ms,
                end_ms,
                lines: Vec::new(),
            });
            continue;
        }
        if line.trim().is_empty() {
            if let Some(cue) = current.take() {
                cues.push(cue);
            }
            skipping_block = false;
            continue;
        }
        match current.as_mut() {
            Some(cue) => cue.lines.push(line),
            None if skipping_block => {}
            None => {
                let trimmed = line.trim_start();
                if (index == 0 && trimmed.starts_with("WEBVTT"))
                    || ["NOTE", "STYLE", "REGION"]
                        .iter()
                        .any(|keyword| is_block_keyword(trimmed, keyword))
                {
                    skipping_block = true;
                }
                // Otherwise a cue id, or stray text outside any cue: not speech.
            }
        }
    }
    if let Some(cue) = current {
        cues.push(cue);
    }
    cues
}

/// Replaces the character references WebVTT and SRT exports use.
fn decode_entities(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains('&') {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = text.to_owned();
    for (entity, replacement) in [
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&nbsp;", " "),
        ("&lrm;", ""),
        ("&rlm;", ""),
        ("&quot;", "\""),
        ("&#39;", "'"),
        ("&apos;", "'"),
        ("&amp;", "&"),
    ] {
        if out.contains(entity) {
            out = out.replace(entity, replacement);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Removes markup tags (`<i>`, `<c.color>`, `<00:00:01.000>`, `{\\an8}`), keeping the text.
/// Borrows when there is no tag (most cue lines).
fn strip_tags(text: &str) -> std::borrow::Cow<'_, str> {
    if memchr::memchr2(b'<', b'{', text.as_bytes()).is_none() {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = memchr::memchr2(b'<', b'{', rest.as_bytes()) {
        out.push_str(&rest[..open]);
        let close = if rest.as_bytes()[open] == b'<' {
            '>'
        } else {
            '}'
        };
        match rest[open..].find(close) {
            Some(length) if rest.as_bytes()[open] == b'<' || rest[open..].starts_with("{\\") => {
                rest = &rest[open + length + 1..];
            }
            _ => {
                out.push_str(&rest[open..open + 1]);
                rest = &rest[open + 1..];
            }
        }
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

/// A `Name: ` or `[Name] ` or `>> Name: ` speaker prefix.
fn prefix(line: &str) -> Option<(&str, &str)> {
    let line = line.trim_start().trim_start_matches(">>").trim_start();
    if let Some(rest) = line.strip_prefix('[') {
        let close = rest.get(..64).unwrap_or(rest).find(']')?;
        let name = rest[..close].trim();
        let text = rest[close + 1..].trim_start().trim_start_matches(':');
        return (plausible_name(name) && parse_clock(name).is_none()).then_some((name, text));
    }
    let colon = line.get(..64).unwrap_or(line).find(": ")?;
    let name = line[..colon].trim();
    let starts_upper = name
        .chars()
        .next()
        .is_some_and(|first| !first.is_lowercase());
    (starts_upper && plausible_name(name) && name.split_whitespace().count() <= 4)
        .then_some((name, &line[colon + 2..]))
}

/// The voice span at the start of a cue line: `<v Name>text</v>` or `<v.loud Name>text`.
fn voice(line: &str) -> Option<(&str, &str)> {
    let rest = line.trim_start().strip_prefix("<v")?;
    if !rest.starts_with([' ', '.', '\t']) {
        return None;
    }
    let close = rest.find('>')?;
    let annotation = &rest[..close];
    // Classes come first (`<v.first.loud Esme>`), then whitespace, then the name.
    let name = match annotation.strip_prefix('.') {
        Some(classes) => classes
            .split_once(char::is_whitespace)
            .map_or("", |(_, name)| name),
        None => annotation,
    };
    Some((name.trim(), &rest[close + 1..]))
}

fn parse_cues(text: &str, what: &str) -> Result<(Vec<Turn>, Vec<Speaker>), ErrorKind> {
    let mut builder = TurnBuilder::new();
    let mut speaker: Option<String> = None;
    let mut piece = String::new();
    for cue in cues(text) {
        for line in &cue.lines {
            let (line_speaker, body) = if let Some((name, body)) = voice(line) {
                (Some(name), body)
            } else {
                let decoded = *line;
                match prefix(decoded) {
                    Some((name, body)) => (Some(name), body),
                    None => (None, decoded),
                }
            };
            if let Some(name) = line_speaker
                && !name.is_empty()
                && speaker.as_deref() != Some(name)
            {
                flush(&mut builder, speaker.as_deref(), &cue, &mut piece);
                speaker = Some(name.to_owned());
            }
            let stripped = strip_tags(body);
            let body = decode_entities(&stripped);
            if !piece.is_empty() {
                piece.push(' ');
            }
            piece.push_str(body.trim());
        }
        flush(&mut builder, speaker.as_deref(), &cue, &mut piece);
    }
    builder.finish(what)
}

fn flush(builder: &mut TurnBuilder, speaker: Option<&str>, cue: &Cue<'_>, piece: &mut String) {
    if !piece.trim().is_empty() {
        builder.push(
            speaker.unwrap_or(UNKNOWN_SPEAKER),
            cue.start_ms,
            cue.end_ms,
            piece,
        );
    }
    piece.clear();
}

pub(crate) fn parse_webvtt(text: &str) -> Result<(Vec<Turn>, Vec<Speaker>), ErrorKind> {
    parse_cues(text, "the WebVTT file has no cues with text")
}

pub(crate) fn parse_srt(text: &str) -> Result<(Vec<Turn>, Vec<Speaker>), ErrorKind> {
    parse_cues(text, "the SRT file has no subtitles with text")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(turns: &[Turn]) -> Vec<(String, Option<u64>, Option<u64>, String)> {
        turns
            .iter()
            .map(|turn| {
                (
                    turn.speaker.clone(),
                    turn.start_ms,
                    turn.end_ms,
                    turn.text.clone(),
                )
            })
            .collect()
    }

    #[test]
    fn zoom_cues_with_and_without_prefixes() {
        let text = "WEBVTT\n\n1\n00:00:04.859 --> 00:00:07.410\nAndrew Knight: Okay, so we're recording. Time: now\n\n2\n00:00:07.600 --> 00:00:08.000\nAnd that\n\n3\n00:00:08.100 --> 00:00:09.000\nDr. Mary-Jo O'Neil: Hi\n4\n00:00:20.000 --> 00:00:21.000\nDr. Mary-Jo O'Neil: later\n";
        let (turns, speakers) = parse_webvtt(text).expect("parses");
        assert_eq!(
            summary(&turns),
            [
                (
                    "Andrew Knight".into(),
                    Some(4_859),
                    Some(8_000),
                    "Okay, so we're recording. Time: now And that".into()
                ),
                (
                    "Dr. Mary-Jo O'Neil".into(),
                    Some(8_100),
                    Some(9_000),
                    "Hi".into()
                ),
                (
                    "Dr. Mary-Jo O'Neil".into(),
                    Some(20_000),
                    Some(21_000),
                    "later".into()
                ),
            ]
        );
        assert_eq!(speakers.len(), 2);
    }

    #[test]
    fn teams_voice_spans() {
        let text = "WEBVTT\n\nNOTE\nsome note\n\nSTYLE\n::cue { color: red }\n\n3f2c1a9e-8b7d-4c6e-9f01-23456789abcd/12-0\n00:00:01.000 --> 00:00:03.000 align:start\n<v Jane Doe>Hello &amp; welcome\nto the call</v>\n\n3f2c1a9e-8b7d-4c6e-9f01-23456789abcd/13-0\n00:00:03.500 --> 00:00:05.000\n<v John>Thanks <i>Jane</i>\n<v.loud Jane Doe>Sure</v>\n";
        let (turns, _) = parse_webvtt(text).expect("parses");
        assert_eq!(
            summary(&turns),
            [
                (
                    "Jane Doe".into(),
                    Some(1_000),
                    Some(3_000),
                    "Hello & welcome to the call".into()
                ),
                (
                    "John".into(),
                    Some(3_500),
                    Some(5_000),
                    "Thanks Jane".into()
                ),
                ("Jane Doe".into(), Some(3_500), Some(5_000), "Sure".into()),
            ]
        );
    }

    #[test]
    fn srt_with_bracketed_names_and_a_bad_timestamp() {
        let text = "1\n00:00:01,000 --> 00:00:04,000\n[Dana] Hi there\n\n2\n00:00:0x,000 --> 00:00:06,000\nstill me\n\n3\n00:00:07,000 --> 00:00:08,000\n[Marcus] Hello\n";
        let (turns, _) = parse_srt(text).expect("parses");
        assert_eq!(
            summary(&turns),
            [
                (
                    "Dana".into(),
                    Some(1_000),
                    Some(6_000),
                    "Hi there still me".into()
                ),
                ("Marcus".into(), Some(7_000), Some(8_000), "Hello".into()),
            ]
        );
    }

    #[test]
    fn no_cues_is_no_speech() {
        assert!(matches!(
            parse_webvtt("WEBVTT\n\nNOTE nothing\n"),
            Err(ErrorKind::NoSpeech { .. })
        ));
        let (turns, speakers) =
            parse_srt("1\n00:00:01,000 --> 00:00:02,000\nno names here\n").expect("parses");
        assert_eq!(
            (turns.len(), speakers[0].name.as_str()),
            (1, UNKNOWN_SPEAKER)
        );
    }
}
