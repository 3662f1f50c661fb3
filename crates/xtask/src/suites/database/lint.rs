//! The lint gate: the catalog checks of supabase/lint (see its README.md), run against a fresh
//! cluster with the whole schema (`db-lint`), and each proven against deliberately bad objects
//! (`db-lint-proof`).

use crate::paths;
use crate::pg::{self, SUPERUSER};
use crate::test::{self, Context, Tally};
use anyhow::{Context as _, Result, bail};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Schemas that belong to the Supabase platform (or to our local bookkeeping), not to the
/// application. Every other schema (public, private, ...) is checked as application code.
const PLATFORM_SCHEMAS: &[&str] = &[
    "information_schema",
    "auth",
    "storage",
    "realtime",
    "_realtime",
    "extensions",
    "graphql",
    "supabase_migrations",
    "supabase_functions",
    "vault",
    "pgbouncer",
    "pgsodium",
    "pgsodium_masks",
    "net",
    "cron",
    "pgmq",
    "_local_platform",
];

/// One check: a file of supabase/lint.
struct Check {
    name: String,
    sql: String,
    path: PathBuf,
}

/// An object a check reported, and why.
struct Finding {
    object: String,
    message: String,
}

fn checks() -> Result<Vec<Check>> {
    let files = pg::sorted_files(&paths::supabase().join("lint"), "sql")?;
    if files.is_empty() {
        bail!("no lint checks found in supabase/lint");
    }
    files
        .into_iter()
        .map(|path| {
            let sql = std::fs::read_to_string(&path)
                .with_context(|| format!("reading {}", path.display()))?;
            let name = path
                .file_stem()
                .map(|stem| stem.to_string_lossy().into_owned())
                .unwrap_or_default();
            Ok(Check { name, sql, path })
        })
        .collect()
}

/// The schemas PostgREST exposes: `[api] schemas` of supabase/config.toml.
fn exposed_schemas() -> Result<Vec<String>> {
    let path = paths::supabase().join("config.toml");
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let config: toml::Table =
        toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
    let schemas: Vec<String> = config
        .get("api")
        .and_then(|api| api.get("schemas"))
        .and_then(|schemas| schemas.as_array())
        .map(|schemas| {
            schemas
                .iter()
                .filter_map(|schema| schema.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    if schemas.is_empty() {
        bail!("{} has no [api] schemas list", path.display());
    }
    Ok(schemas)
}

/// Begin the settings every check relies on (inside the caller's transaction).
fn lint_settings() -> Result<String> {
    let exposed = exposed_schemas()?.join(",");
    Ok(format!(
        "set local search_path = ''; set local lint.exposed_schemas = {}; set local lint.platform_schemas = {};",
        pg::quote_literal(&exposed),
        pg::quote_literal(&PLATFORM_SCHEMAS.join(","))
    ))
}

fn run_check(transaction: &mut postgres::Transaction<'_>, check: &Check) -> Result<Vec<Finding>> {
    let rows = transaction
        .query(check.sql.as_str(), &[])
        .with_context(|| format!("running {}", check.path.display()))?;
    rows.iter()
        .map(|row| {
            let object: Option<String> = row.try_get(0)?;
            let message: Option<String> = row.try_get(1)?;
            Ok(Finding {
                object: object.unwrap_or_default(),
                message: message.unwrap_or_default(),
            })
        })
        .collect()
}

/// `db-lint`: every check against the schema as migrations leave it. One test per check;
/// each offending object is printed.
pub(super) fn lint(_: &mut Context) -> Result<Tally> {
    let cluster = test::fresh_cluster("lint")?;
    let settings = lint_settings()?;
    let mut client = cluster.connect(SUPERUSER)?;
    let mut tally = Tally::default();
    for check in checks()? {
        let mut transaction = client.transaction()?;
        transaction.batch_execute("set transaction read only")?;
        transaction.batch_execute(&settings)?;
        let outcome = run_check(&mut transaction, &check);
        transaction.rollback()?;
        match outcome {
            Ok(findings) if findings.is_empty() => {
                println!("ok   {}", check.name);
                tally.passed += 1;
            }
            Ok(findings) => {
                println!(
                    "FAIL {} ({} finding{})",
                    check.name,
                    findings.len(),
                    plural(findings.len())
                );
                for finding in findings {
                    println!("       {}: {}", finding.object, finding.message);
                }
                tally.failed += 1;
            }
            Err(error) => {
                println!("FAIL {}: {error:#}", check.name);
                tally.failed += 1;
            }
        }
    }
    cluster.destroy()?;
    Ok(tally)
}

/// `db-lint-proof`: each check reports exactly the objects its fixture
/// (supabase/lint/tests/<check>.sql) expects, and nothing else the fixture created.
pub(super) fn proof(_: &mut Context) -> Result<Tally> {
    let cluster = test::fresh_cluster("lint-proof")?;
    let settings = lint_settings()?;
    let mut client = cluster.connect(SUPERUSER)?;
    let mut tally = Tally::default();
    for check in checks()? {
        match prove(&mut client, &settings, &check) {
            Ok(()) => {
                println!(
                    "ok   {} catches its bad fixture objects, and only those",
                    check.name
                );
                tally.passed += 1;
            }
            Err(error) => {
                println!("FAIL {}: {error:#}", check.name);
                tally.failed += 1;
            }
        }
    }
    cluster.destroy()?;
    Ok(tally)
}

fn prove(client: &mut postgres::Client, settings: &str, check: &Check) -> Result<()> {
    let fixture_path = paths::supabase()
        .join("lint/tests")
        .join(format!("{}.sql", check.name));
    let fixture = std::fs::read_to_string(&fixture_path).with_context(|| {
        format!(
            "every check needs a proof fixture; reading {}",
            fixture_path.display()
        )
    })?;
    let expected = expected_objects(&fixture, &fixture_path)?;

    let mut transaction = client.transaction()?;
    transaction.batch_execute(settings)?;
    let before = objects(run_check(&mut transaction, check)?);
    // The fixture runs as the role migrations run as.
    transaction.batch_execute(&format!(
        "set local role {}; set local search_path = public, extensions;",
        pg::OWNER
    ))?;
    transaction
        .batch_execute(&fixture)
        .with_context(|| format!("running the fixture {}", fixture_path.display()))?;
    transaction.batch_execute("reset role; set local search_path = '';")?;
    let after = objects(run_check(&mut transaction, check)?);
    transaction.rollback()?;

    let new: BTreeSet<String> = after.difference(&before).cloned().collect();
    let missed: Vec<&String> = expected.difference(&new).collect();
    let unexpected: Vec<&String> = new.difference(&expected).collect();
    if missed.is_empty() && unexpected.is_empty() {
        return Ok(());
    }
    bail!("missed {missed:?}; reported without being expected {unexpected:?}")
}

fn objects(findings: Vec<Finding>) -> BTreeSet<String> {
    findings.into_iter().map(|finding| finding.object).collect()
}

/// The `-- expect: <object>` lines of a fixture.
fn expected_objects(fixture: &str, path: &Path) -> Result<BTreeSet<String>> {
    let expected: BTreeSet<String> = fixture
        .lines()
        .filter_map(|line| line.trim().strip_prefix("-- expect:"))
        .map(|object| object.trim().to_owned())
        .collect();
    if expected.is_empty() {
        bail!("{} lists no `-- expect: <object>` line", path.display());
    }
    Ok(expected)
}

fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_expected_objects_of_a_fixture() {
        let fixture =
            "-- expect: public.a\n  -- expect:  policy p on public.b \ncreate table x ();\n";
        let expected = expected_objects(fixture, Path::new("f.sql")).expect("two expectations");
        assert_eq!(
            expected.into_iter().collect::<Vec<_>>(),
            vec!["policy p on public.b", "public.a"]
        );
    }

    #[test]
    fn a_fixture_without_expectations_is_an_error() {
        assert!(expected_objects("create table x ();", Path::new("f.sql")).is_err());
    }
}
