//! Form fields: a visible label, an optional hint, and an error tied to the input with
//! `aria-describedby` / `aria-invalid`, so every state is announced and not told by colour
//! alone.

use super::unique_id;
use leptos::prelude::*;

/// The ids and attributes shared by every field kind.
struct Wiring {
    id: String,
    hint_id: String,
    error_id: String,
}

impl Wiring {
    fn new() -> Wiring {
        let id = unique_id("field");
        Wiring {
            hint_id: format!("{id}-hint"),
            error_id: format!("{id}-error"),
            id,
        }
    }

    fn described_by(
        &self,
        hint: bool,
        error: Signal<Option<String>>,
    ) -> impl Fn() -> Option<String> + Send + Sync + 'static + use<> {
        let hint_id = hint.then(|| self.hint_id.clone());
        let error_id = self.error_id.clone();
        move || {
            let mut ids: Vec<String> = hint_id.iter().cloned().collect();
            if error.with(Option::is_some) {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    }
}

/// The label line: the label and "optional" when it is.
fn label_view(id: String, label: String, required: bool) -> impl IntoView {
    view! {
        <label class="field__label" for=id>
            {label}
            {(!required).then(|| view! { <span class="field__optional">" (optional)"</span> })}
        </label>
    }
}

fn hint_and_error(
    wiring: &Wiring,
    hint: Option<String>,
    error: Signal<Option<String>>,
) -> impl IntoView + use<> {
    let hint_id = wiring.hint_id.clone();
    let error_id = wiring.error_id.clone();
    view! {
        {hint.map(|hint| view! { <p class="field__hint" id=hint_id>{hint}</p> })}
        {move || error.get().map(|message| view! { <p class="field__error" id=error_id.clone()>{message}</p> })}
    }
}

/// A one-line input.
#[component]
pub(crate) fn TextField(
    #[prop(into)] label: String,
    value: RwSignal<String>,
    #[prop(optional, into)] hint: Option<String>,
    #[prop(optional, into)] error: Signal<Option<String>>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(optional)] required: bool,
    #[prop(optional)] maxlength: Option<usize>,
    /// Shown after the input, e.g. "%" or a unit select.
    #[prop(optional)]
    suffix: Option<Children>,
) -> impl IntoView {
    let wiring = Wiring::new();
    let described_by = wiring.described_by(hint.is_some(), error);
    view! {
        <div class="field" class:field--invalid=move || error.with(Option::is_some)>
            {label_view(wiring.id.clone(), label, required)}
            <div class="field__control">
                <input
                    class="input"
                    id=wiring.id.clone()
                    name=wiring.id.clone()
                    type=kind
                    autocomplete=autocomplete
                    inputmode=inputmode
                    maxlength=maxlength.map(|max| max.to_string())
                    aria-required=required.then_some("true")
                    aria-invalid=move || error.with(Option::is_some).then_some("true")
                    aria-describedby=described_by
                    bind:value=value
                />
                {suffix.map(|suffix| suffix())}
            </div>
            {hint_and_error(&wiring, hint, error)}
        </div>
    }
}

/// A multi-line input.
#[component]
pub(crate) fn TextArea(
    #[prop(into)] label: String,
    value: RwSignal<String>,
    #[prop(optional, into)] hint: Option<String>,
    #[prop(optional, into)] error: Signal<Option<String>>,
    #[prop(default = 3)] rows: u32,
    #[prop(optional)] required: bool,
) -> impl IntoView {
    let wiring = Wiring::new();
    let described_by = wiring.described_by(hint.is_some(), error);
    view! {
        <div class="field" class:field--invalid=move || error.with(Option::is_some)>
            {label_view(wiring.id.clone(), label, required)}
            <textarea
                class="input input--area"
                id=wiring.id.clone()
                name=wiring.id.clone()
                rows=rows
                aria-invalid=move || error.with(Option::is_some).then_some("true")
                aria-describedby=described_by
                bind:value=value
            ></textarea>
            {hint_and_error(&wiring, hint, error)}
        </div>
    }
}

/// A choice from a short list (`options`: value, label).
#[component]
pub(crate) fn SelectField(
    #[prop(into)] label: String,
    value: RwSignal<String>,
    options: Vec<(String, String)>,
    #[prop(optional, into)] hint: Option<String>,
    #[prop(optional, into)] error: Signal<Option<String>>,
    #[prop(optional)] required: bool,
    /// The first, empty choice ("Not set"); None for no empty choice.
    #[prop(optional, into)]
    placeholder: Option<String>,
) -> impl IntoView {
    let wiring = Wiring::new();
    let described_by = wiring.described_by(hint.is_some(), error);
    view! {
        <div class="field" class:field--invalid=move || error.with(Option::is_some)>
            {label_view(wiring.id.clone(), label, required)}
            <select
                class="input input--select"
                id=wiring.id.clone()
                name=wiring.id.clone()
                aria-invalid=move || error.with(Option::is_some).then_some("true")
                aria-describedby=described_by
                prop:value=move || value.get()
                on:change=move |event| value.set(event_target_value(&event))
            >
                {placeholder.map(|text| view! { <option value="">{text}</option> })}
                {options
                    .into_iter()
                    .map(|(option, text)| {
                        let selected = option.clone();
                        view! {
                            <option value=option selected=move || value.with(|v| *v == selected)>{text}</option>
                        }
                    })
                    .collect_view()}
            </select>
            {hint_and_error(&wiring, hint, error)}
        </div>
    }
}
