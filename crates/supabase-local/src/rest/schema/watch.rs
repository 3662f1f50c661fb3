//! Keeping the schema cache current, as PostgREST does: `LISTEN pgrst` on a dedicated
//! connection and re-introspect on `reload schema` (the bootstrap's DDL event triggers send it),
//! after every reconnection, and at start. A new cache replaces the old one in one pointer swap,
//! so a request sees either the old cache or the new one, never a half-built one.

use super::{SchemaCache, load};
use crate::db::Database;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

/// The current schema cache, shared by every request.
pub struct SchemaStore {
    current: RwLock<Option<Arc<SchemaCache>>>,
    /// Bumped after every successful load (tests wait on it).
    generation: AtomicU64,
    schemas: Vec<String>,
}

impl SchemaStore {
    pub fn new(schemas: Vec<String>) -> SchemaStore {
        SchemaStore {
            current: RwLock::new(None),
            generation: AtomicU64::new(0),
            schemas,
        }
    }

    /// The cache, once one has been loaded.
    pub fn get(&self) -> Option<Arc<SchemaCache>> {
        self.current.read().ok().and_then(|guard| guard.clone())
    }

    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// Introspect and swap in the result; on failure the previous cache stays.
    pub async fn reload(&self, database: &Database) -> anyhow::Result<()> {
        let mut client = database.api.get().await?;
        let cache = load(&mut client, &self.schemas).await?;
        if let Ok(mut guard) = self.current.write() {
            *guard = Some(Arc::new(cache));
        }
        // Prepared statements may have inferred parameter types from the old schema.
        database.api.manager().statement_caches.clear();
        self.generation.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }
}

/// Run forever: listen for `NOTIFY pgrst` and reload; reconnect with backoff when the
/// connection drops.
pub async fn watch(store: Arc<SchemaStore>, database: Database) {
    let mut backoff = Duration::from_millis(500);
    loop {
        match database.dedicated("authenticator").await {
            Ok((client, mut notifications)) => {
                if let Err(error) = client.batch_execute("listen pgrst").await {
                    tracing::warn!(%error, "LISTEN pgrst failed");
                } else {
                    backoff = Duration::from_millis(500);
                    // Anything may have changed while we were not listening.
                    if let Err(error) = store.reload(&database).await {
                        tracing::warn!(%error, "schema cache reload failed");
                    }
                    while let Some(notification) = notifications.recv().await {
                        let payload = notification.payload();
                        if !(payload.is_empty() || payload == "reload schema") {
                            continue;
                        }
                        // Coalesce a burst of DDL (a migration) into one reload.
                        tokio::time::sleep(Duration::from_millis(20)).await;
                        while notifications.try_recv().is_ok() {}
                        if let Err(error) = store.reload(&database).await {
                            tracing::warn!(%error, "schema cache reload failed");
                        } else {
                            tracing::info!("schema cache reloaded");
                        }
                    }
                }
                drop(client);
            }
            Err(error) => tracing::warn!(%error, "cannot connect to listen for schema changes"),
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(Duration::from_secs(32));
    }
}
