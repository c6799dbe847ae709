//! The wallboard's data: the day's snapshot (by link key or a manager's
//! session), kept current by the live channel, reloaded at every
//! (re)connection and when the company's day turns over; the clock.

use chrono::{FixedOffset, NaiveTime};
use rodnik_shared::api::{Order, WallboardCourier};
use yew::platform::spawn_local;
use yew::prelude::*;

use super::clock;
use crate::api::live::{use_live_auth, LiveAuth, LiveEvent, LiveStatus};
use crate::api::{Api, ApiError};
use crate::state::{OrdersAction, OrdersState};

/// Returns the live channel's status.
#[hook]
pub fn use_wallboard_feed(
    auth: &Option<LiveAuth>,
    orders: &UseReducerHandle<OrdersState>,
    etas: &UseStateHandle<Vec<rodnik_shared::api::Eta>>,
    couriers: &UseStateHandle<Vec<WallboardCourier>>,
    denied: &UseStateHandle<bool>,
    updated: &UseStateHandle<Option<f64>>,
    now: &UseStateHandle<(FixedOffset, NaiveTime, f64)>,
    // Calls or new orders happened (or the channel reconnected): the
    // manager's call figures are due again.
    calls_news: Callback<()>,
) -> LiveStatus {
    let load_seq = use_mut_ref(|| 0u32);

    let reload = {
        let (orders, etas, couriers, denied, updated, auth) = (
            orders.dispatcher(),
            etas.setter(),
            couriers.setter(),
            denied.setter(),
            updated.setter(),
            auth.clone(),
        );
        Callback::from(move |_: ()| {
            let Some(auth) = auth.clone() else {
                denied.set(true);
                return;
            };
            let id = {
                let mut seq = load_seq.borrow_mut();
                *seq += 1;
                *seq
            };
            let (orders, etas, couriers, denied, updated) = (
                orders.clone(),
                etas.clone(),
                couriers.clone(),
                denied.clone(),
                updated.clone(),
            );
            spawn_local(async move {
                let got = match &auth {
                    LiveAuth::Wallboard(k) => Api::anonymous().wallboard(Some(k)).await,
                    LiveAuth::Token(t) => Api::with_token(t).wallboard(None).await,
                };
                match got {
                    Ok(snap) => {
                        // The server's day and zone decide (the day turns over at midnight).
                        crate::clock::set_zone(&snap.tz);
                        orders.dispatch(OrdersAction::SetDate(snap.date.clone()));
                        orders.dispatch(OrdersAction::LoadStarted(id));
                        orders.dispatch(OrdersAction::Loaded(id, snap.orders));
                        etas.set(snap.etas);
                        couriers.set(snap.couriers);
                        denied.set(false);
                        updated.set(Some(js_sys::Date::now()));
                    }
                    Err(ApiError::Unauthorized | ApiError::Api { status: 403, .. }) => {
                        denied.set(true)
                    }
                    Err(e) => orders.dispatch(OrdersAction::LoadFailed(id, e.to_string())),
                }
            });
        })
    };

    let on_live = {
        let (orders, reload, denied, updated) = (
            orders.dispatcher(),
            reload.clone(),
            denied.setter(),
            updated.setter(),
        );
        Callback::from(move |ev: LiveEvent| match ev {
            LiveEvent::Opened => {
                reload.emit(());
                calls_news.emit(());
            }
            LiveEvent::Unauthorized => denied.set(true),
            LiveEvent::Message(m) => match m.kind.as_str() {
                "call.answered" | "call.ended" | "call.called_back" | "call.ringing" => {
                    calls_news.emit(())
                }
                "order.created" | "order.updated" => {
                    if m.kind == "order.created" {
                        calls_news.emit(());
                    }
                    match crate::api::live::data::<Order>(&m) {
                        Ok(o) => {
                            orders.dispatch(OrdersAction::Upsert(Box::new(o)));
                            updated.set(Some(js_sys::Date::now()));
                        }
                        Err(_) => reload.emit(()),
                    }
                }
                "resync" => reload.emit(()),
                _ => {}
            },
        })
    };
    let live = use_live_auth(auth.clone(), on_live);

    // The clock: late stops move with it, and a new day reloads the board.
    {
        let (now, reload) = (now.setter(), reload.clone());
        use_effect_with(orders.date.clone(), move |date| {
            let date = date.clone();
            let interval = gloo_timers::callback::Interval::new(20_000, move || {
                now.set(clock());
                if crate::clock::today() != date {
                    reload.emit(());
                }
            });
            move || drop(interval)
        });
    }
    live
}
