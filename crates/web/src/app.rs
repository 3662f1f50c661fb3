//! The router: every page of the app, declared in one place.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;
use supabase_client::browser::Client;

/// Load the configuration, create the Supabase client, then show the app.
#[component]
pub(crate) fn App() -> impl IntoView {
    let client = LocalResource::new(|| async { Client::new(crate::config::load().await) });
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || client.get().map(|client| {
                provide_context(StoredValue::new_local(client));
                view! { <Pages/> }
            })}
        </Suspense>
    }
}

/// The Supabase client of this app (provided once the configuration is loaded).
#[allow(dead_code, reason = "used by the pages, which arrive next")]
pub(crate) fn supabase() -> Client {
    expect_context::<StoredValue<Client, LocalStorage>>().get_value()
}

#[component]
fn Pages() -> impl IntoView {
    view! {
        <Router>
            <main>
                <Routes fallback=|| view! { <p>"Page not found."</p> }>
                    <Route path=path!("/") view=|| view! { <h1>"ScaleStream"</h1> }/>
                </Routes>
            </main>
        </Router>
    }
}
