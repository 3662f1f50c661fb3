//! Acting as the caller: every object operation runs its authorizing statement in a
//! transaction as the caller's role, with the settings hosted Storage sets per request
//! (`src/internal/database/connection.ts`), so the RLS policies on `storage.objects` decide.

use super::error::StorageError;
use crate::AppState;
use crate::db::{self, Access, RequestInfo};
use crate::gateway::{self, Caller};
use axum::http::{HeaderMap, Method};
use serde_json::Value;
use tokio_postgres::types::ToSql;
use tokio_postgres::{Row, Transaction};

/// The caller of a request, or the hosted error for a token that does not verify.
pub(super) fn caller(state: &AppState, headers: &HeaderMap) -> Result<Caller, StorageError> {
    gateway::caller(state, headers).map_err(|error| StorageError::access_denied(error.to_string()))
}

/// Who asks, and what the request looked like (for `request.*` settings).
pub(super) struct Requester {
    pub(super) caller: Caller,
    pub(super) info: RequestInfo,
}

impl Requester {
    pub(super) fn new(
        state: &AppState,
        method: &Method,
        path: &str,
        headers: &HeaderMap,
    ) -> Result<Requester, StorageError> {
        Ok(Requester {
            caller: caller(state, headers)?,
            info: RequestInfo::from_parts(method, path, headers),
        })
    }

    /// `owner_id` for rows this caller writes: the JWT `sub`.
    pub(super) fn owner_id(&self) -> Option<&str> {
        self.caller.user_id()
    }

    /// The legacy `owner` uuid column: the `sub` when it is a uuid.
    pub(super) fn owner_uuid(&self) -> Option<uuid::Uuid> {
        self.owner_id().and_then(|sub| sub.parse().ok())
    }
}

/// Begin a transaction as the caller: PostgREST's preamble (role, claims, request.*), then
/// the settings hosted Storage adds: `request.jwt.claim.role`, `request.jwt.claim.sub`,
/// `request.jwt`, `storage.operation`, and `storage.allow_delete_query` (the API may delete
/// rows; direct SQL may not).
pub(super) async fn begin<'a>(
    state: &AppState,
    client: &'a mut tokio_postgres::Client,
    requester: &Requester,
    operation: &str,
    access: Access,
) -> Result<Transaction<'a>, StorageError> {
    let search_path = state
        .settings
        .api
        .extra_search_path
        .iter()
        .map(|schema| db::quote_ident(schema))
        .collect::<Vec<_>>()
        .join(", ");
    let caller = &requester.caller;
    let transaction = db::begin_as(
        client,
        &caller.role,
        &caller.claims,
        &requester.info,
        &search_path,
        &[],
        access,
    )
    .await?;
    let subject = caller
        .claims
        .get("sub")
        .and_then(Value::as_str)
        .unwrap_or("");
    transaction
        .execute(
            "select set_config('request.jwt.claim.role', $1, true), \
             set_config('request.jwt.claim.sub', $2, true), \
             set_config('request.jwt', $3, true), \
             set_config('storage.operation', $4, true), \
             set_config('storage.allow_delete_query', 'true', true)",
            &[
                &caller.role,
                &subject,
                &caller.token.as_deref().unwrap_or(""),
                &operation,
            ],
        )
        .await?;
    Ok(transaction)
}

/// Run one statement as the caller in its own transaction, and commit.
pub(super) async fn query(
    state: &AppState,
    requester: &Requester,
    operation: &str,
    access: Access,
    sql: &str,
    params: &[&(dyn ToSql + Sync)],
) -> Result<Vec<Row>, StorageError> {
    let mut client = state.db.api.get().await?;
    let transaction = begin(state, &mut client, requester, operation, access).await?;
    let rows = transaction.query(sql, params).await?;
    transaction.commit().await?;
    Ok(rows)
}
