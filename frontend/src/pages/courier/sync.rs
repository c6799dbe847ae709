//! The courier app's link to the server: the route loaded and followed
//! live, the clock and the network as the browser sees them, every queued
//! close sent when it is due, the missing client phones fetched, the
//! payment QR's settings; and what survives a reload kept in localStorage.

use std::cell::RefCell;
use std::collections::HashSet;
use std::rc::Rc;

use gloo_events::EventListener;
use gloo_timers::callback::Interval;
use rodnik_shared::api::{DeliverOrder, FailOrder, LineInput, Order, RescheduleOrder};
use yew::platform::spawn_local;
use yew::prelude::*;

use super::TICK_MS;
use crate::api::live::{use_live, LiveEvent, LiveStatus};
use crate::api::{new_idempotency_key, Api, ApiError};
use crate::components::courier::now_ms;
use crate::state::courier::{Close, CourierAction, CourierState, QueuedClose, SendResult};
use crate::state::AppHandle;

/// Returns the route's reload, tomorrow's route's load, and the live
/// channel's status.
#[hook]
pub fn use_courier_sync(
    state: &UseReducerHandle<CourierState>,
    app: &AppHandle,
    token: &str,
    now: &UseStateHandle<f64>,
    online: &UseStateHandle<bool>,
) -> (Callback<()>, Callback<()>, LiveStatus) {
    let token = token.to_string();
    let load_seq = use_mut_ref(|| 0u32);
    // Keys with a request out: never two requests with one key at once.
    let sending: Rc<RefCell<HashSet<String>>> = use_mut_ref(HashSet::new);

    // Everything that survives a reload goes to localStorage on every change.
    use_effect_with(state.stored(), {
        let state = state.clone();
        move |_| state.persist()
    });

    let reload = {
        let (state, app, token) = (state.dispatcher(), app.dispatcher(), token.clone());
        Callback::from(move |_: ()| {
            let id = {
                let mut seq = load_seq.borrow_mut();
                *seq += 1;
                *seq
            };
            state.dispatch(CourierAction::LoadStarted(id));
            let (state, _app, token) = (state.clone(), app.clone(), token.clone());
            spawn_local(async move {
                let api = Api::with_token(&token);
                match api.my_route().await {
                    Ok(route) => state.dispatch(CourierAction::Loaded {
                        id,
                        route,
                        now: now_ms(),
                    }),
                    Err(e) => {
                        state.dispatch(CourierAction::LoadFailed(id, e.to_string()));
                        return;
                    }
                }
                // The price list, for what clients take at the door (kept offline).
                if let Ok(products) = api.products().await {
                    state.dispatch(CourierAction::Products(products));
                }
                // The company's reasons to fail or move a stop (kept offline).
                if let Ok(reasons) = api.reasons(false).await {
                    state.dispatch(CourierAction::Reasons(reasons));
                }
                // The SBP link and bank details of the payment QR (kept offline).
                if let Ok(qr) = api.payment_qr_settings().await {
                    state.dispatch(CourierAction::QrSettings(qr));
                }
            });
        })
    };

    // The clock, and the network as the browser sees it: coming back online
    // sends the queue at once and reloads the route.
    {
        let (now, online, state, reload) = (
            now.setter(),
            online.setter(),
            state.dispatcher(),
            reload.clone(),
        );
        use_effect_with((), move |_| {
            let tick = Interval::new(TICK_MS, move || now.set(now_ms()));
            let listeners = web_sys::window().map(|w| {
                let back = {
                    let online = online.clone();
                    EventListener::new(&w, "online", move |_| {
                        online.set(true);
                        state.dispatch(CourierAction::RetryNow(now_ms()));
                        reload.emit(());
                    })
                };
                let gone = EventListener::new(&w, "offline", move |_| online.set(false));
                (back, gone)
            });
            move || {
                drop(tick);
                drop(listeners);
            }
        });
    }

    let on_live = {
        let (state, _app, reload) = (state.dispatcher(), app.dispatcher(), reload.clone());
        Callback::from(move |ev: LiveEvent| match ev {
            LiveEvent::Opened => {
                state.dispatch(CourierAction::RetryNow(now_ms()));
                reload.emit(());
            }
            LiveEvent::Unauthorized => {}
            LiveEvent::Message(m) => match m.kind.as_str() {
                "order.created" | "order.updated" => match crate::api::live::data::<Order>(&m) {
                    Ok(o) => state.dispatch(CourierAction::Upsert(Box::new(o))),
                    Err(_) => reload.emit(()),
                },
                "order.revoked" => match m.data.get("id").and_then(|v| v.as_str()) {
                    Some(id) => state.dispatch(CourierAction::Revoked(id.to_string())),
                    None => reload.emit(()),
                },
                "resync" => reload.emit(()),
                _ => {}
            },
        })
    };
    let live = use_live(Some(token.clone()), on_live);

    // Sends every close that is due: past its grace period and its backoff.
    {
        let (dispatch, app, token, sending, reload) = (
            state.dispatcher(),
            app.dispatcher(),
            token.clone(),
            sending.clone(),
            reload.clone(),
        );
        use_effect_with((**now, state.queue.clone()), move |(now, queue)| {
            for q in queue.iter().filter(|q| q.due(*now)) {
                if !sending.borrow_mut().insert(q.key.clone()) {
                    continue;
                }
                dispatch.dispatch(CourierAction::SendStarted(q.key.clone()));
                let (q, dispatch, _app, token, sending, reload) = (
                    q.clone(),
                    dispatch.clone(),
                    app.clone(),
                    token.clone(),
                    sending.clone(),
                    reload.clone(),
                );
                spawn_local(async move {
                    let result = send(&Api::with_token(&token), &q).await;
                    sending.borrow_mut().remove(&q.key);
                    let settled = !matches!(
                        result,
                        SendResult::Unreachable(_) | SendResult::Sent(Some(_))
                    );
                    dispatch.dispatch(CourierAction::SendFinished {
                        key: q.key.clone(),
                        result,
                        now: now_ms(),
                    });
                    if settled {
                        // A refusal or an odd answer: show the route as the server has it.
                        reload.emit(());
                    }
                });
            }
        });
    }

    // Contract prices of the route's clients, once each.
    {
        let (dispatch, token) = (state.dispatcher(), token.clone());
        use_effect_with(state.prices_missing(), move |missing| {
            let missing = missing.clone();
            spawn_local(async move {
                let api = Api::with_token(&token);
                for id in missing {
                    match api.client_prices(&id).await {
                        Ok(list) => {
                            let prices = list
                                .prices
                                .into_iter()
                                .map(|p| (p.product_id, p.price))
                                .collect();
                            dispatch.dispatch(CourierAction::Prices(id, prices))
                        }
                        Err(ApiError::Api { .. }) => {
                            dispatch.dispatch(CourierAction::Prices(id, Default::default()))
                        }
                        Err(_) => return,
                    }
                }
            });
        });
    }

    // Tomorrow's route, read-only: fetched on demand, kept for offline.
    let load_tomorrow = {
        let (dispatch, token, today) = (state.dispatcher(), token.clone(), state.date.clone());
        Callback::from(move |_: ()| {
            let Some(today) = today.clone() else {
                return;
            };
            let (dispatch, token) = (dispatch.clone(), token.clone());
            spawn_local(async move {
                let date = crate::components::courier::next_day(&today);
                if let Ok(route) = Api::with_token(&token).my_route_on(&date).await {
                    dispatch.dispatch(CourierAction::Tomorrow {
                        route,
                        now: now_ms(),
                    });
                }
            });
        })
    };

    // Phones of clients whose address has no contact phone, once each.
    {
        let (dispatch, token) = (state.dispatcher(), token.clone());
        use_effect_with(state.phones_missing(), move |missing| {
            let missing = missing.clone();
            spawn_local(async move {
                let api = Api::with_token(&token);
                for id in missing {
                    match api.client_phones(&id).await {
                        Ok(phones) => dispatch.dispatch(CourierAction::Phones(id, phones)),
                        Err(ApiError::Api { .. }) => {
                            dispatch.dispatch(CourierAction::Phones(id, vec![]))
                        }
                        Err(_) => return,
                    }
                }
            });
        });
    }
    // The stops' expected arrivals (issue 21): asked again a moment after
    // the route changes and every minute; no answer (offline) keeps the last.
    {
        let sig = crate::components::planning::etas::signature(state.stops.iter());
        let (dispatch, token) = (state.dispatcher(), token.clone());
        crate::components::planning::etas::use_refresh(
            sig,
            Callback::from(move |_: ()| {
                let (dispatch, token) = (dispatch.clone(), token.clone());
                spawn_local(async move {
                    if let Ok(list) = Api::with_token(&token).etas(None).await {
                        dispatch.dispatch(CourierAction::Etas(list));
                    }
                });
            }),
        );
    }
    (reload, load_tomorrow, live)
}

/// One attempt to send a queued close: what came of it, and whether the
/// session has ended (the close stays queued for the next login).
async fn send(api: &Api, q: &QueuedClose) -> SendResult {
    let answer = match &q.close {
        Close::Delivered {
            cash_collected,
            empties_returned,
            empties_note,
            lines,
            payments,
        } => {
            let body = DeliverOrder {
                lines: lines.as_ref().map(|l| {
                    l.iter()
                        .map(|l| LineInput {
                            product_id: l.product_id.clone(),
                            qty: i64::from(l.qty),
                        })
                        .collect()
                }),
                cash_collected: Some(*cash_collected),
                // Skipped when empty: the body of a cash-only close is as before.
                payments: payments.clone(),
                empties_returned: Some(i64::from(*empties_returned)),
                empties_note: empties_note.clone(),
                expected_version: Some(q.expected_version),
                at: Some(q.at.clone()),
            };
            api.deliver(&q.order_id, &body, &q.key).await
        }
        Close::Failed { reason, reason_id } => {
            let body = FailOrder {
                reason_id: reason_id.clone(),
                reason: reason.clone(),
                expected_version: Some(q.expected_version),
                at: Some(q.at.clone()),
            };
            api.fail(&q.order_id, &body, &q.key).await
        }
        Close::Moved {
            date,
            window,
            reason,
            reason_id,
        } => {
            let body = RescheduleOrder {
                delivery_date: date.clone(),
                window: window.map(|w| w.to_input()),
                reason_id: reason_id.clone(),
                reason: reason.clone(),
                expected_version: Some(q.expected_version),
                at: Some(q.at.clone()),
            };
            api.reschedule(&q.order_id, &body, &q.key).await
        }
    };
    let result = match answer {
        Ok(o) => SendResult::Sent(Some(Box::new(o))),
        // A 2xx with a body this build cannot read: the close was applied.
        Err(ApiError::Decode(_)) => SendResult::Sent(None),
        Err(ApiError::Network(e)) => SendResult::Unreachable(e),
        // The session is over (the API client ends it); the close stays queued.
        Err(ApiError::Unauthorized) => SendResult::Unreachable("401".into()),
        Err(ApiError::Api {
            status: 409, code, ..
        }) if code == "stale_version" => match api.order(&q.order_id).await {
            Ok(o) => SendResult::Stale {
                current: Some(Box::new(o)),
                new_key: new_idempotency_key(),
            },
            Err(ApiError::Api {
                status: 404 | 403, ..
            }) => SendResult::Stale {
                current: None,
                new_key: new_idempotency_key(),
            },
            Err(e) => SendResult::Unreachable(e.to_string()),
        },
        Err(ApiError::Api {
            status,
            code,
            message,
            ..
        }) => SendResult::Refused {
            status,
            code,
            message,
        },
    };
    result
}
