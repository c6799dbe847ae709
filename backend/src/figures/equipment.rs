//! What an order's change does to the rented equipment it carries
//! (issue 19, item 3): its delivery puts the equipment at the client and
//! starts the agreement, or takes it back and ends the agreement; cancelling
//! the order releases the reservation or the ordered collection. Written by
//! `Store::cas_order` in the order's own transaction.

use rodnik_shared::api::{EquipmentTask, Order};
use rodnik_shared::{EquipmentTaskAction, OrderState};

/// One consequence of an order change for one task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// Delivered: at the client, the agreement in force from the stop's day.
    Delivered,
    /// Collected: back in stock, the agreement ended on the stop's day.
    Collected,
    /// The delivery was cancelled: the agreement is cancelled and the
    /// equipment no longer reserved.
    DeliveryCancelled,
    /// The collection was cancelled: the agreement goes on.
    CollectionCancelled,
    /// Sanitised at the client: its sanitation date starts again.
    Sanitized,
}

/// What the change from `old` to `new` does, task by task.
pub fn effects<'a>(old: &Order, new: &'a Order) -> Vec<(Effect, &'a EquipmentTask)> {
    let delivered = old.state != OrderState::Delivered && new.state == OrderState::Delivered;
    let cancelled = old.state != OrderState::Cancelled && new.state == OrderState::Cancelled;
    new.equipment
        .iter()
        .filter_map(|t| {
            let e = match (t.action, delivered, cancelled) {
                (EquipmentTaskAction::Deliver, true, _) => Effect::Delivered,
                (EquipmentTaskAction::Collect, true, _) => Effect::Collected,
                (EquipmentTaskAction::Deliver, _, true) => Effect::DeliveryCancelled,
                (EquipmentTaskAction::Collect, _, true) => Effect::CollectionCancelled,
                (EquipmentTaskAction::Sanitize, true, _) => Effect::Sanitized,
                _ => return None,
            };
            Some((e, t))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rodnik_shared::{EquipmentKind, Money};

    fn order(state: OrderState, action: EquipmentTaskAction) -> Order {
        let mut o: Order = serde_json::from_value(serde_json::json!({
            "id": "o1", "number": 1, "state": "new", "version": 1,
            "client_id": "c1", "client_name": "C", "client_kind": "individual",
            "address": {"id": "a1", "text": "Street 1", "label": null, "contact_name": null,
                        "contact_phone": null, "lat": null, "lon": null},
            "lines": [], "total": 0, "delivery_date": "2026-12-05", "window": null,
            "courier_id": null, "courier_name": null, "created_by": "u",
            "created_at": "2026-12-05T08:00:00Z", "updated_at": "2026-12-05T08:00:00Z",
            "attempts": [], "note": null, "call_id": null, "route_pos": 0,
            "cash_collected": null, "empties_returned": null, "delivered_at": null,
            "cancel_reason": null
        }))
        .expect("order");
        o.state = state;
        o.equipment = vec![EquipmentTask {
            action,
            equipment_id: "e1".into(),
            kind: EquipmentKind::Cooler,
            model: "H1".into(),
            serial: "SN1".into(),
            rental_id: "r1".into(),
            rental_number: 1,
            deposit: Money(100_000),
        }];
        o
    }

    #[test]
    fn only_the_delivery_and_the_cancellation_touch_the_equipment() {
        use EquipmentTaskAction::*;
        use OrderState::*;
        let cases = [
            (Delivery, Delivered, Deliver, Some(Effect::Delivered)),
            (Delivery, Delivered, Collect, Some(Effect::Collected)),
            (New, Cancelled, Deliver, Some(Effect::DeliveryCancelled)),
            (
                Delivery,
                Cancelled,
                Collect,
                Some(Effect::CollectionCancelled),
            ),
            (Delivery, Delivered, Sanitize, Some(Effect::Sanitized)),
            (New, Cancelled, Sanitize, None),
            (New, Delivery, Deliver, None),
            (Delivery, New, Collect, None),
            (Delivered, Delivered, Deliver, None),
        ];
        for (from, to, action, want) in cases {
            let new = order(to, action);
            let got = effects(&order(from, action), &new);
            assert_eq!(
                got.first().map(|(e, _)| *e),
                want,
                "{from:?} -> {to:?} {action:?}"
            );
        }
    }
}
