//! `cargo xtask test`: run every suite, print a total `N passed, N failed`, exit non-zero on
//! any failure. Suites are declared by area in `suites/`; this file only runs and totals them.

use crate::pg::Cluster;
use crate::{setup, suites};
use anyhow::Result;
use std::sync::Mutex;
use std::time::Instant;

#[derive(clap::Args)]
pub(crate) struct TestArgs {
    /// Run only the suites whose name contains one of these words (e.g. `sql`, `clippy`).
    #[arg(long = "only", value_name = "SUITE")]
    only: Vec<String>,
    /// List the suites and exit.
    #[arg(long)]
    list: bool,
    /// Skip `cargo xtask setup` (when you know the machine is ready).
    #[arg(long)]
    no_setup: bool,
}

/// Tests counted by one suite.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Tally {
    pub(crate) passed: usize,
    pub(crate) failed: usize,
}

impl Tally {
    /// One check that passed or failed (fmt, clippy, a build).
    pub(crate) fn check(ok: bool) -> Tally {
        if ok {
            Tally {
                passed: 1,
                failed: 0,
            }
        } else {
            Tally {
                passed: 0,
                failed: 1,
            }
        }
    }

    pub(crate) fn add(&mut self, other: Tally) {
        self.passed += other.passed;
        self.failed += other.failed;
    }
}

/// One suite: a name and what runs it.
pub(crate) struct Suite {
    pub(crate) name: &'static str,
    pub(crate) run: fn(&mut Context) -> Result<Tally>,
}

/// Resources shared by suites of one run, created on first use and torn down at the end.
#[derive(Default)]
pub(crate) struct Context {
    database: Option<Cluster>,
}

/// Clusters to stop if the run is interrupted.
static CLEANUP: Mutex<Vec<Cluster>> = Mutex::new(Vec::new());

impl Context {
    /// A throwaway cluster with the bootstrap, migrations and seed loaded, shared by the
    /// suites of this run that only read or roll back.
    pub(crate) fn database(&mut self) -> Result<&Cluster> {
        if self.database.is_none() {
            let cluster = fresh_cluster("test-db")?;
            self.database = Some(cluster);
        }
        Ok(self.database.as_ref().expect("set above"))
    }
}

/// A new throwaway cluster with the schema and seed loaded, started; destroyed when the run
/// ends. A copy of the schema template, so it takes about a second.
pub(crate) fn fresh_cluster(name: &str) -> Result<Cluster> {
    let cluster = Cluster::throwaway_with_schema(name)?;
    register_cleanup(&cluster);
    cluster.start()?;
    Ok(cluster)
}

fn register_cleanup(cluster: &Cluster) {
    if let Ok(mut clusters) = CLEANUP.lock() {
        clusters.push(cluster.clone());
    }
}

fn cleanup_all() {
    if let Ok(mut clusters) = CLEANUP.lock() {
        for cluster in clusters.drain(..) {
            cluster.destroy().ok();
        }
    }
}

pub(crate) fn run(args: TestArgs) -> Result<()> {
    let all = suites::all();
    if args.list {
        for suite in &all {
            println!("{}", suite.name);
        }
        return Ok(());
    }
    if !args.no_setup {
        setup::run()?;
    }
    ctrlc::set_handler(|| {
        eprintln!("\ninterrupted: stopping test clusters");
        cleanup_all();
        crate::pg::destroy_owned_clusters();
        std::process::exit(130);
    })
    .ok();

    let selected: Vec<&Suite> = all
        .iter()
        .filter(|suite| {
            args.only.is_empty()
                || args
                    .only
                    .iter()
                    .any(|word| suite.name.contains(word.as_str()))
        })
        .collect();
    let mut context = Context::default();
    let mut total = Tally::default();
    let mut lines = Vec::new();
    for suite in selected {
        println!("\n=== suite {} ===", suite.name);
        let started = Instant::now();
        let tally = (suite.run)(&mut context).unwrap_or_else(|error| {
            eprintln!("suite {} could not run: {error:#}", suite.name);
            Tally {
                passed: 0,
                failed: 1,
            }
        });
        let line = format!(
            "{:<24} {:>5} passed {:>4} failed  ({:.0} s)",
            suite.name,
            tally.passed,
            tally.failed,
            started.elapsed().as_secs_f64()
        );
        println!("--- {line}");
        lines.push(line);
        total.add(tally);
    }
    drop(context);
    cleanup_all();

    println!("\n=== summary ===");
    for line in &lines {
        println!("{line}");
    }
    println!("{} passed, {} failed", total.passed, total.failed);
    if total.failed > 0 {
        std::process::exit(1);
    }
    Ok(())
}

/// Count results in the output of `cargo test` (libtest's `test result:` lines).
pub(crate) fn count_libtest(output: &str) -> Tally {
    let mut tally = Tally::default();
    for line in output
        .lines()
        .filter(|line| line.trim_start().starts_with("test result:"))
    {
        tally.passed += number_before(line, " passed");
        tally.failed += number_before(line, " failed");
    }
    tally
}

/// Count TAP results (`ok N` / `not ok N`), as printed by `pg_prove --verbose` or node --test.
pub(crate) fn count_tap(output: &str) -> Tally {
    let mut tally = Tally::default();
    for line in output.lines().map(str::trim_start) {
        if line.starts_with("not ok ") {
            tally.failed += 1;
        } else if line.starts_with("ok ") {
            tally.passed += 1;
        }
    }
    tally
}

fn number_before(line: &str, marker: &str) -> usize {
    line.find(marker)
        .and_then(|end| line[..end].rsplit(|c: char| !c.is_ascii_digit()).next())
        .and_then(|digits| digits.parse().ok())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_libtest_summaries() {
        let output = "test result: ok. 12 passed; 0 failed; 1 ignored\n\
                      test result: FAILED. 3 passed; 2 failed; 0 ignored\n";
        let tally = count_libtest(output);
        assert_eq!((tally.passed, tally.failed), (15, 2));
    }

    #[test]
    fn counts_tap_lines() {
        let output = "ok 1 - a\nnot ok 2 - b\n    ok 3 - nested\n# ok not counted\n";
        let tally = count_tap(output);
        assert_eq!((tally.passed, tally.failed), (2, 1));
    }
}
