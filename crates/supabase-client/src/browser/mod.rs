//! Browser transport (wasm32 only): fetch, localStorage, Web Locks, uploads with progress,
//! the Realtime socket, and the session-keeping [`Client`].

mod client;
mod fetch;
mod locks;
pub mod realtime;
mod upload;

pub use client::{AuthEvent, Client};
pub use fetch::send;
pub use locks::with_lock;
pub use upload::upload_with_progress;

/// Seconds since the Unix epoch, from the browser clock.
pub fn now_unix() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

pub(crate) fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|window| window.local_storage().ok().flatten())
}

fn js_error(value: wasm_bindgen::JsValue) -> crate::Error {
    crate::Error::Network(value.as_string().unwrap_or_else(|| format!("{value:?}")))
}
