//! The edge worker: crates/engine as a Wasm module for Supabase Edge Functions (Deno).
//!
//! Every export takes JSON (or bytes) and returns a JSON string, always in the same envelope:
//! `{"ok": true, "value": …}` or `{"ok": false, "error": {"kind", "message", …}}` (see
//! [`error::Error`]). Bad input is an error value, never a trap. A panic would be a bug in the
//! engine: the panic hook records its message, which `last_panic()` returns after the trap, so
//! the glue can report it (and load a fresh instance).
//!
//! Operations (see [`api`] for the input and output shapes):
//! - `parse(file_name, bytes, options)`: one uploaded file → canonical transcript + hashes;
//! - `parse_manifest(csv)`: a manifest / CSV of links → rows;
//! - `analyze_batch(input)`: transcript rows → per-transcript insight rows + a batch partial;
//! - `merge_partials(input)`, `finish(input)`: partials → one partial → the report;
//! - `finish_job(input)`: the last step of a job: the report and 9 content drafts;
//! - `generate(input)`, `lint(input)`: content for one stage, and its lint;
//! - `score_patterns(input)`: pattern ranking by shrunk show rates.
//!
//! Architecture invariant: no I/O and no logic of its own beyond mapping rows to engine inputs;
//! the engine decides, the Edge Functions move data.

pub mod api;
pub mod error;
pub mod rows;

use serde::Serialize;
use std::sync::Mutex;
use wasm_bindgen::prelude::wasm_bindgen;

/// Wraps a result in the envelope.
pub fn envelope<T: Serialize>(result: error::Result<T>) -> String {
    let body =
        match result {
            Ok(value) => serde_json::to_string(&value)
                .map(|value| format!(r#"{{"ok":true,"value":{value}}}"#)),
            Err(error) => serde_json::to_string(&error)
                .map(|error| format!(r#"{{"ok":false,"error":{error}}}"#)),
        };
    body.unwrap_or_else(|e| {
        format!(
            r#"{{"ok":false,"error":{{"kind":"panic","message":{}}}}}"#,
            serde_json::Value::from(format!("the result could not be written as JSON: {e}"))
        )
    })
}

static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);

/// Installs the panic hook (runs when the module is instantiated).
#[wasm_bindgen(start)]
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_owned());
        let location = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        if let Ok(mut last) = LAST_PANIC.lock() {
            *last = Some(format!("the engine panicked{location}: {message}"));
        }
    }));
}

/// The message of the last panic (then cleared), after a call trapped.
#[wasm_bindgen]
pub fn last_panic() -> Option<String> {
    LAST_PANIC.lock().ok().and_then(|mut last| last.take())
}

/// The engine and partial-format versions, e.g. `{"worker":"0.1.0","partial_version":1}`.
#[wasm_bindgen]
pub fn version() -> String {
    serde_json::json!({
        "worker": env!("CARGO_PKG_VERSION"),
        "partial_version": engine::batch::PARTIAL_VERSION,
    })
    .to_string()
}

/// See [`api::parse`].
#[wasm_bindgen]
pub fn parse(file_name: &str, bytes: &[u8], options: &str) -> String {
    envelope(api::parse(file_name, bytes, options))
}

/// See [`api::parse_manifest`].
#[wasm_bindgen]
pub fn parse_manifest(csv: &[u8]) -> String {
    envelope(api::parse_manifest(csv))
}

/// See [`api::analyze_batch`].
#[wasm_bindgen]
pub fn analyze_batch(input: &str) -> String {
    envelope(api::analyze_batch(input))
}

/// See [`api::merge_partials`].
#[wasm_bindgen]
pub fn merge_partials(input: &str) -> String {
    envelope(api::merge_partials(input))
}

/// See [`api::finish`].
#[wasm_bindgen]
pub fn finish(input: &str) -> String {
    envelope(api::finish(input))
}

/// See [`api::finish_job`].
#[wasm_bindgen]
pub fn finish_job(input: &str) -> String {
    envelope(api::finish_job(input))
}

/// See [`api::generate`].
#[wasm_bindgen]
pub fn generate(input: &str) -> String {
    envelope(api::generate(input))
}

/// See [`api::lint`].
#[wasm_bindgen]
pub fn lint(input: &str) -> String {
    envelope(api::lint(input))
}

/// See [`api::score_patterns`].
#[wasm_bindgen]
pub fn score_patterns(input: &str) -> String {
    envelope(api::score_patterns(input))
}
