//! `/auth/v1`: the subset of GoTrue v2.189 that e-mail + password sign-in needs (contract §2),
//! behaving like hosted Supabase Auth on the wire.
//!
//! - `POST /signup`, `GET /verify` (the sign-up confirmation link), `POST
//!   /token?grant_type=password|refresh_token`, `GET`/`PUT /user`,
//!   `POST /logout?scope=global|local|others`, `GET /settings`, `GET /health`;
//! - `POST /admin/users`, `GET`/`DELETE /admin/users/{id}` (service role only), so tests and
//!   tools can create confirmed users the same way against the stand-in and a real project.
//!
//! Users, identities, sessions and refresh tokens live in the `auth` schema; every request
//! runs its SQL in transactions as `supabase_auth_admin` (`store`). Passwords are bcrypt
//! (`password`), refresh tokens rotate with GoTrue's reuse rules (`tokens`), errors carry
//! GoTrue's codes in the shape the request's API version asks for (`error`).
//!
//! Local differences from hosted, all on the safe side: no e-mails are sent (confirmation links
//! and e-mail-change mails are logged instead); a built-in list of common breached passwords is
//! always refused; rate limits are off unless asked for; a token family revoked after reuse
//! stays revoked (see `tokens`).

mod admin;
pub mod error;
pub mod model;
pub mod password;
pub mod rate_limit;
mod sessions;
mod signup;
mod store;
pub mod tokens;
mod user;
mod verify;

use crate::{AppState, Core};
use anyhow::Result;
use axum::Router;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use error::AuthError;
use serde::de::DeserializeOwned;
use serde_json::json;
use std::net::IpAddr;
use std::sync::Arc;

/// State of the auth module: the policies derived from the settings, and the rate limiter.
#[derive(Clone)]
pub struct AuthState {
    inner: Arc<AuthInner>,
}

struct AuthInner {
    policy: password::PasswordPolicy,
    limiter: rate_limit::RateLimiter,
    session_limits: tokens::SessionLimits,
    /// `iss` of access tokens: `<public url>/auth/v1`.
    issuer: String,
}

impl AuthState {
    pub async fn start(core: &Core) -> Result<AuthState> {
        let settings = &core.settings.auth;
        let policy = password::PasswordPolicy::new(
            settings.minimum_password_length,
            &settings.password_requirements,
        )
        .map_err(anyhow::Error::msg)?;
        Ok(AuthState {
            inner: Arc::new(AuthInner {
                policy,
                limiter: rate_limit::RateLimiter::new(
                    settings.rate_limit_token_refresh,
                    settings.rate_limit_sign_in_sign_ups,
                ),
                session_limits: tokens::SessionLimits {
                    timebox: settings.sessions_timebox,
                    inactivity_timeout: settings.sessions_inactivity_timeout,
                },
                issuer: format!("{}/auth/v1", core.settings.public_url),
            }),
        })
    }
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/signup", post(signup::signup))
        .route("/verify", get(verify::verify))
        .route("/token", post(sessions::token))
        .route("/user", get(user::get_user).put(user::update_user))
        .route("/logout", post(sessions::logout))
        .route("/settings", get(settings))
        .route("/health", get(health))
        .route("/admin/users", post(admin::create_user))
        .route(
            "/admin/users/{id}",
            get(admin::get_user).delete(admin::delete_user),
        )
        .layer(axum::middleware::from_fn(error::render))
}

/// `GET /health`.
async fn health() -> Response {
    axum::Json(json!({
        "version": "v2.189.0",
        "name": "GoTrue",
        "description": "GoTrue is a user registration and authentication API",
    }))
    .into_response()
}

/// `GET /settings`: what the client may offer (e-mail only, here).
async fn settings(State(state): State<AppState>) -> Response {
    let auth = &state.settings.auth;
    axum::Json(json!({
        "external": {
            "anonymous_users": false,
            "apple": false, "azure": false, "bitbucket": false, "discord": false,
            "facebook": false, "figma": false, "fly": false, "github": false, "gitlab": false,
            "google": false, "keycloak": false, "kakao": false, "linkedin": false,
            "linkedin_oidc": false, "notion": false, "slack": false, "slack_oidc": false,
            "spotify": false, "twitch": false, "twitter": false, "workos": false,
            "zoom": false,
            "email": auth.enable_signup,
            "phone": false,
        },
        "disable_signup": !auth.enable_signup,
        "mailer_autoconfirm": !auth.enable_confirmations,
        "phone_autoconfirm": false,
        "sms_provider": "",
        "saml_enabled": false,
    }))
    .into_response()
}

/// Who is calling: the peer address (no proxy headers are trusted: nothing sits in front of
/// the stand-in) and the `User-Agent`, recorded on sessions and used for rate limits.
#[derive(Debug, Clone)]
pub(crate) struct Client {
    pub(crate) ip: Option<IpAddr>,
    pub(crate) user_agent: Option<String>,
}

impl<S: Send + Sync> FromRequestParts<S> for Client {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Client, Self::Rejection> {
        let ip = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|info| info.0.ip());
        let user_agent = parts
            .headers
            .get(axum::http::header::USER_AGENT)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        Ok(Client { ip, user_agent })
    }
}

impl Client {
    /// The address for rate limiting (loopback when unknown, e.g. in-process tests).
    fn limit_key(&self) -> IpAddr {
        self.ip.unwrap_or(IpAddr::V4(std::net::Ipv4Addr::LOCALHOST))
    }
}

/// Take one request from the client's bucket, or refuse with 429 `over_request_rate_limit`.
fn rate_limit(
    state: &AppState,
    group: rate_limit::Group,
    client: &Client,
) -> Result<(), AuthError> {
    if state
        .auth
        .inner
        .limiter
        .allow(group, client.limit_key(), std::time::Instant::now())
    {
        Ok(())
    } else {
        Err(AuthError::new(
            axum::http::StatusCode::TOO_MANY_REQUESTS,
            error::code::OVER_REQUEST_RATE_LIMIT,
            "Request rate limit reached",
        ))
    }
}

/// The e-mail of a sign-up or sign-in request that may name an e-mail or a phone number
/// (`action`: "signup" or "login"). Phone sign-in is not offered (no SMS provider locally).
fn email_not_phone(
    email: Option<String>,
    phone: Option<String>,
    action: &str,
) -> Result<String, AuthError> {
    let email = email.unwrap_or_default();
    let phone = phone.unwrap_or_default();
    if !email.is_empty() && !phone.is_empty() {
        let message =
            format!("Only an email address or phone number should be provided on {action}.");
        return Err(if action == "login" {
            AuthError::unprocessable(error::code::VALIDATION_FAILED, message)
        } else {
            AuthError::validation(message)
        });
    }
    reject_phone(Some(&phone), action)?;
    Ok(email)
}

/// Phone numbers are refused: the phone provider is off (no SMS locally).
fn reject_phone(phone: Option<&str>, action: &str) -> Result<(), AuthError> {
    if phone.is_some_and(|phone| !phone.is_empty()) {
        let noun = if action == "login" {
            "logins"
        } else {
            "signups"
        };
        return Err(AuthError::bad_request(
            error::code::PHONE_PROVIDER_DISABLED,
            format!("Phone {noun} are disabled"),
        ));
    }
    Ok(())
}

/// Parse a JSON request body as GoTrue does: anything unreadable is 400 `bad_json`.
fn parse_body<T: DeserializeOwned>(body: &[u8]) -> Result<T, AuthError> {
    serde_json::from_slice(body).map_err(|error| {
        AuthError::bad_request(
            error::code::BAD_JSON,
            format!("Could not parse request body as JSON: {error}"),
        )
    })
}

/// A database error as the client sees it: 503 with `Retry-After` when the connection broke,
/// else a 500 whose details stay in the log.
fn db_error(state: &AppState, context: &str, error: tokio_postgres::Error) -> AuthError {
    if crate::db::is_connection_error(&error) {
        AuthError::Unavailable {
            message: "Database unavailable, retry later".into(),
            retry_after_seconds: state.db.note_connection_error(),
        }
    } else {
        AuthError::internal(context, error)
    }
}

/// A pooled connection as `supabase_auth_admin`.
async fn connection(state: &AppState) -> Result<deadpool_postgres::Object, AuthError> {
    state
        .db
        .acquire(&state.db.auth)
        .await
        .map_err(|unavailable| match unavailable {
            crate::db::Unavailable::PoolTimeout => AuthError::new(
                axum::http::StatusCode::GATEWAY_TIMEOUT,
                error::code::REQUEST_TIMEOUT,
                "Processing this request timed out, please retry after a moment.",
            ),
            crate::db::Unavailable::Down {
                retry_after_seconds,
                ..
            } => AuthError::Unavailable {
                message: "Database unavailable, retry later".into(),
                retry_after_seconds,
            },
        })
}

/// Run blocking work (bcrypt) off the async threads.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AuthError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|error| AuthError::internal("password hashing failed", error))
}
