//! Auth behaviour that needs the database and concurrency: row locks in refresh-token
//! rotation, racing sign-ups, session limits.

use crate::harness::{Stand, settings, unique_email};
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
    let sql = stand.sql().await;
    let users: i64 = sql
        .query_one(
            "select count(*) from auth.users where email = $1",
            &[&email],
        )
        .await
        .unwrap()
        .get(0);
    let identities: i64 = sql
        .query_one(
            "select count(*) from auth.identities i join auth.users u on u.id = i.user_id where u.email = $1",
            &[&email],
        )
        .await
        .unwrap()
        .get(0);
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
