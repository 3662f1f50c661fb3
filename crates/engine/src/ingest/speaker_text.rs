//! "Speaker: text" transcripts (Google Docs, Meet, pasted notes) and unlabeled text.
//!
//! Accepted labels: `Name: text`, `[00:01:02] Name: text`, `00:01:02 Name: text`,
//! `Name (1:02): text`, `Name [1:02]: text` and Markdown `**Name:** text` / `**Name**: text`.
//! Lines without a label continue the previous turn. A "speaker" that appears only once and
//! has more than four words (or reads like prose) is a sentence with a colon, not a name.
//! Header lines before the first turn (`Date:`, `Participants:`, `Outcome:`...) are
//! metadata, not speech.

use super::ErrorKind;
use super::metadata::{HeaderFields, is_header_key};
use super::turns::{TurnBuilder, lines, parse_clock, plausible_name};
use crate::transcript::{Speaker, Turn};
use std::collections::HashMap;

/// A labelled line: optional timestamp, the speaker, the text after the colon.
#[derive(Debug, PartialEq)]
pub(crate) struct Label<'a> {
    pub(crate) start_ms: Option<u64>,
    pub(crate) name: &'a str,
    pub(crate) text: &'a str,
}

/// A bracketed clock at the start of `text` (`[1:02]`, `(00:01:02)`), and what follows it.
fn bracketed_clock(text: &str) -> Option<(u64, &str)> {
    let close = match text.as_bytes().first()? {
        b'[' => ']',
        b'(' => ')',
        _ => return None,
    };
    let end = text.get(..16).unwrap_or(text).find(close)?;
    let millis = parse_clock(&text[1..end])?;
    Some((millis, &text[end + 1..]))
}

/// Splits a line into its label parts, if it has a label.
pub(crate) fn split_label(line: &str) -> Option<Label<'_>> {
    let mut rest = line.trim_start();
    let mut start_ms = None;
    if let Some((millis, after)) = bracketed_clock(rest) {
        start_ms = Some(millis);
        rest = after.trim_start();
    } else if rest.starts_with(|character: char| character.is_ascii_digit()) {
        let token_end = rest.find(char::is_whitespace)?;
        start_ms = Some(parse_clock(&rest[..token_end])?);
        rest = rest[token_end..].trim_start();
    }
    if let Some(bold) = rest.strip_prefix("**") {
        // **Name:** text   or   **Name**: text
        let (name, text) = if let Some(index) = bold.get(..64).unwrap_or(bold).find(":**") {
            (&bold[..index], &bold[index + 3..])
        } else {
            let index = bold.get(..64).unwrap_or(bold).find("**:")?;
            (&bold[..index], &bold[index + 3..])
        };
        let name = name.trim();
        return plausible_name(name).then_some(Label {
            start_ms,
            name,
            text: text.trim(),
        });
    }
    let colon = rest.get(..80).unwrap_or(rest).find(':')?;
    let after = &rest[colon + 1..];
    if !(after.is_empty() || after.starts_with(char::is_whitespace)) {
        return None;
    }
    let name = rest[..colon].trim_end();
    let first = name.chars().next()?;
    if first.is_lowercase() || !plausible_name(name) {
        return None;
    }
    Some(Label {
        start_ms,
        name,
        text: after.trim(),
    })
}

/// `Name (1:02): text` has its clock before the colon that ends the label: handle it first.
fn split_label_with_clock(line: &str) -> Option<Label<'_>> {
    let trimmed = line.trim_start();
    let open = memchr::memchr2(b'(', b'[', &trimmed.as_bytes()[..trimmed.len().min(70)])?;
    if open == 0 {
        return None;
    }
    let (millis, after) = bracketed_clock(&trimmed[open..])?;
    let text = after.strip_prefix(':')?;
    if !(text.is_empty() || text.starts_with(char::is_whitespace)) {
        return None;
    }
    let name = trimmed[..open].trim_end();
    let first = name.chars().next()?;
    (!first.is_lowercase() && plausible_name(name)).then_some(Label {
        start_ms: Some(millis),
        name,
        text: text.trim(),
    })
}

/// Any supported label form.
pub(crate) fn label(line: &str) -> Option<Label<'_>> {
    let trimmed = line.trim_start();
    let first = *trimmed.as_bytes().first()?;
    // Fast rejections, for the many continuation lines: prose starts in lowercase, and every
    // label has a colon near the start.
    if first.is_ascii_lowercase() {
        return None;
    }
    let window = &trimmed.as_bytes()[..trimmed.len().min(96)];
    memchr::memchr(b':', window)?;
    split_label_with_clock(trimmed).or_else(|| split_label(trimmed))
}

/// Labels that are not people.
fn is_non_speaker(name: &str) -> bool {
    const WORDS: &[&str] = &[
        "note",
        "notes",
        "nb",
        "ps",
        "p.s",
        "summary",
        "action items",
        "keywords",
        "http",
        "https",
        "agenda",
        "transcript",
        "recording",
    ];
    WORDS.iter().any(|word| name.eq_ignore_ascii_case(word))
}

/// How many non-empty lines format detection looks at.
pub(crate) const DETECTION_LINES: usize = 80;

/// Whether enough lines carry labels for this to be a "Speaker: text" transcript.
pub(crate) fn looks_like_speaker_text(text: &str) -> bool {
    let mut seen = 0usize;
    let mut labelled = 0usize;
    let mut names: HashMap<&str, usize> = HashMap::new();
    for line in lines(text)
        .filter(|line| !line.trim().is_empty())
        .take(DETECTION_LINES)
    {
        seen += 1;
        if let Some(label) = label(line)
            && !is_header_key(label.name)
            && !is_non_speaker(label.name)
        {
            labelled += 1;
            *names.entry(label.name).or_default() += 1;
        }
    }
    let recurring = names.values().filter(|count| **count >= 3).count();
    seen > 0 && (labelled * 10 >= seen * 3 || (recurring >= 2 && labelled * 10 >= seen))
}

/// What the parser found.
pub(crate) struct Parsed {
    pub(crate) turns: Vec<Turn>,
    pub(crate) speakers: Vec<Speaker>,
    pub(crate) header: HeaderFields,
}

pub(crate) fn parse(text: &str) -> Result<Parsed, ErrorKind> {
    // One labelling pass; then which labels are real speakers (a one-off label can be a
    // sentence with a colon).
    let labelled: Vec<(&str, Option<Label<'_>>)> = lines(text)
        .filter(|line| !line.trim().is_empty())
        .map(|line| (line, label(line)))
        .collect();
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for (_, label) in &labelled {
        if let Some(label) = label {
            *counts.entry(label.name).or_default() += 1;
        }
    }
    // A label seen once is a sentence with a colon when it is long (over four words) or reads
    // like prose (three or more words, some in lowercase: "Coaching is pretty simple: ...").
    let is_speaker = |name: &str| {
        let words = name.split_whitespace().count();
        let prose = words >= 3
            && name
                .split_whitespace()
                .any(|word| word.starts_with(char::is_lowercase));
        !is_non_speaker(name)
            && (counts.get(name).copied().unwrap_or(0) > 1 || (words <= 4 && !prose))
    };
    let mut builder = TurnBuilder::new();
    let mut header = HeaderFields::default();
    for (line, label) in labelled {
        match label {
            Some(label) if builder.last_speaker().is_none() && is_header_key(label.name) => {
                header.add(label.name, label.text);
            }
            Some(label) if is_non_speaker(label.name) => {}
            Some(label) if is_speaker(label.name) => {
                builder.push(label.name, label.start_ms, None, label.text);
            }
            _ => {
                // A continuation line; lines before the first speaker are a title, not speech.
                builder.continue_last(line);
            }
        }
    }
    let (turns, speakers) =
        builder.finish("no line starts with a speaker name followed by a colon")?;
    Ok(Parsed {
        turns,
        speakers,
        header,
    })
}

/// Text without speaker labels: one unknown speaker, one turn per paragraph.
pub(crate) fn parse_unlabeled(text: &str) -> Result<(Vec<Turn>, Vec<Speaker>), ErrorKind> {
    let mut builder = TurnBuilder::without_merging();
    let has_paragraphs = text.contains("\n\n");
    let mut paragraph = String::new();
    for line in lines(text) {
        let line = line.trim();
        if line.is_empty() || !has_paragraphs {
            builder.push(UNKNOWN_SPEAKER, None, None, &paragraph);
            paragraph.clear();
        }
        if !line.is_empty() {
            if !paragraph.is_empty() {
                paragraph.push(' ');
            }
            paragraph.push_str(line);
        }
    }
    builder.push(UNKNOWN_SPEAKER, None, None, &paragraph);
    builder.finish("the file has no text")
}

/// The name given to speech whose speaker the file does not say.
pub(crate) const UNKNOWN_SPEAKER: &str = "Unknown speaker";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_in_every_form() {
        let cases = [
            (
                "Dana Reyes: Hi there: welcome",
                Some((None, "Dana Reyes", "Hi there: welcome")),
            ),
            ("[00:01:02] Dana: Hi", Some((Some(62_000), "Dana", "Hi"))),
            ("00:01:02 Dana: Hi", Some((Some(62_000), "Dana", "Hi"))),
            ("(1:02) Dana: Hi", Some((Some(62_000), "Dana", "Hi"))),
            ("Dana (1:02): Hi", Some((Some(62_000), "Dana", "Hi"))),
            ("Dana [01:02:03]: Hi", Some((Some(3_723_000), "Dana", "Hi"))),
            ("**Dana Reyes:** Hi", Some((None, "Dana Reyes", "Hi"))),
            ("**Dana Reyes**: Hi", Some((None, "Dana Reyes", "Hi"))),
            ("Speaker 1: yes", Some((None, "Speaker 1", "yes"))),
            ("Mary-Jane O'Brien:", Some((None, "Mary-Jane O'Brien", ""))),
            ("see https://example.com", None),
            ("at 10:30 we met", None),
            ("so the thing is: we lost", None),
            ("Ratio 3:1 is fine", None),
            ("", None),
        ];
        for (line, expected) in cases {
            let found = label(line).map(|label| (label.start_ms, label.name, label.text));
            assert_eq!(found, expected, "{line}");
        }
    }

    #[test]
    fn continuation_lines_headers_and_one_off_sentences() {
        let text = "Discovery call\nDate: 2025-03-04\nOutcome: no show\n\nDana: Hi Marcus,\nhow are you?\nMarcus: Good.\nThe one thing I really wanted: more leads.\nBut honestly the budget: tight.\nDana: Great\nNote: this line is not speech\n";
        let parsed = parse(text).expect("parses");
        let texts: Vec<(&str, &str)> = parsed
            .turns
            .iter()
            .map(|turn| (turn.speaker.as_str(), turn.text.as_str()))
            .collect();
        assert_eq!(
            texts,
            [
                ("Dana", "Hi Marcus, how are you?"),
                (
                    "Marcus",
                    "Good. The one thing I really wanted: more leads. But honestly the budget: tight."
                ),
                ("Dana", "Great")
            ]
        );
        assert_eq!(parsed.header.date.as_deref(), Some("2025-03-04"));
        assert_eq!(parsed.header.outcome, crate::transcript::Outcome::NoShow);
    }

    #[test]
    fn unlabeled_text_is_one_speaker_by_paragraph() {
        let (turns, speakers) =
            parse_unlabeled("first line\nstill first\n\nsecond\n").expect("parses");
        assert_eq!(turns.len(), 2);
        assert_eq!(turns[0].text, "first line still first");
        assert_eq!(speakers.len(), 1);
        let (turns, _) = parse_unlabeled("one\ntwo\nthree").expect("parses");
        assert_eq!(turns.len(), 3);
    }
}
