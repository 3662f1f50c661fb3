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
use std::time::Duration;
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

/// The service a request is for, by path prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    Rest,
    Auth,
    Storage,
    Realtime,
    Functions,
}

impl Service {
    pub fn of(path: &str) -> Option<Service> {
        let under = |prefix: &str| {
            path.strip_prefix(prefix)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        };
        if under("/rest/v1") {
            Some(Service::Rest)
        } else if under("/auth/v1") {
            Some(Service::Auth)
        } else if under("/storage/v1") {
            Some(Service::Storage)
        } else if under("/realtime/v1") {
            Some(Service::Realtime)
        } else if under("/functions/v1") {
            Some(Service::Functions)
        } else {
            None
        }
    }

    /// Largest request body the gateway lets through to this service (Storage gets the
    /// global file size limit plus room for multipart framing; the storage service applies
    /// the exact bucket limits itself).
    pub fn body_limit(self, settings: &crate::settings::Settings) -> usize {
        match self {
            Service::Rest => settings.api.max_body_bytes,
            Service::Auth => settings.auth.max_body_bytes,
            Service::Storage => usize::try_from(settings.storage.file_size_limit)
                .unwrap_or(usize::MAX)
                .saturating_add(1024 * 1024),
            Service::Realtime => 64 * 1024,
            Service::Functions => settings.functions.max_body_bytes,
        }
    }

    /// How long the service may take to answer (headers; a streamed body may take longer).
    /// The functions module enforces its own wall-clock limit; the gateway's is a backstop.
    pub fn timeout(self, settings: &crate::settings::Settings) -> Option<Duration> {
        match self {
            Service::Rest => Some(settings.api.request_timeout),
            Service::Auth => Some(settings.auth.request_timeout),
            Service::Storage => Some(settings.storage.request_timeout),
            // A WebSocket upgrade answers at once; the socket then lives on its own.
            Service::Realtime => None,
            Service::Functions => {
                Some(settings.functions.wall_clock_limit + Duration::from_secs(10))
            }
        }
    }
}

/// 413 as the hosted gateway sends it.
pub fn payload_too_large() -> Response {
    (
        StatusCode::PAYLOAD_TOO_LARGE,
        axum::Json(json!({"message": "Request size limit exceeded"})),
    )
        .into_response()
}

/// 504 as the hosted gateway sends it when a service does not answer in time.
pub fn upstream_timeout() -> Response {
    (
        StatusCode::GATEWAY_TIMEOUT,
        axum::Json(json!({"message": "The upstream server is timing out"})),
    )
        .into_response()
}

/// Middleware: per-service request limits. A declared `Content-Length` over the service's
/// limit is refused before anything is read; a body without one is cut off at the limit
/// (handlers reading it get a length-limit error, rendered here as the same JSON 413). The
/// whole request, body reading included, must finish within the service's timeout, else 504
/// (slow clients and stuck handlers alike).
pub async fn limits(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let Some(service) = Service::of(request.uri().path()) else {
        return next.run(request).await;
    };
    let limit = service.body_limit(&state.settings);
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit as u64) {
        // Read (and drop) what the client is sending before answering, within bounds: a
        // client still writing when the server closes gets a connection reset instead of the
        // 413 (browsers show a network error). Past the bounds the reset is the answer.
        drain(request.into_body(), DRAIN_BYTES, DRAIN_TIME).await;
        let mut response = payload_too_large();
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
        return response;
    }
    let (parts, body) = request.into_parts();
    let request = Request::from_parts(
        parts,
        axum::body::Body::new(http_body_util::Limited::new(body, limit)),
    );
    let response = match service.timeout(&state.settings) {
        Some(timeout) => match tokio::time::timeout(timeout, next.run(request)).await {
            Ok(response) => response,
            Err(_) => return upstream_timeout(),
        },
        None => next.run(request).await,
    };
    if response.status() == StatusCode::PAYLOAD_TOO_LARGE && !is_json(&response) {
        return payload_too_large();
    }
    response
}

/// How much of a refused body the gateway reads away before answering.
const DRAIN_BYTES: usize = 16 * 1024 * 1024;
const DRAIN_TIME: Duration = Duration::from_secs(5);

async fn drain(body: axum::body::Body, max_bytes: usize, max_time: Duration) {
    use futures_util::StreamExt;
    let mut stream = body.into_data_stream();
    let mut read = 0usize;
    let _ = tokio::time::timeout(max_time, async {
        while let Some(Ok(chunk)) = stream.next().await {
            read += chunk.len();
            if read > max_bytes {
                break;
            }
        }
    })
    .await;
}

fn is_json(response: &Response) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.contains("json"))
}

/// Middleware: CORS ([`cors`]) on every response except those of Edge Functions, which answer
/// their own preflights and headers, as on hosted. Applied outermost, so the gateway's own
/// refusals and unknown paths are readable by the browser too.
pub async fn cors_unless_functions(request: Request, next: Next) -> Response {
    use tower::{Layer, ServiceExt};
    static CORS: std::sync::LazyLock<CorsLayer> = std::sync::LazyLock::new(cors);
    if Service::of(request.uri().path()) == Some(Service::Functions) {
        return next.run(request).await;
    }
    match CORS.layer(next).oneshot(request).await {
        Ok(response) => response,
        Err(never) => match never {},
    }
}

/// Paths that hosted Supabase serves without an API key: signed and public Storage URLs
/// (shared links), the e-mail confirmation link, and Edge Functions (they apply verify_jwt
/// themselves).
fn key_exempt(method: &Method, path: &str) -> bool {
    path.starts_with("/functions/v1/")
        || (method == Method::GET && path == "/auth/v1/verify")
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
    fn finds_the_service_by_path_prefix() {
        assert_eq!(Service::of("/rest/v1/clients"), Some(Service::Rest));
        assert_eq!(Service::of("/rest/v1"), Some(Service::Rest));
        assert_eq!(Service::of("/rest/v10/x"), None);
        assert_eq!(Service::of("/auth/v1/token"), Some(Service::Auth));
        assert_eq!(
            Service::of("/storage/v1/object/a/b"),
            Some(Service::Storage)
        );
        assert_eq!(
            Service::of("/realtime/v1/websocket"),
            Some(Service::Realtime)
        );
        assert_eq!(
            Service::of("/functions/v1/analyze"),
            Some(Service::Functions)
        );
        assert_eq!(Service::of("/health"), None);
    }

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
        assert!(key_exempt(&Method::GET, "/auth/v1/verify"));
        assert!(!key_exempt(&Method::POST, "/auth/v1/verify"));
        assert!(!key_exempt(&Method::GET, "/auth/v1/user"));
    }
}
