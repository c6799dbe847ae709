//! Extractors whose rejections speak the API's error format, and the
//! current user from the bearer token.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRef, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use rodnik_shared::api::User;
use rodnik_shared::Role;
use serde::de::DeserializeOwned;

use crate::app::AppState;
use crate::auth::token_hash;
use crate::error::Error;

/// JSON body: malformed JSON is 400, a well-formed body of the wrong shape is 422.
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Error;

    async fn from_request(req: Request, state: &S) -> Result<Self, Error> {
        if !json_content_type(req.headers()) {
            return Err(Error::BadRequest(
                "expected Content-Type: application/json".into(),
            ));
        }
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|e| Error::BadRequest(e.body_text()))?;
        match axum::Json::<T>::from_bytes(&bytes) {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            // The shape is checked while parsing, so a truncated body can fail
            // on its shape first: it is still malformed, not merely wrong.
            Err(JsonRejection::JsonDataError(e)) if is_json(&bytes) => Err(Error::invalid(
                "body",
                e.body_text().replace(
                    "Failed to deserialize the JSON body into the target type: ",
                    "",
                ),
            )),
            Err(JsonRejection::JsonDataError(_)) | Err(JsonRejection::JsonSyntaxError(_)) => {
                Err(Error::BadRequest("the body is not valid JSON".into()))
            }
            Err(e) => Err(Error::BadRequest(e.body_text())),
        }
    }
}

fn is_json(bytes: &[u8]) -> bool {
    serde_json::from_slice::<serde::de::IgnoredAny>(bytes).is_ok()
}

/// `application/json` or `application/<something>+json`.
fn json_content_type(headers: &axum::http::HeaderMap) -> bool {
    let Some(ct) = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let essence = ct
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || essence
            .strip_prefix("application/")
            .is_some_and(|s| s.ends_with("+json"))
}

/// A JSON body that may be left out entirely (then `T::default()`).
pub struct MaybeJson<T>(pub T);

impl<S, T> FromRequest<S> for MaybeJson<T>
where
    T: DeserializeOwned + Default,
    S: Send + Sync,
{
    type Rejection = Error;

    async fn from_request(req: Request, state: &S) -> Result<Self, Error> {
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|e| Error::BadRequest(e.body_text()))?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(MaybeJson(T::default()));
        }
        match serde_json::from_slice::<T>(&bytes) {
            Ok(v) => Ok(MaybeJson(v)),
            Err(e) if e.is_syntax() || e.is_eof() || !is_json(&bytes) => {
                Err(Error::BadRequest("the body is not valid JSON".into()))
            }
            Err(e) => Err(Error::invalid("body", e.to_string())),
        }
    }
}

pub struct ApiQuery<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Error> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| ApiQuery(q.0))
            .map_err(|e: QueryRejection| Error::BadRequest(e.body_text()))
    }
}

/// The logged-in user. Rejects with 401 without a valid bearer token.
#[derive(Debug, Clone)]
pub struct CurrentUser(pub User);

pub fn bearer(headers: &axum::http::HeaderMap) -> Option<&str> {
    headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

impl<S> FromRequestParts<S> for CurrentUser
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Error> {
        if let Some(u) = parts.extensions.get::<CurrentUser>() {
            return Ok(u.clone());
        }
        let state = AppState::from_ref(state);
        let token = bearer(&parts.headers).ok_or(Error::Unauthorized)?;
        let user = state
            .store
            .session_user(&token_hash(token))
            .await?
            .ok_or(Error::Unauthorized)?;
        let user = CurrentUser(user);
        parts.extensions.insert(user.clone());
        Ok(user)
    }
}

impl CurrentUser {
    pub fn role(&self) -> Role {
        self.0.role
    }

    pub fn id(&self) -> &str {
        &self.0.id
    }

    pub fn name(&self) -> &str {
        &self.0.name
    }

    pub fn require_operator(&self) -> Result<(), Error> {
        if self.role().is_operator_or_up() {
            Ok(())
        } else {
            Err(Error::forbidden("operators, managers and admins only"))
        }
    }

    pub fn require_manager(&self) -> Result<(), Error> {
        if self.role().is_manager_or_up() {
            Ok(())
        } else {
            Err(Error::forbidden("managers and admins only"))
        }
    }

    pub fn require_admin(&self) -> Result<(), Error> {
        if self.role().is_admin() {
            Ok(())
        } else {
            Err(Error::forbidden("admins only"))
        }
    }
}

/// The address a request comes from: the peer, or, when the peer is a reverse
/// proxy (this machine, or an address in `RODNIK_TRUSTED_PROXIES`;
/// docs/operations.md), the last address of its `X-Forwarded-For`.
pub fn client_address(
    peer: Option<std::net::SocketAddr>,
    headers: &axum::http::HeaderMap,
    trusted: &[std::net::IpAddr],
) -> Option<std::net::IpAddr> {
    let peer = peer?.ip();
    if !peer.is_loopback() && !trusted.contains(&peer) {
        return Some(peer);
    }
    headers
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.rsplit(',').next())
        .and_then(|a| a.trim().parse().ok())
        .or(Some(peer))
}
