//! The brief's evidence, prepared for slots: noun-like phrases and tidied quotes, ranked, each
//! remembering the verbatim [`Quote`] it came from.

use super::brief::{ContentBrief, EvidenceItem, ObjectionClass};
use super::content::HookKind;
use super::phrase::{self, Shape};
use crate::evidence::Quote;

/// Where a piece of slot text came from: the hook it will become if used.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Source {
    pub(crate) kind: HookKind,
    pub(crate) objection_class: Option<ObjectionClass>,
    pub(crate) evidence_phrase: String,
    /// The words put into the copy.
    pub(crate) text: String,
    pub(crate) quote: Quote,
}

/// The brief's evidence, ready for slots. Each list holds indices into `sources`, best first.
#[derive(Debug, Default)]
pub(crate) struct Prepared {
    pub(crate) sources: Vec<Source>,
    pub(crate) pains: Vec<usize>,
    pub(crate) desires: Vec<usize>,
    pub(crate) alternatives: Vec<usize>,
    pub(crate) signals: Vec<usize>,
    /// Buying signals as a question a prospect would ask ("How soon can we start?").
    pub(crate) signal_questions: Vec<usize>,
    pub(crate) phrases: Vec<usize>,
    pub(crate) pain_quotes: Vec<usize>,
    pub(crate) desire_quotes: Vec<usize>,
    pub(crate) cost_quotes: Vec<usize>,
    pub(crate) objection_quotes: Vec<usize>,
    /// Objection classes by how many prospects raised them, each with its best quote (if any).
    pub(crate) objection_classes: Vec<(ObjectionClass, Option<usize>)>,
}

/// How a noun phrase gets its determiner when the speaker's own one is not known.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Determiner {
    /// Leave bare ("slow follow-up").
    Bare,
    /// Add "the" to a bare singular ("the payment plan").
    Definite,
}

/// True when the text uses one of the client's banned words.
fn is_banned(text: &str, banned: &[String]) -> bool {
    banned.iter().any(|word| contains_word(text, word))
}

/// Case-insensitive whole-word (or whole-phrase) search.
pub(crate) fn contains_word(text: &str, word: &str) -> bool {
    let word = word.trim().to_lowercase();
    if word.is_empty() {
        return false;
    }
    let text = text.to_lowercase();
    let mut from = 0;
    while let Some(at) = text[from..].find(&word) {
        let start = from + at;
        let end = start + word.len();
        let before_ok = text[..start]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric());
        let after_ok = text[end..]
            .chars()
            .next()
            .is_none_or(|c| !c.is_alphanumeric());
        if before_ok && after_ok {
            return true;
        }
        from = start + text[start..].chars().next().map_or(1, char::len_utf8);
    }
    false
}

impl Prepared {
    pub(crate) fn new(brief: &ContentBrief, banned: &[String]) -> Prepared {
        let mut prepared = Prepared::default();
        let evidence = &brief.evidence;
        let allowed_names = vec![brief.client.name.clone()];

        let pains = ranked(evidence.pains.iter());
        let desires = ranked(evidence.desires.iter());
        let signals = ranked(evidence.buying_signals.iter());
        let phrases = ranked(evidence.phrases.iter());
        let mut objections: Vec<(ObjectionClass, &EvidenceItem)> = evidence
            .objections
            .iter()
            .map(|o| (o.class, &o.item))
            .collect();
        objections.sort_by_key(|(_, item)| std::cmp::Reverse(item.count));
        objections.truncate(MAX_ITEMS * ObjectionClass::ALL.len());
        // Classes by total count (ties in display order), items by count within a class.
        let class_total = |class: ObjectionClass| -> u64 {
            evidence
                .objections
                .iter()
                .filter(|o| o.class == class)
                .map(|o| u64::from(o.item.count))
                .sum()
        };
        let mut classes: Vec<ObjectionClass> = ObjectionClass::ALL
            .into_iter()
            .filter(|c| objections.iter().any(|(k, _)| k == c))
            .collect();
        classes.sort_by_key(|c| std::cmp::Reverse(class_total(*c)));
        objections.sort_by_key(|(class, item)| {
            (
                classes
                    .iter()
                    .position(|c| c == class)
                    .unwrap_or(usize::MAX),
                std::cmp::Reverse(item.count),
            )
        });

        for item in &pains {
            prepared.push_noun(
                HookKind::Pain,
                None,
                item,
                Determiner::Bare,
                banned,
                Kind::Pain,
            );
        }
        for item in &desires {
            prepared.push_noun(
                HookKind::Desire,
                None,
                item,
                Determiner::Bare,
                banned,
                Kind::Desire,
            );
        }
        for (class, item) in &objections {
            if matches!(class, ObjectionClass::Competitor | ObjectionClass::NeedFit) {
                prepared.push_noun(
                    HookKind::Objection,
                    Some(*class),
                    item,
                    Determiner::Bare,
                    banned,
                    Kind::Alternative,
                );
            }
        }
        for item in &signals {
            prepared.push_noun(
                HookKind::BuyingSignal,
                None,
                item,
                Determiner::Definite,
                banned,
                Kind::Signal,
            );
        }
        for index in prepared.signals.clone() {
            let source = prepared.sources[index].clone();
            let shaped = phrase::shape_phrase(&source.evidence_phrase);
            let question = match shaped.map(|p| p.shape) {
                // The prospect's own question, tidied: "How soon can we start?"
                Some(Shape::EmbeddedQuestion) => {
                    let words = phrase::strip_unsafe_chars(&phrase::fold_typography(
                        &source.evidence_phrase,
                    ));
                    let words = words.trim().trim_end_matches(['?', '.', ' ']);
                    format!("{}?", phrase::capitalize_first(words))
                }
                _ => format!("What about {}?", source.text),
            };
            if !is_banned(&question, banned) {
                prepared.sources.push(Source {
                    text: question,
                    ..source
                });
                prepared.signal_questions.push(prepared.sources.len() - 1);
            }
        }
        for item in &phrases {
            prepared.push_noun(
                HookKind::Phrase,
                None,
                item,
                Determiner::Bare,
                banned,
                Kind::Phrase,
            );
        }
        for item in &pains {
            prepared.push_quote(
                HookKind::Pain,
                None,
                item,
                &allowed_names,
                banned,
                Kind::PainQuote,
            );
            // The first sentence of the item's quotes that puts a number on the loss.
            let cost = usable_quotes(item).find_map(|quote| {
                let folded = phrase::fold_typography(&quote.text);
                phrase::split_sentences(&folded)
                    .into_iter()
                    .find_map(|sentence| {
                        let text = phrase::tidy_quote(sentence, "", &allowed_names)?;
                        let usable = is_quantified(&text)
                            && !is_banned(&text, banned)
                            && !prepared.has_text(&prepared.cost_quotes, &text);
                        usable.then_some((text, quote))
                    })
            });
            if let Some((text, quote)) = cost {
                let index = prepared.push_source(HookKind::Pain, None, item, text, quote);
                prepared.cost_quotes.push(index);
            }
        }
        for item in &desires {
            prepared.push_quote(
                HookKind::Desire,
                None,
                item,
                &allowed_names,
                banned,
                Kind::DesireQuote,
            );
        }
        for (class, item) in &objections {
            prepared.push_quote(
                HookKind::Objection,
                Some(*class),
                item,
                &allowed_names,
                banned,
                Kind::ObjectionQuote,
            );
        }
        for class in classes {
            let best_quote = prepared
                .objection_quotes
                .iter()
                .copied()
                .find(|&i| prepared.sources[i].objection_class == Some(class));
            prepared.objection_classes.push((class, best_quote));
        }
        prepared
    }

    fn push_source(
        &mut self,
        kind: HookKind,
        objection_class: Option<ObjectionClass>,
        item: &EvidenceItem,
        text: String,
        quote: &Quote,
    ) -> usize {
        self.sources.push(Source {
            kind,
            objection_class,
            evidence_phrase: item.phrase.clone(),
            text,
            quote: quote.clone(),
        });
        self.sources.len() - 1
    }

    fn list(&mut self, kind: Kind) -> &mut Vec<usize> {
        match kind {
            Kind::Pain => &mut self.pains,
            Kind::Desire => &mut self.desires,
            Kind::Alternative => &mut self.alternatives,
            Kind::Signal => &mut self.signals,
            Kind::Phrase => &mut self.phrases,
            Kind::PainQuote => &mut self.pain_quotes,
            Kind::DesireQuote => &mut self.desire_quotes,
            Kind::ObjectionQuote => &mut self.objection_quotes,
        }
    }

    fn has_text(&self, list: &[usize], text: &str) -> bool {
        list.iter()
            .any(|&i| self.sources[i].text.eq_ignore_ascii_case(text))
    }

    fn push_noun(
        &mut self,
        kind: HookKind,
        class: Option<ObjectionClass>,
        item: &EvidenceItem,
        determiner: Determiner,
        banned: &[String],
        list: Kind,
    ) {
        if item.phrase.len() > MAX_PHRASE_BYTES {
            return;
        }
        let Some(quote) = item.quotes.first() else {
            return;
        };
        let raw = match list {
            // A desire carries its trigger ("want to …"); copy needs the outcome.
            Kind::Desire => match phrase::desire_outcome(&item.phrase) {
                Some(outcome) => outcome,
                None => return,
            },
            // Every options list already names doing it yourself; and a past deal ("offered
            // us less") is not an option.
            Kind::Alternative if is_diy_or_past_event(&item.phrase) => return,
            _ => item.phrase.clone(),
        };
        let Some(shaped) = phrase::shape_phrase(&raw) else {
            return;
        };
        let text = match shaped.shape {
            Shape::Noun => {
                let quotes = &item.quotes[..item.quotes.len().min(MAX_QUOTES)];
                with_determiner(&shaped.text, &raw, quotes, determiner)
            }
            Shape::EmbeddedQuestion if list == Kind::Signal => shaped.text,
            _ => return,
        };
        let existing = self.list(list).clone();
        if is_banned(&text, banned) || self.has_text(&existing, &text) {
            return;
        }
        let index = self.push_source(kind, class, item, text, quote);
        self.list(list).push(index);
    }

    fn push_quote(
        &mut self,
        kind: HookKind,
        class: Option<ObjectionClass>,
        item: &EvidenceItem,
        allowed_names: &[String],
        banned: &[String],
        list: Kind,
    ) {
        for quote in usable_quotes(item) {
            let Some(text) = phrase::tidy_quote(&quote.text, &item.phrase, allowed_names) else {
                continue;
            };
            let existing = self.list(list).clone();
            if is_banned(&text, banned) || self.has_text(&existing, &text) {
                continue;
            }
            let index = self.push_source(kind, class, item, text, quote);
            self.list(list).push(index);
            return;
        }
    }

    /// How many of the brief's items of a kind could not be used as phrases (for notes).
    pub(crate) fn is_thin(&self) -> bool {
        self.pains.is_empty()
            && self.desires.is_empty()
            && self.signals.is_empty()
            && self.pain_quotes.is_empty()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Pain,
    Desire,
    Alternative,
    Signal,
    Phrase,
    PainQuote,
    DesireQuote,
    ObjectionQuote,
}

/// Items considered per list: copy uses a handful, and a hostile brief with thousands of items
/// must not cost the edge function its CPU budget.
const MAX_ITEMS: usize = 40;

/// A quote's text longer than this is not a quote (it is a whole turn or worse); skipped.
const MAX_QUOTE_BYTES: usize = 4_000;
/// A phrase longer than this is not a phrase; skipped.
const MAX_PHRASE_BYTES: usize = 200;
/// Quotes tried per item.
const MAX_QUOTES: usize = 10;

fn usable_quotes(item: &EvidenceItem) -> impl Iterator<Item = &Quote> {
    item.quotes
        .iter()
        .filter(|q| q.text.len() <= MAX_QUOTE_BYTES)
        .take(MAX_QUOTES)
}

/// Items by count, highest first (the analysis's order breaks ties), at most [`MAX_ITEMS`].
fn ranked<'b>(items: impl Iterator<Item = &'b EvidenceItem>) -> Vec<&'b EvidenceItem> {
    let mut items: Vec<&EvidenceItem> = items.collect();
    items.sort_by_key(|item| std::cmp::Reverse(item.count));
    items.truncate(MAX_ITEMS);
    items
}

/// "doing it ourselves", "do it in-house myself", "offered us less", "quoted me half".
fn is_diy_or_past_event(phrase: &str) -> bool {
    let lower = phrase.to_lowercase();
    let words: Vec<&str> = lower.split_whitespace().collect();
    words
        .iter()
        .any(|w| matches!(*w, "ourselves" | "myself" | "yourself" | "yourselves"))
        || words.first().is_some_and(|first| first.ends_with("ed"))
}

/// Restores the determiner the speaker used before the phrase ("a full calendar", "your
/// calendar"); otherwise applies the slot's default.
fn with_determiner(
    shaped: &str,
    raw_phrase: &str,
    quotes: &[Quote],
    default: Determiner,
) -> String {
    const DETERMINERS: &[&str] = &[
        "a", "an", "the", "my", "our", "your", "their", "more", "some", "any", "this", "that",
        "these", "those", "no", "less", "fewer", "better",
    ];
    // "getting evenings back" was made from "evenings back": the determiner goes after "getting".
    let raw_lower = raw_phrase.trim().to_lowercase();
    let (prefix, core) = match shaped.strip_prefix("getting ") {
        Some(core) if !raw_lower.starts_with("getting") => ("getting ", core),
        _ => ("", shaped),
    };
    let first = core.split(' ').next().unwrap_or_default().to_lowercase();
    if DETERMINERS.contains(&first.as_str()) || first == "to" || first == "not" || first == "no" {
        return shaped.to_owned();
    }
    let needle = phrase::fold_typography(raw_phrase).trim().to_lowercase();
    let spoken = quotes
        .iter()
        .filter(|q| q.text.len() <= MAX_QUOTE_BYTES)
        .find_map(|quote| {
            let text = phrase::fold_typography(&quote.text).to_lowercase();
            let at = text.find(&needle)?;
            let before = text[..at].split_whitespace().next_back()?;
            let before = before.trim_matches(|c: char| !c.is_alphanumeric());
            DETERMINERS.contains(&before).then(|| before.to_owned())
        });
    let determiner = match spoken.as_deref() {
        Some("my" | "our") => Some("your"),
        // The prospect's "your X" is the vendor's X: "the X" from the vendor's side.
        Some("your" | "this" | "that") => Some("the"),
        Some(other) => Some(other),
        // A spoken determiner makes "answering service" a noun phrase; without one an -ing
        // phrase is a gerund phrase ("losing leads") and stays bare.
        None if default == Determiner::Definite
            && !looks_plural(core)
            && !phrase::is_gerund(&first) =>
        {
            Some("the")
        }
        None => None,
    };
    match determiner {
        // "a" vs "an" follows the phrase we print, not the speaker's.
        Some("a" | "an") => format!("{prefix}{} {core}", indefinite_article(core)),
        Some(determiner) => format!("{prefix}{determiner} {core}"),
        None => shaped.to_owned(),
    }
}

fn looks_plural(phrase: &str) -> bool {
    let last = phrase
        .split(' ')
        .next_back()
        .unwrap_or_default()
        .to_lowercase();
    last.ends_with('s') && !last.ends_with("ss") && !last.ends_with("us") && !last.ends_with("is")
}

/// "a" or "an" by the sound of the first word (spelling-based, with the common exceptions).
fn indefinite_article(phrase: &str) -> &'static str {
    let word = phrase.split(' ').next().unwrap_or_default();
    let lower = word.to_lowercase();
    let acronym = word.len() > 1
        && word
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    if acronym {
        // Letters read out: "an SDR", "a CRM".
        return if lower.starts_with(['a', 'e', 'f', 'h', 'i', 'l', 'm', 'n', 'o', 'r', 's', 'x']) {
            "an"
        } else {
            "a"
        };
    }
    let vowel_sound = lower.starts_with(['a', 'e', 'i', 'o', 'u'])
        && !lower.starts_with("uni")
        && !lower.starts_with("use")
        && !lower.starts_with("usu")
        && !lower.starts_with("eu")
        && !lower.starts_with("one");
    if vowel_sound || lower.starts_with("hour") || lower.starts_with("honest") {
        "an"
    } else {
        "a"
    }
}

/// A quote that quantifies a loss: a number, or money.
fn is_quantified(text: &str) -> bool {
    const NUMBER_WORDS: &[&str] = &[
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "twelve",
        "fifteen",
        "twenty",
        "thirty",
        "fifty",
        "hundred",
        "hundreds",
        "thousand",
        "thousands",
        "dozen",
        "half",
        "money",
        "revenue",
        "dollars",
        "grand",
        "k",
    ];
    text.chars()
        .any(|c| c.is_ascii_digit() || c == '$' || c == '£' || c == '€')
        || text
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| NUMBER_WORDS.contains(&w.to_lowercase().as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quote(text: &str) -> Quote {
        Quote {
            transcript: "t".into(),
            turn_index: 0,
            start_ms: None,
            text: text.into(),
        }
    }

    #[test]
    fn the_speakers_determiner_is_restored() {
        let q = [quote("honestly I just want a full calendar by spring")];
        assert_eq!(
            with_determiner("full calendar", "full calendar", &q, Determiner::Bare),
            "a full calendar"
        );
        let q = [quote("we need our evenings back")];
        assert_eq!(
            with_determiner(
                "getting evenings back",
                "evenings back",
                &q,
                Determiner::Bare
            ),
            "getting your evenings back"
        );
        let q = [quote("is your payment plan monthly")];
        assert_eq!(
            with_determiner("payment plan", "payment plan", &q, Determiner::Definite),
            "the payment plan"
        );
        let q = [quote("we'd think about an sdr")];
        assert_eq!(
            with_determiner("SDR", "sdr", &q, Determiner::Bare),
            "an SDR"
        );
    }

    #[test]
    fn a_spoken_determiner_makes_an_ing_phrase_a_noun_phrase() {
        let q = [quote("we already use an answering service and it's okay")];
        assert_eq!(
            with_determiner(
                "answering service",
                "answering service",
                &q,
                Determiner::Bare
            ),
            "an answering service"
        );
        let q = [quote("we keep losing leads")];
        assert_eq!(
            with_determiner("losing leads", "losing leads", &q, Determiner::Definite),
            "losing leads"
        );
    }

    #[test]
    fn without_a_spoken_determiner_the_slot_default_applies() {
        let q = [quote("payment plans would help")];
        assert_eq!(
            with_determiner("payment plans", "payment plans", &q, Determiner::Definite),
            "payment plans"
        );
        let q = [quote("onboarding process")];
        assert_eq!(
            with_determiner(
                "onboarding process",
                "onboarding process",
                &q,
                Determiner::Definite
            ),
            "the onboarding process"
        );
        assert_eq!(
            with_determiner("slow follow-up", "slow follow-up", &q, Determiner::Bare),
            "slow follow-up"
        );
        assert_eq!(
            with_determiner("losing leads", "losing leads", &q, Determiner::Definite),
            "losing leads"
        );
    }

    #[test]
    fn articles_follow_sound() {
        assert_eq!(indefinite_article("agency"), "an");
        assert_eq!(indefinite_article("in-house team"), "an");
        assert_eq!(indefinite_article("user group"), "a");
        assert_eq!(indefinite_article("hour a day"), "an");
        assert_eq!(indefinite_article("CRM"), "a");
        assert_eq!(indefinite_article("SEO agency"), "an");
    }

    #[test]
    fn whole_words_only() {
        assert!(contains_word("Book a FREE consult", "free"));
        assert!(!contains_word("feel freedom", "free"));
        assert!(contains_word("no cheap tricks", "cheap tricks"));
        assert!(!contains_word("anything", ""));
    }

    #[test]
    fn quantified_quotes_are_recognised() {
        assert!(is_quantified("We lost three clients last month."));
        assert!(is_quantified("It cost us $4k."));
        assert!(!is_quantified("It's a mess."));
    }
}
