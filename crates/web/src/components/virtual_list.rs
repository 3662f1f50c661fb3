//! A virtualized list: only the rows in view (plus a few either side) are in the page, so a
//! list of thousands scrolls and updates without freezing. Rows may differ in height: each
//! starts from an estimate and is measured once rendered (`model::window`).
//!
//! Accessibility: the list is `role="list"` with `aria-setsize`/`aria-posinset` on its rows so
//! screen readers announce "12 of 1,000"; the scroll box is focusable for keyboard scrolling.

use crate::model::window::{RowHeights, Window};
use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Rows rendered beyond the viewport on each side.
const OVERSCAN: usize = 6;

#[component]
pub(crate) fn VirtualList<R, V>(
    /// How many rows there are.
    #[prop(into)]
    count: Signal<usize>,
    /// A stable key per row (an id): rows whose key or position changes are rendered again.
    key: Callback<usize, String>,
    /// The estimated height of a row in pixels (corrected once measured).
    estimate: Callback<usize, f64>,
    /// Render row `index`.
    row: R,
    /// The list's accessible name.
    #[prop(into)]
    label: String,
    /// Scroll so that this row is at the top (a deep link); set again to scroll again.
    #[prop(optional, into)]
    scroll_to: Option<Signal<Option<usize>>>,
    #[prop(optional, into)] class: String,
) -> impl IntoView
where
    R: Fn(usize) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let container = NodeRef::<html::Div>::new();
    let scroll_top = RwSignal::new(0.0_f64);
    let viewport = RwSignal::new(600.0_f64);
    // Rebuilt (from estimates) whenever the rows change.
    let heights = RwSignal::new(RowHeights::uniform(0, 1.0));
    Effect::new(move |_| {
        let count = count.get();
        heights.set(RowHeights::new((0..count).map(|index| estimate.run(index))));
    });
    let window = Memo::new(move |_| {
        heights.with(|heights| heights.window(scroll_top.get(), viewport.get(), OVERSCAN))
    });
    let pending_target: RwSignal<Option<usize>> = RwSignal::new(None);

    // These also run from animation frames, which may come after the list was removed: every
    // access tolerates disposed signals (a plain read would panic).
    let element = move || container.try_get_untracked().flatten();
    let read_scroll = move || {
        if let Some(element) = element() {
            scroll_top.try_set(f64::from(element.scroll_top()));
            let height = f64::from(element.client_height());
            if height > 0.0 {
                viewport.try_set(height);
            }
        }
    };
    let scroll_element_to = move |index: usize| {
        if let Some(element) = element()
            && let Some(top) = heights.try_with_untracked(|heights| heights.offset_of(index))
        {
            element.set_scroll_top(top as i32);
            scroll_top.try_set(top);
        }
    };

    if let Some(target) = scroll_to {
        Effect::new(move |_| {
            let Some(index) = target.get() else {
                return;
            };
            // Wait until the rows exist (count and heights are set first).
            if heights.with(|heights| index < heights.len()) {
                pending_target.set(Some(index));
                scroll_element_to(index);
            }
        });
    }

    // After each render, measure the rendered rows; correct the heights and, if a deep link
    // is pending, land on its row exactly.
    Effect::new(move |_| {
        let Window { start, end, .. } = window.get();
        if start == end {
            return;
        }
        request_animation_frame(move || {
            let Some(element) = element() else {
                return;
            };
            let Ok(rows) = element.query_selector_all("[data-row-index]") else {
                return;
            };
            let mut measured = Vec::with_capacity(rows.length() as usize);
            for position in 0..rows.length() {
                let Some(row) = rows
                    .get(position)
                    .and_then(|node| node.dyn_into::<web_sys::HtmlElement>().ok())
                else {
                    continue;
                };
                if let Some(index) = row
                    .get_attribute("data-row-index")
                    .and_then(|value| value.parse::<usize>().ok())
                {
                    measured.push((index, f64::from(row.offset_height())));
                }
            }
            let changed = heights
                .try_update(|heights| heights.measure(measured))
                .unwrap_or(false);
            if let Some(index) = pending_target.try_get_untracked().flatten() {
                scroll_element_to(index);
                if !changed {
                    pending_target.try_set(None);
                }
            }
            read_scroll();
        });
    });

    let rows = move || {
        let Window { start, end, .. } = window.get();
        (start..end)
            .map(|index| (index, key.run(index)))
            .collect::<Vec<_>>()
    };
    let set_size = move || count.get().to_string();
    view! {
        <div
            class=format!("virtual-list {class}")
            node_ref=container
            on:scroll=move |_| read_scroll()
            tabindex="0"
            role="list"
            aria-label=label
        >
            <div aria-hidden="true" style:height=move || format!("{}px", window.get().before)></div>
            <For
                each=rows
                // The index is part of the key: a row that moved is rendered (and measured) anew.
                key=|pair| pair.clone()
                children=move |(index, _)| {
                    let row = row.clone();
                    view! {
                        <div
                            class="virtual-list__row"
                            role="listitem"
                            data-row-index=index
                            aria-setsize=set_size
                            aria-posinset=index + 1
                        >
                            {row(index)}
                        </div>
                    }
                }
            />
            <div aria-hidden="true" style:height=move || format!("{}px", window.get().after)></div>
        </div>
    }
}
