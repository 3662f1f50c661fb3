//! Object endpoints (contract §4.1): upload, download, info, list, remove and signed URLs.
//! Each is authorized exactly as §4.2 says: the statement hosted runs as the caller runs here
//! as the caller, and only the write that follows an allowed upload runs as the storage admin.

use super::access::{self, Requester};
use super::error::StorageError;
use super::files::ReceiveError;
use super::names::{validate_bucket_name, validate_object_name};
use super::serve::{StoredObject, object_response};
use super::signed;
use super::upload::{UploadHead, mime_type_allowed, read_upload};
use crate::AppState;
use crate::db::Access;
use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, Response, header};
use serde::Deserialize;
use serde_json::{Value, json};

/// Names at most one request may remove (hosted `MAX_OBJECTS_PER_REQUEST`).
const MAX_PREFIXES: usize = 1000;
/// Largest page of a listing.
const MAX_LIST_LIMIT: i64 = 10_000;

/// `/<bucket>/<name…>` from the route, percent-decoded and validated.
pub(super) struct ObjectPath {
    pub(super) bucket: String,
    pub(super) name: String,
    /// The request path, for `request.path`.
    pub(super) request_path: String,
}

impl<S: Send + Sync> FromRequestParts<S> for ObjectPath {
    type Rejection = StorageError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path((bucket, name)) = Path::<(String, String)>::from_request_parts(parts, state)
            .await
            .map_err(|_| StorageError::invalid_key(""))?;
        validate_bucket_name(&bucket)?;
        validate_object_name(&name)?;
        Ok(ObjectPath {
            bucket,
            name,
            request_path: parts.uri.path().to_owned(),
        })
    }
}

/// `/<bucket>` from the route, validated.
pub(super) struct BucketPath(pub(super) String);

impl<S: Send + Sync> FromRequestParts<S> for BucketPath {
    type Rejection = StorageError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path(bucket) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| StorageError::invalid_bucket_name())?;
        validate_bucket_name(&bucket)?;
        Ok(BucketPath(bucket))
    }
}

/// A JSON request body, with Storage errors instead of axum's rejections.
fn json_body<T: serde::de::DeserializeOwned>(body: &Bytes) -> Result<T, StorageError> {
    serde_json::from_slice(body)
        .map_err(|error| StorageError::invalid_request(format!("Invalid request body: {error}")))
}

/// A bucket as the upload checks see it (read as the storage admin, as hosted does).
struct BucketLimits {
    file_size_limit: Option<i64>,
    allowed_mime_types: Option<Vec<String>>,
}

async fn bucket_limits(state: &AppState, bucket: &str) -> Result<BucketLimits, StorageError> {
    let client = state.db.storage.get().await?;
    let row = client
        .query_opt(
            "select file_size_limit, allowed_mime_types from storage.buckets where id = $1",
            &[&bucket],
        )
        .await?
        .ok_or_else(StorageError::bucket_not_found)?;
    Ok(BucketLimits {
        file_size_limit: row.get(0),
        allowed_mime_types: row.get(1),
    })
}

// ---------------------------------------------------------------------------------------------
// Upload

pub(super) async fn upload(
    State(state): State<AppState>,
    path: ObjectPath,
    method: Method,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<Value>, StorageError> {
    let upsert = method == Method::PUT
        || headers
            .get("x-upsert")
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.eq_ignore_ascii_case("true"));
    store(&state, &path, &method, &headers, body, upsert).await
}

async fn store(
    state: &AppState,
    path: &ObjectPath,
    method: &Method,
    headers: &HeaderMap,
    body: Body,
    upsert: bool,
) -> Result<Json<Value>, StorageError> {
    let (requester, limit, allowed_mime_types) = match admit(state, path, method, headers).await {
        Ok(admitted) => admitted,
        Err(error) => {
            let global_limit = state.settings.storage.file_size_limit;
            drain_refused(body.into_data_stream(), &error, global_limit).await;
            return Err(error);
        }
    };
    let (head, mut stream) = read_upload(headers, body).await?;
    let checked = check_upload(state, path, &requester, allowed_mime_types, &head, upsert).await;
    if let Err(error) = checked {
        drain_refused(&mut stream, &error, limit).await;
        return Err(error);
    }

    let staged = state
        .storage
        .files
        .receive(stream, limit)
        .await
        .map_err(|error| match error {
            ReceiveError::TooLarge => StorageError::too_large(),
            ReceiveError::Body(message) => {
                StorageError::invalid_request(format!("Reading the upload failed: {message}"))
            }
            ReceiveError::Io(error) => {
                StorageError::internal(format!("Storing the upload failed: {error}"))
            }
        })?;
    let metadata = json!({
        "eTag": format!("\"{}\"", staged.md5),
        "size": staged.size,
        "mimetype": head.content_type,
        "cacheControl": head.cache_control,
        "lastModified": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "contentLength": staged.size,
        "httpStatusCode": 200,
    });
    let version = uuid::Uuid::new_v4();
    state
        .storage
        .files
        .publish(staged, version)
        .await
        .map_err(|error| StorageError::internal(format!("Storing the upload failed: {error}")))?;

    match commit_object(
        state,
        path,
        &requester,
        &metadata,
        version,
        &head.user_metadata,
        upsert,
    )
    .await
    {
        Ok((id, replaced)) => {
            if let Some(old) = replaced.and_then(|old| old.parse::<uuid::Uuid>().ok()) {
                state.storage.files.remove(old).await;
            }
            Ok(Json(
                json!({"Id": id, "Key": format!("{}/{}", path.bucket, path.name)}),
            ))
        }
        Err(error) => {
            state.storage.files.remove(version).await;
            Err(error)
        }
    }
}

/// The checks that need no body: the caller's token, the bucket (its size limit, with the
/// project's applied, and its MIME types) and a declared length over the limit.
async fn admit(
    state: &AppState,
    path: &ObjectPath,
    method: &Method,
    headers: &HeaderMap,
) -> Result<(Requester, u64, Option<Vec<String>>), StorageError> {
    let requester = Requester::new(state, method, &path.request_path, headers)?;
    let bucket = bucket_limits(state, &path.bucket).await?;
    let global_limit = state.settings.storage.file_size_limit;
    let limit = match bucket.file_size_limit {
        Some(bucket_limit) if bucket_limit > 0 => global_limit.min(bucket_limit as u64),
        _ => global_limit,
    };
    let declared_length = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    let is_multipart = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.to_ascii_lowercase().starts_with("multipart/"));
    if !is_multipart && declared_length.is_some_and(|length| length > limit) {
        return Err(StorageError::too_large());
    }
    Ok((requester, limit, bucket.allowed_mime_types))
}

/// The checks before the bytes are stored: the bucket admits the content type, and the
/// caller's own INSERT (or upsert) passes RLS (run as the caller, rolled back).
async fn check_upload(
    state: &AppState,
    path: &ObjectPath,
    requester: &Requester,
    allowed_mime_types: Option<Vec<String>>,
    head: &UploadHead,
    upsert: bool,
) -> Result<(), StorageError> {
    if let Some(allowed) = allowed_mime_types.filter(|allowed| !allowed.is_empty())
        && !mime_type_allowed(&head.content_type, &allowed)
    {
        return Err(StorageError::invalid_mime_type(&head.content_type));
    }
    let mut client = state.db.api.get().await?;
    let transaction = access::begin(
        state,
        &mut client,
        requester,
        "object.upload",
        Access::ReadWrite,
    )
    .await?;
    let placeholder_version = uuid::Uuid::new_v4().to_string();
    transaction
        .execute(
            &write_object_sql(upsert),
            &[
                &path.bucket,
                &path.name,
                &requester.owner_uuid(),
                &requester.owner_id(),
                &None::<Value>,
                &placeholder_version,
                &head.user_metadata,
            ],
        )
        .await?;
    transaction.rollback().await?;
    Ok(())
}

/// How long a refused upload's body is read and discarded at most.
const DRAIN_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// Read and discard the rest of a refused upload's body (up to `limit` bytes, for at most
/// `DRAIN_TIMEOUT`), so the client finishes sending and reads the error; answered while it is
/// still sending, it fails with EPIPE instead ("fetch failed"). A body over the size limit is
/// not read: its 413 goes out at once and the connection is closed.
async fn drain_refused<S, E>(mut body: S, error: &StorageError, limit: u64)
where
    S: futures_util::Stream<Item = Result<Bytes, E>> + Unpin,
{
    if error.status == 413 {
        return;
    }
    let discard = async {
        let mut seen: u64 = 0;
        while let Some(Ok(chunk)) = futures_util::StreamExt::next(&mut body).await {
            seen += chunk.len() as u64;
            if seen > limit {
                break;
            }
        }
    };
    // Past the deadline the connection is closed (`Connection: close`), as for any refusal.
    let _ = tokio::time::timeout(DRAIN_TIMEOUT, discard).await;
}

/// The row write: a plain INSERT, or hosted's upsert (INSERT … ON CONFLICT DO UPDATE, which
/// as the caller needs INSERT, SELECT and UPDATE policies).
fn write_object_sql(upsert: bool) -> String {
    let insert = "insert into storage.objects \
                  (bucket_id, name, owner, owner_id, metadata, version, user_metadata) \
                  values ($1, $2, $3, $4, $5, $6, $7)";
    if upsert {
        format!(
            "{insert} on conflict (bucket_id, name) do update set \
             owner = excluded.owner, owner_id = excluded.owner_id, metadata = excluded.metadata, \
             version = excluded.version, user_metadata = excluded.user_metadata, \
             last_accessed_at = now()"
        )
    } else {
        insert.to_owned()
    }
}

/// Write the row as the storage admin; returns the object id and the version it replaced.
async fn commit_object(
    state: &AppState,
    path: &ObjectPath,
    requester: &Requester,
    metadata: &Value,
    version: uuid::Uuid,
    user_metadata: &Option<Value>,
    upsert: bool,
) -> Result<(uuid::Uuid, Option<String>), StorageError> {
    let mut client = state.db.storage.get().await?;
    let transaction = client.transaction().await?;
    let replaced: Option<String> = if upsert {
        transaction
            .query_opt(
                "select version from storage.objects where bucket_id = $1 and name = $2 for update",
                &[&path.bucket, &path.name],
            )
            .await?
            .and_then(|row| row.get(0))
    } else {
        None
    };
    let row = transaction
        .query_one(
            &format!("{} returning id", write_object_sql(upsert)),
            &[
                &path.bucket,
                &path.name,
                &requester.owner_uuid(),
                &requester.owner_id(),
                metadata,
                &version.to_string(),
                user_metadata,
            ],
        )
        .await?;
    transaction.commit().await?;
    Ok((row.get(0), replaced))
}

// ---------------------------------------------------------------------------------------------
// Download and info

#[derive(Deserialize)]
pub(super) struct DownloadQuery {
    download: Option<String>,
}

/// Find an object the caller may see (a SELECT as the caller).
async fn visible_object(
    state: &AppState,
    requester: &Requester,
    path: &ObjectPath,
    operation: &str,
) -> Result<tokio_postgres::Row, StorageError> {
    let rows = access::query(
        state,
        requester,
        operation,
        Access::ReadOnly,
        "select id, name, version, metadata, user_metadata, bucket_id, created_at, updated_at \
         from storage.objects where bucket_id = $1 and name = $2",
        &[&path.bucket, &path.name],
    )
    .await?;
    rows.into_iter()
        .next()
        .ok_or_else(StorageError::object_not_found)
}

pub(super) async fn download(
    State(state): State<AppState>,
    path: ObjectPath,
    method: Method,
    headers: HeaderMap,
    Query(query): Query<DownloadQuery>,
) -> Result<Response<Body>, StorageError> {
    let requester = Requester::new(&state, &method, &path.request_path, &headers)?;
    let row = visible_object(&state, &requester, &path, "object.get_authenticated").await?;
    object_response(
        &state.storage,
        &StoredObject::from_row(&row),
        query.download.as_deref(),
    )
    .await
}

pub(super) async fn info(
    State(state): State<AppState>,
    path: ObjectPath,
    method: Method,
    headers: HeaderMap,
) -> Result<Json<Value>, StorageError> {
    let requester = Requester::new(&state, &method, &path.request_path, &headers)?;
    let row = visible_object(&state, &requester, &path, "object.info").await?;
    let metadata: Option<Value> = row.get("metadata");
    let field = |key: &str| {
        metadata
            .as_ref()
            .and_then(|m| m.get(key))
            .cloned()
            .unwrap_or(Value::Null)
    };
    let created_at: Option<chrono::DateTime<chrono::Utc>> = row.get("created_at");
    let id: uuid::Uuid = row.get("id");
    Ok(Json(json!({
        "id": id,
        "name": row.get::<_, String>("name"),
        "version": row.get::<_, Option<String>>("version"),
        "bucket_id": row.get::<_, String>("bucket_id"),
        "size": field("size"),
        "content_type": field("mimetype"),
        "cache_control": field("cacheControl"),
        "etag": field("eTag"),
        "metadata": row.get::<_, Option<Value>>("user_metadata"),
        "last_modified": field("lastModified"),
        "created_at": created_at,
    })))
}

/// `GET /object/public/<bucket>/<name>`: no caller; only objects of public buckets.
pub(super) async fn public_download(
    State(state): State<AppState>,
    path: ObjectPath,
    Query(query): Query<DownloadQuery>,
) -> Result<Response<Body>, StorageError> {
    send_found_by_storage(
        &state,
        "select o.name, o.version, o.metadata from storage.objects o \
         join storage.buckets b on b.id = o.bucket_id \
         where b.id = $1 and b.public and o.name = $2",
        &path,
        query.download.as_deref(),
    )
    .await
}

/// Send the object `sql` finds as the storage admin (no caller: public and signed URLs).
async fn send_found_by_storage(
    state: &AppState,
    sql: &str,
    path: &ObjectPath,
    download: Option<&str>,
) -> Result<Response<Body>, StorageError> {
    let client = state.db.storage.get().await?;
    let row = client
        .query_opt(sql, &[&path.bucket, &path.name])
        .await?
        .ok_or_else(StorageError::object_not_found)?;
    drop(client);
    object_response(&state.storage, &StoredObject::from_row(&row), download).await
}

// ---------------------------------------------------------------------------------------------
// Signed URLs

#[derive(Deserialize)]
pub(super) struct SignedQuery {
    token: Option<String>,
    download: Option<String>,
}

/// `GET /object/sign/<bucket>/<name>?token=…`: the token is the authorization.
pub(super) async fn signed_download(
    State(state): State<AppState>,
    path: ObjectPath,
    Query(query): Query<SignedQuery>,
) -> Result<Response<Body>, StorageError> {
    let token = query.token.ok_or_else(|| {
        StorageError::invalid_request("querystring must have required property 'token'")
    })?;
    signed::verify(&state.jwt, &token, &path.bucket, &path.name)?;
    send_found_by_storage(
        &state,
        "select name, version, metadata from storage.objects where bucket_id = $1 and name = $2",
        &path,
        query.download.as_deref(),
    )
    .await
}

/// `expiresIn`: a whole number of seconds, at least 1.
fn expires_in(body: &Value) -> Result<i64, StorageError> {
    body.get("expiresIn")
        .and_then(Value::as_i64)
        .filter(|seconds| *seconds >= 1)
        .ok_or_else(|| StorageError::invalid_request("body/expiresIn must be an integer >= 1"))
}

/// `POST /object/sign/<bucket>/<name>` `{expiresIn}`: needs SELECT visibility.
pub(super) async fn sign(
    State(state): State<AppState>,
    path: ObjectPath,
    method: Method,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, StorageError> {
    let body: Value = json_body(&body)?;
    let seconds = expires_in(&body)?;
    let requester = Requester::new(&state, &method, &path.request_path, &headers)?;
    visible_object(&state, &requester, &path, "object.sign").await?;
    let url = signed::signed_url(&state.jwt, &path.bucket, &path.name, seconds);
    Ok(Json(json!({"signedURL": url})))
}

#[derive(Deserialize)]
struct SignManyRequest {
    paths: Vec<String>,
}

/// `POST /object/sign/<bucket>` `{expiresIn, paths}`: one entry per path, with an error for
/// paths the caller cannot see.
pub(super) async fn sign_many(
    State(state): State<AppState>,
    BucketPath(bucket): BucketPath,
    method: Method,
    headers: HeaderMap,
    uri: axum::http::Uri,
    body: Bytes,
) -> Result<Json<Value>, StorageError> {
    let value: Value = json_body(&body)?;
    let seconds = expires_in(&value)?;
    let request: SignManyRequest = serde_json::from_value(value)
        .map_err(|error| StorageError::invalid_request(format!("Invalid request body: {error}")))?;
    if request.paths.len() > MAX_PREFIXES {
        return Err(StorageError::invalid_request("Too many paths"));
    }
    let requester = Requester::new(&state, &method, uri.path(), &headers)?;
    let rows = access::query(
        &state,
        &requester,
        "object.sign_many",
        Access::ReadOnly,
        "select name from storage.objects where bucket_id = $1 and name = any($2)",
        &[&bucket, &request.paths],
    )
    .await?;
    let visible: std::collections::HashSet<String> = rows.iter().map(|row| row.get(0)).collect();
    let entries: Vec<Value> = request
        .paths
        .iter()
        .map(|name| {
            if visible.contains(name) {
                json!({"error": null, "path": name, "signedURL": signed::signed_url(&state.jwt, &bucket, name, seconds)})
            } else {
                json!({"error": "Either the object does not exist or you do not have access to it", "path": name, "signedURL": null})
            }
        })
        .collect();
    Ok(Json(Value::Array(entries)))
}

// ---------------------------------------------------------------------------------------------
// List

#[derive(Deserialize, Default)]
struct ListRequest {
    prefix: Option<String>,
    limit: Option<i64>,
    offset: Option<i64>,
    #[serde(rename = "sortBy")]
    sort_by: Option<SortBy>,
    search: Option<String>,
}

#[derive(Deserialize, Default)]
struct SortBy {
    column: Option<String>,
    order: Option<String>,
}

/// Escape LIKE wildcards so a prefix matches literally.
fn like_literal(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// The listing query, as hosted's `storage.search`: one level below `prefix`, folders (with
/// `id` null) first, then files, sorted and paged; rows the caller cannot see do not exist,
/// and neither do folders holding only such rows.
fn list_sql(column: &str, descending: bool) -> String {
    let direction = if descending { "desc" } else { "asc" };
    format!(
        "with matching as ( \
           select name, id, updated_at, created_at, last_accessed_at, metadata, path_tokens \
           from storage.objects where bucket_id = $1 and name ilike $2 escape '\\' \
         ), listing as ( \
           select path_tokens[$3] as name, null::uuid as id, null::timestamptz as updated_at, \
                  null::timestamptz as created_at, null::timestamptz as last_accessed_at, \
                  null::jsonb as metadata, 0 as kind \
           from matching where array_length(path_tokens, 1) <> $3 group by 1 \
           union all \
           select path_tokens[$3], id, updated_at, created_at, last_accessed_at, metadata, 1 \
           from matching where array_length(path_tokens, 1) = $3 \
         ) \
         select json_build_object('name', name, 'id', id, 'updated_at', updated_at, \
                'created_at', created_at, 'last_accessed_at', last_accessed_at, 'metadata', metadata) \
         from listing \
         order by kind, {column} {direction} nulls last, name {direction} \
         limit $4 offset $5"
    )
}

pub(super) async fn list(
    State(state): State<AppState>,
    BucketPath(bucket): BucketPath,
    method: Method,
    headers: HeaderMap,
    uri: axum::http::Uri,
    body: Bytes,
) -> Result<Json<Value>, StorageError> {
    let request: ListRequest = if body.is_empty() {
        ListRequest::default()
    } else {
        json_body(&body)?
    };
    let mut prefix = request.prefix.unwrap_or_default();
    prefix = prefix.trim_start_matches('/').to_owned();
    if !prefix.is_empty() && !prefix.ends_with('/') {
        prefix.push('/');
    }
    let level = i32::try_from(prefix.split('/').count()).unwrap_or(i32::MAX);
    let pattern = format!(
        "{}{}%",
        like_literal(&prefix),
        like_literal(request.search.as_deref().unwrap_or(""))
    );
    let sort = request.sort_by.unwrap_or_default();
    // Only these columns are ever interpolated into the query.
    let column = ["updated_at", "created_at", "last_accessed_at"]
        .into_iter()
        .find(|column| sort.column.as_deref() == Some(*column))
        .unwrap_or("name");
    let descending = sort
        .order
        .as_deref()
        .is_some_and(|order| order.eq_ignore_ascii_case("desc"));
    let limit = request.limit.unwrap_or(100).clamp(1, MAX_LIST_LIMIT);
    let offset = request.offset.unwrap_or(0).max(0);

    let requester = Requester::new(&state, &method, uri.path(), &headers)?;
    let rows = access::query(
        &state,
        &requester,
        "object.list",
        Access::ReadOnly,
        &list_sql(column, descending),
        &[&bucket, &pattern, &level, &limit, &offset],
    )
    .await?;
    Ok(Json(Value::Array(
        rows.iter().map(|row| row.get(0)).collect(),
    )))
}

// ---------------------------------------------------------------------------------------------
// Remove

#[derive(Deserialize)]
struct RemoveRequest {
    prefixes: Vec<String>,
}

/// Delete rows as the caller (DELETE … RETURNING: needs DELETE and SELECT policies; rows the
/// caller cannot see are skipped), commit, then remove their files.
async fn remove_names(
    state: &AppState,
    requester: &Requester,
    bucket: &str,
    names: &[String],
) -> Result<Vec<Value>, StorageError> {
    let rows = access::query(
        state,
        requester,
        "object.delete",
        Access::ReadWrite,
        "delete from storage.objects where bucket_id = $1 and name = any($2) \
         returning to_jsonb(objects.*) - 'path_tokens' - 'level', version",
        &[&bucket, &names],
    )
    .await?;
    let mut deleted = Vec::with_capacity(rows.len());
    for row in &rows {
        if let Some(version) = row
            .get::<_, Option<String>>(1)
            .and_then(|version| version.parse::<uuid::Uuid>().ok())
        {
            state.storage.files.remove(version).await;
        }
        deleted.push(row.get::<_, Value>(0));
    }
    Ok(deleted)
}

/// `DELETE /object/<bucket>` `{prefixes: [names]}`: the deleted rows.
pub(super) async fn remove(
    State(state): State<AppState>,
    BucketPath(bucket): BucketPath,
    method: Method,
    headers: HeaderMap,
    uri: axum::http::Uri,
    body: Bytes,
) -> Result<Json<Value>, StorageError> {
    let request: RemoveRequest = json_body(&body)?;
    if request.prefixes.is_empty() || request.prefixes.len() > MAX_PREFIXES {
        return Err(StorageError::invalid_request(format!(
            "prefixes must name between 1 and {MAX_PREFIXES} objects"
        )));
    }
    let requester = Requester::new(&state, &method, uri.path(), &headers)?;
    let deleted = remove_names(&state, &requester, &bucket, &request.prefixes).await?;
    Ok(Json(Value::Array(deleted)))
}

/// `DELETE /object/<bucket>/<name>`.
pub(super) async fn remove_one(
    State(state): State<AppState>,
    path: ObjectPath,
    method: Method,
    headers: HeaderMap,
) -> Result<Json<Value>, StorageError> {
    let requester = Requester::new(&state, &method, &path.request_path, &headers)?;
    let deleted = remove_names(
        &state,
        &requester,
        &path.bucket,
        std::slice::from_ref(&path.name),
    )
    .await?;
    if deleted.is_empty() {
        return Err(StorageError::object_not_found());
    }
    Ok(Json(json!({"message": "Successfully deleted"})))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_wildcards() {
        assert_eq!(like_literal("a_b%c\\d"), "a\\_b\\%c\\\\d");
    }

    #[test]
    fn upserts_update_every_written_column() {
        let sql = write_object_sql(true);
        assert!(sql.contains("on conflict (bucket_id, name) do update"));
        for column in ["owner", "owner_id", "metadata", "version", "user_metadata"] {
            assert!(
                sql.contains(&format!("{column} = excluded.{column}")),
                "{column}"
            );
        }
        assert!(!write_object_sql(false).contains("on conflict"));
    }
}
