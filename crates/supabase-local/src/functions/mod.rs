//! (scaffold: being written)

use crate::{AppState, Core};
use anyhow::Result;
use axum::Router;

/// State of the functions module.
#[derive(Clone, Default)]
pub struct FunctionsState {}

impl FunctionsState {
    pub async fn start(_core: &Core) -> Result<FunctionsState> {
        Ok(FunctionsState::default())
    }
}

pub fn router() -> Router<AppState> {
    Router::new()
}

impl FunctionsState {
    /// Stop every function process.
    pub async fn shutdown(&self) {}
}
