//! Agency slugs: the agency's URL name, `[a-z0-9]` words joined by single hyphens, 3 to 63
//! characters (the `agencies_slug_format` CHECK).

/// Suggest a slug from a name: accents folded, everything else that is not a letter or digit
/// becomes a hyphen.
pub(crate) fn suggest(name: &str) -> String {
    let mut slug = String::new();
    let mut pending_hyphen = false;
    for c in name.chars().flat_map(fold) {
        if c.is_ascii_alphanumeric() {
            if pending_hyphen && !slug.is_empty() {
                slug.push('-');
            }
            pending_hyphen = false;
            slug.push(c.to_ascii_lowercase());
        } else {
            pending_hyphen = true;
        }
        if slug.len() >= 63 {
            break;
        }
    }
    slug.truncate(63);
    slug.trim_end_matches('-').to_owned()
}

/// Latin letters with accents to their base letters; other characters as they are.
fn fold(c: char) -> Vec<char> {
    let folded: &str = match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' | 'Ā' => {
            "a"
        }
        'æ' | 'Æ' => "ae",
        'ç' | 'Ç' | 'č' | 'Č' | 'ć' | 'Ć' => "c",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ę' | 'ě' | 'È' | 'É' | 'Ê' | 'Ë' | 'Ē' | 'Ę' | 'Ě' => {
            "e"
        }
        'ì' | 'í' | 'î' | 'ï' | 'Ì' | 'Í' | 'Î' | 'Ï' => "i",
        'ñ' | 'Ñ' | 'ń' | 'Ń' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' => "o",
        'œ' | 'Œ' => "oe",
        'ß' => "ss",
        'ù' | 'ú' | 'û' | 'ü' | 'Ù' | 'Ú' | 'Û' | 'Ü' => "u",
        'ý' | 'ÿ' | 'Ý' => "y",
        'ž' | 'Ž' | 'ź' | 'ż' => "z",
        'š' | 'Š' | 'ś' => "s",
        'ł' | 'Ł' => "l",
        '&' => " and ",
        _ => return vec![c],
    };
    folded.chars().collect()
}

/// Why a slug is refused, in words; None when it is fine.
pub(crate) fn problem(slug: &str) -> Option<String> {
    if slug.len() < 3 {
        return Some("Use at least 3 characters.".to_owned());
    }
    if slug.len() > 63 {
        return Some("Use at most 63 characters.".to_owned());
    }
    if !slug
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Some("Use only lower-case letters a-z, digits and hyphens.".to_owned());
    }
    if slug.starts_with('-') || slug.ends_with('-') || slug.contains("--") {
        return Some("Hyphens go between words, one at a time.".to_owned());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_from_names() {
        assert_eq!(suggest("Northwind Growth"), "northwind-growth");
        assert_eq!(suggest("  Café Crème & Co. "), "cafe-creme-and-co");
        assert_eq!(
            suggest("<script>alert(1)</script>"),
            "script-alert-1-script"
        );
        assert_eq!(suggest("Ünïcödé — 2025!"), "unicode-2025");
        assert_eq!(suggest("日本"), "");
        assert_eq!(suggest(&"a".repeat(100)).len(), 63);
        assert_eq!(suggest(&format!("{} b", "a".repeat(62))), "a".repeat(62));
        for name in ["Northwind Growth", "Café Crème & Co.", "x-y z"] {
            assert_eq!(problem(&suggest(name)), None, "{name}");
        }
    }

    #[test]
    fn refuses_what_the_check_refuses() {
        assert_eq!(problem("acme"), None);
        assert!(problem("ac").is_some());
        assert!(problem("Acme").is_some());
        assert!(problem("аcme").is_some(), "Cyrillic а");
        assert!(problem("-acme").is_some());
        assert!(problem("ac--me").is_some());
        assert!(problem(&"a".repeat(64)).is_some());
    }
}
