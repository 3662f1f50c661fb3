//! One Deno process per function: `deno run` on the prelude (which loads the function), in
//! its own process group, with the function's environment; ready once the prelude announces
//! its port. A supervisor task owns the child: it notices the exit, and on request stops the
//! whole group (SIGTERM, then SIGKILL after a grace period).

use super::catalog::FunctionSpec;
use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::sync::{oneshot, watch};

/// How long a function may take to import and call `Deno.serve`.
pub const BOOT_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a stopping function may take to finish background work before SIGKILL.
pub const STOP_GRACE: Duration = Duration::from_secs(6);

const LISTENING_MARKER: &str = "SUPABASE_LOCAL_LISTENING ";

/// How to start function processes.
#[derive(Debug, Clone)]
pub struct Launcher {
    pub deno: PathBuf,
    pub prelude: PathBuf,
    /// DENO_DIR: Deno's cache, kept under the data folder.
    pub deno_dir: PathBuf,
    /// The function environment (SUPABASE_URL, keys, secrets...).
    pub env: Vec<(String, String)>,
}

/// Why a function did not boot.
#[derive(Debug, thiserror::Error)]
pub enum BootError {
    #[error("could not start deno: {0}")]
    Spawn(std::io::Error),
    #[error("the function exited before listening")]
    Exited,
    #[error("the function did not listen within {0:?}")]
    Timeout(Duration),
}

/// A running function process.
pub struct FunctionProcess {
    pub port: u16,
    pub pid: u32,
    alive: watch::Receiver<bool>,
    stop: Option<oneshot::Sender<()>>,
    stopped: Option<oneshot::Receiver<()>>,
}

impl FunctionProcess {
    pub fn is_alive(&self) -> bool {
        *self.alive.borrow()
    }

    /// Stop the process group and wait until it is gone.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            stop.send(()).ok();
        }
        if let Some(stopped) = self.stopped.take() {
            stopped.await.ok();
        }
    }
}

impl Launcher {
    /// Start `function` and wait until it listens.
    pub async fn start(&self, function: &FunctionSpec) -> Result<FunctionProcess, BootError> {
        let entry_url = format!("file://{}", absolute(&function.entry).display());
        let mut command = tokio::process::Command::new(&self.deno);
        command
            .arg("run")
            .arg("--allow-net")
            .arg("--allow-env")
            .arg("--allow-read")
            .arg("--no-prompt")
            // No network downloads: npm packages come from node_modules, nothing else remote.
            .arg("--cached-only")
            .arg("--node-modules-dir=manual")
            .arg(&self.prelude)
            .arg(&entry_url)
            .current_dir(&function.dir)
            .env_clear()
            .envs(self.env.iter().map(|(key, value)| (key, value)))
            .env("DENO_DIR", &self.deno_dir)
            .env("DENO_NO_UPDATE_CHECK", "1")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0)
            .kill_on_drop(true);
        let mut child = command.spawn().map_err(BootError::Spawn)?;
        let pid = child.id().unwrap_or_default();
        let name = function.name.clone();

        let stderr = child.stderr.take().map(BufReader::new);
        if let Some(stderr) = stderr {
            let name = name.clone();
            tokio::spawn(async move {
                let mut lines = stderr.lines();
                while let Ok(Some(line)) = lines.next_line().await {
                    tracing::warn!(function = %name, "{line}");
                }
            });
        }
        let (port_sender, port_receiver) = oneshot::channel::<u16>();
        if let Some(stdout) = child.stdout.take() {
            let name = name.clone();
            tokio::spawn(async move {
                let mut port_sender = Some(port_sender);
                let mut lines = BufReader::new(stdout).lines();
                while let Ok(Some(line)) = lines.next_line().await {
                    if let Some(port) = line
                        .strip_prefix(LISTENING_MARKER)
                        .and_then(|port| port.trim().parse::<u16>().ok())
                        && let Some(sender) = port_sender.take()
                    {
                        sender.send(port).ok();
                        continue;
                    }
                    tracing::info!(function = %name, "{line}");
                }
            });
        }

        let (alive_sender, alive) = watch::channel(true);
        let (stop_sender, stop_receiver) = oneshot::channel::<()>();
        let (stopped_sender, stopped) = oneshot::channel::<()>();
        tokio::spawn(supervise(
            child,
            name.clone(),
            alive_sender,
            stop_receiver,
            stopped_sender,
        ));

        let mut process = FunctionProcess {
            port: 0,
            pid,
            alive,
            stop: Some(stop_sender),
            stopped: Some(stopped),
        };
        let mut exited = process.alive.clone();
        let booted = tokio::time::timeout(BOOT_TIMEOUT, async {
            tokio::select! {
                port = port_receiver => port.ok(),
                _ = exited.wait_for(|alive| !*alive) => None,
            }
        })
        .await;
        match booted {
            Ok(Some(port)) => {
                process.port = port;
                tracing::info!(function = %name, port, pid, "functions: started");
                Ok(process)
            }
            Ok(None) => {
                process.stop().await;
                Err(BootError::Exited)
            }
            Err(_) => {
                process.stop().await;
                Err(BootError::Timeout(BOOT_TIMEOUT))
            }
        }
    }
}

fn absolute(path: &std::path::Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Own the child: report its exit, or stop its process group when asked.
async fn supervise(
    mut child: tokio::process::Child,
    name: String,
    alive: watch::Sender<bool>,
    stop: oneshot::Receiver<()>,
    stopped: oneshot::Sender<()>,
) {
    let group = child
        .id()
        .and_then(|pid| i32::try_from(pid).ok())
        .map(Pid::from_raw);
    tokio::select! {
        status = child.wait() => {
            tracing::warn!(function = %name, ?status, "functions: process exited");
        }
        _ = stop => {
            if let Some(group) = group {
                killpg(group, Signal::SIGTERM).ok();
            }
            if tokio::time::timeout(STOP_GRACE, child.wait()).await.is_err() {
                tracing::warn!(function = %name, "functions: process did not stop; killing it");
            }
        }
    }
    // Whatever is left of the group (the function's own children) goes too.
    if let Some(group) = group {
        killpg(group, Signal::SIGKILL).ok();
    }
    child.wait().await.ok();
    alive.send(false).ok();
    stopped.send(()).ok();
}
