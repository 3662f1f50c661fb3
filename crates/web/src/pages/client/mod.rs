//! A client's page: the header (name, status) and its tabs, each a route of its own —
//! Overview (`overview`), Profile (`profile`, the editable questionnaire), Transcripts
//! (`transcripts`) and Analysis (`analysis`). The client row is loaded once here and shared with
//! the tabs through [`ClientContext`].

pub(crate) mod analysis;
pub(crate) mod form;
pub(crate) mod overview;
pub(crate) mod profile;
pub(crate) mod transcripts;

use crate::app::supabase;
use crate::components::feedback::{ErrorPanel, Skeleton};
use crate::components::tabs::{Tab, Tabs};
use crate::model::client::Client;
use crate::model::{queries, routes};
use crate::pages::PageHeader;
use leptos::prelude::*;
use leptos_router::components::{A, Outlet};
use leptos_router::hooks::use_params_map;
use supabase_client::Error;

/// What the client page shares with its tabs.
#[derive(Clone, Copy)]
pub(crate) struct ClientContext {
    /// The client's id, from the URL.
    pub(crate) id: Memo<String>,
    /// The `clients` row; `refetch()` it after changing the client.
    pub(crate) client: LocalResource<Result<Client, Error>>,
}

impl ClientContext {
    /// The loaded client (tabs render only once it is loaded).
    pub(crate) fn get(&self) -> Option<Client> {
        self.client.get().and_then(Result::ok)
    }
}

pub(crate) fn use_client() -> ClientContext {
    expect_context::<ClientContext>()
}

#[component]
pub(crate) fn ClientPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.read().get("id").unwrap_or_default());
    let api = supabase();
    let client = LocalResource::new(move || {
        let api = api.clone();
        let id = id.get();
        async move { api.fetch::<Client>(&queries::client(&id)).await }
    });
    provide_context(ClientContext { id, client });
    let loaded = Memo::new(move |_| {
        client.with(|loaded| {
            loaded
                .as_ref()
                .map(|result| result.as_ref().map(|_| ()).map_err(Clone::clone))
        })
    });
    move || match (id.track(), loaded.get()).1 {
        None => view! { <Skeleton what="the client" lines=6/> }.into_any(),
        Some(Err(error)) => {
            let not_found = error.code() == Some("PGRST116");
            view! {
                {if not_found {
                    view! {
                        <PageHeader title="Client not found"/>
                        <div class="notice notice--warning">
                            <p>"This client doesn't exist, or belongs to another agency."</p>
                            <p><A href=routes::DASHBOARD>"Back to the dashboard"</A></p>
                        </div>
                    }
                    .into_any()
                } else {
                    view! {
                        <ErrorPanel error=error action="load this client" retry=Callback::new(move |_| client.refetch())/>
                    }
                    .into_any()
                }}
            }
            .into_any()
        }
        Some(Ok(())) => view! { <ClientFrame/> }.into_any(),
    }
}

#[component]
fn ClientFrame() -> impl IntoView {
    let context = use_client();
    let name = Signal::derive(move || context.get().map(|client| client.name).unwrap_or_default());
    let subtitle = Signal::derive(move || {
        context
            .get()
            .map(|client| {
                [
                    client.industry.clone(),
                    Some(client.status.explanation().to_owned()),
                ]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" · ")
            })
            .unwrap_or_default()
    });
    let id = context.id.get_untracked();
    let tabs = vec![
        Tab {
            label: "Overview",
            href: routes::client(&id),
            exact: true,
        },
        Tab {
            label: "Profile",
            href: routes::client_tab(&id, "profile"),
            exact: false,
        },
        Tab {
            label: "Transcripts",
            href: routes::client_tab(&id, "transcripts"),
            exact: false,
        },
        Tab {
            label: "Analysis",
            href: routes::client_tab(&id, "analysis"),
            exact: false,
        },
    ];
    view! {
        <nav class="breadcrumbs" aria-label="Breadcrumb">
            <A href=routes::DASHBOARD>"Dashboard"</A>
            <span aria-hidden="true">" / "</span>
            <span aria-current="page">{move || name.get()}</span>
        </nav>
        <PageHeader title=name subtitle=subtitle>
            {move || context.get().map(|client| view! {
                <span class=format!("badge badge--large {}", client.status.css())>{client.status.label()}</span>
            })}
        </PageHeader>
        <Tabs label="Client sections" tabs=tabs/>
        <div class="tab-panel">
            <Outlet/>
        </div>
    }
}
