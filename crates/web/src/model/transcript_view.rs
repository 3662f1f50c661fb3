//! The transcript viewer: turns with speaker, role and timestamp, deep links to a turn (so an
//! evidence quote opens the transcript where it was said), and the quoted words marked.

use super::transcripts::SpeakerEntry;
use engine::transcript::{Role, Transcript};

/// `m:ss`, or `h:mm:ss` from an hour on.
pub(crate) fn timestamp(ms: u64) -> String {
    let seconds = ms / 1000;
    let (hours, minutes, seconds) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if hours > 0 {
        format!("{hours}:{minutes:02}:{seconds:02}")
    } else {
        format!("{minutes}:{seconds:02}")
    }
}

/// The viewer's address for a transcript, optionally opened at a turn with a quote marked.
pub(crate) fn viewer_path(
    client_id: &str,
    transcript_id: &str,
    turn: Option<usize>,
    quote: Option<&str>,
) -> String {
    let mut path = format!("/clients/{client_id}/transcripts/{transcript_id}");
    let mut query = form_urlencoded::Serializer::new(String::new());
    if let Some(turn) = turn {
        query.append_pair("turn", &turn.to_string());
    }
    if let Some(quote) = quote {
        // Long quotes are cut: the start is enough to find and mark them.
        let short: String = quote.chars().take(200).collect();
        query.append_pair("quote", &short);
    }
    let query = query.finish();
    if !query.is_empty() {
        path.push('?');
        path.push_str(&query);
    }
    path
}

/// The turn asked for in the address, if it exists.
pub(crate) fn requested_turn(value: Option<&str>, turns: usize) -> Option<usize> {
    value?
        .trim()
        .parse::<usize>()
        .ok()
        .filter(|turn| *turn < turns)
}

/// The element id of a turn.
pub(crate) fn turn_anchor(index: usize) -> String {
    format!("turn-{index}")
}

/// A turn split around the quoted words: (before, quote, after). None when the quote is not
/// in the turn (then the whole turn is marked as the place).
pub(crate) fn mark_quote<'a>(text: &'a str, quote: &str) -> Option<(&'a str, &'a str, &'a str)> {
    let quote = quote.trim();
    if quote.is_empty() {
        return None;
    }
    if let Some(start) = text.find(quote) {
        let end = start + quote.len();
        return Some((&text[..start], &text[start..end], &text[end..]));
    }
    // Case-insensitive for ASCII (a quote may be capitalised as a sentence start).
    let lower_text = text.to_ascii_lowercase();
    let start = lower_text.find(&quote.to_ascii_lowercase())?;
    let end = start + quote.len();
    // to_ascii_lowercase keeps byte offsets, so these are char boundaries of `text`.
    Some((&text[..start], &text[start..end], &text[end..]))
}

/// A turn as the viewer shows it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TurnView {
    pub(crate) index: usize,
    pub(crate) speaker: String,
    pub(crate) role: Role,
    pub(crate) timestamp: Option<String>,
    pub(crate) text: String,
}

/// The transcript's turns with roles from the `speakers` column (the source of truth, with
/// the user's corrections) over the roles stored in the canonical transcript.
pub(crate) fn turns(transcript: &Transcript, speakers: &[SpeakerEntry]) -> Vec<TurnView> {
    transcript
        .turns
        .iter()
        .enumerate()
        .map(|(index, turn)| TurnView {
            index,
            speaker: turn.speaker.clone(),
            role: speakers
                .iter()
                .find(|speaker| speaker.name == turn.speaker)
                .map_or(turn.role, |speaker| speaker.role),
            timestamp: turn.start_ms.map(timestamp),
            text: turn.text.clone(),
        })
        .collect()
}

/// A first guess at a turn's rendered height in pixels, from its length and the width
/// available (corrected once measured).
pub(crate) fn estimated_height(text: &str, width_px: f64) -> f64 {
    const CHAR_PX: f64 = 8.0;
    const LINE_PX: f64 = 24.0;
    const CHROME_PX: f64 = 44.0;
    let per_line = (width_px / CHAR_PX).max(20.0);
    let lines = (text.chars().count() as f64 / per_line).ceil().max(1.0);
    CHROME_PX + lines * LINE_PX
}

#[cfg(test)]
mod tests {
    use super::*;
    use engine::ingest::{IngestOptions, parse};

    #[test]
    fn timestamps() {
        assert_eq!(timestamp(0), "0:00");
        assert_eq!(timestamp(61_999), "1:01");
        assert_eq!(timestamp(3_723_000), "1:02:03");
    }

    #[test]
    fn deep_links_encode_the_quote() {
        assert_eq!(
            viewer_path("c", "t", None, None),
            "/clients/c/transcripts/t"
        );
        assert_eq!(
            viewer_path("c", "t", Some(12), Some("It's \"too\" much & more?")),
            "/clients/c/transcripts/t?turn=12&quote=It%27s+%22too%22+much+%26+more%3F"
        );
        let long = "word ".repeat(100);
        let link = viewer_path("c", "t", Some(1), Some(&long));
        assert!(link.len() < 400, "{}", link.len());
        assert_eq!(requested_turn(Some("12"), 20), Some(12));
        assert_eq!(requested_turn(Some("20"), 20), None);
        assert_eq!(requested_turn(Some("-1"), 20), None);
        assert_eq!(requested_turn(Some("x"), 20), None);
        assert_eq!(requested_turn(None, 20), None);
    }

    #[test]
    fn quotes_are_marked_where_they_are() {
        assert_eq!(
            mark_quote("So, we keep losing leads. Really.", "we keep losing leads."),
            Some(("So, ", "we keep losing leads.", " Really."))
        );
        assert_eq!(
            mark_quote("so we keep losing leads", "So we keep"),
            Some(("", "so we keep", " losing leads"))
        );
        assert_eq!(
            mark_quote("Ça coûte <b>trop</b> cher", "<b>trop</b>"),
            Some(("Ça coûte ", "<b>trop</b>", " cher"))
        );
        assert_eq!(
            mark_quote("Ça coûte trop", "çA"),
            None,
            "non-ASCII case is not folded"
        );
        assert_eq!(mark_quote("anything", "  "), None);
        assert_eq!(mark_quote("anything", "missing"), None);
    }

    #[test]
    fn roles_follow_the_speakers_column() {
        let transcript = parse(
            "call.txt",
            b"[00:01:05] Dana: Hi, thanks for booking.\n[00:01:09] Sam: Hi, we keep losing leads.\n",
            &IngestOptions::default(),
        )
        .unwrap();
        let speakers = vec![SpeakerEntry {
            name: "Dana".into(),
            role: Role::Rep,
            confidence: 1.0,
            corrected_by_user: true,
        }];
        let turns = turns(&transcript, &speakers);
        assert_eq!(turns.len(), 2);
        assert_eq!(
            (turns[0].role, turns[0].timestamp.as_deref()),
            (Role::Rep, Some("1:05"))
        );
        assert_eq!(
            turns[1].role, transcript.turns[1].role,
            "unlisted speakers keep the parsed role"
        );
        assert_eq!(turns[1].text, "Hi, we keep losing leads.");
    }

    #[test]
    fn long_turns_are_estimated_taller() {
        let short = estimated_height("Yes.", 600.0);
        let long = estimated_height(&"word ".repeat(200), 600.0);
        assert!(long > short * 5.0);
        assert!(
            estimated_height(&"x".repeat(50), 10.0) > short,
            "tiny widths still wrap"
        );
    }
}
