//! Idempotency keys: the first answer to a key is kept and replayed.

use serde_json::{json, Value};

use super::{rid, Store};
use crate::error::{Error, Result};

pub enum IdemStart {
    /// First use of the key: go ahead, then `finish` or `abandon`.
    Fresh,
    /// Same key, same body: the stored answer.
    Replay { status: u16, body: String },
    /// Same key, another body.
    Mismatch,
    /// The first request with this key is still running.
    InProgress,
}

impl Store {
    pub async fn idem_start(&self, key: &str, body_hash: &str) -> Result<IdemStart> {
        let created = self
            .run_with(
                "CREATE $rid CONTENT $doc",
                json!({ "doc": {
                    "body_hash": body_hash, "state": "pending",
                    "created_at": chrono::Utc::now().to_rfc3339(),
                }}),
                vec![("rid", rid("idem", key))],
            )
            .await;
        match created {
            Ok(_) => Ok(IdemStart::Fresh),
            Err(Error::Conflict {
                code: "duplicate", ..
            }) => match self.idem_peek(key, body_hash).await? {
                // Gone again (abandoned meanwhile): not ours to fill.
                IdemStart::Fresh => Ok(IdemStart::InProgress),
                other => Ok(other),
            },
            Err(e) => Err(e),
        }
    }

    /// What a stored key says about a request with this body, without
    /// writing: `Fresh` when the key is unused.
    pub async fn idem_peek(&self, key: &str, body_hash: &str) -> Result<IdemStart> {
        let Some(row) = self
            .one(
                "SELECT * FROM ONLY $rid",
                Value::Null,
                vec![("rid", rid("idem", key))],
            )
            .await?
        else {
            return Ok(IdemStart::Fresh);
        };
        let same = row.get("body_hash").and_then(Value::as_str) == Some(body_hash);
        if !same {
            return Ok(IdemStart::Mismatch);
        }
        match (
            row.get("status").and_then(Value::as_u64),
            row.get("response").and_then(Value::as_str),
        ) {
            (Some(status), Some(body)) => Ok(IdemStart::Replay {
                status: status as u16,
                body: body.to_string(),
            }),
            _ => Ok(IdemStart::InProgress),
        }
    }

    /// The whole record of an answered key, for a request that did not
    /// write a pending one first (fails as `duplicate` if the key is taken).
    pub fn idem_done_doc(body_hash: &str, status: u16, body: &str) -> Value {
        json!({
            "body_hash": body_hash, "state": "done", "status": status, "response": body,
            "created_at": chrono::Utc::now().to_rfc3339(),
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

    pub async fn idem_finish(&self, key: &str, status: u16, body: &str) -> Result<()> {
        self.run_with(
            "UPDATE $rid SET state = 'done', status = $status, response = $body",
            json!({ "status": status, "body": body }),
            vec![("rid", rid("idem", key))],
        )
        .await?;
        Ok(())
    }

    pub async fn idem_abandon(&self, key: &str) -> Result<()> {
        self.run_with("DELETE $rid", Value::Null, vec![("rid", rid("idem", key))])
            .await?;
        Ok(())
    }
}
