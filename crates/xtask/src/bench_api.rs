//! `cargo xtask bench-api`: throughput and latency of the local Supabase stand-in over HTTP on
//! loopback (issue 3 item 4), for the requests the app makes most: a GET by id under RLS, a
//! filtered list of 50 rows with an embed, an insert with `return=representation`, and an auth
//! token refresh.
//!
//! A throwaway cluster gets the bootstrap and migrations, then benchmark tables in `public`
//! with the app's tenancy pattern (an agency membership table, a SECURITY DEFINER helper in a
//! private schema, policies written `agency_id = any (array(select …))` so they plan as an
//! InitPlan and can use an index, and indexes on `agency_id` and `client_id`): `--agencies` agencies with `--rows` items each. The stand-in runs
//! as an optimised build. A small load generator (tokio + hyper) keeps a fixed number of
//! HTTP/1.1 keep-alive connections busy for a fixed time per scenario, after a warm-up.
//! Requests rotate over the members of every agency, each with a signed access token.
//!
//! Never part of `cargo xtask test`: timings depend on the machine.

use crate::pg::{Cluster, SUPERUSER};
use crate::stack::{Stack, StackOptions};
use anyhow::{Context, Result, bail};
use base64::Engine;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::{Method, Request, StatusCode};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Targets on the 2-core reference machine (issue 3 item 4).
const TARGET_GET_RPS: f64 = 2000.0;
const TARGET_GET_P99: Duration = Duration::from_millis(20);

#[derive(clap::Args)]
pub(crate) struct BenchApiArgs {
    /// Measured seconds per scenario (after a warm-up of a quarter of that).
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Concurrent keep-alive connections.
    #[arg(long, default_value_t = 16)]
    connections: usize,
    /// Agencies, each with one member and 100 clients.
    #[arg(long, default_value_t = 4)]
    agencies: u32,
    /// Items per agency.
    #[arg(long, default_value_t = 10_000)]
    rows: u32,
    /// Benchmark the debug build instead of the optimised one.
    #[arg(long)]
    debug: bool,
}

pub(crate) fn run(args: BenchApiArgs) -> Result<()> {
    if args.seconds == 0 || args.connections == 0 || args.agencies == 0 || args.rows == 0 {
        bail!("--seconds, --connections, --agencies and --rows must be at least 1");
    }
    ctrlc::set_handler(|| {
        eprintln!("\ninterrupted: stopping the benchmark cluster");
        crate::pg::destroy_owned_clusters();
        std::process::exit(130);
    })
    .context("installing the Ctrl-C handler")?;
    let cluster = Cluster::throwaway_with_schema("bench-api")?;
    let _guard = DestroyOnDrop(cluster.clone());
    cluster.start()?;
    let started = Instant::now();
    let mut admin = cluster.connect(SUPERUSER)?;
    admin
        .batch_execute(&seed_sql(args.agencies, args.rows))
        .context("seeding the benchmark tables")?;
    admin.batch_execute("vacuum (analyze)")?;
    let ids = ids(&mut admin, args.agencies, args.rows)?;
    println!(
        "bench-api: seeded {} agencies × {} items in {:.1} s",
        args.agencies,
        args.rows,
        started.elapsed().as_secs_f64()
    );
    let stack = Stack::start(
        &cluster,
        &StackOptions {
            release: !args.debug,
            ..StackOptions::default()
        },
    )?;
    let setup = Setup {
        base: stack.status.api_url.clone(),
        anon_key: stack.status.anon_key.clone(),
        tokens: ids
            .agencies
            .iter()
            .map(|(_, member, _)| user_token(&stack.status.jwt_secret, member))
            .collect(),
        agencies: ids.agencies,
        items: ids.items,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let measured = Duration::from_secs(args.seconds);
    let warm_up = measured / 4;
    let results = runtime.block_on(async {
        let setup = Arc::new(setup);
        let mut results = Vec::new();
        for scenario in Scenario::ALL {
            let outcome = scenario
                .run(&setup, args.connections, warm_up, measured)
                .await;
            results.push((scenario, outcome));
        }
        results
    });
    drop(stack);
    print_table(&results, &args);
    Ok(())
}

struct DestroyOnDrop(Cluster);

impl Drop for DestroyOnDrop {
    fn drop(&mut self) {
        self.0.destroy().ok();
    }
}

/// Benchmark tables in the app's tenancy pattern, owned by `postgres` like migrations.
fn seed_sql(agencies: u32, rows: u32) -> String {
    format!(
        r#"
begin;
set local role postgres;
create schema bench_private;
create table public.bench_agencies (id uuid primary key, name text not null);
create table public.bench_members (
  agency_id uuid not null references public.bench_agencies (id),
  user_id uuid not null,
  primary key (user_id, agency_id)
);
create table public.bench_clients (
  id uuid primary key default gen_random_uuid(),
  agency_id uuid not null references public.bench_agencies (id),
  name text not null
);
create index on public.bench_clients (agency_id);
create table public.bench_items (
  id uuid primary key default gen_random_uuid(),
  agency_id uuid not null references public.bench_agencies (id),
  client_id uuid not null references public.bench_clients (id),
  title text not null,
  status text not null default 'new',
  words integer not null default 0,
  created_at timestamptz not null default now()
);
create index on public.bench_items (agency_id, created_at desc);
create index on public.bench_items (client_id);

create function bench_private.member_agencies() returns setof uuid
language sql stable security definer set search_path = ''
as $$ select agency_id from public.bench_members where user_id = (select auth.uid()) $$;
revoke all on function bench_private.member_agencies() from public;
grant usage on schema bench_private to authenticated;
grant execute on function bench_private.member_agencies() to authenticated;

alter table public.bench_agencies enable row level security;
alter table public.bench_members enable row level security;
alter table public.bench_clients enable row level security;
alter table public.bench_items enable row level security;
create policy "Agencies are visible to their members" on public.bench_agencies
  for select to authenticated using (id = any (array(select bench_private.member_agencies())));
create policy "Clients are visible to members" on public.bench_clients
  for select to authenticated using (agency_id = any (array(select bench_private.member_agencies())));
create policy "Items are visible to members" on public.bench_items
  for select to authenticated using (agency_id = any (array(select bench_private.member_agencies())));
create policy "Members add items" on public.bench_items
  for insert to authenticated with check (agency_id = any (array(select bench_private.member_agencies())));
grant select on public.bench_agencies, public.bench_clients, public.bench_items to authenticated;
grant insert on public.bench_items to authenticated;

insert into public.bench_agencies
  select md5('agency-' || a)::uuid, 'Agency ' || a from generate_series(1, {agencies}) a;
insert into public.bench_members
  select md5('agency-' || a)::uuid, md5('member-' || a)::uuid from generate_series(1, {agencies}) a;
insert into public.bench_clients
  select md5('client-' || a || '-' || c)::uuid, md5('agency-' || a)::uuid, 'Client ' || c
  from generate_series(1, {agencies}) a, generate_series(1, 100) c;
insert into public.bench_items (id, agency_id, client_id, title, status, words, created_at)
  select md5('item-' || a || '-' || i)::uuid, md5('agency-' || a)::uuid,
         md5('client-' || a || '-' || (i % 100 + 1))::uuid, 'Item ' || i,
         (array['new', 'open', 'done'])[i % 3 + 1], i % 5000,
         timestamptz '2026-01-01' + i * interval '1 minute'
  from generate_series(1, {agencies}) a, generate_series(1, {rows}) i;
commit;
"#
    )
}

/// The ids the requests use, computed by PostgreSQL exactly as the seed computed them.
struct Ids {
    /// Per agency: (agency id, member user id, client ids).
    agencies: Vec<(String, String, Vec<String>)>,
    /// Items to fetch by id: (agency index, item id), spread over every agency.
    items: Vec<(usize, String)>,
}

fn ids(admin: &mut postgres::Client, agencies: u32, rows: u32) -> Result<Ids> {
    let count = i32::try_from(agencies)?;
    let mut list = Vec::new();
    for row in admin.query(
        "select md5('agency-' || a)::uuid::text, md5('member-' || a)::uuid::text,
                array(select md5('client-' || a || '-' || c)::uuid::text from generate_series(1, 100) c)
         from generate_series(1, $1) a order by a",
        &[&count],
    )? {
        list.push((row.get(0), row.get(1), row.get(2)));
    }
    let step = i32::try_from((rows / 250).max(1))?;
    let items = admin
        .query(
            "select a - 1, i.id::text from generate_series(1, $1) a,
             lateral (select id from public.bench_items
                      where agency_id = md5('agency-' || a)::uuid
                        and id in (select md5('item-' || a || '-' || n)::uuid from generate_series(1, $2, $3) n)) i",
            &[&count, &i32::try_from(rows)?, &step],
        )?
        .iter()
        .map(|row| (usize::try_from(row.get::<_, i32>(0)).unwrap_or(0), row.get(1)))
        .collect::<Vec<(usize, String)>>();
    if items.is_empty() {
        bail!("no benchmark items found");
    }
    Ok(Ids {
        agencies: list,
        items,
    })
}

/// An HS256 access token as GoTrue signs it.
fn user_token(secret: &str, user: &str) -> String {
    use hmac::{KeyInit, Mac};
    let encode = |bytes: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    let header = encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    let claims = serde_json::json!({
        "sub": user, "role": "authenticated", "aud": "authenticated",
        "email": format!("{user}@bench.test"), "iat": now, "exp": now + 3600,
    });
    let payload = encode(claims.to_string().as_bytes());
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes())
        .expect("HMAC takes keys of any length");
    mac.update(format!("{header}.{payload}").as_bytes());
    let signature = encode(&mac.finalize().into_bytes());
    format!("{header}.{payload}.{signature}")
}

struct Setup {
    base: String,
    anon_key: String,
    /// One access token per agency, by agency index.
    tokens: Vec<String>,
    /// Per agency: (agency id, member user id, client ids).
    agencies: Vec<(String, String, Vec<String>)>,
    /// (agency index, item id).
    items: Vec<(usize, String)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scenario {
    GetById,
    ListWithEmbed,
    InsertRepresentation,
    TokenRefresh,
}

impl Scenario {
    const ALL: [Scenario; 4] = [
        Scenario::GetById,
        Scenario::ListWithEmbed,
        Scenario::InsertRepresentation,
        Scenario::TokenRefresh,
    ];

    fn name(self) -> &'static str {
        match self {
            Scenario::GetById => "GET by id under RLS",
            Scenario::ListWithEmbed => "list of 50 (one client's) + embed",
            Scenario::InsertRepresentation => "insert, return=representation",
            Scenario::TokenRefresh => "auth token refresh",
        }
    }

    async fn run(
        self,
        setup: &Arc<Setup>,
        connections: usize,
        warm_up: Duration,
        measured: Duration,
    ) -> Result<Stats, String> {
        let mut workloads = Vec::new();
        for connection in 0..connections {
            workloads.push(self.workload(setup, connection).await?);
        }
        let started = Instant::now();
        let record_from = started + warm_up;
        let until = record_from + measured;
        let mut tasks = Vec::new();
        for workload in workloads {
            tasks.push(tokio::spawn(drive(
                setup.base.clone(),
                workload,
                record_from,
                until,
            )));
        }
        let mut stats = Stats::default();
        for task in tasks {
            let part = task.await.map_err(|error| error.to_string())??;
            stats.merge(part);
        }
        stats.elapsed = measured;
        Ok(stats)
    }

    async fn workload(self, setup: &Arc<Setup>, connection: usize) -> Result<Workload, String> {
        Ok(match self {
            Scenario::GetById => Workload::GetById {
                setup: setup.clone(),
                next: connection * 7919,
            },
            Scenario::ListWithEmbed => Workload::List {
                setup: setup.clone(),
                next: connection,
            },
            Scenario::InsertRepresentation => Workload::Insert {
                setup: setup.clone(),
                next: connection,
            },
            Scenario::TokenRefresh => Workload::Refresh {
                setup: setup.clone(),
                token: sign_up(setup, connection).await?,
            },
        })
    }
}

/// A session for the refresh scenario: sign up a user (auto-confirm is on locally).
async fn sign_up(setup: &Setup, connection: usize) -> Result<String, String> {
    let email = format!("bench-{connection}-{}@bench.test", std::process::id());
    let body = serde_json::json!({"email": email, "password": "correct horse battery staple"});
    let request = Request::builder()
        .method(Method::POST)
        .uri(format!("{}/auth/v1/signup", setup.base))
        .header("apikey", &setup.anon_key)
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(body.to_string())))
        .map_err(|error| error.to_string())?;
    let (status, body) = one_request(&setup.base, request).await?;
    let json: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    match json["refresh_token"].as_str() {
        Some(token) if status.is_success() => Ok(token.to_owned()),
        _ => Err(format!(
            "sign-up answered {status}: {}",
            String::from_utf8_lossy(&body)
                .chars()
                .take(200)
                .collect::<String>()
        )),
    }
}

async fn one_request(
    base: &str,
    request: Request<Full<Bytes>>,
) -> Result<(StatusCode, Bytes), String> {
    exchange(&mut connect(base).await?, request).await
}

/// Send a request on a connection and read the whole response.
async fn exchange(
    sender: &mut Sender,
    request: Request<Full<Bytes>>,
) -> Result<(StatusCode, Bytes), String> {
    let response = sender
        .send_request(request)
        .await
        .map_err(|error| error.to_string())?;
    let status = response.status();
    let body = response
        .into_body()
        .collect()
        .await
        .map_err(|error| error.to_string())?
        .to_bytes();
    Ok((status, body))
}

/// What one connection sends, request after request.
enum Workload {
    GetById { setup: Arc<Setup>, next: usize },
    List { setup: Arc<Setup>, next: usize },
    Insert { setup: Arc<Setup>, next: usize },
    Refresh { setup: Arc<Setup>, token: String },
}

impl Workload {
    fn setup(&self) -> &Setup {
        match self {
            Workload::GetById { setup, .. }
            | Workload::List { setup, .. }
            | Workload::Insert { setup, .. }
            | Workload::Refresh { setup, .. } => setup,
        }
    }

    fn request(&mut self) -> Request<Full<Bytes>> {
        let base = self.setup().base.clone();
        let anon_key = self.setup().anon_key.clone();
        let builder = Request::builder().header("apikey", anon_key);
        let built = match self {
            Workload::GetById { setup, next } => {
                let (agency, id) = &setup.items[*next % setup.items.len()];
                *next += 1;
                builder
                    .method(Method::GET)
                    .uri(format!("{base}/rest/v1/bench_items?id=eq.{id}&select=*"))
                    .header("authorization", format!("Bearer {}", setup.tokens[*agency]))
                    .header("accept-profile", "public")
                    .body(Full::new(Bytes::new()))
            }
            Workload::List { setup, next } => {
                let agency = *next % setup.agencies.len();
                let clients = &setup.agencies[agency].2;
                let client = &clients[(*next / setup.agencies.len()) % clients.len()];
                *next += 1;
                builder
                    .method(Method::GET)
                    .uri(format!(
                        "{base}/rest/v1/bench_items?select=id,title,status,words,created_at,bench_clients(name)&client_id=eq.{client}&order=created_at.desc&limit=50"
                    ))
                    .header("authorization", format!("Bearer {}", setup.tokens[agency]))
                    .header("accept-profile", "public")
                    .body(Full::new(Bytes::new()))
            }
            Workload::Insert { setup, next } => {
                let agency = *next % setup.agencies.len();
                let (agency_id, _, clients) = &setup.agencies[agency];
                let client = &clients[*next % clients.len()];
                *next += 1;
                let body = serde_json::json!({
                    "agency_id": agency_id,
                    "client_id": client,
                    "title": "Benchmark item",
                    "words": 42,
                });
                builder
                    .method(Method::POST)
                    .uri(format!("{base}/rest/v1/bench_items?select=*"))
                    .header("authorization", format!("Bearer {}", setup.tokens[agency]))
                    .header("content-profile", "public")
                    .header("content-type", "application/json")
                    .header("prefer", "return=representation")
                    .body(Full::new(Bytes::from(body.to_string())))
            }
            Workload::Refresh { token, .. } => builder
                .method(Method::POST)
                .uri(format!("{base}/auth/v1/token?grant_type=refresh_token"))
                .header("content-type", "application/json")
                .body(Full::new(Bytes::from(
                    serde_json::json!({"refresh_token": token}).to_string(),
                ))),
        };
        built.expect("benchmark requests are well-formed")
    }

    /// Refresh tokens rotate: keep the new one.
    fn observe(&mut self, status: StatusCode, body: &[u8]) {
        if let Workload::Refresh { token, .. } = self
            && status.is_success()
            && let Ok(json) = serde_json::from_slice::<serde_json::Value>(body)
            && let Some(next) = json["refresh_token"].as_str()
        {
            *token = next.to_owned();
        }
    }
}

type Sender = hyper::client::conn::http1::SendRequest<Full<Bytes>>;

async fn connect(base: &str) -> Result<Sender, String> {
    let address = base
        .strip_prefix("http://")
        .ok_or_else(|| format!("not an http URL: {base}"))?;
    let stream = tokio::net::TcpStream::connect(address)
        .await
        .map_err(|error| error.to_string())?;
    stream.set_nodelay(true).ok();
    let (sender, connection) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
            .await
            .map_err(|error| error.to_string())?;
    tokio::spawn(connection);
    Ok(sender)
}

/// One connection: send requests back to back until `until`, recording latencies after
/// `record_from`.
async fn drive(
    base: String,
    mut workload: Workload,
    record_from: Instant,
    until: Instant,
) -> Result<Stats, String> {
    let mut sender = connect(&base).await?;
    let mut stats = Stats::default();
    while Instant::now() < until {
        let request = workload.request();
        let sent = Instant::now();
        let (status, body) = exchange(&mut sender, request).await?;
        let latency = sent.elapsed();
        workload.observe(status, &body);
        if sent >= record_from {
            stats.latencies.push(latency);
            if !status.is_success() {
                stats.errors += 1;
                if stats.first_error.is_none() {
                    stats.first_error = Some(format!(
                        "{status}: {}",
                        String::from_utf8_lossy(&body)
                            .chars()
                            .take(200)
                            .collect::<String>()
                    ));
                }
            }
        }
    }
    Ok(stats)
}

#[derive(Default)]
struct Stats {
    latencies: Vec<Duration>,
    errors: usize,
    first_error: Option<String>,
    elapsed: Duration,
}

impl Stats {
    fn merge(&mut self, other: Stats) {
        self.latencies.extend(other.latencies);
        self.errors += other.errors;
        if self.first_error.is_none() {
            self.first_error = other.first_error;
        }
    }

    fn percentile(&self, fraction: f64) -> Duration {
        let mut sorted = self.latencies.clone();
        sorted.sort_unstable();
        if sorted.is_empty() {
            return Duration::ZERO;
        }
        let index = ((sorted.len() as f64 * fraction).ceil() as usize).clamp(1, sorted.len()) - 1;
        sorted[index]
    }

    fn per_second(&self) -> f64 {
        self.latencies.len() as f64 / self.elapsed.as_secs_f64().max(f64::EPSILON)
    }
}

fn milliseconds(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

fn print_table(results: &[(Scenario, Result<Stats, String>)], args: &BenchApiArgs) {
    println!(
        "\nbench-api: {} connections, {} s measured per scenario, {} build, {} agencies × {} items\n",
        args.connections,
        args.seconds,
        if args.debug { "debug" } else { "release" },
        args.agencies,
        args.rows
    );
    println!(
        "{:<32} {:>9} {:>9} {:>9} {:>9} {:>9} {:>7}",
        "scenario", "requests", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors"
    );
    for (scenario, outcome) in results {
        match outcome {
            Ok(stats) => {
                println!(
                    "{:<32} {:>9} {:>9.0} {:>9.2} {:>9.2} {:>9.2} {:>7}",
                    scenario.name(),
                    stats.latencies.len(),
                    stats.per_second(),
                    milliseconds(stats.percentile(0.50)),
                    milliseconds(stats.percentile(0.95)),
                    milliseconds(stats.percentile(0.99)),
                    stats.errors
                );
                if let Some(error) = &stats.first_error {
                    println!("    first error: {error}");
                }
            }
            Err(error) => println!("{:<32} not measured: {error}", scenario.name()),
        }
    }
    if let Some((_, Ok(stats))) = results
        .iter()
        .find(|(scenario, _)| *scenario == Scenario::GetById)
    {
        let rps = stats.per_second();
        let p99 = stats.percentile(0.99);
        let met = rps >= TARGET_GET_RPS && p99 < TARGET_GET_P99 && stats.errors == 0;
        println!(
            "\ntarget for GET by id: ≥ {TARGET_GET_RPS:.0} req/s and p99 < {} ms: {} ({rps:.0} req/s, p99 {:.2} ms)",
            TARGET_GET_P99.as_millis(),
            if met { "met" } else { "MISSED" },
            milliseconds(p99)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_hs256_jwts() {
        let token = user_token("secret", "u1");
        let parts: Vec<&str> = token.split('.').collect();
        assert_eq!(parts.len(), 3);
        assert_eq!(parts[0], "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9");
    }

    #[test]
    fn percentiles() {
        let stats = Stats {
            latencies: (1..=100).map(Duration::from_millis).collect(),
            elapsed: Duration::from_secs(1),
            ..Stats::default()
        };
        assert_eq!(stats.percentile(0.5), Duration::from_millis(50));
        assert_eq!(stats.percentile(0.99), Duration::from_millis(99));
        assert_eq!(stats.per_second(), 100.0);
    }
}
