//! A seeded, deterministic generator of realistic sales-call transcripts with known labels,
//! for tests and benchmarks.
//!
//! Each generated call has a planned awareness stage, outcome, industry, objections and
//! competitors; the prospect's words follow from those labels (problem-aware prospects talk
//! about symptoms and costs, solution-aware ones compare approaches, product-aware ones ask about
//! price, terms and proof; prospects who later did not show hedge about timing and authority).
//! Calls are rendered in every upload format with its real-world quirks, some in messy
//! speech-to-text style, some in UTF-16 or Windows-1252, with file names that carry metadata.
//!
//! Transcript `i` of a spec depends only on `(seed, i)`, so any subset can be regenerated alone.

mod render;
mod script;
mod template;
mod vocabulary;

use crate::transcript::{AwarenessLevel, Outcome, SourceFormat};
use script::{Plan, Writer};
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;
use template::Dice;
use vocabulary::IndustryVocabulary;

/// The industries the corpus covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Industry {
    Coaching,
    DentalClinic,
    AgencyServices,
    HomeServices,
}

impl Industry {
    pub const ALL: [Industry; 4] = [
        Industry::Coaching,
        Industry::DentalClinic,
        Industry::AgencyServices,
        Industry::HomeServices,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Industry::Coaching => "coaching",
            Industry::DentalClinic => "dental_clinic",
            Industry::AgencyServices => "agency_services",
            Industry::HomeServices => "home_services",
        }
    }

    fn vocabulary(self) -> &'static IndustryVocabulary {
        match self {
            Industry::Coaching => &vocabulary::COACHING,
            Industry::DentalClinic => &vocabulary::DENTAL,
            Industry::AgencyServices => &vocabulary::AGENCY,
            Industry::HomeServices => &vocabulary::HOME_SERVICES,
        }
    }

    /// The seller's brand in this industry's calls (what product-aware prospects name).
    pub fn brand(self) -> &'static str {
        self.vocabulary().brand
    }

    /// The reps' e-mail domain (Fireflies and Gong attendees use it).
    pub fn rep_domain(self) -> &'static str {
        self.vocabulary().rep_domain
    }

    /// The competitors' canonical names: the per-client competitor list for this industry.
    pub fn competitors(self) -> Vec<&'static str> {
        self.vocabulary()
            .competitors
            .iter()
            .map(|(name, _)| *name)
            .collect()
    }

    /// The solution categories prospects in this industry compare.
    pub fn categories(self) -> &'static [&'static str] {
        self.vocabulary().categories
    }
}

/// The objection classes of analysis-methods.md §2.5, as the corpus plants them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ObjectionClass {
    Price,
    Timing,
    Trust,
    Authority,
    /// Need or fit ("we're fine", "we do it in house").
    Need,
    /// A competitor or the status quo.
    Competitor,
}

impl ObjectionClass {
    pub const ALL: [ObjectionClass; 6] = [
        ObjectionClass::Price,
        ObjectionClass::Timing,
        ObjectionClass::Trust,
        ObjectionClass::Authority,
        ObjectionClass::Need,
        ObjectionClass::Competitor,
    ];
}

/// What to generate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CorpusSpec {
    pub seed: u64,
    pub count: usize,
    /// Formats to draw from, uniformly; empty means all.
    pub formats: Vec<SourceFormat>,
    /// Industries to draw from, uniformly; empty means all.
    pub industries: Vec<Industry>,
    /// Call length range in minutes (inclusive).
    pub min_minutes: u32,
    pub max_minutes: u32,
    /// Share of calls written in messy speech-to-text style (0..=1).
    pub messy_share: f64,
    /// Share of files in an unusual encoding (UTF-8 with BOM, UTF-16, Windows-1252) or with
    /// CRLF line ends (0..=1).
    pub odd_encoding_share: f64,
}

impl Default for CorpusSpec {
    fn default() -> Self {
        CorpusSpec {
            seed: 42,
            count: 100,
            formats: Vec::new(),
            industries: Vec::new(),
            min_minutes: 30,
            max_minutes: 60,
            messy_share: 0.4,
            odd_encoding_share: 0.1,
        }
    }
}

/// How a generated file's bytes are encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileEncoding {
    Utf8,
    Utf8Bom,
    Utf8Crlf,
    Utf16LeBom,
    Utf16BeBom,
    Windows1252,
}

/// The truth about a generated call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Labels {
    pub industry: Industry,
    pub stage: AwarenessLevel,
    pub outcome: Outcome,
    pub format: SourceFormat,
    pub encoding: FileEncoding,
    /// Full names of the people.
    pub rep: String,
    pub prospect: String,
    pub prospect_company: String,
    /// The speaker names as the file shows them (e.g. "Speaker 1" in some Otter files);
    /// `None` for unlabeled text.
    pub rep_speaker: Option<String>,
    pub prospect_speaker: Option<String>,
    /// `YYYY-MM-DD`.
    pub date: String,
    pub duration_ms: u64,
    pub messy: bool,
    /// Objection classes the prospect raised (negated remarks such as "price isn't an issue"
    /// are planted too, but are not listed here).
    pub objections: Vec<ObjectionClass>,
    /// Classes the prospect explicitly said were *not* a concern.
    pub negated_objections: Vec<ObjectionClass>,
    /// Canonical names of the competitors mentioned (possibly misspelled in the text).
    pub competitors: Vec<String>,
    /// Whether the file name carries the outcome (if not, only a manifest does).
    pub outcome_in_file_name: bool,
    /// Number of utterances (a turn is one or more consecutive utterances of one speaker).
    pub utterances: usize,
}

/// One generated file.
#[derive(Debug, Clone, PartialEq)]
pub struct GeneratedTranscript {
    pub file_name: String,
    pub bytes: Vec<u8>,
    pub labels: Labels,
}

/// Generates `spec.count` transcripts.
pub fn generate(spec: &CorpusSpec) -> Vec<GeneratedTranscript> {
    (0..spec.count)
        .map(|index| generate_one(spec, index))
        .collect()
}

/// SplitMix64: decorrelates the per-transcript seeds.
fn mix(mut value: u64) -> u64 {
    value = value.wrapping_add(0x9E37_79B9_7F4A_7C15);
    value = (value ^ (value >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    value = (value ^ (value >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    value ^ (value >> 31)
}

/// Generates transcript number `index` of `spec` (the same as `generate(spec)[index]`).
pub fn generate_one(spec: &CorpusSpec, index: usize) -> GeneratedTranscript {
    let mut dice = Dice::new(mix(spec.seed ^ mix(index as u64)));
    let formats: &[SourceFormat] = if spec.formats.is_empty() {
        &SourceFormat::ALL
    } else {
        &spec.formats
    };
    let industries: &[Industry] = if spec.industries.is_empty() {
        &Industry::ALL
    } else {
        &spec.industries
    };
    let format = dice.pick(formats);
    let industry = dice.pick(industries);
    let vocabulary = industry.vocabulary();

    let stage = AwarenessLevel::ALL[dice.weighted(&[0.4, 0.35, 0.25])];
    let outcome_weights: [f64; 4] = match stage {
        AwarenessLevel::Problem => [0.30, 0.35, 0.15, 0.20],
        AwarenessLevel::Solution => [0.30, 0.25, 0.22, 0.23],
        AwarenessLevel::Product => [0.25, 0.15, 0.40, 0.20],
    };
    let outcome = [
        Outcome::Showed,
        Outcome::NoShow,
        Outcome::Closed,
        Outcome::Lost,
    ][dice.weighted(&outcome_weights)];
    let (raised, negated) = plan_objections(&mut dice, outcome);
    let messy = dice.chance(spec.messy_share);
    let minutes = dice.between(
        u64::from(spec.min_minutes.max(1)),
        u64::from(spec.max_minutes.max(spec.min_minutes).max(1)),
    );

    let rep_first = dice.pick(vocabulary::FIRST_NAMES);
    let rep_last = dice.pick(vocabulary::LAST_NAMES);
    let mut prospect_first = dice.pick(vocabulary::FIRST_NAMES);
    while prospect_first == rep_first {
        prospect_first = dice.pick(vocabulary::FIRST_NAMES);
    }
    let prospect_last = dice.pick(vocabulary::LAST_NAMES);
    let colleague_first = dice.pick(vocabulary::FIRST_NAMES);
    let company = dice.pick(vocabulary.companies);
    let rep = format!("{rep_first} {rep_last}");
    let prospect = format!("{prospect_first} {prospect_last}");

    let mut writer = Writer {
        dice,
        vocabulary,
        rep_first: rep_first.to_owned(),
        colleague_first: colleague_first.to_owned(),
        prospect_first: prospect_first.to_owned(),
        company: company.to_owned(),
        city: "",
        authority_person: "",
        preferred_competitor: 0,
        messy,
        competitors_mentioned: Default::default(),
    };
    writer.city = writer.dice.pick(vocabulary::CITIES);
    writer.authority_person = writer.dice.pick(vocabulary::AUTHORITY_PEOPLE);
    writer.preferred_competitor = writer.dice.below(vocabulary.competitors.len());
    let plan = Plan {
        stage,
        outcome,
        raised: raised.clone(),
        negated: negated.clone(),
        target_ms: minutes * 60_000,
        messy,
    };
    let utterances = script::write_call(&mut writer, &plan);
    let mut dice = writer.dice;

    let day = dice.between(19_723, 20_453); // 2024-01-01 ..= 2025-12-31
    let date = civil_date(day);
    let (rep_speaker, prospect_speaker) = match format {
        SourceFormat::Unlabeled => (None, None),
        SourceFormat::Otter if dice.chance(0.3) => {
            if dice.chance(0.5) {
                (Some("Speaker 1".to_owned()), Some("Speaker 2".to_owned()))
            } else {
                (Some("Speaker 2".to_owned()), Some("Speaker 1".to_owned()))
            }
        }
        SourceFormat::SpeakerText if dice.chance(0.4) => {
            (Some(rep_first.to_owned()), Some(prospect_first.to_owned()))
        }
        _ => (Some(rep.clone()), Some(prospect.clone())),
    };
    let rep_email = format!("{}@{}", rep_first.to_lowercase(), vocabulary.rep_domain);
    let prospect_domain: String = company
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_lowercase();
    let prospect_email = format!(
        "{}.{}@{prospect_domain}.com",
        prospect_first.to_lowercase(),
        prospect_last.to_lowercase().replace(['\'', ' '], "")
    );
    let title = format!("{} <> {company}: discovery call", vocabulary.brand);
    let cast = render::Cast {
        rep: rep_speaker.as_deref().unwrap_or(&rep),
        prospect: prospect_speaker.as_deref().unwrap_or(&prospect),
        rep_email: &rep_email,
        prospect_email: &prospect_email,
        title: &title,
        date: &date,
        epoch_ms: day * 86_400_000 + 15 * 3_600_000,
    };
    let text = render::render(format, &utterances, &cast, &mut dice);
    let encoding = if dice.chance(spec.odd_encoding_share) {
        dice.pick(&[
            FileEncoding::Utf8Bom,
            FileEncoding::Utf8Crlf,
            FileEncoding::Utf16LeBom,
            FileEncoding::Utf16BeBom,
            FileEncoding::Windows1252,
        ])
    } else {
        FileEncoding::Utf8
    };
    let bytes = encode(&text, encoding, format, &mut dice);
    let (file_name, outcome_in_file_name) = file_name(
        &mut dice,
        index,
        format,
        &date,
        [&rep, &prospect, company],
        outcome,
    );

    GeneratedTranscript {
        file_name,
        bytes,
        labels: Labels {
            industry,
            stage,
            outcome,
            format,
            encoding,
            rep,
            prospect,
            prospect_company: company.to_owned(),
            rep_speaker,
            prospect_speaker,
            date,
            duration_ms: utterances.last().map_or(0, |last| last.end_ms),
            messy,
            objections: raised,
            negated_objections: negated,
            competitors: writer
                .competitors_mentioned
                .iter()
                .map(|name| (*name).to_owned())
                .collect(),
            outcome_in_file_name,
            utterances: utterances.len(),
        },
    }
}

/// Which objection classes a prospect raises, and which they explicitly wave away, by outcome:
/// lost calls carry price, need and competitor objections; no-shows timing and authority.
fn plan_objections(
    dice: &mut Dice,
    outcome: Outcome,
) -> (Vec<ObjectionClass>, Vec<ObjectionClass>) {
    // Probability of raising price, timing, trust, authority, need, competitor.
    let weights: [f64; 6] = match outcome {
        Outcome::Closed => [0.25, 0.08, 0.35, 0.08, 0.05, 0.2],
        Outcome::Lost => [0.7, 0.2, 0.35, 0.15, 0.5, 0.5],
        Outcome::Showed => [0.3, 0.2, 0.3, 0.2, 0.15, 0.2],
        Outcome::NoShow | Outcome::Unknown => [0.2, 0.75, 0.2, 0.65, 0.15, 0.15],
    };
    let negation_rate = if outcome == Outcome::Closed {
        0.35
    } else {
        0.15
    };
    let mut raised = Vec::new();
    let mut negated = Vec::new();
    for (class, weight) in ObjectionClass::ALL.iter().zip(weights) {
        if dice.chance(weight) {
            raised.push(*class);
        } else if dice.chance(negation_rate) {
            negated.push(*class);
        }
    }
    if raised.is_empty() {
        let class = ObjectionClass::ALL[dice.weighted(&weights)];
        negated.retain(|negated_class| *negated_class != class);
        raised.push(class);
    }
    (raised, negated)
}

fn extension(format: SourceFormat) -> &'static str {
    match format {
        SourceFormat::Webvtt => "vtt",
        SourceFormat::Srt => "srt",
        SourceFormat::GongJson | SourceFormat::FirefliesJson => "json",
        SourceFormat::SpeakerText | SourceFormat::Otter | SourceFormat::Unlabeled => "txt",
    }
}

fn outcome_words(dice: &mut Dice, outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Showed => dice.pick(&["showed", "show", "attended", "showed up"]),
        Outcome::NoShow => dice.pick(&["no show", "no-show", "noshow", "didn't show", "no_show"]),
        Outcome::Closed => dice.pick(&["closed", "closed won", "won", "sold"]),
        Outcome::Lost => dice.pick(&["lost", "closed lost", "not interested"]),
        Outcome::Unknown => "",
    }
}

fn file_name(
    dice: &mut Dice,
    index: usize,
    format: SourceFormat,
    date: &str,
    [rep, prospect, company]: [&str; 3],
    outcome: Outcome,
) -> (String, bool) {
    let extension = extension(format);
    let words = outcome_words(dice, outcome);
    match dice.below(5) {
        0 => (
            format!("{date} {prospect} - {words} ({index}).{extension}"),
            true,
        ),
        1 => {
            let snake = words.replace('\'', "").replace([' ', '-'], "_");
            (
                format!(
                    "call_{}_{snake}_{index}.{extension}",
                    date.replace('-', "_")
                ),
                true,
            )
        }
        2 => (
            format!("{rep} <> {company} - {words} {index}.{extension}"),
            true,
        ),
        3 => (
            format!("{company} discovery call {date} #{index}.{extension}"),
            false,
        ),
        _ => (format!("recording_{index:05}.{extension}"), false),
    }
}

/// Encodes the rendered text as the file's bytes.
fn encode(text: &str, encoding: FileEncoding, format: SourceFormat, dice: &mut Dice) -> Vec<u8> {
    let json = matches!(format, SourceFormat::GongJson | SourceFormat::FirefliesJson);
    match encoding {
        FileEncoding::Utf8 => text.as_bytes().to_vec(),
        FileEncoding::Utf8Bom => [&[0xEF, 0xBB, 0xBF][..], text.as_bytes()].concat(),
        FileEncoding::Utf8Crlf => text.replace('\n', "\r\n").into_bytes(),
        FileEncoding::Utf16LeBom => {
            let mut bytes = vec![0xFF, 0xFE];
            bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
            bytes
        }
        FileEncoding::Utf16BeBom => {
            let mut bytes = vec![0xFE, 0xFF];
            bytes.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
            bytes
        }
        FileEncoding::Windows1252 => {
            // Word processors turn apostrophes into curly quotes; 1252 stores them as 0x92.
            let curly = if json {
                text.to_owned()
            } else {
                curl_apostrophes(text, dice)
            };
            let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&curly);
            bytes.into_owned()
        }
    }
}

fn curl_apostrophes(text: &str, dice: &mut Dice) -> String {
    let curly = dice.chance(0.7);
    let mut out = String::with_capacity(text.len() + 64);
    for character in text.chars() {
        if character == '\'' && curly {
            out.push('\u{2019}');
        } else {
            out.push(character);
        }
    }
    if !curly {
        out.push_str("\nNotes: caf\u{e9} meeting \u{2013} follow up\n");
    }
    out
}

/// `YYYY-MM-DD` for a count of days since 1970-01-01.
fn civil_date(days: u64) -> String {
    crate::ingest::date_from_epoch_days(days as i64).unwrap_or_default()
}

/// A manifest CSV (`file,outcome,date,rep,prospect`) for generated files, the way an agency
/// would export it from its CRM.
pub fn manifest_csv(transcripts: &[GeneratedTranscript]) -> String {
    let mut out = String::from("file,outcome,date,rep,prospect\n");
    for transcript in transcripts {
        let labels = &transcript.labels;
        let outcome = match labels.outcome {
            Outcome::Showed => "showed",
            Outcome::NoShow => "no_show",
            Outcome::Closed => "closed",
            Outcome::Lost => "lost",
            Outcome::Unknown => "",
        };
        let _ = writeln!(
            out,
            "{},{outcome},{},{},{}",
            csv_field(&transcript.file_name),
            labels.date,
            csv_field(&labels.rep),
            csv_field(&labels.prospect)
        );
    }
    out
}

fn csv_field(value: &str) -> String {
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates_are_right() {
        assert_eq!(civil_date(19_723), "2024-01-01");
        assert_eq!(civil_date(20_453), "2025-12-31");
        assert_eq!(civil_date(19_782), "2024-02-29");
    }

    #[test]
    fn generation_is_deterministic_and_indexable() {
        let spec = CorpusSpec {
            count: 6,
            min_minutes: 5,
            max_minutes: 8,
            ..CorpusSpec::default()
        };
        let first = generate(&spec);
        let second = generate(&spec);
        assert_eq!(first, second);
        assert_eq!(generate_one(&spec, 4), first[4]);
        let other = generate(&CorpusSpec {
            seed: 43,
            ..spec.clone()
        });
        assert_ne!(first[0].bytes, other[0].bytes);
    }

    #[test]
    fn calls_have_the_planned_length_and_size() {
        let spec = CorpusSpec {
            count: 8,
            formats: vec![SourceFormat::SpeakerText],
            ..CorpusSpec::default()
        };
        for transcript in generate(&spec) {
            let minutes = transcript.labels.duration_ms / 60_000;
            assert!((30..=62).contains(&minutes), "{minutes} minutes");
            assert!(
                transcript.labels.utterances >= 150,
                "{} utterances",
                transcript.labels.utterances
            );
            let kilobytes = transcript.bytes.len() / 1024;
            assert!((15..=90).contains(&kilobytes), "{kilobytes} KB");
        }
    }

    #[test]
    fn sentences_vary() {
        // Natural n-gram statistics need many distinct sentences, not a few repeated ones.
        let spec = CorpusSpec {
            count: 3,
            formats: vec![SourceFormat::Unlabeled],
            messy_share: 0.0,
            odd_encoding_share: 0.0,
            ..CorpusSpec::default()
        };
        let mut lines = std::collections::BTreeSet::new();
        let mut total = 0;
        for transcript in generate(&spec) {
            for line in String::from_utf8(transcript.bytes)
                .unwrap_or_default()
                .lines()
                .filter(|line| !line.is_empty())
            {
                lines.insert(line.to_owned());
                total += 1;
            }
        }
        assert!(total > 300);
        assert!(
            lines.len() * 10 > total * 7,
            "{} distinct of {total}",
            lines.len()
        );
    }

    #[test]
    fn outcome_shapes_the_language() {
        let spec = CorpusSpec {
            count: 200,
            min_minutes: 10,
            max_minutes: 12,
            formats: vec![SourceFormat::Unlabeled],
            messy_share: 0.0,
            odd_encoding_share: 0.0,
            ..CorpusSpec::default()
        };
        let mut hedging = [0usize; 2];
        let mut calls = [0usize; 2];
        for transcript in generate(&spec) {
            let text = String::from_utf8(transcript.bytes).unwrap_or_default();
            let slot = match transcript.labels.outcome {
                Outcome::NoShow => 0,
                Outcome::Closed => 1,
                _ => continue,
            };
            calls[slot] += 1;
            if text.contains("run it by")
                || text.contains("check my calendar")
                || text.contains("look at my calendar")
            {
                hedging[slot] += 1;
            }
        }
        assert!(calls[0] > 10 && calls[1] > 10);
        let no_show_rate = hedging[0] as f64 / calls[0] as f64;
        let closed_rate = hedging[1] as f64 / calls[1] as f64;
        assert!(
            no_show_rate > closed_rate + 0.3,
            "no-show {no_show_rate:.2} vs closed {closed_rate:.2}"
        );
    }

    #[test]
    fn manifest_quotes_awkward_names() {
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        let spec = CorpusSpec {
            count: 2,
            min_minutes: 1,
            max_minutes: 1,
            ..CorpusSpec::default()
        };
        let manifest = manifest_csv(&generate(&spec));
        assert!(manifest.starts_with("file,outcome,date,rep,prospect\n"));
        assert_eq!(manifest.lines().count(), 3);
    }
}
