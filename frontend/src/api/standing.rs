//! Standing orders (`docs/api.md`, "Standing orders", issue 23): a client's
//! standing orders, setting one up, changing its skips and pauses, ending it.

use gloo_net::http::Request;
use rodnik_shared::api::{CreateStandingOrder, PatchStandingOrder, StandingOrder};

use super::{enc, new_idempotency_key, Api, ApiError};

impl Api {
    /// The client's standing orders in force, oldest first.
    pub async fn client_standing(&self, client_id: &str) -> Result<Vec<StandingOrder>, ApiError> {
        let r = self
            .auth(Request::get("/api/standing-orders"))
            .query([("client_id", client_id)]);
        self.json(r.send().await).await
    }

    /// Sets one up; its dates within the generated days are made at once.
    pub async fn create_standing(
        &self,
        req: &CreateStandingOrder,
    ) -> Result<StandingOrder, ApiError> {
        self.post("/api/standing-orders", req, Some(&new_idempotency_key()))
            .await
    }

    /// The standing order at its next version (409 `stale_version`, `ended`).
    pub async fn patch_standing(
        &self,
        id: &str,
        req: &PatchStandingOrder,
    ) -> Result<StandingOrder, ApiError> {
        let path = format!("/api/standing-orders/{}", enc(id));
        self.patch_json(&path, req).await
    }

    /// Ends it: nothing more is generated, its orders still new are cancelled.
    pub async fn end_standing(&self, id: &str) -> Result<StandingOrder, ApiError> {
        let path = format!("/api/standing-orders/{}", enc(id));
        self.json(self.auth(Request::delete(&path)).send().await)
            .await
    }
}
