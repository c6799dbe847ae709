//! Payments at the door (issue 20, item 5): what the courier's payment QR
//! needs, and the fiscal receipts of deliveries (an order's receipts, a
//! manager's retry). The receipts report is in `reports.rs`.

use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use rodnik_shared::api::{PaymentQrSettings, Receipt};

use super::extract::CurrentUser;
use crate::app::AppState;
use crate::error::{Error, Result};
use crate::store::receipts::stamp;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/payments/qr-settings", get(qr_settings))
        .route("/orders/{id}/receipts", get(order_receipts))
        .route("/receipts/{id}/retry", post(retry))
}

/// The company's SBP link and bank details, for the QR code a courier shows
/// at the door (the courier app keeps them for when it is offline).
#[utoipa::path(get, path = "/api/payments/qr-settings",
    responses((status = 200, body = PaymentQrSettings),
              (status = 401, body = rodnik_shared::api::ErrorBody)))]
pub async fn qr_settings(
    State(state): State<AppState>,
    _user: CurrentUser,
) -> Result<Json<PaymentQrSettings>> {
    let c = state.store.company_settings().await?;
    Ok(Json(PaymentQrSettings {
        sbp: c.sbp,
        name: c.name,
        inn: c.inn,
        kpp: c.kpp,
        bank_name: c.bank_name,
        bik: c.bik,
        account: c.account,
        corr_account: c.corr_account,
    }))
}

/// An order's fiscal receipts (none for legal clients, or while receipts
/// are off). A courier sees those of their own stops.
#[utoipa::path(get, path = "/api/orders/{id}/receipts",
    responses((status = 200, body = Vec<Receipt>),
              (status = 404, body = rodnik_shared::api::ErrorBody)))]
pub async fn order_receipts(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Vec<Receipt>>> {
    let order = super::orders::visible_order(&state, &user, &id).await?;
    Ok(Json(state.store.order_receipts(&order.id).await?))
}

/// Sends a receipt again: a refused one as a new request (after the cause
/// was fixed), a queued one now. 409 `receipt_not_retryable` for one that
/// is registered or at the cash register.
#[utoipa::path(post, path = "/api/receipts/{id}/retry",
    responses((status = 200, body = Receipt),
              (status = 403, body = rodnik_shared::api::ErrorBody),
              (status = 404, body = rodnik_shared::api::ErrorBody),
              (status = 409, body = rodnik_shared::api::ErrorBody)))]
pub async fn retry(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Receipt>> {
    user.require_manager()?;
    if id.len() > 100 {
        return Err(Error::not_found("receipt"));
    }
    let r = state
        .store
        .retry_receipt(&id, &stamp(chrono::Utc::now()))
        .await?;
    tracing::info!(receipt = %id, by = %user.0.username, "a receipt is sent again");
    state.store.receipts_wake.notify_one();
    Ok(Json(r))
}
