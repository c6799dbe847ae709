//! Bank statements (issue 20, item 4): a manager uploads the file the bank
//! exports for 1C; incoming payments go onto legal clients' accounts and
//! pay their invoices; the rest wait for a manager to assign or ignore.

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use rodnik_shared::api::{
    AssignPayment, BankPayment, BankPaymentState, IgnorePayment, StatementImport,
};
use serde::Deserialize;

use super::extract::{ApiJson, ApiQuery, CurrentUser};
use crate::app::AppState;
use crate::bank;
use crate::error::{Error, Result};

/// The largest statement file accepted.
const MAX_FILE: usize = 20 * 1024 * 1024;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/bank/statements",
            post(import_statement).layer(DefaultBodyLimit::max(MAX_FILE)),
        )
        .route("/bank/payments", get(list_payments))
        .route("/bank/payments/{id}/assign", post(assign_payment))
        .route("/bank/payments/{id}/ignore", post(ignore_payment))
}

#[utoipa::path(post, path = "/api/bank/statements",
    request_body(content = String, content_type = "text/plain",
        description = "the statement file as the bank exported it (1CClientBankExchange, Windows-1251, DOS 866 or UTF-8)"),
    responses((status = 200, body = StatementImport),
              (status = 403, body = rodnik_shared::api::ErrorBody, description = "managers and admins only"),
              (status = 413, description = "over 20 MB"),
              (status = 422, body = rodnik_shared::api::ErrorBody, description = "not a statement, or of another account (`file`)")))]
pub async fn import_statement(
    State(state): State<AppState>,
    user: CurrentUser,
    body: Bytes,
) -> Result<Json<StatementImport>> {
    user.require_manager()?;
    if body.is_empty() {
        return Err(Error::invalid("file", "the file is empty"));
    }
    let company = state.store.company_settings().await?;
    Ok(Json(
        bank::import(
            &state.store,
            &body,
            &company.account,
            (user.id(), user.name()),
        )
        .await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PaymentsQuery {
    pub state: Option<BankPaymentState>,
    /// 1 to 500 (default 200).
    pub limit: Option<usize>,
}

#[utoipa::path(get, path = "/api/bank/payments", params(PaymentsQuery),
    responses((status = 200, body = Vec<BankPayment>),
              (status = 403, body = rodnik_shared::api::ErrorBody),
              (status = 422, body = rodnik_shared::api::ErrorBody)))]
pub async fn list_payments(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<PaymentsQuery>,
) -> Result<Json<Vec<BankPayment>>> {
    user.require_manager()?;
    let limit = q.limit.unwrap_or(200);
    if !(1..=500).contains(&limit) {
        return Err(Error::invalid("limit", "must be between 1 and 500"));
    }
    Ok(Json(state.store.bank_payments(q.state, limit).await?))
}

#[utoipa::path(post, path = "/api/bank/payments/{id}/assign", request_body = AssignPayment,
    responses((status = 200, body = BankPayment),
              (status = 403, body = rodnik_shared::api::ErrorBody),
              (status = 404, body = rodnik_shared::api::ErrorBody),
              (status = 409, body = rodnik_shared::api::ErrorBody, description = "`payment_changed`: not unmatched"),
              (status = 422, body = rodnik_shared::api::ErrorBody)))]
pub async fn assign_payment(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<AssignPayment>,
) -> Result<Json<BankPayment>> {
    user.require_manager()?;
    Ok(Json(
        bank::assign(&state.store, &id, &req.client_id, (user.id(), user.name())).await?,
    ))
}

#[utoipa::path(post, path = "/api/bank/payments/{id}/ignore", request_body = IgnorePayment,
    responses((status = 200, body = BankPayment),
              (status = 403, body = rodnik_shared::api::ErrorBody),
              (status = 404, body = rodnik_shared::api::ErrorBody),
              (status = 409, body = rodnik_shared::api::ErrorBody, description = "`payment_changed`: not unmatched"),
              (status = 422, body = rodnik_shared::api::ErrorBody)))]
pub async fn ignore_payment(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<IgnorePayment>,
) -> Result<Json<BankPayment>> {
    user.require_manager()?;
    Ok(Json(
        bank::ignore(&state.store, &id, &req.note, user.name()).await?,
    ))
}
