//! (scaffold: being written)

use crate::{AppState, Core};
use anyhow::Result;
use axum::Router;

/// State of the realtime module.
#[derive(Clone, Default)]
pub struct RealtimeState {}

impl RealtimeState {
    pub async fn start(_core: &Core) -> Result<RealtimeState> {
        Ok(RealtimeState::default())
    }
}

pub fn router() -> Router<AppState> {
    Router::new()
}
