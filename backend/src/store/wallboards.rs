//! Wallboard links: read-only tokens for a big screen. Only the token's hash
//! is stored; a revoked link stops working at once (and its socket at the
//! next ping).

use rodnik_shared::api::Wallboard;
use serde_json::{json, Value};

use super::{decode, decode_all, new_key, rid, Store};
use crate::error::Result;

const FIELDS: &str = "id, name, created_by, created_at, revoked_at";

impl Store {
    pub async fn create_wallboard(
        &self,
        name: &str,
        token_hash: &str,
        created_by: &str,
        at: &str,
    ) -> Result<Wallboard> {
        let key = new_key();
        self.run_with(
            "CREATE $rid CONTENT $doc RETURN NONE",
            json!({ "doc": { "name": name, "token_hash": token_hash, "created_by": created_by,
                             "created_at": at } }),
            vec![("rid", rid("wallboards", &key))],
        )
        .await?;
        Ok(Wallboard {
            id: key,
            name: name.to_string(),
            created_by: created_by.to_string(),
            created_at: at.to_string(),
            revoked_at: None,
        })
    }

    pub async fn list_wallboards(&self) -> Result<Vec<Wallboard>> {
        let rows = self
            .many(
                &format!("SELECT {FIELDS} FROM wallboards ORDER BY created_at DESC"),
                Value::Null,
                vec![],
            )
            .await?;
        decode_all(rows)
    }

    /// Revokes a link; revoking twice keeps the first time. `None`: no such link.
    pub async fn revoke_wallboard(&self, id: &str, at: &str) -> Result<Option<Wallboard>> {
        self.run_with(
            "UPDATE $rid SET revoked_at = $at WHERE revoked_at = NONE RETURN NONE",
            json!({ "at": at }),
            vec![("rid", rid("wallboards", id))],
        )
        .await?;
        let row = self
            .one(
                &format!("SELECT {FIELDS} FROM ONLY $rid"),
                Value::Null,
                vec![("rid", rid("wallboards", id))],
            )
            .await?;
        row.map(decode).transpose()
    }

    /// The live (not revoked) link with this token hash.
    pub async fn wallboard_by_token(&self, token_hash: &str) -> Result<Option<Wallboard>> {
        let row = self
            .one(
                &format!(
                    "SELECT {FIELDS} FROM wallboards WHERE token_hash = $h AND revoked_at = NONE LIMIT 1"
                ),
                json!({ "h": token_hash }),
                vec![],
            )
            .await?;
        row.map(decode).transpose()
    }
}
