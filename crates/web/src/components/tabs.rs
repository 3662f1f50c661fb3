//! Tabs that are pages: a navigation list of links, the current one marked with
//! `aria-current="page"` (by the router's `<A>`), so each tab has its own URL, works with the
//! back button and can be opened in a new browser tab.

use leptos::prelude::*;
use leptos_router::components::A;

/// One tab: its label and path; `exact` for the tab at the base path.
#[derive(Clone)]
pub(crate) struct Tab {
    pub(crate) label: &'static str,
    pub(crate) href: String,
    pub(crate) exact: bool,
}

#[component]
pub(crate) fn Tabs(#[prop(into)] label: String, tabs: Vec<Tab>) -> impl IntoView {
    view! {
        <nav class="tabs" aria-label=label>
            <ul class="tabs__list">
                {tabs
                    .into_iter()
                    .map(|tab| view! {
                        <li>
                            <A href=tab.href exact=tab.exact scroll=false attr:class="tabs__tab">
                                {tab.label}
                            </A>
                        </li>
                    })
                    .collect_view()}
            </ul>
        </nav>
    }
}
