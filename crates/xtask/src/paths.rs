//! Where things are in the repository.

use std::path::PathBuf;

/// The repository root (the workspace folder that holds `Cargo.toml`).
pub(crate) fn root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest
        .parent()
        .and_then(|crates| crates.parent())
        .map(PathBuf::from)
        .unwrap_or(manifest)
}

/// Git-ignored folder for local state: database clusters, stand-in data, logs.
pub(crate) fn local() -> PathBuf {
    root().join(".local")
}

pub(crate) fn supabase() -> PathBuf {
    root().join("supabase")
}

/// The local Supabase platform bootstrap (roles, auth/storage/realtime schemas). Local only:
/// hosted Supabase has these already, so they never go into `supabase/migrations`.
pub(crate) fn platform_bootstrap() -> PathBuf {
    root().join("crates/supabase-local/bootstrap")
}
