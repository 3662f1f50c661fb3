//! Paths of the app, so links and redirects are spelled once.

pub(crate) const SIGN_IN: &str = "/sign-in";
pub(crate) const SIGN_UP: &str = "/sign-up";
pub(crate) const WELCOME: &str = "/welcome";
pub(crate) const DASHBOARD: &str = "/";
pub(crate) const NEW_CLIENT: &str = "/clients/new";
pub(crate) const SETTINGS: &str = "/settings";

pub(crate) fn client(id: &str) -> String {
    format!("/clients/{id}")
}

/// A tab of the client page: "profile", "transcripts", "analysis".
pub(crate) fn client_tab(id: &str, tab: &str) -> String {
    format!("/clients/{id}/{tab}")
}

pub(crate) fn invitation(token: &str) -> String {
    format!("/invite/{token}")
}

/// Only paths inside the app are followed after sign-in (`?next=`), never another site:
/// "/clients/1" yes; "//evil.example", "https://evil.example", "/\\evil" no.
pub(crate) fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.starts_with("/\\")
                && !path.chars().any(|c| c.is_control() || c == '\\') =>
        {
            path.to_owned()
        }
        _ => DASHBOARD.to_owned(),
    }
}

/// `/sign-in?next=<path>` (or `/sign-up`), the path percent-encoded.
pub(crate) fn with_next(page: &str, next: &str) -> String {
    if next == DASHBOARD {
        return page.to_owned();
    }
    let encoded: String = form_urlencoded::byte_serialize(next.as_bytes()).collect();
    format!("{page}?next={encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_stays_inside_the_app() {
        assert_eq!(safe_next(Some("/clients/1/profile")), "/clients/1/profile");
        assert_eq!(safe_next(Some("/invite/abc-_1")), "/invite/abc-_1");
        for hostile in [
            "//evil.example",
            "https://evil.example",
            "/\\evil.example",
            "javascript:alert(1)",
            "",
            "/a\nb",
        ] {
            assert_eq!(safe_next(Some(hostile)), "/", "{hostile:?}");
        }
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn next_is_encoded() {
        assert_eq!(
            with_next(SIGN_IN, "/invite/a b"),
            "/sign-in?next=%2Finvite%2Fa+b"
        );
        assert_eq!(with_next(SIGN_IN, "/"), "/sign-in");
        assert_eq!(client_tab("c1", "profile"), "/clients/c1/profile");
    }
}
