//! Hostile and failing conditions (security cases 27, 43–46, 59): forged tokens run no query,
//! pool exhaustion answers 504 PGRST003, statement timeouts free the connection, lost
//! connections recover, and oversized or deeply nested input is refused quickly.

use crate::support::*;
use axum::http::{Method, StatusCode};
use serde_json::json;
use std::time::{Duration, Instant};

fn forge(secret: &str, claims: serde_json::Value) -> String {
    supabase_local::jwt::Jwt::new(secret).sign(&claims)
}

/// Case 27, last part: with jwt-aud set, a token naming another audience is refused (401
/// PGRST303) and writes nothing; one naming the audience, or none, is served.
#[tokio::test]
async fn a_configured_audience_refuses_tokens_for_another() {
    let harness =
        Harness::configured(|settings| settings.jwt_aud = Some("authenticated".to_owned())).await;
    let now = chrono::Utc::now().timestamp();
    let token = |aud: serde_json::Value| {
        let mut claims = json!({"role": "authenticated", "sub": USER_W, "exp": now + 60});
        if !aud.is_null() {
            claims["aud"] = aud;
        }
        harness.state.jwt.sign(&claims)
    };
    let elsewhere = harness
        .send(
            &As::Token(token(json!("another-project"))),
            Method::POST,
            "/rest/v1/clients",
            &[],
            Some(r#"{"agency_id": 9, "name": "aud-elsewhere"}"#),
        )
        .await;
    assert_eq!(
        elsewhere.status,
        StatusCode::UNAUTHORIZED,
        "{}",
        elsewhere.text
    );
    assert_eq!(elsewhere.error_code(), "PGRST303");
    let written = harness
        .get(&As::Service, "/rest/v1/clients?name=eq.aud-elsewhere")
        .await;
    assert_eq!(
        written.json(),
        json!([]),
        "a token for another audience must not write"
    );
    for aud in [
        json!("authenticated"),
        json!(["x", "authenticated"]),
        json!(null),
    ] {
        let reply = harness
            .send(
                &As::Token(token(aud.clone())),
                Method::GET,
                "/rest/v1/clients?select=id",
                &[],
                None,
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "aud {aud}: {}", reply.text);
    }
}

#[tokio::test]
async fn forged_tokens_get_401_and_run_no_query() {
    let harness = Harness::start().await;
    let now = chrono::Utc::now().timestamp();
    let wrong_key = "a-completely-different-secret-of-sufficient-length";
    // alg none, claiming service_role.
    let alg_none =
        "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJyb2xlIjoic2VydmljZV9yb2xlIn0.".to_owned();
    let cases = [
        (alg_none, "PGRST301"),
        (
            forge(wrong_key, json!({"role": "authenticated", "sub": USER_W})),
            "PGRST301",
        ),
        (
            forge(wrong_key, json!({"role": "service_role"})),
            "PGRST301",
        ),
        (forge(wrong_key, json!({"role": "postgres"})), "PGRST301"),
        (
            harness
                .state
                .jwt
                .sign(&json!({"role": "authenticated", "sub": USER_W, "exp": now - 31})),
            "PGRST303",
        ),
        (
            harness.state.jwt.sign(
                &json!({"role": "authenticated", "sub": USER_W, "iat": now + 120, "exp": now + 3600}),
            ),
            "PGRST303",
        ),
        ("not-a-jwt".to_owned(), "PGRST301"),
    ];
    for (token, code) in cases {
        let name = format!("forged-{code}-{}", &token[token.len().saturating_sub(8)..]);
        let reply = harness
            .send(
                &As::Token(token.clone()),
                Method::POST,
                "/rest/v1/clients",
                &[],
                Some(&format!(r#"{{"agency_id": 9, "name": "{name}"}}"#)),
            )
            .await;
        assert_eq!(
            reply.status,
            StatusCode::UNAUTHORIZED,
            "{token}: {}",
            reply.text
        );
        assert_eq!(reply.error_code(), code);
        let challenge = reply.header("www-authenticate").unwrap_or_default();
        assert!(
            challenge.starts_with("Bearer error=\"invalid_token\", error_description="),
            "{challenge}"
        );
        let written = harness
            .get(&As::Service, &format!("/rest/v1/clients?name=eq.{name}"))
            .await;
        assert_eq!(written.json(), json!([]), "a forged token must not write");
    }
    // A valid token for a role that does not exist: PostgreSQL refuses the SET ROLE → 401.
    let ghost = harness
        .state
        .jwt
        .sign(&json!({"role": "ghost", "exp": now + 60}));
    let reply = harness.get(&As::Token(ghost), "/rest/v1/notices").await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{}", reply.text);
    assert_eq!(reply.error_code(), "22023");
    // A valid token without a role claim (or with an empty one) is the anon role; a token
    // issued within the 30 s skew and one expired less than 30 s ago are accepted.
    for claims in [
        json!({"sub": USER_A, "exp": now + 60}),
        json!({"role": "", "exp": now + 60}),
        json!({"role": "authenticated", "sub": USER_A, "iat": now + 20, "exp": now - 20}),
    ] {
        let token = harness.state.jwt.sign(&claims);
        let reply = harness.get(&As::Token(token), "/rest/v1/rpc/whoami").await;
        assert_eq!(reply.status, StatusCode::OK, "{claims}: {}", reply.text);
        let expected = claims["role"].as_str().filter(|role| !role.is_empty());
        assert_eq!(reply.json()["role"], expected.unwrap_or("anon"), "{claims}");
    }
}

#[tokio::test]
async fn pool_exhaustion_times_out_with_pgrst003_and_recovers() {
    let harness = Harness::configured(|settings| {
        settings.database.pool_size = 1;
        settings.database.pool_timeout = Duration::from_millis(500);
    })
    .await;
    let harness = std::sync::Arc::new(harness);
    let slow = {
        let harness = harness.clone();
        tokio::spawn(async move {
            harness
                .rpc(&As::Service, "sleep", r#"{"seconds": 2}"#)
                .await
        })
    };
    // Let the slow call take the only connection, then queue behind it.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let started = Instant::now();
    let starved = harness
        .rpc(&As::Service, "add", r#"{"a": 1, "b": 1}"#)
        .await;
    assert_eq!(
        starved.status,
        StatusCode::GATEWAY_TIMEOUT,
        "{}",
        starved.text
    );
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(starved.error_code(), "PGRST003");
    assert_eq!(
        starved.json()["message"],
        "Timed out acquiring connection from connection pool."
    );
    assert_eq!(slow.await.unwrap().status, StatusCode::OK);
    let fine = harness
        .rpc(&As::Service, "add", r#"{"a": 1, "b": 1}"#)
        .await;
    assert_eq!(fine.status, StatusCode::OK);
}

#[tokio::test]
async fn statement_timeout_cancels_and_frees_the_connection() {
    let harness = Harness::start().await;
    let started = Instant::now();
    // anon's statement_timeout is 3 s (a role setting applied per transaction).
    let reply = harness.rpc(&As::Anon, "sleep", r#"{"seconds": 5}"#).await;
    assert_eq!(
        reply.status,
        StatusCode::INTERNAL_SERVER_ERROR,
        "{}",
        reply.text
    );
    assert_eq!(reply.error_code(), "57014");
    assert!(started.elapsed() < Duration::from_secs(5));
    let after = harness.get(&As::Anon, "/rest/v1/notices").await;
    assert_eq!(after.status, StatusCode::OK);
}

#[tokio::test]
async fn lost_connections_answer_503_then_recover() {
    let harness = Harness::configured(|settings| settings.database.pool_size = 1).await;
    let pid = harness
        .get(&As::User(USER_A), "/rest/v1/rpc/backend_pid")
        .await;
    assert_eq!(pid.status, StatusCode::OK, "{}", pid.text);
    let pid: i32 = pid.json().as_i64().unwrap().try_into().unwrap();
    // Kill this harness's only connection (as the bootstrap superuser).
    let database = database();
    let (admin, connection) = tokio_postgres::Config::new()
        .host(&database.host)
        .port(database.port)
        .user("supabase_admin")
        .password(&database.password)
        .dbname("postgres")
        .connect(tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    admin
        .execute("select pg_terminate_backend($1)", &[&pid])
        .await
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let reply = harness
            .get(&As::User(USER_A), "/rest/v1/clients?id=eq.1")
            .await;
        match reply.status {
            StatusCode::OK => {
                assert_eq!(ids(&reply.json()), [1], "never another tenant's rows");
                break;
            }
            StatusCode::SERVICE_UNAVAILABLE => {
                assert!(reply.header("retry-after").is_some());
                assert_eq!(reply.error_code(), "PGRST001");
            }
            other => panic!("unexpected {other}: {}", reply.text),
        }
        assert!(Instant::now() < deadline, "did not recover");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn oversized_and_deeply_nested_input_is_refused_quickly() {
    let harness = Harness::start().await;
    let started = Instant::now();
    let huge = format!(r#"{{"name": "{}"}}"#, "x".repeat(9 * 1024 * 1024));
    let reply = harness.rpc(&As::Service, "echo", &huge).await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(reply.json()["message"].is_string());

    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let reply = harness.rpc(&As::Service, "echo", &deep).await;
    reply.assert_error(StatusCode::BAD_REQUEST, "PGRST102");

    let many: Vec<String> = (0..11_000).map(|n| n.to_string()).collect();
    let reply = harness
        .get(
            &As::Service,
            &format!("/rest/v1/clients?id=in.({})", many.join(",")),
        )
        .await;
    reply.assert_error(StatusCode::URI_TOO_LONG, "PGRST100");
    let some: Vec<String> = (0..1001).map(|n| n.to_string()).collect();
    let reply = harness
        .get(
            &As::Service,
            &format!("/rest/v1/clients?id=in.({})", some.join(",")),
        )
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(
        reply.json()["details"]
            .as_str()
            .unwrap_or_default()
            .contains("limited to 1000 values")
    );
    let nested = format!(
        "/rest/v1/clients?or=({}id.eq.1{})",
        "or(".repeat(5000),
        ")".repeat(5000)
    );
    let reply = harness.get(&As::Service, &nested).await;
    reply.assert_error(StatusCode::BAD_REQUEST, "PGRST100");
    // A large but legitimate array is the function's business: accepted, bounded.
    let ids: Vec<String> = (0..100_000).map(|n| n.to_string()).collect();
    let array = format!("[{}]", ids.join(","));
    let reply = harness.rpc(&As::Service, "echo", &array).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json().as_array().map(Vec::len), Some(100_000));
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[tokio::test]
async fn missing_or_unknown_api_keys_are_refused_by_the_gateway() {
    let harness = Harness::start().await;
    use tower::ServiceExt;
    let router = supabase_local::router(harness.state.clone());
    let response = router
        .oneshot(
            axum::http::Request::builder()
                .uri("/rest/v1/notices")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn an_abandoned_request_never_leaves_its_transaction_to_the_next() {
    let harness =
        std::sync::Arc::new(Harness::configured(|settings| settings.database.pool_size = 1).await);
    // A write that is cut off (client gone) while its transaction is open.
    let abandoned = {
        let harness = harness.clone();
        tokio::time::timeout(Duration::from_millis(300), async move {
            harness
                .rpc(&As::Service, "sleep", r#"{"seconds": 3}"#)
                .await
        })
        .await
    };
    assert!(abandoned.is_err(), "the request should have been cut off");
    // The next request gets a clean connection at once: not the abandoned one, still busy.
    let started = Instant::now();
    let next = harness.get(&As::User(USER_A), "/rest/v1/rpc/whoami").await;
    assert_eq!(next.status, StatusCode::OK, "{}", next.text);
    assert_eq!(next.json()["role"], "authenticated");
    assert_eq!(next.json()["read_only"], "on");
    assert!(started.elapsed() < Duration::from_secs(2));
}
