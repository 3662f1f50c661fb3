//! JSON Web Tokens: HS256 with the project secret, as hosted Supabase's legacy JWT secret.
//! Verification follows PostgREST: HS256 only (never `none`), `exp`/`nbf` checked with 30 s of
//! clock skew when present, `aud` checked only when an audience is configured (PostgREST's
//! `jwt-aud`; Supabase sets none): a token that names another audience is refused, a token
//! that names none passes.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, errors::ErrorKind};
use serde_json::Value;

/// Clock skew tolerated on `exp` and `nbf`, as PostgREST allows.
pub const CLOCK_SKEW_SECONDS: u64 = 30;

/// Why a token was refused. The messages follow PostgREST's wording where clients show them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JwtError {
    #[error("JWT expired")]
    Expired,
    #[error("JWT not yet valid")]
    NotYetValid,
    #[error("No suitable key or wrong key type")]
    BadSignature,
    #[error("Expected 3 parts in JWT; got {0}")]
    WrongParts(usize),
    #[error("JWT cryptographic operation failed")]
    Malformed,
    #[error("The JWT 'role' claim must be a string")]
    BadRoleClaim,
    #[error("JWT not in audience")]
    WrongAudience,
}

/// Signs and verifies tokens with the project secret.
#[derive(Clone)]
pub struct Jwt {
    encoding: EncodingKey,
    decoding: DecodingKey,
    audience: Option<String>,
}

impl std::fmt::Debug for Jwt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Jwt(<secret>)")
    }
}

impl Jwt {
    pub fn new(secret: &str) -> Jwt {
        Jwt {
            encoding: EncodingKey::from_secret(secret.as_bytes()),
            decoding: DecodingKey::from_secret(secret.as_bytes()),
            audience: None,
        }
    }

    /// Also refuse tokens whose `aud` (a string or an array of strings) does not name
    /// `audience`. Tokens without `aud` still pass, as in PostgREST.
    pub fn with_audience(mut self, audience: Option<String>) -> Jwt {
        self.audience = audience;
        self
    }

    /// Whether the claims' `aud`, if any, names the configured audience.
    fn in_audience(&self, claims: &Value) -> bool {
        let (Some(audience), Some(aud)) = (&self.audience, claims.get("aud")) else {
            return true;
        };
        match aud {
            Value::String(named) => named == audience,
            Value::Array(named) => named.iter().any(|named| named.as_str() == Some(audience)),
            _ => false,
        }
    }

    /// Sign claims as an HS256 JWT (header `{"alg":"HS256","typ":"JWT"}`, no `kid`).
    pub fn sign(&self, claims: &Value) -> String {
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &self.encoding)
            .expect("HS256 signing of a JSON value cannot fail")
    }

    /// Verify a token and return its claims.
    pub fn verify(&self, token: &str) -> Result<Value, JwtError> {
        let parts = token.split('.').count();
        if parts != 3 {
            return Err(JwtError::WrongParts(parts));
        }
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = CLOCK_SKEW_SECONDS;
        validation.validate_aud = false;
        validation.validate_nbf = true;
        validation.required_spec_claims.clear();
        let data =
            jsonwebtoken::decode::<Value>(token, &self.decoding, &validation).map_err(|error| {
                match error.kind() {
                    ErrorKind::ExpiredSignature => JwtError::Expired,
                    ErrorKind::ImmatureSignature => JwtError::NotYetValid,
                    ErrorKind::InvalidSignature
                    | ErrorKind::InvalidAlgorithm
                    | ErrorKind::InvalidKeyFormat => JwtError::BadSignature,
                    _ => JwtError::Malformed,
                }
            })?;
        let claims = data.claims;
        if !claims.is_object() {
            return Err(JwtError::Malformed);
        }
        if !self.in_audience(&claims) {
            return Err(JwtError::WrongAudience);
        }
        match claims.get("role") {
            None | Some(Value::String(_)) => Ok(claims),
            Some(_) => Err(JwtError::BadRoleClaim),
        }
    }
}

/// Seconds since the Unix epoch, now.
pub fn now_unix() -> i64 {
    chrono::Utc::now().timestamp()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const SECRET: &str = "super-secret-jwt-token-with-at-least-32-characters-long";

    #[test]
    fn round_trips_claims() {
        let jwt = Jwt::new(SECRET);
        let token =
            jwt.sign(&json!({"role": "authenticated", "sub": "u1", "exp": now_unix() + 60}));
        assert_eq!(jwt.verify(&token).unwrap()["sub"], "u1");
    }

    #[test]
    fn refuses_expired_tokens_beyond_the_skew() {
        let jwt = Jwt::new(SECRET);
        let within = jwt.sign(&json!({"role": "anon", "exp": now_unix() - 10}));
        assert!(jwt.verify(&within).is_ok());
        let beyond = jwt.sign(&json!({"role": "anon", "exp": now_unix() - 31}));
        assert_eq!(jwt.verify(&beyond), Err(JwtError::Expired));
    }

    #[test]
    fn checks_the_audience_only_when_one_is_configured() {
        let open = Jwt::new(SECRET);
        let strict = Jwt::new(SECRET).with_audience(Some("authenticated".to_owned()));
        let other = open.sign(&json!({"role": "authenticated", "aud": "someone-else"}));
        assert!(
            open.verify(&other).is_ok(),
            "no audience configured: aud is not checked"
        );
        assert_eq!(strict.verify(&other), Err(JwtError::WrongAudience));
        let listed = open.sign(&json!({"role": "authenticated", "aud": ["x", "authenticated"]}));
        assert!(strict.verify(&listed).is_ok());
        let unlisted = open.sign(&json!({"role": "authenticated", "aud": ["x", "y"]}));
        assert_eq!(strict.verify(&unlisted), Err(JwtError::WrongAudience));
        let odd = open.sign(&json!({"role": "authenticated", "aud": 7}));
        assert_eq!(strict.verify(&odd), Err(JwtError::WrongAudience));
        let none = open.sign(&json!({"role": "anon"}));
        assert!(
            strict.verify(&none).is_ok(),
            "a token naming no audience passes"
        );
    }

    #[test]
    fn refuses_wrong_keys_and_alg_none() {
        let other = Jwt::new("another-secret-that-is-also-at-least-32-characters");
        let token = other.sign(&json!({"role": "service_role"}));
        assert_eq!(Jwt::new(SECRET).verify(&token), Err(JwtError::BadSignature));

        // {"alg":"none","typ":"JWT"} . {"role":"service_role"} . (empty signature)
        let none = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJyb2xlIjoic2VydmljZV9yb2xlIn0.";
        assert!(Jwt::new(SECRET).verify(none).is_err());
        assert_eq!(
            Jwt::new(SECRET).verify("garbage"),
            Err(JwtError::WrongParts(1))
        );
    }
}
