//! The call script: which acts happen in which order, and how the labels (stage, outcome,
//! objections) shape the prospect's words. Produces timed utterances; rendering into a file
//! format is [`super::render`]'s job.

use super::ObjectionClass;
use super::template::{Dice, Slots, expand};
use super::vocabulary::{self as v, IndustryVocabulary};
use crate::transcript::{AwarenessLevel, Outcome};
use std::collections::BTreeSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Party {
    Rep,
    Prospect,
}

/// One stretch of speech by one party, with its time on the call.
#[derive(Debug, Clone)]
pub(crate) struct Utterance {
    pub(crate) party: Party,
    pub(crate) text: String,
    pub(crate) start_ms: u64,
    pub(crate) end_ms: u64,
}

/// What the call must express.
pub(crate) struct Plan {
    pub(crate) stage: AwarenessLevel,
    pub(crate) outcome: Outcome,
    pub(crate) raised: Vec<ObjectionClass>,
    pub(crate) negated: Vec<ObjectionClass>,
    pub(crate) target_ms: u64,
    pub(crate) messy: bool,
}

/// Fills template slots for one call and keeps track of what was said.
pub(crate) struct Writer {
    pub(crate) dice: Dice,
    pub(crate) vocabulary: &'static IndustryVocabulary,
    pub(crate) rep_first: String,
    pub(crate) colleague_first: String,
    pub(crate) prospect_first: String,
    pub(crate) company: String,
    pub(crate) city: &'static str,
    pub(crate) authority_person: &'static str,
    pub(crate) preferred_competitor: usize,
    pub(crate) messy: bool,
    /// Canonical names of the competitors mentioned so far.
    pub(crate) competitors_mentioned: BTreeSet<&'static str>,
}

impl Slots for Writer {
    fn dice(&mut self) -> &mut Dice {
        &mut self.dice
    }

    fn fill(&mut self, name: &str, out: &mut String) {
        let vocabulary = self.vocabulary;
        let phrase: &str = match name {
            "rep" => return out.push_str(&self.rep_first),
            "rep2" => return out.push_str(&self.colleague_first),
            "prospect" => return out.push_str(&self.prospect_first),
            "company" => return out.push_str(&self.company),
            "competitor" => return self.competitor(out),
            "brand" => vocabulary.brand,
            "offer" => self.dice.pick(vocabulary.offers),
            "business" => self.dice.pick(vocabulary.business),
            "customers" => self.dice.pick(vocabulary.customers),
            "pain" => self.dice.pick(vocabulary.pains),
            "cost" => self.dice.pick(vocabulary.costs),
            "category" | "category2" => self.dice.pick(vocabulary.categories),
            "failure" => self.dice.pick(vocabulary.failures),
            "criterion" => self.dice.pick(vocabulary.criteria),
            "price" => self.dice.pick(vocabulary.prices),
            "result" => self.dice.pick(vocabulary.results),
            "proof" => self.dice.pick(vocabulary.proof),
            "city" => self.city,
            "person" => self.authority_person,
            "timeframe" => self.dice.pick(v::TIMEFRAMES),
            "day" => self.dice.pick(v::WEEKDAYS),
            "time" => self.dice.pick(v::CALL_TIMES),
            other => other,
        };
        // Vocabulary entries may themselves hold alternatives.
        expand(self, phrase, out);
    }
}

impl Writer {
    fn competitor(&mut self, out: &mut String) {
        let competitors = self.vocabulary.competitors;
        let index = if self.dice.chance(0.7) {
            self.preferred_competitor
        } else {
            self.dice.below(competitors.len())
        };
        let Some((canonical, spellings)) = competitors.get(index) else {
            return;
        };
        self.competitors_mentioned.insert(canonical);
        // Speech-to-text rarely gets brand names right; clean transcripts mostly do.
        let spelling = if self.messy || self.dice.chance(0.25) {
            self.dice.pick(spellings)
        } else {
            canonical
        };
        out.push_str(spelling);
    }

    /// One sentence from `table`, with a capital first letter.
    pub(crate) fn sentence(&mut self, table: &[&str]) -> String {
        let template = self.dice.pick(table);
        let mut out = String::with_capacity(template.len() + 40);
        expand(self, template, &mut out);
        tidy(&mut out);
        out
    }

    /// `count` sentences from `table`, space-separated.
    fn sentences(&mut self, table: &[&str], count: usize) -> String {
        let mut text = String::new();
        for _ in 0..count {
            append(&mut text, &self.sentence(table));
        }
        text
    }
}

/// Collapses doubled spaces left by empty alternatives, fixes " ," and capitalises.
fn tidy(text: &mut String) {
    let mut cleaned = String::with_capacity(text.len());
    let mut previous_space = true;
    for character in text.chars() {
        if character == ' ' {
            if !previous_space {
                cleaned.push(' ');
            }
            previous_space = true;
            continue;
        }
        if matches!(character, ',' | '.' | '?' | '!') && cleaned.ends_with(' ') {
            cleaned.pop();
        }
        cleaned.push(character);
        previous_space = false;
    }
    while cleaned.ends_with(' ') {
        cleaned.pop();
    }
    if let Some(first) = cleaned.chars().next() {
        let upper: String = first.to_uppercase().collect();
        cleaned.replace_range(..first.len_utf8(), &upper);
    }
    *text = cleaned;
}

fn append(text: &mut String, sentence: &str) {
    if !text.is_empty() {
        text.push(' ');
    }
    text.push_str(sentence);
}

/// Builds the call: utterances with times, until the planned duration is reached.
pub(crate) fn write_call(writer: &mut Writer, plan: &Plan) -> Vec<Utterance> {
    let mut call = Call {
        utterances: Vec::with_capacity(512),
        clock: writer.dice.between(300, 4_000),
        plan,
    };
    call.opening(writer);
    call.discovery(writer, plan.target_ms / 2);
    call.presentation(writer, plan.target_ms * 72 / 100);
    call.objections(writer, plan.target_ms * 88 / 100);
    call.close(writer, plan.target_ms);
    call.utterances
}

struct Call<'p> {
    utterances: Vec<Utterance>,
    clock: u64,
    plan: &'p Plan,
}

impl Call<'_> {
    fn say(&mut self, writer: &mut Writer, party: Party, text: String) {
        if text.is_empty() {
            return;
        }
        let text = if self.plan.messy {
            messify(&text, &mut writer.dice)
        } else {
            text
        };
        // Messy calls: now and then the other party talks over a long utterance.
        let words = text.split(' ').count();
        if self.plan.messy && words > 14 && writer.dice.chance(0.12) {
            let cut = text
                .match_indices(' ')
                .nth(words / 2)
                .map_or(text.len(), |(index, _)| index);
            let (first, rest) = text.split_at(cut);
            self.push(writer, party, first.to_owned());
            let other = if party == Party::Rep {
                Party::Prospect
            } else {
                Party::Rep
            };
            let interruption = messify(&writer.sentence(v::CROSS_TALK), &mut writer.dice);
            self.push(writer, other, interruption);
            self.push(writer, party, rest.trim_start().to_owned());
            return;
        }
        self.push(writer, party, text);
    }

    fn push(&mut self, writer: &mut Writer, party: Party, text: String) {
        let words = text.split(' ').count() as u64;
        // About 150 words a minute, with some spread per utterance.
        let duration =
            words * 1000 * 10 / writer.dice.between(22, 28) + writer.dice.between(100, 500);
        let start_ms = self.clock;
        let end_ms = start_ms + duration;
        self.clock = end_ms + writer.dice.between(120, 1_400);
        self.utterances.push(Utterance {
            party,
            text,
            start_ms,
            end_ms,
        });
    }

    fn backchannel(&mut self, writer: &mut Writer, party: Party) {
        let text = writer.sentence(v::BACKCHANNELS);
        self.say(writer, party, text);
    }

    fn opening(&mut self, writer: &mut Writer) {
        let greeting = writer.sentence(v::REP_GREETING);
        self.say(writer, Party::Rep, greeting);
        let greeting = writer.sentence(v::PROSPECT_GREETING);
        self.say(writer, Party::Prospect, greeting);
        for _ in 0..writer.dice.between(1, 3) {
            let (question, answers) = writer.dice.pick(v::SMALL_TALK);
            let question = writer.sentence(&[question]);
            self.say(writer, Party::Rep, question);
            let answer = writer.sentence(answers);
            self.say(writer, Party::Prospect, answer);
        }
        let agenda = writer.sentence(v::REP_AGENDA);
        self.say(writer, Party::Rep, agenda);
        self.backchannel(writer, Party::Prospect);
    }

    /// The prospect's own words about their situation: what the stage is judged on.
    fn stage_sentence(&mut self, writer: &mut Writer) -> String {
        // Shares of (problem, solution, product, background, filler) sentences per stage.
        let weights: &[f64] = match self.plan.stage {
            AwarenessLevel::Problem => &[0.72, 0.04, 0.0, 0.12, 0.12],
            AwarenessLevel::Solution => &[0.34, 0.46, 0.03, 0.09, 0.08],
            AwarenessLevel::Product => &[0.22, 0.22, 0.40, 0.08, 0.08],
        };
        let table = match writer.dice.weighted(weights) {
            0 => v::PROSPECT_PROBLEM,
            1 => v::PROSPECT_SOLUTION,
            2 => v::PROSPECT_PRODUCT,
            3 => v::PROSPECT_BACKGROUND,
            _ => v::PROSPECT_ANSWER_FILLER,
        };
        writer.sentence(table)
    }

    /// Outcome-correlated asides: no-shows hedge, closers commit, the others mostly wish.
    fn aside(&mut self, writer: &mut Writer) -> Option<String> {
        let (hedge, desire, commitment) = match self.plan.outcome {
            Outcome::NoShow => (0.22, 0.06, 0.0),
            Outcome::Lost => (0.08, 0.03, 0.0),
            Outcome::Showed => (0.04, 0.10, 0.01),
            Outcome::Closed => (0.02, 0.08, 0.04),
            Outcome::Unknown => (0.05, 0.05, 0.01),
        };
        let roll = writer.dice.unit();
        if roll < hedge {
            Some(writer.sentence(v::HEDGES))
        } else if roll < hedge + desire {
            Some(writer.sentence(v::BUYING_DESIRE))
        } else if roll < hedge + desire + commitment {
            Some(writer.sentence(v::BUYING_COMMITMENT))
        } else {
            None
        }
    }

    fn prospect_answer(&mut self, writer: &mut Writer, sentences: u64) {
        let mut text = String::new();
        for _ in 0..sentences {
            append(&mut text, &self.stage_sentence(writer));
        }
        if let Some(aside) = self.aside(writer) {
            append(&mut text, &aside);
        }
        self.say(writer, Party::Prospect, text);
    }

    fn discovery(&mut self, writer: &mut Writer, until_ms: u64) {
        while self.clock < until_ms {
            let mut question = String::new();
            if writer.dice.chance(0.35) {
                question = writer.sentence(v::REP_ACKNOWLEDGE);
            }
            append(&mut question, &writer.sentence(v::REP_DISCOVERY));
            self.say(writer, Party::Rep, question);
            let length = writer.dice.between(1, 5);
            self.prospect_answer(writer, length);
            if writer.dice.chance(0.3) {
                // A follow-up: the rep digs, the prospect adds a line.
                self.backchannel(writer, Party::Rep);
                self.prospect_answer(writer, 1);
            }
        }
    }

    fn presentation(&mut self, writer: &mut Writer, until_ms: u64) {
        while self.clock < until_ms {
            let count = writer.dice.between(2, 5) as usize;
            let pitch = writer.sentences(v::REP_PITCH, count);
            self.say(writer, Party::Rep, pitch);
            let product_share = if self.plan.stage == AwarenessLevel::Product {
                0.6
            } else {
                0.2
            };
            let reaction = if writer.dice.chance(product_share) {
                writer.sentence(v::PROSPECT_PRODUCT)
            } else if writer.dice.chance(0.5) {
                self.stage_sentence(writer)
            } else {
                writer.sentence(v::BACKCHANNELS)
            };
            self.say(writer, Party::Prospect, reaction);
        }
        let price = writer.sentence(v::REP_PRICE);
        self.say(writer, Party::Rep, price);
    }

    fn objection_table(class: ObjectionClass, negated: bool) -> &'static [&'static str] {
        match (class, negated) {
            (ObjectionClass::Price, false) => v::OBJECTION_PRICE,
            (ObjectionClass::Price, true) => v::OBJECTION_PRICE_NEGATED,
            (ObjectionClass::Timing, false) => v::OBJECTION_TIMING,
            (ObjectionClass::Timing, true) => v::OBJECTION_TIMING_NEGATED,
            (ObjectionClass::Trust, false) => v::OBJECTION_TRUST,
            (ObjectionClass::Trust, true) => v::OBJECTION_TRUST_NEGATED,
            (ObjectionClass::Authority, false) => v::OBJECTION_AUTHORITY,
            (ObjectionClass::Authority, true) => v::OBJECTION_AUTHORITY_NEGATED,
            (ObjectionClass::Need, false) => v::OBJECTION_NEED,
            (ObjectionClass::Need, true) => v::OBJECTION_NEED_NEGATED,
            (ObjectionClass::Competitor, false) => v::OBJECTION_COMPETITOR,
            (ObjectionClass::Competitor, true) => v::OBJECTION_COMPETITOR_NEGATED,
        }
    }

    fn objections(&mut self, writer: &mut Writer, until_ms: u64) {
        let plan = self.plan;
        let mut negated = plan.negated.iter();
        // Each raised class comes up once or twice; negated remarks are scattered in between.
        let mut rounds: Vec<ObjectionClass> = plan.raised.clone();
        for class in &plan.raised {
            if writer.dice.chance(0.4) {
                rounds.push(*class);
            }
        }
        for class in rounds {
            let mut text = writer.sentence(Self::objection_table(class, false));
            if writer.dice.chance(0.5) {
                append(&mut text, &self.stage_sentence(writer));
            }
            self.say(writer, Party::Prospect, text);
            let count = writer.dice.between(1, 3) as usize;
            let handle = writer.sentences(v::REP_HANDLE, count);
            self.say(writer, Party::Rep, handle);
            let reply = match plan.outcome {
                Outcome::NoShow | Outcome::Lost => writer.sentence(v::HEDGES),
                _ => self.stage_sentence(writer),
            };
            self.say(writer, Party::Prospect, reply);
            if let Some(class) = negated.next() {
                let remark = writer.sentence(Self::objection_table(*class, true));
                self.say(writer, Party::Prospect, remark);
                self.backchannel(writer, Party::Rep);
            }
        }
        for class in negated {
            let remark = writer.sentence(Self::objection_table(*class, true));
            self.say(writer, Party::Prospect, remark);
        }
        // Whatever time is left before the close: more questions and answers.
        while self.clock < until_ms {
            let question = writer.sentence(v::REP_DISCOVERY);
            self.say(writer, Party::Rep, question);
            let length = writer.dice.between(1, 3);
            self.prospect_answer(writer, length);
        }
    }

    fn close(&mut self, writer: &mut Writer, until_ms: u64) {
        let table = match self.plan.outcome {
            Outcome::Closed => v::CLOSE_CLOSED,
            Outcome::Lost => v::CLOSE_LOST,
            Outcome::Showed => v::CLOSE_SHOWED,
            Outcome::NoShow | Outcome::Unknown => v::CLOSE_NO_SHOW,
        };
        loop {
            let ask = writer.sentence(v::REP_CLOSE);
            self.say(writer, Party::Rep, ask);
            let mut answer = writer.sentence(table);
            if self.plan.outcome == Outcome::Closed && writer.dice.chance(0.6) {
                append(&mut answer, &writer.sentence(v::BUYING_COMMITMENT));
            }
            if let Some(aside) = self.aside(writer) {
                append(&mut answer, &aside);
            }
            self.say(writer, Party::Prospect, answer);
            if self.clock >= until_ms {
                break;
            }
            // Logistics and last questions fill the remaining minutes.
            let question = writer.sentence(v::PROSPECT_PRODUCT);
            self.say(writer, Party::Prospect, question);
            let count = writer.dice.between(1, 3) as usize;
            let reply = writer.sentences(v::REP_PITCH, count);
            self.say(writer, Party::Rep, reply);
        }
        let wrap = writer.sentences(v::REP_WRAP, 2);
        self.say(writer, Party::Rep, wrap);
        let goodbye = writer.sentence(&[
            "(Thanks|Thank you) {rep}, (talk soon|bye|have a good one).",
            "(Sounds good|Perfect), (thanks|bye).",
        ]);
        self.say(writer, Party::Prospect, goodbye);
    }
}

const FILLERS: &[&str] = &["um", "uh", "like", "you know", "so", "i mean", "uh"];

/// Speech-to-text style: lowercase, no punctuation, fillers, stutters, the odd `[inaudible]`.
pub(crate) fn messify(text: &str, dice: &mut Dice) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    let mut sentence_start = true;
    for word in text.split(' ') {
        if word.is_empty() {
            continue;
        }
        let filler_chance = if sentence_start { 0.3 } else { 0.02 };
        if dice.chance(filler_chance) {
            push_word(&mut out, dice.pick(FILLERS));
        }
        if dice.chance(0.008) {
            push_word(&mut out, "[inaudible]");
            sentence_start = false;
            continue;
        }
        let ends_sentence = word.ends_with(['.', '?', '!']);
        let bare: String = word
            .chars()
            .filter(|character| !matches!(character, '.' | ',' | '?' | '!'))
            .flat_map(char::to_lowercase)
            .collect();
        if bare.is_empty() {
            continue;
        }
        if dice.chance(0.025) {
            push_word(&mut out, &bare);
        }
        push_word(&mut out, &bare);
        sentence_start = ends_sentence;
    }
    out
}

fn push_word(out: &mut String, word: &str) {
    if !out.is_empty() {
        out.push(' ');
    }
    out.push_str(word);
}
