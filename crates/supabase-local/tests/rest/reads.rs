//! Reads: RLS, select shapes, every filter operator, logic trees, order, paging, counts,
//! profiles, media types.

use crate::support::*;
use axum::http::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn get_by_id_is_scoped_by_rls() {
    let harness = Harness::start().await;
    let mine = harness
        .get(&As::User(USER_A), "/rest/v1/clients?select=id,name&id=eq.1")
        .await;
    assert_eq!(mine.status, StatusCode::OK);
    assert_eq!(mine.json(), json!([{"id": 1, "name": "Alpha"}]));
    assert_eq!(
        mine.header("content-type"),
        Some("application/json; charset=utf-8")
    );
    assert_eq!(mine.header("content-range"), Some("0-0/*"));
    assert_eq!(mine.header("content-profile"), Some("rest_test"));

    // Agency B's row does not exist for A: an empty 200, not an error.
    let theirs = harness
        .get(&As::User(USER_A), "/rest/v1/clients?id=eq.21")
        .await;
    assert_eq!(theirs.status, StatusCode::OK);
    assert_eq!(theirs.json(), json!([]));
    assert_eq!(theirs.header("content-range"), Some("*/*"));

    let all_of_a = harness
        .get(&As::User(USER_A), "/rest/v1/clients?select=id&order=id")
        .await;
    assert_eq!(ids(&all_of_a.json()), (1..=12).collect::<Vec<i64>>());
    let all_of_b = harness
        .get(&As::User(USER_B), "/rest/v1/clients?select=id&order=id")
        .await;
    assert_eq!(ids(&all_of_b.json()), [21, 22, 23]);
}

#[tokio::test]
async fn grants_decide_401_for_anon_and_403_for_users() {
    let harness = Harness::start().await;
    let anon = harness.get(&As::Anon, "/rest/v1/clients").await;
    anon.assert_error(StatusCode::UNAUTHORIZED, "42501");
    assert_eq!(anon.header("www-authenticate"), Some("Bearer"));
    let user = harness.get(&As::User(USER_A), "/rest/v1/secrets").await;
    user.assert_error(StatusCode::FORBIDDEN, "42501");
    assert_eq!(
        user.json()["message"],
        "permission denied for table secrets"
    );
    let notices = harness.get(&As::Anon, "/rest/v1/notices").await;
    assert_eq!(notices.status, StatusCode::OK);
    assert_eq!(
        notices.json(),
        json!([{"id": 1, "body": "Maintenance on Sunday"}])
    );
    // The service role bypasses RLS.
    let service = harness
        .get(
            &As::Service,
            "/rest/v1/clients?select=id&agency_id=in.(1,2)",
        )
        .await;
    assert_eq!(service.json().as_array().unwrap().len(), 15);
}

#[tokio::test]
async fn columns_aliases_casts_and_json_paths() {
    let harness = Harness::start().await;
    let reply = harness
        .get(
            &As::User(USER_A),
            "/rest/v1/clients?select=id,label:name,score::text,data->tier,data->>seats,data->owners->0->>name,owner:data->owners->0,period,created_at&id=eq.1",
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(
        reply.json(),
        json!([{
            "id": 1,
            "label": "Alpha",
            "score": "10.50",
            "tier": "gold",
            "seats": "10",
            "name": "Ann",
            "owner": {"name": "Ann"},
            "period": "[1,10)",
            "created_at": "2026-01-01T00:00:00+00:00"
        }])
    );
    // `*` renders every column as PostgreSQL's own JSON does (numeric, arrays, tsvector).
    let star = harness
        .get(&As::User(USER_A), "/rest/v1/clients?id=eq.3")
        .await;
    assert_eq!(
        star.json(),
        json!([{
            "id": 3, "agency_id": 1, "name": "Charlie", "email": null, "tags": [], "data": null,
            "score": null, "active": false, "period": null, "search": "'charli':1",
            "created_at": "2026-01-01T00:00:00+00:00"
        }])
    );
}

/// (query, ids of agency 1 that match), all as user A and ordered by id.
const OPERATORS: &[(&str, &[i64])] = &[
    ("name=eq.Alpha", &[1]),
    ("name=neq.Alpha&id=lt.4", &[2, 3]),
    ("score=gt.50", &[4]),
    ("score=gte.99.99", &[4]),
    ("score=lt.1", &[5]),
    ("score=lte.1", &[5, 6]),
    ("name=like.*lta", &[4]),
    ("name=ilike.*ALPHA*", &[1]),
    ("name=match.^[AB]", &[1, 2]),
    ("name=imatch.^[ab]", &[1, 2]),
    ("email=is.null", &[3]),
    ("email=is.not_null&id=lt.3", &[1, 2]),
    ("active=is.null", &[6]),
    ("active=is.false", &[3]),
    ("active=is.unknown", &[6]),
    ("active=is.true&id=lt.3", &[1, 2]),
    ("email=not.is.null&id=lt.4", &[1, 2]),
    ("name=isdistinct.Alpha&id=lt.4", &[2, 3]),
    ("id=in.(1,3,5)", &[1, 3, 5]),
    ("name=in.(%22Lima,%20Peru%22,Echo)", &[5, 12]),
    ("id=not.in.(1,2,3,4,5,6,7,8,9,10)", &[11, 12]),
    ("id=in.()", &[]),
    ("tags=cs.{vip}", &[1, 4]),
    ("tags=cs.{%22with%20space%22}", &[12]),
    ("tags=cd.{b2b}&id=lt.4", &[2, 3]),
    ("tags=ov.{b2c,vip}", &[1, 4, 6]),
    ("data=cs.{%22tier%22:%22gold%22}", &[1, 4]),
    ("period=sl.[20,30)", &[1, 2]),
    ("period=sr.[20,25)", &[4]),
    ("period=nxr.[1,15)", &[1]),
    ("period=nxl.[3,10)", &[2, 4]),
    ("period=adj.[10,11)", &[1]),
    ("search=fts(english).bravo", &[2]),
    ("search=plfts.alpha", &[1]),
    ("name=phfts(english).lima%20peru", &[12]),
    ("name=wfts(english).kilo%20or%20juliett", &[10, 11]),
    ("name=like(any).{A*,B*}", &[1, 2]),
    ("name=like(all).{*a*,*l*}", &[1, 3, 4]),
    ("name=ilike(any).{alpha,ECHO}", &[1, 5]),
    ("id=eq(any).{1,2}", &[1, 2]),
    ("score=gt(all).{5,6}", &[1, 2, 4, 12]),
    ("data->>tier=eq.gold", &[1, 4]),
    ("data->seats=gt.5", &[1]),
    ("data->owners->0->>name=eq.Ann", &[1]),
    ("name=not.like.*a*&id=lt.6", &[5]),
    ("or=(id.eq.1,and(score.gt.50,active.is.true))", &[1, 4]),
    ("not.or=(id.lt.11)", &[11, 12]),
    ("and=(score.gte.1,score.lte.3)", &[6, 7, 8]),
    (
        "or=(name.eq.%22Lima,%20Peru%22,tags.cs.{b2c},id.in.(2,3))",
        &[2, 3, 6, 12],
    ),
    ("or=(not.and(id.gt.2,id.lt.12),id.eq.5)", &[1, 2, 5, 12]),
    ("id=gt.2&id=lt.5", &[3, 4]),
];

#[tokio::test]
async fn every_operator() {
    let harness = Harness::start().await;
    for (query, expected) in OPERATORS {
        let reply = harness
            .get(
                &As::User(USER_A),
                &format!("/rest/v1/clients?select=id&order=id&{query}"),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{query}: {}", reply.text);
        assert_eq!(ids(&reply.json()), *expected, "{query}");
    }
}

#[tokio::test]
async fn order_with_nulls_and_json() {
    let harness = Harness::start().await;
    for (order, expected) in [
        ("score.desc.nullslast&limit=3", vec![4, 1, 12]),
        ("score.asc.nullsfirst&limit=2", vec![3, 5]),
        ("active.desc.nullsfirst,id.asc&limit=2", vec![6, 1]),
        ("data->>seats.desc.nullslast,id&limit=3", vec![2, 1, 4]),
        ("name.desc&limit=2", vec![12, 11]),
    ] {
        let reply = harness
            .get(
                &As::User(USER_A),
                &format!("/rest/v1/clients?select=id&order={order}"),
            )
            .await;
        assert_eq!(ids(&reply.json()), expected, "{order}: {}", reply.text);
    }
}

#[tokio::test]
async fn paging_counts_and_ranges() {
    let harness = Harness::start().await;
    let page = harness
        .send(
            &As::User(USER_A),
            Method::GET,
            "/rest/v1/clients?select=id&order=id&limit=5&offset=2",
            &[("prefer", "count=exact")],
            None,
        )
        .await;
    assert_eq!(page.status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(page.header("content-range"), Some("2-6/12"));
    assert_eq!(ids(&page.json()), [3, 4, 5, 6, 7]);
    assert_eq!(page.header("preference-applied"), Some("count=exact"));

    let whole = harness
        .send(
            &As::User(USER_A),
            Method::GET,
            "/rest/v1/clients?select=id",
            &[("prefer", "count=planned")],
            None,
        )
        .await;
    assert_eq!(whole.status, StatusCode::OK);
    assert_eq!(whole.header("content-range"), Some("0-11/12"));

    let by_header = harness
        .send(
            &As::User(USER_A),
            Method::GET,
            "/rest/v1/clients?select=id&order=id",
            &[("range", "0-4"), ("range-unit", "items")],
            None,
        )
        .await;
    assert_eq!(by_header.status, StatusCode::OK);
    assert_eq!(by_header.header("content-range"), Some("0-4/*"));
    assert_eq!(ids(&by_header.json()), [1, 2, 3, 4, 5]);

    let beyond = harness
        .send(
            &As::User(USER_A),
            Method::GET,
            "/rest/v1/clients?offset=20",
            &[("prefer", "count=exact")],
            None,
        )
        .await;
    beyond.assert_error(StatusCode::RANGE_NOT_SATISFIABLE, "PGRST103");
    assert_eq!(
        beyond.json()["details"],
        "An offset of 20 was requested, but there are only 12 rows."
    );

    let inverted = harness
        .send(
            &As::User(USER_A),
            Method::GET,
            "/rest/v1/clients",
            &[("range", "5-1")],
            None,
        )
        .await;
    assert_eq!(inverted.status, StatusCode::RANGE_NOT_SATISFIABLE);
    let negative = harness
        .get(&As::User(USER_A), "/rest/v1/clients?limit=-1")
        .await;
    assert_eq!(negative.status, StatusCode::RANGE_NOT_SATISFIABLE);

    let empty = harness
        .send(
            &As::User(USER_A),
            Method::GET,
            "/rest/v1/clients?id=eq.999",
            &[("prefer", "count=exact")],
            None,
        )
        .await;
    assert_eq!(empty.status, StatusCode::OK);
    assert_eq!(empty.header("content-range"), Some("*/0"));

    let head = harness
        .send(
            &As::User(USER_A),
            Method::HEAD,
            "/rest/v1/clients?select=*",
            &[("prefer", "count=exact")],
            None,
        )
        .await;
    assert_eq!(head.status, StatusCode::OK);
    assert_eq!(head.header("content-range"), Some("0-11/12"));
    assert!(head.text.is_empty());
}

#[tokio::test]
async fn max_rows_truncates_silently() {
    let harness = Harness::start().await;
    let numbers = harness
        .send(
            &As::User(USER_A),
            Method::GET,
            "/rest/v1/rpc/numbers?n=1500",
            &[("prefer", "count=exact")],
            None,
        )
        .await;
    assert_eq!(numbers.status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(numbers.header("content-range"), Some("0-999/1500"));
    assert_eq!(numbers.json().as_array().unwrap().len(), 1000);
    let asked_for_more = harness
        .get(
            &As::User(USER_A),
            "/rest/v1/rpc/numbers?n=1500&limit=2000&offset=1000",
        )
        .await;
    assert_eq!(asked_for_more.json().as_array().unwrap().len(), 500);
}

#[tokio::test]
async fn max_rows_caps_table_reads_and_the_client_pages_to_the_rest() {
    let harness = Harness::start().await;
    let a = As::User(USER_A);
    let first = harness
        .send(
            &a,
            Method::GET,
            "/rest/v1/events?select=id&order=id",
            &[("prefer", "count=exact")],
            None,
        )
        .await;
    assert_eq!(first.status, StatusCode::PARTIAL_CONTENT, "{}", first.text);
    assert_eq!(first.header("content-range"), Some("0-999/1500"));
    assert_eq!(ids(&first.json()), (1..=1000).collect::<Vec<i64>>());
    // Paging on (as the SPA does) reaches every row of A, none of B.
    let second = harness
        .send(
            &a,
            Method::GET,
            "/rest/v1/events?select=id&order=id",
            &[("range", "1000-1999"), ("prefer", "count=exact")],
            None,
        )
        .await;
    assert_eq!(second.header("content-range"), Some("1000-1499/1500"));
    assert_eq!(ids(&second.json()), (1001..=1500).collect::<Vec<i64>>());
    // An embed is capped too.
    let embedded = harness
        .get(&a, "/rest/v1/agencies?select=id,events(id)&id=eq.1")
        .await;
    assert_eq!(
        embedded.json()[0]["events"].as_array().map(Vec::len),
        Some(1000),
        "{}",
        &embedded.text[..200.min(embedded.text.len())]
    );
    let b = harness
        .send(
            &As::User(USER_B),
            Method::HEAD,
            "/rest/v1/events",
            &[("prefer", "count=exact")],
            None,
        )
        .await;
    assert_eq!(b.header("content-range"), Some("0-29/30"));
}

#[tokio::test]
async fn profiles_select_the_schema() {
    let harness = Harness::start().await;
    let unknown = harness
        .send(
            &As::User(USER_A),
            Method::GET,
            "/rest/v1/clients",
            &[("accept-profile", "private")],
            None,
        )
        .await;
    unknown.assert_error(StatusCode::NOT_ACCEPTABLE, "PGRST106");
    assert_eq!(unknown.json()["message"], "Invalid schema: private");
    assert_eq!(
        unknown.json()["hint"],
        "Only the following schemas are exposed: rest_test, public"
    );
    // The other exposed schema is searched instead: no `handoffs` table there.
    let other = harness
        .send(
            &As::User(USER_A),
            Method::GET,
            "/rest/v1/handoffs",
            &[("accept-profile", "public")],
            None,
        )
        .await;
    other.assert_error(StatusCode::NOT_FOUND, "PGRST205");
    assert_eq!(
        other.json()["message"],
        "Could not find the table 'public.handoffs' in the schema cache"
    );
    assert_eq!(other.header("content-profile"), None);
    // Writes choose their schema with Content-Profile.
    let write = harness
        .send(
            &As::User(USER_A),
            Method::POST,
            "/rest/v1/clients",
            &[("content-profile", "private")],
            Some(r#"{"agency_id": 1, "name": "never"}"#),
        )
        .await;
    write.assert_error(StatusCode::NOT_ACCEPTABLE, "PGRST106");
}

#[tokio::test]
async fn singular_csv_and_stripped_nulls() {
    let harness = Harness::start().await;
    let object = "application/vnd.pgrst.object+json";
    let one = harness
        .send(
            &As::User(USER_A),
            Method::GET,
            "/rest/v1/clients?select=id,name&id=eq.1",
            &[("accept", object)],
            None,
        )
        .await;
    assert_eq!(one.status, StatusCode::OK);
    assert_eq!(one.json(), json!({"id": 1, "name": "Alpha"}));
    assert_eq!(
        one.header("content-type"),
        Some("application/vnd.pgrst.object+json; charset=utf-8")
    );
    for (query, rows) in [("id=gt.0", 12), ("id=eq.21", 0)] {
        let reply = harness
            .send(
                &As::User(USER_A),
                Method::GET,
                &format!("/rest/v1/clients?{query}"),
                &[("accept", object)],
                None,
            )
            .await;
        reply.assert_error(StatusCode::NOT_ACCEPTABLE, "PGRST116");
        assert_eq!(
            reply.json()["message"],
            "Cannot coerce the result to a single JSON object"
        );
        assert_eq!(
            reply.json()["details"],
            format!("The result contains {rows} rows")
        );
    }
    let csv = harness
        .send(
            &As::User(USER_A),
            Method::GET,
            "/rest/v1/clients?select=id,name&id=in.(1,12)&order=id",
            &[("accept", "text/csv")],
            None,
        )
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(csv.text, "id,name\n1,Alpha\n12,\"Lima, Peru\"");
    assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
    let stripped = harness
        .send(
            &As::User(USER_A),
            Method::GET,
            "/rest/v1/clients?select=id,email,score&id=eq.3",
            &[("accept", "application/vnd.pgrst.array+json;nulls=stripped")],
            None,
        )
        .await;
    assert_eq!(stripped.json(), json!([{"id": 3}]));
    let refused = harness
        .send(
            &As::User(USER_A),
            Method::GET,
            "/rest/v1/clients",
            &[("accept", "application/xml")],
            None,
        )
        .await;
    refused.assert_error(StatusCode::NOT_ACCEPTABLE, "PGRST107");
}

#[tokio::test]
async fn unknown_names_and_bad_grammar() {
    let harness = Harness::start().await;
    let table = harness.get(&As::User(USER_A), "/rest/v1/clientz").await;
    table.assert_error(StatusCode::NOT_FOUND, "PGRST205");
    assert_eq!(
        table.json()["message"],
        "Could not find the table 'rest_test.clientz' in the schema cache"
    );
    assert_eq!(
        table.json()["hint"],
        "Perhaps you meant the table 'rest_test.clients'"
    );
    for query in ["select=nope", "nope=eq.1", "order=nope", "or=(nope.eq.1)"] {
        let reply = harness
            .get(&As::User(USER_A), &format!("/rest/v1/clients?{query}"))
            .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{query}");
        assert_eq!(reply.error_code(), "42703", "{query}");
        assert_eq!(
            reply.json()["message"],
            "column clients.nope does not exist"
        );
    }
    for query in [
        "select=id,(",
        "id=eq",
        "id=not.nope.1",
        "or=(id.eq.1",
        "order=id.up",
        "limit=many",
        "select=a:b:c",
    ] {
        let reply = harness
            .get(&As::User(USER_A), &format!("/rest/v1/clients?{query}"))
            .await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{query}: {}",
            reply.text
        );
        assert_eq!(reply.error_code(), "PGRST100", "{query}");
    }
    let aggregate = harness
        .get(&As::User(USER_A), "/rest/v1/clients?select=count()")
        .await;
    aggregate.assert_error(StatusCode::BAD_REQUEST, "PGRST123");
    // A value that does not parse as the column's type is PostgreSQL's 22P02.
    let typed = harness
        .get(&As::User(USER_A), "/rest/v1/clients?id=eq.abc")
        .await;
    typed.assert_error(StatusCode::BAD_REQUEST, "22P02");
    let verb = harness
        .send(
            &As::User(USER_A),
            Method::TRACE,
            "/rest/v1/clients",
            &[],
            None,
        )
        .await;
    verb.assert_error(StatusCode::METHOD_NOT_ALLOWED, "PGRST117");
}

#[tokio::test]
async fn an_explicit_notify_reloads_the_schema_cache() {
    let harness = Harness::start().await;
    let owner = owner_connection().await;
    let before = harness.state.rest.schema_generation();
    owner
        .batch_execute("notify pgrst, 'reload schema'")
        .await
        .unwrap();
    harness.wait_for_reload(before).await;
    let after_named = harness.state.rest.schema_generation();
    owner.batch_execute("notify pgrst").await.unwrap();
    harness.wait_for_reload(after_named).await;
    // Requests keep working across reloads.
    let reply = harness
        .get(&As::User(USER_A), "/rest/v1/clients?select=id&id=eq.1")
        .await;
    assert_eq!(reply.json(), json!([{"id": 1}]));
}

#[tokio::test]
async fn schema_cache_reloads_on_notify() {
    let harness = Harness::start().await;
    let before = harness.state.rest.schema_generation();
    let owner = owner_connection().await;
    owner
        .batch_execute(
            "drop table if exists rest_test.created_later;
             create table rest_test.created_later (id int primary key, note text);
             insert into rest_test.created_later values (1, 'fresh');
             grant select on rest_test.created_later to authenticated;",
        )
        .await
        .unwrap();
    harness.wait_for_reload(before).await;
    // Several DDL statements may arrive as separate reloads; wait for the table to appear.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    loop {
        let reply = harness
            .get(&As::User(USER_A), "/rest/v1/created_later?select=note")
            .await;
        if reply.status == StatusCode::OK {
            assert_eq!(reply.json(), json!([{"note": "fresh"}]));
            break;
        }
        assert!(std::time::Instant::now() < deadline, "{}", reply.text);
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let before_drop = harness.state.rest.schema_generation();
    owner
        .batch_execute("drop table rest_test.created_later")
        .await
        .unwrap();
    harness.wait_for_reload(before_drop).await;
    let gone = harness
        .get(&As::User(USER_A), "/rest/v1/created_later")
        .await;
    assert_eq!(gone.error_code(), "PGRST205");
}
