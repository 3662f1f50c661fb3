//! The prospect's own words: candidate phrases for batch mining (methods §2.3), RAKE key
//! phrases for one transcript (§2.2), and a bounded store of informative sentences that batch
//! mining quotes from.

use super::KeyPhrase;
use super::stage::round3;
use crate::evidence::Quote;
use crate::text::{Document, Punct, Sentence, TokenKind, WordClass};
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

/// Longest mined phrase, in words ("run it by my partner").
pub const MAX_PHRASE_WORDS: usize = 5;
/// Longest RAKE candidate.
const MAX_KEY_PHRASE_WORDS: usize = 4;
/// Key phrases reported per transcript.
const KEY_PHRASES: usize = 10;
/// Sentences kept per transcript as quote material for batch phrases.
pub const STORED_SENTENCES: usize = 48;
/// Sentences shorter than this are not worth quoting.
const MIN_QUOTE_WORDS: u32 = 5;

/// One term (a content word or a phrase of 2..=5 words) and how often the prospect used it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct TermUse {
    /// Stems joined by spaces: the grouping key ("lose lead").
    pub key: String,
    /// The words as first said, lowercased ("losing leads").
    pub surface: String,
    pub count: u32,
}

/// The prospect's language in one transcript, as batch mining needs it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ProspectLanguage {
    /// Prospect words (fillers excluded): the denominator of term probabilities.
    pub words: u32,
    /// Content words and stopword-bounded phrases of 2..=5 words (interior stopwords kept:
    /// "out of budget"), sorted by key.
    pub terms: Vec<TermUse>,
    /// Up to [`STORED_SENTENCES`] of the prospect's most informative sentences, in call order.
    pub sentences: Vec<Quote>,
}

type Gram = [u32; MAX_PHRASE_WORDS];
const EMPTY: u32 = u32::MAX;

#[derive(Debug, Default)]
pub(super) struct LanguageBuilder {
    words: u32,
    /// Stem ids → (count, word ids of the first occurrence).
    grams: FxHashMap<Gram, (u32, Gram)>,
    rake: FxHashMap<Gram, (u32, Gram)>,
    /// (informativeness, sentence index).
    sentences: Vec<(u32, u32)>,
    clause: Vec<u32>,
}

pub(super) struct Finished {
    pub(super) language: ProspectLanguage,
    pub(super) key_phrases: Vec<KeyPhrase>,
}

impl LanguageBuilder {
    /// Adds a prospect sentence; `findings` is how many findings it produced. Returns its words.
    pub(super) fn add_sentence(
        &mut self,
        document: &Document,
        sentence: &Sentence,
        index: u32,
        findings: u32,
    ) -> u32 {
        let mut words = 0u32;
        let mut content = 0u32;
        self.clause.clear();
        for token in &document.tokens[sentence.tokens.start as usize..sentence.tokens.end as usize]
        {
            if token.disfluent {
                continue;
            }
            match token.kind {
                TokenKind::Word => {
                    words += 1;
                    let entry = document.vocabulary.get(token.word);
                    if entry.class.has(WordClass::CLAUSE_BREAK) {
                        self.flush(document);
                    } else {
                        content += u32::from(!entry.class.has(WordClass::STOP));
                        self.clause.push(token.word);
                    }
                }
                TokenKind::Number => {
                    words += 1;
                    self.flush(document);
                }
                TokenKind::Punct(Punct::Dash) | TokenKind::Punct(_) => self.flush(document),
                TokenKind::Tag => {}
            }
        }
        self.flush(document);
        self.words += words;
        if words >= MIN_QUOTE_WORDS {
            self.sentences.push((findings * 4 + content.min(12), index));
        }
        words
    }

    fn flush(&mut self, document: &Document) {
        let clause = std::mem::take(&mut self.clause);
        let is_content = |id: u32| {
            let entry = document.vocabulary.get(id);
            !entry.class.has(WordClass::STOP) && entry.text.len() >= 2
        };
        let is_edge = |id: u32| {
            document
                .vocabulary
                .get(id)
                .class
                .has(WordClass::PHRASE_EDGE)
        };
        let stem = |id: u32| document.vocabulary.get(id).stem_id;
        for start in 0..clause.len() {
            let first = clause[start];
            let first_content = is_content(first);
            if !first_content && !is_edge(first) {
                continue;
            }
            let mut stems = [EMPTY; MAX_PHRASE_WORDS];
            let mut ids = [EMPTY; MAX_PHRASE_WORDS];
            let mut has_content = first_content;
            for (n, &id) in clause[start..].iter().take(MAX_PHRASE_WORDS).enumerate() {
                stems[n] = stem(id);
                ids[n] = id;
                let content = is_content(id);
                has_content |= content;
                let closes = n == 0 && content || n > 0 && (content || is_edge(id));
                if closes && has_content {
                    self.grams.entry(stems).or_insert((0, ids)).0 += 1;
                }
            }
        }
        // RAKE candidates: maximal runs of content words.
        let mut run_start = 0;
        for end in 0..=clause.len() {
            if end < clause.len() && is_content(clause[end]) {
                continue;
            }
            if end > run_start && end - run_start <= MAX_KEY_PHRASE_WORDS {
                let mut stems = [EMPTY; MAX_PHRASE_WORDS];
                let mut ids = [EMPTY; MAX_PHRASE_WORDS];
                for (n, &id) in clause[run_start..end].iter().enumerate() {
                    stems[n] = stem(id);
                    ids[n] = id;
                }
                self.rake.entry(stems).or_insert((0, ids)).0 += 1;
            }
            run_start = end + 1;
        }
        self.clause = clause;
        self.clause.clear();
    }

    pub(super) fn finish(self, document: &Document, quote: impl Fn(u32) -> Quote) -> Finished {
        let join = |ids: &Gram, stems: bool| {
            ids.iter()
                .take_while(|&&id| id != EMPTY)
                .map(|&id| {
                    let entry = document.vocabulary.get(id);
                    if stems { &*entry.stem } else { &*entry.text }
                })
                .collect::<Vec<_>>()
                .join(" ")
        };
        let mut terms: Vec<TermUse> = self
            .grams
            .values()
            .map(|(count, ids)| TermUse {
                key: join(ids, true),
                surface: join(ids, false),
                count: *count,
            })
            .collect();
        terms.sort_unstable();

        let mut sentences = self.sentences;
        sentences.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        sentences.truncate(STORED_SENTENCES);
        sentences.sort_by_key(|&(_, index)| index);

        Finished {
            language: ProspectLanguage {
                words: self.words,
                terms,
                sentences: sentences
                    .into_iter()
                    .map(|(_, index)| quote(index))
                    .collect(),
            },
            key_phrases: rake(&self.rake, join),
        }
    }
}

/// RAKE (Rose et al. 2010): word score deg(w)/freq(w), phrase score the sum over its words;
/// candidates said at least twice.
fn rake(
    candidates: &FxHashMap<Gram, (u32, Gram)>,
    join: impl Fn(&Gram, bool) -> String,
) -> Vec<KeyPhrase> {
    let mut frequency: FxHashMap<u32, u32> = FxHashMap::default();
    let mut degree: FxHashMap<u32, u32> = FxHashMap::default();
    for (stems, (count, _)) in candidates {
        let length = stems.iter().take_while(|&&s| s != EMPTY).count() as u32;
        for &stem in stems.iter().take_while(|&&s| s != EMPTY) {
            *frequency.entry(stem).or_default() += count;
            *degree.entry(stem).or_default() += count * length;
        }
    }
    let mut phrases: Vec<KeyPhrase> = candidates
        .iter()
        .filter(|(stems, (count, _))| *count >= 3 || (*count >= 2 && stems[1] != EMPTY))
        .map(|(stems, (count, ids))| {
            let score: f32 = stems
                .iter()
                .take_while(|&&s| s != EMPTY)
                .map(|s| degree[s] as f32 / frequency[s] as f32)
                .sum();
            KeyPhrase {
                phrase: join(ids, false),
                score: round3(score),
                count: *count,
            }
        })
        .collect();
    phrases.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(b.count.cmp(&a.count))
            .then(a.phrase.cmp(&b.phrase))
    });
    phrases.truncate(KEY_PHRASES);
    phrases
}
