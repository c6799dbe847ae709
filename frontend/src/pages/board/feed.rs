//! The board's data: the day's orders, the orders waiting for a date and the
//! missed calls, loaded at every (re)connection of the live channel and
//! kept current by it; the couriers, once.

use std::cell::RefCell;
use std::rc::Rc;

use rodnik_shared::api::{CallWithMatches, Order, User};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::live::{use_live, LiveEvent, LiveStatus};
use crate::api::Api;
use crate::state::board::{CallsAction, CallsState};
use crate::state::{AppHandle, OrdersAction, OrdersState};

/// Returns the reload callback and the live channel's status.
#[hook]
pub fn use_board_feed(
    orders: &UseReducerHandle<OrdersState>,
    calls: &UseReducerHandle<CallsState>,
    couriers: &UseStateHandle<Vec<User>>,
    app: &AppHandle,
    token: &str,
    date_ref: &Rc<RefCell<String>>,
    today: &str,
) -> (Callback<()>, LiveStatus) {
    let token = token.to_string();
    let load_seq = use_mut_ref(|| 0u32);
    let reload = {
        let (orders, calls, app, token, date_ref) = (
            orders.dispatcher(),
            calls.dispatcher(),
            app.dispatcher(),
            token.clone(),
            date_ref.clone(),
        );
        Callback::from(move |_: ()| {
            let id = {
                let mut seq = load_seq.borrow_mut();
                *seq += 1;
                *seq
            };
            let date = date_ref.borrow().clone();
            orders.dispatch(OrdersAction::LoadStarted(id));
            calls.dispatch(CallsAction::LoadStarted(id));
            let (orders, calls, _app, token) =
                (orders.clone(), calls.clone(), app.clone(), token.clone());
            spawn_local(async move {
                let api = Api::with_token(&token);
                let (day, failed, missed) = futures::join!(
                    api.orders_on(&date),
                    api.orders_needing_date(),
                    api.missed_calls(&date)
                );
                match (day, failed) {
                    (Ok(mut day), Ok(failed)) => {
                        day.extend(failed);
                        orders.dispatch(OrdersAction::Loaded(id, day));
                    }
                    (Err(e), _) | (_, Err(e)) => {
                        orders.dispatch(OrdersAction::LoadFailed(id, e.to_string()))
                    }
                }
                match missed {
                    Ok(list) => calls.dispatch(CallsAction::Loaded(id, list)),
                    Err(e) => calls.dispatch(CallsAction::LoadFailed(id, e.to_string())),
                }
            });
        })
    };

    // Couriers once.
    {
        let (couriers, token) = (couriers.setter(), token.clone());
        use_effect_with((), move |_| {
            spawn_local(async move {
                if let Ok(list) = Api::with_token(&token).couriers().await {
                    couriers.set(list.into_iter().filter(|u| u.active).collect());
                }
            });
        });
    }

    let on_live = {
        let (orders, calls, _app, reload, date_ref, today) = (
            orders.dispatcher(),
            calls.dispatcher(),
            app.dispatcher(),
            reload.clone(),
            date_ref.clone(),
            today.to_string(),
        );
        Callback::from(move |ev: LiveEvent| match ev {
            LiveEvent::Opened => reload.emit(()),
            LiveEvent::Unauthorized => {}
            LiveEvent::Message(m) => match m.kind.as_str() {
                "order.created" | "order.updated" => match crate::api::live::data::<Order>(&m) {
                    Ok(o) => orders.dispatch(OrdersAction::Upsert(Box::new(o))),
                    Err(_) => reload.emit(()),
                },
                "call.ended" | "call.called_back" => {
                    // Live calls are today's; another day's list does not change.
                    if *date_ref.borrow() == today {
                        if let Ok(c) = crate::api::live::data::<CallWithMatches>(&m) {
                            let mut call = c.call;
                            call.client_names =
                                c.matches.into_iter().map(|m| m.client.name).collect();
                            calls.dispatch(CallsAction::Upsert(Box::new(call)));
                        }
                    }
                }
                "resync" => reload.emit(()),
                _ => {}
            },
        })
    };
    let live = use_live(Some(token.clone()), on_live);
    (reload, live)
}
