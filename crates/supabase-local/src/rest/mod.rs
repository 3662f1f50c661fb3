//! (scaffold: being written)

use crate::{AppState, Core};
use anyhow::Result;
use axum::Router;

/// State of the rest module.
#[derive(Clone, Default)]
pub struct RestState {}

impl RestState {
    pub async fn start(_core: &Core) -> Result<RestState> {
        Ok(RestState::default())
    }
}

pub fn router() -> Router<AppState> {
    Router::new()
}
