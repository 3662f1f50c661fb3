//! The admin endpoints tests and tools need (`supabase.auth.admin.createUser`, `getUserById`,
//! `deleteUser`): service role only, as on hosted (`requireAdmin`: the token's `role` must be
//! an admin role).

use super::error::{AuthError, code};
use super::model::{User, merge_metadata};
use super::signup::{new_user_metadata, validate_email};
use super::user::bearer_claims;
use super::{blocking, connection, db_error, parse_body, reject_phone, store};
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use serde::Deserialize;
use serde_json::{Map, Value, json};
use uuid::Uuid;

/// Roles allowed to use the admin API (GoTrue's `JWT_ADMIN_ROLES` on hosted).
const ADMIN_ROLES: &[&str] = &["service_role", "supabase_admin"];

fn require_admin(state: &AppState, headers: &HeaderMap) -> Result<(), AuthError> {
    let claims = bearer_claims(state, headers)?.claims;
    let role = claims.get("role").and_then(Value::as_str).unwrap_or("");
    if ADMIN_ROLES.contains(&role) {
        Ok(())
    } else {
        Err(AuthError::forbidden(code::NOT_ADMIN, "User not allowed"))
    }
}

#[derive(Debug, Default, Deserialize)]
struct CreateUser {
    email: Option<String>,
    phone: Option<String>,
    password: Option<String>,
    #[serde(default)]
    email_confirm: bool,
    user_metadata: Option<Map<String, Value>>,
    app_metadata: Option<Map<String, Value>>,
}

/// `POST /admin/users`.
pub(super) async fn create_user(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<axum::Json<Value>, AuthError> {
    run_create(&state, &headers, &body).await.map(axum::Json)
}

async fn run_create(
    state: &AppState,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Value, AuthError> {
    require_admin(state, headers)?;
    let params: CreateUser = parse_body(body)?;
    reject_phone(params.phone.as_deref(), "signup")?;
    let email = validate_email(params.email.as_deref().unwrap_or(""))?;
    let hash = match params.password.filter(|password| !password.is_empty()) {
        Some(password) => {
            state.auth.inner.policy.check(&password)?;
            Some(
                blocking(move || super::password::hash(&password))
                    .await?
                    .map_err(|error| AuthError::internal("Database error creating user", error))?,
            )
        }
        None => None,
    };
    let user_id = Uuid::new_v4();
    let data = params.user_metadata.unwrap_or_default();
    let (user_metadata, identity_data) =
        new_user_metadata(user_id, &email, &data, params.email_confirm);
    let app_metadata = merge_metadata(
        &User::email_app_metadata(),
        &params.app_metadata.unwrap_or_default(),
    );
    let failed = |error| db_error(state, "Database error creating new user", error);
    let mut connection = connection(state).await?;
    let tx = connection.transaction().await.map_err(failed)?;
    let inserted = store::insert_user(
        &tx,
        &store::NewUser {
            id: user_id,
            email: &email,
            encrypted_password: hash.as_deref(),
            confirmed: params.email_confirm,
            app_metadata: &app_metadata,
            user_metadata: &user_metadata,
            confirmation_token: None,
        },
    )
    .await;
    let user = match inserted {
        Ok(user) => user,
        Err(error) if error.code() == Some(&tokio_postgres::error::SqlState::UNIQUE_VIOLATION) => {
            return Err(AuthError::unprocessable(
                code::EMAIL_EXISTS,
                "A user with this email address has already been registered",
            ));
        }
        Err(error) => return Err(failed(error)),
    };
    store::insert_email_identity(&tx, user.id, &identity_data)
        .await
        .map_err(failed)?;
    let user = store::user_by_id(&tx, user.id, false)
        .await
        .map_err(failed)?
        .ok_or_else(|| AuthError::internal("Database error creating new user", "user vanished"))?;
    tx.commit().await.map_err(failed)?;
    Ok(user.to_json())
}

fn parse_id(id: &str) -> Result<Uuid, AuthError> {
    Uuid::parse_str(id)
        .map_err(|_| AuthError::bad_request(code::VALIDATION_FAILED, "user_id must be an UUID"))
}

fn user_not_found() -> AuthError {
    AuthError::new(
        axum::http::StatusCode::NOT_FOUND,
        code::USER_NOT_FOUND,
        "User not found",
    )
}

/// `GET /admin/users/{id}`.
pub(super) async fn get_user(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<axum::Json<Value>, AuthError> {
    require_admin(&state, &headers)?;
    let id = parse_id(&id)?;
    let failed = |error| db_error(&state, "Database error loading user", error);
    let mut connection = connection(&state).await?;
    let tx = connection.transaction().await.map_err(failed)?;
    let user = store::user_by_id(&tx, id, false).await.map_err(failed)?;
    tx.commit().await.map_err(failed)?;
    user.map(|user| axum::Json(user.to_json()))
        .ok_or_else(user_not_found)
}

/// `DELETE /admin/users/{id}`: the user, their identities, sessions and tokens.
pub(super) async fn delete_user(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<axum::Json<Value>, AuthError> {
    require_admin(&state, &headers)?;
    let id = parse_id(&id)?;
    let failed = |error| db_error(&state, "Database error deleting user", error);
    let mut connection = connection(&state).await?;
    let tx = connection.transaction().await.map_err(failed)?;
    let deleted = store::delete_user(&tx, id).await.map_err(failed)?;
    tx.commit().await.map_err(failed)?;
    if deleted {
        Ok(axum::Json(json!({})))
    } else {
        Err(user_not_found())
    }
}
