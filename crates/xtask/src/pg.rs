//! Private PostgreSQL clusters for development and tests, and loading the database schema
//! (local platform bootstrap, then `supabase/migrations`, then `supabase/seed.sql`).
//!
//! A cluster lives in a git-ignored folder, listens on 127.0.0.1 only, on its own port, has no
//! Unix socket and touches no system service. PostgreSQL refuses to run as root, so when xtask
//! runs as root the server runs as the `postgres` system user (created by Debian's package).

use crate::cmd::{Cmd, is_root};
use crate::paths;
use anyhow::{Context, Result, bail};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The bootstrap superuser, as on hosted Supabase. Only the bootstrap runs as this role.
pub(crate) const SUPERUSER: &str = "supabase_admin";
/// The role migrations and the seed run as: NOT a superuser, as on hosted Supabase.
pub(crate) const OWNER: &str = "postgres";
/// The password of every login role of a local cluster. Local only; never used on hosted.
pub(crate) const LOCAL_PASSWORD: &str = "postgres";
pub(crate) const DATABASE: &str = "postgres";

/// The operating-system user the server runs as when xtask runs as root.
const SERVER_OS_USER: &str = "postgres";

/// Tuning for throwaway test clusters: durability off, speed on.
const TEST_SETTINGS: &[&str] = &[
    "fsync=off",
    "synchronous_commit=off",
    "full_page_writes=off",
];

#[derive(Clone)]
pub(crate) struct Cluster {
    pub(crate) name: String,
    pub(crate) data_dir: PathBuf,
    pub(crate) port: u16,
    bin_dir: PathBuf,
    run_as_postgres: bool,
    durable: bool,
}

/// Throwaway clusters this process started. The server runs in its own session (pg_ctl
/// detaches it), so Ctrl-C does not reach it: an interrupted run must stop them itself.
static OWNED: Mutex<Vec<Cluster>> = Mutex::new(Vec::new());

fn own(cluster: &Cluster) {
    let mut owned = OWNED
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if !owned.iter().any(|known| known.name == cluster.name) {
        owned.push(cluster.clone());
    }
}

fn disown(cluster: &Cluster) {
    let mut owned = OWNED
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    owned.retain(|known| known.name != cluster.name);
}

/// Stop and delete every throwaway cluster (and half-built template) this process started.
/// For Ctrl-C handlers.
pub(crate) fn destroy_owned_clusters() {
    let owned: Vec<Cluster> = OWNED
        .lock()
        .map(|mut owned| owned.drain(..).collect())
        .unwrap_or_default();
    for cluster in owned {
        cluster.destroy().ok();
    }
}

/// Delete throwaway clusters and half-built templates left by runs that were killed (their
/// folder names end with the process id, and that process is gone).
fn prune_abandoned_clusters() {
    let Ok(probe) = Cluster::at("probe", 0, false) else {
        return;
    };
    let Some(parent) = probe.data_dir.parent() else {
        return;
    };
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = owning_process(&name) else {
            continue;
        };
        if pid == std::process::id() || Path::new(&format!("/proc/{pid}")).exists() {
            continue;
        }
        if let Ok(cluster) = Cluster::at(&name, 0, false) {
            cluster.destroy().ok();
        }
    }
}

/// The process id a throwaway cluster's folder is named after (`<name>-<pid>`, or
/// `template-<key>.building-<pid>`); None for the dev cluster and finished templates.
fn owning_process(folder: &str) -> Option<u32> {
    if folder == "dev" {
        return None;
    }
    let digits = match folder.split_once(".building-") {
        Some((_, pid)) => pid,
        None if folder.starts_with("template-") => return None,
        None => folder.rsplit_once('-')?.1,
    };
    digits.parse().ok()
}

/// Which PostgreSQL 15 binaries to use: `pg_config --bindir` of version 15, else Debian's path.
pub(crate) fn bin_dir() -> Result<PathBuf> {
    let debian = PathBuf::from("/usr/lib/postgresql/15/bin");
    if debian.join("postgres").is_file() {
        return Ok(debian);
    }
    if let Ok(dir) = Cmd::new("pg_config").arg("--bindir").read() {
        let dir = PathBuf::from(dir.trim());
        if dir.join("postgres").is_file() {
            return Ok(dir);
        }
    }
    bail!(
        "PostgreSQL 15 server binaries not found; run `cargo xtask setup` (Debian package postgresql-15)"
    )
}

impl Cluster {
    /// A durable cluster for `cargo xtask dev` (kept between runs).
    pub(crate) fn dev(port: u16) -> Result<Cluster> {
        Cluster::at("dev", port, true)
    }

    /// A throwaway cluster for one test run, on a free port, not yet initialized.
    pub(crate) fn throwaway(name: &str) -> Result<Cluster> {
        prune_abandoned_clusters();
        let port = free_port()?;
        let cluster = Cluster::at(&format!("{name}-{}", std::process::id()), port, false)?;
        if cluster.data_dir.exists() {
            std::fs::remove_dir_all(&cluster.data_dir).ok();
        }
        Ok(cluster)
    }

    /// A throwaway cluster, not yet started, holding a copy of the schema template: the
    /// bootstrap, every migration and the seed already loaded. Copying a stopped cluster's
    /// files takes a fraction of a second; the template is built once per content (see
    /// [`schema_template`]).
    pub(crate) fn throwaway_with_schema(name: &str) -> Result<Cluster> {
        let template = schema_template()?;
        let cluster = Cluster::throwaway(name)?;
        copy_data_dir(&template, &cluster.data_dir)?;
        Ok(cluster)
    }

    fn at(name: &str, port: u16, durable: bool) -> Result<Cluster> {
        let run_as_postgres = is_root();
        let data_dir = cluster_dir(name, run_as_postgres)?;
        Ok(Cluster {
            name: name.to_owned(),
            data_dir,
            port,
            bin_dir: bin_dir()?,
            run_as_postgres,
            durable,
        })
    }

    fn server_cmd(&self, program: &str) -> Cmd {
        let path = self.bin_dir.join(program);
        if self.run_as_postgres {
            Cmd::new("runuser")
                .args(["-u", SERVER_OS_USER, "--"])
                .arg(path)
        } else {
            Cmd::new(path)
        }
    }

    pub(crate) fn is_initialized(&self) -> bool {
        self.data_dir.join("PG_VERSION").is_file()
    }

    /// initdb on first use. Returns true when the cluster was created now.
    pub(crate) fn ensure_initialized(&self) -> Result<bool> {
        if self.is_initialized() {
            return Ok(false);
        }
        std::fs::create_dir_all(&self.data_dir)
            .with_context(|| format!("creating {}", self.data_dir.display()))?;
        let password_file = self.data_dir.with_extension("pwfile");
        std::fs::write(&password_file, LOCAL_PASSWORD)?;
        if self.run_as_postgres {
            chown_to_server_user(&self.data_dir)?;
            chown_to_server_user(&password_file)?;
        }
        let result = self
            .server_cmd("initdb")
            .arg("--pgdata")
            .arg(&self.data_dir)
            .args([
                "--username",
                SUPERUSER,
                "--auth",
                "scram-sha-256",
                "--encoding",
                "UTF8",
            ])
            .args(["--locale", "C.UTF-8", "--no-instructions"])
            // Throwaway clusters and templates need no crash safety; syncing every file of a
            // fresh cluster takes seconds on a busy machine.
            .args(if self.durable {
                &[][..]
            } else {
                &["--no-sync"][..]
            })
            .arg(format!("--pwfile={}", password_file.display()))
            .read();
        std::fs::remove_file(&password_file).ok();
        result.with_context(|| format!("initdb of cluster `{}`", self.name))?;
        Ok(true)
    }

    pub(crate) fn is_running(&self) -> bool {
        self.server_cmd("pg_ctl")
            .arg("status")
            .arg("--pgdata")
            .arg(&self.data_dir)
            .quiet_ok()
    }

    pub(crate) fn start(&self) -> Result<()> {
        if self.is_running() {
            return Ok(());
        }
        if !self.durable {
            own(self);
        }
        let mut options = vec![
            format!("-p {}", self.port),
            "-c listen_addresses=127.0.0.1".to_owned(),
            "-c unix_socket_directories=''".to_owned(),
            "-c max_connections=200".to_owned(),
            "-c shared_preload_libraries=pg_stat_statements".to_owned(),
            // As on hosted: the `supabase_realtime` publication is usable.
            "-c wal_level=logical".to_owned(),
        ];
        if !self.durable {
            options.extend(TEST_SETTINGS.iter().map(|setting| format!("-c {setting}")));
        }
        self.server_cmd("pg_ctl")
            .arg("start")
            .arg("--pgdata")
            .arg(&self.data_dir)
            .args(["--wait", "--timeout", "60", "--silent"])
            .arg("--log")
            .arg(self.log_file())
            .arg("-o")
            .arg(options.join(" "))
            .read()
            .with_context(|| {
                format!(
                    "starting PostgreSQL cluster `{}` on port {}; the end of its log ({}):\n{}",
                    self.name,
                    self.port,
                    self.log_file().display(),
                    self.log_tail(20)
                )
            })?;
        self.wait_ready(Duration::from_secs(30))
    }

    fn log_file(&self) -> PathBuf {
        self.data_dir.join("server.log")
    }

    /// The last lines of the server log, for error messages.
    fn log_tail(&self, lines: usize) -> String {
        let log = std::fs::read_to_string(self.log_file()).unwrap_or_default();
        let all: Vec<&str> = log.lines().collect();
        all[all.len().saturating_sub(lines)..].join("\n")
    }

    fn wait_ready(&self, timeout: Duration) -> Result<()> {
        let deadline = Instant::now() + timeout;
        loop {
            if self.psql(SUPERUSER).args(["-c", "select 1"]).quiet_ok() {
                return Ok(());
            }
            if Instant::now() > deadline {
                bail!(
                    "PostgreSQL cluster `{}` did not accept connections",
                    self.name
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub(crate) fn stop(&self) -> Result<()> {
        if !self.is_running() {
            return Ok(());
        }
        self.server_cmd("pg_ctl")
            .arg("stop")
            .arg("--pgdata")
            .arg(&self.data_dir)
            .args(["--mode", "fast", "--wait", "--silent"])
            .read()
            .map(|_| ())
    }

    /// Stop and delete the cluster's files.
    pub(crate) fn destroy(&self) -> Result<()> {
        self.stop().ok();
        if self.data_dir.exists() {
            std::fs::remove_dir_all(&self.data_dir)
                .with_context(|| format!("removing {}", self.data_dir.display()))?;
        }
        remove_symlink_if_dangling(&self.name);
        disown(self);
        Ok(())
    }

    /// A connection URL for `user` with the local password.
    pub(crate) fn url(&self, user: &str) -> String {
        format!(
            "postgresql://{user}:{LOCAL_PASSWORD}@127.0.0.1:{}/{DATABASE}",
            self.port
        )
    }

    /// A client session as `user` (for queries whose rows we read, or time).
    pub(crate) fn connect(&self, user: &str) -> Result<postgres::Client> {
        postgres::Client::connect(&self.url(user), postgres::NoTls)
            .with_context(|| format!("connecting to cluster `{}` as {user}", self.name))
    }

    /// psql connected as `user`, stopping at the first error, no psqlrc, quiet.
    pub(crate) fn psql(&self, user: &str) -> Cmd {
        Cmd::new("psql")
            .env("PGPASSWORD", LOCAL_PASSWORD)
            .env("PGOPTIONS", "--client-min-messages=warning")
            .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1"])
            .arg("-p")
            .arg(self.port.to_string())
            .args(["-U", user, "-d", DATABASE])
    }

    /// The environment that points libpq tools (psql, pg_prove) at this cluster as `user`.
    pub(crate) fn libpq_env(&self, cmd: Cmd, user: &str) -> Cmd {
        cmd.env("PGHOST", "127.0.0.1")
            .env("PGPORT", self.port.to_string())
            .env("PGUSER", user)
            .env("PGPASSWORD", LOCAL_PASSWORD)
            .env("PGDATABASE", DATABASE)
    }
}

/// Where a cluster's data lives: `.local/pg/<name>`. When the server must run as the
/// `postgres` user and it cannot reach the repository (e.g. a checkout under /root), the
/// data goes to /var/tmp and `.local/pg/<name>` points there.
fn cluster_dir(name: &str, run_as_postgres: bool) -> Result<PathBuf> {
    let in_repo = paths::local().join("pg").join(name);
    std::fs::create_dir_all(paths::local().join("pg"))?;
    if !run_as_postgres || server_user_can_reach(&paths::local().join("pg")) {
        return Ok(in_repo);
    }
    let outside = PathBuf::from("/var/tmp/scalestream-pg")
        .join(sanitize(&paths::root().display().to_string()))
        .join(name);
    std::fs::create_dir_all(outside.parent().unwrap_or(Path::new("/var/tmp")))?;
    if !in_repo.exists() {
        std::os::unix::fs::symlink(&outside, &in_repo).ok();
    }
    Ok(outside)
}

fn server_user_can_reach(dir: &Path) -> bool {
    Cmd::new("runuser")
        .args(["-u", SERVER_OS_USER, "--", "test", "-x"])
        .arg(dir)
        .quiet_ok()
}

fn sanitize(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

fn chown_to_server_user(path: &Path) -> Result<()> {
    Cmd::new("chown")
        .arg("-R")
        .arg(format!("{SERVER_OS_USER}:"))
        .arg(path)
        .read()
        .map(|_| ())
}

/// A TCP port on 127.0.0.1 that is free right now.
pub(crate) fn free_port() -> Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").context("finding a free port")?;
    Ok(listener.local_addr()?.port())
}

/// What loading the schema did.
pub(crate) struct LoadReport {
    pub(crate) migrations_applied: Vec<String>,
    pub(crate) seeded: bool,
}

/// Apply the platform bootstrap (as the superuser), then every new migration (as `postgres`,
/// one transaction each, recorded in `supabase_migrations.schema_migrations`), then the seed
/// once when `seed` is true.
pub(crate) fn load_schema(cluster: &Cluster, seed: bool) -> Result<LoadReport> {
    apply_bootstrap(cluster)?;
    let migrations_applied = apply_migrations(cluster)?;
    let seeded = seed && apply_seed(cluster)?;
    // The stand-in's schema cache listens on this channel, as PostgREST does.
    cluster
        .psql(OWNER)
        .args(["-c", "notify pgrst, 'reload schema'"])
        .read()?;
    Ok(LoadReport {
        migrations_applied,
        seeded,
    })
}

/// Files of a folder with the given extension, sorted by name.
pub(crate) fn sorted_files(dir: &Path, extension: &str) -> Result<Vec<PathBuf>> {
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == extension))
        .collect();
    files.sort();
    Ok(files)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Bootstrap files are applied once each, in name order, tracked with their SHA-256 in
/// `_local_platform.applied` (a local-only schema; hosted Supabase has no such thing because
/// it has the platform). A file that changed after it was applied cannot be re-applied on top
/// of itself (roles and tables already exist), so that is an error asking for a reset.
fn apply_bootstrap(cluster: &Cluster) -> Result<()> {
    cluster
        .psql(SUPERUSER)
        .args(["-c", "create schema if not exists _local_platform"])
        .args([
            "-c",
            "create table if not exists _local_platform.applied (name text primary key, applied_at timestamptz not null default now())",
        ])
        .args(["-c", "alter table _local_platform.applied add column if not exists sha256 text"])
        .args(["-c", "revoke all on schema _local_platform from public"])
        .read()
        .context("preparing the bootstrap history table")?;
    let done = query_lines(
        cluster,
        SUPERUSER,
        "select name || ' ' || coalesce(sha256, '') from _local_platform.applied",
    )?;
    let mut pending = Vec::new();
    for file in sorted_files(&paths::platform_bootstrap(), "sql")? {
        let name = file_name(&file);
        let digest = sha256_hex(
            &std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?,
        );
        let recorded = done.iter().find_map(|line| {
            let (recorded_name, recorded_digest) = line.split_once(' ')?;
            (recorded_name == name).then_some(recorded_digest)
        });
        match recorded {
            Some(recorded) if recorded == digest || recorded.is_empty() => continue,
            Some(_) => bail!(
                "the platform bootstrap file {name} changed since cluster `{}` was created; \
                 recreate the cluster (`cargo xtask dev --reset` for the dev database)",
                cluster.name
            ),
            None => {}
        }
        pending.push((
            file,
            format!(
                "insert into _local_platform.applied(name, sha256) values ({}, {})",
                quote_literal(&name),
                quote_literal(&digest)
            ),
        ));
    }
    apply_in_one_session(cluster, SUPERUSER, &pending)
        .context("applying the platform bootstrap")?;
    Ok(())
}

/// Apply SQL files in order in one psql session as `user`, each in its own transaction
/// together with the statement that records it (as the Supabase CLI applies each migration
/// file as one batch). Stops at the first error, which psql reports with file and line;
/// files before it stay applied and recorded.
fn apply_in_one_session(cluster: &Cluster, user: &str, files: &[(PathBuf, String)]) -> Result<()> {
    if files.is_empty() {
        return Ok(());
    }
    let mut psql = cluster.psql(user);
    for (file, record) in files {
        psql = psql
            .args(["-c", "begin"])
            .arg("-f")
            .arg(file)
            .arg("-c")
            .arg(format!("{record}; commit"));
    }
    // psql's own message names the file and line; the (long) command line adds nothing.
    psql.read().map(|_| ()).map_err(|error| {
        let text = error.to_string();
        let psql_output = text
            .split_once("):\n")
            .map_or(text.as_str(), |(_, output)| output);
        anyhow::anyhow!("{}", psql_output.trim())
    })
}

fn apply_migrations(cluster: &Cluster) -> Result<Vec<String>> {
    let done = query_lines(
        cluster,
        OWNER,
        "select version || '_' || coalesce(name, '') || '.sql' from supabase_migrations.schema_migrations",
    )?;
    let mut applied = Vec::new();
    let mut pending = Vec::new();
    for file in sorted_files(&paths::supabase().join("migrations"), "sql")? {
        let name = file_name(&file);
        if done.contains(&name) {
            continue;
        }
        let stem = name.trim_end_matches(".sql");
        let Some((version, migration_name)) = stem.split_once('_') else {
            bail!("migration file {name} must be named <version>_<name>.sql");
        };
        pending.push((
            file,
            format!(
                "insert into supabase_migrations.schema_migrations(version, name) values ({}, {})",
                quote_literal(version),
                quote_literal(migration_name)
            ),
        ));
        applied.push(name);
    }
    apply_in_one_session(cluster, OWNER, &pending)
        .context("applying supabase/migrations (the error names the file and line)")?;
    Ok(applied)
}

fn apply_seed(cluster: &Cluster) -> Result<bool> {
    let seed = paths::supabase().join("seed.sql");
    if !seed.is_file() {
        return Ok(false);
    }
    let done = query_lines(
        cluster,
        SUPERUSER,
        "select name from _local_platform.applied",
    )?;
    if done.iter().any(|name| name == "seed.sql") {
        return Ok(false);
    }
    cluster
        .psql(OWNER)
        .arg("-1")
        .arg("-f")
        .arg(&seed)
        .read()
        .context("loading supabase/seed.sql")?;
    cluster
        .psql(SUPERUSER)
        .args([
            "-c",
            "insert into _local_platform.applied(name) values ('seed.sql')",
        ])
        .read()?;
    Ok(true)
}

/// Run a query and return its rows as text lines (one column expected).
pub(crate) fn query_lines(cluster: &Cluster, user: &str, sql: &str) -> Result<Vec<String>> {
    let output = cluster.psql(user).args(["-A", "-t", "-c", sql]).read()?;
    Ok(output
        .lines()
        .map(str::to_owned)
        .filter(|line| !line.is_empty())
        .collect())
}

/// A SQL string literal (standard_conforming_strings on).
pub(crate) fn quote_literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// SHA-256 of `bytes`, as lower-case hex.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Bump when the way templates are built changes, so old templates are not reused.
const TEMPLATE_FORMAT: &str = "schema-template-1";

/// The schema template of this process, once built or found.
static TEMPLATE: Mutex<Option<PathBuf>> = Mutex::new(None);

/// A stopped cluster with the bootstrap, every migration and the seed loaded, from which
/// throwaway clusters are copied. Its folder is named after a hash of everything that goes
/// into it (PostgreSQL version, bootstrap, migrations, seed), so it is rebuilt exactly when
/// one of them changes and reused otherwise, across runs.
pub(crate) fn schema_template() -> Result<PathBuf> {
    let mut memo = TEMPLATE
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(path) = memo.as_ref() {
        return Ok(path.clone());
    }
    let key = template_key()?;
    let template = Cluster::at(&format!("template-{key}"), 0, false)?;
    if !template.is_initialized() {
        build_template(&template, &key)?;
    }
    *memo = Some(template.data_dir.clone());
    Ok(template.data_dir)
}

fn template_key() -> Result<String> {
    let mut hasher = Sha256::new();
    hasher.update(TEMPLATE_FORMAT);
    hasher.update(
        Cmd::new(bin_dir()?.join("postgres"))
            .arg("--version")
            .read()?,
    );
    let mut files = sorted_files(&paths::platform_bootstrap(), "sql")?;
    files.extend(sorted_files(&paths::supabase().join("migrations"), "sql")?);
    files.push(paths::supabase().join("seed.sql"));
    for file in files.iter().filter(|file| file.is_file()) {
        hasher.update(
            file.strip_prefix(paths::root())
                .unwrap_or(file)
                .to_string_lossy()
                .as_bytes(),
        );
        hasher.update([0]);
        hasher.update(std::fs::read(file).with_context(|| format!("reading {}", file.display()))?);
        hasher.update([0]);
    }
    let digest: String = hasher
        .finalize()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    Ok(digest[..16].to_owned())
}

/// Build the template in a private folder, then move it into place in one rename, so a
/// concurrent run never sees half a template. Templates of older contents are deleted.
fn build_template(template: &Cluster, key: &str) -> Result<()> {
    let started = Instant::now();
    println!(
        "pg: building the schema template (bootstrap, migrations, seed); reused until they change"
    );
    let building = Cluster::at(
        &format!("template-{key}.building-{}", std::process::id()),
        free_port()?,
        false,
    )?;
    building.destroy().ok();
    let built = (|| {
        building.ensure_initialized()?;
        building.start()?;
        load_schema(&building, true)?;
        building.stop()
    })();
    if let Err(error) = built {
        building.destroy().ok();
        return Err(error.context("building the schema template"));
    }
    std::fs::remove_file(building.log_file()).ok();
    disown(&building);
    if std::fs::rename(&building.data_dir, &template.data_dir).is_err() {
        // Another run finished the same template first: use theirs.
        building.destroy()?;
    }
    remove_symlink_if_dangling(&building.name);
    prune_templates(&template.name)?;
    println!(
        "pg: schema template ready ({:.1} s)",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Delete templates other than `keep` (they describe older migrations).
fn prune_templates(keep: &str) -> Result<()> {
    let Some(parent) = Cluster::at(keep, 0, false)?
        .data_dir
        .parent()
        .map(Path::to_path_buf)
    else {
        return Ok(());
    };
    for entry in std::fs::read_dir(&parent)?.filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("template-") && name != keep && !name.contains(".building-") {
            std::fs::remove_dir_all(entry.path()).ok();
            remove_symlink_if_dangling(&name);
        }
    }
    Ok(())
}

fn remove_symlink_if_dangling(name: &str) {
    let link = paths::local().join("pg").join(name);
    if link.is_symlink() && !link.exists() {
        std::fs::remove_file(link).ok();
    }
}

/// Copy a stopped cluster's folder, keeping owners and permissions (the server refuses a
/// data folder it does not own, or that others can read).
fn copy_data_dir(from: &Path, to: &Path) -> Result<()> {
    Cmd::new("cp")
        .arg("-a")
        .arg(from)
        .arg(to)
        .read()
        .with_context(|| format!("copying the schema template to {}", to.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throwaway_folders_name_their_process() {
        assert_eq!(owning_process("test-db-4242"), Some(4242));
        assert_eq!(owning_process("lint-proof-17"), Some(17));
        assert_eq!(
            owning_process("template-89e566e460e156f8.building-99"),
            Some(99)
        );
        assert_eq!(owning_process("template-89e566e460e156f8"), None);
        assert_eq!(owning_process("dev"), None);
        assert_eq!(owning_process("scratch"), None);
    }

    #[test]
    fn sha256_is_lower_hex() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
