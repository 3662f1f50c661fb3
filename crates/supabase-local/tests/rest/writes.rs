//! Writes under RLS: insert, upsert, update, delete, PUT, Prefer combinations, rollbacks and
//! database errors. They use agency 9 (user W) with names unique to each test, so the read
//! tests never see them.

use crate::support::*;
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

const W: As = As::User(USER_W);

async fn post(harness: &Harness, uri: &str, prefer: &str, body: &str) -> Reply {
    harness
        .send(&W, Method::POST, uri, &[("prefer", prefer)], Some(body))
        .await
}

async fn service_rows(harness: &Harness, query: &str) -> Value {
    let reply = harness
        .get(&As::Service, &format!("/rest/v1/clients?{query}"))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply.json()
}

#[tokio::test]
async fn insert_minimal_and_with_representation() {
    let harness = Harness::start().await;
    let minimal = post(
        &harness,
        "/rest/v1/clients",
        "",
        r#"{"agency_id": 9, "name": "ins-minimal"}"#,
    )
    .await;
    assert_eq!(minimal.status, StatusCode::CREATED, "{}", minimal.text);
    assert!(minimal.text.is_empty());
    assert_eq!(minimal.header("content-range"), Some("*/*"));

    let full = post(
        &harness,
        "/rest/v1/clients?select=name,tags,active,agencies(name)",
        "return=representation,count=exact",
        r#"{"agency_id": 9, "name": "ins-full", "tags": ["x"]}"#,
    )
    .await;
    assert_eq!(full.status, StatusCode::CREATED, "{}", full.text);
    assert_eq!(
        full.json(),
        json!([{"name": "ins-full", "tags": ["x"], "active": true, "agencies": {"name": "Writers"}}])
    );
    assert_eq!(full.header("content-range"), Some("*/1"));

    let single = harness
        .send(
            &W,
            Method::POST,
            "/rest/v1/clients?select=name",
            &[
                ("prefer", "return=representation"),
                ("accept", "application/vnd.pgrst.object+json"),
            ],
            Some(r#"{"agency_id": 9, "name": "ins-single"}"#),
        )
        .await;
    assert_eq!(single.json(), json!({"name": "ins-single"}));

    let located = post(
        &harness,
        "/rest/v1/clients",
        "return=headers-only",
        r#"{"id": 9001, "agency_id": 9, "name": "ins-located"}"#,
    )
    .await;
    assert_eq!(located.status, StatusCode::CREATED);
    assert_eq!(located.header("location"), Some("/clients?id=eq.9001"));
    assert!(located.text.is_empty());
}

#[tokio::test]
async fn bulk_insert_columns_and_missing_default() {
    let harness = Harness::start().await;
    let rows = r#"[{"agency_id": 9, "name": "bulk-1", "active": false}, {"agency_id": 9, "name": "bulk-2"}]"#;
    let mismatched = post(&harness, "/rest/v1/clients", "", rows).await;
    mismatched.assert_error(StatusCode::BAD_REQUEST, "PGRST102");
    assert_eq!(mismatched.json()["message"], "All object keys must match");

    // postgrest-js sends the union of keys in columns=; absent keys are NULL...
    let nulls = post(
        &harness,
        "/rest/v1/clients?columns=%22agency_id%22,%22name%22,%22active%22&select=name,active,tags",
        "return=representation",
        rows,
    )
    .await;
    assert_eq!(nulls.status, StatusCode::CREATED, "{}", nulls.text);
    assert_eq!(
        nulls.json(),
        json!([{"name": "bulk-1", "active": false, "tags": []}, {"name": "bulk-2", "active": null, "tags": []}])
    );
    // ...unless missing=default, where they take the column DEFAULT.
    let defaults = post(
        &harness,
        "/rest/v1/clients?columns=agency_id,name,active,tags&select=name,active,tags",
        "return=representation, missing=default",
        r#"[{"agency_id": 9, "name": "bulk-3", "active": false}, {"agency_id": 9, "name": "bulk-4"}]"#,
    )
    .await;
    assert_eq!(defaults.status, StatusCode::CREATED, "{}", defaults.text);
    assert_eq!(
        defaults.json(),
        json!([{"name": "bulk-3", "active": false, "tags": []}, {"name": "bulk-4", "active": true, "tags": []}])
    );
    let empty = post(&harness, "/rest/v1/clients", "return=representation", "[]").await;
    assert_eq!(empty.status, StatusCode::CREATED);
    assert_eq!(empty.json(), json!([]));
}

#[tokio::test]
async fn rls_refuses_foreign_writes_and_returning_needs_select() {
    let harness = Harness::start().await;
    let foreign = post(
        &harness,
        "/rest/v1/clients",
        "",
        r#"{"agency_id": 1, "name": "sneaky"}"#,
    )
    .await;
    foreign.assert_error(StatusCode::FORBIDDEN, "42501");
    assert_eq!(
        foreign.json()["message"],
        "new row violates row-level security policy for table \"clients\""
    );
    assert_eq!(service_rows(&harness, "name=eq.sneaky").await, json!([]));

    let blind = post(
        &harness,
        "/rest/v1/inbox",
        "",
        r#"{"agency_id": 9, "body": "hi"}"#,
    )
    .await;
    assert_eq!(blind.status, StatusCode::CREATED, "{}", blind.text);
    let returning = post(
        &harness,
        "/rest/v1/inbox",
        "return=representation",
        r#"{"agency_id": 9, "body": "hi"}"#,
    )
    .await;
    assert_eq!(
        returning.status,
        StatusCode::FORBIDDEN,
        "{}",
        returning.text
    );
    assert_eq!(returning.error_code(), "42501");

    let anon = harness
        .send(
            &As::Anon,
            Method::POST,
            "/rest/v1/clients",
            &[],
            Some(r#"{"agency_id": 9, "name": "anon"}"#),
        )
        .await;
    anon.assert_error(StatusCode::UNAUTHORIZED, "42501");
}

#[tokio::test]
async fn upserts_merge_or_ignore() {
    let harness = Harness::start().await;
    let first = post(
        &harness,
        "/rest/v1/clients?on_conflict=agency_id,name&select=name,email",
        "resolution=merge-duplicates,return=representation",
        r#"[{"agency_id": 9, "name": "up-1", "email": "a@w"}]"#,
    )
    .await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text);
    let merged = post(
        &harness,
        "/rest/v1/clients?on_conflict=agency_id,name&select=name,email",
        "resolution=merge-duplicates,return=representation",
        r#"[{"agency_id": 9, "name": "up-1", "email": "b@w"}]"#,
    )
    .await;
    assert_eq!(merged.status, StatusCode::OK, "{}", merged.text);
    assert_eq!(merged.json(), json!([{"name": "up-1", "email": "b@w"}]));
    let mixed = post(
        &harness,
        "/rest/v1/clients?on_conflict=agency_id,name",
        "resolution=merge-duplicates",
        r#"[{"agency_id": 9, "name": "up-1", "email": "c@w"}, {"agency_id": 9, "name": "up-2", "email": "c@w"}]"#,
    )
    .await;
    assert_eq!(mixed.status, StatusCode::CREATED);
    let ignored = post(
        &harness,
        "/rest/v1/clients?on_conflict=agency_id,name&select=name&columns=agency_id,name,email",
        "resolution=ignore-duplicates,return=representation",
        r#"[{"agency_id": 9, "name": "up-1", "email": "d@w"}, {"agency_id": 9, "name": "up-3"}]"#,
    )
    .await;
    assert_eq!(ignored.status, StatusCode::CREATED, "{}", ignored.text);
    assert_eq!(ignored.json(), json!([{"name": "up-3"}]));
    assert_eq!(
        service_rows(&harness, "select=name,email&name=like.up-*&order=name").await,
        json!([{"name": "up-1", "email": "c@w"}, {"name": "up-2", "email": "c@w"}, {"name": "up-3", "email": null}])
    );
    // Upsert on the primary key by default.
    let by_key = post(
        &harness,
        "/rest/v1/clients?select=id,name",
        "resolution=merge-duplicates,return=representation",
        r#"{"id": 9100, "agency_id": 9, "name": "up-key"}"#,
    )
    .await;
    assert_eq!(by_key.status, StatusCode::CREATED, "{}", by_key.text);
    let again = post(
        &harness,
        "/rest/v1/clients?select=id,name",
        "resolution=merge-duplicates,return=representation",
        r#"{"id": 9100, "agency_id": 9, "name": "up-key-renamed"}"#,
    )
    .await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(
        again.json(),
        json!([{"id": 9100, "name": "up-key-renamed"}])
    );
}

#[tokio::test]
async fn updates_and_deletes() {
    let harness = Harness::start().await;
    post(
        &harness,
        "/rest/v1/clients",
        "",
        r#"[{"agency_id": 9, "name": "ud-1"}, {"agency_id": 9, "name": "ud-2"}, {"agency_id": 9, "name": "ud-3"}]"#,
    )
    .await;
    let patched = harness
        .send(
            &W,
            Method::PATCH,
            "/rest/v1/clients?name=eq.ud-1",
            &[],
            Some(r#"{"email": "ud@w"}"#),
        )
        .await;
    assert_eq!(patched.status, StatusCode::NO_CONTENT, "{}", patched.text);
    assert!(patched.text.is_empty());
    let represented = harness
        .send(
            &W,
            Method::PATCH,
            "/rest/v1/clients?name=in.(ud-1,ud-2)&select=name,email&order=name",
            &[("prefer", "return=representation,count=exact")],
            Some(r#"{"email": "both@w"}"#),
        )
        .await;
    assert_eq!(represented.status, StatusCode::OK);
    assert_eq!(represented.header("content-range"), Some("0-1/2"));
    assert_eq!(
        represented.json().as_array().map(Vec::len),
        Some(2),
        "{}",
        represented.text
    );
    // Another agency's rows are simply not there: 0 rows, no error, nothing changed.
    let foreign = harness
        .send(
            &W,
            Method::PATCH,
            "/rest/v1/clients?id=eq.21",
            &[("prefer", "return=representation")],
            Some(r#"{"name": "hijacked"}"#),
        )
        .await;
    assert_eq!(foreign.status, StatusCode::OK);
    assert_eq!(foreign.json(), json!([]));
    let deleted_foreign = harness
        .send(&W, Method::DELETE, "/rest/v1/clients?id=eq.22", &[], None)
        .await;
    assert_eq!(deleted_foreign.status, StatusCode::NO_CONTENT);
    assert_eq!(
        service_rows(&harness, "select=name&id=in.(21,22)&order=id").await,
        json!([{"name": "Globex One"}, {"name": "Globex Two"}])
    );
    // Moving a row to another agency is refused by WITH CHECK.
    let moved = harness
        .send(
            &W,
            Method::PATCH,
            "/rest/v1/clients?name=eq.ud-3",
            &[],
            Some(r#"{"agency_id": 1}"#),
        )
        .await;
    moved.assert_error(StatusCode::FORBIDDEN, "42501");

    let removed = harness
        .send(
            &W,
            Method::DELETE,
            "/rest/v1/clients?name=like.ud-*&select=name&order=name",
            &[("prefer", "return=representation,count=exact")],
            None,
        )
        .await;
    assert_eq!(removed.status, StatusCode::OK);
    // The order of returned rows is not specified for writes.
    let mut names: Vec<String> = removed
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["name"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["ud-1", "ud-2", "ud-3"]);
    assert_eq!(removed.header("content-range"), Some("*/3"));
    let empty_body = harness
        .send(
            &W,
            Method::PATCH,
            "/rest/v1/clients?name=eq.none",
            &[("prefer", "return=representation")],
            Some("{}"),
        )
        .await;
    assert_eq!(empty_body.status, StatusCode::OK);
    assert_eq!(empty_body.json(), json!([]));
}

#[tokio::test]
async fn filterless_updates_and_deletes_are_refused_like_safeupdate() {
    let harness = Harness::start().await;
    for (method, statement) in [(Method::PATCH, "UPDATE"), (Method::DELETE, "DELETE")] {
        let body = (method == Method::PATCH).then_some(r#"{"name": "x"}"#);
        let reply = harness
            .send(&As::Service, method, "/rest/v1/clients", &[], body)
            .await;
        reply.assert_error(StatusCode::BAD_REQUEST, "21000");
        assert_eq!(
            reply.json()["message"],
            format!("{statement} requires a WHERE clause")
        );
    }
    assert_eq!(
        service_rows(&harness, "select=id&agency_id=eq.1")
            .await
            .as_array()
            .map(Vec::len),
        Some(12)
    );
}

#[tokio::test]
async fn singular_and_max_affected_roll_back() {
    let harness = Harness::start().await;
    post(
        &harness,
        "/rest/v1/clients",
        "",
        r#"[{"agency_id": 9, "name": "rb-1"}, {"agency_id": 9, "name": "rb-2"}]"#,
    )
    .await;
    let singular = harness
        .send(
            &W,
            Method::PATCH,
            "/rest/v1/clients?name=like.rb-*",
            &[
                ("prefer", "return=representation"),
                ("accept", "application/vnd.pgrst.object+json"),
            ],
            Some(r#"{"email": "changed@w"}"#),
        )
        .await;
    singular.assert_error(StatusCode::NOT_ACCEPTABLE, "PGRST116");
    assert_eq!(singular.json()["details"], "The result contains 2 rows");
    let capped = harness
        .send(
            &W,
            Method::DELETE,
            "/rest/v1/clients?name=like.rb-*",
            &[("prefer", "handling=strict, max-affected=1")],
            None,
        )
        .await;
    capped.assert_error(StatusCode::BAD_REQUEST, "PGRST124");
    assert_eq!(capped.json()["details"], "The query affects 2 rows");
    assert_eq!(
        service_rows(&harness, "select=name,email&name=like.rb-*&order=name").await,
        json!([{"name": "rb-1", "email": null}, {"name": "rb-2", "email": null}])
    );
    // Lenient handling ignores max-affected, as PostgREST does.
    let lenient = harness
        .send(
            &W,
            Method::DELETE,
            "/rest/v1/clients?name=like.rb-*",
            &[("prefer", "max-affected=1")],
            None,
        )
        .await;
    assert_eq!(lenient.status, StatusCode::NO_CONTENT);
    // tx=rollback needs the server's tx-allow-override, which Supabase does not set: ignored.
    let kept = post(
        &harness,
        "/rest/v1/clients",
        "tx=rollback",
        r#"{"agency_id": 9, "name": "rb-kept"}"#,
    )
    .await;
    assert_eq!(kept.status, StatusCode::CREATED, "{}", kept.text);
    assert_eq!(
        service_rows(&harness, "select=name&name=eq.rb-kept").await,
        json!([{"name": "rb-kept"}])
    );
    let strict_unknown = post(
        &harness,
        "/rest/v1/clients",
        "handling=strict, return=nothing-like-this",
        r#"{"agency_id": 9, "name": "never"}"#,
    )
    .await;
    strict_unknown.assert_error(StatusCode::BAD_REQUEST, "PGRST122");
    assert_eq!(
        strict_unknown.json()["details"],
        "Invalid preferences: return=nothing-like-this"
    );
}

#[tokio::test]
async fn put_replaces_by_primary_key() {
    let harness = Harness::start().await;
    let created = harness
        .send(
            &W,
            Method::PUT,
            "/rest/v1/clients?id=eq.9200&select=id,name",
            &[("prefer", "return=representation")],
            Some(r#"{"id": 9200, "agency_id": 9, "name": "put-1"}"#),
        )
        .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.text);
    assert_eq!(created.json(), json!([{"id": 9200, "name": "put-1"}]));
    let replaced = harness
        .send(
            &W,
            Method::PUT,
            "/rest/v1/clients?id=eq.9200",
            &[],
            Some(r#"{"id": 9200, "agency_id": 9, "name": "put-2"}"#),
        )
        .await;
    assert_eq!(replaced.status, StatusCode::NO_CONTENT);
    let mismatch = harness
        .send(
            &W,
            Method::PUT,
            "/rest/v1/clients?id=eq.9200",
            &[],
            Some(r#"{"id": 9201, "agency_id": 9, "name": "put-3"}"#),
        )
        .await;
    mismatch.assert_error(StatusCode::BAD_REQUEST, "PGRST115");
    let wrong_filter = harness
        .send(
            &W,
            Method::PUT,
            "/rest/v1/clients?name=eq.put-2",
            &[],
            Some(r#"{"id": 9200, "agency_id": 9, "name": "put-3"}"#),
        )
        .await;
    wrong_filter.assert_error(StatusCode::METHOD_NOT_ALLOWED, "PGRST105");
}

#[tokio::test]
async fn bodies_and_constraint_errors() {
    let harness = Harness::start().await;
    let unknown_column = post(
        &harness,
        "/rest/v1/clients",
        "",
        r#"{"agency_id": 9, "nmae": "typo"}"#,
    )
    .await;
    unknown_column.assert_error(StatusCode::BAD_REQUEST, "PGRST204");
    assert_eq!(
        unknown_column.json()["message"],
        "Could not find the 'nmae' column of 'clients' in the schema cache"
    );
    let unknown_listed = post(
        &harness,
        "/rest/v1/clients?columns=agency_id,nmae",
        "",
        r#"[{"agency_id": 9, "nmae": "typo"}]"#,
    )
    .await;
    unknown_listed.assert_error(StatusCode::BAD_REQUEST, "PGRST204");
    let invalid = post(&harness, "/rest/v1/clients", "", "{not json").await;
    invalid.assert_error(StatusCode::BAD_REQUEST, "PGRST102");
    let scalar = post(&harness, "/rest/v1/clients", "", "42").await;
    assert_eq!(scalar.error_code(), "PGRST102");
    let missing = harness
        .send(&W, Method::POST, "/rest/v1/clients", &[], None)
        .await;
    assert_eq!(missing.error_code(), "PGRST102");

    post(
        &harness,
        "/rest/v1/clients",
        "",
        r#"{"agency_id": 9, "name": "dup"}"#,
    )
    .await;
    let duplicate = post(
        &harness,
        "/rest/v1/clients",
        "",
        r#"{"agency_id": 9, "name": "dup"}"#,
    )
    .await;
    duplicate.assert_error(StatusCode::CONFLICT, "23505");
    // PostgreSQL withholds the key values of a table with RLS, as on hosted.
    assert_eq!(duplicate.json()["details"], json!(null));
    assert_eq!(
        duplicate.json()["message"],
        "duplicate key value violates unique constraint \"clients_agency_id_name_key\""
    );
    let dangling = harness
        .send(
            &As::Service,
            Method::POST,
            "/rest/v1/transcripts",
            &[],
            Some(r#"{"client_id": 424242, "title": "orphan"}"#),
        )
        .await;
    dangling.assert_error(StatusCode::CONFLICT, "23503");
    let null = post(&harness, "/rest/v1/clients", "", r#"{"agency_id": 9}"#).await;
    null.assert_error(StatusCode::BAD_REQUEST, "23502");
    let wrong_type = post(
        &harness,
        "/rest/v1/clients",
        "",
        r#"{"agency_id": "nine", "name": "x"}"#,
    )
    .await;
    wrong_type.assert_error(StatusCode::BAD_REQUEST, "22P02");
}
