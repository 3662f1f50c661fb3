//! (scaffold: being written)

use crate::{AppState, Core};
use anyhow::Result;
use axum::Router;

/// State of the storage module.
#[derive(Clone, Default)]
pub struct StorageState {}

impl StorageState {
    pub async fn start(_core: &Core) -> Result<StorageState> {
        Ok(StorageState::default())
    }
}

pub fn router() -> Router<AppState> {
    Router::new()
}
