//! The live channel's server side: one SurrealDB LIVE query per table feeds
//! an in-process hub (a broadcast channel); each socket filters what it may see.
//! LIVE is at-most-once, so any gap (a re-subscription, a lagging socket)
//! makes the hub or the socket send `resync`.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use rodnik_shared::api::{Call, CallState, CallWithMatches, ClientSummary, Order};
use serde_json::Value;
use tokio::sync::broadcast;

use crate::error::Result;
use crate::store::calls::call_from_row;
use crate::store::{decode, Store};

#[derive(Debug, Clone)]
pub enum Event {
    /// An order was created or changed (`created` when its version is 1).
    Order(Arc<Order>),
    /// A call changed state; carries the caller's client cards.
    Call(Arc<CallWithMatches>),
    /// A client was edited (or noted, or their bottles changed).
    Client(Arc<ClientSummary>),
    /// Notifications may have been lost: every client must reload.
    Resync,
    /// Sessions ended (a logout, a deactivation, an admin ending them): every
    /// socket checks its own at once instead of at its next ping.
    SessionsEnded,
}

#[derive(Clone)]
pub struct Hub {
    tx: broadcast::Sender<Event>,
}

const HUB_CAPACITY: usize = 4096;

impl Hub {
    /// Subscribes to the tables before returning, so nothing written after
    /// start is missed.
    pub async fn start(store: Store) -> Result<Hub> {
        let (tx, _) = broadcast::channel(HUB_CAPACITY);
        let hub = Hub { tx };
        let orders = store.live_rows("orders").await?;
        let calls = store.live_rows("calls").await?;
        let clients = store.live_rows("clients").await?;
        tokio::spawn(run_orders(store.clone(), hub.clone(), Some(orders)));
        tokio::spawn(run_clients(store.clone(), hub.clone(), clients));
        tokio::spawn(run_calls(store, hub.clone(), Some(calls)));
        Ok(hub)
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.tx.subscribe()
    }

    /// Tells every socket of this process to check its session now.
    pub fn sessions_ended(&self) {
        self.send(Event::SessionsEnded);
    }

    fn send(&self, e: Event) {
        // No receivers is fine: nobody is connected.
        let _ = self.tx.send(e);
    }
}

/// State, answered, ended, called back, and the extension (a ringing call
/// that moves to another phone pops there).
type CallProgress = (
    CallState,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

type LiveStream = surrealdb::method::Stream<Vec<Value>>;

async fn resubscribe(store: &Store, table: &str, hub: &Hub) -> LiveStream {
    let mut delay = Duration::from_millis(100);
    loop {
        match store.live_rows(table).await {
            Ok(s) => {
                // Whatever happened while we were not listening is unknown.
                hub.send(Event::Resync);
                return s;
            }
            Err(e) => {
                tracing::warn!(table, error = %e, "live query failed; retrying");
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(5));
            }
        }
    }
}

async fn run_orders(store: Store, hub: Hub, first: Option<LiveStream>) {
    let mut stream = match first {
        Some(s) => s,
        None => resubscribe(&store, "orders", &hub).await,
    };
    loop {
        match stream.next().await {
            Some(Ok(n)) => {
                // An order changed, here or on another node: days kept in
                // memory may be stale.
                store.forget_routes();
                if matches!(
                    n.action,
                    surrealdb::types::Action::Create | surrealdb::types::Action::Update
                ) {
                    let mut row = n.data;
                    if let Value::Object(m) = &mut row {
                        m.remove("delivered_by");
                    }
                    match decode::<Order>(row) {
                        Ok(o) => hub.send(Event::Order(Arc::new(o))),
                        Err(e) => tracing::error!(error = %e, "undecodable order notification"),
                    }
                }
            }
            Some(Err(e)) => {
                tracing::warn!(error = %e, "orders live stream error");
                store.forget_routes();
                hub.send(Event::Resync);
            }
            None => {
                stream = resubscribe(&store, "orders", &hub).await;
                store.forget_routes();
            }
        }
    }
}

async fn run_clients(store: Store, hub: Hub, mut stream: LiveStream) {
    loop {
        match stream.next().await {
            Some(Ok(n)) if n.action == surrealdb::types::Action::Update => {
                let mut row = n.data;
                if let Value::Object(m) = &mut row {
                    for field in ["search", "prices", "created_at"] {
                        m.remove(field);
                    }
                }
                match decode::<ClientSummary>(row) {
                    Ok(c) => hub.send(Event::Client(Arc::new(c))),
                    Err(e) => tracing::error!(error = %e, "undecodable client notification"),
                }
            }
            Some(Ok(_)) => {}
            Some(Err(e)) => {
                tracing::warn!(error = %e, "clients live stream error");
                hub.send(Event::Resync);
            }
            None => stream = resubscribe(&store, "clients", &hub).await,
        }
    }
}

async fn run_calls(store: Store, hub: Hub, first: Option<LiveStream>) {
    let mut stream = match first {
        Some(s) => s,
        None => resubscribe(&store, "calls", &hub).await,
    };
    let mut last_progress: HashMap<String, CallProgress> = HashMap::new();
    loop {
        match stream.next().await {
            Some(Ok(n)) => {
                if !matches!(
                    n.action,
                    surrealdb::types::Action::Create | surrealdb::types::Action::Update
                ) {
                    continue;
                }
                let call = match decode::<Call>(call_from_row(n.data)) {
                    Ok(c) => c,
                    Err(e) => {
                        tracing::error!(error = %e, "undecodable call notification");
                        continue;
                    }
                };
                // Only a change of the call's progress is news: linking an order
                // to a ringing call must not pop it again.
                let progress = (
                    call.state,
                    call.answered_at.clone(),
                    call.ended_at.clone(),
                    call.called_back_at.clone(),
                    call.extension.clone(),
                );
                if last_progress.get(&call.id) == Some(&progress) {
                    continue;
                }
                if last_progress.len() >= 10_000 {
                    last_progress.clear();
                }
                last_progress.insert(call.id.clone(), progress);
                let matches = match store.cards_by_id(&call.client_ids).await {
                    Ok(cards) => cards,
                    Err(e) => {
                        tracing::error!(error = %e, "client cards for a call");
                        vec![]
                    }
                };
                hub.send(Event::Call(Arc::new(CallWithMatches { call, matches })));
            }
            Some(Err(e)) => {
                tracing::warn!(error = %e, "calls live stream error");
                hub.send(Event::Resync);
            }
            None => stream = resubscribe(&store, "calls", &hub).await,
        }
    }
}
