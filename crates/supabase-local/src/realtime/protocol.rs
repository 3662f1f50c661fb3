//! Phoenix channel framing as realtime-js speaks it (contract §3.1): text frames carrying
//! `join_ref`, `ref`, `topic`, `event` and `payload`, as a JSON object (vsn 1.0.0) or as the
//! array `[join_ref, ref, topic, event, payload]` (vsn 2.0.0). Binary frames (vsn 2 client
//! broadcasts) are out of scope; the server only ever sends text.

use serde_json::{Map, Value, json};

/// The serializer version a socket negotiated with `?vsn=`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vsn {
    /// `1.0.0`, Phoenix's default: JSON objects.
    V1,
    /// `2.0.0`, realtime-js's default: JSON arrays.
    V2,
}

impl Vsn {
    /// The version named by the `vsn` query parameter; the server default (1.0.0) when absent.
    pub fn parse(vsn: Option<&str>) -> Option<Vsn> {
        match vsn {
            None | Some("1.0.0") => Some(Vsn::V1),
            Some("2.0.0") => Some(Vsn::V2),
            Some(_) => None,
        }
    }
}

/// One Phoenix message, in either direction.
#[derive(Debug, Clone, PartialEq)]
pub struct Frame {
    pub join_ref: Option<String>,
    /// The message `ref`, which replies echo.
    pub reference: Option<String>,
    pub topic: String,
    pub event: String,
    pub payload: Value,
}

/// Why a text frame could not be read as a Phoenix message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    #[error("frame is not JSON")]
    NotJson,
    #[error("frame is not a Phoenix message: {0}")]
    Shape(&'static str),
}

/// A `ref` or `join_ref`: clients send strings; numbers are tolerated, null means none.
fn reference(value: Option<&Value>) -> Result<Option<String>, FrameError> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text.clone())),
        Some(Value::Number(number)) => Ok(Some(number.to_string())),
        Some(_) => Err(FrameError::Shape("ref must be a string")),
    }
}

fn string(value: Option<&Value>, what: &'static str) -> Result<String, FrameError> {
    match value {
        Some(Value::String(text)) => Ok(text.clone()),
        _ => Err(FrameError::Shape(what)),
    }
}

impl Frame {
    /// Read a text frame sent by a client.
    pub fn decode(text: &str, vsn: Vsn) -> Result<Frame, FrameError> {
        let value: Value = serde_json::from_str(text).map_err(|_| FrameError::NotJson)?;
        match (vsn, value) {
            (Vsn::V2, Value::Array(mut items)) => {
                if items.len() != 5 {
                    return Err(FrameError::Shape("expected 5 elements"));
                }
                let payload = items.pop().unwrap_or(Value::Null);
                Ok(Frame {
                    join_ref: reference(items.first())?,
                    reference: reference(items.get(1))?,
                    topic: string(items.get(2), "topic must be a string")?,
                    event: string(items.get(3), "event must be a string")?,
                    payload,
                })
            }
            (Vsn::V1, Value::Object(mut fields)) => Ok(Frame {
                join_ref: reference(fields.get("join_ref"))?,
                reference: reference(fields.get("ref"))?,
                topic: string(fields.get("topic"), "topic must be a string")?,
                event: string(fields.get("event"), "event must be a string")?,
                payload: fields.remove("payload").unwrap_or(Value::Null),
            }),
            (Vsn::V2, _) => Err(FrameError::Shape("expected an array")),
            (Vsn::V1, _) => Err(FrameError::Shape("expected an object")),
        }
    }

    /// Write a frame for a client.
    pub fn encode(&self, vsn: Vsn) -> String {
        let value = match vsn {
            Vsn::V2 => json!([
                self.join_ref,
                self.reference,
                self.topic,
                self.event,
                self.payload
            ]),
            Vsn::V1 => {
                let mut fields = Map::new();
                fields.insert("join_ref".into(), json!(self.join_ref));
                fields.insert("ref".into(), json!(self.reference));
                fields.insert("topic".into(), json!(self.topic));
                fields.insert("event".into(), json!(self.event));
                fields.insert("payload".into(), self.payload.clone());
                Value::Object(fields)
            }
        };
        value.to_string()
    }

    /// The `phx_reply` to this frame: `{"status": status, "response": response}`, echoing
    /// its refs and topic.
    pub fn reply(&self, status: &str, response: Value) -> Frame {
        Frame {
            join_ref: self.join_ref.clone(),
            reference: self.reference.clone(),
            topic: self.topic.clone(),
            event: "phx_reply".to_owned(),
            payload: json!({"status": status, "response": response}),
        }
    }

    /// An error reply with a reason, as Phoenix channels send them.
    pub fn reply_error(&self, reason: &str) -> Frame {
        self.reply("error", json!({"reason": reason}))
    }

    /// A server push on a joined channel (no `ref`).
    pub fn push(join_ref: Option<&str>, topic: &str, event: &str, payload: Value) -> Frame {
        Frame {
            join_ref: join_ref.map(str::to_owned),
            reference: None,
            topic: topic.to_owned(),
            event: event.to_owned(),
            payload,
        }
    }

    /// `phx_close` for a channel: the client stops it without rejoining.
    pub fn close(join_ref: &str, topic: &str) -> Frame {
        Frame {
            join_ref: Some(join_ref.to_owned()),
            reference: Some(join_ref.to_owned()),
            topic: topic.to_owned(),
            event: "phx_close".to_owned(),
            payload: json!({}),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_realtime_js_join_frames_in_both_versions() {
        let v2 = r#"["1","1","realtime:job:7","phx_join",{"config":{"private":true},"access_token":"t"}]"#;
        let frame = Frame::decode(v2, Vsn::V2).unwrap();
        assert_eq!(frame.join_ref.as_deref(), Some("1"));
        assert_eq!(frame.reference.as_deref(), Some("1"));
        assert_eq!(frame.topic, "realtime:job:7");
        assert_eq!(frame.event, "phx_join");
        assert_eq!(frame.payload["config"]["private"], true);

        let v1 = r#"{"topic":"realtime:job:7","event":"phx_join","payload":{"access_token":"t"},"ref":"1","join_ref":"1"}"#;
        let same = Frame::decode(v1, Vsn::V1).unwrap();
        assert_eq!(same.topic, frame.topic);
        assert_eq!(same.payload["access_token"], "t");
    }

    #[test]
    fn reads_heartbeats_with_null_join_ref() {
        let frame = Frame::decode(r#"[null,"3","phoenix","heartbeat",{}]"#, Vsn::V2).unwrap();
        assert_eq!(frame.join_ref, None);
        assert_eq!(frame.reference.as_deref(), Some("3"));
        let reply = frame.reply("ok", json!({}));
        let encoded: Value = serde_json::from_str(&reply.encode(Vsn::V2)).unwrap();
        assert_eq!(
            encoded,
            json!([null, "3", "phoenix", "phx_reply", {"status": "ok", "response": {}}])
        );
    }

    #[test]
    fn writes_objects_for_vsn_1() {
        let frame = Frame::push(None, "realtime:a", "broadcast", json!({"x": 1}));
        let value: Value = serde_json::from_str(&frame.encode(Vsn::V1)).unwrap();
        assert_eq!(
            value,
            json!({"join_ref": null, "ref": null, "topic": "realtime:a", "event": "broadcast", "payload": {"x": 1}})
        );
    }

    #[test]
    fn round_trips_both_versions() {
        let frame = Frame {
            join_ref: Some("4".into()),
            reference: Some("9".into()),
            topic: "realtime:agency:1".into(),
            event: "access_token".into(),
            payload: json!({"access_token": "abc"}),
        };
        for vsn in [Vsn::V1, Vsn::V2] {
            assert_eq!(Frame::decode(&frame.encode(vsn), vsn).unwrap(), frame);
        }
    }

    #[test]
    fn refuses_malformed_frames_without_panicking() {
        let cases = [
            ("", Vsn::V2, FrameError::NotJson),
            ("[1,2", Vsn::V2, FrameError::NotJson),
            ("[]", Vsn::V2, FrameError::Shape("expected 5 elements")),
            (
                r#"[null,null,7,"e",{}]"#,
                Vsn::V2,
                FrameError::Shape("topic must be a string"),
            ),
            (
                r#"[null,{},"t","e",{}]"#,
                Vsn::V2,
                FrameError::Shape("ref must be a string"),
            ),
            (
                r#"{"topic":"t","event":"e"}"#,
                Vsn::V2,
                FrameError::Shape("expected an array"),
            ),
            (
                r#"["1","1","t","e",{}]"#,
                Vsn::V1,
                FrameError::Shape("expected an object"),
            ),
            (
                r#"{"topic":"t"}"#,
                Vsn::V1,
                FrameError::Shape("event must be a string"),
            ),
        ];
        for (text, vsn, expected) in cases {
            assert_eq!(Frame::decode(text, vsn), Err(expected), "{text}");
        }
    }

    #[test]
    fn negotiates_versions() {
        assert_eq!(Vsn::parse(None), Some(Vsn::V1));
        assert_eq!(Vsn::parse(Some("1.0.0")), Some(Vsn::V1));
        assert_eq!(Vsn::parse(Some("2.0.0")), Some(Vsn::V2));
        assert_eq!(Vsn::parse(Some("3.0.0")), None);
    }
}
