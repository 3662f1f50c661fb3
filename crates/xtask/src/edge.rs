//! The edge worker's build: crates/edge-worker → `supabase/functions/_shared/engine/`
//! (`edge_worker.js` + `edge_worker_bg.wasm`, an ES module for Deno), imported by the Edge
//! Functions and shipped by `supabase functions deploy` through `static_files` in
//! supabase/config.toml.
//!
//! The output is generated, git-ignored, and rebuilt by `cargo xtask build-edge` (and by `dev`
//! and the edge test suites); run it before `supabase functions deploy`. Steps:
//! 1. `cargo build -p edge-worker --target wasm32-unknown-unknown --profile wasm-release` with
//!    opt-level 3 and SIMD, in its own target folder;
//! 2. `wasm-bindgen --target deno` with the CLI pinned to Cargo.lock's wasm-bindgen;
//! 3. `wasm-opt -O3` from the pinned npm package binaryen.
//!
//! Files are only rewritten when their bytes change, so a no-op build does not make the local
//! stand-in restart the function processes (it restarts them when their source changes), and
//! wasm-bindgen and wasm-opt are skipped when cargo's .wasm is the one last built.

use crate::cmd::Cmd;
use crate::paths;
use crate::setup::{cargo_bin_dir, wasm_bindgen_version};
use crate::stack::target_dir;
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};

/// The module's name: `edge_worker.js` and `edge_worker_bg.wasm`.
pub(crate) const MODULE: &str = "edge_worker";

/// Where the generated module goes.
pub(crate) fn out_dir() -> PathBuf {
    paths::supabase().join("functions/_shared/engine")
}

/// The optimised .wasm the functions load.
pub(crate) fn wasm_file() -> PathBuf {
    out_dir().join(format!("{MODULE}_bg.wasm"))
}

/// Build the worker into [`out_dir`]; returns the folder.
pub(crate) fn build() -> Result<PathBuf> {
    let started = std::time::Instant::now();
    // Fast before small (unlike the web app): the hosted limit is CPU time, and 20 MB of bundle
    // leaves room. Its own target folder, so these flags never rebuild the web app's wasm32
    // artefacts. SIMD: V8 (Deno and the Supabase Edge Runtime) has had Wasm SIMD since 2021.
    let target = target_dir().join("edge-wasm");
    Cmd::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .args(["build", "--quiet", "--package", "edge-worker"])
        .args([
            "--target",
            "wasm32-unknown-unknown",
            "--profile",
            "wasm-release",
        ])
        .args(["--config", "profile.wasm-release.opt-level=3"])
        .arg("--target-dir")
        .arg(&target)
        .env(
            "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS",
            "-C target-feature=+simd128",
        )
        .current_dir(paths::root())
        .run()
        .context("building crates/edge-worker for wasm32")?;
    let input = target.join(format!("wasm32-unknown-unknown/wasm-release/{MODULE}.wasm"));

    let wanted = wasm_bindgen_version()?;
    let stamp_file = paths::local().join("edge-build.stamp");
    let stamp = format!(
        "{wanted} {}",
        crate::pg::sha256_hex(
            &std::fs::read(&input).with_context(|| format!("reading {}", input.display()))?
        )
    );
    let outputs = [wasm_file(), out_dir().join(format!("{MODULE}.js"))];
    if std::fs::read_to_string(&stamp_file).is_ok_and(|old| old == stamp)
        && outputs.iter().all(|file| file.exists())
    {
        println!("edge: {} is up to date", out_dir().display());
        return Ok(out_dir());
    }

    let bindgen = cargo_bin_dir().join("wasm-bindgen");
    let found = Cmd::new(&bindgen)
        .arg("--version")
        .read()
        .unwrap_or_default();
    if !found.split_whitespace().any(|word| word == wanted) {
        bail!(
            "wasm-bindgen {wanted} is needed (Cargo.lock), found {:?}: run `cargo xtask setup`",
            found.trim()
        );
    }
    let staging = paths::local().join("edge-build");
    if staging.exists() {
        std::fs::remove_dir_all(&staging)
            .with_context(|| format!("clearing {}", staging.display()))?;
    }
    std::fs::create_dir_all(&staging)?;
    Cmd::new(&bindgen)
        .args(["--target", "deno", "--out-name", MODULE, "--out-dir"])
        .arg(&staging)
        .arg(&input)
        .read()
        .context("wasm-bindgen --target deno")?;
    let bg = staging.join(format!("{MODULE}_bg.wasm"));
    Cmd::new(paths::root().join("node_modules/.bin/wasm-opt"))
        .args(["-O3", "--enable-simd", "--strip-debug", "--strip-producers"])
        .arg(&bg)
        .arg("-o")
        .arg(&bg)
        .read()
        .context("wasm-opt (node_modules/.bin: run `cargo xtask setup`)")?;

    let out = out_dir();
    std::fs::create_dir_all(&out)?;
    let mut changed = 0;
    for entry in std::fs::read_dir(&staging)? {
        let entry = entry?;
        changed += usize::from(copy_if_changed(
            &entry.path(),
            &out.join(entry.file_name()),
        )?);
    }
    std::fs::write(&stamp_file, stamp)?;
    println!(
        "edge: {} ({} KB{}) in {:.1} s",
        out.display(),
        std::fs::metadata(wasm_file())?.len() / 1024,
        if changed == 0 { ", unchanged" } else { "" },
        started.elapsed().as_secs_f64()
    );
    Ok(out)
}

/// Copy `from` over `to` unless `to` already has the same bytes; true when it wrote.
fn copy_if_changed(from: &Path, to: &Path) -> Result<bool> {
    let new = std::fs::read(from).with_context(|| format!("reading {}", from.display()))?;
    if std::fs::read(to).is_ok_and(|old| old == new) {
        return Ok(false);
    }
    std::fs::write(to, new).with_context(|| format!("writing {}", to.display()))?;
    Ok(true)
}

/// Generated transcripts (`scalestream corpus`, seeded): 100 calls, about 5 MB.
pub(crate) fn corpus() -> Result<PathBuf> {
    let dir = paths::local().join("edge-corpus");
    if dir.join("manifest.csv").exists() {
        return Ok(dir);
    }
    Cmd::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .args(["run", "--quiet", "--package", "cli", "--", "corpus"])
        .args([
            "--count",
            "100",
            "--seed",
            "5",
            "--min-minutes",
            "20",
            "--max-minutes",
            "40",
        ])
        .arg("--out")
        .arg(&dir)
        .current_dir(paths::root())
        .run()
        .context("generating the transcripts (crates/cli corpus)")?;
    Ok(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewrites_only_changed_files() {
        let dir = std::env::temp_dir().join(format!("xtask-edge-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (from, to) = (dir.join("a"), dir.join("b"));
        std::fs::write(&from, "one").unwrap();
        assert!(copy_if_changed(&from, &to).unwrap());
        assert!(!copy_if_changed(&from, &to).unwrap());
        std::fs::write(&from, "two").unwrap();
        assert!(copy_if_changed(&from, &to).unwrap());
        assert_eq!(std::fs::read_to_string(&to).unwrap(), "two");
        std::fs::remove_dir_all(&dir).ok();
    }
}
