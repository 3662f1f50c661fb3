//! Bytes → normalised text: size cap, binary sniffing, encodings (UTF-8 with or without BOM,
//! UTF-16 LE/BE with or without BOM, Windows-1252 fallback), NULs and stray control characters
//! stripped, CRLF/CR turned into LF, and every U+FEFF removed (so no BOM ends up in a name).

use super::{ErrorKind, IngestOptions};
use std::borrow::Cow;

/// The encoding a file was read with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TextEncoding {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16Be,
    Windows1252,
}

/// Decodes and normalises `bytes`. The size cap is checked before anything else.
pub(crate) fn decode<'a>(
    bytes: &'a [u8],
    options: &IngestOptions,
) -> Result<(Cow<'a, str>, TextEncoding), ErrorKind> {
    if bytes.len() as u64 > options.max_bytes {
        return Err(ErrorKind::TooLarge {
            bytes: bytes.len() as u64,
            limit: options.max_bytes,
        });
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ErrorKind::Empty);
    }
    let (text, encoding): (Cow<'a, str>, TextEncoding) =
        if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
            (utf8_or_fallback(rest)?, TextEncoding::Utf8Bom)
        } else if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
            (utf16(rest, encoding_rs::UTF_16LE)?, TextEncoding::Utf16Le)
        } else if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
            (utf16(rest, encoding_rs::UTF_16BE)?, TextEncoding::Utf16Be)
        } else {
            if let Some(what) = sniff_binary(bytes) {
                return Err(ErrorKind::NotText {
                    what: what.to_owned(),
                });
            }
            match bomless_utf16(bytes) {
                Some(TextEncoding::Utf16Le) => {
                    (utf16(bytes, encoding_rs::UTF_16LE)?, TextEncoding::Utf16Le)
                }
                Some(_) => (utf16(bytes, encoding_rs::UTF_16BE)?, TextEncoding::Utf16Be),
                None => {
                    if looks_binary(bytes) {
                        return Err(ErrorKind::NotText {
                            what: "binary data".to_owned(),
                        });
                    }
                    match std::str::from_utf8(bytes) {
                        Ok(text) => (Cow::Borrowed(text), TextEncoding::Utf8),
                        Err(_) => match mostly_utf8(bytes) {
                            Some(text) => (Cow::Owned(text), TextEncoding::Utf8),
                            None => {
                                let (text, _) =
                                    encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
                                (Cow::Owned(text.into_owned()), TextEncoding::Windows1252)
                            }
                        },
                    }
                }
            }
        };
    let text = normalise(text);
    if text.trim().is_empty() {
        return Err(ErrorKind::Empty);
    }
    Ok((text, encoding))
}

fn utf8_or_fallback(bytes: &[u8]) -> Result<Cow<'_, str>, ErrorKind> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(Cow::Borrowed(text)),
        Err(_) => Ok(Cow::Owned(String::from_utf8_lossy(bytes).into_owned())),
    }
}

fn utf16<'a>(
    bytes: &[u8],
    encoding: &'static encoding_rs::Encoding,
) -> Result<Cow<'a, str>, ErrorKind> {
    let (text, _) = encoding.decode_without_bom_handling(bytes);
    let replaced = text
        .chars()
        .filter(|character| *character == '\u{FFFD}')
        .count();
    let total = text.chars().count().max(1);
    // A few broken surrogates are tolerable; a file that is mostly garbage is not UTF-16.
    if replaced * 20 > total {
        return Err(ErrorKind::BadEncoding {
            detail: format!("{replaced} of {total} characters are not valid UTF-16"),
        });
    }
    Ok(Cow::Owned(text.into_owned()))
}

/// Invalid UTF-8 that is nonetheless mostly valid multi-byte UTF-8 (a few corrupt bytes; at
/// least two good multi-byte characters per bad byte) is
/// better read as UTF-8 with replacement characters than as Windows-1252 mojibake.
fn mostly_utf8(bytes: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(bytes);
    let replaced = text
        .chars()
        .filter(|character| *character == '\u{FFFD}')
        .count();
    let multibyte = text
        .chars()
        .filter(|character| !character.is_ascii() && *character != '\u{FFFD}')
        .count();
    (multibyte >= 4 && replaced * 2 <= multibyte).then(|| text.into_owned())
}

/// Known binary formats people rename or drop by mistake.
fn sniff_binary(bytes: &[u8]) -> Option<&'static str> {
    const SIGNATURES: &[(&[u8], &str)] = &[
        (b"\x89PNG\r\n\x1a\n", "a PNG image"),
        (b"\xFF\xD8\xFF", "a JPEG image"),
        (b"GIF87a", "a GIF image"),
        (b"GIF89a", "a GIF image"),
        (b"%PDF-", "a PDF document"),
        (b"PK\x03\x04", "a Word document or ZIP archive"),
        (b"PK\x05\x06", "a ZIP archive"),
        (
            b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1",
            "an old Word or Excel document",
        ),
        (b"{\\rtf", "an RTF document"),
        (b"\x1F\x8B", "a compressed (gzip) file"),
        (b"7z\xBC\xAF\x27\x1C", "a 7-Zip archive"),
        (b"Rar!\x1A\x07", "a RAR archive"),
        (b"ID3", "an MP3 audio file"),
        (b"OggS", "an Ogg audio file"),
        (b"fLaC", "a FLAC audio file"),
        (b"\x1A\x45\xDF\xA3", "a WebM or MKV video"),
        (b"MZ", "a Windows program"),
        (b"\x7FELF", "a program"),
        (b"SQLite format 3\0", "a database file"),
    ];
    for (signature, what) in SIGNATURES {
        if bytes.starts_with(signature) {
            return Some(what);
        }
    }
    if bytes.len() >= 12 && &bytes[..4] == b"RIFF" {
        return Some(match &bytes[8..12] {
            b"WAVE" => "a WAV audio file",
            b"WEBP" => "a WebP image",
            b"AVI " => "an AVI video",
            _ => "a media file",
        });
    }
    if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" {
        return Some("an MP4/M4A audio or video file");
    }
    if bytes.len() >= 2
        && bytes[0] == 0xFF
        && bytes[1] & 0xE0 == 0xE0
        && !bytes.starts_with(&[0xFF, 0xFE])
    {
        return Some("an MP3 audio file");
    }
    None
}

/// BOM-less UTF-16 shows as a NUL in every other byte for Latin text.
fn bomless_utf16(bytes: &[u8]) -> Option<TextEncoding> {
    let sample = &bytes[..bytes.len().min(4096) & !1];
    let pairs = sample.len() / 2;
    if pairs < 2 {
        return None;
    }
    let (mut even_zero, mut odd_zero) = (0, 0);
    for pair in sample.chunks_exact(2) {
        even_zero += usize::from(pair[0] == 0);
        odd_zero += usize::from(pair[1] == 0);
    }
    if odd_zero * 10 >= pairs * 4 && even_zero * 20 < pairs {
        Some(TextEncoding::Utf16Le)
    } else if even_zero * 10 >= pairs * 4 && odd_zero * 20 < pairs {
        Some(TextEncoding::Utf16Be)
    } else {
        None
    }
}

/// NULs or control bytes in more than a tenth of the first KB: not a text file (a text file
/// with a few stray NULs is read, and the NULs are dropped).
fn looks_binary(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(1024)];
    let control: usize = sample
        .iter()
        .map(|&byte| {
            usize::from(
                (byte < 0x20)
                    & (byte != b'\n')
                    & (byte != b'\r')
                    & (byte != b'\t')
                    & (byte != 0x0C)
                    & (byte != 0x1B),
            )
        })
        .sum();
    control * 10 > sample.len()
}

/// Whether `bytes` hold anything [`normalise`] changes: a control character other than LF
/// and tab, DEL, or the lead byte 0xEF of U+FEFF (and of other rare characters; a false alarm
/// only costs a copy). Branch-free over 64-byte blocks, so it compiles to SIMD.
fn needs_normalising(bytes: &[u8]) -> bool {
    bytes.chunks(64).any(|block| {
        block.iter().fold(false, |found, &byte| {
            found
                | ((byte < 0x20) & (byte != b'\n') & (byte != b'\t'))
                | (byte == 0x7F)
                | (byte == 0xEF)
        })
    })
}

/// LF line ends; no NULs, other control characters or U+FEFF. Borrows when nothing changes.
fn normalise(text: Cow<'_, str>) -> Cow<'_, str> {
    if !needs_normalising(text.as_bytes()) {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    let mut characters = text.chars().peekable();
    while let Some(character) = characters.next() {
        match character {
            '\r' => {
                if characters.peek() != Some(&'\n') {
                    out.push('\n');
                }
            }
            '\n' | '\t' => out.push(character),
            '\u{C}' | '\u{B}' => out.push('\n'),
            '\u{FEFF}' => {}
            control if control.is_control() && (control as u32) < 0xA0 => {}
            other => out.push(other),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(bytes: &[u8]) -> Result<(String, TextEncoding), ErrorKind> {
        decode(bytes, &IngestOptions::default())
            .map(|(text, encoding)| (text.into_owned(), encoding))
    }

    fn utf16le(text: &str, bom: bool) -> Vec<u8> {
        let mut bytes = if bom { vec![0xFF, 0xFE] } else { Vec::new() };
        bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        bytes
    }

    #[test]
    fn reads_every_encoding_to_the_same_text() {
        let text = "Dana: Hi there, caf\u{e9} time\nMarcus: It\u{2019}s fine\n";
        let be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        let bomless_be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        let (cp1252, _, _) = encoding_rs::WINDOWS_1252.encode(text);
        let cases: Vec<(Vec<u8>, TextEncoding)> = vec![
            (text.as_bytes().to_vec(), TextEncoding::Utf8),
            (
                [&[0xEF, 0xBB, 0xBF][..], text.as_bytes()].concat(),
                TextEncoding::Utf8Bom,
            ),
            (utf16le(text, true), TextEncoding::Utf16Le),
            (utf16le(text, false), TextEncoding::Utf16Le),
            (be, TextEncoding::Utf16Be),
            (bomless_be, TextEncoding::Utf16Be),
            (cp1252.into_owned(), TextEncoding::Windows1252),
            (text.replace('\n', "\r\n").into_bytes(), TextEncoding::Utf8),
            (text.replace('\n', "\r").into_bytes(), TextEncoding::Utf8),
        ];
        for (bytes, encoding) in cases {
            assert_eq!(
                read(&bytes),
                Ok((text.to_owned(), encoding)),
                "{encoding:?}"
            );
        }
    }

    #[test]
    fn strips_nuls_boms_and_control_characters() {
        let (text, _) = read(b"Da\0na: hi\x07 there\n\xEF\xBB\xBFMarcus: yo").expect("decodes");
        assert_eq!(text, "Dana: hi there\nMarcus: yo");
        // A BOM that survived an earlier conversion (a UTF-8 BOM inside UTF-16) is removed too.
        let (text, _) = read(&utf16le("\u{FEFF}Dana: hi", true)).expect("decodes");
        assert_eq!(text, "Dana: hi");
    }

    #[test]
    fn rejects_what_is_not_text() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10";
        assert_eq!(
            read(png),
            Err(ErrorKind::NotText {
                what: "a PNG image".to_owned()
            })
        );
        assert!(matches!(
            read(b"%PDF-1.7\n..."),
            Err(ErrorKind::NotText { .. })
        ));
        assert!(matches!(
            read(&[7u8, 0, 1, 2, 3, 200, 0, 9, 0, 0, 1, 5, 6]),
            Err(ErrorKind::NotText { .. })
        ));
        assert_eq!(read(b""), Err(ErrorKind::Empty));
        assert_eq!(read(b" \n\r\n\t "), Err(ErrorKind::Empty));
        assert!(matches!(
            read(b"\0\0\0\0\0\0"),
            Err(ErrorKind::NotText { .. })
        ));
    }

    #[test]
    fn checks_the_size_cap_first() {
        let options = IngestOptions {
            max_bytes: 10,
            ..IngestOptions::default()
        };
        let result = decode(b"\x89PNG\r\n\x1a\n and more bytes", &options);
        assert_eq!(
            result.err(),
            Some(ErrorKind::TooLarge {
                bytes: 23,
                limit: 10
            })
        );
    }

    #[test]
    fn mostly_valid_utf8_stays_utf8() {
        let mut bytes =
            "Ren\u{e9}e: d\u{e9}j\u{e0} vu, na\u{ef}ve caf\u{e9} \u{2014} r\u{e9}sum\u{e9}"
                .as_bytes()
                .to_vec();
        bytes.push(0xFF);
        let (text, encoding) = read(&bytes).expect("decodes");
        assert_eq!(encoding, TextEncoding::Utf8);
        assert!(text.starts_with("Ren\u{e9}e: d\u{e9}j\u{e0}"));
    }
}
