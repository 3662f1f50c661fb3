//! The parsed form of a PostgREST query string, before it is checked against the schema cache.
//! Names here are what the client wrote; nothing is trusted yet.

/// A path of embedded resources, e.g. `["clients", "agency"]` for `clients.agency.name=eq.x`.
/// Empty for the root resource.
pub type EmbedPath = Vec<String>;

/// A column, optionally followed by JSON navigation: `data->items->0->>name`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub name: String,
    pub json_path: Vec<JsonStep>,
}

impl Field {
    pub fn plain(name: &str) -> Field {
        Field {
            name: name.to_owned(),
            json_path: Vec::new(),
        }
    }
}

/// One JSON navigation step: `->` keeps JSON, `->>` yields text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JsonStep {
    Arrow(JsonKey),
    DoubleArrow(JsonKey),
}

impl JsonStep {
    pub fn key(&self) -> &JsonKey {
        match self {
            JsonStep::Arrow(key) | JsonStep::DoubleArrow(key) => key,
        }
    }
}

/// An object key or an array index (kept as text, e.g. `-1`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JsonKey {
    Key(String),
    Index(String),
}

/// `!inner` / `!left` on an embed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JoinType {
    Inner,
    Left,
}

/// One item of `select=`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SelectItem {
    /// `*`: every column.
    Star,
    /// `alias:column->path::cast`.
    Field {
        field: Field,
        alias: Option<String>,
        cast: Option<String>,
    },
    /// `alias:relation!hint!inner(children)` or the spread `...relation(children)`.
    Embed(Embed),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Embed {
    pub relation: String,
    pub alias: Option<String>,
    pub hint: Option<String>,
    pub join: Option<JoinType>,
    pub spread: bool,
    pub children: Vec<SelectItem>,
}

impl Embed {
    /// The name the embed is addressed by in filters and in the response: alias, else relation.
    pub fn name(&self) -> &str {
        self.alias.as_deref().unwrap_or(&self.relation)
    }
}

/// `col=<not.>op.value`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    pub field: Field,
    pub negated: bool,
    pub operation: Operation,
}

/// Operators that take one value and no quantifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SimpleOperator {
    NotEqual,
    Contains,
    Contained,
    Overlap,
    StrictlyLeft,
    StrictlyRight,
    NotExtendsRight,
    NotExtendsLeft,
    Adjacent,
}

impl SimpleOperator {
    pub fn sql(self) -> &'static str {
        match self {
            SimpleOperator::NotEqual => "<>",
            SimpleOperator::Contains => "@>",
            SimpleOperator::Contained => "<@",
            SimpleOperator::Overlap => "&&",
            SimpleOperator::StrictlyLeft => "<<",
            SimpleOperator::StrictlyRight => ">>",
            SimpleOperator::NotExtendsRight => "&<",
            SimpleOperator::NotExtendsLeft => "&>",
            SimpleOperator::Adjacent => "-|-",
        }
    }
}

/// Operators that accept the `(any)` / `(all)` modifiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuantOperator {
    Equal,
    GreaterThan,
    GreaterThanEqual,
    LessThan,
    LessThanEqual,
    Like,
    ILike,
    Match,
    IMatch,
}

impl QuantOperator {
    pub fn sql(self) -> &'static str {
        match self {
            QuantOperator::Equal => "=",
            QuantOperator::GreaterThan => ">",
            QuantOperator::GreaterThanEqual => ">=",
            QuantOperator::LessThan => "<",
            QuantOperator::LessThanEqual => "<=",
            QuantOperator::Like => "like",
            QuantOperator::ILike => "ilike",
            QuantOperator::Match => "~",
            QuantOperator::IMatch => "~*",
        }
    }

    /// like/ilike patterns accept `*` for `%` (URL-friendly).
    pub fn is_like(self) -> bool {
        matches!(self, QuantOperator::Like | QuantOperator::ILike)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantifier {
    Any,
    All,
}

/// Full-text search flavours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FtsOperator {
    Fts,
    Plain,
    Phrase,
    Websearch,
}

impl FtsOperator {
    pub fn function(self) -> &'static str {
        match self {
            FtsOperator::Fts => "to_tsquery",
            FtsOperator::Plain => "plainto_tsquery",
            FtsOperator::Phrase => "phraseto_tsquery",
            FtsOperator::Websearch => "websearch_to_tsquery",
        }
    }
}

/// The right-hand side of `IS`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IsValue {
    Null,
    NotNull,
    True,
    False,
    Unknown,
}

impl IsValue {
    pub fn sql(self) -> &'static str {
        match self {
            IsValue::Null => "NULL",
            IsValue::NotNull => "NOT NULL",
            IsValue::True => "TRUE",
            IsValue::False => "FALSE",
            IsValue::Unknown => "UNKNOWN",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Operation {
    Simple {
        operator: SimpleOperator,
        value: String,
    },
    Quant {
        operator: QuantOperator,
        quantifier: Option<Quantifier>,
        value: String,
    },
    In(Vec<String>),
    Is(IsValue),
    IsDistinct(String),
    Fts {
        operator: FtsOperator,
        config: Option<String>,
        value: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogicOperator {
    And,
    Or,
}

/// `or=(a.eq.1,and(b.gt.0,b.lt.5))`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogicTree {
    Filter(Filter),
    Expr {
        negated: bool,
        operator: LogicOperator,
        children: Vec<LogicTree>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Asc,
    Desc,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nulls {
    First,
    Last,
}

/// What an `order=` term sorts by: a column of this resource, or a column of an embedded
/// to-one resource (`order=agency(name).desc`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrderTarget {
    Field(Field),
    Relation { relation: String, field: Field },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderTerm {
    pub target: OrderTarget,
    pub direction: Option<Direction>,
    pub nulls: Option<Nulls>,
}

/// `limit=` / `offset=` of one resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Range {
    pub limit: Option<u64>,
    pub offset: u64,
}

/// Everything in a query string, by meaning.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct QueryParams {
    /// `select=`; `[Star]` when absent.
    pub select: Vec<SelectItem>,
    /// Horizontal filters, by embed path (empty = root). All are ANDed.
    pub filters: Vec<(EmbedPath, Filter)>,
    /// `or=` / `and=` / `not.or=` trees, by embed path.
    pub logic: Vec<(EmbedPath, LogicTree)>,
    /// `order=`, by embed path.
    pub order: Vec<(EmbedPath, Vec<OrderTerm>)>,
    /// `limit=` / `offset=`, by embed path.
    pub ranges: Vec<(EmbedPath, Range)>,
    /// `columns=` (insert/upsert columns).
    pub columns: Option<Vec<String>>,
    /// `on_conflict=`.
    pub on_conflict: Option<Vec<String>>,
    /// Parameters that are neither reserved nor filters: arguments of GET /rpc calls.
    pub arguments: Vec<(String, String)>,
}

impl QueryParams {
    /// The range of the root resource.
    pub fn root_range(&self) -> Range {
        self.range_of(&[])
    }

    pub fn range_of(&self, path: &[String]) -> Range {
        self.ranges
            .iter()
            .find(|(candidate, _)| candidate == path)
            .map(|(_, range)| *range)
            .unwrap_or_default()
    }

    /// Whether any filter or logic tree applies to the root resource (the safeupdate check).
    pub fn has_root_filters(&self) -> bool {
        self.filters.iter().any(|(path, _)| path.is_empty())
            || self.logic.iter().any(|(path, _)| path.is_empty())
    }
}
