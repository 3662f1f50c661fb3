//! Onboard a client: the profile and questionnaire; then on to the client's page.

use crate::agency::use_agencies;
use crate::app::supabase;
use crate::components::toast::use_toasts;
use crate::model::agency::AgencyUsage;
use crate::model::client::{ProfileForm, new_client_row};
use crate::model::{queries, routes};
use crate::pages::PageHeader;
use crate::pages::client::form::ProfileFormView;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use serde::Deserialize;
use serde_json::Value;

#[derive(Clone, Deserialize)]
struct Created {
    id: String,
}

#[component]
pub(crate) fn NewClient() -> impl IntoView {
    let agencies = use_agencies();
    view! {
        <PageHeader title="New client" subtitle="Their profile and a short questionnaire. Everything can be changed later.">
            <A href=routes::DASHBOARD attr:class="button button--ghost">"Cancel"</A>
        </PageHeader>
        {move || if agencies.role().can_manage_clients() {
            view! { <NewClientForm/> }.into_any()
        } else {
            view! {
                <div class="notice notice--info">
                    "Only admins and owners can add clients. Ask one of them to add this client."
                </div>
            }
            .into_any()
        }}
    }
}

#[component]
fn NewClientForm() -> impl IntoView {
    let agencies = use_agencies();
    let toasts = use_toasts();
    let navigate = use_navigate();
    let usage = agencies.load::<AgencyUsage>(queries::agency_usage);
    let problem = RwSignal::new(None::<String>);
    let client = supabase();
    let create = Action::new_local(move |row: &Value| {
        let client = client.clone();
        let row = new_client_row(&agencies.id(), row.clone());
        async move { client.fetch::<Created>(&queries::insert_client(row)).await }
    });
    Effect::new(move |_| match create.value().get() {
        Some(Ok(created)) => {
            toasts.success("Client added. Next: upload their sales-call transcripts.");
            navigate(&routes::client(&created.id), NavigateOptions::default());
        }
        Some(Err(error)) => problem.set(Some(error.user_message())),
        None => {}
    });
    let limit_notice = move || {
        let Some(Ok(usage)) = usage.get() else {
            return None;
        };
        let limit = usage.clients_limit();
        limit.is_reached().then(|| {
            view! {
                <div class="notice notice--warning" role="status">
                    <p>
                        <strong>{format!("Your {} plan allows {} clients, and all are in use.", usage.plan_name, limit.max.unwrap_or_default())}</strong>
                    </p>
                    <p>{limit.advice}" "<A href=routes::SETTINGS>"See plan and usage"</A></p>
                </div>
            }
        })
    };
    view! {
        {limit_notice}
        <div class="card">
            <ProfileFormView
                initial=ProfileForm::new()
                submit_label="Add client"
                saving=create.pending()
                problem=problem
                on_save=Callback::new(move |row| {
                    problem.set(None);
                    create.dispatch(row);
                })
            />
        </div>
    }
}
