//! The schema cache: what PostgREST knows about the exposed schemas (tables, views, columns,
//! keys, relationships, functions, role settings), built by introspecting pg_catalog
//! ([`introspect`]) and replaced as a whole when the database says `NOTIFY pgrst` ([`watch`]).
//! Every name that reaches SQL is looked up here first.

mod introspect;
mod view_origins;
pub mod watch;

pub use introspect::load;

use std::collections::HashMap;

/// `schema.name`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct QualifiedName {
    pub schema: String,
    pub name: String,
}

impl QualifiedName {
    pub fn new(schema: &str, name: &str) -> QualifiedName {
        QualifiedName {
            schema: schema.to_owned(),
            name: name.to_owned(),
        }
    }

    /// `"schema"."name"`, for SQL.
    pub fn sql(&self) -> String {
        format!(
            "{}.{}",
            crate::db::quote_ident(&self.schema),
            crate::db::quote_ident(&self.name)
        )
    }
}

impl std::fmt::Display for QualifiedName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.schema, self.name)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableKind {
    Table,
    PartitionedTable,
    View,
    MaterializedView,
    ForeignTable,
}

/// A column of a table, view or composite type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    /// The type as SQL can name it regardless of search_path (`format_type`, qualified), e.g.
    /// `text`, `numeric(10,2)`, `public.status`, `uuid[]`.
    pub type_sql: String,
    /// The base type's name after resolving domains (`jsonb`, `tsvector`, `int4`, ...).
    pub base_type: String,
    pub nullable: bool,
    /// The DEFAULT expression (SQL, qualified), if any.
    pub default: Option<String>,
}

impl Column {
    pub fn is_json(&self) -> bool {
        matches!(self.base_type.as_str(), "json" | "jsonb")
    }

    pub fn is_tsvector(&self) -> bool {
        self.base_type == "tsvector"
    }
}

/// A table, view, materialized view or foreign table of an exposed schema.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub name: QualifiedName,
    pub kind: TableKind,
    pub columns: Vec<Column>,
    /// Primary-key columns (for views: the base table's, when the view exposes them all).
    pub primary_key: Vec<String>,
}

impl Table {
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|column| column.name == name)
    }

    /// Whether the table can report inserted vs updated rows through `xmax` (not for views).
    pub fn has_system_columns(&self) -> bool {
        matches!(self.kind, TableKind::Table | TableKind::PartitionedTable)
    }
}

/// How two relations are related (PostgREST's cardinalities).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cardinality {
    /// The origin holds the foreign key: each origin row has at most one target.
    ManyToOne {
        constraint: String,
        /// (origin column, target column).
        columns: Vec<(String, String)>,
    },
    /// The target holds the foreign key.
    OneToMany {
        constraint: String,
        /// (origin column, target column).
        columns: Vec<(String, String)>,
    },
    /// A foreign key that is also unique: an object in both directions.
    OneToOne {
        constraint: String,
        columns: Vec<(String, String)>,
    },
    /// Through a junction table whose key holds both foreign keys.
    ManyToMany {
        junction: QualifiedName,
        constraint_origin: String,
        constraint_target: String,
        /// (origin column, junction column).
        origin_columns: Vec<(String, String)>,
        /// (target column, junction column).
        target_columns: Vec<(String, String)>,
    },
}

/// A relationship from `table` to `foreign_table`, usable for embedding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relationship {
    pub table: QualifiedName,
    pub foreign_table: QualifiedName,
    pub cardinality: Cardinality,
    /// A table related to itself (needs special disambiguation rules).
    pub is_self: bool,
    pub foreign_table_is_view: bool,
}

impl Relationship {
    /// Embeds as a single object (or null) rather than an array.
    pub fn is_to_one(&self) -> bool {
        matches!(
            self.cardinality,
            Cardinality::ManyToOne { .. } | Cardinality::OneToOne { .. }
        )
    }

    pub fn constraint(&self) -> &str {
        match &self.cardinality {
            Cardinality::ManyToOne { constraint, .. }
            | Cardinality::OneToMany { constraint, .. }
            | Cardinality::OneToOne { constraint, .. } => constraint,
            Cardinality::ManyToMany { junction, .. } => &junction.name,
        }
    }

    /// The (origin, target) column pairs of a direct relationship; empty for many-to-many.
    pub fn column_pairs(&self) -> &[(String, String)] {
        match &self.cardinality {
            Cardinality::ManyToOne { columns, .. }
            | Cardinality::OneToMany { columns, .. }
            | Cardinality::OneToOne { columns, .. } => columns,
            Cardinality::ManyToMany { .. } => &[],
        }
    }

    /// The origin columns the join needs (so mutations return them).
    pub fn origin_columns(&self) -> Vec<String> {
        match &self.cardinality {
            Cardinality::ManyToMany { origin_columns, .. } => origin_columns
                .iter()
                .map(|(origin, _)| origin.clone())
                .collect(),
            _ => self
                .column_pairs()
                .iter()
                .map(|(origin, _)| origin.clone())
                .collect(),
        }
    }

    /// The relationship as PostgREST lists it in PGRST201 details.
    pub fn describe(&self) -> serde_json::Value {
        let list = |columns: Vec<&String>| {
            format!(
                "({})",
                columns
                    .iter()
                    .map(|c| c.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        let (cardinality, relationship) = match &self.cardinality {
            Cardinality::ManyToMany {
                junction,
                constraint_origin,
                constraint_target,
                origin_columns,
                target_columns,
            } => (
                "many-to-many",
                format!(
                    "{} using {}{} and {}{}",
                    junction.name,
                    constraint_origin,
                    list(origin_columns.iter().map(|(_, j)| j).collect()),
                    constraint_target,
                    list(target_columns.iter().map(|(_, j)| j).collect())
                ),
            ),
            other => {
                let (name, constraint, columns) = match other {
                    Cardinality::ManyToOne {
                        constraint,
                        columns,
                    } => ("many-to-one", constraint, columns),
                    Cardinality::OneToMany {
                        constraint,
                        columns,
                    } => ("one-to-many", constraint, columns),
                    Cardinality::OneToOne {
                        constraint,
                        columns,
                    } => ("one-to-one", constraint, columns),
                    Cardinality::ManyToMany { .. } => unreachable!("handled above"),
                };
                (
                    name,
                    format!(
                        "{constraint} using {}{} and {}{}",
                        self.table.name,
                        list(columns.iter().map(|(o, _)| o).collect()),
                        self.foreign_table.name,
                        list(columns.iter().map(|(_, t)| t).collect())
                    ),
                )
            }
        };
        serde_json::json!({
            "cardinality": cardinality,
            "embedding": format!("{} with {}", self.table.name, self.foreign_table.name),
            "relationship": relationship,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Volatility {
    Immutable,
    Stable,
    Volatile,
}

/// An input parameter of a function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parameter {
    /// Empty for an unnamed parameter.
    pub name: String,
    pub type_sql: String,
    /// The base type name (`json`, `jsonb`, `text`, ...).
    pub base_type: String,
    /// No DEFAULT: the caller must pass it.
    pub required: bool,
    pub variadic: bool,
}

/// What a function returns, which decides the response shape.
#[derive(Debug, Clone, PartialEq)]
pub enum Returns {
    Void,
    /// A single value (JSON scalar), or `SETOF` values (array) when `set`.
    Scalar {
        set: bool,
    },
    /// Rows: an object, or an array when `set`. `table` is the relation whose relationships
    /// embeds may use (a table or view of an exposed schema returned as its row type).
    Composite {
        set: bool,
        table: Option<QualifiedName>,
        /// Known output columns; None for `record` without OUT parameters.
        columns: Option<Vec<Column>>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Function {
    pub name: QualifiedName,
    pub parameters: Vec<Parameter>,
    pub returns: Returns,
    pub volatility: Volatility,
    /// The function's own `SET` values that PostgREST hoists into the transaction before the
    /// call (its default `db-hoisted-tx-settings`, see [`HOISTED_SETTINGS`]).
    pub settings: Vec<(String, String)>,
}

/// Function settings applied to the whole transaction, as PostgREST's default
/// `db-hoisted-tx-settings`: a `statement_timeout` set on a function then bounds its call.
pub const HOISTED_SETTINGS: &[&str] = &[
    "statement_timeout",
    "plan_filter.statement_cost_limit",
    "default_transaction_isolation",
];

impl Function {
    pub fn returns_set(&self) -> bool {
        matches!(
            self.returns,
            Returns::Scalar { set: true } | Returns::Composite { set: true, .. }
        )
    }

    /// A single unnamed json/jsonb parameter: it receives the whole body.
    pub fn single_unnamed_json(&self) -> bool {
        matches!(self.parameters.as_slice(), [p] if p.name.is_empty() && matches!(p.base_type.as_str(), "json" | "jsonb"))
    }

    /// A single unnamed parameter of this base type (a raw body's target).
    pub fn single_unnamed_of(&self, base_type: &str) -> bool {
        matches!(self.parameters.as_slice(), [p] if p.name.is_empty() && p.base_type == base_type)
    }

    /// `fn(a => int4, b => text)` as PostgREST prints candidates.
    pub fn signature(&self) -> String {
        let parameters: Vec<String> = self
            .parameters
            .iter()
            .map(|p| format!("{} => {}", p.name, p.type_sql))
            .collect();
        format!("{}({})", self.name, parameters.join(", "))
    }
}

/// The whole cache. Immutable once built; replaced as a whole on reload.
#[derive(Debug, Clone, Default)]
pub struct SchemaCache {
    pub tables: HashMap<QualifiedName, Table>,
    /// Relationships by origin relation.
    pub relationships: HashMap<QualifiedName, Vec<Relationship>>,
    /// Functions by name (overloads share a name).
    pub functions: HashMap<QualifiedName, Vec<Function>>,
    /// `ALTER ROLE … SET` values per role, applied when impersonating it.
    pub role_settings: HashMap<String, Vec<(String, String)>>,
}

impl SchemaCache {
    pub fn table(&self, name: &QualifiedName) -> Option<&Table> {
        self.tables.get(name)
    }

    pub fn relationships_from(&self, origin: &QualifiedName) -> &[Relationship] {
        self.relationships
            .get(origin)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    pub fn role_settings(&self, role: &str) -> &[(String, String)] {
        self.role_settings
            .get(role)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// A close table name in the same schema, for "Perhaps you meant" hints.
    pub fn similar_table(&self, schema: &str, name: &str) -> Option<String> {
        closest(
            name,
            self.tables
                .keys()
                .filter(|key| key.schema == schema)
                .map(|key| key.name.as_str()),
        )
    }

    /// A close function name in the same schema.
    pub fn similar_function(&self, schema: &str, name: &str) -> Option<String> {
        closest(
            name,
            self.functions
                .keys()
                .filter(|key| key.schema == schema)
                .map(|key| key.name.as_str()),
        )
    }
}

/// The most similar candidate, if it is similar enough (as PostgREST's fuzzy hints, ≥ 0.75).
pub fn closest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<String> {
    candidates
        .map(|candidate| (strsim::normalized_levenshtein(name, candidate), candidate))
        .filter(|(score, candidate)| *score >= 0.75 && *candidate != name)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate.to_owned())
}
