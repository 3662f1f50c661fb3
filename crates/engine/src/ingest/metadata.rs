//! Call metadata from headers and file names: dates, outcomes (with generous synonyms), rep and
//! prospect names.

use super::turns::plausible_name;
use crate::transcript::{Outcome, TranscriptMetadata};

/// Normalises text for phrase matching: lowercase words separated by single spaces
/// (`_ - . , ( ) #` and the like are separators; apostrophes are dropped: "didn't" → "didnt").
fn words(text: &str) -> Vec<String> {
    let mut cleaned = String::with_capacity(text.len());
    for character in text.chars() {
        if character.is_alphanumeric() {
            cleaned.extend(character.to_lowercase());
        } else if !matches!(character, '\'' | '\u{2019}') {
            cleaned.push(' ');
        }
    }
    cleaned.split_whitespace().map(str::to_owned).collect()
}

/// Outcome phrases, longest first within each outcome; matched on whole words.
const OUTCOME_PHRASES: &[(&str, Outcome)] = &[
    ("closed lost", Outcome::Lost),
    ("closed won", Outcome::Closed),
    ("did not show up", Outcome::NoShow),
    ("didnt show up", Outcome::NoShow),
    ("did not show", Outcome::NoShow),
    ("didnt show", Outcome::NoShow),
    ("didn t show", Outcome::NoShow),
    ("did not attend", Outcome::NoShow),
    ("didnt attend", Outcome::NoShow),
    ("no show", Outcome::NoShow),
    ("no shows", Outcome::NoShow),
    ("no showed", Outcome::NoShow),
    ("not interested", Outcome::Lost),
    ("no sale", Outcome::Lost),
    ("no deal", Outcome::Lost),
    ("didnt buy", Outcome::Lost),
    ("did not buy", Outcome::Lost),
    ("showed up", Outcome::Showed),
    ("show up", Outcome::Showed),
    ("noshow", Outcome::NoShow),
    ("noshowed", Outcome::NoShow),
    ("ghosted", Outcome::NoShow),
    ("nshow", Outcome::NoShow),
    ("lost", Outcome::Lost),
    ("declined", Outcome::Lost),
    ("won", Outcome::Closed),
    ("sold", Outcome::Closed),
    ("signed", Outcome::Closed),
    ("closed", Outcome::Closed),
    ("close", Outcome::Closed),
    ("purchased", Outcome::Closed),
    ("showed", Outcome::Showed),
    ("show", Outcome::Showed),
    ("attended", Outcome::Showed),
    ("held", Outcome::Showed),
];

/// The outcome named anywhere in `text` ("2025-03-04 Dana - no-show", "closed_won"), or
/// Unknown. When several are named, the most final wins: closed, lost, no-show, showed.
pub(crate) fn find_outcome(text: &str) -> Outcome {
    let words = words(text);
    let mut found = Vec::new();
    let mut index = 0;
    'scan: while index < words.len() {
        for (phrase, outcome) in OUTCOME_PHRASES {
            let length = phrase.split(' ').count();
            if words.len() - index >= length
                && phrase
                    .split(' ')
                    .zip(&words[index..])
                    .all(|(expected, word)| expected == word)
            {
                found.push(*outcome);
                index += length;
                continue 'scan;
            }
        }
        index += 1;
    }
    [
        Outcome::Closed,
        Outcome::Lost,
        Outcome::NoShow,
        Outcome::Showed,
    ]
    .into_iter()
    .find(|outcome| found.contains(outcome))
    .unwrap_or(Outcome::Unknown)
}

/// An outcome cell of a manifest: the whole value must be an outcome (or "unknown").
pub(crate) fn exact_outcome(text: &str) -> Option<Outcome> {
    let joined = words(text).join(" ");
    if joined == "unknown" || joined.is_empty() {
        return Some(Outcome::Unknown);
    }
    OUTCOME_PHRASES
        .iter()
        .find(|(phrase, _)| *phrase == joined)
        .map(|(_, outcome)| *outcome)
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        _ => 0,
    }
}

fn iso(year: u32, month: u32, day: u32) -> Option<String> {
    ((1990..=2100).contains(&year) && day >= 1 && day <= days_in_month(year, month))
        .then(|| format!("{year:04}-{month:02}-{day:02}"))
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

fn month_number(word: &str) -> Option<u32> {
    let lower = word.to_ascii_lowercase();
    if lower.len() < 3 {
        return None;
    }
    let full = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    MONTHS
        .iter()
        .zip(full)
        .position(|(short, long)| {
            lower == *short || lower == long || (lower == "sept" && *short == "sep")
        })
        .map(|index| index as u32 + 1)
}

/// The first calendar date in `text`: `2025-03-04`, `2025_03_04`, `2025.03.04`, `2025/03/04`,
/// `20250304`, US `3/4/2025` or `03-04-2025`, `March 4, 2025`, `4 Mar 2025`. As `YYYY-MM-DD`.
pub(crate) fn find_date(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    // Digit runs and what separates them.
    let mut runs: Vec<(usize, usize)> = Vec::new();
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index].is_ascii_digit() {
            let start = index;
            while index < bytes.len() && bytes[index].is_ascii_digit() {
                index += 1;
            }
            runs.push((start, index));
        } else {
            index += 1;
        }
    }
    let number = |run: (usize, usize)| text[run.0..run.1].parse::<u32>().unwrap_or(u32::MAX);
    let separator = |left: (usize, usize), right: (usize, usize)| -> Option<u8> {
        (right.0 == left.1 + 1 && matches!(bytes[left.1], b'-' | b'_' | b'.' | b'/'))
            .then(|| bytes[left.1])
    };
    for (position, run) in runs.iter().enumerate() {
        let length = run.1 - run.0;
        if length == 8 && (run.0 == 0 || !bytes[run.0 - 1].is_ascii_alphanumeric()) {
            let value = number(*run);
            if let Some(date) = iso(value / 10_000, value / 100 % 100, value % 100) {
                return Some(date);
            }
        }
        let (Some(second), Some(third)) = (runs.get(position + 1), runs.get(position + 2)) else {
            continue;
        };
        let (Some(first_separator), Some(second_separator)) =
            (separator(*run, *second), separator(*second, *third))
        else {
            continue;
        };
        if first_separator != second_separator {
            continue;
        }
        let (a, b, c) = (number(*run), number(*second), number(*third));
        let lengths = (length, second.1 - second.0, third.1 - third.0);
        let date = match lengths {
            (4, 1..=2, 1..=2) => iso(a, b, c),
            (1..=2, 1..=2, 4) => iso(c, a, b).or_else(|| iso(c, b, a)),
            _ => None,
        };
        if date.is_some() {
            return date;
        }
    }
    month_name_date(text)
}

/// `March 4, 2025`, `Mar 4th 2025`, `4 March 2025`.
fn month_name_date(text: &str) -> Option<String> {
    let tokens: Vec<&str> = text
        .split(|character: char| !character.is_alphanumeric())
        .filter(|token| !token.is_empty())
        .collect();
    let day_of = |token: &str| -> Option<u32> {
        let digits = token.trim_end_matches(|character: char| character.is_ascii_alphabetic());
        (digits.len() <= 2).then(|| digits.parse().ok()).flatten()
    };
    for window in tokens.windows(3) {
        let year = |token: &str| {
            (token.len() == 4)
                .then(|| token.parse::<u32>().ok())
                .flatten()
        };
        if let (Some(month), Some(day), Some(year)) =
            (month_number(window[0]), day_of(window[1]), year(window[2]))
            && let Some(date) = iso(year, month, day)
        {
            return Some(date);
        }
        if let (Some(day), Some(month), Some(year)) =
            (day_of(window[0]), month_number(window[1]), year(window[2]))
            && let Some(date) = iso(year, month, day)
        {
            return Some(date);
        }
    }
    None
}

/// A date cell of a manifest: the whole value must be one date.
pub(crate) fn exact_date(text: &str) -> Option<String> {
    let text = text.trim();
    find_date(text).filter(|_| text.len() <= 20)
}

/// `YYYY-MM-DD` for a count of days since 1970-01-01 (Howard Hinnant's civil_from_days), for
/// dates between 1990 and 2100.
pub(crate) fn date_from_epoch_days(days: i64) -> Option<String> {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    iso(u32::try_from(year).ok()?, month as u32, day as u32)
}

/// Duration text: `45 min`, `1h 5m`, `00:45:12`, `52:10`, `3600 s`.
fn parse_duration(text: &str) -> Option<u64> {
    if let Some(millis) = super::turns::parse_clock(text) {
        return Some(millis);
    }
    let lower = text.to_ascii_lowercase();
    let mut total = 0u64;
    let mut found = false;
    let mut number = String::new();
    let tokens = lower
        .split(|character: char| character.is_whitespace())
        .flat_map(|token| {
            // "1h" → "1", "h"
            let split = token
                .find(|character: char| !character.is_ascii_digit())
                .unwrap_or(token.len());
            [&token[..split], &token[split..]]
        });
    for token in tokens {
        if token.is_empty() {
            continue;
        }
        if token.bytes().all(|byte| byte.is_ascii_digit()) {
            number = token.to_owned();
            continue;
        }
        let value: u64 = number.parse().ok().filter(|value| *value < 100_000)?;
        let unit = if token.starts_with('h') {
            3_600_000
        } else if token.starts_with("mi") || token == "m" {
            60_000
        } else if token.starts_with('s') {
            1_000
        } else {
            continue;
        };
        total += value * unit;
        found = true;
        number.clear();
    }
    found.then_some(total)
}

/// Header keys of "Speaker: text" files that are metadata, not speakers.
pub(crate) fn is_header_key(name: &str) -> bool {
    header_field(name).is_some()
}

#[derive(Clone, Copy)]
enum Field {
    Date,
    Rep,
    Prospect,
    Outcome,
    Duration,
    Other,
}

fn header_field(name: &str) -> Option<Field> {
    let lower = name.trim().to_ascii_lowercase();
    Some(match lower.as_str() {
        "date" | "call date" | "meeting date" | "recorded" | "recorded on" | "when" => Field::Date,
        "rep" | "sales rep" | "closer" | "setter" | "host" | "account executive" | "ae"
        | "salesperson" => Field::Rep,
        "prospect" | "lead" | "client" | "customer" | "guest" | "contact" => Field::Prospect,
        "outcome" | "result" | "status" | "disposition" => Field::Outcome,
        "duration" | "length" => Field::Duration,
        "title" | "meeting" | "subject" | "participants" | "attendees" | "location" | "time"
        | "call" | "company" | "topic" => Field::Other,
        _ => return None,
    })
}

/// Metadata read from header lines at the top of a text transcript.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct HeaderFields {
    pub(crate) date: Option<String>,
    pub(crate) rep: Option<String>,
    pub(crate) prospect: Option<String>,
    pub(crate) outcome: Outcome,
    pub(crate) duration_ms: Option<u64>,
}

impl HeaderFields {
    pub(crate) fn add(&mut self, key: &str, value: &str) {
        let value = value.trim();
        match header_field(key) {
            Some(Field::Date) => self.date = self.date.take().or_else(|| find_date(value)),
            Some(Field::Rep) if !value.is_empty() => self.rep = Some(value.to_owned()),
            Some(Field::Prospect) if !value.is_empty() => self.prospect = Some(value.to_owned()),
            Some(Field::Outcome) => self.outcome = find_outcome(value),
            Some(Field::Duration) => self.duration_ms = parse_duration(value),
            _ => {
                // A title like "Discovery call - March 4, 2025" still dates the call.
                if self.date.is_none() {
                    self.date = find_date(value);
                }
            }
        }
    }

    pub(crate) fn into_metadata(self) -> TranscriptMetadata {
        TranscriptMetadata {
            date: self.date,
            rep: self.rep,
            prospect: self.prospect,
            outcome: self.outcome,
            duration_ms: self.duration_ms,
        }
    }
}

/// The file's name without folders and extension.
pub(crate) fn base_name(file_name: &str) -> &str {
    let name = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    match name.rfind('.') {
        Some(dot)
            if dot > 0
                && name.len() - dot <= 6
                && name[dot + 1..]
                    .bytes()
                    .all(|byte| byte.is_ascii_alphanumeric()) =>
        {
            &name[..dot]
        }
        _ => name,
    }
}

/// A person or company name from part of a file name: no dates, counters or outcome words.
fn name_part(part: &str) -> Option<String> {
    let kept: Vec<&str> = part
        .split(|character: char| character.is_whitespace() || character == '_')
        .filter(|word| {
            !word.is_empty() && !word.chars().any(|character| character.is_ascii_digit())
        })
        .filter(|word| !word.starts_with(['(', '#', '[']))
        .collect();
    let name = kept.join(" ");
    let name =
        name.trim_matches(|character: char| !character.is_alphanumeric() && character != '.');
    let first = name.chars().next()?;
    (first.is_uppercase()
        && plausible_name(name)
        && find_outcome(name) == Outcome::Unknown
        && kept.len() <= 5)
        .then(|| name.to_owned())
}

/// Metadata in a file name: "2025-03-04 Dana Reyes - no show.vtt" (a prospect and an outcome),
/// "call_2025_03_04_closed_won.txt", "Dana Reyes <> Acme - showed.srt" (rep <> prospect).
pub(crate) fn from_file_name(file_name: &str) -> TranscriptMetadata {
    let base = base_name(file_name);
    let mut metadata = TranscriptMetadata {
        date: find_date(base),
        outcome: find_outcome(base),
        ..TranscriptMetadata::default()
    };
    if let Some((left, right)) = base.split_once("<>") {
        metadata.rep = name_part(left);
        metadata.prospect = name_part(right.split(" - ").next().unwrap_or(right));
    } else if let Some((left, _)) = base.split_once(" - ") {
        metadata.prospect = name_part(left);
    }
    metadata
}

/// Overlays `higher` on `lower`: every field `higher` knows wins.
pub(crate) fn overlay(lower: &mut TranscriptMetadata, higher: TranscriptMetadata) {
    if higher.date.is_some() {
        lower.date = higher.date;
    }
    if higher.rep.is_some() {
        lower.rep = higher.rep;
    }
    if higher.prospect.is_some() {
        lower.prospect = higher.prospect;
    }
    if higher.outcome != Outcome::Unknown {
        lower.outcome = higher.outcome;
    }
    if higher.duration_ms.is_some() {
        lower.duration_ms = higher.duration_ms;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_from_any_wording() {
        let cases = [
            ("2025-03-04 Dana Reyes - no show", Outcome::NoShow),
            ("call_2025_03_04_closed_won", Outcome::Closed),
            ("Dana Reyes <> Acme - showed", Outcome::Showed),
            ("marcus-noshow", Outcome::NoShow),
            ("Marcus didn't show", Outcome::NoShow),
            ("Marcus didn\u{2019}t show up", Outcome::NoShow),
            ("NO-SHOW marcus", Outcome::NoShow),
            ("no_show", Outcome::NoShow),
            ("closed lost - price", Outcome::Lost),
            ("closed-lost", Outcome::Lost),
            ("WON", Outcome::Closed),
            ("showed up, then closed", Outcome::Closed),
            ("not interested", Outcome::Lost),
            ("discovery call", Outcome::Unknown),
            ("showcase review", Outcome::Unknown),
            ("", Outcome::Unknown),
        ];
        for (text, expected) in cases {
            assert_eq!(find_outcome(text), expected, "{text}");
        }
        assert_eq!(exact_outcome("No-Show"), Some(Outcome::NoShow));
        assert_eq!(exact_outcome("maybe"), None);
        assert_eq!(exact_outcome(""), Some(Outcome::Unknown));
    }

    #[test]
    fn dates_in_many_forms() {
        let cases = [
            ("2025-03-04 Dana", Some("2025-03-04")),
            ("call_2025_03_04_closed", Some("2025-03-04")),
            ("rec 20250304 x", Some("2025-03-04")),
            ("2025.3.4", Some("2025-03-04")),
            ("3/4/2025", Some("2025-03-04")),
            ("31/12/2025", Some("2025-12-31")),
            ("March 4, 2025", Some("2025-03-04")),
            ("4th Mar 2025", Some("2025-03-04")),
            ("2025-02-30", None),
            ("2025-03/04", None),
            ("call 12", None),
            ("99999999", None),
        ];
        for (text, expected) in cases {
            assert_eq!(find_date(text).as_deref(), expected, "{text}");
        }
        assert_eq!(date_from_epoch_days(20_151).as_deref(), Some("2025-03-04"));
    }

    #[test]
    fn file_names_carry_metadata() {
        let metadata = from_file_name("uploads/2025-03-04 Dana Reyes - no show.vtt");
        assert_eq!(metadata.date.as_deref(), Some("2025-03-04"));
        assert_eq!(metadata.prospect.as_deref(), Some("Dana Reyes"));
        assert_eq!(metadata.outcome, Outcome::NoShow);
        let metadata = from_file_name("Dana Reyes <> Acme - showed.srt");
        assert_eq!(
            (metadata.rep.as_deref(), metadata.prospect.as_deref()),
            (Some("Dana Reyes"), Some("Acme"))
        );
        assert_eq!(metadata.outcome, Outcome::Showed);
        let metadata = from_file_name("call_2025_03_04_closed_won.txt");
        assert_eq!(
            (metadata.date.as_deref(), metadata.outcome, metadata.rep),
            (Some("2025-03-04"), Outcome::Closed, None)
        );
        assert_eq!(
            from_file_name("recording_00012.json"),
            TranscriptMetadata::default()
        );
    }

    #[test]
    fn durations_and_headers() {
        assert_eq!(parse_duration("45 min"), Some(2_700_000));
        assert_eq!(parse_duration("1h 5m"), Some(3_900_000));
        assert_eq!(parse_duration("00:45:12"), Some(2_712_000));
        assert_eq!(parse_duration("soon"), None);
        let mut header = HeaderFields::default();
        header.add("Title", "Discovery call - March 4, 2025");
        header.add("Rep", "Dana Reyes");
        header.add("Outcome", "closed won");
        assert_eq!(header.date.as_deref(), Some("2025-03-04"));
        assert_eq!(header.rep.as_deref(), Some("Dana Reyes"));
        assert_eq!(header.outcome, Outcome::Closed);
    }
}
