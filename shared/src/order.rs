//! The order's rules, in one place for the server and the web app.
//!
//! The state machine: `new -> delivery -> delivered`, `delivery -> new` (a
//! failed attempt, a recall, or a courier's move to another day that goes
//! back to dispatch), `delivery -> delivery` (a courier's move that keeps the
//! stop on a route), `new | delivery -> cancelled`. Each change an order can
//! go through (dispatch, deliver, fail, reschedule, recall, cancel, edit) is a
//! function on [`Order`] that takes its input, already parsed, and returns the
//! next order with its [`Effects`], or a [`RuleError`]. The server's handlers
//! only parse, load, call one of these and store with compare-and-set; the
//! board asks [`Order::allows`] which buttons to show.

use serde::{Deserialize, Serialize};
use std::fmt;

use crate::api::{
    Address, Attempt, EquipmentTask, Order, OrderDeposit, OrderLine, OrderedLines, OtherDayRule,
    Reschedule, RescheduleOutcome,
};
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
    /// The courier moved the stop to another window or day at the door.
    Reschedule,
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
            (Delivery, Reschedule) => Ok(Delivery),
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
            OrderAction::Reschedule => "rescheduled",
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
    /// The deposit line, planned by `bottles::plan_deposit`.
    pub deposit: Option<OrderDeposit>,
    /// Rented equipment the stop brings or collects.
    pub equipment: Vec<EquipmentTask>,
}

/// A closed stop, as the courier reported it.
#[derive(Debug, Clone, Default)]
pub struct Delivery {
    /// What was delivered, priced at the client's prices, when the courier
    /// said it differs from the order.
    pub lines: Option<Vec<OrderLine>>,
    pub cash_collected: Option<Money>,
    /// Paid by card or SBP.
    pub payments: Vec<crate::api::DoorPayment>,
    pub empties_returned: Option<u32>,
    /// Why fewer empties came back than expected.
    pub empties_note: Option<String>,
    /// The bottles the client held before this delivery, when known: fewer
    /// empties than expected then need `empties_note`.
    pub held: Option<i64>,
    /// When it happened (the device's time, RFC 3339).
    pub at: String,
    /// The user who closed it.
    pub by: String,
}

/// Why something happened: a reason from the company's list (its id, with
/// its label or the text typed with it), or typed text alone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cause {
    pub id: Option<String>,
    pub text: String,
}

impl Cause {
    /// Typed text, no reason from the list.
    pub fn text(text: impl Into<String>) -> Cause {
        Cause {
            id: None,
            text: text.into(),
        }
    }
}

/// A courier's move of a stop at the door, parsed (the date is today or later).
#[derive(Debug, Clone)]
pub struct DoorReschedule {
    pub date: String,
    pub window: Option<TimeWindow>,
    pub reason: Cause,
    /// When it happened (the device's time, RFC 3339).
    pub at: String,
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
    /// The deposit line, planned again (`Some(None)`: none).
    pub deposit: Option<Option<OrderDeposit>>,
    /// Keep it with its courier when the day is optimised.
    pub pinned: Option<bool>,
}

/// Returnable containers delivered (`o`'s lines) minus empties taken back.
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
            standing_id: None,
            confirmed_at: None,
            route_pos: 0,
            pinned: false,
            cash_collected: None,
            payments: vec![],
            empties_returned: None,
            empties_note: None,
            empties_expected: None,
            deposit: n.deposit,
            equipment: n.equipment,
            delivered_at: None,
            cancel_reason: None,
            cancel_reason_id: None,
            needs_new_date: false,
            ordered: None,
            reschedules: vec![],
            proposal: None,
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
        n.proposal = None;
        Ok((n, Effects::default()))
    }

    /// The courier closed the stop: cash and empties as reported; the
    /// client's bottle balance moves by what was brought minus what came back.
    /// Lines other than the order's become the order's lines and total (what
    /// the reports count); the order's own are kept in `ordered`.
    pub fn deliver(&self, d: Delivery, at: &str) -> Result<(Order, Effects), RuleError> {
        let state = self.state.apply(OrderAction::Deliver)?;
        let mut n = self.next(at);
        n.state = state;
        if let Some(lines) = d.lines.filter(|l| *l != self.lines) {
            if lines.is_empty() && self.equipment.is_empty() {
                return Err(
                    FieldError::new("lines", "nothing delivered: fail the stop instead").into(),
                );
            }
            n.ordered = Some(OrderedLines {
                lines: std::mem::take(&mut n.lines),
                total: self.total,
            });
            n.total = lines.iter().map(|l| l.amount).sum();
            n.lines = lines;
        }
        if let Some(cash) = d.cash_collected {
            let due = n.cash_due();
            if cash.0 < 0 && cash.0 < due.0 {
                return Err(FieldError::new(
                    "cash_collected",
                    "must not be negative unless the stop pays a deposit back (at most that)",
                )
                .into());
            }
        }
        let note = d.empties_note.filter(|s| !s.trim().is_empty());
        let expected = d.held.map(|held| {
            crate::bottles::empties_expected(
                held,
                i64::from(n.returnable_qty()),
                n.deposit_bottles(),
            )
        });
        n.empties_expected = expected.and_then(|e| u32::try_from(e).ok());
        if let (Some(expected), Some(back)) = (expected, d.empties_returned) {
            if i64::from(back) < expected && note.is_none() {
                return Err(FieldError::new(
                    "empties_note",
                    format!("{expected} empties were expected: say why fewer came back"),
                )
                .into());
            }
        }
        if d.payments.len() > 4 {
            return Err(FieldError::new("payments", "at most 4 payments at the door").into());
        }
        for (i, p) in d.payments.iter().enumerate() {
            if !matches!(
                p.method,
                crate::api::PaymentMethod::Card | crate::api::PaymentMethod::Sbp
            ) {
                return Err(FieldError::new(
                    format!("payments[{i}].method"),
                    "card or sbp (cash goes in cash_collected)",
                )
                .into());
            }
            if p.amount.0 <= 0 || p.amount > Money::MAX_PRICE {
                return Err(
                    FieldError::new(format!("payments[{i}].amount"), "must be above zero").into(),
                );
            }
        }
        n.cash_collected = d.cash_collected;
        n.payments = d.payments;
        n.empties_returned = d.empties_returned;
        n.empties_note = note;
        n.delivered_at = Some(d.at);
        let fx = Effects {
            bottles_delta: bottles_delta(&n, d.empties_returned),
            delivered_by: Some(d.by),
        };
        Ok((n, fx))
    }

    /// The courier moves the stop at the door. Another window the same day
    /// keeps it on the route where it is; another day puts it at the end of
    /// the courier's route of that day (`route`, looked up before), or, by
    /// the company's `rule`, back to dispatch with the day proposed.
    pub fn reschedule(
        &self,
        r: DoorReschedule,
        rule: OtherDayRule,
        route: Option<&RouteEnd>,
        at: &str,
    ) -> Result<(Order, Effects), RuleError> {
        let state = self.state.apply(OrderAction::Reschedule)?;
        let same_day = r.date == self.delivery_date;
        if same_day && r.window == self.window {
            return Err(FieldError::new("window", "pick another window or another day").into());
        }
        let outcome = match (same_day, rule) {
            (true, _) => RescheduleOutcome::SameDay,
            (false, OtherDayRule::ToRoute) => RescheduleOutcome::ToRoute,
            (false, OtherDayRule::ToDispatch) => RescheduleOutcome::ToDispatch,
        };
        let entry = Reschedule {
            at: r.at,
            courier_id: self.courier_id.clone(),
            reason: r.reason.text,
            reason_id: r.reason.id,
            from_date: self.delivery_date.clone(),
            from_window: self.window,
            to_date: r.date.clone(),
            to_window: r.window,
            outcome,
        };
        let mut n = self.next(at);
        n.state = state;
        n.confirmed_at = None;
        match outcome {
            RescheduleOutcome::SameDay => n.window = r.window,
            RescheduleOutcome::ToRoute => {
                n.delivery_date = r.date;
                n.window = r.window;
                n.route_pos = end_of(route, n.courier_id.as_deref(), &n.delivery_date);
            }
            RescheduleOutcome::ToDispatch => {
                n.state = self.state.apply(OrderAction::Recall)?;
                n.route_pos = 0;
                n.needs_new_date = true;
                n.proposal = Some(entry.clone());
            }
        }
        n.reschedules.push(entry);
        Ok((n, Effects::default()))
    }

    /// The courier could not deliver: off the route, an attempt recorded,
    /// back to dispatch to choose a new date.
    pub fn fail(
        &self,
        reason: Cause,
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
            reason: reason.text,
            courier_id: self.courier_id.clone(),
            reason_id: reason.id,
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

    /// The client confirmed the delivery (the notification's short link).
    /// Confirming again keeps the first time.
    pub fn confirm(&self, at: &str) -> Result<(Order, Effects), RuleError> {
        if !self.state.is_open() {
            return Err(TransitionError {
                from: self.state,
                action: "confirmed",
            }
            .into());
        }
        let mut n = self.next(at);
        n.confirmed_at = Some(self.confirmed_at.clone().unwrap_or_else(|| at.to_string()));
        Ok((n, Effects::default()))
    }

    pub fn cancel(&self, reason: Cause, at: &str) -> Result<(Order, Effects), RuleError> {
        let mut n = self.next(at);
        n.state = self.state.apply(OrderAction::Cancel)?;
        n.cancel_reason = Some(reason.text);
        n.cancel_reason_id = reason.id;
        n.needs_new_date = false;
        n.proposal = None;
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
            if *d != self.delivery_date {
                n.confirmed_at = None;
            }
            n.delivery_date = d.clone();
            n.needs_new_date = false;
            n.proposal = None;
        }
        if let Some(w) = e.window {
            if w != self.window {
                n.confirmed_at = None;
            }
            n.window = w;
            n.proposal = None;
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
        if let Some(p) = e.pinned {
            n.pinned = p;
        }
        if let Some(note) = &e.note {
            n.note = note.clone();
        }
        if let Some(deposit) = &e.deposit {
            n.deposit = deposit.clone();
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

    const ACTIONS: [OrderAction; 6] = [Dispatch, Deliver, Fail, Recall, Reschedule, Cancel];

    #[test]
    fn valid_transitions() {
        assert_eq!(New.apply(Dispatch), Ok(Delivery));
        assert_eq!(Delivery.apply(Deliver), Ok(Delivered));
        assert_eq!(Delivery.apply(Fail), Ok(New));
        assert_eq!(Delivery.apply(Recall), Ok(New));
        assert_eq!(Delivery.apply(Reschedule), Ok(Delivery));
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
            (Delivery, Reschedule),
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
                deposit: None,
                equipment: vec![],
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
                lines: None,
                cash_collected: Some(Money(93_000)),
                empties_returned: Some(1),
                at: "2026-12-05T11:00:00+00:00".into(),
                by: "k".into(),
                ..Delivery::default()
            };
            let (n, fx) = o.deliver(d, AT).unwrap();
            assert_eq!(n.state, OrderState::Delivered);
            assert_eq!(n.delivered_at.as_deref(), Some("2026-12-05T11:00:00+00:00"));
            assert_eq!(fx.bottles_delta, 3 - 1);
            assert_eq!(fx.delivered_by.as_deref(), Some("k"));
            assert!(order(Some("k")).deliver(Delivery::default(), AT).is_err());
        }

        #[test]
        fn fewer_empties_than_expected_need_a_reason_and_only_a_refund_pays_out() {
            let (o, _) = order(Some("k")).dispatch(None, AT).unwrap();
            // The client holds 2: 2 of the 3 full bottles are exchanged.
            let short = Delivery {
                empties_returned: Some(1),
                held: Some(2),
                at: AT.into(),
                by: "k".into(),
                ..Delivery::default()
            };
            let e = o.deliver(short.clone(), AT).unwrap_err();
            assert!(
                matches!(&e, RuleError::Invalid(f) if f.field == "empties_note" && f.message.starts_with('2')),
                "{e:?}"
            );
            let noted = Delivery {
                empties_note: Some("вернёт в следующий раз".into()),
                ..short
            };
            let (n, _) = o.deliver(noted, AT).unwrap();
            assert_eq!(n.empties_note.as_deref(), Some("вернёт в следующий раз"));
            assert_eq!(n.empties_expected, Some(2));
            let enough = Delivery {
                empties_returned: Some(2),
                held: Some(2),
                at: AT.into(),
                by: "k".into(),
                ..Delivery::default()
            };
            assert!(o.deliver(enough, AT).is_ok());
            // Cash goes negative only down to a deposit paid back.
            let paid_out = Delivery {
                cash_collected: Some(Money(-100)),
                at: AT.into(),
                by: "k".into(),
                ..Delivery::default()
            };
            let e = o.deliver(paid_out.clone(), AT).unwrap_err();
            assert!(matches!(&e, RuleError::Invalid(f) if f.field == "cash_collected"));
            let mut refund = o.clone();
            refund.lines.clear();
            refund.total = Money::ZERO;
            refund.deposit = Some(OrderDeposit {
                bottles: -2,
                price: Money(30_000),
                amount: Money(-60_000),
                rule: 0,
                reason: Some("отказ".into()),
            });
            assert_eq!(refund.cash_due(), Money(-60_000));
            let (n, _) = refund.deliver(paid_out, AT).unwrap();
            assert_eq!(n.cash_collected, Some(Money(-100)));
        }

        #[test]
        fn a_failed_stop_leaves_the_route_and_waits_for_a_date() {
            let (o, _) = order(Some("k"))
                .dispatch(Some(&end("k", "2026-12-05", 2)), AT)
                .unwrap();
            let (n, _) = o
                .fail(
                    Cause::text("closed"),
                    "2026-12-05T12:00:00+00:00".into(),
                    AT,
                )
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
            let (closed, _) = o.cancel(Cause::text("no longer needed"), AT).unwrap();
            let e = closed.edit(&note, None, AT).unwrap_err();
            assert_eq!(
                e.to_string(),
                "an order in state 'cancelled' cannot be edited"
            );
        }

        fn water(qty: u32) -> OrderLine {
            OrderLine {
                product_id: "water".into(),
                name: "water".into(),
                kind: ProductKind::Water,
                qty,
                price: Money(25_000),
                amount: Money(25_000 * i64::from(qty)),
                returnable: true,
            }
        }

        #[test]
        fn delivering_other_quantities_keeps_what_was_ordered() {
            let (o, _) = order(Some("k")).dispatch(None, AT).unwrap();
            let pump = OrderLine {
                product_id: "pump".into(),
                name: "pump".into(),
                kind: ProductKind::Goods,
                qty: 1,
                price: Money(40_000),
                amount: Money(40_000),
                returnable: false,
            };
            let d = Delivery {
                lines: Some(vec![water(2), pump]),
                cash_collected: Some(Money(90_000)),
                empties_returned: Some(2),
                at: AT.into(),
                by: "k".into(),
                ..Delivery::default()
            };
            let (n, fx) = o.deliver(d, AT).unwrap();
            assert_eq!(n.total, Money(90_000));
            assert_eq!(n.lines.len(), 2);
            let ordered = n.ordered.as_ref().expect("the order's lines are kept");
            assert_eq!((ordered.total, ordered.lines.len()), (Money(93_000), 2));
            assert_eq!(ordered.lines, o.lines);
            // Two full bottles brought, two empties back.
            assert_eq!(fx.bottles_delta, 0);
            // The same lines as ordered: nothing is kept twice.
            let same = Delivery {
                lines: Some(o.lines.clone()),
                empties_returned: Some(0),
                ..Default::default()
            };
            let (n, fx) = o.deliver(same, AT).unwrap();
            assert!(n.ordered.is_none());
            assert_eq!(fx.bottles_delta, 3);
            let nothing = Delivery {
                lines: Some(vec![]),
                ..Default::default()
            };
            let e = o.deliver(nothing, AT).unwrap_err();
            assert!(
                matches!(e, RuleError::Invalid(ref f) if f.field == "lines"),
                "{e:?}"
            );
        }

        fn door(date: &str, window: Option<(u32, u32)>) -> DoorReschedule {
            DoorReschedule {
                date: date.into(),
                window: window.map(|(a, b)| TimeWindow {
                    from: chrono::NaiveTime::from_hms_opt(a, 0, 0).unwrap(),
                    to: chrono::NaiveTime::from_hms_opt(b, 0, 0).unwrap(),
                }),
                reason: Cause {
                    id: Some("no_time".into()),
                    text: "не успеваю сегодня".into(),
                },
                at: "2026-12-05T12:30:00+00:00".into(),
            }
        }

        #[test]
        fn a_later_window_the_same_day_stays_on_the_route() {
            let (o, _) = order(Some("k"))
                .dispatch(Some(&end("k", "2026-12-05", 3)), AT)
                .unwrap();
            let rule = OtherDayRule::ToDispatch;
            let (n, _) = o
                .reschedule(door("2026-12-05", Some((18, 21))), rule, None, AT)
                .unwrap();
            assert_eq!((n.state, n.route_pos), (OrderState::Delivery, 3));
            assert_eq!(n.window.map(|w| w.to.to_string()), Some("21:00:00".into()));
            assert_eq!(n.reschedules.len(), 1);
            assert_eq!(n.reschedules[0].outcome, RescheduleOutcome::SameDay);
            assert_eq!(n.reschedules[0].courier_id.as_deref(), Some("k"));
            assert_eq!(n.reschedules[0].reason_id.as_deref(), Some("no_time"));
            assert!(n.proposal.is_none() && !n.needs_new_date);
            // The same day and window is no move at all.
            let e = n
                .reschedule(door("2026-12-05", Some((18, 21))), rule, None, AT)
                .unwrap_err();
            assert!(
                matches!(e, RuleError::Invalid(ref f) if f.field == "window"),
                "{e:?}"
            );
        }

        #[test]
        fn another_day_goes_to_dispatch_or_to_that_days_route() {
            let (o, _) = order(Some("k"))
                .dispatch(Some(&end("k", "2026-12-05", 3)), AT)
                .unwrap();
            let tomorrow = end("k", "2026-12-06", 5);
            let (n, _) = o
                .reschedule(
                    door("2026-12-06", None),
                    OtherDayRule::ToDispatch,
                    Some(&tomorrow),
                    AT,
                )
                .unwrap();
            assert_eq!((n.state, n.route_pos), (OrderState::New, 0));
            assert_eq!(n.delivery_date, "2026-12-05", "the date waits for dispatch");
            assert!(n.needs_new_date);
            let p = n.proposal.clone().expect("the day proposed is shown");
            assert_eq!(
                (p.to_date.as_str(), p.outcome),
                ("2026-12-06", RescheduleOutcome::ToDispatch)
            );
            assert_eq!(n.courier_id.as_deref(), Some("k"));
            // Dispatch answers it by choosing the day.
            let edit = OrderEdit {
                delivery_date: Some(p.to_date.clone()),
                ..Default::default()
            };
            let (answered, _) = n.edit(&edit, None, AT).unwrap();
            assert!(answered.proposal.is_none() && !answered.needs_new_date);
            assert_eq!(
                answered.reschedules.len(),
                1,
                "the move stays in the history"
            );

            let (n, _) = o
                .reschedule(
                    door("2026-12-06", Some((9, 13))),
                    OtherDayRule::ToRoute,
                    Some(&tomorrow),
                    AT,
                )
                .unwrap();
            assert_eq!(
                (n.state, n.delivery_date.as_str(), n.route_pos),
                (OrderState::Delivery, "2026-12-06", 5)
            );
            assert!(n.proposal.is_none() && !n.needs_new_date);
            // Only a stop on a route can be moved at the door.
            let e = order(Some("k"))
                .reschedule(door("2026-12-06", None), OtherDayRule::ToRoute, None, AT)
                .unwrap_err();
            assert!(matches!(e, RuleError::Transition(_)), "{e:?}");
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
