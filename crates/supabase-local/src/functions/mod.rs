//! Edge Functions (`/functions/v1/<name>`): one Deno process per function, started on first
//! use from `<functions dir>/<name>/index.ts` (contract §5). The request is forwarded with
//! `/functions/v1` stripped (the function sees `/<name>/…`), after the `verify_jwt` check of
//! supabase/config.toml; OPTIONS always reaches the function, which answers its own CORS.
//!
//! Errors as the Supabase CLI's runtime gives them: unknown function 404, boot failure 503
//! `BOOT_ERROR`, a process dying mid-request 500 `WORKER_ERROR`, the wall-clock limit 504
//! (the process is then restarted, as hosted kills the worker), a body over the limit 413.
//! A function whose files (or `_shared`) changed is restarted on its next call, as
//! `supabase functions serve` reloads.
//!
//! - `catalog`: which functions exist, and their `verify_jwt`.
//! - `process`: starting and stopping one function's process group.
//! - `proxy`: forwarding one request.

pub mod catalog;
pub mod process;
mod proxy;

use crate::{AppState, Core};
use anyhow::{Context, Result};
use axum::Router;
use axum::routing::any;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

const PRELUDE: &str = include_str!("prelude.ts");

/// A started function, the generation that tells restarts apart, and the state of its
/// source when it started.
struct Running {
    process: process::FunctionProcess,
    generation: u64,
    source_stamp: Option<std::time::SystemTime>,
}

/// One function's process, started at most once at a time.
#[derive(Default)]
struct Slot {
    running: tokio::sync::Mutex<Option<Running>>,
}

struct Functions {
    catalog: catalog::Catalog,
    launcher: process::Launcher,
    slots: std::sync::Mutex<HashMap<String, Arc<Slot>>>,
    generations: AtomicU64,
    shutting_down: AtomicBool,
}

/// State of the functions module.
#[derive(Clone)]
pub struct FunctionsState {
    inner: Arc<Functions>,
    client: proxy::Client,
}

/// Where a request goes: a process's port, and which process it was.
#[derive(Debug, Clone, Copy)]
struct Target {
    port: u16,
    generation: u64,
}

impl FunctionsState {
    /// Prepare the runtime: the prelude file and Deno's cache folder under the data folder,
    /// and the function environment. No process starts until a function is called.
    pub async fn start(core: &Core) -> Result<FunctionsState> {
        let settings = &core.settings;
        let runtime_dir = settings.data_dir.join("functions");
        std::fs::create_dir_all(&runtime_dir)
            .with_context(|| format!("creating {}", runtime_dir.display()))?;
        let prelude = runtime_dir.join("prelude.ts");
        std::fs::write(&prelude, PRELUDE)
            .with_context(|| format!("writing {}", prelude.display()))?;
        let mut env = vec![
            ("SUPABASE_URL".to_owned(), settings.public_url.clone()),
            ("SUPABASE_ANON_KEY".to_owned(), core.keys.anon.clone()),
            (
                "SUPABASE_SERVICE_ROLE_KEY".to_owned(),
                core.keys.service_role.clone(),
            ),
            (
                "SUPABASE_DB_URL".to_owned(),
                settings.database.url("postgres"),
            ),
        ];
        env.extend(secrets(&settings.functions_dir.join(".env")));
        let launcher = process::Launcher {
            deno: settings.functions.deno.clone(),
            prelude: std::path::absolute(&prelude).unwrap_or(prelude),
            deno_dir: std::path::absolute(runtime_dir.join("deno-cache"))
                .unwrap_or_else(|_| runtime_dir.join("deno-cache")),
            env,
        };
        Ok(FunctionsState {
            inner: Arc::new(Functions {
                catalog: catalog::Catalog::new(
                    &settings.functions_dir,
                    &settings.functions.verify_jwt,
                    &settings.extra_functions_dirs,
                ),
                launcher,
                slots: std::sync::Mutex::new(HashMap::new()),
                generations: AtomicU64::new(1),
                shutting_down: AtomicBool::new(false),
            }),
            client: proxy::client(),
        })
    }

    /// Stop every function process (their process groups), letting background work
    /// (`EdgeRuntime.waitUntil`) finish within the grace period.
    pub async fn shutdown(&self) {
        self.inner.shutting_down.store(true, Ordering::SeqCst);
        let slots: Vec<Arc<Slot>> = self
            .inner
            .slots
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .values()
            .cloned()
            .collect();
        let mut stopping = Vec::new();
        for slot in slots {
            if let Some(running) = slot.running.lock().await.take() {
                stopping.push(running.process.stop());
            }
        }
        futures_util::future::join_all(stopping).await;
    }

    fn slot(&self, name: &str) -> Arc<Slot> {
        self.inner
            .slots
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(name.to_owned())
            .or_default()
            .clone()
    }

    /// The running process for `function`, starting it if needed (or if its source
    /// changed since it started).
    async fn ensure_running(
        &self,
        function: &catalog::FunctionSpec,
    ) -> Result<Target, process::BootError> {
        let slot = self.slot(&function.name);
        let mut running = slot.running.lock().await;
        let source_stamp = function.source_stamp();
        if let Some(current) = running.as_ref()
            && current.process.is_alive()
            && current.source_stamp == source_stamp
        {
            return Ok(Target {
                port: current.process.port,
                generation: current.generation,
            });
        }
        if self.inner.shutting_down.load(Ordering::SeqCst) {
            return Err(process::BootError::Exited);
        }
        if let Some(outdated) = running.take() {
            outdated.process.stop().await;
        }
        let process = self.inner.launcher.start(function).await?;
        let generation = self.inner.generations.fetch_add(1, Ordering::Relaxed);
        let target = Target {
            port: process.port,
            generation,
        };
        *running = Some(Running {
            process,
            generation,
            source_stamp,
        });
        Ok(target)
    }

    /// Stop `generation` of `name` if it is still the current process (after a wall-clock
    /// overrun), so the next request starts a fresh one.
    async fn restart(&self, name: &str, generation: u64) {
        let slot = self.slot(name);
        let mut running = slot.running.lock().await;
        if running
            .as_ref()
            .is_some_and(|current| current.generation == generation)
            && let Some(stale) = running.take()
        {
            tracing::warn!(
                function = name,
                "functions: stopping the process after a timeout"
            );
            stale.process.stop().await;
        }
    }
}

/// Function secrets from `supabase/functions/.env`, as `supabase functions serve` loads them.
fn secrets(path: &Path) -> Vec<(String, String)> {
    let Ok(entries) = dotenvy::from_path_iter(path) else {
        return Vec::new();
    };
    entries
        .filter_map(|entry| match entry {
            Ok(pair) => Some(pair),
            Err(error) => {
                tracing::warn!(%error, file = %path.display(), "functions: skipping a line of .env");
                None
            }
        })
        .filter(|(key, _)| !key.starts_with("SUPABASE_"))
        .collect()
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", any(proxy::not_found))
        .route("/{name}", any(proxy::invoke))
        .route("/{name}/", any(proxy::invoke))
        .route("/{name}/{*rest}", any(proxy::invoke))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_secrets_but_never_overrides_supabase_variables() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".env");
        std::fs::write(
            &path,
            "# comment\nOPENAI_API_KEY=sk-test\nexport QUOTED=\"a b\"\nSUPABASE_URL=http://evil\n",
        )
        .unwrap();
        let secrets = secrets(&path);
        assert!(secrets.contains(&("OPENAI_API_KEY".to_owned(), "sk-test".to_owned())));
        assert!(secrets.contains(&("QUOTED".to_owned(), "a b".to_owned())));
        assert!(secrets.iter().all(|(key, _)| key != "SUPABASE_URL"));
        assert!(super::secrets(&dir.path().join("missing")).is_empty());
    }
}
