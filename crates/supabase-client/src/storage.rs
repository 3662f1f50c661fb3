//! Storage: object paths and requests (storage-js's layout).

use crate::config::ClientConfig;
use crate::request::{HttpRequest, Method};
use serde_json::json;

/// Percent-encode each segment of an object path, keeping the `/` separators.
pub fn encode_path(path: &str) -> String {
    path.trim_start_matches('/')
        .split('/')
        .filter(|segment| !segment.is_empty())
        .map(|segment| {
            form_urlencoded::byte_serialize(segment.as_bytes())
                .collect::<String>()
                .replace('+', "%20")
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// The URL of an object for upload (POST) or download (GET).
pub fn object_url(config: &ClientConfig, bucket: &str, path: &str) -> String {
    format!(
        "{}/object/{}/{}",
        config.storage_url(),
        bucket,
        encode_path(path)
    )
}

/// Download an object (needs a session whose RLS lets it SELECT the object).
pub fn download(
    config: &ClientConfig,
    access_token: &str,
    bucket: &str,
    path: &str,
) -> HttpRequest {
    HttpRequest::new(
        Method::Get,
        object_url(config, bucket, path),
        config,
        Some(access_token),
    )
}

/// Remove objects; rows hidden by RLS are silently skipped, as on hosted.
pub fn remove(
    config: &ClientConfig,
    access_token: &str,
    bucket: &str,
    paths: &[String],
) -> HttpRequest {
    HttpRequest::new(
        Method::Delete,
        format!("{}/object/{bucket}", config.storage_url()),
        config,
        Some(access_token),
    )
    .header("Content-Type", "application/json")
    .json(&json!({"prefixes": paths}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_segments_not_separators() {
        assert_eq!(encode_path("/a b/c#d/ü.txt"), "a%20b/c%23d/%C3%BC.txt");
        let config = ClientConfig::new("http://x", "k");
        assert_eq!(
            object_url(&config, "transcripts", "ag/cl/f.vtt"),
            "http://x/storage/v1/object/transcripts/ag/cl/f.vtt"
        );
    }
}
