//! Bottle moves of an order change: what the order, in its new state, has
//! done to the client's bottles minus what it had done before, as ledger rows
//! (`bottle_moves`) written in the order's own transaction. A delivery leaves
//! the full bottles delivered and takes the empties back; an order that is
//! not delivered has done nothing. A delivered order's deposit line is a
//! deposit move: taken or paid back, the bottles it covers and the money.

use rodnik_shared::api::{BottleMoveKind, Order};
use rodnik_shared::{Money, OrderState};
use serde::Serialize;

/// A ledger row as stored (the id is the database's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MoveRow {
    pub client_id: String,
    pub kind: BottleMoveKind,
    pub qty: i64,
    /// Bottles a deposit covers: + taken, - paid back (deposit moves only).
    pub deposit_bottles: i64,
    /// The deposit money, kopecks (deposit moves only).
    pub amount: Money,
    pub order_id: Option<String>,
    pub order_number: Option<i64>,
    pub reason: Option<String>,
    pub by: Option<String>,
    pub by_name: Option<String>,
    pub at: String,
}

/// What `o` has done to the client's bottles: full bottles left, empties
/// taken back, deposit bottles and money (nothing unless delivered).
fn done(o: &Order) -> (i64, i64, i64, Money) {
    match o.state {
        OrderState::Delivered => (
            i64::from(o.returnable_qty()),
            i64::from(o.empties_returned.unwrap_or(0)),
            o.deposit_bottles(),
            o.deposit_amount(),
        ),
        _ => (0, 0, 0, Money::ZERO),
    }
}

/// The moves `new` makes that `old` had not. (Orders stored whole by the
/// demo or the generator make none: their bottles come as opening moves.)
pub fn moves(old: &Order, new: &Order) -> Vec<MoveRow> {
    let (full_was, empties_was, deposit_was, amount_was) = done(old);
    let (full, empties, deposit, amount) = done(new);
    let at = new
        .delivered_at
        .clone()
        .unwrap_or_else(|| new.updated_at.clone());
    let row = |kind, qty| MoveRow {
        client_id: new.client_id.clone(),
        kind,
        qty,
        deposit_bottles: 0,
        amount: Money::ZERO,
        order_id: Some(new.id.clone()),
        order_number: Some(new.number),
        reason: None,
        by: new.courier_id.clone(),
        by_name: new.courier_name.clone(),
        at: at.clone(),
    };
    let mut out = vec![];
    if full != full_was {
        out.push(row(BottleMoveKind::Delivered, full - full_was));
    }
    if empties != empties_was {
        out.push(row(BottleMoveKind::Returned, -(empties - empties_was)));
    }
    // Why fewer empties came back goes with the empties (or the delivery).
    if let Some(last) = out.last_mut() {
        last.reason = new.empties_note.clone();
    }
    if deposit != deposit_was || amount != amount_was {
        let bottles = deposit - deposit_was;
        let money = Money(amount.0 - amount_was.0);
        let kind = match (bottles, money.0) {
            (b, _) if b < 0 => BottleMoveKind::DepositRefunded,
            (0, m) if m < 0 => BottleMoveKind::DepositRefunded,
            _ => BottleMoveKind::DepositTaken,
        };
        out.push(MoveRow {
            deposit_bottles: bottles,
            amount: money,
            reason: new.deposit.as_ref().and_then(|d| d.reason.clone()),
            ..row(kind, 0)
        });
    }
    out
}

impl MoveRow {
    /// The stored row under its id, as the API shows it.
    pub fn with_id(&self, id: String) -> rodnik_shared::api::BottleMove {
        rodnik_shared::api::BottleMove {
            id,
            client_id: self.client_id.clone(),
            kind: self.kind,
            qty: self.qty,
            deposit_bottles: self.deposit_bottles,
            amount: self.amount,
            order_id: self.order_id.clone(),
            order_number: self.order_number,
            reason: self.reason.clone(),
            by: self.by.clone(),
            by_name: self.by_name.clone(),
            at: self.at.clone(),
        }
    }
}

/// What the moves change the balance by.
pub fn delta(moves: &[MoveRow]) -> i64 {
    moves.iter().map(|m| m.qty).sum()
}

/// What the moves change the deposits by: bottles covered and money.
pub fn deposit_delta(moves: &[MoveRow]) -> (i64, i64) {
    moves
        .iter()
        .fold((0, 0), |(b, m), r| (b + r.deposit_bottles, m + r.amount.0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rodnik_shared::api::OrderLine;
    use rodnik_shared::Money;

    fn order(state: OrderState, qty: u32, empties: Option<u32>) -> Order {
        let mut o: Order = serde_json::from_value(serde_json::json!({
            "id": "o1", "number": 7, "state": "new", "version": 1, "client_id": "c1",
            "client_name": "C", "client_kind": "individual",
            "address": { "id": "a1", "text": "t", "label": null, "contact_name": null,
                         "contact_phone": null, "lat": null, "lon": null },
            "lines": [], "total": 0, "delivery_date": "2026-12-05", "window": null,
            "courier_id": "k1", "courier_name": "Kolya", "created_by": "u", "created_at": "2026-12-05T08:00:00Z",
            "updated_at": "2026-12-05T09:00:00Z", "attempts": [], "note": null, "call_id": null, "route_pos": 0,
            "cash_collected": null, "empties_returned": null, "delivered_at": null, "cancel_reason": null
        }))
        .expect("an order");
        o.lines = vec![OrderLine {
            product_id: "w".into(),
            name: "W19".into(),
            kind: rodnik_shared::ProductKind::Water,
            price: Money(25000),
            qty,
            amount: Money(25000 * i64::from(qty)),
            returnable: true,
        }];
        o.state = state;
        o.empties_returned = empties;
        o
    }

    #[test]
    fn a_delivery_leaves_full_bottles_and_takes_empties_once() {
        let before = order(OrderState::Delivery, 3, None);
        let after = order(OrderState::Delivered, 3, Some(1));
        let m = moves(&before, &after);
        let kinds: Vec<(BottleMoveKind, i64)> = m.iter().map(|m| (m.kind, m.qty)).collect();
        assert_eq!(
            kinds,
            [
                (BottleMoveKind::Delivered, 3),
                (BottleMoveKind::Returned, -1)
            ]
        );
        assert_eq!(delta(&m), 2);
        assert_eq!(m[0].order_number, Some(7));
        assert_eq!(m[0].by_name.as_deref(), Some("Kolya"));
        // Nothing moves while the order is not delivered, or when it stays so.
        assert!(moves(&order(OrderState::New, 3, None), &before).is_empty());
        assert!(moves(&after, &after).is_empty());
    }

    #[test]
    fn a_delivered_deposit_line_is_a_deposit_move_that_leaves_the_balance() {
        let mut before = order(OrderState::Delivery, 2, None);
        before.deposit = Some(rodnik_shared::api::OrderDeposit {
            bottles: 2,
            price: Money(30_000),
            amount: Money(60_000),
            rule: 2,
            reason: None,
        });
        let mut after = before.clone();
        after.state = OrderState::Delivered;
        after.empties_returned = Some(0);
        after.empties_note = Some("новый клиент".into());
        let m = moves(&before, &after);
        assert_eq!(delta(&m), 2);
        assert_eq!(deposit_delta(&m), (2, 60_000));
        let d = m.last().unwrap();
        assert_eq!((d.kind, d.qty), (BottleMoveKind::DepositTaken, 0));
        assert_eq!(m[0].reason.as_deref(), Some("новый клиент"));
        // A refund is a deposit move the other way.
        let mut refund = after.clone();
        refund.deposit.as_mut().unwrap().bottles = -1;
        refund.deposit.as_mut().unwrap().amount = Money(-30_000);
        let m = moves(&before, &refund);
        assert_eq!(m.last().unwrap().kind, BottleMoveKind::DepositRefunded);
        assert_eq!(deposit_delta(&m), (-1, -30_000));
    }
}
