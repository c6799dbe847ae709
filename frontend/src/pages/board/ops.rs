//! What the dispatcher's actions do: run an operation on an order (or a
//! call) and show the outcome; a card dropped on a lane.

use std::cell::RefCell;
use std::rc::Rc;

use rodnik_shared::api::{Call, Order, PatchOrder, PutRoute};
use rodnik_shared::TimeWindow;
use yew::platform::spawn_local;
use yew::prelude::*;

use super::{Notice, Op};
use crate::api::{Api, ApiError};
use crate::components::board::DropAt;
use crate::state::board::{move_before, CallsAction, CallsState, Lane};
use crate::state::{AppHandle, OrdersAction, OrdersState};

/// Runs one operation at a time: its result goes into the board, its error
/// into the notice (after the order is read again).
pub fn runner(
    orders: &UseReducerHandle<OrdersState>,
    calls: &UseReducerHandle<CallsState>,
    app: &AppHandle,
    token: &str,
    busy: &UseStateHandle<bool>,
    notice: &UseStateHandle<Option<Notice>>,
    selected: &UseStateHandle<Option<String>>,
) -> Callback<Op> {
    let token = token.to_string();
    let (orders, calls, app, token, busy, notice, selected) = (
        orders.dispatcher(),
        calls.dispatcher(),
        app.dispatcher(),
        token.clone(),
        busy.clone(),
        notice.setter(),
        selected.setter(),
    );
    Callback::from(move |op: Op| {
        if *busy {
            return;
        }
        busy.set(true);
        notice.set(None);
        let (orders, calls, _app, token, busy, notice, selected) = (
            orders.clone(),
            calls.clone(),
            app.clone(),
            token.clone(),
            busy.clone(),
            notice.clone(),
            selected.clone(),
        );
        spawn_local(async move {
            let api = Api::with_token(&token);
            let cancelled = matches!(op, Op::Cancel { .. });
            match perform(&api, &op).await {
                Ok(Done::Orders(list)) => {
                    for o in list {
                        orders.dispatch(OrdersAction::Upsert(Box::new(o)));
                    }
                    if cancelled {
                        selected.set(None);
                    }
                }
                Ok(Done::Call(c)) => calls.dispatch(CallsAction::Upsert(Box::new(c))),
                Err(e) => {
                    let stale = matches!(&e, ApiError::Api { status: 409, code, .. } if code == "stale_version");
                    // Whatever failed, show the order as it is now.
                    if let Some(id) = op.order_id() {
                        if let Ok(o) = api.order(id).await {
                            orders.dispatch(OrdersAction::Upsert(Box::new(o)));
                        }
                    }
                    notice.set(Some(Notice {
                        text: if stale { String::new() } else { e.message() },
                        error: true,
                        field: if stale {
                            Some("stale".into())
                        } else {
                            e.field().map(str::to_string)
                        },
                    }));
                }
            }
            busy.set(false);
        });
    })
}

/// A card dropped on a lane: to another courier it is reassigned; on its own
/// route it goes before the stop it was dropped on.
pub fn drop_handler(
    dragged: &Rc<RefCell<Option<String>>>,
    run: &Callback<Op>,
    lanes_now: Vec<Lane>,
    orders: &UseReducerHandle<OrdersState>,
    date: &str,
) -> Callback<DropAt> {
    let (dragged, run, orders) = (dragged.clone(), run.clone(), orders.clone());
    let date = date.to_string();
    Callback::from(move |at: DropAt| {
        let Some(id) = dragged.borrow_mut().take() else {
            return;
        };
        let Some(o) = orders.get(&id) else {
            return;
        };
        if o.courier_id != at.courier_id {
            run.emit(Op::Assign {
                id: o.id.clone(),
                version: o.version,
                courier_id: at.courier_id.clone(),
            });
            return;
        }
        // Same courier: a stop dropped on another stop of the route goes before it.
        let Some(courier_id) = at.courier_id.clone() else {
            return;
        };
        if o.delivery_date != date {
            return;
        }
        let Some(lane) = lanes_now.iter().find(|l| l.courier_id == at.courier_id) else {
            return;
        };
        let route = lane.route_ids();
        let before = at
            .before
            .as_deref()
            .filter(|b| route.iter().any(|r| r == b));
        if let Some(order_ids) = move_before(&route, &id, before) {
            run.emit(Op::Route {
                courier_id,
                date: date.clone(),
                order_ids,
            });
        }
    })
}

pub enum Done {
    Orders(Vec<Order>),
    Call(Call),
}

pub async fn perform(api: &Api, op: &Op) -> Result<Done, ApiError> {
    let one = |o: Order| Done::Orders(vec![o]);
    match op {
        Op::Assign {
            id,
            version,
            courier_id,
        } => {
            let patch = PatchOrder {
                courier_id: Some(courier_id.clone()),
                expected_version: Some(*version),
                ..Default::default()
            };
            api.patch_order(id, &patch).await.map(one)
        }
        Op::Dispatch { id, version } => {
            let key = format!("board:{id}:dispatch:{version}");
            api.dispatch(id, *version, &key).await.map(one)
        }
        Op::Reschedule {
            id,
            version,
            date,
            window,
        } => {
            let patch = PatchOrder {
                delivery_date: Some(date.clone()),
                window: window.map(|w| w.map(TimeWindow::to_input)),
                expected_version: Some(*version),
                ..Default::default()
            };
            api.patch_order(id, &patch).await.map(one)
        }
        Op::Recall { id, version } => api.recall(id, *version).await.map(one),
        Op::Cancel {
            id,
            version,
            reason_id,
            reason,
        } => api
            .cancel(id, *version, reason_id.as_deref(), reason)
            .await
            .map(one),
        Op::Route {
            courier_id,
            date,
            order_ids,
        } => {
            let req = PutRoute {
                courier_id: courier_id.clone(),
                date: date.clone(),
                order_ids: order_ids.clone(),
            };
            api.put_route(&req).await.map(|r| Done::Orders(r.stops))
        }
        Op::CalledBack { call_id } => api.mark_called_back(call_id).await.map(Done::Call),
        Op::Pin {
            id,
            version,
            pinned,
        } => {
            let patch = PatchOrder {
                pinned: Some(*pinned),
                expected_version: Some(*version),
                ..Default::default()
            };
            api.patch_order(id, &patch).await.map(one)
        }
    }
}
