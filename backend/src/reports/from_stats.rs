//! The reports built from the pre-aggregated figures (`facts`): what the
//! endpoints answer. The functions beside them in `reports` and `trends` build
//! the same reports from orders directly; the tests hold both to the same
//! answer.

use std::collections::{BTreeMap, HashMap};

use rodnik_shared::api::{
    DailyDeliveries, DailyDeliveryRow, DailyOrders, DailyOrdersRow, LostClientRow,
    LostClientsReport, OperatorRow, OrdersReport, SalesReport, SalesRow, SalesTotals, StateCounts,
    User,
};
use rodnik_shared::ProductKind;

use crate::figures::pack::courier;
use crate::figures::{DelivFigures, OpsFigures, SalesFigures};
use crate::store::stats::LostFigures;

/// Water per courier per day; `by_month`: per courier per month, each
/// month dated on its first day (a year's chart is ~240 rows, not ~7,000).
pub fn daily_deliveries(
    rows: Vec<(String, String, DelivFigures)>,
    by_month: bool,
) -> DailyDeliveries {
    let rows = if by_month {
        let mut months: BTreeMap<(String, String), DelivFigures> = BTreeMap::new();
        // In date order: the latest name of a courier wins.
        for (date, courier, f) in rows {
            let month = format!("{}-01", date.get(..7).unwrap_or(&date));
            let m = months.entry((month, courier)).or_default();
            m.orders += f.orders;
            m.water_qty += f.water_qty;
            m.amount += f.amount;
            m.courier_name = f.courier_name;
        }
        months.into_iter().map(|((d, c), f)| (d, c, f)).collect()
    } else {
        rows
    };
    let rows: Vec<DailyDeliveryRow> = rows
        .into_iter()
        .filter(|(_, _, f)| f.orders != 0)
        .map(|(date, courier_id, f)| DailyDeliveryRow {
            date,
            courier_id: courier(courier_id),
            courier_name: f.courier_name,
            orders: f.orders,
            water_qty: f.water_qty,
            amount: f.amount,
        })
        .collect();
    super::trends::daily_deliveries_report(rows)
}

pub fn sales(rows: Vec<(String, String, SalesFigures)>) -> SalesReport {
    let mut by: BTreeMap<String, SalesRow> = BTreeMap::new();
    for (_, product_id, f) in rows {
        let row = by.entry(product_id.clone()).or_insert_with(|| SalesRow {
            product_id,
            name: String::new(),
            kind: ProductKind::Goods,
            qty: 0,
            amount: 0,
        });
        row.qty += f.qty;
        row.amount += f.amount;
        row.name = f.name;
        row.kind = f.kind.unwrap_or(row.kind);
    }
    let mut rows: Vec<SalesRow> = by
        .into_values()
        .filter(|r| r.qty != 0 || r.amount != 0)
        .collect();
    rows.sort_by(|a, b| (a.kind, &a.name).cmp(&(b.kind, &b.name)));
    let totals = SalesTotals {
        qty: rows.iter().map(|r| r.qty).sum(),
        amount: rows.iter().map(|r| r.amount).sum(),
    };
    SalesReport { rows, totals }
}

fn add(c: &mut StateCounts, f: &OpsFigures) {
    c.new += f.new;
    c.delivery += f.delivery;
    c.delivered += f.delivered;
    c.cancelled += f.cancelled;
    c.failed_attempts += f.attempts;
}

pub fn orders_worked(rows: Vec<(String, String, OpsFigures)>, users: &[User]) -> OrdersReport {
    let names: HashMap<&str, &str> = users
        .iter()
        .map(|u| (u.id.as_str(), u.name.as_str()))
        .collect();
    let mut total = StateCounts::default();
    let mut by_op: BTreeMap<String, StateCounts> = BTreeMap::new();
    for (_, user, f) in &rows {
        add(&mut total, f);
        add(by_op.entry(user.clone()).or_default(), f);
    }
    let all = |c: &StateCounts| c.new + c.delivery + c.delivered + c.cancelled;
    let mut by_operator: Vec<OperatorRow> = by_op
        .into_iter()
        .filter(|(_, c)| all(c) != 0)
        .map(|(id, c)| OperatorRow {
            name: names.get(id.as_str()).copied().unwrap_or(&id).to_string(),
            user_id: id,
            created: all(&c),
            delivered: c.delivered,
        })
        .collect();
    by_operator.sort_by(|a, b| b.created.cmp(&a.created).then(a.name.cmp(&b.name)));
    OrdersReport {
        total: all(&total),
        delivered: total.delivered,
        cancelled: total.cancelled,
        open: total.new + total.delivery,
        failed_attempts: total.failed_attempts,
        by_operator,
        calls: vec![],
    }
}

pub fn daily_orders(rows: Vec<(String, String, OpsFigures)>) -> DailyOrders {
    let mut days: BTreeMap<String, StateCounts> = BTreeMap::new();
    let mut totals = StateCounts::default();
    for (date, _, f) in &rows {
        add(days.entry(date.clone()).or_default(), f);
        add(&mut totals, f);
    }
    DailyOrders {
        rows: days
            .into_iter()
            .filter(|(_, c)| c.new + c.delivery + c.delivered + c.cancelled != 0)
            .map(|(date, counts)| DailyOrdersRow { date, counts })
            .collect(),
        totals,
    }
}

/// Lost clients from the per-client figures.
pub fn lost_clients(rows: Vec<LostFigures>) -> LostClientsReport {
    let mut rows: Vec<LostClientRow> = rows
        .into_iter()
        .map(|f| LostClientRow {
            client_id: f.client_id,
            name: f.name,
            kind: f.kind,
            phones: f.phones,
            last_delivery_date: f.last,
            delivered_orders: f.delivered,
        })
        .collect();
    rows.sort_by(|a, b| {
        b.last_delivery_date
            .cmp(&a.last_delivery_date)
            .then(a.name.cmp(&b.name))
    });
    LostClientsReport { rows }
}
