//! Rental agreements (`docs/api.md`, "Rentals"): a client's agreements,
//! renting a piece of equipment out, ordering its collection.

use gloo_net::http::Request;
use rodnik_shared::api::{
    EndRental, EquipmentSettings, NewRental, Order, Rental, RentalStop, RentalWithOrder,
};

use super::{enc, Api, ApiError};

impl Api {
    /// The sanitation interval and service.
    pub async fn equipment_settings(&self) -> Result<EquipmentSettings, ApiError> {
        let r = self.auth(Request::get("/api/settings/equipment"));
        self.json(r.send().await).await
    }

    pub async fn put_equipment_settings(
        &self,
        put: &EquipmentSettings,
    ) -> Result<EquipmentSettings, ApiError> {
        let r = self
            .auth(Request::put("/api/settings/equipment"))
            .json(put)
            .map_err(|e| ApiError::Decode(e.to_string()))?;
        self.json(r.send().await).await
    }

    /// The client's agreements, newest first.
    pub async fn client_rentals(&self, client_id: &str) -> Result<Vec<Rental>, ApiError> {
        let r = self
            .auth(Request::get("/api/rentals"))
            .query([("client_id", client_id)]);
        self.json(r.send().await).await
    }

    /// The agreement and its delivery order (409 `equipment_taken`).
    pub async fn create_rental(
        &self,
        req: &NewRental,
        key: &str,
    ) -> Result<RentalWithOrder, ApiError> {
        self.post("/api/rentals", req, Some(key)).await
    }

    /// Orders the sanitation of equipment at a client.
    pub async fn order_sanitation(
        &self,
        equipment_id: &str,
        stop: &RentalStop,
        key: &str,
    ) -> Result<Order, ApiError> {
        let path = format!("/api/equipment/{}/sanitation", enc(equipment_id));
        self.post(&path, stop, Some(key)).await
    }

    /// Orders the collection of an agreement's equipment.
    pub async fn end_rental(
        &self,
        id: &str,
        req: &EndRental,
        key: &str,
    ) -> Result<RentalWithOrder, ApiError> {
        let path = format!("/api/rentals/{}/end", enc(id));
        self.post(&path, req, Some(key)).await
    }
}
