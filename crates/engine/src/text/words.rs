//! Closed word classes: stopwords, conversational fillers, negations, question words, pronouns.
//!
//! These are function words, so a fixed list is the right tool (unlike the cue lexicons, which
//! are data a client can extend). Every entry is lowercase and apostrophe-folded (`'`).

use rustc_hash::FxHashMap;
use std::sync::LazyLock;

/// Bit flags describing a word (a token's normalised form).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WordClass(u16);

impl WordClass {
    /// A function word: never starts or ends a mined phrase, ignored by key phrases.
    pub const STOP: WordClass = WordClass(1);
    /// A hesitation sound (`um`, `uh`): dropped from matching and mining, kept in quotes.
    pub const FILLER: WordClass = WordClass(1 << 1);
    /// A discourse marker (`so`, `okay`, `yeah`, `well`): skipped before question detection.
    pub const DISCOURSE: WordClass = WordClass(1 << 2);
    /// A negation cue (`not`, `no`, `never`, any `n't` form, `without`).
    pub const NEGATION: WordClass = WordClass(1 << 3);
    /// A wh-word that can open a question.
    pub const WH: WordClass = WordClass(1 << 4);
    /// An auxiliary verb that can open an inverted question (`do`, `can`, `is`, …).
    pub const AUX: WordClass = WordClass(1 << 5);
    /// A subject pronoun or determiner that follows an inverted auxiliary (`you`, `we`, `it`).
    pub const SUBJECT: WordClass = WordClass(1 << 6);
    /// Second person (`you`, `your`, `you're`, …): the strongest rep cue (§2.8).
    pub const SECOND_PERSON: WordClass = WordClass(1 << 7);
    /// A clause boundary word for negation scope (`but`, `however`, `although`).
    pub const CLAUSE_BREAK: WordClass = WordClass(1 << 8);
    /// A stopword that may still start or end a mined phrase ("out of budget", "no shows",
    /// "too expensive", "not the right time"): particles, negations and degree words.
    pub const PHRASE_EDGE: WordClass = WordClass(1 << 9);

    /// The empty set.
    pub const NONE: WordClass = WordClass(0);

    /// Whether every flag of `other` is set.
    pub fn has(self, other: WordClass) -> bool {
        self.0 & other.0 == other.0
    }

    /// Whether any flag of `other` is set.
    pub fn any(self, other: WordClass) -> bool {
        self.0 & other.0 != 0
    }

    /// Union.
    pub fn with(self, other: WordClass) -> WordClass {
        WordClass(self.0 | other.0)
    }
}

/// Function words (articles, pronouns, auxiliaries, prepositions, conjunctions) and the
/// conversational fillers of §2.2 ("yeah, okay, right, kind of, sort of, i mean, you know,
/// gonna, wanna, actually, basically, literally, just, really, pretty").
const STOPWORDS: &[&str] = &[
    "a",
    "about",
    "above",
    "actually",
    "after",
    "again",
    "against",
    "ah",
    "all",
    "alright",
    "also",
    "am",
    "an",
    "and",
    "any",
    "anyway",
    "anyways",
    "are",
    "aren't",
    "around",
    "as",
    "at",
    "aw",
    "back",
    "basically",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "can't",
    "cannot",
    "could",
    "couldn't",
    "did",
    "didn't",
    "do",
    "does",
    "doesn't",
    "doing",
    "don't",
    "down",
    "during",
    "each",
    "either",
    "else",
    "even",
    "ever",
    "every",
    "few",
    "for",
    "from",
    "further",
    "get",
    "gets",
    "getting",
    "going",
    "gonna",
    "got",
    "gotta",
    "guess",
    "guys",
    "had",
    "hadn't",
    "has",
    "hasn't",
    "have",
    "haven't",
    "having",
    "he",
    "he'd",
    "he'll",
    "he's",
    "her",
    "here",
    "here's",
    "hers",
    "herself",
    "hey",
    "hi",
    "him",
    "himself",
    "his",
    "honestly",
    "how",
    "how's",
    "however",
    "i",
    "i'd",
    "i'll",
    "i'm",
    "i've",
    "if",
    "in",
    "into",
    "is",
    "isn't",
    "it",
    "it'd",
    "it'll",
    "it's",
    "its",
    "itself",
    "just",
    "kind",
    "kinda",
    "know",
    "let",
    "let's",
    "like",
    "literally",
    "lot",
    "lots",
    "maybe",
    "me",
    "mean",
    "might",
    "mine",
    "more",
    "most",
    "much",
    "must",
    "mustn't",
    "my",
    "myself",
    "need",
    "needs",
    "never",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "off",
    "oh",
    "ok",
    "okay",
    "on",
    "once",
    "one",
    "only",
    "or",
    "other",
    "others",
    "ought",
    "our",
    "ours",
    "ourselves",
    "out",
    "over",
    "own",
    "pretty",
    "probably",
    "quite",
    "rather",
    "really",
    "right",
    "said",
    "same",
    "say",
    "says",
    "see",
    "shall",
    "shan't",
    "she",
    "she'd",
    "she'll",
    "she's",
    "should",
    "shouldn't",
    "so",
    "some",
    "something",
    "sort",
    "sorta",
    "still",
    "stuff",
    "such",
    "sure",
    "than",
    "that",
    "that'll",
    "that's",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "there's",
    "these",
    "they",
    "they'd",
    "they'll",
    "they're",
    "they've",
    "thing",
    "things",
    "think",
    "this",
    "those",
    "though",
    "through",
    "to",
    "too",
    "totally",
    "uh",
    "um",
    "under",
    "until",
    "up",
    "us",
    "very",
    "wanna",
    "was",
    "wasn't",
    "way",
    "we",
    "we'd",
    "we'll",
    "we're",
    "we've",
    "well",
    "were",
    "weren't",
    "what",
    "what's",
    "whatever",
    "when",
    "when's",
    "where",
    "where's",
    "whether",
    "which",
    "while",
    "who",
    "who's",
    "whom",
    "why",
    "why's",
    "will",
    "with",
    "won't",
    "would",
    "wouldn't",
    "yeah",
    "yep",
    "yes",
    "yet",
    "you",
    "you'd",
    "you'll",
    "you're",
    "you've",
    "your",
    "yours",
    "yourself",
    "yourselves",
    "yup",
];

/// Hesitations and backchannels: dropped from matching and mining (§2.1).
const FILLERS: &[&str] = &[
    "um", "umm", "uh", "uhh", "uhm", "er", "erm", "ah", "ahh", "hmm", "hm", "mm", "mmm", "mhm",
    "mm-hmm", "uh-huh", "uh-uh", "huh",
];

/// Discourse markers skipped when looking for the first word of a question.
const DISCOURSE: &[&str] = &[
    "so",
    "and",
    "but",
    "okay",
    "ok",
    "well",
    "yeah",
    "yes",
    "oh",
    "hey",
    "like",
    "then",
    "also",
    "alright",
    "right",
    "now",
    "anyway",
    "anyways",
    "just",
    "actually",
    "honestly",
    "basically",
    "sorry",
    "cool",
    "great",
    "sure",
    "gotcha",
    "got",
    "it",
    "yep",
    "yup",
    "no",
    "wait",
    "hmm",
    "and",
    "or",
    "because",
    "cause",
];

const NEGATIONS: &[&str] = &[
    "not",
    "no",
    "never",
    "without",
    "hardly",
    "barely",
    "nothing",
    "none",
    "nobody",
    "neither",
    "nor",
    "cannot",
    "nope",
    "nah",
    "isn't",
    "aren't",
    "wasn't",
    "weren't",
    "don't",
    "doesn't",
    "didn't",
    "can't",
    "couldn't",
    "won't",
    "wouldn't",
    "shouldn't",
    "haven't",
    "hasn't",
    "hadn't",
    "mustn't",
    "ain't",
    "shan't",
];

const WH_WORDS: &[&str] = &[
    "what", "what's", "whats", "how", "how's", "when", "when's", "where", "where's", "why",
    "why's", "who", "who's", "which", "whose",
];

const AUXILIARIES: &[&str] = &[
    "is",
    "are",
    "am",
    "was",
    "were",
    "do",
    "does",
    "did",
    "can",
    "could",
    "would",
    "will",
    "should",
    "shall",
    "may",
    "might",
    "have",
    "has",
    "had",
    "isn't",
    "aren't",
    "don't",
    "doesn't",
    "didn't",
    "can't",
    "couldn't",
    "wouldn't",
    "won't",
    "shouldn't",
    "haven't",
    "hasn't",
];

const SUBJECTS: &[&str] = &[
    "i", "you", "we", "they", "he", "she", "it", "there", "this", "that", "these", "those", "your",
    "my", "our", "their", "y'all", "anyone", "anybody", "someone", "somebody", "the",
];

const SECOND_PERSON: &[&str] = &[
    "you",
    "your",
    "yours",
    "yourself",
    "yourselves",
    "you're",
    "you've",
    "you'll",
    "you'd",
    "ya",
    "y'all",
];

const CLAUSE_BREAKS: &[&str] = &[
    "but", "however", "although", "though", "except", "yet", "whereas",
];

const PHRASE_EDGES: &[&str] = &[
    "out", "off", "up", "down", "back", "over", "no", "not", "never", "too", "more", "less",
    "enough", "own", "lot", "much",
];

static CLASSES: LazyLock<FxHashMap<&'static str, WordClass>> = LazyLock::new(|| {
    let mut map: FxHashMap<&'static str, WordClass> = FxHashMap::default();
    let lists: [(&[&str], WordClass); 10] = [
        (STOPWORDS, WordClass::STOP),
        (FILLERS, WordClass::FILLER.with(WordClass::STOP)),
        (DISCOURSE, WordClass::DISCOURSE),
        (NEGATIONS, WordClass::NEGATION),
        (WH_WORDS, WordClass::WH.with(WordClass::STOP)),
        (AUXILIARIES, WordClass::AUX),
        (SUBJECTS, WordClass::SUBJECT),
        (
            SECOND_PERSON,
            WordClass::SECOND_PERSON.with(WordClass::STOP),
        ),
        (CLAUSE_BREAKS, WordClass::CLAUSE_BREAK),
        (PHRASE_EDGES, WordClass::PHRASE_EDGE),
    ];
    for (words, class) in lists {
        for word in words {
            let entry = map.entry(word).or_default();
            *entry = entry.with(class);
        }
    }
    map
});

/// The class of a normalised word (lowercase, `'` apostrophes). Unknown words are content
/// words: [`WordClass::NONE`].
pub fn classify(word: &str) -> WordClass {
    CLASSES.get(word).copied().unwrap_or(WordClass::NONE)
}

/// Words that follow "no" without negating anything ("no shows", "no doubt").
pub(crate) fn is_pseudo_negation(negation: &str, next: &str) -> bool {
    matches!(
        (negation, next),
        (
            "no",
            "show"
                | "shows"
                | "showed"
                | "doubt"
                | "wonder"
                | "matter"
                | "brainer"
                | "worries"
                | "problem"
                | "kidding"
        ) | ("not", "only" | "just" | "sure" | "bad")
            | ("without", "a")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_combine_across_lists() {
        let dont = classify("don't");
        assert!(dont.has(WordClass::STOP));
        assert!(dont.has(WordClass::NEGATION));
        assert!(dont.has(WordClass::AUX));
        assert!(classify("um").has(WordClass::FILLER));
        assert!(classify("your").has(WordClass::SECOND_PERSON));
        assert!(classify("out").has(WordClass::PHRASE_EDGE));
        assert_eq!(classify("leads"), WordClass::NONE);
    }

    #[test]
    fn no_show_is_not_a_negation() {
        assert!(is_pseudo_negation("no", "shows"));
        assert!(!is_pseudo_negation("no", "budget"));
    }
}
