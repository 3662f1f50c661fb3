//! Unknown addresses.

use crate::model::routes;
use crate::pages::PublicFrame;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub(crate) fn NotFound() -> impl IntoView {
    view! {
        <PublicFrame title="Page not found">
            <p>"There is nothing at this address. It may have moved, or the link may be mistyped."</p>
            <p><A href=routes::DASHBOARD attr:class="button button--primary">"Go to your dashboard"</A></p>
        </PublicFrame>
    }
}
