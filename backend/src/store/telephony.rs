//! Telephony's own records: the adapters' settings (one row, compare-and-set
//! on `rev`), the PBX events already applied (to drop a provider's
//! duplicates), and operator presence (who sits at which extension).

use std::collections::BTreeMap;

use rodnik_shared::api::{PbxProvider, User};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::{rid, Store};
use crate::error::{Error, Result};

fn seen_key(key: &str) -> String {
    format!("e{}", &hex::encode(Sha256::digest(key.as_bytes()))[..32])
}

impl Store {
    /// The stored settings and their revision (0 when never written).
    pub async fn telephony_settings(&self) -> Result<(Stored, i64)> {
        self.settings_row("telephony").await
    }

    /// Reads, changes and writes the settings as one compare-and-set on `rev`
    /// (retried when another change got in first).
    pub async fn update_telephony_settings<F>(&self, change: F) -> Result<Stored>
    where
        F: Fn(&mut Stored) -> Result<()>,
    {
        self.update_settings_row("telephony", change).await
    }

    /// Whether a provider's event (named by its own ids) was applied before.
    pub async fn pbx_event_seen(&self, key: &str) -> Result<bool> {
        let row = self
            .one(
                "SELECT id FROM ONLY $rid",
                Value::Null,
                vec![("rid", rid("telephony_seen", &seen_key(key)))],
            )
            .await?;
        Ok(row.is_some())
    }

    /// Records that an event was applied. Recording it twice is harmless.
    pub async fn mark_pbx_event(&self, key: &str, at: &str) -> Result<()> {
        match self
            .run_with(
                "CREATE $rid CONTENT { at: $at } RETURN NONE",
                json!({ "at": at }),
                vec![("rid", rid("telephony_seen", &seen_key(key)))],
            )
            .await
        {
            Ok(_)
            | Err(Error::Conflict {
                code: "duplicate", ..
            }) => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// The operator sits at `extension` (or at none). Whoever else who takes
    /// calls held that extension loses it: the desk phone changes hands at a
    /// shift change. One transaction, behind the users' edit guard.
    pub async fn take_extension(&self, user_id: &str, extension: Option<&str>) -> Result<User> {
        let sql = match extension {
            Some(_) => {
                "BEGIN TRANSACTION;
                 UPSERT counters:user_edits SET n = (n ?? 0) + 1;
                 LET $me = (SELECT id, active FROM ONLY $rid);
                 IF $me = NONE OR $me.active != true { THROW 'user_not_found' };
                 UPDATE users UNSET extension WHERE extension = $ext AND role != 'courier' AND id != $rid RETURN NONE;
                 UPDATE $rid SET extension = $ext RETURN NONE;
                 COMMIT TRANSACTION;"
            }
            None => {
                "BEGIN TRANSACTION;
                 UPSERT counters:user_edits SET n = (n ?? 0) + 1;
                 LET $me = (SELECT id, active FROM ONLY $rid);
                 IF $me = NONE OR $me.active != true { THROW 'user_not_found' };
                 UPDATE $rid UNSET extension RETURN NONE;
                 COMMIT TRANSACTION;"
            }
        };
        let vars = json!({ "ext": extension });
        let written = self
            .retrying(|| async {
                self.run_with(sql, vars.clone(), vec![("rid", rid("users", user_id))])
                    .await
            })
            .await;
        // Other users' extensions changed too: their cached sessions go.
        self.forget_sessions(None);
        written.map_err(|e| match e {
            Error::Db(m) if m.contains("user_not_found") => Error::not_found("user"),
            other => other,
        })?;
        self.get_user(user_id)
            .await?
            .ok_or_else(|| Error::not_found("user"))
    }
}

/// The settings row as stored (`settings:telephony`, JSON in one string).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Stored {
    #[serde(default)]
    pub adapters: BTreeMap<String, StoredAdapter>,
    #[serde(default)]
    pub originate: Option<PbxProvider>,
}

#[derive(Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct StoredAdapter {
    #[serde(default)]
    pub enabled: Option<bool>,
    #[serde(default)]
    pub values: BTreeMap<String, String>,
}

impl std::fmt::Debug for StoredAdapter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredAdapter")
            .field("enabled", &self.enabled)
            .field("values", &self.values.keys().collect::<Vec<_>>())
            .finish()
    }
}
