//! Typed client of the Rodnik HTTP API (`docs/api.md`): request and response
//! bodies are the `rodnik_shared::api` types the server itself uses.

mod account;
mod admin;
mod board;
mod cash;
mod clients;
mod courier;
pub mod documents;
pub mod equipment;
pub mod live;
pub mod money;
pub mod notify;
pub mod planning;
pub mod reasons;
pub mod receipts;
pub mod rentals;
pub mod reports;
pub mod session;
mod settings;
pub mod standing;
mod wallboard;

use std::fmt;

use gloo_net::http::{Request, RequestBuilder};
use rodnik_shared::api::{
    ClientCard, ClientSummary, ContractPrices, CreateClient, CreateOrder, ErrorBody, LoginRequest,
    LoginResponse, Me, Order, PatchOrder, Product, User, VersionOnly,
};
use serde::de::DeserializeOwned;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// 401: no token, a wrong one, or one that was logged out.
    Unauthorized,
    /// Any other non-2xx answer with the API's error body.
    Api {
        status: u16,
        code: String,
        message: String,
        /// The request field a 422 is about (`name`, `addresses[0].text`).
        field: Option<String>,
    },
    /// The request did not reach the server or no answer came back.
    Network(String),
    /// A 2xx answer whose body is not what the API promises.
    Decode(String),
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::Unauthorized => f.write_str("not logged in"),
            ApiError::Api {
                status, message, ..
            } => write!(f, "{message} ({status})"),
            ApiError::Network(e) => write!(f, "network error: {e}"),
            ApiError::Decode(e) => write!(f, "unexpected answer: {e}"),
        }
    }
}

/// The API as one user sees it; cheap to build per call.
#[derive(Debug, Clone, Default)]
pub struct Api {
    token: Option<String>,
}

impl Api {
    pub fn anonymous() -> Api {
        Api::default()
    }

    pub fn with_token(token: &str) -> Api {
        Api {
            token: Some(token.to_string()),
        }
    }

    pub async fn login(&self, req: &LoginRequest) -> Result<LoginResponse, ApiError> {
        let r = Request::post("/api/auth/login")
            .json(req)
            .map_err(|e| ApiError::Decode(e.to_string()))?;
        self.json(r.send().await).await
    }

    pub async fn logout(&self) -> Result<(), ApiError> {
        self.empty(self.auth(Request::post("/api/auth/logout")).send().await)
            .await
    }

    /// The user, with the company's today and time zone.
    pub async fn me(&self) -> Result<Me, ApiError> {
        self.json(self.auth(Request::get("/api/me")).send().await)
            .await
    }

    /// The orders to deliver on `date` (`YYYY-MM-DD`).
    pub async fn orders_on(&self, date: &str) -> Result<Vec<Order>, ApiError> {
        let r = self
            .auth(Request::get("/api/orders"))
            .query([("date", date)]);
        self.json(r.send().await).await
    }

    /// Clients whose name, phone or address contains `q` (at least 2 characters).
    pub async fn search_clients(&self, q: &str) -> Result<Vec<ClientSummary>, ApiError> {
        let r = self.auth(Request::get("/api/clients")).query([("q", q)]);
        self.json(r.send().await).await
    }

    /// Possible duplicates of a client being typed (`GET /api/clients/similar`):
    /// `phones` as typed (comma-separated), the name, each address.
    pub async fn similar_clients(
        &self,
        phones: &str,
        name: &str,
        addresses: &[String],
    ) -> Result<rodnik_shared::api::Similar, ApiError> {
        let mut params = vec![("phone", phones), ("name", name)];
        params.extend(addresses.iter().map(|a| ("address", a.as_str())));
        let r = self
            .auth(Request::get("/api/clients/similar"))
            .query(params);
        self.json(r.send().await).await
    }

    pub async fn client(&self, id: &str) -> Result<ClientCard, ApiError> {
        let path = format!("/api/clients/{}", enc(id));
        self.json(self.auth(Request::get(&path)).send().await).await
    }

    pub async fn create_client(
        &self,
        req: &CreateClient,
        key: &str,
    ) -> Result<ClientCard, ApiError> {
        self.post("/api/clients", req, Some(key)).await
    }

    pub async fn products(&self) -> Result<Vec<Product>, ApiError> {
        self.json(self.auth(Request::get("/api/products")).send().await)
            .await
    }

    /// The client's contract prices (only the products that have one).
    pub async fn client_prices(&self, id: &str) -> Result<ContractPrices, ApiError> {
        let path = format!("/api/clients/{}/prices", enc(id));
        self.json(self.auth(Request::get(&path)).send().await).await
    }

    pub async fn couriers(&self) -> Result<Vec<User>, ApiError> {
        let r = self
            .auth(Request::get("/api/users"))
            .query([("role", "courier")]);
        self.json(r.send().await).await
    }

    pub async fn create_order(&self, req: &CreateOrder, key: &str) -> Result<Order, ApiError> {
        self.post("/api/orders", req, Some(key)).await
    }

    pub async fn patch_order(&self, id: &str, req: &PatchOrder) -> Result<Order, ApiError> {
        let path = format!("/api/orders/{}", enc(id));
        let r = self
            .auth(Request::patch(&path))
            .json(req)
            .map_err(|e| ApiError::Decode(e.to_string()))?;
        self.json(r.send().await).await
    }

    pub async fn dispatch(&self, id: &str, version: i64, key: &str) -> Result<Order, ApiError> {
        let path = format!("/api/orders/{}/dispatch", enc(id));
        let body = VersionOnly {
            expected_version: Some(version),
        };
        self.post(&path, &body, Some(key)).await
    }

    /// Click-to-call: the PBX rings this operator's phone, then `req.phone`.
    pub async fn originate(
        &self,
        req: &rodnik_shared::api::OriginateRequest,
        key: &str,
    ) -> Result<rodnik_shared::api::OriginateResponse, ApiError> {
        self.post("/api/calls/originate", req, Some(key)).await
    }

    /// The phone this operator sits at (`None`: none); the user as it is now.
    pub async fn set_extension(&self, extension: Option<String>) -> Result<User, ApiError> {
        let body = rodnik_shared::api::SetExtension { extension };
        let r = self
            .auth(Request::put("/api/me/extension"))
            .json(&body)
            .map_err(|e| ApiError::Decode(e.to_string()))?;
        self.json(r.send().await).await
    }

    /// A POST with an `Idempotency-Key`: a retry with the same key and body
    /// gets the first answer and changes nothing.
    async fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
        key: Option<&str>,
    ) -> Result<T, ApiError> {
        let mut r = self.auth(Request::post(path));
        if let Some(k) = key {
            r = r.header("Idempotency-Key", k);
        }
        let r = r.json(body).map_err(|e| ApiError::Decode(e.to_string()))?;
        self.json(r.send().await).await
    }

    /// A JSON body sent with `r` (a PATCH or PUT), its JSON answer.
    async fn send_json<B: Serialize, T: DeserializeOwned>(
        &self,
        r: RequestBuilder,
        body: &B,
    ) -> Result<T, ApiError> {
        let r = self
            .auth(r)
            .json(body)
            .map_err(|e| ApiError::Decode(e.to_string()))?;
        self.json(r.send().await).await
    }

    async fn patch_json<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, ApiError> {
        self.send_json(Request::patch(path), body).await
    }

    fn auth(&self, r: RequestBuilder) -> RequestBuilder {
        match &self.token {
            Some(t) => r.header("Authorization", &format!("Bearer {t}")),
            None => r,
        }
    }
}

impl ApiError {
    /// The field a validation error names, if any.
    pub fn field(&self) -> Option<&str> {
        match self {
            ApiError::Api { field, .. } => field.as_deref(),
            _ => None,
        }
    }

    /// The server's error code (`not_found`, `stale_version`...), if any.
    pub fn code(&self) -> Option<&str> {
        match self {
            ApiError::Api { code, .. } => Some(code),
            _ => None,
        }
    }

    pub fn message(&self) -> String {
        match self {
            ApiError::Api { message, .. } => message.clone(),
            other => other.to_string(),
        }
    }

    /// The field it is about (empty: none) and what to say next to it, in
    /// the UI's language.
    pub fn field_error(&self, lang: crate::i18n::Lang) -> (String, String) {
        let field = self.field().unwrap_or_default().to_string();
        let message = match self {
            ApiError::Network(_) => lang.t().network_error.to_string(),
            _ => field_message(lang, &field, &self.message()),
        };
        (field, message)
    }

    /// 409 `stale_version`: the record changed since it was read.
    pub fn is_stale(&self) -> bool {
        matches!(self, ApiError::Api { status: 409, code, .. } if code == "stale_version")
    }
}

/// The server's message without the field name it starts with (the error is
/// shown next to that field); the commonest one in the UI's language.
fn field_message(lang: crate::i18n::Lang, field: &str, message: &str) -> String {
    let bare = message
        .strip_prefix(field)
        .and_then(|m| m.strip_prefix(": "))
        .filter(|_| !field.is_empty())
        .unwrap_or(message);
    match bare {
        "is required" => lang.t().required.to_string(),
        other => other.to_string(),
    }
}

/// A fresh random key for one submit attempt (kept across its retries).
pub fn new_idempotency_key() -> String {
    let mut out = String::with_capacity(36);
    for (i, len) in [8, 4, 4, 4, 12].into_iter().enumerate() {
        if i > 0 {
            out.push('-');
        }
        for _ in 0..len {
            let d = (js_sys::Math::random() * 16.0) as u32 % 16;
            out.push(char::from_digit(d, 16).unwrap_or('0'));
        }
    }
    out
}

/// A temporary link to these bytes (revoke it with `Url::revoke_object_url`
/// when done): how the app hands a fetched file to `<a download>` or `<audio>`,
/// which could not send the token themselves.
pub fn blob_url(bytes: &[u8], kind: &str) -> Result<String, wasm_bindgen::JsValue> {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(kind);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)?;
    web_sys::Url::create_object_url_with_blob(&blob)
}

impl Api {
    /// A file the server answers with: its bytes and headers (the request
    /// carries the token, which a plain link could not).
    async fn file(
        &self,
        r: RequestBuilder,
    ) -> Result<(Vec<u8>, gloo_net::http::Headers), ApiError> {
        let resp = self
            .auth(r)
            .send()
            .await
            .map_err(|e| ApiError::Network(e.to_string()))?;
        if !resp.ok() {
            self.checked(Ok(resp)).await?;
            return Err(ApiError::Decode("an error without a body".into()));
        }
        let headers = resp.headers();
        let bytes = resp
            .binary()
            .await
            .map_err(|e| ApiError::Network(e.to_string()))?;
        Ok((bytes, headers))
    }
}

fn enc(s: &str) -> String {
    String::from(js_sys::encode_uri_component(s))
}

type Sent = Result<gloo_net::http::Response, gloo_net::Error>;

impl Api {
    async fn json<T: DeserializeOwned>(&self, sent: Sent) -> Result<T, ApiError> {
        let body = self.checked(sent).await?;
        serde_json::from_str(&body).map_err(|e| ApiError::Decode(e.to_string()))
    }

    async fn empty(&self, sent: Sent) -> Result<(), ApiError> {
        self.checked(sent).await.map(|_| ())
    }

    /// `answer`, and a 401 to a request that carried a session's token ends
    /// that session (`session::expired`): no page handles it itself.
    async fn checked(&self, sent: Sent) -> Result<String, ApiError> {
        let got = answer(sent).await;
        if let (Err(ApiError::Unauthorized), Some(token)) = (&got, &self.token) {
            session::expired(token);
        }
        got
    }
}

/// The body of a 2xx answer, or the error it stands for.
async fn answer(sent: Sent) -> Result<String, ApiError> {
    let resp = sent.map_err(|e| ApiError::Network(e.to_string()))?;
    let status = resp.status();
    let body = resp
        .text()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))?;
    match status {
        200..=299 => Ok(body),
        401 => Err(ApiError::Unauthorized),
        _ => Err(match serde_json::from_str::<ErrorBody>(&body) {
            Ok(b) => ApiError::Api {
                status,
                code: b.error.code,
                message: b.error.message,
                field: b.error.field,
            },
            Err(_) => ApiError::Api {
                status,
                code: "http_error".into(),
                message: resp.status_text(),
                field: None,
            },
        }),
    }
}
