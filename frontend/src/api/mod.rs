//! Typed client of the Rodnik HTTP API (`shared/API.md`): request and response
//! bodies are the `rodnik_shared::api` types the server itself uses.

pub mod live;

use std::fmt;

use gloo_net::http::{Request, RequestBuilder};
use rodnik_shared::api::{ErrorBody, LoginRequest, LoginResponse, Order, User};
use serde::de::DeserializeOwned;

#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// 401: no token, a wrong one, or one that was logged out.
    Unauthorized,
    /// Any other non-2xx answer with the API's error body.
    Api {
        status: u16,
        code: String,
        message: String,
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
        json(r.send().await).await
    }

    pub async fn logout(&self) -> Result<(), ApiError> {
        empty(self.auth(Request::post("/api/auth/logout")).send().await).await
    }

    pub async fn me(&self) -> Result<User, ApiError> {
        json(self.auth(Request::get("/api/me")).send().await).await
    }

    /// The orders to deliver on `date` (`YYYY-MM-DD`).
    pub async fn orders_on(&self, date: &str) -> Result<Vec<Order>, ApiError> {
        let r = self
            .auth(Request::get("/api/orders"))
            .query([("date", date)]);
        json(r.send().await).await
    }

    fn auth(&self, r: RequestBuilder) -> RequestBuilder {
        match &self.token {
            Some(t) => r.header("Authorization", &format!("Bearer {t}")),
            None => r,
        }
    }
}

type Sent = Result<gloo_net::http::Response, gloo_net::Error>;

async fn json<T: DeserializeOwned>(sent: Sent) -> Result<T, ApiError> {
    let body = checked(sent).await?;
    serde_json::from_str(&body).map_err(|e| ApiError::Decode(e.to_string()))
}

async fn empty(sent: Sent) -> Result<(), ApiError> {
    checked(sent).await.map(|_| ())
}

/// The body of a 2xx answer, or the error it stands for.
async fn checked(sent: Sent) -> Result<String, ApiError> {
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
            },
            Err(_) => ApiError::Api {
                status,
                code: "http_error".into(),
                message: resp.status_text(),
            },
        }),
    }
}
