//! The stand-in in-process against the test cluster `cargo xtask test` provides
//! (SCALESTREAM_TEST_DB_HOST / _PORT / _PASSWORD, schema loaded), driven through its router.

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use serde_json::{Value, json};
use std::path::Path;
use supabase_local::AppState;
use supabase_local::settings::{Overrides, Settings};
use tower::ServiceExt;

/// Where the test database is, from the environment `cargo xtask test` sets.
pub(crate) fn database() -> (String, u16, String) {
    let variable = |name: &str| {
        std::env::var(name).unwrap_or_else(|_| {
            panic!(
                "{name} is not set: run these tests with `cargo xtask test --only cargo-test`, \
                 which provides a PostgreSQL cluster with the schema loaded"
            )
        })
    };
    let port = variable("SCALESTREAM_TEST_DB_PORT")
        .parse()
        .expect("SCALESTREAM_TEST_DB_PORT is a port number");
    (
        variable("SCALESTREAM_TEST_DB_HOST"),
        port,
        variable("SCALESTREAM_TEST_DB_PASSWORD"),
    )
}

/// Settings from the repository's config.toml, pointed at the test database (or `db_port`).
pub(crate) fn settings(db_port: Option<u16>) -> Settings {
    settings_from(REPOSITORY_CONFIG, db_port)
}

/// The repository's supabase/config.toml.
pub(crate) const REPOSITORY_CONFIG: &str = include_str!("../../../../supabase/config.toml");

/// Settings from a config.toml text, pointed at the test database (or `db_port`).
pub(crate) fn settings_from(config_toml: &str, db_port: Option<u16>) -> Settings {
    let (host, port, password) = database();
    let data_dir = std::env::temp_dir().join(format!("supabase-local-test-{}", std::process::id()));
    Settings::from_toml(
        config_toml,
        Path::new("supabase"),
        &Overrides {
            db_host: Some(host),
            db_port: Some(db_port.unwrap_or(port)),
            db_password: Some(password),
            data_dir: Some(data_dir),
            ..Overrides::default()
        },
    )
    .expect("config.toml parses")
}

/// A running stand-in (no socket: requests go straight into the router).
pub(crate) struct Stand {
    pub(crate) state: AppState,
    router: axum::Router,
}

/// A response, read whole.
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Value,
}

impl Stand {
    pub(crate) async fn start(settings: Settings) -> Stand {
        let state = AppState::start(settings)
            .await
            .expect("the stand-in starts");
        let router = supabase_local::router(state.clone());
        Stand { state, router }
    }

    /// Send a request with the anon key (unless `headers` has another `apikey`; an empty
    /// `apikey` sends none).
    pub(crate) async fn send(
        &self,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        body: Body,
    ) -> Answer {
        let mut request = Request::builder().method(method).uri(path);
        if !headers.iter().any(|(name, _)| *name == "apikey") {
            request = request.header("apikey", self.state.keys.anon.as_str());
        }
        for (name, value) in headers {
            if *name == "apikey" && value.is_empty() {
                continue;
            }
            request = request.header(*name, *value);
        }
        let response = self
            .router
            .clone()
            .oneshot(request.body(body).expect("a valid request"))
            .await
            .expect("the router never fails");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("the body reads");
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
        };
        Answer {
            status,
            headers,
            body,
        }
    }

    /// POST JSON to /auth/v1 with the API-version header auth-js sends.
    pub(crate) async fn auth_post(&self, path: &str, bearer: Option<&str>, json: &Value) -> Answer {
        let authorization = bearer.map(|token| format!("Bearer {token}"));
        let mut headers = vec![
            ("content-type", "application/json"),
            ("x-supabase-api-version", "2024-01-01"),
        ];
        if let Some(value) = &authorization {
            headers.push(("authorization", value));
        }
        self.send(
            Method::POST,
            &format!("/auth/v1{path}"),
            &headers,
            Body::from(json.to_string()),
        )
        .await
    }

    /// GET /auth/v1/user with an access token.
    pub(crate) async fn get_user(&self, access_token: &str) -> Answer {
        let authorization = format!("Bearer {access_token}");
        self.send(
            Method::GET,
            "/auth/v1/user",
            &[
                ("authorization", &authorization),
                ("x-supabase-api-version", "2024-01-01"),
            ],
            Body::empty(),
        )
        .await
    }

    /// PUT /auth/v1/user with an access token and a (JSON) body.
    pub(crate) async fn put_user(&self, access_token: &str, body: Body) -> Answer {
        let authorization = format!("Bearer {access_token}");
        self.send(
            Method::PUT,
            "/auth/v1/user",
            &[
                ("authorization", &authorization),
                ("content-type", "application/json"),
                ("x-supabase-api-version", "2024-01-01"),
            ],
            body,
        )
        .await
    }

    /// Create a confirmed user through the admin API and sign in: the token response.
    pub(crate) async fn signed_in_user(&self, tag: &str) -> (String, String, Value) {
        let email = unique_email(tag);
        let password = "a-strong-test-password-42".to_owned();
        let service = self.state.keys.service_role.clone();
        let created = self
            .send(
                Method::POST,
                "/auth/v1/admin/users",
                &[("apikey", &service), ("content-type", "application/json")],
                Body::from(
                    json!({"email": email, "password": password, "email_confirm": true})
                        .to_string(),
                ),
            )
            .await;
        assert_eq!(created.status, StatusCode::OK, "{:?}", created.body);
        let session = self.sign_in(&email, &password).await;
        assert_eq!(session.status, StatusCode::OK, "{:?}", session.body);
        (email, password, session.body)
    }

    pub(crate) async fn sign_in(&self, email: &str, password: &str) -> Answer {
        self.auth_post(
            "/token?grant_type=password",
            None,
            &json!({"email": email, "password": password}),
        )
        .await
    }

    pub(crate) async fn refresh(&self, refresh_token: &str) -> Answer {
        self.auth_post(
            "/token?grant_type=refresh_token",
            None,
            &json!({"refresh_token": refresh_token}),
        )
        .await
    }

    /// One number from a query run as `postgres` (counts of rows the test checks).
    pub(crate) async fn count(
        &self,
        sql: &str,
        params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
    ) -> i64 {
        self.sql()
            .await
            .query_one(sql, params)
            .await
            .unwrap_or_else(|error| panic!("{sql}: {error}"))
            .get(0)
    }

    /// How many users have this e-mail address.
    pub(crate) async fn users_with_email(&self, email: &str) -> i64 {
        self.count(
            "select count(*) from auth.users where email = $1",
            &[&email],
        )
        .await
    }

    /// A direct connection as `postgres` (the owner role migrations and SQL tests use).
    pub(crate) async fn sql(&self) -> tokio_postgres::Client {
        let (host, port, password) = database();
        let (client, connection) = tokio_postgres::Config::new()
            .host(&host)
            .port(port)
            .user("postgres")
            .password(&password)
            .dbname("postgres")
            .connect(tokio_postgres::NoTls)
            .await
            .expect("connecting as postgres");
        tokio::spawn(connection);
        client
    }
}

/// A fresh e-mail address.
pub(crate) fn unique_email(tag: &str) -> String {
    format!("{tag}-{}@example.com", uuid::Uuid::new_v4().simple())
}
