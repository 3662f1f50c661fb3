//! Edge Functions with real Deno processes (the test-only functions in e2e/functions):
//! forwarding, verify_jwt, CORS preflight, limits, failures and restarts, waitUntil, and
//! every process stopped on shutdown.

mod harness;

use harness::{Stand, new_user, repository_root, show};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;
use supabase_local::settings::Settings;

async fn stand(configure: impl FnOnce(&mut Settings)) -> Stand {
    Stand::start(|settings| {
        settings.extra_functions_dirs = vec![repository_root().join("e2e/functions")];
        configure(settings);
    })
    .await
}

fn url(stand: &Stand, path: &str) -> String {
    format!("{}/functions/v1/{path}", stand.url)
}

async fn json_of(response: reqwest::Response) -> (StatusCode, Value) {
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn forwards_requests_with_the_prefix_stripped_and_the_environment_set() {
    let stand = stand(|_| {}).await;
    let token = stand.user_token(&new_user(), 3600);
    let response = reqwest::Client::new()
        .post(url(&stand, "echo/sub/path?x=1&y=two"))
        .header("apikey", &stand.anon_key)
        .bearer_auth(&token)
        .header("x-custom", "kept")
        .json(&json!({"hello": "world"}))
        .send()
        .await
        .unwrap();
    let (status, echo) = json_of(response).await;
    assert_eq!(status, StatusCode::OK, "{}", show(&echo));
    assert_eq!(echo["method"], "POST");
    assert_eq!(echo["path"], "/echo/sub/path");
    assert_eq!(echo["query"], json!({"x": "1", "y": "two"}));
    assert_eq!(echo["body"], json!({"hello": "world"}));
    assert_eq!(echo["headers"]["x-custom"], "kept");
    assert_eq!(echo["headers"]["content-type"], "application/json");
    assert_eq!(echo["headers"]["authorization"], format!("Bearer {token}"));
    assert_eq!(echo["env"]["SUPABASE_URL"], stand.url);
    for key in [
        "SUPABASE_ANON_KEY",
        "SUPABASE_SERVICE_ROLE_KEY",
        "SUPABASE_DB_URL",
    ] {
        assert_eq!(echo["env"][key], true, "{key}");
    }
    // The stand-in's own environment does not leak into functions.
    assert_eq!(echo["env"]["HOME"], Value::Null);
    assert_eq!(echo["waitUntil"], "function");
    stand.stop().await;
}

#[tokio::test]
async fn verify_jwt_guards_functions_except_preflight_and_opted_out_ones() {
    let stand = stand(|_| {}).await;
    let http = reqwest::Client::new();
    let (status, body) = json_of(http.post(url(&stand, "echo")).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body, json!({"msg": "Missing authorization header"}));

    let forged = supabase_local::jwt::Jwt::new("another-secret-that-is-at-least-32-characters")
        .sign(&json!({"role": "service_role"}));
    let (status, body) = json_of(
        http.post(url(&stand, "echo"))
            .bearer_auth(forged)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body, json!({"msg": "Invalid JWT"}));
    let expired = stand.user_token(&new_user(), -120);
    let response = http
        .post(url(&stand, "echo"))
        .bearer_auth(expired)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);

    // The apikey alone is enough: the gateway turns it into a Bearer token.
    let response = http
        .post(url(&stand, "echo"))
        .header("apikey", &stand.anon_key)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);

    // Preflight reaches the function, which answers its own CORS.
    let response = http
        .request(reqwest::Method::OPTIONS, url(&stand, "echo"))
        .header("origin", "http://127.0.0.1:8080")
        .header("access-control-request-method", "POST")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["access-control-allow-origin"], "*");
    assert!(
        response.headers()["access-control-allow-headers"]
            .to_str()
            .unwrap()
            .contains("apikey")
    );

    let (status, echo) = json_of(
        http.get(url(&stand, "echo-public?q=1"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(echo["path"], "/echo-public");
    stand.stop().await;
}

#[tokio::test]
async fn unknown_and_broken_functions() {
    let stand = stand(|_| {}).await;
    let http = reqwest::Client::new();
    for missing in ["nope", "_shared", "", "..%2Fecho"] {
        let response = http
            .post(url(&stand, missing))
            .header("apikey", &stand.anon_key)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{missing}");
    }
    // Security case 59: a 10 MB body is refused before any function starts.
    let started = std::time::Instant::now();
    let response = http
        .post(url(&stand, "echo-public"))
        .body(vec![b'{'; 10 * 1024 * 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(started.elapsed() < Duration::from_secs(10));
    let (status, body) = json_of(http.post(url(&stand, "broken")).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(body["code"], "BOOT_ERROR");
    stand.stop().await;
}

#[tokio::test]
async fn limits_time_and_body_and_restarts_dead_processes() {
    let stand = stand(|settings| {
        settings.functions.wall_clock_limit = Duration::from_secs(1);
        settings.functions.max_body_bytes = 1024;
    })
    .await;
    let http = reqwest::Client::new();
    let pid = |echo: &Value| echo["pid"].as_u64().unwrap();
    let (_, first) = json_of(http.get(url(&stand, "echo-public")).send().await.unwrap()).await;

    let (status, body) = json_of(
        http.get(url(&stand, "echo-public/slow?ms=3000"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::GATEWAY_TIMEOUT, "{}", show(&body));
    // The overrunning process was replaced.
    let (status, second) =
        json_of(http.get(url(&stand, "echo-public")).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert_ne!(pid(&first), pid(&second));
    assert!(!std::path::Path::new(&format!("/proc/{}", pid(&first))).exists());

    let (status, body) = json_of(
        http.post(url(&stand, "echo-public"))
            .body(vec![b'x'; 2048])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{}", show(&body));
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        (0..8).map(|_| Ok(vec![b'y'; 512])).collect();
    let response = http
        .post(url(&stand, "echo-public"))
        .body(reqwest::Body::wrap_stream(futures_util::stream::iter(
            chunks,
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);

    // A process that dies mid-request: 500, and the next request gets a fresh one.
    let (status, body) = json_of(
        http.get(url(&stand, "echo-public/exit"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{}", show(&body));
    assert_eq!(body["code"], "WORKER_ERROR");
    let (status, third) = json_of(http.get(url(&stand, "echo-public")).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert_ne!(pid(&third), pid(&second));
    stand.stop().await;
}

#[tokio::test]
async fn background_work_finishes_and_shutdown_stops_every_process() {
    let stand = stand(|_| {}).await;
    let http = reqwest::Client::new();
    let (status, body) = json_of(
        http.get(url(&stand, "echo-public/background"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, body), (StatusCode::OK, json!({"scheduled": true})));
    let mut runs = Value::Null;
    for _ in 0..50 {
        let (_, status) = json_of(
            http.get(url(&stand, "echo-public/background-status"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        runs = status["backgroundRuns"].clone();
        if runs == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(runs, 1);

    let (_, public) = json_of(http.get(url(&stand, "echo-public")).send().await.unwrap()).await;
    let (_, guarded) = json_of(
        http.get(url(&stand, "echo"))
            .header("apikey", &stand.anon_key)
            .send()
            .await
            .unwrap(),
    )
    .await;
    let pids: Vec<u64> = [public, guarded]
        .iter()
        .map(|echo| echo["pid"].as_u64().unwrap())
        .collect();
    assert_ne!(pids[0], pids[1], "one process per function");
    stand.stop().await;
    for pid in pids {
        assert!(
            !std::path::Path::new(&format!("/proc/{pid}")).exists(),
            "deno {pid} still runs"
        );
    }
}
