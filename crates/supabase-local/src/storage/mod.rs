//! Storage (`/storage/v1`): the object API storage-js uses (contract §4), on
//! `storage.buckets` / `storage.objects` with their RLS, and files under the data folder.
//!
//! - `objects` / `buckets`: the endpoints.
//! - `access`: transactions as the caller, with hosted Storage's per-request settings.
//! - `names`: object and bucket name rules.
//! - `upload`: multipart and raw upload bodies.
//! - `files`: atomic, version-named files.
//! - `signed`: signed-URL tokens.
//! - `serve`: object responses.
//! - `error`: the Storage error body.
//!
//! Invariant: a committed row's version file is always complete; a file never becomes
//! visible through a row before it is fully written and fsynced.

mod access;
mod buckets;
pub mod error;
pub mod files;
pub mod names;
mod objects;
mod serve;
pub mod signed;
pub mod upload;

use crate::{AppState, Core};
use anyhow::{Context, Result};
use axum::Router;
use axum::routing::{delete, get, post};
use std::time::Duration;

/// Stored files younger than this are never swept as orphans (an upload may be between its
/// rename and its commit).
const ORPHAN_MIN_AGE: Duration = Duration::from_secs(600);

/// State of the storage module: the file store.
#[derive(Clone)]
pub struct StorageState {
    pub files: files::ObjectFiles,
}

impl StorageState {
    /// Open the file store (removing temporary files a crash left) and sweep, in the
    /// background, version files no row refers to.
    pub async fn start(core: &Core) -> Result<StorageState> {
        let files = files::ObjectFiles::open(&core.settings.data_dir).with_context(|| {
            format!(
                "opening the storage folder under {}",
                core.settings.data_dir.display()
            )
        })?;
        let sweeper = files.clone();
        let db = core.db.clone();
        tokio::spawn(async move {
            if let Err(error) = sweep_orphans(&db, &sweeper).await {
                tracing::warn!(error = %format!("{error:#}"), "storage: orphan sweep failed");
            }
        });
        Ok(StorageState { files })
    }
}

/// Remove version files that no `storage.objects` row refers to (left by a crash between a
/// file's rename and its row's commit, or by a removal interrupted after its commit).
async fn sweep_orphans(db: &crate::db::Database, files: &files::ObjectFiles) -> Result<()> {
    let stored = {
        let files = files.clone();
        tokio::task::spawn_blocking(move || files.stored_versions(ORPHAN_MIN_AGE)).await??
    };
    if stored.is_empty() {
        return Ok(());
    }
    let names: Vec<String> = stored.iter().map(ToString::to_string).collect();
    let client = db.storage.get().await?;
    let referenced: std::collections::HashSet<String> = client
        .query(
            "select version from storage.objects where version = any($1)",
            &[&names],
        )
        .await?
        .iter()
        .map(|row| row.get(0))
        .collect();
    for (version, name) in stored.into_iter().zip(names) {
        if !referenced.contains(&name) {
            tracing::info!(%version, "storage: removing an orphaned object file");
            files.remove(version).await;
        }
    }
    Ok(())
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/bucket", get(buckets::list).post(buckets::create))
        .route("/bucket/{bucket}", get(buckets::get))
        .route("/object/list/{bucket}", post(objects::list))
        .route("/object/sign/{bucket}", post(objects::sign_many))
        .route(
            "/object/sign/{bucket}/{*name}",
            post(objects::sign).get(objects::signed_download),
        )
        .route(
            "/object/public/{bucket}/{*name}",
            get(objects::public_download),
        )
        .route(
            "/object/authenticated/{bucket}/{*name}",
            get(objects::download),
        )
        .route(
            "/object/info/authenticated/{bucket}/{*name}",
            get(objects::info),
        )
        .route("/object/info/{bucket}/{*name}", get(objects::info))
        .route("/object/{bucket}", delete(objects::remove))
        .route(
            "/object/{bucket}/{*name}",
            post(objects::upload)
                .put(objects::upload)
                .get(objects::download)
                .delete(objects::remove_one),
        )
        .layer(axum::middleware::from_fn(close_after_failed_write))
}

/// A write refused before its body was read (bad name, RLS, limits) leaves the body's bytes
/// unread; hyper then closes the connection after the response, and a client that had put the
/// connection back in its pool fails its next request on it ("fetch failed: other side
/// closed"). So failed writes say `Connection: close`, and no client reuses that connection.
async fn close_after_failed_write(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::http::{HeaderValue, Method, header};
    let write = matches!(*request.method(), Method::POST | Method::PUT);
    let mut response = next.run(request).await;
    if write && !response.status().is_success() {
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    response
}
