//! The dispatch board's view of a day: lanes (unassigned, then one per
//! courier) built from the day's orders, route reordering, and the day's
//! missed calls kept current by the live channel.

use std::rc::Rc;

use rodnik_shared::api::{Call, Order, User};
use rodnik_shared::OrderState;
use yew::prelude::*;

use super::orders::{needs_new_date, OrdersState};

/// One column of the board.
#[derive(Debug, Clone, PartialEq)]
pub struct Lane {
    /// `None`: orders without a courier.
    pub courier_id: Option<String>,
    pub courier_name: Option<String>,
    /// Dispatched and delivered stops in route order.
    pub route: Vec<Order>,
    /// Orders of this courier (or nobody's) not dispatched yet, by window.
    pub waiting: Vec<Order>,
    /// Cancelled orders, only when the board shows them.
    pub cancelled: Vec<Order>,
}

impl Lane {
    pub fn delivered(&self) -> usize {
        self.route
            .iter()
            .filter(|o| o.state == OrderState::Delivered)
            .count()
    }

    /// Stops still to deliver: on the route and not delivered, plus waiting.
    pub fn left(&self) -> usize {
        self.route.len() - self.delivered() + self.waiting.len()
    }

    /// Full returnable containers (19 L bottles) to carry for what is left.
    pub fn bottles_left(&self) -> u32 {
        self.route
            .iter()
            .filter(|o| o.state == OrderState::Delivery)
            .chain(self.waiting.iter())
            .map(|o| o.returnable_qty())
            .sum()
    }

    pub fn route_ids(&self) -> Vec<String> {
        self.route.iter().map(|o| o.id.clone()).collect()
    }
}

/// The lanes of the board's day: "unassigned" first, then every courier
/// (with or without orders), then couriers unknown to the list (deactivated
/// since) who still have orders that day.
pub fn lanes(s: &OrdersState, couriers: &[User], show_cancelled: bool) -> Vec<Lane> {
    let mut lanes: Vec<Lane> = std::iter::once(Lane::new(None, None))
        .chain(
            couriers
                .iter()
                .map(|c| Lane::new(Some(c.id.clone()), Some(c.name.clone()))),
        )
        .collect();
    for o in s.orders.iter().filter(|o| o.delivery_date == s.date) {
        let at = match lanes.iter().position(|l| l.courier_id == o.courier_id) {
            Some(i) => i,
            None => {
                lanes.push(Lane::new(o.courier_id.clone(), o.courier_name.clone()));
                lanes.len() - 1
            }
        };
        let lane = &mut lanes[at];
        match o.state {
            OrderState::Delivery | OrderState::Delivered => lane.route.push(o.clone()),
            OrderState::New => lane.waiting.push(o.clone()),
            OrderState::Cancelled if show_cancelled => lane.cancelled.push(o.clone()),
            OrderState::Cancelled => {}
        }
    }
    for lane in &mut lanes {
        lane.route.sort_by_key(|o| (o.route_pos, o.number));
        lane.waiting.sort_by_key(|o| {
            (
                // Failed attempts first: they need a decision.
                !needs_new_date(o),
                o.window.map(|w| w.to_input().from),
                o.number,
            )
        });
    }
    lanes
}

impl Lane {
    fn new(courier_id: Option<String>, courier_name: Option<String>) -> Lane {
        Lane {
            courier_id,
            courier_name,
            route: vec![],
            waiting: vec![],
            cancelled: vec![],
        }
    }
}

/// The orders waiting for a new date, oldest delivery date first.
pub fn needing_date(s: &OrdersState) -> Vec<Order> {
    let mut v: Vec<Order> = s
        .orders
        .iter()
        .filter(|o| needs_new_date(o))
        .cloned()
        .collect();
    v.sort_by(|a, b| (&a.delivery_date, a.number).cmp(&(&b.delivery_date, b.number)));
    v
}

/// `route` with `id` moved to just before `before` (or to the end).
/// `None` when that changes nothing or `id` is not on the route.
pub fn move_before(route: &[String], id: &str, before: Option<&str>) -> Option<Vec<String>> {
    if before == Some(id) {
        return None;
    }
    let mut v: Vec<String> = route.to_vec();
    let from = v.iter().position(|x| x == id)?;
    let item = v.remove(from);
    let to = match before {
        Some(b) => v.iter().position(|x| x == b)?,
        None => v.len(),
    };
    v.insert(to, item);
    (v != route).then_some(v)
}

/// `route` with `id` moved `delta` places (clamped); `None` if nothing moves.
pub fn move_by(route: &[String], id: &str, delta: i32) -> Option<Vec<String>> {
    let from = route.iter().position(|x| x == id)?;
    let last = route.len().saturating_sub(1) as i64;
    let to = (from as i64 + i64::from(delta)).clamp(0, last) as usize;
    if to == from {
        return None;
    }
    let mut v = route.to_vec();
    let item = v.remove(from);
    v.insert(to, item);
    Some(v)
}

/// The day's missed calls, newest first.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CallsState {
    pub date: String,
    pub calls: Vec<Call>,
    pub error: Option<String>,
    load_id: u32,
    seen_while_loading: Vec<Call>,
    loading: bool,
}

pub enum CallsAction {
    LoadStarted(u32),
    Loaded(u32, Vec<Call>),
    LoadFailed(u32, String),
    /// A call from the live channel (ended, or called back).
    Upsert(Box<Call>),
    SetDate(String),
}

impl CallsState {
    pub fn new(date: String) -> Self {
        CallsState {
            date,
            ..Default::default()
        }
    }

    /// Calls still waiting for someone to call back.
    pub fn open(&self) -> usize {
        self.calls
            .iter()
            .filter(|c| c.called_back_at.is_none())
            .count()
    }

    fn apply(&mut self, call: Call) {
        // The page passes on live calls only while it shows today.
        let on_day = call.missed;
        let pos = self.calls.iter().position(|c| c.id == call.id);
        match (pos, on_day) {
            (Some(i), true) => {
                // The live copy lacks names the list query filled in.
                let names = std::mem::take(&mut self.calls[i].client_names);
                self.calls[i] = call;
                if self.calls[i].client_names.is_empty() {
                    self.calls[i].client_names = names;
                }
            }
            (Some(i), false) => {
                self.calls.remove(i);
            }
            (None, true) => {
                let at = self
                    .calls
                    .partition_point(|c| c.started_at > call.started_at);
                self.calls.insert(at, call);
            }
            (None, false) => {}
        }
    }
}

impl Reducible for CallsState {
    type Action = CallsAction;

    fn reduce(self: Rc<Self>, action: CallsAction) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            CallsAction::LoadStarted(id) => {
                s.load_id = id;
                s.loading = true;
                s.seen_while_loading.clear();
            }
            CallsAction::Loaded(id, calls) => {
                if id != s.load_id {
                    return self;
                }
                s.calls = calls;
                s.calls.sort_by(|a, b| b.started_at.cmp(&a.started_at));
                for c in std::mem::take(&mut s.seen_while_loading) {
                    s.apply(c);
                }
                s.loading = false;
                s.error = None;
            }
            CallsAction::LoadFailed(id, e) => {
                if id != s.load_id {
                    return self;
                }
                s.loading = false;
                s.error = Some(e);
            }
            CallsAction::Upsert(call) => {
                if s.loading {
                    s.seen_while_loading.push((*call).clone());
                }
                s.apply(*call);
            }
            CallsAction::SetDate(date) => {
                if date == s.date {
                    return self;
                }
                s.date = date;
                s.calls.clear();
                s.error = None;
            }
        }
        Rc::new(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::OrdersAction;

    const DAY: &str = "2025-11-27";

    fn order(id: &str, number: i64, state: &str, courier: Option<&str>, pos: i64) -> Order {
        serde_json::from_value(serde_json::json!({
            "id": id, "number": number, "state": state, "version": 1,
            "client_id": "c1", "client_name": "Ivanov", "client_kind": "individual",
            "address": {"id": "a1", "text": "Lenina 1", "label": null, "contact_name": null,
                        "contact_phone": null, "lat": null, "lon": null},
            "lines": [{"product_id": "p1", "name": "Water 19 L", "kind": "water", "qty": 2,
                       "price": 25000, "amount": 50000, "returnable": true}],
            "total": 50000, "delivery_date": DAY, "window": null,
            "courier_id": courier, "courier_name": courier.map(|c| format!("Courier {c}")),
            "created_by": "u1", "created_at": "2025-01-01T09:00:00Z",
            "updated_at": "2025-01-01T09:00:00Z", "attempts": [], "note": null, "call_id": null,
            "route_pos": pos, "cash_collected": null, "empties_returned": null,
            "delivered_at": null, "cancel_reason": null
        }))
        .expect("test order")
    }

    fn courier(id: &str) -> User {
        serde_json::from_value(serde_json::json!({
            "id": id, "username": id, "name": format!("Courier {id}"), "role": "courier"
        }))
        .expect("test user")
    }

    fn loaded(orders: Vec<Order>) -> OrdersState {
        let s = Rc::new(OrdersState::for_board(DAY.into()));
        let s = s.reduce(OrdersAction::LoadStarted(1));
        (*s.reduce(OrdersAction::Loaded(1, orders))).clone()
    }

    #[test]
    fn lanes_group_by_courier_in_route_order() {
        let s = loaded(vec![
            order("o1", 1, "new", None, 0),
            order("o2", 2, "delivery", Some("k"), 2),
            order("o3", 3, "delivered", Some("k"), 1),
            order("o4", 4, "new", Some("k"), 0),
            order("o5", 5, "cancelled", Some("k"), 0),
            order("o6", 6, "delivery", Some("gone"), 1),
        ]);
        let l = lanes(&s, &[courier("k"), courier("s")], false);
        let ids: Vec<Option<&str>> = l.iter().map(|l| l.courier_id.as_deref()).collect();
        // Every courier has a lane, and one no longer listed keeps theirs.
        assert_eq!(ids, [None, Some("k"), Some("s"), Some("gone")]);
        assert_eq!(l[0].waiting.len(), 1);
        let route: Vec<&str> = l[1].route.iter().map(|o| o.id.as_str()).collect();
        assert_eq!(route, ["o3", "o2"]);
        assert_eq!(l[1].waiting[0].id, "o4");
        assert!(l[1].cancelled.is_empty());
        assert_eq!((l[1].delivered(), l[1].left()), (1, 2));
        assert_eq!(l[1].bottles_left(), 4);
        let l = lanes(&s, &[courier("k")], true);
        assert_eq!(l[1].cancelled.len(), 1);
    }

    #[test]
    fn failed_orders_come_first_among_the_waiting() {
        let mut failed = order("o9", 9, "new", Some("k"), 0);
        failed.needs_new_date = true;
        let s = loaded(vec![order("o1", 1, "new", Some("k"), 0), failed]);
        let l = lanes(&s, &[courier("k")], false);
        assert_eq!(l[1].waiting[0].id, "o9");
        assert_eq!(needing_date(&s).len(), 1);
    }

    #[test]
    fn stops_move_before_another_or_by_steps() {
        let r: Vec<String> = ["a", "b", "c", "d"].map(String::from).to_vec();
        assert_eq!(
            move_before(&r, "d", Some("b")).unwrap(),
            ["a", "d", "b", "c"]
        );
        assert_eq!(move_before(&r, "a", None).unwrap(), ["b", "c", "d", "a"]);
        assert_eq!(move_before(&r, "a", Some("b")), None);
        assert_eq!(move_before(&r, "b", Some("b")), None);
        assert_eq!(move_before(&r, "x", Some("b")), None);
        assert_eq!(move_by(&r, "b", -1).unwrap(), ["b", "a", "c", "d"]);
        assert_eq!(move_by(&r, "c", 1).unwrap(), ["a", "b", "d", "c"]);
        assert_eq!(move_by(&r, "a", -1), None);
        assert_eq!(move_by(&r, "d", 1), None);
    }

    fn call(id: &str, started: &str, missed: bool) -> Call {
        serde_json::from_value(serde_json::json!({
            "id": id, "call_id": id, "from": "+79161234567", "to": "+74950000000",
            "extension": null, "state": "ended", "started_at": started,
            "answered_at": null, "ended_at": started, "missed": missed,
            "client_ids": [], "order_ids": []
        }))
        .expect("test call")
    }

    #[test]
    fn missed_calls_stay_newest_first_and_keep_their_names() {
        let mut named = call("c1", "2025-11-27T09:00:00Z", true);
        named.client_names = vec!["Ivanov".into()];
        let s = Rc::new(CallsState::new(DAY.into()));
        let s = s.reduce(CallsAction::LoadStarted(1));
        let s = s.reduce(CallsAction::Loaded(1, vec![named]));
        let s = s.reduce(CallsAction::Upsert(Box::new(call(
            "c2",
            "2025-11-27T10:00:00Z",
            true,
        ))));
        // An answered call is not missed: not listed.
        let s = s.reduce(CallsAction::Upsert(Box::new(call(
            "c3",
            "2025-11-27T11:00:00Z",
            false,
        ))));
        let mut back = call("c1", "2025-11-27T09:00:00Z", true);
        back.called_back_at = Some("2025-11-27T12:00:00Z".into());
        let s = s.reduce(CallsAction::Upsert(Box::new(back)));
        let ids: Vec<&str> = s.calls.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["c2", "c1"]);
        assert_eq!(s.calls[1].client_names, ["Ivanov"]);
        assert_eq!(s.open(), 1);
    }
}
