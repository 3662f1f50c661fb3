//! A transport-neutral description of an HTTP request and response, so request building and
//! response decoding are testable without a browser.

use crate::config::{CLIENT_INFO, ClientConfig};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Head,
    Post,
    Patch,
    Put,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Head => "HEAD",
            Method::Post => "POST",
            Method::Patch => "PATCH",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// JSON text, sent with `Content-Type: application/json`.
    Json(String),
    /// Raw bytes with their content type.
    Bytes {
        content_type: String,
        bytes: Vec<u8>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct HttpRequest {
    pub method: Method,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<Body>,
}

impl HttpRequest {
    /// A request with the headers every Supabase call carries: `apikey`, `X-Client-Info`, and
    /// `Authorization` (the session's access token, else the key), as supabase-js does.
    pub fn new(
        method: Method,
        url: String,
        config: &ClientConfig,
        access_token: Option<&str>,
    ) -> HttpRequest {
        let bearer = access_token.unwrap_or(&config.anon_key);
        HttpRequest {
            method,
            url,
            headers: vec![
                ("apikey".to_owned(), config.anon_key.clone()),
                ("Authorization".to_owned(), format!("Bearer {bearer}")),
                ("X-Client-Info".to_owned(), CLIENT_INFO.to_owned()),
            ],
            body: None,
        }
    }

    pub fn header(mut self, name: &str, value: impl Into<String>) -> HttpRequest {
        self.headers
            .retain(|(existing, _)| !existing.eq_ignore_ascii_case(name));
        self.headers.push((name.to_owned(), value.into()));
        self
    }

    pub fn json(mut self, value: &serde_json::Value) -> HttpRequest {
        self.body = Some(Body::Json(value.to_string()));
        self
    }

    /// The value of a header, case-insensitively.
    pub fn header_value(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// What came back.
#[derive(Debug, Clone, PartialEq)]
pub struct HttpResponse {
    pub status: u16,
    /// Header names lower-cased.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}
