//! Documents' store side (issue 20, item 2): the company's settings, issued
//! documents (numbered without gaps in the transaction that stores them;
//! one slot per client, month, kind and correction, so a second close can
//! never issue the same document twice), the month's orders of a client,
//! and the closing jobs.

use rodnik_shared::api::{CompanySettings, DocJob, Document, DocumentKind, Order};
use serde_json::{json, Value};

use super::{decode, decode_all, rid, strip_nulls, Store};
use crate::error::{Error, Result};

/// A document to issue: numbered from `counter` (`counters:<counter>`)
/// with `prefix`, stored under `slot` (unique).
pub struct ToIssue {
    pub doc: Document,
    pub counter: String,
    pub prefix: String,
    pub slot: String,
}

fn doc_value(d: &Document) -> Value {
    let mut v = strip_nulls(serde_json::to_value(d).unwrap_or(Value::Null));
    if let Value::Object(m) = &mut v {
        m.remove("id");
    }
    v
}

impl Store {
    pub async fn company_settings(&self) -> Result<CompanySettings> {
        Ok(self.settings_row("company").await?.0)
    }

    /// Saves the company's settings; an SMTP or cash register password left
    /// out keeps the stored one. Receipts need a password (422).
    pub async fn set_company_settings(&self, new: &CompanySettings) -> Result<CompanySettings> {
        self.update_settings_row("company", |s: &mut CompanySettings| {
            let kept = s.smtp.as_ref().and_then(|m| m.password.clone());
            let kept_fiscal = s.fiscal.as_ref().and_then(|m| m.password.clone());
            let kept_geo = s
                .geocoder
                .as_ref()
                .map(|g| (g.key.clone(), g.secret.clone()));
            *s = new.clone();
            if let Some(smtp) = s.smtp.as_mut() {
                if smtp.password.is_none() {
                    smtp.password = kept.clone();
                }
                smtp.password_set = smtp.password.is_some();
            }
            if let Some(f) = s.fiscal.as_mut() {
                if f.password.is_none() {
                    f.password = kept_fiscal.clone();
                }
                f.password_set = f.password.is_some();
                if f.enabled && f.password.is_none() {
                    return Err(Error::invalid(
                        "fiscal.password",
                        "is required for receipts",
                    ));
                }
            }
            if let Some(g) = s.geocoder.as_mut() {
                if let Some((key, secret)) = &kept_geo {
                    if g.key.is_none() {
                        g.key = key.clone();
                    }
                    if g.secret.is_none() {
                        g.secret = secret.clone();
                    }
                }
                g.key_set = g.key.is_some();
                g.secret_set = g.secret.is_some();
                if g.enabled && g.key.is_none() {
                    return Err(Error::invalid(
                        "geocoder.key",
                        "is required for the geocoder",
                    ));
                }
                if g.enabled
                    && g.provider == rodnik_shared::api::GeocoderProvider::Dadata
                    && g.secret.is_none()
                {
                    return Err(Error::invalid(
                        "geocoder.secret",
                        "DaData needs its secret key",
                    ));
                }
            }
            Ok(())
        })
        .await
    }

    /// Issues `docs` in one transaction: each numbered from its counter and
    /// stored under its slot. Returns them as stored (with their numbers).
    /// A slot taken meanwhile refuses the whole (409 `already_issued`).
    pub async fn issue_documents(&self, docs: &[ToIssue]) -> Result<Vec<Document>> {
        let mut sql = String::from("BEGIN TRANSACTION;");
        let mut vars = json!({});
        let mut ids = vec![];
        const NAMES: [(&str, &str, &str); 4] = [
            ("d0", "c0", "n0"),
            ("d1", "c1", "n1"),
            ("d2", "c2", "n2"),
            ("d3", "c3", "n3"),
        ];
        if docs.len() > NAMES.len() {
            return Err(Error::Internal("too many documents in one issue".into()));
        }
        for (i, t) in docs.iter().enumerate() {
            let (d, c, n) = NAMES[i];
            vars[d] = doc_value(&t.doc);
            vars[format!("p{i}")] = json!(t.prefix);
            vars[format!("s{i}")] = json!(t.slot);
            vars[format!("k{i}")] = json!(t.doc.id);
            ids.push((c, rid("counters", &t.counter)));
            sql.push_str(&format!(
                "LET ${n} = (UPSERT ONLY ${c} SET n = (n ?? 0) + 1 RETURN VALUE n);
                 IF (SELECT VALUE id FROM documents WHERE slot = $s{i} LIMIT 1)[0] != NONE {{ THROW 'already_issued' }};
                 CREATE type::record('documents', $k{i}) CONTENT object::extend(${d},
                     {{ number: string::concat($p{i}, <string>${n}), slot: $s{i} }}) RETURN NONE;"
            ));
        }
        sql.push_str("COMMIT TRANSACTION;");
        self.retrying(|| self.run_with(&sql, vars.clone(), ids.clone()))
            .await?;
        let mut out = vec![];
        for t in docs {
            out.push(
                self.get_document(&t.doc.id)
                    .await?
                    .ok_or_else(|| Error::Internal("an issued document is missing".into()))?,
            );
        }
        Ok(out)
    }

    pub async fn get_document(&self, id: &str) -> Result<Option<Document>> {
        let row = self
            .one(
                "SELECT * OMIT slot FROM ONLY $rid",
                Value::Null,
                vec![("rid", rid("documents", id))],
            )
            .await?;
        row.map(decode).transpose()
    }

    /// Issued documents, newest first, by any of client, month and kind.
    pub async fn list_documents(
        &self,
        client_id: Option<&str>,
        month: Option<&str>,
        kind: Option<DocumentKind>,
        limit: usize,
    ) -> Result<Vec<Document>> {
        let filter = super::where_clause(&[
            ("client_id = $c", client_id.is_some()),
            ("month = $m", month.is_some()),
            ("kind = $k", kind.is_some()),
        ]);
        let rows = self
            .many(
                &format!(
                    "SELECT * OMIT slot FROM documents {filter}
                     ORDER BY created_at DESC, number DESC LIMIT $limit"
                ),
                strip_nulls(
                    json!({ "c": client_id, "m": month, "k": kind.map(|k| k.as_str()),
                                    "limit": limit }),
                ),
                vec![],
            )
            .await?;
        decode_all(rows)
    }

    /// Records an e-mail sent (or why it failed) on a document.
    pub async fn mark_sent(&self, id: &str, to: &str, at: &str, error: Option<&str>) -> Result<()> {
        let sql = match error {
            None => "UPDATE $rid SET sent_at = $at, sent_to = $to, send_error = NONE RETURN NONE",
            Some(_) => "UPDATE $rid SET send_error = $err RETURN NONE",
        };
        self.run_with(
            sql,
            strip_nulls(json!({ "at": at, "to": to, "err": error })),
            vec![("rid", rid("documents", id))],
        )
        .await?;
        Ok(())
    }

    /// A client's delivered orders of a period (days inclusive), oldest first.
    pub async fn delivered_orders_of(
        &self,
        client_id: &str,
        first: &str,
        last: &str,
    ) -> Result<Vec<Order>> {
        let rows = self
            .many(
                "SELECT * OMIT delivered_by FROM orders
                 WHERE client_id = $c AND state = 'delivered'
                   AND delivery_date >= $f AND delivery_date <= $l
                 ORDER BY delivery_date, number",
                json!({ "c": client_id, "f": first, "l": last }),
                vec![],
            )
            .await?;
        decode_all(rows)
    }

    /// Legal clients with a delivery in the period.
    pub async fn legal_clients_delivered(&self, first: &str, last: &str) -> Result<Vec<String>> {
        let rows = self
            .many(
                "SELECT VALUE client_id FROM orders
                 WHERE delivery_date >= $f AND delivery_date <= $l
                   AND state = 'delivered' AND client_kind = 'legal'",
                json!({ "f": first, "l": last }),
                vec![],
            )
            .await?;
        let mut ids: Vec<String> = rows
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect();
        ids.sort();
        ids.dedup();
        Ok(ids)
    }

    /// The client's account rows up to `last` (inclusive), oldest first:
    /// (day, kind, amount, reference, reason, method).
    pub async fn account_rows_until(&self, client_id: &str, last: &str) -> Result<Vec<Value>> {
        self.many(
            "SELECT day, kind, amount, reference, reason, method, at FROM account_moves
             WHERE client_id = $c AND day <= $l ORDER BY day, at",
            json!({ "c": client_id, "l": last }),
            vec![],
        )
        .await
    }

    /// Keys of the client's rent rows already on the account.
    pub async fn rent_keys(&self, client_id: &str) -> Result<Vec<String>> {
        let rows = self
            .many(
                "SELECT VALUE record::id(id) FROM account_moves WHERE client_id = $c AND kind = 'rent'",
                json!({ "c": client_id }),
                vec![],
            )
            .await?;
        Ok(rows
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect())
    }

    // ---- closing jobs ----

    pub async fn save_job(&self, job: &DocJob) -> Result<()> {
        let mut v = strip_nulls(serde_json::to_value(job).unwrap_or(Value::Null));
        if let Value::Object(m) = &mut v {
            m.remove("id");
        }
        self.run_with(
            "UPSERT $rid CONTENT $doc RETURN NONE",
            json!({ "doc": v }),
            vec![("rid", rid("doc_jobs", &job.id))],
        )
        .await?;
        Ok(())
    }

    pub async fn get_job(&self, id: &str) -> Result<Option<DocJob>> {
        let row = self
            .one(
                "SELECT * FROM ONLY $rid",
                Value::Null,
                vec![("rid", rid("doc_jobs", id))],
            )
            .await?;
        row.map(decode).transpose()
    }

    pub async fn list_jobs(&self, limit: usize) -> Result<Vec<DocJob>> {
        let rows = self
            .many(
                "SELECT * FROM doc_jobs ORDER BY started_at DESC LIMIT $limit",
                json!({ "limit": limit }),
                vec![],
            )
            .await?;
        decode_all(rows)
    }

    /// Jobs a stopped process left running: marked failed (running them
    /// again is safe: issued documents are found and kept).
    pub async fn fail_interrupted_jobs(&self, at: &str) -> Result<()> {
        self.run(
            "UPDATE doc_jobs SET state = 'failed', finished_at = $at,
                 errors = array::append(errors ?? [], 'interrupted by a restart: run it again')
             WHERE state = 'running' RETURN NONE",
            json!({ "at": at }),
        )
        .await?;
        Ok(())
    }

    /// Whether a job for the month is running.
    pub async fn job_running(&self, month: &str) -> Result<bool> {
        let v = self
            .many(
                "SELECT VALUE id FROM doc_jobs WHERE month = $m AND state = $s LIMIT 1",
                json!({ "m": month, "s": "running" }),
                vec![],
            )
            .await?;
        Ok(!v.is_empty())
    }
}
