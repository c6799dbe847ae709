//! The client's account (issue 20): its moves page by page, a manager's
//! payment or correction, and the contract's terms.

use gloo_net::http::Request;
use rodnik_shared::api::{AccountMove, ClientAccount, ClientCard, NewAccountMove, PutContract};

use super::{enc, Api, ApiError};

impl Api {
    /// Where the account stands and a page of its moves, newest first
    /// (`before`: the previous page's `next_before`).
    pub async fn client_account(
        &self,
        client_id: &str,
        before: Option<&str>,
    ) -> Result<ClientAccount, ApiError> {
        let path = format!("/api/clients/{}/account", enc(client_id));
        let mut q: Vec<(&str, &str)> = vec![("limit", "20")];
        if let Some(b) = before {
            q.push(("before", b));
        }
        self.json(self.auth(Request::get(&path)).query(q).send().await)
            .await
    }

    /// A payment received, an opening balance or a correction; `key` makes
    /// a retry count once.
    pub async fn add_account_move(
        &self,
        client_id: &str,
        req: &NewAccountMove,
        key: &str,
    ) -> Result<AccountMove, ApiError> {
        let path = format!("/api/clients/{}/account", enc(client_id));
        self.post(&path, req, Some(key)).await
    }

    /// The contract's terms, at the client's version (409 `stale_version`).
    pub async fn put_contract(
        &self,
        client_id: &str,
        req: &PutContract,
    ) -> Result<ClientCard, ApiError> {
        let path = format!("/api/clients/{}/contract", enc(client_id));
        self.send_json(Request::put(&path), req).await
    }
}
