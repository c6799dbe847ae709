//! Idempotency keys: the first answer to a key is kept and replayed.
//!
//! A request whose effect is not written with its answer in one transaction
//! holds its key as a *lease* (`owner`, `lease_until`): if the server dies
//! mid-request, a retry after the lease ends takes the key over and runs
//! again. Answers are kept at least [`KEEP_DAYS`] days, then purged.

use serde_json::{json, Value};
use surrealdb::types::Value as SValue;

use super::{rid, Store};
use crate::error::{Error, Result};

/// Days an answered key is kept (an offline courier app may retry a week later).
pub const KEEP_DAYS: i64 = 8;

#[derive(Default)]
pub enum IdemStart {
    /// First use of the key (or a takeover of a lapsed lease): go ahead,
    /// then answer in the effect's transaction, `finish` or `abandon`.
    #[default]
    Fresh,
    /// Same key, same body: the stored answer.
    Replay { status: u16, body: String },
    /// Same key, another body.
    Mismatch,
    /// The first request with this key is still running.
    InProgress,
}

impl IdemStart {
    /// What a key's stored record (`body_hash`, `status`, `response`; `None`
    /// when there is none) means for a request with a body of `body_hash`.
    pub fn of_row(row: Option<Value>, body_hash: &str) -> IdemStart {
        let Some(row) = row.filter(|r| !r.is_null()) else {
            return IdemStart::Fresh;
        };
        if row.get("body_hash").and_then(Value::as_str) != Some(body_hash) {
            return IdemStart::Mismatch;
        }
        match (
            row.get("status").and_then(Value::as_u64),
            row.get("response").and_then(Value::as_str),
        ) {
            (Some(status), Some(body)) => IdemStart::Replay {
                status: status as u16,
                body: body.to_string(),
            },
            _ => IdemStart::InProgress,
        }
    }
}

/// An idempotency key's answer written in the transaction of the effect.
pub struct IdemAnswer<'a> {
    pub key: &'a str,
    /// The key has no record yet: create it whole, with this body hash.
    pub create_with_hash: Option<&'a str>,
    /// The lease this request holds on the key's pending record.
    pub owner: Option<&'a str>,
    pub status: u16,
    pub body: &'a str,
}

impl IdemAnswer<'_> {
    /// The statement that writes this answer inside a transaction (binding
    /// `$idem` and its variables): the transaction fails if the key was
    /// answered or taken over meanwhile.
    pub fn statement(&self, vars: &mut Value, ids: &mut Vec<(&'static str, SValue)>) -> String {
        ids.push(("idem", rid("idem", self.key)));
        match self.create_with_hash {
            Some(hash) => {
                vars["idem_doc"] = Store::idem_done_doc(hash, self.status, self.body);
                "CREATE $idem CONTENT $idem_doc RETURN NONE;".into()
            }
            None => {
                vars["idem_status"] = json!(self.status);
                vars["idem_body"] = json!(self.body);
                vars["idem_owner"] = json!(self.owner.unwrap_or_default());
                "LET $idem_done = (UPDATE $idem SET state = 'done', status = $idem_status,
                     response = $idem_body, lease_until = NONE, owner = NONE
                     WHERE state = 'pending' AND owner = $idem_owner RETURN id);
                 IF array::len($idem_done) = 0 { THROW 'idem_lost' };"
                    .into()
            }
        }
    }
}

fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now()
}

/// Times are stored as RFC 3339 UTC with a fixed width, so they compare as text.
fn stamp(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

impl Store {
    /// Takes the key for a request that answers after its effect: a pending
    /// record leased to `owner` until `lease` from now. A lapsed lease (its
    /// holder died) is taken over.
    pub async fn idem_start(
        &self,
        key: &str,
        body_hash: &str,
        owner: &str,
        lease: std::time::Duration,
    ) -> Result<IdemStart> {
        let until = stamp(now() + chrono::Duration::from_std(lease).unwrap_or_default());
        let created = self
            .run_with(
                "CREATE $rid CONTENT $doc RETURN NONE",
                json!({ "doc": {
                    "body_hash": body_hash, "state": "pending", "owner": owner,
                    "lease_until": until, "created_at": stamp(now()),
                }}),
                vec![("rid", rid("idem", key))],
            )
            .await;
        match created {
            Ok(_) => return Ok(IdemStart::Fresh),
            Err(Error::Conflict {
                code: "duplicate", ..
            }) => {}
            Err(e) => return Err(e),
        }
        match self.idem_peek(key, body_hash).await? {
            // Gone again (abandoned meanwhile): not ours to fill.
            IdemStart::Fresh => Ok(IdemStart::InProgress),
            IdemStart::InProgress => {
                // Take the key over if its lease has lapsed (compare-and-set).
                let taken = self
                    .many(
                        "UPDATE $rid SET owner = $owner, lease_until = $until
                         WHERE state = 'pending' AND lease_until < $now RETURN id",
                        json!({ "owner": owner, "until": until, "now": stamp(now()) }),
                        vec![("rid", rid("idem", key))],
                    )
                    .await?;
                if taken.is_empty() {
                    Ok(IdemStart::InProgress)
                } else {
                    tracing::info!("took over an idempotency key whose request never finished");
                    Ok(IdemStart::Fresh)
                }
            }
            other => Ok(other),
        }
    }

    /// What a stored key says about a request with this body, without
    /// writing: `Fresh` when the key is unused.
    pub async fn idem_peek(&self, key: &str, body_hash: &str) -> Result<IdemStart> {
        let row = self
            .one(
                "SELECT body_hash, status, response FROM ONLY $rid",
                Value::Null,
                vec![("rid", rid("idem", key))],
            )
            .await?;
        Ok(IdemStart::of_row(row, body_hash))
    }

    /// The whole record of an answered key, for a request that did not
    /// write a pending one first (fails as `duplicate` if the key is taken).
    pub fn idem_done_doc(body_hash: &str, status: u16, body: &str) -> Value {
        json!({
            "body_hash": body_hash, "state": "done", "status": status, "response": body,
            "created_at": stamp(now()),
        })
    }

    /// Stores the answer of a key that has no pending record.
    pub async fn idem_answer(
        &self,
        key: &str,
        body_hash: &str,
        status: u16,
        body: &str,
    ) -> Result<()> {
        self.run_with(
            "CREATE $rid CONTENT $doc RETURN NONE",
            json!({ "doc": Self::idem_done_doc(body_hash, status, body) }),
            vec![("rid", rid("idem", key))],
        )
        .await?;
        Ok(())
    }

    /// Stores the answer of a key this request holds (a no-op if the lease
    /// was taken over meanwhile: the new holder answers).
    pub async fn idem_finish(&self, key: &str, owner: &str, status: u16, body: &str) -> Result<()> {
        self.retrying(|| {
            self.run_with(
                "UPDATE $rid SET state = 'done', status = $status, response = $body,
                     lease_until = NONE, owner = NONE
                 WHERE state = 'pending' AND owner = $owner RETURN NONE",
                json!({ "status": status, "body": body, "owner": owner }),
                vec![("rid", rid("idem", key))],
            )
        })
        .await?;
        Ok(())
    }

    /// Frees a key this request holds (its request failed on the server's side).
    pub async fn idem_abandon(&self, key: &str, owner: &str) -> Result<()> {
        self.retrying(|| {
            self.run_with(
                "DELETE $rid WHERE state = 'pending' AND owner = $owner",
                json!({ "owner": owner }),
                vec![("rid", rid("idem", key))],
            )
        })
        .await?;
        Ok(())
    }

    /// Remembers a signed webhook's nonce: false if it was seen before.
    pub async fn webhook_nonce_fresh(&self, nonce: &str) -> Result<bool> {
        use sha2::Digest as _;
        let key = hex::encode(sha2::Sha256::digest(nonce.as_bytes()));
        let created = self
            .run_with(
                "CREATE $rid CONTENT $doc RETURN NONE",
                json!({ "doc": { "at": stamp(now()) } }),
                vec![("rid", rid("webhook_nonce", &key))],
            )
            .await;
        match created {
            Ok(_) => Ok(true),
            Err(Error::Conflict {
                code: "duplicate", ..
            }) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Forgets webhook nonces older than an hour (their `sent_at` is stale by then).
    pub async fn purge_webhook_nonces(&self) -> Result<()> {
        self.run_with(
            "DELETE webhook_nonce WHERE at < $cutoff RETURN NONE",
            json!({ "cutoff": stamp(now() - chrono::Duration::hours(1)) }),
            vec![],
        )
        .await?;
        Ok(())
    }

    /// Deletes keys older than `days` (answered ones and lapsed leases).
    /// Returns how many went.
    pub async fn idem_purge(&self, days: i64) -> Result<usize> {
        let cutoff = stamp(now() - chrono::Duration::days(days));
        let gone = self
            .many(
                "DELETE idem WHERE created_at < $cutoff RETURN id",
                json!({ "cutoff": cutoff }),
                vec![],
            )
            .await?;
        Ok(gone.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    async fn store() -> Store {
        Store::connect("mem://").await.expect("store")
    }

    #[tokio::test]
    async fn a_lapsed_lease_is_taken_over_and_a_live_one_is_not() {
        let s = store().await;
        let lease = Duration::from_millis(300);
        assert!(matches!(
            s.idem_start("k1", "h", "first", lease).await.unwrap(),
            IdemStart::Fresh
        ));
        // The holder is alive: a retry waits.
        assert!(matches!(
            s.idem_start("k1", "h", "second", lease).await.unwrap(),
            IdemStart::InProgress
        ));
        tokio::time::sleep(Duration::from_millis(400)).await;
        assert!(matches!(
            s.idem_start("k1", "h", "second", lease).await.unwrap(),
            IdemStart::Fresh
        ));
        // The first holder comes back too late: its answer is not taken...
        s.idem_finish("k1", "first", 200, "late").await.unwrap();
        assert!(matches!(
            s.idem_peek("k1", "h").await.unwrap(),
            IdemStart::InProgress
        ));
        // ... and an effect written with its answer fails as a whole.
        let answer = IdemAnswer {
            key: "k1",
            create_with_hash: None,
            owner: Some("first"),
            status: 200,
            body: "late",
        };
        let (mut vars, mut ids) = (serde_json::json!({}), vec![]);
        let sql = format!(
            "BEGIN TRANSACTION; {} COMMIT TRANSACTION;",
            answer.statement(&mut vars, &mut ids)
        );
        let refused = s.run_with(&sql, vars, ids).await;
        assert!(matches!(
            refused,
            Err(Error::Conflict {
                code: "idempotency_key_in_use",
                ..
            })
        ));
        s.idem_finish("k1", "second", 201, "mine").await.unwrap();
        match s.idem_peek("k1", "h").await.unwrap() {
            IdemStart::Replay { status, body } => {
                assert_eq!((status, body.as_str()), (201, "mine"))
            }
            _ => panic!("the new holder's answer is stored"),
        }
        assert!(matches!(
            s.idem_peek("k1", "other body").await.unwrap(),
            IdemStart::Mismatch
        ));
    }

    #[tokio::test]
    async fn keys_older_than_the_keeping_time_are_purged() {
        let s = store().await;
        s.idem_answer("old", "h", 200, "{}").await.unwrap();
        s.idem_answer("new", "h", 200, "{}").await.unwrap();
        s.idem_start("old-pending", "h", "o", Duration::from_secs(60))
            .await
            .unwrap();
        let aged = stamp(now() - chrono::Duration::days(KEEP_DAYS) - chrono::Duration::hours(1));
        for key in ["old", "old-pending"] {
            s.run_with(
                "UPDATE $rid SET created_at = $at",
                json!({ "at": aged }),
                vec![("rid", rid("idem", key))],
            )
            .await
            .unwrap();
        }
        assert_eq!(s.idem_purge(KEEP_DAYS).await.unwrap(), 2);
        assert!(matches!(
            s.idem_peek("old", "h").await.unwrap(),
            IdemStart::Fresh
        ));
        assert!(matches!(
            s.idem_peek("new", "h").await.unwrap(),
            IdemStart::Replay { .. }
        ));
        assert_eq!(s.idem_purge(KEEP_DAYS).await.unwrap(), 0);
    }
}
