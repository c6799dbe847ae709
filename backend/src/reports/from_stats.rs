//! The reports built from the pre-aggregated figures (`facts`): what the
//! endpoints answer. The functions beside them in `reports` and `trends` build
//! the same reports from orders directly; the tests hold both to the same
//! answer.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use rodnik_shared::api::{
    DailyDeliveries, DailyDeliveryRow, DailyOrders, DailyOrdersRow, DeliveriesReport, DeliveryRow,
    LostClientRow, LostClientsReport, OperatorRow, OrdersReport, SalesReport, SalesRow,
    SalesTotals, StateCounts, User,
};
use rodnik_shared::{ClientKind, ProductKind};

use super::facts::{DelivFigures, OpsFigures, SalesFigures};
use crate::store::stats::LostFigures;

fn courier(id: String) -> Option<String> {
    (!id.is_empty()).then_some(id)
}

/// Rows come in key order (date first), so the last one seen has the latest names.
pub fn deliveries(rows: Vec<(String, String, String, DelivFigures)>) -> DeliveriesReport {
    let mut by = DelivMerge::default();
    by.add_all(rows.into_iter().map(PackEntry::from_row));
    by.report()
}

/// One courier × client line of a pack (the delivered figures of a closed
/// period, see `store::packs`), stored as a JSON array:
/// `[courier id or "", client id, orders, water, amount, courier name, client name, kind]`.
/// Borrowed from the pack's text where it can be: a year is ~500,000 of them.
#[derive(Debug, Serialize, Deserialize)]
pub struct PackEntry<'a>(
    #[serde(borrow)] pub Cow<'a, str>,
    #[serde(borrow)] pub Cow<'a, str>,
    pub i64,
    pub i64,
    pub i64,
    pub Option<Cow<'a, str>>,
    #[serde(borrow)] pub Cow<'a, str>,
    pub Option<ClientKind>,
);

impl PackEntry<'_> {
    /// A `stat_deliv` row (date, courier or "", client, figures).
    pub fn from_row((_, courier, client, f): (String, String, String, DelivFigures)) -> Self {
        PackEntry(
            Cow::Owned(courier),
            Cow::Owned(client),
            f.orders,
            f.water_qty,
            f.amount,
            f.courier_name.map(Cow::Owned),
            Cow::Owned(f.client_name),
            f.client_kind,
        )
    }
}

/// Courier × client figures summed over entries taken in date order: the
/// names (and kind) of the latest entry win, as in the daily rows.
#[derive(Default)]
pub struct DelivMerge<'a> {
    by: HashMap<(Cow<'a, str>, Cow<'a, str>), Acc<'a>>,
}

struct Acc<'a> {
    orders: i64,
    water_qty: i64,
    amount: i64,
    courier_name: Option<Cow<'a, str>>,
    client_name: Cow<'a, str>,
    client_kind: Option<ClientKind>,
}

impl<'a> DelivMerge<'a> {
    pub fn add_all(&mut self, entries: impl IntoIterator<Item = PackEntry<'a>>) {
        use std::collections::hash_map::Entry;
        for PackEntry(courier, client, orders, water_qty, amount, courier_name, name, kind) in
            entries
        {
            match self.by.entry((courier, client)) {
                Entry::Occupied(mut row) => {
                    let row = row.get_mut();
                    row.orders += orders;
                    row.water_qty += water_qty;
                    row.amount += amount;
                    row.courier_name = courier_name;
                    row.client_name = name;
                    row.client_kind = kind.or(row.client_kind);
                }
                Entry::Vacant(row) => {
                    row.insert(Acc {
                        orders,
                        water_qty,
                        amount,
                        courier_name,
                        client_name: name,
                        client_kind: kind,
                    });
                }
            }
        }
    }

    /// Adds a pack's text (see [`PackEntry`]).
    pub fn add_pack(&mut self, pack: &'a str) -> serde_json::Result<()> {
        let entries: Vec<PackEntry<'a>> = serde_json::from_str(pack)?;
        self.add_all(entries);
        Ok(())
    }

    /// The merged entries as a pack's text.
    pub fn pack(&self) -> serde_json::Result<String> {
        let entries: Vec<PackEntry<'_>> = self
            .by
            .iter()
            .map(|((courier, client), r)| {
                PackEntry(
                    Cow::Borrowed(courier.as_ref()),
                    Cow::Borrowed(client.as_ref()),
                    r.orders,
                    r.water_qty,
                    r.amount,
                    r.courier_name.as_deref().map(Cow::Borrowed),
                    Cow::Borrowed(r.client_name.as_ref()),
                    r.client_kind,
                )
            })
            .collect();
        serde_json::to_string(&entries)
    }

    pub fn report(self) -> DeliveriesReport {
        let rows = self
            .by
            .into_iter()
            .filter(|(_, r)| r.orders != 0)
            .map(|((courier_id, client_id), r)| DeliveryRow {
                courier_id: courier(courier_id.into_owned()),
                courier_name: r.courier_name.map(Cow::into_owned),
                client_id: client_id.into_owned(),
                client_name: r.client_name.into_owned(),
                client_kind: r.client_kind.unwrap_or(ClientKind::Individual),
                orders: r.orders,
                water_qty: r.water_qty,
                amount: r.amount,
            })
            .collect();
        super::deliveries_report(rows)
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
