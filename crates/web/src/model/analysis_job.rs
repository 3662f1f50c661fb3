//! A running analysis as the Analysis tab follows it: the job's progress (from the
//! `analysis_jobs` row read once, then `progress` broadcasts on the private topic `job:<id>`),
//! the words and numbers shown, and when to nudge a stalled job with `resume`.

use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use supabase_client::{Error, Query};

/// No progress for this long while queued or running means the worker chain broke (a
/// crashed function, a lost self-invocation): the page asks `analyze` to resume. Longer than
/// a batch lease and a worker's wait for one (20 s and 25 s, supabase/functions/analyze/
/// worker.ts) so a slow batch is not mistaken for a stall.
pub(crate) const STALL_MS: f64 = 90_000.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum JobStatus {
    Queued,
    Running,
    Completed,
    Failed,
    Cancelled,
}

impl JobStatus {
    pub(crate) fn is_finished(self) -> bool {
        matches!(
            self,
            JobStatus::Completed | JobStatus::Failed | JobStatus::Cancelled
        )
    }
}

/// A job's progress: the row's columns, or a `progress` broadcast read by
/// [`JobProgress::from_broadcast`].
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub(crate) struct JobProgress {
    pub(crate) id: String,
    pub(crate) status: JobStatus,
    #[serde(default)]
    pub(crate) batches_total: u32,
    #[serde(default)]
    pub(crate) batches_done: u32,
    #[serde(default)]
    pub(crate) batches_failed: u32,
    #[serde(default)]
    pub(crate) transcripts_total: u32,
    #[serde(default)]
    pub(crate) transcripts_done: u32,
    #[serde(default)]
    pub(crate) transcripts_failed: u32,
    /// Prospects per awareness level so far: `{"problem": n, "solution": n, "product": n}`.
    #[serde(default, deserialize_with = "lenient_counts")]
    pub(crate) distribution: BTreeMap<String, u32>,
    #[serde(default)]
    pub(crate) error: Option<String>,
    #[serde(default)]
    pub(crate) updated_at: Option<String>,
}

/// Counts from an object of numbers; anything else is ignored.
fn lenient_counts<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<BTreeMap<String, u32>, D::Error> {
    let value = Value::deserialize(deserializer)?;
    Ok(value
        .as_object()
        .map(|object| {
            object
                .iter()
                .filter_map(|(key, count)| {
                    Some((key.clone(), u32::try_from(count.as_u64()?).ok()?))
                })
                .collect()
        })
        .unwrap_or_default())
}

/// The progress columns of `analysis_jobs`.
pub(crate) const JOB_COLUMNS: &str = "id,client_id,status,batches_total,batches_done,batches_failed,transcripts_total,transcripts_done,transcripts_failed,distribution,error,updated_at,created_at";

/// The client's most recent jobs, newest first (the running one, if any, is among them).
pub(crate) fn recent_jobs(client_id: &str) -> Query {
    Query::from("analysis_jobs")
        .select(JOB_COLUMNS)
        .eq("client_id", client_id)
        .order("created_at", false)
        .limit(5)
}

/// One job's row (read once after joining its channel).
pub(crate) fn job(job_id: &str) -> Query {
    Query::from("analysis_jobs")
        .select(JOB_COLUMNS)
        .eq("id", job_id)
}

/// The Realtime topic of a job's progress.
pub(crate) fn topic(job_id: &str) -> String {
    format!("job:{job_id}")
}

/// The `analyze` function's body to start a job: all not-yet-analyzed transcripts, or a
/// chosen batch. `idempotency_key` is made once per click: a retry with it answers the same
/// job and counts nothing twice.
pub(crate) fn start_body(
    client_id: &str,
    transcript_ids: Option<&[String]>,
    idempotency_key: &str,
) -> Value {
    let mut body = json!({ "client_id": client_id, "idempotency_key": idempotency_key });
    if let Some(ids) = transcript_ids {
        body["transcript_ids"] = json!(ids);
    }
    body
}

/// The `analyze` function's body to cancel or resume a job.
pub(crate) fn action_body(job_id: &str, action: &str) -> Value {
    json!({ "job_id": job_id, "action": action })
}

/// The job id in the `analyze` function's answer.
pub(crate) fn started_job_id(answer: &Value) -> Option<String> {
    answer
        .get("job_id")
        .and_then(Value::as_str)
        .map(str::to_owned)
}

impl JobProgress {
    /// Reads a `progress` broadcast. Its payload names the job `job_id`; an `id` beside it is
    /// the Realtime message's id (hosted `realtime.send` adds one to every payload), never the
    /// job's. `None` for a payload that is not a job's progress.
    pub(crate) fn from_broadcast(mut payload: Value) -> Option<JobProgress> {
        let object = payload.as_object_mut()?;
        let job_id = object.remove("job_id")?;
        object.insert("id".to_owned(), job_id);
        serde_json::from_value(payload).ok()
    }

    /// A job just started (before its row is read).
    pub(crate) fn queued(job_id: &str) -> JobProgress {
        JobProgress {
            id: job_id.to_owned(),
            status: JobStatus::Queued,
            batches_total: 0,
            batches_done: 0,
            batches_failed: 0,
            transcripts_total: 0,
            transcripts_done: 0,
            transcripts_failed: 0,
            distribution: BTreeMap::new(),
            error: None,
            updated_at: None,
        }
    }

    /// Take `incoming` unless it is older than what we have: broadcasts and the one row read
    /// can arrive in any order. A finished job never goes back to running.
    pub(crate) fn newer(
        current: Option<&JobProgress>,
        incoming: JobProgress,
    ) -> Option<JobProgress> {
        let Some(current) = current else {
            return Some(incoming);
        };
        if current.id != incoming.id {
            return Some(incoming);
        }
        if current.status.is_finished() && !incoming.status.is_finished() {
            return None;
        }
        let older = match (&current.updated_at, &incoming.updated_at) {
            (Some(have), Some(got)) => got < have,
            _ => false,
        };
        let less_done = incoming.batches_done + incoming.batches_failed
            < current.batches_done + current.batches_failed
            && incoming.status == current.status;
        (!older && !less_done && incoming != *current).then_some(incoming)
    }

    /// The batch being worked on, counting from 1 ("batch 3 of 5").
    pub(crate) fn current_batch(&self) -> u32 {
        (self.batches_done + self.batches_failed + 1).min(self.batches_total.max(1))
    }

    /// 0..=1: transcripts done or failed of all.
    pub(crate) fn fraction(&self) -> f64 {
        if self.transcripts_total == 0 {
            return if self.status == JobStatus::Completed {
                1.0
            } else {
                0.0
            };
        }
        f64::from(self.transcripts_done + self.transcripts_failed)
            / f64::from(self.transcripts_total)
    }

    /// The headline: where the analysis is, in words.
    pub(crate) fn headline(&self) -> String {
        match self.status {
            JobStatus::Queued => "Starting the analysis…".to_owned(),
            JobStatus::Running => format!(
                "Analyzing batch {} of {}",
                self.current_batch(),
                self.batches_total
            ),
            JobStatus::Completed => "Analysis complete".to_owned(),
            JobStatus::Failed => "The analysis stopped".to_owned(),
            JobStatus::Cancelled => "The analysis was cancelled".to_owned(),
        }
    }

    /// Transcripts done, failed and total, in words.
    pub(crate) fn detail(&self) -> String {
        let mut text = format!(
            "{} of {} transcripts analyzed",
            self.transcripts_done, self.transcripts_total
        );
        if self.transcripts_failed > 0 {
            text.push_str(&format!(
                ", {} could not be analyzed",
                self.transcripts_failed
            ));
        }
        text
    }
}

/// Watches for a job that stops moving and decides when to ask for a resume (at most once
/// per [`STALL_MS`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct StallWatch {
    last_change_ms: Option<f64>,
    last_resume_ms: Option<f64>,
    seen: Option<(JobStatus, u32, u32, u32)>,
}

impl StallWatch {
    /// Record the progress seen at `now_ms`.
    pub(crate) fn observe(&mut self, progress: &JobProgress, now_ms: f64) {
        let key = (
            progress.status,
            progress.batches_done + progress.batches_failed,
            progress.transcripts_done,
            progress.transcripts_failed,
        );
        if self.seen != Some(key) {
            self.seen = Some(key);
            self.last_change_ms = Some(now_ms);
        }
    }

    /// Should the page ask `analyze` to resume now? Records the attempt when it says yes.
    pub(crate) fn should_resume(&mut self, progress: &JobProgress, now_ms: f64) -> bool {
        if progress.status.is_finished() {
            return false;
        }
        let Some(changed) = self.last_change_ms else {
            return false;
        };
        let quiet = now_ms - changed >= STALL_MS;
        let not_recently = self
            .last_resume_ms
            .is_none_or(|resumed| now_ms - resumed >= STALL_MS);
        if quiet && not_recently {
            self.last_resume_ms = Some(now_ms);
            return true;
        }
        false
    }
}

/// Why `analyze` refused, for a person.
pub(crate) fn refusal(error: &Error) -> String {
    let Error::Api {
        status,
        message,
        hint,
        ..
    } = error
    else {
        return error.user_message();
    };
    let lower = message.to_lowercase();
    match status {
        402 => {
            let advice = hint.clone().unwrap_or_else(|| {
                if lower.contains("subscription") || lower.contains("locked") {
                    "Update the payment method in Settings to unlock analyses; no data was deleted.".to_owned()
                } else {
                    "Upgrade the plan in Settings, or wait until next month.".to_owned()
                }
            });
            format!("{} {advice}", sentence(message))
        }
        _ if lower.contains("no transcripts to analyze") => {
            "Every transcript of this client has already been analyzed. Upload new transcripts, or select some on the Transcripts tab to analyze them again.".to_owned()
        }
        _ if lower.contains("not parsed") => {
            "Some selected transcripts could not be read, so they cannot be analyzed. Select only readable transcripts.".to_owned()
        }
        401 | 403 => "You are not a member of this client's agency, so you cannot analyze its transcripts.".to_owned(),
        _ => error.user_message(),
    }
}

/// "monthly analysis limit reached: …" → "Monthly analysis limit reached: ….".
fn sentence(text: &str) -> String {
    let text = text.trim();
    let mut chars = text.chars();
    let mut out: String = match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    };
    if !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn progress(status: &str, done: u32, updated_at: &str) -> JobProgress {
        JobProgress::from_broadcast(json!({
            "id": "7d1c0c8e-message-id", "job_id": "j1", "client_id": "c1", "status": status,
            "batches_total": 5, "batches_done": done, "batches_failed": 0,
            "transcripts_total": 100, "transcripts_done": done * 20, "transcripts_failed": 0,
            "distribution": {"problem": done * 8, "solution": done * 7, "product": done * 5, "junk": "x"},
            "error": null, "updated_at": updated_at
        }))
        .unwrap()
    }

    #[test]
    fn a_broadcast_is_the_job_it_names_whatever_its_message_id() {
        let with_message_id = progress("running", 2, "t");
        assert_eq!(with_message_id.id, "j1");
        let without = JobProgress::from_broadcast(json!({"job_id": "j1", "status": "completed"}));
        assert_eq!(
            without.map(|progress| progress.status),
            Some(JobStatus::Completed)
        );
        assert_eq!(
            JobProgress::from_broadcast(json!({"id": "m1", "status": "running"})),
            None
        );
        assert_eq!(
            JobProgress::from_broadcast(json!(["not", "an", "object"])),
            None
        );
        assert_eq!(
            JobProgress::from_broadcast(json!({"job_id": "j1", "status": "lost"})),
            None
        );
    }

    #[test]
    fn reads_the_broadcast_and_the_row() {
        let broadcast = progress("running", 2, "2025-11-26T10:00:02.5+00:00");
        assert_eq!(broadcast.id, "j1");
        assert_eq!(broadcast.distribution.get("problem"), Some(&16));
        assert!(!broadcast.distribution.contains_key("junk"));
        let row: JobProgress = serde_json::from_value(json!({
            "id": "j1", "status": "queued", "distribution": {}, "created_at": "x"
        }))
        .unwrap();
        assert_eq!(row.batches_total, 0);
        assert_eq!(row.headline(), "Starting the analysis…");
    }

    #[test]
    fn words_and_numbers() {
        let mut running = progress("running", 2, "t");
        assert_eq!(running.headline(), "Analyzing batch 3 of 5");
        assert_eq!(running.detail(), "40 of 100 transcripts analyzed");
        running.transcripts_failed = 3;
        assert_eq!(
            running.detail(),
            "40 of 100 transcripts analyzed, 3 could not be analyzed"
        );
        assert!((running.fraction() - 0.43).abs() < 1e-9);
        let done = progress("completed", 5, "t");
        assert_eq!(done.current_batch(), 5, "never 'batch 6 of 5'");
        assert_eq!(done.headline(), "Analysis complete");
    }

    #[test]
    fn out_of_order_updates_never_move_backwards() {
        let two = progress("running", 2, "2025-11-26T10:00:02+00:00");
        let three = progress("running", 3, "2025-11-26T10:00:03+00:00");
        let done = progress("completed", 5, "2025-11-26T10:00:05+00:00");
        assert_eq!(JobProgress::newer(None, two.clone()), Some(two.clone()));
        assert_eq!(
            JobProgress::newer(Some(&two), three.clone()),
            Some(three.clone())
        );
        assert_eq!(
            JobProgress::newer(Some(&three), two.clone()),
            None,
            "an older broadcast"
        );
        assert_eq!(
            JobProgress::newer(Some(&three), three.clone()),
            None,
            "nothing new"
        );
        assert_eq!(
            JobProgress::newer(Some(&done), three.clone()),
            None,
            "finished stays finished"
        );
        let mut late_row = two.clone();
        late_row.updated_at = None;
        assert_eq!(
            JobProgress::newer(Some(&three), late_row),
            None,
            "less done, same status"
        );
        let mut other = two.clone();
        other.id = "j2".into();
        assert_eq!(JobProgress::newer(Some(&three), other.clone()), Some(other));
    }

    #[test]
    fn a_stalled_job_is_resumed_once_per_lease_window() {
        let mut watch = StallWatch::default();
        let running = progress("running", 2, "t");
        assert!(!watch.should_resume(&running, 0.0), "nothing observed yet");
        watch.observe(&running, 1_000.0);
        assert!(!watch.should_resume(&running, 60_000.0));
        assert!(watch.should_resume(&running, 91_000.0));
        assert!(!watch.should_resume(&running, 95_000.0), "just asked");
        assert!(
            watch.should_resume(&running, 181_000.0),
            "still stuck: ask again"
        );
        let moved = progress("running", 3, "t");
        watch.observe(&moved, 182_000.0);
        assert!(!watch.should_resume(&moved, 250_000.0));
        watch.observe(&moved, 260_000.0);
        assert!(
            !watch.should_resume(&moved, 270_000.0 + 1.0),
            "same progress does not reset the clock"
        );
        assert!(watch.should_resume(&moved, 182_000.0 + STALL_MS));
        let done = progress("completed", 5, "t");
        watch.observe(&done, 300_000.0);
        assert!(
            !watch.should_resume(&done, 10_000_000.0),
            "finished jobs are left alone"
        );
    }

    fn api(status: u16, message: &str, hint: Option<&str>) -> Error {
        Error::Api {
            status,
            code: None,
            message: message.to_owned(),
            details: None,
            hint: hint.map(str::to_owned),
        }
    }

    #[test]
    fn refusals_in_words() {
        assert_eq!(
            refusal(&api(
                402,
                "monthly analysis limit reached: the starter plan allows 10 analyses per month",
                None
            )),
            "Monthly analysis limit reached: the starter plan allows 10 analyses per month. Upgrade the plan in Settings, or wait until next month."
        );
        assert_eq!(
            refusal(&api(
                402,
                "new analyses are locked: the subscription is past_due",
                Some("Update the payment method to unlock analyses; no data was deleted.")
            )),
            "New analyses are locked: the subscription is past_due. Update the payment method to unlock analyses; no data was deleted."
        );
        assert!(
            refusal(&api(400, "no transcripts to analyze", None))
                .starts_with("Every transcript of this client has already been analyzed")
        );
        assert!(
            refusal(&api(
                403,
                "you are not a member of this client's agency",
                None
            ))
            .contains("not a member")
        );
        assert_eq!(
            refusal(&Error::Network("offline".into())),
            "We couldn't reach the server. Check your connection and try again."
        );
    }

    #[test]
    fn function_bodies() {
        assert_eq!(
            start_body("c", None, "k1"),
            json!({"client_id": "c", "idempotency_key": "k1"})
        );
        assert_eq!(
            start_body("c", Some(&["t1".to_owned()]), "k2"),
            json!({"client_id": "c", "transcript_ids": ["t1"], "idempotency_key": "k2"})
        );
        assert_eq!(
            action_body("j", "cancel"),
            json!({"job_id": "j", "action": "cancel"})
        );
        assert_eq!(started_job_id(&json!({"job_id": "j9"})), Some("j9".into()));
        assert_eq!(started_job_id(&json!({"error": "x"})), None);
        assert_eq!(topic("j9"), "job:j9");
    }
}
