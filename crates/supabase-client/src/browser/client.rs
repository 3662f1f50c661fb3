//! The browser client: keeps the session (localStorage, supabase-js layout), refreshes it about
//! 90 s before expiry with one refresh at a time across tabs (Web Lock), follows sign-in and
//! sign-out in other tabs, and sends REST, Functions and Storage requests as the user.

use super::{fetch::send, local_storage, locks::with_lock, now_unix, upload::upload_with_progress};
use crate::auth::{self, SignUpOutcome, UrlAuth};
use crate::config::ClientConfig;
use crate::error::Error;
use crate::postgrest::{self, Query, QueryResult};
use crate::request::HttpResponse;
use crate::session::{RefreshDecision, Session, TICK_SECONDS, User, decide_refresh};
use crate::{functions, storage};
use serde_json::Value;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// What changed about the session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthEvent {
    SignedIn,
    SignedOut,
    TokenRefreshed,
}

type Listener = Box<dyn Fn(AuthEvent, Option<&Session>)>;

struct Inner {
    config: ClientConfig,
    session: RefCell<Option<Session>>,
    listeners: RefCell<Vec<Listener>>,
}

/// A Supabase client for one project. Cheap to clone.
#[derive(Clone)]
pub struct Client {
    inner: Rc<Inner>,
}

impl Client {
    /// Load the stored session and start keeping it fresh.
    pub fn new(config: ClientConfig) -> Client {
        let stored = local_storage()
            .and_then(|storage| storage.get_item(&config.storage_key()).ok().flatten());
        let session = Session::from_storage(stored.as_deref());
        let client = Client {
            inner: Rc::new(Inner {
                config,
                session: RefCell::new(session),
                listeners: RefCell::new(Vec::new()),
            }),
        };
        client.start_ticker();
        client.follow_other_tabs();
        client
    }

    pub fn config(&self) -> &ClientConfig {
        &self.inner.config
    }

    pub fn session(&self) -> Option<Session> {
        self.inner.session.borrow().clone()
    }

    /// Be told about sign-in, sign-out and refreshes (including those made by other tabs).
    pub fn on_auth_change(&self, listener: impl Fn(AuthEvent, Option<&Session>) + 'static) {
        self.inner.listeners.borrow_mut().push(Box::new(listener));
    }

    fn emit(&self, event: AuthEvent) {
        let session = self.inner.session.borrow().clone();
        for listener in self.inner.listeners.borrow().iter() {
            listener(event, session.as_ref());
        }
    }

    fn store(&self, session: Option<Session>) {
        if let Some(storage) = local_storage() {
            let key = self.inner.config.storage_key();
            match &session {
                Some(session) => storage.set_item(&key, &session.to_storage()).ok(),
                None => storage.remove_item(&key).ok(),
            };
        }
        *self.inner.session.borrow_mut() = session;
    }

    pub async fn sign_in(&self, email: &str, password: &str) -> Result<Session, Error> {
        let response = send(&auth::sign_in_with_password(
            &self.inner.config,
            email,
            password,
        ))
        .await?;
        let session = auth::decode_session(&response, now_unix())?;
        self.store(Some(session.clone()));
        self.emit(AuthEvent::SignedIn);
        Ok(session)
    }

    pub async fn sign_up(
        &self,
        email: &str,
        password: &str,
        data: Value,
    ) -> Result<SignUpOutcome, Error> {
        let response = send(&auth::sign_up(&self.inner.config, email, password, data)).await?;
        let outcome = auth::decode_sign_up(&response, now_unix())?;
        if let SignUpOutcome::SignedIn(session) = &outcome {
            self.store(Some((**session).clone()));
            self.emit(AuthEvent::SignedIn);
        }
        Ok(outcome)
    }

    /// Pick up the session an e-mail link (sign-up confirmation, magic link) put in the URL
    /// fragment when GoTrue redirected back to the app, then remove the tokens from the address
    /// bar and history. `Ok(true)` when this signed the user in; the error when the link was
    /// refused (expired, already used).
    pub async fn detect_session_in_url(&self) -> Result<bool, Error> {
        let Some(window) = web_sys::window() else {
            return Ok(false);
        };
        let location = window.location();
        let Some(found) = auth::parse_url_fragment(&location.hash().unwrap_or_default()) else {
            return Ok(false);
        };
        let clean = format!(
            "{}{}",
            location.pathname().unwrap_or_default(),
            location.search().unwrap_or_default()
        );
        if let Ok(history) = window.history() {
            let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&clean));
        }
        let (access_token, refresh_token, expires_in, expires_at, token_type) = match found {
            UrlAuth::Refused(error) => return Err(error),
            UrlAuth::Tokens {
                access_token,
                refresh_token,
                expires_in,
                expires_at,
                token_type,
                ..
            } => (
                access_token,
                refresh_token,
                expires_in,
                expires_at,
                token_type,
            ),
        };
        let response = send(&auth::get_user(&self.inner.config, &access_token)).await?;
        if !response.is_success() {
            return Err(Error::from_response(&response));
        }
        let user: User = serde_json::from_slice(&response.body)
            .map_err(|error| Error::Decode(error.to_string()))?;
        let session = Session {
            access_token,
            token_type,
            expires_in,
            expires_at,
            refresh_token,
            user,
        }
        .normalised(now_unix());
        self.store(Some(session));
        self.emit(AuthEvent::SignedIn);
        Ok(true)
    }

    /// Sign out this device. The local session is cleared even if the server is unreachable.
    pub async fn sign_out(&self) {
        if let Some(session) = self.session() {
            let _ = send(&auth::sign_out(
                &self.inner.config,
                &session.access_token,
                "local",
            ))
            .await;
        }
        self.store(None);
        self.emit(AuthEvent::SignedOut);
    }

    /// A valid access token, refreshing first when one is due.
    pub async fn access_token(&self) -> Result<String, Error> {
        let session = self.session().ok_or(Error::NotSignedIn)?;
        if !session.needs_refresh(now_unix()) {
            return Ok(session.access_token);
        }
        self.refresh().await.map(|session| session.access_token)
    }

    /// Refresh under the cross-tab lock; adopt another tab's fresh session instead of reusing a
    /// rotated refresh token.
    pub async fn refresh(&self) -> Result<Session, Error> {
        let client = self.clone();
        let lock = self.inner.config.lock_name();
        with_lock(&lock, move || async move { client.refresh_locked().await }).await
    }

    async fn refresh_locked(&self) -> Result<Session, Error> {
        let ours = self.session().ok_or(Error::NotSignedIn)?;
        let stored = local_storage().and_then(|storage| {
            storage
                .get_item(&self.inner.config.storage_key())
                .ok()
                .flatten()
        });
        match decide_refresh(&ours, Session::from_storage(stored.as_deref()), now_unix()) {
            RefreshDecision::Adopt(session) => {
                let changed = session != ours;
                *self.inner.session.borrow_mut() = Some(session.clone());
                if changed {
                    self.emit(AuthEvent::TokenRefreshed);
                }
                Ok(session)
            }
            RefreshDecision::SignedOut => {
                self.store(None);
                self.emit(AuthEvent::SignedOut);
                Err(Error::NotSignedIn)
            }
            RefreshDecision::Refresh(refresh_token) => {
                let response = send(&auth::refresh(&self.inner.config, &refresh_token)).await?;
                match auth::decode_session(&response, now_unix()) {
                    Ok(session) => {
                        self.store(Some(session.clone()));
                        self.emit(AuthEvent::TokenRefreshed);
                        Ok(session)
                    }
                    Err(error)
                        if error
                            .status()
                            .is_some_and(|status| (400..500).contains(&status)) =>
                    {
                        // The refresh token is dead (reused, revoked, session gone): sign out.
                        self.store(None);
                        self.emit(AuthEvent::SignedOut);
                        Err(error)
                    }
                    Err(error) => Err(error),
                }
            }
        }
    }

    /// Every 30 s, refresh when due (auth-js's auto-refresh ticker).
    fn start_ticker(&self) {
        let client = self.clone();
        let tick = Closure::<dyn FnMut()>::new(move || {
            let client = client.clone();
            if client
                .session()
                .is_some_and(|session| session.needs_refresh(now_unix()))
            {
                wasm_bindgen_futures::spawn_local(async move {
                    let _ = client.refresh().await;
                });
            }
        });
        if let Some(window) = web_sys::window() {
            let _ = window.set_interval_with_callback_and_timeout_and_arguments_0(
                tick.as_ref().unchecked_ref(),
                (TICK_SECONDS * 1000) as i32,
            );
        }
        tick.forget();
    }

    /// Follow sign-in, refresh and sign-out made in other tabs (the `storage` event).
    fn follow_other_tabs(&self) {
        let client = self.clone();
        let key = self.inner.config.storage_key();
        let listener = Closure::<dyn FnMut(web_sys::StorageEvent)>::new(
            move |event: web_sys::StorageEvent| {
                if event.key().as_deref() != Some(key.as_str()) {
                    return;
                }
                let session = Session::from_storage(event.new_value().as_deref());
                let was_signed_in = client.session().is_some();
                let event = match (&session, was_signed_in) {
                    (None, true) => Some(AuthEvent::SignedOut),
                    (Some(_), false) => Some(AuthEvent::SignedIn),
                    (Some(_), true) => Some(AuthEvent::TokenRefreshed),
                    (None, false) => None,
                };
                *client.inner.session.borrow_mut() = session;
                if let Some(event) = event {
                    client.emit(event);
                }
            },
        );
        if let Some(window) = web_sys::window() {
            let _ = window
                .add_event_listener_with_callback("storage", listener.as_ref().unchecked_ref());
        }
        listener.forget();
    }

    /// Run a PostgREST query as the signed-in user (or anon when signed out).
    pub async fn query(&self, query: &Query) -> Result<QueryResult, Error> {
        let token = match self.session() {
            Some(_) => Some(self.access_token().await?),
            None => None,
        };
        let response = send(&query.build(&self.inner.config, token.as_deref())).await?;
        postgrest::decode(&response)
    }

    /// Run a query and deserialise its rows.
    pub async fn fetch<T: serde::de::DeserializeOwned>(&self, query: &Query) -> Result<T, Error> {
        let result = self.query(query).await?;
        serde_json::from_value(result.data).map_err(|error| Error::Decode(error.to_string()))
    }

    /// Every row of a long list, page by page: `page(k)` is the query for page `k` (from 0) of
    /// `page_rows` rows; reading stops after the first short page.
    pub async fn fetch_pages<T: serde::de::DeserializeOwned>(
        &self,
        page_rows: u64,
        page: impl Fn(u64) -> Query,
    ) -> Result<Vec<T>, Error> {
        let mut all = Vec::new();
        for index in 0.. {
            let rows: Vec<T> = self.fetch(&page(index)).await?;
            let last = (rows.len() as u64) < page_rows;
            all.extend(rows);
            if last {
                break;
            }
        }
        Ok(all)
    }

    /// Invoke an Edge Function with a JSON body; returns its JSON answer.
    pub async fn invoke(&self, name: &str, body: &Value) -> Result<Value, Error> {
        let token = self.access_token().await?;
        let response = send(&functions::invoke(&self.inner.config, &token, name, body)).await?;
        json_or_error(&response)
    }

    /// Upload a file to Storage with progress (`sent`, `total` in bytes).
    pub async fn upload(
        &self,
        bucket: &str,
        path: &str,
        blob: &web_sys::Blob,
        content_type: &str,
        on_progress: impl Fn(f64, f64) + 'static,
    ) -> Result<Value, Error> {
        let token = self.access_token().await?;
        let url = storage::object_url(&self.inner.config, bucket, path);
        let headers = vec![
            ("apikey".to_owned(), self.inner.config.anon_key.clone()),
            ("Authorization".to_owned(), format!("Bearer {token}")),
            ("Content-Type".to_owned(), content_type.to_owned()),
            ("x-upsert".to_owned(), "false".to_owned()),
            ("cache-control".to_owned(), "max-age=3600".to_owned()),
        ];
        let response = upload_with_progress(&url, &headers, blob, on_progress).await?;
        json_or_error(&response)
    }

    /// Download an object's bytes.
    pub async fn download(&self, bucket: &str, path: &str) -> Result<Vec<u8>, Error> {
        let token = self.access_token().await?;
        let response = send(&storage::download(&self.inner.config, &token, bucket, path)).await?;
        if !response.is_success() {
            return Err(Error::from_response(&response));
        }
        Ok(response.body)
    }
}

fn json_or_error(response: &HttpResponse) -> Result<Value, Error> {
    if !response.is_success() {
        return Err(Error::from_response(response));
    }
    if response.body.is_empty() {
        return Ok(Value::Null);
    }
    serde_json::from_slice(&response.body).map_err(|error| Error::Decode(error.to_string()))
}
