//! The client's stored transcripts with the batch organizer: filters (outcome, status, call
//! date, text), selection (one by one or every shown row), "Analyze selected", and role and
//! outcome correction per transcript. The list is virtualized: thousands of rows stay smooth.

use super::corrections::Corrections;
use crate::components::unique_id;
use crate::components::virtual_list::VirtualList;
use crate::model::format;
use crate::model::transcript_view::viewer_path;
use crate::model::transcripts::{
    self as rows, Filter, OUTCOMES, Selection, Status, TranscriptRow, duration_label, format_label,
    outcome_label, outcome_value, parse_outcome, status_of,
};
use crate::pages::client::analysis::start::start_analysis;
use engine::transcript::{Outcome, Role};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use std::collections::BTreeSet;
use supabase_client::Error;
use supabase_client::browser::Client;

/// Every stored transcript of a client (page by page), newest first.
pub(crate) async fn load_rows(api: &Client, client_id: &str) -> Result<Vec<TranscriptRow>, Error> {
    api.fetch_pages(rows::PAGE_ROWS, |page| rows::list_page(client_id, page))
        .await
}

/// The ids of the client's transcripts that are in a completed analysis.
pub(crate) async fn load_analyzed(
    api: &Client,
    client_id: &str,
) -> Result<BTreeSet<String>, Error> {
    #[derive(serde::Deserialize)]
    struct Id {
        id: String,
    }
    #[derive(serde::Deserialize)]
    struct Analyzed {
        transcript_id: String,
    }
    let jobs: Vec<Id> = api.fetch(&rows::completed_jobs(client_id)).await?;
    let job_ids: Vec<String> = jobs.into_iter().map(|job| job.id).collect();
    if job_ids.is_empty() {
        return Ok(BTreeSet::new());
    }
    let analyzed: Vec<Analyzed> = api
        .fetch_pages(rows::PAGE_ROWS, |page| rows::analyzed_in(&job_ids, page))
        .await?;
    Ok(analyzed.into_iter().map(|row| row.transcript_id).collect())
}

#[component]
pub(crate) fn Library(
    client_id: String,
    api: StoredValue<Client, LocalStorage>,
    rows: RwSignal<Vec<TranscriptRow>>,
    analyzed: RwSignal<BTreeSet<String>>,
) -> impl IntoView {
    let filter = RwSignal::new(Filter::default());
    let selection = RwSignal::new(Selection::default());
    let expanded: RwSignal<Option<String>> = RwSignal::new(None);
    // Indexes of the rows the filter keeps.
    let shown = Memo::new(move |_| {
        let filter = filter.get();
        rows.with(|rows| analyzed.with(|analyzed| rows::filtered(rows, &filter, analyzed)))
    });
    Effect::new(move |_| {
        rows.with(|rows| selection.update(|selection| selection.retain_existing(rows)))
    });
    // The rows the organizer shows, by reference (no copies of thousands of rows per click).
    let all_selected = Memo::new(move |_| {
        rows.with(|all| {
            shown.with(|shown| {
                selection.with(|selection| selection.covers(shown.iter().map(|&index| &all[index])))
            })
        })
    });
    let count = Signal::derive(move || shown.with(Vec::len));
    // What the list area shows; the list itself is built once, not again on every change.
    let shows = Memo::new(move |_| {
        if rows.with(Vec::is_empty) {
            Shows::Nothing
        } else if count.get() == 0 {
            Shows::NoMatch
        } else {
            Shows::List
        }
    });
    let starting = RwSignal::new(false);
    let start_error: RwSignal<Option<String>> = RwSignal::new(None);
    let navigate = use_navigate();
    let client = StoredValue::new(client_id.clone());
    let analyze_selected = move |_| {
        let ids = selection.with_untracked(Selection::ids);
        if ids.is_empty() || starting.get_untracked() {
            return;
        }
        starting.set(true);
        start_error.set(None);
        let navigate = navigate.clone();
        let api = api.get_value();
        let client_id = client.get_value();
        spawn_local(async move {
            match start_analysis(&api, &client_id, Some(ids)).await {
                Ok(_) => navigate(
                    &format!("/clients/{client_id}/analysis"),
                    NavigateOptions::default(),
                ),
                Err(message) => start_error.set(Some(message)),
            }
            starting.set(false);
        });
    };

    let correct = move |transcript_id: String, query: supabase_client::Query| {
        let api = api.get_value();
        spawn_local(async move {
            if let Ok(mut saved) = api.fetch::<Vec<TranscriptRow>>(&query).await
                && !saved.is_empty()
            {
                let row = saved.remove(0);
                rows.update(|rows| {
                    if let Some(existing) = rows
                        .iter_mut()
                        .find(|existing| existing.id == transcript_id)
                    {
                        *existing = row;
                    }
                });
            }
        });
    };

    let row_view = move |index: usize| {
        let row = shown
            .with_untracked(|shown| shown.get(index).copied())
            .and_then(|position| rows.with_untracked(|rows| rows.get(position).cloned()))?;
        let id = row.id.clone();
        let checkbox_id = unique_id("pick");
        let selectable = row.parse_status == "parsed";
        let checked = {
            let id = id.clone();
            move || selection.with(|selection| selection.contains(&id))
        };
        let toggle = {
            let row = row.clone();
            move |_| selection.update(|selection| selection.toggle(&row))
        };
        let open = {
            let id = id.clone();
            Memo::new(move |_| expanded.with(|expanded| expanded.as_deref() == Some(id.as_str())))
        };
        let toggle_open = {
            let id = id.clone();
            move |_| {
                expanded.update(|expanded| {
                    *expanded = if expanded.as_deref() == Some(id.as_str()) {
                        None
                    } else {
                        Some(id.clone())
                    };
                })
            }
        };
        let live = {
            let id = id.clone();
            Memo::new(move |_| rows.with(|rows| rows.iter().find(|row| row.id == id).cloned()))
        };
        let speakers = Signal::derive(move || {
            live.with(|row| {
                row.as_ref()
                    .map(|row| row.speakers.clone())
                    .unwrap_or_default()
            })
        });
        let outcome = Signal::derive(move || {
            live.with(|row| row.as_ref().map_or(Outcome::Unknown, |row| row.outcome))
        });
        let on_role = {
            let id = id.clone();
            Callback::new(move |(speaker, role): (String, Role)| {
                let mut speakers = speakers.get_untracked();
                if rows::set_role(&mut speakers, &speaker, role) {
                    correct(id.clone(), rows::update_speakers(&id, &speakers));
                }
            })
        };
        let on_outcome = {
            let id = id.clone();
            Callback::new(move |outcome: Outcome| {
                correct(id.clone(), rows::update_outcome(&id, outcome))
            })
        };
        let status = analyzed.with_untracked(|analyzed| status_of(&row, analyzed));
        let details = [
            row.source_format
                .map(|format| format_label(format).to_owned()),
            row.call_date.clone(),
            row.duration_ms.map(duration_label),
            Some(format::count(
                row.speakers.len() as i64,
                "speaker",
                "speakers",
            )),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" · ");
        let href = viewer_path(&client.get_value(), &row.id, None, None);
        Some(view! {
            <div class="library-row">
                <div class="library-row__main">
                    <input
                        type="checkbox"
                        id=checkbox_id.clone()
                        disabled=!selectable
                        prop:checked=checked
                        on:change=toggle
                    />
                    <label for=checkbox_id class="visually-hidden">{format!("Select {}", row.file_name)}</label>
                    <A href=href attr:class="library-row__name">{row.file_name.clone()}</A>
                    <span class=format!("badge badge--{}", status.value())>{status.label()}</span>
                    <span class="library-row__outcome">{move || outcome_label(outcome.get())}</span>
                    {selectable.then(|| view! {
                        <button
                            type="button"
                            class="button button--small button--ghost"
                            aria-expanded=move || open.get().to_string()
                            on:click=toggle_open
                        >
                            "Roles and outcome"
                        </button>
                    })}
                </div>
                <p class="library-row__details muted">{details}</p>
                {row.parse_error.clone().map(|error| view! { <p class="status-error">{format!("Could not be read: {error}")}</p> })}
                {move || open.get().then(|| view! {
                    <Corrections speakers=speakers outcome=outcome on_role=on_role on_outcome=on_outcome disabled=false/>
                })}
            </div>
        })
    };

    view! {
        <section class="card library" aria-labelledby="library-heading">
            <h2 id="library-heading" class="card__title">
                {move || format!("Stored transcripts ({})", rows.with(Vec::len))}
            </h2>
            <Organizer filter=filter/>
            <div class="library__bar">
                <label class="library__select-all">
                    <input
                        type="checkbox"
                        prop:checked=move || all_selected.get()
                        disabled=move || count.get() == 0
                        on:change=move |event| {
                            let checked = event_target_checked(&event);
                            rows.with_untracked(|all| shown.with_untracked(|shown| {
                                let shown = shown.iter().map(|&index| &all[index]);
                                selection.update(|selection| {
                                    if checked {
                                        selection.select_all(shown);
                                    } else {
                                        for row in shown {
                                            if selection.contains(&row.id) {
                                                selection.toggle(row);
                                            }
                                        }
                                    }
                                });
                            }));
                        }
                    />
                    {move || format!("Select all {} shown", count.get())}
                </label>
                <span class="library__outcomes muted">{move || {
                    rows.with(|all| shown.with(|shown| rows::outcome_counts(shown.iter().map(|&index| &all[index]))))
                        .into_iter()
                        .map(|(outcome, count)| format!("{count} {}", outcome_label(outcome).to_lowercase()))
                        .collect::<Vec<_>>()
                        .join(" · ")
                }}</span>
                <span class="library__selected" role="status">
                    {move || format!("{} selected", selection.with(Selection::len))}
                </span>
                <button
                    type="button"
                    class="button button--secondary button--small"
                    disabled=move || selection.with(Selection::is_empty)
                    on:click=move |_| selection.update(Selection::clear)
                >
                    "Clear selection"
                </button>
                <button
                    type="button"
                    class="button button--primary"
                    disabled=move || selection.with(Selection::is_empty) || starting.get()
                    on:click=analyze_selected
                >
                    {move || if starting.get() {
                        "Starting…".to_owned()
                    } else {
                        format!("Analyze selected ({})", selection.with(Selection::len))
                    }}
                </button>
            </div>
            {move || start_error.get().map(|message| view! { <p class="inline-error" role="alert">{message}</p> })}
            {move || match shows.get() {
                Shows::Nothing => view! { <p class="empty-state__text">"No transcripts stored yet. Drop files above to add some."</p> }.into_any(),
                Shows::NoMatch => view! { <p class="empty-state__text">"No transcript matches these filters."</p> }.into_any(),
                Shows::List => {
                view! {
                    <VirtualList
                        count=count
                        key=Callback::new(move |index: usize| {
                            shown.with_untracked(|shown| shown.get(index).copied())
                                .and_then(|position| rows.with_untracked(|rows| rows.get(position).map(|row| {
                                    // Re-render a row when what it shows changes.
                                    format!("{}:{}:{}", row.id, outcome_value(row.outcome), row.speakers.len())
                                })))
                                .unwrap_or_default()
                        })
                        estimate=Callback::new(|_| 72.0)
                        label="Stored transcripts"
                        class="library__list"
                        row=row_view
                    />
                }
                .into_any()
                }
            }}
        </section>
    }
}

/// What the stored-transcripts area shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shows {
    Nothing,
    NoMatch,
    List,
}

/// The organizer's filters.
#[component]
fn Organizer(filter: RwSignal<Filter>) -> impl IntoView {
    let (search, outcome, status, from, to) = (
        unique_id("search"),
        unique_id("outcome"),
        unique_id("status"),
        unique_id("from"),
        unique_id("to"),
    );
    view! {
        <div class="organizer" role="group" aria-label="Filter transcripts">
            <div class="organizer__field organizer__field--wide">
                <label for=search.clone()>"Search"</label>
                <input
                    id=search
                    type="search"
                    placeholder="File, rep or prospect name"
                    prop:value=move || filter.with(|filter| filter.search.clone())
                    on:input=move |event| filter.update(|filter| filter.search = event_target_value(&event))
                />
            </div>
            <div class="organizer__field">
                <label for=outcome.clone()>"Outcome"</label>
                <select
                    id=outcome
                    on:change=move |event| filter.update(|filter| filter.outcome = parse_outcome(&event_target_value(&event)))
                >
                    <option value="" selected=move || filter.with(|filter| filter.outcome.is_none())>"All outcomes"</option>
                    {OUTCOMES.into_iter().map(|value| view! {
                        <option value=outcome_value(value) selected=move || filter.with(|filter| filter.outcome == Some(value))>
                            {outcome_label(value)}
                        </option>
                    }).collect_view()}
                </select>
            </div>
            <div class="organizer__field">
                <label for=status.clone()>"Status"</label>
                <select
                    id=status
                    on:change=move |event| filter.update(|filter| filter.status = Status::parse(&event_target_value(&event)))
                >
                    <option value="" selected=move || filter.with(|filter| filter.status.is_none())>"Any status"</option>
                    {Status::ALL.into_iter().map(|value| view! {
                        <option value=value.value() selected=move || filter.with(|filter| filter.status == Some(value))>
                            {value.label()}
                        </option>
                    }).collect_view()}
                </select>
            </div>
            <div class="organizer__field">
                <label for=from.clone()>"Call date from"</label>
                <input
                    id=from
                    type="date"
                    prop:value=move || filter.with(|filter| filter.from.clone().unwrap_or_default())
                    on:change=move |event| filter.update(|filter| filter.from = non_empty(event_target_value(&event)))
                />
            </div>
            <div class="organizer__field">
                <label for=to.clone()>"to"</label>
                <input
                    id=to
                    type="date"
                    prop:value=move || filter.with(|filter| filter.to.clone().unwrap_or_default())
                    on:change=move |event| filter.update(|filter| filter.to = non_empty(event_target_value(&event)))
                />
            </div>
            <button
                type="button"
                class="button button--ghost button--small"
                disabled=move || filter.with(Filter::is_empty)
                on:click=move |_| filter.set(Filter::default())
            >
                "Reset filters"
            </button>
        </div>
    }
}

fn non_empty(value: String) -> Option<String> {
    (!value.trim().is_empty()).then_some(value)
}
