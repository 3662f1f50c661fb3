//! The gateway's reliability: pool exhaustion, the database going away and coming back,
//! request timeouts, body limits.

use crate::harness::{Stand, database, settings};
use crate::proxy::Proxy;
use axum::body::Body;
use axum::http::{Method, StatusCode};
use std::time::{Duration, Instant};

#[tokio::test]
async fn pool_exhaustion_is_504_pgrst003_after_the_pool_timeout_then_recovers() {
    let mut settings = settings(None);
    settings.database.pool_size = 2;
    settings.database.pool_timeout = Duration::from_secs(1);
    settings.auth.request_timeout = Duration::from_secs(10);
    let stand = Stand::start(settings).await;
    let (_, _, session) = stand.signed_in_user("pool").await;
    let access = session["access_token"].as_str().unwrap();
    let db = &stand.state.db;

    // Every connection of both pools busy (as with long-running requests).
    let held_api = [
        db.acquire(&db.api).await.unwrap(),
        db.acquire(&db.api).await.unwrap(),
    ];
    let held_auth = [
        db.acquire(&db.auth).await.unwrap(),
        db.acquire(&db.auth).await.unwrap(),
    ];

    let started = Instant::now();
    let refused = db.acquire(&db.api).await.unwrap_err();
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(900),
        "gave up after {waited:?}"
    );
    let response = refused.postgrest_response();
    assert_eq!(response.status(), StatusCode::GATEWAY_TIMEOUT);
    let body = axum::body::to_bytes(response.into_body(), 4096)
        .await
        .unwrap();
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&body).unwrap(),
        serde_json::json!({
            "code": "PGRST003",
            "details": null,
            "hint": null,
            "message": "Timed out acquiring connection from connection pool."
        })
    );
    let through_http = stand.get_user(access).await;
    assert_eq!(through_http.status, StatusCode::GATEWAY_TIMEOUT);

    // Load gone: the next request is served (within the 1 s pool timeout), no restart.
    drop(held_api);
    drop(held_auth);
    assert_eq!(stand.get_user(access).await.status, StatusCode::OK);
    assert!(db.acquire(&db.api).await.is_ok());
}

#[tokio::test]
async fn a_database_outage_is_503_with_retry_after_then_recovers_by_itself() {
    let (host, port, _) = database();
    let proxy = Proxy::start(host, port).await;
    let stand = Stand::start(settings(Some(proxy.port))).await;
    let (_, _, session) = stand.signed_in_user("outage").await;
    let access = session["access_token"].as_str().unwrap();
    assert_eq!(stand.get_user(access).await.status, StatusCode::OK);

    proxy.down();
    let mut retry_after = Vec::new();
    for _ in 0..3 {
        let answer = stand.get_user(access).await;
        assert_eq!(
            answer.status,
            StatusCode::SERVICE_UNAVAILABLE,
            "{:?}",
            answer.body
        );
        let seconds: u64 = answer.headers["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        retry_after.push(seconds);
    }
    assert!(
        retry_after.windows(2).all(|pair| pair[0] <= pair[1]),
        "{retry_after:?}"
    );
    assert!(retry_after[2] > 1, "backs off: {retry_after:?}");
    let db = &stand.state.db;
    let refused = db.acquire(&db.api).await.unwrap_err();
    let response = refused.postgrest_response();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(response.headers().contains_key("retry-after"));

    proxy.up();
    let answer = stand.get_user(access).await;
    assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);
    // A fresh sign-in works too (writes go through again).
    let (_, _, again) = stand.signed_in_user("after-outage").await;
    assert!(again["access_token"].is_string());
}

#[tokio::test]
async fn a_request_that_outlasts_its_timeout_is_504() {
    let mut settings = settings(None);
    settings.database.pool_size = 1;
    settings.database.pool_timeout = Duration::from_secs(30);
    settings.auth.request_timeout = Duration::from_millis(500);
    let stand = Stand::start(settings).await;
    let db = &stand.state.db;
    let held = db.acquire(&db.auth).await.unwrap();
    let answer = stand
        .send(Method::GET, "/auth/v1/settings", &[], Body::empty())
        .await;
    // /settings needs no database: it answers.
    assert_eq!(answer.status, StatusCode::OK);
    // Forged tokens are refused before any database work: with no connection to be had they
    // still get their 403 (waiting for one would have ended in the 504 below).
    let forged = forged_service_role_token();
    for token in ["a.b.c", forged.as_str()] {
        let answer = stand.get_user(token).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{token}");
        assert_eq!(answer.body["code"], "bad_jwt");
        let authorization = format!("Bearer {token}");
        let admin = stand
            .send(
                Method::POST,
                "/auth/v1/admin/users",
                &[
                    ("authorization", &authorization),
                    ("content-type", "application/json"),
                ],
                Body::from(r#"{"email":"forged@example.com","password":"forged-password-123"}"#),
            )
            .await;
        assert_eq!(admin.status, StatusCode::FORBIDDEN);
    }
    let stuck = stand
        .auth_post(
            "/token?grant_type=password",
            None,
            &serde_json::json!({"email": "x@example.com", "password": "y"}),
        )
        .await;
    assert_eq!(stuck.status, StatusCode::GATEWAY_TIMEOUT);
    assert_eq!(
        stuck.body,
        serde_json::json!({"message": "The upstream server is timing out"})
    );
    drop(held);
}

#[tokio::test]
async fn a_slow_body_is_cut_off_at_the_timeout() {
    let mut settings = settings(None);
    settings.auth.request_timeout = Duration::from_millis(500);
    let stand = Stand::start(settings).await;
    // One byte per 200 ms, forever: a slow-loris upload.
    let drip = futures_util::stream::unfold((), |()| async {
        tokio::time::sleep(Duration::from_millis(200)).await;
        Some((
            Ok::<_, std::io::Error>(axum::body::Bytes::from_static(b"{")),
            (),
        ))
    });
    let answer = stand
        .send(
            Method::POST,
            "/auth/v1/signup",
            &[("content-type", "application/json")],
            Body::from_stream(drip),
        )
        .await;
    assert_eq!(answer.status, StatusCode::GATEWAY_TIMEOUT);
}

#[tokio::test]
async fn bodies_over_the_limit_are_413_json() {
    let stand = Stand::start(settings(None)).await;
    let limit = stand.state.settings.auth.max_body_bytes;
    let declared = stand
        .send(
            Method::POST,
            "/auth/v1/signup",
            &[("content-type", "application/json")],
            Body::from(vec![b' '; limit + 1]),
        )
        .await;
    assert_eq!(declared.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        declared.body,
        serde_json::json!({"message": "Request size limit exceeded"})
    );
    let chunks = futures_util::stream::iter(
        (0..limit / 65_536 + 2)
            .map(|_| Ok::<_, std::io::Error>(axum::body::Bytes::from(vec![b' '; 65_536]))),
    );
    let streamed = stand
        .send(
            Method::POST,
            "/auth/v1/signup",
            &[("content-type", "application/json")],
            Body::from_stream(chunks),
        )
        .await;
    assert_eq!(streamed.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        streamed.body,
        serde_json::json!({"message": "Request size limit exceeded"})
    );
    // Just under the limit is read and judged on its content.
    let fits = stand
        .send(
            Method::POST,
            "/auth/v1/signup",
            &[
                ("content-type", "application/json"),
                ("x-supabase-api-version", "2024-01-01"),
            ],
            Body::from(vec![b' '; limit]),
        )
        .await;
    assert_eq!(fits.status, StatusCode::BAD_REQUEST);
    assert_eq!(fits.body["code"], "bad_json");
}

/// A token claiming the service role, HS256-signed with a key that is not the project's.
fn forged_service_role_token() -> String {
    let other = supabase_local::jwt::Jwt::new("not-the-project-secret-but-32-characters-long");
    other.sign(&serde_json::json!({
        "role": "service_role",
        "exp": supabase_local::jwt::now_unix() + 600
    }))
}

/// POST /auth/v1/admin/users (service role only) with the given headers: the status tells
/// which role the gateway let through.
async fn create_user_as(stand: &Stand, headers: &[(&str, &str)]) -> crate::harness::Answer {
    let mut all = vec![
        ("content-type", "application/json"),
        ("x-supabase-api-version", "2024-01-01"),
    ];
    all.extend_from_slice(headers);
    stand
        .send(
            Method::POST,
            "/auth/v1/admin/users",
            &all,
            Body::from(
                serde_json::json!({
                    "email": crate::harness::unique_email("mapped"),
                    "password": "a-strong-test-password-42",
                    "email_confirm": true
                })
                .to_string(),
            ),
        )
        .await
}

#[tokio::test]
async fn api_keys_map_to_roles_as_the_hosted_gateway_does() {
    let stand = Stand::start(settings(None)).await;
    let keys = stand.state.keys.clone();
    let (_, _, session) = stand.signed_in_user("mapping").await;
    let user_bearer = format!("Bearer {}", session["access_token"].as_str().unwrap());
    let secret_bearer = format!("Bearer {}", keys.secret);
    let publishable_bearer = format!("Bearer {}", keys.publishable);

    // Rule 2: the secret key (header, or Authorization `Bearer sb_secret_…`) is the service role.
    type Case<'a> = (&'a str, Vec<(&'a str, &'a str)>, StatusCode);
    let cases: Vec<Case> = vec![
        (
            "secret key, no Authorization",
            vec![("apikey", &keys.secret)],
            StatusCode::OK,
        ),
        (
            "secret key, Authorization Bearer sb_secret_",
            vec![("apikey", &keys.secret), ("authorization", &secret_bearer)],
            StatusCode::OK,
        ),
        (
            "legacy service_role key",
            vec![("apikey", &keys.service_role)],
            StatusCode::OK,
        ),
        // Rule 1: a user's token passes through unchanged, even next to the secret key:
        // the service role applies only to requests without a user token.
        (
            "secret key with a user's token",
            vec![("apikey", &keys.secret), ("authorization", &user_bearer)],
            StatusCode::FORBIDDEN,
        ),
        // Rule 3: the publishable key is anon, also as `Bearer sb_publishable_…`.
        (
            "publishable key",
            vec![("apikey", &keys.publishable)],
            StatusCode::FORBIDDEN,
        ),
        (
            "publishable key, Authorization Bearer sb_publishable_",
            vec![
                ("apikey", &keys.publishable),
                ("authorization", &publishable_bearer),
            ],
            StatusCode::FORBIDDEN,
        ),
        // A secret key in Authorization does not upgrade a publishable apikey: the
        // Authorization `Bearer sb_…` is replaced by the apikey's role.
        (
            "publishable apikey, Bearer sb_secret_",
            vec![
                ("apikey", &keys.publishable),
                ("authorization", &secret_bearer),
            ],
            StatusCode::FORBIDDEN,
        ),
        (
            "anon key",
            vec![("apikey", &keys.anon)],
            StatusCode::FORBIDDEN,
        ),
    ];
    for (name, headers, expected) in cases {
        let answer = create_user_as(&stand, &headers).await;
        assert_eq!(answer.status, expected, "{name}: {:?}", answer.body);
        if expected == StatusCode::FORBIDDEN {
            assert_eq!(answer.body["code"], "not_admin", "{name}");
        }
    }

    // The key in the query string counts like the header (WebSocket clients need it).
    let path = format!(
        "/auth/v1/admin/users?apikey={}",
        form_urlencoded::byte_serialize(keys.secret.as_bytes()).collect::<String>()
    );
    let by_query = stand
        .send(
            Method::POST,
            &path,
            &[("apikey", ""), ("content-type", "application/json")],
            Body::from(
                serde_json::json!({"email": crate::harness::unique_email("query"), "password": "a-strong-test-password-42"})
                    .to_string(),
            ),
        )
        .await;
    assert_eq!(by_query.status, StatusCode::OK, "{:?}", by_query.body);
    // No key at all, or an unknown one: refused before any service sees the request.
    let none = create_user_as(&stand, &[("apikey", "")]).await;
    assert_eq!(none.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        none.body,
        serde_json::json!({
            "message": "No API key found in request",
            "hint": "No `apikey` request header or url param was found."
        })
    );
    let forged_secret = format!("{}x", keys.secret);
    let unknown = create_user_as(
        &stand,
        &[
            ("apikey", &forged_secret),
            ("authorization", &secret_bearer),
        ],
    )
    .await;
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.body["message"], "Invalid API key");
}
