//! Client notifications' store side (issue 23, part 3): the company's
//! rules (`settings:notify`, the gateway's key write-only), each client's
//! choices (`client_notify:[client]`), the outbox that is also the send log
//! (`notifications`), and the short links (`notify_links:<sha256>`).
//!
//! A message is queued once: the evening-before and on-the-way ones have
//! ids made of their kind, order, day and channel, and `queue` CREATEs the
//! message and its link in one transaction, so a second scan, a restart or
//! a second node finds it there and queues nothing. The worker takes due
//! rows with a compare-and-set on `rev` that moves `next_at` ahead (a lease),
//! and writes the outcome with a compare-and-set on the `rev` it took.

use std::collections::{HashMap, HashSet};

use rodnik_shared::api::{
    ClientNotify, Consent, Notification, NotifyChannel, NotifyKind, NotifySettings, NotifyStatus,
    SetClientNotify,
};
use serde_json::{json, Value};

use super::{decode, decode_all, rid, strip_nulls, Store};
use crate::error::{Error, Result};

/// A row of the outbox as the worker sees it.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Queued {
    #[serde(flatten)]
    pub n: Notification,
    /// The short link's token, until the message is sent.
    #[serde(default)]
    pub token: Option<String>,
    /// "HH:MM": the expected arrival an on-the-way message tells.
    #[serde(default)]
    pub eta: Option<String>,
    #[serde(default)]
    pub expires_at: Option<String>,
    pub rev: i64,
}

/// A message to queue.
#[derive(Debug, Clone)]
pub struct NewMessage {
    pub id: String,
    pub kind: NotifyKind,
    pub channel: NotifyChannel,
    pub status: NotifyStatus,
    pub client_id: String,
    pub client_name: String,
    pub order_id: Option<String>,
    pub order_number: Option<i64>,
    pub date: String,
    pub to: String,
    pub text: String,
    pub token: Option<String>,
    pub eta: Option<String>,
    pub next_at: Option<String>,
    pub expires_at: Option<String>,
    pub error: Option<String>,
}

/// What one try of a message came to.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    pub status: Option<NotifyStatus>,
    pub next_at: Option<String>,
    pub error: Option<String>,
    pub provider_id: Option<String>,
    /// The text as sent (its link's secret hidden): replaces the preview.
    pub text: Option<String>,
    pub sent_at: Option<String>,
    /// The try reached the gateway (counted in `attempts`).
    pub attempted: bool,
}

/// A short link's row.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Link {
    pub order_id: String,
    pub client_id: String,
    pub notification_id: String,
    pub expires_at: String,
}

/// The log's filter (`GET /api/notifications`).
#[derive(Debug, Clone, Default)]
pub struct LogFilter {
    pub client_id: Option<String>,
    pub order_id: Option<String>,
    pub date: Option<String>,
    pub status: Option<NotifyStatus>,
    pub limit: usize,
    pub offset: usize,
}

fn consent(v: Option<&Value>) -> Consent {
    match v.and_then(Value::as_str) {
        Some("yes") => Consent::Yes,
        Some("no") => Consent::No,
        _ => Consent::Default,
    }
}

fn text_of(row: &Value, k: &str) -> Option<String> {
    row.get(k)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn client_notify_of(client_id: &str, row: &Value) -> ClientNotify {
    ClientNotify {
        client_id: client_id.to_string(),
        sms: consent(row.get("sms")),
        email: consent(row.get("email")),
        phone: text_of(row, "phone"),
        email_address: text_of(row, "email_address"),
        updated_at: text_of(row, "updated_at"),
        updated_by: text_of(row, "updated_by"),
        ..ClientNotify::default()
    }
}

impl Store {
    /// The company's notification rules.
    pub async fn notify_settings(&self) -> Result<NotifySettings> {
        Ok(self.settings_row("notify").await?.0)
    }

    /// Saves the rules; an SMS key left out keeps the stored one.
    pub async fn set_notify_settings(&self, new: &NotifySettings) -> Result<NotifySettings> {
        self.update_settings_row("notify", |s: &mut NotifySettings| {
            let kept = s.sms.as_ref().and_then(|m| m.key.clone());
            let enabled = new.enabled;
            *s = new.clone();
            if let Some(sms) = s.sms.as_mut() {
                if sms.key.is_none() {
                    sms.key = kept.clone();
                }
                sms.key_set = sms.key.is_some();
                if enabled && sms.key.is_none() {
                    return Err(Error::invalid("sms.key", "is required to send SMS"));
                }
            }
            Ok(())
        })
        .await
    }

    /// A client's choices as stored (`Default` everywhere when never set).
    pub async fn client_notify(&self, client_id: &str) -> Result<ClientNotify> {
        let row = self
            .one(
                "SELECT * FROM ONLY type::record('client_notify', [$c])",
                json!({ "c": client_id }),
                vec![],
            )
            .await?;
        Ok(client_notify_of(client_id, &row.unwrap_or(Value::Null)))
    }

    /// Several clients' choices; absent ones were never set.
    pub async fn clients_notify(&self, ids: &[String]) -> Result<HashMap<String, ClientNotify>> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let rows = self
            .many(
                "SELECT *, record::id(id)[0] AS client
                 FROM array::map($ids, |$c| type::record('client_notify', [$c]))",
                json!({ "ids": ids }),
                vec![],
            )
            .await?;
        Ok(rows
            .iter()
            .filter_map(|r| {
                let c = r.get("client").and_then(Value::as_str)?;
                Some((c.to_string(), client_notify_of(c, r)))
            })
            .collect())
    }

    pub async fn set_client_notify(
        &self,
        client_id: &str,
        new: &SetClientNotify,
        by: &str,
        now: &str,
    ) -> Result<ClientNotify> {
        let doc = strip_nulls(json!({
            "sms": new.sms,
            "email": new.email,
            "phone": new.phone,
            "email_address": new.email_address,
            "updated_at": now,
            "updated_by": by,
        }));
        self.retrying(|| {
            self.run(
                "UPSERT type::record('client_notify', [$c]) CONTENT $doc RETURN NONE",
                json!({ "c": client_id, "doc": doc }),
            )
        })
        .await?;
        self.client_notify(client_id).await
    }

    /// The orders of `date` that already have a message of `kind`.
    pub async fn notified_orders(&self, kind: NotifyKind, date: &str) -> Result<HashSet<String>> {
        let rows = self
            .many(
                "SELECT VALUE order_id FROM notifications WHERE date = $date AND kind = $kind",
                json!({ "date": date, "kind": kind }),
                vec![],
            )
            .await?;
        Ok(rows
            .into_iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect())
    }

    /// Queues a message (and its short link, when it has a token: the
    /// token's hash and when it expires) in one transaction. `false`: a
    /// message with this id was queued before; nothing changed.
    pub async fn queue_message(
        &self,
        m: &NewMessage,
        link: Option<(&str, &str)>,
        now: &str,
    ) -> Result<bool> {
        let doc = strip_nulls(json!({
            "kind": m.kind,
            "channel": m.channel,
            "status": m.status,
            "client_id": m.client_id,
            "client_name": m.client_name,
            "order_id": m.order_id,
            "order_number": m.order_number,
            "date": m.date,
            "to": m.to,
            "text": m.text,
            "token": m.token,
            "eta": m.eta,
            "attempts": 0,
            "rev": 0,
            "created_at": now,
            "sent_at": (m.status == NotifyStatus::Received).then_some(now),
            "next_at": m.next_at,
            "expires_at": m.expires_at,
            "error": m.error,
        }));
        let mut sql = String::from("BEGIN TRANSACTION; CREATE $rid CONTENT $doc RETURN NONE;");
        let mut vars = json!({ "doc": doc });
        let mut ids = vec![("rid", rid("notifications", &m.id))];
        if let Some((hash, expires)) = link {
            sql.push_str("CREATE $lid CONTENT $link RETURN NONE;");
            vars["link"] = json!({
                "order_id": m.order_id.clone().unwrap_or_default(),
                "client_id": m.client_id,
                "notification_id": m.id,
                "expires_at": expires,
                "created_at": now,
            });
            ids.push(("lid", rid("notify_links", hash)));
        }
        sql.push_str("COMMIT TRANSACTION;");
        match self
            .retrying(|| self.run_with(&sql, vars.clone(), ids.clone()))
            .await
        {
            Ok(_) => Ok(true),
            Err(Error::Conflict {
                code: "duplicate", ..
            }) => {
                // Told apart from a token that happened to be taken: the message exists.
                let exists = self
                    .one(
                        "RETURN $rid.id != NONE",
                        Value::Null,
                        vec![("rid", rid("notifications", &m.id))],
                    )
                    .await?
                    .and_then(|v| v.as_bool())
                    .unwrap_or(false);
                if exists {
                    Ok(false)
                } else {
                    Err(Error::conflict(
                        "retry",
                        "a link token was taken; try again",
                    ))
                }
            }
            Err(e) => Err(e),
        }
    }

    /// After the rules changed: messages held for quiet hours are looked at now.
    pub async fn wake_quiet_messages(&self, now: &str) -> Result<()> {
        self.retrying(|| {
            self.run(
                "UPDATE notifications SET next_at = $now
                 WHERE status = 'pending' AND error = 'quiet hours' AND next_at > $now RETURN NONE",
                json!({ "now": now }),
            )
        })
        .await?;
        Ok(())
    }

    pub async fn due_messages(&self, now: &str, limit: usize) -> Result<Vec<Queued>> {
        let rows = self
            .many(
                "SELECT * FROM notifications WHERE status = 'pending' AND next_at <= $now
                 ORDER BY next_at LIMIT $limit",
                json!({ "now": now, "limit": limit }),
                vec![],
            )
            .await?;
        decode_all(rows)
    }

    /// Takes a due message for this worker until `lease_until`; `None`:
    /// another worker took it or it changed.
    pub async fn claim_message(
        &self,
        m: &Queued,
        now: &str,
        lease_until: &str,
    ) -> Result<Option<Queued>> {
        let rows = self
            .many(
                "UPDATE $rid SET rev = rev + 1, next_at = $lease
                 WHERE rev = $rev AND next_at <= $now AND status = 'pending' RETURN AFTER",
                json!({ "rev": m.rev, "now": now, "lease": lease_until }),
                vec![("rid", rid("notifications", &m.n.id))],
            )
            .await?;
        rows.into_iter().next().map(decode).transpose()
    }

    /// Writes a try's outcome (`rev` as claimed). A message that left the
    /// queue loses its token. `false`: it changed meanwhile.
    pub async fn save_message_outcome(&self, m: &Queued, o: &Outcome) -> Result<bool> {
        let mut sets = vec!["rev = rev + 1"];
        let mut vars = json!({ "rev": m.rev });
        let status = o.status.unwrap_or(m.n.status);
        if let Some(s) = o.status {
            sets.push("status = $status");
            vars["status"] = json!(s);
        }
        if status != NotifyStatus::Pending {
            sets.push("token = NONE, next_at = NONE");
        } else if let Some(t) = &o.next_at {
            sets.push("next_at = $next");
            vars["next"] = json!(t);
        }
        match &o.error {
            Some(e) => {
                sets.push("error = $error");
                vars["error"] = json!(e);
            }
            None => sets.push("error = NONE"),
        }
        for (field, set, value) in [
            ("provider_id", "provider_id = $provider_id", &o.provider_id),
            ("text", "text = $text", &o.text),
            ("sent_at", "sent_at = $sent_at", &o.sent_at),
        ] {
            if let Some(v) = value {
                sets.push(set);
                vars[field] = json!(v);
            }
        }
        if o.attempted {
            sets.push("attempts = attempts + 1");
        }
        let sql = format!(
            "UPDATE $rid SET {} WHERE rev = $rev RETURN VALUE id",
            sets.join(", ")
        );
        let rows = self
            .retrying(|| {
                self.many(
                    &sql,
                    vars.clone(),
                    vec![("rid", rid("notifications", &m.n.id))],
                )
            })
            .await?;
        Ok(!rows.is_empty())
    }

    pub async fn notification(&self, id: &str) -> Result<Option<Notification>> {
        let row = self
            .one(
                "SELECT * OMIT token, eta, rev, expires_at FROM ONLY $rid",
                Value::Null,
                vec![("rid", rid("notifications", id))],
            )
            .await?;
        row.map(decode).transpose()
    }

    /// The send log, newest first.
    pub async fn list_notifications(&self, f: &LogFilter) -> Result<Vec<Notification>> {
        let conds = [
            ("client_id = $client", f.client_id.is_some()),
            ("order_id = $order", f.order_id.is_some()),
            ("date = $date", f.date.is_some()),
            ("status = $status", f.status.is_some()),
        ];
        let sql = format!(
            "SELECT * OMIT token, eta, rev, expires_at FROM notifications {}
             ORDER BY created_at DESC LIMIT $limit START $offset",
            super::where_clause(&conds)
        );
        let rows = self
            .many(
                &sql,
                json!({
                    "client": f.client_id,
                    "order": f.order_id,
                    "date": f.date,
                    "status": f.status,
                    "limit": f.limit,
                    "offset": f.offset,
                }),
                vec![],
            )
            .await?;
        decode_all(rows)
    }

    /// A short link by its token's hash.
    pub async fn notify_link(&self, hash: &str) -> Result<Option<Link>> {
        let row = self
            .one(
                "SELECT * FROM ONLY $rid",
                Value::Null,
                vec![("rid", rid("notify_links", hash))],
            )
            .await?;
        row.map(decode).transpose()
    }

    /// A link kept alive until `expires_at` (its order moved to a later day).
    pub async fn extend_notify_link(&self, hash: &str, expires_at: &str) -> Result<()> {
        self.retrying(|| {
            self.run_with(
                "UPDATE $rid SET expires_at = $e WHERE expires_at < $e RETURN NONE",
                json!({ "e": expires_at }),
                vec![("rid", rid("notify_links", hash))],
            )
        })
        .await?;
        Ok(())
    }

    /// A client's phones and the e-mail of their requisites.
    pub async fn client_reach(&self, client_id: &str) -> Result<(Vec<String>, Option<String>)> {
        let row = self
            .one(
                "SELECT phones, requisites.email AS email FROM ONLY $rid",
                Value::Null,
                vec![("rid", rid("clients", client_id))],
            )
            .await?
            .ok_or_else(|| Error::not_found("client"))?;
        let phones = row
            .get("phones")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|p| p.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        Ok((phones, text_of(&row, "email")))
    }
}
