//! `GET /verify`: the link of a sign-up confirmation e-mail, as GoTrue serves it for the
//! implicit flow. With confirmations on, sign-up stores a one-time token and "sends" the link
//! `<public url>/auth/v1/verify?token=…&type=signup&redirect_to=…` (logged locally: there is no
//! mailer). Following it confirms the address, signs the user in and redirects (303) to the
//! redirect URL with the session in the fragment (`#access_token=…&refresh_token=…&type=signup`,
//! which auth-js picks up); an unknown, used or expired link redirects with
//! `#error=access_denied&error_code=otp_expired`.
//!
//! Redirect URLs are honoured only when GoTrue would: the host of `auth.site_url`, or a match
//! of `auth.additional_redirect_urls` (exact, or a glob where `*` stops at `.` and `/` and `**`
//! does not). Anything else falls back to `site_url`, so a link can never send a session to
//! another site (security case 30).

use super::error::{AuthError, code};
use super::sessions::issue_session;
use super::{Client, connection, db_error, store};
use crate::AppState;
use crate::settings::AuthSettings;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use std::collections::HashMap;

/// Where to send the browser: `requested` when allowed, else `site_url`.
pub(super) fn redirect_target(settings: &AuthSettings, requested: Option<&str>) -> String {
    match requested {
        Some(url) if redirect_allowed(settings, url) => url.to_owned(),
        _ => settings.site_url.clone(),
    }
}

/// GoTrue's `IsRedirectURLValid`: the site's host, or an allow-list pattern.
fn redirect_allowed(settings: &AuthSettings, requested: &str) -> bool {
    let Ok(target) = url::Url::parse(requested) else {
        return false;
    };
    if !matches!(target.scheme(), "http" | "https") {
        return false;
    }
    let same_host = url::Url::parse(&settings.site_url)
        .ok()
        .and_then(|site| site.host_str().map(str::to_owned))
        .is_some_and(|host| target.host_str() == Some(host.as_str()));
    same_host
        || settings
            .additional_redirect_urls
            .iter()
            .any(|pattern| glob_matches(pattern.as_bytes(), requested.as_bytes()))
}

/// A glob as GoTrue compiles allow-list entries (separators `.` and `/`): `*` matches any run
/// of characters without a separator, `**` any run at all, `?` one non-separator character.
fn glob_matches(pattern: &[u8], text: &[u8]) -> bool {
    let separator = |byte: u8| byte == b'.' || byte == b'/';
    match pattern {
        [] => text.is_empty(),
        [b'*', b'*', rest @ ..] => (0..=text.len()).any(|skip| glob_matches(rest, &text[skip..])),
        [b'*', rest @ ..] => {
            let run = text.iter().take_while(|byte| !separator(**byte)).count();
            (0..=run).any(|skip| glob_matches(rest, &text[skip..]))
        }
        [b'?', rest @ ..] => {
            text.first().is_some_and(|byte| !separator(*byte)) && glob_matches(rest, &text[1..])
        }
        [literal, rest @ ..] => text.first() == Some(literal) && glob_matches(rest, &text[1..]),
    }
}

/// The confirmation link for a sign-up token.
pub(super) fn confirmation_link(state: &AppState, token: &str, redirect_to: &str) -> String {
    let query: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("token", token)
        .append_pair("type", "signup")
        .append_pair("redirect_to", redirect_to)
        .finish();
    format!("{}/auth/v1/verify?{query}", state.settings.public_url)
}

/// A 303 to `target` with `fragment` (form-encoded pairs) after `#`.
fn see_other(target: &str, fragment: &[(&str, String)]) -> Response {
    let mut encoded = form_urlencoded::Serializer::new(String::new());
    for (name, value) in fragment {
        encoded.append_pair(name, value);
    }
    let mut location = target.split('#').next().unwrap_or(target).to_owned();
    location.push('#');
    location.push_str(&encoded.finish());
    match HeaderValue::from_str(&location) {
        Ok(value) => (StatusCode::SEE_OTHER, [(header::LOCATION, value)]).into_response(),
        Err(_) => StatusCode::BAD_REQUEST.into_response(),
    }
}

fn expired_link(target: &str) -> Response {
    see_other(
        target,
        &[
            ("error", "access_denied".to_owned()),
            ("error_code", code::OTP_EXPIRED.to_owned()),
            (
                "error_description",
                "Email link is invalid or has expired".to_owned(),
            ),
        ],
    )
}

/// `GET /verify?token=…&type=signup&redirect_to=…`.
pub(super) async fn verify(
    State(state): State<AppState>,
    client: Client,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, AuthError> {
    let token = query.get("token").map(String::as_str).unwrap_or_default();
    if token.is_empty() {
        return Err(AuthError::validation(
            "Verify requires a token or a token hash",
        ));
    }
    if query.get("type").map(String::as_str) != Some("signup") {
        return Err(AuthError::validation("Unsupported verification type"));
    }
    let target = redirect_target(
        &state.settings.auth,
        query.get("redirect_to").map(String::as_str),
    );
    let failed = |error| db_error(&state, "Database error updating user", error);
    let mut connection = connection(&state).await?;
    let tx = connection.transaction().await.map_err(failed)?;
    let expiry = chrono::Duration::from_std(state.settings.auth.email_otp_expiry)
        .unwrap_or(chrono::Duration::hours(1));
    let Some(user_id) = store::confirm_signup(&tx, token, expiry)
        .await
        .map_err(failed)?
    else {
        return Ok(expired_link(&target));
    };
    store::audit(
        &tx,
        &store::AuditEntry {
            actor_id: user_id,
            actor_username: "",
            action: "user_signedup",
            log_type: "team",
            ip: client.ip,
            traits: json!({"provider": "email"}),
        },
    )
    .await
    .map_err(failed)?;
    let session = issue_session(&state, &tx, user_id, "otp", &client, None).await?;
    tx.commit().await.map_err(failed)?;
    let field = |name: &str| match &session[name] {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    };
    Ok(see_other(
        &target,
        &[
            ("access_token", field("access_token")),
            ("expires_at", field("expires_at")),
            ("expires_in", field("expires_in")),
            ("refresh_token", field("refresh_token")),
            ("token_type", field("token_type")),
            ("type", "signup".to_owned()),
        ],
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> AuthSettings {
        let mut settings = crate::settings::Settings::from_toml(
            "[auth]\nsite_url = \"http://127.0.0.1:8080\"\n\
             additional_redirect_urls = [\"http://localhost:8080\", \"https://*.example.app/**\"]\n",
            std::path::Path::new("supabase"),
            &crate::settings::Overrides::default(),
        )
        .expect("settings parse")
        .auth;
        settings.enable_confirmations = true;
        settings
    }

    #[test]
    fn redirects_only_to_the_site_and_the_allow_list() {
        let settings = settings();
        for allowed in [
            "http://127.0.0.1:8080/welcome",
            "http://127.0.0.1:3000/",
            "http://localhost:8080",
            "https://preview.example.app/auth/done",
        ] {
            assert_eq!(
                redirect_target(&settings, Some(allowed)),
                allowed,
                "{allowed}"
            );
        }
        for refused in [
            "https://evil.example/steal",
            "http://localhost:8080/other",
            "https://a.b.example.app/x",
            "https://example.app.evil.example/x",
            "https://127.0.0.1.evil.example/",
            "javascript:alert(1)",
            "//evil.example",
            "not a url",
        ] {
            assert_eq!(
                redirect_target(&settings, Some(refused)),
                "http://127.0.0.1:8080",
                "{refused}"
            );
        }
        assert_eq!(redirect_target(&settings, None), "http://127.0.0.1:8080");
    }

    #[test]
    fn globs_stop_single_stars_at_separators() {
        assert!(glob_matches(b"https://*.x.io", b"https://a.x.io"));
        assert!(!glob_matches(b"https://*.x.io", b"https://a.b.x.io"));
        assert!(glob_matches(b"https://**.x.io", b"https://a.b.x.io"));
        assert!(glob_matches(b"http://h/?", b"http://h/a"));
        assert!(!glob_matches(b"http://h/?", b"http://h//"));
        assert!(!glob_matches(b"http://h", b"http://h/"));
    }

    #[test]
    fn session_and_errors_travel_in_the_fragment() {
        let response = expired_link("http://127.0.0.1:8080/x?keep=1#old");
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            response.headers()[header::LOCATION],
            "http://127.0.0.1:8080/x?keep=1#error=access_denied&error_code=otp_expired\
             &error_description=Email+link+is+invalid+or+has+expired"
        );
    }
}
