//! Build a [`SchemaCache`] from pg_catalog, in one read-only transaction so the result is a
//! consistent snapshot. Type names and defaults are rendered with `search_path = pg_catalog`,
//! so they are schema-qualified and mean the same under any request's search_path.

use super::view_origins;
use super::*;
use std::collections::{BTreeSet, HashMap, HashSet};
use tokio_postgres::Client;

const RELATIONS: &str = "
select c.oid, n.nspname::text, c.relname::text, c.relkind::text
from pg_class c
join pg_namespace n on n.oid = c.relnamespace
where c.relkind in ('r', 'p', 'v', 'm', 'f') and n.nspname = any($1::text[])";

const VIEW_RULES: &str = "
select r.ev_class, r.ev_action::text
from pg_rewrite r
join pg_class c on c.oid = r.ev_class
join pg_namespace n on n.oid = c.relnamespace
where c.relkind in ('v', 'm') and r.rulename = '_RETURN' and n.nspname = any($1::text[])";

const FUNCTIONS: &str = "
select n.nspname::text, p.proname::text, p.provolatile::text, p.proretset, p.pronargs::int4,
       p.pronargdefaults::int4, p.proargmodes::text[], p.proargnames,
       array(select format_type(u.t, null) from unnest(coalesce(p.proallargtypes, p.proargtypes::oid[])) with ordinality u(t, i) order by u.i),
       array(select coalesce(bt.typname, ty.typname)::text
             from unnest(coalesce(p.proallargtypes, p.proargtypes::oid[])) with ordinality u(t, i)
             join pg_type ty on ty.oid = u.t
             left join pg_type bt on ty.typtype = 'd' and bt.oid = ty.typbasetype
             order by u.i),
       rt.typname::text, rt.typtype::text, rt.typrelid, p.proconfig
from pg_proc p
join pg_namespace n on n.oid = p.pronamespace
join pg_type rt on rt.oid = p.prorettype
where n.nspname = any($1::text[]) and p.prokind = 'f'
  and rt.typname not in ('trigger', 'event_trigger')";

const COLUMNS: &str = "
select a.attrelid, a.attnum, a.attname::text, format_type(a.atttypid, a.atttypmod),
       coalesce(bt.typname, t.typname)::text, not a.attnotnull,
       case when a.attgenerated = '' then pg_get_expr(d.adbin, d.adrelid) end
from pg_attribute a
join pg_type t on t.oid = a.atttypid
left join pg_type bt on t.typtype = 'd' and bt.oid = t.typbasetype
left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
where a.attrelid = any($1::oid[]) and a.attnum > 0 and not a.attisdropped
order by a.attrelid, a.attnum";

const CONSTRAINTS: &str = "
select con.conname::text, con.contype::text, con.conrelid, con.confrelid,
       array(select a.attname::text from unnest(con.conkey) with ordinality k(n, i)
             join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.n order by k.i),
       array(select a.attname::text from unnest(coalesce(con.confkey, '{}')) with ordinality k(n, i)
             join pg_attribute a on a.attrelid = con.confrelid and a.attnum = k.n order by k.i)
from pg_constraint con
where con.contype in ('p', 'u', 'f') and con.conrelid = any($1::oid[])";

const ROLE_SETTINGS: &str = "
select r.rolname::text, s.setconfig
from pg_db_role_setting s
join pg_roles r on r.oid = s.setrole
where s.setdatabase in (0, (select oid from pg_database where datname = current_database()))
order by s.setdatabase";

const USER_SETTINGS: &str = "select name from pg_settings where context = 'user'";

/// Read the schema cache for `schemas` (the exposed schemas) through `client`.
pub async fn load(
    client: &mut Client,
    schemas: &[String],
) -> Result<SchemaCache, tokio_postgres::Error> {
    let transaction = client
        .build_transaction()
        .read_only(true)
        .isolation_level(tokio_postgres::IsolationLevel::RepeatableRead)
        .start()
        .await?;
    transaction
        .batch_execute("set local search_path = pg_catalog")
        .await?;

    let mut relations: HashMap<u32, (QualifiedName, TableKind)> = HashMap::new();
    for row in transaction.query(RELATIONS, &[&schemas]).await? {
        let kind = match row.get::<_, String>(3).as_str() {
            "r" => TableKind::Table,
            "p" => TableKind::PartitionedTable,
            "v" => TableKind::View,
            "m" => TableKind::MaterializedView,
            _ => TableKind::ForeignTable,
        };
        relations.insert(
            row.get(0),
            (QualifiedName::new(row.get(1), row.get(2)), kind),
        );
    }

    let mut view_origins: HashMap<u32, Vec<view_origins::Origin>> = HashMap::new();
    for row in transaction.query(VIEW_RULES, &[&schemas]).await? {
        let text: String = row.get(1);
        view_origins.insert(row.get(0), view_origins::parse(&text));
    }

    let function_rows = transaction.query(FUNCTIONS, &[&schemas]).await?;

    // Columns of every relation we need to know: exposed ones, the origins of view columns,
    // and the row types functions return.
    let mut wanted: BTreeSet<u32> = relations.keys().copied().collect();
    wanted.extend(
        view_origins
            .values()
            .flatten()
            .map(|origin| origin.relation),
    );
    wanted.extend(
        function_rows
            .iter()
            .map(|row| row.get::<_, u32>(12))
            .filter(|oid| *oid != 0),
    );
    let wanted: Vec<u32> = wanted.into_iter().collect();
    let mut columns: HashMap<u32, Vec<(i16, Column)>> = HashMap::new();
    for row in transaction.query(COLUMNS, &[&wanted]).await? {
        columns.entry(row.get(0)).or_default().push((
            row.get(1),
            Column {
                name: row.get(2),
                type_sql: row.get(3),
                base_type: row.get(4),
                nullable: row.get(5),
                default: row.get(6),
            },
        ));
    }

    let mut keys = Keys::default();
    for row in transaction.query(CONSTRAINTS, &[&wanted]).await? {
        let relation: u32 = row.get(2);
        let kind: String = row.get(1);
        let key_columns: Vec<String> = row.get(4);
        match kind.as_str() {
            "p" => {
                keys.primary.insert(relation, key_columns.clone());
                keys.unique.entry(relation).or_default().push(key_columns);
            }
            "u" => keys.unique.entry(relation).or_default().push(key_columns),
            _ => keys.foreign.push(ForeignKey {
                name: row.get(0),
                relation,
                columns: key_columns,
                foreign_relation: row.get(3),
                foreign_columns: row.get(5),
            }),
        }
    }

    let user_settings: HashSet<String> = transaction
        .query(USER_SETTINGS, &[])
        .await?
        .iter()
        .map(|row| row.get(0))
        .collect();
    let mut role_settings: HashMap<String, Vec<(String, String)>> = HashMap::new();
    for row in transaction.query(ROLE_SETTINGS, &[]).await? {
        let role: String = row.get(0);
        let config: Option<Vec<String>> = row.get(1);
        let settings = role_settings.entry(role).or_default();
        for entry in config.unwrap_or_default() {
            let Some((name, value)) = entry.split_once('=') else {
                continue;
            };
            // Only what any role may set (set_config runs before SET ROLE), and custom settings.
            if !(user_settings.contains(name) || name.contains('.')) {
                continue;
            }
            settings.retain(|(existing, _)| existing != name);
            settings.push((name.to_owned(), value.to_owned()));
        }
    }
    transaction.commit().await?;

    let resolved = resolve_view_origins(&view_origins, &columns, &relations);
    let mut cache = SchemaCache {
        role_settings,
        ..SchemaCache::default()
    };
    for (oid, (name, kind)) in &relations {
        let table_columns: Vec<Column> = columns
            .get(oid)
            .map(|columns| columns.iter().map(|(_, c)| c.clone()).collect())
            .unwrap_or_default();
        let primary_key = match kind {
            TableKind::View | TableKind::MaterializedView => {
                view_primary_key(resolved.get(oid), &keys.primary)
            }
            _ => keys.primary.get(oid).cloned().unwrap_or_default(),
        };
        cache.tables.insert(
            name.clone(),
            Table {
                name: name.clone(),
                kind: *kind,
                columns: table_columns,
                primary_key,
            },
        );
    }
    cache.relationships = relationships(&relations, &resolved, &keys);
    for row in &function_rows {
        let function = function_from_row(row, &relations, &columns);
        cache
            .functions
            .entry(function.name.clone())
            .or_default()
            .push(function);
    }
    Ok(cache)
}

#[derive(Default)]
struct Keys {
    primary: HashMap<u32, Vec<String>>,
    unique: HashMap<u32, Vec<Vec<String>>>,
    foreign: Vec<ForeignKey>,
}

impl Keys {
    /// Whether `columns` (as a set) are a primary or unique key of `relation`.
    fn is_unique(&self, relation: u32, columns: &[String]) -> bool {
        let wanted: BTreeSet<&String> = columns.iter().collect();
        self.unique.get(&relation).is_some_and(|sets| {
            sets.iter()
                .any(|set| set.iter().collect::<BTreeSet<_>>() == wanted)
        })
    }

    /// Whether some primary or unique key of `relation` contains all of `columns`.
    fn key_contains(&self, relation: u32, columns: &BTreeSet<&String>) -> bool {
        self.unique.get(&relation).is_some_and(|sets| {
            sets.iter().any(|set| {
                let set: BTreeSet<&String> = set.iter().collect();
                columns.is_subset(&set)
            })
        })
    }
}

struct ForeignKey {
    name: String,
    relation: u32,
    columns: Vec<String>,
    foreign_relation: u32,
    foreign_columns: Vec<String>,
}

/// View column → (base relation, base column), followed through views of views.
type ResolvedOrigins = HashMap<u32, Vec<(String, u32, String)>>;

fn resolve_view_origins(
    origins: &HashMap<u32, Vec<view_origins::Origin>>,
    columns: &HashMap<u32, Vec<(i16, Column)>>,
    relations: &HashMap<u32, (QualifiedName, TableKind)>,
) -> ResolvedOrigins {
    let column_name = |relation: u32, attnum: i16| {
        columns.get(&relation).and_then(|columns| {
            columns
                .iter()
                .find(|(number, _)| *number == attnum)
                .map(|(_, column)| column.name.clone())
        })
    };
    let mut resolved = ResolvedOrigins::new();
    for (view, list) in origins {
        let mut entries = Vec::new();
        for origin in list {
            let Some(mut base_column) = column_name(origin.relation, origin.attnum) else {
                continue;
            };
            let mut base = origin.relation;
            // Follow views of views (bounded, so a cycle cannot hang).
            let mut hops = 0;
            while let Some(inner) = origins.get(&base) {
                let Some(next) = inner.iter().find(|o| o.column == base_column) else {
                    break;
                };
                let Some(name) = column_name(next.relation, next.attnum) else {
                    break;
                };
                base = next.relation;
                base_column = name;
                hops += 1;
                if hops > 16 {
                    break;
                }
            }
            let through_view = matches!(
                relations.get(&base).map(|(_, kind)| *kind),
                Some(TableKind::View | TableKind::MaterializedView)
            );
            if !through_view {
                entries.push((origin.column.clone(), base, base_column));
            }
        }
        resolved.insert(*view, entries);
    }
    resolved
}

/// A view's primary key: its base table's, when the view exposes every key column.
fn view_primary_key(
    origins: Option<&Vec<(String, u32, String)>>,
    primary: &HashMap<u32, Vec<String>>,
) -> Vec<String> {
    let Some(origins) = origins else {
        return Vec::new();
    };
    let mut bases: Vec<u32> = origins.iter().map(|(_, base, _)| *base).collect();
    bases.dedup();
    for base in bases {
        let Some(key) = primary.get(&base) else {
            continue;
        };
        let mapped: Option<Vec<String>> = key
            .iter()
            .map(|key_column| {
                origins
                    .iter()
                    .find(|(_, b, column)| *b == base && column == key_column)
                    .map(|(view_column, _, _)| view_column.clone())
            })
            .collect();
        if let Some(mapped) = mapped {
            return mapped;
        }
    }
    Vec::new()
}

/// Every relation (table or view) that exposes all of `columns` of `base`, with the column
/// names it uses for them.
fn exposers(
    base: u32,
    columns: &[String],
    relations: &HashMap<u32, (QualifiedName, TableKind)>,
    origins: &ResolvedOrigins,
) -> Vec<(QualifiedName, Vec<String>, bool)> {
    let mut found = Vec::new();
    if let Some((name, _)) = relations.get(&base) {
        found.push((name.clone(), columns.to_vec(), false));
    }
    let mut views: Vec<&u32> = origins.keys().collect();
    views.sort();
    for view in views {
        let list = &origins[view];
        let Some((name, _)) = relations.get(view) else {
            continue;
        };
        let mapped: Option<Vec<String>> = columns
            .iter()
            .map(|column| {
                list.iter()
                    .find(|(_, b, base_column)| *b == base && base_column == column)
                    .map(|(view_column, _, _)| view_column.clone())
            })
            .collect();
        if let Some(mapped) = mapped {
            found.push((name.clone(), mapped, true));
        }
    }
    found
}

fn relationships(
    relations: &HashMap<u32, (QualifiedName, TableKind)>,
    origins: &ResolvedOrigins,
    keys: &Keys,
) -> HashMap<QualifiedName, Vec<Relationship>> {
    let mut all: HashMap<QualifiedName, Vec<Relationship>> = HashMap::new();
    let mut add = |relationship: Relationship| {
        let list = all.entry(relationship.table.clone()).or_default();
        if !list.contains(&relationship) {
            list.push(relationship);
        }
    };
    for fk in &keys.foreign {
        let one_to_one = keys.is_unique(fk.relation, &fk.columns);
        let sources = exposers(fk.relation, &fk.columns, relations, origins);
        let targets = exposers(fk.foreign_relation, &fk.foreign_columns, relations, origins);
        for (source, source_columns, source_is_view) in &sources {
            for (target, target_columns, target_is_view) in &targets {
                let forward: Vec<(String, String)> = source_columns
                    .iter()
                    .cloned()
                    .zip(target_columns.iter().cloned())
                    .collect();
                let backward: Vec<(String, String)> = forward
                    .iter()
                    .map(|(a, b)| (b.clone(), a.clone()))
                    .collect();
                let is_self = source == target;
                let (there, back) = if one_to_one && !is_self {
                    (
                        Cardinality::OneToOne {
                            constraint: fk.name.clone(),
                            columns: forward,
                        },
                        Cardinality::OneToOne {
                            constraint: fk.name.clone(),
                            columns: backward,
                        },
                    )
                } else {
                    (
                        Cardinality::ManyToOne {
                            constraint: fk.name.clone(),
                            columns: forward,
                        },
                        Cardinality::OneToMany {
                            constraint: fk.name.clone(),
                            columns: backward,
                        },
                    )
                };
                add(Relationship {
                    table: source.clone(),
                    foreign_table: target.clone(),
                    cardinality: there,
                    is_self,
                    foreign_table_is_view: *target_is_view,
                });
                add(Relationship {
                    table: target.clone(),
                    foreign_table: source.clone(),
                    cardinality: back,
                    is_self,
                    foreign_table_is_view: *source_is_view,
                });
            }
        }
    }
    // Many-to-many through junction tables: two foreign keys of one table, both inside one of
    // its primary or unique keys.
    for first in &keys.foreign {
        for second in &keys.foreign {
            if first.relation != second.relation || first.name == second.name {
                continue;
            }
            let junction = first.relation;
            let Some((junction_name, TableKind::Table | TableKind::PartitionedTable)) =
                relations.get(&junction)
            else {
                continue;
            };
            let key: BTreeSet<&String> = first.columns.iter().chain(&second.columns).collect();
            if !keys.key_contains(junction, &key) {
                continue;
            }
            let (Some((origin, _)), Some((target, target_kind))) = (
                relations.get(&first.foreign_relation),
                relations.get(&second.foreign_relation),
            ) else {
                continue;
            };
            if origin == target {
                continue;
            }
            add(Relationship {
                table: origin.clone(),
                foreign_table: target.clone(),
                cardinality: Cardinality::ManyToMany {
                    junction: junction_name.clone(),
                    constraint_origin: first.name.clone(),
                    constraint_target: second.name.clone(),
                    origin_columns: first
                        .foreign_columns
                        .iter()
                        .cloned()
                        .zip(first.columns.iter().cloned())
                        .collect(),
                    target_columns: second
                        .foreign_columns
                        .iter()
                        .cloned()
                        .zip(second.columns.iter().cloned())
                        .collect(),
                },
                is_self: false,
                foreign_table_is_view: matches!(
                    target_kind,
                    TableKind::View | TableKind::MaterializedView
                ),
            });
        }
    }
    for list in all.values_mut() {
        list.sort_by(|a, b| {
            (&a.foreign_table, a.constraint()).cmp(&(&b.foreign_table, b.constraint()))
        });
    }
    all
}

fn function_from_row(
    row: &tokio_postgres::Row,
    relations: &HashMap<u32, (QualifiedName, TableKind)>,
    columns: &HashMap<u32, Vec<(i16, Column)>>,
) -> Function {
    let name = QualifiedName::new(row.get(0), row.get(1));
    let volatility = match row.get::<_, String>(2).as_str() {
        "i" => Volatility::Immutable,
        "s" => Volatility::Stable,
        _ => Volatility::Volatile,
    };
    let set: bool = row.get(3);
    let input_count: i32 = row.get(4);
    let default_count: i32 = row.get(5);
    let modes: Option<Vec<String>> = row.get(6);
    let names: Option<Vec<String>> = row.get(7);
    let types: Vec<String> = row.get(8);
    let base_types: Vec<String> = row.get(9);
    let return_type: String = row.get(10);
    let return_kind: String = row.get(11);
    let return_relation: u32 = row.get(12);
    let config: Option<Vec<String>> = row.get(13);
    let settings = config
        .unwrap_or_default()
        .iter()
        .filter_map(|entry| entry.split_once('='))
        .filter(|(name, _)| super::HOISTED_SETTINGS.contains(name))
        .map(|(name, value)| (name.to_owned(), value.to_owned()))
        .collect();

    let mode_of = |index: usize| {
        modes
            .as_ref()
            .and_then(|modes| modes.get(index).cloned())
            .unwrap_or_else(|| "i".to_owned())
    };
    let name_of = |index: usize| {
        names
            .as_ref()
            .and_then(|names| names.get(index).cloned())
            .unwrap_or_default()
    };
    let mut parameters = Vec::new();
    let mut outputs = Vec::new();
    for (index, type_sql) in types.iter().enumerate() {
        let mode = mode_of(index);
        let base_type = base_types.get(index).cloned().unwrap_or_default();
        if matches!(mode.as_str(), "i" | "b" | "v") {
            parameters.push(Parameter {
                name: name_of(index),
                type_sql: type_sql.clone(),
                base_type: base_type.clone(),
                required: true,
                variadic: mode == "v",
            });
        }
        if matches!(mode.as_str(), "o" | "b" | "t") {
            outputs.push(Column {
                name: name_of(index),
                type_sql: type_sql.clone(),
                base_type,
                nullable: true,
                default: None,
            });
        }
    }
    // The last `pronargdefaults` inputs have defaults.
    let inputs = usize::try_from(input_count)
        .unwrap_or(0)
        .min(parameters.len());
    let defaults = usize::try_from(default_count).unwrap_or(0).min(inputs);
    for parameter in &mut parameters[inputs - defaults..inputs] {
        parameter.required = false;
    }

    let returns = if return_type == "void" {
        Returns::Void
    } else if return_kind == "c" {
        let table = relations
            .get(&return_relation)
            .map(|(name, _)| name.clone());
        let row_columns = columns
            .get(&return_relation)
            .map(|columns| columns.iter().map(|(_, c)| c.clone()).collect());
        Returns::Composite {
            set,
            table,
            columns: row_columns,
        }
    } else if return_type == "record" {
        Returns::Composite {
            set,
            table: None,
            columns: (!outputs.is_empty()).then_some(outputs),
        }
    } else {
        Returns::Scalar { set }
    };
    Function {
        name,
        parameters,
        returns,
        volatility,
        settings,
    }
}
