//! The order's rules, in one place for the server and the web app.
//!
//! The state machine: `new -> delivery -> delivered`, `delivery -> new` (a
//! failed attempt or a recall), `new | delivery -> cancelled`. Each change an
//! order can go through (dispatch, deliver, fail, recall, cancel, edit) is a
//! function on [`Order`] that takes its input, already parsed, and returns the
//! next order with its [`Effects`], or a [`RuleError`]. The server's handlers
//! only parse, load, call one of these and store with compare-and-set; the
//! board asks [`Order::allows`] which buttons to show.

use serde::{Deserialize, Serialize};
use std::fmt;

use crate::api::{Address, Attempt, Order, OrderLine};
use crate::values::{ClientKind, FieldError, Money, TimeWindow};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OrderState {
    New,
    Delivery,
    Delivered,
    Cancelled,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderAction {
    /// Hand to the courier: the stop appears on their route.
    Dispatch,
    /// The courier closed the stop.
    Deliver,
    /// The courier could not deliver; back to dispatch.
    Fail,
    /// A dispatcher took the stop back from the route.
    Recall,
    Cancel,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("an order in state '{from}' cannot be {action}")]
pub struct TransitionError {
    pub from: OrderState,
    pub action: &'static str,
}

impl OrderState {
    pub fn as_str(self) -> &'static str {
        match self {
            OrderState::New => "new",
            OrderState::Delivery => "delivery",
            OrderState::Delivered => "delivered",
            OrderState::Cancelled => "cancelled",
        }
    }

    /// Open orders can still be edited, rescheduled and reassigned.
    pub fn is_open(self) -> bool {
        matches!(self, OrderState::New | OrderState::Delivery)
    }

    /// The stop is on a courier's route (dispatched or already delivered).
    pub fn is_on_route(self) -> bool {
        matches!(self, OrderState::Delivery | OrderState::Delivered)
    }

    pub fn apply(self, action: OrderAction) -> Result<OrderState, TransitionError> {
        use OrderAction::*;
        use OrderState::*;
        match (self, action) {
            (New, Dispatch) => Ok(Delivery),
            (Delivery, Deliver) => Ok(Delivered),
            (Delivery, Fail) | (Delivery, Recall) => Ok(New),
            (New, Cancel) | (Delivery, Cancel) => Ok(Cancelled),
            (from, action) => Err(TransitionError {
                from,
                action: action.past_participle(),
            }),
        }
    }
}

impl OrderAction {
    fn past_participle(self) -> &'static str {
        match self {
            OrderAction::Dispatch => "dispatched",
            OrderAction::Deliver => "delivered",
            OrderAction::Fail => "failed",
            OrderAction::Recall => "recalled",
            OrderAction::Cancel => "cancelled",
        }
    }
}

impl fmt::Display for OrderState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for OrderState {
    type Err = crate::FieldError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "new" => Ok(OrderState::New),
            "delivery" => Ok(OrderState::Delivery),
            "delivered" => Ok(OrderState::Delivered),
            "cancelled" => Ok(OrderState::Cancelled),
            _ => Err(crate::FieldError::new(
                "state",
                "must be one of: new, delivery, delivered, cancelled",
            )),
        }
    }
}

/// A change refused by the order's rules.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    /// Not allowed from the order's state (HTTP 409 `invalid_transition`).
    #[error(transparent)]
    Transition(#[from] TransitionError),
    /// The change itself is wrong for this order (HTTP 422, names the field).
    #[error(transparent)]
    Invalid(#[from] FieldError),
}

/// What an order change does besides the order itself; stored in the same
/// transaction. (The report figures follow from the old and new order.)
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Effects {
    /// Returnable units to add to the client's `bottles_held` (may be negative).
    pub bottles_delta: i64,
    /// Who closed the stop (kept for reports).
    pub delivered_by: Option<String>,
}

/// The next free position at the end of a courier's route on a day, as the
/// store knew it before the change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteEnd {
    pub courier_id: String,
    pub date: String,
    pub pos: i64,
}

/// The position of a stop that joins a route whose end was not looked up
/// (the courier or the day changed meanwhile): after every other stop.
pub const AFTER_EVERY_STOP: i64 = 9_999;

/// A new order, before it is stored. `Order::new` fills in the rest.
#[derive(Debug, Clone)]
pub struct NewOrder {
    pub id: String,
    pub number: i64,
    pub client_id: String,
    pub client_name: String,
    pub client_kind: ClientKind,
    pub address: Address,
    /// Priced lines.
    pub lines: Vec<OrderLine>,
    /// YYYY-MM-DD in the company's time zone.
    pub delivery_date: String,
    pub window: Option<TimeWindow>,
    /// (id, name) of the courier picked, if any.
    pub courier: Option<(String, String)>,
    pub created_by: String,
    /// RFC 3339.
    pub created_at: String,
    pub note: Option<String>,
    pub call_id: Option<String>,
}

/// A closed stop, as the courier reported it.
#[derive(Debug, Clone, Default)]
pub struct Delivery {
    pub cash_collected: Option<Money>,
    pub empties_returned: Option<u32>,
    /// When it happened (the device's time, RFC 3339).
    pub at: String,
    /// The user who closed it.
    pub by: String,
}

/// An edit of an open order, every part parsed; `None` leaves it as it is.
#[derive(Debug, Clone, Default)]
pub struct OrderEdit {
    pub delivery_date: Option<String>,
    pub window: Option<Option<TimeWindow>>,
    /// `Some(None)` takes the order off its courier.
    pub courier: Option<Option<(String, String)>>,
    /// Priced lines.
    pub lines: Option<Vec<OrderLine>>,
    pub address: Option<Address>,
    pub note: Option<Option<String>>,
}

/// Returnable containers delivered minus empties taken back.
fn bottles_delta(o: &Order, empties: Option<u32>) -> i64 {
    i64::from(o.returnable_qty()) - i64::from(empties.unwrap_or(0))
}

/// Where a stop goes on the route it (re)joins: the end looked up, if it is
/// this route's, else after every stop.
fn end_of(route: Option<&RouteEnd>, courier_id: Option<&str>, date: &str) -> i64 {
    match route {
        Some(r) if Some(r.courier_id.as_str()) == courier_id && r.date == date => r.pos,
        _ => AFTER_EVERY_STOP,
    }
}

impl Order {
    /// A new order in state `new`, version 1, its total from its lines.
    pub fn new(n: NewOrder) -> Order {
        let (courier_id, courier_name) = n.courier.unzip();
        Order {
            id: n.id,
            number: n.number,
            state: OrderState::New,
            version: 1,
            client_id: n.client_id,
            client_name: n.client_name,
            client_kind: n.client_kind,
            address: n.address,
            total: n.lines.iter().map(|l| l.amount).sum(),
            lines: n.lines,
            delivery_date: n.delivery_date,
            window: n.window,
            courier_id,
            courier_name,
            created_by: n.created_by,
            updated_at: n.created_at.clone(),
            created_at: n.created_at,
            attempts: vec![],
            note: n.note,
            call_id: n.call_id,
            route_pos: 0,
            cash_collected: None,
            empties_returned: None,
            delivered_at: None,
            cancel_reason: None,
            needs_new_date: false,
        }
    }

    /// Whether the order's state allows `action` (the buttons a screen shows).
    pub fn allows(&self, action: OrderAction) -> bool {
        self.state.apply(action).is_ok()
    }

    /// The order as the next version, changed at `at` (RFC 3339).
    fn next(&self, at: &str) -> Order {
        let mut n = self.clone();
        n.version = self.version + 1;
        n.updated_at = at.to_string();
        n
    }

    /// Hands the stop to its courier: it goes to the end of their route of
    /// the day (`route`, looked up before).
    pub fn dispatch(
        &self,
        route: Option<&RouteEnd>,
        at: &str,
    ) -> Result<(Order, Effects), RuleError> {
        let state = self.state.apply(OrderAction::Dispatch)?;
        if self.courier_id.is_none() {
            return Err(FieldError::new("courier_id", "pick a courier before dispatching").into());
        }
        let mut n = self.next(at);
        n.state = state;
        n.route_pos = end_of(route, n.courier_id.as_deref(), &n.delivery_date);
        n.needs_new_date = false;
        Ok((n, Effects::default()))
    }

    /// The courier closed the stop: cash and empties as reported; the
    /// client's bottle balance moves by what was brought minus what came back.
    pub fn deliver(&self, d: Delivery, at: &str) -> Result<(Order, Effects), RuleError> {
        let state = self.state.apply(OrderAction::Deliver)?;
        let mut n = self.next(at);
        n.state = state;
        n.cash_collected = d.cash_collected;
        n.empties_returned = d.empties_returned;
        n.delivered_at = Some(d.at);
        let fx = Effects {
            bottles_delta: bottles_delta(self, d.empties_returned),
            delivered_by: Some(d.by),
        };
        Ok((n, fx))
    }

    /// The courier could not deliver: off the route, an attempt recorded,
    /// back to dispatch to choose a new date.
    pub fn fail(
        &self,
        reason: String,
        happened_at: String,
        at: &str,
    ) -> Result<(Order, Effects), RuleError> {
        let state = self.state.apply(OrderAction::Fail)?;
        let mut n = self.next(at);
        n.state = state;
        n.route_pos = 0;
        n.needs_new_date = true;
        n.attempts.push(Attempt {
            at: happened_at,
            reason,
            courier_id: self.courier_id.clone(),
        });
        Ok((n, Effects::default()))
    }

    /// A dispatcher took the stop back from the route.
    pub fn recall(&self, at: &str) -> Result<(Order, Effects), RuleError> {
        let mut n = self.next(at);
        n.state = self.state.apply(OrderAction::Recall)?;
        n.route_pos = 0;
        Ok((n, Effects::default()))
    }

    pub fn cancel(&self, reason: String, at: &str) -> Result<(Order, Effects), RuleError> {
        let mut n = self.next(at);
        n.state = self.state.apply(OrderAction::Cancel)?;
        n.cancel_reason = Some(reason);
        n.needs_new_date = false;
        Ok((n, Effects::default()))
    }

    /// Edits an open order. A new date answers a failed attempt. A
    /// dispatched stop keeps a courier, and one moved to another courier or
    /// day goes to the end of that route (`route`, looked up before).
    pub fn edit(
        &self,
        e: &OrderEdit,
        route: Option<&RouteEnd>,
        at: &str,
    ) -> Result<(Order, Effects), RuleError> {
        if !self.state.is_open() {
            return Err(TransitionError {
                from: self.state,
                action: "edited",
            }
            .into());
        }
        let mut n = self.next(at);
        if let Some(d) = &e.delivery_date {
            n.delivery_date = d.clone();
            n.needs_new_date = false;
        }
        if let Some(w) = e.window {
            n.window = w;
        }
        if let Some(c) = &e.courier {
            (n.courier_id, n.courier_name) = c.clone().unzip();
        }
        if n.state == OrderState::Delivery && n.courier_id.is_none() {
            return Err(FieldError::new(
                "courier_id",
                "a dispatched order needs a courier; recall it first",
            )
            .into());
        }
        if let Some(lines) = &e.lines {
            n.total = lines.iter().map(|l| l.amount).sum();
            n.lines = lines.clone();
        }
        if let Some(a) = &e.address {
            n.address = a.clone();
        }
        if let Some(note) = &e.note {
            n.note = note.clone();
        }
        let moved = n.courier_id != self.courier_id || n.delivery_date != self.delivery_date;
        if n.state == OrderState::Delivery && moved {
            n.route_pos = end_of(route, n.courier_id.as_deref(), &n.delivery_date);
        }
        Ok((n, Effects::default()))
    }
}

#[cfg(test)]
mod tests {
    use super::OrderAction::*;
    use super::OrderState::*;
    use super::*;

    const ACTIONS: [OrderAction; 5] = [Dispatch, Deliver, Fail, Recall, Cancel];

    #[test]
    fn valid_transitions() {
        assert_eq!(New.apply(Dispatch), Ok(Delivery));
        assert_eq!(Delivery.apply(Deliver), Ok(Delivered));
        assert_eq!(Delivery.apply(Fail), Ok(New));
        assert_eq!(Delivery.apply(Recall), Ok(New));
        assert_eq!(New.apply(Cancel), Ok(Cancelled));
        assert_eq!(Delivery.apply(Cancel), Ok(Cancelled));
    }

    #[test]
    fn every_other_transition_is_refused() {
        let allowed = [
            (New, Dispatch),
            (Delivery, Deliver),
            (Delivery, Fail),
            (Delivery, Recall),
            (New, Cancel),
            (Delivery, Cancel),
        ];
        for state in [New, Delivery, Delivered, Cancelled] {
            for action in ACTIONS {
                let result = state.apply(action);
                assert_eq!(
                    result.is_ok(),
                    allowed.contains(&(state, action)),
                    "{state:?} {action:?}"
                );
            }
        }
    }

    #[test]
    fn final_states_accept_nothing() {
        for action in ACTIONS {
            assert!(Delivered.apply(action).is_err());
            assert!(Cancelled.apply(action).is_err());
        }
        let e = Delivered.apply(Deliver).unwrap_err();
        assert_eq!(
            e.to_string(),
            "an order in state 'delivered' cannot be delivered"
        );
    }

    #[test]
    fn open_and_route_states() {
        assert!(New.is_open() && Delivery.is_open());
        assert!(!Delivered.is_open() && !Cancelled.is_open());
        assert!(Delivery.is_on_route() && Delivered.is_on_route());
        assert!(!New.is_on_route() && !Cancelled.is_on_route());
    }

    mod changes {
        use super::super::*;
        use crate::api::{Address, OrderLine};
        use crate::values::{ClientKind, Money, ProductKind};

        fn order(courier: Option<&str>) -> Order {
            let line = |id: &str, kind, qty, price, returnable| OrderLine {
                product_id: id.into(),
                name: id.into(),
                kind,
                qty,
                price: Money(price),
                amount: Money(price * i64::from(qty)),
                returnable,
            };
            Order::new(NewOrder {
                id: "o1".into(),
                number: 7,
                client_id: "c1".into(),
                client_name: "Ivanov".into(),
                client_kind: ClientKind::Individual,
                address: Address {
                    id: "a1".into(),
                    text: "Lenina 1".into(),
                    ..Default::default()
                },
                lines: vec![
                    line("water", ProductKind::Water, 3, 25_000, true),
                    line("cups", ProductKind::Goods, 2, 9_000, false),
                ],
                delivery_date: "2026-12-05".into(),
                window: None,
                courier: courier.map(|c| (c.to_string(), format!("Courier {c}"))),
                created_by: "op".into(),
                created_at: "2026-12-04T10:00:00+00:00".into(),
                note: None,
                call_id: None,
            })
        }

        fn end(courier: &str, date: &str, pos: i64) -> RouteEnd {
            RouteEnd {
                courier_id: courier.into(),
                date: date.into(),
                pos,
            }
        }

        const AT: &str = "2026-12-05T09:00:00+00:00";

        #[test]
        fn a_new_order_is_version_one_with_its_total() {
            let o = order(Some("k"));
            assert_eq!(
                (o.state, o.version, o.total),
                (OrderState::New, 1, Money(93_000))
            );
            assert_eq!(o.courier_name.as_deref(), Some("Courier k"));
            assert_eq!(o.updated_at, o.created_at);
            assert!(o.allows(OrderAction::Dispatch) && !o.allows(OrderAction::Deliver));
        }

        #[test]
        fn dispatch_needs_a_courier_and_joins_the_end_of_the_route() {
            let e = order(None).dispatch(None, AT).unwrap_err();
            assert!(
                matches!(e, RuleError::Invalid(ref f) if f.field == "courier_id"),
                "{e:?}"
            );
            let o = order(Some("k"));
            let (n, fx) = o.dispatch(Some(&end("k", "2026-12-05", 4)), AT).unwrap();
            assert_eq!(
                (n.state, n.route_pos, n.version),
                (OrderState::Delivery, 4, 2)
            );
            assert_eq!((n.updated_at.as_str(), fx), (AT, Effects::default()));
            // The end of another route (looked up before a reassignment): last.
            let (n, _) = o.dispatch(Some(&end("m", "2026-12-05", 4)), AT).unwrap();
            assert_eq!(n.route_pos, AFTER_EVERY_STOP);
            let e = n.dispatch(None, AT).unwrap_err();
            assert!(matches!(e, RuleError::Transition(_)), "{e:?}");
        }

        #[test]
        fn delivery_moves_the_bottle_balance_by_full_minus_empties() {
            let (o, _) = order(Some("k")).dispatch(None, AT).unwrap();
            let d = Delivery {
                cash_collected: Some(Money(93_000)),
                empties_returned: Some(1),
                at: "2026-12-05T11:00:00+00:00".into(),
                by: "k".into(),
            };
            let (n, fx) = o.deliver(d, AT).unwrap();
            assert_eq!(n.state, OrderState::Delivered);
            assert_eq!(n.delivered_at.as_deref(), Some("2026-12-05T11:00:00+00:00"));
            assert_eq!(fx.bottles_delta, 3 - 1);
            assert_eq!(fx.delivered_by.as_deref(), Some("k"));
            assert!(order(Some("k")).deliver(Delivery::default(), AT).is_err());
        }

        #[test]
        fn a_failed_stop_leaves_the_route_and_waits_for_a_date() {
            let (o, _) = order(Some("k"))
                .dispatch(Some(&end("k", "2026-12-05", 2)), AT)
                .unwrap();
            let (n, _) = o
                .fail("closed".into(), "2026-12-05T12:00:00+00:00".into(), AT)
                .unwrap();
            assert_eq!(
                (n.state, n.route_pos, n.needs_new_date),
                (OrderState::New, 0, true)
            );
            assert_eq!(n.attempts.len(), 1);
            assert_eq!(n.attempts[0].courier_id.as_deref(), Some("k"));
            // A new date answers it; a dispatch would too.
            let edit = OrderEdit {
                delivery_date: Some("2026-12-07".into()),
                ..Default::default()
            };
            let (n2, _) = n.edit(&edit, None, AT).unwrap();
            assert!(!n2.needs_new_date);
            assert_eq!(n2.version, n.version + 1);
        }

        #[test]
        fn edits_keep_a_dispatched_stop_on_a_route() {
            let (o, _) = order(Some("k"))
                .dispatch(Some(&end("k", "2026-12-05", 2)), AT)
                .unwrap();
            let off = OrderEdit {
                courier: Some(None),
                ..Default::default()
            };
            let e = o.edit(&off, None, AT).unwrap_err();
            assert!(
                matches!(e, RuleError::Invalid(ref f) if f.field == "courier_id"),
                "{e:?}"
            );
            let to_m = OrderEdit {
                courier: Some(Some(("m".into(), "Misha".into()))),
                ..Default::default()
            };
            let (n, _) = o.edit(&to_m, Some(&end("m", "2026-12-05", 6)), AT).unwrap();
            assert_eq!((n.courier_id.as_deref(), n.route_pos), (Some("m"), 6));
            // Nothing moved: the stop keeps its place.
            let note = OrderEdit {
                note: Some(Some("ring twice".into())),
                ..Default::default()
            };
            let (n, _) = o.edit(&note, Some(&end("k", "2026-12-05", 9)), AT).unwrap();
            assert_eq!(n.route_pos, 2);
            let (closed, _) = o.cancel("no longer needed".into(), AT).unwrap();
            let e = closed.edit(&note, None, AT).unwrap_err();
            assert_eq!(
                e.to_string(),
                "an order in state 'cancelled' cannot be edited"
            );
        }

        #[test]
        fn recall_takes_the_stop_off_the_route() {
            let (o, _) = order(Some("k"))
                .dispatch(Some(&end("k", "2026-12-05", 3)), AT)
                .unwrap();
            let (n, _) = o.recall(AT).unwrap();
            assert_eq!((n.state, n.route_pos), (OrderState::New, 0));
            assert!(n.recall(AT).is_err());
        }
    }
}
