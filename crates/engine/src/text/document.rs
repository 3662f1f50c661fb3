//! A transcript prepared once for every analysis: tokens with byte offsets, sentences, a
//! per-document vocabulary of normalised words and their stems.

use super::normalize::{push_folded, restore_apostrophe};
use super::tokenize::{Punct, RawToken, TokenKind, tokenize};
use super::words::{WordClass, classify, is_pseudo_negation};
use crate::transcript::Transcript;
use rust_stemmers::{Algorithm, Stemmer};
use rustc_hash::FxHashMap;
use std::ops::Range;
use std::sync::LazyLock;

/// Index of a word in a [`Vocabulary`].
pub type WordId = u32;

/// The word id of tokens that are not words (punctuation, tags).
pub const NO_WORD: WordId = u32::MAX;

/// Sentences longer than this many words with no punctuation are split at the next discourse
/// marker or question opener (speech-to-text text often has no punctuation at all).
const SOFT_SENTENCE_WORDS: usize = 14;
/// … and unconditionally at this length.
const HARD_SENTENCE_WORDS: usize = 40;

static STEMMER: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::English));

/// One distinct normalised word of a document.
#[derive(Debug, Clone)]
pub struct WordEntry {
    /// Folded, lowercased form ("don't", "leads").
    pub text: Box<str>,
    /// Snowball stem, for matching and counting only — never displayed.
    pub stem: Box<str>,
    /// Id of the stem: words with the same stem share it.
    pub stem_id: u32,
    pub class: WordClass,
}

/// The distinct words of a document, interned once so every per-token lookup is a table index.
#[derive(Debug, Default, Clone)]
pub struct Vocabulary {
    words: Vec<WordEntry>,
    index: FxHashMap<Box<str>, WordId>,
    stems: FxHashMap<Box<str>, u32>,
}

impl Vocabulary {
    /// The id of a normalised word, interning it (and computing its stem and class) on first use.
    pub fn intern(&mut self, normalized: &str) -> WordId {
        if let Some(&id) = self.index.get(normalized) {
            return id;
        }
        let text: Box<str> = restore_apostrophe(normalized).unwrap_or(normalized).into();
        let stem: Box<str> = stem(&text).into();
        let next_stem = self.stems.len() as u32;
        let stem_id = *self.stems.entry(stem.clone()).or_insert(next_stem);
        let id = self.words.len() as WordId;
        self.words.push(WordEntry {
            class: classify(&text),
            text,
            stem,
            stem_id,
        });
        self.index.insert(normalized.into(), id);
        id
    }

    /// The entry of a word id.
    ///
    /// # Panics
    /// Never for ids taken from this vocabulary's tokens; ids are only made by [`Self::intern`].
    pub fn get(&self, id: WordId) -> &WordEntry {
        &self.words[id as usize]
    }

    /// Number of distinct words.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// Whether no word was interned.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }
}

/// The Snowball English stem of a normalised word. Contractions are kept whole: the stemmer
/// would cut "don't" and "it's" in ways that break negation and matching.
pub fn stem(word: &str) -> String {
    if word.contains('\'') || word.len() <= 2 {
        return word.to_owned();
    }
    // Stemming is the costliest per-word step, and a client's calls share most words: memoise
    // per thread (bounded; a thread-local works the same in wasm32).
    thread_local! {
        static CACHE: std::cell::RefCell<FxHashMap<Box<str>, Box<str>>> = std::cell::RefCell::new(FxHashMap::default());
    }
    const CACHE_LIMIT: usize = 200_000;
    CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some(stem) = cache.get(word) {
            return stem.to_string();
        }
        let stem = STEMMER.stem(word).into_owned();
        if cache.len() >= CACHE_LIMIT {
            cache.clear();
        }
        cache.insert(word.into(), stem.as_str().into());
        stem
    })
}

/// A token of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// Byte range in the turn's original text.
    pub start: u32,
    pub end: u32,
    /// [`NO_WORD`] for punctuation and tags.
    pub word: WordId,
    pub kind: TokenKind,
    /// A currency sign directly before a number.
    pub money: bool,
    /// Dropped from matching and mining: a filler, a tag, or an immediate repetition
    /// ("I I I think" keeps one "I").
    pub disfluent: bool,
    /// The token is a negation cue in context ("no" in "no shows" is not).
    pub negates: bool,
}

/// A sentence (or a sentence-sized chunk of unpunctuated speech).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    pub turn: u32,
    /// Range into [`Document::tokens`].
    pub tokens: Range<u32>,
    /// Byte range in the turn's original text (from the first to the last token).
    pub start: u32,
    pub end: u32,
    pub is_question: bool,
}

/// Where one turn's tokens and sentences are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TurnText {
    pub tokens: Range<u32>,
    pub sentences: Range<u32>,
    /// Words, excluding fillers and tags.
    pub word_count: u32,
}

/// A transcript prepared for analysis. Holds offsets, not text: pair it with the
/// [`Transcript`] it was built from.
#[derive(Debug, Clone, Default)]
pub struct Document {
    pub vocabulary: Vocabulary,
    pub tokens: Vec<Token>,
    pub sentences: Vec<Sentence>,
    pub turns: Vec<TurnText>,
}

impl Document {
    /// Tokenises every turn, splits sentences and interns words.
    pub fn new(transcript: &Transcript) -> Document {
        let total: usize = transcript.turns.iter().map(|t| t.text.len()).sum();
        let mut document = Document {
            vocabulary: Vocabulary::default(),
            tokens: Vec::with_capacity(total / 5),
            sentences: Vec::with_capacity(total / 60),
            turns: Vec::with_capacity(transcript.turns.len()),
        };
        let mut raw = Vec::new();
        let mut buffer = String::new();
        for (turn_index, turn) in transcript.turns.iter().enumerate() {
            raw.clear();
            tokenize(&turn.text, &mut raw);
            document.push_turn(turn_index as u32, &turn.text, &raw, &mut buffer);
        }
        document
    }

    fn push_turn(&mut self, turn_index: u32, text: &str, raw: &[RawToken], buffer: &mut String) {
        let first_token = self.tokens.len() as u32;
        let first_sentence = self.sentences.len() as u32;
        let mut word_count = 0;
        let mut previous_word = NO_WORD;
        for token in raw {
            let word = match token.kind {
                TokenKind::Word | TokenKind::Number => {
                    buffer.clear();
                    for c in text[token.start..token.end].chars() {
                        push_folded(c, buffer);
                    }
                    self.vocabulary.intern(buffer)
                }
                _ => NO_WORD,
            };
            let disfluent = match token.kind {
                TokenKind::Tag => true,
                TokenKind::Word => {
                    let class = self.vocabulary.get(word).class;
                    class.has(WordClass::FILLER) || word == previous_word
                }
                _ => false,
            };
            if word != NO_WORD && !disfluent {
                word_count += 1;
            }
            if !disfluent {
                previous_word = word;
            }
            self.tokens.push(Token {
                start: token.start as u32,
                end: token.end as u32,
                word,
                kind: token.kind,
                money: token.money,
                disfluent,
                negates: false,
            });
        }
        self.mark_negations(first_token as usize);
        self.split_sentences(turn_index, first_token as usize);
        self.turns.push(TurnText {
            tokens: first_token..self.tokens.len() as u32,
            sentences: first_sentence..self.sentences.len() as u32,
            word_count,
        });
    }

    fn mark_negations(&mut self, from: usize) {
        for i in from..self.tokens.len() {
            let token = self.tokens[i];
            if token.word == NO_WORD || token.disfluent {
                continue;
            }
            let entry = self.vocabulary.get(token.word);
            if !entry.class.has(WordClass::NEGATION) {
                continue;
            }
            let next = self.tokens[i + 1..]
                .iter()
                .find(|t| !t.disfluent)
                .filter(|t| t.word != NO_WORD)
                .map(|t| &*self.vocabulary.get(t.word).text);
            let pseudo = next.is_some_and(|next| is_pseudo_negation(&entry.text, next));
            self.tokens[i].negates = !pseudo;
        }
    }

    fn split_sentences(&mut self, turn: u32, from: usize) {
        let mut start = from;
        let mut words_in_sentence = 0usize;
        let end = self.tokens.len();
        let mut i = from;
        while i < end {
            let token = self.tokens[i];
            match token.kind {
                TokenKind::Punct(Punct::Period | Punct::Question | Punct::Exclamation)
                    if !(token.kind == TokenKind::Punct(Punct::Period)
                        && self.is_abbreviation(i)) =>
                {
                    self.push_sentence(turn, start, i + 1);
                    start = i + 1;
                    words_in_sentence = 0;
                }
                TokenKind::Word | TokenKind::Number if !token.disfluent => {
                    if words_in_sentence >= HARD_SENTENCE_WORDS
                        || (words_in_sentence >= SOFT_SENTENCE_WORDS && self.opens_sentence(i))
                    {
                        self.push_sentence(turn, start, i);
                        start = i;
                        words_in_sentence = 0;
                    }
                    words_in_sentence += 1;
                }
                _ => {}
            }
            i += 1;
        }
        self.push_sentence(turn, start, end);
    }

    /// Whether the word at `i` is a good place to start a new chunk of unpunctuated speech:
    /// a discourse marker ("so", "okay", "but") or a question opener.
    fn opens_sentence(&self, i: usize) -> bool {
        let entry = self.vocabulary.get(self.tokens[i].word);
        if matches!(
            &*entry.text,
            "so" | "but" | "okay" | "ok" | "alright" | "anyway" | "yeah" | "well" | "because"
        ) {
            return true;
        }
        entry.class.has(WordClass::WH)
            && self
                .next_word(i)
                .is_some_and(|w| w.class.has(WordClass::AUX))
    }

    fn is_abbreviation(&self, period: usize) -> bool {
        let Some(previous) = period.checked_sub(1).map(|p| self.tokens[p]) else {
            return false;
        };
        if previous.word == NO_WORD || previous.end != self.tokens[period].start {
            return false;
        }
        matches!(
            &*self.vocabulary.get(previous.word).text,
            "mr" | "mrs" | "ms" | "dr" | "st" | "vs" | "etc" | "inc" | "jr" | "sr" | "e.g" | "i.e"
        )
    }

    fn next_word(&self, i: usize) -> Option<&WordEntry> {
        self.tokens[i + 1..]
            .iter()
            .find(|t| !t.disfluent)
            .filter(|t| t.word != NO_WORD)
            .map(|t| self.vocabulary.get(t.word))
    }

    fn push_sentence(&mut self, turn: u32, start: usize, end: usize) {
        let span = &self.tokens[start..end];
        let Some(first) = span.iter().find(|t| t.word != NO_WORD) else {
            return;
        };
        let last = span
            .iter()
            .rev()
            .find(|t| t.kind != TokenKind::Tag)
            .unwrap_or(first);
        let mut sentence = Sentence {
            turn,
            tokens: start as u32..end as u32,
            start: first.start,
            end: last.end.max(first.end),
            is_question: false,
        };
        sentence.is_question = self.detect_question(&sentence);
        self.sentences.push(sentence);
    }

    /// ASR-robust question detection (§2.5): a `?`, or a wh-word followed by an auxiliary, or
    /// an inverted auxiliary + subject, after skipping discourse markers; or a closing tag
    /// ("does that make sense", "is that right", "or not").
    fn detect_question(&self, sentence: &Sentence) -> bool {
        let span = &self.tokens[sentence.tokens.start as usize..sentence.tokens.end as usize];
        if span
            .iter()
            .any(|t| t.kind == TokenKind::Punct(Punct::Question))
        {
            return true;
        }
        let words: Vec<&WordEntry> = span
            .iter()
            .filter(|t| t.word != NO_WORD && !t.disfluent)
            .map(|t| self.vocabulary.get(t.word))
            .collect();
        let opener = words
            .iter()
            .position(|w| !w.class.has(WordClass::DISCOURSE) || w.class.has(WordClass::WH));
        if let Some(at) = opener {
            let first = words[at];
            let second = words.get(at + 1);
            if first.class.has(WordClass::WH) {
                let contracted = first.text.ends_with("'s");
                let follows = second.is_some_and(|w| {
                    w.class.has(WordClass::AUX)
                        || matches!(
                            &*w.text,
                            "much"
                                | "many"
                                | "long"
                                | "soon"
                                | "often"
                                | "about"
                                | "if"
                                | "kind"
                                | "sort"
                                | "exactly"
                                | "else"
                                | "happens"
                                | "would"
                                | "type"
                        )
                });
                if contracted || follows {
                    return true;
                }
            } else if first.class.has(WordClass::AUX)
                && second.is_some_and(|w| w.class.has(WordClass::SUBJECT))
            {
                return true;
            }
        }
        const TAGS: &[&[&str]] = &[
            &["make", "sense"],
            &["is", "that", "right"],
            &["is", "that", "correct"],
            &["or", "not"],
            &["am", "i", "right"],
            &["right", "right"],
            &["you", "know", "what", "i", "mean"],
        ];
        TAGS.iter().any(|tag| {
            words.len() > tag.len()
                && words[words.len() - tag.len()..]
                    .iter()
                    .zip(tag.iter())
                    .all(|(w, t)| &*w.text == *t)
        })
    }

    /// The original text of a sentence.
    pub fn sentence_text<'t>(&self, transcript: &'t Transcript, sentence: &Sentence) -> &'t str {
        transcript
            .turns
            .get(sentence.turn as usize)
            .and_then(|turn| {
                turn.text
                    .get(sentence.start as usize..sentence.end as usize)
            })
            .unwrap_or("")
    }

    /// The entry of a token's word, if it is a word or number.
    pub fn word(&self, token: &Token) -> Option<&WordEntry> {
        (token.word != NO_WORD).then(|| self.vocabulary.get(token.word))
    }
}

/// A sentence as a line of stems for phrase lookup: `" s1 s2 | s3 "`, where `|` marks a clause
/// boundary (punctuation, "but", a number) so a phrase key `" s1 s2 "` never matches across one.
/// Fillers, tags and immediate repetitions are skipped, as in [`Document`].
pub fn stem_line(vocabulary: &mut Vocabulary, text: &str) -> String {
    let mut raw = Vec::new();
    tokenize(text, &mut raw);
    let mut line = String::from(" ");
    let mut buffer = String::new();
    let mut previous = NO_WORD;
    for token in raw {
        match token.kind {
            TokenKind::Word => {
                buffer.clear();
                for c in text[token.start..token.end].chars() {
                    push_folded(c, &mut buffer);
                }
                let id = vocabulary.intern(&buffer);
                let entry = vocabulary.get(id);
                if entry.class.has(WordClass::FILLER) || id == previous {
                    continue;
                }
                previous = id;
                if entry.class.has(WordClass::CLAUSE_BREAK) {
                    line.push_str("| ");
                } else {
                    line.push_str(&entry.stem);
                    line.push(' ');
                }
            }
            TokenKind::Number | TokenKind::Punct(_) => {
                previous = NO_WORD;
                if !line.ends_with("| ") {
                    line.push_str("| ");
                }
            }
            TokenKind::Tag => {}
        }
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transcript::{Role, SourceFormat, Transcript, TranscriptMetadata, Turn};

    pub(crate) fn transcript(turns: &[(&str, &str)]) -> Transcript {
        Transcript {
            format: SourceFormat::SpeakerText,
            speakers: Vec::new(),
            turns: turns
                .iter()
                .map(|(speaker, text)| Turn {
                    speaker: (*speaker).to_owned(),
                    role: Role::Unknown,
                    start_ms: None,
                    end_ms: None,
                    text: (*text).to_owned(),
                })
                .collect(),
            metadata: TranscriptMetadata::default(),
        }
    }

    fn sentences(text: &str) -> Vec<(String, bool)> {
        let t = transcript(&[("A", text)]);
        let document = Document::new(&t);
        document
            .sentences
            .iter()
            .map(|s| (document.sentence_text(&t, s).to_owned(), s.is_question))
            .collect()
    }

    #[test]
    fn punctuated_sentences_and_questions() {
        assert_eq!(
            sentences("We keep losing leads. How much is it? Dr. Smith said so!"),
            [
                ("We keep losing leads.".to_owned(), false),
                ("How much is it?".to_owned(), true),
                ("Dr. Smith said so!".to_owned(), false)
            ]
        );
    }

    #[test]
    fn unpunctuated_speech_is_chunked_and_questions_found() {
        let got = sentences(
            "yeah so um we have been doing the ads ourselves for like two years now and it just is not working for us so how much does your program cost and what is included",
        );
        assert!(got.len() >= 2, "{got:?}");
        let last = got.last().unwrap();
        assert!(last.1, "{got:?}");
        assert!(last.0.starts_with("so how much"), "{got:?}");
        assert!(!got[0].1);
    }

    #[test]
    fn inverted_auxiliary_and_tags_are_questions() {
        assert!(sentences("okay do you guys offer a guarantee")[0].1);
        assert!(sentences("that works for you does that make sense")[0].1);
        assert!(!sentences("when we started we had ten clients")[0].1);
        assert!(!sentences("what I mean is we need leads")[0].1);
    }

    #[test]
    fn disfluencies_and_pseudo_negation() {
        let t = transcript(&[("A", "I I I think um the no shows are not [inaudible] great")]);
        let document = Document::new(&t);
        let kept: Vec<&str> = document
            .tokens
            .iter()
            .filter(|t| !t.disfluent)
            .filter_map(|t| document.word(t))
            .map(|w| &*w.text)
            .collect();
        assert_eq!(
            kept,
            ["i", "think", "the", "no", "shows", "are", "not", "great"]
        );
        let negating: Vec<&str> = document
            .tokens
            .iter()
            .filter(|t| t.negates)
            .filter_map(|t| document.word(t))
            .map(|w| &*w.text)
            .collect();
        assert_eq!(negating, ["not"]);
    }

    #[test]
    fn contractions_restored_and_stems_shared() {
        let t = transcript(&[("A", "we dont want Losing LEADS, we lose leads")]);
        let document = Document::new(&t);
        let texts: Vec<&str> = document
            .tokens
            .iter()
            .filter_map(|t| document.word(t))
            .map(|w| &*w.text)
            .collect();
        assert_eq!(
            texts,
            [
                "we", "don't", "want", "losing", "leads", "we", "lose", "leads"
            ]
        );
        let losing = document.word(&document.tokens[3]).unwrap();
        let lose = document.word(&document.tokens[7]).unwrap();
        assert_eq!(losing.stem, lose.stem);
    }
}
