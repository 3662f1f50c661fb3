//! Embedded resources: to-one, to-many, one-to-one, many-to-many, views, self references,
//! !inner, spreads, disambiguation, embedded filters/order/limit and the PGRST2xx errors.

use crate::support::*;
use axum::http::StatusCode;
use serde_json::json;

/// Each (request, expected JSON) as user A.
async fn expect_all(harness: &Harness, cases: &[(&str, serde_json::Value)]) {
    for (uri, expected) in cases {
        assert_eq!(
            &get_ok(harness, &As::User(USER_A), uri).await,
            expected,
            "{uri}"
        );
    }
}

async fn get_ok(harness: &Harness, who: &As, uri: &str) -> serde_json::Value {
    let reply = harness.get(who, uri).await;
    assert_eq!(reply.status, StatusCode::OK, "{uri}: {}", reply.text);
    reply.json()
}

#[tokio::test]
async fn to_one_to_many_and_one_to_one() {
    let harness = Harness::start().await;
    expect_all(
        &harness,
        &[
            (
                "/rest/v1/transcripts?select=id,clients(name)&id=eq.1",
                json!([{"id": 1, "clients": {"name": "Alpha"}}]),
            ),
            (
                "/rest/v1/clients?select=id,transcripts(title)&id=in.(1,3)&order=id&transcripts.order=id",
                json!([
                    {"id": 1, "transcripts": [{"title": "Kickoff"}, {"title": "Follow-up"}, {"title": "Renewal"}]},
                    {"id": 3, "transcripts": []}
                ]),
            ),
            (
                "/rest/v1/clients?select=id,profiles(bio)&id=in.(1,2)&order=id",
                json!([{"id": 1, "profiles": {"bio": "Alpha bio"}}, {"id": 2, "profiles": null}]),
            ),
            (
                "/rest/v1/profiles?select=bio,clients(name)",
                json!([{"bio": "Alpha bio", "clients": {"name": "Alpha"}}]),
            ),
            // Embeds come after the columns, whatever their place in select=.
            (
                "/rest/v1/transcripts?select=clients(id),title&id=eq.1",
                json!([{"title": "Kickoff", "clients": {"id": 1}}]),
            ),
            // Nested, with RLS at every level: B's client is invisible inside A's embeds.
            (
                "/rest/v1/agencies?select=name,clients(name,transcripts(title))&clients.id=eq.2",
                json!([{"name": "Acme", "clients": [{"name": "Bravo", "transcripts": [{"title": "Intro"}]}]}]),
            ),
        ],
    )
    .await;
}

#[tokio::test]
async fn inner_joins_null_filters_and_embedded_paging() {
    let harness = Harness::start().await;
    expect_all(
        &harness,
        &[
            (
                "/rest/v1/clients?select=id,transcripts!inner()&order=id",
                json!([{"id": 1}, {"id": 2}]),
            ),
            (
                "/rest/v1/clients?select=id,transcripts!inner()&transcripts.words=gt.1000",
                json!([{"id": 1}]),
            ),
            // Without !inner, an embedded filter only filters the embed.
            (
                "/rest/v1/clients?select=id,transcripts(title)&transcripts.words=gt.500&id=in.(1,2)&order=id&transcripts.order=id",
                json!([
                    {"id": 1, "transcripts": [{"title": "Kickoff"}, {"title": "Follow-up"}]},
                    {"id": 2, "transcripts": []}
                ]),
            ),
            (
                "/rest/v1/clients?select=id,profiles()&profiles=not.is.null",
                json!([{"id": 1}]),
            ),
            (
                "/rest/v1/clients?select=id,transcripts()&transcripts=is.null&order=id&limit=2",
                json!([{"id": 3}, {"id": 4}]),
            ),
            (
                "/rest/v1/clients?select=id,transcripts(id)&id=eq.1&transcripts.order=id.desc&transcripts.limit=2&transcripts.offset=1",
                json!([{"id": 1, "transcripts": [{"id": 2}, {"id": 1}]}]),
            ),
            // An embed used only to filter selects nothing.
            (
                "/rest/v1/clients?select=id,transcripts!inner()&transcripts.title=eq.Intro",
                json!([{"id": 2}]),
            ),
            // Filters may name the relation even when the embed is aliased.
            (
                "/rest/v1/clients?select=id,calls:transcripts!inner(title)&transcripts.title=eq.Intro",
                json!([{"id": 2, "calls": [{"title": "Intro"}]}]),
            ),
            // Filters on a nested embed, plain and with !inner at both levels.
            (
                "/rest/v1/agencies?select=name,clients(name,transcripts(title))&clients.id=in.(1,2)&clients.order=id&clients.transcripts.title=eq.Intro",
                json!([{"name": "Acme", "clients": [
                    {"name": "Alpha", "transcripts": []},
                    {"name": "Bravo", "transcripts": [{"title": "Intro"}]}
                ]}]),
            ),
            (
                "/rest/v1/agencies?select=name,clients!inner(name,transcripts!inner(title))&clients.transcripts.title=eq.Intro",
                json!([{"name": "Acme", "clients": [{"name": "Bravo", "transcripts": [{"title": "Intro"}]}]}]),
            ),
            // Negated and and= filters on an embed.
            (
                "/rest/v1/clients?select=id,transcripts(title)&id=eq.1&transcripts.title=not.eq.Kickoff&transcripts.order=id",
                json!([{"id": 1, "transcripts": [{"title": "Follow-up"}, {"title": "Renewal"}]}]),
            ),
            (
                "/rest/v1/clients?select=id,transcripts(title)&id=eq.1&transcripts.and=(words.gt.400,words.lt.1000)",
                json!([{"id": 1, "transcripts": [{"title": "Follow-up"}]}]),
            ),
            (
                "/rest/v1/clients?select=id,transcripts(title)&id=eq.1&transcripts.not.or=(words.gt.1000,words.lt.500)",
                json!([{"id": 1, "transcripts": [{"title": "Follow-up"}]}]),
            ),
            // Embedded or= trees.
            (
                "/rest/v1/clients?select=id,transcripts(title)&id=eq.1&transcripts.or=(title.eq.Kickoff,words.lt.500)&transcripts.order=id",
                json!([{"id": 1, "transcripts": [{"title": "Kickoff"}, {"title": "Renewal"}]}]),
            ),
        ],
    )
    .await;
}

#[tokio::test]
async fn spreads_many_to_many_views_and_self_references() {
    let harness = Harness::start().await;
    expect_all(
        &harness,
        &[
            (
                "/rest/v1/transcripts?select=title,...clients(client:name,agency_id)&id=eq.1",
                json!([{"title": "Kickoff", "client": "Alpha", "agency_id": 1}]),
            ),
            (
                "/rest/v1/clients?select=id,...transcripts(title)&id=in.(1,3)&order=id",
                json!([
                    {"id": 1, "title": ["Kickoff", "Follow-up", "Renewal"]},
                    {"id": 3, "title": []}
                ]),
            ),
            (
                "/rest/v1/clients?select=id,labels(name)&id=eq.1&labels.order=id",
                json!([{"id": 1, "labels": [{"name": "hot"}, {"name": "warm"}]}]),
            ),
            (
                "/rest/v1/labels?select=name,clients(name)&id=eq.1",
                json!([{"name": "hot", "clients": [{"name": "Alpha"}]}]),
            ),
            // A view takes its base table's foreign keys, in both directions.
        (
            "/rest/v1/client_names?select=label,agencies(name)&id=eq.1",
            json!([{"label": "Alpha", "agencies": {"name": "Acme"}}]),
        ),
        (
            "/rest/v1/transcripts?select=id,client_names(label)&id=eq.4",
            json!([{"id": 4, "client_names": {"label": "Bravo"}}]),
        ),
        (
            "/rest/v1/people?select=name,manager_id(name)&id=eq.2",
            json!([{"name": "Ann", "manager_id": {"name": "Boss"}}]),
        ),
        (
            "/rest/v1/people?select=name,reports:people!manager_id(name)&id=eq.1&reports.order=id",
            json!([{"name": "Boss", "reports": [{"name": "Ann"}, {"name": "Bob"}]}]),
        ),
        (
            "/rest/v1/clients?select=id,agencies(name)&order=agencies(name).desc,id&limit=1",
            json!([{"id": 1, "agencies": {"name": "Acme"}}]),
        ),
        ],
    )
    .await;
}

#[tokio::test]
async fn ambiguity_and_disambiguation() {
    let harness = Harness::start().await;
    let a = As::User(USER_A);
    let ambiguous = harness
        .get(&a, "/rest/v1/handoffs?select=id,clients(name)")
        .await;
    ambiguous.assert_error(StatusCode::MULTIPLE_CHOICES, "PGRST201");
    assert_eq!(
        ambiguous.json()["message"],
        "Could not embed because more than one relationship was found for 'handoffs' and 'clients'"
    );
    assert_eq!(
        ambiguous.json()["hint"],
        "Try changing 'clients' to one of the following: 'clients!handoffs_from_client_fkey', 'clients!handoffs_to_client_fkey'. Find the desired relationship in the 'details' key."
    );
    assert_eq!(
        ambiguous.json()["details"][0],
        json!({
            "cardinality": "many-to-one",
            "embedding": "handoffs with clients",
            "relationship": "handoffs_from_client_fkey using handoffs(from_client) and clients(id)"
        })
    );
    expect_all(
        &harness,
        &[
        (
            "/rest/v1/handoffs?select=note,from:clients!from_client(name),to:clients!handoffs_to_client_fkey(name)",
            json!([{"note": "alpha to bravo", "from": {"name": "Alpha"}, "to": {"name": "Bravo"}}]),
        ),
        (
            "/rest/v1/clients?select=name,handoffs!from_client(note)&id=eq.1",
            json!([{"name": "Alpha", "handoffs": [{"note": "alpha to bravo"}]}]),
        ),
        ],
    )
    .await;
    let missing = harness
        .get(&a, "/rest/v1/clients?select=id,transcript(id)")
        .await;
    missing.assert_error(StatusCode::BAD_REQUEST, "PGRST200");
    assert_eq!(
        missing.json()["hint"],
        "Perhaps you meant 'transcripts' instead of 'transcript'."
    );
    let not_embedded = harness
        .get(&a, "/rest/v1/clients?select=id&transcripts.id=eq.1")
        .await;
    not_embedded.assert_error(StatusCode::BAD_REQUEST, "PGRST108");
    let to_many_order = harness
        .get(
            &a,
            "/rest/v1/clients?select=id,transcripts(title)&order=transcripts(title)",
        )
        .await;
    assert_eq!(to_many_order.error_code(), "PGRST118");
}

#[tokio::test]
async fn member_of_a_gets_nothing_of_b_through_embeds() {
    let harness = Harness::start().await;
    let a = As::User(USER_A);
    // Through an agency embed, a filter on B's agency, a view and a junction: nothing of B.
    for uri in [
        "/rest/v1/agencies?select=id,clients(id)&id=eq.2",
        "/rest/v1/clients?select=id,agencies!inner(id)&agencies.id=eq.2",
        "/rest/v1/client_names?agency_id=eq.2",
        "/rest/v1/labels?select=name,clients!inner(name)&clients.agency_id=eq.2",
        "/rest/v1/transcripts?select=title,clients!inner(name)&clients.id=eq.21",
        "/rest/v1/handoffs?id=eq.2",
    ] {
        assert_eq!(get_ok(&harness, &a, uri).await, json!([]), "{uri}");
    }
    let labels = get_ok(
        &harness,
        &a,
        "/rest/v1/labels?select=id,clients(id)&id=eq.1",
    )
    .await;
    assert_eq!(labels, json!([{"id": 1, "clients": [{"id": 1}]}]));
}
