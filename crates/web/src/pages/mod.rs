//! One module per page. Pages load data with `LocalResource`s and write with
//! `Action::new_local`; the queries they run live in `model::queries`.

pub(crate) mod client;
pub(crate) mod dashboard;
pub(crate) mod invite;
pub(crate) mod new_client;
pub(crate) mod not_found;
pub(crate) mod settings;
pub(crate) mod sign_in;
pub(crate) mod sign_up;
pub(crate) mod welcome;

use leptos::prelude::*;

/// The frame of the signed-out pages (sign-in, sign-up, invitations, welcome): the brand and
/// one card in the middle.
#[component]
pub(crate) fn PublicFrame(#[prop(into)] title: String, children: Children) -> impl IntoView {
    crate::components::set_title(&title);
    view! {
        <main id="main" class="public" tabindex="-1">
            <div class="public__inner">
                <p class="brand brand--large">"ScaleStream"</p>
                <div class="card public__card">
                    <h1 class="public__title">{title}</h1>
                    {children()}
                </div>
            </div>
        </main>
    }
}

/// The heading row of a signed-in page: title, optional subtitle and actions.
#[component]
pub(crate) fn PageHeader(
    #[prop(into)] title: Signal<String>,
    #[prop(optional, into)] subtitle: Option<Signal<String>>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    Effect::new(move |_| crate::components::set_title(&title.get()));
    view! {
        <div class="page-header">
            <div class="page-header__text">
                <h1 class="page-header__title">{move || title.get()}</h1>
                {subtitle.map(|subtitle| view! { <p class="page-header__subtitle">{move || subtitle.get()}</p> })}
            </div>
            {children.map(|children| view! { <div class="page-header__actions">{children()}</div> })}
        </div>
    }
}
