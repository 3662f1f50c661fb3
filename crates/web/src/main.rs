//! ScaleStream's browser app.
//!
//! Layout (STYLE.md): `app` declares the router; one module per page under `pages/`, shared
//! components under `components/`; `model` holds the rows, queries, form rules and formatting
//! (plain Rust, tested natively); `session` and `agency` keep who is signed in and which agency
//! they work in; `config` finds the Supabase project. All Supabase traffic goes through the
//! `supabase-client` crate (which knows HTTP, not Leptos).

#![allow(unreachable_pub, reason = "Leptos #[component] expands to pub items")]
// Natively only the model is built (for its tests): the pages that use it are wasm32-only.
#![cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]

mod model;

#[cfg(target_arch = "wasm32")]
mod agency;
#[cfg(target_arch = "wasm32")]
mod app;
#[cfg(target_arch = "wasm32")]
mod components;
#[cfg(target_arch = "wasm32")]
mod config;
#[cfg(target_arch = "wasm32")]
mod pages;
#[cfg(target_arch = "wasm32")]
mod session;

#[cfg(target_arch = "wasm32")]
fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!(
        "The web app runs in the browser: `cargo xtask dev` builds it with trunk and serves it."
    );
}
