//! The gateway in front of every service, as hosted Supabase's API gateway: API-key check,
//! the `apikey` → `Authorization` rewrite (contract §0), CORS, and JWT → caller resolution.

use crate::AppState;
use crate::jwt::JwtError;
use crate::keys::KeyRole;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use tower_http::cors::{AllowHeaders, AllowMethods, AllowOrigin, CorsLayer};

/// Headers browsers may read from our responses: without `Content-Range` counts are null in
/// supabase-js, without `X-Supabase-Api-Version` auth-js loses error codes.
pub const EXPOSED_HEADERS: &[&str] = &[
    "content-range",
    "range-unit",
    "content-profile",
    "location",
    "x-supabase-api-version",
    "x-sb-error-code",
    "x-relay-error",
    "sb-error-code",
    "content-length",
    "content-type",
    "etag",
];

/// CORS for the browser app on another origin: every preflight answered, any origin, request
/// headers echoed. Not applied to /functions/v1 (functions answer their own CORS, as hosted).
pub fn cors() -> CorsLayer {
    CorsLayer::new()
        .allow_origin(AllowOrigin::any())
        .allow_methods(AllowMethods::mirror_request())
        .allow_headers(AllowHeaders::mirror_request())
        .expose_headers(
            EXPOSED_HEADERS
                .iter()
                .map(|name| header::HeaderName::from_static(name))
                .collect::<Vec<_>>(),
        )
        .max_age(std::time::Duration::from_secs(3600))
}

/// Paths that hosted Supabase serves without an API key: signed and public Storage URLs
/// (shared links) and Edge Functions (they apply verify_jwt themselves).
fn key_exempt(method: &Method, path: &str) -> bool {
    path.starts_with("/functions/v1/")
        || path.starts_with("/storage/v1/object/public/")
        || (method == Method::GET && path.starts_with("/storage/v1/object/sign/"))
        || path == "/health"
}

/// The `apikey` of a request: the header, else the `apikey` query parameter (browsers cannot
/// set WebSocket headers).
fn apikey_of(request: &Request) -> Option<String> {
    if let Some(value) = request
        .headers()
        .get("apikey")
        .and_then(|value| value.to_str().ok())
    {
        return Some(value.to_owned());
    }
    let query = request.uri().query()?;
    form_urlencoded::parse(query.as_bytes())
        .find(|(key, _)| key == "apikey")
        .map(|(_, value)| value.into_owned())
}

fn gateway_error(message: &str, hint: &str) -> Response {
    (
        StatusCode::UNAUTHORIZED,
        axum::Json(json!({"message": message, "hint": hint})),
    )
        .into_response()
}

/// Middleware: check the API key and rewrite `Authorization` (contract §0):
/// 1. an `Authorization` that does not start with `Bearer sb_` passes through unchanged;
/// 2. else the secret key becomes `Bearer <service_role JWT>`;
/// 3. else the publishable key becomes `Bearer <anon JWT>`;
/// 4. else the (legacy JWT) apikey itself is used.
pub async fn api_key(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    if request.method() == Method::OPTIONS {
        return next.run(request).await;
    }
    let exempt = key_exempt(request.method(), request.uri().path());
    let apikey = apikey_of(&request);
    let role = apikey.as_deref().and_then(|key| state.keys.role_of(key));
    if state.settings.require_apikey && !exempt {
        match (&apikey, role) {
            (None, _) => {
                return gateway_error(
                    "No API key found in request",
                    "No `apikey` request header or url param was found.",
                );
            }
            (Some(_), None) => {
                return gateway_error(
                    "Invalid API key",
                    "Double check your Supabase `anon` or `service_role` API key.",
                );
            }
            _ => {}
        }
    }
    let passes_through = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| !value.starts_with("Bearer sb_"));
    if !passes_through && let Some(role) = role {
        let token = state.keys.jwt_for(role);
        if let Ok(value) = HeaderValue::from_str(&format!("Bearer {token}")) {
            request.headers_mut().insert(header::AUTHORIZATION, value);
        }
    }
    next.run(request).await
}

/// Who is calling, after the gateway: the role to impersonate and the verified claims.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The database role: the `role` claim, or `anon` when it is missing or empty.
    pub role: String,
    /// The verified claims (`{"role":"anon"}` when no token was sent).
    pub claims: Value,
    /// The bearer token as received, when there was one.
    pub token: Option<String>,
}

impl Caller {
    /// The anonymous caller (no Authorization header).
    pub fn anon() -> Caller {
        Caller {
            role: "anon".to_owned(),
            claims: json!({"role": "anon"}),
            token: None,
        }
    }

    /// The user id (`sub`), when the caller is a signed-in user.
    pub fn user_id(&self) -> Option<&str> {
        self.claims.get("sub").and_then(Value::as_str)
    }

    /// Whether this caller bypasses RLS (the service role).
    pub fn is_service_role(&self) -> bool {
        self.role == "service_role"
    }
}

/// The bearer token of a request, if any (`Authorization: Bearer <token>`, scheme
/// case-insensitive).
pub fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// Resolve the caller from the request headers, as PostgREST does: no token means anon, a
/// token must verify, and a missing or empty `role` claim falls back to anon.
pub fn caller(state: &AppState, headers: &HeaderMap) -> Result<Caller, JwtError> {
    let Some(token) = bearer_token(headers) else {
        return Ok(Caller::anon());
    };
    let claims = state.jwt.verify(token)?;
    let role = claims
        .get("role")
        .and_then(Value::as_str)
        .filter(|role| !role.is_empty())
        .unwrap_or("anon")
        .to_owned();
    Ok(Caller {
        role,
        claims,
        token: Some(token.to_owned()),
    })
}

/// The API role a key maps to, for services that need it (e.g. functions without a JWT).
pub fn key_role(state: &AppState, headers: &HeaderMap) -> Option<KeyRole> {
    headers
        .get("apikey")
        .and_then(|value| value.to_str().ok())
        .and_then(|key| state.keys.role_of(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exempts_only_public_storage_and_functions() {
        assert!(key_exempt(&Method::POST, "/functions/v1/analyze"));
        assert!(key_exempt(
            &Method::GET,
            "/storage/v1/object/sign/transcripts/a.txt"
        ));
        assert!(!key_exempt(
            &Method::POST,
            "/storage/v1/object/sign/transcripts/a.txt"
        ));
        assert!(!key_exempt(&Method::GET, "/rest/v1/clients"));
    }
}
