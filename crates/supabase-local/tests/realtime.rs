//! Realtime over a real WebSocket against a real database: heartbeats in both protocol
//! versions, private joins decided by RLS on realtime.messages, broadcasts from committed
//! rows only, token updates and expiry, leave, and hostile frames.

mod harness;

use futures_util::{SinkExt, StreamExt};
use harness::{Stand, new_user, show, unique};
use serde_json::{Value, json};
use std::time::Duration;
use supabase_local::realtime::protocol::{Frame, Vsn};
use tokio_tungstenite::tungstenite::Message;

type WebSocket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

struct Client {
    socket: WebSocket,
    vsn: Vsn,
    next_ref: u32,
}

impl Client {
    async fn connect(stand: &Stand, vsn: &str) -> Client {
        let url = format!(
            "{}/realtime/v1/websocket?apikey={}&vsn={vsn}",
            stand.url.replacen("http", "ws", 1),
            stand.anon_key
        );
        let (socket, _) = tokio_tungstenite::connect_async(url)
            .await
            .expect("websocket connects");
        Client {
            socket,
            vsn: Vsn::parse(Some(vsn)).expect("known vsn"),
            next_ref: 1,
        }
    }

    async fn send_text(&mut self, text: String) {
        self.socket
            .send(Message::Text(text.into()))
            .await
            .expect("send");
    }

    /// Push an event; returns its ref.
    async fn push(
        &mut self,
        join_ref: Option<&str>,
        topic: &str,
        event: &str,
        payload: Value,
    ) -> String {
        let reference = self.next_ref.to_string();
        self.next_ref += 1;
        let frame = Frame {
            join_ref: join_ref.map(str::to_owned),
            reference: Some(reference.clone()),
            topic: topic.to_owned(),
            event: event.to_owned(),
            payload,
        };
        self.send_text(frame.encode(self.vsn)).await;
        reference
    }

    /// Join `realtime:<sub_topic>`; returns (join_ref, reply payload).
    async fn join(
        &mut self,
        sub_topic: &str,
        private: bool,
        token: Option<&str>,
    ) -> (String, Value) {
        let topic = format!("realtime:{sub_topic}");
        let join_ref = self.next_ref.to_string();
        let mut payload = json!({"config": {
            "broadcast": {"ack": false, "self": false},
            "presence": {"key": "", "enabled": false},
            "postgres_changes": [],
            "private": private,
        }});
        if let Some(token) = token {
            payload["access_token"] = json!(token);
        }
        let reference = self
            .push(Some(&join_ref.clone()), &topic, "phx_join", payload)
            .await;
        let reply = self.reply(&reference).await;
        (join_ref, reply)
    }

    /// The next frame, within `wait`.
    async fn next(&mut self, wait: Duration) -> Option<Frame> {
        loop {
            let message = tokio::time::timeout(wait, self.socket.next())
                .await
                .ok()??;
            match message.ok()? {
                Message::Text(text) => {
                    return Some(Frame::decode(&text, self.vsn).expect("server frames decode"));
                }
                Message::Close(_) => return None,
                _ => continue,
            }
        }
    }

    /// Wait for a frame matching `wanted`, skipping others.
    async fn expect(&mut self, what: &str, wanted: impl Fn(&Frame) -> bool) -> Frame {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match self.next(left).await {
                Some(frame) if wanted(&frame) => return frame,
                Some(_) => continue,
                None => panic!("no {what} within 10 s"),
            }
        }
    }

    async fn reply(&mut self, reference: &str) -> Value {
        let reference = reference.to_owned();
        self.expect("reply", |frame| {
            frame.event == "phx_reply" && frame.reference.as_deref() == Some(reference.as_str())
        })
        .await
        .payload
    }

    async fn broadcast(&mut self) -> Value {
        self.expect("broadcast", |frame| frame.event == "broadcast")
            .await
            .payload
    }

    /// Assert nothing but heartbeat replies arrives for a while.
    async fn expect_silence(&mut self, wait: Duration) {
        if let Some(frame) = self.next(wait).await {
            panic!("unexpected frame: {frame:?}");
        }
    }
}

/// A policy that lets each user read exactly the private topic `<room>-<their id>`.
async fn own_room_policy(stand: &Stand, room: &str) {
    stand
        .sql(&format!(
            "create policy \"{room}: users read their own room\" on realtime.messages \
             for select to authenticated \
             using (extension = 'broadcast' and (select realtime.topic()) = '{room}-' || (select auth.uid())::text)"
        ))
        .await;
}

async fn send(stand: &Stand, topic: &str, payload: Value, private: bool) {
    stand
        .sql(&format!(
            "select realtime.send('{payload}'::jsonb, 'progress', '{topic}', {private})"
        ))
        .await;
}

#[tokio::test]
async fn answers_heartbeats_in_both_protocol_versions() {
    let stand = Stand::start(|_| {}).await;
    for vsn in ["1.0.0", "2.0.0"] {
        let mut client = Client::connect(&stand, vsn).await;
        let reference = client.push(None, "phoenix", "heartbeat", json!({})).await;
        let reply = client.reply(&reference).await;
        assert_eq!(reply, json!({"status": "ok", "response": {}}), "vsn {vsn}");
    }
    stand.stop().await;
}

#[tokio::test]
async fn private_channels_are_joined_by_rls_and_receive_committed_broadcasts() {
    let stand = Stand::start(|_| {}).await;
    let room = format!("room-{}", unique());
    own_room_policy(&stand, &room).await;
    let (owner, stranger) = (new_user(), new_user());
    let topic = format!("{room}-{owner}");

    let mut owner_socket = Client::connect(&stand, "2.0.0").await;
    let (_, reply) = owner_socket
        .join(&topic, true, Some(&stand.user_token(&owner, 3600)))
        .await;
    assert_eq!(
        reply,
        json!({"status": "ok", "response": {"postgres_changes": []}}),
        "{}",
        show(&reply)
    );

    // Another user, and the anonymous key, are refused with hosted's reason.
    let mut stranger_socket = Client::connect(&stand, "1.0.0").await;
    let (_, refused) = stranger_socket
        .join(&topic, true, Some(&stand.user_token(&stranger, 3600)))
        .await;
    let expected = format!(
        "Unauthorized: You do not have permissions to read from this Channel topic: {topic}"
    );
    assert_eq!(
        refused,
        json!({"status": "error", "response": {"reason": expected}})
    );
    let (_, anonymous) = stranger_socket.join(&topic, true, None).await;
    assert_eq!(anonymous["status"], "error");

    // The join probes were rolled back: nothing was broadcast, nothing stored.
    owner_socket
        .expect_silence(Duration::from_millis(300))
        .await;
    let stored: i64 = stand
        .db
        .query_one(
            "select count(*) from realtime.messages where topic = $1",
            &[&topic],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(stored, 0);

    // A rolled-back send is never delivered; a public message does not reach a private channel.
    stand
        .sql(&format!(
            "begin; select realtime.send('{{\"n\":1}}', 'progress', '{topic}', true); rollback;"
        ))
        .await;
    send(&stand, &topic, json!({"n": 2}), false).await;
    send(&stand, &topic, json!({"n": 3}), true).await;
    let broadcast = owner_socket.broadcast().await;
    assert_eq!(broadcast["type"], "broadcast");
    assert_eq!(broadcast["event"], "progress");
    assert_eq!(broadcast["payload"]["n"], 3, "{}", show(&broadcast));
    assert!(broadcast["meta"]["id"].is_string());
    stranger_socket
        .expect_silence(Duration::from_millis(300))
        .await;
    stand.stop().await;
}

#[tokio::test]
async fn public_channels_need_no_policy_and_echo_postgres_changes_bindings() {
    let stand = Stand::start(|_| {}).await;
    let topic = format!("lobby-{}", unique());
    let mut client = Client::connect(&stand, "2.0.0").await;
    let join_ref = client.next_ref.to_string();
    let bindings = json!([
        {"event": "*", "schema": "public", "table": "jobs", "filter": "id=eq.7"},
        {"event": "INSERT", "schema": "public", "table": "clients"}
    ]);
    let reference = client
        .push(
            Some(&join_ref),
            &format!("realtime:{topic}"),
            "phx_join",
            json!({"config": {"private": false, "postgres_changes": bindings}}),
        )
        .await;
    let reply = client.reply(&reference).await;
    assert_eq!(reply["status"], "ok");
    let echoed = reply["response"]["postgres_changes"].as_array().unwrap();
    assert_eq!(echoed.len(), 2);
    assert_eq!(echoed[0]["filter"], "id=eq.7");
    assert_eq!(echoed[1]["table"], "clients");
    assert!(echoed.iter().all(|binding| binding["id"].is_u64()));

    send(&stand, &topic, json!({"hello": "world"}), false).await;
    let broadcast = client.broadcast().await;
    assert_eq!(broadcast["payload"]["hello"], "world");
    stand.stop().await;
}

#[tokio::test]
async fn token_updates_are_reauthorized_and_failures_close_the_channel() {
    let stand = Stand::start(|_| {}).await;
    let room = format!("room-{}", unique());
    own_room_policy(&stand, &room).await;
    let (owner, stranger) = (new_user(), new_user());
    let topic = format!("{room}-{owner}");
    let full_topic = format!("realtime:{topic}");

    let mut client = Client::connect(&stand, "2.0.0").await;
    let (join_ref, reply) = client
        .join(&topic, true, Some(&stand.user_token(&owner, 3600)))
        .await;
    assert_eq!(reply["status"], "ok");

    // A refreshed token of the same user: silently accepted, still delivering.
    client
        .push(
            Some(&join_ref),
            &full_topic,
            "access_token",
            json!({"access_token": stand.user_token(&owner, 7200)}),
        )
        .await;
    client.expect_silence(Duration::from_millis(300)).await;
    send(&stand, &topic, json!({"still": true}), true).await;
    assert_eq!(client.broadcast().await["payload"]["still"], true);

    // Another user's token on this channel: system error, then phx_close.
    client
        .push(
            Some(&join_ref),
            &full_topic,
            "access_token",
            json!({"access_token": stand.user_token(&stranger, 3600)}),
        )
        .await;
    let system = client
        .expect("system error", |frame| frame.event == "system")
        .await;
    assert_eq!(
        system.payload,
        json!({
            "extension": "system",
            "status": "error",
            "message": format!("You do not have permissions to read from this Channel topic: {topic}"),
            "channel": topic,
        })
    );
    let close = client
        .expect("phx_close", |frame| frame.event == "phx_close")
        .await;
    assert_eq!(close.join_ref.as_deref(), Some(join_ref.as_str()));
    send(&stand, &topic, json!({"after": "close"}), true).await;
    client.expect_silence(Duration::from_millis(300)).await;

    // A garbage token on a fresh join's channel closes it too.
    let (join_ref, _) = client
        .join(&topic, true, Some(&stand.user_token(&owner, 3600)))
        .await;
    client
        .push(
            Some(&join_ref),
            &full_topic,
            "access_token",
            json!({"access_token": "garbage"}),
        )
        .await;
    let system = client
        .expect("system error", |frame| frame.event == "system")
        .await;
    assert_eq!(
        system.payload["message"],
        "The token provided is not a valid JWT"
    );
    client
        .expect("phx_close", |frame| frame.event == "phx_close")
        .await;
    stand.stop().await;
}

#[tokio::test]
async fn channels_close_when_their_token_expires() {
    let stand = Stand::start(|_| {}).await;
    let room = format!("room-{}", unique());
    own_room_policy(&stand, &room).await;
    let owner = new_user();
    let topic = format!("{room}-{owner}");
    let mut client = Client::connect(&stand, "2.0.0").await;
    let (_, reply) = client
        .join(&topic, true, Some(&stand.user_token(&owner, 2)))
        .await;
    assert_eq!(reply["status"], "ok");
    let system = client
        .expect("expiry", |frame| frame.event == "system")
        .await;
    assert_eq!(system.payload["status"], "error");
    let message = system.payload["message"].as_str().unwrap();
    assert!(
        message.starts_with("Token has expired ") && message.ends_with(" seconds ago"),
        "{message}"
    );
    client
        .expect("phx_close", |frame| frame.event == "phx_close")
        .await;

    // An already expired token is refused at join.
    let (_, refused) = client
        .join(&topic, true, Some(&stand.user_token(&owner, -5)))
        .await;
    let reason = refused["response"]["reason"].as_str().unwrap();
    assert!(
        reason.starts_with("InvalidJWTToken: Token has expired"),
        "{reason}"
    );
    stand.stop().await;
}

#[tokio::test]
async fn leave_unmatched_topics_and_hostile_frames() {
    let stand = Stand::start(|_| {}).await;
    let topic = format!("lobby-{}", unique());
    let full_topic = format!("realtime:{topic}");
    let mut client = Client::connect(&stand, "2.0.0").await;
    let (join_ref, _) = client.join(&topic, false, None).await;

    let reference = client
        .push(Some(&join_ref), &full_topic, "phx_leave", json!({}))
        .await;
    assert_eq!(
        client.reply(&reference).await,
        json!({"status": "ok", "response": {}})
    );
    let close = client
        .expect("phx_close", |frame| frame.event == "phx_close")
        .await;
    assert_eq!(close.topic, full_topic);
    send(&stand, &topic, json!({"left": true}), false).await;
    client.expect_silence(Duration::from_millis(300)).await;

    let reference = client
        .push(
            Some("9"),
            &full_topic,
            "access_token",
            json!({"access_token": "x"}),
        )
        .await;
    assert_eq!(
        client.reply(&reference).await,
        json!({"status": "error", "response": {"reason": "unmatched topic"}})
    );
    let (_, no_name) = client.join("", false, None).await;
    assert_eq!(
        no_name["response"]["reason"],
        "TopicNameRequired: You must provide a topic name"
    );

    // Garbage of every kind is ignored; the socket keeps working.
    for text in [
        "",
        "nonsense",
        "[1,2,3]",
        "{\"topic\":1}",
        "[null,null,null,null,null]",
        "[\"1\",\"1\",\"realtime:x\",\"phx_join\",\"not an object\"]",
    ] {
        client.send_text(text.to_owned()).await;
    }
    client
        .socket
        .send(Message::Binary(vec![3, 0, 0, 0, 0, 0, 1].into()))
        .await
        .unwrap();
    // JSON nested 10,000 deep (security case 59) is refused by the parser's depth limit.
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    client.send_text(deep).await;
    let reference = client.push(None, "phoenix", "heartbeat", json!({})).await;
    assert_eq!(client.reply(&reference).await["status"], "ok");

    // A frame over the 1 MiB limit ends that socket only; the server carries on.
    client.send_text("x".repeat(2 * 1024 * 1024)).await;
    assert!(
        client.next(Duration::from_secs(5)).await.is_none(),
        "the socket is closed"
    );
    let mut fresh = Client::connect(&stand, "2.0.0").await;
    let reference = fresh.push(None, "phoenix", "heartbeat", json!({})).await;
    assert_eq!(fresh.reply(&reference).await["status"], "ok");
    stand.stop().await;
}
