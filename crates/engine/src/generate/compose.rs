//! Composition: fills the templates of one stage from a prepared brief, picks subject lines,
//! hooks, objection handles and SMS wording, and records where every piece of evidence and every
//! pattern ended up.

use std::collections::{BTreeMap, BTreeSet};

use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_pcg::Pcg64Mcg;

use super::brief::{ContentBrief, LearnedPattern, ObjectionClass};
use super::content::{
    Channel, ContentSet, Deck, Email, Field, Hook, Location, PatternKind, PatternUse, Slide, Sms,
    Step, SubjectLine,
};
use super::evidence::{Prepared, contains_word};
use super::phrase::{capitalize_first, fold_typography, strip_unsafe_chars};
use super::syntax::{self, Token};
use super::templates::{Alternatives, SlideTemplate, StageTemplates, TemplateSet};
use super::{GenerateError, lint, sms};

/// Longest subject line generation will pick (with merge fields at typical length).
pub(crate) const SUBJECT_MAX_CHARS: usize = 60;
/// Most SMS segments generation will accept.
pub(crate) const SMS_MAX_SEGMENTS: usize = 2;
/// How deep snippets may nest.
const MAX_DEPTH: u8 = 4;
/// Subject-line variants per e-mail.
const SUBJECT_VARIANTS: usize = 3;

/// Text with the evidence and pattern uses inside it (byte ranges).
#[derive(Debug, Clone, Default)]
struct Piece {
    text: String,
    /// (source index in [`Prepared::sources`], start, end)
    spans: Vec<(usize, usize, usize)>,
    /// (pattern id, kind, learned, start, end)
    patterns: Vec<(String, PatternKind, bool, usize, usize)>,
    /// Objection classes answered in this piece.
    handled: Vec<ObjectionClass>,
}

impl Piece {
    fn push_str(&mut self, text: &str) {
        self.text.push_str(text);
    }

    /// Appends another piece, shifting its ranges.
    fn append(&mut self, other: Piece) {
        let offset = self.text.len();
        self.text.push_str(&other.text);
        self.spans.extend(
            other
                .spans
                .into_iter()
                .map(|(s, a, b)| (s, a + offset, b + offset)),
        );
        self.patterns.extend(
            other
                .patterns
                .into_iter()
                .map(|(id, k, l, a, b)| (id, k, l, a + offset, b + offset)),
        );
        self.handled.extend(other.handled);
    }

    fn capitalize(mut self) -> Piece {
        let capitalized = capitalize_first(&self.text);
        let delta = capitalized.len() as isize - self.text.len() as isize;
        if delta != 0 {
            let shift = |x: usize| {
                if x == 0 {
                    0
                } else {
                    x.saturating_add_signed(delta)
                }
            };
            for span in &mut self.spans {
                span.1 = shift(span.1);
                span.2 = shift(span.2);
            }
            for pattern in &mut self.patterns {
                pattern.3 = shift(pattern.3);
                pattern.4 = shift(pattern.4);
            }
        }
        self.text = capitalized;
        self
    }
}

/// A candidate piece of copy with an id for the learning loop.
struct Candidate<'t> {
    id: String,
    text: &'t str,
    learned: bool,
}

/// The client profile, cleaned of template syntax.
struct Profile {
    name: String,
    offer: String,
    industry: String,
    call: String,
    minutes: Option<String>,
    price_range: Option<String>,
    guarantee: Option<String>,
    proof: Vec<String>,
    rep_name: Option<String>,
}

fn clean(text: &str) -> String {
    strip_unsafe_chars(&fold_typography(text))
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn clean_optional(text: Option<&String>) -> Option<String> {
    text.map(|t| clean(t)).filter(|t| !t.is_empty())
}

fn sentence(text: String) -> String {
    if text.ends_with(['.', '!', '?']) {
        text
    } else {
        format!("{text}.")
    }
}

/// Scope for slots whose meaning depends on where they are (inside an objection handle).
#[derive(Clone, Copy, Default)]
struct Scope {
    objection: Option<(ObjectionClass, Option<usize>)>,
}

pub(crate) struct Composer<'a> {
    brief: &'a ContentBrief,
    templates: &'a TemplateSet,
    stage: &'a StageTemplates,
    stage_name: &'static str,
    profile: Profile,
    evidence: Prepared,
    banned: Vec<String>,
    low_ids: BTreeSet<String>,
    low_texts: BTreeSet<String>,
    used_learned: BTreeSet<String>,
    notes: Vec<String>,
    rng: Pcg64Mcg,
    /// Merge field values used to estimate lengths.
    merge_examples: BTreeMap<String, String>,
    /// Objection classes already answered somewhere in the set (each is answered once).
    handled: BTreeSet<ObjectionClass>,
}

impl<'a> Composer<'a> {
    pub(crate) fn new(
        brief: &'a ContentBrief,
        templates: &'a TemplateSet,
        seed: u64,
    ) -> Result<Self, GenerateError> {
        let name = clean(&brief.client.name);
        let offer = clean(&brief.client.offer);
        if name.is_empty() {
            return Err(GenerateError::Brief("client.name is empty".into()));
        }
        if offer.is_empty() {
            return Err(GenerateError::Brief("client.offer is empty".into()));
        }
        let profile = Profile {
            name,
            offer,
            industry: clean(&brief.client.industry),
            call: clean_optional(brief.client.call_name.as_ref()).unwrap_or_else(|| "call".into()),
            minutes: brief
                .client
                .call_length_minutes
                .filter(|m| (5..=480).contains(m))
                .map(|m| m.to_string()),
            price_range: clean_optional(brief.client.price_range.as_ref()),
            guarantee: clean_optional(brief.client.guarantee.as_ref()).map(sentence),
            proof: brief
                .client
                .proof_points
                .iter()
                .map(|p| clean(p))
                .filter(|p| !p.is_empty())
                .collect(),
            rep_name: clean_optional(brief.client.rep_name.as_ref()),
        };
        let banned: Vec<String> = brief
            .client
            .banned_words
            .iter()
            .map(|w| w.trim().to_lowercase())
            .filter(|w| !w.is_empty())
            .collect();
        let evidence = Prepared::new(brief, &banned);
        let learned = &brief.learned;
        let low_ids = learned
            .low_performers
            .iter()
            .map(|p| p.id.clone())
            .collect();
        let low_texts = learned
            .low_performers
            .iter()
            .map(|p| normalized(&p.text))
            .filter(|t| !t.is_empty())
            .collect();
        let mut merge_examples: BTreeMap<String, String> = syntax::MERGE_FIELDS
            .iter()
            .map(|f| (f.name.to_owned(), f.example.to_owned()))
            .collect();
        merge_examples.insert("company_name".into(), profile.name.clone());
        if let Some(rep) = &profile.rep_name {
            merge_examples.insert("rep_name".into(), rep.clone());
        }
        Ok(Composer {
            brief,
            templates,
            stage: templates.stage(brief.stage),
            stage_name: brief.stage.as_str(),
            profile,
            evidence,
            banned,
            low_ids,
            low_texts,
            used_learned: BTreeSet::new(),
            notes: Vec::new(),
            rng: Pcg64Mcg::seed_from_u64(seed),
            merge_examples,
            handled: BTreeSet::new(),
        })
    }

    pub(crate) fn compose(mut self, seed: u64) -> ContentSet {
        if self.brief.evidence.is_empty() {
            self.note(
                "There is no evidence for this stage yet, so the copy uses generic wording. Run an analysis to \
                 write it in your prospects' own words."
                    .into(),
            );
        } else if self.evidence.is_thin() {
            self.note(
                "None of this stage's pains, desires or buying signals could be used as written (they were \
                 clauses, too long, or named people), so the copy falls back to generic wording in places."
                    .into(),
            );
        }
        let mut hooks: Vec<Hook> = Vec::new();
        let mut patterns_used = Vec::new();
        let mut emails = Vec::new();
        for step in Step::ALL {
            emails.push(self.email(step, &mut hooks, &mut patterns_used));
        }
        let mut sms_messages = Vec::new();
        for step in Step::SMS {
            if let Some(message) = self.sms(step, &mut hooks, &mut patterns_used) {
                sms_messages.push(message);
            }
        }
        let deck = self.deck(&mut hooks);
        ContentSet {
            stage: self.brief.stage,
            seed,
            emails,
            sms: sms_messages,
            deck,
            hooks,
            patterns_used,
            notes: self.notes,
        }
    }

    fn note(&mut self, note: String) {
        if !self.notes.contains(&note) {
            self.notes.push(note);
        }
    }

    // ---- e-mail ------------------------------------------------------------------------------

    fn email(
        &mut self,
        step: Step,
        hooks: &mut Vec<Hook>,
        patterns: &mut Vec<PatternUse>,
    ) -> Email {
        let own = self.stage.emails.get(&step);
        let common = self.templates.common.emails.get(&step);
        let location = |field: Field, index: Option<usize>| Location {
            channel: Channel::Email,
            step: Some(step),
            field,
            index,
            bullet: None,
            start: 0,
            end: 0,
        };

        // Subject lines: learned first, then the stage's own (first kept as control, the rest
        // in seeded order), then the shared ones.
        let mut candidates: Vec<Candidate<'a>> = Vec::new();
        let learned_subjects = self.learned_for(&self.brief.learned.subject_lines, step);
        for pattern in learned_subjects {
            candidates.push(Candidate {
                id: pattern.id.clone(),
                text: &pattern.text,
                learned: true,
            });
        }
        let mut stage_subjects: Vec<Candidate<'a>> = Vec::new();
        if let Some(own) = own {
            for (k, alternatives) in own.subjects.iter().enumerate() {
                for (j, text) in alternatives.iter().enumerate() {
                    let id = format!(
                        "{}.emails.{}.subjects[{k}][{j}]",
                        self.stage_name,
                        step.as_str()
                    );
                    stage_subjects.push(Candidate {
                        id,
                        text,
                        learned: false,
                    });
                }
            }
        }
        if stage_subjects.len() > 1 {
            stage_subjects[1..].shuffle(&mut self.rng);
        }
        candidates.extend(stage_subjects);
        if let Some(common) = common {
            for (k, alternatives) in common.subjects.iter().enumerate() {
                for (j, text) in alternatives.iter().enumerate() {
                    let id = format!("common.emails.{}.subjects[{k}][{j}]", step.as_str());
                    candidates.push(Candidate {
                        id,
                        text,
                        learned: false,
                    });
                }
            }
        }
        let mut subjects: Vec<SubjectLine> = Vec::new();
        for candidate in candidates {
            if subjects.len() == SUBJECT_VARIANTS {
                break;
            }
            if candidate.learned && self.used_learned.contains(&candidate.id) {
                continue;
            }
            let Some(piece) = self.render_allowed(&candidate, Scope::default(), 0) else {
                if candidate.learned {
                    self.note(format!(
                        "Learned subject line \"{}\" ({}) was not used: it could not be filled, uses an unknown \
                         field or a banned word.",
                        candidate.text, candidate.id
                    ));
                }
                continue;
            };
            let length = self.preview(&piece.text).chars().count();
            let duplicate = subjects
                .iter()
                .any(|s| normalized(&s.text) == normalized(&piece.text));
            if length > SUBJECT_MAX_CHARS || duplicate || piece.text.is_empty() {
                continue;
            }
            if candidate.learned {
                self.used_learned.insert(candidate.id.clone());
            }
            let index = subjects.len();
            self.record(
                &piece,
                location(Field::Subject, Some(index)),
                hooks,
                patterns,
            );
            patterns.push(PatternUse {
                pattern_id: candidate.id.clone(),
                kind: PatternKind::SubjectLine,
                learned: candidate.learned,
                location: Location {
                    end: piece.text.len(),
                    ..location(Field::Subject, Some(index))
                },
            });
            subjects.push(SubjectLine {
                text: piece.text,
                pattern_id: candidate.id,
            });
        }
        if subjects.len() < SUBJECT_VARIANTS {
            self.note(format!(
                "Only {} subject line(s) could be written for the {} e-mail.",
                subjects.len(),
                step.as_str()
            ));
        }

        let preheader_template = own
            .filter(|e| !e.preheader.is_empty())
            .or(common)
            .map(|e| &e.preheader);
        let preheader = preheader_template
            .and_then(|alternatives| {
                let path = format!(
                    "{}.emails.{}.preheader",
                    self.section_of(own, |e| !e.preheader.is_empty()),
                    step.as_str()
                );
                self.first_allowed(alternatives, &path, Scope::default())
            })
            .map(|(_, piece)| piece)
            .unwrap_or_default();
        self.record(
            &preheader,
            location(Field::Preheader, None),
            hooks,
            patterns,
        );

        let body_template = own.filter(|e| !e.body.is_empty()).or(common);
        let section = self.section_of(own, |e| !e.body.is_empty());
        let mut body = Piece::default();
        if let Some(template) = body_template {
            let learned_hook = self.learned_for(&self.brief.learned.hooks, step).into_iter().find_map(|pattern| {
                let candidate = Candidate { id: pattern.id.clone(), text: &pattern.text, learned: true };
                if self.used_learned.contains(&candidate.id) {
                    return None;
                }
                let piece = self.render_allowed(&candidate, Scope::default(), 0);
                if piece.is_none() {
                    self.note(format!(
                        "Learned hook \"{}\" ({}) was not used: it could not be filled, uses an unknown field or \
                         a banned word.",
                        pattern.text, pattern.id
                    ));
                }
                piece.map(|piece| (pattern.id.clone(), piece))
            });
            let mut learned_hook = learned_hook;
            for (p, alternatives) in template.body.iter().enumerate() {
                let is_hook = template.hook == Some(p);
                let chosen = if is_hook && learned_hook.is_some() {
                    learned_hook.take().map(|(id, mut piece)| {
                        self.used_learned.insert(id.clone());
                        let end = piece.text.len();
                        piece.patterns.push((id, PatternKind::Hook, true, 0, end));
                        piece
                    })
                } else {
                    let path = format!("{section}.emails.{}.body[{p}]", step.as_str());
                    self.first_allowed(alternatives, &path, Scope::default())
                        .map(|(id, mut piece)| {
                            if is_hook {
                                let end = piece.text.len();
                                piece.patterns.push((id, PatternKind::Hook, false, 0, end));
                            }
                            piece
                        })
                };
                let Some(piece) = chosen.filter(|piece| !piece.text.trim().is_empty()) else {
                    continue;
                };
                if !body.text.is_empty() {
                    body.push_str("\n\n");
                }
                body.append(piece);
            }
        }
        self.record(&body, location(Field::Body, None), hooks, patterns);
        Email {
            step,
            timing: step.timing(),
            subjects,
            preheader: preheader.text,
            body: body.text,
        }
    }

    /// "common" when the stage does not provide the piece.
    fn section_of(
        &self,
        own: Option<&super::templates::EmailTemplate>,
        has: impl Fn(&super::templates::EmailTemplate) -> bool,
    ) -> &'static str {
        if own.is_some_and(has) {
            self.stage_name
        } else {
            "common"
        }
    }

    /// Learned patterns for a step (step-specific ones first), skipping low performers.
    fn learned_for(&self, patterns: &'a [LearnedPattern], step: Step) -> Vec<&'a LearnedPattern> {
        let mut out: Vec<&LearnedPattern> =
            patterns.iter().filter(|p| p.step == Some(step)).collect();
        out.extend(patterns.iter().filter(|p| p.step.is_none()));
        out.retain(|p| !self.is_low_performer(&p.id, &p.text));
        out
    }

    // ---- SMS ---------------------------------------------------------------------------------

    fn sms(
        &mut self,
        step: Step,
        hooks: &mut Vec<Hook>,
        patterns: &mut Vec<PatternUse>,
    ) -> Option<Sms> {
        let (section, alternatives) = match self.stage.sms.get(&step) {
            Some(alternatives) => (self.stage_name, alternatives),
            None => ("common", self.templates.common.sms.get(&step)?),
        };
        let mut fitting: Vec<(String, Piece, sms::SmsLength)> = Vec::new();
        for (j, text) in alternatives.iter().enumerate() {
            let candidate = Candidate {
                id: format!("{section}.sms.{}[{j}]", step.as_str()),
                text,
                learned: false,
            };
            let Some(mut piece) = self.render_allowed(&candidate, Scope::default(), 0) else {
                continue;
            };
            if !lint::has_opt_out(&piece.text) {
                piece.push_str(if piece.text.ends_with(['.', '!', '?']) {
                    " "
                } else {
                    ". "
                });
                piece.push_str(lint::OPT_OUT_LINE);
            }
            let length = sms::measure(&self.preview(&piece.text));
            fitting.push((candidate.id, piece, length));
        }
        let best = fitting
            .iter()
            .position(|(_, _, length)| length.segments == 1)
            .or_else(|| {
                fitting
                    .iter()
                    .position(|(_, _, length)| length.segments <= SMS_MAX_SEGMENTS)
            })
            .or_else(|| (0..fitting.len()).min_by_key(|&i| fitting[i].2.segments))?;
        let (id, piece, length) = fitting.swap_remove(best);
        if length.segments > SMS_MAX_SEGMENTS {
            self.note(format!(
                "The {} SMS is {} segments long.",
                step.as_str(),
                length.segments
            ));
        }
        let location = Location {
            channel: Channel::Sms,
            step: Some(step),
            field: Field::Text,
            index: None,
            bullet: None,
            start: 0,
            end: 0,
        };
        self.record(&piece, location, hooks, patterns);
        patterns.push(PatternUse {
            pattern_id: id.clone(),
            kind: PatternKind::Sms,
            learned: false,
            location: Location {
                end: piece.text.len(),
                ..location
            },
        });
        Some(Sms {
            step,
            timing: step.timing(),
            text: piece.text,
            pattern_id: id,
            length,
        })
    }

    // ---- deck --------------------------------------------------------------------------------

    fn deck(&mut self, hooks: &mut Vec<Hook>) -> Deck {
        let own = self.stage.deck.as_ref();
        let common = self.templates.common.deck.as_ref();
        let location = |field: Field, index: Option<usize>, bullet: Option<usize>| Location {
            channel: Channel::Deck,
            step: None,
            field,
            index,
            bullet,
            start: 0,
            end: 0,
        };
        let mut ignored_patterns = Vec::new();
        let title_source = own.filter(|d| !d.title.is_empty()).or(common);
        let title_section = if own.is_some_and(|d| !d.title.is_empty()) {
            self.stage_name
        } else {
            "common"
        };
        let title = title_source
            .and_then(|d| {
                self.first_allowed(
                    &d.title,
                    &format!("{title_section}.deck.title"),
                    Scope::default(),
                )
            })
            .map(|(_, piece)| piece)
            .unwrap_or_else(|| Piece {
                text: format!(
                    "Before your {} with {}",
                    self.profile.call, self.profile.name
                ),
                ..Piece::default()
            });
        self.record(
            &title,
            location(Field::Title, None, None),
            hooks,
            &mut ignored_patterns,
        );

        let slides_source = own.filter(|d| !d.slides.is_empty()).or(common);
        let slides_section = if own.is_some_and(|d| !d.slides.is_empty()) {
            self.stage_name
        } else {
            "common"
        };
        let mut slides = Vec::new();
        for (s, template) in slides_source
            .map(|d| d.slides.as_slice())
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            let path = format!("{slides_section}.deck.slides[{s}]");
            let Some((slide_title, bullets)) = self.slide(template, &path) else {
                continue;
            };
            let index = slides.len();
            self.record(
                &slide_title,
                location(Field::SlideTitle, Some(index), None),
                hooks,
                &mut ignored_patterns,
            );
            for (b, bullet) in bullets.iter().enumerate() {
                self.record(
                    bullet,
                    location(Field::Bullet, Some(index), Some(b)),
                    hooks,
                    &mut ignored_patterns,
                );
            }
            slides.push(Slide {
                title: slide_title.text,
                bullets: bullets.into_iter().map(|b| b.text).collect(),
            });
        }
        let markdown = deck_markdown(&title.text, &slides);
        Deck {
            title: title.text,
            slides,
            markdown,
        }
    }

    fn slide(&mut self, template: &SlideTemplate, path: &str) -> Option<(Piece, Vec<Piece>)> {
        let (_, title) =
            self.first_allowed(&template.title, &format!("{path}.title"), Scope::default())?;
        let mut bullets: Vec<Piece> = Vec::new();
        for (b, alternatives) in template.bullets.iter().enumerate() {
            let path = format!("{path}.bullets[{b}]");
            let Some((_, piece)) = self.first_allowed(alternatives, &path, Scope::default()) else {
                continue;
            };
            let duplicate = bullets
                .iter()
                .any(|other| normalized(&other.text) == normalized(&piece.text));
            if !duplicate {
                bullets.push(piece);
            }
        }
        if bullets.len() < 2 {
            for (f, text) in template.fallback.iter().enumerate() {
                if bullets.len() >= 3 {
                    break;
                }
                let candidate = Candidate {
                    id: format!("{path}.fallback[{f}]"),
                    text,
                    learned: false,
                };
                if let Some(piece) = self.render_allowed(&candidate, Scope::default(), 0) {
                    bullets.push(piece);
                }
            }
        }
        (!bullets.is_empty()).then_some((title, bullets))
    }

    // ---- rendering ---------------------------------------------------------------------------

    /// The first alternative that renders and is allowed, with its pattern id.
    fn first_allowed(
        &mut self,
        alternatives: &Alternatives,
        path: &str,
        scope: Scope,
    ) -> Option<(String, Piece)> {
        alternatives.iter().enumerate().find_map(|(j, text)| {
            let candidate = Candidate {
                id: format!("{path}[{j}]"),
                text,
                learned: false,
            };
            self.render_allowed(&candidate, scope, 0)
                .map(|piece| (candidate.id, piece))
        })
    }

    /// Renders a candidate unless it is a low performer or the result uses a banned word.
    fn render_allowed(
        &mut self,
        candidate: &Candidate<'_>,
        scope: Scope,
        depth: u8,
    ) -> Option<Piece> {
        if self.is_low_performer(&candidate.id, candidate.text) {
            return None;
        }
        let piece = self.render(candidate.text, scope, depth)?;
        if self
            .banned
            .iter()
            .any(|word| contains_word(&piece.text, word))
            || self.low_texts.contains(&normalized(&piece.text))
        {
            return None;
        }
        Some(piece)
    }

    fn is_low_performer(&self, id: &str, text: &str) -> bool {
        self.low_ids.contains(id) || self.low_texts.contains(&normalized(text))
    }

    /// Fills one template text. `None` when a slot cannot be filled or the syntax is broken.
    fn render(&mut self, template: &str, scope: Scope, depth: u8) -> Option<Piece> {
        if depth > MAX_DEPTH {
            return None;
        }
        let (tokens, errors) = syntax::tokenize(template);
        if !errors.is_empty() {
            return None;
        }
        let mut piece = Piece::default();
        for token in tokens {
            match token {
                Token::Text(text) => piece.push_str(text),
                Token::Merge { name, .. } => {
                    syntax::merge_field(name)?;
                    piece.push_str(&format!("{{{{{name}}}}}"));
                }
                Token::Slot { slot, .. } => {
                    let fill = self.fill(slot.name, slot.index, scope, depth)?;
                    piece.append(if slot.capitalize {
                        fill.capitalize()
                    } else {
                        fill
                    });
                }
            }
        }
        Some(piece)
    }

    /// The text for one slot.
    fn fill(&mut self, name: &str, index: usize, scope: Scope, depth: u8) -> Option<Piece> {
        let plain = |text: Option<&String>| {
            text.map(|t| Piece {
                text: t.clone(),
                ..Piece::default()
            })
        };
        let profile = &self.profile;
        match name {
            "company" => plain(Some(&profile.name)),
            "offer" => plain(Some(&profile.offer)),
            "industry" => plain(Some(&profile.industry).filter(|t| !t.is_empty())),
            "call" => plain(Some(&profile.call)),
            "minutes" => plain(profile.minutes.as_ref()),
            "price_range" => plain(profile.price_range.as_ref()),
            "guarantee" => plain(profile.guarantee.as_ref()),
            "proof" => plain(profile.proof.get(index - 1)),
            "pain" => self.evidence_fill(&self.evidence.pains, index),
            "desire" => self.evidence_fill(&self.evidence.desires, index),
            "alternative" => self.evidence_fill(&self.evidence.alternatives, index),
            "signal" => self.evidence_fill(&self.evidence.signals, index),
            "signal_question" => self.evidence_fill(&self.evidence.signal_questions, index),
            "phrase" => self.evidence_fill(&self.evidence.phrases, index),
            "pain_quote" => self.evidence_fill(&self.evidence.pain_quotes, index),
            "desire_quote" => self.evidence_fill(&self.evidence.desire_quotes, index),
            "cost_quote" => self.evidence_fill(&self.evidence.cost_quotes, index),
            "objection_quote" => match scope.objection {
                Some((_, quote)) => quote.and_then(|q| self.evidence_fill(&[q], 1)),
                None => self.evidence_fill(&self.evidence.objection_quotes, index),
            },
            "agenda" => self.agenda(depth),
            "objection_handle" => self.objection_handle(index, depth),
            snippet => {
                let (section, alternatives) = match self.stage.snippets.get(snippet) {
                    Some(alternatives) => (self.stage_name, alternatives),
                    None => ("common", self.templates.common.snippets.get(snippet)?),
                };
                let alternatives = alternatives.clone();
                alternatives.iter().enumerate().find_map(|(j, text)| {
                    let candidate = Candidate {
                        id: format!("{section}.snippets.{snippet}[{j}]"),
                        text,
                        learned: false,
                    };
                    self.render_allowed(&candidate, scope, depth + 1)
                })
            }
        }
    }

    fn evidence_fill(&self, list: &[usize], index: usize) -> Option<Piece> {
        let source = *list.get(index.checked_sub(1)?)?;
        let text = self.evidence.sources[source].text.clone();
        let end = text.len();
        Some(Piece {
            text,
            spans: vec![(source, 0, end)],
            ..Piece::default()
        })
    }

    /// "- item" lines; at least two items or nothing.
    fn agenda(&mut self, depth: u8) -> Option<Piece> {
        let (section, items) = if self.stage.agenda.is_empty() {
            ("common", self.templates.common.agenda.clone())
        } else {
            (self.stage_name, self.stage.agenda.clone())
        };
        let mut lines: Vec<Piece> = Vec::new();
        for (i, alternatives) in items.iter().enumerate() {
            let found = alternatives.iter().enumerate().find_map(|(j, text)| {
                let candidate = Candidate {
                    id: format!("{section}.agenda[{i}][{j}]"),
                    text,
                    learned: false,
                };
                self.render_allowed(&candidate, Scope::default(), depth + 1)
            });
            if let Some(line) = found {
                lines.push(line);
            }
        }
        if lines.len() < 2 {
            return None;
        }
        let mut piece = Piece::default();
        for (i, line) in lines.into_iter().enumerate() {
            if i > 0 {
                piece.push_str("\n");
            }
            piece.push_str("- ");
            piece.append(line);
        }
        Some(piece)
    }

    /// The handle for the `index`-th most raised objection class: a learned handle first, then
    /// the stage's, then the shared one.
    fn objection_handle(&mut self, index: usize, depth: u8) -> Option<Piece> {
        // Each objection is answered once per set: the N-th most raised one not yet answered.
        let (class, quote) = *self
            .evidence
            .objection_classes
            .iter()
            .filter(|(class, _)| !self.handled.contains(class))
            .nth(index.checked_sub(1)?)?;
        let scope = Scope {
            objection: Some((class, quote)),
        };
        let learned: Vec<LearnedPattern> = self
            .brief
            .learned
            .objection_handles
            .iter()
            .filter(|p| p.objection_class == Some(class) && !self.is_low_performer(&p.id, &p.text))
            .cloned()
            .collect();
        for pattern in &learned {
            let candidate = Candidate {
                id: pattern.id.clone(),
                text: &pattern.text,
                learned: true,
            };
            if let Some(mut piece) = self.render_allowed(&candidate, scope, depth + 1) {
                let end = piece.text.len();
                piece.patterns.push((
                    pattern.id.clone(),
                    PatternKind::ObjectionHandle,
                    true,
                    0,
                    end,
                ));
                piece.handled.push(class);
                return Some(piece);
            }
        }
        let mut templates: Vec<(String, String)> = Vec::new();
        for (section, handles) in [
            (self.stage_name, &self.stage.objection_handles),
            ("common", &self.templates.common.objection_handles),
        ] {
            if let Some(alternatives) = handles.get(&class) {
                for (j, text) in alternatives.iter().enumerate() {
                    templates.push((
                        format!("{section}.objection_handles.{}[{j}]", class.as_str()),
                        text.clone(),
                    ));
                }
            }
        }
        templates.into_iter().find_map(|(id, text)| {
            let candidate = Candidate {
                id: id.clone(),
                text: &text,
                learned: false,
            };
            let mut piece = self.render_allowed(&candidate, scope, depth + 1)?;
            let end = piece.text.len();
            piece
                .patterns
                .push((id, PatternKind::ObjectionHandle, false, 0, end));
            piece.handled.push(class);
            Some(piece)
        })
    }

    /// Records a placed piece: its evidence as hooks, its inner patterns as pattern uses.
    fn record(
        &mut self,
        piece: &Piece,
        location: Location,
        hooks: &mut Vec<Hook>,
        patterns: &mut Vec<PatternUse>,
    ) {
        self.handled.extend(piece.handled.iter().copied());
        for &(source, start, end) in &piece.spans {
            let source = &self.evidence.sources[source];
            let at = Location {
                start,
                end,
                ..location
            };
            match hooks.iter_mut().find(|h| {
                h.kind == source.kind
                    && h.text == source.text
                    && h.quote == source.quote
                    && h.objection_class == source.objection_class
            }) {
                Some(hook) => hook.used_in.push(at),
                None => hooks.push(Hook {
                    kind: source.kind,
                    objection_class: source.objection_class,
                    evidence_phrase: source.evidence_phrase.clone(),
                    text: source.text.clone(),
                    quote: source.quote.clone(),
                    used_in: vec![at],
                }),
            }
        }
        for (id, kind, learned, start, end) in &piece.patterns {
            patterns.push(PatternUse {
                pattern_id: id.clone(),
                kind: *kind,
                learned: *learned,
                location: Location {
                    start: *start,
                    end: *end,
                    ..location
                },
            });
        }
    }

    /// The text with merge fields at their example values (for length estimates).
    fn preview(&self, text: &str) -> String {
        super::preview(text, &self.merge_examples)
    }
}

/// Lower-case letters and digits only, single-spaced: how patterns are compared.
pub(crate) fn normalized(text: &str) -> String {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric() && c != '_')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The Gamma-ready outline: one card per slide, `#` headings, bullets, `---` between cards.
fn deck_markdown(title: &str, slides: &[Slide]) -> String {
    let mut out = format!("# {title}\n");
    for slide in slides {
        out.push_str("\n---\n\n");
        out.push_str(&format!("# {}\n\n", slide.title));
        for bullet in &slide.bullets {
            out.push_str(&format!("- {bullet}\n"));
        }
    }
    out
}
