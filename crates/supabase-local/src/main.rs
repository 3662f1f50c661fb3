//! `supabase-local`: serve the local Supabase stand-in. `cargo xtask dev` runs it for you.

use anyhow::Result;
use clap::Parser;
use serde_json::json;
use std::net::SocketAddr;
use std::path::PathBuf;
use supabase_local::AppState;
use supabase_local::settings::{Overrides, Settings};

#[derive(Parser)]
#[command(
    about = "Local stand-in for hosted Supabase (Auth, PostgREST, Realtime, Storage, Functions)"
)]
struct Args {
    /// The Supabase CLI config file.
    #[arg(long, default_value = "supabase/config.toml")]
    config: PathBuf,
    /// Port to listen on (default: [api] port, 54321).
    #[arg(long)]
    port: Option<u16>,
    #[arg(long)]
    db_host: Option<String>,
    /// PostgreSQL port (default: [db] port, 54322).
    #[arg(long)]
    db_port: Option<u16>,
    /// Password of the service login roles.
    #[arg(long, env = "SUPABASE_LOCAL_DB_PASSWORD")]
    db_password: Option<String>,
    /// Folder for stored objects and local state.
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// Folder of Edge Functions (default: functions/ beside the config file).
    #[arg(long)]
    functions_dir: Option<PathBuf>,
    /// Another folder of Edge Functions to serve (repeatable), e.g. test-only functions.
    #[arg(long = "extra-functions-dir")]
    extra_functions_dirs: Vec<PathBuf>,
    /// The deno binary for Edge Functions.
    #[arg(long, env = "SUPABASE_LOCAL_DENO")]
    deno: Option<PathBuf>,
    /// Require e-mail confirmation on sign-up (hosted default) regardless of config.toml.
    #[arg(long)]
    enable_confirmations: Option<bool>,
    /// Enforce the auth rate limits of config.toml (off by default locally).
    #[arg(long)]
    rate_limits: Option<bool>,
    /// Refuse tokens whose `aud` names another audience (PostgREST's jwt-aud; unset on
    /// Supabase, where aud is not checked).
    #[arg(long, env = "PGRST_JWT_AUD")]
    jwt_aud: Option<String>,
    /// Write the URL and API keys as JSON to this file once ready (for tools and tests).
    #[arg(long)]
    status_file: Option<PathBuf>,
    /// Shut down when standard input closes (the parent that started us went away).
    #[arg(long)]
    stop_on_stdin_eof: bool,
}

#[tokio::main]
async fn main() -> Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("supabase_local=info")),
        )
        .init();
    let args = Args::parse();
    let overrides = Overrides {
        port: args.port,
        db_port: args.db_port,
        db_host: args.db_host,
        db_password: args.db_password,
        data_dir: args.data_dir,
        functions_dir: args.functions_dir,
        extra_functions_dirs: args.extra_functions_dirs,
        deno: args.deno,
        enable_confirmations: args.enable_confirmations,
        rate_limits: args.rate_limits,
        jwt_aud: args.jwt_aud,
    };
    let settings = Settings::load(&args.config, &overrides)?;
    let stop_on_stdin_eof = args.stop_on_stdin_eof;
    let shutdown = async {
        let ctrl_c = tokio::signal::ctrl_c();
        #[cfg(unix)]
        {
            let mut term =
                tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                    .expect("installing the SIGTERM handler");
            tokio::select! {
                _ = ctrl_c => {},
                _ = term.recv() => {},
            }
        }
        #[cfg(not(unix))]
        ctrl_c.await.ok();
    };
    // A plain thread, not tokio's stdin: a blocking read there would hold up runtime shutdown.
    let (closed, stdin_closed) = tokio::sync::oneshot::channel::<()>();
    if stop_on_stdin_eof {
        std::thread::spawn(move || {
            // Read and ignore input until EOF (or an error): then the parent is gone.
            let _ = std::io::copy(&mut std::io::stdin().lock(), &mut std::io::sink());
            tracing::info!("standard input closed: shutting down");
            let _ = closed.send(());
        });
    }
    let stdin_closed = async move {
        if stop_on_stdin_eof {
            let _ = stdin_closed.await;
        } else {
            std::future::pending::<()>().await;
        }
    };
    let shutdown = async move {
        tokio::select! {
            () = shutdown => {},
            () = stdin_closed => {},
        }
    };
    let status_file = args.status_file;
    let on_ready = move |state: &AppState, address: SocketAddr| {
        let status = json!({
            "api_url": format!("http://{address}"),
            "anon_key": state.keys.anon,
            "service_role_key": state.keys.service_role,
            "publishable_key": state.keys.publishable,
            "secret_key": state.keys.secret,
            "jwt_secret": state.settings.jwt_secret,
        });
        if let Some(path) = &status_file {
            // Written to a temporary name and renamed, so readers never see half a file.
            let temporary = path.with_extension("tmp");
            let written = std::fs::write(&temporary, status.to_string())
                .and_then(|()| std::fs::rename(&temporary, path));
            if let Err(error) = written {
                eprintln!("could not write {}: {error}", path.display());
            }
        }
    };
    supabase_local::serve(settings, on_ready, shutdown).await
}
