//! Sending an object's bytes: headers from the row's `metadata`, the body streamed from its
//! version file, and `?download=` as an attachment with an RFC 5987 file name.

use super::StorageState;
use super::error::StorageError;
use axum::body::Body;
use axum::http::{HeaderValue, Response, header};
use serde_json::Value;

/// The parts of an object row needed to send it.
pub(super) struct StoredObject {
    pub(super) name: String,
    pub(super) version: Option<String>,
    pub(super) metadata: Option<Value>,
}

impl StoredObject {
    pub(super) fn from_row(row: &tokio_postgres::Row) -> StoredObject {
        StoredObject {
            name: row.get("name"),
            version: row.get("version"),
            metadata: row.get("metadata"),
        }
    }

    fn metadata_text(&self, key: &str) -> Option<&str> {
        self.metadata.as_ref()?.get(key)?.as_str()
    }
}

/// `?download` (empty: the object's own file name) and `?download=<name>`.
pub(super) fn attachment(object_name: &str, download: Option<&str>) -> Option<String> {
    let requested = download?;
    let file_name = if requested.is_empty() {
        object_name.rsplit('/').next().unwrap_or(object_name)
    } else {
        requested
    };
    let ascii: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = file_name
        .bytes()
        .map(|byte| {
            if byte.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&byte) {
                (byte as char).to_string()
            } else {
                format!("%{byte:02X}")
            }
        })
        .collect();
    Some(format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"
    ))
}

/// The response for an object: its bytes with Content-Type, Cache-Control, ETag and
/// Last-Modified from its metadata.
pub(super) async fn object_response(
    storage: &StorageState,
    object: &StoredObject,
    download: Option<&str>,
) -> Result<Response<Body>, StorageError> {
    let version = object
        .version
        .as_deref()
        .and_then(|version| version.parse::<uuid::Uuid>().ok())
        .ok_or_else(StorageError::object_not_found)?;
    let (file, size) = storage.files.read(version).await.map_err(|error| {
        if error.kind() == std::io::ErrorKind::NotFound {
            StorageError::object_not_found()
        } else {
            StorageError::internal(format!("reading the object failed: {error}"))
        }
    })?;
    let mut response = Response::new(Body::from_stream(tokio_util::io::ReaderStream::new(file)));
    let headers = response.headers_mut();
    let mut set = |name: header::HeaderName, value: Option<&str>| {
        if let Some(value) = value.and_then(|value| HeaderValue::from_str(value).ok()) {
            headers.insert(name, value);
        }
    };
    set(
        header::CONTENT_TYPE,
        Some(
            object
                .metadata_text("mimetype")
                .unwrap_or("application/octet-stream"),
        ),
    );
    set(header::CACHE_CONTROL, object.metadata_text("cacheControl"));
    set(header::ETAG, object.metadata_text("eTag"));
    let last_modified = object
        .metadata_text("lastModified")
        .and_then(|text| chrono::DateTime::parse_from_rfc3339(text).ok())
        .map(|time| {
            time.to_utc()
                .format("%a, %d %b %Y %H:%M:%S GMT")
                .to_string()
        });
    set(header::LAST_MODIFIED, last_modified.as_deref());
    set(header::CONTENT_LENGTH, Some(&size.to_string()));
    set(
        header::CONTENT_DISPOSITION,
        attachment(&object.name, download).as_deref(),
    );
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_attachments_safely() {
        assert_eq!(attachment("a/b/call.vtt", None), None);
        assert_eq!(
            attachment("a/b/call.vtt", Some("")).unwrap(),
            "attachment; filename=\"call.vtt\"; filename*=UTF-8''call.vtt"
        );
        assert_eq!(
            attachment("x", Some("Q3 \"réunion\".txt")).unwrap(),
            "attachment; filename=\"Q3 _r_union_.txt\"; filename*=UTF-8''Q3%20%22r%C3%A9union%22.txt"
        );
        let header_safe = attachment("x", Some("evil\r\nSet-Cookie: a=b")).unwrap();
        assert!(!header_safe.contains('\r') && !header_safe.contains('\n'));
    }
}
