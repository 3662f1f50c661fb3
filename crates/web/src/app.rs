//! The app: load the configuration, create the Supabase client, provide the session, the
//! agencies and toasts, and declare every route — in one place.

use crate::agency::Agencies;
use crate::components::layout::Shell;
use crate::components::toast::{ToastRegion, Toasts};
use crate::pages;
use crate::session::Auth;
use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;
use std::cell::RefCell;
use std::rc::Rc;
use supabase_client::Error;
use supabase_client::browser::Client;
use supabase_client::browser::realtime::Realtime;

/// What start-up produced: the client, and a refusal to show if an e-mail link in the URL
/// (sign-up confirmation) was expired or already used.
#[derive(Clone)]
struct Started {
    client: Client,
    link_error: Option<Error>,
}

/// Load the configuration, create the Supabase client, then show the app.
#[component]
pub(crate) fn App() -> impl IntoView {
    let started = LocalResource::new(|| async {
        let client = Client::new(crate::config::load().await);
        let link_error = client.detect_session_in_url().await.err();
        Started { client, link_error }
    });
    move || match started.get() {
        None => view! {
            <div class="app-loading" role="status">
                <span class="brand brand--large">"ScaleStream"</span>
                <span class="visually-hidden">"Loading…"</span>
            </div>
        }
        .into_any(),
        Some(Started { client, link_error }) => {
            provide_context(StoredValue::new_local(client.clone()));
            provide_context(LinkError(link_error));
            Auth::provide(&client);
            Toasts::provide();
            view! { <Pages/> }.into_any()
        }
    }
}

/// A refused e-mail link found at start-up (shown on the sign-in page).
#[derive(Clone)]
pub(crate) struct LinkError(pub(crate) Option<Error>);

/// The Supabase client of this app (provided once the configuration is loaded).
pub(crate) fn supabase() -> Client {
    expect_context::<StoredValue<Client, LocalStorage>>().get_value()
}

/// The app's one Realtime connection, opened on first use with the current access token and
/// kept current as the token is refreshed; None when signed out. Subscribe with
/// `realtime().subscribe(topic, handler)` and keep the returned `Subscription` alive (e.g. in a
/// `StoredValue::new_local`) as long as the page needs it: dropping it leaves the channel.
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
    Agencies::provide();
    provide_context(StoredValue::new_local(SharedRealtime::default()));
    view! {
        <Router>
            <a class="skip-link" href="#main">"Skip to content"</a>
            <Routes fallback=|| view! { <pages::not_found::NotFound/> }>
                <Route path=path!("/sign-in") view=pages::sign_in::SignIn/>
                <Route path=path!("/sign-up") view=pages::sign_up::SignUp/>
                <Route path=path!("/invite/:token") view=pages::invite::Invite/>
                <Route path=path!("/welcome") view=pages::welcome::Welcome/>
                <ParentRoute path=path!("") view=Shell>
                    <Route path=path!("/") view=pages::dashboard::Dashboard/>
                    <Route path=path!("/clients/new") view=pages::new_client::NewClient/>
                    <ParentRoute path=path!("/clients/:id") view=pages::client::ClientPage>
                        <Route path=path!("") view=pages::client::overview::Overview/>
                        <Route path=path!("/profile") view=pages::client::profile::Profile/>
                        <Route path=path!("/transcripts") view=pages::client::transcripts::Transcripts/>
                        <Route path=path!("/transcripts/:transcript_id") view=pages::client::transcripts::viewer::TranscriptViewer/>
                        <Route path=path!("/analysis") view=pages::client::analysis::Analysis/>
                    </ParentRoute>
                    <Route path=path!("/settings") view=pages::settings::Settings/>
                </ParentRoute>
            </Routes>
            <ToastRegion/>
        </Router>
    }
}
