//! Templates as data: the built-in set (`default_templates.toml`), agency overrides merged over
//! it as a JSON merge patch (RFC 7396), and validation of any set before it is used.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::brief::ObjectionClass;
use super::content::Step;
use super::syntax::{self, SyntaxErrorKind, Token};
use crate::transcript::AwarenessLevel;

/// Alternatives for one piece of copy, in order of preference: the first that can be filled
/// (and is allowed) is used. Put the generic, slot-free wording last.
pub type Alternatives = Vec<String>;

/// A full template set: what all stages share, and what each stage adds or replaces.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateSet {
    #[serde(default)]
    pub common: StageTemplates,
    #[serde(default)]
    pub problem: StageTemplates,
    #[serde(default)]
    pub solution: StageTemplates,
    #[serde(default)]
    pub product: StageTemplates,
}

/// The templates of one stage (or the shared ones). Anything missing in a stage is taken from
/// `common`; e-mail subject lines are pooled (stage first, then common).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StageTemplates {
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub emails: BTreeMap<Step, EmailTemplate>,
    /// SMS text per step.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub sms: BTreeMap<Step, Alternatives>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deck: Option<DeckTemplate>,
    /// Items of the `[[agenda]]` bullet list; items that cannot be filled are left out.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub agenda: Vec<Alternatives>,
    /// Paragraphs for `[[objection_handle]]`, per objection class.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub objection_handles: BTreeMap<ObjectionClass, Alternatives>,
    /// Named pieces of copy usable as slots: `[[sign_off]]`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub snippets: BTreeMap<String, Alternatives>,
}

/// One e-mail's templates.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmailTemplate {
    /// Candidate subject lines (each with its own alternatives).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subjects: Vec<Alternatives>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub preheader: Alternatives,
    /// Paragraphs; a paragraph none of whose alternatives can be filled is left out.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub body: Vec<Alternatives>,
    /// Which body paragraph is the opening hook (a learned hook replaces it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hook: Option<usize>,
}

/// A deck outline's templates.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeckTemplate {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub title: Alternatives,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub slides: Vec<SlideTemplate>,
}

/// One slide: a title and bullets; `fallback` bullets are used when fewer than two bullets
/// could be filled.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlideTemplate {
    pub title: Alternatives,
    #[serde(default)]
    pub bullets: Vec<Alternatives>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fallback: Vec<String>,
}

/// Why a template set cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TemplateError {
    #[error("the template override is not valid: {0}")]
    Override(String),
    #[error("the template set has {} problem(s); first: {}", .0.len(), .0.first().map(ToString::to_string).unwrap_or_default())]
    Invalid(Vec<TemplateProblem>),
}

/// One problem in a template set, with the path of the offending text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TemplateProblem {
    /// Where, e.g. `problem.emails.booked.body[2][0]`.
    pub path: String,
    pub message: String,
}

impl std::fmt::Display for TemplateProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

const DEFAULT_TOML: &str = include_str!("default_templates.toml");

impl TemplateSet {
    /// The built-in templates. Parsed once; a parse failure (a bug caught by the tests) is
    /// reported as an error, never a panic.
    pub fn builtin() -> Result<&'static TemplateSet, TemplateError> {
        static BUILTIN: OnceLock<Result<TemplateSet, TemplateError>> = OnceLock::new();
        BUILTIN
            .get_or_init(|| {
                toml::from_str(DEFAULT_TOML).map_err(|e| {
                    TemplateError::Invalid(vec![TemplateProblem {
                        path: "default_templates.toml".into(),
                        message: e.to_string(),
                    }])
                })
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    /// This set with an agency override applied as a JSON merge patch (objects merge, other
    /// values replace, `null` deletes), validated.
    ///
    /// ```json
    /// {"problem": {"emails": {"booked": {"subjects": [["You're in, {{first_name}}!"]]}}}}
    /// ```
    pub fn with_override(&self, patch: &serde_json::Value) -> Result<TemplateSet, TemplateError> {
        let mut document =
            serde_json::to_value(self).map_err(|e| TemplateError::Override(e.to_string()))?;
        merge_patch(&mut document, patch);
        let merged: TemplateSet =
            serde_json::from_value(document).map_err(|e| TemplateError::Override(e.to_string()))?;
        let problems = merged.validate();
        if problems.is_empty() {
            Ok(merged)
        } else {
            Err(TemplateError::Invalid(problems))
        }
    }

    /// The templates of one stage.
    pub(crate) fn stage(&self, stage: AwarenessLevel) -> &StageTemplates {
        match stage {
            AwarenessLevel::Problem => &self.problem,
            AwarenessLevel::Solution => &self.solution,
            AwarenessLevel::Product => &self.product,
        }
    }

    /// Every problem that would make generation fail or produce broken copy: syntax errors,
    /// unknown merge fields or slots, and missing pieces for any stage.
    pub fn validate(&self) -> Vec<TemplateProblem> {
        let mut problems = Vec::new();
        let sections = [
            ("common", &self.common),
            ("problem", &self.problem),
            ("solution", &self.solution),
            ("product", &self.product),
        ];
        // Common text is used in every stage: its snippets must exist in common or in all three.
        let in_every_stage = self.problem.snippets.keys().filter(|k| {
            self.solution.snippets.contains_key(*k) && self.product.snippets.contains_key(*k)
        });
        let common_names: Vec<&str> = self
            .common
            .snippets
            .keys()
            .chain(in_every_stage)
            .map(String::as_str)
            .collect();
        for (name, section) in sections {
            let snippet_names: Vec<&str> = if name == "common" {
                common_names.clone()
            } else {
                self.common
                    .snippets
                    .keys()
                    .chain(section.snippets.keys())
                    .map(String::as_str)
                    .collect()
            };
            section.for_each_text(name, &mut |path, text| {
                check_text(&path, text, &snippet_names, &mut problems);
            });
            if let Some(email) = section
                .emails
                .values()
                .find(|e| e.hook.is_some_and(|h| h >= e.body.len()))
            {
                problems.push(TemplateProblem {
                    path: format!("{name}.emails"),
                    message: format!(
                        "hook paragraph {} is past the end of the body",
                        email.hook.unwrap_or(0)
                    ),
                });
            }
        }
        for stage in AwarenessLevel::ALL {
            let section = self.stage(stage);
            let name = stage.as_str();
            for step in Step::ALL {
                let email = section.emails.get(&step);
                let common = self.common.emails.get(&step);
                let body = email
                    .filter(|e| !e.body.is_empty())
                    .or(common.filter(|e| !e.body.is_empty()));
                if body.is_none() {
                    problems.push(missing(format!("{name}.emails.{}.body", step.as_str())));
                }
                let subjects =
                    email.map_or(0, |e| e.subjects.len()) + common.map_or(0, |e| e.subjects.len());
                if subjects < 3 {
                    problems.push(TemplateProblem {
                        path: format!("{name}.emails.{}.subjects", step.as_str()),
                        message: format!(
                            "needs at least 3 subject lines (with common ones), has {subjects}"
                        ),
                    });
                }
            }
            for step in Step::SMS {
                if !section.sms.contains_key(&step) && !self.common.sms.contains_key(&step) {
                    problems.push(missing(format!("{name}.sms.{}", step.as_str())));
                }
            }
            let deck_slides = section
                .deck
                .as_ref()
                .or(self.common.deck.as_ref())
                .map_or(0, |d| d.slides.len());
            if deck_slides == 0 {
                problems.push(missing(format!("{name}.deck.slides")));
            }
        }
        problems
    }
}

fn missing(path: String) -> TemplateProblem {
    TemplateProblem {
        path,
        message: "missing in the stage and in common".into(),
    }
}

impl StageTemplates {
    /// Calls `f(path, text)` for every piece of template text.
    fn for_each_text(&self, section: &str, f: &mut dyn FnMut(String, &str)) {
        let alternatives = |path: String, alts: &Alternatives, f: &mut dyn FnMut(String, &str)| {
            for (i, text) in alts.iter().enumerate() {
                f(format!("{path}[{i}]"), text);
            }
        };
        for (step, email) in &self.emails {
            let base = format!("{section}.emails.{}", step.as_str());
            for (i, subject) in email.subjects.iter().enumerate() {
                alternatives(format!("{base}.subjects[{i}]"), subject, f);
            }
            alternatives(format!("{base}.preheader"), &email.preheader, f);
            for (i, paragraph) in email.body.iter().enumerate() {
                alternatives(format!("{base}.body[{i}]"), paragraph, f);
            }
        }
        for (step, sms) in &self.sms {
            alternatives(format!("{section}.sms.{}", step.as_str()), sms, f);
        }
        if let Some(deck) = &self.deck {
            alternatives(format!("{section}.deck.title"), &deck.title, f);
            for (s, slide) in deck.slides.iter().enumerate() {
                alternatives(format!("{section}.deck.slides[{s}].title"), &slide.title, f);
                for (b, bullet) in slide.bullets.iter().enumerate() {
                    alternatives(
                        format!("{section}.deck.slides[{s}].bullets[{b}]"),
                        bullet,
                        f,
                    );
                }
                alternatives(
                    format!("{section}.deck.slides[{s}].fallback"),
                    &slide.fallback,
                    f,
                );
            }
        }
        for (i, item) in self.agenda.iter().enumerate() {
            alternatives(format!("{section}.agenda[{i}]"), item, f);
        }
        for (class, handle) in &self.objection_handles {
            alternatives(
                format!("{section}.objection_handles.{}", class.as_str()),
                handle,
                f,
            );
        }
        for (name, snippet) in &self.snippets {
            alternatives(format!("{section}.snippets.{name}"), snippet, f);
        }
    }
}

/// Slots filled from the brief (everything else must be a snippet).
pub(crate) const BUILTIN_SLOTS: &[&str] = &[
    "company",
    "offer",
    "industry",
    "call",
    "minutes",
    "price_range",
    "guarantee",
    "proof",
    "pain",
    "desire",
    "alternative",
    "signal",
    "signal_question",
    "phrase",
    "pain_quote",
    "desire_quote",
    "cost_quote",
    "objection_quote",
    "agenda",
    "objection_handle",
];

/// Checks one template text: syntax, merge fields and slot names.
pub(crate) fn check_text(
    path: &str,
    text: &str,
    snippet_names: &[&str],
    problems: &mut Vec<TemplateProblem>,
) {
    let (tokens, errors) = syntax::tokenize(text);
    for error in errors {
        let what = match error.kind {
            SyntaxErrorKind::UnclosedMergeField => {
                "a merge field is opened with {{ but never closed"
            }
            SyntaxErrorKind::StrayBrace => "a single { or } (merge fields use double braces)",
            SyntaxErrorKind::InvalidMergeFieldName => {
                "a merge field name must be lower_case letters, digits and _"
            }
            SyntaxErrorKind::UnclosedSlot => "a slot is opened with [[ but never closed",
            SyntaxErrorKind::InvalidSlot => {
                "a slot must be [[name]], [[name.N]] (N 1-9) or [[name:cap]]"
            }
        };
        problems.push(TemplateProblem {
            path: path.to_owned(),
            message: format!(
                "{what}: {:?}",
                text.get(error.start..error.end).unwrap_or_default()
            ),
        });
    }
    for token in tokens {
        match token {
            Token::Merge { name, .. } if syntax::merge_field(name).is_none() => {
                problems.push(TemplateProblem {
                    path: path.to_owned(),
                    message: format!("unknown merge field {{{{{name}}}}}"),
                })
            }
            Token::Slot { slot, .. }
                if !BUILTIN_SLOTS.contains(&slot.name) && !snippet_names.contains(&slot.name) =>
            {
                problems.push(TemplateProblem {
                    path: path.to_owned(),
                    message: format!(
                        "unknown slot [[{}]] (not built in and no snippet of that name)",
                        slot.name
                    ),
                })
            }
            _ => {}
        }
    }
}

/// RFC 7396 JSON merge patch.
fn merge_patch(target: &mut serde_json::Value, patch: &serde_json::Value) {
    let serde_json::Value::Object(patch) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = serde_json::Value::Object(serde_json::Map::new());
    }
    if let serde_json::Value::Object(target) = target {
        for (key, value) in patch {
            if value.is_null() {
                target.remove(key);
            } else {
                merge_patch(
                    target.entry(key.clone()).or_insert(serde_json::Value::Null),
                    value,
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_builtin_set_parses_and_is_valid() {
        let set = TemplateSet::builtin().expect("default_templates.toml parses");
        assert_eq!(set.validate(), vec![]);
        assert!(set.problem.emails.contains_key(&Step::Booked));
        assert_eq!(
            set.common.objection_handles.len(),
            ObjectionClass::ALL.len()
        );
    }

    #[test]
    fn an_override_replaces_only_what_it_names() {
        let set = TemplateSet::builtin().unwrap();
        let patched = set
            .with_override(&json!({"problem": {"emails": {"booked": {"subjects": [["Booked!"], ["A"], ["B"]]}}}}))
            .unwrap();
        let booked = &patched.problem.emails[&Step::Booked];
        assert_eq!(booked.subjects[0], vec!["Booked!".to_owned()]);
        assert_eq!(
            booked.body,
            set.problem.emails[&Step::Booked].body,
            "the body is untouched"
        );
        assert_eq!(patched.solution, set.solution);
    }

    #[test]
    fn null_deletes_and_missing_pieces_are_reported() {
        let set = TemplateSet::builtin().unwrap();
        let error = set
            .with_override(&json!({"common": {"sms": {"no_show": null}}}))
            .unwrap_err();
        let TemplateError::Invalid(problems) = error else {
            panic!("expected Invalid")
        };
        assert!(
            problems.iter().any(|p| p.path == "problem.sms.no_show"),
            "{problems:?}"
        );
    }

    #[test]
    fn overrides_with_bad_syntax_or_unknown_names_are_rejected_with_a_path() {
        let set = TemplateSet::builtin().unwrap();
        let error = set
            .with_override(&json!({"product": {"snippets": {"sign_off": ["Cheers {{firstname}} [[painn]] {oops"]}}}))
            .unwrap_err();
        let TemplateError::Invalid(problems) = error else {
            panic!("expected Invalid")
        };
        let messages: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(messages.len(), 3, "{messages:#?}");
        assert!(
            messages
                .iter()
                .all(|m| m.starts_with("product.snippets.sign_off[0]: "))
        );
        assert!(
            messages
                .iter()
                .any(|m| m.contains("unknown merge field {{firstname}}"))
        );
        assert!(
            messages
                .iter()
                .any(|m| m.contains("unknown slot [[painn]]"))
        );
        assert!(messages.iter().any(|m| m.contains("single { or }")));
    }

    #[test]
    fn an_override_of_the_wrong_shape_is_a_typed_error() {
        let set = TemplateSet::builtin().unwrap();
        assert!(matches!(
            set.with_override(&json!({"problem": {"emails": 3}})),
            Err(TemplateError::Override(_))
        ));
        assert!(matches!(
            set.with_override(&json!({"nonsense": {}})),
            Err(TemplateError::Override(_))
        ));
        assert!(matches!(
            set.with_override(&json!("not an object")),
            Err(TemplateError::Override(_))
        ));
    }

    #[test]
    fn merge_patch_follows_rfc_7396() {
        // The examples of RFC 7396 section 3.
        let mut target = json!({"a": "b", "c": {"d": "e", "f": "g"}});
        merge_patch(&mut target, &json!({"a": "z", "c": {"f": null}}));
        assert_eq!(target, json!({"a": "z", "c": {"d": "e"}}));
        let mut target = json!({"a": ["b"]});
        merge_patch(&mut target, &json!({"a": "c"}));
        assert_eq!(target, json!({"a": "c"}));
        let mut target = json!(["a", "b"]);
        merge_patch(&mut target, &json!({"a": "b"}));
        assert_eq!(target, json!({"a": "b"}));
    }
}
