//! Who is signed in. The session is a signal that follows the client's auth events (sign-in,
//! token refresh, sign-out — in this tab or another), so every page reacts to them, and pages
//! that need a user sit inside [`RequireSignIn`], which sends signed-out visitors to sign-in
//! and brings them back afterwards.

use crate::model::routes;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_location, use_navigate};
use supabase_client::Session;
use supabase_client::browser::Client;

/// The signed-in session, as signals.
#[derive(Clone, Copy)]
pub(crate) struct Auth {
    session: RwSignal<Option<Session>>,
    /// Changes only on sign-in and sign-out (not on refresh): resources key on it.
    user_id: Memo<Option<String>>,
}

impl Auth {
    /// Start following `client`'s session and provide it to the app.
    pub(crate) fn provide(client: &Client) -> Auth {
        let session = RwSignal::new(client.session());
        client.on_auth_change(move |_, current| {
            session.try_set(current.cloned());
        });
        let user_id = Memo::new(move |_| session.with(|s| s.as_ref().map(|s| s.user.id.clone())));
        let auth = Auth { session, user_id };
        provide_context(auth);
        auth
    }

    pub(crate) fn user_id(&self) -> Option<String> {
        self.user_id.get()
    }

    pub(crate) fn is_signed_in(&self) -> bool {
        self.user_id.with(Option::is_some)
    }

    /// The name given at sign-up, else the e-mail.
    pub(crate) fn display_name(&self) -> String {
        self.session
            .with(|s| s.as_ref().map(|s| s.user.display_name()))
            .unwrap_or_default()
    }

    pub(crate) fn email(&self) -> String {
        self.session
            .with(|s| s.as_ref().and_then(|s| s.user.email.clone()))
            .unwrap_or_default()
    }
}

pub(crate) fn use_auth() -> Auth {
    expect_context::<Auth>()
}

/// The current path and query, to come back to after signing in.
pub(crate) fn current_path() -> String {
    let location = use_location();
    let search = location.search.get_untracked();
    let search = search.trim_start_matches('?');
    let path = location.pathname.get_untracked();
    if search.is_empty() {
        path
    } else {
        format!("{path}?{search}")
    }
}

/// Shows `children` to signed-in users; sends everyone else to sign-in (coming back here
/// afterwards), also when the session ends while they are on the page.
#[component]
pub(crate) fn RequireSignIn(children: ChildrenFn) -> impl IntoView {
    let auth = use_auth();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if !auth.is_signed_in() {
            let next = routes::safe_next(Some(&current_path()));
            navigate(
                &routes::with_next(routes::SIGN_IN, &next),
                NavigateOptions {
                    replace: true,
                    ..NavigateOptions::default()
                },
            );
        }
    });
    move || auth.is_signed_in().then(|| children())
}
