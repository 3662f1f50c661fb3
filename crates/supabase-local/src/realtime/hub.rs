//! Broadcast delivery: one LISTEN loop on `realtime_messages` (fed by the bootstrap's
//! AFTER INSERT trigger, so only committed rows are announced), one fetch per message, and a
//! fan-out to the sockets joined to the message's sub-topic with the same privacy.
//!
//! Each socket has a bounded queue. A socket that falls a whole queue behind is told to
//! close (the client reconnects and rejoins) instead of buffering without limit.

use crate::db::Database;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::Duration;
use tokio::sync::{Notify, mpsc};

/// Frames a socket may have queued before it is considered too slow and closed.
pub(super) const SOCKET_QUEUE: usize = 1024;

/// A broadcast on its way to one socket: the full topic (`realtime:<sub-topic>`) and the
/// `broadcast` payload, shared between all receivers.
#[derive(Debug, Clone)]
pub(super) struct Delivery {
    pub(super) topic: Arc<str>,
    pub(super) payload: Arc<Value>,
}

/// A socket's way to receive deliveries.
#[derive(Clone)]
pub(super) struct Mailbox {
    pub(super) socket: u64,
    pub(super) queue: mpsc::Sender<Delivery>,
    /// Notified when the queue overflowed: the socket must close.
    pub(super) overflow: Arc<Notify>,
}

struct Subscriber {
    mailbox: Mailbox,
    private: bool,
}

/// Which sockets listen to which sub-topics.
#[derive(Default)]
pub(super) struct Hub {
    topics: RwLock<HashMap<String, Vec<Subscriber>>>,
}

/// A committed `realtime.messages` row, as delivered.
#[derive(Debug, Clone)]
pub(super) struct Message {
    pub(super) id: uuid::Uuid,
    pub(super) topic: String,
    pub(super) event: Option<String>,
    pub(super) payload: Option<Value>,
    pub(super) private: bool,
}

impl Message {
    /// The text-form broadcast payload realtime-js decodes (contract §3.2).
    fn broadcast_payload(&self) -> Value {
        json!({
            "type": "broadcast",
            "event": self.event,
            "payload": self.payload.clone().unwrap_or_else(|| json!({})),
            "meta": {"id": self.id},
        })
    }
}

impl Hub {
    /// Deliver broadcasts on `sub_topic` with this privacy to `mailbox`.
    pub(super) fn subscribe(&self, sub_topic: &str, private: bool, mailbox: Mailbox) {
        let mut topics = self.topics.write().unwrap_or_else(|e| e.into_inner());
        let subscribers = topics.entry(sub_topic.to_owned()).or_default();
        subscribers.retain(|subscriber| subscriber.mailbox.socket != mailbox.socket);
        subscribers.push(Subscriber { mailbox, private });
    }

    /// Stop delivering `sub_topic` to `socket`.
    pub(super) fn unsubscribe(&self, sub_topic: &str, socket: u64) {
        let mut topics = self.topics.write().unwrap_or_else(|e| e.into_inner());
        if let Some(subscribers) = topics.get_mut(sub_topic) {
            subscribers.retain(|subscriber| subscriber.mailbox.socket != socket);
            if subscribers.is_empty() {
                topics.remove(sub_topic);
            }
        }
    }

    fn is_empty(&self) -> bool {
        self.topics
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .is_empty()
    }

    /// Queue `message` for every matching socket; returns how many got it.
    pub(super) fn publish(&self, message: &Message) -> usize {
        let topics = self.topics.read().unwrap_or_else(|e| e.into_inner());
        let Some(subscribers) = topics.get(&message.topic) else {
            return 0;
        };
        let delivery = Delivery {
            topic: Arc::from(format!("realtime:{}", message.topic)),
            payload: Arc::new(message.broadcast_payload()),
        };
        let mut delivered = 0;
        for subscriber in subscribers
            .iter()
            .filter(|subscriber| subscriber.private == message.private)
        {
            match subscriber.mailbox.queue.try_send(delivery.clone()) {
                Ok(()) => delivered += 1,
                Err(mpsc::error::TrySendError::Full(_)) => {
                    tracing::warn!(
                        socket = subscriber.mailbox.socket,
                        "realtime: socket queue full, closing the slow socket"
                    );
                    subscriber.mailbox.overflow.notify_one();
                }
                Err(mpsc::error::TrySendError::Closed(_)) => {}
            }
        }
        delivered
    }
}

/// Run forever: LISTEN on `realtime_messages`, reconnecting with backoff when the
/// connection drops, and publish each announced row. `listening` is told once the first
/// LISTEN is in place (a row committed before that is never announced).
pub(super) async fn listen(
    db: Database,
    hub: Arc<Hub>,
    listening: tokio::sync::oneshot::Sender<()>,
) {
    let mut listening = Some(listening);
    let mut backoff = Duration::from_millis(200);
    loop {
        match db.dedicated("supabase_realtime_admin").await {
            Ok((client, mut notifications)) => {
                if let Err(error) = client.batch_execute("listen realtime_messages").await {
                    tracing::warn!(%error, "realtime: LISTEN failed");
                } else {
                    tracing::debug!("realtime: listening on realtime_messages");
                    if let Some(listening) = listening.take() {
                        listening.send(()).ok();
                    }
                    backoff = Duration::from_millis(200);
                    while let Some(notification) = notifications.recv().await {
                        if hub.is_empty() {
                            continue;
                        }
                        match fetch(&db, notification.payload()).await {
                            Ok(Some(message)) => {
                                hub.publish(&message);
                            }
                            Ok(None) => {}
                            Err(error) => {
                                tracing::warn!(%error, "realtime: could not read a message")
                            }
                        }
                    }
                    tracing::warn!("realtime: listener connection lost; reconnecting");
                }
            }
            Err(error) => tracing::warn!(error = %format!("{error:#}"), "realtime: cannot listen"),
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(Duration::from_secs(5));
    }
}

/// Read the announced row; None for ids that are not broadcasts (presence, malformed).
async fn fetch(db: &Database, id: &str) -> anyhow::Result<Option<Message>> {
    let Ok(id) = id.parse::<uuid::Uuid>() else {
        return Ok(None);
    };
    let client = db.realtime.get().await?;
    let row = client
        .query_opt(
            "select topic, event, payload, coalesce(private, true) from realtime.messages \
             where id = $1 and extension = 'broadcast' and binary_payload is null limit 1",
            &[&id],
        )
        .await?;
    Ok(row.map(|row| Message {
        id,
        topic: row.get(0),
        event: row.get(1),
        payload: row.get(2),
        private: row.get(3),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mailbox(socket: u64, capacity: usize) -> (Mailbox, mpsc::Receiver<Delivery>) {
        let (queue, receiver) = mpsc::channel(capacity);
        let mailbox = Mailbox {
            socket,
            queue,
            overflow: Arc::new(Notify::new()),
        };
        (mailbox, receiver)
    }

    fn message(topic: &str, private: bool) -> Message {
        Message {
            id: uuid::Uuid::new_v4(),
            topic: topic.to_owned(),
            event: Some("progress".to_owned()),
            payload: Some(json!({"percent": 50})),
            private,
        }
    }

    #[test]
    fn delivers_only_to_matching_topic_and_privacy() {
        let hub = Hub::default();
        let (private_box, mut private_rx) = mailbox(1, 4);
        let (public_box, mut public_rx) = mailbox(2, 4);
        let (other_box, mut other_rx) = mailbox(3, 4);
        hub.subscribe("job:7", true, private_box);
        hub.subscribe("job:7", false, public_box);
        hub.subscribe("job:8", true, other_box);

        assert_eq!(hub.publish(&message("job:7", true)), 1);
        let delivery = private_rx.try_recv().unwrap();
        assert_eq!(&*delivery.topic, "realtime:job:7");
        assert_eq!(delivery.payload["type"], "broadcast");
        assert_eq!(delivery.payload["event"], "progress");
        assert_eq!(delivery.payload["payload"]["percent"], 50);
        assert!(public_rx.try_recv().is_err());
        assert!(other_rx.try_recv().is_err());

        hub.unsubscribe("job:7", 1);
        assert_eq!(hub.publish(&message("job:7", true)), 0);
    }

    #[test]
    fn signals_overflow_instead_of_buffering() {
        let hub = Hub::default();
        let (slow, _receiver) = mailbox(1, 1);
        let overflow = slow.overflow.clone();
        hub.subscribe("agency:1", true, slow);
        assert_eq!(hub.publish(&message("agency:1", true)), 1);
        assert_eq!(hub.publish(&message("agency:1", true)), 0);
        // The stored permit is consumed by the first waiter.
        let notified = overflow.notified();
        futures_util::pin_mut!(notified);
        assert!(
            futures_util::FutureExt::now_or_never(notified).is_some(),
            "overflow must be signalled"
        );
    }
}
