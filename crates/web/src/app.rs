//! The router: every page of the app, declared in one place.

use crate::pages;
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;
use std::cell::RefCell;
use std::rc::Rc;
use supabase_client::browser::Client;
use supabase_client::browser::realtime::Realtime;

/// Load the configuration, create the Supabase client, then show the app.
#[component]
pub(crate) fn App() -> impl IntoView {
    let client = LocalResource::new(|| async { Client::new(crate::config::load().await) });
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || client.get().map(|client| {
                provide_context(StoredValue::new_local(client));
                provide_context(StoredValue::new_local(SharedRealtime::default()));
                view! { <Pages/> }
            })}
        </Suspense>
    }
}

/// The Supabase client of this app (provided once the configuration is loaded).
pub(crate) fn supabase() -> Client {
    expect_context::<StoredValue<Client, LocalStorage>>().get_value()
}

/// The app's one Realtime connection, opened on first use with the current access token and
/// kept current as the token is refreshed; None when signed out.
pub(crate) fn realtime() -> Option<Realtime> {
    let shared = use_context::<StoredValue<SharedRealtime, LocalStorage>>()?.get_value();
    if let Some(existing) = shared.socket.borrow().as_ref() {
        return Some(existing.clone());
    }
    let client = supabase();
    let token = client.session()?.access_token;
    let socket = Realtime::new(client.config(), &token);
    let follower = socket.clone();
    client.on_auth_change(move |_, session| {
        if let Some(session) = session {
            follower.set_auth(&session.access_token);
        }
    });
    *shared.socket.borrow_mut() = Some(socket.clone());
    Some(socket)
}

#[derive(Clone, Default)]
struct SharedRealtime {
    socket: Rc<RefCell<Option<Realtime>>>,
}

#[component]
fn Pages() -> impl IntoView {
    view! {
        <Router>
            <main>
                <Routes fallback=|| view! { <p>"Page not found."</p> }>
                    <Route path=path!("/") view=|| view! { <h1>"ScaleStream"</h1> }/>
                    <Route path=path!("/clients/:id/transcripts") view=pages::client::Transcripts/>
                    <Route path=path!("/clients/:id/transcripts/:transcript_id") view=pages::client::transcripts::viewer::TranscriptViewer/>
                    <Route path=path!("/clients/:id/analysis") view=pages::client::Analysis/>
                </Routes>
            </main>
        </Router>
    }
}
