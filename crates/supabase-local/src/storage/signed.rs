//! Signed URLs (contract §4.1): a JWT `{url: "<bucket>/<name>", iat, exp}` signed with the
//! project secret. Whoever holds the URL may download that one object until `exp`, without
//! an API key or a session.

use super::error::StorageError;
use crate::jwt::{Jwt, JwtError, now_unix};
use serde_json::{Value, json};

/// Sign `<bucket>/<name>` for `expires_in` seconds.
pub fn sign(jwt: &Jwt, bucket: &str, name: &str, expires_in: i64) -> String {
    let iat = now_unix();
    jwt.sign(&json!({"url": format!("{bucket}/{name}"), "iat": iat, "exp": iat + expires_in}))
}

/// The path part of a signed URL, relative to `/storage/v1`, as hosted returns it.
pub fn signed_url(jwt: &Jwt, bucket: &str, name: &str, expires_in: i64) -> String {
    format!(
        "/object/sign/{bucket}/{name}?token={}",
        sign(jwt, bucket, name, expires_in)
    )
}

/// Hosted's error for an expired signed URL.
fn expired() -> StorageError {
    StorageError::invalid_jwt("\"exp\" claim timestamp check failed")
}

/// Check a token against the object it is used for.
pub fn verify(jwt: &Jwt, token: &str, bucket: &str, name: &str) -> Result<(), StorageError> {
    let claims = jwt.verify(token).map_err(|error| match error {
        JwtError::Expired => expired(),
        other => StorageError::invalid_jwt(other.to_string()),
    })?;
    // Signed URLs expire exactly at `exp` (hosted verifies them with no clock tolerance, unlike
    // session tokens), and must name exactly this object; a session token (no `url`) is not a
    // signed URL.
    match claims.get("exp").and_then(Value::as_i64) {
        None => return Err(StorageError::invalid_jwt("missing exp claim")),
        Some(exp) if exp <= now_unix() => return Err(expired()),
        Some(_) => {}
    }
    match claims.get("url").and_then(Value::as_str) {
        Some(url) if url == format!("{bucket}/{name}") => Ok(()),
        _ => Err(StorageError::invalid_signature()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt() -> Jwt {
        Jwt::new(crate::settings::DEFAULT_JWT_SECRET)
    }

    #[test]
    fn signs_and_verifies_one_object() {
        let jwt = jwt();
        let token = sign(&jwt, "transcripts", "a/b/call.vtt", 60);
        assert!(verify(&jwt, &token, "transcripts", "a/b/call.vtt").is_ok());
        let claims = jwt.verify(&token).unwrap();
        assert_eq!(claims["url"], "transcripts/a/b/call.vtt");
        assert_eq!(
            claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
            60
        );
        let url = signed_url(&jwt, "transcripts", "a/b/call.vtt", 60);
        assert!(url.starts_with("/object/sign/transcripts/a/b/call.vtt?token=ey"));
    }

    #[test]
    fn refuses_other_objects_expired_forged_and_session_tokens() {
        let jwt = jwt();
        let token = sign(&jwt, "transcripts", "a/call.vtt", 60);
        assert_eq!(
            verify(&jwt, &token, "transcripts", "b/call.vtt")
                .unwrap_err()
                .code,
            "InvalidSignature"
        );
        assert_eq!(
            verify(&jwt, &token, "other", "a/call.vtt")
                .unwrap_err()
                .code,
            "InvalidSignature"
        );
        // Expired a second ago: refused, with none of the session tokens' clock leeway.
        for lifetime in [-120, -1, 0] {
            let expired = sign(&jwt, "transcripts", "a/call.vtt", lifetime);
            assert_eq!(
                verify(&jwt, &expired, "transcripts", "a/call.vtt")
                    .unwrap_err()
                    .code,
                "InvalidJWT",
                "{lifetime}"
            );
        }
        let forged = sign(
            &Jwt::new("a-different-secret-that-is-long-enough-123"),
            "transcripts",
            "a/call.vtt",
            60,
        );
        assert_eq!(
            verify(&jwt, &forged, "transcripts", "a/call.vtt")
                .unwrap_err()
                .code,
            "InvalidJWT"
        );
        let session = jwt.sign(&json!({"role": "authenticated", "exp": now_unix() + 60}));
        assert!(verify(&jwt, &session, "transcripts", "a/call.vtt").is_err());
    }
}
