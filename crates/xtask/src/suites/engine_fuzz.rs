//! The engine's cargo-fuzz targets (crates/engine/fuzz), each run briefly: a smoke run that
//! catches a parser panic, hang or blow-up introduced by a change. Longer runs are documented
//! in crates/engine/fuzz/README.md. cargo-fuzz needs nightly-only flags; `RUSTC_BOOTSTRAP=1`
//! enables them on our pinned stable toolchain (security-tests.md §5.6).

use crate::cmd::Cmd;
use crate::paths;
use crate::test::{Context, Suite, Tally};
use anyhow::Result;

pub(super) fn suites() -> Vec<Suite> {
    vec![Suite {
        name: "engine-fuzz",
        run: fuzz,
    }]
}

/// Every target in crates/engine/fuzz/Cargo.toml.
const TARGETS: &[&str] = &[
    "read",
    "speaker_text",
    "webvtt",
    "srt",
    "otter",
    "json",
    "unlabeled",
    "manifest",
];

/// Seconds per target: eight targets take under two minutes after the build.
const SECONDS_PER_TARGET: u32 = 12;

fn cargo_fuzz(args: &[&str]) -> Cmd {
    Cmd::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .arg("fuzz")
        .args(args)
        // No sanitizer: the engine forbids unsafe code, so AddressSanitizer adds little but
        // doubles the build time.
        .args(["-O", "-s", "none"])
        .env("RUSTC_BOOTSTRAP", "1")
        .current_dir(paths::root().join("crates/engine/fuzz"))
}

fn fuzz(_: &mut Context) -> Result<Tally> {
    if let Err(error) = cargo_fuzz(&["build"]).read() {
        eprintln!("engine-fuzz: the fuzz targets do not build:\n{error:#}");
        return Ok(Tally::check(false));
    }
    let root = paths::root();
    let seeds = root.join("crates/engine/testdata/ingest");
    let mut tally = Tally::default();
    for target in TARGETS {
        // libFuzzer adds what it finds to the first folder (ignored by git), never to the seeds.
        let corpus = root.join("crates/engine/fuzz/corpus").join(target);
        std::fs::create_dir_all(&corpus)?;
        let limits = [
            format!("-max_total_time={SECONDS_PER_TARGET}"),
            "-max_len=65536".to_owned(),
            "-rss_limit_mb=2048".to_owned(),
            "-timeout=10".to_owned(),
        ];
        let run = cargo_fuzz(&["run", target])
            .arg(&corpus)
            .arg(&seeds)
            .arg("--")
            .args(&limits)
            .read();
        match run {
            Ok(_) => tally.add(Tally::check(true)),
            Err(error) => {
                let message = format!("{error:#}");
                let tail: Vec<&str> = message.lines().rev().take(40).collect();
                eprintln!(
                    "engine-fuzz: target {target} failed (the input is in crates/engine/fuzz/artifacts/{target}/):"
                );
                for line in tail.iter().rev() {
                    eprintln!("  {line}");
                }
                tally.add(Tally::check(false));
            }
        }
    }
    Ok(tally)
}
