//! Serialised equipment (issue 19, item 3): the register (operators read
//! it, managers keep it) and the office's moves (repair, back from repair,
//! write-off) with a reason. Deliveries to clients and collections are the
//! couriers' (rental stops, next).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::Utc;
use rodnik_shared::api::{
    Equipment, EquipmentAction, EquipmentDetail, MoveEquipment, NewEquipment, PatchEquipment,
};
use rodnik_shared::equipment::EquipmentMove;
use rodnik_shared::validate::{optional_text, required_text};
use rodnik_shared::{EquipmentKind, EquipmentState};
use serde::Deserialize;

use super::extract::{ApiJson, ApiQuery, CurrentUser};
use crate::app::AppState;
use crate::error::{Error, Result};
use crate::store::equipment::{serial_key, EquipmentFilter, EventRow};
use crate::store::new_key;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/equipment", get(list_equipment).post(create_equipment))
        .route("/equipment/{id}", get(get_equipment).patch(patch_equipment))
        .route("/equipment/{id}/move", post(move_equipment))
}

/// Serials are letters, digits and `-/._` (spaces are dropped), 1-64 long.
fn serial(raw: &str) -> Result<String> {
    let s = raw.trim();
    let key = serial_key(s);
    if key.is_empty() || key.chars().count() > 64 {
        return Err(Error::invalid("serial", "must be 1 to 64 characters"));
    }
    if !key
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '-' | '/' | '.' | '_'))
    {
        return Err(Error::invalid("serial", "letters, digits and - / . _ only"));
    }
    Ok(s.to_string())
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct EquipmentQuery {
    /// `in_stock`, `at_client`, `in_repair` or `written_off`.
    pub state: Option<String>,
    /// `cooler`, `pump`, `dispenser` or `other`.
    pub kind: Option<String>,
    pub client_id: Option<String>,
    /// A fragment of the serial number (any case, spaces ignored).
    pub serial: Option<String>,
    /// 1 to 500 (default 200).
    pub limit: Option<usize>,
}

/// The equipment register, by serial number.
#[utoipa::path(get, path = "/api/equipment", params(EquipmentQuery),
    responses((status = 200, body = Vec<Equipment>),
        (status = 403, body = rodnik_shared::api::ErrorBody),
        (status = 422, body = rodnik_shared::api::ErrorBody)))]
pub async fn list_equipment(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<EquipmentQuery>,
) -> Result<Json<Vec<Equipment>>> {
    user.require_operator()?;
    let limit = q.limit.unwrap_or(200);
    if !(1..=500).contains(&limit) {
        return Err(Error::invalid("limit", "must be between 1 and 500"));
    }
    let serial = q
        .serial
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| match s.chars().count() > 64 {
            true => Err(Error::invalid("serial", "must be at most 64 characters")),
            false => Ok(s.to_string()),
        })
        .transpose()?;
    let f = EquipmentFilter {
        state: q
            .state
            .as_deref()
            .map(str::parse::<EquipmentState>)
            .transpose()?,
        kind: q
            .kind
            .as_deref()
            .map(str::parse::<EquipmentKind>)
            .transpose()?,
        client_id: q.client_id.filter(|c| !c.trim().is_empty()),
        serial,
        limit,
    };
    Ok(Json(state.store.list_equipment(&f).await?))
}

/// Registers a piece of equipment, in stock.
#[utoipa::path(post, path = "/api/equipment", request_body = NewEquipment,
    responses((status = 201, body = Equipment),
        (status = 403, body = rodnik_shared::api::ErrorBody),
        (status = 409, body = rodnik_shared::api::ErrorBody, description = "`serial_taken`"),
        (status = 422, body = rodnik_shared::api::ErrorBody)))]
pub async fn create_equipment(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<NewEquipment>,
) -> Result<(StatusCode, Json<Equipment>)> {
    user.require_manager()?;
    let now = Utc::now().to_rfc3339();
    let e = Equipment {
        id: new_key(),
        kind: req.kind,
        model: required_text(&req.model, "model")?,
        serial: serial(&req.serial)?,
        state: EquipmentState::InStock,
        client_id: None,
        client_name: None,
        address_id: None,
        note: optional_text(req.note.as_deref(), "note")?,
        rental_id: None,
        rental_number: None,
        sanitized_on: None,
        version: 1,
        created_at: now.clone(),
        updated_at: now,
    };
    state
        .store
        .create_equipment(&e, (user.id(), user.name()))
        .await?;
    Ok((StatusCode::CREATED, Json(e)))
}

/// A piece of equipment and its history, newest first.
#[utoipa::path(get, path = "/api/equipment/{id}",
    responses((status = 200, body = EquipmentDetail),
        (status = 403, body = rodnik_shared::api::ErrorBody),
        (status = 404, body = rodnik_shared::api::ErrorBody)))]
pub async fn get_equipment(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<EquipmentDetail>> {
    user.require_operator()?;
    let equipment = state.store.require_equipment(&id).await?;
    let history = state.store.equipment_history(&id).await?;
    Ok(Json(EquipmentDetail { equipment, history }))
}

/// Reads, checks the version asked for, changes, writes with compare-and-set.
async fn change<F>(
    state: &AppState,
    id: &str,
    expected: Option<i64>,
    by: (&str, &str),
    reason: Option<&str>,
    f: F,
) -> Result<Equipment>
where
    F: Fn(&Equipment) -> Result<Equipment>,
{
    let current = state.store.require_equipment(id).await?;
    if expected.is_some_and(|v| v != current.version) {
        return Err(Error::conflict(
            "stale_version",
            "the equipment changed meanwhile: reload it",
        ));
    }
    let mut next = f(&current)?;
    next.version = current.version + 1;
    next.updated_at = Utc::now().to_rfc3339();
    let event = (next.state != current.state).then(|| EventRow {
        from: Some(current.state),
        to: next.state,
        client_id: current.client_id.as_deref(),
        reason,
        order_number: None,
        rental_number: None,
        by,
        at: &next.updated_at,
    });
    state
        .store
        .save_equipment(&next, current.version, event.as_ref())
        .await?;
    Ok(next)
}

/// Changes the model or the note.
#[utoipa::path(patch, path = "/api/equipment/{id}", request_body = PatchEquipment,
    responses((status = 200, body = Equipment),
        (status = 403, body = rodnik_shared::api::ErrorBody),
        (status = 404, body = rodnik_shared::api::ErrorBody),
        (status = 409, body = rodnik_shared::api::ErrorBody),
        (status = 422, body = rodnik_shared::api::ErrorBody)))]
pub async fn patch_equipment(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<PatchEquipment>,
) -> Result<Json<Equipment>> {
    user.require_manager()?;
    let model = req
        .model
        .as_deref()
        .map(|m| required_text(m, "model"))
        .transpose()?;
    let note = req
        .note
        .as_deref()
        .map(|n| optional_text(Some(n), "note"))
        .transpose()?;
    let e = change(
        &state,
        &id,
        req.expected_version,
        (user.id(), user.name()),
        None,
        |e| {
            let mut n = e.clone();
            if let Some(m) = &model {
                n.model = m.clone();
            }
            if let Some(note) = &note {
                n.note = note.clone();
            }
            Ok(n)
        },
    )
    .await?;
    Ok(Json(e))
}

/// The office's moves: to repair (from stock or a client), back from
/// repair into stock, written off; with the reason.
#[utoipa::path(post, path = "/api/equipment/{id}/move", request_body = MoveEquipment,
    responses((status = 200, body = Equipment),
        (status = 403, body = rodnik_shared::api::ErrorBody),
        (status = 404, body = rodnik_shared::api::ErrorBody),
        (status = 409, body = rodnik_shared::api::ErrorBody),
        (status = 422, body = rodnik_shared::api::ErrorBody)))]
pub async fn move_equipment(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<MoveEquipment>,
) -> Result<Json<Equipment>> {
    user.require_manager()?;
    let reason = required_text(&req.reason, "reason")?;
    let action = match req.action {
        EquipmentAction::Repair => EquipmentMove::Repair,
        EquipmentAction::Repaired => EquipmentMove::Repaired,
        EquipmentAction::WriteOff => EquipmentMove::WriteOff,
    };
    let e = change(
        &state,
        &id,
        req.expected_version,
        (user.id(), user.name()),
        Some(&reason),
        |e| {
            if let Some(number) = e.rental_number {
                return Err(Error::conflict(
                    "rented",
                    format!(
                        "the equipment is under rental agreement №{number}: end or cancel it first"
                    ),
                ));
            }
            let mut n = e.clone();
            n.state = action.apply(e.state)?;
            // Off the client once it is no longer there.
            if n.state != EquipmentState::AtClient {
                n.client_id = None;
                n.client_name = None;
                n.address_id = None;
            }
            Ok(n)
        },
    )
    .await
    .map_err(|e| match e {
        // The rule's refusal names the state: 409, it is about where it is now.
        Error::Validation(f) if f.field == "state" => {
            Error::conflict("invalid_transition", f.message)
        }
        other => other,
    })?;
    Ok(Json(e))
}
