//! The wallboard's calls: today's snapshot (by link key or a manager's
//! token) and the links managers make.

use gloo_net::http::Request;
use rodnik_shared::api::{
    CreateWallboard, Wallboard, WallboardCalls, WallboardCreated, WallboardSnapshot,
};

use super::{enc, Api, ApiError};

impl Api {
    /// Today's couriers and orders; `key` is a wallboard link's key, else
    /// this API's token must be a manager's.
    pub async fn wallboard(&self, key: Option<&str>) -> Result<WallboardSnapshot, ApiError> {
        let mut r = self.auth(Request::get("/api/wallboard"));
        if let Some(k) = key {
            r = r.query([("key", k)]);
        }
        self.json(r.send().await).await
    }

    /// Today's call figures per operator (a manager's token).
    pub async fn wallboard_calls(&self) -> Result<WallboardCalls, ApiError> {
        self.json(self.auth(Request::get("/api/wallboard/calls")).send().await)
            .await
    }

    pub async fn wallboards(&self) -> Result<Vec<Wallboard>, ApiError> {
        self.json(self.auth(Request::get("/api/wallboards")).send().await)
            .await
    }

    pub async fn create_wallboard(
        &self,
        name: &str,
        key: &str,
    ) -> Result<WallboardCreated, ApiError> {
        let body = CreateWallboard {
            name: name.to_string(),
        };
        self.post("/api/wallboards", &body, Some(key)).await
    }

    pub async fn revoke_wallboard(&self, id: &str) -> Result<Wallboard, ApiError> {
        let path = format!("/api/wallboards/{}/revoke", enc(id));
        let key = format!("wallboard:revoke:{id}");
        self.post(&path, &serde_json::json!({}), Some(&key)).await
    }
}
