//! The transcript viewer: every turn with its speaker, role and timestamp (virtualized, so a
//! three-hour call scrolls smoothly), the call's facts, and the original file to download.
//! `?turn=N&quote=…` opens it at turn N with the quoted words marked: evidence quotes in the
//! report link here.

use super::uploader::BUCKET;
use crate::app::supabase;
use crate::components::virtual_list::VirtualList;
use crate::model::transcript_view::{
    TurnView, estimated_height, mark_quote, requested_turn, turn_anchor, turns,
};
use crate::model::transcripts::{
    SpeakerEntry, TranscriptRow, duration_label, format_label, outcome_label, role_label,
    with_canonical,
};
use engine::transcript::{Role, Transcript};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};
use serde::Deserialize;
use supabase_client::Error;
use wasm_bindgen::JsCast;

#[derive(Debug, Clone, Deserialize)]
struct ViewerRow {
    #[serde(flatten)]
    row: TranscriptRow,
    #[serde(default)]
    storage_path: Option<String>,
    #[serde(default)]
    canonical: Option<Transcript>,
}

#[component]
pub(crate) fn TranscriptViewer() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let client_id = Memo::new(move |_| params.read().get("id").unwrap_or_default());
    let transcript_id = Memo::new(move |_| params.read().get("transcript_id").unwrap_or_default());
    let api = StoredValue::new_local(supabase());
    let loaded = LocalResource::new(move || {
        let id = transcript_id.get();
        let api = api.get_value();
        async move {
            let mut rows: Vec<ViewerRow> = api.fetch(&with_canonical(&id)).await?;
            Ok::<Option<ViewerRow>, Error>(if rows.is_empty() {
                None
            } else {
                Some(rows.remove(0))
            })
        }
    });
    let back = move || format!("/clients/{}/transcripts", client_id.get());
    view! {
        <div class="viewer">
            <p class="viewer__back"><A href=back>"← All transcripts"</A></p>
            {move || match loaded.get() {
                None => view! { <p class="loading" role="status">"Loading the transcript…"</p> }.into_any(),
                Some(Err(error)) => view! {
                    <div class="error-panel" role="alert">
                        <p class="error-panel__title">"We couldn't load this transcript."</p>
                        <p class="error-panel__message">{error.user_message()}</p>
                        <button type="button" class="button button--secondary" on:click=move |_| loaded.refetch()>"Try again"</button>
                    </div>
                }
                .into_any(),
                Some(Ok(None)) => view! {
                    <div class="notice notice--warning">
                        <p>"This transcript doesn't exist any more, or belongs to another agency."</p>
                    </div>
                }
                .into_any(),
                Some(Ok(Some(found))) => {
                    let turn = query.read().get("turn");
                    let quote = query.read().get("quote");
                    view! { <Loaded found=found turn=turn quote=quote api=api/> }.into_any()
                }
            }}
        </div>
    }
}

#[component]
fn Loaded(
    found: ViewerRow,
    turn: Option<String>,
    quote: Option<String>,
    api: StoredValue<supabase_client::browser::Client, LocalStorage>,
) -> impl IntoView {
    let ViewerRow {
        row,
        storage_path,
        canonical,
    } = found;
    let Some(transcript) = canonical else {
        return view! {
            <h2 class="page-title">{row.file_name.clone()}</h2>
            <div class="notice notice--warning">
                <p>{match &row.parse_error {
                    Some(error) => format!("This file could not be read: {error}"),
                    None => "This transcript has not been read yet.".to_owned(),
                }}</p>
            </div>
        }
        .into_any();
    };
    let turn_views = StoredValue::new(turns(&transcript, &row.speakers));
    let count = turn_views.with_value(Vec::len);
    let target = requested_turn(turn.as_deref(), count);
    let quote = StoredValue::new(quote.unwrap_or_default());
    let facts = [
        Some(format_label(transcript.format).to_owned()),
        row.call_date.clone(),
        row.duration_ms.map(duration_label),
        Some(format!("Outcome: {}", outcome_label(row.outcome))),
        Some(format!("{count} turns")),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ");
    let width = web_sys::window()
        .and_then(|window| window.inner_width().ok())
        .and_then(|width| width.as_f64())
        .unwrap_or(800.0)
        .min(900.0)
        - 80.0;
    let estimate = Callback::new(move |index: usize| {
        turn_views.with_value(|turns| {
            turns
                .get(index)
                .map_or(60.0, |turn| estimated_height(&turn.text, width))
        })
    });
    let scroll_to = Signal::derive(move || target);
    // Once the quoted turn is on screen, move keyboard and screen-reader focus to it.
    if let Some(index) = target {
        request_animation_frame(move || focus_turn(index, 10));
    }
    view! {
        <h2 class="page-title viewer__title">{row.file_name.clone()}</h2>
        <p class="viewer__facts muted">{facts}</p>
        <Speakers speakers=row.speakers.clone()/>
        <Download file_name=row.file_name.clone() storage_path=storage_path api=api/>
        {target.map(|index| view! {
            <p class="viewer__jump" role="status">{format!("Showing turn {} of {count}, where the quote was said.", index + 1)}</p>
        })}
        <VirtualList
            count=Signal::stored(count)
            key=Callback::new(|index: usize| index.to_string())
            estimate=estimate
            label="Turns of the call"
            class="viewer__turns"
            scroll_to=scroll_to
            row=move |index: usize| {
                turn_views.with_value(|turns| turns.get(index).cloned()).map(|turn| {
                    let marked = target == Some(index);
                    view! { <Turn turn=turn marked=marked quote=if marked { quote.get_value() } else { String::new() }/> }
                })
            }
        />
    }
    .into_any()
}

/// Focus the marked turn once it is rendered (a few frames at most).
fn focus_turn(index: usize, tries: u32) {
    let found = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.get_element_by_id(&turn_anchor(index)))
        .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok());
    match found {
        Some(element) => {
            let _ = element.focus();
        }
        None if tries > 0 => request_animation_frame(move || focus_turn(index, tries - 1)),
        None => {}
    }
}

#[component]
fn Turn(turn: TurnView, marked: bool, quote: String) -> impl IntoView {
    let role_class = match turn.role {
        Role::Rep => "turn--rep",
        Role::Prospect => "turn--prospect",
        Role::Unknown => "turn--unknown",
    };
    let text = match mark_quote(&turn.text, &quote) {
        Some((before, words, after)) => view! {
            {before.to_owned()}<mark>{words.to_owned()}</mark>{after.to_owned()}
        }
        .into_any(),
        None => view! { {turn.text.clone()} }.into_any(),
    };
    view! {
        <article
            id=turn_anchor(turn.index)
            class=format!("turn {role_class}")
            class:turn--marked=marked
            tabindex=if marked { "-1" } else { "" }
            aria-label=format!("Turn {}", turn.index + 1)
        >
            <header class="turn__head">
                <span class="turn__speaker">{turn.speaker.clone()}</span>
                <span class="turn__role">{role_label(turn.role)}</span>
                {turn.timestamp.clone().map(|time| view! { <span class="turn__time">{time}</span> })}
            </header>
            <p class="turn__text">{text}</p>
        </article>
    }
}

#[component]
fn Speakers(speakers: Vec<SpeakerEntry>) -> impl IntoView {
    (!speakers.is_empty()).then(|| {
        view! {
            <ul class="viewer__speakers" aria-label="Speakers">
                {speakers.into_iter().map(|speaker| view! {
                    <li>
                        <span class="strong">{speaker.name}</span>
                        {format!(" — {}", role_label(speaker.role))}
                        {speaker.corrected_by_user.then_some(" (set by you)")}
                    </li>
                }).collect_view()}
            </ul>
        }
    })
}

/// Download the original file under its original name (the link text and the saved name are
/// plain text; Storage serves it with an RFC 5987 `filename*`).
#[component]
fn Download(
    file_name: String,
    storage_path: Option<String>,
    api: StoredValue<supabase_client::browser::Client, LocalStorage>,
) -> impl IntoView {
    let message: RwSignal<Option<String>> = RwSignal::new(None);
    let busy = RwSignal::new(false);
    let Some(path) = storage_path else {
        return view! { <p class="muted">"The original file was not kept for this transcript."</p> }.into_any();
    };
    let path = StoredValue::new(path);
    let name = StoredValue::new(file_name);
    let download = move |_| {
        busy.set(true);
        message.set(None);
        spawn_local(async move {
            match api.get_value().download(BUCKET, &path.get_value()).await {
                Ok(bytes) => save_bytes(&bytes, &name.get_value()),
                Err(error) if error.status() == Some(404) => message.set(Some(
                    "The original file is no longer stored; the transcript above is still complete.".to_owned(),
                )),
                Err(error) => message.set(Some(error.user_message())),
            }
            busy.set(false);
        });
    };
    view! {
        <p class="viewer__download">
            <button type="button" class="button button--secondary button--small" disabled=move || busy.get() on:click=download>
                "Download the original file"
            </button>
            {move || message.get().map(|message| view! { <span class="status-error">{format!(" {message}")}</span> })}
        </p>
    }
    .into_any()
}

/// Hand bytes to the browser as a download named `file_name`.
fn save_bytes(bytes: &[u8], file_name: &str) {
    let array = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let Ok(blob) = web_sys::Blob::new_with_u8_array_sequence(&array) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    if let Some(document) = web_sys::window().and_then(|window| window.document())
        && let Ok(link) = document.create_element("a")
        && let Ok(link) = link.dyn_into::<web_sys::HtmlAnchorElement>()
    {
        link.set_href(&url);
        link.set_download(file_name);
        link.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}
