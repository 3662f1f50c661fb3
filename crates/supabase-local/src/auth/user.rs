//! The signed-in user: `GET /user`, `PUT /user`, and the Bearer-token check every endpoint of
//! the signed-in user shares (GoTrue's `requireAuthentication`).

use super::error::{AuthError, code};
use super::model::{AUTHENTICATED, User, merge_metadata};
use super::signup::{log_mail, one_time_token, validate_email};
use super::store::{self, LogoutScope};
use super::{Client, blocking, connection, db_error, parse_body, reject_phone};
use crate::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use uuid::Uuid;

type Tx<'a> = deadpool_postgres::Transaction<'a>;

/// The verified claims of the request's Bearer token, before any database lookup.
pub(super) struct Claims {
    pub(super) claims: Value,
}

/// Check the Bearer token: none is 401 `no_authorization`, one that does not verify is 403
/// `bad_jwt`.
pub(super) fn bearer_claims(state: &AppState, headers: &HeaderMap) -> Result<Claims, AuthError> {
    let Some(token) = crate::gateway::bearer_token(headers).filter(|token| !token.is_empty())
    else {
        return Err(AuthError::new(
            StatusCode::UNAUTHORIZED,
            code::NO_AUTHORIZATION,
            "This endpoint requires a valid Bearer token",
        ));
    };
    let claims = state.jwt.verify(token).map_err(|error| {
        AuthError::forbidden(
            code::BAD_JWT,
            format!("invalid JWT: unable to parse or verify signature, {error}"),
        )
    })?;
    Ok(Claims { claims })
}

/// The signed-in caller: the user of the token's `sub` and the session of its `session_id`.
pub(super) struct Caller {
    pub(super) user: User,
    pub(super) session_id: Option<Uuid>,
    pub(super) claims: Value,
}

/// Authenticate the request (GoTrue's `requireAuthentication`): the token (checked first,
/// with [`bearer_claims`], before any database work) must name an existing user in `sub`,
/// and, when it carries a `session_id`, a session that still exists (so tokens of ended
/// sessions stop working for the auth endpoints at once).
pub(super) async fn authenticate(
    state: &AppState,
    tx: &Tx<'_>,
    Claims { claims }: Claims,
) -> Result<Caller, AuthError> {
    let sub = claims
        .get("sub")
        .and_then(Value::as_str)
        .filter(|sub| !sub.is_empty())
        .ok_or_else(|| AuthError::forbidden(code::BAD_JWT, "invalid claim: missing sub claim"))?;
    let user_id = Uuid::parse_str(sub).map_err(|_| {
        AuthError::bad_request(code::BAD_JWT, "invalid claim: sub claim must be a UUID")
    })?;
    let session_id = match claims.get("session_id").and_then(Value::as_str) {
        None | Some("") => None,
        Some(id) => Some(Uuid::parse_str(id).map_err(|_| {
            AuthError::forbidden(
                code::BAD_JWT,
                "invalid claim: session_id claim must be a UUID",
            )
        })?),
    };
    let failed = |error| db_error(state, "Database error finding user", error);
    let user = store::user_by_id(tx, user_id, false)
        .await
        .map_err(failed)?
        .ok_or_else(|| {
            AuthError::forbidden(
                code::USER_NOT_FOUND,
                "User from sub claim in JWT does not exist",
            )
        })?;
    if let Some(session_id) = session_id {
        let session = store::session(tx, session_id, false)
            .await
            .map_err(failed)?;
        if session.is_none_or(|session| session.user_id != user.id) {
            return Err(AuthError::forbidden(
                code::SESSION_NOT_FOUND,
                "Session from session_id claim in JWT does not exist",
            ));
        }
    }
    Ok(Caller {
        user,
        session_id,
        claims,
    })
}

/// `GET /user`.
pub(super) async fn get_user(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<axum::Json<Value>, AuthError> {
    let claims = bearer_claims(&state, &headers)?;
    let failed = |error| db_error(&state, "Database error finding user", error);
    let mut connection = connection(&state).await?;
    let tx = connection.transaction().await.map_err(failed)?;
    let caller = authenticate(&state, &tx, claims).await?;
    tx.commit().await.map_err(failed)?;
    if caller.claims.get("aud").and_then(Value::as_str) != Some(AUTHENTICATED) {
        return Err(AuthError::validation(
            "Token audience doesn't match request audience",
        ));
    }
    Ok(axum::Json(caller.user.to_json()))
}

#[derive(Debug, Default, Deserialize)]
struct UserUpdate {
    email: Option<String>,
    password: Option<String>,
    data: Option<Map<String, Value>>,
    app_metadata: Option<Map<String, Value>>,
    phone: Option<String>,
}

/// `PUT /user`: change password, user metadata or e-mail of the signed-in user.
///
/// A new password must meet the policy and differ from the current one; it logs out every
/// other session of the user (GoTrue's `UpdatePassword`), the current one keeps working. A
/// new e-mail is not applied at once: it waits in `new_email` for confirmation, as on hosted.
pub(super) async fn update_user(
    State(state): State<AppState>,
    headers: HeaderMap,
    client: Client,
    body: Bytes,
) -> Result<axum::Json<Value>, AuthError> {
    run_update(&state, &headers, &client, &body)
        .await
        .map(axum::Json)
}

async fn run_update(
    state: &AppState,
    headers: &HeaderMap,
    client: &Client,
    body: &[u8],
) -> Result<Value, AuthError> {
    let claims = bearer_claims(state, headers)?;
    let params: UserUpdate = parse_body(body)?;
    let new_email = match params.email.as_deref().filter(|email| !email.is_empty()) {
        Some(email) => Some(validate_email(email)?),
        None => None,
    };
    reject_phone(params.phone.as_deref(), "signup")?;
    if let Some(password) = &params.password {
        state.auth.inner.policy.check(password)?;
    }
    let failed = |error| db_error(state, "Error updating user", error);
    let mut connection = connection(state).await?;
    let caller = {
        let tx = connection.transaction().await.map_err(failed)?;
        let caller = authenticate(state, &tx, claims).await?;
        tx.commit().await.map_err(failed)?;
        caller
    };
    let user = &caller.user;
    if params.app_metadata.is_some() {
        return Err(AuthError::forbidden(
            code::NOT_ADMIN,
            "Updating app_metadata requires admin privileges",
        ));
    }
    let new_email = new_email.filter(|email| *email != user.email);
    // bcrypt outside the transaction: compare with the current password, hash the new one.
    let new_hash = match params
        .password
        .clone()
        .filter(|password| !password.is_empty())
    {
        Some(password) => {
            let current = user.encrypted_password.clone();
            let (same, hash) = blocking(move || {
                let same =
                    current.is_some() && super::password::verify(&password, current.as_deref());
                (same, super::password::hash(&password))
            })
            .await?;
            if same {
                return Err(AuthError::unprocessable(
                    code::SAME_PASSWORD,
                    "New password should be different from the old password.",
                ));
            }
            Some(hash.map_err(|error| AuthError::internal("Error during password storage", error))?)
        }
        None => None,
    };

    let tx = connection.transaction().await.map_err(failed)?;
    let Some(current) = store::user_by_id(&tx, user.id, true)
        .await
        .map_err(failed)?
    else {
        return Err(AuthError::forbidden(
            code::USER_NOT_FOUND,
            "User from sub claim in JWT does not exist",
        ));
    };
    if let Some(email) = &new_email
        && store::email_taken(&tx, email, AUTHENTICATED, current.id)
            .await
            .map_err(failed)?
    {
        return Err(AuthError::unprocessable(
            code::EMAIL_EXISTS,
            "A user with this email address has already been registered",
        ));
    }
    if let Some(hash) = &new_hash {
        store::set_password(&tx, current.id, hash)
            .await
            .map_err(failed)?;
        // Every other session ends; with no current session (a legacy token), all do.
        let scope = if caller.session_id.is_some() {
            LogoutScope::Others
        } else {
            LogoutScope::Global
        };
        store::end_sessions(&tx, current.id, caller.session_id, scope)
            .await
            .map_err(failed)?;
        audit(&tx, state, &current, "user_updated_password", client).await?;
    }
    if let Some(data) = &params.data {
        store::set_user_metadata(
            &tx,
            current.id,
            &merge_metadata(&current.user_metadata, data),
        )
        .await
        .map_err(failed)?;
    }
    if let Some(email) = &new_email {
        store::request_email_change(&tx, current.id, email, &one_time_token())
            .await
            .map_err(failed)?;
    }
    audit(&tx, state, &current, "user_modified", client).await?;
    let updated = store::user_by_id(&tx, current.id, false)
        .await
        .map_err(failed)?
        .ok_or_else(|| AuthError::internal("Error updating user", "user vanished"))?;
    tx.commit().await.map_err(failed)?;
    if let Some(email) = &new_email {
        log_mail("email change confirmation", email);
    }
    Ok(updated.to_json())
}

async fn audit(
    tx: &Tx<'_>,
    state: &AppState,
    user: &User,
    action: &str,
    client: &Client,
) -> Result<(), AuthError> {
    store::audit(
        tx,
        &store::AuditEntry {
            actor_id: user.id,
            actor_username: &user.email,
            action,
            log_type: "user",
            ip: client.ip,
            traits: json!({}),
        },
    )
    .await
    .map_err(|error| db_error(state, "Error recording audit log entry", error))
}
