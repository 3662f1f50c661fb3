//! The local Supabase stack: a PostgreSQL cluster (see `pg`) plus the stand-in
//! (crates/supabase-local) serving Auth, REST, Realtime, Storage and Functions on one port.
//! Used by `cargo xtask dev` and by the suites that test through the HTTP APIs.

use crate::cmd::Cmd;
use crate::paths;
use crate::pg::{Cluster, LOCAL_PASSWORD};
use anyhow::{Context, Result, bail};
use serde::Deserialize;
use std::path::PathBuf;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

/// How to run the stand-in.
#[derive(Debug, Clone, Default)]
pub(crate) struct StackOptions {
    /// Port to listen on; a free one when None.
    pub(crate) port: Option<u16>,
    /// Require e-mail confirmation on sign-up (the hosted default).
    pub(crate) enable_confirmations: bool,
    /// Enforce auth rate limits.
    pub(crate) rate_limits: bool,
    /// Where stored objects go; a fresh folder per stack when None.
    pub(crate) data_dir: Option<PathBuf>,
    /// Run an optimised build (benchmarks); the debug build otherwise.
    pub(crate) release: bool,
    /// More Edge Function folders to serve (the test-only functions of e2e/functions).
    pub(crate) extra_functions_dirs: Vec<PathBuf>,
}

/// What the stand-in reports once it is ready (its `--status-file`).
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct StackStatus {
    pub(crate) api_url: String,
    pub(crate) anon_key: String,
    pub(crate) service_role_key: String,
    pub(crate) publishable_key: String,
    pub(crate) secret_key: String,
    pub(crate) jwt_secret: String,
}

/// A running stand-in; stopped when dropped.
pub(crate) struct Stack {
    pub(crate) status: StackStatus,
    pub(crate) db_url: String,
    pub(crate) log: PathBuf,
    child: Child,
    /// The stand-in's stdin: it stops when this closes, so it never outlives xtask, even
    /// when xtask is killed (`--stop-on-stdin-eof`).
    _lifeline: Option<std::process::ChildStdin>,
}

/// The folder cargo builds into (CARGO_TARGET_DIR or ./target).
pub(crate) fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| paths::root().join("target"))
}

/// The deno binary from the pinned npm package (installed by `cargo xtask setup`).
pub(crate) fn deno() -> PathBuf {
    paths::root().join("node_modules/.bin/deno")
}

/// Build the stand-in binary (optimised when `release`).
pub(crate) fn build(release: bool) -> Result<PathBuf> {
    let mut arguments = vec!["build", "--quiet", "--package", "supabase-local"];
    if release {
        arguments.push("--release");
    }
    Cmd::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .args(arguments)
        .current_dir(paths::root())
        .run()
        .context("building crates/supabase-local")?;
    Ok(target_dir()
        .join(if release { "release" } else { "debug" })
        .join("supabase-local"))
}

impl Stack {
    /// Build and start the stand-in against `cluster` (whose schema must be loaded), and wait
    /// until it answers.
    pub(crate) fn start(cluster: &Cluster, options: &StackOptions) -> Result<Stack> {
        let binary = build(options.release)?;
        let port = match options.port {
            Some(port) => port,
            None => crate::pg::free_port()?,
        };
        let run_dir = paths::local().join("stack").join(format!("{port}"));
        std::fs::create_dir_all(&run_dir)?;
        let status_file = run_dir.join("status.json");
        std::fs::remove_file(&status_file).ok();
        let data_dir = options
            .data_dir
            .clone()
            .unwrap_or_else(|| run_dir.join("data"));
        let log = run_dir.join("supabase-local.log");
        let log_file = std::fs::File::create(&log)?;
        let mut command = std::process::Command::new(&binary);
        command
            .current_dir(paths::root())
            .arg("--config")
            .arg(paths::supabase().join("config.toml"))
            .arg("--port")
            .arg(port.to_string())
            .arg("--db-port")
            .arg(cluster.port.to_string())
            .arg("--db-password")
            .arg(LOCAL_PASSWORD)
            .arg("--data-dir")
            .arg(&data_dir)
            .arg("--deno")
            .arg(deno())
            .arg("--status-file")
            .arg(&status_file)
            .arg("--enable-confirmations")
            .arg(options.enable_confirmations.to_string())
            .arg("--rate-limits")
            .arg(options.rate_limits.to_string())
            .args(options.extra_functions_dirs.iter().flat_map(|dir| {
                [
                    std::ffi::OsStr::new("--extra-functions-dir"),
                    dir.as_os_str(),
                ]
            }))
            .arg("--stop-on-stdin-eof")
            .stdin(Stdio::piped())
            .stdout(log_file.try_clone()?)
            .stderr(log_file);
        // Its own process group: a Ctrl-C in the terminal reaches only xtask, which stops the
        // stand-in in order instead of both racing to exit. If xtask dies, the stand-in sees
        // its stdin close and stops too.
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let mut child = command
            .spawn()
            .with_context(|| format!("starting {}", binary.display()))?;
        let lifeline = child.stdin.take();
        let deadline = Instant::now() + Duration::from_secs(60);
        let status = loop {
            if let Ok(text) = std::fs::read_to_string(&status_file)
                && let Ok(status) = serde_json::from_str::<StackStatus>(&text)
            {
                break status;
            }
            if let Some(exit) = child.try_wait()? {
                bail!(
                    "supabase-local exited ({exit}) during start-up:\n{}",
                    tail(&log)
                );
            }
            if Instant::now() > deadline {
                child.kill().ok();
                bail!(
                    "supabase-local did not become ready within 60 s:\n{}",
                    tail(&log)
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        Ok(Stack {
            status,
            db_url: cluster.url("postgres"),
            log,
            child,
            _lifeline: lifeline,
        })
    }

    /// Environment variables for tools that talk to this stack (node tests, deno, browsers).
    pub(crate) fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("SUPABASE_URL", self.status.api_url.clone()),
            ("SUPABASE_ANON_KEY", self.status.anon_key.clone()),
            (
                "SUPABASE_SERVICE_ROLE_KEY",
                self.status.service_role_key.clone(),
            ),
            (
                "SUPABASE_PUBLISHABLE_KEY",
                self.status.publishable_key.clone(),
            ),
            ("SUPABASE_SECRET_KEY", self.status.secret_key.clone()),
            ("SUPABASE_JWT_SECRET", self.status.jwt_secret.clone()),
            ("SUPABASE_DB_URL", self.db_url.clone()),
            // Tells the compatibility tests they talk to the stand-in, not a real project.
            ("SUPABASE_STANDIN", "1".to_owned()),
        ]
    }

    /// Whether the process is still running.
    pub(crate) fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Stop gracefully (SIGTERM, so function processes are stopped too), then force.
    pub(crate) fn stop(&mut self) {
        if !self.is_running() {
            return;
        }
        Cmd::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .quiet_ok();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if !self.is_running() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

impl Drop for Stack {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The last lines of a log file, for error messages.
pub(crate) fn tail(path: &std::path::Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(40)..].join("\n")
}
