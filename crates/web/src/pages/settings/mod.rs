//! Agency settings: the agency's name, plan and usage against its limits, members and their
//! roles, and invitations. Each section shows only what the current role may do (the database
//! enforces it either way).

mod details;
mod invitations;
mod members;
mod plan;

use crate::agency::use_agencies;
use crate::pages::PageHeader;
use leptos::prelude::*;

#[component]
pub(crate) fn Settings() -> impl IntoView {
    let agencies = use_agencies();
    view! {
        <PageHeader title="Agency settings" subtitle=Signal::derive(move || agencies.name())/>
        <div class="stack">
            <details::Details/>
            <plan::PlanAndUsage/>
            <members::Members/>
            {move || agencies.role().can_invite().then(|| view! { <invitations::Invitations/> })}
        </div>
    }
}
