//! Incoming bank payments (issue 20, item 4): one row per payment document
//! of an imported statement, keyed by the document itself so that a
//! statement imported twice adds nothing; a matched payment's account row
//! and the invoices it pays are written in the same transaction.

use rodnik_shared::api::{BankPayment, BankPaymentState};
use rodnik_shared::Money;
use serde_json::{json, Value};

use super::account::account_moves;
use super::{decode, decode_all, rid, strip_nulls, Store};
use crate::error::{Error, Result};
use crate::figures::account::AccountRow;

/// A matched payment's effects: its account row (under `key`) and what it
/// pays of which invoices.
pub struct Settles {
    pub key: String,
    pub row: AccountRow,
    pub invoices: Vec<(String, Money)>,
}

/// The statements that add `pays` (invoice id, part) to the invoices'
/// `paid_amount`, setting `paid_at` (`at`) on those now paid in full.
pub(super) fn invoice_payments(pays: &[(String, Money)], at: &str, vars: &mut Value) -> String {
    let mut sql = String::new();
    vars["paid_at"] = json!(at);
    for (i, (invoice, amount)) in pays.iter().enumerate() {
        vars[format!("inv{i}")] = json!(invoice);
        vars[format!("pay{i}")] = json!(amount.0);
        sql.push_str(&format!(
            "UPDATE type::record('documents', $inv{i})
               SET paid_at = IF (paid_amount ?? 0) + $pay{i} >= total {{ $paid_at }} ELSE {{ paid_at }},
                   paid_amount = (paid_amount ?? 0) + $pay{i}
               RETURN NONE;"
        ));
    }
    sql
}

impl Store {
    /// Whether a payment of this key was imported before.
    pub async fn bank_payment(&self, id: &str) -> Result<Option<BankPayment>> {
        let row = self
            .one(
                "SELECT * FROM ONLY $rid",
                Value::Null,
                vec![("rid", rid("bank_payments", id))],
            )
            .await?;
        row.map(decode).transpose()
    }

    /// Stores a payment (new, or `replace`d when a manager assigns or ignores
    /// it: only from `unmatched`), with what a match settles, in one
    /// transaction. A payment imported meanwhile by another import is 409
    /// `already_imported`; one assigned meanwhile, 409 `payment_changed`.
    pub async fn save_bank_payment(
        &self,
        p: &BankPayment,
        replace: bool,
        settles: Option<&Settles>,
    ) -> Result<()> {
        let mut doc = strip_nulls(serde_json::to_value(p).unwrap_or(Value::Null));
        if let Value::Object(m) = &mut doc {
            m.remove("id");
        }
        let mut vars = json!({ "doc": doc });
        let mut ids = vec![("rid", rid("bank_payments", &p.id))];
        let write = if replace {
            "LET $changed = (UPDATE $rid CONTENT $doc WHERE state = 'unmatched' RETURN id);
             IF array::len($changed) = 0 { THROW 'payment_changed' };"
        } else {
            "IF (SELECT VALUE id FROM ONLY $rid) != NONE { THROW 'already_imported' };
             CREATE $rid CONTENT $doc RETURN NONE;"
        };
        let mut effects = String::new();
        if let Some(s) = settles {
            ids.push(("cid", rid("clients", &s.row.client_id)));
            effects.push_str(&account_moves(&[(s.key.clone(), s.row.clone())], &mut vars));
            effects.push_str(&invoice_payments(&s.invoices, &p.imported_at, &mut vars));
        }
        let sql = format!("BEGIN TRANSACTION; {write} {effects} COMMIT TRANSACTION;");
        self.retrying(|| self.run_with(&sql, vars.clone(), ids.clone()))
            .await
            .map_err(|e| match e {
                Error::Db(m) if m.contains("already_imported") => {
                    Error::conflict("already_imported", "this payment was imported meanwhile")
                }
                Error::Db(m) if m.contains("payment_changed") => Error::conflict(
                    "payment_changed",
                    "the payment was assigned or ignored meanwhile: reload",
                ),
                other => other,
            })?;
        Ok(())
    }

    /// Payments, newest first, optionally of one state.
    pub async fn bank_payments(
        &self,
        state: Option<BankPaymentState>,
        limit: usize,
    ) -> Result<Vec<BankPayment>> {
        let filter = if state.is_some() {
            "WHERE state = $s"
        } else {
            ""
        };
        let rows = self
            .many(
                &format!(
                    "SELECT * FROM bank_payments {filter} ORDER BY received_on DESC, imported_at DESC LIMIT $limit"
                ),
                strip_nulls(json!({ "s": state.map(|s| s.as_str()), "limit": limit })),
                vec![],
            )
            .await?;
        decode_all(rows)
    }

    /// Legal clients with this INN: (id, name, КПП from their requisites).
    pub async fn clients_by_inn(&self, inn: &str) -> Result<Vec<(String, String, String)>> {
        let rows = self
            .many(
                "SELECT record::id(id) AS id, name, requisites.kpp AS kpp FROM clients
                 WHERE inn = $inn AND kind = 'legal'",
                json!({ "inn": inn }),
                vec![],
            )
            .await?;
        Ok(rows
            .iter()
            .filter_map(|r| {
                Some((
                    r.get("id")?.as_str()?.to_string(),
                    r.get("name")?.as_str()?.to_string(),
                    r.get("kpp")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_string(),
                ))
            })
            .collect())
    }

    /// Invoices not wholly paid: (id, client, number, total, paid, date),
    /// by date; of one client, or all (to find one by its number).
    #[allow(clippy::type_complexity)]
    pub async fn unpaid_invoices(
        &self,
        client_id: Option<&str>,
    ) -> Result<Vec<(String, String, String, Money, Money, String)>> {
        let filter = if client_id.is_some() {
            "AND client_id = $c"
        } else {
            ""
        };
        let rows = self
            .many(
                &format!(
                    "SELECT record::id(id) AS id, client_id, number, total, paid_amount ?? 0 AS paid, date
                     FROM documents WHERE kind = 'invoice' {filter} AND (paid_amount ?? 0) < total
                     ORDER BY date, number"
                ),
                strip_nulls(json!({ "c": client_id })),
                vec![],
            )
            .await?;
        Ok(rows
            .iter()
            .filter_map(|r| {
                Some((
                    r.get("id")?.as_str()?.to_string(),
                    r.get("client_id")?.as_str()?.to_string(),
                    r.get("number")?.as_str()?.to_string(),
                    Money(r.get("total")?.as_i64()?),
                    Money(r.get("paid").and_then(Value::as_i64).unwrap_or(0)),
                    r.get("date")?.as_str()?.to_string(),
                ))
            })
            .collect())
    }
}
