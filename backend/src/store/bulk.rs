//! Writes used by bulk loaders (`rodnik demo`), not by requests.

use serde_json::json;

use super::{rid, Store};
use crate::error::Result;

impl Store {
    pub async fn set_bottles_held(&self, client_id: &str, n: i64) -> Result<()> {
        self.run_with(
            "UPDATE $rid SET bottles_held = $n",
            json!({ "n": n }),
            vec![("rid", rid("clients", client_id))],
        )
        .await?;
        Ok(())
    }

    /// Makes the order-number sequence continue after `n`.
    pub async fn set_counter_at_least(&self, name: &str, n: i64) -> Result<()> {
        self.run_with(
            "UPSERT $rid SET n = math::max([n ?? 0, $n])",
            json!({ "n": n }),
            vec![("rid", rid("counters", name))],
        )
        .await?;
        Ok(())
    }
}
