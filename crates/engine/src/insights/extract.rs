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
/// Words of a trailing time expression read past [`OBJECT_WORDS`] ("by the end of the year").
const TIME_WORDS: usize = 5;

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
            if side == Role::Unknown && rep_like(analyzer, annotated, sentence_index as usize) {
                // No speaker labels: a sentence that sounds like the rep is not the prospect's.
                continue;
            }
            let after = if k == 0 { rep_act } else { None };
            seen_words += pass.sentence(turn_index, sentence_index as usize, position, after);
        }
        rep_act = None;
    }
    pass.finish(talk)
}

/// Whether a sentence of a transcript without speaker labels sounds like the rep: a rep
/// introduction, commitment ask or price reveal; an agenda line that is not a question; or a
/// statement addressed to "you" with no first-person singular ("so you can focus on your
/// startup", "the next step would be booking a session so you can meet Sofia"). Prospects'
/// statements to the rep nearly always carry an "I", "me" or "my" ("let me get back to you").
pub(super) fn rep_like(analyzer: &Analyzer, annotated: &Annotated, sentence_index: usize) -> bool {
    let document = &annotated.document;
    let sentence = &document.sentences[sentence_index];
    for annotated_hit in annotated.hits_of(sentence_index) {
        if annotated_hit.negated {
            continue;
        }
        let hit = &annotated_hit.hit;
        if has_rep_cue(analyzer, hit, RepCue::Introduction)
            || has_rep_cue(analyzer, hit, RepCue::Act(RepAct::CommitmentAsk))
            || has_rep_cue(analyzer, hit, RepCue::Act(RepAct::PriceReveal))
            || (!sentence.is_question && has_rep_cue(analyzer, hit, RepCue::Agenda))
        {
            return true;
        }
    }
    if sentence.is_question {
        return false;
    }
    let mut second_person = false;
    for token in &document.tokens[sentence.tokens.start as usize..sentence.tokens.end as usize] {
        if token.disfluent {
            continue;
        }
        let Some(entry) = document.word(token) else {
            continue;
        };
        match &*entry.text {
            "i" | "i'm" | "i've" | "i'd" | "i'll" | "me" | "my" | "myself" | "mine" => {
                return false;
            }
            _ if entry.class.has(WordClass::SECOND_PERSON) => second_person = true,
            _ => {}
        }
    }
    second_person
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
    /// Near-miss results per single word id (a word is compared with the competitor list once).
    fuzzy: FxHashMap<u32, Option<(u16, usize)>>,
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
        let mut comparison: Option<&str> = None;
        let competitors_before = self.competitors.len();
        let mut weighed_in_sentence = false;
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
            // A longer cue that ends in a category ("another agency", "our current agency")
            // shadows the category's own hit: the alternative is still mentioned.
            if let Some((_, tail)) = pattern.cue.rsplit_once(' ')
                && !pattern.tags.contains(&Cue::Category)
                && self.analyzer.is_category(tail)
            {
                findings += u32::from(self.category_mention(
                    sentence,
                    (hit.last, hit.last),
                    tail,
                    &mut weighed_in_sentence,
                ));
            }
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
                            self.object_of(sentence, &hit, hits, !pains)
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
                    Cue::Signal(kind, weight) | Cue::SignalAsk(kind, weight) => {
                        if matches!(cue, Cue::SignalAsk(..)) && !sentence.is_question {
                            continue;
                        }
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
                        findings += u32::from(self.category_mention(
                            sentence,
                            (hit.first, hit.last),
                            &pattern.cue,
                            &mut weighed_in_sentence,
                        ));
                    }
                    Cue::Competitor(index) => {
                        competitor_tokens.push((hit.first, hit.last));
                        let name = self.analyzer.config.competitors[index as usize].trim();
                        // Lexicon hits match on stems, so "consulting" hits "Consultly": only
                        // the name as written is a listed mention; a stem-level match is a
                        // guess, held to the fuzzy rules (close spelling, not their own business).
                        let kind = match self.listed_or_fuzzy(sentence, &hit, name) {
                            Some(kind) => kind,
                            None => continue,
                        };
                        if self.competitors.len() < MAX_FINDINGS {
                            findings += 1;
                            self.competitors.push(CompetitorMention {
                                name: name.to_owned(),
                                said: self.said(sentence, hit.first, hit.last),
                                kind,
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
                    Cue::Comparison => comparison = comparison.or(Some(&*pattern.cue)),
                    Cue::PostNegation | Cue::Neutral | Cue::Rep(_) | Cue::ProspectSelf => {}
                }
            }
        }
        if !self.analyzer.fuzzy_names.is_empty() {
            findings += self.fuzzy_competitors(sentence, &competitor_tokens);
        }
        // Naming a competitor is a competitor objection (methods §2.5: "we use X", "X does …"),
        // and so is weighing the offer against an alternative ("compared to an agency, why
        // would your approach work better?"); weighing two alternatives against each other
        // ("a consultant versus an SEO company") is shopping, not an objection to the offer.
        let mentioned = &self.competitors[competitors_before..];
        let named = mentioned
            .iter()
            .find(|c| c.kind != MentionKind::Alternative)
            .map(|c| c.said.clone())
            .or_else(|| {
                comparison
                    .filter(|_| !mentioned.is_empty() && self.about_the_offer(sentence))
                    .map(str::to_owned)
            });
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

    /// Whether a sentence refers to the offer or the rep: "you", "your", "this", "y'all".
    fn about_the_offer(&self, sentence: &Sentence) -> bool {
        let document = self.document;
        document.tokens[sentence.tokens.start as usize..sentence.tokens.end as usize]
            .iter()
            .filter(|t| !t.disfluent)
            .filter_map(|t| document.word(t))
            .any(|e| e.class.has(WordClass::SECOND_PERSON) || &*e.text == "this")
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
        desire: bool,
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
                            | Cue::SignalAsk(..)
                            | Cue::ProofAsk
                    )
                })
            })
            .map(|h| h.hit.first)
            .min()
            .unwrap_or(sentence.tokens.end);
        // The object's words (token index, word), a few past the limit so a trailing time
        // ("… by the end of the quarter") can be recognised and dropped whole.
        let mut object: Vec<(u32, &crate::text::WordEntry)> = Vec::new();
        let mut has_content = false;
        let mut previous: Option<&str> = None;
        for index in hit.last + 1..stop {
            let token = &document.tokens[index as usize];
            if is_clause_boundary(document, token) || token.kind == TokenKind::Number {
                break;
            }
            let Some(entry) = document.word(token).filter(|_| !token.disfluent) else {
                continue;
            };
            // A new subject starts a new clause in unpunctuated speech ("losing leads | we get").
            if has_content && is_new_subject(&entry.text) {
                break;
            }
            // A subordinating word, or "and"/"or"/"so" before a new subject, starts another
            // clause: "trying to sell | and the inspector flagged it".
            if has_content
                && (is_clause_opener(&entry.text)
                    || previous.is_some_and(is_coordinator) && opens_clause(&entry.text))
            {
                break;
            }
            previous = Some(&entry.text);
            if has_content && is_coordinator(&entry.text) {
                continue;
            }
            if object.len() == OBJECT_WORDS + TIME_WORDS {
                break;
            }
            has_content |= !entry.class.has(WordClass::STOP);
            object.push((index, entry));
        }
        // "fix this soon", "fix this this year" and "fix this eventually" are one desire.
        let texts: Vec<&str> = object.iter().map(|(_, e)| &*e.text).collect();
        object.truncate((object.len() - time_tail(&texts)).min(OBJECT_WORDS));
        let content = || object.iter().filter(|(_, e)| !e.class.has(WordClass::STOP));
        // The object ends at its last content word, plus the pronoun or particle completing
        // the verb: "figure this out", "fix it", "get this sorted" (not "figure").
        let last_content = object
            .iter()
            .rposition(|(_, e)| !e.class.has(WordClass::STOP))?;
        let completing = object[last_content + 1..]
            .iter()
            .take_while(|(_, e)| {
                matches!(
                    &*e.text,
                    "this" | "it" | "that" | "them" | "out" | "up" | "off" | "down" | "back"
                )
            })
            .count();
        let end = object[last_content + completing].0;
        let key: Vec<&str> = content().take(KEY_WORDS).map(|(_, e)| &*e.stem).collect();
        if desire && !self.plausible_desire(hit, end) {
            return None;
        }
        Some((self.words_between(hit.first, end), key.join(" ")))
    }

    /// Whether a desire reads as an outcome the prospect wants. Hopes about the offer itself
    /// ("I hope something like this can help") are not outcomes, and weak triggers ("trying
    /// to", "looking to", "planning to") only count before a goal verb ("trying to grow"), not
    /// before a situation ("trying to sell the house", "I'll try to make it").
    fn plausible_desire(&self, hit: &Hit, end: u32) -> bool {
        let words = self.word_list(hit.first, end);
        if hopes_about_the_offer(&words) {
            return false;
        }
        let Some(to) = words.iter().position(|w| *w == "to") else {
            return true;
        };
        let trigger = &words[..to];
        let verb = words.get(to + 1).copied();
        if verb.is_some_and(|v| NOT_OUTCOME_VERBS.contains(&v)) {
            // "I'd like to see case studies", "I want to think about it": asks and hedges.
            return false;
        }
        let weak = trigger.iter().any(|w| {
            matches!(
                *w,
                "try" | "trying" | "tried" | "looking" | "planning" | "aiming"
            )
        });
        !weak || verb.is_some_and(|v| GOAL_VERBS.contains(&v))
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
        self.word_list(first, last).join(" ")
    }

    /// The normalised words from token `first` to `last`, fillers dropped.
    fn word_list(&self, first: u32, last: u32) -> Vec<&'a str> {
        let document = self.document;
        (first..=last)
            .filter_map(|i| {
                let token = &document.tokens[i as usize];
                (!token.disfluent)
                    .then(|| document.word(token))
                    .flatten()
                    .map(|e| &*e.text)
            })
            .collect()
    }

    /// The words of a sentence next to tokens `first..=last`: up to `count` words after
    /// (`after`) or before, fillers skipped, stopping at a clause boundary.
    fn neighbours(
        &self,
        sentence: &Sentence,
        first: u32,
        last: u32,
        after: bool,
        count: usize,
    ) -> Vec<&'a str> {
        let document = self.document;
        let indices: Box<dyn Iterator<Item = u32>> = if after {
            Box::new(last + 1..sentence.tokens.end)
        } else {
            Box::new((sentence.tokens.start..first).rev())
        };
        let mut out = Vec::with_capacity(count);
        for index in indices {
            let token = &document.tokens[index as usize];
            if token.disfluent {
                continue;
            }
            if is_clause_boundary(document, token) {
                break;
            }
            if let Some(entry) = document.word(token) {
                out.push(&*entry.text);
                if out.len() == count {
                    break;
                }
            }
        }
        out
    }

    /// Whether a category word at `first..=last` describes the prospect's own business or the
    /// client's offer rather than an alternative: "a small consulting business", "we serve
    /// coaching clients", "the one to one coaching program", "the ads package", "SDR as a
    /// service", "our software". Named alternatives keep their article: "a coaching program we
    /// tried", "our current agency".
    fn own_business_or_offer(&self, sentence: &Sentence, first: u32, last: u32) -> bool {
        let next = self.neighbours(sentence, first, last, true, 3);
        let before = self.neighbours(sentence, first, last, false, 4);
        if next.first().is_some_and(|w| SELF_HEADS.contains(w)) {
            return true;
        }
        let offer_head = next.first().is_some_and(|w| OFFER_HEADS.contains(w))
            || next.starts_with(&["as", "a", "service"]);
        if offer_head {
            // "a coaching program" may be one they tried; "the/your/this … program" is the offer.
            let indefinite = before
                .iter()
                .take_while(|w| !matches!(**w, "the" | "your" | "this" | "that" | "y'all's"))
                .any(|w| matches!(*w, "a" | "an" | "another" | "other" | "some" | "any"));
            return !indefinite;
        }
        // "our software", "your coaching" (possessive right before, modifiers allowed).
        for word in before.iter().take(3) {
            match *word {
                "current" | "existing" | "old" | "previous" | "last" | "other" | "former" => {
                    return false;
                }
                "my" | "our" | "your" => return true,
                _ => {}
            }
        }
        false
    }

    /// Records a category word at `span` as an alternative when the prospect weighs it as one
    /// ("we hired an agency"), never their own business ("I've been running the agency") or
    /// the offer; later items of a weighed list ("an agency, paid ads, or …") count too unless
    /// definite ("the agency"). Returns whether it was recorded.
    fn category_mention(
        &mut self,
        sentence: &Sentence,
        (first, last): (u32, u32),
        cue: &str,
        weighed_in_sentence: &mut bool,
    ) -> bool {
        let weighed = match self.alternative_framing(sentence, first, last) {
            Framing::Weighed => true,
            Framing::Bare => *weighed_in_sentence,
            Framing::Not => false,
        };
        if !weighed
            || self.competitors.len() >= MAX_FINDINGS
            || self.own_business_or_offer(sentence, first, last)
        {
            return false;
        }
        *weighed_in_sentence = true;
        self.competitors.push(CompetitorMention {
            name: self.analyzer.category_name(cue),
            said: self.said(sentence, first, last),
            kind: MentionKind::Alternative,
            quote: self.quote(sentence),
        });
        true
    }

    /// Whether a category word at `first..=last` is framed as an alternative the prospect
    /// weighs: with an indefinite or "other" determiner ("an agency", "another agency", "some
    /// consultants"), as a previous provider ("our last agency", "the agency we hired"), or
    /// after a verb or word of trying, hiring, using or comparing ("we tried paid ads", "compared
    /// to", "instead of"). Not: describing themselves ("we're a small agency", "an agency like
    /// ours") or a definite mention with no such word ("running the agency", "at the agency I
    /// work").
    fn alternative_framing(&self, sentence: &Sentence, first: u32, last: u32) -> Framing {
        let before = self.neighbours(sentence, first, last, false, 6);
        let after = self.neighbours(sentence, first, last, true, 4);
        // "an agency like ours", "coaches like me".
        if after.first().is_some_and(|w| *w == "like")
            && after
                .get(1)
                .is_some_and(|w| matches!(*w, "ours" | "mine" | "me" | "us"))
            || after.starts_with(&["our", "size"])
        {
            return Framing::Not;
        }
        // "the agency we hired", "the SDRs that we tried".
        let relative = after
            .iter()
            .skip_while(|w| matches!(**w, "that" | "who" | "which"))
            .take(3)
            .collect::<Vec<_>>();
        if relative
            .first()
            .is_some_and(|w| matches!(**w, "we" | "i" | "they"))
            && relative[1..]
                .iter()
                .any(|w| TRIED_VERBS.contains(*w) || matches!(**w, "had" | "have"))
        {
            return Framing::Weighed;
        }
        // "each bad SDR hire": one they hired.
        if after
            .first()
            .is_some_and(|w| matches!(*w, "hire" | "hires"))
        {
            return Framing::Weighed;
        }
        // Nearest word first: a framing word or a determiner decides; modifiers are skipped.
        for (i, word) in before.iter().enumerate() {
            let framing = TRIED_VERBS.contains(word)
                || COMPARING.contains(word)
                || matches!(
                    *word,
                    "options" | "option" | "alternatives" | "already" | "burned"
                );
            let with_verb = *word == "with"
                && before.get(i + 1).is_some_and(|v| {
                    matches!(
                        *v,
                        "went"
                            | "go"
                            | "going"
                            | "work"
                            | "worked"
                            | "working"
                            | "stick"
                            | "stuck"
                            | "signed"
                            | "partnered"
                    )
                });
            if framing || with_verb {
                return Framing::Weighed;
            }
            match *word {
                "a" | "an" | "another" | "other" | "others" | "some" | "any" | "one" | "few"
                | "several" | "different" | "cheaper" => {
                    return if describes_self(&before[i + 1..]) {
                        Framing::Not
                    } else {
                        Framing::Weighed
                    };
                }
                "current" | "existing" | "old" | "previous" | "last" | "former" | "past" => {
                    return Framing::Weighed;
                }
                "the" | "this" | "that" | "these" | "those" | "my" | "our" | "his" | "her"
                | "their" => {
                    // "compared to the agency", "instead of the consultant".
                    let strong = before[i + 1..]
                        .iter()
                        .take(2)
                        .any(|w| COMPARING.contains(w) || matches!(*w, "fired" | "left"));
                    return if strong {
                        Framing::Weighed
                    } else {
                        Framing::Not
                    };
                }
                _ => {}
            }
        }
        Framing::Bare
    }

    /// How a lexicon hit on a competitor's name counts: listed when the words are the name (a
    /// plural or possessive allowed), fuzzy when only close, `None` when it is not a mention.
    fn listed_or_fuzzy(&self, sentence: &Sentence, hit: &Hit, name: &str) -> Option<MentionKind> {
        let said = self.words_between(hit.first, hit.last);
        let name = crate::text::normalize(name);
        let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
        let base = said
            .strip_suffix("'s")
            .or_else(|| said.strip_suffix("s'"))
            .or_else(|| said.strip_suffix('s'))
            .unwrap_or(&said);
        if said == name || base == name {
            return Some(MentionKind::Listed);
        }
        let words: Vec<&str> = said.split(' ').collect();
        let close = super::names::spells(&words, &name);
        (close && !self.own_business_or_offer(sentence, hit.first, hit.last))
            .then_some(MentionKind::Fuzzy)
    }

    /// Near-miss spellings of the client's competitors: runs of words that, joined, spell a
    /// whole name with a typo or two ("betterupp", "better up"), never an ordinary word
    /// (see `names`), nor a run inside an exact hit, a brand name or the prospect's own business.
    fn fuzzy_competitors(&mut self, sentence: &Sentence, exact: &[(u32, u32)]) -> u32 {
        let analyzer = self.analyzer;
        let document = self.document;
        let max_words = analyzer.fuzzy_names.max_words();
        let mut found = 0;
        let mut next_free = sentence.tokens.start;
        for start in sentence.tokens.clone() {
            if start < next_free {
                continue;
            }
            // The run's words: consecutive fluent words, no clause boundary, no exact hit.
            let mut run: Vec<(u32, &str)> = Vec::with_capacity(max_words);
            for index in start..sentence.tokens.end {
                let token = document.tokens[index as usize];
                if token.disfluent && !run.is_empty() {
                    continue;
                }
                if token.disfluent
                    || token.kind != TokenKind::Word
                    || is_clause_boundary(document, &token)
                    || exact.iter().any(|&(a, b)| (a..=b).contains(&index))
                {
                    break;
                }
                let text = &*document.vocabulary.get(token.word).text;
                if analyzer.is_brand_word(text) {
                    break;
                }
                run.push((index, text));
                if run.len() == max_words {
                    break;
                }
            }
            let mut best: Option<(u16, usize, u32)> = None;
            let mut parts: Vec<&str> = Vec::with_capacity(run.len());
            for (length, &(index, text)) in run.iter().enumerate() {
                parts.push(text);
                let closest = if length == 0 {
                    let word = document.tokens[index as usize].word;
                    *self
                        .fuzzy
                        .entry(word)
                        .or_insert_with(|| analyzer.fuzzy_names.closest(&parts))
                } else {
                    analyzer.fuzzy_names.closest(&parts)
                };
                if let Some((competitor, typos)) = closest
                    && best.is_none_or(|(_, fewest, _)| typos < fewest)
                {
                    best = Some((competitor, typos, index));
                }
            }
            let Some((competitor, _, last)) = best else {
                continue;
            };
            // A near-miss spelling is a guess: never on the prospect's own business or the offer.
            if self.competitors.len() >= MAX_FINDINGS
                || self.own_business_or_offer(sentence, start, last)
            {
                continue;
            }
            next_free = last + 1;
            found += 1;
            self.competitors.push(CompetitorMention {
                name: analyzer.config.competitors[competitor as usize]
                    .trim()
                    .to_owned(),
                said: self.said(sentence, start, last),
                kind: MentionKind::Fuzzy,
                quote: self.quote(sentence),
            });
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

/// How a category word is framed (see `Pass::alternative_framing`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Framing {
    /// Weighed as an alternative.
    Weighed,
    /// No determiner and no framing word: an alternative only in a sentence that already
    /// weighs one ("paid ads, cold calling, or doing nothing").
    Bare,
    /// The prospect's own business, or a definite mention with nothing framing it.
    Not,
}

/// Verbs of trying, hiring, using, paying for or switching to something.
const TRIED_VERBS: &[&str] = &[
    "tried",
    "try",
    "trying",
    "tries",
    "tested",
    "testing",
    "hired",
    "hire",
    "hiring",
    "hires",
    "used",
    "use",
    "using",
    "uses",
    "considered",
    "considering",
    "consider",
    "looked",
    "looking",
    "switched",
    "switch",
    "switching",
    "outsource",
    "outsourced",
    "outsourcing",
    "spent",
    "spend",
    "spending",
    "wasted",
    "paid",
    "pay",
    "paying",
    "fired",
    "recommended",
    "suggested",
];

/// Words of comparison that frame what follows as an alternative.
const COMPARING: &[&str] = &[
    "compared",
    "comparing",
    "compare",
    "versus",
    "vs",
    "instead",
    "rather",
    "than",
    "opposed",
    "between",
];

/// Whether the words before an indefinite article (nearest first) make the phrase describe the
/// speaker: "we're a small agency", "I run an agency", "it is just a consultancy".
fn describes_self(before: &[&str]) -> bool {
    let mut words = before
        .iter()
        .copied()
        .skip_while(|w| matches!(*w, "just" | "basically" | "really" | "only" | "actually"));
    match words.next() {
        Some(
            "we're" | "i'm" | "it's" | "run" | "runs" | "running" | "own" | "owns" | "started"
            | "founded" | "built" | "operate",
        ) => true,
        Some("are" | "am" | "is") => {
            matches!(words.next(), Some("we" | "i" | "it" | "mine" | "ours"))
        }
        _ => false,
    }
}

/// Nouns that, right after a category word, make it describe the prospect's own business or
/// market ("consulting business", "coaching clients", "the agency space").
const SELF_HEADS: &[&str] = &[
    "business",
    "businesses",
    "clients",
    "customers",
    "patients",
    "students",
    "members",
    "niche",
    "space",
    "industry",
    "background",
    "world",
    "practice",
    "owners",
    "owner",
    "side",
];

/// Nouns that, right after a category word, name a product ("coaching program", "ads package").
const OFFER_HEADS: &[&str] = &[
    "program",
    "programme",
    "programs",
    "package",
    "packages",
    "plan",
    "plans",
    "offer",
    "offering",
    "membership",
    "session",
    "sessions",
    "retainer",
    "bundle",
    "tier",
    "call",
    "calls",
];

/// Words that open a subordinate or new clause wherever they stand.
fn is_clause_opener(word: &str) -> bool {
    matches!(
        word,
        "because"
            | "cause"
            | "'cause"
            | "since"
            | "while"
            | "unless"
            | "whereas"
            | "which"
            | "who"
            | "whoever"
            | "whatever"
            | "then"
            | "plus"
            | "although"
            | "though"
    )
}

fn is_coordinator(word: &str) -> bool {
    matches!(word, "and" | "or" | "so")
}

/// Words that, after "and" / "or" / "so", start a new clause rather than continue a list
/// ("more leads and the right patients" is rare next to "sell and the inspector flagged it").
fn opens_clause(word: &str) -> bool {
    is_new_subject(word)
        || matches!(
            word,
            "the"
                | "a"
                | "an"
                | "it"
                | "this"
                | "that"
                | "these"
                | "those"
                | "my"
                | "our"
                | "their"
                | "his"
                | "her"
                | "then"
                | "now"
                | "he's"
                | "she's"
                | "i've"
                | "we've"
                | "i'd"
                | "we'd"
                | "i'll"
                | "we'll"
                | "there"
                | "honestly"
        )
}

/// Verbs after a weak desire trigger ("trying to", "looking to") that name a goal.
const GOAL_VERBS: &[&str] = &[
    "get",
    "grow",
    "scale",
    "fix",
    "hit",
    "reach",
    "build",
    "double",
    "triple",
    "increase",
    "reduce",
    "cut",
    "improve",
    "fill",
    "land",
    "add",
    "hire",
    "stop",
    "figure",
    "sort",
    "find",
    "bring",
    "break",
    "launch",
    "expand",
    "free",
    "save",
    "boost",
    "win",
    "close",
    "convert",
    "book",
    "attract",
    "generate",
    "lower",
    "raise",
    "replace",
    "automate",
    "streamline",
];

/// Verbs after "want to" / "I'd like to" that ask for information or defer, not outcomes.
const NOT_OUTCOME_VERBS: &[&str] = &[
    "see",
    "talk",
    "speak",
    "ask",
    "know",
    "hear",
    "think",
    "check",
    "run",
    "look",
    "sleep",
    "discuss",
    "chat",
    "understand",
    "learn",
    "try",
    "say",
    "mention",
    "clarify",
    "confirm",
    "jump",
    "circle",
    "touch",
    "share",
    "show",
    "tell",
    "walk",
    "start",
    "move",
    "sign",
    "wait",
    "hold",
];

/// "I hope something like this can help", "I wish you could": a hope about the offer or the
/// vendor, not an outcome the prospect wants.
fn hopes_about_the_offer(words: &[&str]) -> bool {
    let Some(at) = words
        .iter()
        .position(|w| matches!(*w, "hope" | "hoping" | "wish" | "hopefully"))
    else {
        return false;
    };
    let rest = &words[at + 1..];
    let rest = rest.strip_prefix(&["that"][..]).unwrap_or(rest);
    matches!(
        rest.first().copied(),
        Some("this" | "that" | "it" | "you" | "your" | "something" | "y'all" | "these" | "they")
    )
}

/// How many words at the end of an object only say when ("soon", "eventually", "right now",
/// "this year", "by the end of the quarter", "in the next few months"): they are dropped from
/// the phrase and the key, so desires that differ only in time are one desire.
fn time_tail(words: &[&str]) -> usize {
    let mut end = words.len();
    let last = |end: usize| end.checked_sub(1).map(|i| words[i]);
    match last(end) {
        Some(
            "soon" | "eventually" | "asap" | "quickly" | "someday" | "sometime" | "later" | "now"
            | "today" | "tomorrow" | "anytime" | "yesterday",
        ) => {
            end -= 1;
            if matches!(
                last(end),
                Some("right" | "pretty" | "very" | "really" | "real" | "fairly")
            ) {
                end -= 1;
            }
        }
        Some(
            "year" | "years" | "quarter" | "quarters" | "month" | "months" | "week" | "weeks"
            | "summer" | "winter" | "spring" | "fall" | "autumn" | "season" | "weekend",
        ) => {
            end -= 1;
            let mut determiners = 0;
            while determiners < 4
                && match last(end) {
                    Some("this" | "next" | "the" | "that" | "few" | "couple" | "coming") => true,
                    // "the next couple of | months"
                    Some("of") => end >= 2 && words[end - 2] == "couple",
                    _ => false,
                }
            {
                end -= 1;
                determiners += 1;
            }
            // "by the end of | the quarter", "before the start of | next year".
            if end >= 2
                && last(end) == Some("of")
                && matches!(words[end - 2], "end" | "start" | "beginning" | "middle")
            {
                end -= 2;
                if last(end) == Some("the") {
                    end -= 1;
                }
            }
            if matches!(
                last(end),
                Some(
                    "by" | "before" | "within" | "in" | "for" | "over" | "during" | "until" | "at"
                )
            ) {
                end -= 1;
            }
            if determiners == 0 && end + 1 == words.len() {
                // A bare noun or a rate ("thirty new patients a month") is not a time.
                return 0;
            }
        }
        _ => {}
    }
    words.len() - end
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
