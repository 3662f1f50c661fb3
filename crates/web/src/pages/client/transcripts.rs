//! The client's Transcripts tab.
//!
//! For now it lists the transcripts already stored for the client. The bulk uploader (drag and
//! drop of hundreds of files, in-browser parsing with the engine compiled to Wasm, per-file
//! progress and errors, role and outcome correction, duplicate detection, batch organizer and
//! the transcript viewer) belongs here: this module is its home. Use `use_client()` for the
//! client (`id`, `client`), `use_agencies()` for the agency id and role, `supabase()` for
//! queries and `Client::upload` (Storage with progress), and `components::{feedback, field,
//! dialog, toast}` for the states.

use super::use_client;
use crate::app::supabase;
use crate::components::feedback::{EmptyState, loaded};
use crate::model::format;
use leptos::prelude::*;
use serde::Deserialize;
use supabase_client::Query;

#[derive(Debug, Clone, PartialEq, Deserialize)]
struct TranscriptRow {
    id: String,
    file_name: String,
    #[serde(default)]
    source_format: Option<String>,
    parse_status: String,
    #[serde(default)]
    call_date: Option<String>,
    outcome: String,
}

#[component]
pub(crate) fn Transcripts() -> impl IntoView {
    let context = use_client();
    let api = supabase();
    let transcripts = LocalResource::new(move || {
        let api = api.clone();
        let client_id = context.id.get();
        async move {
            api.fetch::<Vec<TranscriptRow>>(
                &Query::from("transcripts")
                    .select("id, file_name, source_format, parse_status, call_date, outcome")
                    .eq("client_id", client_id)
                    .order("created_at", false)
                    .limit(500),
            )
            .await
        }
    });
    view! {
        <section class="card" aria-labelledby="transcripts-heading">
            <h2 id="transcripts-heading" class="card__title">"Transcripts"</h2>
            {loaded(transcripts, "the transcripts", |rows: Vec<TranscriptRow>| {
                if rows.is_empty() {
                    return view! {
                        <EmptyState
                            title="No transcripts yet"
                            text="Transcripts of this client's sales calls will be listed here once they are uploaded."
                        />
                    }
                    .into_any();
                }
                view! {
                    <div class="table-wrap">
                        <table class="table table--stacking">
                            <thead>
                                <tr>
                                    <th scope="col">"File"</th>
                                    <th scope="col">"Format"</th>
                                    <th scope="col">"Call date"</th>
                                    <th scope="col">"Outcome"</th>
                                    <th scope="col">"Status"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {rows.into_iter().map(|row| view! {
                                    <tr data-id=row.id.clone()>
                                        <th scope="row" data-label="File">{row.file_name.clone()}</th>
                                        <td data-label="Format">{row.source_format.clone().unwrap_or_else(|| "—".to_owned())}</td>
                                        <td data-label="Call date">
                                            {row.call_date.as_deref().and_then(format::parse_timestamp).map(format::date).unwrap_or_else(|| "—".to_owned())}
                                        </td>
                                        <td data-label="Outcome">{row.outcome.replace('_', " ")}</td>
                                        <td data-label="Status">{row.parse_status.clone()}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }
                .into_any()
            })}
        </section>
    }
}
