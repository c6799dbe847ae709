//! Account moves of an order change (issue 20): what the order, in its new
//! state, has charged and been paid minus what it had before, as rows of
//! the client's account (`account_moves`), written in the order's own
//! transaction. A delivered order charges its total at the prices it was
//! delivered at and its deposits (bottles and equipment; a refund is a
//! charge below zero); the cash the courier collected is a cash payment.
//! An order that is not delivered has done nothing.

use rodnik_shared::api::{AccountMoveKind, Order, PaymentMethod};
use rodnik_shared::{Money, OrderState};
use serde::Serialize;

/// An account row as stored (the id is the database's; `cum` is added in
/// the transaction: the client's charges summed up to this one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccountRow {
    pub client_id: String,
    pub kind: AccountMoveKind,
    pub amount: Money,
    pub method: Option<PaymentMethod>,
    pub order_id: Option<String>,
    pub order_number: Option<i64>,
    pub day: String,
    pub reference: Option<String>,
    pub reason: Option<String>,
    pub by: Option<String>,
    pub by_name: Option<String>,
    pub at: String,
}

impl AccountRow {
    /// The stored row under its id, as the API shows it.
    pub fn with_id(&self, id: String) -> rodnik_shared::api::AccountMove {
        rodnik_shared::api::AccountMove {
            id,
            client_id: self.client_id.clone(),
            kind: self.kind,
            amount: self.amount,
            method: self.method,
            order_id: self.order_id.clone(),
            order_number: self.order_number,
            day: self.day.clone(),
            reference: self.reference.clone(),
            reason: self.reason.clone(),
            by: self.by.clone(),
            by_name: self.by_name.clone(),
            at: self.at.clone(),
        }
    }

    /// What the row adds to the client's charges and to their payments.
    pub fn debit_credit(&self) -> (i64, i64) {
        (self.amount.0.max(0), (-self.amount.0).max(0))
    }
}

/// What `o` has done to the account: charged for goods and services, for
/// deposits, and the money taken at the door by method (nothing unless
/// delivered).
fn done(o: &Order) -> (Money, Money, [(PaymentMethod, Money); 3]) {
    match o.state {
        OrderState::Delivered => {
            let by = |m: PaymentMethod| {
                o.payments
                    .iter()
                    .filter(|p| p.method == m)
                    .map(|p| p.amount)
                    .sum::<Money>()
            };
            (
                o.total,
                o.deposit_amount() + o.equipment_deposit(),
                [
                    (PaymentMethod::Cash, o.cash_collected.unwrap_or(Money::ZERO)),
                    (PaymentMethod::Card, by(PaymentMethod::Card)),
                    (PaymentMethod::Sbp, by(PaymentMethod::Sbp)),
                ],
            )
        }
        _ => (
            Money::ZERO,
            Money::ZERO,
            [
                (PaymentMethod::Cash, Money::ZERO),
                (PaymentMethod::Card, Money::ZERO),
                (PaymentMethod::Sbp, Money::ZERO),
            ],
        ),
    }
}

/// The rows `new` writes that `old` had not. (Orders stored whole by the
/// demo or the generator write their own.)
pub fn moves(old: &Order, new: &Order) -> Vec<AccountRow> {
    let (goods_was, deposit_was, paid_was) = done(old);
    let (goods, deposit, paid) = done(new);
    let row = |kind, amount: i64| AccountRow {
        client_id: new.client_id.clone(),
        kind,
        amount: Money(amount),
        method: None,
        order_id: Some(new.id.clone()),
        order_number: Some(new.number),
        day: new.delivery_date.clone(),
        reference: None,
        reason: None,
        by: new.courier_id.clone(),
        by_name: new.courier_name.clone(),
        at: new.updated_at.clone(),
    };
    let mut out = vec![];
    if goods != goods_was {
        out.push(row(AccountMoveKind::Delivery, goods.0 - goods_was.0));
    }
    if deposit != deposit_was {
        out.push(row(AccountMoveKind::Deposit, deposit.0 - deposit_was.0));
    }
    for ((method, now), (_, was)) in paid.into_iter().zip(paid_was) {
        if now != was {
            out.push(AccountRow {
                method: Some(method),
                ..row(AccountMoveKind::Payment, -(now.0 - was.0))
            });
        }
    }
    out
}

/// What the rows change the balance by.
pub fn delta(rows: &[AccountRow]) -> i64 {
    rows.iter().map(|r| r.amount.0).sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rodnik_shared::api::{OrderDeposit, OrderLine};

    fn order(state: OrderState, cash: Option<i64>) -> Order {
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
            price: Money(25_000),
            qty: 3,
            amount: Money(75_000),
            returnable: true,
        }];
        o.total = Money(75_000);
        o.deposit = Some(OrderDeposit {
            bottles: 1,
            price: Money(30_000),
            amount: Money(30_000),
            rule: 1,
            reason: None,
        });
        o.state = state;
        o.cash_collected = cash.map(Money);
        o
    }

    #[test]
    fn a_delivery_charges_goods_and_deposit_and_books_the_cash_once() {
        let before = order(OrderState::Delivery, None);
        let after = order(OrderState::Delivered, Some(100_000));
        let m = moves(&before, &after);
        let got: Vec<(AccountMoveKind, i64, Option<PaymentMethod>)> =
            m.iter().map(|r| (r.kind, r.amount.0, r.method)).collect();
        assert_eq!(
            got,
            [
                (AccountMoveKind::Delivery, 75_000, None),
                (AccountMoveKind::Deposit, 30_000, None),
                (
                    AccountMoveKind::Payment,
                    -100_000,
                    Some(PaymentMethod::Cash)
                ),
            ]
        );
        // 1 050 owed, 1 000 paid: 50 roubles left owing.
        assert_eq!(delta(&m), 5_000);
        assert_eq!(m[2].debit_credit(), (0, 100_000));
        assert_eq!(m[0].day, "2026-12-05");
        assert!(moves(&order(OrderState::New, None), &before).is_empty());
        assert!(moves(&after, &after).is_empty());
    }

    #[test]
    fn no_cash_reported_is_no_payment() {
        let m = moves(
            &order(OrderState::Delivery, None),
            &order(OrderState::Delivered, None),
        );
        assert_eq!(m.len(), 2);
        assert_eq!(delta(&m), 105_000);
    }
}
