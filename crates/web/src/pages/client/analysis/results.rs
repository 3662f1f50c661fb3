//! Per-transcript results of an analysis: each transcript's stage with confidence, filterable
//! by stage and sortable; a row opens the quotes that decided it. Virtualized: a thousand
//! results render as fast as ten.

use crate::components::report::QuoteLink;
use crate::components::unique_id;
use crate::components::virtual_list::VirtualList;
use crate::model::report::{
    ResultOrder, TranscriptResult, arrange, confidence_label, parse_stage, quote, stage_evidence,
    stage_label,
};
use crate::model::transcript_view::viewer_path;
use crate::model::transcripts::outcome_label;
use engine::transcript::AwarenessLevel;
use leptos::prelude::*;
use leptos_router::components::A;
use serde_json::Value;
use supabase_client::browser::Client;

#[component]
pub(crate) fn TranscriptResults(
    client_id: String,
    job_id: String,
    results: Vec<TranscriptResult>,
    api: StoredValue<Client, LocalStorage>,
) -> impl IntoView {
    let results = StoredValue::new(results);
    let stage: RwSignal<Option<AwarenessLevel>> = RwSignal::new(None);
    let order = RwSignal::new(ResultOrder::Name);
    let shown = Memo::new(move |_| {
        let (stage, order) = (stage.get(), order.get());
        results.with_value(|results| arrange(results, stage, order))
    });
    let count = Signal::derive(move || shown.with(Vec::len));
    let open: RwSignal<Option<String>> = RwSignal::new(None);
    let client = StoredValue::new(client_id);
    let job = StoredValue::new(job_id);
    let (stage_id, order_id) = (unique_id("stage"), unique_id("order"));

    let row = move |index: usize| {
        let result = shown
            .with_untracked(|shown| shown.get(index).copied())
            .and_then(|position| results.with_value(|results| results.get(position).cloned()))?;
        let id = result.transcript_id.clone();
        let is_open = {
            let id = id.clone();
            Memo::new(move |_| open.with(|open| open.as_deref() == Some(id.as_str())))
        };
        let toggle = {
            let id = id.clone();
            move |_| {
                open.update(|open| {
                    *open = if open.as_deref() == Some(id.as_str()) {
                        None
                    } else {
                        Some(id.clone())
                    }
                })
            }
        };
        let href = viewer_path(&client.get_value(), &result.transcript_id, None, None);
        Some(view! {
            <div class="result-row">
                <div class="result-row__main">
                    <A href=href attr:class="result-row__name">{result.file_name.clone()}</A>
                    <span class=format!("badge badge--{}", result.level.as_str())>{stage_label(result.level)}</span>
                    <span class="result-row__confidence">{confidence_label(result.confidence)}</span>
                    <span class="result-row__outcome muted">{outcome_label(result.outcome)}</span>
                    <button
                        type="button"
                        class="button button--small button--ghost"
                        aria-expanded=move || is_open.get().to_string()
                        on:click=toggle
                    >
                        "Why this stage?"
                    </button>
                </div>
                {move || is_open.get().then(|| view! {
                    <Evidence client_id=client.get_value() job_id=job.get_value() transcript_id=id.clone() api=api/>
                })}
            </div>
        })
    };

    view! {
        <section class="card results" aria-labelledby="results-heading">
            <h3 id="results-heading" class="card__title">
                {move || format!("Each transcript ({} of {})", count.get(), results.with_value(Vec::len))}
            </h3>
            <div class="organizer" role="group" aria-label="Filter and order the results">
                <div class="organizer__field">
                    <label for=stage_id.clone()>"Stage"</label>
                    <select id=stage_id on:change=move |event| stage.set(parse_stage(&event_target_value(&event)))>
                        <option value="">"All stages"</option>
                        {AwarenessLevel::ALL.into_iter().map(|level| view! {
                            <option value=level.as_str()>{stage_label(level)}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="organizer__field">
                    <label for=order_id.clone()>"Order by"</label>
                    <select id=order_id on:change=move |event| order.set(ResultOrder::parse(&event_target_value(&event)))>
                        {ResultOrder::ALL.into_iter().map(|value| view! {
                            <option value=value.value()>{value.label()}</option>
                        }).collect_view()}
                    </select>
                </div>
            </div>
            <VirtualList
                count=count
                key=Callback::new(move |index: usize| {
                    shown.with_untracked(|shown| shown.get(index).copied())
                        .and_then(|position| results.with_value(|results| results.get(position).map(|result| result.transcript_id.clone())))
                        .unwrap_or_default()
                })
                estimate=Callback::new(|_| 52.0)
                label="Stage of each transcript"
                class="results__list"
                row=row
            />
        </section>
    }
}

/// The quotes that decided one transcript's stage, read when asked for.
#[component]
fn Evidence(
    client_id: String,
    job_id: String,
    transcript_id: String,
    api: StoredValue<Client, LocalStorage>,
) -> impl IntoView {
    let quotes = LocalResource::new(move || {
        let api = api.get_value();
        let query = stage_evidence(&job_id, &transcript_id);
        async move {
            let rows: Vec<Value> = api.fetch(&query).await?;
            Ok::<_, supabase_client::Error>(
                rows.first()
                    .and_then(|row| row.get("evidence"))
                    .and_then(Value::as_array)
                    .map(|evidence| {
                        evidence
                            .iter()
                            .filter_map(|item| item.get("quote").and_then(quote))
                            .take(3)
                            .collect::<Vec<_>>()
                    })
                    .unwrap_or_default(),
            )
        }
    });
    let client = StoredValue::new(client_id);
    view! {
        <div class="result-row__evidence">
            {move || match quotes.get() {
                None => view! { <p class="muted" role="status">"Loading the quotes…"</p> }.into_any(),
                Some(Err(error)) => view! { <p class="status-error">{error.user_message()}</p> }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! { <p class="muted">"No quotes were kept for this transcript."</p> }.into_any(),
                Some(Ok(list)) => list
                    .into_iter()
                    .map(|quote| view! { <QuoteLink client_id=client.get_value() quote=quote/> })
                    .collect_view()
                    .into_any(),
            }}
        </div>
    }
}
