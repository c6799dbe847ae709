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
            }) => {
                let row = self
                    .one(
                        "SELECT * FROM ONLY $rid",
                        Value::Null,
                        vec![("rid", rid("idem", key))],
                    )
                    .await?
                    .unwrap_or(Value::Null);
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
            Err(e) => Err(e),
        }
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
