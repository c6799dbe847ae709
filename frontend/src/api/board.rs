//! The dispatch board's calls: orders waiting for a new date, the day's
//! missed calls, and the order actions a dispatcher takes from the board.

use gloo_net::http::Request;
use rodnik_shared::api::{Call, CancelOrder, Order, PutRoute, Route, VersionOnly};

use super::{enc, Api, ApiError};

impl Api {
    /// Open orders whose delivery failed and that wait for a new date (any day).
    pub async fn orders_needing_date(&self) -> Result<Vec<Order>, ApiError> {
        let r = self
            .auth(Request::get("/api/orders"))
            .query([("needs_new_date", "true")]);
        self.json(r.send().await).await
    }

    /// The calls of `date` nobody answered, newest first, with client names.
    pub async fn missed_calls(&self, date: &str) -> Result<Vec<Call>, ApiError> {
        let r = self
            .auth(Request::get("/api/calls"))
            .query([("date", date), ("missed", "true")]);
        self.json(r.send().await).await
    }

    /// Marks a missed call as called back.
    pub async fn mark_called_back(&self, call_id: &str) -> Result<Call, ApiError> {
        let path = format!("/api/calls/{}/callback", enc(call_id));
        let key = format!("board:callback:{call_id}");
        self.post(&path, &serde_json::json!({}), Some(&key)).await
    }

    /// Takes a dispatched order back from its courier. The key is derived
    /// from the version, so a retry of the same click changes nothing twice.
    pub async fn recall(&self, id: &str, version: i64) -> Result<Order, ApiError> {
        let path = format!("/api/orders/{}/recall", enc(id));
        let body = VersionOnly {
            expected_version: Some(version),
        };
        let key = format!("board:{id}:recall:{version}");
        self.post(&path, &body, Some(&key)).await
    }

    pub async fn cancel(
        &self,
        id: &str,
        version: i64,
        reason_id: Option<&str>,
        reason: &str,
    ) -> Result<Order, ApiError> {
        let path = format!("/api/orders/{}/cancel", enc(id));
        let body = CancelOrder {
            reason_id: reason_id.map(str::to_string),
            reason: reason.to_string(),
            expected_version: Some(version),
        };
        // The reason is part of the body, so part of the key: a retry after
        // a refused empty reason is a different request.
        let said = format!("{}:{reason}", reason_id.unwrap_or_default());
        let key = format!("board:{id}:cancel:{version}:{:016x}", fnv1a(&said));
        self.post(&path, &body, Some(&key)).await
    }

    /// Puts a courier's stops of a day in this order (all of them, once each).
    pub async fn put_route(&self, req: &PutRoute) -> Result<Route, ApiError> {
        let r = self
            .auth(Request::put("/api/route"))
            .json(req)
            .map_err(|e| ApiError::Decode(e.to_string()))?;
        self.json(r.send().await).await
    }
}

impl Api {
    pub async fn order(&self, id: &str) -> Result<Order, ApiError> {
        let path = format!("/api/orders/{}", enc(id));
        self.json(self.auth(Request::get(&path)).send().await).await
    }
}

/// FNV-1a, 64 bits: a stable short digest for idempotency keys.
fn fnv1a(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}
