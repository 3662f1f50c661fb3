//! The router: every page of the app, declared in one place.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

#[component]
pub fn App() -> impl IntoView {
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
