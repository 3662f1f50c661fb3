//! Bucket endpoints storage-js uses for setup and inspection: list, get and create, each as
//! the caller (RLS on `storage.buckets`; in practice the service role).

use super::access::{self, Requester};
use super::error::StorageError;
use super::names::validate_bucket_name;
use super::objects::BucketPath;
use crate::AppState;
use crate::db::Access;
use crate::settings::parse_size;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, Uri};
use serde::Deserialize;
use serde_json::{Value, json};

const BUCKET_JSON: &str = "json_build_object('id', id, 'name', name, 'owner', owner, \
    'owner_id', owner_id, 'public', public, 'type', type, 'file_size_limit', file_size_limit, \
    'allowed_mime_types', allowed_mime_types, 'created_at', created_at, 'updated_at', updated_at)";

pub(super) async fn list(
    State(state): State<AppState>,
    method: Method,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Json<Value>, StorageError> {
    let requester = Requester::new(&state, &method, uri.path(), &headers)?;
    let sql = format!("select {BUCKET_JSON} from storage.buckets order by name");
    let rows = access::query(
        &state,
        &requester,
        "bucket.list",
        Access::ReadOnly,
        &sql,
        &[],
    )
    .await?;
    Ok(Json(Value::Array(
        rows.iter().map(|row| row.get(0)).collect(),
    )))
}

pub(super) async fn get(
    State(state): State<AppState>,
    BucketPath(bucket): BucketPath,
    method: Method,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Json<Value>, StorageError> {
    let requester = Requester::new(&state, &method, uri.path(), &headers)?;
    let sql = format!("select {BUCKET_JSON} from storage.buckets where id = $1");
    let rows = access::query(
        &state,
        &requester,
        "bucket.get",
        Access::ReadOnly,
        &sql,
        &[&bucket],
    )
    .await?;
    rows.first()
        .map(|row| Json(row.get(0)))
        .ok_or_else(StorageError::bucket_not_found)
}

#[derive(Deserialize)]
struct CreateBucket {
    id: Option<String>,
    name: String,
    #[serde(default)]
    public: bool,
    file_size_limit: Option<Value>,
    allowed_mime_types: Option<Vec<String>>,
}

/// `file_size_limit` as storage-js sends it: a number of bytes or a size like "5MB".
fn size_limit(value: Option<&Value>) -> Result<Option<i64>, StorageError> {
    let invalid = || {
        StorageError::invalid_request("Invalid file size format, hint: use 20GB / 20MB / 30KB / 3B")
    };
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(number)) => number
            .as_i64()
            .filter(|n| *n >= 0)
            .map(Some)
            .ok_or_else(invalid),
        Some(Value::String(text)) => parse_size(text)
            .ok()
            .and_then(|bytes| i64::try_from(bytes).ok())
            .map(Some)
            .ok_or_else(invalid),
        Some(_) => Err(invalid()),
    }
}

pub(super) async fn create(
    State(state): State<AppState>,
    method: Method,
    headers: HeaderMap,
    uri: Uri,
    body: Bytes,
) -> Result<Json<Value>, StorageError> {
    let request: CreateBucket = serde_json::from_slice(&body)
        .map_err(|error| StorageError::invalid_request(format!("Invalid request body: {error}")))?;
    let id = request.id.clone().unwrap_or_else(|| request.name.clone());
    validate_bucket_name(&id)?;
    validate_bucket_name(&request.name)?;
    let file_size_limit = size_limit(request.file_size_limit.as_ref())?;
    let requester = Requester::new(&state, &method, uri.path(), &headers)?;
    access::query(
        &state,
        &requester,
        "bucket.create",
        Access::ReadWrite,
        "insert into storage.buckets \
         (id, name, owner, owner_id, public, file_size_limit, allowed_mime_types) \
         values ($1, $2, $3, $4, $5, $6, $7)",
        &[
            &id,
            &request.name,
            &requester.owner_uuid(),
            &requester.owner_id(),
            &request.public,
            &file_size_limit,
            &request.allowed_mime_types,
        ],
    )
    .await?;
    Ok(Json(json!({"name": id})))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_size_limits_as_numbers_or_sizes() {
        assert_eq!(size_limit(None).unwrap(), None);
        assert_eq!(size_limit(Some(&json!(1024))).unwrap(), Some(1024));
        assert_eq!(size_limit(Some(&json!("5MB"))).unwrap(), Some(5_000_000));
        assert!(size_limit(Some(&json!(-1))).is_err());
        assert!(size_limit(Some(&json!("lots"))).is_err());
        assert!(size_limit(Some(&json!([1]))).is_err());
    }
}
