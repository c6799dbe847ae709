//! Rental agreements (issue 19, item 3): an operator rents a piece of
//! equipment in stock to a client's address, which creates the agreement
//! and the order that delivers it; ending it orders the collection. The
//! orders' deliveries start and end the agreement (`store::orders`).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::Utc;
use rodnik_shared::api::{
    EndRental, EquipmentSettings, EquipmentTask, NewRental, PatchRental, Rental, RentalStop,
    RentalWithOrder,
};
use rodnik_shared::validate::optional_text;
use rodnik_shared::{EquipmentState, EquipmentTaskAction, Money, RentalState};
use serde::Deserialize;

use super::extract::{ApiJson, ApiQuery, CurrentUser};
use super::idempotency::Idem;
use super::orders::rental_order;
use crate::app::AppState;
use crate::error::{Error, Result};
use crate::store::new_key;
use crate::store::rentals::RentalFilter;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/rentals", get(list_rentals).post(create_rental))
        .route("/rentals/{id}", get(get_rental).patch(patch_rental))
        .route("/rentals/{id}/end", post(end_rental))
        .route("/equipment/{id}/sanitation", post(order_sanitation))
        .route(
            "/settings/equipment",
            get(get_equipment_settings).put(put_equipment_settings),
        )
}

/// Refuses a change named on another version of the agreement.
fn fresh(r: &Rental, expected: Option<i64>) -> Result<()> {
    match expected {
        Some(v) if v != r.version => Err(Error::conflict(
            "stale_version",
            "the agreement changed meanwhile: reload it",
        )),
        _ => Ok(()),
    }
}

/// The agreement with its next sanitation filled in (in force only).
fn with_due(mut r: Rental, months: u32) -> Rental {
    r.sanitation_due = match r.state {
        RentalState::Active => r
            .sanitized_on
            .as_deref()
            .and_then(|d| d.parse::<chrono::NaiveDate>().ok())
            .and_then(|d| rodnik_shared::equipment::sanitation_due(d, months))
            .map(|d| d.to_string()),
        _ => None,
    };
    r
}

fn months(v: Option<u32>) -> Result<Option<u32>> {
    match v {
        Some(m) if !(1..=120).contains(&m) => {
            Err(Error::invalid("months", "must be between 1 and 120"))
        }
        other => Ok(other),
    }
}

fn free_from(v: Option<u32>) -> Result<Option<u32>> {
    match v {
        Some(n) if !(1..=1000).contains(&n) => Err(Error::invalid(
            "free_from_bottles",
            "must be between 1 and 1000",
        )),
        other => Ok(other),
    }
}

/// Rents a piece of equipment in stock to a client's address: the
/// agreement (pending) and the order that delivers it, which reserves the
/// equipment. The agreement starts when that order is delivered.
#[utoipa::path(post, path = "/api/rentals", request_body = NewRental,
    responses((status = 201, body = RentalWithOrder),
        (status = 403, body = rodnik_shared::api::ErrorBody),
        (status = 404, body = rodnik_shared::api::ErrorBody),
        (status = 409, body = rodnik_shared::api::ErrorBody, description = "`equipment_taken`"),
        (status = 422, body = rodnik_shared::api::ErrorBody)))]
pub async fn create_rental(
    State(state): State<AppState>,
    user: CurrentUser,
    idem: Idem,
    ApiJson(req): ApiJson<NewRental>,
) -> Result<(StatusCode, Json<RentalWithOrder>)> {
    user.require_operator()?;
    let monthly_fee = Money::parse_price(req.monthly_fee, "monthly_fee")?;
    let deposit = Money::parse_price(req.deposit, "deposit")?;
    let months = months(req.months)?;
    let free_from_bottles = free_from(req.free_from_bottles)?;
    let note = optional_text(req.note.as_deref(), "note")?;
    let equipment = state
        .store
        .get_equipment(req.equipment_id.trim())
        .await?
        .ok_or_else(|| Error::invalid("equipment_id", "no such equipment"))?;
    if equipment.state != EquipmentState::InStock || equipment.rental_id.is_some() {
        return Err(Error::conflict(
            "equipment_taken",
            "that equipment is not in stock or is reserved for another agreement",
        ));
    }
    let id = new_key();
    let number = state.store.next_number("rentals").await?;
    let task = EquipmentTask {
        action: EquipmentTaskAction::Deliver,
        equipment_id: equipment.id.clone(),
        kind: equipment.kind,
        model: equipment.model.clone(),
        serial: equipment.serial.clone(),
        rental_id: id.clone(),
        rental_number: number,
        deposit,
    };
    let order = rental_order(
        &state,
        &user,
        &req.client_id,
        &req.address_id,
        &req.delivery,
        vec![task],
        "delivery",
    )
    .await?;
    let now = order.created_at.clone();
    let rental = Rental {
        id,
        number,
        state: RentalState::Pending,
        version: 1,
        client_id: order.client_id.clone(),
        client_name: order.client_name.clone(),
        client_kind: order.client_kind,
        address_id: order.address.id.clone(),
        address_text: order.address.text.clone(),
        equipment_id: equipment.id,
        kind: equipment.kind,
        model: equipment.model,
        serial: equipment.serial,
        start: order.delivery_date.clone(),
        months,
        monthly_fee,
        free_from_bottles,
        deposit,
        ended_on: None,
        sanitized_on: None,
        sanitation_due: None,
        deliver_order_id: order.id.clone(),
        deliver_order_number: order.number,
        collect_order_id: None,
        collect_order_number: None,
        note,
        created_by: user.id().to_string(),
        created_at: now.clone(),
        updated_at: now,
    };
    let answer_body = RentalWithOrder { rental, order };
    let body = idem.body(&answer_body)?;
    let answer = body
        .as_deref()
        .and_then(|b| idem.answer(StatusCode::CREATED, b));
    state
        .store
        .create_rental(&answer_body.rental, &answer_body.order, answer.as_ref())
        .await?;
    if answer.is_some() {
        idem.answered();
    }
    Ok((StatusCode::CREATED, Json(answer_body)))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct RentalsQuery {
    pub client_id: Option<String>,
    pub equipment_id: Option<String>,
    /// `pending`, `active`, `ended` or `cancelled`.
    pub state: Option<String>,
    /// 1 to 500 (default 200).
    pub limit: Option<usize>,
}

/// Rental agreements, newest first.
#[utoipa::path(get, path = "/api/rentals", params(RentalsQuery),
    responses((status = 200, body = Vec<Rental>),
        (status = 403, body = rodnik_shared::api::ErrorBody),
        (status = 422, body = rodnik_shared::api::ErrorBody)))]
pub async fn list_rentals(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<RentalsQuery>,
) -> Result<Json<Vec<Rental>>> {
    user.require_operator()?;
    let limit = q.limit.unwrap_or(200);
    if !(1..=500).contains(&limit) {
        return Err(Error::invalid("limit", "must be between 1 and 500"));
    }
    let f = RentalFilter {
        client_id: q.client_id.filter(|c| !c.trim().is_empty()),
        equipment_id: q.equipment_id.filter(|c| !c.trim().is_empty()),
        state: q
            .state
            .as_deref()
            .map(str::parse::<RentalState>)
            .transpose()?,
        limit,
    };
    let months = state.store.equipment_settings().await?.sanitation_months;
    let list = state.store.list_rentals(&f).await?;
    Ok(Json(
        list.into_iter().map(|r| with_due(r, months)).collect(),
    ))
}

#[utoipa::path(get, path = "/api/rentals/{id}",
    responses((status = 200, body = Rental),
        (status = 403, body = rodnik_shared::api::ErrorBody),
        (status = 404, body = rodnik_shared::api::ErrorBody)))]
pub async fn get_rental(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Rental>> {
    user.require_operator()?;
    let months = state.store.equipment_settings().await?.sanitation_months;
    Ok(Json(with_due(
        state.store.require_rental(&id).await?,
        months,
    )))
}

/// Changes the terms of an agreement that has not ended (a manager's).
#[utoipa::path(patch, path = "/api/rentals/{id}", request_body = PatchRental,
    responses((status = 200, body = Rental),
        (status = 403, body = rodnik_shared::api::ErrorBody),
        (status = 404, body = rodnik_shared::api::ErrorBody),
        (status = 409, body = rodnik_shared::api::ErrorBody, description = "`stale_version`, `invalid_transition` (ended or cancelled)"),
        (status = 422, body = rodnik_shared::api::ErrorBody)))]
pub async fn patch_rental(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<PatchRental>,
) -> Result<Json<Rental>> {
    user.require_manager()?;
    let fee = req
        .monthly_fee
        .map(|f| Money::parse_price(f, "monthly_fee"))
        .transpose()?;
    let term = req.months.map(months).transpose()?;
    let free = req.free_from_bottles.map(free_from).transpose()?;
    let note = match &req.note {
        Some(n) => Some(optional_text(n.as_deref(), "note")?),
        None => None,
    };
    let current = state.store.require_rental(&id).await?;
    fresh(&current, req.expected_version)?;
    if !matches!(current.state, RentalState::Pending | RentalState::Active) {
        return Err(Error::conflict(
            "invalid_transition",
            format!("the agreement is {}: its terms stay", current.state),
        ));
    }
    let mut next = current.clone();
    if let Some(f) = fee {
        next.monthly_fee = f;
    }
    if let Some(m) = term {
        next.months = m;
    }
    if let Some(f) = free {
        next.free_from_bottles = f;
    }
    if let Some(n) = note {
        next.note = n;
    }
    next.version = current.version + 1;
    next.updated_at = Utc::now().to_rfc3339();
    state.store.save_rental(&next, current.version).await?;
    Ok(Json(next))
}

/// Orders the collection of the equipment: an order with a "collect" task
/// (and the deposit paid back); its delivery ends the agreement.
#[utoipa::path(post, path = "/api/rentals/{id}/end", request_body = EndRental,
    responses((status = 201, body = RentalWithOrder),
        (status = 403, body = rodnik_shared::api::ErrorBody),
        (status = 404, body = rodnik_shared::api::ErrorBody),
        (status = 409, body = rodnik_shared::api::ErrorBody, description = "`rental_changed`, `invalid_transition` (not in force, or the collection is already ordered)"),
        (status = 422, body = rodnik_shared::api::ErrorBody)))]
pub async fn end_rental(
    State(state): State<AppState>,
    user: CurrentUser,
    idem: Idem,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<EndRental>,
) -> Result<(StatusCode, Json<RentalWithOrder>)> {
    user.require_operator()?;
    let current = state.store.require_rental(&id).await?;
    fresh(&current, req.expected_version)?;
    if current.state != RentalState::Active {
        return Err(Error::conflict(
            "invalid_transition",
            format!(
                "the agreement is {}: only one in force can end",
                current.state
            ),
        ));
    }
    if let Some(n) = current.collect_order_number {
        return Err(Error::conflict(
            "invalid_transition",
            format!("the collection is already ordered (order №{n})"),
        ));
    }
    let task = EquipmentTask {
        action: EquipmentTaskAction::Collect,
        equipment_id: current.equipment_id.clone(),
        kind: current.kind,
        model: current.model.clone(),
        serial: current.serial.clone(),
        rental_id: current.id.clone(),
        rental_number: current.number,
        deposit: Money(-current.deposit.0),
    };
    let order = rental_order(
        &state,
        &user,
        &current.client_id,
        &current.address_id,
        &req.collection,
        vec![task],
        "collection",
    )
    .await?;
    let mut rental = current.clone();
    rental.version = current.version + 1;
    rental.collect_order_id = Some(order.id.clone());
    rental.collect_order_number = Some(order.number);
    rental.updated_at = order.created_at.clone();
    let answer_body = RentalWithOrder { rental, order };
    let body = idem.body(&answer_body)?;
    let answer = body
        .as_deref()
        .and_then(|b| idem.answer(StatusCode::CREATED, b));
    state
        .store
        .order_collection(&current, &answer_body.order, answer.as_ref())
        .await?;
    if answer.is_some() {
        idem.answered();
    }
    Ok((StatusCode::CREATED, Json(answer_body)))
}

/// Orders the sanitation (санобработка) of a piece of equipment at a
/// client: an order with a "sanitize" task at its address, carrying the
/// company's sanitation service (`/api/settings/equipment`) unless the stop
/// names its own lines. Its delivery starts the sanitation interval again.
#[utoipa::path(post, path = "/api/equipment/{id}/sanitation", request_body = RentalStop,
    responses((status = 201, body = rodnik_shared::api::Order),
        (status = 403, body = rodnik_shared::api::ErrorBody),
        (status = 404, body = rodnik_shared::api::ErrorBody),
        (status = 409, body = rodnik_shared::api::ErrorBody, description = "`invalid_transition`: not at a client under an agreement"),
        (status = 422, body = rodnik_shared::api::ErrorBody)))]
pub async fn order_sanitation(
    State(state): State<AppState>,
    user: CurrentUser,
    idem: Idem,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<RentalStop>,
) -> Result<(StatusCode, Json<rodnik_shared::api::Order>)> {
    user.require_operator()?;
    let e = state.store.require_equipment(&id).await?;
    let (Some(client_id), Some(address_id), Some(rental_id), Some(rental_number)) = (
        e.client_id.clone(),
        e.address_id.clone(),
        e.rental_id.clone(),
        e.rental_number,
    ) else {
        return Err(Error::conflict(
            "invalid_transition",
            "only equipment at a client under an agreement is sanitised there",
        ));
    };
    if e.state != EquipmentState::AtClient {
        return Err(Error::conflict(
            "invalid_transition",
            "only equipment at a client under an agreement is sanitised there",
        ));
    }
    let mut stop = req.clone();
    if stop.lines.is_empty() {
        if let Some(p) = state
            .store
            .equipment_settings()
            .await?
            .sanitation_product_id
        {
            stop.lines = vec![rodnik_shared::api::LineInput {
                product_id: p,
                qty: 1,
            }];
        }
    }
    let task = EquipmentTask {
        action: EquipmentTaskAction::Sanitize,
        equipment_id: e.id.clone(),
        kind: e.kind,
        model: e.model.clone(),
        serial: e.serial.clone(),
        rental_id,
        rental_number,
        deposit: Money::ZERO,
    };
    let order = rental_order(
        &state,
        &user,
        &client_id,
        &address_id,
        &stop,
        vec![task],
        "stop",
    )
    .await?;
    let body = idem.body(&order)?;
    let answer = body
        .as_deref()
        .and_then(|b| idem.answer(StatusCode::CREATED, b));
    state
        .store
        .insert_order_answered(&order, None, answer.as_ref())
        .await?;
    if answer.is_some() {
        idem.answered();
    }
    Ok((StatusCode::CREATED, Json(order)))
}

/// The company's equipment rules: how often coolers are sanitised, and the
/// service a sanitation stop sells.
#[utoipa::path(get, path = "/api/settings/equipment",
    responses((status = 200, body = EquipmentSettings)))]
pub async fn get_equipment_settings(
    State(state): State<AppState>,
    _user: CurrentUser,
) -> Result<Json<EquipmentSettings>> {
    Ok(Json(state.store.equipment_settings().await?))
}

#[utoipa::path(put, path = "/api/settings/equipment", request_body = EquipmentSettings,
    responses((status = 200, body = EquipmentSettings),
        (status = 403, body = rodnik_shared::api::ErrorBody, description = "admins and managers only"),
        (status = 422, body = rodnik_shared::api::ErrorBody)))]
pub async fn put_equipment_settings(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(mut req): ApiJson<EquipmentSettings>,
) -> Result<Json<EquipmentSettings>> {
    user.require_manager()?;
    if req.sanitation_months > 24 {
        return Err(Error::invalid(
            "sanitation_months",
            "must be between 0 (no reminders) and 24",
        ));
    }
    req.sanitation_product_id = req
        .sanitation_product_id
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty());
    if let Some(p) = &req.sanitation_product_id {
        let known = state
            .store
            .list_products()
            .await?
            .iter()
            .any(|x| &x.id == p);
        if !known {
            return Err(Error::invalid("sanitation_product_id", "no such product"));
        }
    }
    let saved = state.store.set_equipment_settings(&req).await?;
    tracing::info!(by = %user.0.username, ?saved, "equipment settings changed");
    Ok(Json(saved))
}
