//! The deliveries report grouped on the server (issue 22): water delivered
//! by courier, by client, by client type, by day, by day and courier, or by
//! courier and client (the full table), with totals, sorting and paging, and
//! the drill-down into one courier's deliveries. A year's full table is
//! ~200,000 rows (40 MB of JSON); a page is at most 1,000 rows, and the
//! whole table is a streamed download (`export`).
//!
//! Two sources: by courier and by day come from the `stat_courier` rows (a
//! row per day and courier: ~7,000 a year); by client, by client type and
//! the full table from the packs' lines (`table`), merged in date order as
//! the daily rows are (the latest name and known type of a pair win).

pub mod export;
pub mod table;

use std::cmp::Ordering;
use std::collections::BTreeMap;

use rayon::prelude::*;
use rodnik_shared::api::{
    DeliveriesQuery, DeliveryColumn as Col, DeliveryGroup as G, DeliveryGroupRow, DeliveryTotals,
    GroupedDeliveries,
};
use rodnik_shared::ClientKind;

pub use table::{PackCache, Table, TableError};

use crate::figures::pack::{kind_of, FxMap};
use crate::figures::DelivFigures;

/// A grouped row of the packs' lines, its strings not yet looked up.
#[derive(Debug, Clone, Copy, Default)]
struct Acc {
    client: u32,
    client_name: u32,
    courier: u32,
    courier_name: u32,
    kind: u8,
    orders: i64,
    water_qty: i64,
    amount: i64,
}

impl Acc {
    fn add(&mut self, l: &table::Line) {
        self.client = l.client;
        self.client_name = l.client_name;
        self.courier = l.courier;
        self.courier_name = l.courier_name;
        if l.kind != 0 {
            self.kind = l.kind;
        }
        self.orders += i64::from(l.orders);
        self.water_qty += i64::from(l.water_qty);
        self.amount += l.amount;
    }

    fn kind(&self) -> ClientKind {
        kind_of(self.kind).unwrap_or(ClientKind::Individual)
    }

    fn figure(&self, c: Col) -> i64 {
        match c {
            Col::Orders => self.orders,
            Col::WaterQty => self.water_qty,
            _ => self.amount,
        }
    }
}

fn figure(r: &DeliveryGroupRow, c: Col) -> i64 {
    match c {
        Col::Orders => r.orders,
        Col::WaterQty => r.water_qty,
        _ => r.amount,
    }
}

enum Source {
    /// From the packs: the table and its grouped rows.
    Table(Table, Vec<Acc>),
    /// From the per-courier day rows.
    Plain(Vec<DeliveryGroupRow>),
}

/// A grouping's rows (every page), not yet sorted, and their totals.
pub struct Grouped {
    group: G,
    source: Source,
    pub totals: DeliveryTotals,
}

fn nonempty(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

fn totals(it: impl Iterator<Item = (i64, i64, i64)>) -> DeliveryTotals {
    super::delivery_totals(it)
}

impl Grouped {
    /// Groups the packs' lines: by client, by client type, or by courier
    /// and client (`q.group` is one of those three), within `q.courier` when
    /// the query drills into one.
    pub fn from_table(table: Table, q: &DeliveriesQuery) -> Grouped {
        // Some(None): a courier no line mentions (no rows).
        let courier: Option<Option<u32>> = q.courier.as_deref().map(|c| table.find(c));
        let lines = table
            .lines()
            .filter(|l| courier.is_none_or(|c| c == Some(l.courier)));
        let items: Vec<Acc> = match q.group {
            G::CourierClient => {
                let mut by: FxMap<(u32, u32), Acc> = FxMap::default();
                for l in lines {
                    by.entry((l.courier, l.client)).or_default().add(l);
                }
                by.into_values().filter(|a| a.orders != 0).collect()
            }
            _ => {
                // Clients are string indices: a dense array, no hashing.
                let mut by = vec![Acc::default(); table.strings_len()];
                for l in lines {
                    if let Some(a) = by.get_mut(l.client as usize) {
                        a.add(l);
                    }
                }
                by.retain(|a| a.orders != 0);
                if q.group == G::Kind {
                    let mut kinds = [Acc::default(), Acc::default()];
                    for a in &by {
                        let k = &mut kinds[usize::from(a.kind() == ClientKind::Legal)];
                        k.kind = if a.kind() == ClientKind::Legal { 2 } else { 1 };
                        k.orders += a.orders;
                        k.water_qty += a.water_qty;
                        k.amount += a.amount;
                    }
                    kinds.into_iter().filter(|a| a.orders != 0).collect()
                } else {
                    by
                }
            }
        };
        let totals = totals(items.iter().map(|a| (a.orders, a.water_qty, a.amount)));
        Grouped {
            group: q.group,
            source: Source::Table(table, items),
            totals,
        }
    }

    /// Groups the per-courier day rows (`(date, courier or "", figures)` in
    /// key order): by courier, by day, or by day and courier.
    pub fn from_couriers(
        rows: Vec<(String, String, DelivFigures)>,
        q: &DeliveriesQuery,
    ) -> Grouped {
        let rows = rows
            .into_iter()
            .filter(|(_, c, _)| q.courier.as_deref().is_none_or(|want| want == c));
        let mut by: BTreeMap<String, DeliveryGroupRow> = BTreeMap::new();
        for (date, courier, f) in rows {
            let key = match q.group {
                G::Courier => courier.clone(),
                G::Day => date.clone(),
                _ => format!("{date}|{courier}"),
            };
            let r = by.entry(key.clone()).or_insert_with(|| DeliveryGroupRow {
                key,
                ..Default::default()
            });
            if q.group != G::Courier {
                r.date = Some(date);
            }
            if q.group != G::Day {
                r.courier_id = nonempty(&courier);
                // Rows come in date order: the latest name wins.
                r.courier_name = f.courier_name.filter(|n| !n.is_empty());
            }
            r.orders += f.orders;
            r.water_qty += f.water_qty;
            r.amount += f.amount;
        }
        let rows: Vec<DeliveryGroupRow> = by.into_values().filter(|r| r.orders != 0).collect();
        let totals = totals(rows.iter().map(|r| (r.orders, r.water_qty, r.amount)));
        Grouped {
            group: q.group,
            source: Source::Plain(rows),
            totals,
        }
    }

    pub fn len(&self) -> usize {
        match &self.source {
            Source::Table(_, items) => items.len(),
            Source::Plain(rows) => rows.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Puts the rows of `range` (positions in the query's order) in place,
    /// in order: only those rows are sorted, the others only partitioned.
    fn arrange(&mut self, q: &DeliveriesQuery, range: std::ops::Range<usize>) {
        let group = self.group;
        match &mut self.source {
            Source::Table(table, items) => {
                let t: &Table = table;
                let cmp = |a: &Acc, b: &Acc| table_order(t, group, q, a, b);
                place(items, range, &cmp);
            }
            Source::Plain(rows) => {
                let cmp = |a: &DeliveryGroupRow, b: &DeliveryGroupRow| plain_order(group, q, a, b);
                place(rows, range, &cmp);
            }
        }
    }

    fn row(&self, i: usize) -> Option<DeliveryGroupRow> {
        match &self.source {
            Source::Table(t, items) => items.get(i).map(|a| table_row(t, self.group, a)),
            Source::Plain(rows) => rows.get(i).cloned(),
        }
    }

    /// One page of the rows, in the query's order, with the totals of all.
    pub fn page(mut self, q: &DeliveriesQuery) -> GroupedDeliveries {
        let n = self.len();
        let limit = q.limit as usize;
        let lo = (q.page.saturating_sub(1) as usize)
            .saturating_mul(limit)
            .min(n);
        let hi = lo.saturating_add(limit).min(n);
        self.arrange(q, lo..hi);
        GroupedDeliveries {
            group: q.group,
            courier_id: q.courier.clone(),
            sort: q.sort,
            desc: q.desc,
            page: q.page,
            limit: q.limit,
            total_rows: n as u64,
            rows: (lo..hi).filter_map(|i| self.row(i)).collect(),
            totals: self.totals.clone(),
        }
    }

    /// Every row in the query's order, made one at a time (for a download:
    /// the rows' strings are looked up as they are written).
    pub fn into_rows(
        mut self,
        q: &DeliveriesQuery,
    ) -> impl Iterator<Item = DeliveryGroupRow> + Send {
        let n = self.len();
        self.arrange(q, 0..n);
        (0..n).map_while(move |i| self.row(i))
    }

    pub fn group(&self) -> G {
        self.group
    }
}

/// Sorts `range` of `items` by `cmp` after moving into it the items that
/// belong there (`cmp` is a total order: every grouping ends on ids).
fn place<T: Send>(
    items: &mut [T],
    range: std::ops::Range<usize>,
    cmp: &(dyn Fn(&T, &T) -> Ordering + Sync),
) {
    let (lo, hi) = (range.start, range.end.min(items.len()));
    if lo >= hi {
        return;
    }
    if lo == 0 && hi == items.len() {
        items.par_sort_unstable_by(cmp);
        return;
    }
    if lo > 0 {
        items.select_nth_unstable_by(lo, cmp);
    }
    let rest = &mut items[lo..];
    if hi - lo < rest.len() {
        rest.select_nth_unstable_by(hi - lo - 1, cmp);
    }
    rest[..hi - lo].sort_unstable_by(cmp);
}

/// Text columns compare as stored (UTF-8 bytes: Cyrillic in alphabet
/// order but ё); an empty courier name (no courier) comes first.
fn table_order(t: &Table, group: G, q: &DeliveriesQuery, a: &Acc, b: &Acc) -> Ordering {
    let by = |c: Col| -> Ordering {
        match c {
            Col::Courier => (t.str(a.courier_name), t.str(a.courier))
                .cmp(&(t.str(b.courier_name), t.str(b.courier))),
            Col::Client => (t.str(a.client_name), t.str(a.client))
                .cmp(&(t.str(b.client_name), t.str(b.client))),
            Col::Kind => a.kind().as_str().cmp(b.kind().as_str()),
            Col::Day => Ordering::Equal,
            c => a.figure(c).cmp(&b.figure(c)),
        }
    };
    let first = by(q.sort);
    let first = if q.desc { first.reverse() } else { first };
    first.then_with(|| match group {
        // As the report always was: courier name, client name, then the ids.
        G::CourierClient => (
            t.str(a.courier_name),
            t.str(a.client_name),
            t.str(a.courier),
            t.str(a.client),
        )
            .cmp(&(
                t.str(b.courier_name),
                t.str(b.client_name),
                t.str(b.courier),
                t.str(b.client),
            )),
        G::Client => by(Col::Client),
        _ => by(Col::Kind),
    })
}

fn plain_order(
    group: G,
    q: &DeliveriesQuery,
    a: &DeliveryGroupRow,
    b: &DeliveryGroupRow,
) -> Ordering {
    let by = |c: Col| -> Ordering {
        match c {
            Col::Courier => (a.courier_name.as_deref(), &a.courier_id)
                .cmp(&(b.courier_name.as_deref(), &b.courier_id)),
            Col::Day => a.date.cmp(&b.date),
            Col::Client | Col::Kind => Ordering::Equal,
            c => figure(a, c).cmp(&figure(b, c)),
        }
    };
    let first = by(q.sort);
    let first = if q.desc { first.reverse() } else { first };
    first
        .then_with(|| {
            group
                .labels()
                .iter()
                .fold(Ordering::Equal, |o, c| o.then_with(|| by(*c)))
        })
        .then_with(|| a.key.cmp(&b.key))
}

fn table_row(t: &Table, group: G, a: &Acc) -> DeliveryGroupRow {
    let figures = |r: DeliveryGroupRow| DeliveryGroupRow {
        orders: a.orders,
        water_qty: a.water_qty,
        amount: a.amount,
        ..r
    };
    match group {
        G::Kind => figures(DeliveryGroupRow {
            key: a.kind().as_str().to_string(),
            client_kind: Some(a.kind()),
            ..Default::default()
        }),
        G::Client => figures(DeliveryGroupRow {
            key: t.str(a.client).to_string(),
            client_id: Some(t.str(a.client).to_string()),
            client_name: Some(t.str(a.client_name).to_string()),
            client_kind: Some(a.kind()),
            ..Default::default()
        }),
        _ => figures(DeliveryGroupRow {
            key: format!("{}|{}", t.str(a.courier), t.str(a.client)),
            courier_id: nonempty(t.str(a.courier)),
            courier_name: nonempty(t.str(a.courier_name)),
            client_id: Some(t.str(a.client).to_string()),
            client_name: Some(t.str(a.client_name).to_string()),
            client_kind: Some(a.kind()),
            ..Default::default()
        }),
    }
}

/// Whether the grouping reads the per-courier day rows (else the packs).
pub fn from_courier_days(g: G) -> bool {
    matches!(g, G::Courier | G::Day | G::CourierDay)
}

#[cfg(test)]
mod tests;
