//! The page's end of the parse worker (`crates/parse-worker`): the engine's ingest runs in a
//! Web Worker, fetched when the Transcripts page opens (it is not in the app's initial
//! download), so hundreds of dropped files are parsed without freezing the page.
//!
//! Files are sent as transferred ArrayBuffers; each answer goes to the callback given with
//! its request. If the worker fails (it did not load, or stopped), every waiting request is
//! answered with an error the user can act on, and the next request starts a fresh worker.

use engine::ingest::IngestedFile;
use serde_json::Value;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use web_sys::{MessageEvent, Worker};

/// Where trunk puts the worker's loader (workers are not file-hashed).
const WORKER_URL: &str = "/parse-worker_loader.js";
/// A worker that is not ready by then is given up.
const START_TIMEOUT_MS: i32 = 30_000;

const STOPPED: &str = "The file reader stopped while reading this file. Try again; if it happens again, the file may be damaged.";
const NOT_STARTED: &str = "The file reader could not start. Reload the page and try again.";

type Reply = Box<dyn FnOnce(Result<Value, String>)>;

struct Request {
    id: u32,
    name: String,
    bytes: js_sys::ArrayBuffer,
    manifest: bool,
}

#[derive(Default)]
struct State {
    worker: Option<Worker>,
    ready: bool,
    next_id: u32,
    /// Not sent yet (the worker is starting).
    waiting: Vec<Request>,
    /// Sent or waiting, by id.
    replies: BTreeMap<u32, Reply>,
    handlers: Vec<Closure<dyn FnMut(JsValue)>>,
}

/// The parse worker. Cheap to clone; the worker stops when the last clone is dropped.
#[derive(Clone, Default)]
pub(crate) struct Parser {
    state: Rc<RefCell<State>>,
}

impl Drop for State {
    fn drop(&mut self) {
        if let Some(worker) = self.worker.take() {
            worker.terminate();
        }
    }
}

impl Parser {
    /// Start the worker now (so it is ready by the time the first file is dropped).
    pub(crate) fn warm_up(&self) {
        self.ensure_worker();
    }

    /// Parse a transcript file.
    pub(crate) fn transcript(
        &self,
        name: &str,
        bytes: js_sys::ArrayBuffer,
        reply: impl FnOnce(Result<IngestedFile, String>) + 'static,
    ) {
        self.send(
            name,
            bytes,
            false,
            Box::new(move |answer| {
                reply(answer.and_then(|value| {
                    serde_json::from_value::<IngestedFile>(
                        value.get("file").cloned().unwrap_or(Value::Null),
                    )
                    .map_err(|_| STOPPED.to_owned())
                }))
            }),
        );
    }

    /// Read an outcome manifest (CSV) that later files take their metadata from; answers the
    /// number of rows.
    pub(crate) fn manifest(
        &self,
        name: &str,
        bytes: js_sys::ArrayBuffer,
        reply: impl FnOnce(Result<u64, String>) + 'static,
    ) {
        self.send(
            name,
            bytes,
            true,
            Box::new(move |answer| {
                reply(
                    answer.map(|value| value.get("manifest").and_then(Value::as_u64).unwrap_or(0)),
                )
            }),
        );
    }

    fn send(&self, name: &str, bytes: js_sys::ArrayBuffer, manifest: bool, reply: Reply) {
        self.ensure_worker();
        let mut state = self.state.borrow_mut();
        let id = state.next_id;
        state.next_id += 1;
        state.replies.insert(id, reply);
        let request = Request {
            id,
            name: name.to_owned(),
            bytes,
            manifest,
        };
        if state.ready {
            post(state.worker.as_ref(), request);
        } else {
            state.waiting.push(request);
        }
    }

    fn ensure_worker(&self) {
        if self.state.borrow().worker.is_some() {
            return;
        }
        let worker = match Worker::new(WORKER_URL) {
            Ok(worker) => worker,
            Err(_) => {
                self.fail_all(NOT_STARTED);
                return;
            }
        };
        let weak = Rc::downgrade(&self.state);
        let on_message = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
            let Some(state) = weak.upgrade() else {
                return;
            };
            let parser = Parser { state };
            let Some(text) = event
                .dyn_into::<MessageEvent>()
                .ok()
                .and_then(|event| event.data().as_string())
            else {
                return;
            };
            parser.received(&text);
        });
        let weak = Rc::downgrade(&self.state);
        let on_error = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
            if let Ok(event) = event.dyn_into::<web_sys::Event>() {
                event.prevent_default();
            }
            if let Some(state) = weak.upgrade() {
                Parser { state }.stopped();
            }
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        {
            let mut state = self.state.borrow_mut();
            state.worker = Some(worker);
            state.ready = false;
            state.handlers = vec![on_message, on_error];
        }
        let weak = Rc::downgrade(&self.state);
        let give_up = Closure::once_into_js(move || {
            if let Some(state) = weak.upgrade() {
                let parser = Parser { state };
                if !parser.state.borrow().ready && parser.state.borrow().worker.is_some() {
                    parser.drop_worker();
                    parser.fail_all(NOT_STARTED);
                }
            }
        });
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
                give_up.unchecked_ref(),
                START_TIMEOUT_MS,
            );
        }
    }

    fn received(&self, text: &str) {
        let Ok(answer) = serde_json::from_str::<Value>(text) else {
            return;
        };
        if answer.get("ready").and_then(Value::as_bool) == Some(true) {
            let mut state = self.state.borrow_mut();
            state.ready = true;
            let waiting = std::mem::take(&mut state.waiting);
            for request in waiting {
                post(state.worker.as_ref(), request);
            }
            return;
        }
        let Some(id) = answer
            .get("id")
            .and_then(Value::as_f64)
            .filter(|id| *id >= 0.0)
            .map(|id| id as u32)
        else {
            return;
        };
        let reply = self.state.borrow_mut().replies.remove(&id);
        if let Some(reply) = reply {
            match answer.get("error").and_then(Value::as_str) {
                Some(reason) => reply(Err(reason.to_owned())),
                None => reply(Ok(answer)),
            }
        }
    }

    /// The worker failed: answer everyone, start afresh next time.
    fn stopped(&self) {
        let was_ready = self.state.borrow().ready;
        self.drop_worker();
        self.fail_all(if was_ready { STOPPED } else { NOT_STARTED });
    }

    fn drop_worker(&self) {
        let mut state = self.state.borrow_mut();
        if let Some(worker) = state.worker.take() {
            worker.terminate();
        }
        state.ready = false;
        state.waiting.clear();
    }

    fn fail_all(&self, reason: &str) {
        let replies = std::mem::take(&mut self.state.borrow_mut().replies);
        for (_, reply) in replies {
            reply(Err(reason.to_owned()));
        }
    }
}

fn post(worker: Option<&Worker>, request: Request) {
    let Some(worker) = worker else {
        return;
    };
    let message = js_sys::Object::new();
    let set = |key: &str, value: &JsValue| {
        let _ = js_sys::Reflect::set(&message, &JsValue::from_str(key), value);
    };
    set("id", &JsValue::from_f64(f64::from(request.id)));
    set("name", &JsValue::from_str(&request.name));
    set("bytes", &request.bytes);
    set("manifest", &JsValue::from_bool(request.manifest));
    let transfer = js_sys::Array::of1(&request.bytes);
    if worker
        .post_message_with_transfer(&message, &transfer)
        .is_err()
    {
        let _ = worker.post_message(&message);
    }
}
