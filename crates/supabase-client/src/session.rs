//! The signed-in session, stored in localStorage in supabase-js's layout, and the rules for
//! refreshing it: about 90 s before expiry, one refresh at a time across tabs (a reused refresh
//! token outside GoTrue's 10 s window revokes the whole session).

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Refresh this long before the access token expires (auth-js: 3 ticks of 30 s).
pub const REFRESH_MARGIN_SECONDS: i64 = 90;
/// How often to check whether a refresh is due (auth-js: 30 s).
pub const TICK_SECONDS: i64 = 30;

/// A GoTrue user, as much as the app needs; other fields are kept for supabase-js compatibility.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct User {
    pub id: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub user_metadata: Value,
    #[serde(flatten)]
    pub other: serde_json::Map<String, Value>,
}

impl User {
    /// The name the user gave at sign-up (`user_metadata.full_name`), else the e-mail.
    pub fn display_name(&self) -> String {
        self.user_metadata
            .get("full_name")
            .and_then(Value::as_str)
            .filter(|name| !name.trim().is_empty())
            .map(str::to_owned)
            .or_else(|| self.email.clone())
            .unwrap_or_else(|| "you".to_owned())
    }
}

/// A session: GoTrue's AccessTokenResponse, stored as supabase-js stores it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    pub access_token: String,
    pub token_type: String,
    pub expires_in: i64,
    /// Unix seconds; computed from `expires_in` when the server leaves it out.
    #[serde(default)]
    pub expires_at: Option<i64>,
    pub refresh_token: String,
    pub user: User,
}

impl Session {
    /// Fill `expires_at` from `expires_in` when missing (auth-js does the same).
    pub fn normalised(mut self, now: i64) -> Session {
        if self.expires_at.is_none() {
            self.expires_at = Some(now + self.expires_in);
        }
        self
    }

    pub fn expires_at(&self) -> i64 {
        self.expires_at.unwrap_or(0)
    }

    pub fn is_expired(&self, now: i64) -> bool {
        self.expires_at() <= now
    }

    /// Whether a refresh is due now.
    pub fn needs_refresh(&self, now: i64) -> bool {
        self.expires_at() - now <= REFRESH_MARGIN_SECONDS
    }

    /// Seconds until a refresh is due (0 when due).
    pub fn seconds_until_refresh(&self, now: i64) -> i64 {
        (self.expires_at() - REFRESH_MARGIN_SECONDS - now).max(0)
    }

    /// Parse what localStorage holds; anything unreadable counts as no session.
    pub fn from_storage(text: Option<&str>) -> Option<Session> {
        text.and_then(|text| serde_json::from_str(text).ok())
    }

    pub fn to_storage(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// What to do once we hold the cross-tab refresh lock, given what storage holds now.
#[derive(Debug, Clone, PartialEq)]
pub enum RefreshDecision {
    /// Another tab refreshed meanwhile: use its session, send nothing.
    Adopt(Session),
    /// Refresh with this refresh token.
    Refresh(String),
    /// Another tab signed out.
    SignedOut,
}

/// Decide inside the lock: never refresh a token another tab has already rotated.
pub fn decide_refresh(ours: &Session, stored: Option<Session>, now: i64) -> RefreshDecision {
    match stored {
        None => RefreshDecision::SignedOut,
        Some(stored)
            if stored.refresh_token != ours.refresh_token && !stored.needs_refresh(now) =>
        {
            RefreshDecision::Adopt(stored)
        }
        Some(stored) if !stored.needs_refresh(now) => RefreshDecision::Adopt(stored),
        Some(stored) => RefreshDecision::Refresh(stored.refresh_token),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(refresh_token: &str, expires_at: i64) -> Session {
        Session {
            access_token: "a".into(),
            token_type: "bearer".into(),
            expires_in: 3600,
            expires_at: Some(expires_at),
            refresh_token: refresh_token.into(),
            user: User {
                id: "u".into(),
                email: None,
                user_metadata: Value::Null,
                other: Default::default(),
            },
        }
    }

    #[test]
    fn refreshes_ninety_seconds_before_expiry() {
        let s = session("r", 1_000);
        assert!(!s.needs_refresh(909));
        assert!(s.needs_refresh(910));
        assert_eq!(s.seconds_until_refresh(900), 10);
        assert_eq!(s.seconds_until_refresh(2_000), 0);
    }

    #[test]
    fn adopts_a_session_another_tab_refreshed() {
        let ours = session("r1", 1_000);
        let theirs = session("r2", 4_600);
        assert_eq!(
            decide_refresh(&ours, Some(theirs.clone()), 950),
            RefreshDecision::Adopt(theirs)
        );
        assert_eq!(
            decide_refresh(&ours, Some(ours.clone()), 950),
            RefreshDecision::Refresh("r1".into())
        );
        assert_eq!(decide_refresh(&ours, None, 950), RefreshDecision::SignedOut);
    }

    #[test]
    fn storage_round_trip_keeps_unknown_user_fields() {
        let text = r#"{"access_token":"a","token_type":"bearer","expires_in":3600,"expires_at":10,
            "refresh_token":"r","user":{"id":"u","email":"e@x.io","user_metadata":{},"aud":"authenticated"}}"#;
        let parsed = Session::from_storage(Some(text)).unwrap();
        assert_eq!(parsed.user.other["aud"], "authenticated");
        assert_eq!(
            Session::from_storage(Some(&parsed.to_storage())),
            Some(parsed)
        );
        assert_eq!(Session::from_storage(Some("{oops")), None);
    }
}
