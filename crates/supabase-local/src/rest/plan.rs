//! From a parsed request to a plan: every name is checked against the schema cache, embeds are
//! resolved to relationships (PostgREST's `findRel` rules), functions to one overload
//! (`findProc`), and the result says exactly what SQL to build. Nothing here touches the
//! database; identifiers that leave this module exist in the cache.

use super::error::ApiError;
use super::query::*;
use super::request::{BodyShape, Media, Payload, Preferences, RawType, Representation, Resolution};
use super::schema::*;
use crate::db::{Access, quote_ident};
use std::collections::BTreeSet;

/// What the request does, from the method and path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Read {
        relation: String,
        head: bool,
    },
    Insert {
        relation: String,
    },
    Update {
        relation: String,
    },
    Delete {
        relation: String,
    },
    Put {
        relation: String,
    },
    Call {
        function: String,
        method: CallMethod,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallMethod {
    Get,
    Head,
    Post,
}

/// How a node's rows are reached.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// A table or view.
    Relation(QualifiedName),
    /// The `pgrst_source` CTE holding a mutation's RETURNING rows or a function's result.
    Cte,
}

/// A column reference with optional JSON navigation.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnRef {
    pub column: String,
    pub json_path: Vec<JsonStep>,
    /// The column is not json/jsonb: navigate `to_jsonb(column)`.
    pub to_json: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Output {
    /// `alias.*`.
    AllColumns,
    Column {
        field: ColumnRef,
        cast: Option<String>,
        name: String,
    },
    /// The value of a scalar function (`pgrst_scalar`).
    Scalar,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    Filter {
        field: ColumnRef,
        negated: bool,
        operation: Operation,
        /// The column is a tsvector (no `to_tsvector` for full-text operators).
        tsvector: bool,
    },
    /// `embed=is.null` / `embed=not.is.null`.
    EmbedNull {
        lateral: String,
        to_many: bool,
        is_null: bool,
    },
    Tree {
        negated: bool,
        operator: LogicOperator,
        children: Vec<Condition>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum OrderRef {
    Column(ColumnRef),
    /// A column of a to-one embed: `"lateral"."column"`.
    Embedded {
        lateral: String,
        column: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct OrderPlan {
    pub target: OrderRef,
    pub direction: Option<Direction>,
    pub nulls: Option<Nulls>,
}

/// One resource in the tree of a read.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadPlan {
    pub source: Source,
    /// SQL that qualifies this node's columns (`"public"."clients"`, `"pgrst_1"`, `pgrst_source`).
    pub alias: String,
    pub outputs: Vec<Output>,
    pub embeds: Vec<EmbedPlan>,
    pub conditions: Vec<Condition>,
    pub order: Vec<OrderPlan>,
    pub limit: Option<u64>,
    pub offset: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EmbedPlan {
    /// The key in the parent's JSON (alias, else relation name).
    pub name: String,
    pub relationship: Relationship,
    pub inner: bool,
    pub spread: bool,
    /// `rel()` selects nothing: the embed only filters.
    pub output: bool,
    pub parent_alias: String,
    pub lateral: String,
    pub junction_alias: String,
    /// For a to-many spread: the child's output names, each aggregated into an array.
    pub spread_columns: Vec<String>,
    pub plan: ReadPlan,
}

impl EmbedPlan {
    pub fn to_one(&self) -> bool {
        self.relationship.is_to_one()
    }
}

/// What a mutation returns to the read part.
#[derive(Debug, Clone, PartialEq)]
pub enum Returning {
    /// `RETURNING 1`: only the row count matters.
    Count,
    All,
    Columns(Vec<String>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct InsertPlan {
    pub table: QualifiedName,
    pub columns: Vec<Column>,
    /// The body as a JSON array of rows.
    pub body: String,
    pub on_conflict: Option<(Resolution, Vec<String>)>,
    pub defaults: bool,
    /// PUT: the primary key values from the URL that the body must match.
    pub put_keys: Vec<(String, String)>,
    pub returning: Returning,
}

/// The rows an UPDATE or DELETE touches: the root filters, and an optional order/limit.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub conditions: Vec<Condition>,
    pub order: Vec<OrderPlan>,
    pub limit: Option<u64>,
    pub offset: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UpdatePlan {
    pub table: QualifiedName,
    pub columns: Vec<Column>,
    pub body: String,
    pub defaults: bool,
    pub target: Target,
    pub returning: Returning,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DeletePlan {
    pub table: QualifiedName,
    pub target: Target,
    pub returning: Returning,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Mutation {
    Insert(InsertPlan),
    Update(UpdatePlan),
    Delete(DeletePlan),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Arguments {
    /// `fn()`.
    None,
    /// A single unnamed parameter receives the body: JSON for json/jsonb, the raw body for
    /// text/bytea/xml (bytea in its `\x` hex input form).
    Body(String),
    /// Named parameters taken from a JSON object by `json_to_record`.
    Named {
        parameters: Vec<Parameter>,
        object: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct CallPlan {
    pub function: Function,
    pub arguments: Arguments,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Read,
    Mutate(Mutation),
    Call(CallPlan),
}

/// Everything needed to build the statement and the response.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub kind: Kind,
    pub read: ReadPlan,
    pub access: Access,
    pub media: Media,
    /// No body is rendered (HEAD, or a write without return=representation).
    pub no_body: bool,
    pub count: bool,
    /// Primary key columns, for the Location header of `return=headers-only` inserts.
    pub location: Option<Vec<String>>,
    /// An upsert with merge-duplicates: report 200 when nothing was inserted.
    pub count_inserted: bool,
}

/// The inputs of planning.
pub struct PlanRequest<'a> {
    pub cache: &'a SchemaCache,
    pub schema: &'a str,
    pub action: Action,
    pub query: &'a QueryParams,
    pub preferences: &'a Preferences,
    pub media: Media,
    pub payload: Option<&'a Payload>,
    /// The root range: `limit`/`offset` merged with the Range header.
    pub range: Range,
    pub max_rows: Option<u64>,
}

/// The columns a node may reference.
#[derive(Clone, Copy)]
enum Columns<'c> {
    Known(&'c [Column]),
    /// A scalar function result: only `pgrst_scalar`.
    Scalar,
}

struct Planner<'a> {
    cache: &'a SchemaCache,
    schema: &'a str,
    query: &'a QueryParams,
    /// Per-node row cap (reads and calls), None for mutations.
    max_rows: Option<u64>,
    /// Mutations take root filters, order and range themselves; the read part gets none.
    mutation: bool,
    next_alias: usize,
}

pub fn plan(request: &PlanRequest) -> Result<Plan, ApiError> {
    let query = canonical_paths(request.query);
    let mut planner = Planner {
        cache: request.cache,
        schema: request.schema,
        query: &query,
        max_rows: request.max_rows,
        mutation: matches!(
            request.action,
            Action::Insert { .. }
                | Action::Update { .. }
                | Action::Delete { .. }
                | Action::Put { .. }
        ),
        next_alias: 0,
    };
    if planner.mutation {
        planner.max_rows = None;
    }
    let plan = match &request.action {
        Action::Read { relation, head } => planner.read(request, relation, *head)?,
        Action::Call { function, method } => planner.call(request, function, *method)?,
        Action::Insert { relation } => planner.insert(request, relation, false)?,
        Action::Put { relation } => planner.insert(request, relation, true)?,
        Action::Update { relation } => planner.update(request, relation)?,
        Action::Delete { relation } => planner.delete(request, relation)?,
    };
    request.preferences.check_strict()?;
    Ok(plan)
}

impl<'a> Planner<'a> {
    fn table(&self, name: &str) -> Result<&'a Table, ApiError> {
        let qualified = QualifiedName::new(self.schema, name);
        self.cache
            .table(&qualified)
            .ok_or_else(|| ApiError::TableNotFound {
                schema: self.schema.to_owned(),
                name: name.to_owned(),
                suggestion: self
                    .cache
                    .similar_table(self.schema, name)
                    .map(|table| format!("Perhaps you meant the table '{}.{table}'", self.schema)),
            })
    }

    fn cap(&self, limit: Option<u64>) -> Option<u64> {
        match (limit, self.max_rows) {
            (Some(limit), Some(max)) => Some(limit.min(max)),
            (None, max) => max,
            (limit, None) => limit,
        }
    }

    fn read(
        &mut self,
        request: &PlanRequest,
        relation: &str,
        head: bool,
    ) -> Result<Plan, ApiError> {
        let table = self.table(relation)?;
        let mut read = self.node(
            Source::Relation(table.name.clone()),
            table.name.sql(),
            Some(table),
            Columns::Known(&table.columns),
            &[],
            &self.query.select,
        )?;
        read.limit = self.cap(request.range.limit);
        read.offset = request.range.offset;
        self.check_paths(&read)?;
        Ok(Plan {
            kind: Kind::Read,
            read,
            access: Access::ReadOnly,
            media: request.media,
            no_body: head,
            count: request.preferences.count,
            location: None,
            count_inserted: false,
        })
    }

    // --- the read tree ---

    fn node(
        &mut self,
        source: Source,
        alias: String,
        table: Option<&'a Table>,
        columns: Columns<'a>,
        path: &[String],
        items: &[SelectItem],
    ) -> Result<ReadPlan, ApiError> {
        let label = table
            .map(|table| table.name.name.clone())
            .unwrap_or_else(|| "pgrst_source".to_owned());
        let mut outputs = Vec::new();
        let mut embeds = Vec::new();
        for item in items {
            match item {
                SelectItem::Star => outputs.push(match columns {
                    Columns::Scalar => Output::Scalar,
                    Columns::Known(_) => Output::AllColumns,
                }),
                SelectItem::Field { field, alias, cast } => {
                    let (field_ref, _) = resolve_field(columns, &label, field)?;
                    let name = alias.clone().unwrap_or_else(|| default_name(field));
                    outputs.push(Output::Column {
                        field: field_ref,
                        cast: cast.clone(),
                        name,
                    });
                }
                SelectItem::Embed(embed) => {
                    let Some(origin) = table else {
                        return Err(ApiError::NoRelationship {
                            parent: label.clone(),
                            child: embed.relation.clone(),
                            hint: embed.hint.clone(),
                            schema: self.schema.to_owned(),
                            suggestion: None,
                        });
                    };
                    let mut child_path = path.to_vec();
                    child_path.push(embed.name().to_owned());
                    embeds.push(self.embed(origin, &alias, embed, &child_path)?);
                }
            }
        }
        if outputs.is_empty() && embeds.is_empty() {
            outputs.push(match columns {
                Columns::Scalar => Output::Scalar,
                Columns::Known(_) => Output::AllColumns,
            });
        }
        let mut node = ReadPlan {
            source,
            alias,
            outputs,
            embeds,
            conditions: Vec::new(),
            order: Vec::new(),
            limit: None,
            offset: 0,
        };
        let root_of_mutation = self.mutation && path.is_empty();
        if !root_of_mutation {
            for (filter_path, filter) in &self.query.filters {
                if filter_path.as_slice() == path {
                    let condition = self.condition(&node, columns, &label, filter)?;
                    node.conditions.push(condition);
                }
            }
            for (tree_path, tree) in &self.query.logic {
                if tree_path.as_slice() == path {
                    let condition = self.tree(&node, columns, &label, tree)?;
                    node.conditions.push(condition);
                }
            }
        }
        if !self.mutation {
            if let Some((_, terms)) = self.query.order.iter().find(|(p, _)| p.as_slice() == path) {
                node.order = self.order(&node, table, columns, &label, terms)?;
            }
            if !path.is_empty() {
                let range = self.query.range_of(path);
                node.limit = self.cap(range.limit);
                node.offset = range.offset;
            }
        }
        Ok(node)
    }

    fn embed(
        &mut self,
        origin: &'a Table,
        parent_alias: &str,
        embed: &Embed,
        path: &[String],
    ) -> Result<EmbedPlan, ApiError> {
        let relationship = find_relationship(
            self.cache,
            self.schema,
            &origin.name,
            &embed.relation,
            embed.hint.as_deref(),
        )?;
        let target = self
            .cache
            .table(&relationship.foreign_table)
            .ok_or_else(|| ApiError::NoRelationship {
                parent: origin.name.name.clone(),
                child: embed.relation.clone(),
                hint: embed.hint.clone(),
                schema: self.schema.to_owned(),
                suggestion: None,
            })?;
        self.next_alias += 1;
        let number = self.next_alias;
        let alias = quote_ident(&format!("pgrst_{number}"));
        let plan = self.node(
            Source::Relation(target.name.clone()),
            alias,
            Some(target),
            Columns::Known(&target.columns),
            path,
            &embed.children,
        )?;
        let spread_columns = if embed.spread {
            output_names(&plan, target)
        } else {
            Vec::new()
        };
        Ok(EmbedPlan {
            name: embed.name().to_owned(),
            relationship,
            inner: embed.join == Some(JoinType::Inner),
            spread: embed.spread,
            output: !embed.children.is_empty(),
            parent_alias: parent_alias.to_owned(),
            lateral: quote_ident(&format!("pgrst_agg_{number}")),
            junction_alias: quote_ident(&format!("pgrst_junction_{number}")),
            spread_columns,
            plan,
        })
    }

    fn condition(
        &self,
        node: &ReadPlan,
        columns: Columns,
        label: &str,
        filter: &Filter,
    ) -> Result<Condition, ApiError> {
        if filter.field.json_path.is_empty()
            && let Some(embed) = node.embeds.iter().find(|e| e.name == filter.field.name)
            && let Operation::Is(is @ (IsValue::Null | IsValue::NotNull)) = filter.operation
        {
            let wants_null = (is == IsValue::Null) != filter.negated;
            return Ok(Condition::EmbedNull {
                lateral: embed.lateral.clone(),
                to_many: !embed.to_one(),
                is_null: wants_null,
            });
        }
        let (field, column) = resolve_field(columns, label, &filter.field)?;
        Ok(Condition::Filter {
            field,
            negated: filter.negated,
            operation: filter.operation.clone(),
            tsvector: column.is_some_and(|column| column.is_tsvector()),
        })
    }

    fn tree(
        &self,
        node: &ReadPlan,
        columns: Columns,
        label: &str,
        tree: &LogicTree,
    ) -> Result<Condition, ApiError> {
        Ok(match tree {
            LogicTree::Filter(filter) => self.condition(node, columns, label, filter)?,
            LogicTree::Expr {
                negated,
                operator,
                children,
            } => Condition::Tree {
                negated: *negated,
                operator: *operator,
                children: children
                    .iter()
                    .map(|child| self.tree(node, columns, label, child))
                    .collect::<Result<_, _>>()?,
            },
        })
    }

    fn order(
        &self,
        node: &ReadPlan,
        table: Option<&Table>,
        columns: Columns,
        label: &str,
        terms: &[OrderTerm],
    ) -> Result<Vec<OrderPlan>, ApiError> {
        terms
            .iter()
            .map(|term| {
                let target = match &term.target {
                    OrderTarget::Field(field) => {
                        OrderRef::Column(resolve_field(columns, label, field)?.0)
                    }
                    OrderTarget::Relation { relation, field } => {
                        let embed = node
                            .embeds
                            .iter()
                            .find(|embed| embed.name == *relation)
                            .ok_or_else(|| ApiError::NotEmbedded(relation.clone()))?;
                        if !embed.to_one() {
                            return Err(ApiError::RelatedOrderNotToOne {
                                origin: table.map(|t| t.name.name.clone()).unwrap_or_default(),
                                target: relation.clone(),
                            });
                        }
                        let target_table = self.cache.table(&embed.relationship.foreign_table);
                        let available = output_names(
                            &embed.plan,
                            target_table.expect("embedded tables exist in the cache"),
                        );
                        if !field.json_path.is_empty() || !available.contains(&field.name) {
                            return Err(ApiError::UndefinedColumn {
                                relation: relation.clone(),
                                column: field.name.clone(),
                            });
                        }
                        OrderRef::Embedded {
                            lateral: embed.lateral.clone(),
                            column: field.name.clone(),
                        }
                    }
                };
                Ok(OrderPlan {
                    target,
                    direction: term.direction,
                    nulls: term.nulls,
                })
            })
            .collect()
    }

    /// Every embed path used by a filter, order or limit must name an embed in select=.
    fn check_paths(&self, root: &ReadPlan) -> Result<(), ApiError> {
        let mut paths: Vec<&EmbedPath> = self.query.filters.iter().map(|(p, _)| p).collect();
        paths.extend(self.query.logic.iter().map(|(p, _)| p));
        if !self.mutation {
            paths.extend(self.query.order.iter().map(|(p, _)| p));
            paths.extend(self.query.ranges.iter().map(|(p, _)| p));
        }
        for path in paths {
            let mut node = root;
            for name in path {
                node = &node
                    .embeds
                    .iter()
                    .find(|embed| embed.name == *name)
                    .ok_or_else(|| ApiError::NotEmbedded(name.clone()))?
                    .plan;
            }
        }
        Ok(())
    }

    // --- writes ---

    fn write_columns(
        &self,
        table: &'a Table,
        payload: &Payload,
        single_row: bool,
    ) -> Result<Vec<Column>, ApiError> {
        let names: Vec<String> = match &self.query.columns {
            Some(columns) => columns.clone(),
            None => match &payload.shape {
                BodyShape::Object(keys) => keys.clone(),
                BodyShape::Array(Some(rows)) => {
                    let first: BTreeSet<&String> = rows
                        .first()
                        .map(|row| row.iter().collect())
                        .unwrap_or_default();
                    if rows
                        .iter()
                        .any(|row| row.iter().collect::<BTreeSet<_>>() != first)
                    {
                        return Err(ApiError::InvalidBody(
                            "All object keys must match".to_owned(),
                        ));
                    }
                    rows.first().cloned().unwrap_or_default()
                }
                BodyShape::Array(None) | BodyShape::Scalar | BodyShape::Raw(_) => {
                    return Err(ApiError::InvalidBody(
                        "The body must be a JSON object or an array of objects".to_owned(),
                    ));
                }
            },
        };
        if single_row && matches!(&payload.shape, BodyShape::Array(Some(rows)) if rows.len() != 1) {
            return Err(ApiError::InvalidBody(
                "The body must contain a single object".to_owned(),
            ));
        }
        if let BodyShape::Array(None) | BodyShape::Scalar | BodyShape::Raw(_) = payload.shape {
            return Err(ApiError::InvalidBody(
                "The body must be a JSON object or an array of objects".to_owned(),
            ));
        }
        names
            .iter()
            .map(|name| {
                table
                    .column(name)
                    .cloned()
                    .ok_or_else(|| ApiError::ColumnNotFound {
                        table: table.name.name.clone(),
                        column: name.clone(),
                    })
            })
            .collect()
    }

    fn returning(
        &self,
        read: &ReadPlan,
        table: &Table,
        representation: Representation,
    ) -> Returning {
        if representation == Representation::Minimal {
            return Returning::Count;
        }
        if read.outputs.contains(&Output::AllColumns) {
            return Returning::All;
        }
        let mut names: Vec<String> = Vec::new();
        let mut push = |name: &String| {
            if !names.contains(name) {
                names.push(name.clone());
            }
        };
        for output in &read.outputs {
            if let Output::Column { field, .. } = output {
                push(&field.column);
            }
        }
        for embed in &read.embeds {
            for column in embed.relationship.origin_columns() {
                push(&column);
            }
        }
        for column in &table.primary_key {
            push(column);
        }
        Returning::Columns(names)
    }

    /// The read part of a mutation: the RETURNING rows, shaped by select=.
    fn mutation_read(&mut self, table: &'a Table) -> Result<ReadPlan, ApiError> {
        let read = self.node(
            Source::Cte,
            "pgrst_source".to_owned(),
            Some(table),
            Columns::Known(&table.columns),
            &[],
            &self.query.select,
        )?;
        self.check_paths(&read)?;
        Ok(read)
    }

    fn root_conditions(&self, table: &'a Table) -> Result<Vec<Condition>, ApiError> {
        let alias = table.name.sql();
        let probe = ReadPlan {
            source: Source::Relation(table.name.clone()),
            alias,
            outputs: Vec::new(),
            embeds: Vec::new(),
            conditions: Vec::new(),
            order: Vec::new(),
            limit: None,
            offset: 0,
        };
        let columns = Columns::Known(&table.columns);
        let label = &table.name.name;
        let mut conditions = Vec::new();
        for (path, filter) in &self.query.filters {
            if path.is_empty() {
                conditions.push(self.condition(&probe, columns, label, filter)?);
            }
        }
        for (path, tree) in &self.query.logic {
            if path.is_empty() {
                conditions.push(self.tree(&probe, columns, label, tree)?);
            }
        }
        Ok(conditions)
    }

    fn root_order(&self, table: &'a Table) -> Result<Vec<OrderPlan>, ApiError> {
        let Some((_, terms)) = self.query.order.iter().find(|(p, _)| p.is_empty()) else {
            return Ok(Vec::new());
        };
        terms
            .iter()
            .map(|term| match &term.target {
                OrderTarget::Field(field) => Ok(OrderPlan {
                    target: OrderRef::Column(
                        resolve_field(Columns::Known(&table.columns), &table.name.name, field)?.0,
                    ),
                    direction: term.direction,
                    nulls: term.nulls,
                }),
                OrderTarget::Relation { relation, .. } => {
                    Err(ApiError::NotEmbedded(relation.clone()))
                }
            })
            .collect()
    }

    fn representation(request: &PlanRequest) -> Representation {
        request.preferences.representation.unwrap_or_default()
    }

    fn insert(
        &mut self,
        request: &PlanRequest,
        relation: &str,
        put: bool,
    ) -> Result<Plan, ApiError> {
        let table = self.table(relation)?;
        let payload = request
            .payload
            .ok_or_else(|| ApiError::InvalidBody("Empty or invalid json".to_owned()))?;
        let columns = self.write_columns(table, payload, put)?;
        let representation = Self::representation(request);
        let read = self.mutation_read(table)?;
        let mut returning = self.returning(&read, table, representation);
        let mut put_keys = Vec::new();
        let on_conflict = if put {
            put_keys = self.put_keys(table, &columns)?;
            Some((Resolution::MergeDuplicates, table.primary_key.clone()))
        } else {
            match request.preferences.resolution {
                None => None,
                Some(resolution) => {
                    let keys = match &self.query.on_conflict {
                        Some(keys) => {
                            for key in keys {
                                if table.column(key).is_none() {
                                    return Err(ApiError::ColumnNotFound {
                                        table: table.name.name.clone(),
                                        column: key.clone(),
                                    });
                                }
                            }
                            keys.clone()
                        }
                        None => table.primary_key.clone(),
                    };
                    (!keys.is_empty()).then_some((resolution, keys))
                }
            }
        };
        let location = (representation == Representation::HeadersOnly
            && !table.primary_key.is_empty())
        .then(|| table.primary_key.clone());
        if location.is_some() && returning == Returning::Count {
            returning = Returning::Columns(table.primary_key.clone());
        }
        let count_inserted = matches!(on_conflict, Some((Resolution::MergeDuplicates, _)));
        let insert = InsertPlan {
            table: table.name.clone(),
            columns,
            body: payload.as_array_text(),
            on_conflict,
            defaults: request.preferences.missing_default,
            put_keys,
            returning,
        };
        Ok(Plan {
            location,
            count_inserted,
            ..Self::write(request, Mutation::Insert(insert), read)
        })
    }

    /// PUT: the filters must be exactly the primary key with `eq`, and the body must carry it.
    fn put_keys(
        &self,
        table: &Table,
        columns: &[Column],
    ) -> Result<Vec<(String, String)>, ApiError> {
        if self.query.root_range() != Range::default() {
            return Err(ApiError::PutLimitNotAllowed);
        }
        let mut keys = Vec::new();
        for (path, filter) in &self.query.filters {
            if !path.is_empty() {
                continue;
            }
            match &filter.operation {
                Operation::Quant {
                    operator: QuantOperator::Equal,
                    quantifier: None,
                    value,
                } if !filter.negated && filter.field.json_path.is_empty() => {
                    keys.push((filter.field.name.clone(), value.clone()));
                }
                _ => return Err(ApiError::InvalidPutFilters),
            }
        }
        let filtered: BTreeSet<&String> = keys.iter().map(|(name, _)| name).collect();
        let primary: BTreeSet<&String> = table.primary_key.iter().collect();
        if primary.is_empty()
            || filtered != primary
            || keys.len() != primary.len()
            || self.query.logic.iter().any(|(path, _)| path.is_empty())
        {
            return Err(ApiError::InvalidPutFilters);
        }
        if !table
            .primary_key
            .iter()
            .all(|key| columns.iter().any(|column| &column.name == key))
        {
            return Err(ApiError::PutMatchingPk);
        }
        Ok(keys)
    }

    /// The rows an UPDATE/DELETE touches; refused without filters or limit, as safeupdate does.
    fn target(&self, table: &'a Table, statement: &str, writes: bool) -> Result<Target, ApiError> {
        let conditions = self.root_conditions(table)?;
        let range = self.query.root_range();
        if writes && conditions.is_empty() && range.limit.is_none() {
            return Err(ApiError::safe_update(statement));
        }
        Ok(Target {
            conditions,
            order: self.root_order(table)?,
            limit: range.limit,
            offset: range.offset,
        })
    }

    /// The plan of a write whose read part is `read`.
    fn write(request: &PlanRequest, mutation: Mutation, read: ReadPlan) -> Plan {
        Plan {
            kind: Kind::Mutate(mutation),
            read,
            access: Access::ReadWrite,
            media: request.media,
            no_body: Self::representation(request) != Representation::Full,
            count: request.preferences.count,
            location: None,
            count_inserted: false,
        }
    }

    fn update(&mut self, request: &PlanRequest, relation: &str) -> Result<Plan, ApiError> {
        let table = self.table(relation)?;
        let payload = request
            .payload
            .ok_or_else(|| ApiError::InvalidBody("Empty or invalid json".to_owned()))?;
        let columns = self.write_columns(table, payload, false)?;
        // An empty body updates nothing, so safeupdate has nothing to refuse.
        let target = self.target(table, "UPDATE", !columns.is_empty())?;
        let read = self.mutation_read(table)?;
        let returning = self.returning(&read, table, Self::representation(request));
        let update = UpdatePlan {
            table: table.name.clone(),
            columns,
            body: payload.as_array_text(),
            defaults: request.preferences.missing_default,
            target,
            returning,
        };
        Ok(Self::write(request, Mutation::Update(update), read))
    }

    fn delete(&mut self, request: &PlanRequest, relation: &str) -> Result<Plan, ApiError> {
        let table = self.table(relation)?;
        let target = self.target(table, "DELETE", true)?;
        let read = self.mutation_read(table)?;
        let returning = self.returning(&read, table, Self::representation(request));
        let delete = DeletePlan {
            table: table.name.clone(),
            target,
            returning,
        };
        Ok(Self::write(request, Mutation::Delete(delete), read))
    }

    // --- functions ---

    fn call(
        &mut self,
        request: &PlanRequest,
        name: &str,
        method: CallMethod,
    ) -> Result<Plan, ApiError> {
        let (keys, object) = match method {
            CallMethod::Post => match request.payload {
                None => (Vec::new(), "{}".to_owned()),
                Some(payload) => match &payload.shape {
                    BodyShape::Object(keys) => (keys.clone(), payload.text.clone()),
                    _ => (Vec::new(), payload.text.clone()),
                },
            },
            CallMethod::Get | CallMethod::Head => {
                let mut object = serde_json::Map::new();
                for (key, value) in &self.query.arguments {
                    object.insert(key.clone(), serde_json::Value::String(value.clone()));
                }
                (
                    object.keys().cloned().collect(),
                    serde_json::Value::Object(object).to_string(),
                )
            }
        };
        let raw = request.payload.and_then(|payload| match payload.shape {
            BodyShape::Raw(kind) => Some(kind),
            _ => None,
        });
        let function = match raw {
            Some(kind) => find_raw_function(self.cache, self.schema, name, kind)?,
            None => find_function(
                self.cache,
                self.schema,
                name,
                &keys,
                method == CallMethod::Post,
            )?,
        };
        if method == CallMethod::Post
            && raw.is_none()
            && !function.single_unnamed_json()
            && request
                .payload
                .is_some_and(|payload| !matches!(payload.shape, BodyShape::Object(_)))
        {
            return Err(ApiError::InvalidBody(
                "The body of a function call must be a JSON object of arguments".to_owned(),
            ));
        }
        let arguments = if raw.is_some() || function.single_unnamed_json() {
            Arguments::Body(
                request
                    .payload
                    .map(|p| p.text.clone())
                    .unwrap_or_else(|| "{}".to_owned()),
            )
        } else if function.parameters.is_empty() || keys.is_empty() {
            Arguments::None
        } else {
            Arguments::Named {
                parameters: function
                    .parameters
                    .iter()
                    .filter(|parameter| keys.contains(&parameter.name))
                    .cloned()
                    .collect(),
                object,
            }
        };
        let (table, columns) = match &function.returns {
            Returns::Void | Returns::Scalar { .. } => (None, Columns::Scalar),
            Returns::Composite { table, columns, .. } => (
                table.as_ref().and_then(|name| self.cache.table(name)),
                Columns::Known(columns.as_deref().unwrap_or_default()),
            ),
        };
        let mut read = self.node(
            Source::Cte,
            "pgrst_source".to_owned(),
            table,
            columns,
            &[],
            &self.query.select,
        )?;
        read.limit = self.cap(request.range.limit);
        read.offset = request.range.offset;
        self.check_paths(&read)?;
        if request.preferences.strict
            && request.preferences.max_affected.is_some()
            && !function.returns_set()
        {
            return Err(ApiError::MaxAffectedRpc);
        }
        let access = match (method, function.volatility) {
            (CallMethod::Post, Volatility::Volatile) => Access::ReadWrite,
            _ => Access::ReadOnly,
        };
        Ok(Plan {
            kind: Kind::Call(CallPlan {
                function: function.clone(),
                arguments,
            }),
            read,
            access,
            media: request.media,
            no_body: method == CallMethod::Head,
            count: request.preferences.count,
            location: None,
            count_inserted: false,
        })
    }
}

/// Filters, orders and limits may address an embed by its alias or by its relation name;
/// rewrite every path to use the names the plan uses (alias, else relation).
fn canonical_paths(query: &QueryParams) -> QueryParams {
    let canonical = |path: &EmbedPath| -> EmbedPath {
        let mut items: &[SelectItem] = &query.select;
        let mut out = Vec::with_capacity(path.len());
        for segment in path {
            let embeds = || {
                items.iter().filter_map(|item| match item {
                    SelectItem::Embed(embed) => Some(embed),
                    _ => None,
                })
            };
            let found = embeds()
                .find(|embed| embed.name() == segment)
                .or_else(|| embeds().find(|embed| embed.relation == *segment));
            match found {
                Some(embed) => {
                    out.push(embed.name().to_owned());
                    items = &embed.children;
                }
                None => {
                    out.push(segment.clone());
                    items = &[];
                }
            }
        }
        out
    };
    fn rewrite<T>(entries: &mut [(EmbedPath, T)], canonical: &dyn Fn(&EmbedPath) -> EmbedPath) {
        for (path, _) in entries {
            *path = canonical(path);
        }
    }
    let mut result = query.clone();
    rewrite(&mut result.filters, &canonical);
    rewrite(&mut result.logic, &canonical);
    rewrite(&mut result.order, &canonical);
    rewrite(&mut result.ranges, &canonical);
    result
}

/// Resolve a field against the node's columns.
fn resolve_field<'c>(
    columns: Columns<'c>,
    label: &str,
    field: &Field,
) -> Result<(ColumnRef, Option<&'c Column>), ApiError> {
    let undefined = || ApiError::UndefinedColumn {
        relation: label.to_owned(),
        column: field.name.clone(),
    };
    match columns {
        Columns::Scalar => {
            if field.name == "pgrst_scalar" {
                Ok((
                    ColumnRef {
                        column: field.name.clone(),
                        json_path: field.json_path.clone(),
                        to_json: true,
                    },
                    None,
                ))
            } else {
                Err(undefined())
            }
        }
        Columns::Known(columns) => {
            let column = columns
                .iter()
                .find(|column| column.name == field.name)
                .ok_or_else(undefined)?;
            Ok((
                ColumnRef {
                    column: column.name.clone(),
                    json_path: field.json_path.clone(),
                    to_json: !column.is_json(),
                },
                Some(column),
            ))
        }
    }
}

/// PostgREST's output name: the alias, else the last JSON key (for an index, the last key
/// before it, else the column), else the column.
fn default_name(field: &Field) -> String {
    match field.json_path.last() {
        None => field.name.clone(),
        Some(step) => match step.key() {
            JsonKey::Key(key) => key.clone(),
            JsonKey::Index(_) => field
                .json_path
                .iter()
                .rev()
                .find_map(|step| match step.key() {
                    JsonKey::Key(key) => Some(key.clone()),
                    JsonKey::Index(_) => None,
                })
                .unwrap_or_else(|| field.name.clone()),
        },
    }
}

/// The keys a node produces (used for to-many spreads and related orders).
fn output_names(plan: &ReadPlan, table: &Table) -> Vec<String> {
    let mut names = Vec::new();
    for output in &plan.outputs {
        match output {
            Output::AllColumns => names.extend(table.columns.iter().map(|c| c.name.clone())),
            Output::Column { name, .. } => names.push(name.clone()),
            Output::Scalar => names.push("pgrst_scalar".to_owned()),
        }
    }
    for embed in plan.embeds.iter().filter(|embed| embed.output) {
        if embed.spread {
            names.extend(embed.spread_columns.iter().cloned());
        } else {
            names.push(embed.name.clone());
        }
    }
    names
}

/// PostgREST's `findRel`: which relationship `origin?select=target!hint(...)` means.
pub fn find_relationship(
    cache: &SchemaCache,
    schema: &str,
    origin: &QualifiedName,
    target: &str,
    hint: Option<&str>,
) -> Result<Relationship, ApiError> {
    let single = |relationship: &Relationship, origin_side: bool, name: &str| match relationship
        .column_pairs()
    {
        [(origin_column, target_column)] => {
            if origin_side {
                origin_column == name
            } else {
                target_column == name
            }
        }
        _ => false,
    };
    let constraint_is = |relationship: &Relationship, name: &str| {
        !matches!(relationship.cardinality, Cardinality::ManyToMany { .. })
            && relationship.constraint() == name
    };
    let junction_is = |relationship: &Relationship, name: &str| matches!(&relationship.cardinality, Cardinality::ManyToMany { junction, .. } if junction.name == name);
    let is_m2o = |r: &Relationship| matches!(r.cardinality, Cardinality::ManyToOne { .. });
    let is_o2m = |r: &Relationship| matches!(r.cardinality, Cardinality::OneToMany { .. });
    let candidates: Vec<&Relationship> = cache
        .relationships_from(origin)
        .iter()
        .filter(|r| r.foreign_table.schema == schema)
        .filter(|r| {
            let names_target = r.foreign_table.name == target;
            if r.is_self {
                match hint {
                    None => (names_target && is_o2m(r)) || (single(r, true, target) && is_m2o(r)),
                    Some(hint) => names_target && is_o2m(r) && single(r, false, hint),
                }
            } else {
                match hint {
                    None => {
                        names_target
                            || (constraint_is(r, target) && !r.foreign_table_is_view)
                            || (single(r, true, target) && !r.foreign_table_is_view)
                    }
                    Some(hint) => {
                        names_target
                            && (constraint_is(r, hint)
                                || single(r, true, hint)
                                || single(r, false, hint)
                                || junction_is(r, hint))
                    }
                }
            }
        })
        .collect();
    match candidates.as_slice() {
        [one] => Ok((*one).clone()),
        [] => {
            let from_origin = cache.relationships_from(origin);
            let suggestion = if from_origin.is_empty() {
                closest(
                    &origin.name,
                    cache
                        .relationships
                        .keys()
                        .filter(|key| key.schema == schema)
                        .map(|key| key.name.as_str()),
                )
                .map(|parent| format!("Perhaps you meant '{parent}' instead of '{}'.", origin.name))
            } else {
                closest(
                    target,
                    from_origin.iter().map(|r| r.foreign_table.name.as_str()),
                )
                .map(|child| format!("Perhaps you meant '{child}' instead of '{target}'."))
            };
            Err(ApiError::NoRelationship {
                parent: origin.name.clone(),
                child: target.to_owned(),
                hint: hint.map(str::to_owned),
                schema: schema.to_owned(),
                suggestion,
            })
        }
        many => Err(ApiError::AmbiguousRelationship {
            parent: origin.name.clone(),
            child: target.to_owned(),
            details: serde_json::Value::Array(many.iter().map(|r| r.describe()).collect()),
            hint: format!(
                "Try changing '{target}' to one of the following: {}. Find the desired relationship in the 'details' key.",
                many.iter()
                    .map(|r| format!("'{}!{}'", r.foreign_table.name, r.constraint()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }),
    }
}

/// The overload with a single unnamed parameter of a raw body's type (`text`, `bytea`, `xml`).
fn find_raw_function<'c>(
    cache: &'c SchemaCache,
    schema: &str,
    name: &str,
    kind: RawType,
) -> Result<&'c Function, ApiError> {
    let qualified = QualifiedName::new(schema, name);
    cache
        .functions
        .get(&qualified)
        .and_then(|overloads| {
            overloads
                .iter()
                .find(|function| function.single_unnamed_of(kind.type_name()))
        })
        .ok_or_else(|| {
            let function = format!("{schema}.{name}");
            ApiError::FunctionNotFound {
                details: format!(
                    "Searched for the function {function} with a single unnamed {} parameter, but no matches were found in the schema cache.",
                    kind.type_name()
                ),
                arguments: format!("({})", kind.type_name()),
                function,
                suggestion: None,
            }
        })
}

/// PostgREST's `findProc`: the overload whose parameter names match the argument keys, else a
/// single-unnamed-json fallback.
pub fn find_function<'c>(
    cache: &'c SchemaCache,
    schema: &str,
    name: &str,
    keys: &[String],
    post: bool,
) -> Result<&'c Function, ApiError> {
    let qualified = QualifiedName::new(schema, name);
    let overloads: &[Function] = cache
        .functions
        .get(&qualified)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let keys: BTreeSet<&String> = keys.iter().collect();
    let matches = |function: &Function| {
        if function.parameters.is_empty() {
            return keys.is_empty();
        }
        let required: BTreeSet<&String> = function
            .parameters
            .iter()
            .filter(|p| p.required)
            .map(|p| &p.name)
            .collect();
        let all: BTreeSet<&String> = function.parameters.iter().map(|p| &p.name).collect();
        required.is_subset(&keys) && keys.is_subset(&all)
    };
    let named: Vec<&Function> = overloads.iter().filter(|f| matches(f)).collect();
    let fallback: Vec<&Function> = overloads
        .iter()
        .filter(|f| !matches(f) && post && f.single_unnamed_json())
        .collect();
    match (named.as_slice(), fallback.as_slice()) {
        ([one], _) | ([], [one]) => Ok(one),
        ([], []) => {
            let keys: Vec<&str> = keys.iter().map(|k| k.as_str()).collect();
            let function = format!("{schema}.{name}");
            let listed = if keys.is_empty() {
                " without parameters".to_owned()
            } else {
                format!("({})", keys.join(", "))
            };
            let searched = if keys.is_empty() {
                " without parameters".to_owned()
            } else {
                format!(
                    " with parameter{} {}",
                    if keys.len() > 1 { "s" } else { "" },
                    keys.join(", ")
                )
            };
            let details = format!(
                "Searched for the function {function}{searched}{}, but no matches were found in the schema cache.",
                if post {
                    " or with a single unnamed json/jsonb parameter"
                } else {
                    ""
                }
            );
            let suggestion = if overloads.is_empty() {
                cache.similar_function(schema, name).map(|similar| {
                    format!("Perhaps you meant to call the function {schema}.{similar}")
                })
            } else {
                let mut names: Vec<&str> = overloads[0]
                    .parameters
                    .iter()
                    .map(|p| p.name.as_str())
                    .collect();
                names.sort_unstable();
                Some(format!(
                    "Perhaps you meant to call the function {schema}.{name}({})",
                    names.join(", ")
                ))
            };
            Err(ApiError::FunctionNotFound {
                function,
                arguments: if keys.is_empty() {
                    " without parameters".to_owned()
                } else {
                    listed
                },
                details,
                suggestion,
            })
        }
        (many, _) if many.len() > 1 => Err(ApiError::AmbiguousFunction(
            many.iter()
                .map(|f| f.signature())
                .collect::<Vec<_>>()
                .join(", "),
        )),
        (_, many) => Err(ApiError::AmbiguousFunction(
            many.iter()
                .map(|f| f.signature())
                .collect::<Vec<_>>()
                .join(", "),
        )),
    }
}
