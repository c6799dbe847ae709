//! Orders and routes: taking an order, editing it, and every state change.
//! A handler parses its input, looks up what the change needs (a courier,
//! prices, the end of a route), and lets the order's rules in `shared/`
//! (`rodnik_shared::order`) decide; the store writes the result with
//! compare-and-set on `version`.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{NaiveDate, Utc};
use rodnik_shared::api::{
    CancelOrder, CreateOrder, DeliverOrder, FailOrder, Order, OrderLine, OrderSettings,
    OtherDayRule, PatchOrder, PutRoute, ReasonKind, RescheduleOrder, Route, User, VersionOnly,
};
use rodnik_shared::pricing;
use rodnik_shared::validate::{self, optional_text};
use rodnik_shared::{
    Delivery, DoorReschedule, Effects, FieldError, Money, NewOrder, OrderEdit, OrderState, Qty,
    Role, RouteEnd, TimeWindow,
};
use serde::Deserialize;

use super::extract::{ApiJson, ApiQuery, CurrentUser, MaybeJson};
use super::idempotency::Idem;
use crate::app::AppState;
use crate::error::{Error, Result};
use crate::store::catalogue::OrderInputs;
use crate::store::new_key;
use crate::store::orders::{OrderFilter, MAX_LIST};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/orders", post(create_order).get(list_orders))
        .route("/orders/{id}", get(get_order).patch(patch_order))
        .route("/orders/{id}/dispatch", post(dispatch))
        .route("/orders/{id}/deliver", post(deliver))
        .route("/orders/{id}/fail", post(fail))
        .route("/orders/{id}/reschedule", post(reschedule))
        .route("/orders/{id}/recall", post(recall))
        .route("/orders/{id}/cancel", post(cancel))
        .route("/route", get(get_route).put(put_route))
        .route(
            "/settings/orders",
            get(get_order_settings).put(put_order_settings),
        )
        .route(
            "/settings/bottles",
            get(get_bottle_settings).put(put_bottle_settings),
        )
}

fn now() -> String {
    Utc::now().to_rfc3339()
}

fn device_time(at: Option<&str>) -> Result<String> {
    match at {
        None => Ok(now()),
        Some(s) => chrono::DateTime::parse_from_rfc3339(s)
            .map(|t| t.with_timezone(&Utc).to_rfc3339())
            .map_err(|_| Error::invalid("at", "must be an RFC 3339 instant")),
    }
}

fn delivery_date(state: &AppState, user: &CurrentUser, raw: &str) -> Result<NaiveDate> {
    let date = validate::date(raw, "delivery_date")?;
    if date < state.cfg.today() && !user.role().may_backdate() {
        return Err(Error::invalid("delivery_date", "must not be before today"));
    }
    Ok(date)
}

async fn courier(state: &AppState, id: &str) -> Result<User> {
    active_courier(state.store.get_user(id).await?)
}

/// The user read as a courier for an order: an active courier.
fn active_courier(user: Option<User>) -> Result<User> {
    match user {
        Some(u) if u.role == Role::Courier && u.active => Ok(u),
        Some(u) if u.role == Role::Courier => {
            Err(Error::invalid("courier_id", "this courier is deactivated"))
        }
        _ => Err(Error::invalid("courier_id", "no such courier")),
    }
}

/// Orders take only products on sale; an edited order may keep the products
/// it already has (`kept`), even if they went off sale meanwhile.
fn refuse_off_sale(lines: &[(String, Qty)], inputs: &OrderInputs, kept: &[&str]) -> Result<()> {
    match lines.iter().position(|(p, _)| {
        !kept.contains(&p.as_str()) && inputs.products.get(p).is_some_and(|(_, on_sale)| !on_sale)
    }) {
        Some(i) => Err(Error::invalid(
            format!("lines[{i}].product_id"),
            "this product is no longer on sale",
        )),
        None => Ok(()),
    }
}

/// Prices validated lines with the client's contract prices, else list prices.
fn price_lines(lines: Vec<(String, Qty)>, inputs: &OrderInputs) -> Result<Vec<OrderLine>> {
    let mut out = Vec::with_capacity(lines.len());
    for (i, (pid, qty)) in lines.into_iter().enumerate() {
        let (p, _) = inputs
            .products
            .get(&pid)
            .ok_or_else(|| Error::invalid(format!("lines[{i}].product_id"), "no such product"))?;
        out.push(pricing::order_line(p, qty, &inputs.contract));
    }
    Ok(out)
}

/// New lines of an existing order: validated, each product on sale or
/// already on the order, priced for its client.
async fn lines_for(
    state: &AppState,
    current: &Order,
    lines: &[rodnik_shared::api::LineInput],
) -> Result<Vec<OrderLine>> {
    let valid = validate::lines(lines)?;
    let ids: Vec<String> = valid.iter().map(|(p, _)| p.clone()).collect();
    let inputs = state.store.order_inputs(&current.client_id, &ids).await?;
    let kept: Vec<&str> = current
        .lines
        .iter()
        .map(|l| l.product_id.as_str())
        .collect();
    refuse_off_sale(&valid, &inputs, &kept)?;
    price_lines(valid, &inputs)
}

/// The deposit line of an order of `lines` for the client of `inputs`: the
/// company's rule, or the operator's `asked` bottles with a reason.
fn plan_deposit(
    inputs: &OrderInputs,
    client: &rodnik_shared::api::ClientSummary,
    lines: &[OrderLine],
    asked: Option<i64>,
    reason: Option<&str>,
) -> Result<Option<rodnik_shared::api::OrderDeposit>> {
    let full: i64 = lines
        .iter()
        .filter(|l| l.returnable)
        .map(|l| i64::from(l.qty))
        .sum();
    Ok(rodnik_shared::bottles::plan_deposit(
        &inputs.bottles,
        rodnik_shared::bottles::Standing {
            kind: client.kind,
            held: client.bottles_held,
            covered: client.deposit_bottles,
        },
        full,
        asked,
        reason,
    )?)
}

/// The product ids of lines that validated (none if they did not).
fn line_ids(lines: &std::result::Result<Vec<(String, Qty)>, FieldError>) -> Vec<String> {
    lines
        .as_ref()
        .map(|l| l.iter().map(|(p, _)| p.clone()).collect())
        .unwrap_or_default()
}

/// What `new_order` made: the order, or (for a request whose idempotency key
/// it read with its inputs) the key's known answer.
enum Made {
    Order(Box<Order>, Option<rodnik_shared::api::Call>),
    Known(axum::response::Response),
    /// `Purpose::Check`: the order would be taken as it is.
    Checked,
}

/// What `new_order` is asked for.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Purpose {
    /// An order to store: numbered, the client's credit checked.
    Take,
    /// Only whether everything but the credit is right (a standing order
    /// set up): no number is taken.
    Check,
}

/// A new order of `req`, not yet stored: validated and priced for its
/// client (contract prices, else list prices), the deposit line by the rule
/// or the operator's figure with a reason, carrying `tasks` (rented
/// equipment; an order with tasks may have no lines), and the call it was
/// taken on. With a `prefix`, the fields of errors about the stop itself are
/// named inside it (`delivery.lines[0].qty`). The client, products, courier
/// and `idem`'s key (when the handler is to check it) are read in one round
/// trip; a key already used answers before anything is judged.
async fn new_order(
    state: &AppState,
    user: &CurrentUser,
    req: &CreateOrder,
    tasks: Vec<rodnik_shared::api::EquipmentTask>,
    prefix: &str,
    idem: Option<&Idem>,
    purpose: Purpose,
) -> Result<Made> {
    let at = |e: Error| match e {
        Error::Validation(mut f) if !prefix.is_empty() => {
            f.field = format!("{prefix}.{}", f.field);
            Error::Validation(f)
        }
        other => other,
    };
    let valid_lines = match req.lines.is_empty() && !tasks.is_empty() {
        true => Ok(vec![]),
        false => validate::lines(&req.lines),
    };
    let courier_id = req
        .courier_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let call_id = req
        .call_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let also = crate::store::catalogue::InputsAlso {
        courier_id,
        call: call_id,
        idem_key: idem.and_then(Idem::to_check),
    };
    let mut inputs = state
        .store
        .order_inputs_with(req.client_id.trim(), &line_ids(&valid_lines), also)
        .await?;
    if let Some(known) = idem.and_then(|i| i.known(std::mem::take(&mut inputs.idem))) {
        return Ok(Made::Known(known));
    }
    let client = inputs
        .client
        .clone()
        .ok_or_else(|| Error::invalid("client_id", "no such client"))?;
    let address = address_in_use(&client.addresses, &req.address_id)?;
    let valid_lines = valid_lines.map_err(|e| at(e.into()))?;
    refuse_off_sale(&valid_lines, &inputs, &[]).map_err(at)?;
    let lines = price_lines(valid_lines, &inputs).map_err(at)?;
    let deposit = plan_deposit(
        &inputs,
        &client,
        &lines,
        req.deposit_bottles,
        req.deposit_reason.as_deref(),
    )
    .map_err(at)?;
    let date = delivery_date(state, user, &req.delivery_date).map_err(at)?;
    let window = req
        .window
        .as_ref()
        .map(|w| TimeWindow::parse(w, "window"))
        .transpose()
        .map_err(|e| at(e.into()))?;
    let courier = match courier_id {
        Some(_) => Some(active_courier(inputs.courier.take()).map_err(at)?),
        None => None,
    };
    let call = match call_id {
        Some(_) => Some(
            inputs
                .call
                .take()
                .ok_or_else(|| at(Error::invalid("call_id", "no such call")))?,
        ),
        None => None,
    };
    let note = optional_text(req.note.as_deref(), "note").map_err(|e| at(e.into()))?;
    if purpose == Purpose::Check {
        return Ok(Made::Checked);
    }
    // What the order will add to the account, against the contract's terms.
    let extra = lines.iter().map(|l| l.amount).sum::<Money>()
        + deposit.as_ref().map_or(Money::ZERO, |d| d.amount)
        + tasks.iter().map(|t| t.deposit).sum::<Money>();
    super::account::credit_check(state, user, &client, extra, req.allow_credit).await?;
    let number = state.store.next_number("orders").await?;
    let order = Order::new(NewOrder {
        id: new_key(),
        number,
        client_id: client.id.clone(),
        client_name: client.name.clone(),
        client_kind: client.kind,
        address,
        lines,
        delivery_date: date.to_string(),
        window,
        courier: courier.map(|c| (c.id, c.name)),
        created_by: user.id().to_string(),
        created_at: now(),
        note,
        call_id: call.as_ref().map(|c| c.id.clone()),
        deposit,
        equipment: tasks,
    });
    Ok(Made::Order(Box::new(order), call))
}

#[utoipa::path(post, path = "/api/orders", request_body = CreateOrder, responses((status = 201, body = Order)))]
pub async fn create_order(
    State(state): State<AppState>,
    user: CurrentUser,
    idem: Idem,
    ApiJson(req): ApiJson<CreateOrder>,
) -> Result<axum::response::Response> {
    user.require_operator()?;
    let (order, call) =
        match new_order(&state, &user, &req, vec![], "", Some(&idem), Purpose::Take).await? {
            Made::Order(order, call) => (*order, call),
            Made::Known(answer) => return Ok(answer),
            Made::Checked => return Err(Error::Internal("an order was only checked".into())),
        };
    if req.slot_check {
        crate::planning::slots::recheck(&state, &order, None).await?;
    }
    // With an Idempotency-Key, the answer is stored in the order's own
    // transaction: the same bytes `Json` sends.
    let body = idem.body(&order)?;
    let answer = body
        .as_deref()
        .and_then(|b| idem.answer(StatusCode::CREATED, b));
    state
        .store
        .insert_order_answered(
            &order,
            call.as_ref().map(|c| c.id.as_str()),
            answer.as_ref(),
        )
        .await?;
    if answer.is_some() {
        idem.answered();
    }
    Ok((StatusCode::CREATED, Json(order)).into_response())
}

/// The order of a rental stop (issue 19): the equipment `tasks` and any
/// goods the stop brings (`stop.lines`, may be empty), for the client's
/// address, as `POST /api/orders` makes one; errors about the stop are named
/// inside `prefix`.
pub(super) async fn rental_order(
    state: &AppState,
    user: &CurrentUser,
    client_id: &str,
    address_id: &str,
    stop: &rodnik_shared::api::RentalStop,
    tasks: Vec<rodnik_shared::api::EquipmentTask>,
    prefix: &str,
) -> Result<Order> {
    let req = CreateOrder {
        client_id: client_id.to_string(),
        address_id: address_id.to_string(),
        lines: stop.lines.clone(),
        delivery_date: stop.delivery_date.clone(),
        window: stop.window.clone(),
        courier_id: stop.courier_id.clone(),
        call_id: None,
        note: stop.note.clone(),
        deposit_bottles: None,
        deposit_reason: None,
        allow_credit: false,
        slot_check: false,
    };
    match new_order(state, user, &req, tasks, prefix, None, Purpose::Take).await? {
        Made::Order(order, _) => Ok(*order),
        _ => Err(Error::Internal(
            "a rental stop read an idempotency key".into(),
        )),
    }
}

/// Cancels order `id` while it is still only on the board (a standing
/// order's date withdrawn): `false` when it is gone, out for delivery or
/// changed meanwhile (the dispatcher decides then).
pub(super) async fn cancel_planned(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    reason: rodnik_shared::Cause,
) -> Result<bool> {
    let Some(order) = state.store.get_order(id).await? else {
        return Ok(false);
    };
    if order.state != OrderState::New {
        return Ok(false);
    }
    let cancelled = mutate(
        state,
        user,
        &Idem::default(),
        id,
        Some(order.version),
        |o, at| o.cancel(reason.clone(), at),
    )
    .await;
    match cancelled {
        Ok(_) => Ok(true),
        Err(Error::Conflict { .. }) => Ok(false),
        Err(e) => Err(e),
    }
}

/// The order of `req` as `POST /api/orders` takes it, not stored
/// (`Purpose::Take`: a standing order's, `standing::generate`); or `None`
/// after checking all but the credit (`Purpose::Check`).
pub(super) async fn planned_order(
    state: &AppState,
    user: &CurrentUser,
    req: &CreateOrder,
    purpose: Purpose,
) -> Result<Option<Order>> {
    match new_order(state, user, req, vec![], "", None, purpose).await? {
        Made::Order(order, _) => Ok(Some(*order)),
        Made::Checked => Ok(None),
        Made::Known(_) => Err(Error::Internal(
            "a planned order read an idempotency key".into(),
        )),
    }
}

#[derive(Debug, Deserialize, Default, utoipa::IntoParams)]
pub struct OrdersQuery {
    pub date: Option<String>,
    pub state: Option<String>,
    pub courier_id: Option<String>,
    pub client_id: Option<String>,
    /// `true`: only orders whose delivery failed and that wait for a new date.
    pub needs_new_date: Option<bool>,
    /// Page size, 1 to 5000 (the default). When more orders match, the answer
    /// carries `X-Next-Offset`: ask again with `offset` set to it.
    pub limit: Option<usize>,
    /// Orders to skip (newest delivery date first, then highest number).
    pub offset: Option<usize>,
}

#[utoipa::path(get, path = "/api/orders", params(OrdersQuery), responses((status = 200, body = Vec<Order>)))]
pub async fn list_orders(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<OrdersQuery>,
) -> Result<(HeaderMap, Json<Vec<Order>>)> {
    let limit = q.limit.unwrap_or(MAX_LIST);
    if !(1..=MAX_LIST).contains(&limit) {
        return Err(Error::invalid(
            "limit",
            format!("must be between 1 and {MAX_LIST}"),
        ));
    }
    let offset = q.offset.unwrap_or(0);
    let date = q
        .date
        .as_deref()
        .map(|d| validate::date(d, "date"))
        .transpose()?;
    let order_state = q
        .state
        .as_deref()
        .map(str::parse::<OrderState>)
        .transpose()?;
    let mut filter = OrderFilter {
        date: date.map(|d| d.to_string()),
        state: order_state,
        courier_id: q.courier_id,
        client_id: q.client_id,
        needs_new_date: q.needs_new_date.unwrap_or(false),
        on_route: false,
        // One more than asked: whether there is a next page.
        limit: Some(limit + 1),
        offset,
    };
    if user.role() == Role::Courier {
        if filter.courier_id.as_deref().is_some_and(|c| c != user.id()) {
            return Err(Error::forbidden("couriers see only their own orders"));
        }
        filter.courier_id = Some(user.id().to_string());
        filter.on_route = true;
    }
    let mut orders = state.store.list_orders(&filter).await?;
    let mut headers = HeaderMap::new();
    if orders.len() > limit {
        orders.truncate(limit);
        if let Ok(v) = HeaderValue::from_str(&(offset + limit).to_string()) {
            headers.insert("x-next-offset", v);
        }
    }
    Ok((headers, Json(orders)))
}

/// Reads an order the user may see: couriers only their own stops, as 404 otherwise.
pub(super) async fn visible_order(state: &AppState, user: &CurrentUser, id: &str) -> Result<Order> {
    let order = state.store.require_order(id).await?;
    if user.role() == Role::Courier
        && (order.courier_id.as_deref() != Some(user.id()) || !order.state.is_on_route())
    {
        return Err(Error::not_found("order"));
    }
    Ok(order)
}

#[utoipa::path(get, path = "/api/orders/{id}", responses((status = 200, body = Order)))]
pub async fn get_order(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Order>> {
    Ok(Json(visible_order(&state, &user, &id).await?))
}

/// Read, decide with the order's rules, compare-and-set. The whole of it
/// runs again under the store's retry policy when the write lost a race
/// (a transaction conflict, or someone changed the order in between): the
/// rules then decide on the fresh order. With `expected_version`, an order
/// at another version is refused instead.
async fn mutate<F>(
    state: &AppState,
    user: &CurrentUser,
    idem: &Idem,
    id: &str,
    expected: Option<i64>,
    decide: F,
) -> Result<Order>
where
    F: Fn(&Order, &str) -> std::result::Result<(Order, Effects), rodnik_shared::RuleError>,
{
    // Ok(Err(..)): a final answer, not to be retried (the order is not at
    // the version the caller expected).
    let attempt = || async {
        let current = visible_order(state, user, id).await?;
        if let Some(v) = expected {
            if v != current.version {
                return Ok(Err(Error::stale_version("order", v, current.version)));
            }
        }
        let (next, fx) = decide(&current, &now())?;
        // With an Idempotency-Key, its answer is written with the change.
        let body = idem.body(&next)?;
        let answer = body.as_deref().and_then(|b| idem.answer(StatusCode::OK, b));
        state
            .store
            .cas_order(&current, &next, &fx, answer.as_ref())
            .await?;
        if answer.is_some() {
            idem.answered();
        }
        if current.state == OrderState::Delivered || next.state == OrderState::Delivered {
            refresh_rhythm(state, &next.client_id);
        }
        if current.state == OrderState::Delivery && next.state != OrderState::Delivery {
            if let Some(courier) = &current.courier_id {
                next_stop_told(state, courier);
            }
        }
        Ok(Ok(next))
    };
    match state.store.retrying_races(attempt).await.and_then(|r| r) {
        // Lost every race: the order changes faster than we can write.
        Err(Error::Conflict {
            code: "stale_version" | "retry",
            ..
        }) if expected.is_none() => Err(Error::conflict(
            "busy",
            "the order is changing too often; try again",
        )),
        other => other,
    }
}

/// Forecasts the client's next order again after a delivery was made,
/// changed or undone, beside the answer (a failure leaves the last one and
/// is logged; the next delivery writes it again).
fn refresh_rhythm(state: &AppState, client_id: &str) {
    let store = state.store.clone();
    let client = client_id.to_string();
    tokio::spawn(async move {
        if let Err(e) = store.refresh_rhythm(&client).await {
            tracing::warn!(client = %client, error = %e, "the client's rhythm was not updated");
        }
    });
}

/// A courier's stop left the route (closed, failed, taken back): the next
/// stop's client hears the courier is on the way (`notify::worker::on_the_way`),
/// beside the answer.
fn next_stop_told(state: &AppState, courier_id: &str) {
    let state = state.clone();
    let courier = courier_id.to_string();
    tokio::spawn(async move {
        if let Err(e) = crate::notify::worker::on_the_way(&state, &courier).await {
            tracing::warn!(courier = %courier, error = %e, "the next stop's client was not told");
        }
    });
}

/// What a client decided on a notification's page (no login).
#[derive(Debug, Clone)]
pub(super) enum ClientChange {
    Confirm,
    Cancel,
    /// To another day or window: a stop already on a route moved to
    /// another day goes back to dispatch first.
    Move {
        date: String,
        window: TimeWindow,
    },
}

/// Applies a client's decision to order `id` at `version` (409
/// `stale_version` when it changed since the page showed it).
pub(super) async fn client_change(
    state: &AppState,
    id: &str,
    version: i64,
    change: &ClientChange,
) -> Result<Order> {
    let user = CurrentUser(User {
        id: "client-link".into(),
        username: "client-link".into(),
        name: "Клиент (по ссылке)".into(),
        role: Role::Operator,
        phone: None,
        extension: None,
        active: true,
    });
    let idem = Idem::default();
    match change {
        ClientChange::Confirm => {
            mutate(state, &user, &idem, id, Some(version), |o, at| {
                o.confirm(at)
            })
            .await
        }
        ClientChange::Cancel => {
            let reason = rodnik_shared::Cause {
                id: None,
                text: "Клиент отменил по ссылке из уведомления".into(),
            };
            mutate(state, &user, &idem, id, Some(version), |o, at| {
                o.cancel(reason.clone(), at)
            })
            .await
        }
        ClientChange::Move { date, window } => {
            let mut version = version;
            let current = state.store.require_order(id).await?;
            if current.state == OrderState::Delivery && current.delivery_date != *date {
                let back =
                    mutate(state, &user, &idem, id, Some(version), |o, at| o.recall(at)).await?;
                version = back.version;
            }
            let edit = OrderEdit {
                delivery_date: Some(date.clone()),
                window: Some(Some(*window)),
                ..OrderEdit::default()
            };
            mutate(state, &user, &idem, id, Some(version), |o, at| {
                o.edit(&edit, None, at)
            })
            .await
        }
    }
}

/// The client's address `id`, if it is still delivered to.
fn address_in_use(
    addresses: &[rodnik_shared::api::Address],
    id: &str,
) -> Result<rodnik_shared::api::Address> {
    let a = addresses
        .iter()
        .find(|a| a.id == id.trim())
        .ok_or_else(|| Error::invalid("address_id", "not an address of this client"))?;
    if a.retired {
        return Err(Error::invalid(
            "address_id",
            "that address is retired: choose another or bring it back",
        ));
    }
    Ok(a.clone())
}

/// The next free place on a courier's route of a day.
async fn route_end(
    state: &AppState,
    courier_id: Option<&str>,
    date: &str,
) -> Result<Option<RouteEnd>> {
    Ok(match courier_id {
        Some(c) => Some(RouteEnd {
            courier_id: c.to_string(),
            date: date.to_string(),
            pos: state.store.next_route_pos(c, date).await?,
        }),
        None => None,
    })
}

#[utoipa::path(patch, path = "/api/orders/{id}", request_body = PatchOrder, responses((status = 200, body = Order)))]
pub async fn patch_order(
    State(state): State<AppState>,
    user: CurrentUser,
    idem: Idem,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<PatchOrder>,
) -> Result<Json<Order>> {
    user.require_operator()?;
    let current = state.store.require_order(&id).await?;
    // Everything that needs the database is looked up before the write.
    let date = req
        .delivery_date
        .as_deref()
        .map(|d| delivery_date(&state, &user, d))
        .transpose()?;
    let window = match &req.window {
        None => None,
        Some(None) => Some(None),
        Some(Some(w)) => Some(Some(TimeWindow::parse(w, "window")?)),
    };
    let new_courier = match &req.courier_id {
        None => None,
        Some(None) => Some(None),
        Some(Some(c)) if c.trim().is_empty() => Some(None),
        Some(Some(c)) => Some(Some(courier(&state, c.trim()).await?)),
    };
    let lines = match &req.lines {
        Some(l) => Some(lines_for(&state, &current, l).await?),
        None => None,
    };
    let address = match &req.address_id {
        Some(aid) if !current.equipment.is_empty() && aid.trim() != current.address.id => {
            return Err(Error::invalid(
                "address_id",
                "this stop brings or collects rented equipment at the agreement's address",
            ))
        }
        Some(aid) => {
            let client = state.store.require_client(&current.client_id).await?;
            let retired_own = aid.trim() == current.address.id
                && client
                    .addresses
                    .iter()
                    .any(|a| a.id == current.address.id && a.retired);
            // The order's own address may have been retired since: it stays as it was.
            match retired_own {
                true => None,
                false => Some(address_in_use(&client.addresses, aid)?),
            }
        }
        None => None,
    };
    let note = match &req.note {
        Some(n) => Some(optional_text(n.as_deref(), "note")?),
        None => None,
    };
    // New lines or a deposit asked plan the deposit line again: an
    // operator's earlier choice (made with a reason) stays unless replaced.
    let deposit = match (&lines, req.deposit_bottles) {
        (None, None) => None,
        (_, asked) => {
            let (asked, reason) = match (asked, &current.deposit) {
                (Some(b), _) => (Some(b), req.deposit_reason.clone()),
                (None, Some(d)) if d.reason.is_some() => (Some(d.bottles), d.reason.clone()),
                (None, _) => (None, None),
            };
            let inputs = state.store.order_inputs(&current.client_id, &[]).await?;
            let client = inputs
                .client
                .clone()
                .ok_or_else(|| Error::not_found("client"))?;
            let lines = lines.as_deref().unwrap_or(&current.lines);
            Some(plan_deposit(
                &inputs,
                &client,
                lines,
                asked,
                reason.as_deref(),
            )?)
        }
    };
    let edit = OrderEdit {
        delivery_date: date.map(|d| d.to_string()),
        window,
        courier: new_courier.map(|c| c.map(|c| (c.id, c.name))),
        lines,
        address,
        note,
        deposit,
        pinned: req.pinned,
    };
    // A dispatched stop moved to another courier or day goes to the end of
    // that route: look the end up before the write.
    let target_courier = match &edit.courier {
        Some(c) => c.as_ref().map(|(id, _)| id.clone()),
        None => current.courier_id.clone(),
    };
    let target_date = edit
        .delivery_date
        .clone()
        .unwrap_or_else(|| current.delivery_date.clone());
    let moved = target_courier != current.courier_id || target_date != current.delivery_date;
    let end = match moved {
        true => route_end(&state, target_courier.as_deref(), &target_date).await?,
        false => None,
    };
    if req.slot_check {
        // The window promised must still be one the courier can keep.
        let (would, _) = current.edit(&edit, end.as_ref(), &now())?;
        crate::planning::slots::recheck(&state, &would, Some(&id)).await?;
    }
    let order = mutate(&state, &user, &idem, &id, req.expected_version, |o, at| {
        o.edit(&edit, end.as_ref(), at)
    })
    .await?;
    Ok(Json(order))
}

#[utoipa::path(post, path = "/api/orders/{id}/dispatch", request_body = VersionOnly, responses((status = 200, body = Order)))]
pub async fn dispatch(
    State(state): State<AppState>,
    user: CurrentUser,
    idem: Idem,
    Path(id): Path<String>,
    MaybeJson(req): MaybeJson<VersionOnly>,
) -> Result<Json<Order>> {
    user.require_operator()?;
    let current = state.store.require_order(&id).await?;
    let end = route_end(
        &state,
        current.courier_id.as_deref(),
        &current.delivery_date,
    )
    .await?;
    let order = mutate(&state, &user, &idem, &id, req.expected_version, |o, at| {
        o.dispatch(end.as_ref(), at)
    })
    .await?;
    Ok(Json(order))
}

#[utoipa::path(post, path = "/api/orders/{id}/deliver", request_body = DeliverOrder, responses((status = 200, body = Order)))]
pub async fn deliver(
    State(state): State<AppState>,
    user: CurrentUser,
    idem: Idem,
    Path(id): Path<String>,
    MaybeJson(req): MaybeJson<DeliverOrder>,
) -> Result<Json<Order>> {
    // Negative only when the stop pays a deposit back (the order's rule checks).
    let cash = req
        .cash_collected
        .map(|c| match c < 0 {
            true => Money::parse_price(c.saturating_neg(), "cash_collected").map(|m| Money(-m.0)),
            false => Money::parse_price(c, "cash_collected"),
        })
        .transpose()?;
    let empties_note = optional_text(req.empties_note.as_deref(), "empties_note")?;
    let empties = match req.empties_returned {
        Some(e) if !(0..=10_000).contains(&e) => {
            return Err(Error::invalid(
                "empties_returned",
                "must be between 0 and 10000",
            ))
        }
        other => other.map(|e| e as u32),
    };
    // The client's bottles before the delivery: fewer empties than the
    // stop expects need a reason.
    let current = visible_order(&state, &user, &id).await?;
    let held = state.store.bottles_held(&current.client_id).await?;
    // What was delivered instead of the order's lines, priced for the client.
    let lines = match &req.lines {
        Some(l) => {
            let priced = lines_for(&state, &current, l).await?;
            Some(
                priced
                    .into_iter()
                    .map(|l| pricing::at_door(&current.lines, l))
                    .collect(),
            )
        }
        None => None,
    };
    let delivery = Delivery {
        lines,
        cash_collected: cash,
        payments: req.payments.clone(),
        empties_returned: empties,
        empties_note,
        held,
        at: device_time(req.at.as_deref())?,
        by: user.id().to_string(),
    };
    let order = mutate(&state, &user, &idem, &id, req.expected_version, |o, at| {
        o.deliver(delivery.clone(), at)
    })
    .await?;
    Ok(Json(order))
}

#[utoipa::path(post, path = "/api/orders/{id}/fail", request_body = FailOrder, responses((status = 200, body = Order)))]
pub async fn fail(
    State(state): State<AppState>,
    user: CurrentUser,
    idem: Idem,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<FailOrder>,
) -> Result<Json<Order>> {
    let reason = super::reasons::cause(
        &state,
        ReasonKind::Fail,
        req.reason_id.as_deref(),
        &req.reason,
    )
    .await?;
    let happened = device_time(req.at.as_deref())?;
    let order = mutate(&state, &user, &idem, &id, req.expected_version, |o, at| {
        o.fail(reason.clone(), happened.clone(), at)
    })
    .await?;
    Ok(Json(order))
}

#[utoipa::path(post, path = "/api/orders/{id}/reschedule", request_body = RescheduleOrder,
    params(("id" = String, Path, description = "the order's id")),
    responses((status = 200, body = Order),
        (status = 404, body = rodnik_shared::api::ErrorBody, description = "no such order, or not this courier's stop"),
        (status = 409, body = rodnik_shared::api::ErrorBody, description = "`invalid_transition` (not on a route), `stale_version`"),
        (status = 422, body = rodnik_shared::api::ErrorBody)))]
pub async fn reschedule(
    State(state): State<AppState>,
    user: CurrentUser,
    idem: Idem,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<RescheduleOrder>,
) -> Result<Json<Order>> {
    let reason = super::reasons::cause(
        &state,
        ReasonKind::Reschedule,
        req.reason_id.as_deref(),
        &req.reason,
    )
    .await?;
    let date = validate::date(&req.delivery_date, "delivery_date")?;
    if date < state.cfg.today() {
        return Err(Error::invalid("delivery_date", "must not be before today"));
    }
    if date > state.cfg.today() + chrono::Days::new(366) {
        return Err(Error::invalid(
            "delivery_date",
            "must be within a year from today",
        ));
    }
    let window = req
        .window
        .as_ref()
        .map(|w| TimeWindow::parse(w, "window"))
        .transpose()?;
    let happened = device_time(req.at.as_deref())?;
    let current = visible_order(&state, &user, &id).await?;
    let rule = state.store.order_settings().await?.other_day;
    let date = date.to_string();
    // A stop taken onto another day's route goes to its end: looked up before.
    let end = match rule == OtherDayRule::ToRoute && date != current.delivery_date {
        true => route_end(&state, current.courier_id.as_deref(), &date).await?,
        false => None,
    };
    let door = DoorReschedule {
        date,
        window,
        reason,
        at: happened,
    };
    let order = mutate(&state, &user, &idem, &id, req.expected_version, |o, at| {
        o.reschedule(door.clone(), rule, end.as_ref(), at)
    })
    .await?;
    Ok(Json(order))
}

#[utoipa::path(get, path = "/api/settings/orders",
    responses((status = 200, body = OrderSettings)))]
pub async fn get_order_settings(
    State(state): State<AppState>,
    _user: CurrentUser,
) -> Result<Json<OrderSettings>> {
    Ok(Json(state.store.order_settings().await?))
}

#[utoipa::path(put, path = "/api/settings/orders", request_body = OrderSettings,
    responses((status = 200, body = OrderSettings),
        (status = 403, body = rodnik_shared::api::ErrorBody, description = "admins and managers only")))]
pub async fn put_order_settings(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<OrderSettings>,
) -> Result<Json<OrderSettings>> {
    user.require_manager()?;
    if !(1..=rodnik_shared::api::MAX_STANDING_DAYS).contains(&req.standing_days) {
        return Err(Error::invalid(
            "standing_days",
            format!(
                "must be between 1 and {}",
                rodnik_shared::api::MAX_STANDING_DAYS
            ),
        ));
    }
    let saved = state.store.set_order_settings(&req).await?;
    tracing::info!(by = %user.0.username, ?saved, "order settings changed");
    Ok(Json(saved))
}

/// The company's bottle rules: the deposit per bottle and the bottles each
/// kind of client may hold without one.
#[utoipa::path(get, path = "/api/settings/bottles",
    responses((status = 200, body = rodnik_shared::api::BottleSettings)))]
pub async fn get_bottle_settings(
    State(state): State<AppState>,
    _user: CurrentUser,
) -> Result<Json<rodnik_shared::api::BottleSettings>> {
    Ok(Json(state.store.bottle_settings().await?))
}

#[utoipa::path(put, path = "/api/settings/bottles", request_body = rodnik_shared::api::BottleSettings,
    responses((status = 200, body = rodnik_shared::api::BottleSettings),
        (status = 403, body = rodnik_shared::api::ErrorBody, description = "admins and managers only"),
        (status = 422, body = rodnik_shared::api::ErrorBody)))]
pub async fn put_bottle_settings(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<rodnik_shared::api::BottleSettings>,
) -> Result<Json<rodnik_shared::api::BottleSettings>> {
    user.require_manager()?;
    Money::parse_price(req.deposit_price.0, "deposit_price")?;
    for (v, field) in [
        (req.free_individual, "free_individual"),
        (req.free_legal, "free_legal"),
    ] {
        if v > 10_000 {
            return Err(Error::invalid(field, "must be at most 10000 bottles"));
        }
    }
    if req.fleet.is_some_and(|n| !(0..=100_000_000).contains(&n)) {
        return Err(Error::invalid(
            "fleet",
            "must be between 0 and 100000000 bottles",
        ));
    }
    let saved = state.store.set_bottle_settings(&req).await?;
    tracing::info!(by = %user.0.username, ?saved, "bottle settings changed");
    Ok(Json(saved))
}

#[utoipa::path(post, path = "/api/orders/{id}/recall", request_body = VersionOnly, responses((status = 200, body = Order)))]
pub async fn recall(
    State(state): State<AppState>,
    user: CurrentUser,
    idem: Idem,
    Path(id): Path<String>,
    MaybeJson(req): MaybeJson<VersionOnly>,
) -> Result<Json<Order>> {
    user.require_operator()?;
    let order = mutate(&state, &user, &idem, &id, req.expected_version, |o, at| {
        o.recall(at)
    })
    .await?;
    Ok(Json(order))
}

#[utoipa::path(post, path = "/api/orders/{id}/cancel", request_body = CancelOrder, responses((status = 200, body = Order)))]
pub async fn cancel(
    State(state): State<AppState>,
    user: CurrentUser,
    idem: Idem,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<CancelOrder>,
) -> Result<Json<Order>> {
    user.require_operator()?;
    let reason = super::reasons::cause(
        &state,
        ReasonKind::Cancel,
        req.reason_id.as_deref(),
        &req.reason,
    )
    .await?;
    let order = mutate(&state, &user, &idem, &id, req.expected_version, |o, at| {
        o.cancel(reason.clone(), at)
    })
    .await?;
    Ok(Json(order))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct RouteQuery {
    pub date: Option<String>,
    pub courier_id: Option<String>,
}

/// The bottles each stop's client holds now (the courier's empties to collect).
async fn held_by_clients(
    state: &AppState,
    stops: &[Order],
) -> Result<std::collections::BTreeMap<String, i64>> {
    let mut ids: Vec<String> = stops.iter().map(|o| o.client_id.clone()).collect();
    ids.sort();
    ids.dedup();
    state.store.bottles_held_of(&ids).await
}

#[utoipa::path(get, path = "/api/route", params(RouteQuery), responses((status = 200, body = Route)))]
pub async fn get_route(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<RouteQuery>,
) -> Result<Json<Route>> {
    let courier_id = match (user.role(), q.courier_id) {
        (Role::Courier, Some(c)) if c != user.id() => {
            return Err(Error::forbidden("couriers see only their own route"))
        }
        (Role::Courier, _) => user.id().to_string(),
        (_, Some(c)) => c,
        (_, None) => return Err(Error::invalid("courier_id", "is required")),
    };
    let date = match q.date.as_deref() {
        Some(d) => validate::date(d, "date")?,
        None => state.cfg.today(),
    }
    .to_string();
    let stops = state.store.route_view(&courier_id, &date).await?;
    let bottles_held = held_by_clients(&state, &stops).await?;
    Ok(Json(Route {
        courier_id,
        date,
        stops: stops.as_ref().clone(),
        bottles_held,
    }))
}

#[utoipa::path(put, path = "/api/route", request_body = PutRoute, responses((status = 200, body = Route)))]
pub async fn put_route(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<PutRoute>,
) -> Result<Json<Route>> {
    user.require_operator()?;
    let date = validate::date(&req.date, "date")?.to_string();
    courier(&state, &req.courier_id).await?;
    let mut seen = HashMap::new();
    for (i, id) in req.order_ids.iter().enumerate() {
        if seen.insert(id.clone(), i).is_some() {
            return Err(Error::invalid(format!("order_ids[{i}]"), "listed twice"));
        }
    }
    let current = state.store.route(&req.courier_id, &date).await?;
    if current.len() != req.order_ids.len() {
        return Err(Error::invalid(
            "order_ids",
            format!(
                "must list all {} stops of the day exactly once",
                current.len()
            ),
        ));
    }
    let at = now();
    state
        .store
        .retrying(|| {
            state
                .store
                .set_route(&req.courier_id, &date, &req.order_ids, &at)
        })
        .await?;
    let stops = state.store.route(&req.courier_id, &date).await?;
    let bottles_held = held_by_clients(&state, &stops).await?;
    Ok(Json(Route {
        courier_id: req.courier_id,
        date,
        stops,
        bottles_held,
    }))
}
