//! The pre-aggregated report tables (see `reports::facts`): their writes,
//! which go into the order's own transaction, their reads by date range, and
//! the rebuild from the orders.

use serde::Deserialize;
use serde_json::{json, Value};

use super::{decode_all, Store};
use crate::error::Result;
use crate::reports::facts::{DelivFigures, OpsFigures, SalesFigures, Stats};

/// Statements that add `$ops`, `$sales`, `$deliv`, `$couriers` and `$cstats` (from
/// [`stats_vars`]) to the tables; for inside a transaction.
pub const APPLY: &str = "
 FOR $s IN $ops { UPSERT type::record('stat_ops', $s.k) SET
   new = (new ?? 0) + $s.new, delivery = (delivery ?? 0) + $s.delivery,
   delivered = (delivered ?? 0) + $s.delivered, cancelled = (cancelled ?? 0) + $s.cancelled,
   attempts = (attempts ?? 0) + $s.attempts RETURN NONE; };
 FOR $s IN $sales { UPSERT type::record('stat_sales', $s.k) SET
   qty = (qty ?? 0) + $s.qty, amount = (amount ?? 0) + $s.amount,
   name = $s.name, kind = $s.kind RETURN NONE; };
 FOR $s IN $deliv { UPSERT type::record('stat_deliv', $s.k) SET
   orders = (orders ?? 0) + $s.orders, water_qty = (water_qty ?? 0) + $s.water_qty,
   amount = (amount ?? 0) + $s.amount, courier_name = $s.courier_name,
   client_name = $s.client_name, client_kind = $s.client_kind RETURN NONE; };
 FOR $s IN $couriers { UPSERT type::record('stat_courier', $s.k) SET
   orders = (orders ?? 0) + $s.orders, water_qty = (water_qty ?? 0) + $s.water_qty,
   amount = (amount ?? 0) + $s.amount, courier_name = $s.courier_name RETURN NONE; };
 FOR $s IN $cstats { UPSERT type::record('stat_client', $s.k) SET
   delivered = (delivered ?? 0) + $s.delivered, open = (open ?? 0) + $s.open,
   last = IF $s.last != NONE AND (last = NONE OR $s.last > last) THEN $s.last ELSE last END,
   open_ids = array::union(array::complement(open_ids ?? [], $s.open_gone ?? []), $s.open_ids ?? []),
   recent = array::slice(array::sort::desc(array::union(recent ?? [], $s.recent ?? [])), 0, 10)
   RETURN NONE; };
";

/// The variables of [`APPLY`] for `s`, merged into `vars` (a JSON object).
pub fn stats_vars(s: &Stats, vars: &mut Value) {
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

/// The ids on a client's card: open orders, and the newest closed ones (newest first).
pub type CardIds = (Vec<String>, Vec<String>);

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
        let int = |v: &Value| v.as_i64().unwrap_or(0);
        let text = |v: &Value| v.as_str().map(str::to_string);
        Ok(rows
            .into_iter()
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
            .collect())
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
    /// order: (client, figures, name, kind, phones), read as plain arrays.
    pub async fn stat_lost(&self, before: &str) -> Result<Vec<LostFigures>> {
        let rows = self
            .many(
                "SELECT VALUE [record::id(id)[0], delivered, last] FROM stat_client
                   WHERE last < $before AND open = 0 AND delivered > 0",
                json!({ "before": before }),
                vec![],
            )
            .await?;
        let found: Vec<(String, i64, String)> = rows
            .into_iter()
            .filter_map(|r| {
                let Value::Array(a) = r else { return None };
                Some((
                    a.first()?.as_str()?.to_string(),
                    a.get(1)?.as_i64()?,
                    a.get(2)?.as_str()?.to_string(),
                ))
            })
            .collect();
        let mut out = Vec::with_capacity(found.len());
        for chunk in found.chunks(5_000) {
            let ids: Vec<String> = chunk.iter().map(|(id, _, _)| id.clone()).collect();
            let cards = self
                .many(
                    "SELECT VALUE [name, kind, phones] FROM $ids",
                    Value::Null,
                    vec![("ids", super::rids("clients", &ids))],
                )
                .await?;
            for ((id, delivered, last), card) in chunk.iter().zip(cards) {
                let Value::Array(a) = card else { continue };
                let (Some(name), Some(kind)) = (
                    a.first().and_then(Value::as_str),
                    a.get(1)
                        .and_then(|v| serde_json::from_value(v.clone()).ok()),
                ) else {
                    continue;
                };
                let phones = a
                    .get(2)
                    .and_then(Value::as_array)
                    .map(|p| {
                        p.iter()
                            .filter_map(|x| x.as_str().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default();
                out.push(LostFigures {
                    client_id: id.clone(),
                    delivered: *delivered,
                    last: last.clone(),
                    name: name.to_string(),
                    kind,
                    phones,
                });
            }
        }
        Ok(out)
    }

    /// The orders a client's card shows, from the client's figure row.
    pub async fn card_ids(&self, client_id: &str) -> Result<CardIds> {
        let v = self
            .one(
                "SELECT VALUE [open_ids, recent] FROM ONLY type::record('stat_client', [$c])",
                json!({ "c": client_id }),
                vec![],
            )
            .await?;
        let Some(Value::Array(a)) = v else {
            return Ok((vec![], vec![]));
        };
        let strings = |v: Option<&Value>| -> Vec<String> {
            v.and_then(Value::as_array)
                .map(|xs| xs.iter().filter_map(|x| x.as_str().map(str::to_string)).collect())
                .unwrap_or_default()
        };
        let open = strings(a.first());
        let recent = a
            .get(1)
            .and_then(Value::as_array)
            .map(|xs| {
                xs.iter()
                    .filter_map(|x| x.get(2).and_then(Value::as_str).map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        Ok((open, recent))
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
    pub async fn write_stats(&self, s: &Stats) -> Result<()> {
        self.run(
            "DELETE stat_ops; DELETE stat_sales; DELETE stat_deliv; DELETE stat_courier; DELETE stat_client;",
            Value::Null,
        )
        .await?;
        let mut vars = json!({});
        stats_vars(s, &mut vars);
        for (name, table) in [
            ("ops", "stat_ops"),
            ("sales", "stat_sales"),
            ("deliv", "stat_deliv"),
            ("couriers", "stat_courier"),
            ("cstats", "stat_client"),
        ] {
            let rows = vars[name].as_array().cloned().unwrap_or_default();
            for chunk in rows.chunks(BATCH) {
                let docs: Vec<Value> = chunk
                    .iter()
                    .map(|r| {
                        let mut d = r.clone();
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

    /// Builds every figure again from the orders (the migration for a database
    /// written before the figures existed), reading the orders in key order,
    /// a page at a time.
    pub async fn rebuild_stats(&self) -> Result<Stats> {
        let mut s = Stats::default();
        let mut after: Option<String> = None;
        const PAGE: usize = 20_000;
        loop {
            // Keys are ours (lowercase letters and digits): safe to write into the query.
            let from = match &after {
                None => "orders".to_string(),
                Some(k) if k.chars().all(|c| c.is_ascii_alphanumeric()) => {
                    format!("orders:⟨{k}⟩>..")
                }
                Some(k) => {
                    return Err(crate::error::Error::Internal(format!(
                        "odd order key {k:?}"
                    )))
                }
            };
            let rows = self
                .many(
                    &format!("SELECT * OMIT delivered_by FROM {from} LIMIT $n"),
                    json!({ "n": PAGE }),
                    vec![],
                )
                .await?;
            let orders: Vec<rodnik_shared::api::Order> = decode_all(rows)?;
            for o in &orders {
                s.add_order(o);
            }
            match orders.last() {
                Some(o) if orders.len() == PAGE => after = Some(o.id.clone()),
                _ => break,
            }
        }
        self.write_stats(&s).await?;
        Ok(s)
    }
}
