//! Members and their roles. Owners change roles; owners remove anyone and admins remove
//! members; anyone may leave. The last owner can be neither demoted nor removed (the database
//! says so in words, shown as they are).

use crate::agency::use_agencies;
use crate::app::supabase;
use crate::components::dialog::ConfirmDialog;
use crate::components::feedback::loaded;
use crate::components::toast::use_toasts;
use crate::model::agency::{Member, owner_count};
use crate::model::role::Role;
use crate::model::{format, queries, routes};
use crate::session::use_auth;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;
use serde_json::Value;
use supabase_client::Error;

/// A change to one member.
#[derive(Debug, Clone, PartialEq)]
enum Change {
    Role { user_id: String, role: Role },
    Remove { user_id: String },
}

#[component]
pub(crate) fn Members() -> impl IntoView {
    let agencies = use_agencies();
    let auth = use_auth();
    let toasts = use_toasts();
    let navigate = use_navigate();
    let members = agencies.load::<Vec<Member>>(queries::members);
    let api = supabase();
    let change = Action::new_local(move |change: &Change| {
        let api = api.clone();
        let change = change.clone();
        let agency_id = agencies.id();
        async move {
            let query = match &change {
                Change::Role { user_id, role } => queries::change_role(&agency_id, user_id, *role),
                Change::Remove { user_id } => queries::remove_member(&agency_id, user_id),
            };
            let rows: Vec<Value> = api.fetch(&query).await?;
            if rows.is_empty() {
                return Err(Error::nothing_changed());
            }
            Ok::<_, Error>(change)
        }
    });
    let pending_removal = RwSignal::new(None::<Member>);
    let confirm_open = RwSignal::new(false);
    Effect::new(move |_| match change.value().get() {
        Some(Ok(Change::Remove { user_id })) => {
            confirm_open.set(false);
            if Some(user_id) == auth.user_id() {
                toasts.success("You left the agency.");
                agencies.reload();
                navigate(routes::DASHBOARD, NavigateOptions::default());
            } else {
                toasts.success("Member removed.");
                members.refetch();
            }
        }
        Some(Ok(Change::Role { role, .. })) => {
            toasts.success(format!("Role changed to {}.", role.label().to_lowercase()));
            members.refetch();
        }
        Some(Err(error)) => {
            confirm_open.set(false);
            toasts.error(error.user_message());
            members.refetch();
        }
        None => {}
    });
    let confirm_title = Signal::derive(move || {
        let me = auth.user_id();
        pending_removal.with(|member| match member {
            Some(member) if Some(&member.user_id) == me.as_ref() => "Leave the agency?".to_owned(),
            Some(member) => format!("Remove {}?", member.display_name()),
            None => String::new(),
        })
    });
    let confirm_message = Signal::derive(move || {
        let me = auth.user_id();
        pending_removal.with(|member| match member {
            Some(member) if Some(&member.user_id) == me.as_ref() => {
                "You will lose access to its clients and analyses until someone invites you again.".to_owned()
            }
            Some(member) => format!(
                "{} ({}) will lose access to the agency's clients and analyses. You can invite them again later.",
                member.display_name(),
                member.email
            ),
            None => String::new(),
        })
    });
    view! {
        <section class="card" aria-labelledby="members-heading">
            <h2 id="members-heading" class="card__title">"Members"</h2>
            {loaded(members, "the members", move |list: Vec<Member>| {
                view! {
                    <MemberTable
                        members=list
                        on_role=Callback::new(move |(user_id, role)| { change.dispatch(Change::Role { user_id, role }); })
                        on_remove=Callback::new(move |member: Member| {
                            pending_removal.set(Some(member));
                            confirm_open.set(true);
                        })
                        busy=change.pending()
                    />
                }
            })}
        </section>
        <ConfirmDialog
            open=confirm_open
            title=confirm_title
            message=confirm_message
            confirm_label=Signal::derive(move || {
                let me = auth.user_id();
                let leaving = pending_removal.with(|member| member.as_ref().map(|m| &m.user_id) == me.as_ref());
                if leaving { "Leave".to_owned() } else { "Remove".to_owned() }
            })
            pending=change.pending()
            on_confirm=Callback::new(move |_| {
                if let Some(member) = pending_removal.get_untracked() {
                    change.dispatch(Change::Remove { user_id: member.user_id });
                }
            })
        />
    }
}

#[component]
fn MemberTable(
    members: Vec<Member>,
    on_role: Callback<(String, Role)>,
    on_remove: Callback<Member>,
    #[prop(into)] busy: Signal<bool>,
) -> impl IntoView {
    let agencies = use_agencies();
    let auth = use_auth();
    let my_role = agencies.role();
    let me = auth.user_id().unwrap_or_default();
    let owners = owner_count(&members);
    let now = crate::components::now();
    view! {
        <div class="table-wrap">
            <table class="table table--stacking">
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Role"</th>
                        <th scope="col">"Joined"</th>
                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>
                    {members.into_iter().map(|member| {
                        let is_me = member.user_id == me;
                        let last_owner = member.role == Role::Owner && owners == 1;
                        let can_change_role = my_role.can_change_roles() && !last_owner;
                        let can_remove = my_role.can_remove(member.role, is_me) && !last_owner;
                        let name = member.display_name().to_owned();
                        let user_id = member.user_id.clone();
                        let removing = member.clone();
                        view! {
                            <tr>
                                <th scope="row" data-label="Name">
                                    <span class="table__primary">{name.clone()}{is_me.then_some(" (you)")}</span>
                                    <span class="table__secondary">{member.email.clone()}</span>
                                </th>
                                <td data-label="Role">
                                    {if can_change_role {
                                        let current = member.role;
                                        view! {
                                            <label>
                                                <span class="visually-hidden">{format!("Role of {name}")}</span>
                                                <select
                                                    class="input input--select input--compact"
                                                    disabled=move || busy.get()
                                                    on:change=move |event| {
                                                        if let Some(role) = Role::parse(&event_target_value(&event)) {
                                                            on_role.run((user_id.clone(), role));
                                                        }
                                                    }
                                                >
                                                    {Role::ALL.into_iter().map(|role| view! {
                                                        <option value=role.as_str() selected={role == current}>{role.label()}</option>
                                                    }).collect_view()}
                                                </select>
                                            </label>
                                        }
                                        .into_any()
                                    } else {
                                        view! {
                                            <span>{member.role.label()}</span>
                                            {last_owner.then(|| view! { <span class="table__secondary">"The only owner"</span> })}
                                        }
                                        .into_any()
                                    }}
                                </td>
                                <td data-label="Joined">{format::relative_timestamp(&member.joined_at, now)}</td>
                                <td data-label="">
                                    {can_remove.then(|| view! {
                                        <button
                                            type="button"
                                            class="button button--ghost button--small button--danger-text"
                                            disabled=move || busy.get()
                                            on:click=move |_| on_remove.run(removing.clone())
                                        >
                                            {if is_me { "Leave".to_owned() } else { "Remove".to_owned() }}
                                            <span class="visually-hidden">{if is_me { String::new() } else { format!(" {name}") }}</span>
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
