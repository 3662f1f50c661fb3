//! Reading an upload request the way storage-js sends it (contract §4.1): either
//! `multipart/form-data` with the fields `cacheControl` and optional `metadata` before the
//! file part, or a raw body with `content-type`, `cache-control` and a base64 JSON
//! `x-metadata` header.

use super::error::StorageError;
use axum::body::Body;
use axum::http::{HeaderMap, header};
use base64::Engine;
use bytes::Bytes;
use futures_util::Stream;
use serde_json::Value;
use std::pin::Pin;

/// Fields before the file part in a multipart upload (hosted allows 10).
const MAX_FORM_FIELDS: usize = 10;
/// Largest non-file form field.
const MAX_FORM_FIELD_BYTES: u64 = 64 * 1024;

/// What an upload says about its object, besides the bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct UploadHead {
    pub content_type: String,
    pub cache_control: String,
    pub user_metadata: Option<Value>,
}

/// The bytes of an upload, as a stream.
pub type ByteStream = Pin<Box<dyn Stream<Item = Result<Bytes, String>> + Send>>;

/// Split an upload request into its head and its byte stream.
pub async fn read_upload(
    headers: &HeaderMap,
    body: Body,
) -> Result<(UploadHead, ByteStream), StorageError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("");
    if content_type
        .to_ascii_lowercase()
        .starts_with("multipart/form-data")
    {
        let boundary = multer::parse_boundary(content_type)
            .map_err(|_| StorageError::invalid_request("Malformed multipart boundary"))?;
        return read_multipart(multer::Multipart::new(body.into_data_stream(), boundary)).await;
    }
    let head = UploadHead {
        content_type: non_empty(content_type)
            .unwrap_or("application/octet-stream")
            .to_owned(),
        cache_control: headers
            .get(header::CACHE_CONTROL)
            .and_then(|value| value.to_str().ok())
            .and_then(non_empty)
            .unwrap_or("no-cache")
            .to_owned(),
        user_metadata: match headers.get("x-metadata") {
            Some(value) => Some(decode_x_metadata(value.as_bytes())?),
            None => None,
        },
    };
    let stream = futures_util::StreamExt::map(body.into_data_stream(), |chunk| {
        chunk.map_err(|error| error.to_string())
    });
    Ok((head, Box::pin(stream)))
}

fn non_empty(text: &str) -> Option<&str> {
    let text = text.trim();
    (!text.is_empty()).then_some(text)
}

/// `x-metadata`: base64 of a JSON object.
fn decode_x_metadata(value: &[u8]) -> Result<Value, StorageError> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(value)
        .map_err(|_| StorageError::invalid_request("Invalid x-metadata header: not base64"))?;
    parse_metadata(&bytes)
}

fn parse_metadata(bytes: &[u8]) -> Result<Value, StorageError> {
    match serde_json::from_slice::<Value>(bytes) {
        Ok(value @ Value::Object(_)) => Ok(value),
        _ => Err(StorageError::invalid_request(
            "Invalid metadata: expected a JSON object",
        )),
    }
}

/// Read form fields up to the file part (the part with a file name, or storage-js's part
/// named ""), then hand out the file part as the byte stream.
pub async fn read_multipart(
    mut multipart: multer::Multipart<'static>,
) -> Result<(UploadHead, ByteStream), StorageError> {
    let mut cache_control = None;
    let mut user_metadata = None;
    let malformed = |error: multer::Error| {
        StorageError::invalid_request(format!("Malformed multipart body: {error}"))
    };
    for _ in 0..=MAX_FORM_FIELDS {
        let Some(field) = multipart.next_field().await.map_err(malformed)? else {
            break;
        };
        let is_file = field.file_name().is_some() || field.name().is_none_or(str::is_empty);
        if is_file {
            let head = UploadHead {
                content_type: field
                    .content_type()
                    .map(ToString::to_string)
                    .unwrap_or_else(|| "application/octet-stream".to_owned()),
                cache_control: cache_control
                    .map(|seconds: String| format!("max-age={seconds}"))
                    .unwrap_or_else(|| "no-cache".to_owned()),
                user_metadata,
            };
            let stream = futures_util::StreamExt::map(field, |chunk| {
                chunk.map_err(|error| error.to_string())
            });
            return Ok((head, Box::pin(stream)));
        }
        let name = field.name().unwrap_or_default().to_owned();
        let text = read_small_field(field).await?;
        match name.as_str() {
            "cacheControl" => cache_control = non_empty(&text).map(str::to_owned),
            "metadata" => user_metadata = Some(parse_metadata(text.as_bytes())?),
            _ => {}
        }
    }
    Err(StorageError::invalid_request("No file provided"))
}

async fn read_small_field(mut field: multer::Field<'static>) -> Result<String, StorageError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(|error| {
        StorageError::invalid_request(format!("Malformed multipart body: {error}"))
    })? {
        if (bytes.len() + chunk.len()) as u64 > MAX_FORM_FIELD_BYTES {
            return Err(StorageError::invalid_request("Form field too large"));
        }
        bytes.extend_from_slice(&chunk);
    }
    String::from_utf8(bytes).map_err(|_| StorageError::invalid_request("Form field is not UTF-8"))
}

/// Whether `allowed` (a bucket's `allowed_mime_types`, with `type/*` wildcards) admits
/// `content_type`. Parameters such as `;charset=UTF-8` are ignored.
pub fn mime_type_allowed(content_type: &str, allowed: &[String]) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let Some((kind, _)) = essence.split_once('/') else {
        return false;
    };
    allowed.iter().any(|pattern| {
        let pattern = pattern.trim().to_ascii_lowercase();
        pattern == essence
            || pattern == "*/*"
            || pattern
                .strip_suffix("/*")
                .is_some_and(|prefix| prefix == kind)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;
    use futures_util::StreamExt;

    async fn collect(mut stream: ByteStream) -> Vec<u8> {
        let mut bytes = Vec::new();
        while let Some(chunk) = stream.next().await {
            bytes.extend_from_slice(&chunk.unwrap());
        }
        bytes
    }

    /// A body as undici (Node's fetch, which supabase-js uses) writes for
    /// `upload(path, new Blob([...], {type}), {cacheControl: '60', metadata})`.
    fn storage_js_multipart(boundary: &str, file: &[u8]) -> Vec<u8> {
        let mut body = Vec::new();
        let part = |name: &str, value: &str| {
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
        };
        body.extend(part("cacheControl", "60").as_bytes());
        body.extend(part("metadata", r#"{"client":"c1"}"#).as_bytes());
        body.extend(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"\"; filename=\"blob\"\r\nContent-Type: text/vtt\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend(file);
        body.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
        body
    }

    #[tokio::test]
    async fn reads_storage_js_multipart_uploads() {
        let boundary = "----formdata-undici-0123456789";
        let file = b"WEBVTT\r\n\r\n00:00.000 --> 00:01.000\r\nhello";
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_str(&format!("multipart/form-data; boundary={boundary}")).unwrap(),
        );
        let body = Body::from(storage_js_multipart(boundary, file));
        let (head, stream) = read_upload(&headers, body).await.unwrap();
        assert_eq!(head.content_type, "text/vtt");
        assert_eq!(head.cache_control, "max-age=60");
        assert_eq!(
            head.user_metadata,
            Some(serde_json::json!({"client": "c1"}))
        );
        assert_eq!(collect(stream).await, file);
    }

    #[tokio::test]
    async fn refuses_multipart_without_a_file_or_with_bad_metadata() {
        let boundary = "b";
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("multipart/form-data; boundary=b"),
        );
        let only_fields = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"cacheControl\"\r\n\r\n60\r\n--{boundary}--\r\n"
        );
        let error = read_upload(&headers, Body::from(only_fields))
            .await
            .err()
            .unwrap();
        assert_eq!(error.message, "No file provided");

        let bad_metadata = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"metadata\"\r\n\r\n[1]\r\n--{boundary}--\r\n"
        );
        let error = read_upload(&headers, Body::from(bad_metadata))
            .await
            .err()
            .unwrap();
        assert_eq!(error.code, "InvalidRequest");

        let garbage = read_upload(&headers, Body::from("not multipart at all")).await;
        assert!(garbage.is_err());
    }

    #[tokio::test]
    async fn reads_raw_uploads_with_headers() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain;charset=UTF-8"),
        );
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("max-age=3600"),
        );
        // base64 of {"a":1}
        headers.insert("x-metadata", HeaderValue::from_static("eyJhIjoxfQ=="));
        let (head, stream) = read_upload(&headers, Body::from("plain text"))
            .await
            .unwrap();
        assert_eq!(head.content_type, "text/plain;charset=UTF-8");
        assert_eq!(head.cache_control, "max-age=3600");
        assert_eq!(head.user_metadata, Some(serde_json::json!({"a": 1})));
        assert_eq!(collect(stream).await, b"plain text");

        let (defaults, _) = read_upload(&HeaderMap::new(), Body::empty()).await.unwrap();
        assert_eq!(defaults.content_type, "application/octet-stream");
        assert_eq!(defaults.cache_control, "no-cache");
        assert_eq!(defaults.user_metadata, None);

        let mut bad = HeaderMap::new();
        bad.insert("x-metadata", HeaderValue::from_static("%%%"));
        assert!(read_upload(&bad, Body::empty()).await.is_err());
    }

    #[test]
    fn matches_allowed_mime_types() {
        let allowed = vec!["text/plain".to_owned(), "image/*".to_owned()];
        assert!(mime_type_allowed("text/plain;charset=UTF-8", &allowed));
        assert!(mime_type_allowed("TEXT/PLAIN", &allowed));
        assert!(mime_type_allowed("image/png", &allowed));
        assert!(!mime_type_allowed("text/html", &allowed));
        assert!(!mime_type_allowed("application/pdf", &allowed));
        assert!(!mime_type_allowed("imagepng", &allowed));
        assert!(!mime_type_allowed("image", &["image/*".to_owned()]));
    }
}
