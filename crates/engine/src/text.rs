//! Shared preprocessing for every analysis (methods §2.1).
//!
//! - [`normalize`]: an NFKC subset (curly quotes, dashes, full-width forms, ligatures, exotic
//!   spaces), then lowercase; apostrophes restored in unambiguous ASR contractions ("dont").
//! - [`Document`]: tokens with byte offsets into the original turn text (every hit maps back to
//!   an exact quote), sentences that cope with unpunctuated speech, ASR-robust question
//!   detection, disfluencies (fillers, tags, repetitions) marked rather than removed, negation
//!   cues marked in context, and a per-document vocabulary with Snowball stems (for matching
//!   and counting only; never displayed).
//! - [`WordClass`]: stopwords, conversational fillers, negations, question words, pronouns.

mod document;
mod lexicon;
mod normalize;
mod tokenize;
mod words;

pub use document::{
    Document, NO_WORD, Sentence, Token, TurnText, Vocabulary, WordEntry, WordId, stem, stem_line,
};
pub use lexicon::{
    Hit, Lexicon, LexiconError, MatchScratch, Pattern, Section, expand, match_form, parse_sections,
};
pub use normalize::normalize;
pub use tokenize::{Punct, TokenKind};
pub use words::{WordClass, classify};
