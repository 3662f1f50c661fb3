//! Template syntax: merge fields and evidence slots.
//!
//! - `{{first_name}}` is a **merge field**: it stays in the generated copy and the delivery
//!   system fills it per booking. Only the names in [`MERGE_FIELDS`] are valid.
//! - `[[pain]]`, `[[pain.2]]`, `[[pain:cap]]` is an **evidence slot**: generation fills it from
//!   the brief (the second pain, capitalised, …). Slots never reach the generated copy.
//!
//! Tokenizing never fails: malformed syntax becomes [`SyntaxError`]s next to the tokens, so the
//! lint can point at it and the renderer can refuse it.

use serde::{Deserialize, Serialize};

/// A merge field the delivery system knows how to fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct MergeField {
    pub name: &'static str,
    pub description: &'static str,
    /// A typical filled value, used for previews and SMS length estimates.
    pub example: &'static str,
}

/// Every valid merge field. The web editor offers these; the lint rejects any other.
pub const MERGE_FIELDS: &[MergeField] = &[
    MergeField {
        name: "first_name",
        description: "Prospect's first name",
        example: "Alexandra",
    },
    MergeField {
        name: "last_name",
        description: "Prospect's last name",
        example: "Fitzgerald",
    },
    MergeField {
        name: "call_date",
        description: "Call date in the prospect's time zone",
        example: "Wednesday, March 12",
    },
    MergeField {
        name: "call_day",
        description: "Weekday of the call",
        example: "Wednesday",
    },
    MergeField {
        name: "call_time",
        description: "Call start time in the prospect's time zone",
        example: "10:30 AM",
    },
    MergeField {
        name: "time_zone",
        description: "Prospect's time zone abbreviation",
        example: "EDT",
    },
    MergeField {
        name: "rep_name",
        description: "The rep taking the call",
        example: "Jordan Miles",
    },
    MergeField {
        name: "company_name",
        description: "The client business",
        example: "Brightside Dental",
    },
    MergeField {
        name: "reschedule_link",
        description: "One-tap reschedule link",
        example: "https://bk.to/r/8fk2Lq",
    },
    MergeField {
        name: "confirm_link",
        description: "One-tap confirmation link",
        example: "https://bk.to/c/8fk2Lq",
    },
    MergeField {
        name: "meeting_link",
        description: "Video call link",
        example: "https://meet.example.com/abc-defg-hij",
    },
    MergeField {
        name: "deck_link",
        description: "Link to the pre-call deck",
        example: "https://bk.to/d/8fk2Lq",
    },
];

/// Looks a merge field up by name.
pub fn merge_field(name: &str) -> Option<&'static MergeField> {
    MERGE_FIELDS.iter().find(|field| field.name == name)
}

/// One piece of template or copy text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Token<'t> {
    Text(&'t str),
    /// `{{name}}`; `start..end` covers the braces.
    Merge {
        name: &'t str,
        start: usize,
        end: usize,
    },
    /// `[[name.index:modifier]]`; index 1 when absent.
    Slot {
        slot: SlotRef<'t>,
        start: usize,
        end: usize,
    },
}

/// A parsed slot reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SlotRef<'t> {
    pub(crate) name: &'t str,
    /// 1-based.
    pub(crate) index: usize,
    pub(crate) capitalize: bool,
}

/// What is wrong with a piece of syntax.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SyntaxErrorKind {
    /// `{{` with no `}}` after it.
    UnclosedMergeField,
    /// A single `{` or `}`, or `}}` with no `{{` before it.
    StrayBrace,
    /// `{{}}` or a name with characters other than a-z, 0-9 and `_`.
    InvalidMergeFieldName,
    /// `[[` with no `]]` after it.
    UnclosedSlot,
    /// A slot that is not `name`, `name.N` or `name:cap`.
    InvalidSlot,
}

/// A syntax problem and where it is (byte offsets).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SyntaxError {
    pub(crate) kind: SyntaxErrorKind,
    pub(crate) start: usize,
    pub(crate) end: usize,
}

/// Splits text into literal text, merge fields and slots, collecting syntax errors.
pub(crate) fn tokenize(text: &str) -> (Vec<Token<'_>>, Vec<SyntaxError>) {
    let mut tokens = Vec::new();
    let mut errors = Vec::new();
    let bytes = text.as_bytes();
    let mut literal_start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let pair = |open: u8| bytes.get(i) == Some(&open) && bytes.get(i + 1) == Some(&open);
        if pair(b'{') {
            let Some(close) = text[i + 2..].find("}}").map(|at| i + 2 + at) else {
                errors.push(SyntaxError {
                    kind: SyntaxErrorKind::UnclosedMergeField,
                    start: i,
                    end: text.len(),
                });
                break;
            };
            let inner = &text[i + 2..close];
            if inner.contains('{') {
                // "{{ {{name}}": the first opener is stray.
                errors.push(SyntaxError {
                    kind: SyntaxErrorKind::UnclosedMergeField,
                    start: i,
                    end: i + 2,
                });
                i += 2;
                continue;
            }
            push_literal(&mut tokens, text, literal_start, i);
            let name = inner.trim();
            if is_identifier(name) {
                tokens.push(Token::Merge {
                    name,
                    start: i,
                    end: close + 2,
                });
            } else {
                errors.push(SyntaxError {
                    kind: SyntaxErrorKind::InvalidMergeFieldName,
                    start: i,
                    end: close + 2,
                });
            }
            i = close + 2;
            literal_start = i;
        } else if pair(b'[') {
            let Some(close) = text[i + 2..].find("]]").map(|at| i + 2 + at) else {
                errors.push(SyntaxError {
                    kind: SyntaxErrorKind::UnclosedSlot,
                    start: i,
                    end: text.len(),
                });
                break;
            };
            push_literal(&mut tokens, text, literal_start, i);
            match parse_slot(&text[i + 2..close]) {
                Some(slot) => tokens.push(Token::Slot {
                    slot,
                    start: i,
                    end: close + 2,
                }),
                None => errors.push(SyntaxError {
                    kind: SyntaxErrorKind::InvalidSlot,
                    start: i,
                    end: close + 2,
                }),
            }
            i = close + 2;
            literal_start = i;
        } else if bytes[i] == b'{' || bytes[i] == b'}' {
            let end = if pair(b'}') { i + 2 } else { i + 1 };
            errors.push(SyntaxError {
                kind: SyntaxErrorKind::StrayBrace,
                start: i,
                end,
            });
            i = end;
        } else {
            i += 1;
        }
    }
    push_literal(
        &mut tokens,
        text,
        literal_start,
        text.len().min(i.max(literal_start)),
    );
    if i < text.len() {
        // Stopped at an unclosed opener: the rest is literal text.
        push_literal(&mut tokens, text, i, text.len());
    }
    (tokens, errors)
}

fn push_literal<'t>(tokens: &mut Vec<Token<'t>>, text: &'t str, start: usize, end: usize) {
    if start < end {
        tokens.push(Token::Text(&text[start..end]));
    }
}

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn parse_slot(inner: &str) -> Option<SlotRef<'_>> {
    let inner = inner.trim();
    let (reference, modifier) = match inner.split_once(':') {
        Some((reference, modifier)) => (reference, Some(modifier)),
        None => (inner, None),
    };
    let capitalize = match modifier {
        None => false,
        Some("cap") => true,
        Some(_) => return None,
    };
    let (name, index) = match reference.split_once('.') {
        Some((name, index)) => (
            name,
            index
                .parse::<usize>()
                .ok()
                .filter(|i| (1..=9).contains(i))?,
        ),
        None => (reference, 1),
    };
    is_identifier(name).then_some(SlotRef {
        name,
        index,
        capitalize,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_fields_and_slots_are_found() {
        let (tokens, errors) = tokenize("Hi {{ first_name }}, tired of [[pain.2:cap]]?");
        assert!(errors.is_empty());
        assert_eq!(
            tokens,
            vec![
                Token::Text("Hi "),
                Token::Merge {
                    name: "first_name",
                    start: 3,
                    end: 19
                },
                Token::Text(", tired of "),
                Token::Slot {
                    slot: SlotRef {
                        name: "pain",
                        index: 2,
                        capitalize: true
                    },
                    start: 30,
                    end: 44
                },
                Token::Text("?"),
            ]
        );
    }

    #[test]
    fn malformed_syntax_is_reported_with_its_place() {
        let kinds = |text: &str| {
            tokenize(text)
                .1
                .into_iter()
                .map(|e| (e.kind, e.start, e.end))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            kinds("Hi {{first_name"),
            vec![(SyntaxErrorKind::UnclosedMergeField, 3, 15)]
        );
        assert_eq!(
            kinds("Hi {first_name}"),
            vec![
                (SyntaxErrorKind::StrayBrace, 3, 4),
                (SyntaxErrorKind::StrayBrace, 14, 15)
            ]
        );
        assert_eq!(
            kinds("Hi first_name}}"),
            vec![(SyntaxErrorKind::StrayBrace, 13, 15)]
        );
        assert_eq!(
            kinds("{{}} and {{First Name}}"),
            vec![
                (SyntaxErrorKind::InvalidMergeFieldName, 0, 4),
                (SyntaxErrorKind::InvalidMergeFieldName, 9, 23)
            ]
        );
        assert_eq!(kinds("[[pain"), vec![(SyntaxErrorKind::UnclosedSlot, 0, 6)]);
        assert_eq!(
            kinds("[[pain:shout]] [[pain.0]]"),
            vec![
                (SyntaxErrorKind::InvalidSlot, 0, 14),
                (SyntaxErrorKind::InvalidSlot, 15, 25)
            ]
        );
        assert_eq!(
            kinds("{{ {{first_name}}"),
            vec![(SyntaxErrorKind::UnclosedMergeField, 0, 2)]
        );
    }

    #[test]
    fn single_square_brackets_are_plain_text() {
        let (tokens, errors) = tokenize("Bring [your numbers] along");
        assert!(errors.is_empty());
        assert_eq!(tokens, vec![Token::Text("Bring [your numbers] along")]);
    }

    #[test]
    fn text_after_an_unclosed_opener_is_kept() {
        let (tokens, _) = tokenize("ok {{oops");
        let text: String = tokens
            .iter()
            .map(|t| match t {
                Token::Text(s) => *s,
                _ => "",
            })
            .collect();
        assert_eq!(text, "ok {{oops");
    }

    #[test]
    fn every_merge_field_has_a_unique_identifier_name() {
        for (i, field) in MERGE_FIELDS.iter().enumerate() {
            assert!(is_identifier(field.name), "{}", field.name);
            assert!(
                MERGE_FIELDS[..i]
                    .iter()
                    .all(|other| other.name != field.name)
            );
        }
    }
}
