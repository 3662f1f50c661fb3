//! Loading, empty and error states.

use leptos::prelude::*;
use supabase_client::Error;

/// The error in words a person understands, with a way to try again.
#[component]
pub(crate) fn ErrorPanel(
    error: Error,
    /// What was being done: "load your clients".
    #[prop(into)]
    action: String,
    #[prop(optional)] retry: Option<Callback<()>>,
) -> impl IntoView {
    view! {
        <div class="error-panel" role="alert">
            <p class="error-panel__title">{format!("We couldn't {action}.")}</p>
            <p class="error-panel__message">{error.user_message()}</p>
            {retry.map(|retry| view! {
                <button type="button" class="button button--secondary" on:click=move |_| retry.run(())>
                    "Try again"
                </button>
            })}
        </div>
    }
}

/// An inline error under a form or beside a button (announced when it appears).
#[component]
pub(crate) fn InlineError(#[prop(into)] message: Signal<Option<String>>) -> impl IntoView {
    view! {
        <div class="inline-error" role="alert" aria-live="assertive">
            {move || message.get().map(|message| view! { <p>{message}</p> })}
        </div>
    }
}

/// Nothing here yet: what it is and what to do next.
#[component]
pub(crate) fn EmptyState(
    #[prop(into)] title: String,
    #[prop(into)] text: String,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    view! {
        <div class="empty-state">
            <p class="empty-state__title">{title}</p>
            <p class="empty-state__text">{text}</p>
            {children.map(|children| view! { <div class="empty-state__actions">{children()}</div> })}
        </div>
    }
}

/// Grey placeholder lines while something loads; screen readers hear "Loading <what>".
#[component]
pub(crate) fn Skeleton(
    #[prop(into)] what: String,
    #[prop(default = 3)] lines: usize,
) -> impl IntoView {
    view! {
        <div class="skeleton" role="status">
            <span class="visually-hidden">{format!("Loading {what}…")}</span>
            {(0..lines).map(|_| view! { <div class="skeleton__line" aria-hidden="true"></div> }).collect_view()}
        </div>
    }
}

/// Render a resource: a skeleton while it loads, the error with a retry if it failed, else
/// `render(value)`.
pub(crate) fn loaded<T, V>(
    resource: LocalResource<Result<T, Error>>,
    what: &'static str,
    render: impl Fn(T) -> V + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + 'static,
    V: IntoView + 'static,
{
    move || match resource.get() {
        None => view! { <Skeleton what=what/> }.into_any(),
        Some(Ok(value)) => render(value).into_any(),
        Some(Err(error)) => view! {
            <ErrorPanel
                error=error
                action=format!("load {what}")
                retry=Callback::new(move |_| resource.refetch())
            />
        }
        .into_any(),
    }
}
