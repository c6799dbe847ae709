//! Settings: the telephony adapters (admins; secrets are write-only) and the
//! company's order settings (managers and admins).

use gloo_net::http::Request;
use rodnik_shared::api::{
    BottleSettings, OrderSettings, PutTelephonySettings, TelephonySettingsView,
};

use super::{Api, ApiError};

impl Api {
    pub async fn telephony_settings(&self) -> Result<TelephonySettingsView, ApiError> {
        self.json(
            self.auth(Request::get("/api/settings/telephony"))
                .send()
                .await,
        )
        .await
    }

    pub async fn put_telephony_settings(
        &self,
        put: &PutTelephonySettings,
    ) -> Result<TelephonySettingsView, ApiError> {
        let r = self
            .auth(Request::put("/api/settings/telephony"))
            .json(put)
            .map_err(|e| ApiError::Decode(e.to_string()))?;
        self.json(r.send().await).await
    }

    pub async fn order_settings(&self) -> Result<OrderSettings, ApiError> {
        self.json(self.auth(Request::get("/api/settings/orders")).send().await)
            .await
    }

    pub async fn put_order_settings(&self, put: &OrderSettings) -> Result<OrderSettings, ApiError> {
        let r = self
            .auth(Request::put("/api/settings/orders"))
            .json(put)
            .map_err(|e| ApiError::Decode(e.to_string()))?;
        self.json(r.send().await).await
    }

    pub async fn bottle_settings(&self) -> Result<BottleSettings, ApiError> {
        self.json(
            self.auth(Request::get("/api/settings/bottles"))
                .send()
                .await,
        )
        .await
    }

    pub async fn put_bottle_settings(
        &self,
        put: &BottleSettings,
    ) -> Result<BottleSettings, ApiError> {
        let r = self
            .auth(Request::put("/api/settings/bottles"))
            .json(put)
            .map_err(|e| ApiError::Decode(e.to_string()))?;
        self.json(r.send().await).await
    }
}
