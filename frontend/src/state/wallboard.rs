//! What the wallboard shows, computed from today's orders: per courier
//! done / failed / left and cash, the day's totals, late stops and the last
//! events. Pure functions of the orders and the clock, so the board needs no
//! state of its own beyond the orders (kept by `OrdersState`).

use chrono::{DateTime, FixedOffset, NaiveTime};
use rodnik_shared::api::{Order, WallboardCourier};
use rodnik_shared::{Money, OrderState};

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Stats {
    pub done: usize,
    /// Delivery attempts that failed today (an order can fail and be retried).
    pub failed: usize,
    /// Dispatched or waiting stops still to deliver.
    pub left: usize,
    pub cash: Money,
    /// Full returnable bottles delivered.
    pub bottles: u32,
}

impl Stats {
    /// Share of the day's stops closed (delivered or failed), 0..=100.
    pub fn percent(&self) -> usize {
        self.share(self.done + self.failed)
    }

    /// Share of the day's stops delivered, 0..=100.
    pub fn done_percent(&self) -> usize {
        self.share(self.done)
    }

    fn share(&self, part: usize) -> usize {
        let all = self.done + self.failed + self.left;
        if all == 0 {
            0
        } else {
            part * 100 / all
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct CourierRow {
    pub id: Option<String>,
    pub name: Option<String>,
    pub stats: Stats,
}

/// The local calendar date of an RFC 3339 instant at a fixed UTC offset.
pub fn local_date(rfc3339: &str, offset: FixedOffset) -> Option<String> {
    DateTime::parse_from_rfc3339(rfc3339)
        .ok()
        .map(|t| t.with_timezone(&offset).date_naive().to_string())
}

fn add(stats: &mut Stats, o: &Order, courier: Option<&str>, date: &str, offset: FixedOffset) {
    let mine = o.courier_id.as_deref() == courier;
    if mine {
        match o.state {
            OrderState::Delivered => {
                stats.done += 1;
                stats.cash = stats.cash + o.cash_collected.unwrap_or(Money(0));
                stats.bottles += o.returnable_qty();
            }
            OrderState::Delivery => stats.left += 1,
            // A failed stop waits for a new date: not "left" for today.
            OrderState::New if !o.needs_new_date => stats.left += 1,
            OrderState::New | OrderState::Cancelled => {}
        }
    }
    // Failures count for the courier who made the attempt, today.
    stats.failed += o
        .attempts
        .iter()
        .filter(|a| a.courier_id.as_deref() == courier && courier.is_some())
        .filter(|a| local_date(&a.at, offset).as_deref() == Some(date))
        .count();
}

/// One row per active courier (even idle), then any other courier with
/// orders today, then the orders nobody has yet (when there are any).
pub fn rows(
    orders: &[Order],
    couriers: &[WallboardCourier],
    date: &str,
    offset: FixedOffset,
) -> Vec<CourierRow> {
    let mut rows: Vec<CourierRow> = couriers
        .iter()
        .map(|c| CourierRow {
            id: Some(c.id.clone()),
            name: Some(c.name.clone()),
            stats: Stats::default(),
        })
        .collect();
    let today: Vec<&Order> = orders.iter().filter(|o| o.delivery_date == date).collect();
    for o in &today {
        let known = rows.iter().any(|r| r.id == o.courier_id);
        if !known && o.courier_id.is_some() {
            rows.push(CourierRow {
                id: o.courier_id.clone(),
                name: o.courier_name.clone(),
                stats: Stats::default(),
            });
        }
        for a in &o.attempts {
            if a.courier_id.is_some() && !rows.iter().any(|r| r.id == a.courier_id) {
                rows.push(CourierRow {
                    id: a.courier_id.clone(),
                    name: None,
                    stats: Stats::default(),
                });
            }
        }
    }
    let mut nobody = CourierRow {
        id: None,
        name: None,
        stats: Stats::default(),
    };
    for row in rows.iter_mut().chain(std::iter::once(&mut nobody)) {
        for o in &today {
            add(&mut row.stats, o, row.id.as_deref(), date, offset);
        }
    }
    if nobody.stats.left > 0 {
        rows.push(nobody);
    }
    rows
}

pub fn totals(rows: &[CourierRow]) -> Stats {
    rows.iter().fold(Stats::default(), |mut t, r| {
        t.done += r.stats.done;
        t.failed += r.stats.failed;
        t.left += r.stats.left;
        t.cash = t.cash + r.stats.cash;
        t.bottles += r.stats.bottles;
        t
    })
}

/// Open stops of `date` whose window ended before `now` (local time of day),
/// the longest overdue first, with the minutes overdue.
pub fn late(orders: &[Order], date: &str, now: NaiveTime) -> Vec<(Order, i64)> {
    let mut v: Vec<(Order, i64)> = orders
        .iter()
        .filter(|o| o.delivery_date == date)
        .filter(|o| {
            o.state == OrderState::Delivery || (o.state == OrderState::New && !o.needs_new_date)
        })
        .filter_map(|o| {
            let end = o.window?.to;
            (end < now).then(|| (o.clone(), (now - end).num_minutes()))
        })
        .collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.number.cmp(&b.0.number)));
    v
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TickKind {
    Created,
    Delivered,
    Failed(String),
    Cancelled,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tick {
    /// RFC 3339
    pub at: String,
    pub kind: TickKind,
    pub number: i64,
    pub client: String,
    pub courier: Option<String>,
}

/// The last `n` things that happened to today's orders, newest first.
pub fn ticker(orders: &[Order], date: &str, n: usize) -> Vec<Tick> {
    let mut v = vec![];
    for o in orders.iter().filter(|o| o.delivery_date == date) {
        let tick = |at: &str, kind: TickKind, courier: Option<String>| Tick {
            at: at.to_string(),
            kind,
            number: o.number,
            client: o.client_name.clone(),
            courier,
        };
        v.push(tick(&o.created_at, TickKind::Created, None));
        if let Some(at) = &o.delivered_at {
            v.push(tick(at, TickKind::Delivered, o.courier_name.clone()));
        }
        for a in &o.attempts {
            v.push(tick(&a.at, TickKind::Failed(a.reason.clone()), None));
        }
        if o.state == OrderState::Cancelled {
            v.push(tick(&o.updated_at, TickKind::Cancelled, None));
        }
    }
    // RFC 3339 strings from one server compare as instants only when their
    // offsets match; parse to be safe.
    v.sort_by_key(|t| std::cmp::Reverse(DateTime::parse_from_rfc3339(&t.at).ok()));
    v.truncate(n);
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: &str = "2026-11-27";

    fn msk() -> FixedOffset {
        FixedOffset::east_opt(3 * 3600).expect("offset")
    }

    fn order(id: &str, number: i64, state: &str, courier: Option<&str>) -> Order {
        serde_json::from_value(serde_json::json!({
            "id": id, "number": number, "state": state, "version": 1,
            "client_id": "c1", "client_name": format!("Client {number}"), "client_kind": "individual",
            "address": {"id": "a1", "text": "Lenina 1", "label": null, "contact_name": null,
                        "contact_phone": null, "lat": null, "lon": null},
            "lines": [{"product_id": "p1", "name": "Water 19 L", "kind": "water", "qty": 2,
                       "price": 25000, "amount": 50000, "returnable": true}],
            "total": 50000, "delivery_date": DAY, "window": {"from": "09:00", "to": "13:00"},
            "courier_id": courier, "courier_name": courier.map(|c| format!("Courier {c}")),
            "created_by": "u1", "created_at": format!("2026-11-27T06:{number:02}:00Z"),
            "updated_at": "2026-11-27T07:00:00Z", "attempts": [], "note": null, "call_id": null,
            "route_pos": number, "cash_collected": null, "empties_returned": null,
            "delivered_at": null, "cancel_reason": null
        }))
        .expect("test order")
    }

    fn courier(id: &str) -> WallboardCourier {
        WallboardCourier {
            id: id.into(),
            name: format!("Courier {id}"),
        }
    }

    fn day() -> Vec<Order> {
        let mut delivered = order("o1", 1, "delivered", Some("k"));
        delivered.cash_collected = Some(Money(50000));
        delivered.delivered_at = Some("2026-11-27T08:30:00Z".into());
        let mut failed = order("o2", 2, "new", Some("k"));
        failed.needs_new_date = true;
        failed.attempts = vec![serde_json::from_value(serde_json::json!({
            "at": "2026-11-27T09:00:00Z", "reason": "client absent", "courier_id": "k"
        }))
        .expect("attempt")];
        // Failed yesterday, retried today by Sasha: yesterday's attempt is not today's.
        let mut retried = order("o3", 3, "delivery", Some("s"));
        retried.attempts = vec![serde_json::from_value(serde_json::json!({
            "at": "2026-11-26T15:00:00Z", "reason": "no access", "courier_id": "k"
        }))
        .expect("attempt")];
        vec![
            delivered,
            failed,
            retried,
            order("o4", 4, "new", None),
            order("o5", 5, "cancelled", Some("k")),
        ]
    }

    #[test]
    fn rows_count_done_failed_left_and_cash_per_courier() {
        let rows = rows(
            &day(),
            &[courier("k"), courier("s"), courier("idle")],
            DAY,
            msk(),
        );
        let by = |id: Option<&str>| {
            rows.iter()
                .find(|r| r.id.as_deref() == id)
                .map(|r| r.stats.clone())
                .expect("row")
        };
        assert_eq!(
            by(Some("k")),
            Stats {
                done: 1,
                failed: 1,
                left: 0,
                cash: Money(50000),
                bottles: 2
            }
        );
        assert_eq!(by(Some("k")).percent(), 100);
        assert_eq!(
            by(Some("s")),
            Stats {
                left: 1,
                ..Stats::default()
            }
        );
        assert_eq!(by(Some("idle")), Stats::default());
        assert_eq!(by(None).left, 1, "the order nobody has is shown");
        let t = totals(&rows);
        assert_eq!((t.done, t.failed, t.left, t.cash), (1, 1, 2, Money(50000)));
    }

    #[test]
    fn attempts_count_on_their_local_day() {
        // 22:30 UTC on the 26th is the 27th in Moscow.
        assert_eq!(
            local_date("2026-11-26T22:30:00Z", msk()).as_deref(),
            Some(DAY)
        );
        assert_eq!(
            local_date("2026-11-26T20:30:00Z", msk()).as_deref(),
            Some("2026-11-26")
        );
        assert_eq!(local_date("garbage", msk()), None);
    }

    #[test]
    fn late_stops_are_open_ones_past_their_window() {
        let now = NaiveTime::from_hms_opt(13, 40, 0).expect("time");
        let late = late(&day(), DAY, now);
        let got: Vec<(i64, i64)> = late.iter().map(|(o, m)| (o.number, *m)).collect();
        // Delivered, failed-waiting and cancelled ones are not late.
        assert_eq!(got, [(3, 40), (4, 40)]);
        let early = NaiveTime::from_hms_opt(12, 0, 0).expect("time");
        assert!(super::late(&day(), DAY, early).is_empty());
    }

    #[test]
    fn the_ticker_shows_the_newest_events_first() {
        let t = ticker(&day(), DAY, 3);
        assert_eq!(t[0].kind, TickKind::Failed("client absent".into()));
        assert_eq!(t[0].number, 2);
        assert_eq!(t[1].kind, TickKind::Delivered);
        assert_eq!(t[1].courier.as_deref(), Some("Courier k"));
        assert_eq!(t[2].kind, TickKind::Cancelled);
        assert_eq!(t.len(), 3);
    }
}
