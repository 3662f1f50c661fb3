//! Our choice: the typed PostgREST builder of crates/supabase-client over the browser's fetch.
use supabase_client::{ClientConfig, Query};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
pub async fn run(url: String, key: String, token: String, id: String) -> Result<String, JsValue> {
    let config = ClientConfig::new(&url, &key);
    let query = Query::from("clients").select("id,name,status").eq("id", id).single();
    let response = supabase_client::browser::send(&query.build(&config, Some(&token)))
        .await
        .map_err(|error| JsValue::from_str(&error.to_string()))?;
    let result = supabase_client::postgrest::decode(&response).map_err(|error| JsValue::from_str(&error.to_string()))?;
    Ok(result.data["name"].as_str().unwrap_or_default().to_owned())
}
