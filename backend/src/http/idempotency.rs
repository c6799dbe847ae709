//! `Idempotency-Key` on every signed-in POST: a retry with the same key and
//! body gets the first answer and changes nothing; the same key with another
//! body is 409.
//!
//! How a key never sticks:
//! - The request runs in its own task: neither a client that drops the
//!   connection (a courier's phone losing signal) nor the server's request
//!   timeout cancels it half-way, and its answer is stored for the retry.
//! - Order creation and the order transitions write their answer in the
//!   transaction of their effect ([`Idem::answer`]), and nothing before it:
//!   after a crash a retry finds both or neither. A concurrent request with
//!   the same key fails on the key's record and replays the winner's answer.
//! - Other requests hold their key as a lease ([`Store::idem_start`]); if the
//!   server died before the answer was stored, a retry after the lease takes
//!   the key over.
//! - A retry that arrives while the first request runs waits for its answer
//!   (a few seconds) before answering 409 `idempotency_key_in_use`.
//!
//! Requests without a bearer token (login, PBX webhooks) are not recorded:
//! nothing is written before a signature or password is checked, and a login
//! token is never stored. Answers that carry a secret (a new wallboard link's
//! key) are stored as a 409 `idempotency_answer_not_kept` (see [`NotReplayable`]).

use axum::body::{to_bytes, Body};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::convert::Infallible;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::extract::{bearer, CurrentUser};
use crate::app::AppState;
use crate::error::Error;
use crate::store::idem::{IdemAnswer, IdemStart};

const MAX_BODY: usize = 2 * 1024 * 1024;
/// How long a retry waits for the first request with its key to answer.
const WAIT_FOR_FIRST: Duration = Duration::from_secs(5);

/// The idempotency key of the request being handled, whose answer is still
/// to be written: an explicit value in the request's extensions, taken by
/// handlers that answer in their own transaction.
#[derive(Clone, Default)]
pub struct Idem(Option<Arc<Held>>);

struct Held {
    record: String,
    body_hash: String,
    /// The lease on the pending record; `None`: no pending record was
    /// written, the answering transaction creates the whole record.
    owner: Option<String>,
    /// The key was not read yet: the handler reads it with its inputs
    /// ([`Idem::to_check`], [`Idem::known`]).
    unchecked: bool,
    answered: AtomicBool,
}

impl<S: Send + Sync> FromRequestParts<S> for Idem {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts.extensions.get::<Idem>().cloned().unwrap_or_default())
    }
}

impl Idem {
    /// The answer to write in the effect's transaction, if the request has a
    /// fresh key. `body` must be the response's exact bytes; call
    /// [`Idem::answered`] once the transaction committed.
    pub fn answer<'a>(&'a self, status: StatusCode, body: &'a str) -> Option<IdemAnswer<'a>> {
        self.0.as_ref().map(|h| IdemAnswer {
            key: &h.record,
            create_with_hash: h.owner.is_none().then_some(h.body_hash.as_str()),
            owner: h.owner.as_deref(),
            status: status.as_u16(),
            body,
        })
    }

    /// Whether the request carries a fresh key (so an answer is to be written).
    /// The response body `v` serialises to, when the request holds a fresh
    /// key (the bytes [`Idem::answer`] stores, the same `Json` sends).
    pub fn body<T: serde::Serialize>(&self, v: &T) -> crate::error::Result<Option<String>> {
        match self.0 {
            Some(_) => serde_json::to_string(v)
                .map(Some)
                .map_err(|e| crate::error::Error::Internal(e.to_string())),
            None => Ok(None),
        }
    }

    /// The key's record and the body's hash, when the handler is to read the
    /// key itself, in the round trip of its inputs (`POST /api/orders`).
    pub fn to_check(&self) -> Option<(&str, &str)> {
        self.0
            .as_ref()
            .filter(|h| h.unchecked)
            .map(|h| (h.record.as_str(), h.body_hash.as_str()))
    }

    /// What the key the handler read says: `None` to go ahead; else the
    /// answer to give (the first answer again, or a conflict), and the layer
    /// writes nothing.
    pub fn known(&self, start: IdemStart) -> Option<Response> {
        match start {
            IdemStart::Fresh => None,
            other => {
                self.answered();
                Some(answer_known(other).unwrap_or_else(IntoResponse::into_response))
            }
        }
    }

    /// The handler stored the answer with its own write: the layer leaves it be.
    pub fn answered(&self) {
        if let Some(h) = &self.0 {
            h.answered.store(true, Ordering::SeqCst);
        }
    }
}

/// A response extension: the answer holds a secret that must not be stored.
/// A retry with the key gets 409 `idempotency_answer_not_kept` with this text.
#[derive(Clone)]
pub struct NotReplayable(pub String);

/// Requests whose handler reads the key itself, with its other inputs in one
/// round trip (they also answer in their own transaction).
fn checks_its_key(path: &str) -> bool {
    path == "/orders"
}

/// Requests whose handler answers in its own transaction, so the layer only
/// reads the key first instead of writing a pending record (one write less
/// for every order taken). The path as the layer sees it, under `/api`.
fn answers_in_its_transaction(path: &str) -> bool {
    const TRANSITIONS: [&str; 5] = ["dispatch", "deliver", "fail", "recall", "cancel"];
    path == "/orders"
        || path.strip_prefix("/orders/").is_some_and(|rest| {
            rest.split_once('/')
                .is_some_and(|(id, action)| !id.is_empty() && TRANSITIONS.contains(&action))
        })
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
    // Only signed-in POSTs are recorded: nothing is written for a request
    // whose token, password or signature is still to be checked.
    if req.method() != Method::POST || bearer(req.headers()).is_none() {
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
    // Keys belong to a user: two users' keys never collide. (The extractor
    // leaves the user in the request for the handler.)
    let scope = CurrentUser::from_request_parts(&mut parts, &state)
        .await?
        .id()
        .to_string();
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
    let unchecked = checks_its_key(parts.uri.path());
    let owner = (!deferred).then(crate::auth::new_token);
    let waited = Instant::now();
    let mut pause = Duration::from_millis(20);
    let start = loop {
        if unchecked {
            break IdemStart::Fresh;
        }
        let start = match &owner {
            None => state.store.idem_peek(&record, &body_hash).await?,
            Some(o) => {
                state
                    .store
                    .idem_start(&record, &body_hash, o, state.cfg.idempotency_lease)
                    .await?
            }
        };
        match start {
            IdemStart::InProgress if waited.elapsed() < WAIT_FOR_FIRST => {
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(Duration::from_millis(500));
            }
            other => break other,
        }
    };
    if !matches!(start, IdemStart::Fresh) {
        return answer_known(start);
    }
    let idem = Idem(Some(Arc::new(Held {
        record,
        body_hash,
        owner,
        unchecked,
        answered: AtomicBool::new(false),
    })));
    parts.extensions.insert(idem.clone());
    let req = Request::from_parts(parts, Body::from(bytes));
    // Its own task: a dropped connection does not cancel the request half-way.
    tokio::spawn(handle(state, idem, req, next))
        .await
        .map_err(|e| Error::Internal(format!("request task: {e}")))?
}

/// Runs the request and stores its answer under the key.
async fn handle(state: AppState, idem: Idem, req: Request, next: Next) -> Result<Response, Error> {
    let response = next.run(req).await;
    let (rparts, rbody) = response.into_parts();
    let rbytes = to_bytes(rbody, usize::MAX)
        .await
        .map_err(|e| Error::Internal(format!("response body: {e}")))?;
    let Some(held) = idem.0.as_ref() else {
        return Ok(Response::from_parts(rparts, Body::from(rbytes)));
    };
    let respond = |rparts, rbytes| Ok(Response::from_parts(rparts, Body::from(rbytes)));
    if held.answered.load(Ordering::SeqCst) {
        return respond(rparts, rbytes);
    }
    // What a retry gets: the same bytes, or a 409 for an answer with a secret.
    let (status, stored) = match rparts.extensions.get::<NotReplayable>() {
        Some(NotReplayable(why)) => (
            StatusCode::CONFLICT.as_u16(),
            serde_json::to_string(&rodnik_shared::api::ErrorBody {
                error: rodnik_shared::api::ErrorDetail {
                    code: "idempotency_answer_not_kept".into(),
                    message: why.clone(),
                    field: None,
                },
            })
            .map_err(|e| Error::Internal(e.to_string()))?,
        ),
        None => (
            rparts.status.as_u16(),
            String::from_utf8_lossy(&rbytes).into_owned(),
        ),
    };
    match &held.owner {
        Some(owner) => {
            if rparts.status.is_server_error() {
                state.store.idem_abandon(&held.record, owner).await?;
            } else {
                state
                    .store
                    .idem_finish(&held.record, owner, status, &stored)
                    .await?;
            }
            respond(rparts, rbytes)
        }
        None => {
            if rparts.status.is_server_error() {
                return respond(rparts, rbytes);
            }
            match state
                .store
                .idem_answer(&held.record, &held.body_hash, status, &stored)
                .await
            {
                Ok(()) => respond(rparts, rbytes),
                // Another request with this key answered first (this one's
                // transaction failed on the key): its answer.
                Err(Error::Conflict {
                    code: "duplicate", ..
                }) => match state.store.idem_peek(&held.record, &held.body_hash).await? {
                    IdemStart::Fresh => respond(rparts, rbytes),
                    other => answer_known(other),
                },
                Err(e) => Err(e),
            }
        }
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
