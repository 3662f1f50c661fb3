//! PostgREST queries: a small typed builder producing exactly the URLs and headers postgrest-js
//! would, without its weight in the download (see ARCHITECTURE.md, "browser client").

use crate::config::ClientConfig;
use crate::error::Error;
use crate::request::{HttpRequest, HttpResponse, Method};
use serde_json::Value;
use std::fmt::Display;

/// How many rows to count, sent as `Prefer: count=…`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Count {
    Exact,
    Planned,
    Estimated,
}

#[derive(Debug, Clone, PartialEq)]
enum Operation {
    Select,
    Insert { body: Value, upsert: Option<Upsert> },
    Update { body: Value },
    Delete,
    Rpc { args: Value, read_only: bool },
}

#[derive(Debug, Clone, PartialEq)]
struct Upsert {
    on_conflict: Option<String>,
    ignore_duplicates: bool,
}

/// A query against one table, view or function.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    /// `<table>` or `rpc/<function>`.
    path: String,
    operation: Operation,
    select: Option<String>,
    /// Query-string pairs in order (filters, order, limit, offset).
    params: Vec<(String, String)>,
    count: Option<Count>,
    single: bool,
    returning: bool,
}

/// Quote a value for `in.(…)` lists and `or=(…)` trees when it contains characters PostgREST
/// reserves there, as postgrest-js does.
pub fn quote_value(value: &str) -> String {
    if value
        .chars()
        .any(|c| matches!(c, ',' | '(' | ')' | '"' | '\\' | ':' | ' '))
        || value.is_empty()
    {
        format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""))
    } else {
        value.to_owned()
    }
}

impl Query {
    /// Read from a table or view (`select=*` unless [`Query::select`] narrows it).
    pub fn from(table: &str) -> Query {
        Query {
            path: table.to_owned(),
            operation: Operation::Select,
            select: None,
            params: Vec::new(),
            count: None,
            single: false,
            returning: false,
        }
    }

    /// Call a function with named arguments by POST. `read_only` functions may also be called by
    /// GET; we always POST (volatile or not), as `supabase.rpc()` does by default.
    pub fn rpc(function: &str, args: Value) -> Query {
        Query {
            operation: Operation::Rpc {
                args,
                read_only: false,
            },
            ..Query::from(&format!("rpc/{function}"))
        }
    }

    /// Columns and embeds, e.g. `id,name,transcripts(count)`. Whitespace outside quotes is
    /// removed, as postgrest-js does.
    pub fn select(mut self, columns: &str) -> Query {
        let mut cleaned = String::with_capacity(columns.len());
        let mut quoted = false;
        for c in columns.chars() {
            if c == '"' {
                quoted = !quoted;
            }
            if c.is_whitespace() && !quoted {
                continue;
            }
            cleaned.push(c);
        }
        self.select = Some(cleaned);
        if !matches!(self.operation, Operation::Select | Operation::Rpc { .. }) {
            self.returning = true;
        }
        self
    }

    pub fn insert(mut self, rows: Value) -> Query {
        self.operation = Operation::Insert {
            body: rows,
            upsert: None,
        };
        self
    }

    /// Insert or update on conflict with `on_conflict` columns (the primary key when None).
    pub fn upsert(mut self, rows: Value, on_conflict: Option<&str>) -> Query {
        self.operation = Operation::Insert {
            body: rows,
            upsert: Some(Upsert {
                on_conflict: on_conflict.map(str::to_owned),
                ignore_duplicates: false,
            }),
        };
        self
    }

    pub fn update(mut self, changes: Value) -> Query {
        self.operation = Operation::Update { body: changes };
        self
    }

    pub fn delete(mut self) -> Query {
        self.operation = Operation::Delete;
        self
    }

    fn filter(mut self, column: &str, operator: &str, value: impl Display) -> Query {
        self.params
            .push((column.to_owned(), format!("{operator}.{value}")));
        self
    }

    pub fn eq(self, column: &str, value: impl Display) -> Query {
        self.filter(column, "eq", value)
    }
    pub fn neq(self, column: &str, value: impl Display) -> Query {
        self.filter(column, "neq", value)
    }
    pub fn gt(self, column: &str, value: impl Display) -> Query {
        self.filter(column, "gt", value)
    }
    pub fn gte(self, column: &str, value: impl Display) -> Query {
        self.filter(column, "gte", value)
    }
    pub fn lt(self, column: &str, value: impl Display) -> Query {
        self.filter(column, "lt", value)
    }
    pub fn lte(self, column: &str, value: impl Display) -> Query {
        self.filter(column, "lte", value)
    }
    /// `*` is the wildcard, as in PostgREST.
    pub fn ilike(self, column: &str, pattern: &str) -> Query {
        self.filter(column, "ilike", pattern)
    }
    pub fn is_null(self, column: &str) -> Query {
        self.filter(column, "is", "null")
    }
    pub fn not_null(self, column: &str) -> Query {
        self.filter(column, "not.is", "null")
    }
    pub fn in_list<I, S>(self, column: &str, values: I) -> Query
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let list: Vec<String> = values
            .into_iter()
            .map(|value| quote_value(value.as_ref()))
            .collect();
        self.filter(column, "in", format!("({})", list.join(",")))
    }
    /// A raw `or=(…)` tree, e.g. `name.ilike.*dental*,industry.eq.dental`.
    pub fn or(mut self, tree: &str) -> Query {
        self.params.push(("or".to_owned(), format!("({tree})")));
        self
    }

    pub fn order(mut self, column: &str, ascending: bool) -> Query {
        let direction = if ascending { "asc" } else { "desc" };
        match self.params.iter_mut().find(|(key, _)| key == "order") {
            Some((_, value)) => value.push_str(&format!(",{column}.{direction}")),
            None => self
                .params
                .push(("order".to_owned(), format!("{column}.{direction}"))),
        }
        self
    }

    pub fn limit(mut self, rows: u64) -> Query {
        self.params.retain(|(key, _)| key != "limit");
        self.params.push(("limit".to_owned(), rows.to_string()));
        self
    }

    /// Rows `from..=to` (zero-based), as `.range()` in postgrest-js.
    pub fn range(mut self, from: u64, to: u64) -> Query {
        self.params
            .retain(|(key, _)| key != "limit" && key != "offset");
        self.params.push(("offset".to_owned(), from.to_string()));
        self.params.push((
            "limit".to_owned(),
            (to.saturating_sub(from) + 1).to_string(),
        ));
        self
    }

    pub fn count(mut self, count: Count) -> Query {
        self.count = Some(count);
        self
    }

    /// Exactly one row as an object (406 PGRST116 otherwise).
    pub fn single(mut self) -> Query {
        self.single = true;
        self
    }

    /// Build the HTTP request.
    pub fn build(&self, config: &ClientConfig, access_token: Option<&str>) -> HttpRequest {
        let mut params = Vec::new();
        let select = self
            .select
            .clone()
            .or_else(|| matches!(self.operation, Operation::Select).then(|| "*".to_owned()));
        if let Some(select) = &select {
            params.push(("select".to_owned(), select.clone()));
        }
        let mut prefer: Vec<String> = Vec::new();
        let (method, body) = match &self.operation {
            Operation::Select => (Method::Get, None),
            Operation::Insert { body, upsert } => {
                if let Some(upsert) = upsert {
                    prefer.push(
                        if upsert.ignore_duplicates {
                            "resolution=ignore-duplicates"
                        } else {
                            "resolution=merge-duplicates"
                        }
                        .to_owned(),
                    );
                    if let Some(columns) = &upsert.on_conflict {
                        params.push(("on_conflict".to_owned(), columns.clone()));
                    }
                }
                if let Value::Array(rows) = body {
                    let mut columns: Vec<String> = Vec::new();
                    for row in rows {
                        if let Value::Object(map) = row {
                            for key in map.keys() {
                                if !columns.contains(key) {
                                    columns.push(key.clone());
                                }
                            }
                        }
                    }
                    let quoted: Vec<String> = columns
                        .iter()
                        .map(|column| format!("\"{column}\""))
                        .collect();
                    params.push(("columns".to_owned(), quoted.join(",")));
                }
                (Method::Post, Some(body.clone()))
            }
            Operation::Update { body } => (Method::Patch, Some(body.clone())),
            Operation::Delete => (Method::Delete, None),
            Operation::Rpc { args, read_only } => (
                if *read_only {
                    Method::Get
                } else {
                    Method::Post
                },
                Some(args.clone()),
            ),
        };
        params.extend(self.params.iter().cloned());
        if matches!(
            self.operation,
            Operation::Insert { .. } | Operation::Update { .. } | Operation::Delete
        ) {
            prefer.push(
                if self.returning {
                    "return=representation"
                } else {
                    "return=minimal"
                }
                .to_owned(),
            );
        }
        if let Some(count) = self.count {
            prefer.push(
                match count {
                    Count::Exact => "count=exact",
                    Count::Planned => "count=planned",
                    Count::Estimated => "count=estimated",
                }
                .to_owned(),
            );
        }
        let query: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(params.iter())
            .finish();
        let url = if query.is_empty() {
            format!("{}/{}", config.rest_url(), self.path)
        } else {
            format!("{}/{}?{}", config.rest_url(), self.path, query)
        };
        let mut request = HttpRequest::new(method, url, config, access_token);
        request = if matches!(method, Method::Get | Method::Head) {
            request.header("Accept-Profile", "public")
        } else {
            request
                .header("Content-Profile", "public")
                .header("Content-Type", "application/json")
        };
        if self.single {
            request = request.header("Accept", "application/vnd.pgrst.object+json");
        }
        if !prefer.is_empty() {
            request = request.header("Prefer", prefer.join(","));
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        request
    }
}

/// A decoded PostgREST answer: the JSON body and the total count when one was requested.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryResult {
    pub data: Value,
    pub count: Option<u64>,
}

/// Decode a response: errors into [`Error::Api`], `Content-Range: 0-49/1234` into `count`.
pub fn decode(response: &HttpResponse) -> Result<QueryResult, Error> {
    if !response.is_success() {
        return Err(Error::from_response(response));
    }
    let count = response
        .header("content-range")
        .and_then(|range| range.rsplit('/').next())
        .and_then(|total| total.parse().ok());
    let data = if response.body.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&response.body).map_err(|error| Error::Decode(error.to_string()))?
    };
    Ok(QueryResult { data, count })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn config() -> ClientConfig {
        ClientConfig::new("http://127.0.0.1:54321", "anon")
    }

    #[test]
    fn builds_a_filtered_paged_select_like_postgrest_js() {
        let request = Query::from("transcripts")
            .select("id, file_name, clients ( name )")
            .eq("client_id", "c1")
            .in_list("outcome", ["showed", "no show"])
            .order("created_at", false)
            .range(50, 99)
            .count(Count::Exact)
            .build(&config(), Some("jwt"));
        assert_eq!(request.method, Method::Get);
        assert_eq!(
            request.url,
            "http://127.0.0.1:54321/rest/v1/transcripts?select=id%2Cfile_name%2Cclients%28name%29&client_id=eq.c1\
             &outcome=in.%28showed%2C%22no+show%22%29&order=created_at.desc&offset=50&limit=50"
        );
        assert_eq!(request.header_value("Authorization"), Some("Bearer jwt"));
        assert_eq!(request.header_value("Prefer"), Some("count=exact"));
        assert_eq!(request.header_value("Accept-Profile"), Some("public"));
    }

    #[test]
    fn insert_arrays_send_the_union_of_columns_and_return_rows_when_selected() {
        let request = Query::from("clients")
            .insert(json!([{"name": "A"}, {"name": "B", "industry": "dental"}]))
            .select("id")
            .build(&config(), None);
        assert_eq!(request.method, Method::Post);
        assert!(
            request
                .url
                .ends_with("?select=id&columns=%22name%22%2C%22industry%22")
        );
        assert_eq!(
            request.header_value("Prefer"),
            Some("return=representation")
        );
        assert_eq!(request.header_value("Authorization"), Some("Bearer anon"));
    }

    #[test]
    fn upsert_and_rpc() {
        let upsert = Query::from("t")
            .upsert(json!({"id": 1}), Some("id"))
            .build(&config(), None);
        assert_eq!(
            upsert.header_value("Prefer"),
            Some("resolution=merge-duplicates,return=minimal")
        );
        assert!(upsert.url.ends_with("?on_conflict=id"));
        let rpc = Query::rpc("start_analysis", json!({"client_id": "c"})).build(&config(), None);
        assert_eq!(rpc.method, Method::Post);
        assert!(rpc.url.ends_with("/rest/v1/rpc/start_analysis"));
    }

    #[test]
    fn quotes_reserved_characters() {
        assert_eq!(quote_value("plain"), "plain");
        assert_eq!(quote_value("a,b"), "\"a,b\"");
        assert_eq!(quote_value("say \"hi\""), "\"say \\\"hi\\\"\"");
    }

    #[test]
    fn decodes_counts_and_errors() {
        let ok = HttpResponse {
            status: 206,
            headers: vec![("content-range".into(), "0-49/1234".into())],
            body: b"[]".to_vec(),
        };
        assert_eq!(decode(&ok).unwrap().count, Some(1234));
        let err = HttpResponse {
            status: 404,
            headers: vec![],
            body: br#"{"code":"PGRST205","message":"x"}"#.to_vec(),
        };
        assert_eq!(decode(&err).unwrap_err().code(), Some("PGRST205"));
    }
}
