//! Database suites: pgTAP tests (run by pg_prove, as `supabase test db` does) against a fresh
//! private cluster with the bootstrap, migrations and seed loaded.

use crate::cmd::Cmd;
use crate::paths;
use crate::pg::{self, OWNER, SUPERUSER};
use crate::test::{Context, Suite, Tally, count_tap};
use anyhow::Result;

pub(super) fn suites() -> Vec<Suite> {
    vec![Suite {
        name: "sql-pgtap",
        run: pgtap,
    }]
}

fn pgtap(context: &mut Context) -> Result<Tally> {
    let cluster = context.database()?;
    // As `supabase test db` does: pgTAP lives in the extensions schema during the tests.
    cluster
        .psql(SUPERUSER)
        .args([
            "-c",
            "create extension if not exists pgtap with schema extensions",
        ])
        .read()?;
    let files = pg::sorted_files(&paths::supabase().join("tests"), "sql")?;
    if files.is_empty() {
        return Ok(Tally::default());
    }
    let cmd = Cmd::new("pg_prove")
        .args(["--verbose", "--failures"])
        .args(&files)
        .current_dir(paths::root());
    let (ok, output) = cluster.libpq_env(cmd, OWNER).tee()?;
    let mut tally = count_tap(&output);
    if !ok && tally.failed == 0 {
        tally.failed += 1;
    }
    Ok(tally)
}
