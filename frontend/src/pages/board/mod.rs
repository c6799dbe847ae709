//! The dispatch board: one day's orders in lanes (no courier, then each
//! courier's route), kept current by the live channel; the orders whose
//! delivery failed and need a new date; the day's missed calls. A dispatcher
//! assigns by dragging or with the panel of the selected order, reorders a
//! route, reschedules, recalls and cancels with a reason.//!
//! `feed` loads and follows the board's data, `ops` runs what the dispatcher
//! does, `toolbar` is the day's bar.

mod feed;
mod ops;
mod toolbar;

use std::cell::RefCell;
use std::rc::Rc;

use rodnik_shared::api::{Eta, User};
use rodnik_shared::TimeWindow;
use yew::prelude::*;

use crate::components::board::{ActionsPanel, LaneView, MissedCalls, NeedsDate};
use crate::components::planning::etas::{signature, use_refresh};
use crate::components::planning::OptimiseDialog;
use crate::i18n::board::texts;
use crate::state::board::{lanes, needing_date, CallsAction, CallsState};
use crate::state::planning::merge_etas;
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
        /// From the company's list; `None`: the typed `reason`.
        reason_id: Option<String>,
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
    /// Keep the stop with its courier when the day is optimised (or not).
    Pin {
        id: String,
        version: i64,
        pinned: bool,
    },
}

impl Op {
    fn order_id(&self) -> Option<&str> {
        match self {
            Op::Assign { id, .. }
            | Op::Dispatch { id, .. }
            | Op::Reschedule { id, .. }
            | Op::Recall { id, .. }
            | Op::Cancel { id, .. }
            | Op::Pin { id, .. } => Some(id),
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
    let dragged: Rc<RefCell<Option<String>>> = use_mut_ref(|| None);
    let (reload, live) =
        feed::use_board_feed(&orders, &calls, &couriers, &app, &token, &date_ref, &today);

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
    let run = ops::runner(&orders, &calls, &app, &token, &busy, &notice, &selected);
    let optimising = use_state(|| false);
    // The day's expected arrivals (issue 21): asked again when the day's
    // orders change (the live channel) and every minute.
    let etas = use_state(|| (String::new(), Vec::<Eta>::new()));
    {
        let day = date_ref.borrow().clone();
        let sig = signature(orders.orders.iter().filter(|o| o.delivery_date == day));
        let (etas, token, date_ref) = (etas.setter(), token.clone(), date_ref.clone());
        use_refresh(
            (day, sig),
            Callback::from(move |_: ()| {
                let (etas, token, day) = (etas.clone(), token.clone(), date_ref.borrow().clone());
                yew::platform::spawn_local(async move {
                    // No answer keeps the last one on screen.
                    if let Ok(list) = crate::api::Api::with_token(&token).etas(Some(&day)).await {
                        etas.set((day, list));
                    }
                });
            }),
        );
    }

    let date = date_ref.borrow().clone();
    let all_lanes = lanes(&orders, &couriers, *show_cancelled);
    let marks = std::rc::Rc::new(if etas.0 == date {
        merge_etas(&orders.orders, &etas.1)
    } else {
        Default::default()
    });
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
    let on_drop = ops::drop_handler(&dragged, &run, all_lanes.clone(), &orders, &date);

    let on_select = {
        let (selected, notice) = (selected.clone(), notice.setter());
        Callback::from(move |id: Option<String>| {
            notice.set(None);
            selected.set(id);
        })
    };
    let onkeydown = {
        let selected = selected.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" && selected.is_some() {
                selected.set(None);
            }
        })
    };

    let bar = toolbar::toolbar(toolbar::Toolbar {
        lang,
        date: &date,
        today: &today,
        orders: &orders,
        show_cancelled: &show_cancelled,
        live,
        set_date: &set_date,
        reload: &reload,
        on_optimise: &{
            let optimising = optimising.clone();
            Callback::from(move |_: ()| optimising.set(true))
        },
    });

    html! {
        <section id="board" class="board" data-date={date.clone()} {onkeydown}>
            { bar }
            if let Some(e) = &orders.error {
                <p id="board-error" class="banner error" role="alert">{ format!("{}: {e}", t.load_failed) }</p>
            }
            <div class="board-body">
                <div id="lanes" class="lanes" aria-busy={orders.loading.to_string()}>
                    { for all_lanes.into_iter().map(|lane| html! {
                        <LaneView key={lane.courier_id.clone().unwrap_or_default()}
                            lane={lane.clone()} {lang} etas={marks.clone()}
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
            if *optimising {
                <OptimiseDialog date={date.clone()} couriers={(*couriers).clone()}
                    orders={std::rc::Rc::new(orders.orders.clone())} token={token.clone()} {lang}
                    on_close={{ let o = optimising.clone(); Callback::from(move |_| o.set(false)) }}
                    on_accepted={reload.clone()} />
            }
        </section>
    }
}

/// `YYYY-MM-DD` moved by `days`.
pub fn shift_date(date: &str, days: i64) -> Option<String> {
    let d = crate::clock::parse_date(date)?;
    Some((d + chrono::Duration::days(days)).to_string())
}
