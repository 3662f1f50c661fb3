//! Clients: the dashboard's summary rows, the full profile row, and the onboarding form with
//! the same rules as the `clients` CHECK constraints.

use super::{format, text};
use serde::Deserialize;
use serde_json::{Map, Value, json};

/// Where a client is in the workflow (`clients.status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum ClientStatus {
    Onboarding,
    Analyzing,
    Ready,
    Live,
}

impl ClientStatus {
    pub(crate) const ALL: [ClientStatus; 4] = [
        ClientStatus::Onboarding,
        ClientStatus::Analyzing,
        ClientStatus::Ready,
        ClientStatus::Live,
    ];

    pub(crate) fn label(self) -> &'static str {
        match self {
            ClientStatus::Onboarding => "Onboarding",
            ClientStatus::Analyzing => "Analyzing",
            ClientStatus::Ready => "Ready",
            ClientStatus::Live => "Live",
        }
    }

    /// What the status means and what comes next.
    pub(crate) fn explanation(self) -> &'static str {
        match self {
            ClientStatus::Onboarding => "Profile set up; upload transcripts next.",
            ClientStatus::Analyzing => "An analysis is running.",
            ClientStatus::Ready => "Analysis done; content can be reviewed.",
            ClientStatus::Live => "Content is live and bookings are tracked.",
        }
    }

    /// The CSS modifier of its badge.
    pub(crate) fn css(self) -> &'static str {
        match self {
            ClientStatus::Onboarding => "badge--neutral",
            ClientStatus::Analyzing => "badge--info",
            ClientStatus::Ready => "badge--warning",
            ClientStatus::Live => "badge--success",
        }
    }

    /// Analyzing, ready or live: past onboarding.
    pub(crate) fn is_active(self) -> bool {
        self != ClientStatus::Onboarding
    }
}

/// One row of `client_summaries`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub(crate) struct ClientSummary {
    pub(crate) id: String,
    pub(crate) name: String,
    #[serde(default)]
    pub(crate) industry: Option<String>,
    pub(crate) status: ClientStatus,
    /// The show rate before (from onboarding), 0..1.
    #[serde(default)]
    pub(crate) current_show_rate: Option<f64>,
    #[serde(default)]
    pub(crate) target_show_rate: Option<f64>,
    pub(crate) last_activity_at: String,
    #[serde(default)]
    pub(crate) transcripts_count: i64,
    #[serde(default)]
    pub(crate) bookings_showed: i64,
    #[serde(default)]
    pub(crate) bookings_no_show: i64,
    /// The show rate measured from tracked bookings (after), 0..1.
    #[serde(default)]
    pub(crate) measured_show_rate: Option<f64>,
}

impl ClientSummary {
    pub(crate) fn bookings(&self) -> i64 {
        self.bookings_showed + self.bookings_no_show
    }

    /// After − before, when both are known.
    pub(crate) fn improvement(&self) -> Option<f64> {
        Some(self.measured_show_rate? - self.current_show_rate?)
    }
}

/// Who books the sales call (`clients.who_books`).
pub(crate) const WHO_BOOKS: [(&str, &str); 5] = [
    ("prospect", "The prospect, through a booking link"),
    ("setter", "A setter"),
    ("closer", "The closer"),
    ("assistant", "An assistant or front desk"),
    ("other", "Someone else"),
];

pub(crate) fn who_books_label(value: &str) -> &str {
    WHO_BOOKS
        .iter()
        .find(|(key, _)| *key == value)
        .map_or(value, |(_, label)| label)
}

/// Currencies offered in the form (any ISO code the database holds is kept).
pub(crate) const CURRENCIES: [(&str, &str); 5] = [
    ("usd", "US dollar ($)"),
    ("eur", "Euro (€)"),
    ("gbp", "Pound sterling (£)"),
    ("cad", "Canadian dollar (CAD)"),
    ("aud", "Australian dollar (AUD)"),
];

/// A full `clients` row.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub(crate) struct Client {
    pub(crate) id: String,
    pub(crate) agency_id: String,
    pub(crate) name: String,
    pub(crate) status: ClientStatus,
    #[serde(default)]
    pub(crate) industry: Option<String>,
    #[serde(default)]
    pub(crate) offer: Option<String>,
    #[serde(default)]
    pub(crate) price_min_cents: Option<i64>,
    #[serde(default)]
    pub(crate) price_max_cents: Option<i64>,
    pub(crate) currency: String,
    #[serde(default)]
    pub(crate) current_show_rate: Option<f64>,
    #[serde(default)]
    pub(crate) target_show_rate: Option<f64>,
    #[serde(default)]
    pub(crate) who_books: Option<String>,
    #[serde(default)]
    pub(crate) booking_lead_time_hours: Option<i64>,
    #[serde(default)]
    pub(crate) current_reminders: Option<String>,
    #[serde(default)]
    pub(crate) competitors: Vec<String>,
    #[serde(default)]
    pub(crate) banned_words: Vec<String>,
    #[serde(default)]
    pub(crate) notes: Option<String>,
    pub(crate) last_activity_at: String,
    pub(crate) created_at: String,
}

impl Client {
    pub(crate) fn price_range(&self) -> Option<String> {
        format::money_range(self.price_min_cents, self.price_max_cents, &self.currency)
    }

    /// "4 days", "36 hours".
    pub(crate) fn booking_lead_time(&self) -> Option<String> {
        self.booking_lead_time_hours.map(lead_time)
    }
}

/// Hours as whole days when they are, else hours.
pub(crate) fn lead_time(hours: i64) -> String {
    if hours >= 24 && hours % 24 == 0 {
        format::count(hours / 24, "day", "days")
    } else {
        format::count(hours, "hour", "hours")
    }
}

/// The form's fields, each with its error slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Field {
    Name,
    Industry,
    Offer,
    PriceMin,
    PriceMax,
    CurrentShowRate,
    TargetShowRate,
    WhoBooks,
    BookingLeadTime,
    CurrentReminders,
    Competitors,
    BannedWords,
    Notes,
}

/// How the lead time is entered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum LeadUnit {
    Hours,
    #[default]
    Days,
}

/// The onboarding profile and questionnaire as typed (all text, as in the inputs).
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct ProfileForm {
    pub(crate) name: String,
    pub(crate) industry: String,
    pub(crate) offer: String,
    /// Whole currency units ("3,500").
    pub(crate) price_min: String,
    pub(crate) price_max: String,
    pub(crate) currency: String,
    /// Percent ("58" or "58.5%").
    pub(crate) current_show_rate: String,
    pub(crate) target_show_rate: String,
    pub(crate) who_books: String,
    pub(crate) booking_lead_time: String,
    pub(crate) booking_lead_unit: LeadUnit,
    pub(crate) current_reminders: String,
    /// One per line.
    pub(crate) competitors: String,
    pub(crate) banned_words: String,
    pub(crate) notes: String,
}

/// Field errors, in form order.
pub(crate) type FieldErrors = Vec<(Field, String)>;

impl ProfileForm {
    pub(crate) fn new() -> ProfileForm {
        ProfileForm {
            currency: "usd".to_owned(),
            ..ProfileForm::default()
        }
    }

    /// The form filled from a saved client, for editing.
    pub(crate) fn from_client(client: &Client) -> ProfileForm {
        let amount = |cents: Option<i64>| {
            cents.map_or_else(String::new, |cents| {
                if cents % 100 == 0 {
                    (cents / 100).to_string()
                } else {
                    format!("{}.{:02}", cents / 100, cents % 100)
                }
            })
        };
        let rate = |rate: Option<f64>| {
            rate.map_or_else(String::new, |rate| {
                format::percent(rate).trim_end_matches('%').to_owned()
            })
        };
        let (booking_lead_time, booking_lead_unit) = match client.booking_lead_time_hours {
            Some(hours) if hours % 24 == 0 && hours > 0 => {
                ((hours / 24).to_string(), LeadUnit::Days)
            }
            Some(hours) => (hours.to_string(), LeadUnit::Hours),
            None => (String::new(), LeadUnit::Days),
        };
        ProfileForm {
            name: client.name.clone(),
            industry: client.industry.clone().unwrap_or_default(),
            offer: client.offer.clone().unwrap_or_default(),
            price_min: amount(client.price_min_cents),
            price_max: amount(client.price_max_cents),
            currency: client.currency.clone(),
            current_show_rate: rate(client.current_show_rate),
            target_show_rate: rate(client.target_show_rate),
            who_books: client.who_books.clone().unwrap_or_default(),
            booking_lead_time,
            booking_lead_unit,
            current_reminders: client.current_reminders.clone().unwrap_or_default(),
            competitors: client.competitors.join("\n"),
            banned_words: client.banned_words.join("\n"),
            notes: client.notes.clone().unwrap_or_default(),
        }
    }

    /// The row to write (every column of the profile, NULL for blanks), or what to fix.
    pub(crate) fn validate(&self) -> Result<Value, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut row = Map::new();
        let mut put = |field: Field, column: &str, result: Result<Value, String>| match result {
            Ok(value) => {
                row.insert(column.to_owned(), value);
            }
            Err(message) => errors.push((field, message)),
        };
        put(
            Field::Name,
            "name",
            text::required_line(&self.name, "the client's name", 200).map(Value::from),
        );
        put(
            Field::Industry,
            "industry",
            text::optional_line(&self.industry, 100).map(Value::from),
        );
        put(
            Field::Offer,
            "offer",
            text::optional_paragraphs(&self.offer, 2000).map(Value::from),
        );
        let price_min = parse_money(&self.price_min);
        let price_max = parse_money(&self.price_max);
        let range_error = match (&price_min, &price_max) {
            (Ok(Some(min)), Ok(Some(max))) if min > max => {
                Some("The highest price is below the lowest.".to_owned())
            }
            _ => None,
        };
        put(
            Field::PriceMin,
            "price_min_cents",
            price_min.map(Value::from),
        );
        match range_error {
            Some(message) => put(Field::PriceMax, "price_max_cents", Err(message)),
            None => put(
                Field::PriceMax,
                "price_max_cents",
                price_max.map(Value::from),
            ),
        }
        let currency = self.currency.trim().to_ascii_lowercase();
        row.insert(
            "currency".to_owned(),
            Value::from(
                if currency.len() == 3 && currency.bytes().all(|b| b.is_ascii_lowercase()) {
                    currency
                } else {
                    "usd".to_owned()
                },
            ),
        );
        let mut put = |field: Field, column: &str, result: Result<Value, String>| match result {
            Ok(value) => {
                row.insert(column.to_owned(), value);
            }
            Err(message) => errors.push((field, message)),
        };
        put(
            Field::CurrentShowRate,
            "current_show_rate",
            parse_rate(&self.current_show_rate).map(Value::from),
        );
        put(
            Field::TargetShowRate,
            "target_show_rate",
            parse_rate(&self.target_show_rate).map(Value::from),
        );
        let who_books = self.who_books.trim();
        put(
            Field::WhoBooks,
            "who_books",
            if who_books.is_empty() {
                Ok(Value::Null)
            } else if WHO_BOOKS.iter().any(|(key, _)| *key == who_books) {
                Ok(Value::from(who_books))
            } else {
                Err("Choose who books the call.".to_owned())
            },
        );
        put(
            Field::BookingLeadTime,
            "booking_lead_time_hours",
            parse_lead_time(&self.booking_lead_time, self.booking_lead_unit).map(Value::from),
        );
        put(
            Field::CurrentReminders,
            "current_reminders",
            text::optional_paragraphs(&self.current_reminders, 2000).map(Value::from),
        );
        put(
            Field::Competitors,
            "competitors",
            text::line_list(&self.competitors, 50, 200).map(Value::from),
        );
        put(
            Field::BannedWords,
            "banned_words",
            text::line_list(&self.banned_words, 200, 100).map(Value::from),
        );
        put(
            Field::Notes,
            "notes",
            text::optional_paragraphs(&self.notes, 5000).map(Value::from),
        );
        if errors.is_empty() {
            Ok(Value::Object(row))
        } else {
            Err(errors)
        }
    }
}

/// "3,500", "$3,500.50", "3500" → cents; blank → None. At most 2 decimals; not negative.
pub(crate) fn parse_money(input: &str) -> Result<Option<i64>, String> {
    let cleaned: String = input
        .trim()
        .trim_start_matches(['$', '€', '£'])
        .chars()
        .filter(|c| *c != ',' && !c.is_whitespace())
        .collect();
    if cleaned.is_empty() {
        return Ok(None);
    }
    let refuse = || Err("Enter an amount like 3500 or 3,500.50.".to_owned());
    let (whole, fraction) = cleaned.split_once('.').unwrap_or((&cleaned, ""));
    if whole.is_empty() && fraction.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !fraction.bytes().all(|b| b.is_ascii_digit())
        || fraction.len() > 2
        || whole.len() > 12
    {
        return refuse();
    }
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole
            .parse()
            .map_err(|_| "Enter a smaller amount.".to_owned())?
    };
    let cents: i64 = format!("{fraction:0<2}").parse().unwrap_or(0);
    Ok(Some(whole * 100 + cents))
}

/// "58", "58.5%" → 0.585; blank → None. Between 0 and 100 %, one decimal kept (the column is
/// numeric(4,3)).
pub(crate) fn parse_rate(input: &str) -> Result<Option<f64>, String> {
    let cleaned = input.trim().trim_end_matches('%').trim();
    if cleaned.is_empty() {
        return Ok(None);
    }
    let percent: f64 = cleaned
        .parse()
        .ok()
        .filter(|value: &f64| value.is_finite())
        .ok_or_else(|| "Enter a percentage like 58 or 58.5.".to_owned())?;
    if !(0.0..=100.0).contains(&percent) {
        return Err("Enter a percentage between 0 and 100.".to_owned());
    }
    Ok(Some((percent * 10.0).round() / 1000.0))
}

/// Lead time in hours, 0 to 8760 (a year); blank → None.
pub(crate) fn parse_lead_time(input: &str, unit: LeadUnit) -> Result<Option<i64>, String> {
    let cleaned = input.trim();
    if cleaned.is_empty() {
        return Ok(None);
    }
    let value: f64 = cleaned
        .parse()
        .ok()
        .filter(|value: &f64| value.is_finite() && *value >= 0.0)
        .ok_or_else(|| "Enter a number like 3 or 1.5.".to_owned())?;
    let hours = match unit {
        LeadUnit::Hours => value,
        LeadUnit::Days => value * 24.0,
    }
    .round();
    if hours > 8760.0 {
        return Err("Use at most a year (365 days).".to_owned());
    }
    Ok(Some(hours as i64))
}

/// The row for a new client of `agency_id`.
pub(crate) fn new_client_row(agency_id: &str, profile: Value) -> Value {
    let mut row = match profile {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    row.insert("agency_id".to_owned(), json!(agency_id));
    Value::Object(row)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filled() -> ProfileForm {
        ProfileForm {
            name: " Bright Smile Dental ".into(),
            industry: "dental".into(),
            offer: "Aligners\nand implants".into(),
            price_min: "$3,500".into(),
            price_max: "6000.5".into(),
            currency: "usd".into(),
            current_show_rate: "58".into(),
            target_show_rate: "80.25%".into(),
            who_books: "prospect".into(),
            booking_lead_time: "4".into(),
            booking_lead_unit: LeadUnit::Days,
            current_reminders: "One SMS".into(),
            competitors: "Aspen Dental\nSmileDirectClub\n".into(),
            banned_words: "cheap\n\npainless".into(),
            notes: String::new(),
        }
    }

    #[test]
    fn a_filled_form_becomes_the_row() {
        let row = filled().validate().unwrap();
        assert_eq!(
            row,
            json!({
                "name": "Bright Smile Dental", "industry": "dental", "offer": "Aligners\nand implants",
                "price_min_cents": 350000, "price_max_cents": 600050, "currency": "usd",
                "current_show_rate": 0.58, "target_show_rate": 0.803, "who_books": "prospect",
                "booking_lead_time_hours": 96, "current_reminders": "One SMS",
                "competitors": ["Aspen Dental", "SmileDirectClub"], "banned_words": ["cheap", "painless"],
                "notes": null
            })
        );
        assert_eq!(new_client_row("a1", row)["agency_id"], "a1");
    }

    #[test]
    fn only_the_name_is_required() {
        let form = ProfileForm {
            name: "X".into(),
            ..ProfileForm::new()
        };
        let row = form.validate().unwrap();
        assert_eq!(row["competitors"], json!([]));
        assert_eq!(row["price_min_cents"], Value::Null);
        assert_eq!(row["who_books"], Value::Null);
        let errors = ProfileForm::new().validate().unwrap_err();
        assert_eq!(
            errors,
            vec![(Field::Name, "Enter the client's name.".to_owned())]
        );
    }

    #[test]
    fn every_check_constraint_has_a_form_rule() {
        let form = ProfileForm {
            name: "a\u{202e}b".into(),
            industry: "i".repeat(101),
            offer: "o".repeat(2001),
            price_min: "-5".into(),
            price_max: "1.234".into(),
            current_show_rate: "101".into(),
            target_show_rate: "abc".into(),
            who_books: "robot".into(),
            booking_lead_time: "366".into(),
            current_reminders: "bell\u{7}".into(),
            competitors: "c\n".repeat(51),
            banned_words: "w".repeat(101),
            notes: "n".repeat(5001),
            ..ProfileForm::new()
        };
        let fields: Vec<Field> = form
            .validate()
            .unwrap_err()
            .into_iter()
            .map(|(field, _)| field)
            .collect();
        assert_eq!(
            fields,
            vec![
                Field::Name,
                Field::Industry,
                Field::Offer,
                Field::PriceMin,
                Field::PriceMax,
                Field::CurrentShowRate,
                Field::TargetShowRate,
                Field::WhoBooks,
                Field::BookingLeadTime,
                Field::CurrentReminders,
                Field::Competitors,
                Field::BannedWords,
                Field::Notes,
            ]
        );
        let reversed = ProfileForm {
            name: "X".into(),
            price_min: "500".into(),
            price_max: "400".into(),
            ..ProfileForm::new()
        };
        assert_eq!(
            reversed.validate().unwrap_err(),
            vec![(
                Field::PriceMax,
                "The highest price is below the lowest.".to_owned()
            )]
        );
    }

    #[test]
    fn parses_what_people_type() {
        assert_eq!(parse_money("  "), Ok(None));
        assert_eq!(parse_money("12"), Ok(Some(1200)));
        assert_eq!(parse_money("£1,000.5"), Ok(Some(100_050)));
        assert_eq!(parse_money(".5"), Ok(Some(50)));
        assert!(parse_money("1e5").is_err());
        assert!(parse_money(".").is_err());
        assert_eq!(parse_rate("58.54"), Ok(Some(0.585)));
        assert_eq!(parse_rate("0"), Ok(Some(0.0)));
        assert!(parse_rate("NaN").is_err());
        assert_eq!(parse_lead_time("1.5", LeadUnit::Days), Ok(Some(36)));
        assert_eq!(parse_lead_time("8760", LeadUnit::Hours), Ok(Some(8760)));
        assert!(parse_lead_time("-1", LeadUnit::Hours).is_err());
    }

    #[test]
    fn a_saved_client_fills_the_form_back() {
        let client: Client = serde_json::from_value(json!({
            "id": "c1", "agency_id": "a1", "name": "Bright Smile Dental", "status": "onboarding",
            "industry": "dental", "offer": null, "price_min_cents": 350000, "price_max_cents": 600050,
            "currency": "usd", "current_show_rate": 0.585, "target_show_rate": 0.8, "who_books": "setter",
            "booking_lead_time_hours": 36, "current_reminders": null, "competitors": ["A", "B"],
            "banned_words": [], "notes": null, "last_activity_at": "2025-11-26T10:00:00+00:00",
            "created_at": "2025-11-26T10:00:00+00:00", "created_by": "u1", "updated_at": "2025-11-26T10:00:00+00:00"
        }))
        .unwrap();
        let form = ProfileForm::from_client(&client);
        assert_eq!(form.price_max, "6000.50");
        assert_eq!(form.current_show_rate, "58.5");
        assert_eq!(
            (form.booking_lead_time.as_str(), form.booking_lead_unit),
            ("36", LeadUnit::Hours)
        );
        assert_eq!(form.competitors, "A\nB");
        let row = form.validate().unwrap();
        assert_eq!(row["price_max_cents"], 600050);
        assert_eq!(row["current_show_rate"], 0.585);
        assert_eq!(client.price_range().as_deref(), Some("$3,500 – $6,000.50"));
        assert_eq!(client.booking_lead_time().as_deref(), Some("36 hours"));
        assert_eq!(lead_time(96), "4 days");
    }
}
