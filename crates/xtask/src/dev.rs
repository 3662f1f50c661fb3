//! `cargo xtask dev`: the product running locally with demo data, until Ctrl-C.
//!
//! One command gives a newcomer the whole local stack, started in this order:
//! 1. the PostgreSQL cluster (kept between runs under `.local/`), with the platform bootstrap,
//!    new migrations and, once, the seed;
//! 2. the edge worker's Wasm for the Edge Functions (`cargo xtask build-edge`), then the
//!    Supabase stand-in (crates/supabase-local) on the API port of supabase/config.toml, serving
//!    Auth, REST, Realtime, Storage and supabase/functions (Deno);
//! 3. the web app, built and served on the port of `auth.site_url` (skip with `--no-web`).
//!
//! Then it prints what `supabase status` would (API URL, DB URL, keys) and the demo users, and
//! watches the processes: Ctrl-C, or any of them dying, stops everything it started (the
//! [`Running`] guard does, on every path out, errors included). A second run starts in
//! seconds: builds are incremental and only new migrations are applied.
//!
//! To run something more (a worker, a mail catcher), start it after the stand-in, add it to
//! [`Running`] with what stops it, and print its line in [`print_status`].

use crate::pg::{self, Cluster, OWNER};
use crate::stack::{Stack, StackOptions};
use crate::{paths, setup};
use anyhow::{Context, Result, bail};
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
    /// Do not build and serve the web app (API and database only).
    #[arg(long)]
    no_web: bool,
    /// API port instead of supabase/config.toml's `[api] port` (54321).
    #[arg(long)]
    api_port: Option<u16>,
    /// Database port instead of supabase/config.toml's `[db] port` (54322).
    #[arg(long)]
    db_port: Option<u16>,
    /// Web app port instead of 8080 (the port of `auth.site_url`).
    #[arg(long)]
    web_port: Option<u16>,
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

/// Where `cargo xtask dev` serves the web app: supabase/config.toml's auth.site_url.
const WEB_PORT: u16 = 8080;

/// Everything `dev` started, stopped in reverse order when dropped.
#[derive(Default)]
struct Running {
    cluster: Option<Cluster>,
    stack: Option<Stack>,
    // The web app is served by threads of this process: it ends with it.
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(mut stack) = self.stack.take() {
            println!("dev: stopping supabase-local");
            stack.stop();
        }
        if let Some(cluster) = self.cluster.take() {
            println!("dev: stopping PostgreSQL");
            if let Err(error) = cluster.stop() {
                eprintln!("dev: could not stop PostgreSQL: {error:#}");
            }
        }
    }
}

/// Set by Ctrl-C (and SIGTERM); checked between start-up steps and while running.
#[derive(Clone)]
struct StopFlag(Arc<AtomicBool>);

impl StopFlag {
    fn install() -> Result<StopFlag> {
        let flag = StopFlag(Arc::new(AtomicBool::new(false)));
        let set = flag.0.clone();
        ctrlc::set_handler(move || set.store(true, Ordering::SeqCst))
            .context("installing the Ctrl-C handler")?;
        Ok(flag)
    }

    fn is_set(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }

    /// Stop starting things once Ctrl-C was pressed (the guard cleans up).
    fn check(&self) -> Result<()> {
        if self.is_set() {
            bail!("interrupted");
        }
        Ok(())
    }
}

pub(crate) fn run(args: DevArgs) -> Result<()> {
    if !args.no_setup {
        setup::run()?;
    }
    let configured = ports()?;
    let api_port = args.api_port.unwrap_or(configured.api);
    let db_port = args.db_port.unwrap_or(configured.db);
    let web_port = args.web_port.unwrap_or(WEB_PORT);
    let cluster = Cluster::dev(db_port)?;
    if args.reset {
        println!("dev: deleting the local database");
        cluster.destroy()?;
    }
    // Find out now, with a clear message, rather than half-way through start-up.
    if !cluster.is_running() {
        ensure_free(db_port, "PostgreSQL", "--db-port")?;
    }
    ensure_free(api_port, "the Supabase stand-in", "--api-port")?;
    if !args.no_web {
        ensure_free(web_port, "the web app", "--web-port")?;
    }
    let stop = StopFlag::install()?;
    let mut running = Running::default();

    let created = cluster.ensure_initialized()?;
    cluster.start()?;
    running.cluster = Some(cluster.clone());
    stop.check()?;
    let report = pg::load_schema(&cluster, true)?;
    if created {
        println!("dev: created a new local database cluster");
    }
    for migration in &report.migrations_applied {
        println!("dev: applied migration {migration}");
    }
    if report.seeded {
        println!("dev: loaded demo data from supabase/seed.sql");
    }
    stop.check()?;

    // The Edge Functions import the engine as Wasm (git-ignored, generated): build it before
    // the stand-in starts their processes.
    println!("dev: building the edge worker for the Edge Functions");
    crate::edge::build()?;
    stop.check()?;

    println!("dev: building and starting supabase-local");
    let stack = Stack::start(
        &cluster,
        &StackOptions {
            port: Some(api_port),
            data_dir: Some(paths::local().join("storage")),
            ..StackOptions::default()
        },
    )?;
    let stack = running.stack.insert(stack);
    stop.check()?;

    let app_url = if args.no_web {
        None
    } else {
        println!("dev: building the web app (the first build takes a few minutes)");
        let dist = crate::web::build()?;
        let config = crate::web::config_json(&stack.status.api_url, &stack.status.anon_key);
        let port = crate::web::serve(&dist, web_port, config)?;
        Some(format!("http://127.0.0.1:{port}"))
    };
    stop.check()?;

    print_status(&cluster, stack, app_url.as_deref());
    supervise(&stop, stack)
    // `running` stops everything here, whatever the outcome.
}

/// Wait for Ctrl-C; a process that dies on its own ends the run with an error.
fn supervise(stop: &StopFlag, stack: &mut Stack) -> Result<()> {
    while !stop.is_set() {
        if !stack.is_running() {
            bail!(
                "supabase-local stopped unexpectedly; its last lines:\n{}",
                crate::stack::tail(&stack.log)
            );
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    println!("\ndev: Ctrl-C received");
    Ok(())
}

/// Fail with a helpful message when something else listens on `port` already (often another
/// engineer's `cargo xtask dev` on this machine).
fn ensure_free(port: u16, what: &str, flag: &str) -> Result<()> {
    match std::net::TcpListener::bind(("127.0.0.1", port)) {
        Ok(_) => Ok(()),
        Err(error) => bail!(
            "port {port} for {what} is taken ({error}): is another `cargo xtask dev` running? \
             Stop it, or pick another port with {flag} <port>"
        ),
    }
}

/// What `supabase status` prints, so the same instructions work locally and against the CLI.
fn print_status(cluster: &Cluster, stack: &Stack, app_url: Option<&str>) {
    println!();
    println!("ScaleStream is running locally. Press Ctrl-C to stop.");
    println!();
    let api = &stack.status.api_url;
    println!("         API URL: {api}");
    println!("        REST URL: {api}/rest/v1");
    println!(
        "    Realtime URL: {}/realtime/v1",
        api.replacen("http", "ws", 1)
    );
    println!(
        "   Functions URL: {api}/functions/v1 ({})",
        functions_line()
    );
    println!("          DB URL: {}", cluster.url(OWNER));
    println!("        anon key: {}", stack.status.anon_key);
    println!("service_role key: {}", stack.status.service_role_key);
    println!(" Publishable key: {}", stack.status.publishable_key);
    println!("      Secret key: {}", stack.status.secret_key);
    println!("      JWT secret: {}", stack.status.jwt_secret);
    if let Some(url) = app_url {
        println!("         App URL: {url}");
    }
    println!();
    println!("supabase-local log: {}", stack.log.display());
    println!();
    print_demo_users();
}

/// The Edge Functions the stand-in serves: the folders of supabase/functions with an entry
/// point (as crates/supabase-local/src/functions/catalog.rs finds them; `_shared` and other
/// `_` folders are code, not functions).
fn functions_line() -> String {
    let dir = paths::supabase().join("functions");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|entry| {
            [
                "index.ts",
                "index.js",
                "index.mjs",
                "index.tsx",
                "index.jsx",
            ]
            .iter()
            .any(|file| entry.path().join(file).is_file())
        })
        .filter_map(|entry| entry.file_name().into_string().ok())
        .filter(|name| !name.starts_with('_'))
        .collect();
    names.sort();
    if names.is_empty() {
        "no functions in supabase/functions yet".to_owned()
    } else {
        format!("serving {}", names.join(", "))
    }
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
    println!();
}
