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
    /// The dispatch board also keeps, whatever their date, the orders whose
    /// failed delivery waits for a new date.
    pub with_needing_date: bool,
}

pub enum OrdersAction {
    LoadStarted(u32),
    Loaded(u32, Vec<Order>),
    LoadFailed(u32, String),
    /// `order.created` / `order.updated`.
    Upsert(Box<Order>),
    /// Show another day: drops the orders and waits for the next load.
    SetDate(String),
}

impl OrdersState {
    pub fn new(date: String) -> Self {
        OrdersState {
            date,
            loading: true,
            ..Default::default()
        }
    }

    /// The board's state: one day plus every order waiting for a new date.
    pub fn for_board(date: String) -> Self {
        OrdersState {
            with_needing_date: true,
            ..OrdersState::new(date)
        }
    }

    /// Whether an order belongs in this view.
    pub fn belongs(&self, o: &Order) -> bool {
        o.delivery_date == self.date || (self.with_needing_date && needs_new_date(o))
    }

    pub fn get(&self, id: &str) -> Option<&Order> {
        self.orders.iter().find(|o| o.id == id)
    }

    pub fn total(&self) -> Money {
        self.orders
            .iter()
            .filter(|o| o.delivery_date == self.date)
            .map(|o| o.total)
            .sum()
    }

    pub fn count_in(&self, state: rodnik_shared::OrderState) -> usize {
        self.orders
            .iter()
            .filter(|o| o.state == state && o.delivery_date == self.date)
            .count()
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
        match (pos, self.belongs(&order)) {
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
                orders.retain(|o| s.belongs(o));
                // The board loads the day and the orders needing a date: an
                // order can be in both.
                orders.sort_by_key(|o| (o.number, -o.version));
                orders.dedup_by(|later, kept| later.id == kept.id);
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
            OrdersAction::SetDate(date) => {
                if date == s.date {
                    return self;
                }
                s.date = date;
                s.orders.clear();
                s.touched.clear();
                s.error = None;
                s.loading = true;
            }
        }
        Rc::new(s)
    }
}

/// A failed delivery that still waits for a dispatcher to pick a new date.
pub fn needs_new_date(o: &Order) -> bool {
    o.needs_new_date && o.state == rodnik_shared::OrderState::New
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
    fn the_board_keeps_failed_orders_of_any_day_until_they_get_a_date() {
        let mut failed = order("o7", 7, 3, "2025-11-20");
        failed.needs_new_date = true;
        let s = run(
            OrdersState::for_board(DAY.into()),
            vec![
                OrdersAction::LoadStarted(1),
                // The same order from both queries, and one of another day.
                OrdersAction::Loaded(
                    1,
                    vec![
                        order("o1", 1, 1, DAY),
                        failed.clone(),
                        order("o1", 1, 1, DAY),
                        order("o9", 9, 1, "2025-11-20"),
                    ],
                ),
            ],
        );
        let ids: Vec<&str> = s.orders.iter().map(|o| o.id.as_str()).collect();
        assert_eq!(ids, ["o1", "o7"]);
        // The day's figures leave it out.
        assert_eq!(s.total(), Money(25000));
        let mut rescheduled = failed;
        rescheduled.version = 4;
        rescheduled.needs_new_date = false;
        rescheduled.delivery_date = "2025-11-29".into();
        let s = run(s, vec![OrdersAction::Upsert(Box::new(rescheduled))]);
        assert_eq!(s.orders.len(), 1);
        // Today's page does not keep it at all.
        let mut other = order("o8", 8, 2, "2025-11-20");
        other.needs_new_date = true;
        let t = run(
            OrdersState::new(DAY.into()),
            vec![
                OrdersAction::LoadStarted(1),
                OrdersAction::Loaded(1, vec![other]),
            ],
        );
        assert!(t.orders.is_empty());
    }

    #[test]
    fn another_date_empties_the_view_until_it_loads() {
        let s = run(
            OrdersState::for_board(DAY.into()),
            vec![
                OrdersAction::LoadStarted(1),
                OrdersAction::Loaded(1, vec![order("o1", 1, 1, DAY)]),
                OrdersAction::SetDate("2025-11-28".into()),
            ],
        );
        assert!(s.orders.is_empty());
        assert!(s.loading);
        assert_eq!(s.date, "2025-11-28");
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
