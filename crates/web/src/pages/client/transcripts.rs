//! The client's Transcripts tab: the bulk uploader (drop hundreds of files, parsed in the
//! browser by the engine in a Web Worker, per-file progress and errors, duplicates detected,
//! roles and outcome corrected) above the stored transcripts with the batch organizer; and the
//! transcript viewer (its own route, deep-linkable to a turn).

mod corrections;
pub(crate) mod library;
mod parser;
mod uploader;
pub(crate) mod viewer;

use super::use_client;
use crate::app::supabase;
use crate::model::transcripts::TranscriptRow;
use leptos::prelude::*;
use library::{Library, load_analyzed, load_rows};
use std::collections::BTreeSet;
use supabase_client::Error;
use uploader::UploadPanel;
pub(crate) use uploader::new_uuid;

/// The Transcripts tab of the client page (shown once the client is loaded).
#[component]
pub(crate) fn Transcripts() -> impl IntoView {
    let context = use_client();
    // Only a different client starts the tab afresh (not a refetch of the same one).
    let ids = Memo::new(move |_| context.get().map(|client| (client.id, client.agency_id)));
    move || {
        ids.get().map(|(client_id, agency_id)| {
            view! { <TranscriptsTab client_id=client_id agency_id=agency_id/> }
        })
    }
}

/// The tab for one client (`agency_id` names the client's Storage folder).
#[component]
pub(crate) fn TranscriptsTab(client_id: String, agency_id: String) -> impl IntoView {
    let api = StoredValue::new_local(supabase());
    let rows: RwSignal<Vec<TranscriptRow>> = RwSignal::new(Vec::new());
    let analyzed: RwSignal<BTreeSet<String>> = RwSignal::new(BTreeSet::new());
    let loaded: RwSignal<Option<Result<(), Error>>> = RwSignal::new(None);
    let client = StoredValue::new(client_id.clone());
    let load = move || {
        loaded.set(None);
        leptos::task::spawn_local(async move {
            let api = api.get_value();
            let client_id = client.get_value();
            let result = match (
                load_rows(&api, &client_id).await,
                load_analyzed(&api, &client_id).await,
            ) {
                (Ok(found), Ok(done)) => {
                    rows.set(found);
                    analyzed.set(done);
                    Ok(())
                }
                (Err(error), _) | (_, Err(error)) => Err(error),
            };
            loaded.set(Some(result));
        });
    };
    load();
    let stored = Signal::derive(move || {
        rows.with(|rows| {
            rows.iter()
                .map(|row| (row.content_sha256.clone(), row.file_name.clone()))
                .collect::<Vec<_>>()
        })
    });
    let on_saved = Callback::new(move |row: TranscriptRow| {
        rows.update(
            |rows| match rows.iter_mut().find(|existing| existing.id == row.id) {
                Some(existing) => *existing = row,
                None => rows.insert(0, row),
            },
        );
    });
    view! {
        <div class="transcripts-tab">
            <UploadPanel client_id=client_id.clone() agency_id=agency_id api=api stored=stored on_saved=on_saved/>
            {move || match loaded.get() {
                None => view! { <p class="loading" role="status">"Loading the stored transcripts…"</p> }.into_any(),
                Some(Err(error)) => view! {
                    <div class="error-panel" role="alert">
                        <p class="error-panel__title">"We couldn't load the stored transcripts."</p>
                        <p class="error-panel__message">{error.user_message()}</p>
                        <button type="button" class="button button--secondary" on:click=move |_| load()>"Try again"</button>
                    </div>
                }
                .into_any(),
                Some(Ok(())) => view! {
                    <Library client_id=client.get_value() api=api rows=rows analyzed=analyzed/>
                }
                .into_any(),
            }}
        </div>
    }
}
