//! PostgREST's URL grammar (contract §1.3): the query string of a /rest/v1 request, parsed into
//! [`QueryParams`] without looking at the database. Checking names against the schema cache
//! happens later, in `plan`.
//!
//! Invariants: parsing never panics and never recurses deeper than the nesting limits in
//! [`limits`]; every error is a [`QueryError`] that becomes a 400 (PGRST100) or, for aggregates,
//! PGRST123.

pub mod ast;
mod parser;

pub use ast::*;

/// Hard limits on what a query string may contain. Generous for real clients; they exist so
/// hostile input is refused quickly with a clear message.
pub mod limits {
    /// Longest accepted query string (bytes, before decoding).
    pub const MAX_QUERY_BYTES: usize = 48 * 1024;
    /// Values in one `in.(...)` list.
    pub const MAX_IN_VALUES: usize = 1000;
    /// Levels of `and(...)` / `or(...)` nesting.
    pub const MAX_LOGIC_DEPTH: usize = 16;
    /// Conditions in one logic tree.
    pub const MAX_LOGIC_ITEMS: usize = 500;
    /// Levels of embedded resources.
    pub const MAX_EMBED_DEPTH: usize = 8;
    /// Items in `select=`, embeds included.
    pub const MAX_SELECT_ITEMS: usize = 500;
    /// Terms of one `order=`.
    pub const MAX_ORDER_TERMS: usize = 50;
    /// Names in `columns=` / `on_conflict=`.
    pub const MAX_COLUMNS: usize = 1600;
    /// Steps of one JSON path.
    pub const MAX_JSON_PATH: usize = 32;
    /// Query parameters in one request.
    pub const MAX_PARAMETERS: usize = 1000;
    /// PostgreSQL truncates identifiers at 63 bytes; longer names cannot exist.
    pub const MAX_NAME_BYTES: usize = 63;
}

/// Why a query string was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    /// PGRST100: a parameter does not follow the grammar.
    #[error("{message}: {details}")]
    Parse { message: String, details: String },
    /// PGRST123: aggregates (`count()`, `col.sum()`) are disabled, as on Supabase.
    #[error("Use of aggregate functions is not allowed")]
    AggregatesNotAllowed,
    /// PGRST103: `limit` must not be negative.
    #[error("Requested range not satisfiable: {0}")]
    InvalidRange(String),
    /// 414: the query string is over [`limits::MAX_QUERY_BYTES`].
    #[error("the query string is longer than {} bytes", limits::MAX_QUERY_BYTES)]
    TooLong,
}

impl QueryError {
    fn simple(message: &str, details: String) -> QueryError {
        QueryError::Parse {
            message: message.to_owned(),
            details,
        }
    }
}

/// The last dot-separated word of a key (`clients.order` → `order`).
fn last_word(key: &str) -> &str {
    key.rsplit('.').next().unwrap_or(key)
}

const EMBEDDABLE_RESERVED: &[&str] = &["order", "limit", "offset", "and", "or"];

/// Parse a raw (still percent-encoded) query string. Decoding is form-urlencoded (`+` is a
/// space), as `URLSearchParams` encodes; repeated keys are all kept.
pub fn parse(raw_query: &str) -> Result<QueryParams, QueryError> {
    if raw_query.len() > limits::MAX_QUERY_BYTES {
        return Err(QueryError::TooLong);
    }
    let pairs: Vec<(String, String)> = form_urlencoded::parse(raw_query.as_bytes())
        .map(|(key, value)| (key.into_owned(), value.into_owned()))
        .collect();
    parse_pairs(&pairs)
}

/// Parse already-decoded pairs.
pub fn parse_pairs(pairs: &[(String, String)]) -> Result<QueryParams, QueryError> {
    if pairs.len() > limits::MAX_PARAMETERS {
        return Err(QueryError::simple(
            "too many query parameters",
            format!("at most {} are accepted", limits::MAX_PARAMETERS),
        ));
    }
    let mut params = QueryParams::default();
    let mut select = None;
    let mut limits_by_path: Vec<(EmbedPath, Option<u64>, Option<u64>)> = Vec::new();
    for (key, value) in pairs {
        match key.as_str() {
            "select" => {
                if select.is_none() {
                    select = Some(parser::select(value)?);
                }
                continue;
            }
            "columns" => {
                if params.columns.is_none() {
                    params.columns = Some(parser::column_list(value, "columns")?);
                }
                continue;
            }
            "on_conflict" => {
                if params.on_conflict.is_none() {
                    params.on_conflict = Some(parser::column_list(value, "on_conflict")?);
                }
                continue;
            }
            _ => {}
        }
        let word = last_word(key);
        if EMBEDDABLE_RESERVED.contains(&word) {
            match word {
                "order" => {
                    let path = embed_path_of(key, "order")?;
                    let terms = parser::order(value)?;
                    params.order.retain(|(existing, _)| existing != &path);
                    params.order.push((path, terms));
                }
                "limit" | "offset" => {
                    let path = embed_path_of(key, word)?;
                    let number = parse_count(word, value)?;
                    let entry = match limits_by_path.iter_mut().find(|(p, _, _)| *p == path) {
                        Some(entry) => entry,
                        None => {
                            limits_by_path.push((path, None, None));
                            limits_by_path.last_mut().expect("just pushed")
                        }
                    };
                    if word == "limit" {
                        entry.1 = Some(number);
                    } else {
                        entry.2 = Some(number);
                    }
                }
                _ => {
                    let (path, negated, operator) = parser::logic_path(key)?;
                    let tree = parser::logic_tree(negated, operator, value)?;
                    params.logic.push((path, tree));
                }
            }
            continue;
        }
        if key.contains('.') || parser::looks_like_operation(value) {
            let (path, field) = parser::tree_path(key)?;
            let (negated, operation) = parser::filter_value(value)?;
            params.filters.push((
                path,
                Filter {
                    field,
                    negated,
                    operation,
                },
            ));
        } else {
            params.arguments.push((key.clone(), value.clone()));
        }
    }
    params.select = select.unwrap_or_else(|| vec![SelectItem::Star]);
    params.ranges = limits_by_path
        .into_iter()
        .map(|(path, limit, offset)| {
            (
                path,
                Range {
                    limit,
                    offset: offset.unwrap_or(0),
                },
            )
        })
        .collect();
    Ok(params)
}

/// The embed path of `a.b.order` → `[a, b]`.
fn embed_path_of(key: &str, word: &str) -> Result<EmbedPath, QueryError> {
    let prefix = &key[..key.len() - word.len()];
    if prefix.is_empty() {
        return Ok(Vec::new());
    }
    let Some(prefix) = prefix.strip_suffix('.') else {
        return Err(QueryError::simple(
            &format!("\"failed to parse tree path ({key})\" (line 1, column 1)"),
            "expecting delimiter (.)".to_owned(),
        ));
    };
    let (mut path, last) = parser::tree_path(prefix)?;
    if !last.json_path.is_empty() {
        return Err(QueryError::simple(
            &format!("\"failed to parse tree path ({key})\" (line 1, column 1)"),
            "JSON paths are not allowed here".to_owned(),
        ));
    }
    path.push(last.name);
    Ok(path)
}

fn parse_count(word: &str, value: &str) -> Result<u64, QueryError> {
    let trimmed = value.trim();
    if let Some(digits) = trimmed.strip_prefix('-')
        && word == "limit"
        && !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(QueryError::InvalidRange(
            "Limit should be greater than or equal to zero.".to_owned(),
        ));
    }
    trimmed.parse::<u64>().map_err(|_| {
        QueryError::simple(
            &format!("\"failed to parse {word} parameter ({value})\" (line 1, column 1)"),
            format!("{word} must be a non-negative integer"),
        )
    })
}

#[cfg(test)]
mod tests;
