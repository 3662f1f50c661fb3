//! The client's Analysis tab.
//!
//! For now it lists the client's analysis runs and where each stands. "Start analysis", live
//! progress from the private Realtime topic `job:<id>` (use `app::realtime()`; it survives a
//! reload because the job row is read first), and the forensic report (awareness distribution,
//! stage cards with quotes, outcome phrases, per-transcript stages) belong here: this module is
//! their home. Use `use_client()`, `use_agencies()`, `supabase()` and the shared components.

use super::use_client;
use crate::app::supabase;
use crate::components::feedback::{EmptyState, loaded};
use crate::components::now;
use crate::model::format;
use leptos::prelude::*;
use serde::Deserialize;
use supabase_client::Query;

#[derive(Debug, Clone, PartialEq, Deserialize)]
struct JobRow {
    id: String,
    status: String,
    transcripts_total: i64,
    transcripts_done: i64,
    created_at: String,
}

#[component]
pub(crate) fn Analysis() -> impl IntoView {
    let context = use_client();
    let api = supabase();
    let jobs = LocalResource::new(move || {
        let api = api.clone();
        let client_id = context.id.get();
        async move {
            api.fetch::<Vec<JobRow>>(
                &Query::from("analysis_jobs")
                    .select("id, status, transcripts_total, transcripts_done, created_at")
                    .eq("client_id", client_id)
                    .order("created_at", false)
                    .limit(20),
            )
            .await
        }
    });
    view! {
        <section class="card" aria-labelledby="analysis-heading">
            <h2 id="analysis-heading" class="card__title">"Analyses"</h2>
            {loaded(jobs, "the analyses", |rows: Vec<JobRow>| {
                if rows.is_empty() {
                    return view! {
                        <EmptyState
                            title="No analysis yet"
                            text="Analyses of this client's transcripts will be listed here with their progress."
                        />
                    }
                    .into_any();
                }
                let now = now();
                view! {
                    <ul class="list">
                        {rows.into_iter().map(|row| view! {
                            <li class="list__item" data-id=row.id.clone()>
                                <span class="strong">{format!("{} · {} of {} transcripts", row.status, row.transcripts_done, row.transcripts_total)}</span>
                                <span class="muted">{format!(" · started {}", format::relative_timestamp(&row.created_at, now))}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                }
                .into_any()
            })}
        </section>
    }
}
