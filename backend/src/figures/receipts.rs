//! The fiscal receipts a delivery needs (issue 20, item 5; 54-FZ): an
//! individual's delivered order sells its goods, services and deposits
//! (приход), paid in cash, by card or SBP (электронными), and what stays
//! owing as a sale on credit (постоплата); a deposit paid back is a refund
//! receipt (возврат прихода) paid out in cash. Legal clients pay by bank
//! transfer against documents: no receipt. Written as rows in the delivery's
//! own transaction (`Store::cas_order`), sent later by `fiscal::worker`.

use rodnik_shared::api::{Order, PaymentMethod, ReceiptKind};
use rodnik_shared::{ClientKind, Money, OrderState, ProductKind};
use serde::{Deserialize, Serialize};

/// What a receipt line sells (ATOL's `payment_object`: 1 товар, 4 услуга,
/// 19 залог).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemObject {
    Goods,
    Service,
    Deposit,
}

/// A line of a receipt (kopecks; `sum` may be below price × qty: a discount).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    pub name: String,
    pub price: i64,
    pub qty: i64,
    pub sum: i64,
    pub object: ItemObject,
}

/// A receipt to make: its lines and how its total was paid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Plan {
    pub kind: ReceiptKind,
    pub items: Vec<Item>,
    pub total: i64,
    pub cash: i64,
    pub electronic: i64,
    pub credit: i64,
}

impl Plan {
    /// ATOL's `payment_method` of every line: paid in full, partly with the
    /// rest on credit, or wholly on credit.
    pub fn payment_method(&self) -> &'static str {
        payment_method(self.total, self.credit)
    }
}

/// ATOL's `payment_method` of a receipt of `total` with `credit` left owing.
pub fn payment_method(total: i64, credit: i64) -> &'static str {
    if credit == 0 {
        "full_payment"
    } else if credit < total {
        "partial_payment"
    } else {
        "credit"
    }
}

/// The receipts `new` needs that `old` had not made: only when an
/// individual's order becomes delivered.
pub fn plans(old: &Order, new: &Order) -> Vec<Plan> {
    if old.state == OrderState::Delivered
        || new.state != OrderState::Delivered
        || new.client_kind != ClientKind::Individual
    {
        return vec![];
    }
    let mut sold: Vec<Item> = new
        .lines
        .iter()
        .filter(|l| l.qty > 0 && l.amount.0 > 0)
        .map(|l| Item {
            name: l.name.clone(),
            price: l.price.0,
            qty: i64::from(l.qty),
            sum: l.amount.0,
            object: match l.kind {
                ProductKind::Service => ItemObject::Service,
                ProductKind::Water | ProductKind::Goods => ItemObject::Goods,
            },
        })
        .collect();
    let mut refunded: Vec<Item> = vec![];
    let mut deposit = |name: String, amount: Money, qty: i64| {
        let (to, amount) = if amount.0 > 0 {
            (&mut sold, amount.0)
        } else {
            (&mut refunded, -amount.0)
        };
        if amount > 0 {
            let qty = qty.max(1);
            let even = amount % qty == 0;
            to.push(Item {
                name,
                price: if even { amount / qty } else { amount },
                qty: if even { qty } else { 1 },
                sum: amount,
                object: ItemObject::Deposit,
            });
        }
    };
    if let Some(d) = &new.deposit {
        deposit(
            "Залог за возвратную тару 19 л".into(),
            d.amount,
            d.bottles.abs(),
        );
    }
    for t in &new.equipment {
        deposit(
            format!("Залог за оборудование {} {}", t.model, t.serial)
                .trim()
                .to_string(),
            t.deposit,
            1,
        );
    }
    let refund_total: i64 = refunded.iter().map(|i| i.sum).sum();
    let sell_total: i64 = sold.iter().map(|i| i.sum).sum();
    let electronic: i64 = new
        .payments
        .iter()
        .filter(|p| matches!(p.method, PaymentMethod::Card | PaymentMethod::Sbp))
        .map(|p| p.amount.0)
        .sum();
    // The courier's cash is net of the deposit paid back: the client paid
    // that much more for the sale.
    let cash_in = new.cash_collected.map_or(0, |c| c.0) + refund_total;
    let mut out = vec![];
    if sell_total > 0 {
        let electronic = electronic.clamp(0, sell_total);
        let cash = cash_in.clamp(0, sell_total - electronic);
        out.push(Plan {
            kind: ReceiptKind::Sell,
            items: sold,
            total: sell_total,
            cash,
            electronic,
            credit: sell_total - electronic - cash,
        });
    }
    if refund_total > 0 {
        out.push(Plan {
            kind: ReceiptKind::SellRefund,
            items: refunded,
            total: refund_total,
            cash: refund_total,
            electronic: 0,
            credit: 0,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rodnik_shared::api::{DoorPayment, OrderDeposit, OrderLine};

    fn order(kind: &str) -> Order {
        let mut o: Order = serde_json::from_value(serde_json::json!({
            "id": "o1", "number": 7, "state": "delivered", "version": 3, "client_id": "c1",
            "client_name": "C", "client_kind": kind,
            "address": { "id": "a1", "text": "t", "label": null, "contact_name": null,
                         "contact_phone": null, "lat": null, "lon": null },
            "lines": [], "total": 0, "delivery_date": "2026-12-05", "window": null,
            "courier_id": "k1", "courier_name": "Kolya", "created_by": "u", "created_at": "2026-12-05T08:00:00Z",
            "updated_at": "2026-12-05T09:00:00Z", "attempts": [], "note": null, "call_id": null, "route_pos": 0,
            "cash_collected": null, "empties_returned": null, "delivered_at": "2026-12-05T09:00:00Z",
            "cancel_reason": null
        }))
        .expect("an order");
        o.lines = vec![
            OrderLine {
                product_id: "w".into(),
                name: "Вода 19 л".into(),
                kind: ProductKind::Water,
                price: Money(25_000),
                qty: 3,
                amount: Money(75_000),
                returnable: true,
            },
            OrderLine {
                product_id: "s".into(),
                name: "Санобработка".into(),
                kind: ProductKind::Service,
                price: Money(50_000),
                qty: 1,
                amount: Money(50_000),
                returnable: false,
            },
        ];
        o.total = Money(125_000);
        o
    }

    fn before(o: &Order) -> Order {
        Order {
            state: OrderState::Delivery,
            ..o.clone()
        }
    }

    #[test]
    fn cash_paid_in_full_is_one_sell_receipt() {
        let mut o = order("individual");
        o.deposit = Some(OrderDeposit {
            bottles: 2,
            price: Money(30_000),
            amount: Money(60_000),
            rule: 1,
            reason: None,
        });
        o.cash_collected = Some(Money(185_000));
        let p = plans(&before(&o), &o);
        assert_eq!(p.len(), 1);
        let s = &p[0];
        assert_eq!(s.kind, ReceiptKind::Sell);
        // 3 × 250 + 500 + 2 × 300 deposit = 1 850 roubles.
        assert_eq!(
            (s.total, s.cash, s.electronic, s.credit),
            (185_000, 185_000, 0, 0)
        );
        assert_eq!(s.payment_method(), "full_payment");
        let objects: Vec<ItemObject> = s.items.iter().map(|i| i.object).collect();
        assert_eq!(
            objects,
            [ItemObject::Goods, ItemObject::Service, ItemObject::Deposit]
        );
        assert_eq!((s.items[2].price, s.items[2].qty), (30_000, 2));
        // Only when it becomes delivered, and never twice.
        assert!(plans(&o, &o).is_empty());
    }

    #[test]
    fn card_sbp_and_a_debt_split_the_total() {
        let mut o = order("individual");
        o.payments = vec![
            DoorPayment {
                method: PaymentMethod::Card,
                amount: Money(40_000),
            },
            DoorPayment {
                method: PaymentMethod::Sbp,
                amount: Money(20_000),
            },
        ];
        o.cash_collected = Some(Money(15_000));
        let p = plans(&before(&o), &o);
        // 1 250 = 600 electronic + 150 cash + 500 on credit.
        assert_eq!(
            (p[0].total, p[0].electronic, p[0].cash, p[0].credit),
            (125_000, 60_000, 15_000, 50_000)
        );
        assert_eq!(p[0].payment_method(), "partial_payment");
        o.payments.clear();
        o.cash_collected = None;
        let p = plans(&before(&o), &o);
        assert_eq!(p[0].credit, 125_000);
        assert_eq!(p[0].payment_method(), "credit");
    }

    #[test]
    fn a_deposit_paid_back_is_a_refund_receipt() {
        let mut o = order("individual");
        o.deposit = Some(OrderDeposit {
            bottles: -1,
            price: Money(30_000),
            amount: Money(-30_000),
            rule: 1,
            reason: None,
        });
        // The courier took 1 250 for the water and gave 300 back: 950 net.
        o.cash_collected = Some(Money(95_000));
        let p = plans(&before(&o), &o);
        assert_eq!(p.len(), 2);
        assert_eq!((p[0].total, p[0].cash, p[0].credit), (125_000, 125_000, 0));
        assert_eq!(p[1].kind, ReceiptKind::SellRefund);
        assert_eq!((p[1].total, p[1].cash), (30_000, 30_000));
        assert_eq!(p[1].items[0].object, ItemObject::Deposit);
    }

    #[test]
    fn legal_clients_and_empty_orders_get_none() {
        let o = order("legal");
        assert!(plans(&before(&o), &o).is_empty());
        let mut o = order("individual");
        o.lines.clear();
        o.total = Money::ZERO;
        assert!(plans(&before(&o), &o).is_empty());
    }
}
