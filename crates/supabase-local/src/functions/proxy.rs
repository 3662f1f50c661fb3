//! Forwarding one request to a function process, with the CLI runtime's checks and errors.

use super::FunctionsState;
use crate::AppState;
use crate::gateway;
use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use futures_util::StreamExt;
use http_body_util::{BodyExt, LengthLimitError, Limited};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;
use std::time::Duration;
use tokio::time::Instant;

/// The HTTP client that talks to function processes on loopback.
pub(super) type Client = hyper_util::client::legacy::Client<HttpConnector, Limited<Body>>;

pub(super) fn client() -> Client {
    hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .pool_idle_timeout(Duration::from_secs(30))
        .build_http()
}

/// Headers that belong to one hop, never forwarded.
const HOP_BY_HOP: &[&str] = &[
    "connection",
    "keep-alive",
    "proxy-connection",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
];

/// A response the stand-in itself gives (not the function). Browsers may read it.
fn own_response(status: StatusCode, body: serde_json::Value) -> Response {
    let mut response = (status, axum::Json(body)).into_response();
    response.headers_mut().insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    response
}

/// `/functions/v1/` with no function name.
pub(super) async fn not_found() -> Response {
    function_not_found()
}

fn function_not_found() -> Response {
    let mut response = (StatusCode::NOT_FOUND, "Function not found").into_response();
    response.headers_mut().insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    response
}

/// The `verify_jwt` gate (CLI `main.ts`): a Bearer token signed with the project secret.
/// Returns the refusal, if any.
fn refuse_jwt(state: &AppState, headers: &HeaderMap) -> Option<Response> {
    let unauthorized = |message: &str, code: &str| {
        let mut response = own_response(StatusCode::UNAUTHORIZED, json!({"msg": message}));
        if let Ok(value) = HeaderValue::from_str(code) {
            response.headers_mut().insert("sb-error-code", value);
        }
        response
    };
    if !headers.contains_key(header::AUTHORIZATION) {
        return Some(unauthorized(
            "Missing authorization header",
            "UNAUTHORIZED_NO_AUTH_HEADER",
        ));
    }
    let Some(token) = gateway::bearer_token(headers) else {
        return Some(unauthorized(
            "Auth header is not 'Bearer {token}'",
            "UNAUTHORIZED_INVALID_AUTH_HEADER",
        ));
    };
    match state.jwt.verify(token) {
        Ok(_) => None,
        Err(_) => Some(unauthorized("Invalid JWT", "UNAUTHORIZED_INVALID_JWT")),
    }
}

/// Whether an error (or its causes) is the request body exceeding its limit.
fn is_body_too_large(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut current = Some(error);
    while let Some(error) = current {
        if error.is::<LengthLimitError>() {
            return true;
        }
        current = error.source();
    }
    false
}

fn too_large(limit: usize) -> Response {
    own_response(
        StatusCode::PAYLOAD_TOO_LARGE,
        json!({"code": "PAYLOAD_TOO_LARGE", "message": format!("The request body exceeds {limit} bytes")}),
    )
}

pub(super) async fn invoke(
    State(state): State<AppState>,
    Path(params): Path<Vec<(String, String)>>,
    request: Request,
) -> Response {
    let name = params
        .iter()
        .find(|(key, _)| key == "name")
        .map(|(_, value)| value.as_str())
        .unwrap_or_default();
    let Some(function) = state.functions.inner.catalog.find(name) else {
        return function_not_found();
    };
    if request.method() != Method::OPTIONS
        && function.verify_jwt
        && let Some(response) = refuse_jwt(&state, request.headers())
    {
        return response;
    }
    let limit = state.settings.functions.max_body_bytes;
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit as u64) {
        return too_large(limit);
    }
    let functions: &FunctionsState = &state.functions;
    let target = match functions.ensure_running(&function).await {
        Ok(target) => target,
        Err(error) => {
            tracing::warn!(function = %function.name, %error, "functions: boot failed");
            return own_response(
                StatusCode::SERVICE_UNAVAILABLE,
                json!({"code": "BOOT_ERROR", "message": "Worker failed to boot (please check logs)"}),
            );
        }
    };

    let wall_clock = state.settings.functions.wall_clock_limit;
    let deadline = Instant::now() + wall_clock;
    let (mut parts, body) = request.into_parts();
    // Inside the /functions/v1 router the path is already `/<name>/…`.
    let path_and_query = parts
        .uri
        .path_and_query()
        .map(|value| value.as_str().to_owned())
        .unwrap_or_else(|| format!("/{name}"));
    let Ok(uri) = format!("http://127.0.0.1:{}{path_and_query}", target.port).parse::<Uri>() else {
        return function_not_found();
    };
    parts.uri = uri;
    for name in HOP_BY_HOP {
        parts.headers.remove(*name);
    }
    let upstream = axum::http::Request::from_parts(parts, Limited::new(body, limit));

    let response = match tokio::time::timeout_at(deadline, functions.client.request(upstream)).await
    {
        Ok(Ok(response)) => response,
        Ok(Err(error)) => {
            if is_body_too_large(&error) {
                return too_large(limit);
            }
            tracing::warn!(function = %function.name, %error, "functions: request failed");
            functions.restart(&function.name, target.generation).await;
            return own_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                json!({"code": "WORKER_ERROR", "message": "Function exited due to an error (please check logs)"}),
            );
        }
        Err(_) => {
            functions.restart(&function.name, target.generation).await;
            return wall_clock_exceeded(wall_clock);
        }
    };
    let (mut parts, body) = response.into_parts();
    for name in HOP_BY_HOP {
        parts.headers.remove(*name);
    }
    Response::from_parts(parts, Body::from_stream(until_deadline(body, deadline)))
}

fn wall_clock_exceeded(limit: Duration) -> Response {
    own_response(
        StatusCode::GATEWAY_TIMEOUT,
        json!({
            "code": "WORKER_TIMEOUT",
            "message": format!("Function exceeded the wall clock limit of {} s", limit.as_secs_f64()),
        }),
    )
}

/// The response body, cut with an error (not silently) if it is still streaming at the
/// wall-clock deadline.
fn until_deadline(
    body: hyper::body::Incoming,
    deadline: Instant,
) -> impl futures_util::Stream<Item = Result<Bytes, std::io::Error>> + Send {
    let frames = body.into_data_stream();
    futures_util::stream::unfold(Some(frames), move |frames| async move {
        let mut frames = frames?;
        tokio::select! {
            chunk = frames.next() => match chunk {
                Some(Ok(bytes)) => Some((Ok(bytes), Some(frames))),
                Some(Err(error)) => Some((Err(std::io::Error::other(error)), None)),
                None => None,
            },
            () = tokio::time::sleep_until(deadline) => Some((
                Err(std::io::Error::new(std::io::ErrorKind::TimedOut, "wall clock limit exceeded")),
                None,
            )),
        }
    })
}
