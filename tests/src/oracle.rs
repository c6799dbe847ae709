//! The reports computed straight from a list of orders: slow (they read every
//! order) and obviously right, so the tests hold the server's pre-aggregated
//! figures (`figures`, `store::stats`, `store::packs`) equal to them.

use std::collections::{BTreeMap, HashMap};

use rodnik::reports::{deliveries_report, trends::daily_deliveries_report};
use rodnik_shared::api::{
    DailyDeliveries, DailyDeliveryRow, DailyOrders, DailyOrdersRow, DeliveriesReport, DeliveryRow,
    OperatorRow, Order, OrdersReport, SalesReport, SalesRow, SalesTotals, StateCounts, User,
};
use rodnik_shared::{OrderState, ProductKind};

pub fn deliveries(orders: &[Order]) -> DeliveriesReport {
    let mut rows: BTreeMap<(Option<String>, String), DeliveryRow> = BTreeMap::new();
    for o in orders.iter().filter(|o| o.state == OrderState::Delivered) {
        let row = rows
            .entry((o.courier_id.clone(), o.client_id.clone()))
            .or_insert_with(|| DeliveryRow {
                courier_id: o.courier_id.clone(),
                courier_name: o.courier_name.clone(),
                client_id: o.client_id.clone(),
                client_name: o.client_name.clone(),
                client_kind: o.client_kind,
                orders: 0,
                water_qty: 0,
                amount: 0,
            });
        row.orders += 1;
        row.water_qty += i64::from(o.water_qty());
        row.amount += o.total.0;
    }
    deliveries_report(rows.into_values().collect())
}

pub fn sales(orders: &[Order]) -> SalesReport {
    let mut rows: BTreeMap<String, SalesRow> = BTreeMap::new();
    for o in orders.iter().filter(|o| o.state == OrderState::Delivered) {
        for l in o.lines.iter().filter(|l| l.kind != ProductKind::Water) {
            let row = rows
                .entry(l.product_id.clone())
                .or_insert_with(|| SalesRow {
                    product_id: l.product_id.clone(),
                    name: l.name.clone(),
                    kind: l.kind,
                    qty: 0,
                    amount: 0,
                });
            row.qty += i64::from(l.qty);
            row.amount += l.amount.0;
        }
    }
    let mut rows: Vec<SalesRow> = rows.into_values().collect();
    rows.sort_by(|a, b| (a.kind, &a.name).cmp(&(b.kind, &b.name)));
    let totals = SalesTotals {
        qty: rows.iter().map(|r| r.qty).sum(),
        amount: rows.iter().map(|r| r.amount).sum(),
    };
    SalesReport { rows, totals }
}

pub fn orders_worked(orders: &[Order], users: &[User]) -> OrdersReport {
    let names: HashMap<&str, &str> = users
        .iter()
        .map(|u| (u.id.as_str(), u.name.as_str()))
        .collect();
    let mut by_op: BTreeMap<&str, (i64, i64)> = BTreeMap::new();
    for o in orders {
        let e = by_op.entry(o.created_by.as_str()).or_default();
        e.0 += 1;
        if o.state == OrderState::Delivered {
            e.1 += 1;
        }
    }
    let mut by_operator: Vec<OperatorRow> = by_op
        .into_iter()
        .map(|(id, (created, delivered))| OperatorRow {
            user_id: id.to_string(),
            name: names.get(id).copied().unwrap_or(id).to_string(),
            created,
            delivered,
        })
        .collect();
    by_operator.sort_by(|a, b| b.created.cmp(&a.created).then(a.name.cmp(&b.name)));
    let count = |s: OrderState| orders.iter().filter(|o| o.state == s).count() as i64;
    OrdersReport {
        total: orders.len() as i64,
        delivered: count(OrderState::Delivered),
        cancelled: count(OrderState::Cancelled),
        open: orders.iter().filter(|o| o.state.is_open()).count() as i64,
        failed_attempts: orders.iter().map(|o| o.attempts.len() as i64).sum(),
        by_operator,
        // No calls in a generated history.
        calls: vec![],
    }
}

/// Delivered orders per (delivery day, courier).
pub fn daily_deliveries(orders: &[Order]) -> DailyDeliveries {
    let mut rows: BTreeMap<(String, Option<String>), DailyDeliveryRow> = BTreeMap::new();
    for o in orders.iter().filter(|o| o.state == OrderState::Delivered) {
        let row = rows
            .entry((o.delivery_date.clone(), o.courier_id.clone()))
            .or_insert_with(|| DailyDeliveryRow {
                date: o.delivery_date.clone(),
                courier_id: o.courier_id.clone(),
                courier_name: o.courier_name.clone(),
                orders: 0,
                water_qty: 0,
                amount: 0,
            });
        row.orders += 1;
        row.water_qty += i64::from(o.water_qty());
        row.amount += o.total.0;
    }
    daily_deliveries_report(rows.into_values().collect())
}

fn count(c: &mut StateCounts, o: &Order) {
    match o.state {
        OrderState::New => c.new += 1,
        OrderState::Delivery => c.delivery += 1,
        OrderState::Delivered => c.delivered += 1,
        OrderState::Cancelled => c.cancelled += 1,
    }
    c.failed_attempts += o.attempts.len() as i64;
}

/// Orders per delivery day by their state now.
pub fn daily_orders(orders: &[Order]) -> DailyOrders {
    let mut days: BTreeMap<&str, StateCounts> = BTreeMap::new();
    let mut totals = StateCounts::default();
    for o in orders {
        count(days.entry(o.delivery_date.as_str()).or_default(), o);
        count(&mut totals, o);
    }
    DailyOrders {
        rows: days
            .into_iter()
            .map(|(date, counts)| DailyOrdersRow {
                date: date.to_string(),
                counts,
            })
            .collect(),
        totals,
    }
}

/// The grouped deliveries report's rows (`GET /api/reports/deliveries?group=`)
/// worked out from the full courier × client table: key -> (orders, water,
/// amount), for the groupings a courier × client row can tell (`courier`,
/// `client`, `kind`, `courier_client`), within one courier when `courier` is
/// given (`""`: no courier).
pub fn regroup(
    rows: &[DeliveryRow],
    group: &str,
    courier: Option<&str>,
) -> BTreeMap<String, (i64, i64, i64)> {
    let mut by: BTreeMap<String, (i64, i64, i64)> = BTreeMap::new();
    for r in rows {
        let c = r.courier_id.clone().unwrap_or_default();
        if courier.is_some_and(|want| want != c) {
            continue;
        }
        let key = match group {
            "courier" => c,
            "client" => r.client_id.clone(),
            "kind" => r.client_kind.as_str().to_string(),
            _ => format!("{c}|{}", r.client_id),
        };
        let e = by.entry(key).or_default();
        e.0 += r.orders;
        e.1 += r.water_qty;
        e.2 += r.amount;
    }
    by
}

/// Every row of a grouped deliveries query (`path` with `?`), read a page of
/// `limit` at a time, and the answer's totals; checks that the pages add up
/// to `total_rows` and that no key comes twice.
pub async fn all_pages(
    app: &crate::App,
    token: &str,
    path: &str,
    limit: u32,
) -> (Vec<serde_json::Value>, serde_json::Value) {
    let mut rows = vec![];
    let mut seen = std::collections::BTreeSet::new();
    let mut page = 1;
    loop {
        let r = app
            .get(&format!("{path}&limit={limit}&page={page}"), token)
            .await
            .ok();
        let got = r["rows"].as_array().cloned().unwrap_or_default();
        let total = r["total_rows"].as_u64().unwrap_or(0) as usize;
        for row in &got {
            let key = row["key"].as_str().unwrap_or_default().to_string();
            assert!(seen.insert(key.clone()), "{path}: {key} on two pages");
        }
        assert!(got.len() <= limit as usize, "{path}: page {page} too long");
        let last = got.is_empty() || rows.len() + got.len() >= total;
        rows.extend(got);
        if last {
            assert_eq!(rows.len(), total, "{path}: pages cover total_rows");
            return (rows, r["totals"].clone());
        }
        page += 1;
    }
}

/// Grouped rows as key -> (orders, water, amount).
pub fn figures(rows: &[serde_json::Value]) -> BTreeMap<String, (i64, i64, i64)> {
    rows.iter()
        .map(|r| {
            let n = |f: &str| r[f].as_i64().unwrap_or(0);
            (
                r["key"].as_str().unwrap_or_default().to_string(),
                (n("orders"), n("water_qty"), n("amount")),
            )
        })
        .collect()
}
