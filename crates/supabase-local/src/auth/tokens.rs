//! Sessions, refresh tokens and access tokens, as pure functions (the SQL is in `store`).
//!
//! Refresh-token rotation follows GoTrue's `RefreshTokenGrant` (`internal/tokens/service.go`):
//! - an active token is revoked and replaced by a child (`parent` = the old token);
//! - a revoked token that is the parent of the session's active token gets that active token
//!   back (the client lost the last response, e.g. two tabs refreshing at once);
//! - a revoked token reused within `refresh_token_reuse_interval` (10 s) of its revocation
//!   gets a new child, in the same session;
//! - any other reuse revokes every token of the session ("the family") and fails with
//!   `refresh_token_already_used`.
//!
//! One deliberate difference: GoTrue also lets a token revoked *by that family revocation*
//! be reused within the interval (its `updated_at` was just set), which reopens a family it
//! just closed. Here reuse within the interval needs a live family (an active token in the
//! session), so after a revocation every token of the session fails.

use chrono::{DateTime, Utc};
use rand::Rng;
use serde_json::{Value, json};
use std::time::Duration;
use uuid::Uuid;

/// Length of a refresh token: 12 alphanumerics (GoTrue's `SecureAlphanumeric(12)`, ~71 bits).
pub const REFRESH_TOKEN_LENGTH: usize = 12;

/// A new random refresh token.
pub fn new_refresh_token() -> String {
    rand::rng()
        .sample_iter(rand::distr::Alphanumeric)
        .take(REFRESH_TOKEN_LENGTH)
        .map(char::from)
        .collect()
}

/// The presented refresh token, as stored.
#[derive(Debug, Clone)]
pub struct PresentedToken {
    pub token: String,
    pub revoked: bool,
    /// When it was last changed; for a revoked token, when it was revoked.
    pub updated_at: DateTime<Utc>,
}

/// The session's currently active token: its newest non-revoked one.
#[derive(Debug, Clone)]
pub struct ActiveToken {
    pub token: String,
    pub parent: Option<String>,
}

/// What to do with a refresh request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refresh {
    /// The token is active: revoke it and issue a child.
    Rotate,
    /// The token is the parent of the active one: hand out the active token again.
    ReturnActive(String),
    /// A recently revoked token of a live session: issue a child of it.
    ReuseWithinInterval,
    /// Reuse outside the interval (or of a closed family): revoke the family if asked, and
    /// refuse with `refresh_token_already_used`.
    Refuse { revoke_family: bool },
}

/// Decide a refresh request (see the module documentation).
pub fn decide_refresh(
    presented: &PresentedToken,
    active: Option<&ActiveToken>,
    now: DateTime<Utc>,
    reuse_interval: Duration,
    rotation_enabled: bool,
) -> Refresh {
    if !presented.revoked {
        return Refresh::Rotate;
    }
    let Some(active) = active else {
        return Refresh::Refuse {
            revoke_family: false,
        };
    };
    if active.parent.as_deref() == Some(presented.token.as_str()) {
        return Refresh::ReturnActive(active.token.clone());
    }
    let reuse_until = presented.updated_at
        + chrono::Duration::from_std(reuse_interval).unwrap_or(chrono::Duration::zero());
    if now <= reuse_until {
        Refresh::ReuseWithinInterval
    } else {
        Refresh::Refuse {
            revoke_family: rotation_enabled,
        }
    }
}

/// A session's times, for the validity check.
#[derive(Debug, Clone)]
pub struct SessionTimes {
    pub created_at: DateTime<Utc>,
    /// Last refresh (`auth.sessions.refreshed_at`), if ever refreshed.
    pub refreshed_at: Option<DateTime<Utc>>,
    pub not_after: Option<DateTime<Utc>>,
}

/// Session limits from config.toml `[auth.sessions]` (None: no limit).
#[derive(Debug, Clone, Default)]
pub struct SessionLimits {
    /// Sessions end this long after sign-in.
    pub timebox: Option<Duration>,
    /// Sessions end after this long without a refresh.
    pub inactivity_timeout: Option<Duration>,
}

/// Whether a session may still be refreshed (GoTrue's `Session.CheckValidity`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionValidity {
    Valid,
    PastNotAfter,
    PastTimebox,
    TimedOut,
}

/// Check a session at `now`. `refresh_token_time` (the presented token's `updated_at`) stands
/// in for a missing `refreshed_at`, as in GoTrue.
pub fn check_session(
    session: &SessionTimes,
    limits: &SessionLimits,
    now: DateTime<Utc>,
    refresh_token_time: Option<DateTime<Utc>>,
) -> SessionValidity {
    let after = |start: DateTime<Utc>, limit: Duration| {
        chrono::Duration::from_std(limit).is_ok_and(|limit| now > start + limit)
    };
    if session.not_after.is_some_and(|not_after| now > not_after) {
        return SessionValidity::PastNotAfter;
    }
    if let Some(timebox) = limits.timebox.filter(|limit| !limit.is_zero())
        && after(session.created_at, timebox)
    {
        return SessionValidity::PastTimebox;
    }
    if let Some(timeout) = limits.inactivity_timeout.filter(|limit| !limit.is_zero()) {
        let last = session
            .refreshed_at
            .or(refresh_token_time.filter(|time| *time > session.created_at))
            .unwrap_or(session.created_at);
        if after(last, timeout) {
            return SessionValidity::TimedOut;
        }
    }
    SessionValidity::Valid
}

/// What goes into an access token (contract §2.2).
#[derive(Debug, Clone)]
pub struct AccessTokenInput<'a> {
    pub user: &'a super::model::User,
    pub session_id: Uuid,
    /// Authentication methods of the session with their times (`amr`), newest first.
    pub amr: &'a [(String, i64)],
    /// `<public url>/auth/v1`.
    pub issuer: &'a str,
    pub issued_at: i64,
    pub expires_in: i64,
}

/// The access-token claims GoTrue issues (`AccessTokenClaims`): `iss`, `sub`, `aud`, `exp`,
/// `iat`, `email`, `phone`, `app_metadata`, `user_metadata`, `role`, `aal`, `amr`,
/// `session_id`, `is_anonymous`.
pub fn access_token_claims(input: &AccessTokenInput<'_>) -> Value {
    let user = input.user;
    let amr: Vec<Value> = input
        .amr
        .iter()
        .map(|(method, timestamp)| json!({"method": method, "timestamp": timestamp}))
        .collect();
    json!({
        "iss": input.issuer,
        "sub": user.id.to_string(),
        "aud": user.aud,
        "exp": input.issued_at + input.expires_in,
        "iat": input.issued_at,
        "email": user.email,
        "phone": user.phone,
        "app_metadata": user.app_metadata,
        "user_metadata": user.user_metadata,
        "role": user.role,
        "aal": "aal1",
        "amr": amr,
        "session_id": input.session_id.to_string(),
        "is_anonymous": user.is_anonymous,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    const TEN_SECONDS: Duration = Duration::from_secs(10);

    fn t(seconds: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(1_750_000_000 + seconds, 0).unwrap()
    }

    fn presented(token: &str, revoked: bool, updated: i64) -> PresentedToken {
        PresentedToken {
            token: token.into(),
            revoked,
            updated_at: t(updated),
        }
    }

    fn active(token: &str, parent: &str) -> ActiveToken {
        ActiveToken {
            token: token.into(),
            parent: Some(parent.into()),
        }
    }

    #[test]
    fn tokens_are_twelve_alphanumerics_and_differ() {
        let a = new_refresh_token();
        let b = new_refresh_token();
        assert_eq!(a.len(), 12);
        assert!(a.chars().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(a, b);
    }

    #[test]
    fn an_active_token_rotates() {
        let decision = decide_refresh(
            &presented("R1", false, 0),
            Some(&active("R1", "R0")),
            t(100),
            TEN_SECONDS,
            true,
        );
        assert_eq!(decision, Refresh::Rotate);
    }

    #[test]
    fn the_parent_of_the_active_token_gets_it_back_at_any_time() {
        for now in [1, 9, 11, 3600] {
            let decision = decide_refresh(
                &presented("R1", true, 0),
                Some(&active("R2", "R1")),
                t(now),
                TEN_SECONDS,
                true,
            );
            assert_eq!(
                decision,
                Refresh::ReturnActive("R2".into()),
                "after {now} s"
            );
        }
    }

    #[test]
    fn an_older_token_is_reusable_only_within_the_interval() {
        // R1 -> R2 -> R3; R1 was revoked at 0, R2 is revoked, R3 active.
        let r1 = presented("R1", true, 0);
        let live = active("R3", "R2");
        assert_eq!(
            decide_refresh(&r1, Some(&live), t(10), TEN_SECONDS, true),
            Refresh::ReuseWithinInterval
        );
        assert_eq!(
            decide_refresh(&r1, Some(&live), t(11), TEN_SECONDS, true),
            Refresh::Refuse {
                revoke_family: true
            }
        );
        // Without rotation GoTrue still refuses, but revokes nothing.
        assert_eq!(
            decide_refresh(&r1, Some(&live), t(11), TEN_SECONDS, false),
            Refresh::Refuse {
                revoke_family: false
            }
        );
    }

    #[test]
    fn a_closed_family_stays_closed_even_within_the_interval() {
        // After a family revocation no token of the session is active: every reuse fails,
        // however recently the token was revoked.
        let just_revoked = presented("R2", true, 100);
        assert_eq!(
            decide_refresh(&just_revoked, None, t(101), TEN_SECONDS, true),
            Refresh::Refuse {
                revoke_family: false
            }
        );
    }

    fn session(created: i64, refreshed: Option<i64>) -> SessionTimes {
        SessionTimes {
            created_at: t(created),
            refreshed_at: refreshed.map(t),
            not_after: None,
        }
    }

    #[test]
    fn sessions_without_limits_stay_valid() {
        let limits = SessionLimits::default();
        assert_eq!(
            check_session(&session(0, None), &limits, t(10_000_000), None),
            SessionValidity::Valid
        );
    }

    #[test]
    fn timebox_and_inactivity_end_sessions() {
        let limits = SessionLimits {
            timebox: Some(Duration::from_secs(12 * 3600)),
            inactivity_timeout: Some(Duration::from_secs(30 * 60)),
        };
        // Refreshed at 29 min idle: fine; at 31 min: timed out.
        assert_eq!(
            check_session(&session(0, None), &limits, t(29 * 60), None),
            SessionValidity::Valid
        );
        assert_eq!(
            check_session(&session(0, None), &limits, t(31 * 60), None),
            SessionValidity::TimedOut
        );
        // Kept alive by refreshes, still ended 12 h after sign-in.
        let busy = session(0, Some(12 * 3600 + 30));
        assert_eq!(
            check_session(&busy, &limits, t(12 * 3600 + 60), None),
            SessionValidity::PastTimebox
        );
        // The token's time stands in for a missing refreshed_at.
        assert_eq!(
            check_session(&session(0, None), &limits, t(40 * 60), Some(t(20 * 60))),
            SessionValidity::Valid
        );
        let ended = SessionTimes {
            not_after: Some(t(5)),
            ..session(0, None)
        };
        assert_eq!(
            check_session(&ended, &SessionLimits::default(), t(6), None),
            SessionValidity::PastNotAfter
        );
    }
}
