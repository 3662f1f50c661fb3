//! A thin Supabase client for ScaleStream's browser app.
//!
//! The protocol logic — building PostgREST URLs, auth requests and responses, session refresh
//! scheduling, Phoenix (Realtime) frames, Storage paths — is plain Rust with no browser types, so
//! it is tested natively with `cargo test`. The browser transport (fetch, WebSocket,
//! localStorage, Web Locks, upload progress) lives in [`browser`] and only builds for wasm32.
//!
//! It knows HTTP and JSON, not Leptos: the web app wraps it in signals and resources.

pub mod auth;
pub mod config;
pub mod error;
pub mod functions;
pub mod postgrest;
pub mod realtime;
pub mod request;
pub mod session;
pub mod storage;

#[cfg(target_arch = "wasm32")]
pub mod browser;

pub use config::ClientConfig;
pub use error::Error;
pub use postgrest::Query;
pub use request::{Body, HttpRequest, HttpResponse, Method};
pub use session::Session;
