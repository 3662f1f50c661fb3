//! A real stand-in for integration tests: the server on a free loopback port against the
//! test database `cargo xtask test` provides (SCALESTREAM_TEST_DB_HOST / _PORT / _PASSWORD,
//! bootstrap and migrations loaded), a temporary data folder, and a `postgres` connection for
//! arranging scratch buckets and policies. Every test names its own buckets and topics, so
//! tests share the database without seeing each other.

#![allow(dead_code, unreachable_pub)]

use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use supabase_local::jwt::{Jwt, now_unix};
use supabase_local::settings::{Overrides, Settings};

pub struct Stand {
    pub url: String,
    pub anon_key: String,
    pub service_role_key: String,
    pub jwt: Jwt,
    /// As `postgres` (the migration owner), for arranging data.
    pub db: tokio_postgres::Client,
    pub data_dir: tempfile::TempDir,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
}

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!(
            "{name} is not set: these tests need the test database; run them with \
             `cargo xtask test --only cargo-test` (or set SCALESTREAM_TEST_DB_HOST/_PORT/_PASSWORD)"
        )
    })
}

pub fn repository_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A unique suffix for names of buckets, topics and policies.
pub fn unique() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..12].to_owned()
}

impl Stand {
    /// Start a stand-in; `configure` may adjust the settings first.
    pub async fn start(configure: impl FnOnce(&mut Settings)) -> Stand {
        let host = env("SCALESTREAM_TEST_DB_HOST");
        let port: u16 = env("SCALESTREAM_TEST_DB_PORT")
            .parse()
            .expect("a port number");
        let password = env("SCALESTREAM_TEST_DB_PASSWORD");
        let data_dir = tempfile::tempdir().expect("a temporary data folder");
        let free_port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free port")
            .port();
        let overrides = Overrides {
            port: Some(free_port),
            db_host: Some(host.clone()),
            db_port: Some(port),
            db_password: Some(password.clone()),
            data_dir: Some(data_dir.path().to_path_buf()),
            deno: Some(repository_root().join("node_modules/.bin/deno")),
            ..Overrides::default()
        };
        let mut settings =
            Settings::load(&repository_root().join("supabase/config.toml"), &overrides)
                .expect("supabase/config.toml loads");
        configure(&mut settings);
        let jwt = Jwt::new(&settings.jwt_secret);

        let (ready_sender, ready) = tokio::sync::oneshot::channel();
        let (shutdown, stop) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(supabase_local::serve(
            settings,
            move |state, address| {
                ready_sender
                    .send((
                        format!("http://{address}"),
                        state.keys.anon.clone(),
                        state.keys.service_role.clone(),
                    ))
                    .ok();
            },
            async move {
                stop.await.ok();
            },
        ));
        let (url, anon_key, service_role_key) = match ready.await {
            Ok(ready) => ready,
            Err(_) => panic!("the stand-in did not start: {:?}", server.await),
        };

        let (db, connection) = tokio_postgres::connect(
            &format!("host={host} port={port} user=postgres password={password} dbname=postgres"),
            tokio_postgres::NoTls,
        )
        .await
        .expect("connecting as postgres");
        tokio::spawn(connection);
        Stand {
            url,
            anon_key,
            service_role_key,
            jwt,
            db,
            data_dir,
            shutdown: Some(shutdown),
            server: Some(server),
        }
    }

    /// A signed-in user's access token (claims as GoTrue issues them).
    pub fn user_token(&self, user_id: &str, lifetime_seconds: i64) -> String {
        self.jwt.sign(&json!({
            "sub": user_id,
            "role": "authenticated",
            "aud": "authenticated",
            "exp": now_unix() + lifetime_seconds,
            "iat": now_unix(),
        }))
    }

    /// Stop the server gracefully (as on Ctrl-C) and wait for it.
    pub async fn stop(mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            shutdown.send(()).ok();
        }
        if let Some(server) = self.server.take() {
            server
                .await
                .expect("the server task")
                .expect("the server stops cleanly");
        }
    }

    pub async fn sql(&self, statement: &str) {
        self.db
            .batch_execute(statement)
            .await
            .unwrap_or_else(|error| panic!("{statement}: {error:?}"));
    }
}

/// A new user id.
pub fn new_user() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// Pretty JSON for assertion messages.
pub fn show(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}
