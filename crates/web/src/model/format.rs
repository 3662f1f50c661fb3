//! Numbers and dates as people read them. Dates are shown in UTC ("Nov 3, 2025"); recent
//! moments as "3 hours ago".

/// Unix seconds from a PostgreSQL/PostgREST timestamp: `2025-11-26T10:00:00.123456+00:00`,
/// `…Z`, `… 10:00:00+01`, or a bare date `2025-11-26` (midnight UTC).
pub(crate) fn parse_timestamp(text: &str) -> Option<i64> {
    let text = text.trim();
    let number = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = text.get(range)?;
        part.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let year = number(0..4)?;
    let month = number(5..7)?;
    let day = number(8..10)?;
    if text.get(4..5)? != "-"
        || text.get(7..8)? != "-"
        || !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
    {
        return None;
    }
    let days = days_from_civil(year, month, day);
    if text.len() == 10 {
        return Some(days * 86_400);
    }
    if !matches!(text.get(10..11)?, "T" | "t" | " ") || text.get(13..14)? != ":" {
        return None;
    }
    let hour = number(11..13)?;
    let minute = number(14..16)?;
    let second = number(17..19)?;
    if text.get(16..17)? != ":" || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut rest = &text[19..];
    if let Some(fraction) = rest.strip_prefix('.') {
        let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        rest = &fraction[digits..];
    }
    let offset = match rest {
        "" | "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes()[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let zone = rest[1..].replace(':', "");
            if zone.len() != 2 && zone.len() != 4 || !zone.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let hours: i64 = zone[0..2].parse().ok()?;
            let minutes: i64 = zone.get(2..4).map_or(Some(0), |m| m.parse().ok())?;
            sign * (hours * 3600 + minutes * 60)
        }
    };
    Some(days * 86_400 + hour * 3600 + minute * 60 + second - offset)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// (year, month, day) of a day count since 1970-01-01.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// "Nov 3, 2025" (UTC).
pub(crate) fn date(unix: i64) -> String {
    let (year, month, day) = civil_from_days(unix.div_euclid(86_400));
    format!("{} {day}, {year}", MONTHS[(month - 1) as usize])
}

/// "Nov 3, 2025, 14:05 UTC".
pub(crate) fn date_time(unix: i64) -> String {
    let seconds = unix.rem_euclid(86_400);
    format!(
        "{}, {:02}:{:02} UTC",
        date(unix),
        seconds / 3600,
        seconds % 3600 / 60
    )
}

/// "just now", "5 minutes ago", "3 hours ago", "yesterday", "4 days ago", then the date.
/// Times in the future (a clock a little ahead) read as "just now".
pub(crate) fn relative(then: i64, now: i64) -> String {
    let seconds = now - then;
    let plural = |n: i64, unit: &str| {
        if n == 1 {
            format!("1 {unit} ago")
        } else {
            format!("{n} {unit}s ago")
        }
    };
    match seconds {
        ..60 => "just now".to_owned(),
        60..3600 => plural(seconds / 60, "minute"),
        3600..86_400 => plural(seconds / 3600, "hour"),
        86_400..172_800 => "yesterday".to_owned(),
        172_800..604_800 => plural(seconds / 86_400, "day"),
        _ => date(then),
    }
}

/// Relative time of a database timestamp; the raw text when it cannot be read.
pub(crate) fn relative_timestamp(timestamp: &str, now: i64) -> String {
    parse_timestamp(timestamp).map_or_else(|| timestamp.to_owned(), |then| relative(then, now))
}

/// A share as a percentage with at most one decimal: 0.585 → "58.5%", 0.58 → "58%".
pub(crate) fn percent(fraction: f64) -> String {
    format!("{}%", one_decimal(fraction * 100.0))
}

/// A change in percentage points, signed: +12.4 pts, −3 pts, 0 pts.
pub(crate) fn points(delta_fraction: f64) -> String {
    let value = one_decimal(delta_fraction.abs() * 100.0);
    if value == "0" {
        return "0 pts".to_owned();
    }
    let sign = if delta_fraction > 0.0 {
        "+"
    } else {
        "\u{2212}"
    };
    format!("{sign}{value} pts")
}

fn one_decimal(value: f64) -> String {
    let rounded = (value * 10.0).round() / 10.0;
    let text = format!("{rounded:.1}");
    text.strip_suffix(".0").map(str::to_owned).unwrap_or(text)
}

/// Digits grouped by thousands: 1234567 → "1,234,567".
pub(crate) fn grouped(value: i64) -> String {
    let digits = value.unsigned_abs().to_string();
    let mut out = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    if value < 0 { format!("-{out}") } else { out }
}

/// An amount in cents: $3,500 (whole amounts) or $3,500.50.
pub(crate) fn money(cents: i64, currency: &str) -> String {
    let whole = grouped(cents / 100);
    let amount = if cents % 100 == 0 {
        whole
    } else {
        format!("{whole}.{:02}", (cents % 100).abs())
    };
    match currency {
        "usd" => format!("${amount}"),
        "eur" => format!("€{amount}"),
        "gbp" => format!("£{amount}"),
        other => format!("{} {amount}", other.to_ascii_uppercase()),
    }
}

/// A price range: "$3,500 – $6,000", "from $3,500", "up to $6,000", or None.
pub(crate) fn money_range(min: Option<i64>, max: Option<i64>, currency: &str) -> Option<String> {
    match (min, max) {
        (Some(min), Some(max)) if min == max => Some(money(min, currency)),
        (Some(min), Some(max)) => Some(format!(
            "{} – {}",
            money(min, currency),
            money(max, currency)
        )),
        (Some(min), None) => Some(format!("from {}", money(min, currency))),
        (None, Some(max)) => Some(format!("up to {}", money(max, currency))),
        (None, None) => None,
    }
}

/// "1 client", "3 clients".
pub(crate) fn count(n: i64, singular: &str, plural: &str) -> String {
    if n == 1 {
        format!("1 {singular}")
    } else {
        format!("{} {plural}", grouped(n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_postgrest_timestamps() {
        assert_eq!(parse_timestamp("1970-01-01T00:00:00+00:00"), Some(0));
        assert_eq!(
            parse_timestamp("2025-11-26T10:00:00.123456+00:00"),
            Some(1_764_151_200)
        );
        assert_eq!(
            parse_timestamp("2025-11-26T11:00:00+01:00"),
            Some(1_764_151_200)
        );
        assert_eq!(
            parse_timestamp("2025-11-26 05:00:00-05"),
            Some(1_764_151_200)
        );
        assert_eq!(parse_timestamp("2025-11-26T10:00:00Z"), Some(1_764_151_200));
        assert_eq!(parse_timestamp("2025-11-26"), Some(1_764_115_200));
        assert_eq!(parse_timestamp("2024-02-29T00:00:00Z"), Some(1_709_164_800));
        for bad in [
            "",
            "yesterday",
            "2025-13-01",
            "2025-11-26T25:00:00Z",
            "2025-11-26T10:00:00+1",
        ] {
            assert_eq!(parse_timestamp(bad), None, "{bad}");
        }
    }

    #[test]
    fn dates_round_trip() {
        for days in [-800_000, -1, 0, 59, 10_957, 19_000, 20_418, 2_932_896] {
            let (year, month, day) = civil_from_days(days);
            assert_eq!(days_from_civil(year, month, day), days);
        }
        assert_eq!(date(1_764_151_200), "Nov 26, 2025");
        assert_eq!(date_time(1_764_151_200 + 5 * 60), "Nov 26, 2025, 10:05 UTC");
    }

    #[test]
    fn relative_times_read_naturally() {
        let now = 1_764_151_200;
        assert_eq!(relative(now + 30, now), "just now");
        assert_eq!(relative(now - 59, now), "just now");
        assert_eq!(relative(now - 60, now), "1 minute ago");
        assert_eq!(relative(now - 3 * 3600, now), "3 hours ago");
        assert_eq!(relative(now - 86_400 - 5, now), "yesterday");
        assert_eq!(relative(now - 4 * 86_400, now), "4 days ago");
        assert_eq!(relative(now - 30 * 86_400, now), "Oct 27, 2025");
        assert_eq!(relative_timestamp("not a date", now), "not a date");
    }

    #[test]
    fn numbers() {
        assert_eq!(percent(0.585), "58.5%");
        assert_eq!(percent(0.58), "58%");
        assert_eq!(percent(1.0), "100%");
        assert_eq!(points(0.124), "+12.4 pts");
        assert_eq!(points(-0.03), "\u{2212}3 pts");
        assert_eq!(points(0.0001), "0 pts");
        assert_eq!(grouped(1_234_567), "1,234,567");
        assert_eq!(grouped(999), "999");
        assert_eq!(money(350_000, "usd"), "$3,500");
        assert_eq!(money(350_050, "eur"), "€3,500.50");
        assert_eq!(money(100, "cad"), "CAD 1");
        assert_eq!(
            money_range(Some(350_000), Some(600_000), "usd").as_deref(),
            Some("$3,500 – $6,000")
        );
        assert_eq!(
            money_range(None, Some(100), "usd").as_deref(),
            Some("up to $1")
        );
        assert_eq!(money_range(None, None, "usd"), None);
        assert_eq!(count(1, "client", "clients"), "1 client");
        assert_eq!(count(1200, "client", "clients"), "1,200 clients");
    }
}
