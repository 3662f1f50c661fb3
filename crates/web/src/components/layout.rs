//! The signed-in shell: header (brand, navigation, agency, account), the page in `<main>`.
//! Signed-out visitors go to sign-in; signed-in users without an agency go to /welcome.

use crate::agency::{Phase, use_agencies};
use crate::app::supabase;
use crate::components::feedback::{ErrorPanel, Skeleton};
use crate::model::routes;
use crate::session::{RequireSignIn, use_auth};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::components::{A, Outlet};
use leptos_router::hooks::use_navigate;

#[component]
pub(crate) fn Shell() -> impl IntoView {
    view! {
        <RequireSignIn>
            <ShellForMember/>
        </RequireSignIn>
    }
}

#[component]
fn ShellForMember() -> impl IntoView {
    let agencies = use_agencies();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if agencies.phase() == Phase::NoAgency {
            navigate(
                routes::WELCOME,
                NavigateOptions {
                    replace: true,
                    ..NavigateOptions::default()
                },
            );
        }
    });
    view! {
        <Header/>
        <main id="main" class="main" tabindex="-1">
            {move || match agencies.phase() {
                Phase::Ready => view! { <Outlet/> }.into_any(),
                Phase::Failed(error) => view! {
                    <ErrorPanel
                        error=error
                        action="load your agency"
                        retry=Callback::new(move |_| agencies.reload())
                    />
                }
                .into_any(),
                Phase::Loading | Phase::NoAgency => view! { <Skeleton what="your agency" lines=4/> }.into_any(),
            }}
        </main>
    }
}

#[component]
fn Header() -> impl IntoView {
    view! {
        <header class="header">
            <div class="header__inner">
                <A href=routes::DASHBOARD attr:class="brand">"ScaleStream"</A>
                <nav class="header__nav" aria-label="Main">
                    <A href=routes::DASHBOARD exact=true attr:class="header__link">"Dashboard"</A>
                    <A href=routes::SETTINGS attr:class="header__link">"Agency settings"</A>
                </nav>
                <div class="header__end">
                    <AgencySwitcher/>
                    <Account/>
                </div>
            </div>
        </header>
    }
}

/// The current agency's name; a choice when the user belongs to several.
#[component]
fn AgencySwitcher() -> impl IntoView {
    let agencies = use_agencies();
    let navigate = use_navigate();
    move || {
        let all = agencies.all();
        if all.len() < 2 {
            return view! { <span class="header__agency">{agencies.name()}</span> }.into_any();
        }
        let current = agencies.id();
        let navigate = navigate.clone();
        view! {
            <label class="header__agency-choice">
                <span class="visually-hidden">"Agency"</span>
                <select
                    class="input input--select input--compact"
                    on:change=move |event| {
                        agencies.switch(&event_target_value(&event));
                        navigate(routes::DASHBOARD, NavigateOptions::default());
                    }
                >
                    {all
                        .into_iter()
                        .map(|membership| {
                            let selected = membership.agency.id == current;
                            view! {
                                <option value=membership.agency.id.clone() selected=selected>
                                    {membership.agency.name.clone()}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </label>
        }
        .into_any()
    }
}

/// Who is signed in, and signing out.
#[component]
fn Account() -> impl IntoView {
    let auth = use_auth();
    let agencies = use_agencies();
    let signing_out = RwSignal::new(false);
    let sign_out = move |_| {
        signing_out.set(true);
        let client = supabase();
        spawn_local(async move {
            client.sign_out().await;
            // The shell notices the ended session and goes to sign-in.
        });
    };
    view! {
        <div class="account">
            <span class="account__who" title=move || auth.email()>
                <span class="account__name">{move || auth.display_name()}</span>
                <span class="account__role">{move || agencies.role().label()}</span>
            </span>
            <button
                type="button"
                class="button button--ghost button--small"
                disabled=move || signing_out.get()
                on:click=sign_out
            >
                "Sign out"
            </button>
        </div>
    }
}
