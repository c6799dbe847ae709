//! The live channel (`GET /api/live?token=`): one WebSocket for as long as a
//! page needs it, reopened with backoff when it drops.
//!
//! Messages sent while the socket was down are lost, so every (re)opening is
//! reported as `LiveEvent::Opened` and the page reloads its view then, after
//! the subscription exists (subscribe before snapshot).

use std::task::Poll;

use futures::future::{abortable, poll_fn};
use futures::{Sink, StreamExt};
use gloo_net::websocket::{futures::WebSocket, Message, State};
use gloo_timers::future::TimeoutFuture;
use rodnik_shared::api::LiveMessage;
use yew::platform::spawn_local;
use yew::prelude::*;

use super::{Api, ApiError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LiveStatus {
    Connecting,
    Online,
    Offline,
}

impl LiveStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            LiveStatus::Connecting => "connecting",
            LiveStatus::Online => "online",
            LiveStatus::Offline => "offline",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum LiveEvent {
    /// The socket is (again) open: whatever the view shows may be stale.
    Opened,
    Message(LiveMessage),
    /// The credential no longer works; the channel has stopped. (A session's
    /// token has also ended the session, in the API client.)
    Unauthorized,
}

/// A message's `data` as `T`, read from its JSON text rather than from the
/// `serde_json::Value`: every type is then deserialized by the one reader HTTP
/// answers use, not by a second one for `Value` (a second copy of every
/// type's deserializer in the wasm; docs/benchmarks.md, "Front-end size").
pub fn data<T: serde::de::DeserializeOwned>(m: &LiveMessage) -> Result<T, serde_json::Error> {
    serde_json::from_str(&m.data.to_string())
}

const FIRST_RETRY_MS: u32 = 500;
const MAX_RETRY_MS: u32 = 15_000;

/// What opens a live channel: a signed-in user's token, or a wallboard key
/// (read-only: order changes only).
#[derive(Debug, Clone, PartialEq)]
pub enum LiveAuth {
    Token(String),
    Wallboard(String),
}

/// Keeps a live channel open while `token` is `Some`. `on_event` is taken once
/// per token, so it should only dispatch to stable handles (reducers).
#[hook]
pub fn use_live(token: Option<String>, on_event: Callback<LiveEvent>) -> LiveStatus {
    use_live_auth(token.map(LiveAuth::Token), on_event)
}

/// `use_live` for either kind of credential.
#[hook]
pub fn use_live_auth(auth: Option<LiveAuth>, on_event: Callback<LiveEvent>) -> LiveStatus {
    let status = use_state_eq(|| LiveStatus::Connecting);
    let set_status = status.setter();
    use_effect_with(auth, move |auth| {
        let abort = auth.clone().map(|auth| {
            let (task, handle) = abortable(run(auth, on_event, set_status));
            spawn_local(async move {
                let _ = task.await;
            });
            handle
        });
        // Dropping the aborted task drops the socket, which closes it.
        move || {
            if let Some(a) = abort {
                a.abort();
            }
        }
    });
    *status
}

async fn run(auth: LiveAuth, on_event: Callback<LiveEvent>, status: UseStateSetter<LiveStatus>) {
    let url = live_url(&auth);
    let mut retry_ms = FIRST_RETRY_MS;
    loop {
        status.set(LiveStatus::Connecting);
        if let Some(mut ws) = connect(&url).await {
            retry_ms = FIRST_RETRY_MS;
            status.set(LiveStatus::Online);
            on_event.emit(LiveEvent::Opened);
            while let Some(Ok(msg)) = ws.next().await {
                if let Message::Text(text) = msg {
                    // A message this build does not understand is skipped, not fatal.
                    if let Ok(m) = serde_json::from_str::<LiveMessage>(&text) {
                        on_event.emit(LiveEvent::Message(m));
                    }
                }
            }
        }
        status.set(LiveStatus::Offline);
        // A refused upgrade looks like any other failure from inside a browser.
        let check = match &auth {
            LiveAuth::Token(token) => Api::with_token(token).me().await.map(|_| ()),
            LiveAuth::Wallboard(key) => Api::anonymous().wallboard(Some(key)).await.map(|_| ()),
        };
        if let Err(ApiError::Unauthorized) = check {
            on_event.emit(LiveEvent::Unauthorized);
            return;
        }
        let jitter = (js_sys::Math::random() * f64::from(retry_ms) / 2.0) as u32;
        TimeoutFuture::new(retry_ms + jitter).await;
        retry_ms = (retry_ms * 2).min(MAX_RETRY_MS);
    }
}

/// Opens a socket and waits until it is open; `None` if it failed instead.
async fn connect(url: &str) -> Option<WebSocket> {
    let mut ws = WebSocket::open(url).ok()?;
    // gloo-net's sink turns ready once the socket leaves CONNECTING, open or failed.
    poll_fn(|cx| match std::pin::Pin::new(&mut ws).poll_ready(cx) {
        Poll::Ready(_) => Poll::Ready(()),
        Poll::Pending => Poll::Pending,
    })
    .await;
    matches!(ws.state(), State::Open).then_some(ws)
}

fn live_url(auth: &LiveAuth) -> String {
    let loc = web_sys::window().expect("a browser window").location();
    let scheme = match loc.protocol().as_deref() {
        Ok("https:") => "wss",
        _ => "ws",
    };
    let host = loc.host().unwrap_or_default();
    let (param, value) = match auth {
        LiveAuth::Token(t) => ("token", t),
        LiveAuth::Wallboard(k) => ("wallboard", k),
    };
    let value = String::from(js_sys::encode_uri_component(value));
    format!("{scheme}://{host}/api/live?{param}={value}")
}
