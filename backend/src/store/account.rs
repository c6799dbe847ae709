//! The client account's store side (issue 20): the rows an order change
//! writes in its transaction, a payment or correction with the balance in
//! one transaction, the account's page of moves and where it stands.
//!
//! The client row keeps running sums: `balance` (charges - payments),
//! `debited` (charges) and `credited` (payments and refunds). Each charge
//! row keeps `cum`, the client's `debited` up to and including it, so the
//! charges still unpaid (payments settle the oldest first) are those with
//! `cum > credited`: an index read of the newest few.

use chrono::NaiveDate;
use rodnik_shared::account::{self, Unpaid};
use rodnik_shared::api::{AccountMove, AccountSummary, ClientAccount, Contract, Order};
use rodnik_shared::{ClientKind, Money};
use serde_json::{json, Value};

use super::idem::IdemAnswer;
use super::{decode_all, new_key, rid, strip_nulls, Store};
use crate::error::Result;
use crate::figures::account::AccountRow;

/// The statements that write `rows` under their keys and move the
/// client's sums (`$cid` must be bound), bound as `$acc<i>`, `$acd<i>` and
/// `$ack<i>`.
pub(super) fn account_moves(rows: &[(String, AccountRow)], vars: &mut Value) -> String {
    let mut sql = String::new();
    for (i, (key, r)) in rows.iter().enumerate() {
        let (debit, credit) = r.debit_credit();
        vars[format!("acc{i}")] = strip_nulls(serde_json::to_value(r).unwrap_or(Value::Null));
        vars[format!("acd{i}")] = json!([debit, credit]);
        vars[format!("ack{i}")] = json!(key);
        sql.push_str(&format!(
            "LET $acum{i} = (UPDATE $cid SET balance = (balance ?? 0) + $acd{i}[0] - $acd{i}[1],
                 debited = (debited ?? 0) + $acd{i}[0], credited = (credited ?? 0) + $acd{i}[1]
               RETURN VALUE debited)[0];
             IF $acum{i} = NONE {{ THROW 'no_client' }};
             CREATE type::record('account_moves', $ack{i})
               CONTENT object::extend($acc{i}, {{ cum: $acum{i} }}) RETURN NONE;"
        ));
    }
    sql
}

/// Each row with a fresh key.
pub(super) fn keyed(rows: Vec<AccountRow>) -> Vec<(String, AccountRow)> {
    rows.into_iter().map(|r| (new_key(), r)).collect()
}

/// What an open order will add to the account on delivery.
pub fn open_amount(o: &Order) -> Money {
    o.total + o.deposit_amount() + o.equipment_deposit()
}

/// The unpaid charges of a client row read with `UNPAID_FIELD`.
pub(super) fn unpaid_of(row: &Value) -> Vec<Unpaid> {
    row.get("unpaid")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|u| {
                    Some(Unpaid {
                        day: u.get("day")?.as_str()?.to_string(),
                        amount: Money(u.get("amount")?.as_i64()?),
                        cum: Money(u.get("cum")?.as_i64()?),
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

/// A field of a `SELECT ... FROM clients`: the client's unpaid charges,
/// oldest first, read only when the client owes.
pub(super) const UNPAID_FIELD: &str = "(IF (balance ?? 0) > 0 {
       (SELECT day, amount, cum FROM account_moves
        WHERE client_id = record::id($parent.id) AND amount > 0 AND cum > ($parent.credited ?? 0)
        ORDER BY cum)
     } ELSE { [] }) AS unpaid, credited";

/// Where the account of a client row (read with `UNPAID_FIELD`) stands.
pub(super) fn summary_of(
    row: &Value,
    kind: ClientKind,
    contract: Option<Contract>,
    balance: Money,
    open_orders: Money,
    today: NaiveDate,
) -> AccountSummary {
    let credited = Money(row.get("credited").and_then(Value::as_i64).unwrap_or(0));
    account::summarize(
        kind,
        contract,
        balance,
        credited,
        &unpaid_of(row),
        open_orders,
        today,
    )
}

impl Store {
    /// Where a client's account stands (`None`: no such client).
    pub async fn account_summary(&self, client_id: &str) -> Result<Option<AccountSummary>> {
        Ok(self
            .cards_by_id(&[client_id.to_string()])
            .await?
            .pop()
            .map(|c| c.account))
    }

    /// The client's summary and a page of moves, newest first. `before` is
    /// the previous page's `next_before`: the last move's `at|id`.
    pub async fn client_account(
        &self,
        client_id: &str,
        before: Option<(&str, &str)>,
        limit: usize,
    ) -> Result<Option<ClientAccount>> {
        let Some(summary) = self.account_summary(client_id).await? else {
            return Ok(None);
        };
        let filter = if before.is_some() {
            "client_id = $c AND (at < $at OR (at = $at AND id < $after))"
        } else {
            "client_id = $c"
        };
        let mut ids = vec![];
        if let Some((_, id)) = before {
            ids.push(("after", rid("account_moves", id)));
        }
        let rows = self
            .many(
                &format!(
                    "SELECT * OMIT cum FROM account_moves WHERE {filter}
                     ORDER BY at DESC, id DESC LIMIT $limit"
                ),
                strip_nulls(
                    json!({ "c": client_id, "at": before.map(|b| b.0), "limit": limit + 1 }),
                ),
                ids,
            )
            .await?;
        let mut moves: Vec<AccountMove> = decode_all(rows)?;
        let next_before = (moves.len() > limit).then(|| {
            moves.truncate(limit);
            moves
                .last()
                .map(|m| format!("{}|{}", m.at, m.id))
                .unwrap_or_default()
        });
        Ok(Some(ClientAccount {
            client_id: client_id.to_string(),
            summary,
            moves,
            next_before,
        }))
    }

    /// Rows of a client known to exist, under their keys: the rows and
    /// the client's sums in one transaction, with the idempotency answer.
    /// `invoices` (invoice id, part) are what a payment among them pays.
    pub async fn add_account_moves_answered(
        &self,
        client_id: &str,
        rows: &[(String, AccountRow)],
        invoices: &[(String, Money)],
        answer: Option<&IdemAnswer<'_>>,
    ) -> Result<()> {
        let mut vars = json!({});
        let mut ids = vec![("cid", rid("clients", client_id))];
        let mut moves = account_moves(rows, &mut vars);
        let at = rows.first().map(|r| r.1.at.clone()).unwrap_or_default();
        moves.push_str(&super::bank::invoice_payments(invoices, &at, &mut vars));
        let answered = answer
            .map(|a| a.statement(&mut vars, &mut ids))
            .unwrap_or_default();
        let sql = format!("BEGIN TRANSACTION; {moves} {answered} COMMIT TRANSACTION;");
        self.retrying(|| self.run_with(&sql, vars.clone(), ids.clone()))
            .await?;
        Ok(())
    }

    pub async fn add_account_moves(
        &self,
        client_id: &str,
        rows: &[(String, AccountRow)],
    ) -> Result<()> {
        self.add_account_moves_answered(client_id, rows, &[], None)
            .await
    }

    /// Writes a client's whole account at once, in order (the demo and bulk
    /// loads): the rows with their running `cum`, and the client's sums.
    pub async fn load_account(&self, client_id: &str, rows: &[AccountRow]) -> Result<()> {
        let (mut debited, mut credited) = (0i64, 0i64);
        let mut docs = Vec::with_capacity(rows.len());
        for r in rows {
            let (d, c) = r.debit_credit();
            debited += d;
            credited += c;
            let mut doc = strip_nulls(serde_json::to_value(r).unwrap_or(Value::Null));
            doc["cum"] = json!(debited);
            doc["id"] = json!(new_key());
            docs.push(doc);
        }
        for chunk in docs.chunks(1000) {
            self.run(
                "INSERT INTO account_moves $rows RETURN NONE",
                json!({ "rows": chunk }),
            )
            .await?;
        }
        self.run_with(
            "UPDATE $cid SET balance = $d - $c, debited = $d, credited = $c RETURN NONE",
            json!({ "d": debited, "c": credited }),
            vec![("cid", rid("clients", client_id))],
        )
        .await?;
        Ok(())
    }
}

/// A client who owes, as the receivables report reads them.
pub struct Owing {
    pub id: String,
    pub name: String,
    pub kind: ClientKind,
    pub balance: Money,
    pub contract: Option<Contract>,
    pub credited: Money,
    pub unpaid: Vec<Unpaid>,
}

impl Store {
    /// Clients who owe (balance above zero) with their unpaid charges, and
    /// what clients paid ahead in all: one read.
    pub async fn owing_clients(&self) -> Result<(Vec<Owing>, Money)> {
        let mut r = self
            .run(
                &format!(
                    "SELECT record::id(id) AS id, name, kind, balance, contract, {UNPAID_FIELD}
                     FROM clients WHERE balance > 0;
                     RETURN math::sum((SELECT VALUE balance FROM clients WHERE balance < 0));"
                ),
                Value::Null,
            )
            .await?;
        let rows: Vec<Value> = r.take(0)?;
        let advances: Option<Value> = r.take(1)?;
        let owing = rows
            .iter()
            .filter_map(|row| {
                Some(Owing {
                    id: row.get("id")?.as_str()?.to_string(),
                    name: row.get("name")?.as_str()?.to_string(),
                    kind: row.get("kind")?.as_str()?.parse().ok()?,
                    balance: Money(row.get("balance")?.as_i64()?),
                    contract: row
                        .get("contract")
                        .and_then(|c| serde_json::from_value(c.clone()).ok()),
                    credited: Money(row.get("credited").and_then(Value::as_i64).unwrap_or(0)),
                    unpaid: unpaid_of(row),
                })
            })
            .collect();
        let advances = advances.and_then(|v| v.as_i64()).unwrap_or(0);
        Ok((owing, Money(-advances)))
    }

    /// Payments of a period (days inclusive) by day and method:
    /// (day, method, count, sum of amounts as stored, i.e. below zero).
    pub async fn payments_by_day(&self, from: &str, to: &str) -> Result<Vec<Value>> {
        self.many(
            "SELECT day, method, count() AS n, math::sum(amount) AS amount FROM account_moves
             WHERE day >= $f AND day <= $t AND kind = 'payment' GROUP BY day, method",
            json!({ "f": from, "t": to }),
            vec![],
        )
        .await
    }

    /// Documents issued for months `from`..=`to` (YYYY-MM) by month and kind.
    pub async fn documents_by_month(&self, from: &str, to: &str) -> Result<Vec<Value>> {
        self.many(
            "SELECT month, kind, count() AS n, math::sum(total) AS total FROM documents
             WHERE month >= $f AND month <= $t GROUP BY month, kind",
            json!({ "f": from, "t": to }),
            vec![],
        )
        .await
    }

    /// Names and contracts of these clients.
    pub async fn client_terms(
        &self,
        ids: &[String],
    ) -> Result<std::collections::HashMap<String, (String, Option<Contract>)>> {
        if ids.is_empty() {
            return Ok(Default::default());
        }
        let rows = self
            .many(
                "SELECT record::id(id) AS id, name, contract FROM $cids",
                Value::Null,
                vec![("cids", super::rids("clients", ids))],
            )
            .await?;
        Ok(rows
            .iter()
            .filter_map(|r| {
                Some((
                    r.get("id")?.as_str()?.to_string(),
                    (
                        r.get("name")?.as_str()?.to_string(),
                        r.get("contract")
                            .and_then(|c| serde_json::from_value(c.clone()).ok()),
                    ),
                ))
            })
            .collect())
    }
}
