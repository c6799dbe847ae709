//! The client's history as one timeline (newest first): orders, calls and
//! notes from `GET /api/clients/{id}/history`, pages of orders appended.

use rodnik_shared::api::{ClientHistory, ClientNote, HistoryCall, Order};

#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    Order(Order),
    Call(HistoryCall),
    Note(ClientNote),
}

impl Event {
    /// When it happened (RFC 3339): an order when it was taken.
    pub fn at(&self) -> &str {
        match self {
            Event::Order(o) => &o.created_at,
            Event::Call(c) => &c.started_at,
            Event::Note(n) => &n.at,
        }
    }
}

/// What the history panel holds: the pages loaded so far.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct History {
    pub orders: Vec<Order>,
    pub next_before: Option<String>,
    pub calls: Vec<HistoryCall>,
    pub notes: Vec<ClientNote>,
}

impl History {
    /// The first page.
    pub fn first(h: ClientHistory) -> History {
        History {
            orders: h.orders,
            next_before: h.next_before,
            calls: h.calls,
            notes: h.notes,
        }
    }

    /// The next page of orders (calls and notes come with the first).
    pub fn more(&mut self, h: ClientHistory) {
        for o in h.orders {
            if !self.orders.iter().any(|x| x.id == o.id) {
                self.orders.push(o);
            }
        }
        self.next_before = h.next_before;
    }

    /// One timeline, newest first. While older orders are still to load,
    /// calls and notes older than the oldest loaded order wait for them, so
    /// the timeline never skips a stretch of orders. `only_orders`: a state
    /// filter is on, the calls and notes step aside.
    pub fn timeline(&self, only_orders: bool) -> Vec<Event> {
        let horizon = match (&self.next_before, self.orders.last()) {
            (Some(_), Some(oldest)) => Some(oldest.created_at.as_str()),
            _ => None,
        };
        let shown = |at: &str| !only_orders && horizon.is_none_or(|h| at >= h);
        let mut out: Vec<Event> = self.orders.iter().cloned().map(Event::Order).collect();
        out.extend(
            self.calls
                .iter()
                .filter(|c| shown(&c.started_at))
                .cloned()
                .map(Event::Call),
        );
        out.extend(
            self.notes
                .iter()
                .filter(|n| shown(&n.at))
                .cloned()
                .map(Event::Note),
        );
        // RFC 3339 in UTC sorts as text; the server writes UTC.
        out.sort_by(|a, b| b.at().cmp(a.at()));
        out
    }
}

/// "4:05" (minutes and seconds) of a call's talk time.
pub fn talk_time(seconds: i64) -> String {
    format!("{}:{:02}", seconds / 60, seconds % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(id: &str, at: &str) -> Order {
        serde_json::from_value(serde_json::json!({
            "id": id, "number": 1, "state": "delivered", "version": 1, "client_id": "c1",
            "client_name": "C", "client_kind": "individual",
            "address": { "id": "a1", "text": "t", "label": null, "contact_name": null,
                         "contact_phone": null, "lat": null, "lon": null },
            "lines": [], "total": 0, "delivery_date": "2026-12-01", "window": null,
            "courier_id": null, "courier_name": null, "created_by": "u", "created_at": at,
            "updated_at": at, "attempts": [], "note": null, "call_id": null, "route_pos": 0,
            "cash_collected": null, "empties_returned": null, "delivered_at": null,
            "cancel_reason": null
        }))
        .expect("an order")
    }

    fn call(id: &str, at: &str) -> HistoryCall {
        HistoryCall {
            id: id.into(),
            from: "+79161112233".into(),
            started_at: at.into(),
            answered: true,
            missed: false,
            talk_seconds: Some(245),
            extension: None,
            operator: None,
            called_back_at: None,
            order_ids: vec![],
            recordings: vec![],
        }
    }

    fn note(id: &str, at: &str) -> ClientNote {
        ClientNote {
            id: id.into(),
            client_id: "c1".into(),
            text: "x".into(),
            by: "u".into(),
            by_name: "U".into(),
            at: at.into(),
        }
    }

    fn ids(t: &[Event]) -> Vec<String> {
        t.iter()
            .map(|e| match e {
                Event::Order(o) => o.id.clone(),
                Event::Call(c) => c.id.clone(),
                Event::Note(n) => n.id.clone(),
            })
            .collect()
    }

    #[test]
    fn one_timeline_newest_first_that_waits_for_older_orders() {
        let mut h = History::first(ClientHistory {
            orders: vec![
                order("o3", "2026-12-03T10:00:00Z"),
                order("o2", "2026-12-02T10:00:00Z"),
            ],
            next_before: Some("2".into()),
            calls: vec![
                call("k3", "2026-12-03T09:59:00Z"),
                call("k1", "2026-12-01T09:00:00Z"),
            ],
            notes: vec![note("n2", "2026-12-02T12:00:00Z")],
        });
        assert_eq!(
            ids(&h.timeline(false)),
            ["o3", "k3", "n2", "o2"],
            "k1 waits for order 1"
        );
        assert_eq!(ids(&h.timeline(true)), ["o3", "o2"]);
        h.more(ClientHistory {
            orders: vec![order("o1", "2026-12-01T10:00:00Z")],
            next_before: None,
            ..Default::default()
        });
        assert_eq!(
            ids(&h.timeline(false)),
            ["o3", "k3", "n2", "o2", "o1", "k1"]
        );
        assert_eq!(talk_time(245), "4:05");
    }
}
