//! Admin settings: the telephony adapters (secrets are write-only).

use gloo_net::http::Request;
use rodnik_shared::api::{PutTelephonySettings, TelephonySettingsView};

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
}
