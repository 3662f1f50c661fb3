//! Web Locks: run async work while holding a named lock shared by every tab of the origin.

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{JsFuture, future_to_promise};

/// Run `work` while holding the Web Lock `name` (navigator.locks.request). Where the browser
/// has no Web Locks (or refuses the request), `work` runs directly.
pub async fn with_lock<F, Fut, T>(name: &str, work: F) -> T
where
    F: FnOnce() -> Fut + 'static,
    Fut: Future<Output = T> + 'static,
    T: 'static,
{
    let locks = web_sys::window()
        .map(|window| {
            js_sys::Reflect::get(&window.navigator(), &JsValue::from_str("locks"))
                .unwrap_or(JsValue::UNDEFINED)
        })
        .unwrap_or(JsValue::UNDEFINED);
    let request = js_sys::Reflect::get(&locks, &JsValue::from_str("request"))
        .ok()
        .and_then(|value| value.dyn_into::<js_sys::Function>().ok());
    let Some(request) = request.filter(|_| !locks.is_undefined()) else {
        return work().await;
    };
    let result: Rc<RefCell<Option<T>>> = Rc::new(RefCell::new(None));
    let slot = result.clone();
    let pending: Rc<RefCell<Option<F>>> = Rc::new(RefCell::new(Some(work)));
    let unrun = pending.clone();
    let callback = Closure::once_into_js(move |_lock: JsValue| -> js_sys::Promise {
        let work = pending.borrow_mut().take();
        future_to_promise(async move {
            if let Some(work) = work {
                let value = work().await;
                *slot.borrow_mut() = Some(value);
            }
            Ok(JsValue::UNDEFINED)
        })
    });
    if let Ok(promise) = request.call2(&locks, &JsValue::from_str(name), &callback)
        && let Ok(promise) = promise.dyn_into::<js_sys::Promise>()
    {
        let _ = JsFuture::from(promise).await;
    }
    let taken = result.borrow_mut().take();
    if let Some(value) = taken {
        return value;
    }
    // The lock request failed before running the work (e.g. an insecure context): run it
    // unlocked rather than not at all.
    let work = unrun
        .borrow_mut()
        .take()
        .expect("the lock callback neither ran nor left the work");
    work().await
}
