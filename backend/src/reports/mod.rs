//! The managers' reports, computed from orders, and their CSV form; the
//! charts' figures in `trends`, the Excel form in `sheets` and `xlsx`.

pub mod bottles;
pub mod calls;
pub mod cash;
pub mod deliveries;
pub mod from_stats;
pub mod gate;
pub mod money;
pub mod reasons;
pub mod rentals;
pub mod sheets;
pub mod trends;
pub mod xlsx;

use std::collections::HashMap;

use chrono::{Months, NaiveDate};
use rodnik_shared::api::{
    ClientSummary, DailyDeliveries, DailyOrders, DeliveriesReport, DeliveryRow, DeliveryTotals,
    LostClientRow, LostClientsReport, LostMonthly, OrdersReport, SalesReport,
};
use rodnik_shared::OrderState;

use crate::store::reports::OrderFact;

/// The deliveries report of these rows: sorted by courier and client, with totals.
pub fn deliveries_report(mut rows: Vec<DeliveryRow>) -> DeliveriesReport {
    rows.sort_by(|a, b| {
        (
            a.courier_name.as_deref(),
            &a.client_name,
            &a.courier_id,
            &a.client_id,
        )
            .cmp(&(
                b.courier_name.as_deref(),
                &b.client_name,
                &b.courier_id,
                &b.client_id,
            ))
    });
    let totals = delivery_totals(rows.iter().map(|r| (r.orders, r.water_qty, r.amount)));
    DeliveriesReport { rows, totals }
}

/// Sums of (orders, water, amount).
pub fn delivery_totals(rows: impl Iterator<Item = (i64, i64, i64)>) -> DeliveryTotals {
    let mut t = DeliveryTotals {
        orders: 0,
        water_qty: 0,
        amount: 0,
    };
    for (orders, water_qty, amount) in rows {
        t.orders += orders;
        t.water_qty += water_qty;
        t.amount += amount;
    }
    t
}

/// The first day that counts as "recent": `months` calendar months before `as_of`.
pub fn lost_cutoff(as_of: NaiveDate, months: u32) -> NaiveDate {
    as_of
        .checked_sub_months(Months::new(months))
        .unwrap_or(NaiveDate::MIN)
}

/// Clients with a delivered order up to `as_of`, none on or after the cutoff,
/// and no open order.
pub fn lost_clients(
    facts: &[OrderFact],
    clients: &[ClientSummary],
    as_of: NaiveDate,
    months: u32,
) -> LostClientsReport {
    let cutoff = lost_cutoff(as_of, months).to_string();
    let as_of = as_of.to_string();
    #[derive(Default)]
    struct H {
        last: Option<String>,
        delivered: i64,
        open: bool,
    }
    let mut hist: HashMap<&str, H> = HashMap::new();
    for f in facts {
        let h = hist.entry(f.client_id.as_str()).or_default();
        if f.state.is_open() {
            h.open = true;
        } else if f.state == OrderState::Delivered && f.delivery_date <= as_of {
            h.delivered += 1;
            if h.last.as_deref() < Some(f.delivery_date.as_str()) {
                h.last = Some(f.delivery_date.clone());
            }
        }
    }
    let mut rows: Vec<LostClientRow> = clients
        .iter()
        .filter_map(|c| {
            let h = hist.get(c.id.as_str())?;
            let last = h.last.clone()?;
            (last < cutoff && !h.open).then(|| LostClientRow {
                client_id: c.id.clone(),
                name: c.name.clone(),
                kind: c.kind,
                phones: c.phones.iter().map(|p| p.to_string()).collect(),
                last_delivery_date: last,
                delivered_orders: h.delivered,
            })
        })
        .collect();
    rows.sort_by(|a, b| {
        b.last_delivery_date
            .cmp(&a.last_delivery_date)
            .then(a.name.cmp(&b.name))
    });
    LostClientsReport { rows }
}

/// A text cell as a spreadsheet will not run it: a cell starting with `=`,
/// `+`, `-`, `@`, a tab or a carriage return is a formula to Excel and
/// LibreOffice (a client named `=HYPERLINK(...)` would run on the manager's
/// PC), so it gets a leading `'`, the spreadsheet's own "this is text" mark.
pub fn cell(s: &str) -> std::borrow::Cow<'_, str> {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}").into(),
        _ => s.into(),
    }
}

pub(crate) fn write_csv<R: serde::Serialize>(
    headers: &[&str],
    rows: impl IntoIterator<Item = R>,
) -> String {
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(vec![]);
    let _ = w.write_record(headers);
    for r in rows {
        let _ = w.serialize(r);
    }
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

pub fn sales_csv(r: &SalesReport) -> String {
    write_csv(
        &["product_id", "name", "kind", "qty", "amount"],
        r.rows.iter().map(|x| {
            (
                &x.product_id,
                cell(&x.name),
                x.kind.as_str(),
                x.qty,
                x.amount,
            )
        }),
    )
}

/// The orders-worked report as CSV: the totals, the operators' orders,
/// and their calls per day (sections apart by an empty line).
pub fn orders_csv(r: &OrdersReport) -> String {
    let mut out = write_csv(
        &["total", "delivered", "cancelled", "open", "failed_attempts"],
        [(r.total, r.delivered, r.cancelled, r.open, r.failed_attempts)],
    );
    out.push('\n');
    out.push_str(&write_csv(
        &["user_id", "name", "created", "delivered"],
        r.by_operator
            .iter()
            .map(|x| (&x.user_id, cell(&x.name), x.created, x.delivered)),
    ));
    out.push('\n');
    out.push_str(&write_csv(
        &[
            "date",
            "user_id",
            "name",
            "offered",
            "answered",
            "missed",
            "called_back",
            "avg_talk_seconds",
            "orders",
            "orders_per_answered",
        ],
        r.calls.iter().map(|x| {
            (
                &x.date,
                x.user_id.clone().unwrap_or_default(),
                cell(&x.name),
                x.offered,
                x.answered,
                x.missed,
                x.called_back,
                x.avg_talk_seconds,
                x.orders,
                x.orders_per_answered,
            )
        }),
    ));
    out
}

pub fn lost_csv(r: &LostClientsReport) -> String {
    write_csv(
        &[
            "client_id",
            "name",
            "kind",
            "phones",
            "last_delivery_date",
            "delivered_orders",
        ],
        r.rows.iter().map(|x| {
            (
                &x.client_id,
                cell(&x.name),
                x.kind.as_str(),
                // E.164, made by our parser: `+` and digits, never a formula.
                x.phones.join(" "),
                &x.last_delivery_date,
                x.delivered_orders,
            )
        }),
    )
}

pub fn daily_deliveries_csv(r: &DailyDeliveries) -> String {
    write_csv(
        &[
            "date",
            "courier_id",
            "courier_name",
            "orders",
            "water_qty",
            "amount",
        ],
        r.rows.iter().map(|x| {
            (
                &x.date,
                &x.courier_id,
                x.courier_name.as_deref().map(cell),
                x.orders,
                x.water_qty,
                x.amount,
            )
        }),
    )
}

pub fn daily_orders_csv(r: &DailyOrders) -> String {
    write_csv(
        &[
            "date",
            "new",
            "delivery",
            "delivered",
            "cancelled",
            "failed_attempts",
        ],
        r.rows.iter().map(|x| {
            let c = &x.counts;
            (
                &x.date,
                c.new,
                c.delivery,
                c.delivered,
                c.cancelled,
                c.failed_attempts,
            )
        }),
    )
}

pub fn lost_monthly_csv(r: &LostMonthly) -> String {
    write_csv(
        &["month", "lost", "won_back", "lost_at_end"],
        r.rows
            .iter()
            .map(|x| (&x.month, x.lost, x.won_back, x.lost_at_end)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cutoff_is_calendar_months_clamped() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(lost_cutoff(d("2026-11-27"), 3), d("2026-08-27"));
        assert_eq!(lost_cutoff(d("2026-05-31"), 3), d("2026-02-28"));
        assert_eq!(lost_cutoff(d("2026-03-31"), 1), d("2026-02-28"));
    }
}
