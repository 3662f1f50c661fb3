//! `cargo xtask setup`: install what is missing, pinned. Idempotent: every step checks first,
//! so a second run takes seconds.

use crate::cmd::{Cmd, is_root, on_path};
use crate::paths;
use anyhow::{Context, Result, bail};
use std::path::PathBuf;

/// Debian packages the repository needs: PostgreSQL 15 with pgTAP and pg_prove for the SQL
/// tests, Chromium and its driver for the browser tests.
pub(crate) const DEBIAN_PACKAGES: &[&str] = &[
    "postgresql-15",
    "postgresql-15-pgtap",
    "libtap-parser-sourcehandler-pgtap-perl",
    "chromium",
    "chromium-driver",
];

/// cargo-fuzz runs the engine's parser fuzz targets (the engine-fuzz suite).
pub(crate) const CARGO_FUZZ_VERSION: &str = "0.13.2";

/// trunk builds the web app. 0.22 needs a newer rustc than ours.
pub(crate) const TRUNK_VERSION: &str = "0.21.14";

pub(crate) fn run() -> Result<()> {
    let started = std::time::Instant::now();
    ensure_debian_packages()?;
    ensure_rust_target("wasm32-unknown-unknown")?;
    ensure_cargo_tool(
        "trunk",
        TRUNK_VERSION,
        &["--locked", "--no-default-features", "--features", "rustls"],
    )?;
    let bindgen = wasm_bindgen_version()?;
    ensure_cargo_tool("wasm-bindgen", &bindgen, &[])?;
    ensure_cargo_tool("cargo-fuzz", CARGO_FUZZ_VERSION, &["--locked"])?;
    ensure_node_modules()?;
    println!(
        "setup: everything is in place ({:.1} s)",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn package_installed(package: &str) -> bool {
    Cmd::new("dpkg-query")
        .args(["-W", "-f=${Status}", package])
        .read()
        .map(|status| status.trim() == "install ok installed")
        .unwrap_or(false)
}

fn ensure_debian_packages() -> Result<()> {
    let missing: Vec<&str> = DEBIAN_PACKAGES
        .iter()
        .copied()
        .filter(|package| !package_installed(package))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    if !on_path("apt-get") || !is_root() {
        bail!(
            "missing system packages: {}.\nInstall them with: sudo apt-get install -y {}",
            missing.join(" "),
            missing.join(" ")
        );
    }
    println!("setup: installing Debian packages: {}", missing.join(" "));
    Cmd::new("apt-get")
        .args(["update", "-qq"])
        .env("DEBIAN_FRONTEND", "noninteractive")
        .run()?;
    Cmd::new("apt-get")
        .args(["install", "-y", "-qq", "--no-install-recommends"])
        .args(&missing)
        .env("DEBIAN_FRONTEND", "noninteractive")
        .run()
}

fn ensure_rust_target(target: &str) -> Result<()> {
    let installed = Cmd::new("rustup")
        .args(["target", "list", "--installed"])
        .read()?;
    if installed.lines().any(|line| line.trim() == target) {
        return Ok(());
    }
    println!("setup: adding the Rust target {target}");
    Cmd::new("rustup").args(["target", "add", target]).run()
}

/// The wasm-bindgen version in Cargo.lock: the CLI must match it exactly.
pub(crate) fn wasm_bindgen_version() -> Result<String> {
    let lock =
        std::fs::read_to_string(paths::root().join("Cargo.lock")).context("reading Cargo.lock")?;
    let lock: toml::Table = toml::from_str(&lock).context("parsing Cargo.lock")?;
    let packages = lock
        .get("package")
        .and_then(|value| value.as_array())
        .cloned()
        .unwrap_or_default();
    packages
        .iter()
        .filter_map(|package| package.as_table())
        .find(|package| package.get("name").and_then(|name| name.as_str()) == Some("wasm-bindgen"))
        .and_then(|package| package.get("version").and_then(|version| version.as_str()))
        .map(str::to_owned)
        .context("wasm-bindgen is not in Cargo.lock")
}

/// Where `cargo install` puts binaries.
pub(crate) fn cargo_bin_dir() -> PathBuf {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from(".cargo"))
        .join("bin")
}

fn ensure_cargo_tool(binary: &str, version: &str, extra_args: &[&str]) -> Result<()> {
    let path = cargo_bin_dir().join(binary);
    let current = Cmd::new(&path).arg("--version").read().unwrap_or_default();
    if current.split_whitespace().any(|word| word == version) {
        return Ok(());
    }
    let package = if binary == "wasm-bindgen" {
        "wasm-bindgen-cli"
    } else {
        binary
    };
    println!("setup: installing {package} {version} (takes a while on a fresh machine)");
    // Tools need not be fast, only built fast: a lightly optimised build halves the time.
    Cmd::new("cargo")
        .args(["install", "--force"])
        .args(extra_args)
        .arg(format!("{package}@{version}"))
        .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "1")
        .env("CARGO_PROFILE_RELEASE_LTO", "false")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "256")
        .env("CARGO_PROFILE_RELEASE_DEBUG", "0")
        .env("CARGO_PROFILE_RELEASE_STRIP", "true")
        .run()
}

/// `npm ci` when package-lock.json changed since the last install.
fn ensure_node_modules() -> Result<()> {
    let root = paths::root();
    let lock = root.join("package-lock.json");
    if !lock.is_file() {
        return Ok(());
    }
    let installed = root.join("node_modules/.package-lock.json");
    let fresh = match (std::fs::metadata(&lock), std::fs::metadata(&installed)) {
        (Ok(lock), Ok(installed)) => installed.modified()? >= lock.modified()?,
        _ => false,
    };
    if fresh {
        return Ok(());
    }
    println!("setup: installing Node dev dependencies (npm ci)");
    Cmd::new("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
        .current_dir(&root)
        .run()
}
