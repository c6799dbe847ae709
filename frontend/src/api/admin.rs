//! The administration endpoints: users, the price list, contract prices.

use gloo_net::http::Request;
use rodnik_shared::api::{
    ContractPrices, CreateProduct, CreateUser, PatchProduct, PatchUser, ProductEntry, PutPrices,
    User,
};

use super::{enc, Api, ApiError};

impl Api {
    /// Every user, deactivated ones too (admin).
    pub async fn users(&self) -> Result<Vec<User>, ApiError> {
        self.json(self.auth(Request::get("/api/users")).send().await)
            .await
    }

    pub async fn create_user(&self, req: &CreateUser, key: &str) -> Result<User, ApiError> {
        self.post("/api/users", req, Some(key)).await
    }

    pub async fn patch_user(&self, id: &str, req: &PatchUser) -> Result<User, ApiError> {
        self.patch_json(&format!("/api/users/{}", enc(id)), req)
            .await
    }

    /// Every product, those off sale too, with the flag.
    pub async fn all_products(&self) -> Result<Vec<ProductEntry>, ApiError> {
        let r = self
            .auth(Request::get("/api/products"))
            .query([("all", "true")]);
        self.json(r.send().await).await
    }

    pub async fn create_product(
        &self,
        req: &CreateProduct,
        key: &str,
    ) -> Result<ProductEntry, ApiError> {
        self.post("/api/products", req, Some(key)).await
    }

    pub async fn patch_product(
        &self,
        id: &str,
        req: &PatchProduct,
    ) -> Result<ProductEntry, ApiError> {
        self.patch_json(&format!("/api/products/{}", enc(id)), req)
            .await
    }

    /// Replaces the client's contract prices; answers with the new list.
    pub async fn put_client_prices(
        &self,
        id: &str,
        req: &PutPrices,
    ) -> Result<ContractPrices, ApiError> {
        let path = format!("/api/clients/{}/prices", enc(id));
        self.send_json(Request::put(&path), req).await
    }
}
