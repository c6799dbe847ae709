//! The company's reasons: everyone signed in reads the lists (the courier
//! app keeps them offline); admins add, rename, reorder and retire them.
//! Orders name a reason by id (`reason_id`) with its label, or give text.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, patch};
use axum::{Json, Router};
use rodnik_shared::api::{CreateReason, PatchReason, Reason, ReasonKind};
use rodnik_shared::validate::required_text;
use rodnik_shared::Cause;
use serde::Deserialize;

use super::extract::{ApiJson, ApiQuery, CurrentUser};
use crate::app::AppState;
use crate::error::{Error, Result};
use crate::store::new_key;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/reasons", get(list_reasons).post(create_reason))
        .route("/reasons/{id}", patch(patch_reason))
}

/// A label: required, at most 120 characters.
fn label(raw: &str, field: &str) -> Result<String> {
    let v = required_text(raw, field)?;
    if v.chars().count() > 120 {
        return Err(Error::invalid(field, "must be at most 120 characters"));
    }
    Ok(v)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ReasonsQuery {
    /// `cancel`, `fail` or `reschedule`; default: every kind.
    pub kind: Option<ReasonKind>,
    /// `true` lists the retired reasons too.
    pub all: Option<bool>,
}

#[utoipa::path(get, path = "/api/reasons", params(ReasonsQuery),
    responses((status = 200, body = Vec<Reason>, description = "by kind, in list order; the active ones unless `all=true`")))]
pub async fn list_reasons(
    State(state): State<AppState>,
    _user: CurrentUser,
    ApiQuery(q): ApiQuery<ReasonsQuery>,
) -> Result<Json<Vec<Reason>>> {
    Ok(Json(
        state.store.reasons(q.kind, q.all.unwrap_or(false)).await?,
    ))
}

#[utoipa::path(post, path = "/api/reasons", request_body = CreateReason,
    responses((status = 201, body = Reason),
        (status = 403, body = rodnik_shared::api::ErrorBody, description = "admins only"),
        (status = 422, body = rodnik_shared::api::ErrorBody)))]
pub async fn create_reason(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<CreateReason>,
) -> Result<(StatusCode, Json<Reason>)> {
    user.require_admin()?;
    let r = Reason {
        id: new_key(),
        kind: req.kind,
        ru: label(&req.ru, "ru")?,
        en: label(&req.en, "en")?,
        active: true,
        position: 0,
    };
    let created = state.store.create_reason(&r).await?;
    tracing::info!(by = %user.0.username, id = %created.id, kind = created.kind.as_str(), "reason added");
    Ok((StatusCode::CREATED, Json(created)))
}

#[utoipa::path(patch, path = "/api/reasons/{id}", request_body = PatchReason,
    params(("id" = String, Path, description = "the reason's id")),
    responses((status = 200, body = Reason),
        (status = 403, body = rodnik_shared::api::ErrorBody, description = "admins only"),
        (status = 404, body = rodnik_shared::api::ErrorBody),
        (status = 422, body = rodnik_shared::api::ErrorBody)))]
pub async fn patch_reason(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<PatchReason>,
) -> Result<Json<Reason>> {
    user.require_admin()?;
    let mut r = state
        .store
        .get_reason(&id)
        .await?
        .ok_or_else(|| Error::not_found("reason"))?;
    if let Some(ru) = &req.ru {
        r.ru = label(ru, "ru")?;
    }
    if let Some(en) = &req.en {
        r.en = label(en, "en")?;
    }
    if let Some(p) = req.position {
        if !(0..=10_000).contains(&p) {
            return Err(Error::invalid("position", "must be between 0 and 10000"));
        }
        r.position = p;
    }
    if let Some(a) = req.active {
        r.active = a;
    }
    let saved = state.store.update_reason(&r).await?;
    tracing::info!(by = %user.0.username, id = %saved.id, active = saved.active, "reason changed");
    Ok(Json(saved))
}

/// The reason of a change: `reason_id` from the company's list of `kind`
/// (active), with the typed text or else its Russian label; or the typed
/// text alone. 422 names `reason_id` or `reason`.
pub async fn cause(
    state: &AppState,
    kind: ReasonKind,
    reason_id: Option<&str>,
    text: &str,
) -> Result<Cause> {
    let typed = rodnik_shared::validate::optional_text(Some(text), "reason")?;
    match reason_id.map(str::trim).filter(|s| !s.is_empty()) {
        Some(id) => {
            let r = state
                .store
                .get_reason(id)
                .await?
                .filter(|r| r.kind == kind)
                .ok_or_else(|| Error::invalid("reason_id", "not a reason of this list"))?;
            if !r.active {
                return Err(Error::invalid("reason_id", "this reason is retired"));
            }
            Ok(Cause {
                id: Some(r.id),
                text: typed.unwrap_or(r.ru),
            })
        }
        None => Ok(Cause::text(required_text(text, "reason")?)),
    }
}
