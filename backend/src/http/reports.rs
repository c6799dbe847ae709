//! Report endpoints (manager and up); `&format=csv` for CSV.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::{Datelike, NaiveDate};
use rodnik_shared::api::{DeliveriesReport, LostClientsReport, OrdersReport, SalesReport};
use rodnik_shared::validate;
use serde::Deserialize;

use super::extract::{ApiQuery, CurrentUser};
use crate::app::AppState;
use crate::error::{Error, Result};
use crate::reports;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/reports/deliveries", get(deliveries))
        .route("/reports/sales", get(sales))
        .route("/reports/orders", get(orders))
        .route("/reports/lost-clients", get(lost_clients))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct RangeQuery {
    /// YYYY-MM-DD, inclusive; default: the first day of this month.
    pub from: Option<String>,
    /// YYYY-MM-DD, inclusive; default: today.
    pub to: Option<String>,
    /// `csv` for CSV
    pub format: Option<String>,
}

fn range(state: &AppState, q: &RangeQuery) -> Result<(String, String)> {
    let today = state.cfg.today();
    let from = match &q.from {
        Some(f) => validate::date(f, "from")?,
        None => today.with_day(1).unwrap_or(today),
    };
    let to = match &q.to {
        Some(t) => validate::date(t, "to")?,
        None => today,
    };
    if from > to {
        return Err(Error::invalid("to", "must not be before from"));
    }
    Ok((from.to_string(), to.to_string()))
}

fn wants_csv(format: &Option<String>) -> Result<bool> {
    match format.as_deref() {
        None | Some("json") => Ok(false),
        Some("csv") => Ok(true),
        Some(_) => Err(Error::invalid("format", "must be json or csv")),
    }
}

fn csv_response(name: &str, body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}.csv\""),
            ),
        ],
        body,
    )
        .into_response()
}

/// The report as JSON, or as CSV when asked.
fn respond<R: serde::Serialize>(csv: bool, name: &str, r: R, to_csv: fn(&R) -> String) -> Response {
    if csv {
        csv_response(name, to_csv(&r))
    } else {
        Json(r).into_response()
    }
}

#[utoipa::path(get, path = "/api/reports/deliveries", params(RangeQuery), responses((status = 200, body = DeliveriesReport)))]
pub async fn deliveries(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<RangeQuery>,
) -> Result<Response> {
    user.require_manager()?;
    let csv = wants_csv(&q.format)?;
    let (from, to) = range(&state, &q)?;
    let r = reports::deliveries(&state.store.orders_between(&from, &to).await?);
    Ok(respond(csv, "deliveries", r, reports::deliveries_csv))
}

#[utoipa::path(get, path = "/api/reports/sales", params(RangeQuery), responses((status = 200, body = SalesReport)))]
pub async fn sales(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<RangeQuery>,
) -> Result<Response> {
    user.require_manager()?;
    let csv = wants_csv(&q.format)?;
    let (from, to) = range(&state, &q)?;
    let r = reports::sales(&state.store.orders_between(&from, &to).await?);
    Ok(respond(csv, "sales", r, reports::sales_csv))
}

#[utoipa::path(get, path = "/api/reports/orders", params(RangeQuery), responses((status = 200, body = OrdersReport)))]
pub async fn orders(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<RangeQuery>,
) -> Result<Response> {
    user.require_manager()?;
    let csv = wants_csv(&q.format)?;
    let (from, to) = range(&state, &q)?;
    let orders = state.store.orders_between(&from, &to).await?;
    let users = state.store.list_users(None).await?;
    let r = reports::orders_worked(&orders, &users);
    Ok(respond(csv, "orders", r, reports::orders_csv))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct LostQuery {
    /// YYYY-MM-DD; default: today.
    pub as_of: Option<String>,
    /// Calendar months without a delivery; default 3.
    pub months: Option<u32>,
    pub format: Option<String>,
}

#[utoipa::path(get, path = "/api/reports/lost-clients", params(LostQuery), responses((status = 200, body = LostClientsReport)))]
pub async fn lost_clients(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<LostQuery>,
) -> Result<Response> {
    user.require_manager()?;
    let csv = wants_csv(&q.format)?;
    let as_of: NaiveDate = match &q.as_of {
        Some(d) => validate::date(d, "as_of")?,
        None => state.cfg.today(),
    };
    let months = q.months.unwrap_or(3);
    if !(1..=120).contains(&months) {
        return Err(Error::invalid("months", "must be between 1 and 120"));
    }
    let facts = state.store.order_facts().await?;
    let clients = state.store.all_clients().await?;
    let r = reports::lost_clients(&facts, &clients, as_of, months);
    Ok(respond(csv, "lost-clients", r, reports::lost_csv))
}
