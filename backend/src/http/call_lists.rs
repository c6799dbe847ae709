//! Call lists: a manager makes one (from the lost clients, in one click);
//! operators call the clients and mark each call made with its outcome.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::Utc;
use rodnik_shared::api::{CallList, CallListItem, CallListSummary, CreateCallList, MarkCalled};
use rodnik_shared::validate::{optional_text, required_text};

use super::extract::{ApiJson, CurrentUser};
use crate::app::AppState;
use crate::error::{Error, Result};
use crate::store::call_lists::{Called, NewCallList};
use crate::store::new_key;

/// More would be a mailing, not a call list.
const MAX_CLIENTS: usize = 2000;
const MAX_NAME: usize = 200;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/call-lists", post(create_call_list).get(list_call_lists))
        .route("/call-lists/{id}", get(get_call_list))
        .route("/call-lists/{id}/items/{client_id}/done", post(mark_done))
}

/// Makes a call list of these clients (manager and up). Send an
/// `Idempotency-Key`: a repeated click then makes one list.
#[utoipa::path(post, path = "/api/call-lists", request_body = CreateCallList,
    responses((status = 201, body = CallList), (status = 422, body = rodnik_shared::api::ErrorBody)))]
pub async fn create_call_list(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<CreateCallList>,
) -> Result<(StatusCode, Json<CallList>)> {
    user.require_manager()?;
    let name = required_text(&req.name, "name")?;
    if name.chars().count() > MAX_NAME {
        return Err(Error::invalid(
            "name",
            format!("must be at most {MAX_NAME} characters"),
        ));
    }
    let note = optional_text(req.note.as_deref(), "note")?;
    let mut ids: Vec<String> = Vec::with_capacity(req.client_ids.len());
    for (i, id) in req.client_ids.iter().enumerate() {
        let id = required_text(id, &format!("client_ids[{i}]"))?;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    if ids.is_empty() {
        return Err(Error::invalid("client_ids", "needs at least one client"));
    }
    if ids.len() > MAX_CLIENTS {
        return Err(Error::invalid(
            "client_ids",
            format!("at most {MAX_CLIENTS} clients"),
        ));
    }
    let existing = state.store.existing_client_ids(&ids).await?;
    if let Some((i, missing)) = req
        .client_ids
        .iter()
        .enumerate()
        .find(|(_, id)| !existing.contains(&id.trim().to_string()))
    {
        return Err(Error::invalid(
            format!("client_ids[{i}]"),
            format!("no client {missing}"),
        ));
    }
    let key = new_key();
    let at = Utc::now().to_rfc3339();
    state
        .store
        .create_call_list(&NewCallList {
            key: key.clone(),
            name: &name,
            note: note.as_deref(),
            created_by: user.id(),
            created_by_name: &user.0.name,
            created_at: &at,
            client_ids: &ids,
        })
        .await?;
    let list = state
        .store
        .call_list(&key)
        .await?
        .ok_or_else(|| Error::Internal("the new call list is not there".into()))?;
    Ok((StatusCode::CREATED, Json(list)))
}

/// Every call list, newest first, with how many clients were called.
#[utoipa::path(get, path = "/api/call-lists", responses((status = 200, body = Vec<CallListSummary>)))]
pub async fn list_call_lists(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Vec<CallListSummary>>> {
    user.require_operator()?;
    Ok(Json(state.store.call_list_summaries().await?))
}

/// The list with each client's name, phones and last order, in calling order.
#[utoipa::path(get, path = "/api/call-lists/{id}",
    responses((status = 200, body = CallList), (status = 404, body = rodnik_shared::api::ErrorBody)))]
pub async fn get_call_list(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<CallList>> {
    user.require_operator()?;
    state
        .store
        .call_list(&id)
        .await?
        .map(Json)
        .ok_or_else(|| Error::not_found("call list"))
}

/// Marks the call to this client made, with its outcome (operator and up).
/// Once only: a second mark is 409 `already_done` and changes nothing.
#[utoipa::path(post, path = "/api/call-lists/{id}/items/{client_id}/done", request_body = MarkCalled,
    responses((status = 200, body = CallListItem), (status = 404, body = rodnik_shared::api::ErrorBody),
              (status = 409, body = rodnik_shared::api::ErrorBody)))]
pub async fn mark_done(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, client_id)): Path<(String, String)>,
    ApiJson(req): ApiJson<MarkCalled>,
) -> Result<Json<CallListItem>> {
    user.require_operator()?;
    let outcome = required_text(&req.outcome, "outcome")?;
    let at = Utc::now().to_rfc3339();
    let item = state
        .store
        .mark_call_done(
            &id,
            &client_id,
            &Called {
                at: &at,
                by: user.id(),
                by_name: &user.0.name,
                outcome: &outcome,
            },
        )
        .await?;
    Ok(Json(item))
}
