//! Per-transcript insights: the prospect's stage of awareness with the quotes that decided it,
//! pains, desires, objections by class, buying signals, competitor and alternative mentions,
//! the prospect's questions, key phrases and talk ratio (methods §2.2, §2.5, §3).
//!
//! Build one [`Analyzer`] per client config (it compiles the lexicons once), then per transcript:
//! [`Analyzer::annotate`] → [`crate::roles::infer`] → [`Analyzer::insights`], or all three at
//! once with [`Analyzer::analyze`].
//!
//! Only prospect turns are analysed (turns of unknown role when no speaker is a prospect, e.g.
//! an unlabeled transcript). Every finding carries the exact sentence it came from.

mod config;
mod cues;
mod extract;
mod language;
mod names;
mod stage;

pub use config::{AnalysisConfig, ConfigError, StageParameters};
pub(crate) use cues::is_generic_alternative;
pub use language::{MAX_PHRASE_WORDS, ProspectLanguage, STORED_SENTENCES, TermUse};

use crate::evidence::Quote;
use crate::roles::{self, RoleHints};
use crate::text::{Document, Hit, Lexicon, MatchScratch, Sentence, TokenKind, WordClass};
use crate::transcript::{AwarenessLevel, Outcome, Role, Transcript};
use cues::{Cue, RepCue};
use serde::{Deserialize, Serialize};

/// Objection classes (methods §2.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ObjectionClass {
    /// Price or budget: "too expensive", "not in the budget".
    Price,
    /// Timing: "not the right time", "next quarter", "let me think about it".
    Timing,
    /// Trust or risk: "how do I know it works", guarantees, case studies, "burned before".
    Trust,
    /// Authority: "I need to run it by my partner".
    Authority,
    /// Need or fit: "we're fine", "not a fit", "we tried that".
    NeedFit,
    /// A competitor or the status quo: "we already have an agency", "doing it in-house".
    Competitor,
}

impl ObjectionClass {
    pub const ALL: [ObjectionClass; 6] = [
        ObjectionClass::Price,
        ObjectionClass::Timing,
        ObjectionClass::Trust,
        ObjectionClass::Authority,
        ObjectionClass::NeedFit,
        ObjectionClass::Competitor,
    ];

    /// The name used in JSON and SQL.
    pub fn as_str(self) -> &'static str {
        match self {
            ObjectionClass::Price => "price",
            ObjectionClass::Timing => "timing",
            ObjectionClass::Trust => "trust",
            ObjectionClass::Authority => "authority",
            ObjectionClass::NeedFit => "need_fit",
            ObjectionClass::Competitor => "competitor",
        }
    }

    /// A label for people.
    pub fn label(self) -> &'static str {
        match self {
            ObjectionClass::Price => "price / budget",
            ObjectionClass::Timing => "timing",
            ObjectionClass::Trust => "trust / risk",
            ObjectionClass::Authority => "authority (someone else decides)",
            ObjectionClass::NeedFit => "need / fit",
            ObjectionClass::Competitor => "competitor or status quo",
        }
    }
}

/// Buying-signal kinds, strongest first: commitment language predicts behaviour, desire
/// language much less (Amrhein et al. 2003).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignalKind {
    /// "let's do it", "send me the agreement", "I'm in".
    Commitment,
    /// Questions about logistics or terms: "how soon can we start", "payment plan".
    Logistics,
    /// Future ownership: "once we get started", "our team would use it".
    Ownership,
    /// Desire: "I'd like that", "sounds great".
    Desire,
}

impl SignalKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SignalKind::Commitment => "commitment",
            SignalKind::Logistics => "logistics",
            SignalKind::Ownership => "ownership",
            SignalKind::Desire => "desire",
        }
    }
}

/// What the rep's last turn did, as context for the prospect's reply (methods §2.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RepAct {
    Question,
    Pitch,
    CommitmentAsk,
    PriceReveal,
}

/// Evidence for a stage: a sentence and the cues in it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StageEvidence {
    pub level: AwarenessLevel,
    /// Weighted cue hits of `level` in this sentence (after position weighting).
    pub weight: f32,
    /// The lexicon phrases that matched.
    pub cues: Vec<String>,
    pub quote: Quote,
}

/// Weighted cue scores per level (methods §3.3 `S_k`, before thresholds).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct StageScores {
    pub problem: f32,
    pub solution: f32,
    pub product: f32,
}

/// The prospect's stage of awareness, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StageAssessment {
    /// The decided stage: the highest stage whose cumulative score passes its threshold.
    pub level: AwarenessLevel,
    /// 0..=1: the probability of `level` under the ordinal logistic model of the scores.
    pub confidence: f32,
    /// The stage from the first part of the prospect's talk (the state they arrived in).
    pub entry_level: AwarenessLevel,
    /// The stage from the last part of the prospect's talk (after the rep's education).
    pub exit_level: AwarenessLevel,
    /// Problem-level with hardly any problem cues: Schwartz's "unaware" (low confidence).
    pub unaware: bool,
    /// Product-level and ready to act (commitment language): Schwartz's "most aware".
    pub most_aware: bool,
    /// Position-weighted cue scores over all of the prospect's talk.
    pub scores: StageScores,
    /// Unweighted cue scores over the entry part of the prospect's talk.
    pub entry_scores: StageScores,
    /// The top sentences for the decided stage, then the best one for the runner-up.
    pub evidence: Vec<StageEvidence>,
}

/// A pain or desire: a trigger and what it is about ("losing leads", "want to scale").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mention {
    /// The words as said, lowercased ("keep losing leads").
    pub phrase: String,
    /// Grouping key: stems of the object's content words (never displayed).
    pub key: String,
    pub quote: Quote,
}

/// An objection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Objection {
    pub class: ObjectionClass,
    /// The lexicon phrase that matched.
    pub cue: String,
    pub quote: Quote,
    /// Set when a context rule made this an objection (a "no" right after a commitment ask).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<RepAct>,
}

/// A buying signal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BuyingSignal {
    pub kind: SignalKind,
    pub weight: f32,
    pub cue: String,
    pub quote: Quote,
}

/// How a competitor or alternative was recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MentionKind {
    /// A name from the client's competitor list, as written.
    Listed,
    /// A near-miss spelling of a listed name (Jaro–Winkler ≥ 0.92).
    Fuzzy,
    /// A solution category or approach ("agency", "hire someone", "in-house").
    Alternative,
}

/// A competitor or alternative the prospect mentioned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompetitorMention {
    /// The canonical name (the config's spelling, or the category phrase).
    pub name: String,
    /// The words as said.
    pub said: String,
    pub kind: MentionKind,
    pub quote: Quote,
}

/// A key phrase of one transcript (RAKE, methods §2.2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeyPhrase {
    pub phrase: String,
    pub score: f32,
    pub count: u32,
}

/// Who talked how much, in words (fillers excluded).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct TalkRatio {
    pub rep_words: u32,
    pub prospect_words: u32,
    pub unknown_words: u32,
    /// Prospect words / all words (0 when there are no words).
    pub prospect_share: f32,
}

/// Everything found in one transcript.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TranscriptInsights {
    /// The caller's id of the transcript (as in every [`Quote::transcript`]).
    pub transcript: String,
    pub outcome: Outcome,
    pub stage: StageAssessment,
    pub pains: Vec<Mention>,
    pub desires: Vec<Mention>,
    pub objections: Vec<Objection>,
    pub buying_signals: Vec<BuyingSignal>,
    /// Sum of buying-signal weights (commitment 3, logistics and ownership 2, desire 1).
    pub buying_signal_score: f32,
    pub competitors: Vec<CompetitorMention>,
    /// The prospect's questions (at most [`MAX_QUESTIONS`]).
    pub questions: Vec<Quote>,
    pub key_phrases: Vec<KeyPhrase>,
    pub talk: TalkRatio,
    /// The prospect's words for batch mining ([`crate::batch`]); not meant for display.
    pub language: ProspectLanguage,
}

/// Caps that keep one pathological transcript from producing unbounded output.
pub const MAX_QUESTIONS: usize = 100;
/// Cap on pains, desires, objections, signals and mentions per transcript (each).
pub const MAX_FINDINGS: usize = 200;

/// A transcript's document plus every lexicon hit, computed once and shared by roles and insights.
#[derive(Debug, Clone)]
pub struct Annotated {
    pub document: Document,
    pub(crate) hits: Vec<AnnotatedHit>,
    /// Per sentence, the range of its hits in `hits`.
    pub(crate) sentence_hits: Vec<(u32, u32)>,
}

/// A hit and whether negation scope cancels it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct AnnotatedHit {
    pub(crate) hit: Hit,
    pub(crate) negated: bool,
}

impl Annotated {
    pub(crate) fn hits_of(&self, sentence: usize) -> &[AnnotatedHit] {
        let (start, end) = self.sentence_hits[sentence];
        &self.hits[start as usize..end as usize]
    }
}

/// The compiled analysis for one client config. Build once, use for many transcripts.
#[derive(Debug, Clone)]
pub struct Analyzer {
    pub(crate) config: AnalysisConfig,
    pub(crate) lexicon: Lexicon<Cue>,
    /// The competitor names, for near-miss spellings.
    pub(crate) fuzzy_names: names::FuzzyNames,
    /// Lowercased words of the client's brand and offer names.
    brand_words: Vec<String>,
    /// The category phrases, lowercased.
    categories: rustc_hash::FxHashSet<String>,
    /// Plural category phrases whose singular is a category too ("sdrs" → "sdr"): one key per
    /// alternative.
    category_singulars: rustc_hash::FxHashMap<String, String>,
}

/// Negation scope: at most this many words before a cue (NegEx).
const NEGATION_WINDOW: usize = 5;

impl Analyzer {
    /// Compiles the built-in lexicons plus the client's names and phrases.
    pub fn new(config: AnalysisConfig) -> Result<Analyzer, ConfigError> {
        config.stage.validate()?;
        let lexicon = cues::compile(&config)?;
        let fuzzy_names = names::FuzzyNames::new(&config.competitors);
        let brand_words = config
            .brand_names
            .iter()
            .flat_map(|name| {
                crate::text::normalize(name)
                    .split_whitespace()
                    .map(str::to_owned)
                    .collect::<Vec<_>>()
            })
            .collect();
        let categories = cues::categories(&config)?;
        let category_singulars = cues::singulars(&categories);
        Ok(Analyzer {
            config,
            lexicon,
            fuzzy_names,
            brand_words,
            categories,
            category_singulars,
        })
    }

    /// The name an alternative is counted under: the singular when the category lists both
    /// ("sdr" for "sdrs", "agency" for "agencies").
    pub(crate) fn category_name(&self, cue: &str) -> String {
        self.category_singulars
            .get(&cue.to_lowercase())
            .cloned()
            .unwrap_or_else(|| cue.to_owned())
    }

    /// Whether a word or phrase is a category ("agency", "paid ads").
    pub(crate) fn is_category(&self, phrase: &str) -> bool {
        self.categories.contains(&phrase.to_lowercase())
    }

    /// The config this analyzer was built from.
    pub fn config(&self) -> &AnalysisConfig {
        &self.config
    }

    /// Prepares a transcript: tokens, sentences, lexicon hits and their negation scope.
    pub fn annotate(&self, transcript: &Transcript) -> Annotated {
        let document = Document::new(transcript);
        let mut hits = Vec::with_capacity(document.sentences.len());
        let mut sentence_hits = Vec::with_capacity(document.sentences.len());
        let mut scratch = MatchScratch::default();
        let mut found = Vec::new();
        for sentence in &document.sentences {
            found.clear();
            self.lexicon
                .find(&document, sentence, &mut scratch, &mut found);
            let start = hits.len() as u32;
            for (i, hit) in found.iter().enumerate() {
                let negated = (!self.lexicon.pattern(hit.pattern).negated
                    && (negated_before(&document, sentence.tokens.start, hit.first)
                        || self.negated_after(&document, &found[i + 1..], hit)))
                    || self.dangling_in(&document, sentence, hit);
                hits.push(AnnotatedHit { hit: *hit, negated });
            }
            sentence_hits.push((start, hits.len() as u32));
        }
        Annotated {
            document,
            hits,
            sentence_hits,
        }
    }

    /// "I'm in" is a commitment only when it ends the clause ("alright I'm in, send me the
    /// link"), not before a place or a state ("I'm in Nashville", "I'm in the middle of it").
    fn dangling_in(&self, document: &Document, sentence: &Sentence, hit: &Hit) -> bool {
        let pattern = self.lexicon.pattern(hit.pattern);
        if !pattern.cue.ends_with(" in")
            || !pattern.tags.iter().any(|c| {
                matches!(
                    c,
                    Cue::Signal(SignalKind::Commitment, _)
                        | Cue::Stage(cues::StageFamily::MostAware, _)
                )
            })
        {
            return false;
        }
        for token in &document.tokens[hit.last as usize + 1..sentence.tokens.end as usize] {
            if token.disfluent {
                continue;
            }
            if is_clause_boundary(document, token) {
                return false;
            }
            let Some(word) = document.word(token) else {
                continue;
            };
            return !matches!(
                &*word.text,
                "let's"
                    | "send"
                    | "so"
                    | "then"
                    | "sign"
                    | "where"
                    | "how"
                    | "what"
                    | "when"
                    | "okay"
                    | "ok"
                    | "alright"
                    | "yeah"
                    | "yes"
                    | "and"
                    | "count"
                    | "too"
                    | "as"
                    | "honestly"
                    | "definitely"
                    | "i'm"
                    | "we're"
                    | "i'll"
                    | "we'll"
                    | "just"
            );
        }
        false
    }

    /// NegEx post-trigger: a negating predicate within the window after the cue, same clause.
    fn negated_after(&self, document: &Document, later: &[Hit], hit: &Hit) -> bool {
        let Some(post) = later.iter().find(|h| {
            self.lexicon
                .pattern(h.pattern)
                .tags
                .contains(&Cue::PostNegation)
        }) else {
            return false;
        };
        let mut words = 0;
        for token in &document.tokens[hit.last as usize + 1..post.first as usize] {
            if is_clause_boundary(document, token) {
                return false;
            }
            if token.word != crate::text::NO_WORD && !token.disfluent {
                words += 1;
            }
        }
        words < NEGATION_WINDOW
    }

    /// Roles, then insights, for one transcript. Sets speaker and turn roles in `transcript`.
    pub fn analyze(
        &self,
        transcript_id: &str,
        transcript: &mut Transcript,
        hints: &RoleHints,
    ) -> TranscriptInsights {
        let annotated = self.annotate(transcript);
        roles::infer(transcript, &annotated, self, hints).apply(transcript);
        self.insights(transcript_id, transcript, &annotated)
    }

    /// Insights for a transcript whose roles are already set.
    pub fn insights(
        &self,
        transcript_id: &str,
        transcript: &Transcript,
        annotated: &Annotated,
    ) -> TranscriptInsights {
        extract::run(self, transcript_id, transcript, annotated)
    }

    /// Whether a normalised word is part of one of the client's brand or offer names (never a
    /// competitor, however close its spelling).
    pub(crate) fn is_brand_word(&self, word: &str) -> bool {
        self.brand_words.iter().any(|b| b == word)
    }
}

/// Whether a token ends a clause for negation scope (punctuation, "but", "however").
pub(crate) fn is_clause_boundary(document: &Document, token: &crate::text::Token) -> bool {
    match token.kind {
        TokenKind::Punct(_) => true,
        TokenKind::Word => {
            !token.disfluent
                && document
                    .word(token)
                    .is_some_and(|w| w.class.has(WordClass::CLAUSE_BREAK))
        }
        _ => false,
    }
}

/// NegEx pre-trigger: a negation cue within [`NEGATION_WINDOW`] words before the hit, with no
/// clause boundary between.
fn negated_before(document: &Document, sentence_start: u32, first: u32) -> bool {
    let mut words = 0;
    for token in document.tokens[sentence_start as usize..first as usize]
        .iter()
        .rev()
    {
        if is_clause_boundary(document, token) {
            return false;
        }
        if token.word == crate::text::NO_WORD || token.disfluent {
            continue;
        }
        if token.negates {
            return true;
        }
        words += 1;
        if words >= NEGATION_WINDOW {
            return false;
        }
    }
    false
}

/// Which turns are the prospect's side: prospect turns, or unknown-role turns when no turn is a
/// prospect's (unlabeled text).
pub(crate) fn prospect_side(transcript: &Transcript) -> Role {
    if transcript.turns.iter().any(|t| t.role == Role::Prospect) {
        Role::Prospect
    } else {
        Role::Unknown
    }
}

/// Role cues of a hit, for [`crate::roles`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RoleCueKind {
    Agenda,
    Offer,
    Introduction,
    OwnBusiness,
}

impl Analyzer {
    /// The role cue a hit carries, if any.
    pub(crate) fn role_cue(&self, hit: &Hit) -> Option<RoleCueKind> {
        self.lexicon
            .pattern(hit.pattern)
            .tags
            .iter()
            .find_map(|cue| match cue {
                Cue::Rep(RepCue::Agenda) => Some(RoleCueKind::Agenda),
                Cue::Rep(RepCue::Offer) => Some(RoleCueKind::Offer),
                Cue::Rep(RepCue::Introduction) => Some(RoleCueKind::Introduction),
                Cue::ProspectSelf => Some(RoleCueKind::OwnBusiness),
                _ => None,
            })
    }
}

/// Whether a pattern carries a rep cue of this kind.
pub(crate) fn has_rep_cue(analyzer: &Analyzer, hit: &Hit, wanted: RepCue) -> bool {
    analyzer
        .lexicon
        .pattern(hit.pattern)
        .tags
        .contains(&Cue::Rep(wanted))
}

#[cfg(test)]
pub(crate) mod tests;
