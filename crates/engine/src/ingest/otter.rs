//! Otter.ai `.txt` exports: a header line `Name  M:SS` (two spaces, often trailing spaces),
//! then the text until a blank line; the `Transcribed by https://otter.ai` footer is dropped.

use super::ErrorKind;
use super::turns::{TurnBuilder, lines, parse_clock, plausible_name};
use crate::transcript::{Speaker, Turn};

/// `Speaker 1  0:08` → ("Speaker 1", 8000).
pub(crate) fn header(line: &str) -> Option<(&str, u64)> {
    let line = line.trim_end();
    // Most lines are text: a header ends with the digits of its clock.
    if !line.ends_with(|character: char| character.is_ascii_digit()) {
        return None;
    }
    let split = line.rfind(' ')?;
    let clock = &line[split + 1..];
    if !clock.starts_with(|character: char| character.is_ascii_digit()) {
        return None;
    }
    if clock.contains(['.', ',']) {
        return None;
    }
    let millis = parse_clock(clock)?;
    let before = &line[..split + 1];
    if !before.ends_with("  ") {
        return None;
    }
    let name = before.trim();
    plausible_name(name).then_some((name, millis))
}

fn is_footer(line: &str) -> bool {
    let lower = line.trim().to_ascii_lowercase();
    lower.starts_with("transcribed by https://otter.ai")
        || lower.starts_with("transcribed by otter")
}

/// Whether at least two lines are Otter headers.
pub(crate) fn looks_like_otter(text: &str) -> bool {
    lines(text)
        .take(2_000)
        .filter(|line| header(line).is_some())
        .nth(1)
        .is_some()
}

pub(crate) fn parse(text: &str) -> Result<(Vec<Turn>, Vec<Speaker>), ErrorKind> {
    let mut builder = TurnBuilder::new();
    let mut current: Option<(&str, u64)> = None;
    let mut paragraph = String::new();
    let flush =
        |builder: &mut TurnBuilder, current: Option<(&str, u64)>, paragraph: &mut String| {
            if let Some((name, start)) = current {
                builder.push(name, Some(start), None, paragraph);
            }
            paragraph.clear();
        };
    for line in lines(text) {
        if let Some(found) = header(line) {
            flush(&mut builder, current, &mut paragraph);
            current = Some(found);
        } else if is_footer(line) {
            flush(&mut builder, current, &mut paragraph);
            current = None;
        } else if current.is_some() && !line.trim().is_empty() {
            if !paragraph.is_empty() {
                paragraph.push(' ');
            }
            paragraph.push_str(line.trim());
        }
    }
    flush(&mut builder, current, &mut paragraph);
    builder.finish("no Otter speaker lines (\"Name  0:08\") with text under them")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_an_otter_export() {
        let text = "Unknown Speaker  0:02  \nAlrighty, that's\n\nSpeaker 1  0:08\nwhat's going to record everything\nthat way I can use it later.\nSpeaker 2  1:02:03\nSure.\n\n\nTranscribed by https://otter.ai\n";
        let (turns, speakers) = parse(text).expect("parses");
        let summary: Vec<(&str, Option<u64>, &str)> = turns
            .iter()
            .map(|turn| (turn.speaker.as_str(), turn.start_ms, turn.text.as_str()))
            .collect();
        assert_eq!(
            summary,
            [
                ("Unknown Speaker", Some(2_000), "Alrighty, that's"),
                (
                    "Speaker 1",
                    Some(8_000),
                    "what's going to record everything that way I can use it later."
                ),
                ("Speaker 2", Some(3_723_000), "Sure."),
            ]
        );
        assert_eq!(speakers.len(), 3);
        assert_eq!(header("Dana Reyes 0:02"), None);
        assert_eq!(header("Note  12.5"), None);
    }
}
