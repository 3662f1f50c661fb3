//! GoTrue (Auth) requests and responses for e-mail and password sign-in.

use crate::config::ClientConfig;
use crate::error::Error;
use crate::request::{HttpRequest, HttpResponse, Method};
use crate::session::{Session, User};
use serde_json::{Value, json};

/// auth-js sends this on every call; with it GoTrue answers `{code, message}` errors.
pub const API_VERSION: &str = "2024-01-01";

/// Passwords: at least this many characters (our config.toml; hosted is configured the same).
pub const MINIMUM_PASSWORD_LENGTH: usize = 12;
/// bcrypt reads at most 72 bytes; GoTrue refuses longer passwords rather than truncating.
pub const MAXIMUM_PASSWORD_BYTES: usize = 72;

/// What is wrong with a password, in words for the sign-up form (empty when fine).
pub fn password_problems(password: &str) -> Vec<String> {
    let mut problems = Vec::new();
    if password.chars().count() < MINIMUM_PASSWORD_LENGTH {
        problems.push(format!(
            "Use at least {MINIMUM_PASSWORD_LENGTH} characters."
        ));
    }
    if password.len() > MAXIMUM_PASSWORD_BYTES {
        problems.push(format!(
            "Use at most {MAXIMUM_PASSWORD_BYTES} bytes (fewer characters if you use emoji)."
        ));
    }
    problems
}

fn request(
    method: Method,
    path: &str,
    config: &ClientConfig,
    access_token: Option<&str>,
) -> HttpRequest {
    HttpRequest::new(
        method,
        format!("{}{path}", config.auth_url()),
        config,
        access_token,
    )
    .header("X-Supabase-Api-Version", API_VERSION)
    .header("Content-Type", "application/json;charset=UTF-8")
}

pub fn sign_up(config: &ClientConfig, email: &str, password: &str, data: Value) -> HttpRequest {
    request(Method::Post, "/signup", config, None)
        .json(&json!({"email": email, "password": password, "data": data}))
}

pub fn sign_in_with_password(config: &ClientConfig, email: &str, password: &str) -> HttpRequest {
    request(Method::Post, "/token?grant_type=password", config, None)
        .json(&json!({"email": email, "password": password}))
}

pub fn refresh(config: &ClientConfig, refresh_token: &str) -> HttpRequest {
    request(
        Method::Post,
        "/token?grant_type=refresh_token",
        config,
        None,
    )
    .json(&json!({"refresh_token": refresh_token}))
}

pub fn get_user(config: &ClientConfig, access_token: &str) -> HttpRequest {
    request(Method::Get, "/user", config, Some(access_token))
}

pub fn update_user(config: &ClientConfig, access_token: &str, changes: Value) -> HttpRequest {
    request(Method::Put, "/user", config, Some(access_token)).json(&changes)
}

/// Sign out this session (`local`), every session (`global`) or the others (`others`).
pub fn sign_out(config: &ClientConfig, access_token: &str, scope: &str) -> HttpRequest {
    request(
        Method::Post,
        &format!("/logout?scope={scope}"),
        config,
        Some(access_token),
    )
}

/// What sign-up gave.
#[derive(Debug, Clone, PartialEq)]
pub enum SignUpOutcome {
    /// Auto-confirm: signed in straight away.
    SignedIn(Box<Session>),
    /// E-mail confirmation required: no session yet.
    ConfirmationSent(Box<User>),
}

/// Decode an AccessTokenResponse into a session.
pub fn decode_session(response: &HttpResponse, now: i64) -> Result<Session, Error> {
    if !response.is_success() {
        return Err(Error::from_response(response));
    }
    let session: Session =
        serde_json::from_slice(&response.body).map_err(|error| Error::Decode(error.to_string()))?;
    Ok(session.normalised(now))
}

/// Decode a sign-up answer: a session when auto-confirmed, else the bare user.
pub fn decode_sign_up(response: &HttpResponse, now: i64) -> Result<SignUpOutcome, Error> {
    if !response.is_success() {
        return Err(Error::from_response(response));
    }
    let body: Value =
        serde_json::from_slice(&response.body).map_err(|error| Error::Decode(error.to_string()))?;
    let has_session = ["access_token", "refresh_token", "expires_in"]
        .iter()
        .all(|key| body.get(key).is_some_and(|value| !value.is_null()));
    if has_session {
        let session: Session =
            serde_json::from_value(body).map_err(|error| Error::Decode(error.to_string()))?;
        return Ok(SignUpOutcome::SignedIn(Box::new(session.normalised(now))));
    }
    let user: User =
        serde_json::from_value(body).map_err(|error| Error::Decode(error.to_string()))?;
    Ok(SignUpOutcome::ConfirmationSent(Box::new(user)))
}

/// What an e-mail link (sign-up confirmation, magic link, recovery) put in the URL fragment
/// when GoTrue redirected back to the app (implicit flow, as auth-js's `detectSessionInUrl`).
#[derive(Debug, Clone, PartialEq)]
pub enum UrlAuth {
    /// Tokens for a new session; the user still has to be fetched with [`get_user`].
    Tokens {
        access_token: String,
        refresh_token: String,
        expires_in: i64,
        expires_at: Option<i64>,
        token_type: String,
        /// `signup`, `magiclink`, `recovery`, `invite`...
        kind: Option<String>,
    },
    /// The link was refused (expired, already used...).
    Refused(Error),
}

/// Read a URL fragment (with or without its `#`). `None` when it holds nothing for us.
pub fn parse_url_fragment(fragment: &str) -> Option<UrlAuth> {
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
    let pairs: Vec<(String, String)> = form_urlencoded::parse(fragment.as_bytes())
        .map(|(key, value)| (key.into_owned(), value.into_owned()))
        .collect();
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
            .filter(|value| !value.is_empty())
    };
    if let Some(error) = get("error") {
        let message = get("error_description").unwrap_or_else(|| error.clone());
        return Some(UrlAuth::Refused(Error::Api {
            status: 400,
            code: get("error_code").or(Some(error)),
            message,
            details: None,
            hint: None,
        }));
    }
    let access_token = get("access_token")?;
    let refresh_token = get("refresh_token")?;
    let expires_in = get("expires_in")?.parse().ok()?;
    Some(UrlAuth::Tokens {
        access_token,
        refresh_token,
        expires_in,
        expires_at: get("expires_at").and_then(|value| value.parse().ok()),
        token_type: get("token_type").unwrap_or_else(|| "bearer".to_owned()),
        kind: get("type"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_rules_count_characters_and_bytes() {
        assert_eq!(password_problems("short").len(), 1);
        assert!(password_problems("twelve chars").is_empty());
        assert!(password_problems(&"🙂".repeat(12)).is_empty());
        assert_eq!(password_problems(&"🙂".repeat(19)).len(), 1);
    }

    #[test]
    fn sign_in_request_matches_auth_js() {
        let config = ClientConfig::new("http://x", "k");
        let request = sign_in_with_password(&config, "a@b.co", "pw");
        assert_eq!(request.url, "http://x/auth/v1/token?grant_type=password");
        assert_eq!(
            request.header_value("X-Supabase-Api-Version"),
            Some(API_VERSION)
        );
        assert_eq!(request.header_value("Authorization"), Some("Bearer k"));
    }

    #[test]
    fn sign_up_with_and_without_confirmation() {
        let signed_in = HttpResponse {
            status: 200,
            headers: vec![],
            body: br#"{"access_token":"a","token_type":"bearer","expires_in":3600,"refresh_token":"r","user":{"id":"u"}}"#
                .to_vec(),
        };
        match decode_sign_up(&signed_in, 100).unwrap() {
            SignUpOutcome::SignedIn(session) => assert_eq!(session.expires_at, Some(3700)),
            other => panic!("expected a session, got {other:?}"),
        }
        let confirm = HttpResponse {
            status: 200,
            headers: vec![],
            body: br#"{"id":"u","email":"a@b.co"}"#.to_vec(),
        };
        assert!(matches!(
            decode_sign_up(&confirm, 0).unwrap(),
            SignUpOutcome::ConfirmationSent(_)
        ));
    }

    #[test]
    fn reads_sessions_and_refusals_from_the_url_fragment() {
        let tokens = parse_url_fragment(
            "#access_token=a.b.c&expires_at=1700003600&expires_in=3600&refresh_token=r1&token_type=bearer&type=signup",
        );
        assert_eq!(
            tokens,
            Some(UrlAuth::Tokens {
                access_token: "a.b.c".into(),
                refresh_token: "r1".into(),
                expires_in: 3600,
                expires_at: Some(1_700_003_600),
                token_type: "bearer".into(),
                kind: Some("signup".into()),
            })
        );
        let Some(UrlAuth::Refused(error)) = parse_url_fragment(
            "error=access_denied&error_code=otp_expired&error_description=Email+link+is+invalid+or+has+expired",
        ) else {
            panic!("expected a refusal");
        };
        assert_eq!(error.code(), Some("otp_expired"));
        assert!(error.user_message().contains("expired"));
        assert_eq!(parse_url_fragment(""), None);
        assert_eq!(parse_url_fragment("#section-2"), None);
        assert_eq!(parse_url_fragment("#access_token=a&refresh_token=r"), None);
    }
}
