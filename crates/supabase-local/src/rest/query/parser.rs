//! Character-level parsers for the pieces of PostgREST's URL grammar: `select=`, filter values,
//! logic trees, `order=`, tree paths and column lists.
//!
//! Every parser is bounded: nesting depth and list sizes have hard limits, recursion only follows
//! nesting (so the stack is bounded by the depth limits), and errors carry the 1-based column
//! where parsing stopped, in PostgREST's wording.

use super::ast::*;
use super::{QueryError, limits};

/// A position in one parameter's text, with what is being parsed (for error messages).
struct Cursor<'a> {
    text: &'a str,
    pos: usize,
    what: String,
}

impl<'a> Cursor<'a> {
    fn new(text: &'a str, what: String) -> Cursor<'a> {
        Cursor { text, pos: 0, what }
    }

    fn rest(&self) -> &'a str {
        &self.text[self.pos..]
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn peek_second(&self) -> Option<char> {
        self.rest().chars().nth(1)
    }

    fn at(&self, prefix: &str) -> bool {
        self.rest().starts_with(prefix)
    }

    fn at_end(&self) -> bool {
        self.pos >= self.text.len()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.pos += c.len_utf8();
            true
        } else {
            false
        }
    }

    fn eat_str(&mut self, prefix: &str) -> bool {
        if self.at(prefix) {
            self.pos += prefix.len();
            true
        } else {
            false
        }
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(' ' | '\t')) {
            self.pos += 1;
        }
    }

    /// An error at the current position: `unexpected <x> expecting <expected>`.
    fn error(&self, expected: &str) -> QueryError {
        let unexpected = match self.peek() {
            None => "end of input".to_owned(),
            Some(c) => format!("{c:?}"),
        };
        self.fail(format!("unexpected {unexpected} expecting {expected}"))
    }

    /// An error at the current position with free-form details.
    fn fail(&self, details: String) -> QueryError {
        let column = self.text[..self.pos].chars().count() + 1;
        QueryError::Parse {
            message: format!(
                "\"failed to parse {} ({})\" (line 1, column {column})",
                self.what,
                shorten(self.text)
            ),
            details,
        }
    }

    fn expect(&mut self, c: char) -> Result<(), QueryError> {
        if self.eat(c) {
            Ok(())
        } else {
            Err(self.error(&format!("{c:?}")))
        }
    }

    fn expect_end(&mut self) -> Result<(), QueryError> {
        if self.at_end() {
            Ok(())
        } else {
            Err(self.error("end of input"))
        }
    }
}

/// Echoed input is capped so error bodies stay small.
fn shorten(text: &str) -> String {
    const MAX: usize = 200;
    if text.chars().count() <= MAX {
        text.to_owned()
    } else {
        let mut short: String = text.chars().take(MAX).collect();
        short.push('…');
        short
    }
}

fn is_identifier_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | ' ' | '$')
}

const FIELD_NAME: &str = "field name (* or [a..z0..9_$])";

/// `"quoted name"` with `\"` and `\\` escapes.
fn quoted(cursor: &mut Cursor) -> Result<String, QueryError> {
    cursor.expect('"')?;
    let mut value = String::new();
    loop {
        match cursor.bump() {
            None => return Err(cursor.error("closing quote")),
            Some('"') => return Ok(value),
            Some('\\') => match cursor.bump() {
                Some(c) => value.push(c),
                None => return Err(cursor.error("escaped character")),
            },
            Some(c) => value.push(c),
        }
    }
}

/// A field name: quoted, or identifier characters joined by `-` (a `-` followed by `>` starts
/// a JSON arrow instead). Surrounding spaces are trimmed.
fn field_name(cursor: &mut Cursor) -> Result<String, QueryError> {
    cursor.skip_ws();
    if cursor.peek() == Some('"') {
        let name = quoted(cursor)?;
        cursor.skip_ws();
        return Ok(name);
    }
    let start = cursor.pos;
    loop {
        match cursor.peek() {
            Some(c) if is_identifier_char(c) => {
                cursor.bump();
            }
            Some('-') if cursor.peek_second() != Some('>') && cursor.pos > start => {
                // A dash joins two identifier parts; it must be followed by one.
                match cursor.peek_second() {
                    Some(next) if is_identifier_char(next) => {
                        cursor.bump();
                    }
                    _ => break,
                }
            }
            _ => break,
        }
    }
    let name = cursor.text[start..cursor.pos].trim();
    if name.is_empty() {
        cursor.pos = start;
        return Err(cursor.error(FIELD_NAME));
    }
    if name.len() > limits::MAX_NAME_BYTES {
        return Err(cursor.fail(format!(
            "names are limited to {} bytes",
            limits::MAX_NAME_BYTES
        )));
    }
    Ok(name.to_owned())
}

/// Characters that may follow a JSON array index.
fn ends_index(cursor: &Cursor) -> bool {
    cursor.at_end()
        || cursor.at("->")
        || cursor.at("::")
        || matches!(cursor.peek(), Some('.' | ',' | ')' | ' ' | '\t'))
}

/// `->key`, `->>key`, `->0`, `->-1`, repeated.
fn json_path(cursor: &mut Cursor) -> Result<Vec<JsonStep>, QueryError> {
    let mut steps = Vec::new();
    loop {
        let double = if cursor.eat_str("->>") {
            true
        } else if cursor.eat_str("->") {
            false
        } else {
            return Ok(steps);
        };
        if steps.len() >= limits::MAX_JSON_PATH {
            return Err(cursor.fail(format!(
                "JSON paths are limited to {} steps",
                limits::MAX_JSON_PATH
            )));
        }
        let start = cursor.pos;
        let mut key = None;
        let negative = cursor.eat('-');
        let digits_start = cursor.pos;
        while matches!(cursor.peek(), Some('0'..='9')) {
            cursor.bump();
        }
        if cursor.pos > digits_start && ends_index(cursor) {
            let digits = &cursor.text[digits_start..cursor.pos];
            key = Some(JsonKey::Index(if negative {
                format!("-{digits}")
            } else {
                digits.to_owned()
            }));
        } else if negative {
            return Err(cursor.error("digit"));
        } else {
            cursor.pos = start;
        }
        let key = match key {
            Some(key) => key,
            None => JsonKey::Key(field_name(cursor)?),
        };
        steps.push(if double {
            JsonStep::DoubleArrow(key)
        } else {
            JsonStep::Arrow(key)
        });
    }
}

fn field(cursor: &mut Cursor) -> Result<Field, QueryError> {
    let name = field_name(cursor)?;
    let json_path = json_path(cursor)?;
    cursor.skip_ws();
    Ok(Field { name, json_path })
}

// --- select= ---

const AGGREGATES: &[&str] = &["count", "sum", "avg", "max", "min"];

/// Parse `select=`. An empty value means `*`.
pub(super) fn select(text: &str) -> Result<Vec<SelectItem>, QueryError> {
    let mut cursor = Cursor::new(text, "select parameter".to_owned());
    if text.trim().is_empty() {
        return Ok(vec![SelectItem::Star]);
    }
    let mut count = 0usize;
    let items = select_forest(&mut cursor, 0, &mut count)?;
    if items.is_empty() {
        return Err(cursor.error(FIELD_NAME));
    }
    cursor.expect_end()?;
    Ok(items)
}

fn select_forest(
    cursor: &mut Cursor,
    depth: usize,
    count: &mut usize,
) -> Result<Vec<SelectItem>, QueryError> {
    let mut items = Vec::new();
    cursor.skip_ws();
    if cursor.at_end() || cursor.peek() == Some(')') {
        return Ok(items);
    }
    loop {
        *count += 1;
        if *count > limits::MAX_SELECT_ITEMS {
            return Err(cursor.fail(format!(
                "select= is limited to {} items",
                limits::MAX_SELECT_ITEMS
            )));
        }
        items.push(select_item(cursor, depth, count)?);
        cursor.skip_ws();
        if !cursor.eat(',') {
            return Ok(items);
        }
        cursor.skip_ws();
    }
}

fn select_item(
    cursor: &mut Cursor,
    depth: usize,
    count: &mut usize,
) -> Result<SelectItem, QueryError> {
    cursor.skip_ws();
    if cursor.eat_str("...") {
        let relation = field_name(cursor)?;
        let (hint, join) = embed_params(cursor)?;
        if cursor.peek() != Some('(') {
            return Err(cursor.error("\"(\""));
        }
        let children = embed_children(cursor, depth, count)?;
        return Ok(SelectItem::Embed(Embed {
            relation,
            alias: None,
            hint,
            join,
            spread: true,
            children,
        }));
    }
    if cursor.eat('*') {
        cursor.skip_ws();
        return match cursor.peek() {
            None | Some(',' | ')') => Ok(SelectItem::Star),
            Some(_) => Err(cursor.error("\")\", \",\" or end of input")),
        };
    }
    let first = field_name(cursor)?;
    let (alias, name) = if cursor.peek() == Some(':') && cursor.peek_second() != Some(':') {
        cursor.bump();
        (Some(first), field_name(cursor)?)
    } else {
        (None, first)
    };
    if matches!(cursor.peek(), Some('!' | '(')) {
        if name == "count" && cursor.at("()") {
            return Err(QueryError::AggregatesNotAllowed);
        }
        let (hint, join) = embed_params(cursor)?;
        if cursor.peek() != Some('(') {
            return Err(cursor.error("\"(\""));
        }
        let children = embed_children(cursor, depth, count)?;
        return Ok(SelectItem::Embed(Embed {
            relation: name,
            alias,
            hint,
            join,
            spread: false,
            children,
        }));
    }
    let json_path = json_path(cursor)?;
    let cast = if cursor.eat_str("::") {
        Some(cast_name(cursor)?)
    } else {
        None
    };
    cursor.skip_ws();
    if cursor.peek() == Some('.') {
        let save = cursor.pos;
        cursor.bump();
        let function = field_name(cursor).unwrap_or_default();
        if AGGREGATES.contains(&function.as_str()) && cursor.at("()") {
            return Err(QueryError::AggregatesNotAllowed);
        }
        cursor.pos = save;
    }
    match cursor.peek() {
        None | Some(',' | ')') => Ok(SelectItem::Field {
            field: Field { name, json_path },
            alias,
            cast,
        }),
        Some(_) => Err(cursor.error("\"->\", \"::\", \")\", \",\" or end of input")),
    }
}

/// A cast target: letters, digits, `_`, `$` and spaces (e.g. `double precision`). It is
/// written into SQL unquoted (quoting would break `int`, `bigint`), which is safe because no
/// other character can get through.
fn cast_name(cursor: &mut Cursor) -> Result<String, QueryError> {
    let start = cursor.pos;
    while matches!(cursor.peek(), Some(c) if c.is_ascii_alphanumeric() || matches!(c, '_' | ' ' | '$'))
    {
        cursor.bump();
    }
    let cast = cursor.text[start..cursor.pos].trim();
    if cast.is_empty() {
        return Err(cursor.error("letter or digit"));
    }
    if cast.len() > limits::MAX_NAME_BYTES * 2 {
        return Err(cursor.fail("the cast type name is too long".to_owned()));
    }
    Ok(cast.to_owned())
}

/// Up to two of `!inner`, `!left` and `!hint`.
fn embed_params(cursor: &mut Cursor) -> Result<(Option<String>, Option<JoinType>), QueryError> {
    let mut hint = None;
    let mut join = None;
    for _ in 0..2 {
        if !cursor.eat('!') {
            break;
        }
        let word = field_name(cursor)?;
        match word.as_str() {
            "inner" if join.is_none() => join = Some(JoinType::Inner),
            "left" if join.is_none() => join = Some(JoinType::Left),
            _ if hint.is_none() => hint = Some(word),
            _ => return Err(cursor.fail(format!("unexpected embed parameter {word:?}"))),
        }
    }
    Ok((hint, join))
}

fn embed_children(
    cursor: &mut Cursor,
    depth: usize,
    count: &mut usize,
) -> Result<Vec<SelectItem>, QueryError> {
    if depth + 1 > limits::MAX_EMBED_DEPTH {
        return Err(cursor.fail(format!(
            "embedded resources are limited to {} levels of nesting",
            limits::MAX_EMBED_DEPTH
        )));
    }
    cursor.expect('(')?;
    let children = select_forest(cursor, depth + 1, count)?;
    cursor.skip_ws();
    cursor.expect(')')?;
    Ok(children)
}

// --- filters ---

fn simple_operator(name: &str) -> Option<SimpleOperator> {
    Some(match name {
        "neq" => SimpleOperator::NotEqual,
        "cs" => SimpleOperator::Contains,
        "cd" => SimpleOperator::Contained,
        "ov" => SimpleOperator::Overlap,
        "sl" => SimpleOperator::StrictlyLeft,
        "sr" => SimpleOperator::StrictlyRight,
        "nxr" => SimpleOperator::NotExtendsRight,
        "nxl" => SimpleOperator::NotExtendsLeft,
        "adj" => SimpleOperator::Adjacent,
        _ => return None,
    })
}

fn quant_operator(name: &str) -> Option<QuantOperator> {
    Some(match name {
        "eq" => QuantOperator::Equal,
        "gt" => QuantOperator::GreaterThan,
        "gte" => QuantOperator::GreaterThanEqual,
        "lt" => QuantOperator::LessThan,
        "lte" => QuantOperator::LessThanEqual,
        "like" => QuantOperator::Like,
        "ilike" => QuantOperator::ILike,
        "match" => QuantOperator::Match,
        "imatch" => QuantOperator::IMatch,
        _ => return None,
    })
}

fn fts_operator(name: &str) -> Option<FtsOperator> {
    Some(match name {
        "fts" => FtsOperator::Fts,
        "plfts" => FtsOperator::Plain,
        "phfts" => FtsOperator::Phrase,
        "wfts" => FtsOperator::Websearch,
        _ => return None,
    })
}

/// Whether a parameter value reads as a filter (`op.value`, `not.…`, `fts(cfg).…`) rather
/// than an RPC argument, as PostgREST decides it.
pub(super) fn looks_like_operation(value: &str) -> bool {
    let mut segments = value.split('.');
    let first = segments.next().unwrap_or_default();
    let has_second = segments.next().is_some();
    if first == "not" && has_second {
        return true;
    }
    if first == "is" || first == "in" {
        return true;
    }
    let name = first.split('(').next().unwrap_or_default();
    let quantified = first.len() > name.len();
    if simple_operator(first).is_some()
        || quant_operator(first).is_some()
        || fts_operator(first).is_some()
        || first == "isdistinct"
    {
        return true;
    }
    quantified && (fts_operator(name).is_some() || quant_operator(name).is_some())
}

/// How the value after the operator ends: at the end of the parameter (top-level filter) or
/// at `,` / `)` (inside a logic tree).
#[derive(Clone, Copy, PartialEq, Eq)]
enum ValueContext {
    Parameter,
    LogicTree,
}

/// Parse a top-level filter value, e.g. `not.in.(1,2)`.
pub(super) fn filter_value(text: &str) -> Result<(bool, Operation), QueryError> {
    let mut cursor = Cursor::new(text, "filter".to_owned());
    let result = operation(&mut cursor, ValueContext::Parameter)?;
    cursor.expect_end()?;
    Ok(result)
}

fn operation(cursor: &mut Cursor, context: ValueContext) -> Result<(bool, Operation), QueryError> {
    let negated = cursor.eat_str("not.");
    if cursor.eat_str("in.") {
        return Ok((negated, Operation::In(in_list(cursor)?)));
    }
    if cursor.eat_str("is.") {
        return Ok((negated, Operation::Is(is_value(cursor)?)));
    }
    let start = cursor.pos;
    while matches!(cursor.peek(), Some(c) if c.is_ascii_alphabetic()) {
        cursor.bump();
    }
    let name = &cursor.text[start..cursor.pos];
    if name.is_empty() {
        return Err(cursor.error("operator (eq, gt, ...)"));
    }
    let modifier = if cursor.eat('(') {
        let modifier_start = cursor.pos;
        while !matches!(cursor.peek(), None | Some(')')) {
            cursor.bump();
        }
        let modifier = cursor.text[modifier_start..cursor.pos].to_owned();
        cursor.expect(')')?;
        Some(modifier)
    } else {
        None
    };
    let unknown = || {
        let full = match &modifier {
            Some(modifier) => format!("{name}({modifier})"),
            None => name.to_owned(),
        };
        format!("unknown single value operator {full}")
    };
    if let Some(operator) = fts_operator(name) {
        let config = match modifier {
            Some(config) => {
                let config = config.trim();
                if config.is_empty()
                    || !config
                        .chars()
                        .all(|c| c.is_alphanumeric() || matches!(c, '_' | ' ' | '$'))
                {
                    return Err(
                        cursor.fail(format!("invalid text search configuration {config:?}"))
                    );
                }
                Some(config.to_owned())
            }
            None => None,
        };
        cursor.expect('.')?;
        let value = single_value(cursor, context)?;
        return Ok((
            negated,
            Operation::Fts {
                operator,
                config,
                value,
            },
        ));
    }
    if let Some(operator) = quant_operator(name) {
        let quantifier = match modifier.as_deref() {
            None => None,
            Some("any") => Some(Quantifier::Any),
            Some("all") => Some(Quantifier::All),
            Some(_) => return Err(cursor.fail(unknown())),
        };
        cursor.expect('.')?;
        let value = single_value(cursor, context)?;
        return Ok((
            negated,
            Operation::Quant {
                operator,
                quantifier,
                value,
            },
        ));
    }
    if modifier.is_some() {
        return Err(cursor.fail(unknown()));
    }
    if let Some(operator) = simple_operator(name) {
        cursor.expect('.')?;
        let value = single_value(cursor, context)?;
        return Ok((negated, Operation::Simple { operator, value }));
    }
    if name == "isdistinct" {
        cursor.expect('.')?;
        let value = single_value(cursor, context)?;
        return Ok((negated, Operation::IsDistinct(value)));
    }
    cursor.pos = start;
    Err(cursor.fail(unknown()))
}

fn is_value(cursor: &mut Cursor) -> Result<IsValue, QueryError> {
    for (word, value) in [
        ("not_null", IsValue::NotNull),
        ("null", IsValue::Null),
        ("unknown", IsValue::Unknown),
        ("true", IsValue::True),
        ("false", IsValue::False),
    ] {
        let rest = cursor.rest();
        if rest.len() >= word.len()
            && rest.is_char_boundary(word.len())
            && rest[..word.len()].eq_ignore_ascii_case(word)
        {
            cursor.pos += word.len();
            return Ok(value);
        }
    }
    Err(cursor.error("null or trilean value (unknown, true, false)"))
}

/// The value of an operator: the rest of the parameter, or (in a logic tree) a quoted value,
/// a `{...}` array literal, or characters up to `,` / `)`.
fn single_value(cursor: &mut Cursor, context: ValueContext) -> Result<String, QueryError> {
    if context == ValueContext::Parameter {
        let value = cursor.rest().to_owned();
        cursor.pos = cursor.text.len();
        return Ok(value);
    }
    let save = cursor.pos;
    if cursor.peek() == Some('"')
        && let Ok(value) = quoted(cursor)
        && matches!(cursor.peek(), None | Some(',' | ')'))
    {
        return Ok(value);
    }
    cursor.pos = save;
    if cursor.peek() == Some('{') {
        // `{` then anything but braces, then `}`.
        let inner = &cursor.rest()[1..];
        if let Some(close) = inner.find(['{', '}'])
            && inner.as_bytes()[close] == b'}'
        {
            let value = cursor.rest()[..close + 2].to_owned();
            cursor.pos += close + 2;
            return Ok(value);
        }
    }
    let start = cursor.pos;
    while !matches!(cursor.peek(), None | Some(',' | ')')) {
        cursor.bump();
    }
    Ok(cursor.text[start..cursor.pos].to_owned())
}

/// `(a,b,"c,d")` for `in.`.
fn in_list(cursor: &mut Cursor) -> Result<Vec<String>, QueryError> {
    cursor.skip_ws();
    cursor.expect('(')?;
    cursor.skip_ws();
    let mut values = Vec::new();
    loop {
        if values.len() >= limits::MAX_IN_VALUES {
            return Err(cursor.fail(format!(
                "in.(...) lists are limited to {} values",
                limits::MAX_IN_VALUES
            )));
        }
        let save = cursor.pos;
        let mut value = None;
        if cursor.peek() == Some('"')
            && let Ok(quoted) = quoted(cursor)
            && matches!(cursor.peek(), Some(',' | ')'))
        {
            value = Some(quoted);
        }
        let value = match value {
            Some(value) => value,
            None => {
                cursor.pos = save;
                while !matches!(cursor.peek(), None | Some(',' | ')')) {
                    cursor.bump();
                }
                cursor.text[save..cursor.pos].to_owned()
            }
        };
        values.push(value);
        if !cursor.eat(',') {
            break;
        }
    }
    cursor.skip_ws();
    cursor.expect(')')?;
    cursor.skip_ws();
    Ok(values)
}

// --- keys: tree paths and logic paths ---

/// A filter key: `embed.embed.column->json`.
pub(super) fn tree_path(key: &str) -> Result<(EmbedPath, Field), QueryError> {
    let mut cursor = Cursor::new(key, "tree path".to_owned());
    let mut names = vec![field_name(&mut cursor)?];
    while cursor.eat('.') {
        if names.len() > limits::MAX_EMBED_DEPTH {
            return Err(cursor.fail(format!(
                "embedded resources are limited to {} levels of nesting",
                limits::MAX_EMBED_DEPTH
            )));
        }
        names.push(field_name(&mut cursor)?);
    }
    let json_path = json_path(&mut cursor)?;
    cursor.skip_ws();
    cursor.expect_end()?;
    let name = names.pop().expect("at least one name");
    Ok((names, Field { name, json_path }))
}

/// A logic key: `or`, `not.and`, `embed.or`, `embed.not.or`.
pub(super) fn logic_path(key: &str) -> Result<(EmbedPath, bool, LogicOperator), QueryError> {
    let mut cursor = Cursor::new(key, "logic path".to_owned());
    let mut names = vec![field_name(&mut cursor)?];
    while cursor.eat('.') {
        if names.len() > limits::MAX_EMBED_DEPTH + 1 {
            return Err(cursor.fail(format!(
                "embedded resources are limited to {} levels of nesting",
                limits::MAX_EMBED_DEPTH
            )));
        }
        names.push(field_name(&mut cursor)?);
    }
    cursor.expect_end()?;
    let operator = match names.pop().as_deref() {
        Some("and") => LogicOperator::And,
        Some("or") => LogicOperator::Or,
        _ => return Err(cursor.fail("expecting logic operator (and, or)".to_owned())),
    };
    let negated = names.iter().any(|name| name == "not");
    names.retain(|name| name != "not");
    Ok((names, negated, operator))
}

// --- logic trees ---

/// Parse the value of `or=` / `and=`: `(a.eq.1,and(b.gt.0,b.lt.5))`.
pub(super) fn logic_tree(
    negated: bool,
    operator: LogicOperator,
    value: &str,
) -> Result<LogicTree, QueryError> {
    let mut cursor = Cursor::new(value, "logic tree".to_owned());
    let mut count = 0usize;
    let children = logic_children(&mut cursor, 1, &mut count)?;
    cursor.skip_ws();
    cursor.expect_end()?;
    Ok(LogicTree::Expr {
        negated,
        operator,
        children,
    })
}

fn logic_children(
    cursor: &mut Cursor,
    depth: usize,
    count: &mut usize,
) -> Result<Vec<LogicTree>, QueryError> {
    if depth > limits::MAX_LOGIC_DEPTH {
        return Err(cursor.fail(format!(
            "logic trees are limited to {} levels of nesting",
            limits::MAX_LOGIC_DEPTH
        )));
    }
    cursor.skip_ws();
    cursor.expect('(')?;
    let mut children = Vec::new();
    loop {
        *count += 1;
        if *count > limits::MAX_LOGIC_ITEMS {
            return Err(cursor.fail(format!(
                "logic trees are limited to {} conditions",
                limits::MAX_LOGIC_ITEMS
            )));
        }
        cursor.skip_ws();
        children.push(logic_item(cursor, depth, count)?);
        cursor.skip_ws();
        if !cursor.eat(',') {
            break;
        }
    }
    cursor.expect(')')?;
    Ok(children)
}

fn logic_item(
    cursor: &mut Cursor,
    depth: usize,
    count: &mut usize,
) -> Result<LogicTree, QueryError> {
    // A filter `field.op.value` first; otherwise a nested `not.and(...)` / `or(...)`.
    let save = cursor.pos;
    let as_filter = (|| -> Result<Filter, QueryError> {
        let field = field(cursor)?;
        cursor.expect('.')?;
        let (negated, operation) = operation(cursor, ValueContext::LogicTree)?;
        Ok(Filter {
            field,
            negated,
            operation,
        })
    })();
    let filter_error = match as_filter {
        Ok(filter) => return Ok(LogicTree::Filter(filter)),
        Err(error) => error,
    };
    cursor.pos = save;
    let negated = cursor.eat_str("not.");
    let operator = if cursor.eat_str("and") {
        LogicOperator::And
    } else if cursor.eat_str("or") {
        LogicOperator::Or
    } else {
        return Err(filter_error);
    };
    cursor.skip_ws();
    if cursor.peek() != Some('(') {
        return Err(filter_error);
    }
    let children = logic_children(cursor, depth + 1, count)?;
    Ok(LogicTree::Expr {
        negated,
        operator,
        children,
    })
}

// --- order= ---

pub(super) fn order(text: &str) -> Result<Vec<OrderTerm>, QueryError> {
    let mut cursor = Cursor::new(text, "order".to_owned());
    let mut terms = Vec::new();
    loop {
        if terms.len() >= limits::MAX_ORDER_TERMS {
            return Err(cursor.fail(format!(
                "order= is limited to {} terms",
                limits::MAX_ORDER_TERMS
            )));
        }
        cursor.skip_ws();
        let first = field(&mut cursor)?;
        let target = if first.json_path.is_empty() && cursor.eat('(') {
            let inner = field(&mut cursor)?;
            cursor.expect(')')?;
            OrderTarget::Relation {
                relation: first.name,
                field: inner,
            }
        } else {
            OrderTarget::Field(first)
        };
        let mut direction = None;
        let mut nulls = None;
        while cursor.eat('.') {
            let word_start = cursor.pos;
            while matches!(cursor.peek(), Some(c) if c.is_ascii_alphabetic()) {
                cursor.bump();
            }
            match &cursor.text[word_start..cursor.pos] {
                "asc" if direction.is_none() && nulls.is_none() => direction = Some(Direction::Asc),
                "desc" if direction.is_none() && nulls.is_none() => {
                    direction = Some(Direction::Desc)
                }
                "nullsfirst" if nulls.is_none() => nulls = Some(Nulls::First),
                "nullslast" if nulls.is_none() => nulls = Some(Nulls::Last),
                _ => {
                    cursor.pos = word_start;
                    return Err(cursor.error("\"asc\", \"desc\", \"nullsfirst\" or \"nullslast\""));
                }
            }
        }
        cursor.skip_ws();
        terms.push(OrderTerm {
            target,
            direction,
            nulls,
        });
        if cursor.at_end() {
            return Ok(terms);
        }
        if !cursor.eat(',') {
            return Err(cursor.error("delimiter (.), \",\" or end of input"));
        }
    }
}

// --- columns= / on_conflict= ---

pub(super) fn column_list(text: &str, what: &str) -> Result<Vec<String>, QueryError> {
    let mut cursor = Cursor::new(text, format!("{what} parameter"));
    let mut names = Vec::new();
    loop {
        if names.len() >= limits::MAX_COLUMNS {
            return Err(cursor.fail(format!(
                "{what} is limited to {} names",
                limits::MAX_COLUMNS
            )));
        }
        names.push(field_name(&mut cursor)?);
        cursor.skip_ws();
        if !cursor.eat(',') {
            break;
        }
    }
    cursor.expect_end()?;
    Ok(names)
}
