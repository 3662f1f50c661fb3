//! Shared components on plain CSS. Text is always rendered as text: nothing here (or anywhere
//! in the app) sets inner HTML.

pub(crate) mod charts;
pub(crate) mod report;
pub(crate) mod upload;
pub(crate) mod virtual_list;

use std::sync::atomic::{AtomicUsize, Ordering};

/// A document-unique element id with a readable prefix (labels, descriptions).
pub(crate) fn unique_id(prefix: &str) -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(1);
    format!("{prefix}-{}", NEXT.fetch_add(1, Ordering::Relaxed))
}
