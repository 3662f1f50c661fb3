//! Plain-language recommendations an agency owner can act on, each resting on quotes.

use super::finish::{BatchReport, Recommendation, SegmentProfile};
use crate::evidence::Quote;
use crate::insights::{ObjectionClass, is_generic_alternative};
use crate::transcript::AwarenessLevel;

/// |z| above which an outcome phrase is worth a recommendation (nominal 95%).
const Z_WORTH_SAYING: f64 = 1.96;
/// An objection class is worth a recommendation when this share of a segment raised it.
const OBJECTION_SHARE: f64 = 0.2;

fn percent(share: f64) -> String {
    format!("{:.0}%", share * 100.0)
}

fn advice(level: AwarenessLevel) -> &'static str {
    match level {
        AwarenessLevel::Problem => {
            "lead pre-call content with the problem and what it is costing them, in their own words, before any talk of solutions"
        }
        AwarenessLevel::Solution => {
            "show why your approach beats the alternatives they are already weighing, with a side-by-side comparison"
        }
        AwarenessLevel::Product => {
            "send proof and specifics before the call: results, what is included, the guarantee and the next steps"
        }
    }
}

fn handle(class: ObjectionClass) -> &'static str {
    match class {
        ObjectionClass::Price => {
            "Put the cost of the problem and the expected return next to the price in a pre-call e-mail, so the number does not land cold on the call."
        }
        ObjectionClass::Timing => {
            "Show what waiting costs them and make the first step small, so \"not now\" has a price."
        }
        ObjectionClass::Trust => "Send a short case study and the guarantee before the call.",
        ObjectionClass::Authority => {
            "Invite the partner or decision maker to the call in the confirmation message."
        }
        ObjectionClass::NeedFit => {
            "Spell out who this is for, and who it is not for, before the call."
        }
        ObjectionClass::Competitor => {
            "Send a one-page comparison with the alternatives they mention, in their words."
        }
    }
}

fn first_quotes(quotes: &[Quote], n: usize) -> Vec<Quote> {
    quotes.iter().take(n).cloned().collect()
}

pub(super) fn recommendations(report: &BatchReport) -> Vec<Recommendation> {
    let mut out = Vec::new();
    if report.transcripts == 0 {
        return out;
    }
    let segments: Vec<&SegmentProfile> =
        report.segments.iter().filter(|s| s.prospects > 0).collect();

    // The biggest segment sets the default message.
    if let Some(biggest) = segments
        .iter()
        .max_by(|a, b| a.prospects.cmp(&b.prospects).then(b.level.cmp(&a.level)))
    {
        let mut text = format!(
            "{} of your prospects ({} of {}) arrive {}-aware: {}.",
            percent(biggest.share),
            biggest.prospects,
            report.transcripts,
            biggest.level.as_str(),
            advice(biggest.level)
        );
        let mut quotes = Vec::new();
        if let Some(pain) = biggest.pains.first() {
            text.push_str(&format!(
                " Their most common pain, in their words: \"{}\".",
                pain.phrase
            ));
            quotes = first_quotes(&pain.quotes, 2);
        } else if let Some(phrase) = biggest.phrases.first() {
            text.push_str(&format!(
                " A phrase they keep using: \"{}\".",
                phrase.phrase
            ));
            quotes = first_quotes(&phrase.quotes, 2);
        }
        if !quotes.is_empty() {
            out.push(Recommendation { text, quotes });
        }
    }

    // The objection each segment raises most, when common enough.
    for segment in &segments {
        let Some(objection) = segment.objections.first() else {
            continue;
        };
        if objection.share < OBJECTION_SHARE
            || objection.item.prospects < 2
            || objection.item.quotes.is_empty()
        {
            continue;
        }
        out.push(Recommendation {
            text: format!(
                "{} of {} {}-aware prospects raised a {} objection. {}",
                objection.item.prospects,
                segment.prospects,
                segment.level.as_str(),
                objection.class.label(),
                handle(objection.class)
            ),
            quotes: first_quotes(&objection.item.quotes, 2),
        });
    }

    // Who shows up least.
    let rated: Vec<(&SegmentProfile, f64)> = segments
        .iter()
        .filter(|s| s.outcomes.values().sum::<u32>() >= 3)
        .filter_map(|s| s.show_rate.map(|r| (*s, r)))
        .collect();
    if rated.len() >= 2 {
        let worst = rated
            .iter()
            .min_by(|a, b| a.1.total_cmp(&b.1).then(a.0.level.cmp(&b.0.level)));
        let best = rated
            .iter()
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.level.cmp(&a.0.level)));
        if let (Some(&(worst, worst_rate)), Some(&(best, best_rate))) = (worst, best)
            && best_rate - worst_rate >= 0.05
        {
            let quotes = worst
                .pains
                .first()
                .map(|p| first_quotes(&p.quotes, 1))
                .or_else(|| worst.phrases.first().map(|p| first_quotes(&p.quotes, 1)))
                .unwrap_or_default();
            if !quotes.is_empty() {
                out.push(Recommendation {
                    text: format!(
                        "{}-aware prospects show up least ({} against {} for {}-aware ones): give their bookings the full reminder sequence and ask them to confirm the time in writing.",
                        capitalise(worst.level.as_str()),
                        percent(worst_rate),
                        percent(best_rate),
                        best.level.as_str()
                    ),
                    quotes,
                });
            }
        }
    }

    // Language that comes before a no-show.
    let warnings: Vec<_> = report
        .outcome_phrases
        .iter()
        .filter(|p| p.a == "showed" && p.z <= -Z_WORTH_SAYING)
        .take(3)
        .collect();
    if !warnings.is_empty() {
        let phrases: Vec<String> = warnings
            .iter()
            .map(|p| format!("\"{}\"", p.phrase))
            .collect();
        out.push(Recommendation {
            text: format!(
                "Prospects who later did not show up more often said {}. When you hear this on a booking call, confirm the time in writing and send the 24-hour reminder.",
                phrases.join(", ")
            ),
            quotes: warnings.iter().flat_map(|p| first_quotes(&p.quotes, 1)).collect(),
        });
    }

    // Competitors that keep coming up: a named competitor before a generic category.
    let mut competitors: Vec<(&str, u32, &[Quote])> = Vec::new();
    for segment in &segments {
        for item in &segment.competitors {
            match competitors.iter_mut().find(|c| c.0 == item.phrase) {
                Some(c) => c.1 += item.prospects,
                None => competitors.push((&item.phrase, item.prospects, &item.quotes)),
            }
        }
    }
    competitors.retain(|c| c.1 >= 2 && !c.2.is_empty());
    competitors.sort_by(|a, b| {
        is_generic_alternative(a.0)
            .cmp(&is_generic_alternative(b.0))
            .then(b.1.cmp(&a.1))
            .then(a.0.cmp(b.0))
    });
    if let Some(&(name, prospects, quotes)) = competitors.first() {
        let text = if is_generic_alternative(name) {
            format!(
                "Prospects weighed \"{name}\" as an alternative in {prospects} calls: prepare a one-page comparison with it and send it to prospects who mention it."
            )
        } else {
            format!(
                "\"{name}\" came up in {prospects} calls: prepare a one-page comparison and send it to prospects who mention it."
            )
        };
        out.push(Recommendation {
            text,
            quotes: first_quotes(quotes, 2),
        });
    }
    out
}

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
