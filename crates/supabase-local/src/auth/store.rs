//! The SQL of the auth service: users, identities, sessions, refresh tokens, amr claims and the
//! audit log in the `auth` schema, always inside a transaction the caller opened as
//! `supabase_auth_admin` (the owner of the schema, as GoTrue connects on hosted).

use super::model::{IDENTITY_COLUMNS, Identity, USER_COLUMNS, User};
use super::tokens::{ActiveToken, PresentedToken, SessionTimes, new_refresh_token};
use chrono::{DateTime, NaiveDateTime, Utc};
use deadpool_postgres::Transaction;
use serde_json::{Value, json};
use std::net::IpAddr;
use uuid::Uuid;

type Result<T> = std::result::Result<T, tokio_postgres::Error>;

/// A prepared statement from the connection's cache: each statement is parsed once per
/// pooled connection instead of on every call (one round trip less per query).
async fn cached(tx: &Transaction<'_>, sql: &str) -> Result<tokio_postgres::Statement> {
    tx.prepare_cached(sql).await
}

/// GoTrue's `instance_id` for every row (the nil UUID).
const INSTANCE_ID: Uuid = Uuid::nil();

async fn with_identities(tx: &Transaction<'_>, mut user: User) -> Result<User> {
    let sql = format!(
        "select {IDENTITY_COLUMNS} from auth.identities where user_id = $1 order by created_at, id"
    );
    user.identities = tx
        .query(&cached(tx, &sql).await?, &[&user.id])
        .await?
        .iter()
        .map(Identity::from_row)
        .collect::<Result<_>>()?;
    Ok(user)
}

/// The (non-SSO) user with this e-mail (already lower-cased) and audience.
pub(super) async fn user_by_email(
    tx: &Transaction<'_>,
    email: &str,
    aud: &str,
) -> Result<Option<User>> {
    let sql = format!(
        "select {USER_COLUMNS} from auth.users \
         where instance_id = $1 and lower(email) = $2 and aud = $3 and is_sso_user = false"
    );
    match tx
        .query_opt(&cached(tx, &sql).await?, &[&INSTANCE_ID, &email, &aud])
        .await?
    {
        Some(row) => Ok(Some(with_identities(tx, User::from_row(&row)?).await?)),
        None => Ok(None),
    }
}

/// The user with this id; `for_update` locks the row for the rest of the transaction.
pub(super) async fn user_by_id(
    tx: &Transaction<'_>,
    id: Uuid,
    for_update: bool,
) -> Result<Option<User>> {
    let lock = if for_update { " for update" } else { "" };
    let sql = format!("select {USER_COLUMNS} from auth.users where id = $1{lock}");
    match tx.query_opt(&cached(tx, &sql).await?, &[&id]).await? {
        Some(row) => Ok(Some(with_identities(tx, User::from_row(&row)?).await?)),
        None => Ok(None),
    }
}

/// A user to create.
pub(super) struct NewUser<'a> {
    pub(super) id: Uuid,
    pub(super) email: &'a str,
    pub(super) encrypted_password: Option<&'a str>,
    pub(super) confirmed: bool,
    pub(super) app_metadata: &'a Value,
    pub(super) user_metadata: &'a Value,
    /// Set when a confirmation e-mail goes out with the sign-up.
    pub(super) confirmation_token: Option<&'a str>,
}

/// Insert a user with `aud` and `role` `authenticated`. Fails with 23505 (unique violation)
/// when the e-mail is taken, also by a concurrent sign-up.
pub(super) async fn insert_user(tx: &Transaction<'_>, new: &NewUser<'_>) -> Result<User> {
    let sql = format!(
        "insert into auth.users (instance_id, id, aud, role, email, encrypted_password, \
           email_confirmed_at, confirmation_token, confirmation_sent_at, recovery_token, \
           email_change_token_new, email_change, email_change_token_current, phone_change, \
           phone_change_token, reauthentication_token, raw_app_meta_data, raw_user_meta_data, \
           is_super_admin, created_at, updated_at, is_sso_user, is_anonymous) \
         values ($1, $2, 'authenticated', 'authenticated', $3, $4, \
           case when $5 then now() end, coalesce($6, ''), case when $6 is not null then now() end, '', \
           '', '', '', '', '', '', $7, $8, false, now(), now(), false, false) \
         returning {USER_COLUMNS}"
    );
    let row = tx
        .query_one(
            &cached(tx, &sql).await?,
            &[
                &INSTANCE_ID,
                &new.id,
                &new.email,
                &new.encrypted_password,
                &new.confirmed,
                &new.confirmation_token,
                new.app_metadata,
                new.user_metadata,
            ],
        )
        .await?;
    User::from_row(&row)
}

/// Add the `email` identity of a user (provider id = user id).
pub(super) async fn insert_email_identity(
    tx: &Transaction<'_>,
    user_id: Uuid,
    identity_data: &Value,
) -> Result<()> {
    tx.execute(
        &cached(
            tx,
            "insert into auth.identities (provider_id, user_id, identity_data, provider, \
           last_sign_in_at, created_at, updated_at) \
         values ($1, $2, $3, 'email', now(), now(), now())",
        )
        .await?,
        &[&user_id.to_string(), &user_id, identity_data],
    )
    .await?;
    Ok(())
}

/// Record a repeated confirmation mail for an unconfirmed user.
pub(super) async fn set_confirmation_sent(
    tx: &Transaction<'_>,
    user_id: Uuid,
    token: &str,
) -> Result<()> {
    tx.execute(
        &cached(
            tx,
            "update auth.users set confirmation_token = $2, confirmation_sent_at = now(), \
           updated_at = now() where id = $1",
        )
        .await?,
        &[&user_id, &token],
    )
    .await?;
    Ok(())
}

/// Confirm the e-mail of the user whose sign-up confirmation token this is, when it was sent
/// less than `expiry` ago and is not used yet; the token is used up. The user's id, if any.
pub(super) async fn confirm_signup(
    tx: &Transaction<'_>,
    token: &str,
    expiry: chrono::Duration,
) -> Result<Option<Uuid>> {
    let seconds = expiry.num_milliseconds() as f64 / 1000.0;
    let row = tx
        .query_opt(
            &cached(
                tx,
                "update auth.users set email_confirmed_at = now(), confirmation_token = '', \
                   raw_user_meta_data = coalesce(raw_user_meta_data, '{}') || '{\"email_verified\": true}', \
                   updated_at = now() \
                 where confirmation_token = $1 and confirmation_token <> '' \
                   and email_confirmed_at is null \
                   and confirmation_sent_at > now() - make_interval(secs => $2) \
                 returning id",
            )
            .await?,
            &[&token, &seconds],
        )
        .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let id: Uuid = row.try_get(0)?;
    tx.execute(
        &cached(
            tx,
            "update auth.identities set identity_data = identity_data || '{\"email_verified\": true}', \
               updated_at = now() where user_id = $1 and provider = 'email'",
        )
        .await?,
        &[&id],
    )
    .await?;
    Ok(Some(id))
}

/// A session and its first refresh token, returned as (session id, refresh token).
pub(super) async fn create_session(
    tx: &Transaction<'_>,
    user_id: Uuid,
    authentication_method: &str,
    ip: Option<IpAddr>,
    user_agent: Option<&str>,
) -> Result<(Uuid, String)> {
    let session_id = Uuid::new_v4();
    tx.execute(
        &cached(
            tx,
            "insert into auth.sessions (id, user_id, created_at, updated_at, aal, ip, user_agent) \
         values ($1, $2, now(), now(), 'aal1', $3, $4)",
        )
        .await?,
        &[&session_id, &user_id, &ip, &user_agent],
    )
    .await?;
    tx.execute(
        &cached(tx, "insert into auth.mfa_amr_claims (id, session_id, created_at, updated_at, authentication_method) \
         values ($1, $2, now(), now(), $3)").await?,
        &[&Uuid::new_v4(), &session_id, &authentication_method],
    )
    .await?;
    let token = insert_refresh_token(tx, user_id, session_id, None).await?;
    tx.execute(
        &cached(
            tx,
            "update auth.users set last_sign_in_at = now(), updated_at = now() where id = $1",
        )
        .await?,
        &[&user_id],
    )
    .await?;
    tx.execute(
        &cached(tx, "update auth.identities set last_sign_in_at = now() where user_id = $1 and provider = 'email'").await?,
        &[&user_id],
    )
    .await?;
    Ok((session_id, token))
}

/// Issue a refresh token in a session (a child of `parent`, or the first one).
pub(super) async fn insert_refresh_token(
    tx: &Transaction<'_>,
    user_id: Uuid,
    session_id: Uuid,
    parent: Option<&str>,
) -> Result<String> {
    let token = new_refresh_token();
    tx.execute(
        &cached(
            tx,
            "insert into auth.refresh_tokens (instance_id, token, user_id, revoked, created_at, \
           updated_at, parent, session_id) \
         values ($1, $2, $3, false, now(), now(), $4, $5)",
        )
        .await?,
        &[
            &INSTANCE_ID,
            &token,
            &user_id.to_string(),
            &parent,
            &session_id,
        ],
    )
    .await?;
    Ok(token)
}

/// A refresh token row with its session, as found by its value.
#[derive(Debug, Clone)]
pub(super) struct TokenRow {
    pub(super) id: i64,
    pub(super) presented: PresentedToken,
    pub(super) user_id: Option<Uuid>,
    pub(super) session_id: Option<Uuid>,
}

/// Find a refresh token by value. `for_update` locks the row.
pub(super) async fn refresh_token(
    tx: &Transaction<'_>,
    token: &str,
    for_update: bool,
) -> Result<Option<TokenRow>> {
    let lock = if for_update { " for update" } else { "" };
    let sql = format!(
        "select id, token, coalesce(revoked, false), coalesce(updated_at, created_at, now()), \
           user_id, session_id from auth.refresh_tokens where token = $1{lock}"
    );
    let Some(row) = tx.query_opt(&cached(tx, &sql).await?, &[&token]).await? else {
        return Ok(None);
    };
    let user_id: Option<String> = row.try_get(4)?;
    Ok(Some(TokenRow {
        id: row.try_get(0)?,
        presented: PresentedToken {
            token: row.try_get(1)?,
            revoked: row.try_get(2)?,
            updated_at: row.try_get(3)?,
        },
        user_id: user_id.and_then(|id| Uuid::parse_str(&id).ok()),
        session_id: row.try_get(5)?,
    }))
}

/// A session row (what the validity checks and token issuing need).
#[derive(Debug, Clone)]
pub(super) struct SessionRow {
    pub(super) user_id: Uuid,
    pub(super) times: SessionTimes,
    /// The database's clock when the row was read (all auth times come from it).
    pub(super) read_at: DateTime<Utc>,
}

/// Find a session; `for_update` locks it, which serialises every refresh of that session.
pub(super) async fn session(
    tx: &Transaction<'_>,
    id: Uuid,
    for_update: bool,
) -> Result<Option<SessionRow>> {
    let lock = if for_update { " for update" } else { "" };
    let sql = format!(
        "select id, user_id, coalesce(created_at, now()), refreshed_at, not_after, now() \
         from auth.sessions where id = $1{lock}"
    );
    let Some(row) = tx.query_opt(&cached(tx, &sql).await?, &[&id]).await? else {
        return Ok(None);
    };
    let refreshed_at: Option<NaiveDateTime> = row.try_get(3)?;
    Ok(Some(SessionRow {
        user_id: row.try_get(1)?,
        times: SessionTimes {
            created_at: row.try_get(2)?,
            refreshed_at: refreshed_at.map(|time| time.and_utc()),
            not_after: row.try_get(4)?,
        },
        read_at: row.try_get(5)?,
    }))
}

/// The session's active token: its newest non-revoked refresh token.
pub(super) async fn active_token(
    tx: &Transaction<'_>,
    session_id: Uuid,
) -> Result<Option<ActiveToken>> {
    let row = tx
        .query_opt(
            &cached(
                tx,
                "select token, parent from auth.refresh_tokens \
             where session_id = $1 and revoked is false order by id desc limit 1",
            )
            .await?,
            &[&session_id],
        )
        .await?;
    row.map(|row| {
        Ok(ActiveToken {
            token: row.try_get(0)?,
            parent: row.try_get(1)?,
        })
    })
    .transpose()
}

/// Revoke one token (its `updated_at` marks when, which starts its reuse interval).
pub(super) async fn revoke_token(tx: &Transaction<'_>, token_id: i64) -> Result<()> {
    tx.execute(
        &cached(
            tx,
            "update auth.refresh_tokens set revoked = true, updated_at = now() where id = $1",
        )
        .await?,
        &[&token_id],
    )
    .await?;
    Ok(())
}

/// Revoke every live token of a session (GoTrue's `RevokeTokenFamily`).
pub(super) async fn revoke_family(tx: &Transaction<'_>, session_id: Uuid) -> Result<u64> {
    tx.execute(
        &cached(
            tx,
            "update auth.refresh_tokens set revoked = true, updated_at = now() \
         where session_id = $1 and revoked = false",
        )
        .await?,
        &[&session_id],
    )
    .await
}

/// Record a refresh on the session (time, client).
pub(super) async fn touch_session(
    tx: &Transaction<'_>,
    session_id: Uuid,
    ip: Option<IpAddr>,
    user_agent: Option<&str>,
) -> Result<()> {
    tx.execute(
        &cached(tx, "update auth.sessions set refreshed_at = (now() at time zone 'utc'), updated_at = now(), \
           ip = coalesce($2, ip), user_agent = coalesce($3, user_agent) where id = $1").await?,
        &[&session_id, &ip, &user_agent],
    )
    .await?;
    Ok(())
}

/// The session's authentication methods and their times (`amr`), newest first.
pub(super) async fn amr_claims(
    tx: &Transaction<'_>,
    session_id: Uuid,
) -> Result<Vec<(String, i64)>> {
    let rows = tx
        .query(
            &cached(
                tx,
                "select authentication_method, extract(epoch from updated_at)::bigint \
             from auth.mfa_amr_claims where session_id = $1 order by updated_at desc",
            )
            .await?,
            &[&session_id],
        )
        .await?;
    rows.iter()
        .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
        .collect()
}

/// Which sessions a logout ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum LogoutScope {
    /// Every session of the user.
    Global,
    /// Only this one.
    Local,
    /// Every other session of the user.
    Others,
}

/// End sessions (their refresh tokens and amr claims go with them, by cascade).
pub(super) async fn end_sessions(
    tx: &Transaction<'_>,
    user_id: Uuid,
    current: Option<Uuid>,
    scope: LogoutScope,
) -> Result<u64> {
    match (scope, current) {
        (LogoutScope::Local, Some(session)) => {
            tx.execute(
                &cached(tx, "delete from auth.sessions where id = $1").await?,
                &[&session],
            )
            .await
        }
        (LogoutScope::Others, Some(session)) => {
            tx.execute(
                &cached(
                    tx,
                    "delete from auth.sessions where user_id = $1 and id <> $2",
                )
                .await?,
                &[&user_id, &session],
            )
            .await
        }
        // Global, or a token without a session (legacy): everything.
        _ => {
            let ended = tx
                .execute(
                    &cached(tx, "delete from auth.sessions where user_id = $1").await?,
                    &[&user_id],
                )
                .await?;
            tx.execute(
                &cached(tx, "delete from auth.refresh_tokens where user_id = $1").await?,
                &[&user_id.to_string()],
            )
            .await?;
            Ok(ended)
        }
    }
}

/// Store a new password hash.
pub(super) async fn set_password(tx: &Transaction<'_>, user_id: Uuid, hash: &str) -> Result<()> {
    tx.execute(
        &cached(
            tx,
            "update auth.users set encrypted_password = $2, recovery_token = '', \
           confirmation_token = '', reauthentication_token = '', updated_at = now() where id = $1",
        )
        .await?,
        &[&user_id, &hash],
    )
    .await?;
    Ok(())
}

/// Replace the user metadata.
pub(super) async fn set_user_metadata(
    tx: &Transaction<'_>,
    user_id: Uuid,
    metadata: &Value,
) -> Result<()> {
    tx.execute(
        &cached(
            tx,
            "update auth.users set raw_user_meta_data = $2, updated_at = now() where id = $1",
        )
        .await?,
        &[&user_id, metadata],
    )
    .await?;
    Ok(())
}

/// Start an e-mail change: the new address waits for confirmation (`new_email`).
pub(super) async fn request_email_change(
    tx: &Transaction<'_>,
    user_id: Uuid,
    new_email: &str,
    token: &str,
) -> Result<()> {
    tx.execute(
        &cached(
            tx,
            "update auth.users set email_change = $2, email_change_token_new = $3, \
           email_change_sent_at = now(), email_change_confirm_status = 0, updated_at = now() \
         where id = $1",
        )
        .await?,
        &[&user_id, &new_email, &token],
    )
    .await?;
    Ok(())
}

/// Whether another (non-SSO) user already has this e-mail.
pub(super) async fn email_taken(
    tx: &Transaction<'_>,
    email: &str,
    aud: &str,
    except: Uuid,
) -> Result<bool> {
    Ok(tx
        .query_opt(
            &cached(
                tx,
                "select 1 from auth.users where lower(email) = $1 and aud = $2 \
               and is_sso_user = false and id <> $3",
            )
            .await?,
            &[&email, &aud, &except],
        )
        .await?
        .is_some())
}

/// Delete a user (their identities, sessions and tokens go by cascade).
pub(super) async fn delete_user(tx: &Transaction<'_>, user_id: Uuid) -> Result<bool> {
    tx.execute(
        &cached(tx, "delete from auth.refresh_tokens where user_id = $1").await?,
        &[&user_id.to_string()],
    )
    .await?;
    Ok(tx
        .execute(
            &cached(tx, "delete from auth.users where id = $1").await?,
            &[&user_id],
        )
        .await?
        > 0)
}

/// What happened, for `auth.audit_log_entries` (GoTrue's audit actions).
pub(super) struct AuditEntry<'a> {
    pub(super) actor_id: Uuid,
    pub(super) actor_username: &'a str,
    pub(super) action: &'a str,
    pub(super) log_type: &'a str,
    pub(super) ip: Option<IpAddr>,
    pub(super) traits: Value,
}

/// Append to the audit log.
pub(super) async fn audit(tx: &Transaction<'_>, entry: &AuditEntry<'_>) -> Result<()> {
    let payload = json!({
        "actor_id": entry.actor_id.to_string(),
        "actor_username": entry.actor_username,
        "actor_via_sso": false,
        "log_type": entry.log_type,
        "action": entry.action,
        "traits": entry.traits,
    });
    let ip = entry.ip.map(|ip| ip.to_string()).unwrap_or_default();
    tx.execute(
        &cached(
            tx,
            "insert into auth.audit_log_entries (instance_id, id, payload, created_at, ip_address) \
         values ($1, $2, $3, now(), $4)",
        )
        .await?,
        &[&INSTANCE_ID, &Uuid::new_v4(), &payload, &ip],
    )
    .await?;
    Ok(())
}
