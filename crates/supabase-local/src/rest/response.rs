//! Status, headers and body of a successful /rest/v1 response (contract §1.5), from the plan and
//! the statement's outcome: Content-Range and 200/206/416, 201 vs 200 for upserts, 204 for
//! writes without representation and for void functions, Location, Content-Profile,
//! Preference-Applied, and the `response.headers` / `response.status` settings.

use super::error::ApiError;
use super::execute::Outcome;
use super::plan::{Action, Kind, Mutation, Plan};
use super::request::Preferences;
use super::schema::Returns;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// PostgREST's Content-Range: `<first>-<last>/<total>`, `*` when the range is empty.
pub fn content_range(lower: i64, upper: i64, total: Option<i64>) -> String {
    let total_text = total.map_or("*".to_owned(), |total| total.to_string());
    let range = if total != Some(0) && lower <= upper {
        format!("{lower}-{upper}")
    } else {
        "*".to_owned()
    };
    format!("{range}/{total_text}")
}

fn header(headers: &mut HeaderMap, name: HeaderName, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        headers.insert(name, value);
    }
}

/// Build the response for a committed outcome.
pub fn respond(
    action: &Action,
    plan: &Plan,
    outcome: Outcome,
    schema: &str,
    preferences: &Preferences,
) -> Result<Response, ApiError> {
    let mut headers = HeaderMap::new();
    let offset = i64::try_from(plan.read.offset).unwrap_or(i64::MAX);
    let rows = outcome.page_total;
    let (mut status, range) = match (&plan.kind, action) {
        (Kind::Read, _) | (Kind::Call(_), _) => {
            let total = if plan.count { outcome.total } else { None };
            let lower = offset;
            let upper = offset + rows - 1;
            let status = match total {
                Some(total) if lower > total => {
                    return Err(ApiError::InvalidRange(format!(
                        "An offset of {lower} was requested, but there are only {total} rows."
                    )));
                }
                Some(total) if (1 + upper - lower) < total => StatusCode::PARTIAL_CONTENT,
                _ => StatusCode::OK,
            };
            let status = match &plan.kind {
                Kind::Call(call) if matches!(call.function.returns, Returns::Void) => {
                    StatusCode::NO_CONTENT
                }
                _ => status,
            };
            (status, content_range(lower, upper, total))
        }
        (Kind::Mutate(mutation), action) => {
            let total = plan.count.then_some(rows);
            let representation = !plan.no_body;
            match mutation {
                Mutation::Insert(_) if matches!(action, Action::Put { .. }) => (
                    if representation {
                        StatusCode::OK
                    } else {
                        StatusCode::NO_CONTENT
                    },
                    content_range(1, 0, total),
                ),
                Mutation::Insert(_) => (
                    if plan.count_inserted && outcome.inserted == Some(0) {
                        StatusCode::OK
                    } else {
                        StatusCode::CREATED
                    },
                    content_range(1, 0, total),
                ),
                Mutation::Update(_) => (
                    if representation {
                        StatusCode::OK
                    } else {
                        StatusCode::NO_CONTENT
                    },
                    content_range(0, rows - 1, total),
                ),
                Mutation::Delete(_) => (
                    if representation {
                        StatusCode::OK
                    } else {
                        StatusCode::NO_CONTENT
                    },
                    content_range(1, 0, total),
                ),
            }
        }
    };
    header(&mut headers, header::CONTENT_RANGE, &range);
    header(
        &mut headers,
        HeaderName::from_static("content-profile"),
        schema,
    );
    let applied: Vec<&str> = preferences
        .applied
        .iter()
        .map(String::as_str)
        .filter(|item| !item.starts_with("tx="))
        .collect();
    if !applied.is_empty() {
        header(
            &mut headers,
            HeaderName::from_static("preference-applied"),
            &applied.join(", "),
        );
    }
    if let (Some(location), Action::Insert { relation }) = (&outcome.location, action) {
        header(
            &mut headers,
            header::LOCATION,
            &location_header(relation, location),
        );
    }
    if let Some(extra) = &outcome.response_headers {
        apply_guc_headers(&mut headers, extra)?;
    }
    if let Some(guc_status) = &outcome.response_status {
        status = guc_status
            .trim()
            .parse::<u16>()
            .ok()
            .and_then(|code| StatusCode::from_u16(code).ok())
            .ok_or(ApiError::GucStatus)?;
    }
    let has_body = !plan.no_body && status != StatusCode::NO_CONTENT;
    if has_body {
        headers
            .entry(header::CONTENT_TYPE)
            .or_insert(HeaderValue::from_static(plan.media.content_type()));
        Ok((status, headers, outcome.body).into_response())
    } else {
        Ok((status, headers).into_response())
    }
}

/// `/table?pk=eq.value` from the inserted row's key (a JSON object).
fn location_header(relation: &str, key_json: &str) -> String {
    let Ok(serde_json::Value::Object(key)) = serde_json::from_str::<serde_json::Value>(key_json)
    else {
        return format!("/{relation}");
    };
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (name, value) in key {
        let value = match value {
            serde_json::Value::Null => "is.null".to_owned(),
            serde_json::Value::String(text) => format!("eq.{text}"),
            other => format!("eq.{other}"),
        };
        query.append_pair(&name, &value);
    }
    format!("/{relation}?{}", query.finish())
}

/// `response.headers`: a JSON array of single-key objects.
fn apply_guc_headers(headers: &mut HeaderMap, text: &str) -> Result<(), ApiError> {
    let invalid = || ApiError::GucHeaders;
    let Ok(serde_json::Value::Array(items)) = serde_json::from_str::<serde_json::Value>(text)
    else {
        return Err(invalid());
    };
    for item in items {
        let serde_json::Value::Object(object) = item else {
            return Err(invalid());
        };
        if object.len() != 1 {
            return Err(invalid());
        }
        for (name, value) in object {
            let serde_json::Value::String(value) = value else {
                return Err(invalid());
            };
            let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| invalid())?;
            let value = HeaderValue::from_str(&value).map_err(|_| invalid())?;
            headers.insert(name, value);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_ranges_follow_postgrest() {
        assert_eq!(content_range(0, 9, Some(100)), "0-9/100");
        assert_eq!(content_range(0, -1, Some(0)), "*/0");
        assert_eq!(content_range(0, -1, None), "*/*");
        assert_eq!(content_range(0, 4, None), "0-4/*");
        assert_eq!(content_range(1, 0, Some(3)), "*/3");
    }

    #[test]
    fn locations_are_url_encoded() {
        assert_eq!(
            location_header("clients", r#"{"id":"a b","n":3,"x":null}"#),
            "/clients?id=eq.a+b&n=eq.3&x=is.null"
        );
    }

    #[test]
    fn guc_headers_must_be_single_key_objects() {
        let mut headers = HeaderMap::new();
        apply_guc_headers(
            &mut headers,
            r#"[{"X-Total":"3"},{"Cache-Control":"no-store"}]"#,
        )
        .unwrap();
        assert_eq!(headers["x-total"], "3");
        assert!(apply_guc_headers(&mut headers, r#"{"a":"b"}"#).is_err());
        assert!(apply_guc_headers(&mut headers, r#"[{"a":"b","c":"d"}]"#).is_err());
    }
}
