//! The dashboard: how the agency's clients are doing (show-rate improvement, active clients,
//! content performance) and every client with before/after show rate, status and last
//! activity. It refreshes by itself when an analysis starts or ends (Realtime `agency:<id>`).

use crate::agency::use_agencies;
use crate::app::{realtime, supabase};
use crate::components::feedback::{EmptyState, Skeleton, loaded};
use crate::components::now;
use crate::model::client::ClientSummary;
use crate::model::{dashboard, format, queries, routes};
use crate::pages::PageHeader;
use leptos::prelude::*;
use leptos_router::components::A;
use supabase_client::Error;
use supabase_client::browser::realtime::{ChannelEvent, Subscription};

#[component]
pub(crate) fn Dashboard() -> impl IntoView {
    let agencies = use_agencies();
    let summaries = agencies.load::<Vec<ClientSummary>>(queries::client_summaries);
    let client = supabase();
    let live_content = LocalResource::new(move || {
        let client = client.clone();
        let agency_id = agencies.id();
        async move {
            client
                .query(&queries::live_content_count(&agency_id))
                .await
                .map(|result| result.count.unwrap_or(0))
        }
    });
    follow_agency_changes(summaries);
    let can_add = move || agencies.role().can_manage_clients();
    view! {
        <PageHeader title="Dashboard" subtitle=Signal::derive(move || agencies.name())>
            {move || can_add().then(|| view! {
                <A href=routes::NEW_CLIENT attr:class="button button--primary">"New client"</A>
            })}
        </PageHeader>
        <section aria-labelledby="metrics-heading">
            <h2 id="metrics-heading" class="visually-hidden">"How your clients are doing"</h2>
            {move || match summaries.get() {
                None => view! { <div class="metrics"><Skeleton what="the figures" lines=2/></div> }.into_any(),
                Some(Err(_)) => ().into_any(),
                Some(Ok(list)) => view! { <Metrics clients=list live_content=live_content/> }.into_any(),
            }}
        </section>
        <section class="card" aria-labelledby="clients-heading">
            <h2 id="clients-heading" class="card__title">"Clients"</h2>
            {loaded(summaries, "your clients", move |list: Vec<ClientSummary>| {
                if list.is_empty() {
                    view! { <NoClients can_add=can_add()/> }.into_any()
                } else {
                    view! { <ClientTable clients=list/> }.into_any()
                }
            })}
        </section>
    }
}

/// Reload the client list when the database announces a job change for this agency.
fn follow_agency_changes(summaries: LocalResource<Result<Vec<ClientSummary>, Error>>) {
    let agencies = use_agencies();
    let subscription = StoredValue::new_local(None::<Subscription>);
    Effect::new(move |_| {
        let agency_id = agencies.id();
        let joined = realtime().map(|socket| {
            socket.subscribe(&format!("agency:{agency_id}"), move |event| {
                if matches!(event, ChannelEvent::Broadcast { .. }) {
                    summaries.refetch();
                }
            })
        });
        subscription.set_value(joined);
    });
}

#[component]
fn Metrics(
    clients: Vec<ClientSummary>,
    live_content: LocalResource<Result<u64, Error>>,
) -> impl IntoView {
    let improvement = dashboard::improvement(&clients);
    let active = dashboard::active_clients(&clients);
    let performance = dashboard::content_performance(&clients);
    let improvement_card = match improvement {
        Some(change) => view! {
            <p class="metric__value" class:metric__value--up={change.change > 0.0}>{format::points(change.change)}</p>
            <p class="metric__detail">
                {format!(
                    "Show rate after our content vs. before, across {} with {}.",
                    format::count(change.clients as i64, "client", "clients"),
                    format::count(change.bookings, "tracked booking", "tracked bookings"),
                )}
            </p>
        }
        .into_any(),
        None => view! {
            <p class="metric__value metric__value--empty">"No data yet"</p>
            <p class="metric__detail">
                "Appears once a client's content is live and booking outcomes (showed or no-show) are coming in."
            </p>
        }
        .into_any(),
    };
    let active_card = if active.total == 0 {
        view! {
            <p class="metric__value metric__value--empty">"0"</p>
            <p class="metric__detail">"Add a client to begin."</p>
        }
        .into_any()
    } else {
        let breakdown = active
            .by_status
            .iter()
            .map(|(status, count)| format!("{count} {}", status.label().to_lowercase()))
            .collect::<Vec<_>>()
            .join(" · ");
        view! {
            <p class="metric__value">{active.active}<span class="metric__of">{format!(" of {}", active.total)}</span></p>
            <p class="metric__detail">{format!("Past onboarding. {breakdown}.")}</p>
        }
        .into_any()
    };
    let content_card = move || {
        let live = match live_content.get() {
            Some(Ok(count)) => format::count(
                count as i64,
                "piece of content live",
                "pieces of content live",
            ),
            Some(Err(_)) => String::new(),
            None => "…".to_owned(),
        };
        match &performance {
            Some(performance) => view! {
                <p class="metric__value">{format::percent(performance.show_rate)}<span class="metric__of">" show rate"</span></p>
                <p class="metric__detail">
                    {format!(
                        "{} of {} showed up. {live}.",
                        format::grouped(performance.showed),
                        format::count(performance.bookings, "tracked booking", "tracked bookings"),
                    )}
                </p>
            }
            .into_any(),
            None => view! {
                <p class="metric__value metric__value--empty">"No bookings yet"</p>
                <p class="metric__detail">
                    {format!("Once content is live, each booked call and whether the prospect showed is tracked here. {live}.")}
                </p>
            }
            .into_any(),
        }
    };
    view! {
        <div class="metrics">
            <article class="card metric">
                <h3 class="metric__label">"Show-rate improvement"</h3>
                {improvement_card}
            </article>
            <article class="card metric">
                <h3 class="metric__label">"Active clients"</h3>
                {active_card}
            </article>
            <article class="card metric">
                <h3 class="metric__label">"Content performance"</h3>
                {content_card}
            </article>
        </div>
    }
}

#[component]
fn NoClients(can_add: bool) -> impl IntoView {
    let text = if can_add {
        "Add your first client: fill in their profile, then upload their sales-call transcripts to see who shows up and why."
    } else {
        "Your agency has no clients yet. An admin or owner can add the first one."
    };
    view! {
        <EmptyState title="No clients yet" text=text>
            {can_add.then(|| view! { <A href=routes::NEW_CLIENT attr:class="button button--primary">"Add your first client"</A> })}
        </EmptyState>
    }
}

#[component]
fn ClientTable(clients: Vec<ClientSummary>) -> impl IntoView {
    let now = now();
    view! {
        <div class="table-wrap">
            <table class="table table--stacking">
                <thead>
                    <tr>
                        <th scope="col">"Client"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Show rate before → after"</th>
                        <th scope="col">"Transcripts"</th>
                        <th scope="col">"Last activity"</th>
                    </tr>
                </thead>
                <tbody>
                    {clients
                        .into_iter()
                        .map(|client| {
                            let before = client.current_show_rate.map(format::percent).unwrap_or_else(|| "—".to_owned());
                            let after = client.measured_show_rate.map(format::percent);
                            let change = client.improvement();
                            let bookings = client.bookings();
                            view! {
                                <tr>
                                    <th scope="row" data-label="Client">
                                        <A href=routes::client(&client.id) attr:class="table__primary-link">{client.name.clone()}</A>
                                        {client.industry.clone().map(|industry| view! { <span class="table__secondary">{industry}</span> })}
                                    </th>
                                    <td data-label="Status">
                                        <span class=format!("badge {}", client.status.css()) title=client.status.explanation()>
                                            {client.status.label()}
                                        </span>
                                    </td>
                                    <td data-label="Show rate">
                                        <span>{before}" → "</span>
                                        {match after {
                                            Some(after) => view! {
                                                <span class="strong">{after}</span>
                                                {change.map(|change| view! {
                                                    <span class="delta" class:delta--up={change > 0.0} class:delta--down={change < 0.0}>
                                                        {format!(" ({})", format::points(change))}
                                                    </span>
                                                })}
                                                <span class="table__secondary">{format::count(bookings, "booking", "bookings")}</span>
                                            }
                                            .into_any(),
                                            None => view! { <span class="muted">"not measured yet"</span> }.into_any(),
                                        }}
                                    </td>
                                    <td data-label="Transcripts">{format::grouped(client.transcripts_count)}</td>
                                    <td data-label="Last activity">
                                        <span title=format::parse_timestamp(&client.last_activity_at).map(format::date_time)>
                                            {format::relative_timestamp(&client.last_activity_at, now)}
                                        </span>
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}
