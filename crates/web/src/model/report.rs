//! The forensic report as the Analysis tab shows it, built from the `analysis_results` row
//! (written by the `analyze` function from the engine's batch report) and the job's
//! `transcript_insights`.
//!
//! Reading is lenient on purpose: a report is read long after it was written, by newer code,
//! and one malformed entry must cost that entry, not the page. Every list is read item by
//! item; an item without its essentials (a phrase, a quote's text) is skipped.

use super::transcripts::PAGE_ROWS;
use engine::transcript::{AwarenessLevel, Outcome};
use serde_json::Value;
use std::collections::BTreeMap;
use supabase_client::Query;

/// Stage names and what they mean, for people.
pub(crate) fn stage_label(level: AwarenessLevel) -> &'static str {
    match level {
        AwarenessLevel::Problem => "Problem aware",
        AwarenessLevel::Solution => "Solution aware",
        AwarenessLevel::Product => "Product aware",
    }
}

pub(crate) fn stage_meaning(level: AwarenessLevel) -> &'static str {
    match level {
        AwarenessLevel::Problem => {
            "Feels the pain but has no named solution yet. Content should name the problem and what it costs."
        }
        AwarenessLevel::Solution => {
            "Knows the kinds of solutions and compares approaches. Content should show why this approach wins."
        }
        AwarenessLevel::Product => {
            "Knows the offer and asks about price, terms and proof. Content should bring specifics and risk reversal."
        }
    }
}

pub(crate) fn parse_stage(value: &str) -> Option<AwarenessLevel> {
    AwarenessLevel::ALL
        .into_iter()
        .find(|level| level.as_str() == value)
}

fn objection_label(class: &str) -> String {
    match class {
        "price" => "Price / budget".to_owned(),
        "timing" => "Timing".to_owned(),
        "trust" => "Trust / risk".to_owned(),
        "authority" => "Someone else decides".to_owned(),
        "need_fit" => "Need / fit".to_owned(),
        "competitor" => "Competitor or status quo".to_owned(),
        other => sentence_case(other),
    }
}

fn signal_label(kind: &str) -> String {
    match kind {
        "commitment" => "Commitment".to_owned(),
        "logistics" => "Questions about logistics".to_owned(),
        "ownership" => "Talks as an owner".to_owned(),
        "desire" => "Desire".to_owned(),
        other => sentence_case(other),
    }
}

fn sentence_case(value: &str) -> String {
    let words = value.replace('_', " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn outcome_word(value: &str) -> &'static str {
    match value {
        "showed" => "showed",
        "no_show" => "no-show",
        "closed" => "closed",
        "lost" => "lost",
        _ => "other",
    }
}

/// A verbatim quote and where it was said.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct QuoteRef {
    pub(crate) transcript_id: String,
    pub(crate) turn_index: usize,
    pub(crate) start_ms: Option<u64>,
    pub(crate) text: String,
}

/// A stage's bar in the distribution.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct StageBar {
    pub(crate) level: AwarenessLevel,
    pub(crate) prospects: u32,
    /// Whole percent; the three add up to 100 (when there is anyone).
    pub(crate) percent: u32,
}

impl StageBar {
    /// The bar in words (the chart's text equivalent).
    pub(crate) fn sentence(&self) -> String {
        format!(
            "{}: {} {} ({}%)",
            stage_label(self.level),
            self.prospects,
            if self.prospects == 1 {
                "prospect"
            } else {
                "prospects"
            },
            self.percent
        )
    }
}

/// A finding (a pain, a desire, an objection class, a signal, a competitor, a phrase).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Finding {
    pub(crate) label: String,
    /// The prospect's words when the label is a class name ("price" → "too expensive").
    pub(crate) said: Option<String>,
    pub(crate) prospects: u32,
    pub(crate) mentions: u32,
    /// Share of the segment's prospects, when the report gives one.
    pub(crate) share: Option<f64>,
    pub(crate) quotes: Vec<QuoteRef>,
}

/// One stage's profile.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Segment {
    pub(crate) level: AwarenessLevel,
    pub(crate) prospects: u32,
    pub(crate) share: f64,
    pub(crate) show_rate: Option<f64>,
    pub(crate) pains: Vec<Finding>,
    pub(crate) desires: Vec<Finding>,
    pub(crate) objections: Vec<Finding>,
    pub(crate) buying_signals: Vec<Finding>,
    pub(crate) competitors: Vec<Finding>,
    pub(crate) phrases: Vec<Finding>,
}

impl Segment {
    /// 3–5 quotes that show the stage: the best quote of each top finding, no transcript twice.
    pub(crate) fn evidence(&self, max: usize) -> Vec<QuoteRef> {
        let mut picked: Vec<QuoteRef> = Vec::new();
        let lists = [
            &self.pains,
            &self.objections,
            &self.buying_signals,
            &self.phrases,
            &self.desires,
            &self.competitors,
        ];
        for round in 0..3 {
            for list in lists {
                for finding in list.iter().take(2) {
                    if picked.len() >= max {
                        return picked;
                    }
                    if let Some(quote) = finding.quotes.get(round)
                        && !picked
                            .iter()
                            .any(|have| have.transcript_id == quote.transcript_id)
                    {
                        picked.push(quote.clone());
                    }
                }
            }
        }
        picked
    }
}

/// A phrase that separates two outcome groups.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct OutcomePhrase {
    pub(crate) phrase: String,
    pub(crate) z: f64,
    pub(crate) prospects_a: u32,
    pub(crate) prospects_b: u32,
    pub(crate) quotes: Vec<QuoteRef>,
}

/// Phrases that separate group a from group b ("showed" vs "no-show").
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct OutcomeComparison {
    pub(crate) a: String,
    pub(crate) b: String,
    /// Said more by group a, strongest first.
    pub(crate) favour_a: Vec<OutcomePhrase>,
    /// Said more by group b, strongest first.
    pub(crate) favour_b: Vec<OutcomePhrase>,
}

impl OutcomeComparison {
    pub(crate) fn title(&self) -> String {
        let a = outcome_word(&self.a);
        let b = outcome_word(&self.b);
        format!("{} vs. {b}", sentence_case(a))
    }

    pub(crate) fn a_label(&self) -> &'static str {
        outcome_word(&self.a)
    }

    pub(crate) fn b_label(&self) -> &'static str {
        outcome_word(&self.b)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Recommendation {
    pub(crate) text: String,
    pub(crate) quotes: Vec<QuoteRef>,
}

/// The report of one completed job.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Report {
    pub(crate) job_id: String,
    pub(crate) created_at: String,
    pub(crate) distribution: Vec<StageBar>,
    pub(crate) segments: Vec<Segment>,
    pub(crate) comparisons: Vec<OutcomeComparison>,
    pub(crate) recommendations: Vec<Recommendation>,
}

/// The newest report of a client.
pub(crate) fn latest_result(client_id: &str) -> Query {
    Query::from("analysis_results")
        .select("job_id,created_at,awareness_distribution,segment_profiles,outcome_phrases,recommendations")
        .eq("client_id", client_id)
        .order("created_at", false)
        .limit(1)
}

/// The per-transcript stages of a job (page `page` of 1000), without the bulky insights.
pub(crate) fn insights_page(job_id: &str, page: u64) -> Query {
    Query::from("transcript_insights")
        .select("transcript_id,awareness_level,confidence")
        .eq("job_id", job_id)
        .order("transcript_id", true)
        .range(page * PAGE_ROWS, (page + 1) * PAGE_ROWS - 1)
}

/// The quotes that decided one transcript's stage (read when its row is opened).
pub(crate) fn stage_evidence(job_id: &str, transcript_id: &str) -> Query {
    Query::from("transcript_insights")
        .select("evidence:insights->stage->evidence")
        .eq("job_id", job_id)
        .eq("transcript_id", transcript_id)
}

fn text(value: &Value, key: &str) -> Option<String> {
    value
        .get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|text| !text.is_empty())
        .map(str::to_owned)
}

fn count(value: &Value, key: &str) -> u32 {
    value
        .get(key)
        .and_then(Value::as_f64)
        .filter(|n| n.is_finite() && *n >= 0.0)
        .map_or(0, |n| n.min(f64::from(u32::MAX)) as u32)
}

fn number(value: &Value, key: &str) -> Option<f64> {
    value
        .get(key)
        .and_then(Value::as_f64)
        .filter(|n| n.is_finite())
}

fn list<'a>(value: &'a Value, key: &str) -> &'a [Value] {
    value
        .get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

pub(crate) fn quote(value: &Value) -> Option<QuoteRef> {
    Some(QuoteRef {
        transcript_id: text(value, "transcript").or_else(|| text(value, "transcript_id"))?,
        turn_index: value
            .get("turn_index")
            .and_then(Value::as_u64)
            .and_then(|n| usize::try_from(n).ok())?,
        start_ms: value.get("start_ms").and_then(Value::as_u64),
        text: text(value, "text")?,
    })
}

pub(crate) fn quotes(values: &[Value]) -> Vec<QuoteRef> {
    values.iter().filter_map(quote).collect()
}

/// A finding: `label_key` names it (a phrase, a class, a kind, a name); `labeller` turns
/// class and kind keys into words, in which case the prospect's words go to `said`.
fn finding(
    value: &Value,
    label_key: &str,
    labeller: Option<fn(&str) -> String>,
) -> Option<Finding> {
    let key = text(value, label_key)?;
    let (label, said) = match labeller {
        Some(labeller) => (labeller(&key), text(value, "phrase")),
        None => (key, None),
    };
    Some(Finding {
        label,
        said,
        prospects: count(value, "prospects"),
        mentions: count(value, "mentions"),
        share: number(value, "share"),
        quotes: quotes(list(value, "quotes")),
    })
}

fn findings(
    segment: &Value,
    key: &str,
    label_key: &str,
    labeller: Option<fn(&str) -> String>,
) -> Vec<Finding> {
    list(segment, key)
        .iter()
        .filter_map(|value| finding(value, label_key, labeller))
        .collect()
}

fn segment(value: &Value) -> Option<Segment> {
    let level = parse_stage(&text(value, "level")?)?;
    Some(Segment {
        level,
        prospects: count(value, "prospects"),
        share: number(value, "share").unwrap_or(0.0),
        show_rate: number(value, "show_rate"),
        pains: findings(value, "pains", "phrase", None),
        desires: findings(value, "desires", "phrase", None),
        objections: findings(value, "objections", "class", Some(objection_label)),
        buying_signals: findings(value, "buying_signals", "kind", Some(signal_label)),
        competitors: findings(value, "competitors", "phrase", None),
        phrases: findings(value, "phrases", "phrase", None),
    })
}

/// Whole percents of `counts` that add up to 100 (largest remainder).
pub(crate) fn percents(counts: &[u32]) -> Vec<u32> {
    let total: u64 = counts.iter().map(|&c| u64::from(c)).sum();
    if total == 0 {
        return vec![0; counts.len()];
    }
    let mut floors: Vec<(usize, u64, u64)> = counts
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let scaled = u64::from(c) * 100;
            (i, scaled / total, scaled % total)
        })
        .collect();
    let mut left = 100 - floors.iter().map(|f| f.1).sum::<u64>();
    let mut order: Vec<usize> = (0..floors.len()).collect();
    order.sort_by(|&x, &y| floors[y].2.cmp(&floors[x].2).then(x.cmp(&y)));
    for index in order {
        if left == 0 {
            break;
        }
        floors[index].1 += 1;
        left -= 1;
    }
    floors.into_iter().map(|f| f.1 as u32).collect()
}

/// The distribution from any of the shapes it is stored in: `{"problem": 12, …}`,
/// `{"problem": {"prospects": 12, …}, …}` or `[{"level": "problem", "prospects": 12, …}]`.
pub(crate) fn distribution(value: &Value) -> Vec<StageBar> {
    let counts: Vec<u32> = AwarenessLevel::ALL
        .into_iter()
        .map(|level| {
            let name = level.as_str();
            match value {
                Value::Object(object) => match object.get(name) {
                    Some(Value::Number(n)) => {
                        n.as_u64().map_or(0, |n| n.min(u64::from(u32::MAX)) as u32)
                    }
                    Some(entry @ Value::Object(_)) => count(entry, "prospects"),
                    _ => 0,
                },
                Value::Array(entries) => entries
                    .iter()
                    .find(|entry| text(entry, "level").as_deref() == Some(name))
                    .map_or(0, |entry| count(entry, "prospects")),
                _ => 0,
            }
        })
        .collect();
    bars(&counts)
}

/// Bars for counts in stage order (problem, solution, product).
pub(crate) fn bars(counts: &[u32]) -> Vec<StageBar> {
    let percents = percents(counts);
    AwarenessLevel::ALL
        .into_iter()
        .zip(counts.iter().zip(percents))
        .map(|(level, (&prospects, percent))| StageBar {
            level,
            prospects,
            percent,
        })
        .collect()
}

/// Bars from a job's partial distribution (`{"problem": n, …}`).
pub(crate) fn partial_bars(counts: &BTreeMap<String, u32>) -> Vec<StageBar> {
    let counts: Vec<u32> = AwarenessLevel::ALL
        .into_iter()
        .map(|level| counts.get(level.as_str()).copied().unwrap_or(0))
        .collect();
    bars(&counts)
}

fn comparisons(values: &[Value]) -> Vec<OutcomeComparison> {
    let mut groups: Vec<OutcomeComparison> = Vec::new();
    for value in values {
        let (Some(a), Some(b), Some(phrase)) =
            (text(value, "a"), text(value, "b"), text(value, "phrase"))
        else {
            continue;
        };
        let Some(z) = number(value, "z") else {
            continue;
        };
        let entry = OutcomePhrase {
            phrase,
            z,
            prospects_a: count(value, "prospects_a"),
            prospects_b: count(value, "prospects_b"),
            quotes: quotes(list(value, "quotes")),
        };
        let index = match groups.iter().position(|group| group.a == a && group.b == b) {
            Some(index) => index,
            None => {
                groups.push(OutcomeComparison {
                    a,
                    b,
                    favour_a: Vec::new(),
                    favour_b: Vec::new(),
                });
                groups.len() - 1
            }
        };
        if z >= 0.0 {
            groups[index].favour_a.push(entry);
        } else {
            groups[index].favour_b.push(entry);
        }
    }
    for group in &mut groups {
        let strongest = |x: &OutcomePhrase, y: &OutcomePhrase| y.z.abs().total_cmp(&x.z.abs());
        group.favour_a.sort_by(strongest);
        group.favour_b.sort_by(strongest);
    }
    // Showed vs no-show first: the product's main question.
    groups.sort_by_key(|group| (group.a != "showed", group.a.clone()));
    groups
}

fn recommendations(values: &[Value]) -> Vec<Recommendation> {
    values
        .iter()
        .filter_map(|value| match value {
            Value::String(text) if !text.trim().is_empty() => Some(Recommendation {
                text: text.trim().to_owned(),
                quotes: Vec::new(),
            }),
            Value::Object(_) => Some(Recommendation {
                text: text(value, "text")?,
                quotes: quotes(list(value, "quotes")),
            }),
            _ => None,
        })
        .collect()
}

impl Report {
    /// Read an `analysis_results` row.
    pub(crate) fn from_row(row: &Value) -> Report {
        let mut segments: Vec<Segment> = list(row, "segment_profiles")
            .iter()
            .filter_map(segment)
            .collect();
        segments.sort_by_key(|segment| segment.level);
        segments.dedup_by_key(|segment| segment.level);
        Report {
            job_id: text(row, "job_id").unwrap_or_default(),
            created_at: text(row, "created_at").unwrap_or_default(),
            distribution: distribution(row.get("awareness_distribution").unwrap_or(&Value::Null)),
            segments,
            comparisons: comparisons(list(row, "outcome_phrases")),
            recommendations: recommendations(list(row, "recommendations")),
        }
    }

    pub(crate) fn prospects(&self) -> u32 {
        self.distribution.iter().map(|bar| bar.prospects).sum()
    }
}

/// One transcript's result in the per-transcript list.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TranscriptResult {
    pub(crate) transcript_id: String,
    pub(crate) file_name: String,
    pub(crate) level: AwarenessLevel,
    pub(crate) confidence: f64,
    pub(crate) outcome: Outcome,
}

/// How sure the stage is, in words.
pub(crate) fn confidence_label(confidence: f64) -> String {
    let word = if confidence >= 0.75 {
        "High"
    } else if confidence >= 0.5 {
        "Medium"
    } else {
        "Low"
    };
    format!("{word} ({:.0}%)", confidence.clamp(0.0, 1.0) * 100.0)
}

/// Join insight rows (`transcript_id`, `awareness_level`, `confidence`) with the transcripts'
/// names and outcomes. Rows of unknown stage are skipped; a transcript deleted since keeps its
/// result under "(deleted transcript)".
pub(crate) fn transcript_results(
    insights: &[Value],
    transcripts: &BTreeMap<String, (String, Outcome)>,
) -> Vec<TranscriptResult> {
    let mut results: Vec<TranscriptResult> = insights
        .iter()
        .filter_map(|row| {
            let transcript_id = text(row, "transcript_id")?;
            let level = parse_stage(&text(row, "awareness_level")?)?;
            // numeric columns arrive as numbers (or as strings from some servers).
            let confidence = match row.get("confidence") {
                Some(Value::Number(n)) => n.as_f64(),
                Some(Value::String(s)) => s.parse().ok(),
                _ => None,
            }
            .unwrap_or(0.0);
            let (file_name, outcome) = transcripts
                .get(&transcript_id)
                .cloned()
                .unwrap_or_else(|| ("(deleted transcript)".to_owned(), Outcome::Unknown));
            Some(TranscriptResult {
                transcript_id,
                file_name,
                level,
                confidence,
                outcome,
            })
        })
        .collect();
    results.sort_by(|a, b| {
        a.file_name
            .cmp(&b.file_name)
            .then(a.transcript_id.cmp(&b.transcript_id))
    });
    results
}

/// How the per-transcript list is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ResultOrder {
    Name,
    Stage,
    /// Least sure first: the ones worth a human look.
    Confidence,
}

impl ResultOrder {
    pub(crate) const ALL: [ResultOrder; 3] = [
        ResultOrder::Name,
        ResultOrder::Stage,
        ResultOrder::Confidence,
    ];

    pub(crate) fn label(self) -> &'static str {
        match self {
            ResultOrder::Name => "File name",
            ResultOrder::Stage => "Stage",
            ResultOrder::Confidence => "Least confident first",
        }
    }

    pub(crate) fn value(self) -> &'static str {
        match self {
            ResultOrder::Name => "name",
            ResultOrder::Stage => "stage",
            ResultOrder::Confidence => "confidence",
        }
    }

    pub(crate) fn parse(value: &str) -> ResultOrder {
        ResultOrder::ALL
            .into_iter()
            .find(|order| order.value() == value)
            .unwrap_or(ResultOrder::Name)
    }
}

/// Indexes of `results` to show: of one stage (or all), in `order`.
pub(crate) fn arrange(
    results: &[TranscriptResult],
    stage: Option<AwarenessLevel>,
    order: ResultOrder,
) -> Vec<usize> {
    let mut shown: Vec<usize> = (0..results.len())
        .filter(|&i| stage.is_none_or(|level| results[i].level == level))
        .collect();
    match order {
        ResultOrder::Name => {}
        ResultOrder::Stage => shown.sort_by_key(|&i| results[i].level),
        ResultOrder::Confidence => {
            shown.sort_by(|&x, &y| results[x].confidence.total_cmp(&results[y].confidence));
        }
    }
    shown
}

#[cfg(test)]
mod tests;
