//! Reads for the reports: orders of a date range, and per-client history.

use rodnik_shared::api::Order;
use rodnik_shared::OrderState;
use serde_json::{json, Value};

use super::{decode_all, Store};
use crate::error::Result;

/// The few fields of an order that the lost-clients report needs.
#[derive(Debug, serde::Deserialize)]
pub struct OrderFact {
    pub client_id: String,
    pub delivery_date: String,
    pub state: OrderState,
}

impl Store {
    /// Orders whose `delivery_date` is within `[from, to]` (inclusive).
    pub async fn orders_between(&self, from: &str, to: &str) -> Result<Vec<Order>> {
        let rows = self
            .many(
                "SELECT * OMIT delivered_by FROM orders
                 WHERE delivery_date >= $from AND delivery_date <= $to",
                json!({ "from": from, "to": to }),
                vec![],
            )
            .await?;
        decode_all(rows)
    }

    pub async fn order_facts(&self) -> Result<Vec<OrderFact>> {
        let rows: Vec<Value> = self
            .many(
                "SELECT client_id, delivery_date, state FROM orders",
                Value::Null,
                vec![],
            )
            .await?;
        rows.into_iter()
            .map(|r| serde_json::from_value(r).map_err(Into::into))
            .collect()
    }
}
