//! API keys: the legacy long-lived anon / service_role JWTs and the new opaque
//! `sb_publishable_…` / `sb_secret_…` keys, which the gateway swaps for the JWTs.

use crate::jwt::Jwt;
use serde_json::json;

/// Which API role a key stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyRole {
    Anon,
    ServiceRole,
}

/// The project's four API keys.
#[derive(Debug, Clone)]
pub struct ApiKeys {
    pub anon: String,
    pub service_role: String,
    pub publishable: String,
    pub secret: String,
}

/// Issued-at of the legacy keys: fixed, so the keys are stable across restarts.
const LEGACY_IAT: i64 = 1_700_000_000;
/// Expiry of the legacy keys: ten years after issue, like the CLI's demo keys.
const LEGACY_EXP: i64 = LEGACY_IAT + 10 * 365 * 24 * 3600;

impl ApiKeys {
    /// Derive the keys from the JWT secret (deterministic: same secret, same keys).
    pub fn derive(jwt: &Jwt) -> ApiKeys {
        let legacy = |role: &str| {
            jwt.sign(&json!({"iss": "supabase-demo", "ref": "local", "role": role, "iat": LEGACY_IAT, "exp": LEGACY_EXP}))
        };
        let anon = legacy("anon");
        let service_role = legacy("service_role");
        // The opaque keys are derived from the legacy keys' signatures, so they are as
        // unguessable as the secret and stable across restarts.
        let opaque = |prefix: &str, token: &str| {
            let signature = token.rsplit('.').next().unwrap_or_default();
            let body: String = signature
                .chars()
                .filter(|c| c.is_ascii_alphanumeric())
                .take(31)
                .collect();
            format!("{prefix}{body}")
        };
        ApiKeys {
            publishable: opaque("sb_publishable_", &anon),
            secret: opaque("sb_secret_", &service_role),
            anon,
            service_role,
        }
    }

    /// Which role an `apikey` value stands for, if it is one of ours.
    pub fn role_of(&self, apikey: &str) -> Option<KeyRole> {
        if apikey == self.anon || apikey == self.publishable {
            Some(KeyRole::Anon)
        } else if apikey == self.service_role || apikey == self.secret {
            Some(KeyRole::ServiceRole)
        } else {
            None
        }
    }

    /// The legacy JWT that stands in for a key of this role.
    pub fn jwt_for(&self, role: KeyRole) -> &str {
        match role {
            KeyRole::Anon => &self.anon,
            KeyRole::ServiceRole => &self.service_role,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_stable_and_distinct() {
        let jwt = Jwt::new(crate::settings::DEFAULT_JWT_SECRET);
        let a = ApiKeys::derive(&jwt);
        let b = ApiKeys::derive(&jwt);
        assert_eq!(a.anon, b.anon);
        assert_eq!(a.secret, b.secret);
        assert!(a.publishable.starts_with("sb_publishable_") && a.publishable.len() > 40);
        assert!(a.secret.starts_with("sb_secret_") && a.secret.len() > 35);
        assert_ne!(a.publishable, a.secret);
        assert_eq!(a.role_of(&a.secret), Some(KeyRole::ServiceRole));
        assert_eq!(a.role_of(&a.publishable), Some(KeyRole::Anon));
        assert_eq!(a.role_of("sb_secret_guess"), None);
        assert_eq!(jwt.verify(&a.service_role).unwrap()["role"], "service_role");
    }
}
