//! `cargo xtask bench-db`: how fast a member's list queries run under row level security on a
//! realistic volume (security-tests.md test case 16; issue 2 item 7).
//!
//! A throwaway cluster gets the real bootstrap and migrations, then 200 agencies with five
//! members each, ten clients per agency, 100,000 transcripts, two completed analyses per client
//! and some tracked bookings, then VACUUM (ANALYZE). Each query runs the way PostgREST runs a request:
//! one read-only transaction, the `set_config` prelude (search_path, role `authenticated`, the
//! whole JWT claim set in `request.jwt.claims`, method, path, headers), then the statement in
//! PostgREST's shape (a `pgrst_source` CTE rendered with `json_agg`). Members of different
//! agencies take turns, so no single member's rows stay hot in a way the others' would not.
//!
//! Printed: EXPLAIN (ANALYZE, BUFFERS) of each query, whether the policy became an InitPlan and
//! which tables were scanned sequentially, and a summary of median / p95 / max over the runs.

use crate::pg::{Cluster, SUPERUSER};
use anyhow::{Context, Result, bail};
use std::time::{Duration, Instant};

/// The target for each list query on this 2-core machine.
const TARGET: Duration = Duration::from_millis(10);

#[derive(clap::Args)]
pub(crate) struct BenchDbArgs {
    /// Timed runs per query, after a warm-up.
    #[arg(long, default_value_t = 200)]
    runs: usize,
    /// Agencies to create (five members and ten clients each).
    #[arg(long, default_value_t = 200)]
    agencies: u32,
    /// Transcripts to create, spread evenly over the clients.
    #[arg(long, default_value_t = 100_000)]
    transcripts: u32,
    /// Keep the cluster running at the end and print how to connect (explore plans by hand).
    #[arg(long)]
    keep: bool,
}

const CLIENTS_PER_AGENCY: u32 = 10;
const MEMBERS_PER_AGENCY: u32 = 5;
/// Members that take turns running the queries (one per agency).
const SAMPLED_MEMBERS: i64 = 20;

/// One member of one agency, and one client of that agency.
struct Member {
    claims: String,
    client_id: String,
}

/// A list query as the app sends it to PostgREST.
struct ListQuery {
    name: &'static str,
    /// The Data API request it stands for, for the report.
    request: &'static str,
    /// The statement PostgREST runs for it.
    statement: fn(&Member) -> String,
}

fn list_queries() -> Vec<ListQuery> {
    vec![
        ListQuery {
            name: "clients with transcript counts",
            request: "GET /rest/v1/client_summaries?select=*&order=last_activity_at.desc",
            statement: |_| {
                read_statement(
                    r#"SELECT "public"."client_summaries".* FROM "public"."client_summaries"
                       ORDER BY "public"."client_summaries"."last_activity_at" DESC LIMIT 1000 OFFSET 0"#,
                    None,
                )
            },
        },
        ListQuery {
            name: "transcripts of a client (page of 50)",
            request: "GET /rest/v1/transcripts?select=id,file_name,call_date,outcome,parse_status,rep_name,\
                      prospect_name,created_at&client_id=eq.<id>&order=created_at.desc&limit=50 \
                      (Prefer: count=exact)",
            statement: |member| {
                let filter = format!(
                    r#""public"."transcripts"."client_id" = '{}'"#,
                    member.client_id
                );
                read_statement(
                    &format!(
                        r#"SELECT "public"."transcripts"."id", "public"."transcripts"."file_name",
                                  "public"."transcripts"."call_date", "public"."transcripts"."outcome",
                                  "public"."transcripts"."parse_status", "public"."transcripts"."rep_name",
                                  "public"."transcripts"."prospect_name", "public"."transcripts"."created_at"
                           FROM "public"."transcripts" WHERE {filter}
                           ORDER BY "public"."transcripts"."created_at" DESC LIMIT 50 OFFSET 0"#
                    ),
                    Some(&format!(
                        r#"SELECT 1 FROM "public"."transcripts" WHERE {filter}"#
                    )),
                )
            },
        },
        ListQuery {
            name: "latest analysis of a client",
            request: "GET /rest/v1/analysis_results?select=*&client_id=eq.<id>&order=created_at.desc&limit=1",
            statement: |member| {
                read_statement(
                    &format!(
                        r#"SELECT "public"."analysis_results".* FROM "public"."analysis_results"
                           WHERE "public"."analysis_results"."client_id" = '{}'
                           ORDER BY "public"."analysis_results"."created_at" DESC LIMIT 1 OFFSET 0"#,
                        member.client_id
                    ),
                    None,
                )
            },
        },
    ]
}

/// PostgREST's read statement (Statements.hs): the page in a CTE, an optional exact count,
/// the rows rendered to JSON by PostgreSQL.
fn read_statement(source: &str, count_source: Option<&str>) -> String {
    let (count_cte, total) = match count_source {
        Some(count) => (
            format!(", pgrst_source_count AS ({count})"),
            "(SELECT pg_catalog.count(*) FROM pgrst_source_count)",
        ),
        None => (String::new(), "null::bigint"),
    };
    format!(
        "WITH pgrst_source AS ({source}){count_cte} \
         SELECT {total} AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total, \
         coalesce(json_agg(_postgrest_t), '[]') AS body, \
         nullif(current_setting('response.headers', true), '') AS response_headers, \
         nullif(current_setting('response.status', true), '') AS response_status, \
         '' AS response_inserted \
         FROM (SELECT * FROM pgrst_source) _postgrest_t"
    )
}

/// PostgREST's per-request prelude: one statement of transaction-local settings.
const PRELUDE: &str = "select set_config('search_path', '\"public\", \"public\", \"extensions\"', true), \
     set_config('statement_timeout', '8s', true), \
     set_config('role', 'authenticated', true), \
     set_config('request.jwt.claims', $1, true), \
     set_config('request.method', 'GET', true), \
     set_config('request.path', $2, true), \
     set_config('request.headers', '{\"accept\":\"application/json\",\"accept-profile\":\"public\"}', true), \
     set_config('request.cookies', '{}', true)";

pub(crate) fn run(args: BenchDbArgs) -> Result<()> {
    if args.runs == 0 || args.agencies == 0 || args.transcripts == 0 {
        bail!("--runs, --agencies and --transcripts must be at least 1");
    }
    ctrlc::set_handler(|| {
        eprintln!("\ninterrupted: stopping the benchmark cluster");
        crate::pg::destroy_owned_clusters();
        std::process::exit(130);
    })
    .context("installing the Ctrl-C handler")?;
    let cluster = Cluster::throwaway_with_schema("bench-db")?;
    let guard = DestroyOnDrop {
        cluster: cluster.clone(),
        keep: args.keep,
    };
    cluster.start()?;
    let mut client = cluster.connect(SUPERUSER)?;

    require_app_schema(&mut client)?;
    let started = Instant::now();
    client.batch_execute(&seed_sql(&args)).context(
        "seeding the benchmark data (the seed follows supabase/migrations: update bench_db.rs when the schema changes)",
    )?;
    // A steady state, as autovacuum keeps it in production: statistics and the visibility map
    // (index-only scans) up to date.
    client.batch_execute("vacuum (analyze)")?;
    println!(
        "bench-db: seeded {} agencies, {} clients, {} transcripts in {:.1} s",
        args.agencies,
        args.agencies * CLIENTS_PER_AGENCY,
        args.transcripts,
        started.elapsed().as_secs_f64()
    );

    let members = sample_members(&mut client)?;
    let mut results = Vec::new();
    for query in list_queries() {
        results.push(bench_query(&mut client, &query, &members, args.runs)?);
    }
    print_summary(&results, args.runs);
    if args.keep {
        println!(
            "\nbench-db: cluster kept running: psql {}",
            cluster.url(SUPERUSER)
        );
    }
    drop(guard);
    Ok(())
}

/// The relations the seed and the queries use, from supabase/migrations.
const APP_RELATIONS: &[&str] = &[
    "agencies",
    "agency_members",
    "clients",
    "transcripts",
    "analysis_jobs",
    "analysis_results",
    "performance_tracking",
    "client_summaries",
];

fn require_app_schema(client: &mut postgres::Client) -> Result<()> {
    let missing: Vec<String> = client
        .query(
            "select name from unnest($1::text[]) name where to_regclass('public.' || name) is null",
            &[&APP_RELATIONS],
        )?
        .iter()
        .map(|row| row.get(0))
        .collect();
    if !missing.is_empty() {
        bail!(
            "bench-db measures the application schema, but supabase/migrations does not create public.{}",
            missing.join(", public.")
        );
    }
    Ok(())
}

/// Stops and deletes the benchmark cluster however `run` ends (unless --keep).
struct DestroyOnDrop {
    cluster: Cluster,
    keep: bool,
}

impl Drop for DestroyOnDrop {
    fn drop(&mut self) {
        if !self.keep {
            self.cluster.destroy().ok();
        }
    }
}

/// The benchmark data, loaded as the superuser with triggers off (`session_replication_role =
/// replica`, as pg_restore does): plan-limit triggers would refuse a bulk load, and the data
/// is consistent by construction. Ids are md5-derived, so every run builds the same data.
fn seed_sql(args: &BenchDbArgs) -> String {
    let agencies = args.agencies;
    let clients = CLIENTS_PER_AGENCY;
    let members = MEMBERS_PER_AGENCY;
    let per_client = args.transcripts.div_ceil(agencies * clients);
    let transcripts = args.transcripts;
    format!(
        r#"
begin;
set local session_replication_role = replica;

insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
                        raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
select '00000000-0000-0000-0000-000000000000', md5(format('user-%s-%s', a, m))::uuid,
       'authenticated', 'authenticated', format('bench-%s-%s@example.com', a, m), '', now(),
       '{{"provider":"email","providers":["email"]}}', '{{}}', now(), now()
from generate_series(1, {agencies}) a, generate_series(1, {members}) m;

insert into public.agencies (id, name, slug, plan_id)
select md5(format('agency-%s', a))::uuid, format('Bench agency %s', a), format('bench-agency-%s', a), 'agency'
from generate_series(1, {agencies}) a;

insert into public.agency_members (agency_id, user_id, role)
select md5(format('agency-%s', a))::uuid, md5(format('user-%s-%s', a, m))::uuid,
       case m when 1 then 'owner' when 2 then 'admin' else 'member' end
from generate_series(1, {agencies}) a, generate_series(1, {members}) m;

insert into public.clients (id, agency_id, name, status, industry, last_activity_at)
select md5(format('client-%s-%s', a, c))::uuid, md5(format('agency-%s', a))::uuid,
       format('Client %s of agency %s', c, a), 'ready', 'coaching',
       now() - make_interval(hours => a * {clients} + c)
from generate_series(1, {agencies}) a, generate_series(1, {clients}) c;

insert into public.transcripts (id, agency_id, client_id, file_name, content_sha256, size_bytes,
                                source_format, parse_status, canonical, speakers, call_date,
                                rep_name, prospect_name, outcome, duration_ms, created_at)
select md5(format('transcript-%s', n))::uuid,
       md5(format('agency-%s', a))::uuid,
       md5(format('client-%s-%s', a, c))::uuid,
       format('call-%s.txt', n),
       encode(sha256(convert_to(format('transcript-%s', n), 'UTF8')), 'hex'),
       30000 + n % 20000,
       'speaker_text', 'parsed',
       jsonb_build_object('segments', jsonb_build_array(
         jsonb_build_object('speaker', 'Rep', 'text', 'Thanks for booking the call. What made you reach out?'),
         jsonb_build_object('speaker', 'Prospect', 'text', repeat('We tried ads and referrals but nothing stuck. ', 20)))),
       '[{{"name":"Rep","role":"rep","confidence":0.9,"corrected_by_user":false}},
         {{"name":"Prospect","role":"prospect","confidence":0.9,"corrected_by_user":false}}]',
       date '2025-01-01' + (n % 300),
       'Rep ' || (n % 7), 'Prospect ' || n,
       (array['showed', 'no_show', 'closed', 'lost', 'unknown'])[1 + n % 5],
       1800000 + n % 600000,
       now() - make_interval(mins => n)
from (
  select n, 1 + (n - 1) / ({clients} * {per_client}) as a, 1 + ((n - 1) / {per_client}) % {clients} as c
  from generate_series(1, {transcripts}) n
) spread;

insert into public.analysis_jobs (id, agency_id, client_id, status, batch_size, batches_total,
                                  batches_done, transcripts_total, transcripts_done, started_at,
                                  finished_at, created_at)
select md5(format('job-%s-%s-%s', a, c, j))::uuid, md5(format('agency-%s', a))::uuid,
       md5(format('client-%s-%s', a, c))::uuid, 'completed', 25, 2, 2, 50, 50,
       now() - make_interval(days => 3 - j), now() - make_interval(days => 3 - j),
       now() - make_interval(days => 3 - j)
from generate_series(1, {agencies}) a, generate_series(1, {clients}) c, generate_series(1, 2) j;

insert into public.analysis_results (agency_id, client_id, job_id, awareness_distribution,
                                     segment_profiles, recommendations, created_at)
select md5(format('agency-%s', a))::uuid, md5(format('client-%s-%s', a, c))::uuid,
       md5(format('job-%s-%s-%s', a, c, j))::uuid,
       '{{"unaware":0.1,"problem_aware":0.3,"solution_aware":0.3,"product_aware":0.2,"most_aware":0.1}}',
       '[]', '[]', now() - make_interval(days => 3 - j)
from generate_series(1, {agencies}) a, generate_series(1, {clients}) c, generate_series(1, 2) j;

insert into public.performance_tracking (agency_id, client_id, booking_ref, scheduled_call_at, status, outcome)
select md5(format('agency-%s', a))::uuid, md5(format('client-%s-%s', a, c))::uuid,
       format('booking-%s-%s-%s', a, c, b), now() - make_interval(days => b),
       'completed', case when b % 3 = 0 then 'no_show' else 'showed' end
from generate_series(1, {agencies}) a, generate_series(1, {clients}) c, generate_series(1, 10) b;

commit;
"#
    )
}

/// Plain members (role `member`) of different agencies, each with the full claim set GoTrue
/// puts in an access token, and one client of their agency.
fn sample_members(client: &mut postgres::Client) -> Result<Vec<Member>> {
    let rows = client.query(
        "select distinct on (m.agency_id) m.user_id::text, u.email::text,
                (select c.id::text from public.clients c where c.agency_id = m.agency_id order by c.id limit 1)
         from public.agency_members m join auth.users u on u.id = m.user_id
         where m.role = 'member' and u.email like 'bench-%'
         order by m.agency_id, m.user_id
         limit $1",
        &[&SAMPLED_MEMBERS],
    )?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs();
    let members: Vec<Member> = rows
        .iter()
        .map(|row| {
            let user_id: String = row.get(0);
            let email: String = row.get(1);
            let client_id: Option<String> = row.get(2);
            let claims = serde_json::json!({
                "iss": "http://127.0.0.1:54321/auth/v1",
                "sub": user_id,
                "aud": "authenticated",
                "exp": now + 3600,
                "iat": now,
                "email": email,
                "phone": "",
                "app_metadata": {"provider": "email", "providers": ["email"]},
                "user_metadata": {},
                "role": "authenticated",
                "aal": "aal1",
                "amr": [{"method": "password", "timestamp": now}],
                "session_id": "00000000-0000-4000-8000-000000000000",
                "is_anonymous": false
            });
            Member {
                claims: claims.to_string(),
                client_id: client_id.unwrap_or_default(),
            }
        })
        .collect();
    if members.is_empty() || members.iter().any(|member| member.client_id.is_empty()) {
        bail!("the benchmark seed produced no member with a client");
    }
    Ok(members)
}

/// What one query measured.
struct Measured {
    name: &'static str,
    statement: Vec<Duration>,
    request: Vec<Duration>,
    rows_sent: i64,
    plan_notes: Vec<String>,
}

fn bench_query(
    client: &mut postgres::Client,
    query: &ListQuery,
    members: &[Member],
    runs: usize,
) -> Result<Measured> {
    println!("\n=== {} ===\n{}\n", query.name, query.request);
    let first = &members[0];
    let plan = explain(client, query, first)?;
    for line in &plan {
        println!("  {line}");
    }
    let plan_notes = plan_notes(&plan);

    let warm_up = runs.min(20);
    let mut statement = Vec::with_capacity(runs);
    let mut request = Vec::with_capacity(runs);
    let mut rows_sent = 0;
    for run in 0..warm_up + runs {
        let member = &members[run % members.len()];
        let sql = (query.statement)(member);
        let request_started = Instant::now();
        let mut transaction = client.build_transaction().read_only(true).start()?;
        transaction.execute(PRELUDE, &[&member.claims, &query.request])?;
        let statement_started = Instant::now();
        let row = transaction.query_one(sql.as_str(), &[])?;
        let statement_time = statement_started.elapsed();
        transaction.commit()?;
        let request_time = request_started.elapsed();
        rows_sent = row.get::<_, i64>("page_total");
        if run >= warm_up {
            statement.push(statement_time);
            request.push(request_time);
        }
    }
    if rows_sent == 0 {
        bail!(
            "`{}` returned no rows for a member: RLS or the seed is wrong",
            query.name
        );
    }
    Ok(Measured {
        name: query.name,
        statement,
        request,
        rows_sent,
        plan_notes,
    })
}

/// EXPLAIN (ANALYZE, BUFFERS) of the statement, under the same prelude.
fn explain(
    client: &mut postgres::Client,
    query: &ListQuery,
    member: &Member,
) -> Result<Vec<String>> {
    let mut transaction = client.build_transaction().read_only(true).start()?;
    transaction.execute(PRELUDE, &[&member.claims, &query.request])?;
    let rows = transaction.query(
        &format!("explain (analyze, buffers) {}", (query.statement)(member)),
        &[],
    )?;
    transaction.rollback()?;
    Ok(rows.iter().map(|row| row.get::<_, String>(0)).collect())
}

/// What to look for in a plan: the policy helper must run once per statement (an InitPlan),
/// and large tables must be reached through an index.
fn plan_notes(plan: &[String]) -> Vec<String> {
    let mut notes = Vec::new();
    if !plan.iter().any(|line| line.contains("InitPlan")) {
        notes.push("no InitPlan: a policy function may run once per row".to_owned());
    }
    for line in plan {
        if let Some(position) = line.find("Seq Scan on ") {
            let table = line[position + "Seq Scan on ".len()..]
                .split_whitespace()
                .next()
                .unwrap_or("");
            let note = format!("seq scan on {table}");
            if !notes.contains(&note) {
                notes.push(note);
            }
        }
    }
    notes
}

fn percentile(sorted: &[Duration], fraction: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((sorted.len() as f64) * fraction).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn millis(duration: Duration) -> String {
    format!("{:.2}", duration.as_secs_f64() * 1000.0)
}

fn print_summary(results: &[Measured], runs: usize) {
    println!("\n=== summary: {runs} runs each, milliseconds, as `authenticated` under RLS ===");
    println!(
        "{:<38} {:>5} {:>8} {:>8} {:>8} {:>12} {:>10}  notes",
        "query", "rows", "median", "p95", "max", "request p95", "median"
    );
    for measured in results {
        let mut statement = measured.statement.clone();
        statement.sort();
        let mut request = measured.request.clone();
        request.sort();
        let median = percentile(&statement, 0.5);
        let verdict = if median < TARGET { "ok" } else { "OVER" };
        println!(
            "{:<38} {:>5} {:>8} {:>8} {:>8} {:>12} {:>10}  {}",
            measured.name,
            measured.rows_sent,
            millis(median),
            millis(percentile(&statement, 0.95)),
            millis(statement.last().copied().unwrap_or_default()),
            millis(percentile(&request, 0.95)),
            format!("<{} {verdict}", TARGET.as_millis()),
            if measured.plan_notes.is_empty() {
                "InitPlan, indexes".to_owned()
            } else {
                measured.plan_notes.join("; ")
            }
        );
    }
    println!(
        "(statement: the main query's round trip; request: BEGIN, the set_config prelude, the query, COMMIT)"
    );
    // Tail latencies on a 2-core machine follow whatever else runs; say how busy it was.
    if let Ok(load) = std::fs::read_to_string("/proc/loadavg") {
        let load: Vec<&str> = load.split_whitespace().take(3).collect();
        println!(
            "(load average during the run: {}; medians are the stable figure on a busy machine)",
            load.join(" ")
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_pick_the_nearest_rank() {
        let sorted: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(percentile(&sorted, 0.5), Duration::from_millis(50));
        assert_eq!(percentile(&sorted, 0.95), Duration::from_millis(95));
        assert_eq!(percentile(&[], 0.95), Duration::ZERO);
    }

    #[test]
    fn plan_notes_flag_missing_initplans_and_seq_scans() {
        let plan = vec![
            "Limit  (cost=0.29..8.31 rows=1 width=8)".to_owned(),
            "  ->  Seq Scan on transcripts  (cost=0.00..4.00 rows=1 width=8)".to_owned(),
        ];
        assert_eq!(
            plan_notes(&plan),
            vec![
                "no InitPlan: a policy function may run once per row",
                "seq scan on transcripts"
            ]
        );
        let good = vec![
            "  InitPlan 1 (returns $0)".to_owned(),
            "  ->  Index Scan using t_idx on t".to_owned(),
        ];
        assert!(plan_notes(&good).is_empty());
    }

    #[test]
    fn read_statements_have_postgrest_shape() {
        let statement = read_statement("SELECT 1", Some("SELECT 1"));
        assert!(statement.starts_with(
            "WITH pgrst_source AS (SELECT 1), pgrst_source_count AS (SELECT 1) SELECT"
        ));
        assert!(statement.contains("coalesce(json_agg(_postgrest_t), '[]') AS body"));
        assert!(read_statement("SELECT 1", None).contains("null::bigint AS total_result_set"));
    }
}
