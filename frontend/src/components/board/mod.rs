//! The dispatch board's parts: lanes with order cards, the panel of the
//! selected order, the failed orders waiting for a date, the missed calls.

mod actions;
mod door;
mod lane;
pub mod order_forms;
mod side;

pub use actions::ActionsPanel;
pub use door::{proposal_text, DoorChanges};
pub use lane::{DropAt, LaneView};
pub use side::{MissedCalls, NeedsDate};

use rodnik_shared::api::Order;
use rodnik_shared::TimeWindow;

/// "09:00–13:00", or nothing for any time.
pub fn window_text(w: Option<TimeWindow>) -> String {
    w.map(|w| {
        let w = w.to_input();
        format!("{}–{}", w.from, w.to)
    })
    .unwrap_or_default()
}

/// "Water 19 L ×2 · Pump ×1 · → Ecotronic H1 №ECO-1": the goods, then the
/// rented equipment the stop brings (→) or collects (←).
pub fn goods_text(o: &Order) -> String {
    let mut parts = vec![goods_of(&o.lines)];
    parts.extend(o.equipment.iter().map(equipment_text));
    parts.retain(|p| !p.is_empty());
    parts.join(" · ")
}

/// "→ Ecotronic H1 №ECO-1" (to the client), "← …" (collected) or "⟳ …"
/// (sanitised at the client).
pub fn equipment_text(t: &rodnik_shared::api::EquipmentTask) -> String {
    let arrow = match t.action {
        rodnik_shared::EquipmentTaskAction::Deliver => "→",
        rodnik_shared::EquipmentTaskAction::Collect => "←",
        rodnik_shared::EquipmentTaskAction::Sanitize => "⟳",
    };
    format!("{arrow} {} №{}", t.model, t.serial)
}

/// Lines as "Water 19 L ×2 · Pump ×1".
pub fn goods_of(lines: &[rodnik_shared::api::OrderLine]) -> String {
    lines
        .iter()
        .map(|l| format!("{} ×{}", l.name, l.qty))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// "HH:MM" of an RFC 3339 instant in the company's time zone.
pub fn local_time(rfc3339: &str) -> String {
    crate::clock::time_of(rfc3339)
}
