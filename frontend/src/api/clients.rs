//! Client upkeep: edits (compare-and-set on the client's version), addresses
//! notes and the client's history.

use gloo_net::http::Request;
use rodnik_shared::api::{
    BottleMove, ClientBottles, ClientCard, ClientHistory, ClientNote, CreateNote, EditAddress,
    Geocoded, NewAddress, NewBottleMove, PatchClient,
};

use super::{enc, Api, ApiError};

impl Api {
    pub async fn patch_client(&self, id: &str, req: &PatchClient) -> Result<ClientCard, ApiError> {
        self.patch_json(&format!("/api/clients/{}", enc(id)), req)
            .await
    }

    pub async fn add_address(
        &self,
        client_id: &str,
        req: &NewAddress,
        key: &str,
    ) -> Result<ClientCard, ApiError> {
        let path = format!("/api/clients/{}/addresses", enc(client_id));
        self.post(&path, req, Some(key)).await
    }

    /// Edits an address, or retires it / brings it back (`req.retired`).
    pub async fn edit_address(
        &self,
        client_id: &str,
        address_id: &str,
        req: &EditAddress,
    ) -> Result<ClientCard, ApiError> {
        let path = format!(
            "/api/clients/{}/addresses/{}",
            enc(client_id),
            enc(address_id)
        );
        self.send_json(Request::put(&path), req).await
    }

    /// Asks the geocoder where an address is (issue 21): a house-level
    /// answer is put on the address (`saved`), a rougher one only returned.
    pub async fn geocode_address(
        &self,
        client_id: &str,
        address_id: &str,
    ) -> Result<Geocoded, ApiError> {
        let path = format!(
            "/api/clients/{}/addresses/{}/geocode",
            enc(client_id),
            enc(address_id)
        );
        self.post(&path, &serde_json::json!({}), None).await
    }

    pub async fn add_note(
        &self,
        client_id: &str,
        text: &str,
        key: &str,
    ) -> Result<ClientNote, ApiError> {
        let path = format!("/api/clients/{}/notes", enc(client_id));
        let body = CreateNote {
            text: text.to_string(),
        };
        self.post(&path, &body, Some(key)).await
    }

    /// A page of the client's history (`state`: only orders in it;
    /// `before`: the previous page's `next_before`).
    /// A call's recording as a temporary link `<audio>` can play (the
    /// request carries the token, a plain `src` could not): the caller
    /// revokes it.
    pub async fn recording_url(&self, id: &str) -> Result<String, ApiError> {
        let path = format!("/api/recordings/{}", enc(id));
        let (bytes, headers) = self.file(Request::get(&path)).await?;
        let kind = headers
            .get("content-type")
            .unwrap_or_else(|| "audio/mpeg".to_string());
        super::blob_url(&bytes, &kind).map_err(|e| ApiError::Decode(format!("{e:?}")))
    }

    /// The client's bottle balance and a page of the ledger (`before`: the
    /// previous page's `next_before`).
    pub async fn client_bottles(
        &self,
        client_id: &str,
        before: Option<&str>,
    ) -> Result<ClientBottles, ApiError> {
        let path = format!("/api/clients/{}/bottles", enc(client_id));
        let mut q: Vec<(&str, &str)> = vec![("limit", "20")];
        if let Some(b) = before {
            q.push(("before", b));
        }
        self.json(self.auth(Request::get(&path)).query(q).send().await)
            .await
    }

    /// A manager's correction or write-off; `key` makes a retry count once.
    pub async fn move_bottles(
        &self,
        client_id: &str,
        req: &NewBottleMove,
        key: &str,
    ) -> Result<BottleMove, ApiError> {
        let path = format!("/api/clients/{}/bottles", enc(client_id));
        self.post(&path, req, Some(key)).await
    }

    pub async fn client_history(
        &self,
        client_id: &str,
        state: Option<&str>,
        before: Option<&str>,
    ) -> Result<ClientHistory, ApiError> {
        let path = format!("/api/clients/{}/history", enc(client_id));
        let mut q: Vec<(&str, &str)> = vec![];
        if let Some(s) = state {
            q.push(("state", s));
        }
        if let Some(b) = before {
            q.push(("before", b));
        }
        self.json(self.auth(Request::get(&path)).query(q).send().await)
            .await
    }
}
