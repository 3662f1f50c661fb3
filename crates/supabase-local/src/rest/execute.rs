//! Running a plan: one transaction as the caller (`db::begin_as`, contract §1.1), the statement
//! prepared once per connection, the result row read, and the checks that roll a transaction
//! back (singular responses, max-affected, PUT key mismatch) applied before COMMIT.

use super::error::ApiError;
use super::plan::{Kind, Mutation, Plan};
use super::request::Media;
use super::sql::Statement;
use crate::db::{self, RequestInfo};
use crate::gateway::Caller;
use bytes::BytesMut;
use deadpool_postgres::{Pool, PoolError};
use std::error::Error;
use tokio_postgres::types::{Format, IsNull, ToSql, Type, to_sql_checked};

/// Prepared statements kept per connection before the cache is emptied (request shapes are
/// client-controlled, so the cache must not grow without bound).
const STATEMENT_CACHE_LIMIT: usize = 512;

/// A parameter sent in text format with whatever type the server inferred, like PostgREST's
/// "unknown" literals: PostgreSQL parses it with the input function of that type.
#[derive(Debug)]
struct Text<'a>(&'a str);

impl ToSql for Text<'_> {
    fn to_sql(&self, _: &Type, out: &mut BytesMut) -> Result<IsNull, Box<dyn Error + Sync + Send>> {
        out.extend_from_slice(self.0.as_bytes());
        Ok(IsNull::No)
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    fn encode_format(&self, _: &Type) -> Format {
        Format::Text
    }

    to_sql_checked!();
}

/// The row every statement returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub total: Option<i64>,
    pub page_total: i64,
    pub body: String,
    pub response_headers: Option<String>,
    pub response_status: Option<String>,
    pub location: Option<String>,
    pub inserted: Option<i32>,
}

/// Who runs the statement and how.
pub struct Context<'a> {
    pub pool: &'a Pool,
    pub caller: &'a Caller,
    pub request: &'a RequestInfo,
    pub search_path: &'a str,
    pub role_settings: &'a [(String, String)],
    pub timezone: Option<&'a str>,
    pub max_affected: Option<i64>,
}

fn pool_error(error: PoolError) -> ApiError {
    match error {
        PoolError::Timeout(_) => ApiError::PoolTimeout,
        other => ApiError::Connection(other.to_string()),
    }
}

/// Execute `plan` (whose SQL is `statement`) and return its outcome, committed.
pub async fn run(
    context: &Context<'_>,
    plan: &Plan,
    statement: &Statement,
) -> Result<Outcome, ApiError> {
    let anon = context.caller.role == "anon";
    let database = |error: tokio_postgres::Error| ApiError::from_postgres(&error, anon);
    let mut client = context.pool.get().await.map_err(pool_error)?;
    let cache = client.statement_cache.clone();
    if cache.size() > STATEMENT_CACHE_LIMIT {
        cache.clear();
    }
    let transaction = db::begin_as(
        &mut client,
        &context.caller.role,
        &context.caller.claims,
        context.request,
        context.search_path,
        context.role_settings,
        plan.access,
    )
    .await
    .map_err(database)?;
    if let Some(zone) = context.timezone {
        transaction
            .execute(
                "select set_config('timezone', $1, true) from pg_catalog.pg_timezone_names where name = $1",
                &[&zone],
            )
            .await
            .map_err(database)?;
    }
    let prepared = cache
        .prepare(transaction.client(), &statement.sql)
        .await
        .map_err(database)?;
    let texts: Vec<Text> = statement.params.iter().map(|p| Text(p)).collect();
    let params: Vec<&(dyn ToSql + Sync)> = texts.iter().map(|t| t as &(dyn ToSql + Sync)).collect();
    let row = transaction
        .query_one(&prepared, &params)
        .await
        .map_err(database)?;
    let outcome = Outcome {
        total: row.get(0),
        page_total: row.get(1),
        body: row.get(2),
        response_headers: row.get(3),
        response_status: row.get(4),
        location: row.get(5),
        inserted: row.get(6),
    };
    if let Err(error) = check(plan, &outcome, context.max_affected) {
        transaction.rollback().await.ok();
        return Err(error);
    }
    transaction.commit().await.map_err(database)?;
    Ok(outcome)
}

/// The conditions under which PostgREST rolls back and answers with an error.
fn check(plan: &Plan, outcome: &Outcome, max_affected: Option<i64>) -> Result<(), ApiError> {
    if matches!(plan.media, Media::Singular { .. }) && outcome.page_total != 1 {
        return Err(ApiError::Singularity(outcome.page_total));
    }
    let writes = matches!(plan.kind, Kind::Mutate(_) | Kind::Call(_));
    if writes
        && let Some(max) = max_affected
        && outcome.page_total > max
    {
        return Err(ApiError::MaxAffected(outcome.page_total));
    }
    if let Kind::Mutate(Mutation::Insert(insert)) = &plan.kind
        && !insert.put_keys.is_empty()
        && outcome.page_total != 1
    {
        return Err(ApiError::PutMatchingPk);
    }
    Ok(())
}
