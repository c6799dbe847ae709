//! Route planning (issue 21): the planning settings, "optimise the day"
//! (plan jobs: start, poll, accept, cancel), promised slots and expected
//! arrivals. The rules are in `crate::planning`; docs/api.md, "Route
//! planning".

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use rodnik_shared::api::{
    CalibrateRequest, CalibrationReport, Eta, NewPlan, Plan, PlanningSettings, Slots,
};
use rodnik_shared::{validate, Role};
use serde::Deserialize;

use super::extract::{ApiJson, ApiQuery, CurrentUser};
use crate::app::AppState;
use crate::error::{Error, Result};
use crate::planning::{calibrate as fit, jobs, model, slots};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/planning/settings", get(get_settings).put(put_settings))
        .route("/planning/calibrate", post(calibrate))
        .route("/plans", post(create_plan).get(list_plans))
        .route("/plans/{id}", get(get_plan))
        .route("/plans/{id}/accept", post(accept_plan))
        .route("/plans/{id}/cancel", post(cancel_plan))
        .route("/slots", get(get_slots))
        .route("/etas", get(get_etas))
}

/// The planning settings (the defaults until a manager saves them).
#[utoipa::path(get, path = "/api/planning/settings",
    responses((status = 200, body = PlanningSettings),
              (status = 403, body = rodnik_shared::api::ErrorBody)))]
pub async fn get_settings(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<PlanningSettings>> {
    user.require_operator()?;
    Ok(Json(state.store.planning_settings().await?))
}

#[utoipa::path(put, path = "/api/planning/settings", request_body = PlanningSettings,
    responses((status = 200, body = PlanningSettings),
              (status = 403, body = rodnik_shared::api::ErrorBody),
              (status = 422, body = rodnik_shared::api::ErrorBody)))]
pub async fn put_settings(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(new): ApiJson<PlanningSettings>,
) -> Result<Json<PlanningSettings>> {
    user.require_manager()?;
    new.validate()
        .map_err(|e| Error::invalid(e.field, e.message))?;
    // Every courier named must be a courier.
    let all = state.store.find_users(Some(Role::Courier), None).await?;
    for (i, c) in new.couriers.iter().enumerate() {
        if !all.iter().any(|u| u.id == c.courier_id) {
            return Err(Error::invalid(
                format!("couriers[{i}].courier_id"),
                "is not a courier",
            ));
        }
    }
    let saved = state.store.set_planning_settings(&new).await?;
    tracing::info!(by = %user.0.username, "planning settings saved");
    Ok(Json(saved))
}

/// Fits the travel model to the couriers' delivered stops of the last
/// `days`; with `save`, the settings take the fitted figures.
#[utoipa::path(post, path = "/api/planning/calibrate", request_body = CalibrateRequest,
    responses((status = 200, body = CalibrationReport),
              (status = 403, body = rodnik_shared::api::ErrorBody),
              (status = 409, body = rodnik_shared::api::ErrorBody, description = "`not_enough_samples`"),
              (status = 422, body = rodnik_shared::api::ErrorBody)))]
pub async fn calibrate(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<CalibrateRequest>,
) -> Result<Json<CalibrationReport>> {
    user.require_manager()?;
    let days = req.days.unwrap_or(90);
    if !(1..=365).contains(&days) {
        return Err(Error::invalid("days", "must be 1..365"));
    }
    let report = fit::run(&state, days, req.save).await?;
    tracing::info!(samples = report.samples, saved = report.saved, by = %user.0.username,
        "travel times calibrated");
    Ok(Json(report))
}

/// Starts optimising a day; poll `GET /api/plans/{id}`.
#[utoipa::path(post, path = "/api/plans", request_body = NewPlan,
    responses((status = 202, body = Plan, description = "the plan job, started"),
              (status = 403, body = rodnik_shared::api::ErrorBody),
              (status = 409, body = rodnik_shared::api::ErrorBody, description = "`plan_running`"),
              (status = 422, body = rodnik_shared::api::ErrorBody)))]
pub async fn create_plan(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<NewPlan>,
) -> Result<(StatusCode, Json<Plan>)> {
    user.require_operator()?;
    let plan = jobs::start(&state, &user.0.username, req).await?;
    tracing::info!(plan = %plan.id, date = %plan.date, by = %user.0.username, "optimising a day");
    Ok((StatusCode::ACCEPTED, Json(plan)))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct PlansQuery {
    /// YYYY-MM-DD
    pub date: String,
}

#[utoipa::path(get, path = "/api/plans", params(PlansQuery),
    responses((status = 200, body = Vec<Plan>),
              (status = 403, body = rodnik_shared::api::ErrorBody),
              (status = 422, body = rodnik_shared::api::ErrorBody)))]
pub async fn list_plans(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<PlansQuery>,
) -> Result<Json<Vec<Plan>>> {
    user.require_operator()?;
    let date = validate::date(&q.date, "date")?.to_string();
    Ok(Json(state.store.plans_of(&date).await?))
}

fn plan_id(id: &str) -> Result<&str> {
    if id.is_empty() || id.len() > 64 {
        return Err(Error::not_found("plan"));
    }
    Ok(id)
}

#[utoipa::path(get, path = "/api/plans/{id}",
    responses((status = 200, body = Plan),
              (status = 403, body = rodnik_shared::api::ErrorBody),
              (status = 404, body = rodnik_shared::api::ErrorBody)))]
pub async fn get_plan(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Plan>> {
    user.require_operator()?;
    let (plan, _) = state
        .store
        .get_plan(plan_id(&id)?)
        .await?
        .ok_or_else(|| Error::not_found("plan"))?;
    Ok(Json(plan))
}

/// Puts a finished plan into effect: each stop unchanged since the plan read
/// it gets its courier and position, in one transaction.
#[utoipa::path(post, path = "/api/plans/{id}/accept",
    responses((status = 200, body = Plan),
              (status = 403, body = rodnik_shared::api::ErrorBody),
              (status = 404, body = rodnik_shared::api::ErrorBody),
              (status = 409, body = rodnik_shared::api::ErrorBody, description = "`plan_not_done`, `plan_accepted`")))]
pub async fn accept_plan(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Plan>> {
    user.require_operator()?;
    let plan = jobs::accept(&state, plan_id(&id)?, &user.0.username).await?;
    if let Some(a) = &plan.accepted {
        tracing::info!(plan = %plan.id, applied = a.applied, skipped = a.skipped.len(),
            by = %user.0.username, "a plan was accepted");
    }
    Ok(Json(plan))
}

#[utoipa::path(post, path = "/api/plans/{id}/cancel",
    responses((status = 200, body = Plan),
              (status = 403, body = rodnik_shared::api::ErrorBody),
              (status = 404, body = rodnik_shared::api::ErrorBody),
              (status = 409, body = rodnik_shared::api::ErrorBody, description = "`plan_accepted`")))]
pub async fn cancel_plan(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Plan>> {
    user.require_operator()?;
    let id = plan_id(&id)?;
    let (plan, _) = state
        .store
        .get_plan(id)
        .await?
        .ok_or_else(|| Error::not_found("plan"))?;
    let at = chrono::Utc::now().to_rfc3339();
    if !state.store.cancel_plan(id, &plan, &at).await? {
        let (now, _) = state
            .store
            .get_plan(id)
            .await?
            .ok_or_else(|| Error::not_found("plan"))?;
        if now.state == rodnik_shared::api::PlanState::Accepted {
            return Err(Error::conflict(
                "plan_accepted",
                "the plan was accepted already",
            ));
        }
        return Ok(Json(now));
    }
    let (now, _) = state
        .store
        .get_plan(id)
        .await?
        .ok_or_else(|| Error::not_found("plan"))?;
    Ok(Json(now))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct SlotsQuery {
    pub client_id: String,
    pub address_id: String,
    /// 19 L bottles, 1-500.
    pub qty: u32,
    /// 1-14, default 3.
    pub days: Option<u32>,
    /// YYYY-MM-DD, default today.
    pub from: Option<String>,
    /// An order being edited: left out of its courier's route.
    pub order_id: Option<String>,
    /// Only this courier.
    pub courier_id: Option<String>,
}

/// Each standard window of the coming days: feasible or why not, the best
/// courier, the added travel time (insertion into the committed routes).
#[utoipa::path(get, path = "/api/slots", params(SlotsQuery),
    responses((status = 200, body = Slots),
              (status = 403, body = rodnik_shared::api::ErrorBody),
              (status = 404, body = rodnik_shared::api::ErrorBody),
              (status = 422, body = rodnik_shared::api::ErrorBody)))]
pub async fn get_slots(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<SlotsQuery>,
) -> Result<Json<Slots>> {
    user.require_operator()?;
    if !(1..=500).contains(&q.qty) {
        return Err(Error::invalid("qty", "must be 1..500"));
    }
    let days = q.days.unwrap_or(3);
    if !(1..=14).contains(&days) {
        return Err(Error::invalid("days", "must be 1..14"));
    }
    let today = state.cfg.today();
    let from = match q.from.as_deref() {
        Some(d) => validate::date(d, "from")?,
        None => today,
    };
    if from < today {
        return Err(Error::invalid("from", "is in the past"));
    }
    if q.client_id.len() > 100 || q.address_id.len() > 100 {
        return Err(Error::not_found("client"));
    }
    let client = state
        .store
        .get_client(&q.client_id)
        .await?
        .ok_or_else(|| Error::not_found("client"))?;
    let address = client
        .addresses
        .iter()
        .find(|a| a.id == q.address_id)
        .ok_or_else(|| Error::not_found("address"))?;
    let settings = state.store.planning_settings().await?;
    let point = match (address.lat, address.lon) {
        (Some(lat), Some(lon)) => rodnik_planner::travel::Point::new(lat, lon).ok(),
        _ => None,
    };
    let job = model::Job {
        point,
        bottles: i64::from(q.qty),
        window: None,
        service: model::service_seconds(
            &settings,
            q.qty,
            address.floor.as_deref(),
            address.no_lift,
        ),
    };
    let query = slots::SlotQuery {
        point,
        job,
        from,
        days,
        leave_out: q.order_id.filter(|s| s.len() <= 100),
        courier_id: q.courier_id.filter(|s| s.len() <= 100),
    };
    Ok(Json(slots::slots(&state, &query).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct EtasQuery {
    /// YYYY-MM-DD, default today.
    pub date: Option<String>,
    pub courier_id: Option<String>,
}

/// Each stop's expected arrival along its route as it stands.
#[utoipa::path(get, path = "/api/etas", params(EtasQuery),
    responses((status = 200, body = Vec<Eta>),
              (status = 403, body = rodnik_shared::api::ErrorBody),
              (status = 422, body = rodnik_shared::api::ErrorBody)))]
pub async fn get_etas(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<EtasQuery>,
) -> Result<Json<Vec<Eta>>> {
    let courier = match (user.role(), q.courier_id) {
        (Role::Courier, Some(c)) if c != user.id() => {
            return Err(Error::forbidden("couriers see only their own route"))
        }
        (Role::Courier, _) => Some(user.id().to_string()),
        (_, c) => c.filter(|c| c.len() <= 100),
    };
    let date = match q.date.as_deref() {
        Some(d) => validate::date(d, "date")?,
        None => state.cfg.today(),
    };
    Ok(Json(slots::etas(&state, date, courier.as_deref()).await?))
}
