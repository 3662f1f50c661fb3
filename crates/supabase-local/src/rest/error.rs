//! Errors of /rest/v1, in PostgREST's shape (contract §1.7): always a JSON object with `code`,
//! `details`, `hint` and `message`, an HTTP status chosen exactly as PostgREST chooses it, and
//! the headers PostgREST adds (WWW-Authenticate on 401, Retry-After on 503).

use super::query::QueryError;
use crate::jwt::JwtError;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// An error PostgreSQL raised, with the fields PostgREST forwards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatabaseError {
    pub code: String,
    pub message: String,
    pub details: Option<String>,
    pub hint: Option<String>,
}

/// Everything that can go wrong while serving a /rest/v1 request.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ApiError {
    /// PGRST100 / PGRST123 / PGRST103 / 414.
    #[error(transparent)]
    Query(#[from] QueryError),
    /// PGRST101: a verb other than GET/HEAD/POST on /rpc.
    #[error("Cannot use the {0} method on RPC")]
    InvalidRpcMethod(String),
    /// PGRST102: the body is not what the request needs.
    #[error("{0}")]
    InvalidBody(String),
    /// PGRST103 416: offset beyond the total, or a malformed Range header.
    #[error("Requested range not satisfiable")]
    InvalidRange(String),
    /// PGRST105 405: PUT filters must be exactly the primary key with eq.
    #[error("Filters must include all and only primary key columns with 'eq' operators")]
    InvalidPutFilters,
    /// PGRST106 406.
    #[error("Invalid schema: {schema}")]
    InvalidSchema {
        schema: String,
        exposed: Vec<String>,
    },
    /// PGRST107 406.
    #[error("None of these media types are available: {0}")]
    UnacceptableMediaType(String),
    /// PGRST108 400: a filter/order/limit names an embed that is not in select=.
    #[error("'{0}' is not an embedded resource in this request")]
    NotEmbedded(String),
    /// PGRST111 500: `response.headers` was set to something unusable.
    #[error(
        "response.headers guc must be a JSON array composed of objects with a single key and a string value"
    )]
    GucHeaders,
    /// PGRST112 500.
    #[error("response.status guc must be a valid status code")]
    GucStatus,
    /// PGRST114 400.
    #[error("limit/offset querystring parameters are not allowed for PUT")]
    PutLimitNotAllowed,
    /// PGRST115 400.
    #[error("Payload values do not match URL in primary key column(s)")]
    PutMatchingPk,
    /// PGRST116 406: singular response requested, but not exactly one row.
    #[error("Cannot coerce the result to a single JSON object")]
    Singularity(i64),
    /// PGRST117 405.
    #[error("Unsupported HTTP method: {0}")]
    UnsupportedMethod(String),
    /// PGRST118 400: `order=rel(col)` on a to-many embed.
    #[error("A related order on '{target}' is not possible")]
    RelatedOrderNotToOne { origin: String, target: String },
    /// PGRST120 400: only is.null / not.is.null may filter an embed itself.
    #[error("Bad operator on the '{0}' embedded resource")]
    UnacceptableEmbedFilter(String),
    /// PGRST122 400: unknown preferences with handling=strict.
    #[error("Invalid preferences given with handling=strict")]
    InvalidPreferences(Vec<String>),
    /// PGRST124 400.
    #[error("Query result exceeds max-affected preference constraint")]
    MaxAffected(i64),
    /// PGRST128 400.
    #[error(
        "Function must return SETOF or TABLE when max-affected preference is used with handling=strict"
    )]
    MaxAffectedRpc,
    /// PGRST125 404: a path that is neither `/<relation>` nor `/rpc/<function>`.
    #[error("Invalid path specified in request URL")]
    InvalidPath,
    /// PGRST126 404: the OpenAPI root is not served.
    #[error("Root endpoint metadata is disabled")]
    RootDisabled,
    /// PGRST200 400.
    #[error("Could not find a relationship between '{parent}' and '{child}' in the schema cache")]
    NoRelationship {
        parent: String,
        child: String,
        hint: Option<String>,
        schema: String,
        suggestion: Option<String>,
    },
    /// PGRST201 300.
    #[error(
        "Could not embed because more than one relationship was found for '{parent}' and '{child}'"
    )]
    AmbiguousRelationship {
        parent: String,
        child: String,
        details: Value,
        hint: String,
    },
    /// PGRST202 404.
    #[error("Could not find the function {function}{arguments} in the schema cache")]
    FunctionNotFound {
        function: String,
        arguments: String,
        details: String,
        suggestion: Option<String>,
    },
    /// PGRST203 300.
    #[error("Could not choose the best candidate function between: {0}")]
    AmbiguousFunction(String),
    /// PGRST204 400.
    #[error("Could not find the '{column}' column of '{table}' in the schema cache")]
    ColumnNotFound { table: String, column: String },
    /// PGRST205 404.
    #[error("Could not find the table '{schema}.{name}' in the schema cache")]
    TableNotFound {
        schema: String,
        name: String,
        suggestion: Option<String>,
    },
    /// 42703 400, as PostgreSQL reports an unknown column in a read (`column t.x does not exist`).
    #[error("column {relation}.{column} does not exist")]
    UndefinedColumn { relation: String, column: String },
    /// PGRST301 / PGRST303 401.
    #[error("{0}")]
    Jwt(JwtError),
    /// PGRST303 401: `iat` later than now plus the clock skew (PostgREST checks it; the shared
    /// verifier does not, as GoTrue does not).
    #[error("JWT issued at future")]
    JwtIssuedInFuture,
    /// PGRST002 503: the schema cache could not be loaded.
    #[error("Could not query the database for the schema cache. Retrying.")]
    SchemaCacheUnavailable,
    /// PGRST003 504.
    #[error("Timed out acquiring connection from connection pool.")]
    PoolTimeout,
    /// PGRST001 503 with Retry-After (seconds, growing while the outage lasts): the database
    /// is unreachable or the connection broke.
    #[error("Database client error. Retrying the connection.")]
    Connection { details: String, retry_after: u64 },
    /// 413: the body is over the configured limit.
    #[error("Request body too large")]
    PayloadTooLarge(usize),
    /// 504: the request took longer than the configured timeout.
    #[error("The request took too long")]
    Timeout,
    /// An error raised by PostgreSQL. `anon` decides 401 vs 403 for 42501.
    #[error("{}", .error.message)]
    Database { error: DatabaseError, anon: bool },
}

impl ApiError {
    /// The safeupdate emulation: PATCH/DELETE without filters (contract §1.2).
    pub fn safe_update(statement: &str) -> ApiError {
        ApiError::Database {
            error: DatabaseError {
                code: "21000".to_owned(),
                message: format!("{statement} requires a WHERE clause"),
                details: None,
                hint: None,
            },
            anon: false,
        }
    }

    /// From a driver error: database errors keep their SQLSTATE; anything else means the
    /// connection is gone.
    pub fn from_postgres(error: &tokio_postgres::Error, anon: bool) -> ApiError {
        if crate::db::is_connection_error(error) {
            return ApiError::Connection {
                details: error.to_string(),
                retry_after: 1,
            };
        }
        match error.as_db_error() {
            Some(db) => ApiError::Database {
                error: DatabaseError {
                    code: db.code().code().to_owned(),
                    message: db.message().to_owned(),
                    details: db.detail().map(str::to_owned),
                    hint: db.hint().map(str::to_owned),
                },
                anon,
            },
            None => ApiError::Connection {
                details: error.to_string(),
                retry_after: 1,
            },
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::Query(QueryError::TooLong) => StatusCode::URI_TOO_LONG,
            ApiError::Query(QueryError::InvalidRange(_)) | ApiError::InvalidRange(_) => {
                StatusCode::RANGE_NOT_SATISFIABLE
            }
            ApiError::Query(_)
            | ApiError::InvalidBody(_)
            | ApiError::NotEmbedded(_)
            | ApiError::PutLimitNotAllowed
            | ApiError::PutMatchingPk
            | ApiError::RelatedOrderNotToOne { .. }
            | ApiError::UnacceptableEmbedFilter(_)
            | ApiError::InvalidPreferences(_)
            | ApiError::MaxAffected(_)
            | ApiError::MaxAffectedRpc
            | ApiError::NoRelationship { .. }
            | ApiError::ColumnNotFound { .. }
            | ApiError::UndefinedColumn { .. } => StatusCode::BAD_REQUEST,
            ApiError::GucHeaders | ApiError::GucStatus => StatusCode::INTERNAL_SERVER_ERROR,
            ApiError::InvalidRpcMethod(_)
            | ApiError::UnsupportedMethod(_)
            | ApiError::InvalidPutFilters => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::InvalidSchema { .. }
            | ApiError::UnacceptableMediaType(_)
            | ApiError::Singularity(_) => StatusCode::NOT_ACCEPTABLE,
            ApiError::AmbiguousRelationship { .. } | ApiError::AmbiguousFunction(_) => {
                StatusCode::MULTIPLE_CHOICES
            }
            ApiError::FunctionNotFound { .. }
            | ApiError::TableNotFound { .. }
            | ApiError::InvalidPath
            | ApiError::RootDisabled => StatusCode::NOT_FOUND,
            ApiError::Jwt(_) | ApiError::JwtIssuedInFuture => StatusCode::UNAUTHORIZED,
            ApiError::SchemaCacheUnavailable | ApiError::Connection { .. } => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            ApiError::PoolTimeout | ApiError::Timeout => StatusCode::GATEWAY_TIMEOUT,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Database { error, anon } => database_status(error, *anon),
        }
    }

    pub fn code(&self) -> Option<String> {
        let code = match self {
            ApiError::Query(QueryError::Parse { .. }) => "PGRST100",
            ApiError::Query(QueryError::AggregatesNotAllowed) => "PGRST123",
            ApiError::Query(QueryError::InvalidRange(_)) | ApiError::InvalidRange(_) => "PGRST103",
            ApiError::Query(QueryError::TooLong) => "PGRST100",
            ApiError::InvalidRpcMethod(_) => "PGRST101",
            ApiError::InvalidBody(_) => "PGRST102",
            ApiError::InvalidPutFilters => "PGRST105",
            ApiError::InvalidSchema { .. } => "PGRST106",
            ApiError::UnacceptableMediaType(_) => "PGRST107",
            ApiError::NotEmbedded(_) => "PGRST108",
            ApiError::GucHeaders => "PGRST111",
            ApiError::GucStatus => "PGRST112",
            ApiError::PutLimitNotAllowed => "PGRST114",
            ApiError::PutMatchingPk => "PGRST115",
            ApiError::Singularity(_) => "PGRST116",
            ApiError::UnsupportedMethod(_) => "PGRST117",
            ApiError::RelatedOrderNotToOne { .. } => "PGRST118",
            ApiError::UnacceptableEmbedFilter(_) => "PGRST120",
            ApiError::InvalidPreferences(_) => "PGRST122",
            ApiError::MaxAffected(_) => "PGRST124",
            ApiError::MaxAffectedRpc => "PGRST128",
            ApiError::InvalidPath => "PGRST125",
            ApiError::RootDisabled => "PGRST126",
            ApiError::NoRelationship { .. } => "PGRST200",
            ApiError::AmbiguousRelationship { .. } => "PGRST201",
            ApiError::FunctionNotFound { .. } => "PGRST202",
            ApiError::AmbiguousFunction(_) => "PGRST203",
            ApiError::ColumnNotFound { .. } => "PGRST204",
            ApiError::TableNotFound { .. } => "PGRST205",
            ApiError::UndefinedColumn { .. } => "42703",
            ApiError::Jwt(JwtError::Expired | JwtError::NotYetValid | JwtError::WrongAudience)
            | ApiError::JwtIssuedInFuture => "PGRST303",
            ApiError::Jwt(_) => "PGRST301",
            ApiError::SchemaCacheUnavailable => "PGRST002",
            ApiError::PoolTimeout => "PGRST003",
            ApiError::Connection { .. } => "PGRST001",
            ApiError::PayloadTooLarge(_) | ApiError::Timeout => return None,
            ApiError::Database { error, .. } => return Some(error.code.clone()),
        };
        Some(code.to_owned())
    }

    pub fn message(&self) -> String {
        match self {
            ApiError::Query(QueryError::Parse { message, .. }) => message.clone(),
            other => other.to_string(),
        }
    }

    pub fn details(&self) -> Option<Value> {
        let text = match self {
            ApiError::Query(QueryError::Parse { details, .. }) => details.clone(),
            ApiError::Query(QueryError::TooLong) => format!(
                "query strings are limited to {} bytes",
                super::query::limits::MAX_QUERY_BYTES
            ),
            ApiError::Query(QueryError::InvalidRange(details))
            | ApiError::InvalidRange(details) => details.clone(),
            ApiError::Singularity(rows) => format!("The result contains {rows} rows"),
            ApiError::RelatedOrderNotToOne { origin, target } => format!(
                "'{origin}' and '{target}' do not form a many-to-one or one-to-one relationship"
            ),
            ApiError::UnacceptableEmbedFilter(_) => {
                "Only is null or not is null filters are allowed on embedded resources".to_owned()
            }
            ApiError::InvalidPreferences(preferences) => {
                format!("Invalid preferences: {}", preferences.join(", "))
            }
            ApiError::MaxAffected(rows) => format!("The query affects {rows} rows"),
            ApiError::NoRelationship {
                parent,
                child,
                hint,
                schema,
                ..
            } => format!(
                "Searched for a foreign key relationship between '{parent}' and '{child}'{} in the schema '{schema}', but no matches were found.",
                hint.as_ref()
                    .map(|hint| format!(" using the hint '{hint}'"))
                    .unwrap_or_default()
            ),
            ApiError::AmbiguousRelationship { details, .. } => return Some(details.clone()),
            ApiError::FunctionNotFound { details, .. } => details.clone(),
            ApiError::Jwt(_) => return None,
            ApiError::Connection { details, .. } => details.clone(),
            ApiError::PayloadTooLarge(limit) => {
                format!("The request body is larger than the limit of {limit} bytes")
            }
            ApiError::Database { error, .. } => return error.details.clone().map(Value::String),
            _ => return None,
        };
        Some(Value::String(text))
    }

    pub fn hint(&self) -> Option<Value> {
        let text = match self {
            ApiError::InvalidSchema { exposed, .. } => format!(
                "Only the following schemas are exposed: {}",
                exposed.join(", ")
            ),
            ApiError::NotEmbedded(resource) => format!(
                "Verify that '{resource}' is included in the 'select' query parameter."
            ),
            ApiError::NoRelationship { suggestion, .. }
            | ApiError::FunctionNotFound { suggestion, .. }
            | ApiError::TableNotFound { suggestion, .. } => return suggestion.clone().map(Value::String),
            ApiError::AmbiguousRelationship { hint, .. } => hint.clone(),
            ApiError::AmbiguousFunction(_) => "Try renaming the parameters or the function itself in the database so function overloading can be resolved".to_owned(),
            ApiError::Database { error, .. } => return error.hint.clone().map(Value::String),
            _ => return None,
        };
        Some(Value::String(text))
    }

    /// The JSON body: always the four keys.
    pub fn body(&self) -> Value {
        json!({
            "code": self.code(),
            "details": self.details(),
            "hint": self.hint(),
            "message": self.message(),
        })
    }

    fn headers(&self) -> HeaderMap {
        let mut headers = HeaderMap::new();
        match self {
            ApiError::Jwt(_) | ApiError::JwtIssuedInFuture => {
                let value = format!(
                    "Bearer error=\"invalid_token\", error_description={:?}",
                    self.to_string()
                );
                if let Ok(value) = HeaderValue::from_str(&value) {
                    headers.insert(header::WWW_AUTHENTICATE, value);
                }
            }
            ApiError::Connection { retry_after, .. } => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from(*retry_after));
            }
            ApiError::SchemaCacheUnavailable => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            }
            _ if self.status() == StatusCode::UNAUTHORIZED => {
                headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            _ => {}
        }
        headers
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let mut headers = self.headers();
        let body = self.body().to_string();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json; charset=utf-8"),
        );
        if let Some(code) = self.code()
            && let Ok(value) = HeaderValue::from_str(&format!("PostgREST; error={code}"))
        {
            headers.insert(HeaderName::from_static("proxy-status"), value);
        }
        (status, headers, body).into_response()
    }
}

/// PostgREST's SQLSTATE → HTTP mapping (`Error.hs`, `mapSQLtoHTTP`).
pub fn database_status(error: &DatabaseError, anon: bool) -> StatusCode {
    let code = error.code.as_str();
    let message = error.message.as_str();
    let status = |number: u16| StatusCode::from_u16(number).unwrap_or(StatusCode::BAD_REQUEST);
    if let Some(number) = code.strip_prefix("PT") {
        return number
            .parse::<u16>()
            .ok()
            .and_then(|number| StatusCode::from_u16(number).ok())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    }
    match code {
        "23503" | "23505" => return status(409),
        "25006" => return status(405),
        "21000" => {
            return if message.ends_with("requires a WHERE clause") {
                status(400)
            } else {
                status(500)
            };
        }
        "22023" => {
            return if message.starts_with("role") && message.ends_with("does not exist") {
                status(401)
            } else {
                status(400)
            };
        }
        "53400" => return status(500),
        "57P01" => return status(503),
        "P0001" => return status(400),
        "42883" => return status(404),
        "42P01" => return status(404),
        "42P17" => return status(500),
        "42501" => return if anon { status(401) } else { status(403) },
        _ => {}
    }
    let class = code.get(..2).unwrap_or_default();
    match class {
        "08" => status(503),
        "09" => status(500),
        "0L" | "0P" => status(403),
        "25" => status(500),
        "28" => status(403),
        "2D" | "38" | "39" | "3B" | "40" => status(500),
        "53" => status(503),
        "54" | "55" | "57" | "58" | "F0" | "HV" | "P0" | "XX" => status(500),
        _ => status(400),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db(code: &str, message: &str) -> DatabaseError {
        DatabaseError {
            code: code.to_owned(),
            message: message.to_owned(),
            details: None,
            hint: None,
        }
    }

    #[test]
    fn sqlstate_to_http_follows_the_contract_table() {
        let cases: &[(&str, &str, bool, u16)] = &[
            ("08006", "connection failure", false, 503),
            ("09000", "triggered action", false, 500),
            ("0L000", "invalid grantor", false, 403),
            ("0P000", "invalid role", false, 403),
            ("23503", "fk", false, 409),
            ("23505", "unique", false, 409),
            ("25006", "read-only", false, 405),
            ("25001", "active tx", false, 500),
            ("21000", "UPDATE requires a WHERE clause", false, 400),
            (
                "21000",
                "more than one row returned by a subquery",
                false,
                500,
            ),
            ("22023", "role \"x\" does not exist", false, 401),
            ("22023", "invalid parameter", false, 400),
            ("28000", "auth", false, 403),
            ("2D000", "tx termination", false, 500),
            ("38000", "external routine", false, 500),
            ("39000", "external invocation", false, 500),
            ("3B000", "savepoint", false, 500),
            ("40001", "serialization", false, 500),
            ("42501", "permission denied", true, 401),
            ("42501", "permission denied", false, 403),
            ("42883", "undefined function", false, 404),
            ("42P01", "undefined table", false, 404),
            ("42P17", "infinite recursion", false, 500),
            ("53400", "config limit", false, 500),
            ("53100", "disk full", false, 503),
            ("54000", "too complex", false, 500),
            ("55000", "prerequisite", false, 500),
            ("57014", "statement timeout", false, 500),
            ("57P01", "admin shutdown", false, 503),
            ("58000", "system", false, 500),
            ("F0000", "config file", false, 500),
            ("HV000", "fdw", false, 500),
            ("P0001", "raise", false, 400),
            ("P0002", "no data found", false, 500),
            ("XX000", "internal", false, 500),
            ("PT402", "payment required", false, 402),
            ("PTabc", "bad", false, 500),
            ("22P02", "invalid input syntax", false, 400),
            ("23502", "not null", false, 400),
        ];
        for (code, message, anon, expected) in cases {
            assert_eq!(
                database_status(&db(code, message), *anon).as_u16(),
                *expected,
                "{code} {message}"
            );
        }
    }

    #[test]
    fn bodies_always_have_four_keys() {
        let error = ApiError::TableNotFound {
            schema: "public".into(),
            name: "nope".into(),
            suggestion: None,
        };
        assert_eq!(
            error.body(),
            json!({"code": "PGRST205", "details": null, "hint": null,
                   "message": "Could not find the table 'public.nope' in the schema cache"})
        );
        let error = ApiError::safe_update("DELETE");
        assert_eq!(error.status(), StatusCode::BAD_REQUEST);
        assert_eq!(
            error.body(),
            json!({"code": "21000", "details": null, "hint": null,
                   "message": "DELETE requires a WHERE clause"})
        );
        let error = ApiError::Singularity(2);
        assert_eq!(error.body()["details"], "The result contains 2 rows");
        assert_eq!(error.status(), StatusCode::NOT_ACCEPTABLE);
    }

    #[test]
    fn jwt_errors_are_401_with_www_authenticate() {
        let response = ApiError::Jwt(JwtError::Expired).into_response();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(
            response.headers()[header::WWW_AUTHENTICATE],
            "Bearer error=\"invalid_token\", error_description=\"JWT expired\""
        );
        let anon_denied = ApiError::Database {
            error: db("42501", "permission denied for table x"),
            anon: true,
        }
        .into_response();
        let future = ApiError::JwtIssuedInFuture.into_response();
        assert_eq!(future.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(
            future.headers()[header::WWW_AUTHENTICATE],
            "Bearer error=\"invalid_token\", error_description=\"JWT issued at future\""
        );
        assert_eq!(anon_denied.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(anon_denied.headers()[header::WWW_AUTHENTICATE], "Bearer");
    }
}
