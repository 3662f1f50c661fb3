//! Invitations (admins and owners): create one with a role, copy its link (shown once: only a
//! hash of the token is stored), see which are pending, revoke them.

use crate::agency::use_agencies;
use crate::app::supabase;
use crate::components::dialog::ConfirmDialog;
use crate::components::feedback::{EmptyState, InlineError, loaded};
use crate::components::field::{SelectField, TextField};
use crate::components::toast::use_toasts;
use crate::components::{focus_first_invalid, now, origin, unique_id};
use crate::model::agency::{CreatedInvitation, Invitation, InvitationState, invitation_link};
use crate::model::role::Role;
use crate::model::{format, queries};
use leptos::prelude::*;
use serde_json::Value;
use supabase_client::Error;
use wasm_bindgen_futures::JsFuture;

#[component]
pub(crate) fn Invitations() -> impl IntoView {
    let agencies = use_agencies();
    let toasts = use_toasts();
    let invitations = agencies.load::<Vec<Invitation>>(queries::invitations);
    let api = supabase();
    let revoke = Action::new_local(move |id: &String| {
        let api = api.clone();
        let id = id.clone();
        async move {
            let rows: Vec<Value> = api.fetch(&queries::revoke_invitation(&id)).await?;
            if rows.is_empty() {
                return Err(Error::nothing_changed());
            }
            Ok(())
        }
    });
    let revoking = RwSignal::new(None::<String>);
    let confirm_open = RwSignal::new(false);
    Effect::new(move |_| match revoke.value().get() {
        Some(Ok(())) => {
            confirm_open.set(false);
            toasts.success("Invitation revoked: its link no longer works.");
            invitations.refetch();
        }
        Some(Err(error)) => {
            confirm_open.set(false);
            toasts.error(error.user_message());
        }
        None => {}
    });
    view! {
        <section class="card" aria-labelledby="invitations-heading">
            <h2 id="invitations-heading" class="card__title">"Invitations"</h2>
            <NewInvitation on_created=Callback::new(move |_| invitations.refetch())/>
            <h3 class="card__subtitle">"Recent invitations"</h3>
            {loaded(invitations, "the invitations", move |list: Vec<Invitation>| {
                if list.is_empty() {
                    return view! {
                        <EmptyState title="No invitations yet" text="Invite your team above: each person gets their own link."/>
                    }
                    .into_any();
                }
                view! {
                    <InvitationTable
                        invitations=list
                        on_revoke=Callback::new(move |id| {
                            revoking.set(Some(id));
                            confirm_open.set(true);
                        })
                    />
                }
                .into_any()
            })}
        </section>
        <ConfirmDialog
            open=confirm_open
            title="Revoke this invitation?"
            message="Its link will stop working. You can always create a new one."
            confirm_label="Revoke"
            pending=revoke.pending()
            on_confirm=Callback::new(move |_| {
                if let Some(id) = revoking.get_untracked() {
                    revoke.dispatch(id);
                }
            })
        />
    }
}

#[component]
fn NewInvitation(on_created: Callback<()>) -> impl IntoView {
    let agencies = use_agencies();
    let role = RwSignal::new(Role::Member.as_str().to_owned());
    let kind = RwSignal::new("one_time".to_owned());
    let email = RwSignal::new(String::new());
    let email_error = RwSignal::new(None::<String>);
    let problem = RwSignal::new(None::<String>);
    let created_link = RwSignal::new(None::<(String, String)>);
    let api = supabase();
    let create = Action::new_local(
        move |(role, kind, email): &(Role, String, Option<String>)| {
            let api = api.clone();
            let (role, kind, email) = (*role, kind.clone(), email.clone());
            let agency_id = agencies.id();
            async move {
                api.fetch::<CreatedInvitation>(&queries::create_invitation(
                    &agency_id,
                    role,
                    &kind,
                    email.as_deref(),
                ))
                .await
            }
        },
    );
    Effect::new(move |_| match create.value().get() {
        Some(Ok(created)) => {
            created_link.set(Some((
                invitation_link(&origin(), &created.token),
                created.expires_at,
            )));
            email.set(String::new());
            on_created.run(());
        }
        Some(Err(error)) => problem.set(Some(error.user_message())),
        None => {}
    });
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        problem.set(None);
        created_link.set(None);
        let address = email.get().trim().to_lowercase();
        let invalid = !address.is_empty()
            && (!address.contains('@')
                || address.contains(char::is_whitespace)
                || address.len() > 320);
        email_error.set(invalid.then(|| {
            "Enter an e-mail address like name@agency.com, or leave it empty.".to_owned()
        }));
        if invalid {
            focus_first_invalid();
            return;
        }
        let Some(chosen) = Role::parse(&role.get()) else {
            return;
        };
        create.dispatch((chosen, kind.get(), (!address.is_empty()).then_some(address)));
    };
    let role_options = move || {
        agencies
            .role()
            .invitable_roles()
            .into_iter()
            .map(|role| {
                (
                    role.as_str().to_owned(),
                    format!("{} — {}", role.label(), role.description()),
                )
            })
            .collect::<Vec<_>>()
    };
    view! {
        <form class="form" on:submit=submit novalidate>
            <div class="form__row">
                {move || view! { <SelectField label="Role" value=role options=role_options() required=true/> }}
                <SelectField
                    label="Who can use the link"
                    value=kind
                    required=true
                    options=vec![
                        ("one_time".to_owned(), "One person".to_owned()),
                        ("24_hour".to_owned(), "Anyone with the link, for 24 hours".to_owned()),
                    ]
                />
            </div>
            <TextField
                label="Their e-mail address"
                value=email
                kind="email"
                hint="If given, only someone signed in with this address can accept."
                error=email_error
            />
            <InlineError message=problem/>
            <div class="form__actions">
                <button type="submit" class="button button--primary" disabled=move || create.pending().get()>
                    {move || if create.pending().get() { "Creating…" } else { "Create invitation link" }}
                </button>
            </div>
        </form>
        {move || created_link.get().map(|(link, expires_at)| view! { <CreatedLink link=link expires_at=expires_at/> })}
    }
}

/// The new link, with a copy button. It is shown once.
#[component]
fn CreatedLink(link: String, expires_at: String) -> impl IntoView {
    let toasts = use_toasts();
    let input_id = unique_id("invitation-link");
    let copy_link = link.clone();
    let copy = move |_| {
        let link = copy_link.clone();
        leptos::task::spawn_local(async move {
            let clipboard = web_sys::window().map(|window| window.navigator().clipboard());
            let copied = match clipboard {
                Some(clipboard) => JsFuture::from(clipboard.write_text(&link)).await.is_ok(),
                None => false,
            };
            if copied {
                toasts.success("Link copied. Send it to the person you invited.");
            } else {
                toasts.error("Couldn't copy automatically: select the link and copy it yourself.");
            }
        });
    };
    let expires = format::parse_timestamp(&expires_at)
        .map(format::date_time)
        .unwrap_or(expires_at);
    view! {
        <div class="created-link" role="status">
            <label class="field__label" for=input_id.clone()>"Invitation link"</label>
            <div class="created-link__row">
                <input class="input created-link__input" id=input_id readonly value=link on:focus=move |event| {
                    use wasm_bindgen::JsCast;
                    if let Some(input) = event.target().and_then(|target| target.dyn_into::<web_sys::HtmlInputElement>().ok()) {
                        input.select();
                    }
                }/>
                <button type="button" class="button button--secondary" on:click=copy>"Copy link"</button>
            </div>
            <p class="field__hint">
                {format!("Copy it now: for security it is shown only once. It works until {expires}.")}
            </p>
        </div>
    }
}

#[component]
fn InvitationTable(invitations: Vec<Invitation>, on_revoke: Callback<String>) -> impl IntoView {
    let now = now();
    view! {
        <div class="table-wrap">
            <table class="table table--stacking">
                <thead>
                    <tr>
                        <th scope="col">"For"</th>
                        <th scope="col">"Role"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Created"</th>
                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>
                    {invitations.into_iter().map(|invitation| {
                        let state = invitation.state(now);
                        let id = invitation.id.clone();
                        let expires = format::parse_timestamp(&invitation.expires_at).map(|at| format::relative(at, now));
                        view! {
                            <tr>
                                <th scope="row" data-label="For">
                                    <span class="table__primary">{invitation.email.clone().unwrap_or_else(|| invitation.kind_label().to_owned())}</span>
                                </th>
                                <td data-label="Role">{invitation.role.label()}</td>
                                <td data-label="Status">
                                    {match state {
                                        InvitationState::Pending => view! { <span class="badge badge--info">"Pending"</span> }.into_any(),
                                        InvitationState::Accepted => view! { <span class="badge badge--success">"Accepted"</span> }.into_any(),
                                        InvitationState::Expired => view! {
                                            <span class="badge badge--neutral" title=expires.map(|when| format!("Expired {when}"))>"Expired"</span>
                                        }
                                        .into_any(),
                                    }}
                                </td>
                                <td data-label="Created">{format::relative_timestamp(&invitation.created_at, now)}</td>
                                <td data-label="">
                                    {(state == InvitationState::Pending).then(|| view! {
                                        <button
                                            type="button"
                                            class="button button--ghost button--small button--danger-text"
                                            on:click=move |_| on_revoke.run(id.clone())
                                        >
                                            "Revoke"
                                        </button>
                                    })}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
