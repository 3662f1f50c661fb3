//! Sign in with e-mail and password; then back to where the visitor was going (`?next=`).

use crate::app::{LinkError, supabase};
use crate::components::feedback::InlineError;
use crate::components::field::TextField;
use crate::model::routes;
use crate::pages::PublicFrame;
use crate::session::use_auth;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};

/// Where to go after signing in or up: `?next=` when it is a path inside the app.
pub(crate) fn next_path() -> Memo<String> {
    let query = use_query_map();
    Memo::new(move |_| routes::safe_next(query.read().get("next").as_deref()))
}

/// Once signed in (now, or already), go to `next`.
pub(crate) fn leave_when_signed_in(next: Memo<String>) {
    let auth = use_auth();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if auth.is_signed_in() {
            navigate(
                &next.get(),
                NavigateOptions {
                    replace: true,
                    ..NavigateOptions::default()
                },
            );
        }
    });
}

#[component]
pub(crate) fn SignIn() -> impl IntoView {
    let next = next_path();
    leave_when_signed_in(next);
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let problem = RwSignal::new(
        use_context::<LinkError>()
            .and_then(|LinkError(error)| error)
            .map(|error| error.user_message()),
    );
    let client = supabase();
    let sign_in = Action::new_local(move |(email, password): &(String, String)| {
        let client = client.clone();
        let (email, password) = (email.clone(), password.clone());
        async move { client.sign_in(&email, &password).await.map(|_| ()) }
    });
    Effect::new(move |_| {
        if let Some(Err(error)) = sign_in.value().get() {
            problem.set(Some(error.user_message()));
        }
    });
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let address = email.get().trim().to_owned();
        if address.is_empty() || password.with(String::is_empty) {
            problem.set(Some("Enter your e-mail address and password.".to_owned()));
            return;
        }
        problem.set(None);
        sign_in.dispatch((address, password.get()));
    };
    view! {
        <PublicFrame title="Sign in">
            <form class="form" on:submit=submit novalidate>
                <TextField label="E-mail address" value=email kind="email" autocomplete="email" required=true/>
                <TextField label="Password" value=password kind="password" autocomplete="current-password" required=true/>
                <InlineError message=problem/>
                <button type="submit" class="button button--primary button--wide" disabled=move || sign_in.pending().get()>
                    {move || if sign_in.pending().get() { "Signing in…" } else { "Sign in" }}
                </button>
            </form>
            <p class="public__switch">
                "New to ScaleStream? "
                <A href=move || routes::with_next(routes::SIGN_UP, &next.get())>"Create an account"</A>
            </p>
        </PublicFrame>
    }
}
