//! The client profile and questionnaire form (PRODUCT.md, workflow step 1), used to onboard a
//! client and to edit the profile later. The rules are the database's CHECK constraints
//! (`model::client::ProfileForm::validate`), checked before anything is sent.

use crate::components::feedback::InlineError;
use crate::components::field::{SelectField, TextArea, TextField};
use crate::components::focus_first_invalid;
use crate::model::client::{CURRENCIES, Field, FieldErrors, LeadUnit, ProfileForm, WHO_BOOKS};
use leptos::prelude::*;
use serde_json::Value;

/// One signal per input.
#[derive(Clone, Copy)]
struct Inputs {
    name: RwSignal<String>,
    industry: RwSignal<String>,
    offer: RwSignal<String>,
    price_min: RwSignal<String>,
    price_max: RwSignal<String>,
    currency: RwSignal<String>,
    current_show_rate: RwSignal<String>,
    target_show_rate: RwSignal<String>,
    who_books: RwSignal<String>,
    booking_lead_time: RwSignal<String>,
    booking_lead_unit: RwSignal<String>,
    current_reminders: RwSignal<String>,
    competitors: RwSignal<String>,
    banned_words: RwSignal<String>,
    notes: RwSignal<String>,
}

impl Inputs {
    fn new(form: ProfileForm) -> Inputs {
        Inputs {
            name: RwSignal::new(form.name),
            industry: RwSignal::new(form.industry),
            offer: RwSignal::new(form.offer),
            price_min: RwSignal::new(form.price_min),
            price_max: RwSignal::new(form.price_max),
            currency: RwSignal::new(form.currency),
            current_show_rate: RwSignal::new(form.current_show_rate),
            target_show_rate: RwSignal::new(form.target_show_rate),
            who_books: RwSignal::new(form.who_books),
            booking_lead_time: RwSignal::new(form.booking_lead_time),
            booking_lead_unit: RwSignal::new(
                match form.booking_lead_unit {
                    LeadUnit::Hours => "hours",
                    LeadUnit::Days => "days",
                }
                .to_owned(),
            ),
            current_reminders: RwSignal::new(form.current_reminders),
            competitors: RwSignal::new(form.competitors),
            banned_words: RwSignal::new(form.banned_words),
            notes: RwSignal::new(form.notes),
        }
    }

    fn form(&self) -> ProfileForm {
        ProfileForm {
            name: self.name.get(),
            industry: self.industry.get(),
            offer: self.offer.get(),
            price_min: self.price_min.get(),
            price_max: self.price_max.get(),
            currency: self.currency.get(),
            current_show_rate: self.current_show_rate.get(),
            target_show_rate: self.target_show_rate.get(),
            who_books: self.who_books.get(),
            booking_lead_time: self.booking_lead_time.get(),
            booking_lead_unit: if self.booking_lead_unit.get() == "hours" {
                LeadUnit::Hours
            } else {
                LeadUnit::Days
            },
            current_reminders: self.current_reminders.get(),
            competitors: self.competitors.get(),
            banned_words: self.banned_words.get(),
            notes: self.notes.get(),
        }
    }
}

fn options(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(value, label)| ((*value).to_owned(), (*label).to_owned()))
        .collect()
}

/// The form. `on_save` gets the validated row; `saving` disables the button; `problem` shows a
/// server refusal under the form.
#[component]
pub(crate) fn ProfileFormView(
    initial: ProfileForm,
    #[prop(into)] submit_label: String,
    #[prop(into)] saving: Signal<bool>,
    #[prop(into)] problem: Signal<Option<String>>,
    on_save: Callback<Value>,
) -> impl IntoView {
    let inputs = Inputs::new(initial);
    let errors = RwSignal::new(FieldErrors::new());
    let error = move |field: Field| {
        Signal::derive(move || {
            errors.with(|errors| {
                errors
                    .iter()
                    .find(|(f, _)| *f == field)
                    .map(|(_, message)| message.clone())
            })
        })
    };
    let summary = Signal::derive(move || {
        let count = errors.with(Vec::len);
        (count > 0).then(|| {
            if count == 1 {
                "One answer needs fixing: see the highlighted field.".to_owned()
            } else {
                format!("{count} answers need fixing: see the highlighted fields.")
            }
        })
    });
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        match inputs.form().validate() {
            Ok(row) => {
                errors.set(FieldErrors::new());
                on_save.run(row);
            }
            Err(found) => {
                errors.set(found);
                focus_first_invalid();
            }
        }
    };
    let submit_label = StoredValue::new(submit_label);
    view! {
        <form class="form form--profile" on:submit=submit novalidate>
            <fieldset class="form__section">
                <legend class="form__legend">"The business"</legend>
                <TextField label="Client name" value=inputs.name required=true maxlength=200 error=error(Field::Name)/>
                <TextField label="Industry" value=inputs.industry maxlength=100 hint="For example: dental, business coaching, home services." error=error(Field::Industry)/>
                <TextArea label="Offer" value=inputs.offer rows=3 hint="What is sold on the sales call." error=error(Field::Offer)/>
                <div class="form__row">
                    <TextField label="Lowest price" value=inputs.price_min inputmode="decimal" error=error(Field::PriceMin)/>
                    <TextField label="Highest price" value=inputs.price_max inputmode="decimal" error=error(Field::PriceMax)/>
                    <SelectField label="Currency" value=inputs.currency options=options(&CURRENCIES) required=true/>
                </div>
            </fieldset>
            <fieldset class="form__section">
                <legend class="form__legend">"Show rate"</legend>
                <div class="form__row">
                    <TextField
                        label="Current show rate (%)"
                        value=inputs.current_show_rate
                        inputmode="decimal"
                        hint="Share of booked prospects who show up today."
                        error=error(Field::CurrentShowRate)
                    />
                    <TextField
                        label="Target show rate (%)"
                        value=inputs.target_show_rate
                        inputmode="decimal"
                        error=error(Field::TargetShowRate)
                    />
                </div>
            </fieldset>
            <fieldset class="form__section">
                <legend class="form__legend">"Questionnaire"</legend>
                <SelectField
                    label="Who books the sales call?"
                    value=inputs.who_books
                    options=options(&WHO_BOOKS)
                    placeholder="Not set"
                    error=error(Field::WhoBooks)
                />
                <div class="form__row">
                    <TextField
                        label="How far ahead are calls booked?"
                        value=inputs.booking_lead_time
                        inputmode="decimal"
                        hint="Typical time between booking and the call."
                        error=error(Field::BookingLeadTime)
                    />
                    <SelectField
                        label="Unit"
                        value=inputs.booking_lead_unit
                        options=vec![("days".to_owned(), "days".to_owned()), ("hours".to_owned(), "hours".to_owned())]
                        required=true
                    />
                </div>
                <TextArea
                    label="Current reminders"
                    value=inputs.current_reminders
                    rows=2
                    hint="What prospects receive before the call today."
                    error=error(Field::CurrentReminders)
                />
                <TextArea
                    label="Competitors and alternatives"
                    value=inputs.competitors
                    rows=3
                    hint="One per line."
                    error=error(Field::Competitors)
                />
                <TextArea
                    label="Words the client never wants used"
                    value=inputs.banned_words
                    rows=3
                    hint="One per line. Generated content will avoid them."
                    error=error(Field::BannedWords)
                />
                <TextArea label="Notes" value=inputs.notes rows=3 error=error(Field::Notes)/>
            </fieldset>
            <InlineError message=summary/>
            <InlineError message=problem/>
            <div class="form__actions">
                <button type="submit" class="button button--primary" disabled=move || saving.get()>
                    {move || if saving.get() { "Saving…".to_owned() } else { submit_label.get_value() }}
                </button>
            </div>
        </form>
    }
}
