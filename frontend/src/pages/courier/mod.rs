//! The courier app (`/courier`, where couriers land): today's route in order,
//! kept current by the live channel, readable with no connection (the last
//! snapshot is in localStorage), closes queued on the phone and sent when the
//! server can be reached, and the day's summary. The queue's rules live in
//! `state::courier`; this page feeds it the clock, the network and the server.//!
//! `sync` keeps the page and the server in step.

mod sync;

use rodnik_shared::api::ReasonKind;
use yew::prelude::*;

use crate::api::live::LiveStatus;
use crate::api::new_idempotency_key;
use crate::components::courier::{
    device_time, now_ms, CashHandover, Conflicts, DaySummary, FailedStops, Freshness, Mode, Notes,
    StopCard, TomorrowRoute,
};
use crate::i18n::courier::{texts, unsent};
use crate::i18n::long_date;
use crate::state::courier::{Close, CourierAction, CourierState, QueuedClose};
use crate::state::use_app;

/// How often the clock ticks (the undo countdown, due closes, the data's age).
const TICK_MS: u32 = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tab {
    Route,
    Tomorrow,
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
    let (reload, load_tomorrow, live) = sync::use_courier_sync(&state, &app, &token, &now, &online);

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

    // Tomorrow's route is fetched when its tab opens (and kept for offline).
    let show_tomorrow = {
        let (tab, load_tomorrow) = (tab.clone(), load_tomorrow.clone());
        Callback::from(move |_: MouseEvent| {
            tab.set(Tab::Tomorrow);
            load_tomorrow.emit(());
        })
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
    let etas = state.eta_marks();
    let stops = state.stops.iter().enumerate().map(|(i, o)| {
        let queued: Option<QueuedClose> = state.queued(&o.id).cloned();
        let phones = state.phones.get(&o.client_id).cloned().unwrap_or_default();
        let mode = open.as_ref().filter(|(id, _)| *id == o.id).map(|(_, m)| *m);
        // The price list goes only to the stop whose form is open.
        let (products, contract, qr) = match mode {
            Some(Mode::Deliver) => (
                state.products.clone(),
                state.contract(&o.client_id),
                state.qr.clone(),
            ),
            _ => Default::default(),
        };
        let reasons = match mode {
            Some(Mode::Fail) => state.reasons_of(ReasonKind::Fail),
            Some(Mode::Move) => state.reasons_of(ReasonKind::Reschedule),
            _ => vec![],
        };
        html! {
            <StopCard key={o.id.clone()} order={o.clone()} pos={i + 1}
                next={next_id.as_deref() == Some(o.id.as_str())} {lang} {products} {contract} {reasons}
                today={state.date.clone().unwrap_or_default()}
                now={if queued.is_some() { now_v } else { 0.0 }} {queued} {phones} open={mode}
                held={state.held.get(&o.client_id).copied()} {qr} eta={etas.get(&o.id).cloned()}
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
                    <button id="tab-tomorrow" type="button" role="tab"
                        class={classes!("courier-tab", (*tab == Tab::Tomorrow).then_some("current"))}
                        aria-selected={(*tab == Tab::Tomorrow).to_string()} onclick={show_tomorrow}>
                        { ct.tab_tomorrow }
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
            } else if *tab == Tab::Tomorrow {
                <TomorrowRoute {lang} route={state.tomorrow.clone()} fetched_at={state.tomorrow_at} now={now_v} />
            } else {
                <DaySummary {lang} date={state.date.clone()} {summary} />
                <CashHandover {lang} token={token.clone()} date={state.date.clone()} stops={state.stops.clone()}
                    collected={summary.cash} unsent={summary.unsent} />
            }
        </section>
    }
}

/// `navigator.onLine`; `true` when the browser cannot tell.
fn browser_online() -> bool {
    web_sys::window().is_none_or(|w| w.navigator().on_line())
}
