//! Reason events: one row per reason given (a cancelled order, a failed
//! delivery, a courier's move at the door), written in the same transaction
//! as the order change, so the reasons report reads a period's few rows by
//! the `day` index instead of every order.

use rodnik_shared::api::{Order, ReasonKind};
use rodnik_shared::OrderState;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReasonEvent {
    pub kind: ReasonKind,
    /// The reason from the company's list; `None`: typed as text.
    pub reason_id: Option<String>,
    pub reason: String,
    pub courier_id: Option<String>,
    pub courier_name: Option<String>,
    /// Who took the order.
    pub operator_id: String,
    pub order_id: String,
    /// The day it concerns: the stop's delivery date (a move: the day it
    /// moved from), as in the other reports.
    pub day: String,
    /// When it happened (RFC 3339).
    pub at: String,
}

fn event(
    o: &Order,
    kind: ReasonKind,
    id: &Option<String>,
    text: &str,
    day: &str,
    at: &str,
) -> ReasonEvent {
    ReasonEvent {
        kind,
        reason_id: id.clone(),
        reason: text.to_string(),
        courier_id: o.courier_id.clone(),
        courier_name: o.courier_name.clone(),
        operator_id: o.created_by.clone(),
        order_id: o.id.clone(),
        day: day.to_string(),
        at: at.to_string(),
    }
}

/// The reasons `new` gives that `old` did not (every one of an order
/// created or rebuilt from scratch when `old` is `None`).
pub fn given(old: Option<&Order>, new: &Order) -> Vec<ReasonEvent> {
    let mut out = vec![];
    let (attempts, moves, was_cancelled) = match old {
        Some(o) => (
            o.attempts.len(),
            o.reschedules.len(),
            o.state == OrderState::Cancelled,
        ),
        None => (0, 0, false),
    };
    for a in new.attempts.iter().skip(attempts) {
        let mut e = event(
            new,
            ReasonKind::Fail,
            &a.reason_id,
            &a.reason,
            &new.delivery_date,
            &a.at,
        );
        // The courier who failed it, not whoever has it now.
        if a.courier_id != new.courier_id {
            e.courier_id = a.courier_id.clone();
            e.courier_name = None;
        }
        out.push(e);
    }
    for r in new.reschedules.iter().skip(moves) {
        out.push(event(
            new,
            ReasonKind::Reschedule,
            &r.reason_id,
            &r.reason,
            &r.from_date,
            &r.at,
        ));
    }
    if new.state == OrderState::Cancelled && !was_cancelled {
        let text = new.cancel_reason.clone().unwrap_or_default();
        out.push(event(
            new,
            ReasonKind::Cancel,
            &new.cancel_reason_id,
            &text,
            &new.delivery_date,
            &new.updated_at,
        ));
    }
    out
}
