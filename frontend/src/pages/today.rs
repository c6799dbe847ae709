//! Today's orders: a snapshot from `GET /api/orders?date=`, kept current by the
//! live channel (`order.created` / `order.updated` patch the table, `resync`
//! and every reconnection reload it).

use rodnik_shared::api::Order;
use rodnik_shared::OrderState;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::live::{use_live, LiveEvent};
use crate::api::Api;
use crate::components::{LiveIndicator, OrdersTable};
use crate::i18n::{long_date, orders_count, state_label, Lang};
use crate::state::{use_app, OrdersAction, OrdersState};

#[function_component]
pub fn Today() -> Html {
    let app = use_app();
    let lang = app.lang;
    let t = lang.t();
    let token = app.token().unwrap_or_default().to_string();
    let date = use_memo((), |_| crate::clock::today());
    let orders = use_reducer(|| OrdersState::new((*date).clone()));
    let load_seq = use_mut_ref(|| 0u32);

    let reload = {
        let (orders, app, token, date) = (
            orders.dispatcher(),
            app.dispatcher(),
            token.clone(),
            date.clone(),
        );
        Callback::from(move |_: ()| {
            let id = {
                let mut seq = load_seq.borrow_mut();
                *seq += 1;
                *seq
            };
            orders.dispatch(OrdersAction::LoadStarted(id));
            let (orders, _app, token, date) =
                (orders.clone(), app.clone(), token.clone(), date.clone());
            spawn_local(async move {
                match Api::with_token(&token).orders_on(&date).await {
                    Ok(list) => orders.dispatch(OrdersAction::Loaded(id, list)),
                    Err(e) => orders.dispatch(OrdersAction::LoadFailed(id, e.to_string())),
                }
            });
        })
    };

    {
        let reload = reload.clone();
        use_effect_with((), move |_| reload.emit(()));
    }

    let on_live = {
        let (orders, _app, reload) = (orders.dispatcher(), app.dispatcher(), reload.clone());
        Callback::from(move |ev: LiveEvent| match ev {
            LiveEvent::Opened => reload.emit(()),
            LiveEvent::Unauthorized => {}
            LiveEvent::Message(m) => match m.kind.as_str() {
                "order.created" | "order.updated" => {
                    match crate::api::live::data::<Order>(&m) {
                        Ok(o) => orders.dispatch(OrdersAction::Upsert(Box::new(o))),
                        // Cannot apply it, so the table may be stale: reload it.
                        Err(_) => reload.emit(()),
                    }
                }
                "resync" => reload.emit(()),
                _ => {}
            },
        })
    };
    let live = use_live(Some(token), on_live);

    let onreload = {
        let reload = reload.clone();
        Callback::from(move |_: MouseEvent| reload.emit(()))
    };

    html! {
        <section class="today">
            <div class="toolbar">
                <div class="title">
                    <h1>{ t.today }</h1>
                    <span id="orders-date" class="date" data-date={(*date).clone()}>
                        { long_date(lang, &date) }
                    </span>
                </div>
                { summary(lang, &orders, "orders-summary", Html::default()) }
                <div class="toolbar-right">
                    if orders.loading {
                        <span class="loading">{ t.loading }</span>
                    }
                    <LiveIndicator status={live} {lang} />
                    <button id="orders-reload" type="button" class="btn btn-ghost" onclick={onreload}>
                        { t.reload }
                    </button>
                </div>
            </div>
            if let Some(e) = &orders.error {
                <p id="orders-error" class="banner error" role="alert">{ format!("{}: {e}", t.load_failed) }</p>
            }
            <OrdersTable state={(*orders).clone()} {lang} />
        </section>
    }
}

/// The day's count and count per state, as Today and the board show them
/// (`extra` ends the line); orders of other days the view keeps are not counted.
pub fn summary(lang: Lang, s: &OrdersState, id: &'static str, extra: Html) -> Html {
    let states = [
        OrderState::New,
        OrderState::Delivery,
        OrderState::Delivered,
        OrderState::Cancelled,
    ];
    let on_day = s
        .orders
        .iter()
        .filter(|o| o.delivery_date == s.date)
        .count();
    html! {
        <div {id} class="summary">
            <span class="count">{ orders_count(lang, on_day) }</span>
            { for states.into_iter().map(|st| html! {
                <span class={classes!("badge", st.as_str())} data-state={st.as_str()}>
                    { state_label(lang, st) }<b>{ s.count_in(st) }</b>
                </span>
            }) }
            { extra }
        </div>
    }
}
