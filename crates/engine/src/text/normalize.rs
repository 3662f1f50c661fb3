//! Character normalisation: an NFKC subset cheap enough for 20 MB/s, then lowercase.
//!
//! Full NFKC tables cost size and time in wasm; transcripts only need the compatibility forms
//! that speech-to-text tools and word processors actually emit: curly quotes, dashes,
//! full-width ASCII, ligatures, non-breaking and other exotic spaces.

/// Maps one character to its folded form and appends it, lowercased, to `out`.
pub(crate) fn push_folded(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
        return;
    }
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201B}' | '\u{02BC}' | '\u{2032}' | '\u{FF07}' | '`' => {
            out.push('\'')
        }
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{2033}' | '\u{FF02}' => out.push('"'),
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE58}' | '\u{FE63}' | '\u{FF0D}' => {
            out.push('-')
        }
        '\u{2026}' => out.push_str("..."),
        '\u{FB00}' => out.push_str("ff"),
        '\u{FB01}' => out.push_str("fi"),
        '\u{FB02}' => out.push_str("fl"),
        '\u{FB03}' => out.push_str("ffi"),
        '\u{FB04}' => out.push_str("ffl"),
        '\u{00A0}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}' => {
            out.push(' ')
        }
        '\u{200B}'..='\u{200D}' | '\u{FEFF}' | '\u{00AD}' => {}
        // Full-width ASCII (common in text pasted from CJK input methods).
        '\u{FF01}'..='\u{FF5E}' => {
            let ascii = char::from_u32(c as u32 - 0xFEE0).unwrap_or(c);
            out.push(ascii.to_ascii_lowercase());
        }
        _ => out.extend(c.to_lowercase()),
    }
}

/// Normalises a whole string: fold, lowercase.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        push_folded(c, &mut out);
    }
    out
}

/// Whether `c` is an apostrophe in any of its typographic forms.
pub(crate) fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{2018}' | '\u{02BC}' | '\u{FF07}')
}

/// Whether `c` is a hyphen or dash.
pub(crate) fn is_dash(c: char) -> bool {
    matches!(c, '-' | '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FF0D}')
}

/// Speech-to-text output often drops the apostrophe ("dont", "im"). Restores the unambiguous
/// ones so negation and first-person cues still work. ("wont", "were", "its" are left alone:
/// they are words too.)
pub(crate) fn restore_apostrophe(word: &str) -> Option<&'static str> {
    Some(match word {
        "dont" => "don't",
        "doesnt" => "doesn't",
        "didnt" => "didn't",
        "cant" => "can't",
        "couldnt" => "couldn't",
        "wouldnt" => "wouldn't",
        "shouldnt" => "shouldn't",
        "isnt" => "isn't",
        "arent" => "aren't",
        "wasnt" => "wasn't",
        "werent" => "weren't",
        "havent" => "haven't",
        "hasnt" => "hasn't",
        "hadnt" => "hadn't",
        "aint" => "ain't",
        "im" => "i'm",
        "ive" => "i've",
        "youre" => "you're",
        "youve" => "you've",
        "theyre" => "they're",
        "theyve" => "they've",
        "thats" => "that's",
        "whats" => "what's",
        "lets" => "let's",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_quotes_dashes_widths_and_case() {
        assert_eq!(
            normalize("It\u{2019}s \u{201C}Too\u{201D} Expensive\u{2014}right"),
            "it's \"too\" expensive-right"
        );
        assert_eq!(
            normalize("\u{FF21}\u{FF22}c \u{FB01}ne\u{00A0}x"),
            "abc fine x"
        );
        assert_eq!(normalize("Wait\u{2026}"), "wait...");
        assert_eq!(normalize("ÉCOLE"), "école");
    }

    #[test]
    fn restores_only_unambiguous_contractions() {
        assert_eq!(restore_apostrophe("dont"), Some("don't"));
        assert_eq!(restore_apostrophe("were"), None);
        assert_eq!(restore_apostrophe("its"), None);
    }
}
