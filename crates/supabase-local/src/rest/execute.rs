//! Running a plan: one transaction as the caller (`db::begin_as`, contract §1.1), the statement
//! prepared once per connection, the result row read, and the checks that roll a transaction
//! back (singular responses, max-affected, PUT key mismatch) applied before COMMIT.

use super::error::ApiError;
use super::plan::{Kind, Mutation, Plan};
use super::request::Media;
use super::sql::Statement;
use crate::db::{self, Access, RequestInfo};
use crate::gateway::Caller;
use bytes::BytesMut;
use deadpool_postgres::Pool;
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
    pub database: &'a db::Database,
    pub pool: &'a Pool,
    pub caller: &'a Caller,
    pub request: &'a RequestInfo,
    pub search_path: &'a str,
    /// The impersonated role's settings, then the function's hoisted ones.
    pub settings: &'a [(String, String)],
    pub timezone: Option<&'a str>,
    pub max_affected: Option<i64>,
}

fn unavailable(error: db::Unavailable) -> ApiError {
    match error {
        db::Unavailable::PoolTimeout => ApiError::PoolTimeout,
        db::Unavailable::Down {
            message,
            retry_after_seconds,
        } => ApiError::Connection {
            details: message,
            retry_after: retry_after_seconds,
        },
    }
}

/// A pooled connection that goes back to the pool only once its transaction has ended; a
/// request abandoned mid-transaction (client gone, timeout) or a broken connection closes it
/// instead, so no later request can ever run inside another's transaction.
struct Checkout {
    object: Option<deadpool_postgres::Object>,
    clean: bool,
}

impl Drop for Checkout {
    fn drop(&mut self) {
        if !self.clean
            && let Some(object) = self.object.take()
        {
            drop(deadpool_postgres::Object::take(object));
        }
    }
}

/// The transaction's isolation level, as PostgREST picks it: the last
/// `default_transaction_isolation` among the role's and the function's settings, else READ
/// COMMITTED. Only the four level names reach the BEGIN statement.
pub fn isolation(settings: &[(String, String)]) -> &'static str {
    settings
        .iter()
        .rev()
        .find(|(name, _)| name == "default_transaction_isolation")
        .and_then(
            |(_, value)| match value.trim().to_ascii_lowercase().as_str() {
                "serializable" => Some("SERIALIZABLE"),
                "repeatable read" => Some("REPEATABLE READ"),
                "read committed" => Some("READ COMMITTED"),
                "read uncommitted" => Some("READ UNCOMMITTED"),
                _ => None,
            },
        )
        .unwrap_or("READ COMMITTED")
}

const SET_TIMEZONE: &str =
    "select set_config('timezone', $1, true) from pg_catalog.pg_timezone_names where name = $1";

/// Execute `plan` (whose SQL is `statement`) in one transaction as the caller and return its
/// outcome, committed.
///
/// The transaction is PostgREST's (`db::settings_statement` after BEGIN), sent as a pipeline:
/// BEGIN, the settings, the statement and, when nothing can still require a rollback, COMMIT
/// go out together, so a request usually costs one round trip. Statements are prepared once
/// per connection (outside the transaction; if that fails, e.g. a cast to a type only the
/// request's search_path finds, inside it).
pub async fn run(
    context: &Context<'_>,
    plan: &Plan,
    statement: &Statement,
) -> Result<Outcome, ApiError> {
    let object = context
        .database
        .acquire(context.pool)
        .await
        .map_err(unavailable)?;
    let mut checkout = Checkout {
        object: Some(object),
        clean: false,
    };
    let client = checkout.object.as_ref().expect("set above");
    let (mut result, ended) = transact(client, context, plan, statement).await;
    checkout.clean = ended;
    // A broken connection: tell clients to back off longer while the outage lasts.
    if let Err(ApiError::Connection { retry_after, .. }) = &mut result {
        *retry_after = context.database.note_connection_error();
    }
    result
}

/// Run the transaction; also say whether the connection is idle again (transaction ended, link
/// intact), i.e. fit to return to the pool.
async fn transact(
    client: &deadpool_postgres::ClientWrapper,
    context: &Context<'_>,
    plan: &Plan,
    statement: &Statement,
) -> (Result<Outcome, ApiError>, bool) {
    let anon = context.caller.role == "anon";
    let database = |error: &tokio_postgres::Error| ApiError::from_postgres(error, anon);
    let cache = &client.statement_cache;
    if cache.size() > STATEMENT_CACHE_LIMIT {
        cache.clear();
    }
    let (settings_sql, settings_params) = db::settings_statement(
        &context.caller.role,
        &context.caller.claims,
        context.request,
        context.search_path,
        context.settings,
    );
    let settings = match cache.prepare(client, &settings_sql).await {
        Ok(settings) => settings,
        Err(error) => return (Err(database(&error)), !error.is_closed()),
    };
    let settings_params: Vec<&(dyn ToSql + Sync)> = settings_params
        .iter()
        .map(|p| p as &(dyn ToSql + Sync))
        .collect();
    let texts: Vec<Text> = statement.params.iter().map(|p| Text(p)).collect();
    let params: Vec<&(dyn ToSql + Sync)> = texts.iter().map(|t| t as &(dyn ToSql + Sync)).collect();
    let begin = format!(
        "BEGIN ISOLATION LEVEL {} {}",
        isolation(context.settings),
        match plan.access {
            Access::ReadOnly => "READ ONLY",
            Access::ReadWrite => "READ WRITE",
        }
    );
    // A read-only transaction has nothing to roll back; a write commits at once unless a check
    // on its result may still have to undo it.
    let commit_at_once =
        plan.access == Access::ReadOnly || !needs_checks(plan, context.max_affected);
    let timezone = async {
        match context.timezone {
            Some(zone) => client.execute(SET_TIMEZONE, &[&zone]).await.map(|_| ()),
            None => Ok(()),
        }
    };
    let prepared = cache.prepare(client, &statement.sql).await.ok();
    let row = match prepared {
        Some(main) => {
            let (began, set, zone, row, committed) = futures_util::join!(
                client.batch_execute(&begin),
                client.execute(&settings, &settings_params),
                timezone,
                client.query_one(&main, &params),
                async {
                    if commit_at_once {
                        client.batch_execute("COMMIT").await.map(|()| true)
                    } else {
                        Ok(false)
                    }
                },
            );
            let first_error = began
                .as_ref()
                .err()
                .or(set.as_ref().err())
                .or(zone.as_ref().err())
                .or(row.as_ref().err());
            if let Some(error) = first_error {
                return finish_failed(client, error, commit_at_once, anon).await;
            }
            let row = row.expect("checked above");
            match committed {
                Err(error) => return (Err(database(&error)), !error.is_closed()),
                Ok(true) => return (decide(plan, &row, context.max_affected), true),
                Ok(false) => row,
            }
        }
        None => {
            // Prepare inside the transaction, under the request's search_path and role.
            let (began, set, zone) = futures_util::join!(
                client.batch_execute(&begin),
                client.execute(&settings, &settings_params),
                timezone,
            );
            let first_error = began
                .as_ref()
                .err()
                .or(set.as_ref().err())
                .or(zone.as_ref().err());
            if let Some(error) = first_error {
                return finish_failed(client, error, false, anon).await;
            }
            let main = match cache.prepare(client, &statement.sql).await {
                Ok(main) => main,
                Err(error) => return finish_failed(client, &error, false, anon).await,
            };
            match client.query_one(&main, &params).await {
                Ok(row) => row,
                Err(error) => return finish_failed(client, &error, false, anon).await,
            }
        }
    };
    match decide(plan, &row, context.max_affected) {
        Err(error) => {
            let ended = client.batch_execute("ROLLBACK").await.is_ok();
            (Err(error), ended)
        }
        Ok(outcome) => match client.batch_execute("COMMIT").await {
            Ok(()) => (Ok(outcome), true),
            Err(error) => (Err(database(&error)), !error.is_closed()),
        },
    }
}

/// After an error inside the transaction: it already ended when COMMIT was pipelined behind
/// (PostgreSQL turns it into ROLLBACK); otherwise roll back now.
async fn finish_failed(
    client: &deadpool_postgres::ClientWrapper,
    cause: &tokio_postgres::Error,
    committed_behind: bool,
    anon: bool,
) -> (Result<Outcome, ApiError>, bool) {
    let error = ApiError::from_postgres(cause, anon);
    if cause.is_closed() {
        return (Err(error), false);
    }
    if committed_behind {
        return (Err(error), true);
    }
    let ended = client.batch_execute("ROLLBACK").await.is_ok();
    (Err(error), ended)
}

/// Whether a write's result must be checked before COMMIT (singular response, max-affected,
/// PUT key match).
fn needs_checks(plan: &Plan, max_affected: Option<i64>) -> bool {
    matches!(plan.media, Media::Singular { .. })
        || max_affected.is_some()
        || matches!(&plan.kind, Kind::Mutate(Mutation::Insert(insert)) if !insert.put_keys.is_empty())
}

/// Read the statement's row and apply the checks.
fn decide(
    plan: &Plan,
    row: &tokio_postgres::Row,
    max_affected: Option<i64>,
) -> Result<Outcome, ApiError> {
    let outcome = Outcome {
        total: row.get(0),
        page_total: row.get(1),
        body: row.get(2),
        response_headers: row.get(3),
        response_status: row.get(4),
        location: row.get(5),
        inserted: row.get(6),
    };
    check(plan, &outcome, max_affected)?;
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

#[cfg(test)]
mod tests {
    use super::isolation;

    fn settings(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect()
    }

    #[test]
    fn isolation_comes_from_the_last_setting_and_only_names_a_level() {
        assert_eq!(isolation(&[]), "READ COMMITTED");
        assert_eq!(
            isolation(&settings(&[("statement_timeout", "8s")])),
            "READ COMMITTED"
        );
        // The role says repeatable read, the function (later) says serializable.
        assert_eq!(
            isolation(&settings(&[
                ("default_transaction_isolation", "repeatable read"),
                ("statement_timeout", "8s"),
                ("default_transaction_isolation", "Serializable"),
            ])),
            "SERIALIZABLE"
        );
        assert_eq!(
            isolation(&settings(&[(
                "default_transaction_isolation",
                "serializable; drop table x"
            )])),
            "READ COMMITTED"
        );
    }
}
