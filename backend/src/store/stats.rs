//! The pre-aggregated report tables (see `figures`): their writes,
//! which go into the order's own transaction, their reads by date range, and
//! the rebuild from the orders.

use chrono::Datelike;
use futures::StreamExt;
use rodnik_shared::OrderState;
use serde::Deserialize;
use serde_json::{json, Value};

use super::{decode_all, Store};
use crate::error::Result;
use crate::figures::{DelivFigures, OpsFigures, SalesFigures, Stats};

/// The statements that add `s` to the figure tables, for inside the order's
/// transaction, with their variables merged into `vars` (a JSON object). Only
/// the tables `s` touches get a statement: every statement costs SurrealDB a
/// parse and a plan, and creating an order touches two of the six.
pub fn apply_stats(s: &Stats, vars: &mut Value) -> String {
    stats_vars(s, vars);
    let packs = super::packs::stale_marks(s, chrono::Utc::now().date_naive());
    let mut sql = String::new();
    let parts: [(bool, &str); 5] = [
        (!s.ops.is_empty(), APPLY_OPS),
        (!s.sales.is_empty(), APPLY_SALES),
        (!s.deliv.is_empty(), APPLY_DELIV),
        (!s.couriers.is_empty(), APPLY_COURIERS),
        (!s.clients.is_empty(), APPLY_CLIENTS),
    ];
    for (on, part) in parts {
        if on {
            sql.push_str(part);
        }
    }
    if !packs.is_empty() {
        sql.push_str(super::packs::MARK_STALE);
        if let Value::Object(map) = vars {
            map.insert("packs".into(), json!(packs));
        }
    }
    sql
}

const APPLY_OPS: &str = "
 FOR $s IN $ops { UPSERT type::record('stat_ops', $s.k) SET
   new = (new ?? 0) + $s.new, delivery = (delivery ?? 0) + $s.delivery,
   delivered = (delivered ?? 0) + $s.delivered, cancelled = (cancelled ?? 0) + $s.cancelled,
   attempts = (attempts ?? 0) + $s.attempts RETURN NONE; };";
const APPLY_SALES: &str = "
 FOR $s IN $sales { UPSERT type::record('stat_sales', $s.k) SET
   qty = (qty ?? 0) + $s.qty, amount = (amount ?? 0) + $s.amount,
   name = $s.name, kind = $s.kind RETURN NONE; };";
const APPLY_DELIV: &str = "
 FOR $s IN $deliv { UPSERT type::record('stat_deliv', $s.k) SET
   orders = (orders ?? 0) + $s.orders, water_qty = (water_qty ?? 0) + $s.water_qty,
   amount = (amount ?? 0) + $s.amount, courier_name = $s.courier_name,
   client_name = $s.client_name, client_kind = $s.client_kind RETURN NONE; };";
const APPLY_COURIERS: &str = "
 FOR $s IN $couriers { UPSERT type::record('stat_courier', $s.k) SET
   orders = (orders ?? 0) + $s.orders, water_qty = (water_qty ?? 0) + $s.water_qty,
   amount = (amount ?? 0) + $s.amount, courier_name = $s.courier_name RETURN NONE; };";
const APPLY_CLIENTS: &str = "
 FOR $s IN $cstats { UPSERT type::record('stat_client', $s.k) SET
   delivered = (delivered ?? 0) + $s.delivered, open = (open ?? 0) + $s.open,
   last = IF $s.last != NONE AND (last = NONE OR $s.last > last) THEN $s.last ELSE last END,
   open_ids = array::union(array::complement(open_ids ?? [], $s.open_gone ?? []), $s.open_ids ?? []),
   recent = array::slice(array::sort::desc(array::union(recent ?? [], $s.recent ?? [])), 0, 10)
   RETURN NONE; };";

/// The variables of [`apply_stats`] for `s`, merged into `vars` (a JSON object).
fn stats_vars(s: &Stats, vars: &mut Value) {
    let ops: Vec<Value> = s
        .ops
        .iter()
        .map(|((d, u, shard), f)| {
            let mut v = json!(f);
            v["k"] = json!([d, u, shard]);
            v
        })
        .collect();
    let sales: Vec<Value> = s
        .sales
        .iter()
        .map(|((d, p), f)| {
            let mut v = super::strip_nulls(json!(f));
            v["k"] = json!([d, p]);
            v
        })
        .collect();
    let deliv: Vec<Value> = s
        .deliv
        .iter()
        .map(|((d, c, cl), f)| {
            let mut v = super::strip_nulls(json!(f));
            v["k"] = json!([d, c, cl]);
            v
        })
        .collect();
    let couriers: Vec<Value> = s
        .couriers
        .iter()
        .map(|((d, c), f)| {
            json!({ "k": [d, c], "orders": f.orders, "water_qty": f.water_qty,
                    "amount": f.amount, "courier_name": f.courier_name })
        })
        .map(super::strip_nulls)
        .collect();
    let cstats: Vec<Value> = s
        .clients
        .iter()
        .map(|(c, f)| {
            let mut v = super::strip_nulls(json!(f));
            v["k"] = json!([c]);
            v
        })
        .collect();
    if let Value::Object(map) = vars {
        map.insert("ops".into(), Value::Array(ops));
        map.insert("sales".into(), Value::Array(sales));
        map.insert("deliv".into(), Value::Array(deliv));
        map.insert("couriers".into(), Value::Array(couriers));
        map.insert("cstats".into(), Value::Array(cstats));
    }
}

/// `stat_deliv` rows read as `[id, orders, water_qty, amount, courier_name,
/// client_name, client_kind]`: (date, courier or "", client, figures).
pub(super) fn deliv_rows(rows: Vec<Value>) -> Vec<(String, String, String, DelivFigures)> {
    let int = |v: &Value| v.as_i64().unwrap_or(0);
    let text = |v: &Value| v.as_str().map(str::to_string);
    rows.into_iter()
        .filter_map(|r| {
            let Value::Array(a) = r else { return None };
            let k = a.first()?.as_array()?;
            Some((
                key_str(k, 0),
                key_str(k, 1),
                key_str(k, 2),
                DelivFigures {
                    orders: int(a.get(1)?),
                    water_qty: int(a.get(2)?),
                    amount: int(a.get(3)?),
                    courier_name: text(a.get(4)?),
                    client_name: text(a.get(5)?).unwrap_or_default(),
                    client_kind: a
                        .get(6)
                        .and_then(|v| serde_json::from_value(v.clone()).ok()),
                },
            ))
        })
        .collect()
}

/// A `stat_*` row read back: its key parts and figures.
#[derive(Debug, Deserialize)]
struct Row<F> {
    k: Vec<Value>,
    #[serde(flatten)]
    f: F,
}

fn key_str(k: &[Value], i: usize) -> String {
    k.get(i)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

/// A lost client as the figures and the client record tell it.
#[derive(Debug, Clone)]
pub struct LostFigures {
    pub client_id: String,
    pub delivered: i64,
    pub last: String,
    pub name: String,
    pub kind: rodnik_shared::ClientKind,
    pub phones: Vec<String>,
}

/// Rows per INSERT when writing figures from scratch.
const BATCH: usize = 5_000;

impl Store {
    /// Orders-by-state figures per (date, operator) in `[from, to]`.
    pub async fn stat_ops(
        &self,
        from: &str,
        to: &str,
    ) -> Result<Vec<(String, String, OpsFigures)>> {
        let rows: Vec<Row<OpsFigures>> = self.stat_range("stat_ops", from, to).await?;
        Ok(rows
            .into_iter()
            .map(|r| (key_str(&r.k, 0), key_str(&r.k, 1), r.f))
            .collect())
    }

    pub async fn stat_sales(
        &self,
        from: &str,
        to: &str,
    ) -> Result<Vec<(String, String, SalesFigures)>> {
        let rows: Vec<Row<SalesFigures>> = self.stat_range("stat_sales", from, to).await?;
        Ok(rows
            .into_iter()
            .map(|r| (key_str(&r.k, 0), key_str(&r.k, 1), r.f))
            .collect())
    }

    /// Delivered figures per (date, courier or "", client) in `[from, to]`.
    /// The widest read of all (a row per client and day): fetched as plain
    /// arrays, which SurrealDB and serde handle several times faster than objects.
    pub async fn stat_deliv(
        &self,
        from: &str,
        to: &str,
    ) -> Result<Vec<(String, String, String, DelivFigures)>> {
        let rows = self
            .many(
                "SELECT VALUE [record::id(id), orders, water_qty, amount, courier_name,
                   client_name, client_kind] FROM stat_deliv:[$from]..[$to, {}]",
                json!({ "from": from, "to": to }),
                vec![],
            )
            .await?;
        Ok(deliv_rows(rows))
    }

    /// Delivered figures per (date, courier or "") in `[from, to]`.
    pub async fn stat_courier(
        &self,
        from: &str,
        to: &str,
    ) -> Result<Vec<(String, String, DelivFigures)>> {
        let rows: Vec<Row<DelivFigures>> = self.stat_range("stat_courier", from, to).await?;
        Ok(rows
            .into_iter()
            .map(|r| (key_str(&r.k, 0), key_str(&r.k, 1), r.f))
            .collect())
    }

    /// A key range over the first key part (a date): the rows are stored in
    /// key order, so this reads exactly the range (no index, no table scan).
    async fn stat_range<T: serde::de::DeserializeOwned>(
        &self,
        table: &'static str,
        from: &str,
        to: &str,
    ) -> Result<Vec<T>> {
        let rows = self
            .many(
                &format!("SELECT *, record::id(id) AS k OMIT id FROM {table}:[$from]..[$to, {{}}]"),
                json!({ "from": from, "to": to }),
                vec![],
            )
            .await?;
        decode_all(rows)
    }

    /// Clients with a delivered order, none since `before`, and no open
    /// order: one key range of `stat_lost` (`[last, client]`, kept by the
    /// `stat_lost` events of the schema).
    pub async fn stat_lost(&self, before: &str) -> Result<Vec<LostFigures>> {
        let rows = self
            .many(
                "SELECT VALUE [record::id(id), delivered, name, kind, phones]
                   FROM stat_lost:['']..[$before]",
                json!({ "before": before }),
                vec![],
            )
            .await?;
        type Raw = (
            (String, String),
            i64,
            String,
            rodnik_shared::ClientKind,
            Vec<String>,
        );
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let ((last, client_id), delivered, name, kind, phones): Raw =
                serde_json::from_value(row)?;
            out.push(LostFigures {
                client_id,
                delivered,
                last,
                name,
                kind,
                phones,
            });
        }
        Ok(out)
    }

    /// Fills `stat_lost` from `stat_client` and the clients (schema 4; the
    /// events keep it from then on). Returns the number of rows written.
    pub async fn rebuild_lost(&self) -> Result<usize> {
        self.sweep("stat_lost").await?;
        let rows = self
            .many(
                "SELECT VALUE [record::id(id)[0], delivered, last] FROM stat_client
                   WHERE delivered > 0 AND open = 0 AND last != NONE",
                Value::Null,
                vec![],
            )
            .await?;
        for chunk in rows.chunks(2_000) {
            self.run(
                "FOR $r IN $rows {
                   LET $c = (SELECT name, kind, phones FROM ONLY type::record('clients', $r[0]));
                   UPSERT type::record('stat_lost', [$r[2], $r[0]]) SET delivered = $r[1],
                     name = $c.name ?? '', kind = $c.kind ?? 'individual',
                     phones = $c.phones ?? [] RETURN NONE;
                 };",
                json!({ "rows": chunk }),
            )
            .await?;
        }
        Ok(rows.len())
    }

    /// Deletes every row of `table`, 5,000 to a transaction.
    async fn sweep(&self, table: &str) -> Result<()> {
        loop {
            let mut r = self
                .run(
                    &format!(
                        "LET $ids = SELECT VALUE id FROM {table} LIMIT 5000;
                         DELETE $ids RETURN NONE; RETURN array::len($ids);"
                    ),
                    Value::Null,
                )
                .await?;
            let n: Option<Value> = r.take(2)?;
            if n.and_then(|v| v.as_u64()).unwrap_or(0) == 0 {
                return Ok(());
            }
        }
    }

    /// Is there a delivered order dated after `date`? (Then per-client figures
    /// cannot answer "as of" `date`.)
    pub async fn delivered_after(&self, date: &str) -> Result<bool> {
        let v = self
            .many(
                "SELECT VALUE id FROM stat_deliv:[$d, {}].. LIMIT 1",
                json!({ "d": date }),
                vec![],
            )
            .await?;
        Ok(!v.is_empty())
    }

    /// Replaces every figure with `s` (built from all orders).
    /// Replaces every figure with `s`'s (empty tables first). `span` is the
    /// first and last delivery date of the orders the old figures came from,
    /// when known: the old rows are then deleted a month at a time.
    pub async fn write_stats(&self, s: &Stats, span: Option<(&str, &str)>) -> Result<()> {
        self.clear_stats(span).await?;
        let mut vars = json!({});
        stats_vars(s, &mut vars);
        for (name, table) in [
            ("ops", "stat_ops"),
            ("sales", "stat_sales"),
            ("deliv", "stat_deliv"),
            ("couriers", "stat_courier"),
            ("cstats", "stat_client"),
        ] {
            let Value::Array(rows) = vars[name].take() else {
                continue;
            };
            let mut rows = rows.into_iter().peekable();
            while rows.peek().is_some() {
                let docs: Vec<Value> = rows
                    .by_ref()
                    .take(BATCH)
                    .map(|mut d| {
                        if let Some(k) = d.as_object_mut().and_then(|m| m.remove("k")) {
                            d["id"] = k;
                        }
                        d
                    })
                    .collect();
                self.run(
                    &format!("INSERT INTO {table} $docs RETURN NONE"),
                    json!({ "docs": docs }),
                )
                .await?;
            }
        }
        Ok(())
    }

    /// Empties the figure tables in pieces that each fit one transaction.
    /// A `DELETE` (or `REMOVE TABLE`) of millions of rows in one transaction
    /// fails ("Memtable arena is full") or runs for many minutes. The tables
    /// keyed by date go a month of keys at a time; then each table is swept
    /// in batches of ids (`stat_client`, and anything outside `span`).
    async fn clear_stats(&self, span: Option<(&str, &str)>) -> Result<()> {
        const BY_DATE: [&str; 4] = ["stat_ops", "stat_sales", "stat_deliv", "stat_courier"];
        if let Some((first, last)) = span {
            let month = |d: &str| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok();
            if let (Some(first), Some(last)) = (month(first), month(last)) {
                let mut from = first.with_day(1).unwrap_or(first);
                while from <= last {
                    let to = from
                        .checked_add_months(chrono::Months::new(1))
                        .unwrap_or(last);
                    let vars = json!({ "a": from.to_string(), "b": to.to_string() });
                    for table in BY_DATE {
                        self.run(
                            &format!("DELETE {table}:[$a]..[$b] RETURN NONE"),
                            vars.clone(),
                        )
                        .await?;
                    }
                    if to <= from {
                        break;
                    }
                    from = to;
                }
            }
        }
        for table in
            BY_DATE
                .into_iter()
                .chain(["stat_client", "stat_lost", "stat_pack", "stat_pack_data"])
        {
            self.sweep(table).await?;
        }
        Ok(())
    }

    /// Every order, as `SELECT {fields} FROM` each piece, folded by `fold`.
    /// Returns how many orders were read and the first and last delivery date.
    ///
    /// The orders are read in bounded key ranges, one per two-character key
    /// prefix (keys are [`super::new_key`]'s: a letter, then letters and
    /// digits), ~0.1% of the table each. A half-open range with a LIMIT
    /// (`orders:⟨k⟩>.. LIMIT n`) is not the answer: SurrealDB 3 reads the whole
    /// range before the LIMIT applies (40 s and 11 GB per page on 3M orders).
    /// Keys outside that alphabet are read by the ranges around it, and the
    /// count read is checked against the table's. Two ranges are in flight,
    /// so the database reads one while the other is folded here.
    /// Gives every stored stop on a route its `route_day` and `route_key`
    /// (schema.surql: computed by the database on each write, so rows
    /// written before the fields existed have none), a key range of
    /// [`order_ranges`] per statement. Done once, marked by `meta:route_key`
    /// (version 1)
    /// rather than by the schema version, so it composes with the other
    /// upgrades; a fresh database only gets the mark.
    pub(super) async fn fill_route_keys(&self, fresh: bool) -> Result<u64> {
        let done = self.marked("route_key").await?;
        let mut filled = 0u64;
        if !done && !fresh {
            let started = std::time::Instant::now();
            for range in order_ranges() {
                let rows = self
                    .many(
                        &format!(
                            "UPDATE {range} SET route_pos = route_pos
                             WHERE courier_id != NONE AND state IN ['delivery', 'delivered']
                             RETURN VALUE id"
                        ),
                        Value::Null,
                        vec![],
                    )
                    .await?;
                filled += rows.len() as u64;
            }
            tracing::info!(
                "stops on a route indexed by courier and day in {:.1} s",
                started.elapsed().as_secs_f64()
            );
        }
        self.mark("route_key").await?;
        Ok(filled)
    }

    pub(super) async fn scan_orders(
        &self,
        what: &str,
        fields: &str,
        mut fold: impl FnMut(Value) -> Result<()>,
    ) -> Result<u64> {
        let ranges = order_ranges();
        let total = self
            .one("SELECT count() FROM orders GROUP ALL", Value::Null, vec![])
            .await?
            .and_then(|v| v.get("count").and_then(Value::as_u64))
            .unwrap_or(0);
        let started = std::time::Instant::now();
        let mut read = 0u64;
        let mut logged = 0u64;
        let mut pages = futures::stream::iter(ranges)
            .map(|range| {
                let store = self.clone();
                let sql = format!("SELECT {fields} FROM {range}");
                tokio::spawn(async move { store.many(&sql, Value::Null, vec![]).await })
            })
            .buffered(2);
        while let Some(rows) = pages.next().await {
            let rows = rows.map_err(|e| crate::error::Error::Internal(e.to_string()))??;
            read += rows.len() as u64;
            for row in rows {
                fold(row)?;
            }
            if total > 0 && read * 10 / total > logged {
                logged = read * 10 / total;
                tracing::info!(
                    "{what}: {read}/{total} orders read ({}%) after {:.0} s",
                    read * 100 / total,
                    started.elapsed().as_secs_f64()
                );
            }
        }
        // (More than counted is fine: orders written meanwhile by another node.)
        if read < total {
            return Err(crate::error::Error::Internal(format!(
                "{what}: read {read} orders of {total}: \
                 some order keys fall outside the ranges read"
            )));
        }
        Ok(read)
    }

    /// Builds every figure again from the orders: the migration for a
    /// database written before the figures existed (schema version 1), and
    /// the generator's check. Old figure rows are deleted first, which costs
    /// ~1 ms a row in SurrealDB 3.3 (each delete walks the catalogue for
    /// references): fine on a database without figures, slow on a large one
    /// that has them. A migration that only adds a field rebuilds that field
    /// (see [`Store::rebuild_client_cards`]).
    pub async fn rebuild_stats(&self) -> Result<Stats> {
        let mut s = Stats::default();
        let mut span: Option<(String, String)> = None;
        self.scan_orders("report figures", "* OMIT delivered_by", |row| {
            let o: rodnik_shared::api::Order = super::decode(row)?;
            s.add_order(&o);
            match &mut span {
                Some((first, last)) => {
                    if o.delivery_date < *first {
                        first.clone_from(&o.delivery_date);
                    }
                    if o.delivery_date > *last {
                        last.clone_from(&o.delivery_date);
                    }
                }
                None => span = Some((o.delivery_date.clone(), o.delivery_date.clone())),
            }
            Ok(())
        })
        .await?;
        let started = std::time::Instant::now();
        self.write_stats(&s, span.as_ref().map(|(a, b)| (a.as_str(), b.as_str())))
            .await?;
        tracing::info!(
            "report figures written in {:.0} s",
            started.elapsed().as_secs_f64()
        );
        Ok(s)
    }

    /// Fills the client card's order ids on `stat_client` (schema version 3)
    /// from a light read of every order; the other figures stay as they are.
    /// Returns the number of clients written.
    pub async fn rebuild_client_cards(&self) -> Result<usize> {
        let mut cards: std::collections::HashMap<String, crate::figures::ClientFigures> =
            std::collections::HashMap::new();
        self.scan_orders(
            "client cards",
            "VALUE [client_id, record::id(id), state, delivery_date, number]",
            |row| {
                let (client, id, state, date, number): (String, String, OrderState, String, i64) =
                    serde_json::from_value(row)?;
                cards
                    .entry(client)
                    .or_default()
                    .card_add(&id, state.is_open(), &date, number);
                Ok(())
            },
        )
        .await?;
        let started = std::time::Instant::now();
        let rows: Vec<Value> = cards
            .into_iter()
            .map(|(k, f)| json!({ "k": [k], "open_ids": f.open_ids, "recent": f.recent }))
            .collect();
        for chunk in rows.chunks(BATCH) {
            self.run(
                "FOR $c IN $rows { UPSERT type::record('stat_client', $c.k)
                   SET open_ids = $c.open_ids, recent = $c.recent RETURN NONE; };",
                json!({ "rows": chunk }),
            )
            .await?;
        }
        tracing::info!(
            "client cards: {} written in {:.0} s",
            rows.len(),
            started.elapsed().as_secs_f64()
        );
        Ok(rows.len())
    }
}

/// The orders table as ~1,000 bounded key ranges covering every key (ids
/// are lowercase alphanumerics): never `orders:⟨k⟩>.. LIMIT n`, which reads
/// the whole rest of the table in SurrealDB 3.
fn order_ranges() -> Vec<String> {
    key_ranges("orders")
}

/// Key ranges covering every record of `table` (keys from `new_key`'s
/// alphabet, about a thousandth of the table each; other keys fall in the
/// ranges around).
pub(super) fn key_ranges(table: &str) -> Vec<String> {
    let mut ranges = vec![format!("{table}:..⟨a⟩")];
    for first in 'a'..='z' {
        for second in ('0'..='9').chain('a'..='z') {
            let next = char::from(second as u8 + 1);
            ranges.push(format!("{table}:⟨{first}{second}⟩..⟨{first}{next}⟩"));
        }
        // Keys of one character, or whose second is outside the alphabet.
        ranges.push(format!("{table}:⟨{first}⟩..⟨{first}0⟩"));
        ranges.push(format!("{table}:⟨{first}:⟩..⟨{first}a⟩"));
        let next = char::from(first as u8 + 1);
        ranges.push(format!("{table}:⟨{first}{{⟩..⟨{next}⟩"));
    }
    ranges.push(format!("{table}:⟨{{⟩.."));
    ranges
}
