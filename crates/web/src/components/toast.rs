//! Short confirmations ("Client saved") in a polite live region; they leave after a few
//! seconds or when dismissed.

use leptos::prelude::*;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ToastKind {
    Success,
    Error,
}

#[derive(Debug, Clone, PartialEq)]
struct Toast {
    id: u64,
    kind: ToastKind,
    text: String,
}

/// The toasts on screen.
#[derive(Clone, Copy)]
pub(crate) struct Toasts {
    list: RwSignal<Vec<Toast>>,
    next: StoredValue<u64>,
}

impl Toasts {
    pub(crate) fn provide() {
        provide_context(Toasts {
            list: RwSignal::new(Vec::new()),
            next: StoredValue::new(1),
        });
    }

    fn push(&self, kind: ToastKind, text: String) {
        let id = self.next.get_value();
        self.next.set_value(id + 1);
        self.list.update(|list| list.push(Toast { id, kind, text }));
        let list = self.list;
        set_timeout(
            move || {
                list.try_update(|list| list.retain(|toast| toast.id != id))
                    .unwrap_or(())
            },
            Duration::from_secs(6),
        );
    }

    pub(crate) fn success(&self, text: impl Into<String>) {
        self.push(ToastKind::Success, text.into());
    }

    pub(crate) fn error(&self, text: impl Into<String>) {
        self.push(ToastKind::Error, text.into());
    }

    fn dismiss(&self, id: u64) {
        self.list.update(|list| list.retain(|toast| toast.id != id));
    }
}

pub(crate) fn use_toasts() -> Toasts {
    expect_context::<Toasts>()
}

/// Where toasts appear (once, at the root of the app).
#[component]
pub(crate) fn ToastRegion() -> impl IntoView {
    let toasts = use_toasts();
    view! {
        <div class="toasts" role="status" aria-live="polite">
            <For each=move || toasts.list.get() key=|toast| toast.id let:toast>
                <div class="toast" class:toast--error={toast.kind == ToastKind::Error}>
                    <p class="toast__text">{toast.text.clone()}</p>
                    <button
                        type="button"
                        class="toast__close"
                        aria-label="Dismiss"
                        on:click=move |_| toasts.dismiss(toast.id)
                    >
                        "×"
                    </button>
                </div>
            </For>
        </div>
    }
}
