//! A local stand-in for hosted Supabase: the subset of its HTTP and WebSocket APIs that
//! ScaleStream and supabase-js use (contract: ../shared/supabase-contract.md), served on one
//! port, against a real PostgreSQL, with every data request run under the caller's JWT role so
//! RLS means the same thing locally and in production.
//!
//! One module per API surface, each with its own state, router and errors:
//! [`rest`] (PostgREST), [`auth`] (GoTrue), [`realtime`] (Phoenix channels), [`storage`],
//! [`functions`] (Deno edge functions). [`gateway`] does what hosted Supabase's API gateway
//! does in front of them. Invariant: no data request bypasses `db::begin_as` with the caller's
//! role, except the service-owned writes that hosted services also make as their own roles.

pub mod auth;
pub mod db;
pub mod functions;
pub mod gateway;
pub mod jwt;
pub mod keys;
pub mod realtime;
pub mod rest;
pub mod settings;
pub mod storage;

use anyhow::Result;
use axum::Router;
use std::sync::Arc;

/// What every module shares: settings, signing keys and the database pools.
pub struct Core {
    pub settings: settings::Settings,
    pub jwt: jwt::Jwt,
    pub keys: keys::ApiKeys,
    pub db: db::Database,
}

/// The application state: the shared core plus each module's own state (cheap to clone).
#[derive(Clone)]
pub struct AppState {
    pub core: Arc<Core>,
    pub rest: rest::RestState,
    pub auth: auth::AuthState,
    pub realtime: realtime::RealtimeState,
    pub storage: storage::StorageState,
    pub functions: functions::FunctionsState,
}

impl std::ops::Deref for AppState {
    type Target = Core;
    fn deref(&self) -> &Core {
        &self.core
    }
}

impl AppState {
    /// Connect to the database and start every module's background work (schema cache,
    /// realtime listener, ...).
    pub async fn start(settings: settings::Settings) -> Result<AppState> {
        let jwt = jwt::Jwt::new(&settings.jwt_secret).with_audience(settings.jwt_aud.clone());
        let keys = keys::ApiKeys::derive(&jwt);
        let db = db::Database::connect(&settings.database)?;
        let core = Arc::new(Core {
            settings,
            jwt,
            keys,
            db,
        });
        Ok(AppState {
            rest: rest::RestState::start(&core).await?,
            auth: auth::AuthState::start(&core).await?,
            realtime: realtime::RealtimeState::start(&core).await?,
            storage: storage::StorageState::start(&core).await?,
            functions: functions::FunctionsState::start(&core).await?,
            core,
        })
    }

    /// Stop background work and child processes.
    pub async fn shutdown(&self) {
        self.functions.shutdown().await;
    }
}

/// The whole HTTP surface, behind the gateway: CORS (outermost, so even the gateway's own
/// refusals are readable by a page on another origin; not for Edge Functions, which answer
/// their own CORS as on hosted), the API-key check and rewrite, and per-service body limits
/// and timeouts.
pub fn router(state: AppState) -> Router {
    Router::new()
        .nest("/rest/v1", rest::router())
        .nest("/auth/v1", auth::router())
        .nest("/storage/v1", storage::router())
        .nest("/realtime/v1", realtime::router())
        .nest("/functions/v1", functions::router())
        .route("/health", axum::routing::get(|| async { "ok" }))
        // Body limits are the gateway's (per service, JSON 413), not axum's 2 MB default.
        .layer(axum::extract::DefaultBodyLimit::disable())
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            gateway::limits,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            gateway::api_key,
        ))
        .layer(axum::middleware::from_fn(gateway::cors_unless_functions))
        .with_state(state)
}

/// Serve until `shutdown` resolves. `on_ready` runs once the port is bound and every module
/// has started, with the state (keys, settings) and the bound address.
pub async fn serve(
    settings: settings::Settings,
    on_ready: impl FnOnce(&AppState, std::net::SocketAddr),
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<()> {
    let listen = settings.listen;
    let state = AppState::start(settings).await?;
    let listener = tokio::net::TcpListener::bind(listen).await?;
    let bound = listener.local_addr()?;
    tracing::info!("supabase-local listening on http://{bound}");
    on_ready(&state, bound);
    let app = router(state.clone());
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await?;
    state.shutdown().await;
    Ok(())
}
