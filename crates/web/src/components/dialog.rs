//! A modal dialog on the native `<dialog>` element: the browser traps focus inside, Escape
//! closes it, and focus returns to where it was.

use super::unique_id;
use leptos::html;
use leptos::prelude::*;

/// Open while `open` is true. The content (children) brings its own buttons; closing by Escape
/// sets `open` to false.
#[component]
pub(crate) fn Dialog(
    open: RwSignal<bool>,
    #[prop(into)] title: Signal<String>,
    children: ChildrenFn,
) -> impl IntoView {
    let dialog = NodeRef::<html::Dialog>::new();
    let title_id = unique_id("dialog-title");
    let heading_id = title_id.clone();
    Effect::new(move |_| {
        let Some(element) = dialog.get() else {
            return;
        };
        if open.get() {
            if !element.open() {
                let _ = element.show_modal();
            }
        } else if element.open() {
            element.close();
        }
    });
    view! {
        <dialog
            class="dialog"
            node_ref=dialog
            aria-labelledby=title_id.clone()
            on:close=move |_| open.set(false)
        >
            <h2 class="dialog__title" id=heading_id>{move || title.get()}</h2>
            {move || open.get().then(|| children())}
        </dialog>
    }
}

/// "Are you sure?" for something that cannot be undone.
#[component]
pub(crate) fn ConfirmDialog(
    open: RwSignal<bool>,
    #[prop(into)] title: Signal<String>,
    #[prop(into)] message: Signal<String>,
    #[prop(into)] confirm_label: Signal<String>,
    #[prop(into)] pending: Signal<bool>,
    on_confirm: Callback<()>,
) -> impl IntoView {
    view! {
        <Dialog open=open title=title>
            <p class="dialog__message">{move || message.get()}</p>
            <div class="dialog__actions">
                <button type="button" class="button button--secondary" on:click=move |_| open.set(false)>
                    "Cancel"
                </button>
                <button
                    type="button"
                    class="button button--danger"
                    disabled=move || pending.get()
                    on:click=move |_| on_confirm.run(())
                >
                    {move || if pending.get() { "Working…".to_owned() } else { confirm_label.get() }}
                </button>
            </div>
        </Dialog>
    }
}
