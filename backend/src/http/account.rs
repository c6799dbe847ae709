//! The client's account (issue 20, item 1): the balance and the moves
//! (`GET /api/clients/{id}/account`), a payment or correction a manager
//! enters (`POST`), and the contract's terms (`PUT /api/clients/{id}/contract`).
//! Deliveries write their charges and cash by themselves (`store::orders`);
//! the credit check on new orders is [`credit_check`].

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, put};
use axum::{Json, Router};
use chrono::{Days, Utc};
use rodnik_shared::api::{
    AccountMove, AccountMoveKind, ClientAccount, ClientCard, ClientSummary, Contract, CreditHold,
    NewAccountMove, PutContract,
};
use rodnik_shared::validate::{self, optional_text, required_text};
use rodnik_shared::{ClientKind, Money};

use super::clients::MovesQuery;
use super::extract::{ApiJson, ApiQuery, CurrentUser};
use super::idempotency::Idem;
use crate::app::AppState;
use crate::error::{Error, Result};
use crate::figures::account::AccountRow;
use crate::store::new_key;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/clients/{id}/account", get(account).post(add_move))
        .route("/clients/{id}/contract", put(put_contract))
}

/// The largest payment or correction anyone may enter: 100 000 000 roubles.
const MAX_AMOUNT: i64 = 10_000_000_000;
/// How far back a payment may be dated.
const DAYS_BACK: u64 = 366;
/// How far ahead a manager's allowance may reach.
const ALLOW_DAYS: u64 = 90;

/// The client's account: where it stands and its moves, newest first.
#[utoipa::path(get, path = "/api/clients/{id}/account", params(MovesQuery),
    responses((status = 200, body = ClientAccount),
              (status = 403, body = rodnik_shared::api::ErrorBody),
              (status = 404, body = rodnik_shared::api::ErrorBody),
              (status = 422, body = rodnik_shared::api::ErrorBody)))]
pub async fn account(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<MovesQuery>,
) -> Result<Json<ClientAccount>> {
    user.require_operator()?;
    let (limit, before) = q.page()?;
    state
        .store
        .client_account(&id, before, limit)
        .await?
        .map(Json)
        .ok_or_else(|| Error::not_found("client"))
}

/// A manager's move on an account, checked: a payment received (amount >
/// 0, a method), an opening balance (signed: + owed, - paid ahead) or a
/// correction (signed, with its reason), dated today or up to a year back.
pub fn manual_move(
    client_id: &str,
    req: &NewAccountMove,
    by: (&str, &str),
    today: chrono::NaiveDate,
) -> Result<AccountRow> {
    if req.amount == 0 || req.amount.unsigned_abs() > MAX_AMOUNT as u64 {
        return Err(Error::invalid(
            "amount",
            "must be a non-zero number of kopecks, at most 100 000 000 roubles",
        ));
    }
    let day = match req.day.as_deref() {
        Some(d) => validate::date(d, "day")?,
        None => today,
    };
    if day > today || day + Days::new(DAYS_BACK) < today {
        return Err(Error::invalid(
            "day",
            format!("must be today or one of the last {DAYS_BACK} days"),
        ));
    }
    let reference = optional_text(req.reference.as_deref(), "reference")?;
    let reason = optional_text(req.reason.as_deref(), "reason")?;
    let (amount, method) = match req.kind {
        AccountMoveKind::Payment => {
            if req.amount < 0 {
                return Err(Error::invalid(
                    "amount",
                    "a payment is what was received: more than 0",
                ));
            }
            let method = req
                .method
                .ok_or_else(|| Error::invalid("method", "is required: cash, card, sbp or bank"))?;
            (-req.amount, Some(method))
        }
        AccountMoveKind::Opening | AccountMoveKind::Adjustment => {
            if reason.is_none() && req.kind == AccountMoveKind::Adjustment {
                return Err(Error::invalid(
                    "reason",
                    "is required: say why the account changes",
                ));
            }
            if req.method.is_some() {
                return Err(Error::invalid("method", "only a payment has a method"));
            }
            (req.amount, None)
        }
        _ => {
            return Err(Error::invalid(
                "kind",
                "must be payment, opening or adjustment (deliveries charge by themselves)",
            ))
        }
    };
    Ok(AccountRow {
        client_id: client_id.to_string(),
        kind: req.kind,
        amount: Money(amount),
        method,
        order_id: None,
        order_number: None,
        day: day.to_string(),
        reference,
        reason,
        by: Some(by.0.to_string()),
        by_name: Some(by.1.to_string()),
        at: Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
    })
}

/// A manager enters a payment received or corrects the account.
#[utoipa::path(post, path = "/api/clients/{id}/account", request_body = NewAccountMove,
    params(("Idempotency-Key" = Option<String>, Header, description = "makes a retry safe: the same key and body get the first answer")),
    responses((status = 201, body = AccountMove),
              (status = 403, body = rodnik_shared::api::ErrorBody, description = "managers and admins only"),
              (status = 404, body = rodnik_shared::api::ErrorBody),
              (status = 422, body = rodnik_shared::api::ErrorBody)))]
pub async fn add_move(
    State(state): State<AppState>,
    user: CurrentUser,
    idem: Idem,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<NewAccountMove>,
) -> Result<(StatusCode, Json<AccountMove>)> {
    user.require_manager()?;
    let row = manual_move(&id, &req, (user.id(), user.name()), state.cfg.today())?;
    state.store.require_client(&id).await?;
    let key = new_key();
    let answer = row.with_id(key.clone());
    let body = idem.body(&answer)?;
    let stored = body
        .as_deref()
        .and_then(|b| idem.answer(StatusCode::CREATED, b));
    // A payment pays the client's oldest unpaid invoices, as a bank one does.
    let invoices = match row.kind {
        AccountMoveKind::Payment => {
            crate::bank::pays_invoices(&state.store, &id, Money(-row.amount.0), &[])
                .await?
                .0
        }
        _ => vec![],
    };
    state
        .store
        .add_account_moves_answered(&id, &[(key, row)], &invoices, stored.as_ref())
        .await?;
    if stored.is_some() {
        idem.answered();
    }
    Ok((StatusCode::CREATED, Json(answer)))
}

/// The contract's terms, checked.
fn contract(req: &PutContract, by: &str, today: chrono::NaiveDate) -> Result<Contract> {
    let number = required_text(&req.number, "number")?;
    if number.chars().count() > 60 {
        return Err(Error::invalid("number", "must be at most 60 characters"));
    }
    let date = validate::date(&req.date, "date")?;
    if !(0..=365).contains(&req.payment_days) {
        return Err(Error::invalid("payment_days", "must be 0 to 365 days"));
    }
    let credit_limit = req
        .credit_limit
        .map(|l| Money::parse_price(l, "credit_limit"))
        .transpose()?;
    let allowed_until = match req.allowed_until.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(d) => {
            let until = validate::date(d, "allowed_until")?;
            if until < today || until > today + Days::new(ALLOW_DAYS) {
                return Err(Error::invalid(
                    "allowed_until",
                    format!("must be today to {ALLOW_DAYS} days ahead"),
                ));
            }
            Some(until.to_string())
        }
    };
    Ok(Contract {
        number,
        date: date.to_string(),
        payment_days: u32::try_from(req.payment_days).unwrap_or(0),
        credit_limit,
        allowed_by: allowed_until.as_ref().map(|_| by.to_string()),
        allowed_until,
    })
}

/// A manager sets the client's contract: number and date, days of
/// deferment, credit limit, and an allowance to order past the limit or
/// while overdue until a day.
#[utoipa::path(put, path = "/api/clients/{id}/contract", request_body = PutContract,
    responses((status = 200, body = ClientCard),
              (status = 403, body = rodnik_shared::api::ErrorBody, description = "managers and admins only"),
              (status = 404, body = rodnik_shared::api::ErrorBody),
              (status = 409, body = rodnik_shared::api::ErrorBody, description = "`stale_version`"),
              (status = 422, body = rodnik_shared::api::ErrorBody)))]
pub async fn put_contract(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<PutContract>,
) -> Result<Json<ClientCard>> {
    user.require_manager()?;
    let terms = contract(&req, user.name(), state.cfg.today())?;
    state
        .store
        .edit_client(&id, req.version, |mut c: ClientSummary| {
            c.contract = Some(terms.clone());
            Ok(c)
        })
        .await?;
    Ok(Json(state.store.require_card(&id).await?))
}

/// Refuses a new order that adds `extra` to a client's account when the
/// client is held (overdue or over the credit limit under a contract),
/// unless a manager takes it with `allow`.
pub async fn credit_check(
    state: &AppState,
    user: &CurrentUser,
    client: &ClientSummary,
    extra: Money,
    allow: bool,
) -> Result<()> {
    if allow && !user.role().is_manager_or_up() {
        return Err(Error::forbidden(
            "only a manager may take an order past a credit hold",
        ));
    }
    if client.kind != ClientKind::Legal || client.contract.is_none() || allow {
        return Ok(());
    }
    let Some(s) = state.store.account_summary(&client.id).await? else {
        return Err(Error::not_found("client"));
    };
    let money = |m: Money| format!("{} ₽", m.roubles_input(true));
    match rodnik_shared::account::hold(&s, client.kind, extra, state.cfg.today()) {
        None => Ok(()),
        Some(CreditHold::Overdue) => Err(Error::conflict(
            "credit_hold",
            format!(
                "the client is overdue: {} past due for {} days; a manager may allow the order",
                money(s.overdue),
                s.overdue_days
            ),
        )),
        Some(CreditHold::OverLimit) => Err(Error::conflict(
            "credit_hold",
            format!(
                "over the credit limit of {}: owes {}, open orders {}, this order {}; a manager may allow the order",
                money(s.contract.as_ref().and_then(|c| c.credit_limit).unwrap_or_default()),
                money(s.balance),
                money(s.open_orders),
                money(extra)
            ),
        )),
    }
}
