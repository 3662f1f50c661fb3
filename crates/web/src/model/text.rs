//! Text rules shared with the database (`private.is_single_line_text`,
//! `private.is_multi_line_text`, `private.is_short_text_list`): lengths are counted in
//! characters, as PostgreSQL's char_length does.

/// Characters no one-line text may hold: control characters and the invisible formatting
/// characters (BiDi overrides and isolates, zero-width characters, BOM) that could disguise
/// what a person reads.
fn is_hidden_or_control(c: char, allow_line_breaks: bool) -> bool {
    if allow_line_breaks && matches!(c, '\t' | '\n' | '\r') {
        return false;
    }
    matches!(c,
        '\u{0}'..='\u{1f}'
        | '\u{7f}'..='\u{9f}'
        | '\u{200b}'..='\u{200f}'
        | '\u{202a}'..='\u{202e}'
        | '\u{2060}'..='\u{2069}'
        | '\u{feff}')
}

pub(crate) fn is_single_line(text: &str) -> bool {
    !text.chars().any(|c| is_hidden_or_control(c, false))
}

pub(crate) fn is_multi_line(text: &str) -> bool {
    !text.chars().any(|c| is_hidden_or_control(c, true))
}

pub(crate) fn char_count(text: &str) -> usize {
    text.chars().count()
}

/// A required one-line text: trimmed, 1..=`max` characters.
pub(crate) fn required_line(text: &str, what: &str, max: usize) -> Result<String, String> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(format!("Enter {what}."));
    }
    optional_line(text, max).map(|value| value.unwrap_or_default())
}

/// An optional one-line text: None when blank.
pub(crate) fn optional_line(text: &str, max: usize) -> Result<Option<String>, String> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Ok(None);
    }
    if !is_single_line(trimmed) {
        return Err("Remove line breaks and invisible characters.".to_owned());
    }
    too_long(trimmed, max)?;
    Ok(Some(trimmed.to_owned()))
}

/// An optional text that may span lines: None when blank.
pub(crate) fn optional_paragraphs(text: &str, max: usize) -> Result<Option<String>, String> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Ok(None);
    }
    if !is_multi_line(trimmed) {
        return Err("Remove invisible or control characters.".to_owned());
    }
    too_long(trimmed, max)?;
    Ok(Some(trimmed.to_owned()))
}

fn too_long(text: &str, max: usize) -> Result<(), String> {
    let count = char_count(text);
    if count > max {
        return Err(format!("Use at most {max} characters (this has {count})."));
    }
    Ok(())
}

/// One item per line (blank lines skipped): at most `max_items` items of at most
/// `max_length` characters each.
pub(crate) fn line_list(
    text: &str,
    max_items: usize,
    max_length: usize,
) -> Result<Vec<String>, String> {
    let items: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect();
    if items.len() > max_items {
        return Err(format!(
            "Keep it to {max_items} lines or fewer (this has {}).",
            items.len()
        ));
    }
    for (index, item) in items.iter().enumerate() {
        if !is_single_line(item) {
            return Err(format!("Line {} holds invisible characters.", index + 1));
        }
        if char_count(item) > max_length {
            return Err(format!(
                "Line {} is longer than {max_length} characters.",
                index + 1
            ));
        }
    }
    Ok(items)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_line_refuses_what_the_database_refuses() {
        assert!(is_single_line("Bright Smile Dental <script>"));
        assert!(!is_single_line("two\nlines"));
        assert!(!is_single_line("evil\u{202e}txt.exe"));
        assert!(!is_single_line("zero\u{200b}width"));
        assert!(!is_single_line("bom\u{feff}"));
        assert!(is_multi_line("two\nlines\twith tab\r\n"));
        assert!(!is_multi_line("bell\u{7}"));
    }

    #[test]
    fn lengths_are_counted_in_characters() {
        assert_eq!(
            required_line("  ", "a name", 5),
            Err("Enter a name.".to_owned())
        );
        assert_eq!(
            required_line(" ééééé ", "a name", 5),
            Ok("ééééé".to_owned())
        );
        assert!(
            required_line("éééééé", "a name", 5)
                .unwrap_err()
                .contains("at most 5")
        );
        assert_eq!(optional_line("", 5), Ok(None));
        assert_eq!(optional_paragraphs("a\nb", 5), Ok(Some("a\nb".to_owned())));
    }

    #[test]
    fn lists_are_one_item_per_line() {
        assert_eq!(
            line_list("Aspen Dental\n\n  SmileDirectClub \n", 50, 200),
            Ok(vec![
                "Aspen Dental".to_owned(),
                "SmileDirectClub".to_owned()
            ])
        );
        assert!(line_list("a\nb\nc", 2, 10).unwrap_err().contains("2 lines"));
        assert!(
            line_list("ok\nthis one is too long", 5, 10)
                .unwrap_err()
                .starts_with("Line 2")
        );
    }
}
