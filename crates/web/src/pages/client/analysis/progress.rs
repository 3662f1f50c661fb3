//! Following a running analysis live: join the private channel `job:<id>`, read the job row
//! once when joined (broadcasts sent before the join are not replayed), then take every
//! `progress` broadcast. If the channel fails, the row is read every few seconds instead. If
//! nothing moves for longer than a batch lease, the page asks `analyze` to resume the job.

use crate::app::realtime;
use crate::components::charts::DistributionChart;
use crate::model::analysis_job::{JobProgress, JobStatus, StallWatch, action_body, job, topic};
use crate::model::report::partial_bars;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::time::Duration;
use supabase_client::browser::Client;
use supabase_client::browser::realtime::ChannelEvent;

/// How often the page checks for a stall (and reads the row when the channel is down).
const TICK: Duration = Duration::from_secs(5);

#[derive(Debug, Clone, PartialEq)]
enum Connection {
    Joining,
    Live,
    Reconnecting,
    /// The channel was refused or failed: progress is read from the row instead.
    Polling(String),
}

fn now_ms() -> f64 {
    js_sys::Date::now()
}

#[component]
pub(crate) fn JobProgressPanel(
    job_id: String,
    initial: JobProgress,
    api: StoredValue<Client, LocalStorage>,
    /// The job finished (completed, failed or cancelled).
    on_finished: Callback<JobProgress>,
) -> impl IntoView {
    let progress = RwSignal::new(initial.clone());
    let connection = RwSignal::new(Connection::Joining);
    let watch = StoredValue::new(StallWatch::default());
    let note: RwSignal<Option<String>> = RwSignal::new(None);
    let cancelling = RwSignal::new(false);
    let job_id = StoredValue::new(job_id);
    watch.update_value(|watch| watch.observe(&initial, now_ms()));

    // Also called after awaits and from the socket: the panel may be gone by then.
    let apply = move |incoming: JobProgress| {
        let Some(current) = progress.try_get_untracked() else {
            return;
        };
        if let Some(newer) = JobProgress::newer(Some(&current), incoming) {
            watch.try_update_value(|watch| watch.observe(&newer, now_ms()));
            let finished = newer.status.is_finished();
            progress.set(newer.clone());
            if finished {
                on_finished.run(newer);
            }
        }
    };
    let read_row = move || {
        let (Some(api), Some(id)) = (api.try_get_value(), job_id.try_get_value()) else {
            return;
        };
        spawn_local(async move {
            if let Ok(mut rows) = api.fetch::<Vec<JobProgress>>(&job(&id)).await
                && !rows.is_empty()
            {
                apply(rows.remove(0));
            }
        });
    };

    // The channel; leaving it when the panel goes away (the subscription is dropped).
    let subscription = realtime().map(|socket| {
        socket.subscribe(&topic(&job_id.get_value()), move |event| match event {
            ChannelEvent::Subscribed => {
                connection.set(Connection::Live);
                read_row();
            }
            ChannelEvent::Broadcast { event, payload } if event == "progress" => {
                if let Some(incoming) = JobProgress::from_broadcast(payload) {
                    apply(incoming);
                }
            }
            ChannelEvent::Broadcast { .. } => {}
            ChannelEvent::Reconnecting => connection.set(Connection::Reconnecting),
            ChannelEvent::Error(reason) => connection.set(Connection::Polling(reason)),
        })
    });
    if subscription.is_none() {
        connection.set(Connection::Polling(
            "not connected to live updates".to_owned(),
        ));
    }
    let _subscription = StoredValue::new_local(subscription);

    let tick = set_interval_with_handle(
        move || {
            let Some(current) = progress.try_get_untracked() else {
                return;
            };
            if current.status.is_finished() {
                return;
            }
            if matches!(
                connection.get_untracked(),
                Connection::Polling(_) | Connection::Reconnecting
            ) {
                read_row();
            }
            if watch
                .try_update_value(|watch| watch.should_resume(&current, now_ms()))
                .unwrap_or(false)
            {
                note.set(Some(
                    "The analysis had stopped moving, so we asked it to continue.".to_owned(),
                ));
                let api = api.get_value();
                spawn_local(async move {
                    let _ = api
                        .invoke("analyze", &action_body(&job_id.get_value(), "resume"))
                        .await;
                    read_row();
                });
            }
        },
        TICK,
    );
    if let Ok(handle) = tick {
        on_cleanup(move || handle.clear());
    }

    let cancel = move |_| {
        cancelling.set(true);
        let api = api.get_value();
        spawn_local(async move {
            match api
                .invoke("analyze", &action_body(&job_id.get_value(), "cancel"))
                .await
            {
                Ok(_) => read_row(),
                Err(error) => note.set(Some(format!(
                    "The analysis could not be cancelled: {}",
                    error.user_message()
                ))),
            }
            cancelling.set(false);
        });
    };

    let bars =
        Signal::derive(move || progress.with(|progress| partial_bars(&progress.distribution)));
    let percent = move || (progress.with(JobProgress::fraction) * 100.0).round() as u32;
    view! {
        <section class="card progress-panel" aria-labelledby="progress-heading">
            <h2 id="progress-heading" class="card__title">{move || progress.with(JobProgress::headline)}</h2>
            <div class="progress-panel__numbers" role="status" aria-live="polite">
                <p class="progress-panel__detail">{move || progress.with(JobProgress::detail)}</p>
            </div>
            <div
                class="progress-bar"
                role="progressbar"
                aria-label="Transcripts analyzed"
                aria-valuemin="0"
                aria-valuemax="100"
                aria-valuenow=move || percent().to_string()
            >
                <div class="progress-bar__fill" style:width=move || format!("{}%", percent())></div>
            </div>
            <p class="muted small">
                {move || match connection.get() {
                    Connection::Joining => "Connecting to live updates…".to_owned(),
                    Connection::Live => "Live: this page updates as batches finish. You can leave and come back.".to_owned(),
                    Connection::Reconnecting => "Reconnecting to live updates…".to_owned(),
                    Connection::Polling(_) => "Live updates are unavailable; checking every few seconds.".to_owned(),
                }}
            </p>
            {move || note.get().map(|note| view! { <p class="notice notice--info">{note}</p> })}
            {move || progress.with(|progress| progress.error.clone()).filter(|_| progress.with(|p| p.status == JobStatus::Failed)).map(|error| view! {
                <p class="inline-error" role="alert">{format!("What went wrong: {error}")}</p>
            })}
            <h3 class="progress-panel__subtitle">"Awareness so far"</h3>
            <DistributionChart bars=bars title="Awareness of the prospects analyzed so far"/>
            {move || (!progress.with(|progress| progress.status.is_finished())).then(|| view! {
                <button type="button" class="button button--secondary" disabled=move || cancelling.get() on:click=cancel>
                    {move || if cancelling.get() { "Cancelling…" } else { "Cancel the analysis" }}
                </button>
            })}
        </section>
    }
}
