//! `Idempotency-Key` on every POST: a retry with the same key and body gets
//! the first answer and changes nothing; the same key with another body is 409.

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use super::extract::{bearer, CurrentUser};
use crate::app::AppState;
use crate::auth::token_hash;
use crate::error::Error;
use crate::store::idem::IdemStart;

const MAX_BODY: usize = 2 * 1024 * 1024;

/// The idempotency record of the request being handled, whose answer is
/// still to be written.
#[derive(Clone)]
struct Pending {
    record: String,
    body_hash: String,
    /// No pending record was written: the handler's transaction (or the
    /// layer, after it) creates the whole record.
    deferred: bool,
    answered: Arc<AtomicBool>,
}

/// The idempotency record a handler may answer in its own transaction.
pub struct PendingRecord {
    pub record: String,
    /// Set when the record does not exist yet: create it whole with this
    /// body hash (a concurrent request with the same key then makes the
    /// transaction fail as a duplicate, and the layer replays its answer).
    pub create_with_hash: Option<String>,
}

/// Requests whose handler answers in its own transaction, so the layer only
/// reads the key first instead of writing a pending record (one write less
/// for every order taken). The path as the layer sees it, under `/api`.
fn answers_in_its_transaction(path: &str) -> bool {
    path == "/orders"
}

tokio::task_local! {
    static PENDING: Pending;
}

/// The idempotency record a handler may answer in its own transaction
/// (saving a write), when the request carries a fresh key. The body written
/// must be the response's exact bytes; call [`answered`] once it is stored.
pub fn pending_record() -> Option<PendingRecord> {
    PENDING
        .try_with(|p| PendingRecord {
            record: p.record.clone(),
            create_with_hash: p.deferred.then(|| p.body_hash.clone()),
        })
        .ok()
}

/// The handler stored the answer with its own write: the layer leaves it be.
pub fn answered() {
    let _ = PENDING.try_with(|p| p.answered.store(true, Ordering::SeqCst));
}

pub async fn layer(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let key = match req.headers().get("idempotency-key").map(|v| v.to_str()) {
        None => return next.run(req).await,
        Some(Ok(k)) if !k.trim().is_empty() && k.len() <= 200 => k.trim().to_string(),
        Some(_) => {
            return Error::BadRequest("Idempotency-Key must be 1 to 200 visible characters".into())
                .into_response()
        }
    };
    if req.method() != Method::POST {
        return next.run(req).await;
    }
    match run(state, key, req, next).await {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

async fn run(state: AppState, key: String, req: Request, next: Next) -> Result<Response, Error> {
    let (mut parts, body) = req.into_parts();
    let bytes = to_bytes(body, MAX_BODY)
        .await
        .map_err(|_| Error::BadRequest("the body is too large or unreadable".into()))?;
    // Keys belong to a user: two users' keys never collide.
    let scope = match bearer(&parts.headers) {
        Some(token) => match state.store.session_user(&token_hash(token)).await? {
            Some(user) => {
                let id = user.id.clone();
                parts.extensions.insert(CurrentUser(user));
                id
            }
            None => return Err(Error::Unauthorized),
        },
        None => "anonymous".to_string(),
    };
    let mut h = Sha256::new();
    for part in [
        scope.as_str(),
        parts.method.as_str(),
        parts.uri.path(),
        key.as_str(),
    ] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    let record = format!("k{}", &hex::encode(h.finalize())[..40]);
    let body_hash = hex::encode(Sha256::digest(&bytes));
    let deferred = answers_in_its_transaction(parts.uri.path());
    let start = if deferred {
        state.store.idem_peek(&record, &body_hash).await?
    } else {
        state.store.idem_start(&record, &body_hash).await?
    };
    match start {
        IdemStart::Fresh => {
            let pending = Pending {
                record: record.clone(),
                body_hash: body_hash.clone(),
                deferred,
                answered: Arc::new(AtomicBool::new(false)),
            };
            let response = PENDING
                .scope(
                    pending.clone(),
                    next.run(Request::from_parts(parts, Body::from(bytes))),
                )
                .await;
            let (rparts, rbody) = response.into_parts();
            let rbytes = to_bytes(rbody, usize::MAX)
                .await
                .map_err(|e| Error::Internal(format!("response body: {e}")))?;
            if deferred {
                if rparts.status.is_server_error() || pending.answered.load(Ordering::SeqCst) {
                    return Ok(Response::from_parts(rparts, Body::from(rbytes)));
                }
                let text = String::from_utf8_lossy(&rbytes);
                let status = rparts.status.as_u16();
                return match state
                    .store
                    .idem_answer(&record, &body_hash, status, &text)
                    .await
                {
                    Ok(()) => Ok(Response::from_parts(rparts, Body::from(rbytes))),
                    // Another request with this key answered first (this
                    // one's transaction failed on the key): its answer.
                    Err(Error::Conflict {
                        code: "duplicate", ..
                    }) => match state.store.idem_peek(&record, &body_hash).await? {
                        IdemStart::Fresh => Ok(Response::from_parts(rparts, Body::from(rbytes))),
                        other => answer_known(other),
                    },
                    Err(e) => Err(e),
                };
            }
            if rparts.status.is_server_error() {
                state.store.idem_abandon(&record).await?;
            } else if !pending.answered.load(Ordering::SeqCst) {
                let text = String::from_utf8_lossy(&rbytes);
                state
                    .store
                    .idem_finish(&record, rparts.status.as_u16(), &text)
                    .await?;
            }
            Ok(Response::from_parts(rparts, Body::from(rbytes)))
        }
        known => answer_known(known),
    }
}

/// The answer for a key already used: its stored answer, or 409.
fn answer_known(start: IdemStart) -> Result<Response, Error> {
    match start {
        IdemStart::Replay { status, body } => {
            let mut r = (
                StatusCode::from_u16(status).unwrap_or(StatusCode::OK),
                [(axum::http::header::CONTENT_TYPE, "application/json")],
                body,
            )
                .into_response();
            r.headers_mut()
                .insert("idempotent-replayed", HeaderValue::from_static("true"));
            Ok(r)
        }
        IdemStart::Mismatch => Err(Error::conflict(
            "idempotency_key_reused",
            "this Idempotency-Key was used with a different request body",
        )),
        IdemStart::InProgress | IdemStart::Fresh => Err(Error::conflict(
            "idempotency_key_in_use",
            "a request with this Idempotency-Key is still being processed",
        )),
    }
}
