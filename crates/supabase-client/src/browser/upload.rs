//! Uploads with progress. fetch() cannot report upload progress, XMLHttpRequest can.

use super::js_error;
use crate::error::Error;
use crate::request::HttpResponse;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, ProgressEvent, XmlHttpRequest};

/// POST `blob` to `url` with `headers`, calling `on_progress(sent_bytes, total_bytes)` as it
/// goes. Resolves with the response once the upload is answered.
pub async fn upload_with_progress(
    url: &str,
    headers: &[(String, String)],
    blob: &Blob,
    on_progress: impl Fn(f64, f64) + 'static,
) -> Result<HttpResponse, Error> {
    let xhr = XmlHttpRequest::new().map_err(js_error)?;
    xhr.open_with_async("POST", url, true).map_err(js_error)?;
    for (name, value) in headers {
        xhr.set_request_header(name, value).map_err(js_error)?;
    }
    let progress = Closure::<dyn FnMut(ProgressEvent)>::new(move |event: ProgressEvent| {
        if event.length_computable() {
            on_progress(event.loaded(), event.total());
        }
    });
    xhr.upload()
        .map_err(js_error)?
        .set_onprogress(Some(progress.as_ref().unchecked_ref()));

    let mut handlers: Vec<Closure<dyn FnMut(JsValue)>> = Vec::new();
    let finished = js_sys::Promise::new(&mut |resolve, reject| {
        let done = Closure::<dyn FnMut(JsValue)>::new(move |_| {
            resolve.call0(&JsValue::NULL).ok();
        });
        let failed = Closure::<dyn FnMut(JsValue)>::new(move |_| {
            reject
                .call1(
                    &JsValue::NULL,
                    &JsValue::from_str("the upload was interrupted"),
                )
                .ok();
        });
        xhr.set_onload(Some(done.as_ref().unchecked_ref()));
        xhr.set_onerror(Some(failed.as_ref().unchecked_ref()));
        xhr.set_onabort(Some(failed.as_ref().unchecked_ref()));
        handlers.push(done);
        handlers.push(failed);
    });
    xhr.send_with_opt_blob(Some(blob)).map_err(js_error)?;
    JsFuture::from(finished).await.map_err(js_error)?;
    drop(progress);
    drop(handlers);

    let status = xhr.status().map_err(js_error)?;
    let raw_headers = xhr.get_all_response_headers().map_err(js_error)?;
    let headers = raw_headers
        .lines()
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    let body = xhr
        .response_text()
        .map_err(js_error)?
        .unwrap_or_default()
        .into_bytes();
    Ok(HttpResponse {
        status,
        headers,
        body,
    })
}
