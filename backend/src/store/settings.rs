//! The company's settings: one row per part of the product in the
//! `settings` table (`settings:telephony`, `settings:orders`), its value as
//! JSON in one string, changed with compare-and-set on `rev`.

use rodnik_shared::api::OrderSettings;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

use super::{rid, Store};
use crate::error::{Error, Result};

impl Store {
    /// A settings row and its revision (the default and 0 when never written).
    pub(super) async fn settings_row<T: DeserializeOwned + Default>(
        &self,
        key: &str,
    ) -> Result<(T, i64)> {
        let row = self
            .one(
                "SELECT doc, rev FROM ONLY $rid",
                Value::Null,
                vec![("rid", rid("settings", key))],
            )
            .await?;
        let Some(row) = row else {
            return Ok((T::default(), 0));
        };
        let rev = row.get("rev").and_then(Value::as_i64).unwrap_or(0);
        let doc = row.get("doc").and_then(Value::as_str).unwrap_or("{}");
        let stored: T = serde_json::from_str(doc)
            .map_err(|e| Error::Internal(format!("{key} settings did not decode: {e}")))?;
        Ok((stored, rev))
    }

    /// Reads, changes and writes a settings row as one compare-and-set on
    /// `rev` (retried when another change got in first).
    pub(super) async fn update_settings_row<T, F>(&self, key: &str, change: F) -> Result<T>
    where
        T: DeserializeOwned + Serialize + Default,
        F: Fn(&mut T) -> Result<()>,
    {
        self.retrying(|| async {
            let (mut stored, rev) = self.settings_row::<T>(key).await?;
            change(&mut stored)?;
            let doc = serde_json::to_string(&stored).map_err(|e| Error::Internal(e.to_string()))?;
            let sql = if rev == 0 {
                "CREATE $rid CONTENT { doc: $doc, rev: 1 } RETURN NONE"
            } else {
                "BEGIN TRANSACTION;
                 LET $changed = (UPDATE $rid SET doc = $doc, rev = rev + 1 WHERE rev = $rev RETURN id);
                 IF array::len($changed) = 0 { THROW 'cas_failed' };
                 COMMIT TRANSACTION;"
            };
            self.run_with(
                sql,
                json!({ "doc": doc, "rev": rev }),
                vec![("rid", rid("settings", key))],
            )
            .await
            .map_err(|e| match e {
                Error::Conflict {
                    code: "duplicate" | "stale_version",
                    ..
                } => Error::conflict("retry", "settings changed meanwhile"),
                other => other,
            })?;
            Ok(stored)
        })
        .await
    }

    /// The company's order settings.
    pub async fn order_settings(&self) -> Result<OrderSettings> {
        Ok(self.settings_row("orders").await?.0)
    }

    pub async fn set_order_settings(&self, new: &OrderSettings) -> Result<OrderSettings> {
        self.update_settings_row("orders", |s: &mut OrderSettings| {
            *s = new.clone();
            Ok(())
        })
        .await
    }

    /// The company's bottle rules (deposit price, free bottles).
    pub async fn bottle_settings(&self) -> Result<rodnik_shared::api::BottleSettings> {
        Ok(self.settings_row("bottles").await?.0)
    }

    pub async fn set_bottle_settings(
        &self,
        new: &rodnik_shared::api::BottleSettings,
    ) -> Result<rodnik_shared::api::BottleSettings> {
        let at = chrono::Utc::now().to_rfc3339();
        self.update_settings_row("bottles", |s: &mut rodnik_shared::api::BottleSettings| {
            // The count's time is the server's: kept while the count stays.
            let counted_at = match (new.fleet, s.fleet) {
                (None, _) => None,
                (Some(n), Some(m)) if n == m => s.fleet_counted_at.clone(),
                (Some(_), _) => Some(at.clone()),
            };
            *s = rodnik_shared::api::BottleSettings {
                fleet_counted_at: counted_at,
                ..new.clone()
            };
            Ok(())
        })
        .await
    }

    /// The company's equipment rules (sanitation interval and service).
    pub async fn equipment_settings(&self) -> Result<rodnik_shared::api::EquipmentSettings> {
        Ok(self.settings_row("equipment").await?.0)
    }

    pub async fn set_equipment_settings(
        &self,
        new: &rodnik_shared::api::EquipmentSettings,
    ) -> Result<rodnik_shared::api::EquipmentSettings> {
        self.update_settings_row(
            "equipment",
            |s: &mut rodnik_shared::api::EquipmentSettings| {
                *s = new.clone();
                Ok(())
            },
        )
        .await
    }
}
