//! The agency's name (admins and owners rename it) and address.

use crate::agency::use_agencies;
use crate::app::supabase;
use crate::components::feedback::InlineError;
use crate::components::field::TextField;
use crate::components::focus_first_invalid;
use crate::components::toast::use_toasts;
use crate::model::agency::Agency;
use crate::model::{queries, text};
use leptos::prelude::*;
use supabase_client::Error;

#[component]
pub(crate) fn Details() -> impl IntoView {
    let agencies = use_agencies();
    let toasts = use_toasts();
    let name = RwSignal::new(agencies.name());
    let name_error = RwSignal::new(None::<String>);
    let problem = RwSignal::new(None::<String>);
    let api = supabase();
    let rename = Action::new_local(move |new_name: &String| {
        let api = api.clone();
        let new_name = new_name.clone();
        let agency_id = agencies.id();
        async move {
            let rows: Vec<Agency> = api
                .fetch(&queries::rename_agency(&agency_id, &new_name))
                .await?;
            rows.into_iter().next().ok_or_else(Error::nothing_changed)
        }
    });
    Effect::new(move |_| match rename.value().get() {
        Some(Ok(agency)) => {
            toasts.success(format!("The agency is now called {}.", agency.name));
            agencies.reload();
        }
        Some(Err(error)) => problem.set(Some(error.user_message())),
        None => {}
    });
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        problem.set(None);
        match text::required_line(&name.get(), "the agency's name", 200) {
            Ok(new_name) => {
                name_error.set(None);
                rename.dispatch(new_name);
            }
            Err(message) => {
                name_error.set(Some(message));
                focus_first_invalid();
            }
        }
    };
    let slug = move || {
        agencies
            .current()
            .map(|membership| membership.agency.slug)
            .unwrap_or_default()
    };
    view! {
        <section class="card" aria-labelledby="agency-heading">
            <h2 id="agency-heading" class="card__title">"Agency"</h2>
            {move || if agencies.role().can_edit_agency() {
                view! {
                    <form class="form form--inline" on:submit=submit novalidate>
                        <TextField label="Agency name" value=name required=true maxlength=200 error=name_error/>
                        <button type="submit" class="button button--secondary" disabled=move || rename.pending().get()>
                            {move || if rename.pending().get() { "Saving…" } else { "Save name" }}
                        </button>
                    </form>
                    <InlineError message=problem/>
                }
                .into_any()
            } else {
                view! {
                    <dl class="facts">
                        <div class="facts__row"><dt>"Name"</dt><dd>{move || agencies.name()}</dd></div>
                    </dl>
                }
                .into_any()
            }}
            <dl class="facts">
                <div class="facts__row"><dt>"Address"</dt><dd><code>{slug}</code></dd></div>
            </dl>
        </section>
    }
}
