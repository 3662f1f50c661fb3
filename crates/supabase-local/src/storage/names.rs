//! Object and bucket names. Object names follow hosted Storage's newer validator
//! (`src/storage/limits.ts`): at most 1,024 UTF-8 bytes, no `.`/`..` segments, no leading `/`,
//! no control, BiDi or zero-width characters; plus the character allow-list of contract §4.2
//! (letters and digits, `_-.',!*&$@=;:+?/()` and space). Names are only ever used as database
//! values: stored files are named by a generated version id, never by the object name.

use super::error::StorageError;

/// S3's key limit, which hosted Storage enforces too.
pub const MAX_OBJECT_NAME_BYTES: usize = 1024;

/// Punctuation allowed in object names besides letters, digits and space.
const NAME_PUNCTUATION: &str = "_-.',!*&$@=;:+?/()";

/// Invisible or direction-changing characters that let a name look like another one
/// (U+034F, U+061C, U+200B–U+200F, U+2028–U+202E, U+2060, U+2066–U+2069, U+FEFF).
fn is_spoofing_character(c: char) -> bool {
    matches!(
        c,
        '\u{034F}'
            | '\u{061C}'
            | '\u{200B}'..='\u{200F}'
            | '\u{2028}'..='\u{202E}'
            | '\u{2060}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}'
    )
}

fn is_allowed_name_character(c: char) -> bool {
    if c.is_control() || is_spoofing_character(c) {
        return false;
    }
    c.is_alphanumeric() || c == ' ' || NAME_PUNCTUATION.contains(c)
}

/// Check an object name (the path inside a bucket, already percent-decoded once).
pub fn validate_object_name(name: &str) -> Result<(), StorageError> {
    let valid = !name.is_empty()
        && name.len() <= MAX_OBJECT_NAME_BYTES
        && !name.starts_with('/')
        && name.chars().all(is_allowed_name_character)
        && name
            .split('/')
            .all(|segment| !segment.is_empty() && segment != "." && segment != "..");
    if valid {
        Ok(())
    } else {
        Err(StorageError::invalid_key(name))
    }
}

/// Check a bucket id (S3 bucket-naming characters, ASCII only, no `/`).
pub fn validate_bucket_name(name: &str) -> Result<(), StorageError> {
    let valid = !name.is_empty()
        && name.len() < 101
        && name != "."
        && name != ".."
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == ' ' || "_!.*'()&$=@;:+,?-".contains(c));
    if valid {
        Ok(())
    } else {
        Err(StorageError::invalid_bucket_name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_names() {
        for name in [
            "a.txt",
            "agency-1/client-2/call 2024-05-01 (final).vtt",
            "Ünïcödé/名前.txt",
            "it's, fine!*&$@=;:+?.txt",
            "...hidden",
            "a/..b/c..",
        ] {
            assert!(validate_object_name(name).is_ok(), "{name}");
        }
        assert!(validate_object_name(&"a".repeat(1024)).is_ok());
    }

    #[test]
    fn refuses_traversal_and_spoofing() {
        // Security case 58, plus the other shapes of the same attacks.
        let long = "a".repeat(1025);
        let multibyte = "é".repeat(513); // 1,026 bytes in 513 characters
        for name in [
            "",
            "../a",
            "a/../b",
            "a/./b",
            "./a",
            "a/.",
            "..",
            "%2e%2e/a",
            "a%2Fb",
            "a\\b",
            "/abs",
            "a//b",
            "a/",
            "a\u{202E}txt.exe",
            "a\u{200B}b",
            "a\u{FEFF}b",
            "a\u{2066}b",
            "a\u{0000}b",
            "a\nb",
            "a\tb",
            "a\u{7F}b",
            "a\u{85}b",
            "a<b>",
            "price-€5",
            "a#b",
            "a|b",
            "a~b",
            "a\"b",
            long.as_str(),
            multibyte.as_str(),
        ] {
            let error = validate_object_name(name).expect_err(name);
            assert_eq!(error.code, "InvalidKey", "{name:?}");
        }
    }

    #[test]
    fn checks_bucket_names() {
        assert!(validate_bucket_name("transcripts").is_ok());
        assert!(validate_bucket_name("public-assets_2").is_ok());
        for name in ["", "a/b", "..", "bücket", &"b".repeat(101)] {
            assert!(validate_bucket_name(name).is_err(), "{name}");
        }
    }
}
