//! The courier app (`/courier`, where couriers land): today's route in order,
//! kept current by the live channel, readable with no connection (the last
//! snapshot is in localStorage), closes queued on the phone and sent when the
//! server can be reached, and the day's summary. The queue's rules live in
//! `state::courier`; this page feeds it the clock, the network and the server.

use std::cell::RefCell;
use std::collections::HashSet;
use std::rc::Rc;

use gloo_events::EventListener;
use gloo_timers::callback::Interval;
use rodnik_shared::api::{DeliverOrder, FailOrder, Order};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::live::{use_live, LiveEvent, LiveStatus};
use crate::api::{new_idempotency_key, Api, ApiError};
use crate::components::courier::{
    device_time, now_ms, Conflicts, DaySummary, FailedStops, Freshness, Mode, Notes, StopCard,
};
use crate::i18n::courier::{texts, unsent};
use crate::i18n::long_date;
use crate::state::courier::{Close, CourierAction, CourierState, QueuedClose, SendResult};
use crate::state::use_app;

/// How often the clock ticks (the undo countdown, due closes, the data's age).
const TICK_MS: u32 = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tab {
    Route,
    Summary,
}

#[function_component]
pub fn Courier() -> Html {
    let app = use_app();
    let lang = app.lang;
    let ct = texts(lang);
    let token = app.token().unwrap_or_default().to_string();
    let user_id = app
        .session
        .as_ref()
        .map(|s| s.user.id.clone())
        .unwrap_or_default();
    let state = use_reducer({
        let user_id = user_id.clone();
        move || CourierState::restore(&user_id)
    });
    let now = use_state(now_ms);
    let online = use_state(browser_online);
    let tab = use_state(|| Tab::Route);
    let open = use_state(|| None::<(String, Mode)>);
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
                match Api::with_token(&token).my_route().await {
                    Ok(route) => state.dispatch(CourierAction::Loaded {
                        id,
                        route,
                        now: now_ms(),
                    }),
                    Err(e) => state.dispatch(CourierAction::LoadFailed(id, e.to_string())),
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
                "order.created" | "order.updated" => {
                    match serde_json::from_value::<Order>(m.data) {
                        Ok(o) => state.dispatch(CourierAction::Upsert(Box::new(o))),
                        Err(_) => reload.emit(()),
                    }
                }
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
        use_effect_with((*now, state.queue.clone()), move |(now, queue)| {
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

    // Stable callbacks: a stop card re-renders only when its own props change,
    // not on every tick of the clock.
    let on_open = use_callback(open.setter(), |(id, mode): (String, Option<Mode>), open| {
        open.set(mode.map(|m| (id, m)));
    });
    let on_close = use_callback(
        (state.dispatcher(), open.setter()),
        |(order_id, close): (String, Close), (dispatch, open)| {
            open.set(None);
            dispatch.dispatch(CourierAction::Close {
                order_id,
                close,
                key: new_idempotency_key(),
                at: device_time(),
                now: now_ms(),
            });
        },
    );
    let on_undo = use_callback(state.dispatcher(), |key: String, dispatch| {
        dispatch.dispatch(CourierAction::Undo { key, now: now_ms() })
    });
    let on_dismiss_note = {
        let dispatch = state.dispatcher();
        Callback::from(move |id: u32| dispatch.dispatch(CourierAction::DismissNote(id)))
    };
    let on_dismiss_conflict = {
        let dispatch = state.dispatcher();
        Callback::from(move |key: String| dispatch.dispatch(CourierAction::DismissConflict(key)))
    };
    let show = |which: Tab| {
        let tab = tab.clone();
        Callback::from(move |_: MouseEvent| tab.set(which))
    };

    let now_v = *now;
    let summary = state.summary();
    let waiting = state.waiting(now_v);
    let next_id = state
        .stops
        .iter()
        .find(|o| o.state == rodnik_shared::OrderState::Delivery && state.queued(&o.id).is_none())
        .map(|o| o.id.clone());
    let offline = !*online || live == LiveStatus::Offline;
    let stops = state.stops.iter().enumerate().map(|(i, o)| {
        let queued: Option<QueuedClose> = state.queued(&o.id).cloned();
        let phones = state.phones.get(&o.client_id).cloned().unwrap_or_default();
        let mode = open.as_ref().filter(|(id, _)| *id == o.id).map(|(_, m)| *m);
        html! {
            <StopCard key={o.id.clone()} order={o.clone()} pos={i + 1}
                next={next_id.as_deref() == Some(o.id.as_str())} {lang}
                now={if queued.is_some() { now_v } else { 0.0 }} {queued} {phones} open={mode}
                on_open={on_open.clone()} on_close={on_close.clone()} on_undo={on_undo.clone()} />
        }
    });

    html! {
        <section id="courier" class="courier" data-date={state.date.clone().unwrap_or_default()}
            aria-busy={state.loading.to_string()}>
            <div class="courier-head">
                <h1>
                    { ct.title }
                    if let Some(d) = &state.date {
                        <span class="date">{ long_date(lang, d) }</span>
                    }
                </h1>
                <Freshness {lang} {live} online={*online} fetched_at={state.fetched_at} now={now_v}
                    loading={state.loading} on_reload={reload.clone()} />
                if offline && state.fetched_at.is_some() {
                    <p id="offline-note" class="offline-note" role="status">{ ct.offline_hint }</p>
                }
                if let Some(e) = &state.load_error {
                    if !offline {
                        <p id="route-error" class="form-error" role="alert">{ format!("{}: {e}", ct.load_failed) }</p>
                    }
                }
                <div class="courier-tabs" role="tablist">
                    <button id="tab-route" type="button" role="tab"
                        class={classes!("courier-tab", (*tab == Tab::Route).then_some("current"))}
                        aria-selected={(*tab == Tab::Route).to_string()} onclick={show(Tab::Route)}>
                        { format!("{} · {}", ct.tab_route, summary.left) }
                    </button>
                    <button id="tab-summary" type="button" role="tab"
                        class={classes!("courier-tab", (*tab == Tab::Summary).then_some("current"))}
                        aria-selected={(*tab == Tab::Summary).to_string()} onclick={show(Tab::Summary)}>
                        { ct.tab_summary }
                    </button>
                </div>
            </div>
            <Conflicts {lang} conflicts={state.conflicts.clone()} on_dismiss={on_dismiss_conflict} />
            <Notes {lang} notes={state.notes.clone()} on_dismiss={on_dismiss_note} />
            if waiting > 0 {
                <p id="queue-status" class="queue-status" data-count={waiting.to_string()} role="status">
                    { unsent(lang, waiting) }
                </p>
            }
            if *tab == Tab::Route {
                if state.stops.is_empty() && state.fetched_at.is_some() {
                    <p id="route-empty" class="route-empty">{ ct.empty }</p>
                }
                <ol id="route" class="route-list">{ for stops }</ol>
                <FailedStops {lang} failed={state.failed.clone()} />
            } else {
                <DaySummary {lang} date={state.date.clone()} {summary} />
            }
        </section>
    }
}

/// `navigator.onLine`; `true` when the browser cannot tell.
fn browser_online() -> bool {
    web_sys::window().is_none_or(|w| w.navigator().on_line())
}

/// One attempt to send a queued close: what came of it, and whether the
/// session has ended (the close stays queued for the next login).
async fn send(api: &Api, q: &QueuedClose) -> SendResult {
    let answer = match &q.close {
        Close::Delivered {
            cash_collected,
            empties_returned,
        } => {
            let body = DeliverOrder {
                cash_collected: Some(*cash_collected),
                empties_returned: Some(i64::from(*empties_returned)),
                expected_version: Some(q.expected_version),
                at: Some(q.at.clone()),
            };
            api.deliver(&q.order_id, &body, &q.key).await
        }
        Close::Failed { reason } => {
            let body = FailOrder {
                reason: reason.clone(),
                expected_version: Some(q.expected_version),
                at: Some(q.at.clone()),
            };
            api.fail(&q.order_id, &body, &q.key).await
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
