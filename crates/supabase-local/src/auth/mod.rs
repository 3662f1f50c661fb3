//! (scaffold: being written)

use crate::{AppState, Core};
use anyhow::Result;
use axum::Router;

/// State of the auth module.
#[derive(Clone, Default)]
pub struct AuthState {}

impl AuthState {
    pub async fn start(_core: &Core) -> Result<AuthState> {
        Ok(AuthState::default())
    }
}

pub fn router() -> Router<AppState> {
    Router::new()
}
