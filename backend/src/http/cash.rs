//! The courier's cash at the end of the day (issue 18, item 7): the courier
//! hands it in (`POST /api/handovers`), a manager, the cashier, confirms
//! what was received (`POST /api/handovers/{id}/confirm`), a difference is
//! recorded with a comment; the cash report lists every courier's day.

use axum::extract::{Path, State};
use axum::routing::post;
use axum::{Json, Router};
use chrono::Utc;
use rodnik_shared::api::{ConfirmHandover, Handover, HandoverState, SubmitHandover};
use rodnik_shared::validate::{self, optional_text};
use rodnik_shared::{Money, Role};
use serde::Deserialize;

use super::extract::{ApiJson, ApiQuery, CurrentUser};
use crate::app::AppState;
use crate::error::{Error, Result};
use crate::store::cash::handover_key;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/handovers", post(submit).get(list))
        .route("/handovers/{id}/confirm", post(confirm))
}

/// How far back a courier may hand in a day's cash.
const DAYS_BACK: u64 = 31;

#[utoipa::path(post, path = "/api/handovers", request_body = SubmitHandover,
    responses((status = 200, body = Handover, description = "the day's handover, new or re-submitted"),
        (status = 403, body = rodnik_shared::api::ErrorBody, description = "couriers only"),
        (status = 409, body = rodnik_shared::api::ErrorBody, description = "`invalid_transition`: already confirmed"),
        (status = 422, body = rodnik_shared::api::ErrorBody)))]
pub async fn submit(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<SubmitHandover>,
) -> Result<Json<Handover>> {
    if user.role() != Role::Courier {
        return Err(Error::forbidden("couriers hand in their cash"));
    }
    let today = state.cfg.today();
    let date = match req.date.as_deref() {
        Some(d) => validate::date(d, "date")?,
        None => today,
    };
    if date > today || date + chrono::Days::new(DAYS_BACK) < today {
        return Err(Error::invalid(
            "date",
            format!("must be today or one of the last {DAYS_BACK} days"),
        ));
    }
    let declared = Money::parse_price(req.declared, "declared")?;
    let note = optional_text(req.note.as_deref(), "note")?;
    let date = date.to_string();
    let key = handover_key(user.id(), &date);
    let now = Utc::now().to_rfc3339();
    let saved = state
        .store
        .retrying_races(|| async {
            let old = state.store.get_handover(&key).await?;
            if old
                .as_ref()
                .is_some_and(|h| h.state == HandoverState::Confirmed)
            {
                return Ok(Err(Error::conflict(
                    "invalid_transition",
                    "the cashier already confirmed this day's cash",
                )));
            }
            let cash = state.store.day_cash(user.id(), &date).await?;
            let new = Handover {
                id: key.clone(),
                courier_id: user.id().to_string(),
                courier_name: user.0.name.clone(),
                date: date.clone(),
                state: HandoverState::Submitted,
                version: old.as_ref().map(|h| h.version + 1).unwrap_or(1),
                due: cash.due,
                collected: cash.collected,
                stops: cash.stops,
                declared,
                submitted_at: now.clone(),
                note: note.clone(),
                received: None,
                confirmed_by: None,
                confirmed_by_name: None,
                confirmed_at: None,
                comment: None,
            };
            state.store.put_handover(old.as_ref(), &new).await?;
            Ok(Ok(new))
        })
        .await??;
    tracing::info!(courier = %user.0.username, date = %saved.date, declared = saved.declared.0,
        collected = saved.collected.0, "cash handed in");
    Ok(Json(saved))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct HandoversQuery {
    /// YYYY-MM-DD.
    pub date: Option<String>,
    pub courier_id: Option<String>,
    /// `submitted` (waiting for the cashier) or `confirmed`.
    pub state: Option<HandoverState>,
}

#[utoipa::path(get, path = "/api/handovers", params(HandoversQuery),
    responses((status = 200, body = Vec<Handover>, description = "managers and admins: every courier's; a courier: their own")))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<HandoversQuery>,
) -> Result<Json<Vec<Handover>>> {
    let date = q
        .date
        .as_deref()
        .map(|d| validate::date(d, "date"))
        .transpose()?
        .map(|d| d.to_string());
    let courier = match user.role() {
        Role::Courier => {
            if q.courier_id.as_deref().is_some_and(|c| c != user.id()) {
                return Err(Error::forbidden("couriers see only their own cash"));
            }
            Some(user.id().to_string())
        }
        _ => {
            user.require_manager()?;
            q.courier_id
        }
    };
    Ok(Json(
        state
            .store
            .handovers(date.as_deref(), courier.as_deref(), q.state)
            .await?,
    ))
}

#[utoipa::path(post, path = "/api/handovers/{id}/confirm", request_body = ConfirmHandover,
    params(("id" = String, Path, description = "the handover's id")),
    responses((status = 200, body = Handover),
        (status = 403, body = rodnik_shared::api::ErrorBody, description = "managers and admins only"),
        (status = 404, body = rodnik_shared::api::ErrorBody),
        (status = 409, body = rodnik_shared::api::ErrorBody, description = "`invalid_transition`: already confirmed; `stale_version`"),
        (status = 422, body = rodnik_shared::api::ErrorBody)))]
pub async fn confirm(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<ConfirmHandover>,
) -> Result<Json<Handover>> {
    user.require_manager()?;
    let received = Money::parse_price(req.received, "received")?;
    let comment = optional_text(req.comment.as_deref(), "comment")?;
    let now = Utc::now().to_rfc3339();
    let saved = state
        .store
        .retrying_races(|| async {
            let old = state
                .store
                .get_handover(&id)
                .await?
                .ok_or_else(|| Error::not_found("handover"))?;
            if let Some(v) = req.expected_version {
                if v != old.version {
                    return Ok(Err(Error::stale_version("handover", v, old.version)));
                }
            }
            if old.state == HandoverState::Confirmed {
                return Ok(Err(Error::conflict(
                    "invalid_transition",
                    "this handover is already confirmed",
                )));
            }
            // What the stops brought, as of now (a late close counts).
            let cash = state.store.day_cash(&old.courier_id, &old.date).await?;
            if received != cash.collected && comment.is_none() {
                return Ok(Err(Error::invalid(
                    "comment",
                    "the received amount differs from what was collected: say why",
                )));
            }
            let new = Handover {
                state: HandoverState::Confirmed,
                version: old.version + 1,
                due: cash.due,
                collected: cash.collected,
                stops: cash.stops,
                received: Some(received),
                confirmed_by: Some(user.id().to_string()),
                confirmed_by_name: Some(user.0.name.clone()),
                confirmed_at: Some(now.clone()),
                comment: comment.clone(),
                ..old.clone()
            };
            state.store.put_handover(Some(&old), &new).await?;
            Ok(Ok(new))
        })
        .await??;
    tracing::info!(by = %user.0.username, id = %saved.id, received = received.0,
        difference = saved.difference().map(|d| d.0), "cash confirmed");
    Ok(Json(saved))
}

/// The cash report's rows: every courier's delivered day in the period,
/// with its handover if there is one (and handovers of days without
/// delivered stops).
pub async fn report(
    state: &AppState,
    from: &str,
    to: &str,
) -> Result<rodnik_shared::api::CashReport> {
    use rodnik_shared::api::{CashReport, CashRow, CashTotals};
    use std::collections::BTreeMap;
    let users = state.store.list_users(None).await?;
    let name = |id: &str| {
        users
            .iter()
            .find(|u| u.id == id)
            .map(|u| u.name.clone())
            .unwrap_or_else(|| id.to_string())
    };
    let mut rows: BTreeMap<(String, String), CashRow> = BTreeMap::new();
    for d in state.store.cash_days(from, to).await? {
        rows.insert(
            (d.date.clone(), d.courier_id.clone()),
            CashRow {
                handover_id: None,
                courier_name: name(&d.courier_id),
                date: d.date,
                courier_id: d.courier_id,
                stops: d.stops,
                due: d.due,
                collected: d.collected,
                handed_over: None,
                received: None,
                difference: None,
                state: None,
                comment: None,
            },
        );
    }
    for h in state.store.handovers_between(from, to).await? {
        let row = rows
            .entry((h.date.clone(), h.courier_id.clone()))
            .or_insert_with(|| CashRow {
                handover_id: None,
                date: h.date.clone(),
                courier_id: h.courier_id.clone(),
                courier_name: h.courier_name.clone(),
                stops: h.stops,
                due: h.due.0,
                collected: h.collected.0,
                handed_over: None,
                received: None,
                difference: None,
                state: None,
                comment: None,
            });
        row.handover_id = Some(h.id.clone());
        row.handed_over = Some(h.declared.0);
        row.received = h.received.map(|m| m.0);
        row.difference = h.received.map(|r| r.0 - row.collected);
        row.state = Some(h.state);
        row.comment = h.comment.clone();
    }
    let rows: Vec<CashRow> = rows.into_values().collect();
    let mut totals = CashTotals::default();
    for r in &rows {
        totals.due += r.due;
        totals.collected += r.collected;
        totals.handed_over += r.handed_over.unwrap_or(0);
        totals.received += r.received.unwrap_or(0);
        totals.difference += r.difference.unwrap_or(0);
    }
    Ok(CashReport { rows, totals })
}
