//! Which agency the signed-in user works in. Their memberships are loaded once per user; the
//! chosen agency is remembered in localStorage (per browser), and pages read the current
//! agency's id and role from here.

use crate::app::supabase;
use crate::model::agency::{self, Membership};
use crate::model::queries;
use crate::model::role::Role;
use crate::session::use_auth;
use leptos::prelude::*;
use serde::de::DeserializeOwned;
use supabase_client::{Error, Query};

const REMEMBERED_KEY: &str = "scalestream.agency";

/// Where loading the memberships stands.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Phase {
    Loading,
    Failed(Error),
    /// Signed in, but in no agency yet: create one or accept an invitation.
    NoAgency,
    Ready,
}

/// Memberships as loaded, with the user they were loaded for.
type Loaded = (Option<String>, Result<Vec<Membership>, Error>);

/// The signed-in user's agencies and the current one.
#[derive(Clone, Copy)]
pub(crate) struct Agencies {
    /// Tagged with its user: while the next user's list loads, a resource still holds the
    /// previous one (e.g. the empty list of "signed out"), which must not count as theirs.
    memberships: LocalResource<Loaded>,
    user_id: Memo<Option<String>>,
    chosen: RwSignal<Option<String>>,
    current: Memo<Option<Membership>>,
    phase: Memo<Phase>,
}

fn remembered() -> Option<String> {
    web_sys::window()?
        .local_storage()
        .ok()??
        .get_item(REMEMBERED_KEY)
        .ok()?
}

fn remember(agency_id: &str) {
    if let Some(storage) =
        web_sys::window().and_then(|window| window.local_storage().ok().flatten())
    {
        let _ = storage.set_item(REMEMBERED_KEY, agency_id);
    }
}

impl Agencies {
    /// Load the memberships of whoever is signed in (again on every sign-in) and provide them.
    pub(crate) fn provide() -> Agencies {
        let auth = use_auth();
        let client = supabase();
        let user_id = Memo::new(move |_| auth.user_id());
        let memberships = LocalResource::new(move || {
            let user_id = user_id.get();
            let client = client.clone();
            async move {
                let list = match &user_id {
                    Some(user_id) => client.fetch(&queries::memberships(user_id)).await,
                    None => Ok(Vec::new()),
                };
                (user_id, list)
            }
        });
        let chosen = RwSignal::new(remembered());
        let current = Memo::new(move |_| {
            let chosen = chosen.get();
            let user_id = user_id.get();
            memberships.with(|loaded| match loaded {
                Some((owner, Ok(list))) if *owner == user_id => {
                    agency::choose(list, chosen.as_deref()).cloned()
                }
                _ => None,
            })
        });
        let phase = Memo::new(move |_| {
            let user_id = user_id.get();
            memberships.with(|loaded| match loaded {
                Some((owner, _)) if *owner != user_id => Phase::Loading,
                None => Phase::Loading,
                Some((_, Err(error))) => Phase::Failed(error.clone()),
                Some((_, Ok(list))) if list.is_empty() => Phase::NoAgency,
                Some((_, Ok(_))) => Phase::Ready,
            })
        });
        let agencies = Agencies {
            memberships,
            user_id,
            chosen,
            current,
            phase,
        };
        provide_context(agencies);
        agencies
    }

    pub(crate) fn phase(&self) -> Phase {
        self.phase.get()
    }

    /// Load the memberships again.
    pub(crate) fn reload(&self) {
        self.memberships.refetch();
    }

    /// Use memberships just loaded (after creating an agency or accepting an invitation), so
    /// the next page sees them at once.
    pub(crate) fn set_memberships(&self, memberships: Vec<Membership>) {
        self.memberships
            .set(Some((self.user_id.get_untracked(), Ok(memberships))));
    }

    pub(crate) fn all(&self) -> Vec<Membership> {
        let user_id = self.user_id.get();
        self.memberships
            .with(|loaded| match loaded {
                Some((owner, Ok(list))) if *owner == user_id => Some(list.clone()),
                _ => None,
            })
            .unwrap_or_default()
    }

    pub(crate) fn current(&self) -> Option<Membership> {
        self.current.get()
    }

    /// The current agency's id ("" before one is loaded; pages under the shell always have one).
    pub(crate) fn id(&self) -> String {
        self.current
            .with(|current| current.as_ref().map(|m| m.agency.id.clone()))
            .unwrap_or_default()
    }

    pub(crate) fn name(&self) -> String {
        self.current
            .with(|current| current.as_ref().map(|m| m.agency.name.clone()))
            .unwrap_or_default()
    }

    /// The user's role in the current agency (member until known: it hides the most).
    pub(crate) fn role(&self) -> Role {
        self.current
            .with(|current| current.as_ref().map(|m| m.role))
            .unwrap_or(Role::Member)
    }

    /// Rows of `query(current agency id)`, loaded again whenever the current agency changes.
    pub(crate) fn load<T>(&self, query: fn(&str) -> Query) -> LocalResource<Result<T, Error>>
    where
        T: DeserializeOwned + 'static,
    {
        let agencies = *self;
        let client = supabase();
        LocalResource::new(move || {
            let client = client.clone();
            let query = query(&agencies.id());
            async move { client.fetch::<T>(&query).await }
        })
    }

    /// Work in another of the user's agencies from now on.
    pub(crate) fn switch(&self, agency_id: &str) {
        remember(agency_id);
        self.chosen.set(Some(agency_id.to_owned()));
    }
}

pub(crate) fn use_agencies() -> Agencies {
    expect_context::<Agencies>()
}
