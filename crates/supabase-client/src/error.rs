//! Errors, with a message a person can read. The UI shows [`Error::user_message`].

use crate::request::HttpResponse;
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// The server answered with an error (PostgREST, GoTrue, Storage or a function).
    #[error("{message} (HTTP {status}{})", code.as_deref().map(|code| format!(", {code}")).unwrap_or_default())]
    Api {
        status: u16,
        code: Option<String>,
        message: String,
        details: Option<String>,
        hint: Option<String>,
    },
    /// The request never got an answer (offline, DNS, CORS, server down).
    #[error("network error: {0}")]
    Network(String),
    /// The answer was not what we expected.
    #[error("unexpected response: {0}")]
    Decode(String),
    /// There is no signed-in session.
    #[error("not signed in")]
    NotSignedIn,
}

impl Error {
    /// Build an API error from any Supabase service's error body. PostgREST sends
    /// `{code, message, details, hint}`, GoTrue `{code, message}` or `{error_code, msg}` or
    /// `{error, error_description}`, Storage `{statusCode, error, message}`, functions anything.
    pub fn from_response(response: &HttpResponse) -> Error {
        let body: Value = serde_json::from_slice(&response.body).unwrap_or(Value::Null);
        let text = |keys: &[&str]| {
            keys.iter().find_map(|key| match body.get(*key) {
                Some(Value::String(text)) if !text.is_empty() => Some(text.clone()),
                Some(Value::Number(number)) if *key != "code" => Some(number.to_string()),
                _ => None,
            })
        };
        let mut status = response.status;
        // Storage answers 400 for most errors and puts the real status in the body.
        if let Some(real) = body.get("statusCode").and_then(|value| match value {
            Value::String(text) => text.parse().ok(),
            Value::Number(number) => number.as_u64().and_then(|n| u16::try_from(n).ok()),
            _ => None,
        }) {
            status = real;
        }
        let message =
            text(&["message", "msg", "error_description", "error"]).unwrap_or_else(|| {
                if response.body.is_empty() {
                    format!("HTTP {}", response.status)
                } else {
                    response.text()
                }
            });
        Error::Api {
            status,
            code: text(&["code", "error_code"])
                .or_else(|| response.header("x-sb-error-code").map(str::to_owned)),
            message,
            details: text(&["details"]),
            hint: text(&["hint"]),
        }
    }

    /// A write that row level security silently filtered out (PostgREST answers an update or
    /// delete that matched no visible row with success and no rows): report it as the refusal
    /// it is.
    pub fn nothing_changed() -> Error {
        Error::Api {
            status: 403,
            code: Some("42501".to_owned()),
            message: "permission denied: nothing was changed".to_owned(),
            details: None,
            hint: None,
        }
    }

    /// The error code (PostgREST/GoTrue), if any.
    pub fn code(&self) -> Option<&str> {
        match self {
            Error::Api { code, .. } => code.as_deref(),
            _ => None,
        }
    }

    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The server's hint (PostgREST passes PostgreSQL's `HINT`), if any.
    pub fn hint(&self) -> Option<&str> {
        match self {
            Error::Api { hint, .. } => hint.as_deref(),
            _ => None,
        }
    }

    /// Whether trying again later could help (the network or the server hiccuped), as opposed
    /// to a refusal that will repeat.
    pub fn is_transient(&self) -> bool {
        match self {
            Error::Network(_) | Error::Decode(_) => true,
            Error::NotSignedIn => false,
            Error::Api { status, .. } => *status >= 500 || *status == 429,
        }
    }

    /// Words a non-technical person understands, for the UI.
    pub fn user_message(&self) -> String {
        match self {
            Error::Network(_) => {
                "We couldn't reach the server. Check your connection and try again.".to_owned()
            }
            Error::NotSignedIn => "Your session has ended. Please sign in again.".to_owned(),
            Error::Decode(_) => {
                "The server sent something we didn't understand. Please try again.".to_owned()
            }
            Error::Api {
                status,
                code,
                message,
                ..
            } => match (code.as_deref(), *status) {
                (Some("invalid_credentials"), _) => {
                    "That e-mail and password don't match. Check both and try again.".to_owned()
                }
                (Some("email_not_confirmed"), _) => {
                    "Please confirm your e-mail address first: we sent you a link.".to_owned()
                }
                (Some("otp_expired"), _) => {
                    "This e-mail link has expired or was already used. Sign in, or ask for a new link."
                        .to_owned()
                }
                (Some("user_already_exists"), _) => {
                    "An account with this e-mail already exists. Try signing in.".to_owned()
                }
                (Some("weak_password"), _) => {
                    format!("Please choose a stronger password. {message}")
                }
                (Some("over_request_rate_limit"), _) | (_, 429) => {
                    "Too many attempts. Please wait a few minutes and try again.".to_owned()
                }
                (
                    Some(
                        "refresh_token_already_used"
                        | "session_not_found"
                        | "session_expired"
                        | "refresh_token_not_found",
                    ),
                    _,
                ) => "Your session has ended. Please sign in again.".to_owned(),
                (Some("23505"), _) if message.starts_with("duplicate key") => {
                    "This already exists.".to_owned()
                }
                (Some("23514" | "22001" | "22003" | "22P02" | "23502"), _) => {
                    "Some of the values aren't accepted. Check the form and try again.".to_owned()
                }
                (Some("42501"), _) if message.starts_with("permission denied")
                    || message.contains("row-level security") =>
                {
                    "You don't have permission to do that.".to_owned()
                }
                (Some("PGRST116"), _) => "We couldn't find that. It may have been deleted.".to_owned(),
                // Our own RPCs and triggers raise sentences meant for people (plan limits
                // PT402, not found PT404, conflicts PT409, refusals 42501, taken slugs 23505):
                // show them with their hint.
                (Some(code), _) if code.starts_with("PT") || code == "42501" || code == "23505" => {
                    self.sentence_with_hint()
                }
                (_, 401 | 403) => "You don't have permission to do that.".to_owned(),
                (_, 402) => self.sentence_with_hint(),
                (_, 413) => "That is too large to upload.".to_owned(),
                (_, status) if status >= 500 => {
                    "Something went wrong on our side. Please try again in a moment.".to_owned()
                }
                _ => message.clone(),
            },
        }
    }
}

/// `text` with its first letter in upper case and a final full stop.
fn sentence(text: &str) -> String {
    let text = text.trim();
    let mut chars = text.chars();
    let mut out: String = match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => return String::new(),
    };
    if !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}

impl Error {
    /// The server's message and hint as sentences: "Client limit reached: the Starter plan
    /// allows 5 clients. Upgrade the plan or delete a client before adding another."
    fn sentence_with_hint(&self) -> String {
        let Error::Api { message, hint, .. } = self else {
            return self.user_message();
        };
        match hint
            .as_deref()
            .map(sentence)
            .filter(|hint| !hint.is_empty())
        {
            Some(hint) => format!("{} {hint}", sentence(message)),
            None => sentence(message),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(status: u16, body: &str) -> HttpResponse {
        HttpResponse {
            status,
            headers: vec![],
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn reads_postgrest_gotrue_and_storage_shapes() {
        let rest = Error::from_response(&response(
            403,
            r#"{"code":"42501","message":"new row violates row-level security policy","details":null,"hint":null}"#,
        ));
        assert_eq!(rest.code(), Some("42501"));
        assert_eq!(rest.user_message(), "You don't have permission to do that.");

        let auth = Error::from_response(&response(
            400,
            r#"{"code":"invalid_credentials","message":"Invalid login credentials"}"#,
        ));
        assert!(auth.user_message().contains("don't match"));

        let legacy = Error::from_response(&response(
            400,
            r#"{"code":400,"error_code":"invalid_credentials","msg":"Invalid login credentials"}"#,
        ));
        assert_eq!(legacy.code(), Some("invalid_credentials"));

        let storage = Error::from_response(&response(
            400,
            r#"{"statusCode":"404","error":"not_found","message":"Object not found"}"#,
        ));
        assert_eq!(storage.status(), Some(404));

        let plan = Error::from_response(&response(
            402,
            r#"{"code":"PT402","message":"Your starter plan allows 10 analyses a month."}"#,
        ));
        assert_eq!(
            plan.user_message(),
            "Your starter plan allows 10 analyses a month."
        );
    }

    #[test]
    fn our_database_sentences_are_shown_with_their_hint() {
        let limit = Error::from_response(&response(
            402,
            r#"{"code":"PT402","message":"client limit reached: the Starter plan allows 5 clients","details":null,"hint":"Upgrade the plan or delete a client before adding another."}"#,
        ));
        assert_eq!(
            limit.user_message(),
            "Client limit reached: the Starter plan allows 5 clients. Upgrade the plan or delete a client before adding another."
        );
        let owner = Error::from_response(&response(
            409,
            r#"{"code":"PT409","message":"an agency must keep at least one owner","hint":"Make another member an owner first."}"#,
        ));
        assert_eq!(
            owner.user_message(),
            "An agency must keep at least one owner. Make another member an owner first."
        );
        let taken = Error::from_response(&response(
            409,
            r#"{"code":"23505","message":"the agency address \"acme\" is already taken","hint":"Choose another slug."}"#,
        ));
        assert_eq!(
            taken.user_message(),
            "The agency address \"acme\" is already taken. Choose another slug."
        );
        let duplicate = Error::from_response(&response(
            409,
            r#"{"code":"23505","message":"duplicate key value violates unique constraint \"x\""}"#,
        ));
        assert_eq!(duplicate.user_message(), "This already exists.");
        let check = Error::from_response(&response(
            400,
            r#"{"code":"23514","message":"new row for relation \"clients\" violates check constraint \"clients_name_length\""}"#,
        ));
        assert!(check.user_message().starts_with("Some of the values"));
        let email_bound = Error::from_response(&response(
            403,
            r#"{"code":"42501","message":"this invitation was sent to another email address"}"#,
        ));
        assert_eq!(
            email_bound.user_message(),
            "This invitation was sent to another email address."
        );
        assert!(!email_bound.is_transient());
        assert!(Error::Network("offline".into()).is_transient());
    }
}
