//! Near-miss spellings of the client's competitor names: typos and speech-to-text splits of the
//! name itself ("betterupp", "better up", "coach excelerator pro"), never an ordinary word that
//! happens to look like it ("better" is not "BetterUp", "vintage" is not "Vistage").
//!
//! A candidate is a run of consecutive words whose letters, joined, spell the whole name with at
//! most [`max_edits`] typos (optimal string alignment distance). A single word must not be an
//! English dictionary word, a word of the built-in lexicon or a stop word; a run of words must
//! not start with a stop word or join into a dictionary word, and a run of ordinary words must
//! spell a short name exactly.

use super::cues::BUILT_IN;
use crate::text::{WordClass, classify, normalize, parse_sections};
use rustc_hash::FxHashSet;
use std::sync::LazyLock;

/// Names shorter than this (letters, spaces removed) are never fuzzy-matched: too many false
/// friends ("Angi" / "angle").
const MIN_CHARS: usize = 5;

/// Common English words, sorted as the file is (a test checks it; looked up by binary search).
static DICTIONARY: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    include_str!("../lexicon/english-words.txt")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .collect()
});

/// Every word of the built-in cue lexicon ("better", "agency", "spreadsheet" …).
static LEXICON_WORDS: LazyLock<FxHashSet<String>> = LazyLock::new(|| {
    parse_sections(BUILT_IN)
        .map(|sections| {
            sections
                .iter()
                .flat_map(|s| &s.phrases)
                .flat_map(|p| p.split_whitespace())
                .map(normalize)
                .collect()
        })
        .unwrap_or_default()
});

/// Typos allowed for a name of `length` letters: one, two from twelve letters on.
fn max_edits(length: usize) -> usize {
    if length >= 12 { 2 } else { 1 }
}

/// Whether a normalised word is ordinary English: in the dictionary (a possessive or plural
/// of one too), a word of the built-in lexicon, or a stop word.
pub(crate) fn is_ordinary_word(word: &str) -> bool {
    let base = word.strip_suffix("'s").unwrap_or(word);
    let in_dictionary = |w: &str| DICTIONARY.binary_search(&w).is_ok();
    in_dictionary(base)
        || base.strip_suffix('s').is_some_and(in_dictionary)
        || LEXICON_WORDS.contains(base)
        || classify(word).has(WordClass::STOP)
}

/// The name's letters without spaces or punctuation, lowercase ("Go High Level" → "gohighlevel").
fn letters(text: &str) -> String {
    normalize(text)
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect()
}

/// The letters a run of words spells, joined ("better", "upp's" → "betterupp"): possessive
/// endings dropped, only letters and digits kept.
fn joined_letters(parts: &[&str]) -> String {
    let Some((last, rest)) = parts.split_last() else {
        return String::new();
    };
    let last = last
        .strip_suffix("'s")
        .or_else(|| last.strip_suffix("s'"))
        .unwrap_or(last);
    rest.iter()
        .copied()
        .chain([last])
        .flat_map(str::chars)
        .filter(|c| c.is_alphanumeric())
        .collect()
}

/// A lower bound of the edit distance between `a` and `b`: the letters of one that the other
/// lacks (counted with repeats), whichever side has more. One insertion, deletion,
/// substitution or transposition closes at most one such letter on each side. 0 (no bound)
/// when either has a non-ASCII character.
fn letter_gap(a: &str, b: &str) -> usize {
    if !a.is_ascii() || !b.is_ascii() {
        return 0;
    }
    let mut balance = [0i32; 128];
    for byte in a.bytes() {
        balance[usize::from(byte)] += 1;
    }
    for byte in b.bytes() {
        balance[usize::from(byte)] -= 1;
    }
    let only_in_a: i32 = balance.iter().filter(|&&n| n > 0).sum();
    let only_in_b: i32 = -balance.iter().filter(|&&n| n < 0).sum::<i32>();
    only_in_a.max(only_in_b) as usize
}

/// How many typos separate a run of words (`joined`: its [`joined_letters`]) from a name
/// (already [`letters`]), when the run is a plausible spelling of it: `None` for ordinary words,
/// a run starting with a stop word, or more typos than [`max_edits`] allows. A plural ending is
/// ignored ("betterupps").
fn typos(parts: &[&str], joined: &str, name: &str) -> Option<usize> {
    let length = name.chars().count();
    let first = parts.first()?;
    if length < MIN_CHARS {
        return None;
    }
    let allowed = max_edits(length);
    if joined.chars().count().abs_diff(length) > allowed {
        return None;
    }
    let singular = joined.strip_suffix('s');
    // A cheap bound first: most runs of the right length share too few letters with the name.
    if letter_gap(joined, name) > allowed
        && singular.is_none_or(|singular| letter_gap(singular, name) > allowed)
    {
        return None;
    }
    let distance = strsim::osa_distance(joined, name);
    let distance = match singular {
        Some(singular) => distance.min(strsim::osa_distance(singular, name)),
        None => distance,
    };
    if distance > allowed {
        return None;
    }
    let plausible = if parts.len() == 1 {
        !is_ordinary_word(first)
    } else {
        // The exact name split ("better up") is the name; a typo made of ordinary words is
        // only taken for a long name ("dental grow partners"), never a short one ("better cup").
        !classify(first).has(WordClass::STOP)
            && !is_ordinary_word(joined)
            && (distance == 0 || allowed > 1 || !parts.iter().all(|p| is_ordinary_word(p)))
    };
    plausible.then_some(distance)
}

/// Whether words said at a lexicon hit spell `name` closely enough to count as a fuzzy mention.
pub(crate) fn spells(said: &[&str], name: &str) -> bool {
    typos(said, &joined_letters(said), &letters(name)).is_some()
}

/// The client's competitor names prepared for near-miss matching.
#[derive(Debug, Clone, Default)]
pub(crate) struct FuzzyNames {
    /// (letters of the name, its word count, index into the competitor list).
    names: Vec<(String, usize, u16)>,
}

impl FuzzyNames {
    pub(crate) fn new(competitors: &[String]) -> FuzzyNames {
        FuzzyNames {
            names: competitors
                .iter()
                .enumerate()
                .map(|(index, name)| (letters(name), name.split_whitespace().count(), index as u16))
                .filter(|(name, _, _)| name.chars().count() >= MIN_CHARS)
                .collect(),
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// The longest run of words worth comparing: a name's words plus one speech-to-text split.
    pub(crate) fn max_words(&self) -> usize {
        self.names.iter().map(|n| n.1 + 1).max().unwrap_or(0)
    }

    /// The competitor (index into the config list) that a run of normalised words spells, with
    /// the number of typos; the fewest typos win, then the earlier name.
    pub(crate) fn closest(&self, parts: &[&str]) -> Option<(u16, usize)> {
        let joined = joined_letters(parts);
        self.names
            .iter()
            .filter(|(_, words, _)| parts.len() <= words + 1)
            .filter_map(|(name, _, index)| typos(parts, &joined, name).map(|d| (*index, d)))
            .min_by_key(|&(index, distance)| (distance, index))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> FuzzyNames {
        FuzzyNames::new(&["BetterUp".into(), "Vistage".into(), "Angi".into()])
    }

    #[test]
    fn the_letter_gap_never_exceeds_the_edit_distance() {
        let words = [
            "betterup",
            "betterupp",
            "bettreup",
            "vistage",
            "vistaeg",
            "agency",
            "better",
            "",
            "mindvalley",
            "mindvally",
            "abc",
            "cab",
            "zzz",
            "betterups",
        ];
        for a in words {
            for b in words {
                assert!(
                    letter_gap(a, b) <= strsim::osa_distance(a, b),
                    "{a} / {b}: gap {} > distance {}",
                    letter_gap(a, b),
                    strsim::osa_distance(a, b)
                );
            }
        }
        assert_eq!(letter_gap("betterup", "vistage"), 6);
        assert_eq!(letter_gap("bettreup", "betterup"), 0);
        assert_eq!(letter_gap("café", "cafe"), 0);
    }

    #[test]
    fn the_dictionary_is_sorted_for_binary_search() {
        assert!(DICTIONARY.len() > 10_000);
        assert!(
            DICTIONARY.is_sorted(),
            "sort src/lexicon/english-words.txt (byte order)"
        );
    }

    #[test]
    fn ordinary_words_are_never_names() {
        for word in ["better", "vintage", "betters", "weeks", "agency", "angie"] {
            assert_eq!(names().closest(&[word]), None, "{word}");
        }
        assert_eq!(names().closest(&["the", "tterup"]), None);
        assert!(is_ordinary_word("better") && is_ordinary_word("spreadsheet"));
        assert!(!is_ordinary_word("betterup") && !is_ordinary_word("vistage"));
    }

    #[test]
    fn typos_and_splits_of_the_whole_name_are_names() {
        assert_eq!(names().closest(&["betterupp"]), Some((0, 1)));
        assert_eq!(names().closest(&["better", "up"]), Some((0, 0)));
        assert_eq!(names().closest(&["vistages"]), Some((1, 0)));
        assert_eq!(names().closest(&["vistaje"]), Some((1, 1)));
        // Too far: two typos in an eight-letter name; a typo made of ordinary words.
        assert_eq!(names().closest(&["bettorop"]), None);
        assert_eq!(names().closest(&["bitter", "up"]), None);
        assert_eq!(names().closest(&["better", "cup"]), None);
        assert!(spells(
            &["coach", "excelerator", "pro"],
            "Coach Accelerator Pro"
        ));
        assert!(!spells(&["consulting"], "Consultly"));
    }
}
