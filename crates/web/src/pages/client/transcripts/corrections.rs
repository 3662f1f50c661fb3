//! Role and outcome correction for one transcript: a role per speaker (rep or prospect), and
//! the call's outcome. Used before a file is saved (the uploader) and after (the list).

use crate::components::unique_id;
use crate::model::transcripts::{
    OUTCOMES, SpeakerEntry, outcome_label, outcome_value, parse_outcome, parse_role, role_label,
    role_value,
};
use engine::transcript::{Outcome, Role};
use leptos::prelude::*;

const ROLES: [Role; 3] = [Role::Rep, Role::Prospect, Role::Unknown];

#[component]
pub(crate) fn Corrections(
    #[prop(into)] speakers: Signal<Vec<SpeakerEntry>>,
    #[prop(into)] outcome: Signal<Outcome>,
    on_role: Callback<(String, Role)>,
    on_outcome: Callback<Outcome>,
    /// While the transcript is being sent, nothing can be changed.
    #[prop(into)]
    disabled: Signal<bool>,
) -> impl IntoView {
    let outcome_id = unique_id("outcome");
    view! {
        <div class="corrections">
            <fieldset class="corrections__speakers">
                <legend>"Who is who"</legend>
                {move || {
                    let speakers = speakers.get();
                    if speakers.is_empty() {
                        return view! { <p class="muted">"No named speakers in this file."</p> }.into_any();
                    }
                    speakers
                        .into_iter()
                        .map(|speaker| {
                            let id = unique_id("role");
                            let name = speaker.name.clone();
                            let hint = if speaker.corrected_by_user {
                                "set by you".to_owned()
                            } else if speaker.role == Role::Unknown {
                                "not sure yet".to_owned()
                            } else {
                                format!("guessed, {:.0}% sure", speaker.confidence.clamp(0.0, 1.0) * 100.0)
                            };
                            view! {
                                <div class="corrections__speaker">
                                    <label for=id.clone()>{speaker.name.clone()}</label>
                                    <select
                                        id=id
                                        disabled=move || disabled.get()
                                        on:change=move |event| {
                                            if let Some(role) = parse_role(&event_target_value(&event)) {
                                                on_role.run((name.clone(), role));
                                            }
                                        }
                                    >
                                        {ROLES.into_iter().map(|role| view! {
                                            <option value=role_value(role) selected=role == speaker.role>{role_label(role)}</option>
                                        }).collect_view()}
                                    </select>
                                    <span class="corrections__hint muted">{hint}</span>
                                </div>
                            }
                        })
                        .collect_view()
                        .into_any()
                }}
            </fieldset>
            <div class="corrections__outcome">
                <label for=outcome_id.clone()>"Outcome of the call"</label>
                <select
                    id=outcome_id
                    disabled=move || disabled.get()
                    on:change=move |event| {
                        if let Some(outcome) = parse_outcome(&event_target_value(&event)) {
                            on_outcome.run(outcome);
                        }
                    }
                >
                    {move || {
                        let current = outcome.get();
                        OUTCOMES.into_iter().map(|value| view! {
                            <option value=outcome_value(value) selected=value == current>{outcome_label(value)}</option>
                        }).collect_view()
                    }}
                </select>
            </div>
        </div>
    }
}
