//! Phrase lexicons compiled once into one Aho–Corasick automaton (LeftmostLongest) and matched
//! on the stems of a sentence's tokens, so "struggling" finds "struggle" and every hit maps back
//! to exact token (and so byte) offsets.
//!
//! Data format (see `src/lexicon/en.txt`): `[section]` or `[section weight]` headers, one phrase
//! per line, `(a|b)` alternatives, `(a|b|)` optional parts, `0` for any number, `#` comments.

use super::document::{Document, NO_WORD, Sentence, stem};
use super::normalize::{push_folded, restore_apostrophe};
use super::tokenize::{RawToken, TokenKind, tokenize};
use super::words::{WordClass, classify};
use aho_corasick::{AhoCorasick, Input, MatchKind};
use std::collections::BTreeMap;

/// A lexicon that could not be read or compiled.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LexiconError {
    #[error("lexicon line {line}: {message}")]
    Syntax { line: usize, message: String },
    #[error("lexicon phrase {phrase:?} has no words")]
    EmptyPhrase { phrase: String },
    #[error("lexicon has {count} phrases after expansion, more than the limit of {limit}")]
    TooLarge { count: usize, limit: usize },
    #[error("lexicon could not be compiled: {0}")]
    Build(String),
}

/// Upper bound on expanded phrases: keeps a hostile config from exhausting memory.
pub(crate) const MAX_PHRASES: usize = 100_000;
/// Upper bound on the expansions of one line.
const MAX_EXPANSIONS_PER_LINE: usize = 4_096;

/// One `[section weight]` of a lexicon file, with its phrases expanded.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    pub name: String,
    pub weight: f32,
    pub phrases: Vec<String>,
}

/// Parses a lexicon file into sections. Weight defaults to 1.
pub fn parse_sections(data: &str) -> Result<Vec<Section>, LexiconError> {
    let mut sections: Vec<Section> = Vec::new();
    for (index, raw_line) in data.lines().enumerate() {
        let line_number = index + 1;
        let line = raw_line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(header) = line.strip_prefix('[') {
            let header = header
                .strip_suffix(']')
                .ok_or_else(|| LexiconError::Syntax {
                    line: line_number,
                    message: "a section header must end with ']'".to_owned(),
                })?;
            let mut parts = header.split_whitespace();
            let name = parts.next().unwrap_or("").to_owned();
            let weight = match parts.next() {
                Some(w) => w
                    .parse::<f32>()
                    .ok()
                    .filter(|w| w.is_finite() && *w >= 0.0)
                    .ok_or_else(|| LexiconError::Syntax {
                        line: line_number,
                        message: format!("bad weight {w:?}"),
                    })?,
                None => 1.0,
            };
            if name.is_empty() {
                return Err(LexiconError::Syntax {
                    line: line_number,
                    message: "empty section name".to_owned(),
                });
            }
            sections.push(Section {
                name,
                weight,
                phrases: Vec::new(),
            });
            continue;
        }
        let Some(section) = sections.last_mut() else {
            return Err(LexiconError::Syntax {
                line: line_number,
                message: "phrase before any [section]".to_owned(),
            });
        };
        let expanded = expand(line).map_err(|message| LexiconError::Syntax {
            line: line_number,
            message,
        })?;
        section.phrases.extend(expanded);
    }
    Ok(sections)
}

/// Expands `(a|b)` groups (not nested) into every combination, collapsing spaces.
pub fn expand(pattern: &str) -> Result<Vec<String>, String> {
    let mut open = false;
    for c in pattern.chars() {
        match (c, open) {
            ('(', true) => return Err("nested '(' is not supported".to_owned()),
            (')', false) => return Err("')' without '('".to_owned()),
            ('(', false) | (')', true) => open = !open,
            _ => {}
        }
    }
    if open {
        return Err("unclosed '('".to_owned());
    }
    let mut results = vec![String::new()];
    let mut rest = pattern;
    while let Some(open) = rest.find('(') {
        let close = open + rest[open..].find(')').unwrap_or(rest.len() - open);
        let prefix = &rest[..open];
        let alternatives: Vec<&str> = rest[open + 1..close].split('|').collect();
        if results.len() * alternatives.len() > MAX_EXPANSIONS_PER_LINE {
            return Err(format!(
                "expands to more than {MAX_EXPANSIONS_PER_LINE} phrases"
            ));
        }
        let mut next = Vec::with_capacity(results.len() * alternatives.len());
        for r in &results {
            for alternative in &alternatives {
                next.push(format!("{r}{prefix}{alternative}"));
            }
        }
        results = next;
        rest = rest.get(close + 1..).unwrap_or("");
    }
    Ok(results
        .into_iter()
        .map(|r| {
            format!("{r}{rest}")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .filter(|r| !r.is_empty())
        .collect())
}

/// The form a phrase is matched in: " stem stem …" (numbers as `0`), whether it contains a
/// negation, and its word count. `None` when it has no words.
pub fn match_form(phrase: &str) -> Option<(String, bool, usize)> {
    let mut raw: Vec<RawToken> = Vec::new();
    tokenize(phrase, &mut raw);
    let mut form = String::new();
    let mut negated = false;
    let mut words = 0;
    let mut buffer = String::new();
    for token in raw {
        match token.kind {
            TokenKind::Number => form.push_str(" 0"),
            TokenKind::Word => {
                buffer.clear();
                for c in phrase[token.start..token.end].chars() {
                    push_folded(c, &mut buffer);
                }
                let word = restore_apostrophe(&buffer).unwrap_or(&buffer);
                negated |= classify(word).has(WordClass::NEGATION);
                form.push(' ');
                form.push_str(&stem(word));
            }
            _ => continue,
        }
        words += 1;
    }
    (words > 0).then_some((form, negated, words))
}

/// A compiled lexicon phrase and what it means.
#[derive(Debug, Clone)]
pub struct Pattern<T> {
    /// The phrase as first written (one expansion), for display as the matched cue.
    pub cue: Box<str>,
    /// Every meaning of the phrase (one phrase can be a price objection and a product cue).
    pub tags: Vec<T>,
    /// The phrase itself contains a negation, so negation scope does not apply to it.
    pub negated: bool,
    pub words: u8,
}

/// A lexicon hit: a pattern and its first and last token (indices into [`Document::tokens`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub pattern: u32,
    pub first: u32,
    pub last: u32,
}

/// Reusable buffers for matching (one per thread of work; avoids an allocation per sentence).
#[derive(Debug, Default)]
pub struct MatchScratch {
    haystack: String,
    starts: Vec<u32>,
    owners: Vec<u32>,
}

/// Compiled phrases with tags of type `T`.
#[derive(Debug, Clone)]
pub struct Lexicon<T> {
    matcher: AhoCorasick,
    patterns: Vec<Pattern<T>>,
}

impl<T: Clone + PartialEq> Lexicon<T> {
    /// Compiles `(phrase, tag)` pairs. Phrases with the same match form share one pattern.
    pub fn build(
        entries: impl IntoIterator<Item = (String, T)>,
    ) -> Result<Lexicon<T>, LexiconError> {
        let mut by_form: BTreeMap<String, usize> = BTreeMap::new();
        let mut forms: Vec<String> = Vec::new();
        let mut patterns: Vec<Pattern<T>> = Vec::new();
        for (phrase, tag) in entries {
            let (form, negated, words) =
                match_form(&phrase).ok_or_else(|| LexiconError::EmptyPhrase {
                    phrase: phrase.clone(),
                })?;
            match by_form.get(&form) {
                Some(&index) => {
                    if !patterns[index].tags.contains(&tag) {
                        patterns[index].tags.push(tag);
                    }
                }
                None => {
                    if patterns.len() >= MAX_PHRASES {
                        return Err(LexiconError::TooLarge {
                            count: patterns.len() + 1,
                            limit: MAX_PHRASES,
                        });
                    }
                    by_form.insert(form.clone(), patterns.len());
                    forms.push(form);
                    patterns.push(Pattern {
                        cue: phrase.into_boxed_str(),
                        tags: vec![tag],
                        negated,
                        words: words.min(u8::MAX as usize) as u8,
                    });
                }
            }
        }
        let matcher = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&forms)
            .map_err(|e| LexiconError::Build(e.to_string()))?;
        Ok(Lexicon { matcher, patterns })
    }

    /// The pattern of a hit.
    pub fn pattern(&self, id: u32) -> &Pattern<T> {
        &self.patterns[id as usize]
    }

    /// Number of distinct patterns.
    pub fn len(&self) -> usize {
        self.patterns.len()
    }

    /// Whether the lexicon has no pattern.
    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// Appends the hits in one sentence (non-overlapping, leftmost-longest, whole tokens only).
    pub fn find(
        &self,
        document: &Document,
        sentence: &Sentence,
        scratch: &mut MatchScratch,
        out: &mut Vec<Hit>,
    ) {
        scratch.haystack.clear();
        scratch.starts.clear();
        scratch.owners.clear();
        for index in sentence.tokens.clone() {
            let token = &document.tokens[index as usize];
            if token.disfluent || token.word == NO_WORD {
                continue;
            }
            scratch.haystack.push(' ');
            scratch.starts.push(scratch.haystack.len() as u32);
            scratch.owners.push(index);
            if token.kind == TokenKind::Number {
                scratch.haystack.push('0');
            } else {
                scratch
                    .haystack
                    .push_str(&document.vocabulary.get(token.word).stem);
            }
        }
        let haystack = scratch.haystack.as_str();
        let bytes = haystack.as_bytes();
        let mut position = 0;
        while position < haystack.len() {
            let Some(found) = self
                .matcher
                .find(Input::new(haystack).span(position..haystack.len()))
            else {
                break;
            };
            let end = found.end();
            if end < bytes.len() && bytes[end] != b' ' {
                // The phrase ends inside a word ("cost" in "costco"): not a hit.
                position = found.start() + 1;
                continue;
            }
            let first = scratch
                .starts
                .partition_point(|&s| (s as usize) <= found.start());
            let last = scratch
                .starts
                .partition_point(|&s| (s as usize) < end)
                .saturating_sub(1);
            if let (Some(&first), Some(&last)) =
                (scratch.owners.get(first), scratch.owners.get(last))
            {
                out.push(Hit {
                    pattern: found.pattern().as_u32(),
                    first,
                    last,
                });
            }
            position = end;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transcript::{Role, SourceFormat, Transcript, TranscriptMetadata, Turn};

    fn document(text: &str) -> (Transcript, Document) {
        let transcript = Transcript {
            format: SourceFormat::Unlabeled,
            speakers: Vec::new(),
            turns: vec![Turn {
                speaker: "A".into(),
                role: Role::Unknown,
                start_ms: None,
                end_ms: None,
                text: text.into(),
            }],
            metadata: TranscriptMetadata::default(),
        };
        let document = Document::new(&transcript);
        (transcript, document)
    }

    fn hits(lexicon: &Lexicon<&'static str>, text: &str) -> Vec<(String, &'static str)> {
        let (transcript, document) = document(text);
        let mut scratch = MatchScratch::default();
        let mut out = Vec::new();
        for sentence in &document.sentences {
            lexicon.find(&document, sentence, &mut scratch, &mut out);
        }
        let turn = &transcript.turns[0].text;
        out.iter()
            .map(|h| {
                let a = document.tokens[h.first as usize].start as usize;
                let b = document.tokens[h.last as usize].end as usize;
                (turn[a..b].to_owned(), lexicon.pattern(h.pattern).tags[0])
            })
            .collect()
    }

    #[test]
    fn expands_alternatives_and_optional_parts() {
        assert_eq!(
            expand("out of (our|my|) budget").unwrap(),
            ["out of our budget", "out of my budget", "out of budget"]
        );
        assert!(expand("a (b|c").is_err());
        assert!(expand("a (b|(c))").is_err());
        assert!(expand("a b)").is_err());
        assert_eq!(expand("(i'm|we're) in").unwrap(), ["i'm in", "we're in"]);
    }

    #[test]
    fn sections_parse_with_weights_and_errors_name_the_line() {
        let sections =
            parse_sections("# c\n[stage.product 2]\nyour (program|offer)\n\n[pain]\nlosing\n")
                .unwrap();
        assert_eq!(sections.len(), 2);
        assert_eq!(sections[0].weight, 2.0);
        assert_eq!(sections[0].phrases, ["your program", "your offer"]);
        assert_eq!(
            parse_sections("[a]\nx (y\n"),
            Err(LexiconError::Syntax {
                line: 2,
                message: "unclosed '('".to_owned()
            })
        );
        assert!(matches!(
            parse_sections("x"),
            Err(LexiconError::Syntax { line: 1, .. })
        ));
    }

    #[test]
    fn matches_stems_longest_whole_tokens_skipping_fillers() {
        let lexicon = Lexicon::build([
            ("too expensive".to_owned(), "price"),
            ("expensive".to_owned(), "weak"),
            ("struggle with".to_owned(), "pain"),
            ("cost".to_owned(), "product"),
            ("lost 0 clients".to_owned(), "loss"),
        ])
        .unwrap();
        assert_eq!(
            hits(
                &lexicon,
                "Honestly it's um too   EXPENSIVE, and we're struggling with costco. We lost 3 clients."
            ),
            [
                ("too   EXPENSIVE".to_owned(), "price"),
                ("struggling with".to_owned(), "pain"),
                ("lost 3 clients".to_owned(), "loss")
            ]
        );
    }

    #[test]
    fn the_shipped_lexicon_parses_and_compiles() {
        let sections = parse_sections(include_str!("../lexicon/en.txt")).unwrap();
        assert!(sections.len() > 20);
        let entries = sections
            .iter()
            .flat_map(|s| s.phrases.iter().map(|p| (p.clone(), s.name.clone())));
        let lexicon = Lexicon::build(entries).unwrap();
        assert!(lexicon.len() > 1000, "{}", lexicon.len());
    }
}
