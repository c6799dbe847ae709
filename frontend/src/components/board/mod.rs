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

/// "Water 19 L ×2 · Pump ×1".
pub fn goods_text(o: &Order) -> String {
    goods_of(&o.lines)
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
