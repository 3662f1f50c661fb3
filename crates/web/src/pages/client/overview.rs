//! The client's overview: what comes next in the workflow, the show rate so far, and the
//! profile at a glance.

use super::use_client;
use crate::agency::use_agencies;
use crate::app::supabase;
use crate::components::feedback::loaded;
use crate::model::client::{Client, ClientStatus, ClientSummary, who_books_label};
use crate::model::{format, queries, routes};
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub(crate) fn Overview() -> impl IntoView {
    let context = use_client();
    let api = supabase();
    let summary = LocalResource::new(move || {
        let api = api.clone();
        let id = context.id.get();
        async move {
            api.fetch::<ClientSummary>(&queries::client_summary(&id))
                .await
        }
    });
    view! {
        {move || context.get().map(|client| view! { <NextStep client=client/> })}
        <div class="columns">
            <section class="card" aria-labelledby="results-heading">
                <h2 id="results-heading" class="card__title">"Show rate"</h2>
                {loaded(summary, "the show rate", |summary: ClientSummary| view! { <ShowRate summary=summary/> })}
            </section>
            <section class="card" aria-labelledby="profile-heading">
                <h2 id="profile-heading" class="card__title">"Profile"</h2>
                {move || context.get().map(|client| view! { <ProfileSummary client=client/> })}
            </section>
        </div>
    }
}

/// The one thing to do next, by status.
#[component]
fn NextStep(client: Client) -> impl IntoView {
    let (title, text, tab, action) = match client.status {
        ClientStatus::Onboarding => (
            "Next: upload transcripts",
            "Drop in recordings' transcripts of this client's sales calls. The more calls, the clearer the picture of who shows up and why.",
            "transcripts",
            "Go to transcripts",
        ),
        ClientStatus::Analyzing => (
            "An analysis is running",
            "Follow its progress live; the report appears as soon as it finishes.",
            "analysis",
            "Follow the analysis",
        ),
        ClientStatus::Ready => (
            "The analysis is ready",
            "Read what separates prospects who show up from those who don't.",
            "analysis",
            "Read the analysis",
        ),
        ClientStatus::Live => (
            "Content is live",
            "Bookings and outcomes are tracked; the show rate below updates as they come in.",
            "analysis",
            "See the analysis",
        ),
    };
    view! {
        <section class="next-step" aria-label="Next step">
            <div>
                <h2 class="next-step__title">{title}</h2>
                <p class="next-step__text">{text}</p>
            </div>
            <A href=routes::client_tab(&client.id, tab) attr:class="button button--primary">{action}</A>
        </section>
    }
}

#[component]
fn ShowRate(summary: ClientSummary) -> impl IntoView {
    let before = summary
        .current_show_rate
        .map(format::percent)
        .unwrap_or_else(|| "not given".to_owned());
    let target = summary
        .target_show_rate
        .map(format::percent)
        .unwrap_or_else(|| "not given".to_owned());
    let measured = match summary.measured_show_rate {
        Some(rate) => format!(
            "{} over {}",
            format::percent(rate),
            format::count(summary.bookings(), "tracked booking", "tracked bookings")
        ),
        None => "not measured yet: it appears once bookings are tracked".to_owned(),
    };
    view! {
        <dl class="facts">
            <div class="facts__row"><dt>"Before"</dt><dd>{before}</dd></div>
            <div class="facts__row"><dt>"Target"</dt><dd>{target}</dd></div>
            <div class="facts__row"><dt>"Now"</dt><dd>{measured}</dd></div>
            {summary.improvement().map(|change| view! {
                <div class="facts__row"><dt>"Change"</dt><dd class="strong">{format::points(change)}</dd></div>
            })}
            <div class="facts__row"><dt>"Transcripts"</dt><dd>{format::grouped(summary.transcripts_count)}</dd></div>
        </dl>
    }
}

fn list_or_dash(items: &[String]) -> AnyView {
    if items.is_empty() {
        return view! { <span class="muted">"—"</span> }.into_any();
    }
    view! {
        <ul class="tags">
            {items.iter().map(|item| view! { <li class="tag">{item.clone()}</li> }).collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
fn ProfileSummary(client: Client) -> impl IntoView {
    let agencies = use_agencies();
    let dash = || "—".to_owned();
    let id = client.id.clone();
    view! {
        <dl class="facts">
            <div class="facts__row"><dt>"Offer"</dt><dd class="prewrap">{client.offer.clone().unwrap_or_else(dash)}</dd></div>
            <div class="facts__row"><dt>"Price range"</dt><dd>{client.price_range().unwrap_or_else(dash)}</dd></div>
            <div class="facts__row"><dt>"Who books"</dt><dd>{client.who_books.as_deref().map(who_books_label).map(str::to_owned).unwrap_or_else(dash)}</dd></div>
            <div class="facts__row"><dt>"Booked ahead"</dt><dd>{client.booking_lead_time().unwrap_or_else(dash)}</dd></div>
            <div class="facts__row"><dt>"Current reminders"</dt><dd class="prewrap">{client.current_reminders.clone().unwrap_or_else(dash)}</dd></div>
            <div class="facts__row"><dt>"Competitors"</dt><dd>{list_or_dash(&client.competitors)}</dd></div>
            <div class="facts__row"><dt>"Never use"</dt><dd>{list_or_dash(&client.banned_words)}</dd></div>
            {client.notes.clone().map(|notes| view! {
                <div class="facts__row"><dt>"Notes"</dt><dd class="prewrap">{notes}</dd></div>
            })}
        </dl>
        {move || agencies.role().can_manage_clients().then(|| view! {
            <p><A href=routes::client_tab(&id, "profile") attr:class="button button--secondary">"Edit profile"</A></p>
        })}
    }
}
