//! PostgreSQL access. Each service uses its own pool and login role, as on hosted Supabase:
//! the Data API (PostgREST, and the user-role checks of Storage) connects as `authenticator`
//! and switches to the caller's role per transaction; GoTrue connects as
//! `supabase_auth_admin`; Storage writes as `supabase_storage_admin`; Realtime as
//! `supabase_realtime_admin`.

use crate::settings::DatabaseSettings;
use anyhow::{Context, Result};
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use serde_json::Value;
use tokio_postgres::{NoTls, Transaction};

/// The service pools.
#[derive(Clone)]
pub struct Database {
    /// Consecutive failures to reach PostgreSQL (0 when it answers); drives `Retry-After`.
    outage: std::sync::Arc<std::sync::atomic::AtomicU32>,
    /// As `authenticator` (NOINHERIT; may SET ROLE to anon / authenticated / service_role).
    pub api: Pool,
    /// As `supabase_auth_admin` (owns the auth schema).
    pub auth: Pool,
    /// As `supabase_storage_admin` (owns storage.objects / buckets).
    pub storage: Pool,
    /// As `supabase_realtime_admin` (reads realtime.messages; probes join rights).
    pub realtime: Pool,
    pub settings: DatabaseSettings,
}

fn pool(settings: &DatabaseSettings, user: &str, application_name: &str) -> Result<Pool> {
    let mut config = tokio_postgres::Config::new();
    config
        .host(&settings.host)
        .port(settings.port)
        .dbname(&settings.name)
        .user(user)
        .password(&settings.password)
        .application_name(application_name)
        .connect_timeout(std::time::Duration::from_secs(5));
    let manager = Manager::from_config(
        config,
        NoTls,
        ManagerConfig {
            recycling_method: RecyclingMethod::Fast,
        },
    );
    Pool::builder(manager)
        .max_size(settings.pool_size)
        .runtime(Runtime::Tokio1)
        .wait_timeout(Some(settings.pool_timeout))
        .create_timeout(Some(std::time::Duration::from_secs(5)))
        .recycle_timeout(Some(std::time::Duration::from_secs(5)))
        .build()
        .with_context(|| format!("building the {user} connection pool"))
}

impl Database {
    pub fn connect(settings: &DatabaseSettings) -> Result<Database> {
        Ok(Database {
            api: pool(settings, "authenticator", "supabase-local rest")?,
            auth: pool(settings, "supabase_auth_admin", "supabase-local auth")?,
            storage: pool(settings, "supabase_storage_admin", "supabase-local storage")?,
            realtime: pool(
                settings,
                "supabase_realtime_admin",
                "supabase-local realtime",
            )?,
            settings: settings.clone(),
            outage: Default::default(),
        })
    }

    /// A pooled connection, or why none can be had: the pool stayed exhausted for the pool
    /// timeout ([`Unavailable::PoolTimeout`], PostgREST's 504 PGRST003), or PostgreSQL cannot be
    /// reached ([`Unavailable::Down`], 503 with `Retry-After` growing 1, 2, 4 … 32 s while the
    /// outage lasts, as PostgREST's reconnection backoff). Recovery needs nothing: the next
    /// request after PostgreSQL is back gets a fresh connection (dead ones are dropped when
    /// returned or recycled).
    pub async fn acquire(&self, pool: &Pool) -> Result<deadpool_postgres::Object, Unavailable> {
        use deadpool_postgres::{PoolError, TimeoutType};
        use std::sync::atomic::Ordering;
        match pool.get().await {
            Ok(client) => {
                self.outage.store(0, Ordering::Relaxed);
                Ok(client)
            }
            Err(PoolError::Timeout(TimeoutType::Wait)) => Err(Unavailable::PoolTimeout),
            Err(error) => {
                let failures = self.outage.fetch_add(1, Ordering::Relaxed);
                tracing::warn!(%error, "PostgreSQL unreachable");
                Err(Unavailable::Down {
                    message: error.to_string(),
                    retry_after_seconds: 1u64 << failures.min(5),
                })
            }
        }
    }

    /// Note that a query failed because the connection broke (see [`is_connection_error`]), so
    /// the next answers carry a growing `Retry-After` until PostgreSQL is back.
    pub fn note_connection_error(&self) -> u64 {
        let failures = self
            .outage
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        1u64 << failures.min(5)
    }

    /// A dedicated (unpooled) connection, e.g. for LISTEN. The connection task is spawned;
    /// notifications arrive through the returned receiver.
    pub async fn dedicated(
        &self,
        user: &str,
    ) -> Result<(
        tokio_postgres::Client,
        tokio::sync::mpsc::UnboundedReceiver<tokio_postgres::Notification>,
    )> {
        let settings = &self.settings;
        let mut config = tokio_postgres::Config::new();
        config
            .host(&settings.host)
            .port(settings.port)
            .dbname(&settings.name)
            .user(user)
            .password(&settings.password)
            .application_name("supabase-local listener");
        let (client, mut connection) = config
            .connect(NoTls)
            .await
            .context("connecting for LISTEN")?;
        let (sender, receiver) = tokio::sync::mpsc::unbounded_channel();
        tokio::spawn(async move {
            use futures_util::StreamExt;
            let mut messages = futures_util::stream::poll_fn(move |cx| connection.poll_message(cx));
            while let Some(message) = messages.next().await {
                match message {
                    Ok(tokio_postgres::AsyncMessage::Notification(notification)) => {
                        if sender.send(notification).is_err() {
                            break;
                        }
                    }
                    Ok(_) => {}
                    Err(error) => {
                        tracing::warn!(%error, "listener connection ended");
                        break;
                    }
                }
            }
        });
        Ok((client, receiver))
    }
}

/// Read-only or read-write, as PostgREST decides from the HTTP method and function volatility.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    ReadOnly,
    ReadWrite,
}

/// What PostgREST exposes to SQL about the request (`request.*` settings).
#[derive(Debug, Clone)]
pub struct RequestInfo {
    pub method: String,
    pub path: String,
    /// Lower-cased header names → values, every header except Cookie.
    pub headers: Value,
    pub cookies: Value,
}

impl RequestInfo {
    /// Build from an HTTP request's parts.
    pub fn from_parts(
        method: &axum::http::Method,
        path: &str,
        headers: &axum::http::HeaderMap,
    ) -> RequestInfo {
        let mut map = serde_json::Map::new();
        let mut cookies = serde_json::Map::new();
        for (name, value) in headers {
            let Ok(value) = value.to_str() else { continue };
            if name == axum::http::header::COOKIE {
                for pair in value.split(';') {
                    if let Some((key, val)) = pair.trim().split_once('=') {
                        cookies.insert(key.to_owned(), Value::String(val.to_owned()));
                    }
                }
                continue;
            }
            map.insert(name.as_str().to_owned(), Value::String(value.to_owned()));
        }
        RequestInfo {
            method: method.as_str().to_owned(),
            path: path.to_owned(),
            headers: Value::Object(map),
            cookies: Value::Object(cookies),
        }
    }
}

/// Open a transaction as the caller, exactly as PostgREST does (contract §1.1): BEGIN with the
/// access mode, then one statement of transaction-local settings in this order: search_path,
/// the impersonated role's own settings, role, request.jwt.claims, request.method,
/// request.path, request.headers, request.cookies.
///
/// `role_settings` are the impersonated role's `ALTER ROLE … SET` values (e.g.
/// statement_timeout), which `SET ROLE` alone would not apply.
pub async fn begin_as<'a>(
    client: &'a mut tokio_postgres::Client,
    role: &str,
    claims: &Value,
    request: &RequestInfo,
    search_path: &str,
    role_settings: &[(String, String)],
    access: Access,
) -> Result<Transaction<'a>, tokio_postgres::Error> {
    let transaction = client
        .build_transaction()
        .isolation_level(tokio_postgres::IsolationLevel::ReadCommitted)
        .read_only(access == Access::ReadOnly)
        .start()
        .await?;
    let (sql, params) = settings_statement(role, claims, request, search_path, role_settings);
    let params: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> = params
        .iter()
        .map(|param| param as &(dyn tokio_postgres::types::ToSql + Sync))
        .collect();
    transaction.execute(sql.as_str(), &params).await?;
    Ok(transaction)
}

/// The statement of transaction-local settings that [`begin_as`] runs right after BEGIN, with
/// its (text) parameters, in PostgREST's order. For callers that prepare it once per
/// connection and pipeline it with BEGIN and their own statement (/rest/v1 does). The SQL
/// text depends only on the number of role settings, so it prepares once per role shape.
pub fn settings_statement(
    role: &str,
    claims: &Value,
    request: &RequestInfo,
    search_path: &str,
    role_settings: &[(String, String)],
) -> (String, Vec<String>) {
    let mut sql = String::from("select set_config('search_path', $1, true)");
    let mut params: Vec<String> = vec![search_path.to_owned()];
    for (name, value) in role_settings {
        params.push(name.clone());
        params.push(value.clone());
        sql.push_str(&format!(
            ", set_config(${}, ${}, true)",
            params.len() - 1,
            params.len()
        ));
    }
    for (name, value) in [
        ("role", role.to_owned()),
        ("request.jwt.claims", claims.to_string()),
        ("request.method", request.method.clone()),
        ("request.path", request.path.clone()),
        ("request.headers", request.headers.to_string()),
        ("request.cookies", request.cookies.to_string()),
    ] {
        params.push(name.to_owned());
        params.push(value);
        sql.push_str(&format!(
            ", set_config(${}, ${}, true)",
            params.len() - 1,
            params.len()
        ));
    }
    (sql, params)
}

/// Quote an SQL identifier ("name" with doubled quotes).
pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Why a request got no database connection.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unavailable {
    /// Every pooled connection stayed busy for the whole pool timeout.
    #[error("Timed out acquiring connection from connection pool.")]
    PoolTimeout,
    /// PostgreSQL refused or dropped the connection (down, restarting, overloaded).
    #[error("Database client error. Retrying the connection.")]
    Down {
        message: String,
        retry_after_seconds: u64,
    },
}

impl Unavailable {
    /// HTTP status: 504 for pool exhaustion, 503 when PostgreSQL is unreachable.
    pub fn status(&self) -> axum::http::StatusCode {
        match self {
            Unavailable::PoolTimeout => axum::http::StatusCode::GATEWAY_TIMEOUT,
            Unavailable::Down { .. } => axum::http::StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// Seconds the client should wait before retrying, when PostgreSQL is unreachable.
    pub fn retry_after_seconds(&self) -> Option<u64> {
        match self {
            Unavailable::PoolTimeout => None,
            Unavailable::Down {
                retry_after_seconds,
                ..
            } => Some(*retry_after_seconds),
        }
    }

    /// The PostgREST error response: 504 `PGRST003`, or 503 `PGRST001` with `Retry-After`.
    pub fn postgrest_response(&self) -> axum::response::Response {
        use axum::response::IntoResponse;
        let (code, details) = match self {
            Unavailable::PoolTimeout => ("PGRST003", Value::Null),
            Unavailable::Down { message, .. } => ("PGRST001", Value::String(message.clone())),
        };
        let body = serde_json::json!({
            "code": code,
            "details": details,
            "hint": null,
            "message": self.to_string(),
        });
        let mut response = (self.status(), axum::Json(body)).into_response();
        if let Some(seconds) = self.retry_after_seconds() {
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from(seconds),
            );
        }
        response
    }
}

/// Whether a query failed because the connection to PostgreSQL broke or the server is going
/// away (connection closed, SQLSTATE class 08, or 57P01-57P03 admin/crash shutdown, "cannot
/// connect now"), as opposed to an error in the statement. These map to 503 and are worth
/// retrying.
pub fn is_connection_error(error: &tokio_postgres::Error) -> bool {
    if error.is_closed() {
        return true;
    }
    match error.code() {
        Some(state) => {
            let code = state.code();
            code.starts_with("08") || matches!(code, "57P01" | "57P02" | "57P03")
        }
        // No SQLSTATE: an I/O failure on the socket, or a client-side error (types, rows).
        None => std::error::Error::source(error)
            .is_some_and(|source| source.downcast_ref::<std::io::Error>().is_some()),
    }
}
