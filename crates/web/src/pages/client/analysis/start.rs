//! Starting an analysis through the `analyze` Edge Function, and its refusals in words.

use crate::model::analysis_job::{refusal, start_body, started_job_id};
use crate::pages::client::transcripts::new_uuid;
use supabase_client::browser::Client;

/// Start an analysis of `transcript_ids` (or of every transcript not analyzed yet). Returns
/// the job id, or what went wrong in words for the page. A server error (a crashed runtime
/// answers 500 once) is retried once with the same idempotency key, which never starts a
/// second job.
pub(crate) async fn start_analysis(
    api: &Client,
    client_id: &str,
    transcript_ids: Option<Vec<String>>,
) -> Result<String, String> {
    let body = start_body(client_id, transcript_ids.as_deref(), &new_uuid());
    let answer = match api.invoke("analyze", &body).await {
        Err(error) if error.status().is_some_and(|status| status >= 500) => {
            api.invoke("analyze", &body).await
        }
        answer => answer,
    }
    .map_err(|error| refusal(&error))?;
    started_job_id(&answer).ok_or_else(|| {
        "The analysis could not be started. Please try again in a moment.".to_owned()
    })
}
