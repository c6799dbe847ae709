//! The orders of one delivery day as the Today page shows them: a snapshot from
//! `GET /api/orders?date=`, kept current by the live channel.
//!
//! A snapshot can be older than a live message that arrived while it was in
//! flight, so the changes seen during a load are replayed over the snapshot;
//! `version` decides which copy of an order is newer.

use std::rc::Rc;

use rodnik_shared::api::Order;
use rodnik_shared::Money;
use yew::prelude::*;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct OrdersState {
    pub date: String,
    /// Sorted by order number.
    pub orders: Vec<Order>,
    pub loading: bool,
    pub error: Option<String>,
    /// The load whose answer is awaited; older answers are dropped.
    load_id: u32,
    /// Live changes seen since `load_id` started, replayed over its snapshot.
    seen_while_loading: Vec<Order>,
    /// Orders changed by the live channel since the last snapshot (for highlighting).
    pub touched: Vec<String>,
}

pub enum OrdersAction {
    LoadStarted(u32),
    Loaded(u32, Vec<Order>),
    LoadFailed(u32, String),
    /// `order.created` / `order.updated`.
    Upsert(Box<Order>),
}

impl OrdersState {
    pub fn new(date: String) -> Self {
        OrdersState {
            date,
            loading: true,
            ..Default::default()
        }
    }

    pub fn total(&self) -> Money {
        self.orders.iter().map(|o| o.total).sum()
    }

    pub fn count_in(&self, state: rodnik_shared::OrderState) -> usize {
        self.orders.iter().filter(|o| o.state == state).count()
    }

    /// Applies one newer copy of an order: replaces, inserts, or removes it when
    /// it moved to another day. An older copy changes nothing.
    fn apply(&mut self, order: Order) -> bool {
        let pos = self.orders.iter().position(|o| o.id == order.id);
        if let Some(i) = pos {
            if self.orders[i].version > order.version {
                return false;
            }
        }
        match (pos, order.delivery_date == self.date) {
            (Some(i), true) => self.orders[i] = order,
            (Some(i), false) => {
                self.orders.remove(i);
            }
            (None, true) => {
                let at = self.orders.partition_point(|o| o.number < order.number);
                self.orders.insert(at, order);
            }
            (None, false) => return false,
        }
        true
    }
}

impl Reducible for OrdersState {
    type Action = OrdersAction;

    fn reduce(self: Rc<Self>, action: OrdersAction) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            OrdersAction::LoadStarted(id) => {
                s.load_id = id;
                s.loading = true;
                s.seen_while_loading.clear();
            }
            OrdersAction::Loaded(id, mut orders) => {
                if id != s.load_id {
                    return self;
                }
                orders.retain(|o| o.delivery_date == s.date);
                orders.sort_by_key(|o| o.number);
                s.orders = orders;
                for o in std::mem::take(&mut s.seen_while_loading) {
                    s.apply(o);
                }
                s.loading = false;
                s.error = None;
                s.touched.clear();
            }
            OrdersAction::LoadFailed(id, message) => {
                if id != s.load_id {
                    return self;
                }
                s.loading = false;
                s.error = Some(message);
            }
            OrdersAction::Upsert(order) => {
                let order = *order;
                if s.loading {
                    s.seen_while_loading.push(order.clone());
                }
                let id = order.id.clone();
                if !s.apply(order) {
                    return self;
                }
                s.touched.retain(|t| *t != id);
                s.touched.push(id);
            }
        }
        Rc::new(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rodnik_shared::OrderState;

    fn order(id: &str, number: i64, version: i64, date: &str) -> Order {
        serde_json::from_value(serde_json::json!({
            "id": id, "number": number, "state": "new", "version": version,
            "client_id": "c1", "client_name": "Ivanov", "client_kind": "individual",
            "address": {"id": "a1", "text": "Lenina 1", "label": null, "contact_name": null,
                        "contact_phone": null, "lat": null, "lon": null},
            "lines": [], "total": 25000, "delivery_date": date, "window": null,
            "courier_id": null, "courier_name": null, "created_by": "u1",
            "created_at": "2025-01-01T09:00:00Z", "updated_at": "2025-01-01T09:00:00Z",
            "attempts": [], "note": null, "call_id": null, "route_pos": 0,
            "cash_collected": null, "empties_returned": null, "delivered_at": null,
            "cancel_reason": null
        }))
        .expect("test order")
    }

    fn run(s: OrdersState, actions: Vec<OrdersAction>) -> OrdersState {
        let mut s = Rc::new(s);
        for a in actions {
            s = s.reduce(a);
        }
        (*s).clone()
    }

    const DAY: &str = "2025-11-27";

    #[test]
    fn live_orders_are_inserted_in_number_order() {
        let s = run(
            OrdersState::new(DAY.into()),
            vec![
                OrdersAction::LoadStarted(1),
                OrdersAction::Loaded(1, vec![order("o3", 3, 1, DAY), order("o1", 1, 1, DAY)]),
                OrdersAction::Upsert(Box::new(order("o2", 2, 1, DAY))),
            ],
        );
        let numbers: Vec<i64> = s.orders.iter().map(|o| o.number).collect();
        assert_eq!(numbers, [1, 2, 3]);
        assert_eq!(s.total(), Money(75000));
        assert_eq!(s.touched, ["o2"]);
    }

    #[test]
    fn an_older_copy_never_replaces_a_newer_one() {
        let mut newer = order("o1", 1, 3, DAY);
        newer.state = OrderState::Delivery;
        let s = run(
            OrdersState::new(DAY.into()),
            vec![
                OrdersAction::LoadStarted(1),
                OrdersAction::Loaded(1, vec![newer]),
                OrdersAction::Upsert(Box::new(order("o1", 1, 2, DAY))),
            ],
        );
        assert_eq!(s.orders[0].version, 3);
        assert_eq!(s.orders[0].state, OrderState::Delivery);
    }

    #[test]
    fn a_rescheduled_order_leaves_the_day() {
        let s = run(
            OrdersState::new(DAY.into()),
            vec![
                OrdersAction::LoadStarted(1),
                OrdersAction::Loaded(1, vec![order("o1", 1, 1, DAY)]),
                OrdersAction::Upsert(Box::new(order("o1", 1, 2, "2025-11-28"))),
                OrdersAction::Upsert(Box::new(order("o9", 9, 1, "2025-11-28"))),
            ],
        );
        assert!(s.orders.is_empty());
    }

    #[test]
    fn changes_seen_during_a_load_survive_its_older_snapshot() {
        let s = run(
            OrdersState::new(DAY.into()),
            vec![
                OrdersAction::LoadStarted(1),
                OrdersAction::Upsert(Box::new(order("o1", 1, 2, DAY))),
                OrdersAction::Upsert(Box::new(order("o2", 2, 1, DAY))),
                // The snapshot was taken before both changes.
                OrdersAction::Loaded(1, vec![order("o1", 1, 1, DAY)]),
            ],
        );
        let got: Vec<(i64, i64)> = s.orders.iter().map(|o| (o.number, o.version)).collect();
        assert_eq!(got, [(1, 2), (2, 1)]);
        assert!(!s.loading);
    }

    #[test]
    fn a_superseded_load_is_ignored() {
        let s = run(
            OrdersState::new(DAY.into()),
            vec![
                OrdersAction::LoadStarted(1),
                OrdersAction::LoadStarted(2),
                OrdersAction::Loaded(1, vec![order("o1", 1, 1, DAY)]),
            ],
        );
        assert!(s.orders.is_empty());
        assert!(s.loading);
        let s = run(s, vec![OrdersAction::LoadFailed(2, "boom".into())]);
        assert_eq!(s.error.as_deref(), Some("boom"));
    }
}
