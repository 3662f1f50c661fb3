//! Test support: a scratch schema `rest_test` (created once per test binary, as the
//! non-superuser `postgres`, with grants and RLS like the app's), and a harness that runs the
//! real router (gateway included) against the throwaway cluster `cargo xtask test` provides
//! through SCALESTREAM_TEST_DB_HOST / _PORT / _PASSWORD.

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use serde_json::{Value, json};
use std::sync::OnceLock;
use supabase_local::AppState;
use supabase_local::settings::{Overrides, Settings};
use tower::ServiceExt;

pub(crate) const SCHEMA_SQL: &str = include_str!("testdata/schema.sql");

/// Users of the scratch schema: A is a member of agency 1, B of agency 2, W of agency 9 (the
/// agency write tests use, so reads of agencies 1 and 2 never see their changes).
pub(crate) const USER_A: &str = "00000000-0000-4000-8000-00000000000a";
pub(crate) const USER_B: &str = "00000000-0000-4000-8000-00000000000b";
pub(crate) const USER_W: &str = "00000000-0000-4000-8000-000000000009";

pub(crate) struct Database {
    pub(crate) host: String,
    pub(crate) port: u16,
    pub(crate) password: String,
}

/// The cluster from the environment. Without it these tests cannot run: fail loudly.
pub(crate) fn database() -> Database {
    let variable = |name: &str| {
        std::env::var(name).unwrap_or_else(|_| {
            panic!("{name} is not set: run these tests with `cargo xtask test --only cargo-test`")
        })
    };
    Database {
        host: variable("SCALESTREAM_TEST_DB_HOST"),
        port: variable("SCALESTREAM_TEST_DB_PORT")
            .parse()
            .expect("SCALESTREAM_TEST_DB_PORT is a port number"),
        password: variable("SCALESTREAM_TEST_DB_PASSWORD"),
    }
}

/// A connection as `postgres` (the migration owner, not a superuser).
pub(crate) async fn owner_connection() -> tokio_postgres::Client {
    let database = database();
    let (client, connection) = tokio_postgres::Config::new()
        .host(&database.host)
        .port(database.port)
        .user("postgres")
        .password(&database.password)
        .dbname("postgres")
        .connect(tokio_postgres::NoTls)
        .await
        .expect("connecting as postgres");
    tokio::spawn(connection);
    client
}

static SCHEMA: OnceLock<()> = OnceLock::new();

/// Create the scratch schema once per test binary (on a runtime of its own, so the first test's
/// runtime ending does not matter).
pub(crate) fn ensure_schema() {
    SCHEMA.get_or_init(|| {
        std::thread::spawn(|| {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime")
                .block_on(async {
                    let client = owner_connection().await;
                    client
                        .batch_execute(SCHEMA_SQL)
                        .await
                        .expect("creating the rest_test schema");
                });
        })
        .join()
        .expect("schema setup thread");
    });
}

pub(crate) struct Harness {
    pub(crate) state: AppState,
    router: axum::Router,
}

/// A response, with the body as text and (when it parses) as JSON.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) text: String,
}

impl Reply {
    pub(crate) fn json(&self) -> Value {
        serde_json::from_str(&self.text)
            .unwrap_or_else(|error| panic!("not JSON ({error}): {:?}", self.text))
    }

    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    /// Assert an error response: its status, the four-key body and its code.
    pub(crate) fn assert_error(&self, status: StatusCode, code: &str) {
        assert_eq!(self.status, status, "{}", self.text);
        assert_eq!(self.error_code(), code, "{}", self.text);
    }

    /// The four-key PostgREST error body, checked for shape, and its code.
    pub(crate) fn error_code(&self) -> String {
        let body = self.json();
        let object = body.as_object().expect("error bodies are objects");
        let mut keys: Vec<&String> = object.keys().collect();
        keys.sort();
        assert_eq!(keys, ["code", "details", "hint", "message"], "{body}");
        body["code"].as_str().unwrap_or_default().to_owned()
    }
}

/// Who a request is made as.
#[derive(Debug, Clone)]
pub(crate) enum As {
    Anon,
    Service,
    User(&'static str),
    Token(String),
}

impl Harness {
    pub(crate) async fn start() -> Harness {
        Harness::configured(|_| {}).await
    }

    /// A harness whose settings `adjust` may change (pool size, timeouts, ...).
    pub(crate) async fn configured(adjust: impl FnOnce(&mut Settings)) -> Harness {
        ensure_schema();
        let database = database();
        let overrides = Overrides {
            db_host: Some(database.host.clone()),
            db_port: Some(database.port),
            db_password: Some(database.password.clone()),
            data_dir: Some(std::env::temp_dir().join("supabase-local-rest-tests")),
            ..Overrides::default()
        };
        let mut settings = Settings::from_toml(
            include_str!("../../../../supabase/config.toml"),
            std::path::Path::new("supabase"),
            &overrides,
        )
        .expect("settings");
        settings.api.schemas = vec!["rest_test".to_owned(), "public".to_owned()];
        settings.database.pool_size = 4;
        adjust(&mut settings);
        let state = AppState::start(settings)
            .await
            .expect("starting the stand-in");
        let router = supabase_local::router(state.clone());
        Harness { state, router }
    }

    /// A signed access token as GoTrue would issue it.
    pub(crate) fn user_token(&self, user: &str) -> String {
        let now = chrono::Utc::now().timestamp();
        self.state.jwt.sign(&json!({
            "sub": user,
            "role": "authenticated",
            "aud": "authenticated",
            "email": format!("{user}@example.test"),
            "iat": now,
            "exp": now + 3600,
        }))
    }

    pub(crate) async fn send(
        &self,
        who: &As,
        method: Method,
        uri: &str,
        headers: &[(&str, &str)],
        body: Option<&str>,
    ) -> Reply {
        let mut request = Request::builder()
            .method(method)
            .uri(encode_uri(uri))
            .header("apikey", self.state.keys.anon.clone());
        let bearer = match who {
            As::Anon => None,
            As::Service => Some(self.state.keys.service_role.clone()),
            As::User(user) => Some(self.user_token(user)),
            As::Token(token) => Some(token.clone()),
        };
        if let Some(token) = bearer {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let typed = headers
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case("content-type"));
        if body.is_some() && !typed {
            request = request.header("content-type", "application/json");
        }
        let request = request
            .body(
                body.map(|b| Body::from(b.to_owned()))
                    .unwrap_or_else(Body::empty),
            )
            .expect("request");
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("the router never fails");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("body");
        Reply {
            status,
            headers,
            text: String::from_utf8(bytes.to_vec()).expect("UTF-8 body"),
        }
    }

    /// POST /rest/v1/rpc/<function> with a JSON body.
    pub(crate) async fn rpc(&self, who: &As, function: &str, body: &str) -> Reply {
        self.send(
            who,
            Method::POST,
            &format!("/rest/v1/rpc/{function}"),
            &[],
            Some(body),
        )
        .await
    }

    pub(crate) async fn get(&self, who: &As, uri: &str) -> Reply {
        self.send(who, Method::GET, uri, &[], None).await
    }

    /// Wait (bounded) until the schema cache has been reloaded past `generation`.
    pub(crate) async fn wait_for_reload(&self, generation: u64) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
        while self.state.rest.schema_generation() <= generation {
            assert!(
                std::time::Instant::now() < deadline,
                "the schema cache was not reloaded after NOTIFY pgrst"
            );
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }
}

/// Percent-encode what a browser would in a URL (tests write queries readably).
fn encode_uri(uri: &str) -> String {
    let mut out = String::with_capacity(uri.len());
    for byte in uri.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/?%".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The `id`s of a JSON array of rows.
pub(crate) fn ids(value: &Value) -> Vec<i64> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("expected an array: {value}"))
        .iter()
        .map(|row| row["id"].as_i64().expect("id"))
        .collect()
}
