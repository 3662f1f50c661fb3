//! A client's page and its tabs.

pub(crate) mod analysis;
pub(crate) mod transcripts;

use crate::app::supabase;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use serde::Deserialize;
use supabase_client::Query;

#[derive(Debug, Clone, Deserialize)]
struct ClientRow {
    id: String,
    agency_id: String,
}

/// The client of the URL (`:id`), loaded once.
fn client_row() -> LocalResource<Result<ClientRow, supabase_client::Error>> {
    let params = use_params_map();
    let api = StoredValue::new_local(supabase());
    LocalResource::new(move || {
        let id = params.read().get("id").unwrap_or_default();
        let api = api.get_value();
        async move {
            api.fetch::<ClientRow>(
                &Query::from("clients")
                    .select("id,agency_id")
                    .eq("id", id)
                    .single(),
            )
            .await
        }
    })
}

/// The Transcripts tab of the client in the URL.
#[component]
pub(crate) fn Transcripts() -> impl IntoView {
    let client = client_row();
    move || {
        client.get().map(|result| match result {
            Ok(row) => {
                view! { <transcripts::TranscriptsTab client_id=row.id agency_id=row.agency_id/> }
                    .into_any()
            }
            Err(error) => view! { <p role="alert">{error.user_message()}</p> }.into_any(),
        })
    }
}

/// The Analysis tab of the client in the URL.
#[component]
pub(crate) fn Analysis() -> impl IntoView {
    let client = client_row();
    move || {
        client.get().map(|result| match result {
            Ok(row) => view! { <analysis::AnalysisTab client_id=row.id/> }.into_any(),
            Err(error) => view! { <p role="alert">{error.user_message()}</p> }.into_any(),
        })
    }
}
