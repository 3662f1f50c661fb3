//! Users and identities as stored in `auth.users` / `auth.identities`, and their JSON as
//! GoTrue sends it (`internal/models/user.go`, `identity.go`): field names, which fields are
//! always present and which only when set, timestamps in Go's RFC 3339 format.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use serde_json::{Map, Value, json};
use uuid::Uuid;

/// The audience and role of every signed-in user (GoTrue's default `aud` and group).
pub const AUTHENTICATED: &str = "authenticated";

/// A row of `auth.users` (the columns we use). Serialises as GoTrue's user JSON, field for
/// field and in its order: optional times only when set, the pending e-mail as `new_email`,
/// never the password hash.
#[derive(Debug, Clone, Serialize)]
pub struct User {
    pub id: Uuid,
    pub aud: String,
    pub role: String,
    pub email: String,
    #[serde(skip)]
    pub encrypted_password: Option<String>,
    #[serde(
        serialize_with = "go_time_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub email_confirmed_at: Option<DateTime<Utc>>,
    pub phone: String,
    #[serde(
        serialize_with = "go_time_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub phone_confirmed_at: Option<DateTime<Utc>>,
    #[serde(
        serialize_with = "go_time_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub confirmation_sent_at: Option<DateTime<Utc>>,
    #[serde(
        serialize_with = "go_time_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub confirmed_at: Option<DateTime<Utc>>,
    #[serde(
        serialize_with = "go_time_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub recovery_sent_at: Option<DateTime<Utc>>,
    #[serde(rename = "new_email", skip_serializing_if = "String::is_empty")]
    pub email_change: String,
    #[serde(
        serialize_with = "go_time_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub email_change_sent_at: Option<DateTime<Utc>>,
    #[serde(rename = "new_phone", skip_serializing_if = "String::is_empty")]
    pub phone_change: String,
    #[serde(
        serialize_with = "go_time_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub phone_change_sent_at: Option<DateTime<Utc>>,
    #[serde(
        serialize_with = "go_time_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub reauthentication_sent_at: Option<DateTime<Utc>>,
    #[serde(
        serialize_with = "go_time_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub last_sign_in_at: Option<DateTime<Utc>>,
    pub app_metadata: Value,
    pub user_metadata: Value,
    pub identities: Vec<Identity>,
    #[serde(serialize_with = "go_time")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "go_time")]
    pub updated_at: DateTime<Utc>,
    #[serde(
        serialize_with = "go_time_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub banned_until: Option<DateTime<Utc>>,
    #[serde(
        serialize_with = "go_time_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub deleted_at: Option<DateTime<Utc>>,
    pub is_anonymous: bool,
    #[serde(skip)]
    pub invited_at: Option<DateTime<Utc>>,
    #[serde(skip)]
    pub is_sso_user: bool,
}

/// The columns [`User::from_row`] reads, in order (for `select … from auth.users`).
pub const USER_COLUMNS: &str = "id, aud, role, email, encrypted_password, email_confirmed_at, \
    invited_at, confirmation_sent_at, recovery_sent_at, email_change, email_change_sent_at, \
    last_sign_in_at, raw_app_meta_data, raw_user_meta_data, created_at, updated_at, phone, \
    phone_confirmed_at, phone_change, phone_change_sent_at, confirmed_at, banned_until, \
    reauthentication_sent_at, is_sso_user, deleted_at, is_anonymous";

/// A row of `auth.identities`.
#[derive(Debug, Clone, Serialize)]
pub struct Identity {
    #[serde(rename = "identity_id")]
    pub id: Uuid,
    /// The provider's id for the user (for `email`, the user id), `id` in JSON.
    #[serde(rename = "id")]
    pub provider_id: String,
    pub user_id: Uuid,
    pub identity_data: Value,
    pub provider: String,
    #[serde(
        serialize_with = "go_time_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub last_sign_in_at: Option<DateTime<Utc>>,
    #[serde(serialize_with = "go_time")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "go_time")]
    pub updated_at: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// The columns [`Identity::from_row`] reads, in order.
pub const IDENTITY_COLUMNS: &str = "id, provider_id, user_id, identity_data, provider, last_sign_in_at, created_at, updated_at, email";

fn or_now(value: Option<DateTime<Utc>>) -> DateTime<Utc> {
    value.unwrap_or_else(Utc::now)
}

impl User {
    /// Read a row selected with [`USER_COLUMNS`] (identities are loaded separately).
    pub fn from_row(row: &tokio_postgres::Row) -> Result<User, tokio_postgres::Error> {
        let text = |index: usize| -> Result<String, tokio_postgres::Error> {
            Ok(row.try_get::<_, Option<String>>(index)?.unwrap_or_default())
        };
        let object = |index: usize| -> Result<Value, tokio_postgres::Error> {
            Ok(row
                .try_get::<_, Option<Value>>(index)?
                .filter(Value::is_object)
                .unwrap_or_else(|| json!({})))
        };
        Ok(User {
            id: row.try_get(0)?,
            aud: text(1)?,
            role: text(2)?,
            email: text(3)?,
            encrypted_password: row.try_get(4)?,
            email_confirmed_at: row.try_get(5)?,
            invited_at: row.try_get(6)?,
            confirmation_sent_at: row.try_get(7)?,
            recovery_sent_at: row.try_get(8)?,
            email_change: text(9)?,
            email_change_sent_at: row.try_get(10)?,
            last_sign_in_at: row.try_get(11)?,
            app_metadata: object(12)?,
            user_metadata: object(13)?,
            created_at: or_now(row.try_get(14)?),
            updated_at: or_now(row.try_get(15)?),
            phone: text(16)?,
            phone_confirmed_at: row.try_get(17)?,
            phone_change: text(18)?,
            phone_change_sent_at: row.try_get(19)?,
            confirmed_at: row.try_get(20)?,
            banned_until: row.try_get(21)?,
            reauthentication_sent_at: row.try_get(22)?,
            is_sso_user: row.try_get(23)?,
            deleted_at: row.try_get(24)?,
            is_anonymous: row.try_get(25)?,
            identities: Vec::new(),
        })
    }

    /// E-mail confirmed (GoTrue's `IsConfirmed`).
    pub fn is_confirmed(&self) -> bool {
        self.email_confirmed_at.is_some()
    }

    /// Banned right now.
    pub fn is_banned(&self, now: DateTime<Utc>) -> bool {
        self.banned_until.is_some_and(|until| until > now)
    }

    /// The user as GoTrue sends it (`GET /user`, sign-up, token responses).
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

    /// Sign-in methods for `app_metadata.providers` of a new e-mail user.
    pub fn email_app_metadata() -> Value {
        json!({"provider": "email", "providers": ["email"]})
    }
}

impl Identity {
    pub fn from_row(row: &tokio_postgres::Row) -> Result<Identity, tokio_postgres::Error> {
        Ok(Identity {
            id: row.try_get(0)?,
            provider_id: row.try_get(1)?,
            user_id: row.try_get(2)?,
            identity_data: row
                .try_get::<_, Option<Value>>(3)?
                .unwrap_or_else(|| json!({})),
            provider: row.try_get(4)?,
            last_sign_in_at: row.try_get(5)?,
            created_at: or_now(row.try_get(6)?),
            updated_at: or_now(row.try_get(7)?),
            email: row.try_get(8)?,
        })
    }
}

/// A timestamp as Go's `time.Time` marshals it: RFC 3339 in UTC with `Z`, fractional seconds
/// only as precise as needed (trailing zeros trimmed).
pub fn go_time_string(time: &DateTime<Utc>) -> String {
    let text = time.to_rfc3339_opts(SecondsFormat::Nanos, true);
    let Some((seconds, fraction)) = text.trim_end_matches('Z').split_once('.') else {
        return text;
    };
    let fraction = fraction.trim_end_matches('0');
    if fraction.is_empty() {
        format!("{seconds}Z")
    } else {
        format!("{seconds}.{fraction}Z")
    }
}

fn go_time<S: serde::Serializer>(time: &DateTime<Utc>, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&go_time_string(time))
}

fn go_time_opt<S: serde::Serializer>(
    time: &Option<DateTime<Utc>>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match time {
        Some(time) => go_time(time, serializer),
        None => serializer.serialize_none(),
    }
}

/// Merge user metadata as GoTrue's `UpdateUserMetaData` does: keys with a null value are
/// removed, others set.
pub fn merge_metadata(current: &Value, update: &Map<String, Value>) -> Value {
    let mut merged = current.as_object().cloned().unwrap_or_default();
    for (key, value) in update {
        if value.is_null() {
            merged.remove(key);
        } else {
            merged.insert(key.clone(), value.clone());
        }
    }
    Value::Object(merged)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn sample() -> User {
        let created = Utc.with_ymd_and_hms(2025, 3, 4, 5, 6, 7).unwrap();
        User {
            id: Uuid::nil(),
            aud: AUTHENTICATED.into(),
            role: AUTHENTICATED.into(),
            email: "ada@example.com".into(),
            encrypted_password: Some("$2a$10$secret".into()),
            email_confirmed_at: Some(created),
            invited_at: None,
            confirmation_sent_at: None,
            recovery_sent_at: None,
            email_change: String::new(),
            email_change_sent_at: None,
            last_sign_in_at: None,
            app_metadata: User::email_app_metadata(),
            user_metadata: json!({}),
            created_at: created,
            updated_at: created + chrono::Duration::microseconds(123_400),
            phone: String::new(),
            phone_confirmed_at: None,
            phone_change: String::new(),
            phone_change_sent_at: None,
            confirmed_at: Some(created),
            banned_until: None,
            reauthentication_sent_at: None,
            is_sso_user: false,
            deleted_at: None,
            is_anonymous: false,
            identities: vec![],
        }
    }

    #[test]
    fn formats_times_like_go() {
        let time = Utc.with_ymd_and_hms(2025, 3, 4, 5, 6, 7).unwrap();
        assert_eq!(go_time_string(&time), "2025-03-04T05:06:07Z");
        let fractional = time + chrono::Duration::microseconds(123_400);
        assert_eq!(go_time_string(&fractional), "2025-03-04T05:06:07.1234Z");
    }

    #[test]
    fn renders_the_gotrue_user_shape() {
        let json = sample().to_json();
        assert_eq!(json["email"], "ada@example.com");
        assert_eq!(json["phone"], "");
        assert_eq!(json["confirmed_at"], "2025-03-04T05:06:07Z");
        assert_eq!(json["updated_at"], "2025-03-04T05:06:07.1234Z");
        assert_eq!(json["identities"], json!([]));
        assert_eq!(json["is_anonymous"], false);
        // Never the password hash; unset optional fields are absent, not null.
        assert!(json.get("encrypted_password").is_none());
        assert!(json.get("new_email").is_none());
        assert!(json.get("last_sign_in_at").is_none());
    }

    #[test]
    fn merges_metadata_removing_nulls() {
        let current = json!({"a": 1, "b": 2});
        let update = json!({"b": null, "c": 3});
        assert_eq!(
            merge_metadata(&current, update.as_object().unwrap()),
            json!({"a": 1, "c": 3})
        );
    }
}
