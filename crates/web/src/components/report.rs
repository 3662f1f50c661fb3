//! Pieces of the forensic report: a stage's card, quotes that open their transcript at the
//! place they were said, the phrases that separate outcomes, the recommendations. All text —
//! the prospects' words, names, generated advice — is rendered as text, never as markup.

use crate::model::report::{
    Finding, OutcomeComparison, OutcomePhrase, QuoteRef, Recommendation, Segment, stage_label,
    stage_meaning,
};
use crate::model::transcript_view::{timestamp, viewer_path};
use leptos::prelude::*;
use leptos_router::components::A;

/// Items shown per list in a card.
const TOP: usize = 5;

/// A verbatim quote with a link that opens its transcript at the quote.
#[component]
pub(crate) fn QuoteLink(client_id: String, quote: QuoteRef) -> impl IntoView {
    let href = viewer_path(
        &client_id,
        &quote.transcript_id,
        Some(quote.turn_index),
        Some(&quote.text),
    );
    let place = match quote.start_ms {
        Some(ms) => format!("Open in the transcript at {}", timestamp(ms)),
        None => format!("Open in the transcript (turn {})", quote.turn_index + 1),
    };
    view! {
        <blockquote class="quote">
            <p class="quote__text">{format!("“{}”", quote.text)}</p>
            <footer class="quote__source"><A href=href attr:class="quote__link">{place}</A></footer>
        </blockquote>
    }
}

fn finding_line(finding: &Finding) -> String {
    let mut line = finding.label.clone();
    if let Some(said) = finding.said.as_ref().filter(|said| **said != finding.label) {
        line.push_str(&format!(" — “{said}”"));
    }
    let mut counts = Vec::new();
    if let Some(share) = finding.share {
        counts.push(format!("{:.0}% of this stage", share * 100.0));
    }
    if finding.prospects > 0 {
        counts.push(format!(
            "{} {}",
            finding.prospects,
            if finding.prospects == 1 {
                "prospect"
            } else {
                "prospects"
            }
        ));
    }
    if !counts.is_empty() {
        line.push_str(&format!(" ({})", counts.join(", ")));
    }
    line
}

#[component]
fn Findings(title: &'static str, findings: Vec<Finding>, empty: &'static str) -> impl IntoView {
    view! {
        <section class="segment__section">
            <h4 class="segment__heading">{title}</h4>
            {if findings.is_empty() {
                view! { <p class="muted">{empty}</p> }.into_any()
            } else {
                view! {
                    <ul class="segment__list">
                        {findings.iter().take(TOP).map(|finding| view! { <li>{finding_line(finding)}</li> }).collect_view()}
                    </ul>
                }
                .into_any()
            }}
        </section>
    }
}

fn level_class(segment: &Segment) -> &'static str {
    match segment.level {
        engine::transcript::AwarenessLevel::Problem => "segment--problem",
        engine::transcript::AwarenessLevel::Solution => "segment--solution",
        engine::transcript::AwarenessLevel::Product => "segment--product",
    }
}

/// Everything about one stage's prospects.
#[component]
pub(crate) fn SegmentCard(client_id: String, segment: Segment) -> impl IntoView {
    let heading = format!(
        "{} · {:.0}% ({} {})",
        stage_label(segment.level),
        segment.share * 100.0,
        segment.prospects,
        if segment.prospects == 1 {
            "prospect"
        } else {
            "prospects"
        }
    );
    let evidence = segment.evidence(5);
    let client = StoredValue::new(client_id);
    view! {
        <article class=format!("segment {}", level_class(&segment))>
            <h3 class="segment__title">{heading}</h3>
            <p class="segment__meaning">{stage_meaning(segment.level)}</p>
            {segment.show_rate.map(|rate| view! {
                <p class="segment__rate">{format!("Show rate of this stage: {:.0}%", rate * 100.0)}</p>
            })}
            <div class="segment__grid">
                <Findings title="Top pains" findings=segment.pains.clone() empty="No pain came up often."/>
                <Findings title="What they want" findings=segment.desires.clone() empty="No desire came up often."/>
                <Findings title="Objections by kind" findings=segment.objections.clone() empty="No objections raised."/>
                <Findings title="Buying signals" findings=segment.buying_signals.clone() empty="No buying signals."/>
                <Findings title="Competitors and alternatives" findings=segment.competitors.clone() empty="None mentioned."/>
                <Findings title="Their own words" findings=segment.phrases.clone() empty="No phrase recurs yet."/>
            </div>
            <section class="segment__section">
                <h4 class="segment__heading">"Evidence"</h4>
                {if evidence.is_empty() {
                    view! { <p class="muted">"No quotes for this stage."</p> }.into_any()
                } else {
                    evidence
                        .into_iter()
                        .map(|quote| view! { <QuoteLink client_id=client.get_value() quote=quote/> })
                        .collect_view()
                        .into_any()
                }}
            </section>
        </article>
    }
}

#[component]
fn PhraseList(client_id: String, title: String, phrases: Vec<OutcomePhrase>) -> impl IntoView {
    view! {
        <section class="outcomes__side">
            <h4 class="segment__heading">{title}</h4>
            {if phrases.is_empty() {
                view! { <p class="muted">"Nothing stands out."</p> }.into_any()
            } else {
                view! {
                    <ul class="segment__list">
                        {phrases.into_iter().take(8).map(|phrase| {
                            let quote = phrase.quotes.first().cloned();
                            let client_id = client_id.clone();
                            view! {
                                <li>
                                    <span class="strong">{format!("“{}”", phrase.phrase)}</span>
                                    {format!(" — {} vs. {} prospects", phrase.prospects_a, phrase.prospects_b)}
                                    {quote.map(|quote| view! { <QuoteLink client_id=client_id quote=quote/> })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }
                .into_any()
            }}
        </section>
    }
}

/// Phrases that separate showed from no-show (and closed from lost).
#[component]
pub(crate) fn OutcomePhrases(
    client_id: String,
    comparisons: Vec<OutcomeComparison>,
) -> impl IntoView {
    view! {
        <section class="card outcomes" aria-labelledby="outcomes-heading">
            <h3 id="outcomes-heading" class="card__title">"Words that go with the outcome"</h3>
            {if comparisons.is_empty() {
                view! {
                    <p class="muted">
                        "Mark the outcome of calls (showed, no-show, closed, lost) on the Transcripts tab, or add a CSV with outcomes, to see which words go with which outcome."
                    </p>
                }
                .into_any()
            } else {
                comparisons.into_iter().map(|comparison| {
                    let title = comparison.title();
                    let a = format!("Said more by prospects who {}", said_by(comparison.a_label()));
                    let b = format!("Said more by prospects who {}", said_by(comparison.b_label()));
                    view! {
                        <div class="outcomes__comparison">
                            <h4 class="outcomes__title">{title}</h4>
                            <div class="outcomes__sides">
                                <PhraseList client_id=client_id.clone() title=a phrases=comparison.favour_a/>
                                <PhraseList client_id=client_id.clone() title=b phrases=comparison.favour_b/>
                            </div>
                        </div>
                    }
                }).collect_view().into_any()
            }}
            <p class="muted small">"A ranking of what was said more often in one group than the other, not proof of cause."</p>
        </section>
    }
}

fn said_by(group: &str) -> &'static str {
    match group {
        "showed" => "showed up",
        "no-show" => "did not show up",
        "closed" => "bought",
        "lost" => "did not buy",
        _ => "had this outcome",
    }
}

/// The plain-language recommendations, each with the quote it rests on.
#[component]
pub(crate) fn Recommendations(
    client_id: String,
    recommendations: Vec<Recommendation>,
) -> impl IntoView {
    (!recommendations.is_empty()).then(|| {
        view! {
            <section class="card recommendations" aria-labelledby="recommendations-heading">
                <h3 id="recommendations-heading" class="card__title">"What to do next"</h3>
                <ol class="recommendations__list">
                    {recommendations.into_iter().map(|recommendation| {
                        let quote = recommendation.quotes.first().cloned();
                        let client_id = client_id.clone();
                        view! {
                            <li>
                                <p>{recommendation.text}</p>
                                {quote.map(|quote| view! { <QuoteLink client_id=client_id quote=quote/> })}
                            </li>
                        }
                    }).collect_view()}
                </ol>
            </section>
        }
    })
}
