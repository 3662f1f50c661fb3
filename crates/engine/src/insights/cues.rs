//! What a lexicon phrase means, and the compilation of the built-in lexicon plus a client's
//! config into one automaton.

use super::config::{AnalysisConfig, ConfigError, MAX_NAMES};
use super::{ObjectionClass, RepAct, SignalKind};
use crate::text::{Lexicon, Section, expand, parse_sections};
use crate::transcript::AwarenessLevel;

/// The built-in English lexicon (data: `src/lexicon/en.txt`).
pub(crate) const BUILT_IN: &str = include_str!("../lexicon/en.txt");

/// A stage cue family (methods §3.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StageFamily {
    Unaware,
    Level(AwarenessLevel),
    /// Ready to act: counts as product-aware and sets the "most aware" flag.
    MostAware,
}

/// Rep-only cues for role inference and the previous-rep-act context feature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RepCue {
    Agenda,
    Offer,
    Act(RepAct),
    /// "from BRAND", "here at BRAND": a rep introducing themselves.
    Introduction,
}

/// Turn openers that only mean something after a given rep act.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ContextCue {
    /// "no", "not really" — a refusal after a commitment ask.
    Refusal,
    /// "wow", "that's a lot" — after a price reveal.
    PriceShock,
}

/// What a phrase means. One phrase can carry several.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Cue {
    /// Cancels a cue earlier in the same clause ("price isn't an issue").
    PostNegation,
    /// Shadows shorter cues under LeftmostLongest ("can afford", "no problem").
    Neutral,
    Objection(ObjectionClass),
    /// A comparison ("compared to", "better than"): a competitor objection only when the
    /// sentence also names an alternative or a competitor.
    Comparison,
    /// Proof-seeking ("guarantee", "case studies"): a trust objection only in a question or a
    /// stated need.
    ProofAsk,
    Pain,
    /// A pain that names itself ("no-shows", "churn").
    PainTopic,
    Desire,
    Signal(SignalKind, f32),
    /// A buying signal only when the prospect asks it ("what does onboarding look like?"); the
    /// same words in a statement are usually the rep's ("the next step would be …").
    SignalAsk(SignalKind, f32),
    Stage(StageFamily, f32),
    /// A solution category or approach ("agency", "hire someone"): an alternative mention.
    Category,
    /// A name from the client's competitor list (index into the list).
    Competitor(u16),
    Rep(RepCue),
    /// A prospect talking about their own business ("my business", "my team").
    ProspectSelf,
    Context(ContextCue),
}

fn section_cues(section: &Section) -> Option<Vec<Cue>> {
    let weight = section.weight;
    let level = |l| Cue::Stage(StageFamily::Level(l), weight);
    let cues = match section.name.as_str() {
        "negation.post" => vec![Cue::PostNegation],
        "neutral" => vec![Cue::Neutral],
        "objection.price" => vec![Cue::Objection(ObjectionClass::Price)],
        "objection.timing" => vec![Cue::Objection(ObjectionClass::Timing)],
        "objection.trust" => vec![Cue::Objection(ObjectionClass::Trust)],
        "objection.trust_ask" => vec![Cue::ProofAsk],
        "objection.authority" => vec![Cue::Objection(ObjectionClass::Authority)],
        "objection.need_fit" => vec![Cue::Objection(ObjectionClass::NeedFit)],
        "objection.status_quo" => vec![Cue::Objection(ObjectionClass::Competitor)],
        "objection.comparison" => vec![Cue::Comparison],
        "pain" => vec![Cue::Pain],
        "pain.topic" => vec![Cue::PainTopic],
        "desire" => vec![Cue::Desire],
        "signal.commitment" => vec![Cue::Signal(SignalKind::Commitment, weight)],
        "signal.logistics" => vec![Cue::Signal(SignalKind::Logistics, weight)],
        "signal.logistics_ask" => vec![Cue::SignalAsk(SignalKind::Logistics, weight)],
        "signal.ownership" => vec![Cue::Signal(SignalKind::Ownership, weight)],
        "signal.desire" => vec![Cue::Signal(SignalKind::Desire, weight)],
        "stage.unaware" => vec![Cue::Stage(StageFamily::Unaware, weight)],
        "stage.problem" => vec![level(AwarenessLevel::Problem)],
        "stage.solution" => vec![level(AwarenessLevel::Solution)],
        "stage.product" => vec![level(AwarenessLevel::Product)],
        "stage.most_aware" => vec![Cue::Stage(StageFamily::MostAware, weight)],
        "category" => vec![level(AwarenessLevel::Solution), Cue::Category],
        "rep.agenda" => vec![Cue::Rep(RepCue::Agenda)],
        "rep.offer" => vec![Cue::Rep(RepCue::Offer)],
        "rep.commitment_ask" => vec![Cue::Rep(RepCue::Act(RepAct::CommitmentAsk))],
        "rep.price_reveal" => vec![Cue::Rep(RepCue::Act(RepAct::PriceReveal))],
        "prospect.self" => vec![Cue::ProspectSelf],
        "context.refusal" => vec![Cue::Context(ContextCue::Refusal)],
        "context.price_shock" => vec![Cue::Context(ContextCue::PriceShock)],
        _ => return None,
    };
    Some(cues)
}

fn check_len(field: &'static str, list: &[String]) -> Result<(), ConfigError> {
    if list.len() > MAX_NAMES {
        return Err(ConfigError::TooMany {
            field,
            count: list.len(),
            limit: MAX_NAMES,
        });
    }
    Ok(())
}

/// Compiles the built-in lexicon and the client's additions into one automaton.
pub(crate) fn compile(config: &AnalysisConfig) -> Result<Lexicon<Cue>, ConfigError> {
    check_len("competitors", &config.competitors)?;
    check_len("brand_names", &config.brand_names)?;
    check_len("category_nouns", &config.category_nouns)?;
    let mut sections = parse_sections(BUILT_IN)?;
    for (name, phrases) in &config.extra_phrases {
        check_len("extra_phrases", phrases)?;
        let Some(weight) = sections.iter().find(|s| &s.name == name).map(|s| s.weight) else {
            return Err(ConfigError::UnknownSection(name.clone()));
        };
        let mut expanded = Vec::new();
        for phrase in phrases {
            expanded.extend(
                expand(phrase)
                    .map_err(|message| crate::text::LexiconError::Syntax { line: 0, message })?,
            );
        }
        sections.push(Section {
            name: name.clone(),
            weight,
            phrases: expanded,
        });
    }
    let mut entries: Vec<(String, Cue)> = Vec::new();
    for section in &sections {
        // Every built-in section name is known; an unknown one can only come from a bad edit.
        let Some(cues) = section_cues(section) else {
            return Err(ConfigError::UnknownSection(section.name.clone()));
        };
        for phrase in &section.phrases {
            entries.extend(cues.iter().map(|&cue| (phrase.clone(), cue)));
        }
    }
    for brand in config.brand_names.iter().filter(|b| !b.trim().is_empty()) {
        let brand = brand.trim();
        entries.push((
            brand.to_owned(),
            Cue::Stage(StageFamily::Level(AwarenessLevel::Product), 3.0),
        ));
        for introduction in ["from", "with", "here at", "we at", "our", "at"] {
            entries.push((
                format!("{introduction} {brand}"),
                Cue::Rep(RepCue::Introduction),
            ));
        }
    }
    for noun in config
        .category_nouns
        .iter()
        .filter(|n| !n.trim().is_empty())
    {
        entries.push((
            noun.trim().to_owned(),
            Cue::Stage(StageFamily::Level(AwarenessLevel::Solution), 2.0),
        ));
        entries.push((noun.trim().to_owned(), Cue::Category));
    }
    for (index, name) in config
        .competitors
        .iter()
        .enumerate()
        .filter(|(_, n)| !n.trim().is_empty())
    {
        entries.push((name.trim().to_owned(), Cue::Competitor(index as u16)));
        // Naming another vendor is a solution-aware cue (methods §3.2).
        entries.push((
            name.trim().to_owned(),
            Cue::Stage(StageFamily::Level(AwarenessLevel::Solution), 2.0),
        ));
    }
    // A config phrase with no words ("!!!") is dropped rather than failing the whole config.
    entries.retain(|(phrase, _)| crate::text::match_form(phrase).is_some());
    Ok(Lexicon::build(entries)?)
}

/// The singular of an English plural noun phrase (its last word), when it looks like one.
fn singular(phrase: &str) -> Option<String> {
    let (head, last) = match phrase.rsplit_once(' ') {
        Some((head, last)) => (format!("{head} "), last),
        None => (String::new(), phrase),
    };
    let stem = if let Some(stem) = last.strip_suffix("ies") {
        format!("{stem}y")
    } else if let Some(stem) = ["ches", "shes", "sses", "xes"]
        .iter()
        .find_map(|suffix| last.strip_suffix(suffix).map(|s| (s, suffix)))
        .map(|(s, suffix)| format!("{s}{}", &suffix[..suffix.len() - 2]))
    {
        stem
    } else if last.ends_with('s') && !last.ends_with("ss") && last.len() > 2 {
        last[..last.len() - 1].to_owned()
    } else {
        return None;
    };
    Some(format!("{head}{stem}"))
}

/// The category phrases, built-in and the client's, lowercased.
pub(crate) fn categories(
    config: &AnalysisConfig,
) -> Result<rustc_hash::FxHashSet<String>, ConfigError> {
    let mut phrases = built_in_categories()?;
    phrases.extend(
        config
            .category_nouns
            .iter()
            .map(|n| n.trim().to_lowercase())
            .filter(|n| !n.is_empty()),
    );
    Ok(phrases)
}

/// Category phrases mapped to their singular when the singular is a category phrase too:
/// "sdrs" → "sdr", "agencies" → "agency".
pub(crate) fn singulars(
    categories: &rustc_hash::FxHashSet<String>,
) -> rustc_hash::FxHashMap<String, String> {
    categories
        .iter()
        .filter_map(|p| {
            let one = singular(p)?;
            categories.contains(&one).then(|| (p.clone(), one))
        })
        .collect()
}

/// The built-in category phrases (lowercased): generic alternatives, not named competitors.
fn built_in_categories() -> Result<rustc_hash::FxHashSet<String>, ConfigError> {
    Ok(parse_sections(BUILT_IN)?
        .into_iter()
        .filter(|s| s.name == "category")
        .flat_map(|s| s.phrases)
        .map(|p| p.to_lowercase())
        .collect())
}

/// Whether an alternative's name is a generic built-in category ("agency", "paid ads") rather
/// than a named competitor.
pub(crate) fn is_generic_alternative(name: &str) -> bool {
    static GENERIC: std::sync::LazyLock<rustc_hash::FxHashSet<String>> =
        std::sync::LazyLock::new(|| built_in_categories().unwrap_or_default());
    GENERIC.contains(&name.trim().to_lowercase())
}
