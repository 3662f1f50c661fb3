//! The design card's stack: the postgrest crate over reqwest (fetch on wasm32).
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
pub async fn run(url: String, key: String, token: String, id: String) -> Result<String, JsValue> {
    let response = postgrest::Postgrest::new(format!("{url}/rest/v1"))
        .insert_header("apikey", key)
        .from("clients")
        .auth(token)
        .select("id,name,status")
        .eq("id", id)
        .single()
        .execute()
        .await
        .map_err(|error| JsValue::from_str(&error.to_string()))?;
    let text = response.text().await.map_err(|error| JsValue::from_str(&error.to_string()))?;
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|error| JsValue::from_str(&error.to_string()))?;
    Ok(value["name"].as_str().unwrap_or_default().to_owned())
}
