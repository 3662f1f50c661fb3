//! Database suites, each against the run's throwaway cluster (bootstrap, migrations and seed
//! loaded; see `test::Context::database`):
//! - `db-bootstrap`: the local platform bootstrap behaves like hosted Supabase (pgTAP files in
//!   crates/supabase-local/bootstrap/tests).
//! - `sql-pgtap`: the application's pgTAP tests in supabase/tests, run by pg_prove as
//!   `supabase test db` does.
//! - `db-lint` / `db-lint-proof`: the lint gate of supabase/lint (see `lint`).

mod lint;

use crate::cmd::Cmd;
use crate::paths;
use crate::pg::{self, Cluster, OWNER, SUPERUSER};
use crate::test::{Context, Suite, Tally, count_tap};
use anyhow::Result;
use std::path::PathBuf;

pub(super) fn suites() -> Vec<Suite> {
    vec![
        Suite {
            name: "db-bootstrap",
            run: bootstrap,
        },
        Suite {
            name: "sql-pgtap",
            run: pgtap,
        },
        Suite {
            name: "db-lint",
            run: lint::lint,
        },
        Suite {
            name: "db-lint-proof",
            run: lint::proof,
        },
    ]
}

fn bootstrap(context: &mut Context) -> Result<Tally> {
    let files = pg::sorted_files(&paths::platform_bootstrap().join("tests"), "sql")?;
    pg_prove(context.database()?, &files)
}

fn pgtap(context: &mut Context) -> Result<Tally> {
    let files = pg::sorted_files(&paths::supabase().join("tests"), "sql")?;
    pg_prove(context.database()?, &files)
}

/// Run pgTAP files with pg_prove as `postgres`, counting every assertion. A file that dies
/// before its plan is complete counts as a failure even when no assertion failed.
fn pg_prove(cluster: &Cluster, files: &[PathBuf]) -> Result<Tally> {
    if files.is_empty() {
        return Ok(Tally::default());
    }
    // As `supabase test db` does: pgTAP lives in the extensions schema during the tests.
    // dblink lets a test open real concurrent connections (the plan-limit races).
    cluster
        .psql(SUPERUSER)
        .args([
            "-c",
            "create extension if not exists pgtap with schema extensions",
        ])
        .args([
            "-c",
            "create extension if not exists dblink with schema extensions",
        ])
        .read()?;
    let cmd = Cmd::new("pg_prove")
        .args(["--verbose", "--failures"])
        .args(files)
        .current_dir(paths::root());
    let (ok, output) = cluster.libpq_env(cmd, OWNER).tee()?;
    let mut tally = count_tap(&output);
    if !ok && tally.failed == 0 {
        tally.failed += 1;
    }
    Ok(tally)
}
