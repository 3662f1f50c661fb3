//! The client's Analysis tab: "Start analysis" (every transcript not analyzed yet; a chosen
//! batch starts from the Transcripts tab), the live progress of a running analysis (found
//! again after a reload), and the forensic report of the latest completed one.

mod progress;
mod results;
pub(crate) mod start;

use super::use_client;
use crate::app::supabase;
use crate::components::charts::DistributionChart;
use crate::components::report::{OutcomePhrases, Recommendations, SegmentCard};
use crate::model::analysis_job::{JobProgress, JobStatus, recent_jobs};
use crate::model::report::{
    Report, TranscriptResult, insights_page, latest_result, transcript_results,
};
use crate::model::transcripts::{PAGE_ROWS, TranscriptName, names_page};
use engine::transcript::{AwarenessLevel, Outcome};
use leptos::prelude::*;
use leptos::task::spawn_local;
use progress::JobProgressPanel;
use results::TranscriptResults;
use serde_json::Value;
use start::start_analysis;
use std::collections::BTreeMap;
use supabase_client::Error;
use supabase_client::browser::Client;

/// The Analysis tab of the client page (shown once the client is loaded).
#[component]
pub(crate) fn Analysis() -> impl IntoView {
    let context = use_client();
    // Only a different client starts the tab afresh (not a refetch of the same one).
    let id = Memo::new(move |_| context.get().map(|client| client.id));
    move || {
        id.get()
            .map(|client_id| view! { <AnalysisTab client_id=client_id/> })
    }
}

#[component]
pub(crate) fn AnalysisTab(client_id: String) -> impl IntoView {
    let api = StoredValue::new_local(supabase());
    let client = StoredValue::new(client_id);
    let active: RwSignal<Option<JobProgress>> = RwSignal::new(None);
    let looked_up = RwSignal::new(false);
    let lookup_error: RwSignal<Option<Error>> = RwSignal::new(None);
    let finished_note: RwSignal<Option<(JobStatus, String)>> = RwSignal::new(None);
    let report_version = RwSignal::new(0_u32);
    let starting = RwSignal::new(false);
    let start_error: RwSignal<Option<String>> = RwSignal::new(None);

    // A running job survives a reload: find it, then follow it.
    let look_up = move || {
        lookup_error.set(None);
        spawn_local(async move {
            match api
                .get_value()
                .fetch::<Vec<JobProgress>>(&recent_jobs(&client.get_value()))
                .await
            {
                Ok(jobs) => active.set(jobs.into_iter().find(|job| !job.status.is_finished())),
                Err(error) => lookup_error.set(Some(error)),
            }
            looked_up.set(true);
        });
    };
    look_up();

    let report = LocalResource::new(move || {
        report_version.track();
        let api = api.get_value();
        let client_id = client.get_value();
        async move { load_report(&api, &client_id).await }
    });

    let start = move |_| {
        if starting.get_untracked() {
            return;
        }
        starting.set(true);
        start_error.set(None);
        finished_note.set(None);
        spawn_local(async move {
            match start_analysis(&api.get_value(), &client.get_value(), None).await {
                Ok(job_id) => active.set(Some(JobProgress::queued(&job_id))),
                Err(message) => start_error.set(Some(message)),
            }
            starting.set(false);
        });
    };
    let on_finished = Callback::new(move |job: JobProgress| {
        let text = match job.status {
            JobStatus::Completed => format!("Analysis complete: {}.", job.detail()),
            JobStatus::Cancelled => {
                "The analysis was cancelled. Nothing from it was kept.".to_owned()
            }
            _ => format!(
                "The analysis stopped: {}",
                job.error
                    .clone()
                    .unwrap_or_else(|| "no transcript could be analyzed".to_owned())
            ),
        };
        finished_note.set(Some((job.status, text)));
        active.set(None);
        report_version.update(|version| *version += 1);
    });

    view! {
        <div class="analysis-tab">
            <section class="card start-panel" aria-labelledby="start-heading">
                <h2 id="start-heading" class="card__title">"Analysis"</h2>
                <p class="muted">
                    "Find each prospect's stage of awareness, their pains, objections and own words, in batches. To analyze only some transcripts, select them on the Transcripts tab."
                </p>
                <button
                    type="button"
                    class="button button--primary"
                    disabled=move || starting.get() || active.with(Option::is_some) || !looked_up.get()
                    on:click=start
                >
                    {move || if starting.get() { "Starting…" } else { "Start analysis" }}
                </button>
                {move || start_error.get().map(|message| view! { <p class="inline-error" role="alert">{message}</p> })}
                {move || lookup_error.get().map(|error| view! {
                    <p class="inline-error" role="alert">
                        {format!("We couldn't check for a running analysis: {}", error.user_message())}
                        <button type="button" class="button button--small button--secondary" on:click=move |_| look_up()>"Try again"</button>
                    </p>
                })}
                {move || finished_note.get().map(|(status, text)| view! {
                    <p class=if status == JobStatus::Completed { "notice notice--success" } else { "notice notice--warning" } role="status">{text}</p>
                })}
            </section>
            {move || active.get().map(|job| {
                let job_id = job.id.clone();
                view! { <JobProgressPanel job_id=job_id initial=job api=api on_finished=on_finished/> }
            })}
            {move || match report.get() {
                None => view! { <p class="loading" role="status">"Loading the report…"</p> }.into_any(),
                Some(Err(error)) => view! {
                    <div class="error-panel" role="alert">
                        <p class="error-panel__title">"We couldn't load the report."</p>
                        <p class="error-panel__message">{error.user_message()}</p>
                        <button type="button" class="button button--secondary" on:click=move |_| report.refetch()>"Try again"</button>
                    </div>
                }
                .into_any(),
                Some(Ok(None)) => view! {
                    <p class="empty-state__text">"No report yet. Upload transcripts, then start an analysis: the report appears here."</p>
                }
                .into_any(),
                Some(Ok(Some((report, results)))) => view! {
                    <ReportView client_id=client.get_value() report=report results=results api=api/>
                }
                .into_any(),
            }}
        </div>
    }
}

/// The latest report of a client with every transcript's result, or None before the first.
async fn load_report(
    api: &Client,
    client_id: &str,
) -> Result<Option<(Report, Vec<TranscriptResult>)>, Error> {
    let rows: Vec<Value> = api.fetch(&latest_result(client_id)).await?;
    let Some(row) = rows.first() else {
        return Ok(None);
    };
    let report = Report::from_row(row);
    let insights: Vec<Value> = api
        .fetch_pages(PAGE_ROWS, |page| insights_page(&report.job_id, page))
        .await?;
    let names: Vec<TranscriptName> = api
        .fetch_pages(PAGE_ROWS, |page| names_page(client_id, page))
        .await?;
    let names: BTreeMap<String, (String, Outcome)> = names
        .into_iter()
        .map(|row| (row.id, (row.file_name, row.outcome)))
        .collect();
    let results = transcript_results(&insights, &names);
    Ok(Some((report, results)))
}

#[component]
fn ReportView(
    client_id: String,
    report: Report,
    results: Vec<TranscriptResult>,
    api: StoredValue<Client, LocalStorage>,
) -> impl IntoView {
    let bars = report.distribution.clone();
    let prospects = report.prospects();
    let segments: Vec<_> = AwarenessLevel::ALL
        .into_iter()
        .filter_map(|level| {
            report
                .segments
                .iter()
                .find(|segment| segment.level == level)
                .cloned()
        })
        .collect();
    view! {
        <section class="report" aria-labelledby="report-heading">
            <h2 id="report-heading" class="report__title">"Forensic report"</h2>
            <p class="muted">{format!(
                "Based on {prospects} analyzed {}{}.",
                if prospects == 1 { "call" } else { "calls" },
                report.created_at.get(..10).map(|date| format!(", analyzed {date}")).unwrap_or_default()
            )}</p>
            <section class="card" aria-labelledby="distribution-heading">
                <h3 id="distribution-heading" class="card__title">"Where the prospects are"</h3>
                <DistributionChart bars=bars title="Awareness distribution of the prospects"/>
            </section>
            <Recommendations client_id=client_id.clone() recommendations=report.recommendations.clone()/>
            <div class="segments">
                {segments.into_iter().map(|segment| view! { <SegmentCard client_id=client_id.clone() segment=segment/> }).collect_view()}
            </div>
            <OutcomePhrases client_id=client_id.clone() comparisons=report.comparisons.clone()/>
            <TranscriptResults client_id=client_id.clone() job_id=report.job_id.clone() results=results api=api/>
        </section>
    }
}
