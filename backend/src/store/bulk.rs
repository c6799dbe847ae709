//! Writes used by bulk loaders (`rodnik demo`), not by requests.

use serde_json::json;

use super::{rid, Store};
use crate::error::Result;

impl Store {
    /// Sets a client's balance; the ledger gets the difference as an
    /// opening move.
    pub async fn set_bottles_held(&self, client_id: &str, n: i64) -> Result<()> {
        self.set_bottles_held_bulk(&[(client_id.to_string(), n)])
            .await
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

/// A client written by a bulk loader, with what `create_client` would not set.
#[derive(Debug, Clone)]
pub struct NewClientRow {
    pub client: rodnik_shared::api::ClientSummary,
    pub prices: std::collections::HashMap<String, rodnik_shared::Money>,
    pub created_at: String,
}

impl Store {
    /// Clients and their phone rows, in one transaction per call.
    pub async fn insert_clients_bulk(&self, rows: &[NewClientRow]) -> Result<()> {
        let mut docs = Vec::with_capacity(rows.len());
        let mut phones = Vec::with_capacity(rows.len());
        for r in rows {
            let mut doc = super::clients::client_doc(&r.client);
            doc["id"] = json!(r.client.id);
            doc["created_at"] = json!(r.created_at);
            doc["prices"] = json!(r.prices);
            docs.push(doc);
            phones.extend(super::clients::phone_rows(&r.client));
        }
        self.retrying(|| async {
            self.run_with(
                "BEGIN TRANSACTION;
                 INSERT INTO clients $docs RETURN NONE;
                 INSERT INTO client_phones $phones RETURN NONE;
                 COMMIT TRANSACTION;",
                json!({ "docs": docs, "phones": phones }),
                vec![],
            )
            .await
        })
        .await?;
        Ok(())
    }

    /// Orders as they are (any state), with who closed each, in one transaction per call.
    pub async fn insert_orders_bulk(
        &self,
        orders: &[(rodnik_shared::api::Order, Option<String>)],
    ) -> Result<()> {
        let docs: Vec<serde_json::Value> = orders
            .iter()
            .map(|(o, by)| {
                let mut doc = super::orders::order_doc(o, by.as_deref());
                doc["id"] = json!(o.id);
                doc
            })
            .collect();
        let written = self
            .retrying(|| async {
                self.run_with(
                    "INSERT INTO orders $docs RETURN NONE",
                    json!({ "docs": docs }),
                    vec![],
                )
                .await
            })
            .await;
        self.forget_routes();
        written?;
        let events: Vec<_> = orders
            .iter()
            .flat_map(|(o, _)| crate::figures::reasons::given(None, o))
            .collect();
        self.insert_reason_events(&events).await
    }

    /// Sets `bottles_held` of many clients at once, each change an opening
    /// move of the bottle ledger in the same transaction.
    pub async fn set_bottles_held_bulk(&self, held: &[(String, i64)]) -> Result<()> {
        let rows: Vec<serde_json::Value> = held
            .iter()
            .map(|(id, n)| json!({ "id": id, "n": n }))
            .collect();
        self.run_with(
            "BEGIN TRANSACTION;
             FOR $r IN $rows {
                 LET $c = type::record('clients', $r.id);
                 LET $was = (SELECT VALUE bottles_held FROM ONLY $c) ?? 0;
                 IF $r.n != $was {
                     UPDATE $c SET bottles_held = $r.n RETURN NONE;
                     CREATE bottle_moves CONTENT { client_id: $r.id, kind: 'opening',
                         qty: $r.n - $was, at: $at } RETURN NONE;
                 };
             };
             COMMIT TRANSACTION;",
            json!({ "rows": rows, "at": chrono::Utc::now().to_rfc3339() }),
            vec![],
        )
        .await?;
        Ok(())
    }
}
