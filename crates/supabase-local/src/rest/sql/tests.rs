//! Snapshots of the SQL generated for representative requests, against a small hand-built
//! schema cache (agencies ← clients ← transcripts, tags through client_tags).

use super::*;
use crate::rest::query;
use crate::rest::request::{Payload, Preferences};
use crate::rest::schema::*;
use expect_test::{Expect, expect};

fn column(name: &str, type_sql: &str) -> Column {
    Column {
        name: name.to_owned(),
        type_sql: type_sql.to_owned(),
        base_type: type_sql.trim_end_matches("[]").to_owned(),
        nullable: true,
        default: None,
    }
}

fn table(name: &str, columns: Vec<Column>, primary_key: &[&str]) -> Table {
    Table {
        name: QualifiedName::new("public", name),
        kind: TableKind::Table,
        columns,
        primary_key: primary_key.iter().map(|k| k.to_string()).collect(),
    }
}

fn many_to_one(from: &str, to: &str, constraint: &str, column: &str) -> [Relationship; 2] {
    let pairs = vec![(column.to_owned(), "id".to_owned())];
    [
        Relationship {
            table: QualifiedName::new("public", from),
            foreign_table: QualifiedName::new("public", to),
            cardinality: Cardinality::ManyToOne {
                constraint: constraint.to_owned(),
                columns: pairs.clone(),
            },
            is_self: false,
            foreign_table_is_view: false,
        },
        Relationship {
            table: QualifiedName::new("public", to),
            foreign_table: QualifiedName::new("public", from),
            cardinality: Cardinality::OneToMany {
                constraint: constraint.to_owned(),
                columns: pairs.into_iter().map(|(a, b)| (b, a)).collect(),
            },
            is_self: false,
            foreign_table_is_view: false,
        },
    ]
}

pub(crate) fn fixture() -> SchemaCache {
    let mut cache = SchemaCache::default();
    let mut id = column("id", "uuid");
    id.default = Some("gen_random_uuid()".to_owned());
    let tables = [
        table(
            "agencies",
            vec![id.clone(), column("name", "text")],
            &["id"],
        ),
        table(
            "clients",
            vec![
                id.clone(),
                column("agency_id", "uuid"),
                column("name", "text"),
                column("data", "jsonb"),
                column("search", "tsvector"),
                column("tags", "text[]"),
            ],
            &["id"],
        ),
        table(
            "transcripts",
            vec![
                id.clone(),
                column("client_id", "uuid"),
                column("title", "text"),
            ],
            &["id"],
        ),
    ];
    for table in tables {
        cache.tables.insert(table.name.clone(), table);
    }
    for relationship in many_to_one("clients", "agencies", "clients_agency_id_fkey", "agency_id")
        .into_iter()
        .chain(many_to_one(
            "transcripts",
            "clients",
            "transcripts_client_id_fkey",
            "client_id",
        ))
    {
        cache
            .relationships
            .entry(relationship.table.clone())
            .or_default()
            .push(relationship);
    }
    cache.functions.insert(
        QualifiedName::new("public", "search_clients"),
        vec![Function {
            name: QualifiedName::new("public", "search_clients"),
            parameters: vec![Parameter {
                name: "term".to_owned(),
                type_sql: "text".to_owned(),
                base_type: "text".to_owned(),
                required: true,
                variadic: false,
            }],
            returns: Returns::Composite {
                set: true,
                table: Some(QualifiedName::new("public", "clients")),
                columns: cache
                    .tables
                    .get(&QualifiedName::new("public", "clients"))
                    .map(|t| t.columns.clone()),
            },
            volatility: Volatility::Stable,
            settings: Vec::new(),
        }],
    );
    cache
}

fn build(action: Action, query_string: &str, prefer: &str, body: Option<&str>) -> Statement {
    let cache = fixture();
    let query = query::parse(query_string).unwrap();
    let preferences = Preferences::parse([prefer].into_iter());
    let payload = body.map(|body| Payload::parse(body.as_bytes()).unwrap());
    let plan = plan(&PlanRequest {
        cache: &cache,
        schema: "public",
        action,
        query: &query,
        preferences: &preferences,
        media: Media::Json { strip_nulls: false },
        payload: payload.as_ref(),
        range: query.root_range(),
        max_rows: Some(1000),
    })
    .unwrap();
    statement(&plan)
}

fn check(statement: Statement, expected: Expect) {
    let text = format!(
        "{}\n-- params: {:?}",
        statement
            .sql
            .replace(" FROM ", "\n  FROM ")
            .replace(" WHERE ", "\n  WHERE "),
        statement.params
    );
    expected.assert_eq(&text);
}

fn read(relation: &str) -> Action {
    Action::Read {
        relation: relation.to_owned(),
        head: false,
    }
}

#[test]
fn get_by_id() {
    check(
        build(read("clients"), "select=*&id=eq.42", "", None),
        expect![[r#"
            WITH pgrst_source AS (SELECT "public"."clients".*
              FROM "public"."clients"
              WHERE "public"."clients"."id" = $1 LIMIT $2 OFFSET $3) SELECT null::bigint AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total, (coalesce(json_agg(_postgrest_t), '[]'))::text AS body, nullif(current_setting('response.headers', true), '') AS response_headers, nullif(current_setting('response.status', true), '') AS response_status, null::text AS location, null::int AS inserted
              FROM (SELECT *
              FROM pgrst_source) _postgrest_t
            -- params: ["42", "1000", "0"]"#]],
    );
}

#[test]
fn embeds_filters_order_and_count() {
    check(
        build(
            read("clients"),
            "select=id,label:name,data->a->>b,agency:agencies!inner(name),transcripts(title)&agencies.name=ilike.*acme*&transcripts.order=title.desc&transcripts.limit=5&or=(name.eq.x,tags.cs.{a})&order=name.asc.nullslast&limit=50",
            "count=exact",
            None,
        ),
        expect![[r#"
            WITH pgrst_source AS (SELECT "public"."clients"."id" AS "id", "public"."clients"."name" AS "label", "public"."clients"."data"->$1->>$2 AS "b", row_to_json("pgrst_agg_1".*) AS "agency", COALESCE("pgrst_agg_2"."pgrst_agg_2", '[]') AS "transcripts"
              FROM "public"."clients" INNER JOIN LATERAL (SELECT "pgrst_1"."name" AS "name"
              FROM "public"."agencies" AS "pgrst_1"
              WHERE "pgrst_1"."name" ilike $3 AND "pgrst_1"."id" = "public"."clients"."agency_id" LIMIT $4 OFFSET $5) AS "pgrst_agg_1" ON TRUE LEFT JOIN LATERAL (SELECT json_agg("pgrst_agg_2") AS "pgrst_agg_2"
              FROM (SELECT "pgrst_2"."title" AS "title"
              FROM "public"."transcripts" AS "pgrst_2"
              WHERE "pgrst_2"."client_id" = "public"."clients"."id" ORDER BY "pgrst_2"."title" DESC LIMIT $6 OFFSET $7) AS "pgrst_agg_2") AS "pgrst_agg_2" ON TRUE
              WHERE ("public"."clients"."name" = $8 OR "public"."clients"."tags" @> $9) ORDER BY "public"."clients"."name" ASC NULLS LAST LIMIT $10 OFFSET $11), pgrst_source_count AS (SELECT 1
              FROM "public"."clients" INNER JOIN LATERAL (SELECT "pgrst_1"."name" AS "name"
              FROM "public"."agencies" AS "pgrst_1"
              WHERE "pgrst_1"."name" ilike $12 AND "pgrst_1"."id" = "public"."clients"."agency_id" LIMIT $13 OFFSET $14) AS "pgrst_agg_1" ON TRUE
              WHERE ("public"."clients"."name" = $15 OR "public"."clients"."tags" @> $16)) SELECT (SELECT pg_catalog.count(*)
              FROM pgrst_source_count) AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total, (coalesce(json_agg(_postgrest_t), '[]'))::text AS body, nullif(current_setting('response.headers', true), '') AS response_headers, nullif(current_setting('response.status', true), '') AS response_status, null::text AS location, null::int AS inserted
              FROM (SELECT *
              FROM pgrst_source) _postgrest_t
            -- params: ["a", "b", "%acme%", "1000", "0", "5", "0", "x", "{a}", "50", "0", "%acme%", "1000", "0", "x", "{a}"]"#]],
    );
}

#[test]
fn every_operator_renders_with_bound_values() {
    check(
        build(
            read("clients"),
            "select=id&name=in.(a,%22b,c%22)&id=not.is.null&search=fts(english).cat&name=wfts.dog&tags=ov.{x}&name=like(any).{a*,b*}&name=isdistinct.z&name=not.imatch.^q&data->n=gte.3&data->0->>k=eq.v",
            "",
            None,
        ),
        expect![[r#"
            WITH pgrst_source AS (SELECT "public"."clients"."id" AS "id"
              FROM "public"."clients"
              WHERE "public"."clients"."name" = ANY($1) AND NOT ("public"."clients"."id" IS NULL) AND "public"."clients"."search" @@ to_tsquery($2, $3) AND to_tsvector("public"."clients"."name") @@ websearch_to_tsquery($4) AND "public"."clients"."tags" && $5 AND "public"."clients"."name" like ANY($6) AND "public"."clients"."name" IS DISTINCT
              FROM $7 AND NOT ("public"."clients"."name" ~* $8) AND "public"."clients"."data"->$9 >= $10 AND "public"."clients"."data"->$11::int->>$12 = $13 LIMIT $14 OFFSET $15) SELECT null::bigint AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total, (coalesce(json_agg(_postgrest_t), '[]'))::text AS body, nullif(current_setting('response.headers', true), '') AS response_headers, nullif(current_setting('response.status', true), '') AS response_status, null::text AS location, null::int AS inserted
              FROM (SELECT *
              FROM pgrst_source) _postgrest_t
            -- params: ["{\"a\",\"b,c\"}", "english", "cat", "dog", "{x}", "{a%,b%}", "z", "^q", "n", "3", "0", "k", "v", "1000", "0"]"#]],
    );
}

#[test]
fn insert_upsert_with_defaults() {
    check(
        build(
            Action::Insert {
                relation: "clients".to_owned(),
            },
            "select=id,agencies(name)&on_conflict=id&columns=id,name",
            "return=representation,resolution=merge-duplicates,missing=default",
            Some(r#"[{"id":"1","name":"a"},{"name":"b"}]"#),
        ),
        expect![[r#"
            WITH pgrst_source AS (INSERT INTO "public"."clients"("id", "name") SELECT pgrst_body."id", pgrst_body."name"
              FROM (SELECT $1::jsonb AS json_data) pgrst_payload, LATERAL (SELECT jsonb_agg(jsonb_build_object('id', gen_random_uuid()) || elem) AS val
              FROM jsonb_array_elements(pgrst_payload.json_data) elem) pgrst_json_defs, LATERAL (SELECT "id", "name"
              FROM jsonb_to_recordset(pgrst_json_defs.val) AS _("id" uuid, "name" text)) pgrst_body
              WHERE set_config('pgrst.inserted', (coalesce(nullif(current_setting('pgrst.inserted', true), '')::int, 0) + 1)::text, true) <> '0' ON CONFLICT ("id") DO UPDATE SET "id" = EXCLUDED."id", "name" = EXCLUDED."name"
              WHERE set_config('pgrst.inserted', (coalesce(nullif(current_setting('pgrst.inserted', true), '')::int, 0) - 1)::text, true) <> '-1' RETURNING "public"."clients"."id", "public"."clients"."agency_id") SELECT null::bigint AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total, (coalesce(json_agg(_postgrest_t), '[]'))::text AS body, nullif(current_setting('response.headers', true), '') AS response_headers, nullif(current_setting('response.status', true), '') AS response_status, null::text AS location, nullif(current_setting('pgrst.inserted', true), '')::int AS inserted
              FROM (SELECT pgrst_source."id" AS "id", row_to_json("pgrst_agg_1".*) AS "agencies"
              FROM pgrst_source LEFT JOIN LATERAL (SELECT "pgrst_1"."name" AS "name"
              FROM "public"."agencies" AS "pgrst_1"
              WHERE "pgrst_1"."id" = pgrst_source."agency_id") AS "pgrst_agg_1" ON TRUE) _postgrest_t
            -- params: ["[{\"id\":\"1\",\"name\":\"a\"},{\"name\":\"b\"}]"]"#]],
    );
}

#[test]
fn update_and_delete() {
    check(
        build(
            Action::Update {
                relation: "clients".to_owned(),
            },
            "id=eq.7",
            "",
            Some(r#"{"name":"n"}"#),
        ),
        expect![[r#"
            WITH pgrst_source AS (UPDATE "public"."clients" SET "name" = pgrst_body."name"
              FROM (SELECT $1::json AS json_data) pgrst_payload, LATERAL (SELECT "name"
              FROM json_to_recordset(pgrst_payload.json_data) AS _("name" text) LIMIT 1) pgrst_body
              WHERE "public"."clients"."id" = $2 RETURNING 1) SELECT null::bigint AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total, ('')::text AS body, nullif(current_setting('response.headers', true), '') AS response_headers, nullif(current_setting('response.status', true), '') AS response_status, null::text AS location, null::int AS inserted
              FROM (SELECT *
              FROM pgrst_source) _postgrest_t
            -- params: ["[{\"name\":\"n\"}]", "7"]"#]],
    );
    check(
        build(
            Action::Delete {
                relation: "clients".to_owned(),
            },
            "name=like.x*&order=name&limit=2",
            "return=representation",
            None,
        ),
        expect![[r#"
            WITH pgrst_source AS (DELETE
              FROM "public"."clients"
              WHERE "public"."clients".ctid = ANY(ARRAY(SELECT pgrst_affected_rows.ctid
              FROM "public"."clients" AS pgrst_affected_rows
              WHERE pgrst_affected_rows."name" like $1 ORDER BY pgrst_affected_rows."name" LIMIT $2 OFFSET $3)) RETURNING "public"."clients".*) SELECT null::bigint AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total, (coalesce(json_agg(_postgrest_t), '[]'))::text AS body, nullif(current_setting('response.headers', true), '') AS response_headers, nullif(current_setting('response.status', true), '') AS response_status, null::text AS location, null::int AS inserted
              FROM (SELECT pgrst_source.*
              FROM pgrst_source) _postgrest_t
            -- params: ["x%", "2", "0"]"#]],
    );
}

#[test]
fn rpc_with_named_arguments_and_filters() {
    check(
        build(
            Action::Call {
                function: "search_clients".to_owned(),
                method: CallMethod::Get,
            },
            "term=ac&select=id,agencies(name)&name=neq.x",
            "",
            None,
        ),
        expect![[r#"
            WITH pgrst_source AS (SELECT pgrst_call.*
              FROM (SELECT $1::json AS json_data) pgrst_payload, LATERAL (SELECT "term"
              FROM json_to_record(pgrst_payload.json_data) AS _("term" text)) pgrst_body, LATERAL "public"."search_clients"("term" := pgrst_body."term") pgrst_call) SELECT null::bigint AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total, (coalesce(json_agg(_postgrest_t), '[]'))::text AS body, nullif(current_setting('response.headers', true), '') AS response_headers, nullif(current_setting('response.status', true), '') AS response_status, null::text AS location, null::int AS inserted
              FROM (SELECT pgrst_source."id" AS "id", row_to_json("pgrst_agg_1".*) AS "agencies"
              FROM pgrst_source LEFT JOIN LATERAL (SELECT "pgrst_1"."name" AS "name"
              FROM "public"."agencies" AS "pgrst_1"
              WHERE "pgrst_1"."id" = pgrst_source."agency_id" LIMIT $2 OFFSET $3) AS "pgrst_agg_1" ON TRUE
              WHERE pgrst_source."name" <> $4 LIMIT $5 OFFSET $6) _postgrest_t
            -- params: ["{\"term\":\"ac\"}", "1000", "0", "x", "1000", "0"]"#]],
    );
}

#[test]
fn planning_errors() {
    let cache = fixture();
    let attempt = |action: Action, query_string: &str| {
        let query = query::parse(query_string).unwrap();
        let preferences = Preferences::default();
        plan(&PlanRequest {
            cache: &cache,
            schema: "public",
            action,
            query: &query,
            preferences: &preferences,
            media: Media::Json { strip_nulls: false },
            payload: None,
            range: query.root_range(),
            max_rows: None,
        })
        .map(|_| ())
        .map_err(|error| error.body().to_string())
    };
    expect![[r#"Err("{\"code\":\"PGRST205\",\"details\":null,\"hint\":\"Perhaps you meant the table 'public.clients'\",\"message\":\"Could not find the table 'public.client' in the schema cache\"}")"#]]
    .assert_eq(&format!("{:?}", attempt(read("client"), "")));
    expect![[r#"Err("{\"code\":\"42703\",\"details\":null,\"hint\":null,\"message\":\"column clients.nope does not exist\"}")"#]]
    .assert_eq(&format!("{:?}", attempt(read("clients"), "select=nope")));
    expect![[r#"Err("{\"code\":\"PGRST200\",\"details\":\"Searched for a foreign key relationship between 'clients' and 'agency' in the schema 'public', but no matches were found.\",\"hint\":null,\"message\":\"Could not find a relationship between 'clients' and 'agency' in the schema cache\"}")"#]]
    .assert_eq(&format!("{:?}", attempt(read("clients"), "select=agency(*)")));
    expect![[r#"Err("{\"code\":\"PGRST108\",\"details\":null,\"hint\":\"Verify that 'transcripts' is included in the 'select' query parameter.\",\"message\":\"'transcripts' is not an embedded resource in this request\"}")"#]]
    .assert_eq(&format!("{:?}", attempt(read("clients"), "transcripts.title=eq.x")));
    expect![[r#"Err("{\"code\":\"21000\",\"details\":null,\"hint\":null,\"message\":\"DELETE requires a WHERE clause\"}")"#]]
    .assert_eq(&format!(
        "{:?}",
        attempt(
            Action::Delete {
                relation: "clients".into()
            },
            ""
        )
    ));
    expect![[r#"Err("{\"code\":\"PGRST202\",\"details\":\"Searched for the function public.search_clients with parameter nope, but no matches were found in the schema cache.\",\"hint\":\"Perhaps you meant to call the function public.search_clients(term)\",\"message\":\"Could not find the function public.search_clients(nope) in the schema cache\"}")"#]]
    .assert_eq(&format!(
        "{:?}",
        attempt(
            Action::Call {
                function: "search_clients".into(),
                method: CallMethod::Get
            },
            "nope=1"
        )
    ));
}
