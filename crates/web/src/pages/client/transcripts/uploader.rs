//! The bulk uploader: drop hundreds of files; each is parsed in the browser (instant preview),
//! checked for duplicates, uploaded to Storage with progress, then saved as a transcript row —
//! four at a time, each file on its own, so one bad file never stops the rest.
//!
//! The rules live in `model::upload`; this module performs the effects and reports back.

use super::corrections::Corrections;
use super::parser::Parser;
use crate::components::upload::DropZone;
use crate::components::virtual_list::VirtualList;
use crate::model::format;
use crate::model::transcripts::{self as rows, TranscriptRow, duration_label, format_label};
use crate::model::upload::{
    Item, ItemId, Ledger, PlannedUpload, SaveError, Stage, UploadQueue, plan_upload, transcript_row,
};
use engine::transcript::{Outcome, Role, SourceFormat};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::collections::BTreeMap;
use supabase_client::browser::Client;
use supabase_client::{Error, storage};
use wasm_bindgen_futures::JsFuture;
use web_sys::File;

/// The bucket of original transcript files.
pub(crate) const BUCKET: &str = "transcripts";

/// Everything the uploader's effects need; `Copy`, so closures take it freely.
#[derive(Clone, Copy)]
struct Uploader {
    queue: RwSignal<UploadQueue>,
    files: StoredValue<BTreeMap<ItemId, File>, LocalStorage>,
    parser: StoredValue<Parser, LocalStorage>,
    api: StoredValue<Client, LocalStorage>,
    client_id: StoredValue<String>,
    agency_id: StoredValue<String>,
    manifests: RwSignal<Vec<ManifestNote>>,
    on_saved: Callback<TranscriptRow>,
}

/// A manifest (CSV) dropped with the transcripts, and what became of it.
#[derive(Debug, Clone, PartialEq)]
struct ManifestNote {
    file_name: String,
    result: Option<Result<u64, String>>,
}

#[component]
pub(crate) fn UploadPanel(
    client_id: String,
    agency_id: String,
    api: StoredValue<Client, LocalStorage>,
    /// Content hashes and names of the client's stored transcripts (duplicate detection).
    #[prop(into)]
    stored: Signal<Vec<(String, String)>>,
    /// A transcript was saved (its row, as the list shows it).
    on_saved: Callback<TranscriptRow>,
) -> impl IntoView {
    let parser = Parser::default();
    parser.warm_up();
    let uploader = Uploader {
        queue: RwSignal::new(UploadQueue::new()),
        files: StoredValue::new_local(BTreeMap::new()),
        parser: StoredValue::new_local(parser),
        api,
        client_id: StoredValue::new(client_id),
        agency_id: StoredValue::new(agency_id),
        manifests: RwSignal::new(Vec::new()),
        on_saved,
    };
    Effect::new(move |_| {
        let stored = stored.get();
        uploader.queue.update(|queue| {
            queue.set_stored(
                stored
                    .iter()
                    .map(|(hash, name)| (hash.as_str(), name.as_str())),
            );
        });
    });
    let cleaned = RwSignal::new(0_usize);
    spawn_local(clean_leftovers(uploader, cleaned));

    let on_files = Callback::new(move |files: Vec<File>| uploader.add(files));
    let summary = Memo::new(move |_| uploader.queue.with(UploadQueue::summary));
    // The list is built when the first file arrives, not again on every change.
    let has_files = Memo::new(move |_| summary.with(|summary| summary.total > 0));
    let count = Signal::derive(move || uploader.queue.with(|queue| queue.items().len()));
    let busy = Memo::new(move |_| uploader.queue.with(UploadQueue::is_busy));

    view! {
        <section class="card uploader" aria-labelledby="upload-heading">
            <h2 id="upload-heading" class="card__title">"Upload transcripts"</h2>
            <DropZone
                on_files=on_files
                hint="Text, Zoom or Teams VTT, SRT, Otter, Gong or Fireflies JSON — up to 5 MB each. Add a CSV (file, outcome, date, rep, prospect) to set outcomes."
            />
            {move || (cleaned.get() > 0).then(|| view! {
                <p class="notice notice--info">
                    {format!(
                        "{} unfinished {} from an earlier visit {} cleaned up.",
                        cleaned.get(),
                        if cleaned.get() == 1 { "upload" } else { "uploads" },
                        if cleaned.get() == 1 { "was" } else { "were" },
                    )}
                </p>
            })}
            <For
                each={move || uploader.manifests.get().into_iter().enumerate().collect::<Vec<_>>()}
                key={|(index, note): &(usize, ManifestNote)| (*index, note.result.clone().map(|result| result.is_ok()))}
                children={|(_, note): (usize, ManifestNote)| view! { <ManifestLine note=note/> }}
            />
            <div class="uploader__summary" role="status" aria-live="polite">
                {move || summary.get().sentence()}
            </div>
            {move || has_files.get().then(|| view! {
                <div class="uploader__actions">
                    <button
                        type="button"
                        class="button button--secondary"
                        disabled=move || summary.get().total == 0
                        on:click=move |_| uploader.queue.update(UploadQueue::clear_settled)
                    >
                        {move || if busy.get() { "Clear finished files" } else { "Clear the list" }}
                    </button>
                </div>
                <VirtualList
                    count=count
                    key=Callback::new(move |index: usize| {
                        uploader.queue.with_untracked(|queue| {
                            queue.items().get(index).map(|item| item.id.to_string()).unwrap_or_default()
                        })
                    })
                    estimate=Callback::new(|_| 76.0)
                    label="Files being uploaded"
                    class="uploader__list"
                    row=move |index: usize| {
                        let id = uploader.queue.with_untracked(|queue| queue.items().get(index).map(|item| item.id));
                        id.map(|id| view! { <UploadRow uploader=uploader id=id/> })
                    }
                />
            })}
        </section>
    }
}

#[component]
fn ManifestLine(note: ManifestNote) -> impl IntoView {
    let text = match &note.result {
        None => format!("{}: reading the outcome list…", note.file_name),
        Some(Ok(rows)) => format!(
            "{}: outcomes, dates and names of {} will be used for the files dropped with it.",
            note.file_name,
            format::count(*rows as i64, "file", "files")
        ),
        Some(Err(reason)) => format!(
            "{}: this outcome list could not be read: {reason}",
            note.file_name
        ),
    };
    let class = match &note.result {
        Some(Err(_)) => "notice notice--warning",
        _ => "notice notice--info",
    };
    view! { <p class=class>{text}</p> }
}

/// One file's line: name, what happened, the preview and (once parsed) the corrections.
#[component]
fn UploadRow(uploader: Uploader, id: ItemId) -> impl IntoView {
    let item = Memo::new(move |_| uploader.queue.with(|queue| queue.item(id).cloned()));
    let stage = Memo::new(move |_| item.with(|item| item.as_ref().map(|item| item.stage.clone())));
    let name = move || {
        item.with(|item| {
            item.as_ref()
                .map(|item| item.file_name.clone())
                .unwrap_or_default()
        })
    };
    let open = RwSignal::new(false);
    let preview = Memo::new(move |_| item.with(|item| item.as_ref().and_then(preview_of)));
    let speakers = Signal::derive(move || {
        item.with(|item| {
            item.as_ref()
                .and_then(|item| item.parsed.as_ref())
                .map(|parsed| parsed.speakers.clone())
                .unwrap_or_default()
        })
    });
    let outcome = Signal::derive(move || {
        item.with(|item| {
            item.as_ref()
                .and_then(|item| item.parsed.as_ref())
                .map_or(Outcome::Unknown, |parsed| parsed.outcome)
        })
    });
    let in_flight = Signal::derive(move || {
        matches!(stage.get(), Some(Stage::Uploading { .. } | Stage::Saving))
    });
    let on_role = Callback::new(move |(speaker, role): (String, Role)| {
        uploader.correct(id, Correction::Role(speaker, role));
    });
    let on_outcome = Callback::new(move |outcome: Outcome| {
        uploader.correct(id, Correction::Outcome(outcome));
    });
    view! {
        <div class="upload-row" class:upload-row--error=move || matches!(stage.get(), Some(Stage::Unreadable { .. } | Stage::Failed { .. }))>
            <div class="upload-row__head">
                <span class="upload-row__name">{name}</span>
                <StageText stage=stage/>
                {move || matches!(stage.get(), Some(Stage::Failed { .. })).then(|| view! {
                    <button type="button" class="button button--small" on:click=move |_| uploader.retry(id)>"Try again"</button>
                })}
                {move || preview.get().is_some().then(|| view! {
                    <button
                        type="button"
                        class="button button--small button--ghost"
                        aria-expanded=move || open.get().to_string()
                        on:click=move |_| open.update(|open| *open = !*open)
                    >
                        {move || if open.get() { "Hide details" } else { "Roles and outcome" }}
                    </button>
                })}
            </div>
            {move || preview.get().map(|line| view! { <p class="upload-row__preview">{line}</p> })}
            {move || open.get().then(|| view! {
                <Corrections speakers=speakers outcome=outcome on_role=on_role on_outcome=on_outcome disabled=in_flight/>
            })}
        </div>
    }
}

/// What the parser found, in one line: "WebVTT (Zoom, Teams) · 2 speakers (Dana: rep, Sam:
/// prospect) · 42 turns · 38 min · 2025-03-04 · outcome: showed".
fn preview_of(item: &Item) -> Option<String> {
    let parsed = item.parsed.as_ref()?;
    let transcript = &parsed.transcript;
    let speakers = parsed
        .speakers
        .iter()
        .map(|speaker| {
            format!(
                "{}: {}",
                speaker.name,
                rows::role_label(speaker.role).to_lowercase()
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    let mut parts = vec![
        format_label(transcript.format).to_owned(),
        format!(
            "{} ({speakers})",
            format::count(parsed.speakers.len() as i64, "speaker", "speakers")
        ),
    ];
    if !transcript.turns.is_empty() {
        parts.push(format::count(
            transcript.turns.len() as i64,
            "turn",
            "turns",
        ));
    }
    if let Some(duration) = parsed.duration_ms() {
        parts.push(duration_label(duration));
    }
    if let Some(date) = &transcript.metadata.date {
        parts.push(date.clone());
    }
    parts.push(format!(
        "outcome: {}",
        rows::outcome_label(parsed.outcome).to_lowercase()
    ));
    Some(parts.join(" · "))
}

#[component]
fn StageText(stage: Memo<Option<Stage>>) -> impl IntoView {
    move || {
        match stage.get() {
        None | Some(Stage::Queued) => view! { <span class="upload-row__stage muted">"Waiting"</span> }.into_any(),
        Some(Stage::Parsing) => view! { <span class="upload-row__stage muted">"Reading…"</span> }.into_any(),
        Some(Stage::Ready) => view! { <span class="upload-row__stage muted">"Read · waiting to upload"</span> }.into_any(),
        Some(Stage::Uploading { sent, total }) => {
            let percent = (sent * 100).checked_div(total).unwrap_or(0);
            view! {
                <span class="upload-row__stage">
                    <progress max="100" value=percent aria-label="Upload progress">{format!("{percent}%")}</progress>
                    {format!(" Uploading {percent}%")}
                </span>
            }
            .into_any()
        }
        Some(Stage::Saving) => view! { <span class="upload-row__stage muted">"Saving…"</span> }.into_any(),
        Some(Stage::Saved { .. }) => view! { <span class="upload-row__stage status-ok">"Saved"</span> }.into_any(),
        Some(Stage::Duplicate { of }) => view! {
            <span class="upload-row__stage status-warn">{format!("Already uploaded (as “{of}”) — skipped")}</span>
        }
        .into_any(),
        Some(Stage::Unreadable { reason }) => view! {
            <span class="upload-row__stage status-error">{format!("Could not be read: {reason}")}</span>
        }
        .into_any(),
        Some(Stage::Failed { reason, leftover }) => view! {
            <span class="upload-row__stage status-error">
                {format!("Not saved: {reason}")}
                {leftover.then_some(" The partly uploaded copy will be removed the next time you open this page.")}
            </span>
        }
        .into_any(),
    }
    }
}

enum Correction {
    Role(String, Role),
    Outcome(Outcome),
}

/// A fresh lower-case uuid (v4) from the browser.
pub(crate) fn new_uuid() -> String {
    web_sys::window()
        .and_then(|window| window.crypto().ok())
        .map(|crypto| crypto.random_uuid())
        .unwrap_or_else(|| {
            let hex = |bits: u32| -> String {
                (0..bits / 4)
                    .map(|_| format!("{:x}", (js_sys::Math::random() * 16.0) as u8 & 15))
                    .collect()
            };
            format!(
                "{}-{}-4{}-a{}-{}",
                hex(32),
                hex(16),
                hex(12),
                hex(12),
                hex(48)
            )
        })
        .to_ascii_lowercase()
}

fn is_manifest(file: &File) -> bool {
    file.name().to_ascii_lowercase().ends_with(".csv")
}

async fn read_bytes(file: &File) -> Option<js_sys::ArrayBuffer> {
    JsFuture::from(file.array_buffer())
        .await
        .ok()
        .map(wasm_bindgen::JsCast::unchecked_into)
}

impl Uploader {
    fn add(self, files: Vec<File>) {
        let (manifests, transcripts): (Vec<File>, Vec<File>) =
            files.into_iter().partition(is_manifest);
        spawn_local(async move {
            // Manifests first: the worker applies them to the files sent after them.
            for file in manifests {
                let index = self.manifests.with_untracked(Vec::len);
                self.manifests.update(|notes| {
                    notes.push(ManifestNote {
                        file_name: file.name(),
                        result: None,
                    });
                });
                let bytes = read_bytes(&file).await;
                if self.gone() {
                    return;
                }
                let Some(bytes) = bytes else {
                    self.manifests.update(|notes| {
                        notes[index].result = Some(Err("the file could not be opened".to_owned()));
                    });
                    continue;
                };
                self.parser.with_value(|parser| {
                    parser.manifest(&file.name(), bytes, move |result| {
                        self.manifests
                            .update(|notes| notes[index].result = Some(result));
                    });
                });
            }
            if self.gone() {
                return;
            }
            let named: Vec<(String, u64)> = transcripts
                .iter()
                .map(|file| (file.name(), file.size() as u64))
                .collect();
            let ids = self
                .queue
                .try_update(|queue| queue.add(&named))
                .unwrap_or_default();
            self.files
                .update_value(|files| files.extend(ids.into_iter().zip(transcripts)));
            self.pump();
        });
    }

    /// The page was left (the tab's signals are disposed): work still in flight stops at its
    /// next step instead of touching them. An upload stopped between file and row is in the
    /// ledger and cleaned up on the next visit.
    fn gone(self) -> bool {
        self.queue.is_disposed()
            || self.files.is_disposed()
            || self.parser.is_disposed()
            || self.api.is_disposed()
            || self.client_id.is_disposed()
            || self.agency_id.is_disposed()
    }

    /// Start whatever the queue allows now: parses, then uploads.
    fn pump(self) {
        if self.gone() {
            return;
        }
        let parse = self
            .queue
            .try_update(UploadQueue::start_parsing)
            .unwrap_or_default();
        for id in parse {
            spawn_local(self.parse(id));
        }
        let (agency_id, client_id) = (self.agency_id.get_value(), self.client_id.get_value());
        let uploads = self
            .queue
            .try_update(|queue| {
                queue.start_uploads(|item: &Item| {
                    let format = item
                        .parsed
                        .as_ref()
                        .map_or(SourceFormat::Unlabeled, |parsed| parsed.transcript.format);
                    plan_upload(&agency_id, &client_id, &new_uuid(), format)
                })
            })
            .unwrap_or_default();
        for id in uploads {
            spawn_local(self.upload(id));
        }
        // Settled files no longer need their File handle.
        let settled: Vec<ItemId> = self.queue.with_untracked(|queue| {
            queue
                .items()
                .iter()
                .filter(|item| item.stage.is_settled())
                .map(|item| item.id)
                .collect()
        });
        self.files.update_value(|files| {
            for id in settled {
                files.remove(&id);
            }
        });
    }

    async fn parse(self, id: ItemId) {
        if self.gone() {
            return;
        }
        let Some(file) = self.files.with_value(|files| files.get(&id).cloned()) else {
            return;
        };
        let bytes = read_bytes(&file).await;
        if self.gone() {
            return;
        }
        let Some(bytes) = bytes else {
            self.queue.update(|queue| {
                queue.parsed(
                    id,
                    Err(
                        "the file could not be opened; it may have been moved or deleted"
                            .to_owned(),
                    ),
                );
            });
            self.pump();
            return;
        };
        self.parser.with_value(|parser| {
            parser.transcript(&file.name(), bytes, move |result| {
                if self.gone() {
                    return;
                }
                self.queue.update(|queue| queue.parsed(id, result));
                self.pump();
            });
        });
    }

    async fn upload(self, id: ItemId) {
        if self.gone() {
            return;
        }
        let found = self.queue.with_untracked(|queue| {
            queue
                .item(id)
                .and_then(|item| Some((item.clone(), item.upload.clone()?, item.parsed.clone()?)))
        });
        let (Some((item, planned, parsed)), Some(file)) = (
            found,
            self.files.with_value(|files| files.get(&id).cloned()),
        ) else {
            return;
        };
        let api = self.api.get_value();
        let client_id = self.client_id.get_value();
        remember(&client_id, |ledger| ledger.add(&planned));
        let queue = self.queue;
        let uploaded = api
            .upload(
                BUCKET,
                &planned.storage_path,
                &file,
                planned.content_type,
                move |sent, total| {
                    queue.update(|queue| queue.progress(id, sent as u64, total as u64));
                },
            )
            .await;
        if self.gone() {
            return;
        }
        if let Err(error) = uploaded {
            // A refusal stored nothing; a lost connection may have: the ledger decides later.
            if matches!(error, Error::Api { .. }) {
                remember(&client_id, |ledger| ledger.remove(&planned.transcript_id));
            }
            self.queue
                .update(|queue| queue.upload_failed(id, upload_error(&error)));
            self.pump();
            return;
        }
        self.queue.update(|queue| queue.uploaded(id));
        let row = transcript_row(
            &self.agency_id.get_value(),
            &client_id,
            &item,
            &parsed,
            &planned,
        );
        let inserted = api.fetch::<Vec<TranscriptRow>>(&rows::insert(row)).await;
        if self.gone() {
            return;
        }
        match inserted {
            Ok(mut saved) if !saved.is_empty() => {
                remember(&client_id, |ledger| ledger.remove(&planned.transcript_id));
                let row = saved.remove(0);
                self.queue.update(|queue| queue.saved(id, row.id.clone()));
                self.on_saved.run(row);
            }
            result => {
                let error = match result {
                    Err(error) if is_duplicate(&error) => SaveError::Duplicate,
                    Err(error) => SaveError::Other(error.user_message()),
                    Ok(_) => SaveError::Other(
                        "the transcript was not saved; please try again".to_owned(),
                    ),
                };
                // Never leave a file without its row: take the upload back.
                let removed = remove_object(&api, &planned).await.is_ok();
                if removed {
                    remember(&client_id, |ledger| ledger.remove(&planned.transcript_id));
                }
                self.queue
                    .update(|queue| queue.save_failed(id, error, !removed));
            }
        }
        self.pump();
    }

    fn retry(self, id: ItemId) {
        if self
            .queue
            .try_update(|queue| queue.retry(id))
            .unwrap_or(false)
        {
            self.pump();
        }
    }

    /// A correction: into the queue while the file waits, into the database once it is saved.
    fn correct(self, id: ItemId, correction: Correction) {
        let saved_id = self
            .queue
            .with_untracked(|queue| match &queue.item(id)?.stage {
                Stage::Saved { transcript_id } => Some(transcript_id.clone()),
                _ => None,
            });
        let Some(transcript_id) = saved_id else {
            self.queue.update(|queue| {
                match &correction {
                    Correction::Role(speaker, role) => queue.set_role(id, speaker, *role),
                    Correction::Outcome(outcome) => queue.set_outcome(id, *outcome),
                };
            });
            return;
        };
        // Saved: apply locally (the preview) and save; the list hears of it through on_saved.
        let speakers = self.queue.with_untracked(|queue| {
            queue
                .item(id)
                .and_then(|item| item.parsed.as_ref())
                .map(|parsed| parsed.speakers.clone())
        });
        let api = self.api.get_value();
        let query = match &correction {
            Correction::Role(speaker, role) => {
                let mut speakers = speakers.unwrap_or_default();
                rows::set_role(&mut speakers, speaker, *role);
                rows::update_speakers(&transcript_id, &speakers)
            }
            Correction::Outcome(outcome) => rows::update_outcome(&transcript_id, *outcome),
        };
        spawn_local(async move {
            if let Ok(mut saved) = api.fetch::<Vec<TranscriptRow>>(&query).await
                && !saved.is_empty()
                && !self.gone()
            {
                let row = saved.remove(0);
                self.queue
                    .update(|queue| queue.apply_saved(id, &row.speakers, row.outcome));
                self.on_saved.run(row);
            }
        });
    }
}

fn is_duplicate(error: &Error) -> bool {
    match error {
        Error::Api {
            status,
            message,
            details,
            ..
        } => {
            *status == 409
                && [Some(message.as_str()), details.as_deref()]
                    .into_iter()
                    .flatten()
                    .any(|text| text.contains("transcripts_same_file_already_uploaded_for_client"))
        }
        _ => false,
    }
}

fn upload_error(error: &Error) -> String {
    match error.status() {
        Some(415) => "this kind of file is not accepted for storage".to_owned(),
        Some(413) => "the file is too large to store".to_owned(),
        _ => error.user_message(),
    }
}

async fn remove_object(api: &Client, planned: &PlannedUpload) -> Result<(), Error> {
    let token = api.access_token().await?;
    let request = storage::remove(
        api.config(),
        &token,
        BUCKET,
        std::slice::from_ref(&planned.storage_path),
    );
    let response = supabase_client::browser::send(&request).await?;
    if response.is_success() {
        Ok(())
    } else {
        Err(Error::from_response(&response))
    }
}

/// Update the client's ledger of unfinished uploads in localStorage.
fn remember(client_id: &str, change: impl FnOnce(&mut Ledger)) {
    let Some(storage) = web_sys::window().and_then(|window| window.local_storage().ok().flatten())
    else {
        return;
    };
    let key = Ledger::storage_key(client_id);
    let mut ledger = Ledger::parse(storage.get_item(&key).ok().flatten().as_deref());
    change(&mut ledger);
    if ledger.entries.is_empty() {
        let _ = storage.remove_item(&key);
    } else {
        let _ = storage.set_item(&key, &ledger.to_json());
    }
}

/// Remove files uploaded on an earlier visit whose row was never saved (the page closed in
/// between, or the removal failed); `cleaned` counts them.
async fn clean_leftovers(uploader: Uploader, cleaned: RwSignal<usize>) {
    let client_id = uploader.client_id.get_value();
    let Some(storage) = web_sys::window().and_then(|window| window.local_storage().ok().flatten())
    else {
        return;
    };
    let ledger = Ledger::parse(
        storage
            .get_item(&Ledger::storage_key(&client_id))
            .ok()
            .flatten()
            .as_deref(),
    );
    let api = uploader.api.get_value();
    for entry in ledger.entries {
        let row = api
            .fetch::<Vec<serde_json::Value>>(&rows::exists(&entry.transcript_id))
            .await;
        let done = match row {
            Ok(found) if !found.is_empty() => true,
            Ok(_) => {
                let planned = PlannedUpload {
                    transcript_id: entry.transcript_id.clone(),
                    storage_path: entry.storage_path.clone(),
                    content_type: "",
                };
                let removed = remove_object(&api, &planned).await.is_ok();
                if removed {
                    cleaned.update(|count| *count += 1);
                }
                removed
            }
            Err(_) => false,
        };
        if done {
            remember(&client_id, |ledger| ledger.remove(&entry.transcript_id));
        }
    }
}
