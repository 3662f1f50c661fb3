//! Shared by every parser: timestamps, speaker-name checks, and the builder that merges
//! consecutive pieces of one speaker into turns.

use super::ErrorKind;
use crate::transcript::{Role, Speaker, Turn};

/// Consecutive pieces of one speaker become one turn while the silence between them is shorter
/// than this (for formats with timestamps).
pub(crate) const MERGE_GAP_MS: u64 = 2_000;

/// The lines of normalised text (LF only), found with SIMD `memchr` rather than `str::lines`.
pub(crate) fn lines(text: &str) -> impl Iterator<Item = &str> {
    let mut start = 0;
    let ends = memchr::memchr_iter(b'\n', text.as_bytes()).chain(std::iter::once(text.len()));
    ends.filter_map(move |end| {
        let line = text.get(start..end);
        start = end + 1;
        line
    })
}

/// Parses `H:MM:SS`, `HH:MM:SS.mmm`, `HH:MM:SS,mmm`, `M:SS` and `MM:SS.mmm` into milliseconds.
/// Returns `None` for anything else (never overflows).
pub(crate) fn parse_clock(text: &str) -> Option<u64> {
    let text = text.trim();
    let (clock, fraction) = match text.find(['.', ',']) {
        Some(index) => (&text[..index], Some(&text[index + 1..])),
        None => (text, None),
    };
    let mut parts = [0u64; 3];
    let mut count = 0;
    for part in clock.split(':') {
        if count == 3
            || part.is_empty()
            || part.len() > 3
            || !part.bytes().all(|byte| byte.is_ascii_digit())
        {
            return None;
        }
        parts[count] = part.parse().ok()?;
        count += 1;
    }
    let (hours, minutes, seconds) = match count {
        2 => (0, parts[0], parts[1]),
        3 => (parts[0], parts[1], parts[2]),
        _ => return None,
    };
    if seconds >= 60 || (count == 3 && minutes >= 60) {
        return None;
    }
    let millis = match fraction {
        None => 0,
        Some(digits)
            if !digits.is_empty()
                && digits.len() <= 3
                && digits.bytes().all(|byte| byte.is_ascii_digit()) =>
        {
            let value: u64 = digits.parse().ok()?;
            value * [100, 10, 1][digits.len() - 1]
        }
        Some(_) => return None,
    };
    Some(((hours * 60 + minutes) * 60 + seconds) * 1000 + millis)
}

/// Whether `name` can be a speaker's display name: 1 to 60 characters of letters, digits,
/// spaces and `. ' - ’ _ @ ( )`, starting with a letter or digit, at most 6 words.
pub(crate) fn plausible_name(name: &str) -> bool {
    let mut characters = 0;
    let mut words = 0;
    let mut in_word = false;
    for (index, character) in name.chars().enumerate() {
        characters += 1;
        if characters > 60 {
            return false;
        }
        if character == ' ' {
            in_word = false;
            continue;
        }
        let allowed = character.is_alphanumeric()
            || (index > 0
                && matches!(
                    character,
                    '.' | '\'' | '-' | '\u{2019}' | '_' | '@' | '(' | ')' | '&'
                ));
        if !allowed {
            return false;
        }
        if !in_word {
            words += 1;
            in_word = true;
        }
    }
    characters > 0 && words <= 6
}

/// Collects turns and speakers in order of appearance.
pub(crate) struct TurnBuilder {
    turns: Vec<Turn>,
    speakers: Vec<Speaker>,
    /// Whether consecutive pieces of one speaker are merged.
    merge: bool,
}

impl TurnBuilder {
    pub(crate) fn new() -> TurnBuilder {
        TurnBuilder {
            turns: Vec::new(),
            speakers: Vec::new(),
            merge: true,
        }
    }

    /// A builder that keeps every piece as its own turn (unlabeled text: paragraphs).
    pub(crate) fn without_merging() -> TurnBuilder {
        TurnBuilder {
            merge: false,
            ..TurnBuilder::new()
        }
    }

    /// The speaker of the last turn, if any.
    pub(crate) fn last_speaker(&self) -> Option<&str> {
        self.turns.last().map(|turn| turn.speaker.as_str())
    }

    /// Declares a speaker with a role from a hard hint, before or after their first words.
    pub(crate) fn set_role(&mut self, name: &str, role: Role, confidence: f32) {
        match self
            .speakers
            .iter_mut()
            .find(|speaker| speaker.name == name)
        {
            Some(speaker) => {
                speaker.role = role;
                speaker.confidence = confidence;
            }
            None => self.speakers.push(Speaker {
                name: name.to_owned(),
                role,
                confidence,
            }),
        }
    }

    /// Adds one piece of speech. Blank text is ignored.
    pub(crate) fn push(
        &mut self,
        speaker: &str,
        start_ms: Option<u64>,
        end_ms: Option<u64>,
        text: &str,
    ) {
        let text = text.trim();
        if text.is_empty() {
            return;
        }
        let speaker = speaker.trim();
        if !self.speakers.iter().any(|known| known.name == speaker) {
            self.speakers.push(Speaker {
                name: speaker.to_owned(),
                role: Role::Unknown,
                confidence: 0.0,
            });
        }
        if self.merge
            && let Some(last) = self.turns.last_mut()
            && last.speaker == speaker
        {
            let gap = match (last.end_ms.or(last.start_ms), start_ms) {
                (Some(previous), Some(start)) => start.saturating_sub(previous),
                _ => 0,
            };
            if gap < MERGE_GAP_MS {
                // A first piece with an unreadable time: the next readable one is close.
                if last.start_ms.is_none() {
                    last.start_ms = start_ms;
                }
                last.text.push(' ');
                last.text.push_str(text);
                if end_ms.is_some() {
                    last.end_ms = end_ms;
                }
                return;
            }
        }
        self.turns.push(Turn {
            speaker: speaker.to_owned(),
            role: Role::Unknown,
            start_ms,
            end_ms,
            text: text.to_owned(),
        });
    }

    /// Appends text to the last turn (an unlabeled continuation line).
    pub(crate) fn continue_last(&mut self, text: &str) -> bool {
        let text = text.trim();
        match self.turns.last_mut() {
            Some(last) if !text.is_empty() => {
                last.text.push(' ');
                last.text.push_str(text);
                true
            }
            Some(_) => true,
            None => false,
        }
    }

    /// The turns and speakers (roles copied onto turns), or "no speech" when nothing was found.
    pub(crate) fn finish(self, what: &str) -> Result<(Vec<Turn>, Vec<Speaker>), ErrorKind> {
        let TurnBuilder {
            mut turns,
            mut speakers,
            ..
        } = self;
        if turns.is_empty() {
            return Err(ErrorKind::NoSpeech {
                detail: what.to_owned(),
            });
        }
        speakers.retain(|speaker| turns.iter().any(|turn| turn.speaker == speaker.name));
        for turn in &mut turns {
            if let Some(speaker) = speakers.iter().find(|speaker| speaker.name == turn.speaker) {
                turn.role = speaker.role;
            }
        }
        Ok((turns, speakers))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clocks_parse() {
        assert_eq!(parse_clock("00:00:04.859"), Some(4_859));
        assert_eq!(parse_clock("01:02:03,5"), Some(3_723_500));
        assert_eq!(parse_clock("12:34"), Some(754_000));
        assert_eq!(parse_clock("1:02:03"), Some(3_723_000));
        assert_eq!(parse_clock("75:10.250"), Some(4_510_250));
        for bad in [
            "",
            "1",
            "1:60",
            "1:61:00",
            "a:00",
            "1:00:00:00",
            "00:00:01.1234",
            "9999:00",
            "1::2",
            "-1:00",
        ] {
            assert_eq!(parse_clock(bad), None, "{bad}");
        }
    }

    #[test]
    fn names_are_checked() {
        for good in [
            "Dana Reyes",
            "Mary-Jane O'Brien",
            "Speaker 1",
            "Dr. Chen",
            "J\u{f6}rg",
            "Andrew Knight (Guest)",
        ] {
            assert!(plausible_name(good), "{good}");
        }
        for bad in [
            "",
            "- note",
            "one two three four five six seven",
            "a/b",
            "x\"y",
        ] {
            assert!(!plausible_name(bad), "{bad}");
        }
    }

    #[test]
    fn consecutive_pieces_merge_within_the_gap() {
        let mut builder = TurnBuilder::new();
        builder.push("A", Some(0), Some(1_000), "one");
        builder.push("A", Some(1_500), Some(2_000), "two");
        builder.push("A", Some(9_000), Some(9_500), "three");
        builder.push("B", None, None, "four");
        builder.push("B", None, None, "five");
        let (turns, speakers) = builder.finish("x").expect("turns");
        let texts: Vec<&str> = turns.iter().map(|turn| turn.text.as_str()).collect();
        assert_eq!(texts, ["one two", "three", "four five"]);
        assert_eq!(turns[0].end_ms, Some(2_000));
        assert_eq!(speakers.len(), 2);
        assert_eq!(
            TurnBuilder::new().finish("nothing").err(),
            Some(ErrorKind::NoSpeech {
                detail: "nothing".to_owned()
            })
        );
    }
}
