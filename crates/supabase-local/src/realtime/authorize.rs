//! Who may join a channel: the access token (verified as Realtime does: `role` and `exp`
//! required, no clock skew on `exp`) and, for private channels, the RLS probe on
//! `realtime.messages` of contract §3.4.

use crate::db::Database;
use crate::jwt::{Jwt, JwtError, now_unix};
use serde_json::Value;

/// Why a join or a token update was refused. Join replies carry `"<code>: <message>"`;
/// a channel shut down later carries only the message (hosted `shutdown_response`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Refusal {
    pub(super) code: &'static str,
    pub(super) message: String,
}

impl Refusal {
    fn new(code: &'static str, message: impl Into<String>) -> Refusal {
        Refusal {
            code,
            message: message.into(),
        }
    }

    /// The `reason` of an error join reply.
    pub(super) fn reason(&self) -> String {
        format!("{}: {}", self.code, self.message)
    }

    pub(super) fn unauthorized(sub_topic: &str) -> Refusal {
        Refusal::new(
            "Unauthorized",
            format!("You do not have permissions to read from this Channel topic: {sub_topic}"),
        )
    }

    pub(super) fn database_unavailable() -> Refusal {
        Refusal::new(
            "UnableToConnectToProject",
            "Realtime was unable to connect to the project database",
        )
    }

    pub(super) fn expired(seconds_ago: i64) -> Refusal {
        Refusal::new(
            "InvalidJWTToken",
            format!("Token has expired {seconds_ago} seconds ago"),
        )
    }
}

/// A verified access token.
#[derive(Debug, Clone)]
pub(super) struct Grant {
    pub(super) token: String,
    pub(super) claims: Value,
    pub(super) role: String,
    /// The `exp` claim (seconds since the Unix epoch).
    pub(super) expires_at: i64,
}

/// Verify a channel access token the way Realtime does (`ChannelsAuthorization`): a valid
/// signature, the claims `role` and `exp`, and `exp` strictly in the future.
pub(super) fn verify_token(jwt: &Jwt, token: &str) -> Result<Grant, Refusal> {
    let token = token.trim();
    let claims = match jwt.verify(token) {
        Ok(claims) => claims,
        Err(JwtError::Expired) => {
            // The signature was checked before the expiry; read `exp` for the message.
            let exp = jsonwebtoken::dangerous::insecure_decode_claims::<Value>(token)
                .ok()
                .and_then(|claims| claims.get("exp").and_then(Value::as_i64))
                .unwrap_or_else(now_unix);
            return Err(Refusal::expired(now_unix().saturating_sub(exp)));
        }
        Err(JwtError::BadSignature) => {
            return Err(Refusal::new(
                "JwtSignatureError",
                "Failed to validate JWT signature",
            ));
        }
        Err(JwtError::NotYetValid) => {
            return Err(Refusal::new("InvalidJWTToken", "Token is not yet valid"));
        }
        Err(JwtError::BadRoleClaim) => return Err(missing_claims()),
        Err(JwtError::WrongAudience) => {
            return Err(Refusal::new(
                "InvalidJWTToken",
                "Token is not in the audience",
            ));
        }
        Err(JwtError::WrongParts(_) | JwtError::Malformed) => {
            return Err(Refusal::new(
                "MalformedJWT",
                "The token provided is not a valid JWT",
            ));
        }
    };
    let role = claims.get("role").and_then(Value::as_str);
    let exp = claims.get("exp").and_then(Value::as_i64);
    let (Some(role), Some(exp)) = (role, exp) else {
        return Err(missing_claims());
    };
    let remaining = exp.saturating_sub(now_unix());
    if remaining <= 0 {
        return Err(Refusal::expired(remaining.saturating_neg()));
    }
    Ok(Grant {
        token: token.to_owned(),
        role: role.to_owned(),
        expires_at: exp,
        claims,
    })
}

fn missing_claims() -> Refusal {
    Refusal::new(
        "InvalidJWTToken",
        "Fields `role` and `exp` are required in JWT",
    )
}

/// What the caller may read on a private channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) struct ReadPolicies {
    pub(super) broadcast: bool,
    pub(super) presence: bool,
}

/// The RLS probe (contract §3.4, hosted `Authorization.get_read_authorizations`): in one
/// transaction, insert a broadcast and a presence probe row for the topic as the Realtime
/// admin, become the caller (role, claims, topic, headers), see which probes are visible,
/// and roll everything back. The probe rows never commit, so they are never broadcast.
pub(super) async fn read_policies(
    db: &Database,
    sub_topic: &str,
    grant: &Grant,
    headers: &Value,
) -> Result<ReadPolicies, Refusal> {
    let mut client = db.realtime.get().await.map_err(|error| {
        tracing::warn!(%error, "realtime: no database connection for the join probe");
        Refusal::database_unavailable()
    })?;
    let transaction = client
        .transaction()
        .await
        .map_err(|_| Refusal::database_unavailable())?;
    let probe = async {
        let rows = transaction
            .query(
                "insert into realtime.messages (topic, extension) \
                 values ($1, 'broadcast'), ($1, 'presence') returning id, extension",
                &[&sub_topic],
            )
            .await?;
        let mut broadcast_id = None;
        let mut presence_id = None;
        for row in &rows {
            let id: uuid::Uuid = row.get(0);
            match row.get::<_, &str>(1) {
                "broadcast" => broadcast_id = Some(id),
                _ => presence_id = Some(id),
            }
        }
        let subject = grant
            .claims
            .get("sub")
            .and_then(Value::as_str)
            .unwrap_or("");
        transaction
            .execute(
                "select set_config('role', $1, true), set_config('realtime.topic', $2, true), \
                 set_config('request.jwt.claims', $3, true), \
                 set_config('request.jwt.claim.sub', $4, true), \
                 set_config('request.jwt.claim.role', $1, true), \
                 set_config('request.headers', $5, true)",
                &[
                    &grant.role,
                    &sub_topic,
                    &grant.claims.to_string(),
                    &subject,
                    &headers.to_string(),
                ],
            )
            .await?;
        let visible = transaction
            .query(
                "select id from realtime.messages where topic = $1 \
                 and ((extension = 'broadcast' and id = $2) or (extension = 'presence' and id = $3))",
                &[&sub_topic, &broadcast_id, &presence_id],
            )
            .await?;
        let seen: Vec<uuid::Uuid> = visible.iter().map(|row| row.get(0)).collect();
        Ok::<_, tokio_postgres::Error>(ReadPolicies {
            broadcast: broadcast_id.is_some_and(|id| seen.contains(&id)),
            presence: presence_id.is_some_and(|id| seen.contains(&id)),
        })
    }
    .await;
    // Dropping the transaction would roll back too; an explicit ROLLBACK returns the
    // connection to the pool clean right away.
    transaction.rollback().await.ok();
    probe.map_err(|error| {
        // A policy that raises, or a role the Realtime admin may not become, denies access
        // (hosted logs RlsPolicyError and answers Unauthorized).
        tracing::info!(%error, topic = sub_topic, "realtime: join probe failed");
        Refusal::unauthorized(sub_topic)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn jwt() -> Jwt {
        Jwt::new(crate::settings::DEFAULT_JWT_SECRET)
    }

    #[test]
    fn accepts_tokens_with_role_and_future_exp() {
        let token =
            jwt().sign(&json!({"role": "authenticated", "sub": "u", "exp": now_unix() + 60}));
        let grant = verify_token(&jwt(), &token).unwrap();
        assert_eq!(grant.role, "authenticated");
        assert!(grant.expires_at > now_unix());
    }

    #[test]
    fn refuses_with_realtime_reasons() {
        let jwt = jwt();
        let no_exp = jwt.sign(&json!({"role": "anon"}));
        assert_eq!(
            verify_token(&jwt, &no_exp).unwrap_err().reason(),
            "InvalidJWTToken: Fields `role` and `exp` are required in JWT"
        );
        // Realtime allows no clock skew: 5 s past `exp` is expired, although PostgREST would
        // still accept it.
        let recent = jwt.sign(&json!({"role": "anon", "exp": now_unix() - 5}));
        let reason = verify_token(&jwt, &recent).unwrap_err().reason();
        assert!(
            reason.starts_with("InvalidJWTToken: Token has expired "),
            "{reason}"
        );
        let old = jwt.sign(&json!({"role": "anon", "exp": now_unix() - 100}));
        let reason = verify_token(&jwt, &old).unwrap_err().reason();
        assert!(reason.ends_with(" seconds ago"), "{reason}");
        let forged = Jwt::new("some-other-secret-of-at-least-thirty-two-chars")
            .sign(&json!({"role": "service_role", "exp": now_unix() + 60}));
        assert_eq!(
            verify_token(&jwt, &forged).unwrap_err().code,
            "JwtSignatureError"
        );
        assert_eq!(
            verify_token(&jwt, "not-a-token").unwrap_err().reason(),
            "MalformedJWT: The token provided is not a valid JWT"
        );
    }
}
