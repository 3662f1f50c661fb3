//! The drop zone: drag in files or whole folders (hundreds at once), or pick files or a folder
//! with the system dialog. It only collects `File`s; what happens to them is the page's
//! business.

use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{File, FileSystemDirectoryEntry, FileSystemEntry, FileSystemFileEntry};

/// Folders deeper than this are not followed (a dropped home folder is not a transcript
/// folder).
const MAX_DEPTH: usize = 8;

/// Hidden and system files found in dropped folders (`.DS_Store`, `Thumbs.db`) are skipped.
fn is_system_file(name: &str) -> bool {
    name.starts_with('.')
        || name.eq_ignore_ascii_case("thumbs.db")
        || name.eq_ignore_ascii_case("desktop.ini")
}

#[component]
pub(crate) fn DropZone(
    /// Receives the files of each drop or pick, in the order given.
    on_files: Callback<Vec<File>>,
    /// What the zone accepts, in words.
    #[prop(into)]
    hint: String,
) -> impl IntoView {
    let dragging = RwSignal::new(false);
    let collecting = RwSignal::new(false);
    let file_input = NodeRef::<html::Input>::new();
    let folder_input = NodeRef::<html::Input>::new();

    let on_drop = move |event: web_sys::DragEvent| {
        event.prevent_default();
        dragging.set(false);
        let Some(transfer) = event.data_transfer() else {
            return;
        };
        // Entries must be taken during the event; they stay readable afterwards.
        let items = transfer.items();
        let mut entries = Vec::new();
        for index in 0..items.length() {
            if let Some(entry) = items
                .get(index)
                .and_then(|item| item.webkit_get_as_entry().ok().flatten())
            {
                entries.push(entry);
            }
        }
        if entries.is_empty() {
            on_files.run(files_of(transfer.files()));
            return;
        }
        collecting.set(true);
        spawn_local(async move {
            let files = collect(entries).await;
            collecting.set(false);
            on_files.run(files);
        });
    };
    let picked = move |input: NodeRef<html::Input>| {
        if let Some(input) = input.get_untracked() {
            on_files.run(
                files_of(input.files())
                    .into_iter()
                    .filter(|file| !is_system_file(&file.name()))
                    .collect(),
            );
            // The same files can be picked again later.
            input.set_value("");
        }
    };
    view! {
        <div
            class="drop-zone"
            class:drop-zone--active=move || dragging.get()
            on:dragenter=move |event: web_sys::DragEvent| {
                event.prevent_default();
                dragging.set(true);
            }
            on:dragover=move |event: web_sys::DragEvent| {
                event.prevent_default();
                if let Some(transfer) = event.data_transfer() {
                    transfer.set_drop_effect("copy");
                }
            }
            on:dragleave=move |_| dragging.set(false)
            on:drop=on_drop
        >
            <p class="drop-zone__title">"Drop transcript files or folders here"</p>
            <p class="drop-zone__hint">{hint}</p>
            <div class="drop-zone__actions">
                <label class="button button--primary">
                    "Choose files"
                    <input
                        class="visually-hidden"
                        type="file"
                        multiple
                        accept=".txt,.vtt,.srt,.json,.md,.csv,text/plain,text/vtt,application/json"
                        node_ref=file_input
                        on:change=move |_| picked(file_input)
                    />
                </label>
                <label class="button button--secondary">
                    "Choose a folder"
                    <input
                        class="visually-hidden"
                        type="file"
                        multiple
                        prop:webkitdirectory=true
                        node_ref=folder_input
                        on:change=move |_| picked(folder_input)
                    />
                </label>
            </div>
            <p class="drop-zone__status" role="status">
                {move || collecting.get().then_some("Collecting the files of the folder…")}
            </p>
        </div>
    }
}

fn files_of(list: Option<web_sys::FileList>) -> Vec<File> {
    let Some(list) = list else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|index| list.get(index))
        .collect()
}

/// Every file under the dropped entries (folders followed up to [`MAX_DEPTH`]).
async fn collect(entries: Vec<FileSystemEntry>) -> Vec<File> {
    let mut files = Vec::new();
    let mut stack: Vec<(FileSystemEntry, usize)> =
        entries.into_iter().rev().map(|entry| (entry, 0)).collect();
    while let Some((entry, depth)) = stack.pop() {
        if is_system_file(&entry.name()) {
            continue;
        }
        if entry.is_file() {
            if let Some(file) = entry_file(entry.unchecked_into()).await {
                files.push(file);
            }
        } else if entry.is_directory() && depth < MAX_DEPTH {
            let children = directory_entries(entry.unchecked_into()).await;
            stack.extend(children.into_iter().rev().map(|child| (child, depth + 1)));
        }
    }
    files
}

async fn entry_file(entry: FileSystemFileEntry) -> Option<File> {
    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        entry.file_with_callback_and_callback(&resolve, &reject);
    });
    JsFuture::from(promise).await.ok()?.dyn_into::<File>().ok()
}

/// All entries of a folder: `readEntries` answers in batches until an empty one.
async fn directory_entries(directory: FileSystemDirectoryEntry) -> Vec<FileSystemEntry> {
    let reader = directory.create_reader();
    let mut entries = Vec::new();
    loop {
        let promise = js_sys::Promise::new(&mut |resolve, reject| {
            if let Err(error) = reader.read_entries_with_callback_and_callback(&resolve, &reject) {
                let _ = reject.call1(&JsValue::NULL, &error);
            }
        });
        let Ok(batch) = JsFuture::from(promise).await else {
            break;
        };
        let batch = js_sys::Array::from(&batch);
        if batch.length() == 0 {
            break;
        }
        // Not `dyn_into`: Chromium has no `FileSystemEntry` global (its entries are
        // `DirectoryEntry` / `FileEntry` without interface objects), so `instanceof` fails for
        // every entry and a dropped folder would come out empty.
        entries.extend(
            batch
                .iter()
                .filter(JsValue::is_object)
                .map(JsCast::unchecked_into::<FileSystemEntry>),
        );
    }
    entries
}
