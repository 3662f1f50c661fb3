//! Sessions: `POST /token` (password sign-in and refresh-token rotation) and `POST /logout`,
//! plus issuing the access-token response every sign-in returns.

use super::error::{AuthError, code};
use super::model::{AUTHENTICATED, User};
use super::store::{self, LogoutScope};
use super::tokens::{self, Refresh, SessionValidity};
use super::user::{authenticate, bearer_claims};
use super::{Client, blocking, connection, db_error, email_not_phone, parse_body, rate_limit};
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::HashMap;
use uuid::Uuid;

type Tx<'a> = deadpool_postgres::Transaction<'a>;

/// The access-token response (GoTrue's `AccessTokenResponse`) for `user`'s session, with
/// `refresh` as its refresh token. Reads the session's amr claims in `tx`.
pub(super) async fn token_response(
    state: &AppState,
    tx: &Tx<'_>,
    user: &User,
    session_id: Uuid,
    refresh: &str,
) -> Result<Value, AuthError> {
    let failed = |error| db_error(state, "Database error granting user", error);
    let amr = store::amr_claims(tx, session_id).await.map_err(failed)?;
    let now = crate::jwt::now_unix();
    let expires_in = i64::try_from(state.settings.auth.jwt_expiry.as_secs()).unwrap_or(3600);
    let claims = tokens::access_token_claims(&tokens::AccessTokenInput {
        user,
        session_id,
        amr: &amr,
        issuer: &state.auth.inner.issuer,
        issued_at: now,
        expires_in,
    });
    Ok(json!({
        "access_token": state.jwt.sign(&claims),
        "token_type": "bearer",
        "expires_in": expires_in,
        "expires_at": now + expires_in,
        "refresh_token": refresh,
        "user": user.to_json(),
    }))
}

/// Start a session for a user who just proved who they are (`method`: `password`, …) and
/// answer with its tokens. `weak_password` is added when the password used no longer meets
/// the policy (GoTrue warns the client so it can ask for a new one).
pub(super) async fn issue_session(
    state: &AppState,
    tx: &Tx<'_>,
    user_id: Uuid,
    method: &str,
    client: &Client,
    weak_password: Option<(String, Vec<&'static str>)>,
) -> Result<Value, AuthError> {
    let failed = |error| db_error(state, "Database error granting user", error);
    let (session_id, refresh) =
        store::create_session(tx, user_id, method, client.ip, client.user_agent.as_deref())
            .await
            .map_err(failed)?;
    // Reloaded: the sign-in just updated `last_sign_in_at`.
    let user = store::user_by_id(tx, user_id, false)
        .await
        .map_err(failed)?
        .ok_or_else(|| AuthError::bad_request(code::USER_NOT_FOUND, "User not found"))?;
    let mut response = token_response(state, tx, &user, session_id, &refresh).await?;
    if let Some((message, reasons)) = weak_password {
        response["weak_password"] = json!({"reasons": reasons, "message": message});
    }
    Ok(response)
}

/// `POST /token?grant_type=…`.
pub(super) async fn token(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
    client: Client,
    body: Bytes,
) -> Result<axum::Json<Value>, AuthError> {
    rate_limit(&state, super::rate_limit::Group::Token, &client)?;
    let response = match query.get("grant_type").map(String::as_str) {
        Some("password") => password_grant(&state, &client, &body).await?,
        Some("refresh_token") => refresh_grant(&state, &client, &body).await?,
        _ => return Err(AuthError::validation("unsupported_grant_type")),
    };
    Ok(axum::Json(response))
}

#[derive(Debug, Default, Deserialize)]
struct PasswordGrant {
    email: Option<String>,
    phone: Option<String>,
    password: Option<String>,
}

async fn password_grant(
    state: &AppState,
    client: &Client,
    body: &[u8],
) -> Result<Value, AuthError> {
    let params: PasswordGrant = parse_body(body)?;
    let email = email_not_phone(params.email, params.phone, "login")?;
    let password = params.password.unwrap_or_default();
    if email.is_empty() {
        return Err(AuthError::validation("missing email or phone"));
    }
    let failed = |error| db_error(state, "Database error querying schema", error);
    let mut connection = connection(state).await?;
    let user = {
        let tx = connection.transaction().await.map_err(failed)?;
        let user = store::user_by_email(&tx, &email.to_lowercase(), AUTHENTICATED)
            .await
            .map_err(failed)?;
        tx.commit().await.map_err(failed)?;
        user
    };
    // Unknown e-mail and wrong password take the same time and get the same bytes back.
    let stored = user
        .as_ref()
        .and_then(|user| user.encrypted_password.clone());
    let attempt = password.clone();
    let matches = blocking(move || super::password::verify(&attempt, stored.as_deref())).await?;
    let Some(user) = user.filter(|_| matches) else {
        return Err(AuthError::invalid_credentials());
    };
    if user.is_banned(chrono::Utc::now()) {
        return Err(AuthError::bad_request(code::USER_BANNED, "User is banned"));
    }
    if !user.is_confirmed() {
        return Err(AuthError::bad_request(
            code::EMAIL_NOT_CONFIRMED,
            "Email not confirmed",
        ));
    }
    let weak = state.auth.inner.policy.weakness(&password);
    let tx = connection.transaction().await.map_err(failed)?;
    store::audit(
        &tx,
        &store::AuditEntry {
            actor_id: user.id,
            actor_username: &user.email,
            action: "login",
            log_type: "account",
            ip: client.ip,
            traits: json!({"provider": "email"}),
        },
    )
    .await
    .map_err(failed)?;
    let response = issue_session(state, &tx, user.id, "password", client, weak).await?;
    tx.commit().await.map_err(failed)?;
    Ok(response)
}

#[derive(Debug, Default, Deserialize)]
struct RefreshGrant {
    refresh_token: Option<String>,
}

fn refresh_error(code: &'static str, message: &str) -> AuthError {
    AuthError::bad_request(code, message)
}

async fn refresh_grant(state: &AppState, client: &Client, body: &[u8]) -> Result<Value, AuthError> {
    let params: RefreshGrant = parse_body(body)?;
    let presented = params.refresh_token.unwrap_or_default();
    if presented.is_empty() {
        return Err(AuthError::OAuth {
            error: "invalid_request",
            description: "refresh_token required".into(),
        });
    }
    let not_found = || {
        refresh_error(
            code::REFRESH_TOKEN_NOT_FOUND,
            "Invalid Refresh Token: Refresh Token Not Found",
        )
    };
    let failed = |error| db_error(state, "Database error refreshing token", error);
    let mut connection = connection(state).await?;
    let tx = connection.transaction().await.map_err(failed)?;
    let Some(found) = store::refresh_token(&tx, &presented, false)
        .await
        .map_err(failed)?
    else {
        return Err(not_found());
    };
    let Some(session_id) = found.session_id else {
        return Err(refresh_error(
            code::SESSION_NOT_FOUND,
            "Invalid Refresh Token: No Valid Session Found",
        ));
    };
    // Lock the session: every refresh of one session runs one after the other, so two tabs
    // refreshing at once see each other's rotation.
    let Some(session) = store::session(&tx, session_id, true)
        .await
        .map_err(failed)?
    else {
        return Err(not_found());
    };
    // Read the token again under the lock (a concurrent refresh may just have revoked it).
    let Some(token) = store::refresh_token(&tx, &presented, true)
        .await
        .map_err(failed)?
    else {
        return Err(not_found());
    };
    let user_id = token.user_id.unwrap_or(session.user_id);
    let user: User = store::user_by_id(&tx, user_id, false)
        .await
        .map_err(failed)?
        .ok_or_else(not_found)?;
    let now = session.read_at;
    if user.is_banned(now) {
        return Err(refresh_error(
            code::USER_BANNED,
            "Invalid Refresh Token: User Banned",
        ));
    }
    match tokens::check_session(
        &session.times,
        &state.auth.inner.session_limits,
        now,
        Some(token.presented.updated_at),
    ) {
        SessionValidity::Valid => {}
        SessionValidity::TimedOut => {
            return Err(refresh_error(
                code::SESSION_EXPIRED,
                "Invalid Refresh Token: Session Expired (Inactivity)",
            ));
        }
        SessionValidity::PastNotAfter | SessionValidity::PastTimebox => {
            return Err(refresh_error(
                code::SESSION_EXPIRED,
                "Invalid Refresh Token: Session Expired",
            ));
        }
    }
    let active = store::active_token(&tx, session_id).await.map_err(failed)?;
    let settings = &state.settings.auth;
    let issued = match tokens::decide_refresh(
        &token.presented,
        active.as_ref(),
        now,
        settings.refresh_token_reuse_interval,
        settings.enable_refresh_token_rotation,
    ) {
        Refresh::Rotate => {
            store::revoke_token(&tx, token.id).await.map_err(failed)?;
            store::insert_refresh_token(&tx, user.id, session_id, Some(&presented))
                .await
                .map_err(failed)?
        }
        Refresh::ReturnActive(active) => active,
        Refresh::ReuseWithinInterval => {
            store::insert_refresh_token(&tx, user.id, session_id, Some(&presented))
                .await
                .map_err(failed)?
        }
        Refresh::Refuse { revoke_family } => {
            if revoke_family {
                store::revoke_family(&tx, session_id)
                    .await
                    .map_err(failed)?;
                tracing::warn!(%session_id, "auth: refresh token reused; token family revoked");
            }
            // The revocation is kept (committed) although the request fails.
            tx.commit().await.map_err(failed)?;
            return Err(refresh_error(
                code::REFRESH_TOKEN_ALREADY_USED,
                "Invalid Refresh Token: Already Used",
            ));
        }
    };
    store::touch_session(&tx, session_id, client.ip, client.user_agent.as_deref())
        .await
        .map_err(failed)?;
    store::audit(
        &tx,
        &store::AuditEntry {
            actor_id: user.id,
            actor_username: &user.email,
            action: "token_refreshed",
            log_type: "token",
            ip: client.ip,
            traits: json!({}),
        },
    )
    .await
    .map_err(failed)?;
    let response = token_response(state, &tx, &user, session_id, &issued).await?;
    tx.commit().await.map_err(failed)?;
    Ok(response)
}

/// `POST /logout?scope=global|local|others` (default global): end sessions; 204.
pub(super) async fn logout(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    client: Client,
) -> Result<StatusCode, AuthError> {
    let claims = bearer_claims(&state, &headers)?;
    let scope = match query.get("scope").map(String::as_str) {
        None | Some("") | Some("global") => LogoutScope::Global,
        Some("local") => LogoutScope::Local,
        Some("others") => LogoutScope::Others,
        Some(other) => {
            return Err(AuthError::validation(format!(
                "Unsupported logout scope {other:?}"
            )));
        }
    };
    let failed = |error| db_error(&state, "Error logging out user", error);
    let mut connection = connection(&state).await?;
    let tx = connection.transaction().await.map_err(failed)?;
    let caller = authenticate(&state, &tx, claims).await?;
    store::end_sessions(&tx, caller.user.id, caller.session_id, scope)
        .await
        .map_err(failed)?;
    store::audit(
        &tx,
        &store::AuditEntry {
            actor_id: caller.user.id,
            actor_username: &caller.user.email,
            action: "logout",
            log_type: "account",
            ip: client.ip,
            traits: json!({}),
        },
    )
    .await
    .map_err(failed)?;
    tx.commit().await.map_err(failed)?;
    Ok(StatusCode::NO_CONTENT)
}
