//! ScaleStream's browser app.
//!
//! Layout (STYLE.md): `app` declares the router; one module per page under `pages/`, shared
//! components under `components/`; `config` finds the Supabase project; all Supabase traffic
//! goes through the `supabase-client` crate (which knows HTTP, not Leptos).

mod app;
mod config;

pub use app::App;
