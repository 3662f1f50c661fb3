//! The per-transcript pass: walk the prospect's sentences once, turn lexicon hits (negation
//! already applied) into findings, and feed the stage scorer and the language miner.

use super::cues::{ContextCue, Cue, RepCue, StageFamily};
use super::language::LanguageBuilder;
use super::stage::{self, StageSentence};
use super::{
    Analyzer, Annotated, AnnotatedHit, BuyingSignal, CompetitorMention, MAX_FINDINGS,
    MAX_QUESTIONS, Mention, MentionKind, Objection, ObjectionClass, RepAct, TalkRatio,
    TranscriptInsights, has_rep_cue, is_clause_boundary, prospect_side,
};
use crate::evidence::Quote;
use crate::text::{Document, Hit, NO_WORD, Sentence, TokenKind, TurnText, WordClass};
use crate::transcript::{AwarenessLevel, Role, Transcript};
use rustc_hash::FxHashMap;

/// Words of object kept after a pain or desire trigger.
const OBJECT_WORDS: usize = 6;
/// Content words of the object that form the grouping key.
const KEY_WORDS: usize = 3;

pub(super) fn run(
    analyzer: &Analyzer,
    id: &str,
    transcript: &Transcript,
    annotated: &Annotated,
) -> TranscriptInsights {
    let document = &annotated.document;
    let side = prospect_side(transcript);
    let mut talk = TalkRatio::default();
    for (turn, text) in transcript.turns.iter().zip(&document.turns) {
        match turn.role {
            Role::Rep => talk.rep_words += text.word_count,
            Role::Prospect => talk.prospect_words += text.word_count,
            Role::Unknown => talk.unknown_words += text.word_count,
        }
    }
    let all = talk.rep_words + talk.prospect_words + talk.unknown_words;
    talk.prospect_share = if all == 0 {
        0.0
    } else {
        talk.prospect_words as f32 / all as f32
    };
    let side_words: u32 = transcript
        .turns
        .iter()
        .zip(&document.turns)
        .filter(|(turn, _)| turn.role == side)
        .map(|(_, text)| text.word_count)
        .sum();

    let mut pass = Pass::new(analyzer, id, transcript, annotated);
    let mut seen_words = 0u32;
    let mut rep_act: Option<RepAct> = None;
    for (turn_index, (turn, text)) in transcript.turns.iter().zip(&document.turns).enumerate() {
        if turn.role != side {
            if turn.role == Role::Rep {
                rep_act = Some(rep_act_of(analyzer, annotated, text));
            }
            continue;
        }
        for (k, sentence_index) in (text.sentences.start..text.sentences.end).enumerate() {
            let position = if side_words == 0 {
                0.0
            } else {
                seen_words as f32 / side_words as f32
            };
            let after = if k == 0 { rep_act } else { None };
            seen_words += pass.sentence(turn_index, sentence_index as usize, position, after);
        }
        rep_act = None;
    }
    pass.finish(talk)
}

/// What the rep's turn did, from its last two sentences: a commitment ask beats a price reveal
/// beats a question beats a pitch.
fn rep_act_of(analyzer: &Analyzer, annotated: &Annotated, text: &TurnText) -> RepAct {
    let document = &annotated.document;
    let from = text
        .sentences
        .end
        .saturating_sub(2)
        .max(text.sentences.start);
    let mut act = RepAct::Pitch;
    for sentence_index in from..text.sentences.end {
        let sentence = &document.sentences[sentence_index as usize];
        for annotated_hit in annotated.hits_of(sentence_index as usize) {
            if annotated_hit.negated {
                continue;
            }
            if has_rep_cue(
                analyzer,
                &annotated_hit.hit,
                RepCue::Act(RepAct::CommitmentAsk),
            ) {
                return RepAct::CommitmentAsk;
            }
            if has_rep_cue(
                analyzer,
                &annotated_hit.hit,
                RepCue::Act(RepAct::PriceReveal),
            ) {
                act = RepAct::PriceReveal;
            }
        }
        let tokens = &document.tokens[sentence.tokens.start as usize..sentence.tokens.end as usize];
        if tokens.iter().any(|t| t.money) {
            act = RepAct::PriceReveal;
        }
        if act != RepAct::PriceReveal
            && sentence_index + 1 == text.sentences.end
            && sentence.is_question
        {
            act = RepAct::Question;
        }
    }
    act
}

struct Pass<'a> {
    analyzer: &'a Analyzer,
    id: &'a str,
    transcript: &'a Transcript,
    annotated: &'a Annotated,
    document: &'a Document,
    objections: Vec<Objection>,
    pains: Vec<Mention>,
    desires: Vec<Mention>,
    signals: Vec<BuyingSignal>,
    competitors: Vec<CompetitorMention>,
    questions: Vec<Quote>,
    stage_sentences: Vec<StageSentence>,
    /// Fuzzy-match results per word id (a word is compared with the competitor list once).
    fuzzy: FxHashMap<u32, Option<u16>>,
    language: LanguageBuilder,
}

impl<'a> Pass<'a> {
    fn new(
        analyzer: &'a Analyzer,
        id: &'a str,
        transcript: &'a Transcript,
        annotated: &'a Annotated,
    ) -> Pass<'a> {
        Pass {
            analyzer,
            id,
            transcript,
            annotated,
            document: &annotated.document,
            objections: Vec::new(),
            pains: Vec::new(),
            desires: Vec::new(),
            signals: Vec::new(),
            competitors: Vec::new(),
            questions: Vec::new(),
            stage_sentences: Vec::new(),
            fuzzy: FxHashMap::default(),
            language: LanguageBuilder::default(),
        }
    }

    fn quote(&self, sentence: &Sentence) -> Quote {
        let turn = &self.transcript.turns[sentence.turn as usize];
        Quote {
            transcript: self.id.to_owned(),
            turn_index: sentence.turn as usize,
            start_ms: turn.start_ms,
            text: self
                .document
                .sentence_text(self.transcript, sentence)
                .to_owned(),
        }
    }

    /// The original words from token `first` to token `last` (inclusive), whitespace collapsed.
    fn said(&self, sentence: &Sentence, first: u32, last: u32) -> String {
        let text = &self.transcript.turns[sentence.turn as usize].text;
        let start = self.document.tokens[first as usize].start as usize;
        let end = self.document.tokens[last as usize].end as usize;
        text.get(start..end)
            .unwrap_or("")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Processes one prospect sentence; returns its word count.
    fn sentence(
        &mut self,
        _turn: usize,
        index: usize,
        position: f32,
        after: Option<RepAct>,
    ) -> u32 {
        let document = self.document;
        let sentence = &document.sentences[index];
        let hits = self.annotated.hits_of(index);
        let lexicon = &self.analyzer.lexicon;
        let first_word = document.tokens
            [sentence.tokens.start as usize..sentence.tokens.end as usize]
            .iter()
            .position(|t| t.word != NO_WORD && !t.disfluent)
            .map(|p| sentence.tokens.start + p as u32);

        let mut record = StageSentence {
            sentence: index as u32,
            position,
            ..StageSentence::default()
        };
        let mut objection_classes: Vec<ObjectionClass> = Vec::new();
        let mut signal_seen = [false; 4];
        let mut findings = 0u32;
        let mut competitor_tokens: Vec<(u32, u32)> = Vec::new();
        let competitors_before = self.competitors.len();
        let mut found_pain = false;
        let mut found_desire = false;
        let asks = sentence.is_question
            || hits
                .iter()
                .any(|h| !h.negated && lexicon.pattern(h.hit.pattern).tags.contains(&Cue::Desire));
        for annotated_hit in hits {
            if annotated_hit.negated {
                continue;
            }
            let hit = annotated_hit.hit;
            let pattern = lexicon.pattern(hit.pattern);
            for cue in &pattern.tags {
                match *cue {
                    Cue::Objection(_) | Cue::ProofAsk => {
                        let class = match *cue {
                            Cue::Objection(class) => class,
                            _ if asks => ObjectionClass::Trust,
                            _ => continue,
                        };
                        // "they seemed a bit pricey": a competitor's price, not an objection.
                        if class == ObjectionClass::Price && self.about_third_party(sentence, &hit)
                        {
                            continue;
                        }
                        if !objection_classes.contains(&class)
                            && self.objections.len() < MAX_FINDINGS
                        {
                            objection_classes.push(class);
                            findings += 1;
                            self.objections.push(Objection {
                                class,
                                cue: pattern.cue.to_string(),
                                quote: self.quote(sentence),
                                after: None,
                            });
                        }
                    }
                    Cue::Pain | Cue::PainTopic | Cue::Desire => {
                        let pains = *cue != Cue::Desire;
                        let found = if pains {
                            &mut found_pain
                        } else {
                            &mut found_desire
                        };
                        if *found {
                            continue;
                        }
                        let mention = if *cue == Cue::PainTopic {
                            self.topic_of(&hit)
                        } else {
                            self.object_of(sentence, &hit, hits)
                        };
                        if let Some((phrase, key)) = mention {
                            *found = true;
                            let list = if pains { &self.pains } else { &self.desires };
                            let duplicate = list.iter().rev().take(4).any(|m| {
                                m.key == key && m.quote.turn_index == sentence.turn as usize
                            });
                            if !duplicate && list.len() < MAX_FINDINGS {
                                findings += 1;
                                let mention = Mention {
                                    phrase,
                                    key,
                                    quote: self.quote(sentence),
                                };
                                if pains {
                                    self.pains.push(mention)
                                } else {
                                    self.desires.push(mention)
                                }
                            }
                        }
                    }
                    Cue::Signal(kind, weight) => {
                        let slot = kind as usize;
                        if !signal_seen[slot] && self.signals.len() < MAX_FINDINGS {
                            signal_seen[slot] = true;
                            findings += 1;
                            self.signals.push(BuyingSignal {
                                kind,
                                weight,
                                cue: pattern.cue.to_string(),
                                quote: self.quote(sentence),
                            });
                        }
                    }
                    Cue::Stage(family, weight) => {
                        let level = match family {
                            StageFamily::Level(level) => level,
                            StageFamily::MostAware => {
                                record.most_aware += weight;
                                AwarenessLevel::Product
                            }
                            StageFamily::Unaware => {
                                record.unaware += weight;
                                AwarenessLevel::Problem
                            }
                        };
                        if family != StageFamily::Unaware {
                            record.weights[level_index(level)] += weight;
                        }
                        if !record.cues.contains(&(hit.pattern, level)) {
                            record.cues.push((hit.pattern, level));
                        }
                    }
                    Cue::Category => {
                        if self.competitors.len() < MAX_FINDINGS {
                            findings += 1;
                            self.competitors.push(CompetitorMention {
                                name: pattern.cue.to_string(),
                                said: self.said(sentence, hit.first, hit.last),
                                kind: MentionKind::Alternative,
                                quote: self.quote(sentence),
                            });
                        }
                    }
                    Cue::Competitor(index) => {
                        competitor_tokens.push((hit.first, hit.last));
                        if self.competitors.len() < MAX_FINDINGS {
                            findings += 1;
                            self.competitors.push(CompetitorMention {
                                name: self.analyzer.config.competitors[index as usize]
                                    .trim()
                                    .to_owned(),
                                said: self.said(sentence, hit.first, hit.last),
                                kind: MentionKind::Listed,
                                quote: self.quote(sentence),
                            });
                        }
                    }
                    Cue::Context(context) => {
                        if let Some(objection) =
                            context_objection(context, after, Some(hit.first) == first_word)
                            && objection_classes.is_empty()
                            && self.objections.len() < MAX_FINDINGS
                        {
                            {
                                objection_classes.push(objection);
                                findings += 1;
                                self.objections.push(Objection {
                                    class: objection,
                                    cue: pattern.cue.to_string(),
                                    quote: self.quote(sentence),
                                    after,
                                });
                            }
                        }
                    }
                    Cue::PostNegation | Cue::Neutral | Cue::Rep(_) | Cue::ProspectSelf => {}
                }
            }
        }
        if !self.analyzer.fuzzy_names.is_empty() {
            findings += self.fuzzy_competitors(sentence, &competitor_tokens);
        }
        // Naming a competitor is a competitor objection (methods §2.5: "we use X", "X does …").
        let named = self.competitors[competitors_before..]
            .iter()
            .find(|c| c.kind != MentionKind::Alternative)
            .map(|c| c.said.clone());
        if let Some(said) = named
            && !objection_classes.contains(&ObjectionClass::Competitor)
            && self.objections.len() < MAX_FINDINGS
        {
            findings += 1;
            self.objections.push(Objection {
                class: ObjectionClass::Competitor,
                cue: said,
                quote: self.quote(sentence),
                after: None,
            });
        }
        if sentence.is_question && self.questions.len() < MAX_QUESTIONS {
            self.questions.push(self.quote(sentence));
        }
        let stage_hits = record.cues.len() as u32;
        let words =
            self.language
                .add_sentence(document, sentence, index as u32, findings * 3 + stage_hits);
        if !record.cues.is_empty() {
            record.words = words;
            self.stage_sentences.push(record);
        }
        words
    }

    /// Whether the clause of a hit is about someone else: "they", "he" or "she" (or a
    /// listed competitor) within a few words before it.
    fn about_third_party(&self, sentence: &Sentence, hit: &Hit) -> bool {
        let document = self.document;
        let mut words = 0;
        for index in (sentence.tokens.start..hit.first).rev() {
            let token = &document.tokens[index as usize];
            if is_clause_boundary(document, token)
                && token.kind != TokenKind::Punct(crate::text::Punct::Comma)
            {
                return false;
            }
            let Some(entry) = document.word(token).filter(|_| !token.disfluent) else {
                continue;
            };
            if matches!(
                &*entry.text,
                "they" | "they're" | "they've" | "their" | "he" | "he's" | "she" | "she's"
            ) {
                return true;
            }
            if matches!(
                &*entry.text,
                "i" | "we" | "you" | "i'm" | "we're" | "it" | "it's" | "that's" | "this" | "that"
            ) {
                return false;
            }
            words += 1;
            if words >= 6 {
                return false;
            }
        }
        false
    }

    /// The object of a pain or desire trigger: the words after it up to a clause boundary.
    /// Returns the phrase as said (lowercased) and the grouping key (content stems).
    fn object_of(
        &self,
        sentence: &Sentence,
        hit: &Hit,
        hits: &[AnnotatedHit],
    ) -> Option<(String, String)> {
        let document = self.document;
        let lexicon = &self.analyzer.lexicon;
        // The object ends where another finding's trigger starts ("need to | run it by my wife").
        let stop = hits
            .iter()
            .filter(|h| !h.negated && h.hit.first > hit.last)
            .filter(|h| {
                lexicon.pattern(h.hit.pattern).tags.iter().any(|c| {
                    matches!(
                        c,
                        Cue::Objection(_)
                            | Cue::Pain
                            | Cue::Desire
                            | Cue::Signal(..)
                            | Cue::ProofAsk
                    )
                })
            })
            .map(|h| h.hit.first)
            .min()
            .unwrap_or(sentence.tokens.end);
        let mut words = 0;
        let mut last_content = None;
        let mut key: Vec<&str> = Vec::new();
        for index in hit.last + 1..stop {
            let token = &document.tokens[index as usize];
            if is_clause_boundary(document, token) || token.kind == TokenKind::Number {
                break;
            }
            let Some(entry) = document.word(token).filter(|_| !token.disfluent) else {
                continue;
            };
            // A new subject starts a new clause in unpunctuated speech ("losing leads | we get").
            if last_content.is_some() && is_new_subject(&entry.text) {
                break;
            }
            words += 1;
            if words > OBJECT_WORDS {
                break;
            }
            if !entry.class.has(WordClass::STOP) {
                last_content = Some(index);
                if key.len() < KEY_WORDS {
                    key.push(&entry.stem);
                }
            }
        }
        let end = last_content?;
        Some((self.words_between(hit.first, end), key.join(" ")))
    }

    /// A self-naming pain: the trigger's own words, keyed by their stems.
    fn topic_of(&self, hit: &Hit) -> Option<(String, String)> {
        let document = self.document;
        let key: Vec<&str> = (hit.first..=hit.last)
            .filter_map(|i| document.word(&document.tokens[i as usize]))
            .filter(|e| !e.class.has(WordClass::STOP) || e.class.has(WordClass::NEGATION))
            .map(|e| &*e.stem)
            .collect();
        (!key.is_empty()).then(|| (self.words_between(hit.first, hit.last), key.join(" ")))
    }

    /// The normalised words from token `first` to `last`, fillers dropped.
    fn words_between(&self, first: u32, last: u32) -> String {
        let document = self.document;
        (first..=last)
            .filter_map(|i| {
                let token = &document.tokens[i as usize];
                (!token.disfluent)
                    .then(|| document.word(token))
                    .flatten()
                    .map(|e| &*e.text)
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn fuzzy_competitors(&mut self, sentence: &Sentence, exact: &[(u32, u32)]) -> u32 {
        let mut found = 0;
        for index in sentence.tokens.clone() {
            let token = self.document.tokens[index as usize];
            if token.disfluent
                || token.kind != TokenKind::Word
                || exact.iter().any(|&(a, b)| (a..=b).contains(&index))
            {
                continue;
            }
            let entry = self.document.vocabulary.get(token.word);
            if entry.class.has(WordClass::STOP) {
                continue;
            }
            let analyzer = self.analyzer;
            let competitor = *self
                .fuzzy
                .entry(token.word)
                .or_insert_with(|| analyzer.fuzzy_competitor(&entry.text));
            if let Some(competitor) = competitor.filter(|_| self.competitors.len() < MAX_FINDINGS) {
                found += 1;
                self.competitors.push(CompetitorMention {
                    name: analyzer.config.competitors[competitor as usize]
                        .trim()
                        .to_owned(),
                    said: self.said(sentence, index, index),
                    kind: MentionKind::Fuzzy,
                    quote: self.quote(sentence),
                });
            }
        }
        found
    }

    fn finish(mut self, talk: TalkRatio) -> TranscriptInsights {
        let stage = stage::assess(
            &self.analyzer.config.stage,
            &self.stage_sentences,
            |record| self.quote(&self.document.sentences[record.sentence as usize]),
            |pattern| self.analyzer.lexicon.pattern(pattern).cue.to_string(),
        );
        let buying_signal_score = self.signals.iter().map(|s| s.weight).sum();
        let builder = std::mem::take(&mut self.language);
        let language = builder.finish(self.document, |sentence| {
            self.quote(&self.document.sentences[sentence as usize])
        });
        let key_phrases = language.key_phrases.clone();
        TranscriptInsights {
            transcript: self.id.to_owned(),
            outcome: self.transcript.metadata.outcome,
            stage,
            pains: self.pains,
            desires: self.desires,
            objections: self.objections,
            buying_signals: self.signals,
            buying_signal_score,
            competitors: self.competitors,
            questions: self.questions,
            key_phrases,
            talk,
            language: language.language,
        }
    }
}

fn is_new_subject(word: &str) -> bool {
    matches!(
        word,
        "i" | "we"
            | "they"
            | "he"
            | "she"
            | "you"
            | "i'm"
            | "we're"
            | "they're"
            | "it's"
            | "that's"
            | "there's"
    )
}

pub(super) fn level_index(level: AwarenessLevel) -> usize {
    match level {
        AwarenessLevel::Problem => 0,
        AwarenessLevel::Solution => 1,
        AwarenessLevel::Product => 2,
    }
}

/// Context rules (methods §2.5): a refusal opening the reply to a commitment ask is an
/// objection (timing when it defers, need/fit otherwise); shock opening the reply to a price
/// reveal is a price objection. The same words elsewhere are not objections.
fn context_objection(
    cue: ContextCue,
    after: Option<RepAct>,
    opens_turn: bool,
) -> Option<ObjectionClass> {
    if !opens_turn {
        return None;
    }
    match (cue, after?) {
        (ContextCue::Refusal, RepAct::CommitmentAsk) => Some(ObjectionClass::NeedFit),
        (ContextCue::PriceShock, RepAct::PriceReveal) => Some(ObjectionClass::Price),
        _ => None,
    }
}
