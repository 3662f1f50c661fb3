//! `/rest/v1`: the PostgREST v14 subset of contract §1, on real PostgreSQL under the caller's
//! JWT role.
//!
//! A request flows through: [`query`] (URL grammar, no database) → [`request`] (headers, body)
//! → [`plan`] (names checked against the [`schema`] cache, relationships and overloads
//! resolved) → [`sql`] (one parameterised statement) → [`execute`] (one transaction via
//! `db::begin_as`) → [`response`] (status, Content-Range, body rendered by PostgreSQL).
//!
//! Invariants: every value from the URL or body reaches SQL as a bound parameter; every
//! identifier comes from the schema cache; no query runs for a request whose JWT is invalid;
//! parsing never panics.

pub mod error;
pub mod execute;
pub mod plan;
pub mod query;
pub mod request;
pub mod response;
pub mod schema;
pub mod sql;

use crate::db::{RequestInfo, quote_ident};
use crate::{AppState, Core, gateway};
use anyhow::Result;
use axum::Router;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use error::ApiError;
use plan::{Action, CallMethod};
use request::{Media, Payload, Preferences, RawType};
use schema::watch::SchemaStore;
use std::sync::Arc;

/// State of /rest/v1: the schema cache, kept current by a background listener.
#[derive(Clone)]
pub struct RestState {
    store: Arc<SchemaStore>,
}

impl RestState {
    /// Load the schema cache and start listening for `NOTIFY pgrst`. A database that is not
    /// reachable yet is not fatal: requests get 503 PGRST002 until a load succeeds.
    pub async fn start(core: &Core) -> Result<RestState> {
        let store = Arc::new(SchemaStore::new(core.settings.api.schemas.clone()));
        if let Err(error) = store.reload(&core.db).await {
            tracing::warn!(%error, "initial schema cache load failed; retrying in the background");
        }
        tokio::spawn(schema::watch::watch(store.clone(), core.db.clone()));
        Ok(RestState { store })
    }

    /// The current schema cache, once loaded.
    pub fn schema_cache(&self) -> Option<Arc<schema::SchemaCache>> {
        self.store.get()
    }

    /// How many times the cache has been (re)loaded.
    pub fn schema_generation(&self) -> u64 {
        self.store.generation()
    }
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/rpc/{function}", any(function))
        .route("/{relation}", any(relation))
        .route(
            "/",
            any(|| async { ApiError::RootDisabled.into_response() }),
        )
        .fallback(|| async { ApiError::InvalidPath.into_response() })
}

async fn relation(
    State(state): State<AppState>,
    Path(relation): Path<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let action = match method {
        Method::GET => Action::Read {
            relation,
            head: false,
        },
        Method::HEAD => Action::Read {
            relation,
            head: true,
        },
        Method::POST => Action::Insert { relation },
        Method::PATCH => Action::Update { relation },
        Method::PUT => Action::Put { relation },
        Method::DELETE => Action::Delete { relation },
        Method::OPTIONS => return options(),
        other => return ApiError::UnsupportedMethod(other.to_string()).into_response(),
    };
    serve(state, action, method, uri, headers, body).await
}

async fn function(
    State(state): State<AppState>,
    Path(function): Path<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let call = match method {
        Method::GET => CallMethod::Get,
        Method::HEAD => CallMethod::Head,
        Method::POST => CallMethod::Post,
        Method::OPTIONS => return options(),
        other => return ApiError::InvalidRpcMethod(other.to_string()).into_response(),
    };
    let action = Action::Call {
        function,
        method: call,
    };
    serve(state, action, method, uri, headers, body).await
}

/// A non-preflight OPTIONS: the verbs PostgREST allows.
fn options() -> Response {
    (
        StatusCode::OK,
        [(header::ALLOW, "OPTIONS,GET,HEAD,POST,PUT,PATCH,DELETE")],
    )
        .into_response()
}

async fn serve(
    state: AppState,
    action: Action,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let timeout = state.settings.api.request_timeout;
    match tokio::time::timeout(
        timeout,
        handle(&state, &action, &method, &uri, &headers, body),
    )
    .await
    {
        Ok(Ok(response)) => response,
        Ok(Err(error)) => error.into_response(),
        Err(_) => ApiError::Timeout.into_response(),
    }
}

fn header_text<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name).and_then(|value| value.to_str().ok())
}

async fn handle(
    state: &AppState,
    action: &Action,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let caller = gateway::caller(state, headers).map_err(ApiError::Jwt)?;
    check_issued_at(&caller.claims, crate::jwt::now_unix())?;
    let settings = &state.settings.api;
    let reading = matches!(*method, Method::GET | Method::HEAD);
    let profile_header = if reading {
        "accept-profile"
    } else {
        "content-profile"
    };
    let schema = request::profile(header_text(headers, profile_header), &settings.schemas)?;
    let media = request::negotiate(header_text(headers, "accept"))?;
    let query = query::parse(uri.query().unwrap_or_default())?;
    let preferences = Preferences::parse(
        headers
            .get_all("prefer")
            .iter()
            .filter_map(|value| value.to_str().ok()),
    );
    let mut range = query.root_range();
    if *method == Method::GET
        && let Some(value) = header_text(headers, "range")
        && let Some((offset, limit)) = request::range_header(value)?
    {
        range = intersect(range, offset, limit);
    }
    let bytes = axum::body::to_bytes(body, settings.max_body_bytes)
        .await
        .map_err(|_| ApiError::PayloadTooLarge(settings.max_body_bytes))?;
    // A function's single unnamed text/bytea/xml parameter takes the body as is (§1.6).
    let raw = match action {
        Action::Call {
            method: CallMethod::Post,
            ..
        } => RawType::from_content_type(header_text(headers, "content-type")),
        _ => None,
    };
    let payload = match raw {
        Some(kind) => Some(Payload::raw(&bytes, kind)?),
        None if bytes.iter().all(u8::is_ascii_whitespace) => None,
        None => Some(Payload::parse(&bytes)?),
    };
    let cache = state
        .rest
        .schema_cache()
        .ok_or(ApiError::SchemaCacheUnavailable)?;
    let plan = plan::plan(&plan::PlanRequest {
        cache: &cache,
        schema: &schema,
        action: action.clone(),
        query: &query,
        preferences: &preferences,
        media,
        payload: payload.as_ref(),
        range,
        max_rows: (settings.max_rows > 0).then_some(settings.max_rows),
    })?;
    let statement = sql::statement(&plan);
    let path = match action {
        Action::Call { function, .. } => format!("/rpc/{function}"),
        Action::Read { relation, .. }
        | Action::Insert { relation }
        | Action::Update { relation }
        | Action::Delete { relation }
        | Action::Put { relation } => format!("/{relation}"),
    };
    let request_info = RequestInfo::from_parts(method, &path, headers);
    let search_path = std::iter::once(&schema)
        .chain(settings.extra_search_path.iter())
        .map(|name| quote_ident(name))
        .collect::<Vec<_>>()
        .join(", ");
    // The role's own settings, then (for a call) the function's hoisted ones, which win.
    let mut settings = cache.role_settings(&caller.role).to_vec();
    if let plan::Kind::Call(call) = &plan.kind {
        settings.extend(call.function.settings.iter().cloned());
    }
    let context = execute::Context {
        database: &state.db,
        pool: &state.db.api,
        caller: &caller,
        request: &request_info,
        search_path: &search_path,
        settings: &settings,
        timezone: preferences.timezone.as_deref(),
        max_affected: preferences.max_affected.filter(|_| preferences.strict),
    };
    let outcome = execute::run(&context, &plan, &statement).await?;
    response::respond(action, &plan, outcome, &schema, &preferences)
}

/// PostgREST refuses a token whose numeric `iat` is later than now plus the clock skew.
fn check_issued_at(claims: &serde_json::Value, now: i64) -> Result<(), ApiError> {
    let skew = crate::jwt::CLOCK_SKEW_SECONDS as f64;
    match claims.get("iat").and_then(serde_json::Value::as_f64) {
        Some(iat) if iat > now as f64 + skew => Err(ApiError::JwtIssuedInFuture),
        _ => Ok(()),
    }
}

/// The intersection of the query's range and the Range header's.
fn intersect(range: query::Range, offset: u64, limit: Option<u64>) -> query::Range {
    let end = |start: u64, limit: Option<u64>| limit.map(|limit| start.saturating_add(limit));
    let start = range.offset.max(offset);
    let ends = [end(range.offset, range.limit), end(offset, limit)];
    let finish = ends.into_iter().flatten().min();
    query::Range {
        offset: start,
        limit: finish.map(|finish| finish.saturating_sub(start)),
    }
}

impl Media {
    /// Whether this is the singular object type.
    pub fn is_singular(self) -> bool {
        matches!(self, Media::Singular { .. })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tokens_issued_in_the_future_are_refused_beyond_the_skew() {
        let now = 1_800_000_000;
        assert!(check_issued_at(&json!({"iat": now + 30}), now).is_ok());
        assert!(check_issued_at(&json!({"iat": now - 3600}), now).is_ok());
        assert!(check_issued_at(&json!({"role": "anon"}), now).is_ok());
        assert!(matches!(
            check_issued_at(&json!({"iat": now + 31}), now),
            Err(ApiError::JwtIssuedInFuture)
        ));
        assert!(matches!(
            check_issued_at(&json!({"iat": (now + 40) as f64 + 0.5}), now),
            Err(ApiError::JwtIssuedInFuture)
        ));
    }
}
