//! The Realtime socket: one WebSocket per client, private broadcast channels on it, heartbeats,
//! token updates, and reconnection with back-off (channels are re-joined after a reconnect).

use crate::config::ClientConfig;
use crate::realtime::{self as protocol, Frame, Incoming};
use serde_json::Value;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use web_sys::{CloseEvent, MessageEvent, WebSocket};

/// What a channel tells its subscriber.
#[derive(Debug, Clone, PartialEq)]
pub enum ChannelEvent {
    /// Joined: from now on broadcasts arrive. Read the current state once now (late joiners
    /// miss earlier broadcasts).
    Subscribed,
    /// A broadcast from the database (`realtime.send`).
    Broadcast { event: String, payload: Value },
    /// The join was refused or the channel failed; `reason` is the server's words.
    Error(String),
    /// The connection dropped; it will reconnect and re-join by itself.
    Reconnecting,
}

type Handler = Rc<dyn Fn(ChannelEvent)>;

struct Channel {
    join_ref: String,
    handler: Handler,
}

struct State {
    url: String,
    token: String,
    socket: Option<WebSocket>,
    open: bool,
    next_ref: u64,
    channels: BTreeMap<String, Channel>,
    heartbeat: Option<i32>,
    attempts: u32,
    closures: Vec<Closure<dyn FnMut(JsValue)>>,
}

/// The Realtime connection of a client. Cheap to clone.
#[derive(Clone)]
pub struct Realtime {
    state: Rc<RefCell<State>>,
}

/// An active subscription; leaving the channel when dropped.
pub struct Subscription {
    realtime: Realtime,
    sub_topic: String,
}

impl Drop for Subscription {
    fn drop(&mut self) {
        self.realtime.leave(&self.sub_topic);
    }
}

impl Realtime {
    pub fn new(config: &ClientConfig, access_token: &str) -> Realtime {
        Realtime {
            state: Rc::new(RefCell::new(State {
                url: config.realtime_url(),
                token: access_token.to_owned(),
                socket: None,
                open: false,
                next_ref: 1,
                channels: BTreeMap::new(),
                heartbeat: None,
                attempts: 0,
                closures: Vec::new(),
            })),
        }
    }

    fn next_ref(&self) -> String {
        let mut state = self.state.borrow_mut();
        let value = state.next_ref;
        state.next_ref += 1;
        value.to_string()
    }

    fn send(&self, frame: &Frame) {
        let state = self.state.borrow();
        if let (Some(socket), true) = (&state.socket, state.open) {
            let _ = socket.send_with_str(&frame.encode());
        }
    }

    /// Join the private channel `sub_topic` (e.g. `job:<id>`).
    pub fn subscribe(
        &self,
        sub_topic: &str,
        handler: impl Fn(ChannelEvent) + 'static,
    ) -> Subscription {
        let join_ref = self.next_ref();
        self.state.borrow_mut().channels.insert(
            sub_topic.to_owned(),
            Channel {
                join_ref: join_ref.clone(),
                handler: Rc::new(handler),
            },
        );
        let connected = self.state.borrow().socket.is_some();
        if connected {
            let token = self.state.borrow().token.clone();
            self.send(&protocol::join(sub_topic, &token, &join_ref));
        } else {
            self.connect();
        }
        Subscription {
            realtime: self.clone(),
            sub_topic: sub_topic.to_owned(),
        }
    }

    /// A new access token (after a refresh): every joined channel is told, as realtime-js does.
    pub fn set_auth(&self, token: &str) {
        self.state.borrow_mut().token = token.to_owned();
        let channels: Vec<(String, String)> = self
            .state
            .borrow()
            .channels
            .iter()
            .map(|(topic, channel)| (topic.clone(), channel.join_ref.clone()))
            .collect();
        for (topic, join_ref) in channels {
            let msg_ref = self.next_ref();
            self.send(&protocol::access_token(&topic, &join_ref, &msg_ref, token));
        }
    }

    fn leave(&self, sub_topic: &str) {
        let removed = self.state.borrow_mut().channels.remove(sub_topic);
        if let Some(channel) = removed {
            let msg_ref = self.next_ref();
            self.send(&protocol::leave(sub_topic, &channel.join_ref, &msg_ref));
        }
        if self.state.borrow().channels.is_empty() {
            self.disconnect();
        }
    }

    fn disconnect(&self) {
        let mut state = self.state.borrow_mut();
        if let Some(id) = state.heartbeat.take()
            && let Some(window) = web_sys::window()
        {
            window.clear_interval_with_handle(id);
        }
        if let Some(socket) = state.socket.take() {
            socket.set_onclose(None);
            socket.set_onmessage(None);
            socket.set_onopen(None);
            let _ = socket.close();
        }
        state.open = false;
        state.closures.clear();
    }

    fn connect(&self) {
        let url = self.state.borrow().url.clone();
        let Ok(socket) = WebSocket::new(&url) else {
            self.schedule_reconnect();
            return;
        };
        let on_open = {
            let realtime = self.clone();
            Closure::<dyn FnMut(JsValue)>::new(move |_| realtime.opened())
        };
        let on_message = {
            let realtime = self.clone();
            Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
                let Ok(event) = event.dyn_into::<MessageEvent>() else {
                    return;
                };
                if let Some(text) = event.data().as_string()
                    && let Some(frame) = Frame::decode(&text)
                {
                    realtime.received(&frame);
                }
            })
        };
        let on_close = {
            let realtime = self.clone();
            Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
                let _ = event.dyn_into::<CloseEvent>();
                realtime.closed();
            })
        };
        socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        let mut state = self.state.borrow_mut();
        state.closures = vec![on_open, on_message, on_close];
        state.socket = Some(socket);
    }

    fn opened(&self) {
        {
            let mut state = self.state.borrow_mut();
            state.open = true;
            state.attempts = 0;
        }
        let (token, channels): (String, Vec<(String, String)>) = {
            let state = self.state.borrow();
            let channels = state
                .channels
                .iter()
                .map(|(topic, channel)| (topic.clone(), channel.join_ref.clone()))
                .collect();
            (state.token.clone(), channels)
        };
        for (topic, join_ref) in channels {
            self.send(&protocol::join(&topic, &token, &join_ref));
        }
        let realtime = self.clone();
        let beat = Closure::<dyn FnMut()>::new(move || {
            let msg_ref = realtime.next_ref();
            realtime.send(&protocol::heartbeat(&msg_ref));
        });
        if let Some(window) = web_sys::window()
            && let Ok(id) = window.set_interval_with_callback_and_timeout_and_arguments_0(
                beat.as_ref().unchecked_ref(),
                (protocol::HEARTBEAT_SECONDS * 1000) as i32,
            )
        {
            self.state.borrow_mut().heartbeat = Some(id);
        }
        beat.forget();
    }

    fn handler(&self, sub_topic: &str) -> Option<Handler> {
        self.state
            .borrow()
            .channels
            .get(sub_topic)
            .map(|channel| channel.handler.clone())
    }

    fn received(&self, frame: &Frame) {
        match protocol::classify(frame) {
            Incoming::Reply {
                sub_topic,
                msg_ref,
                ok,
                reason,
            } => {
                let is_join = self
                    .state
                    .borrow()
                    .channels
                    .get(&sub_topic)
                    .is_some_and(|channel| Some(&channel.join_ref) == msg_ref.as_ref());
                if let Some(handler) = self.handler(&sub_topic) {
                    if is_join && ok {
                        handler(ChannelEvent::Subscribed);
                    } else if !ok {
                        handler(ChannelEvent::Error(
                            reason.unwrap_or_else(|| "the channel was refused".to_owned()),
                        ));
                    }
                }
            }
            Incoming::Broadcast {
                sub_topic,
                event,
                payload,
            } => {
                if let Some(handler) = self.handler(&sub_topic) {
                    handler(ChannelEvent::Broadcast { event, payload });
                }
            }
            Incoming::Closed { sub_topic, reason } => {
                if let Some(handler) = self.handler(&sub_topic) {
                    handler(ChannelEvent::Error(
                        reason.unwrap_or_else(|| "the channel was closed".to_owned()),
                    ));
                }
            }
            Incoming::Ignored => {}
        }
    }

    fn closed(&self) {
        let handlers: Vec<Handler> = self
            .state
            .borrow()
            .channels
            .values()
            .map(|channel| channel.handler.clone())
            .collect();
        self.disconnect();
        if handlers.is_empty() {
            return;
        }
        for handler in handlers {
            handler(ChannelEvent::Reconnecting);
        }
        self.schedule_reconnect();
    }

    fn schedule_reconnect(&self) {
        let attempts = {
            let mut state = self.state.borrow_mut();
            state.attempts += 1;
            state.attempts
        };
        // 1 s, 2 s, 5 s, then every 10 s, as realtime-js backs off.
        let delay = match attempts {
            1 => 1_000,
            2 => 2_000,
            3 => 5_000,
            _ => 10_000,
        };
        let realtime = self.clone();
        let retry = Closure::once_into_js(move || {
            if !realtime.state.borrow().channels.is_empty()
                && realtime.state.borrow().socket.is_none()
            {
                realtime.connect();
            }
        });
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
                retry.unchecked_ref(),
                delay,
            );
        }
    }
}
