//! The dispatch board: one day's orders in lanes (no courier, then each
//! courier's route), kept current by the live channel; the orders whose
//! delivery failed and need a new date; the day's missed calls. A dispatcher
//! assigns by dragging or with the panel of the selected order, reorders a
//! route, reschedules, recalls and cancels with a reason.

use std::cell::RefCell;
use std::rc::Rc;

use rodnik_shared::api::{Call, CallWithMatches, Order, PatchOrder, PutRoute, User};
use rodnik_shared::TimeWindow;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::live::{use_live, LiveEvent};
use crate::api::{Api, ApiError};
use crate::components::board::{ActionsPanel, DropAt, LaneView, MissedCalls, NeedsDate};
use crate::components::LiveIndicator;
use crate::i18n::board::texts;
use crate::i18n::long_date;
use crate::pages::today::summary;
use crate::state::board::{lanes, move_before, needing_date, CallsAction, CallsState};
use crate::state::{use_app, OrdersAction, OrdersState};

/// What a dispatcher asks of the server from the board.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    Assign {
        id: String,
        version: i64,
        courier_id: Option<String>,
    },
    Dispatch {
        id: String,
        version: i64,
    },
    Reschedule {
        id: String,
        version: i64,
        date: String,
        /// `Some(None)`: any time; `None`: keep the window.
        window: Option<Option<TimeWindow>>,
    },
    Recall {
        id: String,
        version: i64,
    },
    Cancel {
        id: String,
        version: i64,
        reason: String,
    },
    Route {
        courier_id: String,
        date: String,
        order_ids: Vec<String>,
    },
    CalledBack {
        call_id: String,
    },
}

impl Op {
    fn order_id(&self) -> Option<&str> {
        match self {
            Op::Assign { id, .. }
            | Op::Dispatch { id, .. }
            | Op::Reschedule { id, .. }
            | Op::Recall { id, .. }
            | Op::Cancel { id, .. } => Some(id),
            Op::Route { .. } | Op::CalledBack { .. } => None,
        }
    }
}

/// The outcome of an operation, as the board shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub text: String,
    pub error: bool,
    /// The field a validation error concerns (`delivery_date`, `courier_id`, `reason`).
    pub field: Option<String>,
}

enum Done {
    Orders(Vec<Order>),
    Call(Call),
}

#[function_component]
pub fn Board() -> Html {
    let app = use_app();
    let lang = app.lang;
    let t = lang.t();
    let bt = texts(lang);
    let token = app.token().unwrap_or_default().to_string();
    let today = use_memo((), |_| crate::clock::today());
    let orders = use_reducer(|| OrdersState::for_board((*today).clone()));
    let calls = use_reducer(|| CallsState::new((*today).clone()));
    let couriers = use_state(Vec::<User>::new);
    let selected = use_state(|| None::<String>);
    let show_cancelled = use_state(|| false);
    let busy = use_state(|| false);
    let notice = use_state(|| None::<Notice>);
    // The day shown, readable from the live callback (taken once per token).
    let date_ref = use_mut_ref(|| (*today).clone());
    let load_seq = use_mut_ref(|| 0u32);
    let dragged: Rc<RefCell<Option<String>>> = use_mut_ref(|| None);

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

    // Couriers once; the orders with every (re)connection of the live channel.
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
            (*today).clone(),
        );
        Callback::from(move |ev: LiveEvent| match ev {
            LiveEvent::Opened => reload.emit(()),
            LiveEvent::Unauthorized => {}
            LiveEvent::Message(m) => match m.kind.as_str() {
                "order.created" | "order.updated" => {
                    match serde_json::from_value::<Order>(m.data) {
                        Ok(o) => orders.dispatch(OrdersAction::Upsert(Box::new(o))),
                        Err(_) => reload.emit(()),
                    }
                }
                "call.ended" | "call.called_back" => {
                    // Live calls are today's; another day's list does not change.
                    if *date_ref.borrow() == today {
                        if let Ok(c) = serde_json::from_value::<CallWithMatches>(m.data) {
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

    let set_date = {
        let (orders, calls, date_ref, reload, selected, notice) = (
            orders.dispatcher(),
            calls.dispatcher(),
            date_ref.clone(),
            reload.clone(),
            selected.setter(),
            notice.setter(),
        );
        Callback::from(move |date: String| {
            if date.len() != 10 || *date_ref.borrow() == date {
                return;
            }
            *date_ref.borrow_mut() = date.clone();
            orders.dispatch(OrdersAction::SetDate(date.clone()));
            calls.dispatch(CallsAction::SetDate(date));
            selected.set(None);
            notice.set(None);
            reload.emit(());
        })
    };

    let run = {
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
    };

    let date = date_ref.borrow().clone();
    let all_lanes = lanes(&orders, &couriers, *show_cancelled);
    let failed = needing_date(&orders);
    let selected_order = selected.as_ref().and_then(|id| orders.get(id)).cloned();
    // The route the selected order is on, when it is on this day's board.
    let selected_route: Vec<String> = selected_order
        .as_ref()
        .filter(|o| o.delivery_date == date)
        .and_then(|o| all_lanes.iter().find(|l| l.courier_id == o.courier_id))
        .map(|l| l.route_ids())
        .unwrap_or_default();

    let on_drag = {
        let dragged = dragged.clone();
        Callback::from(move |id: String| *dragged.borrow_mut() = Some(id))
    };
    let on_drop = {
        let (dragged, run, lanes_now, orders) = (
            dragged.clone(),
            run.clone(),
            all_lanes.clone(),
            orders.clone(),
        );
        let date = date.clone();
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
    };

    let on_select = {
        let (selected, notice) = (selected.clone(), notice.setter());
        Callback::from(move |id: Option<String>| {
            notice.set(None);
            selected.set(id);
        })
    };
    let step = |days: i64| {
        let set_date = set_date.clone();
        let date = date.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(d) = shift_date(&date, days) {
                set_date.emit(d);
            }
        })
    };
    let on_pick_date = {
        let set_date = set_date.clone();
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            set_date.emit(input.value());
        })
    };
    let to_today = {
        let (set_date, today) = (set_date.clone(), (*today).clone());
        Callback::from(move |_: MouseEvent| set_date.emit(today.clone()))
    };
    let toggle_cancelled = {
        let show = show_cancelled.clone();
        Callback::from(move |_: Event| show.set(!*show))
    };
    let onreload = {
        let reload = reload.clone();
        Callback::from(move |_: MouseEvent| reload.emit(()))
    };
    let onkeydown = {
        let selected = selected.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" && selected.is_some() {
                selected.set(None);
            }
        })
    };

    html! {
        <section id="board" class="board" data-date={date.clone()} {onkeydown}>
            <div class="toolbar">
                <div class="title">
                    <h1>{ bt.title }</h1>
                    <div class="day-nav">
                        <button id="board-prev" type="button" class="btn btn-ghost" title={bt.prev_day}
                            aria-label={bt.prev_day} onclick={step(-1)}>{ "‹" }</button>
                        <input id="board-date" type="date" value={date.clone()} onchange={on_pick_date} />
                        <button id="board-next" type="button" class="btn btn-ghost" title={bt.next_day}
                            aria-label={bt.next_day} onclick={step(1)}>{ "›" }</button>
                        if date != *today {
                            <button id="board-today" type="button" class="btn btn-ghost" onclick={to_today}>
                                { bt.to_today }
                            </button>
                        }
                        <span class="date">{ long_date(lang, &date) }</span>
                    </div>
                </div>
                { summary(lang, &orders, "board-summary",
                    html! { <span class="sum" id="board-sum">{ crate::money::text(lang, orders.total()) }</span> }) }
                <div class="toolbar-right">
                    <label class="check">
                        <input id="board-show-cancelled" type="checkbox" checked={*show_cancelled}
                            onchange={toggle_cancelled} />
                        { bt.show_cancelled }
                    </label>
                    if orders.loading {
                        <span class="loading">{ t.loading }</span>
                    }
                    <LiveIndicator status={live} {lang} />
                    <button id="board-reload" type="button" class="btn btn-ghost" onclick={onreload}>
                        { t.reload }
                    </button>
                </div>
            </div>
            if let Some(e) = &orders.error {
                <p id="board-error" class="banner error" role="alert">{ format!("{}: {e}", t.load_failed) }</p>
            }
            <div class="board-body">
                <div id="lanes" class="lanes" aria-busy={orders.loading.to_string()}>
                    { for all_lanes.into_iter().map(|lane| html! {
                        <LaneView key={lane.courier_id.clone().unwrap_or_default()}
                            lane={lane.clone()} {lang}
                            selected={(*selected).clone()}
                            touched={orders.touched.clone()}
                            on_select={on_select.clone()} on_drag={on_drag.clone()}
                            on_drop={on_drop.clone()} />
                    }) }
                </div>
                <aside class="board-side">
                    if let Some(o) = selected_order {
                        <ActionsPanel key={o.id.clone()} order={o.clone()} couriers={(*couriers).clone()}
                            route={selected_route}
                            {lang} busy={*busy} notice={(*notice).clone()}
                            on_op={run.clone()} on_close={on_select.reform(|_| None)} />
                    } else {
                        <p class="hint">{ bt.hint }</p>
                        if let Some(n) = notice.as_ref().filter(|n| n.error) {
                            <p id="board-notice" class="banner error" role="alert">
                                { if n.field.as_deref() == Some("stale") { bt.stale.to_string() } else { n.text.clone() } }
                            </p>
                        }
                    }
                    <NeedsDate orders={failed} {lang} selected={(*selected).clone()}
                        on_select={on_select.clone()} />
                    <MissedCalls calls={(*calls).clone()} {lang} busy={*busy} on_op={run.clone()} />
                </aside>
            </div>
        </section>
    }
}

async fn perform(api: &Api, op: &Op) -> Result<Done, ApiError> {
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
            reason,
        } => api.cancel(id, *version, reason).await.map(one),
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
    }
}

/// `YYYY-MM-DD` moved by `days`.
pub fn shift_date(date: &str, days: i64) -> Option<String> {
    let d = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?;
    Some((d + chrono::Duration::days(days)).to_string())
}
