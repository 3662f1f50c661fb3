//! An invitation link (/invite/<token>): sign in or create an account first, see which
//! agency invites you and as what, then join it.

use crate::agency::use_agencies;
use crate::app::supabase;
use crate::components::feedback::{InlineError, loaded};
use crate::components::toast::use_toasts;
use crate::model::agency::{AcceptedInvitation, InvitationLookup};
use crate::model::{queries, routes};
use crate::pages::PublicFrame;
use crate::session::use_auth;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};

#[component]
pub(crate) fn Invite() -> impl IntoView {
    let params = use_params_map();
    let token = Memo::new(move |_| params.read().get("token").unwrap_or_default());
    let auth = use_auth();
    view! {
        <PublicFrame title="You're invited">
            {move || if auth.is_signed_in() {
                view! { <InvitationFor token=token.get()/> }.into_any()
            } else {
                let here = routes::invitation(&token.get());
                view! {
                    <p class="public__lead">
                        "You've been invited to join an agency on ScaleStream. Sign in, or create a free account, to see the invitation and accept it."
                    </p>
                    <div class="button-row">
                        <A href=routes::with_next(routes::SIGN_IN, &here) attr:class="button button--primary">"Sign in"</A>
                        <A href=routes::with_next(routes::SIGN_UP, &here) attr:class="button button--secondary">"Create an account"</A>
                    </div>
                }
                .into_any()
            }}
        </PublicFrame>
    }
}

#[component]
fn InvitationFor(token: String) -> impl IntoView {
    let client = supabase();
    let lookup_token = token.clone();
    let lookup = LocalResource::new(move || {
        let client = client.clone();
        let token = lookup_token.clone();
        async move {
            client
                .fetch::<InvitationLookup>(&queries::lookup_invitation(&token))
                .await
        }
    });
    view! {
        {loaded(lookup, "the invitation", move |invitation: InvitationLookup| {
            if invitation.active {
                view! { <AcceptInvitation token=token.clone() invitation=invitation/> }.into_any()
            } else {
                view! {
                    <div class="notice notice--warning">
                        <p><strong>"This invitation can't be used."</strong></p>
                        <p>"It may have expired (invitations last 24 hours) or already been used. Ask the person who invited you for a new link."</p>
                    </div>
                    <p><A href=routes::DASHBOARD attr:class="button button--secondary">"Go to ScaleStream"</A></p>
                }
                .into_any()
            }
        })}
    }
}

#[component]
fn AcceptInvitation(token: String, invitation: InvitationLookup) -> impl IntoView {
    let auth = use_auth();
    let agencies = use_agencies();
    let toasts = use_toasts();
    let navigate = use_navigate();
    let problem = RwSignal::new(None::<String>);
    let client = supabase();
    let accept = Action::new_local(move |token: &String| {
        let client = client.clone();
        let token = token.clone();
        async move {
            let accepted: AcceptedInvitation =
                client.fetch(&queries::accept_invitation(&token)).await?;
            let user_id = client
                .session()
                .map(|session| session.user.id)
                .unwrap_or_default();
            let memberships = client.fetch(&queries::memberships(&user_id)).await?;
            Ok::<_, supabase_client::Error>((accepted, memberships))
        }
    });
    let agency_name = invitation
        .agency_name
        .clone()
        .unwrap_or_else(|| "the agency".to_owned());
    let joined_name = agency_name.clone();
    Effect::new(move |_| match accept.value().get() {
        Some(Ok((accepted, memberships))) => {
            agencies.set_memberships(memberships);
            agencies.switch(&accepted.agency_id);
            toasts.success(format!("You joined {joined_name}."));
            navigate(routes::DASHBOARD, NavigateOptions::default());
        }
        Some(Err(error)) => problem.set(Some(error.user_message())),
        None => {}
    });
    let role = invitation
        .role
        .map(|role| role.label().to_lowercase())
        .unwrap_or_else(|| "member".to_owned());
    let role_description = invitation
        .role
        .map(|role| role.description())
        .unwrap_or_default();
    let sign_out = move |_| {
        let client = supabase();
        spawn_local(async move { client.sign_out().await });
    };
    view! {
        <p class="public__lead">
            <strong>{agency_name}</strong>
            {format!(" invited you to join as {} {role}.", if role.starts_with('a') || role.starts_with('o') { "an" } else { "a" })}
        </p>
        <p class="muted">{role_description}</p>
        {invitation.email_bound.then(|| view! {
            <p class="notice notice--info">"This invitation is for one e-mail address: accept it while signed in with that address."</p>
        })}
        <InlineError message=problem/>
        <div class="button-row">
            <button
                type="button"
                class="button button--primary"
                disabled=move || accept.pending().get()
                on:click=move |_| { problem.set(None); accept.dispatch(token.clone()); }
            >
                {move || if accept.pending().get() { "Joining…" } else { "Accept invitation" }}
            </button>
        </div>
        <p class="public__switch">
            {move || format!("Signed in as {}. ", auth.email())}
            <button type="button" class="link-button" on:click=sign_out>"Use another account"</button>
        </p>
    }
}
