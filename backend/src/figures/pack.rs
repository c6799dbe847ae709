//! The deliveries report's packs: one closed period's courier × client
//! figures as a compact JSON text (`store::packs` keeps them; the reports
//! merge them). Here, below both: the layout, and building one from rows.

use std::borrow::Cow;
use std::collections::HashMap;

use rodnik_shared::ClientKind;
use serde::{Deserialize, Serialize};

use super::DelivFigures;

pub(crate) fn courier(id: String) -> Option<String> {
    (!id.is_empty()).then_some(id)
}

/// The version of [`Pack`]'s layout; packs of another are built again.
pub const PACK_FORMAT: i64 = 2;

/// A pack: the courier × client figures of a closed period (see
/// `store::packs`), stored as JSON. Couriers are listed once (`c`: id or "",
/// name or ""), lines point at them by index: a year is ~500,000 lines.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct Pack<'a> {
    pub(crate) c: Vec<(String, String)>,
    #[serde(borrow)]
    pub(crate) e: Vec<PackLine<'a>>,
}

/// `[courier index, client id, orders, water, amount, client name, kind]`,
/// kind 0 unknown, 1 individual, 2 legal. Strings borrowed from the text.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct PackLine<'a>(
    u32,
    #[serde(borrow)] Cow<'a, str>,
    i64,
    i64,
    i64,
    #[serde(borrow)] Cow<'a, str>,
    u8,
);

pub(crate) fn kind_code(k: Option<ClientKind>) -> u8 {
    match k {
        None => 0,
        Some(ClientKind::Individual) => 1,
        Some(ClientKind::Legal) => 2,
    }
}

pub(crate) fn kind_of(code: u8) -> Option<ClientKind> {
    match code {
        1 => Some(ClientKind::Individual),
        2 => Some(ClientKind::Legal),
        _ => None,
    }
}

/// One courier × client figure of a period, borrowed.
pub(crate) struct Entry<'a> {
    pub(crate) courier: &'a str,
    pub(crate) client: &'a str,
    pub(crate) orders: i64,
    pub(crate) water_qty: i64,
    pub(crate) amount: i64,
    pub(crate) courier_name: &'a str,
    pub(crate) client_name: &'a str,
    pub(crate) kind: Option<ClientKind>,
}

pub(crate) fn row_entry(row: &(String, String, String, DelivFigures)) -> Entry<'_> {
    let (_, courier, client, f) = row;
    Entry {
        courier,
        client,
        orders: f.orders,
        water_qty: f.water_qty,
        amount: f.amount,
        courier_name: f.courier_name.as_deref().unwrap_or_default(),
        client_name: &f.client_name,
        kind: f.client_kind,
    }
}

pub(crate) fn pack_entries<'a>(p: &'a Pack<'_>) -> impl Iterator<Item = Entry<'a>> {
    p.e.iter().map(|l| {
        let (courier, courier_name) =
            p.c.get(l.0 as usize)
                .map(|(id, name)| (id.as_str(), name.as_str()))
                .unwrap_or_default();
        Entry {
            courier,
            client: &l.1,
            orders: l.2,
            water_qty: l.3,
            amount: l.4,
            courier_name,
            client_name: &l.5,
            kind: kind_of(l.6),
        }
    })
}

pub(crate) type FxMap<K, V> = HashMap<K, V, std::hash::BuildHasherDefault<rustc_hash::FxHasher>>;

/// Courier × client figures summed over entries taken in date order: the
/// names (and kind) of the latest entry win, as in the daily rows.
#[derive(Default)]
pub(crate) struct DelivMerge<'a> {
    pub(crate) by: FxMap<(&'a str, &'a str), Entry<'a>>,
}

impl<'a> DelivMerge<'a> {
    pub(crate) fn add_all(&mut self, entries: impl IntoIterator<Item = Entry<'a>>) {
        use std::collections::hash_map::Entry as Slot;
        for e in entries {
            match self.by.entry((e.courier, e.client)) {
                Slot::Occupied(mut row) => {
                    let row = row.get_mut();
                    row.orders += e.orders;
                    row.water_qty += e.water_qty;
                    row.amount += e.amount;
                    row.courier_name = e.courier_name;
                    row.client_name = e.client_name;
                    row.kind = e.kind.or(row.kind);
                }
                Slot::Vacant(row) => {
                    row.insert(e);
                }
            }
        }
    }
}

/// A pack's text from a period's `stat_deliv` rows (in key order).
pub fn pack_of_rows(rows: &[(String, String, String, DelivFigures)]) -> serde_json::Result<String> {
    let mut merge = DelivMerge::default();
    merge.add_all(rows.iter().map(row_entry));
    let mut couriers: FxMap<(&str, &str), u32> = FxMap::default();
    let mut pack = Pack::default();
    for ((courier, client), r) in &merge.by {
        let next = couriers.len() as u32;
        let at = *couriers
            .entry((courier, r.courier_name))
            .or_insert_with(|| {
                pack.c
                    .push((courier.to_string(), r.courier_name.to_string()));
                next
            });
        pack.e.push(PackLine(
            at,
            Cow::Borrowed(client),
            r.orders,
            r.water_qty,
            r.amount,
            Cow::Borrowed(r.client_name),
            kind_code(r.kind),
        ));
    }
    serde_json::to_string(&pack)
}
