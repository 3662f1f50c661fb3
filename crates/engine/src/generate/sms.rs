//! SMS length: GSM-7 vs UCS-2 encoding and segment counting (3GPP TS 23.038 / 23.040).
//!
//! A message that only uses the GSM-7 alphabet costs one septet per character (two for the
//! extension characters `^ { } \ [ ~ ] | €` and form feed) and fits 160 septets in one segment,
//! 153 per segment once it is split (the rest carries the concatenation header). Any other
//! character, even one curly apostrophe or an emoji, switches the whole message to UCS-2: 70
//! UTF-16 code units in one segment, 67 per segment once split. Characters are never split across
//! segments (an escape pair or a surrogate pair moves whole to the next segment).

use serde::{Deserialize, Serialize};

/// The encoding a message will be sent in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SmsEncoding {
    Gsm7,
    Ucs2,
}

/// The cost of a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmsLength {
    pub encoding: SmsEncoding,
    /// Septets (GSM-7) or UTF-16 code units (UCS-2).
    pub units: usize,
    pub segments: usize,
    /// The distinct characters that forced UCS-2, in order of appearance (empty for GSM-7).
    pub non_gsm_chars: Vec<char>,
}

/// Single-segment and per-segment capacities.
const GSM7_SINGLE: usize = 160;
const GSM7_MULTI: usize = 153;
const UCS2_SINGLE: usize = 70;
const UCS2_MULTI: usize = 67;

/// The GSM 03.38 default alphabet (one septet each); ESC (0x1B) is left out on purpose.
const GSM7_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?\
¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

/// The extension table (two septets each: ESC + code).
const GSM7_EXTENSION: &str = "\u{c}^{}\\[~]|€";

/// Septets a character costs in GSM-7, or `None` if it is not in the alphabet.
pub fn gsm7_septets(c: char) -> Option<usize> {
    if GSM7_BASIC.contains(c) {
        Some(1)
    } else if GSM7_EXTENSION.contains(c) {
        Some(2)
    } else {
        None
    }
}

/// Measures a message as it will be sent.
pub fn measure(text: &str) -> SmsLength {
    let mut non_gsm_chars: Vec<char> = Vec::new();
    for c in text.chars() {
        if gsm7_septets(c).is_none() && !non_gsm_chars.contains(&c) {
            non_gsm_chars.push(c);
        }
    }
    if non_gsm_chars.is_empty() {
        let costs: Vec<usize> = text.chars().filter_map(gsm7_septets).collect();
        let (units, segments) = pack(&costs, GSM7_SINGLE, GSM7_MULTI);
        SmsLength {
            encoding: SmsEncoding::Gsm7,
            units,
            segments,
            non_gsm_chars,
        }
    } else {
        let costs: Vec<usize> = text.chars().map(char::len_utf16).collect();
        let (units, segments) = pack(&costs, UCS2_SINGLE, UCS2_MULTI);
        SmsLength {
            encoding: SmsEncoding::Ucs2,
            units,
            segments,
            non_gsm_chars,
        }
    }
}

/// Total units and segment count for characters of the given costs; an empty message is 0
/// segments.
fn pack(costs: &[usize], single: usize, multi: usize) -> (usize, usize) {
    let units: usize = costs.iter().sum();
    if units == 0 {
        return (0, 0);
    }
    if units <= single {
        return (units, 1);
    }
    let mut segments = 1;
    let mut used = 0;
    for &cost in costs {
        if used + cost > multi {
            segments += 1;
            used = 0;
        }
        used += cost;
    }
    (units, segments)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn plain_ascii_up_to_160_is_one_segment() {
        let m = measure(&"a".repeat(160));
        assert_eq!(
            (m.encoding, m.units, m.segments),
            (SmsEncoding::Gsm7, 160, 1)
        );
        let m = measure(&"a".repeat(161));
        assert_eq!((m.units, m.segments), (161, 2));
        assert_eq!(measure(&"a".repeat(306)).segments, 2);
        assert_eq!(measure(&"a".repeat(307)).segments, 3);
    }

    #[test]
    fn extension_characters_count_double() {
        let m = measure("{}€");
        assert_eq!((m.encoding, m.units, m.segments), (SmsEncoding::Gsm7, 6, 1));
        // 80 euro signs are 160 septets: still one segment; one more character is not.
        assert_eq!(measure(&"€".repeat(80)).segments, 1);
        assert_eq!(measure(&format!("{}a", "€".repeat(80))).segments, 2);
    }

    #[test]
    fn an_escape_pair_is_never_split_across_segments() {
        // 152 plain septets then an extension char: 154 > 153, so the pair moves to segment 2,
        // which then holds 2 + 9 = 11 septets; 163 septets in 2 segments.
        let text = format!("{}€{}", "a".repeat(152), "b".repeat(9));
        let m = measure(&text);
        assert_eq!((m.units, m.segments), (163, 2));
        // Filling exactly 153 + 153 septets, with a pair straddling the boundary, needs 3.
        let text = format!("{}€{}", "a".repeat(152), "b".repeat(152));
        assert_eq!(measure(&text).segments, 3);
    }

    #[test]
    fn one_curly_apostrophe_switches_to_ucs2() {
        let m = measure("We’ll see you at 3pm");
        assert_eq!(m.encoding, SmsEncoding::Ucs2);
        assert_eq!(m.non_gsm_chars, vec!['’']);
        assert_eq!((m.units, m.segments), (20, 1));
        assert_eq!(measure(&format!("’{}", "a".repeat(69))).segments, 1);
        assert_eq!(measure(&format!("’{}", "a".repeat(70))).segments, 2);
        assert_eq!(measure(&format!("’{}", "a".repeat(133))).segments, 2);
        assert_eq!(measure(&format!("’{}", "a".repeat(134))).segments, 3);
    }

    #[test]
    fn emoji_are_two_utf16_units_and_not_split() {
        let m = measure("See you soon 👋");
        assert_eq!((m.encoding, m.units), (SmsEncoding::Ucs2, 15));
        // 66 units then an emoji (2): 68 > 67, so the emoji starts segment 2.
        let text = format!("{}👋", "a".repeat(66));
        assert_eq!((measure(&text).units, measure(&text).segments), (68, 1));
        let text = format!("{}👋{}", "a".repeat(66), "a".repeat(3));
        assert_eq!((measure(&text).units, measure(&text).segments), (71, 2));
    }

    #[test]
    fn gsm_accents_and_greek_are_one_septet() {
        let m = measure("Café Ñoño Ä ΔΩ ¿¡");
        assert_eq!(m.encoding, SmsEncoding::Gsm7);
        assert_eq!(m.units, "Café Ñoño Ä ΔΩ ¿¡".chars().count());
        // ú and ç (lower case) are not in the default alphabet (ù and Ç are).
        assert_eq!(measure("menú").encoding, SmsEncoding::Ucs2);
        assert_eq!(measure("ça").encoding, SmsEncoding::Ucs2);
    }

    #[test]
    fn empty_is_zero_segments() {
        assert_eq!(measure("").segments, 0);
    }

    proptest! {
        #[test]
        fn segments_cover_units(text in "\\PC{0,400}") {
            let m = measure(&text);
            let (single, multi) = match m.encoding {
                SmsEncoding::Gsm7 => (GSM7_SINGLE, GSM7_MULTI),
                SmsEncoding::Ucs2 => (UCS2_SINGLE, UCS2_MULTI),
            };
            if m.units <= single {
                prop_assert_eq!(m.segments, usize::from(m.units > 0));
            } else {
                prop_assert!(m.segments * multi >= m.units);
                // Greedy packing wastes at most one unit per segment boundary.
                prop_assert!((m.segments - 1) * (multi - 1) < m.units);
            }
        }
    }
}
