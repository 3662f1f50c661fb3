//! Create an account: name, e-mail and a password whose rules are shown as they are met. When
//! the project requires e-mail confirmation, the page says where the link went; otherwise the
//! new user is signed in and continues (to `?next=`, else to creating their agency).

use crate::app::supabase;
use crate::components::feedback::InlineError;
use crate::components::field::TextField;
use crate::components::focus_first_invalid;
use crate::model::{routes, text};
use crate::pages::PublicFrame;
use crate::pages::sign_in::{leave_when_signed_in, next_path};
use leptos::prelude::*;
use leptos_router::components::A;
use serde_json::json;
use supabase_client::auth::{MAXIMUM_PASSWORD_BYTES, MINIMUM_PASSWORD_LENGTH, SignUpOutcome};

/// The password rules and whether `password` meets each.
fn password_rules(password: &str) -> [(String, bool); 2] {
    [
        (
            format!("At least {MINIMUM_PASSWORD_LENGTH} characters"),
            password.chars().count() >= MINIMUM_PASSWORD_LENGTH,
        ),
        (
            format!("At most {MAXIMUM_PASSWORD_BYTES} bytes (emoji and accents count as several)"),
            password.len() <= MAXIMUM_PASSWORD_BYTES,
        ),
    ]
}

#[component]
pub(crate) fn SignUp() -> impl IntoView {
    let next = next_path();
    leave_when_signed_in(next);
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let name_error = RwSignal::new(None::<String>);
    let email_error = RwSignal::new(None::<String>);
    let password_error = RwSignal::new(None::<String>);
    let problem = RwSignal::new(None::<String>);
    let sent_to = RwSignal::new(None::<String>);
    let client = supabase();
    let sign_up = Action::new_local(move |(name, email, password): &(String, String, String)| {
        let client = client.clone();
        let (name, email, password) = (name.clone(), email.clone(), password.clone());
        async move {
            client
                .sign_up(&email, &password, json!({ "full_name": name }))
                .await
                .map(|outcome| match outcome {
                    SignUpOutcome::ConfirmationSent(_) => Some(email),
                    SignUpOutcome::SignedIn(_) => None,
                })
        }
    });
    Effect::new(move |_| match sign_up.value().get() {
        Some(Ok(Some(address))) => sent_to.set(Some(address)),
        Some(Err(error)) => problem.set(Some(error.user_message())),
        _ => {}
    });
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        problem.set(None);
        let full_name = text::required_line(&name.get(), "your name", 200);
        name_error.set(full_name.as_ref().err().cloned());
        let address = email.get().trim().to_owned();
        email_error.set(
            (!address.contains('@') || address.len() < 3)
                .then(|| "Enter your e-mail address, like you@agency.com.".to_owned()),
        );
        let unmet: Vec<String> = password_rules(&password.get())
            .into_iter()
            .filter(|(_, met)| !met)
            .map(|(rule, _)| rule)
            .collect();
        password_error.set(
            (!unmet.is_empty())
                .then(|| format!("The password needs: {}.", unmet.join("; ").to_lowercase())),
        );
        match full_name {
            Ok(full_name) if email_error.with(Option::is_none) && unmet.is_empty() => {
                sign_up.dispatch((full_name, address, password.get()));
            }
            _ => focus_first_invalid(),
        }
    };
    view! {
        <PublicFrame title="Create your account">
            {move || match sent_to.get() {
                Some(address) => view! {
                    <div class="notice notice--info" role="status">
                        <p><strong>"Check your e-mail."</strong></p>
                        <p>
                            "We sent a confirmation link to " <strong>{address}</strong>
                            ". Open it on this device to finish creating your account. "
                            "It can take a minute to arrive; check your spam folder too."
                        </p>
                    </div>
                    <p class="public__switch">
                        "Confirmed already? "
                        <A href=move || routes::with_next(routes::SIGN_IN, &next.get())>"Sign in"</A>
                    </p>
                }
                .into_any(),
                None => view! {
                    <form class="form" on:submit=submit novalidate>
                        <TextField label="Your name" value=name autocomplete="name" required=true maxlength=200 error=name_error/>
                        <TextField label="E-mail address" value=email kind="email" autocomplete="email" required=true error=email_error/>
                        <TextField label="Password" value=password kind="password" autocomplete="new-password" required=true error=password_error/>
                        <ul class="rules" aria-label="Password rules">
                            {move || password_rules(&password.get())
                                .into_iter()
                                .map(|(rule, met)| view! {
                                    <li class="rules__rule" class:rules__rule--met=met>
                                        <span aria-hidden="true">{if met { "✓ " } else { "○ " }}</span>
                                        {rule}
                                        <span class="visually-hidden">{if met { " (met)" } else { " (not met yet)" }}</span>
                                    </li>
                                })
                                .collect_view()}
                        </ul>
                        <InlineError message=problem/>
                        <button type="submit" class="button button--primary button--wide" disabled=move || sign_up.pending().get()>
                            {move || if sign_up.pending().get() { "Creating your account…" } else { "Create account" }}
                        </button>
                    </form>
                    <p class="public__switch">
                        "Already have an account? "
                        <A href=move || routes::with_next(routes::SIGN_IN, &next.get())>"Sign in"</A>
                    </p>
                }
                .into_any(),
            }}
        </PublicFrame>
    }
}
