//! Edge Functions: `functions.invoke(name, { body })`.

use crate::config::ClientConfig;
use crate::request::{HttpRequest, Method};
use serde_json::Value;

/// POST a JSON body to a function as the signed-in user (its JWT, never a service key).
pub fn invoke(config: &ClientConfig, access_token: &str, name: &str, body: &Value) -> HttpRequest {
    HttpRequest::new(
        Method::Post,
        format!("{}/{name}", config.functions_url()),
        config,
        Some(access_token),
    )
    .header("Content-Type", "application/json")
    .json(body)
}
