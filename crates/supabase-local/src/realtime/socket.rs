//! One WebSocket connection: Phoenix heartbeats and the channel lifecycle (join, token
//! updates, leave, expiry) for every topic the client joins on it.

use super::authorize::{self, Grant, ReadPolicies, Refusal};
use super::hub::{Delivery, Hub, Mailbox, SOCKET_QUEUE};
use super::protocol::{Frame, Vsn};
use crate::AppState;
use crate::jwt::now_unix;
use axum::extract::ws::{Message, WebSocket};
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Notify, mpsc};

/// Channels one socket may join (hosted `max_channels_per_client` default).
const MAX_CHANNELS: usize = 100;

/// What the socket was opened with.
pub(super) struct Connection {
    pub(super) state: AppState,
    pub(super) hub: Arc<Hub>,
    pub(super) id: u64,
    pub(super) vsn: Vsn,
    /// The API key's JWT (after the gateway's mapping), used when a join carries no token.
    pub(super) key_token: Option<String>,
    /// The upgrade request's headers, as `request.headers` for policies.
    pub(super) headers: Value,
}

/// A joined channel.
struct Channel {
    join_ref: String,
    sub_topic: String,
    private: bool,
    grant: Grant,
    policies: ReadPolicies,
}

struct Session {
    connection: Connection,
    mailbox: Mailbox,
    /// By full topic (`realtime:<sub-topic>`).
    channels: HashMap<String, Channel>,
}

/// Serve one socket until the client goes away, falls too far behind, or the server stops.
pub(super) async fn serve(socket: WebSocket, connection: Connection) {
    let (queue, mut deliveries) = mpsc::channel::<Delivery>(SOCKET_QUEUE);
    let overflow = Arc::new(Notify::new());
    let mut session = Session {
        mailbox: Mailbox {
            socket: connection.id,
            queue,
            overflow: overflow.clone(),
        },
        connection,
        channels: HashMap::new(),
    };
    let vsn = session.connection.vsn;
    let (mut sink, mut stream) = socket.split();
    loop {
        let next_expiry = session
            .channels
            .values()
            .map(|channel| channel.grant.expires_at)
            .min();
        let expiry = async move {
            match next_expiry {
                Some(at) => {
                    let wait = u64::try_from(at.saturating_sub(now_unix())).unwrap_or(0);
                    tokio::time::sleep(Duration::from_secs(wait)).await
                }
                None => std::future::pending().await,
            }
        };
        let outgoing: Vec<Frame> = tokio::select! {
            incoming = stream.next() => match incoming {
                Some(Ok(Message::Text(text))) => session.handle_text(text.as_str()).await,
                Some(Ok(Message::Binary(_))) => {
                    tracing::debug!("realtime: ignoring a binary frame (client broadcasts are not supported)");
                    Vec::new()
                }
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => Vec::new(),
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => break,
            },
            Some(delivery) = deliveries.recv() => {
                vec![Frame::push(None, &delivery.topic, "broadcast", (*delivery.payload).clone())]
            }
            () = expiry => session.expire_channels(),
            () = overflow.notified() => break,
        };
        for frame in outgoing {
            if sink
                .send(Message::Text(frame.encode(vsn).into()))
                .await
                .is_err()
            {
                session.leave_all();
                return;
            }
        }
    }
    session.leave_all();
    sink.close().await.ok();
}

impl Session {
    async fn handle_text(&mut self, text: &str) -> Vec<Frame> {
        let frame = match Frame::decode(text, self.connection.vsn) {
            Ok(frame) => frame,
            Err(error) => {
                tracing::debug!(%error, "realtime: ignoring a malformed frame");
                return Vec::new();
            }
        };
        match (frame.topic.as_str(), frame.event.as_str()) {
            ("phoenix", "heartbeat") => vec![frame.reply("ok", json!({}))],
            (_, "phx_join") => self.join(&frame).await,
            (topic, _) if !self.channels.contains_key(topic) => {
                vec![frame.reply_error("unmatched topic")]
            }
            (_, "phx_leave") => {
                let mut frames = vec![frame.reply("ok", json!({}))];
                frames.extend(self.remove(&frame.topic));
                frames
            }
            (_, "access_token") => self.update_token(&frame).await,
            (_, "presence") => {
                vec![frame.reply_error("Presence is not supported by the local stand-in")]
            }
            (_, event) => {
                tracing::debug!(event, topic = %frame.topic, "realtime: ignoring an unsupported client event");
                Vec::new()
            }
        }
    }

    /// `phx_join`: verify the token, run the RLS probe for private channels, reply.
    async fn join(&mut self, frame: &Frame) -> Vec<Frame> {
        let Some(sub_topic) = frame.topic.strip_prefix("realtime:") else {
            return vec![frame.reply_error("unmatched topic")];
        };
        let Some(join_ref) = frame.join_ref.clone().or_else(|| frame.reference.clone()) else {
            return vec![frame.reply_error("join_ref is required")];
        };
        let mut frames = Vec::new();
        // Phoenix closes the previous instance of a channel joined twice on one socket.
        frames.extend(self.remove(&frame.topic));
        if sub_topic.is_empty() {
            frames.push(frame.reply_error("TopicNameRequired: You must provide a topic name"));
            return frames;
        }
        if self.channels.len() >= MAX_CHANNELS {
            frames.push(frame.reply_error("ChannelRateLimitReached: Too many channels"));
            return frames;
        }
        let config = frame.payload.get("config");
        let private = config
            .and_then(|config| config.get("private"))
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let token = match self.token_for(frame.payload.get("access_token")) {
            Some(token) => token,
            None => {
                frames
                    .push(frame.reply_error("MalformedJWT: The token provided is not a valid JWT"));
                return frames;
            }
        };
        match self.authorize(sub_topic, private, &token).await {
            Ok((grant, policies)) => {
                let response = json!({"postgres_changes": postgres_changes(config)});
                frames.push(frame.reply("ok", response));
                let channel = Channel {
                    join_ref,
                    sub_topic: sub_topic.to_owned(),
                    private,
                    grant,
                    policies,
                };
                self.listen(&channel);
                self.channels.insert(frame.topic.clone(), channel);
            }
            Err(refusal) => frames.push(frame.reply_error(&refusal.reason())),
        }
        frames
    }

    /// The join's token: its `access_token` unless absent or an opaque `sb_` key, else the
    /// API key's JWT (hosted `assign_access_token`).
    fn token_for(&self, access_token: Option<&Value>) -> Option<String> {
        match access_token.and_then(Value::as_str) {
            Some(token) if !token.starts_with("sb_") => Some(token.to_owned()),
            _ => self.connection.key_token.clone(),
        }
    }

    async fn authorize(
        &self,
        sub_topic: &str,
        private: bool,
        token: &str,
    ) -> Result<(Grant, ReadPolicies), Refusal> {
        let grant = authorize::verify_token(&self.connection.state.jwt, token)?;
        if !private {
            // Public channels have no policies: everyone reads.
            let everyone = ReadPolicies {
                broadcast: true,
                presence: true,
            };
            return Ok((grant, everyone));
        }
        let policies = authorize::read_policies(
            &self.connection.state.db,
            sub_topic,
            &grant,
            &self.connection.headers,
        )
        .await?;
        if policies.broadcast || policies.presence {
            Ok((grant, policies))
        } else {
            Err(Refusal::unauthorized(sub_topic))
        }
    }

    /// Subscribe a channel to broadcasts when its policies allow reading them.
    fn listen(&self, channel: &Channel) {
        if channel.policies.broadcast {
            self.connection.hub.subscribe(
                &channel.sub_topic,
                channel.private,
                self.mailbox.clone(),
            );
        } else {
            self.connection
                .hub
                .unsubscribe(&channel.sub_topic, self.connection.id);
        }
    }

    /// `access_token`: re-verify and re-authorize without replying; on failure the channel
    /// gets a system error and is closed (hosted `apply_access_token`).
    async fn update_token(&mut self, frame: &Frame) -> Vec<Frame> {
        let Some(token) = frame.payload.get("access_token").and_then(Value::as_str) else {
            return Vec::new();
        };
        let Some(channel) = self.channels.get(&frame.topic) else {
            return Vec::new();
        };
        if token.starts_with("sb_") || token == channel.grant.token {
            return Vec::new();
        }
        let (sub_topic, private, previous) =
            (channel.sub_topic.clone(), channel.private, channel.policies);
        let outcome = self.authorize(&sub_topic, private, token).await;
        let outcome = outcome.and_then(|(grant, policies)| {
            if previous.broadcast && !policies.broadcast || previous.presence && !policies.presence
            {
                Err(Refusal {
                    code: "Unauthorized",
                    message: format!(
                        "You no longer have permission to read from this Channel topic: {sub_topic}"
                    ),
                })
            } else {
                Ok((grant, policies))
            }
        });
        match outcome {
            Ok((grant, policies)) => {
                if let Some(channel) = self.channels.get_mut(&frame.topic) {
                    channel.grant = grant;
                    channel.policies = policies;
                }
                if let Some(channel) = self.channels.get(&frame.topic) {
                    self.listen(channel);
                }
                Vec::new()
            }
            Err(refusal) => self.shut_down(&frame.topic, &refusal.message),
        }
    }

    /// Close every channel whose token has expired, as hosted does when its `confirm_token`
    /// timer fires.
    fn expire_channels(&mut self) -> Vec<Frame> {
        let now = now_unix();
        let expired: Vec<(String, i64)> = self
            .channels
            .iter()
            .filter(|(_, channel)| channel.grant.expires_at <= now)
            .map(|(topic, channel)| (topic.clone(), channel.grant.expires_at))
            .collect();
        let mut frames = Vec::new();
        for (topic, expires_at) in expired {
            let message = format!(
                "Token has expired {} seconds ago",
                now.saturating_sub(expires_at)
            );
            frames.extend(self.shut_down(&topic, &message));
        }
        frames
    }

    /// A channel-level failure: a `system` error, then `phx_close`.
    fn shut_down(&mut self, topic: &str, message: &str) -> Vec<Frame> {
        let Some(channel) = self.channels.get(topic) else {
            return Vec::new();
        };
        let system = Frame::push(
            Some(&channel.join_ref),
            topic,
            "system",
            json!({
                "extension": "system",
                "status": "error",
                "message": message,
                "channel": channel.sub_topic,
            }),
        );
        let mut frames = vec![system];
        frames.extend(self.remove(topic));
        frames
    }

    /// Forget a channel; returns its `phx_close` if it was joined.
    fn remove(&mut self, topic: &str) -> Option<Frame> {
        let channel = self.channels.remove(topic)?;
        self.connection
            .hub
            .unsubscribe(&channel.sub_topic, self.connection.id);
        Some(Frame::close(&channel.join_ref, topic))
    }

    fn leave_all(&mut self) {
        for channel in self.channels.values() {
            self.connection
                .hub
                .unsubscribe(&channel.sub_topic, self.connection.id);
        }
        self.channels.clear();
    }
}

/// The join reply's `postgres_changes`: the client's bindings in order, each with a numeric
/// id, so realtime-js accepts the subscription. Changes are not delivered by the stand-in
/// (contract §3.5: use broadcast from the database).
fn postgres_changes(config: Option<&Value>) -> Vec<Value> {
    let Some(Value::Array(bindings)) = config.and_then(|config| config.get("postgres_changes"))
    else {
        return Vec::new();
    };
    bindings
        .iter()
        .filter(|binding| !binding.is_null())
        .enumerate()
        .map(|(index, binding)| {
            let mut binding = binding.clone();
            if let Value::Object(fields) = &mut binding {
                fields.insert("id".to_owned(), json!(index + 1));
            }
            binding
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn echoes_postgres_changes_bindings_in_order_with_ids() {
        let config = json!({"postgres_changes": [
            {"event": "*", "schema": "public", "table": "jobs", "filter": "id=eq.7"},
            {"event": "INSERT", "schema": "public", "table": "clients"}
        ]});
        let echoed = postgres_changes(Some(&config));
        assert_eq!(echoed.len(), 2);
        assert_eq!(echoed[0]["table"], "jobs");
        assert_eq!(echoed[0]["filter"], "id=eq.7");
        assert_eq!(echoed[1]["event"], "INSERT");
        assert!(echoed[0]["id"].is_u64() && echoed[0]["id"] != echoed[1]["id"]);
        assert!(postgres_changes(None).is_empty());
        assert!(postgres_changes(Some(&json!({"postgres_changes": "x"}))).is_empty());
    }
}
