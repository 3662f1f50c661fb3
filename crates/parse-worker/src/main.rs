//! The parse worker: a Web Worker running the engine's ingest (format detection, decoding,
//! parsing, metadata) so that hundreds of dropped files are read without freezing the page.
//!
//! Protocol (the browser app's `pages::client::transcripts::parser` speaks it):
//! - the worker posts `{"ready":true}` once it can take files (messages sent before that
//!   would be lost, so the page waits for it);
//! - the page posts `{id, name, bytes}` (`bytes` an ArrayBuffer, transferred), with
//!   `manifest: true` for an outcome manifest (CSV) that later files take their outcome from;
//! - the worker answers with a JSON string per message, see [`protocol::Parser`].
//!
//! Only this crate and `engine` are in the worker's Wasm; the page's own bundle does not carry
//! the engine's parsers.

// Natively only the protocol is built (for its tests): the worker itself is wasm32-only.
#![cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]

mod protocol;

#[cfg(target_arch = "wasm32")]
fn main() {
    use wasm_bindgen::{JsCast, JsValue, closure::Closure};
    use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let responder = scope.clone();
    let mut parser = protocol::Parser::default();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let data = event.data();
        let field = |name: &str| js_sys::Reflect::get(&data, &JsValue::from_str(name)).ok();
        let id = field("id").and_then(|value| value.as_f64()).unwrap_or(-1.0);
        let name = field("name")
            .and_then(|value| value.as_string())
            .unwrap_or_default();
        let bytes = field("bytes")
            .filter(|value| value.is_instance_of::<js_sys::ArrayBuffer>())
            .map(|buffer| js_sys::Uint8Array::new(&buffer).to_vec())
            .unwrap_or_default();
        let is_manifest = field("manifest").is_some_and(|value| value.is_truthy());
        let answer = if is_manifest {
            parser.manifest(id, &bytes)
        } else {
            parser.transcript(id, &name, &bytes)
        };
        let _ = responder.post_message(&JsValue::from_str(&answer));
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    let _ = scope.post_message(&JsValue::from_str(protocol::READY));
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("The parse worker runs in the browser: trunk builds it with the web app.");
}
