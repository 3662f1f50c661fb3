//! Realtime (`/realtime/v1/websocket`): the Phoenix channel protocol realtime-js speaks, for
//! private and public Broadcast channels (contract §3). Joins to private channels are
//! authorized by the RLS probe on `realtime.messages`; broadcasts come from committed
//! `realtime.messages` rows (`realtime.send`, `realtime.broadcast_changes`). Presence,
//! client-sent broadcasts and postgres_changes delivery are out of scope (contract §3.5);
//! postgres_changes joins are still answered so clients keep working.
//!
//! - `protocol`: frames, vsn 1.0.0 and 2.0.0.
//! - `authorize`: token checks and the RLS probe.
//! - `socket`: one connection's channels.
//! - `hub`: the LISTEN loop and fan-out.

mod authorize;
mod hub;
pub mod protocol;
mod socket;

use crate::{AppState, Core, gateway};
use anyhow::Result;
use axum::Router;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use serde_json::{Map, Value};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// How long start-up waits for the LISTEN connection (it keeps retrying after that).
const LISTEN_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// Largest text frame accepted from a client.
const MAX_MESSAGE_BYTES: usize = 1024 * 1024;

/// State of the realtime module: the broadcast hub (with its LISTEN loop) and socket ids.
#[derive(Clone)]
pub struct RealtimeState {
    hub: Arc<hub::Hub>,
    next_socket: Arc<AtomicU64>,
}

impl RealtimeState {
    /// Start the LISTEN loop on `realtime_messages`, and wait (a while) until it listens, so
    /// broadcasts committed once the server serves are delivered.
    pub async fn start(core: &Core) -> Result<RealtimeState> {
        let hub = Arc::new(hub::Hub::default());
        let (listening, listens) = tokio::sync::oneshot::channel();
        tokio::spawn(hub::listen(core.db.clone(), hub.clone(), listening));
        if tokio::time::timeout(LISTEN_WAIT, listens).await.is_err() {
            tracing::warn!("realtime: not listening yet; broadcasts wait for the database");
        }
        Ok(RealtimeState {
            hub,
            next_socket: Arc::new(AtomicU64::new(1)),
        })
    }
}

pub fn router() -> Router<AppState> {
    Router::new().route("/websocket", get(websocket))
}

#[derive(Deserialize)]
struct SocketParams {
    vsn: Option<String>,
}

async fn websocket(
    State(state): State<AppState>,
    Query(params): Query<SocketParams>,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    let Some(vsn) = protocol::Vsn::parse(params.vsn.as_deref()) else {
        return (
            StatusCode::BAD_REQUEST,
            "unsupported vsn: use 1.0.0 or 2.0.0",
        )
            .into_response();
    };
    let connection = socket::Connection {
        hub: state.realtime.hub.clone(),
        id: state.realtime.next_socket.fetch_add(1, Ordering::Relaxed),
        vsn,
        key_token: gateway::bearer_token(&headers).map(str::to_owned),
        headers: headers_json(&headers),
        state,
    };
    upgrade
        .max_message_size(MAX_MESSAGE_BYTES)
        .max_frame_size(MAX_MESSAGE_BYTES)
        .on_upgrade(move |websocket| socket::serve(websocket, connection))
}

/// `request.headers` for policies: the upgrade request's headers except cookies and the
/// bearer token.
fn headers_json(headers: &HeaderMap) -> Value {
    let mut map = Map::new();
    for (name, value) in headers {
        if name == axum::http::header::COOKIE || name == axum::http::header::AUTHORIZATION {
            continue;
        }
        if let Ok(value) = value.to_str() {
            map.insert(name.as_str().to_owned(), Value::String(value.to_owned()));
        }
    }
    Value::Object(map)
}
