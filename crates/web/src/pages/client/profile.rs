//! The client's profile and questionnaire, editable by admins and owners.

use super::use_client;
use crate::agency::use_agencies;
use crate::app::supabase;
use crate::components::toast::use_toasts;
use crate::model::client::ProfileForm;
use crate::model::queries;
use crate::pages::client::form::ProfileFormView;
use leptos::prelude::*;
use serde_json::Value;
use supabase_client::Error;

#[component]
pub(crate) fn Profile() -> impl IntoView {
    let context = use_client();
    let agencies = use_agencies();
    move || {
        if !agencies.role().can_manage_clients() {
            return view! {
                <div class="notice notice--info">
                    "Only admins and owners can change a client's profile. The Overview tab shows it."
                </div>
            }
            .into_any();
        }
        // Rendered once per loaded client (not on every keystroke): the form keeps its own state.
        context
            .client
            .get_untracked()
            .and_then(Result::ok)
            .map(|client| {
                view! { <EditProfile initial=ProfileForm::from_client(&client)/> }.into_any()
            })
            .unwrap_or_else(|| ().into_any())
    }
}

#[component]
fn EditProfile(initial: ProfileForm) -> impl IntoView {
    let context = use_client();
    let toasts = use_toasts();
    let problem = RwSignal::new(None::<String>);
    let api = supabase();
    let save = Action::new_local(move |row: &Value| {
        let api = api.clone();
        let row = row.clone();
        let id = context.id.get_untracked();
        async move {
            let updated: Vec<Value> = api.fetch(&queries::update_client(&id, row)).await?;
            if updated.is_empty() {
                // Row level security filtered the row out: nothing was changed.
                return Err(Error::nothing_changed());
            }
            Ok(())
        }
    });
    Effect::new(move |_| match save.value().get() {
        Some(Ok(())) => {
            problem.set(None);
            toasts.success("Profile saved.");
            context.client.refetch();
        }
        Some(Err(error)) => problem.set(Some(error.user_message())),
        None => {}
    });
    view! {
        <div class="card">
            <ProfileFormView
                initial=initial
                submit_label="Save profile"
                saving=save.pending()
                problem=problem
                on_save=Callback::new(move |row| {
                    problem.set(None);
                    save.dispatch(row);
                })
            />
        </div>
    }
}
