//! The courier app's calls: the day's route and closing a stop. Every close
//! carries the `Idempotency-Key` made when the courier confirmed it (kept in
//! the offline queue across retries and reloads) and the device's time.

use gloo_net::http::Request;
use rodnik_shared::api::{ClientCard, DeliverOrder, FailOrder, Order, RescheduleOrder, Route};

use super::{enc, Api, ApiError};

impl Api {
    /// The signed-in courier's stops of the company's today, in route order.
    pub async fn my_route(&self) -> Result<Route, ApiError> {
        self.json(self.auth(Request::get("/api/route")).send().await)
            .await
    }

    pub async fn deliver(
        &self,
        id: &str,
        req: &DeliverOrder,
        key: &str,
    ) -> Result<Order, ApiError> {
        let path = format!("/api/orders/{}/deliver", enc(id));
        self.post(&path, req, Some(key)).await
    }

    /// The courier's route of another day (tomorrow's, read-only).
    pub async fn my_route_on(&self, date: &str) -> Result<Route, ApiError> {
        let r = self
            .auth(Request::get("/api/route"))
            .query([("date", date)]);
        self.json(r.send().await).await
    }

    pub async fn reschedule(
        &self,
        id: &str,
        req: &RescheduleOrder,
        key: &str,
    ) -> Result<Order, ApiError> {
        let path = format!("/api/orders/{}/reschedule", enc(id));
        self.post(&path, req, Some(key)).await
    }

    pub async fn fail(&self, id: &str, req: &FailOrder, key: &str) -> Result<Order, ApiError> {
        let path = format!("/api/orders/{}/fail", enc(id));
        self.post(&path, req, Some(key)).await
    }

    /// A client's phones, as a courier may see them (through their own stops).
    pub async fn client_phones(&self, id: &str) -> Result<Vec<String>, ApiError> {
        let path = format!("/api/clients/{}", enc(id));
        let card: ClientCard = self
            .json(self.auth(Request::get(&path)).send().await)
            .await?;
        Ok(card
            .client
            .phones
            .iter()
            .map(|p| p.as_str().to_string())
            .collect())
    }
}
