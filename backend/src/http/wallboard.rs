//! The wallboard: read-only links managers make for a big screen, and the
//! day's snapshot it shows (by link key, or for a signed-in manager).

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use chrono::Utc;
use rodnik_shared::api::{
    CreateWallboard, OperatorCalls, Wallboard, WallboardCalls, WallboardCourier, WallboardCreated,
    WallboardSnapshot,
};
use rodnik_shared::validate::required_text;
use rodnik_shared::Role;
use serde::Deserialize;

use super::extract::{bearer, ApiJson, ApiQuery, CurrentUser};
use super::idempotency::NotReplayable;
use crate::app::AppState;
use crate::auth::{new_token, token_hash};
use crate::error::{Error, Result};
use crate::store::orders::OrderFilter;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/wallboards", post(create).get(list))
        .route("/wallboards/{id}/revoke", post(revoke))
        .route("/wallboard", get(snapshot))
        .route("/wallboard/calls", get(calls))
}

#[utoipa::path(post, path = "/api/wallboards", request_body = CreateWallboard,
    responses((status = 201, body = WallboardCreated)))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<CreateWallboard>,
) -> Result<(StatusCode, Extension<NotReplayable>, Json<WallboardCreated>)> {
    user.require_manager()?;
    let name = required_text(&req.name, "name")?;
    if name.chars().count() > 100 {
        return Err(Error::invalid("name", "must be at most 100 characters"));
    }
    let key = new_token();
    let at = Utc::now().to_rfc3339();
    let wallboard = state
        .store
        .create_wallboard(&name, &token_hash(&key), user.id(), &at)
        .await?;
    let path = format!("/wallboard?key={key}");
    // The key is shown once and never stored in plain text, not even as the
    // idempotent answer: a retry learns the link exists.
    let not_kept = NotReplayable(format!(
        "the wallboard link '{}' ({}) was created by the first request with this key; \
         its key is shown only once: revoke the link and make a new one if it was lost",
        wallboard.name, wallboard.id
    ));
    Ok((
        StatusCode::CREATED,
        Extension(not_kept),
        Json(WallboardCreated {
            wallboard,
            key,
            path,
        }),
    ))
}

#[utoipa::path(get, path = "/api/wallboards", responses((status = 200, body = Vec<Wallboard>)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Vec<Wallboard>>> {
    user.require_manager()?;
    Ok(Json(state.store.list_wallboards().await?))
}

#[utoipa::path(post, path = "/api/wallboards/{id}/revoke", responses((status = 200, body = Wallboard)))]
pub async fn revoke(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Wallboard>> {
    user.require_manager()?;
    let at = Utc::now().to_rfc3339();
    let w = state
        .store
        .revoke_wallboard(&id, &at)
        .await?
        .ok_or_else(|| Error::not_found("wallboard"))?;
    Ok(Json(w))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct SnapshotQuery {
    /// A wallboard link's key; without it, a manager's bearer token.
    pub key: Option<String>,
}

#[utoipa::path(get, path = "/api/wallboard", params(SnapshotQuery),
    responses((status = 200, body = WallboardSnapshot), (status = 401, body = rodnik_shared::api::ErrorBody),
        (status = 403, description = "a session of a role below manager (a link's key needs none)",
         body = rodnik_shared::api::ErrorBody)))]
pub async fn snapshot(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<SnapshotQuery>,
) -> Result<Json<WallboardSnapshot>> {
    allowed(&state, q.key.as_deref(), bearer(&headers)).await?;
    let date = state.cfg.today().to_string();
    let orders = state
        .store
        .list_orders(&OrderFilter {
            date: Some(date.clone()),
            ..Default::default()
        })
        .await?
        .iter()
        .map(|o| o.for_wallboard())
        .collect();
    let couriers = state
        .store
        .find_users(Some(Role::Courier), Some(true))
        .await?
        .into_iter()
        .map(|u| WallboardCourier {
            id: u.id,
            name: u.name,
        })
        .collect();
    let etas = crate::planning::slots::etas(&state, state.cfg.today(), None).await?;
    Ok(Json(WallboardSnapshot {
        date,
        now: Utc::now().to_rfc3339(),
        tz: state.cfg.tz.name().to_string(),
        couriers,
        orders,
        etas,
    }))
}

/// The wallboard's manager view: today's calls per operator. Only a
/// signed-in manager sees it (a link's screen may hang where clients see it).
#[utoipa::path(get, path = "/api/wallboard/calls",
    responses((status = 200, body = WallboardCalls), (status = 401, body = rodnik_shared::api::ErrorBody),
        (status = 403, body = rodnik_shared::api::ErrorBody)))]
pub async fn calls(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<WallboardCalls>> {
    user.require_manager()?;
    let date = state.cfg.today().to_string();
    let calls = state.store.calls_between(&date, &date).await?;
    let users = state.store.list_users(None).await?;
    let mut operators = crate::reports::calls::operator_calls(&calls, &users);
    // Operators at a phone with no calls yet are news too.
    for u in users
        .iter()
        .filter(|u| u.active && u.role == Role::Operator && u.extension.is_some())
    {
        if !operators
            .iter()
            .any(|o| o.user_id.as_deref() == Some(u.id.as_str()))
        {
            operators.push(OperatorCalls {
                date: date.clone(),
                user_id: Some(u.id.clone()),
                name: u.name.clone(),
                offered: 0,
                answered: 0,
                missed: 0,
                called_back: 0,
                avg_talk_seconds: 0,
                orders: 0,
                orders_per_answered: 0.0,
            });
        }
    }
    operators.sort_by(|a, b| {
        (b.offered, b.answered)
            .cmp(&(a.offered, a.answered))
            .then_with(|| a.name.cmp(&b.name))
    });
    let total = crate::reports::calls::calls_total(&date, &calls);
    Ok(Json(WallboardCalls {
        date,
        operators,
        total,
    }))
}

/// A live wallboard key, or a signed-in manager.
async fn allowed(state: &AppState, key: Option<&str>, bearer: Option<&str>) -> Result<()> {
    if let Some(key) = key {
        return match state.store.wallboard_by_token(&token_hash(key)).await? {
            Some(_) => Ok(()),
            None => Err(Error::Unauthorized),
        };
    }
    let token = bearer.ok_or(Error::Unauthorized)?;
    let user = state
        .store
        .session_user(&token_hash(token))
        .await?
        .ok_or(Error::Unauthorized)?;
    if user.role.is_manager_or_up() {
        Ok(())
    } else {
        Err(Error::forbidden("managers and admins only"))
    }
}
