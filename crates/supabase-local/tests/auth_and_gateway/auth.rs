//! Auth behaviour that needs the database and concurrency: row locks in refresh-token
//! rotation, racing sign-ups, session limits.

use crate::harness::{Stand, settings, unique_email};
use axum::body::Body;
use axum::http::Method;
use axum::http::StatusCode;
use serde_json::json;
use std::collections::BTreeSet;
use std::time::Duration;

#[tokio::test]
async fn concurrent_refreshes_of_one_token_rotate_once() {
    let stand = Stand::start(settings(None)).await;
    let (_, _, session) = stand.signed_in_user("concurrent-refresh").await;
    let first = session["refresh_token"].as_str().unwrap().to_owned();
    let stand = std::sync::Arc::new(stand);
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let stand = stand.clone();
            let token = first.clone();
            tokio::spawn(async move { stand.refresh(&token).await })
        })
        .collect();
    let mut issued = BTreeSet::new();
    for task in tasks {
        let answer = task.await.unwrap();
        assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);
        issued.insert(answer.body["refresh_token"].as_str().unwrap().to_owned());
    }
    // Two tabs (here eight) refreshing at once: one rotation, everyone gets its result.
    assert_eq!(issued.len(), 1, "{issued:?}");
    let sql = stand.sql().await;
    let rows = sql
        .query(
            "select token, revoked, parent from auth.refresh_tokens \
             where session_id = (select session_id from auth.refresh_tokens where token = $1) \
             order by id",
            &[&first],
        )
        .await
        .unwrap();
    let tokens: Vec<(String, bool, Option<String>)> = rows
        .iter()
        .map(|row| (row.get(0), row.get(1), row.get(2)))
        .collect();
    let second = issued.into_iter().next().unwrap();
    assert_eq!(
        tokens,
        vec![(first.clone(), true, None), (second, false, Some(first))]
    );
}

#[tokio::test]
async fn racing_sign_ups_create_one_user() {
    let stand = std::sync::Arc::new(Stand::start(settings(None)).await);
    let email = unique_email("race");
    let tasks: Vec<_> = (0..5)
        .map(|_| {
            let stand = stand.clone();
            let email = email.clone();
            tokio::spawn(async move {
                stand
                    .auth_post(
                        "/signup",
                        None,
                        &json!({"email": email, "password": "racing-password-1234"}),
                    )
                    .await
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for task in tasks {
        let answer = task.await.unwrap();
        if answer.status == StatusCode::UNPROCESSABLE_ENTITY {
            assert_eq!(answer.body["code"], "user_already_exists");
        }
        statuses.push(answer.status);
    }
    statuses.sort();
    assert_eq!(
        statuses,
        vec![
            StatusCode::OK,
            StatusCode::UNPROCESSABLE_ENTITY,
            StatusCode::UNPROCESSABLE_ENTITY,
            StatusCode::UNPROCESSABLE_ENTITY,
            StatusCode::UNPROCESSABLE_ENTITY
        ]
    );
    let users = stand.users_with_email(&email).await;
    let identities = stand
        .count(
            "select count(*) from auth.identities i join auth.users u on u.id = i.user_id where u.email = $1",
            &[&email],
        )
        .await;
    assert_eq!((users, identities), (1, 1));
}

#[tokio::test]
async fn session_timebox_and_inactivity_end_refreshes() {
    // As security case 28 configures it: 12 h timebox, 30 min inactivity.
    let mut settings = settings(None);
    settings.auth.sessions_timebox = Some(Duration::from_secs(12 * 3600));
    settings.auth.sessions_inactivity_timeout = Some(Duration::from_secs(30 * 60));
    let stand = Stand::start(settings).await;
    let sql = stand.sql().await;
    // Age a session in the database instead of waiting.
    let age = async |token: &str, signed_in: &str, last_refresh: &str| {
        sql.execute(
            &format!(
                "update auth.sessions set created_at = now() - interval '{signed_in}', \
                   refreshed_at = (now() - interval '{last_refresh}') at time zone 'utc' \
                 where id = (select session_id from auth.refresh_tokens where token = $1)"
            ),
            &[&token],
        )
        .await
        .unwrap();
    };

    let (_, _, idle) = stand.signed_in_user("idle-29").await;
    let token = idle["refresh_token"].as_str().unwrap();
    age(token, "1 hour", "29 minutes").await;
    assert_eq!(stand.refresh(token).await.status, StatusCode::OK);

    let (_, _, idle) = stand.signed_in_user("idle-31").await;
    let token = idle["refresh_token"].as_str().unwrap();
    age(token, "1 hour", "31 minutes").await;
    let refused = stand.refresh(token).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(refused.body["code"], "session_expired");
    assert_eq!(
        refused.body["message"],
        "Invalid Refresh Token: Session Expired (Inactivity)"
    );

    let (_, _, old) = stand.signed_in_user("timebox").await;
    let token = old["refresh_token"].as_str().unwrap();
    age(token, "12 hours 1 minute", "1 minute").await;
    let refused = stand.refresh(token).await;
    assert_eq!(refused.body["code"], "session_expired");
    assert_eq!(
        refused.body["message"],
        "Invalid Refresh Token: Session Expired"
    );
}

#[tokio::test]
async fn reuse_after_the_interval_revokes_every_token_of_the_session() {
    let stand = Stand::start(settings(None)).await;
    let (_, _, session) = stand.signed_in_user("family").await;
    let r1 = session["refresh_token"].as_str().unwrap().to_owned();
    let r2 = stand.refresh(&r1).await.body["refresh_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let r3 = stand.refresh(&r2).await.body["refresh_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let sql = stand.sql().await;
    // R1 was revoked "20 s ago": outside the 10 s reuse interval.
    sql.execute(
        "update auth.refresh_tokens set updated_at = now() - interval '20 seconds' where token = $1",
        &[&r1],
    )
    .await
    .unwrap();
    let stolen = stand.refresh(&r1).await;
    assert_eq!(stolen.status, StatusCode::BAD_REQUEST);
    assert_eq!(stolen.body["code"], "refresh_token_already_used");
    let live: i64 = sql
        .query_one(
            "select count(*) from auth.refresh_tokens where revoked = false and session_id = \
               (select session_id from auth.refresh_tokens where token = $1)",
            &[&r1],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(
        live, 0,
        "the whole family is revoked, and that is committed"
    );
    for token in [&r2, &r3] {
        assert_eq!(
            stand.refresh(token).await.body["code"],
            "refresh_token_already_used"
        );
    }
}

#[tokio::test]
async fn with_sign_ups_disabled_sign_up_is_422_and_creates_no_user() {
    let mut settings = settings(None);
    settings.auth.enable_signup = false;
    let stand = Stand::start(settings).await;
    let email = unique_email("no-signups");
    let refused = stand
        .auth_post(
            "/signup",
            None,
            &json!({"email": email, "password": "a-strong-test-password-42"}),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        refused.body,
        json!({"code": "signup_disabled", "message": "Signups not allowed for this instance"})
    );
    assert_eq!(refused.headers["x-sb-error-code"], "signup_disabled");
    assert_eq!(refused.headers["x-supabase-api-version"], "2024-01-01");
    assert_eq!(stand.users_with_email(&email).await, 0);
    let offered = stand
        .send(Method::GET, "/auth/v1/settings", &[], Body::empty())
        .await;
    assert_eq!(offered.body["disable_signup"], true);
    // The admin API still creates users (as GoTrue's does), and they sign in.
    let (_, _, session) = stand.signed_in_user("admin-made").await;
    assert!(session["access_token"].is_string());
}

#[tokio::test]
async fn rate_limits_count_sign_in_and_refresh_together_and_sign_ups_apart() {
    let mut settings = settings(None);
    // One request per 5 minutes refills nothing while the test runs (bcrypt makes the sign-ins
    // take seconds); the burst is GoTrue's 30 whatever the rate.
    settings.auth.rate_limit_token_refresh = Some(1);
    settings.auth.rate_limit_sign_in_sign_ups = Some(1);
    let stand = Stand::start(settings).await;
    // In-process requests have no peer address: they all count as one loopback client.
    let (email, password, session) = stand.signed_in_user("limited").await;
    let mut refresh_token = session["refresh_token"].as_str().unwrap().to_owned();
    // 1 sign-in above, then 14 refreshes and 15 wrong passwords: 30, the burst.
    for _ in 0..14 {
        let answer = stand.refresh(&refresh_token).await;
        assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);
        refresh_token = answer.body["refresh_token"].as_str().unwrap().to_owned();
    }
    for _ in 0..15 {
        let answer = stand.sign_in(&email, "not-the-password-at-all").await;
        assert_eq!(answer.body["code"], "invalid_credentials");
    }
    let limited = stand.refresh(&refresh_token).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        limited.body,
        json!({"code": "over_request_rate_limit", "message": "Request rate limit reached"})
    );
    assert_eq!(
        limited.headers["x-sb-error-code"],
        "over_request_rate_limit"
    );
    // The right password does not get past the limit either.
    assert_eq!(
        stand.sign_in(&email, &password).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    // The refused refresh did not use the token up: the database still holds it unrevoked.
    let revoked: bool = stand
        .sql()
        .await
        .query_one(
            "select revoked from auth.refresh_tokens where token = $1",
            &[&refresh_token],
        )
        .await
        .unwrap()
        .get(0);
    assert!(!revoked);

    // Sign-ups have their own bucket of 30 (weak passwords: refused before any hashing).
    for attempt in 1..=30 {
        let answer = stand
            .auth_post(
                "/signup",
                None,
                &json!({"email": unique_email("burst"), "password": "short"}),
            )
            .await;
        assert_eq!(answer.body["code"], "weak_password", "attempt {attempt}");
    }
    let limited = stand
        .auth_post(
            "/signup",
            None,
            &json!({"email": unique_email("burst"), "password": "a-strong-test-password-42"}),
        )
        .await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(limited.body["code"], "over_request_rate_limit");
}

#[tokio::test]
async fn a_deleted_users_tokens_are_refused() {
    let stand = Stand::start(settings(None)).await;
    let (email, password, session) = stand.signed_in_user("deleted").await;
    let access = session["access_token"].as_str().unwrap();
    let refresh_token = session["refresh_token"].as_str().unwrap();
    let id = session["user"]["id"].as_str().unwrap();
    let service = stand.state.keys.service_role.clone();
    let removed = stand
        .send(
            Method::DELETE,
            &format!("/auth/v1/admin/users/{id}"),
            &[("apikey", &service)],
            Body::empty(),
        )
        .await;
    assert_eq!(removed.status, StatusCode::OK, "{:?}", removed.body);

    // The access token still verifies (it lives until exp), but names a user that is gone.
    let read = stand.get_user(access).await;
    assert_eq!(read.status, StatusCode::FORBIDDEN);
    assert_eq!(
        read.body,
        json!({"code": "user_not_found", "message": "User from sub claim in JWT does not exist"})
    );
    let update = stand
        .put_user(
            access,
            Body::from(json!({"data": {"back": true}}).to_string()),
        )
        .await;
    assert_eq!(update.status, StatusCode::FORBIDDEN);
    assert_eq!(update.body["code"], "user_not_found");
    // Sessions and refresh tokens went with the user.
    let refreshed = stand.refresh(refresh_token).await;
    assert_eq!(refreshed.status, StatusCode::BAD_REQUEST);
    assert_eq!(refreshed.body["code"], "refresh_token_not_found");
    assert_eq!(
        stand.sign_in(&email, &password).await.body["code"],
        "invalid_credentials"
    );
    let left = stand
        .count(
            "select (select count(*) from auth.sessions where user_id = $1::text::uuid) \
                  + (select count(*) from auth.identities where user_id = $1::text::uuid)",
            &[&id],
        )
        .await;
    assert_eq!(left, 0);
}

/// The claims of a JWT, without verifying it (the tests compare them).
fn claims_of(token: &str) -> serde_json::Value {
    use base64::Engine;
    let payload = token.split('.').nth(1).expect("three parts");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .expect("base64url");
    serde_json::from_slice(&bytes).expect("JSON claims")
}

#[tokio::test]
async fn access_tokens_carry_exactly_gotrues_claims_and_refresh_keeps_the_session() {
    let stand = Stand::start(settings(None)).await;
    let (email, _, session) = stand.signed_in_user("claims").await;
    let access = session["access_token"].as_str().unwrap();
    let header = claims_of(&format!("x.{}", access.split('.').next().unwrap()));
    assert_eq!(header, json!({"alg": "HS256", "typ": "JWT"}), "no kid");
    let claims = claims_of(access);
    let names: BTreeSet<&str> = claims
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        names,
        BTreeSet::from([
            "aal",
            "amr",
            "app_metadata",
            "aud",
            "email",
            "exp",
            "iat",
            "is_anonymous",
            "iss",
            "phone",
            "role",
            "session_id",
            "sub",
            "user_metadata",
        ])
    );
    let user_id = session["user"]["id"].as_str().unwrap();
    let iat = claims["iat"].as_i64().unwrap();
    assert_eq!(claims["exp"].as_i64().unwrap() - iat, 3600);
    assert_eq!(claims["sub"], user_id);
    assert_eq!(claims["aud"], "authenticated");
    assert_eq!(claims["role"], "authenticated");
    assert_eq!(claims["email"], email.as_str());
    assert_eq!(claims["phone"], "");
    assert_eq!(claims["aal"], "aal1");
    assert_eq!(claims["is_anonymous"], false);
    assert_eq!(
        claims["iss"],
        format!("{}/auth/v1", stand.state.settings.public_url)
    );
    assert_eq!(
        claims["app_metadata"],
        json!({"provider": "email", "providers": ["email"]})
    );
    assert_eq!(
        claims["amr"],
        json!([{"method": "password", "timestamp": claims["amr"][0]["timestamp"]}])
    );
    // session_id is the auth.sessions row of this sign-in.
    let session_id: uuid::Uuid = stand
        .sql()
        .await
        .query_one(
            "select session_id from auth.refresh_tokens where token = $1",
            &[&session["refresh_token"].as_str().unwrap()],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(claims["session_id"], session_id.to_string());

    // A refresh: same session and sign-in method and time, new expiry.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let refreshed = stand
        .refresh(session["refresh_token"].as_str().unwrap())
        .await;
    assert_eq!(refreshed.status, StatusCode::OK);
    let after = claims_of(refreshed.body["access_token"].as_str().unwrap());
    assert_eq!(after["session_id"], claims["session_id"]);
    assert_eq!(after["amr"], claims["amr"]);
    assert!(after["iat"].as_i64().unwrap() > iat);
    assert_eq!(refreshed.body["expires_in"], 3600);
    assert_eq!(
        refreshed.body["expires_at"], after["exp"],
        "expires_at is the token's exp"
    );
}

#[tokio::test]
async fn sessions_record_the_client_and_end_at_not_after_or_a_ban() {
    let stand = Stand::start(settings(None)).await;
    let (email, password, session) = stand.signed_in_user("bookkeeping").await;
    let first = session["refresh_token"].as_str().unwrap();
    let sql = stand.sql().await;
    let session_row = async |token: &str| {
        let row = sql
            .query_one(
                "select s.user_agent, s.refreshed_at is not null, s.aal::text \
                 from auth.sessions s join auth.refresh_tokens r on r.session_id = s.id \
                 where r.token = $1",
                &[&token],
            )
            .await
            .unwrap();
        (
            row.get::<_, Option<String>>(0),
            row.get::<_, bool>(1),
            row.get::<_, String>(2),
        )
    };
    assert_eq!(session_row(first).await, (None, false, "aal1".to_owned()));
    // A refresh from a browser: the session remembers when and with what.
    let refreshed = stand
        .send(
            Method::POST,
            "/auth/v1/token?grant_type=refresh_token",
            &[
                ("content-type", "application/json"),
                ("user-agent", "Mozilla/5.0 (test)"),
            ],
            Body::from(json!({"refresh_token": first}).to_string()),
        )
        .await;
    assert_eq!(refreshed.status, StatusCode::OK, "{:?}", refreshed.body);
    let second = refreshed.body["refresh_token"].as_str().unwrap().to_owned();
    assert_eq!(
        session_row(&second).await,
        (
            Some("Mozilla/5.0 (test)".to_owned()),
            true,
            "aal1".to_owned()
        )
    );

    // A session past its not_after ends at the next refresh.
    sql.execute(
        "update auth.sessions set not_after = now() - interval '1 second' \
         where id = (select session_id from auth.refresh_tokens where token = $1)",
        &[&second],
    )
    .await
    .unwrap();
    let ended = stand.refresh(&second).await;
    assert_eq!(ended.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        ended.body,
        json!({"code": "session_expired", "message": "Invalid Refresh Token: Session Expired"})
    );

    // A banned user neither signs in nor refreshes; the ban lifting lets them back in.
    let (_, _, other) = stand.signed_in_user("banned").await;
    let other_token = other["refresh_token"].as_str().unwrap();
    sql.execute(
        "update auth.users set banned_until = now() + interval '1 hour' \
         where id in ($1::text::uuid, $2::text::uuid)",
        &[
            &session["user"]["id"].as_str().unwrap(),
            &other["user"]["id"].as_str().unwrap(),
        ],
    )
    .await
    .unwrap();
    let banned = stand.sign_in(&email, &password).await;
    assert_eq!(banned.status, StatusCode::BAD_REQUEST);
    assert_eq!(banned.body["code"], "user_banned");
    let banned = stand.refresh(other_token).await;
    assert_eq!(banned.status, StatusCode::BAD_REQUEST);
    assert_eq!(banned.body["code"], "user_banned");
    sql.execute(
        "update auth.users set banned_until = now() - interval '1 second' where email = $1",
        &[&email],
    )
    .await
    .unwrap();
    assert_eq!(
        stand.sign_in(&email, &password).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn deeply_nested_json_is_400_bad_json_without_harm() {
    let stand = Stand::start(settings(None)).await;
    let (_, _, session) = stand.signed_in_user("deep").await;
    let access = session["access_token"].as_str().unwrap();
    // 10,000 levels of nesting: the parser refuses it (no stack overflow, no partial user).
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let email = unique_email("deep");
    let sign_up = format!(
        r#"{{"email":"{email}","password":"a-strong-test-password-42","data":{{"x":{deep}}}}}"#
    );
    let refused = stand
        .send(
            Method::POST,
            "/auth/v1/signup",
            &[
                ("content-type", "application/json"),
                ("x-supabase-api-version", "2024-01-01"),
            ],
            Body::from(sign_up),
        )
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(refused.body["code"], "bad_json");
    assert_eq!(stand.users_with_email(&email).await, 0);

    let update = stand
        .put_user(access, Body::from(format!(r#"{{"data":{{"x":{deep}}}}}"#)))
        .await;
    assert_eq!(update.status, StatusCode::BAD_REQUEST);
    assert_eq!(update.body["code"], "bad_json");
    let read = stand.get_user(access).await;
    assert_eq!(read.status, StatusCode::OK);
    assert!(
        read.body["user_metadata"].get("x").is_none(),
        "{:?}",
        read.body
    );
}

#[tokio::test]
async fn the_minimum_password_length_comes_from_config_toml() {
    // Without the setting GoTrue's default of 6 applies; the repository sets 12.
    let without = crate::harness::REPOSITORY_CONFIG
        .lines()
        .filter(|line| !line.starts_with("minimum_password_length"))
        .collect::<Vec<_>>()
        .join("\n");
    assert_ne!(
        without,
        crate::harness::REPOSITORY_CONFIG,
        "the line was there"
    );
    for (config, minimum, long_enough) in [
        (without.as_str(), 6, "zq7#vL"),
        (crate::harness::REPOSITORY_CONFIG, 12, "zq7#vLw2!pRt"),
    ] {
        let stand = Stand::start(crate::harness::settings_from(config, None)).await;
        let short = &long_enough[..long_enough.len() - 1];
        let refused = stand
            .auth_post(
                "/signup",
                None,
                &json!({"email": unique_email("length"), "password": short}),
            )
            .await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{minimum}"
        );
        assert_eq!(
            refused.body,
            json!({
                "code": "weak_password",
                "message": format!("Password should be at least {minimum} characters."),
                "weak_password": {"reasons": ["length"]}
            })
        );
        let accepted = stand
            .auth_post(
                "/signup",
                None,
                &json!({"email": unique_email("length"), "password": long_enough}),
            )
            .await;
        assert_eq!(accepted.status, StatusCode::OK, "{:?}", accepted.body);
        assert!(accepted.body["access_token"].is_string());
    }
}

/// Follow a confirmation link as a browser does (no API key): the 303's Location.
async fn follow(stand: &Stand, link: &str) -> String {
    let answer = stand
        .send(Method::GET, link, &[("apikey", "")], Body::empty())
        .await;
    assert_eq!(
        answer.status,
        StatusCode::SEE_OTHER,
        "{link}: {:?}",
        answer.body
    );
    answer.headers["location"].to_str().unwrap().to_owned()
}

/// The form-encoded pairs after `#` of a redirect.
fn fragment(location: &str) -> std::collections::HashMap<String, String> {
    let (_, fragment) = location.split_once('#').expect("a fragment");
    form_urlencoded::parse(fragment.as_bytes())
        .into_owned()
        .collect()
}

#[tokio::test]
async fn the_confirmation_link_confirms_once_signs_in_and_redirects_only_where_allowed() {
    let mut settings = settings(None);
    settings.auth.enable_confirmations = true;
    let stand = Stand::start(settings).await;
    let password = "a-strong-test-password-42";
    let sign_up = async |tag: &str| {
        let email = unique_email(tag);
        // redirect_to names another site: the link must not lead there.
        let answer = stand
            .auth_post(
                "/signup?redirect_to=https%3A%2F%2Fevil.example%2Fsteal",
                None,
                &json!({"email": email, "password": password}),
            )
            .await;
        assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);
        assert!(answer.body.get("access_token").is_none());
        let token: String = stand
            .sql()
            .await
            .query_one(
                "select confirmation_token from auth.users where email = $1",
                &[&email],
            )
            .await
            .unwrap()
            .get(0);
        assert_eq!(token.len(), 24);
        (email, token)
    };
    let link = |token: &str, redirect: &str| {
        format!(
            "/auth/v1/verify?token={token}&type=signup&redirect_to={}",
            form_urlencoded::byte_serialize(redirect.as_bytes()).collect::<String>()
        )
    };

    let (email, token) = sign_up("confirm-link").await;
    assert_eq!(
        stand.sign_in(&email, password).await.body["code"],
        "email_not_confirmed"
    );
    let location = follow(&stand, &link(&token, "https://evil.example/steal")).await;
    assert!(
        location.starts_with("http://127.0.0.1:8080#"),
        "falls back to site_url: {location}"
    );
    let session = fragment(&location);
    assert_eq!(session["token_type"], "bearer");
    assert_eq!(session["type"], "signup");
    assert_eq!(session["expires_in"], "3600");
    assert_eq!(session["refresh_token"].len(), 12);
    let me = stand.get_user(&session["access_token"]).await;
    assert_eq!(me.status, StatusCode::OK, "{:?}", me.body);
    assert_eq!(me.body["email"], email.as_str());
    assert!(me.body["email_confirmed_at"].is_string());
    assert_eq!(me.body["user_metadata"]["email_verified"], true);
    assert_eq!(
        me.body["identities"][0]["identity_data"]["email_verified"],
        true
    );
    let claims = claims_of(&session["access_token"]);
    assert_eq!(claims["amr"][0]["method"], "otp");
    assert_eq!(stand.sign_in(&email, password).await.status, StatusCode::OK);

    // The link works once.
    let again = follow(&stand, &link(&token, "http://127.0.0.1:8080/welcome")).await;
    assert_eq!(
        again,
        "http://127.0.0.1:8080/welcome#error=access_denied&error_code=otp_expired\
         &error_description=Email+link+is+invalid+or+has+expired"
    );

    // An allow-listed redirect is honoured; an expired link is refused.
    let (_, token) = sign_up("confirm-allowed").await;
    let location = follow(&stand, &link(&token, "http://localhost:8080")).await;
    assert!(
        location.starts_with("http://localhost:8080#access_token="),
        "{location}"
    );
    let (expired_email, token) = sign_up("confirm-expired").await;
    stand
        .sql()
        .await
        .execute(
            "update auth.users set confirmation_sent_at = now() - interval '61 minutes' where email = $1",
            &[&expired_email],
        )
        .await
        .unwrap();
    let location = follow(&stand, &link(&token, "http://127.0.0.1:8080")).await;
    assert_eq!(fragment(&location)["error_code"], "otp_expired");
    assert_eq!(
        stand.sign_in(&expired_email, password).await.body["code"],
        "email_not_confirmed"
    );

    // Malformed links are 400, never a redirect.
    for bad in [
        "/auth/v1/verify?type=signup",
        "/auth/v1/verify?token=abc&type=recovery",
    ] {
        let answer = stand
            .send(
                Method::GET,
                bad,
                &[("apikey", ""), ("x-supabase-api-version", "2024-01-01")],
                Body::empty(),
            )
            .await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(answer.body["code"], "validation_failed", "{bad}");
    }
}
