//! The bottle ledger's store side: a client's balance and moves, a
//! manager's correction (the move and the balance in one transaction), and
//! the opening balances of clients filled in bulk or stored before the
//! ledger began (schema 8).

use rodnik_shared::api::{BottleMove, BottleMoveKind, ClientBottles};
use serde_json::{json, Value};

use super::{decode_all, new_key, rid, strip_nulls, Store};
use crate::error::{Error, Result};
use crate::figures::bottles::MoveRow;

/// A client's bottle figures now (the bottle reports).
#[derive(Debug, Clone)]
pub struct Holder {
    pub id: String,
    pub name: String,
    pub kind: rodnik_shared::ClientKind,
    pub held: i64,
    pub deposit_bottles: i64,
    pub deposit_held: i64,
}

impl Store {
    /// Clients holding bottles or deposits.
    pub async fn bottle_holders(&self) -> Result<Vec<Holder>> {
        let rows = self
            .many(
                "SELECT record::id(id) AS id, name, kind, bottles_held,
                        deposit_bottles ?? 0 AS deposit_bottles, deposit_held ?? 0 AS deposit_held
                 FROM clients WHERE bottles_held != 0 OR deposit_bottles > 0",
                Value::Null,
                vec![],
            )
            .await?;
        Ok(rows
            .iter()
            .filter_map(|r| {
                Some(Holder {
                    id: r.get("id")?.as_str()?.to_string(),
                    name: r.get("name")?.as_str()?.to_string(),
                    kind: r.get("kind")?.as_str()?.parse().ok()?,
                    held: r.get("bottles_held").and_then(Value::as_i64).unwrap_or(0),
                    deposit_bottles: r
                        .get("deposit_bottles")
                        .and_then(Value::as_i64)
                        .unwrap_or(0),
                    deposit_held: r.get("deposit_held").and_then(Value::as_i64).unwrap_or(0),
                })
            })
            .collect())
    }

    /// The moves from `from` (inclusive) to `to` (exclusive), RFC 3339
    /// instants, summed by kind.
    pub async fn bottle_kind_totals(
        &self,
        from: &str,
        to: &str,
    ) -> Result<Vec<rodnik_shared::api::BottleKindTotal>> {
        let rows = self
            .many(
                "SELECT kind, count() AS moves, math::sum(qty) AS qty,
                        math::sum(deposit_bottles ?? 0) AS deposit_bottles,
                        math::sum(amount ?? 0) AS amount
                 FROM bottle_moves WHERE at >= $from AND at < $to GROUP BY kind",
                json!({ "from": from, "to": to }),
                vec![],
            )
            .await?;
        decode_all(rows)
    }

    /// The latest delivery of each of these clients, from the ledger.
    pub async fn last_deliveries(
        &self,
        client_ids: &[String],
    ) -> Result<std::collections::HashMap<String, String>> {
        if client_ids.is_empty() {
            return Ok(Default::default());
        }
        let rows = self
            .many(
                // `at` is RFC 3339 text: the latest is the greatest string.
                "SELECT client_id, at FROM bottle_moves
                 WHERE kind = 'delivered' AND client_id IN $ids",
                json!({ "ids": client_ids }),
                vec![],
            )
            .await?;
        let mut last: std::collections::HashMap<String, String> = Default::default();
        for r in &rows {
            if let (Some(c), Some(at)) = (
                r.get("client_id").and_then(Value::as_str),
                r.get("at").and_then(Value::as_str),
            ) {
                let e = last.entry(c.to_string()).or_default();
                if at > e.as_str() {
                    *e = at.to_string();
                }
            }
        }
        Ok(last)
    }

    /// The bottles a client holds now (`None`: no such client).
    pub async fn bottles_held(&self, client_id: &str) -> Result<Option<i64>> {
        let v = self
            .one(
                "SELECT VALUE bottles_held FROM ONLY $rid",
                Value::Null,
                vec![("rid", rid("clients", client_id))],
            )
            .await?;
        Ok(v.as_ref().and_then(Value::as_i64))
    }

    /// The bottles each of these clients holds now, by client id.
    pub async fn bottles_held_of(
        &self,
        client_ids: &[String],
    ) -> Result<std::collections::BTreeMap<String, i64>> {
        if client_ids.is_empty() {
            return Ok(Default::default());
        }
        let rows = self
            .many(
                "SELECT record::id(id) AS id, bottles_held FROM $cids",
                Value::Null,
                vec![("cids", super::rids("clients", client_ids))],
            )
            .await?;
        Ok(rows
            .iter()
            .filter_map(|r| {
                Some((
                    r.get("id")?.as_str()?.to_string(),
                    r.get("bottles_held").and_then(Value::as_i64).unwrap_or(0),
                ))
            })
            .collect())
    }

    /// The client's balance and a page of moves, newest first. `before` is
    /// the previous page's `next_before`: the last move's `at|id`.
    pub async fn client_bottles(
        &self,
        client_id: &str,
        before: Option<(&str, &str)>,
        limit: usize,
    ) -> Result<ClientBottles> {
        let filter = if before.is_some() {
            "client_id = $c AND (at < $at OR (at = $at AND id < $after))"
        } else {
            "client_id = $c"
        };
        let mut ids = vec![];
        if let Some((_, id)) = before {
            ids.push(("after", rid("bottle_moves", id)));
        }
        let mut r = self
            .run_with(
                &format!(
                    "SELECT math::sum(q) AS q, math::sum(b) AS b, math::sum(m) AS m FROM
                       (SELECT qty AS q, deposit_bottles ?? 0 AS b, amount ?? 0 AS m
                        FROM bottle_moves WHERE client_id = $c) GROUP ALL;
                     SELECT * FROM bottle_moves WHERE {filter} ORDER BY at DESC, id DESC LIMIT $limit;"
                ),
                strip_nulls(json!({ "c": client_id, "at": before.map(|b| b.0), "limit": limit + 1 })),
                ids,
            )
            .await?;
        let sums = r.take::<Vec<Value>>(0)?;
        let sum = |k: &str| {
            sums.first()
                .and_then(|s| s.get(k))
                .and_then(Value::as_i64)
                .unwrap_or(0)
        };
        let (balance, deposit_bottles, deposit_held) = (sum("q"), sum("b"), sum("m"));
        let mut moves: Vec<BottleMove> = decode_all(r.take::<Vec<Value>>(1)?)?;
        let next_before = (moves.len() > limit).then(|| {
            moves.truncate(limit);
            moves
                .last()
                .map(|m| format!("{}|{}", m.at, m.id))
                .unwrap_or_default()
        });
        Ok(ClientBottles {
            client_id: client_id.to_string(),
            balance,
            deposit_bottles,
            deposit_held: rodnik_shared::Money(deposit_held),
            free: 0,
            moves,
            next_before,
        })
    }

    /// A correction or write-off of a client known to exist: the move and
    /// the client's balance in one transaction.
    pub async fn add_bottle_move(&self, m: &MoveRow) -> Result<BottleMove> {
        let id = new_key();
        let doc = strip_nulls(serde_json::to_value(m).unwrap_or(Value::Null));
        self.retrying(|| async {
            self.run_with(
                "BEGIN TRANSACTION;
                     UPDATE $cid SET bottles_held += $qty RETURN NONE;
                     CREATE $rid CONTENT $doc RETURN NONE;
                     COMMIT TRANSACTION;",
                json!({ "doc": doc, "qty": m.qty }),
                vec![
                    ("cid", rid("clients", &m.client_id)),
                    ("rid", rid("bottle_moves", &id)),
                ],
            )
            .await
        })
        .await?;
        Ok(m.with_id(id))
    }

    /// Opening moves for every client whose balance the ledger does not
    /// explain yet (their `bottles_held` minus their moves), dated `at`.
    /// Returns how many were written. Run after bulk loads and on upgrade.
    pub async fn open_bottle_ledger(&self, at: &str) -> Result<usize> {
        let rows = self
            .many(
                "SELECT record::id(id) AS id, bottles_held,
                        math::sum((SELECT VALUE qty FROM bottle_moves WHERE client_id = record::id($parent.id))) AS moved
                 FROM clients WHERE bottles_held != 0",
                Value::Null,
                vec![],
            )
            .await?;
        let mut n = 0;
        for chunk in rows.chunks(500) {
            let opening: Vec<Value> = chunk
                .iter()
                .filter_map(|r| {
                    let id = r.get("id")?.as_str()?;
                    let held = r.get("bottles_held")?.as_i64()?;
                    let gap = held - r.get("moved").and_then(Value::as_i64).unwrap_or(0);
                    (gap != 0).then(|| {
                        json!({ "client_id": id, "kind": BottleMoveKind::Opening.as_str(),
                                "qty": gap, "at": at })
                    })
                })
                .collect();
            if opening.is_empty() {
                continue;
            }
            n += opening.len();
            self.run(
                "FOR $m IN $rows { CREATE bottle_moves CONTENT $m RETURN NONE; }",
                json!({ "rows": opening }),
            )
            .await?;
        }
        Ok(n)
    }
}

/// A manager's move on a client's bottles, checked: an adjustment by any
/// non-zero number, a write-off of a positive number (taken off the balance).
pub fn manual_move(
    client_id: &str,
    kind: BottleMoveKind,
    qty: i64,
    reason: &str,
    by: (&str, &str),
    at: &str,
) -> Result<MoveRow> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(Error::invalid(
            "reason",
            "is required: say why the count changes",
        ));
    }
    if reason.chars().count() > 500 {
        return Err(Error::invalid("reason", "must be at most 500 characters"));
    }
    if qty == 0 || qty.unsigned_abs() > 10_000 {
        return Err(Error::invalid(
            "qty",
            "must be a non-zero number of bottles, at most 10000",
        ));
    }
    let qty = match kind {
        BottleMoveKind::Adjusted => qty,
        BottleMoveKind::WrittenOff if qty > 0 => -qty,
        BottleMoveKind::WrittenOff => {
            return Err(Error::invalid(
                "qty",
                "a write-off is a positive number of bottles",
            ))
        }
        _ => {
            return Err(Error::invalid(
                "kind",
                "must be adjusted or written_off (deliveries move bottles by themselves)",
            ))
        }
    };
    Ok(MoveRow {
        client_id: client_id.to_string(),
        kind,
        qty,
        deposit_bottles: 0,
        amount: rodnik_shared::Money::ZERO,
        order_id: None,
        order_number: None,
        reason: Some(reason.to_string()),
        by: Some(by.0.to_string()),
        by_name: Some(by.1.to_string()),
        at: at.to_string(),
    })
}
