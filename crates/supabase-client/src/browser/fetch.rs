//! `fetch()` for an [`HttpRequest`].

use super::js_error;
use crate::error::Error;
use crate::request::{Body, HttpRequest, HttpResponse};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, Request, RequestInit, RequestMode, Response};

/// Send a request and read the whole response. Non-2xx statuses are returned, not errors:
/// the caller decodes them (each service has its error shape).
pub async fn send(request: &HttpRequest) -> Result<HttpResponse, Error> {
    let init = RequestInit::new();
    init.set_method(request.method.as_str());
    init.set_mode(RequestMode::Cors);
    let headers = Headers::new().map_err(js_error)?;
    for (name, value) in &request.headers {
        headers.set(name, value).map_err(js_error)?;
    }
    match &request.body {
        Some(Body::Json(text)) => {
            if !request
                .headers
                .iter()
                .any(|(name, _)| name.eq_ignore_ascii_case("content-type"))
            {
                headers
                    .set("Content-Type", "application/json")
                    .map_err(js_error)?;
            }
            init.set_body(&JsValue::from_str(text));
        }
        Some(Body::Bytes {
            content_type,
            bytes,
        }) => {
            headers
                .set("Content-Type", content_type)
                .map_err(js_error)?;
            init.set_body(&js_sys::Uint8Array::from(bytes.as_slice()));
        }
        None => {}
    }
    init.set_headers(&headers);
    let fetch_request = Request::new_with_str_and_init(&request.url, &init).map_err(js_error)?;
    let window = web_sys::window().ok_or_else(|| Error::Network("no window".to_owned()))?;
    let response: Response = JsFuture::from(window.fetch_with_request(&fetch_request))
        .await
        .map_err(js_error)?
        .dyn_into()
        .map_err(js_error)?;
    let mut response_headers = Vec::new();
    if let Ok(Some(iterator)) = js_sys::try_iter(&response.headers()) {
        for entry in iterator.flatten() {
            let pair = js_sys::Array::from(&entry);
            if let (Some(name), Some(value)) = (pair.get(0).as_string(), pair.get(1).as_string()) {
                response_headers.push((name.to_ascii_lowercase(), value));
            }
        }
    }
    let buffer = JsFuture::from(response.array_buffer().map_err(js_error)?)
        .await
        .map_err(js_error)?;
    Ok(HttpResponse {
        status: response.status(),
        headers: response_headers,
        body: js_sys::Uint8Array::new(&buffer).to_vec(),
    })
}
