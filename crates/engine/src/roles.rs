//! Rep vs prospect, per speaker (methods §2.8).
//!
//! Evidence, strongest first: a role the user set (always wins); a hard role from the source
//! (Gong affiliation, set by ingest with confidence 1); the client's rep roster; e-mail domains;
//! the transcript's metadata (rep / prospect names from a manifest or file name); a rep's
//! self-introduction with the client's brand ("Dana from Acme"). Speakers left undecided get a
//! cue score per 100 words:
//! `s = 1.0·you/your + 0.6·questions + 0.8·agenda phrases + 0.8·offer talk ("our program")
//!    − 0.6·own-business talk ("my business")`; the top scorer is a rep, and the margin between
//! speakers sets the confidence. Who speaks first is never used: prospects often open with
//! "hello?".

use crate::insights::{Analyzer, Annotated};
use crate::transcript::{Role, Speaker, Transcript};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Per-transcript role hints from the caller.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct RoleHints {
    /// Roles set by the user, by speaker name (case-insensitive). Always win.
    pub user_roles: BTreeMap<String, Role>,
    /// E-mail addresses by speaker name (from attendee lists), matched against the config's
    /// `rep_email_domains`.
    pub speaker_emails: BTreeMap<String, String>,
}

/// Why a speaker got their role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoleReason {
    /// The user said so.
    User,
    /// The source file said so (e.g. Gong affiliation).
    Source,
    /// The name is on the client's rep roster.
    Roster,
    /// The e-mail domain is (or is not) the client's.
    EmailDomain,
    /// The transcript's metadata names this speaker as rep or prospect.
    Metadata,
    /// The speaker introduced themselves with the client's brand.
    Introduction,
    /// Cue scores (second person, questions, agenda, offer talk).
    Cues,
    /// Too little speech, or the only speaker: no call either way.
    Undetermined,
}

/// The role decided for one speaker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpeakerRole {
    pub name: String,
    pub role: Role,
    pub confidence: f32,
    pub reason: RoleReason,
    /// The cue score per 100 words (0 when not computed).
    pub score: f32,
}

/// Roles for every speaker of a transcript.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoleAssignment {
    pub speakers: Vec<SpeakerRole>,
}

/// Speakers with fewer words than this are not scored on cues.
const MIN_WORDS: u32 = 15;
/// Scale of the score margin in the confidence's logistic (per-100-word units).
const MARGIN_SCALE: f32 = 1.5;

#[derive(Debug, Default, Clone, Copy)]
struct Cues {
    words: u32,
    second_person: u32,
    questions: u32,
    agenda: u32,
    offer: u32,
    introduction: u32,
    own_business: u32,
}

impl Cues {
    fn score(&self) -> f32 {
        if self.words == 0 {
            return 0.0;
        }
        let per_100 = |n: u32| n as f32 * 100.0 / self.words as f32;
        1.0 * per_100(self.second_person)
            + 0.6 * per_100(self.questions)
            + 0.8 * per_100(self.agenda)
            + 0.8 * per_100(self.offer + self.introduction)
            - 0.6 * per_100(self.own_business)
    }
}

fn same_name(a: &str, b: &str) -> bool {
    let a = a.trim();
    let b = b.trim();
    !a.is_empty() && a.eq_ignore_ascii_case(b)
}

/// Roster match: full name, or first name when one side is a single word ("Dana" ~ "Dana Reyes").
fn roster_match(speaker: &str, roster: &str) -> bool {
    if same_name(speaker, roster) {
        return true;
    }
    let mut s = speaker.split_whitespace();
    let mut r = roster.split_whitespace();
    let (Some(s_first), Some(r_first)) = (s.next(), r.next()) else {
        return false;
    };
    let single = s.next().is_none() || r.next().is_none();
    single && s_first.eq_ignore_ascii_case(r_first) && s_first.chars().count() >= 3
}

fn email_domain(email: &str) -> Option<&str> {
    let (_, domain) = email.trim().rsplit_once('@')?;
    (!domain.is_empty()).then_some(domain.trim_end_matches('>'))
}

/// Infers roles. Call [`RoleAssignment::apply`] to write them into the transcript.
pub fn infer(
    transcript: &Transcript,
    annotated: &Annotated,
    analyzer: &Analyzer,
    hints: &RoleHints,
) -> RoleAssignment {
    let mut names: Vec<String> = transcript.speakers.iter().map(|s| s.name.clone()).collect();
    for turn in &transcript.turns {
        if !names.contains(&turn.speaker) {
            names.push(turn.speaker.clone());
        }
    }
    let cues = speaker_cues(transcript, annotated, analyzer, &names);
    let config = analyzer.config();
    let mut decided: Vec<Option<SpeakerRole>> = names
        .iter()
        .zip(&cues)
        .map(|(name, cue)| {
            let hint = |role, confidence, reason| {
                Some(SpeakerRole {
                    name: name.clone(),
                    role,
                    confidence,
                    reason,
                    score: cue.score(),
                })
            };
            if let Some((_, &role)) = hints.user_roles.iter().find(|(n, _)| same_name(n, name)) {
                return hint(role, 1.0, RoleReason::User);
            }
            if let Some(source) = transcript.speakers.iter().find(|s| &s.name == name)
                && source.role != Role::Unknown
                && source.confidence >= 0.999
            {
                return hint(source.role, 1.0, RoleReason::Source);
            }
            if config.rep_names.iter().any(|r| roster_match(name, r)) {
                return hint(Role::Rep, 0.95, RoleReason::Roster);
            }
            let email = hints
                .speaker_emails
                .iter()
                .find(|(n, _)| same_name(n, name))
                .map(|(_, e)| e.as_str());
            let email = email.or_else(|| name.contains('@').then_some(name.as_str()));
            if let (Some(domain), false) = (
                email.and_then(email_domain),
                config.rep_email_domains.is_empty(),
            ) {
                let ours = config.rep_email_domains.iter().any(|d| {
                    d.trim()
                        .trim_start_matches('@')
                        .eq_ignore_ascii_case(domain)
                });
                return if ours {
                    hint(Role::Rep, 0.95, RoleReason::EmailDomain)
                } else {
                    hint(Role::Prospect, 0.8, RoleReason::EmailDomain)
                };
            }
            if transcript
                .metadata
                .rep
                .as_deref()
                .is_some_and(|r| roster_match(name, r))
            {
                return hint(Role::Rep, 0.9, RoleReason::Metadata);
            }
            if transcript
                .metadata
                .prospect
                .as_deref()
                .is_some_and(|p| roster_match(name, p))
            {
                return hint(Role::Prospect, 0.9, RoleReason::Metadata);
            }
            if cue.introduction > 0 {
                return hint(Role::Rep, 0.9, RoleReason::Introduction);
            }
            None
        })
        .collect();

    let scored: Vec<usize> = (0..names.len())
        .filter(|&i| decided[i].is_none() && cues[i].words >= MIN_WORDS)
        .collect();
    let known_rep_score = decided
        .iter()
        .zip(&cues)
        .filter(|(d, c)| d.as_ref().is_some_and(|d| d.role == Role::Rep) && c.words >= MIN_WORDS)
        .map(|(_, c)| c.score())
        .reduce(f32::max);
    let known_rep = decided.iter().flatten().any(|d| d.role == Role::Rep);
    if !scored.is_empty() {
        let mut order = scored.clone();
        order.sort_by(|&a, &b| cues[b].score().total_cmp(&cues[a].score()).then(a.cmp(&b)));
        let top = cues[order[0]].score();
        let bottom = cues[*order.last().unwrap_or(&order[0])].score();
        // The rep's reference score: a known rep's, else the top scorer's (who becomes a rep).
        let reference = known_rep_score.unwrap_or(top);
        let low = bottom.min(reference);
        for (rank, &i) in order.iter().enumerate() {
            let score = cues[i].score();
            let (role, confidence) = if !known_rep && rank == 0 {
                let runner_up = order.get(1).map(|&j| cues[j].score());
                match runner_up {
                    Some(second) => (Role::Rep, logistic_confidence(score - second)),
                    // One scored speaker and no known rep: a rep only if they sound like one.
                    None => lone_speaker(&decided, score),
                }
            } else if known_rep && order.len() == 1 && known_rep_score.is_none() {
                (Role::Prospect, 0.85)
            } else {
                let midpoint = (reference + low) / 2.0;
                if reference - low < 0.5 || score < midpoint {
                    let margin = if known_rep {
                        reference - score
                    } else {
                        top - score
                    };
                    (
                        Role::Prospect,
                        logistic_confidence(margin).max(if known_rep { 0.8 } else { 0.5 }),
                    )
                } else {
                    (Role::Rep, logistic_confidence(score - low) * 0.9)
                }
            };
            decided[i] = Some(SpeakerRole {
                name: names[i].clone(),
                role,
                confidence,
                reason: RoleReason::Cues,
                score: round3(score),
            });
        }
    }

    // Speakers with too little speech: the opposite of the other speaker in a two-person call.
    let two = names.len() == 2;
    let resolved: Vec<SpeakerRole> = (0..names.len())
        .map(|i| {
            if let Some(d) = &decided[i] {
                return d.clone();
            }
            let other = if two {
                decided.get(1 - i).and_then(|d| d.as_ref())
            } else {
                None
            };
            let (role, confidence) = match other.map(|o| o.role) {
                Some(Role::Rep) => (Role::Prospect, 0.6),
                Some(Role::Prospect) => (Role::Rep, 0.6),
                _ => (Role::Unknown, 0.0),
            };
            SpeakerRole {
                name: names[i].clone(),
                role,
                confidence,
                reason: RoleReason::Undetermined,
                score: round3(cues[i].score()),
            }
        })
        .collect();
    RoleAssignment { speakers: resolved }
}

/// A single scored speaker when nobody else is decided (the other speakers barely spoke): a
/// rep only with a clear rep profile, a prospect only with a clear prospect profile.
fn lone_speaker(decided: &[Option<SpeakerRole>], score: f32) -> (Role, f32) {
    if decided.iter().flatten().any(|d| d.role == Role::Prospect) {
        return (Role::Rep, 0.8);
    }
    if decided.len() < 2 {
        return (Role::Unknown, 0.0);
    }
    if score >= 4.0 {
        (Role::Rep, 0.6)
    } else if score < 2.0 {
        (Role::Prospect, 0.6)
    } else {
        (Role::Unknown, 0.0)
    }
}

fn logistic_confidence(margin: f32) -> f32 {
    let p = 1.0 / (1.0 + (-margin / MARGIN_SCALE).exp());
    round3(p.clamp(0.5, 0.99))
}

fn round3(value: f32) -> f32 {
    (value * 1000.0).round() / 1000.0
}

fn speaker_cues(
    transcript: &Transcript,
    annotated: &Annotated,
    analyzer: &Analyzer,
    names: &[String],
) -> Vec<Cues> {
    use crate::insights::RoleCueKind as K;
    use crate::text::WordClass;
    let document = &annotated.document;
    let mut cues = vec![Cues::default(); names.len()];
    for (turn, text) in transcript.turns.iter().zip(&document.turns) {
        let Some(index) = names.iter().position(|n| n == &turn.speaker) else {
            continue;
        };
        let cue = &mut cues[index];
        cue.words += text.word_count;
        for token in &document.tokens[text.tokens.start as usize..text.tokens.end as usize] {
            if !token.disfluent
                && document
                    .word(token)
                    .is_some_and(|w| w.class.has(WordClass::SECOND_PERSON))
            {
                cue.second_person += 1;
            }
        }
        for sentence_index in text.sentences.start..text.sentences.end {
            cue.questions += u32::from(document.sentences[sentence_index as usize].is_question);
            for annotated_hit in annotated.hits_of(sentence_index as usize) {
                if annotated_hit.negated {
                    continue;
                }
                let hit = &annotated_hit.hit;
                match analyzer.role_cue(hit) {
                    Some(K::Agenda) => cue.agenda += 1,
                    Some(K::Offer) => cue.offer += 1,
                    Some(K::Introduction) => cue.introduction += 1,
                    Some(K::OwnBusiness) => cue.own_business += 1,
                    None => {}
                }
            }
        }
    }
    cues
}

impl RoleAssignment {
    /// Writes the roles into the transcript: its speaker list (adding speakers only seen in
    /// turns) and every turn's role.
    pub fn apply(&self, transcript: &mut Transcript) {
        for decided in &self.speakers {
            match transcript
                .speakers
                .iter_mut()
                .find(|s| s.name == decided.name)
            {
                Some(speaker) => {
                    speaker.role = decided.role;
                    speaker.confidence = decided.confidence;
                }
                None => transcript.speakers.push(Speaker {
                    name: decided.name.clone(),
                    role: decided.role,
                    confidence: decided.confidence,
                }),
            }
        }
        for turn in &mut transcript.turns {
            if let Some(decided) = self.speakers.iter().find(|s| s.name == turn.speaker) {
                turn.role = decided.role;
            }
        }
    }

    /// The role of a speaker by name.
    pub fn role_of(&self, name: &str) -> Role {
        self.speakers
            .iter()
            .find(|s| s.name == name)
            .map(|s| s.role)
            .unwrap_or_default()
    }
}
