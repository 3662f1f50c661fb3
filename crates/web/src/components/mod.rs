//! The app's own small set of components on plain CSS (style/components/): form fields with
//! labels and errors, dialogs, toasts, tabs, empty and loading states, error panels with a
//! retry, and the signed-in shell. Text is always rendered as text: nothing here (or anywhere
//! in the app) sets inner HTML.

pub(crate) mod charts;
pub(crate) mod dialog;
pub(crate) mod feedback;
pub(crate) mod field;
pub(crate) mod layout;
pub(crate) mod report;
pub(crate) mod tabs;
pub(crate) mod toast;
pub(crate) mod upload;
pub(crate) mod virtual_list;

use std::sync::atomic::{AtomicUsize, Ordering};

/// A document-unique element id with a readable prefix (labels, descriptions).
pub(crate) fn unique_id(prefix: &str) -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(1);
    format!("{prefix}-{}", NEXT.fetch_add(1, Ordering::Relaxed))
}

/// Move keyboard focus to the first invalid field of the page (after a refused submit), so
/// screen-reader and keyboard users land on what to fix. Runs on the next frame, once the
/// error states are rendered.
pub(crate) fn focus_first_invalid() {
    leptos::prelude::request_animation_frame(|| {
        use wasm_bindgen::JsCast;
        let Some(document) = web_sys::window().and_then(|window| window.document()) else {
            return;
        };
        if let Ok(Some(element)) = document.query_selector("[aria-invalid='true']")
            && let Ok(element) = element.dyn_into::<web_sys::HtmlElement>()
        {
            let _ = element.focus();
        }
    });
}

/// Now, in Unix seconds (for "3 hours ago").
pub(crate) fn now() -> i64 {
    supabase_client::browser::now_unix()
}

/// This page's origin, e.g. `http://127.0.0.1:8080` (for invitation links).
pub(crate) fn origin() -> String {
    web_sys::window()
        .and_then(|window| window.location().origin().ok())
        .unwrap_or_default()
}

/// Set the document title ("Dashboard · ScaleStream"); text only, never markup.
pub(crate) fn set_title(page: &str) {
    if let Some(document) = web_sys::window().and_then(|window| window.document()) {
        document.set_title(&if page.is_empty() {
            "ScaleStream".to_owned()
        } else {
            format!("{page} · ScaleStream")
        });
    }
}
