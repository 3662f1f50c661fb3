//! First sign-in: create the agency (name, and its address suggested from the name). People
//! who were invited open their invitation link instead.

use crate::agency::use_agencies;
use crate::app::supabase;
use crate::components::feedback::InlineError;
use crate::components::field::TextField;
use crate::components::focus_first_invalid;
use crate::components::toast::use_toasts;
use crate::model::agency::Agency;
use crate::model::{queries, routes, slug, text};
use crate::pages::PublicFrame;
use crate::session::{RequireSignIn, use_auth};
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

#[component]
pub(crate) fn Welcome() -> impl IntoView {
    view! {
        <RequireSignIn>
            <CreateAgency/>
        </RequireSignIn>
    }
}

#[component]
fn CreateAgency() -> impl IntoView {
    let auth = use_auth();
    let agencies = use_agencies();
    let toasts = use_toasts();
    let navigate = use_navigate();
    let name = RwSignal::new(String::new());
    let address = RwSignal::new(String::new());
    // The address follows the name until the person types in it themselves.
    let address_edited = RwSignal::new(false);
    Effect::new(move |_| {
        let suggestion = slug::suggest(&name.get());
        if !address_edited.get_untracked() {
            address.set(suggestion);
        }
    });
    let name_error = RwSignal::new(None::<String>);
    let address_error = RwSignal::new(None::<String>);
    let problem = RwSignal::new(None::<String>);
    let client = supabase();
    let create = Action::new_local(move |(name, slug): &(String, String)| {
        let client = client.clone();
        let (name, slug) = (name.clone(), slug.clone());
        async move {
            let agency: Agency = client.fetch(&queries::create_agency(&name, &slug)).await?;
            let user_id = client
                .session()
                .map(|session| session.user.id)
                .unwrap_or_default();
            let memberships = client.fetch(&queries::memberships(&user_id)).await?;
            Ok::<_, supabase_client::Error>((agency, memberships))
        }
    });
    Effect::new(move |_| match create.value().get() {
        Some(Ok((agency, memberships))) => {
            agencies.set_memberships(memberships);
            agencies.switch(&agency.id);
            toasts.success(format!(
                "{} is ready. Add your first client next.",
                agency.name
            ));
            navigate(routes::DASHBOARD, NavigateOptions::default());
        }
        Some(Err(error)) => problem.set(Some(error.user_message())),
        None => {}
    });
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        problem.set(None);
        let checked_name = text::required_line(&name.get(), "your agency's name", 200);
        name_error.set(checked_name.as_ref().err().cloned());
        let checked_address = address.get().trim().to_owned();
        address_error.set(slug::problem(&checked_address));
        match checked_name {
            Ok(agency_name) if address_error.with(Option::is_none) => {
                create.dispatch((agency_name, checked_address));
            }
            _ => focus_first_invalid(),
        }
    };
    let has_agency = move || !agencies.all().is_empty();
    view! {
        <PublicFrame title="Set up your agency">
            <p class="public__lead">
                {move || format!("Welcome, {}. Name your agency to get started: you can add clients and invite your team next.", auth.display_name())}
            </p>
            <form class="form" on:submit=submit novalidate>
                <TextField label="Agency name" value=name required=true maxlength=200 autocomplete="organization" error=name_error/>
                <TextField
                    on:input=move |_| address_edited.set(true)
                    label="Agency address"
                    value=address
                    required=true
                    maxlength=63
                    hint="Lower-case letters, digits and hyphens; 3 to 63 characters. Suggested from the name."
                    error=address_error
                />
                <InlineError message=problem/>
                <button type="submit" class="button button--primary button--wide" disabled=move || create.pending().get()>
                    {move || if create.pending().get() { "Creating…" } else { "Create agency" }}
                </button>
            </form>
            <p class="public__switch">
                "Joining a team instead? Open the invitation link you were sent."
            </p>
            {move || has_agency().then(|| view! {
                <p class="public__switch"><A href=routes::DASHBOARD>"Back to your dashboard"</A></p>
            })}
        </PublicFrame>
    }
}
