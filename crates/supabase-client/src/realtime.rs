//! Realtime: the Phoenix channel protocol (vsn 2.0.0 array frames) for private broadcast
//! channels, as realtime-js speaks it. Pure encoding and decoding; the socket lives in
//! `browser::realtime`.

use serde_json::{Value, json};

/// Heartbeat interval; the server drops sockets that stay silent much longer.
pub const HEARTBEAT_SECONDS: u32 = 25;

/// One Phoenix frame: `[join_ref, ref, topic, event, payload]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Frame {
    pub join_ref: Option<String>,
    pub msg_ref: Option<String>,
    pub topic: String,
    pub event: String,
    pub payload: Value,
}

impl Frame {
    pub fn encode(&self) -> String {
        json!([
            self.join_ref,
            self.msg_ref,
            self.topic,
            self.event,
            self.payload
        ])
        .to_string()
    }

    /// Decode a text frame; None for anything that is not a well-formed vsn 2.0.0 frame.
    pub fn decode(text: &str) -> Option<Frame> {
        let Value::Array(parts) = serde_json::from_str(text).ok()? else {
            return None;
        };
        let [join_ref, msg_ref, topic, event, payload]: [Value; 5] = parts.try_into().ok()?;
        let optional = |value: Value| value.as_str().map(str::to_owned);
        Some(Frame {
            join_ref: optional(join_ref),
            msg_ref: optional(msg_ref),
            topic: topic.as_str()?.to_owned(),
            event: event.as_str()?.to_owned(),
            payload,
        })
    }
}

/// The wire topic of a channel: `realtime:<sub-topic>`.
pub fn wire_topic(sub_topic: &str) -> String {
    format!("realtime:{sub_topic}")
}

/// Join a private broadcast channel (e.g. `job:<id>`), authorized by RLS on realtime.messages.
pub fn join(sub_topic: &str, access_token: &str, join_ref: &str) -> Frame {
    Frame {
        join_ref: Some(join_ref.to_owned()),
        msg_ref: Some(join_ref.to_owned()),
        topic: wire_topic(sub_topic),
        event: "phx_join".to_owned(),
        payload: json!({
            "config": {
                "broadcast": {"ack": false, "self": false},
                "presence": {"key": "", "enabled": false},
                "postgres_changes": [],
                "private": true
            },
            "access_token": access_token
        }),
    }
}

pub fn heartbeat(msg_ref: &str) -> Frame {
    Frame {
        join_ref: None,
        msg_ref: Some(msg_ref.to_owned()),
        topic: "phoenix".to_owned(),
        event: "heartbeat".to_owned(),
        payload: json!({}),
    }
}

/// Tell the server about a refreshed access token (sent on every token change).
pub fn access_token(sub_topic: &str, join_ref: &str, msg_ref: &str, token: &str) -> Frame {
    Frame {
        join_ref: Some(join_ref.to_owned()),
        msg_ref: Some(msg_ref.to_owned()),
        topic: wire_topic(sub_topic),
        event: "access_token".to_owned(),
        payload: json!({"access_token": token}),
    }
}

pub fn leave(sub_topic: &str, join_ref: &str, msg_ref: &str) -> Frame {
    Frame {
        join_ref: Some(join_ref.to_owned()),
        msg_ref: Some(msg_ref.to_owned()),
        topic: wire_topic(sub_topic),
        event: "phx_leave".to_owned(),
        payload: json!({}),
    }
}

/// What an incoming frame means to a channel.
#[derive(Debug, Clone, PartialEq)]
pub enum Incoming {
    /// The join (or another request) was answered.
    Reply {
        sub_topic: String,
        msg_ref: Option<String>,
        ok: bool,
        reason: Option<String>,
    },
    /// A broadcast: `event` is the app's event name (e.g. `progress`).
    Broadcast {
        sub_topic: String,
        event: String,
        payload: Value,
    },
    /// The channel was closed or failed (e.g. token expired, access revoked).
    Closed {
        sub_topic: String,
        reason: Option<String>,
    },
    /// Heartbeat replies and anything we do not use.
    Ignored,
}

pub fn classify(frame: &Frame) -> Incoming {
    let Some(sub_topic) = frame.topic.strip_prefix("realtime:").map(str::to_owned) else {
        return Incoming::Ignored;
    };
    match frame.event.as_str() {
        "phx_reply" => {
            let ok = frame.payload.get("status").and_then(Value::as_str) == Some("ok");
            let reason = frame
                .payload
                .pointer("/response/reason")
                .and_then(Value::as_str)
                .map(str::to_owned);
            Incoming::Reply {
                sub_topic,
                msg_ref: frame.msg_ref.clone(),
                ok,
                reason,
            }
        }
        "broadcast" => Incoming::Broadcast {
            sub_topic,
            event: frame
                .payload
                .get("event")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            payload: frame.payload.get("payload").cloned().unwrap_or(Value::Null),
        },
        "phx_close" | "phx_error" => Incoming::Closed {
            sub_topic,
            reason: None,
        },
        "system" if frame.payload.get("status").and_then(Value::as_str) == Some("error") => {
            Incoming::Closed {
                sub_topic,
                reason: frame
                    .payload
                    .get("message")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
            }
        }
        _ => Incoming::Ignored,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_round_trip() {
        let frame = join("job:42", "jwt", "1");
        let text = frame.encode();
        assert!(text.starts_with(r#"["1","1","realtime:job:42","phx_join""#));
        assert_eq!(Frame::decode(&text), Some(frame));
        assert_eq!(Frame::decode("{}"), None);
        assert_eq!(Frame::decode(r#"[null,null,1,"x",{}]"#), None);
    }

    #[test]
    fn classifies_server_frames() {
        let reply = Frame::decode(
            r#"["1","1","realtime:job:42","phx_reply",{"status":"error","response":{"reason":"Unauthorized: no"}}]"#,
        )
        .unwrap();
        assert_eq!(
            classify(&reply),
            Incoming::Reply {
                sub_topic: "job:42".into(),
                msg_ref: Some("1".into()),
                ok: false,
                reason: Some("Unauthorized: no".into())
            }
        );
        let broadcast = Frame::decode(
            r#"[null,null,"realtime:job:42","broadcast",{"type":"broadcast","event":"progress","payload":{"done":3}}]"#,
        )
        .unwrap();
        assert_eq!(
            classify(&broadcast),
            Incoming::Broadcast {
                sub_topic: "job:42".into(),
                event: "progress".into(),
                payload: json!({"done": 3})
            }
        );
        let heartbeat =
            Frame::decode(r#"[null,"5","phoenix","phx_reply",{"status":"ok","response":{}}]"#)
                .unwrap();
        assert_eq!(classify(&heartbeat), Incoming::Ignored);
    }
}
