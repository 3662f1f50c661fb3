//! The content lint: what a reviewer (or a spam filter, or a carrier) would object to, found in
//! generated copy or in a user's edit. Never panics, whatever the text.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::brief::ClientProfile;
use super::content::{Channel, ContentSet, Deck, Email, Field, Location, Sms};
use super::evidence::contains_word;
use super::sms::{self, SmsEncoding};
use super::syntax::{self, SyntaxErrorKind, Token};

/// The opt-out wording generation adds when an SMS template lacks one.
pub const OPT_OUT_LINE: &str = "Reply STOP to opt out";

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Must be fixed before the content can go live (it would break or be non-compliant).
    Error,
    /// Should be fixed: it hurts deliverability or reads badly.
    Warning,
    /// Worth knowing.
    Info,
}

/// Which rule a finding comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LintRule {
    UnknownMergeField,
    MalformedBraces,
    /// A `[[slot]]` left in copy (template syntax that never reaches a prospect).
    UnfilledSlot,
    EmptyText,
    SmsTooLong,
    /// A character outside GSM-7 switched the SMS to UCS-2 (70 characters per segment).
    SmsUnicode,
    MissingOptOut,
    SpamPhrase,
    Shouting,
    BannedWord,
    SubjectTooLong,
    /// Fewer than three subject lines: no A/B/C test.
    TooFewSubjectLines,
    /// The deck is shared as is: merge fields there would show literally.
    MergeFieldInDeck,
    /// "Many people miss their call": a negative social norm makes missing look normal
    /// (say "most people keep their spot" instead; analysis-methods.md §4).
    NegativeNorm,
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LintFinding {
    pub rule: LintRule,
    pub severity: Severity,
    pub location: Location,
    /// What is wrong and what to do, in plain words.
    pub message: String,
}

/// What the lint checks against.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LintOptions {
    /// The client's words never to use.
    pub banned_words: Vec<String>,
    /// Subject lines longer than this (with merge fields at typical length) are flagged.
    pub subject_max_chars: usize,
    /// SMS longer than this many segments are flagged.
    pub sms_max_segments: usize,
    /// Values used for merge fields when measuring length; missing ones use the examples in
    /// [`syntax::MERGE_FIELDS`].
    pub merge_values: BTreeMap<String, String>,
}

impl Default for LintOptions {
    fn default() -> Self {
        LintOptions {
            banned_words: Vec::new(),
            subject_max_chars: super::compose::SUBJECT_MAX_CHARS,
            sms_max_segments: super::compose::SMS_MAX_SEGMENTS,
            merge_values: BTreeMap::new(),
        }
    }
}

impl LintOptions {
    /// Options for a client: its banned words, its name and rep as merge values.
    pub fn for_client(client: &ClientProfile) -> Self {
        let mut merge_values = BTreeMap::new();
        merge_values.insert("company_name".to_owned(), client.name.clone());
        if let Some(rep) = &client.rep_name {
            merge_values.insert("rep_name".to_owned(), rep.clone());
        }
        LintOptions {
            banned_words: client.banned_words.clone(),
            merge_values,
            ..LintOptions::default()
        }
    }
}

/// A single piece of content to lint.
#[derive(Debug, Clone, Copy)]
pub enum ContentPiece<'a> {
    Email(&'a Email),
    Sms(&'a Sms),
    Deck(&'a Deck),
}

/// Lints a whole content set.
pub fn lint(set: &ContentSet, options: &LintOptions) -> Vec<LintFinding> {
    let mut findings = Vec::new();
    for email in &set.emails {
        findings.extend(lint_piece(ContentPiece::Email(email), options));
    }
    for message in &set.sms {
        findings.extend(lint_piece(ContentPiece::Sms(message), options));
    }
    findings.extend(lint_piece(ContentPiece::Deck(&set.deck), options));
    findings
}

/// Lints one e-mail, SMS or deck.
pub fn lint_piece(piece: ContentPiece<'_>, options: &LintOptions) -> Vec<LintFinding> {
    let at = |channel, step, field, index, bullet| Location {
        channel,
        step,
        field,
        index,
        bullet,
        start: 0,
        end: 0,
    };
    let mut findings = Vec::new();
    match piece {
        ContentPiece::Email(email) => {
            let step = Some(email.step);
            for (i, subject) in email.subjects.iter().enumerate() {
                findings.extend(lint_text(
                    &subject.text,
                    at(Channel::Email, step, Field::Subject, Some(i), None),
                    options,
                ));
            }
            if email.subjects.len() < 3 {
                findings.push(LintFinding {
                    rule: LintRule::TooFewSubjectLines,
                    severity: Severity::Info,
                    location: at(Channel::Email, step, Field::Subject, None, None),
                    message: format!(
                        "{} subject line(s); three variants let the learning loop find the best one.",
                        email.subjects.len()
                    ),
                });
            }
            findings.extend(lint_text(
                &email.preheader,
                at(Channel::Email, step, Field::Preheader, None, None),
                options,
            ));
            findings.extend(lint_text(
                &email.body,
                at(Channel::Email, step, Field::Body, None, None),
                options,
            ));
        }
        ContentPiece::Sms(message) => {
            findings.extend(lint_text(
                &message.text,
                at(Channel::Sms, Some(message.step), Field::Text, None, None),
                options,
            ));
        }
        ContentPiece::Deck(deck) => {
            findings.extend(lint_text(
                &deck.title,
                at(Channel::Deck, None, Field::Title, None, None),
                options,
            ));
            for (s, slide) in deck.slides.iter().enumerate() {
                findings.extend(lint_text(
                    &slide.title,
                    at(Channel::Deck, None, Field::SlideTitle, Some(s), None),
                    options,
                ));
                for (b, bullet) in slide.bullets.iter().enumerate() {
                    findings.extend(lint_text(
                        bullet,
                        at(Channel::Deck, None, Field::Bullet, Some(s), Some(b)),
                        options,
                    ));
                }
            }
        }
    }
    findings
}

/// Lints one field's text. `at` says which field it is (its channel and field decide which
/// rules apply); its `start` and `end` are ignored, and each finding gets the byte range of what
/// it found.
pub fn lint_text(text: &str, at: Location, options: &LintOptions) -> Vec<LintFinding> {
    let mut findings = Vec::new();
    let mut push =
        |rule: LintRule, severity: Severity, start: usize, end: usize, message: String| {
            findings.push(LintFinding {
                rule,
                severity,
                location: Location { start, end, ..at },
                message,
            });
        };
    if text.trim().is_empty() {
        let severity = if at.field == Field::Bullet || at.field == Field::Preheader {
            Severity::Warning
        } else {
            Severity::Error
        };
        push(
            LintRule::EmptyText,
            severity,
            0,
            text.len(),
            "This text is empty.".into(),
        );
        return findings;
    }

    let (tokens, errors) = syntax::tokenize(text);
    // Words and phrases are searched in the prose only: not inside merge fields, slots or broken
    // syntax (which already has its own finding).
    let mut syntax_ranges: Vec<(usize, usize)> = errors.iter().map(|e| (e.start, e.end)).collect();
    for token in &tokens {
        if let Token::Merge { start, end, .. } | Token::Slot { start, end, .. } = *token {
            syntax_ranges.push((start, end));
        }
    }
    let literal_ranges = complement(text.len(), syntax_ranges);
    for error in errors {
        let (rule, message) = match error.kind {
            SyntaxErrorKind::UnclosedMergeField => (
                LintRule::MalformedBraces,
                "\"{{\" is never closed with \"}}\".".to_owned(),
            ),
            SyntaxErrorKind::StrayBrace => (
                LintRule::MalformedBraces,
                "A single brace: merge fields need two on each side, like {{first_name}}."
                    .to_owned(),
            ),
            SyntaxErrorKind::InvalidMergeFieldName => (
                LintRule::MalformedBraces,
                format!(
                    "{} is not a valid merge field: use lower_case names like {{{{first_name}}}}.",
                    snippet(text, error.start, error.end)
                ),
            ),
            SyntaxErrorKind::UnclosedSlot | SyntaxErrorKind::InvalidSlot => (
                LintRule::UnfilledSlot,
                "Template syntax \"[[\" was left in the copy; replace it with the words you mean."
                    .to_owned(),
            ),
        };
        push(rule, Severity::Error, error.start, error.end, message);
    }
    for token in &tokens {
        match *token {
            Token::Merge { name, start, end } => {
                if syntax::merge_field(name).is_none() {
                    let message = match suggest_merge_field(name) {
                        Some(known) => format!(
                            "Unknown merge field {{{{{name}}}}}. Did you mean {{{{{known}}}}}?"
                        ),
                        None => format!(
                            "Unknown merge field {{{{{name}}}}}. Known fields: {}.",
                            syntax::MERGE_FIELDS
                                .iter()
                                .map(|f| f.name)
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    };
                    push(
                        LintRule::UnknownMergeField,
                        Severity::Error,
                        start,
                        end,
                        message,
                    );
                } else if at.channel == Channel::Deck {
                    push(
                        LintRule::MergeFieldInDeck,
                        Severity::Warning,
                        start,
                        end,
                        format!(
                            "The deck is the same for everyone, so {{{{{name}}}}} would show as written."
                        ),
                    );
                }
            }
            Token::Slot { start, end, .. } => push(
                LintRule::UnfilledSlot,
                Severity::Error,
                start,
                end,
                format!(
                    "{} is template syntax that was never filled; replace it with the words you mean.",
                    snippet(text, start, end)
                ),
            ),
            Token::Text(_) => {}
        }
    }

    for banned in &options.banned_words {
        for (start, end) in find_word(text, banned, &literal_ranges) {
            push(
                LintRule::BannedWord,
                Severity::Error,
                start,
                end,
                format!(
                    "\"{}\" is on the client's list of words never to use.",
                    &text[start..end]
                ),
            );
        }
    }
    for phrase in SPAM_PHRASES {
        for (start, end) in find_word(text, phrase, &literal_ranges) {
            push(
                LintRule::SpamPhrase,
                Severity::Warning,
                start,
                end,
                format!(
                    "\"{}\" is a common spam-filter trigger; say it more plainly.",
                    &text[start..end]
                ),
            );
        }
    }
    for phrase in NEGATIVE_NORMS {
        for (start, end) in find_word(text, phrase, &literal_ranges) {
            push(
                LintRule::NegativeNorm,
                Severity::Warning,
                start,
                end,
                format!(
                    "\"{}\" tells people that missing is normal, which makes it more likely; say that most \
                     people keep their spot instead.",
                    &text[start..end]
                ),
            );
        }
    }
    for (start, end) in shouted_words(text, &literal_ranges) {
        push(
            LintRule::Shouting,
            Severity::Warning,
            start,
            end,
            format!(
                "\"{}\" is in capitals, which reads as shouting and trips spam filters.",
                &text[start..end]
            ),
        );
    }
    let mut search_from = 0;
    while let Some(at_bang) = text[search_from..].find("!!") {
        let start = search_from + at_bang;
        let end = start + text[start..].chars().take_while(|&c| c == '!').count();
        push(
            LintRule::Shouting,
            Severity::Warning,
            start,
            end,
            "Repeated exclamation marks read as shouting.".into(),
        );
        search_from = end;
    }

    let filled = super::preview(text, &options.merge_values);
    match at.field {
        Field::Subject => {
            let length = filled.chars().count();
            if length > options.subject_max_chars {
                push(
                    LintRule::SubjectTooLong,
                    Severity::Warning,
                    0,
                    text.len(),
                    format!(
                        "This subject line is {length} characters with typical merge values; most inboxes cut \
                         subjects off around {}.",
                        options.subject_max_chars
                    ),
                );
            }
            if text.matches('!').count() >= 2 && !text.contains("!!") {
                push(
                    LintRule::Shouting,
                    Severity::Warning,
                    0,
                    text.len(),
                    "More than one \"!\" in a subject line reads as shouting.".into(),
                );
            }
        }
        Field::Text if at.channel == Channel::Sms => {
            let length = sms::measure(&filled);
            if length.segments > options.sms_max_segments {
                push(
                    LintRule::SmsTooLong,
                    Severity::Warning,
                    0,
                    text.len(),
                    format!(
                        "This SMS is {} segments ({} {}, with typical merge values); keep it to {} or fewer.",
                        length.segments,
                        length.units,
                        match length.encoding {
                            SmsEncoding::Gsm7 => "GSM-7 characters",
                            SmsEncoding::Ucs2 => "UCS-2 units",
                        },
                        options.sms_max_segments
                    ),
                );
            }
            if length.encoding == SmsEncoding::Ucs2 {
                let (start, end) = text
                    .char_indices()
                    .find(|(_, c)| length.non_gsm_chars.contains(c))
                    .map_or((0, 0), |(i, c)| (i, i + c.len_utf8()));
                let chars: String = length.non_gsm_chars.iter().take(5).collect();
                push(
                    LintRule::SmsUnicode,
                    Severity::Info,
                    start,
                    end,
                    format!(
                        "\"{chars}\" switches this SMS to Unicode: 70 characters per segment instead of 160. \
                         Straight quotes and plain dashes avoid it."
                    ),
                );
            }
            if !has_opt_out(text) {
                push(
                    LintRule::MissingOptOut,
                    Severity::Error,
                    text.len(),
                    text.len(),
                    format!("Every SMS needs an opt-out line; add \"{OPT_OUT_LINE}\"."),
                );
            }
        }
        _ => {}
    }
    findings
}

/// True when the text tells the recipient how to opt out ("Reply STOP to opt out").
pub fn has_opt_out(text: &str) -> bool {
    let lower = text.to_lowercase();
    contains_word(&lower, "stop")
        && [
            "opt out",
            "opt-out",
            "optout",
            "unsubscribe",
            "stop to end",
            "stop to cancel",
            "stop to quit",
        ]
        .iter()
        .any(|p| lower.contains(p))
}

/// Phrases that spam filters and readers associate with spam (a curated subset of the lists
/// deliverability vendors publish; appointment copy has no need for any of them).
const SPAM_PHRASES: &[&str] = &[
    "act now",
    "act fast",
    "buy now",
    "order now",
    "click here",
    "click below",
    "call now",
    "apply now",
    "sign up free",
    "100% free",
    "100% guaranteed",
    "100% satisfied",
    "risk-free",
    "risk free",
    "no obligation",
    "no strings attached",
    "free money",
    "free gift",
    "cash bonus",
    "make money",
    "earn money",
    "extra cash",
    "double your",
    "you have been selected",
    "you've been selected",
    "congratulations",
    "urgent",
    "limited time",
    "once in a lifetime",
    "special promotion",
    "exclusive deal",
    "miracle",
    "amazing deal",
    "lowest price",
    "best price",
    "this isn't spam",
    "this is not spam",
    "dear friend",
    "what are you waiting for",
    "don't delete",
    "winner",
    "guaranteed results",
    "instant access",
    "while supplies last",
    "$$$",
];

/// Phrasings that describe not showing up as common (a negative descriptive norm).
const NEGATIVE_NORMS: &[&str] = &[
    "many people miss",
    "a lot of people miss",
    "lots of people miss",
    "most people miss",
    "people often miss",
    "many people forget",
    "a lot of people forget",
    "most people forget",
    "many people don't show",
    "a lot of people don't show",
    "lots of people don't show",
    "many people no-show",
    "people often forget",
    "many people cancel",
    "half of people miss",
];

/// Capitalised words that are not shouting.
const CAPS_ALLOWED: &[&str] = &[
    "STOP", "HELP", "INFO", "YES", "ASAP", "HVAC", "SAAS", "FAQ", "CEO", "CFO", "CTO", "COO",
    "CRM", "SEO", "ROI", "KPI", "KPIS", "SDR", "SDRS", "USA", "EST", "EDT", "CST", "CDT", "MST",
    "MDT", "PST", "PDT", "GMT", "BST", "UTC", "AM", "PM", "LLC", "INC", "LTD", "NASA", "HIPAA",
    "GDPR", "URL", "PDF",
];

/// All-capital words of 4+ letters that are not known acronyms.
fn shouted_words(text: &str, literal: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for &(from, to) in literal {
        let mut start = None;
        let segment = &text[from..to];
        for (i, c) in segment
            .char_indices()
            .chain(std::iter::once((segment.len(), ' ')))
        {
            let in_word = c.is_alphanumeric() || c == '\'';
            match (start, in_word) {
                (None, true) => start = Some(i),
                (Some(s), false) => {
                    let word = &segment[s..i];
                    let letters = word.chars().filter(|c| c.is_alphabetic()).count();
                    let upper = word
                        .chars()
                        .filter(|c| c.is_alphabetic())
                        .all(char::is_uppercase);
                    let bare = word.trim_end_matches("'S").trim_end_matches('\'');
                    if letters >= 4 && upper && !CAPS_ALLOWED.contains(&bare) {
                        out.push((from + s, from + i));
                    }
                    start = None;
                }
                _ => {}
            }
        }
    }
    out
}

/// The byte ranges of `0..len` not covered by `excluded`.
fn complement(len: usize, mut excluded: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    excluded.sort_unstable();
    let mut ranges = Vec::new();
    let mut at = 0;
    for (start, end) in excluded {
        if at < start {
            ranges.push((at, start));
        }
        at = at.max(end);
    }
    if at < len {
        ranges.push((at, len));
    }
    ranges
}

/// Every whole-word, case-insensitive occurrence of `word` within the literal ranges.
fn find_word(text: &str, word: &str, literal: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let needle = word.trim().to_lowercase();
    if needle.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for &(from, to) in literal {
        let segment = &text[from..to];
        // Lower-casing can change byte lengths; search char by char to keep offsets exact.
        for (i, _) in segment.char_indices() {
            let Some(end) = match_at(segment, i, &needle) else {
                continue;
            };
            let word_char = |c: char| c.is_alphanumeric();
            let first_needle_is_word = needle.chars().next().is_some_and(word_char);
            let last_needle_is_word = needle.chars().next_back().is_some_and(word_char);
            let before_ok = !first_needle_is_word
                || segment[..i]
                    .chars()
                    .next_back()
                    .is_none_or(|c| !word_char(c));
            let after_ok =
                !last_needle_is_word || segment[end..].chars().next().is_none_or(|c| !word_char(c));
            if before_ok && after_ok && !out.iter().any(|&(_, e)| e > from + i) {
                out.push((from + i, from + end));
            }
        }
    }
    out
}

/// If `segment[at..]` starts with `needle` case-insensitively, the byte end of the match.
fn match_at(segment: &str, at: usize, needle: &str) -> Option<usize> {
    let mut chars = segment[at..].char_indices();
    let mut end = at;
    for expected in needle.chars() {
        let (offset, c) = chars.next()?;
        if !c.to_lowercase().eq(expected.to_lowercase()) {
            return None;
        }
        end = at + offset + c.len_utf8();
    }
    Some(end)
}

fn suggest_merge_field(name: &str) -> Option<&'static str> {
    let squashed = name.replace(['_', '-'], "").to_lowercase();
    syntax::MERGE_FIELDS
        .iter()
        .map(|field| {
            let distance = if field.name.replace('_', "") == squashed {
                0
            } else {
                strsim::levenshtein(name, field.name)
            };
            (distance, field.name)
        })
        .filter(|(distance, _)| *distance <= 3)
        .min()
        .map(|(_, name)| name)
}

fn snippet(text: &str, start: usize, end: usize) -> String {
    text.get(start..end).unwrap_or_default().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::Step;
    use proptest::prelude::*;

    fn at(channel: Channel, field: Field) -> Location {
        let step = (channel != Channel::Deck).then_some(Step::Booked);
        Location {
            channel,
            step,
            field,
            index: None,
            bullet: None,
            start: 0,
            end: 0,
        }
    }

    fn rules(
        text: &str,
        channel: Channel,
        field: Field,
        options: &LintOptions,
    ) -> Vec<(LintRule, Severity, usize, usize)> {
        lint_text(text, at(channel, field), options)
            .into_iter()
            .map(|f| (f.rule, f.severity, f.location.start, f.location.end))
            .collect()
    }

    fn body(text: &str) -> Vec<(LintRule, Severity, usize, usize)> {
        rules(text, Channel::Email, Field::Body, &LintOptions::default())
    }

    #[test]
    fn clean_copy_has_no_findings() {
        assert_eq!(
            body(
                "Hi {{first_name}}, see you {{call_date}} at {{call_time}}. Reply YES to confirm."
            ),
            vec![]
        );
    }

    #[test]
    fn unknown_merge_fields_are_errors_with_a_suggestion() {
        let findings = lint_text(
            "Hi {{firstname}} and {{favourite_colour}}",
            at(Channel::Email, Field::Body),
            &LintOptions::default(),
        );
        assert_eq!(findings.len(), 2);
        assert_eq!(
            (findings[0].rule, findings[0].severity),
            (LintRule::UnknownMergeField, Severity::Error)
        );
        assert_eq!(
            (findings[0].location.start, findings[0].location.end),
            (3, 16)
        );
        assert!(
            findings[0].message.contains("Did you mean {{first_name}}?"),
            "{}",
            findings[0].message
        );
        assert!(
            findings[1].message.contains("Known fields: first_name"),
            "{}",
            findings[1].message
        );
    }

    #[test]
    fn malformed_braces_are_errors() {
        assert_eq!(
            body("Hi {{first_name}"),
            vec![(LintRule::MalformedBraces, Severity::Error, 3, 16)]
        );
        assert_eq!(
            body("Hi {first_name}"),
            vec![
                (LintRule::MalformedBraces, Severity::Error, 3, 4),
                (LintRule::MalformedBraces, Severity::Error, 14, 15)
            ]
        );
        assert_eq!(
            body("Hi {{First Name}}"),
            vec![(LintRule::MalformedBraces, Severity::Error, 3, 17)]
        );
    }

    #[test]
    fn leftover_slots_are_errors() {
        assert_eq!(
            body("Tired of [[pain]]?"),
            vec![(LintRule::UnfilledSlot, Severity::Error, 9, 17)]
        );
        assert_eq!(
            body("Tired of [[pain"),
            vec![(LintRule::UnfilledSlot, Severity::Error, 9, 15)]
        );
    }

    #[test]
    fn empty_text_is_an_error_except_for_optional_fields() {
        assert_eq!(
            body("  "),
            vec![(LintRule::EmptyText, Severity::Error, 0, 2)]
        );
        assert_eq!(
            rules(
                "",
                Channel::Email,
                Field::Preheader,
                &LintOptions::default()
            ),
            vec![(LintRule::EmptyText, Severity::Warning, 0, 0)]
        );
    }

    #[test]
    fn spam_phrases_are_warnings() {
        assert_eq!(
            body("Act now, it's risk-free"),
            vec![
                (LintRule::SpamPhrase, Severity::Warning, 0, 7),
                (LintRule::SpamPhrase, Severity::Warning, 14, 23),
            ]
        );
        assert_eq!(
            body("Our free-form notes"),
            vec![],
            "\"free\" alone is not on the list"
        );
        assert_eq!(body("nonurgent"), vec![], "whole words only");
    }

    #[test]
    fn negative_social_norms_are_flagged() {
        assert_eq!(
            body("Many people miss their call, so set a reminder."),
            vec![(LintRule::NegativeNorm, Severity::Warning, 0, 16)]
        );
        assert_eq!(body("Most people who book keep their spot."), vec![]);
    }

    #[test]
    fn shouting_is_flagged_but_acronyms_and_stop_are_not() {
        assert_eq!(
            body("This is HUGE"),
            vec![(LintRule::Shouting, Severity::Warning, 8, 12)]
        );
        assert_eq!(
            body("Wow!!! See you"),
            vec![(LintRule::Shouting, Severity::Warning, 3, 6)]
        );
        assert_eq!(
            body("Reply YES or STOP. Our CRM and SEO and HVAC work, 10 AM EST."),
            vec![]
        );
        assert_eq!(
            body("Hi {{FIRST_NAME}}")
                .iter()
                .filter(|f| f.0 == LintRule::Shouting)
                .count(),
            0,
            "merge syntax is not prose"
        );
        assert_eq!(
            rules(
                "Big news! Call us!",
                Channel::Email,
                Field::Subject,
                &LintOptions::default()
            ),
            vec![(LintRule::Shouting, Severity::Warning, 0, 18)]
        );
    }

    #[test]
    fn banned_words_are_errors_wherever_they_appear() {
        let options = LintOptions {
            banned_words: vec!["cheap".into(), "growth hack".into()],
            ..LintOptions::default()
        };
        assert_eq!(
            rules(
                "Not CHEAP, no Growth Hack, cheapest",
                Channel::Email,
                Field::Body,
                &options
            ),
            vec![
                (LintRule::BannedWord, Severity::Error, 4, 9),
                (LintRule::BannedWord, Severity::Error, 14, 25),
                (LintRule::Shouting, Severity::Warning, 4, 9),
            ]
        );
    }

    #[test]
    fn long_subject_lines_are_measured_with_merge_values() {
        let options = LintOptions::default();
        // 40 characters of text plus a first name (9 in the examples): under 60.
        assert_eq!(
            rules(
                "{{first_name}}, here is what we will cover",
                Channel::Email,
                Field::Subject,
                &options
            ),
            vec![]
        );
        let long = "{{first_name}}, here is everything we will cover on {{call_date}}";
        assert_eq!(
            rules(long, Channel::Email, Field::Subject, &options),
            vec![(LintRule::SubjectTooLong, Severity::Warning, 0, long.len())]
        );
        let mut short_values = LintOptions::default();
        short_values
            .merge_values
            .insert("call_date".into(), "Mon".into());
        assert_eq!(
            rules(long, Channel::Email, Field::Subject, &short_values),
            vec![]
        );
    }

    #[test]
    fn sms_needs_an_opt_out_line() {
        let text = "See you at {{call_time}}";
        assert_eq!(
            rules(text, Channel::Sms, Field::Text, &LintOptions::default()),
            vec![(
                LintRule::MissingOptOut,
                Severity::Error,
                text.len(),
                text.len()
            )]
        );
        for ok in [
            "Reply STOP to opt out",
            "Txt stop to unsubscribe",
            "Reply STOP to end",
            "reply stop to opt-out",
        ] {
            assert!(has_opt_out(ok), "{ok}");
        }
        assert!(!has_opt_out("Don't stop now"));
        assert!(
            !has_opt_out("opt out by replying N"),
            "carriers expect the STOP keyword"
        );
    }

    #[test]
    fn long_sms_are_measured_in_segments() {
        let text = format!("{} Reply STOP to opt out", "word ".repeat(60));
        assert_eq!(
            rules(&text, Channel::Sms, Field::Text, &LintOptions::default()),
            vec![(LintRule::SmsTooLong, Severity::Warning, 0, text.len())]
        );
        let options = LintOptions {
            sms_max_segments: 3,
            ..LintOptions::default()
        };
        assert_eq!(rules(&text, Channel::Sms, Field::Text, &options), vec![]);
    }

    #[test]
    fn unicode_in_sms_is_pointed_out() {
        let text = "We\u{2019}ll see you soon. Reply STOP to opt out";
        let findings = lint_text(text, at(Channel::Sms, Field::Text), &LintOptions::default());
        assert_eq!(findings.len(), 1);
        assert_eq!(
            (findings[0].rule, findings[0].severity),
            (LintRule::SmsUnicode, Severity::Info)
        );
        assert_eq!(
            (findings[0].location.start, findings[0].location.end),
            (2, 5)
        );
    }

    #[test]
    fn merge_fields_in_the_deck_are_warnings() {
        assert_eq!(
            rules(
                "Hi {{first_name}}",
                Channel::Deck,
                Field::Bullet,
                &LintOptions::default()
            ),
            vec![(LintRule::MergeFieldInDeck, Severity::Warning, 3, 17)]
        );
    }

    #[test]
    fn e_mails_with_fewer_than_three_subjects_are_noted() {
        let email = Email {
            step: Step::Booked,
            timing: Step::Booked.timing(),
            subjects: vec![super::super::SubjectLine {
                text: "Booked".into(),
                pattern_id: "x".into(),
            }],
            preheader: "Pre".into(),
            body: "Hi".into(),
        };
        let findings = lint_piece(ContentPiece::Email(&email), &LintOptions::default());
        assert_eq!(
            findings.iter().map(|f| f.rule).collect::<Vec<_>>(),
            vec![LintRule::TooFewSubjectLines]
        );
    }

    proptest! {
        #[test]
        fn lint_never_panics_and_locations_are_valid(text in "\\PC{0,300}", sms in any::<bool>()) {
            let (channel, field) = if sms { (Channel::Sms, Field::Text) } else { (Channel::Email, Field::Subject) };
            let options = LintOptions { banned_words: vec!["ß".into(), "İ".into(), "a".into()], ..LintOptions::default() };
            for finding in lint_text(&text, at(channel, field), &options) {
                prop_assert!(finding.location.start <= finding.location.end);
                prop_assert!(text.get(finding.location.start..finding.location.end).is_some());
                prop_assert!(!finding.message.is_empty());
            }
        }

        #[test]
        fn lint_handles_brace_soup(text in "[{}\\[\\]a-z_ !]{0,80}") {
            for finding in lint_text(&text, at(Channel::Sms, Field::Text), &LintOptions::default()) {
                prop_assert!(text.get(finding.location.start..finding.location.end).is_some());
            }
        }
    }
}
