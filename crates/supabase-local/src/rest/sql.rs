//! Plans to SQL (contract §1.2). Every value from the request is a positional parameter sent
//! in text format with an unspecified type, so PostgreSQL infers it from context exactly as it
//! does for PostgREST's "unknown" literals; identifiers come from the schema cache and are
//! quoted. The same request shape always gives the same SQL text, so statements can be
//! prepared once per connection.
//!
//! Every statement returns one row: total_result_set (bigint), page_total (bigint), body
//! (text, rendered by PostgreSQL's own JSON functions), response_headers, response_status,
//! location (the inserted row's key as JSON) and inserted (rows an upsert inserted).

use super::plan::*;
use super::query::{Direction, JsonKey, JsonStep, LogicOperator, Nulls, Operation};
use super::request::{Media, Resolution};
use super::schema::{Cardinality, Column, Returns};
use crate::db::quote_ident;

/// SQL text plus its parameters (all text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub sql: String,
    pub params: Vec<String>,
}

struct Builder {
    params: Vec<String>,
}

impl Builder {
    fn param(&mut self, value: impl Into<String>) -> String {
        self.params.push(value.into());
        format!("${}", self.params.len())
    }
}

const RESPONSE_COLUMNS: &str = "nullif(current_setting('response.headers', true), '') AS response_headers, \
nullif(current_setting('response.status', true), '') AS response_status";

/// Build the statement for a plan.
pub fn statement(plan: &Plan) -> Statement {
    let mut builder = Builder { params: Vec::new() };
    let sql = match &plan.kind {
        Kind::Read => read_statement(&mut builder, plan),
        Kind::Mutate(mutation) => mutation_statement(&mut builder, plan, mutation),
        Kind::Call(call) => call_statement(&mut builder, plan, call),
    };
    Statement {
        sql,
        params: builder.params,
    }
}

fn body_expression(plan: &Plan, scalar: bool, single: bool) -> String {
    if plan.no_body {
        return "''".to_owned();
    }
    let row = if scalar {
        "_postgrest_t.pgrst_scalar"
    } else {
        "_postgrest_t"
    };
    let strip = |expression: String, strip: bool| {
        if strip {
            format!("json_strip_nulls({expression})")
        } else {
            expression
        }
    };
    match plan.media {
        Media::Csv => concat!(
            "(SELECT coalesce(string_agg(a.k, ','), '') FROM (SELECT json_object_keys(r)::text AS k ",
            "FROM (SELECT row_to_json(hh) AS r FROM pgrst_source AS hh LIMIT 1) s) a) || '\n' || ",
            "coalesce(string_agg(substring(_postgrest_t::text, 2, length(_postgrest_t::text) - 2), '\n'), '')"
        )
        .to_owned(),
        Media::Singular { strip_nulls } => format!(
            "coalesce({}, 'null')",
            strip(format!("json_agg({row})->0"), strip_nulls)
        ),
        Media::Json { strip_nulls } if single => format!(
            "coalesce({}, 'null')",
            strip(format!("json_agg({row})->0"), strip_nulls)
        ),
        Media::Json { strip_nulls } => format!(
            "coalesce({}, '[]')",
            strip(format!("json_agg({row})"), strip_nulls)
        ),
    }
}

fn final_select(total: &str, body: &str, location: &str, inserted: &str, from: &str) -> String {
    format!(
        "SELECT {total} AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total, ({body})::text AS body, \
{RESPONSE_COLUMNS}, {location} AS location, {inserted} AS inserted FROM ({from}) _postgrest_t"
    )
}

fn read_statement(builder: &mut Builder, plan: &Plan) -> String {
    let source = node_sql(builder, &plan.read, &[], None, false);
    let (count_cte, total) = count_parts(builder, plan);
    let body = body_expression(plan, false, false);
    format!(
        "WITH pgrst_source AS ({source}){count_cte} {}",
        final_select(
            &total,
            &body,
            "null::text",
            "null::int",
            "SELECT * FROM pgrst_source"
        )
    )
}

fn count_parts(builder: &mut Builder, plan: &Plan) -> (String, String) {
    if !plan.count {
        return (String::new(), "null::bigint".to_owned());
    }
    let count = node_sql(builder, &plan.read, &[], None, true);
    (
        format!(", pgrst_source_count AS ({count})"),
        "(SELECT pg_catalog.count(*) FROM pgrst_source_count)".to_owned(),
    )
}

/// A read node: `SELECT <outputs> FROM <source> <lateral joins> WHERE ... ORDER BY ... LIMIT`.
/// `join_conditions` tie an embedded node to its parent; `junction` adds a many-to-many
/// junction to FROM. With `counting`, only what decides which rows exist is kept.
fn node_sql(
    builder: &mut Builder,
    node: &ReadPlan,
    join_conditions: &[String],
    junction: Option<String>,
    counting: bool,
) -> String {
    let alias = &node.alias;
    let mut items: Vec<String> = Vec::new();
    if counting {
        items.push("1".to_owned());
    } else {
        for output in &node.outputs {
            items.push(match output {
                Output::AllColumns => format!("{alias}.*"),
                Output::Scalar => format!("{alias}.pgrst_scalar"),
                Output::Column { field, cast, name } => {
                    let mut expression = field_sql(builder, alias, field);
                    if let Some(cast) = cast {
                        expression = format!("CAST({expression} AS {cast})");
                    }
                    format!("{expression} AS {}", quote_ident(name))
                }
            });
        }
    }
    let mut joins = Vec::new();
    let null_filtered = null_filtered_laterals(&node.conditions);
    for embed in &node.embeds {
        if counting && !(embed.inner || null_filtered.contains(&embed.lateral)) {
            continue;
        }
        if !counting && embed.output {
            items.extend(embed_outputs(embed));
        }
        joins.push(embed_join(builder, embed));
    }
    let from = match &node.source {
        Source::Cte => "pgrst_source".to_owned(),
        Source::Relation(name) if name.sql() == *alias => name.sql(),
        Source::Relation(name) => format!("{} AS {alias}", name.sql()),
    };
    let from = match junction {
        Some(junction) => format!("{from}, {junction}"),
        None => from,
    };
    let mut sql = format!("SELECT {} FROM {from}", items.join(", "));
    for join in joins {
        sql.push(' ');
        sql.push_str(&join);
    }
    let mut conditions: Vec<String> = node
        .conditions
        .iter()
        .map(|condition| condition_sql(builder, alias, condition))
        .collect();
    conditions.extend(join_conditions.iter().cloned());
    if !conditions.is_empty() {
        sql.push_str(" WHERE ");
        sql.push_str(&conditions.join(" AND "));
    }
    if !counting {
        sql.push_str(&order_sql(builder, alias, &node.order));
        sql.push_str(&limit_sql(builder, node.limit, node.offset));
    }
    sql
}

fn null_filtered_laterals(conditions: &[Condition]) -> Vec<String> {
    let mut found = Vec::new();
    for condition in conditions {
        match condition {
            Condition::EmbedNull { lateral, .. } => found.push(lateral.clone()),
            Condition::Tree { children, .. } => found.extend(null_filtered_laterals(children)),
            Condition::Filter { .. } => {}
        }
    }
    found
}

fn embed_outputs(embed: &EmbedPlan) -> Vec<String> {
    let lateral = &embed.lateral;
    match (embed.to_one(), embed.spread) {
        (true, false) => vec![format!(
            "row_to_json({lateral}.*) AS {}",
            quote_ident(&embed.name)
        )],
        (true, true) => vec![format!("{lateral}.*")],
        (false, false) => vec![format!(
            "COALESCE({lateral}.{lateral}, '[]') AS {}",
            quote_ident(&embed.name)
        )],
        (false, true) => embed
            .spread_columns
            .iter()
            .map(|column| {
                let column = quote_ident(column);
                format!("COALESCE({lateral}.{column}, '[]') AS {column}")
            })
            .collect(),
    }
}

fn embed_join(builder: &mut Builder, embed: &EmbedPlan) -> String {
    let child = &embed.plan.alias;
    let parent = &embed.parent_alias;
    let (conditions, junction) = match &embed.relationship.cardinality {
        Cardinality::ManyToMany {
            junction,
            origin_columns,
            target_columns,
            ..
        } => {
            let junction_alias = &embed.junction_alias;
            let mut conditions: Vec<String> = target_columns
                .iter()
                .map(|(target, joined)| {
                    format!(
                        "{junction_alias}.{} = {child}.{}",
                        quote_ident(joined),
                        quote_ident(target)
                    )
                })
                .collect();
            conditions.extend(origin_columns.iter().map(|(origin, joined)| {
                format!(
                    "{junction_alias}.{} = {parent}.{}",
                    quote_ident(joined),
                    quote_ident(origin)
                )
            }));
            (
                conditions,
                Some(format!("{} AS {junction_alias}", junction.sql())),
            )
        }
        _ => (
            embed
                .relationship
                .column_pairs()
                .iter()
                .map(|(origin, target)| {
                    format!(
                        "{child}.{} = {parent}.{}",
                        quote_ident(target),
                        quote_ident(origin)
                    )
                })
                .collect(),
            None,
        ),
    };
    let subquery = node_sql(builder, &embed.plan, &conditions, junction, false);
    let lateral = &embed.lateral;
    let join = if embed.inner { "INNER" } else { "LEFT" };
    if embed.to_one() {
        return format!("{join} JOIN LATERAL ({subquery}) AS {lateral} ON TRUE");
    }
    if embed.spread {
        let columns: Vec<String> = embed
            .spread_columns
            .iter()
            .map(|column| {
                let column = quote_ident(column);
                format!("json_agg({lateral}.{column}) AS {column}")
            })
            .collect();
        let on = match (embed.inner, embed.spread_columns.first()) {
            (true, Some(first)) => format!("{lateral}.{} IS NOT NULL", quote_ident(first)),
            _ => "TRUE".to_owned(),
        };
        return format!(
            "{join} JOIN LATERAL (SELECT {} FROM ({subquery}) AS {lateral}) AS {lateral} ON {on}",
            columns.join(", ")
        );
    }
    let on = if embed.inner {
        format!("{lateral}.{lateral} IS NOT NULL")
    } else {
        "TRUE".to_owned()
    };
    format!(
        "{join} JOIN LATERAL (SELECT json_agg({lateral}) AS {lateral} FROM ({subquery}) AS {lateral}) AS {lateral} ON {on}"
    )
}

fn field_sql(builder: &mut Builder, alias: &str, field: &ColumnRef) -> String {
    let column = format!("{alias}.{}", quote_ident(&field.column));
    if field.json_path.is_empty() {
        return column;
    }
    let mut sql = if field.to_json {
        format!("to_jsonb({column})")
    } else {
        column
    };
    for step in &field.json_path {
        sql.push_str(match step {
            JsonStep::Arrow(_) => "->",
            JsonStep::DoubleArrow(_) => "->>",
        });
        match step.key() {
            JsonKey::Key(key) => sql.push_str(&builder.param(key.clone())),
            JsonKey::Index(index) => {
                sql.push_str(&builder.param(index.clone()));
                sql.push_str("::int");
            }
        }
    }
    sql
}

/// `{"a","b,c"}`: a PostgreSQL array literal whose element type the server infers.
fn array_literal(values: &[String]) -> String {
    let items: Vec<String> = values
        .iter()
        .map(|value| {
            let value: String = value.chars().take_while(|c| *c != '\0').collect();
            format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""))
        })
        .collect();
    format!("{{{}}}", items.join(","))
}

fn condition_sql(builder: &mut Builder, alias: &str, condition: &Condition) -> String {
    match condition {
        Condition::Tree {
            negated,
            operator,
            children,
        } => {
            let separator = match operator {
                LogicOperator::And => " AND ",
                LogicOperator::Or => " OR ",
            };
            let children: Vec<String> = children
                .iter()
                .map(|child| condition_sql(builder, alias, child))
                .collect();
            let tree = format!("({})", children.join(separator));
            if *negated {
                format!("NOT {tree}")
            } else {
                tree
            }
        }
        Condition::EmbedNull {
            lateral,
            to_many,
            is_null,
        } => match (to_many, is_null) {
            (true, true) => format!("{lateral}.{lateral} IS NULL"),
            (true, false) => format!("{lateral}.{lateral} IS NOT NULL"),
            (false, true) => format!("{lateral} IS NOT DISTINCT FROM NULL"),
            (false, false) => format!("{lateral} IS DISTINCT FROM NULL"),
        },
        Condition::Filter {
            field,
            negated,
            operation,
            tsvector,
        } => {
            let left = field_sql(builder, alias, field);
            let expression = match operation {
                Operation::Simple { operator, value } => {
                    format!("{left} {} {}", operator.sql(), builder.param(value.clone()))
                }
                Operation::Quant {
                    operator,
                    quantifier,
                    value,
                } => {
                    let value = if operator.is_like() {
                        value.replace('*', "%")
                    } else {
                        value.clone()
                    };
                    let parameter = builder.param(value);
                    let right = match quantifier {
                        None => parameter,
                        Some(super::query::Quantifier::Any) => format!("ANY({parameter})"),
                        Some(super::query::Quantifier::All) => format!("ALL({parameter})"),
                    };
                    format!("{left} {} {right}", operator.sql())
                }
                Operation::In(values) => {
                    let literal = if values.len() == 1 && values[0].is_empty() {
                        "{}".to_owned()
                    } else {
                        array_literal(values)
                    };
                    format!("{left} = ANY({})", builder.param(literal))
                }
                Operation::Is(value) => format!("{left} IS {}", value.sql()),
                Operation::IsDistinct(value) => {
                    format!("{left} IS DISTINCT FROM {}", builder.param(value.clone()))
                }
                Operation::Fts {
                    operator,
                    config,
                    value,
                } => {
                    let vector = if *tsvector {
                        left
                    } else {
                        match config {
                            Some(config) => {
                                format!("to_tsvector({}, {left})", builder.param(config.clone()))
                            }
                            None => format!("to_tsvector({left})"),
                        }
                    };
                    let query = match config {
                        Some(config) => format!(
                            "{}({}, {})",
                            operator.function(),
                            builder.param(config.clone()),
                            builder.param(value.clone())
                        ),
                        None => {
                            format!("{}({})", operator.function(), builder.param(value.clone()))
                        }
                    };
                    format!("{vector} @@ {query}")
                }
            };
            if *negated {
                format!("NOT ({expression})")
            } else {
                expression
            }
        }
    }
}

fn order_sql(builder: &mut Builder, alias: &str, order: &[OrderPlan]) -> String {
    if order.is_empty() {
        return String::new();
    }
    let terms: Vec<String> = order
        .iter()
        .map(|term| {
            let mut sql = match &term.target {
                OrderRef::Column(field) => field_sql(builder, alias, field),
                OrderRef::Embedded { lateral, column } => {
                    format!("{lateral}.{}", quote_ident(column))
                }
            };
            match term.direction {
                Some(Direction::Asc) => sql.push_str(" ASC"),
                Some(Direction::Desc) => sql.push_str(" DESC"),
                None => {}
            }
            match term.nulls {
                Some(Nulls::First) => sql.push_str(" NULLS FIRST"),
                Some(Nulls::Last) => sql.push_str(" NULLS LAST"),
                None => {}
            }
            sql
        })
        .collect();
    format!(" ORDER BY {}", terms.join(", "))
}

fn limit_sql(builder: &mut Builder, limit: Option<u64>, offset: u64) -> String {
    match (limit, offset) {
        (None, 0) => String::new(),
        (None, offset) => format!(" OFFSET {}", builder.param(offset.to_string())),
        (Some(limit), offset) => format!(
            " LIMIT {} OFFSET {}",
            builder.param(limit.to_string()),
            builder.param(offset.to_string())
        ),
    }
}

// --- writes ---

fn returning_sql(table_sql: &str, returning: &Returning) -> String {
    match returning {
        Returning::Count => "RETURNING 1".to_owned(),
        Returning::All => format!("RETURNING {table_sql}.*"),
        Returning::Columns(columns) => format!(
            "RETURNING {}",
            columns
                .iter()
                .map(|column| format!("{table_sql}.{}", quote_ident(column)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// `FROM (SELECT $n::json AS json_data) pgrst_payload, LATERAL (...) pgrst_body`: the body's
/// rows typed as the target columns. With `defaults`, absent keys take the column DEFAULT.
fn body_rows(
    builder: &mut Builder,
    body: &str,
    columns: &[Column],
    defaults: bool,
    limit_one: bool,
) -> String {
    let parameter = builder.param(body.to_owned());
    let names: Vec<String> = columns.iter().map(|c| quote_ident(&c.name)).collect();
    let typed: Vec<String> = columns
        .iter()
        .map(|c| format!("{} {}", quote_ident(&c.name), c.type_sql))
        .collect();
    let limit = if limit_one { " LIMIT 1" } else { "" };
    if defaults {
        let with_defaults: Vec<String> = columns
            .iter()
            .filter_map(|column| {
                column
                    .default
                    .as_ref()
                    .map(|default| format!("{}, {default}", literal(&column.name)))
            })
            .collect();
        format!(
            "FROM (SELECT {parameter}::jsonb AS json_data) pgrst_payload, \
LATERAL (SELECT jsonb_agg(jsonb_build_object({}) || elem) AS val FROM jsonb_array_elements(pgrst_payload.json_data) elem) pgrst_json_defs, \
LATERAL (SELECT {} FROM jsonb_to_recordset(pgrst_json_defs.val) AS _({}){limit}) pgrst_body",
            with_defaults.join(", "),
            names.join(", "),
            typed.join(", ")
        )
    } else {
        format!(
            "FROM (SELECT {parameter}::json AS json_data) pgrst_payload, \
LATERAL (SELECT {} FROM json_to_recordset(pgrst_payload.json_data) AS _({}){limit}) pgrst_body",
            names.join(", "),
            typed.join(", ")
        )
    }
}

/// A string literal for a name from the schema cache (standard_conforming_strings is on).
fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

const COUNT_INSERTED: &str = "set_config('pgrst.inserted', (coalesce(nullif(current_setting('pgrst.inserted', true), '')::int, 0) + 1)::text, true) <> '0'";
const UNCOUNT_UPDATED: &str = "set_config('pgrst.inserted', (coalesce(nullif(current_setting('pgrst.inserted', true), '')::int, 0) - 1)::text, true) <> '-1'";

fn insert_sql(builder: &mut Builder, insert: &InsertPlan, count_inserted: bool) -> String {
    let table = insert.table.sql();
    let mut sql = format!("INSERT INTO {table}");
    let mut conditions = Vec::new();
    if insert.columns.is_empty() {
        let parameter = builder.param(insert.body.clone());
        sql.push_str(&format!(
            " SELECT FROM json_array_elements({parameter}::json) pgrst_body"
        ));
    } else {
        let names: Vec<String> = insert
            .columns
            .iter()
            .map(|c| quote_ident(&c.name))
            .collect();
        let from = body_rows(
            builder,
            &insert.body,
            &insert.columns,
            insert.defaults,
            false,
        );
        sql.push_str(&format!(
            "({}) SELECT {} {from}",
            names.join(", "),
            names
                .iter()
                .map(|name| format!("pgrst_body.{name}"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
        for (key, value) in &insert.put_keys {
            conditions.push(format!(
                "pgrst_body.{} = {}",
                quote_ident(key),
                builder.param(value.clone())
            ));
        }
    }
    if count_inserted {
        conditions.push(COUNT_INSERTED.to_owned());
    }
    if !conditions.is_empty() {
        sql.push_str(" WHERE ");
        sql.push_str(&conditions.join(" AND "));
    }
    if let Some((resolution, keys)) = &insert.on_conflict {
        let keys: Vec<String> = keys.iter().map(|k| quote_ident(k)).collect();
        sql.push_str(&format!(" ON CONFLICT ({}) ", keys.join(", ")));
        if *resolution == Resolution::IgnoreDuplicates || insert.columns.is_empty() {
            sql.push_str("DO NOTHING");
        } else {
            let sets: Vec<String> = insert
                .columns
                .iter()
                .map(|c| {
                    let name = quote_ident(&c.name);
                    format!("{name} = EXCLUDED.{name}")
                })
                .collect();
            sql.push_str(&format!("DO UPDATE SET {}", sets.join(", ")));
            if count_inserted {
                sql.push_str(" WHERE ");
                sql.push_str(UNCOUNT_UPDATED);
            }
        }
    }
    sql.push(' ');
    sql.push_str(&returning_sql(&table, &insert.returning));
    sql
}

/// The WHERE of an UPDATE/DELETE; with a limit, the affected rows are chosen by ctid.
fn mutation_where(builder: &mut Builder, table_sql: &str, target: &Target) -> String {
    if target.limit.is_none() && target.offset == 0 {
        let rendered: Vec<String> = target
            .conditions
            .iter()
            .map(|condition| condition_sql(builder, table_sql, condition))
            .collect();
        if rendered.is_empty() {
            return String::new();
        }
        return format!(" WHERE {}", rendered.join(" AND "));
    }
    let limited = "pgrst_affected_rows";
    let rendered: Vec<String> = target
        .conditions
        .iter()
        .map(|condition| condition_sql(builder, limited, condition))
        .collect();
    let mut chosen = format!("SELECT {limited}.ctid FROM {table_sql} AS {limited}");
    if !rendered.is_empty() {
        chosen.push_str(" WHERE ");
        chosen.push_str(&rendered.join(" AND "));
    }
    chosen.push_str(&order_sql(builder, limited, &target.order));
    chosen.push_str(&limit_sql(builder, target.limit, target.offset));
    format!(" WHERE {table_sql}.ctid = ANY(ARRAY({chosen}))")
}

fn update_sql(builder: &mut Builder, update: &UpdatePlan) -> String {
    let table = update.table.sql();
    if update.columns.is_empty() {
        let returned = match &update.returning {
            Returning::Count => "1".to_owned(),
            Returning::All => format!("{table}.*"),
            Returning::Columns(columns) => columns
                .iter()
                .map(|column| format!("{table}.{}", quote_ident(column)))
                .collect::<Vec<_>>()
                .join(", "),
        };
        return format!("SELECT {returned} FROM {table} WHERE false");
    }
    let sets: Vec<String> = update
        .columns
        .iter()
        .map(|c| {
            let name = quote_ident(&c.name);
            format!("{name} = pgrst_body.{name}")
        })
        .collect();
    let from = body_rows(
        builder,
        &update.body,
        &update.columns,
        update.defaults,
        true,
    );
    let filter = mutation_where(builder, &table, &update.target);
    format!(
        "UPDATE {table} SET {} {from}{filter} {}",
        sets.join(", "),
        returning_sql(&table, &update.returning)
    )
}

fn delete_sql(builder: &mut Builder, delete: &DeletePlan) -> String {
    let table = delete.table.sql();
    let filter = mutation_where(builder, &table, &delete.target);
    format!(
        "DELETE FROM {table}{filter} {}",
        returning_sql(&table, &delete.returning)
    )
}

fn mutation_statement(builder: &mut Builder, plan: &Plan, mutation: &Mutation) -> String {
    let source = match mutation {
        Mutation::Insert(insert) => insert_sql(builder, insert, plan.count_inserted),
        Mutation::Update(update) => update_sql(builder, update),
        Mutation::Delete(delete) => delete_sql(builder, delete),
    };
    let from = if plan.no_body {
        "SELECT * FROM pgrst_source".to_owned()
    } else {
        node_sql(builder, &plan.read, &[], None, false)
    };
    let location = match &plan.location {
        Some(keys) => format!(
            "CASE WHEN pg_catalog.count(_postgrest_t) = 1 THEN (SELECT row_to_json(pgrst_location)::text FROM (SELECT {} FROM pgrst_source LIMIT 1) pgrst_location) END",
            keys.iter()
                .map(|key| quote_ident(key))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        None => "null::text".to_owned(),
    };
    let inserted = if plan.count_inserted {
        "nullif(current_setting('pgrst.inserted', true), '')::int"
    } else {
        "null::int"
    };
    let body = body_expression(plan, false, false);
    format!(
        "WITH pgrst_source AS ({source}) {}",
        final_select("null::bigint", &body, &location, inserted, &from)
    )
}

// --- functions ---

fn call_statement(builder: &mut Builder, plan: &Plan, call: &CallPlan) -> String {
    let function = &call.function;
    let scalar = matches!(function.returns, Returns::Scalar { .. } | Returns::Void);
    let name = function.name.sql();
    let invoke = |arguments: &str| {
        if scalar {
            format!("(SELECT {name}({arguments}) AS pgrst_scalar) pgrst_call")
        } else {
            format!("{name}({arguments}) pgrst_call")
        }
    };
    let from = match &call.arguments {
        Arguments::None => format!("FROM {}", invoke("")),
        Arguments::Body(body) => {
            let json_type = function
                .parameters
                .first()
                .map(|p| p.base_type.as_str())
                .unwrap_or("json");
            let parameter = builder.param(body.clone());
            format!("FROM {}", invoke(&format!("{parameter}::{json_type}")))
        }
        Arguments::Named { parameters, object } => {
            let parameter = builder.param(object.clone());
            let names: Vec<String> = parameters.iter().map(|p| quote_ident(&p.name)).collect();
            let typed: Vec<String> = parameters
                .iter()
                .map(|p| format!("{} {}", quote_ident(&p.name), p.type_sql))
                .collect();
            let passed: Vec<String> = parameters
                .iter()
                .map(|p| {
                    let name = quote_ident(&p.name);
                    let variadic = if p.variadic { "VARIADIC " } else { "" };
                    format!("{variadic}{name} := pgrst_body.{name}")
                })
                .collect();
            format!(
                "FROM (SELECT {parameter}::json AS json_data) pgrst_payload, \
LATERAL (SELECT {} FROM json_to_record(pgrst_payload.json_data) AS _({})) pgrst_body, LATERAL {}",
                names.join(", "),
                typed.join(", "),
                invoke(&passed.join(", "))
            )
        }
    };
    let selected = if scalar {
        "pgrst_call.pgrst_scalar"
    } else {
        "pgrst_call.*"
    };
    let source = format!("SELECT {selected} {from}");
    let read = node_sql(builder, &plan.read, &[], None, false);
    let (count_cte, total) = count_parts(builder, plan);
    let single = matches!(
        function.returns,
        Returns::Scalar { set: false } | Returns::Composite { set: false, .. }
    );
    let body = if matches!(function.returns, Returns::Void) {
        "''".to_owned()
    } else {
        body_expression(plan, scalar, single)
    };
    format!(
        "WITH pgrst_source AS ({source}){count_cte} {}",
        final_select(&total, &body, "null::text", "null::int", &read)
    )
}

#[cfg(test)]
mod tests;
