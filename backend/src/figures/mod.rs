//! Pre-aggregated report figures ("stats"): what each order, in its current
//! state, adds to small per-day tables, so that a report over a year reads a
//! few thousand rows instead of hundreds of thousands of orders.
//!
//! Every order change writes `contribution(new) - contribution(old)` in the
//! same transaction as the order (`store::stats`), so the figures never drift
//! from the orders; `Stats::add_order` builds the same figures from scratch
//! (the generator, the migration that fills them for an existing database,
//! and the tests that compare both with a direct computation).
//!
//! Tables (record keys are arrays, so a date range is a key range):
//! - `stat_ops:[date, operator, shard]`: orders by state and failed attempts
//!   (orders-worked report, orders-by-state chart). `shard` spreads a busy
//!   operator's day over a few rows so concurrent order creation does not
//!   conflict on one counter; readers add the shards up.
//! - `stat_sales:[date, product]`: delivered goods and services.
//! - `stat_deliv:[date, courier, client]`: delivered orders, water and money
//!   (deliveries report, water-per-courier chart).
//! - `stat_courier:[date, courier]`: the same per courier only (the daily chart).
//! - `stat_client:[client]`: delivered orders, open orders, last delivery date
//!   (lost clients).

pub mod account;
pub mod bottles;
pub mod equipment;
pub mod pack;
pub mod reasons;
pub mod receipts;

use std::collections::BTreeMap;

use rodnik_shared::api::Order;
use rodnik_shared::{ClientKind, OrderState, ProductKind};
use serde::{Deserialize, Serialize};

/// Closed orders the client card shows.
pub const CARD_RECENT: usize = 10;

/// Rows a busy operator's day is spread over.
pub const OPS_SHARDS: u32 = 8;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct OpsFigures {
    pub new: i64,
    pub delivery: i64,
    pub delivered: i64,
    pub cancelled: i64,
    pub attempts: i64,
}

impl OpsFigures {
    fn add(&mut self, o: &OpsFigures, sign: i64) {
        self.new += sign * o.new;
        self.delivery += sign * o.delivery;
        self.delivered += sign * o.delivered;
        self.cancelled += sign * o.cancelled;
        self.attempts += sign * o.attempts;
    }
    fn is_zero(&self) -> bool {
        *self == OpsFigures::default()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SalesFigures {
    pub qty: i64,
    pub amount: i64,
    pub name: String,
    pub kind: Option<ProductKind>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DelivFigures {
    pub orders: i64,
    pub water_qty: i64,
    pub amount: i64,
    pub courier_name: Option<String>,
    pub client_name: String,
    pub client_kind: Option<ClientKind>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ClientFigures {
    pub delivered: i64,
    pub open: i64,
    /// The client card's orders, so that a screen pop reads a dozen orders
    /// instead of the client's whole history: the open orders' ids...
    pub open_ids: Vec<String>,
    /// ...and the newest closed ones, `(delivery_date, number, id)`, newest
    /// first, at most [`CARD_RECENT`]. Closed is final, so they never leave.
    pub recent: Vec<(String, i64, String)>,
    /// In a change only: ids that are no longer open (not stored).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub open_gone: Vec<String>,
    /// The latest delivery date of a delivered order (never goes back:
    /// a delivered order is final).
    pub last: Option<String>,
}

/// Keys: `(date, operator, shard)`, `(date, product)`, `(date, courier or "", client)`, `client`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    pub ops: BTreeMap<(String, String, u32), OpsFigures>,
    pub sales: BTreeMap<(String, String), SalesFigures>,
    pub deliv: BTreeMap<(String, String, String), DelivFigures>,
    pub couriers: BTreeMap<(String, String), DelivFigures>,
    pub clients: BTreeMap<String, ClientFigures>,
}

/// The shard of an order's operator-day row: fixed per order (its number).
pub fn ops_shard(o: &Order) -> u32 {
    (o.number.rem_euclid(i64::from(OPS_SHARDS))) as u32
}

impl ClientFigures {
    /// Puts an order on the client's card: among the open ones, or among the
    /// newest closed ones (at most [`CARD_RECENT`]).
    pub fn card_add(&mut self, id: &str, open: bool, date: &str, number: i64) {
        if open {
            if !self.open_ids.iter().any(|i| i == id) {
                self.open_ids.push(id.to_string());
            }
            return;
        }
        let item = (date.to_string(), number, id.to_string());
        let at = self.recent.partition_point(|r| *r > item);
        if at < CARD_RECENT && self.recent.get(at) != Some(&item) {
            self.recent.insert(at, item);
            self.recent.truncate(CARD_RECENT);
        }
    }
}

impl Stats {
    /// Adds (`sign` 1) or takes away (`sign` -1) what `o` contributes.
    pub fn add(&mut self, o: &Order, sign: i64) {
        let date = o.delivery_date.clone();
        let mut ops = OpsFigures {
            attempts: o.attempts.len() as i64,
            ..Default::default()
        };
        match o.state {
            OrderState::New => ops.new = 1,
            OrderState::Delivery => ops.delivery = 1,
            OrderState::Delivered => ops.delivered = 1,
            OrderState::Cancelled => ops.cancelled = 1,
        }
        self.ops
            .entry((date.clone(), o.created_by.clone(), ops_shard(o)))
            .or_default()
            .add(&ops, sign);

        let client = self.clients.entry(o.client_id.clone()).or_default();
        if o.state.is_open() {
            client.open += sign;
        }
        if sign > 0 {
            client.card_add(&o.id, o.state.is_open(), &date, o.number);
        } else if o.state.is_open() {
            client.open_gone.push(o.id.clone());
        }
        if o.state != OrderState::Delivered {
            return;
        }
        client.delivered += sign;
        if sign > 0 && client.last.as_deref() < Some(date.as_str()) {
            client.last = Some(date.clone());
        }
        for l in o.lines.iter().filter(|l| l.kind != ProductKind::Water) {
            let s = self
                .sales
                .entry((date.clone(), l.product_id.clone()))
                .or_default();
            s.qty += sign * i64::from(l.qty);
            s.amount += sign * l.amount.0;
            s.name = l.name.clone();
            s.kind = Some(l.kind);
        }
        let courier = o.courier_id.clone().unwrap_or_default();
        for d in [
            self.deliv
                .entry((date.clone(), courier.clone(), o.client_id.clone()))
                .or_default(),
            self.couriers.entry((date, courier)).or_default(),
        ] {
            d.orders += sign;
            d.water_qty += sign * i64::from(o.water_qty());
            d.amount += sign * o.total.0;
            d.courier_name = o.courier_name.clone();
            d.client_name = o.client_name.clone();
            d.client_kind = Some(o.client_kind);
        }
    }

    pub fn add_order(&mut self, o: &Order) {
        self.add(o, 1);
    }

    /// What changing `old` into `new` does to the figures (rows that do not
    /// move are left out).
    pub fn change(old: Option<&Order>, new: &Order) -> Stats {
        let mut s = Stats::default();
        if let Some(old) = old {
            s.add(old, -1);
        }
        s.add(new, 1);
        s.ops.retain(|_, f| !f.is_zero());
        s.sales.retain(|_, f| f.qty != 0 || f.amount != 0);
        s.deliv
            .retain(|_, f| f.orders != 0 || f.water_qty != 0 || f.amount != 0);
        s.couriers
            .retain(|_, f| f.orders != 0 || f.water_qty != 0 || f.amount != 0);
        // The new state always lands on the card (open, or among the newest
        // closed), so the client row is always written; an order still open
        // is not "gone".
        for f in s.clients.values_mut() {
            let still = f.open_ids.clone();
            f.open_gone.retain(|id| !still.contains(id));
        }
        s
    }
}
