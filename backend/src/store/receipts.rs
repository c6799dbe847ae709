//! Fiscal receipts (issue 20, item 5): the durable queue of the cloud cash
//! register. A row is written in the delivery's own transaction (only while
//! the company's fiscal settings are on: `settings:company.fiscal_on`), so a
//! delivery and its receipt exist together or not at all. The worker
//! (`fiscal::worker`) takes the rows that are due (`status` pending or wait,
//! `next_at` passed) one at a time with a compare-and-set on `rev` that also
//! moves `next_at` ahead (a lease: a process that dies holding it only
//! delays the row), and writes each answer with a compare-and-set on the
//! `rev` it took.

use rodnik_shared::api::{Receipt, ReceiptError, ReceiptStatus};
use serde_json::{json, Value};

use super::{decode, decode_all, rid, Store};
use crate::error::{Error, Result};
use crate::figures::receipts::Plan;

/// UTC times with a fixed format, so that comparing them as strings orders them.
pub fn stamp(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// The row's key of an order's receipt of a kind.
pub fn key(order_id: &str, kind: rodnik_shared::api::ReceiptKind) -> String {
    format!("{order_id}_{}", kind.as_str())
}

/// `external_id` of a receipt's `gen`th request (a new one after the service
/// gave up on the last: it was never registered).
pub fn external_id(key: &str, gen: i64) -> String {
    format!("rodnik-{key}-{gen}")
}

/// Record-id parameter names of the receipts of one order change.
const NAMES: [&str; 2] = ["rc0", "rc1"];

/// A row as the worker reads it: the API's receipt and what it sends.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct QueuedReceipt {
    #[serde(flatten)]
    pub receipt: Receipt,
    pub items: Vec<crate::figures::receipts::Item>,
    pub gen: i64,
    pub rev: i64,
    #[serde(default)]
    pub delivered_at: Option<String>,
}

impl QueuedReceipt {
    pub fn key(&self) -> &str {
        &self.receipt.id
    }
}

/// What the worker writes after a request.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    pub status: Option<ReceiptStatus>,
    pub uuid: Option<String>,
    /// Start a new request with a new `external_id`.
    pub new_gen: bool,
    pub next_at: Option<String>,
    /// `Some(None)`: clear the error.
    pub error: Option<Option<ReceiptError>>,
    pub fiscal: Option<rodnik_shared::api::FiscalData>,
    pub attempted: bool,
}

/// The statements that create `plans`' rows for `order` in its delivery's
/// transaction, only when the company's receipts are on.
pub(super) fn receipt_creates(
    plans: &[Plan],
    order: &rodnik_shared::api::Order,
    now: &str,
    vars: &mut Value,
    ids: &mut Vec<(&'static str, surrealdb::types::Value)>,
) -> String {
    if plans.is_empty() {
        return String::new();
    }
    let mut creates = String::new();
    for (i, p) in plans.iter().take(NAMES.len()).enumerate() {
        let k = key(&order.id, p.kind);
        let name = NAMES[i];
        vars[format!("{name}d")] = super::strip_nulls(json!({
            "order_id": order.id,
            "order_number": order.number,
            "client_id": order.client_id,
            "client_name": order.client_name,
            "kind": p.kind,
            "status": "pending",
            "day": order.delivery_date,
            "total": p.total,
            "cash": p.cash,
            "electronic": p.electronic,
            "credit": p.credit,
            "items": p.items,
            "external_id": external_id(&k, 1),
            "gen": 1,
            "attempts": 0,
            "next_at": now,
            "rev": 0,
            "delivered_at": order.delivered_at,
            "created_at": now,
            "updated_at": now,
        }));
        // `$rcN` is the record id, `$rcNd` its content.
        ids.push((name, rid("receipts", &k)));
        creates.push_str(&format!("CREATE ${name} CONTENT ${name}d RETURN NONE;"));
    }
    format!("IF settings:company.fiscal_on = true {{ {creates} }};")
}

impl Store {
    /// Records whether receipts are made (read inside delivery transactions).
    pub async fn set_fiscal_on(&self, on: bool) -> Result<()> {
        self.run(
            "UPDATE settings:company SET fiscal_on = $on RETURN NONE",
            json!({ "on": on }),
        )
        .await?;
        Ok(())
    }

    /// The receipts due now, the longest waiting first.
    pub async fn due_receipts(&self, now: &str, limit: usize) -> Result<Vec<QueuedReceipt>> {
        let rows = self
            .many(
                "SELECT * FROM receipts WHERE status IN ['pending', 'wait'] AND next_at <= $now
                 ORDER BY next_at LIMIT $limit",
                json!({ "now": now, "limit": limit }),
                vec![],
            )
            .await?;
        decode_all(rows)
    }

    /// Takes a due receipt for `lease_until`: `None` when another worker
    /// took it or it changed meanwhile.
    pub async fn claim_receipt(
        &self,
        r: &QueuedReceipt,
        now: &str,
        lease_until: &str,
    ) -> Result<Option<QueuedReceipt>> {
        let rows = self
            .many(
                "UPDATE $rid SET rev = rev + 1, next_at = $lease
                 WHERE rev = $rev AND next_at <= $now AND status IN ['pending', 'wait'] RETURN AFTER",
                json!({ "rev": r.rev, "now": now, "lease": lease_until }),
                vec![("rid", rid("receipts", r.key()))],
            )
            .await?;
        rows.into_iter().next().map(decode).transpose()
    }

    /// Writes what a request did to a receipt the worker holds (`rev` as
    /// claimed). `false`: the row changed meanwhile (a manager's retry).
    pub async fn save_receipt_outcome(
        &self,
        r: &QueuedReceipt,
        o: &Outcome,
        now: &str,
    ) -> Result<bool> {
        let mut sets = vec!["rev = rev + 1", "updated_at = $now"];
        let mut vars = json!({ "rev": r.rev, "now": now });
        if let Some(s) = o.status {
            sets.push("status = $status");
            vars["status"] = json!(s);
        }
        if let Some(u) = &o.uuid {
            sets.push("uuid = $uuid");
            vars["uuid"] = json!(u);
        }
        if o.new_gen {
            let gen = r.gen + 1;
            sets.push("gen = $gen, external_id = $ext, uuid = NONE");
            vars["gen"] = json!(gen);
            vars["ext"] = json!(external_id(r.key(), gen));
        }
        match &o.next_at {
            Some(t) => {
                sets.push("next_at = $next");
                vars["next"] = json!(t);
            }
            None => sets.push("next_at = NONE"),
        }
        match &o.error {
            Some(Some(e)) => {
                sets.push("error = $error");
                vars["error"] = json!(e);
            }
            Some(None) => sets.push("error = NONE"),
            None => {}
        }
        if let Some(f) = &o.fiscal {
            sets.push("fiscal = $fiscal");
            vars["fiscal"] = json!(f);
        }
        if o.attempted {
            sets.push("attempts = attempts + 1");
        }
        let sql = format!(
            "UPDATE $rid SET {} WHERE rev = $rev RETURN VALUE id",
            sets.join(", ")
        );
        let rows = self
            .many(&sql, vars, vec![("rid", rid("receipts", r.key()))])
            .await?;
        Ok(!rows.is_empty())
    }

    pub async fn receipt(&self, id: &str) -> Result<Option<Receipt>> {
        let row = self
            .one(
                "SELECT * OMIT items, gen, rev, delivered_at FROM ONLY $rid",
                Value::Null,
                vec![("rid", rid("receipts", id))],
            )
            .await?;
        row.map(decode).transpose()
    }

    pub async fn order_receipts(&self, order_id: &str) -> Result<Vec<Receipt>> {
        let rows = self
            .many(
                "SELECT * OMIT items, gen, rev, delivered_at FROM receipts
                 WHERE order_id = $order ORDER BY kind",
                json!({ "order": order_id }),
                vec![],
            )
            .await?;
        decode_all(rows)
    }

    /// Receipts of deliveries in `[from, to]` in `statuses`, oldest first.
    pub async fn list_receipts(
        &self,
        statuses: &[ReceiptStatus],
        from: &str,
        to: &str,
        limit: usize,
    ) -> Result<Vec<Receipt>> {
        let rows = self
            .many(
                "SELECT * OMIT items, gen, rev, delivered_at FROM receipts
                 WHERE status IN $statuses AND day >= $from AND day <= $to
                 ORDER BY day, order_number, kind LIMIT $limit",
                json!({ "statuses": statuses, "from": from, "to": to, "limit": limit }),
                vec![],
            )
            .await?;
        decode_all(rows)
    }

    /// A manager's retry: a failed receipt becomes a new request (a new
    /// `external_id`: the service never registered the old one); a pending
    /// one is sent now. Done receipts and those the register is processing
    /// are refused (409 `receipt_not_retryable`).
    pub async fn retry_receipt(&self, id: &str, now: &str) -> Result<Receipt> {
        self.retrying(|| async {
            let row = self
                .one(
                    "SELECT * FROM ONLY $rid",
                    Value::Null,
                    vec![("rid", rid("receipts", id))],
                )
                .await?
                .ok_or_else(|| Error::not_found("receipt"))?;
            let r: QueuedReceipt = decode(row)?;
            let mut vars = json!({ "rev": r.rev, "now": now });
            let sql = match r.receipt.status {
                ReceiptStatus::Failed => {
                    vars["gen"] = json!(r.gen + 1);
                    vars["ext"] = json!(external_id(id, r.gen + 1));
                    "UPDATE $rid SET status = 'pending', gen = $gen, external_id = $ext,
                        uuid = NONE, next_at = $now, updated_at = $now, rev = rev + 1
                     WHERE rev = $rev RETURN VALUE id"
                }
                ReceiptStatus::Pending => {
                    "UPDATE $rid SET next_at = $now, updated_at = $now, rev = rev + 1
                     WHERE rev = $rev RETURN VALUE id"
                }
                ReceiptStatus::Wait | ReceiptStatus::Done => {
                    return Err(Error::conflict(
                        "receipt_not_retryable",
                        "only a failed or pending receipt can be sent again",
                    ))
                }
            };
            let changed = self
                .many(sql, vars, vec![("rid", rid("receipts", id))])
                .await?;
            if changed.is_empty() {
                return Err(Error::conflict("retry", "the receipt changed meanwhile"));
            }
            self.receipt(id)
                .await?
                .ok_or_else(|| Error::not_found("receipt"))
        })
        .await
    }

    /// Where a client's receipts go: their first phone, and the e-mail of
    /// their requisites if any.
    pub async fn client_contact(
        &self,
        client_id: &str,
    ) -> Result<(Option<String>, Option<String>)> {
        let row = self
            .one(
                "SELECT phones[0] AS phone, requisites.email AS email FROM ONLY $rid",
                Value::Null,
                vec![("rid", rid("clients", client_id))],
            )
            .await?
            .ok_or_else(|| Error::not_found("client"))?;
        let text = |k: &str| {
            row.get(k)
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        Ok((text("phone"), text("email")))
    }

    /// After the settings changed: every pending receipt is tried now.
    pub async fn wake_pending_receipts(&self, now: &str) -> Result<()> {
        self.run(
            "UPDATE receipts SET next_at = $now
             WHERE status = 'pending' AND next_at > $now RETURN NONE",
            json!({ "now": now }),
        )
        .await?;
        Ok(())
    }
}
