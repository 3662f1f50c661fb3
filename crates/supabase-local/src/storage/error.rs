//! The Storage error body (contract §4.1): `{"statusCode":"<real code>","code","error",
//! "message"}`, sent with HTTP 400 for every error but 500s, as hosted does. storage-js reads
//! `statusCode` from the body.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// A Storage API error: the real status (in the body), the hosted error code, the legacy
/// `error` string and a message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{status} {code}: {message}")]
pub struct StorageError {
    pub status: u16,
    pub code: &'static str,
    pub error: &'static str,
    pub message: String,
}

impl StorageError {
    fn new(
        status: u16,
        code: &'static str,
        error: &'static str,
        message: impl Into<String>,
    ) -> Self {
        StorageError {
            status,
            code,
            error,
            message: message.into(),
        }
    }

    pub fn object_not_found() -> Self {
        Self::new(404, "NoSuchKey", "not_found", "Object not found")
    }

    pub fn bucket_not_found() -> Self {
        Self::new(404, "NoSuchBucket", "Bucket not found", "Bucket not found")
    }

    /// An RLS denial (or a missing grant) on storage.objects.
    pub fn row_level_security() -> Self {
        Self::new(
            403,
            "AccessDenied",
            "Unauthorized",
            "new row violates row-level security policy",
        )
    }

    /// A token the API could not verify.
    pub fn access_denied(message: impl Into<String>) -> Self {
        Self::new(403, "AccessDenied", "Unauthorized", message)
    }

    pub fn duplicate() -> Self {
        Self::new(409, "Duplicate", "Duplicate", "The resource already exists")
    }

    pub fn too_large() -> Self {
        Self::new(
            413,
            "EntityTooLarge",
            "Payload too large",
            "The object exceeded the maximum allowed size",
        )
    }

    pub fn invalid_mime_type(mime_type: &str) -> Self {
        Self::new(
            415,
            "InvalidMimeType",
            "invalid_mime_type",
            format!("mime type {mime_type} is not supported"),
        )
    }

    pub fn invalid_key(name: &str) -> Self {
        // Control characters are not echoed back.
        let shown: String = name.chars().filter(|c| !c.is_control()).take(200).collect();
        Self::new(
            400,
            "InvalidKey",
            "Invalid Input",
            format!("Invalid key: {shown}"),
        )
    }

    pub fn invalid_bucket_name() -> Self {
        Self::new(
            400,
            "InvalidBucketName",
            "Invalid Input",
            "Bucket name invalid",
        )
    }

    pub fn invalid_request(message: impl Into<String>) -> Self {
        Self::new(400, "InvalidRequest", "Invalid Input", message)
    }

    pub fn invalid_jwt(message: impl Into<String>) -> Self {
        Self::new(400, "InvalidJWT", "Invalid JWT", message)
    }

    pub fn invalid_signature() -> Self {
        Self::new(
            400,
            "InvalidSignature",
            "InvalidSignature",
            "The url do not match the signature",
        )
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(500, "InternalError", "Internal", message)
    }

    /// Too many requests waiting for a database connection.
    pub fn database_unavailable() -> Self {
        Self::new(
            503,
            "DatabaseConnectionLimit",
            "DatabaseConnectionLimit",
            "The database has reached its maximum number of connections. Please try again later.",
        )
    }

    /// Map a PostgreSQL error from a statement run as the caller.
    pub fn from_database(error: &tokio_postgres::Error) -> Self {
        let Some(database) = error.as_db_error() else {
            tracing::warn!(%error, "storage: database connection error");
            return Self::database_unavailable();
        };
        match database.code().code() {
            // insufficient_privilege: RLS WITH CHECK / USING violations and missing grants.
            "42501" => Self::row_level_security(),
            "23505" => Self::duplicate(),
            "23503" => Self::bucket_not_found(),
            "57014" => Self::new(
                544,
                "DatabaseTimeout",
                "DatabaseTimeout",
                "The connection to the database timed out",
            ),
            _ => {
                tracing::warn!(%error, "storage: database error");
                Self::internal(database.message().to_owned())
            }
        }
    }
}

impl From<tokio_postgres::Error> for StorageError {
    fn from(error: tokio_postgres::Error) -> Self {
        StorageError::from_database(&error)
    }
}

impl From<deadpool_postgres::PoolError> for StorageError {
    fn from(error: deadpool_postgres::PoolError) -> Self {
        tracing::warn!(%error, "storage: no database connection");
        StorageError::database_unavailable()
    }
}

impl IntoResponse for StorageError {
    fn into_response(self) -> Response {
        let http = if self.status == 500 {
            StatusCode::INTERNAL_SERVER_ERROR
        } else {
            StatusCode::BAD_REQUEST
        };
        let body = json!({
            "statusCode": self.status.to_string(),
            "code": self.code,
            "error": self.error,
            "message": self.message,
        });
        (http, axum::Json(body)).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn renders_the_hosted_shape_with_http_400() {
        let response = StorageError::object_not_found().into_response();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        let body = axum::body::to_bytes(response.into_body(), 1024)
            .await
            .unwrap();
        let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(
            body,
            json!({"statusCode": "404", "code": "NoSuchKey", "error": "not_found", "message": "Object not found"})
        );
        let internal = StorageError::internal("boom").into_response();
        assert_eq!(internal.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }
}
