//! The signed call webhook and the call log.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::Utc;
use rodnik_shared::api::{Call, TelephonyEvent};
use rodnik_shared::validate::{self, required_text};
use serde::Deserialize;

use super::extract::{ApiQuery, CurrentUser};
use crate::app::AppState;
use crate::error::{Error, Result};
use crate::telephony::{ingest, verify_signature, Incoming};

/// How far `sent_at` may be from the server's clock, either way.
const WEBHOOK_WINDOW_SECS: u64 = 300;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/telephony/events", post(event))
        .route("/calls", get(list_calls))
        .route("/calls/{id}/callback", post(called_back))
}

#[utoipa::path(post, path = "/api/telephony/events", request_body = TelephonyEvent,
    responses((status = 204), (status = 401, body = rodnik_shared::api::ErrorBody),
        (status = 409, description = "the nonce was used before", body = rodnik_shared::api::ErrorBody),
        (status = 422, description = "a missing or stale `sent_at`, a missing nonce, or a bad field",
         body = rodnik_shared::api::ErrorBody)))]
pub async fn event(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<StatusCode> {
    // Without a secret (RODNIK_TELEPHONY_SECRET or the settings' generic
    // secret) no signature can be valid.
    let eff = state.telephony.settings().await?;
    let secret = eff
        .generic
        .get("secret")
        .filter(|_| eff.generic.active())
        .ok_or(Error::Unauthorized)?;
    let sig = headers
        .get("x-rodnik-signature")
        .and_then(|v| v.to_str().ok());
    if !verify_signature(secret, &body, sig) {
        return Err(Error::Unauthorized);
    }
    let ev: TelephonyEvent = serde_json::from_slice(&body).map_err(|e| {
        if e.is_syntax() || e.is_eof() {
            Error::BadRequest("the body is not valid JSON".into())
        } else {
            Error::invalid("body", e.to_string())
        }
    })?;
    // Fresh and never seen: a captured request cannot be replayed.
    let sent_at = ev
        .sent_at
        .ok_or_else(|| Error::invalid("sent_at", "is required (Unix seconds)"))?;
    if Utc::now().timestamp().abs_diff(sent_at) > WEBHOOK_WINDOW_SECS {
        return Err(Error::invalid(
            "sent_at",
            "is more than 5 minutes away from the server's clock",
        ));
    }
    let nonce = ev.nonce.as_deref().map(str::trim).unwrap_or_default();
    if !(8..=128).contains(&nonce.chars().count()) {
        return Err(Error::invalid("nonce", "must be 8 to 128 characters"));
    }
    if !state.store.webhook_nonce_fresh(nonce).await? {
        return Err(Error::conflict(
            "replayed",
            "this nonce was already used: the event is a repeat",
        ));
    }
    let call_id = required_text(&ev.call_id, "call_id")?;
    let at = match ev.at.as_deref() {
        Some(a) => Some(
            chrono::DateTime::parse_from_rfc3339(a)
                .map_err(|_| Error::invalid("at", "must be an RFC 3339 instant"))?
                .with_timezone(&Utc),
        ),
        None => None,
    };
    ingest(
        &state.store,
        &state.cfg,
        Incoming {
            kind: ev.event,
            call_id,
            from: ev.from,
            to: ev.to,
            extension: ev.extension,
            at,
        },
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct CallsQuery {
    pub date: Option<String>,
    pub missed: Option<bool>,
}

#[utoipa::path(get, path = "/api/calls", params(CallsQuery), responses((status = 200, body = Vec<Call>)))]
pub async fn list_calls(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<CallsQuery>,
) -> Result<Json<Vec<Call>>> {
    user.require_operator()?;
    let date = q
        .date
        .as_deref()
        .map(|d| validate::date(d, "date"))
        .transpose()?;
    let date = date.map(|d| d.to_string());
    let mut calls = state.store.list_calls(date.as_deref(), q.missed).await?;
    state.store.name_call_clients(&mut calls).await?;
    Ok(Json(calls))
}

/// An operator called a missed caller back: the call leaves everyone's
/// missed list (live: `call.called_back`). Marking twice keeps the first mark.
#[utoipa::path(post, path = "/api/calls/{id}/callback",
    responses((status = 200, body = Call), (status = 404, body = rodnik_shared::api::ErrorBody),
              (status = 409, body = rodnik_shared::api::ErrorBody)))]
pub async fn called_back(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Call>> {
    user.require_operator()?;
    let at = Utc::now().to_rfc3339();
    let mut call = state
        .store
        .mark_called_back(&id, &at, &user.0.name)
        .await?
        .ok_or_else(|| Error::not_found("call"))?;
    state
        .store
        .name_call_clients(std::slice::from_mut(&mut call))
        .await?;
    Ok(Json(call))
}
