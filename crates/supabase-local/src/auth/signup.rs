//! `POST /signup` (GoTrue's `Signup`): e-mail + password sign-up.
//!
//! - Confirmations off (`enable_confirmations = false`, the CLI default): the user is
//!   confirmed at once and gets a session; an e-mail that is already registered is 422
//!   `user_already_exists`.
//! - Confirmations on (the hosted default): the answer is the bare user, no session, and a
//!   confirmation mail would go out (logged locally). For an e-mail that already belongs to a
//!   confirmed user the answer is a made-up user with a fresh id and no identities, shaped
//!   exactly like a real one, so sign-up does not reveal who is registered.

use super::error::{AuthError, code};
use super::model::{AUTHENTICATED, User};
use super::{
    Client, blocking, connection, db_error, email_not_phone, parse_body, rate_limit, sessions,
    store,
};
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde::Deserialize;
use serde_json::{Map, Value, json};
use uuid::Uuid;

#[derive(Debug, Default, Deserialize)]
struct SignupParams {
    email: Option<String>,
    phone: Option<String>,
    password: Option<String>,
    data: Option<Map<String, Value>>,
}

/// Validate an e-mail address as GoTrue's `validateEmail` does, returning it lower-cased.
pub(super) fn validate_email(email: &str) -> Result<String, AuthError> {
    if email.is_empty() {
        return Err(AuthError::validation("An email address is required"));
    }
    if email.len() > 255 {
        return Err(AuthError::validation("An email address is too long"));
    }
    if !looks_like_email(email) {
        return Err(AuthError::validation(
            "Unable to validate email address: invalid format",
        ));
    }
    Ok(email.to_lowercase())
}

/// The format check of GoTrue's `checkmail.ValidateFormat`, reduced to its essentials:
/// one `@`, a non-empty local part without spaces or control characters, and a domain of
/// dot-separated labels of letters, digits and hyphens.
fn looks_like_email(email: &str) -> bool {
    let Some((local, domain)) = email.rsplit_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && local
            .chars()
            .all(|c| !c.is_control() && !c.is_whitespace() && !"@<>()[]\\,;:\"".contains(c));
    let domain_ok = domain.contains('.')
        && domain.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        });
    local_ok && domain_ok
}

/// The metadata of a new e-mail user: `user_metadata` is the sign-up `data` merged with the
/// identity claims (`sub`, `email`, `email_verified`, `phone_verified`), and the identity's
/// data is those claims plus the `data` keys they do not already have (as GoTrue does).
pub(super) fn new_user_metadata(
    user_id: Uuid,
    email: &str,
    data: &Map<String, Value>,
    confirmed: bool,
) -> (Value, Value) {
    let claims = json!({
        "sub": user_id.to_string(),
        "email": email,
        "email_verified": confirmed,
        "phone_verified": false,
    });
    let mut identity_data = claims.as_object().cloned().unwrap_or_default();
    for (key, value) in data {
        identity_data
            .entry(key.clone())
            .or_insert_with(|| value.clone());
    }
    let mut user_metadata = data.clone();
    if let Some(claims) = claims.as_object() {
        for (key, value) in claims {
            user_metadata.insert(key.clone(), value.clone());
        }
    }
    (Value::Object(user_metadata), Value::Object(identity_data))
}

/// The made-up user returned for an already-registered e-mail when confirmations are on
/// (GoTrue's `sanitizeUser`).
fn decoy_user(email: &str, data: &Map<String, Value>) -> Value {
    let now = Utc::now();
    let mut user = User {
        id: Uuid::new_v4(),
        aud: AUTHENTICATED.to_owned(),
        role: String::new(),
        email: email.to_owned(),
        encrypted_password: None,
        email_confirmed_at: None,
        invited_at: None,
        confirmation_sent_at: Some(now),
        recovery_sent_at: None,
        email_change: String::new(),
        email_change_sent_at: None,
        last_sign_in_at: None,
        app_metadata: User::email_app_metadata(),
        user_metadata: Value::Object(data.clone()),
        created_at: now,
        updated_at: now,
        phone: String::new(),
        phone_confirmed_at: None,
        phone_change: String::new(),
        phone_change_sent_at: None,
        confirmed_at: None,
        banned_until: None,
        reauthentication_sent_at: None,
        is_sso_user: false,
        deleted_at: None,
        is_anonymous: false,
        identities: Vec::new(),
    };
    user.identities.clear();
    user.to_json()
}

/// "Send" a confirmation mail. Locally nothing is delivered; the log says so.
pub(super) fn log_mail(kind: &str, email: &str) {
    tracing::info!(
        email,
        "auth: {kind} e-mail not sent (the local stand-in has no mailer)"
    );
}

/// "Send" the sign-up confirmation mail: locally, log its link (open it to confirm).
fn log_confirmation_link(state: &AppState, email: &str, token: &str, redirect: &str) {
    let link = super::verify::confirmation_link(state, token, redirect);
    tracing::info!(
        email,
        link,
        "auth: confirmation e-mail not sent (the local stand-in has no mailer); open the link to confirm"
    );
}

/// A random one-time token (24 alphanumerics: sign-up confirmation links carry it).
pub(super) fn one_time_token() -> String {
    format!(
        "{}{}",
        super::tokens::new_refresh_token(),
        super::tokens::new_refresh_token()
    )
}

/// `POST /signup[?redirect_to=…]`.
pub(super) async fn signup(
    State(state): State<AppState>,
    client: Client,
    Query(query): Query<std::collections::HashMap<String, String>>,
    body: Bytes,
) -> Result<Response, AuthError> {
    // Where the confirmation link leads once followed (site_url unless allowed).
    let redirect = super::verify::redirect_target(
        &state.settings.auth,
        query.get("redirect_to").map(String::as_str),
    );
    run(&state, &client, &redirect, &body).await
}

async fn run(
    state: &AppState,
    client: &Client,
    redirect: &str,
    body: &[u8],
) -> Result<Response, AuthError> {
    rate_limit(state, super::rate_limit::Group::Signup, client)?;
    let settings = &state.settings.auth;
    if !settings.enable_signup {
        return Err(AuthError::unprocessable(
            code::SIGNUP_DISABLED,
            "Signups not allowed for this instance",
        ));
    }
    let params: SignupParams = parse_body(body)?;
    let password = params.password.unwrap_or_default();
    if password.is_empty() {
        return Err(AuthError::validation("Signup requires a valid password"));
    }
    state.auth.inner.policy.check(&password)?;
    let email = email_not_phone(params.email, params.phone, "signup")?;
    if email.is_empty() {
        return Err(AuthError::validation(
            "Sign up only available with email provider",
        ));
    }
    let email = validate_email(&email)?;
    let data = params.data.unwrap_or_default();
    let confirm_now = !settings.enable_confirmations;

    // Look first, hash outside any transaction (bcrypt is slow), then write.
    let mut connection = connection(state).await?;
    let existing = {
        let tx = connection
            .transaction()
            .await
            .map_err(|error| db_error(state, "Database error finding user", error))?;
        let existing = store::user_by_email(&tx, &email, AUTHENTICATED)
            .await
            .map_err(|error| db_error(state, "Database error finding user", error))?;
        tx.commit()
            .await
            .map_err(|error| db_error(state, "Database error finding user", error))?;
        existing
    };
    if let Some(user) = existing {
        return repeated_signup(
            state,
            &mut connection,
            client,
            user,
            &email,
            &data,
            redirect,
        )
        .await;
    }

    let hash = {
        let password = password.clone();
        blocking(move || super::password::hash(&password))
            .await?
            .map_err(|error| AuthError::internal("Database error creating user", error))?
    };
    let user_id = Uuid::new_v4();
    let (user_metadata, identity_data) = new_user_metadata(user_id, &email, &data, confirm_now);
    let confirmation_token = (!confirm_now).then(one_time_token);
    let tx = connection
        .transaction()
        .await
        .map_err(|error| db_error(state, "Database error saving new user", error))?;
    let inserted = store::insert_user(
        &tx,
        &store::NewUser {
            id: user_id,
            email: &email,
            encrypted_password: Some(&hash),
            confirmed: confirm_now,
            app_metadata: &User::email_app_metadata(),
            user_metadata: &user_metadata,
            confirmation_token: confirmation_token.as_deref(),
        },
    )
    .await;
    if let Err(error) = &inserted
        && error.code() == Some(&tokio_postgres::error::SqlState::UNIQUE_VIOLATION)
    {
        // A concurrent sign-up with the same e-mail won the race: answer as for a repeat.
        drop(tx);
        let existing = reload_by_email(state, &mut connection, &email).await?;
        return repeated_signup(
            state,
            &mut connection,
            client,
            existing,
            &email,
            &data,
            redirect,
        )
        .await;
    }
    let user =
        inserted.map_err(|error| db_error(state, "Database error saving new user", error))?;
    let failed = |error| db_error(state, "Database error saving new user", error);
    store::insert_email_identity(&tx, user.id, &identity_data)
        .await
        .map_err(failed)?;
    store::audit(
        &tx,
        &store::AuditEntry {
            actor_id: user.id,
            actor_username: &email,
            action: if confirm_now {
                "user_signedup"
            } else {
                "user_confirmation_requested"
            },
            log_type: if confirm_now { "team" } else { "user" },
            ip: client.ip,
            traits: json!({"provider": "email"}),
        },
    )
    .await
    .map_err(failed)?;
    if let Some(token) = &confirmation_token {
        let user = store::user_by_id(&tx, user.id, false)
            .await
            .map_err(failed)?
            .ok_or_else(|| {
                AuthError::internal("Database error saving new user", "user vanished")
            })?;
        tx.commit().await.map_err(failed)?;
        log_confirmation_link(state, &email, token, redirect);
        return Ok(axum::Json(user.to_json()).into_response());
    }
    let response = sessions::issue_session(state, &tx, user.id, "password", client, None).await?;
    tx.commit().await.map_err(failed)?;
    Ok(axum::Json(response).into_response())
}

async fn reload_by_email(
    state: &AppState,
    connection: &mut deadpool_postgres::Object,
    email: &str,
) -> Result<User, AuthError> {
    let failed = |error| db_error(state, "Database error finding user", error);
    let tx = connection.transaction().await.map_err(failed)?;
    let user = store::user_by_email(&tx, email, AUTHENTICATED)
        .await
        .map_err(failed)?;
    tx.commit().await.map_err(failed)?;
    user.ok_or_else(|| AuthError::internal("Database error finding user", "user vanished"))
}

/// Sign-up with an e-mail that is already registered.
async fn repeated_signup(
    state: &AppState,
    connection: &mut deadpool_postgres::Object,
    client: &Client,
    user: User,
    email: &str,
    data: &Map<String, Value>,
    redirect: &str,
) -> Result<Response, AuthError> {
    let failed = |error| db_error(state, "Database error updating user", error);
    let tx = connection.transaction().await.map_err(failed)?;
    store::audit(
        &tx,
        &store::AuditEntry {
            actor_id: user.id,
            actor_username: email,
            action: "user_repeated_signup",
            log_type: "user",
            ip: client.ip,
            traits: json!({"provider": "email"}),
        },
    )
    .await
    .map_err(failed)?;
    if !state.settings.auth.enable_confirmations {
        // GoTrue would confirm an unconfirmed account here and sign the caller in without
        // checking its password; the stand-in refuses instead.
        tx.commit().await.map_err(failed)?;
        return Err(AuthError::unprocessable(
            code::USER_ALREADY_EXISTS,
            "User already registered",
        ));
    }
    if user.is_confirmed() {
        tx.commit().await.map_err(failed)?;
        return Ok(axum::Json(decoy_user(email, data)).into_response());
    }
    // Not confirmed yet: the confirmation mail goes out again, the account is not changed.
    let token = one_time_token();
    store::set_confirmation_sent(&tx, user.id, &token)
        .await
        .map_err(failed)?;
    let user = store::user_by_id(&tx, user.id, false)
        .await
        .map_err(failed)?
        .ok_or_else(|| AuthError::internal("Database error updating user", "user vanished"))?;
    tx.commit().await.map_err(failed)?;
    log_confirmation_link(state, email, &token, redirect);
    Ok(axum::Json(user.to_json()).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates_and_lowercases_emails() {
        assert_eq!(
            validate_email("Ada@Example.COM").unwrap(),
            "ada@example.com"
        );
        assert!(validate_email("first.last+tag@sub.example.org").is_ok());
        for bad in [
            "",
            "no-at-sign",
            "@example.com",
            "a@b",
            "a b@example.com",
            "a@-x.com",
            "a@ex..com",
        ] {
            assert!(validate_email(bad).is_err(), "{bad}");
        }
        assert!(validate_email(&format!("{}@example.com", "a".repeat(250))).is_err());
    }

    #[test]
    fn builds_metadata_like_gotrue() {
        let id = Uuid::nil();
        let data = json!({"full_name": "Ada", "email": "spoofed@example.com"});
        let (user_metadata, identity_data) =
            new_user_metadata(id, "ada@example.com", data.as_object().unwrap(), true);
        // The identity claims win in user_metadata; data keys only fill gaps in the identity.
        assert_eq!(user_metadata["email"], "ada@example.com");
        assert_eq!(user_metadata["full_name"], "Ada");
        assert_eq!(user_metadata["email_verified"], true);
        assert_eq!(identity_data["email"], "ada@example.com");
        assert_eq!(identity_data["full_name"], "Ada");
        assert_eq!(identity_data["sub"], id.to_string());
    }

    #[test]
    fn the_decoy_user_looks_unconfirmed_and_has_no_identities() {
        let data = json!({"full_name": "Ada"});
        let decoy = decoy_user("ada@example.com", data.as_object().unwrap());
        assert_eq!(decoy["identities"], json!([]));
        assert_eq!(decoy["role"], "");
        assert_eq!(decoy["user_metadata"], data);
        assert!(decoy.get("email_confirmed_at").is_none());
        assert!(decoy.get("confirmation_sent_at").is_some());
        assert_ne!(
            decoy["id"],
            decoy_user("ada@example.com", data.as_object().unwrap())["id"]
        );
    }
}
