//! One WebSocket: authenticate, then forward what this user may see, with a
//! per-socket sequence number; `resync` when this socket fell behind.

use std::collections::HashSet;

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::response::Response;
use futures::{SinkExt, StreamExt};
use rodnik_shared::api::{CallState, LiveMessage, User};
use rodnik_shared::{OrderState, Role};
use serde::Deserialize;
use serde_json::json;
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::mpsc;

use super::extract::ApiQuery;
use crate::app::AppState;
use crate::auth::token_hash;
use crate::error::{Error, Result};
use crate::live::Event;
use crate::store::orders::OrderFilter;

/// Messages waiting for a slow socket; past this it gets `resync`.
const SOCKET_QUEUE: usize = 256;

#[derive(Debug, Deserialize)]
pub struct LiveQuery {
    pub token: Option<String>,
    /// A wallboard link's key: a read-only socket of order changes.
    pub wallboard: Option<String>,
}

/// Who holds the socket, checked again at every ping.
enum Holder {
    Session(String),
    Wallboard(String),
}

impl Holder {
    async fn still_valid(&self, state: &AppState) -> bool {
        match self {
            Holder::Session(h) => !matches!(state.store.session_user(h).await, Ok(None)),
            Holder::Wallboard(h) => !matches!(state.store.wallboard_by_token(h).await, Ok(None)),
        }
    }
}

pub async fn upgrade(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<LiveQuery>,
    ws: std::result::Result<
        WebSocketUpgrade,
        axum::extract::ws::rejection::WebSocketUpgradeRejection,
    >,
) -> Result<Response> {
    // A plain GET gets the API's JSON error, not axum's text.
    let ws = ws.map_err(|e| {
        Error::BadRequest(format!(
            "a WebSocket upgrade is expected here: {}",
            e.body_text()
        ))
    })?;
    // Small buffers: a thousand idle sockets must not cost 128 KiB each (the
    // default read buffer). Clients only send pings and short commands; every
    // message out is flushed as it is sent anyway.
    let ws = ws
        .read_buffer_size(4 * 1024)
        .write_buffer_size(0)
        .max_message_size(64 * 1024);
    if let Some(key) = q.wallboard {
        let hash = token_hash(&key);
        let board = state
            .store
            .wallboard_by_token(&hash)
            .await?
            .ok_or(Error::Unauthorized)?;
        // A viewer: it sees every order (as a wallboard may) and nothing else.
        let viewer = User {
            id: format!("wallboard:{}", board.id),
            username: "wallboard".into(),
            name: board.name,
            role: Role::Manager,
            phone: None,
            extension: None,
            active: true,
        };
        let holder = Holder::Wallboard(hash);
        return Ok(ws.on_upgrade(move |socket| run(state, viewer, true, holder, socket)));
    }
    let token = q.token.ok_or(Error::Unauthorized)?;
    let user = state
        .store
        .session_user(&token_hash(&token))
        .await?
        .ok_or(Error::Unauthorized)?;
    let holder = Holder::Session(token_hash(&token));
    Ok(ws.on_upgrade(move |socket| run(state, user, false, holder, socket)))
}

/// What one socket has been told, to decide what it may be told next.
struct Filter {
    user: User,
    /// A wallboard: orders without contact details, no calls.
    viewer: bool,
    /// For a courier: the orders currently on their route. For a wallboard:
    /// the orders of today it was told about.
    mine: HashSet<String>,
    /// The company's day (for a wallboard: it sees only today's orders).
    today: Box<dyn Fn() -> String + Send>,
}

impl Filter {
    fn messages(&mut self, event: &Event) -> Vec<(String, serde_json::Value)> {
        match event {
            Event::Resync => vec![("resync".into(), json!({}))],
            Event::SessionsEnded => vec![],
            Event::Order(o) if self.viewer => {
                // Today's orders only, as its snapshot; an order moved off
                // today that it was shown gets one last update (with its new
                // date) so the board drops it.
                let kind = if o.delivery_date == (self.today)() {
                    self.mine.insert(o.id.clone());
                    if o.version == 1 {
                        "order.created"
                    } else {
                        "order.updated"
                    }
                } else if self.mine.remove(&o.id) {
                    "order.updated"
                } else {
                    return vec![];
                };
                vec![(kind.into(), json!(o.for_wallboard()))]
            }
            Event::Call(_) | Event::Client(_) if self.viewer => vec![],
            Event::Client(c) if self.user.role.is_operator_or_up() => {
                vec![("client.updated".into(), json!(c.as_ref()))]
            }
            Event::Client(_) => vec![],
            Event::Order(o) => {
                if self.user.role.is_operator_or_up() {
                    let kind = if o.version == 1 {
                        "order.created"
                    } else {
                        "order.updated"
                    };
                    return vec![(kind.into(), json!(o.as_ref()))];
                }
                if self.user.role != Role::Courier {
                    return vec![];
                }
                let on_my_route =
                    o.courier_id.as_deref() == Some(self.user.id.as_str()) && o.state.is_on_route();
                if on_my_route {
                    self.mine.insert(o.id.clone());
                    vec![("order.updated".into(), json!(o.as_ref()))]
                } else if self.mine.remove(&o.id) {
                    vec![("order.revoked".into(), json!({ "id": o.id }))]
                } else {
                    vec![]
                }
            }
            Event::Call(c) => {
                if !self.user.role.is_operator_or_up() {
                    return vec![];
                }
                let kind = match c.call.state {
                    _ if c.call.called_back_at.is_some() => "call.called_back",
                    CallState::Ringing => "call.ringing",
                    CallState::Answered => "call.answered",
                    CallState::Ended => "call.ended",
                };
                // A ringing call with an extension pops only on that operator's screen.
                if c.call.state == CallState::Ringing {
                    if let Some(ext) = &c.call.extension {
                        if self.user.extension.as_deref() != Some(ext.as_str()) {
                            return vec![];
                        }
                    }
                }
                vec![(kind.into(), json!(c.as_ref()))]
            }
        }
    }
}

impl Filter {
    /// The operator may have moved to another phone (`PUT /api/me/extension`)
    /// since the socket opened: a call ringing at an extension re-reads theirs.
    async fn refresh_extension(&mut self, state: &AppState, event: &Event) {
        let Event::Call(c) = event else { return };
        if self.viewer
            || !self.user.role.is_operator_or_up()
            || c.call.state != CallState::Ringing
            || c.call.extension.is_none()
        {
            return;
        }
        match state.store.get_user(&self.user.id).await {
            Ok(Some(u)) => self.user.extension = u.extension,
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "re-reading an operator's extension"),
        }
    }

    /// Re-reads a courier's stops from the database. Must run after
    /// subscribing to the hub (so no later change is missed) and before the
    /// client is told to reload (so what it reloads is never older than this).
    async fn seed(&mut self, state: &AppState) {
        if self.viewer {
            // A wallboard: today's orders, which its snapshot shows.
            let f = OrderFilter {
                date: Some((self.today)()),
                ..Default::default()
            };
            match state.store.list_orders(&f).await {
                Ok(orders) => self.mine = orders.into_iter().map(|o| o.id).collect(),
                Err(e) => tracing::error!(error = %e, "wallboard snapshot for live socket"),
            }
            return;
        }
        if self.user.role != Role::Courier {
            return;
        }
        // Only a dispatched stop can still leave the route (delivered is
        // final), so the courier's whole delivered history need not be read.
        let f = OrderFilter {
            courier_id: Some(self.user.id.clone()),
            state: Some(OrderState::Delivery),
            ..Default::default()
        };
        match state.store.list_orders(&f).await {
            Ok(orders) => self.mine = orders.into_iter().map(|o| o.id).collect(),
            Err(e) => tracing::error!(error = %e, "courier snapshot for live socket"),
        }
    }
}

/// Counts the socket in `rodnik_live_sockets` while it lives.
struct Open;

impl Open {
    fn new() -> Open {
        crate::metrics::metrics().live_sockets.inc();
        Open
    }
}

impl Drop for Open {
    fn drop(&mut self) {
        crate::metrics::metrics().live_sockets.dec();
    }
}

async fn run(state: AppState, user: User, viewer: bool, holder: Holder, socket: WebSocket) {
    let _open = Open::new();
    let metrics = crate::metrics::metrics();
    // Subscribe before taking the snapshot of the courier's stops.
    let mut events = state.hub.subscribe();
    let cfg = state.cfg.clone();
    let mut filter = Filter {
        mine: HashSet::new(),
        user,
        viewer,
        today: Box::new(move || cfg.today().to_string()),
    };
    filter.seed(&state).await;
    let (mut sink, mut incoming) = socket.split();
    let (out_tx, mut out_rx) = mpsc::channel::<Message>(SOCKET_QUEUE);

    // Writer: the only task that touches the sink.
    let writer = tokio::spawn(async move {
        while let Some(m) = out_rx.recv().await {
            if sink.send(m).await.is_err() {
                break;
            }
        }
    });

    let mut seq: u64 = 0;
    let mut ping = tokio::time::interval(state.cfg.live_ping);
    ping.tick().await;
    let push = |kind: String, data: serde_json::Value, seq: &mut u64| -> bool {
        *seq += 1;
        let text = match serde_json::to_string(&LiveMessage {
            seq: *seq,
            kind,
            data,
        }) {
            Ok(t) => t,
            Err(_) => return true,
        };
        match out_tx.try_send(Message::Text(text.into())) {
            Ok(()) => true,
            Err(mpsc::error::TrySendError::Full(_)) => false,
            Err(mpsc::error::TrySendError::Closed(_)) => false,
        }
    };
    let mut behind = false;
    loop {
        tokio::select! {
            ev = events.recv() => {
                let gap = match &ev {
                    Ok(Event::Resync) => Some("hub"),
                    Err(RecvError::Lagged(_)) => Some("lagged"),
                    _ => None,
                };
                let batch = match ev {
                    // Notifications were lost (by the hub, or by this socket
                    // falling behind it): a courier's stops may have changed
                    // unseen, and a stop that left the route must still be revoked.
                    Ok(Event::SessionsEnded) => {
                        if !holder.still_valid(&state).await {
                            let _ = out_tx.try_send(Message::Close(None));
                            break;
                        }
                        vec![]
                    }
                    Ok(Event::Resync) | Err(RecvError::Lagged(_)) => {
                        if let Some(reason) = gap {
                            metrics.live_resync(reason);
                        }
                        filter.seed(&state).await;
                        vec![("resync".to_string(), json!({}))]
                    }
                    Ok(e) => {
                        filter.refresh_extension(&state, &e).await;
                        filter.messages(&e)
                    }
                    Err(RecvError::Closed) => break,
                };
                for (kind, data) in batch {
                    if behind && kind != "resync" {
                        metrics.live_dropped.inc();
                        continue;
                    }
                    if push(kind.clone(), data, &mut seq) {
                        behind = false;
                    } else if out_tx.is_closed() {
                        break;
                    } else {
                        // Queue full: drop until a resync fits.
                        metrics.live_dropped.inc();
                        behind = true;
                    }
                }
                if behind && out_tx.capacity() > 0 && push("resync".into(), json!({}), &mut seq) {
                    metrics.live_resync("queue_full");
                    behind = false;
                }
                if out_tx.is_closed() {
                    break;
                }
            }
            _ = ping.tick() => {
                // A logged-out token (or a revoked wallboard link) loses its
                // socket within one ping period.
                if !holder.still_valid(&state).await {
                    let _ = out_tx.try_send(Message::Close(None));
                    break;
                }
                if out_tx.try_send(Message::Ping(Vec::new().into())).is_err() && out_tx.is_closed() {
                    break;
                }
            }
            msg = incoming.next() => {
                match msg {
                    Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                    Some(Ok(_)) => {}
                }
            }
        }
    }
    drop(out_tx);
    let _ = writer.await;
}
