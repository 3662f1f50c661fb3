//! /rpc: named arguments by POST and GET, defaults, overload lookup, the response shapes of
//! scalar / composite / set-returning / void functions, read-only transactions, raised errors,
//! and the transaction settings a function sees.

use crate::support::*;
use axum::http::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn scalar_composite_set_and_void_shapes() {
    let harness = Harness::start().await;
    let a = As::User(USER_A);
    let sum = harness.rpc(&a, "add", r#"{"a": 1, "b": 2}"#).await;
    assert_eq!(sum.status, StatusCode::OK, "{}", sum.text);
    assert_eq!(sum.text, "3");
    let by_get = harness.get(&a, "/rest/v1/rpc/add?a=40&b=2").await;
    assert_eq!(by_get.text, "42");
    assert_eq!(
        harness.rpc(&a, "greet", "{}").await.json(),
        json!("hello world")
    );
    assert_eq!(
        harness.rpc(&a, "greet", r#"{"name": "Ada"}"#).await.json(),
        json!("hello Ada")
    );
    let no_body = harness
        .send(&a, Method::POST, "/rest/v1/rpc/greet", &[], None)
        .await;
    assert_eq!(no_body.json(), json!("hello world"));
    assert_eq!(
        harness
            .rpc(&a, "echo", r#"{"x": [1, {"y": null}]}"#)
            .await
            .json(),
        json!({"x": [1, {"y": null}]})
    );
    assert_eq!(
        harness.rpc(&a, "first_label", "{}").await.json(),
        json!({"id": 1, "name": "hot"})
    );
    assert_eq!(
        harness.rpc(&a, "client_totals", "{}").await.json(),
        json!([{"agency_id": 1, "total": 12}])
    );
    assert_eq!(
        harness.get(&a, "/rest/v1/rpc/numbers?n=3").await.json(),
        json!([1, 2, 3])
    );
    let void = harness
        .rpc(
            &As::Service,
            "rename_client",
            r#"{"client_id": 9999, "new_name": "x"}"#,
        )
        .await;
    assert_eq!(void.status, StatusCode::NO_CONTENT, "{}", void.text);
    assert!(void.text.is_empty());
    let head = harness
        .send(&a, Method::HEAD, "/rest/v1/rpc/numbers?n=3", &[], None)
        .await;
    assert_eq!(head.status, StatusCode::OK);
    assert!(head.text.is_empty());
}

#[tokio::test]
async fn set_returning_functions_filter_order_page_and_embed() {
    let harness = Harness::start().await;
    let a = As::User(USER_A);
    let reply = harness
        .send(
            &a,
            Method::GET,
            "/rest/v1/rpc/search_clients?term=o&select=id,name,agencies(name)&active=is.true&order=id.desc&limit=2",
            &[("prefer", "count=exact")],
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::PARTIAL_CONTENT, "{}", reply.text);
    assert_eq!(
        reply.json(),
        json!([
            {"id": 11, "name": "Kilo", "agencies": {"name": "Acme"}},
            {"id": 8, "name": "Hotel", "agencies": {"name": "Acme"}}
        ])
    );
    // Bravo, Echo, Golf, Hotel, Kilo (Foxtrot's active is null).
    assert_eq!(reply.header("content-range"), Some("0-1/5"));
    // POST with a filter in the query string.
    let posted = harness
        .send(
            &a,
            Method::POST,
            "/rest/v1/rpc/search_clients?select=id&id=lt.3",
            &[],
            Some(r#"{"term": "a"}"#),
        )
        .await;
    assert_eq!(ids(&posted.json()), [1, 2]);
    // RLS applies inside the function: B's clients match "Globex" but A sees none.
    assert_eq!(
        harness
            .rpc(&a, "search_clients", r#"{"term": "Globex"}"#)
            .await
            .json(),
        json!([])
    );
    let single = harness
        .send(
            &a,
            Method::POST,
            "/rest/v1/rpc/search_clients?select=name",
            &[("accept", "application/vnd.pgrst.object+json")],
            Some(r#"{"term": "Alpha"}"#),
        )
        .await;
    assert_eq!(single.json(), json!({"name": "Alpha"}));
}

#[tokio::test]
async fn lookup_errors_and_verbs() {
    let harness = Harness::start().await;
    let a = As::User(USER_A);
    let unknown = harness.rpc(&a, "serch_clients", r#"{"term": "a"}"#).await;
    unknown.assert_error(StatusCode::NOT_FOUND, "PGRST202");
    assert_eq!(
        unknown.json()["message"],
        "Could not find the function rest_test.serch_clients(term) in the schema cache"
    );
    assert_eq!(
        unknown.json()["details"],
        "Searched for the function rest_test.serch_clients with parameter term or with a single unnamed json/jsonb parameter, but no matches were found in the schema cache."
    );
    assert_eq!(
        unknown.json()["hint"],
        "Perhaps you meant to call the function rest_test.search_clients"
    );
    let wrong_arguments = harness.rpc(&a, "add", r#"{"a": 1, "c": 2}"#).await;
    assert_eq!(wrong_arguments.status, StatusCode::NOT_FOUND);
    assert_eq!(
        wrong_arguments.json()["hint"],
        "Perhaps you meant to call the function rest_test.add(a, b)"
    );
    let verb = harness
        .send(&a, Method::PATCH, "/rest/v1/rpc/add", &[], Some("{}"))
        .await;
    verb.assert_error(StatusCode::METHOD_NOT_ALLOWED, "PGRST101");
    assert_eq!(verb.json()["message"], "Cannot use the PATCH method on RPC");
    // GET runs read-only: a writing function fails with 25006 → 405.
    let read_only = harness
        .get(
            &As::Service,
            "/rest/v1/rpc/rename_client?client_id=1&new_name=x",
        )
        .await;
    assert_eq!(
        read_only.status,
        StatusCode::METHOD_NOT_ALLOWED,
        "{}",
        read_only.text
    );
    assert_eq!(read_only.error_code(), "25006");
    // Arguments come from an object: an array names none, so `add` is not found.
    let bad_body = harness.rpc(&a, "add", "[1, 2]").await;
    assert_eq!(bad_body.error_code(), "PGRST202");
    let invalid = harness.rpc(&a, "add", "{oops").await;
    assert_eq!(invalid.error_code(), "PGRST102");
}

#[tokio::test]
async fn raised_errors_map_to_statuses() {
    let harness = Harness::start().await;
    for (code, status) in [
        ("P0001", 400),
        ("PT402", 402),
        ("PT418", 418),
        ("23505", 409),
        ("42501", 403),
        ("57014", 500),
        ("53300", 503),
        ("22023", 400),
    ] {
        let reply = harness
            .rpc(
                &As::User(USER_A),
                "fail_with",
                &format!(r#"{{"code": "{code}", "message": "boom"}}"#),
            )
            .await;
        assert_eq!(reply.status.as_u16(), status, "{code}: {}", reply.text);
        assert_eq!(
            reply.json(),
            json!({"code": code, "message": "boom", "details": "some detail", "hint": "some hint"})
        );
    }
    let anon = harness
        .rpc(&As::Anon, "fail_with", r#"{"code": "42501"}"#)
        .await;
    assert_eq!(anon.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn functions_see_the_postgrest_transaction_settings() {
    let harness = Harness::start().await;
    let user = harness
        .send(
            &As::User(USER_A),
            Method::POST,
            "/rest/v1/rpc/whoami",
            &[("prefer", "timezone=America/New_York")],
            Some("{}"),
        )
        .await;
    assert_eq!(user.status, StatusCode::OK, "{}", user.text);
    assert_eq!(
        user.json(),
        json!({
            "role": "authenticated",
            "uid": USER_A,
            "method": "POST",
            "path": "/rpc/whoami",
            "search_path": "\"rest_test\", \"public\", \"extensions\"",
            "timeout": "8s",
            "claims_role": "authenticated",
            "timezone": "America/New_York",
            "read_only": "on"
        })
    );
    let anon = harness.get(&As::Anon, "/rest/v1/rpc/whoami").await;
    let anon = anon.json();
    assert_eq!(anon["role"], "anon");
    assert_eq!(anon["uid"], json!(null));
    assert_eq!(anon["timeout"], "3s");
    assert_eq!(anon["claims_role"], "anon");
    assert_eq!(anon["method"], "GET");
    assert_eq!(anon["read_only"], "on");
}

#[tokio::test]
async fn response_headers_and_status_from_the_database() {
    let harness = Harness::start().await;
    let reply = harness
        .get(&As::User(USER_A), "/rest/v1/rpc/with_headers")
        .await;
    assert_eq!(reply.status, StatusCode::ACCEPTED);
    assert_eq!(reply.header("x-custom"), Some("yes"));
    assert_eq!(reply.text, "1");
}

/// POST /rest/v1/rpc/<function> with a body of another media type.
async fn raw(harness: &Harness, function: &str, content_type: &str, body: &str) -> Reply {
    harness
        .send(
            &As::User(USER_A),
            Method::POST,
            &format!("/rest/v1/rpc/{function}"),
            &[("content-type", content_type)],
            Some(body),
        )
        .await
}

#[tokio::test]
async fn raw_bodies_reach_a_single_unnamed_parameter() {
    let harness = Harness::start().await;
    let a = As::User(USER_A);
    // The body is not JSON: it reaches the text parameter unchanged.
    let text = raw(
        &harness,
        "shout",
        "text/plain; charset=utf-8",
        "hello, {world}",
    )
    .await;
    assert_eq!(text.status, StatusCode::OK, "{}", text.text);
    assert_eq!(text.json(), json!("HELLO, {WORLD}"));
    let bytes = raw(
        &harness,
        "byte_count",
        "application/octet-stream",
        "h\u{e9}\\x",
    )
    .await;
    assert_eq!(bytes.status, StatusCode::OK, "{}", bytes.text);
    assert_eq!(bytes.json(), json!({"length": 5, "hex": "68c3a95c78"}));
    let empty = raw(&harness, "byte_count", "application/octet-stream", "").await;
    assert_eq!(empty.json(), json!({"length": 0, "hex": ""}));
    let xml = raw(&harness, "xml_text", "text/xml", "<a>1 &amp; 2</a>").await;
    assert_eq!(xml.status, StatusCode::OK, "{}", xml.text);
    assert_eq!(xml.json(), json!("<a>1 &amp; 2</a>"));
    // Malformed XML is PostgreSQL's error, a client error.
    let bad_xml = raw(&harness, "xml_text", "text/xml", "<a>").await;
    assert_eq!(bad_xml.status, StatusCode::BAD_REQUEST, "{}", bad_xml.text);
    assert_eq!(bad_xml.error_code(), "2200N");
    // A function without such a parameter is not found, and nothing is parsed as JSON.
    let missing = raw(&harness, "add", "text/plain", "1,2").await;
    missing.assert_error(StatusCode::NOT_FOUND, "PGRST202");
    assert_eq!(
        missing.json()["message"],
        "Could not find the function rest_test.add(text) in the schema cache"
    );
    // The same function called with JSON has no unnamed-json overload: not found either.
    let as_json = harness.rpc(&a, "shout", r#"{"x": 1}"#).await;
    assert_eq!(as_json.error_code(), "PGRST202");
}

#[tokio::test]
async fn overloads_by_argument_names_and_array_arguments() {
    let harness = Harness::start().await;
    let a = As::User(USER_A);
    assert_eq!(
        harness.rpc(&a, "pick", r#"{"a": 1}"#).await.json(),
        json!("a=1")
    );
    assert_eq!(
        harness.rpc(&a, "pick", r#"{"b": "x"}"#).await.json(),
        json!("b=x")
    );
    assert_eq!(
        harness.get(&a, "/rest/v1/rpc/pick?a=2").await.json(),
        json!("a=2")
    );
    assert_eq!(
        harness.get(&a, "/rest/v1/rpc/pick?b=y").await.json(),
        json!("b=y")
    );
    let neither = harness.rpc(&a, "pick", r#"{"c": 1}"#).await;
    neither.assert_error(StatusCode::NOT_FOUND, "PGRST202");
    // postgrest-js sends array arguments of GET calls as `{a,b}`.
    let by_get = harness
        .get(&a, "/rest/v1/rpc/tag_count?tags={a,b,%22c,d%22}")
        .await;
    assert_eq!(by_get.status, StatusCode::OK, "{}", by_get.text);
    assert_eq!(by_get.json(), json!(3));
    assert_eq!(
        harness
            .rpc(&a, "tag_count", r#"{"tags": ["a", "b"]}"#)
            .await
            .json(),
        json!(2)
    );
}

#[tokio::test]
async fn functions_see_lower_cased_headers_without_cookie_and_parsed_cookies() {
    let harness = Harness::start().await;
    let reply = harness
        .send(
            &As::User(USER_A),
            Method::GET,
            "/rest/v1/rpc/request_context",
            &[("X-Trace-Id", "T-1"), ("Cookie", "theme=dark; session=abc")],
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let context = reply.json();
    assert_eq!(context["headers"]["x-trace-id"], "T-1");
    let headers = context["headers"].as_object().expect("an object");
    assert!(headers.keys().all(|name| *name == name.to_lowercase()));
    assert!(!headers.contains_key("cookie"), "{context}");
    assert!(headers.contains_key("authorization"));
    assert_eq!(
        context["cookies"],
        json!({"theme": "dark", "session": "abc"})
    );
}

#[tokio::test]
async fn function_settings_are_hoisted_into_the_transaction() {
    let harness = Harness::start().await;
    let a = As::User(USER_A);
    assert_eq!(
        harness.get(&a, "/rest/v1/rpc/isolation").await.json(),
        json!("serializable")
    );
    assert_eq!(
        harness.get(&a, "/rest/v1/rpc/whoami").await.json()["read_only"],
        "on"
    );
    let default = harness
        .get(&a, "/rest/v1/rpc/client_totals?select=total")
        .await;
    assert_eq!(default.status, StatusCode::OK);
    // The function's statement_timeout (500 ms) bounds the call itself; set only inside the
    // function, it would not (the timeout is armed when the statement starts).
    let started = std::time::Instant::now();
    let bounded = harness
        .rpc(&As::Service, "sleep_bounded", r#"{"seconds": 3}"#)
        .await;
    assert_eq!(
        bounded.status,
        StatusCode::INTERNAL_SERVER_ERROR,
        "{}",
        bounded.text
    );
    assert_eq!(bounded.error_code(), "57014");
    assert!(started.elapsed() < std::time::Duration::from_secs(3));
}
