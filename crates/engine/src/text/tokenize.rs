//! Tokenisation with byte offsets into the original text.
//!
//! Words keep internal apostrophes ("don't" is one token: negation depends on it) and internal
//! hyphens ("no-show", "follow-up"); numbers keep internal separators ("2,000", "3.5").
//! Bracketed non-speech tags (`[inaudible]`, `{vocalsound}`, `(laughs)`) become one tag token
//! so they never reach matching or mining but stay in quotes.

use super::normalize::{is_apostrophe, is_dash};

/// Punctuation that matters for sentence and clause boundaries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Punct {
    /// `.` (or `…`, `...`).
    Period,
    /// `?` (also `?!`).
    Question,
    /// `!`.
    Exclamation,
    /// `,`.
    Comma,
    /// `;` or `:`.
    Semicolon,
    /// A free-standing dash.
    Dash,
}

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Word,
    Number,
    Punct(Punct),
    /// A bracketed non-speech tag such as `[inaudible]`.
    Tag,
}

/// A token before normalisation: its kind and byte range in the original text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RawToken {
    pub(crate) kind: TokenKind,
    pub(crate) start: usize,
    pub(crate) end: usize,
    /// A `$`, `£` or `€` directly before a number.
    pub(crate) money: bool,
}

/// Non-speech words that, in round brackets, are tags rather than speech.
const PAREN_TAGS: &[&str] = &[
    "laughs",
    "laughing",
    "laughter",
    "inaudible",
    "crosstalk",
    "cross talk",
    "pause",
    "silence",
    "coughs",
    "cough",
    "music",
    "background noise",
    "noise",
    "unintelligible",
    "indiscernible",
    "sighs",
    "applause",
    "chuckles",
    "beep",
];

/// Appends the tokens of `text` to `out`.
pub(crate) fn tokenize(text: &str, out: &mut Vec<RawToken>) {
    let bytes = text.as_bytes();
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if c.is_alphanumeric() {
            let mut end = start + c.len_utf8();
            let mut numeric = c.is_ascii_digit();
            let mut all_digits = numeric;
            while let Some(&(i, next)) = chars.peek() {
                if next.is_alphanumeric() {
                    all_digits &= next.is_ascii_digit();
                    end = i + next.len_utf8();
                    chars.next();
                    continue;
                }
                // A joiner continues the token only when an alphanumeric follows it.
                let joins = is_apostrophe(next)
                    || is_dash(next)
                    || (numeric && all_digits && matches!(next, ',' | '.'));
                if !joins {
                    break;
                }
                let after = text[i + next.len_utf8()..].chars().next();
                match after {
                    Some(a)
                        if a.is_alphanumeric()
                            && (!numeric || a.is_ascii_digit() || is_dash(next)) =>
                    {
                        end = i + next.len_utf8() + a.len_utf8();
                        all_digits &= a.is_ascii_digit();
                        chars.next();
                        chars.next();
                    }
                    _ => break,
                }
            }
            numeric &= text[start..end]
                .bytes()
                .next()
                .is_some_and(|b| b.is_ascii_digit());
            let money = numeric
                && start > 0
                && matches!(text[..start].chars().next_back(), Some('$' | '£' | '€'));
            let kind = if numeric {
                TokenKind::Number
            } else {
                TokenKind::Word
            };
            out.push(RawToken {
                kind,
                start,
                end,
                money,
            });
            continue;
        }
        let punct = match c {
            '.' | '\u{2026}' => Some(Punct::Period),
            '?' | '\u{FF1F}' => Some(Punct::Question),
            '!' | '\u{FF01}' => Some(Punct::Exclamation),
            ',' | '\u{FF0C}' => Some(Punct::Comma),
            ';' | ':' => Some(Punct::Semicolon),
            c if is_dash(c) => Some(Punct::Dash),
            _ => None,
        };
        if let Some(mut punct) = punct {
            // Collapse runs ("...", "?!", "--") into one token; a `?` anywhere in it wins.
            let mut end = start + c.len_utf8();
            while let Some(&(i, next)) = chars.peek() {
                let same_run = matches!(next, '.' | '?' | '!' | '\u{2026}')
                    && punct != Punct::Comma
                    || (is_dash(next) && punct == Punct::Dash);
                if !same_run {
                    break;
                }
                if next == '?' {
                    punct = Punct::Question;
                }
                end = i + next.len_utf8();
                chars.next();
            }
            out.push(RawToken {
                kind: TokenKind::Punct(punct),
                start,
                end,
                money: false,
            });
            continue;
        }
        if let Some(end) = tag_end(text, bytes, start, c) {
            out.push(RawToken {
                kind: TokenKind::Tag,
                start,
                end,
                money: false,
            });
            while chars.peek().is_some_and(|&(i, _)| i < end) {
                chars.next();
            }
        }
    }
}

/// The end of a bracketed non-speech tag starting at `start`, if there is one.
fn tag_end(text: &str, bytes: &[u8], start: usize, open: char) -> Option<usize> {
    let close = match open {
        '[' => b']',
        '{' => b'}',
        '<' => b'>',
        '(' => b')',
        _ => return None,
    };
    let limit = (start + 48).min(bytes.len());
    let offset = bytes[start + 1..limit].iter().position(|&b| b == close)?;
    let end = start + 1 + offset + 1;
    if open == '(' {
        let inner = text[start + 1..end - 1].trim().to_ascii_lowercase();
        if !PAREN_TAGS.contains(&inner.as_str()) {
            return None;
        }
    }
    Some(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &str) -> Vec<(TokenKind, &str)> {
        let mut out = Vec::new();
        tokenize(text, &mut out);
        out.iter()
            .map(|t| (t.kind, &text[t.start..t.end]))
            .collect()
    }

    #[test]
    fn words_keep_contractions_and_hyphens() {
        let got = tokens("I don\u{2019}t think the no-shows are, um, our fault.");
        let words: Vec<&str> = got.iter().map(|(_, s)| *s).collect();
        assert_eq!(
            words,
            [
                "I",
                "don\u{2019}t",
                "think",
                "the",
                "no-shows",
                "are",
                ",",
                "um",
                ",",
                "our",
                "fault",
                "."
            ]
        );
    }

    #[test]
    fn numbers_money_and_punctuation_runs() {
        let mut out = Vec::new();
        tokenize("it's $2,000 a month... right?! 3.5", &mut out);
        let kinds: Vec<TokenKind> = out.iter().map(|t| t.kind).collect();
        assert_eq!(
            kinds,
            [
                TokenKind::Word,
                TokenKind::Number,
                TokenKind::Word,
                TokenKind::Word,
                TokenKind::Punct(Punct::Period),
                TokenKind::Word,
                TokenKind::Punct(Punct::Question),
                TokenKind::Number
            ]
        );
        assert!(out[1].money);
        assert_eq!(
            &"it's $2,000 a month... right?! 3.5"[out[1].start..out[1].end],
            "2,000"
        );
    }

    #[test]
    fn bracketed_tags_are_single_tokens() {
        let got = tokens("so [inaudible] we (laughs) we (and this matters) {vocalsound}");
        assert_eq!(got[1], (TokenKind::Tag, "[inaudible]"));
        assert_eq!(got[3], (TokenKind::Tag, "(laughs)"));
        assert_eq!(got[5], (TokenKind::Word, "and"));
        assert_eq!(got.last().copied(), Some((TokenKind::Tag, "{vocalsound}")));
    }

    #[test]
    fn trailing_joiners_do_not_join() {
        let got = tokens("clients' rock- 'quoted' 5.");
        let words: Vec<&str> = got.iter().map(|(_, s)| *s).collect();
        assert_eq!(words, ["clients", "rock", "-", "quoted", "5", "."]);
    }
}
