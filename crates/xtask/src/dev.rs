//! `cargo xtask dev`: the product running locally with demo data, until Ctrl-C.

use crate::pg::{self, Cluster, OWNER};
use crate::stack::{Stack, StackOptions};
use crate::{paths, setup};
use anyhow::{Context, Result};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

#[derive(clap::Args)]
pub(crate) struct DevArgs {
    /// Delete the local database (and its demo data) and start from scratch.
    #[arg(long)]
    reset: bool,
    /// Skip `cargo xtask setup` (when you know the machine is ready).
    #[arg(long)]
    no_setup: bool,
}

/// Local ports, read from supabase/config.toml so the real Supabase CLI and we agree.
pub(crate) struct Ports {
    /// The stand-in (Auth, REST, Realtime, Storage, Functions).
    pub(crate) api: u16,
    pub(crate) db: u16,
}

pub(crate) fn ports() -> Result<Ports> {
    let text = std::fs::read_to_string(paths::supabase().join("config.toml"))
        .context("reading supabase/config.toml")?;
    let config: toml::Table = toml::from_str(&text).context("parsing supabase/config.toml")?;
    let port = |section: &str, default: u16| {
        config
            .get(section)
            .and_then(|value| value.get("port"))
            .and_then(|value| value.as_integer())
            .and_then(|port| u16::try_from(port).ok())
            .unwrap_or(default)
    };
    Ok(Ports {
        api: port("api", 54321),
        db: port("db", 54322),
    })
}

pub(crate) fn run(args: DevArgs) -> Result<()> {
    if !args.no_setup {
        setup::run()?;
    }
    let ports = ports()?;
    let cluster = Cluster::dev(ports.db)?;
    if args.reset {
        println!("dev: deleting the local database");
        cluster.destroy()?;
    }
    let created = cluster.ensure_initialized()?;
    cluster.start()?;
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst))
        .context("installing Ctrl-C handler")?;

    let report = pg::load_schema(&cluster, true);
    let report = match report {
        Ok(report) => report,
        Err(error) => {
            cluster.stop().ok();
            return Err(error);
        }
    };
    if created {
        println!("dev: created a new local database cluster");
    }
    for migration in &report.migrations_applied {
        println!("dev: applied migration {migration}");
    }
    if report.seeded {
        println!("dev: loaded demo data from supabase/seed.sql");
    }
    let options = StackOptions {
        port: Some(ports.api),
        data_dir: Some(paths::local().join("storage")),
        ..StackOptions::default()
    };
    let mut stack = match Stack::start(&cluster, &options) {
        Ok(stack) => stack,
        Err(error) => {
            cluster.stop().ok();
            return Err(error);
        }
    };
    let app_url = match serve_web_app(&stack) {
        Ok(url) => url,
        Err(error) => {
            stack.stop();
            cluster.stop().ok();
            return Err(error);
        }
    };
    print_status(&cluster, &stack);
    println!("Open the app: {app_url}");
    println!();

    while !stop.load(Ordering::SeqCst) {
        if !stack.is_running() {
            eprintln!(
                "dev: supabase-local stopped unexpectedly:\n{}",
                crate::stack::tail(&stack.log)
            );
            break;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    println!("\ndev: stopping");
    stack.stop();
    cluster.stop()?;
    Ok(())
}

/// Build the browser app and serve it on the port of `auth.site_url` (8080), pointed at the
/// local stack.
fn serve_web_app(stack: &Stack) -> Result<String> {
    println!("dev: building the web app (the first build takes a few minutes)");
    let dist = crate::web::build()?;
    let config = crate::web::config_json(&stack.status.api_url, &stack.status.anon_key);
    let port = crate::web::serve(&dist, WEB_PORT, config)?;
    Ok(format!("http://127.0.0.1:{port}"))
}

/// Where `cargo xtask dev` serves the web app: supabase/config.toml's auth.site_url.
const WEB_PORT: u16 = 8080;

/// What `supabase status` prints, so the same instructions work locally and against the CLI.
fn print_status(cluster: &Cluster, stack: &Stack) {
    println!();
    println!("ScaleStream is running locally. Press Ctrl-C to stop.");
    println!();
    println!("         API URL: {}", stack.status.api_url);
    println!("          DB URL: {}", cluster.url(OWNER));
    println!("        anon key: {}", stack.status.anon_key);
    println!("service_role key: {}", stack.status.service_role_key);
    println!(" Publishable key: {}", stack.status.publishable_key);
    println!("      Secret key: {}", stack.status.secret_key);
    println!("      supabase-local log: {}", stack.log.display());
    println!();
    print_demo_users();
}

/// The demo users, from the comment block at the top of supabase/seed.sql (`-- demo user: …`),
/// so the seed is the single place that knows them.
fn print_demo_users() {
    let seed = std::fs::read_to_string(paths::supabase().join("seed.sql")).unwrap_or_default();
    let users: Vec<&str> = seed
        .lines()
        .filter_map(|line| line.strip_prefix("-- demo user: "))
        .collect();
    if users.is_empty() {
        return;
    }
    println!("Demo users (email / password / agency / role):");
    for user in users {
        println!("  {user}");
    }
}
