//! Auth errors as GoTrue v2.189 puts them on the wire (contract §2.3).
//!
//! The body depends on the request's `X-Supabase-Api-Version` header, which handlers do not
//! see: a handler returns an [`AuthError`], its `IntoResponse` parks the error in the response
//! extensions, and the [`render`] middleware turns it into the body the request asked for:
//! - `2024-01-01` or later: `{"code":"<error_code>","message":"…"}` (+ `weak_password`), and
//!   the version echoed in `X-Supabase-Api-Version`;
//! - no header, an older date or garbage: the legacy `{"code":<status>,"error_code":"…","msg":"…"}`;
//! - OAuth-style errors (`invalid_request`, `unsupported_grant_type`): `{"error","error_description"}`.
//!
//! Every error with a code also sets `x-sb-error-code`.

use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// The API version that switched GoTrue to the `{code, message}` error shape.
pub const API_VERSION_2024_01_01: &str = "2024-01-01";
pub const API_VERSION_HEADER: &str = "x-supabase-api-version";

/// GoTrue's machine-readable error codes (`internal/api/apierrors/errorcode.go`), the subset
/// the stand-in emits.
pub mod code {
    pub const VALIDATION_FAILED: &str = "validation_failed";
    pub const BAD_JSON: &str = "bad_json";
    pub const INVALID_CREDENTIALS: &str = "invalid_credentials";
    pub const EMAIL_NOT_CONFIRMED: &str = "email_not_confirmed";
    pub const WEAK_PASSWORD: &str = "weak_password";
    pub const SAME_PASSWORD: &str = "same_password";
    pub const USER_ALREADY_EXISTS: &str = "user_already_exists";
    pub const EMAIL_EXISTS: &str = "email_exists";
    pub const SIGNUP_DISABLED: &str = "signup_disabled";
    pub const EMAIL_PROVIDER_DISABLED: &str = "email_provider_disabled";
    pub const PHONE_PROVIDER_DISABLED: &str = "phone_provider_disabled";
    pub const REFRESH_TOKEN_NOT_FOUND: &str = "refresh_token_not_found";
    pub const REFRESH_TOKEN_ALREADY_USED: &str = "refresh_token_already_used";
    pub const SESSION_NOT_FOUND: &str = "session_not_found";
    pub const SESSION_EXPIRED: &str = "session_expired";
    pub const NO_AUTHORIZATION: &str = "no_authorization";
    pub const BAD_JWT: &str = "bad_jwt";
    pub const NOT_ADMIN: &str = "not_admin";
    pub const USER_NOT_FOUND: &str = "user_not_found";
    pub const USER_BANNED: &str = "user_banned";
    pub const OTP_EXPIRED: &str = "otp_expired";
    pub const OVER_REQUEST_RATE_LIMIT: &str = "over_request_rate_limit";
    pub const UNEXPECTED_FAILURE: &str = "unexpected_failure";
    pub const REQUEST_TIMEOUT: &str = "request_timeout";
}

/// What went wrong, as GoTrue reports it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    /// The common case: a status, an error code and a message.
    #[error("{status}: {message}")]
    Http {
        status: StatusCode,
        code: &'static str,
        message: String,
    },
    /// A password rejected by the policy: 422 with the reasons (`length`, `characters`, `pwned`).
    #[error("{message}")]
    WeakPassword {
        message: String,
        reasons: Vec<&'static str>,
    },
    /// OAuth2-style error (always 400): `{"error":…,"error_description":…}`.
    #[error("{error}: {description}")]
    OAuth {
        error: &'static str,
        description: String,
    },
    /// The database cannot be reached right now: 503 with `Retry-After`.
    #[error("database unavailable: {message}")]
    Unavailable {
        message: String,
        retry_after_seconds: u64,
    },
}

impl AuthError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> AuthError {
        AuthError::Http {
            status,
            code,
            message: message.into(),
        }
    }

    pub fn bad_request(code: &'static str, message: impl Into<String>) -> AuthError {
        AuthError::new(StatusCode::BAD_REQUEST, code, message)
    }

    pub fn unprocessable(code: &'static str, message: impl Into<String>) -> AuthError {
        AuthError::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
    }

    pub fn forbidden(code: &'static str, message: impl Into<String>) -> AuthError {
        AuthError::new(StatusCode::FORBIDDEN, code, message)
    }

    pub fn validation(message: impl Into<String>) -> AuthError {
        AuthError::bad_request(code::VALIDATION_FAILED, message)
    }

    /// A failure of ours (database error, bug): 500, details only in the log.
    pub fn internal(context: &str, error: impl std::fmt::Display) -> AuthError {
        tracing::error!(%error, "auth: {context}");
        AuthError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            code::UNEXPECTED_FAILURE,
            context.to_owned(),
        )
    }

    /// "Invalid login credentials": the one answer for a wrong password and an unknown e-mail.
    pub fn invalid_credentials() -> AuthError {
        AuthError::bad_request(code::INVALID_CREDENTIALS, "Invalid login credentials")
    }

    pub fn status(&self) -> StatusCode {
        match self {
            AuthError::Http { status, .. } => *status,
            AuthError::WeakPassword { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            AuthError::OAuth { .. } => StatusCode::BAD_REQUEST,
            AuthError::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// The `error_code`, when this kind of error has one.
    pub fn code(&self) -> Option<&'static str> {
        match self {
            AuthError::Http { code, .. } => Some(code),
            AuthError::WeakPassword { .. } => Some(code::WEAK_PASSWORD),
            AuthError::OAuth { .. } => None,
            AuthError::Unavailable { .. } => Some(code::UNEXPECTED_FAILURE),
        }
    }

    fn message(&self) -> String {
        match self {
            AuthError::Http { message, .. }
            | AuthError::WeakPassword { message, .. }
            | AuthError::Unavailable { message, .. } => message.clone(),
            AuthError::OAuth { description, .. } => description.clone(),
        }
    }

    /// The JSON body for a request that asked for `version` (None: the legacy shape).
    pub fn body(&self, version: Option<&'static str>) -> Value {
        if let AuthError::OAuth { error, description } = self {
            return json!({"error": error, "error_description": description});
        }
        let code = self.code().unwrap_or(code::UNEXPECTED_FAILURE);
        let mut body = if version.is_some() {
            json!({"code": code, "message": self.message()})
        } else {
            json!({"code": self.status().as_u16(), "error_code": code, "msg": self.message()})
        };
        if let AuthError::WeakPassword { reasons, .. } = self {
            body["weak_password"] = json!({ "reasons": reasons });
        }
        body
    }

    /// The full response for a request that asked for `version`.
    pub fn to_response(&self, version: Option<&'static str>) -> Response {
        let mut response = (self.status(), axum::Json(self.body(version))).into_response();
        let headers = response.headers_mut();
        if let Some(version) = version {
            headers.insert(API_VERSION_HEADER, HeaderValue::from_static(version));
        }
        if let Some(code) = self.code() {
            headers.insert("x-sb-error-code", HeaderValue::from_static(code));
        }
        if let AuthError::Unavailable {
            retry_after_seconds,
            ..
        } = self
        {
            headers.insert(
                axum::http::header::RETRY_AFTER,
                HeaderValue::from(*retry_after_seconds),
            );
        }
        response
    }
}

/// The closest API version GoTrue supports for a request header value: `Some("2024-01-01")`
/// for that date or any later valid date; None (the initial version) for no header, an
/// earlier date, or a value that is not a `YYYY-MM-DD` date.
pub fn closest_api_version(header: Option<&str>) -> Option<&'static str> {
    let header = header?.trim();
    let date = chrono::NaiveDate::parse_from_str(header, "%Y-%m-%d").ok()?;
    let first = chrono::NaiveDate::from_ymd_opt(2024, 1, 1)?;
    (date >= first).then_some(API_VERSION_2024_01_01)
}

impl IntoResponse for AuthError {
    fn into_response(self) -> Response {
        // Rendered for real by `render`, which knows the request's API version. Without that
        // middleware (never in the router) this legacy rendering is what clients would see.
        let mut response = self.to_response(None);
        response.extensions_mut().insert(self);
        response
    }
}

/// Middleware for /auth/v1: render errors in the shape the request's API version asks for.
pub async fn render(request: Request, next: Next) -> Response {
    let version = closest_api_version(
        request
            .headers()
            .get(API_VERSION_HEADER)
            .and_then(|value| value.to_str().ok()),
    );
    let mut response = next.run(request).await;
    match response.extensions_mut().remove::<AuthError>() {
        Some(error) => error.to_response(version),
        None => response,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_the_api_version_like_gotrue() {
        assert_eq!(closest_api_version(Some("2024-01-01")), Some("2024-01-01"));
        assert_eq!(closest_api_version(Some("2025-06-30")), Some("2024-01-01"));
        assert_eq!(closest_api_version(Some("2023-12-31")), None);
        assert_eq!(closest_api_version(Some("yesterday")), None);
        assert_eq!(closest_api_version(None), None);
    }

    #[test]
    fn renders_both_shapes() {
        let error = AuthError::invalid_credentials();
        assert_eq!(
            error.body(Some("2024-01-01")),
            json!({"code": "invalid_credentials", "message": "Invalid login credentials"})
        );
        assert_eq!(
            error.body(None),
            json!({"code": 400, "error_code": "invalid_credentials", "msg": "Invalid login credentials"})
        );
        let weak = AuthError::WeakPassword {
            message: "Password should be at least 12 characters.".into(),
            reasons: vec!["length"],
        };
        assert_eq!(
            weak.body(Some("2024-01-01"))["weak_password"],
            json!({"reasons": ["length"]})
        );
        let oauth = AuthError::OAuth {
            error: "invalid_request",
            description: "refresh_token required".into(),
        };
        assert_eq!(
            oauth.body(Some("2024-01-01")),
            json!({"error": "invalid_request", "error_description": "refresh_token required"})
        );
    }

    #[test]
    fn sets_the_error_code_and_version_headers() {
        let response = AuthError::invalid_credentials().to_response(Some("2024-01-01"));
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        assert_eq!(response.headers()["x-sb-error-code"], "invalid_credentials");
        assert_eq!(response.headers()[API_VERSION_HEADER], "2024-01-01");
        let legacy = AuthError::invalid_credentials().to_response(None);
        assert!(legacy.headers().get(API_VERSION_HEADER).is_none());
    }
}
