//! The HTTP side of a /rest/v1 request (contract §1.4): `Prefer`, `Accept`, the profile headers,
//! `Range`, and the shape of the JSON body. Pure functions over header values and bytes.

use super::error::ApiError;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::fmt;
use std::fmt::Write as _;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Representation {
    /// The default for writes: no body.
    #[default]
    Minimal,
    /// `return=representation`: the affected rows.
    Full,
    /// `return=headers-only`: no body, but a Location header for single inserts.
    HeadersOnly,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolution {
    MergeDuplicates,
    IgnoreDuplicates,
}

/// The `Prefer` header, as PostgREST reads it: comma-separated, possibly spread over several
/// headers; unknown items are remembered for `handling=strict`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Preferences {
    pub representation: Option<Representation>,
    /// `count=exact|planned|estimated` (all counted exactly here).
    pub count: bool,
    pub resolution: Option<Resolution>,
    /// `missing=default`: absent keys take the column DEFAULT.
    pub missing_default: bool,
    pub strict: bool,
    pub max_affected: Option<i64>,
    pub timezone: Option<String>,
    /// What was applied, in order, for `Preference-Applied`.
    pub applied: Vec<String>,
    pub invalid: Vec<String>,
}

impl Preferences {
    pub fn parse<'a>(values: impl Iterator<Item = &'a str>) -> Preferences {
        let mut preferences = Preferences::default();
        for item in values
            .flat_map(|value| value.split(','))
            .map(str::trim)
            .filter(|item| !item.is_empty())
        {
            let (key, value) = item.split_once('=').unwrap_or((item, ""));
            let (key, value) = (key.trim(), value.trim());
            let known = match (key, value) {
                ("return", "minimal") => {
                    preferences.representation = Some(Representation::Minimal);
                    true
                }
                ("return", "representation") => {
                    preferences.representation = Some(Representation::Full);
                    true
                }
                ("return", "headers-only") => {
                    preferences.representation = Some(Representation::HeadersOnly);
                    true
                }
                ("count", "exact" | "planned" | "estimated") => {
                    preferences.count = true;
                    true
                }
                ("resolution", "merge-duplicates") => {
                    preferences.resolution = Some(Resolution::MergeDuplicates);
                    true
                }
                ("resolution", "ignore-duplicates") => {
                    preferences.resolution = Some(Resolution::IgnoreDuplicates);
                    true
                }
                ("missing", "default") => {
                    preferences.missing_default = true;
                    true
                }
                ("missing", "null") => true,
                ("handling", "strict") => {
                    preferences.strict = true;
                    true
                }
                ("handling", "lenient") => {
                    preferences.strict = false;
                    true
                }
                ("max-affected", number) => match number.parse::<i64>() {
                    Ok(number) if number >= 0 => {
                        preferences.max_affected = Some(number);
                        true
                    }
                    _ => false,
                },
                // The server decides whether a request may roll back (Supabase: never).
                ("tx", "commit" | "rollback") => true,
                ("timezone", zone) if !zone.is_empty() => {
                    preferences.timezone = Some(zone.to_owned());
                    true
                }
                _ => false,
            };
            if known {
                preferences.applied.push(item.to_owned());
            } else {
                preferences.invalid.push(item.to_owned());
            }
        }
        preferences
    }

    /// PGRST122 when strict handling meets an unknown preference.
    pub fn check_strict(&self) -> Result<(), ApiError> {
        if self.strict && !self.invalid.is_empty() {
            return Err(ApiError::InvalidPreferences(self.invalid.clone()));
        }
        Ok(())
    }
}

/// What the client accepts, reduced to what we produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Media {
    Json {
        strip_nulls: bool,
    },
    /// `application/vnd.pgrst.object+json`: exactly one row, as an object.
    Singular {
        strip_nulls: bool,
    },
    Csv,
}

impl Media {
    pub fn content_type(self) -> &'static str {
        match self {
            Media::Json { .. } => "application/json; charset=utf-8",
            Media::Singular { .. } => "application/vnd.pgrst.object+json; charset=utf-8",
            Media::Csv => "text/csv; charset=utf-8",
        }
    }
}

/// Pick the response media type from `Accept` (first acceptable by q, then order).
pub fn negotiate(accept: Option<&str>) -> Result<Media, ApiError> {
    let Some(accept) = accept.filter(|value| !value.trim().is_empty()) else {
        return Ok(Media::Json { strip_nulls: false });
    };
    /// (quality, position, media type, parameters)
    type Candidate<'a> = (f32, usize, &'a str, Vec<(&'a str, &'a str)>);
    let mut candidates: Vec<Candidate> = Vec::new();
    for (index, part) in accept.split(',').enumerate() {
        let mut pieces = part.split(';').map(str::trim);
        let mime = pieces.next().unwrap_or_default();
        let mut quality = 1.0;
        let mut parameters = Vec::new();
        for parameter in pieces {
            let (key, value) = parameter.split_once('=').unwrap_or((parameter, ""));
            if key.trim() == "q" {
                quality = value.trim().parse().unwrap_or(1.0);
            } else {
                parameters.push((key.trim(), value.trim()));
            }
        }
        if quality > 0.0 {
            candidates.push((quality, index, mime, parameters));
        }
    }
    candidates.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    for (_, _, mime, parameters) in &candidates {
        let strip_nulls = parameters.contains(&("nulls", "stripped"));
        match mime.to_ascii_lowercase().as_str() {
            "application/json" | "*/*" | "application/*" => {
                return Ok(Media::Json { strip_nulls: false });
            }
            "application/vnd.pgrst.array+json" => return Ok(Media::Json { strip_nulls }),
            "application/vnd.pgrst.object+json" | "application/vnd.pgrst.object" => {
                return Ok(Media::Singular { strip_nulls });
            }
            "text/csv" | "text/*" => return Ok(Media::Csv),
            _ => {}
        }
    }
    Err(ApiError::UnacceptableMediaType(
        candidates
            .iter()
            .map(|(_, _, mime, _)| *mime)
            .collect::<Vec<_>>()
            .join(", "),
    ))
}

/// The schema of a request: `Accept-Profile` (GET/HEAD) or `Content-Profile` (others), else
/// the first exposed schema. An unexposed schema is 406 PGRST106.
pub fn profile(requested: Option<&str>, exposed: &[String]) -> Result<String, ApiError> {
    let default = exposed
        .first()
        .cloned()
        .unwrap_or_else(|| "public".to_owned());
    match requested.map(str::trim) {
        None | Some("") => Ok(default),
        Some(schema) if exposed.iter().any(|s| s == schema) => Ok(schema.to_owned()),
        Some(schema) => Err(ApiError::InvalidSchema {
            schema: schema.to_owned(),
            exposed: exposed.to_vec(),
        }),
    }
}

/// `Range: 0-24` (optionally `items=0-24`) → (offset, limit).
pub fn range_header(value: &str) -> Result<Option<(u64, Option<u64>)>, ApiError> {
    let value = value.trim();
    let value = value.strip_prefix("items=").unwrap_or(value);
    let Some((from, to)) = value.split_once('-') else {
        return Ok(None);
    };
    let Ok(from) = from.trim().parse::<u64>() else {
        return Ok(None);
    };
    let to = to.trim();
    if to.is_empty() {
        return Ok(Some((from, None)));
    }
    let Ok(to) = to.parse::<u64>() else {
        return Ok(None);
    };
    if from > to {
        return Err(ApiError::InvalidRange(
            "The lower boundary must be lower than or equal to the upper boundary in the Range header."
                .to_owned(),
        ));
    }
    Ok(Some((from, Some(to - from + 1))))
}

/// What a JSON body looks like at the top level: enough to pick columns and arguments without
/// building the whole value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyShape {
    /// An object and its keys, in order.
    Object(Vec<String>),
    /// An array; the keys of each element when every element is an object, else None.
    Array(Option<Vec<Vec<String>>>),
    /// A string, number, boolean or null.
    Scalar,
    /// Not JSON: a body for a function's single unnamed parameter of this type.
    Raw(RawType),
}

/// A function body passed as is, chosen by Content-Type as PostgREST does: `text/plain` goes to
/// a single unnamed `text` parameter, `application/octet-stream` to `bytea`, `text/xml` to `xml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RawType {
    Text,
    Bytea,
    Xml,
}

impl RawType {
    /// The raw type a Content-Type selects; None for JSON and anything else.
    pub fn from_content_type(value: Option<&str>) -> Option<RawType> {
        let essence = value?.split(';').next()?.trim().to_ascii_lowercase();
        match essence.as_str() {
            "text/plain" => Some(RawType::Text),
            "application/octet-stream" => Some(RawType::Bytea),
            "text/xml" => Some(RawType::Xml),
            _ => None,
        }
    }

    /// The parameter's base type name.
    pub fn type_name(self) -> &'static str {
        match self {
            RawType::Text => "text",
            RawType::Bytea => "bytea",
            RawType::Xml => "xml",
        }
    }
}

/// Deepest accepted nesting of a JSON body (PostgreSQL's parser is recursive; refuse early).
pub const MAX_JSON_DEPTH: usize = 128;

/// The deepest `[`/`{` nesting of JSON text, ignoring brackets inside strings.
fn nesting_depth(bytes: &[u8]) -> usize {
    let mut depth = 0usize;
    let mut deepest = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for &byte in bytes {
        if in_string {
            match (escaped, byte) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// A request body that parsed as JSON.
#[derive(Debug, Clone)]
pub struct Payload {
    pub text: String,
    pub shape: BodyShape,
}

impl Payload {
    /// Parse a body. serde_json's recursion limit refuses deeply nested JSON quickly.
    pub fn parse(bytes: &[u8]) -> Result<Payload, ApiError> {
        let text = std::str::from_utf8(bytes)
            .map_err(|_| ApiError::InvalidBody("The body is not valid UTF-8".to_owned()))?;
        if nesting_depth(bytes) > MAX_JSON_DEPTH {
            return Err(ApiError::InvalidBody(format!(
                "JSON nested deeper than {MAX_JSON_DEPTH} levels is not accepted"
            )));
        }
        let shape: BodyShape = serde_json::from_str(text)
            .map_err(|error| ApiError::InvalidBody(format!("Empty or invalid json: {error}")))?;
        Ok(Payload {
            text: text.to_owned(),
            shape,
        })
    }

    /// A raw body for a function parameter of type `kind`. Text and XML must be UTF-8; bytes
    /// travel as bytea's hex input form (`\x…`), so every value stays a text parameter.
    pub fn raw(bytes: &[u8], kind: RawType) -> Result<Payload, ApiError> {
        let text = match kind {
            RawType::Bytea => {
                let mut hex = String::with_capacity(2 + bytes.len() * 2);
                hex.push_str("\\x");
                for byte in bytes {
                    // Writing to a String cannot fail.
                    let _ = write!(hex, "{byte:02x}");
                }
                hex
            }
            RawType::Text | RawType::Xml => std::str::from_utf8(bytes)
                .map_err(|_| ApiError::InvalidBody("The body is not valid UTF-8".to_owned()))?
                .to_owned(),
        };
        Ok(Payload {
            text,
            shape: BodyShape::Raw(kind),
        })
    }

    /// The body as a JSON array of rows (an object becomes a one-element array).
    pub fn as_array_text(&self) -> String {
        match self.shape {
            BodyShape::Object(_) => format!("[{}]", self.text),
            _ => self.text.clone(),
        }
    }
}

struct KeysOnly(Vec<String>);

impl<'de> de::Deserialize<'de> for KeysOnly {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<KeysOnly, D::Error> {
        struct KeysVisitor;
        impl<'de> Visitor<'de> for KeysVisitor {
            type Value = KeysOnly;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<KeysOnly, A::Error> {
                let mut keys = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    map.next_value::<IgnoredAny>()?;
                    if !keys.contains(&key) {
                        keys.push(key);
                    }
                }
                Ok(KeysOnly(keys))
            }
        }
        deserializer.deserialize_map(KeysVisitor)
    }
}

/// An element of a top-level array: an object's keys, or None for anything else.
struct Element(Option<Vec<String>>);

impl<'de> de::Deserialize<'de> for Element {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Element, D::Error> {
        struct ElementVisitor;
        impl<'de> Visitor<'de> for ElementVisitor {
            type Value = Element;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Element, A::Error> {
                let KeysOnly(keys) =
                    de::Deserialize::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(Element(Some(keys)))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Element, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Element(None))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Element, E> {
                Ok(Element(None))
            }
            fn visit_i64<E>(self, _: i64) -> Result<Element, E> {
                Ok(Element(None))
            }
            fn visit_u64<E>(self, _: u64) -> Result<Element, E> {
                Ok(Element(None))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Element, E> {
                Ok(Element(None))
            }
            fn visit_str<E>(self, _: &str) -> Result<Element, E> {
                Ok(Element(None))
            }
            fn visit_unit<E>(self) -> Result<Element, E> {
                Ok(Element(None))
            }
        }
        deserializer.deserialize_any(ElementVisitor)
    }
}

impl<'de> de::Deserialize<'de> for BodyShape {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<BodyShape, D::Error> {
        struct ShapeVisitor;
        impl<'de> Visitor<'de> for ShapeVisitor {
            type Value = BodyShape;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<BodyShape, A::Error> {
                let KeysOnly(keys) =
                    de::Deserialize::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(BodyShape::Object(keys))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<BodyShape, A::Error> {
                let mut rows = Some(Vec::new());
                while let Some(Element(keys)) = seq.next_element::<Element>()? {
                    match (keys, &mut rows) {
                        (Some(keys), Some(rows)) => rows.push(keys),
                        _ => rows = None,
                    }
                }
                Ok(BodyShape::Array(rows))
            }
            fn visit_bool<E>(self, _: bool) -> Result<BodyShape, E> {
                Ok(BodyShape::Scalar)
            }
            fn visit_i64<E>(self, _: i64) -> Result<BodyShape, E> {
                Ok(BodyShape::Scalar)
            }
            fn visit_u64<E>(self, _: u64) -> Result<BodyShape, E> {
                Ok(BodyShape::Scalar)
            }
            fn visit_f64<E>(self, _: f64) -> Result<BodyShape, E> {
                Ok(BodyShape::Scalar)
            }
            fn visit_str<E>(self, _: &str) -> Result<BodyShape, E> {
                Ok(BodyShape::Scalar)
            }
            fn visit_unit<E>(self) -> Result<BodyShape, E> {
                Ok(BodyShape::Scalar)
            }
        }
        deserializer.deserialize_any(ShapeVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefer_is_comma_joined_and_remembers_unknown_items() {
        let preferences = Preferences::parse(
            [
                "count=exact, missing=default, return=representation",
                "handling=strict,foo=bar",
            ]
            .into_iter(),
        );
        assert!(preferences.count && preferences.missing_default && preferences.strict);
        assert_eq!(preferences.representation, Some(Representation::Full));
        assert_eq!(preferences.invalid, ["foo=bar"]);
        assert!(matches!(
            preferences.check_strict(),
            Err(ApiError::InvalidPreferences(_))
        ));
        let lenient = Preferences::parse(["foo=bar, max-affected=5"].into_iter());
        assert!(lenient.check_strict().is_ok());
        assert_eq!(lenient.max_affected, Some(5));
    }

    #[test]
    fn accept_negotiation() {
        assert_eq!(negotiate(None).unwrap(), Media::Json { strip_nulls: false });
        assert_eq!(
            negotiate(Some("application/vnd.pgrst.object+json")).unwrap(),
            Media::Singular { strip_nulls: false }
        );
        assert_eq!(
            negotiate(Some("application/vnd.pgrst.object+json;nulls=stripped")).unwrap(),
            Media::Singular { strip_nulls: true }
        );
        assert_eq!(
            negotiate(Some("text/html;q=0.9, text/csv")).unwrap(),
            Media::Csv
        );
        assert_eq!(
            negotiate(Some("application/xml")).unwrap_err().body()["code"],
            "PGRST107"
        );
    }

    #[test]
    fn profiles_and_ranges() {
        let exposed = vec!["public".to_owned(), "graphql_public".to_owned()];
        assert_eq!(profile(None, &exposed).unwrap(), "public");
        assert_eq!(
            profile(Some("graphql_public"), &exposed).unwrap(),
            "graphql_public"
        );
        let error = profile(Some("auth"), &exposed).unwrap_err();
        assert_eq!(
            error.body()["hint"],
            "Only the following schemas are exposed: public, graphql_public"
        );
        assert_eq!(range_header("0-24").unwrap(), Some((0, Some(25))));
        assert_eq!(range_header("items=10-").unwrap(), Some((10, None)));
        assert!(range_header("5-1").is_err());
        assert_eq!(range_header("bytes").unwrap(), None);
    }

    #[test]
    fn body_shapes() {
        let object = Payload::parse(br#"{"a":1,"b":{"c":[1,2]}}"#).unwrap();
        assert_eq!(
            object.shape,
            BodyShape::Object(vec!["a".into(), "b".into()])
        );
        assert_eq!(object.as_array_text(), r#"[{"a":1,"b":{"c":[1,2]}}]"#);
        let array = Payload::parse(br#"[{"a":1},{"b":2,"a":3}]"#).unwrap();
        assert_eq!(
            array.shape,
            BodyShape::Array(Some(vec![vec!["a".into()], vec!["b".into(), "a".into()]]))
        );
        assert_eq!(
            Payload::parse(b"[1,{}]").unwrap().shape,
            BodyShape::Array(None)
        );
        assert_eq!(Payload::parse(b"3").unwrap().shape, BodyShape::Scalar);
        assert!(Payload::parse(b"{").is_err());
        assert!(Payload::parse(b"").is_err());
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        assert!(Payload::parse(deep.as_bytes()).is_err());
        let deep_object = format!("{}1{}", r#"{"a":"#.repeat(10_000), "}".repeat(10_000));
        assert!(Payload::parse(deep_object.as_bytes()).is_err());
        let fine = format!(
            "{}{}",
            "[".repeat(MAX_JSON_DEPTH),
            "]".repeat(MAX_JSON_DEPTH)
        );
        assert!(Payload::parse(fine.as_bytes()).is_ok());
        assert!(Payload::parse(br#"{"a":"[[[[\"]]]"}"#).is_ok());
    }
}
