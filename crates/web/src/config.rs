//! Which Supabase project the app talks to: `/config.json` served beside the app (run time,
//! written by `cargo xtask dev` and the tests; a deployment writes its own), else the values
//! given at build time (SCALESTREAM_SUPABASE_URL / SCALESTREAM_SUPABASE_ANON_KEY), else the
//! local stack's defaults.

use serde::Deserialize;
use supabase_client::ClientConfig;
use supabase_client::request::{HttpRequest, Method};

#[derive(Deserialize)]
struct RuntimeConfig {
    supabase_url: String,
    supabase_anon_key: String,
}

/// The local stack's URL (`cargo xtask dev`).
const LOCAL_URL: &str = "http://127.0.0.1:54321";

fn build_time() -> Option<ClientConfig> {
    let url = option_env!("SCALESTREAM_SUPABASE_URL")?;
    let key = option_env!("SCALESTREAM_SUPABASE_ANON_KEY")?;
    Some(ClientConfig::new(url, key))
}

/// Load the configuration; never fails (a missing config.json falls back).
pub(crate) async fn load() -> ClientConfig {
    let origin = web_sys::window()
        .and_then(|window| window.location().origin().ok())
        .unwrap_or_default();
    let request = HttpRequest {
        method: Method::Get,
        url: format!("{origin}/config.json"),
        headers: Vec::new(),
        body: None,
    };
    if let Ok(response) = supabase_client::browser::send(&request).await
        && response.is_success()
        && let Ok(config) = serde_json::from_slice::<RuntimeConfig>(&response.body)
    {
        return ClientConfig::new(&config.supabase_url, &config.supabase_anon_key);
    }
    build_time().unwrap_or_else(|| ClientConfig::new(LOCAL_URL, ""))
}
