//! The reports built from the pre-aggregated figures (`facts`): what the
//! endpoints answer. The functions beside them in `reports` and `trends` build
//! the same reports from orders directly; the tests hold both to the same
//! answer.

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;
use serde::Serialize;

use rodnik_shared::api::{
    DailyDeliveries, DailyDeliveryRow, DailyOrders, DailyOrdersRow, DeliveriesReport, DeliveryRow,
    LostClientRow, LostClientsReport, OperatorRow, OrdersReport, SalesReport, SalesRow,
    SalesTotals, StateCounts, User,
};
use rodnik_shared::{ClientKind, ProductKind};

use crate::figures::pack::{courier, pack_entries, row_entry, DelivMerge, FxMap, Pack};
pub use crate::figures::pack::{pack_of_rows, DelivSources, PACK_FORMAT};
use crate::figures::{DelivFigures, OpsFigures, SalesFigures};
use crate::store::stats::LostFigures;

/// A row of the deliveries report borrowed from a [`DelivMerge`]: serialized
/// exactly as [`DeliveryRow`], without copying ~200,000 rows' strings first.
#[derive(Serialize)]
struct RowRef<'a> {
    /// The courier name's place among the report's courier names.
    #[serde(skip)]
    rank: usize,
    courier_id: Option<&'a str>,
    courier_name: Option<&'a str>,
    client_id: &'a str,
    client_name: &'a str,
    client_kind: ClientKind,
    orders: i64,
    water_qty: i64,
    amount: i64,
}

/// Partitions of the merge (by client), each merged by a task of its own.
const PARTS: usize = 4;

fn part_of(client: &str) -> usize {
    use std::hash::{BuildHasher, BuildHasherDefault};
    let h = BuildHasherDefault::<rustc_hash::FxHasher>::default().hash_one(client);
    // The high bits: the maps hash with the same function and use the low ones.
    (h >> 59) as usize % PARTS
}

/// Merges the packs and the live rows in date order, a partition of the
/// clients per task.
fn merge_parts<'a>(
    packs: &'a [Pack<'_>],
    live: &'a [(String, String, String, DelivFigures)],
) -> Vec<DelivMerge<'a>> {
    (0..PARTS)
        .into_par_iter()
        .map(|part| {
            let mut merge = DelivMerge::default();
            merge.add_all(
                packs
                    .iter()
                    .flat_map(pack_entries)
                    .chain(live.iter().map(row_entry))
                    .filter(|e| part_of(e.client) == part),
            );
            merge
        })
        .collect()
}

/// The report's rows from merged partitions, in its order (courier name,
/// client name, then ids: as [`super::deliveries_report`]), with the totals.
fn report_rows<'m>(
    parts: &'m [DelivMerge<'_>],
) -> (Vec<RowRef<'m>>, rodnik_shared::api::DeliveryTotals) {
    let mut rows: Vec<RowRef<'m>> = parts
        .iter()
        .flat_map(|m| m.by.iter())
        .filter(|(_, r)| r.orders != 0)
        .map(|((courier, client), r)| RowRef {
            rank: 0,
            courier_id: (!courier.is_empty()).then_some(*courier),
            courier_name: (!r.courier_name.is_empty()).then_some(r.courier_name),
            client_id: client,
            client_name: r.client_name,
            client_kind: r.kind.unwrap_or(ClientKind::Individual),
            orders: r.orders,
            water_qty: r.water_qty,
            amount: r.amount,
        })
        .collect();
    // A few dozen courier names: rank them once instead of comparing them
    // at every step of sorting 200,000 rows.
    let mut names: Vec<Option<&str>> = rows.iter().map(|r| r.courier_name).collect();
    names.sort_unstable();
    names.dedup();
    let rank: FxMap<Option<&str>, usize> = names.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    for r in &mut rows {
        r.rank = rank.get(&r.courier_name).copied().unwrap_or(0);
    }
    rows.par_sort_unstable_by(|a, b| {
        (a.rank, a.client_name, a.courier_id, a.client_id).cmp(&(
            b.rank,
            b.client_name,
            b.courier_id,
            b.client_id,
        ))
    });
    let totals = super::delivery_totals(rows.iter().map(|r| (r.orders, r.water_qty, r.amount)));
    (rows, totals)
}

impl DelivSources {
    fn parse(&self) -> serde_json::Result<Vec<Pack<'_>>> {
        self.packs
            .par_iter()
            .map(|p| serde_json::from_str(p))
            .collect()
    }

    /// The report as JSON, written straight from the merged figures (the
    /// rows in pieces, in parallel).
    pub fn json(&self) -> serde_json::Result<Vec<u8>> {
        let packs = self.parse()?;
        let parts = merge_parts(&packs, &self.live);
        let (rows, totals) = report_rows(&parts);
        let pieces: Vec<Vec<u8>> = rows
            .par_chunks(rows.len().div_ceil(8).max(1))
            .map(serde_json::to_vec)
            .collect::<serde_json::Result<_>>()?;
        let mut out = Vec::with_capacity(pieces.iter().map(Vec::len).sum::<usize>() + 200);
        out.extend_from_slice(b"{\"rows\":[");
        for (i, piece) in pieces.iter().enumerate() {
            // Each piece is a JSON array: its items, without the brackets.
            if let Some(items) = piece.get(1..piece.len().saturating_sub(1)) {
                if i > 0 && !items.is_empty() {
                    out.push(b',');
                }
                out.extend_from_slice(items);
            }
        }
        out.extend_from_slice(b"],\"totals\":");
        serde_json::to_writer(&mut out, &totals)?;
        out.push(b'}');
        Ok(out)
    }

    pub fn report(&self) -> serde_json::Result<DeliveriesReport> {
        let packs = self.parse()?;
        let parts = merge_parts(&packs, &self.live);
        let (rows, totals) = report_rows(&parts);
        let rows = rows
            .into_iter()
            .map(|r| DeliveryRow {
                courier_id: r.courier_id.map(str::to_string),
                courier_name: r.courier_name.map(str::to_string),
                client_id: r.client_id.to_string(),
                client_name: r.client_name.to_string(),
                client_kind: r.client_kind,
                orders: r.orders,
                water_qty: r.water_qty,
                amount: r.amount,
            })
            .collect();
        Ok(DeliveriesReport { rows, totals })
    }
}

pub fn daily_deliveries(rows: Vec<(String, String, DelivFigures)>) -> DailyDeliveries {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn row(
        date: &str,
        courier: &str,
        client: &str,
        orders: i64,
        courier_name: Option<&str>,
        client_name: &str,
        kind: Option<ClientKind>,
    ) -> (String, String, String, DelivFigures) {
        (
            date.into(),
            courier.into(),
            client.into(),
            DelivFigures {
                orders,
                water_qty: orders * 2,
                amount: orders * 25_000,
                courier_name: courier_name.map(str::to_string),
                client_name: client_name.into(),
                client_kind: kind,
            },
        )
    }

    /// Figures read through packs of each period equal the same figures read
    /// as daily rows: sums, the latest names (escaped ones too), no courier,
    /// unknown kind, and pairs that net to zero orders.
    #[test]
    fn packs_answer_as_the_daily_rows() {
        let legal = Some(ClientKind::Legal);
        let periods = [
            vec![
                row(
                    "2026-01-03",
                    "c1",
                    "k1",
                    2,
                    Some("Коля"),
                    "ООО \"Ромашка\"",
                    legal,
                ),
                row("2026-01-05", "", "k2", 1, None, "Back\\slash\ttab", None),
                row(
                    "2026-01-09",
                    "c2",
                    "k1",
                    1,
                    Some("Петя"),
                    "ООО \"Ромашка\"",
                    legal,
                ),
                row("2026-01-20", "c1", "k3", 1, Some("Коля"), "Zero", None),
            ],
            vec![
                row(
                    "2026-02-01",
                    "c1",
                    "k1",
                    4,
                    Some("Николай"),
                    "ООО «Ромашка»",
                    None,
                ),
                row("2026-02-02", "c1", "k3", -1, Some("Николай"), "Zero", None),
                row(
                    "2026-02-03",
                    "",
                    "k2",
                    2,
                    None,
                    "Иван",
                    Some(ClientKind::Individual),
                ),
            ],
            vec![row("2026-03-01", "c2", "k4", 1, Some("Петя"), "Пётр", None)],
        ];
        let packs: Vec<String> = periods
            .iter()
            .map(|p| pack_of_rows(p).expect("pack"))
            .collect();
        let all: Vec<_> = periods.iter().flatten().cloned().collect();
        let direct = DelivSources {
            packs: vec![],
            live: all.clone(),
        };
        let packed = DelivSources {
            packs: packs[..2].to_vec(),
            live: periods[2].clone(),
        };
        let want = direct.report().expect("report");
        assert_eq!(packed.report().expect("report"), want);
        let json: serde_json::Value =
            serde_json::from_slice(&packed.json().expect("json")).expect("valid json");
        assert_eq!(json, serde_json::json!(want));

        let k1 = want
            .rows
            .iter()
            .find(|r| r.client_id == "k1" && r.courier_id.as_deref() == Some("c1"))
            .expect("c1 k1");
        assert_eq!((k1.orders, k1.amount), (6, 150_000));
        assert_eq!(k1.courier_name.as_deref(), Some("Николай"));
        assert_eq!(k1.client_name, "ООО «Ромашка»");
        assert_eq!(
            k1.client_kind,
            ClientKind::Legal,
            "an unknown kind keeps the last known"
        );
        assert!(
            !want.rows.iter().any(|r| r.client_id == "k3"),
            "zero orders: no row"
        );
        let k2 = want.rows.iter().find(|r| r.client_id == "k2").expect("k2");
        assert_eq!(
            (k2.courier_id.as_deref(), k2.courier_name.as_deref()),
            (None, None)
        );
        assert_eq!(want.totals.orders, 11);
        assert_eq!(
            want.rows
                .iter()
                .map(|r| r.client_id.as_str())
                .collect::<Vec<_>>(),
            ["k2", "k1", "k1", "k4"],
            "sorted by courier name (none first), then client name"
        );
    }
}
