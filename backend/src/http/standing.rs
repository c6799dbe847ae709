//! Standing orders (issue 23): an office's "every Tuesday, 6 bottles" set up
//! once from the client's card; the server generates the orders a few days
//! ahead (`standing_days` of the order settings), exactly once per date
//! whatever restarts or servers run it, as `POST /api/orders` would take
//! them. Generated orders are ordinary orders: changed or cancelled one by
//! one without touching the schedule.

use std::collections::{BTreeSet, HashMap};

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{Days, NaiveDate, Utc};
use rodnik_shared::api::{
    CreateOrder, CreateStandingOrder, Described, GenerationRun, PatchStandingOrder, StandingDate,
    StandingError, StandingOrder, User,
};
use rodnik_shared::standing::{describe, Plan};
use rodnik_shared::validate::{self, optional_text};
use rodnik_shared::{Cause, Role};
use serde::Deserialize;

use super::extract::{ApiJson, ApiQuery, CurrentUser};
use super::orders::{cancel_planned, planned_order, Purpose};
use crate::app::AppState;
use crate::error::{Error, Result};
use crate::store::new_key;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/standing-orders", get(list).post(create))
        .route("/standing-orders/generate", post(generate_now))
        .route("/standing-orders/{id}", get(read).patch(patch).delete(end))
}

/// How far `upcoming` looks, and how many dates it lists.
const UPCOMING_DAYS: u64 = 60;
const UPCOMING: usize = 10;
/// Ids in a query or path are at most this long.
const MAX_ID: usize = 64;

fn now() -> String {
    Utc::now().to_rfc3339()
}

fn id_param(raw: &str, field: &str) -> Result<String> {
    let v = raw.trim();
    if v.is_empty() || v.chars().count() > MAX_ID {
        return Err(Error::invalid(
            field,
            format!("must be 1 to {MAX_ID} characters"),
        ));
    }
    Ok(v.to_string())
}

fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// The generator's user: the operator who set the standing order up, as an
/// operator (a credit hold waits for a manager, as at the phone).
fn maker(s: &StandingOrder) -> CurrentUser {
    CurrentUser(User {
        id: s.created_by.clone(),
        username: "standing-order".into(),
        name: String::new(),
        role: Role::Operator,
        phone: None,
        extension: None,
        active: true,
    })
}

/// The order a standing order asks for on `date`, as `POST /api/orders`
/// gets it.
fn order_request(s: &StandingOrder, date: NaiveDate) -> CreateOrder {
    CreateOrder {
        client_id: s.client_id.clone(),
        address_id: s.address_id.clone(),
        lines: s.lines.clone(),
        delivery_date: day(date),
        window: s.window.clone(),
        courier_id: s.courier_id.clone(),
        call_id: None,
        note: s.note.clone(),
        deposit_bottles: None,
        deposit_reason: None,
        allow_credit: false,
        slot_check: false,
    }
}

/// The days the generator covers from `today`: `standing_days` of them.
async fn horizon(state: &AppState, today: NaiveDate) -> Result<NaiveDate> {
    let days = state.store.order_settings().await?.standing_days.max(1);
    Ok(today
        .checked_add_days(Days::new(u64::from(days) - 1))
        .unwrap_or(today))
}

/// The standing order as answered: its schedule in words and its next dates
/// with the orders already made for them.
async fn view(state: &AppState, mut s: StandingOrder) -> Result<StandingOrder> {
    s.described = Described {
        ru: describe(&s.plan.schedule, true),
        en: describe(&s.plan.schedule, false),
    };
    s.upcoming = vec![];
    if s.ended {
        return Ok(s);
    }
    let today = state.cfg.today();
    let until = today
        .checked_add_days(Days::new(UPCOMING_DAYS))
        .unwrap_or(today);
    let dates: Vec<String> = s
        .plan
        .occurrences(today, until)
        .into_iter()
        .take(UPCOMING)
        .map(day)
        .collect();
    let made: HashMap<String, String> = state
        .store
        .standing_runs(&s.id, &dates)
        .await?
        .into_iter()
        .collect();
    s.upcoming = dates
        .into_iter()
        .map(|date| StandingDate {
            order_id: made.get(&date).cloned(),
            date,
        })
        .collect();
    Ok(s)
}

/// Checks a standing order as the orders it will make are checked (client,
/// address, products on sale, window, courier, note) on its first date.
async fn check(state: &AppState, user: &CurrentUser, s: &StandingOrder) -> Result<()> {
    let first = s
        .plan
        .next_after(s.plan.starts_on.pred_opt().unwrap_or(s.plan.starts_on))
        .unwrap_or(s.plan.starts_on);
    planned_order(state, user, &order_request(s, first), Purpose::Check).await?;
    Ok(())
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct StandingQuery {
    /// One client's standing orders; default: every client's.
    pub client_id: Option<String>,
    /// `true` lists the ended ones too.
    pub all: Option<bool>,
}

#[utoipa::path(get, path = "/api/standing-orders", params(StandingQuery),
    responses((status = 200, body = Vec<StandingOrder>, description = "oldest first; those in force unless `all=true`"),
        (status = 403, body = rodnik_shared::api::ErrorBody, description = "operators and up"),
        (status = 422, body = rodnik_shared::api::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<StandingQuery>,
) -> Result<Json<Vec<StandingOrder>>> {
    user.require_operator()?;
    let client = q
        .client_id
        .as_deref()
        .map(|c| id_param(c, "client_id"))
        .transpose()?;
    let mut out = vec![];
    for s in state
        .store
        .list_standing(client.as_deref(), q.all.unwrap_or(false))
        .await?
    {
        out.push(view(&state, s).await?);
    }
    Ok(Json(out))
}

#[utoipa::path(get, path = "/api/standing-orders/{id}",
    params(("id" = String, Path, description = "the standing order's id")),
    responses((status = 200, body = StandingOrder),
        (status = 403, body = rodnik_shared::api::ErrorBody, description = "operators and up"),
        (status = 404, body = rodnik_shared::api::ErrorBody)))]
pub async fn read(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<StandingOrder>> {
    user.require_operator()?;
    let s = state
        .store
        .get_standing(&id_param(&id, "id")?)
        .await?
        .ok_or_else(|| Error::not_found("standing order"))?;
    Ok(Json(view(&state, s).await?))
}

#[utoipa::path(post, path = "/api/standing-orders", request_body = CreateStandingOrder,
    responses((status = 201, body = StandingOrder, description = "set up; the orders due within the generated days are made at once"),
        (status = 403, body = rodnik_shared::api::ErrorBody, description = "operators and up"),
        (status = 422, body = rodnik_shared::api::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<CreateStandingOrder>,
) -> Result<(StatusCode, Json<StandingOrder>)> {
    user.require_operator()?;
    let today = state.cfg.today();
    let starts_on = validate::date(&req.starts_on, "starts_on")?;
    if starts_on < today {
        return Err(Error::invalid("starts_on", "must not be before today"));
    }
    let ends_on = req
        .ends_on
        .as_deref()
        .filter(|e| !e.trim().is_empty())
        .map(|e| validate::date(e, "ends_on"))
        .transpose()?;
    let plan = Plan {
        schedule: req.schedule.clone(),
        starts_on,
        ends_on,
        pauses: vec![],
        skips: vec![],
    }
    .validate()?;
    let client_id = id_param(&req.client_id, "client_id")?;
    let client = state
        .store
        .get_client(&client_id)
        .await?
        .ok_or_else(|| Error::invalid("client_id", "no such client"))?;
    let s = StandingOrder {
        id: new_key(),
        client_id,
        client_name: client.name,
        address_id: req.address_id.trim().to_string(),
        lines: req.lines.clone(),
        window: req.window.clone(),
        courier_id: req
            .courier_id
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(String::from),
        note: optional_text(req.note.as_deref(), "note")?,
        plan,
        described: Described::default(),
        created_by: user.id().to_string(),
        created_at: now(),
        version: 1,
        ended: false,
        last_error: None,
        upcoming: vec![],
    };
    check(&state, &user, &s).await?;
    state.store.create_standing(&s).await?;
    tracing::info!(by = %user.0.username, id = %s.id, client = %s.client_id, "standing order set up");
    generate_one(&state, &s, today, horizon(&state, today).await?).await?;
    let saved = state
        .store
        .get_standing(&s.id)
        .await?
        .ok_or_else(|| Error::not_found("standing order"))?;
    Ok((StatusCode::CREATED, Json(view(&state, saved).await?)))
}

#[utoipa::path(patch, path = "/api/standing-orders/{id}", request_body = PatchStandingOrder,
    params(("id" = String, Path, description = "the standing order's id")),
    responses((status = 200, body = StandingOrder, description = "changed; generated orders no longer due and not yet dispatched are cancelled"),
        (status = 403, body = rodnik_shared::api::ErrorBody, description = "operators and up"),
        (status = 404, body = rodnik_shared::api::ErrorBody),
        (status = 409, body = rodnik_shared::api::ErrorBody, description = "`stale_version`; `ended`"),
        (status = 422, body = rodnik_shared::api::ErrorBody)))]
pub async fn patch(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<PatchStandingOrder>,
) -> Result<Json<StandingOrder>> {
    user.require_operator()?;
    let current = state
        .store
        .get_standing(&id_param(&id, "id")?)
        .await?
        .ok_or_else(|| Error::not_found("standing order"))?;
    if let Some(v) = req.expected_version {
        if v != current.version {
            return Err(Error::stale_version("standing order", v, current.version));
        }
    }
    if current.ended {
        return Err(Error::conflict("ended", "this standing order has ended"));
    }
    let mut next = current.clone();
    if let Some(a) = &req.address_id {
        next.address_id = a.trim().to_string();
    }
    if let Some(l) = &req.lines {
        next.lines = l.clone();
    }
    if let Some(w) = &req.window {
        next.window = w.clone();
    }
    if let Some(c) = &req.courier_id {
        next.courier_id = c
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(String::from);
    }
    if let Some(n) = &req.note {
        next.note = optional_text(n.as_deref(), "note")?;
    }
    if let Some(s) = &req.schedule {
        next.plan.schedule = s.clone();
    }
    if let Some(s) = &req.starts_on {
        let d = validate::date(s, "starts_on")?;
        if d != current.plan.starts_on && d < state.cfg.today() {
            return Err(Error::invalid("starts_on", "must not be before today"));
        }
        next.plan.starts_on = d;
    }
    if let Some(e) = &req.ends_on {
        next.plan.ends_on = e
            .as_deref()
            .filter(|e| !e.trim().is_empty())
            .map(|e| validate::date(e, "ends_on"))
            .transpose()?;
    }
    if let Some(p) = &req.pauses {
        next.plan.pauses = p.clone();
    }
    if let Some(s) = &req.skips {
        next.plan.skips = s.clone();
    }
    next.plan = next.plan.validate()?;
    if next.plan.ends_on.is_some_and(|e| e < state.cfg.today()) {
        return Err(Error::invalid(
            "ends_on",
            "must not be before today (end the standing order instead)",
        ));
    }
    check(&state, &user, &next).await?;
    next.version = current.version + 1;
    state.store.cas_standing(&next, current.version).await?;
    tracing::info!(by = %user.0.username, id = %next.id, version = next.version, "standing order changed");
    let today = state.cfg.today();
    let through = horizon(&state, today).await?;
    withdraw(
        &state,
        &user,
        &next,
        today,
        through,
        "Постоянный заказ изменён",
    )
    .await?;
    generate_one(&state, &next, today, through).await?;
    let saved = state
        .store
        .get_standing(&next.id)
        .await?
        .ok_or_else(|| Error::not_found("standing order"))?;
    Ok(Json(view(&state, saved).await?))
}

#[utoipa::path(delete, path = "/api/standing-orders/{id}",
    params(("id" = String, Path, description = "the standing order's id")),
    responses((status = 200, body = StandingOrder, description = "ended: nothing more is generated, and its orders not yet dispatched are cancelled; kept for history"),
        (status = 403, body = rodnik_shared::api::ErrorBody, description = "operators and up"),
        (status = 404, body = rodnik_shared::api::ErrorBody)))]
pub async fn end(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<StandingOrder>> {
    user.require_operator()?;
    let id = id_param(&id, "id")?;
    let ended = state
        .store
        .retrying_races(|| async {
            let current = state
                .store
                .get_standing(&id)
                .await?
                .ok_or_else(|| Error::not_found("standing order"))?;
            if current.ended {
                return Ok(current);
            }
            let mut next = current.clone();
            next.ended = true;
            next.version = current.version + 1;
            state.store.cas_standing(&next, current.version).await?;
            Ok(next)
        })
        .await?;
    let today = state.cfg.today();
    let through = horizon(&state, today).await?;
    withdraw(
        &state,
        &user,
        &ended,
        today,
        through,
        "Постоянный заказ завершён",
    )
    .await?;
    tracing::info!(by = %user.0.username, id = %ended.id, "standing order ended");
    Ok(Json(view(&state, ended).await?))
}

#[utoipa::path(post, path = "/api/standing-orders/generate",
    responses((status = 200, body = GenerationRun, description = "the orders due within the generated days, made now (the server also does it every few minutes)"),
        (status = 403, body = rodnik_shared::api::ErrorBody, description = "managers and admins")))]
pub async fn generate_now(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<GenerationRun>> {
    user.require_manager()?;
    Ok(Json(generate(&state).await?))
}

/// Cancels the generated orders of `s` from `today` to `through` that are no
/// longer due (skipped, paused, another schedule, ended) and not yet out
/// for delivery; those already on a route stay, for the dispatcher.
async fn withdraw(
    state: &AppState,
    user: &CurrentUser,
    s: &StandingOrder,
    today: NaiveDate,
    through: NaiveDate,
    why: &str,
) -> Result<()> {
    let due: BTreeSet<String> = if s.ended {
        BTreeSet::new()
    } else {
        s.plan
            .occurrences(today, through)
            .into_iter()
            .map(day)
            .collect()
    };
    let days: Vec<String> = today
        .iter_days()
        .take_while(|d| *d <= through)
        .map(day)
        .collect();
    for (date, order_id) in state.store.standing_runs(&s.id, &days).await? {
        if due.contains(&date) {
            continue;
        }
        let cancelled = cancel_planned(state, user, &order_id, Cause::text(why)).await?;
        if cancelled {
            tracing::info!(standing = %s.id, order = %order_id, %date, "generated order withdrawn");
        }
    }
    Ok(())
}

/// What one standing order's generation did: (made, already there, failed).
async fn generate_one(
    state: &AppState,
    s: &StandingOrder,
    today: NaiveDate,
    through: NaiveDate,
) -> Result<(usize, usize, usize)> {
    if s.ended {
        return Ok((0, 0, 0));
    }
    let dates: Vec<NaiveDate> = s.plan.occurrences(today, through);
    let wanted: Vec<String> = dates.iter().copied().map(day).collect();
    let made: BTreeSet<String> = state
        .store
        .standing_runs(&s.id, &wanted)
        .await?
        .into_iter()
        .map(|(d, _)| d)
        .collect();
    let (mut created, mut existing, mut failed) = (0, made.len(), 0);
    let mut error: Option<StandingError> = None;
    let user = maker(s);
    for date in dates {
        let date_s = day(date);
        if made.contains(&date_s) {
            continue;
        }
        let taken = match planned_order(state, &user, &order_request(s, date), Purpose::Take).await
        {
            Ok(Some(mut order)) => {
                order.standing_id = Some(s.id.clone());
                state
                    .store
                    .insert_standing_order(&order, &s.id, &date_s, &now())
                    .await
            }
            Ok(None) => Err(Error::Internal("a generated order was only checked".into())),
            Err(e) => Err(e),
        };
        match taken {
            Ok(true) => created += 1,
            Ok(false) => existing += 1,
            Err(e) => {
                failed += 1;
                tracing::warn!(standing = %s.id, date = %date_s, error = %e, "a standing order's date could not be generated");
                error = Some(StandingError {
                    date: date_s,
                    code: error_code(&e),
                    message: error_message(&e),
                    at: now(),
                });
            }
        }
    }
    if error.is_some() || s.last_error.is_some() {
        state
            .store
            .set_standing_error(&s.id, error.as_ref())
            .await?;
    }
    Ok((created, existing, failed))
}

fn error_code(e: &Error) -> String {
    match e {
        Error::Validation(_) => "invalid".into(),
        Error::Conflict { code, .. } => (*code).into(),
        Error::NotFound(_) => "not_found".into(),
        Error::Forbidden(_) => "forbidden".into(),
        _ => "internal".into(),
    }
}

fn error_message(e: &Error) -> String {
    match e {
        Error::Validation(f) => format!("{}: {}", f.field, f.message),
        Error::Db(_) | Error::Internal(_) => {
            "the server could not make the order (see its log)".into()
        }
        other => other.to_string(),
    }
}

/// One run of the generator over every standing order in force: the orders
/// due from today through the generated days that are not made yet.
pub async fn generate(state: &AppState) -> Result<GenerationRun> {
    let today = state.cfg.today();
    let through = horizon(state, today).await?;
    let mut run = GenerationRun {
        through: day(through),
        ..GenerationRun::default()
    };
    for s in state.store.list_standing(None, false).await? {
        let (c, e, f) = generate_one(state, &s, today, through).await?;
        run.created += c;
        run.existing += e;
        run.failed += f;
    }
    if run.created > 0 || run.failed > 0 {
        tracing::info!(created = run.created, failed = run.failed, through = %run.through, "standing orders generated");
    }
    Ok(run)
}

/// Runs the generator at start and every five minutes (a new day's dates
/// come in with the first run after midnight).
pub fn generate_periodically(state: &AppState) {
    let state = state.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(300));
        loop {
            tick.tick().await;
            if let Err(e) = generate(&state).await {
                tracing::warn!(error = %e, "generating standing orders failed");
            }
        }
    });
}
